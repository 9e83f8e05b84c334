/* SPDX-License-Identifier: MIT */
/*
 * page_alloc.c - nanoseconds per alloc+free pair of the buddy allocator,
 * against glibc's malloc and aligned_alloc of the same sizes, measured in
 * the same run.
 *
 * Orders up to 3 normally go through the per-CPU lists. The buddy path
 * for order 3 is measured with those lists off (zone_pcp_disable, as
 * Linux does for memory hotplug), so that every pair splits a block from
 * the buddy lists and merges it back; order 4, above
 * PAGE_ALLOC_COSTLY_ORDER, always takes the buddy path.
 *
 * Time is the thread's CPU time, for both sides: on a shared host, wall
 * time would charge either side for whatever else runs.
 */
#include <stdbool.h>
#include <stdlib.h>

#include "bench/bench.h"
#include "core/err.h"
#include "core/machine.h"
#include "core/page_alloc.h"

#define ROUNDS 5

static uint64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

typedef void (*pair_loop)(void *ctx, long n);

struct mm_ctx {
	struct machine *m;
	unsigned int order;
};

static void mm_pairs(void *ctx, long n)
{
	struct mm_ctx *c = ctx;

	for (long i = 0; i < n; i++) {
		struct page *page = alloc_pages(c->m, GFP_KERNEL, c->order);

		keep(page);
		__free_pages(c->m, page, c->order);
	}
}

static void malloc_pairs(void *ctx, long n)
{
	size_t size = *(size_t *)ctx;

	for (long i = 0; i < n; i++) {
		void *p = malloc(size);

		keep(p);
		free(p);
	}
}

static void aligned_pairs(void *ctx, long n)
{
	size_t size = *(size_t *)ctx;

	for (long i = 0; i < n; i++) {
		void *p = aligned_alloc(size, size);

		keep(p);
		free(p);
	}
}

/*
 * Pairs in one round: n, or fewer when n would take over ROUND_NS (glibc
 * unmaps or trims on every free of 64K and 2M, microseconds a pair).
 */
#define ROUND_NS 200000000.0

static long round_pairs(pair_loop loop, void *ctx, long n)
{
	long probe = n / 1000 > 100 ? n / 1000 : 100;
	uint64_t t0 = cpu_ns();
	double fit;

	loop(ctx, probe);
	fit = ROUND_NS * (double)probe / (double)(cpu_ns() - t0 + 1);
	return fit < (double)n ? (long)fit + 1 : n;
}

/* Median ns per pair over ROUNDS runs of n pairs, after a warm-up. */
static double ns_per_pair(pair_loop loop, void *ctx, long n)
{
	double r[ROUNDS];

	n = round_pairs(loop, ctx, n);
	loop(ctx, n / 10);
	for (int i = 0; i < ROUNDS; i++) {
		uint64_t t0 = cpu_ns();

		loop(ctx, n);
		r[i] = (double)(cpu_ns() - t0) / (double)n;
	}
	qsort(r, ROUNDS, sizeof(double), cmp_double);
	return r[ROUNDS / 2];
}

static void row(const char *name, double mm, const char *base_name, double base,
		double target)
{
	printf("  %-22s %7.1f ns   %-26s %7.1f ns   ratio %#.2g (target <= "
	       "%.2f)\n",
	       name, mm, base_name, base, mm / base, target);
}

static void set_pcp(struct machine *m, bool on)
{
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		if (on)
			zone_pcp_enable(m, &m->zones[z]);
		else
			zone_pcp_disable(m, &m->zones[z]);
	}
}

/* ns per pair of one order; the per-CPU lists on or off. */
static double mm_order(struct machine *m, unsigned int order, bool pcp, long n)
{
	struct mm_ctx c = {m, order};
	double ns;

	set_pcp(m, pcp);
	ns = ns_per_pair(mm_pairs, &c, n);
	set_pcp(m, true);
	return ns;
}

int main(void)
{
	struct layout l;
	struct machine *m;
	size_t page = 4096, o3 = 8 * 4096, o4 = 16 * 4096, o9 = 512 * 4096;
	double mm0, mm3, mm3b, mm4, mm9, gm, ga3, ga4, ga9;

	layout_default(&l);
	m = machine_create(&l);
	if (IS_ERR(m))
		return 1;
	mm0 = mm_order(m, 0, true, 5000000);
	mm3 = mm_order(m, 3, true, 2000000);
	mm3b = mm_order(m, 3, false, 2000000);
	mm4 = mm_order(m, 4, true, 2000000);
	mm9 = mm_order(m, 9, true, 2000000);
	gm = ns_per_pair(malloc_pairs, &page, 5000000);
	ga3 = ns_per_pair(aligned_pairs, &o3, 2000000);
	ga4 = ns_per_pair(aligned_pairs, &o4, 2000000);
	ga9 = ns_per_pair(aligned_pairs, &o9, 2000000);

	printf("page allocator: alloc+free pairs, CPU time, median of %d "
	       "runs\n",
	       ROUNDS);
	row("order 0 (per-CPU)", mm0, "glibc malloc(4096)", gm, 0.5);
	row("order 3 (per-CPU)", mm3, "glibc aligned_alloc(32K)", ga3, 1.0);
	row("order 3 (buddy)", mm3b, "glibc aligned_alloc(32K)", ga3, 1.0);
	row("order 4 (buddy)", mm4, "glibc aligned_alloc(64K)", ga4, 1.0);
	row("order 9 (buddy)", mm9, "glibc aligned_alloc(2M)", ga9, 1.0);
	machine_destroy(m);
	return 0;
}
