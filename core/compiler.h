/* SPDX-License-Identifier: MIT */
/*
 * compiler.h - hints to the compiler, as the kernel's <linux/compiler.h>.
 *
 * Owns: likely and unlikely, the inlining attributes the fast paths use,
 * and container_of. Must never hold anything that changes what a
 * correct program computes: these only steer code layout and inlining.
 */
#ifndef MM_COMPILER_H
#define MM_COMPILER_H

#include <stddef.h>

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/*
 * A fast path is a few dozen instructions; keeping the rare paths
 * (refills, drains, refusals) out of line keeps it free of spills, and
 * inlining the fast path itself saves the call (into callers in other
 * files too when the build links with LTO; a plain call otherwise).
 */
#undef __always_inline /* glibc's <sys/cdefs.h> has the same; either first */
#define __always_inline inline __attribute__((always_inline))
#define __noinline	__attribute__((noinline))
#define __cold		__attribute__((noinline, cold))

#define container_of(ptr, type, member)                                        \
	((type *)((char *)(ptr)-offsetof(type, member)))

#endif /* MM_COMPILER_H */
