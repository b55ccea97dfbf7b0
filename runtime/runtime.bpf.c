/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The schedc runtime: every sched_ext callback, generic over the policy. It is
 * compiled to LLVM bitcode when schedc is built; schedc fills in the policy
 * (schedc_policy.h) and optimises the two together, so a policy without, say,
 * aggregates carries none of that code.
 */
#include "schedc_kernel.h"
#include "schedc_policy.h"

char _license[] SEC("license") = "GPL";

/* Tunables and sizes, written by the loader before load (see schedc_abi.h). */
const volatile u64 schedc_params[SCHEDC_MAX_PARAMS];
const volatile u32 schedc_slots = SCHEDC_DEFAULT_SLOTS;
const volatile struct schedc_topology schedc_topology;
/* `live` params: the loader writes them before load and while running. */
volatile u64 schedc_live[SCHEDC_MAX_PARAMS] SEC(SCHEDC_LIVE_SECTION);

#ifdef SCHEDC_SIM
/* A host compiler keeps debug info only for defined globals, and schedc
 * reads the layout's fields from it: defined here, given its value by schedc
 * (weak until then, so nothing folds this empty one). */
__attribute__((weak)) const struct schedc_layout schedc_layout;
#endif

/* The policy's global fields; schedc sets their initial values. */
u64 schedc_globals[SCHEDC_MAX_GLOBAL_FIELDS];

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, u32);
	__type(value, u64);
	__uint(max_entries, SCHEDC_STATS_ENTRIES);
} schedc_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, u32);
	__type(value, u64);
	__uint(max_entries, SCHEDC_MAX_QUEUES * SCHEDC_DEFAULT_SLOTS);
} schedc_depth SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, u32);
	__type(value, struct schedc_exit_info);
	__uint(max_entries, 1);
} schedc_exit SEC(".maps");

/* Aggregates of one queue instance. Keys of a weighted average are kept
 * relative to `base`, which follows the average, so the sums stay small. */
struct schedc_queue_state {
	struct bpf_spin_lock lock;
	u32 count;
	u64 base[SCHEDC_MAX_AGGREGATES];
	s64 wsum[SCHEDC_MAX_AGGREGATES];   /* sum of weight * (key - base) */
	u64 wtotal[SCHEDC_MAX_AGGREGATES]; /* sum of weights */
	u64 sum[SCHEDC_MAX_AGGREGATES];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, u32);
	__type(value, struct schedc_queue_state);
	__uint(max_entries, SCHEDC_MAX_QUEUES * SCHEDC_DEFAULT_SLOTS);
} schedc_queues SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, u32);
	__type(value, struct schedc_cpu);
	__uint(max_entries, SCHEDC_DEFAULT_SLOTS);
} schedc_cpus SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct schedc_task);
} schedc_tasks SEC(".maps");

#define L schedc_layout

/* Visit every queue with a compile-time constant index: after schedc folds the
 * layout, each iteration is specialised to one queue and the rest vanishes. */
#define for_each_queue(q) \
	_Pragma("unroll") for (q = 0; q < SCHEDC_MAX_QUEUES && q < L.nr_queues; q++)

/* ---- small services ---------------------------------------------------- */

static __always_inline void stat_add(u32 idx, u64 value)
{
	u64 *slot = bpf_map_lookup_elem(&schedc_stats, &idx);

	if (slot)
		*slot += value;
}

static __always_inline void queue_stat(u32 queue, u32 stat)
{
	stat_add(queue * SCHEDC_QSTAT_NR + stat, 1);
}

__attribute__((always_inline)) void schedc_counter_add(u32 counter, u64 value)
{
	stat_add(SCHEDC_COUNTER_BASE + counter, value);
}

__attribute__((always_inline)) u64 schedc_now(void)
{
	return bpf_ktime_get_ns();
}

__attribute__((always_inline)) u64 schedc_this_cpu(void)
{
	return bpf_get_smp_processor_id();
}

__attribute__((always_inline)) u64 schedc_runtime(struct schedc_ctx *ctx)
{
	return ctx->runtime;
}

__attribute__((always_inline)) u64 schedc_wakeup(struct schedc_ctx *ctx)
{
	return ctx->wakeup;
}

__attribute__((always_inline)) u64 schedc_busiest(struct schedc_ctx *ctx)
{
	return ctx->busiest;
}

__attribute__((always_inline)) u64 schedc_nr_cpus(void)
{
	return scx_bpf_nr_cpu_ids();
}

/* BPF cpu v3 has no signed division: divide magnitudes, then fix the sign
 * (truncating toward zero, like C). */
__attribute__((always_inline)) s64 schedc_sdiv(s64 a, s64 b)
{
	u64 ua = a < 0 ? -(u64)a : (u64)a;
	u64 ub = b < 0 ? -(u64)b : (u64)b;
	u64 q = ub ? ua / ub : 0;

	return (a < 0) != (b < 0) ? -(s64)q : (s64)q;
}

__attribute__((always_inline)) s64 schedc_smod(s64 a, s64 b)
{
	u64 ua = a < 0 ? -(u64)a : (u64)a;
	u64 ub = b < 0 ? -(u64)b : (u64)b;
	u64 r = ub ? ua % ub : ua;

	return a < 0 ? -(s64)r : (s64)r;
}

static __always_inline u32 slots(void)
{
	u32 n = schedc_slots;

	return n > SCHEDC_MAX_SLOTS ? SCHEDC_MAX_SLOTS : n;
}

/* An index into the topology's arrays, masked in a way LLVM cannot drop:
 * callers check the range, but LLVM may prove the check redundant from facts
 * the verifier does not have (a value that passed through the stack or a
 * function's argument), and the verifier refuses an unbounded index. */
static __always_inline u64 topology_slot(u64 cpu)
{
	volatile u64 slot = cpu;

	return slot & (SCHEDC_MAX_SLOTS - 1);
}

/* The machine's LLCs, nodes and cores, from the loader. */
__attribute__((always_inline)) u64 schedc_llc_of(u64 cpu)
{
	if (!schedc_topology.known || cpu >= SCHEDC_MAX_SLOTS)
		return 0;
	return schedc_topology.llc[topology_slot(cpu)];
}

__attribute__((always_inline)) u64 schedc_node_of(u64 cpu)
{
	if (!schedc_topology.known || cpu >= SCHEDC_MAX_SLOTS)
		return 0;
	return schedc_topology.node[topology_slot(cpu)];
}

__attribute__((always_inline)) u64 schedc_core_of(u64 cpu)
{
	if (!schedc_topology.known || cpu >= SCHEDC_MAX_SLOTS)
		return cpu;
	return schedc_topology.core[topology_slot(cpu)];
}

__attribute__((always_inline)) u64 schedc_nr_llcs(void)
{
	return schedc_topology.known ? schedc_topology.nr_llcs : 1;
}

__attribute__((always_inline)) u64 schedc_nr_nodes(void)
{
	return schedc_topology.known ? schedc_topology.nr_nodes : 1;
}

static __always_inline u32 llc_node(u32 llc)
{
	if (!schedc_topology.known || llc >= SCHEDC_MAX_SLOTS)
		return 0;
	return schedc_topology.llc_node[topology_slot(llc)];
}

/* Where a CPU (or a queue instance) is. A loop measuring distances from one
 * place reads it before the loop: the verifier widens what a loop body
 * reloads from the stack, and an array index it no longer bounds is refused. */
struct place {
	u64 llc;
	u64 node;
};

static __always_inline void place_of_cpu(u32 cpu, struct place *at)
{
	at->llc = schedc_llc_of(cpu);
	at->node = schedc_node_of(cpu);
}

/* How far CPU `cpu` is from a place. */
static __always_inline u32 distance_to_cpu(const struct place *from, u32 cpu)
{
	if (schedc_llc_of(cpu) == from->llc)
		return SCHEDC_SAME_LLC;
	if (schedc_node_of(cpu) == from->node)
		return SCHEDC_SAME_NODE;
	return SCHEDC_REMOTE;
}

/* Instances of a per-CPU queue: one a CPU id, within the slots. */
static __always_inline u32 percpu_instances(void)
{
	u32 n = scx_bpf_nr_cpu_ids(), limit = slots();

	return n > limit ? limit : n;
}

/* Number of DSQ instances of a queue. */
static __always_inline u32 queue_instances(u32 queue)
{
	u32 n = 1, limit = slots();

	if (L.queues[queue].kind == SCHEDC_QUEUE_PERCPU)
		return percpu_instances();
	if (L.queues[queue].kind == SCHEDC_QUEUE_SHARDS)
		n = L.queues[queue].shards;
	if (L.queues[queue].kind == SCHEDC_QUEUE_LLC)
		n = schedc_nr_llcs();
	if (L.queues[queue].kind == SCHEDC_QUEUE_NODE)
		n = schedc_nr_nodes();
	return n > limit ? limit : n;
}

/* Whether the policy has a queue of this kind (a constant, once folded). */
static __always_inline bool has_queue_kind(u32 kind)
{
	u32 q;

	_Pragma("unroll") for (q = 0; q < SCHEDC_MAX_QUEUES; q++)
		if (q < L.nr_queues && L.queues[q].kind == kind)
			return true;
	return false;
}

/* Whether a queue of this kind has an instance per CPU or per CPU domain:
 * the one its CPU serves. */
static __always_inline bool kind_by_cpu(u32 kind)
{
	return kind == SCHEDC_QUEUE_PERCPU || kind == SCHEDC_QUEUE_LLC ||
	       kind == SCHEDC_QUEUE_NODE;
}

/* The instance an index (`q[i]`: a CPU for percpu, a shard, an LLC or a
 * node id) selects. */
__attribute__((always_inline)) u32 schedc_instance_of(u32 queue, u64 index)
{
	u32 n;

	if (L.queues[queue].kind == SCHEDC_QUEUE_GLOBAL)
		return 0;
	n = queue_instances(queue);
	return n ? index % n : 0;
}

/* The instance CPU `cpu` serves: its own, its LLC's, its node's, or shard
 * cpu % N. */
__attribute__((always_inline)) u32 schedc_instance_of_cpu(u32 queue, u64 cpu)
{
	if (L.queues[queue].kind == SCHEDC_QUEUE_LLC)
		return schedc_instance_of(queue, schedc_llc_of(cpu));
	if (L.queues[queue].kind == SCHEDC_QUEUE_NODE)
		return schedc_instance_of(queue, schedc_node_of(cpu));
	return schedc_instance_of(queue, cpu);
}

