/* SPDX-License-Identifier: MIT */
/*
 * test_compaction.c - page migration and compaction on a machine that
 * user pages fragment.
 *
 * Owns: the scenario of issue 19 (fill memory with a process's pages,
 * free every other one, an order-9 request fails, compaction, it
 * succeeds) and the promises around it: every byte and mapping kept,
 * pinned and unmovable pages never moved, the counters Linux keeps.
 * Must never: depend on timing.
 */
#include "tests/unit/machines.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/mmzone.h"
#include "core/compaction.h"
#include "core/frame_state.h"
#include "core/memory.h"
#include "core/migrate.h"
#include "core/mman.h"
#include "core/pgtable.h"
#include "core/vmstat.h"
#include "core/task.h"
#include "core/task_mmu.h"
#include "core/uapi.h"
#include "core/vmscan.h"

#define PAGE 4096ULL

struct frag {
	struct machine *m;
	int pid;
	uint64_t base;
	unsigned long nr; /* pages mapped; the odd ones are unmapped */
};

static struct zone *dma32(struct machine *m)
{
	return &m->zones[ZONE_DMA32];
}

static unsigned long pfn_at(struct machine *m, int pid, uint64_t addr)
{
	struct pgtable_walk w;

	assert_int_equal(pid_pagewalk(m, pid, addr, &w), 0);
	assert_true(w.present);
	return w.pfn;
}

/*
 * One DMA32 zone of 64 MiB, no swap (reclaim cannot help), one process
 * whose anonymous pages fill the zone to its high watermark and a bit
 * (less than a pageblock stays free); then every odd page goes. Free
 * memory is then half the pages, none of it in a block of order 9.
 * Watermark boosting is off while it fills: a movable fallback near the
 * end would raise the marks over what the fill leaves (test_watermark_
 * boost shows the boost on the filled zone).
 */
static void fragment(struct frag *f)
{
	struct layout l;
	uint64_t len;

	small_layout(&l, 64 * MiB);
	l.nr_zones = 1;
	l.zones[0] = (struct layout_zone){ZONE_DMA32, 0, 64 * MiB};
	l.swap_size = 0;
	f->m = boot(&l);
	assert_int_equal(task_create(f->m, "frag", 0, 0, &f->pid), 0);
	assert_int_equal(task_switch(f->m, f->pid), 0);
	drain_all_pages(f->m);
	f->m->vm.watermark_boost_factor = 0;
	f->nr = (unsigned long)dma32(f->m)->vm_stat[NR_FREE_PAGES] -
		high_wmark_pages(dma32(f->m)) - 128;
	len = f->nr * PAGE;
	assert_int_equal(uapi_mmap(f->m, 0, 0, len, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, &f->base),
			 0);
	for (unsigned long i = 0; i < f->nr; i++)
		fill_page(f->m, f->pid, f->base + i * PAGE, i);
	for (unsigned long i = 1; i < f->nr; i += 2)
		assert_int_equal(uapi_munmap(f->m, 0, f->base + i * PAGE, PAGE),
				 0);
	drain_all_pages(f->m);
	f->m->vm.watermark_boost_factor = WATERMARK_BOOST_FACTOR;
	assert_consistent(f->m);
}

static void expect_all_pages(struct frag *f)
{
	for (unsigned long i = 0; i < f->nr; i += 2)
		expect_page(f->m, f->pid, f->base + i * PAGE, i);
}

/* The counts of one buddyinfo line, parsed from the report's text. */
static void buddyinfo_counts(struct machine *m, const char *zone,
			     unsigned long *counts)
{
	struct seq_buf s;
	const char *text = report_text(m, &s, report_buddyinfo);
	char key[64];
	const char *at;
	char *end;

	snprintf(key, sizeof(key), "Node 0, zone %8s ", zone);
	at = strstr(text, key);
	assert_non_null(at);
	at += strlen(key);
	for (unsigned int o = 0; o <= m->max_order; o++) {
		counts[o] = strtoul(at, &end, 10);
		assert_true(end != at);
		at = end;
	}
	seq_buf_free(&s);
}

