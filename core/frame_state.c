/* SPDX-License-Identifier: MIT */
/*
 * frame_state.c - what each physical frame is, for pictures of memory.
 *
 * Owns: classifying a frame from its struct page and the blocks around
 * it, and counting each pageblock's frames by what compaction could do
 * with them. Must never change the machine; it only reads struct pages.
 */
#include "core/frame_state.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/snapshot.h"
#include "core/vmstat.h"
#include "core/page_alloc.h"
#include "core/sparse.h"

const char *const frame_state_names[NR_FRAME_STATES] = {
	[FRAME_HOLE] = "hole",
	[FRAME_RESERVED] = "reserved",
	[FRAME_MMZ] = "mmz",
	[FRAME_FREE] = "free",
	[FRAME_PCP] = "per-cpu",
	[FRAME_SLAB] = "slab",
	[FRAME_PAGETABLE] = "pagetable",
	[FRAME_USER] = "user",
	[FRAME_KERNEL] = "kernel",
};

/* The free or per-CPU block covering pfn, through its first page. */
static const struct page *free_block_of(const struct machine *m,
					unsigned long pfn)
{
	for (unsigned int o = 0; o <= m->max_order; o++) {
		const struct page *head =
			pfn_to_page(m, pfn & ~((1UL << o) - 1));

		if ((PageFlag(head, PG_buddy) || PageFlag(head, PG_pcp)) &&
		    (pfn & ~((1UL << o) - 1)) + (1UL << head->private) > pfn)
			return head;
	}
	return NULL;
}

enum frame_state frame_state(const struct machine *m, unsigned long pfn,
			     unsigned int *order)
{
	const struct page *page = pfn_to_page(m, pfn);
	const struct page *free;

	*order = 0;
	/* An unwritten section is what sparse.c says, unread. */
	switch (pfn_section_state(m, pfn)) {
	case SECTION_DEFERRED_FREE:
		*order = m->max_order;
		return FRAME_FREE;
	case SECTION_DEFERRED_RESERVED:
		return FRAME_RESERVED;
	case SECTION_WRITTEN:
		break;
	}
	if (PageFlag(page, PG_hole))
		return FRAME_HOLE;
	if (PageFlag(page, PG_mmz))
		return FRAME_MMZ;
	if (PageFlag(page, PG_table))
		return FRAME_PAGETABLE;
	if (PageFlag(page, PG_reserved))
		return FRAME_RESERVED;
	if (PageFlag(page, PG_slab))
		return FRAME_SLAB;
	free = free_block_of(m, pfn);
	if (free) {
		*order = free->private;
		return PageFlag(free, PG_buddy) ? FRAME_FREE : FRAME_PCP;
	}
	/*
	 * User memory is what processes map: anonymous and shmem pages.
	 * Blocks a client took through alloc_pages are kernel memory it
	 * holds, as a driver's pages are on Linux.
	 */
	if (PageFlag(page, PG_anon) || PageFlag(page, PG_shmem))
		return FRAME_USER;
	return FRAME_KERNEL;
}

/*
 * One cell: the state most of its looked-at frames have (every step-th
 * frame from c to end), and for free memory the largest block order.
 */
static uint8_t frame_cell(const struct machine *m, unsigned long c,
			  unsigned long end, unsigned long step)
{
	unsigned long count[NR_FRAME_STATES] = {0};
	unsigned int best = 0, max_order = 0;

	for (unsigned long pfn = c; pfn < end; pfn += step) {
		unsigned int order;
		enum frame_state st = frame_state(m, pfn, &order);
		unsigned long same = 1;

		/* The rest of an unwritten section is all the same. */
		if (!pfn_memmap_written(m, pfn)) {
			unsigned long next = section_nr_to_pfn(
				m, pfn_to_section_nr(m, pfn) + 1);

			same = ((next < end ? next : end) - pfn + step - 1) /
			       step;
			pfn += (same - 1) * step;
		}
		count[st] += same;
		if (st == FRAME_FREE && order > max_order)
			max_order = order;
	}
	for (unsigned int st = 1; st < NR_FRAME_STATES; st++)
		if (count[st] > count[best])
			best = st;
	return (uint8_t)(best | (best == FRAME_FREE ? max_order << 4 : 0));
}

