/* SPDX-License-Identifier: MIT */
/*
 * test_thp.c - transparent huge pages (mm/huge_memory.c): the PMD fault
 * under each enabled setting and MADV_HUGEPAGE/MADV_NOHUGEPAGE, the
 * huge zero page and the THP a write to it gets, a THP moved whole by
 * an aligned mremap, PMD splits on partial
 * munmap, mprotect, mremap, DONTNEED and a write to the huge zero page
 * when no THP can be had, the fallbacks, the counters
 * (thp_*, AnonHugePages, nr_anon_transparent_hugepages), and the same
 * fault on the host, whose smaps must show the same AnonHugePages.
 */
#include "tests/unit/host.h"
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/huge_mm.h"
#include "core/meminfo.h"
#include "core/task.h"
#include "core/uapi.h"

#define HPAGE (2 * MiB)
#define W     0x40000000ULL /* 1 GiB: aligned to a PMD */

struct thp {
	struct machine *m;
	int pid;
};

static void setup(struct thp *t, uint64_t mem)
{
	struct layout l;

	small_layout(&l, mem);
	t->m = boot(&l);
	assert_int_equal(task_create(t->m, "thp", 0, 0, &t->pid), 0);
	assert_int_equal(task_switch(t->m, t->pid), 0);
}

static void teardown(struct thp *t)
{
	assert_consistent(t->m);
	machine_destroy(t->m);
}

static void map_at(struct thp *t, uint64_t addr, uint64_t len)
{
	uint64_t got = 0;

	assert_int_equal(uapi_mmap(t->m, 0, addr, len, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
				   &got),
			 0);
	assert_int_equal(got, addr);
}

static void poke(struct thp *t, uint64_t addr, uint8_t v)
{
	struct user_fault f;

	assert_int_equal(uapi_access_vm(t->m, 0, addr, &v, 1, USER_WRITE, &f),
			 0);
}

static uint8_t peek(struct thp *t, uint64_t addr)
{
	struct user_fault f;
	uint8_t v = 0xee;

	assert_int_equal(uapi_access_vm(t->m, 0, addr, &v, 1, USER_READ, &f),
			 0);
	return v;
}

/* A pattern over a whole huge page: one distinct byte per 4K page. */
static void fill(struct thp *t, uint64_t at)
{
	for (uint64_t off = 0; off < HPAGE; off += PAGE)
		poke(t, at + off + (off >> 12) % 97, (uint8_t)(off >> 12));
}

static void assert_filled(struct thp *t, uint64_t at, uint64_t skip_lo,
			  uint64_t skip_hi)
{
	for (uint64_t off = 0; off < HPAGE; off += PAGE) {
		if (off >= skip_lo && off < skip_hi)
			continue;
		if (peek(t, at + off + (off >> 12) % 97) !=
		    (uint8_t)(off >> 12))
			fail_msg("byte of page %llu lost",
				 (unsigned long long)(off >> 12));
	}
}

/* The size of the leaf mapping addr: 4K, or 2M for a PMD. */
static uint64_t leaf_size(struct thp *t, uint64_t addr)
{
	struct pgtable_walk w;
	struct mm_struct *mm = find_task_by_pid(t->m, t->pid)->mm;

	assert_int_equal(pgtable_walk(t->m, mm->pgd, addr, &w), 0);
	return w.present ? w.page_size : 0;
}

static long anon_rss(struct thp *t)
{
	return find_task_by_pid(t->m, t->pid)->mm->rss_stat[MM_ANONPAGES];
}

/* One line of a report, as "Name: value" gives it. */
static unsigned long report_value(struct machine *m,
				  int (*fn)(const struct machine *,
					    struct seq_buf *),
				  const char *name)
{
	struct seq_buf s;
	unsigned long v = ULONG_MAX;
	const char *p;

	seq_buf_init(&s);
	assert_int_equal(fn(m, &s), 0);
	p = strstr(s.buf, name);
	if (p)
		sscanf(p + strlen(name), "%*[: ]%lu", &v);
	seq_buf_free(&s);
	return v;
}

static unsigned long ev(struct thp *t, enum vm_event_item i)
{
	return t->m->vm_events[i];
}

