/* SPDX-License-Identifier: MIT */
/*
 * vmstat.c - the machine's counters as the kernel's mm/vmstat.c shows
 * them: /proc/vmstat, /proc/buddyinfo, /proc/pagetypeinfo,
 * /proc/zoneinfo and debugfs's extfrag_index and unusable_index, in the
 * formats of Linux 6.x, the names of the counters they print, and the
 * two fragmentation indices compaction reads (as mm/vmstat.c has them).
 *
 * Owns: the name tables for the counters in vmstat.h, the fragmentation
 * indices, the debugfs indices' text, the four reports'
 * snapshots (taken once: the text and mm.proto's messages of the same
 * names come from them) and their text. Anything that parses the real files
 * must parse these. Must never: hold counter values (they live in the machine),
 * change the machine (reports take it const) or write anywhere but the seq_buf
 * it is given.
 */
#include "core/vmstat.h"

#include <errno.h>
#include <stdio.h>

#include "core/mmzone.h"
#include "core/page_alloc.h"
#include "core/seq_buf.h"
#include "core/sparse.h"

#define VMSTAT_NAME(id, name) [id] = name,
const char *const zone_stat_names[] = {ZONE_STAT_ITEMS(VMSTAT_NAME)};
const char *const node_stat_names[] = {NODE_STAT_ITEMS(VMSTAT_NAME)};
const char *const zone_event_names[] = {ZONE_EVENT_ITEMS(VMSTAT_NAME)};
const char *const numa_event_names[] = {NUMA_EVENT_ITEMS(VMSTAT_NAME)};
const char *const vm_event_names[] = {EVENT_ITEMS(VMSTAT_NAME)};
const char *const bad_item_names[] = {BAD_ITEMS(VMSTAT_NAME)};
const char *const migratetype_names[MIGRATE_TYPES] = {
	"Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate",
};
#undef VMSTAT_NAME

static const char *const zone_vmstat_suffix[MAX_NR_ZONES] = {
	[ZONE_DMA] = "dma",	    [ZONE_DMA32] = "dma32",
	[ZONE_NORMAL] = "normal",   [ZONE_HIGHMEM] = "high",
	[ZONE_MOVABLE] = "movable",
};

static bool arch_has_zone(const struct machine *m, int z)
{
	return m->arch->zone_mask & (1u << z);
}

/*
 * A node counter as vmstat shows it: the node's (pgdat) or the
 * machine's (NULL). The slab counters are kept in bytes but shown in
 * pages.
 */
static long node_stat_shown(const struct machine *m,
			    const struct pglist_data *pgdat, int i)
{
	long v = pgdat ? node_page_state(pgdat, (enum node_stat_item)i)
		       : global_node_page_state(m, (enum node_stat_item)i);

	if (i == NR_SLAB_RECLAIMABLE_B || i == NR_SLAB_UNRECLAIMABLE_B)
		v >>= m->page_shift;
	/* Kept in pages, shown in huge pages, as vmstat_item_print_in_thp. */
	if (i == NR_ANON_THPS)
		v >>= m->pageblock_order;
	return v;
}

/* ---- /proc/buddyinfo ---------------------------------------------- */

int buddyinfo_fill(const struct machine *m, int pid, void *snap)
{
	struct buddyinfo_snapshot *bi = snap;

	(void)pid;
	bi->zones = snap_alloc(nr_zone_slots(m), sizeof(*bi->zones));
	if (!bi->zones)
		return -ENOMEM;
	for (unsigned int z = 0; z < nr_zone_slots(m); z++) {
		const struct zone *zone = &m->zones[z];
		struct buddy_zone_snapshot *bz = &bi->zones[bi->nr_zones];

		if (!populated_zone(zone))
			continue;
		bi->nr_zones++;
		bz->node = (uint64_t)zone->node;
		snprintf(bz->zone, sizeof(bz->zone), "%s", zone->name);
		bz->free = snap_alloc(m->max_order + 1, sizeof(*bz->free));
		if (!bz->free)
			return -ENOMEM;
		bz->nr_free = m->max_order + 1;
		for (unsigned int o = 0; o <= m->max_order; o++)
			bz->free[o] = zone->free_area[o].nr_free;
	}
	return 0;
}

int buddyinfo_show(const void *snap, struct seq_buf *s)
{
	const struct buddyinfo_snapshot *bi = snap;

	for (size_t z = 0; z < bi->nr_zones; z++) {
		const struct buddy_zone_snapshot *bz = &bi->zones[z];

		seq_printf(s, "Node %llu, zone %8s ",
			   (unsigned long long)bz->node, bz->zone);
		for (size_t o = 0; o < bz->nr_free; o++)
			seq_printf(s, "%6llu ",
				   (unsigned long long)bz->free[o]);
		seq_printf(s, "\n");
	}
	return s->err;
}

