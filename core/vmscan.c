/* SPDX-License-Identifier: MIT */
/*
 * vmscan.c - reclaim: kswapd, the background reclaimer, as a step.
 *
 * Owns: the LRU lists of user pages (new pages start inactive; a page
 * whose entries show access moves to the active list, the active list's
 * tail is aged back to the inactive one), swap-out through the reverse
 * map, direct reclaim (the page allocator's hook) and kswapd's balancing
 * loop, as mm/vmscan.c's balance_pgdat runs it: reclaim in batches of
 * SWAP_CLUSTER_MAX while a zone that may serve the waking allocation is
 * below its high watermark; and reclaim inside one process's charge
 * when it reaches limits.pages (try_to_free_mem_cgroup_pages). Must
 * never: block or loop without progress (a pass that reclaims nothing
 * ends), or free a page an entry maps.
 */
#include "core/vmscan.h"

#include <errno.h>

#include "core/check.h"
#include "core/compaction.h"
#include "core/filemap.h"
#include "core/huge_mm.h"
#include "core/memory.h"
#include "core/mlock.h"
#include "core/mmzone.h"
#include "core/page_alloc.h"
#include "core/pgtable.h"
#include "core/rmap.h"
#include "core/shmem.h"
#include "core/swap.h"
#include "core/swap_state.h"

#define MAX_KSWAPD_BATCHES 64
#define DEF_PRIORITY	   12

bool kswapd_wanted(const struct machine *m)
{
	for (unsigned int nid = 0; nid < m->nr_node_ids; nid++)
		if (m->node_data[nid].kswapd.wanted)
			return true;
	return false;
}

static bool pgdat_balanced(const struct pglist_data *pgdat,
			   enum zone_type highest, unsigned int order);

/* A zone of the node up to highest has its watermark boosted. */
static bool pgdat_watermark_boosted(const struct pglist_data *pgdat,
				    enum zone_type highest)
{
	for (int z = 0; z <= (int)highest; z++)
		if (pgdat->node_zones[z].watermark_boost)
			return true;
	return false;
}

bool pgdat_hopeless(const struct pglist_data *pgdat)
{
	return pgdat->kswapd.failures >= MAX_RECLAIM_RETRIES;
}

void wakeup_kswapd(struct machine *m, struct zone *zone, gfp_t gfp,
		   unsigned int order, enum zone_type highest_zoneidx)
{
	struct pglist_data *pgdat = NODE_DATA(m, zone_to_nid(zone));
	struct kswapd_state *k = &pgdat->kswapd;

	if (!managed_zone(zone))
		return;
	/* The order and zone are kept for the next wake, woken or not. */
	if (order > k->order)
		k->order = order;
	if (highest_zoneidx > k->highest_zoneidx)
		k->highest_zoneidx = highest_zoneidx;
	if (k->wanted) /* awake already */
		return;
	/*
	 * A hopeless node is left to direct reclaim, and a balanced one
	 * with no boost to answer has nothing for kswapd; a caller that
	 * cannot reclaim wakes kcompactd instead: the free memory may be
	 * too fragmented for its order.
	 */
	if (pgdat_hopeless(pgdat) ||
	    (pgdat_balanced(pgdat, highest_zoneidx, order) &&
	     !pgdat_watermark_boosted(pgdat, highest_zoneidx))) {
		if (!(gfp & __GFP_DIRECT_RECLAIM))
			wakeup_kcompactd(m, pgdat, order, highest_zoneidx);
		return;
	}
	k->wakeups++;
	k->wanted = true;
}

/* Every populated zone of the node up to highest is above its high mark. */
static bool pgdat_balanced(const struct pglist_data *pgdat,
			   enum zone_type highest, unsigned int order)
{
	for (int z = 0; z <= (int)highest; z++) {
		const struct zone *zone = &pgdat->node_zones[z];

		if (!managed_zone(zone))
			continue;
		if (!zone_watermark_ok(zone, order, high_wmark_pages(zone),
				       highest, 0))
			return false;
	}
	return true;
}

/*
 * The boosts kswapd answers in this run (zone_boosts), and their sum:
 * the pages boosted reclaim aims at, as balance_pgdat counts them.
 */
static unsigned long kswapd_boosts(const struct pglist_data *pgdat,
				   enum zone_type highest,
				   unsigned long *zone_boosts)
{
	unsigned long sum = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++) {
		const struct zone *zone = &pgdat->node_zones[z];

		zone_boosts[z] = z <= (int)highest && managed_zone(zone)
					 ? zone->watermark_boost
					 : 0;
		sum += zone_boosts[z];
	}
	return sum;
}

/*
 * The boosts answered are taken off (an allocation may have added more
 * meanwhile), and kcompactd is woken for a pageblock: there is likely
 * room now to defragment, as balance_pgdat ends a boosted run.
 */
static void kswapd_unboost(struct machine *m, struct pglist_data *pgdat,
			   enum zone_type highest,
			   const unsigned long *zone_boosts)
{
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &pgdat->node_zones[z];

		zone->watermark_boost -= zone->watermark_boost < zone_boosts[z]
						 ? zone->watermark_boost
						 : zone_boosts[z];
	}
	wakeup_kcompactd(m, pgdat, m->pageblock_order, highest);
}

/*
 * balance_pgdat: reclaim the node's lruvec until each of its zones is
 * above its high watermark (boost included). A boost met while the
 * zones are balanced anyway is reclaimed on its own, without swapping
 * (sc.may_swap off), for as many pages as it is; a node short of memory
 * drops that and reclaims as usual. The reclaim hook sees which node's
 * kswapd runs (current_kswapd) and reclaims that node alone.
 */
static unsigned long balance_pgdat(struct machine *m, struct pglist_data *pgdat,
				   enum zone_type highest, unsigned int order,
				   unsigned long boost)
{
	unsigned long reclaimed = 0, progress = 0;
	bool boosted = boost != 0;
	int batch;

	if (!pgdat_balanced(pgdat, highest, order))
		boost = 0;
	for (batch = 0; batch < MAX_KSWAPD_BATCHES && m->reclaim &&
			(boost || !pgdat_balanced(pgdat, highest, order));
	     batch++) {
		unsigned long got, split;

		pgdat->kswapd.boost_reclaim = boost != 0;
		got = m->reclaim(m, GFP_KERNEL, order, m->reclaim_data);
		/* The shrinkers after the LRU lists, as shrink_node. */
		split = deferred_split_scan(m, SWAP_CLUSTER_MAX);
		progress += got + split;
		if (!got && !split)
			break;
		reclaimed += got;
		boost -= got < boost ? got : boost;
	}
	pgdat->kswapd.boost_reclaim = false;
	/* A run not started for a boost that ended short of balance with
	 * nothing reclaimed is a failure (balance_pgdat's
	 * kswapd_failures++; a balanced node leaves by its "goto out"). */
	if (!progress && !boosted && !pgdat_balanced(pgdat, highest, order))
		pgdat->kswapd.failures++;
	return reclaimed;
}

