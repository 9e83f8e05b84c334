/* SPDX-License-Identifier: MIT */
/*
 * mempolicy.c - NUMA memory policies as the allocator reads them.
 *
 * Owns: building and checking a policy (mpol_new), the node an
 * allocation under it prefers and the nodes it may use (policy_nodemask:
 * preferred, bind, interleave by turn or by page offset, weighted
 * interleave), and the NUMA_INTERLEAVE_HIT event, as mm/mempolicy.c.
 * Must never: change a VMA or the task's policy itself (the calls in
 * mempolicy_syscalls.c do); it only advances a task's interleave turn.
 */
#include "core/mempolicy.h"

#include <stdio.h>

#include "core/compiler.h"
#include "core/err.h"
#include "core/mm.h"
#include "core/page_alloc.h"
#include "core/task.h"

int sanitize_mpol_flags(int *mode, unsigned short *flags)
{
	*flags = (unsigned short)(*mode & MPOL_MODE_FLAGS);
	*mode &= ~MPOL_MODE_FLAGS;
	if ((unsigned int)*mode >= MPOL_MAX)
		return -EINVAL;
	if ((*flags & MPOL_F_STATIC_NODES) && (*flags & MPOL_F_RELATIVE_NODES))
		return -EINVAL;
	if ((*flags & MPOL_F_NUMA_BALANCING) && *mode != MPOL_BIND &&
	    *mode != MPOL_PREFERRED_MANY)
		return -EINVAL;
	return 0;
}

/* Node n of orig becomes the (n mod weight)-th node of rel, as
 * mpol_relative_nodemask's fold and onto. */
static nodemask_t relative_nodemask(nodemask_t orig, nodemask_t rel)
{
	int w = nodes_weight(rel), nid;
	nodemask_t ret = {0};

	if (!w)
		return ret;
	for_each_node_mask(nid, orig) node_set(nth_node(rel, nid % w), &ret);
	return ret;
}

/* The mode's own rules on the mask given, as mpol_new. */
static int mpol_check_mask(int *mode, unsigned short flags, nodemask_t nodes)
{
	bool keep = flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES);

	if (*mode == MPOL_DEFAULT)
		return nodes_empty(nodes) ? 0 : -EINVAL;
	if (*mode == MPOL_PREFERRED && nodes_empty(nodes)) {
		if (keep)
			return -EINVAL;
		*mode = MPOL_LOCAL;
		return 0;
	}
	if (*mode == MPOL_LOCAL)
		return nodes_empty(nodes) && !keep ? 0 : -EINVAL;
	return nodes_empty(nodes) ? -EINVAL : 0;
}

int mpol_new(const struct machine *m, int mode, unsigned short flags,
	     nodemask_t nodes, struct mempolicy *pol)
{
	nodemask_t allowed = m->node_online_map, eff;
	int err = mpol_check_mask(&mode, flags, nodes);

	if (err)
		return err;
	*pol = (struct mempolicy){.mode = (unsigned short)mode,
				  .flags = flags,
				  .il_prev = MAX_NUMNODES - 1};
	if (mode == MPOL_DEFAULT || mode == MPOL_LOCAL)
		return 0;
	/* mpol_set_nodemask: only online nodes count. */
	eff = (flags & MPOL_F_RELATIVE_NODES)
		      ? relative_nodemask(nodes, allowed)
		      : nodes_and(nodes, allowed);
	if (nodes_empty(eff))
		return -EINVAL;
	if (flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES))
		pol->user_nodemask = nodes;
	pol->nodes = mode == MPOL_PREFERRED ? nodemask_of_node(first_node(eff))
					    : eff;
	return 0;
}

bool mpol_sound(const struct machine *m, const struct mempolicy *pol)
{
	if (pol->mode >= MPOL_MAX)
		return false;
	if (pol->mode == MPOL_DEFAULT || pol->mode == MPOL_LOCAL)
		return nodes_empty(pol->nodes);
	if (nodes_empty(pol->nodes) ||
	    !nodes_equal(nodes_and(pol->nodes, m->node_online_map), pol->nodes))
		return false;
	return pol->mode != MPOL_PREFERRED || nodes_weight(pol->nodes) == 1;
}

bool mpol_equal(const struct mempolicy *a, const struct mempolicy *b)
{
	if (a->mode != b->mode || a->flags != b->flags)
		return false;
	if ((a->flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)) &&
	    !nodes_equal(a->user_nodemask, b->user_nodemask))
		return false;
	return a->mode == MPOL_LOCAL || nodes_equal(a->nodes, b->nodes);
}