/* ---- /proc/pagetypeinfo -------------------------------------------- */

/*
 * Free blocks per zone, migrate type and order, and pageblocks per
 * type; a kernel without page_owner prints no mixed-block counts, and
 * neither does this one. The kernel stops counting a list at 100000
 * entries and prints '>' before it: a count of FREECOUNT_CAP says so.
 */
#define FREECOUNT_CAP 100000UL

static int fill_free_type(const struct machine *m, const struct zone *zone,
			  int mt, struct pagetype_free_snapshot *f)
{
	f->node = (uint64_t)zone->node;
	snprintf(f->zone, sizeof(f->zone), "%s", zone->name);
	snprintf(f->type, sizeof(f->type), "%s", migratetype_names[mt]);
	f->free = snap_alloc(m->max_order + 1, sizeof(*f->free));
	if (!f->free)
		return -ENOMEM;
	f->nr_free = m->max_order + 1;
	for (unsigned int o = 0; o <= m->max_order; o++) {
		const struct list_head *pos;
		/* Unwritten sections' blocks, as after deferred init. */
		unsigned long n = o == m->max_order && mt == MIGRATE_MOVABLE
					  ? zone->nr_deferred_sections *
						    (pages_per_section(m) >> o)
					  : 0;

		list_for_each(pos, &zone->free_area[o].free_list[mt])
		{
			if (++n >= FREECOUNT_CAP)
				break;
		}
		f->free[o] = n > FREECOUNT_CAP ? FREECOUNT_CAP : n;
	}
	return 0;
}

/* Pageblocks are counted by their first frame, holes skipped. */
static int fill_block_count(const struct machine *m, const struct zone *zone,
			    struct pagetype_blocks_snapshot *b)
{
	unsigned long count[MIGRATE_TYPES] = {0};

	for (unsigned long pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone);
	     pfn += pageblock_nr_pages(m)) {
		if (pfn_memmap_written(m, pfn) &&
		    PageFlag(pfn_to_page(m, pfn), PG_hole))
			continue;
		count[get_zone_pfnblock_migratetype(m, zone, pfn)]++;
	}
	b->node = (uint64_t)zone->node;
	snprintf(b->zone, sizeof(b->zone), "%s", zone->name);
	b->types = snap_alloc(MIGRATE_TYPES, sizeof(*b->types));
	if (!b->types)
		return -ENOMEM;
	b->nr_types = MIGRATE_TYPES;
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		snap_counter_set(&b->types[mt], migratetype_names[mt],
				 (int64_t)count[mt]);
	return 0;
}

int pagetypeinfo_fill(const struct machine *m, int pid, void *snap)
{
	struct pagetypeinfo_snapshot *pt = snap;
	int err = 0;

	(void)pid;
	pt->page_block_order = m->pageblock_order;
	pt->pages_per_block = pageblock_nr_pages(m);
	pt->free =
		snap_alloc(nr_zone_slots(m) * MIGRATE_TYPES, sizeof(*pt->free));
	pt->blocks = snap_alloc(nr_zone_slots(m), sizeof(*pt->blocks));
	if (!pt->free || !pt->blocks)
		return -ENOMEM;
	for (unsigned int z = 0; z < nr_zone_slots(m) && !err; z++) {
		const struct zone *zone = &m->zones[z];

		if (!populated_zone(zone))
			continue;
		for (int mt = 0; mt < MIGRATE_TYPES && !err; mt++)
			err = fill_free_type(m, zone, mt,
					     &pt->free[pt->nr_free++]);
		if (!err)
			err = fill_block_count(m, zone,
					       &pt->blocks[pt->nr_blocks++]);
	}
	return err;
}

