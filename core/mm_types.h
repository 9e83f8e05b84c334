/* SPDX-License-Identifier: MIT */
/*
 * mm_types.h - struct page, struct zone and the per-CPU page lists.
 *
 * Owns: the host-side metadata of every simulated frame and zone. A
 * struct page stays within 64 bytes, as Linux's does; a test asserts it.
 * Must never: hold the simulated bytes themselves (they live in RAM).
 */
#ifndef MM_TYPES_H
#define MM_TYPES_H

#include <stdint.h>

#include "core/layout.h"
#include "core/list.h"
#include "core/vmstat.h"

/*
 * Page flags. PG_buddy marks the first page of a free block on a buddy
 * list and PG_pcp one on a per-CPU list; PG_head marks the first page of
 * every allocated block (not only compound ones) so that frees can be
 * checked. For all three, page->private holds the block's order. The top
 * bits hold the zone and the node, as the kernel keeps them in
 * page->flags.
 */
enum pageflags {
	PG_reserved,
	PG_buddy,
	PG_pcp,
	PG_head,
	PG_hole, /* no RAM behind this frame: not present */
	PG_dirty,
	PG_referenced,
	PG_lru,
	PG_active,
	PG_slab,	  /* every page of a slab; mapping is its struct slab */
	PG_large_kmalloc, /* the first page of a kmalloc too big for slabs */
	PG_swapbacked,
	PG_mmz,
	PG_table, /* a page-table page, as the kernel's PageTable type */
	PG_anon,  /* private anonymous memory of address spaces */
	PG_shmem, /* shared anonymous memory; mapping is its object */
	/* The page cache's (filemap.c), as Linux uses them. */
	PG_uptodate,  /* its bytes are the file's */
	PG_writeback, /* on its way to the device */
	PG_readahead, /* reaching it starts the next readahead window */
	/*
	 * Transparent huge pages (huge_memory.c): PG_tail on every page of
	 * a THP but its head (the head is found by the huge order's
	 * alignment, as compound_head); PG_anon_exclusive on a page only
	 * this mm may map, as Linux's PageAnonExclusive (the head's stands
	 * for a PMD mapping).
	 */
	PG_tail,
	PG_anon_exclusive,
	/* mlock.c's: a VM_LOCKED mapping holds it, on LRU_UNEVICTABLE. */
	PG_mlocked,
	PG_unevictable,
	NR_PAGEFLAGS,
};

#define PG_STATE_MASK                                                          \
	((1u << PG_reserved) | (1u << PG_buddy) | (1u << PG_pcp) |             \
	 (1u << PG_head) | (1u << PG_hole))

#define ZONES_SHIFT 28
#define ZONES_MASK  0x7u
/* The node, below the zone, as Linux keeps it in page->flags. */
#define NODES_PGSHIFT 25
#define NODES_MASK    ((1u << NODES_SHIFT) - 1)
_Static_assert(NODES_PGSHIFT + NODES_SHIFT <= ZONES_SHIFT, "node bits");

struct page {
	uint32_t flags;
	int32_t _refcount;
	int32_t _mapcount; /* -1 when unmapped, as in Linux */
	uint32_t private;  /* order of a free or allocated block */
	uint64_t mapping;
	uint64_t index;
	union {
		/* buddy, per-CPU or LRU list, or owner's list */
		struct list_head lru;
		/* A THP's first tail page: its folio's map counts, as Linux's
		 */
		struct {
			int32_t _entire_mapcount; /* PMDs mapping it, -1 based
						   */
			int32_t _nr_pages_mapped; /* its pages a PTE maps */
		};
	};
	int32_t owner; /* pid that allocated the block; 0: the kernel */
	uint32_t swap; /* swap slot holding a copy of it, 0 if none */
	int32_t memcg; /* pid it is charged to (memcontrol.c); 0: none */
};

_Static_assert(sizeof(struct page) <= 64, "struct page must fit 64 bytes");

enum zone_watermarks {
	WMARK_MIN,
	WMARK_LOW,
	WMARK_HIGH,
	WMARK_PROMO,
	NR_WMARK,
};

/*
 * Migrate types, in the kernel's order (a kernel built with CMA and
 * memory isolation). Each pageblock has one; a free block sits on the
 * free list of its pageblock's type. The first MIGRATE_PCPTYPES are the
 * ones allocations ask for and per-CPU lists keep.
 */
