/* SPDX-License-Identifier: MIT */
/*
 * test_vmalloc.c - vmalloc, vzalloc, vmap and ioremap: addresses, guard
 * pages, the kernel page table behind them, bytes in RAM, vmallocinfo and
 * meminfo, owners, every bad call, exhaustion, the checker, and a long
 * randomized run.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/highmem.h"
#include "core/meminfo.h"
#include "core/mm.h"
#include "core/pgtable.h"
#include "core/printk.h"
#include "core/task.h"
#include "core/task_mmu.h"
#include "core/uapi.h"
#include "core/vmalloc.h"
#include "tests/unit/seed.h"

#define VSTART 0xffffc90000000000ULL
#define DEVICE 0xfe000000ULL

static struct machine *boot_small(void)
{
	struct layout l;

	small_layout(&l, 64 * MiB);
	l.nr_devices = 2;
	l.devices[0] = (struct layout_region){"uart0", DEVICE, 64 * 1024};
	l.devices[1] = (struct layout_region){"gpu", DEVICE + 1 * MiB, 1 * MiB};
	return boot(&l);
}

/* Free pages after the per-CPU lists are drained: a canonical count. */
static unsigned long settled_free(struct machine *m)
{
	drain_all_pages(m);
	return global_free_pages(m);
}

static uint8_t *vaddr_ram(struct machine *m, uint64_t addr)
{
	unsigned long pfn;

	assert_int_equal(vmalloc_to_pfn(m, addr, &pfn), 0);
	assert_true(pfn_valid(m, pfn));
	return pfn_to_ram(m, pfn) + (addr & 4095);
}

static void test_vmalloc_one_page(void **state)
{
	struct machine *m = boot_small();
	unsigned long free0 = settled_free(m), pfn;
	struct seq_buf s;
	uint64_t addr, pte;
	const struct page *page;

	(void)state;
	assert_int_equal(vmalloc(m, 100, &addr), 0);
	assert_int_equal(addr, VSTART);
	assert_int_equal(vmalloc_to_pfn(m, addr, &pfn), 0);
	page = pfn_to_page(m, pfn);
	assert_true(PageFlag(page, PG_head));
	assert_int_equal(page->owner, 0);
	assert_int_equal(
		pgtable_lookup(m, kernel_pgtable(m)->pgd, addr, &pte, &pfn), 0);
	assert_int_equal(pte, ((uint64_t)pfn << 12) | PAGE_KERNEL);
	/* The guard page after it is not mapped. */
	assert_int_equal(vmalloc_to_pfn(m, addr + 4096, &pfn), -ENOENT);
	/* x86_64: one PMD and one PTE table from the page allocator. */
	assert_int_equal(m->node_stat[NR_PAGETABLE], 2);
	assert_int_equal(vmalloc_used_pages(m), 1);

	report_text(m, &s, report_vmallocinfo);
	assert_string_equal(s.buf, "0xffffc90000000000-0xffffc90000002000"
				   "    8192 vmalloc pid=0 pages=1 vmalloc "
				   "N0=1\n");
	seq_buf_free(&s);
	report_text(m, &s, report_meminfo);
	assert_non_null(strstr(s.buf, "\nVmallocUsed:           4 kB\n"));
	assert_non_null(strstr(s.buf, "\nPageTables:            8 kB\n"));
	seq_buf_free(&s);

	/* Bytes written through the address land in the page's RAM. */
	memcpy(vaddr_ram(m, addr + 10), "hello", 5);
	assert_memory_equal(pfn_to_ram(m, page_to_pfn(m, page)) + 10, "hello",
			    5);
	assert_consistent(m);

	assert_int_equal(vfree(m, addr), 0);
	assert_int_equal(m->node_stat[NR_PAGETABLE], 0);
	assert_int_equal(vmalloc_used_pages(m), 0);
	assert_int_equal(settled_free(m), free0);
	report_text(m, &s, report_vmallocinfo);
	assert_int_equal(s.len, 0);
	seq_buf_free(&s);
	assert_consistent(m);
	machine_destroy(m);
}