int pagetypeinfo_show(const void *snap, struct seq_buf *s)
{
	const struct pagetypeinfo_snapshot *pt = snap;
	size_t orders = pt->nr_free ? pt->free[0].nr_free : 0;

	seq_printf(s, "Page block order: %llu\n",
		   (unsigned long long)pt->page_block_order);
	seq_printf(s, "Pages per block:  %llu\n\n",
		   (unsigned long long)pt->pages_per_block);
	seq_printf(s, "%-43s ", "Free pages count per migrate type at order");
	for (size_t o = 0; o < orders; o++)
		seq_printf(s, "%6zu ", o);
	seq_printf(s, "\n");
	for (size_t i = 0; i < pt->nr_free; i++) {
		const struct pagetype_free_snapshot *f = &pt->free[i];

		seq_printf(s, "Node %4llu, zone %8s, type %12s ",
			   (unsigned long long)f->node, f->zone, f->type);
		for (size_t o = 0; o < f->nr_free; o++)
			seq_printf(s, "%s%6llu ",
				   f->free[o] >= FREECOUNT_CAP ? ">" : "",
				   (unsigned long long)f->free[o]);
		seq_printf(s, "\n");
	}
	seq_printf(s, "\n%-23s", "Number of blocks type ");
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		seq_printf(s, "%12s ", migratetype_names[mt]);
	seq_printf(s, "\n");
	for (size_t i = 0; i < pt->nr_blocks; i++) {
		const struct pagetype_blocks_snapshot *b = &pt->blocks[i];

		seq_printf(s, "Node %llu, zone %8s ",
			   (unsigned long long)b->node, b->zone);
		for (size_t mt = 0; mt < b->nr_types; mt++)
			seq_printf(s, "%12lld ", (long long)b->types[mt].value);
		seq_printf(s, "\n");
	}
	return s->err;
}

/* ------------------------------------------------------------------ */
/* External fragmentation, as mm/vmstat.c's contig_page_info           */

struct contig_page_info {
	unsigned long free_pages;
	unsigned long free_blocks_total;
	unsigned long free_blocks_suitable;
};

/* The zone's free blocks, and how many of them could serve order. */
static void fill_contig_page_info(const struct zone *zone, unsigned int order,
				  struct contig_page_info *info)
{
	*info = (struct contig_page_info){0};
	for (unsigned int o = 0; o <= LAYOUT_MAX_ORDER_LIMIT; o++) {
		unsigned long blocks = zone->free_area[o].nr_free;

		info->free_blocks_total += blocks;
		info->free_pages += blocks << o;
		if (o >= order)
			info->free_blocks_suitable += blocks << (o - order);
	}
}

int fragmentation_index(const struct zone *zone, unsigned int order)
{
	struct contig_page_info info;

	fill_contig_page_info(zone, order, &info);
	if (!info.free_blocks_total)
		return 0;
	/* The index means something only where the request would fail. */
	if (info.free_blocks_suitable)
		return -1000;
	return (int)(1000 - (1000 + info.free_pages * 1000 / (1UL << order)) /
				    info.free_blocks_total);
}

int unusable_free_index(const struct zone *zone, unsigned int order)
{
	struct contig_page_info info;

	fill_contig_page_info(zone, order, &info);
	if (!info.free_pages) /* nothing free: all of it is unusable */
		return 1000;
	return (int)((info.free_pages - (info.free_blocks_suitable << order)) *
		     1000 / info.free_pages);
}

unsigned int extfrag_for_order(const struct zone *zone, unsigned int order)
{
	struct contig_page_info info;

	fill_contig_page_info(zone, order, &info);
	if (!info.free_pages)
		return 0;
	return (unsigned int)((info.free_pages -
			       (info.free_blocks_suitable << order)) *
			      100 / info.free_pages);
}

/* Each populated zone's index at each order, by index(). */
static int frag_index_fill(const struct machine *m, void *snap,
			   int (*index)(const struct zone *, unsigned int))
{
	struct frag_index_snapshot *fi = snap;

	fi->zones = snap_alloc(nr_zone_slots(m), sizeof(*fi->zones));
	if (!fi->zones)
		return -ENOMEM;
	for (unsigned int z = 0; z < nr_zone_slots(m); z++) {
		const struct zone *zone = &m->zones[z];
		struct frag_index_zone_snapshot *fz = &fi->zones[fi->nr_zones];

		if (!populated_zone(zone))
			continue;
		fi->nr_zones++;
		fz->node = (uint64_t)zone->node;
		snprintf(fz->zone, sizeof(fz->zone), "%s", zone->name);
		fz->index = snap_alloc(m->max_order + 1, sizeof(*fz->index));
		if (!fz->index)
			return -ENOMEM;
		fz->nr_index = m->max_order + 1;
		for (unsigned int o = 0; o <= m->max_order; o++)
			fz->index[o] = (uint64_t)(int64_t)index(zone, o);
	}
	return 0;
}

static int extfrag_index_fill(const struct machine *m, int pid, void *snap)
{
	(void)pid;
	return frag_index_fill(m, snap, fragmentation_index);
}

static int unusable_index_fill(const struct machine *m, int pid, void *snap)
{
	(void)pid;
	return frag_index_fill(m, snap, unusable_free_index);
}

/*
 * One line per populated zone, one index per order, as
 * extfrag_show_print ("%2d.%03d ") and unusable_show_print ("%d.%03d ").
 * -1000 prints as "-1.000" (a quotient of -1, a remainder of 0).
 */
