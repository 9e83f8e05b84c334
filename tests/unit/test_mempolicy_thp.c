/* SPDX-License-Identifier: MIT */
/*
 * test_mempolicy_thp.c - transparent huge pages under memory policies,
 * on two nodes of 256 MiB: mbind(MPOL_MF_MOVE), migrate_pages and
 * move_pages move a PMD-mapped THP whole (one PMD on the new node, its
 * bytes, AnonHugePages and numa_maps following it), split it and move
 * its pages when the target node has no huge page free, skip a shared
 * one without MPOL_MF_MOVE_ALL; the counters move as Linux's
 * (pgmigrate_success by pages, thp_migration_success/fail/split); a
 * THP that PTEs map moves whole too, one only partly mapped is split
 * first; move_pages answers as do_pages_move (a split THP is a count
 * returned, a THP asked for twice -EBUSY, the zero page -EFAULT, a bad
 * node -ENODEV after the pages before it moved); a THP fault takes its
 * huge page where the policy says (bind, preferred, interleave by the
 * huge page's index) and, without direct reclaim, takes no remote THP
 * at all.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tests/unit/machines.h"

#include "core/huge_mm.h"
#include "core/mempolicy_syscalls.h"
#include "core/mmzone.h"
#include "core/page_alloc.h"
#include "core/task.h"
#include "core/task_mmu.h"
#include "core/uapi.h"
#include "core/vma_internal.h"

#define ADDR 0x10000000ULL /* 2 MiB aligned */
#define HUGE (512 * PAGE)

struct fixture {
	struct machine *m;
	int pid;
	unsigned long *held; /* frames fragment() holds on node 1 */
	unsigned long nr_held;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct layout l;

