/* SPDX-License-Identifier: MIT */
/*
 * compaction.c - memory compaction, as the kernel's mm/compaction.c.
 *
 * Owns: the two scanners of compact_zone (the migrate scanner walks a
 * zone's pageblocks up from its start, isolating pages that may move;
 * the free scanner walks down from its end, isolating free blocks as
 * order-0 targets), the end conditions (__compact_finished), the
 * suitability checks (compaction_suitable, fragmentation_index against
 * extfrag_threshold), deferral, direct compaction and compact_memory.
 * Scanners start from the zone's ends on every run (Linux caches where
 * they stopped; nothing runs between our runs that would make that
 * matter for correctness). Must never: migrate into a pageblock it
 * took pages from, or keep an isolated free page after a run ends.
 */
#include "core/compaction.h"

#include "core/list.h"
#include "core/migrate.h"
#include "core/page_alloc.h"
#include "core/sparse.h"

#define COMPACT_CLUSTER_MAX	32 /* pages isolated for one migrate pass */
#define COMPACT_MAX_DEFER_SHIFT 6

enum migrate_mode {
	MIGRATE_ASYNC,
	MIGRATE_SYNC_LIGHT,
	MIGRATE_SYNC,
};

struct compact_control {
	struct zone *zone;
	int order; /* -1: compact the whole zone (compact_memory) */
	int migratetype;
	enum migrate_mode mode;
	bool direct_compaction;
	unsigned int alloc_flags;
	enum zone_type highest_zoneidx;
	unsigned long migrate_pfn; /* next pfn the migrate scanner looks at */
	unsigned long free_pfn;	   /* where the free scanner resumes */
	unsigned long migratepages[COMPACT_CLUSTER_MAX];
	unsigned int nr_migratepages;
	struct list_head freepages; /* isolated order-0 targets */
	unsigned long nr_freepages;
	bool watermark_failed; /* the free scanner may take no more */
	unsigned long total_migrate_scanned, total_free_scanned;
};

/* ------------------------------------------------------------------ */
/* Deferral                                                            */

void defer_compaction(struct zone *zone, int order)
{
	zone->compact_considered = 0;
	if (++zone->compact_defer_shift > COMPACT_MAX_DEFER_SHIFT)
		zone->compact_defer_shift = COMPACT_MAX_DEFER_SHIFT;
	if (order < zone->compact_order_failed)
		zone->compact_order_failed = order;
}

bool compaction_deferred(struct zone *zone, int order)
{
	unsigned int defer_limit = 1U << zone->compact_defer_shift;

	if (order < zone->compact_order_failed)
		return false;
	if (++zone->compact_considered >= defer_limit) {
		zone->compact_considered = defer_limit;
		return false;
	}
	return true;
}

void compaction_defer_reset(struct zone *zone, int order, bool alloc_success)
{
	if (alloc_success) {
		zone->compact_considered = 0;
		zone->compact_defer_shift = 0;
	}
	if (order >= zone->compact_order_failed)
		zone->compact_order_failed = order + 1;
}

/* ------------------------------------------------------------------ */
/* The scanners                                                        */

static bool compact_scanners_met(const struct machine *m,
				 const struct compact_control *cc)
{
	return (cc->free_pfn >> m->pageblock_order) <=
	       (cc->migrate_pfn >> m->pageblock_order);
}

/* May the migrate scanner take pages from this pageblock? */
static bool suitable_migration_source(const struct machine *m,
				      const struct compact_control *cc,
				      unsigned long pfn)
{
	int block_mt;

	/* An unwritten section is free max-order blocks: nothing to move. */
	if (!pfn_memmap_written(m, pfn))
		return false;
	if (cc->mode != MIGRATE_ASYNC || !cc->direct_compaction)
		return true;
	block_mt = get_pfnblock_migratetype(m, pfn);
	if (cc->migratetype == MIGRATE_MOVABLE)
		return block_mt == MIGRATE_MOVABLE || block_mt == MIGRATE_CMA;
	return block_mt == cc->migratetype;
}

