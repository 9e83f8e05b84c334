/* SPDX-License-Identifier: MIT */
/*
 * page_alloc.h - the zoned buddy allocator, as the kernel's mm/page_alloc.c.
 *
 * Owns: buddy free lists, per-CPU page lists, watermarks, lowmem_reserve
 * and the GFP-driven choice of zone. Allocation returns the first struct
 * page of a block or ERR_PTR: -EINVAL for a bad call, -ENOMEM when no
 * zone can give it, -EAGAIN when __GFP_NOFAIL says the caller must wait.
 * Must never: leave any list or counter changed by a call it refuses.
 */
#ifndef MM_PAGE_ALLOC_H
#define MM_PAGE_ALLOC_H

#include "core/compiler.h"
#include "core/machine.h"

/* ------------------------------------------------------------------ */
/* Pageblocks and migrate types                                        */

static inline unsigned long pageblock_nr_pages(const struct machine *m)
{
	return 1UL << m->pageblock_order;
}

static inline unsigned long pageblock_start_pfn(const struct machine *m,
						unsigned long pfn)
{
	return pfn & ~(pageblock_nr_pages(m) - 1);
}

/* The bit of pfn's pageblock in its zone's bitmap, as pfn_to_bitidx. */
static __always_inline unsigned long pfn_to_bitidx(const struct machine *m,
						   const struct zone *zone,
						   unsigned long pfn)
{
	pfn -= pageblock_start_pfn(m, zone->zone_start_pfn);
	return (pfn >> m->pageblock_order) * NR_PAGEBLOCK_BITS;
}

/* Bitmap words a zone needs, as usemap_size (whole longs). */
static inline unsigned long usemap_longs(const struct machine *m,
					 const struct zone *zone)
{
	unsigned long span =
		zone->spanned_pages +
		(zone->zone_start_pfn & (pageblock_nr_pages(m) - 1));
	unsigned long blocks =
		(span + pageblock_nr_pages(m) - 1) >> m->pageblock_order;

	return (blocks * NR_PAGEBLOCK_BITS + 63) / 64;
}

static __always_inline unsigned long
get_zone_pfnblock_flags_mask(const struct machine *m, const struct zone *zone,
			     unsigned long pfn, unsigned long mask)
{
	unsigned long bitidx = pfn_to_bitidx(m, zone, pfn);

	return (zone->pageblock_flags[bitidx / 64] >> (bitidx % 64)) & mask;
}

static __always_inline int
get_zone_pfnblock_migratetype(const struct machine *m, const struct zone *zone,
			      unsigned long pfn)
{
	return (int)get_zone_pfnblock_flags_mask(m, zone, pfn,
						 MIGRATETYPE_MASK);
}

/* Always inline: every free reads it, twice with the per-CPU lists. */
static __always_inline int get_pfnblock_migratetype(const struct machine *m,
						    unsigned long pfn)
{
	const struct page *page = pfn_to_page(m, pfn);
	const struct zone *zone = &m->zones[page_to_nid(page) * MAX_NR_ZONES +
					    page_zonenum(page)];

	return get_zone_pfnblock_migratetype(m, zone, pfn);
}

void set_pfnblock_flags_mask(struct machine *m, unsigned long pfn,
			     unsigned long flags, unsigned long mask);
void set_zone_pfnblock_flags_mask(const struct machine *m, struct zone *zone,
				  unsigned long pfn, unsigned long flags,
				  unsigned long mask);
void set_pageblock_migratetype(struct machine *m, unsigned long pfn,
			       int migratetype);

/* vm.watermark_boost_factor's default, in ten-thousandths of high. */
#define WATERMARK_BOOST_FACTOR 15000

#define GFP_MOVABLE_MASK  (__GFP_RECLAIMABLE | __GFP_MOVABLE)
#define GFP_MOVABLE_SHIFT 3

/* The migrate type a GFP mask asks for (both bits together: refused). */
static inline int gfp_migratetype(const struct machine *m, gfp_t gfp)
{
	if (m->page_group_by_mobility_disabled)
		return MIGRATE_UNMOVABLE;
	return (int)((gfp & GFP_MOVABLE_MASK) >> GFP_MOVABLE_SHIFT);
}

