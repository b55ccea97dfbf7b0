/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The interface between the runtime (runtime.bpf.c, C) and the policy code
 * schedc generates (LLVM IR). The runtime owns every kernel interaction; the
 * compiler supplies the layout constant and the hook functions declared here,
 * and may call the schedc_* services below. After schedc links the two, O2
 * folds the layout and inlines everything into the struct_ops callbacks.
 */
#ifndef SCHEDC_POLICY_H
#define SCHEDC_POLICY_H

#include "schedc_abi.h"

/* The globals schedc fills in, by the names the compiler looks them up by. */
#define SCHEDC_LAYOUT_NAME "schedc_layout"
#define SCHEDC_GLOBALS_NAME "schedc_globals"
#define SCHEDC_OPS_NAME "schedc_ops"
/* The maps only some policies use: task storage, per-CPU state, and the
 * queues' aggregates (SCHEDC_QUEUES_MAP_NAME). schedc drops each one the
 * optimised code no longer reads or writes. */
#define SCHEDC_TASKS_MAP_NAME "schedc_tasks"
#define SCHEDC_CPUS_MAP_NAME "schedc_cpus"
#define SCHEDC_CGROUPS_MAP_NAME "schedc_cgroups"
/* and SCHEDC_HINTS_MAP_NAME (schedc_abi.h), and the timer's: */
#define SCHEDC_TIMERS_MAP_NAME "schedc_timers"
#define SCHEDC_CPU_TIMERS_MAP_NAME "schedc_cpu_timers"
/* Runtime functions named so stay global BPF subprograms: the verifier checks
 * each once, on its own, instead of at every call with every path out of it
 * (a loop over the cgroup hierarchy, called in ops.dispatch's loops, went
 * past the 1M-instruction limit inline). schedc drops those no code calls. */
#define SCHEDC_SUBPROG_PREFIX "schedc_subprog_"

enum schedc_queue_kind {
	SCHEDC_QUEUE_GLOBAL = 0, SCHEDC_QUEUE_PERCPU = 1, SCHEDC_QUEUE_SHARDS = 2,
	SCHEDC_QUEUE_LLC = 3, SCHEDC_QUEUE_NODE = 4,
};
/* FIRST is not kept over members: it reads the key of the first queued task.
 * Built in, as negative aggregate indices: the member count and the number of
 * tasks queued in the DSQ (schedc::BuiltinAggregate; ExprLowering.cpp). */
#define SCHEDC_AGG_INDEX_COUNT (-1)
#define SCHEDC_AGG_INDEX_QUEUED (-3)
enum schedc_agg_kind {
	SCHEDC_AGG_COUNT = 0, SCHEDC_AGG_SUM = 1, SCHEDC_AGG_WAVG = 2, SCHEDC_AGG_FIRST = 3,
};
enum schedc_select_mode {
	SCHEDC_SELECT_DEFAULT = 0, SCHEDC_SELECT_PREV = 1, SCHEDC_SELECT_NEAREST = 2,
};

/* Task attributes, in the order of schedc::TaskAttr. */
enum schedc_attr {
	SCHEDC_ATTR_PID, SCHEDC_ATTR_TGID, SCHEDC_ATTR_WEIGHT, SCHEDC_ATTR_NICE,
	SCHEDC_ATTR_CPU, SCHEDC_ATTR_NR_CPUS_ALLOWED, SCHEDC_ATTR_IS_KTHREAD,
	SCHEDC_ATTR_NICE_WEIGHT, /* the kernel's weight for the nice value */
	SCHEDC_ATTR_GROUP_WEIGHT, /* nice_weight compounded by the cgroups' cpu.weight shares */
	SCHEDC_ATTR_CGROUP_WEIGHT, /* cpu.weight of the task's cgroup */
	SCHEDC_ATTR_RUNTIME, /* current.runtime; the snapshot holds its start time */
	SCHEDC_ATTR_NR,
};

