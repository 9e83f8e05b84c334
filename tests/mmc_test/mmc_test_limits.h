/* SPDX-License-Identifier: MIT */
/*
 * mmc_test_limits.h - the integration tests' checks of per-session page
 * limits and of allocations that wait.
 *
 * Owns: the declarations of mmc_test_limits.c. Must never: be installed.
 */
#ifndef MMC_TEST_LIMITS_H
#define MMC_TEST_LIMITS_H

#include <stdbool.h>

/*
 * limits.pages is limit: calls, user pages (with or without swap to
 * make room), fork; each refusal exact, the status lines right.
 */
void ops_limits(unsigned long limit, bool swap);
/*
 * A full machine with an MMZ region "media" of 4 MiB: vmalloc, vzalloc,
 * alloc_percpu and mmz_alloc wait and time out, or are woken by frees.
 */
void ops_alloc_park(void);
/*
 * Linux's OOM rules on a full machine without swap: __GFP_RETRY_MAYFAIL
 * and GFP_DMA fail without a kill, each logged; GFP_KERNEL (with or
 * without a timeout) and __GFP_NOFAIL kill the hog and succeed as soon
 * as its memory is back.
 */
void ops_oom_rules(void);

#endif /* MMC_TEST_LIMITS_H */