static int frag_index_show(const void *snap, struct seq_buf *s, const char *fmt)
{
	const struct frag_index_snapshot *fi = snap;

	for (size_t z = 0; z < fi->nr_zones; z++) {
		const struct frag_index_zone_snapshot *fz = &fi->zones[z];

		seq_printf(s, "Node %llu, zone %8s ",
			   (unsigned long long)fz->node, fz->zone);
		for (size_t o = 0; o < fz->nr_index; o++) {
			int i = (int)(int64_t)fz->index[o];

			seq_printf(s, fmt, i / 1000, i % 1000);
		}
		seq_printf(s, "\n");
	}
	return s->err;
}

static int extfrag_index_show(const void *snap, struct seq_buf *s)
{
	return frag_index_show(snap, s, "%2d.%03d ");
}

static int unusable_index_show(const void *snap, struct seq_buf *s)
{
	return frag_index_show(snap, s, "%d.%03d ");
}

int report_extfrag_index(const struct machine *m, struct seq_buf *s)
{
	return report_show(&extfrag_index_report, m, 0, s);
}

int report_unusable_index(const struct machine *m, struct seq_buf *s)
{
	return report_show(&unusable_index_report, m, 0, s);
}

/* ---- /proc/zoneinfo ------------------------------------------------ */

/* zoneinfo's "per-node stats": the node's own counters, as Linux's. */
static int fill_node_stats(const struct machine *m, unsigned int nid,
			   struct zoneinfo_zone_snapshot *zs)
{
	zs->per_node_stats =
		snap_alloc(NR_VM_NODE_STAT_ITEMS, sizeof(*zs->per_node_stats));
	if (!zs->per_node_stats)
		return -ENOMEM;
	zs->nr_per_node_stats = NR_VM_NODE_STAT_ITEMS;
	for (int i = 0; i < NR_VM_NODE_STAT_ITEMS; i++)
		snap_counter_set(&zs->per_node_stats[i], node_stat_names[i],
				 node_stat_shown(m, &m->node_data[nid], i));
	return 0;
}

static int fill_zone_pages(const struct machine *m, const struct zone *zone,
			   struct zone_pages_snapshot *p)
{
	p->protection = snap_alloc(MAX_NR_ZONES, sizeof(*p->protection));
	if (!p->protection)
		return -ENOMEM;
	p->free = zone->vm_stat[NR_FREE_PAGES];
	p->boost = zone->watermark_boost;
	p->min = min_wmark_pages(zone);
	p->low = low_wmark_pages(zone);
	p->high = high_wmark_pages(zone);
	p->promo = zone->_watermark[WMARK_PROMO];
	p->spanned = zone->spanned_pages;
	p->present = zone->present_pages;
	p->managed = zone->managed_pages;
	for (int j = 0; j < MAX_NR_ZONES; j++)
		if (arch_has_zone(m, j))
			p->protection[p->nr_protection++] =
				(uint64_t)zone->lowmem_reserve[j];
	return 0;
}

static int fill_zone_stats(const struct machine *m, const struct zone *zone,
			   struct zoneinfo_zone_snapshot *zs)
{
	/* The zone's NUMA events follow its counters, as Linux prints them. */
	zs->stats = snap_alloc(NR_VM_ZONE_STAT_ITEMS + NR_VM_NUMA_EVENT_ITEMS,
			       sizeof(*zs->stats));
	zs->pagesets = snap_alloc(m->nr_cpus, sizeof(*zs->pagesets));
	if (!zs->stats || !zs->pagesets)
		return -ENOMEM;
	for (int i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		snap_counter_set(&zs->stats[zs->nr_stats++], zone_stat_names[i],
				 zone->vm_stat[i]);
	for (int i = 0; i < NR_VM_NUMA_EVENT_ITEMS; i++)
		snap_counter_set(&zs->stats[zs->nr_stats++],
				 numa_event_names[i],
				 (int64_t)zone->vm_numa_event[i]);
	zs->nr_pagesets = m->nr_cpus;
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++) {
		zs->pagesets[cpu].cpu = cpu;
		zs->pagesets[cpu].count = zone->pcp[cpu].count;
		zs->pagesets[cpu].high = zone->pcp[cpu].high;
		zs->pagesets[cpu].batch = zone->pcp[cpu].batch;
	}
	zs->start_pfn = zone->zone_start_pfn;
	/* The node's kswapd gave up on it (kswapd_failures). */
	zs->node_unreclaimable =
		m->node_data[zone->node].kswapd.failures >= MAX_RECLAIM_RETRIES;
	return 0;
}

/* One node's zones; its first populated zone carries the node's stats. */
static int fill_node_zones(const struct machine *m, unsigned int nid,
			   struct zoneinfo_snapshot *zi)
{
	bool first = true;
	int err = 0;