/* Areas go lowest-first, each after the previous one's guard page. */
static void test_placement_and_reuse(void **state)
{
	struct machine *m = boot_small();
	uint64_t a, b, c, d, e;
	struct seq_buf s;

	(void)state;
	assert_int_equal(vmalloc(m, 4096, &a), 0);
	assert_int_equal(vmalloc(m, 3 * 4096, &b), 0);
	assert_int_equal(vmalloc(m, 4096, &c), 0);
	assert_int_equal(a, VSTART);
	assert_int_equal(b, VSTART + 2 * 4096);
	assert_int_equal(c, VSTART + 6 * 4096);
	assert_int_equal(vfree(m, b), 0);
	/* A 2-page request fits the 4-page hole b left; the next does not. */
	assert_int_equal(vmalloc(m, 2 * 4096, &d), 0);
	assert_int_equal(d, b);
	assert_int_equal(vmalloc(m, 2 * 4096, &e), 0);
	assert_int_equal(e, VSTART + 8 * 4096);
	report_text(m, &s, report_vmallocinfo);
	assert_string_equal(
		s.buf,
		"0xffffc90000000000-0xffffc90000002000    8192 vmalloc pid=0 "
		"pages=1 vmalloc N0=1\n"
		"0xffffc90000002000-0xffffc90000005000   12288 vmalloc pid=0 "
		"pages=2 vmalloc N0=2\n"
		"0xffffc90000006000-0xffffc90000008000    8192 vmalloc pid=0 "
		"pages=1 vmalloc N0=1\n"
		"0xffffc90000008000-0xffffc9000000b000   12288 vmalloc pid=0 "
		"pages=2 vmalloc N0=2\n");
	seq_buf_free(&s);
	assert_int_equal(vmalloc_used_pages(m), 6);
	assert_consistent(m);
	assert_int_equal(vfree(m, a), 0);
	assert_int_equal(vfree(m, c), 0);
	assert_int_equal(vfree(m, d), 0);
	assert_int_equal(vfree(m, e), 0);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_vzalloc_zeroes(void **state)
{
	struct machine *m = boot_small();
	uint64_t a, b;

	(void)state;
	assert_int_equal(vmalloc(m, 2 * 4096, &a), 0);
	memset(vaddr_ram(m, a), 0xa5, 4096);
	memset(vaddr_ram(m, a + 4096), 0xa5, 4096);
	assert_int_equal(vfree(m, a), 0);
	assert_int_equal(vzalloc(m, 2 * 4096, &b), 0);
	for (uint64_t off = 0; off < 2 * 4096; off += 512)
		assert_int_equal(*vaddr_ram(m, b + off), 0);
	assert_int_equal(vfree(m, b), 0);
	machine_destroy(m);
}

/* 8M spans four PTE tables under one PMD; all of them go at vfree. */
static void test_large_vmalloc_tables(void **state)
{
	struct machine *m = boot_small();
	unsigned long free0 = settled_free(m);
	uint64_t a;

	(void)state;
	assert_int_equal(vmalloc(m, 8 * MiB, &a), 0);
	assert_int_equal(m->node_stat[NR_PAGETABLE], 5);
	assert_int_equal(vmalloc_used_pages(m), 2048);
	for (unsigned int i = 0; i < 2048; i += 97) {
		unsigned long pfn;

		assert_int_equal(vmalloc_to_pfn(m, a + i * 4096ULL, &pfn), 0);
	}
	assert_consistent(m);
	assert_int_equal(vfree(m, a), 0);
	assert_int_equal(m->node_stat[NR_PAGETABLE], 0);
	assert_int_equal(settled_free(m), free0);
	assert_consistent(m);
	machine_destroy(m);
}

/* Every bad call: the exact error, and nothing changed. */
static void test_bad_calls(void **state)
{
	struct machine *m = boot_small();
	struct alloc_snapshot before;
	struct seq_buf s0, s1;
	unsigned long pfns[2];
	uint64_t a, v, io, out = 0;

	(void)state;
	assert_int_equal(vmalloc(m, 2 * 4096, &a), 0);
	pfns[0] = page_to_pfn(m, alloc_page(m, GFP_KERNEL));
	pfns[1] = page_to_pfn(m, alloc_page(m, GFP_KERNEL));
	assert_int_equal(vmap(m, pfns, 2, &v), 0);
	assert_int_equal(ioremap(m, DEVICE, 4096, &io), 0);
	drain_all_pages(m);
	snapshot(m, &before);
	report_text(m, &s0, report_vmallocinfo);

	assert_int_equal(vmalloc(m, 0, &out), -EINVAL);
	assert_int_equal(m->bad[BAD_VMALLOC_SIZE], 1);
	assert_int_equal(vmalloc(m, 64 * MiB + 4096, &out), -ENOMEM);
	assert_int_equal(vmalloc(m, ~0UL, &out), -ENOMEM);
	assert_int_equal(vfree(m, 0x1234), -EINVAL);
	assert_int_equal(vfree(m, VSTART + 123 * 4096), -EINVAL);
	assert_int_equal(vfree(m, a + 4096), -EINVAL); /* inside */
	assert_int_equal(vfree(m, a + 8192), -EINVAL); /* its guard */
	assert_int_equal(vfree(m, v), -EINVAL);	       /* a vmap area */
	assert_int_equal(vunmap(m, a), -EINVAL);       /* a vmalloc area */
	assert_int_equal(iounmap(m, a), -EINVAL);
	assert_int_equal(vunmap(m, io), -EINVAL);
	m->current_pid = 9;
	assert_int_equal(vfree(m, a), -EPERM);
	assert_int_equal(vunmap(m, v), -EPERM);
	assert_int_equal(iounmap(m, io), -EPERM);
	m->current_pid = 0;
	assert_int_equal(vmap(m, NULL, 1, &out), -EINVAL);
	assert_int_equal(vmap(m, pfns, 0, &out), -EINVAL);
	pfns[1] = m->max_pfn;
	assert_int_equal(vmap(m, pfns, 2, &out), -EINVAL);
	pfns[1] = page_to_pfn(
		m, virt_to_page(m, m->layout.kernel.page_offset + 40 * MiB));
	/* 40M is free in this machine: vmap of a free frame is refused. */
	if (PageFlag(pfn_to_page(m, pfns[1]), PG_buddy))
		assert_int_equal(vmap(m, pfns, 2, &out), -EINVAL);
	assert_int_equal(ioremap(m, 0x100000, 4096, &out), -EINVAL); /* RAM */
	assert_int_equal(ioremap(m, DEVICE, 0, &out), -EINVAL);
	assert_int_equal(ioremap(m, DEVICE + 60 * 1024, 8192, &out),
			 -EINVAL); /* runs past the region */
	assert_int_equal(ioremap(m, DEVICE + 64 * 1024, 4096, &out), -EINVAL);
	assert_int_equal(ioremap(m, ~0ULL - 10, 100, &out), -EINVAL);
	assert_int_equal(m->bad[BAD_IOREMAP], 5);
	assert_int_equal(out, 0);

	report_text(m, &s1, report_vmallocinfo);
	assert_string_equal(s0.buf, s1.buf);
	seq_buf_free(&s0);
	seq_buf_free(&s1);
	assert_unchanged(m, &before);

	/* The right calls still work, and double frees are refused. */
	assert_int_equal(vfree(m, a), 0);
	assert_int_equal(vfree(m, a), -EINVAL);
	assert_int_equal(vunmap(m, v), 0);
	assert_int_equal(vunmap(m, v), -EINVAL);
	assert_int_equal(iounmap(m, io), 0);
	assert_int_equal(vfree(m, 0), 0); /* as Linux: vfree(NULL) */
	assert_consistent(m);
	machine_destroy(m);
}

static void test_vmap(void **state)
{
	struct machine *m = boot_small();
	unsigned long pfns[3], pfn;
	struct seq_buf s;
	uint64_t v;

	(void)state;
	for (int i = 0; i < 3; i++)
		pfns[i] = page_to_pfn(m, alloc_pages(m, GFP_KERNEL, 1)) + 1;
	pfns[1] = pfns[1] - 1; /* heads and tails both map */
	assert_int_equal(vmap(m, pfns, 3, &v), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(vmalloc_to_pfn(m, v + i * 4096ULL, &pfn), 0);
		assert_int_equal(pfn, pfns[i]);
	}
	memcpy(vaddr_ram(m, v + 4096 + 7), "vmap", 4);
	assert_memory_equal(pfn_to_ram(m, pfns[1]) + 7, "vmap", 4);
	assert_int_equal(vmalloc_used_pages(m), 0); /* as Linux counts */
	report_text(m, &s, report_vmallocinfo);
	assert_string_equal(s.buf, "0xffffc90000000000-0xffffc90000004000"
				   "   16384 vmap pid=0 vmap\n");
	seq_buf_free(&s);
	assert_consistent(m);
	assert_int_equal(vunmap(m, v), 0);
	/* The frames are the caller's: still allocated after vunmap. */
	assert_true(PageFlag(pfn_to_page(m, pfns[1]), PG_head));
	assert_memory_equal(pfn_to_ram(m, pfns[1]) + 7, "vmap", 4);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * vmap holds a reference on each block it maps: a kernel caller that
 * frees a mapped block drops only its own, and the frame stays allocated
 * (and out of every other allocation) until vunmap drops the last one.
 */
static void test_vmap_holds_its_frames(void **state)
{
	struct machine *m = boot_small();
	unsigned long free0 = settled_free(m), head, pfns[2], free_tail;
	struct page *page = alloc_pages(m, GFP_KERNEL, 1), *buddy;
	uint64_t v, out = 0;

	(void)state;
	head = page_to_pfn(m, page);
	pfns[0] = head + 1;
	pfns[1] = head;
	assert_int_equal(vmap(m, pfns, 2, &v), 0);
	assert_int_equal(vmap_pins(m, head), 2);
	assert_int_equal(page->_refcount, 3);
	assert_consistent(m);
	assert_int_equal(__free_pages(m, page, 1), 0);
	assert_true(PageFlag(page, PG_head)); /* vmap's references hold it */
	assert_int_equal(page->_refcount, 2);
	assert_consistent(m);
	memcpy(vaddr_ram(m, v + 4096), "held", 4);
	assert_memory_equal(pfn_to_ram(m, head), "held", 4);

	/* The checker wants every pinned block to hold its references. */
	page->_refcount--;
	assert_check_fails(m, "holds 1 references, 2 pinned");
	page->_refcount++;
	assert_consistent(m);

	assert_int_equal(vunmap(m, v), 0);
	assert_false(PageFlag(page, PG_head)); /* the last reference went */
	assert_int_equal(vmap_pins(m, head), 0);
	assert_int_equal(settled_free(m), free0);
	assert_consistent(m);

	/* A frame inside a free block is as free as the block's head. */
	buddy = alloc_pages(m, GFP_KERNEL, 1);
	free_tail = page_to_pfn(m, buddy) + 1;
	assert_int_equal(__free_pages(m, buddy, 1), 0);
	drain_all_pages(m);
	assert_int_equal(pfn_to_block_head(m, free_tail), ULONG_MAX);
	assert_int_equal(vmap(m, &free_tail, 1, &out), -EINVAL);
	assert_non_null(strstr(m->errmsg, "is a hole or free"));
	assert_int_equal(out, 0);
	assert_int_equal(settled_free(m), free0);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * A task that vmaps its own page cannot free it from under the mapping:
 * the last free (or put) is -EBUSY until vunmap, so another task can
 * never be given the frame while the first still reaches it.
 */
static void test_vmapped_page_cannot_be_freed(void **state)
{
	struct machine *m = boot_small();
	int a, b;
	unsigned long p, q, got[64];
	uint64_t va;
	char buf[4];

	(void)state;
	assert_int_equal(task_create(m, "a", 0, 0, &a), 0);
	assert_int_equal(task_create(m, "b", 1, 0, &b), 0);
	task_switch(m, a);
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 0, &p), 0);
	assert_int_equal(uapi_vmap(m, &p, 1, &va), 0);
	assert_int_equal(uapi_write(m, va, "mine", 4), 0);
	assert_int_equal(uapi_free_pages(m, p, 0), -EBUSY);
	assert_non_null(strstr(m->errmsg, "is vmapped (1 page)"));
	assert_int_equal(uapi_free_pages(m, p, 1), -EINVAL); /* wrong order */
	assert_int_equal(uapi_get_page(m, p), 0);
	assert_int_equal(uapi_put_page(m, p), 0); /* not the last one */
	assert_int_equal(uapi_put_page(m, p), -EBUSY);
	assert_consistent(m);

	task_switch(m, b);
	for (int i = 0; i < 64; i++) {
		assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 0, &got[i]),
				 0);
		assert_int_not_equal(got[i], p);
		assert_int_equal(
			uapi_write(m, page_address(m, pfn_to_page(m, got[i])),
				   "b's!", 4),
			0);
	}
	task_switch(m, a);
	assert_int_equal(uapi_read(m, va, buf, 4), 0);
	assert_memory_equal(buf, "mine", 4);
	assert_consistent(m);

	/* Were the frame another task's, no copy and no check would pass. */
	pfn_to_page(m, p)->owner = b;
	assert_int_equal(uapi_read(m, va, buf, 4), -EFAULT);
	assert_non_null(strstr(m->errmsg, "does not own"));
	assert_check_fails(m, "of pid");
	pfn_to_page(m, p)->owner = a;
	assert_consistent(m);

	assert_int_equal(uapi_vunmap(m, va), 0);
	assert_int_equal(uapi_free_pages(m, p, 0), 0);
	assert_false(PageFlag(pfn_to_page(m, p), PG_head));
	/* Exit gives back a vmap before the pages it pins. */
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 0, &q), 0);
	assert_int_equal(uapi_vmap(m, &q, 1, &va), 0);
	assert_int_equal(task_exit(m, a, NULL), 0);
	assert_false(PageFlag(pfn_to_page(m, q), PG_head));
	assert_int_equal(vmap_pins(m, q), 0);
	assert_consistent(m);

	/* A kernel vmap of a task's page keeps it past the task's exit. */
	task_switch(m, b);
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 0, &q), 0);
	task_switch(m, 0);
	assert_int_equal(vmap(m, &q, 1, &va), 0);
	assert_int_equal(task_exit(m, b, NULL), 0);
	assert_true(PageFlag(pfn_to_page(m, q), PG_head));
	assert_int_equal(pfn_to_page(m, q)->owner, 0);
	assert_consistent(m);
	assert_int_equal(vunmap(m, va), 0);
	assert_false(PageFlag(pfn_to_page(m, q), PG_head));
	assert_consistent(m);
	machine_destroy(m);
}