static unsigned long sum_pages(const unsigned long *counts, unsigned int n)
{
	unsigned long sum = 0;

	for (unsigned int o = 0; o < n; o++)
		sum += counts[o] << o;
	return sum;
}

static unsigned long event(const struct machine *m, enum vm_event_item e)
{
	return m->vm_events[e];
}

/*
 * The scenario: order 9 fails (a request that may not compact), the
 * admin compacts, it succeeds; buddyinfo shows the blocks come together.
 */
static void test_compact_memory_cures_fragmentation(void **state)
{
	struct frag f;
	unsigned long before[16], after[16], free_pages;
	struct page *page;

	(void)state;
	fragment(&f);
	free_pages = (unsigned long)dma32(f.m)->vm_stat[NR_FREE_PAGES];
	buddyinfo_counts(f.m, "DMA32", before);
	assert_int_equal(sum_pages(before, 11), free_pages);
	assert_int_equal(before[9], 0);
	assert_int_equal(before[10], 0);
	assert_true(before[0] >= f.nr / 2 - 1);
	page = alloc_pages(f.m, GFP_NOWAIT, 9);
	assert_int_equal(PTR_ERR(page), -ENOMEM);

	compact_nodes(f.m);
	assert_consistent(f.m);
	buddyinfo_counts(f.m, "DMA32", after);
	/* The same free pages, now most of them in blocks of order 9+. */
	assert_int_equal(dma32(f.m)->vm_stat[NR_FREE_PAGES], free_pages);
	assert_int_equal(sum_pages(after, 11), free_pages);
	assert_true((after[9] << 9) + (after[10] << 10) >= free_pages / 2);
	assert_true(after[0] < before[0] / 16);
	assert_int_equal(event(f.m, PGMIGRATE_FAIL), 0);
	assert_true(event(f.m, PGMIGRATE_SUCCESS) > 0);
	assert_true(event(f.m, COMPACTMIGRATE_SCANNED) >=
		    event(f.m, PGMIGRATE_SUCCESS));
	assert_true(event(f.m, COMPACTISOLATED) >=
		    2 * event(f.m, PGMIGRATE_SUCCESS));
	assert_true(event(f.m, COMPACTFREE_SCANNED) > 0);
	assert_int_equal(event(f.m, COMPACTSTALL), 0);
	expect_all_pages(&f);

	page = alloc_pages(f.m, GFP_NOWAIT, 9);
	assert_false(IS_ERR(page));
	assert_int_equal(__free_pages(f.m, page, 9), 0);
	assert_consistent(f.m);
	machine_destroy(f.m);
}

/*
 * A movable order-9 request that may reclaim compacts by itself: one
 * stall (async, from movable pageblocks) that succeeds, as Linux's slow
 * path for costly orders, and stops as soon as a block is free instead
 * of compacting the whole zone.
 */
static void test_direct_compaction(void **state)
{
	struct frag f;
	struct page *page;

	(void)state;
	fragment(&f);
	page = alloc_pages(f.m, GFP_HIGHUSER_MOVABLE, 9);
	assert_false(IS_ERR(page));
	assert_int_equal(event(f.m, COMPACTSTALL), 1);
	assert_int_equal(event(f.m, COMPACTSUCCESS), 1);
	assert_int_equal(event(f.m, COMPACTFAIL), 0);
	assert_true(event(f.m, PGMIGRATE_SUCCESS) > 0);
	assert_true(event(f.m, PGMIGRATE_SUCCESS) < f.nr / 8);
	assert_consistent(f.m);
	expect_all_pages(&f);
	assert_int_equal(__free_pages(f.m, page, 9), 0);
	machine_destroy(f.m);
}