/* One node's kswapd, woken: balance, then wake its kcompactd and sleep. */
static unsigned long kswapd_node_run(struct machine *m,
				     struct pglist_data *pgdat)
{
	struct kswapd_state *k = &pgdat->kswapd;
	enum zone_type highest = k->highest_zoneidx;
	unsigned int order = k->order;
	unsigned long reclaimed, zone_boosts[MAX_NR_ZONES], boosted;

	m->vm_events[PAGEOUTRUN]++;
	k->running = true;
	boosted = kswapd_boosts(pgdat, highest, zone_boosts);
	if (pgdat_balanced(pgdat, highest, order))
		m->vm_events[KSWAPD_HIGH_WMARK_HIT_QUICKLY]++;
	reclaimed = balance_pgdat(m, pgdat, highest, order, boosted);
	m->vm_events[PGSTEAL_KSWAPD] += reclaimed;
	k->running = false;
	k->wanted = false;
	if (boosted)
		kswapd_unboost(m, pgdat, highest, zone_boosts);
	/*
	 * Going to sleep, kswapd wakes its node's kcompactd for the order
	 * it was woken for; kcompactd's work runs in the same step (the
	 * machine has no threads), so a recording replays it where it
	 * happened.
	 */
	reset_isolation_suitable(m, pgdat);
	wakeup_kcompactd(m, pgdat, order, highest);
	kcompactd_run(m);
	k->order = 0;
	k->highest_zoneidx = 0;
	return reclaimed;
}

unsigned long kswapd_run(struct machine *m)
{
	unsigned long reclaimed = 0;

	for (unsigned int nid = 0; nid < m->nr_node_ids; nid++)
		if (m->node_data[nid].kswapd.wanted)
			reclaimed += kswapd_node_run(m, NODE_DATA(m, (int)nid));
	return reclaimed;
}

/* ------------------------------------------------------------------ */
/* LRU lists                                                           */

/* Each list's node and zone counters. */
static const struct {
	enum node_stat_item node;
	enum zone_stat_item zone;
} lru_stat[NR_LRU_LISTS] = {
	[LRU_INACTIVE_ANON] = {NR_INACTIVE_ANON, NR_ZONE_INACTIVE_ANON},
	[LRU_ACTIVE_ANON] = {NR_ACTIVE_ANON, NR_ZONE_ACTIVE_ANON},
	[LRU_INACTIVE_FILE] = {NR_INACTIVE_FILE, NR_ZONE_INACTIVE_FILE},
	[LRU_ACTIVE_FILE] = {NR_ACTIVE_FILE, NR_ZONE_ACTIVE_FILE},
	[LRU_UNEVICTABLE] = {NR_UNEVICTABLE, NR_ZONE_UNEVICTABLE},
};

/* The pages an LRU entry stands for: a THP's head, all of the THP's. */
static long folio_nr_pages(const struct machine *m, const struct page *page)
{
	return PageThp(page) ? 1L << huge_page_order(m) : 1;
}

static void lru_account(struct machine *m, const struct page *page,
			enum lru_list lru, long n)
{
	n *= folio_nr_pages(m, page);
	folio_lruvec(m, page)->nr_pages[lru] += (unsigned long)n;
	mod_lruvec_page_state(m, page, lru_stat[lru].node, n);
	page_zone(m, page)->vm_stat[lru_stat[lru].zone] += n;
}

/* A page-cache page: not swap-backed, as folio_is_file_lru. */
static bool page_is_file_lru(const struct page *page)
{
	return !PageFlag(page, PG_swapbacked);
}

static enum lru_list page_lru(const struct page *page)
{
	enum lru_list base =
		page_is_file_lru(page) ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON;

	if (PageFlag(page, PG_unevictable))
		return LRU_UNEVICTABLE;
	return PageFlag(page, PG_active) ? base + 1 : base;
}

/*
 * A page migrating to another zone moves its counts there; to another
 * node, it leaves its node's lruvec for the new one's, as
 * folio_migrate_mapping moves the counters. from keeps the list
 * position migrate_page_state hands to to.
 */
void lru_move_zone(struct machine *m, struct page *from, const struct page *to)
{
	enum lru_list lru = page_lru(from);
	struct lruvec *lv = folio_lruvec(m, to);

	lru_account(m, from, lru, -1);
	if (page_to_nid(from) != page_to_nid(to))
		list_move(&from->lru, &lv->lists[lru]);
	lv->nr_pages[lru]++;
	mod_lruvec_page_state(m, to, lru_stat[lru].node, 1);
	page_zone(m, to)->vm_stat[lru_stat[lru].zone]++;
}

int vmscan_init(struct machine *m)
{
	for (unsigned int nid = 0; nid < m->nr_node_ids; nid++)
		for (int lru = 0; lru < NR_LRU_LISTS; lru++)
			INIT_LIST_HEAD(&node_lruvec(m, (int)nid)->lists[lru]);
	setup_min_unmapped_ratio(m);
	setup_min_slab_ratio(m);
	m->reclaim = try_to_free_pages;
	return 0;
}

void vmscan_exit(struct machine *m)
{
	m->reclaim = NULL;
}

void lru_add(struct machine *m, struct page *page)
{
	SetPageFlag(page, PG_lru);
	ClearPageFlag(page, PG_active);
	list_add(&page->lru, &folio_lruvec(m, page)->lists[page_lru(page)]);
	lru_account(m, page, page_lru(page), 1);
}

void lru_add_active(struct machine *m, struct page *page)
{
	SetPageFlag(page, PG_lru);
	SetPageFlag(page, PG_active);
	list_add(&page->lru, &folio_lruvec(m, page)->lists[page_lru(page)]);
	lru_account(m, page, page_lru(page), 1);
}

void lru_del(struct machine *m, struct page *page)
{
	lru_account(m, page, page_lru(page), -1);
	list_del(&page->lru);
	ClearPageFlag(page, PG_lru);
	ClearPageFlag(page, PG_active);
	ClearPageFlag(page, PG_unevictable);
}

static void lru_move(struct machine *m, struct page *page, enum lru_list to)
{
	lru_account(m, page, page_lru(page), -1);
	if (to == LRU_ACTIVE_ANON || to == LRU_ACTIVE_FILE)
		SetPageFlag(page, PG_active);
	else
		ClearPageFlag(page, PG_active);
	list_move(&page->lru, &folio_lruvec(m, page)->lists[to]);
	lru_account(m, page, to, 1);
}

