/* SPDX-License-Identifier: MIT */
/*
 * test_migratetype.c - pageblocks, migrate types and fallback, against
 * cases worked out by hand from Linux's mm/page_alloc.c.
 *
 * Owns: the exact choices __rmqueue_fallback, find_suitable_fallback and
 * steal_suitable_fallback make on small crafted machines, the per-CPU
 * lists per type, the highatomic reserve and pageblock_order. Must
 * never: depend on timing or on another test's machine.
 */
#include "tests/unit/machines.h"

#include <stdio.h>

#include "core/vmstat.h"

/*
 * One DMA32 zone of mem bytes with max_order 9 (one pageblock), per-CPU
 * lists off and no watermarks, so that each call reaches the buddy lists
 * and every free block lies inside one pageblock.
 */
static struct machine *boot_blocks(uint64_t mem)
{
	struct layout l;
	struct machine *m;

	small_layout(&l, mem);
	l.nr_zones = 1;
	l.zones[0] = (struct layout_zone){ZONE_DMA32, 0, mem};
	l.max_order = 9;
	l.min_free_kbytes = 0;
	m = boot(&l);
	zone_pcp_disable(m, &m->zones[ZONE_DMA32]);
	return m;
}

static unsigned long nr_on(const struct zone *zone, unsigned int order, int mt);
static unsigned long alloc_pfn(struct machine *m, gfp_t gfp,
			       unsigned int order);

/*
 * boot_blocks, with the unmovable blocks boot left free (boot's slab
 * and page tables claimed one pageblock) taken, so that the cases start
 * from empty unmovable lists: each is taken exactly, no fallback.
 */
static struct machine *boot_movable(uint64_t mem)
{
	struct machine *m = boot_blocks(mem);

	for (unsigned int o = m->max_order + 1; o-- > 0;)
		while (nr_on(&m->zones[ZONE_DMA32], o, MIGRATE_UNMOVABLE))
			alloc_pfn(m, GFP_KERNEL, o);
	return m;
}

static struct zone *dma32(struct machine *m)
{
	return &m->zones[ZONE_DMA32];
}

static unsigned long nr_on(const struct zone *zone, unsigned int order, int mt)
{
	unsigned long n = 0;
	const struct list_head *pos;

	list_for_each(pos, &zone->free_area[order].free_list[mt]) n++;
	return n;
}

static unsigned long first_on(struct machine *m, unsigned int order, int mt)
{
	const struct list_head *list =
		&dma32(m)->free_area[order].free_list[mt];

	assert_false(list_empty(list));
	return page_to_pfn(m, list_first_entry(list, struct page, lru));
}

static unsigned long alloc_pfn(struct machine *m, gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(m, gfp | __GFP_NOWARN, order);

	assert_false(IS_ERR(page));
	return page_to_pfn(m, page);
}

static int block_type(struct machine *m, unsigned long pfn)
{
	return get_pfnblock_migratetype(m, pfn);
}

/*
 * Take every free block of type mt of order min_order and above, each
 * exactly (the smallest fit of its own list): nothing falls back.
 */
static void take_all(struct machine *m, gfp_t gfp, int mt,
		     unsigned int min_order)
{
	for (unsigned int o = m->max_order + 1; o-- > min_order;)
		while (nr_on(dma32(m), o, mt))
			alloc_pfn(m, gfp, o);
}

static void test_pageblock_order(void **state)
{
	struct layout l;
	struct machine *m;

	(void)state;
	small_layout(&l, 64 * MiB);
	m = boot(&l);
	assert_int_equal(m->pageblock_order, 9);
	assert_int_equal(pageblock_nr_pages(m), 512);
	machine_destroy(m);

	i386_layout(&l, 1 * GiB);
	m = boot(&l);
	assert_int_equal(m->pageblock_order, 10);
	machine_destroy(m);

	/* Capped by max_order, as MAX_PAGE_ORDER caps it. */
	small_layout(&l, 64 * MiB);
	l.max_order = 5;
	m = boot(&l);
	assert_int_equal(m->pageblock_order, 5);
	assert_consistent(m);
	machine_destroy(m);
}

