/* SPDX-License-Identifier: MIT */
/*
 * drop_caches.c - echo N > /proc/sys/vm/drop_caches, as Linux's
 * fs/drop_caches.c: 1 the page cache, 2 the slab caches, 3 both (4,
 * Linux's bit that silences its log line, drops nothing).
 *
 * Owns: what dropping caches means in this machine: the page cache's
 * clean, unheld, unmapped pages dropped (drop_pagecache_sb), every slab
 * cache shrunk and every shrinker run (drop_slab: the machine's
 * reclaimable objects are the slabs' free ones, inodes and names live
 * outside slabs here; the deferred split queue's THPs are split, their
 * unmapped pages freed), then
 * every CPU's page lists drained back to the buddy lists, done as the
 * kernel (pid 0), not as whoever asked.
 * Anonymous and shmem pages stay, and so do dirty cached pages, as on
 * Linux (sync first to drop those).
 * Must never: free anything that is in use.
 */
#include <errno.h>

#include "core/err.h"
#include "core/fs/fs.h"
#include "core/huge_mm.h"
#include "core/mm.h"
#include "core/page_alloc.h"
#include "core/slab.h"
#include "core/task.h"

int drop_caches_mode(struct machine *m, unsigned int mode,
		     unsigned long *free_pages)
{
	if (!mode)
		mode = 3; /* the request without a mode: both, as before */
	if (mode > 4)
		return mm_refuse(m, BAD_NONE, -EINVAL,
				 "drop_caches takes 1 to 4, not %u", mode);
	task_switch(m, 0);
	if (mode & 1) {
		drop_pagecache_sb(m);
		m->vm_events[DROP_PAGECACHE]++;
	}
	if (mode & 2) {
		kmem_cache_shrink_all(m);
		deferred_split_scan(m, m->thp.split_queue_len);
		m->vm_events[DROP_SLAB]++;
	}
	drain_all_pages(m);
	*free_pages = global_free_pages(m);
	return 0;
}

unsigned long drop_caches(struct machine *m)
{
	unsigned long free_pages = 0;

	drop_caches_mode(m, 3, &free_pages);
	return free_pages;
}
