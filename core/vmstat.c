/* SPDX-License-Identifier: MIT */
/*
 * vmstat.c - the machine's counters as the kernel's mm/vmstat.c shows
 * them: /proc/vmstat, /proc/buddyinfo, /proc/pagetypeinfo and
 * /proc/zoneinfo, in the formats of Linux 6.x, and the names of the
 * counters they print.
 *
 * Owns: the name tables for the counters in vmstat.h and the four
 * reports' text. Anything that parses the real files must parse these.
 * Must never: hold counter values (they live in the machine), change
 * the machine (reports take it const) or write anywhere but the seq_buf
 * it is given.
 */
#include "core/vmstat.h"

#include "core/page_alloc.h"
#include "core/seq_buf.h"
#include "core/sparse.h"

#define VMSTAT_NAME(id, name) [id] = name,
const char *const zone_stat_names[] = {ZONE_STAT_ITEMS(VMSTAT_NAME)};
const char *const node_stat_names[] = {NODE_STAT_ITEMS(VMSTAT_NAME)};
const char *const zone_event_names[] = {ZONE_EVENT_ITEMS(VMSTAT_NAME)};
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

/* The slab counters are kept in bytes but shown in pages. */
static long node_stat_shown(const struct machine *m, int i)
{
	long v = m->node_stat[i];

	if (i == NR_SLAB_RECLAIMABLE_B || i == NR_SLAB_UNRECLAIMABLE_B)
		v >>= m->page_shift;
	/* Kept in pages, shown in huge pages, as vmstat_item_print_in_thp. */
	if (i == NR_ANON_THPS)
		v >>= m->pageblock_order;
	return v;
}

int report_buddyinfo(const struct machine *m, struct seq_buf *s)
{
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		const struct zone *zone = &m->zones[z];

		if (!populated_zone(zone))
			continue;
		seq_printf(s, "Node 0, zone %8s ", zone->name);
		for (unsigned int o = 0; o <= m->max_order; o++)
			seq_printf(s, "%6lu ", zone->free_area[o].nr_free);
		seq_printf(s, "\n");
	}
	return s->err;
}

/*
 * /proc/pagetypeinfo: free blocks per zone, migrate type and order, and
 * pageblocks per type; a kernel without page_owner prints no mixed-block
 * counts, and neither does this one.
 */
/* The kernel stops counting a list at 100000 entries and prints '>'. */
#define FREECOUNT_CAP 100000UL

static void showfree_zone(const struct machine *m, const struct zone *zone,
			  struct seq_buf *s)
{
	for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
		seq_printf(s, "Node %4d, zone %8s, type %12s ", 0, zone->name,
			   migratetype_names[mt]);
		for (unsigned int o = 0; o <= m->max_order; o++) {
			const struct list_head *pos;
			/* Unwritten sections' blocks, as after deferred init.
			 */
			unsigned long n =
				o == m->max_order && mt == MIGRATE_MOVABLE
					? zone->nr_deferred_sections *
						  (pages_per_section(m) >> o)
					: 0;

			list_for_each(pos, &zone->free_area[o].free_list[mt])
			{
				if (++n >= FREECOUNT_CAP)
					break;
			}
			if (n > FREECOUNT_CAP)
				n = FREECOUNT_CAP;
			seq_printf(s, "%s%6lu ", n >= FREECOUNT_CAP ? ">" : "",
				   n);
		}
		seq_printf(s, "\n");
	}
}

/* Pageblocks are counted by their first frame, holes skipped. */
static void showblockcount_zone(const struct machine *m,
				const struct zone *zone, struct seq_buf *s)
{
	unsigned long count[MIGRATE_TYPES] = {0};

	for (unsigned long pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone);
	     pfn += pageblock_nr_pages(m)) {
		if (pfn_memmap_written(m, pfn) &&
		    PageFlag(pfn_to_page(m, pfn), PG_hole))
			continue;
		count[get_zone_pfnblock_migratetype(m, zone, pfn)]++;
	}
	seq_printf(s, "Node %d, zone %8s ", 0, zone->name);
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		seq_printf(s, "%12lu ", count[mt]);
	seq_printf(s, "\n");
}

int report_pagetypeinfo(const struct machine *m, struct seq_buf *s)
{
	seq_printf(s, "Page block order: %u\n", m->pageblock_order);
	seq_printf(s, "Pages per block:  %lu\n\n", pageblock_nr_pages(m));
	seq_printf(s, "%-43s ", "Free pages count per migrate type at order");
	for (unsigned int o = 0; o <= m->max_order; o++)
		seq_printf(s, "%6u ", o);
	seq_printf(s, "\n");
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (populated_zone(&m->zones[z]))
			showfree_zone(m, &m->zones[z], s);

	seq_printf(s, "\n%-23s", "Number of blocks type ");
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		seq_printf(s, "%12s ", migratetype_names[mt]);
	seq_printf(s, "\n");
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (populated_zone(&m->zones[z]))
			showblockcount_zone(m, &m->zones[z], s);
	return s->err;
}

