/* SPDX-License-Identifier: MIT */
/*
 * compaction.c - memory compaction, as the kernel's mm/compaction.c.
 *
 * Owns: the two scanners of compact_zone (the migrate scanner walks a
 * zone's pageblocks up from its start, isolating pages that may move;
 * the free scanner walks down from its end, isolating free blocks as
 * order-0 targets), where they stopped (each zone's cached pfns, so the
 * next run resumes there) and the pageblock skip bits (a block a
 * scanner found nothing in is passed over until the bits are reset, as
 * __reset_isolation_suitable does), the end conditions
 * (__compact_finished), the suitability checks (compaction_suitable,
 * fragmentation_index against extfrag_threshold), deferral, direct
 * compaction, kcompactd with its proactive compaction (the
 * fragmentation score against compaction_proactiveness) and
 * compact_memory. Must never: migrate into a pageblock it took pages
 * from, or keep an isolated free page after a run ends.
 */
#include "core/compaction.h"

#include "core/err.h"
#include "core/list.h"
#include "core/migrate.h"
#include "core/mmzone.h"
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
	bool whole_zone;	   /* scanners start at the zone's ends */
	bool ignore_skip_hint;	   /* scan blocks whose skip bit is set */
	bool proactive_compaction; /* end at the fragmentation score */
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
/* Skip bits and cached positions                                      */

#define PB_SKIP_MASK (1UL << PB_migrate_skip)

static bool get_pageblock_skip(const struct machine *m, unsigned long pfn)
{
	/* The zone of the page's own node, not node 0's of its type. */
	const struct page *page = pfn_to_page(m, pfn);
	const struct zone *zone = &m->zones[page_to_nid(page) * MAX_NR_ZONES +
					    page_zonenum(page)];

	return get_zone_pfnblock_flags_mask(m, zone, pfn, PB_SKIP_MASK);
}

static void set_pageblock_skip(struct machine *m, unsigned long pfn, bool on)
{
	set_pfnblock_flags_mask(m, pfn, on ? PB_SKIP_MASK : 0, PB_SKIP_MASK);
}

/* May a scanner look at this pageblock (isolation_suitable)? */
static bool isolation_suitable(const struct machine *m,
			       const struct compact_control *cc,
			       unsigned long pfn)
{
	return cc->ignore_skip_hint || !get_pageblock_skip(m, pfn);
}

/* The next run starts anew from both ends (reset_cached_positions). */
void reset_cached_positions(const struct machine *m, struct zone *zone)
{
	zone->compact_cached_migrate_pfn[0] = zone->zone_start_pfn;
	zone->compact_cached_migrate_pfn[1] = zone->zone_start_pfn;
	zone->compact_cached_free_pfn =
		pageblock_start_pfn(m, zone_end_pfn(zone) - 1);
}

/*
 * Clear the skip bit of the pageblock holding pfn; true when the block
 * has, at its first or last page, a page the scanner wants (one on an
 * LRU list for the migrate scanner, a free one for the free scanner),
 * as __reset_isolation_pfn checks the block's ends.
 */
static bool reset_isolation_pfn(struct machine *m, struct zone *zone,
				unsigned long pfn, bool check_source,
				bool check_target)
{
	unsigned long start = pageblock_start_pfn(m, pfn);
	unsigned long end = start + pageblock_nr_pages(m);
	unsigned long ends[2];

	if (start < zone->zone_start_pfn)
		start = zone->zone_start_pfn;
	if (end > zone_end_pfn(zone))
		end = zone_end_pfn(zone);
	ends[0] = start;
	ends[1] = end - 1;
	set_pageblock_skip(m, start, false);
	/* An unwritten section holds only free max-order blocks. */
	if (!pfn_memmap_written(m, start))
		return false;
	for (int i = 0; i < 2; i++) {
		const struct page *page = pfn_to_page(m, ends[i]);

		if ((check_source && PageFlag(page, PG_lru)) ||
		    (check_target && PageFlag(page, PG_buddy)))
			return true;
	}
	return false;
}

/*
 * __reset_isolation_suitable: after a full run, clear every pageblock's
 * skip bit, walking from both ends as Linux does, and start the cached
 * positions at the first block either scanner would want.
 */