/* Where instance `inst` of a queue is. Shards have no place. */
static __always_inline void place_of_instance(u32 queue, u32 inst, struct place *at)
{
	at->llc = 0;
	at->node = 0;
	if (L.queues[queue].kind == SCHEDC_QUEUE_PERCPU) {
		place_of_cpu(inst, at);
	} else if (L.queues[queue].kind == SCHEDC_QUEUE_LLC) {
		at->llc = inst;
		at->node = llc_node(inst);
	}
}

/* How far instance `inst` of a queue is from a place of another of its
 * instances. */
static __always_inline u32 distance_to_instance(u32 queue, const struct place *from, u32 inst)
{
	if (L.queues[queue].kind == SCHEDC_QUEUE_PERCPU)
		return distance_to_cpu(from, inst);
	if (L.queues[queue].kind == SCHEDC_QUEUE_LLC)
		return llc_node(inst) == from->node ? SCHEDC_SAME_NODE : SCHEDC_REMOTE;
	if (L.queues[queue].kind == SCHEDC_QUEUE_NODE)
		return SCHEDC_REMOTE;
	return SCHEDC_SAME_LLC;
}

static __always_inline u64 dsq_id(u32 queue, u32 inst)
{
	return SCHEDC_DSQ_ID(queue, inst);
}

/* Tasks waiting in an instance's DSQ (`QUEUE.queued`). */
static __always_inline u64 queued_in(u32 queue, u32 inst)
{
	s32 n = scx_bpf_dsq_nr_queued(dsq_id(queue, inst));

	return n > 0 ? (u64)n : 0;
}

/* Index of (queue, inst) in per-instance maps. schedc_slots is volatile (the
 * loader sets it), so it is read only when the queue index needs it. */
static __always_inline u32 instance_index(u32 queue, u32 inst)
{
	return queue ? queue * slots() + inst : inst;
}

static __always_inline struct schedc_queue_state *queue_state(u32 queue, u32 inst)
{
	u32 idx = instance_index(queue, inst);

	return bpf_map_lookup_elem(&schedc_queues, &idx);
}

static __always_inline struct schedc_cpu *cpu_state(u32 cpu)
{
	return bpf_map_lookup_elem(&schedc_cpus, &cpu);
}

static __always_inline struct schedc_task *task_state(struct task_struct *p)
{
	if (!L.uses_task_storage)
		return NULL;
	return bpf_task_storage_get(&schedc_tasks, p, NULL, 0);
}

/* The kernel's load weight of a nice value (sched_prio_to_weight, kernel/sched/
 * core.c: 1024 at nice 0, about 1.25x per step), which p->scx.weight rounds to
 * 1..10000 with 100 at nice 0. SCHED_IDLE tasks weigh 3 (WEIGHT_IDLEPRIO). */
static const u32 nice_weights[40] = {
	88761, 71755, 56483, 46273, 36291, 29154, 23254, 18705, 14949, 11916,
	9548, 7620, 6100, 4904, 3906, 3121, 2501, 1991, 1586, 1277,
	1024, 820, 655, 526, 423, 335, 272, 215, 172, 137,
	110, 87, 70, 56, 45, 36, 29, 23, 18, 15,
};

static __always_inline u64 nice_weight(struct task_struct *p)
{
	u32 i = (u32)(p->static_prio - MAX_RT_PRIO);

	if (p->policy == SCHED_IDLE)
		return 3;
	return i < 40 ? nice_weights[i] : 1024;
}

/* ---- cgroups: cpu.weight ---------------------------------------------- */

/*
 * Group scheduling, flattened: a task's group_weight is its nice_weight times,
 * at each level of the cgroup hierarchy below the root, its cgroup's weight
 * over the weights active there (the runnable tasks directly in it, by
 * nice_weight, and the children with runnable tasks below, by their weight).
 * Tasks sharing a CPU by group_weight then divide it as the hierarchy says.
 * At the root, groups and the root's own tasks compete directly, a group of
 * cpu.weight 100 as one nice-0 task. Deeper than SCHEDC_MAX_CGROUP_DEPTH,
 * the levels above are not looked at.
 */
#define SCHEDC_MAX_CGROUPS 16384
#define SCHEDC_MAX_CGROUP_DEPTH 16

struct schedc_cgroup {
	u64 parent;     /* the parent's key (cgroup_key()): 0 for the root */
	u64 weight;     /* cpu.weight in nice_weight units (100 -> 1024) */
	u64 cpu_weight; /* cpu.weight, 1..10000 */
	s64 active;     /* weight of its active members (see above) */
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, u64);
	__type(value, struct schedc_cgroup);
	__uint(max_entries, SCHEDC_MAX_CGROUPS);
} schedc_cgroups SEC(".maps");

/* A cgroup's key: its id, 0 for the root. The root is not recorded, so a task
 * there (most tasks on a machine without cgroups) costs no lookup. */
static __always_inline u64 cgroup_key(struct cgroup *cgrp)
{
	return cgrp && cgrp->self.parent ? cgrp->kn->id : 0;
}

static __always_inline struct schedc_cgroup *cgroup_state(u64 id)
{
	return bpf_map_lookup_elem(&schedc_cgroups, &id);
}

/* Adds delta to cgroup id's active weight. A cgroup that turns active (or
 * idle) adds its weight to (or takes it from) its parent's, and so on up.
 * A global subprogram (see SCHEDC_SUBPROG_PREFIX), like compound_weight;
 * it returns a value only because older kernels (6.19) reject void ones. */
__attribute__((noinline)) int schedc_subprog_cgroup_activity(u64 id, s64 delta)
{
	u32 level;

	for (level = 0; level < SCHEDC_MAX_CGROUP_DEPTH && id; level++) {
		struct schedc_cgroup *cg = cgroup_state(id);
		s64 before;

		if (!cg)
			break;
		before = __sync_fetch_and_add(&cg->active, delta);
		if (delta > 0 ? before > 0 : before + delta > 0)
			break;
		delta = delta > 0 ? (s64)cg->weight : -(s64)cg->weight;
		id = cg->parent;
	}
	return 0;
}

/* A runnable task counts in its cgroup from ops.runnable to ops.quiescent. */
static __always_inline void group_count(struct task_struct *p, struct schedc_task *t)
{
	if (!L.counts_group_load || !t || t->group_counted)
		return;
	t->group_counted = nice_weight(p);
	t->group_counted_in = t->cgroup;
	if (t->cgroup)
		schedc_subprog_cgroup_activity(t->cgroup, (s64)t->group_counted);
}

static __always_inline void group_uncount(struct schedc_task *t)
{
	if (!L.counts_group_load || !t || !t->group_counted)
		return;
	if (t->group_counted_in)
		schedc_subprog_cgroup_activity(t->group_counted_in, -(s64)t->group_counted);
	t->group_counted = 0;
}

/* Counted again: its weight or its cgroup changed. */
static __always_inline void group_recount(struct task_struct *p, struct schedc_task *t)
{
	if (!t || !t->group_counted)
		return;
	group_uncount(t);
	group_count(p, t);
}

/* The weight w of a task in cgroup id, compounded level by level (see above).
 * A task not counted as runnable is weighed as if it were: added to its
 * cgroup's active weight, and its cgroup to the parent's if idle. */
__attribute__((noinline)) u64 schedc_subprog_compound_weight(u64 id, u64 w, bool counted)
{
	u64 scaled = w << 10, below = w;
	bool adding = !counted;
	u32 level;

	for (level = 0; level < SCHEDC_MAX_CGROUP_DEPTH && id; level++) {
		struct schedc_cgroup *cg = cgroup_state(id);
		s64 active;
		u64 sum;

		if (!cg)
			break;
		active = cg->active;
		sum = active > 0 ? (u64)active : 0;
		if (adding)
			sum += below;
		if (sum < below)
			sum = below; /* a member never outweighs its group */
		adding = adding && active <= 0;
		scaled = scaled * cg->weight / sum;
		if (scaled > (1ULL << 40))
			scaled = 1ULL << 40;
		below = cg->weight;
		id = cg->parent;
	}
	scaled >>= 10;
	return scaled ? scaled : 1;
}

static __always_inline u64 group_weight(struct task_struct *p, struct schedc_task *t)
{
	if (!L.counts_group_load || !t || !t->cgroup)
		return nice_weight(p);
	return schedc_subprog_compound_weight(t->cgroup, nice_weight(p), t->group_counted != 0);
}

static __always_inline u64 cgroup_weight(struct schedc_task *t)
{
	struct schedc_cgroup *cg = t && t->cgroup ? cgroup_state(t->cgroup) : NULL;

	return cg && cg->cpu_weight ? cg->cpu_weight : 100;
}

/* ---- what generated code reads ------------------------------------------ */

__attribute__((always_inline)) u64 schedc_attr(struct schedc_ctx *ctx, u32 attr)
{
	struct task_struct *p = ctx->p;

	if (!p)
		return 0;
	switch (attr) {
	case SCHEDC_ATTR_PID: return p->pid;
	case SCHEDC_ATTR_TGID: return p->tgid;
	case SCHEDC_ATTR_WEIGHT: {
		u64 w = p->scx.weight;
		return w ? w : 1; /* never 0: the checker lets policies divide by it */
	}
	case SCHEDC_ATTR_NICE: return (u64)(s64)(p->static_prio - MAX_PRIO_NICE_0);
	case SCHEDC_ATTR_CPU: return (u32)scx_bpf_task_cpu(p);
	case SCHEDC_ATTR_NR_CPUS_ALLOWED: {
		u64 n = p->nr_cpus_allowed;
		return n ? n : 1; /* a divisor too */
	}
	case SCHEDC_ATTR_IS_KTHREAD: return (p->flags & PF_KTHREAD) ? 1 : 0;
	case SCHEDC_ATTR_NICE_WEIGHT: return nice_weight(p);
	case SCHEDC_ATTR_GROUP_WEIGHT: return group_weight(p, ctx->task);
	case SCHEDC_ATTR_CGROUP_WEIGHT: return cgroup_weight(ctx->task);
	}
	return 0;
}

