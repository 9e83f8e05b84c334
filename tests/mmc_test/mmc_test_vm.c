/* SPDX-License-Identifier: MIT */
/*
 * mmc_test_vm.c - the integration tests' checks of processes over the
 * wire: mmap, munmap, mprotect, mremap, brk, user reads, writes and
 * instruction fetches with the signals they raise, fork and
 * copy-on-write, and the per-process reports (maps, status, pagewalk).
 *
 * Owns: the "ops vm" family of mmc_test. Must never: be installed; it
 * exists for the tests.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "tests/mmc_test/mmc_test.h"
#include "tests/mmc_test/mmc_test_vm.h"

#define ANON_PRIVATE (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW	     (PROT_READ | PROT_WRITE)

/* A user access of pid must fail with -EFAULT and this signal. */
static void expect_fault(struct mmc *c, int pid, uint64_t addr, bool write,
			 int signo, int code, const char *what)
{
	struct mmc_fault f;
	uint8_t byte = 0x5a;
	int err = write ? mmc_write_vm(c, pid, addr, &byte, 1, &f)
			: mmc_read_vm(c, pid, addr, &byte, 1, &f);

	EXPECT(err == -EFAULT && f.signo == signo && f.code == code &&
		       f.addr == addr,
	       "%s: %s of %#llx gave %d (%s), signal %d code %d at %#llx; "
	       "expected -EFAULT, %d %d",
	       what, write ? "write" : "read", (unsigned long long)addr, err,
	       mmc_errmsg(c), f.signo, f.code, (unsigned long long)f.addr,
	       signo, code);
}

/* pid's report of kind (the text, to be freed), or NULL after a failure. */
static char *process_report(struct mmc *c, enum mmc_report kind, int pid,
			    uint64_t addr)
{
	char *text = NULL;
	int err = mmc_report_at(c, kind, pid, 0, addr, &text);

	EXPECT(err == 0 && text, "report %d of pid %d: %s (%s)", (int)kind, pid,
	       mmc_strerror(err), mmc_errmsg(c));
	return err ? NULL : text;
}

/* The maps line of the mapping that starts at start, as maps prints it. */
static bool maps_has(struct mmc *c, int pid, uint64_t start, uint64_t end,
		     const char *perms)
{
	char *text = process_report(c, MMC_REPORT_MAPS, pid, 0), want[80];
	bool found;

	if (!text)
		return false;
	snprintf(want, sizeof(want), "%08llx-%08llx %s 00000000 00:00 0",
		 (unsigned long long)start, (unsigned long long)end, perms);
	found = find_line(text, want) != NULL;
	if (!found)
		fprintf(stderr, "maps of pid %d lacks '%s':\n%s", pid, want,
			text);
	free(text);
	return found;
}

/* A status line's number, "VmRSS:\t    16 kB" -> 16; -1 if absent. */
static long status_kb(struct mmc *c, int pid, const char *key)
{
	char *text = process_report(c, MMC_REPORT_STATUS, pid, 0);
	const char *line = text ? find_line(text, key) : NULL;
	long v = line ? strtol(line + strlen(key), NULL, 10) : -1;

	free(text);
	return v;
}

