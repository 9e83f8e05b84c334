/* SPDX-License-Identifier: MIT */
/*
 * node.c - the files of /sys/devices/system/node, as drivers/base/node.c
 * shows them: nodeN/meminfo, and the per-node NUMA events that numastat
 * (numactl's, with no arguments) prints side by side.
 *
 * Owns: the two reports' snapshots (taken once: the text and mm.proto's
 * Numastat and NodeMeminfo come from them) and their text. Must never:
 * change the machine or hold a counter of its own (the zones hold them).
 */
#include "core/node.h"

#include <errno.h>
#include <stdio.h>

#include "core/mmzone.h"
#include "core/page_alloc.h"

/* ---- numastat ------------------------------------------------------ */

/* numastat's row names and where each row's value is, in event order. */
#define NS(member) offsetof(struct numastat_node_snapshot, member)
static const struct {
	const char *name;
	size_t off;
} numastat_rows[NR_VM_NUMA_EVENT_ITEMS] = {
	[NUMA_HIT] = {"numa_hit", NS(numa_hit)},
	[NUMA_MISS] = {"numa_miss", NS(numa_miss)},
	[NUMA_FOREIGN] = {"numa_foreign", NS(numa_foreign)},
	[NUMA_INTERLEAVE_HIT] = {"interleave_hit", NS(interleave_hit)},
	[NUMA_LOCAL] = {"local_node", NS(local_node)},
	[NUMA_OTHER] = {"other_node", NS(other_node)},
};
#undef NS

static uint64_t *numastat_value(struct numastat_node_snapshot *n, int item)
{
	return (uint64_t *)((char *)n + numastat_rows[item].off);
}

static uint64_t numastat_get(const struct numastat_node_snapshot *n, int item)
{
	return *(const uint64_t *)((const char *)n + numastat_rows[item].off);
}

int numastat_fill(const struct machine *m, int pid, void *snap)
{
	struct numastat_snapshot *ns = snap;

	(void)pid;
	ns->nodes = snap_alloc(m->nr_node_ids, sizeof(*ns->nodes));
	if (!ns->nodes)
		return -ENOMEM;
	for (unsigned int n = 0; n < m->nr_node_ids; n++) {
		struct numastat_node_snapshot *nn = &ns->nodes[ns->nr_nodes++];

		nn->node = n;
		for (int z = 0; z < MAX_NR_ZONES; z++)
			for (int i = 0; i < NR_VM_NUMA_EVENT_ITEMS; i++)
				*numastat_value(nn, i) +=
					m->zones[n * MAX_NR_ZONES + z]
						.vm_numa_event[i];
	}
	return 0;
}

int numastat_show(const void *snap, struct seq_buf *s)
{
	const struct numastat_snapshot *ns = snap;

	seq_printf(s, "%16s", "");
	for (size_t n = 0; n < ns->nr_nodes; n++) {
		char name[32];

		snprintf(name, sizeof(name), "node%llu",
			 (unsigned long long)ns->nodes[n].node);
		seq_printf(s, "%16s", name);
	}
	seq_printf(s, "\n");
	for (int i = 0; i < NR_VM_NUMA_EVENT_ITEMS; i++) {
		seq_printf(s, "%-16s", numastat_rows[i].name);
		for (size_t n = 0; n < ns->nr_nodes; n++)
			seq_printf(s, "%16llu",
				   (unsigned long long)numastat_get(
					   &ns->nodes[n], i));
		seq_printf(s, "\n");
	}
	return s->err;
}

/* ---- nodeN/meminfo ------------------------------------------------- */