__attribute__((always_inline)) u64 schedc_current_attr(struct schedc_ctx *ctx, u32 attr)
{
	if (!ctx->target || attr >= SCHEDC_ATTR_NR)
		return 0;
	if (attr == SCHEDC_ATTR_RUNTIME)
		return bpf_ktime_get_ns() - ctx->target->cur_attrs[SCHEDC_ATTR_RUNTIME];
	return ctx->target->cur_attrs[attr];
}

/* Field pointers are never NULL: a missing state reads a scratch slot.
 *
 * The state pointers come from map lookups and may be NULL. Left alone, LLVM
 * hoists `&state->fields[i]` above the NULL test (a GEP is cheap and cannot
 * fault) and selects afterwards, and the verifier rejects the arithmetic on
 * a map_value_or_null ("pointer arithmetic on map_value_or_null prohibited").
 * nonnull() launders the pointer through an empty asm: LLVM never speculates
 * an asm above a branch, so the address is computed only where the pointer
 * is non-NULL. Keep it out of loops: inside the eligibility scan it pinned
 * the per-CPU field read there and pushed a policy past the verifier's
 * 1M-instruction limit (hence ctx->cpu is laundered once, where it is set). */
#define nonnull(ptr) ({ typeof(ptr) __p = (ptr); asm("" : "+r"(__p)); __p; })

static u64 scratch_field;

__attribute__((always_inline)) u64 *schedc_task_field(struct schedc_ctx *ctx, u32 field)
{
	struct schedc_task *task = ctx->task;

	if (!task || field >= SCHEDC_MAX_TASK_FIELDS)
		return &scratch_field;
	return &nonnull(task)->fields[field];
}

__attribute__((always_inline)) u64 *schedc_current_field(struct schedc_ctx *ctx, u32 field)
{
	struct schedc_cpu *target = ctx->target;

	if (!target || field >= SCHEDC_MAX_TASK_FIELDS)
		return &scratch_field;
	return &nonnull(target)->cur_fields[field];
}

__attribute__((always_inline)) u64 *schedc_cpu_field(struct schedc_ctx *ctx, u32 field)
{
	struct schedc_cpu *cpu = ctx->cpu;

	if (!cpu || field >= SCHEDC_MAX_CPU_FIELDS)
		return &scratch_field;
	return &cpu->fields[field];
}

/* Per-CPU field `field` of CPU `cpu`, as that CPU last wrote it; 0 for a CPU
 * number past the last CPU. */
__attribute__((always_inline)) u64 schedc_cpu_field_of(u64 cpu, u32 field)
{
	struct schedc_cpu *state;

	if (cpu >= slots() || field >= SCHEDC_MAX_CPU_FIELDS)
		return 0;
	state = cpu_state(cpu);
	return state ? state->fields[field] : 0;
}

__attribute__((always_inline)) u64 schedc_scan_agg(struct schedc_ctx *ctx, s32 agg)
{
	if (agg == SCHEDC_AGG_INDEX_QUEUED)
		return queued_in(ctx->scan_queue, ctx->scan_inst);
	if (agg < 0)
		return ctx->scan_count;
	if (agg >= SCHEDC_MAX_AGGREGATES)
		return 0;
	return ctx->scan_aggs[agg];
}

/* ---- hints from userspace ---------------------------------------------- */

#define SCHEDC_MAX_HINTED 65536

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct schedc_hint_key);
	__type(value, struct schedc_hint_values);
	__uint(max_entries, SCHEDC_MAX_HINTED);
} schedc_hints SEC(".maps");

/* Hint `index` of the task in context (scope: by pid or by tgid), or `def`
 * where userspace has set none. */
__attribute__((always_inline)) u64 schedc_hint(struct schedc_ctx *ctx, u32 scope, u32 index,
					       u64 def)
{
	struct schedc_hint_key key = {};
	struct schedc_hint_values *v;

	if (!ctx->p || index >= SCHEDC_MAX_HINTS)
		return def;
	key.id = scope == SCHEDC_HINT_PROCESS ? ctx->p->tgid : ctx->p->pid;
	key.scope = scope;
	v = bpf_map_lookup_elem(&schedc_hints, &key);
	return v ? v->value[index] : def;
}

/* An exiting task's hints, and its process's when it is the leader, go. */
static __always_inline void hints_forget(struct task_struct *p)
{
	struct schedc_hint_key key = {};

	if (!L.uses_hints)
		return;
	key.id = p->pid;
	key.scope = SCHEDC_HINT_TASK;
	bpf_map_delete_elem(&schedc_hints, &key);
	if (p->pid == p->tgid) {
		key.scope = SCHEDC_HINT_PROCESS;
		bpf_map_delete_elem(&schedc_hints, &key);
	}
}

__attribute__((always_inline)) u64 schedc_random(void)
{
	return bpf_get_prandom_u32();
}

/* 1 if the task in context may run on `cpu`; 0 for a CPU past the last. */
__attribute__((always_inline)) u64 schedc_allowed(struct schedc_ctx *ctx, u64 cpu)
{
	if (!ctx->p || cpu >= scx_bpf_nr_cpu_ids())
		return 0;
	return bpf_cpumask_test_cpu((u32)cpu, ctx->p->cpus_ptr) ? 1 : 0;
}

__attribute__((always_inline)) u64 schedc_comm_word(struct schedc_ctx *ctx, u32 word)
{
	u64 value = 0;

	if (ctx->p && word < 2)
		bpf_probe_read_kernel(&value, sizeof(value), &ctx->p->comm[word * 8]);
	return value;
}

/* The order key (dsq_vtime) of the instance's first queued task; 0 if none. */
static __always_inline u64 first_key(u32 queue, u32 inst)
{
	struct task_struct *p;
	u64 key = 0;

	bpf_for_each(scx_dsq, p, dsq_id(queue, inst), 0) {
		key = p->scx.dsq_vtime;
		break;
	}
	return key;
}

/* Aggregate `agg` (-1: member count) of an instance, as a u64. Every
 * aggregate kept in the instance's state `qs` is one ready value (see
 * recentre()), so a read is a single aligned 64-bit load: no lock, and
 * concurrent updates are seen whole, before or after. `queued` and first()
 * look at the instance's DSQ instead, and need no state (qs may be NULL). */
__attribute__((always_inline)) u64 schedc_agg_read(struct schedc_queue_state *qs, u32 queue,
						u32 inst, s32 agg)
{
	u32 a = (u32)agg;

	if (agg == SCHEDC_AGG_INDEX_QUEUED)
		return queued_in(queue, inst);
	if (agg >= 0 && a < SCHEDC_MAX_AGGREGATES &&
	    L.queues[queue].agg_kind[a] == SCHEDC_AGG_FIRST)
		return first_key(queue, inst);
	if (!qs)
		return 0;
	if (agg < 0)
		return qs->count;
	if (a >= SCHEDC_MAX_AGGREGATES)
		return 0;
	switch (L.queues[queue].agg_kind[a]) {
	case SCHEDC_AGG_COUNT:
		return qs->count;
	case SCHEDC_AGG_SUM:
		return qs->sum[a];
	case SCHEDC_AGG_WAVG:
		return qs->base[a];
	}
	return 0;
}

/* The state schedc_agg_read() reads; generated code looks it up once per
 * instance for all the aggregates it reads there. */
__attribute__((always_inline)) struct schedc_queue_state *schedc_queue_of(u32 queue, u32 inst)
{
	return queue_state(queue, inst);
}

/* ---- queue membership (aggregates) ------------------------------------- */

static __always_inline bool queue_has_aggs(u32 queue)
{
	return L.queues[queue].nr_aggs > 0;
}

/* Move a weighted average's base onto the average itself (the kernel's
 * update_zero_vruntime), so the relative keys stay small and `base` is the
 * average readers load: base + wsum / wtotal with |wsum| < wtotal after this,
 * truncated toward zero. Called under the instance's lock. */
static __always_inline void recentre(struct schedc_queue_state *qs, u32 a)
{
	s64 wsum = qs->wsum[a];
	u64 wtotal = qs->wtotal[a];
	u64 mag = wsum < 0 ? -(u64)wsum : (u64)wsum;
	s64 shift = wtotal ? (s64)(mag / wtotal) : 0;

	if (wsum < 0)
		shift = -shift;
	qs->base[a] += shift;
	qs->wsum[a] -= shift * (s64)wtotal;
}

static __always_inline void member_join_queue(struct schedc_task *t, u32 queue, u32 inst,
					      struct schedc_ctx *ctx)
{
	struct schedc_queue_state *qs;
	u32 a;

	if (!queue_has_aggs(queue))
		return;
	schedc_policy_agg_values(queue, ctx, t->member_val, t->member_weight);
	qs = queue_state(queue, inst);
	if (!qs)
		return;
	t->member_queue = queue;
	t->member_inst = inst;
	t->member_kind = L.queues[queue].kind;
	bpf_spin_lock(&qs->lock);
	qs->count++;
	_Pragma("unroll") for (a = 0; a < SCHEDC_MAX_AGGREGATES; a++) {
		u64 w = t->member_weight[a];
		u64 key = t->member_val[a];

		if (a >= L.queues[queue].nr_aggs)
			break;
		if (L.queues[queue].agg_kind[a] == SCHEDC_AGG_SUM) {
			qs->sum[a] += key;
		} else if (L.queues[queue].agg_kind[a] == SCHEDC_AGG_WAVG) {
			if (qs->wtotal[a] == 0) {
				qs->base[a] = key;
				qs->wsum[a] = 0;
			}
			qs->wsum[a] += (s64)w * (s64)(key - qs->base[a]);
			qs->wtotal[a] += w;
			recentre(qs, a);
		}
	}
	bpf_spin_unlock(&qs->lock);
}

static __always_inline void member_leave_queue(struct schedc_task *t, u32 queue)
{
	struct schedc_queue_state *qs;
	u32 a;

	qs = queue_state(queue, t->member_inst);
	if (!qs)
		return;
	bpf_spin_lock(&qs->lock);
	if (qs->count)
		qs->count--;
	_Pragma("unroll") for (a = 0; a < SCHEDC_MAX_AGGREGATES; a++) {
		u64 w = t->member_weight[a];
		u64 key = t->member_val[a];

		if (a >= L.queues[queue].nr_aggs)
			break;
		if (L.queues[queue].agg_kind[a] == SCHEDC_AGG_SUM) {
			qs->sum[a] -= key;
		} else if (L.queues[queue].agg_kind[a] == SCHEDC_AGG_WAVG) {
			if (qs->count == 0 || qs->wtotal[a] <= w) {
				/* Last member: keep base as the last average. */
				qs->wsum[a] = 0;
				qs->wtotal[a] = 0;
			} else {
				qs->wsum[a] -= (s64)w * (s64)(key - qs->base[a]);
				qs->wtotal[a] -= w;
				recentre(qs, a);
			}
		}
	}
	bpf_spin_unlock(&qs->lock);
}

