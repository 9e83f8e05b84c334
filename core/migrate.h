/* SPDX-License-Identifier: MIT */
/*
 * migrate.h - page migration, as the kernel's mm/migrate.c: a user page
 * moves to another frame and every entry that mapped it follows.
 *
 * Owns: the decision whether a page (or a PMD-mapped THP) can move now
 * and the move itself.
 * Must never: leave a page half moved; a page it refuses is untouched.
 */
#ifndef MM_MIGRATE_H
#define MM_MIGRATE_H

#include <stdbool.h>

#include "core/machine.h"
#include "core/page_owner.h" /* MR_*, the reasons */

/*
 * May page be migrated: an order-0 anonymous or shmem page on an LRU
 * list, with no reference beyond its mappings (and its shmem object's)?
 * A page pinned by anyone else is skipped, as Linux skips it.
 */
bool page_migratable(const struct machine *m, const struct page *page);

/*
 * Move src to dst (an order-0 page just allocated, in src's zone for
 * compaction, on another node for a memory policy): the bytes, every entry
 * (found through rmap), its object's slot, LRU place, flags, owner and charge;
 * src is freed. 0, or -EAGAIN when src may not move (nothing changed; dst is
 * the caller's still).
 */
int migrate_page(struct machine *m, struct page *src, struct page *dst,
		 int reason);

/*
 * May the THP at head move whole now: mapped by PMDs, PTEs or both but
 * not partly (not on the deferred split queue), not mlocked, and with
 * no reference beyond its mappings?
 */
bool folio_migratable(const struct machine *m, const struct page *head);

/*
 * Move the THP at src (its head) whole to dst (a block of the same
 * order just allocated), as migrate_pages does a large folio: the bytes,
 * every PMD and PTE that maps it (found through rmap), its map counts, flags,
 * charge and the node counters; src is freed. 0, or -EAGAIN when it may
 * not move (nothing changed; dst is the caller's still).
 */
int migrate_thp(struct machine *m, struct page *src, struct page *dst,
		int reason);

#endif /* MM_MIGRATE_H */
