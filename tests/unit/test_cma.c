/* SPDX-License-Identifier: MIT */
/*
 * test_cma.c - CMA areas, MIGRATE_ISOLATE and alloc_contig_range.
 *
 * Owns: the area a layout declares (its placement, its pageblocks, the
 * counts meminfo and vmstat show), which allocations may use it as
 * Linux 6.x decides, page isolation, cma_alloc over user pages (every
 * byte kept, read back through each process), cma_release, every bad
 * input with its errno, and the checker's view of all of it. Must
 * never: depend on timing or on another test's machine.
 */
#include "tests/unit/machines.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/cma.h"
#include "core/compaction.h"
#include "core/meminfo.h"
#include "core/memory.h"
#include "core/mman.h"
#include "core/page_isolation.h"
#include "core/task.h"
#include "core/task_mmu.h"
#include "core/uapi.h"
#include "core/vmstat.h"

static struct zone *dma32(struct machine *m)
{
	return &m->zones[ZONE_DMA32];
}

/* One DMA32 zone of mem bytes, no swap, with one CMA area "test". */
static void cma_layout(struct layout *l, uint64_t mem, uint64_t size,
		       uint64_t base)
{
	small_layout(l, mem);
	l->nr_zones = 1;
	l->zones[0] = (struct layout_zone){ZONE_DMA32, 0, mem};
	l->swap_size = 0;
	l->nr_cma = 1;
	l->cma[0] =
		(struct layout_cma){"test", size, base, LAYOUT_CMA_ANY_NODE, 0};
}

static struct machine *boot_cma(uint64_t mem, uint64_t size, uint64_t base)
{
	struct layout l;

	cma_layout(&l, mem, size, base);
	return boot(&l);
}

static const struct cma *area(const struct machine *m)
{
	return &m->cma->areas[0];
}

static bool in_area(const struct machine *m, unsigned long pfn)
{
	return pfn >= area(m)->base_pfn &&
	       pfn < area(m)->base_pfn + area(m)->count;
}

static void expect_layout_error(const struct layout *l, const char *key,
				const char *msg);

static int new_task(struct machine *m, const char *comm)
{
	int pid;

	assert_int_equal(task_create(m, comm, 0, 0, &pid), 0);
	assert_int_equal(task_switch(m, pid), 0);
	return pid;
}

/* Placed top-down, every pageblock CMA, free, and in every count. */
static void test_boot_area(void **state)
{
	struct machine *m = boot_cma(64 * MiB, 8 * MiB, 0);
	unsigned long managed_without;
	struct seq_buf s;
	struct layout l;
	char want[64];

	(void)state;
	assert_int_equal(m->cma->nr_areas, 1);
	assert_int_equal(area(m)->base_pfn, (56 * MiB) >> 12);
	assert_int_equal(area(m)->count, 2048);
	for (unsigned long pfn = area(m)->base_pfn;
	     pfn < area(m)->base_pfn + 2048; pfn += 512)
		assert_int_equal(get_pfnblock_migratetype(m, pfn), MIGRATE_CMA);
	assert_int_equal(get_pfnblock_migratetype(m, area(m)->base_pfn - 1),
			 MIGRATE_MOVABLE);
	assert_int_equal(dma32(m)->vm_stat[NR_FREE_CMA_PAGES], 2048);
	assert_int_equal(dma32(m)->cma_pages, 2048);
	report_text(m, &s, report_meminfo);
	assert_non_null(strstr(s.buf, "\nCmaTotal:           8192 kB\n"
				      "CmaFree:            8192 kB\n"));
	seq_buf_free(&s);
	report_text(m, &s, report_vmstat);
	assert_non_null(strstr(s.buf, "\nnr_free_cma 2048\n"));
	assert_non_null(strstr(s.buf, "\ncma_alloc_success 0\n"
				      "cma_alloc_fail 0\n"));
	seq_buf_free(&s);
	report_text(m, &s, report_cma);
	snprintf(want, sizeof(want),
		 "/sys/kernel/debug/cma/test/base_pfn:%lu\n",
		 area(m)->base_pfn);
	assert_non_null(strstr(s.buf, want));
	assert_non_null(strstr(s.buf,
			       "/sys/kernel/mm/cma/test/alloc_pages_success:0\n"
			       "/sys/kernel/mm/cma/test/alloc_pages_fail:0\n"
			       "/sys/kernel/mm/cma/test/release_pages_success:"
			       "0\n"));
	assert_non_null(strstr(s.buf,
			       "/cma/test/count:2048\n"
			       "/sys/kernel/debug/cma/test/"
			       "order_per_bit:0\n"
			       "/sys/kernel/debug/cma/test/used:0\n"
			       "/sys/kernel/debug/cma/test/maxchunk:2048\n"));
	seq_buf_free(&s);
	/* The area's pages are managed, as the rest of RAM. */
	managed_without = dma32(m)->managed_pages - 2048;
	assert_consistent(m);
	machine_destroy(m);
	small_layout(&l, 64 * MiB);
	l.nr_zones = 1;
	l.zones[0] = (struct layout_zone){ZONE_DMA32, 0, 64 * MiB};
	l.swap_size = 0;
	m = boot(&l);
	assert_int_equal(dma32(m)->managed_pages, managed_without + 2048);
	machine_destroy(m);
}