/*
 * Joining and leaving are shared by most callbacks. They are BPF-to-BPF
 * subprograms rather than inlined everywhere: each is optimised and compiled
 * once instead of in every callback, and the switch on the queue inside keeps
 * every case specialised to its constant queue.
 */
static __noinline void member_join(struct schedc_task *t, u32 queue, u32 inst, struct schedc_ctx *ctx)
{
	u32 q;

	for_each_queue(q)
		if (queue_has_aggs(q) && queue == q)
			member_join_queue(t, q, inst, ctx);
}

static __noinline void member_leave(struct schedc_task *t)
{
	s32 member = t->member_queue;
	u32 q;

	if (member < 0)
		return;
	t->member_queue = -1;
	for_each_queue(q)
		if (queue_has_aggs(q) && (u32)member == q)
			member_leave_queue(t, q);
}

/* Callbacks join and leave through these: with no queue tracking members,
 * no call is left, so neither subprogram is compiled. */
static __always_inline void queue_join(struct schedc_task *t, u32 queue, u32 inst,
				       struct schedc_ctx *ctx)
{
	if (L.tracks_members)
		member_join(t, queue, inst, ctx);
}

static __always_inline void queue_leave(struct schedc_task *t)
{
	if (L.tracks_members)
		member_leave(t);
}

/* ---- context ------------------------------------------------------------ */

static __always_inline void ctx_init(struct schedc_ctx *ctx, struct task_struct *p,
				     struct schedc_task *t)
{
	ctx->p = p;
	ctx->task = t;
	/* Only policies with percpu state or `current` need this lookup (and
	 * the helper call, which the optimiser cannot drop when unused). */
	ctx->cpu = (L.nr_cpu_fields || L.has_preempt_wakeup) ? cpu_state(bpf_get_smp_processor_id()) : NULL;
	/* Tested here, once, so no later use computes an address from the
	 * unchecked lookup result (see nonnull()); schedc_cpu_field() then needs
	 * no barrier of its own, which would stay inside eligibility scan loops. */
	if (ctx->cpu)
		ctx->cpu = nonnull(ctx->cpu);
	ctx->target = NULL;
	ctx->runtime = 0;
	ctx->wakeup = 0;
	ctx->scan_queue = 0;
	ctx->scan_inst = 0;
	ctx->scan_count = 0;
	_Pragma("unroll") for (u32 a = 0; a < SCHEDC_MAX_AGGREGATES; a++)
		ctx->scan_aggs[a] = 0;
	ctx->busiest = 0;
}

/* ---- callbacks ---------------------------------------------------------- */

/* The kernel never passes these callbacks a NULL task. Saying so lets LLVM
 * drop the NULL tests of the accessors the policy inlines (schedc_attr). */
#define task_given(p) __builtin_assume((p) != NULL)

static __always_inline bool any_ordered_queue(void)
{
	u32 q;

	for_each_queue(q)
		if (L.queues[q].ordered)
			return true;
	return false;
}

/* ops.dispatch weighs a previous task whose slice ended against the queued
 * ones (prev_prepare()): an ordered queue may put it ahead of them, and with
 * several sources it must not be passed over for a later source while its
 * own queue has nothing to run before it. */
static __always_inline bool prev_competes(void)
{
	return any_ordered_queue() || L.nr_dispatch > 1;
}

/* ops.dispatch runs `on enqueue` for the previous task (prev_prepare()). */
static __always_inline bool dispatch_requeues(void)
{
	return L.has_handler[SCHEDC_ON_ENQUEUE] && prev_competes();
}

/* The re-enqueue prev_prepare() ran `on enqueue` for happened, or will not. */
static __always_inline void requeue_done(struct schedc_task *t)
{
	if (dispatch_requeues() && t)
		t->requeued = 0;
}

/* group_weight also changes with cpu.weight, a cgroup move, and the other
 * tasks of its cgroups starting or ceasing to run: before a task is queued
 * again, `on reweight` runs if its group_weight is not the one it last saw. */
static __always_inline void reweight_for_group(struct schedc_ctx *ctx, struct schedc_task *t)
{
	u64 w;

	if (!L.counts_group_load || !L.has_handler[SCHEDC_ON_REWEIGHT] || !t)
		return;
	w = group_weight(ctx->p, t);
	if (t->group_weight_seen && w != t->group_weight_seen)
		schedc_policy_handler(SCHEDC_ON_REWEIGHT, ctx);
	t->group_weight_seen = w;
}

/* The enqueue rules' verdict for the task in ctx (every field set first). */
static __always_inline void choose_placement(struct schedc_ctx *ctx, struct schedc_placement *pl)
{
	pl->queue = 0;
	pl->inst = 0;
	pl->local = 0;
	pl->slice = SCX_SLICE_DFL;
	schedc_policy_place(ctx, pl);
}

static __always_inline void place(struct task_struct *p, struct schedc_task *t,
				  u64 enq_flags, struct schedc_placement *pl)
{
	struct schedc_ctx sc;

	ctx_init(&sc, p, t);
	sc.wakeup = (enq_flags & SCX_ENQ_WAKEUP) ? 1 : 0;
	choose_placement(&sc, pl);
}

/* An idle CPU at `distance` from CPU `from` that the task may run on (and,
 * unless `only` is NULL, in `only`), claimed (no longer idle); -1 if none.
 * The walk starts after `from`, so searches from different CPUs spread out. */
static __always_inline s32 idle_cpu_at(struct task_struct *p, s32 from, u32 distance,
				       const struct cpumask *only)
{
	u32 n = percpu_instances();
	struct place at;
	int i;

	place_of_cpu(from, &at);
	bpf_for(i, 1, (int)n + 1) {
		u32 cpu = ((u32)from + i) % n;

		if (distance_to_cpu(&at, cpu) != distance || !bpf_cpumask_test_cpu(cpu, p->cpus_ptr))
			continue;
		if (only && !bpf_cpumask_test_cpu(cpu, only))
			continue;
		if (scx_bpf_test_and_clear_cpu_idle(cpu))
			return cpu;
	}
	return -1;
}

/* The nearest idle CPU to `from`, no farther than `within`; -1 if none. */
static __always_inline s32 nearest_idle_cpu(struct task_struct *p, s32 from, u32 within)
{
	s32 cpu = -1;
	u32 distance;

	_Pragma("unroll") for (distance = SCHEDC_SAME_LLC; distance <= SCHEDC_REMOTE; distance++) {
		if (cpu >= 0 || distance > within)
			break;
		cpu = idle_cpu_at(p, from, distance, NULL);
	}
	return cpu;
}

/* `select_cpu nearest [within llc|node]`: prev if its whole core is idle,
 * else the nearest idle CPU by distance (prev's LLC, its node, anywhere, no
 * farther than the limit), a whole idle core before an idle CPU at each
 * distance; prev itself if nothing is idle. */
static __always_inline s32 select_nearest(struct task_struct *p, s32 prev, bool *is_idle)
{
	const struct cpumask *idle_cores = scx_bpf_get_idle_smtmask();
	s32 cpu = -1;
	u32 distance;

	if (bpf_cpumask_test_cpu(prev, p->cpus_ptr) && bpf_cpumask_test_cpu(prev, idle_cores) &&
	    scx_bpf_test_and_clear_cpu_idle(prev))
		cpu = prev;
	_Pragma("unroll") for (distance = SCHEDC_SAME_LLC; distance <= SCHEDC_REMOTE; distance++) {
		if (cpu >= 0 || distance > L.select_within)
			break;
		cpu = idle_cpu_at(p, prev, distance, idle_cores);
		if (cpu < 0)
			cpu = idle_cpu_at(p, prev, distance, NULL);
	}
	scx_bpf_put_idle_cpumask(idle_cores);
	*is_idle = cpu >= 0;
	return cpu >= 0 ? cpu : prev;
}

SEC("struct_ops/schedc_select_cpu")
s32 BPF_PROG(schedc_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	bool is_idle = false;
	s32 cpu = prev_cpu;

	task_given(p);
	if (L.select_mode == SCHEDC_SELECT_PREV)
		is_idle = scx_bpf_test_and_clear_cpu_idle(prev_cpu);
	else if (L.select_mode == SCHEDC_SELECT_NEAREST)
		cpu = select_nearest(p, prev_cpu, &is_idle);
	else
		cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &is_idle);

	if (L.select_direct && is_idle) {
		struct schedc_task *t = task_state(p);
		struct schedc_placement pl;
		struct schedc_ctx sc;

		ctx_init(&sc, p, t);
		sc.wakeup = 1;
		/* The kernel skips ops.enqueue for this wakeup: `on enqueue` runs
		 * here, so the rules see what it sets. */
		if (L.has_handler[SCHEDC_ON_ENQUEUE]) {
			reweight_for_group(&sc, t);
			schedc_policy_handler(SCHEDC_ON_ENQUEUE, &sc);
		}
		choose_placement(&sc, &pl);
		if (pl.local == SCHEDC_PLACE_LOCAL_ON) {
			/* The rules chose a CPU: the task goes there, not here. */
			scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL_ON | pl.inst, pl.slice, 0);
			scx_bpf_kick_cpu(pl.inst, SCX_KICK_IDLE);
			return pl.inst;
		}
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, pl.slice, 0);
	}
	return cpu;
}

/* An idle CPU the task may run on that serves instance `inst` of a per-LLC
 * or per-node queue, claimed (no longer idle); -1 if none. */
static __always_inline s32 idle_cpu_serving(struct task_struct *p, u32 queue, u32 inst)
{
	u32 n = percpu_instances();
	int i;

	bpf_for(i, 0, (int)n) {
		if (schedc_instance_of_cpu(queue, i) != inst ||
		    !bpf_cpumask_test_cpu(i, p->cpus_ptr))
			continue;
		if (scx_bpf_test_and_clear_cpu_idle(i))
			return i;
	}
	return -1;
}

/* The task this CPU was running, put back at the end of its slice into an
 * instance this CPU serves, with nothing else to run here (the task itself
 * reaches the DSQ only when ops.enqueue returns): this CPU takes it again at
 * once, and a CPU woken to steal it would only move it. */
