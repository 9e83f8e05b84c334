/* SPDX-License-Identifier: MIT */
/*
 * page_alloc.c - the zoned buddy allocator, as the kernel's mm/page_alloc.c.
 *
 * Owns: buddy free lists, per-CPU page lists, watermarks, lowmem_reserve
 * and the choice of zone for a GFP mask. The kernel is the reference for
 * every formula here, so numbers can be checked against a real machine.
 * Must never: change a list or a counter on a call it refuses; every
 * check comes before the first change.
 */
#include "core/page_alloc.h"
#include "core/oom_kill.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/compaction.h"
#include "core/compiler.h"
#include "core/debug.h"
#include "core/err.h"
#include "core/memcontrol.h"
#include "core/mempolicy.h"
#include "core/page_owner.h"
#include "core/sparse.h"
#include "core/pid.h"
#include "core/preempt.h"
#include "core/printk.h"
#include "core/show_mem.h"
#include "core/swap.h"
#include "core/task.h"
#include "core/vmscan.h"

/* sysctl vm.lowmem_reserve_ratio, indexed by our zone types. */
static const int lowmem_reserve_ratio[MAX_NR_ZONES] = {
	[ZONE_DMA] = 256,   [ZONE_DMA32] = 256, [ZONE_NORMAL] = 32,
	[ZONE_HIGHMEM] = 0, [ZONE_MOVABLE] = 0,
};

static unsigned long ulmin(unsigned long a, unsigned long b)
{
	return a < b ? a : b;
}

static unsigned long ulmax(unsigned long a, unsigned long b)
{
	return a > b ? a : b;
}

/* ------------------------------------------------------------------ */
/* Pageblock bits                                                      */

void set_pfnblock_flags_mask(struct machine *m, unsigned long pfn,
			     unsigned long flags, unsigned long mask)
{
	set_zone_pfnblock_flags_mask(m, page_zone(m, pfn_to_page(m, pfn)), pfn,
				     flags, mask);
}

/* With the zone given: boot sets the blocks of unwritten sections. */
void set_zone_pfnblock_flags_mask(const struct machine *m, struct zone *zone,
				  unsigned long pfn, unsigned long flags,
				  unsigned long mask)
{
	unsigned long bitidx = pfn_to_bitidx(m, zone, pfn);
	unsigned long *word = &zone->pageblock_flags[bitidx / 64];

	bitidx %= 64;
	*word = (*word & ~(mask << bitidx)) | ((flags & mask) << bitidx);
}

void set_pageblock_migratetype(struct machine *m, unsigned long pfn,
			       int migratetype)
{
	set_pfnblock_flags_mask(m, pfn, (unsigned long)migratetype,
				MIGRATETYPE_MASK);
}

/* Every pageblock of the block [pfn, pfn + 2^order) gets one type. */
static void change_pageblock_range(struct machine *m, unsigned long pfn,
				   unsigned int order, int migratetype)
{
	unsigned long nr =
		1UL << (order > m->pageblock_order ? order - m->pageblock_order
						   : 0);

	for (; nr; nr--, pfn += pageblock_nr_pages(m))
		set_pageblock_migratetype(m, pfn, migratetype);
}

/* ------------------------------------------------------------------ */
/* The buddy lists                                                     */

static void set_buddy_order(struct page *page, unsigned int order)
{
	page->private = order;
	SetPageFlag(page, PG_buddy);
}

/*
 * The free-page counters that follow the lists, as account_freepages:
 * NR_FREE_CMA_PAGES counts the CMA lists; free pages of isolated blocks
 * are no one's to allocate, so NR_FREE_PAGES leaves them out (the free
 * and allocation paths count a block at their call sites, and the
 * isolate lists take that count back).
 */
static void account_freepages(struct zone *zone, long nr, int migratetype)
{
	if (migratetype == MIGRATE_CMA)
		zone->vm_stat[NR_FREE_CMA_PAGES] += nr;
	else if (migratetype == MIGRATE_ISOLATE)
		zone->vm_stat[NR_FREE_PAGES] -= nr;
}

static void add_to_free_list(struct page *page, struct zone *zone,
			     unsigned int order, int migratetype)
{
	if (unlikely(migratetype >= MIGRATE_CMA))
		account_freepages(zone, 1L << order, migratetype);
	set_buddy_order(page, order);
	list_add(&page->lru, &zone->free_area[order].free_list[migratetype]);
	zone->free_area[order].nr_free++;
}

/*
 * While sections of the zone wait unwritten (sparse.c), their blocks
 * count as free max-order movable blocks: the list of those never runs
 * empty before they do, as it would not after deferred init completed.
 */
static void deferred_refill(struct machine *m, struct zone *zone,
			    unsigned int order)
{
	if (order == m->max_order && zone->nr_deferred_sections &&
	    list_empty(&zone->free_area[order].free_list[MIGRATE_MOVABLE]))
		deferred_grow_zone(m, zone);
}

/* A free block changes list when its pageblock changes type. */
static void move_to_free_list(struct machine *m, struct page *page,
			      struct zone *zone, unsigned int order, int old_mt,
			      int new_mt)
{
	account_freepages(zone, -(1L << order), old_mt);
	account_freepages(zone, 1L << order, new_mt);
	list_del(&page->lru);
	list_add_tail(&page->lru, &zone->free_area[order].free_list[new_mt]);
	deferred_refill(m, zone, order);
}

static void del_page_from_free_list(struct machine *m, struct page *page,
				    struct zone *zone, unsigned int order,
				    int migratetype)
{
	if (unlikely(migratetype >= MIGRATE_CMA))
		account_freepages(zone, -(1L << order), migratetype);
	list_del(&page->lru);
	ClearPageFlag(page, PG_buddy);
	page->private = 0;
	zone->free_area[order].nr_free--;
	deferred_refill(m, zone, order);
}

/* Types whose blocks may merge across pageblocks: the per-CPU ones. */
static bool migratetype_is_mergeable(int mt)
{
	return mt < MIGRATE_PCPTYPES;
}

/*
 * Free a block into its zone's buddy lists, merging with its buddy (the
 * block at pfn ^ 2^order) for as long as that buddy is free whole at the
 * same order. Zones are aligned to the largest block, so a buddy never
 * lies in another zone. Above pageblock_order the buddy's pageblocks may
 * be of another type: as Linux since 6.10, blocks of isolated,
 * highatomic or CMA pageblocks merge only with their own kind, and a
 * merged buddy takes the freed block's type, so that every free block
 * sits on the list of its pageblocks' one type. The caller accounts
 * NR_FREE_PAGES.
 */
static void __free_one_page(struct machine *m, struct zone *zone,
			    unsigned long pfn, unsigned int order,
			    int migratetype)
{
	while (order < m->max_order) {
		unsigned long buddy_pfn = pfn ^ (1UL << order);
		struct page *buddy = pfn_to_page(m, buddy_pfn);
		int buddy_mt = migratetype;

		if (!PageFlag(buddy, PG_buddy) || buddy->private != order)
			break;
		if (order >= m->pageblock_order) {
			buddy_mt = get_pfnblock_migratetype(m, buddy_pfn);
			if (buddy_mt != migratetype &&
			    (!migratetype_is_mergeable(migratetype) ||
			     !migratetype_is_mergeable(buddy_mt)))
				break;
		}
		del_page_from_free_list(m, buddy, zone, order, buddy_mt);
		if (buddy_mt != migratetype)
			change_pageblock_range(m, buddy_pfn, order,
					       migratetype);
		pfn &= buddy_pfn;
		order++;
	}
	add_to_free_list(pfn_to_page(m, pfn), zone, order, migratetype);
}

/* Split a block of order high down to order low, freeing the halves. */
static void expand(struct zone *zone, struct page *page, unsigned int low,
		   unsigned int high, int migratetype)
{
	unsigned long size = 1UL << high;

	while (high > low) {
		high--;
		size >>= 1;
		add_to_free_list(&page[size], zone, high, migratetype);
	}
}

static void page_del_and_expand(struct machine *m, struct zone *zone,
				struct page *page, unsigned int low,
				unsigned int high, int migratetype)
{
	del_page_from_free_list(m, page, zone, high, migratetype);
	expand(zone, page, low, high, migratetype);
}