	for (int z = 0; z < MAX_NR_ZONES && !err; z++) {
		const struct zone *zone = &m->zones[nid * MAX_NR_ZONES + z];
		struct zoneinfo_zone_snapshot *zs = &zi->zones[zi->nr_zones];

		if (!arch_has_zone(m, z))
			continue;
		zi->nr_zones++;
		zs->node = (uint64_t)zone->node;
		snprintf(zs->zone, sizeof(zs->zone), "%s", zone->name);
		zs->populated = populated_zone(zone);
		err = fill_zone_pages(m, zone, &zs->pages);
		if (!err && zs->populated && first)
			err = fill_node_stats(m, nid, zs);
		if (zs->populated && !err)
			err = fill_zone_stats(m, zone, zs);
		if (zs->populated)
			first = false;
	}
	return err;
}

int zoneinfo_fill(const struct machine *m, int pid, void *snap)
{
	struct zoneinfo_snapshot *zi = snap;
	int err = 0;

	(void)pid;
	zi->zones = snap_alloc(nr_zone_slots(m), sizeof(*zi->zones));
	if (!zi->zones)
		return -ENOMEM;
	for (unsigned int n = 0; n < m->nr_node_ids && !err; n++)
		err = fill_node_zones(m, n, zi);
	return err;
}

static void show_zone_pages(const struct zone_pages_snapshot *p,
			    struct seq_buf *s)
{
	seq_printf(s,
		   "\n  pages free     %lld"
		   "\n        boost    %llu"
		   "\n        min      %llu"
		   "\n        low      %llu"
		   "\n        high     %llu"
		   "\n        promo    %llu"
		   "\n        spanned  %llu"
		   "\n        present  %llu"
		   "\n        managed  %llu"
		   "\n        cma      %llu"
		   "\n        protection: (",
		   (long long)p->free, (unsigned long long)p->boost,
		   (unsigned long long)p->min, (unsigned long long)p->low,
		   (unsigned long long)p->high, (unsigned long long)p->promo,
		   (unsigned long long)p->spanned,
		   (unsigned long long)p->present,
		   (unsigned long long)p->managed, (unsigned long long)p->cma);
	for (size_t j = 0; j < p->nr_protection; j++)
		seq_printf(s, "%s%lld", j ? ", " : "",
			   (long long)p->protection[j]);
	seq_printf(s, ")");
}

static void show_zone_pagesets(const struct zoneinfo_zone_snapshot *zs,
			       struct seq_buf *s)
{
	seq_printf(s, "\n  pagesets");
	for (size_t i = 0; i < zs->nr_pagesets; i++) {
		const struct pageset_snapshot *p = &zs->pagesets[i];

		seq_printf(s,
			   "\n    cpu: %llu"
			   "\n              count: %lld"
			   "\n              high:  %lld"
			   "\n              batch: %lld"
			   "\n  vm stats threshold: %lld",
			   (unsigned long long)p->cpu, (long long)p->count,
			   (long long)p->high, (long long)p->batch,
			   (long long)p->vm_stats_threshold);
	}
}

int zoneinfo_show(const void *snap, struct seq_buf *s)
{
	const struct zoneinfo_snapshot *zi = snap;

	for (size_t z = 0; z < zi->nr_zones; z++) {
		const struct zoneinfo_zone_snapshot *zs = &zi->zones[z];

		seq_printf(s, "Node %llu, zone %8s",
			   (unsigned long long)zs->node, zs->zone);
		if (zs->nr_per_node_stats)
			seq_printf(s, "\n  per-node stats");
		snap_counters_show(zs->per_node_stats, zs->nr_per_node_stats,
				   "\n      %-12s %lld", s);
		show_zone_pages(&zs->pages, s);
		if (!zs->populated) {
			seq_printf(s, "\n");
			continue;
		}
		snap_counters_show(zs->stats, zs->nr_stats,
				   "\n      %-12s %lld", s);
		show_zone_pagesets(zs, s);
		seq_printf(s,
			   "\n  node_unreclaimable:  %llu"
			   "\n  start_pfn:           %llu\n",
			   (unsigned long long)zs->node_unreclaimable,
			   (unsigned long long)zs->start_pfn);
	}
	return s->err;
}

/* ---- /proc/vmstat -------------------------------------------------- */

#define NR_VMSTAT_LINES                                                        \
	(NR_VM_ZONE_STAT_ITEMS + NR_VM_NUMA_EVENT_ITEMS +                      \
	 NR_VM_NODE_STAT_ITEMS + NR_VM_EVENT_ITEMS +                           \
	 NR_VM_ZONE_EVENT_ITEMS * MAX_NR_ZONES + NR_BAD_ITEMS)

