/* SPDX-License-Identifier: MIT */
/*
 * test_thp_fork.c - transparent huge pages across fork, copy-on-write
 * and splits, as Linux 6.x keeps them: fork shares a THP at the PMD
 * level (copy_huge_pmd); a write to a shared PMD splits this mm's PMD
 * and copies the one page (do_huge_pmd_wp_page), an exclusive one is
 * reused; a PTE-mapped THP stays whole, its pages reused or copied as
 * __wp_can_reuse_large_anon_folio decides; a partly unmapped THP waits
 * on the deferred split queue until reclaim or drop_caches splits it.
 * Every byte is read back, every counter asserted, and the same fork
 * runs on the host, whose smaps and vmstat must agree.
 */
#include "tests/unit/host.h"
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/huge_mm.h"
#include "core/meminfo.h"
#include "core/proc_page.h"
#include "core/task.h"
#include "core/uapi.h"
#include "core/vmscan.h"

#define HPAGE (2 * MiB)
#define W     0x40000000ULL /* 1 GiB: aligned to a PMD */

struct thp {
	struct machine *m;
	int pid;
	int child;
};

static void setup(struct thp *t)
{
	struct layout l;

	small_layout(&l, 64 * MiB);
	t->m = boot(&l);
	assert_int_equal(task_create(t->m, "thp", 0, 0, &t->pid), 0);
	assert_int_equal(task_switch(t->m, t->pid), 0);
}

static void teardown(struct thp *t)
{
	assert_consistent(t->m);
	machine_destroy(t->m);
}

static void poke(struct thp *t, int pid, uint64_t addr, uint8_t v)
{
	struct user_fault f;

	assert_int_equal(uapi_access_vm(t->m, pid, addr, &v, 1, USER_WRITE, &f),
			 0);
}

static uint8_t peek(struct thp *t, int pid, uint64_t addr)
{
	struct user_fault f;
	uint8_t v = 0xee;

	assert_int_equal(uapi_access_vm(t->m, pid, addr, &v, 1, USER_READ, &f),
			 0);
	return v;
}

/* The byte the pattern puts in page i of the THP at W. */
static uint8_t pattern(uint64_t i)
{
	return (uint8_t)(i * 7 + 3);
}

static uint64_t spot(uint64_t at, uint64_t i)
{
	return at + i * PAGE + i % 97;
}

/* nr THPs from W, MADV_HUGEPAGE, each page's byte written. */
static void thps_at(struct thp *t, unsigned int nr)
{
	uint64_t got = 0;

	assert_int_equal(
		uapi_mmap(t->m, 0, W, nr * HPAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, &got),
		0);
	assert_int_equal(uapi_madvise(t->m, 0, W, nr * HPAGE, MADV_HUGEPAGE),
			 0);
	for (uint64_t i = 0; i < nr * (HPAGE / PAGE); i++)
		poke(t, 0, spot(W, i), pattern(i));
}

/* Page bytes [0, n) in pid's view, but the pages in skip (a bitmask). */
static void assert_pages(struct thp *t, int pid, uint64_t skip, uint64_t n)
{
	for (uint64_t i = 0; i < n; i++) {
		if (i < 64 && (skip & (1ULL << i)))
			continue;
		if (peek(t, pid, spot(W, i)) != pattern(i))
			fail_msg("pid %d: byte of page %llu lost", pid,
				 (unsigned long long)i);
	}
}

static void assert_pattern(struct thp *t, int pid, uint64_t skip)
{
	assert_pages(t, pid, skip, HPAGE / PAGE);
}

static struct pgtable_walk walk(struct thp *t, int pid, uint64_t addr)
{
	struct pgtable_walk w;
	struct mm_struct *mm = find_task_by_pid(t->m, pid ? pid : t->pid)->mm;

	assert_int_equal(pgtable_walk(t->m, mm->pgd, addr, &w), 0);
	assert_true(w.present);
	return w;
}

static uint64_t leaf_size(struct thp *t, int pid, uint64_t addr)
{
	return walk(t, pid, addr).page_size;
}

