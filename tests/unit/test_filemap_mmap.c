/* SPDX-License-Identifier: MIT */
/*
 * test_filemap_mmap.c - file mappings (mm/filemap.c's filemap_fault and
 * filemap_map_pages, mm/memory.c's do_read_fault, do_cow_fault and
 * do_shared_fault, mm/msync.c, truncation's unmap_mapping_range): the
 * errno of every bad input and the fault-around count of minor faults
 * against the host kernel on a tmpfs file; read-around and major faults
 * as Linux sizes them; MAP_SHARED writes dirtying the cache and msync
 * writing exactly those pages; MAP_PRIVATE copy-on-write; SIGBUS past
 * EOF after truncation, with the tail of the last page zero; reclaim
 * unmapping mapped file pages through rmap; fork; VMA merge and split
 * by vm_file and vm_pgoff; /proc/PID/maps lines.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/mmzone.h"
#include "core/filemap.h"
#include "core/fs/fs.h"
#include "core/mm.h"
#include "core/task.h"
#include "core/task_mmu.h"
#include "core/uapi.h"
#include "core/vmscan.h"

struct rig {
	struct machine *m;
	int pid;
	int fd; /* /big, opened with the setup's flags */
};

/* A machine of mem bytes with /big preloaded (size bytes, % 251). */
static void setup(struct rig *r, uint64_t mem, uint64_t size, int flags)
{
	struct layout l;

	small_layout(&l, mem);
	l.nr_files = 1;
	strcpy(l.files[0].name, "big");
	l.files[0].size = size;
	r->m = boot(&l);
	assert_int_equal(task_create(r->m, "fm", 0, 0, &r->pid), 0);
	assert_int_equal(task_switch(r->m, r->pid), 0);
	assert_int_equal(uapi_open(r->m, 0, "/big", flags, 0, &r->fd), 0);
}

static void teardown(struct rig *r)
{
	assert_consistent(r->m);
	machine_destroy(r->m);
}

static struct mm_struct *mm_of(const struct rig *r, int pid)
{
	return find_task_by_pid(r->m, pid ? pid : r->pid)->mm;
}

static uint64_t map(struct rig *r, uint64_t len, int prot, int flags,
		    int64_t off)
{
	uint64_t addr = 0;

	assert_int_equal(
		uapi_sys_mmap(r->m, 0, 0, len, prot, flags, r->fd, off, &addr),
		0);
	return addr;
}

/* A mapping at a fixed, 2 MiB aligned place with nothing near it. */
#define FIXED_AT 0x40000000ULL

static uint64_t map_at(struct rig *r, uint64_t len, int prot, int flags,
		       int64_t off)
{
	uint64_t addr = 0;

	assert_int_equal(uapi_sys_mmap(r->m, 0, FIXED_AT, len, prot,
				       flags | MAP_FIXED, r->fd, off, &addr),
			 0);
	assert_int_equal(addr, FIXED_AT);
	return addr;
}

static uint8_t peek(struct rig *r, int pid, uint64_t addr)
{
	struct user_fault f;
	uint8_t b = 0;

	assert_int_equal(uapi_access_vm(r->m, pid, addr, &b, 1, USER_READ, &f),
			 0);
	return b;
}

static void poke(struct rig *r, int pid, uint64_t addr, uint8_t b)
{
	struct user_fault f;

	assert_int_equal(uapi_access_vm(r->m, pid, addr, &b, 1, USER_WRITE, &f),
			 0);
}

static void cache_all(struct rig *r, uint64_t size)
{
	static uint8_t buf[1 << 16];
	size_t done;

	for (uint64_t off = 0; off < size; off += sizeof(buf))
		assert_int_equal(uapi_pread64(r->m, 0, r->fd, buf, sizeof(buf),
					      (int64_t)off, &done),
				 0);
}

/* ------------------------------------------------------------------ */
/* Against the host                                                    */

struct host {
	char path[64];
	int rdonly, wronly, rdwr, dir;
};

static void host_open(struct host *h, uint64_t size)
{
	int fd;

	strcpy(h->path, "/dev/shm/mmfmXXXXXX");
	fd = mkstemp(h->path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)size), 0);
	close(fd);
	h->rdonly = open(h->path, O_RDONLY);
	h->wronly = open(h->path, O_WRONLY);
	h->rdwr = open(h->path, O_RDWR);
	h->dir = open("/dev/shm", O_RDONLY | O_DIRECTORY);
	assert_true(h->rdonly >= 0 && h->wronly >= 0 && h->rdwr >= 0 &&
		    h->dir >= 0);
}

static void host_close(struct host *h)
{
	close(h->rdonly);
	close(h->wronly);
	close(h->rdwr);
	close(h->dir);
	unlink(h->path);
}

/*
 * The host's mapping of len bytes of fd at a 64 KiB aligned address
 * with 12 free pages above it (a reservation cut down).
 */
