/* SPDX-License-Identifier: MIT */
/*
 * madvise.c - the cost of madvise(MADV_DONTNEED) of a populated 1 MiB
 * range and of mlock (then munlock) of 1 MiB, on the machine and on the
 * host kernel doing the same in this process, in the same run (medians
 * of interleaved rounds, bench.h's bench_turns, and their ratio). The host's
 * mlock runs within its RLIMIT_MEMLOCK (8 MiB by default); its glibc call is
 * the raw syscall, as the sanitizers replace mlock.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench/bench.h"
#include "bench/bench_machine.h"
#include "core/err.h"
#include "core/machine.h"
#include "core/mm.h"
#include "core/task.h"
#include "core/uapi.h"

#define ROUNDS 9
#define BYTES  (1UL << 20)
#define PAGE   4096UL
#define REPS   64 /* calls per round, for a figure above the clock's grain */

struct ctx {
	struct machine *m;
	uint64_t at;   /* the machine's 1 MiB */
	uint8_t *host; /* the host's */
};

static struct machine *boot_machine(void)
{
	struct layout l;

	bench_layout_flat(&l, 256ULL << 20);
	return bench_boot_task(&l, "madvise");
}

/* Each step: populate the range (untimed), then DONTNEED it. */
static long sim_dontneed(void *arg, long steps, uint64_t *untimed)
{
	struct ctx *c = arg;

	for (long i = 0; i < steps; i++) {
		uint64_t t0 = now_ns();

		uapi_madvise(c->m, 0, c->at, BYTES, MADV_POPULATE_WRITE);
		*untimed += now_ns() - t0;
		uapi_madvise(c->m, 0, c->at, BYTES, MADV_DONTNEED);
	}
	return steps;
}

static long host_dontneed(void *arg, long steps, uint64_t *untimed)
{
	struct ctx *c = arg;

	for (long i = 0; i < steps; i++) {
		uint64_t t0 = now_ns();

		for (unsigned long p = 0; p < BYTES; p += PAGE)
			c->host[p] = 1;
		*untimed += now_ns() - t0;
		madvise(c->host, BYTES, MADV_DONTNEED);
	}
	return steps;
}

/* Each step: mlock the written 1 MiB (the munlock after it untimed). */
static long sim_mlock(void *arg, long steps, uint64_t *untimed)
{
	struct ctx *c = arg;

	uapi_madvise(c->m, 0, c->at, BYTES, MADV_POPULATE_WRITE);
	for (long i = 0; i < steps; i++) {
		uint64_t t0;

		uapi_mlock(c->m, 0, c->at, BYTES, 0);
		t0 = now_ns();
		uapi_munlock(c->m, 0, c->at, BYTES);
		*untimed += now_ns() - t0;
	}
	return steps;
}

static long host_mlock(void *arg, long steps, uint64_t *untimed)
{
	struct ctx *c = arg;

	for (unsigned long p = 0; p < BYTES; p += PAGE)
		c->host[p] = 1;
	for (long i = 0; i < steps; i++) {
		uint64_t t0;

		syscall(SYS_mlock, c->host, BYTES);
		t0 = now_ns();
		syscall(SYS_munlock, c->host, BYTES);
		*untimed += now_ns() - t0;
	}
	return steps;
}

static void versus(const char *what, double sim, double host)
{
	printf("%s: machine %.2f us, host %.2f us, ratio %.2f\n", what,
	       sim / 1e3, host / 1e3, sim / host);
}

int main(void)
{
	struct ctx c = {boot_machine(), 0, NULL};
	double sim = 0, host = 0;

	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	c.host = mmap(NULL, BYTES, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c.host == MAP_FAILED ||
	    uapi_mmap(c.m, 0, 0, BYTES, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, &c.at)) {
		fprintf(stderr, "madvise: cannot map 1 MiB\n");
		return 1;
	}
	/* That the machine's side does the work: 256 pages each time. */
	uapi_madvise(c.m, 0, c.at, BYTES, MADV_POPULATE_WRITE);
	uapi_mlock(c.m, 0, c.at, BYTES, 0);
	printf("check: %lu pages mlocked, ",
	       (unsigned long)c.m->zones[ZONE_DMA32].vm_stat[NR_MLOCK]);
	uapi_munlock(c.m, 0, c.at, BYTES);
	uapi_madvise(c.m, 0, c.at, BYTES, MADV_DONTNEED);
	printf("%ld resident after DONTNEED\n",
	       find_task_by_pid(c.m, c.m->current_pid)
		       ->mm->rss_stat[MM_ANONPAGES]);
	bench_turns(ROUNDS, REPS, sim_dontneed, &c, host_dontneed, &c, &sim,
		    &host);
	versus("madvise(MADV_DONTNEED) of a populated 1 MiB", sim, host);
	bench_turns(ROUNDS, REPS, sim_mlock, &c, host_mlock, &c, &sim, &host);
	versus("mlock of 1 MiB written (256 pages to the unevictable list)",
	       sim, host);
	munmap(c.host, BYTES);
	machine_destroy(c.m);
	return 0;
}