/* madvise mode: only MADV_HUGEPAGE ranges get a THP at their fault. */
static void test_fault_madvise(void **state)
{
	struct thp t;

	(void)state;
	setup(&t, 64 * MiB);
	map_at(&t, W, 2 * HPAGE);
	poke(&t, W + 100, 1); /* not advised: a 4K page */
	assert_int_equal(leaf_size(&t, W), PAGE);
	assert_int_equal(ev(&t, THP_FAULT_ALLOC), 0);
	assert_int_equal(uapi_madvise(t.m, 0, W + HPAGE, HPAGE, MADV_HUGEPAGE),
			 0);
	poke(&t, W + HPAGE + 5000, 2);
	assert_int_equal(leaf_size(&t, W + HPAGE + 5000), HPAGE);
	assert_int_equal(ev(&t, THP_FAULT_ALLOC), 1);
	assert_int_equal(anon_rss(&t), 1 + 512);
	assert_int_equal(t.m->node_stat[NR_ANON_THPS], 512);
	assert_int_equal(report_value(t.m, report_meminfo, "AnonHugePages"),
			 2048);
	assert_int_equal(report_value(t.m, report_vmstat,
				      "nr_anon_transparent_hugepages"),
			 1);
	assert_int_equal(report_value(t.m, report_vmstat, "thp_fault_alloc"),
			 1);
	/* The rest of the huge page is there, zeroed, with no more faults. */
	assert_int_equal(peek(&t, W + HPAGE + 5000), 2);
	assert_int_equal(peek(&t, W + 2 * HPAGE - 1), 0);
	assert_int_equal(ev(&t, THP_FAULT_ALLOC), 1);
	assert_consistent(t.m);
	/* munmap of the whole VMA frees the block whole: no split. */
	assert_int_equal(uapi_munmap(t.m, 0, W, 2 * HPAGE), 0);
	assert_int_equal(ev(&t, THP_SPLIT_PMD), 0);
	assert_int_equal(t.m->node_stat[NR_ANON_THPS], 0);
	assert_int_equal(anon_rss(&t), 0);
	teardown(&t);
}

/* always, never and MADV_NOHUGEPAGE; a VMA that cannot hold 2M aligned. */
static void test_enabled_settings(void **state)
{
	struct thp t;

	(void)state;
	setup(&t, 64 * MiB);
	assert_int_equal(thp_set(t.m, "always", NULL), 0);
	map_at(&t, W, HPAGE);
	poke(&t, W, 1);
	assert_int_equal(leaf_size(&t, W), HPAGE);
	map_at(&t, W + 4 * HPAGE, HPAGE);
	assert_int_equal(
		uapi_madvise(t.m, 0, W + 4 * HPAGE, HPAGE, MADV_NOHUGEPAGE), 0);
	poke(&t, W + 4 * HPAGE, 1);
	assert_int_equal(leaf_size(&t, W + 4 * HPAGE), PAGE);
	/* 2M long but not aligned: no PMD fits inside it. */
	map_at(&t, W + 8 * HPAGE + PAGE, HPAGE);
	poke(&t, W + 8 * HPAGE + HPAGE, 1);
	assert_int_equal(leaf_size(&t, W + 9 * HPAGE), PAGE);
	assert_int_equal(thp_set(t.m, "never", NULL), 0);
	map_at(&t, W + 12 * HPAGE, HPAGE);
	assert_int_equal(
		uapi_madvise(t.m, 0, W + 12 * HPAGE, HPAGE, MADV_HUGEPAGE), 0);
	poke(&t, W + 12 * HPAGE, 1);
	assert_int_equal(leaf_size(&t, W + 12 * HPAGE), PAGE);
	assert_int_equal(ev(&t, THP_FAULT_ALLOC), 1);
	assert_int_equal(ev(&t, THP_FAULT_FALLBACK), 0);
	teardown(&t);
}

