/* SPDX-License-Identifier: MIT */
/*
 * test_mlock.c - mlock, mlock2, munlock, mlockall and munlockall
 * (mm/mlock.c): the calls and their errors against the host kernel (this
 * process, CAP_IPC_LOCK dropped and RLIMIT_MEMLOCK set to the layout's
 * limits.memlock, so that both count against the same limit), VmLck on
 * both, and the machine's unevictable list: mlocked pages counted in
 * nr_mlock and meminfo, passed over by reclaim, rescued by munlock.
 * The host's calls are raw syscalls: the sanitizers' mlock and munlock
 * are empty stand-ins.
 */
#include "tests/unit/both.h"
#include "tests/unit/host.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

#include "core/mmzone.h"
#include "core/meminfo.h"
#include "core/mm.h"
#include "core/task.h"
#include "core/uapi.h"
#include "core/vmscan.h"

#define PAGES 32
#define LIMIT 16 /* limits.memlock, RLIMIT_MEMLOCK: pages */
#define W     BOTH_W

/* As an unprivileged process: no CAP_IPC_LOCK, a limit of LIMIT pages. */
static void host_unprivileged(uint64_t limit)
{
	struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct d[2];
	struct rlimit rl;

	/* Only the soft limit: raising the hard one needs CAP_SYS_RESOURCE. */
	assert_int_equal(getrlimit(RLIMIT_MEMLOCK, &rl), 0);
	assert_true(limit <= rl.rlim_max);
	rl.rlim_cur = limit;
	assert_int_equal(syscall(SYS_capget, &h, d), 0);
	d[0].effective &= ~(1u << CAP_IPC_LOCK);
	d[0].permitted &= ~(1u << CAP_IPC_LOCK);
	d[0].inheritable &= ~(1u << CAP_IPC_LOCK);
	assert_int_equal(syscall(SYS_capset, &h, d), 0);
	assert_int_equal(setrlimit(RLIMIT_MEMLOCK, &rl), 0);
}

static void setup_both(struct both *b, uint64_t memlock)
{
	struct layout l;

	host_unprivileged(memlock);
	small_layout(&l, 64 * MiB);
	l.swap_size = 16 * MiB;
	l.limits.memlock = memlock;
	both_boot(b, &l, "mlock", PAGES, MAP_PRIVATE | MAP_ANONYMOUS);
}

static void same_vmlck(struct both *b)
{
	assert_int_equal(mm_of(b)->locked_vm,
			 (unsigned long)host_status_kb("VmLck") / 4);
	assert_consistent(b->m);
}

/* mlock2 of [b + off, +len) on both: the same result, and VmLck. */
static void mlock_both(struct both *b, uint64_t off, uint64_t len, int flags,
		       int want)
{
	int host = host_result(syscall(SYS_mlock2, b->host + off, len, flags));
	int mine = uapi_mlock(b->m, 0, b->at + off, len, flags);

	assert_int_equal(host, want);
	assert_int_equal(mine, want);
	same_vmlck(b);
}

static void munlock_both(struct both *b, uint64_t off, uint64_t len, int want)
{
	int host = host_result(syscall(SYS_munlock, b->host + off, len));
	int mine = uapi_munlock(b->m, 0, b->at + off, len);

	assert_int_equal(host, want);
	assert_int_equal(mine, want);
	same_vmlck(b);
}

static void write_page(struct both *b, unsigned int page)
{
	struct user_fault f;
	uint8_t v = (uint8_t)page;

	assert_int_equal(uapi_access_vm(b->m, 0, b->at + page * PAGE, &v, 1,
					USER_WRITE, &f),
			 0);
}

static long zone_mlocked(const struct machine *m)
{
	long n = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		n += m->zones[z].vm_stat[NR_MLOCK];
	return n;
}

