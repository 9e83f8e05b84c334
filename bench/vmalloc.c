/* SPDX-License-Identifier: MIT */
/*
 * vmalloc.c - nanoseconds per vmalloc+vfree pair of 1 MiB in the machine,
 * against the host kernel's mmap+munmap of 1 MiB (untouched, and with
 * MAP_POPULATE, which like vmalloc gives every page a frame and a PTE),
 * measured in the same run. Prints figures; never fails on time.
 */
#include <stdlib.h>
#include <sys/mman.h>

#include "bench/bench.h"
#include "core/err.h"
#include "core/machine.h"
#include "core/vmalloc.h"

#define ROUNDS 5
#define SIZE   (1UL << 20)

typedef int (*pair_loop)(void *ctx, long n);

static int vmalloc_pairs(void *ctx, long n)
{
	struct machine *m = ctx;

	for (long i = 0; i < n; i++) {
		uint64_t addr;
		int err = vmalloc(m, SIZE, &addr);

		if (err || vfree(m, addr))
			return -1;
	}
	return 0;
}

static int mmap_loop(long n, int flags)
{
	for (long i = 0; i < n; i++) {
		void *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS | flags, -1, 0);

		if (p == MAP_FAILED)
			return -1;
		keep(p);
		munmap(p, SIZE);
	}
	return 0;
}

static int mmap_pairs(void *ctx, long n)
{
	(void)ctx;
	return mmap_loop(n, 0);
}

static int mmap_populate_pairs(void *ctx, long n)
{
	(void)ctx;
	return mmap_loop(n, MAP_POPULATE);
}

/* Median ns per pair over ROUNDS runs of n pairs, after a warm-up. */
static double ns_per_pair(pair_loop loop, void *ctx, long n)
{
	double r[ROUNDS];

	if (loop(ctx, n / 10 + 1))
		return -1;
	for (int i = 0; i < ROUNDS; i++) {
		uint64_t t0 = now_ns();

		if (loop(ctx, n))
			return -1;
		r[i] = (double)(now_ns() - t0) / (double)n;
	}
	qsort(r, ROUNDS, sizeof(double), cmp_double);
	return r[ROUNDS / 2];
}

int main(void)
{
	struct layout l;
	struct machine *m;
	double vm, mm, mp;

	layout_default(&l);
	m = machine_create(&l);
	if (IS_ERR(m)) {
		fprintf(stderr, "boot failed: %ld\n", PTR_ERR(m));
		return 1;
	}
	vm = ns_per_pair(vmalloc_pairs, m, 2000);
	mm = ns_per_pair(mmap_pairs, NULL, 2000);
	mp = ns_per_pair(mmap_populate_pairs, NULL, 2000);
	machine_destroy(m);
	if (vm < 0 || mm < 0 || mp < 0) {
		fprintf(stderr, "a pair failed\n");
		return 1;
	}
	printf("vmalloc+vfree of 1 MiB (256 pages, mapped in RAM page "
	       "tables), median of %d\n",
	       ROUNDS);
	printf("  mm vmalloc+vfree       %9.1f ns\n", vm);
	printf("  host mmap+munmap       %9.1f ns   ratio %.2f\n", mm, vm / mm);
	printf("  host mmap(POPULATE)    %9.1f ns   ratio %.2f\n", mp, vm / mp);
	return 0;
}