/*
 * An order-9 request that may not compact fails but wakes kswapd for
 * order 9; kswapd, with nothing to reclaim (no swap), wakes kcompactd on
 * its way to sleep, which compacts until an order-9 block is free: the
 * same request then succeeds.
 */
static void test_kswapd_wakes_kcompactd(void **state)
{
	struct frag f;
	struct page *page;

	(void)state;
	fragment(&f);
	page = alloc_pages(f.m, GFP_NOWAIT, 9);
	assert_int_equal(PTR_ERR(page), -ENOMEM);
	assert_true(NODE_DATA(f.m, 0)->kswapd.wanted);
	assert_int_equal(NODE_DATA(f.m, 0)->kswapd.order, 9);
	assert_int_equal(event(f.m, KCOMPACTD_WAKE), 0);

	kswapd_run(f.m);
	assert_int_equal(event(f.m, KCOMPACTD_WAKE), 1);
	assert_false(NODE_DATA(f.m, 0)->kcompactd.wanted);
	assert_true(event(f.m, PGMIGRATE_SUCCESS) > 0);
	assert_int_equal(event(f.m, KCOMPACTD_MIGRATE_SCANNED),
			 event(f.m, COMPACTMIGRATE_SCANNED));
	assert_int_equal(event(f.m, KCOMPACTD_FREE_SCANNED),
			 event(f.m, COMPACTFREE_SCANNED));
	assert_int_equal(event(f.m, COMPACTSTALL), 0);
	assert_consistent(f.m);
	expect_all_pages(&f);
	page = alloc_pages(f.m, GFP_NOWAIT, 9);
	assert_false(IS_ERR(page));
	assert_int_equal(__free_pages(f.m, page, 9), 0);
	machine_destroy(f.m);
}

/* Migration keeps the bytes, the entry's bits, the LRU place. */
static void test_migrate_page_keeps_everything(void **state)
{
	struct frag f;
	struct page *src, *dst;
	unsigned long old, new_pfn;
	uint64_t addr;

	(void)state;
	fragment(&f);
	addr = f.base + 4 * PAGE;
	old = pfn_at(f.m, f.pid, addr);
	src = pfn_to_page(f.m, old);
	assert_true(page_migratable(f.m, src));
	dst = alloc_page(f.m, GFP_HIGHUSER_MOVABLE);
	assert_false(IS_ERR(dst));
	new_pfn = page_to_pfn(f.m, dst);
	assert_int_equal(migrate_page(f.m, src, dst, MR_COMPACTION), 0);
	assert_int_equal(pfn_at(f.m, f.pid, addr), new_pfn);
	assert_true(PageFlag(dst, PG_lru) && PageFlag(dst, PG_anon));
	assert_int_equal(page_mapcount(dst), 1);
	assert_int_equal(dst->_refcount, 1);
	assert_int_equal(dst->memcg, f.pid);
	expect_page(f.m, f.pid, addr, 4);
	assert_consistent(f.m);
	machine_destroy(f.m);
}

/* A pinned page (an extra reference) and page tables never move. */
static void test_pinned_and_unmovable_stay(void **state)
{
	struct frag f;
	unsigned long pinned, table;
	struct pgtable_walk w;
	struct page *page;

	(void)state;
	fragment(&f);
	pinned = pfn_at(f.m, f.pid, f.base);
	get_user_page(pfn_to_page(f.m, pinned));
	assert_false(page_migratable(f.m, pfn_to_page(f.m, pinned)));
	assert_int_equal(pid_pagewalk(f.m, f.pid, f.base, &w), 0);
	table = w.level[w.levels - 1].table_pfn;
	page = alloc_page(f.m, GFP_HIGHUSER_MOVABLE);
	assert_int_equal(migrate_page(f.m, pfn_to_page(f.m, pinned), page,
				      MR_COMPACTION),
			 -EAGAIN);
	assert_int_equal(__free_pages(f.m, page, 0), 0);

	compact_nodes(f.m);
	assert_int_equal(pfn_at(f.m, f.pid, f.base), pinned);
	assert_int_equal(pid_pagewalk(f.m, f.pid, f.base, &w), 0);
	assert_int_equal(w.level[w.levels - 1].table_pfn, table);
	put_user_page(f.m, pfn_to_page(f.m, pinned));
	expect_all_pages(&f);
	assert_consistent(f.m);
	machine_destroy(f.m);
}

