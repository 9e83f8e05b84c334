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
#include <sys/resource.h>
#include <sys/syscall.h>
#include <linux/capability.h>
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
	case DT_MLOCK:
		r->err = syscall(SYS_mlock2, a, c->len, c->flags) ? -errno : 0;
		break;
	case DT_MUNLOCK:
		r->err = syscall(SYS_munlock, a, c->len) ? -errno : 0;
		break;
	case DT_MADVISE:
		r->err = madvise(a, c->len, c->prot) ? -errno : 0;
		break;
	}
}

/* The call, and the faults it took (the child's own, outside it, none). */
static void run_counted(const struct dt_call *c, char *base,
			struct dt_result *r)
{
	struct rusage before, after;

	getrusage(RUSAGE_SELF, &before);
	run(c, base, r);
	getrusage(RUSAGE_SELF, &after);
	r->min_flt = (uint64_t)(after.ru_minflt - before.ru_minflt);
	r->maj_flt = (uint64_t)(after.ru_majflt - before.ru_majflt);
}

/*
 * As an unprivileged process with the machine's RLIMIT_MEMLOCK (8 MiB,
 * limits.memlock's default): no CAP_IPC_LOCK.
 */
static void unprivileged(void)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	struct rlimit rl;

	if (!syscall(SYS_capget, &h, d)) {
		d[0].effective &= ~(1u << CAP_IPC_LOCK);
		d[0].permitted &= ~(1u << CAP_IPC_LOCK);
		d[0].inheritable &= ~(1u << CAP_IPC_LOCK);
		syscall(SYS_capset, &h, d);
	}
	if (!getrlimit(RLIMIT_MEMLOCK, &rl)) {
		rl.rlim_cur = 8u << 20;
		if (rl.rlim_max < rl.rlim_cur)
			rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_MEMLOCK, &rl);
	}
}

/*
 * Fault in, before the first call, what the calls' own code and stack
 * will touch (the stack a signal frame takes, each libc wrapper's page),
 * so that a call's fault counts are the window's alone.
 */
static void warm_up(char *base)
{
	volatile char stack[64 << 10];
	struct dt_result r;
	struct dt_call c = {.kind = DT_READ};

	memset((char *)stack, 0, sizeof(stack));
	for (int k = DT_MMAP; k < DT_EXIT; k++) {
		c.kind = k;
		c.off = 0;
		c.len = 0; /* nothing happens: 0 bytes, or -EINVAL */
		c.flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE;
		if (k == DT_READ || k == DT_WRITE)
			c.off = (uint64_t)(0 - (uintptr_t)base); /* page 0 */
		if (k == DT_BRK)
			c.off = (uint64_t)((char *)syscall(SYS_brk, 0) - base);
		run_counted(&c, base, &r);
	}
}

int main(void)
{
	struct sigaction sa;
	char *base = (char *)syscall(SYS_brk, 0);
	struct dt_call c;
	struct dt_result r;

	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	unprivileged();
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_fault;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	warm_up(base);
	/* First the base, then one result per call. */
	if (full_io(1, &base, sizeof(base), 1))
		return 1;
	while (!full_io(0, &c, sizeof(c), 0) && c.kind != DT_EXIT) {
		run_counted(&c, base, &r);
		if (full_io(1, &r, sizeof(r), 1))
			return 1;
	}
	return 0;
}