static void __reset_isolation_suitable(struct machine *m, struct zone *zone)
{
	unsigned long migrate_pfn = zone->zone_start_pfn;
	unsigned long free_pfn = zone_end_pfn(zone) - 1;
	unsigned long reset_migrate = free_pfn, reset_free = migrate_pfn;
	bool source_set = false, free_set = false;

	if (!zone->compact_blockskip_flush)
		return;
	zone->compact_blockskip_flush = false;
	for (; migrate_pfn < free_pfn; migrate_pfn += pageblock_nr_pages(m),
				       free_pfn -= pageblock_nr_pages(m)) {
		if (reset_isolation_pfn(m, zone, migrate_pfn, true,
					source_set) &&
		    migrate_pfn < reset_migrate) {
			source_set = true;
			reset_migrate = migrate_pfn;
			zone->compact_init_migrate_pfn = reset_migrate;
			zone->compact_cached_migrate_pfn[0] = reset_migrate;
			zone->compact_cached_migrate_pfn[1] = reset_migrate;
		}
		if (reset_isolation_pfn(m, zone, free_pfn, free_set, true) &&
		    free_pfn > reset_free) {
			free_set = true;
			reset_free = pageblock_start_pfn(m, free_pfn);
			zone->compact_init_free_pfn = reset_free;
			zone->compact_cached_free_pfn = reset_free;
		}
		if (free_pfn < pageblock_nr_pages(m))
			break;
	}
	/* No block was worth it: the scanners start where they would meet. */
	if (reset_migrate >= reset_free) {
		zone->compact_cached_migrate_pfn[0] = migrate_pfn;
		zone->compact_cached_migrate_pfn[1] = migrate_pfn;
		zone->compact_cached_free_pfn =
			pageblock_start_pfn(m, free_pfn);
	}
}

void reset_isolation_suitable(struct machine *m, struct pglist_data *pgdat)
{
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (populated_zone(&pgdat->node_zones[z]))
			__reset_isolation_suitable(m, &pgdat->node_zones[z]);
}

/* Deferred to the limit and tried again: the skip bits go first. */
static bool compaction_restarting(const struct zone *zone, int order)
{
	if (order < zone->compact_order_failed)
		return false;
	return zone->compact_defer_shift == COMPACT_MAX_DEFER_SHIFT &&
	       zone->compact_considered >= 1U << zone->compact_defer_shift;
}

/* The migrate scanner finished the block before pfn: resume past it. */
static void update_cached_migrate(struct compact_control *cc, unsigned long pfn)
{
	struct zone *zone = cc->zone;

	if (pfn > zone->compact_cached_migrate_pfn[0])
		zone->compact_cached_migrate_pfn[0] = pfn;
	if (cc->mode != MIGRATE_ASYNC &&
	    pfn > zone->compact_cached_migrate_pfn[1])
		zone->compact_cached_migrate_pfn[1] = pfn;
}

/*
 * The free scanner found nothing more in the block at pfn: skip it next
 * time, and resume one block below (update_pageblock_skip).
 */
static void update_pageblock_skip(struct machine *m, struct compact_control *cc,
				  unsigned long pfn)
{
	unsigned long below =
		pfn >= pageblock_nr_pages(m) ? pfn - pageblock_nr_pages(m) : 0;

	set_pageblock_skip(m, pfn, true);
	if (below < cc->zone->compact_cached_free_pfn)
		cc->zone->compact_cached_free_pfn = below;
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
	block_mt = get_pfnblock_migratetype(m, pfn);
	/* An isolated block is alloc_contig_range's: it moves its pages. */
	if (block_mt == MIGRATE_ISOLATE)
		return false;
	if (cc->mode != MIGRATE_ASYNC || !cc->direct_compaction)
		return true;
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
	unsigned int isolated;

	for (;; pfn = cc->migrate_pfn = end) {
		end = pageblock_start_pfn(m, pfn) + pageblock_nr_pages(m);
		if (end > zone_end_pfn(cc->zone))
			end = zone_end_pfn(cc->zone);
		if (compact_scanners_met(m, cc))
			return;
		/* The skip bit is read once, at the block's start. */
		if ((pfn == pageblock_start_pfn(m, pfn) ||
		     pfn == cc->zone->zone_start_pfn) &&
		    !isolation_suitable(m, cc, pfn))
			continue;
		if (suitable_migration_source(m, cc, pfn))
			break;
		update_cached_migrate(cc, end);
	}
	isolated = cc->nr_migratepages;
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
	/* A block scanned to its end with nothing taken is skipped later. */
	if (pfn >= end) {
		if (cc->nr_migratepages == isolated)
			set_pageblock_skip(m, end - 1, true);
		update_cached_migrate(cc, end);
	}
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
		if (suitable_migration_target(m, cc, block) &&
		    isolation_suitable(m, cc, block)) {
			start = isolate_freepages_block(m, cc, start, end);
			if (start >= end) /* scanned whole: skip it next time */
				update_pageblock_skip(m, cc, block);
		} else {
			start = end;
		}
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
		if (migrate_page(m, src, dst, MR_COMPACTION)) {
			m->vm_events[PGMIGRATE_FAIL]++;
			__free_pages(m, dst, 0);
			continue;
		}
		m->vm_events[PGMIGRATE_SUCCESS]++;
	}
	cc->nr_migratepages = 0;
	return ok;
}