/* Every pageblock boots movable; grouping needs 6 pageblocks' worth. */
static void test_boot_types_and_mobility_threshold(void **state)
{
	struct machine *m = boot_blocks(32 * MiB);
	struct layout l;
	struct zone *zone = dma32(m);

	unsigned long count[MIGRATE_TYPES] = {0};

	(void)state;
	assert_false(m->page_group_by_mobility_disabled);
	/* Boot's own unmovable pages claimed one pageblock; none other. */
	for (unsigned long pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone);
	     pfn += 512)
		count[block_type(m, pfn)]++;
	assert_int_equal(count[MIGRATE_UNMOVABLE], 1);
	assert_int_equal(count[MIGRATE_MOVABLE], 15);
	assert_int_equal(gfp_migratetype(m, GFP_KERNEL), MIGRATE_UNMOVABLE);
	assert_int_equal(gfp_migratetype(m, GFP_HIGHUSER_MOVABLE),
			 MIGRATE_MOVABLE);
	assert_int_equal(gfp_migratetype(m, GFP_KERNEL | __GFP_RECLAIMABLE),
			 MIGRATE_RECLAIMABLE);
	machine_destroy(m);

	/* 8 MiB: fewer than 512 * MIGRATE_TYPES pages above high. */
	small_layout(&l, 8 * MiB);
	l.nr_zones = 1;
	l.zones[0] = (struct layout_zone){ZONE_DMA32, 0, 8 * MiB};
	l.kernel.image_start = 4 * MiB;
	l.kernel.image_size = 1 * MiB;
	m = boot(&l);
	assert_true(m->page_group_by_mobility_disabled);
	assert_int_equal(gfp_migratetype(m, GFP_HIGHUSER_MOVABLE),
			 MIGRATE_UNMOVABLE);
	machine_destroy(m);
}

static void test_movable_and_reclaimable_together_refused(void **state)
{
	struct machine *m = boot_blocks(32 * MiB);
	struct alloc_snapshot before;
	struct page *page;

	(void)state;
	snapshot(m, &before);
	page = alloc_pages(m, GFP_KERNEL | __GFP_MOVABLE | __GFP_RECLAIMABLE,
			   0);
	assert_int_equal(PTR_ERR(page), -EINVAL);
	assert_unchanged(m, &before);
	machine_destroy(m);
}

/*
 * An unmovable page on a machine of movable pageblocks: the largest
 * movable block (order 9, a whole pageblock) is claimed, its pageblock
 * becomes unmovable, and its halves go to the unmovable lists.
 */
