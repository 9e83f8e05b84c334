/* SPDX-License-Identifier: MIT */
/*
 * host_child.c - the differential tester's process on the host: it
 * makes each call it is sent on its own address space and sends the
 * result back, so the tester can read its /proc/PID/maps and pagemap.
 *
 * Owns: nothing but the calls. Must never: allocate (no malloc, no
 * stdio), so that its heap is the break it started with and nothing of
 * its own lands in the window; or take transparent huge pages.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tests/difftest/difftest.h"

static sigjmp_buf fault_jmp;
static volatile sig_atomic_t fault_signo, fault_code;

static void on_fault(int signo, siginfo_t *si, void *uc)
{
	(void)uc;
	fault_signo = signo;
	fault_code = si->si_code;
	siglongjmp(fault_jmp, 1);
}

static int full_io(int fd, void *buf, size_t len, int out)
{
	char *p = buf;

	while (len) {
		ssize_t n = out ? write(fd, p, len) : read(fd, p, len);

		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* A read or write of one byte, the signal it raised caught. */
static void touch(char *addr, int write, struct dt_result *r)
{
	fault_signo = 0;
	fault_code = 0;
	if (sigsetjmp(fault_jmp, 1) == 0) {
		if (write)
			*(volatile char *)addr = 1;
		else
			(void)*(volatile char *)addr;
	}
	r->signo = fault_signo;
	r->si_code = fault_code;
	r->err = fault_signo ? -EFAULT : 0;
}

static int64_t addr_result(void *p, char *base, struct dt_result *r)
{
	if (p == MAP_FAILED) {
		r->err = -errno;
		return 0;
	}
	return (char *)p - base;
}

static void run(const struct dt_call *c, char *base, struct dt_result *r)
{
	char *a = base + c->off;

	memset(r, 0, sizeof(*r));
	errno = 0;
	switch (c->kind) {
	case DT_MMAP:
		r->value = addr_result(
			mmap(a, c->len, c->prot, c->flags, -1, 0), base, r);
		break;
	case DT_MUNMAP:
		r->err = munmap(a, c->len) ? -errno : 0;
		break;
	case DT_MPROTECT:
		r->err = mprotect(a, c->len, c->prot) ? -errno : 0;
		break;
	case DT_MREMAP:
		r->value = addr_result(mremap(a, c->len, c->new_len, c->flags,
					      base + c->new_off),
				       base, r);
		break;
	case DT_BRK: /* the raw call: it returns the break, set or not */
		r->value = (char *)syscall(SYS_brk, a) - base;
		break;
	case DT_READ:
	case DT_WRITE:
		touch(a, c->kind == DT_WRITE, r);
		break;
	}
}

int main(void)
{
	struct sigaction sa;
	char *base = (char *)syscall(SYS_brk, 0);
	struct dt_call c;
	struct dt_result r;

	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	/* First the base, then one result per call. */
	if (full_io(1, &base, sizeof(base), 1))
		return 1;
	while (!full_io(0, &c, sizeof(c), 0) && c.kind != DT_EXIT) {
		run(&c, base, &r);
		if (full_io(1, &r, sizeof(r), 1))
			return 1;
	}
	return 0;
}