static unsigned long pfn_at(struct thp *t, int pid, uint64_t addr)
{
	return walk(t, pid, addr).pfn;
}

static long anon_rss(struct thp *t, int pid)
{
	return find_task_by_pid(t->m, pid ? pid : t->pid)
		->mm->rss_stat[MM_ANONPAGES];
}

static unsigned long ev(struct thp *t, enum vm_event_item i)
{
	return t->m->vm_events[i];
}

/* pid's PMD-mapped THP bytes in [W, +len), in kB, as smaps counts them. */
static long mm_anon_huge_kb(struct thp *t, int pid, uint64_t len)
{
	long kb = 0;

	for (uint64_t a = W; a < W + len; a += HPAGE)
		if (leaf_size(t, pid, a) == HPAGE)
			kb += (long)(HPAGE >> 10);
	return kb;
}

/* fork shares the THP: one PMD each, read-only, no split, no copy. */
static void test_fork_shares_pmd(void **state)
{
	struct thp t;
	unsigned long head;

	(void)state;
	setup(&t);
	thps_at(&t, 1);
	head = pfn_at(&t, 0, W);
	assert_int_equal(uapi_fork(t.m, 0, &t.child), 0);
	assert_int_equal(ev(&t, THP_SPLIT_PMD), 0);
	assert_int_equal(ev(&t, THP_SPLIT_PAGE), 0);
	assert_int_equal(leaf_size(&t, 0, W), HPAGE);
	assert_int_equal(leaf_size(&t, t.child, W), HPAGE);
	assert_int_equal(pfn_at(&t, t.child, W), head);
	assert_int_equal(walk(&t, 0, W).level[2].entry & _PAGE_RW, 0);
	assert_int_equal(walk(&t, t.child, W).level[2].entry & _PAGE_RW, 0);
	assert_int_equal(thp_entire_mapcount(&t.m->mem_map[head]), 2);
	assert_int_equal(t.m->mem_map[head]._refcount, 2);
	assert_int_equal(anon_rss(&t, 0), 512);
	assert_int_equal(anon_rss(&t, t.child), 512);
	/* One THP, mapped twice: counted once, as NR_ANON_THPS is. */
	assert_int_equal(t.m->node_stat[NR_ANON_THPS], 512);
	assert_int_equal(t.m->node_stat[NR_ANON_MAPPED], 512);
	assert_int_equal(meminfo_kb(t.m, "AnonHugePages"), 2048);
	/* kpagecount and kpageflags of a page inside: two PMDs map it. */
	assert_int_equal(kpagecount(t.m, head + 3), 2);
	assert_int_equal(
		stable_page_flags(t.m, head + 3) &
			((1ULL << KPF_THP) | (1ULL << KPF_MMAP) |
			 (1ULL << KPF_ANON) | (1ULL << KPF_COMPOUND_TAIL) |
			 (1ULL << KPF_COMPOUND_HEAD)),
		(1ULL << KPF_THP) | (1ULL << KPF_MMAP) | (1ULL << KPF_ANON) |
			(1ULL << KPF_COMPOUND_TAIL));
	assert_true(stable_page_flags(t.m, head) & (1ULL << KPF_COMPOUND_HEAD));
	assert_pattern(&t, t.child, 0);
	assert_consistent(t.m);
	/* The child gone, the parent's write reuses the THP in place. */
	assert_int_equal(uapi_exit_process(t.m, t.child), 0);
	poke(&t, 0, W + 9, 0x99);
	assert_int_equal(ev(&t, THP_SPLIT_PMD), 0);
	assert_int_equal(leaf_size(&t, 0, W), HPAGE);
	assert_int_equal(pfn_at(&t, 0, W), head);
	assert_int_equal(t.m->mem_map[head]._refcount, 1);
	teardown(&t);
}

/*
 * A write in the child splits the child's PMD and copies one page; the
 * parent keeps its PMD. The parent's write then splits its own, copies
 * its page while the child maps the THP, and reuses pages once the
 * child is gone; the page no one maps queues the THP for a split.
 */
