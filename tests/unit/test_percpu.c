/* SPDX-License-Identifier: MIT */
/*
 * test_percpu.c - alloc_percpu: unit geometry, per-CPU copies and their
 * bytes, first fit with alignment, chunk creation and freeing, ownership,
 * every bad call, the checker, and a randomized run against a model.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/meminfo.h"
#include "core/percpu.h"
#include "core/percpu_defs.h"
#include "core/segment.h"
#include "tests/unit/seed.h"

/* x86_64, 64 MiB, 2 CPUs: units of 32 KiB, order-4 chunks (16 pages). */
/*
 * The first chunk's head: the static area (16 bytes) and the reserved
 * one (8 KiB), percpu_defs.c's, before the first dynamic byte, as
 * Linux's pcpu_setup_first_chunk lays them out.
 */
#define HEAD	      8208UL
#define HEAD_GRANULES (HEAD / PCPU_MIN_ALLOC_SIZE)

static uint64_t align_up_test(uint64_t x, uint64_t a)
{
	return (x + a - 1) / a * a;
}

static void flip_bit(unsigned long *map, unsigned long g)
{
	map[g / 64] ^= 1UL << (g % 64);
}

static struct machine *boot_small(void)
{
	struct layout l;

	small_layout(&l, 64 * MiB);
	return boot(&l);
}

static struct machine *boot_cpus(unsigned int cpus)
{
	struct layout l;

	small_layout(&l, 64 * MiB);
	l.nr_cpus = cpus;
	return boot(&l);
}

/* The host bytes behind a direct-map address. */
static uint8_t *host(const struct machine *m, uint64_t addr)
{
	uint64_t phys = addr - m->layout.kernel.page_offset;

	return pfn_to_ram(m, (unsigned long)(phys >> m->page_shift)) +
	       (phys & (m->page_size - 1));
}

static uint64_t pcpu_alloc_ok(struct machine *m, unsigned long size,
			      unsigned long align)
{
	uint64_t ptr = 0;

	assert_int_equal(alloc_percpu(m, size, align, &ptr), 0);
	return ptr;
}

static uint64_t cpu_addr(const struct machine *m, uint64_t ptr,
			 unsigned int cpu)
{
	uint64_t addr = 0;

	assert_int_equal(per_cpu_ptr(m, ptr, cpu, &addr), 0);
	return addr;
}

static void test_geometry(void **state)
{
	struct machine *m = boot_small();
	struct seq_buf s;

	(void)state;
	assert_int_equal(m->pcpu->unit_size, 32768);
	assert_int_equal(m->pcpu->unit_pages, 8);
	assert_int_equal(m->pcpu->nr_granules, 8192);
	assert_int_equal(m->pcpu->chunk_order, 4);
	assert_int_equal(m->pcpu->nr_chunks, 1);
	assert_int_equal(pcpu_nr_pages(m), 16);
	/* 16 pages of 4 KiB. */
	assert_non_null(strstr(report_text(m, &s, report_meminfo),
			       "\nPercpu:               64 kB\n"));
	seq_buf_free(&s);
	machine_destroy(m);
}

/* 3 CPUs round up to a 4-unit, order-5 block; Percpu counts 3 units. */
static void test_geometry_three_cpus(void **state)
{
	struct machine *m = boot_cpus(3);
	uint64_t ptr = pcpu_alloc_ok(m, 64, 8);

	(void)state;
	assert_int_equal(m->pcpu->chunk_order, 5);
	assert_int_equal(pcpu_nr_pages(m), 24);
	assert_int_equal(cpu_addr(m, ptr, 2) - ptr, 2 * 32768);
	assert_consistent(m);
	machine_destroy(m);
}