void lru_activate(struct machine *m, struct page *page)
{
	lru_move(m, page, page_lru(page) | 1);
	m->vm_events[PGACTIVATE] += (unsigned long)folio_nr_pages(m, page);
}

void lru_move_unevictable(struct machine *m, struct page *page)
{
	if (!PageFlag(page, PG_lru) || PageFlag(page, PG_unevictable))
		return;
	lru_account(m, page, page_lru(page), -1);
	ClearPageFlag(page, PG_active);
	SetPageFlag(page, PG_unevictable);
	list_move(&page->lru, &folio_lruvec(m, page)->lists[LRU_UNEVICTABLE]);
	lru_account(m, page, LRU_UNEVICTABLE, 1);
	m->vm_events[UNEVICTABLE_PGCULLED] +=
		(unsigned long)folio_nr_pages(m, page);
}

void lru_move_evictable(struct machine *m, struct page *page)
{
	if (!PageFlag(page, PG_lru) || !PageFlag(page, PG_unevictable))
		return;
	lru_account(m, page, LRU_UNEVICTABLE, -1);
	ClearPageFlag(page, PG_unevictable);
	list_move(&page->lru, &folio_lruvec(m, page)->lists[page_lru(page)]);
	lru_account(m, page, page_lru(page), 1);
	m->vm_events[UNEVICTABLE_PGRESCUED] +=
		(unsigned long)folio_nr_pages(m, page);
}

void lru_deactivate(struct machine *m, struct page *page)
{
	ClearPageFlag(page, PG_referenced);
	if (!PageFlag(page, PG_lru) || PageThp(page) ||
	    PageFlag(page, PG_unevictable) || !PageFlag(page, PG_active))
		return;
	lru_move(m, page, page_lru(page) & ~1u);
	m->vm_events[PGDEACTIVATE]++;
}

void lru_lazyfree(struct machine *m, struct page *page)
{
	if (!PageFlag(page, PG_lru) || !PageFlag(page, PG_anon) ||
	    !PageFlag(page, PG_swapbacked) || PageFlag(page, PG_unevictable) ||
	    page->swap || PageThp(page))
		return;
	lru_account(m, page, page_lru(page), -1);
	ClearPageFlag(page, PG_active);
	ClearPageFlag(page, PG_referenced);
	ClearPageFlag(page, PG_swapbacked);
	list_move(&page->lru, &folio_lruvec(m, page)->lists[page_lru(page)]);
	lru_account(m, page, page_lru(page), 1);
	m->vm_events[PGLAZYFREE]++;
}

/* ------------------------------------------------------------------ */
/* Reverse-mapped work on one page                                     */

/* page_referenced: count and clear the accessed bits of its entries. */
static int referenced_one(struct machine *m, struct page *page,
			  struct vm_area_struct *vma, uint64_t addr, void *arg)
{
	struct pte_slot slot;
	uint64_t entry;

	if (!page_vma_mapped(m, page, vma, addr, &slot, &entry))
		return 0;
	if (vma->vm_flags & VM_LOCKED)
		return -EBUSY; /* mlocked: never reclaimed */
	if (entry & _PAGE_ACCESSED) {
		pte_slot_set(m, &slot, entry & ~_PAGE_ACCESSED);
		(*(unsigned int *)arg)++;
	}
	if (entry & _PAGE_DIRTY)
		SetPageFlag(page, PG_dirty);
	return 0;
}

/* try_to_unmap: every entry mapping the page becomes a swap entry. */
static int unmap_one(struct machine *m, struct page *page,
		     struct vm_area_struct *vma, uint64_t addr, void *arg)
{
	unsigned long slot = *(unsigned long *)arg;
	struct mm_struct *mm = vma->vm_mm;
	struct pte_slot ps;
	uint64_t entry;

	if (!page_vma_mapped(m, page, vma, addr, &ps, &entry))
		return 0;
	if (vma->shmem) { /* the object keeps the slot; entries go */
		if (entry & _PAGE_DIRTY) /* try_to_unmap_one's dirt */
			SetPageFlag(page, PG_dirty);
		pte_slot_set(m, &ps, 0);
		mm->rss_stat[MM_SHMEMPAGES]--;
	} else {
		swap_duplicate(m, slot);
		pte_slot_set(m, &ps, swp_entry_pte(0, slot));
		mm->rss_stat[MM_ANONPAGES]--;
		mm->rss_stat[MM_SWAPENTS]++;
	}
	page_remove_rmap(m, page);
	put_user_page(m, page);
	return 0;
}

/* try_to_unmap of a page-cache page: its entries go, dirt kept. */
static int unmap_file_one(struct machine *m, struct page *page,
			  struct vm_area_struct *vma, uint64_t addr, void *arg)
{
	struct pte_slot ps;
	uint64_t entry;

	(void)arg;
	if (!page_vma_mapped(m, page, vma, addr, &ps, &entry))
		return 0;
	if (entry & _PAGE_DIRTY)
		set_page_dirty(m, page);
	pte_slot_set(m, &ps, 0);
	vma->vm_mm->rss_stat[MM_FILEPAGES]--;
	page_remove_rmap(m, page);
	put_user_page(m, page);
	return 0;
}

/* Whether any entry mapping a lazily freed page was written since. */
static int dirtied_one(struct machine *m, struct page *page,
		       struct vm_area_struct *vma, uint64_t addr, void *arg)
{
	struct pte_slot slot;
	uint64_t entry;

	(void)arg;
	if (!page_vma_mapped(m, page, vma, addr, &slot, &entry))
		return 0;
	return (entry & _PAGE_DIRTY) || (vma->vm_flags & VM_LOCKED);
}

/* try_to_unmap_one's lazyfree discard: the entry goes, no swap entry. */
static int discard_one(struct machine *m, struct page *page,
		       struct vm_area_struct *vma, uint64_t addr, void *arg)
{
	struct pte_slot slot;
	uint64_t entry;

	(void)arg;
	if (!page_vma_mapped(m, page, vma, addr, &slot, &entry))
		return 0;
	pte_slot_set(m, &slot, 0);
	vma->vm_mm->rss_stat[MM_ANONPAGES]--;
	page_remove_rmap(m, page);
	put_user_page(m, page);
	return 0;
}

/*
 * A lazily freed page at reclaim: clean, it is dropped (a later read
 * finds zeros); written again (or locked since), it is anonymous memory
 * once more and goes back to the active anon list, as
 * shrink_folio_list finds a redirtied lazyfree folio.
 */
