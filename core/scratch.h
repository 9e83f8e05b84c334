/* SPDX-License-Identifier: MIT */
/*
 * scratch.h - host memory a check needs only while it runs.
 *
 * Owns: scratch_zalloc and scratch_free, the one way the invariant
 * checkers take tables sized by the machine (a counter per frame, per
 * huge page, per swap slot, per pid). Must never hold machine state:
 * what it returns is gone when the check ends.
 */
#ifndef MM_SCRATCH_H
#define MM_SCRATCH_H

#include <stddef.h>

/*
 * nmemb zeroed elements of size bytes, mapped on their own: the host
 * pays only for the pages the check writes, and scratch_free gives them
 * all back, where a heap block would stay resident in the process's
 * heap after free (glibc keeps a freed block below its trim threshold,
 * and raises that threshold as large blocks come and go). NULL when the
 * host has no memory or the size overflows.
 */
void *scratch_zalloc(size_t nmemb, size_t size);

/* Unmap what scratch_zalloc(nmemb, size) returned; NULL is ignored. */
void scratch_free(void *p, size_t nmemb, size_t size);

#endif /* MM_SCRATCH_H */