static void vm_mappings(struct mmc *c, unsigned int page)
{
	uint64_t a = 0, b = 0, moved = 0;

	EXPECT_ERR(c, 0, mmc_mmap(c, 0, 0, 4 * page, RW, ANON_PRIVATE, &a));
	EXPECT(a && a % page == 0, "mmap gave %#llx", (unsigned long long)a);
	EXPECT(maps_has(c, 0, a, a + 4 * page, "rw-p"), "a new mapping");
	/* Untouched: reads see the zero page; writes stay. */
	expect_user_bytes(c, 0, a + 100, 64, -1, 0, "untouched anon page");
	put_user_pattern(c, 0, a + page - 10, 20, 1); /* across two pages */
	expect_user_bytes(c, 0, a + page - 10, 20, 1, 0, "bytes written");
	EXPECT(status_kb(c, 0, "VmRSS:") == 2 * (long)page / 1024,
	       "VmRSS after touching two pages: %ld kB",
	       status_kb(c, 0, "VmRSS:"));
	/* mprotect splits; the bytes stay; a write now faults. */
	EXPECT_ERR(c, 0, mmc_mprotect(c, 0, a, page, PROT_READ));
	EXPECT(maps_has(c, 0, a, a + page, "r--p") &&
		       maps_has(c, 0, a + page, a + 4 * page, "rw-p"),
	       "mprotect splits the VMA");
	expect_fault(c, 0, a + 8, true, SIGSEGV, SEGV_ACCERR,
		     "write to a read-only page");
	expect_user_bytes(c, 0, a + page - 10, 20, 1, 0, "after mprotect");
	EXPECT_ERR(c, 0, mmc_mprotect(c, 0, a, page, RW));
	EXPECT(maps_has(c, 0, a, a + 4 * page, "rw-p"), "mprotect re-merges");
	/* munmap of the middle; the hole faults with SEGV_MAPERR. */
	EXPECT_ERR(c, 0, mmc_munmap(c, 0, a + 2 * page, page));
	expect_fault(c, 0, a + 2 * page, false, SIGSEGV, SEGV_MAPERR,
		     "read of an unmapped hole");
	/* MAP_FIXED_NOREPLACE over a mapping: -EEXIST. */
	EXPECT_ERR(c, -EEXIST,
		   mmc_mmap(c, 0, a, page, RW,
			    ANON_PRIVATE | MAP_FIXED_NOREPLACE, &b));
	EXPECT_ERR(c, 0,
		   mmc_mmap(c, 0, a + 2 * page, page, RW,
			    ANON_PRIVATE | MAP_FIXED, &b));
	EXPECT(b == a + 2 * page, "MAP_FIXED at %#llx gave %#llx",
	       (unsigned long long)(a + 2 * page), (unsigned long long)b);
	/* mremap moves the pages and their bytes. */
	EXPECT_ERR(c, 0,
		   mmc_mremap(c, 0, a, 4 * page, 64 * page, MREMAP_MAYMOVE, 0,
			      &moved));
	expect_user_bytes(c, 0, moved + page - 10, 20, 1, 0, "after mremap");
	EXPECT_ERR(c, 0, mmc_munmap(c, 0, moved, 64 * page));
	/* Bad calls: exact errors. */
	EXPECT_ERR(c, -EINVAL, mmc_mmap(c, 0, 0, 0, RW, ANON_PRIVATE, &b));
	EXPECT_ERR(c, -EINVAL, mmc_munmap(c, 0, a + 1, page));
	EXPECT_ERR(c, -EBADF, mmc_mmap(c, 0, 0, page, RW, MAP_PRIVATE, &b));
	EXPECT_ERR(c, -EINVAL, mmc_mprotect(c, 0, a, page, 0x100));
}

static void vm_brk_and_exec(struct mmc *c, unsigned int page)
{
	uint64_t start = 0, cur = 0, x = 0;

	EXPECT_ERR(c, 0, mmc_brk(c, 0, 0, &start));
	EXPECT_ERR(c, 0, mmc_brk(c, 0, start + 3 * page + 5, &cur));
	EXPECT(cur == start + 3 * page + 5, "brk gave %#llx",
	       (unsigned long long)cur);
	put_user_pattern(c, 0, start, 3 * page, 2);
	expect_user_bytes(c, 0, start, 3 * page, 2, 0, "heap bytes");
	cur = 0;
	EXPECT_ERR(c, -ENOMEM, mmc_brk(c, 0, start - page, &cur));
	EXPECT(cur == start + 3 * page + 5,
	       "a refused brk still gives the break: %#llx",
	       (unsigned long long)cur);
	EXPECT_ERR(c, 0, mmc_brk(c, 0, start, &cur));
	expect_fault(c, 0, start, false, SIGSEGV, SEGV_MAPERR,
		     "read of the heap after brk shrank it");
	/* Execution needs PROT_EXEC, where the MMU has an NX bit to say so:
	 * i386 without PAE has none, and executes what it may read. */
	EXPECT_ERR(c, 0, mmc_mmap(c, 0, 0, page, RW, ANON_PRIVATE, &x));
	EXPECT_ERR(c, is_i386(c) ? 0 : -EFAULT, mmc_exec_vm(c, 0, x, 16, NULL));
	EXPECT_ERR(c, 0, mmc_mprotect(c, 0, x, page, PROT_READ | PROT_EXEC));
	EXPECT_ERR(c, 0, mmc_exec_vm(c, 0, x, 16, NULL));
	EXPECT_ERR(c, 0, mmc_munmap(c, 0, x, page));
	/* Kernel addresses are not the process's. */
	expect_fault(c, 0, mmc_info(c)->page_offset, false, SIGSEGV,
		     SEGV_MAPERR, "a user read of the direct map");
}