static bool reclaim_lazyfree(struct machine *m, struct page *page)
{
	if (PageFlag(page, PG_dirty) || rmap_walk(m, page, dirtied_one, NULL)) {
		lru_account(m, page, page_lru(page), -1);
		SetPageFlag(page, PG_swapbacked);
		SetPageFlag(page, PG_active);
		list_move(&page->lru,
			  &folio_lruvec(m, page)->lists[page_lru(page)]);
		lru_account(m, page, page_lru(page), 1);
		return false;
	}
	get_user_page(page); /* hold it while its entries go */
	rmap_walk(m, page, discard_one, NULL);
	put_user_page(m, page);
	m->vm_events[PGLAZYFREED]++;
	return true;
}

/*
 * A page the swap cache holds (node_reclaim left it there): written to
 * its slot, any entry mapping it again (a fault found it) made a swap
 * entry, and the cache lets it go, as pageout then __remove_mapping.
 */
static bool pageout_swapcache(struct machine *m, struct page *page)
{
	unsigned long slot = page->swap;

	if (swap_writepage(m, slot, page_to_pfn(m, page)))
		return false;
	m->vm_events[PSWPOUT]++;
	mod_lruvec_page_state(m, page, NR_VMSCAN_WRITE, 1);
	get_user_page(page);
	rmap_walk(m, page, unmap_one, &slot);
	delete_from_swap_cache(m, page);
	put_user_page(m, page);
	return true;
}

/*
 * shrink_folio_list's steps before pageout, for a reclaim that may
 * unmap but not write (node_reclaim without RECLAIM_WRITE): an
 * anonymous page gets a slot in the swap cache (add_to_swap) and its
 * entries become swap entries (try_to_unmap); it stays, dirty, for a
 * reclaim that may write it (may_writepage's keep_locked).
 */
static void swap_cache_and_unmap(struct machine *m, struct page *page)
{
	unsigned long slot;

	if (!page->swap && !add_to_swap(m, page))
		return;
	slot = page->swap;
	if (page_mapcount(page))
		rmap_walk(m, page, unmap_one, &slot);
}

/* Swap one page out; false when it cannot go now. */
static bool pageout(struct machine *m, struct page *page)
{
	unsigned long slot;
	struct shmem_object *obj = NULL;

	if (page->swap)
		return pageout_swapcache(m, page);
	if (get_swap_page(m, &slot))
		return false;
	if (swap_writepage(m, slot, page_to_pfn(m, page))) {
		swap_free(m, slot);
		return false;
	}
	m->vm_events[PSWPOUT]++;
	mod_lruvec_page_state(m, page, NR_VMSCAN_WRITE, 1);
	get_user_page(page); /* hold it while its entries go */
	if (PageFlag(page, PG_shmem))
		obj = (struct shmem_object *)(uintptr_t)page->mapping;
	rmap_walk(m, page, unmap_one, &slot);
	if (obj) {
		swap_duplicate(m, slot);
		shmem_page_swapped(m, obj, (unsigned long)page->index, slot);
	}
	swap_free(m, slot); /* get_swap_page's reference */
	put_user_page(m, page);
	return true;
}

/*
 * shrink_folio_list on a shared memory page: try_to_unmap takes its
 * entries (a dirty entry dirties the page). A clean page, only ever
 * read (the zeros it was born with), is not written anywhere: it
 * leaves its object and is freed (__remove_mapping), so a later fault
 * allocates it again and fault-around finds nothing there. A dirty one
 * goes to swap or, with none, shmem's writeout gives it back
 * (AOP_WRITEPAGE_ACTIVATE): it stays in its object, activated, and
 * fault-around maps it again.
 */
static bool reclaim_shmem(struct machine *m, struct page *page)
{
	struct shmem_object *obj =
		(struct shmem_object *)(uintptr_t)page->mapping;
	unsigned long none = 0;

	get_user_page(page);
	rmap_walk(m, page, unmap_one, &none);
	put_user_page(m, page);
	if (!PageFlag(page, PG_dirty)) {
		shmem_truncate_range(m, obj, (unsigned long)page->index,
				     (unsigned long)page->index + 1);
		return true;
	}
	if (nr_free_swap_pages(m))
		return pageout(m, page);
	if (PageFlag(page, PG_active))
		m->vm_events[PGACTIVATE]++;
	else
		lru_activate(m, page);
	return false;
}

bool reclaim_page(struct machine *m, struct page *page)
{
	/* madvise walks PTEs: a THP's pages are left whole, as before. */
	if (!PageFlag(page, PG_lru) || PageFlag(page, PG_unevictable) ||
	    PageThp(page))
		return false;
	if (PageFlag(page, PG_anon) && !PageFlag(page, PG_swapbacked))
		return reclaim_lazyfree(m, page);
	if (PageFlag(page, PG_shmem))
		return reclaim_shmem(m, page);
	return pageout(m, page);
}

/* ------------------------------------------------------------------ */
/* Shrinking                                                           */

/*
 * One reclaim of one node's lruvec, as Linux's scan_control: who runs
 * it (pgscan_kswapd or _direct) and what it may do to a page.
 */
struct scan_control {
	struct lruvec *lruvec;
	bool kswapd;	    /* kswapd's run: pgscan_kswapd, not _direct */
	bool may_swap;	    /* anonymous pages may go (not a boost's run) */
	bool may_writepage; /* dirty pages may be written (node_reclaim) */
	bool may_unmap;	    /* mapped pages may be unmapped (node_reclaim) */
};

/* Deactivation forgets the entries' accessed bits (a THP's too). */
static void clear_references(struct machine *m, struct page *page)
{
	unsigned int refs = 0;

	if (PageThp(page))
		thp_referenced(m, page, &refs);
	else
		rmap_walk(m, page, referenced_one, &refs);
}

/* Move up to nr pages from the active list's tail to the inactive. */
static void shrink_active_list(struct machine *m, struct scan_control *sc,
			       unsigned long nr)
{
	struct list_head *active = &sc->lruvec->lists[LRU_ACTIVE_ANON];

	while (nr-- && !list_empty(active)) {
		struct page *page = list_last_entry(active, struct page, lru);

		clear_references(m, page);
		lru_move(m, page, LRU_INACTIVE_ANON);
	}
}

/*
 * What to do with an inactive page, as folio_check_references: entries
 * that show access keep it (rotated) the first time and activate it the
 * second; a page nobody touched since goes.
 */
enum page_references {
	PAGEREF_RECLAIM,
	PAGEREF_KEEP,
	PAGEREF_ACTIVATE,
	PAGEREF_CULL, /* a VM_LOCKED VMA maps it: to the unevictable list */
};

static enum page_references page_check_references(struct machine *m,
						  struct page *page)
{
	unsigned int refs = 0;
	bool was_referenced = PageFlag(page, PG_referenced);

