/* SPDX-License-Identifier: MIT */
/*
 * cma.c - the contiguous memory allocator, as the kernel's mm/cma.c
 * (with cma_sysfs.c's counters and cma_debug.c's files as a report).
 *
 * Owns: the areas the layout declares, their reservation at boot, the
 * bitmaps of what cma_alloc handed out and to whom, cma_alloc and
 * cma_release over alloc_contig_range, and alloc_contig_range's
 * allocations made for an admin. Until cma_alloc takes them, an area's
 * free pages serve movable allocations (page_alloc.c's __rmqueue).
 * Must never: set a bit for frames it did not get, free a frame whose
 * bit is clear, or let one task release another's allocation.
 */
#include "core/cma.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/err.h"
#include "core/memblock.h"
#include "core/memcontrol.h"
#include "core/page_alloc.h"
#include "core/page_isolation.h"
#include "core/seq_buf.h"
#include "core/snapshot.h"

/* ------------------------------------------------------------------ */
/* Boot                                                                */

/* An area's alignment: a pageblock, or one bitmap bit when larger. */
static uint64_t cma_alignment(const struct machine *m,
			      const struct layout_cma *a)
{
	uint64_t pb = (uint64_t)m->page_size << m->pageblock_order;
	uint64_t bit = (uint64_t)m->page_size << a->order_per_bit;

	return bit > pb ? bit : pb;
}

/* [start, end) of node n, or all memory for a machine without nodes. */
static void node_range(const struct machine *m, uint32_t n, uint64_t *start,
		       uint64_t *end)
{
	const struct layout *l = &m->layout;

	*start = 0;
	*end = l->memory;
	if (l->nr_nodes) {
		*start = l->nodes[n].start;
		*end = l->nodes[n].end;
	}
}

/* Top-down inside one zone of node n (the highest zone first). */
static uint64_t cma_place_node(struct machine *m, const struct layout_cma *a,
			       uint32_t n)
{
	const struct layout *l = &m->layout;
	uint64_t ns, ne, done = UINT64_MAX;

	node_range(m, n, &ns, &ne);
	for (unsigned int k = l->nr_zones; k-- > 0 && done == UINT64_MAX;) {
		uint64_t s = l->zones[k].start > ns ? l->zones[k].start : ns;
		uint64_t e = l->zones[k].end < ne ? l->zones[k].end : ne;

		if (s < e)
			done = memblock_alloc_range(&m->memblock, a->size,
						    cma_alignment(m, a), s, e,
						    MB_CMA);
	}
	return done;
}

/*
 * No base: top-down, inside one zone of its node (of the highest node
 * first for any), as cma_declare_contiguous_nid places an area with
 * memblock; UINT64_MAX when nothing fits.
 */
static uint64_t cma_place(struct machine *m, const struct layout_cma *a)
{
	uint32_t nodes = m->layout.nr_nodes ? m->layout.nr_nodes : 1;
	uint64_t done = UINT64_MAX;

	if (a->node != LAYOUT_CMA_ANY_NODE)
		return cma_place_node(m, a, a->node);
	for (uint32_t n = nodes; n-- > 0 && done == UINT64_MAX;)
		done = cma_place_node(m, a, n);
	return done;
}

/*
 * Fixed areas are reserved first, so that an area placed anywhere
 * never takes the range a later fixed one names.
 */
int cma_declare_contiguous(struct machine *m)
{
	const struct layout *l = &m->layout;

	m->cma = calloc(1, sizeof(*m->cma));
	if (!m->cma)
		return -ENOMEM;
	for (unsigned int i = 0; i < l->nr_cma; i++)
		if (l->cma[i].base &&
		    memblock_reserve(&m->memblock, l->cma[i].base,
				     l->cma[i].size, MB_CMA))
			return -EINVAL;
	for (unsigned int i = 0; i < l->nr_cma; i++) {
		const struct layout_cma *a = &l->cma[i];
		struct cma *cma = &m->cma->areas[i];
		uint64_t base = a->base ? a->base : cma_place(m, a);

		if (base == UINT64_MAX)
			return -ENOMEM;
		memcpy(cma->name, a->name, sizeof(cma->name));
		cma->base_pfn = base >> m->page_shift;
		cma->count = a->size >> m->page_shift;
		cma->order_per_bit = a->order_per_bit;
		m->cma->nr_areas++;
	}
	return 0;
}

static unsigned long cma_bitmap_maxno(const struct cma *cma)
{
	return cma->count >> cma->order_per_bit;
}