/* The smallest free block of one type that fits, split down to order. */
static struct page *__rmqueue_smallest(struct machine *m, struct zone *zone,
				       unsigned int order, int migratetype)
{
	for (unsigned int cur = order; cur <= m->max_order; cur++) {
		struct list_head *list =
			&zone->free_area[cur].free_list[migratetype];
		struct page *page;

		if (list_empty(list))
			continue;
		page = list_first_entry(list, struct page, lru);
		page_del_and_expand(m, zone, page, order, cur, migratetype);
		return page;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Fallback between migrate types                                      */

/* Where each type looks when its own lists are empty, in this order. */
static const int fallbacks[MIGRATE_PCPTYPES][MIGRATE_PCPTYPES - 1] = {
	[MIGRATE_UNMOVABLE] = {MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE},
	[MIGRATE_MOVABLE] = {MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE},
	[MIGRATE_RECLAIMABLE] = {MIGRATE_UNMOVABLE, MIGRATE_MOVABLE},
};

/*
 * May a fallback of this order take the rest of its pageblock too?
 * Large blocks, and the types that pollute a block anyway, may.
 */
static bool can_steal_fallback(const struct machine *m, unsigned int order,
			       int start_mt)
{
	if (order >= m->pageblock_order)
		return true;
	return order >= m->pageblock_order / 2 ||
	       start_mt == MIGRATE_RECLAIMABLE ||
	       start_mt == MIGRATE_UNMOVABLE ||
	       m->page_group_by_mobility_disabled;
}

int find_suitable_fallback(const struct machine *m,
			   const struct free_area *area, unsigned int order,
			   int migratetype, bool only_stealable,
			   bool *can_steal)
{
	if (area->nr_free == 0)
		return -1;
	*can_steal = false;
	for (int i = 0; i < MIGRATE_PCPTYPES - 1; i++) {
		int fallback_mt = fallbacks[migratetype][i];

		if (list_empty(&area->free_list[fallback_mt]))
			continue;
		if (can_steal_fallback(m, order, migratetype))
			*can_steal = true;
		if (!only_stealable || *can_steal)
			return fallback_mt;
	}
	return -1;
}

/*
 * Count the free and the movable (LRU) pages of the pageblock holding
 * pfn, as prep_move_freepages_block; false when the block straddles the
 * zone's edge.
 */
static bool
prep_move_freepages_block(const struct machine *m, const struct zone *zone,
			  unsigned long pfn, unsigned long *start_pfn,
			  unsigned long *num_free, unsigned long *num_movable)
{
	unsigned long start = pageblock_start_pfn(m, pfn);
	unsigned long end = start + pageblock_nr_pages(m);

	if (start < zone->zone_start_pfn || end > zone_end_pfn(zone))
		return false;
	*start_pfn = start;
	*num_free = *num_movable = 0;
	for (pfn = start; pfn < end;) {
		const struct page *page = pfn_to_page(m, pfn);

		if (PageFlag(page, PG_buddy)) {
			*num_free += 1UL << page->private;
			pfn += 1UL << page->private;
			continue;
		}
		if (PageFlag(page, PG_lru))
			(*num_movable)++;
		pfn++;
	}
	return true;
}

/* Move every free block of a pageblock to new_mt's lists, and the block. */
static unsigned long __move_freepages_block(struct machine *m,
					    struct zone *zone,
					    unsigned long start_pfn, int new_mt)
{
	unsigned long end = start_pfn + pageblock_nr_pages(m), moved = 0;
	int old_mt = get_zone_pfnblock_migratetype(m, zone, start_pfn);

	for (unsigned long pfn = start_pfn; pfn < end;) {
		struct page *page = pfn_to_page(m, pfn);

		if (!PageFlag(page, PG_buddy)) {
			pfn++;
			continue;
		}
		move_to_free_list(m, page, zone, page->private, old_mt, new_mt);
		moved += 1UL << page->private;
		pfn += 1UL << page->private;
	}
	set_pageblock_migratetype(m, start_pfn, new_mt);
	return moved;
}

/* -1 when the pageblock straddles the zone's edge, else pages moved. */
long move_freepages_block(struct machine *m, struct zone *zone,
			  unsigned long pfn, int new_mt)
{
	unsigned long start, nr_free, nr_movable;

	if (!prep_move_freepages_block(m, zone, pfn, &start, &nr_free,
				       &nr_movable))
		return -1;
	return (long)__move_freepages_block(m, zone, start, new_mt);
}

/*
 * Take a block of order current_order from a fallback type's list and
 * decide whether start_type claims its whole pageblock: always when the
 * block is a pageblock or more; when whole_block allows, if at least
 * half the pageblock is free or of a kind alike (for unmovable and
 * reclaimable requests in a movable block, every page not free and not
 * on an LRU list). Otherwise only the block is taken and its unused
 * halves stay on the fallback type's lists.
 */
/*
 * A fallback that splits another type's pageblock raises the zone's
 * watermarks by a pageblock, up to watermark_boost_factor ten-
 * thousandths of high (at least a pageblock), so that kswapd reclaims
 * ahead of the next fallbacks, as boost_watermark; not in zones of
 * fewer than four pageblocks, nor with the factor at 0.
 */
static bool boost_watermark(const struct machine *m, struct zone *zone)
{
	unsigned long high = zone->_watermark[WMARK_HIGH];
	unsigned long factor = m->vm.watermark_boost_factor, max_boost;

	if (!factor || pageblock_nr_pages(m) * 4 > zone->managed_pages)
		return false;
	/* mult_frac: high * factor / 10000 without overflow. */
	max_boost = high / 10000 * factor + high % 10000 * factor / 10000;
	if (!max_boost)
		return false;
	max_boost = ulmax(pageblock_nr_pages(m), max_boost);
	zone->watermark_boost =
		ulmin(zone->watermark_boost + pageblock_nr_pages(m), max_boost);
	return true;
}

static struct page *
steal_suitable_fallback(struct machine *m, struct zone *zone, struct page *page,
			unsigned int current_order, unsigned int order,
			int start_type, bool whole_block,
			unsigned int alloc_flags)
{
	unsigned long pfn = page_to_pfn(m, page);
	int block_type = get_pfnblock_migratetype(m, pfn);
	unsigned long start_pfn, free_pages, movable_pages, alike_pages;

	if (block_type == MIGRATE_HIGHATOMIC)
		goto single_page;
	if (current_order >= m->pageblock_order) {
		del_page_from_free_list(m, page, zone, current_order,
					block_type);
		change_pageblock_range(m, pfn, current_order, start_type);
		expand(zone, page, order, current_order, start_type);
		return page;
	}
	/* Reclaim ahead of the next fallback: kswapd now, boosted. */
	if (boost_watermark(m, zone) && (alloc_flags & ALLOC_KSWAPD))
		wakeup_kswapd(m, zone, 0, 0, zone->type);
	if (!whole_block ||
	    !prep_move_freepages_block(m, zone, pfn, &start_pfn, &free_pages,
				       &movable_pages))
		goto single_page;
	if (start_type == MIGRATE_MOVABLE)
		alike_pages = movable_pages;
	else if (block_type == MIGRATE_MOVABLE)
		alike_pages =
			pageblock_nr_pages(m) - (free_pages + movable_pages);
	else
		alike_pages = 0;
	if (free_pages + alike_pages >= (1UL << (m->pageblock_order - 1)) ||
	    m->page_group_by_mobility_disabled) {
		__move_freepages_block(m, zone, start_pfn, start_type);
		return __rmqueue_smallest(m, zone, order, start_type);
	}
single_page:
	page_del_and_expand(m, zone, page, order, current_order, block_type);
	return page;
}

/*
 * No block of the asked type: take the largest block of a fallback type
 * (roughly the pageblock with most free pages), or, when a movable
 * request may not claim the pageblock, the smallest, so that it does
 * not split a large block it would only pollute. ALLOC_NOFRAGMENT
 * allows only whole pageblocks.
 */
static struct page *__rmqueue_fallback(struct machine *m, struct zone *zone,
				       unsigned int order,
				       int start_migratetype,
				       unsigned int alloc_flags)
{
	unsigned int min_order = order;
	int current_order, fallback_mt = -1;
	bool can_steal = false;
	struct page *page;

	if (order < m->pageblock_order && (alloc_flags & ALLOC_NOFRAGMENT))
		min_order = m->pageblock_order;
	for (current_order = (int)m->max_order; current_order >= (int)min_order;
	     current_order--) {
		fallback_mt = find_suitable_fallback(
			m, &zone->free_area[current_order],
			(unsigned int)current_order, start_migratetype, false,
			&can_steal);
		if (fallback_mt != -1)
			break;
	}
	if (fallback_mt == -1)
		return NULL;
	if (!can_steal && start_migratetype == MIGRATE_MOVABLE &&
	    (unsigned int)current_order > order) {
		for (current_order = (int)order;; current_order++) {
			fallback_mt = find_suitable_fallback(
				m, &zone->free_area[current_order],
				(unsigned int)current_order, start_migratetype,
				false, &can_steal);
			if (fallback_mt != -1)
				break;
		}
	}
	page = list_first_entry(
		&zone->free_area[current_order].free_list[fallback_mt],
		struct page, lru);
	return steal_suitable_fallback(
		m, zone, page, (unsigned int)current_order, order,
		start_migratetype, can_steal, alloc_flags);
}

/*
 * A movable request that may use CMA (ALLOC_CMA) takes from the CMA
 * lists first when they hold more than half the zone's free pages, so
 * that CMA pages are used and the rest of the zone is left to those
 * who cannot use them; and after its own type before any fallback,
 * which never claims a CMA block, as Linux's __rmqueue.
 */
static struct page *__rmqueue(struct machine *m, struct zone *zone,
			      unsigned int order, int migratetype,
			      unsigned int alloc_flags)
{
	struct page *page;

	if ((alloc_flags & ALLOC_CMA) &&
	    zone->vm_stat[NR_FREE_CMA_PAGES] >
		    zone->vm_stat[NR_FREE_PAGES] / 2) {
		page = __rmqueue_smallest(m, zone, order, MIGRATE_CMA);
		if (page)
			return page;
	}
	page = __rmqueue_smallest(m, zone, order, migratetype);
	if (!page && (alloc_flags & ALLOC_CMA))
		page = __rmqueue_smallest(m, zone, order, MIGRATE_CMA);
	if (!page)
		page = __rmqueue_fallback(m, zone, order, migratetype,
					  alloc_flags);
	return page;
}

void free_boot_pages(struct machine *m, unsigned long pfn, unsigned int order)
{
	struct zone *zone = page_zone(m, pfn_to_page(m, pfn));

	__free_one_page(m, zone, pfn, order, get_pfnblock_migratetype(m, pfn));
	zone->managed_pages += 1UL << order;
	zone->vm_stat[NR_FREE_PAGES] += 1L << order;
}

/*
 * One pageblock of a CMA area, reserved at boot and never given to the
 * buddy lists until now: MIGRATE_CMA, then freed whole and counted as
 * managed, as init_cma_reserved_pageblock.
 */
void init_cma_reserved_pageblock(struct machine *m, unsigned long pfn)
{
	struct zone *zone = page_zone(m, pfn_to_page(m, pfn));
	unsigned int order = m->pageblock_order;

	set_pageblock_migratetype(m, pfn, MIGRATE_CMA);
	free_boot_pages(m, pfn, order);
	zone->cma_pages += 1UL << order;
}

/*
 * The free block holding pfn's pageblock, when larger than a pageblock,
 * split so that the pageblock is a block of its own and the rest are
 * the largest blocks that fit, all of the same type, as
 * isolate_single_pageblock splits a free page across the range's edge:
 * then that pageblock can change type alone. Nothing merges here.
 */
void split_free_block_at(struct machine *m, struct zone *zone,
			 unsigned long pfn)
{
	unsigned long pb = pageblock_start_pfn(m, pfn);

	for (unsigned int o = m->pageblock_order + 1; o <= m->max_order; o++) {
		unsigned long head = pb & ~((1UL << o) - 1);
		struct page *page = pfn_to_page(m, head);
		int mt;

		if (head < zone->zone_start_pfn)
			return;
		if (!PageFlag(page, PG_buddy) || page->private < o)
			continue;
		mt = get_zone_pfnblock_migratetype(m, zone, head);
		o = page->private;
		del_page_from_free_list(m, page, zone, o, mt);
		while (o > m->pageblock_order) {
			unsigned long half = 1UL << --o;

			if (pb >= head + half) {
				add_to_free_list(page, zone, o, mt);
				head += half;
				page = pfn_to_page(m, head);
			} else {
				add_to_free_list(&page[half], zone, o, mt);
			}
		}
		add_to_free_list(page, zone, o, mt);
		return;
	}
}

/*
 * The free blocks of [start, end), whose pageblocks were isolated and
 * are migratetype again, back on that type's lists and merged with
 * their buddies, as unset_migratetype_isolate puts an isolated page
 * back: first every block moves (so that no buddy is on the isolate
 * lists any more), then each is freed again, merging.
 */
void putback_isolated_range(struct machine *m, struct zone *zone,
			    unsigned long start, unsigned long end,
			    int migratetype)
{
	for (unsigned long pfn = start; pfn < end; pfn += pageblock_nr_pages(m))
		__move_freepages_block(m, zone, pfn, migratetype);
	for (unsigned long pfn = start; pfn < end;) {
		struct page *page = pfn_to_page(m, pfn);
		unsigned int order;

		if (!PageFlag(page, PG_buddy)) {
			pfn++;
			continue;
		}
		order = page->private;
		del_page_from_free_list(m, page, zone, order, migratetype);
		__free_one_page(m, zone, pfn, order, migratetype);
		pfn += 1UL << order;
	}
}

/* ------------------------------------------------------------------ */
/* Per-CPU lists                                                       */

/* Move up to count blocks of one order and type to a per-CPU list. */
static __cold int rmqueue_bulk(struct machine *m, struct zone *zone,
			       unsigned int order, int count,
			       struct list_head *list, int migratetype,
			       unsigned int alloc_flags)
{
	int i;

	for (i = 0; i < count; i++) {
		struct page *page =
			__rmqueue(m, zone, order, migratetype, alloc_flags);

		if (!page)
			break;
		page->private = order;
		SetPageFlag(page, PG_pcp);
		list_add_tail(&page->lru, list);
	}
	zone->vm_stat[NR_FREE_PAGES] -= (long)i << order;
	return i;
}

/*
 * Give about count pages back to the buddy lists, coldest first, each
 * to the lists of the type its pageblock has now (it may have changed
 * while the page sat on a per-CPU list).
 */
/*
 * Give count pages back, from the lists in turn, starting with the list
 * pindex (the one a free just filled, drained first, as Linux's
 * free_pcppages_bulk does): the search for a non-empty list ends at
 * once in the common case, whatever the number of lists.
 */
static __cold void free_pcppages_bulk(struct machine *m, struct zone *zone,
				      int count, struct per_cpu_pages *pcp,
				      unsigned int pindex)
{
	pindex = pindex ? pindex - 1 : NR_PCP_LISTS - 1;
	while (count > 0 && pcp->count > 0) {
		struct list_head *list;
		struct page *page;
		unsigned int order;
		unsigned long pfn;

		do {
			if (++pindex == NR_PCP_LISTS)
				pindex = 0;
			list = &pcp->lists[pindex];
		} while (list_empty(list));

		order = pindex_to_order(pindex);
		page = list_last_entry(list, struct page, lru);
		list_del(&page->lru);
		ClearPageFlag(page, PG_pcp);
		page->private = 0;
		pcp->count -= 1 << order;
		count -= 1 << order;
		pfn = page_to_pfn(m, page);
		__free_one_page(m, zone, pfn, order,
				get_pfnblock_migratetype(m, pfn));
		zone->vm_stat[NR_FREE_PAGES] += 1L << order;
	}
}

static __always_inline struct page *
rmqueue_pcplist(struct machine *m, struct zone *zone, unsigned int order,
		int migratetype, unsigned int alloc_flags)
{
	struct per_cpu_pages *pcp = &zone->pcp[m->cpu];
	struct list_head *list =
		&pcp->lists[order_to_pindex(migratetype, order)];
	struct page *page;

	if (unlikely(list_empty(list))) {
		int batch = pcp->batch;

		/*
		 * As nr_pcp_alloc: one block when the lists are disabled
		 * (high below batch), else fewer blocks for higher orders.
		 */
		if (pcp->high < pcp->batch)
			batch = 1;
		else if (order)
			batch = (int)ulmax((unsigned long)batch >> order, 2);
		pcp->count += rmqueue_bulk(m, zone, order, batch, list,
					   migratetype, alloc_flags)
			      << order;
		if (list_empty(list))
			return NULL;
	}
	page = list_first_entry(list, struct page, lru);
	list_del(&page->lru);
	pcp->count -= 1 << order;
	return page;
}

/*
 * Onto the per-CPU list of the pageblock's type; highatomic and CMA
 * pages go to the movable list and isolated ones straight to the buddy
 * lists, as free_unref_page sends them.
 */
static void free_unref_page(struct machine *m, struct zone *zone,
			    struct page *page, unsigned int order)
{
	struct per_cpu_pages *pcp = &zone->pcp[m->cpu];
	unsigned long pfn = page_to_pfn(m, page);
	int mt = get_pfnblock_migratetype(m, pfn);

	if (unlikely(mt >= MIGRATE_PCPTYPES)) {
		if (mt == MIGRATE_ISOLATE) {
			page->private = 0;
			__free_one_page(m, zone, pfn, order, mt);
			zone->vm_stat[NR_FREE_PAGES] += 1L << order;
			return;
		}
		mt = MIGRATE_MOVABLE;
	}
	SetPageFlag(page, PG_pcp);
	list_add(&page->lru, &pcp->lists[order_to_pindex(mt, order)]);
	pcp->count += 1 << order;
	if (unlikely(pcp->count >= pcp->high))
		free_pcppages_bulk(m, zone, pcp->batch, pcp,
				   order_to_pindex(mt, order));
}

void drain_pages(struct machine *m, unsigned int cpu)
{
	for (unsigned int z = 0; z < nr_zone_slots(m); z++) {
		struct zone *zone = &m->zones[z];

		if (zone->pcp && cpu < m->nr_cpus)
			free_pcppages_bulk(m, zone, zone->pcp[cpu].count,
					   &zone->pcp[cpu], 0);
	}
}

void drain_all_pages(struct machine *m)
{
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++)
		drain_pages(m, cpu);
}

static void zone_set_pageset_high_and_batch(struct machine *m,
					    struct zone *zone);

/*
 * As Linux's zone_pcp_disable (memory hotplug): high 0 and batch 1 on
 * every CPU, lists drained, so that each allocation takes its block from
 * the buddy lists and each free gives it straight back, merged.
 */
void zone_pcp_disable(struct machine *m, struct zone *zone)
{
	if (!zone->pcp)
		return;
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++) {
		struct per_cpu_pages *pcp = &zone->pcp[cpu];

		pcp->high = 0;
		pcp->batch = 1;
		free_pcppages_bulk(m, zone, pcp->count, pcp, 0);
	}
}