static void vm_fork(struct mmc *c, struct mmc *other, unsigned int page)
{
	uint64_t a = 0;
	int child = 0, grandchild = 0;
	char *walk;

	EXPECT_ERR(c, 0, mmc_mmap(c, 0, 0, 2 * page, RW, ANON_PRIVATE, &a));
	put_user_pattern(c, 0, a, 2 * page, 3);
	EXPECT_ERR(c, 0, mmc_fork(c, 0, &child));
	EXPECT(child > mmc_pid(c), "fork gave pid %d", child);
	expect_user_bytes(c, child, a, 2 * page, 3, 0, "the child's copy");
	/* Copy-on-write: the child's write is its own. */
	put_user_pattern(c, child, a, page, 4);
	expect_user_bytes(c, child, a, page, 4, 0, "child after its write");
	expect_user_bytes(c, 0, a, page, 3, 0, "parent after child wrote");
	walk = process_report(c, MMC_REPORT_PAGEWALK, child, a);
	EXPECT(walk && find_line(walk, "Frame:\tpfn ") &&
		       strstr(walk, "_refcount 1, _mapcount 0"),
	       "pagewalk of the child's own page:\n%s", walk ? walk : "");
	free(walk);
	walk = process_report(c, MMC_REPORT_PAGEWALK, child, a + page);
	EXPECT(walk && strstr(walk, "_mapcount 1"),
	       "pagewalk of a page still shared:\n%s", walk ? walk : "");
	free(walk);
	/* A child of the child belongs to the session too. */
	EXPECT_ERR(c, 0, mmc_fork(c, child, &grandchild));
	EXPECT_ERR(c, 0, mmc_exit_process(c, grandchild));
	EXPECT_ERR(c, -ESRCH, mmc_exit_process(c, grandchild));
	/* Another session may neither use nor see the session's processes. */
	EXPECT_ERR(other, -EPERM, mmc_read_vm(other, child, a, &a, 1, NULL));
	EXPECT_ERR(other, -EPERM, mmc_fork(other, child, &grandchild));
	EXPECT_ERR(c, -EPERM, mmc_exit_process(c, 0));
	EXPECT_ERR(c, 0, mmc_exit_process(c, child));
	EXPECT_ERR(c, -ESRCH, mmc_read_vm(c, child, a, &a, 1, NULL));
	EXPECT_ERR(c, 0, mmc_munmap(c, 0, a, 2 * page));
}

/*
 * A write as long as a frame may carry: more than the daemon buffers
 * before it stops reading, so it must read on until the frame is whole.
 */
static void vm_frame_sized_write(struct mmc *c)
{
	size_t len = mmc_info(c)->max_frame_bytes - 128;
	uint64_t a = 0, maplen = (len + 4095) & ~4095ULL;

	EXPECT_ERR(c, 0, mmc_mmap(c, 0, 0, maplen, RW, ANON_PRIVATE, &a));
	put_user_pattern(c, 0, a, len, 6);
	expect_user_bytes(c, 0, a, len, 6, 0, "a frame-sized write");
	EXPECT_ERR(c, 0, mmc_munmap(c, 0, a, maplen));
}

/* madvise(MADV_DONTNEED) and mincore over the wire. */
static void vm_madvise_mincore(struct mmc *c, unsigned int page)
{
	unsigned char vec[8] = {0}, want[8] = {1, 0, 1, 0, 0, 0, 0, 0};
	uint64_t a = 0;

	EXPECT_ERR(c, 0, mmc_mmap(c, 0, 0, 8 * page, RW, ANON_PRIVATE, &a));
	put_user_pattern(c, 0, a, 16, 3);
	put_user_pattern(c, 0, a + 2 * page, 16, 4);
	put_user_pattern(c, 0, a + 5 * page, 16, 5);
	EXPECT_ERR(c, 0, mmc_madvise(c, 0, a + 3 * page, 5 * page, 4));
	EXPECT_ERR(c, 0, mmc_mincore(c, 0, a, 8 * page, vec));
	EXPECT(memcmp(vec, want, sizeof(vec)) == 0,
	       "mincore after DONTNEED: %d%d%d%d%d%d%d%d", vec[0], vec[1],
	       vec[2], vec[3], vec[4], vec[5], vec[6], vec[7]);
	expect_user_bytes(c, 0, a + 5 * page, 16, -1, 0, "a dropped page");
	expect_user_bytes(c, 0, a + 2 * page, 16, 4, 0, "a kept page");
	EXPECT_ERR(c, -EINVAL, mmc_madvise(c, 0, a + 1, page, 4));
	EXPECT_ERR(c, -EINVAL, mmc_madvise(c, 0, a, page, 999));
	/* FREE keeps the page until reclaim; POPULATE_WRITE faults in. */
	EXPECT_ERR(c, 0, mmc_madvise(c, 0, a + 2 * page, page, MADV_FREE));
	EXPECT_ERR(c, 0,
		   mmc_madvise(c, 0, a + 6 * page, page, MADV_POPULATE_WRITE));
	EXPECT_ERR(c, 0, mmc_mincore(c, 0, a, 8 * page, vec));
	EXPECT(vec[2] == 1 && vec[6] == 1, "mincore after FREE, POPULATE");
	EXPECT_ERR(c, -EINVAL, mmc_madvise(c, 0, a, page, MADV_REMOVE));
	EXPECT_ERR(c, 0, mmc_madvise(c, 0, a, page, MADV_DONTFORK));
	EXPECT_ERR(c, -ENOMEM, mmc_mincore(c, 0, a + 8 * page, page, vec));
	EXPECT_ERR(c, -EINVAL, mmc_mincore(c, 0, a + 1, page, vec));
	EXPECT_ERR(c, 0, mmc_munmap(c, 0, a, 8 * page));
}