static long cells_step(const struct machine *m, unsigned long start,
		       unsigned long nr, unsigned long per_cell,
		       unsigned long step, uint8_t *cells)
{
	long n = 0;

	for (unsigned long c = start; c < start + nr; c += per_cell, n++) {
		unsigned long end =
			c + per_cell < start + nr ? c + per_cell : start + nr;

		cells[n] = frame_cell(m, c, end, step);
	}
	return n;
}

long frame_cells(const struct machine *m, unsigned long start, unsigned long nr,
		 unsigned long per_cell, uint8_t *cells)
{
	if (!per_cell || start >= m->max_pfn || nr > m->max_pfn - start)
		return -EINVAL;
	return cells_step(m, start, nr, per_cell, 1, cells);
}

int frame_cells_range(struct machine *m, uint64_t start, uint64_t nr,
		      uint64_t cells, unsigned long *per_cell)
{
	if (start >= m->max_pfn)
		return mm_refuse(m, BAD_PFN, -EINVAL,
				 "pfn %#llx is past RAM (%lu frames)",
				 (unsigned long long)start, m->max_pfn);
	if (!nr || nr > m->max_pfn - start)
		return mm_refuse(m, BAD_NONE, -EINVAL,
				 "%llu frames from pfn %#llx: not inside RAM "
				 "(%lu frames)",
				 (unsigned long long)nr,
				 (unsigned long long)start, m->max_pfn);
	if (!cells || cells > FRAME_CELLS_MAX)
		return mm_refuse(m, BAD_NONE, -EINVAL,
				 "%llu cells: a map has 1 to %u",
				 (unsigned long long)cells, FRAME_CELLS_MAX);
	*per_cell = (unsigned long)((nr + cells - 1) / cells);
	return 0;
}

long frame_cells_sampled(const struct machine *m, unsigned long start,
			 unsigned long nr, unsigned long per_cell,
			 uint8_t *cells)
{
	unsigned long step =
		per_cell > FRAME_SAMPLES ? per_cell / FRAME_SAMPLES : 1;

	return cells_step(m, start, nr, per_cell, step, cells);
}

/* The zone whose span holds pfn, found without reading its struct page. */
static const struct zone *zone_spanning(const struct machine *m,
					unsigned long pfn)
{
	for (unsigned int z = 0; z < nr_zone_slots(m); z++) {
		const struct zone *zone = &m->zones[z];

		if (zone->spanned_pages && pfn >= zone->zone_start_pfn &&
		    pfn < zone_end_pfn(zone))
			return zone;
	}
	return NULL;
}

/* The migrate type most of the pageblocks in [c, end) have. */
static uint8_t pageblock_cell(const struct machine *m, unsigned long c,
			      unsigned long end, unsigned long step)
{
	unsigned long count[MIGRATE_TYPES] = {0}, seen = 0;
	unsigned long pb = pageblock_nr_pages(m);
	uint8_t best = 0;

	for (unsigned long pfn = c; pfn < end; pfn += step) {
		const struct zone *zone = zone_spanning(m, pfn);

		/* An unwritten section has no holes, and no struct page to
		 * read: its zone is the one spanning it. */
		if (!zone || (pfn_memmap_written(m, pfn) &&
			      PageFlag(pfn_to_page(m, pfn), PG_hole)))
			continue;
		count[get_zone_pfnblock_migratetype(m, zone, pfn)]++;
		seen++;
	}
	for (uint8_t mt = 1; mt < MIGRATE_TYPES; mt++)
		if (count[mt] > count[best])
			best = mt;
	if (!seen)
		best = PAGEBLOCK_CELL_HOLE;
	/* A pageblock begins in the cell: c rounded up to one is inside. */
	if (((c + pb - 1) & ~(pb - 1)) < end)
		best |= PAGEBLOCK_CELL_START;
	return best;
}

long pageblock_cells_sampled(const struct machine *m, unsigned long start,
			     unsigned long nr, unsigned long per_cell,
			     uint8_t *cells)
{
	unsigned long pb = pageblock_nr_pages(m);
	/* One look per pageblock, and no more than FRAME_SAMPLES a cell. */
	unsigned long step = per_cell / FRAME_SAMPLES > pb
				     ? per_cell / FRAME_SAMPLES / pb * pb
				     : pb;
	long n = 0;

	for (unsigned long c = start; c < start + nr; c += per_cell, n++) {
		unsigned long end =
			c + per_cell < start + nr ? c + per_cell : start + nr;

		cells[n] = pageblock_cell(m, c, end, step);
	}
	return n;
}

