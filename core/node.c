/* SPDX-License-Identifier: MIT */
/*
 * node.c - the files of /sys/devices/system/node, as drivers/base/node.c
 * shows them: nodeN/meminfo, and the per-node NUMA events that numastat
 * (numactl's, with no arguments) prints side by side.
 *
 * Owns: the two reports' text. Must never: change the machine or hold a
 * counter of its own (the zones hold them).
 */
#include "core/node.h"

#include <errno.h>
#include <stdio.h>

#include "core/mmzone.h"
#include "core/page_alloc.h"

static const char *const numastat_names[NR_VM_NUMA_EVENT_ITEMS] = {
	"numa_hit",	  "numa_miss",	"numa_foreign",
	"interleave_hit", "local_node", "other_node",
};

static unsigned long node_numa_event(const struct machine *m, unsigned int nid,
				     int item)
{
	unsigned long sum = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		sum += m->zones[nid * MAX_NR_ZONES + z].vm_numa_event[item];
	return sum;
}

int report_numastat(const struct machine *m, struct seq_buf *s)
{
	seq_printf(s, "%16s", "");
	for (unsigned int n = 0; n < m->nr_node_ids; n++) {
		char name[16];

		snprintf(name, sizeof(name), "node%u", n);
		seq_printf(s, "%16s", name);
	}
	seq_printf(s, "\n");
	for (int i = 0; i < NR_VM_NUMA_EVENT_ITEMS; i++) {
		seq_printf(s, "%-16s", numastat_names[i]);
		for (unsigned int n = 0; n < m->nr_node_ids; n++)
			seq_printf(s, "%16lu", node_numa_event(m, n, i));
		seq_printf(s, "\n");
	}
	return s->err;
}

static long node_zone_stat(const struct machine *m, unsigned int nid, int item,
			   bool high)
{
	long sum = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (!high || z == ZONE_HIGHMEM)
			sum += m->zones[nid * MAX_NR_ZONES + z].vm_stat[item];
	return sum;
}

static void node_kb(const struct machine *m, struct seq_buf *s,
		    unsigned int nid, const char *name, long pages)
{
	seq_printf(s, "Node %u %-15s %8lu kB\n", nid, name,
		   (unsigned long)(pages < 0 ? 0 : pages) *
			   (m->page_size >> 10));
}

int report_node_meminfo(const struct machine *m, unsigned int nid,
			struct seq_buf *s)
{
	long total = 0, free = node_zone_stat(m, nid, NR_FREE_PAGES, false);
	long aa = node_zone_stat(m, nid, NR_ZONE_ACTIVE_ANON, false);
	long ia = node_zone_stat(m, nid, NR_ZONE_INACTIVE_ANON, false);
	long af = node_zone_stat(m, nid, NR_ZONE_ACTIVE_FILE, false);
	long inf = node_zone_stat(m, nid, NR_ZONE_INACTIVE_FILE, false);

	if (nid >= m->nr_node_ids)
		return -EINVAL;
	for (int z = 0; z < MAX_NR_ZONES; z++)
		total += (long)m->zones[nid * MAX_NR_ZONES + z].managed_pages;
	node_kb(m, s, nid, "MemTotal:", total);
	node_kb(m, s, nid, "MemFree:", free);
	node_kb(m, s, nid, "MemUsed:", total - free);
	node_kb(m, s, nid, "Active:", aa + af);
	node_kb(m, s, nid, "Inactive:", ia + inf);
	node_kb(m, s, nid, "Active(anon):", aa);
	node_kb(m, s, nid, "Inactive(anon):", ia);
	node_kb(m, s, nid, "Active(file):", af);
	node_kb(m, s, nid, "Inactive(file):", inf);
	node_kb(m, s, nid,
		"Dirty:", node_zone_stat(m, nid, NR_ZONE_WRITE_PENDING, false));
	return s->err;
}
