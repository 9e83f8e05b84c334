/* SPDX-License-Identifier: MIT */
/*
 * node.h - /sys/devices/system/node: each node's meminfo and the
 * per-node NUMA events (numastat).
 *
 * Owns: the two reports; they print into s and return 0, -ENOMEM, or
 * -EINVAL for a node that does not exist. Must never change the machine.
 */
#ifndef MM_NODE_H
#define MM_NODE_H

#include "core/machine.h"
#include "core/seq_buf.h"

/* numastat's table: numa_hit ... other_node, a column per node. */
int report_numastat(const struct machine *m, struct seq_buf *s);
/* nodeN/meminfo: "Node N MemTotal: ... kB" and the rest. */
int report_node_meminfo(const struct machine *m, unsigned int nid,
			struct seq_buf *s);

#endif /* MM_NODE_H */