/* Handlers, in the order of schedc::Event. */
enum schedc_event {
	SCHEDC_ON_ENABLE, SCHEDC_ON_RUNNABLE, SCHEDC_ON_ENQUEUE, SCHEDC_ON_RUNNING,
	SCHEDC_ON_STOPPING, SCHEDC_ON_QUIESCENT, SCHEDC_ON_EXIT, SCHEDC_ON_TICK,
	SCHEDC_ON_REWEIGHT, SCHEDC_ON_TIMER, SCHEDC_ON_CPU_TIMER,
	SCHEDC_ON_NR,
};

struct schedc_queue_layout {
	u32 kind;          /* enum schedc_queue_kind */
	u32 shards;        /* SHARDS: N */
	u32 ordered;       /* by a key (vtime DSQ) rather than fifo */
	u32 nr_aggs;
	u32 agg_kind[SCHEDC_MAX_AGGREGATES];
	u32 has_eligible;
	u32 scan;          /* at most this many tasks are tested for eligibility */
	u32 fallback_head; /* none eligible: take the head anyway */
	u32 stolen;        /* a dispatch source steals from it ... */
	u32 steal_reach;   /* ... this far (enum schedc_distance) at most */
};

struct schedc_dispatch_source {
	u32 queue;
	u32 steal;
	u32 steal_within;  /* enum schedc_distance: the farthest instance stolen from */
};

/* Everything about a policy that is decided at compile time. */
struct schedc_layout {
	u32 nr_queues;
	u32 nr_dispatch;
	u32 select_mode;
	u32 select_direct;
	u32 select_within; /* NEAREST: enum schedc_distance, the farthest CPU taken */
	u32 has_preempt_wakeup;
	u32 has_preempt_tick;
	u32 has_handler[SCHEDC_ON_NR];
	u32 uses_task_storage;
	u32 nr_task_fields;
	u32 nr_cpu_fields;
	u64 task_init[SCHEDC_MAX_TASK_FIELDS];
	u64 cpu_init[SCHEDC_MAX_CPU_FIELDS];
	struct schedc_queue_layout queues[SCHEDC_MAX_QUEUES];
	struct schedc_dispatch_source dispatch[SCHEDC_MAX_QUEUES * 2];
	u32 tracks_members; /* some queue keeps aggregates over its members */
	u32 has_balance;    /* `balance QUEUE by AGG every ... when ...` */
	u32 balance_queue;
	s32 balance_agg;    /* as schedc_agg_read() takes it */
	u32 current_attrs;  /* bit per attribute read as `current.ATTR` */
	u32 uses_cgroups;   /* reads group_weight or cgroup_weight: track cgroups */
	u32 counts_group_load; /* reads group_weight: count runnable tasks' weight per cgroup */
	u32 uses_hints;     /* declares hints: forget a task's when it exits */
};

/* Per-CPU state: the policy's percpu fields and a snapshot of the running task. */
struct schedc_cpu {
	u64 fields[SCHEDC_MAX_CPU_FIELDS];
	u64 cur_valid;
	u64 cur_fields[SCHEDC_MAX_TASK_FIELDS];
	u64 cur_attrs[SCHEDC_ATTR_NR];
	u64 balanced_at;    /* when this CPU last ran the balance rule */
};

/* Per-task state (task storage). */
struct schedc_task {
	u64 fields[SCHEDC_MAX_TASK_FIELDS];
	u64 started_at;
	u32 charged;      /* ops.dispatch already ran this stop's accounting */
	u32 requeued;     /* ... and `on enqueue` for the re-enqueue that follows */
	s32 member_queue; /* -1: not a member of any queue instance */
	u32 member_inst;
	u32 member_kind;   /* member_queue's kind: a CPU leaving its instance leaves it */
	u32 pad;
	u64 cgroup;         /* its cgroup (cpu controller): the id, 0 for the root */
	u64 group_counted;  /* the weight it adds to group_counted_in's active weight; 0: none */
	u64 group_counted_in;
	u64 group_weight_seen; /* group_weight when `on reweight` or `on enable` last ran */
	u64 member_val[SCHEDC_MAX_AGGREGATES];
	u64 member_weight[SCHEDC_MAX_AGGREGATES];
};