static __always_inline bool resumes_here(struct task_struct *p, u32 queue, u32 inst,
					 struct schedc_ctx *ctx)
{
	return !ctx->wakeup && scx_bpf_task_running(p) &&
	       schedc_instance_of_cpu(queue, bpf_get_smp_processor_id()) == inst &&
	       scx_bpf_dsq_nr_queued(SCX_DSQ_LOCAL) == 0 && queued_in(queue, inst) == 0;
}

/* Wake a CPU that will run the task, so no CPU idles while work waits: one
 * that serves the task's instance, else, if the policy steals from this
 * queue, the nearest idle CPU the steal reaches. At a wakeup, ops.select_cpu
 * already claimed the task's CPU if it was idle (its idle bit is clear
 * though it idles): that CPU is kicked, and no other is sent for it. */
static __always_inline void kick_for(struct task_struct *p, u32 queue, u32 inst, bool wakeup)
{
	u32 kind = L.queues[queue].kind;
	s32 cpu = -1;

	if (!kind_by_cpu(kind)) {
		cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);
	} else if (kind == SCHEDC_QUEUE_PERCPU) {
		if (wakeup || !L.queues[queue].stolen || scx_bpf_test_and_clear_cpu_idle(inst)) {
			scx_bpf_kick_cpu(inst, SCX_KICK_IDLE);
			return;
		}
		cpu = nearest_idle_cpu(p, inst, L.queues[queue].steal_reach);
	} else {
		cpu = idle_cpu_serving(p, queue, inst);
		if (cpu < 0 && wakeup)
			cpu = scx_bpf_task_cpu(p);
		else if (cpu < 0 && L.queues[queue].stolen)
			cpu = nearest_idle_cpu(p, scx_bpf_task_cpu(p), L.queues[queue].steal_reach);
	}
	if (cpu >= 0)
		scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
}

static __always_inline void enqueue_into(struct task_struct *p, struct schedc_task *t,
					 struct schedc_ctx *ctx, u32 queue, u32 inst,
					 u64 slice, u64 enq_flags)
{
	if (L.queues[queue].ordered)
		scx_bpf_dsq_insert_vtime(p, dsq_id(queue, inst), slice,
					 schedc_policy_queue_key(queue, ctx), enq_flags);
	else
		scx_bpf_dsq_insert(p, dsq_id(queue, inst), slice, enq_flags);
	queue_stat(queue, SCHEDC_QSTAT_ENQUEUED);
	if (t)
		queue_join(t, queue, inst, ctx);

	if (L.has_preempt_wakeup && ctx->wakeup) {
		u32 target = L.queues[queue].kind == SCHEDC_QUEUE_PERCPU ?
			     inst : (u32)scx_bpf_task_cpu(p);

		ctx->target = cpu_state(target);
		if (ctx->target && ctx->target->cur_valid &&
		    schedc_policy_preempt_wakeup(ctx)) {
			scx_bpf_kick_cpu(target, SCX_KICK_PREEMPT);
			queue_stat(queue, SCHEDC_QSTAT_PREEMPTIONS);
			return;
		}
	}
	if (!(kind_by_cpu(L.queues[queue].kind) && resumes_here(p, queue, inst, ctx)))
		kick_for(p, queue, inst, ctx->wakeup);
}

SEC("struct_ops/schedc_enqueue")
void BPF_PROG(schedc_enqueue, struct task_struct *p, u64 enq_flags)
{
	struct schedc_task *t = task_state(p);
	struct schedc_placement pl;
	struct schedc_ctx sc;
	u32 queue;

	task_given(p);
	if (t)
		queue_leave(t);
	ctx_init(&sc, p, t);
	sc.wakeup = (enq_flags & SCX_ENQ_WAKEUP) ? 1 : 0;
	/* Not when ops.dispatch already ran it for this re-enqueue (prev_prepare). */
	if (L.has_handler[SCHEDC_ON_ENQUEUE] &&
	    !(dispatch_requeues() && t && t->requeued && !sc.wakeup)) {
		reweight_for_group(&sc, t);
		schedc_policy_handler(SCHEDC_ON_ENQUEUE, &sc);
	}
	requeue_done(t);

	choose_placement(&sc, &pl);
	if (pl.local == SCHEDC_PLACE_LOCAL_ON) {
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL_ON | pl.inst, pl.slice, enq_flags);
		scx_bpf_kick_cpu(pl.inst, SCX_KICK_IDLE);
		return;
	}
	if (pl.local || pl.queue >= L.nr_queues) {
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, pl.slice, enq_flags);
		return;
	}
	for_each_queue(queue)
		if (pl.queue == queue)
			enqueue_into(p, t, &sc, queue, pl.inst, pl.slice, enq_flags);
}

/*
 * Newer kernels (7.3 here, not 6.19) also call ops.dequeue, with no flags,
 * when a task leaves the scheduler's custody for a CPU's local DSQ: it was
 * dispatched and is about to run. A running task stays in its queue's
 * aggregates until ops.stopping, as the kernel's curr stays in avg_vruntime
 * (eevdf's V and load count it). Unless a steal moved it off the CPU whose
 * per-CPU instance it joined: it leaves that one now, and joins this CPU's
 * queue when it is enqueued here. Sleeping and property changes
 * (SCX_DEQ_SLEEP, SCX_DEQ_SCHED_CHANGE) always leave.
 */
static __always_inline bool dispatched_to_its_instance(struct task_struct *p,
						       struct schedc_task *t, u64 deq_flags)
{
	u32 cpu = scx_bpf_task_cpu(p), n;

	if (deq_flags != 0)
		return false;
	/* The instance the task's (new) CPU serves; the kind is the task's,
	 * not a layout constant, so each case is kept only where the policy
	 * has a queue of that kind. */
	if (t->member_kind == SCHEDC_QUEUE_PERCPU && has_queue_kind(SCHEDC_QUEUE_PERCPU)) {
		n = percpu_instances();
		return (n ? cpu % n : 0) == t->member_inst;
	}
	if (t->member_kind == SCHEDC_QUEUE_LLC && has_queue_kind(SCHEDC_QUEUE_LLC)) {
		n = schedc_nr_llcs();
		return (n ? schedc_llc_of(cpu) % n : 0) == t->member_inst;
	}
	if (t->member_kind == SCHEDC_QUEUE_NODE && has_queue_kind(SCHEDC_QUEUE_NODE)) {
		n = schedc_nr_nodes();
		return (n ? schedc_node_of(cpu) % n : 0) == t->member_inst;
	}
	return true;
}

SEC("struct_ops/schedc_dequeue")
void BPF_PROG(schedc_dequeue, struct task_struct *p, u64 deq_flags)
{
	struct schedc_task *t = task_state(p);

	task_given(p);
	if (t && !dispatched_to_its_instance(p, t, deq_flags))
		queue_leave(t);
}

/*
 * The previous task. ops.dispatch runs while a task whose slice ran out is
 * still current: the kernel re-enqueues it only after dispatch returns. A
 * queue ordered by a key must still weigh it against the queued tasks (EEVDF
 * lets a task run on while it is eligible with the earliest deadline), so
 * dispatch charges prev here, as ops.stopping would, re-enqueues it as
 * ops.enqueue would (`on enqueue`, then the enqueue rules), works out its key
 * in the queue it would go back to, and keeps it running (refilling its slice)
 * when it beats every candidate.
 *
 * `on enqueue` must run here too: a task can reach this CPU without
 * ops.enqueue (a steal moves it from another CPU's queue straight to the
 * local DSQ), and a task that keeps winning is never re-enqueued, so without
 * it the task would join this queue, indefinitely, with state that belongs to
 * another one (eevdf: a vruntime on another CPU's virtual clock, seconds
 * behind this CPU's V, which starved every other task here).
 */
struct prev_choice {
	u32 active;   /* prev would return to (queue, inst) */
	u32 queue;
	u32 inst;
	u32 eligible;
	u64 key;
	u64 slice;
};

enum consume_result { CONSUMED_NONE, CONSUMED_MOVED, CONSUMED_KEEP_PREV };

/* The instance's aggregates, read once for a whole scan. A scan starts at
 * the first task, so it fills in first() itself (see set_scan_first()); any
 * other reader peeks at the DSQ (`peek_first`). */
static __always_inline void scan_snapshot(struct schedc_ctx *ctx, u32 queue, u32 inst,
					  bool peek_first)
{
	struct schedc_queue_state *qs = queue_state(queue, inst);
	u32 a;

	ctx->scan_queue = queue;
	ctx->scan_inst = inst;
	ctx->scan_count = schedc_agg_read(qs, queue, inst, SCHEDC_AGG_INDEX_COUNT);
	_Pragma("unroll") for (a = 0; a < SCHEDC_MAX_AGGREGATES; a++)
		if (a < L.queues[queue].nr_aggs &&
		    (peek_first || L.queues[queue].agg_kind[a] != SCHEDC_AGG_FIRST))
			ctx->scan_aggs[a] = schedc_agg_read(qs, queue, inst, a);
}

static __always_inline void set_scan_first(struct schedc_ctx *ctx, u32 queue, u64 key)
{
	u32 a;

	_Pragma("unroll") for (a = 0; a < SCHEDC_MAX_AGGREGATES; a++)
		if (a < L.queues[queue].nr_aggs && L.queues[queue].agg_kind[a] == SCHEDC_AGG_FIRST)
			ctx->scan_aggs[a] = key;
}

