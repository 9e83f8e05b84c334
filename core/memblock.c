/* SPDX-License-Identifier: MIT */
/*
 * memblock.c - the boot-time allocator of physical ranges.
 *
 * Owns: sorted, disjoint lists of memory and of reserved ranges. Must
 * never touch RAM bytes or struct pages: mm_init.c turns what is left
 * free into buddy blocks.
 */
#include "core/memblock.h"

#include <errno.h>
#include <string.h>

static uint64_t region_end(const struct memblock_region *r)
{
	return r->base + r->size;
}

/* Insert keeping address order; overlapping an existing region is refused. */
static int memblock_insert(struct memblock_type *type, uint64_t base,
			   uint64_t size, enum memblock_owner owner)
{
	unsigned int i = 0;

	if (size == 0 || base + size < base)
		return -EINVAL;
	if (type->cnt == MEMBLOCK_MAX_REGIONS)
		return -ENOSPC;
	while (i < type->cnt && type->regions[i].base < base)
		i++;
	if (i > 0 && region_end(&type->regions[i - 1]) > base)
		return -EEXIST;
	if (i < type->cnt && base + size > type->regions[i].base)
		return -EEXIST;
	memmove(&type->regions[i + 1], &type->regions[i],
		(type->cnt - i) * sizeof(type->regions[0]));
	type->regions[i] = (struct memblock_region){base, size, owner};
	type->cnt++;
	return 0;
}

int memblock_add(struct memblock *mb, uint64_t base, uint64_t size)
{
	return memblock_insert(&mb->memory, base, size, MB_FIRMWARE);
}

int memblock_reserve(struct memblock *mb, uint64_t base, uint64_t size,
		     enum memblock_owner owner)
{
	return memblock_insert(&mb->reserved, base, size, owner);
}

unsigned int memblock_free_ranges(const struct memblock *mb,
				  struct memblock_region *out, unsigned int max)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < mb->memory.cnt; i++) {
		uint64_t cur = mb->memory.regions[i].base;
		uint64_t end = region_end(&mb->memory.regions[i]);

		for (unsigned int j = 0; j < mb->reserved.cnt && cur < end;
		     j++) {
			const struct memblock_region *r =
				&mb->reserved.regions[j];

			if (region_end(r) <= cur || r->base >= end)
				continue;
			if (r->base > cur && n < max)
				out[n++] = (struct memblock_region){
					cur, r->base - cur, MB_FIRMWARE};
			cur = region_end(r);
		}
		if (cur < end && n < max)
			out[n++] = (struct memblock_region){cur, end - cur,
							    MB_FIRMWARE};
	}
	return n;
}

uint64_t memblock_alloc(struct memblock *mb, uint64_t size, uint64_t align,
			uint64_t limit, enum memblock_owner owner)
{
	return memblock_alloc_range(mb, size, align, 0, limit, owner);
}

uint64_t memblock_alloc_range(struct memblock *mb, uint64_t size,
			      uint64_t align, uint64_t start, uint64_t limit,
			      enum memblock_owner owner)
{
	struct memblock_region free[2 * MEMBLOCK_MAX_REGIONS];
	unsigned int n =
		memblock_free_ranges(mb, free, 2 * MEMBLOCK_MAX_REGIONS);

	while (n-- > 0) {
		uint64_t end = region_end(&free[n]);
		uint64_t base;

		if (end > limit)
			end = limit;
		if (end < free[n].base + size)
			continue;
		base = (end - size) & ~(align - 1);
		if (base < free[n].base || base < start)
			continue;
		if (memblock_reserve(mb, base, size, owner) < 0)
			return UINT64_MAX;
		return base;
	}
	return UINT64_MAX;
}