/*
 * Unused targets go back to the buddy lists, as release_free_list; the
 * highest pfn among them, or 0.
 */
static unsigned long release_freepages(struct machine *m,
				       struct compact_control *cc)
{
	unsigned long high = 0;

	while (!list_empty(&cc->freepages)) {
		struct page *page =
			list_first_entry(&cc->freepages, struct page, lru);

		if (page_to_pfn(m, page) > high)
			high = page_to_pfn(m, page);
		list_del(&page->lru);
		__free_pages(m, page, 0);
	}
	cc->nr_freepages = 0;
	return high;
}

/* ------------------------------------------------------------------ */
/* compact_zone                                                        */

/* Is a block of the order free where the allocation may take it? */
static enum compact_result __compact_finished(struct machine *m,
					      const struct compact_control *cc)
{
	if (compact_scanners_met(m, cc)) {
		/* The next run starts anew; kswapd clears the skip bits. */
		reset_cached_positions(m, cc->zone);
		if (cc->direct_compaction)
			cc->zone->compact_blockskip_flush = true;
		return cc->whole_zone ? COMPACT_COMPLETE
				      : COMPACT_PARTIAL_SKIPPED;
	}
	if (cc->proactive_compaction) {
		if (NODE_DATA(m, zone_to_nid(cc->zone))->kswapd.running)
			return COMPACT_PARTIAL_SKIPPED;
		return fragmentation_score_zone(m, cc->zone) >
				       fragmentation_score_wmark(m, true)
			       ? COMPACT_CONTINUE
			       : COMPACT_SUCCESS;
	}
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
	unsigned long mark = wmark_pages(
		zone, (enum zone_watermarks)(alloc_flags & ALLOC_WMARK_MASK));

	if (zone_watermark_ok(zone, order, mark, highest_zoneidx, alloc_flags))
		return COMPACT_SUCCESS;
	if (!compaction_suitable(m, zone, order, highest_zoneidx))
		return COMPACT_SKIPPED;
	return COMPACT_CONTINUE;
}

/*
 * Where the scanners start: a whole-zone run at the ends, any other
 * where the last run stopped (cached positions outside the zone are
 * reset); a run starting where a reset put the migrate scanner counts
 * as whole.
 */
static void compact_zone_start(const struct machine *m,
			       struct compact_control *cc)
{
	struct zone *zone = cc->zone;
	unsigned long start = zone->zone_start_pfn, end = zone_end_pfn(zone);

	if (cc->whole_zone) {
		cc->migrate_pfn = start;
		cc->free_pfn = pageblock_start_pfn(m, end - 1);
		return;
	}
	cc->migrate_pfn =
		zone->compact_cached_migrate_pfn[cc->mode != MIGRATE_ASYNC];
	cc->free_pfn = zone->compact_cached_free_pfn;
	if (cc->free_pfn < start || cc->free_pfn >= end) {
		cc->free_pfn = pageblock_start_pfn(m, end - 1);
		zone->compact_cached_free_pfn = cc->free_pfn;
	}
	if (cc->migrate_pfn < start || cc->migrate_pfn >= end) {
		cc->migrate_pfn = start;
		zone->compact_cached_migrate_pfn[0] = start;
		zone->compact_cached_migrate_pfn[1] = start;
	}
	if (cc->migrate_pfn <= zone->compact_init_migrate_pfn)
		cc->whole_zone = true;
}

