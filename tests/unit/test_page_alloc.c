/* SPDX-License-Identifier: MIT */
/*
 * test_page_alloc.c - the buddy allocator: split and merge, zone choice,
 * watermarks, per-CPU lists, reference counts, bad calls, and a long
 * randomized run against a model.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mmzone.h"
#include "core/highmem.h"
#include "core/mm.h"
#include "core/oom_kill.h"
#include "core/task.h"
#include "core/uapi.h"
#include "core/vmscan.h"
#include "core/vmstat.h"
#include "tests/unit/seed.h"

static struct machine *boot_small(void)
{
	struct layout l;

	small_layout(&l, 64 * MiB);
	return boot(&l);
}

/* One zone only, DMA32 over all 64 MiB, so nothing falls back. */
static struct machine *boot_one_zone(void)
{
	struct layout l;

	small_layout(&l, 64 * MiB);
	l.nr_zones = 1;
	l.zones[0] = (struct layout_zone){ZONE_DMA32, 0, 64 * MiB};
	return boot_unboosted(&l);
}

static unsigned long pfn_of(struct machine *m, struct page *page)
{
	assert_false(IS_ERR(page));
	return page_to_pfn(m, page);
}

/*
 * Allocating order o takes the smallest free block of order k >= o and
 * leaves one free block at each order o..k-1; freeing it merges all back.
 * Draining the per-CPU lists first makes the buddy state canonical.
 */
static void test_split_and_merge_every_order(void **state)
{
	struct machine *m = boot_small();
	struct zone *zone = &m->zones[ZONE_DMA32];

	(void)state;
	for (unsigned int o = 0; o <= m->max_order; o++) {
		struct alloc_snapshot before;
		unsigned long want[LAYOUT_MAX_ORDER_LIMIT + 1];
		unsigned int k = o;
		struct page *page;

		snapshot(m, &before);
		while (!zone->free_area[k].nr_free)
			k++;
		for (unsigned int j = 0; j <= m->max_order; j++)
			want[j] = zone->free_area[j].nr_free;
		want[k]--;
		for (unsigned int j = o; j < k; j++)
			want[j]++;

		page = alloc_pages(m, GFP_DMA32, o);
		assert_false(IS_ERR(page));
		assert_int_equal(page_zonenum(page), ZONE_DMA32);
		assert_int_equal(pfn_of(m, page) & ((1UL << o) - 1), 0);
		drain_all_pages(m);
		for (unsigned int j = 0; j <= m->max_order; j++)
			assert_int_equal(zone->free_area[j].nr_free, want[j]);
		assert_consistent(m);

		assert_int_equal(__free_pages(m, page, o), 0);
		drain_all_pages(m);
		assert_unchanged(m, &before);
	}
	machine_destroy(m);
}

/* Two buddies freed one after the other become one block again. */
static void test_buddies_merge(void **state)
{
	struct machine *m = boot_small();
	struct zone *zone = &m->zones[ZONE_DMA32];
	struct alloc_snapshot before;
	struct page *a, *b;

	struct page *held_blocks[64];
	unsigned int nr = 0;

	(void)state;
	/* Use up free order-4 blocks so that the next two share a split. */
	while (zone->free_area[4].nr_free && nr < 64)
		held_blocks[nr++] = alloc_pages(m, GFP_DMA32, 4);
	snapshot(m, &before);
	/* The first split leaves a free order-4 buddy; the second takes it. */
	a = alloc_pages(m, GFP_DMA32, 4);
	b = alloc_pages(m, GFP_DMA32, 4);
	assert_int_equal(pfn_of(m, a) ^ pfn_of(m, b), 16);
	assert_int_equal(zone->free_area[4].nr_free,
			 before.nr_free[ZONE_DMA32][4]);
	assert_int_equal(__free_pages(m, a, 4), 0);
	assert_int_equal(zone->free_area[4].nr_free,
			 before.nr_free[ZONE_DMA32][4] + 1);
	assert_consistent(m);
	assert_int_equal(__free_pages(m, b, 4), 0);
	assert_unchanged(m, &before);
	while (nr)
		assert_int_equal(__free_pages(m, held_blocks[--nr], 4), 0);
	assert_consistent(m);
	machine_destroy(m);
}

static enum zone_type zone_of(struct machine *m, gfp_t gfp)
{
	struct page *page = alloc_page(m, gfp);
	enum zone_type z;

	assert_false(IS_ERR(page));
	z = page_zonenum(page);
	assert_int_equal(__free_pages(m, page, 0), 0);
	return z;
}