static void test_cow_shared_pmd(void **state)
{
	struct thp t;
	unsigned long head;

	(void)state;
	setup(&t);
	thps_at(&t, 1);
	head = pfn_at(&t, 0, W);
	assert_int_equal(uapi_fork(t.m, 0, &t.child), 0);
	poke(&t, t.child, spot(W, 1), 0x55);
	assert_int_equal(ev(&t, THP_SPLIT_PMD), 1);
	assert_int_equal(ev(&t, THP_SPLIT_PAGE), 0);
	assert_int_equal(ev(&t, THP_DEFERRED_SPLIT_PAGE), 0);
	assert_int_equal(leaf_size(&t, t.child, W), PAGE);
	assert_int_equal(leaf_size(&t, 0, W), HPAGE);
	assert_true(pfn_at(&t, t.child, W + PAGE) != head + 1);
	assert_int_equal(pfn_at(&t, t.child, W + 2 * PAGE), head + 2);
	assert_int_equal(peek(&t, t.child, spot(W, 1)), 0x55);
	assert_int_equal(peek(&t, 0, spot(W, 1)), pattern(1));
	assert_pattern(&t, t.child, 1ULL << 1);
	assert_pattern(&t, 0, 0);
	assert_int_equal(anon_rss(&t, t.child), 512);
	assert_int_equal(t.m->node_stat[NR_ANON_THPS], 512);
	assert_int_equal(t.m->mem_map[head]._refcount, 1 + 511);
	assert_consistent(t.m);

	/* The parent's write: its PMD split, its page copied. */
	poke(&t, 0, spot(W, 1), 0x66);
	assert_int_equal(ev(&t, THP_SPLIT_PMD), 2);
	assert_int_equal(leaf_size(&t, 0, W), PAGE);
	assert_true(pfn_at(&t, 0, W + PAGE) != head + 1);
	assert_int_equal(t.m->node_stat[NR_ANON_THPS], 0);
	assert_int_equal(meminfo_kb(t.m, "AnonHugePages"), 0);
	/* Page 1 is mapped by no one now: the THP waits to be split. */
	assert_int_equal(ev(&t, THP_DEFERRED_SPLIT_PAGE), 1);
	assert_int_equal(t.m->thp.split_queue_len, 1);
	/* Mapped in the child too: another write copies. */
	poke(&t, 0, spot(W, 3), 0x33);
	assert_true(pfn_at(&t, 0, W + 3 * PAGE) != head + 3);
	assert_int_equal(pfn_at(&t, t.child, W + 3 * PAGE), head + 3);
	assert_consistent(t.m);

	/* This mm alone maps it: written in place, exclusive from then. */
	assert_int_equal(uapi_exit_process(t.m, t.child), 0);
	poke(&t, 0, spot(W, 5), 0x77);
	assert_int_equal(pfn_at(&t, 0, W + 5 * PAGE), head + 5);
	assert_int_equal(peek(&t, 0, spot(W, 1)), 0x66);
	assert_int_equal(peek(&t, 0, spot(W, 3)), 0x33);
	assert_int_equal(peek(&t, 0, spot(W, 5)), 0x77);
	assert_pattern(&t, 0, (1ULL << 1) | (1ULL << 3) | (1ULL << 5));
	assert_int_equal(t.m->node_stat[NR_ANON_MAPPED], 512);
	assert_int_equal(ev(&t, THP_DEFERRED_SPLIT_PAGE), 1);
	assert_consistent(t.m);
	teardown(&t);
}

/*
 * munmap of one page: the PMD is split, the THP stays whole and waits on
 * the deferred split queue; reclaim splits it later, freeing the page.
 */