/*
 * The bitmaps, and every pageblock given to the buddy lists as
 * MIGRATE_CMA, as cma_activate_area and init_cma_reserved_pageblock.
 */
int cma_init_reserved_areas(struct machine *m)
{
	struct cma_state *cs = m->cma;

	for (unsigned int i = 0; cs && i < cs->nr_areas; i++) {
		struct cma *cma = &cs->areas[i];

		cma->bitmap = calloc((cma_bitmap_maxno(cma) + 63) / 64,
				     sizeof(unsigned long));
		if (!cma->bitmap)
			return -ENOMEM;
		for (unsigned long pfn = cma->base_pfn;
		     pfn < cma->base_pfn + cma->count;
		     pfn += pageblock_nr_pages(m))
			init_cma_reserved_pageblock(m, pfn);
		cs->totalcma_pages += cma->count;
	}
	return 0;
}

void cma_exit(struct machine *m)
{
	if (!m->cma)
		return;
	for (unsigned int i = 0; i < LAYOUT_MAX_CMA; i++)
		free(m->cma->areas[i].bitmap);
	free(m->cma->allocs);
	free(m->cma);
	m->cma = NULL;
}

/* ------------------------------------------------------------------ */
/* Bitmaps and records                                                 */

static bool bit_test(const unsigned long *map, unsigned long i)
{
	return map[i / 64] & (1UL << (i % 64));
}

static void bits_assign(unsigned long *map, unsigned long i, unsigned long n,
			bool set)
{
	for (; n; n--, i++) {
		if (set)
			map[i / 64] |= 1UL << (i % 64);
		else
			map[i / 64] &= ~(1UL << (i % 64));
	}
}

static bool bits_clear(const unsigned long *map, unsigned long i,
		       unsigned long n)
{
	for (; n; n--, i++)
		if (bit_test(map, i))
			return false;
	return true;
}

/* Bits covering count pages, as cma_bitmap_pages_to_bits. */
static unsigned long pages_to_bits(const struct cma *cma, unsigned long count)
{
	unsigned long per = 1UL << cma->order_per_bit;

	return (count + per - 1) >> cma->order_per_bit;
}

static int find_area(struct machine *m, const char *name)
{
	for (unsigned int i = 0; m->cma && i < m->cma->nr_areas; i++)
		if (!strncmp(m->cma->areas[i].name, name, LAYOUT_NAME_MAX))
			return (int)i;
	return mm_refuse(m, BAD_NONE, -ENOENT, "no CMA area named '%.31s'",
			 name);
}

/* Room for one more record before anything changes. */
static int reserve_record(struct cma_state *cs)
{
	struct cma_allocation *n;
	size_t cap;

	if (cs->nr_allocs < cs->cap_allocs)
		return 0;
	cap = cs->cap_allocs ? 2 * cs->cap_allocs : 8;
	n = realloc(cs->allocs, cap * sizeof(*n));
	if (!n)
		return -ENOMEM;
	cs->allocs = n;
	cs->cap_allocs = cap;
	return 0;
}

static void add_record(struct cma_state *cs, unsigned long pfn,
		       unsigned long count, int pid, int area)
{
	cs->allocs[cs->nr_allocs++] =
		(struct cma_allocation){pfn, count, pid, area};
}

/* The record of exactly [pfn, pfn + count) of area, or -1. */
static long find_record(const struct cma_state *cs, unsigned long pfn,
			unsigned long count, int area)
{
	for (size_t i = 0; i < cs->nr_allocs; i++)
		if (cs->allocs[i].pfn == pfn && cs->allocs[i].count == count &&
		    cs->allocs[i].area == area)
			return (long)i;
	return -1;
}

/* Free the frames of record i, clear its bits, and forget it. */
static void drop_record(struct machine *m, size_t i)
{
	struct cma_state *cs = m->cma;
	struct cma_allocation a = cs->allocs[i];

	free_contig_range(m, a.pfn, a.count);
	if (a.area >= 0) {
		struct cma *cma = &cs->areas[a.area];

		bits_assign(cma->bitmap,
			    (a.pfn - cma->base_pfn) >> cma->order_per_bit,
			    pages_to_bits(cma, a.count), false);
		cma->nr_pages_released += a.count;
	}
	cs->allocs[i] = cs->allocs[--cs->nr_allocs];
}