/* 256 CPUs of 32 KiB would need 8 MiB; max_order 10 gives 4: 16 KiB. */
static void test_geometry_many_cpus(void **state)
{
	struct machine *m = boot_cpus(256);
	uint64_t ptr = pcpu_alloc_ok(m, 16384, 4);
	uint64_t addr;

	(void)state;
	assert_int_equal(m->pcpu->unit_size, 16384);
	assert_int_equal(m->pcpu->chunk_order, 10);
	/* A whole unit no longer fits the first chunk, past its head. */
	assert_int_equal(m->pcpu->nr_chunks, 2);
	assert_int_equal(pcpu_nr_pages(m), 2048);
	/* The reserved area leaves half of a 16 KiB unit to alloc_percpu. */
	assert_int_equal(m->pcpu_defs->reserved_size, 8192 - 16);
	assert_int_equal(m->pcpu->head_bytes, 8192);
	assert_int_equal(cpu_addr(m, ptr, 255) - ptr, 255 * 16384);
	assert_int_equal(alloc_percpu(m, 16385, 4, &addr), -EINVAL);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_per_cpu_ptr_disjoint(void **state)
{
	struct machine *m = boot_cpus(4);
	uint64_t ptr = pcpu_alloc_ok(m, 100, 4);
	uint64_t unit = m->pcpu->unit_size;

	(void)state;
	assert_int_equal(ptr, m->pcpu->first_chunk->base + HEAD);
	for (unsigned int cpu = 0; cpu < 4; cpu++) {
		uint64_t addr = cpu_addr(m, ptr, cpu);

		assert_int_equal(addr, ptr + cpu * unit);
		/* Disjoint: each copy ends before the next begins. */
		if (cpu)
			assert_true(cpu_addr(m, ptr, cpu - 1) + 100 <= addr);
	}
	/* Inside an allocation, as per_cpu_ptr(&p->field, cpu). */
	assert_int_equal(cpu_addr(m, ptr + 40, 3), ptr + 40 + 3 * unit);
	machine_destroy(m);
}

static void test_copies_hold_their_own_bytes(void **state)
{
	struct machine *m = boot_cpus(4);
	uint64_t ptr = pcpu_alloc_ok(m, 64, 8);

	(void)state;
	for (unsigned int cpu = 0; cpu < 4; cpu++)
		memset(host(m, cpu_addr(m, ptr, cpu)), 0xa0 + cpu, 64);
	for (unsigned int cpu = 0; cpu < 4; cpu++) {
		uint8_t want[64];

		memset(want, 0xa0 + cpu, sizeof(want));
		assert_memory_equal(host(m, cpu_addr(m, ptr, cpu)), want, 64);
	}
	machine_destroy(m);
}

/* alloc_percpu memory is zeroed on every CPU, even when reused. */
static void test_allocations_are_zeroed(void **state)
{
	struct machine *m = boot_small();
	uint64_t ptr = pcpu_alloc_ok(m, 256, 4), again;
	uint8_t zero[256] = {0};

	(void)state;
	for (unsigned int cpu = 0; cpu < 2; cpu++)
		memset(host(m, cpu_addr(m, ptr, cpu)), 0xff, 256);
	assert_int_equal(free_percpu(m, ptr), 0);
	again = pcpu_alloc_ok(m, 256, 4);
	assert_int_equal(again, ptr);
	for (unsigned int cpu = 0; cpu < 2; cpu++)
		assert_memory_equal(host(m, cpu_addr(m, again, cpu)), zero,
				    256);
	machine_destroy(m);
}

/* First fit by offset, with the alignment asked for. */
static void test_first_fit_with_alignment(void **state)
{
	struct machine *m = boot_small();
	uint64_t base = m->pcpu->first_chunk->base;
	uint64_t a, b, c, d;

	(void)state;
	a = pcpu_alloc_ok(m, 4, 4);
	b = pcpu_alloc_ok(m, 8, 64);
	c = pcpu_alloc_ok(m, 1, 1); /* one granule, in the gap after a */
	d = pcpu_alloc_ok(m, 6, 8); /* two granules, rounded up */
	/* The dynamic area starts at 0x2010, after the head. */
	assert_int_equal(a, base + 0x2010);
	assert_int_equal(b, base + 0x2040);
	assert_int_equal(c, base + 0x2014);
	assert_int_equal(d, base + 0x2018);
	assert_int_equal(free_percpu(m, c), 0);
	/* A 4-byte hole at 0x2014: a 16-aligned request goes to 0x2020. */
	assert_int_equal(pcpu_alloc_ok(m, 4, 16), base + 0x2020);
	assert_int_equal(pcpu_alloc_ok(m, 4096, 4096), base + 0x3000);
	assert_int_equal(m->pcpu->first_chunk->nr_allocs, 6); /* and head */
	assert_consistent(m);
	machine_destroy(m);
}

/* A full first chunk makes a second, from the page allocator. */
static void test_new_chunk_when_full(void **state)
{
	struct machine *m = boot_small();
	unsigned long free_before = global_free_pages(m);
	uint64_t full = pcpu_alloc_ok(m, 32768 - HEAD, 4), next;

	(void)state;
	assert_int_equal(full, m->pcpu->first_chunk->base + HEAD);
	assert_int_equal(m->pcpu->nr_chunks, 1);
	next = pcpu_alloc_ok(m, 4, 4);
	assert_int_equal(m->pcpu->nr_chunks, 2);
	assert_int_not_equal(next, full);
	assert_int_equal(pcpu_nr_pages(m), 32);
	assert_int_equal(global_free_pages(m), free_before - 16);
	assert_consistent(m);
	/* The second chunk empties: it goes back (the first, with only
	 * its head, counts as the empty one kept). */
	assert_int_equal(free_percpu(m, full), 0);
	assert_int_equal(m->pcpu->nr_chunks, 2); /* one empty is kept */
	assert_int_equal(free_percpu(m, next), 0);
	assert_int_equal(m->pcpu->nr_chunks, 1);
	assert_int_equal(global_free_pages(m), free_before);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * i386: the GDT is DEFINE_PER_CPU_PAGE_ALIGNED, static, past the head
 * (the padding up to its page too): the first chunk still counts as the
 * empty one kept, so a chunk a task made goes back when the task exits,
 * and no dynamic allocation lands in the padding.
 */
static void test_i386_gdt_is_static(void **state)
{
	struct machine *m;
	struct layout l;
	unsigned long free_before, chunk_pages;
	uint64_t base, gdt, big, small;

	(void)state;
	i386_layout(&l, 1 * GiB);
	l.nr_cpus = 2;
	m = boot(&l);
	base = m->pcpu->first_chunk->base;
	gdt = align_up_test(m->pcpu->head_bytes, m->page_size);
	chunk_pages = pcpu_nr_pages(m);
	assert_int_equal(m->pcpu->unit_size, 32768);
	assert_int_equal(chunk_pages, 16);
	assert_int_equal(m->segment->gdt_page, base + gdt);
	assert_int_equal(m->pcpu->nr_chunks, 1);
	assert_true(m->pcpu->empty == m->pcpu->first_chunk);
	free_before = global_free_pages(m);
	/* Static: no alloc_percpu gave it, so nobody frees it. */
	m->current_pid = 5;
	assert_int_equal(free_percpu(m, m->segment->gdt_page), -EINVAL);
	m->current_pid = 0;
	assert_int_equal(free_percpu(m, m->segment->gdt_page), -EINVAL);
	/* Past the GDT, not in the padding before it. */
	m->current_pid = 5;
	small = pcpu_alloc_ok(m, 64, 8);
	assert_int_equal(small, base + gdt + m->page_size);
	/* More than the first chunk has left: a second chunk, 16 pages. */
	big = pcpu_alloc_ok(m, 20482, 8);
	assert_int_equal(m->pcpu->nr_chunks, 2);
	assert_int_equal(global_free_pages(m), free_before - chunk_pages);
	/* Another task's free_percpu of it is refused, nothing freed. */
	m->current_pid = 7;
	assert_int_equal(free_percpu(m, big), -EPERM);
	assert_int_equal(m->pcpu->nr_chunks, 2);
	/* pid 5 exits: both go, and so does the chunk made for it. */
	m->current_pid = 0;
	assert_int_equal(pcpu_release(m, 5), 2);
	assert_int_equal(m->pcpu->nr_chunks, 1);
	assert_true(m->pcpu->empty == m->pcpu->first_chunk);
	assert_int_equal(global_free_pages(m), free_before);
	assert_int_equal(pcpu_nr_pages(m), chunk_pages);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_free_all_returns_all_but_first(void **state)
{
	struct machine *m = boot_small();
	struct alloc_snapshot before;
	uint64_t ptrs[100];

	(void)state;
	snapshot(m, &before);
	for (int i = 0; i < 100; i++)
		ptrs[i] = pcpu_alloc_ok(m, 1000, 8); /* 1000 bytes: 32 a unit */
	assert_int_equal(m->pcpu->nr_chunks, 4);
	assert_int_equal(pcpu_nr_pages(m), 64);
	assert_consistent(m);
	/* Middle chunks empty first: never more than one empty at once. */
	for (int i = 40; i < 100; i++)
		assert_int_equal(free_percpu(m, ptrs[i]), 0);
	assert_int_equal(m->pcpu->nr_chunks, 3);
	for (int i = 0; i < 40; i++)
		assert_int_equal(free_percpu(m, ptrs[i]), 0);
	assert_int_equal(m->pcpu->nr_chunks, 1);
	assert_int_equal(pcpu_nr_pages(m), 16);
	assert_true(m->pcpu->empty == m->pcpu->first_chunk);
	assert_unchanged(m, &before);
	machine_destroy(m);
}

static void test_release_frees_only_that_pid(void **state)
{
	struct machine *m = boot_small();
	struct alloc_snapshot before;
	uint64_t mine[50], theirs[50];

	(void)state;
	snapshot(m, &before);
	for (int i = 0; i < 50; i++) {
		m->current_pid = 5;
		mine[i] = pcpu_alloc_ok(m, 900, 4);
		m->current_pid = 7;
		theirs[i] = pcpu_alloc_ok(m, 900, 4);
		memset(host(m, cpu_addr(m, theirs[i], 1)), i, 900);
	}
	/* 27 in the first chunk past its head, 36 in each other. */
	assert_int_equal(m->pcpu->nr_chunks, 4);
	m->current_pid = 0;
	assert_int_equal(pcpu_release(m, 5), 50);
	assert_int_equal(pcpu_release(m, 5), 0);
	assert_consistent(m);
	for (int i = 0; i < 50; i++) {
		uint64_t addr;
		int owner = -1;

		assert_int_equal(per_cpu_ptr(m, mine[i], 0, &addr), -EINVAL);
		assert_int_equal(pcpu_owner_of(m, theirs[i], 900, &owner), 0);
		assert_int_equal(owner, 7);
		assert_int_equal(host(m, cpu_addr(m, theirs[i], 1))[899], i);
	}
	assert_int_equal(pcpu_release(m, 7), 50);
	assert_int_equal(m->pcpu->nr_chunks, 1);
	assert_unchanged(m, &before);
	machine_destroy(m);
}

static void test_owner_of(void **state)
{
	struct machine *m = boot_small();
	uint64_t unit = m->pcpu->unit_size, a, b, base;
	int owner = -1;

	(void)state;
	m->current_pid = 9;
	a = pcpu_alloc_ok(m, 10, 4); /* granules 0-2: 12 bytes */
	m->current_pid = 0;
	b = pcpu_alloc_ok(m, 8, 4);
	base = m->pcpu->first_chunk->base;
	assert_int_equal(pcpu_owner_of(m, a + unit + 2, 10, &owner), 0);
	assert_int_equal(owner, 9);
	assert_int_equal(pcpu_owner_of(m, a, 12, &owner), 0);
	assert_int_equal(pcpu_owner_of(m, b + unit, 8, &owner), 0);
	assert_int_equal(owner, 0);
	/* Running from a into b, past a's end, or into free space. */
	assert_int_equal(pcpu_owner_of(m, a + 8, 8, &owner), -EFAULT);
	assert_int_equal(pcpu_owner_of(m, b + 4, 5, &owner), -EFAULT);
	assert_int_equal(pcpu_owner_of(m, base + HEAD + 20, 1, &owner),
			 -EFAULT);
	/* The head is the kernel's, on every CPU. */
	assert_int_equal(pcpu_owner_of(m, base + unit + 20, 1, &owner), 0);
	assert_int_equal(owner, 0);
	/* Outside every chunk, and in no unit of a chunk. */
	assert_int_equal(pcpu_owner_of(m, base - 4, 1, &owner), -EFAULT);
	assert_int_equal(pcpu_owner_of(m, base + 2 * unit, 1, &owner), -EFAULT);
	assert_int_equal(pcpu_owner_of(m, 0, 1, &owner), -EFAULT);
	machine_destroy(m);
}

static void test_bad_alloc(void **state)
{
	struct machine *m = boot_small();
	struct alloc_snapshot before;
	uint64_t ptr = 0xdead;

	(void)state;
	snapshot(m, &before);
	assert_int_equal(alloc_percpu(m, 0, 4, &ptr), -EINVAL);
	assert_int_equal(alloc_percpu(m, 32769, 4, &ptr), -EINVAL);
	assert_int_equal(alloc_percpu(m, ~0UL, 4, &ptr), -EINVAL);
	assert_int_equal(alloc_percpu(m, 8, 0, &ptr), -EINVAL);
	assert_int_equal(alloc_percpu(m, 8, 12, &ptr), -EINVAL);
	assert_int_equal(alloc_percpu(m, 8, 8192, &ptr), -EINVAL);
	assert_int_equal(m->bad[BAD_PERCPU_REQUEST], 6);
	assert_int_equal(ptr, 0xdead);
	assert_int_equal(m->pcpu->nr_allocs, 1); /* the first chunk's head */
	assert_unchanged(m, &before);
	machine_destroy(m);
}

static void test_bad_free(void **state)
{
	struct machine *m = boot_small();
	struct alloc_snapshot before;
	uint64_t a, b, unit = 32768;

	(void)state;
	m->current_pid = 3;
	a = pcpu_alloc_ok(m, 16, 4);
	b = pcpu_alloc_ok(m, 16, 4);
	assert_int_equal(free_percpu(m, b), 0); /* b: already freed */
	snapshot(m, &before);
	assert_int_equal(free_percpu(m, 0x1234), -EINVAL);
	assert_int_equal(free_percpu(m, a + 4), -EINVAL);
	assert_non_null(strstr(m->errmsg, "not its start"));
	assert_int_equal(free_percpu(m, a + 2), -EINVAL);
	assert_int_equal(free_percpu(m, b), -EINVAL);
	assert_non_null(strstr(m->errmsg, "not allocated"));
	assert_int_equal(free_percpu(m, a + unit), -EINVAL); /* cpu 1 copy */
	assert_int_equal(m->bad[BAD_PERCPU_POINTER], 5);
	m->current_pid = 4;
	assert_int_equal(free_percpu(m, a), -EPERM);
	m->current_pid = 0;
	assert_int_equal(free_percpu(m, a), -EPERM);
	/* Not even the kernel frees the static and reserved areas. */
	assert_int_equal(free_percpu(m, m->pcpu->first_chunk->base), -EPERM);
	assert_int_equal(pcpu_release(m, 0), 0);
	assert_int_equal(m->pcpu->nr_allocs, 2);
	assert_unchanged(m, &before);
	m->current_pid = 3;
	assert_int_equal(free_percpu(m, a), 0);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_bad_per_cpu_ptr(void **state)
{
	struct machine *m = boot_small();
	uint64_t ptr = pcpu_alloc_ok(m, 16, 4), addr = 0xdead;

	(void)state;
	assert_int_equal(per_cpu_ptr(m, ptr, 2, &addr), -EINVAL);
	assert_int_equal(per_cpu_ptr(m, ptr, ~0u, &addr), -EINVAL);
	assert_int_equal(per_cpu_ptr(m, ptr + 16, 0, &addr), -EINVAL);
	assert_int_equal(per_cpu_ptr(m, ptr + 32768, 1, &addr), -EINVAL);
	assert_int_equal(per_cpu_ptr(m, 42, 0, &addr), -EINVAL);
	assert_int_equal(addr, 0xdead);
	assert_consistent(m);
	machine_destroy(m);
}

/* With no order-4 block left, a new chunk cannot be had: -ENOMEM. */
static void test_no_memory_for_a_chunk(void **state)
{
	struct machine *m = boot_small();
	static unsigned long pfns[1024];
	struct alloc_snapshot before;
	uint64_t full = pcpu_alloc_ok(m, 32768 - HEAD, 4), ptr = 0xdead;
	unsigned int n = 0;

	(void)state;
	for (;;) {
		struct page *page = alloc_pages(m, GFP_KERNEL, 4);

		if (IS_ERR(page))
			break;
		assert_true(n < 1024);
		pfns[n++] = page_to_pfn(m, page);
	}
	snapshot(m, &before);
	assert_int_equal(alloc_percpu(m, 4, 4, &ptr), -ENOMEM);
	assert_int_equal(ptr, 0xdead);
	assert_int_equal(m->pcpu->nr_chunks, 1);
	assert_unchanged(m, &before);
	while (n)
		assert_int_equal(free_pages_pfn(m, pfns[--n], 4), 0);
	assert_int_equal(free_percpu(m, full), 0);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_checker_catches_corruption(void **state)
{
	struct machine *m = boot_small();
	struct pcpu_chunk *chunk = m->pcpu->first_chunk;
	uint64_t ptr = pcpu_alloc_ok(m, 16, 4);

	(void)state;
	assert_int_equal(ptr, chunk->base + HEAD);
	assert_consistent(m);

	flip_bit(chunk->alloc_map, HEAD_GRANULES + 10); /* a free one, taken */
	assert_check_fails(m, "starts no allocation record");
	flip_bit(chunk->alloc_map, HEAD_GRANULES + 10);
	assert_consistent(m);

	chunk->start_owner[HEAD_GRANULES + 2] = 7; /* a record inside another */
	assert_check_fails(m, "percpu chunk");
	chunk->start_owner[HEAD_GRANULES + 2] = PCPU_NO_ALLOC;

	flip_bit(chunk->alloc_map, HEAD_GRANULES + 1); /* a hole in one */
	assert_check_fails(m, "is not allocated to it");
	flip_bit(chunk->alloc_map, HEAD_GRANULES + 1);

	flip_bit(chunk->bound_map, HEAD_GRANULES + 9); /* a stray bound bit */
	assert_check_fails(m, "wrong bound bit");
	flip_bit(chunk->bound_map, HEAD_GRANULES + 9);

	chunk->start_owner[0] = 3; /* the head handed to a task */
	assert_check_fails(m, "not the kernel's static and reserved areas");
	chunk->start_owner[0] = 0;

	chunk->free_granules++;
	assert_check_fails(m, "maps hold");
	chunk->free_granules--;

	m->pcpu->nr_allocs++;
	assert_check_fails(m, "allocations");
	m->pcpu->nr_allocs--;

	pfn_to_page(m, chunk->pfn)->owner = 4;
	assert_check_fails(m, "is not its allocated");
	pfn_to_page(m, chunk->pfn)->owner = 0;
	assert_consistent(m);
	machine_destroy(m);
}

/* ------------------------------------------------------------------ */
/* A randomized run against a model                                    */

struct model_alloc {
	uint64_t ptr;
	unsigned long size;
	int pid;
	uint8_t fill;
};

static uint64_t rng_state; /* test_randomized seeds it */

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void fill_copies(struct machine *m, const struct model_alloc *a)
{
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++)
		memset(host(m, cpu_addr(m, a->ptr, cpu)),
		       (uint8_t)(a->fill + cpu), a->size);
}

static void verify_copies(const struct machine *m, const struct model_alloc *a)
{
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++) {
		const uint8_t *p = host(m, cpu_addr(m, a->ptr, cpu));
		int owner = -1;

		for (unsigned long i = 0; i < a->size; i++)
			if (p[i] != (uint8_t)(a->fill + cpu))
				fail_msg("%#lx cpu %u byte %lu is %#x",
					 (unsigned long)a->ptr, cpu, i, p[i]);
		assert_int_equal(pcpu_owner_of(m, cpu_addr(m, a->ptr, cpu),
					       a->size, &owner),
				 0);
		assert_int_equal(owner, a->pid);
	}
}

static unsigned long random_size(void)
{
	switch (rnd() % 8) {
	case 0:
		return 1 + rnd() % 32768;
	case 1:
	case 2:
		return 1 + rnd() % 4096;
	default:
		return 1 + rnd() % 256;
	}
}

#define MODEL_MAX 600

static void model_free(struct machine *m, struct model_alloc *model,
		       unsigned int *nr, unsigned int i)
{
	verify_copies(m, &model[i]);
	m->current_pid = model[i].pid == 0 ? 3 : 0;
	assert_int_equal(free_percpu(m, model[i].ptr), -EPERM);
	m->current_pid = model[i].pid;
	assert_int_equal(free_percpu(m, model[i].ptr), 0);
	model[i] = model[--*nr];
}

static void model_release(struct machine *m, struct model_alloc *model,
			  unsigned int *nr, int pid)
{
	unsigned long expected = 0;

	for (unsigned int i = 0; i < *nr;) {
		if (model[i].pid == pid) {
			verify_copies(m, &model[i]);
			model[i] = model[--*nr];
			expected++;
		} else {
			i++;
		}
	}
	m->current_pid = 0;
	assert_int_equal(pcpu_release(m, pid), expected);
}

static void test_randomized(void **state)
{
	struct machine *m = boot_cpus(3);
	static struct model_alloc model[MODEL_MAX];
	struct alloc_snapshot before;
	unsigned int nr = 0;

	(void)state;
	rng_state = test_seed("percpu randomized", 0x9e3779b97f4a7c15ULL);
	if (!rng_state) /* xorshift stays at 0 */
		rng_state = 1;
	snapshot(m, &before);
	for (int op = 0; op < 20000; op++) {
		unsigned int dice = (unsigned int)(rnd() % 1000);

		if (dice < 560 && nr < MODEL_MAX) {
			struct model_alloc *a = &model[nr++];

			a->size = random_size();
			a->pid = (int)(rnd() % 3) * 4; /* 0, 4, 8 */
			a->fill = (uint8_t)rnd();
			m->current_pid = a->pid;
			a->ptr = pcpu_alloc_ok(m, a->size, 1UL << (rnd() % 13));
			fill_copies(m, a);
		} else if (dice < 997 && nr) {
			model_free(m, model, &nr, (unsigned int)(rnd() % nr));
		} else {
			model_release(m, model, &nr, (int)(rnd() % 3) * 4);
		}
		if (op % 250 == 0) {
			assert_consistent(m);
			assert_int_equal(m->pcpu->nr_allocs, nr + 1); /* head */
		}
	}
	while (nr)
		model_free(m, model, &nr, nr - 1);
	assert_int_equal(m->pcpu->nr_chunks, 1);
	assert_unchanged(m, &before);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_geometry),
		cmocka_unit_test(test_geometry_three_cpus),
		cmocka_unit_test(test_geometry_many_cpus),
		cmocka_unit_test(test_per_cpu_ptr_disjoint),
		cmocka_unit_test(test_copies_hold_their_own_bytes),
		cmocka_unit_test(test_allocations_are_zeroed),
		cmocka_unit_test(test_first_fit_with_alignment),
		cmocka_unit_test(test_new_chunk_when_full),
		cmocka_unit_test(test_i386_gdt_is_static),
		cmocka_unit_test(test_free_all_returns_all_but_first),
		cmocka_unit_test(test_release_frees_only_that_pid),
		cmocka_unit_test(test_owner_of),
		cmocka_unit_test(test_bad_alloc),
		cmocka_unit_test(test_bad_free),
		cmocka_unit_test(test_bad_per_cpu_ptr),
		cmocka_unit_test(test_no_memory_for_a_chunk),
		cmocka_unit_test(test_checker_catches_corruption),
		cmocka_unit_test(test_randomized),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
