/* SPDX-License-Identifier: MIT */
/*
 * compaction.h - memory compaction, as the kernel's mm/compaction.c:
 * movable pages move from a zone's low end to free pages at its high
 * end, so that free memory comes together into large blocks.
 *
 * Owns: compact_zone and its callers (direct compaction from the page
 * allocator, compact_memory from the admin), deferral after failures
 * and the fragmentation index. Must never: move a page that may not
 * migrate, or leave an isolated free page off both the buddy lists and
 * its new owner.
 */
#ifndef MM_COMPACTION_H
#define MM_COMPACTION_H

#include "core/machine.h"

/* What compaction did, in the kernel's order (the larger, the better). */
enum compact_result {
	COMPACT_NOT_SUITABLE_ZONE,
	COMPACT_SKIPPED,
	COMPACT_DEFERRED,
	COMPACT_NO_SUITABLE_PAGE,
	COMPACT_CONTINUE,
	COMPACT_COMPLETE,
	COMPACT_PARTIAL_SKIPPED,
	COMPACT_CONTENDED,
	COMPACT_SUCCESS,
};

/* How hard direct compaction tries: the lower, the harder. */
enum compact_priority {
	COMPACT_PRIO_SYNC_FULL,
	COMPACT_PRIO_SYNC_LIGHT,
	COMPACT_PRIO_ASYNC,
};
#define MIN_COMPACT_PRIORITY  COMPACT_PRIO_SYNC_FULL
#define INIT_COMPACT_PRIORITY COMPACT_PRIO_ASYNC

/* vm.extfrag_threshold's and vm.compaction_proactiveness's defaults. */
#define EXTFRAG_THRESHOLD	 500
#define COMPACTION_PROACTIVENESS 20

/*
 * Direct compaction for an allocation of order that failed: every zone
 * up to highest_zoneidx, from the highest, at priority prio; deferred
 * zones are skipped. The best result over the zones.
 */
enum compact_result try_to_compact_pages(struct machine *m, gfp_t gfp,
					 unsigned int order,
					 unsigned int alloc_flags,
					 enum zone_type highest_zoneidx,
					 enum compact_priority prio);

/* Linux's deferral after a failure, and its reset after a success. */
void defer_compaction(struct zone *zone, int order);
bool compaction_deferred(struct zone *zone, int order);
void compaction_defer_reset(struct zone *zone, int order, bool alloc_success);

/*
 * A node's kswapd, going back to sleep after a wake-up for order, wakes
 * the node's kcompactd when one of its zones up to highest_zoneidx
 * could be compacted to it; and every woken node's kcompactd work
 * (kcompactd_do_work), run by whoever steps kswapd.
 */
void wakeup_kcompactd(struct machine *m, struct pglist_data *pgdat,
		      unsigned int order, enum zone_type highest_zoneidx);
void kcompactd_run(struct machine *m);

/*
 * Proactive compaction, as kcompactd's timed wake-ups do it: the
 * fragmentation score of a zone (0..100: the share of its free memory
 * in blocks below a huge page) and of the node (the zones' weighted by
 * present pages), and the marks compaction_proactiveness sets.
 * kcompactd_timeout is what the sleeping kcompactd does each
 * HPAGE_FRAG_CHECK_INTERVAL_MSEC; kcompactd_timeout_wanted says whether
 * it would do anything (proactiveness on, and a deferral to count off
 * or a node score above the high mark), so that the driver calls it
 * only then.
 */
#define HPAGE_FRAG_CHECK_INTERVAL_MSEC 500
unsigned int fragmentation_score_zone(const struct machine *m,
				      const struct zone *zone);
unsigned int fragmentation_score_node(const struct machine *m,
				      const struct pglist_data *pgdat);
unsigned int fragmentation_score_wmark(const struct machine *m, bool low);
bool kcompactd_timeout_wanted(const struct machine *m);
void kcompactd_timeout(struct machine *m);

/*
 * The cached scanner positions and the pageblock skip bits: the
 * positions at a zone's ends (boot, and whenever the scanners meet),
 * and kswapd going to sleep clears the skip bits of zones where direct
 * compaction ran to the end (reset_isolation_suitable).
 */
void reset_cached_positions(const struct machine *m, struct zone *zone);
void reset_isolation_suitable(struct machine *m, struct pglist_data *pgdat);

/*
 * Boot (the cached positions at each zone's ends) and the checker's
 * part: every pageblock's bits and the cached positions.
 */
int compaction_init(struct machine *m);
void compaction_exit(struct machine *m);
int compaction_check(const struct machine *m, char *why, size_t len);

/*
 * Compact every zone whole, as a write to /proc/sys/vm/compact_memory
 * does (sync migration, no order: until the scanners meet).
 */
void compact_nodes(struct machine *m);

#endif /* MM_COMPACTION_H */