static void test_deferred_split_reclaim(void **state)
{
	struct thp t;
	unsigned long head;

	(void)state;
	setup(&t);
	thps_at(&t, 1);
	head = pfn_at(&t, 0, W);
	assert_int_equal(uapi_munmap(t.m, 0, W + 10 * PAGE, PAGE), 0);
	assert_int_equal(ev(&t, THP_SPLIT_PMD), 1);
	assert_int_equal(ev(&t, THP_SPLIT_PAGE), 0);
	assert_int_equal(ev(&t, THP_DEFERRED_SPLIT_PAGE), 1);
	assert_int_equal(t.m->thp.split_queue_len, 1);
	assert_int_equal(t.m->node_stat[NR_ANON_THPS], 0);
	assert_int_equal(t.m->node_stat[NR_ANON_MAPPED], 511);
	assert_int_equal(thp_nr_pages_mapped(&t.m->mem_map[head]), 511);
	assert_true(PageFlag(&t.m->mem_map[head + 10], PG_tail));
	assert_int_equal(anon_rss(&t, 0), 511);
	assert_consistent(t.m);
	/* A reclaim pass runs the shrinker: split, page 10 freed. */
	try_to_free_pages(t.m, GFP_KERNEL, 0, NULL);
	assert_int_equal(ev(&t, THP_SPLIT_PAGE), 1);
	assert_int_equal(t.m->thp.split_queue_len, 0);
	assert_true(PageFlag(&t.m->mem_map[head + 10], PG_buddy) ||
		    PageFlag(&t.m->mem_map[head + 10], PG_pcp));
	assert_false(PageFlag(&t.m->mem_map[head + 11], PG_tail));
	assert_pattern(&t, 0, 1ULL << 10);
	assert_consistent(t.m);
	teardown(&t);
}

/* drop_caches runs the shrinker too, as echo 2 does on Linux. */
static void test_deferred_split_drop_caches(void **state)
{
	struct thp t;

	(void)state;
	setup(&t);
	thps_at(&t, 2);
	assert_int_equal(
		uapi_madvise(t.m, 0, W + HPAGE - PAGE, 2 * PAGE, MADV_DONTNEED),
		0);
	assert_int_equal(ev(&t, THP_SPLIT_PMD), 2);
	assert_int_equal(ev(&t, THP_DEFERRED_SPLIT_PAGE), 2);
	assert_int_equal(t.m->thp.split_queue_len, 2);
	drop_caches(t.m);
	assert_int_equal(task_switch(t.m, t.pid), 0); /* it ran as pid 0 */
	assert_int_equal(ev(&t, THP_SPLIT_PAGE), 2);
	assert_int_equal(t.m->thp.split_queue_len, 0);
	assert_int_equal(peek(&t, 0, W + HPAGE - PAGE), 0);
	assert_int_equal(peek(&t, 0, W + HPAGE), 0);
	assert_pages(&t, 0, 0, HPAGE / PAGE - 1);
	assert_int_equal(peek(&t, 0, spot(W, 513)), pattern(513));
	assert_consistent(t.m);
	teardown(&t);
}

/*
 * mprotect of one page splits the PMD; the THP stays whole and its pages
 * stay this mm's own (PageAnonExclusive), so a write reuses them.
 */