/* Linux's fragmentation index and deferral, on hand-made numbers. */
static void test_fragmentation_index_and_deferral(void **state)
{
	struct zone zone = {0};

	(void)state;
	assert_int_equal(fragmentation_index(&zone, 9), 0);
	zone.free_area[0].nr_free = 1000;
	/* 1000 - (1000 + 1000 * 1000 / 512) / 1000 = 1000 - 2 */
	assert_int_equal(fragmentation_index(&zone, 9), 998);
	zone.free_area[9].nr_free = 1;
	assert_int_equal(fragmentation_index(&zone, 9), -1000);
	zone.free_area[9].nr_free = 0;
	zone.free_area[2].nr_free = 1;
	/* 1004 pages free: (1004 - 4) * 1000 / 1004 at orders 1 and 2. */
	assert_int_equal(unusable_free_index(&zone, 0), 0);
	assert_int_equal(unusable_free_index(&zone, 1), 996);
	assert_int_equal(unusable_free_index(&zone, 2), 996);
	assert_int_equal(unusable_free_index(&zone, 3), 1000);
	zone.free_area[0].nr_free = zone.free_area[2].nr_free = 0;
	assert_int_equal(unusable_free_index(&zone, 0), 1000);

	assert_false(compaction_deferred(&zone, 9));
	defer_compaction(&zone, 9);
	assert_int_equal(zone.compact_order_failed, 0);
	/* shift 1: the next one is skipped, the one after tries. */
	assert_true(compaction_deferred(&zone, 9));
	assert_false(compaction_deferred(&zone, 9));
	compaction_defer_reset(&zone, 9, true);
	assert_int_equal(zone.compact_defer_shift, 0);
	assert_int_equal(zone.compact_order_failed, 10);
	assert_false(compaction_deferred(&zone, 9));
}

/*
 * debugfs's two files, exactly as extfrag_show_print and
 * unusable_show_print print them, on a zone whose free memory is a
 * thousand single pages: 1000 - (1000 + 1000 * 1000 / 2^order) / 1000.
 */
static void test_extfrag_reports(void **state)
{
	struct frag f;
	unsigned long saved[LAYOUT_MAX_ORDER_LIMIT + 1];
	struct zone *zone;
	struct seq_buf s;

	(void)state;
	fragment(&f);
	zone = dma32(f.m);
	assert_int_equal(f.m->max_order, 10);
	for (unsigned int o = 0; o <= LAYOUT_MAX_ORDER_LIMIT; o++) {
		saved[o] = zone->free_area[o].nr_free;
		zone->free_area[o].nr_free = o ? 0 : 1000;
	}
	assert_string_equal(report_text(f.m, &s, report_extfrag_index),
			    "Node 0, zone    DMA32 -1.000  0.499  0.749  0.874 "
			    " 0.937  0.968  0.984  0.992  0.996  0.998  0.999 "
			    "\n");
	seq_buf_free(&s);
	assert_string_equal(report_text(f.m, &s, report_unusable_index),
			    "Node 0, zone    DMA32 0.000 1.000 1.000 1.000 "
			    "1.000 1.000 1.000 1.000 1.000 1.000 1.000 \n");
	seq_buf_free(&s);
	for (unsigned int o = 0; o <= LAYOUT_MAX_ORDER_LIMIT; o++)
		zone->free_area[o].nr_free = saved[o];
	machine_destroy(f.m);
}

/*
 * vm.extfrag_threshold, as compaction_suitable reads it: with the
 * zone's index for order 9 at or below it, the failure is for lack of
 * memory, direct compaction is skipped (no stall) and the movable
 * request fails; at the default, the same request compacts and wins.
 */