/* The settings' files, and the names they refuse. */
static void test_settings_report(void **state)
{
	struct thp t;
	struct seq_buf s;

	(void)state;
	setup(&t, 64 * MiB);
	seq_buf_init(&s);
	assert_int_equal(report_transparent_hugepage(t.m, &s), 0);
	assert_string_equal(s.buf,
			    "enabled:always [madvise] never\n"
			    "defrag:always defer defer+madvise [madvise] "
			    "never\n"
			    "use_zero_page:1\n"
			    "hpage_pmd_size:2097152\n"
			    "khugepaged/pages_to_scan:4096\n"
			    "khugepaged/max_ptes_none:511\n"
			    "khugepaged/max_ptes_swap:64\n"
			    "khugepaged/max_ptes_shared:256\n"
			    "khugepaged/pages_collapsed:0\n"
			    "khugepaged/full_scans:0\n");
	assert_int_equal(thp_set(t.m, "sometimes", NULL), -EINVAL);
	assert_int_equal(thp_set(t.m, "always", "eager"), -EINVAL);
	assert_int_equal(thp_set(t.m, "", NULL), -EINVAL);
	assert_int_equal(t.m->thp.enabled, THP_ENABLED_MADVISE);
	assert_int_equal(thp_set(t.m, NULL, "defer+madvise"), 0);
	seq_buf_clear(&s);
	assert_int_equal(report_transparent_hugepage(t.m, &s), 0);
	assert_non_null(
		strstr(s.buf, "defrag:always defer [defer+madvise] madvise"));
	seq_buf_free(&s);
	teardown(&t);
}

/* A read maps the huge zero page; a write splits it, copying one page. */
static void test_huge_zero_page(void **state)
{
	struct thp t;

	(void)state;
	setup(&t, 64 * MiB);
	map_at(&t, W, HPAGE);
	assert_int_equal(uapi_madvise(t.m, 0, W, HPAGE, MADV_HUGEPAGE), 0);
	assert_int_equal(peek(&t, W + 12345), 0);
	assert_int_equal(leaf_size(&t, W), HPAGE);
	assert_int_equal(ev(&t, THP_ZERO_PAGE_ALLOC), 1);
	assert_int_equal(ev(&t, THP_FAULT_ALLOC), 0);
	assert_int_equal(anon_rss(&t), 0);
	assert_consistent(t.m);
	/* A write maps a fresh THP in its place (Linux 6.12 and later). */
	poke(&t, W + 3 * PAGE, 9);
	assert_int_equal(ev(&t, THP_SPLIT_PMD), 0);
	assert_int_equal(ev(&t, THP_FAULT_ALLOC), 1);
	assert_int_equal(leaf_size(&t, W), HPAGE);
	assert_int_equal(anon_rss(&t), 512);
	assert_int_equal(peek(&t, W + 3 * PAGE), 9);
	assert_int_equal(peek(&t, W + 4 * PAGE), 0);
	assert_int_equal(report_value(t.m, report_meminfo, "AnonHugePages"),
			 2048);
	assert_consistent(t.m);
	/* A second read elsewhere reuses the same huge zero page. */
	map_at(&t, W + 2 * HPAGE, HPAGE);
	assert_int_equal(
		uapi_madvise(t.m, 0, W + 2 * HPAGE, HPAGE, MADV_HUGEPAGE), 0);
	assert_int_equal(peek(&t, W + 2 * HPAGE), 0);
	assert_int_equal(ev(&t, THP_ZERO_PAGE_ALLOC), 1);
	teardown(&t);
}

static void thp_at(struct thp *t, uint64_t at)
{
	map_at(t, at, HPAGE);
	assert_int_equal(uapi_madvise(t->m, 0, at, HPAGE, MADV_HUGEPAGE), 0);
	fill(t, at);
	assert_int_equal(leaf_size(t, at), HPAGE);
}

/*
 * munmap of one page in the middle splits the PMD; the THP stays whole,
 * PTE-mapped, on the deferred split queue (test_thp_fork.c splits it).
 */
static void test_split_munmap(void **state)
{
	struct thp t;
	struct user_fault f;
	uint8_t v;

	(void)state;
	setup(&t, 64 * MiB);
	thp_at(&t, W);
	assert_int_equal(uapi_munmap(t.m, 0, W + 10 * PAGE, PAGE), 0);
	assert_int_equal(ev(&t, THP_SPLIT_PMD), 1);
	assert_int_equal(ev(&t, THP_SPLIT_PAGE), 0);
	assert_int_equal(ev(&t, THP_DEFERRED_SPLIT_PAGE), 1);
	assert_int_equal(t.m->node_stat[NR_ANON_THPS], 0);
	assert_int_equal(t.m->node_stat[NR_ANON_MAPPED], 511);
	assert_int_equal(anon_rss(&t), 511);
	assert_int_equal(leaf_size(&t, W), PAGE);
	assert_filled(&t, W, 10 * PAGE, 11 * PAGE);
	assert_int_equal(
		uapi_access_vm(t.m, 0, W + 10 * PAGE, &v, 1, USER_READ, &f),
		-EFAULT);
	assert_int_equal(f.signo, SIGSEGV);
	assert_consistent(t.m);
	teardown(&t);
}