nodemask_t get_policy_nodemask(const struct mempolicy *pol)
{
	if (!pol || pol->mode == MPOL_DEFAULT || pol->mode == MPOL_LOCAL)
		return (nodemask_t){0};
	return pol->nodes;
}

static unsigned int il_weight(const struct machine *m, int nid)
{
	return m->iw_table[nid] ? m->iw_table[nid] : 1;
}

/* The task's next interleave turn, as interleave_nodes. */
static int interleave_nodes(struct mempolicy *pol)
{
	int nid = next_node_in(pol->il_prev, pol->nodes);

	if (nid < MAX_NUMNODES)
		pol->il_prev = nid;
	return nid;
}

/* Each node takes its weight of turns, as weighted_interleave_nodes. */
static int weighted_interleave_nodes(const struct machine *m,
				     struct mempolicy *pol)
{
	int nid = pol->il_prev;

	if (!pol->il_weight || !node_isset(nid, pol->nodes)) {
		nid = next_node_in(nid, pol->nodes);
		if (nid >= MAX_NUMNODES)
			return nid;
		pol->il_prev = nid;
		pol->il_weight = il_weight(m, nid);
	}
	pol->il_weight--;
	return nid;
}

int mpol_interleave_nid(const struct machine *m, const struct mempolicy *pol,
			unsigned long ilx)
{
	unsigned long total = 0, target;
	int nid;

	if (nodes_empty(pol->nodes))
		return numa_node_id(m);
	if (pol->mode == MPOL_INTERLEAVE)
		return nth_node(
			pol->nodes,
			(int)(ilx % (unsigned long)nodes_weight(pol->nodes)));
	for_each_node_mask(nid, pol->nodes) total += il_weight(m, nid);
	target = ilx % total;
	nid = first_node(pol->nodes);
	while (target >= il_weight(m, nid)) {
		target -= il_weight(m, nid);
		nid = next_node_in(nid, pol->nodes);
	}
	return nid;
}

/*
 * The nodes an allocation under pol may use (NULL: any) and, through
 * *nid, the node whose zonelist it walks, as policy_nodemask. Bind
 * holds only for allocations that may use policy_zone, as
 * apply_policy_zone: a DMA32 request on a NUMA machine ignores it.
 */
static const nodemask_t *policy_nodemask(struct machine *m, gfp_t gfp,
					 struct mempolicy *pol,
					 unsigned long ilx, int *nid)
{
	switch (pol->mode) {
	case MPOL_PREFERRED:
		*nid = first_node(pol->nodes);
		return NULL;
	case MPOL_PREFERRED_MANY:
		return &pol->nodes;
	case MPOL_BIND:
		if (m->gfp_zone_table[gfp & GFP_ZONEMASK] >=
		    (int)m->policy_zone)
			return &pol->nodes;
		return NULL;
	case MPOL_INTERLEAVE:
		*nid = ilx == NO_INTERLEAVE_INDEX
			       ? interleave_nodes(pol)
			       : mpol_interleave_nid(m, pol, ilx);
		return NULL;
	case MPOL_WEIGHTED_INTERLEAVE:
		*nid = ilx == NO_INTERLEAVE_INDEX
			       ? weighted_interleave_nodes(m, pol)
			       : mpol_interleave_nid(m, pol, ilx);
		return NULL;
	}
	return NULL;
}

/* The preferred nodes without reclaim first, then any node. */
static struct page *alloc_pages_preferred_many(struct machine *m, gfp_t gfp,
					       unsigned int order, int nid,
					       const nodemask_t *nodemask)
{
	gfp_t first =
		(gfp | __GFP_NOWARN) & ~(__GFP_DIRECT_RECLAIM | __GFP_NOFAIL);
	struct page *page = __alloc_pages(m, first, order, nid, nodemask);

	if (IS_ERR(page))
		page = __alloc_pages(m, gfp, order, nid, NULL);
	return page;
}

/*
 * The hugepage filter of alloc_pages_mpol: a PMD-sized THP for a fault
 * or a migration (an ilx; a plain alloc_pages has none) under a policy
 * that does not interleave and allows nid (the default and local ones
 * among them) is tried on nid alone first, without reclaim; remote
 * memory would cost more than the huge page gains.
 * HPAGE_PMD_ORDER is the pageblock order on this machine's arches.
 */
static bool thp_local_first(const struct machine *m, unsigned int order,
			    const struct mempolicy *pol, unsigned long ilx,
			    int nid, const nodemask_t *nodemask)
{
	if (order != m->pageblock_order || ilx == NO_INTERLEAVE_INDEX)
		return false;
	if (pol && (pol->mode == MPOL_INTERLEAVE ||
		    pol->mode == MPOL_WEIGHTED_INTERLEAVE))
		return false;
	return !nodemask || node_isset(nid, *nodemask);
}

