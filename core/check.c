/* SPDX-License-Identifier: MIT */
/*
 * check.c - the machine's invariant checker: machine_check.
 *
 * Owns: the page allocator's part of a consistent machine, and running
 * the rest. Every frame is in exactly one state (hole, reserved, a free
 * buddy block, a per-CPU list block, or an allocated block); free lists
 * hold exactly the free blocks, each on the list of its pageblocks'
 * migrate type, with lengths equal to nr_free and no two free buddies
 * left unmerged that may merge; the highatomic reserve matches its
 * pageblocks; counts per zone add up. Sections whose memmap is not
 * written yet (sparse.c, which checks its map first) are counted from
 * the map, never read. Then each
 * subsystem's own checker, in the order of the subsystem table, from
 * the file that owns the structure it checks:
 *
 *   slab_common.c  slab_check: caches, slabs, freelists in RAM
 *   pgtable.c      kernel_pgtable_check: the kernel page table's pages
 *   vmalloc.c      vmalloc_check: areas, the trees, their mappings
 *   highmem.c      highmem_check: pkmap slots, kmap_atomic stacks
 *   percpu.c       pcpu_check: chunks and their maps
 *   segment.c      segment_check: each CPU's GDT
 *   mmz.c          mmz_check: regions and blocks
 *   vmscan.c       lru_check: the LRU lists
 *   swap.c         swap_check: slot counts and the swap header
 *   mm_check.c     mm_check: every address space (VMAs, page tables,
 *                  RSS, swap entries, malloc's counters)
 *   task.c         task_check: the pages each task owns
 *   memcontrol.c   mem_cgroup_check: each process's charge
 *
 * cma.c's cma_check runs after the zones (it is no subsystem: its
 * areas join the buddy lists before the watermarks are set): each
 * area's bitmap against the allocations it records, whose frames must
 * be allocated pages, and every pageblock of an area MIGRATE_CMA.
 *
 * Two checkers run from others, not from the table: pgtable.c's
 * pgtable_check checks the pages of one page table (for the kernel's
 * and for each mm's), and libc/malloc_check.c's user_malloc_check walks
 * a process's whole heap through its memory, on demand (tests). A
 * structure added to the machine adds its checker beside its code and a
 * row to the table (mm_init.c); each reports with err.c's check_failed.
 * Must never: change the machine, or stop at anything but the first
 * inconsistency it finds.
 */
#include "core/check.h"

#include <errno.h>

#include "core/cma.h"
#include "core/mmzone.h"
#include "core/page_alloc.h"
#include "core/sparse.h"

#define STATE_FLAGS                                                            \
	((1u << PG_buddy) | (1u << PG_pcp) | (1u << PG_head) |                 \
	 (1u << PG_reserved))

struct zone_census {
	unsigned long free, pcp, allocated, reserved, holes;
	unsigned long buddy_blocks, pcp_blocks;
	unsigned long deferred_blocks; /* of unwritten sections: no list */
};

/* Pages behind the first page of a block carry no state of their own. */
/* The zone and node a page's flags name are this zone's. */
static bool page_in_zone(const struct page *page, const struct zone *zone)
{
	return page_zonenum(page) == zone->type &&
	       page_to_nid(page) == zone->node;
}

static int check_tails(const struct machine *m, const struct zone *zone,
		       unsigned long pfn, unsigned int order, char *why,
		       size_t len)
{
	for (unsigned long t = pfn + 1; t < pfn + (1UL << order); t++) {
		const struct page *page = pfn_to_page(m, t);

		if (page->flags & (STATE_FLAGS | (1u << PG_hole)))
			return check_failed(
				why, len,
				"pfn %#lx inside the order-%u block at "
				"%#lx has flags %#x",
				t, order, pfn, page->flags);
		if (!page_in_zone(page, zone))
			return check_failed(why, len,
					    "pfn %#lx has zone %d, not %s", t,
					    page_zonenum(page), zone->name);
	}
	return 0;
}

