/* SPDX-License-Identifier: MIT */
/*
 * cma.h - the contiguous memory allocator's areas, as the kernel's
 * mm/cma.c: ranges reserved at boot whose pageblocks are MIGRATE_CMA,
 * lent to movable allocations until cma_alloc takes them back.
 *
 * Owns: each area (base, count, order_per_bit, its bitmap of what
 * cma_alloc handed out), its sysfs counters, and the record of who
 * holds each allocation (so that exit gives them back). Must never:
 * set a bit for frames it did not get from alloc_contig_range, or free
 * frames whose bits are clear.
 */
#ifndef MM_CMA_H
#define MM_CMA_H

#include <stdbool.h>

#include "core/machine.h"

struct seq_buf;

struct cma {
	char name[LAYOUT_NAME_MAX];
	unsigned long base_pfn;
	unsigned long count; /* pages */
	unsigned int order_per_bit;
	unsigned long *bitmap; /* a bit per 2^order_per_bit pages */
	/* /sys/kernel/mm/cma/<name>/, in pages. */
	unsigned long nr_pages_succeeded;
	unsigned long nr_pages_failed;
	unsigned long nr_pages_released;
};

/* One allocation: cma_alloc's (area >= 0) or alloc_contig_range's. */
struct cma_allocation {
	unsigned long pfn, count;
	int pid;  /* who holds it; its exit gives it back */
	int area; /* index in areas, -1 for alloc_contig_range's */
};

struct cma_state {
	unsigned int nr_areas;
	struct cma areas[LAYOUT_MAX_CMA];
	unsigned long totalcma_pages;
	struct cma_allocation *allocs;
	size_t nr_allocs, cap_allocs;
};

/*
 * Boot: reserve each layout area in memblock (at its base, or placed
 * top-down inside one zone of its node, as cma_declare_contiguous_nid),
 * before the memmap is placed. -EINVAL or -ENOMEM.
 */
int cma_declare_contiguous(struct machine *m);

/* Subsystem: the bitmaps, and the pageblocks given to the buddy. */
int cma_init_reserved_areas(struct machine *m);
void cma_exit(struct machine *m);
int cma_check(const struct machine *m, char *why, size_t len);

/* A task's allocations given back at its exit; how many there were. */
unsigned long cma_release_task(struct machine *m, int pid);

/*
 * count pages from the area named name, aligned to 2^align pages, for
 * the current task (charged to it), as cma_alloc: *pfn the first.
 * -ENOENT no such area, -EINVAL count 0 or align past the area,
 * -ENOMEM no room in its bitmap, -EBUSY its pages would not move.
 */
int cma_alloc(struct machine *m, const char *name, unsigned long count,
	      unsigned int align, unsigned long *pfn);

/*
 * Give back count pages from pfn, exactly one earlier cma_alloc's of
 * that area, as cma_release. -ENOENT no such area, -EINVAL not an
 * allocation of that area, -EPERM another task's (admin may).
 */
int cma_release(struct machine *m, const char *name, unsigned long pfn,
		unsigned long count, bool admin);

/* alloc_contig_range for an admin, recorded as the caller's. */
int cma_alloc_contig(struct machine *m, unsigned long start, unsigned long end);
int cma_free_contig(struct machine *m, unsigned long start, unsigned long end);

/*
 * The cma report (snapshot.h; mm.proto's Cma): each area's sysfs and
 * debugfs files, as `grep . /sys/kernel/mm/cma/ * / *` prints them.
 */
struct cma_area_snapshot {
	char *name;
	uint64_t base_pfn, count, order_per_bit, used, maxchunk;
	uint64_t alloc_pages_success, alloc_pages_fail, release_pages_success;
};
struct cma_snapshot {
	struct cma_area_snapshot *areas;
	size_t nr_areas;
};
extern const struct report_type cma_report;
int report_cma(const struct machine *m, struct seq_buf *s);

#endif /* MM_CMA_H */
