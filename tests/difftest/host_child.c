/* SPDX-License-Identifier: MIT */
/*
 * host_child.c - the differential tester's process on the host: it
 * makes each call it is sent on its own address space and sends the
 * result back, so the tester can read its /proc/PID/maps and pagemap.
 *
 * A fork's call makes a second process of the same program, talking
 * over the socket that came with the call; both fault in again what
 * fork shared copy-on-write (outside the window), so that their later
 * calls' fault counts are again the window's alone.
 *
 * On x86_64 it links no C library (host_sys.h): each call is the raw
 * system call, and its address space outside the window is its own
 * two segments, its stack and the vDSO, which keeps the tester's reads
 * of its smaps short.
 *
 * Owns: nothing but the calls. Must never: allocate (no malloc, no
 * stdio), so that its heap is the break it started with and nothing of
 * its own lands in the window; or take transparent huge pages.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/ucontext.h>
#include <linux/capability.h>

#include "tests/difftest/difftest.h"
#include "tests/difftest/host_sys.h"

static volatile sig_atomic_t fault_signo, fault_code;

#ifdef HOST_FREESTANDING
/* What the compiler may call for a struct copy or clear. */
__attribute__((optimize("no-tree-loop-distribute-patterns"))) void *
memset(void *d, int c, size_t n)
{
	for (char *p = d; n--;)
		*p++ = (char)c;
	return d;
}

__attribute__((optimize("no-tree-loop-distribute-patterns"))) void *
memcpy(void *d, const void *s, size_t n)
{
	char *to = d;
	const char *from = s;

	while (n--)
		*to++ = *from++;
	return d;
}

int main(void);
void host_start(void);

/* The entry point: an aligned stack, main, and its status to exit. */
__asm__(".text\n"
	".globl _start\n"
	"_start:\n"
	"	xor %rbp, %rbp\n"
	"	and $-16, %rsp\n"
	"	call host_start\n"
	"	hlt\n"
	".globl host_touch_read\n"
	"host_touch_read:\n"
	"	movb (%rdi), %al\n"
	"	ret\n"
	".globl host_touch_write\n"
	"host_touch_write:\n"
	"	movb $1, (%rdi)\n"
	"	ret\n"
	".globl host_touch_fault\n"
	"host_touch_fault:\n"
	"	ret\n"
	".globl host_sigreturn\n"
	"host_sigreturn:\n"
	"	mov $15, %eax\n" /* rt_sigreturn */
	"	syscall\n"
	"	hlt\n");

void host_start(void)
{
	sys1(SYS_exit_group, main());
}

/* The kernel's struct sigaction, with the trampoline it returns by. */
struct ksigaction {
	union {
		void (*action)(int, siginfo_t *, void *);
		void (*handler)(int);
	} u;
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask;
};

#define SA_RESTORER_ 0x04000000UL

/* The access faulted: resume at host_touch_fault, a plain return. */
static void on_fault(int signo, siginfo_t *si, void *uc)
{
	fault_signo = signo;
	fault_code = si->si_code;
	((ucontext_t *)uc)->uc_mcontext.gregs[REG_RIP] =
		(greg_t)(uintptr_t)host_touch_fault;
}

/* on_fault for signo, or (ignore) SIG_IGN. */
static void set_handler(int signo, int ignore)
{
	struct ksigaction ka = {.flags = SA_RESTORER_,
				.restorer = host_sigreturn};

	if (ignore) {
		ka.u.handler = SIG_IGN;
	} else {
		ka.u.action = on_fault;
		ka.flags |= SA_SIGINFO | SA_NODEFER;
	}
	sys4(SYS_rt_sigaction, signo, &ka, 0, sizeof(ka.mask));
}

static void access_byte(char *addr, int write)
{
	if (write)
		host_touch_write(addr);
	else
		host_touch_read(addr);
}
#else
static sigjmp_buf fault_jmp;

static void on_fault(int signo, siginfo_t *si, void *uc)
{
	(void)uc;
	fault_signo = signo;
	fault_code = si->si_code;
	siglongjmp(fault_jmp, 1);
}

/* on_fault for signo, or (ignore) SIG_IGN. */
static void set_handler(int signo, int ignore)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	if (ignore) {
		sa.sa_handler = SIG_IGN;
	} else {
		sa.sa_sigaction = on_fault;
		sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	}
	sigaction(signo, &sa, NULL);
}

static void access_byte(char *addr, int write)
{
	if (sigsetjmp(fault_jmp, 1))
		return;
	if (write)
		*(volatile char *)addr = 1;
	else
		(void)*(volatile char *)addr;
}
#endif

