/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The contract between a schedc-built BPF object and the loader (schedrun).
 * Included by the BPF runtime (runtime/runtime.bpf.c) and by schedrun, so both
 * sides agree on map names, layouts and the metadata format.
 *
 * Maps in every schedc object:
 *   schedc_stats    PERCPU_ARRAY of u64, SCHEDC_STATS_ENTRIES entries.
 *                   Queue q's built-in counters at q * SCHEDC_QSTAT_NR + SCHEDC_QSTAT_*,
 *                   the policy's own counter c at SCHEDC_COUNTER_BASE + c.
 *   schedc_depth    ARRAY of u64, one entry per queue instance (q * slots + i):
 *                   tasks waiting in that instance's DSQ, refreshed on dispatch.
 *   schedc_exit     ARRAY, 1 entry of struct schedc_exit_info, written by ops.exit.
 *   schedc_queues   ARRAY of the runtime's per-instance aggregates (internal).
 * Read-only globals in .rodata, set by the loader before load:
 *   schedc_params[SCHEDC_MAX_PARAMS]  u64 tunables, in metadata order.
 *   schedc_slots                      instances per queue (>= possible CPUs).
 *   schedc_topology                   the machine's CPUs by LLC, NUMA node and
 *                                     core (struct schedc_topology), present
 *                                     when the policy reads the topology.
 * Writable while the policy runs, in the section SCHEDC_LIVE_SECTION (its own
 * array map, present when a policy declares a `live` param):
 *   schedc_live[SCHEDC_MAX_PARAMS]    the live params' values, by param index.
 * The metadata is text in the ELF section SCHEDC_META_SECTION (not loaded):
 *   schedc-meta 1
 *   policy NAME
 *   param NAME TYPE DEFAULT MIN MAX INFINITE LIVE
 *                                              (TYPE: u64 s64 bool duration sduration;
 *                                               values as decimal u64/s64; INFINITE and
 *                                               LIVE 0|1; LIVE is absent in older objects)
 *   queue NAME KIND SHARDS                     (KIND: global per_cpu shards per_llc
 *                                               per_node)
 *   hint NAME TYPE DEFAULT MIN MAX SCOPE       (SCOPE: task process)
 *   counter NAME
 *   compiler schedc VERSION llvm VERSION
 *   source sha256 HEX                          (of the policy file's bytes)
 * The runtime's C code names the maps and globals directly; the compiler and
 * the loader use the SCHEDC_*_NAME strings below, which must spell the same.
 */
#ifndef SCHEDC_ABI_H
#define SCHEDC_ABI_H

#define SCHEDC_META_SECTION ".schedc.meta"
#define SCHEDC_META_VERSION 1
/* The variable holding the metadata text, and the first word of each line. */
#define SCHEDC_META_VAR_NAME "schedc_meta"
#define SCHEDC_META_HEADER "schedc-meta"
#define SCHEDC_META_POLICY "policy"
#define SCHEDC_META_PARAM "param"
#define SCHEDC_META_HINT "hint"
#define SCHEDC_META_QUEUE "queue"
#define SCHEDC_META_COUNTER "counter"
#define SCHEDC_META_COMPILER "compiler" /* compiler schedc VERSION llvm VERSION */
#define SCHEDC_META_SOURCE "source"     /* source sha256 HEX: of the policy's text */

#define SCHEDC_STATS_MAP_NAME "schedc_stats"
#define SCHEDC_DEPTH_MAP_NAME "schedc_depth"
#define SCHEDC_EXIT_MAP_NAME "schedc_exit"
#define SCHEDC_QUEUES_MAP_NAME "schedc_queues"
#define SCHEDC_PARAMS_NAME "schedc_params"
#define SCHEDC_SLOTS_NAME "schedc_slots"
#define SCHEDC_LIVE_NAME "schedc_live"
#define SCHEDC_TOPOLOGY_NAME "schedc_topology"
/* Hints from userspace (`hint` declarations): a HASH map from struct
 * schedc_hint_key (a pid for per-task hints, a tgid for per-process ones) to
 * struct schedc_hint_values, indexed by hint in metadata order. An entry holds
 * every hint of its scope: a new one starts from the defaults. */
#define SCHEDC_HINTS_MAP_NAME "schedc_hints"
#define SCHEDC_HINT_TASK 0
#define SCHEDC_HINT_PROCESS 1
#define SCHEDC_LIVE_SECTION ".data.schedc_live"

#define SCHEDC_MAX_PARAMS 32
#define SCHEDC_MAX_HINTS 8
#define SCHEDC_MAX_QUEUES 16
#define SCHEDC_MAX_COUNTERS 32
#define SCHEDC_MAX_TASK_FIELDS 16
#define SCHEDC_MAX_CPU_FIELDS 16
#define SCHEDC_MAX_GLOBAL_FIELDS 16
#define SCHEDC_MAX_AGGREGATES 4   /* per queue */
#define SCHEDC_MAX_SHARDS 64
#define SCHEDC_DEFAULT_SLOTS 64   /* instances per queue when no loader sets it */
#define SCHEDC_MAX_SLOTS 1024
#define SCHEDC_MAX_SCAN 1024      /* tasks an eligibility scan may test */
/* sched_ext_ops.name is SCX_OPS_NAME_LEN (128) bytes with its terminating NUL. */
#define SCHEDC_MAX_POLICY_NAME 127

/* The "infinite" value of a duration tunable or slice (SCX_SLICE_INF). */
#define SCHEDC_INFINITE (~0ULL)

enum schedc_qstat {
	SCHEDC_QSTAT_ENQUEUED = 0,
	SCHEDC_QSTAT_DISPATCHED = 1,
	SCHEDC_QSTAT_PREEMPTIONS = 2,
	SCHEDC_QSTAT_STEALS = 3,
	SCHEDC_QSTAT_BALANCED = 4, /* pulled by the balance rule */
	/* Steals by how far the instance stolen from is (their sum is STEALS):
	 * a CPU of the same LLC, another LLC of the same NUMA node, another node. */
	SCHEDC_QSTAT_STEALS_LLC = 5,
	SCHEDC_QSTAT_STEALS_NODE = 6,
	SCHEDC_QSTAT_STEALS_REMOTE = 7,
	SCHEDC_QSTAT_MOVED = 8, /* moved by a timer's `move` */
	SCHEDC_QSTAT_NR = 9,
};

#define SCHEDC_COUNTER_BASE (SCHEDC_MAX_QUEUES * SCHEDC_QSTAT_NR)
#define SCHEDC_STATS_ENTRIES (SCHEDC_COUNTER_BASE + SCHEDC_MAX_COUNTERS)

/* Custom DSQ id of instance i of queue q. Bit 63 (builtin) is never set. */
#define SCHEDC_DSQ_ID(q, i) ((((unsigned long long)(q) + 1) << 32) | (unsigned long long)(i))

/* The kernel's debug dump kept on an error exit (ops.exit_dump_len). */
#define SCHEDC_EXIT_DUMP_LEN 16384

struct schedc_exit_info {
	long long kind;        /* enum scx_exit_kind; 0 while still running */
	long long exit_code;   /* scx_exit_info.exit_code (SCX_ECODE_* bits) */
	char reason[128];
	char msg[1024];
	char dump[SCHEDC_EXIT_DUMP_LEN]; /* scx_exit_info.dump: tasks, CPUs, DSQs */
};

/* How far apart two CPUs (or two instances of a per-domain queue) are. */
enum schedc_distance {
	SCHEDC_SAME_LLC = 0,
	SCHEDC_SAME_NODE = 1,
	SCHEDC_REMOTE = 2,
};

/* The machine's topology, written by the loader from sysfs. Ids are dense
 * (0 .. nr_llcs - 1 and so on) and indexed by CPU id, except llc_node (by LLC).
 * Until the loader writes it (known == 0), the runtime sees one LLC and one
 * node, and a core per CPU. */
struct schedc_topology {
	unsigned int known;
	unsigned int nr_llcs;
	unsigned int nr_nodes;
	unsigned int nr_cores;
	unsigned short llc[SCHEDC_MAX_SLOTS];
	unsigned short node[SCHEDC_MAX_SLOTS];
	unsigned short core[SCHEDC_MAX_SLOTS];
	unsigned short llc_node[SCHEDC_MAX_SLOTS];
};

struct schedc_hint_key {
	unsigned int id;    /* pid, or tgid for SCHEDC_HINT_PROCESS */
	unsigned int scope; /* SCHEDC_HINT_TASK or SCHEDC_HINT_PROCESS */
};

struct schedc_hint_values {
	unsigned long long value[SCHEDC_MAX_HINTS];
};

#endif /* SCHEDC_ABI_H */
