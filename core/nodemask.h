/* SPDX-License-Identifier: MIT */
/*
 * nodemask.h - sets of NUMA nodes, as Linux's nodemask_t.
 *
 * Owns: nodemask_t (one word: MAX_NUMNODES is at most 64) and the
 * helpers the allocator and the memory policies use on it. Must never:
 * know what a node holds; a mask is only a set of node ids.
 */
#ifndef MM_NODEMASK_H
#define MM_NODEMASK_H

#include <stdbool.h>

#include "core/layout.h"

_Static_assert(MAX_NUMNODES <= 64, "a nodemask is one word");

typedef struct {
	unsigned long bits;
} nodemask_t;

#define NUMA_NO_NODE (-1)

static inline bool node_isset(int nid, nodemask_t m)
{
	return nid >= 0 && nid < MAX_NUMNODES && ((m.bits >> nid) & 1);
}

static inline void node_set(int nid, nodemask_t *m)
{
	m->bits |= 1UL << nid;
}

static inline bool nodes_empty(nodemask_t m)
{
	return m.bits == 0;
}

static inline bool nodes_equal(nodemask_t a, nodemask_t b)
{
	return a.bits == b.bits;
}

static inline int nodes_weight(nodemask_t m)
{
	return __builtin_popcountl(m.bits);
}

static inline nodemask_t nodemask_of_node(int nid)
{
	return (nodemask_t){1UL << nid};
}

static inline nodemask_t nodes_and(nodemask_t a, nodemask_t b)
{
	return (nodemask_t){a.bits & b.bits};
}

/* The first node of m at or after nid, MAX_NUMNODES when none. */
static inline int next_node(int nid, nodemask_t m)
{
	for (; nid < MAX_NUMNODES; nid++)
		if (node_isset(nid, m))
			return nid;
	return MAX_NUMNODES;
}

static inline int first_node(nodemask_t m)
{
	return next_node(0, m);
}

/* The node after nid in m, wrapping to the first, as next_node_in. */
static inline int next_node_in(int nid, nodemask_t m)
{
	int next = next_node(nid + 1, m);

	return next == MAX_NUMNODES ? first_node(m) : next;
}

/* The n-th node (from 0) of m, as find_nth_bit. */
static inline int nth_node(nodemask_t m, int n)
{
	int nid = first_node(m);

	while (n-- > 0 && nid < MAX_NUMNODES)
		nid = next_node(nid + 1, m);
	return nid;
}

#define for_each_node_mask(nid, m)                                             \
	for ((nid) = first_node(m); (nid) < MAX_NUMNODES;                      \
	     (nid) = next_node((nid) + 1, (m)))

#endif /* MM_NODEMASK_H */