/* Classify the block that starts at pfn; returns its size in pages. */
static long census_block(const struct machine *m, const struct zone *zone,
			 unsigned long pfn, struct zone_census *c, char *why,
			 size_t len)
{
	const struct page *page = pfn_to_page(m, pfn);
	uint32_t state = page->flags & STATE_FLAGS;
	unsigned int order = page->private;
	int err;

	if (!page_in_zone(page, zone) && !PageFlag(page, PG_hole))
		return check_failed(why, len, "pfn %#lx has zone %d, not %s",
				    pfn, page_zonenum(page), zone->name);
	if (PageFlag(page, PG_hole) || state == (1u << PG_reserved)) {
		if (PageFlag(page, PG_hole))
			c->holes++;
		else
			c->reserved++;
		return 1;
	}
	if (state != (1u << PG_buddy) && state != (1u << PG_pcp) &&
	    state != (1u << PG_head))
		return check_failed(why, len,
				    "pfn %#lx is in no single state "
				    "(flags %#x)",
				    pfn, page->flags);
	if (order > m->max_order || (pfn & ((1UL << order) - 1)) ||
	    pfn + (1UL << order) > zone_end_pfn(zone))
		return check_failed(why, len,
				    "pfn %#lx heads a bad order-%u block", pfn,
				    order);
	err = check_tails(m, zone, pfn, order, why, len);
	if (err)
		return err;
	if (state != (1u << PG_head) &&
	    (page->_refcount || page->_mapcount != -1 || page->mapping ||
	     page->index))
		return check_failed(why, len,
				    "free pfn %#lx still has refcount %d, "
				    "mapcount %d or a mapping",
				    pfn, page->_refcount, page->_mapcount);
	if (state == (1u << PG_buddy)) {
		c->free += 1UL << order;
		c->buddy_blocks++;
	} else if (state == (1u << PG_pcp)) {
		c->pcp += 1UL << order;
		c->pcp_blocks++;
	} else {
		if (page->_refcount <= 0)
			return check_failed(why, len,
					    "allocated pfn %#lx has "
					    "refcount %d",
					    pfn, page->_refcount);
		c->allocated += 1UL << order;
	}
	return 1L << order;
}

/*
 * Every pageblock of a free block has the type of the list it is on
 * (since Linux 6.10 a free block is always on its pageblock's list; the
 * per-CPU lists are the exception, checked apart).
 */
static int check_block_type(const struct machine *m, const struct zone *zone,
			    unsigned long pfn, unsigned int order, int mt,
			    char *why, size_t len)
{
	unsigned long end = pfn + (1UL << order);

	for (; pfn < end; pfn += pageblock_nr_pages(m)) {
		int block_mt = get_zone_pfnblock_migratetype(m, zone, pfn);

		if (block_mt != mt)
			return check_failed(
				why, len,
				"%s: free order-%u block at pfn "
				"%#lx is on the %s list but its "
				"pageblock is %s",
				zone->name, order, pfn, migratetype_names[mt],
				block_mt < MIGRATE_TYPES
					? migratetype_names[block_mt]
					: "no type");
	}
	return 0;
}

/*
 * Free buddies stay apart only when merging is forbidden: above
 * pageblock_order, between an isolated, highatomic or CMA pageblock
 * and one of another type.
 */
static bool may_stay_apart(const struct machine *m, const struct zone *zone,
			   unsigned long pfn, unsigned long buddy_pfn,
			   unsigned int order)
{
	int mt, buddy_mt;

	if (order < m->pageblock_order)
		return false;
	mt = get_zone_pfnblock_migratetype(m, zone, pfn);
	buddy_mt = get_zone_pfnblock_migratetype(m, zone, buddy_pfn);
	return mt != buddy_mt &&
	       (mt >= MIGRATE_PCPTYPES || buddy_mt >= MIGRATE_PCPTYPES);
}

static int check_free_list(const struct machine *m, const struct zone *zone,
			   unsigned int o, int mt, const struct zone_census *c,
			   unsigned long *n, char *why, size_t len)
{
	const struct list_head *pos;

	list_for_each(pos, &zone->free_area[o].free_list[mt])
	{
		const struct page *page = list_entry(pos, struct page, lru);
		unsigned long pfn = page_to_pfn(m, page);
		unsigned long buddy_pfn = pfn ^ (1UL << o);
		const struct page *buddy = pfn_to_page(m, buddy_pfn);
		int err;

		if (!PageFlag(page, PG_buddy) || page->private != o ||
		    !page_in_zone(page, zone))
			return check_failed(why, len,
					    "%s free_area[%u] holds pfn %#lx "
					    "that is not a free order-%u block",
					    zone->name, o, pfn, o);
		if (++*n > c->buddy_blocks)
			return check_failed(why, len,
					    "%s free_area[%u] is longer than "
					    "the free blocks",
					    zone->name, o);
		err = check_block_type(m, zone, pfn, o, mt, why, len);
		if (err)
			return err;
		if (o < m->max_order && PageFlag(buddy, PG_buddy) &&
		    buddy->private == o &&
		    !may_stay_apart(m, zone, pfn, buddy_pfn, o))
			return check_failed(why, len,
					    "free buddies %#lx and %#lx of "
					    "order %u are not merged",
					    pfn, buddy_pfn, o);
	}
	return 0;
}

