/* SPDX-License-Identifier: MIT */
/*
 * mempolicy_syscalls.h - set_mempolicy, get_mempolicy, mbind,
 * migrate_pages and move_pages on one task, as the kernel's.
 *
 * Owns: the calls' rules and errno; uapi.c finds the task and reads the
 * request. Must never: be reached for another session's task.
 */
#ifndef MM_MEMPOLICY_SYSCALLS_H
#define MM_MEMPOLICY_SYSCALLS_H

#include <stddef.h>

#include "core/mempolicy.h"

struct task_struct;

/*
 * A user nodemask of maxnode - 1 bits in nwords words, as get_nodes:
 * -EINVAL for maxnode above a page of bits or a node above MAX_NUMNODES
 * set, -EFAULT when fewer words came than maxnode needs.
 */
int get_nodes(const struct machine *m, const uint64_t *nmask, size_t nwords,
	      uint64_t maxnode, nodemask_t *nodes);
/* The words get_mempolicy writes for maxnode (out: a page at most). */
int copy_nodes_to_user(const struct machine *m, uint64_t maxnode,
		       nodemask_t nodes, uint64_t *out, size_t *nwords);

int kernel_set_mempolicy(struct machine *m, struct task_struct *t, int mode,
			 const uint64_t *nmask, size_t nwords,
			 uint64_t maxnode);
int kernel_get_mempolicy(struct machine *m, struct task_struct *t, int *policy,
			 nodemask_t *nodes, uint64_t addr, unsigned long flags);
/* admin: the caller may use MPOL_MF_MOVE_ALL (CAP_SYS_NICE). */
long kernel_mbind(struct machine *m, struct task_struct *t, uint64_t start,
		  uint64_t len, int mode, const uint64_t *nmask, size_t nwords,
		  uint64_t maxnode, unsigned long flags, bool admin);
/* The pages that could not be moved, or -errno. */
long kernel_migrate_pages(struct machine *m, struct task_struct *t,
			  uint64_t maxnode, const uint64_t *old_nodes,
			  size_t nold, const uint64_t *new_nodes, size_t nnew);
/*
 * As move_pages(2) (do_pages_move): 0, -errno, or the folios not moved
 * plus the pages not looked at (a THP split to move counts as not
 * moved), status then left as it was for the pages of the batch that
 * failed and those after. nodes NULL: only each page's node in status.
 */
long kernel_move_pages(struct machine *m, struct task_struct *t,
		       unsigned long nr, const uint64_t *pages,
		       const int32_t *nodes, int32_t *status, int flags,
		       bool admin);

#endif /* MM_MEMPOLICY_SYSCALLS_H */