	if (PageThp(page) ? thp_referenced(m, page, &refs)
			  : rmap_walk(m, page, referenced_one, &refs))
		return PAGEREF_CULL;
	if (!refs) {
		ClearPageFlag(page, PG_referenced);
		return PAGEREF_RECLAIM;
	}
	SetPageFlag(page, PG_referenced);
	return was_referenced || refs > 1 ? PAGEREF_ACTIVATE : PAGEREF_KEEP;
}

static void count_scan(struct machine *m, const struct scan_control *sc,
		       enum vm_event_item kind)
{
	m->vm_events[kind]++;
	m->vm_events[sc->kswapd ? PGSCAN_KSWAPD : PGSCAN_DIRECT]++;
}

/* Reclaim from the inactive list's tail: up to nr freed, scanning scan. */
static unsigned long shrink_inactive_list(struct machine *m,
					  struct scan_control *sc,
					  unsigned long nr, unsigned long scan)
{
	struct list_head *inactive = &sc->lruvec->lists[LRU_INACTIVE_ANON];
	unsigned long scanned = 0, freed = 0;

	while (freed < nr && scanned < scan && !list_empty(inactive)) {
		struct page *page = list_last_entry(inactive, struct page, lru);

		scanned++;
		count_scan(m, sc, PGSCAN_ANON);
		/* isolate_lru_folios: a mapped page a reclaim may not unmap
		 * is scanned and rotated, its references not looked at. */
		if (!sc->may_unmap && page_mapcount(page) > 0) {
			list_move(&page->lru, inactive);
			continue;
		}
		switch (page_check_references(m, page)) {
		case PAGEREF_CULL:
			mlock_page(m, page);
			continue;
		case PAGEREF_ACTIVATE:
			lru_move(m, page, LRU_ACTIVE_ANON);
			continue;
		case PAGEREF_KEEP:
			list_move(&page->lru, inactive);
			continue;
		case PAGEREF_RECLAIM:
			break;
		}
		if (PageThp(page)) { /* split: its pages come round in turn */
			if (split_folio(m, page))
				list_move(&page->lru, inactive);
			continue;
		}
		/* Swapping out is a write: without may_writepage the page
		 * is put in the swap cache and unmapped, then kept
		 * (shrink_folio_list's keep_locked). */
		if (!sc->may_writepage)
			swap_cache_and_unmap(m, page);
		if (!sc->may_writepage || !pageout(m, page)) {
			list_move(&page->lru, inactive); /* rotate */
			continue;
		}
		freed++;
	}
	m->vm_events[PGSTEAL_ANON] += freed;
	return freed;
}

/* The inactive list should hold about as much as the active one. */
static bool inactive_is_low(const struct lruvec *lv)
{
	return lv->nr_pages[LRU_INACTIVE_ANON] < lv->nr_pages[LRU_ACTIVE_ANON];
}

static unsigned long scan_target(unsigned long size, int priority)
{
	unsigned long n = size >> priority;

	return n > SWAP_CLUSTER_MAX ? n : SWAP_CLUSTER_MAX;
}

/*
 * The file lists: age the active list's tail onto the inactive one when
 * the inactive is the smaller (unmapped cache pages are deactivated
 * without a look, as shrink_active_list does), then reclaim from the
 * inactive tail: a clean page goes, a dirty one is written first.
 */
static void shrink_active_file(struct machine *m, struct scan_control *sc,
			       unsigned long nr)
{
	struct list_head *active = &sc->lruvec->lists[LRU_ACTIVE_FILE];

	while (nr-- && !list_empty(active)) {
		struct page *page = list_last_entry(active, struct page, lru);
		unsigned int refs = 0;

		/* A mapped page's entries are looked at (and aged) too. */
		if (page_mapcount(page) > 0)
			rmap_walk(m, page, referenced_one, &refs);
		lru_move(m, page, LRU_INACTIVE_FILE);
		m->vm_events[PGDEACTIVATE]++;
	}
}

/*
 * A mapped inactive file page: its entries decide (kept or activated
 * when they show access, as folio_check_references); one nobody
 * touched is unmapped through rmap, if this reclaim may unmap. False
 * when it stays.
 */
static bool unmap_file_page(struct machine *m, struct scan_control *sc,
			    struct page *page)
{
	struct list_head *inactive = &sc->lruvec->lists[LRU_INACTIVE_FILE];

	if (page_mapcount(page) <= 0)
		return true;
	/* isolate_lru_folios passes it over before any reference check. */
	if (!sc->may_unmap) {
		list_move(&page->lru, inactive);
		return false;
	}
	switch (page_check_references(m, page)) {
	case PAGEREF_CULL:
		mlock_page(m, page);
		return false;
	case PAGEREF_ACTIVATE:
		lru_move(m, page, LRU_ACTIVE_FILE);
		return false;
	case PAGEREF_KEEP:
		list_move(&page->lru, inactive);
		return false;
	case PAGEREF_RECLAIM:
		break;
	}
	rmap_walk(m, page, unmap_file_one, NULL);
	return true;
}

static unsigned long shrink_inactive_file(struct machine *m,
					  struct scan_control *sc,
					  unsigned long nr, unsigned long scan)
{
	struct list_head *inactive = &sc->lruvec->lists[LRU_INACTIVE_FILE];
	unsigned long scanned = 0, freed = 0;

	while (freed < nr && scanned < scan && !list_empty(inactive)) {
		struct page *page = list_last_entry(inactive, struct page, lru);

		scanned++;
		count_scan(m, sc, PGSCAN_FILE);
		if (PageFlag(page, PG_anon)) { /* lazily freed: its own way */
			freed += reclaim_lazyfree(m, page);
			continue;
		}
		if (!unmap_file_page(m, sc, page))
			continue;
		if ((!sc->may_writepage && PageFlag(page, PG_dirty)) ||
		    !filemap_reclaim_page(m, page)) {
			list_move(&page->lru, inactive); /* held: rotate */
			continue;
		}
		freed++;
	}
	m->vm_events[PGSTEAL_FILE] += freed;
	return freed;
}

/*
 * How hard to press each kind, as get_scan_count balances them without
 * the cost history: anonymous pages weigh swappiness, file pages 200 -
 * swappiness; no swap (or swappiness 0) leaves anonymous pages alone
 * while there is cache to take, and no cache leaves only them. Only
 * may_swap rules anonymous pages out (a boost's run): node_reclaim's
 * modes scan them with may_swap set, and shrink_inactive_list keeps
 * those its may_unmap and may_writepage do not let go, as Linux.
 */
