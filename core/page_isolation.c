/* SPDX-License-Identifier: MIT */
/*
 * page_isolation.c - MIGRATE_ISOLATE pageblocks, as the kernel's
 * mm/page_isolation.c, and the contiguous allocation built on them,
 * alloc_contig_range (which Linux keeps in page_alloc.c; here it sits
 * beside the isolation it drives, since page_alloc.c is below
 * migration).
 *
 * Owns: has_unmovable_pages, start/undo_isolate_page_range,
 * test_pages_isolated, alloc_contig_range and free_contig_range. The
 * allocator never takes from an isolated block (no request asks for
 * MIGRATE_ISOLATE and no fallback leads there), pages freed into one
 * stay on its lists, and compaction passes it by. Must never: return
 * with a pageblock still isolated, or take a frame that was in use.
 */
#include "core/page_isolation.h"

#include <errno.h>

#include "core/err.h"
#include "core/gfp.h"
#include "core/migrate.h"
#include "core/page_alloc.h"
#include "core/sparse.h"

/* The head of the block (free, per-CPU or allocated) holding pfn. */
static unsigned long block_start(const struct machine *m, unsigned long pfn)
{
	const uint32_t state = (1u << PG_buddy) | (1u << PG_pcp) |
			       (1u << PG_head) | (1u << PG_reserved) |
			       (1u << PG_hole);
	unsigned long head;

	if (pfn_to_page(m, pfn)->flags & state)
		return pfn;
	head = find_block_head(m, pfn);
	return head == ULONG_MAX ? pfn : head;
}

/* Pages one walk step covers: a block's, or one page. */
static unsigned long block_pages(const struct page *page)
{
	if (page->flags & ((1u << PG_buddy) | (1u << PG_pcp) | (1u << PG_head)))
		return 1UL << page->private;
	return 1;
}

/*
 * The first page of [start, end) that cannot be moved away, or
 * ULONG_MAX, as has_unmovable_pages: free pages (on the buddy or the
 * per-CPU lists) and user pages on an LRU list may be; reserved,
 * kernel (slab, page tables, kernel allocations) and hole frames may
 * not. A CMA block is fine only for a CMA caller.
 */
static unsigned long has_unmovable_pages(const struct machine *m,
					 unsigned long start, unsigned long end,
					 int migratetype)
{
	int block_mt = get_pfnblock_migratetype(m, start);

	if (block_mt == MIGRATE_CMA)
		return migratetype == MIGRATE_CMA ? ULONG_MAX : start;
	for (unsigned long pfn = block_start(m, start); pfn < end;) {
		const struct page *page = pfn_to_page(m, pfn);

		if (PageFlag(page, PG_reserved) || PageFlag(page, PG_hole))
			return pfn;
		if (PageFlag(page, PG_buddy) || PageFlag(page, PG_pcp) ||
		    (PageFlag(page, PG_head) && PageFlag(page, PG_lru))) {
			pfn += block_pages(page);
			continue;
		}
		if (PageFlag(page, PG_head))
			return pfn;
		pfn++; /* inside a block already judged */
	}
	return ULONG_MAX;
}

static void unset_migratetype_isolate(struct machine *m, struct zone *zone,
				      unsigned long pfn, int migratetype)
{
	putback_isolated_range(m, zone, pfn, pfn + pageblock_nr_pages(m),
			       migratetype);
	zone->nr_isolate_pageblock--;
}

/*
 * One pageblock: refuse it when isolated already or holding an
 * unmovable page of [start, end); else split the free block it lies in
 * (if larger) and move its free pages to the isolate lists.
 */
