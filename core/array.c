/* SPDX-License-Identifier: MIT */
/*
 * array.c - growing a heap array by doubling (array.h).
 *
 * Owns: the growth rule and the overflow check. Must never free the
 * array or change *cap on a failure.
 */
#include "core/array.h"

#include <stdint.h>
#include <stdlib.h>

void *array_reserve(void *array, size_t *cap, size_t need, size_t size,
		    size_t min)
{
	size_t n = *cap ? *cap : min ? min : 1;
	void *grown;

	if (need <= *cap)
		return array;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return NULL;
		n *= 2;
	}
	if (size && n > SIZE_MAX / size)
		return NULL;
	grown = realloc(array, n * size);
	if (grown)
		*cap = n;
	return grown;
}
