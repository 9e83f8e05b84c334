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

bool kswapd_wanted(const struct machine *m);

/*
 * One kswapd pass: reclaim until every zone up to the one that woke it
 * is above its high watermark, or reclaim makes no progress. Returns the
 * pages reclaimed; kswapd sleeps again afterwards either way.
 */
unsigned long kswapd_run(struct machine *m);

#endif /* MM_VMSCAN_H */