/* The zone's usual high and batch again. */
void zone_pcp_enable(struct machine *m, struct zone *zone)
{
	if (zone->pcp)
		zone_set_pageset_high_and_batch(m, zone);
}

/* ------------------------------------------------------------------ */
/* Watermarks and zone choice                                          */

/* Movable requests may use CMA pageblocks, as gfp_to_alloc_flags_cma. */
static inline unsigned int gfp_to_alloc_flags_cma(const struct machine *m,
						  gfp_t gfp,
						  unsigned int alloc_flags)
{
	if (gfp_migratetype(m, gfp) == MIGRATE_MOVABLE)
		alloc_flags |= ALLOC_CMA;
	return alloc_flags;
}

unsigned int gfp_to_alloc_flags(gfp_t gfp, unsigned int order)
{
	unsigned int alloc_flags = ALLOC_WMARK_MIN;

	if (gfp & __GFP_HIGH)
		alloc_flags |= ALLOC_MIN_RESERVE;
	if (gfp & __GFP_KSWAPD_RECLAIM)
		alloc_flags |= ALLOC_KSWAPD;
	/* Callers that cannot reclaim may dip further, unless they opt out. */
	if (!(gfp & __GFP_DIRECT_RECLAIM) && !(gfp & __GFP_NOMEMALLOC)) {
		alloc_flags |= ALLOC_NON_BLOCK;
		if (order > 0)
			alloc_flags |= ALLOC_HIGHATOMIC;
	}
	return alloc_flags;
}

/*
 * Free pages an allocation may not count: the rest of its own block,
 * and the highatomic reserve unless it may use the reserves.
 */
static long zone_watermark_unusable_free(const struct zone *z,
					 unsigned int order,
					 unsigned int alloc_flags)
{
	long unusable = (1L << order) - 1;

	if (likely(!(alloc_flags & ALLOC_RESERVES)))
		unusable += (long)z->nr_reserved_highatomic;
	/* Who may not use CMA may not count its free pages. */
	if (!(alloc_flags & ALLOC_CMA))
		unusable += z->vm_stat[NR_FREE_CMA_PAGES];
	return unusable;
}

bool zone_watermark_ok(const struct zone *z, unsigned int order,
		       unsigned long mark, enum zone_type highest_zoneidx,
		       unsigned int alloc_flags)
{
	long min = (long)mark;
	long free_pages = z->vm_stat[NR_FREE_PAGES] -
			  zone_watermark_unusable_free(z, order, alloc_flags);

	if (alloc_flags & ALLOC_RESERVES) {
		/* __GFP_HIGH may use half the min reserve; atomic a bit more.
		 */
		if (alloc_flags & ALLOC_MIN_RESERVE) {
			min -= min / 2;
			if (alloc_flags & ALLOC_NON_BLOCK)
				min -= min / 4;
		}
		if (alloc_flags & ALLOC_OOM)
			min -= min / 2;
	}
	if (free_pages <= min + z->lowmem_reserve[highest_zoneidx])
		return false;
	if (!order)
		return true;
	/* A block of a type this caller may take, of the order or above. */
	for (unsigned int o = order; o < LAYOUT_MAX_ORDER_LIMIT + 1; o++) {
		const struct free_area *area = &z->free_area[o];

		if (!area->nr_free)
			continue;
		for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			if (!list_empty(&area->free_list[mt]))
				return true;
		if ((alloc_flags & ALLOC_CMA) &&
		    !list_empty(&area->free_list[MIGRATE_CMA]))
			return true;
		if ((alloc_flags & (ALLOC_HIGHATOMIC | ALLOC_OOM)) &&
		    !list_empty(&area->free_list[MIGRATE_HIGHATOMIC]))
			return true;
	}
	return false;
}