struct page *alloc_pages_mpol(struct machine *m, gfp_t gfp, unsigned int order,
			      struct mempolicy *pol, unsigned long ilx, int nid)
{
	const nodemask_t *nodemask = NULL;
	struct page *page;

	if (pol && pol->mode != MPOL_DEFAULT && pol->mode != MPOL_LOCAL) {
		nodemask = policy_nodemask(m, gfp, pol, ilx, &nid);
		if (nid >= (int)m->nr_node_ids)
			nid = numa_node_id(m);
		if (pol->mode == MPOL_PREFERRED_MANY)
			return alloc_pages_preferred_many(m, gfp, order, nid,
							  nodemask);
	}
	if (thp_local_first(m, order, pol, ilx, nid, nodemask)) {
		page = __alloc_pages(m, gfp | __GFP_THISNODE | __GFP_NORETRY,
				     order, nid, NULL);
		/* Without direct reclaim, no remote THP: the fault falls
		 * back to small pages. */
		if (!IS_ERR(page) || !(gfp & __GFP_DIRECT_RECLAIM))
			return page;
	}
	page = __alloc_pages(m, gfp, order, nid, nodemask);
	if (pol &&
	    (pol->mode == MPOL_INTERLEAVE ||
	     pol->mode == MPOL_WEIGHTED_INTERLEAVE) &&
	    !IS_ERR(page) && page_to_nid(page) == nid)
		page_zone(m, page)->vm_numa_event[NUMA_INTERLEAVE_HIT]++;
	return page;
}

struct mempolicy *get_vma_policy(struct machine *m, struct vm_area_struct *vma,
				 uint64_t addr, unsigned int order,
				 unsigned long *ilx)
{
	struct mempolicy *pol = &vma->vm_policy;

	/* No VMA policy: the policy of the task whose mm it is. */
	if (pol->mode == MPOL_DEFAULT) {
		struct task_struct *t = find_task_by_pid(m, vma->vm_mm->pid);

		pol = t ? &t->mempolicy : NULL;
	}

	*ilx = 0; /* a VMA's allocation: the hugepage filter applies */
	if (pol && (pol->mode == MPOL_INTERLEAVE ||
		    pol->mode == MPOL_WEIGHTED_INTERLEAVE))
		*ilx = (unsigned long)(vma->vm_pgoff >> order) +
		       (unsigned long)((addr - vma->vm_start) >>
				       (m->page_shift + order));
	return pol;
}

struct page *vma_alloc_pages(struct machine *m, gfp_t gfp, unsigned int order,
			     struct vm_area_struct *vma, uint64_t addr)
{
	unsigned long ilx;
	struct mempolicy *pol = get_vma_policy(m, vma, addr, order, &ilx);

	return alloc_pages_mpol(m, gfp, order, pol, ilx, numa_node_id(m));
}

const char *mpol_to_str(const struct mempolicy *pol, char *buf, size_t len)
{
	static const char *const modes[MPOL_MAX] = {
		[MPOL_DEFAULT] = "default",
		[MPOL_PREFERRED] = "prefer",
		[MPOL_BIND] = "bind",
		[MPOL_INTERLEAVE] = "interleave",
		[MPOL_LOCAL] = "local",
		[MPOL_PREFERRED_MANY] = "prefer (many)",
		[MPOL_WEIGHTED_INTERLEAVE] = "weighted interleave",
	};
	unsigned short mode = pol ? pol->mode : MPOL_DEFAULT;
	unsigned short flags = pol ? pol->flags : 0;
	char nodes[32];
	size_t used;

	used = (size_t)snprintf(buf, len, "%s", modes[mode]);
	if ((flags & MPOL_MODE_FLAGS) && used < len)
		used += (size_t)snprintf(
			buf + used, len - used, "=%s%s%s",
			(flags & MPOL_F_STATIC_NODES)	  ? "static"
			: (flags & MPOL_F_RELATIVE_NODES) ? "relative"
							  : "",
			(flags & MPOL_F_NUMA_BALANCING) &&
					(flags & (MPOL_F_STATIC_NODES |
						  MPOL_F_RELATIVE_NODES))
				? "|"
				: "",
			(flags & MPOL_F_NUMA_BALANCING) ? "balancing" : "");
	nodelist_format(get_policy_nodemask(pol), nodes, sizeof(nodes));
	if (nodes[0] && used < len)
		snprintf(buf + used, len - used, ":%s", nodes);
	return buf;
}
