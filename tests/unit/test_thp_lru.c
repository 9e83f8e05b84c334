/* SPDX-License-Identifier: MIT */
/*
 * test_thp_lru.c - transparent huge pages on the LRU lists, as Linux 6.x
 * keeps them: a THP's head on its node's inactive anon list counts all
 * its pages (lru_add, folio_nr_pages), so meminfo's Inactive(anon),
 * Active(anon) and Unevictable include THPs; mlock moves the head to
 * the unevictable list and munlock back; a split puts each page on the
 * list (lru_add_split_folio); reclaim that picks a THP splits it and
 * swaps the pieces (shrink_folio_list's split_folio_to_list: the
 * machine's swap has no clusters for a THP whole), keeping every byte;
 * compaction leaves THPs whole and intact. The host runs the same fault
 * and mlock, and its frames' LRU and unevictable flags (kpageflags)
 * must add up to the machine's counters' changes.
 */
#include "tests/unit/host.h"
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/compaction.h"
#include "core/huge_mm.h"
#include "core/meminfo.h"
#include "core/mempolicy_syscalls.h"
#include "core/task.h"
#include "core/uapi.h"
#include "core/vmscan.h"

#define HPAGE (2 * MiB)
#define W     0x40000000ULL /* 1 GiB: aligned to a PMD */

struct thp {
	struct machine *m;
	int pid;
};

static void setup(struct thp *t, uint64_t mem, uint64_t swap)
{
	struct layout l;

	small_layout(&l, mem);
	l.swap_size = swap;
	t->m = boot(&l);
	assert_int_equal(task_create(t->m, "thp-lru", 0, 0, &t->pid), 0);
	assert_int_equal(task_switch(t->m, t->pid), 0);
}

static void teardown(struct thp *t)
{
	assert_consistent(t->m);
	machine_destroy(t->m);
}

static void map_thps(struct thp *t, uint64_t at, unsigned int nr)
{
	uint64_t got = 0;

	assert_int_equal(
		uapi_mmap(t->m, 0, at, nr * HPAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, &got),
		0);
	assert_int_equal(uapi_madvise(t->m, 0, at, nr * HPAGE, MADV_HUGEPAGE),
			 0);
}

static int poke(struct thp *t, uint64_t addr, uint8_t v)
{
	struct user_fault f;

	return uapi_access_vm(t->m, 0, addr, &v, 1, USER_WRITE, &f);
}

static uint8_t peek(struct thp *t, uint64_t addr)
{
	struct user_fault f;
	uint8_t v = 0xee;

	assert_int_equal(uapi_access_vm(t->m, 0, addr, &v, 1, USER_READ, &f),
			 0);
	return v;
}

/* A byte of page i, different in each page and each THP. */
static uint8_t pattern(uint64_t i)
{
	return (uint8_t)(i * 7 + (i >> 9) * 13 + 1);
}

static void fill(struct thp *t, uint64_t at, unsigned int nr)
{
	for (uint64_t i = 0; i < nr * (HPAGE / PAGE); i++)
		assert_int_equal(poke(t, at + i * PAGE + i % 61, pattern(i)),
				 0);
}

static void assert_filled(struct thp *t, uint64_t at, unsigned int nr)
{
	for (uint64_t i = 0; i < nr * (HPAGE / PAGE); i++)
		if (peek(t, at + i * PAGE + i % 61) != pattern(i))
			fail_msg("page %llu of the THPs lost its byte",
				 (unsigned long long)i);
}

/* meminfo's anon LRU lines and Unevictable, kB. */
struct lru_kb {
	long anon, unevictable;
};

static struct lru_kb machine_lru(struct thp *t)
{
	struct lru_kb k = {
		.anon = (long)(meminfo_kb(t->m, "Active(anon)") +
			       meminfo_kb(t->m, "Inactive(anon)")),
		.unevictable = (long)meminfo_kb(t->m, "Unevictable"),
	};

	return k;
}

static unsigned long ev(struct thp *t, enum vm_event_item i)
{
	return t->m->vm_events[i];
}

/*
 * The fault puts the THP's 2 MiB on the inactive anon list at once;
 * mlock moves them to Unevictable and munlock back; munmap takes them
 * off. The host's frames of the same range show the same: KPF_LRU on
 * all 512 after the fault, KPF_UNEVICTABLE on all of them locked.
 */