/* A zone event summed over the nodes, for one zone type. */
static unsigned long zone_event_sum(const struct machine *m, int type, int e)
{
	unsigned long sum = 0;

	for (unsigned int n = 0; n < m->nr_node_ids; n++)
		sum += m->zones[n * MAX_NR_ZONES + type].vm_events[e];
	return sum;
}

/* The NUMA events of every zone, after the zone counters, as Linux. */
static void fill_numa_events(const struct machine *m,
			     struct vmstat_snapshot *vs)
{
	for (int i = 0; i < NR_VM_NUMA_EVENT_ITEMS; i++) {
		unsigned long sum = 0;

		for (unsigned int z = 0; z < nr_zone_slots(m); z++)
			sum += m->zones[z].vm_numa_event[i];
		snap_counter_set(&vs->counters[vs->nr_counters++],
				 numa_event_names[i], (int64_t)sum);
	}
}

static void fill_zone_events(const struct machine *m,
			     struct vmstat_snapshot *vs)
{
	char name[48];

	for (int e = 0; e < NR_VM_ZONE_EVENT_ITEMS; e++)
		for (int z = 0; z < MAX_NR_ZONES; z++) {
			if (!arch_has_zone(m, z))
				continue;
			snprintf(name, sizeof(name), "%s_%s",
				 zone_event_names[e], zone_vmstat_suffix[z]);
			snap_counter_set(&vs->counters[vs->nr_counters++], name,
					 (int64_t)zone_event_sum(m, z, e));
		}
}

int vmstat_fill(const struct machine *m, int pid, void *snap)
{
	struct vmstat_snapshot *vs = snap;
	struct snap_counter *c;

	(void)pid;
	c = vs->counters = snap_alloc(NR_VMSTAT_LINES, sizeof(*c));
	if (!c)
		return -ENOMEM;
	for (int i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++) {
		long sum = 0;

		for (unsigned int z = 0; z < nr_zone_slots(m); z++)
			sum += m->zones[z].vm_stat[i];
		snap_counter_set(&c[vs->nr_counters++], zone_stat_names[i],
				 sum);
	}
	fill_numa_events(m, vs);
	for (int i = 0; i < NR_VM_NODE_STAT_ITEMS; i++)
		snap_counter_set(&c[vs->nr_counters++], node_stat_names[i],
				 node_stat_shown(m, NULL, i));
	/* The kernel prints per-zone events right after pswpout. */
	for (int i = 0; i < NR_VM_EVENT_ITEMS; i++) {
		snap_counter_set(&c[vs->nr_counters++], vm_event_names[i],
				 (int64_t)m->vm_events[i]);
		if (i == PSWPOUT)
			fill_zone_events(m, vs);
	}
	for (int i = 0; i < NR_BAD_ITEMS; i++)
		snap_counter_set(&c[vs->nr_counters++], bad_item_names[i],
				 (int64_t)m->bad[i]);
	return 0;
}

/*
 * /sys/devices/system/node/nodeN/vmstat, as node_read_vmstat: the
 * node's zones' counters summed, their NUMA events, then the node's
 * own counters; and, mm's own last line as /proc/vmstat's bad_ lines
 * are, the times the node's kswapd was woken (kswapd_wakeups). nid is
 * where other reports take a pid.
 */
int node_vmstat_fill(const struct machine *m, int nid, void *snap)
{
	struct vmstat_snapshot *vs = snap;
	const struct pglist_data *pgdat;
	struct snap_counter *c;

	if (nid < 0 || (unsigned int)nid >= m->nr_node_ids)
		return -EINVAL;
	pgdat = &m->node_data[nid];
	c = vs->counters =
		snap_alloc(NR_VM_ZONE_STAT_ITEMS + NR_VM_NUMA_EVENT_ITEMS +
				   NR_VM_NODE_STAT_ITEMS + 1,
			   sizeof(*c));
	if (!c)
		return -ENOMEM;
	for (int i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++) {
		long sum = 0;

		for (int z = 0; z < MAX_NR_ZONES; z++)
			sum += pgdat->node_zones[z].vm_stat[i];
		snap_counter_set(&c[vs->nr_counters++], zone_stat_names[i],
				 sum);
	}
	for (int i = 0; i < NR_VM_NUMA_EVENT_ITEMS; i++) {
		unsigned long sum = 0;

		for (int z = 0; z < MAX_NR_ZONES; z++)
			sum += pgdat->node_zones[z].vm_numa_event[i];
		snap_counter_set(&c[vs->nr_counters++], numa_event_names[i],
				 (int64_t)sum);
	}
	for (int i = 0; i < NR_VM_NODE_STAT_ITEMS; i++)
		snap_counter_set(&c[vs->nr_counters++], node_stat_names[i],
				 node_stat_shown(m, pgdat, i));
	snap_counter_set(&c[vs->nr_counters++], "kswapd_wakeups",
			 (int64_t)pgdat->kswapd.wakeups);
	return 0;
}

