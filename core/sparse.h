/* SPDX-License-Identifier: MIT */
/*
 * sparse.h - the memmap's sections and which of them are written, as
 * Linux's mem_section with SPARSEMEM_VMEMMAP and deferred struct page
 * init (sparse.c).
 *
 * Owns: the state of each section of the memmap. Must never: read a
 * struct page of a section that is not written (that is the point).
 */
#ifndef MM_SPARSE_H
#define MM_SPARSE_H

#include <stdbool.h>

#include "core/machine.h"

/*
 * SECTION_WRITTEN: its struct pages hold the truth. The others stand
 * for frames never touched since boot, as deferred init leaves them:
 * DEFERRED_FREE, every frame free in max-order blocks of movable
 * pageblocks of one zone (counted in nr_free, NR_FREE_PAGES and
 * managed, but on no list yet); DEFERRED_RESERVED, every frame
 * reserved by memblock for the memmap itself, with its reference held.
 */
enum section_state {
	SECTION_WRITTEN,
	SECTION_DEFERRED_FREE,
	SECTION_DEFERRED_RESERVED,
};

static inline unsigned long pfn_to_section_nr(const struct machine *m,
					      unsigned long pfn)
{
	return pfn >> m->sections.pfn_shift;
}

static inline unsigned long section_nr_to_pfn(const struct machine *m,
					      unsigned long nr)
{
	return nr << m->sections.pfn_shift;
}

static inline unsigned long pages_per_section(const struct machine *m)
{
	return 1UL << m->sections.pfn_shift;
}

static inline enum section_state pfn_section_state(const struct machine *m,
						   unsigned long pfn)
{
	if (!m->sections.state)
		return SECTION_WRITTEN;
	return (enum section_state)m->sections.state[pfn_to_section_nr(m, pfn)];
}

/* Is the struct page of pfn written (or may it be read)? */
static inline bool pfn_memmap_written(const struct machine *m,
				      unsigned long pfn)
{
	return pfn_section_state(m, pfn) == SECTION_WRITTEN;
}

/* The first pfn at or after pfn whose struct page is written. */
static inline unsigned long memmap_next_pfn(const struct machine *m,
					    unsigned long pfn)
{
	while (pfn < m->max_pfn && !pfn_memmap_written(m, pfn))
		pfn = section_nr_to_pfn(m, pfn_to_section_nr(m, pfn) + 1);
	return pfn < m->max_pfn ? pfn : m->max_pfn;
}

/* Every pfn in [start, end) whose struct page is written. */
#define for_each_written_pfn(m, pfn, start, end)                               \
	for ((pfn) = memmap_next_pfn((m), (start)); (pfn) < (end);             \
	     (pfn) = memmap_next_pfn((m), (pfn) + 1))

/* Frames in [start, end) of sections in state st (whole sections). */
unsigned long deferred_pages_in_range(const struct machine *m,
				      unsigned long start, unsigned long end,
				      enum section_state st);

/*
 * Decide at boot which sections stay unwritten: with the layout's
 * deferred_struct_page_init, the free sections of the highest zone
 * but its first (as Linux's defer_init keeps the low zones and one
 * section), and the sections memblock gave the memmap itself.
 */
int sparse_init(struct machine *m);
void sparse_exit(struct machine *m);

/*
 * Write one DEFERRED_FREE section's struct pages and put its max-order
 * blocks on the movable list (its counts already hold them), as
 * deferred_init_memmap does per section; false if the zone has none.
 * page_alloc.c calls it whenever that list runs empty, so that the
 * lists look as they would after deferred init completed.
 */
bool deferred_grow_zone(struct machine *m, struct zone *zone);

/*
 * The struct page of pfn for a report: the memmap's own if written,
 * else *scratch filled with what deferred init would write there, so
 * that a report never touches (and backs) an unwritten section.
 */
const struct page *memmap_page_view(const struct machine *m, unsigned long pfn,
				    struct page *scratch);

/* The section map agrees with the zones and memblock (check.c). */
int sparse_check(const struct machine *m, char *why, size_t len);

#endif /* MM_SPARSE_H */