/* Order 0 well above the mark needs no more than one comparison. */
static __always_inline bool zone_watermark_fast(const struct zone *z,
						unsigned int order,
						unsigned long mark,
						enum zone_type highest_zoneidx,
						unsigned int alloc_flags)
{
	if (!order && z->vm_stat[NR_FREE_PAGES] - zone_watermark_unusable_free(
							  z, 0, alloc_flags) >
			      (long)mark + z->lowmem_reserve[highest_zoneidx])
		return true;
	/*
	 * A boost does not hold back __GFP_HIGH order-0 requests at the min
	 * watermark: kswapd is woken below low, and min stays the line.
	 */
	if (unlikely(!order && (alloc_flags & ALLOC_MIN_RESERVE) &&
		     z->watermark_boost &&
		     (alloc_flags & ALLOC_WMARK_MASK) == WMARK_MIN))
		mark = z->_watermark[WMARK_MIN];
	return zone_watermark_ok(z, order, mark, highest_zoneidx, alloc_flags);
}

/*
 * Free pages keep _mapcount -1 and mapping and index 0 (the checker
 * holds every user to that), so a new block needs only its state and its
 * first reference.
 */
static __always_inline void set_page_allocated(struct page *page,
					       unsigned int order)
{
	page->flags = (page->flags & ~PG_STATE_MASK) | (1u << PG_head);
	page->private = order;
	page->_refcount = 1;
}

static __always_inline void prep_new_page(struct machine *m, struct page *page,
					  unsigned int order, gfp_t gfp)
{
	set_page_allocated(page, order);
	if (gfp & __GFP_ZERO)
		memset(pfn_to_ram(m, page_to_pfn(m, page)), 0,
		       m->page_size << order);
}

void split_page(struct machine *m, struct page *page, unsigned int order)
{
	unsigned long nr = 1UL << order;

	for (unsigned long i = 1; i < nr; i++) {
		set_page_allocated(&page[i], 0);
		page[i].owner = page->owner;
	}
	page->private = 0;
	for (unsigned long i = 0; m->page_owner && i < nr; i++)
		__set_page_owner(m, &page[i], 0, GFP_TRANSHUGE);
}

/*
 * A high-order atomic allocation looks in the highatomic reserve first;
 * one that would otherwise fail and may not block takes from it too.
 */
/*
 * Compaction's free scanner takes a whole free block, as
 * __isolate_free_page, unless that would leave the zone below its min
 * watermark; its pages become allocated order-0 pages (split_map_pages)
 * for migration targets. A block of half a pageblock or more turns its
 * pageblocks movable, as Linux does, since movable pages will fill it.
 * Returns the pages taken, 0 if none.
 */
unsigned long isolate_free_block(struct machine *m, struct page *page,
				 unsigned int order)
{
	struct zone *zone = page_zone(m, page);
	unsigned long pfn = page_to_pfn(m, page), nr = 1UL << order;
	int mt = get_zone_pfnblock_migratetype(m, zone, pfn);

	if (mt != MIGRATE_ISOLATE &&
	    !zone_watermark_ok(zone, 0, min_wmark_pages(zone) + nr, 0, 0))
		return 0;
	del_page_from_free_list(m, page, zone, order, mt);
	zone->vm_stat[NR_FREE_PAGES] -= (long)nr;
	if (order + 1 == m->pageblock_order && migratetype_is_mergeable(mt))
		move_freepages_block(m, zone, pfn, MIGRATE_MOVABLE);
	else if (order >= m->pageblock_order && migratetype_is_mergeable(mt))
		change_pageblock_range(m, pfn, order, MIGRATE_MOVABLE);
	for (unsigned long i = 0; i < nr; i++) {
		set_page_allocated(&page[i], 0);
		set_page_owner(m, &page[i], 0, GFP_HIGHUSER_MOVABLE);
	}
	return nr;
}

static __cold struct page *rmqueue_buddy(struct machine *m, struct zone *zone,
					 unsigned int order, int migratetype,
					 unsigned int alloc_flags)
{
	struct page *page = NULL;

	if (order > 0 && (alloc_flags & ALLOC_HIGHATOMIC))
		page = __rmqueue_smallest(m, zone, order, MIGRATE_HIGHATOMIC);
	if (!page)
		page = __rmqueue(m, zone, order, migratetype, alloc_flags);
	if (!page && (alloc_flags & (ALLOC_OOM | ALLOC_NON_BLOCK)))
		page = __rmqueue_smallest(m, zone, order, MIGRATE_HIGHATOMIC);
	if (page)
		zone->vm_stat[NR_FREE_PAGES] -= 1L << order;
	return page;
}

static __always_inline struct page *rmqueue(struct machine *m,
					    struct zone *zone,
					    unsigned int order, int migratetype,
					    unsigned int alloc_flags)
{
	if (order <= PAGE_ALLOC_COSTLY_ORDER) {
		struct page *page = rmqueue_pcplist(m, zone, order, migratetype,
						    alloc_flags);

		if (likely(page))
			return page;
	}
	return rmqueue_buddy(m, zone, order, migratetype, alloc_flags);
}

/*
 * A high-order atomic allocation succeeded: keep its pageblock for the
 * next ones, up to about 1% of the zone (none if that is under one
 * pageblock), as reserve_highatomic_pageblock.
 */
static void reserve_highatomic_pageblock(struct machine *m, struct page *page,
					 unsigned int order, struct zone *zone)
{
	unsigned long nr = pageblock_nr_pages(m);
	unsigned long max_managed = zone->managed_pages / 100;
	unsigned long pfn = page_to_pfn(m, page);
	int mt;

	if (max_managed < nr)
		return;
	max_managed = (max_managed + nr - 1) & ~(nr - 1);
	if (zone->nr_reserved_highatomic >= max_managed)
		return;
	mt = get_pfnblock_migratetype(m, pfn);
	if (!migratetype_is_mergeable(mt))
		return;
	if (order < m->pageblock_order) {
		if (move_freepages_block(m, zone, pfn, MIGRATE_HIGHATOMIC) < 0)
			return;
		zone->nr_reserved_highatomic += nr;
	} else {
		change_pageblock_range(m, pfn, order, MIGRATE_HIGHATOMIC);
		zone->nr_reserved_highatomic += 1UL << order;
	}
}

/* What one allocation walks, as Linux's struct alloc_context. */
struct alloc_context {
	struct zonelist *zonelist;
	const nodemask_t *nodemask;
	struct zone *preferred_zone; /* the first zone the walk may use */
	enum zone_type highest_zoneidx;
};

/*
 * Give highatomic pageblocks back to the caller's type when reclaim
 * fails; one is kept per zone unless force (the last step before OOM),
 * as unreserve_highatomic_pageblock. True when a block was given back.
 */
static bool unreserve_highatomic_pageblock(struct machine *m,
					   const struct alloc_context *ac,
					   int migratetype, bool force)
{
	struct zone **z, *zone;

	for_each_zone_zonelist_nodemask(zone, z, ac->zonelist,
					ac->highest_zoneidx, ac->nodemask)
	{
		if (!force &&
		    zone->nr_reserved_highatomic <= pageblock_nr_pages(m))
			continue;
		for (unsigned int o = 0; o <= m->max_order; o++) {
			struct list_head *list =
				&zone->free_area[o]
					 .free_list[MIGRATE_HIGHATOMIC];
			struct page *page;
			unsigned long pfn, size;

			if (list_empty(list))
				continue;
			page = list_first_entry(list, struct page, lru);
			pfn = page_to_pfn(m, page);
			size = ulmin(ulmax(pageblock_nr_pages(m), 1UL << o),
				     zone->nr_reserved_highatomic);
			zone->nr_reserved_highatomic -= size;
			if (o < m->pageblock_order) {
				move_freepages_block(m, zone, pfn, migratetype);
			} else {
				move_to_free_list(m, page, zone, o,
						  MIGRATE_HIGHATOMIC,
						  migratetype);
				change_pageblock_range(m, pfn, o, migratetype);
			}
			return true;
		}
	}
	return false;
}

/*
 * On a machine with DMA32 below Normal, an allocation whose first zone
 * is Normal first tries every zone without splitting other types'
 * pageblocks, as alloc_flags_nofragment: falling back to DMA32 whole is
 * better than mixing types in Normal. With several nodes, only where
 * the preferred node has a DMA32 zone to fall back to.
 */
static unsigned int alloc_flags_nofragment(const struct machine *m,
					   const struct zone *zone)
{
	if (m->layout.arch != ARCH_X86_64 || !zone || zone->type != ZONE_NORMAL)
		return 0;
	if (m->nr_node_ids > 1 && !populated_zone(zone - 1))
		return 0;
	return ALLOC_NOFRAGMENT;
}

/*
 * The NUMA events of one allocation, as zone_statistics: a hit on the
 * preferred node or a miss there and a foreign on the preferred zone;
 * local or other by the node of the CPU that asked.
 */
static inline void zone_statistics(const struct machine *m,
				   struct zone *preferred, struct zone *z,
				   unsigned long nr)
{
	if (z->node == preferred->node) {
		z->vm_numa_event[NUMA_HIT] += nr;
	} else {
		z->vm_numa_event[NUMA_MISS] += nr;
		preferred->vm_numa_event[NUMA_FOREIGN] += nr;
	}
	z->vm_numa_event[z->node == numa_node_id(m) ? NUMA_LOCAL
						    : NUMA_OTHER] += nr;
}

/*
 * A zone below its mark, with zone_reclaim_mode on: a node near enough
 * to the preferred one (zone_allows_reclaim) reclaims first, and the
 * zone is taken if that lifted it over the mark, as
 * get_page_from_freelist calls node_reclaim before falling back.
 */