/* One message each way on the SOCK_SEQPACKET socket, fd 0. */
static int send_result(const struct dt_result *r)
{
	return sys6(SYS_sendto, 0, r, sizeof(*r), MSG_NOSIGNAL, 0, 0) ==
			       (long)sizeof(*r)
		       ? 0
		       : -1;
}

/* A call, and the socket a fork's call carries (-1 if none). */
static int recv_call(struct dt_call *c, int *fd)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct iovec iov = {c, sizeof(*c)};
	struct msghdr msg = {.msg_iov = &iov,
			     .msg_iovlen = 1,
			     .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	struct cmsghdr *cm;

	*fd = -1;
	if (sys3(SYS_recvmsg, 0, &msg, MSG_CMSG_CLOEXEC) != (long)sizeof(*c))
		return -1;
	cm = CMSG_FIRSTHDR(&msg);
	if (cm && cm->cmsg_type == SCM_RIGHTS)
		memcpy(fd, CMSG_DATA(cm), sizeof(int));
	return 0;
}

/* A read or write of one byte, the signal it raised caught. */
static void touch(char *addr, int write, struct dt_result *r)
{
	fault_signo = 0;
	fault_code = 0;
	access_byte(addr, write);
	r->signo = fault_signo;
	r->si_code = fault_code;
	r->err = fault_signo ? -EFAULT : 0;
}

/* ftruncate, and what it adds written as the tester's file holds it. */
static int file_truncate(off_t len)
{
	static char page[4096];
	struct stat st;
	off_t at;
	long err = sys2(SYS_fstat, DT_FILE_FD, &st);

	if (!err)
		err = sys2(SYS_ftruncate, DT_FILE_FD, len);
	if (err)
		return (int)err;
	for (at = st.st_size; at < len;) {
		size_t n = (size_t)(4096 - at % 4096);

		if ((off_t)n > len - at)
			n = (size_t)(len - at);
		memset(page, dt_file_byte((uint64_t)at), n);
		err = sys4(SYS_pwrite64, DT_FILE_FD, page, n, at);
		if (err != (long)n)
			return err < 0 ? (int)err : -EIO;
		at += (off_t)n;
	}
	return 0;
}

/* A raw call's address, or its -errno in r->err. */
static int64_t addr_result(long p, char *base, struct dt_result *r)
{
	if (p < 0 && p > -4096) {
		r->err = (int)p;
		return 0;
	}
	return (char *)p - base;
}

static void run(const struct dt_call *c, char *base, struct dt_result *r)
{
	char *a = base + c->off;

	memset(r, 0, sizeof(*r));
	switch (c->kind) {
	case DT_MMAP:
		r->value = addr_result(
			sys6(SYS_mmap, a, c->len, c->prot, c->flags,
			     c->flags & MAP_ANONYMOUS ? -1 : DT_FILE_FD,
			     c->flags & MAP_ANONYMOUS ? 0 : c->new_off),
			base, r);
		break;
	case DT_FTRUNCATE:
		r->err = file_truncate((off_t)c->len);
		break;
	case DT_MSYNC:
		r->err = (int)sys3(SYS_msync, a, c->len, c->flags);
		break;
	case DT_MUNMAP:
		r->err = (int)sys2(SYS_munmap, a, c->len);
		break;
	case DT_MPROTECT:
		r->err = (int)sys3(SYS_mprotect, a, c->len, c->prot);
		break;
	case DT_MREMAP:
		r->value = addr_result(sys5(SYS_mremap, a, c->len, c->new_len,
					    c->flags, base + c->new_off),
				       base, r);
		break;
	case DT_BRK: /* the raw call: it returns the break, set or not */
		r->value = (char *)sys1(SYS_brk, a) - base;
		break;
	case DT_READ:
	case DT_WRITE:
		touch(a, c->kind == DT_WRITE, r);
		break;
	case DT_MLOCK:
		r->err = (int)sys3(SYS_mlock2, a, c->len, c->flags);
		break;
	case DT_MUNLOCK:
		r->err = (int)sys2(SYS_munlock, a, c->len);
		break;
	case DT_MADVISE:
		r->err = (int)sys3(SYS_madvise, a, c->len, c->prot);
		break;
	case DT_MLOCKALL:
		r->err = (int)sys1(SYS_mlockall, c->flags);
		break;
	case DT_MUNLOCKALL:
		r->err = (int)sys0(SYS_munlockall);
		break;
	}
}

/* The call, and the faults it took (the child's own, outside it, none). */
static void run_counted(const struct dt_call *c, char *base,
			struct dt_result *r)
{
	struct rusage before, after;

