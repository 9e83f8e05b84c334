/* SPDX-License-Identifier: MIT */
/*
 * scratch.c - host memory a check needs only while it runs (scratch.h).
 *
 * Owns: mapping and unmapping the checkers' tables. Must never be used
 * for anything that outlives the call that took it.
 */
#include "core/scratch.h"

#include <stdint.h>
#include <sys/mman.h>

void *scratch_zalloc(size_t nmemb, size_t size)
{
	void *p;

	if (!nmemb || !size || nmemb > SIZE_MAX / size)
		return NULL;
	p = mmap(NULL, nmemb * size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

void scratch_free(void *p, size_t nmemb, size_t size)
{
	if (p)
		munmap(p, nmemb * size);
}
