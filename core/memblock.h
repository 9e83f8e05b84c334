/* SPDX-License-Identifier: MIT */
/*
 * memblock.h - the boot-time allocator of physical ranges.
 *
 * Owns: the memory and reserved range lists a machine has before its
 * buddy allocator exists, as the kernel's mm/memblock.c. After boot it is
 * a record of what was reserved and why. Must never touch RAM bytes.
 */
#ifndef MM_MEMBLOCK_H
#define MM_MEMBLOCK_H

#include <stdint.h>

#define MEMBLOCK_MAX_REGIONS 64

enum memblock_owner {
	MB_FIRMWARE, /* the low pages the BIOS keeps */
	MB_KERNEL,   /* the kernel image */
	MB_MEMMAP,   /* the struct page array */
	MB_MMZ,	     /* media memory zones */
	MB_CMA,	     /* CMA areas: given to the buddy as MIGRATE_CMA */
	NR_MB_OWNERS,
};

struct memblock_region {
	uint64_t base;
	uint64_t size;
	enum memblock_owner owner; /* reserved regions only */
};

struct memblock_type {
	unsigned int cnt;
	struct memblock_region regions[MEMBLOCK_MAX_REGIONS];
};

struct memblock {
	struct memblock_type memory;
	struct memblock_type reserved;
};

int memblock_add(struct memblock *mb, uint64_t base, uint64_t size);
int memblock_reserve(struct memblock *mb, uint64_t base, uint64_t size,
		     enum memblock_owner owner);

/*
 * Find and reserve size bytes, aligned, below limit, top-down as the
 * kernel does; returns the base or UINT64_MAX when nothing fits.
 */
uint64_t memblock_alloc(struct memblock *mb, uint64_t size, uint64_t align,
			uint64_t limit, enum memblock_owner owner);

/* The same inside [start, end), as memblock_alloc_range_nid. */
uint64_t memblock_alloc_range(struct memblock *mb, uint64_t size,
			      uint64_t align, uint64_t start, uint64_t end,
			      enum memblock_owner owner);

/*
 * The free ranges (memory minus reserved), in address order; returns how
 * many were written to out (at most max).
 */
unsigned int memblock_free_ranges(const struct memblock *mb,
				  struct memblock_region *out,
				  unsigned int max);

#endif /* MM_MEMBLOCK_H */
