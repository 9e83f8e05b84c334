/* SPDX-License-Identifier: MIT */
/*
 * test_frame_state.c - every frame classified as what it is.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdio.h>

#include "core/frame_state.h"
#include "core/page_alloc.h"
#include "core/vmstat.h"
#include "core/slab.h"
#include "core/task.h"
#include "core/task_mmu.h"
#include "core/uapi.h"
#include "core/vmalloc.h"

static enum frame_state state_of(struct machine *m, unsigned long pfn,
				 unsigned int *order)
{
	return frame_state(m, pfn, order);
}

static void test_each_state(void **state)
{
	struct layout l;
	struct machine *m;
	unsigned int order;
	unsigned long block;
	uint64_t obj, va, ua;
	struct user_fault fault;
	struct pgtable_walk walk;
	int pid;

	(void)state;
	layout_default(&l);
	m = boot(&l);
	assert_int_equal(state_of(m, 0xA0, &order), FRAME_HOLE);
	assert_int_equal(state_of(m, 3, &order), FRAME_RESERVED); /* BIOS */
	assert_int_equal(state_of(m, 4096 + 100, &order), FRAME_RESERVED);
	assert_int_equal(state_of(m, 3100, &order), FRAME_FREE);
	assert_int_equal(order, 10);
	assert_int_equal(kmalloc(m, 64, GFP_KERNEL, &obj), 0);
	assert_int_equal(
		state_of(m, page_to_pfn(m, virt_to_page(m, obj)), &order),
		FRAME_SLAB);
	assert_int_equal(task_create(m, "u", 0, 0, &pid), 0);
	task_switch(m, pid);
	/* A client's page block is kernel memory it holds... */
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 2, &block), 0);
	assert_int_equal(state_of(m, block + 3, &order), FRAME_KERNEL);
	/* ... user memory is what its process maps and touches. */
	assert_int_equal(uapi_mmap(m, 0, 0, 4096, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, &ua),
			 0);
	assert_int_equal(
		uapi_access_vm(m, 0, ua, &ua, sizeof(ua), USER_WRITE, &fault),
		0);
	assert_int_equal(pid_pagewalk(m, pid, ua, &walk), 0);
	assert_true(walk.present);
	assert_int_equal(state_of(m, walk.pfn, &order), FRAME_USER);
	/* A vmalloc area of more than a PMD needs a page table of its own. */
	assert_int_equal(vmalloc(m, 3 << 20, &va), 0);
	{
		unsigned long pt = 0, tables = 0;

		for (unsigned long pfn = 0; pfn < m->max_pfn; pfn++)
			if (PageFlag(pfn_to_page(m, pfn), PG_table)) {
				pt = pfn;
				tables++;
			}
		assert_true(tables > 0);
		assert_int_equal(state_of(m, pt, &order), FRAME_PAGETABLE);
	}
	machine_destroy(m);
}

static void test_cells(void **state)
{
	struct layout l;
	struct machine *m;
	uint8_t cells[4];

	(void)state;
	layout_default(&l);
	m = boot(&l);
	/* DMA: 4 cells of 1024 frames: mostly free, with the ISA hole. */
	assert_int_equal(frame_cells(m, 0, 4096, 1024, cells), 4);
	assert_int_equal(cells[0] & 15, FRAME_FREE);
	assert_int_equal(cells[0] >> 4, 9);
	assert_int_equal(cells[3], FRAME_FREE | 10 << 4);
	/* DMA32's first 16M is the kernel image. */
	assert_int_equal(frame_cells(m, 4096, 4096, 4096, cells), 1);
	assert_int_equal(cells[0], FRAME_RESERVED);
	assert_int_equal(frame_cells(m, 0, 1, 0, cells), -EINVAL);
	assert_int_equal(frame_cells(m, m->max_pfn, 1, 1, cells), -EINVAL);
	machine_destroy(m);
}

/* Any range, sized to a screen: checked, and sampled past 64 frames. */
static void test_cells_range(void **state)
{
	struct layout l;
	struct machine *m;
	unsigned long per_cell = 0;
	uint8_t exact[2560], sampled[2560];

	(void)state;
	layout_default(&l);
	m = boot(&l);
	/* 4096 frames in 3 cells: 1366 a cell, the last one shorter. */
	assert_int_equal(frame_cells_range(m, 0, 4096, 3, &per_cell), 0);
	assert_int_equal(per_cell, 1366);
	assert_int_equal(frame_cells_sampled(m, 0, 4096, per_cell, exact), 3);
	/* One frame a cell: the frame's own state. */
	assert_int_equal(frame_cells_range(m, 3, 2, 16384, &per_cell), 0);
	assert_int_equal(per_cell, 1);
	assert_int_equal(frame_cells_sampled(m, 3, 2, 1, exact), 2);
	assert_int_equal(exact[0], FRAME_RESERVED);
	/* The whole machine in 2560 cells of 512: sampling 64 of each
	 * frame keeps every cell the exact count gives here. */
	assert_int_equal(frame_cells_range(m, 0, m->max_pfn, 2560, &per_cell),
			 0);
	assert_int_equal(per_cell, 512);
	assert_int_equal(frame_cells(m, 0, m->max_pfn, 512, exact), 2560);
	assert_int_equal(
		frame_cells_sampled(m, 0, m->max_pfn, per_cell, sampled), 2560);
	assert_memory_equal(exact, sampled, sizeof(exact));
	/* Bad ranges and cell counts are refused, with the kernel's errno. */
	assert_int_equal(frame_cells_range(m, m->max_pfn, 1, 1, &per_cell),
			 -EINVAL);
	assert_int_equal(frame_cells_range(m, 0, 0, 1, &per_cell), -EINVAL);
	assert_int_equal(frame_cells_range(m, 1, m->max_pfn, 1, &per_cell),
			 -EINVAL);
	assert_int_equal(frame_cells_range(m, 0, UINT64_MAX, 1, &per_cell),
			 -EINVAL);
	assert_int_equal(frame_cells_range(m, 0, 1, 0, &per_cell), -EINVAL);
	assert_int_equal(frame_cells_range(m, 0, 1, 16385, &per_cell), -EINVAL);
	assert_int_equal(per_cell, 512); /* untouched by a refusal */
	machine_destroy(m);
}