static int set_migratetype_isolate(struct machine *m, unsigned long pfn,
				   unsigned long start, unsigned long end,
				   int migratetype)
{
	struct zone *zone = page_zone(m, pfn_to_page(m, pfn));
	unsigned long from = pfn > start ? pfn : start;
	unsigned long to = pfn + pageblock_nr_pages(m);
	unsigned long bad;

	if (get_zone_pfnblock_migratetype(m, zone, pfn) == MIGRATE_ISOLATE)
		return -EBUSY;
	bad = has_unmovable_pages(m, from, to < end ? to : end, migratetype);
	if (bad != ULONG_MAX)
		return -EBUSY;
	split_free_block_at(m, zone, pfn);
	if (move_freepages_block(m, zone, pfn, MIGRATE_ISOLATE) < 0)
		return -EBUSY;
	zone->nr_isolate_pageblock++;
	return 0;
}

int start_isolate_page_range(struct machine *m, unsigned long start_pfn,
			     unsigned long end_pfn, int migratetype)
{
	unsigned long pb = pageblock_start_pfn(m, start_pfn);

	for (unsigned long pfn = pb; pfn < end_pfn;
	     pfn += pageblock_nr_pages(m)) {
		int err = set_migratetype_isolate(m, pfn, start_pfn, end_pfn,
						  migratetype);

		if (err) {
			undo_isolate_page_range(m, pb, pfn, migratetype);
			return err;
		}
	}
	/* Free pages cached per CPU go to their (isolated) buddy lists. */
	drain_all_pages(m);
	return 0;
}

void undo_isolate_page_range(struct machine *m, unsigned long start_pfn,
			     unsigned long end_pfn, int migratetype)
{
	for (unsigned long pfn = pageblock_start_pfn(m, start_pfn);
	     pfn < end_pfn; pfn += pageblock_nr_pages(m)) {
		struct zone *zone = page_zone(m, pfn_to_page(m, pfn));

		if (get_zone_pfnblock_migratetype(m, zone, pfn) ==
		    MIGRATE_ISOLATE)
			unset_migratetype_isolate(m, zone, pfn, migratetype);
	}
}

