/* SPDX-License-Identifier: MIT */
/*
 * show_mem.c - the memory summary the kernel logs when an allocation
 * fails or the OOM killer runs, as mm/show_mem.c's __show_mem prints
 * it: Mem-Info, the node's counters, each zone's watermarks and sizes,
 * each zone's free blocks by order and type, swap and the page totals.
 *
 * Owns: those lines. Must never: change anything but the kernel log,
 * or call into the allocator (it runs on the allocator's failure path).
 */
#include "core/show_mem.h"

#include <stdio.h>

#include "core/mm_types.h"
#include "core/printk.h"
#include "core/swap.h"
#include "core/vmstat.h"

static unsigned long zone_free_pcp(const struct machine *m,
				   const struct zone *z)
{
	unsigned long n = 0;

	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++)
		n += (unsigned long)z->pcp[cpu].count;
	return n;
}

static unsigned long node(const struct machine *m, int item)
{
	long v = m->node_stat[item];

	return v > 0 ? (unsigned long)v : 0;
}

static void show_node(struct machine *m)
{
	unsigned long free = 0, pcp = 0;

	for (unsigned int z = 0; z < nr_zone_slots(m); z++) {
		if (!populated_zone(&m->zones[z]))
			continue;
		free += (unsigned long)m->zones[z].vm_stat[NR_FREE_PAGES];
		pcp += zone_free_pcp(m, &m->zones[z]);
	}
	printk(m, "Mem-Info:");
	printk(m, "active_anon:%lu inactive_anon:%lu isolated_anon:%lu",
	       node(m, NR_ACTIVE_ANON), node(m, NR_INACTIVE_ANON),
	       node(m, NR_ISOLATED_ANON));
	printk(m, " active_file:%lu inactive_file:%lu isolated_file:%lu",
	       node(m, NR_ACTIVE_FILE), node(m, NR_INACTIVE_FILE),
	       node(m, NR_ISOLATED_FILE));
	printk(m, " unevictable:%lu dirty:%lu writeback:%lu",
	       node(m, NR_UNEVICTABLE), node(m, NR_FILE_DIRTY),
	       node(m, NR_WRITEBACK));
	printk(m, " slab_reclaimable:%lu slab_unreclaimable:%lu",
	       node(m, NR_SLAB_RECLAIMABLE_B) / m->page_size,
	       node(m, NR_SLAB_UNRECLAIMABLE_B) / m->page_size);
	printk(m, " mapped:%lu shmem:%lu pagetables:%lu",
	       node(m, NR_FILE_MAPPED), node(m, NR_SHMEM),
	       node(m, NR_PAGETABLE));
	printk(m, " free:%lu free_pcp:%lu free_cma:0", free, pcp);
}

static void show_zone(struct machine *m, const struct zone *z)
{
	unsigned long kb = m->page_size >> 10;
	char reserve[96];
	size_t at = 0;

	printk(m,
	       "Node %d %s free:%lukB boost:%lukB min:%lukB low:%lukB "
	       "high:%lukB reserved_highatomic:%luKB present:%lukB "
	       "managed:%lukB free_pcp:%lukB",
	       z->node, z->name, (unsigned long)z->vm_stat[NR_FREE_PAGES] * kb,
	       /* The marks as the allocator sees them, boost included. */
	       z->watermark_boost * kb,
	       (z->_watermark[WMARK_MIN] + z->watermark_boost) * kb,
	       (z->_watermark[WMARK_LOW] + z->watermark_boost) * kb,
	       (z->_watermark[WMARK_HIGH] + z->watermark_boost) * kb,
	       z->nr_reserved_highatomic * kb, z->present_pages * kb,
	       z->managed_pages * kb, zone_free_pcp(m, z) * kb);
	for (int i = 0; i < MAX_NR_ZONES && at < sizeof(reserve); i++) {
		if (!populated_zone(&m->zones[z->node * MAX_NR_ZONES + i]))
			continue;
		at += (size_t)snprintf(reserve + at, sizeof(reserve) - at,
				       " %ld", z->lowmem_reserve[i]);
	}
	printk(m, "lowmem_reserve[]:%s", reserve);
}

/* "(UMEH)": the types of the blocks free at one order, as Linux marks. */
static void migration_types(const struct zone *z, unsigned int order, char *out)
{
	static const char letters[MIGRATE_TYPES] = {
		[MIGRATE_UNMOVABLE] = 'U',   [MIGRATE_MOVABLE] = 'M',
		[MIGRATE_RECLAIMABLE] = 'E', [MIGRATE_HIGHATOMIC] = 'H',
		[MIGRATE_CMA] = 'C',	     [MIGRATE_ISOLATE] = 'I',
	};
	int n = 0;

	for (int t = 0; t < MIGRATE_TYPES; t++)
		if (!list_empty(&z->free_area[order].free_list[t]))
			out[n++] = letters[t];
	out[n] = '\0';
}

static void show_free_areas(struct machine *m, const struct zone *z)
{
	unsigned long kb = m->page_size >> 10, total = 0;
	char line[480], types[MIGRATE_TYPES + 1];
	size_t at = 0;

	for (unsigned int o = 0; o <= m->max_order && at < sizeof(line); o++) {
		unsigned long nr = z->free_area[o].nr_free;

		total += (nr * kb) << o;
		migration_types(z, o, types);
		at += (size_t)snprintf(line + at, sizeof(line) - at,
				       "%lu*%lukB %s%s%s", nr, kb << o,
				       nr ? "(" : "", nr ? types : "",
				       nr ? ") " : "");
	}
	printk(m, "Node %d %s: %s= %lukB", z->node, z->name, line, total);
}

/* The totals: Linux's show_mem lines after the zones. */
static void show_totals(struct machine *m)
{
	unsigned long present = 0, high = 0, reserved = 0;

	for (unsigned int i = 0; i < nr_zone_slots(m); i++) {
		const struct zone *z = &m->zones[i];

		present += z->present_pages;
		reserved += z->present_pages - z->managed_pages;
		if (is_highmem_idx(z->type) || z->type == ZONE_MOVABLE)
			high += z->present_pages;
	}
	printk(m, "%lu total pagecache pages", node(m, NR_FILE_PAGES));
	printk(m, "%lu pages in swap cache", node(m, NR_SWAPCACHE));
	printk(m, "Free swap  = %lukB",
	       nr_free_swap_pages(m) * (m->page_size >> 10));
	printk(m, "Total swap = %lukB",
	       total_swap_pages(m) * (m->page_size >> 10));
	printk(m, "%lu pages RAM", present);
	printk(m, "%lu pages HighMem/MovableOnly", high);
	printk(m, "%lu pages reserved", reserved);
}

void show_mem(struct machine *m)
{
	show_node(m);
	for (unsigned int i = 0; i < nr_zone_slots(m); i++)
		if (populated_zone(&m->zones[i]))
			show_zone(m, &m->zones[i]);
	for (unsigned int i = 0; i < nr_zone_slots(m); i++)
		if (populated_zone(&m->zones[i]))
			show_free_areas(m, &m->zones[i]);
	show_totals(m);
}
