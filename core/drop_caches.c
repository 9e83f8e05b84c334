/* SPDX-License-Identifier: MIT */
/*
 * drop_caches.c - echo 3 > /proc/sys/vm/drop_caches, as Linux's
 * fs/drop_caches.c.
 *
 * Owns: what dropping caches means in this machine: the page cache's
 * clean, unheld pages dropped (drop_pagecache_sb), every slab cache
 * shrunk (drop_slab) and every CPU's page lists drained back to the
 * buddy lists, done as the kernel (pid 0), not as whoever asked.
 * Anonymous and shmem pages stay, and so do dirty cached pages, as on
 * Linux (sync first to drop those).
 * Must never: free anything that is in use.
 */
#include "core/fs/fs.h"
#include "core/mm.h"
#include "core/page_alloc.h"
#include "core/slab.h"
#include "core/task.h"

unsigned long drop_caches(struct machine *m)
{
	task_switch(m, 0);
	drop_pagecache_sb(m);
	kmem_cache_shrink_all(m);
	drain_all_pages(m);
	return global_free_pages(m);
}