/* The pageblocks' migrate types, as pagetypeinfo counts them. */
static void test_pageblock_cells(void **state)
{
	struct layout l;
	struct machine *m;
	struct seq_buf s;
	uint8_t cells[2560];
	unsigned long count[MIGRATE_TYPES] = {0}, pb;
	const char *text;
	struct zone *zone;

	(void)state;
	layout_default(&l);
	m = boot(&l);
	pb = pageblock_nr_pages(m);
	assert_int_equal(pb, 512);
	/* The pageblock at pfn 8192 turned Reclaimable, as a fallback
	 * steal would, and so its cell; the cells around it stay. */
	zone = &m->zones[page_zonenum(pfn_to_page(m, 8192))];
	assert_true(move_freepages_block(m, zone, 8192, MIGRATE_RECLAIMABLE) >=
		    0);
	assert_int_equal(pageblock_cells_sampled(m, 0, m->max_pfn, pb, cells),
			 2560);
	assert_int_equal(cells[16], MIGRATE_RECLAIMABLE | PAGEBLOCK_CELL_START);
	assert_int_equal(cells[17], MIGRATE_MOVABLE | PAGEBLOCK_CELL_START);
	/* Every cell is one pageblock, judged by its first frame: summed
	 * they are pagetypeinfo's "Number of blocks type" totals. */
	for (int i = 0; i < 2560; i++) {
		assert_true(cells[i] & PAGEBLOCK_CELL_START);
		if ((cells[i] & 15) != PAGEBLOCK_CELL_HOLE)
			count[cells[i] & 15]++;
	}
	assert_int_equal(count[MIGRATE_RECLAIMABLE], 1);
	text = report_text(m, &s, report_pagetypeinfo);
	text = strstr(text, "Number of blocks type");
	assert_non_null(text);
	while ((text = strstr(text, "\nNode 0, zone"))) {
		unsigned long n[MIGRATE_TYPES];

		text++;
		assert_int_equal(sscanf(text,
					"Node 0, zone %*s %lu %lu %lu %lu "
					"%lu %lu",
					&n[0], &n[1], &n[2], &n[3], &n[4],
					&n[5]),
				 MIGRATE_TYPES);
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			count[mt] -= n[mt];
	}
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		assert_int_equal(count[mt], 0);
	seq_buf_free(&s);
	/* Smaller cells: only the one holding a pageblock's first frame
	 * says a pageblock begins; the ISA hole is a hole. */
	assert_int_equal(pageblock_cells_sampled(m, 8192, 1024, 256, cells), 4);
	assert_int_equal(cells[0], MIGRATE_RECLAIMABLE | PAGEBLOCK_CELL_START);
	assert_int_equal(cells[1], MIGRATE_RECLAIMABLE);
	assert_int_equal(cells[2], MIGRATE_MOVABLE | PAGEBLOCK_CELL_START);
	assert_int_equal(pageblock_cells_sampled(m, 160, 1, 1, cells), 1);
	assert_int_equal(cells[0], PAGEBLOCK_CELL_HOLE);
	/* Cells of four pageblocks take the type most of them have. */
	assert_int_equal(pageblock_cells_sampled(m, 8192, 2048, 2048, cells),
			 1);
	assert_int_equal(cells[0], MIGRATE_MOVABLE | PAGEBLOCK_CELL_START);
	machine_destroy(m);
}

static void test_frames_report(void **state)
{
	struct layout l;
	struct machine *m;
	struct seq_buf s;
	const char *text;

	(void)state;
	layout_default(&l);
	m = boot(&l);
	/* 1310720 frames: 512 per cell gives 2560 cells. */
	text = report_text(m, &s, report_frames);
	assert_true(strncmp(text, "frames: 512 pages per cell\n", 27) == 0);
	/* DMA is 8 cells; the first holds the BIOS pages, the ISA hole and
	 * free blocks up to order 8 (pfns 256-511). */
	assert_non_null(strstr(text, "\nzone DMA start_pfn 0 pages 4096\n"
				     "89aaaaaa\n"));
	/* DMA32 starts with 16M of kernel image: 8 cells of '#'. */
	assert_non_null(strstr(text, "\nzone DMA32 start_pfn 4096 pages "
				     "1044480\n########aaaa"));
	seq_buf_free(&s);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_state),
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_cells_range),
		cmocka_unit_test(test_pageblock_cells),
		cmocka_unit_test(test_frames_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