/* Each line's name and member, in the file's order. */
#define NM(member) offsetof(struct node_meminfo_snapshot, member)
static const struct {
	const char *name;
	size_t off;
} node_meminfo_lines[] = {
	{"MemTotal:", NM(mem_total)},
	{"MemFree:", NM(mem_free)},
	{"MemUsed:", NM(mem_used)},
	{"SwapCached:", NM(swap_cached)},
	{"Active:", NM(active)},
	{"Inactive:", NM(inactive)},
	{"Active(anon):", NM(active_anon)},
	{"Inactive(anon):", NM(inactive_anon)},
	{"Active(file):", NM(active_file)},
	{"Inactive(file):", NM(inactive_file)},
	{"Unevictable:", NM(unevictable)},
	{"Mlocked:", NM(mlocked)},
	{"Dirty:", NM(dirty)},
	{"Writeback:", NM(writeback)},
	{"FilePages:", NM(file_pages)},
	{"Mapped:", NM(mapped)},
	{"AnonPages:", NM(anon_pages)},
	{"Shmem:", NM(shmem)},
	{"KernelStack:", NM(kernel_stack)},
	{"PageTables:", NM(page_tables)},
	{"KReclaimable:", NM(k_reclaimable)},
	{"Slab:", NM(slab)},
	{"SReclaimable:", NM(s_reclaimable)},
	{"SUnreclaim:", NM(s_unreclaim)},
	{"AnonHugePages:", NM(anon_huge_pages)},
};
#undef NM

static long node_zone_stat(const struct machine *m, unsigned int nid, int item)
{
	long sum = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		sum += m->zones[nid * MAX_NR_ZONES + z].vm_stat[item];
	return sum;
}

/* Pages in kB; a counter gone below zero between updates shows 0. */
static uint64_t node_kb(const struct machine *m, long pages)
{
	return (uint64_t)(pages < 0 ? 0 : pages) * (m->page_size >> 10);
}

/* A node counter of the node, in pages (the slab's, kept in bytes, too). */
static long node_pages(const struct machine *m, const struct pglist_data *pgdat,
		       enum node_stat_item item)
{
	long v = node_page_state(pgdat, item);

	if (item == NR_SLAB_RECLAIMABLE_B || item == NR_SLAB_UNRECLAIMABLE_B)
		v >>= m->page_shift;
	return v;
}

/* The LRU and page cache lines, as node_read_meminfo takes them. */
static void node_meminfo_lru(const struct machine *m,
			     const struct pglist_data *pgdat,
			     struct node_meminfo_snapshot *nm)
{
	long aa = node_pages(m, pgdat, NR_ACTIVE_ANON);
	long ia = node_pages(m, pgdat, NR_INACTIVE_ANON);
	long af = node_pages(m, pgdat, NR_ACTIVE_FILE);
	long inf = node_pages(m, pgdat, NR_INACTIVE_FILE);

	nm->swap_cached = node_kb(m, node_pages(m, pgdat, NR_SWAPCACHE));
	nm->active = node_kb(m, aa + af);
	nm->inactive = node_kb(m, ia + inf);
	nm->active_anon = node_kb(m, aa);
	nm->inactive_anon = node_kb(m, ia);
	nm->active_file = node_kb(m, af);
	nm->inactive_file = node_kb(m, inf);
	nm->unevictable = node_kb(m, node_pages(m, pgdat, NR_UNEVICTABLE));
	nm->mlocked = node_kb(
		m, node_zone_stat(m, (unsigned int)pgdat->node_id, NR_MLOCK));
	nm->dirty = node_kb(m, node_pages(m, pgdat, NR_FILE_DIRTY));
	nm->writeback = node_kb(m, node_pages(m, pgdat, NR_WRITEBACK));
	nm->file_pages = node_kb(m, node_pages(m, pgdat, NR_FILE_PAGES));
	nm->mapped = node_kb(m, node_pages(m, pgdat, NR_FILE_MAPPED));
	nm->anon_pages = node_kb(m, node_pages(m, pgdat, NR_ANON_MAPPED));
	nm->shmem = node_kb(m, node_pages(m, pgdat, NR_SHMEM));
	nm->anon_huge_pages = node_kb(m, node_pages(m, pgdat, NR_ANON_THPS));
}

/* The kernel's own: stacks (kept in kB), page tables and the slab. */
static void node_meminfo_kernel(const struct machine *m,
				const struct pglist_data *pgdat,
				struct node_meminfo_snapshot *nm)
{
	long sr = node_pages(m, pgdat, NR_SLAB_RECLAIMABLE_B);
	long su = node_pages(m, pgdat, NR_SLAB_UNRECLAIMABLE_B);
	long stack = node_page_state(pgdat, NR_KERNEL_STACK_KB);

