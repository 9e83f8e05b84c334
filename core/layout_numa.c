/* SPDX-License-Identifier: MIT */
/*
 * layout_numa.c - the rules a layout's nodes: section must keep.
 *
 * Owns: the validation of NUMA nodes: each node's range, the CPUs on
 * it, and the distance table, checked as Linux checks a SLIT (10 to
 * itself, more than 10 to any other node; asymmetric tables pass, as
 * Linux's slit_valid lets them; nodes without memory are refused). Must
 * never: boot anything or print; every problem is a layout_error naming
 * its key ("nodes[1].distance"), for the loader's file:line:col.
 */
#include <inttypes.h>
#include <stdio.h>

#include "core/layout.h"

#define SZ(v) layout_format_size((v), (char[24]){0}, 24)

static const char *node_key(char *key, size_t len, unsigned int i,
			    const char *field)
{
	snprintf(key, len, "nodes[%u].%s", i, field);
	return key;
}

/*
 * Nodes tile memory in address order: node 0 from 0, each from where
 * the one before ends, the last to the end of memory, every bound on a
 * largest buddy block, so that every frame and every block has one node.
 */
static void check_node_span(const struct layout *l, struct layout_errors *e,
			    unsigned int i)
{
	const struct layout_node *n = &l->nodes[i];
	uint64_t want = i ? l->nodes[i - 1].end : 0;
	/* A max_order past the limit is reported elsewhere: no shift by it. */
	uint64_t block = l->max_order > LAYOUT_MAX_ORDER_LIMIT || !l->page_size
				 ? 4096
				 : (uint64_t)l->page_size << l->max_order;
	char key[64];

	if (n->start != want)
		layout_error_add(e, node_key(key, sizeof(key), i, "start"),
				 "node %u starts at 0x%" PRIx64
				 "; it must start where %s (0x%" PRIx64 ")",
				 i, n->start,
				 i ? "the node before it ends" : "memory does",
				 want);
	else if (n->end == n->start)
		layout_error_add(e, node_key(key, sizeof(key), i, "end"),
				 "node %u has no memory (end %s is its start): "
				 "nodes without memory (CPU-only nodes) are "
				 "not supported; give its CPUs to a node with "
				 "memory",
				 i, SZ(n->end));
	else if (n->end < n->start)
		layout_error_add(e, node_key(key, sizeof(key), i, "end"),
				 "end %s is not above start 0x%" PRIx64,
				 SZ(n->end), n->start);
	else if (n->end & (block - 1))
		layout_error_add(e, node_key(key, sizeof(key), i, "end"),
				 "end %s is not aligned to the largest buddy "
				 "block (%s)",
				 SZ(n->end), SZ(block));
	else if (n->end > l->memory)
		layout_error_add(e, node_key(key, sizeof(key), i, "end"),
				 "end %s is outside memory (%s)", SZ(n->end),
				 SZ(l->memory));
	else if (i + 1 == l->nr_nodes && n->end != l->memory)
		layout_error_add(e, node_key(key, sizeof(key), i, "end"),
				 "the last node ends at %s, so the memory "
				 "above it up to %s is in no node",
				 SZ(n->end), SZ(l->memory));
}

/* Every CPU of the machine on exactly one node. */
static void check_node_cpus(const struct layout *l, struct layout_errors *e)
{
	char key[64];

	for (unsigned int cpu = 0; cpu < LAYOUT_MAX_CPUS; cpu++) {
		unsigned int owner = MAX_NUMNODES;

		for (unsigned int i = 0; i < l->nr_nodes; i++) {
			if (!layout_cpu_isset(l->nodes[i].cpus, cpu))
				continue;
			node_key(key, sizeof(key), i, "cpus");
			if (cpu >= l->nr_cpus)
				layout_error_add(e, key,
						 "CPU %u does not exist "
						 "(machine.cpus is %u)",
						 cpu, l->nr_cpus);
			else if (owner < MAX_NUMNODES)
				layout_error_add(e, key,
						 "CPU %u is on node %u already",
						 cpu, owner);
			owner = i;
		}
		if (cpu < l->nr_cpus && owner == MAX_NUMNODES)
			layout_error_add(e, "nodes",
					 "CPU %u is on no node; list it in "
					 "one node's cpus",
					 cpu);
	}
}

/* One node's row of the SLIT, as numa_set_distance and slit_valid. */
static void check_node_distance(const struct layout *l, struct layout_errors *e,
				unsigned int i)
{
	const struct layout_distance *d = &l->nodes[i].distance;
	char key[64];

	node_key(key, sizeof(key), i, "distance");
	if (d->nr != l->nr_nodes) {
		layout_error_add(e, key,
				 "%u distances for %u nodes; give one to "
				 "every node, this one's own included",
				 d->nr, l->nr_nodes);
		return;
	}
	/*
	 * No symmetry asked: slit_valid and numa_set_distance take any
	 * table; each node orders the others by its own row.
	 */
	for (unsigned int j = 0; j < d->nr; j++) {
		if (i == j && d->to[j] != LOCAL_DISTANCE)
			layout_error_add(e, key,
					 "the distance of node %u to itself is "
					 "%u; it must be %u (LOCAL_DISTANCE)",
					 i, d->to[j], LOCAL_DISTANCE);
		else if (i != j && d->to[j] <= LOCAL_DISTANCE)
			layout_error_add(e, key,
					 "the distance from node %u to node %u "
					 "is %u; another node's must be above "
					 "%u",
					 i, j, d->to[j], LOCAL_DISTANCE);
	}
}

void layout_validate_nodes(const struct layout *l, struct layout_errors *errs)
{
	if (l->nr_nodes == 0)
		return;
	if (l->arch != ARCH_X86_64) {
		layout_error_add(errs, "nodes",
				 "NUMA nodes need x86_64 (an i386 machine "
				 "here is one node)");
		return;
	}
	if (l->nr_nodes > MAX_NUMNODES) {
		layout_error_add(errs, "nodes", "%u nodes; at most %u",
				 l->nr_nodes, MAX_NUMNODES);
		return;
	}
	for (unsigned int i = 0; i < l->nr_nodes; i++) {
		check_node_span(l, errs, i);
		check_node_distance(l, errs, i);
	}
	check_node_cpus(l, errs);
}