/* Unaligned starts, zero lengths, the limit, holes, PROT_NONE, as Linux. */
static void test_mlock_errors_as_host(void **state)
{
	struct both b;

	(void)state;
	setup_both(&b, LIMIT * PAGE);
	mlock_both(&b, 1, PAGE, 0, 0); /* widened to two pages */
	munlock_both(&b, 0, PAGES * PAGE, 0);
	mlock_both(&b, 0, 0, 0, 0);
	mlock_both(&b, 0, (LIMIT + 1) * PAGE, 0, -ENOMEM);
	mlock_both(&b, 0, LIMIT * PAGE, 0, 0);
	/* Already locked pages are not counted twice against the limit. */
	mlock_both(&b, 0, LIMIT * PAGE, 0, 0);
	mlock_both(&b, 4 * PAGE, PAGE, MLOCK_ONFAULT, 0);
	munlock_both(&b, 0, PAGES * PAGE, 0);
	mlock_both(&b, 0, PAGE, 2, -EINVAL); /* mlock2: unknown flag */
	/* A hole: the VMA before it is locked, the call -ENOMEM. */
	assert_int_equal(munmap(b.host + 20 * PAGE, PAGE), 0);
	assert_int_equal(uapi_munmap(b.m, 0, b.at + 20 * PAGE, PAGE), 0);
	mlock_both(&b, 19 * PAGE, 2 * PAGE, 0, -ENOMEM);
	munlock_both(&b, 0, PAGES * PAGE, -ENOMEM);
	mlock_both(&b, 20 * PAGE, PAGE, 0, -ENOMEM);
	munlock_both(&b, 20 * PAGE, PAGE, -ENOMEM);
	/* PROT_NONE: locked, but not populated: -ENOMEM. */
	assert_int_equal(mprotect(b.host + 24 * PAGE, PAGE, PROT_NONE), 0);
	assert_int_equal(
		uapi_mprotect(b.m, 0, b.at + 24 * PAGE, PAGE, PROT_NONE), 0);
	mlock_both(&b, 24 * PAGE, PAGE, 0, -ENOMEM);
	munlock_both(&b, 24 * PAGE, PAGE, 0);
	teardown_both(&b);
}

/* RLIMIT_MEMLOCK 0: every lock is -EPERM, even of nothing. */
static void test_mlock_eperm(void **state)
{
	uint64_t got = 0;
	struct both b;

	(void)state;
	setup_both(&b, 0);
	mlock_both(&b, 0, PAGE, 0, -EPERM);
	mlock_both(&b, 0, 0, 0, -EPERM);
	munlock_both(&b, 0, PAGE, 0);
	assert_int_equal(uapi_mlockall(b.m, 0, MCL_FUTURE), -EPERM);
	assert_int_equal(uapi_munlockall(b.m, 0), 0);
	assert_int_equal(uapi_mmap(b.m, 0, 0, PAGE, PROT_READ,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED,
				   &got),
			 -EPERM);
	teardown_both(&b);
}

/* Locked pages go to the unevictable list and reclaim leaves them. */
static void test_unevictable(void **state)
{
	struct both b;
	unsigned long evictable;

	(void)state;
	setup_both(&b, LIMIT * PAGE);
	for (unsigned int i = 0; i < 8; i++)
		write_page(&b, i);
	assert_int_equal(uapi_mlock(b.m, 0, b.at, 4 * PAGE, 0), 0);
	assert_int_equal(zone_mlocked(b.m), 4);
	assert_int_equal(b.m->node_stat[NR_UNEVICTABLE], 4);
	assert_int_equal(node_lruvec(b.m, 0)->nr_pages[LRU_UNEVICTABLE], 4);
	assert_int_equal(meminfo_kb(b.m, "Mlocked"), 16);
	assert_int_equal(meminfo_kb(b.m, "Unevictable"), 16);
	assert_consistent(b.m);
	/* Reclaim takes the four others and none of these. */
	shrink_lruvec(b.m, node_lruvec(b.m, 0), 1UL << 20);
	shrink_lruvec(b.m, node_lruvec(b.m, 0), 1UL << 20);
	evictable = node_lruvec(b.m, 0)->nr_pages[LRU_INACTIVE_ANON] +
		    node_lruvec(b.m, 0)->nr_pages[LRU_ACTIVE_ANON];
	assert_int_equal(evictable, 0);
	assert_int_equal(node_lruvec(b.m, 0)->nr_pages[LRU_UNEVICTABLE], 4);
	assert_int_equal(mm_of(&b)->rss_stat[MM_ANONPAGES], 4);
	assert_consistent(b.m);
	/* munlock rescues them; then they may go. */
	assert_int_equal(uapi_munlock(b.m, 0, b.at + 2 * PAGE, 2 * PAGE), 0);
	assert_int_equal(zone_mlocked(b.m), 2);
	assert_int_equal(node_lruvec(b.m, 0)->nr_pages[LRU_UNEVICTABLE], 2);
	assert_int_equal(node_lruvec(b.m, 0)->nr_pages[LRU_INACTIVE_ANON], 2);
	assert_int_equal(b.m->vm_events[UNEVICTABLE_PGMLOCKED], 4);
	assert_int_equal(b.m->vm_events[UNEVICTABLE_PGMUNLOCKED], 2);
	assert_consistent(b.m);
	/* A page faulted into a locked VMA is mlocked at its fault. */
	assert_int_equal(
		uapi_mlock(b.m, 0, b.at + 8 * PAGE, 2 * PAGE, MLOCK_ONFAULT),
		0);
	assert_int_equal(zone_mlocked(b.m), 2);
	write_page(&b, 9);
	assert_int_equal(zone_mlocked(b.m), 3);
	/* munmap of locked pages: they leave the count as they are freed. */
	assert_int_equal(uapi_munmap(b.m, 0, b.at, PAGES * PAGE), 0);
	assert_int_equal(zone_mlocked(b.m), 0);
	assert_int_equal(node_lruvec(b.m, 0)->nr_pages[LRU_UNEVICTABLE], 0);
	assert_int_equal(mm_of(&b)->locked_vm, 0);
	teardown_both(&b);
}

