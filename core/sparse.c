/* SPDX-License-Identifier: MIT */
/*
 * sparse.c - the memmap's sections, and deferred struct page init, as
 * Linux's mm/sparse.c (SPARSEMEM_VMEMMAP: the memmap is backed only
 * where it is used) and mm_init.c's deferred_init_memmap and
 * deferred_grow_zone.
 *
 * Owns: the state of each memmap section, and writing a deferred
 * section's struct pages on first use. The host's memmap is an
 * anonymous mapping: a struct page never written costs the host
 * nothing, so a section left unwritten keeps a 1 TiB machine's boot
 * within what it touches. Unlike Linux, whose kthreads finish the work
 * before user space starts, a section stays unwritten until the
 * allocator needs its blocks; every count (managed, free, nr_free,
 * buddyinfo) already holds it, so the reports read as Linux's do once
 * deferred init completed. Must never: read or write the struct pages
 * of a section it has not written, or change any count when it writes
 * one (only the lists learn of the blocks).
 */
#include "core/sparse.h"

#include <errno.h>
#include <stdlib.h>

#include "core/err.h"

static uint64_t pfn_phys(const struct machine *m, unsigned long pfn)
{
	return (uint64_t)pfn << m->page_shift;
}

static bool overlaps(uint64_t a, uint64_t b, uint64_t start, uint64_t end)
{
	return a < end && start < b;
}

static bool range_has_hole(const struct machine *m, uint64_t a, uint64_t b)
{
	for (unsigned int h = 0; h < m->layout.nr_holes; h++)
		if (overlaps(a, b, m->layout.holes[h].start,
			     m->layout.holes[h].start +
				     m->layout.holes[h].size))
			return true;
	return false;
}

/* The reserved region holding all of [a, b), NULL if none; *any if some. */
static const struct memblock_region *
reserved_cover(const struct machine *m, uint64_t a, uint64_t b, bool *any)
{
	const struct memblock_type *r = &m->memblock.reserved;

	*any = false;
	for (unsigned int i = 0; i < r->cnt; i++) {
		uint64_t start = r->regions[i].base;
		uint64_t end = start + r->regions[i].size;

		if (!overlaps(a, b, start, end))
			continue;
		*any = true;
		if (start <= a && b <= end)
			return &r->regions[i];
	}
	return NULL;
}

/*
 * Whether zone's span ends highest of its node's: the zone Linux's
 * defer_init defers, one per node.
 */
static bool node_top_zone(const struct machine *m, const struct zone *zone)
{
	const struct zone *node_zones = &m->zones[zone->node * MAX_NR_ZONES];

	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (node_zones[z].spanned_pages &&
		    zone_end_pfn(&node_zones[z]) > zone_end_pfn(zone))
			return false;
	return true;
}

static struct zone *zone_of_range(struct machine *m, unsigned long a,
				  unsigned long b)
{
	for (unsigned int z = 0; z < nr_zone_slots(m); z++)
		if (m->zones[z].spanned_pages &&
		    m->zones[z].zone_start_pfn <= a &&
		    b <= zone_end_pfn(&m->zones[z]))
			return &m->zones[z];
	return NULL;
}

static enum section_state section_may_defer(struct machine *m, unsigned long nr)
{
	unsigned long a = section_nr_to_pfn(m, nr);
	unsigned long b = a + pages_per_section(m);
	const struct memblock_region *cover;
	const struct zone *zone = zone_of_range(m, a, b);
	bool any;

	if (b > m->max_pfn || !zone ||
	    range_has_hole(m, pfn_phys(m, a), pfn_phys(m, b)))
		return SECTION_WRITTEN;
	cover = reserved_cover(m, pfn_phys(m, a), pfn_phys(m, b), &any);
	if (cover && cover->owner == MB_MEMMAP)
		return SECTION_DEFERRED_RESERVED;
	/* One written section at the zone's start, as defer_init keeps. */
	if (!any && node_top_zone(m, zone) && a > zone->zone_start_pfn)
		return SECTION_DEFERRED_FREE;
	return SECTION_WRITTEN;
}

