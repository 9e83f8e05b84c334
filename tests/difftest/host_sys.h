/* SPDX-License-Identifier: MIT */
/*
 * host_sys.h - the system calls of the differential tester's host child,
 * raw: on x86_64 the child links no C library (-nostdlib -static), so
 * that its address space outside the window is its own two segments,
 * its stack and the vDSO (a dynamic child has some twenty more VMAs,
 * and /proc/PID/smaps, which the tester reads after every step, prints
 * every one); elsewhere the same calls go through libc's syscall().
 *
 * Owns: sys(), the entry point, the signal return trampoline and the
 * one-byte access a fault may stop. Must never: use errno (each call
 * returns -errno), allocate, or touch memory but its arguments.
 */
#ifndef DIFFTEST_HOST_SYS_H
#define DIFFTEST_HOST_SYS_H

#include <stddef.h>
#include <sys/syscall.h>

#ifdef __x86_64__
#define HOST_FREESTANDING 1

static inline long sys(long nr, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d;
	register long r8 __asm__("r8") = e;
	register long r9 __asm__("r9") = f;
	long ret;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8),
			   "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

/*
 * The one-byte read or write: a fault in it is caught by the handler,
 * which resumes at host_touch_fault (a return to the caller, the stack
 * as the access left it).
 */
void host_touch_read(volatile char *addr);
void host_touch_write(volatile char *addr);
void host_touch_fault(void);
void host_sigreturn(void);
#else
#include <unistd.h>

static inline long sys(long nr, long a, long b, long c, long d, long e, long f)
{
	long ret = syscall(nr, a, b, c, d, e, f);

	return ret == -1 ? -(long)*__errno_location() : ret;
}
#endif

#define sys0(nr)	  sys(nr, 0, 0, 0, 0, 0, 0)
#define sys1(nr, a)	  sys(nr, (long)(a), 0, 0, 0, 0, 0)
#define sys2(nr, a, b)	  sys(nr, (long)(a), (long)(b), 0, 0, 0, 0)
#define sys3(nr, a, b, c) sys(nr, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sys4(nr, a, b, c, d)                                                   \
	sys(nr, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)
#define sys5(nr, a, b, c, d, e)                                                \
	sys(nr, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e), 0)
#define sys6(nr, a, b, c, d, e, f)                                             \
	sys(nr, (long)(a), (long)(b), (long)(c), (long)(d), (long)(e),         \
	    (long)(f))

#endif /* DIFFTEST_HOST_SYS_H */
