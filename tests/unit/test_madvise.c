/* SPDX-License-Identifier: MIT */
/*
 * test_madvise.c - madvise's advice and mincore against the host
 * kernel: each step runs on a real mapping of this process (transparent
 * huge pages off, so that one touch makes one page resident) and on the
 * machine's, and the return values, errno, resident vectors and bytes
 * read back must be the same (mm/madvise.c, mm/mincore.c). The host
 * runs without swap, and so does the machine here: MADV_PAGEOUT drops
 * only lazily freed pages on both.
 */
#include "tests/unit/both.h"
#include "tests/unit/host.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include <sys/syscall.h>
#include <sys/wait.h>

#include "core/mmzone.h"
#include "core/mm.h"
#include "core/task.h"
#include "core/task_mmu.h"
#include "core/uapi.h"
#include "core/vmscan.h"

#define PAGES 16

static void setup_both(struct both *b, int flags)
{
	struct layout l;

	small_layout(&l, 64 * MiB);
	l.swap_size = 0; /* as the host: MADV_PAGEOUT swaps nothing */
	both_boot(b, &l, "madvise", PAGES, flags);
}

static void madvise_both(struct both *b, unsigned int first, unsigned int pages,
			 int advice, int want)
{
	int host = host_result(
		madvise(b->host + first * PAGE, pages * PAGE, advice));
	int mine = uapi_madvise(b->m, 0, b->at + first * PAGE, pages * PAGE,
				advice);

	assert_int_equal(host, want);
	assert_int_equal(mine, want);
}

/* mincore of [first, +pages): the same result and vector on both. */
static void mincore_both(struct both *b, unsigned int first, unsigned int pages,
			 int want)
{
	unsigned char host[PAGES] = {0};
	uint8_t mine[PAGES] = {0};
	int h = host_result(
		mincore(b->host + first * PAGE, pages * PAGE, host));
	int m = uapi_mincore(b->m, 0, b->at + first * PAGE, pages * PAGE, mine);

	assert_int_equal(h, want);
	assert_int_equal(m, want);
	for (unsigned int i = 0; !want && i < pages; i++)
		if ((host[i] & 1) != mine[i])
			fail_msg("page %u: host %d, machine %d", first + i,
				 host[i] & 1, mine[i]);
}

/* Touched pages are resident, DONTNEED drops them and they read zero. */
static void test_dontneed_private(void **state)
{
	struct both b;

	(void)state;
	setup_both(&b, MAP_PRIVATE | MAP_ANONYMOUS);
	mincore_both(&b, 0, PAGES, 0);
	write_both(&b, 0, 1);
	write_both(&b, 2, 2);
	write_both(&b, 5, 5);
	write_both(&b, 9, 9);
	read_both(&b, 11); /* the zero page: resident on both */
	mincore_both(&b, 0, PAGES, 0);
	madvise_both(&b, 2, 8, MADV_DONTNEED, 0);
	mincore_both(&b, 0, PAGES, 0);
	read_both(&b, 5);
	read_both(&b, 9);
	read_both(&b, 0);
	madvise_both(&b, 0, PAGES, MADV_WILLNEED, 0);
	madvise_both(&b, 0, PAGES, MADV_NORMAL, 0);
	mincore_both(&b, 0, PAGES, 0);
	teardown_both(&b);
}

/* Shared memory keeps its bytes, and mincore answers for the object. */
static void test_dontneed_shared(void **state)
{
	struct both b;

	(void)state;
	setup_both(&b, MAP_SHARED | MAP_ANONYMOUS);
	write_both(&b, 1, 0x5a);
	write_both(&b, 3, 0x3c);
	madvise_both(&b, 0, 4, MADV_DONTNEED, 0);
	mincore_both(&b, 0, PAGES, 0);
	read_both(&b, 1);
	read_both(&b, 3);
	mincore_both(&b, 0, PAGES, 0);
	teardown_both(&b);
}