static void test_extfrag_threshold(void **state)
{
	struct frag f;
	struct page *page;
	int index;

	(void)state;
	fragment(&f);
	index = fragmentation_index(dma32(f.m), 9);
	assert_true(index > EXTFRAG_THRESHOLD && index <= 1000);
	assert_int_equal(uapi_admin_sysctl(f.m, "vm.extfrag_threshold", index),
			 0);
	page = alloc_pages(f.m, GFP_HIGHUSER_MOVABLE | __GFP_NORETRY, 9);
	assert_int_equal(PTR_ERR(page), -ENOMEM);
	assert_int_equal(event(f.m, COMPACTSTALL), 0);
	assert_int_equal(event(f.m, PGMIGRATE_SUCCESS), 0);
	assert_int_equal(
		uapi_admin_sysctl(f.m, "vm.extfrag_threshold", index - 1), 0);
	page = alloc_pages(f.m, GFP_HIGHUSER_MOVABLE | __GFP_NORETRY, 9);
	assert_false(IS_ERR(page));
	assert_int_equal(event(f.m, COMPACTSTALL), 1);
	assert_int_equal(__free_pages(f.m, page, 9), 0);
	assert_consistent(f.m);
	machine_destroy(f.m);
}

static unsigned long count_skip(struct machine *m, struct zone *zone)
{
	unsigned long n = 0;

	for (unsigned long pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone);
	     pfn += pageblock_nr_pages(m))
		n += get_zone_pfnblock_flags_mask(m, zone, pfn,
						  1UL << PB_migrate_skip);
	return n;
}

static void set_all_skip(struct machine *m, struct zone *zone)
{
	for (unsigned long pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone);
	     pfn += pageblock_nr_pages(m))
		set_pfnblock_flags_mask(m, pfn, 1UL << PB_migrate_skip,
					1UL << PB_migrate_skip);
}

/*
 * The migrate scanner resumes where it stopped: async direct compaction
 * moves the async position (a pageblock's end) and leaves the sync one
 * at the zone's start; the next run goes on from there.
 */
static void test_cached_positions(void **state)
{
	struct frag f;
	struct page *page, *again;
	unsigned long async_pfn, top;
	struct zone *zone;

	(void)state;
	fragment(&f);
	zone = dma32(f.m);
	top = pageblock_start_pfn(f.m, zone_end_pfn(zone) - 1);
	assert_int_equal(zone->compact_cached_migrate_pfn[0],
			 zone->zone_start_pfn);
	assert_int_equal(zone->compact_cached_free_pfn, top);
	page = alloc_pages(f.m, GFP_HIGHUSER_MOVABLE, 9);
	assert_false(IS_ERR(page));
	async_pfn = zone->compact_cached_migrate_pfn[0];
	assert_true(async_pfn > zone->zone_start_pfn);
	assert_int_equal(async_pfn & (pageblock_nr_pages(f.m) - 1), 0);
	assert_int_equal(zone->compact_cached_migrate_pfn[1],
			 zone->zone_start_pfn);
	assert_true(zone->compact_cached_free_pfn < top);
	assert_int_equal(zone->compact_cached_free_pfn &
				 (pageblock_nr_pages(f.m) - 1),
			 0);
	again = alloc_pages(f.m, GFP_HIGHUSER_MOVABLE, 9);
	assert_false(IS_ERR(again));
	assert_int_equal(event(f.m, COMPACTSTALL), 2);
	assert_true(zone->compact_cached_migrate_pfn[0] > async_pfn);
	assert_consistent(f.m);
	expect_all_pages(&f);
	assert_int_equal(__free_pages(f.m, page, 9), 0);
	assert_int_equal(__free_pages(f.m, again, 9), 0);
	machine_destroy(f.m);
}