/* mprotect of all of it keeps the PMD; of part of it, splits. */
static void test_split_mprotect(void **state)
{
	struct thp t;
	struct user_fault f;
	uint8_t v = 1;

	(void)state;
	setup(&t, 64 * MiB);
	thp_at(&t, W);
	assert_int_equal(uapi_mprotect(t.m, 0, W, HPAGE, PROT_READ), 0);
	assert_int_equal(leaf_size(&t, W), HPAGE);
	assert_int_equal(ev(&t, THP_SPLIT_PMD), 0);
	assert_int_equal(uapi_access_vm(t.m, 0, W, &v, 1, USER_WRITE, &f),
			 -EFAULT);
	assert_int_equal(f.si_code, SEGV_ACCERR);
	assert_int_equal(
		uapi_mprotect(t.m, 0, W, HPAGE, PROT_READ | PROT_WRITE), 0);
	poke(&t, W + 7, 0x77); /* this mm alone maps it: written in place */
	assert_int_equal(leaf_size(&t, W), HPAGE);
	assert_int_equal(uapi_mprotect(t.m, 0, W + HPAGE / 2, PAGE, PROT_NONE),
			 0);
	assert_int_equal(ev(&t, THP_SPLIT_PMD), 1);
	assert_int_equal(peek(&t, W + 7), 0x77);
	assert_filled(&t, W, HPAGE / 2, HPAGE / 2 + PAGE);
	assert_int_equal(
		uapi_access_vm(t.m, 0, W + HPAGE / 2, &v, 1, USER_READ, &f),
		-EFAULT);
	assert_consistent(t.m);
	teardown(&t);
}

/* mremap moves the bytes; DONTNEED of part splits, of all frees. */
static void test_split_mremap_dontneed(void **state)
{
	struct thp t;
	uint64_t got = 0;

	(void)state;
	setup(&t, 64 * MiB);
	thp_at(&t, W);
	assert_int_equal(uapi_mremap(t.m, 0, W, HPAGE, HPAGE,
				     MREMAP_MAYMOVE | MREMAP_FIXED,
				     W + 8 * HPAGE + PAGE, &got),
			 0);
	assert_int_equal(got, W + 8 * HPAGE + PAGE);
	assert_int_equal(ev(&t, THP_SPLIT_PMD), 1);
	assert_filled(&t, got, 0, 0);
	assert_consistent(t.m);
	/* Both places aligned: the PMD moves whole (move_huge_pmd). */
	thp_at(&t, W + 2 * HPAGE);
	assert_int_equal(uapi_mremap(t.m, 0, W + 2 * HPAGE, HPAGE, HPAGE,
				     MREMAP_MAYMOVE | MREMAP_FIXED,
				     W + 16 * HPAGE, &got),
			 0);
	assert_int_equal(got, W + 16 * HPAGE);
	assert_int_equal(ev(&t, THP_SPLIT_PMD), 1);
	assert_int_equal(leaf_size(&t, got), HPAGE);
	assert_int_equal(report_value(t.m, report_meminfo, "AnonHugePages"),
			 2048);
	assert_filled(&t, got, 0, 0);
	assert_consistent(t.m);
	assert_int_equal(uapi_munmap(t.m, 0, got, HPAGE), 0);
	thp_at(&t, W + 4 * HPAGE);
	assert_int_equal(
		uapi_madvise(t.m, 0, W + 4 * HPAGE, PAGE, MADV_DONTNEED), 0);
	assert_int_equal(ev(&t, THP_SPLIT_PMD), 2);
	assert_int_equal(peek(&t, W + 4 * HPAGE), 0);
	assert_filled(&t, W + 4 * HPAGE, 0, PAGE);
	thp_at(&t, W + 12 * HPAGE);
	assert_int_equal(
		uapi_madvise(t.m, 0, W + 12 * HPAGE, HPAGE, MADV_DONTNEED), 0);
	assert_int_equal(ev(&t, THP_SPLIT_PMD), 2);
	assert_int_equal(t.m->node_stat[NR_ANON_THPS], 0);
	assert_int_equal(peek(&t, W + 12 * HPAGE + 5), 0);
	assert_consistent(t.m);
	teardown(&t);
}

