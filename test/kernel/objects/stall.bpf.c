/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scheduler that never runs anything: enqueue drops every task, so the
 * sched_ext watchdog must eject it (after timeout_ms) and the system must keep
 * running on the fair class afterwards.
 */
#include "schedc_test_abi.h"

SCHEDC_META("schedc-meta 1\n"
	    "policy stall\n"
	    "queue none global 1\n");

/* Keep every wakeup away from the default idle-CPU fast path. */
SEC("struct_ops/stall_select_cpu")
s32 BPF_PROG(stall_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	return prev_cpu;
}

SEC("struct_ops/stall_enqueue")
void BPF_PROG(stall_enqueue, struct task_struct *p, u64 enq_flags)
{
	stat_add(SCHEDC_QSTAT_ENQUEUED, 1);
}

SEC("struct_ops/stall_exit")
void BPF_PROG(stall_exit, struct scx_exit_info *ei)
{
	record_exit(ei);
}

SEC(".struct_ops.link")
struct sched_ext_ops stall_ops = {
	.select_cpu = (void *)stall_select_cpu,
	.enqueue = (void *)stall_enqueue,
	.exit = (void *)stall_exit,
	.timeout_ms = 3000,
	.name = "stall",
};