static bool node_reclaimed_enough(struct machine *m, struct zone *zone,
				  gfp_t gfp, unsigned int order,
				  unsigned long mark, unsigned int alloc_flags,
				  const struct alloc_context *ac)
{
	if (!node_reclaim_enabled(m) ||
	    node_distance(m, ac->preferred_zone->node, zone->node) >
		    RECLAIM_DISTANCE)
		return false;
	if (node_reclaim(m, NODE_DATA(m, zone->node), gfp, order) <
	    NODE_RECLAIM_SOME)
		return false;
	return zone_watermark_ok(zone, order, mark, ac->highest_zoneidx,
				 alloc_flags);
}

/* Walk the zonelist: the nodes by distance, each from its highest zone. */
static __always_inline struct page *
get_page_from_freelist(struct machine *m, gfp_t gfp, unsigned int order,
		       unsigned int alloc_flags, const struct alloc_context *ac)
{
	int migratetype = gfp_migratetype(m, gfp);
	struct zone **z, *zone;

retry:
	for_each_zone_zonelist_nodemask(zone, z, ac->zonelist,
					ac->highest_zoneidx, ac->nodemask)
	{
		unsigned long mark;
		struct page *page;

		if (!managed_zone(zone))
			continue;
		/* Nofragment keeps to the preferred node, as Linux's does. */
		if ((alloc_flags & ALLOC_NOFRAGMENT) &&
		    zone->node != ac->preferred_zone->node)
			continue;
		mark = wmark_pages(
			zone,
			(enum zone_watermarks)(alloc_flags & ALLOC_WMARK_MASK));
		if (!(alloc_flags & ALLOC_NO_WATERMARKS) &&
		    !zone_watermark_fast(zone, order, mark, ac->highest_zoneidx,
					 alloc_flags) &&
		    !node_reclaimed_enough(m, zone, gfp, order, mark,
					   alloc_flags, ac))
			continue;
		page = rmqueue(m, zone, order, migratetype, alloc_flags);
		if (page) {
			prep_new_page(m, page, order, gfp);
			zone->vm_events[PGALLOC] += 1UL << order;
			zone_statistics(m, ac->preferred_zone, zone,
					1UL << order);
			if (unlikely(alloc_flags & ALLOC_HIGHATOMIC))
				reserve_highatomic_pageblock(m, page, order,
							     zone);
			return page;
		}
	}
	if (alloc_flags & ALLOC_NOFRAGMENT) {
		alloc_flags &= ~ALLOC_NOFRAGMENT;
		goto retry;
	}
	return NULL;
}

/* Wake the kswapd of every node the allocation may use, as Linux's. */
static void wake_all_kswapds(struct machine *m, gfp_t gfp, unsigned int order,
			     const struct alloc_context *ac)
{
	struct zone **z, *zone;

	for_each_zone_zonelist_nodemask(zone, z, ac->zonelist,
					ac->highest_zoneidx, ac->nodemask)
		wakeup_kswapd(m, zone, gfp, order, ac->highest_zoneidx);
}

/*
 * should_reclaim_retry: a pass that made progress for a non-costly order
 * starts the count of passes again (a costly one always counts, as its
 * block may never come); past MAX_RECLAIM_RETRIES, or when no zone would
 * be over its min watermark (a boost included) even with every page it
 * could reclaim freed, reclaim stops.
 */
static bool should_reclaim_retry(const struct machine *m, unsigned int order,
				 enum zone_type highest_zoneidx,
				 unsigned long progress, int *no_progress_loops)
{
	bool swap = nr_free_swap_pages(m) > 0;

	if (progress && order <= PAGE_ALLOC_COSTLY_ORDER)
		*no_progress_loops = 0;
	else
		(*no_progress_loops)++;
	if (*no_progress_loops >= MAX_RECLAIM_RETRIES)
		return false;
	for (unsigned int z = 0; z < nr_zone_slots(m); z++) {
		const struct zone *zone = &m->zones[z];
		long available = zone->vm_stat[NR_FREE_PAGES] +
				 zone->vm_stat[NR_ZONE_INACTIVE_FILE] +
				 zone->vm_stat[NR_ZONE_ACTIVE_FILE];

		if (swap)
			available += zone->vm_stat[NR_ZONE_INACTIVE_ANON] +
				     zone->vm_stat[NR_ZONE_ACTIVE_ANON];
		if (zone->type <= highest_zoneidx && managed_zone(zone) &&
		    available > (long)min_wmark_pages(zone) +
					zone->lowmem_reserve[highest_zoneidx])
			return true;
	}
	return false;
}

/*
 * Reclaim and retry while reclaim makes progress and should_reclaim_retry
 * allows; a pass without progress ends it (nothing else runs meanwhile
 * that could free memory, so the next pass would find none either), and
 * so does the MAX_DIRECT_RECLAIM_PASSES-th: one request may not hold the
 * machine for ever, whatever reclaim claims (Linux's allocator would
 * sleep and let others run meanwhile).
 * __GFP_NORETRY asks for one pass and no more: the slow path gives up
 * after the first __alloc_pages_direct_reclaim. Each pass is one
 * allocstall, counted against the highest zone allowed, as
 * do_try_to_free_pages counts it.
 */
static struct page *direct_reclaim(struct machine *m, gfp_t gfp,
				   unsigned int order, unsigned int alloc_flags,
				   const struct alloc_context *ac)
{
	int no_progress_loops = 0;

	for (int pass = 1;; pass++) {
		unsigned long progress;
		struct page *page;

		m->zones[ac->preferred_zone->node * MAX_NR_ZONES +
			 ac->highest_zoneidx]
			.vm_events[ALLOCSTALL]++;
		m->reclaim_zonelist = ac->zonelist;
		m->reclaim_nodemask = ac->nodemask;
		progress = m->reclaim
				   ? m->reclaim(m, gfp, order, m->reclaim_data)
				   : 0;
		m->reclaim_zonelist = NULL;
		m->reclaim_nodemask = NULL;
		page = get_page_from_freelist(m, gfp, order, alloc_flags, ac);
		if (page || !progress || (gfp & __GFP_NORETRY) ||
		    pass == MAX_DIRECT_RECLAIM_PASSES)
			return page;
		if (!should_reclaim_retry(m, order, ac->highest_zoneidx,
					  progress, &no_progress_loops))
			return NULL;
	}
}

/*
 * Reclaim is done and the request still fails a boosted watermark. On
 * Linux the allocator would loop meanwhile, and kswapd, woken by the
 * boost, would reclaim and take the boost off (balance_pgdat); the
 * machine runs no kswapd beside the caller, so the caller does that
 * last part itself: the boosts of the zones it may use go. True when
 * there was one.
 */
static bool unboost_zones(struct machine *m, enum zone_type highest_zoneidx)
{
	bool boosted = false;

	for (unsigned int z = 0; z < nr_zone_slots(m); z++) {
		struct zone *zone = &m->zones[z];

		if (zone->type > highest_zoneidx)
			continue;
		boosted |= zone->watermark_boost != 0;
		zone->watermark_boost = 0;
	}
	return boosted;
}

/*
 * Whether the OOM killer may run for this request, as
 * __alloc_pages_may_oom decides: it does not help costly orders, the
 * caller of __GFP_RETRY_MAYFAIL has a fallback better than a killing,
 * __GFP_THISNODE asks for memory a kill may not free on that node, a
 * request limited to DMA or DMA32 would kill for zones few processes
 * use, and IO-less reclaim (no __GFP_FS) is not compensated for by
 * killing (out_of_memory). __GFP_NORETRY gave up before, after reclaim.
 */
static bool oom_may_help(gfp_t gfp, unsigned int order,
			 enum zone_type highest_zoneidx)
{
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		return false;
	if (gfp & (__GFP_NORETRY | __GFP_RETRY_MAYFAIL | __GFP_THISNODE))
		return false;
	if (highest_zoneidx < ZONE_NORMAL)
		return false;
	return gfp & __GFP_FS;
}

/*
 * Reclaim gave nothing: let the OOM killer free a process's memory and
 * try again, as __alloc_pages_may_oom, for the requests it serves.
 */
static struct page *alloc_pages_may_oom(struct machine *m, gfp_t gfp,
					unsigned int order,
					unsigned int alloc_flags,
					const struct alloc_context *ac)
{
	if (!oom_may_help(gfp, order, ac->highest_zoneidx))
		return NULL;
	for (int kills = 0;
	     kills < 4 && out_of_memory(m, gfp, order, ac->nodemask); kills++) {
		struct page *page =
			get_page_from_freelist(m, gfp, order, alloc_flags, ac);

		if (page)
			return page;
	}
	return NULL;
}

/*
 * A failed allocation says so, as warn_alloc: who, the order, the mask
 * by name, then the memory summary; not for __GFP_NOWARN, nor while
 * the machine's driver retries a call whose failure it logged already.
 */
static void warn_alloc(struct machine *m, gfp_t gfp, unsigned int order,
		       const nodemask_t *nodemask)
{
	const struct task_struct *t =
		m->current_pid ? find_task_by_pid(m, m->current_pid) : NULL;
	char names[256], mask[32], online[32];

	if ((gfp & __GFP_NOWARN) || m->alloc_retrying)
		return;
	if (nodemask)
		nodelist_format(*nodemask, mask, sizeof(mask));
	nodelist_format(m->node_online_map, online, sizeof(online));
	printk(m,
	       "%s: page allocation failure: order:%u, mode:%#x(%s), "
	       "nodemask=%s,cpuset=/,mems_allowed=%s",
	       t ? t->comm : "swapper/0", order, gfp,
	       format_gfp(names, sizeof(names), gfp),
	       nodemask ? mask : "(null)", online);
	printk(m, "CPU: %u PID: %d Comm: %s", m->cpu, m->current_pid,
	       t ? t->comm : "swapper/0");
	show_mem(m);
}

/*
 * Compact, then try again, as __alloc_pages_direct_compact: a stall
 * that ends in success or failure, unless every zone skipped it.
 */
static struct page *direct_compact(struct machine *m, gfp_t gfp,
				   unsigned int order, unsigned int alloc_flags,
				   const struct alloc_context *ac,
				   enum compact_priority prio,
				   enum compact_result *result)
{
	struct page *page;