/*
 * The fallback type __rmqueue_fallback would take from area for a
 * request of migratetype, or -1; can_steal says whether it may claim
 * the pageblock. only_stealable skips types it may not claim.
 */
int find_suitable_fallback(const struct machine *m,
			   const struct free_area *area, unsigned int order,
			   int migratetype, bool only_stealable,
			   bool *can_steal);

/* Move a pageblock's free blocks and the block to new_mt; -1: straddles. */
long move_freepages_block(struct machine *m, struct zone *zone,
			  unsigned long pfn, int new_mt);

/*
 * Take the free block of order at page off the buddy lists as order-0
 * allocated pages, for compaction; 0 when the zone's min watermark
 * forbids it, else the pages taken.
 */
unsigned long isolate_free_block(struct machine *m, struct page *page,
				 unsigned int order);

/* Boot: hand [pfn, pfn + 2^order) to the buddy lists as managed memory. */
void free_boot_pages(struct machine *m, unsigned long pfn, unsigned int order);

/* Boot: min_free_kbytes, watermarks, lowmem_reserve, per-CPU high/batch. */
void page_alloc_init(struct machine *m);

/* Recompute watermarks after min_free_kbytes or the scale factor changes. */
void setup_per_zone_wmarks(struct machine *m);

struct page *alloc_pages(struct machine *m, gfp_t gfp, unsigned int order);
/*
 * The allocator's heart, as Linux's __alloc_pages: preferred_nid's
 * zonelist, limited to nodemask when not NULL.
 */
struct page *__alloc_pages(struct machine *m, gfp_t gfp, unsigned int order,
			   int preferred_nid, const nodemask_t *nodemask);
/* From node nid first (NUMA_NO_NODE: the caller's), no task policy. */
struct page *alloc_pages_node(struct machine *m, int nid, gfp_t gfp,
			      unsigned int order);

static inline struct page *alloc_page(struct machine *m, gfp_t gfp)
{
	return alloc_pages(m, gfp, 0);
}

/*
 * Like alloc_pages but gives a direct-map address; __GFP_HIGHMEM is
 * dropped, as Linux 6.x drops it, and the log says so.
 */
gfp_t get_free_pages_gfp(struct machine *m, gfp_t gfp);
int __get_free_pages(struct machine *m, gfp_t gfp, unsigned int order,
		     uint64_t *addr);
int __get_free_page(struct machine *m, gfp_t gfp, uint64_t *addr);
int get_zeroed_page(struct machine *m, gfp_t gfp, uint64_t *addr);

/* Drop the caller's reference to a block; it is freed at zero. */
int __free_pages(struct machine *m, struct page *page, unsigned int order);
int free_pages_pfn(struct machine *m, unsigned long pfn, unsigned int order);
int free_pages(struct machine *m, uint64_t addr, unsigned int order);

/*
 * split_page: an allocated block of 2^order becomes 2^order allocated
 * order-0 pages, each with one reference, its owner and charge kept.
 */
void split_page(struct machine *m, struct page *page, unsigned int order);

/* The first pfn of any block (free or not) covering pfn, or ULONG_MAX. */
unsigned long find_block_head(const struct machine *m, unsigned long pfn);

/* Isolation's helpers (page_isolation.c): see page_alloc.c. */
void split_free_block_at(struct machine *m, struct zone *zone,
			 unsigned long pfn);
void putback_isolated_range(struct machine *m, struct zone *zone,
			    unsigned long start, unsigned long end,
			    int migratetype);

/* The first pfn of the allocated block covering pfn, or ULONG_MAX. */
unsigned long pfn_to_block_head(const struct machine *m, unsigned long pfn);

int get_page(struct machine *m, struct page *page);
int put_page(struct machine *m, struct page *page);

/*
 * The direct-map address of a low page, as Linux's lowmem_page_address:
 * for pages that are never high (slab, page tables, per-CPU chunks,
 * __get_free_pages). page_address (highmem.h) serves any page.
 */
static inline uint64_t lowmem_page_address(const struct machine *m,
					   const struct page *page)
{
	return m->layout.kernel.page_offset +
	       pfn_to_phys(m, page_to_pfn(m, page));
}
/* The page behind a direct-map address, or NULL. */
struct page *virt_to_page(const struct machine *m, uint64_t addr);