static enum compact_result compact_zone(struct machine *m,
					struct compact_control *cc)
{
	struct zone *zone = cc->zone;
	enum compact_result ret = COMPACT_CONTINUE;
	unsigned long last_migrated_pfn = 0, free_high;

	if (cc->order >= 0) {
		ret = compaction_suit_allocation_order(
			m, zone, (unsigned int)cc->order, cc->highest_zoneidx,
			cc->alloc_flags);
		if (ret != COMPACT_CONTINUE)
			return ret;
	}
	INIT_LIST_HEAD(&cc->freepages);
	if (compaction_restarting(zone, cc->order))
		__reset_isolation_suitable(m, zone);
	compact_zone_start(m, cc);
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
	free_high = release_freepages(m, cc);
	/* Only back, never forward: a met run reset it to the zone's end. */
	if (free_high &&
	    pageblock_start_pfn(m, free_high) > zone->compact_cached_free_pfn)
		zone->compact_cached_free_pfn =
			pageblock_start_pfn(m, free_high);
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
			.whole_zone = prio == MIN_COMPACT_PRIORITY,
			.ignore_skip_hint = prio == MIN_COMPACT_PRIORITY,
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
		if (prio != COMPACT_PRIO_ASYNC &&
		    (status == COMPACT_COMPLETE ||
		     status == COMPACT_PARTIAL_SKIPPED))
			defer_compaction(zone, (int)order);
	}
	return rc;
}

/* ------------------------------------------------------------------ */
/* kcompactd                                                           */

/* Is there a zone of the node that compaction could help to the order? */
static bool kcompactd_node_suitable(const struct machine *m,
				    const struct pglist_data *pgdat)
{
	const struct kcompactd_state *k = &pgdat->kcompactd;

	for (int z = 0; z <= (int)k->highest_zoneidx; z++) {
		const struct zone *zone = &pgdat->node_zones[z];

		if (populated_zone(zone) && managed_zone(zone) &&
		    compaction_suit_allocation_order(
			    m, zone, k->max_order, zone->type,
			    ALLOC_WMARK_MIN) == COMPACT_CONTINUE)
			return true;
	}
	return false;
}

void wakeup_kcompactd(struct machine *m, struct pglist_data *pgdat,
		      unsigned int order, enum zone_type highest_zoneidx)
{
	struct kcompactd_state *k = &pgdat->kcompactd;

	if (!order)
		return;
	if (!k->wanted || k->max_order < order)
		k->max_order = order;
	if (!k->wanted || k->highest_zoneidx > highest_zoneidx)
		k->highest_zoneidx = highest_zoneidx;
	if (kcompactd_node_suitable(m, pgdat))
		k->wanted = true;
}

/* kcompactd's counters from one zone's run. */
static void count_kcompactd_scan(struct machine *m,
				 const struct compact_control *cc)
{
	m->vm_events[KCOMPACTD_MIGRATE_SCANNED] += cc->total_migrate_scanned;
	m->vm_events[KCOMPACTD_FREE_SCANNED] += cc->total_free_scanned;
}

/*
 * kcompactd_do_work: each zone of the node up to the one asked for, not
 * deferred and not already fine, compacted for the order (sync light);
 * a zone it fails in is deferred, as sync direct compaction defers it.
 */
static void kcompactd_do_work(struct machine *m, struct pglist_data *pgdat)
{
	struct kcompactd_state *k = &pgdat->kcompactd;

	m->vm_events[KCOMPACTD_WAKE]++;
	k->proactive_defer = 0; /* woken: its timeout starts anew */
	for (int z = 0; z <= (int)k->highest_zoneidx; z++) {
		struct compact_control cc = {
			.zone = &pgdat->node_zones[z],
			.order = (int)k->max_order,
			.migratetype = MIGRATE_MOVABLE,
			.mode = MIGRATE_SYNC_LIGHT,
			.alloc_flags = ALLOC_WMARK_MIN,
			.highest_zoneidx = (enum zone_type)z,
		};
		enum compact_result status;

		if (!populated_zone(cc.zone) || !managed_zone(cc.zone) ||
		    compaction_deferred(cc.zone, cc.order))
			continue;
		status = compact_zone(m, &cc);
		if (status == COMPACT_SUCCESS)
			compaction_defer_reset(cc.zone, cc.order, false);
		else if (status == COMPACT_COMPLETE ||
			 status == COMPACT_PARTIAL_SKIPPED)
			defer_compaction(cc.zone, cc.order);
		count_kcompactd_scan(m, &cc);
	}
	k->wanted = false;
	k->max_order = 0;
}