#define FRAME_CELLS    4096
#define CELLS_PER_LINE 64

static char cell_char(uint8_t cell)
{
	static const char chars[NR_FRAME_STATES] = {
		[FRAME_HOLE] = ' ',	 [FRAME_RESERVED] = '#',
		[FRAME_MMZ] = 'M',	 [FRAME_FREE] = '0',
		[FRAME_PCP] = 'p',	 [FRAME_SLAB] = 's',
		[FRAME_PAGETABLE] = 't', [FRAME_USER] = 'u',
		[FRAME_KERNEL] = 'k',
	};

	if ((cell & 15) == FRAME_FREE)
		return "0123456789abcdef"[cell >> 4];
	return chars[cell & 15];
}

/* The frames of one zone in cells, as the text's rows cut them. */
static int frames_zone_fill(const struct machine *m, const struct zone *zone,
			    unsigned long per_cell,
			    struct frames_zone_snapshot *fz)
{
	unsigned long pfn = zone->zone_start_pfn;
	uint8_t line[CELLS_PER_LINE];

	fz->node = (uint64_t)zone->node;
	snprintf(fz->zone, sizeof(fz->zone), "%s", zone->name);
	fz->start_pfn = pfn;
	fz->pages = zone->spanned_pages;
	fz->cells = snap_alloc((zone->spanned_pages + per_cell - 1) / per_cell,
			       sizeof(*fz->cells));
	if (!fz->cells)
		return -ENOMEM;
	while (pfn < zone_end_pfn(zone)) {
		unsigned long left = zone_end_pfn(zone) - pfn;
		unsigned long nr = left < per_cell * CELLS_PER_LINE
					   ? left
					   : per_cell * CELLS_PER_LINE;
		long cells = frame_cells(m, pfn, nr, per_cell, line);

		for (long i = 0; i < cells; i++)
			fz->cells[fz->nr_cells++] = line[i];
		pfn += nr;
	}
	return 0;
}

static int frames_fill(const struct machine *m, int pid, void *snap)
{
	struct frames_snapshot *f = snap;
	unsigned long per_cell = 1;
	int err;

	(void)pid;
	while (m->max_pfn / per_cell > FRAME_CELLS)
		per_cell *= 2;
	f->pages_per_cell = per_cell;
	f->nr_nodes = m->nr_node_ids;
	f->states = snap_alloc(NR_FRAME_STATES, sizeof(*f->states));
	f->zones = snap_alloc(nr_zone_slots(m), sizeof(*f->zones));
	if (!f->states || !f->zones)
		return -ENOMEM;
	for (; f->nr_states < NR_FRAME_STATES; f->nr_states++) {
		f->states[f->nr_states] =
			snap_strdup(frame_state_names[f->nr_states]);
		if (!f->states[f->nr_states])
			return -ENOMEM;
	}
	for (unsigned int z = 0; z < nr_zone_slots(m); z++) {
		if (!m->zones[z].spanned_pages)
			continue;
		err = frames_zone_fill(m, &m->zones[z], per_cell,
				       &f->zones[f->nr_zones++]);
		if (err)
			return err;
	}
	return 0;
}

static int frames_show(const void *snap, struct seq_buf *s)
{
	const struct frames_snapshot *f = snap;

	seq_printf(s, "frames: %llu pages per cell\n",
		   (unsigned long long)f->pages_per_cell);
	seq_printf(s, "legend: ' ' hole, '#' reserved, 'M' mmz, '0'-'f' free "
		      "(largest order), 'p' per-cpu, 's' slab, 't' page "
		      "tables, 'u' user, 'k' kernel\n");
	for (size_t z = 0; z < f->nr_zones; z++) {
		const struct frames_zone_snapshot *fz = &f->zones[z];

		seq_printf(s, "zone %s start_pfn %llu pages %llu", fz->zone,
			   (unsigned long long)fz->start_pfn,
			   (unsigned long long)fz->pages);
		/* Which node it is on, when there are several to draw. */
		if (f->nr_nodes > 1)
			seq_printf(s, " node %llu",
				   (unsigned long long)fz->node);
		seq_printf(s, "\n");
		for (size_t i = 0; i < fz->nr_cells; i++) {
			seq_printf(s, "%c", cell_char((uint8_t)fz->cells[i]));
			if (i % CELLS_PER_LINE == CELLS_PER_LINE - 1 ||
			    i == fz->nr_cells - 1)
				seq_printf(s, "\n");
		}
	}
	return s->err;
}