/* A "Name:   N kB" line of a report text, or -1. */
static long report_kb(const char *text, const char *name)
{
	const char *p = text ? strstr(text, name) : NULL;
	long v = -1;

	if (p)
		sscanf(p + strlen(name), ":%ld", &v);
	return v;
}

/*
 * mlock over the wire: VmLck, meminfo's Mlocked and Unevictable follow
 * (this session is the only one locking), and Linux's errors.
 */
static void vm_mlock(struct mmc *c, unsigned int page)
{
	uint64_t a = 0, got = 0;
	char *text = NULL;
	long kb = page / 1024;

	EXPECT_ERR(c, 0, mmc_mmap(c, 0, 0, 8 * page, RW, ANON_PRIVATE, &a));
	EXPECT_ERR(c, 0, mmc_mlock(c, 0, a + 1, 3 * page));
	EXPECT_ERR(c, 0, mmc_mlock2(c, 0, a + 6 * page, page, 1));
	EXPECT_ERR(c, 0, mmc_report_pid(c, MMC_REPORT_STATUS, 0, &text));
	EXPECT(report_kb(text, "VmLck") == 5 * kb, "VmLck %ld kB",
	       report_kb(text, "VmLck"));
	free(text);
	text = report_text(c, MMC_REPORT_MEMINFO);
	EXPECT(report_kb(text, "Mlocked") == 4 * kb &&
		       report_kb(text, "Unevictable") == 4 * kb,
	       "Mlocked %ld kB, Unevictable %ld kB", report_kb(text, "Mlocked"),
	       report_kb(text, "Unevictable"));
	free(text);
	EXPECT_ERR(c, -EINVAL, mmc_mlock2(c, 0, a, page, 2));
	EXPECT_ERR(c, -ENOMEM, mmc_mlock(c, 0, a + 8 * page, page));
	EXPECT_ERR(c, -ENOMEM, mmc_munlock(c, 0, a + 8 * page, page));
	EXPECT_ERR(c, -EINVAL, mmc_mlockall(c, 0, 0));
	EXPECT_ERR(c, -EINVAL, mmc_mlockall(c, 0, 4));
	EXPECT_ERR(c, 0, mmc_munlock(c, 0, a, 8 * page));
	EXPECT_ERR(c, 0, mmc_mlockall(c, 0, 2 | 4)); /* FUTURE | ONFAULT */
	EXPECT_ERR(c, 0, mmc_mmap(c, 0, 0, page, RW, ANON_PRIVATE, &got));
	EXPECT_ERR(c, 0, mmc_munlockall(c, 0));
	EXPECT_ERR(c, 0, mmc_report_pid(c, MMC_REPORT_STATUS, 0, &text));
	EXPECT(report_kb(text, "VmLck") == 0, "VmLck %ld kB after munlockall",
	       report_kb(text, "VmLck"));
	free(text);
	EXPECT_ERR(c, 0, mmc_munmap(c, 0, got, page));
	EXPECT_ERR(c, 0, mmc_munmap(c, 0, a, 8 * page));
}

/*
 * mincore of a range whose vector is longer than a reply frame: the
 * client asks in pieces, every byte lands where its page is, and a range
 * running past the mapping fails with -ENOMEM in its last piece.
 */