static void test_split_exclusive_reuse(void **state)
{
	const struct vm_area_struct *vma;
	struct thp t;
	unsigned long head;

	(void)state;
	setup(&t);
	thps_at(&t, 1);
	head = pfn_at(&t, 0, W);
	assert_int_equal(uapi_mprotect(t.m, 0, W + 100 * PAGE, PAGE, PROT_READ),
			 0);
	assert_int_equal(ev(&t, THP_SPLIT_PMD), 1);
	assert_int_equal(ev(&t, THP_DEFERRED_SPLIT_PAGE), 0);
	assert_int_equal(t.m->thp.split_queue_len, 0);
	poke(&t, 0, spot(W, 7), 0x42);
	assert_int_equal(pfn_at(&t, 0, W + 7 * PAGE), head + 7);
	assert_true(PageFlag(&t.m->mem_map[head + 7], PG_anon_exclusive));
	assert_int_equal(t.m->mem_map[head]._refcount, 512);
	assert_int_equal(t.m->node_stat[NR_ANON_MAPPED], 512);
	/* The THP still holds every page; none went back. */
	assert_int_equal(t.m->node_stat[NR_ANON_THPS], 0);
	assert_consistent(t.m);
	/* fork of a PTE-mapped THP: one more mapping of each page. */
	assert_int_equal(uapi_fork(t.m, 0, &t.child), 0);
	assert_int_equal(t.m->mem_map[head]._refcount, 1024);
	assert_false(PageFlag(&t.m->mem_map[head + 7], PG_anon_exclusive));
	poke(&t, t.child, spot(W, 7), 0x24);
	assert_true(pfn_at(&t, t.child, W + 7 * PAGE) != head + 7);
	assert_int_equal(peek(&t, 0, spot(W, 7)), 0x42);
	assert_consistent(t.m);
	assert_int_equal(uapi_exit_process(t.m, t.child), 0);
	/*
	 * Page 100 writable again: one VMA, whose munmap unmaps the THP's
	 * PTEs as one batch, as zap_present_ptes does: never partly
	 * mapped, never queued.
	 */
	assert_int_equal(uapi_mprotect(t.m, 0, W + 100 * PAGE, PAGE,
				       PROT_READ | PROT_WRITE),
			 0);
	vma = find_vma(find_task_by_pid(t.m, t.pid)->mm, W);
	assert_true(vma && vma->vm_start == W && vma->vm_end == W + HPAGE);
	assert_int_equal(uapi_munmap(t.m, 0, W, HPAGE), 0);
	assert_int_equal(ev(&t, THP_DEFERRED_SPLIT_PAGE), 0);
	assert_int_equal(t.m->thp.split_queue_len, 0);
	assert_true(PageFlag(&t.m->mem_map[head], PG_buddy) ||
		    PageFlag(&t.m->mem_map[head], PG_pcp) ||
		    !PageFlag(&t.m->mem_map[head], PG_anon));
	teardown(&t);
}

/* ------------------------------------------------------------------ */
/* A random walk                                                       */

#define RND_THPS  4
#define RND_PAGES (RND_THPS * (HPAGE / PAGE))
#define RND_PROCS 4

/* Each live process's pid and the byte each of its pages should hold. */
struct rnd {
	struct thp t;
	int pids[RND_PROCS];
	uint8_t bytes[RND_PROCS][RND_PAGES];
	unsigned int seed;
};

static unsigned int rnd_next(struct rnd *r, unsigned int n)
{
	r->seed = r->seed * 1103515245u + 12345u;
	return (r->seed >> 8) % n;
}

/* A live process at random (slot 0, the session's, always lives). */
static unsigned int rnd_proc(struct rnd *r)
{
	unsigned int i;

	do
		i = rnd_next(r, RND_PROCS);
	while (!r->pids[i]);
	return i;
}

static int rnd_pid(struct rnd *r, unsigned int i)
{
	return i ? r->pids[i] : 0;
}

static void rnd_check_bytes(struct rnd *r)
{
	for (unsigned int i = 0; i < RND_PROCS; i++)
		for (uint64_t pg = 0; r->pids[i] && pg < RND_PAGES; pg++)
			if (peek(&r->t, rnd_pid(r, i), spot(W, pg)) !=
			    r->bytes[i][pg])
				fail_msg("seed walk: pid %d page %llu lost its "
					 "byte",
					 r->pids[i], (unsigned long long)pg);
}

/* One page of process i back to a fresh zero page, by mmap MAP_FIXED. */
static void rnd_remap(struct rnd *r, unsigned int i, uint64_t pg)
{
	uint64_t got = 0;

	assert_int_equal(uapi_mmap(r->t.m, rnd_pid(r, i), spot(W, pg) & ~4095,
				   PAGE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
				   &got),
			 0);
	r->bytes[i][pg] = 0;
}

static void rnd_fork(struct rnd *r, unsigned int i)
{
	for (unsigned int j = 1; j < RND_PROCS; j++) {
		if (r->pids[j])
			continue;
		assert_int_equal(uapi_fork(r->t.m, rnd_pid(r, i), &r->pids[j]),
				 0);
		memcpy(r->bytes[j], r->bytes[i], RND_PAGES);
		return;
	}
}

