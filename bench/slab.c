/* SPDX-License-Identifier: MIT */
/*
 * slab.c - kmalloc+kfree and kmem_cache_alloc+free pairs against glibc's
 * malloc+free of the same sizes, measured in the same run; and the cost
 * of creating a cache when thousands exist against when none do.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bench/bench.h"
#include "core/err.h"
#include "core/machine.h"
#include "core/slab.h"

#define ROUNDS 5
#define BATCH  64

static const size_t sizes[] = {8,   16,	 32,   64,   96,   128, 192,
			       256, 512, 1024, 2048, 4096, 8192};
#define NR_SIZES (sizeof(sizes) / sizeof(sizes[0]))

struct ctx {
	struct machine *m;
	struct kmem_cache *cache;
	size_t size; /* 0: cycle through every size */
};

/* Each round allocates BATCH objects then frees them: pairs, not ping-pong. */
static void kmalloc_round(struct ctx *c, long rounds)
{
	uint64_t addr[BATCH];

	for (long r = 0; r < rounds; r++) {
		for (int i = 0; i < BATCH; i++)
			kmalloc(c->m, c->size ? c->size : sizes[i % NR_SIZES],
				GFP_KERNEL, &addr[i]);
		for (int i = 0; i < BATCH; i++)
			kfree(c->m, addr[i]);
	}
}

static void cache_round(struct ctx *c, long rounds)
{
	uint64_t addr[BATCH];

	for (long r = 0; r < rounds; r++) {
		for (int i = 0; i < BATCH; i++)
			kmem_cache_alloc(c->m, c->cache, GFP_KERNEL, &addr[i]);
		for (int i = 0; i < BATCH; i++)
			kmem_cache_free(c->m, c->cache, addr[i]);
	}
}

static void malloc_round(struct ctx *c, long rounds)
{
	void *p[BATCH];

	for (long r = 0; r < rounds; r++) {
		for (int i = 0; i < BATCH; i++) {
			p[i] = malloc(c->size ? c->size : sizes[i % NR_SIZES]);
			keep(p[i]);
		}
		for (int i = 0; i < BATCH; i++)
			free(p[i]);
	}
}

static double ns_per_pair(void (*round)(struct ctx *, long), struct ctx *c,
			  long rounds)
{
	double r[ROUNDS];

	round(c, rounds / 10 + 1);
	for (int i = 0; i < ROUNDS; i++) {
		uint64_t t0 = now_ns();

		round(c, rounds);
		r[i] = (double)(now_ns() - t0) / (double)(rounds * BATCH);
	}
	qsort(r, ROUNDS, sizeof(double), cmp_double);
	return r[ROUNDS / 2];
}

/* ns per kmem_cache_create of the next count caches, named from base. */
static double ns_per_create(struct machine *m, struct kmem_cache **held,
			    unsigned int base, unsigned int count)
{
	uint64_t t0 = now_ns();
	char name[32];

	for (unsigned int i = 0; i < count; i++) {
		snprintf(name, sizeof(name), "bench%u", base + i);
		held[base + i] = kmem_cache_create(m, name, 64, 0, 0, NULL);
	}
	return (double)(now_ns() - t0) / count;
}

/*
 * Caches are found by handle and by name at every request: creating one
 * must cost the same with 30,000 held as with none.
 */
static void cache_pileup(struct machine *m)
{
	enum { HELD = 30000, BATCH_CREATE = 1000 };
	struct kmem_cache **held = calloc(HELD, sizeof(*held));
	double first, last;

	if (!held)
		return;
	first = ns_per_create(m, held, 0, BATCH_CREATE);
	for (unsigned int at = BATCH_CREATE; at < HELD - BATCH_CREATE;
	     at += BATCH_CREATE)
		ns_per_create(m, held, at, BATCH_CREATE);
	last = ns_per_create(m, held, HELD - BATCH_CREATE, BATCH_CREATE);
	printf("  %-26s %9.1f %9.1f %7.2f  (ns with %u caches held, ns with "
	       "none; target <= 2.00: a walk of every cache grows ~60x)\n",
	       "kmem_cache_create", last, first, last / first,
	       HELD - BATCH_CREATE);
	for (unsigned int i = 0; i < HELD; i++)
		if (held[i])
			kmem_cache_destroy(m, held[i]);
	free(held);
}

int main(void)
{
	struct layout l;
	struct ctx c = {0};
	double mm, gl;

	layout_default(&l);
	c.m = machine_create(&l);
	if (IS_ERR(c.m))
		return 1;
	printf("slab: alloc+free pairs (batches of %d), median of %d runs\n",
	       BATCH, ROUNDS);
	printf("  %-26s %9s %9s %7s\n", "", "mm ns", "glibc ns", "ratio");
	c.size = 0;
	mm = ns_per_pair(kmalloc_round, &c, 100000);
	gl = ns_per_pair(malloc_round, &c, 100000);
	printf("  %-26s %9.1f %9.1f %7.2f  (target <= 1.00)\n",
	       "kmalloc mixed 8..8192", mm, gl, mm / gl);
	for (size_t i = 0; i < NR_SIZES; i++) {
		char name[32];

		c.size = sizes[i];
		mm = ns_per_pair(kmalloc_round, &c, 50000);
		gl = ns_per_pair(malloc_round, &c, 50000);
		snprintf(name, sizeof(name), "kmalloc %zu", sizes[i]);
		printf("  %-26s %9.1f %9.1f %7.2f  (target <= 1.00)\n", name,
		       mm, gl, mm / gl);
	}
	c.cache = kmem_cache_create(c.m, "bench-256", 256, 0, 0, NULL);
	c.size = 256;
	mm = ns_per_pair(cache_round, &c, 100000);
	gl = ns_per_pair(malloc_round, &c, 100000);
	printf("  %-26s %9.1f %9.1f %7.2f  (target <= 0.80)\n",
	       "kmem_cache_alloc 256", mm, gl, mm / gl);
	cache_pileup(c.m);
	machine_destroy(c.m);
	return 0;
}