static void test_fallback_claims_whole_pageblock(void **state)
{
	struct machine *m = boot_movable(32 * MiB);
	struct zone *zone = dma32(m);
	unsigned long head = first_on(m, 9, MIGRATE_MOVABLE);
	unsigned long movable9 = nr_on(zone, 9, MIGRATE_MOVABLE);

	(void)state;
	assert_int_equal(alloc_pfn(m, GFP_KERNEL, 0), head);
	assert_int_equal(block_type(m, head), MIGRATE_UNMOVABLE);
	assert_int_equal(nr_on(zone, 9, MIGRATE_MOVABLE), movable9 - 1);
	for (unsigned int o = 0; o < 9; o++)
		assert_int_equal(nr_on(zone, o, MIGRATE_UNMOVABLE), 1);
	/* The next unmovable page comes from its own list: no fallback. */
	assert_int_equal(alloc_pfn(m, GFP_KERNEL, 0), head + 1);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * Half the pageblock free is enough: an unmovable request that finds a
 * free order-8 half of a movable block claims the block (the other half
 * is allocated but not on an LRU list, so counts as alike) and is
 * served from the block's own lists afterwards.
 */
static void test_fallback_claims_half_free_pageblock(void **state)
{
	struct machine *m = boot_movable(32 * MiB);
	unsigned long last, held;

	(void)state;
	/* Keep one order-9 movable block; take the others, and order 8s. */
	while (nr_on(dma32(m), 8, MIGRATE_MOVABLE))
		alloc_pfn(m, GFP_HIGHUSER_MOVABLE, 8);
	while (nr_on(dma32(m), 9, MIGRATE_MOVABLE) > 1)
		alloc_pfn(m, GFP_HIGHUSER_MOVABLE, 9);
	last = first_on(m, 9, MIGRATE_MOVABLE);
	held = alloc_pfn(m, GFP_HIGHUSER_MOVABLE, 8);
	assert_int_equal(held, last);
	take_all(m, GFP_HIGHUSER_MOVABLE, MIGRATE_MOVABLE, 9);
	assert_int_equal(nr_on(dma32(m), 8, MIGRATE_MOVABLE), 1);

	assert_int_equal(alloc_pfn(m, GFP_KERNEL, 0), last + 256);
	assert_int_equal(block_type(m, last), MIGRATE_UNMOVABLE);
	for (unsigned int o = 0; o < 8; o++)
		assert_int_equal(nr_on(dma32(m), o, MIGRATE_UNMOVABLE), 1);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * Unmovable into a reclaimable block with less than half free: it takes
 * the block it found and leaves the pageblock reclaimable, its unused
 * halves on the reclaimable lists. Reclaimable comes before movable in
 * the unmovable fallback order, so it is chosen at equal order.
 */
static void test_fallback_steals_single_block(void **state)
{
	struct machine *m = boot_movable(32 * MiB);
	gfp_t reclaimable = GFP_KERNEL | __GFP_RECLAIMABLE;
	unsigned long r, got;

	(void)state;
	r = alloc_pfn(m, reclaimable, 0); /* claims a whole block */
	assert_int_equal(block_type(m, r), MIGRATE_RECLAIMABLE);
	assert_int_equal(alloc_pfn(m, reclaimable, 8), r + 256);
	/* Movable blocks of order 8 and 9 would be found first: take them. */
	take_all(m, GFP_HIGHUSER_MOVABLE, MIGRATE_MOVABLE, 8);
	assert_int_equal(nr_on(dma32(m), 7, MIGRATE_RECLAIMABLE), 1);

	got = alloc_pfn(m, GFP_KERNEL, 0);
	assert_int_equal(got, r + 128);
	assert_int_equal(block_type(m, r), MIGRATE_RECLAIMABLE);
	/* Its halves join the reclaimable lists: two of each order. */
	for (unsigned int o = 0; o < 7; o++)
		assert_int_equal(nr_on(dma32(m), o, MIGRATE_RECLAIMABLE), 2);
	assert_int_equal(nr_on(dma32(m), 7, MIGRATE_RECLAIMABLE), 0);
	assert_int_equal(nr_on(dma32(m), 0, MIGRATE_UNMOVABLE), 0);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * A movable page that may not claim (the largest fallback block is
 * below pageblock_order / 2) takes the smallest fallback block instead
 * of splitting a larger one.
 */
static void test_movable_fallback_takes_smallest(void **state)
{
	struct machine *m = boot_movable(32 * MiB);
	unsigned long u, small;

	(void)state;
	u = alloc_pfn(m, GFP_KERNEL, 0); /* an unmovable pageblock */
	for (unsigned int o = 8; o >= 4; o--)
		alloc_pfn(m, GFP_KERNEL, o);
	take_all(m, GFP_HIGHUSER_MOVABLE, MIGRATE_MOVABLE, 0);
	/* Left unmovable: one free block of each order 0..3 in u's block. */
	for (unsigned int o = 0; o <= 3; o++)
		assert_int_equal(nr_on(dma32(m), o, MIGRATE_UNMOVABLE), 1);
	small = first_on(m, 0, MIGRATE_UNMOVABLE);
	assert_int_equal(small, u + 1);

	assert_int_equal(alloc_pfn(m, GFP_HIGHUSER_MOVABLE, 0), small);
	assert_int_equal(block_type(m, u), MIGRATE_UNMOVABLE);
	assert_int_equal(nr_on(dma32(m), 3, MIGRATE_UNMOVABLE), 1);
	assert_int_equal(nr_on(dma32(m), 0, MIGRATE_UNMOVABLE), 0);
	assert_consistent(m);
	machine_destroy(m);
}

/* A freed page goes back to its pageblock's list, and merges there. */
static void test_free_returns_to_block_type(void **state)
{
	struct machine *m = boot_movable(32 * MiB);
	unsigned long u = alloc_pfn(m, GFP_KERNEL, 0);

	(void)state;
	assert_int_equal(free_pages_pfn(m, u, 0), 0);
	assert_int_equal(nr_on(dma32(m), 9, MIGRATE_UNMOVABLE), 1);
	assert_int_equal(first_on(m, 9, MIGRATE_UNMOVABLE), u);
	assert_consistent(m);
	machine_destroy(m);
}

/* Per-CPU lists are kept per order and type, as order_to_pindex. */
static void test_pcp_lists_per_type(void **state)
{
	struct layout l;
	struct machine *m;
	struct per_cpu_pages *pcp;
	unsigned long u, mv;

	(void)state;
	small_layout(&l, 64 * MiB);
	m = boot(&l);
	pcp = &m->zones[ZONE_DMA32].pcp[0];
	u = alloc_pfn(m, GFP_KERNEL, 0);
	mv = alloc_pfn(m, GFP_HIGHUSER_MOVABLE, 0);
	assert_int_equal(block_type(m, u), MIGRATE_UNMOVABLE);
	assert_int_equal(block_type(m, mv), MIGRATE_MOVABLE);
	assert_true(list_empty(
		&pcp->lists[order_to_pindex(MIGRATE_RECLAIMABLE, 0)]));
	assert_int_equal(free_pages_pfn(m, u, 0), 0);
	assert_int_equal(free_pages_pfn(m, mv, 0), 0);
	assert_ptr_equal(
		list_first_entry(
			&pcp->lists[order_to_pindex(MIGRATE_UNMOVABLE, 0)],
			struct page, lru),
		pfn_to_page(m, u));
	assert_ptr_equal(
		list_first_entry(
			&pcp->lists[order_to_pindex(MIGRATE_MOVABLE, 0)],
			struct page, lru),
		pfn_to_page(m, mv));
	assert_consistent(m);
	drain_all_pages(m);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * Below the low watermark, a high-order atomic allocation reserves its
 * pageblock, up to 1% of the zone rounded up to pageblocks (two here);
 * later high-order atomic requests that reach the buddy lists are
 * served from the reserve, blocking ones are not.
 */
static void test_highatomic_reserve(void **state)
{
	struct layout l;
	struct machine *m;
	struct zone *zone;
	unsigned long a, b, c, k;

	(void)state;
	small_layout(&l, 256 * MiB);
	l.nr_zones = 1;
	l.zones[0] = (struct layout_zone){ZONE_DMA32, 0, 256 * MiB};
	l.max_order = 9;
	l.min_free_kbytes = 65536;
	m = boot(&l);
	zone = dma32(m);
	zone_pcp_disable(m, zone);
	for (unsigned int o = m->max_order + 1; o-- > 0;)
		while (nr_on(zone, o, MIGRATE_UNMOVABLE))
			alloc_pfn(m, GFP_KERNEL, o);
	while (zone->vm_stat[NR_FREE_PAGES] > (long)low_wmark_pages(zone) + 600)
		alloc_pfn(m, GFP_HIGHUSER_MOVABLE, 9);
	while (zone->vm_stat[NR_FREE_PAGES] > (long)low_wmark_pages(zone))
		alloc_pfn(m, GFP_HIGHUSER_MOVABLE, 0);

	a = alloc_pfn(m, GFP_ATOMIC, 1);
	assert_int_equal(a, pageblock_start_pfn(m, a));
	assert_int_equal(block_type(m, a), MIGRATE_HIGHATOMIC);
	assert_int_equal(zone->nr_reserved_highatomic, 512);
	b = alloc_pfn(m, GFP_ATOMIC, 1); /* the per-CPU way: no reserve */
	assert_int_equal(block_type(m, b), MIGRATE_HIGHATOMIC);
	assert_int_equal(zone->nr_reserved_highatomic, 1024);
	c = alloc_pfn(m, GFP_ATOMIC, 1); /* 1024 is the most: no more */
	assert_int_equal(block_type(m, c), MIGRATE_UNMOVABLE);
	assert_int_equal(zone->nr_reserved_highatomic, 1024);
	assert_consistent(m);

	k = alloc_pfn(m, GFP_KERNEL, 4);
	assert_int_equal(pageblock_start_pfn(m, k), pageblock_start_pfn(m, c));
	assert_int_equal(alloc_pfn(m, GFP_ATOMIC, 4), a + 16);
	assert_consistent(m);
	machine_destroy(m);
}

/* /proc/pagetypeinfo, line by line as Linux 6.x prints it. */
static void test_pagetypeinfo_format(void **state)
{
	struct machine *m = boot_movable(32 * MiB);
	struct seq_buf s;
	const char *text;
	char want[256];
	int at = 0;

	(void)state;
	text = report_text(m, &s, report_pagetypeinfo);
	assert_non_null(strstr(text,
			       "Page block order: 9\n"
			       "Pages per block:  512\n\n"
			       "Free pages count per migrate type at "
			       "order       0      1      2      3      4 "
			       "     5      6      7      8      9 \n"
			       "Node    0, zone    DMA32, type    "
			       "Unmovable      0      0      0      0 "
			       "     0      0      0      0      0      0 "
			       "\n"));
	at = snprintf(want, sizeof(want),
		      "Node    0, zone    DMA32, type "
		      "     Movable ");
	for (unsigned int o = 0; o <= 9; o++)
		at += snprintf(want + at, sizeof(want) - (size_t)at, "%6lu ",
			       nr_on(dma32(m), o, MIGRATE_MOVABLE));
	snprintf(want + at, sizeof(want) - (size_t)at, "\n");
	assert_non_null(strstr(text, want));
	assert_non_null(strstr(text, "type      Isolate      0      0"));
	assert_non_null(strstr(
		text,
		"\nNumber of blocks type     Unmovable      Movable  "
		"Reclaimable   HighAtomic          CMA      Isolate \n"
		"Node 0, zone    DMA32            1           15 "
		"           0            0            0            0 \n"));
	seq_buf_free(&s);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pageblock_order),
		cmocka_unit_test(test_boot_types_and_mobility_threshold),
		cmocka_unit_test(test_movable_and_reclaimable_together_refused),
		cmocka_unit_test(test_fallback_claims_whole_pageblock),
		cmocka_unit_test(test_fallback_claims_half_free_pageblock),
		cmocka_unit_test(test_fallback_steals_single_block),
		cmocka_unit_test(test_movable_fallback_takes_smallest),
		cmocka_unit_test(test_free_returns_to_block_type),
		cmocka_unit_test(test_pcp_lists_per_type),
		cmocka_unit_test(test_highatomic_reserve),
		cmocka_unit_test(test_pagetypeinfo_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
