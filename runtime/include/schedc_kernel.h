/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The few kernel types, constants and kfuncs the schedc runtime touches,
 * declared by hand instead of a 135,000-line vmlinux.h. Structs carry
 * preserve_access_index, so clang emits CO-RE relocations and libbpf matches
 * every field by name against the running kernel's BTF: only the fields used
 * need to exist here, at any offset.
 */
#ifndef SCHEDC_KERNEL_H
#define SCHEDC_KERNEL_H

#ifdef SCHEDC_SIM
/* schedsim compiles the runtime for the host, against its own kernel. */
#include "../sim/sim_kernel.h"
#else

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;
typedef signed char s8;
typedef int s32;
typedef long long s64;
typedef u8 __u8;
typedef u16 __u16;
typedef u32 __u32;
typedef u64 __u64;
typedef s32 __s32;
typedef s64 __s64;
typedef u16 __be16;
typedef u32 __be32;
typedef u32 __wsum;
typedef _Bool bool;
#define true 1
#define false 0
#define NULL ((void *)0)

/* Map and helper plumbing from <linux/bpf.h>, only what we use. */
enum bpf_map_type {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_TASK_STORAGE = 29,
};
enum { BPF_F_NO_PREALLOC = 1 };
enum { BPF_LOCAL_STORAGE_GET_F_CREATE = 1 };
struct bpf_spin_lock { u32 val; };

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#pragma clang attribute push(__attribute__((preserve_access_index)), apply_to = record)

struct cpumask { unsigned long bits[1]; };

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

/* cgroups of the cpu controller (CONFIG_EXT_GROUP_SCHED), read only by
 * policies that use them: other objects carry no relocation against these. */
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

/* CO-RE matches enums only with enums: kind must not be declared as int. */
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

#pragma clang attribute pop

/* Open-coded iterator states: sizes must match the kernel (bpf_iter_num: 1 x u64). */
struct bpf_iter_num { u64 __opaque[1]; } __attribute__((aligned(8)));
#define BPF_FOR_EACH_ITER (&___it)

/* bpf_timer: its size must match the kernel's (2 x u64). */
struct bpf_timer { u64 __opaque[2]; } __attribute__((aligned(8)));
#define CLOCK_MONOTONIC 1

/* The DSQ iterator's state: its size must match the kernel's (6 x u64). */
struct bpf_iter_scx_dsq { u64 __opaque[6]; } __attribute__((aligned(8)));

#define PF_KTHREAD 0x00200000
#define MAX_PRIO_NICE_0 120   /* static_prio of nice 0 */
#define MAX_RT_PRIO 100       /* static_prio of nice -20 */
#define SCHED_IDLE 5

/* enum scx_* values the kernel has used unchanged since 6.12. */
#define SCX_DSQ_LOCAL 0x8000000000000002ULL
#define SCX_DSQ_LOCAL_ON 0xc000000000000000ULL /* | cpu */
#define SCX_SLICE_DFL 20000000ULL
#define SCX_SLICE_INF (~0ULL)
#define SCX_ENQ_WAKEUP 1ULL
#define SCX_TASK_QUEUED 1U
#define SCX_KICK_IDLE 1ULL
#define SCX_KICK_PREEMPT 2ULL

/* kfuncs (6.13+ names); the kernel adds implicit arguments on its side. */
s32 scx_bpf_create_dsq(u64 dsq_id, s32 node) __ksym;
s32 scx_bpf_select_cpu_dfl(struct task_struct *p, s32 prev_cpu, u64 wake_flags, bool *is_idle) __ksym;
void scx_bpf_dsq_insert(struct task_struct *p, u64 dsq_id, u64 slice, u64 enq_flags) __ksym;
void scx_bpf_dsq_insert_vtime(struct task_struct *p, u64 dsq_id, u64 slice, u64 vtime, u64 enq_flags) __ksym;
bool scx_bpf_dsq_move_to_local(u64 dsq_id) __ksym;
bool scx_bpf_dsq_move(struct bpf_iter_scx_dsq *it__iter, struct task_struct *p, u64 dsq_id, u64 enq_flags) __ksym;
bool scx_bpf_dsq_move_vtime(struct bpf_iter_scx_dsq *it__iter, struct task_struct *p, u64 dsq_id, u64 enq_flags) __ksym;
void scx_bpf_dsq_move_set_vtime(struct bpf_iter_scx_dsq *it__iter, u64 vtime) __ksym;
void scx_bpf_kick_cpu(s32 cpu, u64 flags) __ksym;
s32 scx_bpf_dsq_nr_queued(u64 dsq_id) __ksym;
/* `const`: within one callback these answers never change (the number of
 * CPU ids is fixed at boot; the task's CPU changes only under the locks the
 * callback runs in), so LLVM may merge repeated calls and drop unused ones. */
u32 scx_bpf_nr_cpu_ids(void) __ksym __attribute__((const));
s32 scx_bpf_pick_idle_cpu(const struct cpumask *cpus_allowed, u64 flags) __ksym;
const struct cpumask *scx_bpf_get_idle_smtmask(void) __ksym;
void scx_bpf_put_idle_cpumask(const struct cpumask *cpumask) __ksym;
bool scx_bpf_test_and_clear_cpu_idle(s32 cpu) __ksym;
s32 scx_bpf_task_cpu(const struct task_struct *p) __ksym __attribute__((const));
bool scx_bpf_task_running(const struct task_struct *p) __ksym;
void scx_bpf_error_bstr(char *fmt, unsigned long long *data, u32 data_len) __ksym;
bool bpf_cpumask_test_cpu(u32 cpu, const struct cpumask *cpumask) __ksym;
int bpf_iter_scx_dsq_new(struct bpf_iter_scx_dsq *it, u64 dsq_id, u64 flags) __ksym;
struct task_struct *bpf_iter_scx_dsq_next(struct bpf_iter_scx_dsq *it) __ksym;
void bpf_iter_scx_dsq_destroy(struct bpf_iter_scx_dsq *it) __ksym;

#define BPF_STRUCT_OPS(name) SEC("struct_ops/" #name)
#define BPF_STRUCT_OPS_SLEEPABLE(name) SEC("struct_ops.s/" #name)

#endif /* SCHEDC_SIM */
#endif /* SCHEDC_KERNEL_H */
