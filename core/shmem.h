/* SPDX-License-Identifier: MIT */
/*
 * shmem.h - shared anonymous memory: the object behind MAP_SHARED |
 * MAP_ANONYMOUS, as Linux backs it with a shmem file ("/dev/zero
 * (deleted)" in maps).
 *
 * Owns: the object's pages (or the swap slots holding them) by page
 * offset, and their lifetime: the object holds one reference on each
 * page, each mapping entry another; the object goes when its last VMA
 * does. Must never: give one page offset two pages, or free a page an
 * entry still maps.
 */
#ifndef MM_SHMEM_H
#define MM_SHMEM_H

#include <stdint.h>

#include "core/mm.h"
#include "core/rmap.h"

struct shmem_object {
	struct rmap_root root; /* refcount: the VMAs using it */
	unsigned long nr_pages;
	uint64_t
		*slots; /* per offset: 0, page (pfn << 1 | 1), swap slot << 1 */
	unsigned long ino;
};

struct shmem_object *shmem_create(struct machine *m, unsigned long nr_pages);
void shmem_put(struct machine *m, struct shmem_object *obj);

/*
 * The page at index, allocated zeroed or read back from swap when
 * missing (*major says the latter), charged to mm's process (the one
 * that touches it first). ERR_PTR(-ENOMEM) when memory ran out,
 * ERR_PTR(-EDQUOT) past that process's limit.
 */
struct page *shmem_get_page(struct machine *m, const struct mm_struct *mm,
			    struct shmem_object *obj, unsigned long index,
			    bool *major);
/* Swap-out: the page's bytes are in slot now; the object forgets it. */
void shmem_page_swapped(struct machine *m, struct shmem_object *obj,
			unsigned long index, unsigned long slot);
/* Pages and swap slots it holds, for counters and the checker. */
/*
 * shmem_truncate_range: the object's pages and swap copies at offsets
 * [start, end) are freed (their mappings must be zapped first).
 */
void shmem_truncate_range(struct machine *m, struct shmem_object *obj,
			  unsigned long start, unsigned long end);
/* The page at index if the object holds it in memory, else NULL. */
struct page *shmem_find_page(struct machine *m, const struct shmem_object *obj,
			     unsigned long index);
void shmem_counts(const struct shmem_object *obj, unsigned long *pages,
		  unsigned long *swapped);

#endif /* MM_SHMEM_H */