/* What a deferred free section adds to its zone's counts at boot. */
static void account_deferred_free(struct machine *m, struct zone *zone)
{
	unsigned long pages = pages_per_section(m);

	zone->nr_deferred_sections++;
	zone->managed_pages += pages;
	zone->vm_stat[NR_FREE_PAGES] += (long)pages;
	zone->free_area[m->max_order].nr_free += pages >> m->max_order;
}

int sparse_init(struct machine *m)
{
	unsigned int shift = m->arch->section_shift;

	if (!m->layout.kernel.deferred_struct_page_init || !shift)
		return 0;
	m->sections.pfn_shift = shift - m->page_shift;
	if (m->max_order > m->sections.pfn_shift ||
	    m->pageblock_order > m->sections.pfn_shift)
		return 0;
	m->sections.nr = m->max_pfn >> m->sections.pfn_shift;
	m->sections.state = calloc(m->sections.nr ? m->sections.nr : 1, 1);
	if (!m->sections.state)
		return -ENOMEM;
	for (unsigned long nr = 0; nr < m->sections.nr; nr++) {
		enum section_state st = section_may_defer(m, nr);

		m->sections.state[nr] = (uint8_t)st;
		if (st == SECTION_WRITTEN)
			continue;
		m->sections.nr_deferred++;
		if (st == SECTION_DEFERRED_FREE)
			account_deferred_free(
				m, zone_of_range(m, section_nr_to_pfn(m, nr),
						 section_nr_to_pfn(m, nr + 1)));
	}
	return 0;
}

void sparse_exit(struct machine *m)
{
	free(m->sections.state);
	m->sections.state = NULL;
}

unsigned long deferred_pages_in_range(const struct machine *m,
				      unsigned long start, unsigned long end,
				      enum section_state st)
{
	unsigned long pages = 0;

	if (!m->sections.state)
		return 0;
	for (unsigned long nr = pfn_to_section_nr(m, start);
	     nr < m->sections.nr && section_nr_to_pfn(m, nr) < end; nr++)
		if (m->sections.state[nr] == st &&
		    section_nr_to_pfn(m, nr) >= start &&
		    section_nr_to_pfn(m, nr + 1) <= end)
			pages += pages_per_section(m);
	return pages;
}

/* The zone and node bits of pfn's struct page, as page->flags holds them. */
static uint32_t zone_flags_of_pfn(const struct machine *m, unsigned long pfn)
{
	for (unsigned int z = 0; z < nr_zone_slots(m); z++)
		if (m->zones[z].spanned_pages &&
		    m->zones[z].zone_start_pfn <= pfn &&
		    pfn < zone_end_pfn(&m->zones[z]))
			return (uint32_t)m->zones[z].type << ZONES_SHIFT |
			       (uint32_t)m->zones[z].node << NODES_PGSHIFT;
	return (uint32_t)ZONE_NORMAL << ZONES_SHIFT;
}

const struct page *memmap_page_view(const struct machine *m, unsigned long pfn,
				    struct page *scratch)
{
	enum section_state st = pfn_section_state(m, pfn);

	if (st == SECTION_WRITTEN)
		return pfn_to_page(m, pfn);
	*scratch = (struct page){
		.flags = zone_flags_of_pfn(m, pfn),
		._mapcount = -1,
	};
	if (st == SECTION_DEFERRED_RESERVED) {
		SetPageFlag(scratch, PG_reserved);
		scratch->_refcount = 1;
	} else if (!(pfn & ((1UL << m->max_order) - 1))) {
		SetPageFlag(scratch, PG_buddy);
		scratch->private = m->max_order;
	}
	return scratch;
}

