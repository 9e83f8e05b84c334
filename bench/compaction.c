/* SPDX-License-Identifier: MIT */
/*
 * compaction.c - what compaction costs per page it migrates: a 256 MiB
 * machine without swap, filled with a process's pages to its high
 * watermark, every other page dropped (MADV_DONTNEED), then
 * compact_memory; CPU time
 * over pgmigrate_success. The baseline, in the same run, is what the
 * host spends to copy the bytes of one page (memcpy of 4 KiB), the part
 * of a migration no implementation can skip: the ratio is the price of
 * the scanners, the isolation, the reverse-map walk and the remapping.
 *
 * Time is the thread's CPU time for both sides.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "bench/bench.h"
#include "bench/bench_machine.h"
#include "core/compaction.h"
#include "core/err.h"
#include "core/machine.h"
#include "core/page_alloc.h"
#include "core/task.h"
#include "core/uapi.h"

#define ROUNDS 5
#define MEM    (256ULL << 20)
#define PAGE   4096ULL

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One fragmented machine: the pages mapped, the odd ones gone. */
static struct machine *fragmented(void)
{
	struct layout l;
	struct machine *m;
	struct user_fault fault;
	uint64_t base, buf[PAGE / 8] = {0};
	unsigned long nr;
	int pid;

	bench_layout_flat(&l, MEM);
	m = bench_boot_task(&l, "frag");
	pid = m->current_pid;
	m->vm.watermark_boost_factor = 0;
	drain_all_pages(m);
	nr = (unsigned long)m->zones[ZONE_DMA32].vm_stat[NR_FREE_PAGES] -
	     high_wmark_pages(&m->zones[ZONE_DMA32]) - 128;
	if (uapi_mmap(m, 0, 0, nr * PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, &base))
		exit(1);
	for (unsigned long i = 0; i < nr; i++) {
		buf[0] = i;
		if (uapi_access_vm(m, pid, base + i * PAGE, buf, sizeof(buf),
				   USER_WRITE, &fault))
			exit(1);
	}
	/* MADV_DONTNEED, as a C library's free does: one VMA stays (every
	 * other page unmapped would make as many VMAs, and each page's
	 * reverse-map walk would cross them all). */
	for (unsigned long i = 1; i < nr; i += 2)
		uapi_madvise(m, 0, base + i * PAGE, PAGE, MADV_DONTNEED);
	drain_all_pages(m);
	return m;
}

/* ns per migrated page of one compact_memory; the pages it moved. */
static double compact_round(unsigned long *moved)
{
	struct machine *m = fragmented();
	unsigned long before = m->vm_events[PGMIGRATE_SUCCESS];
	uint64_t t0 = cpu_ns();
	double ns;

	compact_nodes(m);
	ns = (double)(cpu_ns() - t0);
	*moved = m->vm_events[PGMIGRATE_SUCCESS] - before;
	machine_destroy(m);
	return *moved ? ns / (double)*moved : 0;
}

static double memcpy_page_ns(void)
{
	static char src[PAGE * 64], dst[PAGE * 64];
	const long n = 2000000;
	uint64_t t0;

	memset(src, 1, sizeof(src));
	t0 = cpu_ns();
	for (long i = 0; i < n; i++) {
		memcpy(dst + (i % 64) * PAGE, src + ((i * 7) % 64) * PAGE,
		       PAGE);
		keep(dst);
	}
	return (double)(cpu_ns() - t0) / (double)n;
}

int main(void)
{
	double r[ROUNDS], copy;
	unsigned long moved = 0;

	for (int i = 0; i < ROUNDS; i++)
		r[i] = compact_round(&moved);
	qsort(r, ROUNDS, sizeof(double), cmp_double);
	copy = memcpy_page_ns();
	printf("compaction: compact_memory of a 256 MiB machine, every other "
	       "page free, median of %d runs (CPU time)\n",
	       ROUNDS);
	printf("  per migrated page     %7.1f ns   memcpy of a 4 KiB page  "
	       "%7.1f ns   ratio %.1f (%lu pages migrated a run)\n",
	       r[ROUNDS / 2], copy, r[ROUNDS / 2] / copy, moved);
	return 0;
}