	*result = COMPACT_SKIPPED;
	if (!order)
		return NULL;
	*result = try_to_compact_pages(m, gfp, order, alloc_flags,
				       ac->highest_zoneidx, prio);
	if (*result == COMPACT_SKIPPED)
		return NULL;
	m->vm_events[COMPACTSTALL]++;
	page = get_page_from_freelist(m, gfp, order, alloc_flags, ac);
	if (page) {
		compaction_defer_reset(page_zone(m, page), (int)order, true);
		m->vm_events[COMPACTSUCCESS]++;
		return page;
	}
	m->vm_events[COMPACTFAIL]++;
	return NULL;
}

static __cold struct page *alloc_pages_slowpath(struct machine *m, gfp_t gfp,
						unsigned int order,
						const struct alloc_context *ac)
{
	unsigned int alloc_flags =
		gfp_to_alloc_flags_cma(m, gfp, gfp_to_alloc_flags(gfp, order));
	struct page *page;

	if (alloc_flags & ALLOC_KSWAPD)
		wake_all_kswapds(m, gfp, order, ac);
	page = get_page_from_freelist(m, gfp, order, alloc_flags, ac);
	if (page)
		return page;

	if (gfp & __GFP_DIRECT_RECLAIM) {
		bool costly = order > PAGE_ALLOC_COSTLY_ORDER;
		enum compact_result compact_result;

		/*
		 * Costly and unmovable high orders compact first, async: base
		 * pages may well be there, only scattered. A costly
		 * __GFP_NORETRY request that compaction skipped or deferred
		 * gives up here, as reclaim would hardly make it a block.
		 */
		if (costly ||
		    (order > 0 && gfp_migratetype(m, gfp) != MIGRATE_MOVABLE)) {
			page = direct_compact(m, gfp, order, alloc_flags, ac,
					      INIT_COMPACT_PRIORITY,
					      &compact_result);
			if (page)
				return page;
			if (costly && (gfp & __GFP_NORETRY) &&
			    (compact_result == COMPACT_SKIPPED ||
			     compact_result == COMPACT_DEFERRED))
				goto nopage;
		}
		drain_all_pages(m);
		page = direct_reclaim(m, gfp, order, alloc_flags, ac);
		if (!page && unboost_zones(m, ac->highest_zoneidx))
			page = get_page_from_freelist(m, gfp, order,
						      alloc_flags, ac);
		if (page)
			return page;
		/* After reclaim, compaction again, now migrating in sync. */
		page = direct_compact(m, gfp, order, alloc_flags, ac,
				      COMPACT_PRIO_SYNC_LIGHT, &compact_result);
		if (page)
			return page;
		/* Before OOM, the highatomic reserve goes, block by block. */
		while (!page && unreserve_highatomic_pageblock(
					m, ac, gfp_migratetype(m, gfp), true))
			page = get_page_from_freelist(m, gfp, order,
						      alloc_flags, ac);
		if (page)
			return page;
		page = alloc_pages_may_oom(m, gfp, order, alloc_flags, ac);
		if (page)
			return page;
	}

nopage:
	if (gfp & __GFP_NOFAIL)
		return ERR_PTR(
			mm_refuse(m, BAD_NONE, -EAGAIN,
				  "order-%u allocation must wait for memory "
				  "(__GFP_NOFAIL)",
				  order));
	warn_alloc(m, gfp, order, ac->nodemask);
	return ERR_PTR(mm_refuse(
		m, BAD_NONE, -ENOMEM,
		"out of memory: no zone up to %s can give an order-%u block",
		zone_type_name(ac->highest_zoneidx), order));
}

/* No zone on the nodes allowed is low enough: nothing to reclaim for. */
static __cold struct page *alloc_pages_nozone(struct machine *m, gfp_t gfp,
					      unsigned int order,
					      const struct alloc_context *ac)
{
	warn_alloc(m, gfp, order, ac->nodemask);
	return ERR_PTR(mm_refuse(m, BAD_NONE, -ENOMEM,
				 "out of memory: the nodes allowed have no "
				 "zone up to %s",
				 zone_type_name(ac->highest_zoneidx)));
}

/*
 * Every allocation that the per-CPU fast path below does not serve:
 * preferred_nid's zonelist (its own node alone for __GFP_THISNODE),
 * limited to nodemask when there is one, as Linux's __alloc_pages.
 */
__noinline struct page *__alloc_pages(struct machine *m, gfp_t gfp,
				      unsigned int order, int preferred_nid,
				      const nodemask_t *nodemask)
{
	struct alloc_context ac = {.nodemask = nodemask};
	int highest_zoneidx;
	struct page *page;

	if (unlikely(order > m->max_order))
		return ERR_PTR(mm_refuse(m, BAD_ORDER, -EINVAL,
					 "order %u is above max_order %u",
					 order, m->max_order));
	highest_zoneidx = m->gfp_zone_table[gfp & GFP_ZONEMASK];
	if (unlikely((gfp & ~__GFP_BITS_MASK) || highest_zoneidx < 0))
		return ERR_PTR(mm_refuse(m, BAD_GFP, -EINVAL,
					 "gfp mask %#x makes no sense", gfp));
	if (unlikely((gfp & GFP_MOVABLE_MASK) == GFP_MOVABLE_MASK))
		return ERR_PTR(mm_refuse(m, BAD_GFP, -EINVAL,
					 "gfp mask %#x is both movable and "
					 "reclaimable",
					 gfp));
	if (unlikely(preferred_nid < 0 || preferred_nid >= (int)m->nr_node_ids))
		return ERR_PTR(mm_refuse(m, BAD_NONE, -EINVAL,
					 "node %d is not online",
					 preferred_nid));
	ac.highest_zoneidx = (enum zone_type)highest_zoneidx;
	ac.zonelist = node_zonelist(m, preferred_nid, gfp);
	ac.preferred_zone =
		first_zones_zonelist(ac.zonelist, ac.highest_zoneidx, nodemask);
	if (unlikely(!ac.preferred_zone))
		return alloc_pages_nozone(m, gfp, order, &ac);
	/* ALLOC_KSWAPD too, as alloc_flags_nofragment: a boost wakes it. */
	page = get_page_from_freelist(
		m, gfp, order,
		gfp_to_alloc_flags_cma(
			m, gfp,
			ALLOC_WMARK_LOW |
				(gfp & __GFP_KSWAPD_RECLAIM ? ALLOC_KSWAPD
							    : 0) |
				alloc_flags_nofragment(m, ac.preferred_zone)),
		&ac);
	if (page)
		return page;
	return alloc_pages_slowpath(m, gfp, order, &ac);
}

/*
 * list_del of a list's first entry, whose prev is the head itself: not
 * read, so that the unlink waits on no more than the page's next. (The
 * free just before wrote next and prev as one 16-byte store, which many
 * CPUs cannot forward to a load of its upper half.)
 */
static __always_inline struct page *pcp_list_del_first(struct list_head *list)
{
	struct list_head *first = list->next, *next = first->next;

	list->next = next;
	next->prev = list;
	return list_entry(first, struct page, lru);
}

/*
 * The common case: one page, not zeroed, from the first zone's per-CPU
 * list, above the low mark. Doing no call, it saves no register; NULL
 * sends the caller down the full path, which makes the same checks (and
 * all the others) again, so both give the same page.
 */
static __always_inline struct page *
alloc_page_pcp_fast(struct machine *m, gfp_t gfp, unsigned int order)
{
	struct per_cpu_pages *pcp;
	struct list_head *list;
	struct zone *zone;
	struct page *page;
	int z;

	if (order || (gfp & (~__GFP_BITS_MASK | __GFP_ZERO)) ||
	    (gfp & GFP_MOVABLE_MASK) == GFP_MOVABLE_MASK)
		return NULL;
	z = m->gfp_zone_table[gfp & GFP_ZONEMASK];
	if (z < 0)
		return NULL;
	zone = &m->zones[numa_node_id(m) * MAX_NR_ZONES + z];
	/* zone_watermark_fast's first test, for order 0 at the low mark. */
	if (!managed_zone(zone) ||
	    zone->vm_stat[NR_FREE_PAGES] - (long)zone->nr_reserved_highatomic -
			    (gfp_migratetype(m, gfp) == MIGRATE_MOVABLE
				     ? 0
				     : zone->vm_stat[NR_FREE_CMA_PAGES]) <=
		    (long)low_wmark_pages(zone) + zone->lowmem_reserve[z])
		return NULL;
	pcp = &zone->pcp[m->cpu];
	list = &pcp->lists[order_to_pindex(gfp_migratetype(m, gfp), 0)];
	if (list_empty(list))
		return NULL;
	page = pcp_list_del_first(list);
	pcp->count--;
	set_page_allocated(page, 0);
	zone->vm_events[PGALLOC]++;
	zone->vm_numa_event[NUMA_HIT]++;
	zone->vm_numa_event[NUMA_LOCAL]++;
	return page;
}

/*
 * Everything alloc_page_pcp_fast does not take: a memory policy, an
 * empty list, a watermark, page_owner. Apart, so that the fast path
 * saves no register: it calls nothing.
 */
static __noinline struct page *alloc_pages_slow(struct machine *m, gfp_t gfp,
						unsigned int order,
						struct page *page)
{
	if (!page) {
		if (unlikely(m->mempolicy &&
			     m->mempolicy->mode != MPOL_DEFAULT) &&
		    !(gfp & __GFP_THISNODE))
			page = alloc_pages_mpol(m, gfp, order, m->mempolicy,
						NO_INTERLEAVE_INDEX,
						numa_node_id(m));
		if (!page)
			page = __alloc_pages(m, gfp, order, numa_node_id(m),
					     NULL);
	}
	if (unlikely(m->page_owner) && !IS_ERR(page))
		__set_page_owner(m, page, order, gfp);
	return page;
}

/*
 * A kernel allocation for the current task follows the task's policy,
 * as Linux's alloc_pages, unless it asks for this node alone; the
 * default policy takes the per-CPU fast path on the local node.
 */
struct page *alloc_pages(struct machine *m, gfp_t gfp, unsigned int order)
{
	struct page *page = NULL;

	might_alloc(m, gfp);
	if (likely(!m->mempolicy || m->mempolicy->mode == MPOL_DEFAULT ||
		   (gfp & __GFP_THISNODE))) {
		page = alloc_page_pcp_fast(m, gfp, order);
		if (likely(page && !m->page_owner))
			return page;
	}
	return alloc_pages_slow(m, gfp, order, page);
}

