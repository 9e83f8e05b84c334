/* SPDX-License-Identifier: MIT */
/*
 * workingset.h - shadow entries and refault detection (workingset.c).
 *
 * Owns: the calls the page cache makes on eviction and on a miss.
 * Must never: be called for a page that is not the page cache's.
 */
#ifndef MM_WORKINGSET_H
#define MM_WORKINGSET_H

#include <stdbool.h>
#include <stdint.h>

#include "core/machine.h"

struct inode;

/* A node's clock: evictions and activations on its lruvec. */
void workingset_age_nonresident(struct machine *m, int nid, unsigned long nr);
/* Reclaim takes page: leave its shadow, age the node. */
void workingset_eviction(struct machine *m, struct inode *inode,
			 struct page *page);
/*
 * A miss at index: true when the page was evicted recently enough to
 * come back active (*workingset: it was active when it left).
 */
bool workingset_refault(struct machine *m, struct inode *inode, uint64_t index,
			bool *workingset);
/* Drop the shadows at or past index from (truncation, the inode's end). */
void workingset_forget(struct machine *m, struct inode *inode, uint64_t from);

/* No shadow where a page is; nr[nid] counts the inode's shadows by node. */
int workingset_check(const struct machine *m, const struct inode *inode,
		     unsigned long *nr, char *why, size_t len);

#endif /* MM_WORKINGSET_H */
