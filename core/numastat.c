/* SPDX-License-Identifier: MIT */
/*
 * numastat.c - numactl's numastat -p PID: one process's memory on each
 * node, read from its numa_maps as numastat reads /proc/PID/numa_maps
 * (a mapping named heap or stack counts in that row, a hugetlb one in
 * Huge, any other in Private; each N<node>= count in pages).
 *
 * Owns: the per-process table's snapshot and its text, in numastat's
 * layout (a 17-column label, then 16-column values right-justified,
 * MB with two decimals). Must never: count pages of its own (numa_maps
 * counts them) or change the machine.
 */
#include "core/numastat.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/task.h"
#include "core/task_mmu.h"

#define MB 1048576.0

/* numastat's rows, in its order, and where each row's bytes are. */
enum { ROW_HUGE, ROW_HEAP, ROW_STACK, ROW_PRIVATE, ROW_TOTAL, NR_ROWS };
static const char *const row_names[NR_ROWS] = {"Huge", "Heap", "Stack",
					       "Private", "Total"};

static uint64_t **row_bytes(struct numastat_process_snapshot *p, int row)
{
	uint64_t **rows[NR_ROWS] = {&p->huge_bytes, &p->heap_bytes,
				    &p->stack_bytes, &p->private_bytes,
				    &p->total_bytes};

	return rows[row];
}

static const uint64_t *row_get(const struct numastat_process_snapshot *p,
			       int row)
{
	const uint64_t *rows[NR_ROWS] = {p->huge_bytes, p->heap_bytes,
					 p->stack_bytes, p->private_bytes,
					 p->total_bytes};

	return rows[row];
}

static int alloc_rows(struct numastat_process_snapshot *p, size_t nodes)
{
	size_t *counts[NR_ROWS] = {&p->nr_huge_bytes, &p->nr_heap_bytes,
				   &p->nr_stack_bytes, &p->nr_private_bytes,
				   &p->nr_total_bytes};

	for (int row = 0; row < NR_ROWS; row++) {
		*row_bytes(p, row) = snap_alloc(nodes, sizeof(uint64_t));
		if (!*row_bytes(p, row))
			return -ENOMEM;
		*counts[row] = nodes;
	}
	return 0;
}

/* The row numastat puts a numa_maps line in, by its words. */
static int vma_row(const struct numa_maps_vma_snapshot *v)
{
	if (!strcmp(v->name, "huge"))
		return ROW_HUGE;
	if (!strcmp(v->name, "heap"))
		return ROW_HEAP;
	if (!strcmp(v->name, "stack"))
		return ROW_STACK;
	return ROW_PRIVATE;
}

static void add_vma(struct numastat_process_snapshot *p,
		    const struct numa_maps_vma_snapshot *v)
{
	uint64_t *row = *row_bytes(p, vma_row(v));

	for (size_t n = 0; n < v->nr_nodes && n < p->nr_total_bytes; n++) {
		uint64_t bytes = v->nodes[n] * v->kernelpagesize_kb * 1024;

		row[n] += bytes;
		p->total_bytes[n] += bytes;
	}
}

int numastat_process_fill(const struct machine *m, int pid, void *snap)
{
	struct numastat_process_snapshot *p = snap;
	const struct task_struct *t = find_task_by_pid(m, pid);
	struct numa_maps_snapshot *ns;
	int err;

	if (!t || !t->mm)
		return -ESRCH;
	p->pid = pid;
	snprintf(p->comm, sizeof(p->comm), "%s", t->comm);
	err = alloc_rows(p, m->nr_node_ids);
	if (err)
		return err;
	ns = snapshot_take(&pid_numa_maps_report, m, pid, &err);
	if (!ns)
		return err;
	for (size_t i = 0; i < ns->nr_vmas; i++)
		add_vma(p, &ns->vmas[i]);
	snapshot_free(pid_numa_maps_report.desc, ns);
	return 0;
}

/* A row: its label in 17 columns, each value (and the sum) in 16. */
static void show_row(struct seq_buf *s, const char *label,
		     const uint64_t *bytes, size_t nodes)
{
	uint64_t sum = 0;

	seq_printf(s, "%-17s", label);
	for (size_t n = 0; n < nodes; n++) {
		seq_printf(s, "%16.2f", (double)bytes[n] / MB);
		sum += bytes[n];
	}
	seq_printf(s, "%16.2f\n", (double)sum / MB);
}

/* A rule: dashes one short of each column, as numastat's repchar cells. */
static void show_rule(struct seq_buf *s, bool label, size_t nodes)
{
	seq_printf(s, label ? "%-17s" : "%17s",
		   label ? "----------------" : "");
	for (size_t n = 0; n <= nodes; n++)
		seq_printf(s, " ---------------");
	seq_printf(s, "\n");
}

int numastat_process_show(const void *snap, struct seq_buf *s)
{
	const struct numastat_process_snapshot *p = snap;
	size_t nodes = p->nr_total_bytes;
	char head[32];

	seq_printf(s,
		   "\nPer-node process memory usage (in MBs) for PID %lld "
		   "(%s)\n",
		   (long long)p->pid, p->comm);
	seq_printf(s, "%17s", "");
	for (size_t n = 0; n < nodes; n++) {
		snprintf(head, sizeof(head), "Node %zu", n);
		seq_printf(s, "%16s", head);
	}
	seq_printf(s, "%16s\n", "Total");
	show_rule(s, false, nodes);
	for (int row = 0; row < ROW_TOTAL; row++)
		show_row(s, row_names[row], row_get(p, row), nodes);
	show_rule(s, true, nodes);
	show_row(s, row_names[ROW_TOTAL], p->total_bytes, nodes);
	return s->err;
}

#define NP(member, k) SNAP_FIELD(struct numastat_process_snapshot, member, k)
#define NP_ROW(member)                                                         \
	SNAP_ARRAY(struct numastat_process_snapshot, member, nr_##member,      \
		   SNAP_U64S, NULL)
static const struct snap_field numastat_process_fields[] = {
	NP(pid, SNAP_S64),   NP(comm, SNAP_CHARS), NP_ROW(huge_bytes),
	NP_ROW(heap_bytes),  NP_ROW(stack_bytes),  NP_ROW(private_bytes),
	NP_ROW(total_bytes),
};
#undef NP
#undef NP_ROW
static const struct snap_desc numastat_process_desc =
	SNAP_DESC("NumastatProcess", struct numastat_process_snapshot,
		  numastat_process_fields);
const struct report_type numastat_process_report = {
	&numastat_process_desc, numastat_process_fill, numastat_process_show};

int report_numastat_process(const struct machine *m, int pid, struct seq_buf *s)
{
	return report_show(&numastat_process_report, m, pid, s);
}
