/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel as schedsim shows it to the runtime: runtime.bpf.c compiled for
 * the host (-DSCHEDC_SIM) includes this instead of the BPF declarations. The
 * same names, constants and struct fields; the helpers, kfuncs and maps are
 * functions the simulator (runtime/sim) implements. Included by the C runtime
 * and by the C++ simulator, so both see one layout.
 */
#ifndef SCHEDC_SIM_KERNEL_H
#define SCHEDC_SIM_KERNEL_H

#ifdef __cplusplus
extern "C" {
#else
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)
#endif

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef int s32;
typedef long long s64;

/* ---- maps ---------------------------------------------------------------
 * A map declaration keeps its BPF spelling; here each field is a member
 * whose size carries the value (`char type[2]` for BPF_MAP_TYPE_ARRAY), so
 * the helper macros below pass the map's shape to the simulator by sizeof. */
enum bpf_map_type {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_TASK_STORAGE = 29,
};
enum { BPF_F_NO_PREALLOC = 1 };
enum { BPF_LOCAL_STORAGE_GET_F_CREATE = 1 };
struct bpf_spin_lock { u32 val; };

struct sim_map_shape {
	int type;
	u32 key_size;
	u32 value_size;
	u32 max_entries;
};

#ifndef __cplusplus
#define SEC(name)
#define __ksym
#define __weak
#define __always_inline inline __attribute__((always_inline))
#define __noinline __attribute__((noinline))
#define __uint(name, val) char name[val]
#define __type(name, val) val name
#define SIM_SHAPE(map)                                                         \
	((struct sim_map_shape){(int)sizeof((map)->type), (u32)sizeof((map)->key), \
				(u32)sizeof((map)->value), (u32)sizeof((map)->max_entries)})

void *sim_map_lookup_elem(void *map, struct sim_map_shape shape, const void *key);
long sim_map_update_elem(void *map, struct sim_map_shape shape, const void *key,
			 const void *value, u64 flags);
long sim_map_delete_elem(void *map, struct sim_map_shape shape, const void *key);
void *sim_task_storage_get(void *map, u32 value_size, void *task, void *value, u64 flags);

#define bpf_map_lookup_elem(map, k) sim_map_lookup_elem((map), SIM_SHAPE(map), (k))
#define bpf_map_update_elem(map, k, v, flags) \
	sim_map_update_elem((map), SIM_SHAPE(map), (k), (v), (flags))
#define bpf_map_delete_elem(map, k) sim_map_delete_elem((map), SIM_SHAPE(map), (k))
#define bpf_task_storage_get(map, task, v, flags) \
	sim_task_storage_get((map), (u32)sizeof((map)->value), (task), (v), (flags))
#endif

/* ---- helpers ------------------------------------------------------------ */
u64 bpf_ktime_get_ns(void);
u32 bpf_get_smp_processor_id(void);
u32 bpf_get_prandom_u32(void);
long bpf_probe_read_kernel(void *dst, u32 size, const void *src);
long bpf_probe_read_kernel_str(void *dst, u32 size, const void *src);
void sim_spin_lock(struct bpf_spin_lock *lock);
void sim_spin_unlock(struct bpf_spin_lock *lock);
#ifndef __cplusplus
#define bpf_spin_lock(lock) sim_spin_lock(lock)
#define bpf_spin_unlock(lock) sim_spin_unlock(lock)
#endif

/* bpf_timer: the value holding it is the one its callback gets. */
struct bpf_timer { u64 __opaque[2]; } __attribute__((aligned(8)));
#define CLOCK_MONOTONIC 1
long sim_timer_init(struct bpf_timer *timer, void *map, struct sim_map_shape shape, u64 flags);
long sim_timer_set_callback(struct bpf_timer *timer, void *callback);
long bpf_timer_start(struct bpf_timer *timer, u64 nsecs, u64 flags);
#ifndef __cplusplus
#define bpf_timer_init(timer, map, flags) sim_timer_init((timer), (map), SIM_SHAPE(map), (flags))
#define bpf_timer_set_callback(timer, callback) sim_timer_set_callback((timer), (void *)(callback))
#endif

