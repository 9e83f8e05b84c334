/* SPDX-License-Identifier: MIT */
/*
 * uapi_numa.c - the NUMA calls a client process may make: its memory
 * policy (set_mempolicy, get_mempolicy, mbind), moving its pages
 * (migrate_pages, move_pages) and the weighted-interleave weights.
 *
 * Owns: finding the process a call names (the caller or one it forked)
 * and bounding what a request may ask (nodemasks of a page of bits at
 * most, move_pages' count). Must never: let a session reach a process of
 * another session, or run unbounded work for one request.
 */
#include <errno.h>

#include "core/err.h"
#include "core/mempolicy_syscalls.h"
#include "core/task.h"
#include "core/uapi.h"
#include "core/uapi_task.h"

/* A nodemask of more words than a page of bits needs is no nodemask. */
#define NMASK_WORDS_MAX 513

static int nmask_bounded(struct machine *m, size_t nwords)
{
	if (nwords > NMASK_WORDS_MAX)
		return mm_refuse(m, BAD_NONE, -EINVAL,
				 "a nodemask of %zu words is above a page "
				 "of bits",
				 nwords);
	return 0;
}

int uapi_set_mempolicy(struct machine *m, int pid, int mode,
		       const uint64_t *nmask, size_t nwords, uint64_t maxnode)
{
	struct task_struct *t;
	int err = nmask_bounded(m, nwords);

	if (!err)
		err = vm_task(m, pid, &t);
	if (err)
		return err;
	return vm_done(
		m, t, kernel_set_mempolicy(m, t, mode, nmask, nwords, maxnode));
}

int uapi_get_mempolicy(struct machine *m, int pid, uint64_t maxnode,
		       uint64_t addr, uint32_t flags, bool want_mask,
		       int32_t *policy, uint64_t *nmask_out, size_t *nwords)
{
	struct task_struct *t;
	nodemask_t nodes;
	int err, pol = 0;

	*nwords = 0;
	/* A mask shorter than the machine's nodes cannot hold the answer. */
	if (want_mask && maxnode < m->nr_node_ids)
		return mm_refuse(m, BAD_NONE, -EINVAL,
				 "get_mempolicy: maxnode %llu is below the "
				 "%u nodes",
				 (unsigned long long)maxnode, m->nr_node_ids);
	err = vm_task(m, pid, &t);
	if (err)
		return err;
	err = kernel_get_mempolicy(m, t, &pol, &nodes, addr, flags);
	if (!err && want_mask)
		err = copy_nodes_to_user(m, maxnode, nodes, nmask_out, nwords);
	*policy = pol;
	return vm_done(m, t, err);
}

int uapi_mbind(struct machine *m, int pid, uint64_t addr, uint64_t len,
	       int mode, const uint64_t *nmask, size_t nwords, uint64_t maxnode,
	       uint32_t flags, bool admin)
{
	struct task_struct *t;
	int err = nmask_bounded(m, nwords);

	if (!err)
		err = vm_task(m, pid, &t);
	if (err)
		return err;
	/* Bounded: the pages it looks at are the process's own mapped ones. */
	return vm_done(m, t,
		       (int)kernel_mbind(m, t, addr, len, mode, nmask, nwords,
					 maxnode, flags, admin));
}

int uapi_migrate_pages(struct machine *m, int pid, uint64_t maxnode,
		       const uint64_t *old_nodes, size_t nold,
		       const uint64_t *new_nodes, size_t nnew, uint64_t *left)
{
	struct task_struct *t;
	long n;
	int err = nmask_bounded(m, nold > nnew ? nold : nnew);

	if (!err)
		err = vm_task(m, pid, &t);
	if (err)
		return err;
	n = kernel_migrate_pages(m, t, maxnode, old_nodes, nold, new_nodes,
				 nnew);
	*left = n > 0 ? (uint64_t)n : 0;
	return vm_done(m, t, n < 0 ? (int)n : 0);
}

int uapi_move_pages(struct machine *m, int pid, size_t nr,
		    const uint64_t *pages, const int32_t *nodes,
		    int32_t *status, int flags, bool admin)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	/* At most nr * 2: an int holds it for any count mmd lets in. */
	return vm_done(m, t,
		       (int)kernel_move_pages(m, t, nr, pages, nodes, status,
					      flags, admin));
}

int uapi_admin_weighted_interleave(struct machine *m, int nid, uint32_t weight)
{
	/* As the sysfs file: a node that exists, a weight of 1 to 255. */
	if (!node_online(m, nid) || weight < 1 || weight > 255)
		return mm_refuse(m, BAD_NONE, -EINVAL,
				 "weighted_interleave: node %d weight %u "
				 "(nodes 0-%u, weights 1-255)",
				 nid, weight, m->nr_node_ids - 1);
	m->iw_table[nid] = (uint8_t)weight;
	return 0;
}
