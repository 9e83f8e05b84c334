/* SPDX-License-Identifier: MIT */
/*
 * writeback.h - dirty page limits and the flusher, as
 * mm/page-writeback.c and fs/fs-writeback.c run them.
 *
 * Owns: the vm.dirty_* knobs' effect: the background and throttle
 * thresholds (global_dirty_limits), the throttling of a writer past
 * dirty_ratio (balance_dirty_pages), and the flusher's work: background
 * writeback past dirty_background_ratio and the write-out of inodes
 * dirty longer than dirty_expire_centisecs, every
 * dirty_writeback_centisecs of the machine's simulated time. Must
 * never: write a page that is not dirty, or run without bound (a pass
 * writes at most MAX_WRITEBACK_PAGES).
 */
#ifndef MM_WRITEBACK_H
#define MM_WRITEBACK_H

#include <stdbool.h>

#include "core/machine.h"

#define MAX_WRITEBACK_PAGES 1024UL

/* Pages: the background threshold and the throttle threshold. */
void global_dirty_limits(const struct machine *m, unsigned long *background,
			 unsigned long *dirty);
/* After a write dirtied pages: throttle the writer past the limit. */
void balance_dirty_pages(struct machine *m);
/* Whether the flusher has work: past the background limit, or due. */
bool wb_wanted(const struct machine *m);
/* One flusher pass; returns the pages written. */
unsigned long wb_workfn(struct machine *m);

#endif /* MM_WRITEBACK_H */