	sys2(SYS_getrusage, RUSAGE_SELF, &before);
	run(c, base, r);
	sys2(SYS_getrusage, RUSAGE_SELF, &after);
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

	if (!sys2(SYS_capget, &h, d)) {
		d[0].effective &= ~(1u << CAP_IPC_LOCK);
		d[0].permitted &= ~(1u << CAP_IPC_LOCK);
		d[0].inheritable &= ~(1u << CAP_IPC_LOCK);
		sys2(SYS_capset, &h, d);
	}
	if (!sys4(SYS_prlimit64, 0, RLIMIT_MEMLOCK, 0, &rl)) {
		rl.rlim_cur = 8u << 20;
		if (rl.rlim_max < rl.rlim_cur)
			rl.rlim_cur = rl.rlim_max;
		sys4(SYS_prlimit64, 0, RLIMIT_MEMLOCK, &rl, 0);
	}
}

static uint64_t hex(const char **p)
{
	uint64_t v = 0;

	for (;; (*p)++) {
		char ch = **p;

		if (ch >= '0' && ch <= '9')
			v = v * 16 + (uint64_t)(ch - '0');
		else if (ch >= 'a' && ch <= 'f')
			v = v * 16 + (uint64_t)(ch - 'a' + 10);
		else
			return v;
	}
}

/*
 * Every page of every mapping outside the window, present and (where
 * private and writable) written, by MADV_POPULATE_READ/WRITE: so that
 * what a call populates (mlockall's MCL_CURRENT) and what the loop
 * itself touches after a fork take no faults outside the window.
 */
static void populate_outside(char *base)
{
	static char maps[16384];
	long n = 0, got;
	long fd = sys4(SYS_openat, AT_FDCWD, "/proc/self/maps", O_RDONLY, 0);
	const char *p;

	while (fd >= 0 && (got = sys3(SYS_read, fd, maps + n,
				      sizeof(maps) - 1 - (size_t)n)) > 0)
		n += got;
	if (fd >= 0)
		sys1(SYS_close, fd);
	maps[n > 0 ? n : 0] = 0;
	for (p = maps; *p;) {
		uint64_t start = hex(&p), end;

		p++;
		end = hex(&p);
		p++;
		if ((char *)end <= base ||
		    (char *)start >= base + DT_WINDOW_BYTES)
			if (p[0] == 'r')
				sys3(SYS_madvise, start, end - start,
				     p[1] == 'w' && p[3] == 'p'
					     ? MADV_POPULATE_WRITE
					     : MADV_POPULATE_READ);
		while (*p && *p != '\n')
			p++;
		if (*p)
			p++;
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
			c.off = (uint64_t)((char *)sys1(SYS_brk, 0) - base);
		if (k == DT_MLOCKALL)
			c.flags = -1; /* -EINVAL */
		if (k == DT_FTRUNCATE)
			c.len = (uint64_t)-1; /* -EINVAL */
		run_counted(&c, base, &r);
	}
	populate_outside(base);
}

/*
 * fork, the new process on the socket that came with the call. In
 * both, what fork made copy-on-write is written again before the
 * answer, so the fork's own faults are not compared (0 on both sides).
 */
static void do_fork(int fd, char *base, struct dt_result *r)
{
	long pid;

	memset(r, 0, sizeof(*r));
	pid = sys5(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (pid < 0) {
		r->err = (int)pid;
		return;
	}
	if (!pid) {
		sys3(SYS_dup3, fd, 0, 0);
		sys1(SYS_close, fd);
		populate_outside(base);
		return; /* its first answer says it is ready */
	}
	sys1(SYS_close, fd);
	populate_outside(base);
	r->pid = (int)pid;
}

int main(void)
{
	char *base = (char *)sys1(SYS_brk, 0);
	struct dt_call c;
	struct dt_result r;
	int fd;

	sys5(SYS_prctl, PR_SET_THP_DISABLE, 1, 0, 0, 0);
	unprivileged();
	set_handler(SIGSEGV, 0);
	set_handler(SIGBUS, 0);
	set_handler(SIGCHLD, 1); /* a forked process that exits is reaped */
	warm_up(base);
	/* First the base, then one result per call. */
	memset(&r, 0, sizeof(r));
	r.value = (int64_t)(uintptr_t)base;
	if (send_result(&r))
		return 1;
	while (!recv_call(&c, &fd) && c.kind != DT_EXIT) {
		if (c.kind == DT_FORK && fd >= 0)
			do_fork(fd, base, &r);
		else
			run_counted(&c, base, &r);
		if (send_result(&r))
			return 1;
	}
	return 0;
}
