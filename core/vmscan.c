/*
 * vmscan.c - reclaim: kswapd, the background reclaimer, as a step.
 *
 * Owns: kswapd's balancing loop, as mm/vmscan.c's balance_pgdat runs it:
 * reclaim in batches of SWAP_CLUSTER_MAX while a zone that may serve the
 * waking allocation is below its high watermark. Must never: block or
 * loop without progress; a pass that reclaims nothing ends.
 */
#include "core/vmscan.h"

#include "core/page_alloc.h"

#define SWAP_CLUSTER_MAX   32
#define MAX_KSWAPD_BATCHES 64

bool kswapd_wanted(const struct machine *m)
{
	return m->kswapd.wanted;
}

/* Every populated zone up to highest is above its high watermark. */
static bool pgdat_balanced(const struct machine *m, enum zone_type highest,
			   unsigned int order)
{
	for (int z = 0; z <= (int)highest; z++) {
		const struct zone *zone = &m->zones[z];

		if (!managed_zone(zone))
			continue;
		if (!zone_watermark_ok(zone, order, high_wmark_pages(zone),
				       highest, 0))
			return false;
	}
	return true;
}

unsigned long kswapd_run(struct machine *m)
{
	enum zone_type highest = m->kswapd.highest_zoneidx;
	unsigned int order = m->kswapd.order;
	unsigned long reclaimed = 0;

	if (!m->kswapd.wanted)
		return 0;
	m->vm_events[PAGEOUTRUN]++;
	if (pgdat_balanced(m, highest, order))
		m->vm_events[KSWAPD_HIGH_WMARK_HIT_QUICKLY]++;
	for (int batch = 0; batch < MAX_KSWAPD_BATCHES && m->reclaim &&
			    !pgdat_balanced(m, highest, order);
	     batch++) {
		unsigned long got =
			m->reclaim(m, GFP_KERNEL, order, m->reclaim_data);

		if (!got)
			break;
		reclaimed += got;
	}
	m->vm_events[PGSTEAL_KSWAPD] += reclaimed;
	m->kswapd.wanted = false;
	m->kswapd.order = 0;
	m->kswapd.highest_zoneidx = 0;
	return reclaimed;
}