struct page *alloc_pages_node(struct machine *m, int nid, gfp_t gfp,
			      unsigned int order)
{
	struct page *page;

	might_alloc(m, gfp);
	if (nid == NUMA_NO_NODE)
		nid = numa_node_id(m);
	page = __alloc_pages(m, gfp, order, nid, NULL);
	if (unlikely(m->page_owner) && !IS_ERR(page))
		__set_page_owner(m, page, order, gfp);
	return page;
}

/* ------------------------------------------------------------------ */
/* Freeing, with every check made before anything changes              */

/* The first page of the block that covers pfn, or ULONG_MAX. */
unsigned long find_block_head(const struct machine *m, unsigned long pfn)
{
	for (unsigned int o = 1; o <= m->max_order; o++) {
		unsigned long head = pfn & ~((1UL << o) - 1);
		const struct page *page = pfn_to_page(m, head);

		if (head == pfn)
			continue;
		if (!(page->flags &
		      ((1u << PG_buddy) | (1u << PG_pcp) | (1u << PG_head))))
			continue;
		if (head + (1UL << page->private) > pfn)
			return head;
		return ULONG_MAX;
	}
	return ULONG_MAX;
}

unsigned long pfn_to_block_head(const struct machine *m, unsigned long pfn)
{
	unsigned long head;

	if (!pfn_valid(m, pfn))
		return ULONG_MAX;
	if (PageFlag(pfn_to_page(m, pfn), PG_head))
		return pfn;
	head = find_block_head(m, pfn);
	if (head == ULONG_MAX || !PageFlag(pfn_to_page(m, head), PG_head))
		return ULONG_MAX;
	return head;
}

static __cold int refuse_not_allocated(struct machine *m, unsigned long pfn)
{
	const struct page *page = pfn_to_page(m, pfn);
	unsigned long head;

	if (PageFlag(page, PG_hole))
		return mm_refuse(m, BAD_PFN, -EINVAL,
				 "pfn %#lx lies in a hole: no RAM there", pfn);
	if (PageFlag(page, PG_reserved))
		return mm_refuse(m, BAD_FREE_RESERVED, -EINVAL,
				 "pfn %#lx is reserved, never allocated", pfn);
	if (PageFlag(page, PG_buddy) || PageFlag(page, PG_pcp))
		return mm_refuse(m, BAD_DOUBLE_FREE, -EINVAL,
				 "pfn %#lx is already free", pfn);
	head = find_block_head(m, pfn);
	if (head != ULONG_MAX && PageFlag(pfn_to_page(m, head), PG_head))
		return mm_refuse(m, BAD_FREE_TAIL, -EINVAL,
				 "pfn %#lx is a tail page of the order-%u "
				 "block at pfn %#lx",
				 pfn, pfn_to_page(m, head)->private, head);
	return mm_refuse(m, BAD_DOUBLE_FREE, -EINVAL,
			 "pfn %#lx is already free (inside a free block)", pfn);
}

static __always_inline void free_the_page(struct machine *m, struct page *page,
					  unsigned int order)
{
	struct zone *zone = page_zone(m, page);

	if (unlikely(page->memcg)) /* whoever frees it, the charge goes */
		mem_cgroup_uncharge(m, page, order);
	reset_page_owner(m, page, order);
	page->flags &= ~PG_STATE_MASK;
	m->vm_events[PGFREE] += 1UL << order;
	if (order <= PAGE_ALLOC_COSTLY_ORDER) {
		free_unref_page(m, zone, page, order);
		return;
	}
	page->private = 0;
	__free_one_page(m, zone, page_to_pfn(m, page), order,
			get_pfnblock_migratetype(m, page_to_pfn(m, page)));
	zone->vm_stat[NR_FREE_PAGES] += 1L << order;
}

static __cold int refuse_free(struct machine *m, unsigned long pfn,
			      unsigned int order)
{
	const struct page *page;

	if (!pfn_valid(m, pfn))
		return mm_refuse(m, BAD_PFN, -EINVAL,
				 "pfn %#lx is outside RAM (%lu frames)", pfn,
				 m->max_pfn);
	if (order > m->max_order)
		return mm_refuse(m, BAD_ORDER, -EINVAL,
				 "order %u is above max_order %u", order,
				 m->max_order);
	page = pfn_to_page(m, pfn);
	if (!PageFlag(page, PG_head))
		return refuse_not_allocated(m, pfn);
	return mm_refuse(m, BAD_FREE_ORDER, -EINVAL,
			 "pfn %#lx was allocated with order %u, freed with "
			 "order %u",
			 pfn, page->private, order);
}

/*
 * Shared by every way of freeing, so that none pays a second call. The
 * caller has made sure page is an entry of mem_map.
 */
static __always_inline int
__free_valid_page(struct machine *m, struct page *page, unsigned int order)
{
	/* One test for the good case: an allocated head of this order. */
	if (unlikely(order > m->max_order || !PageFlag(page, PG_head) ||
		     page->private != order))
		return refuse_free(m, page_to_pfn(m, page), order);
	if (--page->_refcount == 0)
		free_the_page(m, page, order);
	return 0;
}

int free_pages_pfn(struct machine *m, unsigned long pfn, unsigned int order)
{
	if (unlikely(!pfn_valid(m, pfn)))
		return refuse_free(m, pfn, order);
	return __free_valid_page(m, pfn_to_page(m, pfn), order);
}

/* A struct page pointer names a pfn only if it points into mem_map. */
static unsigned long page_pointer_to_pfn(const struct machine *m,
					 const struct page *page)
{
	uintptr_t off = (uintptr_t)page - (uintptr_t)m->mem_map;

	if (off % sizeof(struct page))
		return ULONG_MAX;
	return (unsigned long)(off / sizeof(struct page));
}

static __cold int refuse_pointer(struct machine *m, const struct page *page,
				 unsigned int order)
{
	return refuse_free(m, page_pointer_to_pfn(m, page), order);
}

/* Is page an entry of mem_map? Checked without a division. */
static __always_inline bool in_mem_map(const struct machine *m,
				       const struct page *page)
{
	uintptr_t off = (uintptr_t)page - (uintptr_t)m->mem_map;

	return off < m->mem_map_bytes && off % sizeof(struct page) == 0;
}

/* Every free that the per-CPU fast path below does not take. */
static __noinline int __free_pages_slow(struct machine *m, struct page *page,
					unsigned int order)
{
	if (unlikely(!in_mem_map(m, page)))
		return refuse_pointer(m, page, order);
	return __free_valid_page(m, page, order);
}

/*
 * The common case: the last reference to an allocated block of a
 * per-CPU order, onto a list that stays below its high mark, so nothing
 * drains. Doing no call, it saves no register; false leaves everything
 * as it was, for the full path to check again and free.
 */
static __always_inline bool
free_page_pcp_fast(struct machine *m, struct page *page, unsigned int order)
{
	struct per_cpu_pages *pcp;
	struct zone *zone;
	int mt;

	if (order > PAGE_ALLOC_COSTLY_ORDER || order > m->max_order ||
	    !in_mem_map(m, page) || !PageFlag(page, PG_head) ||
	    page->private != order || page->_refcount != 1 ||
	    page->memcg /* charged: free_the_page uncharges it */ ||
	    m->page_owner /* free_the_page records the free */)
		return false;
	zone = page_zone(m, page);
	pcp = &zone->pcp[m->cpu];
	if (pcp->count + (1 << order) >= pcp->high)
		return false;
	/* Highatomic, CMA and isolated blocks take free_unref_page's way. */
	mt = get_zone_pfnblock_migratetype(m, zone, page_to_pfn(m, page));
	if (mt >= MIGRATE_PCPTYPES)
		return false;
	page->_refcount = 0;
	page->flags = (page->flags & ~PG_STATE_MASK) | (1u << PG_pcp);
	m->vm_events[PGFREE] += 1UL << order;
	list_add(&page->lru, &pcp->lists[order_to_pindex(mt, order)]);
	pcp->count += 1 << order;
	return true;
}

int __free_pages(struct machine *m, struct page *page, unsigned int order)
{
	if (likely(free_page_pcp_fast(m, page, order)))
		return 0;
	return __free_pages_slow(m, page, order);
}

int free_pages(struct machine *m, uint64_t addr, unsigned int order)
{
	struct page *page = virt_to_page(m, addr);

	if (!page || (addr & (m->page_size - 1)))
		return mm_refuse(m, BAD_ADDRESS, -EINVAL,
				 "%#lx is not a page in the direct map",
				 (unsigned long)addr);
	return __free_pages(m, page, order);
}

static int check_refcounted(struct machine *m, const struct page *page)
{
	unsigned long pfn = page_pointer_to_pfn(m, page);

	if (!pfn_valid(m, pfn))
		return mm_refuse(m, BAD_PFN, -EINVAL,
				 "page pointer is not in this machine");
	if (!PageFlag(page, PG_head) || page->_refcount <= 0)
		return mm_refuse(m, BAD_REFCOUNT, -EINVAL,
				 "pfn %#lx holds no reference to take or drop",
				 pfn);
	return 0;
}

int get_page(struct machine *m, struct page *page)
{
	int err = check_refcounted(m, page);

	if (err)
		return err;
	page->_refcount++;
	return 0;
}