	two_node_layout(&l, 256 * MiB);
	layout_resolve(&l);
	f->m = boot(&l);
	assert_int_equal(task_create(f->m, "thp", 0, 0, &f->pid), 0);
	assert_int_equal(task_switch(f->m, f->pid), 0);
	assert_int_equal(thp_set(f->m, "always", NULL), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	for (unsigned long i = 0; i < f->nr_held; i++)
		__free_pages(f->m, pfn_to_page(f->m, f->held[i]), 0);
	free(f->held);
	assert_consistent(f->m);
	machine_destroy(f->m);
	free(f);
	return 0;
}

/*
 * Node 1 without a free huge page and nothing compaction could move:
 * every frame it can give taken by the kernel, every other one given
 * back (order-0 holes between unmovable pages).
 */
static void fragment(struct fixture *f)
{
	const gfp_t gfp = GFP_NOWAIT | __GFP_THISNODE | __GFP_NOWARN;
	unsigned long cap = 70000, n = 0;
	unsigned long *pfns = malloc(cap * sizeof(*pfns));

	for (;;) {
		struct page *p = __alloc_pages(f->m, gfp, 0, 1, NULL);

		if (IS_ERR(p))
			break;
		assert_int_equal(page_to_nid(p), 1);
		assert_true(n < cap);
		pfns[n++] = page_to_pfn(f->m, p);
	}
	f->held = malloc(n * sizeof(*f->held));
	for (unsigned long i = 0; i < n; i++) {
		if (i & 1)
			__free_pages(f->m, pfn_to_page(f->m, pfns[i]), 0);
		else
			f->held[f->nr_held++] = pfns[i];
	}
	free(pfns);
	assert_true(IS_ERR(__alloc_pages(
		f->m, GFP_TRANSHUGE | __GFP_THISNODE | __GFP_NORETRY, 9, 1,
		NULL)));
}

static struct mm_struct *mm_of(struct fixture *f)
{
	return find_task_by_pid(f->m, f->pid)->mm;
}

static int node_of(struct fixture *f, uint64_t addr)
{
	unsigned long pfn;
	uint64_t pte;

	assert_int_equal(pgtable_lookup(f->m, mm_of(f)->pgd, addr, &pte, &pfn),
			 0);
	return page_to_nid(pfn_to_page(f->m, pfn));
}

static bool pmd_mapped(struct fixture *f, uint64_t addr)
{
	return pmd_trans_huge_at(f->m, find_vma(mm_of(f), addr), addr);
}

static uint64_t map(struct machine *m, uint64_t len)
{
	uint64_t out = 0;

	assert_int_equal(uapi_mmap(m, 0, ADDR, len, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
				   &out),
			 0);
	return out;
}

/* A byte that names its page, written at each page's start. */
static void fill(struct machine *m, uint64_t a, uint64_t len)
{
	struct user_fault fault;

	for (uint64_t off = 0; off < len; off += PAGE) {
		char c = (char)('a' + (off / PAGE) % 26);

		assert_int_equal(uapi_access_vm(m, 0, a + off, &c, 1,
						USER_WRITE, &fault),
				 0);
	}
}

static void expect_bytes(struct machine *m, uint64_t a, uint64_t len)
{
	struct user_fault fault;

	for (uint64_t off = 0; off < len; off += PAGE) {
		char c = 0;

		assert_int_equal(
			uapi_access_vm(m, 0, a + off, &c, 1, USER_READ, &fault),
			0);
		assert_int_equal(c, (char)('a' + (off / PAGE) % 26));
	}
}

static int do_mbind(struct machine *m, uint64_t addr, uint64_t len, int mode,
		    unsigned long mask, uint32_t flags)
{
	uint64_t w = mask;

	return uapi_mbind(m, 0, addr, len, mode, &w, 1, 64, flags, false);
}

static long anon_thps(struct machine *m, int nid)
{
	return node_page_state(NODE_DATA(m, nid), NR_ANON_THPS);
}

/* numa_maps' line of the VMA at a holds want. */
static void expect_numa_maps(struct fixture *f, uint64_t a, const char *want)
{
	struct seq_buf s;
	char head[32];
	const char *line;

	seq_buf_init(&s);
	assert_int_equal(report_pid_numa_maps(f->m, f->pid, &s), 0);
	snprintf(head, sizeof(head), "%08llx ", (unsigned long long)a);
	line = strstr(s.buf, head);
	assert_non_null(line);
	if (!strstr(line, want) || strchr(line, '\n') < strstr(line, want))
		fail_msg("numa_maps of %s has no '%s':\n%s", head, want, s.buf);
	seq_buf_free(&s);
}

/* mbind(MPOL_BIND {1}, MPOL_MF_MOVE): the THP moves whole, one PMD. */
static void test_mbind_moves_thp_whole(void **state)
{
	struct fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a = map(m, 2 * HUGE);
	unsigned long ok = m->vm_events[PGMIGRATE_SUCCESS];
	unsigned long thp_ok = m->vm_events[THP_MIGRATION_SUCCESS];
	long rss = mm_of(f)->rss_stat[MM_ANONPAGES];

	fill(m, a, HUGE);
	assert_true(pmd_mapped(f, a));
	assert_int_equal(node_of(f, a), 0);
	assert_int_equal(anon_thps(m, 0), 512);
	rss = mm_of(f)->rss_stat[MM_ANONPAGES];
	/* Half of the THP in the range: the whole folio moves, as Linux's
	 * queue_folios_pmd queues it. */
	assert_int_equal(do_mbind(m, a + HUGE / 2, HUGE, MPOL_BIND, 0x2,
				  MPOL_MF_MOVE | MPOL_MF_STRICT),
			 0);
	assert_int_equal(node_of(f, a), 1);
	assert_int_equal(node_of(f, a + HUGE - PAGE), 1);
	/* mbind cut the VMA at a + HUGE / 2, splitting the PMD there: the
	 * THP is whole, PTE-mapped, so not AnonHugePages any more. */
	assert_false(pmd_mapped(f, a));
	assert_int_equal(global_node_page_state(m, NR_ANON_THPS), 0);
	assert_int_equal(m->vm_events[PGMIGRATE_SUCCESS], ok + 512);
	assert_int_equal(m->vm_events[THP_MIGRATION_SUCCESS], thp_ok + 1);
	assert_int_equal(m->vm_events[THP_MIGRATION_FAIL], 0);
	assert_int_equal(mm_of(f)->rss_stat[MM_ANONPAGES], rss);
	assert_consistent(m);
	expect_bytes(m, a, HUGE);
	/* The VMA was cut at a + HUGE / 2: the PMD split there, the THP
	 * whole and on node 1, 256 + 256 pages in the two VMAs. */
	expect_numa_maps(f, a, " anon=256 dirty=256 active=0 N1=256 ");
	expect_numa_maps(f, a + HUGE / 2,
			 "bind:1 anon=256 dirty=256 active=0 N1=256 ");
}

/* A whole VMA of one THP moved by mbind: numa_maps counts 512 on N1. */
static void test_numa_maps_follows_the_thp(void **state)
{
	struct fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a = map(m, HUGE);

	fill(m, a, HUGE);
	expect_numa_maps(f, a, " N0=512 kernelpagesize_kB=4");
	assert_int_equal(do_mbind(m, a, HUGE, MPOL_BIND, 0x2, MPOL_MF_MOVE), 0);
	assert_true(pmd_mapped(f, a));
	expect_numa_maps(f, a, "bind:1 anon=512 dirty=512 active=0 N1=512 ");
	expect_bytes(m, a, HUGE);
}

/*
 * Node 1 has no huge page free: the THP is split (thp_migration_fail,
 * thp_migration_split) and its 512 pages move one by one; migrate_pages
 * counts the split THP as a folio not migrated, so MPOL_MF_STRICT gives
 * -EIO though every page moved, as Linux's do_mbind.
 */
static void test_mbind_splits_thp_on_fragmented_node(void **state)
{
	struct fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a = map(m, 2 * HUGE);
	unsigned long ok, split = m->vm_events[THP_SPLIT_PAGE];

	fill(m, a, 2 * HUGE);
	assert_true(pmd_mapped(f, a) && pmd_mapped(f, a + HUGE));
	fragment(f);
	ok = m->vm_events[PGMIGRATE_SUCCESS];
	assert_int_equal(do_mbind(m, a, HUGE, MPOL_BIND, 0x2, MPOL_MF_MOVE), 0);
	assert_false(pmd_mapped(f, a));
	for (uint64_t off = 0; off < HUGE; off += PAGE)
		assert_int_equal(node_of(f, a + off), 1);
	assert_int_equal(m->vm_events[THP_MIGRATION_FAIL], 1);
	assert_int_equal(m->vm_events[THP_MIGRATION_SPLIT], 1);
	assert_int_equal(m->vm_events[THP_MIGRATION_SUCCESS], 0);
	assert_int_equal(m->vm_events[THP_SPLIT_PAGE], split + 1);
	assert_int_equal(m->vm_events[PGMIGRATE_SUCCESS], ok + 512);
	assert_int_equal(m->vm_events[PGMIGRATE_FAIL], 0);
	assert_int_equal(anon_thps(m, 0), 512); /* the second THP */
	assert_int_equal(anon_thps(m, 1), 0);
	expect_bytes(m, a, HUGE);
	assert_consistent(m);
	/* The second THP, with MPOL_MF_STRICT: moved as pages, -EIO. */
	assert_int_equal(do_mbind(m, a + HUGE, HUGE, MPOL_BIND, 0x2,
				  MPOL_MF_MOVE | MPOL_MF_STRICT),
			 -EIO);
	assert_int_equal(node_of(f, a + 2 * HUGE - PAGE), 1);
	assert_int_equal(m->vm_events[THP_MIGRATION_SPLIT], 2);
	assert_int_equal(global_node_page_state(m, NR_ANON_THPS), 0);
	expect_bytes(m, a, 2 * HUGE);
}

/* migrate_pages(0 -> 1): the THP moves whole; a fork's shared THP is
 * skipped by mbind without MPOL_MF_MOVE_ALL and moved with it. */
static void test_migrate_pages_and_shared_thp(void **state)
{
	struct fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a = map(m, HUGE), from = 0x1, to = 0x2, left = 9;
	int child;

	fill(m, a, HUGE);
	assert_int_equal(uapi_migrate_pages(m, 0, 64, &from, 1, &to, 1, &left),
			 0);
	assert_int_equal(left, 0);
	assert_true(pmd_mapped(f, a));
	assert_int_equal(node_of(f, a + 77 * PAGE), 1);
	assert_int_equal(m->vm_events[THP_MIGRATION_SUCCESS], 1);
	assert_int_equal(uapi_fork(m, 0, &child), 0);
	assert_int_equal(do_mbind(m, a, HUGE, MPOL_BIND, 0x1, MPOL_MF_MOVE), 0);
	assert_int_equal(node_of(f, a), 1); /* shared: skipped */
	assert_int_equal(uapi_mbind(m, 0, a, HUGE, MPOL_BIND, &from, 1, 64,
				    MPOL_MF_MOVE_ALL, true),
			 0);
	assert_int_equal(node_of(f, a), 0);
	assert_true(pmd_mapped(f, a));
	assert_int_equal(m->vm_events[THP_MIGRATION_SUCCESS], 2);
	assert_int_equal(anon_thps(m, 0), 512); /* the folio, once */
	assert_consistent(m);
	task_switch(m, child);
	assert_int_equal(node_of(f, a), 0); /* the child's PMD followed */
	expect_bytes(m, a, HUGE);
	task_switch(m, f->pid);
	assert_int_equal(task_exit(m, child, NULL), 0);
	expect_bytes(m, a, HUGE);
}

/* The THP behind addr, as a pfn (its head's). */
static unsigned long thp_pfn(struct fixture *f, uint64_t addr)
{
	unsigned long pfn;
	uint64_t pte;
	struct page *head;

	assert_int_equal(pgtable_lookup(f->m, mm_of(f)->pgd, addr, &pte, &pfn),
			 0);
	head = thp_head(f->m, pfn_to_page(f->m, pfn));
	assert_non_null(head);
	return page_to_pfn(f->m, head);
}

/* A THP whose PMD an mprotect of one page split: all 512 PTE-mapped. */
static uint64_t pte_mapped_thp(struct fixture *f)
{
	uint64_t a = map(f->m, HUGE);

	fill(f->m, a, HUGE);
	assert_int_equal(uapi_mprotect(f->m, 0, a + 10 * PAGE, PAGE, PROT_READ),
			 0);
	assert_false(pmd_mapped(f, a));
	assert_int_equal(global_node_page_state(f->m, NR_ANON_THPS), 0);
	return a;
}

/*
 * mbind(MPOL_MF_MOVE) of a PTE-mapped THP: the folio is taken once, from
 * its first PTE, and moves whole (queue_folios_pte_range): a THP still,
 * every PTE now mapping its page of the new one, NR_ANON_MAPPED on node
 * 1, one thp_migration_success and 512 pgmigrate_success.
 */
static void test_mbind_moves_pte_mapped_thp_whole(void **state)
{
	struct fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a = pte_mapped_thp(f);
	unsigned long old = thp_pfn(f, a);

	assert_int_equal(node_page_state(NODE_DATA(m, 0), NR_ANON_MAPPED), 512);
	assert_int_equal(do_mbind(m, a, HUGE, MPOL_BIND, 0x2,
				  MPOL_MF_MOVE | MPOL_MF_STRICT),
			 0);
	assert_int_not_equal(thp_pfn(f, a), old);
	for (uint64_t off = 0; off < HUGE; off += PAGE) {
		assert_int_equal(node_of(f, a + off), 1);
		assert_int_equal(thp_pfn(f, a + off), thp_pfn(f, a));
	}
	assert_false(pmd_mapped(f, a));
	assert_int_equal(m->vm_events[THP_MIGRATION_SUCCESS], 1);
	assert_int_equal(m->vm_events[THP_MIGRATION_FAIL], 0);
	assert_int_equal(m->vm_events[PGMIGRATE_SUCCESS], 512);
	assert_int_equal(node_page_state(NODE_DATA(m, 0), NR_ANON_MAPPED), 0);
	assert_int_equal(node_page_state(NODE_DATA(m, 1), NR_ANON_MAPPED), 512);
	assert_int_equal(global_node_page_state(m, NR_ANON_THPS), 0);
	expect_bytes(m, a, HUGE);
	expect_numa_maps(f, a, "bind:1 anon=10 dirty=10 active=0 N1=10 ");
	expect_numa_maps(f, a + 10 * PAGE,
			 "bind:1 anon=1 dirty=1 active=0 N1=1 ");
	expect_numa_maps(f, a + 11 * PAGE,
			 "bind:1 anon=501 dirty=501 active=0 N1=501 ");
	assert_consistent(m);
}

/* migrate_pages(0 -> 1) of a PTE-mapped THP: whole, nothing left. */
static void test_migrate_pages_moves_pte_mapped_thp(void **state)
{
	struct fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a = pte_mapped_thp(f), from = 0x1, to = 0x2, left = 9;

	assert_int_equal(uapi_migrate_pages(m, 0, 64, &from, 1, &to, 1, &left),
			 0);
	assert_int_equal(left, 0);
	assert_int_equal(node_of(f, a), 1);
	assert_int_equal(node_of(f, a + HUGE - PAGE), 1);
	assert_int_equal(thp_pfn(f, a + HUGE - PAGE), thp_pfn(f, a));
	assert_int_equal(m->vm_events[THP_MIGRATION_SUCCESS], 1);
	assert_int_equal(m->vm_events[PGMIGRATE_SUCCESS], 512);
	expect_bytes(m, a, HUGE);
	assert_consistent(m);
}

/*
 * Half a THP unmapped: partly mapped, on the deferred split queue. As
 * migrate_pages_batch does, mbind splits it before trying (one folio
 * failed: thp_migration_fail and thp_migration_split, MPOL_MF_STRICT's
 * -EIO), the unmapped half is freed and the mapped pages move one by one.
 */
static void test_mbind_splits_partly_mapped_thp(void **state)
{
	struct fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a = map(m, HUGE);
	unsigned long old;

	fill(m, a, HUGE);
	old = thp_pfn(f, a);
	assert_int_equal(uapi_munmap(m, 0, a + HUGE / 2, HUGE / 2), 0);
	assert_false(pmd_mapped(f, a));
	assert_int_equal(do_mbind(m, a, HUGE / 2, MPOL_BIND, 0x2,
				  MPOL_MF_MOVE | MPOL_MF_STRICT),
			 -EIO);
	for (uint64_t off = 0; off < HUGE / 2; off += PAGE)
		assert_int_equal(node_of(f, a + off), 1);
	assert_int_equal(m->vm_events[THP_MIGRATION_FAIL], 1);
	assert_int_equal(m->vm_events[THP_MIGRATION_SPLIT], 1);
	assert_int_equal(m->vm_events[THP_MIGRATION_SUCCESS], 0);
	assert_int_equal(m->vm_events[PGMIGRATE_SUCCESS], 256);
	assert_int_equal(node_page_state(NODE_DATA(m, 1), NR_ANON_MAPPED), 256);
	assert_int_equal(node_page_state(NODE_DATA(m, 0), NR_ANON_MAPPED), 0);
	/* The old THP's pages are all free: the unmapped half at the
	 * split, the others as they moved. */
	for (unsigned long i = 0; i < 512; i++)
		assert_int_equal(pfn_to_page(m, old + i)->_refcount, 0);
	expect_bytes(m, a, HUGE / 2);
	expect_numa_maps(f, a, "bind:1 anon=256 dirty=256 active=0 N1=256 ");
	assert_consistent(m);
}

/* move_pages of one page of a THP moves the folio that holds it. */
static void test_move_pages_moves_the_folio(void **state)
{
	struct fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a = map(m, HUGE), pages[2] = {a + 5 * PAGE, a + 300 * PAGE};
	int32_t nodes[2] = {1, 1}, status[2] = {-1, -1};
	int child;

	fill(m, a, HUGE);
	assert_int_equal(
		uapi_move_pages(m, 0, 1, pages, nodes, status, 0, false), 0);
	assert_int_equal(status[0], 1);
	assert_true(pmd_mapped(f, a));
	assert_int_equal(node_of(f, a), 1);
	assert_int_equal(node_of(f, a + HUGE - PAGE), 1);
	assert_int_equal(m->vm_events[PGMIGRATE_SUCCESS], 512);
	expect_bytes(m, a, HUGE);
	/* Asked again, it is there: the node, nothing moved. */
	assert_int_equal(
		uapi_move_pages(m, 0, 2, pages, nodes, status, 0, false), 0);
	assert_int_equal(status[0], 1);
	assert_int_equal(status[1], 1);
	assert_int_equal(m->vm_events[PGMIGRATE_SUCCESS], 512);
	/* Shared by a fork: -EACCES without MPOL_MF_MOVE_ALL. */
	assert_int_equal(uapi_fork(m, 0, &child), 0);
	nodes[0] = 0;
	assert_int_equal(
		uapi_move_pages(m, 0, 1, pages, nodes, status, 0, false), 0);
	assert_int_equal(status[0], -EACCES);
	assert_int_equal(node_of(f, a), 1);
	assert_int_equal(task_exit(m, child, NULL), 0);
	assert_consistent(m);
}

/* move_pages of a page of a PTE-mapped THP: the whole folio moves. */
static void test_move_pages_moves_pte_mapped_thp(void **state)
{
	struct fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a = pte_mapped_thp(f), page = a + 300 * PAGE;
	int32_t node = 1, status = 99;

	assert_int_equal(
		uapi_move_pages(m, 0, 1, &page, &node, &status, 0, false), 0);
	assert_int_equal(status, 1);
	assert_int_equal(node_of(f, a), 1);
	assert_int_equal(thp_pfn(f, a + HUGE - PAGE), thp_pfn(f, a));
	assert_int_equal(m->vm_events[THP_MIGRATION_SUCCESS], 1);
	assert_int_equal(m->vm_events[PGMIGRATE_SUCCESS], 512);
	expect_bytes(m, a, HUGE);
	assert_consistent(m);
}

/*
 * Two addresses of one THP in a call: the first queues the folio, the
 * second finds it isolated already (-EBUSY, as folio_isolate_lru fails)
 * and moves the queue at once; the first gets the node.
 */
static void test_move_pages_same_thp_twice(void **state)
{
	struct fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a = map(m, HUGE), pages[2] = {a, a + 9 * PAGE};
	int32_t nodes[2] = {1, 1}, status[2] = {99, 99};

	fill(m, a, HUGE);
	assert_int_equal(
		uapi_move_pages(m, 0, 2, pages, nodes, status, 0, false), 0);
	assert_int_equal(status[0], 1);
	assert_int_equal(status[1], -EBUSY);
	assert_int_equal(node_of(f, a + 9 * PAGE), 1);
	assert_true(pmd_mapped(f, a));
	assert_int_equal(m->vm_events[THP_MIGRATION_SUCCESS], 1);
	/* On its node now: both are that node, nothing queued. */
	assert_int_equal(
		uapi_move_pages(m, 0, 2, pages, nodes, status, 0, false), 0);
	assert_int_equal(status[0], 1);
	assert_int_equal(status[1], 1);
	assert_consistent(m);
}

/*
 * A THP that must be split to move (node 1 has no huge page) is a folio
 * not migrated: move_pages returns it plus the pages not looked at and
 * leaves the batch's status as it was (do_pages_move's
 * move_pages_and_store_status), though its pages moved. Behind a page
 * not queued (here the same THP again, -EBUSY, stored), the count is
 * the failures plus the pages after that one.
 */
static void test_move_pages_split_thp_is_a_count(void **state)
{
	struct fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a = map(m, 2 * HUGE);
	uint64_t one[1] = {a + 5 * PAGE};
	uint64_t three[3] = {a + HUGE, a + HUGE + PAGE, a + HUGE + 2 * PAGE};
	int32_t nodes[3] = {1, 1, 1}, status[3] = {99, 99, 99};

	fill(m, a, 2 * HUGE);
	fragment(f);
	assert_int_equal(uapi_move_pages(m, 0, 1, one, nodes, status, 0, false),
			 1);
	assert_int_equal(status[0], 99);
	for (uint64_t off = 0; off < HUGE; off += PAGE)
		assert_int_equal(node_of(f, a + off), 1);
	assert_int_equal(m->vm_events[THP_MIGRATION_FAIL], 1);
	assert_int_equal(m->vm_events[THP_MIGRATION_SPLIT], 1);
	assert_int_equal(m->vm_events[PGMIGRATE_SUCCESS], 512);
	/* The second THP: queued, -EBUSY for its second page (stored),
	 * moved split: 1 failed + 3 - 1 looked at, less page 1 itself. */
	assert_int_equal(
		uapi_move_pages(m, 0, 3, three, nodes, status, 0, false), 2);
	assert_int_equal(status[0], 99);
	assert_int_equal(status[1], -EBUSY);
	assert_int_equal(status[2], 99);
	assert_int_equal(node_of(f, a + HUGE), 1);
	assert_int_equal(m->vm_events[THP_MIGRATION_SPLIT], 2);
	expect_bytes(m, a, 2 * HUGE);
	assert_consistent(m);
}

/* Small pages at b (no THP fits): each page's answer as Linux's. */
static uint64_t small_pages(struct machine *m, uint64_t b, uint64_t len)
{
	uint64_t out = 0;

	assert_int_equal(uapi_mmap(m, 0, b, len, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
				   &out),
			 0);
	return out;
}

/*
 * The zero page is -EFAULT (Linux 6.12+'s FW_ZEROPAGE walk), a page not
 * present -ENOENT, an address in no VMA -EFAULT, stat and move alike; a
 * node not online ends the call with -ENODEV after the pages before it
 * moved (do_pages_move flushes its queue first).
 */
static void test_move_pages_answers(void **state)
{
	struct fixture *f = *state;
	struct machine *m = f->m;
	uint64_t b = small_pages(m, 0x40000000ULL, 4 * PAGE);
	uint64_t pages[4] = {b, b + PAGE, b + 2 * PAGE, 0x1000};
	int32_t nodes[4] = {0, 0, 0, 0}, status[4];
	struct user_fault fault;
	char c = 0;

	assert_int_equal(uapi_access_vm(m, 0, b, &c, 1, USER_READ, &fault), 0);
	c = 'x';
	assert_int_equal(
		uapi_access_vm(m, 0, b + PAGE, &c, 1, USER_WRITE, &fault), 0);
	assert_int_equal(
		uapi_move_pages(m, 0, 4, pages, NULL, status, 0, false), 0);
	assert_int_equal(status[0], -EFAULT);
	assert_int_equal(status[1], 0);
	assert_int_equal(status[2], -ENOENT);
	assert_int_equal(status[3], -EFAULT);
	assert_int_equal(
		uapi_move_pages(m, 0, 4, pages, nodes, status, 0, false), 0);
	assert_int_equal(status[0], -EFAULT);
	assert_int_equal(status[1], 0);
	assert_int_equal(status[2], -ENOENT);
	assert_int_equal(status[3], -EFAULT);
	/* Page 1 to node 1, then node 7: -ENODEV, page 1 moved. */
	pages[0] = b + PAGE;
	nodes[0] = 1;
	nodes[1] = 7;
	status[0] = status[1] = 99;
	assert_int_equal(
		uapi_move_pages(m, 0, 2, pages, nodes, status, 0, false),
		-ENODEV);
	assert_int_equal(status[0], 1);
	assert_int_equal(status[1], 99);
	assert_int_equal(node_of(f, b + PAGE), 1);
	assert_consistent(m);
}

/* A THP fault under bind, preferred and interleave (by huge page). */
static void test_thp_fault_follows_each_policy(void **state)
{
	struct fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a = map(m, 6 * HUGE);
	const struct vm_area_struct *vma;
	unsigned long ilx0;

	assert_int_equal(do_mbind(m, a, HUGE, MPOL_PREFERRED, 0x2, 0), 0);
	assert_int_equal(do_mbind(m, a + HUGE, HUGE, MPOL_BIND, 0x2, 0), 0);
	assert_int_equal(
		do_mbind(m, a + 2 * HUGE, 4 * HUGE, MPOL_INTERLEAVE, 0x3, 0),
		0);
	fill(m, a, 6 * HUGE);
	for (int i = 0; i < 6; i++)
		assert_true(pmd_mapped(f, a + (uint64_t)i * HUGE));
	assert_int_equal(node_of(f, a), 1);
	assert_int_equal(node_of(f, a + HUGE), 1);
	/* get_vma_policy's index: vm_pgoff >> 9, plus the huge page's. */
	vma = find_vma(mm_of(f), a + 2 * HUGE);
	ilx0 = (unsigned long)(vma->vm_pgoff >> 9) +
	       (unsigned long)((a + 2 * HUGE - vma->vm_start) >> 21);
	for (uint64_t i = 0; i < 4; i++) {
		int want = (int)((ilx0 + i) % 2);
		uint64_t h = a + (2 + i) * HUGE;

		assert_int_equal(node_of(f, h), want);
		assert_int_equal(node_of(f, h + HUGE - PAGE), want);
	}
	assert_int_equal(anon_thps(m, 0), 2 * 512);
	assert_int_equal(anon_thps(m, 1), 4 * 512);
}

/*
 * alloc_pages_mpol's hugepage filter: preferred node 1 has no huge page
 * free; without direct reclaim (defrag madvise, a VMA not madvised) the
 * fault takes no THP from node 0 but falls back to small pages on node
 * 1; a VMA madvised MADV_HUGEPAGE may reclaim, so it takes node 0's.
 */
static void test_thp_fault_takes_no_remote_thp(void **state)
{
	struct fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a = map(m, 2 * HUGE);
	unsigned long fallback = m->vm_events[THP_FAULT_FALLBACK];

	assert_int_equal(thp_set(m, NULL, "madvise"), 0);
	fragment(f);
	assert_int_equal(do_mbind(m, a, 2 * HUGE, MPOL_PREFERRED, 0x2, 0), 0);
	fill(m, a, PAGE);
	assert_false(pmd_mapped(f, a));
	assert_int_equal(node_of(f, a), 1);
	assert_int_equal(m->vm_events[THP_FAULT_FALLBACK], fallback + 1);
	assert_int_equal(uapi_madvise(m, 0, a + HUGE, HUGE, MADV_HUGEPAGE), 0);
	fill(m, a + HUGE, PAGE);
	assert_true(pmd_mapped(f, a + HUGE));
	assert_int_equal(node_of(f, a + HUGE), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mbind_moves_thp_whole,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_numa_maps_follows_the_thp,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_mbind_splits_thp_on_fragmented_node, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_migrate_pages_and_shared_thp, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_mbind_moves_pte_mapped_thp_whole, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_migrate_pages_moves_pte_mapped_thp, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_mbind_splits_partly_mapped_thp, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_move_pages_moves_pte_mapped_thp, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_pages_same_thp_twice,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_move_pages_split_thp_is_a_count, setup, teardown),
		cmocka_unit_test_setup_teardown(test_move_pages_answers, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_move_pages_moves_the_folio,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_thp_fault_follows_each_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_thp_fault_takes_no_remote_thp, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