/* May the free scanner take free pages from this pageblock? */
static bool suitable_migration_target(const struct machine *m,
				      const struct compact_control *cc,
				      unsigned long pfn)
{
	const struct page *page = pfn_to_page(m, pfn);
	int block_mt;

	/* Unwritten sections hold only blocks too large to split. */
	if (!pfn_memmap_written(m, pfn))
		return false;
	/* A free block as large as the goal is left as it is. */
	if (PageFlag(page, PG_buddy) &&
	    page->private >= (cc->order > 0 ? (unsigned int)cc->order
					    : m->pageblock_order))
		return false;
	block_mt = get_pfnblock_migratetype(m, pfn);
	return block_mt == MIGRATE_MOVABLE || block_mt == MIGRATE_CMA;
}

/*
 * isolate_migratepages: in the first pageblock from migrate_pfn that
 * the mode allows, up to COMPACT_CLUSTER_MAX pages that may migrate;
 * one pageblock per call, so that the caller sees each block's end.
 */
static void isolate_migratepages(struct machine *m, struct compact_control *cc)
{
	unsigned long pfn = cc->migrate_pfn, end, scanned = 0;

	for (;; pfn = cc->migrate_pfn = end) {
		end = pageblock_start_pfn(m, pfn) + pageblock_nr_pages(m);
		if (end > zone_end_pfn(cc->zone))
			end = zone_end_pfn(cc->zone);
		if (compact_scanners_met(m, cc))
			return;
		if (suitable_migration_source(m, cc, pfn))
			break;
	}
	for (; pfn < end && cc->nr_migratepages < COMPACT_CLUSTER_MAX; pfn++) {
		const struct page *page = pfn_to_page(m, pfn);

		scanned++;
		if (PageFlag(page, PG_buddy)) {
			pfn += (1UL << page->private) - 1;
			continue;
		}
		if (page_migratable(m, page))
			cc->migratepages[cc->nr_migratepages++] = pfn;
	}
	cc->migrate_pfn = pfn;
	cc->total_migrate_scanned += scanned;
	m->vm_events[COMPACTMIGRATE_SCANNED] += scanned;
	m->vm_events[COMPACTISOLATED] += cc->nr_migratepages;
}

/* Isolate the free blocks of [pfn, end) until there are enough. */
static unsigned long isolate_freepages_block(struct machine *m,
					     struct compact_control *cc,
					     unsigned long pfn,
					     unsigned long end)
{
	unsigned long scanned = 0;

	for (; pfn < end && cc->nr_freepages < cc->nr_migratepages; pfn++) {
		struct page *page = pfn_to_page(m, pfn);
		unsigned int order = page->private;
		unsigned long got;

		scanned++;
		if (!PageFlag(page, PG_buddy))
			continue;
		got = isolate_free_block(m, page, order);
		if (!got) { /* the zone is at its min watermark: stop */
			cc->watermark_failed = true;
			break;
		}
		for (unsigned long i = 0; i < got; i++)
			list_add_tail(&page[i].lru, &cc->freepages);
		cc->nr_freepages += got;
		m->vm_events[COMPACTISOLATED] += got;
		pfn += got - 1;
	}
	cc->total_free_scanned += scanned;
	m->vm_events[COMPACTFREE_SCANNED] += scanned;
	return pfn;
}

/*
 * isolate_freepages: pageblocks from free_pfn down, above the migrate
 * scanner's block, until as many targets as pages to move.
 */
