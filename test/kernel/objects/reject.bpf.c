/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A scheduler the verifier must reject: enqueue reads past the end of a u64
 * map value. schedrun must name the callback and this source line.
 */
#include "schedc_test_abi.h"

SCHEDC_META("schedc-meta 1\n"
	    "policy reject\n"
	    "queue fifo global 1\n");

SEC("struct_ops/reject_enqueue")
void BPF_PROG(reject_enqueue, struct task_struct *p, u64 enq_flags)
{
	u32 zero = 0;
	u64 *depth = bpf_map_lookup_elem(&schedc_depth, &zero);
	u64 slice = SCX_SLICE_DFL;

	if (depth)
		slice = depth[1]; /* REJECT-HERE: out of bounds */
	scx_bpf_dsq_insert(p, SCX_DSQ_LOCAL, slice, enq_flags);
}

SEC(".struct_ops.link")
struct sched_ext_ops reject_ops = {
	.enqueue = (void *)reject_enqueue,
	.name = "reject",
};