static void vm_mincore_long(struct mmc *c, unsigned int page)
{
	uint64_t room = mmc_info(c)->max_frame_bytes - 64;
	uint64_t pages = room + room / 4, len = pages * page, a = 0;
	uint64_t marks[3] = {0, room, pages - 1};
	unsigned char *vec;
	uint64_t ones = 0;

	/* i386's 3 GiB hold fewer pages than a 1 MiB frame has bytes. */
	if (strcmp(mmc_info(c)->arch, "x86_64"))
		return;
	vec = malloc(pages + 1);
	EXPECT(vec != NULL, "no memory for a vector of %llu bytes",
	       (unsigned long long)pages);
	if (!vec)
		return;
	/* PROT_NONE reserves nothing; the marked pages are made writable. */
	EXPECT_ERR(c, 0, mmc_mmap(c, 0, 0, len, PROT_NONE, ANON_PRIVATE, &a));
	for (int i = 0; i < 3; i++) {
		uint64_t at = a + marks[i] * page;

		EXPECT_ERR(c, 0, mmc_mprotect(c, 0, at, page, RW));
		put_user_pattern(c, 0, at, 8, 7);
	}
	memset(vec, 0xee, pages + 1);
	EXPECT_ERR(c, 0, mmc_mincore(c, 0, a, len, vec));
	for (uint64_t i = 0; i < pages; i++)
		ones += vec[i] == 1;
	EXPECT(ones == 3 && vec[0] == 1 && vec[room] == 1 &&
		       vec[pages - 1] == 1 && vec[pages] == 0xee,
	       "mincore over %llu pages: %llu resident, [0] %d [%llu] %d "
	       "[last] %d, past the end %#x",
	       (unsigned long long)pages, (unsigned long long)ones, vec[0],
	       (unsigned long long)room, vec[room], vec[pages - 1], vec[pages]);
	/* One page past the mapping: the second piece fails, as Linux. */
	memset(vec, 0xee, pages + 1);
	EXPECT_ERR(c, -ENOMEM, mmc_mincore(c, 0, a, len + page, vec));
	EXPECT(vec[0] == 1 && vec[room - 1] == 0,
	       "the first piece's bytes before the failure: %d %d", vec[0],
	       vec[room - 1]);
	EXPECT_ERR(c, 0, mmc_munmap(c, 0, a, len));
	free(vec);
}

/*
 * smaps, smaps_rollup and pagemap over the wire: a mapping with two
 * pages written, one locked, shows them; pagemap's entries say present
 * (with the pfn the page walk finds), exclusive, or nothing.
 */
static void vm_smaps_pagemap(struct mmc *c, unsigned int page)
{
	uint64_t a = 0, e[4] = {0};
	size_t nr = 0;
	char *text = NULL, want[64];

	EXPECT_ERR(c, 0, mmc_mmap(c, 0, 0, 4 * page, RW, ANON_PRIVATE, &a));
	put_user_pattern(c, 0, a, 16, 1);
	put_user_pattern(c, 0, a + 2 * page, 16, 2);
	EXPECT_ERR(c, 0, mmc_mlock(c, 0, a + 2 * page, page));
	EXPECT_ERR(c, 0, mmc_report_pid(c, MMC_REPORT_SMAPS, 0, &text));
	snprintf(want, sizeof(want), "%08llx-", (unsigned long long)a);
	EXPECT(text && strstr(text, want) &&
		       strstr(strstr(text, want),
			      "Rss:                   4 kB") &&
		       strstr(text, "Locked:                4 kB") &&
		       strstr(text, "VmFlags: rd wr mr mw me lo ac \n"),
	       "smaps of the locked page");
	free(text);
	EXPECT_ERR(c, 0, mmc_report_pid(c, MMC_REPORT_SMAPS_ROLLUP, 0, &text));
	EXPECT(text && strstr(text, "[rollup]\nRss:") &&
		       strstr(text, "Pss_Anon:"),
	       "smaps_rollup");
	free(text);
	EXPECT_ERR(c, 0, mmc_pagemap(c, 0, a, 4, e, &nr));
	EXPECT(nr == 4 && (e[0] & MMC_PM_PRESENT) &&
		       (e[0] & MMC_PM_MMAP_EXCLUSIVE) && !e[1] &&
		       (e[2] & MMC_PM_PRESENT) && !e[3],
	       "pagemap: %#llx %#llx %#llx %#llx", (unsigned long long)e[0],
	       (unsigned long long)e[1], (unsigned long long)e[2],
	       (unsigned long long)e[3]);
	EXPECT_ERR(c, -EINVAL, mmc_pagemap(c, 0, a, 0, e, &nr));
	EXPECT_ERR(c, -ESRCH, mmc_pagemap(c, 99999, a, 1, e, &nr));
	EXPECT_ERR(c, 0, mmc_munmap(c, 0, a, 4 * page));
}

/*
 * khugepaged over the wire: three small pages of a range advised
 * MADV_HUGEPAGE after they were written become one huge page in a pass
 * long enough to reach this process, their bytes kept.
 */