/*
 * Pageblock skip bits: with every block marked, direct compaction scans
 * nothing (its scanners meet at once, which asks kswapd to reset the
 * bits) and the request fails; compact_memory ignores the bits; kswapd
 * going to sleep clears them all, and the request then compacts.
 */
static void test_skip_bits(void **state)
{
	struct frag f;
	struct zone *zone;
	struct page *page;

	(void)state;
	fragment(&f);
	zone = dma32(f.m);
	assert_int_equal(count_skip(f.m, zone), 0);
	set_all_skip(f.m, zone);
	assert_consistent(f.m);
	page = alloc_pages(f.m, GFP_HIGHUSER_MOVABLE | __GFP_NORETRY, 9);
	assert_int_equal(PTR_ERR(page), -ENOMEM);
	assert_int_equal(event(f.m, COMPACTMIGRATE_SCANNED), 0);
	assert_int_equal(event(f.m, COMPACTFREE_SCANNED), 0);
	assert_int_equal(event(f.m, PGMIGRATE_SUCCESS), 0);
	assert_int_equal(event(f.m, COMPACTFAIL), event(f.m, COMPACTSTALL));
	assert_true(zone->compact_blockskip_flush);
	assert_true(NODE_DATA(f.m, 0)->kswapd.wanted);

	kswapd_run(f.m);
	assert_int_equal(count_skip(f.m, zone), 0);
	assert_false(zone->compact_blockskip_flush);
	/* Past its deferral, the zone compacts again. */
	while (IS_ERR(page = alloc_pages(
			      f.m, GFP_HIGHUSER_MOVABLE | __GFP_NORETRY, 9)))
		assert_true(compaction_deferred(zone, 9) ||
			    zone->compact_considered);
	assert_true(event(f.m, PGMIGRATE_SUCCESS) > 0);
	assert_int_equal(__free_pages(f.m, page, 9), 0);

	/* compact_memory scans blocks marked skip, and marks the empty. */
	set_all_skip(f.m, zone);
	compact_nodes(f.m);
	assert_true(event(f.m, COMPACTMIGRATE_SCANNED) >
		    event(f.m, PGMIGRATE_SUCCESS));
	assert_true(count_skip(f.m, zone) > 0);
	assert_consistent(f.m);
	expect_all_pages(&f);
	machine_destroy(f.m);
}

/*
 * Proactive compaction, as kcompactd's timeout runs it: the fragmented
 * zone scores above the high mark (90 at proactiveness 20), a timeout
 * compacts the zone until its score is at the low mark (80) at most,
 * counted as kcompactd's scanning, not a wake-up; below the mark a
 * timeout has nothing to do, and proactiveness 0 turns it off.
 */
static void test_proactive_compaction(void **state)
{
	struct frag f;
	unsigned long migrated;

	(void)state;
	fragment(&f);
	assert_int_equal(fragmentation_score_wmark(f.m, true), 80);
	assert_int_equal(fragmentation_score_wmark(f.m, false), 90);
	assert_true(fragmentation_score_node(f.m, NODE_DATA(f.m, 0)) > 90);
	assert_int_equal(fragmentation_score_node(f.m, NODE_DATA(f.m, 0)),
			 dma32(f.m)->present_pages *
				 fragmentation_score_zone(f.m, dma32(f.m)) /
				 (dma32(f.m)->present_pages + 1));
	assert_true(kcompactd_timeout_wanted(f.m));
	kcompactd_timeout(f.m);
	assert_true(fragmentation_score_zone(f.m, dma32(f.m)) <= 80);
	migrated = event(f.m, PGMIGRATE_SUCCESS);
	assert_true(migrated > 0);
	assert_int_equal(event(f.m, KCOMPACTD_WAKE), 0);
	assert_int_equal(event(f.m, KCOMPACTD_MIGRATE_SCANNED),
			 event(f.m, COMPACTMIGRATE_SCANNED));
	assert_int_equal(event(f.m, COMPACTSTALL), 0);
	assert_false(kcompactd_timeout_wanted(f.m));
	kcompactd_timeout(f.m);
	assert_int_equal(event(f.m, PGMIGRATE_SUCCESS), migrated);
	assert_consistent(f.m);
	expect_all_pages(&f);

	/* 100: the marks are 5 and 15; writing it wakes kcompactd. */
	assert_int_equal(
		uapi_admin_sysctl(f.m, "vm.compaction_proactiveness", 100), 0);
	assert_int_equal(fragmentation_score_wmark(f.m, true), 5);
	assert_int_equal(fragmentation_score_wmark(f.m, false), 15);
	assert_true(event(f.m, PGMIGRATE_SUCCESS) > migrated);
	assert_int_equal(
		uapi_admin_sysctl(f.m, "vm.compaction_proactiveness", 0), 0);
	assert_false(kcompactd_timeout_wanted(f.m));
	assert_consistent(f.m);
	expect_all_pages(&f);
	machine_destroy(f.m);
}