static void rnd_step(struct rnd *r)
{
	unsigned int i = rnd_proc(r), op = rnd_next(r, 10);
	uint64_t pg = rnd_next(r, RND_PAGES);
	int pid = rnd_pid(r, i);
	uint8_t v = (uint8_t)rnd_next(r, 256);

	if (op <= 3) { /* writes are the most common */
		poke(&r->t, pid, spot(W, pg), v);
		r->bytes[i][pg] = v;
	} else if (op == 4) {
		rnd_fork(r, i);
	} else if (op == 5 && i) {
		assert_int_equal(uapi_exit_process(r->t.m, pid), 0);
		r->pids[i] = 0;
	} else if (op == 6) {
		assert_int_equal(
			uapi_munmap(r->t.m, pid, spot(W, pg) & ~4095, PAGE), 0);
		rnd_remap(r, i, pg);
	} else if (op == 7) {
		assert_int_equal(uapi_madvise(r->t.m, pid, spot(W, pg) & ~4095,
					      PAGE, MADV_DONTNEED),
				 0);
		r->bytes[i][pg] = 0;
	} else if (op == 8) {
		assert_int_equal(uapi_mprotect(r->t.m, pid, spot(W, pg) & ~4095,
					       PAGE, PROT_READ),
				 0);
		assert_int_equal(uapi_mprotect(r->t.m, pid, spot(W, pg) & ~4095,
					       PAGE, PROT_READ | PROT_WRITE),
				 0);
	} else if (rnd_next(r, 2)) {
		drop_caches(r->t.m);
		assert_int_equal(task_switch(r->t.m, r->t.pid), 0);
	} else {
		khugepaged_scan(r->t.m);
	}
}

/*
 * A seeded walk of writes, forks, exits, partial munmaps, DONTNEEDs,
 * mprotects, deferred splits and collapses over four THPs in up to four
 * processes: the checker holds after each step, every byte after each
 * tenth.
 */
static void test_random_walk(void **state)
{
	struct rnd *r = calloc(1, sizeof(*r));

	(void)state;
	assert_non_null(r);
	setup(&r->t);
	thps_at(&r->t, RND_THPS);
	r->pids[0] = r->t.pid;
	for (uint64_t pg = 0; pg < RND_PAGES; pg++)
		r->bytes[0][pg] = pattern(pg);
	for (unsigned int seed = 1; seed <= 3; seed++) {
		r->seed = seed;
		for (int step = 0; step < 150; step++) {
			rnd_step(r);
			assert_consistent(r->t.m);
			if (step % 10 == 9)
				rnd_check_bytes(r);
		}
	}
	rnd_check_bytes(r);
	print_message("walk: thp_split_pmd %lu, thp_deferred_split_page %lu, "
		      "thp_split_page %lu, thp_collapse_alloc %lu\n",
		      ev(&r->t, THP_SPLIT_PMD),
		      ev(&r->t, THP_DEFERRED_SPLIT_PAGE),
		      ev(&r->t, THP_SPLIT_PAGE), ev(&r->t, THP_COLLAPSE_ALLOC));
	/* The walk went through every path it is there for. */
	assert_true(ev(&r->t, THP_SPLIT_PMD) > 0);
	assert_true(ev(&r->t, THP_DEFERRED_SPLIT_PAGE) > 0);
	assert_true(ev(&r->t, THP_SPLIT_PAGE) > 0);
	for (unsigned int i = 1; i < RND_PROCS; i++)
		if (r->pids[i])
			assert_int_equal(uapi_exit_process(r->t.m, r->pids[i]),
					 0);
	teardown(&r->t);
	free(r);
}

/*
 * i386 without PAE: a THP is 4 MiB, 1024 pages under one PDE; fork,
 * copy-on-write, a partial munmap and the deferred split keep every
 * byte and every count there too.
 */