/* Linux's errors: alignment, bad advice, holes, zero lengths. */
static void test_errors(void **state)
{
	unsigned char host[PAGES];
	uint8_t mine[PAGES];
	struct both b;

	(void)state;
	setup_both(&b, MAP_PRIVATE | MAP_ANONYMOUS);
	write_both(&b, 10, 1);
	write_both(&b, 11, 1);
	assert_int_equal(host_result(madvise(b.host + 1, PAGE, MADV_DONTNEED)),
			 -EINVAL);
	assert_int_equal(uapi_madvise(b.m, 0, b.at + 1, PAGE, MADV_DONTNEED),
			 -EINVAL);
	madvise_both(&b, 0, 1, 999, -EINVAL);
	madvise_both(&b, 0, 0, MADV_DONTNEED, 0);
	assert_int_equal(host_result(mincore(b.host + 1, PAGE, host)), -EINVAL);
	assert_int_equal(uapi_mincore(b.m, 0, b.at + 1, PAGE, mine), -EINVAL);
	mincore_both(&b, 0, 0, 0);
	/* A hole at pages 12-13: the mapped parts advised, -ENOMEM. */
	assert_int_equal(munmap(b.host + 12 * PAGE, 2 * PAGE), 0);
	assert_int_equal(uapi_munmap(b.m, 0, b.at + 12 * PAGE, 2 * PAGE), 0);
	madvise_both(&b, 10, 6, MADV_DONTNEED, -ENOMEM);
	mincore_both(&b, 10, 2, 0);
	mincore_both(&b, 10, 4, -ENOMEM);
	mincore_both(&b, 12, 1, -ENOMEM);
	/*
	 * Lengths a client may send: past user space, or wrapping. The
	 * advice is MADV_NORMAL, which changes nothing: on the host the
	 * range runs over this very process's memory.
	 */
	{
		static const uint64_t lens[] = {(1ULL << 63) + 1, UINT64_MAX,
						UINT64_MAX - PAGE + 2};

		for (unsigned int i = 0; i < 3; i++) {
			int h = host_result(
				madvise(b.host, lens[i], MADV_NORMAL));

			assert_int_equal(uapi_madvise(b.m, 0, b.at, lens[i],
						      MADV_NORMAL),
					 h);
			h = host_result(mincore(b.host, lens[i], host));
			assert_int_equal(
				uapi_mincore(b.m, 0, b.at, lens[i], mine), h);
		}
	}
	/* PROT_NONE over a resident page: still resident. */
	write_both(&b, 0, 7);
	assert_int_equal(mprotect(b.host, PAGE, PROT_NONE), 0);
	assert_int_equal(uapi_mprotect(b.m, 0, b.at, PAGE, PROT_NONE), 0);
	mincore_both(&b, 0, 2, 0);
	teardown_both(&b);
}

/* The flags of the machine's VMA holding page of the window. */
static unsigned long vma_flags(struct both *b, unsigned int page)
{
	struct mm_struct *mm = find_task_by_pid(b->m, b->pid)->mm;

	return find_vma(mm, b->at + page * PAGE)->vm_flags;
}

/*
 * MADV_FREE: pages stay until reclaim; a clean lazily freed page is
 * then dropped (reads zero), one written again is kept. MADV_PAGEOUT
 * reclaims them now on both.
 */
static void test_lazyfree(void **state)
{
	struct both b;

	(void)state;
	setup_both(&b, MAP_PRIVATE | MAP_ANONYMOUS);
	for (unsigned int i = 0; i < 8; i++)
		write_both(&b, i, (uint8_t)(i + 1));
	madvise_both(&b, 0, 4, MADV_FREE, 0);
	mincore_both(&b, 0, PAGES, 0);
	assert_int_equal(b.m->vm_events[PGLAZYFREE], 4);
	write_both(&b, 1, 0x42); /* written again: kept */
	madvise_both(&b, 0, 8, MADV_PAGEOUT, 0);
	mincore_both(&b, 0, PAGES, 0);
	assert_int_equal(b.m->vm_events[PGLAZYFREED], 3);
	for (unsigned int i = 0; i < 8; i++)
		read_both(&b, i);
	madvise_both(&b, 0, 8, MADV_COLD, 0);
	mincore_both(&b, 0, PAGES, 0);
	/* Locked ranges refuse FREE, COLD and PAGEOUT; DONTNEED_LOCKED not. */
	assert_int_equal(syscall(SYS_mlock, b.host + 4 * PAGE, PAGE), 0);
	assert_int_equal(uapi_mlock(b.m, 0, b.at + 4 * PAGE, PAGE, 0), 0);
	madvise_both(&b, 4, 1, MADV_FREE, -EINVAL);
	madvise_both(&b, 4, 1, MADV_COLD, -EINVAL);
	madvise_both(&b, 4, 1, MADV_PAGEOUT, -EINVAL);
	madvise_both(&b, 4, 1, MADV_DONTNEED, -EINVAL);
	madvise_both(&b, 4, 1, 24 /* MADV_DONTNEED_LOCKED */, 0);
	mincore_both(&b, 0, PAGES, 0);
	read_both(&b, 4);
	assert_int_equal(syscall(SYS_munlock, b.host + 4 * PAGE, PAGE), 0);
	teardown_both(&b);
}