/* Write the struct pages of a free section, as __init_single_page. */
static void deferred_init_section(struct machine *m, struct zone *zone,
				  unsigned long nr)
{
	unsigned long pfn = section_nr_to_pfn(m, nr);
	unsigned long end = pfn + pages_per_section(m);
	struct list_head *list =
		&zone->free_area[m->max_order].free_list[MIGRATE_MOVABLE];
	struct page init = {
		.flags = (uint32_t)zone->type << ZONES_SHIFT |
			 (uint32_t)zone->node << NODES_PGSHIFT,
		._mapcount = -1,
	};

	for (unsigned long p = pfn; p < end; p++)
		m->mem_map[p] = init;
	/* In address order behind what the list holds, as boot frees. */
	for (; pfn < end; pfn += 1UL << m->max_order) {
		struct page *page = pfn_to_page(m, pfn);

		page->private = m->max_order;
		SetPageFlag(page, PG_buddy);
		list_add_tail(&page->lru, list);
	}
	m->sections.state[nr] = SECTION_WRITTEN;
	m->sections.nr_deferred--;
	zone->nr_deferred_sections--;
}

bool deferred_grow_zone(struct machine *m, struct zone *zone)
{
	unsigned long first, last;

	if (!zone->nr_deferred_sections)
		return false;
	first = pfn_to_section_nr(m, zone->zone_start_pfn);
	last = pfn_to_section_nr(m, zone_end_pfn(zone) - 1);
	for (unsigned long nr = first; nr <= last && nr < m->sections.nr;
	     nr++) {
		if (m->sections.state[nr] != SECTION_DEFERRED_FREE)
			continue;
		deferred_init_section(m, zone, nr);
		return true;
	}
	return false;
}

static int check_section(const struct machine *m, unsigned long nr,
			 unsigned long *free_in_zone, char *why, size_t len)
{
	unsigned long a = section_nr_to_pfn(m, nr);
	unsigned long b = a + pages_per_section(m);
	const struct memblock_region *cover;
	bool any;

	if (range_has_hole(m, pfn_phys(m, a), pfn_phys(m, b)))
		return check_failed(why, len,
				    "sparse: unwritten section %lu holds a "
				    "hole",
				    nr);
	cover = reserved_cover(m, pfn_phys(m, a), pfn_phys(m, b), &any);
	if (m->sections.state[nr] == SECTION_DEFERRED_RESERVED &&
	    (!cover || cover->owner != MB_MEMMAP))
		return check_failed(why, len,
				    "sparse: section %lu stands for the "
				    "memmap's reserve but memblock has none",
				    nr);
	if (m->sections.state[nr] != SECTION_DEFERRED_FREE)
		return 0;
	if (any)
		return check_failed(why, len,
				    "sparse: free section %lu overlaps a "
				    "reserved region",
				    nr);
	for (unsigned int z = 0; z < nr_zone_slots(m); z++) {
		const struct zone *zone = &m->zones[z];

		if (zone->spanned_pages && zone->zone_start_pfn <= a &&
		    b <= zone_end_pfn(zone)) {
			free_in_zone[z]++;
			return 0;
		}
	}
	return check_failed(why, len, "sparse: free section %lu is in no zone",
			    nr);
}

int sparse_check(const struct machine *m, char *why, size_t len)
{
	unsigned long free_in_zone[MAX_NUMNODES * MAX_NR_ZONES] = {0};
	unsigned long deferred = 0;

	for (unsigned long nr = 0; m->sections.state && nr < m->sections.nr;
	     nr++) {
		int err;

		if (m->sections.state[nr] == SECTION_WRITTEN)
			continue;
		if (m->sections.state[nr] > SECTION_DEFERRED_RESERVED)
			return check_failed(why, len,
					    "sparse: section %lu has state %u",
					    nr, m->sections.state[nr]);
		deferred++;
		err = check_section(m, nr, free_in_zone, why, len);
		if (err)
			return err;
	}
	if (deferred != m->sections.nr_deferred)
		return check_failed(why, len,
				    "sparse: %lu sections unwritten, "
				    "nr_deferred %lu",
				    deferred, m->sections.nr_deferred);
	for (unsigned int z = 0; z < nr_zone_slots(m); z++)
		if (free_in_zone[z] != m->zones[z].nr_deferred_sections)
			return check_failed(why, len,
					    "sparse: %s has %lu unwritten free "
					    "sections, counts %lu",
					    m->zones[z].name, free_in_zone[z],
					    m->zones[z].nr_deferred_sections);
	return 0;
}
