/* SPDX-License-Identifier: MIT */
/*
 * seed.h - the seed of a unit test's randomized run: a fixed one by
 * default, so that every run checks the same sequence and a failure is
 * the code's, not the clock's; SEED=N in the environment to replay a run
 * (or to try others).
 *
 * Owns: reading SEED (MM_TEST_SEED and MM_SEED, its older names, still
 * work) and printing the seed in use. Must never: take a seed from the
 * clock or the host, or print it after the run has begun: a crash or a
 * sanitizer report must find it already on the log.
 */
#ifndef MM_TESTS_SEED_H
#define MM_TESTS_SEED_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * The seed of the run called what: SEED's value (decimal, or 0x hex), or
 * fixed. Printed at once and flushed: a sanitizer's abort loses what
 * stdout still buffers.
 */
static inline uint64_t test_seed(const char *what, uint64_t fixed)
{
	static const char *const names[] = {"SEED", "MM_TEST_SEED", "MM_SEED"};
	uint64_t seed = fixed;

	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		const char *env = getenv(names[i]);

		if (env && *env) {
			seed = strtoull(env, NULL, 0);
			break;
		}
	}
	printf("%s: seed %" PRIu64 " (SEED=%" PRIu64 " replays this run)\n",
	       what, seed, seed);
	fflush(stdout);
	return seed;
}

#endif /* MM_TESTS_SEED_H */
