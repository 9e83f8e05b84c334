/* SPDX-License-Identifier: MIT */
/*
 * page_isolation.h - MIGRATE_ISOLATE pageblocks and contiguous ranges,
 * as the kernel's mm/page_isolation.c and alloc_contig_range.
 *
 * Owns: isolating a range of pageblocks (their free pages leave every
 * allocator's reach), the test that a range is all free and isolated,
 * undoing it, and alloc_contig_range / free_contig_range on top. Must
 * never: leave a pageblock isolated when a call returns, nor hand out
 * a page of the range that was not free.
 */
#ifndef MM_PAGE_ISOLATION_H
#define MM_PAGE_ISOLATION_H

#include "core/machine.h"

/*
 * Make every pageblock of [start_pfn, end_pfn) (whole pageblocks)
 * MIGRATE_ISOLATE, as start_isolate_page_range: -EBUSY, with nothing
 * changed, when one holds a page that cannot move (has_unmovable_pages)
 * or is isolated already. migratetype is what the caller will restore:
 * MIGRATE_CMA for a CMA area (only CMA blocks may be taken then) or
 * MIGRATE_MOVABLE (CMA blocks are refused).
 */
int start_isolate_page_range(struct machine *m, unsigned long start_pfn,
			     unsigned long end_pfn, int migratetype);

/* Give the pageblocks back their type and their free pages to its lists. */
void undo_isolate_page_range(struct machine *m, unsigned long start_pfn,
			     unsigned long end_pfn, int migratetype);

/* 0 when every page of [start_pfn, end_pfn) is free on an isolated block. */
int test_pages_isolated(struct machine *m, unsigned long start_pfn,
			unsigned long end_pfn);

/*
 * Allocate the frames [start, end) of one zone, as alloc_contig_range:
 * isolate their pageblocks, migrate every movable page out, take the
 * frames (each an order-0 page with one reference) and undo the
 * isolation. -EINVAL for a range outside RAM, empty, or across zones;
 * -EBUSY when a page cannot move (the machine as it was, less moved
 * pages); -ENOMEM when no migration target can be had.
 */
int alloc_contig_range(struct machine *m, unsigned long start,
		       unsigned long end, int migratetype);

/* Free the order-0 pages [pfn, pfn + nr), as free_contig_range. */
void free_contig_range(struct machine *m, unsigned long pfn, unsigned long nr);

#endif /* MM_PAGE_ISOLATION_H */