/* A fixed base, on a pageblock boundary, is where the area lies. */
static void test_fixed_base(void **state)
{
	struct machine *m = boot_cma(64 * MiB, 4 * MiB, 40 * MiB);
	struct layout l;

	(void)state;
	assert_int_equal(area(m)->base_pfn, (40 * MiB) >> 12);
	assert_int_equal(get_pfnblock_migratetype(m, (40 * MiB) >> 12),
			 MIGRATE_CMA);
	assert_int_equal(get_pfnblock_migratetype(m, (44 * MiB) >> 12),
			 MIGRATE_MOVABLE);
	/* The kernel image is at 16M-32M: no area there. */
	cma_layout(&l, 64 * MiB, 4 * MiB, 20 * MiB);
	assert_int_equal(PTR_ERR(machine_create(&l)), -EINVAL);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * Unmovable requests never get a CMA page, and do not count its free
 * pages against their watermark: they fail while CMA pages are free.
 */
static void test_unmovable_never_in_cma(void **state)
{
	struct machine *m = boot_cma(128 * MiB, 32 * MiB, 0);
	unsigned long n = 0;
	struct page *page;

	(void)state;
	while (!IS_ERR(
		page = alloc_pages(m, GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY,
				   0))) {
		assert_false(in_area(m, page_to_pfn(m, page)));
		n++;
	}
	assert_true(n > 15000);
	assert_int_equal(dma32(m)->vm_stat[NR_FREE_CMA_PAGES], 8192);
	for (unsigned long pfn = area(m)->base_pfn;
	     pfn < area(m)->base_pfn + 8192; pfn += 512)
		assert_int_equal(get_pfnblock_migratetype(m, pfn), MIGRATE_CMA);
	/* A movable one still may. */
	page = alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0);
	assert_false(IS_ERR(page));
	assert_true(in_area(m, page_to_pfn(m, page)));
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * __rmqueue's balance: with more than half the zone's free pages in
 * CMA a movable request takes a CMA page first; with less, its own
 * type's, and CMA only when those are gone.
 */
static void test_movable_balance(void **state)
{
	struct machine *m = boot_cma(128 * MiB, 64 * MiB, 0);
	struct page *page;

	(void)state;
	zone_pcp_disable(m, dma32(m));
	page = alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0);
	assert_true(in_area(m, page_to_pfn(m, page)));
	assert_int_equal(dma32(m)->vm_stat[NR_FREE_CMA_PAGES], 16383);
	machine_destroy(m);

	m = boot_cma(64 * MiB, 8 * MiB, 0);
	zone_pcp_disable(m, dma32(m));
	page = alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0);
	assert_false(in_area(m, page_to_pfn(m, page)));
	assert_int_equal(dma32(m)->vm_stat[NR_FREE_CMA_PAGES], 2048);
	/* Movable lists empty: CMA before any fallback steals. */
	for (unsigned int o = m->max_order + 1; o-- > 0;)
		while (!list_empty(
			&dma32(m)->free_area[o].free_list[MIGRATE_MOVABLE]))
			assert_false(IS_ERR(alloc_pages(
				m, GFP_HIGHUSER_MOVABLE | __GFP_NOWARN, o)));
	page = alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0);
	assert_true(in_area(m, page_to_pfn(m, page)));
	assert_consistent(m);
	machine_destroy(m);
}

/* Isolating a pageblock hides its free pages; undo gives them back. */
static void test_isolate_pageblock(void **state)
{
	struct machine *m = boot_cma(64 * MiB, 8 * MiB, 0);
	unsigned long pfn = 32 * MiB >> 12, free_before;
	struct page *page;

	(void)state;
	drain_all_pages(m);
	free_before = (unsigned long)dma32(m)->vm_stat[NR_FREE_PAGES];
	assert_int_equal(
		start_isolate_page_range(m, pfn, pfn + 512, MIGRATE_MOVABLE),
		0);
	assert_int_equal(get_pfnblock_migratetype(m, pfn), MIGRATE_ISOLATE);
	assert_int_equal(dma32(m)->nr_isolate_pageblock, 1);
	assert_int_equal(dma32(m)->vm_stat[NR_FREE_PAGES], free_before - 512);
	assert_int_equal(test_pages_isolated(m, pfn, pfn + 512), 0);
	assert_consistent(m);
	/* A second isolation of the same block is refused. */
	assert_int_equal(
		start_isolate_page_range(m, pfn, pfn + 512, MIGRATE_MOVABLE),
		-EBUSY);
	/* No allocation reaches it, whatever it asks. */
	for (int i = 0; i < 2000; i++) {
		page = alloc_pages(m, GFP_KERNEL, 0);
		assert_false(page_to_pfn(m, page) >= pfn &&
			     page_to_pfn(m, page) < pfn + 512);
	}
	undo_isolate_page_range(m, pfn, pfn + 512, MIGRATE_MOVABLE);
	assert_int_equal(dma32(m)->nr_isolate_pageblock, 0);
	assert_int_equal(get_pfnblock_migratetype(m, pfn), MIGRATE_MOVABLE);
	assert_consistent(m);
	machine_destroy(m);
}