static void test_i386_fork_split(void **state)
{
	const uint64_t huge = 4 * MiB, pages = huge / PAGE;
	struct layout l;
	struct thp t;
	uint64_t got = 0;

	(void)state;
	i386_layout(&l, 1024 * MiB);
	t.m = boot(&l);
	assert_int_equal(task_create(t.m, "thp", 0, 0, &t.pid), 0);
	assert_int_equal(task_switch(t.m, t.pid), 0);
	assert_int_equal(uapi_mmap(t.m, 0, W, huge, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
				   &got),
			 0);
	assert_int_equal(uapi_madvise(t.m, 0, W, huge, MADV_HUGEPAGE), 0);
	for (uint64_t i = 0; i < pages; i++)
		poke(&t, 0, W + i * PAGE, pattern(i));
	assert_int_equal(leaf_size(&t, 0, W), huge);
	assert_int_equal(uapi_fork(t.m, 0, &t.child), 0);
	assert_int_equal(leaf_size(&t, t.child, W), huge);
	assert_int_equal(t.m->node_stat[NR_ANON_THPS], (long)pages);
	poke(&t, t.child, W + 1000 * PAGE, 0x55);
	assert_int_equal(ev(&t, THP_SPLIT_PMD), 1);
	assert_int_equal(leaf_size(&t, 0, W), huge);
	assert_consistent(t.m);
	assert_int_equal(uapi_exit_process(t.m, t.child), 0);
	assert_int_equal(uapi_munmap(t.m, 0, W + 1023 * PAGE, PAGE), 0);
	assert_int_equal(ev(&t, THP_DEFERRED_SPLIT_PAGE), 1);
	drop_caches(t.m);
	assert_int_equal(task_switch(t.m, t.pid), 0);
	assert_int_equal(ev(&t, THP_SPLIT_PAGE), 1);
	for (uint64_t i = 0; i < pages - 1; i++)
		if (peek(&t, 0, W + i * PAGE) != pattern(i))
			fail_msg("i386: byte of page %llu lost",
				 (unsigned long long)i);
	teardown(&t);
}

/* machine_check's message, which must name what is wrong. */
/* The checker sees a wrong THP count or a THP off its queue. */
static void test_check_thp_counts(void **state)
{
	struct thp t;
	struct page *head;

	(void)state;
	setup(&t);
	thps_at(&t, 1);
	assert_int_equal(uapi_fork(t.m, 0, &t.child), 0);
	head = &t.m->mem_map[pfn_at(&t, 0, W)];
	head[1]._entire_mapcount--;
	assert_check_fails(t.m, "entire mapcount 1 (2 PMDs)");
	head[1]._entire_mapcount++;
	SetPageFlag(head, PG_anon_exclusive);
	assert_check_fails(t.m,
			   "page 0 is exclusive but mapped more than once");
	ClearPageFlag(head, PG_anon_exclusive);
	head->_refcount++;
	assert_check_fails(t.m, "_refcount 3 (2 mappings)");
	head->_refcount--;
	assert_int_equal(uapi_exit_process(t.m, t.child), 0);
	assert_int_equal(uapi_munmap(t.m, 0, W, PAGE), 0);
	list_del_init(thp_deferred_list(head));
	assert_check_fails(t.m, "not on the deferred split queue");
	list_add_tail(thp_deferred_list(head), &t.m->thp.split_queue);
	head[5]._mapcount++;
	assert_check_fails(t.m, "page 5's map count 2, 1 PTEs map it");
	head[5]._mapcount--;
	teardown(&t);
}

/* ------------------------------------------------------------------ */
/* The host                                                            */

static bool host_thp_never(void)
{
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");
	char line[128] = "";
	bool never;

	if (!f)
		return true;
	never = !fgets(line, sizeof(line), f) || strstr(line, "[never]");
	fclose(f);
	return never;
}

struct host_fork {
	long parent_kb, child_kb, split_pmd, before_kb;
};