/*
 * fork: both see every byte through the one THP they share; a write in
 * either copies one page only (test_thp_fork.c has the counts).
 */
static void test_fork_cow(void **state)
{
	struct thp t;
	struct user_fault f;
	int child;
	uint8_t v = 0x55;

	(void)state;
	setup(&t, 64 * MiB);
	thp_at(&t, W);
	assert_int_equal(uapi_fork(t.m, 0, &child), 0);
	assert_int_equal(ev(&t, THP_SPLIT_PMD), 0);
	assert_int_equal(leaf_size(&t, W), HPAGE);
	assert_int_equal(
		uapi_access_vm(t.m, child, W + PAGE + 1, &v, 1, USER_WRITE, &f),
		0);
	assert_int_equal(peek(&t, W + PAGE + 1), 1); /* the parent's */
	assert_filled(&t, W, 0, 0);
	v = 0;
	assert_int_equal(
		uapi_access_vm(t.m, child, W + PAGE + 1, &v, 1, USER_READ, &f),
		0);
	assert_int_equal(v, 0x55);
	assert_consistent(t.m);
	assert_int_equal(uapi_exit_process(t.m, child), 0);
	teardown(&t);
}

/* No huge page within the charge: thp_fault_fallback(_charge), 4K. */
static void test_fallback_charge(void **state)
{
	struct layout l;
	struct thp t;

	(void)state;
	small_layout(&l, 64 * MiB);
	l.limits.pages = 400;
	t.m = boot(&l);
	assert_int_equal(task_create(t.m, "thp", 0, 0, &t.pid), 0);
	assert_int_equal(task_switch(t.m, t.pid), 0);
	map_at(&t, W, HPAGE);
	assert_int_equal(uapi_madvise(t.m, 0, W, HPAGE, MADV_HUGEPAGE), 0);
	poke(&t, W + 1, 3);
	assert_int_equal(leaf_size(&t, W), PAGE);
	assert_int_equal(ev(&t, THP_FAULT_FALLBACK), 1);
	assert_int_equal(ev(&t, THP_FAULT_FALLBACK_CHARGE), 1);
	assert_int_equal(ev(&t, THP_FAULT_ALLOC), 0);
	assert_int_equal(peek(&t, W + 1), 3);
	/*
	 * A write to the huge zero page with no THP to be had: the PMD is
	 * split into small zero pages and the one page written is copied.
	 */
	map_at(&t, W + 2 * HPAGE, HPAGE);
	assert_int_equal(
		uapi_madvise(t.m, 0, W + 2 * HPAGE, HPAGE, MADV_HUGEPAGE), 0);
	assert_int_equal(peek(&t, W + 2 * HPAGE + 5), 0);
	assert_int_equal(leaf_size(&t, W + 2 * HPAGE), HPAGE);
	poke(&t, W + 2 * HPAGE + 3 * PAGE, 9);
	assert_int_equal(ev(&t, THP_FAULT_FALLBACK_CHARGE), 2);
	assert_int_equal(ev(&t, THP_SPLIT_PMD), 1);
	assert_int_equal(leaf_size(&t, W + 2 * HPAGE), PAGE);
	assert_int_equal(peek(&t, W + 2 * HPAGE + 3 * PAGE), 9);
	assert_int_equal(peek(&t, W + 2 * HPAGE + 4 * PAGE), 0);
	assert_int_equal(anon_rss(&t), 2);
	teardown(&t);
}

/* pages 4K pages of an aligned range written, then MADV_HUGEPAGE. */
static void small_pages_at(struct thp *t, uint64_t at, unsigned int pages)
{
	map_at(t, at, HPAGE);
	assert_int_equal(uapi_madvise(t->m, 0, at, HPAGE, MADV_NOHUGEPAGE), 0);
	for (unsigned int i = 0; i < pages; i++)
		poke(t, at + i * PAGE + i % 97, (uint8_t)i);
	assert_int_equal(leaf_size(t, at), PAGE);
	assert_int_equal(uapi_madvise(t->m, 0, at, HPAGE, MADV_HUGEPAGE), 0);
}