static void get_scan_count(const struct machine *m,
			   const struct scan_control *sc, unsigned long *ap,
			   unsigned long *fp)
{
	const struct lruvec *lv = sc->lruvec;
	/* Boosted reclaim swaps nothing (balance_pgdat's may_swap). */
	bool anon =
		sc->may_swap && nr_free_swap_pages(m) > 0 &&
		lv->nr_pages[LRU_INACTIVE_ANON] + lv->nr_pages[LRU_ACTIVE_ANON];
	bool file =
		lv->nr_pages[LRU_INACTIVE_FILE] + lv->nr_pages[LRU_ACTIVE_FILE];

	*ap = anon ? m->vm.swappiness : 0;
	*fp = file ? 200 - m->vm.swappiness : 0;
	if (anon && !file)
		*ap = 1;
	if (file && !*ap && !*fp)
		*fp = 1; /* swappiness 200 and no swap: the cache still goes */
}

/* Age each active list onto its inactive one when that is the smaller. */
static void age_active_lists(struct machine *m, struct scan_control *sc,
			     int priority)
{
	struct lruvec *lv = sc->lruvec;

	if (lv->nr_pages[LRU_INACTIVE_FILE] < lv->nr_pages[LRU_ACTIVE_FILE])
		shrink_active_file(
			m, sc,
			scan_target(lv->nr_pages[LRU_ACTIVE_FILE], priority));
	if (nr_free_swap_pages(m) && inactive_is_low(lv))
		shrink_active_list(
			m, sc,
			scan_target(lv->nr_pages[LRU_ACTIVE_ANON], priority));
}

static unsigned long batch(unsigned long *left)
{
	unsigned long n = *left < SWAP_CLUSTER_MAX ? *left : SWAP_CLUSTER_MAX;

	*left -= n;
	return n;
}

/*
 * One priority's pass over the lruvec: the inactive lists by
 * get_scan_count's shares, in turns of SWAP_CLUSTER_MAX pages, as
 * shrink_lruvec does, until nr pages are freed. False when there is
 * nothing to scan.
 */
static bool shrink_lruvec_priority(struct machine *m, struct scan_control *sc,
				   int priority, unsigned long nr,
				   unsigned long *freed)
{
	struct lruvec *lv = sc->lruvec;
	unsigned long ap, fp, nr_file, nr_anon;

	unsigned long before = *freed;

	get_scan_count(m, sc, &ap, &fp);
	if (!ap && !fp)
		return false;
	age_active_lists(m, sc, priority);
	nr_file = 2 * scan_target(lv->nr_pages[LRU_INACTIVE_FILE], priority) *
		  fp / (ap + fp);
	nr_anon = 2 * scan_target(lv->nr_pages[LRU_INACTIVE_ANON], priority) *
		  ap / (ap + fp);
	while ((nr_file || nr_anon) && *freed < nr) {
		if (nr_file)
			*freed += shrink_inactive_file(m, sc, nr - *freed,
						       batch(&nr_file));
		if (nr_anon && *freed < nr)
			*freed += shrink_inactive_list(m, sc, nr - *freed,
						       batch(&nr_anon));
	}
	/* Progress on the node revives a hopeless kswapd (shrink_node),
	 * whoever reclaims. */
	if (*freed > before)
		container_of(lv, struct pglist_data, __lruvec)
			->kswapd.failures = 0;
	return true;
}

/* Priorities from start down to 0, until nr pages are freed. */
static unsigned long shrink_lruvec_from(struct machine *m,
					struct scan_control *sc, int start,
					unsigned long nr)
{
	unsigned long freed = 0;

	for (int priority = start; priority >= 0 && freed < nr; priority--)
		if (!shrink_lruvec_priority(m, sc, priority, nr, &freed))
			break;
	return freed;
}

/* A reclaim of lv that may do everything; kswapd's when it runs. */
static struct scan_control default_scan(const struct machine *m,
					struct lruvec *lv)
{
	const struct pglist_data *k = current_kswapd(m);

	return (struct scan_control){
		.lruvec = lv,
		.kswapd = k != NULL,
		.may_swap = !k || !k->kswapd.boost_reclaim,
		.may_writepage = true,
		.may_unmap = true,
	};
}

unsigned long shrink_lruvec(struct machine *m, struct lruvec *lruvec,
			    unsigned long nr)
{
	struct scan_control sc = default_scan(m, lruvec);

	return shrink_lruvec_from(m, &sc, DEF_PRIORITY, nr);
}

/*
 * The nodes direct reclaim takes from, in the order of the zonelist the
 * allocation walks (the machine's reclaim_zonelist and _nodemask, set
 * by the page allocator around the call; else the local node's
 * fallback list), each once, as shrink_zones visits each pgdat once.
 */
static unsigned int reclaim_nodes(struct machine *m, int *order)
{
	struct zonelist *zl = m->reclaim_zonelist
				      ? m->reclaim_zonelist
				      : node_zonelist(m, numa_node_id(m), 0);
	nodemask_t seen = {0};
	struct zone **z, *zone;
	unsigned int n = 0;

	for_each_zone_zonelist_nodemask(zone, z, zl, MAX_NR_ZONES - 1,
					m->reclaim_nodemask)
	{
		if (node_isset(zone->node, seen))
			continue;
		node_set(zone->node, &seen);
		order[n++] = zone->node;
	}
	return n;
}

unsigned long try_to_free_pages(struct machine *m, gfp_t gfp,
				unsigned int order, void *data)
{
	struct pglist_data *kswapd = current_kswapd(m);
	unsigned long freed = 0, want = SWAP_CLUSTER_MAX << order;
	int nodes[MAX_NUMNODES];
	unsigned int nr;

	(void)data;
	if (!(gfp & __GFP_IO))
		return 0;
	if (kswapd) { /* balance_pgdat: its own node alone */
		nodes[0] = kswapd->node_id;
		nr = 1;
	} else {
		nr = reclaim_nodes(m, nodes);
	}
	/* Priority outside, nodes inside, as do_try_to_free_pages. */
	for (int priority = DEF_PRIORITY; priority >= 0 && freed < want;
	     priority--) {
		bool scanned = false;

		for (unsigned int i = 0; i < nr && freed < want; i++) {
			struct scan_control sc =
				default_scan(m, node_lruvec(m, nodes[i]));

			scanned |= shrink_lruvec_priority(m, &sc, priority,
							  want, &freed);
		}
		if (!scanned)
			break;
	}
	if (kswapd) /* kswapd runs the shrinkers itself */
		return freed;
	m->vm_events[PGSTEAL_DIRECT] += freed;
	/*
	 * The shrinkers after the LRU lists, as shrink_node runs them: the
	 * pages a THP split frees are progress, though not pgsteal.
	 */
	return freed + deferred_split_scan(m, SWAP_CLUSTER_MAX);
}

/* ------------------------------------------------------------------ */
/* node_reclaim: zone_reclaim_mode                                      */