int put_page(struct machine *m, struct page *page)
{
	int err = check_refcounted(m, page);

	if (err)
		return err;
	if (--page->_refcount == 0)
		free_the_page(m, page, page->private);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Addresses                                                           */

struct page *virt_to_page(const struct machine *m, uint64_t addr)
{
	/*
	 * An address below page_offset wraps to at least 2^64 - page_offset,
	 * which the direct map must fit in: past its end, so one test.
	 */
	uint64_t pfn = (addr - m->layout.kernel.page_offset) >> m->page_shift;

	if (pfn >= m->lowmem_end_pfn)
		return NULL;
	return pfn_to_page(m, (unsigned long)pfn);
}

/*
 * Linux 6.x's get_free_pages drops __GFP_HIGHMEM (its address could not
 * name a high page) and gives low memory; it says nothing, this machine
 * says why in the log, once per call.
 */
gfp_t get_free_pages_gfp(struct machine *m, gfp_t gfp)
{
	if (!(gfp & __GFP_HIGHMEM))
		return gfp;
	if (!m->alloc_retrying) /* a parked call said it when it parked */
		printk(m,
		       "__get_free_pages: __GFP_HIGHMEM dropped from "
		       "gfp_mask=%#x: "
		       "a high page has no address to return; alloc_pages and "
		       "kmap "
		       "reach high memory",
		       gfp);
	return gfp & ~__GFP_HIGHMEM;
}

int __get_free_pages(struct machine *m, gfp_t gfp, unsigned int order,
		     uint64_t *addr)
{
	struct page *page;

	page = alloc_pages(m, get_free_pages_gfp(m, gfp), order);
	if (IS_ERR(page))
		return (int)PTR_ERR(page);
	*addr = lowmem_page_address(m, page);
	return 0;
}

int __get_free_page(struct machine *m, gfp_t gfp, uint64_t *addr)
{
	return __get_free_pages(m, gfp, 0, addr);
}

int get_zeroed_page(struct machine *m, gfp_t gfp, uint64_t *addr)
{
	return __get_free_pages(m, gfp | __GFP_ZERO, 0, addr);
}

/* ------------------------------------------------------------------ */
/* Boot-time tuning: the kernel's formulas                             */

static unsigned long int_sqrt(unsigned long x)
{
	unsigned long r = 0, bit = 1UL << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

/* min_free_kbytes = sqrt(lowmem_kbytes * 16), clamped to [128, 262144]. */
static int calculate_min_free_kbytes(const struct machine *m)
{
	unsigned long lowmem_pages = 0, kbytes;

	for (unsigned int z = 0; z < nr_zone_slots(m); z++)
		if (m->zones[z].type <= ZONE_NORMAL)
			lowmem_pages += m->zones[z].managed_pages;
	kbytes = int_sqrt(lowmem_pages * (m->page_size >> 10) * 16);
	return (int)ulmin(ulmax(kbytes, 128), 262144);
}

static void calculate_totalreserve_pages(struct machine *m)
{
	m->totalreserve_pages = 0;
	for (unsigned int i = 0; i < nr_zone_slots(m); i++) {
		struct zone *zone = &m->zones[i];
		long max = 0;

		for (int j = (int)zone->type; j < MAX_NR_ZONES; j++)
			if (zone->lowmem_reserve[j] > max)
				max = zone->lowmem_reserve[j];
		max += (long)high_wmark_pages(zone);
		if (max > (long)zone->managed_pages)
			max = (long)zone->managed_pages;
		m->totalreserve_pages += (unsigned long)max;
	}
}

void setup_per_zone_wmarks(struct machine *m)
{
	unsigned long pages_min =
		(unsigned long)m->min_free_kbytes >> (m->page_shift - 10);
	unsigned long lowmem_pages = 0;
	unsigned long wsf = m->layout.watermark_scale_factor;

	for (unsigned int z = 0; z < nr_zone_slots(m); z++)
		if (m->zones[z].type != ZONE_HIGHMEM &&
		    m->zones[z].type != ZONE_MOVABLE)
			lowmem_pages += m->zones[z].managed_pages;

	for (unsigned int z = 0; z < nr_zone_slots(m); z++) {
		struct zone *zone = &m->zones[z];
		unsigned long managed = zone->managed_pages;
		unsigned long tmp =
			lowmem_pages ? pages_min * managed / lowmem_pages : 0;

		if (zone->type == ZONE_HIGHMEM || zone->type == ZONE_MOVABLE) {
			/* High memory keeps a small fixed reserve. */
			zone->_watermark[WMARK_MIN] = ulmin(
				ulmax(managed / 1024, SWAP_CLUSTER_MAX), 128);
		} else {
			zone->_watermark[WMARK_MIN] = tmp;
		}
		tmp = ulmax(tmp >> 2, managed * wsf / 10000);
		zone->watermark_boost = 0;
		zone->_watermark[WMARK_LOW] = zone->_watermark[WMARK_MIN] + tmp;
		zone->_watermark[WMARK_HIGH] =
			zone->_watermark[WMARK_LOW] + tmp;
		zone->_watermark[WMARK_PROMO] =
			zone->_watermark[WMARK_HIGH] + tmp;
	}
	calculate_totalreserve_pages(m);
}

/* Each node's zones keep a reserve against its own higher zones. */
static void setup_node_lowmem_reserve(struct zone *zones)
{
	for (int i = 0; i < MAX_NR_ZONES - 1; i++) {
		struct zone *zone = &zones[i];
		int ratio = lowmem_reserve_ratio[i];
		bool clear = !ratio || !zone->managed_pages;
		unsigned long upper = 0;

		for (int j = i + 1; j < MAX_NR_ZONES; j++) {
			upper += zones[j].managed_pages;
			zone->lowmem_reserve[j] =
				clear ? 0
				      : (long)(upper / (unsigned long)ratio);
		}
	}
}

static void setup_per_zone_lowmem_reserve(struct machine *m)
{
	for (unsigned int n = 0; n < m->nr_node_ids; n++)
		setup_node_lowmem_reserve(&m->zones[n * MAX_NR_ZONES]);
	calculate_totalreserve_pages(m);
}

/* batch: ~0.1% of the zone or 1 MiB, whichever is smaller, as 2^n - 1. */
static int zone_batchsize(const struct machine *m, const struct zone *zone)
{
	unsigned long batch =
		ulmin(zone->managed_pages >> 10, (1024 * 1024) / m->page_size);
	unsigned long pow = 1;

	batch /= 4;
	if (batch < 1)
		batch = 1;
	batch += batch / 2;
	while (pow * 2 <= batch)
		pow *= 2;
	return (int)pow - 1 > 0 ? (int)pow - 1 : 1;
}

/* high: the zone's low watermark split across its CPUs, at least 4 batches. */
static int zone_highsize(const struct machine *m, const struct zone *zone,
			 int batch)
{
	unsigned long high = low_wmark_pages(zone) / m->nr_cpus;

	return (int)ulmax(high, (unsigned long)batch << 2);
}

static void zone_set_pageset_high_and_batch(struct machine *m,
					    struct zone *zone)
{
	int batch = zone_batchsize(m, zone);
	int high = zone_highsize(m, zone, batch);

	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++) {
		zone->pcp[cpu].batch = batch;
		zone->pcp[cpu].high = high;
	}
}

/*
 * Grouping pages by mobility needs a few pageblocks of each type to
 * work: below that, as build_all_zonelists decides, every allocation
 * is unmovable and every fallback claims its whole pageblock. The pages
 * counted are nr_free_zone_pages' (managed above the high watermark)
 * for the zones GFP_HIGHUSER_MOVABLE may use.
 */
static void set_page_group_by_mobility(struct machine *m)
{
	int highest = m->gfp_zone_table[GFP_HIGHUSER_MOVABLE & GFP_ZONEMASK];
	unsigned long vm_total_pages = 0;

	for (unsigned int z = 0; z < nr_zone_slots(m); z++) {
		const struct zone *zone = &m->zones[z];

		if ((int)zone->type > highest)
			continue;
		if (zone->managed_pages > high_wmark_pages(zone))
			vm_total_pages +=
				zone->managed_pages - high_wmark_pages(zone);
	}
	m->page_group_by_mobility_disabled =
		vm_total_pages < pageblock_nr_pages(m) * MIGRATE_TYPES;
}

void page_alloc_init(struct machine *m)
{
	for (gfp_t g = 0; g <= GFP_ZONEMASK; g++)
		m->gfp_zone_table[g] = (int8_t)gfp_zone(g, m->layout.arch);
	m->min_free_kbytes = m->layout.min_free_kbytes >= 0
				     ? (int)m->layout.min_free_kbytes
				     : calculate_min_free_kbytes(m);
	setup_per_zone_wmarks(m);
	setup_per_zone_lowmem_reserve(m);
	for (unsigned int z = 0; z < nr_zone_slots(m); z++) {
		if (m->zones[z].pcp)
			zone_set_pageset_high_and_batch(m, &m->zones[z]);
		/* The highest zone but Movable, as check_highest_zone. */
		if (populated_zone(&m->zones[z]) &&
		    m->zones[z].type != ZONE_MOVABLE &&
		    m->zones[z].type > m->policy_zone)
			m->policy_zone = m->zones[z].type;
	}
	for (int n = 0; n < MAX_NUMNODES; n++)
		m->iw_table[n] = 1;
	set_page_group_by_mobility(m);
}

/* ------------------------------------------------------------------ */
/* Totals for the reports                                              */

unsigned long global_free_cma_pages(const struct machine *m)
{
	long sum = 0;

	for (unsigned int z = 0; z < nr_zone_slots(m); z++)
		sum += m->zones[z].vm_stat[NR_FREE_CMA_PAGES];
	return (unsigned long)sum;
}

unsigned long global_free_pages(const struct machine *m)
{
	long sum = 0;

	for (unsigned int z = 0; z < nr_zone_slots(m); z++)
		sum += m->zones[z].vm_stat[NR_FREE_PAGES];
	return (unsigned long)sum;
}

/* MemAvailable, as si_mem_available() estimates it. */
unsigned long si_mem_available(const struct machine *m)
{
	unsigned long wmark_low = 0, pagecache, reclaimable;
	long available;

	for (unsigned int z = 0; z < nr_zone_slots(m); z++)
		wmark_low += low_wmark_pages(&m->zones[z]);

	available = (long)global_free_pages(m) - (long)m->totalreserve_pages;
	pagecache = (unsigned long)(m->node_stat[NR_ACTIVE_FILE] +
				    m->node_stat[NR_INACTIVE_FILE]);
	pagecache -= ulmin(pagecache / 2, wmark_low);
	available += (long)pagecache;
	reclaimable = ((unsigned long)m->node_stat[NR_SLAB_RECLAIMABLE_B] >>
		       m->page_shift) +
		      (unsigned long)m->node_stat[NR_KERNEL_MISC_RECLAIMABLE];
	reclaimable -= ulmin(reclaimable / 2, wmark_low);
	available += (long)reclaimable;
	return available < 0 ? 0 : (unsigned long)available;
}