/* khugepaged collapses a range of small pages: every byte kept. */
static void test_khugepaged_collapse(void **state)
{
	struct thp t;

	(void)state;
	setup(&t, 64 * MiB);
	small_pages_at(&t, W, 300);
	assert_int_equal(anon_rss(&t), 300);
	assert_int_equal(khugepaged_scan(t.m), 1);
	assert_int_equal(leaf_size(&t, W), HPAGE);
	assert_int_equal(ev(&t, THP_COLLAPSE_ALLOC), 1);
	assert_int_equal(t.m->thp.khugepaged.pages_collapsed, 1);
	assert_int_equal(anon_rss(&t), 512);
	assert_int_equal(t.m->node_stat[NR_ANON_THPS], 512);
	for (unsigned int i = 0; i < 300; i++)
		assert_int_equal(peek(&t, W + i * PAGE + i % 97), (uint8_t)i);
	assert_int_equal(peek(&t, W + 400 * PAGE), 0);
	assert_consistent(t.m);
	/* Nothing left to collapse: the next pass makes none. */
	assert_int_equal(khugepaged_scan(t.m), 0);
	teardown(&t);
}

/* max_ptes_none: too many empty entries keep the range small. */
static void test_khugepaged_max_ptes_none(void **state)
{
	struct thp t;

	(void)state;
	setup(&t, 64 * MiB);
	assert_int_equal(khugepaged_set(t.m, 0, true, 512), -EINVAL);
	assert_int_equal(t.m->thp.khugepaged.max_ptes_none, 511);
	assert_int_equal(khugepaged_set(t.m, 0, true, 100), 0);
	small_pages_at(&t, W, 300);		/* 212 empty: too many */
	small_pages_at(&t, W + 2 * HPAGE, 450); /* 62 empty */
	assert_int_equal(khugepaged_scan(t.m), 1);
	assert_int_equal(leaf_size(&t, W), PAGE);
	assert_int_equal(leaf_size(&t, W + 2 * HPAGE), HPAGE);
	/* Not advised, in madvise mode: never scanned. */
	assert_int_equal(uapi_madvise(t.m, 0, W, HPAGE, MADV_NOHUGEPAGE), 0);
	assert_int_equal(khugepaged_set(t.m, 0, true, 0), 0);
	assert_int_equal(khugepaged_scan(t.m), 0);
	assert_int_equal(leaf_size(&t, W), PAGE);
	assert_consistent(t.m);
	teardown(&t);
}

/* Pages shared with a child past max_ptes_shared are left alone. */
static void test_khugepaged_shared(void **state)
{
	struct thp t;
	int child;

	(void)state;
	setup(&t, 64 * MiB);
	small_pages_at(&t, W, 300);
	assert_int_equal(uapi_fork(t.m, 0, &child), 0);
	assert_int_equal(khugepaged_scan(t.m), 0); /* 300 > 256 shared */
	assert_int_equal(leaf_size(&t, W), PAGE);
	assert_int_equal(uapi_exit_process(t.m, child), 0);
	/* Fork left every entry read-only: none writable, none taken. */
	assert_int_equal(khugepaged_scan(t.m), 0);
	poke(&t, W, 0); /* this mm alone: the page is reused, writable */
	assert_int_equal(khugepaged_scan(t.m), 1);
	assert_int_equal(leaf_size(&t, W), HPAGE);
	assert_consistent(t.m);
	teardown(&t);
}

/*
 * The same fault on the host: an aligned 2M of a MADV_HUGEPAGE mapping,
 * one byte written. Where the host gave a THP, its smaps and ours agree.
 */