int vmstat_show(const void *snap, struct seq_buf *s)
{
	const struct vmstat_snapshot *vs = snap;

	return snap_counters_show(vs->counters, vs->nr_counters, "%s %lld\n",
				  s);
}

/* ---- the tables: mm.proto's names for each struct's members -------- */

#define BZ(member, k) SNAP_FIELD(struct buddy_zone_snapshot, member, k)
static const struct snap_field buddy_zone_fields[] = {
	BZ(node, SNAP_U64),
	BZ(zone, SNAP_CHARS),
	SNAP_ARRAY(struct buddy_zone_snapshot, free, nr_free, SNAP_U64S, NULL),
};
static const struct snap_desc buddy_zone_desc =
	SNAP_DESC("BuddyZone", struct buddy_zone_snapshot, buddy_zone_fields);
static const struct snap_field buddyinfo_fields[] = {
	SNAP_ARRAY(struct buddyinfo_snapshot, zones, nr_zones, SNAP_ITEMS,
		   &buddy_zone_desc),
};
static const struct snap_desc buddyinfo_desc =
	SNAP_DESC("Buddyinfo", struct buddyinfo_snapshot, buddyinfo_fields);
const struct report_type buddyinfo_report = {&buddyinfo_desc, buddyinfo_fill,
					     buddyinfo_show};

#define PF(member, k) SNAP_FIELD(struct pagetype_free_snapshot, member, k)
static const struct snap_field pagetype_free_fields[] = {
	PF(node, SNAP_U64),
	PF(zone, SNAP_CHARS),
	PF(type, SNAP_CHARS),
	SNAP_ARRAY(struct pagetype_free_snapshot, free, nr_free, SNAP_U64S,
		   NULL),
};
static const struct snap_desc pagetype_free_desc = SNAP_DESC(
	"PagetypeFree", struct pagetype_free_snapshot, pagetype_free_fields);
static const struct snap_field pagetype_blocks_fields[] = {
	SNAP_FIELD(struct pagetype_blocks_snapshot, node, SNAP_U64),
	SNAP_FIELD(struct pagetype_blocks_snapshot, zone, SNAP_CHARS),
	SNAP_ARRAY(struct pagetype_blocks_snapshot, types, nr_types, SNAP_ITEMS,
		   &snap_counter_desc),
};
static const struct snap_desc pagetype_blocks_desc =
	SNAP_DESC("PagetypeBlocks", struct pagetype_blocks_snapshot,
		  pagetype_blocks_fields);
static const struct snap_field pagetypeinfo_fields[] = {
	SNAP_FIELD(struct pagetypeinfo_snapshot, page_block_order, SNAP_U64),
	SNAP_FIELD(struct pagetypeinfo_snapshot, pages_per_block, SNAP_U64),
	SNAP_ARRAY(struct pagetypeinfo_snapshot, free, nr_free, SNAP_ITEMS,
		   &pagetype_free_desc),
	SNAP_ARRAY(struct pagetypeinfo_snapshot, blocks, nr_blocks, SNAP_ITEMS,
		   &pagetype_blocks_desc),
};
static const struct snap_desc pagetypeinfo_desc = SNAP_DESC(
	"Pagetypeinfo", struct pagetypeinfo_snapshot, pagetypeinfo_fields);
const struct report_type pagetypeinfo_report = {
	&pagetypeinfo_desc, pagetypeinfo_fill, pagetypeinfo_show};

static const struct snap_field frag_index_zone_fields[] = {
	SNAP_FIELD(struct frag_index_zone_snapshot, node, SNAP_U64),
	SNAP_FIELD(struct frag_index_zone_snapshot, zone, SNAP_CHARS),
	SNAP_ARRAY(struct frag_index_zone_snapshot, index, nr_index, SNAP_U64S,
		   NULL),
};
static const struct snap_desc frag_index_zone_desc =
	SNAP_DESC("FragIndexZone", struct frag_index_zone_snapshot,
		  frag_index_zone_fields);
static const struct snap_field frag_index_fields[] = {
	SNAP_ARRAY(struct frag_index_snapshot, zones, nr_zones, SNAP_ITEMS,
		   &frag_index_zone_desc),
};
static const struct snap_desc extfrag_index_desc = SNAP_DESC(
	"ExtfragIndex", struct frag_index_snapshot, frag_index_fields);
static const struct snap_desc unusable_index_desc = SNAP_DESC(
	"UnusableIndex", struct frag_index_snapshot, frag_index_fields);
