/*
 * drop_caches.c - echo 3 > /proc/sys/vm/drop_caches, as Linux's
 * fs/drop_caches.c.
 *
 * Owns: what dropping caches means in this machine: every slab cache
 * shrunk (drop_slab) and every CPU's page lists drained back to the
 * buddy lists, done as the kernel (pid 0), not as whoever asked. The
 * machine has no page cache yet: anonymous and shmem pages stay.
 * Must never: free anything that is in use.
 */
#include "core/mm.h"
#include "core/page_alloc.h"
#include "core/slab.h"
#include "core/task.h"

unsigned long drop_caches(struct machine *m)
{
	task_switch(m, 0);
	kmem_cache_shrink_all(m);
	drain_all_pages(m);
	return global_free_pages(m);
}
