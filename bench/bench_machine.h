/* SPDX-License-Identifier: MIT */
/*
 * bench_machine.h - the machines the benchmarks boot: a flat layout of
 * DMA and DMA32 alone, and a task for the calls a process makes.
 *
 * Must never: time anything (bench.h does), or carry on after a failed
 * boot: a benchmark that cannot boot its machine says so and exits 1.
 */
#ifndef MM_BENCH_MACHINE_H
#define MM_BENCH_MACHINE_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/err.h"
#include "core/layout.h"
#include "core/machine.h"
#include "core/task.h"

/* memory bytes as DMA and DMA32 only: no holes, devices or swap. */
static inline void bench_layout_flat(struct layout *l, uint64_t memory)
{
	layout_default(l);
	l->memory = memory;
	l->nr_zones = 2;
	l->zones[0] = (struct layout_zone){ZONE_DMA, 0, 16ULL << 20};
	l->zones[1] = (struct layout_zone){ZONE_DMA32, 16ULL << 20, memory};
	l->nr_holes = 0;
	l->nr_devices = 0;
	l->swap_size = 0;
	l->limits.pages = memory >> 12;
}

/* Boots l and makes the calls that follow a new task comm's. */
static inline struct machine *bench_boot_task(const struct layout *l,
					      const char *comm)
{
	struct machine *m = machine_create(l);
	int pid;

	if (IS_ERR(m) || task_create(m, comm, 0, 0, &pid) ||
	    task_switch(m, pid)) {
		fprintf(stderr, "%s: cannot boot a machine\n", comm);
		exit(1);
	}
	return m;
}

#endif /* MM_BENCH_MACHINE_H */