const struct report_type extfrag_index_report = {
	&extfrag_index_desc, extfrag_index_fill, extfrag_index_show};
const struct report_type unusable_index_report = {
	&unusable_index_desc, unusable_index_fill, unusable_index_show};

#define ZP(member, k) SNAP_FIELD(struct zone_pages_snapshot, member, k)
static const struct snap_field zone_pages_fields[] = {
	ZP(free, SNAP_S64),
	ZP(boost, SNAP_U64),
	ZP(min, SNAP_U64),
	ZP(low, SNAP_U64),
	ZP(high, SNAP_U64),
	ZP(promo, SNAP_U64),
	ZP(spanned, SNAP_U64),
	ZP(present, SNAP_U64),
	ZP(managed, SNAP_U64),
	ZP(cma, SNAP_U64),
	SNAP_ARRAY(struct zone_pages_snapshot, protection, nr_protection,
		   SNAP_U64S, NULL),
};
static const struct snap_desc zone_pages_desc =
	SNAP_DESC("ZonePages", struct zone_pages_snapshot, zone_pages_fields);
#define PS(member) SNAP_FIELD(struct pageset_snapshot, member, SNAP_S64)
static const struct snap_field pageset_fields[] = {
	SNAP_FIELD(struct pageset_snapshot, cpu, SNAP_U64),
	PS(count),
	PS(high),
	PS(batch),
	PS(vm_stats_threshold),
};
static const struct snap_desc pageset_desc =
	SNAP_DESC("Pageset", struct pageset_snapshot, pageset_fields);
#define ZZ struct zoneinfo_zone_snapshot
static const struct snap_field zoneinfo_zone_fields[] = {
	SNAP_FIELD(ZZ, node, SNAP_U64),
	SNAP_FIELD(ZZ, zone, SNAP_CHARS),
	SNAP_FIELD(ZZ, populated, SNAP_BOOL),
	SNAP_ARRAY(ZZ, per_node_stats, nr_per_node_stats, SNAP_ITEMS,
		   &snap_counter_desc),
	SNAP_ONE(ZZ, pages, &zone_pages_desc),
	SNAP_ARRAY(ZZ, stats, nr_stats, SNAP_ITEMS, &snap_counter_desc),
	SNAP_ARRAY(ZZ, pagesets, nr_pagesets, SNAP_ITEMS, &pageset_desc),
	SNAP_FIELD(ZZ, node_unreclaimable, SNAP_U64),
	SNAP_FIELD(ZZ, start_pfn, SNAP_U64),
};
#undef ZZ
static const struct snap_desc zoneinfo_zone_desc = SNAP_DESC(
	"ZoneinfoZone", struct zoneinfo_zone_snapshot, zoneinfo_zone_fields);
static const struct snap_field zoneinfo_fields[] = {
	SNAP_ARRAY(struct zoneinfo_snapshot, zones, nr_zones, SNAP_ITEMS,
		   &zoneinfo_zone_desc),
};
static const struct snap_desc zoneinfo_desc =
	SNAP_DESC("Zoneinfo", struct zoneinfo_snapshot, zoneinfo_fields);
const struct report_type zoneinfo_report = {&zoneinfo_desc, zoneinfo_fill,
					    zoneinfo_show};

static const struct snap_field vmstat_fields[] = {
	SNAP_ARRAY(struct vmstat_snapshot, counters, nr_counters, SNAP_ITEMS,
		   &snap_counter_desc),
};
static const struct snap_desc vmstat_desc =
	SNAP_DESC("Vmstat", struct vmstat_snapshot, vmstat_fields);
const struct report_type vmstat_report = {&vmstat_desc, vmstat_fill,
					  vmstat_show};
/* nodeN/vmstat: vmstat's shape and text, one node's lines. */
const struct report_type node_vmstat_report = {&vmstat_desc, node_vmstat_fill,
					       vmstat_show};

int report_buddyinfo(const struct machine *m, struct seq_buf *s)
{
	return report_show(&buddyinfo_report, m, 0, s);
}

int report_pagetypeinfo(const struct machine *m, struct seq_buf *s)
{
	return report_show(&pagetypeinfo_report, m, 0, s);
}

int report_zoneinfo(const struct machine *m, struct seq_buf *s)
{
	return report_show(&zoneinfo_report, m, 0, s);
}

int report_node_vmstat(const struct machine *m, unsigned int nid,
		       struct seq_buf *s)
{
	return report_show(&node_vmstat_report, m, (int)nid, s);
}

int report_vmstat(const struct machine *m, struct seq_buf *s)
{
	return report_show(&vmstat_report, m, 0, s);
}
