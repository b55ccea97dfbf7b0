/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The schedc object ABI (runtime/schedc_abi.h) as the test schedulers provide
 * it: the maps and read-only globals schedrun expects, a .schedc.meta
 * section, and an ops.exit body that records why the kernel ejected us.
 */
#ifndef SCHEDC_TEST_ABI_H
#define SCHEDC_TEST_ABI_H

#include "scx_test.h"

char _license[] SEC("license") = "GPL";

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, SCHEDC_STATS_ENTRIES);
	__type(key, u32);
	__type(value, u64);
} schedc_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SCHEDC_DEFAULT_SLOTS);
	__type(key, u32);
	__type(value, u64);
} schedc_depth SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct schedc_exit_info);
} schedc_exit SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SCHEDC_DEFAULT_SLOTS);
	__type(key, u32);
	__type(value, u64);
} schedc_queues SEC(".maps");

const volatile u64 schedc_params[SCHEDC_MAX_PARAMS];
const volatile u32 schedc_slots = SCHEDC_DEFAULT_SLOTS;

/* The metadata is plain text; "used" keeps it although no code refers to it. */
#define SCHEDC_META(text) \
	__attribute__((section(SCHEDC_META_SECTION), used)) \
	static const char schedc_meta[] = text

static __always_inline void stat_add(u32 idx, u64 n)
{
	u64 *v = bpf_map_lookup_elem(&schedc_stats, &idx);

	if (v)
		*v += n;
}

static __always_inline void record_exit(struct scx_exit_info *ei)
{
	u32 zero = 0;
	struct schedc_exit_info *out = bpf_map_lookup_elem(&schedc_exit, &zero);

	if (!out)
		return;
	bpf_probe_read_kernel_str(out->reason, sizeof(out->reason), ei->reason);
	bpf_probe_read_kernel_str(out->msg, sizeof(out->msg), ei->msg);
	out->exit_code = ei->exit_code;
	/* Written last: schedrun treats kind != 0 as "the rest is complete". */
	out->kind = ei->kind;
}

#endif /* SCHEDC_TEST_ABI_H */
