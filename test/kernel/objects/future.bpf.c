/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scheduler that needs a kfunc no kernel has: schedrun must refuse it
 * before loading, naming what the running kernel lacks.
 */
#include "schedc_test_abi.h"

SCHEDC_META("schedc-meta 1\n"
	    "policy future\n"
	    "queue fifo global 1\n");

#define FIFO_DSQ SCHEDC_DSQ_ID(0, 0)

void scx_bpf_from_the_future(struct task_struct *p) __ksym;

SEC("struct_ops/future_enqueue")
void BPF_PROG(future_enqueue, struct task_struct *p, u64 enq_flags)
{
	scx_bpf_from_the_future(p);
	scx_bpf_dsq_insert(p, FIFO_DSQ, SCX_SLICE_DFL, enq_flags);
}

SEC("struct_ops/future_dispatch")
void BPF_PROG(future_dispatch, s32 cpu, struct task_struct *prev)
{
	scx_bpf_dsq_move_to_local(FIFO_DSQ);
}

SEC("struct_ops.s/future_init")
s32 BPF_PROG(future_init)
{
	return scx_bpf_create_dsq(FIFO_DSQ, -1);
}

SEC("struct_ops/future_exit")
void BPF_PROG(future_exit, struct scx_exit_info *ei)
{
	record_exit(ei);
}

SEC(".struct_ops.link")
struct sched_ext_ops future_ops = {
	.enqueue = (void *)future_enqueue,
	.dispatch = (void *)future_dispatch,
	.init = (void *)future_init,
	.exit = (void *)future_exit,
	.name = "future",
};