static void vm_khugepaged(struct mmc *c, unsigned int page, uint64_t h)
{
	uint64_t a = 0, at;
	unsigned long made = 0;
	char *walk = NULL;

	EXPECT_ERR(c, 0, mmc_mmap(c, 0, 0, 2 * h, RW, ANON_PRIVATE, &a));
	at = (a + h - 1) & ~(h - 1);
	EXPECT_ERR(c, 0, mmc_madvise(c, 0, at, h, 15 /* MADV_NOHUGEPAGE */));
	put_user_pattern(c, 0, at, 3 * page, 8);
	EXPECT_ERR(c, 0, mmc_madvise(c, 0, at, h, 14 /* MADV_HUGEPAGE */));
	EXPECT_ERR(c, 0, mmc_admin_khugepaged(c, 1u << 24, -1, true, &made));
	EXPECT(made >= 1, "khugepaged collapsed %lu huge pages", made);
	EXPECT_ERR(c, 0,
		   mmc_report_at(c, MMC_REPORT_PAGEWALK, 0, 0, at, &walk));
	EXPECT(walk && strstr(walk, "a transparent huge page"),
	       "a collapsed range's page walk:\n%s", walk ? walk : "");
	free(walk);
	expect_user_bytes(c, 0, at, 3 * page, 8, 0, "a collapsed range");
	EXPECT_ERR(c, -EINVAL,
		   mmc_admin_khugepaged(c, 0, 1 << 20, false, NULL));
	EXPECT_ERR(c, 0,
		   mmc_admin_khugepaged(c, 8 * (unsigned int)(h / page), -1,
					false, NULL));
	EXPECT_ERR(c, 0, mmc_munmap(c, 0, a, 2 * h));
}

/*
 * Transparent huge pages over the wire: the settings' report, a fault in
 * a MADV_HUGEPAGE range mapping a whole huge page (the page walk ends at
 * a huge leaf of a transparent huge page), a partial munmap splitting it
 * with every byte kept, and the settings' errors.
 */
/* mincore of a PMD-mapped THP: every page under the PMD is resident. */
static void vm_thp_mincore(struct mmc *c, unsigned int page, uint64_t at,
			   uint64_t h)
{
	unsigned char *vec = malloc(h / page);
	uint64_t ones = 0;

	if (!vec)
		return;
	EXPECT_ERR(c, 0, mmc_mincore(c, 0, at, h, vec));
	for (uint64_t i = 0; i < h / page; i++)
		ones += vec[i] == 1;
	EXPECT(ones == h / page, "mincore of a THP: %llu of %llu resident",
	       (unsigned long long)ones, (unsigned long long)(h / page));
	free(vec);
}

static void vm_thp(struct mmc *c, unsigned int page)
{
	char *text = NULL, *walk = NULL;
	const char *p;
	uint64_t a = 0, h = 0, at;

	EXPECT_ERR(c, 0, mmc_report(c, MMC_REPORT_TRANSPARENT_HUGEPAGE, &text));
	p = text ? strstr(text, "hpage_pmd_size:") : NULL;
	if (p)
		h = strtoull(p + 15, NULL, 10);
	EXPECT(text && strstr(text, "enabled:always [madvise] never\n") && h,
	       "the THP settings report:\n%s", text ? text : "");
	free(text);
	if (!h)
		return;
	EXPECT_ERR(c, 0, mmc_mmap(c, 0, 0, 2 * h, RW, ANON_PRIVATE, &a));
	at = (a + h - 1) & ~(h - 1);
	EXPECT_ERR(c, 0, mmc_madvise(c, 0, at, h, 14 /* MADV_HUGEPAGE */));
	put_user_pattern(c, 0, at, 3 * page, 7);
	EXPECT_ERR(c, 0,
		   mmc_report_at(c, MMC_REPORT_PAGEWALK, 0, 0, at, &walk));
	EXPECT(walk && strstr(walk, "a transparent huge page"),
	       "a THP's page walk:\n%s", walk ? walk : "");
	free(walk);
	vm_thp_mincore(c, page, at, h);
	EXPECT_ERR(c, 0, mmc_munmap(c, 0, at + h / 2, page));
	expect_user_bytes(c, 0, at, 3 * page, 7, 0, "a split THP's bytes");
	EXPECT_ERR(c, -EINVAL, mmc_madvise(c, 0, at + 1, page, 14));
	EXPECT_ERR(c, 0, mmc_munmap(c, 0, a, 2 * h));
	if (mmc_info(c)->admin)
		vm_khugepaged(c, page, h);
	if (mmc_info(c)->admin) {
		EXPECT_ERR(
			c, -EINVAL,
			mmc_admin_transparent_hugepage(c, "sometimes", NULL));
		EXPECT_ERR(c, -EINVAL,
			   mmc_admin_transparent_hugepage(c, NULL, "eager"));
		EXPECT_ERR(c, 0, mmc_admin_transparent_hugepage(c, NULL, NULL));
	} else {
		EXPECT_ERR(c, -EPERM,
			   mmc_admin_transparent_hugepage(c, "never", NULL));
	}
}

