/* SPDX-License-Identifier: MIT */
/*
 * test_highmem.c - kmap and kmap_atomic on i386 with HighMem: the address
 * map, pkmap_count, slot reuse, wrap-around flushing, -EAGAIN when full,
 * page_address, per-CPU atomic stacks, owners, bytes in RAM, bad calls,
 * the checker, and a randomized run; and kmap on x86_64.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/highmem.h"
#include "core/pgtable.h"
#include "core/vmalloc.h"
#include "tests/unit/seed.h"

#define PKMAP_BASE  0xff801000ULL
#define FIXADDR_TOP 0xfffff000ULL

static struct machine *boot_i386(void)
{
	struct layout l;

	i386_layout(&l, 1 * GiB);
	return boot(&l);
}

static struct page *high_page(struct machine *m)
{
	struct page *page = alloc_page(m, GFP_HIGHUSER);

	assert_false(IS_ERR(page));
	assert_true(page_to_pfn(m, page) >= m->lowmem_end_pfn);
	return page;
}

static uint8_t *kaddr_ram(struct machine *m, uint64_t addr)
{
	unsigned long pfn;

	assert_int_equal(kmap_to_pfn(m, addr, &pfn), 0);
	return pfn_to_ram(m, pfn) + (addr & 4095);
}

static void test_address_map(void **state)
{
	struct machine *m = boot_i386();
	struct kmap_layout kl;
	struct layout l;

	(void)state;
	kmap_get_layout(m, &kl);
	/* vmalloc ends at 0xff800000; no room to round up to 4M. */
	assert_int_equal(kl.pkmap_base, PKMAP_BASE);
	assert_int_equal(kl.last_pkmap, 1024);
	assert_int_equal(kl.fixaddr_top, FIXADDR_TOP);
	assert_int_equal(kl.fixaddr_start, FIXADDR_TOP - 2 * 16 * 4096);
	assert_int_equal(kl.slots_per_cpu, 16);
	assert_int_equal(m->node_stat[NR_PAGETABLE], 0); /* boot tables */
	machine_destroy(m);

	/* With room, the pkmap starts on a PMD, as Linux aligns it. */
	i386_layout(&l, 1 * GiB);
	l.kernel.vmalloc_size = 100 * MiB;
	m = boot(&l);
	kmap_get_layout(m, &kl);
	assert_int_equal(kl.pkmap_base, 0xff000000);
	assert_consistent(m);
	machine_destroy(m);

	/* Slots that cannot fit fail the boot. */
	i386_layout(&l, 1 * GiB);
	l.nr_cpus = 64;
	l.kernel.kmap_atomic_slots = 64;
	assert_true(IS_ERR(machine_create(&l)));
}