/* Under reclaim (the machine's own): clean lazily freed pages go first. */
static void test_lazyfree_reclaim(void **state)
{
	struct both b;
	struct mm_struct *mm;
	unsigned long held; /* the superblock's buffer page, never reclaimed */

	(void)state;
	setup_both(&b, MAP_PRIVATE | MAP_ANONYMOUS);
	mm = find_task_by_pid(b.m, b.pid)->mm;
	held = node_lruvec(b.m, 0)->nr_pages[LRU_INACTIVE_FILE];
	for (unsigned int i = 0; i < 8; i++)
		write_both(&b, i, (uint8_t)(i + 1));
	madvise_both(&b, 0, 8, MADV_FREE, 0);
	write_both(&b, 7, 0x77);
	assert_int_equal(node_lruvec(b.m, 0)->nr_pages[LRU_INACTIVE_FILE],
			 held + 8);
	assert_consistent(b.m);
	shrink_lruvec(b.m, node_lruvec(b.m, 0), 1UL << 20);
	assert_int_equal(mm->rss_stat[MM_ANONPAGES], 1);
	assert_int_equal(node_lruvec(b.m, 0)->nr_pages[LRU_INACTIVE_FILE],
			 held);
	assert_int_equal(node_lruvec(b.m, 0)->nr_pages[LRU_ACTIVE_ANON], 1);
	assert_consistent(b.m);
	teardown_both(&b);
}

/* MADV_POPULATE_READ and _WRITE, and their errors. */
static void test_populate(void **state)
{
	struct both b;

	(void)state;
	setup_both(&b, MAP_PRIVATE | MAP_ANONYMOUS);
	madvise_both(&b, 0, 2, MADV_POPULATE_READ, 0);
	madvise_both(&b, 2, 2, MADV_POPULATE_WRITE, 0);
	mincore_both(&b, 0, PAGES, 0);
	madvise_both(&b, 0, 0, MADV_POPULATE_WRITE, 0);
	/* Read-only: no write; PROT_NONE: neither. */
	assert_int_equal(mprotect(b.host + 4 * PAGE, PAGE, PROT_READ), 0);
	assert_int_equal(
		uapi_mprotect(b.m, 0, b.at + 4 * PAGE, PAGE, PROT_READ), 0);
	madvise_both(&b, 4, 1, MADV_POPULATE_WRITE, -EINVAL);
	madvise_both(&b, 4, 1, MADV_POPULATE_READ, 0);
	assert_int_equal(mprotect(b.host + 5 * PAGE, PAGE, PROT_NONE), 0);
	assert_int_equal(
		uapi_mprotect(b.m, 0, b.at + 5 * PAGE, PAGE, PROT_NONE), 0);
	madvise_both(&b, 5, 1, MADV_POPULATE_READ, -EINVAL);
	madvise_both(&b, 5, 1, MADV_POPULATE_WRITE, -EINVAL);
	madvise_both(&b, 5, 1, MADV_FREE, 0);
	madvise_both(&b, 5, 1, MADV_COLD, 0);
	/* A hole: the pages before it populated, -ENOMEM. */
	assert_int_equal(munmap(b.host + 12 * PAGE, PAGE), 0);
	assert_int_equal(uapi_munmap(b.m, 0, b.at + 12 * PAGE, PAGE), 0);
	madvise_both(&b, 10, 4, MADV_POPULATE_WRITE, -ENOMEM);
	mincore_both(&b, 0, 12, 0);
	madvise_both(&b, 12, 2, MADV_POPULATE_READ, -ENOMEM);
	teardown_both(&b);
}

/*
 * The host's window moved to a 64 KiB line, as the machine's is (fault-
 * around maps an aligned window), its PROT_NONE pages either side kept.
 */
static void align_host(struct both *b, int flags)
{
	size_t span = (PAGES + 2) * PAGE + 0x10000;
	uint8_t *r =
		mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t at = ((uintptr_t)r + PAGE + 0xffff) & ~(uintptr_t)0xffff;
	uintptr_t end = at + (PAGES + 1) * PAGE;

	assert_true(r != MAP_FAILED);
	munmap(b->host - PAGE, (PAGES + 2) * PAGE);
	b->host = mmap((void *)at, PAGES * PAGE, PROT_READ | PROT_WRITE,
		       flags | MAP_FIXED, -1, 0);
	assert_true(b->host == (uint8_t *)at);
	if (at - PAGE > (uintptr_t)r)
		munmap(r, at - PAGE - (uintptr_t)r);
	if ((uintptr_t)r + span > end)
		munmap((void *)end, (uintptr_t)r + span - end);
}