/* Give the per-CPU lists of one CPU, or of all, back to the buddy lists. */
void drain_pages(struct machine *m, unsigned int cpu);
void drain_all_pages(struct machine *m);

/*
 * Turn a zone's per-CPU lists off (high 0, batch 1: every block comes
 * from and goes back to the buddy lists) and on again, as Linux's
 * zone_pcp_disable and zone_pcp_enable.
 */
void zone_pcp_disable(struct machine *m, struct zone *zone);

/* A boot-reserved pageblock of a CMA area into the buddy, MIGRATE_CMA. */
void init_cma_reserved_pageblock(struct machine *m, unsigned long pfn);
void zone_pcp_enable(struct machine *m, struct zone *zone);

/* The checks the allocator makes, for tests and reports. */
#define ALLOC_WMARK_MIN	    WMARK_MIN
#define ALLOC_WMARK_LOW	    WMARK_LOW
#define ALLOC_WMARK_HIGH    WMARK_HIGH
#define ALLOC_NO_WATERMARKS 0x04
#define ALLOC_WMARK_MASK    (ALLOC_NO_WATERMARKS - 1)
#define ALLOC_OOM	    0x08
#define ALLOC_NON_BLOCK	    0x10
#define ALLOC_MIN_RESERVE   0x20
#define ALLOC_CMA	    0x80
#define ALLOC_NOFRAGMENT    0x100
#define ALLOC_HIGHATOMIC    0x200
#define ALLOC_KSWAPD	    0x800
#define ALLOC_RESERVES                                                         \
	(ALLOC_NON_BLOCK | ALLOC_MIN_RESERVE | ALLOC_HIGHATOMIC | ALLOC_OOM)

/*
 * How many passes of reclaim an allocation (should_reclaim_retry) or a
 * memory cgroup's charge (try_charge) makes while reclaim makes
 * progress, as Linux's mm/internal.h has it.
 */
#define MAX_RECLAIM_RETRIES 16
/* The most passes one allocation's direct reclaim makes (page_alloc.c). */
#define MAX_DIRECT_RECLAIM_PASSES 256

unsigned int gfp_to_alloc_flags(gfp_t gfp, unsigned int order);
bool zone_watermark_ok(const struct zone *z, unsigned int order,
		       unsigned long mark, enum zone_type highest_zoneidx,
		       unsigned int alloc_flags);

/*
 * A watermark as the allocator and kswapd see it: the zone's own plus
 * the boost a fallback gave it (boost_watermark), as wmark_pages.
 */
static inline unsigned long wmark_pages(const struct zone *z,
					enum zone_watermarks i)
{
	return z->_watermark[i] + z->watermark_boost;
}

static inline unsigned long min_wmark_pages(const struct zone *z)
{
	return wmark_pages(z, WMARK_MIN);
}

static inline unsigned long low_wmark_pages(const struct zone *z)
{
	return wmark_pages(z, WMARK_LOW);
}

static inline unsigned long high_wmark_pages(const struct zone *z)
{
	return wmark_pages(z, WMARK_HIGH);
}

/* NR_FREE_CMA_PAGES of every zone: meminfo's CmaFree. */
unsigned long global_free_cma_pages(const struct machine *m);
unsigned long global_free_pages(const struct machine *m);

/*
 * The pages the buddy allocator manages, inline as Linux's
 * totalram_pages(): overcommit and OOM read it without a call into the
 * allocator.
 */
static inline unsigned long totalram_pages(const struct machine *m)
{
	unsigned long sum = 0;

	for (unsigned int z = 0; z < nr_zone_slots(m); z++)
		sum += m->zones[z].managed_pages;
	return sum;
}

unsigned long si_mem_available(const struct machine *m);

/*
 * The driver retries a call it parked (a wait for memory): while it
 * does, a failure is not logged again, as Linux's allocator, looping,
 * warns once when it gives up rather than at every pass.
 */
static inline void alloc_retrying(struct machine *m, bool retrying)
{
	m->alloc_retrying = retrying;
}

#endif /* MM_PAGE_ALLOC_H */