/* A node's managed pages times ratio percent, as setup_min_*_ratio. */
static unsigned long node_ratio_pages(const struct pglist_data *pgdat,
				      unsigned int ratio)
{
	unsigned long pages = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		pages += pgdat->node_zones[z].managed_pages * ratio / 100;
	return pages;
}

void setup_min_unmapped_ratio(struct machine *m)
{
	for (unsigned int nid = 0; nid < m->nr_node_ids; nid++)
		m->node_data[nid].min_unmapped_pages = node_ratio_pages(
			&m->node_data[nid], m->vm.min_unmapped_ratio);
}

void setup_min_slab_ratio(struct machine *m)
{
	for (unsigned int nid = 0; nid < m->nr_node_ids; nid++)
		m->node_data[nid].min_slab_pages = node_ratio_pages(
			&m->node_data[nid], m->vm.min_slab_ratio);
}

/* The node's page cache this mode may reclaim (node_pagecache_reclaimable). */
static unsigned long node_pagecache_reclaimable(const struct machine *m,
						const struct pglist_data *pgdat)
{
	long file_lru = node_page_state(pgdat, NR_INACTIVE_FILE) +
			node_page_state(pgdat, NR_ACTIVE_FILE);
	long mapped = node_page_state(pgdat, NR_FILE_MAPPED);
	long nr, delta = 0;

	/* Without RECLAIM_UNMAP only unmapped cache can go. */
	if (m->vm.zone_reclaim_mode & RECLAIM_UNMAP)
		nr = node_page_state(pgdat, NR_FILE_PAGES);
	else
		nr = file_lru > mapped ? file_lru - mapped : 0;
	/* Without RECLAIM_WRITE dirty pages stay. */
	if (!(m->vm.zone_reclaim_mode & RECLAIM_WRITE))
		delta = node_page_state(pgdat, NR_FILE_DIRTY);
	if (delta > nr)
		delta = nr;
	return (unsigned long)(nr - delta);
}

/* Reclaim enough to matter: both thresholds at or below: nothing to do. */
static bool node_worth_reclaim(const struct machine *m,
			       const struct pglist_data *pgdat)
{
	return node_pagecache_reclaimable(m, pgdat) >
		       pgdat->min_unmapped_pages ||
	       (unsigned long)(node_page_state(pgdat, NR_SLAB_RECLAIMABLE_B) >>
			       m->page_shift) > pgdat->min_slab_pages;
}

/*
 * __node_reclaim: from NODE_RECLAIM_PRIORITY down, the node's lruvec
 * and then its shrinkers (shrink_node's shrink_slab, for the node: the
 * deferred split queue's THPs on it), until 1 << order pages are back,
 * with Linux's scan_control: may_writepage the mode's RECLAIM_WRITE,
 * may_unmap its RECLAIM_UNMAP, may_swap always.
 */
static bool __node_reclaim(struct machine *m, struct pglist_data *pgdat,
			   unsigned int order)
{
	unsigned long nr_pages = 1UL << order, freed = 0;
	unsigned long want =
		nr_pages > SWAP_CLUSTER_MAX ? nr_pages : SWAP_CLUSTER_MAX;
	struct scan_control sc = {
		.lruvec = &pgdat->__lruvec,
		.may_swap = true,
		.may_writepage = m->vm.zone_reclaim_mode & RECLAIM_WRITE,
		.may_unmap = m->vm.zone_reclaim_mode & RECLAIM_UNMAP,
	};

	if (!node_worth_reclaim(m, pgdat))
		return false;
	for (int priority = NODE_RECLAIM_PRIORITY;
	     priority >= 0 && freed < nr_pages; priority--) {
		unsigned long stolen = freed;
		bool scanned =
			shrink_lruvec_priority(m, &sc, priority, want, &freed);

		m->vm_events[PGSTEAL_DIRECT] += freed - stolen;
		/* shrink_node's shrink_slab on this node: its shrinkers'
		 * frees are progress (reclaim_state), not pgsteal. */
		stolen = deferred_split_scan_node(m, pgdat->node_id,
						  SWAP_CLUSTER_MAX);
		freed += stolen;
		if (!scanned && !stolen)
			break;
	}
	return freed >= nr_pages;
}

/* The node has CPUs of its own (N_CPU). */
static bool node_has_cpus(const struct pglist_data *pgdat)
{
	for (int w = 0; w < LAYOUT_CPU_WORDS; w++)
		if (pgdat->cpumask[w])
			return true;
	return false;
}

/* Some node_reclaim runs now: its own allocations may not reclaim. */
static bool in_node_reclaim(const struct machine *m)
{
	for (unsigned int nid = 0; nid < m->nr_node_ids; nid++)
		if (m->node_data[nid].reclaim_locked)
			return true;
	return false;
}

int node_reclaim(struct machine *m, struct pglist_data *pgdat, gfp_t gfp,
		 unsigned int order)
{
	bool ok;

	if (!node_worth_reclaim(m, pgdat))
		return NODE_RECLAIM_FULL;
	/* A caller that may not block, or reclaim's own (PF_MEMALLOC). */
	if (!(gfp & __GFP_DIRECT_RECLAIM) || in_node_reclaim(m) ||
	    current_is_kswapd(m))
		return NODE_RECLAIM_NOSCAN;
	/* A node with CPUs of its own is reclaimed by them alone. */
	if (node_has_cpus(pgdat) && pgdat->node_id != numa_node_id(m))
		return NODE_RECLAIM_NOSCAN;
	pgdat->reclaim_locked = true;
	ok = __node_reclaim(m, pgdat, order);
	pgdat->reclaim_locked = false;
	m->vm_events[ok ? PGSCAN_ZONE_RECLAIM_SUCCESS
			: PGSCAN_ZONE_RECLAIM_FAILED]++;
	return ok ? NODE_RECLAIM_SUCCESS : NODE_RECLAIM_SOME;
}

/* ------------------------------------------------------------------ */
/* Reclaim inside one process's charge                                 */

/*
 * Swap out pid's inactive pages that nobody touched since the last look,
 * from the tail, up to nr; pages that show access stay (or go active),
 * as in shrink_inactive_list. Other processes' pages are passed over
 * where they lie. *seen counts pid's pages looked at.
 */