int test_pages_isolated(struct machine *m, unsigned long start_pfn,
			unsigned long end_pfn)
{
	for (unsigned long pfn = block_start(m, start_pfn); pfn < end_pfn;) {
		const struct page *page = pfn_to_page(m, pfn);

		if (!PageFlag(page, PG_buddy) ||
		    get_pfnblock_migratetype(m, pfn) != MIGRATE_ISOLATE)
			return -EBUSY;
		pfn += 1UL << page->private;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* alloc_contig_range                                                  */

/*
 * Move one user page out of the range: a target from anywhere its zone
 * may give (never an isolated block), as alloc_migration_target does.
 * 0 when it moved or went away meanwhile (reclaim may free it).
 */
static int migrate_out(struct machine *m, struct page *src)
{
	enum zone_type z = page_zonenum(src);
	gfp_t gfp = (z == ZONE_HIGHMEM || z == ZONE_MOVABLE
			     ? GFP_HIGHUSER_MOVABLE
			     : GFP_USER | __GFP_MOVABLE) |
		    __GFP_RETRY_MAYFAIL | __GFP_NOWARN;
	struct page *dst;

	if (!page_migratable(m, src))
		return -EBUSY;
	dst = alloc_pages_node(m, page_to_nid(src), gfp, 0);
	if (IS_ERR(dst))
		return -ENOMEM;
	if (!PageFlag(src, PG_lru)) {
		__free_pages(m, dst, 0);
		return 0;
	}
	if (migrate_page(m, src, dst, MR_CONTIG_RANGE)) {
		__free_pages(m, dst, 0);
		m->vm_events[PGMIGRATE_FAIL]++;
		return -EBUSY;
	}
	m->vm_events[PGMIGRATE_SUCCESS]++;
	return 0;
}

/* Every page in use in [start, end) migrated, as __alloc_contig_migrate_range.
 */
static int migrate_range(struct machine *m, unsigned long start,
			 unsigned long end)
{
	for (unsigned long pfn = block_start(m, start); pfn < end;) {
		struct page *page = pfn_to_page(m, pfn);
		int err;

		if (PageFlag(page, PG_buddy)) {
			pfn += 1UL << page->private;
			continue;
		}
		if (!PageFlag(page, PG_head)) {
			pfn++;
			continue;
		}
		err = migrate_out(m, page);
		if (err)
			return err;
		pfn++;
	}
	return 0;
}

/* Take every free block of [start, end) as order-0 pages; free the rest. */
static void take_free_range(struct machine *m, unsigned long start,
			    unsigned long end, unsigned long *outer_start,
			    unsigned long *outer_end)
{
	unsigned long pfn = block_start(m, start);

	*outer_start = pfn;
	while (pfn < end) {
		struct page *page = pfn_to_page(m, pfn);

		pfn += isolate_free_block(m, page, page->private);
	}
	*outer_end = pfn;
}

/* The range is one zone's, all RAM, and its sections written. */
static int check_contig_range(struct machine *m, unsigned long start,
			      unsigned long end, struct zone **zonep)
{
	struct zone *zone;

	if (start >= end || end > m->max_pfn)
		return mm_refuse(m, BAD_PFN, -EINVAL,
				 "pfn range [%#lx, %#lx) is empty or outside "
				 "RAM (%lu frames)",
				 start, end, m->max_pfn);
	zone = NULL;
	for (unsigned int z = 0; z < nr_zone_slots(m); z++)
		if (m->zones[z].spanned_pages &&
		    m->zones[z].zone_start_pfn <= start &&
		    end <= zone_end_pfn(&m->zones[z]))
			zone = &m->zones[z];
	if (!zone || !managed_zone(zone))
		return mm_refuse(m, BAD_PFN, -EINVAL,
				 "pfn range [%#lx, %#lx) is not inside one "
				 "zone",
				 start, end);
	/* Deferred sections are written first, as the walk needs them. */
	for (unsigned long pfn = start; pfn < end; pfn++)
		while (!pfn_memmap_written(m, pfn))
			if (!deferred_grow_zone(m, zone))
				break;
	*zonep = zone;
	return 0;
}

int alloc_contig_range(struct machine *m, unsigned long start,
		       unsigned long end, int migratetype)
{
	unsigned long pb_start = pageblock_start_pfn(m, start);
	unsigned long pb_end =
		pageblock_start_pfn(m, end + pageblock_nr_pages(m) - 1);
	unsigned long outer_start, outer_end;
	struct zone *zone;
	int err = check_contig_range(m, start, end, &zone);

	if (err)
		return err;
	if (pb_start < zone->zone_start_pfn || pb_end > zone_end_pfn(zone))
		return mm_refuse(m, BAD_PFN, -EINVAL,
				 "pfn range [%#lx, %#lx): its pageblocks "
				 "cross the zone's edge",
				 start, end);
	err = start_isolate_page_range(m, pb_start, pb_end, migratetype);
	if (err)
		return mm_refuse(m, BAD_NONE, err,
				 "pfn range [%#lx, %#lx) holds a page that "
				 "cannot move",
				 start, end);
	err = migrate_range(m, start, end);
	if (!err) {
		drain_all_pages(m);
		err = test_pages_isolated(m, start, end);
	}
	if (err) {
		undo_isolate_page_range(m, pb_start, pb_end, migratetype);
		return mm_refuse(m, BAD_NONE, err, "pfn range [%#lx, %#lx): %s",
				 start, end,
				 err == -ENOMEM ? "no migration target"
						: "a page did not move");
	}
	take_free_range(m, start, end, &outer_start, &outer_end);
	undo_isolate_page_range(m, pb_start, pb_end, migratetype);
	free_contig_range(m, outer_start, start - outer_start);
	free_contig_range(m, end, outer_end - end);
	return 0;
}

void free_contig_range(struct machine *m, unsigned long pfn, unsigned long nr)
{
	for (; nr; nr--, pfn++)
		__free_pages(m, pfn_to_page(m, pfn), 0);
}