unsigned long cma_release_task(struct machine *m, int pid)
{
	unsigned long n = 0;

	for (size_t i = 0; m->cma && i < m->cma->nr_allocs;) {
		if (m->cma->allocs[i].pid != pid) {
			i++;
			continue;
		}
		drop_record(m, i);
		n++;
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* cma_alloc and cma_release                                           */

/*
 * Each free, aligned run of bits in turn, as cma_alloc's loop: the
 * first whose frames alloc_contig_range gets wins; a busy one (-EBUSY)
 * sends it on to the next, anything else ends the search.
 */
static int cma_alloc_range(struct machine *m, struct cma *cma,
			   unsigned long count, unsigned int align,
			   unsigned long *pfn)
{
	unsigned long nbits = pages_to_bits(cma, count);
	unsigned long maxno = cma_bitmap_maxno(cma);
	unsigned long mask = (1UL << align) - 1;
	int err = mm_refuse(m, BAD_NONE, -ENOMEM,
			    "cma_alloc: no %lu free pages aligned to order "
			    "%u in '%s'",
			    count, align, cma->name);

	for (unsigned long i = 0; i + nbits <= maxno; i++) {
		unsigned long start = cma->base_pfn + (i << cma->order_per_bit);

		if ((start & mask) || !bits_clear(cma->bitmap, i, nbits))
			continue;
		bits_assign(cma->bitmap, i, nbits, true);
		err = alloc_contig_range(m, start, start + count, MIGRATE_CMA);
		if (!err) {
			*pfn = start;
			return 0;
		}
		bits_assign(cma->bitmap, i, nbits, false);
		if (err != -EBUSY)
			break;
	}
	return err;
}

/* The checks of cma_alloc's arguments, after the area is known. */
static int cma_alloc_args(struct machine *m, const struct cma *cma,
			  unsigned long count, unsigned int align)
{
	if (!count)
		return mm_refuse(m, BAD_NONE, -EINVAL, "cma_alloc: count is 0");
	if (align >= 8 * sizeof(long) || (1UL << align) > cma->count)
		return mm_refuse(m, BAD_NONE, -EINVAL,
				 "cma_alloc: align order %u is past '%s' "
				 "(%lu pages)",
				 align, cma->name, cma->count);
	if (count > cma->count)
		return mm_refuse(m, BAD_NONE, -ENOMEM,
				 "cma_alloc: %lu pages is more than '%s' "
				 "holds (%lu)",
				 count, cma->name, cma->count);
	return 0;
}

/* Counted for each call an area saw, as cma_alloc's out: label. */
static int cma_account(struct machine *m, struct cma *cma, unsigned long count,
		       int err)
{
	if (err) {
		m->vm_events[CMA_ALLOC_FAIL]++;
		cma->nr_pages_failed += count;
	} else {
		m->vm_events[CMA_ALLOC_SUCCESS]++;
		cma->nr_pages_succeeded += count;
	}
	return err;
}

int cma_alloc(struct machine *m, const char *name, unsigned long count,
	      unsigned int align, unsigned long *pfn)
{
	int pid = m->current_pid, idx = find_area(m, name), err;
	struct cma *cma;

	if (idx < 0)
		return idx;
	cma = &m->cma->areas[idx];
	err = cma_alloc_args(m, cma, count, align);
	if (!err)
		err = reserve_record(m->cma);
	if (!err)
		err = mem_cgroup_try_charge(m, pid, count, GFP_KERNEL);
	if (err)
		return cma_account(m, cma, count, err);
	err = cma_alloc_range(m, cma, count, align, pfn);
	if (err) {
		mem_cgroup_cancel_charge(m, pid, count);
		return cma_account(m, cma, count, err);
	}
	mem_cgroup_commit_charge(m, *pfn, count, pid);
	add_record(m->cma, *pfn, count, pid, idx);
	return cma_account(m, cma, count, 0);
}

/* The record a release names, or a refusal saying why not. */
static long record_to_release(struct machine *m, int area, unsigned long pfn,
			      unsigned long count, bool admin)
{
	long i = find_record(m->cma, pfn, count, area);
	const char *what = area >= 0 ? m->cma->areas[area].name : "";

	if (i < 0)
		return mm_refuse(m, BAD_PFN, -EINVAL,
				 "%s%s%s[%#lx, %#lx) is not one allocation "
				 "held now",
				 area >= 0 ? "cma_release: '" : "", what,
				 area >= 0 ? "': " : "free_contig_range: ", pfn,
				 pfn + count);
	if (!admin && m->cma->allocs[i].pid != m->current_pid)
		return mm_refuse(m, BAD_NONE, -EPERM,
				 "[%#lx, %#lx) belongs to pid %d", pfn,
				 pfn + count, m->cma->allocs[i].pid);
	return i;
}

int cma_release(struct machine *m, const char *name, unsigned long pfn,
		unsigned long count, bool admin)
{
	int idx = find_area(m, name);
	long i;

	if (idx < 0)
		return idx;
	i = record_to_release(m, idx, pfn, count, admin);
	if (i < 0)
		return (int)i;
	drop_record(m, (size_t)i);
	return 0;
}

int cma_alloc_contig(struct machine *m, unsigned long start, unsigned long end)
{
	int pid = m->current_pid, err;

	if (start >= end || end > m->max_pfn)
		return mm_refuse(m, BAD_PFN, -EINVAL,
				 "pfn range [%#lx, %#lx) is empty or outside "
				 "RAM (%lu frames)",
				 start, end, m->max_pfn);
	err = reserve_record(m->cma);
	if (!err)
		err = mem_cgroup_try_charge(m, pid, end - start, GFP_KERNEL);
	if (err)
		return err;
	err = alloc_contig_range(m, start, end, MIGRATE_MOVABLE);
	if (err) {
		mem_cgroup_cancel_charge(m, pid, end - start);
		return err;
	}
	mem_cgroup_commit_charge(m, start, end - start, pid);
	add_record(m->cma, start, end - start, pid, -1);
	return 0;
}

int cma_free_contig(struct machine *m, unsigned long start, unsigned long end)
{
	long i;

	if (start >= end)
		return mm_refuse(m, BAD_PFN, -EINVAL,
				 "pfn range [%#lx, %#lx) is empty", start, end);
	i = record_to_release(m, -1, start, end - start, true);
	if (i < 0)
		return (int)i;
	drop_record(m, (size_t)i);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The report                                                          */

static void fill_area(const struct cma *cma, struct cma_area_snapshot *a)
{
	unsigned long run = 0, best = 0, used = 0;

	for (unsigned long i = 0; i < cma_bitmap_maxno(cma); i++) {
		if (bit_test(cma->bitmap, i)) {
			used++;
			run = 0;
		} else if (++run > best) {
			best = run;
		}
	}
	a->base_pfn = cma->base_pfn;
	a->count = cma->count;
	a->order_per_bit = cma->order_per_bit;
	a->used = used << cma->order_per_bit;
	a->maxchunk = best << cma->order_per_bit;
	a->alloc_pages_success = cma->nr_pages_succeeded;
	a->alloc_pages_fail = cma->nr_pages_failed;
	a->release_pages_success = cma->nr_pages_released;
}

static int cma_fill(const struct machine *m, int pid, void *snap)
{
	struct cma_snapshot *cs = snap;
	unsigned int n = m->cma ? m->cma->nr_areas : 0;

	(void)pid;
	cs->areas = snap_alloc(n, sizeof(*cs->areas));
	if (!cs->areas)
		return -ENOMEM;
	for (unsigned int i = 0; i < n; i++) {
		struct cma_area_snapshot *a = &cs->areas[cs->nr_areas++];

		a->name = snap_strdup(m->cma->areas[i].name);
		if (!a->name)
			return -ENOMEM;
		fill_area(&m->cma->areas[i], a);
	}
	return 0;
}

static void show_line(struct seq_buf *s, const char *dir, const char *name,
		      const char *file, uint64_t v)
{
	seq_printf(s, "/sys/kernel/%s/cma/%s/%s:%" PRIu64 "\n", dir, name, file,
		   v);
}

static int cma_show(const void *snap, struct seq_buf *s)
{
	const struct cma_snapshot *cs = snap;

	for (size_t i = 0; i < cs->nr_areas; i++) {
		const struct cma_area_snapshot *a = &cs->areas[i];

		show_line(s, "mm", a->name, "alloc_pages_success",
			  a->alloc_pages_success);
		show_line(s, "mm", a->name, "alloc_pages_fail",
			  a->alloc_pages_fail);
		show_line(s, "mm", a->name, "release_pages_success",
			  a->release_pages_success);
		show_line(s, "debug", a->name, "base_pfn", a->base_pfn);
		show_line(s, "debug", a->name, "count", a->count);
		show_line(s, "debug", a->name, "order_per_bit",
			  a->order_per_bit);
		show_line(s, "debug", a->name, "used", a->used);
		show_line(s, "debug", a->name, "maxchunk", a->maxchunk);
	}
	return s->err;
}

#define CA(member, k) SNAP_FIELD(struct cma_area_snapshot, member, k)
static const struct snap_field cma_area_fields[] = {
	CA(name, SNAP_STR),
	CA(base_pfn, SNAP_U64),
	CA(count, SNAP_U64),
	CA(order_per_bit, SNAP_U64),
	CA(used, SNAP_U64),
	CA(maxchunk, SNAP_U64),
	CA(alloc_pages_success, SNAP_U64),
	CA(alloc_pages_fail, SNAP_U64),
	CA(release_pages_success, SNAP_U64),
};
static const struct snap_desc cma_area_desc =
	SNAP_DESC("CmaArea", struct cma_area_snapshot, cma_area_fields);
static const struct snap_field cma_fields[] = {
	SNAP_ARRAY(struct cma_snapshot, areas, nr_areas, SNAP_ITEMS,
		   &cma_area_desc),
};
static const struct snap_desc cma_desc =
	SNAP_DESC("Cma", struct cma_snapshot, cma_fields);
const struct report_type cma_report = {&cma_desc, cma_fill, cma_show};

int report_cma(const struct machine *m, struct seq_buf *s)
{
	return report_show(&cma_report, m, 0, s);
}

/* ------------------------------------------------------------------ */
/* The checker                                                         */

/* Each record: inside RAM, its frames allocated, its bits set. */
static int check_record(const struct machine *m, const struct cma_allocation *a,
			char *why, size_t len)
{
	const struct cma *cma = a->area >= 0 ? &m->cma->areas[a->area] : NULL;

	if (!a->count || a->pfn + a->count > m->max_pfn ||
	    (cma && (a->pfn < cma->base_pfn ||
		     a->pfn + a->count > cma->base_pfn + cma->count)))
		return check_failed(why, len,
				    "CMA allocation [%#lx, +%lu) is outside "
				    "its area or RAM",
				    a->pfn, a->count);
	for (unsigned long pfn = a->pfn; pfn < a->pfn + a->count; pfn++) {
		const struct page *page = pfn_to_page(m, pfn);

		if (!PageFlag(page, PG_head) || page->private ||
		    page->_refcount < 1)
			return check_failed(why, len,
					    "pfn %#lx of a CMA allocation is "
					    "not an allocated page",
					    pfn);
		if (cma && !bit_test(cma->bitmap, (pfn - cma->base_pfn) >>
							  cma->order_per_bit))
			return check_failed(why, len,
					    "pfn %#lx is allocated from '%s' "
					    "but its bit is clear",
					    pfn, cma->name);
	}
	return 0;
}

/* Bits set only where a record is, every pageblock MIGRATE_CMA. */
static int check_area(const struct machine *m, unsigned int idx, char *why,
		      size_t len)
{
	const struct cma *cma = &m->cma->areas[idx];
	unsigned long covered = 0, used = 0;

	for (size_t i = 0; i < m->cma->nr_allocs; i++)
		if (m->cma->allocs[i].area == (int)idx)
			covered += pages_to_bits(cma, m->cma->allocs[i].count);
	for (unsigned long i = 0; i < cma_bitmap_maxno(cma); i++)
		used += bit_test(cma->bitmap, i);
	if (used != covered)
		return check_failed(why, len,
				    "CMA area '%s' has %lu bits set but its "
				    "allocations cover %lu",
				    cma->name, used, covered);
	for (unsigned long pfn = cma->base_pfn;
	     pfn < cma->base_pfn + cma->count; pfn += pageblock_nr_pages(m))
		if (get_pfnblock_migratetype(m, pfn) != MIGRATE_CMA)
			return check_failed(why, len,
					    "pageblock at pfn %#lx of CMA area "
					    "'%s' is not MIGRATE_CMA",
					    pfn, cma->name);
	return 0;
}

int cma_check(const struct machine *m, char *why, size_t len)
{
	unsigned long total = 0, zones = 0;
	int err = 0;

	if (!m->cma)
		return 0;
	for (size_t i = 0; !err && i < m->cma->nr_allocs; i++)
		err = check_record(m, &m->cma->allocs[i], why, len);
	for (unsigned int i = 0; !err && i < m->cma->nr_areas; i++) {
		err = check_area(m, i, why, len);
		total += m->cma->areas[i].count;
	}
	for (unsigned int z = 0; z < nr_zone_slots(m); z++)
		zones += m->zones[z].cma_pages;
	if (!err && (total != m->cma->totalcma_pages || zones != total))
		return check_failed(why, len,
				    "CMA areas hold %lu pages, totalcma_pages "
				    "says %lu, the zones' cma_pages %lu",
				    total, m->cma->totalcma_pages, zones);
	return err;
}