/* A kernel page inside, or a CMA block for a movable caller: -EBUSY. */
static void test_isolate_refuses_unmovable(void **state)
{
	struct machine *m = boot_cma(64 * MiB, 8 * MiB, 0);
	struct page *page;
	unsigned long pfn, block;

	(void)state;
	page = alloc_pages(m, GFP_KERNEL, 0);
	pfn = page_to_pfn(m, page);
	block = pageblock_start_pfn(m, pfn);
	assert_int_equal(start_isolate_page_range(m, block, block + 512,
						  MIGRATE_MOVABLE),
			 -EBUSY);
	assert_int_equal(get_pfnblock_migratetype(m, block), MIGRATE_UNMOVABLE);
	assert_int_equal(dma32(m)->nr_isolate_pageblock, 0);
	assert_int_equal(start_isolate_page_range(m, area(m)->base_pfn,
						  area(m)->base_pfn + 512,
						  MIGRATE_MOVABLE),
			 -EBUSY);
	/* A refused range undoes the blocks it had isolated. */
	assert_int_equal(start_isolate_page_range(m, block - 512, block + 512,
						  MIGRATE_MOVABLE),
			 -EBUSY);
	assert_int_equal(dma32(m)->nr_isolate_pageblock, 0);
	assert_consistent(m);
	machine_destroy(m);
}

static unsigned long pfn_at(struct machine *m, int pid, uint64_t addr)
{
	struct pgtable_walk w;

	assert_int_equal(pid_pagewalk(m, pid, addr, &w), 0);
	assert_true(w.present);
	return w.pfn;
}

/* A process with nr pages of its own, page i holding i + first. */
struct user {
	int pid;
	uint64_t base;
	unsigned long nr, first;
};

static void user_fill(struct machine *m, struct user *u, unsigned long nr,
		      unsigned long first)
{
	u->pid = new_task(m, "user");
	u->nr = nr;
	u->first = first;
	assert_int_equal(uapi_mmap(m, 0, 0, nr * PAGE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, &u->base),
			 0);
	for (unsigned long i = 0; i < nr; i++)
		fill_page(m, u->pid, u->base + i * PAGE, first + i);
}

static unsigned long user_in_area(struct machine *m, const struct user *u)
{
	unsigned long n = 0;

	for (unsigned long i = 0; i < u->nr; i++)
		n += in_area(m, pfn_at(m, u->pid, u->base + i * PAGE));
	return n;
}

static void user_expect(struct machine *m, const struct user *u)
{
	assert_int_equal(task_switch(m, u->pid), 0);
	for (unsigned long i = 0; i < u->nr; i++) {
		expect_page(m, u->pid, u->base + i * PAGE, u->first + i);
		assert_false(in_area(m, pfn_at(m, u->pid, u->base + i * PAGE)));
	}
}

/*
 * Issue 19's test: memory filled with movable user pages, some landing
 * in CMA (one process's shared with its fork), then the whole area
 * taken: every page moved out, every byte read back through each
 * process, the area one contiguous allocation, the counters Linux's.
 */
static void test_cma_alloc_whole_area(void **state)
{
	struct machine *m = boot_cma(128 * MiB, 32 * MiB, 0);
	struct user a, b, child;
	unsigned long pfn, in, success;
	int holder;

	(void)state;
	user_fill(m, &a, 9000, 0);
	user_fill(m, &b, 9000, 100000);
	assert_int_equal(task_switch(m, a.pid), 0);
	assert_int_equal(uapi_fork(m, 0, &child.pid), 0);
	child.base = a.base;
	child.nr = a.nr;
	child.first = a.first;
	drain_all_pages(m);
	in = user_in_area(m, &a) + user_in_area(m, &b);
	assert_true(in > 1000);
	assert_consistent(m);

	success = m->vm_events[PGMIGRATE_SUCCESS];
	holder = new_task(m, "holder");
	assert_int_equal(cma_alloc(m, "test", 8192, 0, &pfn), 0);
	assert_int_equal(pfn, area(m)->base_pfn);
	assert_int_equal(m->vm_events[PGMIGRATE_SUCCESS] - success, in);
	for (unsigned long i = 0; i < 8192; i++) {
		const struct page *page = pfn_to_page(m, pfn + i);

		assert_true(PageFlag(page, PG_head));
		assert_int_equal(page->_refcount, 1);
		assert_int_equal(page->memcg, holder);
	}
	user_expect(m, &a);
	user_expect(m, &child);
	user_expect(m, &b);
	assert_int_equal(m->vm_events[CMA_ALLOC_SUCCESS], 1);
	assert_int_equal(area(m)->nr_pages_succeeded, 8192);
	assert_int_equal(dma32(m)->vm_stat[NR_FREE_CMA_PAGES], 0);
	assert_int_equal(dma32(m)->nr_isolate_pageblock, 0);
	assert_consistent(m);

	assert_int_equal(task_switch(m, holder), 0);
	assert_int_equal(cma_release(m, "test", pfn, 8192, false), 0);
	drain_all_pages(m);
	assert_int_equal(dma32(m)->vm_stat[NR_FREE_CMA_PAGES], 8192);
	assert_int_equal(area(m)->nr_pages_released, 8192);
	assert_consistent(m);
	machine_destroy(m);
}