static unsigned long shrink_memcg_inactive(struct machine *m, struct lruvec *lv,
					   int pid, unsigned long nr,
					   unsigned long *seen)
{
	struct list_head *inactive = &lv->lists[LRU_INACTIVE_ANON];
	unsigned long budget = lv->nr_pages[LRU_INACTIVE_ANON];
	unsigned long freed = 0;
	struct list_head *pos = inactive->prev;

	/* pos moves on first: the page may leave the list under it. */
	while (freed < nr && budget-- && pos != inactive) {
		struct page *page = list_entry(pos, struct page, lru);

		pos = pos->prev;
		if (page->memcg != pid)
			continue;
		(*seen)++;
		m->vm_events[PGSCAN_DIRECT]++;
		switch (page_check_references(m, page)) {
		case PAGEREF_CULL:
			mlock_page(m, page);
			continue;
		case PAGEREF_ACTIVATE:
			lru_move(m, page, LRU_ACTIVE_ANON);
			continue;
		case PAGEREF_KEEP:
			continue;
		case PAGEREF_RECLAIM:
			break;
		}
		if (PageThp(page)) /* its pages are charged to pid too */
			split_folio(m, page);
		else
			freed += pageout(m, page);
	}
	return freed;
}

/* Age pid's active pages onto the inactive list for the next pass. */
static void deactivate_memcg(struct machine *m, struct lruvec *lv, int pid,
			     unsigned long *seen)
{
	struct list_head *active = &lv->lists[LRU_ACTIVE_ANON];
	unsigned long budget = lv->nr_pages[LRU_ACTIVE_ANON];
	struct list_head *pos = active->prev;

	while (budget-- && pos != active) {
		struct page *page = list_entry(pos, struct page, lru);

		pos = pos->prev;
		if (page->memcg != pid)
			continue;
		(*seen)++;
		clear_references(m, page);
		lru_move(m, page, LRU_INACTIVE_ANON);
	}
}

unsigned long try_to_free_mem_cgroup_pages(struct machine *m, int pid,
					   unsigned long nr)
{
	unsigned long freed = 0;

	if (!nr_free_swap_pages(m))
		return 0;
	if (nr < SWAP_CLUSTER_MAX)
		nr = SWAP_CLUSTER_MAX; /* a batch, as try_charge asks for */
	for (int priority = DEF_PRIORITY; priority >= 0 && freed < nr;
	     priority--) {
		unsigned long seen = 0;

		/* pid's pages lie on every node it allocated from. */
		for (unsigned int nid = 0; nid < m->nr_node_ids; nid++) {
			struct lruvec *lv = node_lruvec(m, (int)nid);

			freed += shrink_memcg_inactive(m, lv, pid, nr - freed,
						       &seen);
			if (freed < nr)
				deactivate_memcg(m, lv, pid, &seen);
		}
		if (!seen) /* pid has no pages on the lists */
			break;
	}
	m->vm_events[PGSTEAL_DIRECT] += freed;
	return freed;
}

/* A page on lv's list lru is a live user page of that list and node. */
static bool lru_page_ok(const struct machine *m, const struct page *page,
			int nid, int lru)
{
	(void)m;
	return PageFlag(page, PG_lru) && (int)page_lru(page) == lru &&
	       page_to_nid(page) == nid &&
	       PageFlag(page, PG_mlocked) == (lru == LRU_UNEVICTABLE) &&
	       /* MADV_FREE's: no swap copy, on a file list */
	       !(PageFlag(page, PG_anon) && !PageFlag(page, PG_swapbacked) &&
		 page->swap) &&
	       (PageFlag(page, PG_anon) || PageFlag(page, PG_shmem) ||
		(page_is_file_lru(page) && page->mapping)) &&
	       page->_refcount >= 1;
}

/* One node's lists: its own pages only, each on its list, counted. */
static int lru_check_node(const struct machine *m, int nid, char *why,
			  size_t len)
{
	const struct lruvec *lv = node_lruvec_const(m, nid);

	for (int lru = 0; lru < NR_LRU_LISTS; lru++) {
		const struct list_head *pos;
		unsigned long n = 0;

		list_for_each(pos, &lv->lists[lru])
		{
			const struct page *page =
				list_entry(pos, struct page, lru);

			if (!lru_page_ok(m, page, nid, lru))
				return check_failed(
					why, len,
					"lru: pfn %#lx (node %d) on node %d's "
					"list %d is not a live user page of it",
					page_to_pfn(m, page), page_to_nid(page),
					nid, lru);
			n += (unsigned long)folio_nr_pages(m, page);
		}
		if (n != lv->nr_pages[lru])
			return check_failed(why, len,
					    "lru: node %d's list %d holds %lu "
					    "pages, counts %lu",
					    nid, lru, n, lv->nr_pages[lru]);
	}
	return 0;
}

/*
 * The node's counters of its lists are its lists' lengths, and its
 * zones' counters add up to them.
 */
static int lru_check_node_stat(const struct machine *m, int nid, char *why,
			       size_t len)
{
	const struct pglist_data *pgdat = &m->node_data[nid];

	for (int lru = 0; lru < NR_LRU_LISTS; lru++) {
		long zones = 0;

		for (int z = 0; z < MAX_NR_ZONES; z++)
			zones += pgdat->node_zones[z]
					 .vm_stat[lru_stat[lru].zone];
		if (node_page_state(pgdat, lru_stat[lru].node) !=
			    (long)pgdat->__lruvec.nr_pages[lru] ||
		    zones != (long)pgdat->__lruvec.nr_pages[lru])
			return check_failed(
				why, len,
				"lru: node %d's list %d holds %lu pages; "
				"%s says %ld, its zones %ld",
				nid, lru, pgdat->__lruvec.nr_pages[lru],
				node_stat_names[lru_stat[lru].node],
				node_page_state(pgdat, lru_stat[lru].node),
				zones);
	}
	return 0;
}

/*
 * Between steps every kswapd sleeps; its request is sane (a sleeping
 * one may hold the order and zone wakeup_kswapd kept for its next wake).
 */
static int kswapd_check(const struct machine *m, int nid, char *why, size_t len)
{
	const struct kswapd_state *k = &m->node_data[nid].kswapd;

	if (k->running || k->boost_reclaim ||
	    k->highest_zoneidx >= MAX_NR_ZONES || k->order > m->max_order ||
	    (k->wanted && !k->wakeups))
		return check_failed(why, len,
				    "kswapd%d: wanted %d running %d order %u "
				    "highest_zoneidx %d after %lu wakeups",
				    nid, k->wanted, k->running, k->order,
				    (int)k->highest_zoneidx, k->wakeups);
	return 0;
}

/* Every node's lists hold user pages of that node, counted. */
int lru_check(const struct machine *m, char *why, size_t len)
{
	for (unsigned int nid = 0; nid < m->nr_node_ids; nid++) {
		int err = lru_check_node(m, (int)nid, why, len);

		if (!err)
			err = lru_check_node_stat(m, (int)nid, why, len);
		if (!err)
			err = kswapd_check(m, (int)nid, why, len);

		if (err)
			return err;
	}
	return 0;
}