static void test_zone_for_each_modifier_x86_64(void **state)
{
	struct layout l;
	struct machine *m;

	(void)state;
	layout_default(&l);
	m = boot(&l);
	assert_int_equal(zone_of(m, GFP_KERNEL), ZONE_NORMAL);
	assert_int_equal(zone_of(m, GFP_ATOMIC), ZONE_NORMAL);
	assert_int_equal(zone_of(m, GFP_DMA32), ZONE_DMA32);
	assert_int_equal(zone_of(m, GFP_KERNEL | GFP_DMA), ZONE_DMA);
	/* No HighMem on x86_64: __GFP_HIGHMEM folds into Normal. */
	assert_int_equal(zone_of(m, GFP_HIGHUSER), ZONE_NORMAL);
	assert_int_equal(zone_of(m, GFP_HIGHUSER_MOVABLE), ZONE_NORMAL);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_zone_for_each_modifier_i386(void **state)
{
	struct layout l;
	struct machine *m;

	(void)state;
	i386_layout(&l, 1 * GiB);
	m = boot(&l);
	assert_int_equal(zone_of(m, GFP_KERNEL), ZONE_NORMAL);
	assert_int_equal(zone_of(m, GFP_HIGHUSER), ZONE_HIGHMEM);
	assert_int_equal(zone_of(m, GFP_HIGHUSER_MOVABLE), ZONE_HIGHMEM);
	/* No DMA32 on i386: __GFP_DMA32 folds into Normal. */
	assert_int_equal(zone_of(m, GFP_DMA32), ZONE_NORMAL);
	assert_int_equal(zone_of(m, GFP_DMA), ZONE_DMA);
	machine_destroy(m);
}

/*
 * Normal is tried first; the first page from DMA32 comes once Normal's
 * free count has fallen to its low watermark (the fast path's mark),
 * give or take one per-CPU refill. GFP_DMA never leaves DMA.
 */
static void test_zone_fallback(void **state)
{
	struct layout l;
	struct machine *m;
	struct zone *normal;
	unsigned long n = 0;
	struct page *page;

	(void)state;
	small_layout(&l, 64 * MiB);
	l.nr_zones = 3;
	l.zones[1] = (struct layout_zone){ZONE_DMA32, 16 * MiB, 48 * MiB};
	l.zones[2] = (struct layout_zone){ZONE_NORMAL, 48 * MiB, 64 * MiB};
	m = boot(&l);
	normal = &m->zones[ZONE_NORMAL];
	do {
		page = alloc_page(m, GFP_KERNEL);
		assert_false(IS_ERR(page));
		n++;
	} while (page_zonenum(page) == ZONE_NORMAL);
	assert_int_equal(page_zonenum(page), ZONE_DMA32);
	assert_true(normal->vm_stat[NR_FREE_PAGES] <=
		    (long)low_wmark_pages(normal));
	assert_true(normal->vm_stat[NR_FREE_PAGES] >
		    (long)low_wmark_pages(normal) - normal->pcp[0].batch);
	assert_true(n > 3000);
	assert_int_equal(zone_of(m, GFP_DMA), ZONE_DMA);
	assert_consistent(m);
	machine_destroy(m);
}

/* Order-4 blocks bypass the per-CPU lists, so free counts are exact. */
static long drain_zone_with(struct machine *m, gfp_t gfp, unsigned long *n)
{
	struct page *page;

	while (!IS_ERR(page = alloc_pages(m, gfp, 4)))
		(*n)++;
	assert_int_equal(PTR_ERR(page), -ENOMEM);
	return m->zones[ZONE_DMA32].vm_stat[NR_FREE_PAGES];
}

static unsigned long reclaim_calls;

static unsigned long count_reclaim(struct machine *m, gfp_t gfp,
				   unsigned int order, void *data)
{
	(void)m;
	(void)gfp;
	(void)order;
	(void)data;
	reclaim_calls++;
	return 0;
}

static void test_watermarks_by_gfp(void **state)
{
	struct machine *m = boot_one_zone();
	struct zone *zone = &m->zones[ZONE_DMA32];
	long min = (long)min_wmark_pages(zone), atomic_min, free;
	unsigned long n = 0;

	(void)state;
	assert_false(NODE_DATA(m, 0)->kswapd.wanted);
	/* GFP_NOWAIT may not go below min: it stops in [min, min + 15]. */
	free = drain_zone_with(m, GFP_NOWAIT, &n);
	assert_true(free >= min && free <= min + 15);
	assert_true(NODE_DATA(m, 0)->kswapd.wanted);

	/* GFP_ATOMIC may use half the reserve and a quarter more. */
	atomic_min = min - min / 2;
	atomic_min -= atomic_min / 4;
	free = drain_zone_with(m, GFP_ATOMIC, &n);
	assert_true(free >= atomic_min && free <= atomic_min + 15);

	/* GFP_KERNEL enters direct reclaim (the hook) and then fails. */
	m->reclaim = count_reclaim;
	reclaim_calls = 0;
	assert_int_equal(PTR_ERR(alloc_pages(m, GFP_KERNEL, 4)), -ENOMEM);
	assert_int_equal(reclaim_calls, 1);
	assert_int_equal(zone->vm_events[ALLOCSTALL], 0);
	assert_int_equal(m->zones[ZONE_NORMAL].vm_events[ALLOCSTALL], 1);
	/* GFP_NOWAIT never reclaims. */
	assert_int_equal(PTR_ERR(alloc_pages(m, GFP_NOWAIT, 4)), -ENOMEM);
	assert_int_equal(reclaim_calls, 1);
	/* __GFP_NOFAIL is told to wait, never a silent failure. */
	assert_int_equal(PTR_ERR(alloc_pages(m, GFP_KERNEL | __GFP_NOFAIL, 4)),
			 -EAGAIN);
	assert_int_equal(m->bad[BAD_ORDER] + m->bad[BAD_GFP], 0);
	assert_consistent(m);
	machine_destroy(m);
}

static struct page *held[64];
static unsigned int nr_held;

/* A reclaim hook that gives back what the test held. */
static unsigned long give_back(struct machine *m, gfp_t gfp, unsigned int order,
			       void *data)
{
	unsigned long freed = 0;

	(void)gfp;
	(void)order;
	(void)data;
	while (nr_held) {
		assert_int_equal(__free_pages(m, held[--nr_held], 4), 0);
		freed += 16;
	}
	return freed;
}

/* A reclaim hook that gives back one held block a call. */
static unsigned long give_back_one(struct machine *m, gfp_t gfp,
				   unsigned int order, void *data)
{
	(void)gfp;
	(void)order;
	(void)data;
	if (!nr_held)
		return 0;
	assert_int_equal(__free_pages(m, held[--nr_held], 4), 0);
	return 16;
}

static void test_reclaim_hook_lets_allocation_succeed(void **state)
{
	struct machine *m = boot_one_zone();
	unsigned long n = 0;
	struct page *page;

	(void)state;
	for (nr_held = 0; nr_held < 64; nr_held++)
		held[nr_held] = alloc_pages(m, GFP_KERNEL, 4);
	drain_zone_with(m, GFP_KERNEL, &n);
	m->reclaim = give_back;
	page = alloc_pages(m, GFP_KERNEL, 4);
	assert_false(IS_ERR(page));
	assert_int_equal(nr_held, 0);
	assert_consistent(m);
	machine_destroy(m);
}

/* kswapd wakes below low and reclaims up to the high watermark. */
static void test_kswapd_balances_to_high(void **state)
{
	struct machine *m = boot_one_zone();
	struct zone *zone = &m->zones[ZONE_DMA32];
	unsigned long n = 0;

	(void)state;
	for (nr_held = 0; nr_held < 64; nr_held++)
		held[nr_held] = alloc_pages(m, GFP_KERNEL, 4);
	drain_zone_with(m, GFP_NOWAIT, &n);
	assert_true(kswapd_wanted(m));
	assert_true(zone->vm_stat[NR_FREE_PAGES] < (long)low_wmark_pages(zone));

	/* Without reclaim, a pass ends at once and kswapd sleeps. */
	assert_int_equal(kswapd_run(m), 0);
	assert_false(kswapd_wanted(m));
	assert_int_equal(m->vm_events[PAGEOUTRUN], 1);

	/* With reclaim that frees 16 pages a call, it stops at high. */
	drain_zone_with(m, GFP_NOWAIT, &n);
	m->reclaim = give_back_one;
	assert_true(kswapd_run(m) > 0);
	assert_true(zone->vm_stat[NR_FREE_PAGES] >=
		    (long)high_wmark_pages(zone));
	assert_true(nr_held > 0); /* it stopped before taking everything */
	assert_int_equal(m->vm_events[PAGEOUTRUN], 2);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_gfp_zero_clears_ram(void **state)
{
	struct machine *m = boot_small();
	struct page *page = alloc_pages(m, GFP_KERNEL, 1);
	unsigned long pfn = pfn_of(m, page);
	uint8_t *bytes = pfn_to_ram(m, pfn);

	(void)state;
	memset(bytes, 0xab, 2 * m->page_size);
	assert_int_equal(__free_pages(m, page, 1), 0);
	/* The per-CPU list hands the same block back first. */
	page = alloc_pages(m, GFP_KERNEL | __GFP_ZERO, 1);
	assert_int_equal(pfn_of(m, page), pfn);
	for (unsigned long i = 0; i < 2 * m->page_size; i++)
		if (bytes[i])
			fail_msg("byte %lu is %#x after __GFP_ZERO", i,
				 bytes[i]);
	machine_destroy(m);
}

static void test_get_free_pages_and_addresses(void **state)
{
	struct machine *m = boot_small();
	uint64_t addr = 0;
	struct page *page;

	(void)state;
	assert_int_equal(__get_free_pages(m, GFP_KERNEL, 2, &addr), 0);
	page = virt_to_page(m, addr);
	assert_non_null(page);
	assert_int_equal(page_address(m, page), addr);
	assert_int_equal(addr, m->layout.kernel.page_offset +
				       pfn_to_phys(m, page_to_pfn(m, page)));
	assert_int_equal(free_pages(m, addr, 2), 0);

	assert_int_equal(get_zeroed_page(m, GFP_KERNEL, &addr), 0);
	assert_int_equal(*pfn_to_ram(m, page_to_pfn(m, virt_to_page(m, addr))),
			 0);
	assert_int_equal(free_pages(m, addr, 0), 0);

	/* Linux 6.x drops __GFP_HIGHMEM: a low page, and the log says why. */
	assert_int_equal(__get_free_pages(m, GFP_HIGHUSER, 0, &addr), 0);
	page = virt_to_page(m, addr);
	assert_non_null(page);
	assert_true(page_to_pfn(m, page) < m->lowmem_end_pfn);
	assert_non_null(memmem(m->log_buf, m->log_len,
			       "__get_free_pages: __GFP_HIGHMEM dropped from "
			       "gfp_mask=0x100cc2",
			       strlen("__get_free_pages: __GFP_HIGHMEM dropped "
				      "from gfp_mask=0x100cc2")));
	assert_int_equal(free_pages(m, addr, 0), 0);
	assert_int_equal(m->bad[BAD_GFP], 0);
	assert_null(virt_to_page(m, 0x1000));
	assert_int_equal(free_pages(m, 0x1000, 0), -EINVAL);
	assert_int_equal(free_pages(m, m->layout.kernel.page_offset + 12, 0),
			 -EINVAL);
	assert_int_equal(m->bad[BAD_ADDRESS], 2);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_highmem_has_no_address(void **state)
{
	struct layout l;
	struct machine *m;
	struct page *page;

	(void)state;
	i386_layout(&l, 1 * GiB);
	m = boot(&l);
	page = alloc_page(m, GFP_HIGHUSER);
	assert_int_equal(page_zonenum(page), ZONE_HIGHMEM);
	assert_int_equal(page_address(m, page), 0);
	page = alloc_page(m, GFP_KERNEL);
	assert_int_equal(page_address(m, page),
			 0xC0000000ULL + pfn_to_phys(m, page_to_pfn(m, page)));
	machine_destroy(m);
}

static void test_pcp_batching_and_draining(void **state)
{
	struct machine *m = boot_one_zone();
	struct zone *zone = &m->zones[ZONE_DMA32];
	int batch = zone->pcp[0].batch, high = zone->pcp[1].high;
	long free0 = zone->vm_stat[NR_FREE_PAGES];
	struct page *pages[4096];
	int n = high + batch;

	(void)state;
	assert_true(n <= 4096);
	pages[0] = alloc_page(m, GFP_KERNEL);
	assert_int_equal(zone->pcp[0].count, batch - 1);
	assert_int_equal(zone->vm_stat[NR_FREE_PAGES], free0 - batch);
	for (int i = 1; i < n; i++)
		pages[i] = alloc_page(m, GFP_KERNEL);

	/* Frees go to the freeing CPU's list, drained by batch at high. */
	assert_int_equal(machine_set_cpu(m, 1), 0);
	for (int i = 0; i < high - 1; i++)
		assert_int_equal(__free_pages(m, pages[i], 0), 0);
	assert_int_equal(zone->pcp[1].count, high - 1);
	assert_int_equal(__free_pages(m, pages[high - 1], 0), 0);
	assert_int_equal(zone->pcp[1].count, high - batch);
	assert_consistent(m);

	int cpu0 = zone->pcp[0].count;

	drain_pages(m, 1);
	assert_int_equal(zone->pcp[1].count, 0);
	assert_int_equal(zone->pcp[0].count, cpu0);
	drain_all_pages(m);
	assert_int_equal(zone->pcp[0].count, 0);
	for (int i = high; i < n; i++)
		assert_int_equal(__free_pages(m, pages[i], 0), 0);
	drain_all_pages(m);
	assert_int_equal(zone->vm_stat[NR_FREE_PAGES], free0);
	assert_consistent(m);
	machine_destroy(m);
}

/* Lists off: every block comes from the buddy lists and goes back. */
static void test_pcp_disable_bypasses_lists(void **state)
{
	struct machine *m = boot_one_zone();
	struct zone *zone = &m->zones[ZONE_DMA32];
	int batch = zone->pcp[0].batch, high = zone->pcp[0].high;
	struct alloc_snapshot before;

	(void)state;
	zone_pcp_disable(m, zone);
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++) {
		assert_int_equal(zone->pcp[cpu].count, 0);
		assert_int_equal(zone->pcp[cpu].high, 0);
		assert_int_equal(zone->pcp[cpu].batch, 1);
	}
	snapshot(m, &before);
	for (unsigned int order = 0; order <= PAGE_ALLOC_COSTLY_ORDER;
	     order++) {
		long free = zone->vm_stat[NR_FREE_PAGES];
		struct page *page = alloc_pages(m, GFP_KERNEL, order);

		assert_false(IS_ERR(page));
		assert_int_equal(zone->pcp[0].count, 0);
		assert_int_equal(zone->vm_stat[NR_FREE_PAGES],
				 free - (1L << order));
		assert_int_equal(__free_pages(m, page, order), 0);
		assert_unchanged(m, &before);
	}
	zone_pcp_enable(m, zone);
	assert_int_equal(zone->pcp[1].batch, batch);
	assert_int_equal(zone->pcp[1].high, high);
	assert_false(IS_ERR(alloc_page(m, GFP_KERNEL)));
	assert_int_equal(zone->pcp[0].count, batch - 1);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_refcounts(void **state)
{
	struct machine *m = boot_small();
	struct page *page = alloc_pages(m, GFP_KERNEL, 0);
	struct alloc_snapshot before;

	(void)state;
	assert_int_equal(page->_refcount, 1);
	assert_int_equal(get_page(m, page), 0);
	assert_int_equal(page->_refcount, 2);
	assert_int_equal(__free_pages(m, page, 0), 0);
	assert_true(PageFlag(page, PG_head));
	assert_consistent(m);
	assert_int_equal(put_page(m, page), 0);
	assert_false(PageFlag(page, PG_head));
	assert_consistent(m);

	snapshot(m, &before);
	assert_int_equal(put_page(m, page), -EINVAL);
	assert_int_equal(get_page(m, page), -EINVAL);
	assert_int_equal(m->bad[BAD_REFCOUNT], 2);
	assert_unchanged(m, &before);
	machine_destroy(m);
}

/* Each bad call: -EINVAL, counted under its name, nothing changed. */
static void expect_refused(struct machine *m, int ret, enum bad_item bad,
			   const struct alloc_snapshot *before,
			   unsigned long *expected_bad)
{
	assert_int_equal(ret, -EINVAL);
	expected_bad[bad]++;
	assert_memory_equal(m->bad, expected_bad, sizeof(m->bad));
	assert_true(m->errmsg[0] != '\0');
	assert_unchanged(m, before);
}

static void test_bad_calls_leave_lists_alone(void **state)
{
	struct layout l;
	struct machine *m;
	unsigned long bad[NR_BAD_ITEMS] = {0};
	struct alloc_snapshot before;
	struct page *small, *big, *eight;
	unsigned long small_pfn, big_pfn, eight_pfn;

	(void)state;
	layout_default(&l);
	m = boot(&l);
	small = alloc_page(m, GFP_KERNEL);
	big = alloc_pages(m, GFP_KERNEL, 6);
	eight = alloc_pages(m, GFP_KERNEL, 3);
	small_pfn = pfn_of(m, small);
	big_pfn = pfn_of(m, big);
	eight_pfn = pfn_of(m, eight);
	assert_int_equal(__free_pages(m, small, 0), 0);
	assert_int_equal(__free_pages(m, big, 6), 0);
	snapshot(m, &before);

	expect_refused(m, PTR_ERR(alloc_pages(m, GFP_KERNEL, 11)), BAD_ORDER,
		       &before, bad);
	expect_refused(m, PTR_ERR(alloc_pages(m, __GFP_DMA | __GFP_HIGHMEM, 0)),
		       BAD_GFP, &before, bad);
	expect_refused(m, PTR_ERR(alloc_pages(m, __GFP_DMA | __GFP_DMA32, 0)),
		       BAD_GFP, &before, bad);
	expect_refused(m, PTR_ERR(alloc_pages(m, 0x800000, 0)), BAD_GFP,
		       &before, bad);
	expect_refused(m, free_pages_pfn(m, m->max_pfn, 0), BAD_PFN, &before,
		       bad);
	expect_refused(m, free_pages_pfn(m, ~0UL, 0), BAD_PFN, &before, bad);
	expect_refused(m, free_pages_pfn(m, 0xA0, 0), BAD_PFN, &before, bad);
	expect_refused(m, free_pages_pfn(m, 3, 0), BAD_FREE_RESERVED, &before,
		       bad);
	/* Freed to a per-CPU list, then freed again. */
	expect_refused(m, free_pages_pfn(m, small_pfn, 0), BAD_DOUBLE_FREE,
		       &before, bad);
	/* Freed to the buddy lists and merged, then freed again. */
	expect_refused(m, free_pages_pfn(m, big_pfn, 6), BAD_DOUBLE_FREE,
		       &before, bad);
	expect_refused(m, free_pages_pfn(m, eight_pfn, 2), BAD_FREE_ORDER,
		       &before, bad);
	expect_refused(m, free_pages_pfn(m, eight_pfn + 5, 0), BAD_FREE_TAIL,
		       &before, bad);
	expect_refused(m, free_pages_pfn(m, eight_pfn, 12), BAD_ORDER, &before,
		       bad);
	assert_non_null(strstr(m->errmsg, "above max_order 10"));

	assert_int_equal(free_pages_pfn(m, eight_pfn, 3), 0);
	assert_consistent(m);
	machine_destroy(m);
}

/* The checker notices each kind of damage, and names it. */
static void test_checker_catches_corruption(void **state)
{
	struct machine *m = boot_small();
	struct zone *zone = &m->zones[ZONE_DMA32];
	struct page *page = alloc_pages(m, GFP_KERNEL, 2);
	struct page *loose;

	(void)state;
	assert_consistent(m);
	zone->free_area[10].nr_free++;
	assert_check_fails(m, "nr_free");
	zone->free_area[10].nr_free--;

	SetPageFlag(&page[1], PG_head);
	assert_check_fails(m, "inside the order-2 block");
	ClearPageFlag(&page[1], PG_head);

	zone->pcp[0].count++;
	assert_check_fails(m, "count");
	zone->pcp[0].count--;

	zone->vm_stat[NR_FREE_PAGES]--;
	assert_check_fails(m, "nr_free_pages");
	zone->vm_stat[NR_FREE_PAGES]++;

	/* A page that claims to be free but sits on no list. */
	loose = &page[0];
	ClearPageFlag(loose, PG_head);
	SetPageFlag(loose, PG_buddy);
	assert_check_fails(m, "free");
	ClearPageFlag(loose, PG_buddy);
	SetPageFlag(loose, PG_head);

	page->_refcount = 0;
	assert_check_fails(m, "refcount 0");
	page->_refcount = 1;

	/* A free page left with a mapping would leak it to the next owner. */
	loose = list_first_entry(
		&zone->free_area[10].free_list[MIGRATE_MOVABLE], struct page,
		lru);
	loose->mapping = 0x1234;
	assert_check_fails(m, "still has refcount");
	loose->mapping = 0;

	/* A free block whose pageblock changed type behind its back. */
	set_pageblock_migratetype(m, page_to_pfn(m, loose) + 512,
				  MIGRATE_RECLAIMABLE);
	assert_check_fails(m, "is on the Movable list but its pageblock is "
			      "Reclaimable");
	set_pageblock_migratetype(m, page_to_pfn(m, loose) + 512,
				  MIGRATE_MOVABLE);
	zone->nr_reserved_highatomic = 512;
	assert_check_fails(m, "nr_reserved_highatomic 512, highatomic "
			      "pageblocks hold 0");
	zone->nr_reserved_highatomic = 0;
	assert_consistent(m);
	machine_destroy(m);
}

static unsigned long vmstat_value(const char *text, const char *name)
{
	char key[64];
	const char *at;

	snprintf(key, sizeof(key), "\n%s ", name);
	at = strstr(text, key);
	if (!at)
		fail_msg("vmstat has no line %s", name);
	return strtoul(at + strlen(key), NULL, 10);
}

/* vmstat counts pages allocated per zone, pages freed, and bad calls. */
static void test_vmstat_counts(void **state)
{
	struct machine *m = boot_default();
	struct seq_buf s;
	const char *text = report_text(m, &s, report_vmstat);
	unsigned long normal0 = vmstat_value(text, "pgalloc_normal");
	unsigned long free0 = vmstat_value(text, "pgfree");
	struct page *a = alloc_pages(m, GFP_KERNEL, 2);
	struct page *b = alloc_pages(m, GFP_DMA32, 5);

	(void)state;
	seq_buf_free(&s);
	assert_int_equal(__free_pages(m, a, 2), 0);
	assert_int_equal(__free_pages(m, b, 5), 0);
	assert_int_equal(__free_pages(m, b, 5), -EINVAL);
	text = report_text(m, &s, report_vmstat);
	assert_true(strncmp(text, "nr_free_pages ", 14) == 0);
	assert_int_equal(vmstat_value(text, "pgalloc_normal"), normal0 + 4);
	assert_int_equal(vmstat_value(text, "pgalloc_dma32"), 32);
	assert_int_equal(vmstat_value(text, "pgalloc_dma"), 0);
	assert_int_equal(vmstat_value(text, "pgfree"), free0 + 36);
	assert_int_equal(vmstat_value(text, "mm_bad_double_free"), 1);
	/* The kernel's order: pswpout, then the per-zone pgalloc lines. */
	assert_non_null(strstr(text, "\npswpout 0\npgalloc_dma 0\n"));
	assert_null(strstr(text, "pgalloc_high"));
	seq_buf_free(&s);
	machine_destroy(m);
}

/* ------------------------------------------------------------------ */
/* Zone fallback, lowmem_reserve and the reserves below min, page by page */

/*
 * Every zone below is small enough that its per-CPU batch is one page
 * (zone_batchsize: managed / 1024 / 4 rounds down to 1), so each order-0
 * allocation takes exactly one page off the zone's free count and the
 * counts below are exact.
 */
struct zone_run {
	enum zone_type zone;
	unsigned long pages;
};

#define MAX_RUNS 16

/* Order-0 allocations of gfp until -ENOMEM, as runs of one zone each. */
static unsigned int alloc_runs(struct machine *m, gfp_t gfp,
			       struct zone_run *runs)
{
	unsigned int nr = 0;
	struct page *page;

	while (!IS_ERR(page = alloc_page(m, gfp))) {
		enum zone_type z = page_zonenum(page);

		if (!nr || runs[nr - 1].zone != z) {
			assert_true(nr < MAX_RUNS);
			runs[nr++] = (struct zone_run){z, 0};
		}
		runs[nr - 1].pages++;
	}
	assert_int_equal(PTR_ERR(page), -ENOMEM);
	return nr;
}

static void expect_runs(struct machine *m, gfp_t gfp,
			const struct zone_run *want, unsigned int nr_want)
{
	struct zone_run got[MAX_RUNS];
	unsigned int nr = alloc_runs(m, gfp, got);

	for (unsigned int i = 0; i < nr || i < nr_want; i++) {
		if (i < nr && i < nr_want && got[i].zone == want[i].zone &&
		    got[i].pages == want[i].pages)
			continue;
		fail_msg("gfp %#x, run %u: got %lu from %s, want %lu from %s",
			 gfp, i, i < nr ? got[i].pages : 0,
			 i < nr ? zone_type_name(got[i].zone) : "nowhere",
			 i < nr_want ? want[i].pages : 0,
			 i < nr_want ? zone_type_name(want[i].zone)
				     : "nowhere");
	}
	assert_consistent(m);
}

static long nr_free(const struct machine *m, enum zone_type z)
{
	return m->zones[z].vm_stat[NR_FREE_PAGES];
}

static void expect_marks(const struct zone *zone, unsigned long managed,
			 unsigned long min, unsigned long low)
{
	assert_int_equal(zone->managed_pages, managed);
	assert_int_equal(min_wmark_pages(zone), min);
	assert_int_equal(low_wmark_pages(zone), low);
	assert_int_equal(zone->pcp[0].batch, 1);
}

/* x86_64, 64 MiB: DMA [0,16M), DMA32 [16M,48M), Normal [48M,64M). */
static struct machine *boot_x86_three_zones(void)
{
	struct layout l;

	small_layout(&l, 64 * MiB);
	l.nr_zones = 3;
	l.zones[1] = (struct layout_zone){ZONE_DMA32, 16 * MiB, 48 * MiB};
	l.zones[2] = (struct layout_zone){ZONE_NORMAL, 48 * MiB, 64 * MiB};
	return boot_unboosted(&l);
}

/*
 * The numbers of that machine, by hand:
 *   managed: DMA 4096 - 16 (the low 64K) = 4080; DMA32 8192 - 4096 (the
 *   16M kernel image) = 4096; Normal 4096 - 512 (the mem_map of one 128M
 *   section, 32768 * 64 bytes) = 3584. Lowmem 11760 pages.
 *   min_free_kbytes = int_sqrt(11760 * 4 * 16) = 867, so 216 pages, each
 *   zone's share: DMA 216 * 4080 / 11760 = 74, DMA32 75, Normal 65;
 *   low = min + max(min / 4, managed * 10 / 10000): 92, 93, 81.
 *   lowmem_reserve (ratio 256 for DMA and DMA32):
 *   DMA[DMA32] = 4096 / 256 = 16, DMA[Normal] = (4096 + 3584) / 256 = 30,
 *   DMA32[Normal] = 3584 / 256 = 14.
 */
static void expect_x86_three_zones(struct machine *m)
{
	expect_marks(&m->zones[ZONE_DMA], 4080, 74, 92);
	expect_marks(&m->zones[ZONE_DMA32], 4096, 75, 93);
	expect_marks(&m->zones[ZONE_NORMAL], 3584, 65, 81);
	assert_int_equal(m->min_free_kbytes, 867);
	assert_int_equal(m->zones[ZONE_DMA].lowmem_reserve[ZONE_DMA32], 16);
	assert_int_equal(m->zones[ZONE_DMA].lowmem_reserve[ZONE_NORMAL], 30);
	assert_int_equal(m->zones[ZONE_DMA32].lowmem_reserve[ZONE_NORMAL], 14);
	/* Boot takes nothing from DMA or DMA32. */
	drain_all_pages(m);
	assert_int_equal(nr_free(m, ZONE_DMA), 4080);
	assert_int_equal(nr_free(m, ZONE_DMA32), 4096);
}

/*
 * GFP_KERNEL runs Normal, DMA32, DMA down to the low mark plus each
 * zone's lowmem_reserve for Normal (the fast path), then again down to
 * min plus that reserve (the slow path). DMA keeps 74 + 30 pages: a
 * GFP_KERNEL | GFP_DMA32 request may then take DMA32 to its min and DMA
 * to 74 + 16, GFP_KERNEL gets nothing more, and GFP_KERNEL | GFP_DMA has
 * DMA to its min.
 */
static void test_fallback_dma32_to_dma_x86_64(void **state)
{
	struct machine *m = boot_x86_three_zones();
	long normal0;

	(void)state;
	expect_x86_three_zones(m);
	normal0 = nr_free(m, ZONE_NORMAL);
	{
		const struct zone_run kernel[] = {
			{ZONE_NORMAL, (unsigned long)normal0 - 81},
			{ZONE_DMA32, 4096 - (93 + 14)},
			{ZONE_DMA, 4080 - (92 + 30)},
			{ZONE_NORMAL, 81 - 65},
			{ZONE_DMA32, (93 + 14) - (75 + 14)},
			{ZONE_DMA, (92 + 30) - (74 + 30)},
		};
		expect_runs(m, GFP_KERNEL, kernel, 6);
	}
	assert_int_equal(nr_free(m, ZONE_NORMAL), 65);
	assert_int_equal(nr_free(m, ZONE_DMA32), 75 + 14);
	assert_int_equal(nr_free(m, ZONE_DMA), 74 + 30);
	{
		const struct zone_run dma32[] = {
			{ZONE_DMA32, 14},
			{ZONE_DMA, 30 - 16},
		};
		expect_runs(m, GFP_KERNEL | GFP_DMA32, dma32, 2);
	}
	assert_int_equal(nr_free(m, ZONE_DMA32), 75);
	assert_int_equal(nr_free(m, ZONE_DMA), 74 + 16);
	/* lowmem_reserve: DMA's 90 free pages are not for GFP_KERNEL. */
	expect_runs(m, GFP_KERNEL, NULL, 0);
	assert_int_equal(nr_free(m, ZONE_DMA), 74 + 16);
	{
		const struct zone_run dma[] = {{ZONE_DMA, 16}};
		expect_runs(m, GFP_KERNEL | GFP_DMA, dma, 1);
	}
	assert_int_equal(nr_free(m, ZONE_DMA), 74);
	/* One direct reclaim pass for each request that failed. */
	assert_int_equal(m->zones[ZONE_NORMAL].vm_events[ALLOCSTALL], 2);
	assert_int_equal(m->zones[ZONE_DMA32].vm_events[ALLOCSTALL], 1);
	assert_int_equal(m->zones[ZONE_DMA].vm_events[ALLOCSTALL], 1);
	machine_destroy(m);
}

/*
 * i386 with high memory, 96 MiB: DMA [0,16M), Normal [16M,64M), HighMem
 * [64M,80M), Movable [80M,96M): lowmem ends at 64M, as on a machine
 * booted with a large vmalloc=, so that every zone is small.
 */
static struct machine *boot_i386_four_zones(void)
{
	struct layout l;

	i386_layout(&l, 96 * MiB);
	l.nr_zones = 4;
	l.zones[1].end = 64 * MiB;
	l.zones[2] = (struct layout_zone){ZONE_HIGHMEM, 64 * MiB, 80 * MiB};
	l.zones[3] = (struct layout_zone){ZONE_MOVABLE, 80 * MiB, 96 * MiB};
	return boot_unboosted(&l);
}

/*
 * By hand: managed DMA 4080; Normal 12288 - 2048 (the 8M image) - 192
 * (the mem_map, 24576 * 32 bytes) = 10048; HighMem and Movable 4096.
 * Lowmem 14128 pages: min_free_kbytes = int_sqrt(14128 * 4 * 16) = 950,
 * 237 pages: DMA min 68, Normal 168; HighMem and Movable keep
 * clamp(4096 / 1024, 32, 128) = 32. low adds max(share / 4, managed /
 * 1000): DMA 85, Normal 210, HighMem and Movable 32 + 68 / 4 = 49.
 * lowmem_reserve (ratios 256, 32, 0): DMA[Normal] = 10048 / 256 = 39,
 * DMA[HighMem] = 14144 / 256 = 55, DMA[Movable] = 18240 / 256 = 71,
 * Normal[HighMem] = 4096 / 32 = 128, Normal[Movable] = 8192 / 32 = 256.
 */
static void expect_i386_four_zones(struct machine *m)
{
	const struct zone *dma = &m->zones[ZONE_DMA];
	const struct zone *normal = &m->zones[ZONE_NORMAL];

	expect_marks(dma, 4080, 68, 85);
	expect_marks(normal, 10048, 168, 210);
	expect_marks(&m->zones[ZONE_HIGHMEM], 4096, 32, 49);
	expect_marks(&m->zones[ZONE_MOVABLE], 4096, 32, 49);
	assert_int_equal(m->min_free_kbytes, 950);
	assert_int_equal(dma->lowmem_reserve[ZONE_NORMAL], 39);
	assert_int_equal(dma->lowmem_reserve[ZONE_HIGHMEM], 55);
	assert_int_equal(dma->lowmem_reserve[ZONE_MOVABLE], 71);
	assert_int_equal(normal->lowmem_reserve[ZONE_HIGHMEM], 128);
	assert_int_equal(normal->lowmem_reserve[ZONE_MOVABLE], 256);
	assert_int_equal(m->zones[ZONE_HIGHMEM].lowmem_reserve[ZONE_MOVABLE],
			 0);
	drain_all_pages(m);
	assert_int_equal(nr_free(m, ZONE_DMA), 4080);
	assert_int_equal(nr_free(m, ZONE_HIGHMEM), 4096);
	assert_int_equal(nr_free(m, ZONE_MOVABLE), 4096);
}

/*
 * GFP_HIGHUSER_MOVABLE runs Movable, HighMem, Normal, DMA to low (plus
 * the reserve each lower zone keeps from Movable requests), then again
 * to min. GFP_HIGHUSER may then go deeper into Normal and DMA, whose
 * reserves against HighMem requests are smaller; GFP_KERNEL deeper
 * still, and GFP_KERNEL | GFP_DMA to DMA's min.
 */
static void test_fallback_highmem_to_dma_i386(void **state)
{
	struct machine *m = boot_i386_four_zones();
	unsigned long normal0;

	(void)state;
	expect_i386_four_zones(m);
	normal0 = (unsigned long)nr_free(m, ZONE_NORMAL);
	{
		const struct zone_run movable[] = {
			{ZONE_MOVABLE, 4096 - 49},
			{ZONE_HIGHMEM, 4096 - 49},
			{ZONE_NORMAL, normal0 - (210 + 256)},
			{ZONE_DMA, 4080 - (85 + 71)},
			{ZONE_MOVABLE, 49 - 32},
			{ZONE_HIGHMEM, 49 - 32},
			{ZONE_NORMAL, (210 + 256) - (168 + 256)},
			{ZONE_DMA, (85 + 71) - (68 + 71)},
		};
		expect_runs(m, GFP_HIGHUSER_MOVABLE, movable, 8);
	}
	{
		const struct zone_run highuser[] = {
			{ZONE_NORMAL, 256 - 128},
			{ZONE_DMA, 71 - 55},
		};
		expect_runs(m, GFP_HIGHUSER, highuser, 2);
	}
	{
		const struct zone_run kernel[] = {
			{ZONE_NORMAL, 128},
			{ZONE_DMA, 55 - 39},
		};
		expect_runs(m, GFP_KERNEL, kernel, 2);
	}
	{
		const struct zone_run dma[] = {{ZONE_DMA, 39}};
		expect_runs(m, GFP_KERNEL | GFP_DMA, dma, 1);
	}
	assert_int_equal(nr_free(m, ZONE_MOVABLE), 32);
	assert_int_equal(nr_free(m, ZONE_HIGHMEM), 32);
	assert_int_equal(nr_free(m, ZONE_NORMAL), 168);
	assert_int_equal(nr_free(m, ZONE_DMA), 68);
	machine_destroy(m);
}

/*
 * __GFP_HIGH may take half of min (ALLOC_MIN_RESERVE: min - min / 2),
 * even with direct reclaim allowed; GFP_ATOMIC, which cannot reclaim,
 * a quarter of what is left as well (ALLOC_NON_BLOCK). lowmem_reserve
 * still applies on top. Neither reclaims while it succeeds.
 */
static void test_gfp_high_dips_below_min(void **state)
{
	struct machine *m = boot_x86_three_zones();
	struct zone_run ignored[MAX_RUNS];
	const struct zone_run high[] = {
		{ZONE_NORMAL, 65 - (65 - 65 / 2)},
		{ZONE_DMA32, (75 + 14) - ((75 - 75 / 2) + 14)},
		{ZONE_DMA, (74 + 30) - ((74 - 74 / 2) + 30)},
	};
	const struct zone_run atomic[] = {
		{ZONE_NORMAL, 33 / 4},
		{ZONE_DMA32, 38 / 4},
		{ZONE_DMA, 37 / 4},
	};

	(void)state;
	expect_x86_three_zones(m);
	alloc_runs(m, GFP_KERNEL, ignored);
	assert_int_equal(m->zones[ZONE_NORMAL].vm_events[ALLOCSTALL], 1);
	expect_runs(m, GFP_KERNEL | __GFP_HIGH, high, 3);
	assert_int_equal(high[0].pages, 32);
	assert_int_equal(high[1].pages, 37);
	assert_int_equal(high[2].pages, 37);
	assert_int_equal(nr_free(m, ZONE_NORMAL), 33);
	assert_int_equal(nr_free(m, ZONE_DMA32), 38 + 14);
	assert_int_equal(nr_free(m, ZONE_DMA), 37 + 30);
	/* 106 pages without reclaim; the failure reclaimed once. */
	assert_int_equal(m->zones[ZONE_NORMAL].vm_events[ALLOCSTALL], 2);
	expect_runs(m, GFP_ATOMIC, atomic, 3);
	assert_int_equal(nr_free(m, ZONE_NORMAL), 25);
	assert_int_equal(nr_free(m, ZONE_DMA32), 29 + 14);
	assert_int_equal(nr_free(m, ZONE_DMA), 28 + 30);
	assert_int_equal(m->zones[ZONE_NORMAL].vm_events[ALLOCSTALL], 2);
	machine_destroy(m);
}

/* ------------------------------------------------------------------ */
/* __GFP_NORETRY: one direct reclaim pass, no retry, no OOM killer     */

static unsigned long reclaim_passes;

/* Reports progress without freeing anything: every pass looks useful. */
static unsigned long claim_progress(struct machine *m, gfp_t gfp,
				    unsigned int order, void *data)
{
	(void)m;
	(void)gfp;
	(void)order;
	(void)data;
	reclaim_passes++;
	return 32; /* SWAP_CLUSTER_MAX */
}

static unsigned long allocstall_normal(const struct machine *m)
{
	struct seq_buf s;
	unsigned long n = vmstat_value(report_text(m, &s, report_vmstat),
				       "allocstall_normal");

	seq_buf_free(&s);
	return n;
}

static void test_noretry_reclaims_once(void **state)
{
	struct layout l;
	struct machine *m;
	struct zone_run ignored[MAX_RUNS];
	struct user_fault fault;
	struct oom_kill kill;
	uint64_t addr, word = 1;
	struct page *page;
	int pid;

	(void)state;
	small_layout(&l, 64 * MiB);
	l.swap_size = 0;
	m = boot_unboosted(&l);
	/* A process with 1 MiB of anonymous memory: the OOM killer's pick. */
	assert_int_equal(task_create(m, "victim", 0, 0, &pid), 0);
	assert_int_equal(task_switch(m, pid), 0);
	assert_int_equal(uapi_mmap(m, 0, 0, 1 * MiB, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, &addr),
			 0);
	for (uint64_t off = 0; off < 1 * MiB; off += m->page_size)
		assert_int_equal(uapi_access_vm(m, 0, addr + off, &word,
						sizeof(word), USER_WRITE,
						&fault),
				 0);
	assert_int_equal(task_switch(m, 0), 0);
	/* Down to min without reclaim; no per-CPU page left to drain. */
	drain_all_pages(m);
	alloc_runs(m, GFP_NOWAIT, ignored);
	assert_int_equal(allocstall_normal(m), 0);
	m->reclaim = claim_progress;

	reclaim_passes = 0;
	page = alloc_page(m, GFP_KERNEL | __GFP_NORETRY);
	assert_int_equal(PTR_ERR(page), -ENOMEM);
	assert_int_equal(reclaim_passes, 1);
	assert_int_equal(allocstall_normal(m), 1);
	assert_int_equal(m->vm_events[OOM_KILL], 0);
	assert_false(oom_next_kill(m, &kill));

	/* Without it: every pass claims progress and the filesystem's
	 * metadata blocks (Buffers) are reclaimable, so should_reclaim_retry
	 * goes on until the machine's bound on one request's passes, then
	 * the OOM killer's victim's memory lets the allocation through. */
	reclaim_passes = 0;
	page = alloc_page(m, GFP_KERNEL);
	assert_false(IS_ERR(page));
	assert_int_equal(reclaim_passes, MAX_DIRECT_RECLAIM_PASSES);
	assert_int_equal(allocstall_normal(m), 1 + MAX_DIRECT_RECLAIM_PASSES);
	assert_int_equal(m->vm_events[OOM_KILL], 1);
	assert_true(oom_next_kill(m, &kill));
	assert_int_equal(kill.pid, pid);
	assert_consistent(m);
	machine_destroy(m);
}

/* ------------------------------------------------------------------ */
/* A long randomized run against a model of what is allocated          */

struct live_block {
	unsigned long pfn;
	unsigned int order;
	int refs;
};

struct model {
	struct live_block *live;
	unsigned int nr_live, max_live;
	uint8_t *owned; /* one byte per pfn: allocated to us */
	unsigned long allocated[MAX_NR_ZONES];
	unsigned long seed;
	unsigned long nr_allocs, nr_enomem, nr_frees;
	unsigned long boot_used[MAX_NR_ZONES]; /* what boot itself holds */
};

static const gfp_t random_masks[] = {
	GFP_KERNEL,
	GFP_ATOMIC,
	GFP_NOWAIT,
	GFP_KERNEL | __GFP_ZERO,
	GFP_DMA,
	GFP_DMA32,
	GFP_USER,
	GFP_HIGHUSER_MOVABLE,
	GFP_KERNEL | __GFP_NORETRY,
};

static void model_fail(const struct model *md, const char *what)
{
	fail_msg("randomized run failed (seed %lu): %s", md->seed, what);
}

static void model_alloc(struct machine *m, struct model *md)
{
	unsigned int order =
		(unsigned int)(rand() % 100 < 80 ? rand() % 4 : rand() % 11);
	gfp_t gfp = random_masks[rand() % 9];
	struct page *page = alloc_pages(m, gfp, order);
	unsigned long pfn;

	if (IS_ERR(page)) {
		if (PTR_ERR(page) != -ENOMEM)
			model_fail(md, "allocation failed other than -ENOMEM");
		md->nr_enomem++;
		return;
	}
	md->nr_allocs++;
	pfn = page_to_pfn(m, page);
	if (pfn & ((1UL << order) - 1))
		model_fail(md, "block not aligned to its order");
	if ((gfp & __GFP_DMA) && page_zonenum(page) != ZONE_DMA)
		model_fail(md, "GFP_DMA page outside ZONE_DMA");
	for (unsigned long i = 0; i < (1UL << order); i++) {
		if (md->owned[pfn + i])
			model_fail(md, "block overlaps a live one");
		md->owned[pfn + i] = 1;
	}
	md->allocated[page_zonenum(page)] += 1UL << order;
	md->live[md->nr_live++] = (struct live_block){pfn, order, 1};
}

static void model_free(struct machine *m, struct model *md)
{
	unsigned int i = (unsigned int)rand() % md->nr_live;
	struct live_block *b = &md->live[i];
	struct page *page = pfn_to_page(m, b->pfn);
	enum zone_type z = page_zonenum(page);

	if (rand() % 8 == 0) {
		if (get_page(m, page))
			model_fail(md, "get_page on a live block");
		b->refs++;
	}
	if (put_page(m, page))
		model_fail(md, "put_page on a live block");
	if (--b->refs > 0)
		return;
	md->nr_frees++;
	for (unsigned long p = 0; p < (1UL << b->order); p++)
		md->owned[b->pfn + p] = 0;
	md->allocated[z] -= 1UL << b->order;
	/* Freeing it again must be refused. */
	if (rand() % 16 == 0 && free_pages_pfn(m, b->pfn, b->order) != -EINVAL)
		model_fail(md, "double free accepted");
	*b = md->live[--md->nr_live];
}

static void model_compare(struct machine *m, struct model *md)
{
	char why[256];

	for (int z = 0; z < MAX_NR_ZONES; z++) {
		struct zone *zone = &m->zones[z];
		long pcp = 0;

		for (unsigned int c = 0; zone->pcp && c < m->nr_cpus; c++)
			pcp += zone->pcp[c].count;
		if ((unsigned long)(zone->vm_stat[NR_FREE_PAGES] + pcp) +
			    md->allocated[z] + md->boot_used[z] !=
		    zone->managed_pages)
			model_fail(md, "free + per-CPU + model != managed");
	}
	if (machine_check(m, why, sizeof(why)))
		model_fail(md, why);
}

static void test_randomized_against_model(void **state)
{
	struct layout l;
	struct machine *m;
	struct model md = {0};

	(void)state;
	md.seed = (unsigned long)test_seed("page_alloc randomized", 1);
	srand((unsigned int)md.seed);
	small_layout(&l, 48 * MiB);
	l.kernel.image_size = 4 * MiB;
	l.nr_cpus = 4;
	m = boot(&l);
	md.max_live = 4096;
	md.live = calloc(md.max_live, sizeof(*md.live));
	md.owned = calloc(m->max_pfn, 1);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		md.boot_used[z] = zone_used_pages(&m->zones[z], m->nr_cpus);

	for (long op = 1; op <= 1000000; op++) {
		int r = rand() % 100;

		if (r < 5)
			machine_set_cpu(m, (unsigned int)rand() % 4);
		else if (r == 5)
			drain_pages(m, (unsigned int)rand() % 4);
		else if (md.nr_live && (r < 50 || md.nr_live == md.max_live))
			model_free(m, &md);
		else
			model_alloc(m, &md);
		if (op % 4096 == 0)
			model_compare(m, &md);
	}
	while (md.nr_live)
		model_free(m, &md);
	drain_all_pages(m);
	model_compare(m, &md);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		if (zone_used_pages(&m->zones[z], m->nr_cpus) !=
		    md.boot_used[z])
			model_fail(&md,
				   "a zone holds other pages than at boot");
	print_message("seed %lu: %lu allocations, %lu -ENOMEM, %lu frees\n",
		      md.seed, md.nr_allocs, md.nr_enomem, md.nr_frees);
	/* The run must have exercised plenty of both, and memory pressure. */
	if (md.nr_allocs <= 300000 || md.nr_enomem <= 1000)
		model_fail(&md, "too few allocations or too little pressure");
	if (md.nr_frees != md.nr_allocs)
		model_fail(&md, "frees and allocations differ");
	free(md.live);
	free(md.owned);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_and_merge_every_order),
		cmocka_unit_test(test_buddies_merge),
		cmocka_unit_test(test_zone_for_each_modifier_x86_64),
		cmocka_unit_test(test_zone_for_each_modifier_i386),
		cmocka_unit_test(test_zone_fallback),
		cmocka_unit_test(test_watermarks_by_gfp),
		cmocka_unit_test(test_reclaim_hook_lets_allocation_succeed),
		cmocka_unit_test(test_kswapd_balances_to_high),
		cmocka_unit_test(test_gfp_zero_clears_ram),
		cmocka_unit_test(test_get_free_pages_and_addresses),
		cmocka_unit_test(test_highmem_has_no_address),
		cmocka_unit_test(test_pcp_batching_and_draining),
		cmocka_unit_test(test_pcp_disable_bypasses_lists),
		cmocka_unit_test(test_refcounts),
		cmocka_unit_test(test_bad_calls_leave_lists_alone),
		cmocka_unit_test(test_vmstat_counts),
		cmocka_unit_test(test_checker_catches_corruption),
		cmocka_unit_test(test_fallback_dma32_to_dma_x86_64),
		cmocka_unit_test(test_fallback_highmem_to_dma_i386),
		cmocka_unit_test(test_gfp_high_dips_below_min),
		cmocka_unit_test(test_noretry_reclaims_once),
		cmocka_unit_test(test_randomized_against_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