/* Which of the window's pages are mapped: "P" or "." each, on both. */
static void present_both(struct both *b, const char *want)
{
	uint64_t host[PAGES];
	uint8_t e[PAGES * 8];
	uint64_t nr = 0;
	char h[PAGES + 1] = "", mine[PAGES + 1] = "";
	int fd = open("/proc/self/pagemap", O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, host, sizeof(host),
			       (off_t)((uintptr_t)b->host / PAGE * 8)),
			 sizeof(host));
	close(fd);
	assert_int_equal(pagemap_read(b->m, b->pid, b->at, PAGES, e, &nr), 0);
	for (unsigned int i = 0; i < PAGES; i++) {
		h[i] = host[i] >> 63 ? 'P' : '.';
		mine[i] = e[i * 8 + 7] >> 7 ? 'P' : '.';
	}
	assert_string_equal(h, want);
	assert_string_equal(mine, want);
}

/* A read of the page on both: the minor faults it took, the same. */
static unsigned long read_faults_both(struct both *b, unsigned int page)
{
	struct mm_struct *mm = find_task_by_pid(b->m, b->pid)->mm;
	unsigned long flt = mm->min_flt;
	struct rusage before, after;

	getrusage(RUSAGE_SELF, &before);
	(void)*(volatile uint8_t *)&b->host[page * PAGE];
	getrusage(RUSAGE_SELF, &after);
	read_both(b, page);
	assert_int_equal(mm->min_flt - flt,
			 (unsigned long)(after.ru_minflt - before.ru_minflt));
	return mm->min_flt - flt;
}

/*
 * MADV_PAGEOUT of shared memory with no swap, as shrink_folio_list
 * treats a shmem folio: every entry goes (try_to_unmap, whose dirty
 * entries dirty the page); a clean page (only read) is dropped from the
 * object (__remove_mapping), a dirty one is kept and activated (shmem's
 * writeout finds no swap: AOP_WRITEPAGE_ACTIVATE). So mincore, which
 * answers for the object, loses the clean pages only, and a later read
 * fault's fault-around (filemap_map_pages) maps the kept pages again but
 * finds nothing where a clean one was.
 */
static void test_pageout_shared(void **state)
{
	struct both b;

	(void)state;
	setup_both(&b, MAP_SHARED | MAP_ANONYMOUS);
	align_host(&b, MAP_SHARED | MAP_ANONYMOUS);
	madvise_both(&b, 0, 8, MADV_POPULATE_READ, 0);
	for (unsigned int i = 4; i < 8; i++)
		write_both(&b, i, (uint8_t)(i + 1));
	write_both(&b, 1, 2); /* through the entry the read mapped */
	present_both(&b, "PPPPPPPP........");
	madvise_both(&b, 0, 8, MADV_PAGEOUT, 0);
	present_both(&b, "................");
	mincore_both(&b, 0, PAGES, 0);
	assert_int_equal(read_faults_both(&b, 0), 1);
	present_both(&b, "PP..PPPP........");
	assert_int_equal(read_faults_both(&b, 2), 1);
	present_both(&b, "PPP.PPPP........");
	for (unsigned int i = 0; i < 8; i++)
		read_both(&b, i);
	teardown_both(&b);
}

/* MADV_REMOVE frees shared memory's pages; private memory refuses it. */
static void test_remove(void **state)
{
	struct both b, p;

	(void)state;
	setup_both(&b, MAP_SHARED | MAP_ANONYMOUS);
	for (unsigned int i = 0; i < 6; i++)
		write_both(&b, i, (uint8_t)(0x10 + i));
	madvise_both(&b, 2, 2, MADV_REMOVE, 0);
	mincore_both(&b, 0, PAGES, 0);
	for (unsigned int i = 0; i < 6; i++)
		read_both(&b, i);
	mincore_both(&b, 0, PAGES, 0);
	madvise_both(&b, 0, 1, MADV_FREE, -EINVAL);
	madvise_both(&b, 0, 1, MADV_WIPEONFORK, -EINVAL);
	madvise_both(&b, 0, 1, MADV_PAGEOUT, 0);
	mincore_both(&b, 0, PAGES, 0);
	teardown_both(&b);
	setup_both(&p, MAP_PRIVATE | MAP_ANONYMOUS);
	madvise_both(&p, 0, 1, MADV_REMOVE, -EINVAL);
	teardown_both(&p);
}