static void isolate_freepages(struct machine *m, struct compact_control *cc)
{
	unsigned long low =
		pageblock_start_pfn(m, cc->migrate_pfn) + pageblock_nr_pages(m);
	unsigned long start = cc->free_pfn;

	while (cc->nr_freepages < cc->nr_migratepages) {
		unsigned long block = pageblock_start_pfn(m, start);
		unsigned long end = block + pageblock_nr_pages(m);

		if (block < low || block < cc->zone->zone_start_pfn ||
		    cc->watermark_failed) {
			cc->free_pfn = cc->migrate_pfn; /* the scanners met */
			return;
		}
		if (end > zone_end_pfn(cc->zone))
			end = zone_end_pfn(cc->zone);
		if (suitable_migration_target(m, cc, block))
			start = isolate_freepages_block(m, cc, start, end);
		else
			start = end;
		if (start >= end) /* the block is done: the next one down */
			start = block >= pageblock_nr_pages(m)
					? block - pageblock_nr_pages(m)
					: 0;
		cc->free_pfn = start;
	}
}

/* compaction_alloc: the next isolated free page, isolating if needed. */
static struct page *compaction_alloc(struct machine *m,
				     struct compact_control *cc)
{
	struct page *page;

	if (list_empty(&cc->freepages))
		isolate_freepages(m, cc);
	if (list_empty(&cc->freepages))
		return NULL;
	page = list_first_entry(&cc->freepages, struct page, lru);
	list_del(&page->lru);
	cc->nr_freepages--;
	return page;
}

/* Move every isolated page; false when targets ran out. */
static bool migrate_isolated(struct machine *m, struct compact_control *cc)
{
	bool ok = true;

	for (unsigned int i = 0; i < cc->nr_migratepages; i++) {
		struct page *src = pfn_to_page(m, cc->migratepages[i]);
		struct page *dst = compaction_alloc(m, cc);

		if (!dst) {
			ok = false;
			m->vm_events[PGMIGRATE_FAIL] += cc->nr_migratepages - i;
			break;
		}
		if (migrate_page(m, src, dst)) {
			m->vm_events[PGMIGRATE_FAIL]++;
			__free_pages(m, dst, 0);
			continue;
		}
		m->vm_events[PGMIGRATE_SUCCESS]++;
	}
	cc->nr_migratepages = 0;
	return ok;
}

/* Unused targets go back to the buddy lists, as release_free_list. */
static void release_freepages(struct machine *m, struct compact_control *cc)
{
	while (!list_empty(&cc->freepages)) {
		struct page *page =
			list_first_entry(&cc->freepages, struct page, lru);

		list_del(&page->lru);
		__free_pages(m, page, 0);
	}
	cc->nr_freepages = 0;
}

/* ------------------------------------------------------------------ */
/* compact_zone                                                        */

/* Is a block of the order free where the allocation may take it? */
static enum compact_result __compact_finished(struct machine *m,
					      const struct compact_control *cc)
{
	if (compact_scanners_met(m, cc))
		return COMPACT_COMPLETE;
	if (cc->order < 0)
		return COMPACT_CONTINUE;
	/* Finish the pageblock being emptied first. */
	if (cc->migrate_pfn & (pageblock_nr_pages(m) - 1))
		return COMPACT_CONTINUE;
	for (unsigned int o = (unsigned int)cc->order; o <= m->max_order; o++) {
		const struct free_area *area = &cc->zone->free_area[o];
		bool can_steal;

		if (!list_empty(&area->free_list[cc->migratetype]))
			return COMPACT_SUCCESS;
		if (find_suitable_fallback(m, area, o, cc->migratetype, true,
					   &can_steal) != -1)
			return COMPACT_SUCCESS;
	}
	return COMPACT_CONTINUE;
}

/*
 * __compaction_suitable: enough free pages above the watermark (low for
 * costly orders, min otherwise) plus twice the request to migrate into,
 * and, for costly orders, a failure due to fragmentation rather than a
 * lack of memory (fragmentation index above extfrag_threshold).
 */
static bool compaction_suitable(const struct machine *m,
				const struct zone *zone, unsigned int order,
				enum zone_type highest_zoneidx)
{
	unsigned long watermark = order > PAGE_ALLOC_COSTLY_ORDER
					  ? low_wmark_pages(zone)
					  : min_wmark_pages(zone);
	int fragindex;