static uint8_t *host_map_hole(size_t len, int prot, int flags, int fd)
{
	size_t span = len + 12 * PAGE + 16 * PAGE;
	uint8_t *res = mmap(NULL, span, PROT_NONE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	uint8_t *p;

	assert_true(res != MAP_FAILED);
	p = (uint8_t *)(((uintptr_t)res + 16 * PAGE - 1) &
			~(uintptr_t)(16 * PAGE - 1));
	munmap(res, span);
	p = mmap(p, len, prot, flags | MAP_FIXED, fd, 0);
	assert_true(p != MAP_FAILED);
	return p;
}

/* mmap on the host: 0, or -errno (the mapping is undone). */
static int host_mmap(size_t len, int prot, int flags, int fd, off_t off)
{
	void *p = mmap(NULL, len, prot, flags, fd, off);

	if (p == MAP_FAILED)
		return -errno;
	munmap(p, len);
	return 0;
}

static int mm_mmap(struct rig *r, uint64_t len, int prot, int flags, int fd,
		   int64_t off)
{
	uint64_t addr = 0;
	int err = uapi_sys_mmap(r->m, 0, 0, len, prot, flags, fd, off, &addr);

	if (!err)
		assert_int_equal(uapi_munmap(r->m, 0, addr, len), 0);
	return err;
}

static void test_mmap_errno_host(void **state)
{
	struct rig r;
	struct host h;
	int rd, wr, rw, dir;
	const struct {
		int prot, flags,
			which; /* 0 rdonly 1 wronly 2 rdwr 3 dir 4 bad */
		int64_t off;
		size_t len;
		int err;
	} cases[] = {
		{PROT_READ, MAP_SHARED, 1, 0, PAGE, -EACCES},
		{PROT_READ, MAP_PRIVATE, 1, 0, PAGE, -EACCES},
		{PROT_READ | PROT_WRITE, MAP_SHARED, 0, 0, PAGE, -EACCES},
		{PROT_READ | PROT_WRITE, MAP_PRIVATE, 0, 0, PAGE, 0},
		{PROT_READ | PROT_WRITE, MAP_SHARED, 2, 0, PAGE, 0},
		{PROT_READ, MAP_SHARED, 0, 0, PAGE, 0},
		{PROT_READ, MAP_SHARED, 4, 0, PAGE, -EBADF},
		{PROT_READ, MAP_SHARED, 0, 100, PAGE, -EINVAL},
		{PROT_READ, MAP_SHARED, 4, 100, PAGE, -EINVAL},
		{PROT_READ, MAP_SHARED, 0, -PAGE, PAGE, -EOVERFLOW},
		{PROT_READ, MAP_SHARED, 0, 0, 0, -EINVAL},
		{PROT_READ, MAP_SHARED, 3, 0, PAGE, -ENODEV},
		{PROT_READ, MAP_SHARED | MAP_HUGETLB, 0, 0, PAGE, -EINVAL},
		{PROT_READ, MAP_SHARED | MAP_GROWSDOWN, 0, 0, PAGE, -EINVAL},
		{PROT_READ, 0, 0, 0, PAGE, -EINVAL},
		/* Past EOF is no error: the access is (SIGBUS). */
		{PROT_READ, MAP_SHARED, 0, 64 * PAGE, PAGE, 0},
	};

	(void)state;
	setup(&r, 64 * MiB, 8 * PAGE, O_RDONLY);
	host_open(&h, 8 * PAGE);
	rd = r.fd;
	assert_int_equal(uapi_open(r.m, 0, "/big", O_WRONLY, 0, &wr), 0);
	assert_int_equal(uapi_open(r.m, 0, "/big", O_RDWR, 0, &rw), 0);
	assert_int_equal(
		uapi_open(r.m, 0, "/", O_RDONLY | O_DIRECTORY, 0, &dir), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int hfds[] = {h.rdonly, h.wronly, h.rdwr, h.dir, 999};
		int mfds[] = {rd, wr, rw, dir, 999};
		int w = cases[i].which;
		int herr =
			host_mmap(cases[i].len, cases[i].prot, cases[i].flags,
				  hfds[w], (off_t)cases[i].off);
		int merr = mm_mmap(&r, cases[i].len, cases[i].prot,
				   cases[i].flags, mfds[w], cases[i].off);

		if (herr != cases[i].err || merr != cases[i].err)
			fail_msg("case %zu: host %d, mm %d, expected %d", i,
				 herr, merr, cases[i].err);
	}
	host_close(&h);
	teardown(&r);
}

/* mprotect's VM_MAY* and msync's checks, each as the host answers. */
/*
 * madvise_free_single_vma and madvise_behavior: MADV_FREE and
 * MADV_WIPEONFORK take anonymous memory only, -EINVAL for a private file
 * mapping on both (the differential tester found the machine taking
 * them).
 */
static void test_madvise_file_errno_host(void **state)
{
	struct rig r;
	struct host h;
	uint64_t a;
	uint8_t *p;

	(void)state;
	setup(&r, 64 * MiB, 16 * PAGE, O_RDWR);
	host_open(&h, 16 * PAGE);
	a = map(&r, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, h.rdwr,
		 0);
	assert_true(p != MAP_FAILED);
	assert_int_equal(madvise(p, 4 * PAGE, MADV_FREE), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(uapi_madvise(r.m, 0, a, 4 * PAGE, MADV_FREE), -EINVAL);
	assert_int_equal(madvise(p, 4 * PAGE, MADV_WIPEONFORK), -1);
	assert_int_equal(errno, EINVAL);
	assert_int_equal(uapi_madvise(r.m, 0, a, 4 * PAGE, MADV_WIPEONFORK),
			 -EINVAL);
	munmap(p, 4 * PAGE);
	host_close(&h);
	teardown(&r);
}

/*
 * do_mmap: mlockall(MCL_FUTURE)'s def_flags lock a file mapping too,
 * populated at once (MCL_ONFAULT: not populated, populate_vma_page_range).
 */
static void test_mlockall_future_file(void **state)
{
	struct rig r;
	struct mm_struct *mm;
	uint64_t a;

	(void)state;
	setup(&r, 64 * MiB, 16 * PAGE, O_RDWR);
	mm = mm_of(&r, 0);
	assert_int_equal(uapi_mlockall(r.m, 0, MCL_FUTURE), 0);
	a = map(&r, 4 * PAGE, PROT_READ, MAP_SHARED, 0);
	assert_true(find_vma(mm, a)->vm_flags & VM_LOCKED);
	assert_int_equal(mm->locked_vm, 4);
	assert_int_equal(get_mm_rss(mm), 4);
	assert_int_equal(uapi_mlockall(r.m, 0, MCL_FUTURE | MCL_ONFAULT), 0);
	a = map(&r, 4 * PAGE, PROT_READ, MAP_SHARED, 4 * PAGE);
	assert_int_equal(mm->locked_vm, 8);
	assert_int_equal(get_mm_rss(mm), 4);
	assert_int_equal(uapi_munlockall(r.m, 0), 0);
	teardown(&r);
}

/*
 * mlock_vma_folio at the end of folio_add_file_rmap: the pages that
 * mlock's first fault maps around it are mlocked too (the machine left
 * them on the evictable lists); and folio_mark_accessed: a locked file
 * page, on the unevictable list, stays there however often write()
 * touches it (the list never rotates; the machine moved it to a list
 * past the last one).
 */
static void test_locked_page_accessed(void **state)
{
	struct rig r;
	struct page *page;
	struct pgtable_walk w;
	size_t done;
	uint64_t a;
	char buf[16] = "locked";

	(void)state;
	setup(&r, 64 * MiB, 16 * PAGE, O_RDWR);
	a = map(&r, 4 * PAGE, PROT_READ, MAP_SHARED, 0);
	assert_int_equal(uapi_mlock(r.m, 0, a, 4 * PAGE, 0), 0);
	assert_int_equal(pid_pagewalk(r.m, r.pid, a, &w), 0);
	page = pfn_to_page(r.m, pte_pfn(r.m, w.level[w.levels - 1].entry));
	assert_true(PageFlag(page, PG_unevictable));
	assert_consistent(r.m); /* every page of the locked VMA mlocked */
	for (int i = 0; i < 3; i++)
		assert_int_equal(
			uapi_pwrite64(r.m, 0, r.fd, buf, sizeof(buf), 0, &done),
			0);
	assert_true(PageFlag(page, PG_unevictable));
	assert_false(PageFlag(page, PG_active));
	teardown(&r);
}

/*
 * mprotect_fixup: only an anonymous mapping (vma_is_anonymous) loses
 * VM_ACCOUNT when it stops being writable with no page written; a
 * private file mapping keeps it, so its pieces merge again (the
 * differential tester found two VMAs where Linux has one).
 */
static void test_mprotect_file_account(void **state)
{
	struct rig r;
	struct mm_struct *mm;
	const struct vm_area_struct *vma;

	(void)state;
	setup(&r, 64 * MiB, 16 * PAGE, O_RDWR);
	mm = mm_of(&r, 0);
	map_at(&r, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	assert_int_equal(uapi_mprotect(r.m, 0, FIXED_AT + 3 * PAGE, PAGE,
				       PROT_READ | PROT_WRITE | PROT_EXEC),
			 0);
	poke(&r, 0, FIXED_AT + PAGE, 1); /* an anon_vma for [0, 3) */
	assert_int_equal(
		uapi_mprotect(r.m, 0, FIXED_AT + 2 * PAGE, 2 * PAGE, PROT_READ),
		0);
	vma = find_vma(mm, FIXED_AT + 2 * PAGE);
	assert_int_equal(vma->vm_start, FIXED_AT + 2 * PAGE);
	assert_int_equal(vma->vm_end, FIXED_AT + 4 * PAGE);
	assert_true(vma->vm_flags & VM_ACCOUNT);
	teardown(&r);
}

static void test_mprotect_msync_errno_host(void **state)
{
	struct rig r;
	struct host h;
	uint64_t a;
	uint8_t *p;

	(void)state;
	setup(&r, 64 * MiB, 8 * PAGE, O_RDONLY);
	host_open(&h, 8 * PAGE);
	p = host_map_hole(4 * PAGE, PROT_READ, MAP_SHARED, h.rdonly);
	a = map_at(&r, 4 * PAGE, PROT_READ, MAP_SHARED, 0);
	/* Shared in name only: never writable, so no PROT_WRITE later. */
	assert_int_equal(mprotect(p, PAGE, PROT_READ | PROT_WRITE), -1);
	assert_int_equal(errno, EACCES);
	assert_int_equal(uapi_mprotect(r.m, 0, a, PAGE, PROT_READ | PROT_WRITE),
			 -EACCES);
	{
		const struct {
			int64_t off;
			size_t len;
			int flags, err;
		} c[] = {
			{0, PAGE, MS_SYNC, 0},
			{0, PAGE, MS_ASYNC, 0},
			{0, PAGE, MS_INVALIDATE, 0},
			{0, PAGE, MS_ASYNC | MS_SYNC, -EINVAL},
			{0, PAGE, 8, -EINVAL},
			{1, PAGE, MS_SYNC, -EINVAL},
			{0, 0, MS_SYNC, 0},
			{0, 8 * PAGE, MS_SYNC, -ENOMEM},
			{0, 8 * PAGE, MS_ASYNC, -ENOMEM},
			{4 * PAGE, PAGE, MS_SYNC, -ENOMEM},
		};
		for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
			int herr = msync(p + c[i].off, c[i].len, c[i].flags)
					   ? -errno
					   : 0;
			int merr = uapi_msync(r.m, 0, a + (uint64_t)c[i].off,
					      c[i].len, c[i].flags);

			if (herr != c[i].err || merr != c[i].err)
				fail_msg("msync case %zu: host %d, mm %d, "
					 "expected %d",
					 i, herr, merr, c[i].err);
		}
	}
	munmap(p, 4 * PAGE);
	host_close(&h);
	teardown(&r);
}

/* A read the sanitizer does not see: its shadow would fault too. */
__attribute__((no_sanitize_address, noinline)) static uint8_t
host_read(const volatile uint8_t *p)
{
	return *p;
}

static long host_minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/*
 * Reading every page of a cached 64-page file mapping: fault-around
 * maps 16 pages per fault, 4 minor faults in all, on the host's tmpfs
 * and here.
 */
/* mmctl ps's RSS column (the fourth) of pid, in KiB. */
static unsigned long ps_rss_kb(struct machine *m, int pid)
{
	struct seq_buf s;
	unsigned long rss = ~0UL;
	int p;
	unsigned int psr;
	unsigned long vsz, kb;

	seq_buf_init(&s);
	assert_int_equal(report_ps(m, &s), 0);
	for (char *l = strchr(s.buf, '\n'); l && l[1]; l = strchr(l + 1, '\n'))
		if (sscanf(l + 1, "%d %u %lu %lu", &p, &psr, &vsz, &kb) == 4 &&
		    p == pid)
			rss = kb;
	seq_buf_free(&s);
	return rss;
}

static void test_fault_around_host(void **state)
{
	struct rig r;
	struct host h;
	volatile uint8_t *p;
	uint64_t a;
	long before, host_faults;
	unsigned long min;
	int fd;

	(void)state;
	setup(&r, 64 * MiB, 64 * PAGE, O_RDONLY);
	host_open(&h, 64 * PAGE);
	fd = open(h.path, O_RDWR);
	for (int i = 0; i < 64; i++) /* every page in the host's cache */
		assert_int_equal(pwrite(fd, "x", 1, (off_t)i * PAGE), 1);
	close(fd);
	p = host_map_hole(64 * PAGE, PROT_READ, MAP_SHARED, h.rdonly);
	before = host_minflt();
	for (int i = 0; i < 64; i++)
		(void)host_read(p + i * PAGE);
	host_faults = host_minflt() - before;
	munmap((void *)p, 64 * PAGE);

	cache_all(&r, 64 * PAGE);
	a = map_at(&r, 64 * PAGE, PROT_READ, MAP_SHARED, 0);
	min = mm_of(&r, 0)->min_flt;
	for (int i = 0; i < 64; i++)
		assert_int_equal(peek(&r, 0, a + (uint64_t)i * PAGE),
				 ((uint64_t)i * PAGE) % 251);
	assert_int_equal(mm_of(&r, 0)->min_flt - min, 4);
	assert_int_equal(host_faults, 4);
	assert_int_equal(mm_of(&r, 0)->maj_flt, 0);
	assert_int_equal(mm_of(&r, 0)->rss_stat[MM_FILEPAGES], 64);
	assert_int_equal(r.m->node_stat[NR_FILE_MAPPED], 64);
	/* ps's RSS holds file pages, as ps -o rss (get_mm_rss). */
	assert_int_equal(ps_rss_kb(r.m, r.pid),
			 (mm_of(&r, 0)->rss_stat[MM_ANONPAGES] + 64 +
			  mm_of(&r, 0)->rss_stat[MM_SHMEMPAGES]) *
				 4);
	/* A knob of one page: every page faults on its own. */
	assert_int_equal(uapi_munmap(r.m, 0, a, 64 * PAGE), 0);
	assert_int_equal(r.m->node_stat[NR_FILE_MAPPED], 0);
	assert_int_equal(
		uapi_admin_sysctl(r.m, "debug.fault_around_bytes", 4096), 0);
	assert_int_equal(uapi_admin_sysctl(r.m, "debug.fault_around_bytes",
					   512 * PAGE + PAGE),
			 -EINVAL);
	a = map(&r, 64 * PAGE, PROT_READ, MAP_SHARED, 0);
	min = mm_of(&r, 0)->min_flt;
	for (int i = 0; i < 64; i++)
		(void)peek(&r, 0, a + (uint64_t)i * PAGE);
	assert_int_equal(mm_of(&r, 0)->min_flt - min, 64);
	host_close(&h);
	teardown(&r);
}

/*
 * An uncached file: the first fault is major and reads around it (32
 * pages, the marker 8 before the end); the next faults are minor, and
 * the one on the marker reads the next window ahead.
 */
static void test_major_fault_read_around(void **state)
{
	struct rig r;
	struct inode *inode;
	uint64_t a;

	(void)state;
	setup(&r, 64 * MiB, 256 * PAGE, O_RDONLY);
	inode = d_lookup(r.m, "big", 3);
	a = map_at(&r, 256 * PAGE, PROT_READ, MAP_PRIVATE, 0);
	assert_int_equal(peek(&r, 0, a + 40 * PAGE + 7), (40 * PAGE + 7) % 251);
	assert_int_equal(mm_of(&r, 0)->maj_flt, 1);
	assert_int_equal(r.m->vm_events[PGMAJFAULT], 1);
	assert_int_equal(inode->i_nrpages, 32); /* [24, 56) */
	assert_non_null(find_get_page(r.m, inode, 24));
	assert_null(find_get_page(r.m, inode, 23));
	assert_true(PageFlag(find_get_page(r.m, inode, 48), PG_readahead));
	for (uint64_t i = 41; i < 56; i++)
		(void)peek(&r, 0, a + i * PAGE);
	/*
	 * 41 maps 32..47 around it (16 pages of the window); 48, the
	 * marker, is left by fault-around (49..55 mapped) and faults on its
	 * own, reading the next 32 ahead.
	 */
	assert_int_equal(mm_of(&r, 0)->maj_flt, 1);
	assert_int_equal(mm_of(&r, 0)->min_flt, 2);
	assert_int_equal(inode->i_nrpages, 64);
	assert_int_equal(mm_of(&r, 0)->rss_stat[MM_FILEPAGES], 16 + 8);
	teardown(&r);
}

/* A shared write dirties the cache page; msync writes exactly it. */
static void test_shared_write_msync(void **state)
{
	struct rig r;
	struct inode *inode;
	uint8_t buf[4];
	size_t done;
	uint64_t a, writes;

	(void)state;
	setup(&r, 64 * MiB, 16 * PAGE, O_RDWR);
	inode = d_lookup(r.m, "big", 3);
	a = map(&r, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	for (int i = 0; i < 16; i++)
		(void)peek(&r, 0, a + (uint64_t)i * PAGE);
	assert_int_equal(inode->i_nrdirty, 0); /* read faults map clean */
	poke(&r, 0, a + 3 * PAGE + 1, 0xAB);
	poke(&r, 0, a + 9 * PAGE, 0xCD);
	assert_int_equal(inode->i_nrdirty, 2);
	assert_int_equal(r.m->node_stat[NR_FILE_DIRTY], 2);
	assert_int_equal(uapi_pread64(r.m, 0, r.fd, buf, 2, 3 * PAGE, &done),
			 0);
	assert_int_equal(buf[1], 0xAB); /* the cache is the file */
	writes = r.m->node_stat[NR_WRITTEN];
	assert_int_equal(uapi_msync(r.m, 0, a, 16 * PAGE, MS_ASYNC), 0);
	assert_int_equal(r.m->node_stat[NR_WRITTEN], writes);
	assert_int_equal(uapi_msync(r.m, 0, a + 4 * PAGE, 12 * PAGE, MS_SYNC),
			 0);
	assert_int_equal(r.m->node_stat[NR_WRITTEN], writes + 1);
	assert_int_equal(inode->i_nrdirty, 1);
	assert_int_equal(uapi_msync(r.m, 0, a, 16 * PAGE, MS_SYNC), 0);
	assert_int_equal(r.m->node_stat[NR_WRITTEN], writes + 2);
	assert_int_equal(inode->i_nrdirty, 0);
	/* Written back, the entry lost its write bit: a write dirties again. */
	poke(&r, 0, a + 9 * PAGE + 1, 0xEF);
	assert_int_equal(inode->i_nrdirty, 1);
	assert_int_equal(uapi_fsync(r.m, 0, r.fd), 0);
	assert_int_equal(r.m->node_stat[NR_WRITTEN], writes + 3);
	/* Dropped from the cache and read back from the device: the bytes. */
	assert_int_equal(uapi_munmap(r.m, 0, a, 16 * PAGE), 0);
	assert_int_equal(
		uapi_fadvise64(r.m, 0, r.fd, 0, 0, POSIX_FADV_DONTNEED), 0);
	assert_int_equal(inode->i_nrpages, 0);
	assert_int_equal(uapi_pread64(r.m, 0, r.fd, buf, 2, 9 * PAGE, &done),
			 0);
	assert_int_equal(buf[0], 0xCD);
	assert_int_equal(buf[1], 0xEF);
	teardown(&r);
}

/* MAP_PRIVATE: reads share the cache page; a write copies it. */
static void test_private_cow(void **state)
{
	struct rig r;
	struct mm_struct *mm;
	uint8_t b;
	size_t done;
	uint64_t a;

	(void)state;
	setup(&r, 64 * MiB, 4 * PAGE, O_RDONLY);
	mm = mm_of(&r, 0);
	assert_int_equal(
		uapi_admin_sysctl(r.m, "debug.fault_around_bytes", 4096), 0);
	a = map(&r, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	assert_int_equal(peek(&r, 0, a + 5), 5);
	assert_int_equal(mm->rss_stat[MM_FILEPAGES], 1);
	poke(&r, 0, a + 5, 0x55);
	assert_int_equal(mm->rss_stat[MM_FILEPAGES], 0);
	assert_int_equal(mm->rss_stat[MM_ANONPAGES], 1);
	assert_int_equal(peek(&r, 0, a + 5), 0x55);
	assert_int_equal(uapi_pread64(r.m, 0, r.fd, &b, 1, 5, &done), 0);
	assert_int_equal(b, 5); /* the file is untouched */
	assert_int_equal(r.m->node_stat[NR_FILE_DIRTY], 0);
	/* A first write with nothing mapped copies at once (do_cow_fault). */
	poke(&r, 0, a + PAGE, 0x66);
	assert_int_equal(mm->rss_stat[MM_ANONPAGES], 2);
	assert_int_equal(mm->rss_stat[MM_FILEPAGES], 0);
	assert_int_equal(r.m->node_stat[NR_FILE_MAPPED], 0);
	teardown(&r);
}

/* Truncation unmaps; an access past EOF is SIGBUS, the tail zero. */
static void test_truncate_sigbus(void **state)
{
	struct rig r;
	struct user_fault f;
	uint8_t b;
	uint64_t a;

	(void)state;
	setup(&r, 64 * MiB, 4 * PAGE, O_RDWR);
	a = map(&r, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	for (int i = 0; i < 4; i++)
		(void)peek(&r, 0, a + (uint64_t)i * PAGE);
	assert_int_equal(
		uapi_access_vm(r.m, 0, a + 5 * PAGE, &b, 1, USER_READ, &f),
		-EFAULT);
	assert_int_equal(f.signo, SIGBUS);
	assert_int_equal(f.si_code, BUS_ADRERR);
	assert_int_equal(f.addr, a + 5 * PAGE);
	assert_int_equal(uapi_ftruncate(r.m, 0, r.fd, PAGE + 100), 0);
	assert_int_equal(mm_of(&r, 0)->rss_stat[MM_FILEPAGES], 2);
	assert_int_equal(peek(&r, 0, a + PAGE + 99), (PAGE + 99) % 251);
	assert_int_equal(peek(&r, 0, a + PAGE + 100), 0);
	assert_int_equal(peek(&r, 0, a + 2 * PAGE - 1), 0);
	assert_int_equal(
		uapi_access_vm(r.m, 0, a + 2 * PAGE, &b, 1, USER_WRITE, &f),
		-EFAULT);
	assert_int_equal(f.signo, SIGBUS);
	/* The file grows again: the page is there, zeros. */
	assert_int_equal(uapi_ftruncate(r.m, 0, r.fd, 3 * PAGE), 0);
	assert_int_equal(peek(&r, 0, a + 2 * PAGE + 10), 0);
	teardown(&r);
}

/* Private copies go with the truncation too (even_cows). */
static void test_truncate_private_copy(void **state)
{
	struct rig r;
	struct user_fault f;
	uint8_t b;
	uint64_t a;
	int rw;

	(void)state;
	setup(&r, 64 * MiB, 4 * PAGE, O_RDONLY);
	assert_int_equal(uapi_open(r.m, 0, "/big", O_RDWR, 0, &rw), 0);
	a = map(&r, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	poke(&r, 0, a + 3 * PAGE, 1);
	assert_int_equal(mm_of(&r, 0)->rss_stat[MM_ANONPAGES], 1);
	assert_int_equal(uapi_ftruncate(r.m, 0, rw, 2 * PAGE), 0);
	assert_int_equal(mm_of(&r, 0)->rss_stat[MM_ANONPAGES], 0);
	assert_int_equal(
		uapi_access_vm(r.m, 0, a + 3 * PAGE, &b, 1, USER_READ, &f),
		-EFAULT);
	assert_int_equal(f.signo, SIGBUS);
	teardown(&r);
}

/* Reclaim unmaps mapped file pages nobody touches, through rmap. */
static void test_reclaim_unmaps(void **state)
{
	struct rig r;
	struct inode *inode;
	uint64_t a;

	(void)state;
	setup(&r, 64 * MiB, 64 * PAGE, O_RDWR);
	inode = d_lookup(r.m, "big", 3);
	a = map(&r, 64 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	for (int i = 0; i < 64; i++)
		(void)peek(&r, 0, a + (uint64_t)i * PAGE);
	poke(&r, 0, a + 7 * PAGE, 0x77);
	assert_int_equal(r.m->node_stat[NR_FILE_MAPPED], 64);
	/* The first look sees the accessed bits and keeps; the next frees. */
	for (int pass = 0; pass < 4 && inode->i_nrpages; pass++)
		shrink_lruvec(r.m, node_lruvec(r.m, 0), 64);
	assert_int_equal(inode->i_nrpages, 0);
	assert_int_equal(r.m->node_stat[NR_FILE_MAPPED], 0);
	assert_int_equal(mm_of(&r, 0)->rss_stat[MM_FILEPAGES], 0);
	assert_consistent(r.m);
	/* The dirty page was written before it went: read back, a major. */
	assert_int_equal(peek(&r, 0, a + 7 * PAGE), 0x77);
	assert_int_equal(mm_of(&r, 0)->maj_flt, 2);
	teardown(&r);
}

/* fork: a file VMA without private pages is not copied but faulted. */
static void test_fork(void **state)
{
	struct rig r;
	int child;
	uint64_t a, p;

	(void)state;
	setup(&r, 64 * MiB, 8 * PAGE, O_RDWR);
	a = map(&r, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	p = map(&r, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	poke(&r, 0, a, 0x11);
	poke(&r, 0, p + PAGE, 0x22);
	(void)peek(&r, 0, p + 2 * PAGE);
	assert_int_equal(uapi_fork(r.m, 0, &child), 0);
	/*
	 * The private VMA has an anon_vma: copied, its file pages too; the
	 * shared one has none: its one page is not.
	 */
	assert_int_equal(mm_of(&r, child)->rss_stat[MM_FILEPAGES],
			 mm_of(&r, 0)->rss_stat[MM_FILEPAGES] - 1);
	assert_int_equal(mm_of(&r, child)->rss_stat[MM_ANONPAGES], 1);
	assert_int_equal(peek(&r, child, a), 0x11);
	assert_int_equal(peek(&r, child, p + PAGE), 0x22);
	poke(&r, child, a + 1, 0x33);
	assert_int_equal(peek(&r, 0, a + 1), 0x33); /* shared: both see it */
	poke(&r, child, p + PAGE, 0x44);
	assert_int_equal(peek(&r, 0, p + PAGE), 0x22); /* private: COW */
	assert_consistent(r.m);
	assert_int_equal(uapi_exit_process(r.m, child), 0);
	teardown(&r);
}

static void maps_of(struct rig *r, char *buf, size_t len)
{
	struct seq_buf s;

	seq_buf_init(&s);
	assert_int_equal(report_pid_maps(r->m, r->pid, &s), 0);
	snprintf(buf, len, "%s", s.buf);
	seq_buf_free(&s);
}

/* The line of the mapping at addr, without its newline. */
static const char *maps_line(const char *maps, uint64_t addr, char *line,
			     size_t len)
{
	char start[32];
	const char *at;

	snprintf(start, sizeof(start), "%08lx-", (unsigned long)addr);
	at = strstr(maps, start);
	assert_non_null(at);
	snprintf(line, len, "%.*s", (int)strcspn(at, "\n"), at);
	return line;
}

/*
 * maps: offset, 103:00 (mmblk0, 259:0), the inode and "/big", the path
 * in the column the host's is; merges by vm_file and vm_pgoff.
 */
static void test_maps_and_merge(void **state)
{
	static char maps[1 << 14];
	char line[256], hline[512], want[256];
	struct rig r;
	struct host h;
	uint64_t a, b;
	unsigned long ino;
	void *p;
	FILE *fp;
	int fd2;

	(void)state;
	setup(&r, 64 * MiB, 16 * PAGE, O_RDWR);
	ino = d_lookup(r.m, "big", 3)->i_ino;
	a = map(&r, 8 * PAGE, PROT_READ, MAP_SHARED, 4 * PAGE);
	maps_of(&r, maps, sizeof(maps));
	maps_line(maps, a, line, sizeof(line));
	snprintf(want, sizeof(want), "%08lx-%08lx r--s 00004000 103:00 %lu ",
		 (unsigned long)a, (unsigned long)(a + 8 * PAGE), ino);
	assert_memory_equal(line, want, strlen(want));
	assert_string_equal(line + strlen(line) - 4, "/big");
	/* The host's line puts its path in the same column. */
	host_open(&h, 8 * PAGE);
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, h.rdonly, 0);
	fp = fopen("/proc/self/maps", "r");
	while (fgets(hline, sizeof(hline), fp) && !strstr(hline, h.path))
		;
	fclose(fp);
	assert_int_equal(strstr(hline, h.path) - hline,
			 strlen(line) - strlen("/big"));
	munmap(p, PAGE);
	host_close(&h);
	/* The next 8 pages of the same file, right above: one VMA. */
	b = 0;
	assert_int_equal(uapi_sys_mmap(r.m, 0, a + 8 * PAGE, 4 * PAGE,
				       PROT_READ, MAP_SHARED | MAP_FIXED, r.fd,
				       12 * PAGE, &b),
			 0);
	maps_of(&r, maps, sizeof(maps));
	snprintf(want, sizeof(want), "%08lx-%08lx r--s 00004000",
		 (unsigned long)a, (unsigned long)(a + 12 * PAGE));
	assert_non_null(strstr(maps, want));
	/* Another open file of the same inode is another vm_file: apart. */
	assert_int_equal(uapi_open(r.m, 0, "/big", O_RDWR, 0, &fd2), 0);
	assert_int_equal(uapi_sys_mmap(r.m, 0, a + 12 * PAGE, PAGE, PROT_READ,
				       MAP_SHARED | MAP_FIXED, fd2, 16 * PAGE,
				       &b),
			 0);
	/* munmap in the middle: the upper piece keeps its offset. */
	assert_int_equal(uapi_munmap(r.m, 0, a + 2 * PAGE, PAGE), 0);
	maps_of(&r, maps, sizeof(maps));
	snprintf(want, sizeof(want), "%08lx-%08lx r--s 00007000 103:00 %lu",
		 (unsigned long)(a + 3 * PAGE), (unsigned long)(a + 12 * PAGE),
		 ino);
	assert_non_null(strstr(maps, want));
	snprintf(want, sizeof(want), "%08lx-%08lx r--s 00010000",
		 (unsigned long)(a + 12 * PAGE),
		 (unsigned long)(a + 13 * PAGE));
	assert_non_null(strstr(maps, want));
	/* mprotect a piece and back: split, then merged again. */
	assert_int_equal(uapi_mprotect(r.m, 0, a + 4 * PAGE, PAGE,
				       PROT_READ | PROT_WRITE),
			 0);
	assert_int_equal(uapi_mprotect(r.m, 0, a + 4 * PAGE, PAGE, PROT_READ),
			 0);
	maps_of(&r, maps, sizeof(maps));
	snprintf(want, sizeof(want), "%08lx-%08lx r--s 00007000",
		 (unsigned long)(a + 3 * PAGE), (unsigned long)(a + 12 * PAGE));
	assert_non_null(strstr(maps, want));
	/* mremap moves it with its offset. */
	assert_int_equal(uapi_mremap(r.m, 0, a + 3 * PAGE, 2 * PAGE, 2 * PAGE,
				     MREMAP_MAYMOVE | MREMAP_FIXED,
				     a + 64 * PAGE, &b),
			 0);
	maps_of(&r, maps, sizeof(maps));
	snprintf(want, sizeof(want), "%08lx-%08lx r--s 00007000 103:00 %lu",
		 (unsigned long)(a + 64 * PAGE), (unsigned long)(a + 66 * PAGE),
		 ino);
	assert_non_null(strstr(maps, want));
	/* Unlinked, the file lives on in its mapping, "(deleted)". */
	assert_int_equal(uapi_unlink(r.m, 0, "/big"), 0);
	maps_of(&r, maps, sizeof(maps));
	assert_non_null(strstr(maps, "/big (deleted)\n"));
	assert_int_equal(uapi_close(r.m, 0, r.fd), 0);
	assert_int_equal(uapi_close(r.m, 0, fd2), 0);
	assert_int_equal(peek(&r, 0, a + 64 * PAGE), (7 * PAGE) % 251);
	teardown(&r);
}

/*
 * A private file mapping never gets an anonymous THP (THP "always"),
 * and mincore of a file mapping tells what the cache holds.
 */
static void test_thp_and_mincore(void **state)
{
	struct rig r;
	uint8_t vec[64];
	uint64_t a;

	(void)state;
	setup(&r, 64 * MiB, 4 * MiB, O_RDONLY);
	r.m->thp.enabled = THP_ENABLED_ALWAYS;
	a = map_at(&r, 4 * MiB, PROT_READ | PROT_WRITE, MAP_PRIVATE, 0);
	assert_int_equal(peek(&r, 0, a + 40 * PAGE), (40 * PAGE) % 251);
	assert_int_equal(r.m->node_stat[NR_ANON_THPS], 0);
	assert_int_equal(mm_of(&r, 0)->rss_stat[MM_FILEPAGES], 1);
	assert_int_equal(uapi_mincore(r.m, 0, a, 64 * PAGE, vec), 0);
	for (int i = 0; i < 64; i++) /* read around 40: [24, 56) cached */
		assert_int_equal(vec[i], i >= 24 && i < 56);
	teardown(&r);
}

/*
 * drop_caches 1, 2, 3 as Linux's: 2 leaves the cache, 1 drops the
 * clean unmapped pages (a mapped one stays), above 4 is -EINVAL.
 */
static void test_drop_caches_modes(void **state)
{
	struct rig r;
	struct inode *inode;
	unsigned long free_pages = 0;
	uint64_t a;

	(void)state;
	setup(&r, 64 * MiB, 64 * PAGE, O_RDONLY);
	inode = d_lookup(r.m, "big", 3);
	cache_all(&r, 64 * PAGE);
	a = map_at(&r, PAGE, PROT_READ, MAP_SHARED, 0);
	(void)peek(&r, 0, a);
	assert_int_equal(drop_caches_mode(r.m, 5, &free_pages), -EINVAL);
	assert_int_equal(drop_caches_mode(r.m, 2, &free_pages), 0);
	assert_int_equal(inode->i_nrpages, 64);
	assert_int_equal(r.m->vm_events[DROP_SLAB], 1);
	assert_int_equal(r.m->vm_events[DROP_PAGECACHE], 0);
	assert_int_equal(drop_caches_mode(r.m, 1, &free_pages), 0);
	assert_int_equal(inode->i_nrpages, 1); /* the mapped page stays */
	assert_int_equal(r.m->vm_events[DROP_PAGECACHE], 1);
	assert_int_equal(r.m->vm_events[DROP_SLAB], 1);
	assert_int_equal(free_pages, global_free_pages(r.m));
	assert_int_equal(task_switch(r.m, r.pid), 0);
	teardown(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mmap_errno_host),
		cmocka_unit_test(test_mprotect_msync_errno_host),
		cmocka_unit_test(test_madvise_file_errno_host),
		cmocka_unit_test(test_mlockall_future_file),
		cmocka_unit_test(test_locked_page_accessed),
		cmocka_unit_test(test_mprotect_file_account),
		cmocka_unit_test(test_fault_around_host),
		cmocka_unit_test(test_major_fault_read_around),
		cmocka_unit_test(test_shared_write_msync),
		cmocka_unit_test(test_private_cow),
		cmocka_unit_test(test_truncate_sigbus),
		cmocka_unit_test(test_truncate_private_copy),
		cmocka_unit_test(test_reclaim_unmaps),
		cmocka_unit_test(test_fork),
		cmocka_unit_test(test_maps_and_merge),
		cmocka_unit_test(test_thp_and_mincore),
		cmocka_unit_test(test_drop_caches_modes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
