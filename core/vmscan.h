/* SPDX-License-Identifier: MIT */
/*
 * vmscan.h - reclaim: kswapd, the background reclaimer, as a step.
 *
 * The page allocator wakes kswapd when an allocation finds a zone below
 * its low watermark; whoever drives the machine (the daemon's loop) calls
 * kswapd_run while kswapd_wanted says so. Reclaim itself is the
 * machine's reclaim hook.
 */
#ifndef MM_VMSCAN_H
#define MM_VMSCAN_H

#include <stdbool.h>

#include "core/machine.h"

/* Some node's kswapd is woken (kswapd_run runs each such node's). */
bool kswapd_wanted(const struct machine *m);
/*
 * An allocation found zone short: wake the kswapd of the zone's node
 * for order and the highest zone it may use, as wakeup_kswapd. The
 * order and zone are kept for kswapd's next run even when it is not
 * woken: a hopeless node (pgdat_hopeless), or one balanced at that
 * order and zone with no watermark boost, is left asleep, and a caller
 * without __GFP_DIRECT_RECLAIM in gfp wakes its kcompactd instead.
 */
void wakeup_kswapd(struct machine *m, struct zone *zone, gfp_t gfp,
		   unsigned int order, enum zone_type highest_zoneidx);
/* kswapd failed MAX_RECLAIM_RETRIES runs in a row on the node. */
bool pgdat_hopeless(const struct pglist_data *pgdat);

/* Set up the LRU lists and make reclaim the page allocator's hook. */
int vmscan_init(struct machine *m);
void vmscan_exit(struct machine *m);
/* The lists hold exactly the user pages that may be reclaimed. */
int lru_check(const struct machine *m, char *why, size_t len);

/* A new user page joins the inactive list; a freed one leaves. */
void lru_add(struct machine *m, struct page *page);
void lru_del(struct machine *m, struct page *page);
/* A page that refaulted as part of the working set starts active. */
void lru_add_active(struct machine *m, struct page *page);
/* An inactive page moves to its active list (pgactivate). */
void lru_activate(struct machine *m, struct page *page);
/*
 * A page on an evictable list moves to LRU_UNEVICTABLE (culled), and
 * back to its inactive list (rescued); mlock.c decides when.
 */
void lru_move_unevictable(struct machine *m, struct page *page);
void lru_move_evictable(struct machine *m, struct page *page);
/*
 * MADV_COLD's folio_deactivate: an active page moves to its inactive
 * list (pgdeactivate), its referenced state forgotten.
 */
void lru_deactivate(struct machine *m, struct page *page);
/*
 * MADV_FREE's folio_mark_lazyfree: a clean private anonymous page loses
 * PG_swapbacked and moves to the inactive file list, where reclaim
 * drops it unless it was written again (pglazyfree).
 */
void lru_lazyfree(struct machine *m, struct page *page);
/*
 * MADV_PAGEOUT's reclaim_pages: reclaim one page now, references
 * ignored: swapped out (or a clean lazily freed page dropped; shared
 * memory's page dropped when clean, kept and activated when dirty and
 * there is no swap). Returns whether it went.
 */
bool reclaim_page(struct machine *m, struct page *page);

/*
 * Reclaim up to nr pages of one node's lruvec (node_lruvec): age the
 * active lists, then take the least recently used inactive pages whose
 * entries show no access. Returns the pages freed.
 */
unsigned long shrink_lruvec(struct machine *m, struct lruvec *lruvec,
			    unsigned long nr);
/*
 * A page on an LRU list migrates to to's zone; to another node's, it
 * moves to that node's lruvec, before migrate_page_state hands its
 * place on to to.
 */
void lru_move_zone(struct machine *m, struct page *from, const struct page *to);
/*
 * The page allocator's reclaim hook: direct reclaim of a batch from the
 * nodes of the allocation's zonelist, or kswapd's node when it runs.
 */
unsigned long try_to_free_pages(struct machine *m, gfp_t gfp,
				unsigned int order, void *data);

/*
 * zone_reclaim_mode (vm.zone_reclaim_mode): its bits, as Linux's; any
 * of them turns node_reclaim on. RECLAIM_DISTANCE: the farthest node an
 * allocation reclaims rather than falls back past (zone_allows_reclaim).
 */
#define RECLAIM_ZONE	      0x1 /* reclaim the local node's clean cache */
#define RECLAIM_WRITE	      0x2 /* write dirty pages out as it does */
#define RECLAIM_UNMAP	      0x4 /* unmap mapped pages (and swap) too */
#define RECLAIM_DISTANCE      30
#define MIN_UNMAPPED_RATIO    1	 /* vm.min_unmapped_ratio's default, % */
#define MIN_SLAB_RATIO	      5	 /* vm.min_slab_ratio's default, % */
#define NODE_RECLAIM_NOSCAN   -2 /* not scanned: not allowed now */
#define NODE_RECLAIM_FULL     -1 /* too little to reclaim on the node */
#define NODE_RECLAIM_SOME     0	 /* scanned, fewer than asked for */
#define NODE_RECLAIM_SUCCESS  1	 /* 1 << order pages reclaimed */
#define NODE_RECLAIM_PRIORITY 4

static inline bool node_reclaim_enabled(const struct machine *m)
{
	return m->vm.zone_reclaim_mode &
	       (RECLAIM_ZONE | RECLAIM_WRITE | RECLAIM_UNMAP);
}

/*
 * node_reclaim: an allocation found a zone of pgdat below its mark with
 * zone_reclaim_mode on; reclaim the node's lruvec for 1 << order pages
 * (clean unmapped cache; dirty pages too with RECLAIM_WRITE, mapped ones
 * and swap with RECLAIM_UNMAP), as mm/vmscan.c's node_reclaim decides
 * and counts it (zone_reclaim_success, zone_reclaim_failed). One of
 * NODE_RECLAIM_*.
 */
int node_reclaim(struct machine *m, struct pglist_data *pgdat, gfp_t gfp,
		 unsigned int order);
/* Each node's min_unmapped_pages and min_slab_pages from the ratios. */
void setup_min_unmapped_ratio(struct machine *m);
void setup_min_slab_ratio(struct machine *m);

/*
 * Reclaim inside one process's charge, as a memcg at its limit does:
 * swap out up to nr (at least a batch of 32) of the pages charged to
 * pid, coldest first, ageing its active pages as it goes. Returns the
 * pages freed; 0 when pid has none that can go or swap is full.
 */
unsigned long try_to_free_mem_cgroup_pages(struct machine *m, int pid,
					   unsigned long nr);

/*
 * One pass of every woken node's kswapd: reclaim the node's lruvec
 * until each of its zones up to the one that woke it is above its high
 * watermark, or reclaim makes no progress. Returns the pages reclaimed;
 * each kswapd sleeps again afterwards either way.
 */
unsigned long kswapd_run(struct machine *m);

#endif /* MM_VMSCAN_H */