static void test_lru_counts_host(void **state)
{
	uint8_t *raw = mmap(NULL, 3 * HPAGE, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint8_t *p = (uint8_t *)(((uintptr_t)raw + HPAGE - 1) &
				 ~(uintptr_t)(HPAGE - 1));
	long host_lru[3], host_unev[3], thp;
	struct lru_kb base, k;
	struct thp t;

	(void)state;
	assert_true(raw != MAP_FAILED);
	assert_int_equal(madvise(p, HPAGE, MADV_HUGEPAGE), 0);
	memset(p, 3, HPAGE);
	thp = host_smaps_kb(p, "AnonHugePages");
	host_lru[0] = host_kpageflag_kb(p, HPAGE, 5);
	host_unev[0] = host_kpageflag_kb(p, HPAGE, 18);
	/* The syscalls: the sanitizer's mlock and munlock do nothing. */
	assert_int_equal(syscall(SYS_mlock, p, HPAGE), 0);
	host_lru[1] = host_kpageflag_kb(p, HPAGE, 5);
	host_unev[1] = host_kpageflag_kb(p, HPAGE, 18);
	assert_int_equal(syscall(SYS_munlock, p, HPAGE), 0);
	host_lru[2] = host_kpageflag_kb(p, HPAGE, 5);
	host_unev[2] = host_kpageflag_kb(p, HPAGE, 18);
	munmap(raw, 3 * HPAGE);

	setup(&t, 64 * MiB, 0);
	map_thps(&t, W, 1);
	base = machine_lru(&t);
	fill(&t, W, 1);
	k = machine_lru(&t);
	assert_int_equal(k.anon - base.anon, 2048);
	assert_int_equal(t.m->node_data[0].__lruvec.nr_pages[LRU_INACTIVE_ANON],
			 512);
	print_message("host: AnonHugePages %ld kB; LRU %ld/%ld/%ld kB, "
		      "unevictable %ld/%ld/%ld kB (touched, locked, "
		      "unlocked)\n",
		      thp, host_lru[0], host_lru[1], host_lru[2], host_unev[0],
		      host_unev[1], host_unev[2]);
	if (thp == 2048 && host_lru[0] >= 0)
		assert_int_equal(k.anon - base.anon, host_lru[0]);
	assert_consistent(t.m);

	assert_int_equal(uapi_mlock(t.m, 0, W, HPAGE, 0), 0);
	k = machine_lru(&t);
	assert_int_equal(k.anon - base.anon, 0);
	assert_int_equal(k.unevictable - base.unevictable, 2048);
	assert_int_equal(ev(&t, UNEVICTABLE_PGCULLED), 512);
	if (thp == 2048 && host_unev[1] >= 0)
		assert_int_equal(k.unevictable - base.unevictable,
				 host_unev[1]);
	assert_consistent(t.m);

	assert_int_equal(uapi_munlock(t.m, 0, W, HPAGE), 0);
	k = machine_lru(&t);
	assert_int_equal(k.anon - base.anon, 2048);
	assert_int_equal(k.unevictable - base.unevictable, 0);
	assert_int_equal(ev(&t, UNEVICTABLE_PGRESCUED), 512);
	if (thp == 2048 && host_lru[2] >= 0) {
		assert_int_equal(k.anon - base.anon, host_lru[2]);
		assert_int_equal(host_unev[2], 0);
	}
	assert_consistent(t.m);

	assert_int_equal(uapi_munmap(t.m, 0, W, HPAGE), 0);
	k = machine_lru(&t);
	assert_int_equal(k.anon - base.anon, 0);
	teardown(&t);
}

/*
 * A split from the deferred queue takes the head off its list whole
 * and puts each page still mapped on the inactive list; the one page
 * unmapped is freed.
 */
static void test_split_puts_pages_on_lru(void **state)
{
	struct thp t;
	struct lru_kb base, k;

	(void)state;
	setup(&t, 64 * MiB, 0);
	map_thps(&t, W, 1);
	base = machine_lru(&t);
	fill(&t, W, 1);
	assert_int_equal(uapi_munmap(t.m, 0, W + 5 * PAGE, PAGE), 0);
	/* Partly mapped, still whole: 2 MiB on the list. */
	k = machine_lru(&t);
	assert_int_equal(k.anon - base.anon, 2048);
	assert_consistent(t.m);
	drop_caches(t.m);
	assert_int_equal(ev(&t, THP_SPLIT_PAGE), 1);
	k = machine_lru(&t);
	assert_int_equal(k.anon - base.anon, 2044);
	assert_int_equal(t.m->node_data[0].__lruvec.nr_pages[LRU_INACTIVE_ANON],
			 511);
	teardown(&t);
}

/*
 * Memory pressure on a machine full of THPs: reclaim picks THPs off
 * the inactive list, splits them (thp_split_pmd, thp_split_page) and
 * swaps the pieces out; every byte reads back after swap-in.
 */
static void test_reclaim_splits_and_swaps(void **state)
{
	enum { NR = 24 };
	struct thp t;
	unsigned long freed = 0, thp_kb;

	(void)state;
	setup(&t, 128 * MiB, 64 * MiB);
	map_thps(&t, W, NR);
	fill(&t, W, NR);
	/* As many THPs as the allocator gave; small pages for the rest. */
	thp_kb = meminfo_kb(t.m, "AnonHugePages");
	print_message("%lu kB of THPs\n", thp_kb);
	assert_true(thp_kb >= 8 * 2048);
	assert_consistent(t.m);
	for (int i = 0; i < 8; i++) {
		freed += shrink_lruvec(t.m, node_lruvec(t.m, 0), 4096);
		assert_consistent(t.m);
	}
	print_message("reclaim: %lu pages freed, %lu THPs split, %lu "
		      "pages swapped\n",
		      freed, ev(&t, THP_SPLIT_PAGE), ev(&t, PSWPOUT));
	assert_true(ev(&t, THP_SPLIT_PAGE) > 0);
	assert_true(ev(&t, THP_SPLIT_PMD) >= ev(&t, THP_SPLIT_PAGE));
	assert_true(ev(&t, PSWPOUT) > 0);
	assert_true(freed > 0);
	assert_true(meminfo_kb(t.m, "AnonHugePages") < thp_kb);
	assert_filled(&t, W, NR);
	assert_true(ev(&t, PSWPIN) > 0);
	teardown(&t);
}

/* Allocation pressure does the same through direct reclaim. */
static void test_direct_reclaim_keeps_bytes(void **state)
{
	enum { NR = 20 };
	struct thp t;
	uint64_t got = 0, more = 24 * MiB;

	(void)state;
	setup(&t, 64 * MiB, 64 * MiB);
	map_thps(&t, W, NR);
	fill(&t, W, NR);
	/* Small pages after the THPs, more than what is left free. */
	assert_int_equal(
		uapi_mmap(t.m, 0, W + NR * HPAGE, more, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, &got),
		0);
	assert_int_equal(uapi_madvise(t.m, 0, got, more, MADV_NOHUGEPAGE), 0);
	for (uint64_t off = 0; off < more; off += PAGE)
		assert_int_equal(poke(&t, got + off, (uint8_t)(off >> 12)), 0);
	assert_true(ev(&t, THP_SPLIT_PAGE) > 0);
	assert_true(ev(&t, PSWPOUT) > 0);
	assert_consistent(t.m);
	assert_filled(&t, W, NR);
	for (uint64_t off = 0; off < more; off += PAGE)
		assert_int_equal(peek(&t, got + off), (uint8_t)(off >> 12));
	teardown(&t);
}

/* A locked THP is culled, never split or swapped by reclaim. */
static void test_reclaim_leaves_locked_thp(void **state)
{
	struct thp t;

	(void)state;
	setup(&t, 64 * MiB, 64 * MiB);
	map_thps(&t, W, 2);
	fill(&t, W, 2);
	assert_int_equal(uapi_mlock(t.m, 0, W, HPAGE, 0), 0);
	for (int i = 0; i < 4; i++)
		shrink_lruvec(t.m, node_lruvec(t.m, 0), 4096);
	assert_int_equal(meminfo_kb(t.m, "Mlocked"), 2048);
	assert_int_equal(meminfo_kb(t.m, "Unevictable"), 2048);
	assert_int_equal(meminfo_kb(t.m, "AnonHugePages"), 2048);
	assert_int_equal(ev(&t, THP_SPLIT_PAGE), 1);
	assert_filled(&t, W, 2);
	teardown(&t);
}

/*
 * Compaction with THPs on the LRU lists: they stay whole where they
 * are (the machine migrates order-0 pages only), every byte kept.
 */
static void test_compaction_leaves_thps(void **state)
{
	struct thp t;
	uint64_t got = 0;

	(void)state;
	setup(&t, 64 * MiB, 0);
	map_thps(&t, W, 4);
	fill(&t, W, 4);
	/* Small pages around, half of them freed: something to compact. */
	assert_int_equal(uapi_mmap(t.m, 0, W + 8 * HPAGE, 8 * MiB,
				   PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
				   &got),
			 0);
	for (uint64_t off = 0; off < 8 * MiB; off += PAGE)
		assert_int_equal(poke(&t, got + off, 1), 0);
	for (uint64_t off = 0; off < 8 * MiB; off += 2 * PAGE)
		assert_int_equal(uapi_munmap(t.m, 0, got + off, PAGE), 0);
	compact_nodes(t.m);
	assert_true(ev(&t, PGMIGRATE_SUCCESS) > 0);
	assert_int_equal(meminfo_kb(t.m, "AnonHugePages"), 4 * 2048);
	assert_filled(&t, W, 4);
	teardown(&t);
}

/*
 * mbind(MPOL_MF_MOVE) of a THP to node 1 moves it whole (migrate_thp),
 * and its head's place on the LRU moves with it: node 0's inactive anon
 * list loses 512 pages, node 1's gains them.
 */
static void test_migration_moves_lru_place(void **state)
{
	struct thp t;
	struct layout l;
	uint64_t node1 = 1ULL << 1;

	(void)state;
	two_node_layout(&l, 256 * MiB);
	layout_resolve(&l);
	t.m = boot(&l);
	assert_int_equal(task_create(t.m, "thp-lru", 0, 0, &t.pid), 0);
	assert_int_equal(task_switch(t.m, t.pid), 0);
	map_thps(&t, W, 1);
	fill(&t, W, 1);
	assert_int_equal(node_lruvec(t.m, 0)->nr_pages[LRU_INACTIVE_ANON], 512);
	assert_int_equal(node_lruvec(t.m, 1)->nr_pages[LRU_INACTIVE_ANON], 0);
	assert_int_equal(uapi_mbind(t.m, 0, W, HPAGE, MPOL_BIND, &node1, 1, 64,
				    MPOL_MF_MOVE, false),
			 0);
	assert_int_equal(ev(&t, THP_MIGRATION_SUCCESS), 1);
	assert_int_equal(node_lruvec(t.m, 0)->nr_pages[LRU_INACTIVE_ANON], 0);
	assert_int_equal(node_lruvec(t.m, 1)->nr_pages[LRU_INACTIVE_ANON], 512);
	assert_int_equal(meminfo_kb(t.m, "AnonHugePages"), 2048);
	assert_filled(&t, W, 1);
	teardown(&t);
}

/* The THP at W's head. */
static struct page *head_at(struct thp *t)
{
	struct pgtable_walk w;

	assert_int_equal(pgtable_walk(t->m,
				      find_task_by_pid(t->m, t->pid)->mm->pgd,
				      W, &w),
			 0);
	return thp_head(t->m, pfn_to_page(t->m, w.pfn));
}

/*
 * The checker sees a THP in use off the LRU lists, a tail on one, and
 * a list whose count misses the THP's pages.
 */
static void test_checker_catches(void **state)
{
	struct thp t;
	struct page *head;
	char why[256];

	(void)state;
	setup(&t, 64 * MiB, 0);
	map_thps(&t, W, 1);
	fill(&t, W, 1);
	head = head_at(&t);
	assert_non_null(head);
	lru_del(t.m, head);
	assert_int_not_equal(machine_check(t.m, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "its head alone on an LRU list"));
	lru_add(t.m, head);
	assert_int_equal(machine_check(t.m, why, sizeof(why)), 0);
	SetPageFlag(head + 3, PG_lru);
	assert_int_not_equal(machine_check(t.m, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "its head alone on an LRU list"));
	ClearPageFlag(head + 3, PG_lru);
	node_lruvec(t.m, 0)->nr_pages[LRU_INACTIVE_ANON] -= 1;
	assert_int_not_equal(machine_check(t.m, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "holds 512 pages, counts 511"));
	node_lruvec(t.m, 0)->nr_pages[LRU_INACTIVE_ANON] += 1;
	teardown(&t);
}

/*
 * Random faults, writes, munmaps, mprotects, mlocks, forks, exits and
 * reclaim passes over THPs: the checker (every THP head on one LRU list,
 * the right one, counted whole) holds after each step, and every byte
 * the parent wrote reads back.
 */
static void test_random_with_reclaim(void **state)
{
	enum { NR = 6, PAGES = NR * 512 };
	static uint8_t shadow[PAGES];
	unsigned int seed = 61206;

	(void)state;
	for (int round = 0; round < 4; round++) {
		struct thp t;
		int child = 0;

		setup(&t, 64 * MiB, 64 * MiB);
		map_thps(&t, W, NR);
		memset(shadow, 0, sizeof(shadow));
		for (int step = 0; step < 150; step++) {
			unsigned int r = (unsigned int)rand_r(&seed);
			uint64_t page = (uint64_t)rand_r(&seed) % PAGES;
			uint64_t len = (uint64_t)(1 + rand_r(&seed) % 600);
			uint64_t at = W + page * PAGE;

			if (page + len > PAGES)
				len = PAGES - page;
			switch (r % 10) {
			case 0:
			case 1:
			case 2:
				for (uint64_t i = 0; i < len; i += 7)
					if (!poke(&t, at + i * PAGE,
						  (uint8_t)(step + i) | 1))
						shadow[page + i] =
							(uint8_t)(step + i) | 1;
				break;
			case 3:
				shrink_lruvec(t.m, node_lruvec(t.m, 0),
					      1 + r % 2048);
				break;
			case 4:
				uapi_mlock(t.m, 0, at, len * PAGE,
					   r & 32 ? MLOCK_ONFAULT : 0);
				break;
			case 5:
				uapi_munlock(t.m, 0, at, len * PAGE);
				break;
			case 6:
				uapi_mprotect(t.m, 0, at, len * PAGE,
					      r & 32 ? PROT_READ
						     : PROT_READ | PROT_WRITE);
				break;
			case 7:
				if (r % 4 == 0) {
					uapi_munmap(t.m, 0, at, len * PAGE);
					memset(&shadow[page], 0, len);
				}
				break;
			case 8:
				if (!child)
					assert_int_equal(
						uapi_fork(t.m, 0, &child), 0);
				else if (r & 64) {
					assert_int_equal(
						task_exit(t.m, child, NULL), 0);
					child = 0;
				}
				break;
			case 9: /* as the kernel, then back to the process */
				drop_caches(t.m);
				assert_int_equal(task_switch(t.m, t.pid), 0);
				break;
			}
			assert_consistent(t.m);
		}
		for (uint64_t i = 0; i < PAGES; i++) {
			struct user_fault f;
			uint8_t v = 0;

			if (!shadow[i])
				continue;
			assert_int_equal(uapi_access_vm(t.m, 0, W + i * PAGE,
							&v, 1, USER_READ, &f),
					 0);
			if (v != shadow[i])
				fail_msg("round %d: page %llu reads %#x, wrote "
					 "%#x",
					 round, (unsigned long long)i, v,
					 shadow[i]);
		}
		teardown(&t);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lru_counts_host),
		cmocka_unit_test(test_split_puts_pages_on_lru),
		cmocka_unit_test(test_reclaim_splits_and_swaps),
		cmocka_unit_test(test_direct_reclaim_keeps_bytes),
		cmocka_unit_test(test_reclaim_leaves_locked_thp),
		cmocka_unit_test(test_compaction_leaves_thps),
		cmocka_unit_test(test_migration_moves_lru_place),
		cmocka_unit_test(test_checker_catches),
		cmocka_unit_test(test_random_with_reclaim),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