/*
 * A proactive run that cannot lower the score (every page pinned)
 * defers the next by 64 timeouts, as kcompactd sleeps 64 times longer;
 * the 65th timeout tries again.
 */
static void test_proactive_deferral(void **state)
{
	struct frag f;
	unsigned long scanned;

	(void)state;
	fragment(&f);
	for (unsigned long i = 0; i < f.nr; i += 2)
		get_user_page(pfn_to_page(
			f.m, pfn_at(f.m, f.pid, f.base + i * PAGE)));
	kcompactd_timeout(f.m);
	scanned = event(f.m, KCOMPACTD_MIGRATE_SCANNED);
	assert_true(scanned > 0);
	assert_int_equal(event(f.m, PGMIGRATE_SUCCESS), 0);
	assert_int_equal(NODE_DATA(f.m, 0)->kcompactd.proactive_defer, 64);
	for (int i = 0; i < 64; i++) {
		assert_true(kcompactd_timeout_wanted(f.m));
		kcompactd_timeout(f.m);
	}
	assert_int_equal(event(f.m, KCOMPACTD_MIGRATE_SCANNED), scanned);
	kcompactd_timeout(f.m);
	assert_int_equal(event(f.m, KCOMPACTD_MIGRATE_SCANNED), 2 * scanned);
	for (unsigned long i = 0; i < f.nr; i += 2)
		put_user_page(f.m, pfn_to_page(f.m, pfn_at(f.m, f.pid,
							   f.base + i * PAGE)));
	assert_consistent(f.m);
	machine_destroy(f.m);
}

/*
 * Watermark boosting: on the fragmented zone (every free page in a
 * movable pageblock, none whole), unmovable pages must split a movable
 * pageblock; that fallback boosts the zone by a pageblock (up to 1.5
 * times high) and wakes kswapd. zoneinfo shows the boost and the marks
 * with it; kswapd takes the boost off and wakes kcompactd for a
 * pageblock. watermark_boost_factor 0 boosts nothing.
 */
static void boost_by_unmovable(struct frag *f)
{
	struct zone *zone = dma32(f->m);

	for (int i = 0; i < 4096 && !zone->watermark_boost; i++)
		assert_false(IS_ERR(alloc_page(f->m, GFP_KERNEL)));
}