static void test_kmap_basics(void **state)
{
	struct machine *m = boot_i386();
	struct page *page = high_page(m), *low;
	unsigned long pfn = page_to_pfn(m, page), got;
	uint64_t addr, again, low_addr;

	(void)state;
	assert_int_equal(page_address(m, page), 0);
	assert_int_equal(kmap(m, page, &addr), 0);
	/* The scan starts after last_pkmap_nr 0: slot 1, as Linux. */
	assert_int_equal(addr, PKMAP_BASE + 4096);
	assert_int_equal(pkmap_count(m, 1), 2);
	assert_int_equal(page_address(m, page), addr);
	assert_int_equal(vmalloc_to_pfn(m, addr, &got), 0);
	assert_int_equal(got, pfn);
	memcpy(kaddr_ram(m, addr + 100), "high", 4);
	assert_memory_equal(pfn_to_ram(m, pfn) + 100, "high", 4);

	assert_int_equal(kmap(m, page, &again), 0);
	assert_int_equal(again, addr);
	assert_int_equal(pkmap_count(m, 1), 3);
	assert_consistent(m);
	assert_int_equal(kunmap(m, page), 0);
	assert_int_equal(kunmap(m, page), 0);
	/* Unmapped but not flushed: count 1, the address still holds. */
	assert_int_equal(pkmap_count(m, 1), 1);
	assert_int_equal(page_address(m, page), addr);
	assert_int_equal(kmap_to_pfn(m, addr, &got), -EFAULT);
	assert_int_equal(kunmap(m, page), -EINVAL);
	/* A kmap of it now takes the same slot again. */
	assert_int_equal(kmap(m, page, &again), 0);
	assert_int_equal(again, addr);
	assert_int_equal(kunmap(m, page), 0);

	/* A low page: its direct-map address, and no slot. */
	low = alloc_page(m, GFP_KERNEL);
	assert_int_equal(kmap(m, low, &low_addr), 0);
	assert_int_equal(low_addr, page_address(m, low));
	assert_int_equal(low_addr,
			 0xC0000000 + pfn_to_phys(m, page_to_pfn(m, low)));
	assert_int_equal(kunmap(m, low), 0);
	assert_int_equal(kmap_atomic(m, low, &low_addr), 0);
	assert_int_equal(low_addr, page_address(m, low));
	assert_int_equal(kunmap_atomic(m, low_addr), 0);
	assert_int_equal(pkmap_count(m, 2), 0);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * Fill all 1024 slots (1..1023, then the wrap flushes and takes 0), see
 * -EAGAIN, free two, and watch the next wrap flush and reuse them.
 */
static void test_fill_wrap_and_flush(void **state)
{
	struct machine *m = boot_i386();
	static struct page *pages[1027];
	uint64_t addr, out = 0;
	unsigned long flushes;

	(void)state;
	for (int i = 0; i < 1027; i++)
		pages[i] = high_page(m);
	for (int i = 0; i < 1024; i++) {
		assert_int_equal(kmap(m, pages[i], &addr), 0);
		assert_int_equal(addr, PKMAP_BASE + ((i + 1) % 1024) * 4096ULL);
	}
	assert_int_equal(pkmap_flushes(m), 1);
	assert_int_equal(kmap(m, pages[1024], &out), -EAGAIN);
	assert_int_equal(out, 0);
	assert_int_equal(page_address(m, pages[1024]), 0);
	assert_consistent(m);

	/* Slots 5 and 7 (pages 4 and 6) are let go: count 1, not free. */
	assert_int_equal(kunmap(m, pages[4]), 0);
	assert_int_equal(kunmap(m, pages[6]), 0);
	assert_int_equal(pkmap_count(m, 5), 1);
	flushes = pkmap_flushes(m);
	assert_int_equal(kmap(m, pages[1024], &addr), 0);
	assert_int_equal(addr, PKMAP_BASE + 5 * 4096);
	assert_int_equal(pkmap_flushes(m), flushes + 1);
	/* The flush took page 6's mapping away too. */
	assert_int_equal(page_address(m, pages[6]), 0);
	assert_int_equal(page_address(m, pages[4]), 0);
	assert_int_equal(pkmap_count(m, 7), 0);
	assert_int_equal(kmap(m, pages[1025], &addr), 0);
	assert_int_equal(addr, PKMAP_BASE + 7 * 4096);
	assert_int_equal(kmap(m, pages[1026], &out), -EAGAIN);
	/* Mapping an already-mapped page never needs a free slot. */
	assert_int_equal(kmap(m, pages[100], &addr), 0);
	assert_int_equal(addr, PKMAP_BASE + 101 * 4096);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_owners(void **state)
{
	struct machine *m = boot_i386();
	struct page *page = high_page(m);
	unsigned long pfn;
	uint64_t a, b;

	(void)state;
	m->current_pid = 3;
	assert_int_equal(kmap(m, page, &a), 0);
	assert_int_equal(kmap_to_pfn(m, a, &pfn), 0);
	m->current_pid = 4;
	assert_int_equal(kmap_to_pfn(m, a, &pfn), -EFAULT);
	assert_int_equal(kunmap(m, page), -EPERM);
	assert_int_equal(kmap(m, page, &b), 0);
	assert_int_equal(b, a);
	assert_int_equal(pkmap_count(m, 1), 3);
	m->current_pid = 0;
	assert_int_equal(kmap_to_pfn(m, a, &pfn), 0); /* the kernel may */
	assert_int_equal(highmem_release(m, 3), 1);
	assert_int_equal(pkmap_count(m, 1), 2);
	assert_consistent(m);
	m->current_pid = 3;
	assert_int_equal(kunmap(m, page), -EPERM);
	m->current_pid = 4;
	assert_int_equal(kunmap(m, page), 0);
	assert_int_equal(pkmap_count(m, 1), 1);
	m->current_pid = 0;
	assert_consistent(m);
	machine_destroy(m);
}

static void test_kmap_atomic(void **state)
{
	struct machine *m = boot_i386();
	struct page *p[17];
	uint64_t addr[17], out = 0;
	unsigned long pfn;

	(void)state;
	for (int i = 0; i < 17; i++)
		p[i] = high_page(m);
	assert_int_equal(kmap_atomic(m, p[0], &addr[0]), 0);
	assert_int_equal(addr[0], FIXADDR_TOP - 4096);
	assert_int_equal(kmap_atomic(m, p[1], &addr[1]), 0);
	assert_int_equal(addr[1], FIXADDR_TOP - 2 * 4096);
	memcpy(kaddr_ram(m, addr[1] + 8), "atomic", 6);
	assert_memory_equal(pfn_to_ram(m, page_to_pfn(m, p[1])) + 8, "atomic",
			    6);
	assert_int_equal(vmalloc_to_pfn(m, addr[1], &pfn), 0);
	assert_int_equal(pfn, page_to_pfn(m, p[1]));
	/* page_address knows pkmap only, as Linux's. */
	assert_int_equal(page_address(m, p[1]), 0);
	assert_consistent(m);

	assert_int_equal(kunmap_atomic(m, addr[0]), -EINVAL); /* order */
	assert_int_equal(kunmap_atomic(m, addr[1] + 100), 0);
	assert_int_equal(kunmap_atomic(m, addr[1]), -EINVAL); /* not mapped */
	assert_int_equal(kunmap_atomic(m, addr[0]), 0);

	/* CPU 1 has its own slots, below CPU 0's. */
	assert_int_equal(machine_set_cpu(m, 1), 0);
	assert_int_equal(kmap_atomic(m, p[2], &addr[2]), 0);
	assert_int_equal(addr[2], FIXADDR_TOP - 17 * 4096);
	assert_int_equal(machine_set_cpu(m, 0), 0);
	assert_int_equal(kunmap_atomic(m, addr[2]), -EINVAL); /* other CPU */
	assert_int_equal(machine_set_cpu(m, 1), 0);
	assert_int_equal(kunmap_atomic(m, addr[2]), 0);
	assert_int_equal(machine_set_cpu(m, 0), 0);

	/* Sixteen deep, then -EBUSY. */
	for (int i = 0; i < 16; i++)
		assert_int_equal(kmap_atomic(m, p[i], &addr[i]), 0);
	assert_int_equal(kmap_atomic(m, p[16], &out), -EBUSY);
	assert_int_equal(out, 0);
	assert_consistent(m);
	for (int i = 15; i >= 0; i--)
		assert_int_equal(kunmap_atomic(m, addr[i]), 0);
	assert_int_equal(kunmap_atomic(m, 0x12345678), -EINVAL);
	assert_int_equal(kunmap_atomic(m, FIXADDR_TOP), -EINVAL); /* hole */
	assert_int_equal(kmap_to_pfn(m, addr[0], &pfn), -EFAULT);
	assert_consistent(m);
	machine_destroy(m);
}

/* Sessions sharing a CPU: each pid unmaps its own slots in its order. */
static void test_atomic_owners(void **state)
{
	struct machine *m = boot_i386();
	struct page *p = high_page(m), *q = high_page(m);
	uint64_t a, b, c;
	unsigned long pfn;

	(void)state;
	m->current_pid = 5;
	assert_int_equal(kmap_atomic(m, p, &a), 0);
	m->current_pid = 6;
	assert_int_equal(kmap_atomic(m, q, &b), 0);
	assert_int_equal(kmap_to_pfn(m, a, &pfn), -EFAULT);
	assert_int_equal(kunmap_atomic(m, a), -EPERM);
	m->current_pid = 5;
	assert_int_equal(kmap_atomic(m, q, &c), 0);
	/* Pid 5's older slot a is below its newer c: out of order. */
	assert_int_equal(kunmap_atomic(m, a), -EINVAL);
	m->current_pid = 0;
	assert_int_equal(highmem_release(m, 5), 2);
	assert_consistent(m);
	m->current_pid = 6;
	assert_int_equal(kunmap_atomic(m, b), 0);
	m->current_pid = 0;
	assert_consistent(m);
	/* All slots free again: the next one is the first. */
	assert_int_equal(kmap_atomic(m, p, &a), 0);
	assert_int_equal(a, FIXADDR_TOP - 4096);
	assert_int_equal(kunmap_atomic(m, a), 0);
	machine_destroy(m);
}

static void test_bad_calls(void **state)
{
	struct machine *m = boot_i386();
	struct page *page = high_page(m);
	struct page hole_page;
	struct alloc_snapshot before;
	uint64_t out = 0;

	(void)state;
	drain_all_pages(m);
	snapshot(m, &before);
	assert_int_equal(kmap(m, NULL, &out), -EINVAL);
	assert_int_equal(kmap(m, &hole_page, &out), -EINVAL);
	assert_int_equal(kmap(m, (struct page *)((char *)page + 1), &out),
			 -EINVAL);
	assert_int_equal(kmap(m, m->mem_map + m->max_pfn, &out), -EINVAL);
	assert_int_equal(kmap_atomic(m, NULL, &out), -EINVAL);
	assert_int_equal(kunmap(m, page), -EINVAL); /* not kmapped */
	assert_int_equal(kunmap(m, NULL), -EINVAL);
	assert_int_equal(kunmap_atomic(m, FIXADDR_TOP - 4096), -EINVAL);
	assert_int_equal(m->bad[BAD_KMAP], 8);
	assert_int_equal(out, 0);
	assert_int_equal(pkmap_flushes(m), 0);
	assert_unchanged(m, &before);
	machine_destroy(m);
}

static void test_checker_catches_corruption(void **state)
{
	struct machine *m = boot_i386();
	struct page *page = high_page(m), *other = high_page(m);
	unsigned long kpgd = kernel_pgtable(m)->pgd;
	uint64_t addr, a;
	char why[256];

	(void)state;
	assert_int_equal(kmap(m, page, &addr), 0);
	assert_int_equal(kmap_atomic(m, other, &a), 0);
	/* A pkmap PTE cleared behind the slot's back. */
	assert_int_equal(pgtable_unmap(m, kpgd, addr, 0, NULL), 0);
	assert_check_fails(m, "pkmap slot 1");
	assert_int_equal(
		pgtable_map(m, kpgd, addr, page_to_pfn(m, page), PAGE_KERNEL),
		0);
	assert_consistent(m);
	/* A PTE in a free pkmap slot. */
	assert_int_equal(pgtable_map(m, kpgd, addr + 4096,
				     page_to_pfn(m, other), PAGE_KERNEL),
			 0);
	assert_int_equal(machine_check(m, why, sizeof(why)), -EUCLEAN);
	assert_int_equal(pgtable_unmap(m, kpgd, addr + 4096, 0, NULL), 0);
	/* An atomic slot whose PTE moved. */
	assert_int_equal(pgtable_unmap(m, kpgd, a, 0, NULL), 0);
	assert_int_equal(
		pgtable_map(m, kpgd, a, page_to_pfn(m, page), PAGE_KERNEL), 0);
	assert_check_fails(m, "kmap_atomic");
	assert_int_equal(pgtable_unmap(m, kpgd, a, 0, NULL), 0);
	assert_int_equal(
		pgtable_map(m, kpgd, a, page_to_pfn(m, other), PAGE_KERNEL), 0);
	assert_consistent(m);
	machine_destroy(m);
}

/* x86_64 has no high memory: kmap is page_address, and takes nothing. */
static void test_x86_64(void **state)
{
	struct machine *m = boot_default();
	struct page *page = alloc_page(m, GFP_HIGHUSER);
	struct kmap_layout kl;
	uint64_t addr;

	(void)state;
	kmap_get_layout(m, &kl);
	assert_int_equal(kl.last_pkmap, 0);
	assert_int_equal(kl.slots_per_cpu, 0);
	assert_int_equal(kmap(m, page, &addr), 0);
	assert_int_equal(addr, page_address(m, page));
	assert_int_equal(kmap_atomic(m, page, &addr), 0);
	assert_int_equal(addr, page_address(m, page));
	assert_int_equal(kunmap_atomic(m, addr), 0);
	assert_int_equal(kunmap(m, page), 0);
	assert_int_equal(kmap_to_pfn(m, addr, &(unsigned long){0}), -ENOENT);
	assert_consistent(m);
	machine_destroy(m);
}

/* Random kmaps by three pids on two CPUs, checked against a model. */
static void test_randomized(void **state)
{
	struct layout l;
	struct machine *m;
	enum { NPAGES = 48 };
	struct page *pages[NPAGES];
	int held[4][NPAGES] = {{0}}; /* kmaps per pid per page */
	struct {
		uint64_t addr;
		int pid;
	} stack[2][8];
	int depth[2] = {0, 0};

	(void)state;
	i386_layout(&l, 1 * GiB);
	l.kernel.pkmap_slots = 32;
	l.kernel.kmap_atomic_slots = 8;
	m = boot(&l);
	for (int i = 0; i < NPAGES; i++)
		pages[i] = high_page(m);
	srand((unsigned int)test_seed("kmap randomized", 777));
	for (int op = 0; op < 4000; op++) {
		int pid = 1 + rand() % 3, i = rand() % NPAGES, r = rand() % 10;
		unsigned int cpu = (unsigned int)rand() % 2;
		uint64_t addr;

		m->current_pid = pid;
		assert_int_equal(machine_set_cpu(m, cpu), 0);
		if (r < 4) {
			int err = kmap(m, pages[i], &addr);

			assert_true(err == 0 || err == -EAGAIN);
			if (!err) {
				held[pid][i]++;
				*kaddr_ram(m, addr) = (uint8_t)i;
			}
		} else if (r < 7) {
			int err = kunmap(m, pages[i]);

			if (held[pid][i]) {
				assert_int_equal(err, 0);
				held[pid][i]--;
			} else {
				assert_true(err == -EPERM || err == -EINVAL);
			}
		} else if (r < 9 && depth[cpu] < 8) {
			assert_int_equal(kmap_atomic(m, pages[i], &addr), 0);
			assert_int_equal(
				*kaddr_ram(m, addr),
				*pfn_to_ram(m, page_to_pfn(m, pages[i])));
			stack[cpu][depth[cpu]].addr = addr;
			stack[cpu][depth[cpu]++].pid = pid;
		} else if (depth[cpu]) {
			/* Unmap the top slot as its owner. */
			m->current_pid = stack[cpu][depth[cpu] - 1].pid;
			assert_int_equal(
				kunmap_atomic(m, stack[cpu][--depth[cpu]].addr),
				0);
		}
		if (op % 200 == 0) {
			m->current_pid = 0;
			assert_consistent(m);
		}
	}
	m->current_pid = 0;
	for (int pid = 1; pid <= 3; pid++) {
		unsigned long want = 0;

		for (int i = 0; i < NPAGES; i++)
			want += (unsigned long)held[pid][i];
		for (int c = 0; c < 2; c++)
			for (int d = 0; d < depth[c]; d++)
				want += stack[c][d].pid == pid;
		assert_int_equal(highmem_release(m, pid), want);
	}
	for (unsigned int i = 0; i < 32; i++)
		assert_true(pkmap_count(m, i) <= 1);
	assert_consistent(m);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_address_map),
		cmocka_unit_test(test_kmap_basics),
		cmocka_unit_test(test_fill_wrap_and_flush),
		cmocka_unit_test(test_owners),
		cmocka_unit_test(test_kmap_atomic),
		cmocka_unit_test(test_atomic_owners),
		cmocka_unit_test(test_bad_calls),
		cmocka_unit_test(test_checker_catches_corruption),
		cmocka_unit_test(test_x86_64),
		cmocka_unit_test(test_randomized),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