/*
 * fork: the child does not inherit the lock (dup_mmap), the shared
 * pages stay mlocked for the parent; a parent's copy-on-write takes its
 * locked mapping off the old page, which the child then holds alone.
 */
static void test_fork(void **state)
{
	struct both b;
	struct user_fault f;
	uint8_t v = 0x77;
	int child;

	(void)state;
	setup_both(&b, LIMIT * PAGE);
	write_page(&b, 0);
	write_page(&b, 1);
	assert_int_equal(uapi_mlock(b.m, 0, b.at, 2 * PAGE, 0), 0);
	assert_int_equal(uapi_fork(b.m, 0, &child), 0);
	assert_int_equal(find_task_by_pid(b.m, child)->mm->locked_vm, 0);
	assert_int_equal(zone_mlocked(b.m), 2);
	assert_consistent(b.m);
	assert_int_equal(uapi_access_vm(b.m, 0, b.at, &v, 1, USER_WRITE, &f),
			 0);
	/* The parent's new copy is mlocked; the child's old page is not. */
	assert_int_equal(zone_mlocked(b.m), 2);
	assert_int_equal(node_lruvec(b.m, 0)->nr_pages[LRU_INACTIVE_ANON], 1);
	assert_consistent(b.m);
	assert_int_equal(
		uapi_access_vm(b.m, child, b.at + PAGE, &v, 1, USER_WRITE, &f),
		0);
	assert_int_equal(zone_mlocked(b.m), 2);
	assert_consistent(b.m);
	assert_int_equal(uapi_exit_process(b.m, child), 0);
	assert_int_equal(zone_mlocked(b.m), 2);
	teardown_both(&b);
}

