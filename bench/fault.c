/* SPDX-License-Identifier: MIT */
/*
 * fault.c - the cost of the machine's page faults, fork and swap, against
 * the host kernel doing the same in this process, measured in the same
 * run: touching N fresh pages of an anonymous mapping (mmap, one write per
 * page, munmap), fork of a process with 256 MiB mapped and touched (fork
 * and the child's exit), and swap-out plus swap-in throughput. Also the
 * cost of compaction per migrated page, with no host figure beside it:
 * the host's compact_memory needs root and moves what it likes. And the
 * transparent huge page fault of a 2 MiB region (aligned, MADV_HUGEPAGE,
 * one write, munmap) against the host's own THP fault done the same way;
 * the host's thp_fault_alloc says whether it gave huge pages.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench/bench.h"
#include "bench/bench_machine.h"
#include "core/compaction.h"
#include "core/err.h"
#include "core/huge_mm.h"
#include "core/machine.h"
#include "core/mm.h"
#include "core/task.h"
#include "core/uapi.h"

#define ROUNDS	    5
#define TOUCH_PAGES 16384UL	  /* 64 MiB */
#define FORK_BYTES  (256UL << 20) /* as the issue asks */
#define PAGE	    4096UL

static struct machine *boot_machine(uint64_t memory, uint64_t swap)
{
	struct layout l;

	bench_layout_flat(&l, memory);
	l.swap_size = swap;
	return bench_boot_task(&l, "fault");
}

/* Per page: mmap, write a byte to each page, munmap. */
static long sim_touch(void *arg, long n, uint64_t *untimed)
{
	struct machine *m = arg;
	unsigned long pages = TOUCH_PAGES;
	struct user_fault fault;
	uint64_t a;
	char byte = 1;

	(void)n;
	(void)untimed;
	if (uapi_mmap(m, 0, 0, pages * PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, &a))
		exit(1);
	for (unsigned long i = 0; i < pages; i++)
		if (uapi_access_vm(m, 0, a + i * PAGE, &byte, 1, USER_WRITE,
				   &fault))
			exit(1);
	uapi_munmap(m, 0, a, pages * PAGE);
	return (long)pages;
}