	watermark += 2UL << order;
	if (!zone_watermark_ok(zone, 0, watermark, highest_zoneidx, ALLOC_CMA))
		return false;
	if (order <= PAGE_ALLOC_COSTLY_ORDER)
		return true;
	fragindex = fragmentation_index(zone, order);
	return !(fragindex >= 0 &&
		 (unsigned int)fragindex <= m->vm.extfrag_threshold);
}

/*
 * compaction_suit_allocation_order: SUCCESS when the allocation would
 * pass its watermark already, SKIPPED when compaction cannot help,
 * CONTINUE otherwise.
 */
static enum compact_result compaction_suit_allocation_order(
	const struct machine *m, const struct zone *zone, unsigned int order,
	enum zone_type highest_zoneidx, unsigned int alloc_flags)
{
	unsigned long mark = zone->_watermark[alloc_flags & ALLOC_WMARK_MASK];

	if (zone_watermark_ok(zone, order, mark, highest_zoneidx, alloc_flags))
		return COMPACT_SUCCESS;
	if (!compaction_suitable(m, zone, order, highest_zoneidx))
		return COMPACT_SKIPPED;
	return COMPACT_CONTINUE;
}

static enum compact_result compact_zone(struct machine *m,
					struct compact_control *cc)
{
	struct zone *zone = cc->zone;
	enum compact_result ret = COMPACT_CONTINUE;
	unsigned long last_migrated_pfn = 0;

	if (cc->order >= 0) {
		ret = compaction_suit_allocation_order(
			m, zone, (unsigned int)cc->order, cc->highest_zoneidx,
			cc->alloc_flags);
		if (ret != COMPACT_CONTINUE)
			return ret;
	}
	INIT_LIST_HEAD(&cc->freepages);
	cc->migrate_pfn = zone->zone_start_pfn;
	cc->free_pfn = pageblock_start_pfn(m, zone_end_pfn(zone) - 1);
	/*
	 * Free pages on per-CPU lists neither merge nor can be targets; the
	 * machine has no concurrency to keep them warm for, so they go
	 * back first, and the pages migration frees go back at the end
	 * (Linux drains only the local lists, at block boundaries, below).
	 */
	drain_all_pages(m);
	while ((ret = __compact_finished(m, cc)) == COMPACT_CONTINUE) {
		unsigned long start_pfn = cc->migrate_pfn;

		isolate_migratepages(m, cc);
		if (cc->nr_migratepages) {
			if (!migrate_isolated(m, cc)) {
				ret = COMPACT_COMPLETE; /* no target left */
				break;
			}
			last_migrated_pfn = start_pfn;
		}
		/*
		 * Past the order-aligned block it emptied, the scanner
		 * flushes this CPU's lists, so that the freed pages merge
		 * and __compact_finished sees the block at once.
		 */
		if (cc->order > 0 && last_migrated_pfn &&
		    last_migrated_pfn <
			    (cc->migrate_pfn & ~((1UL << cc->order) - 1))) {
			drain_pages(m, m->cpu);
			last_migrated_pfn = 0;
		}
	}
	release_freepages(m, cc);
	drain_all_pages(m);
	return ret;
}

enum compact_result try_to_compact_pages(struct machine *m, gfp_t gfp,
					 unsigned int order,
					 unsigned int alloc_flags,
					 enum zone_type highest_zoneidx,
					 enum compact_priority prio)
{
	enum compact_result rc = COMPACT_SKIPPED;