static void test_ioremap(void **state)
{
	struct machine *m = boot_small();
	struct vmalloc_area_info info;
	unsigned long pfn;
	struct seq_buf s;
	uint64_t io, io2, pte;

	(void)state;
	assert_int_equal(ioremap(m, DEVICE + 0x1010, 0x20, &io), 0);
	assert_int_equal(io, VSTART + 0x10);
	assert_int_equal(vmalloc_to_pfn(m, io, &pfn), 0);
	assert_int_equal(pfn, (DEVICE + 0x1000) >> 12);
	assert_false(pfn_valid(m, pfn));
	assert_int_equal(pgtable_lookup(m, kernel_pgtable(m)->pgd,
					io & ~4095ULL, &pte, &pfn),
			 0);
	assert_int_equal(pte, (DEVICE + 0x1000) | PAGE_KERNEL_IO);
	assert_int_equal(vmalloc_area_of(m, io + 4, 8, &info), 0);
	assert_int_equal(info.kind, VM_IOREMAP);
	assert_int_equal(info.phys, DEVICE + 0x1014);
	assert_int_equal(info.start, VSTART);
	assert_int_equal(info.size, 4096);
	/* Two pages when the range crosses a page boundary. */
	assert_int_equal(ioremap(m, DEVICE + 1 * MiB + 4000, 200, &io2), 0);
	assert_int_equal(io2, VSTART + 2 * 4096 + 4000);
	report_text(m, &s, report_vmallocinfo);
	assert_string_equal(
		s.buf,
		"0xffffc90000000000-0xffffc90000002000    8192 ioremap pid=0 "
		"phys=0x00000000fe001000 ioremap\n"
		"0xffffc90000002000-0xffffc90000005000   12288 ioremap pid=0 "
		"phys=0x00000000fe100000 ioremap\n");
	seq_buf_free(&s);
	assert_int_equal(vmalloc_used_pages(m), 0);
	assert_consistent(m);
	/* iounmap takes the address ioremap gave, or its page. */
	assert_int_equal(iounmap(m, io), 0);
	assert_int_equal(iounmap(m, io2 & ~4095ULL), 0);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_area_of(void **state)
{
	struct machine *m = boot_small();
	struct vmalloc_area_info info;
	uint64_t a;

	(void)state;
	m->current_pid = 4;
	assert_int_equal(vmalloc(m, 3 * 4096, &a), 0);
	m->current_pid = 0;
	assert_int_equal(vmalloc_area_of(m, a + 100, 3 * 4096 - 100, &info), 0);
	assert_int_equal(info.start, a);
	assert_int_equal(info.size, 3 * 4096);
	assert_int_equal(info.owner, 4);
	assert_int_equal(info.kind, VM_ALLOC);
	assert_int_equal(vmalloc_area_of(m, a + 100, 3 * 4096 - 99, &info),
			 -EFAULT); /* one byte into the guard */
	assert_int_equal(vmalloc_area_of(m, a + 3 * 4096, 1, &info), -EFAULT);
	assert_int_equal(vmalloc_area_of(m, a, 0, &info), -EFAULT);
	assert_int_equal(vmalloc_area_of(m, a + 4 * 4096, 1, &info), -ENOENT);
	assert_int_equal(vmalloc_area_of(m, 0x1000, 1, &info), -ENOENT);
	assert_true(is_vmalloc_addr(m, a));
	assert_false(is_vmalloc_addr(m, m->layout.kernel.page_offset));
	assert_int_equal(vmalloc_release(m, 4), 1);
	assert_consistent(m);
	machine_destroy(m);
}

/* release(pid) frees that pid's areas of every kind and nothing else. */
static void test_release(void **state)
{
	struct machine *m = boot_small();
	unsigned long free0 = settled_free(m), pfn;
	uint64_t a, b, c, mine, io;

	(void)state;
	pfn = page_to_pfn(m, alloc_page(m, GFP_KERNEL));
	assert_int_equal(vmalloc(m, 4096, &mine), 0);
	m->current_pid = 7;
	assert_int_equal(vmalloc(m, 5 * 4096, &a), 0);
	assert_int_equal(vzalloc(m, 4096, &b), 0);
	assert_int_equal(vmap(m, &pfn, 1, &c), 0);
	assert_int_equal(ioremap(m, DEVICE, 100, &io), 0);
	m->current_pid = 0;
	assert_int_equal(vmalloc_release(m, 7), 4);
	assert_int_equal(vmalloc_release(m, 7), 0);
	assert_int_equal(vmalloc_used_pages(m), 1);
	assert_consistent(m);
	assert_int_equal(vfree(m, mine), 0);
	assert_int_equal(free_pages_pfn(m, pfn, 0), 0);
	assert_int_equal(settled_free(m), free0);
	assert_consistent(m);
	machine_destroy(m);
}

/* A small vmalloc area fills up, refuses, and takes areas again. */
static void test_exhaustion(void **state)
{
	struct layout l;
	struct machine *m;
	uint64_t addr[8], out;

	(void)state;
	small_layout(&l, 64 * MiB);
	l.kernel.vmalloc_size = 16 * 4096;
	m = boot(&l);
	for (int i = 0; i < 8; i++)
		assert_int_equal(vmalloc(m, 4096, &addr[i]), 0);
	assert_int_equal(vmalloc(m, 4096, &out), -ENOMEM);
	assert_int_equal(vmalloc(m, 16 * 4096, &out), -ENOMEM);
	assert_int_equal(vfree(m, addr[3]), 0);
	assert_int_equal(vfree(m, addr[4]), 0);
	/* Two freed neighbours merge into room for three pages. */
	assert_int_equal(vmalloc(m, 3 * 4096, &out), 0);
	assert_int_equal(out, addr[3]);
	assert_consistent(m);
	machine_destroy(m);
}

/* i386: pages from HighMem, 8-digit vmallocinfo, kept PTE tables. */
static void test_i386(void **state)
{
	struct layout l;
	struct machine *m;
	unsigned long pfn;
	struct seq_buf s;
	uint64_t a;

	(void)state;
	i386_layout(&l, 1 * GiB);
	m = boot(&l);
	assert_int_equal(vmalloc(m, 4096, &a), 0);
	assert_int_equal(a, 0xF8800000);
	assert_int_equal(vmalloc_to_pfn(m, a, &pfn), 0);
	assert_true(pfn >= m->lowmem_end_pfn);
	report_text(m, &s, report_vmallocinfo);
	assert_string_equal(s.buf, "0xf8800000-0xf8802000    8192 vmalloc "
				   "pid=0 pages=1 vmalloc N0=1\n");
	seq_buf_free(&s);
	assert_int_equal(m->node_stat[NR_PAGETABLE], 1);
	assert_int_equal(vfree(m, a), 0);
	/* A PTE table a kernel PDE points at stays, as on Linux. */
	assert_int_equal(m->node_stat[NR_PAGETABLE], 1);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * i386's vmalloc fault: a process made before the vmalloc area's first
 * PTE table has an empty PDE there; its first kernel access copies
 * swapper_pg_dir's (counted once, logged), later ones do not fault, a
 * process made afterwards has the entry from the start, and the checker
 * tells an empty entry (a fault to come) from a wrong one.
 */
static void test_vmalloc_fault(void **state)
{
	struct layout l;
	struct machine *m;
	struct pgtable_walk w;
	struct seq_buf s;
	uint8_t buf[6] = {0};
	char line[96];
	uint64_t a;
	int pid, pid2;
	uint32_t *pde;

	(void)state;
	i386_layout(&l, 1 * GiB);
	m = boot(&l);
	assert_int_equal(task_create(m, "old", 0, 0, &pid), 0);
	assert_int_equal(task_switch(m, pid), 0);
	assert_int_equal(uapi_vmalloc(m, 4096, &a), 0);
	assert_int_equal(pid_pagewalk(m, pid, a, &w), 0);
	assert_false(w.present);
	assert_int_equal(w.level[0].entry, 0);
	assert_consistent(m); /* empty: a fault still to come, not a fault */
	assert_int_equal(m->vm_events[VMALLOC_FAULT], 0);

	assert_int_equal(uapi_write(m, a + 100, "hello", 6), 0);
	assert_int_equal(m->vm_events[VMALLOC_FAULT], 1);
	assert_int_equal(pid_pagewalk(m, pid, a, &w), 0);
	assert_true(w.present);
	assert_int_equal(uapi_read(m, a + 100, buf, 6), 0);
	assert_string_equal((char *)buf, "hello");
	assert_int_equal(m->vm_events[VMALLOC_FAULT], 1);
	report_text(m, &s, report_dmesg);
	snprintf(line, sizeof(line),
		 "vmalloc_fault: pid %d at 0xf8800064: PGD entry 994 copied "
		 "from swapper_pg_dir",
		 pid);
	assert_non_null(strstr(s.buf, line));
	seq_buf_free(&s);

	/* Made after the table: copied at pgd_alloc, no fault. */
	assert_int_equal(task_create(m, "new", 0, 0, &pid2), 0);
	assert_int_equal(pid_pagewalk(m, pid2, a, &w), 0);
	assert_true(w.present);
	/* Not a vmalloc fault: an address no area maps stays refused. */
	assert_int_equal(uapi_read(m, a + 64 * 4096, buf, 1), -EFAULT);
	assert_int_equal(m->vm_events[VMALLOC_FAULT], 1);
	assert_consistent(m);

	/* A kernel PDE that is neither swapper_pg_dir's nor empty. */
	pde = (uint32_t *)pfn_to_ram(m, find_task_by_pid(m, pid)->mm->pgd);
	pde[994] ^= 0x1000;
	assert_int_not_equal(machine_check(m, line, sizeof(line)), 0);
	pde[994] ^= 0x1000;
	assert_consistent(m);
	assert_int_equal(uapi_vfree(m, a), 0);
	machine_destroy(m);
}

/* The checker sees a mapped guard page and a PTE that moved. */
static void test_checker_catches_corruption(void **state)
{
	struct machine *m = boot_small();
	unsigned long kpgd = kernel_pgtable(m)->pgd, pfn, other;
	struct pgtable_walk w;
	uint64_t a, saved, bad;
	uint8_t *slot;
	char why[256];

	(void)state;
	assert_int_equal(vmalloc(m, 2 * 4096, &a), 0);
	other = page_to_pfn(m, alloc_page(m, GFP_KERNEL));
	assert_int_equal(pgtable_map(m, kpgd, a + 2 * 4096, other, PAGE_KERNEL),
			 0);
	assert_check_fails(m, "mapped outside");
	assert_int_equal(pgtable_unmap(m, kpgd, a + 2 * 4096, 0, NULL), 0);
	assert_consistent(m);

	assert_int_equal(pgtable_walk(m, kpgd, a + 4096, &w), 0);
	slot = pfn_to_ram(m, w.level[3].table_pfn) + 8 * w.level[3].index;
	memcpy(&saved, slot, 8);
	bad = ((uint64_t)other << 12) | PAGE_KERNEL;
	memcpy(slot, &bad, 8);
	assert_check_fails(m, "is not mapped to pfn");
	memcpy(slot, &saved, 8);
	assert_consistent(m);

	m->node_stat[NR_PAGETABLE]--;
	assert_int_equal(machine_check(m, why, sizeof(why)), -EUCLEAN);
	m->node_stat[NR_PAGETABLE]++;
	assert_consistent(m);
	(void)pfn;
	assert_int_equal(vfree(m, a), 0);
	assert_int_equal(free_pages_pfn(m, other, 0), 0);
	machine_destroy(m);
}

struct live {
	uint64_t addr;
	unsigned int pages;
	int kind;
	unsigned long pfn; /* vmap: the frame it maps */
	uint8_t tag;
};

static void free_live(struct machine *m, struct live *l)
{
	if (l->kind == VM_ALLOC) {
		assert_int_equal(
			*vaddr_ram(m, l->addr + (l->pages - 1) * 4096ULL),
			l->tag);
		assert_int_equal(vfree(m, l->addr), 0);
	} else if (l->kind == VM_MAP) {
		assert_int_equal(*vaddr_ram(m, l->addr), l->tag);
		assert_int_equal(vunmap(m, l->addr), 0);
		assert_int_equal(free_pages_pfn(m, l->pfn, 0), 0);
	} else {
		assert_int_equal(iounmap(m, l->addr), 0);
	}
}

/* Random vmalloc, vmap, ioremap and frees, checked all along. */
static void test_randomized(void **state)
{
	struct machine *m = boot_small();
	unsigned long free0 = settled_free(m);
	struct live live[64];
	unsigned int nr = 0;

	(void)state;
	srand((unsigned int)test_seed("vmalloc randomized", 12345));
	for (int op = 0; op < 3000; op++) {
		int r = rand() % 10;

		if (nr && (r < 4 || nr == 64)) {
			unsigned int i = (unsigned int)rand() % nr;

			free_live(m, &live[i]);
			live[i] = live[--nr];
		} else {
			struct live *l = &live[nr];

			l->tag = (uint8_t)rand();
			l->pages = 1 + (unsigned int)rand() % 40;
			if (r < 8) {
				l->kind = VM_ALLOC;
				assert_int_equal(
					vmalloc(m,
						l->pages * 4096UL -
							(unsigned long)(rand() %
									4000),
						&l->addr),
					0);
				*vaddr_ram(m, l->addr + (l->pages -
							 1) * 4096ULL) = l->tag;
			} else if (r < 9) {
				l->kind = VM_MAP;
				l->pages = 1;
				l->pfn = page_to_pfn(m,
						     alloc_page(m, GFP_KERNEL));
				assert_int_equal(vmap(m, &l->pfn, 1, &l->addr),
						 0);
				*vaddr_ram(m, l->addr) = l->tag;
			} else {
				l->kind = VM_IOREMAP;
				assert_int_equal(
					ioremap(m, DEVICE + 1 * MiB,
						(unsigned long)l->pages * 4096,
						&l->addr),
					0);
			}
			nr++;
		}
		if (op % 250 == 0)
			assert_consistent(m);
	}
	assert_consistent(m);
	while (nr)
		free_live(m, &live[--nr]);
	assert_int_equal(m->node_stat[NR_PAGETABLE], 0);
	assert_int_equal(settled_free(m), free0);
	assert_consistent(m);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vmalloc_one_page),
		cmocka_unit_test(test_placement_and_reuse),
		cmocka_unit_test(test_vzalloc_zeroes),
		cmocka_unit_test(test_large_vmalloc_tables),
		cmocka_unit_test(test_bad_calls),
		cmocka_unit_test(test_vmap),
		cmocka_unit_test(test_vmap_holds_its_frames),
		cmocka_unit_test(test_vmapped_page_cannot_be_freed),
		cmocka_unit_test(test_ioremap),
		cmocka_unit_test(test_area_of),
		cmocka_unit_test(test_release),
		cmocka_unit_test(test_exhaustion),
		cmocka_unit_test(test_i386),
		cmocka_unit_test(test_vmalloc_fault),
		cmocka_unit_test(test_checker_catches_corruption),
		cmocka_unit_test(test_randomized),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