#define FZ(member, k) SNAP_FIELD(struct frames_zone_snapshot, member, k)
static const struct snap_field frames_zone_fields[] = {
	FZ(node, SNAP_U64),
	FZ(zone, SNAP_CHARS),
	FZ(start_pfn, SNAP_U64),
	FZ(pages, SNAP_U64),
	SNAP_ARRAY(struct frames_zone_snapshot, cells, nr_cells, SNAP_U64S,
		   NULL),
};
static const struct snap_desc frames_zone_desc = SNAP_DESC(
	"FramesZone", struct frames_zone_snapshot, frames_zone_fields);
static const struct snap_field frames_fields[] = {
	SNAP_FIELD(struct frames_snapshot, pages_per_cell, SNAP_U64),
	SNAP_ARRAY(struct frames_snapshot, states, nr_states, SNAP_STRS, NULL),
	SNAP_FIELD(struct frames_snapshot, nr_nodes, SNAP_U64),
	SNAP_ARRAY(struct frames_snapshot, zones, nr_zones, SNAP_ITEMS,
		   &frames_zone_desc),
};
static const struct snap_desc frames_desc =
	SNAP_DESC("Frames", struct frames_snapshot, frames_fields);
const struct report_type frames_report = {&frames_desc, frames_fill,
					  frames_show};

int report_frames(const struct machine *m, struct seq_buf *s)
{
	return report_show(&frames_report, m, 0, s);
}

/* ------------------------------------------------------------------ */
/* Pageblocks by migrate type                                          */

struct pageblock_count {
	unsigned long free, movable, unmovable, absent;
};

/*
 * Count [pfn, end): free blocks are stepped over whole; a free block
 * larger than a pageblock began before it (its pages past the head say
 * nothing of themselves, as the lazy memmap leaves them).
 */
static void count_pageblock(const struct machine *m, unsigned long pfn,
			    unsigned long end, struct pageblock_count *c)
{
	const struct page *head;

	*c = (struct pageblock_count){0};
	/* An unwritten section is what sparse.c says, unread. */
	switch (pfn_section_state(m, pfn)) {
	case SECTION_DEFERRED_FREE:
		c->free = end - pfn;
		return;
	case SECTION_DEFERRED_RESERVED:
		c->absent = end - pfn;
		return;
	case SECTION_WRITTEN:
		break;
	}
	head = free_block_of(m, pfn);
	if (head) {
		unsigned long past =
			page_to_pfn(m, head) + (1UL << head->private);

		c->free = (past < end ? past : end) - pfn;
		pfn += c->free;
	}
	while (pfn < end) {
		const struct page *page = pfn_to_page(m, pfn);
		unsigned long n = 1;

		if (PageFlag(page, PG_buddy) || PageFlag(page, PG_pcp)) {
			n = 1UL << page->private;
			if (n > end - pfn)
				n = end - pfn;
			c->free += n;
		} else if (PageFlag(page, PG_hole) ||
			   PageFlag(page, PG_reserved)) {
			c->absent++;
		} else {
			/* A block counts whole, by its head (a THP too). */
			if (PageFlag(page, PG_head) && page->private)
				n = 1UL << page->private;
			if (n > end - pfn)
				n = end - pfn;
			if (PageFlag(page, PG_lru))
				c->movable += n;
			else
				c->unmovable += n;
		}
		pfn += n;
	}
}

static unsigned long nr_pageblocks(const struct machine *m)
{
	unsigned long n = 0;

	for (unsigned int z = 0; z < nr_zone_slots(m); z++) {
		const struct zone *zone = &m->zones[z];

		if (zone->spanned_pages)
			n += (zone_end_pfn(zone) -
			      pageblock_start_pfn(m, zone->zone_start_pfn) +
			      pageblock_nr_pages(m) - 1) >>
			     m->pageblock_order;
	}
	return n;
}

/* Pageblocks an entry: 1, or as many as keep to PAGEBLOCK_LINES. */
static unsigned long pageblocks_per_entry(const struct machine *m)
{
	unsigned long n = nr_pageblocks(m), k = 1;

	if (n <= PAGEBLOCKS_MAX)
		return 1;
	while (n / k > PAGEBLOCK_LINES)
		k *= 2;
	return k;
}