/* Free pages on the lists of one migrate type, every order. */
static unsigned long list_pages(const struct zone *zone, int mt)
{
	unsigned long pages = 0;

	for (unsigned int o = 0; o <= LAYOUT_MAX_ORDER_LIMIT; o++) {
		const struct list_head *pos;

		list_for_each(pos, &zone->free_area[o].free_list[mt])
		{
			pages += 1UL << o;
		}
	}
	return pages;
}

/*
 * Isolated pageblocks add up to nr_isolate_pageblock, and the free
 * pages of the CMA lists to nr_free_cma (those of the isolate lists
 * are in no count: no one may take them).
 */
static int check_cma_isolate(const struct machine *m, const struct zone *zone,
			     char *why, size_t len)
{
	unsigned long isolated = 0, cma = list_pages(zone, MIGRATE_CMA);

	for (unsigned long pfn = pageblock_start_pfn(m, zone->zone_start_pfn);
	     pfn < zone_end_pfn(zone); pfn += pageblock_nr_pages(m)) {
		unsigned long at =
			pfn < zone->zone_start_pfn ? zone->zone_start_pfn : pfn;

		if (get_zone_pfnblock_migratetype(m, zone, at) ==
		    MIGRATE_ISOLATE)
			isolated++;
	}
	if (isolated != zone->nr_isolate_pageblock)
		return check_failed(why, len,
				    "%s: nr_isolate_pageblock %lu, %lu "
				    "pageblocks are isolated",
				    zone->name, zone->nr_isolate_pageblock,
				    isolated);
	if ((long)cma != zone->vm_stat[NR_FREE_CMA_PAGES])
		return check_failed(why, len,
				    "%s: nr_free_cma %ld, the CMA lists hold "
				    "%lu",
				    zone->name,
				    zone->vm_stat[NR_FREE_CMA_PAGES], cma);
	return 0;
}

/* Pageblocks of the highatomic reserve add up to the zone's count. */
static int check_highatomic(const struct machine *m, const struct zone *zone,
			    char *why, size_t len)
{
	unsigned long reserved = 0;

	for (unsigned long pfn = pageblock_start_pfn(m, zone->zone_start_pfn);
	     pfn < zone_end_pfn(zone); pfn += pageblock_nr_pages(m)) {
		unsigned long at =
			pfn < zone->zone_start_pfn ? zone->zone_start_pfn : pfn;

		if (get_zone_pfnblock_migratetype(m, zone, at) ==
		    MIGRATE_HIGHATOMIC)
			reserved += pageblock_nr_pages(m);
	}
	if (reserved != zone->nr_reserved_highatomic)
		return check_failed(why, len,
				    "%s: nr_reserved_highatomic %lu, "
				    "highatomic pageblocks hold %lu",
				    zone->name, zone->nr_reserved_highatomic,
				    reserved);
	return 0;
}

static int check_free_lists(const struct machine *m, const struct zone *zone,
			    const struct zone_census *c, char *why, size_t len)
{
	unsigned long blocks = 0, pages = 0;

	for (unsigned int o = 0; o <= LAYOUT_MAX_ORDER_LIMIT; o++) {
		const struct free_area *area = &zone->free_area[o];
		unsigned long n = o == m->max_order ? c->deferred_blocks : 0;

		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			int err = check_free_list(m, zone, o, mt, c, &n, why,
						  len);

			if (err)
				return err;
		}
		if (n != area->nr_free)
			return check_failed(why, len,
					    "%s free_area[%u]: nr_free %lu, "
					    "list holds %lu",
					    zone->name, o, area->nr_free, n);
		blocks += n;
		pages += n << o;
	}
	if (blocks != c->buddy_blocks)
		return check_failed(why, len,
				    "%s: %lu free blocks in memmap, %lu on "
				    "lists",
				    zone->name, c->buddy_blocks, blocks);
	pages -= list_pages(zone, MIGRATE_ISOLATE);
	if ((long)pages != zone->vm_stat[NR_FREE_PAGES])
		return check_failed(why, len,
				    "%s: nr_free_pages %ld, lists (but the "
				    "isolate ones) hold %lu",
				    zone->name, zone->vm_stat[NR_FREE_PAGES],
				    pages);
	if (populated_zone(zone)) {
		int err = check_cma_isolate(m, zone, why, len);

		return err ? err : check_highatomic(m, zone, why, len);
	}
	return 0;
}

