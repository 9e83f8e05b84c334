/*
 * err.h - errors carried in pointers, as the kernel's <linux/err.h>.
 *
 * Owns: ERR_PTR, PTR_ERR, IS_ERR. A core function that returns an object
 * returns it or ERR_PTR(-errno); never NULL for a failure.
 */
#ifndef MM_ERR_H
#define MM_ERR_H

#include <stdbool.h>
#include <stdint.h>

#define MAX_ERRNO 4095

static inline void *ERR_PTR(long error)
{
	return (void *)(intptr_t)error;
}

static inline long PTR_ERR(const void *ptr)
{
	return (long)(intptr_t)ptr;
}

static inline bool IS_ERR(const void *ptr)
{
	return (uintptr_t)ptr >= (uintptr_t)-MAX_ERRNO;
}

static inline bool IS_ERR_OR_NULL(const void *ptr)
{
	return !ptr || IS_ERR(ptr);
}

#endif /* MM_ERR_H */