static __always_inline void prev_prepare(struct task_struct *prev, struct prev_choice *pc)
{
	struct schedc_placement pl;
	struct schedc_task *t;
	struct schedc_ctx sc;
	u32 q;

	/* Every field set: the optimizer may read any of them speculatively, and
	 * the verifier rejects reads of uninitialised registers. */
	pc->active = 0;
	pc->queue = 0;
	pc->inst = 0;
	pc->eligible = 0;
	pc->key = 0;
	pc->slice = 0;
	if (!prev_competes() || !prev || !(prev->scx.flags & SCX_TASK_QUEUED))
		return;
	t = task_state(prev);
	/* Without task storage (or without its entry) the handlers run in the
	 * coming ops.stopping and ops.enqueue as usual; only where prev goes is
	 * decided here. */
	if (L.uses_task_storage && !t)
		return;
	ctx_init(&sc, prev, t);
	if (t) {
		sc.runtime = bpf_ktime_get_ns() - t->started_at;
		if (L.has_handler[SCHEDC_ON_STOPPING])
			schedc_policy_handler(SCHEDC_ON_STOPPING, &sc);
		queue_leave(t);
		t->started_at = bpf_ktime_get_ns();
		t->charged = 1; /* the coming ops.stopping must not charge it again */
		if (dispatch_requeues()) {
			sc.runtime = 0;
			reweight_for_group(&sc, t);
			schedc_policy_handler(SCHEDC_ON_ENQUEUE, &sc);
			t->requeued = 1; /* nor the coming ops.enqueue run it again */
		}
	}

	place(prev, t, 0, &pl);
	if (pl.local)
		return;
	for_each_queue(q) {
		if (pl.queue != q)
			continue;
		pc->active = 1;
		pc->queue = q;
		pc->inst = pl.inst;
		pc->slice = pl.slice;
		pc->key = schedc_policy_queue_key(q, &sc);
		if (t)
			queue_join(t, q, pl.inst, &sc);
		pc->eligible = 1;
		if (L.queues[q].has_eligible) {
			scan_snapshot(&sc, q, pl.inst, true);
			pc->eligible = schedc_policy_eligible(q, &sc);
		}
	}
}

/* What `current.F` reads on other CPUs: the running task's fields as of when
 * it was picked, and when that was (for current.runtime). */
static __always_inline void snapshot_current(struct schedc_cpu *cpu, struct schedc_task *t)
{
	u32 i;

	for (i = 0; i < SCHEDC_MAX_TASK_FIELDS; i++)
		if (i < L.nr_task_fields)
			cpu->cur_fields[i] = t->fields[i];
	cpu->cur_attrs[SCHEDC_ATTR_RUNTIME] = t->started_at;
}

static __always_inline void keep_prev(struct task_struct *prev, struct prev_choice *pc)
{
	struct schedc_task *t = task_state(prev);
	struct schedc_ctx sc;

	prev->scx.slice = pc->slice;
	if (!t)
		return;
	t->charged = 0; /* it runs on: its next stop is a new charge */
	requeue_done(t);
	ctx_init(&sc, prev, t);
	if (L.has_preempt_wakeup && sc.cpu)
		snapshot_current(sc.cpu, t);
}

/* Move the first eligible task of an instance (in queue order) to this CPU,
 * unless prev goes first. */
static __always_inline int consume_scan(u32 queue, u32 inst, struct prev_choice *pc)
{
	bool with_prev = pc->active && pc->queue == queue && pc->inst == inst;
	u32 this_cpu = bpf_get_smp_processor_id();
	struct task_struct *p;
	struct schedc_ctx sc;
	u32 scanned = 0;

	ctx_init(&sc, NULL, NULL);
	if (L.queues[queue].has_eligible)
		scan_snapshot(&sc, queue, inst, false);
	bpf_for_each(scx_dsq, p, dsq_id(queue, inst), 0) {
		if (scanned == 0)
			set_scan_first(&sc, queue, p->scx.dsq_vtime);
		if (scanned++ >= L.queues[queue].scan)
			break;
		/* Any instance may hold tasks this CPU may not run (a shared
		 * queue, an indexed `q[i]` rule, a task pinned after it was
		 * queued): moving one here would be a runtime error that ejects
		 * the scheduler. */
		if (!bpf_cpumask_test_cpu(this_cpu, p->cpus_ptr))
			continue;
		sc.p = p;
		sc.task = task_state(p);
		/* Without task storage, eligibility reads only attributes. */
		if (L.queues[queue].has_eligible &&
		    ((L.uses_task_storage && !sc.task) || !schedc_policy_eligible(queue, &sc)))
			continue;
		/* Ties go to the queued task: prev goes behind its equals (and
		 * behind everything in a FIFO queue). */
		if (with_prev && pc->eligible && L.queues[queue].ordered &&
		    (s64)(pc->key - p->scx.dsq_vtime) < 0)
			return CONSUMED_KEEP_PREV;
		if (scx_bpf_dsq_move(BPF_FOR_EACH_ITER, p, SCX_DSQ_LOCAL, 0))
			return CONSUMED_MOVED;
	}
	if (with_prev && pc->eligible)
		return CONSUMED_KEEP_PREV;
	if (L.queues[queue].has_eligible && !L.queues[queue].fallback_head)
		return CONSUMED_NONE;
	if (scx_bpf_dsq_move_to_local(dsq_id(queue, inst)))
		return CONSUMED_MOVED;
	return with_prev ? CONSUMED_KEEP_PREV : CONSUMED_NONE;
}

static __always_inline int consume(u32 queue, u32 inst, struct prev_choice *pc)
{
	bool with_prev = pc->active && pc->queue == queue && pc->inst == inst;

	if (L.queues[queue].has_eligible || (with_prev && L.queues[queue].ordered))
		return consume_scan(queue, inst, pc);
	if (scx_bpf_dsq_move_to_local(dsq_id(queue, inst)))
		return CONSUMED_MOVED;
	/* A FIFO instance with nothing queued: prev, about to join it, runs on
	 * before the later sources are tried. */
	return with_prev ? CONSUMED_KEEP_PREV : CONSUMED_NONE;
}

/* Take the first task of another instance, nearest first (same LLC, same
 * node, then any), going no farther than `within` (enum schedc_distance). */
static __always_inline bool steal(u32 queue, u32 own, u32 within)
{
	u32 n = queue_instances(queue), distance;
	struct place at;
	int i;

	place_of_instance(queue, own, &at);
	_Pragma("unroll") for (distance = SCHEDC_SAME_LLC; distance <= SCHEDC_REMOTE; distance++) {
		if (distance > within)
			break;
		bpf_for(i, 1, (int)n) {
			u32 other = (own + i) % n;

			if (distance_to_instance(queue, &at, other) != distance)
				continue;
			if (scx_bpf_dsq_move_to_local(dsq_id(queue, other))) {
				queue_stat(queue, SCHEDC_QSTAT_STEALS_LLC + distance);
				return true;
			}
		}
		/* Shards have no place: the first round saw every instance. */
		if (!kind_by_cpu(L.queues[queue].kind))
			break;
	}
	return false;
}

/*
 * The balance rule (`balance QUEUE by AGG every INTERVAL when COND`): at most
 * once per interval, a CPU that dispatches finds the instance of QUEUE with
 * the largest AGG and moves to itself the first task there (in queue order,
 * within the queue's scan limit) that may run here and for which COND holds.
 * It runs before the CPU's own sources: a busy CPU dispatches only when its
 * task's slice ends, and an idle one already steals. The task reaches this
 * CPU as a stolen one does (see prev_prepare).
 */
static __always_inline bool balance(u32 cpu)
{
	u32 queue = L.balance_queue, own, busiest, n, scanned = 0;
	struct task_struct *p;
	struct schedc_cpu *c;
	struct schedc_ctx sc;
	u64 now, most, interval;
	int i;

	/* Nothing, not even the lookup, in policies without the rule. */
	if (!L.has_balance || queue >= SCHEDC_MAX_QUEUES)
		return false;
	c = cpu_state(cpu);
	if (!c)
		return false;
	ctx_init(&sc, NULL, NULL);
	now = bpf_ktime_get_ns();
	interval = schedc_policy_balance_interval(&sc);
	if (now - c->balanced_at < interval)
		return false;
	/* Up to a quarter of an interval of jitter: checked at a fixed period,
	 * in step with the other CPUs' slices, the rule can keep sampling them
	 * at the same point of their switch (a task just taken, the last not
	 * yet re-enqueued) and never see the imbalance. */
	c->balanced_at = now - bpf_get_prandom_u32() % (interval / 4 + 1);

	own = schedc_instance_of_cpu(queue, cpu);
	busiest = own;
	most = schedc_agg_read(queue_state(queue, own), queue, own, L.balance_agg);
	n = queue_instances(queue);
	bpf_for(i, 0, (int)n) {
		u64 v = schedc_agg_read(queue_state(queue, i), queue, i, L.balance_agg);

		if (v > most) {
			most = v;
			busiest = i;
		}
	}
	if (busiest == own)
		return false;

	sc.busiest = busiest;
	bpf_for_each(scx_dsq, p, dsq_id(queue, busiest), 0) {
		if (scanned++ >= L.queues[queue].scan)
			break;
		if (!bpf_cpumask_test_cpu(cpu, p->cpus_ptr))
			continue;
		sc.p = p;
		sc.task = task_state(p);
		if (!schedc_policy_balance_pull(&sc))
			continue;
		if (scx_bpf_dsq_move(BPF_FOR_EACH_ITER, p, SCX_DSQ_LOCAL, 0)) {
			queue_stat(queue, SCHEDC_QSTAT_BALANCED);
			return true;
		}
	}
	return false;
}

static __always_inline void record_depth(u32 queue, u32 inst)
{
	u32 idx = instance_index(queue, inst);
	u64 *depth = bpf_map_lookup_elem(&schedc_depth, &idx);

	if (depth)
		*depth = scx_bpf_dsq_nr_queued(dsq_id(queue, inst));
}

/* ---- the per-CPU timer (`every ... per cpu`, `every ... on cpu C`) ------- */

struct schedc_cpu_timer {
	struct bpf_timer timer;
	u32 armed;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, u32);
	__type(value, struct schedc_cpu_timer);
	__uint(max_entries, SCHEDC_MAX_SLOTS);
} schedc_cpu_timers SEC(".maps");

/* BPF_F_TIMER_CPU_PIN: the timer fires on the CPU that started it. */
#define SCHEDC_TIMER_CPU_PIN (1ULL << 1)

static int cpu_timer_fired(void *map, int *key, struct schedc_cpu_timer *t)
{
	struct schedc_ctx sc;
	u64 period;

	ctx_init(&sc, NULL, NULL);
	schedc_policy_handler(SCHEDC_ON_CPU_TIMER, &sc);
	period = schedc_policy_cpu_timer_period(&sc);
	bpf_timer_start(&t->timer, period ? period : SCX_SLICE_DFL, SCHEDC_TIMER_CPU_PIN);
	return 0;
}

/*
 * A CPU's timer must be started on that CPU to be pinned there, and ops.init
 * runs on whichever CPU loads the policy: each CPU starts its own the first
 * time it dispatches (every CPU does once the policy is attached). Only from
 * ops.dispatch: the callback may use only the kfuncs of the callback that
 * set it, and `move` needs dispatch's. `armed` is claimed first, so the
 * timer starts once.
 */