	nm->kernel_stack = (uint64_t)(stack < 0 ? 0 : stack);
	nm->page_tables = node_kb(m, node_pages(m, pgdat, NR_PAGETABLE));
	nm->k_reclaimable = node_kb(
		m, sr + node_pages(m, pgdat, NR_KERNEL_MISC_RECLAIMABLE));
	nm->slab = node_kb(m, sr + su);
	nm->s_reclaimable = node_kb(m, sr);
	nm->s_unreclaim = node_kb(m, su);
}

int node_meminfo_fill(const struct machine *m, int nid, void *snap)
{
	struct node_meminfo_snapshot *nm = snap;
	unsigned int n = (unsigned int)nid;
	long total = 0, free;

	if (nid < 0 || n >= m->nr_node_ids)
		return -EINVAL;
	free = node_zone_stat(m, n, NR_FREE_PAGES);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		total += (long)m->zones[n * MAX_NR_ZONES + z].managed_pages;
	nm->node = n;
	nm->mem_total = node_kb(m, total);
	nm->mem_free = node_kb(m, free);
	nm->mem_used = node_kb(m, total - free);
	node_meminfo_lru(m, &m->node_data[n], nm);
	node_meminfo_kernel(m, &m->node_data[n], nm);
	return 0;
}

static uint64_t node_meminfo_get(const struct node_meminfo_snapshot *nm,
				 size_t line)
{
	return *(const uint64_t *)((const char *)nm +
				   node_meminfo_lines[line].off);
}

int node_meminfo_show(const void *snap, struct seq_buf *s)
{
	const struct node_meminfo_snapshot *nm = snap;
	const size_t nr =
		sizeof(node_meminfo_lines) / sizeof(node_meminfo_lines[0]);

	for (size_t i = 0; i < nr; i++)
		seq_printf(s, "Node %llu %-15s %8llu kB\n",
			   (unsigned long long)nm->node,
			   node_meminfo_lines[i].name,
			   (unsigned long long)node_meminfo_get(nm, i));
	return s->err;
}

/* ---- the tables: mm.proto's names for each struct's members -------- */

#define NN(member) SNAP_FIELD(struct numastat_node_snapshot, member, SNAP_U64)
static const struct snap_field numastat_node_fields[] = {
	NN(node),	    NN(numa_hit),   NN(numa_miss),  NN(numa_foreign),
	NN(interleave_hit), NN(local_node), NN(other_node),
};
#undef NN
static const struct snap_desc numastat_node_desc = SNAP_DESC(
	"NumastatNode", struct numastat_node_snapshot, numastat_node_fields);
static const struct snap_field numastat_fields[] = {
	SNAP_ARRAY(struct numastat_snapshot, nodes, nr_nodes, SNAP_ITEMS,
		   &numastat_node_desc),
};
static const struct snap_desc numastat_desc =
	SNAP_DESC("Numastat", struct numastat_snapshot, numastat_fields);
const struct report_type numastat_report = {&numastat_desc, numastat_fill,
					    numastat_show};

#define NM(member) SNAP_FIELD(struct node_meminfo_snapshot, member, SNAP_U64)
static const struct snap_field node_meminfo_fields[] = {
	NM(node),	 NM(mem_total),
	NM(mem_free),	 NM(mem_used),
	NM(active),	 NM(inactive),
	NM(active_anon), NM(inactive_anon),
	NM(active_file), NM(inactive_file),
	NM(dirty),	 NM(swap_cached),
	NM(unevictable), NM(mlocked),
	NM(writeback),	 NM(file_pages),
	NM(mapped),	 NM(anon_pages),
	NM(shmem),	 NM(kernel_stack),
	NM(page_tables), NM(k_reclaimable),
	NM(slab),	 NM(s_reclaimable),
	NM(s_unreclaim), NM(anon_huge_pages),
};
#undef NM
static const struct snap_desc node_meminfo_desc = SNAP_DESC(
	"NodeMeminfo", struct node_meminfo_snapshot, node_meminfo_fields);
const struct report_type node_meminfo_report = {
	&node_meminfo_desc, node_meminfo_fill, node_meminfo_show};

int report_numastat(const struct machine *m, struct seq_buf *s)
{
	return report_show(&numastat_report, m, 0, s);
}

int report_node_meminfo(const struct machine *m, unsigned int nid,
			struct seq_buf *s)
{
	if (nid >= m->nr_node_ids)
		return -EINVAL;
	return report_show(&node_meminfo_report, m, (int)nid, s);
}