/*
 * The advice that sets VMA flags: the VMA is cut to the range and the
 * flag set (VmFlags rr, sr, dc, dd, wf); fork honours DONTFORK (the
 * child has a hole) and WIPEONFORK (the child reads zeros).
 */
static void test_flags(void **state)
{
	struct both b;
	int child = 0;
	uint8_t v = 0xee;
	struct user_fault f;
	pid_t host_child;
	int status;

	(void)state;
	setup_both(&b, MAP_PRIVATE | MAP_ANONYMOUS);
	write_both(&b, 0, 9);
	write_both(&b, 2, 9);
	madvise_both(&b, 1, 1, MADV_RANDOM, 0);
	assert_true(vma_flags(&b, 1) & VM_RAND_READ);
	madvise_both(&b, 1, 1, MADV_SEQUENTIAL, 0);
	assert_int_equal(vma_flags(&b, 1) & (VM_RAND_READ | VM_SEQ_READ),
			 VM_SEQ_READ);
	madvise_both(&b, 1, 1, MADV_NORMAL, 0);
	assert_int_equal(vma_flags(&b, 1) & (VM_RAND_READ | VM_SEQ_READ), 0);
	madvise_both(&b, 3, 1, MADV_DONTDUMP, 0);
	assert_true(vma_flags(&b, 3) & VM_DONTDUMP);
	madvise_both(&b, 3, 1, MADV_DODUMP, 0);
	madvise_both(&b, 0, 1, MADV_DONTFORK, 0);
	madvise_both(&b, 2, 1, MADV_WIPEONFORK, 0);
	madvise_both(&b, 0, 1, MADV_MERGEABLE, 0);
	madvise_both(&b, 0, 1, MADV_UNMERGEABLE, 0);
	assert_true(vma_flags(&b, 0) & VM_DONTCOPY);
	assert_true(vma_flags(&b, 2) & VM_WIPEONFORK);
	assert_consistent(b.m);
	/* The host's child: page 0 gone, page 2 zero. */
	host_child = fork();
	if (!host_child) {
		unsigned char vec;

		_exit((mincore(b.host, PAGE, &vec) == -1 && errno == ENOMEM &&
		       b.host[2 * PAGE] == 0)
			      ? 0
			      : 1);
	}
	assert_int_equal(waitpid(host_child, &status, 0), host_child);
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(uapi_fork(b.m, 0, &child), 0);
	assert_int_equal(uapi_access_vm(b.m, child, b.at, &v, 1, USER_READ, &f),
			 -EFAULT);
	assert_int_equal(uapi_access_vm(b.m, child, b.at + 2 * PAGE, &v, 1,
					USER_READ, &f),
			 0);
	assert_int_equal(v, 0);
	assert_consistent(b.m);
	assert_int_equal(uapi_exit_process(b.m, child), 0);
	madvise_both(&b, 0, 1, MADV_DOFORK, 0);
	madvise_both(&b, 2, 1, MADV_KEEPONFORK, 0);
	assert_int_equal(vma_flags(&b, 0) & VM_DONTCOPY, 0);
	/* Advice Linux does not have, and MADV_COLLAPSE without THP. */
	madvise_both(&b, 0, 1, 5, -EINVAL);
	madvise_both(&b, 0, 1, 7, -EINVAL);
	madvise_both(&b, 0, 1, 25, -EINVAL);
	madvise_both(&b, 0, 1, -1, -EINVAL);
	teardown_both(&b);
}

#define MADV_GUARD_INSTALL_ 102
#define MADV_GUARD_REMOVE_  103

/* The pagemap entry of a page on both: the same bits (PFNs aside). */
static void pagemap_both(struct both *b, unsigned int page, uint64_t want)
{
	uint64_t host = 0, mine;
	uint8_t e[8];
	uint64_t nr = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(
		pread(fd, &host, 8,
		      (off_t)((uintptr_t)(b->host + page * PAGE) / PAGE * 8)),
		8);
	close(fd);
	assert_int_equal(
		pagemap_read(b->m, b->pid, b->at + page * PAGE, 1, e, &nr), 0);
	mine = 0;
	for (int i = 0; i < 8; i++)
		mine |= (uint64_t)e[i] << (8 * i);
	assert_int_equal(host, want);
	assert_int_equal(mine, want);
}