static __always_inline void cpu_timer_arm(u32 cpu)
{
	struct schedc_cpu_timer *t;
	struct schedc_ctx sc;

	if (!L.has_handler[SCHEDC_ON_CPU_TIMER])
		return;
	t = bpf_map_lookup_elem(&schedc_cpu_timers, &cpu);
	if (!t || t->armed)
		return;
	ctx_init(&sc, NULL, NULL);
	if (!schedc_policy_cpu_timer_here(&sc))
		return;
	if (__sync_val_compare_and_swap(&t->armed, 0, 1) != 0)
		return;
	if (bpf_timer_init(&t->timer, &schedc_cpu_timers, CLOCK_MONOTONIC) ||
	    bpf_timer_set_callback(&t->timer, cpu_timer_fired))
		return;
	bpf_timer_start(&t->timer, schedc_policy_cpu_timer_period(&sc), SCHEDC_TIMER_CPU_PIN);
}

/* `dispatch ... when COND`: a CPU where COND is false takes nothing from
 * the sources; it runs what a rule or a timer puts on its local DSQ. */
static __always_inline bool dispatch_allowed(void)
{
	struct schedc_ctx sc;

	ctx_init(&sc, NULL, NULL);
	return schedc_policy_dispatch_allowed(&sc);
}

SEC("struct_ops/schedc_dispatch")
void BPF_PROG(schedc_dispatch, s32 cpu, struct task_struct *prev)
{
	struct prev_choice pc;
	bool keep = false;
	u32 i;

	cpu_timer_arm((u32)cpu);
	if (!dispatch_allowed())
		return;
	prev_prepare(prev, &pc);
	if (balance((u32)cpu))
		return;
	_Pragma("unroll") for (i = 0; i < SCHEDC_MAX_QUEUES * 2; i++) {
		u32 queue, own;
		int result;

		if (i >= L.nr_dispatch)
			break;
		queue = L.dispatch[i].queue;
		if (queue >= SCHEDC_MAX_QUEUES)
			break;
		own = schedc_instance_of_cpu(queue, (u32)cpu);
		if (!L.dispatch[i].steal) {
			if (keep)
				continue;
			result = consume(queue, own, &pc);
			/* One depth update per source, whatever the outcome. */
			record_depth(queue, own);
			if (result == CONSUMED_KEEP_PREV && L.queues[queue].ordered) {
				keep_prev(prev, &pc);
				return;
			}
			/* prev's FIFO instance is empty: prev runs on, unless a steal
			 * of the same queue finds a task that has waited longer. */
			if (result == CONSUMED_KEEP_PREV)
				keep = true;
			if (result == CONSUMED_MOVED) {
				queue_stat(queue, SCHEDC_QSTAT_DISPATCHED);
				return;
			}
		} else if ((!keep || queue == pc.queue) &&
			   steal(queue, own, L.dispatch[i].steal_within)) {
			queue_stat(queue, SCHEDC_QSTAT_DISPATCHED);
			queue_stat(queue, SCHEDC_QSTAT_STEALS);
			return;
		}
	}
	if (keep)
		keep_prev(prev, &pc);
}

SEC("struct_ops/schedc_tick")
void BPF_PROG(schedc_tick, struct task_struct *p)
{
	struct schedc_task *t = task_state(p);
	struct schedc_ctx sc;

	task_given(p);
	ctx_init(&sc, p, t);
	if (L.has_handler[SCHEDC_ON_TICK])
		schedc_policy_handler(SCHEDC_ON_TICK, &sc);
	if (L.has_preempt_tick && schedc_policy_preempt_tick(&sc)) {
		p->scx.slice = 0;
		queue_stat(t && t->member_queue >= 0 ? (u32)t->member_queue : 0,
			   SCHEDC_QSTAT_PREEMPTIONS);
	}
}

SEC("struct_ops/schedc_runnable")
void BPF_PROG(schedc_runnable, struct task_struct *p, u64 enq_flags)
{
	struct schedc_ctx sc;

	task_given(p);
	ctx_init(&sc, p, task_state(p));
	group_count(p, sc.task);
	sc.wakeup = (enq_flags & SCX_ENQ_WAKEUP) ? 1 : 0;
	if (L.has_handler[SCHEDC_ON_RUNNABLE])
		schedc_policy_handler(SCHEDC_ON_RUNNABLE, &sc);
}

SEC("struct_ops/schedc_running")
void BPF_PROG(schedc_running, struct task_struct *p)
{
	struct schedc_task *t = task_state(p);
	struct schedc_ctx sc;
	u32 i;

	task_given(p);
	ctx_init(&sc, p, t);
	if (t)
		t->started_at = bpf_ktime_get_ns();
	requeue_done(t); /* e.g. put back on the local DSQ, not re-enqueued */
	if (L.has_handler[SCHEDC_ON_RUNNING])
		schedc_policy_handler(SCHEDC_ON_RUNNING, &sc);
	/* Snapshot for `current.F` in wakeup preemption rules on other CPUs. */
	if (L.has_preempt_wakeup && sc.cpu && t) {
		snapshot_current(sc.cpu, t);
		for (i = 0; i < SCHEDC_ATTR_RUNTIME; i++)
			if (L.current_attrs & (1u << i))
				sc.cpu->cur_attrs[i] = schedc_attr(&sc, i);
		sc.cpu->cur_valid = 1;
	}
}

SEC("struct_ops/schedc_stopping")
void BPF_PROG(schedc_stopping, struct task_struct *p, bool runnable)
{
	struct schedc_task *t = task_state(p);
	struct schedc_ctx sc;

	task_given(p);
	ctx_init(&sc, p, t);
	if (t)
		sc.runtime = bpf_ktime_get_ns() - t->started_at;
	if (t && t->charged)
		t->charged = 0; /* ops.dispatch charged this stop already */
	else if (L.has_handler[SCHEDC_ON_STOPPING])
		schedc_policy_handler(SCHEDC_ON_STOPPING, &sc);
	if (t)
		queue_leave(t);
	if (L.has_preempt_wakeup && sc.cpu)
		sc.cpu->cur_valid = 0;
}

/* A task leaves its queue for good (sleep, exit): the policy's handler, then
 * the aggregates forget it. */
static __always_inline void task_leaves(struct task_struct *p, u32 event)
{
	struct schedc_task *t = task_state(p);
	struct schedc_ctx sc;

	ctx_init(&sc, p, t);
	if (L.has_handler[event])
		schedc_policy_handler(event, &sc);
	if (t)
		queue_leave(t);
	group_uncount(t);
	requeue_done(t); /* it sleeps or exits instead */
}

SEC("struct_ops/schedc_quiescent")
void BPF_PROG(schedc_quiescent, struct task_struct *p, u64 deq_flags)
{
	task_given(p);
	task_leaves(p, SCHEDC_ON_QUIESCENT);
}

SEC("struct_ops/schedc_init_task")
s32 BPF_PROG(schedc_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	struct schedc_task *t;
	u32 i;

	task_given(p);
	if (!L.uses_task_storage)
		return 0;
	t = bpf_task_storage_get(&schedc_tasks, p, NULL, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!t)
		return -12; /* -ENOMEM */
	_Pragma("unroll") for (i = 0; i < SCHEDC_MAX_TASK_FIELDS; i++)
		if (i < L.nr_task_fields)
			t->fields[i] = L.task_init[i];
	t->member_queue = -1;
	if (L.uses_cgroups)
		t->cgroup = cgroup_key(args->cgroup);
	return 0;
}

SEC("struct_ops/schedc_exit_task")
void BPF_PROG(schedc_exit_task, struct task_struct *p, struct scx_exit_task_args *args)
{
	task_given(p);
	task_leaves(p, SCHEDC_ON_EXIT);
	hints_forget(p);
}

SEC("struct_ops/schedc_enable")
void BPF_PROG(schedc_enable, struct task_struct *p)
{
	struct schedc_ctx sc;

	task_given(p);
	ctx_init(&sc, p, task_state(p));
	if (L.has_handler[SCHEDC_ON_ENABLE])
		schedc_policy_handler(SCHEDC_ON_ENABLE, &sc);
	if (L.counts_group_load && sc.task)
		sc.task->group_weight_seen = group_weight(p, sc.task);
}

/*
 * The task's weight changed (renice, sched_setattr; also called once after
 * ops.enable). A running task is first charged what it has run so far, as the
 * kernel's update_curr() does before reweight_entity(): `on stopping` runs
 * with that runtime and the run goes on from now. Then `on reweight` runs, and
 * a member of a queue instance rejoins it, so aggregates over its weight count
 * the new one at once. A queued task keeps its place in the DSQ (the key it
 * was inserted with) until it is next re-enqueued.
 */
SEC("struct_ops/schedc_set_weight")
void BPF_PROG(schedc_set_weight, struct task_struct *p, u32 weight)
{
	struct schedc_task *t = task_state(p);
	struct schedc_ctx sc;
	s32 member;
	u32 inst;

	task_given(p);
	ctx_init(&sc, p, t);
	group_recount(p, t);
	if (t && !t->charged && L.has_handler[SCHEDC_ON_STOPPING] && scx_bpf_task_running(p)) {
		u64 now = bpf_ktime_get_ns();

		sc.runtime = now - t->started_at;
		schedc_policy_handler(SCHEDC_ON_STOPPING, &sc);
		sc.runtime = 0;
		t->started_at = now;
	}
	if (L.has_handler[SCHEDC_ON_REWEIGHT])
		schedc_policy_handler(SCHEDC_ON_REWEIGHT, &sc);
	if (L.counts_group_load && t)
		t->group_weight_seen = group_weight(p, t);
	if (!t || t->member_queue < 0)
		return;
	member = t->member_queue;
	inst = t->member_inst;
	queue_leave(t);
	queue_join(t, (u32)member, inst, &sc);
}

/* The cgroup callbacks keep schedc_cgroups: one entry per cgroup of the cpu
 * controller but the root (all are initialised before any task). */
