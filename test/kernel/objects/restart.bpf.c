/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A global FIFO that asks to be restarted (SCX_ECODE_ACT_RESTART) once it
 * has run for a second, to test schedrun --restart.
 */
#include "schedc_test_abi.h"

SCHEDC_META("schedc-meta 1\n"
	    "policy restart\n"
	    "queue fifo global 1\n");

#define FIFO_DSQ SCHEDC_DSQ_ID(0, 0)
#define RUN_NS (1000ULL * 1000 * 1000)

u64 started_ns;
bool exit_requested;
char restart_fmt[] = "restart requested after %llu ms";

SEC("struct_ops/restart_enqueue")
void BPF_PROG(restart_enqueue, struct task_struct *p, u64 enq_flags)
{
	scx_bpf_dsq_insert(p, FIFO_DSQ, SCX_SLICE_DFL, enq_flags);
	stat_add(SCHEDC_QSTAT_ENQUEUED, 1);
}

SEC("struct_ops/restart_dispatch")
void BPF_PROG(restart_dispatch, s32 cpu, struct task_struct *prev)
{
	u64 ran = bpf_ktime_get_ns() - started_ns;

	if (ran > RUN_NS && !exit_requested) {
		u64 ms = ran / 1000000;

		exit_requested = true;
		scx_bpf_exit_bstr(SCX_ECODE_ACT_RESTART, restart_fmt, &ms, sizeof(ms));
		return;
	}
	if (scx_bpf_dsq_move_to_local(FIFO_DSQ))
		stat_add(SCHEDC_QSTAT_DISPATCHED, 1);
}

SEC("struct_ops.s/restart_init")
s32 BPF_PROG(restart_init)
{
	started_ns = bpf_ktime_get_ns();
	return scx_bpf_create_dsq(FIFO_DSQ, -1);
}

SEC("struct_ops/restart_exit")
void BPF_PROG(restart_exit, struct scx_exit_info *ei)
{
	record_exit(ei);
}

SEC(".struct_ops.link")
struct sched_ext_ops restart_ops = {
	.enqueue = (void *)restart_enqueue,
	.dispatch = (void *)restart_dispatch,
	.init = (void *)restart_init,
	.exit = (void *)restart_exit,
	.name = "restart",
};
