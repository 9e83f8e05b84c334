/* SPDX-License-Identifier: MIT */
/*
 * array.h - growing a heap array by doubling.
 *
 * Owns: array_reserve, the one way core, config and tools grow an array
 * whose length they keep beside it. Must never: lose the array on a
 * failure (it stays as it was, and so does its capacity). client/ and
 * proto/ do not include core: the wire side grows its byte buffers with
 * proto's frame_buf.
 */
#ifndef MM_ARRAY_H
#define MM_ARRAY_H

#include <stddef.h>

/*
 * Room for need (at least 1) elements of size bytes in array, which has
 * room for *cap. Returns array itself when it has the room; else array
 * reallocated to the first doubling of *cap (starting from min when
 * *cap is 0) that holds need, with *cap set to it; NULL, with array and
 * *cap unchanged, when the host has no memory or the size overflows.
 */
void *array_reserve(void *array, size_t *cap, size_t need, size_t size,
		    size_t min);

#endif /* MM_ARRAY_H */