/* A read of the page in a child of the host: the signal it died of. */
static int host_read_signal(struct both *b, unsigned int page)
{
	int status;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (!pid) {
		signal(SIGSEGV, SIG_DFL);
		(void)*(volatile uint8_t *)&b->host[page * PAGE];
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status) ? WTERMSIG(status) : 0;
}

/* The machine's read of the page: SIGSEGV, SEGV_MAPERR, no fault counted. */
static void guard_segv(struct both *b, int pid, unsigned int page)
{
	struct mm_struct *mm = find_task_by_pid(b->m, pid)->mm;
	unsigned long flt = mm->min_flt;
	struct user_fault f = {0};
	uint8_t v;

	assert_int_equal(uapi_access_vm(b->m, pid, b->at + page * PAGE, &v, 1,
					USER_READ, &f),
			 -EFAULT);
	assert_int_equal(f.signo, SIGSEGV);
	assert_int_equal(f.si_code, SEGV_MAPERR);
	assert_int_equal(mm->min_flt, flt);
}

/*
 * MADV_GUARD_INSTALL and MADV_GUARD_REMOVE (madvise_guard_install,
 * madvise_guard_remove, handle_pte_marker, pagemap's PM_GUARD_REGION):
 * the range's pages zapped, a marker in each entry that pagemap shows
 * as Linux 6.18 does, any access SIGSEGV; DONTNEED and mprotect keep the
 * markers, fork copies them, populating one is -EFAULT, installing on a
 * locked range -EINVAL, removing there allowed; once removed the page
 * reads zero.
 */
static void test_guard(void **state)
{
	const uint64_t guard = 0x440000000000009fULL;
	struct both b;
	int child;

	(void)state;
	setup_both(&b, MAP_PRIVATE | MAP_ANONYMOUS);
	for (unsigned int i = 0; i < 4; i++)
		write_both(&b, i, (uint8_t)(i + 1));
	madvise_both(&b, 1, 2, MADV_GUARD_INSTALL_, 0);
	assert_int_equal(
		find_vma(find_task_by_pid(b.m, b.pid)->mm, b.at)->vm_end,
		b.at + PAGES * PAGE); /* one VMA still */
	pagemap_both(&b, 1, guard);
	pagemap_both(&b, 2, guard);
	assert_int_equal(host_read_signal(&b, 1), SIGSEGV);
	guard_segv(&b, b.pid, 1);
	madvise_both(&b, 0, 4, MADV_DONTNEED, 0);
	pagemap_both(&b, 2, guard);
	assert_int_equal(host_result(mprotect(b.host, 4 * PAGE, PROT_READ)), 0);
	assert_int_equal(uapi_mprotect(b.m, 0, b.at, 4 * PAGE, PROT_READ), 0);
	pagemap_both(&b, 1, guard);
	assert_int_equal(
		host_result(mprotect(b.host, 4 * PAGE, PROT_READ | PROT_WRITE)),
		0);
	assert_int_equal(
		uapi_mprotect(b.m, 0, b.at, 4 * PAGE, PROT_READ | PROT_WRITE),
		0);
	madvise_both(&b, 0, 4, MADV_POPULATE_READ, -EFAULT);
	assert_int_equal(uapi_fork(b.m, 0, &child), 0);
	guard_segv(&b, child, 2);
	assert_int_equal(uapi_exit_process(b.m, child), 0);
	assert_consistent(b.m);
	/* Locked: no new guards, but the old ones may go. */
	assert_int_equal(
		host_result((int)syscall(SYS_mlock, b.host + 3 * PAGE, PAGE)),
		0);
	assert_int_equal(uapi_mlock(b.m, 0, b.at + 3 * PAGE, PAGE, 0), 0);
	madvise_both(&b, 3, 1, MADV_GUARD_INSTALL_, -EINVAL);
	assert_int_equal(
		host_result((int)syscall(SYS_munlock, b.host + 3 * PAGE, PAGE)),
		0);
	assert_int_equal(uapi_munlock(b.m, 0, b.at + 3 * PAGE, PAGE), 0);
	madvise_both(&b, 1, 2, MADV_GUARD_REMOVE_, 0);
	pagemap_both(&b, 1, 0);
	read_both(&b, 1); /* zero: install dropped the page */
	teardown_both(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dontneed_private),
		cmocka_unit_test(test_dontneed_shared),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_lazyfree),
		cmocka_unit_test(test_lazyfree_reclaim),
		cmocka_unit_test(test_populate),
		cmocka_unit_test(test_pageout_shared),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_guard),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
