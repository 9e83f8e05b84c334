/* SPDX-License-Identifier: MIT */
/*
 * numastat.h - numactl's numastat for one process (numastat -p PID):
 * the process's memory on each node, by numastat's rows.
 *
 * Owns: the per-process table's snapshot and text. Must never: count a
 * page numa_maps does not (the table is numa_maps summed, as numastat
 * reads it), or change the machine.
 */
#ifndef MM_NUMASTAT_H
#define MM_NUMASTAT_H

#include <stddef.h>
#include <stdint.h>

#include "core/machine.h"
#include "core/seq_buf.h"
#include "core/snapshot.h"

/*
 * numastat -p PID's rows, each in bytes on node 0 up (mm.proto's
 * NumastatProcess): Huge (hugetlb mappings), Heap, Stack, Private
 * (every other mapping), and their Total. The text prints them in MB
 * with two decimals, a column per node and a Total column.
 */
struct numastat_process_snapshot {
	int64_t pid;
	char comm[16];
	uint64_t *huge_bytes, *heap_bytes, *stack_bytes, *private_bytes,
		*total_bytes;
	size_t nr_huge_bytes, nr_heap_bytes, nr_stack_bytes, nr_private_bytes,
		nr_total_bytes;
};
extern const struct report_type numastat_process_report;
int numastat_process_fill(const struct machine *m, int pid, void *snap);
int numastat_process_show(const void *snap, struct seq_buf *s);
int report_numastat_process(const struct machine *m, int pid,
			    struct seq_buf *s);

#endif /* MM_NUMASTAT_H */