/* mlockall: flags, the limit, MCL_FUTURE's mappings and heap. */
static void test_mlockall(void **state)
{
	struct both b;
	uint64_t got = 0, brk = 0, cur = 0;
	struct mm_struct *mm;

	(void)state;
	setup_both(&b, 64 * PAGE);
	mm = mm_of(&b);
	assert_int_equal(uapi_mlockall(b.m, 0, 0), -EINVAL);
	assert_int_equal(uapi_mlockall(b.m, 0, MCL_ONFAULT), -EINVAL);
	assert_int_equal(uapi_mlockall(b.m, 0, 8), -EINVAL);
	/* MCL_CURRENT: every VMA locked, the window written in. */
	assert_true(mm->total_vm <= 64);
	assert_int_equal(uapi_mlockall(b.m, 0, MCL_CURRENT), 0);
	assert_int_equal(mm->locked_vm, mm->total_vm);
	assert_true(zone_mlocked(b.m) >= PAGES);
	assert_consistent(b.m);
	assert_int_equal(uapi_munlockall(b.m, 0), 0);
	assert_int_equal(zone_mlocked(b.m), 0);
	/* More mapped than the limit: -ENOMEM, nothing locked. */
	assert_int_equal(uapi_mmap(b.m, 0, 0, 40 * PAGE, PROT_READ,
				   MAP_PRIVATE | MAP_ANONYMOUS, &got),
			 0);
	assert_int_equal(uapi_mlockall(b.m, 0, MCL_CURRENT), -ENOMEM);
	assert_int_equal(mm->locked_vm, 0);
	assert_int_equal(uapi_munmap(b.m, 0, got, 40 * PAGE), 0);
	assert_int_equal(uapi_munmap(b.m, 0, b.at, PAGES * PAGE), 0);
	assert_int_equal(uapi_mlockall(b.m, 0, MCL_FUTURE), 0);
	assert_int_equal(mm->def_flags, VM_LOCKED);
	assert_int_equal(uapi_mmap(b.m, 0, 0, 4 * PAGE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, &got),
			 0);
	/* Locked and populated: four pages mlocked. */
	assert_int_equal(mm->locked_vm, 4);
	assert_int_equal(zone_mlocked(b.m), 4);
	/* Past the limit: -EAGAIN, as do_mmap's mlock_future_ok. */
	assert_int_equal(uapi_mmap(b.m, 0, 0, 61 * PAGE, PROT_READ,
				   MAP_PRIVATE | MAP_ANONYMOUS, &got),
			 -EAGAIN);
	/* The heap grows locked too, and past the limit brk fails. */
	assert_int_equal(uapi_brk(b.m, 0, 0, &cur), 0);
	assert_int_equal(uapi_brk(b.m, 0, cur + 2 * PAGE, &brk), 0);
	assert_int_equal(mm->locked_vm, 6);
	assert_int_equal(zone_mlocked(b.m), 6);
	assert_int_equal(uapi_brk(b.m, 0, cur + 100 * PAGE, &brk), -ENOMEM);
	assert_int_equal(brk, cur + 2 * PAGE);
	assert_consistent(b.m);
	/* MCL_ONFAULT: locked but not populated. */
	assert_int_equal(uapi_mlockall(b.m, 0, MCL_FUTURE | MCL_ONFAULT), 0);
	assert_int_equal(uapi_mmap(b.m, 0, 0, 4 * PAGE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, &got),
			 0);
	assert_int_equal(mm->locked_vm, 10);
	assert_int_equal(zone_mlocked(b.m), 6);
	/* munlockall: nothing locked, nothing for the future. */
	assert_int_equal(uapi_munlockall(b.m, 0), 0);
	assert_int_equal(mm->locked_vm, 0);
	assert_int_equal(mm->def_flags, 0);
	assert_int_equal(zone_mlocked(b.m), 0);
	assert_int_equal(node_lruvec(b.m, 0)->nr_pages[LRU_UNEVICTABLE], 0);
	assert_consistent(b.m);
	teardown_both(&b);
}

/*
 * populate_vma_page_range leaves a VM_LOCKONFAULT VMA to its faults:
 * under mlockall(MCL_FUTURE | MCL_ONFAULT), MAP_POPULATE populates
 * nothing (the differential tester found the machine populating it).
 */
static void test_populate_lockonfault(void **state)
{
	struct both b;
	uint64_t got = 0;
	struct mm_struct *mm;
	unsigned long flt;

	(void)state;
	setup_both(&b, 64 * PAGE);
	mm = mm_of(&b);
	assert_int_equal(uapi_mlockall(b.m, 0, MCL_FUTURE | MCL_ONFAULT), 0);
	flt = mm->min_flt;
	assert_int_equal(uapi_mmap(b.m, 0, W + 64 * PAGE, 5 * PAGE,
				   PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED |
					   MAP_POPULATE,
				   &got),
			 0);
	assert_int_equal(mm->min_flt, flt);
	assert_int_equal(mm->locked_vm, 5);
	assert_int_equal(zone_mlocked(b.m), 0);
	/* Each page is locked as it faults. */
	write_page(&b, 64);
	assert_int_equal(mm->min_flt, flt + 1);
	assert_int_equal(zone_mlocked(b.m), 1);
	assert_int_equal(uapi_munlockall(b.m, 0), 0);
	teardown_both(&b);
}

