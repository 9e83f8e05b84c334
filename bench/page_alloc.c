/*
 * page_alloc.c - nanoseconds per alloc+free pair of the buddy allocator,
 * against glibc's malloc and aligned_alloc of the same sizes, measured in
 * the same run.
 */
#include <stdlib.h>

#include "bench/bench.h"
#include "core/err.h"
#include "core/machine.h"
#include "core/page_alloc.h"

#define ROUNDS 5

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

/* Median ns per pair over ROUNDS runs of n pairs, after a warm-up. */
static double ns_per_pair(pair_loop loop, void *ctx, long n)
{
	double r[ROUNDS];

	loop(ctx, n / 10);
	for (int i = 0; i < ROUNDS; i++) {
		uint64_t t0 = now_ns();

		loop(ctx, n);
		r[i] = (double)(now_ns() - t0) / (double)n;
	}
	qsort(r, ROUNDS, sizeof(double), cmp_double);
	return r[ROUNDS / 2];
}

static void row(const char *name, double mm, const char *base_name, double base,
		double target)
{
	printf("  %-22s %7.1f ns   %-26s %7.1f ns   ratio %.2f (target <= "
	       "%.2f)\n",
	       name, mm, base_name, base, mm / base, target);
}

int main(void)
{
	struct layout l;
	struct machine *m;
	struct mm_ctx c;
	size_t page = 4096, o3 = 8 * 4096, o9 = 512 * 4096;
	double mm0, mm3, mm9, gm, ga3, ga9;

	layout_default(&l);
	m = machine_create(&l);
	if (IS_ERR(m))
		return 1;
	c.m = m;
	c.order = 0;
	mm0 = ns_per_pair(mm_pairs, &c, 5000000);
	c.order = 3;
	mm3 = ns_per_pair(mm_pairs, &c, 2000000);
	c.order = 9;
	mm9 = ns_per_pair(mm_pairs, &c, 2000000);
	gm = ns_per_pair(malloc_pairs, &page, 5000000);
	ga3 = ns_per_pair(aligned_pairs, &o3, 2000000);
	ga9 = ns_per_pair(aligned_pairs, &o9, 2000000);

	printf("page allocator: alloc+free pairs, median of %d runs\n", ROUNDS);
	row("order 0 (per-CPU)", mm0, "glibc malloc(4096)", gm, 0.5);
	row("order 3 (per-CPU)", mm3, "glibc aligned_alloc(32K)", ga3, 1.0);
	row("order 9 (buddy)", mm9, "glibc aligned_alloc(2M)", ga9, 1.0);
	machine_destroy(m);
	return 0;
}