/* Compaction passes an isolated block by: its pages stay where they are. */
static void test_compaction_skips_isolated(void **state)
{
	struct machine *m = boot_cma(64 * MiB, 8 * MiB, 0);
	unsigned long block, kept[64];
	unsigned int n = 0;
	struct user u;

	(void)state;
	user_fill(m, &u, 4000, 9);
	/* Every other page goes: compaction has work to do. */
	for (unsigned long i = 1; i < u.nr; i += 2)
		assert_int_equal(uapi_munmap(m, 0, u.base + i * PAGE, PAGE), 0);
	/* The lowest block of them that isolates: the migrate scanner's. */
	for (block = 0;; block += 512) {
		bool mine = false;

		assert_true(block < 16384);
		for (unsigned long i = 0; i < u.nr && !mine; i += 2) {
			unsigned long p = pfn_at(m, u.pid, u.base + i * PAGE);

			mine = p >= block && p < block + 512;
		}
		if (mine && !start_isolate_page_range(m, block, block + 512,
						      MIGRATE_MOVABLE))
			break;
	}
	for (unsigned long i = 0; i < u.nr && n < 64; i += 2) {
		unsigned long p = pfn_at(m, u.pid, u.base + i * PAGE);

		if (p >= block && p < block + 512)
			kept[n++] = i;
	}
	assert_true(n > 0);
	assert_consistent(m);
	compact_nodes(m);
	for (unsigned int k = 0; k < n; k++) {
		unsigned long p = pfn_at(m, u.pid, u.base + kept[k] * PAGE);

		assert_true(p >= block && p < block + 512);
	}
	undo_isolate_page_range(m, block, block + 512, MIGRATE_MOVABLE);
	for (unsigned long i = 0; i < u.nr; i += 2)
		expect_page(m, u.pid, u.base + i * PAGE, u.first + i);
	assert_consistent(m);
	machine_destroy(m);
}

/* Small allocations, aligned, side by side; order_per_bit's bits. */
static void test_cma_alloc_align_and_bits(void **state)
{
	struct layout l;
	struct machine *m;
	unsigned long p1, p2, p3;
	struct seq_buf s;

	(void)state;
	cma_layout(&l, 64 * MiB, 8 * MiB, 0);
	l.cma[0].order_per_bit = 2;
	m = boot(&l);
	new_task(m, "t");
	assert_int_equal(cma_alloc(m, "test", 1, 0, &p1), 0);
	assert_int_equal(p1, area(m)->base_pfn);
	/* One page took a whole bit: four pages. */
	assert_int_equal(cma_alloc(m, "test", 4, 0, &p2), 0);
	assert_int_equal(p2, p1 + 4);
	assert_int_equal(cma_alloc(m, "test", 16, 4, &p3), 0);
	assert_int_equal(p3, p1 + 16);
	report_text(m, &s, report_cma);
	assert_non_null(strstr(s.buf, "/sys/kernel/debug/cma/test/used:24\n"));
	assert_non_null(strstr(s.buf,
			       "/sys/kernel/mm/cma/test/alloc_pages_success:"
			       "21\n"));
	seq_buf_free(&s);
	assert_consistent(m);
	assert_int_equal(cma_release(m, "test", p2, 4, false), 0);
	assert_int_equal(cma_alloc(m, "test", 3, 0, &p2), 0);
	assert_int_equal(p2, p1 + 4);
	assert_consistent(m);
	machine_destroy(m);
}

/* i386: 4 MiB pageblocks; an area placed top-down lands in HighMem. */
static void test_i386_highmem_area(void **state)
{
	struct layout l;
	struct machine *m;
	unsigned long pfn;
	struct user u;

	(void)state;
	i386_layout(&l, 1 * GiB);
	l.swap_size = 0;
	l.nr_cma = 1;
	l.cma[0] =
		(struct layout_cma){"test", 2 * MiB, 0, LAYOUT_CMA_ANY_NODE, 0};
	expect_layout_error(&l, "cma[0].size", "not a multiple of 4M");
	l.cma[0].size = 96 * MiB;
	m = boot(&l);
	assert_int_equal(area(m)->base_pfn, (1 * GiB - 96 * MiB) >> 12);
	assert_int_equal(m->zones[ZONE_HIGHMEM].cma_pages, 24576);
	/* Most of HighMem's free pages are CMA: user pages go there. */
	user_fill(m, &u, 2000, 5);
	assert_int_equal(user_in_area(m, &u), 2000);
	assert_int_equal(cma_alloc(m, "test", 24576, 10, &pfn), 0);
	assert_int_equal(pfn, area(m)->base_pfn);
	user_expect(m, &u);
	assert_consistent(m);
	assert_int_equal(task_switch(m, u.pid), 0);
	assert_int_equal(cma_release(m, "test", pfn, 24576, false), 0);
	assert_consistent(m);
	machine_destroy(m);
}

