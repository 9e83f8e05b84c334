/* SPDX-License-Identifier: MIT */
/*
 * err.h - errors carried in pointers, as the kernel's <linux/err.h>, and
 * the words that go with an error.
 *
 * Owns: ERR_PTR, PTR_ERR, IS_ERR. A core function that returns an object
 * returns it or ERR_PTR(-errno); never NULL for a failure. And the two
 * ways core says why (err.c): mm_refuse for a call that fails, in
 * m->errmsg for its caller, and check_failed for an inconsistency the
 * checker found. Both sit below every subsystem, so that any file may
 * call them without calling up. Must never: depend on a subsystem.
 */
#ifndef MM_ERR_H
#define MM_ERR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/vmstat.h"

#define MAX_ERRNO 4095

struct machine;

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

/* mm_refuse's item for a failure that is no bad input: counted nowhere. */
#define BAD_NONE NR_BAD_ITEMS

/*
 * Fail a call: count it under bad (bad input; BAD_NONE when the call was
 * fine but could not be served: no memory, a limit, a missing process),
 * record a message for the caller in m->errmsg and return err (a
 * negative errno), so that callers write
 * "return mm_refuse(m, BAD_PFN, -EINVAL, ...)".
 */
int mm_refuse(struct machine *m, enum bad_item bad, int err, const char *fmt,
	      ...) __attribute__((format(printf, 4, 5)));

/* Describe an inconsistency in why and return -EUCLEAN: every checker's
 * way of saying what it found. */
int check_failed(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* MM_ERR_H */
