/* SPDX-License-Identifier: MIT */
/*
 * node.h - /sys/devices/system/node: each node's meminfo and the
 * per-node NUMA events (numastat).
 *
 * Owns: the two reports, each a snapshot (snapshot.h) its text is
 * printed from and mm.proto's Numastat and NodeMeminfo are copied from;
 * they print into s and return 0, -ENOMEM, or -EINVAL for a node that
 * does not exist. Must never change the machine.
 */
#ifndef MM_NODE_H
#define MM_NODE_H

#include "core/machine.h"
#include "core/seq_buf.h"
#include "core/snapshot.h"

/* One node's column of numastat: its zones' NUMA events summed. */
struct numastat_node_snapshot {
	uint64_t node;
	uint64_t numa_hit, numa_miss, numa_foreign, interleave_hit, local_node,
		other_node;
};
struct numastat_snapshot {
	struct numastat_node_snapshot *nodes; /* node 0 up */
	size_t nr_nodes;
};

/* nodeN/meminfo's lines, in kB, from the node's own counters. */
struct node_meminfo_snapshot {
	uint64_t node;
	uint64_t mem_total, mem_free, mem_used, active, inactive, active_anon,
		inactive_anon, active_file, inactive_file, dirty;
	uint64_t swap_cached, unevictable, mlocked, writeback, file_pages,
		mapped, anon_pages, shmem, kernel_stack, page_tables,
		k_reclaimable, slab, s_reclaimable, s_unreclaim,
		anon_huge_pages;
};

/* node_meminfo_report's fill takes the node where others take a pid. */
extern const struct report_type numastat_report, node_meminfo_report;
int numastat_fill(const struct machine *m, int pid, void *snap);
int numastat_show(const void *snap, struct seq_buf *s);
int node_meminfo_fill(const struct machine *m, int nid, void *snap);
int node_meminfo_show(const void *snap, struct seq_buf *s);

/* numastat's table: numa_hit ... other_node, a column per node. */
int report_numastat(const struct machine *m, struct seq_buf *s);
/* nodeN/meminfo: "Node N MemTotal: ... kB" and the rest. */
int report_node_meminfo(const struct machine *m, unsigned int nid,
			struct seq_buf *s);

#endif /* MM_NODE_H */