/* Open-coded iterators, with the kernel's sizes. */
struct bpf_iter_num { u64 __opaque[1]; } __attribute__((aligned(8)));
struct bpf_iter_scx_dsq { u64 __opaque[6]; } __attribute__((aligned(8)));
int bpf_iter_num_new(struct bpf_iter_num *it, int start, int end);
int *bpf_iter_num_next(struct bpf_iter_num *it);
void bpf_iter_num_destroy(struct bpf_iter_num *it);

#ifndef __cplusplus
/* for (i = start; i < end; i++) through the number iterator, and a loop
 * over an iterator's elements, each with its iterator in `___it`. */
#define bpf_for(i, start, end)                                                          \
	for (struct bpf_iter_num ___it __attribute__((cleanup(bpf_iter_num_destroy))),  \
	     *___once __attribute__((unused)) =                                         \
		     (bpf_iter_num_new(&___it, (start), (end)), (void *)0);            \
	     ({                                                                         \
		     int *___n = bpf_iter_num_next(&___it);                             \
		     ___n && ((i) = *___n, 1);                                          \
	     });)
#define bpf_for_each(kind, cur, ...)                                                     \
	for (struct bpf_iter_##kind ___it __attribute__((cleanup(bpf_iter_##kind##_destroy))), \
	     *___once __attribute__((unused)) =                                             \
		     (bpf_iter_##kind##_new(&___it, __VA_ARGS__), (void *)0);              \
	     ((cur) = bpf_iter_##kind##_next(&___it));)
#define BPF_FOR_EACH_ITER (&___it)

/* A struct_ops callback is a plain function here. */
#define BPF_PROG(name, ...) name(__VA_ARGS__)
#endif

/* ---- kernel structs: the fields the runtime reads ------------------------ */
struct cpumask { unsigned long bits[16]; }; /* 1024 CPUs */

struct sched_ext_entity {
	u32 flags;
	u32 weight;
	u64 slice;
	u64 dsq_vtime;
};

struct task_struct {
	int pid;
	int tgid;
	unsigned int flags;
	int static_prio;
	unsigned int policy;
	int nr_cpus_allowed;
	const struct cpumask *cpus_ptr;
	unsigned short migration_disabled;
	char comm[16];
	struct sched_ext_entity scx;
};

struct kernfs_node { u64 id; };
struct cgroup;
struct cgroup_subsys_state {
	struct cgroup *cgroup;
	struct cgroup_subsys_state *parent;
};
struct cgroup {
	struct cgroup_subsys_state self;
	struct kernfs_node *kn;
};
struct scx_cgroup_init_args { u32 weight; };
struct scx_init_task_args { bool fork; struct cgroup *cgroup; };
struct scx_exit_task_args { bool cancelled; };

enum scx_exit_kind { SCX_EXIT_NONE = 0 };
struct scx_exit_info {
	enum scx_exit_kind kind;
	s64 exit_code;
	const char *reason;
	char *msg;
	char *dump;
};

struct sched_ext_ops {
	s32 (*select_cpu)(struct task_struct *p, s32 prev_cpu, u64 wake_flags);
	void (*enqueue)(struct task_struct *p, u64 enq_flags);
	void (*dequeue)(struct task_struct *p, u64 deq_flags);
	void (*dispatch)(s32 cpu, struct task_struct *prev);
	void (*tick)(struct task_struct *p);
	void (*runnable)(struct task_struct *p, u64 enq_flags);
	void (*running)(struct task_struct *p);
	void (*stopping)(struct task_struct *p, bool runnable);
	void (*quiescent)(struct task_struct *p, u64 deq_flags);
	s32 (*init_task)(struct task_struct *p, struct scx_init_task_args *args);
	void (*exit_task)(struct task_struct *p, struct scx_exit_task_args *args);
	void (*enable)(struct task_struct *p);
	void (*set_weight)(struct task_struct *p, u32 weight);
	s32 (*cgroup_init)(struct cgroup *cgrp, struct scx_cgroup_init_args *args);
	void (*cgroup_exit)(struct cgroup *cgrp);
	void (*cgroup_move)(struct task_struct *p, struct cgroup *from, struct cgroup *to);
	void (*cgroup_set_weight)(struct cgroup *cgrp, u32 weight);
	s32 (*init)(void);
	void (*exit)(struct scx_exit_info *info);
	u64 flags;
	u32 timeout_ms;
	u32 exit_dump_len;
	char name[128];
};

#define PF_KTHREAD 0x00200000
#define MAX_PRIO_NICE_0 120
#define MAX_RT_PRIO 100
#define SCHED_IDLE 5

#define SCX_DSQ_LOCAL 0x8000000000000002ULL
#define SCX_DSQ_LOCAL_ON 0xc000000000000000ULL
#define SCX_SLICE_DFL 20000000ULL
#define SCX_SLICE_INF (~0ULL)
#define SCX_ENQ_WAKEUP 1ULL
#define SCX_TASK_QUEUED 1U
#define SCX_KICK_IDLE 1ULL
#define SCX_KICK_PREEMPT 2ULL

/* ---- kfuncs: the simulated sched_ext core -------------------------------- */
s32 scx_bpf_create_dsq(u64 dsq_id, s32 node);
s32 scx_bpf_select_cpu_dfl(struct task_struct *p, s32 prev_cpu, u64 wake_flags, bool *is_idle);
void scx_bpf_dsq_insert(struct task_struct *p, u64 dsq_id, u64 slice, u64 enq_flags);
void scx_bpf_dsq_insert_vtime(struct task_struct *p, u64 dsq_id, u64 slice, u64 vtime,
			      u64 enq_flags);
bool scx_bpf_dsq_move_to_local(u64 dsq_id);
bool scx_bpf_dsq_move(struct bpf_iter_scx_dsq *it, struct task_struct *p, u64 dsq_id,
		      u64 enq_flags);
bool scx_bpf_dsq_move_vtime(struct bpf_iter_scx_dsq *it, struct task_struct *p, u64 dsq_id,
			    u64 enq_flags);
void scx_bpf_dsq_move_set_vtime(struct bpf_iter_scx_dsq *it, u64 vtime);
void scx_bpf_kick_cpu(s32 cpu, u64 flags);
s32 scx_bpf_dsq_nr_queued(u64 dsq_id);
u32 scx_bpf_nr_cpu_ids(void);
s32 scx_bpf_pick_idle_cpu(const struct cpumask *cpus_allowed, u64 flags);
const struct cpumask *scx_bpf_get_idle_smtmask(void);
void scx_bpf_put_idle_cpumask(const struct cpumask *cpumask);
bool scx_bpf_test_and_clear_cpu_idle(s32 cpu);
s32 scx_bpf_task_cpu(const struct task_struct *p);
bool scx_bpf_task_running(const struct task_struct *p);
void scx_bpf_error_bstr(char *fmt, unsigned long long *data, u32 data_len);
bool bpf_cpumask_test_cpu(u32 cpu, const struct cpumask *cpumask);
int bpf_iter_scx_dsq_new(struct bpf_iter_scx_dsq *it, u64 dsq_id, u64 flags);
struct task_struct *bpf_iter_scx_dsq_next(struct bpf_iter_scx_dsq *it);
void bpf_iter_scx_dsq_destroy(struct bpf_iter_scx_dsq *it);
struct cgroup *scx_bpf_task_cgroup(struct task_struct *p);
void bpf_cgroup_release(struct cgroup *cgrp);

#ifdef __cplusplus
}
#endif
#endif /* SCHEDC_SIM_KERNEL_H */
