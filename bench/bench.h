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

#endif /* MM_BENCH_H */
