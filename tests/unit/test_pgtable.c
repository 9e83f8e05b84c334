/* SPDX-License-Identifier: MIT */
/*
 * test_pgtable.c - page tables in RAM: the x86_64 and i386 entry formats
 * byte for byte, the kernel page table's direct map, process pgds, map,
 * unmap, walks, table accounting, bad calls, and the checker.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/meminfo.h"
#include "core/pgtable.h"
#include "tests/unit/seed.h"

static struct machine *boot_small(void)
{
	struct layout l;

	small_layout(&l, 64 * MiB);
	return boot(&l);
}

static struct machine *boot_i386(void)
{
	struct layout l;

	i386_layout(&l, 1 * GiB);
	return boot(&l);
}

static uint64_t raw64(const struct machine *m, unsigned long table,
		      unsigned int idx)
{
	uint64_t v;

	memcpy(&v, pfn_to_ram(m, table) + idx * 8, 8);
	return v;
}

static uint32_t raw32(const struct machine *m, unsigned long table,
		      unsigned int idx)
{
	uint32_t v;

	memcpy(&v, pfn_to_ram(m, table) + idx * 4, 4);
	return v;
}

static unsigned long alloc_pfn(struct machine *m, gfp_t gfp)
{
	struct page *page = alloc_page(m, gfp);

	assert_false(IS_ERR(page));
	return page_to_pfn(m, page);
}

/* Boot tables come from the kernel image: none from the allocator. */
static void test_boot_tables_in_image(void **state)
{
	struct machine *m = boot_small();
	const struct kernel_pgtable *kpt = kernel_pgtable(m);
	const struct layout_kernel *k = &m->layout.kernel;
	unsigned long first = k->image_start >> 12;
	unsigned long end = (k->image_start + k->image_size) >> 12;

	(void)state;
	assert_non_null(kpt);
	assert_int_equal(kpt->pgd, end - 1); /* the image's last page */
	assert_true(kpt->boot_next >= first && kpt->boot_next < end);
	assert_true(PageFlag(pfn_to_page(m, kpt->pgd), PG_reserved));
	assert_int_equal(kpt->nr_tables, 0);
	assert_int_equal(m->node_stat[NR_PAGETABLE], 0);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * 64 MiB at 0xffff888000000000: PGD 273 -> PUD 0 -> PMD with 32 2M
 * leaves, each PRESENT|RW|ACCESSED|DIRTY|PSE|GLOBAL|NX.
 */
static void test_x86_64_direct_map_format(void **state)
{
	struct machine *m = boot_small();
	unsigned long pgd = kernel_pgtable(m)->pgd, pud, pmd;
	uint64_t vaddr = m->layout.kernel.page_offset + 0x1234000;
	struct pgtable_walk w;
	uint64_t e;

	(void)state;
	e = raw64(m, pgd, 273);
	assert_int_equal(e & 0xfff, _KERNPG_TABLE);
	pud = (unsigned long)(e >> 12);
	e = raw64(m, pud, 0);
	assert_int_equal(e & 0xfff, _KERNPG_TABLE);
	pmd = (unsigned long)((e & 0x000ffffffffff000ULL) >> 12);
	for (unsigned int i = 0; i < 32; i++)
		assert_int_equal(raw64(m, pmd, i),
				 ((uint64_t)i << 21) | PAGE_KERNEL_LARGE);
	assert_int_equal(raw64(m, pmd, 32), 0);
	assert_int_equal(pfn_to_page(m, pmd)->index, 32);

	assert_int_equal(pgtable_walk(m, pgd, vaddr, &w), 0);
	assert_int_equal(w.levels, 3);
	assert_string_equal(w.level[0].name, "PGD");
	assert_int_equal(w.level[0].index, 273);
	assert_string_equal(w.level[1].name, "PUD");
	assert_int_equal(w.level[1].index, 0);
	assert_string_equal(w.level[2].name, "PMD");
	assert_int_equal(w.level[2].index, 9);
	assert_int_equal(w.level[2].table_pfn, pmd);
	assert_true(w.present);
	assert_int_equal(w.pfn, 0x1234);
	assert_int_equal(w.page_size, 2 * MiB);
	assert_consistent(m);
	machine_destroy(m);
}

/* i386: 4-byte entries, 4M PDEs for the 896M of low memory. */
static void test_i386_direct_map_format(void **state)
{
	struct machine *m = boot_i386();
	unsigned long pgd = kernel_pgtable(m)->pgd;
	struct pgtable_walk w;
	unsigned long pfn;
	uint64_t pte;

	(void)state;
	assert_int_equal(pgtable_levels(m), 2);
	/* 0xC0000000 is PDE 768; 896M is 224 PDEs of 4M. */
	assert_int_equal(raw32(m, pgd, 768), 0x00000000u | 0x1e3u);
	assert_int_equal(raw32(m, pgd, 769), 0x00400000u | 0x1e3u);
	assert_int_equal(raw32(m, pgd, 768 + 223), (223u << 22) | 0x1e3u);
	assert_int_equal(raw32(m, pgd, 768 + 224), 0);
	assert_int_equal(pgtable_walk(m, pgd, 0xC1234567, &w), 0);
	assert_int_equal(w.levels, 1);
	assert_int_equal(w.level[0].index, 772);
	assert_int_equal(w.page_size, 4 * MiB);
	assert_int_equal(w.pfn, 0x1234);
	assert_int_equal(pgtable_lookup(m, pgd, 0xC1234000, &pte, &pfn), 0);
	assert_int_equal(pte, (4u << 22) | 0x1e3u); /* no NX on i386 */
	/* Above the direct map, below vmalloc: nothing. */
	assert_int_equal(pgtable_lookup(m, pgd, 0xF8400000, &pte, &pfn),
			 -ENOENT);
	assert_consistent(m);
	machine_destroy(m);
}

/* Expected DirectMap bytes: the greedy split over memory regions. */
static void greedy_directmap(const struct machine *m, uint64_t in[3])
{
	const struct memblock_type *mem = &m->memblock.memory;
	bool x86_64 = m->layout.arch == ARCH_X86_64;
	uint64_t big = x86_64 ? 1 * GiB : 4 * MiB, mid = x86_64 ? 2 * MiB : 0;
	uint64_t lowmem = (uint64_t)m->lowmem_end_pfn << 12;

	in[0] = in[1] = in[2] = 0;
	for (unsigned int i = 0; i < mem->cnt; i++) {
		uint64_t a = mem->regions[i].base;
		uint64_t e = a + mem->regions[i].size;

		e = e > lowmem ? lowmem : e;
		while (a < e) {
			if (!(a & (big - 1)) && a + big <= e) {
				in[2] += big;
				a += big;
			} else if (mid && !(a & (mid - 1)) && a + mid <= e) {
				in[1] += mid;
				a += mid;
			} else {
				in[0] += 4096;
				a += 4096;
			}
		}
	}
}

static void assert_directmap_lines(struct machine *m)
{
	struct seq_buf s;
	uint64_t in[3];
	char line[64];

	greedy_directmap(m, in);
	report_text(m, &s, report_meminfo);
	snprintf(line, sizeof(line), "DirectMap4k:    %8lu kB\n",
		 (unsigned long)(in[0] >> 10));
	assert_non_null(strstr(s.buf, line));
	if (m->layout.arch == ARCH_X86_64) {
		snprintf(line, sizeof(line), "DirectMap2M:    %8lu kB\n",
			 (unsigned long)(in[1] >> 10));
		assert_non_null(strstr(s.buf, line));
		snprintf(line, sizeof(line), "DirectMap1G:    %8lu kB\n",
			 (unsigned long)(in[2] >> 10));
	} else {
		snprintf(line, sizeof(line), "DirectMap4M:    %8lu kB\n",
			 (unsigned long)(in[2] >> 10));
	}
	assert_non_null(strstr(s.buf, line));
	seq_buf_free(&s);
}

/* meminfo's DirectMap lines count the kernel page table's real leaves. */
static void test_directmap_meminfo(void **state)
{
	struct layout l;
	struct machine *m;

	(void)state;
	m = boot_default(); /* 5G with the 3G-4G hole: 1G and 2M pages */
	assert_directmap_lines(m);
	machine_destroy(m);

	m = boot_i386();
	assert_directmap_lines(m);
	machine_destroy(m);

	/* A hole that is not 2M-aligned needs 4k pages at its edges. */
	small_layout(&l, 64 * MiB);
	l.nr_holes = 1;
	l.holes[0] = (struct layout_hole){40 * MiB + 12 * 4096, 5 * 4096};
	m = boot(&l);
	assert_directmap_lines(m);
	{
		uint64_t in[3];

		greedy_directmap(m, in);
		assert_true(in[0] > 0);
	}
	assert_consistent(m);
	machine_destroy(m);
}

/* A process pgd shares the kernel half; its own tables are counted. */
static void test_process_pgd_map_unmap(void **state)
{
	struct machine *m = boot_small();
	unsigned long kpgd = kernel_pgtable(m)->pgd, pgd, frame, pfn;
	unsigned long free0 = global_free_pages(m);
	uint64_t vaddr = 0x00007f0000401000ULL, pte, old;
	struct pgtable_walk w;

	(void)state;
	assert_int_equal(pgd_alloc(m, &pgd), 0);
	assert_int_equal(m->node_stat[NR_PAGETABLE], 1);
	for (unsigned int i = 256; i < 512; i++)
		assert_int_equal(raw64(m, pgd, i), raw64(m, kpgd, i));
	for (unsigned int i = 0; i < 256; i++)
		assert_int_equal(raw64(m, pgd, i), 0);

	frame = alloc_pfn(m, GFP_KERNEL);
	assert_int_equal(pgtable_map(m, pgd, vaddr, frame, PROT_USER_RW), 0);
	assert_int_equal(m->node_stat[NR_PAGETABLE], 4);
	/* User tables carry _PAGE_USER in their upper entries. */
	assert_int_equal(raw64(m, pgd, 254) & 0xfff, _PAGE_TABLE);
	assert_int_equal(pgtable_walk(m, pgd, vaddr + 0x10, &w), 0);
	assert_int_equal(w.levels, 4);
	assert_int_equal(w.level[0].index, 254);
	assert_int_equal(w.level[1].index, 0);
	assert_int_equal(w.level[2].index, 2);
	assert_int_equal(w.level[3].index, 1);
	assert_string_equal(w.level[3].name, "PTE");
	assert_int_equal(w.level[3].entry,
			 ((uint64_t)frame << 12) | PROT_USER_RW);
	assert_int_equal(raw64(m, w.level[3].table_pfn, 1),
			 ((uint64_t)frame << 12) | PROT_USER_RW);
	assert_int_equal(w.page_size, 4096);
	assert_int_equal(pgtable_lookup(m, pgd, vaddr, &pte, &pfn), 0);
	assert_int_equal(pfn, frame);
	assert_consistent(m);

	assert_int_equal(pgtable_map(m, pgd, vaddr, frame, PROT_USER_RW),
			 -EEXIST);
	assert_int_equal(pgtable_unmap(m, pgd, vaddr, PGTABLE_FREE_EMPTY, &old),
			 0);
	assert_int_equal(old, ((uint64_t)frame << 12) | PROT_USER_RW);
	assert_int_equal(m->node_stat[NR_PAGETABLE], 1);
	assert_int_equal(raw64(m, pgd, 254), 0);
	assert_int_equal(pgtable_lookup(m, pgd, vaddr, &pte, &pfn), -ENOENT);
	assert_int_equal(pgtable_unmap(m, pgd, vaddr, 0, NULL), -ENOENT);

	/* Without PGTABLE_FREE_EMPTY the tables stay, until pgd_free. */
	assert_int_equal(pgtable_map(m, pgd, vaddr, frame, PROT_USER_RW), 0);
	assert_int_equal(pgtable_unmap(m, pgd, vaddr, 0, NULL), 0);
	assert_int_equal(m->node_stat[NR_PAGETABLE], 4);
	assert_int_equal(pgd_free(m, pgd), 0);
	assert_int_equal(m->node_stat[NR_PAGETABLE], 0);
	assert_int_equal(free_pages_pfn(m, frame, 0), 0);
	drain_all_pages(m);
	assert_int_equal(global_free_pages(m), free0);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_huge_mappings(void **state)
{
	struct machine *m = boot_small();
	unsigned long pgd, pfn;
	uint64_t pte;

	(void)state;
	assert_int_equal(pgd_alloc(m, &pgd), 0);
	assert_int_equal(pgtable_map_huge(m, pgd, 0x40000000, 0x200, 2 * MiB,
					  PROT_USER_RW),
			 0);
	assert_int_equal(pgtable_lookup(m, pgd, 0x40003000, &pte, &pfn), 0);
	assert_int_equal(pfn, 0x203);
	assert_int_equal(pte, (0x200ULL << 12) | PROT_USER_RW | _PAGE_PSE);
	/* A 4k page inside a huge one, or a huge one over it: -EEXIST. */
	assert_int_equal(pgtable_map(m, pgd, 0x40001000, 5, PROT_USER_RW),
			 -EEXIST);
	assert_int_equal(pgtable_map_huge(m, pgd, 0x40000000, 0x400, 2 * MiB,
					  PROT_USER_RW),
			 -EEXIST);
	/* A 1G leaf at the PUD level. */
	assert_int_equal(pgtable_map_huge(m, pgd, 0x80000000, 0x40000, 1 * GiB,
					  PROT_USER_RW),
			 0);
	assert_int_equal(
		pgtable_lookup(m, pgd, 0x80000000 + 5 * 4096, &pte, &pfn), 0);
	assert_int_equal(pfn, 0x40005);
	/* Unmapping a huge leaf needs its first byte. */
	assert_int_equal(pgtable_unmap(m, pgd, 0x40001000, 0, NULL), -EINVAL);
	assert_int_equal(
		pgtable_unmap(m, pgd, 0x40000000, PGTABLE_FREE_EMPTY, NULL), 0);
	assert_int_equal(
		pgtable_unmap(m, pgd, 0x80000000, PGTABLE_FREE_EMPTY, NULL), 0);
	assert_int_equal(m->node_stat[NR_PAGETABLE], 1);
	assert_int_equal(pgd_free(m, pgd), 0);
	assert_consistent(m);
	machine_destroy(m);
}

/* Every refused call leaves RAM, counters and free lists untouched. */
static void test_bad_calls(void **state)
{
	struct machine *m = boot_small();
	unsigned long kpgd = kernel_pgtable(m)->pgd, pgd;
	struct alloc_snapshot before;
	long tables;

	(void)state;
	assert_int_equal(pgd_alloc(m, &pgd), 0);
	assert_int_equal(pgtable_map(m, pgd, 0x1000, 7, PROT_USER_RW), 0);
	drain_all_pages(m);
	snapshot(m, &before);
	tables = m->node_stat[NR_PAGETABLE];

	/* Kernel addresses only in swapper_pg_dir, user ones elsewhere. */
	assert_int_equal(
		pgtable_map(m, pgd, 0xffffc90000000000ULL, 7, PAGE_KERNEL),
		-EINVAL);
	assert_int_equal(pgtable_map(m, kpgd, 0x2000, 7, PROT_USER_RW),
			 -EINVAL);
	assert_int_equal(pgtable_map(m, pgd, 0x2001, 7, PROT_USER_RW), -EINVAL);
	assert_int_equal(
		pgtable_map(m, pgd, 0x0000900000000000ULL, 7, PROT_USER_RW),
		-EINVAL); /* not canonical */
	assert_int_equal(pgtable_map(m, pgd, 0x2000, 7, _PAGE_RW), -EINVAL);
	assert_int_equal(
		pgtable_map(m, pgd, 0x2000, 7, PROT_USER_RW | _PAGE_PSE),
		-EINVAL);
	assert_int_equal(pgtable_map(m, pgd, 0x2000, 1UL << 41, PROT_USER_RW),
			 -EINVAL); /* past 52 physical bits */
	assert_int_equal(pgtable_map(m, pgd, 0x1000, 8, PROT_USER_RW), -EEXIST);
	assert_int_equal(pgtable_map(m, m->max_pfn, 0x2000, 7, PROT_USER_RW),
			 -EINVAL); /* no such pgd */
	assert_int_equal(pgtable_map_huge(m, pgd, 0x200000, 0x201, 2 * MiB,
					  PROT_USER_RW),
			 -EINVAL); /* frame not aligned */
	assert_int_equal(pgtable_map_huge(m, pgd, 0x200000, 0x200, 4 * MiB,
					  PROT_USER_RW),
			 -EINVAL); /* no 4M pages on x86_64 */
	assert_int_equal(pgtable_unmap(m, pgd, 0x3000, 0, NULL), -ENOENT);
	assert_int_equal(pgtable_unmap(m, pgd, 0x1001, 0, NULL), -EINVAL);
	assert_int_equal(pgd_free(m, kpgd), -EINVAL);
	assert_int_equal(m->node_stat[NR_PAGETABLE], tables);
	assert_unchanged(m, &before);

	assert_int_equal(pgtable_unmap(m, pgd, 0x1000, 0, NULL), 0);
	assert_int_equal(pgd_free(m, pgd), 0);
	machine_destroy(m);
}

/* i386: 2 levels, 4-byte PTEs, no NX, 4M leaves at the PGD. */
static void test_i386_process_pgd(void **state)
{
	struct machine *m = boot_i386();
	unsigned long pgd, pfn;
	uint64_t pte;
	struct pgtable_walk w;

	(void)state;
	assert_int_equal(pgd_alloc(m, &pgd), 0);
	for (unsigned int i = 768; i < 1024; i++)
		assert_int_equal(raw32(m, pgd, i),
				 raw32(m, kernel_pgtable(m)->pgd, i));
	assert_int_equal(pgtable_map(m, pgd, 0x08048000, 0x3ffff,
				     PROT_USER_RW | _PAGE_NX),
			 0);
	assert_int_equal(pgtable_walk(m, pgd, 0x08048000, &w), 0);
	assert_int_equal(w.levels, 2);
	assert_int_equal(w.level[0].index, 32);
	assert_int_equal(w.level[1].index, 0x48);
	assert_int_equal(raw32(m, w.level[1].table_pfn, 0x48),
			 (0x3ffffu << 12) | 0x7u);
	assert_int_equal(pgtable_map_huge(m, pgd, 0x40000000, 0x400, 4 * MiB,
					  PROT_USER_RW),
			 0);
	assert_int_equal(raw32(m, pgd, 256), (0x400u << 12) | 0x87u);
	assert_int_equal(pgtable_lookup(m, pgd, 0x40005000, &pte, &pfn), 0);
	assert_int_equal(pfn, 0x405);
	/* Above 4G and past 32 physical bits are refused. */
	assert_int_equal(pgtable_map(m, pgd, 0x100000000ULL, 1, PROT_USER_RW),
			 -EINVAL);
	assert_int_equal(pgtable_map(m, pgd, 0x1000, 0x100000, PROT_USER_RW),
			 -EINVAL);
	assert_int_equal(m->node_stat[NR_PAGETABLE], 2);
	assert_consistent(m);
	assert_int_equal(pgd_free(m, pgd), 0);
	assert_int_equal(m->node_stat[NR_PAGETABLE], 0);
	assert_consistent(m);
	machine_destroy(m);
}

struct leaf_list {
	unsigned long n;
	uint64_t vaddr[8];
	uint64_t size[8];
};

static int record_leaf(void *ctx, uint64_t vaddr, uint64_t entry,
		       uint64_t page_size)
{
	struct leaf_list *l = ctx;

	(void)entry;
	if (l->n < 8) {
		l->vaddr[l->n] = vaddr;
		l->size[l->n] = page_size;
	}
	l->n++;
	return 0;
}

static void test_for_each_leaf(void **state)
{
	struct machine *m = boot_small();
	struct leaf_list l = {0};
	unsigned long pgd;

	(void)state;
	assert_int_equal(pgd_alloc(m, &pgd), 0);
	assert_int_equal(pgtable_map(m, pgd, 0x5000, 1, PROT_USER_RW), 0);
	assert_int_equal(
		pgtable_map(m, pgd, 0x7fff00000000ULL, 2, PROT_USER_RW), 0);
	assert_int_equal(pgtable_map_huge(m, pgd, 0x600000, 0x200, 2 * MiB,
					  PROT_USER_RW),
			 0);
	assert_int_equal(pgtable_for_each_leaf(m, pgd, 0, 0x800000000000ULL,
					       record_leaf, &l),
			 0);
	assert_int_equal(l.n, 3);
	assert_int_equal(l.vaddr[0], 0x5000);
	assert_int_equal(l.vaddr[1], 0x600000);
	assert_int_equal(l.size[1], 2 * MiB);
	assert_int_equal(l.vaddr[2], 0x7fff00000000ULL);
	/* A range that starts inside the huge page still reports it. */
	l.n = 0;
	assert_int_equal(pgtable_for_each_leaf(m, pgd, 0x700000, 0x800000,
					       record_leaf, &l),
			 0);
	assert_int_equal(l.n, 1);
	assert_int_equal(l.vaddr[0], 0x600000);
	/* Ranges across the non-canonical hole are refused. */
	assert_int_equal(pgtable_for_each_leaf(m, pgd, 0x1000,
					       0xffff800000001000ULL,
					       record_leaf, &l),
			 -EINVAL);
	assert_int_equal(pgd_free(m, pgd), 0);
	machine_destroy(m);
}

/* The checker sees a wrong entry count and a table that is not a table. */
static void test_checker_catches_corruption(void **state)
{
	struct machine *m = boot_small();
	unsigned long kpgd = kernel_pgtable(m)->pgd;
	struct page *pgd_page = pfn_to_page(m, kpgd);
	uint64_t saved, bogus;

	(void)state;
	pgd_page->index++;
	assert_check_fails(m, "entries");
	pgd_page->index--;
	assert_consistent(m);

	/* A PGD entry pointing at a free frame. */
	memcpy(&saved, pfn_to_ram(m, kpgd) + 8 * 100, 8);
	bogus = (0x3000ULL << 12) | _KERNPG_TABLE;
	memcpy(pfn_to_ram(m, kpgd) + 8 * 100, &bogus, 8);
	pgd_page->index++;
	assert_check_fails(m, "not an allocated");
	memcpy(pfn_to_ram(m, kpgd) + 8 * 100, &saved, 8);
	pgd_page->index--;
	assert_consistent(m);
	machine_destroy(m);
}

/* Slot i of the randomized run: spread over PGD, PUD, PMD and PTE. */
static uint64_t slot_vaddr(unsigned int i)
{
	return ((uint64_t)(i & 7) << 39) | ((uint64_t)((i >> 3) & 7) << 30) |
	       ((uint64_t)((i >> 6) & 7) << 21) | ((uint64_t)(i & 1) << 12);
}

/*
 * Random maps and unmaps in a process pgd against a model: lookups agree,
 * tables are counted and checked, and emptied tables go back.
 */
static void test_randomized(void **state)
{
	enum { SLOTS = 512 };
	struct machine *m = boot_small();
	static unsigned long model[SLOTS]; /* mapped pfn + 1, or 0 */
	unsigned long pgd, allocated, free0;
	char why[256];

	(void)state;
	drain_all_pages(m);
	free0 = global_free_pages(m);
	assert_int_equal(pgd_alloc(m, &pgd), 0);
	srand((unsigned int)test_seed("page tables randomized", 4242));
	for (int op = 0; op < 6000; op++) {
		unsigned int i = (unsigned int)rand() % SLOTS;
		uint64_t vaddr = slot_vaddr(i);
		unsigned long pfn = 1 + (unsigned long)rand() % 1000, got;
		uint64_t pte;

		if (model[i]) {
			assert_int_equal(
				pgtable_lookup(m, pgd, vaddr, &pte, &got), 0);
			assert_int_equal(got, model[i] - 1);
			assert_int_equal(pgtable_unmap(m, pgd, vaddr,
						       PGTABLE_FREE_EMPTY,
						       NULL),
					 0);
			model[i] = 0;
		} else {
			assert_int_equal(
				pgtable_lookup(m, pgd, vaddr, &pte, &got),
				-ENOENT);
			assert_int_equal(
				pgtable_map(m, pgd, vaddr, pfn, PROT_USER_RW),
				0);
			model[i] = pfn + 1;
		}
		if (op % 300 == 0) {
			assert_int_equal(
				pgtable_check(m, pgd, 0,
					      kernel_pgd_boundary(m) - 1,
					      &allocated, why, sizeof(why)),
				0);
			assert_int_equal(allocated, m->node_stat[NR_PAGETABLE]);
			assert_consistent(m);
		}
	}
	for (unsigned int i = 0; i < SLOTS; i++) {
		uint64_t vaddr = slot_vaddr(i);

		if (model[i])
			assert_int_equal(pgtable_unmap(m, pgd, vaddr,
						       PGTABLE_FREE_EMPTY,
						       NULL),
					 0);
	}
	assert_int_equal(m->node_stat[NR_PAGETABLE], 1);
	assert_int_equal(pgd_free(m, pgd), 0);
	drain_all_pages(m);
	assert_int_equal(global_free_pages(m), free0);
	assert_consistent(m);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boot_tables_in_image),
		cmocka_unit_test(test_x86_64_direct_map_format),
		cmocka_unit_test(test_i386_direct_map_format),
		cmocka_unit_test(test_directmap_meminfo),
		cmocka_unit_test(test_process_pgd_map_unmap),
		cmocka_unit_test(test_huge_mappings),
		cmocka_unit_test(test_bad_calls),
		cmocka_unit_test(test_i386_process_pgd),
		cmocka_unit_test(test_for_each_leaf),
		cmocka_unit_test(test_checker_catches_corruption),
		cmocka_unit_test(test_randomized),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