/* The child: one byte written, its smaps line sent, held till told. */
static void host_child(uint8_t *p, int out, int hold)
{
	long kb;
	char c;

	p[5] = 0x55;
	kb = host_smaps_kb(p, "AnonHugePages");
	if (write(out, &kb, sizeof(kb)) != sizeof(kb) || read(hold, &c, 1) != 1)
		_exit(1);
	_exit(0);
}

/* 4 MiB aligned, MADV_HUGEPAGE, touched, forked, the child writing. */
static bool host_fork_write(struct host_fork *h)
{
	uint8_t *raw = mmap(NULL, 3 * HPAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *p = (uint8_t *)(((uintptr_t)raw + HPAGE - 1) &
				 ~(uintptr_t)(HPAGE - 1));
	int out[2], hold[2], status;
	long split;
	pid_t pid;

	assert_true(raw != MAP_FAILED);
	assert_int_equal(madvise(p, 2 * HPAGE, MADV_HUGEPAGE), 0);
	memset(p, 1, 2 * HPAGE);
	h->before_kb = host_smaps_kb(p, "AnonHugePages");
	assert_int_equal(pipe(out), 0);
	assert_int_equal(pipe(hold), 0);
	split = host_vmstat("thp_split_pmd");
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		host_child(p, out[1], hold[0]);
	assert_int_equal(read(out[0], &h->child_kb, sizeof(h->child_kb)),
			 sizeof(h->child_kb));
	h->split_pmd = host_vmstat("thp_split_pmd") - split;
	h->parent_kb = host_smaps_kb(p, "AnonHugePages");
	assert_int_equal(write(hold[1], "x", 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	close(out[0]);
	close(out[1]);
	close(hold[0]);
	close(hold[1]);
	munmap(raw, 3 * HPAGE);
	return h->before_kb == 4096;
}

/*
 * The same on the host and in mm: after the child's write, the parent's
 * smaps shows both THPs, the child's one, and one PMD was split.
 */
static void test_host_fork_cow(void **state)
{
	struct host_fork h;
	struct thp t;
	long mm_parent, mm_child;

	(void)state;
	setup(&t);
	thps_at(&t, 2);
	assert_int_equal(uapi_fork(t.m, 0, &t.child), 0);
	poke(&t, t.child, W + 5, 0x55);
	mm_parent = mm_anon_huge_kb(&t, 0, 2 * HPAGE);
	mm_child = mm_anon_huge_kb(&t, t.child, 2 * HPAGE);
	assert_int_equal(mm_parent, 4096);
	assert_int_equal(mm_child, 2048);
	assert_int_equal(ev(&t, THP_SPLIT_PMD), 1);
	assert_int_equal(ev(&t, THP_SPLIT_PAGE), 0);
	assert_int_equal(meminfo_kb(t.m, "AnonHugePages"), 4096);
	assert_int_equal(uapi_exit_process(t.m, t.child), 0);
	teardown(&t);

	if (host_thp_never()) {
		print_message("host: transparent_hugepage is never; "
			      "comparison skipped\n");
		return;
	}
	if (!host_fork_write(&h)) {
		print_message("host: no THP for the 4 MiB (AnonHugePages "
			      "%ld kB); comparison skipped\n",
			      h.before_kb);
		return;
	}
	print_message("host: parent %ld kB, child %ld kB, thp_split_pmd "
		      "+%ld\n",
		      h.parent_kb, h.child_kb, h.split_pmd);
	assert_int_equal(h.parent_kb, mm_parent);
	assert_int_equal(h.child_kb, mm_child);
	/* Others' work may split PMDs too: at least ours. */
	assert_true(h.split_pmd >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fork_shares_pmd),
		cmocka_unit_test(test_cow_shared_pmd),
		cmocka_unit_test(test_deferred_split_reclaim),
		cmocka_unit_test(test_deferred_split_drop_caches),
		cmocka_unit_test(test_split_exclusive_reuse),
		cmocka_unit_test(test_check_thp_counts),
		cmocka_unit_test(test_random_walk),
		cmocka_unit_test(test_i386_fork_split),
		cmocka_unit_test(test_host_fork_cow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