void kcompactd_run(struct machine *m)
{
	for (unsigned int nid = 0; nid < m->nr_node_ids; nid++)
		if (NODE_DATA(m, (int)nid)->kcompactd.wanted)
			kcompactd_do_work(m, NODE_DATA(m, (int)nid));
}

/* ------------------------------------------------------------------ */
/* Proactive compaction                                                */

/*
 * A zone's fragmentation score: the share (0..100) of its free memory
 * in blocks smaller than a huge page (extfrag_for_order).
 */
unsigned int fragmentation_score_zone(const struct machine *m,
				      const struct zone *zone)
{
	return extfrag_for_order(zone, m->pageblock_order);
}

/* The node's: each populated zone's weighted by its present pages. */
unsigned int fragmentation_score_node(const struct machine *m,
				      const struct pglist_data *pgdat)
{
	unsigned long present = 0, score = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		present += pgdat->node_zones[z].present_pages;
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		const struct zone *zone = &pgdat->node_zones[z];

		if (populated_zone(zone))
			score += zone->present_pages *
				 fragmentation_score_zone(m, zone) /
				 (present + 1);
	}
	return (unsigned int)score;
}

/*
 * Proactive compaction starts above the high mark and stops at the low
 * one: 100 - proactiveness (at least 5), and 10 above it (at most 100).
 */
unsigned int fragmentation_score_wmark(const struct machine *m, bool low)
{
	unsigned int wmark_low = 100 - m->vm.compaction_proactiveness;

	if (wmark_low < 5)
		wmark_low = 5;
	if (low)
		return wmark_low;
	return wmark_low + 10 < 100 ? wmark_low + 10 : 100;
}

static bool should_proactive_compact_node(const struct machine *m,
					  const struct pglist_data *pgdat)
{
	if (!m->vm.compaction_proactiveness || pgdat->kswapd.running)
		return false;
	return fragmentation_score_node(m, pgdat) >
	       fragmentation_score_wmark(m, false);
}

/* Every populated zone of the node, whole, until its score is low. */
static void proactive_compact_node(struct machine *m, struct pglist_data *pgdat)
{
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct compact_control cc = {
			.zone = &pgdat->node_zones[z],
			.order = -1,
			.migratetype = MIGRATE_MOVABLE,
			.mode = MIGRATE_SYNC_LIGHT,
			.whole_zone = true,
			.ignore_skip_hint = true,
			.proactive_compaction = true,
		};

		if (!populated_zone(cc.zone) || !managed_zone(cc.zone))
			continue;
		compact_zone(m, &cc);
		count_kcompactd_scan(m, &cc);
	}
}

bool kcompactd_timeout_wanted(const struct machine *m)
{
	if (!m->vm.compaction_proactiveness)
		return false;
	for (unsigned int nid = 0; nid < m->nr_node_ids; nid++) {
		const struct pglist_data *pgdat = &m->node_data[nid];

		if (pgdat->kcompactd.proactive_defer ||
		    should_proactive_compact_node(m, pgdat))
			return true;
	}
	return false;
}

/*
 * One node's kcompactd's sleep timing out: a deferred kcompactd counts
 * the timeout off; otherwise, above the high mark, it compacts
 * proactively, and a run that did not lower the score defers the next
 * by 1 << COMPACT_MAX_DEFER_SHIFT timeouts, as Linux lengthens the
 * sleep.
 */
static void kcompactd_node_timeout(struct machine *m, struct pglist_data *pgdat)
{
	struct kcompactd_state *k = &pgdat->kcompactd;
	unsigned int prev_score;

	if (k->proactive_defer) {
		k->proactive_defer--;
		return;
	}
	if (!should_proactive_compact_node(m, pgdat))
		return;
	prev_score = fragmentation_score_node(m, pgdat);
	proactive_compact_node(m, pgdat);
	if (fragmentation_score_node(m, pgdat) >= prev_score)
		k->proactive_defer = 1U << COMPACT_MAX_DEFER_SHIFT;
}