/* What the generated code sees of the callback it runs in. */
struct schedc_ctx {
	struct task_struct *p;     /* NULL where there is no task */
	struct schedc_task *task;
	struct schedc_cpu *cpu;    /* this CPU */
	struct schedc_cpu *target; /* preempt wakeup: the target CPU */
	u64 runtime;
	u64 wakeup;
	u32 scan_queue;            /* eligible: the queue and instance being scanned */
	u32 scan_inst;
	u64 scan_count;            /* eligible: its member count and aggregates */
	u64 scan_aggs[SCHEDC_MAX_AGGREGATES];
	u32 busiest;               /* balance: the instance tasks are pulled from */
};

/* Where an enqueue rule puts a task. */
/* Where the enqueue rules put a task: queue `queue`'s instance `inst`, or a
 * local DSQ (`local`: this CPU's; `local_on`: CPU `inst`'s). */
enum schedc_place_kind { SCHEDC_PLACE_QUEUE = 0, SCHEDC_PLACE_LOCAL = 1, SCHEDC_PLACE_LOCAL_ON = 2 };

struct schedc_placement {
	u32 queue;
	u32 inst;
	u32 local; /* enum schedc_place_kind */
	u64 slice;
};

/* Defined by schedc. */
extern const struct schedc_layout schedc_layout;
void schedc_policy_handler(u32 event, struct schedc_ctx *ctx);
void schedc_policy_place(struct schedc_ctx *ctx, struct schedc_placement *out);
u64 schedc_policy_queue_key(u32 queue, struct schedc_ctx *ctx);
void schedc_policy_agg_values(u32 queue, struct schedc_ctx *ctx, u64 *values, u64 *weights);
bool schedc_policy_eligible(u32 queue, struct schedc_ctx *ctx);
bool schedc_policy_preempt_wakeup(struct schedc_ctx *ctx);
bool schedc_policy_preempt_tick(struct schedc_ctx *ctx);
u64 schedc_policy_balance_interval(struct schedc_ctx *ctx);
/* The `every` timer's period in ns (0: the policy has none). */
u64 schedc_policy_timer_period(struct schedc_ctx *ctx);
/* The per-CPU timer's (`every ... per cpu`, `on cpu C`) period, and whether
 * this CPU runs it. */
u64 schedc_policy_cpu_timer_period(struct schedc_ctx *ctx);
bool schedc_policy_cpu_timer_here(struct schedc_ctx *ctx);
/* `dispatch ... when COND`: whether this CPU takes work from the sources. */
bool schedc_policy_dispatch_allowed(struct schedc_ctx *ctx);
bool schedc_policy_balance_pull(struct schedc_ctx *ctx);

/* Services the generated code calls (defined in runtime.bpf.c). */
u64 schedc_attr(struct schedc_ctx *ctx, u32 attr);
u64 schedc_current_attr(struct schedc_ctx *ctx, u32 attr);
u64 *schedc_task_field(struct schedc_ctx *ctx, u32 field);
u64 *schedc_current_field(struct schedc_ctx *ctx, u32 field);
u64 *schedc_cpu_field(struct schedc_ctx *ctx, u32 field);
struct schedc_queue_state;
struct schedc_queue_state *schedc_queue_of(u32 queue, u32 inst);
u64 schedc_agg_read(struct schedc_queue_state *qs, u32 queue, u32 inst, s32 agg);
u64 schedc_scan_agg(struct schedc_ctx *ctx, s32 agg);
u64 schedc_comm_word(struct schedc_ctx *ctx, u32 word);
u64 schedc_now(void);
u64 schedc_this_cpu(void);
u64 schedc_runtime(struct schedc_ctx *ctx);
u64 schedc_wakeup(struct schedc_ctx *ctx);
u64 schedc_busiest(struct schedc_ctx *ctx);
u64 schedc_nr_cpus(void);
u32 schedc_instance_of(u32 queue, u64 index);
u32 schedc_instance_of_cpu(u32 queue, u64 cpu);
u64 schedc_llc_of(u64 cpu);
u64 schedc_node_of(u64 cpu);
u64 schedc_core_of(u64 cpu);
u64 schedc_nr_llcs(void);
u64 schedc_nr_nodes(void);
void schedc_counter_add(u32 counter, u64 value);
s64 schedc_sdiv(s64 a, s64 b);
s64 schedc_smod(s64 a, s64 b);

#endif /* SCHEDC_POLICY_H */
