/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A correct global-FIFO scheduler that follows the schedc object ABI, so that
 * schedrun can be tested end to end without the compiler: one queue "fifo",
 * one tunable "slice", one counter "direct" (wakeups sent straight to an idle
 * CPU).
 */
#include "schedc_test_abi.h"

SCHEDC_META("schedc-meta 1\n"
	    "policy minimal\n"
	    "param slice duration 20000000 100000 1000000000 1\n"
	    "queue fifo global 1\n"
	    "counter direct\n");

#define FIFO_DSQ SCHEDC_DSQ_ID(0, 0)
#define COUNTER_DIRECT (SCHEDC_COUNTER_BASE + 0)

static __always_inline u64 slice(void)
{
	return schedc_params[0] ? schedc_params[0] : SCX_SLICE_DFL;
}

SEC("struct_ops/minimal_select_cpu")
s32 BPF_PROG(minimal_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	bool idle = false;
	s32 cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &idle);

	if (idle) {
		scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, slice(), 0);
		stat_add(COUNTER_DIRECT, 1);
	}
	return cpu;
}

SEC("struct_ops/minimal_enqueue")
void BPF_PROG(minimal_enqueue, struct task_struct *p, u64 enq_flags)
{
	scx_bpf_dsq_insert(p, FIFO_DSQ, slice(), enq_flags);
	stat_add(SCHEDC_QSTAT_ENQUEUED, 1);
}

SEC("struct_ops/minimal_dispatch")
void BPF_PROG(minimal_dispatch, s32 cpu, struct task_struct *prev)
{
	u32 zero = 0;
	u64 *depth;

	if (scx_bpf_dsq_move_to_local(FIFO_DSQ))
		stat_add(SCHEDC_QSTAT_DISPATCHED, 1);
	depth = bpf_map_lookup_elem(&schedc_depth, &zero);
	if (depth)
		*depth = scx_bpf_dsq_nr_queued(FIFO_DSQ);
}

SEC("struct_ops.s/minimal_init")
s32 BPF_PROG(minimal_init)
{
	return scx_bpf_create_dsq(FIFO_DSQ, -1);
}

SEC("struct_ops/minimal_exit")
void BPF_PROG(minimal_exit, struct scx_exit_info *ei)
{
	record_exit(ei);
}

SEC(".struct_ops.link")
struct sched_ext_ops minimal_ops = {
	.select_cpu = (void *)minimal_select_cpu,
	.enqueue = (void *)minimal_enqueue,
	.dispatch = (void *)minimal_dispatch,
	.init = (void *)minimal_init,
	.exit = (void *)minimal_exit,
	.name = "minimal",
};