/* modify_ldt over the wire: a write, the read back, Linux's errors. */
static void vm_modify_ldt(struct mmc *c, unsigned int page)
{
	/* entry 1: base 0x12345678, limit 0xfff, 32-bit read/write data */
	static const uint8_t desc[16] = {1,    0,    0,	   0,	 0x78, 0x56,
					 0x34, 0x12, 0xff, 0x0f, 0,    0,
					 1,    0,    0,	   0};
	static const uint8_t entry1[8] = {0xff, 0x0f, 0x78, 0x56,
					  0x34, 0xf3, 0x40, 0x12};
	uint8_t back[24];
	uint64_t a = 0;
	size_t ret = 99;
	char *text = NULL;

	EXPECT_ERR(c, 0,
		   mmc_mmap(c, 0, 0, page, 3, MAP_PRIVATE | MAP_ANONYMOUS, &a));
	EXPECT_ERR(c, 0, mmc_modify_ldt(c, 0, 0, a, 64, &ret));
	EXPECT(ret == 0, "no LDT yet: modify_ldt reads 0 bytes");
	EXPECT_ERR(c, 0, mmc_write_vm(c, 0, a, desc, sizeof(desc), NULL));
	EXPECT_ERR(c, 0, mmc_modify_ldt(c, 0, 0x11, a, 16, &ret));
	EXPECT_ERR(c, 0, mmc_modify_ldt(c, 0, 0, a + 64, 24, &ret));
	EXPECT(ret == 24, "a read gives bytecount");
	EXPECT_ERR(c, 0, mmc_read_vm(c, 0, a + 64, back, sizeof(back), NULL));
	EXPECT(!memcmp(back + 8, entry1, 8) && !back[0] && !back[16],
	       "entry 1 as fill_ldt makes it, zeros around it");
	EXPECT_ERR(c, 0, mmc_report_pid(c, MMC_REPORT_LDT, 0, &text));
	EXPECT(text && strstr(text, "Entry 1:\tselector 0x000f, descriptor "
				    "0x1240f33456780fff"),
	       "mmctl ldt shows the entry");
	free(text);
	EXPECT_ERR(c, -ENOSYS, mmc_modify_ldt(c, 0, 7, a, 16, &ret));
	EXPECT_ERR(c, -EINVAL, mmc_modify_ldt(c, 0, 0x11, a, 15, &ret));
	EXPECT_ERR(c, -EFAULT, mmc_modify_ldt(c, 0, 0x11, 8, 16, &ret));
	EXPECT_ERR(c, -EFAULT, mmc_modify_ldt(c, 0, 0, 8, 16, &ret));
	EXPECT_ERR(c, 0, mmc_write_vm(c, 0, a + 1, "\x20", 1, NULL));
	EXPECT_ERR(c, -EINVAL, mmc_modify_ldt(c, 0, 0x11, a, 16, &ret));
	if (strcmp(mmc_info(c)->arch, "i386")) {
		EXPECT_ERR(c, -EOPNOTSUPP,
			   mmc_load_segment(c, 0, MMC_SREG_DS, 0x0f));
		EXPECT_ERR(c, -EOPNOTSUPP,
			   mmc_translate(c, 0, "ds", 0, 0, 3, &text));
	} else {
		/* DS loads entry 1; a read through DS uses its cache. */
		EXPECT_ERR(c, 0, mmc_load_segment(c, 0, MMC_SREG_DS, 0x0f));
		EXPECT_ERR(c, -EFAULT,
			   mmc_load_segment(c, 0, MMC_SREG_SS, 0x68));
		EXPECT(strstr(mmc_errmsg(c), "#GP: SS needs RPL = CPL"),
		       "SS with the kernel's data selector: #GP");
		EXPECT_ERR(c, -EINVAL,
			   mmc_load_segment(c, 0, MMC_SREG_CS, 0x73));
		EXPECT_ERR(c, 0, mmc_translate(c, 0, "ds", 0, 0x10, 3, &text));
		EXPECT(text && strstr(text, "Linear:\t0x12345678 + 0x00000010 "
					    "= 0x12345688"),
		       "ds:0x10 is the LDT segment's base + 0x10");
		free(text);
		EXPECT_ERR(c, -EINVAL,
			   mmc_translate(c, 0, NULL, 0x0f, 0, 4, &text));
		EXPECT_ERR(c, -EINVAL,
			   mmc_translate(c, 0, "xs", 0x0f, 0, 3, &text));
		EXPECT_ERR(c, 0,
			   mmc_translate(c, 0, NULL, 0x0f, 0x1000, 0, &text));
		EXPECT(text && strstr(text, "Fault:\t#GP(0): offset 0x1000 is "
					    "outside"),
		       "an LDT segment's limit at CPL 0");
		free(text);
	}
	EXPECT_ERR(c, 0, mmc_munmap(c, 0, a, page));
}