static void test_watermark_boost(void **state)
{
	struct frag f;
	struct zone *zone;
	unsigned long high, max_boost;
	char line[64];
	struct seq_buf s;

	(void)state;
	fragment(&f);
	zone = dma32(f.m);
	high = zone->_watermark[WMARK_HIGH];
	max_boost = high * 15000 / 10000;
	if (max_boost < pageblock_nr_pages(f.m))
		max_boost = pageblock_nr_pages(f.m);
	NODE_DATA(f.m, 0)->kswapd.wanted = false;
	boost_by_unmovable(&f);
	assert_int_equal(zone->watermark_boost,
			 pageblock_nr_pages(f.m) < max_boost
				 ? pageblock_nr_pages(f.m)
				 : max_boost);
	assert_true(NODE_DATA(f.m, 0)->kswapd.wanted);
	assert_int_equal(high_wmark_pages(zone), high + zone->watermark_boost);
	report_text(f.m, &s, report_zoneinfo);
	snprintf(line, sizeof(line), "\n        boost    %lu\n",
		 zone->watermark_boost);
	assert_non_null(strstr(s.buf, line));
	snprintf(line, sizeof(line), "\n        high     %lu\n",
		 high + zone->watermark_boost);
	assert_non_null(strstr(s.buf, line));
	seq_buf_free(&s);
	assert_consistent(f.m);

	kswapd_run(f.m);
	assert_int_equal(zone->watermark_boost, 0);
	assert_int_equal(event(f.m, KCOMPACTD_WAKE), 1);
	assert_int_equal(event(f.m, PSWPOUT), 0);
	assert_consistent(f.m);
	machine_destroy(f.m);

	fragment(&f);
	assert_int_equal(uapi_admin_sysctl(f.m, "vm.watermark_boost_factor", 0),
			 0);
	for (int i = 0; i < 4096; i++)
		assert_false(IS_ERR(alloc_page(f.m, GFP_KERNEL)));
	assert_int_equal(dma32(f.m)->watermark_boost, 0);
	assert_consistent(f.m);
	machine_destroy(f.m);
}

/*
 * The pageblocks report: a line per pageblock whose counts add up to the
 * block, free pages adding up to the zone's, every kept user page
 * counted movable, the type as the bitmap holds it.
 */
static void test_pageblocks_report(void **state)
{
	struct frag f;
	struct seq_buf s;
	const char *p;
	unsigned long per_block, blocks = 0, free_sum = 0, movable_sum = 0;
	struct zone *zone;

	(void)state;
	fragment(&f);
	zone = dma32(f.m);
	p = report_text(f.m, &s, report_pageblocks);
	assert_int_equal(sscanf(p, "pageblocks: %lu pages each", &per_block),
			 1);
	assert_int_equal(per_block, pageblock_nr_pages(f.m));
	p = strstr(p, "zone DMA32 start_pfn ");
	assert_non_null(p);
	p = strchr(p, '\n') + 1;
	for (unsigned long pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone);
	     pfn += per_block, blocks++) {
		unsigned long fr, mv, um, ab;
		char type;

		assert_int_equal(sscanf(p, "%c %lu %lu %lu %lu", &type, &fr,
					&mv, &um, &ab),
				 5);
		assert_int_equal(fr + mv + um + ab, per_block);
		assert_int_equal(type, "UMRHCI"[get_zone_pfnblock_migratetype(
					       f.m, zone, pfn)]);
		free_sum += fr;
		movable_sum += mv;
		p = strchr(p, '\n') + 1;
	}
	assert_int_equal(*p, '\0');
	assert_int_equal(blocks, zone->spanned_pages / per_block);
	assert_int_equal(free_sum, zone->vm_stat[NR_FREE_PAGES]);
	assert_true(movable_sum >= f.nr / 2);
	seq_buf_free(&s);
	machine_destroy(f.m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compact_memory_cures_fragmentation),
		cmocka_unit_test(test_direct_compaction),
		cmocka_unit_test(test_kswapd_wakes_kcompactd),
		cmocka_unit_test(test_migrate_page_keeps_everything),
		cmocka_unit_test(test_pinned_and_unmovable_stay),
		cmocka_unit_test(test_fragmentation_index_and_deferral),
		cmocka_unit_test(test_extfrag_reports),
		cmocka_unit_test(test_extfrag_threshold),
		cmocka_unit_test(test_cached_positions),
		cmocka_unit_test(test_skip_bits),
		cmocka_unit_test(test_proactive_compaction),
		cmocka_unit_test(test_proactive_deferral),
		cmocka_unit_test(test_watermark_boost),
		cmocka_unit_test(test_pageblocks_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