static int check_pcp_lists(const struct machine *m, const struct zone *zone,
			   const struct zone_census *c, char *why, size_t len)
{
	unsigned long blocks = 0, pages = 0;

	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++) {
		const struct per_cpu_pages *pcp = &zone->pcp[cpu];
		long count = 0;

		for (unsigned int o = 0; o < NR_PCP_LISTS; o++) {
			const struct list_head *pos;

			list_for_each(pos, &pcp->lists[o])
			{
				const struct page *page =
					list_entry(pos, struct page, lru);

				if (!PageFlag(page, PG_pcp) ||
				    page->private != pindex_to_order(o) ||
				    !page_in_zone(page, zone))
					return check_failed(
						why, len,
						"%s cpu %u list %u holds "
						"pfn %#lx wrongly",
						zone->name, cpu, o,
						page_to_pfn(m, page));
				if (++blocks > c->pcp_blocks)
					return check_failed(
						why, len,
						"%s per-CPU lists hold "
						"more than the memmap",
						zone->name);
				count += 1L << pindex_to_order(o);
			}
		}
		if (count != pcp->count)
			return check_failed(why, len,
					    "%s cpu %u: count %d, lists hold "
					    "%ld",
					    zone->name, cpu, pcp->count, count);
		pages += (unsigned long)count;
	}
	if (blocks != c->pcp_blocks || pages != c->pcp)
		return check_failed(why, len,
				    "%s: per-CPU lists and memmap disagree",
				    zone->name);
	return 0;
}

/*
 * An unwritten section (sparse.c) is counted without reading its
 * struct pages: free max-order blocks in movable pageblocks, which the
 * movable max-order list must not run out before, or the memmap's own
 * reserve.
 */
static long census_unwritten(const struct machine *m, const struct zone *zone,
			     unsigned long pfn, struct zone_census *c,
			     char *why, size_t len)
{
	unsigned long pages = pages_per_section(m);

	if (pfn_section_state(m, pfn) == SECTION_DEFERRED_RESERVED) {
		c->reserved += pages;
		return (long)pages;
	}
	for (unsigned long p = pfn; p < pfn + pages; p += pageblock_nr_pages(m))
		if (get_zone_pfnblock_migratetype(m, zone, p) !=
		    MIGRATE_MOVABLE)
			return check_failed(
				why, len,
				"%s: pageblock %#lx of an unwritten "
				"section is not movable",
				zone->name, p);
	if (list_empty(
		    &zone->free_area[m->max_order].free_list[MIGRATE_MOVABLE]))
		return check_failed(why, len,
				    "%s: sections wait unwritten but the "
				    "movable order-%u list is empty",
				    zone->name, m->max_order);
	c->free += pages;
	c->buddy_blocks += pages >> m->max_order;
	c->deferred_blocks += pages >> m->max_order;
	return (long)pages;
}

static int check_zone(const struct machine *m, const struct zone *zone,
		      char *why, size_t len)
{
	struct zone_census c = {0};
	unsigned long pfn = zone->zone_start_pfn;
	int err;

	while (pfn < zone_end_pfn(zone)) {
		long step =
			pfn_memmap_written(m, pfn)
				? census_block(m, zone, pfn, &c, why, len)
				: census_unwritten(m, zone, pfn, &c, why, len);

		if (step < 0)
			return (int)step;
		pfn += (unsigned long)step;
	}
	if (c.holes != zone->spanned_pages - zone->present_pages)
		return check_failed(why, len,
				    "%s: %lu hole pages, expected %lu",
				    zone->name, c.holes,
				    zone->spanned_pages - zone->present_pages);
	if (c.free + c.pcp + c.allocated != zone->managed_pages)
		return check_failed(why, len,
				    "%s: free %lu + per-CPU %lu + allocated "
				    "%lu != managed %lu",
				    zone->name, c.free, c.pcp, c.allocated,
				    zone->managed_pages);
	err = check_free_lists(m, zone, &c, why, len);
	if (!err && zone->pcp)
		err = check_pcp_lists(m, zone, &c, why, len);
	return err;
}

int machine_check(const struct machine *m, char *why, size_t len)
{
	int err = numa_check(m, why, len);

	if (!err)
		err = sparse_check(m, why, len);
	for (unsigned int z = 0; !err && z < nr_zone_slots(m); z++)
		err = check_zone(m, &m->zones[z], why, len);
	if (!err)
		err = cma_check(m, why, len);
	for (unsigned int i = 0; !err && i < nr_machine_subsystems; i++)
		if (machine_subsystems[i].check)
			err = machine_subsystems[i].check(m, why, len);
	if (err)
		return err;
	if (len)
		why[0] = '\0';
	return 0;
}