static long host_touch(void *arg, long n, uint64_t *untimed)
{
	unsigned long pages = TOUCH_PAGES;
	volatile char *p = mmap(NULL, pages * PAGE, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	(void)arg;
	(void)n;
	(void)untimed;
	if (p == MAP_FAILED)
		exit(1);
	for (unsigned long i = 0; i < pages; i++)
		p[i * PAGE] = 1;
	munmap((void *)p, pages * PAGE);
	return (long)pages;
}

static void bench_touch(void)
{
	struct machine *m = boot_machine(1ULL << 30, 0);
	double s, h;

	bench_turns(ROUNDS, 0, sim_touch, m, host_touch, NULL, &s, &h);
	printf("touch %lu fresh pages: machine %.0f ns/page, host %.0f "
	       "ns/page, ratio %.2f (target <= 0.50)\n",
	       TOUCH_PAGES, s, h, s / h);
	machine_destroy(m);
}

/* A fork of the process and the child's exit (ns per fork). */
static long sim_fork(void *arg, long n, uint64_t *untimed)
{
	struct machine *m = arg;
	int child;

	(void)n;
	(void)untimed;
	if (uapi_fork(m, 0, &child) || uapi_exit_process(m, child))
		exit(1);
	return 1;
}

static long host_fork(void *arg, long n, uint64_t *untimed)
{
	pid_t pid = fork();

	(void)arg;
	(void)n;
	(void)untimed;
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	return 1;
}

static void bench_fork(void)
{
	struct machine *m = boot_machine(1ULL << 30, 0);
	unsigned long pages = FORK_BYTES / PAGE;
	double s, h;
	struct user_fault fault;
	char *p;
	uint64_t a;

	if (uapi_mmap(m, 0, 0, FORK_BYTES, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, &a))
		exit(1);
	p = mmap(NULL, FORK_BYTES, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		exit(1);
	for (unsigned long i = 0; i < pages; i++) {
		uapi_access_vm(m, 0, a + i * PAGE, &i, sizeof(i), USER_WRITE,
			       &fault);
		p[i * PAGE] = 1;
	}
	bench_turns(ROUNDS, 0, sim_fork, m, host_fork, NULL, &s, &h);
	printf("fork with 256 MiB touched, and exit: machine %.2f ms, host "
	       "%.2f ms, ratio %.2f\n",
	       s / 1e6, h / 1e6, s / h);
	munmap(p, FORK_BYTES);
	machine_destroy(m);
}

/* Write 3x RAM, then read it all back: every page out and in once. */
static void bench_swap(void)
{
	uint64_t ram = 128ULL << 20, bytes = 3 * ram;
	struct machine *m = boot_machine(ram, 4 * ram);
	unsigned long pages = (unsigned long)(bytes / PAGE), moved;
	struct user_fault fault;
	uint64_t a, t0, sum = 0;
	double secs;

	if (uapi_mmap(m, 0, 0, bytes, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, &a))
		exit(1);
	t0 = now_ns();
	for (unsigned long i = 0; i < pages; i++)
		uapi_access_vm(m, 0, a + i * PAGE, &i, sizeof(i), USER_WRITE,
			       &fault);
	for (unsigned long i = 0; i < pages; i++) {
		unsigned long v = 0;

		uapi_access_vm(m, 0, a + i * PAGE, &v, sizeof(v), USER_READ,
			       &fault);
		sum += v;
	}
	secs = (double)(now_ns() - t0) / 1e9;
	moved = m->vm_events[PSWPOUT] + m->vm_events[PSWPIN];
	printf("swap: %lu pages out, %lu in, %.0f MiB/s moved (%.0f MiB/s "
	       "of the workload), checksum %s\n",
	       m->vm_events[PSWPOUT], m->vm_events[PSWPIN],
	       (double)moved * PAGE / (1 << 20) / secs,
	       (double)bytes * 2 / (1 << 20) / secs,
	       sum == (uint64_t)pages * (pages - 1) / 2 ? "ok" : "BAD");
	machine_destroy(m);
}

/*
 * Fill 256 MiB with one process's pages, unmap every other half
 * pageblock (256 pages: whole pages apart would split the mapping into
 * one VMA a page, and the rmap walk, a list here where Linux has an
 * interval tree, would dominate), and compact the machine: ns per page
 * migrated, and the order-9 blocks free before and after.
 */
static void bench_compact(void)
{
	uint64_t ram = 256ULL << 20;
	struct machine *m = boot_machine(ram, 0);
	struct zone *zone = &m->zones[ZONE_DMA32];
	unsigned long pages, before, after;
	struct user_fault fault;
	uint64_t a, t0;
	double ns;

	pages = (unsigned long)zone->vm_stat[NR_FREE_PAGES] -
		zone->_watermark[WMARK_HIGH] - 1024;
	if (uapi_mmap(m, 0, 0, pages * PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, &a))
		exit(1);
	for (unsigned long i = 0; i < pages; i++)
		uapi_access_vm(m, 0, a + i * PAGE, &i, sizeof(i), USER_WRITE,
			       &fault);
	for (unsigned long i = 256; i + 256 <= pages; i += 512)
		uapi_munmap(m, 0, a + i * PAGE, 256 * PAGE);
	before = zone->free_area[9].nr_free + 2 * zone->free_area[10].nr_free;
	t0 = now_ns();
	compact_nodes(m);
	ns = (double)(now_ns() - t0);
	after = zone->free_area[9].nr_free + 2 * zone->free_area[10].nr_free;
	printf("compact 256 MiB, every other 1 MiB free: %lu pages migrated, "
	       "%.0f ns/page, order-9 blocks free %lu -> %lu\n",
	       m->vm_events[PGMIGRATE_SUCCESS],
	       ns / (double)(m->vm_events[PGMIGRATE_SUCCESS] + 1), before,
	       after);
	machine_destroy(m);
}

#define THP_REGIONS 64
#define HPAGE	    (2UL << 20)

/* ns per 2 MiB region: map it aligned, advise it, write once, unmap. */
static long sim_thp(void *arg, long n, uint64_t *untimed)
{
	struct machine *m = arg;
	struct user_fault fault;
	uint64_t a;
	char byte = 1;

	(void)n;
	(void)untimed;
	for (int i = 0; i < THP_REGIONS; i++) {
		uint64_t at = (1ULL << 32) + (uint64_t)i * HPAGE;

		if (uapi_mmap(m, 0, at, HPAGE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, &a) ||
		    uapi_madvise(m, 0, at, HPAGE, MADV_HUGEPAGE) ||
		    uapi_access_vm(m, 0, at, &byte, 1, USER_WRITE, &fault))
			exit(1);
	}
	for (int i = 0; i < THP_REGIONS; i++)
		uapi_munmap(m, 0, (1ULL << 32) + (uint64_t)i * HPAGE, HPAGE);
	return THP_REGIONS;
}

static long host_thp(void *arg, long n, uint64_t *untimed)
{
	uint8_t *raw[THP_REGIONS];

	(void)arg;
	(void)n;
	(void)untimed;
	for (int i = 0; i < THP_REGIONS; i++) {
		uint8_t *p;

		raw[i] = mmap(NULL, 2 * HPAGE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (raw[i] == MAP_FAILED)
			exit(1);
		p = (uint8_t *)(((uintptr_t)raw[i] + HPAGE - 1) &
				~(uintptr_t)(HPAGE - 1));
		madvise(p, HPAGE, MADV_HUGEPAGE);
		*(volatile uint8_t *)p = 1;
	}
	for (int i = 0; i < THP_REGIONS; i++)
		munmap(raw[i], 2 * HPAGE);
	return THP_REGIONS;
}

/* One counter of the host's /proc/vmstat, or 0. */
static unsigned long host_vmstat(const char *name)
{
	FILE *f = fopen("/proc/vmstat", "r");
	char key[64];
	unsigned long v = 0, got;

	if (!f)
		return 0;
	while (fscanf(f, "%63s %lu", key, &got) == 2)
		if (!strcmp(key, name))
			v = got;
	fclose(f);
	return v;
}

static void bench_thp(void)
{
	struct machine *m = boot_machine(1ULL << 30, 0);
	double s, h;
	unsigned long before = host_vmstat("thp_fault_alloc"), thps;
	char mode[64] = "unknown";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

	if (f) {
		if (!fgets(mode, sizeof(mode), f))
			strcpy(mode, "unknown\n");
		mode[strcspn(mode, "\n")] = '\0';
		fclose(f);
	}
	bench_turns(ROUNDS, 0, sim_thp, m, host_thp, NULL, &s, &h);
	thps = host_vmstat("thp_fault_alloc") - before;
	printf("THP fault of a 2 MiB region: machine %.0f ns, host %.0f ns, "
	       "ratio %.2f; machine thp_fault_alloc %lu of %d, host %lu of %d "
	       "(host enabled: %s)\n",
	       s, h, s / h, m->vm_events[THP_FAULT_ALLOC],
	       (ROUNDS + 1) * THP_REGIONS, thps, (ROUNDS + 1) * THP_REGIONS,
	       mode);
	machine_destroy(m);
}

int main(void)
{
	bench_thp();
	bench_touch();
	bench_fork();
	bench_swap();
	bench_compact();
	return 0;
}