/* A pageblock's type: MIGRATE_TYPES when its first frame has no RAM
 * (no type, as pagetypeinfo skips it). */
static int pageblock_mt(const struct machine *m, const struct zone *zone,
			unsigned long pfn)
{
	if (pfn_memmap_written(m, pfn) &&
	    PageFlag(pfn_to_page(m, pfn), PG_hole))
		return MIGRATE_TYPES;
	return get_zone_pfnblock_migratetype(m, zone, pfn);
}

/* Scale a sampled count to the entry's pages (both below 2^40). */
static unsigned long scaled(unsigned long n, unsigned long pages,
			    unsigned long sampled)
{
	return sampled ? n * pages / sampled : 0;
}

/*
 * The k pageblocks from pfn to end (the zone's end cuts the last): at
 * most FRAME_SAMPLES of them, evenly spaced, are counted; the type is
 * the one most of those have, the counts theirs scaled to the entry's
 * pages (what rounding leaves goes to the largest). With k 1, the
 * pageblock exactly.
 */
static void pageblock_entry(const struct machine *m, const struct zone *zone,
			    unsigned long pfn, unsigned long end,
			    unsigned long k, struct pageblock_snapshot *b)
{
	unsigned long samples = k < FRAME_SAMPLES ? k : FRAME_SAMPLES;
	unsigned long votes[MIGRATE_TYPES + 1] = {0}, sampled = 0;
	uint64_t *v[4] = {&b->free, &b->movable, &b->unmovable, &b->absent};
	struct pageblock_count sum = {0};
	unsigned int best = 0, big = 0;

	for (unsigned long j = 0; j < samples; j++) {
		unsigned long from = pageblock_start_pfn(m, pfn) +
				     (j * k / samples << m->pageblock_order);
		unsigned long to = from + pageblock_nr_pages(m);
		struct pageblock_count c;

		from = from > pfn ? from : pfn;
		if (from >= end)
			break;
		to = to < end ? to : end;
		count_pageblock(m, from, to, &c);
		sum.free += c.free;
		sum.movable += c.movable;
		sum.unmovable += c.unmovable;
		sum.absent += c.absent;
		sampled += to - from;
		votes[pageblock_mt(m, zone, from)]++;
	}
	for (unsigned int t = 0; t <= MIGRATE_TYPES; t++)
		if (votes[t] > votes[best])
			best = t; /* a tie keeps the first: a type before none
				   */
	b->pfn = pfn;
	snprintf(b->type, sizeof(b->type), "%s",
		 best < MIGRATE_TYPES ? migratetype_names[best] : "");
	b->free = scaled(sum.free, end - pfn, sampled);
	b->movable = scaled(sum.movable, end - pfn, sampled);
	b->unmovable = scaled(sum.unmovable, end - pfn, sampled);
	b->absent = scaled(sum.absent, end - pfn, sampled);
	for (unsigned int i = 1; i < 4; i++)
		if (*v[i] > *v[big])
			big = i;
	*v[big] +=
		(end - pfn) - (b->free + b->movable + b->unmovable + b->absent);
}

static int pageblock_zone_fill(const struct machine *m, const struct zone *zone,
			       unsigned long k,
			       struct pageblock_zone_snapshot *pz)
{
	unsigned long pfn = zone->zone_start_pfn;
	unsigned long span = k << m->pageblock_order;

	pz->node = (uint64_t)zone->node;
	snprintf(pz->zone, sizeof(pz->zone), "%s", zone->name);
	pz->start_pfn = pfn;
	pz->pages = zone->spanned_pages;
	pz->blocks =
		snap_alloc(zone->spanned_pages / span + 2, sizeof(*pz->blocks));
	if (!pz->blocks)
		return -ENOMEM;
	while (pfn < zone_end_pfn(zone)) {
		unsigned long end = pageblock_start_pfn(m, pfn) + span;

		if (end > zone_end_pfn(zone))
			end = zone_end_pfn(zone);
		pageblock_entry(m, zone, pfn, end, k,
				&pz->blocks[pz->nr_blocks++]);
		pfn = end;
	}
	return 0;
}

