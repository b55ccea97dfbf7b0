/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Just enough sched_ext declarations for the hand-written test schedulers.
 * Kernel structs are partial and CO-RE relocated (preserve_access_index), so
 * they only name the members used here; libbpf matches struct_ops members by
 * name against the running kernel's BTF.
 */
#ifndef SCX_TEST_H
#define SCX_TEST_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "schedc_abi.h"

typedef __u64 u64;
typedef __s64 s64;
typedef __u32 u32;
typedef __s32 s32;

struct task_struct {
	int pid;
} __attribute__((preserve_access_index));

/* CO-RE only matches an enum field against an enum, so name the type. */
enum scx_exit_kind { SCX_EXIT_NONE };

struct scx_exit_info {
	enum scx_exit_kind kind;
	s64 exit_code;
	const char *reason;
	char *msg;
} __attribute__((preserve_access_index));

struct sched_ext_ops {
	s32 (*select_cpu)(struct task_struct *p, s32 prev_cpu, u64 wake_flags);
	void (*enqueue)(struct task_struct *p, u64 enq_flags);
	void (*dispatch)(s32 cpu, struct task_struct *prev);
	s32 (*init)(void);
	void (*exit)(struct scx_exit_info *ei);
	u64 flags;
	u32 timeout_ms;
	char name[128];
};

#define SCX_DSQ_FLAG_BUILTIN (1ULL << 63)
#define SCX_DSQ_LOCAL (SCX_DSQ_FLAG_BUILTIN | 2)
#define SCX_SLICE_DFL (20ULL * 1000 * 1000)
#define SCX_ECODE_ACT_RESTART (1ULL << 48)

void scx_bpf_dsq_insert(struct task_struct *p, u64 dsq_id, u64 slice, u64 enq_flags) __ksym;
bool scx_bpf_dsq_move_to_local(u64 dsq_id) __ksym;
s32 scx_bpf_create_dsq(u64 dsq_id, s32 node) __ksym;
s32 scx_bpf_dsq_nr_queued(u64 dsq_id) __ksym;
void scx_bpf_exit_bstr(s64 exit_code, char *fmt, u64 *data, u32 data__sz) __ksym;
s32 scx_bpf_select_cpu_dfl(struct task_struct *p, s32 prev_cpu, u64 wake_flags, bool *is_idle) __ksym;

#endif /* SCX_TEST_H */