/* mremap of a locked VMA: the growth must fit, and is populated. */
static void test_mremap_locked(void **state)
{
	struct both b;
	uint64_t got = 0;

	(void)state;
	setup_both(&b, LIMIT * PAGE);
	assert_int_equal(
		uapi_munmap(b.m, 0, b.at + 4 * PAGE, (PAGES - 4) * PAGE), 0);
	assert_int_equal(uapi_mlock(b.m, 0, b.at, 4 * PAGE, 0), 0);
	assert_int_equal(
		uapi_mremap(b.m, 0, b.at, 4 * PAGE, 8 * PAGE, 0, 0, &got), 0);
	assert_int_equal(mm_of(&b)->locked_vm, 8);
	assert_int_equal(zone_mlocked(b.m), 8);
	assert_int_equal(uapi_mremap(b.m, 0, b.at, 8 * PAGE, 17 * PAGE,
				     MREMAP_MAYMOVE, 0, &got),
			 -EAGAIN);
	assert_int_equal(uapi_mremap(b.m, 0, b.at, 8 * PAGE, 12 * PAGE,
				     MREMAP_MAYMOVE | MREMAP_FIXED,
				     b.at + 64 * PAGE, &got),
			 0);
	assert_int_equal(mm_of(&b)->locked_vm, 12);
	assert_int_equal(zone_mlocked(b.m), 12);
	assert_consistent(b.m);
	teardown_both(&b);
}

/*
 * mprotect_fixup: a private locked VMA made writable is copied on write
 * at once (populate_vma_page_range), not at later faults: the same
 * faults on both, and the pages mlocked.
 */
static void test_mprotect_locked(void **state)
{
	struct both b;
	struct rusage r0, r1;
	unsigned long flt;

	(void)state;
	setup_both(&b, LIMIT * PAGE);
	assert_int_equal(mprotect(b.host, 3 * PAGE, PROT_READ), 0);
	assert_int_equal(uapi_mprotect(b.m, 0, b.at, 3 * PAGE, PROT_READ), 0);
	mlock_both(&b, 0, 3 * PAGE, 0, 0);
	getrusage(RUSAGE_SELF, &r0);
	assert_int_equal(mprotect(b.host, 3 * PAGE, PROT_READ | PROT_WRITE), 0);
	getrusage(RUSAGE_SELF, &r1);
	flt = mm_of(&b)->min_flt;
	assert_int_equal(
		uapi_mprotect(b.m, 0, b.at, 3 * PAGE, PROT_READ | PROT_WRITE),
		0);
	assert_int_equal(mm_of(&b)->min_flt - flt,
			 (unsigned long)(r1.ru_minflt - r0.ru_minflt));
	assert_int_equal(mm_of(&b)->min_flt - flt, 3);
	assert_int_equal(mm_of(&b)->rss_stat[MM_ANONPAGES], 3);
	assert_int_equal(zone_mlocked(b.m), 3);
	same_vmlck(&b);
	teardown_both(&b);
}

/*
 * acct_stack_growth: a locked grows-down VMA counts what it grows in
 * locked_vm, mlocks the page it faults in, and may not grow past
 * RLIMIT_MEMLOCK (the access is SIGSEGV then). The differential
 * tester's seed 20261206 found the count left behind.
 */
static void test_stack_growth_locked(void **state)
{
	struct both b;
	struct user_fault f;
	uint64_t got = 0, top = W + 512 * PAGE; /* past the guard gap */
	uint8_t v = 1;

	(void)state;
	setup_both(&b, LIMIT * PAGE);
	assert_int_equal(uapi_mmap(b.m, 0, top - 2 * PAGE, 2 * PAGE,
				   PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED |
					   MAP_GROWSDOWN,
				   &got),
			 0);
	assert_int_equal(uapi_mlock(b.m, 0, got, 2 * PAGE, MLOCK_ONFAULT), 0);
	assert_int_equal(
		uapi_access_vm(b.m, 0, top - 5 * PAGE, &v, 1, USER_WRITE, &f),
		0);
	assert_int_equal(mm_of(&b)->locked_vm, 5);
	assert_int_equal(zone_mlocked(b.m), 1);
	assert_consistent(b.m);
	/* 16 pages locked at most: growing to 17 is refused. */
	assert_int_equal(
		uapi_access_vm(b.m, 0, top - 17 * PAGE, &v, 1, USER_WRITE, &f),
		-EFAULT);
	assert_int_equal(f.signo, SIGSEGV);
	assert_int_equal(mm_of(&b)->locked_vm, 5);
	assert_consistent(b.m);
	teardown_both(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mlock_errors_as_host),
		cmocka_unit_test(test_mlock_eperm),
		cmocka_unit_test(test_unevictable),
		cmocka_unit_test(test_fork),
		cmocka_unit_test(test_mlockall),
		cmocka_unit_test(test_populate_lockonfault),
		cmocka_unit_test(test_mremap_locked),
		cmocka_unit_test(test_mprotect_locked),
		cmocka_unit_test(test_stack_growth_locked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