void kcompactd_timeout(struct machine *m)
{
	for (unsigned int nid = 0; nid < m->nr_node_ids; nid++)
		kcompactd_node_timeout(m, NODE_DATA(m, (int)nid));
}

void compact_nodes(struct machine *m)
{
	for (unsigned int z = 0; z < nr_zone_slots(m); z++) {
		struct compact_control cc = {
			.zone = &m->zones[z],
			.order = -1,
			.migratetype = MIGRATE_MOVABLE,
			.mode = MIGRATE_SYNC,
			.whole_zone = true,
			.ignore_skip_hint = true,
		};

		if (managed_zone(&m->zones[z]))
			compact_zone(m, &cc);
	}
}

/* ------------------------------------------------------------------ */
/* Boot and the checker                                                */

int compaction_init(struct machine *m)
{
	for (unsigned int z = 0; z < nr_zone_slots(m); z++) {
		struct zone *zone = &m->zones[z];

		if (!zone->spanned_pages)
			continue;
		reset_cached_positions(m, zone);
		zone->compact_init_migrate_pfn = zone->zone_start_pfn;
		zone->compact_init_free_pfn = zone->compact_cached_free_pfn;
	}
	return 0;
}

void compaction_exit(struct machine *m)
{
	(void)m; /* the state lives in the zones */
}

/*
 * Every pageblock holds a migrate type the kernel has, no bit is set
 * past the zone's last pageblock, the free scanner's cached position is
 * a pageblock's start, and the sync migrate scanner never resumes
 * above the async one (both move up together, or only the async one).
 */
static int check_zone_compaction(const struct machine *m,
				 const struct zone *zone, char *why, size_t len)
{
	unsigned long first = pageblock_start_pfn(m, zone->zone_start_pfn);
	unsigned long blocks =
		(zone_end_pfn(zone) - first + pageblock_nr_pages(m) - 1) >>
		m->pageblock_order;

	for (unsigned long b = 0;
	     b < usemap_longs(m, zone) * 64 / NR_PAGEBLOCK_BITS; b++) {
		unsigned long bitidx = b * NR_PAGEBLOCK_BITS;
		unsigned long bits =
			(zone->pageblock_flags[bitidx / 64] >> (bitidx % 64)) &
			((1UL << NR_PAGEBLOCK_BITS) - 1);

		if (b >= blocks && bits)
			return check_failed(why, len,
					    "%s: pageblock bits %#lx past the "
					    "zone's end (block %lu)",
					    zone->name, bits, b);
		if ((bits & MIGRATETYPE_MASK) >= MIGRATE_TYPES)
			return check_failed(why, len,
					    "%s: pageblock %lu has migrate "
					    "type %lu",
					    zone->name, b,
					    bits & MIGRATETYPE_MASK);
	}
	/* boost_watermark leaves zones under four pageblocks alone. */
	if (zone->watermark_boost &&
	    pageblock_nr_pages(m) * 4 > zone->managed_pages)
		return check_failed(why, len,
				    "%s: boosted by %lu pages with %lu "
				    "managed",
				    zone->name, zone->watermark_boost,
				    zone->managed_pages);
	if (zone->compact_cached_free_pfn & (pageblock_nr_pages(m) - 1))
		return check_failed(why, len,
				    "%s: compact_cached_free_pfn %#lx is not "
				    "a pageblock's start",
				    zone->name, zone->compact_cached_free_pfn);
	if (zone->compact_cached_migrate_pfn[1] >
	    zone->compact_cached_migrate_pfn[0])
		return check_failed(why, len,
				    "%s: the sync migrate scanner's %#lx is "
				    "above the async one's %#lx",
				    zone->name,
				    zone->compact_cached_migrate_pfn[1],
				    zone->compact_cached_migrate_pfn[0]);
	return 0;
}

int compaction_check(const struct machine *m, char *why, size_t len)
{
	for (unsigned int z = 0; z < nr_zone_slots(m); z++) {
		int err;

		if (!m->zones[z].spanned_pages)
			continue;
		err = check_zone_compaction(m, &m->zones[z], why, len);
		if (err)
			return err;
	}
	return 0;
}
