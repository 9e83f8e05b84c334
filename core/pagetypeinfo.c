/*
 * pagetypeinfo.c - /proc/pagetypeinfo: free blocks per zone, migrate
 * type and order, and pageblocks per type, in Linux 6.x's format (the
 * report mm/vmstat.c prints; a kernel without page_owner prints no
 * mixed-block counts, and neither does this one).
 *
 * Owns: that report's text. Must never: change the machine, or write
 * anywhere but the seq_buf it is given.
 */
#include "core/pagetypeinfo.h"

#include "core/page_alloc.h"

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
			unsigned long n = 0;

			list_for_each(pos, &zone->free_area[o].free_list[mt])
			{
				if (++n >= FREECOUNT_CAP)
					break;
			}
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
		if (PageFlag(pfn_to_page(m, pfn), PG_hole))
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
