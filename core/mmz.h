/* SPDX-License-Identifier: MIT */
/*
 * mmz.h - media memory zones: blocks carved from the layout's MMZ regions.
 *
 * Owns: the media memory blocks (MMBs) allocated inside the regions that
 * boot reserved from RAM (PG_reserved|PG_mmz, never in the buddy lists),
 * as HiSilicon's MMZ driver keeps them: first fit by address, freed by
 * physical address, found by name. Must never: touch the page allocator
 * or the pages' flags, or change anything on a call it refuses.
 */
#ifndef MM_MMZ_H
#define MM_MMZ_H

#include <stddef.h>
#include <stdint.h>

#include "core/machine.h"
#include "core/seq_buf.h"
#include "core/snapshot.h"

/* A block name holds at most 31 characters, as HIL_MMB_NAME_LEN says. */
#define MMZ_NAME_LEN 32

/* A block: whole pages at phys, owned by the pid that allocated it. */
struct mmz_block {
	uint64_t phys;
	uint64_t size;
	int owner;
	unsigned int map_count; /* VMAs of /dev/mmz_userdev mapping it */
	char name[MMZ_NAME_LEN];
};

/* A region of the layout and its blocks, kept sorted by address. */
struct mmz_region {
	char name[LAYOUT_NAME_MAX];
	uint64_t start;
	uint64_t size;
	uint64_t used; /* bytes in blocks */
	struct mmz_block *blocks;
	unsigned long nr_blocks;
	size_t cap;
};

struct mmz_state {
	unsigned int nr_regions; /* in layout order */
	struct mmz_region *regions;
};

int mmz_init(struct machine *m);
/* Tears down what init built; must cope with init having failed midway. */
void mmz_exit(struct machine *m);
int mmz_check(const struct machine *m, char *why, size_t len);
/* Free everything pid still owns; returns how many objects that was. */
unsigned long mmz_release(struct machine *m, int pid);

/* Free pages in all MMZ regions, for meminfo MmzFree. */
unsigned long mmz_free_pages(const struct machine *m);
/*
 * The media-mem listing, as HiSilicon's /proc/media-mem: each ZONE line
 * ends with " USED=NKB", the zone's allocated kilobytes, and each MMB
 * line with " owner=PID"; the vendor's lines have neither.
 */
/*
 * media-mem's snapshot (snapshot.h; mm.proto's MediaMem): each region
 * (zone) and its blocks, in bytes (start, size, used; a block's phys,
 * size, kvirt: 0 for one past the direct map), and the use summary in
 * kB as HiSilicon's MMZ_USE_INFO prints it.
 */
struct mmz_block_snapshot {
	uint64_t phys, size, kvirt;
	int64_t owner;
	char *name;
};
struct mmz_zone_snapshot {
	char *name;
	uint64_t start, size, used;
	struct mmz_block_snapshot *blocks;
	size_t nr_blocks;
};
struct media_mem_snapshot {
	struct mmz_zone_snapshot *zones;
	size_t nr_zones;
	uint64_t total_kb, used_kb, zone_number, block_number;
};
extern const struct report_type media_mem_report;
int media_mem_fill(const struct machine *m, int pid, void *snap);
int media_mem_show(const void *snap, struct seq_buf *s);
int report_media_mem(const struct machine *m, struct seq_buf *s);

/*
 * Allocate a block of size bytes (rounded up to whole pages) aligned to
 * align (a power of two; 0 or less than a page means a page) from the
 * region named zone_name, or from the first region in layout order that
 * has room when zone_name is NULL or "". block_name (NULL means "") is
 * at most 31 characters. The owner is m->current_pid; *phys its address.
 * -EINVAL: size 0, align not a power of two, a name with a byte outside
 * printable ASCII or a '"' or '\\' (media-mem prints it), or a block that
 * could not fit even the empty region (every region, for any); -ENOMEM: no room
 * now; -ENAMETOOLONG: a name over 31 characters; -ENOENT: no such region.
 */
int mmz_alloc(struct machine *m, const char *zone_name, const char *block_name,
	      uint64_t size, uint64_t align, uint64_t *phys);
/* -EINVAL unless phys starts a block; -EPERM for another pid's block. */
int mmz_free(struct machine *m, uint64_t phys);
/*
 * The first block named block_name, regions in layout order, blocks by
 * address: -ENOENT if none, -EINVAL for NULL, -ENAMETOOLONG.
 */
int mmz_find(const struct machine *m, const char *block_name, uint64_t *phys,
	     uint64_t *size);
/*
 * For the byte-access layer: 0 and the owner when [phys, phys + len)
 * lies inside one block, -EFAULT otherwise.
 */
int mmz_owner_of(const struct machine *m, uint64_t phys, uint64_t len,
		 int *owner);
/*
 * One more (delta 1) or one fewer (-1) VMA maps the block phys lies in
 * (mmz_userdev.c); a mapped block cannot be freed (-EBUSY).
 */
void mmz_block_map(struct machine *m, uint64_t phys, int delta);
/* The block phys lies in, or NULL: for the page's owners. */
const struct mmz_block *mmz_find_block(const struct machine *m, uint64_t phys);
/* The size of the block that starts at phys; -EINVAL when none does. */
int mmz_block_size(const struct machine *m, uint64_t phys, uint64_t *size);

#endif /* MM_MMZ_H */
