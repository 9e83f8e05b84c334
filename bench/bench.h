/* SPDX-License-Identifier: MIT */
/*
 * bench.h - timing helpers shared by the benchmarks.
 *
 * Benchmarks print figures and ratios against a baseline measured in the
 * same run; they never pass or fail on time.
 */
#ifndef MM_BENCH_H
#define MM_BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Resident set of this process in bytes, from /proc/self/statm. */
static inline uint64_t host_rss_bytes(void)
{
	unsigned long size = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%lu %lu", &size, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return (uint64_t)resident * 4096u;
}

/* Keep the compiler from dropping a result the benchmark never uses. */
static inline void keep(void *p)
{
	__asm__ volatile("" : : "r"(p) : "memory");
}

static inline int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The median of n values (sorted in place). */
static inline double median_of(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/*
 * A timed loop: fn(arg, steps, &untimed) does steps steps of one kind of
 * work and returns how many to count; it may add to untimed the ns of
 * work that is no part of the figure (a cache dropped between rounds).
 */
typedef long (*bench_loop)(void *arg, long steps, uint64_t *untimed);

#define BENCH_MAX_ROUNDS 15

/*
 * The shared timing loop of the benchmarks: a and b take turns, rounds
 * times each (after a warm-up of a tenth, or of one round), so that the machine
 * and its baseline see the same host at the same moments; *ns_a and *ns_b get
 * the median ns per counted step. b may be NULL (a alone).
 */
static inline void bench_turns(int rounds, long steps, bench_loop a,
			       void *arg_a, bench_loop b, void *arg_b,
			       double *ns_a, double *ns_b)
{
	double ra[BENCH_MAX_ROUNDS], rb[BENCH_MAX_ROUNDS];

	if (rounds > BENCH_MAX_ROUNDS)
		rounds = BENCH_MAX_ROUNDS;
	uint64_t skip = 0;

	a(arg_a, steps >= 10 ? steps / 10 : steps, &skip);
	if (b)
		b(arg_b, steps >= 10 ? steps / 10 : steps, &skip);
	for (int k = 0; k < rounds; k++) {
		uint64_t t0 = now_ns(), off = 0;
		long n = a(arg_a, steps, &off);

		ra[k] = (double)(now_ns() - t0 - off) / (double)(n ? n : 1);
		if (!b)
			continue;
		off = 0;
		t0 = now_ns();
		n = b(arg_b, steps, &off);
		rb[k] = (double)(now_ns() - t0 - off) / (double)(n ? n : 1);
	}
	*ns_a = median_of(ra, rounds);
	if (b)
		*ns_b = median_of(rb, rounds);
}

#endif /* MM_BENCH_H */