static void zoneinfo_node_stats(const struct machine *m, struct seq_buf *s)
{
	seq_printf(s, "\n  per-node stats");
	for (int i = 0; i < NR_VM_NODE_STAT_ITEMS; i++)
		seq_printf(s, "\n      %-12s %ld", node_stat_names[i],
			   node_stat_shown(m, i));
}

static void zoneinfo_pagesets(const struct machine *m, const struct zone *zone,
			      struct seq_buf *s)
{
	seq_printf(s, "\n  pagesets");
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++) {
		const struct per_cpu_pages *pcp = &zone->pcp[cpu];

		seq_printf(s,
			   "\n    cpu: %u"
			   "\n              count: %d"
			   "\n              high:  %d"
			   "\n              batch: %d",
			   cpu, pcp->count, pcp->high, pcp->batch);
		seq_printf(s, "\n  vm stats threshold: %d", 0);
	}
}

static void zoneinfo_zone(const struct machine *m, const struct zone *zone,
			  bool first_populated, struct seq_buf *s)
{
	const char *sep = "";

	seq_printf(s, "Node 0, zone %8s", zone->name);
	if (first_populated)
		zoneinfo_node_stats(m, s);
	seq_printf(s,
		   "\n  pages free     %ld"
		   "\n        boost    %lu"
		   "\n        min      %lu"
		   "\n        low      %lu"
		   "\n        high     %lu"
		   "\n        promo    %lu"
		   "\n        spanned  %lu"
		   "\n        present  %lu"
		   "\n        managed  %lu"
		   "\n        cma      %lu"
		   "\n        protection: (",
		   zone->vm_stat[NR_FREE_PAGES], zone->watermark_boost,
		   min_wmark_pages(zone), low_wmark_pages(zone),
		   high_wmark_pages(zone), zone->_watermark[WMARK_PROMO],
		   zone->spanned_pages, zone->present_pages,
		   zone->managed_pages, 0UL);
	for (int j = 0; j < MAX_NR_ZONES; j++) {
		if (!arch_has_zone(m, j))
			continue;
		seq_printf(s, "%s%ld", sep, zone->lowmem_reserve[j]);
		sep = ", ";
	}
	seq_printf(s, ")");
	if (!populated_zone(zone)) {
		seq_printf(s, "\n");
		return;
	}
	for (int i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++)
		seq_printf(s, "\n      %-12s %ld", zone_stat_names[i],
			   zone->vm_stat[i]);
	zoneinfo_pagesets(m, zone, s);
	seq_printf(s,
		   "\n  node_unreclaimable:  %u"
		   "\n  start_pfn:           %lu\n",
		   0u, zone->zone_start_pfn);
}

int report_zoneinfo(const struct machine *m, struct seq_buf *s)
{
	bool first = true;

	for (int z = 0; z < MAX_NR_ZONES; z++) {
		const struct zone *zone = &m->zones[z];

		if (!arch_has_zone(m, z))
			continue;
		zoneinfo_zone(m, zone, first && populated_zone(zone), s);
		if (populated_zone(zone))
			first = false;
	}
	return s->err;
}

static void vmstat_zone_events(const struct machine *m, struct seq_buf *s)
{
	for (int e = 0; e < NR_VM_ZONE_EVENT_ITEMS; e++)
		for (int z = 0; z < MAX_NR_ZONES; z++)
			if (arch_has_zone(m, z))
				seq_printf(s, "%s_%s %lu\n",
					   zone_event_names[e],
					   zone_vmstat_suffix[z],
					   m->zones[z].vm_events[e]);
}

int report_vmstat(const struct machine *m, struct seq_buf *s)
{
	for (int i = 0; i < NR_VM_ZONE_STAT_ITEMS; i++) {
		long sum = 0;

		for (int z = 0; z < MAX_NR_ZONES; z++)
			sum += m->zones[z].vm_stat[i];
		seq_printf(s, "%s %ld\n", zone_stat_names[i], sum);
	}
	for (int i = 0; i < NR_VM_NODE_STAT_ITEMS; i++)
		seq_printf(s, "%s %ld\n", node_stat_names[i],
			   node_stat_shown(m, i));
	/* The kernel prints per-zone events right after pswpout. */
	for (int i = 0; i < NR_VM_EVENT_ITEMS; i++) {
		seq_printf(s, "%s %lu\n", vm_event_names[i], m->vm_events[i]);
		if (i == PSWPOUT)
			vmstat_zone_events(m, s);
	}
	for (int i = 0; i < NR_BAD_ITEMS; i++)
		seq_printf(s, "%s %lu\n", bad_item_names[i], m->bad[i]);
	return s->err;
}