SEC("struct_ops/schedc_cgroup_init")
s32 BPF_PROG(schedc_cgroup_init, struct cgroup *cgrp, struct scx_cgroup_init_args *args)
{
	struct cgroup_subsys_state *parent = cgrp->self.parent;
	struct schedc_cgroup cg = {
		.parent = parent ? cgroup_key(parent->cgroup) : 0,
		.weight = (u64)args->weight * 1024 / 100,
		.cpu_weight = args->weight,
	};
	u64 key = cgroup_key(cgrp);

	/* When the map is full, the cgroup's tasks count as its parent's. */
	if (key)
		bpf_map_update_elem(&schedc_cgroups, &key, &cg, 0);
	return 0;
}

SEC("struct_ops/schedc_cgroup_exit")
void BPF_PROG(schedc_cgroup_exit, struct cgroup *cgrp)
{
	u64 key = cgroup_key(cgrp);

	bpf_map_delete_elem(&schedc_cgroups, &key);
}

SEC("struct_ops/schedc_cgroup_move")
void BPF_PROG(schedc_cgroup_move, struct task_struct *p, struct cgroup *from, struct cgroup *to)
{
	struct schedc_task *t = task_state(p);

	task_given(p);
	if (!t)
		return;
	t->cgroup = cgroup_key(to);
	group_recount(p, t);
}

SEC("struct_ops/schedc_cgroup_set_weight")
void BPF_PROG(schedc_cgroup_set_weight, struct cgroup *cgrp, u32 weight)
{
	struct schedc_cgroup *cg = cgroup_state(cgroup_key(cgrp));
	u64 scaled = (u64)weight * 1024 / 100;

	if (!cg)
		return;
	/* An active cgroup's weight counts in its parent's active weight. */
	if (cg->active > 0 && cg->parent) {
		struct schedc_cgroup *up = cgroup_state(cg->parent);

		if (up)
			__sync_fetch_and_add(&up->active, (s64)scaled - (s64)cg->weight);
	}
	cg->weight = scaled;
	cg->cpu_weight = weight;
}

/* ---- the `every` timer --------------------------------------------------- */

struct schedc_timer {
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, u32);
	__type(value, struct schedc_timer);
	__uint(max_entries, 1);
} schedc_timers SEC(".maps");

/* Runs the policy's `every` block, then arms the timer again: the period is
 * read each time, so a live param changes it from the next run on. */
static int timer_fired(void *map, int *key, struct schedc_timer *t)
{
	struct schedc_ctx sc;
	u64 period;

	ctx_init(&sc, NULL, NULL);
	schedc_policy_handler(SCHEDC_ON_TIMER, &sc);
	period = schedc_policy_timer_period(&sc);
	bpf_timer_start(&t->timer, period ? period : SCX_SLICE_DFL, 0);
	return 0;
}

static __always_inline s32 timer_start(void)
{
	struct schedc_ctx sc;
	struct schedc_timer *t;
	u32 zero = 0;
	s32 err;

	if (!L.has_handler[SCHEDC_ON_TIMER])
		return 0;
	t = bpf_map_lookup_elem(&schedc_timers, &zero);
	if (!t)
		return -2; /* -ENOENT */
	err = bpf_timer_init(&t->timer, &schedc_timers, CLOCK_MONOTONIC);
	if (err)
		return err;
	err = bpf_timer_set_callback(&t->timer, timer_fired);
	if (err)
		return err;
	ctx_init(&sc, NULL, NULL);
	return bpf_timer_start(&t->timer, schedc_policy_timer_period(&sc), 0);
}

/* ---- `move` in timers ------------------------------------------------------ */

/* move Q into R (both global, of the same order): every task waiting in Q
 * goes to R, keeping its key, and joins R's aggregates. They waited for a
 * CPU before and still do: no CPU is kicked. */
__attribute__((always_inline)) void schedc_move_all(u32 from, u32 to)
{
	struct task_struct *p;
	struct schedc_ctx sc;

	if (from >= SCHEDC_MAX_QUEUES || to >= SCHEDC_MAX_QUEUES)
		return;
	bpf_for_each(scx_dsq, p, dsq_id(from, 0), 0) {
		bool moved;

		if (L.queues[to].ordered) {
			scx_bpf_dsq_move_set_vtime(BPF_FOR_EACH_ITER, p->scx.dsq_vtime);
			moved = scx_bpf_dsq_move_vtime(BPF_FOR_EACH_ITER, p, dsq_id(to, 0), 0);
		} else {
			moved = scx_bpf_dsq_move(BPF_FOR_EACH_ITER, p, dsq_id(to, 0), 0);
		}
		if (!moved)
			continue;
		queue_stat(from, SCHEDC_QSTAT_MOVED);
		queue_stat(to, SCHEDC_QSTAT_ENQUEUED);
		if (L.tracks_members) {
			struct schedc_task *t = task_state(p);

			if (t) {
				ctx_init(&sc, p, t);
				queue_leave(t);
				queue_join(t, to, 0, &sc);
			}
		}
	}
}

/* move Q into local_on(cpu): the first task waiting in Q that may run on
 * `cpu` goes to its local DSQ, unless one already waits there; the CPU is
 * kicked so an idle one runs it. Moving a task to a CPU it may not run on
 * would eject the policy: such tasks are passed over. */
__attribute__((always_inline)) void schedc_move_to_cpu(u32 queue, u64 cpu)
{
	struct task_struct *p;

	if (queue >= SCHEDC_MAX_QUEUES || cpu >= scx_bpf_nr_cpu_ids())
		return;
	if (scx_bpf_dsq_nr_queued(SCX_DSQ_LOCAL_ON | cpu) > 0)
		return;
	bpf_for_each(scx_dsq, p, dsq_id(queue, 0), 0) {
		if (!bpf_cpumask_test_cpu((u32)cpu, p->cpus_ptr))
			continue;
		/* Pinned to where it was preempted until it runs again. */
		if (p->migration_disabled && scx_bpf_task_cpu(p) != (s32)cpu)
			continue;
		if (scx_bpf_dsq_move(BPF_FOR_EACH_ITER, p, SCX_DSQ_LOCAL_ON | cpu, 0)) {
			queue_stat(queue, SCHEDC_QSTAT_MOVED);
			scx_bpf_kick_cpu((s32)cpu, SCX_KICK_IDLE);
			break;
		}
	}
}

/* A policy's `for` loop (StmtLowering.cpp): `count` iterations, each
 * giving its index, then -1. */
__attribute__((always_inline)) void schedc_loop_begin(struct bpf_iter_num *it, u64 count)
{
	bpf_iter_num_new(it, 0, (int)count);
}

__attribute__((always_inline)) s64 schedc_loop_next(struct bpf_iter_num *it)
{
	int *index = bpf_iter_num_next(it);

	return index ? *index : -1;
}

__attribute__((always_inline)) void schedc_loop_end(struct bpf_iter_num *it)
{
	bpf_iter_num_destroy(it);
}

/* kick(cpu) wakes an idle CPU so it dispatches; preempt(cpu) ends the slice
 * of the task running there. A CPU number past the last does nothing. */
__attribute__((always_inline)) void schedc_kick(u64 cpu, u32 preempt)
{
	if (cpu < scx_bpf_nr_cpu_ids())
		scx_bpf_kick_cpu((s32)cpu, preempt ? SCX_KICK_PREEMPT : SCX_KICK_IDLE);
}

SEC("struct_ops.s/schedc_init")
s32 BPF_PROG(schedc_init)
{
	u32 q, cpu, f;
	int i;

	for_each_queue(q) {
		u32 n;

		/* A global queue is one DSQ: no loop, no iterator. */
		if (L.queues[q].kind == SCHEDC_QUEUE_GLOBAL) {
			s32 err = scx_bpf_create_dsq(dsq_id(q, 0), -1);

			if (err)
				return err;
			continue;
		}
		n = queue_instances(q);
		bpf_for(i, 0, (int)n) {
			s32 err = scx_bpf_create_dsq(dsq_id(q, i), -1);

			if (err)
				return err;
		}
	}
	if (L.nr_cpu_fields) {
		bpf_for(i, 0, (int)slots()) {
			struct schedc_cpu *c;

			cpu = i;
			c = cpu_state(cpu);
			if (!c)
				break;
			for (f = 0; f < SCHEDC_MAX_CPU_FIELDS; f++)
				c->fields[f] = L.cpu_init[f];
		}
	}
	return timer_start();
}

SEC("struct_ops/schedc_ops_exit")
void BPF_PROG(schedc_ops_exit, struct scx_exit_info *ei)
{
	u32 zero = 0;
	struct schedc_exit_info *out = bpf_map_lookup_elem(&schedc_exit, &zero);

	if (!out)
		return;
	/* ei is a trusted argument: its scalar fields load directly. */
	out->exit_code = ei->exit_code;
	bpf_probe_read_kernel_str(out->reason, sizeof(out->reason), ei->reason);
	bpf_probe_read_kernel_str(out->msg, sizeof(out->msg), ei->msg);
	/* With no dump (NULL), the read fails and leaves out->dump empty. */
	bpf_probe_read_kernel_str(out->dump, sizeof(out->dump), ei->dump);
	/* kind last: the loader treats kind != 0 as "the record is complete". */
	out->kind = ei->kind;
}

/* schedc rewrites .name and drops the callbacks a policy does not need. */
SEC(".struct_ops.link")
struct sched_ext_ops schedc_ops = {
	.select_cpu = (void *)schedc_select_cpu,
	.enqueue = (void *)schedc_enqueue,
	.dequeue = (void *)schedc_dequeue,
	.dispatch = (void *)schedc_dispatch,
	.tick = (void *)schedc_tick,
	.runnable = (void *)schedc_runnable,
	.running = (void *)schedc_running,
	.stopping = (void *)schedc_stopping,
	.quiescent = (void *)schedc_quiescent,
	.init_task = (void *)schedc_init_task,
	.exit_task = (void *)schedc_exit_task,
	.enable = (void *)schedc_enable,
	.set_weight = (void *)schedc_set_weight,
	.cgroup_init = (void *)schedc_cgroup_init,
	.cgroup_exit = (void *)schedc_cgroup_exit,
	.cgroup_move = (void *)schedc_cgroup_move,
	.cgroup_set_weight = (void *)schedc_cgroup_set_weight,
	.init = (void *)schedc_init,
	.exit = (void *)schedc_ops_exit,
	.name = "schedc",
};

/* Last, so that the lines BTF line info records for the code above stay put. */
_Static_assert(sizeof(((struct sched_ext_ops *)0)->name) == SCHEDC_MAX_POLICY_NAME + 1,
	       "the policy name limit is the kernel's sched_ext_ops.name");