static int pageblocks_fill(const struct machine *m, int pid, void *snap)
{
	struct pageblocks_snapshot *pb = snap;
	unsigned long k = pageblocks_per_entry(m);
	int err;

	(void)pid;
	pb->pageblocks_per_entry = k;
	pb->pages_per_block = k * pageblock_nr_pages(m);
	pb->zones = snap_alloc(nr_zone_slots(m), sizeof(*pb->zones));
	if (!pb->zones)
		return -ENOMEM;
	for (unsigned int z = 0; z < nr_zone_slots(m); z++) {
		if (!m->zones[z].spanned_pages)
			continue;
		err = pageblock_zone_fill(m, &m->zones[z], k,
					  &pb->zones[pb->nr_zones++]);
		if (err)
			return err;
	}
	return 0;
}

/* The text: a block's type as show_mem's letter, the name's first. */
static int pageblocks_show(const void *snap, struct seq_buf *s)
{
	const struct pageblocks_snapshot *pb = snap;

	seq_printf(s, "pageblocks: %llu pages each\n",
		   (unsigned long long)pb->pages_per_block);
	seq_printf(s, "legend: type (U unmovable, M movable, R reclaimable, H "
		      "highatomic, C CMA, I isolate), then free, movable, "
		      "unmovable and absent pages");
	if (pb->pageblocks_per_entry > 1)
		seq_printf(s,
			   "; a line is %llu pageblocks, their type the one "
			   "most of at most %d evenly spaced have, their "
			   "counts those scaled",
			   (unsigned long long)pb->pageblocks_per_entry,
			   FRAME_SAMPLES);
	seq_printf(s, "\n");
	for (size_t z = 0; z < pb->nr_zones; z++) {
		const struct pageblock_zone_snapshot *pz = &pb->zones[z];

		seq_printf(s, "zone %s start_pfn %llu pages %llu", pz->zone,
			   (unsigned long long)pz->start_pfn,
			   (unsigned long long)pz->pages);
		/* Which node it is on, when there are several. */
		if (pb->zones[pb->nr_zones - 1].node)
			seq_printf(s, " node %llu",
				   (unsigned long long)pz->node);
		seq_printf(s, "\n");
		for (size_t i = 0; i < pz->nr_blocks; i++) {
			const struct pageblock_snapshot *b = &pz->blocks[i];

			seq_printf(s, "%c %llu %llu %llu %llu\n",
				   b->type[0] ? b->type[0] : '-',
				   (unsigned long long)b->free,
				   (unsigned long long)b->movable,
				   (unsigned long long)b->unmovable,
				   (unsigned long long)b->absent);
		}
	}
	return s->err;
}

#define PB(member, k) SNAP_FIELD(struct pageblock_snapshot, member, k)
static const struct snap_field pageblock_fields[] = {
	PB(pfn, SNAP_U64),     PB(type, SNAP_CHARS),	PB(free, SNAP_U64),
	PB(movable, SNAP_U64), PB(unmovable, SNAP_U64), PB(absent, SNAP_U64),
};
static const struct snap_desc pageblock_desc =
	SNAP_DESC("Pageblock", struct pageblock_snapshot, pageblock_fields);
#define PZ(member, k) SNAP_FIELD(struct pageblock_zone_snapshot, member, k)
static const struct snap_field pageblock_zone_fields[] = {
	PZ(node, SNAP_U64),
	PZ(zone, SNAP_CHARS),
	PZ(start_pfn, SNAP_U64),
	PZ(pages, SNAP_U64),
	SNAP_ARRAY(struct pageblock_zone_snapshot, blocks, nr_blocks,
		   SNAP_ITEMS, &pageblock_desc),
};
static const struct snap_desc pageblock_zone_desc = SNAP_DESC(
	"PageblockZone", struct pageblock_zone_snapshot, pageblock_zone_fields);
static const struct snap_field pageblocks_fields[] = {
	SNAP_FIELD(struct pageblocks_snapshot, pages_per_block, SNAP_U64),
	SNAP_FIELD(struct pageblocks_snapshot, pageblocks_per_entry, SNAP_U64),
	SNAP_ARRAY(struct pageblocks_snapshot, zones, nr_zones, SNAP_ITEMS,
		   &pageblock_zone_desc),
};
static const struct snap_desc pageblocks_desc =
	SNAP_DESC("Pageblocks", struct pageblocks_snapshot, pageblocks_fields);
const struct report_type pageblocks_report = {&pageblocks_desc, pageblocks_fill,
					      pageblocks_show};

int report_pageblocks(const struct machine *m, struct seq_buf *s)
{
	return report_show(&pageblocks_report, m, 0, s);
}