/* An area for node 0 is placed on node 0, one for any node on the top. */
static void test_numa_node_placement(void **state)
{
	struct layout l;
	struct machine *m;
	unsigned long pfn;

	(void)state;
	layout_default(&l);
	l.memory = 512 * MiB;
	l.nr_cpus = 4;
	l.nr_zones = 3;
	l.zones[0] = (struct layout_zone){ZONE_DMA, 0, 16 * MiB};
	l.zones[1] = (struct layout_zone){ZONE_DMA32, 16 * MiB, 64 * MiB};
	l.zones[2] = (struct layout_zone){ZONE_NORMAL, 64 * MiB, 512 * MiB};
	l.nr_holes = 0;
	l.nr_devices = 0;
	l.nr_nodes = 2;
	l.nodes[0] = (struct layout_node){
		0, 256 * MiB, {0x3}, {2, {LOCAL_DISTANCE, 21}}};
	l.nodes[1] = (struct layout_node){
		256 * MiB, 512 * MiB, {0xc}, {2, {21, LOCAL_DISTANCE}}};
	l.limits.pages = (512 * MiB) >> 12;
	l.swap_size = 0;
	layout_resolve(&l);
	l.nr_cma = 2;
	l.cma[0] = (struct layout_cma){"near", 32 * MiB, 0, 0, 0};
	l.cma[1] =
		(struct layout_cma){"any", 32 * MiB, 0, LAYOUT_CMA_ANY_NODE, 0};
	l.cma[1].base = 240 * MiB;
	expect_layout_error(&l, "cma[1].base", "not inside one node");
	l.cma[1].base = 0;
	l.cma[0].base = 250 * MiB;
	expect_layout_error(&l, "cma[0].base", "not inside node 0");
	l.cma[0].base = 0;
	m = boot(&l);
	assert_int_equal(m->cma->areas[0].base_pfn, (224 * MiB) >> 12);
	assert_int_equal(m->cma->areas[1].base_pfn, (480 * MiB) >> 12);
	assert_int_equal(m->zones[ZONE_NORMAL].cma_pages, 8192);
	assert_int_equal(m->zones[MAX_NR_ZONES + ZONE_NORMAL].cma_pages, 8192);
	new_task(m, "t");
	assert_int_equal(cma_alloc(m, "any", 8192, 0, &pfn), 0);
	assert_int_equal(cma_alloc(m, "near", 100, 0, &pfn), 0);
	assert_int_equal(pfn, (224 * MiB) >> 12);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * An area placed anywhere, listed before a fixed one where it would
 * have gone, leaves it its place; on a machine whose memmap is written
 * on first use, the areas' sections are written and the rest stay not.
 */
static void test_fixed_before_placed_deferred(void **state)
{
	struct layout l;
	struct machine *m;
	unsigned long pfn;

	(void)state;
	layout_default(&l);
	l.memory = 64ULL << 30;
	l.zones[2].end = l.memory;
	l.limits.pages = 1 << 20;
	l.kernel.deferred_struct_page_init = 1;
	l.swap_size = 0;
	l.nr_cma = 2;
	l.cma[0] = (struct layout_cma){"placed", 64 * MiB, 0,
				       LAYOUT_CMA_ANY_NODE, 0};
	l.cma[1] = (struct layout_cma){"fixed", 64 * MiB, l.memory - 64 * MiB,
				       LAYOUT_CMA_ANY_NODE, 0};
	m = boot(&l);
	assert_int_equal(m->cma->areas[1].base_pfn,
			 (l.memory - 64 * MiB) >> 12);
	assert_true(m->cma->areas[0].base_pfn < m->cma->areas[1].base_pfn);
	assert_true(m->sections.nr_deferred > 0);
	new_task(m, "t");
	assert_int_equal(cma_alloc(m, "fixed", 16384, 0, &pfn), 0);
	assert_int_equal(cma_alloc(m, "placed", 100, 0, &pfn), 0);
	assert_consistent(m);
	machine_destroy(m);
}

/* Every bad call: Linux's errno, counted as a failure, nothing changed. */
static void test_cma_bad_calls(void **state)
{
	struct machine *m = boot_cma(64 * MiB, 8 * MiB, 0);
	unsigned long pfn, free_cma;
	int other;

	(void)state;
	other = new_task(m, "other");
	new_task(m, "t");
	drain_all_pages(m);
	free_cma = (unsigned long)dma32(m)->vm_stat[NR_FREE_CMA_PAGES];
	assert_int_equal(cma_alloc(m, "nosuch", 1, 0, &pfn), -ENOENT);
	assert_int_equal(m->vm_events[CMA_ALLOC_FAIL], 0);
	assert_int_equal(cma_alloc(m, "test", 0, 0, &pfn), -EINVAL);
	assert_int_equal(cma_alloc(m, "test", 2049, 0, &pfn), -ENOMEM);
	assert_int_equal(cma_alloc(m, "test", 1, 12, &pfn), -EINVAL);
	assert_int_equal(cma_alloc(m, "test", 1, 64, &pfn), -EINVAL);
	assert_int_equal(m->vm_events[CMA_ALLOC_FAIL], 4);
	assert_int_equal(area(m)->nr_pages_failed, 2049 + 2);
	assert_int_equal(dma32(m)->vm_stat[NR_FREE_CMA_PAGES], free_cma);
	/* Counts past any area, as a client may send them. */
	assert_int_equal(cma_alloc(m, "test", (1ULL << 63) + 1, 0, &pfn),
			 -ENOMEM);
	assert_int_equal(cma_alloc(m, "test", UINT64_MAX, 0, &pfn), -ENOMEM);
	assert_int_equal(m->vm_events[CMA_ALLOC_FAIL], 6);
	assert_int_equal(dma32(m)->vm_stat[NR_FREE_CMA_PAGES], free_cma);
	assert_consistent(m);

	assert_int_equal(cma_alloc(m, "test", 8, 3, &pfn), 0);
	assert_int_equal(cma_release(m, "test", pfn, UINT64_MAX, false),
			 -EINVAL);
	assert_int_equal(cma_release(m, "test", UINT64_MAX, 8, false), -EINVAL);
	assert_int_equal(cma_release(m, "test", (1ULL << 63) + 1, 8, false),
			 -EINVAL);
	assert_int_equal(cma_release(m, "nosuch", pfn, 8, false), -ENOENT);
	assert_int_equal(cma_release(m, "test", pfn, 7, false), -EINVAL);
	assert_int_equal(cma_release(m, "test", pfn + 1, 7, false), -EINVAL);
	assert_int_equal(cma_release(m, "test", 0, 8, false), -EINVAL);
	assert_int_equal(task_switch(m, other), 0);
	assert_int_equal(cma_release(m, "test", pfn, 8, false), -EPERM);
	assert_consistent(m);
	/* An admin may. */
	assert_int_equal(cma_release(m, "test", pfn, 8, true), 0);
	assert_int_equal(cma_release(m, "test", pfn, 8, true), -EINVAL);
	/* Full: the next one has no room. */
	assert_int_equal(cma_alloc(m, "test", 2048, 0, &pfn), 0);
	assert_int_equal(cma_alloc(m, "test", 1, 0, &pfn), -ENOMEM);
	assert_consistent(m);
	machine_destroy(m);
}

/* A pinned page stays: its range is busy, and nothing moved for good. */
static void test_cma_alloc_pinned_busy(void **state)
{
	struct machine *m = boot_cma(128 * MiB, 64 * MiB, 0);
	unsigned long pfn, pinned;
	struct user u;

	(void)state;
	user_fill(m, &u, 64, 7);
	pinned = pfn_at(m, u.pid, u.base);
	assert_true(in_area(m, pinned));
	get_user_page(pfn_to_page(m, pinned));
	new_task(m, "t");
	assert_int_equal(cma_alloc(m, "test", 16384, 0, &pfn), -EBUSY);
	assert_int_equal(dma32(m)->nr_isolate_pageblock, 0);
	assert_int_equal(pfn_at(m, u.pid, u.base), pinned);
	assert_int_equal(task_switch(m, u.pid), 0);
	for (unsigned long i = 0; i < u.nr; i++)
		expect_page(m, u.pid, u.base + i * PAGE, u.first + i);
	assert_int_equal(m->vm_events[CMA_ALLOC_FAIL], 1);
	/* A smaller one skips the busy block, as cma_alloc retries. */
	assert_int_equal(cma_alloc(m, "test", 512, 9, &pfn), 0);
	assert_true(pfn != pageblock_start_pfn(m, pinned));
	put_user_page(m, pfn_to_page(m, pinned));
	assert_consistent(m);
	machine_destroy(m);
}

/* Exit gives a task's allocations back, bits and frames. */
static void test_exit_releases(void **state)
{
	struct machine *m = boot_cma(64 * MiB, 8 * MiB, 0);
	unsigned long pfn;
	int pid = new_task(m, "t");

	(void)state;
	assert_int_equal(cma_alloc(m, "test", 100, 0, &pfn), 0);
	assert_int_equal(cma_alloc_contig(m, 8192, 8192 + 16), 0);
	assert_int_equal(task_switch(m, 0), 0);
	assert_int_equal(task_exit(m, pid, NULL), 0);
	assert_int_equal(m->cma->nr_allocs, 0);
	assert_int_equal(area(m)->nr_pages_released, 100);
	drain_all_pages(m);
	assert_int_equal(dma32(m)->vm_stat[NR_FREE_CMA_PAGES], 2048);
	assert_consistent(m);
	machine_destroy(m);
}

/* alloc_contig_range: a range of user pages moves; bad ranges refused. */
static void test_alloc_contig_range(void **state)
{
	struct machine *m = boot_cma(64 * MiB, 8 * MiB, 0);
	unsigned long start, in = 0, kernel;
	struct user u;
	struct page *page;

	(void)state;
	user_fill(m, &u, 2048, 3);
	start = pageblock_start_pfn(m, pfn_at(m, u.pid, u.base + 1000 * PAGE));
	for (unsigned long i = 0; i < u.nr; i++) {
		unsigned long p = pfn_at(m, u.pid, u.base + i * PAGE);

		in += p >= start + 100 && p < start + 300;
	}
	assert_true(in > 0);
	new_task(m, "admin");
	assert_int_equal(cma_alloc_contig(m, start + 100, start + 300), 0);
	for (unsigned long p = start + 100; p < start + 300; p++)
		assert_true(PageFlag(pfn_to_page(m, p), PG_head));
	assert_int_equal(task_switch(m, u.pid), 0);
	for (unsigned long i = 0; i < u.nr; i++) {
		unsigned long p = pfn_at(m, u.pid, u.base + i * PAGE);

		assert_false(p >= start + 100 && p < start + 300);
		expect_page(m, u.pid, u.base + i * PAGE, u.first + i);
	}
	assert_consistent(m);
	new_task(m, "admin2");
	assert_int_equal(cma_free_contig(m, start + 100, start + 300), 0);
	assert_int_equal(cma_free_contig(m, start + 100, start + 300), -EINVAL);

	/* Bad ranges: empty, past RAM, across zones, unmovable, CMA. */
	assert_int_equal(cma_alloc_contig(m, 10, 10), -EINVAL);
	assert_int_equal(cma_alloc_contig(m, 16383, 16385), -EINVAL);
	page = alloc_pages(m, GFP_KERNEL, 0);
	kernel = page_to_pfn(m, page);
	assert_int_equal(cma_alloc_contig(m, kernel, kernel + 1), -EBUSY);
	assert_int_equal(
		cma_alloc_contig(m, area(m)->base_pfn, area(m)->base_pfn + 1),
		-EBUSY);
	assert_int_equal(dma32(m)->nr_isolate_pageblock, 0);
	assert_int_equal(m->cma->nr_allocs, 0);
	assert_consistent(m);
	machine_destroy(m);
}

/* Two zones: a DMA/DMA32 machine's range across them is refused. */
static void test_alloc_contig_across_zones(void **state)
{
	struct layout l;
	struct machine *m;

	(void)state;
	small_layout(&l, 64 * MiB);
	m = boot(&l);
	new_task(m, "admin");
	assert_int_equal(
		cma_alloc_contig(m, (16 * MiB >> 12) - 1, (16 * MiB >> 12) + 1),
		-EINVAL);
	assert_consistent(m);
	machine_destroy(m);
}

/* A layout's areas: each rule of cma_declare_contiguous, by its key. */
static void expect_layout_error(const struct layout *l, const char *key,
				const char *msg)
{
	struct layout_errors errs;

	if (layout_validate(l, &errs) != -EINVAL)
		fail_msg("no error on %s", key);
	for (uint32_t i = 0; i < errs.nr; i++)
		if (!strcmp(errs.err[i].key, key) &&
		    strstr(errs.err[i].msg, msg))
			return;
	fail_msg("no '%s' error on %s (first: %s: %s)", msg, key,
		 errs.nr ? errs.err[0].key : "",
		 errs.nr ? errs.err[0].msg : "");
}

static void test_layout_rules(void **state)
{
	struct layout l;

	(void)state;
	cma_layout(&l, 64 * MiB, 3 * MiB, 0);
	expect_layout_error(&l, "cma[0].size", "not a multiple of 2M");
	cma_layout(&l, 64 * MiB, 0, 0);
	expect_layout_error(&l, "cma[0].size", "size is zero");
	cma_layout(&l, 64 * MiB, 4 * MiB, 1 * MiB);
	expect_layout_error(&l, "cma[0].base", "not on a 2M boundary");
	cma_layout(&l, 64 * MiB, 4 * MiB, 62 * MiB);
	expect_layout_error(&l, "cma[0].base", "runs past memory");
	cma_layout(&l, 64 * MiB, 4 * MiB, 0);
	l.cma[0].node = 1;
	expect_layout_error(&l, "cma[0].node", "does not exist");
	cma_layout(&l, 64 * MiB, 4 * MiB, 0);
	l.cma[0].order_per_bit = 11;
	expect_layout_error(&l, "cma[0].order_per_bit", "above 10");
	cma_layout(&l, 64 * MiB, 6 * MiB, 0);
	l.cma[0].order_per_bit = 10;
	expect_layout_error(&l, "cma[0].size", "not a multiple of 4M");
	cma_layout(&l, 64 * MiB, 4 * MiB, 14 * MiB);
	l.nr_zones = 2;
	l.zones[0] = (struct layout_zone){ZONE_DMA, 0, 16 * MiB};
	l.zones[1] = (struct layout_zone){ZONE_DMA32, 16 * MiB, 64 * MiB};
	expect_layout_error(&l, "cma[0].base", "not inside one zone");
	cma_layout(&l, 64 * MiB, 4 * MiB, 0);
	l.nr_cma = 2;
	l.cma[1] = l.cma[0];
	expect_layout_error(&l, "cma[1].name", "a second area named 'test'");
	cma_layout(&l, 64 * MiB, 4 * MiB, 0);
	strcpy(l.cma[0].name, "a/b");
	expect_layout_error(&l, "cma[0].name", "cannot name a directory");
	cma_layout(&l, 64 * MiB, 4 * MiB, 32 * MiB);
	l.nr_mmz = 1;
	l.mmz[0] = (struct layout_region){"mmz", 34 * MiB, 4 * MiB};
	expect_layout_error(&l, "cma[0].base", "overlaps mmz[0] 'mmz'");
	cma_layout(&l, 64 * MiB, 4 * MiB, 32 * MiB);
	l.nr_cma = 2;
	l.cma[1] = (struct layout_cma){"two", 4 * MiB, 34 * MiB,
				       LAYOUT_CMA_ANY_NODE, 0};
	expect_layout_error(&l, "cma[1].base", "overlaps cma[0] 'test'");
	/* An area larger than any free range: boot says -ENOMEM. */
	cma_layout(&l, 64 * MiB, 64 * MiB, 0);
	assert_int_equal(PTR_ERR(machine_create(&l)), -ENOMEM);
}

/* The sysctls a layout may set, each range-checked. */
static void test_layout_vm_sysctls(void **state)
{
	struct layout l;
	struct machine *m;

	(void)state;
	small_layout(&l, 64 * MiB);
	l.vm.extfrag_threshold = 1001;
	expect_layout_error(&l, "vm.extfrag_threshold", "above 1000");
	small_layout(&l, 64 * MiB);
	l.vm.compaction_proactiveness = 101;
	expect_layout_error(&l, "vm.compaction_proactiveness", "above 100");
	small_layout(&l, 64 * MiB);
	l.vm.watermark_boost_factor = 1u << 31;
	expect_layout_error(&l, "vm.watermark_boost_factor", "above");
	small_layout(&l, 64 * MiB);
	assert_int_equal(l.vm.extfrag_threshold, 500);
	assert_int_equal(l.vm.compaction_proactiveness, 20);
	assert_int_equal(l.vm.watermark_boost_factor, 15000);
	l.vm.extfrag_threshold = 700;
	l.vm.compaction_proactiveness = 0;
	l.vm.watermark_boost_factor = 0;
	m = boot(&l);
	assert_int_equal(m->vm.extfrag_threshold, 700);
	assert_int_equal(m->vm.compaction_proactiveness, 0);
	assert_int_equal(m->vm.watermark_boost_factor, 0);
	machine_destroy(m);
}

/* A randomized run of CMA calls and user faults: the checker holds. */
static void test_random_run(void **state)
{
	struct machine *m = boot_cma(64 * MiB, 16 * MiB, 0);
	unsigned long held[16][2];
	unsigned int nheld = 0, seed = 19;
	struct user u;

	(void)state;
	user_fill(m, &u, 3000, 1);
	for (int step = 0; step < 200; step++) {
		unsigned long count, pfn;

		seed = seed * 1103515245u + 12345u;
		count = 1 + (seed >> 8) % 700;
		if (nheld < 16 && (seed & 1)) {
			if (!cma_alloc(m, "test", count, (seed >> 20) % 4,
				       &pfn)) {
				held[nheld][0] = pfn;
				held[nheld++][1] = count;
			}
		} else if (nheld) {
			unsigned int k = (seed >> 4) % nheld;

			assert_int_equal(cma_release(m, "test", held[k][0],
						     held[k][1], false),
					 0);
			held[k][0] = held[--nheld][0];
			held[k][1] = held[nheld][1];
		}
		if (step % 20 == 0)
			assert_consistent(m);
	}
	for (unsigned long i = 0; i < u.nr; i++)
		expect_page(m, u.pid, u.base + i * PAGE, u.first + i);
	assert_consistent(m);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_area),
		cmocka_unit_test(test_fixed_base),
		cmocka_unit_test(test_unmovable_never_in_cma),
		cmocka_unit_test(test_movable_balance),
		cmocka_unit_test(test_isolate_pageblock),
		cmocka_unit_test(test_isolate_refuses_unmovable),
		cmocka_unit_test(test_cma_alloc_whole_area),
		cmocka_unit_test(test_compaction_skips_isolated),
		cmocka_unit_test(test_cma_alloc_align_and_bits),
		cmocka_unit_test(test_i386_highmem_area),
		cmocka_unit_test(test_numa_node_placement),
		cmocka_unit_test(test_fixed_before_placed_deferred),
		cmocka_unit_test(test_cma_bad_calls),
		cmocka_unit_test(test_cma_alloc_pinned_busy),
		cmocka_unit_test(test_exit_releases),
		cmocka_unit_test(test_alloc_contig_range),
		cmocka_unit_test(test_alloc_contig_across_zones),
		cmocka_unit_test(test_layout_rules),
		cmocka_unit_test(test_layout_vm_sysctls),
		cmocka_unit_test(test_random_run),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