enum migratetype {
	MIGRATE_UNMOVABLE,
	MIGRATE_MOVABLE,
	MIGRATE_RECLAIMABLE,
	MIGRATE_PCPTYPES,
	MIGRATE_HIGHATOMIC = MIGRATE_PCPTYPES,
	MIGRATE_CMA,
	MIGRATE_ISOLATE,
	MIGRATE_TYPES,
};

/*
 * The bits each pageblock keeps in its zone's bitmap, as Linux's
 * pageblock-flags.h: three for the migrate type, one that compaction
 * sets on blocks it found nothing in.
 */
#define PB_migrate_bits	  3
#define PB_migrate_skip	  3
#define NR_PAGEBLOCK_BITS 4
#define MIGRATETYPE_MASK  ((1UL << PB_migrate_bits) - 1)

struct free_area {
	struct list_head free_list[MIGRATE_TYPES];
	unsigned long nr_free;
};

/*
 * Orders up to PAGE_ALLOC_COSTLY_ORDER go through per-CPU lists, one
 * list per order and per-CPU migrate type, as Linux's order_to_pindex.
 */
#define PAGE_ALLOC_COSTLY_ORDER 3
#define NR_PCP_LISTS		(MIGRATE_PCPTYPES * (PAGE_ALLOC_COSTLY_ORDER + 1))

static inline unsigned int order_to_pindex(int migratetype, unsigned int order)
{
	return MIGRATE_PCPTYPES * order + (unsigned int)migratetype;
}

static inline unsigned int pindex_to_order(unsigned int pindex)
{
	return pindex / MIGRATE_PCPTYPES;
}

struct per_cpu_pages {
	int count; /* pages on the lists */
	int high;  /* drain batch pages when count reaches this */
	int batch; /* refill and drain in chunks of this many */
	struct list_head lists[NR_PCP_LISTS];
};

struct zone {
	enum zone_type type;
	int node; /* the node it belongs to, as zone_to_nid */
	const char *name;
	unsigned long zone_start_pfn;
	unsigned long spanned_pages;
	unsigned long present_pages;
	unsigned long managed_pages;
	unsigned long _watermark[NR_WMARK];
	unsigned long watermark_boost;
	long lowmem_reserve[MAX_NR_ZONES];
	/* NR_PAGEBLOCK_BITS per pageblock, from the block holding the start. */
	unsigned long *pageblock_flags;
	unsigned long nr_reserved_highatomic; /* pages in highatomic blocks */
	unsigned long cma_pages; /* pages of CMA areas, as Linux's */
	/* Pageblocks now MIGRATE_ISOLATE (page_isolation.c). */
	unsigned long nr_isolate_pageblock;
	/* Free sections whose memmap is not written yet (sparse.c). */
	unsigned long nr_deferred_sections;
	/* Compaction's deferral after failures (compaction.c). */
	unsigned int compact_considered;
	unsigned int compact_defer_shift;
	int compact_order_failed;
	/*
	 * Where compaction's scanners resume (the migrate scanner's for
	 * async and for sync runs), where a reset of the skip bits found
	 * the first block worth scanning, and whether a direct run whose
	 * scanners met asks kswapd to clear the skip bits, as Linux's.
	 */
	unsigned long compact_cached_free_pfn;
	unsigned long compact_cached_migrate_pfn[2];
	unsigned long compact_init_migrate_pfn;
	unsigned long compact_init_free_pfn;
	bool compact_blockskip_flush;
	struct per_cpu_pages *pcp; /* one per simulated CPU */
	long vm_stat[NR_VM_ZONE_STAT_ITEMS];
	unsigned long vm_events[NR_VM_ZONE_EVENT_ITEMS];
	unsigned long vm_numa_event[NR_VM_NUMA_EVENT_ITEMS];
	/*
	 * Last: the free lists (over a kilobyte with a list per migrate
	 * type) would otherwise part the fields every order-0 allocation
	 * and free reads (watermarks, the per-CPU lists, the counters)
	 * over many cache lines.
	 */
	struct free_area free_area[LAYOUT_MAX_ORDER_LIMIT + 1];
};

static inline unsigned long zone_end_pfn(const struct zone *zone)
{
	return zone->zone_start_pfn + zone->spanned_pages;
}

static inline int populated_zone(const struct zone *zone)
{
	return zone->present_pages != 0;
}

static inline int managed_zone(const struct zone *zone)
{
	return zone->managed_pages != 0;
}

static inline int is_highmem_idx(enum zone_type idx)
{
	return idx == ZONE_HIGHMEM;
}

#endif /* MM_TYPES_H */