	/* gfp_compaction_allowed: migration may need I/O (swap, writeback). */
	if (!(gfp & __GFP_IO))
		return COMPACT_SKIPPED;
	for (int z = (int)nr_zone_slots(m) - 1; z >= 0; z--) {
		struct zone *zone = &m->zones[z];
		struct compact_control cc = {
			.zone = zone,
			.order = (int)order,
			.migratetype = gfp_migratetype(m, gfp),
			.mode = prio == COMPACT_PRIO_ASYNC ? MIGRATE_ASYNC
							   : MIGRATE_SYNC_LIGHT,
			.direct_compaction = true,
			.alloc_flags = alloc_flags,
			.highest_zoneidx = highest_zoneidx,
		};
		enum compact_result status;

		if (zone->type > highest_zoneidx || !managed_zone(zone))
			continue;
		if (prio > MIN_COMPACT_PRIORITY &&
		    compaction_deferred(zone, (int)order)) {
			if (rc < COMPACT_DEFERRED)
				rc = COMPACT_DEFERRED;
			continue;
		}
		status = compact_zone(m, &cc);
		if (status > rc)
			rc = status;
		if (status == COMPACT_SUCCESS) {
			compaction_defer_reset(zone, (int)order, false);
			break;
		}
		if (prio != COMPACT_PRIO_ASYNC && status == COMPACT_COMPLETE)
			defer_compaction(zone, (int)order);
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* kcompactd                                                           */

/* Is there a zone that compaction could help to the order asked? */
static bool kcompactd_node_suitable(const struct machine *m)
{
	const struct kcompactd_state *k = &m->kcompactd;

	for (unsigned int z = 0; z < nr_zone_slots(m); z++) {
		const struct zone *zone = &m->zones[z];

		if (zone->type <= k->highest_zoneidx && populated_zone(zone) &&
		    managed_zone(zone) &&
		    compaction_suit_allocation_order(
			    m, zone, k->max_order, zone->type,
			    ALLOC_WMARK_MIN) == COMPACT_CONTINUE)
			return true;
	}
	return false;
}

void wakeup_kcompactd(struct machine *m, unsigned int order,
		      enum zone_type highest_zoneidx)
{
	struct kcompactd_state *k = &m->kcompactd;

	if (!order)
		return;
	if (!k->wanted || k->max_order < order)
		k->max_order = order;
	if (!k->wanted || k->highest_zoneidx > highest_zoneidx)
		k->highest_zoneidx = highest_zoneidx;
	if (kcompactd_node_suitable(m))
		k->wanted = true;
}

/*
 * kcompactd_do_work: each zone up to the one asked for, not deferred
 * and not already fine, compacted for the order (sync light); a zone
 * it fails in is deferred, as sync direct compaction defers it.
 */
void kcompactd_run(struct machine *m)
{
	struct kcompactd_state *k = &m->kcompactd;

	if (!k->wanted)
		return;
	m->vm_events[KCOMPACTD_WAKE]++;
	for (unsigned int z = 0; z < nr_zone_slots(m); z++) {
		struct compact_control cc = {
			.zone = &m->zones[z],
			.order = (int)k->max_order,
			.migratetype = MIGRATE_MOVABLE,
			.mode = MIGRATE_SYNC_LIGHT,
			.alloc_flags = ALLOC_WMARK_MIN,
			.highest_zoneidx = m->zones[z].type,
		};
		enum compact_result status;

		if (cc.zone->type > k->highest_zoneidx ||
		    !populated_zone(cc.zone) || !managed_zone(cc.zone) ||
		    compaction_deferred(cc.zone, cc.order))
			continue;
		status = compact_zone(m, &cc);
		if (status == COMPACT_SUCCESS)
			compaction_defer_reset(cc.zone, cc.order, false);
		else if (status == COMPACT_COMPLETE)
			defer_compaction(cc.zone, cc.order);
		m->vm_events[KCOMPACTD_MIGRATE_SCANNED] +=
			cc.total_migrate_scanned;
		m->vm_events[KCOMPACTD_FREE_SCANNED] += cc.total_free_scanned;
	}
	k->wanted = false;
	k->max_order = 0;
}

void compact_nodes(struct machine *m)
{
	for (unsigned int z = 0; z < nr_zone_slots(m); z++) {
		struct compact_control cc = {
			.zone = &m->zones[z],
			.order = -1,
			.migratetype = MIGRATE_MOVABLE,
			.mode = MIGRATE_SYNC,
		};

		if (managed_zone(&m->zones[z]))
			compact_zone(m, &cc);
	}
}