void ops_vm(void)
{
	struct mmc *c = connect_as("vm", 0), *other = connect_as("other", 0);
	unsigned int page = mmc_info(c)->page_size;
	char *text = NULL;

	vm_mappings(c, page);
	vm_brk_and_exec(c, page);
	vm_fork(c, other, page);
	vm_frame_sized_write(c);
	vm_madvise_mincore(c, page);
	vm_mincore_long(c, page);
	vm_mlock(c, page);
	vm_smaps_pagemap(c, page);
	vm_thp(c, page);
	vm_modify_ldt(c, page);
	/* Reports of a pid nobody has, and reads too long for a reply. */
	EXPECT_ERR(c, -ESRCH, mmc_report_pid(c, MMC_REPORT_MAPS, 99999, &text));
	/* A far pointer is a 16-bit selector and a 32-bit offset. */
	EXPECT_ERR(
		c, -EINVAL,
		mmc_report_at(c, MMC_REPORT_TRANSLATE, 0, 0x10000, 0, &text));
	EXPECT_ERR(c, -EINVAL,
		   mmc_report_at(c, MMC_REPORT_TRANSLATE, 0, 0x7b, 1ULL << 32,
				 &text));
	EXPECT_ERR(c, -EINVAL,
		   mmc_read_vm(c, 0, 0x10000, NULL,
			       mmc_info(c)->max_frame_bytes, NULL));
	mmc_close(other);
	finish(c, "vm");
}

struct oom_seen {
	int pid; /* the last OOM event's */
	int count;
};

static void on_oom(struct mmc *c, const struct mmc_event *ev, void *data)
{
	struct oom_seen *seen = data;

	(void)c;
	if (ev->kind == MMC_EVENT_OOM_KILLED) {
		seen->pid = ev->pid;
		seen->count++;
	}
}

/*
 * pid of c maps and writes 16 MiB at a time, a page at a time, until a
 * call fails (an mmap bigger than RAM and swap would be refused at
 * once, as Linux's overcommit heuristic refuses it); that errno.
 */
static int hog(struct mmc *c, int pid, unsigned int page)
{
	uint64_t len = 16ULL << 20;
	int err = 0;

	for (int chunk = 0; !err && chunk < 256; chunk++) {
		uint64_t a = 0;

		err = mmc_mmap(c, pid, 0, len, RW, ANON_PRIVATE, &a);
		for (uint64_t off = 0; !err && off < len; off += page)
			err = mmc_write_vm(c, pid, a + off, &off, sizeof(off),
					   NULL);
	}
	return err;
}

/*
 * The OOM killer over the wire: a session that eats all memory is
 * killed, told so and closed, and gives all back; a bystander keeps
 * every byte. A forked process that eats all memory dies alone, and its
 * session hears of it and goes on.
 */
void ops_oom(void)
{
	struct mmc *by = connect_as("bystander", 0);
	struct mmc *eater = connect_as("eater", 0);
	unsigned int page = mmc_info(by)->page_size;
	struct oom_seen seen = {0, 0}, by_seen = {0, 0};
	int eater_pid = mmc_pid(eater), child = 0, err;
	uint64_t a = 0;

	mmc_set_event_handler(eater, on_oom, &seen);
	mmc_set_event_handler(by, on_oom, &by_seen);
	EXPECT_ERR(by, 0, mmc_mmap(by, 0, 0, 16 * page, RW, ANON_PRIVATE, &a));
	put_user_pattern(by, 0, a, 16 * page, 5);
	err = hog(eater, 0, page);
	EXPECT(err == -ENOMEM, "the eater's last write: %s (%s)",
	       mmc_strerror(err), mmc_errmsg(eater));
	EXPECT(mmc_ping(eater) < 0, "the eater's session is still open");
	EXPECT(seen.count == 1 && seen.pid == eater_pid,
	       "the eater saw %d OOM events, the last for pid %d", seen.count,
	       seen.pid);
	mmc_close(eater);
	expect_user_bytes(by, 0, a, 16 * page, 5, 0, "the bystander's bytes");
	/* A forked process eats: it alone dies, its session is told. */
	EXPECT_ERR(by, 0, mmc_fork(by, 0, &child));
	err = hog(by, child, page);
	EXPECT(err == -ENOMEM, "the child's last write: %s (%s)",
	       mmc_strerror(err), mmc_errmsg(by));
	EXPECT_ERR(by, 0, mmc_ping(by));
	EXPECT(by_seen.count == 1 && by_seen.pid == child,
	       "the session saw %d OOM events, the last for pid %d",
	       by_seen.count, by_seen.pid);
	EXPECT_ERR(by, -ESRCH, mmc_exit_process(by, child));
	expect_user_bytes(by, 0, a, 16 * page, 5, 0, "the parent's bytes");
	EXPECT_ERR(by, 0, mmc_munmap(by, 0, a, 16 * page));
	finish(by, "oom");
}