static void test_host_fault(void **state)
{
	uint8_t *raw = mmap(NULL, 2 * HPAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *p = (uint8_t *)(((uintptr_t)raw + HPAGE - 1) &
				 ~(uintptr_t)(HPAGE - 1));
	struct thp t;
	long host;

	(void)state;
	assert_true(raw != MAP_FAILED);
	assert_int_equal(madvise(p, HPAGE, MADV_HUGEPAGE), 0);
	p[5000] = 1;
	host = host_smaps_kb(p, "AnonHugePages");
	setup(&t, 64 * MiB);
	thp_at(&t, W);
	if (host == 2048 || host == 0)
		print_message("host: AnonHugePages %ld kB after one write\n",
			      host);
	if (host == 2048)
		assert_int_equal(
			report_value(t.m, report_meminfo, "AnonHugePages"),
			host);
	assert_int_equal(report_value(t.m, report_meminfo, "AnonHugePages"),
			 2048);
	munmap(raw, 2 * HPAGE);
	teardown(&t);
}

/*
 * The host's huge zero page, then a write: Linux 6.12 and later map a
 * THP in its place, as the machine does; smaps shows it whole.
 */
static void test_host_zero_page_write(void **state)
{
	uint8_t *raw = mmap(NULL, 2 * HPAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *p = (uint8_t *)(((uintptr_t)raw + HPAGE - 1) &
				 ~(uintptr_t)(HPAGE - 1));
	volatile uint8_t *v = p;
	struct thp t;
	long before, after;

	(void)state;
	assert_true(raw != MAP_FAILED);
	assert_int_equal(madvise(p, HPAGE, MADV_HUGEPAGE), 0);
	assert_int_equal(v[12345], 0);
	before = host_smaps_kb(p, "AnonHugePages");
	v[3 * PAGE] = 9;
	after = host_smaps_kb(p, "AnonHugePages");
	munmap(raw, 2 * HPAGE);
	setup(&t, 64 * MiB);
	map_at(&t, W, HPAGE);
	assert_int_equal(uapi_madvise(t.m, 0, W, HPAGE, MADV_HUGEPAGE), 0);
	assert_int_equal(peek(&t, W + 12345), 0);
	assert_int_equal(report_value(t.m, report_meminfo, "AnonHugePages"), 0);
	poke(&t, W + 3 * PAGE, 9);
	print_message("host: AnonHugePages %ld kB after the read, %ld kB "
		      "after the write\n",
		      before, after);
	/* A host that gave a THP on the write shows it whole, as we do. */
	if (before == 0 && after == 2048)
		assert_int_equal(
			report_value(t.m, report_meminfo, "AnonHugePages"),
			after);
	assert_int_equal(report_value(t.m, report_meminfo, "AnonHugePages"),
			 2048);
	teardown(&t);
}

/*
 * mremap of a THP between aligned places on the host: it stays a THP,
 * as the machine's does (move_huge_pmd).
 */
static void test_host_mremap_aligned(void **state)
{
	uint8_t *raw = mmap(NULL, 5 * HPAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *p = (uint8_t *)(((uintptr_t)raw + HPAGE - 1) &
				 ~(uintptr_t)(HPAGE - 1));
	uint8_t *q = p + 2 * HPAGE, *got;
	struct thp t;
	uint64_t to = 0;
	long host;

	(void)state;
	assert_true(raw != MAP_FAILED);
	assert_int_equal(madvise(p, HPAGE, MADV_HUGEPAGE), 0);
	memset(p, 7, HPAGE);
	got = mremap(p, HPAGE, HPAGE, MREMAP_MAYMOVE | MREMAP_FIXED, q);
	assert_true(got == q);
	host = host_smaps_kb(q, "AnonHugePages");
	assert_int_equal(q[HPAGE - 1], 7);
	munmap(raw, 5 * HPAGE);
	setup(&t, 64 * MiB);
	thp_at(&t, W);
	assert_int_equal(uapi_mremap(t.m, 0, W, HPAGE, HPAGE,
				     MREMAP_MAYMOVE | MREMAP_FIXED,
				     W + 2 * HPAGE, &to),
			 0);
	print_message("host: AnonHugePages %ld kB after an aligned mremap\n",
		      host);
	assert_int_equal(leaf_size(&t, to), HPAGE);
	if (host == 2048 || host == 0)
		assert_int_equal(
			report_value(t.m, report_meminfo, "AnonHugePages"),
			(unsigned long)host);
	teardown(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fault_madvise),
		cmocka_unit_test(test_enabled_settings),
		cmocka_unit_test(test_settings_report),
		cmocka_unit_test(test_huge_zero_page),
		cmocka_unit_test(test_split_munmap),
		cmocka_unit_test(test_split_mprotect),
		cmocka_unit_test(test_split_mremap_dontneed),
		cmocka_unit_test(test_fork_cow),
		cmocka_unit_test(test_fallback_charge),
		cmocka_unit_test(test_khugepaged_collapse),
		cmocka_unit_test(test_khugepaged_max_ptes_none),
		cmocka_unit_test(test_khugepaged_shared),
		cmocka_unit_test(test_host_fault),
		cmocka_unit_test(test_host_zero_page_write),
		cmocka_unit_test(test_host_mremap_aligned),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
