/* SPDX-License-Identifier: MIT */
/*
 * test_bounds.c - every size, count, order, alignment and address a
 * client controls, at its boundaries, through every uapi entry point.
 *
 * Owns: one table. Each row varies one argument of one call over the
 * same values (0, 1, page size - 1, page size, page size + 1, 2^31,
 * 2^32, 2^63 - 1, 2^63, 2^63 + 1, 2^64 - 1), passed through the width
 * the wire gives the argument, and names the exact result of each:
 * 0 or Linux's errno. A call that succeeds is undone at once, so every
 * row starts from the same machine; after each row the checker must be
 * clean, and at the end the process exits holding nothing. A call that
 * never returns fails the test by the alarm (an unbounded loop was
 * finding 1 of issue 15: kmalloc of 2^63 + 1 bytes spun forever).
 * Must never: accept "some error" where the kernel names one.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/libc/malloc.h"
#include "core/task.h"
#include "core/uapi.h"
#include "core/vmalloc.h"

#define PS 4096ULL
#define NV 11

static const uint64_t values[NV] = {
	0,
	1,
	PS - 1,
	PS,
	PS + 1,
	1ULL << 31,
	1ULL << 32,
	INT64_MAX,
	(uint64_t)INT64_MAX + 1,
	(uint64_t)INT64_MAX + 2,
	UINT64_MAX,
};

#define DEV_PHYS 0xE0000000ULL /* the device region of both machines */
#define MMZ_BASE (32 * MiB)

/* What the rows share: live objects to aim at, made once per machine. */
struct ctx {
	int pid;
	unsigned long block; /* an order-0 block the task holds */
	unsigned long high;  /* an order-1 HighMem block on i386, or 0 */
	uint64_t obj;	     /* a 64-byte kmalloc object */
	uint64_t cache;	     /* a cache of 64-byte objects */
	uint64_t pcpu;	     /* an 8-byte per-CPU area */
	uint64_t map;	     /* 4 pages of anonymous rw memory */
	uint64_t heap;	     /* a 64-byte user malloc block */
	/* Room for what an access may move before it faults: a user
	 * access copies up to the first page it cannot reach, as
	 * copy_to_user does, and the mapping has 4 pages. */
	uint8_t buf[8 * PS];
};

typedef int (*row_fn)(struct machine *m, struct ctx *c, uint64_t v);

struct row {
	const char *name;
	row_fn call;
	int want[NV];
};

/* ---- the calls, one argument varied; a success is undone */

static int undo_pages(struct machine *m, int err, unsigned long pfn,
		      unsigned int order)
{
	if (!err && uapi_free_pages(m, pfn, order))
		fail_msg("free_pages(%#lx, %u): %s", pfn, order, m->errmsg);
	return err;
}

static int undo_kfree(struct machine *m, int err, uint64_t addr)
{
	if (!err)
		assert_int_equal(uapi_kfree(m, addr), 0);
	return err;
}

static int undo_vfree(struct machine *m, int err, uint64_t addr)
{
	if (!err)
		assert_int_equal(uapi_vfree(m, addr), 0);
	return err;
}

static int undo_user_free(struct machine *m, int err, uint64_t addr)
{
	if (!err)
		assert_int_equal(uapi_free(m, 0, addr), 0);
	return err;
}

static int r_alloc_pages_order(struct machine *m, struct ctx *c, uint64_t v)
{
	unsigned long pfn = 0;

	int err = uapi_alloc_pages(m, GFP_KERNEL, (uint32_t)v, &pfn);

	(void)c;
	return undo_pages(m, err, pfn, (uint32_t)v);
}

static int r_free_pages_pfn(struct machine *m, struct ctx *c, uint64_t v)
{
	(void)c;
	return uapi_free_pages(m, v, 0);
}

static int r_free_pages_order(struct machine *m, struct ctx *c, uint64_t v)
{
	int err = uapi_free_pages(m, c->block, (uint32_t)v);

	if (!err) /* the task's block went: take one back for the next */
		assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 0, &c->block),
				 0);
	return err;
}

static int r_get_page(struct machine *m, struct ctx *c, uint64_t v)
{
	int err = uapi_get_page(m, v);

	if (!err)
		assert_int_equal(uapi_put_page(m, v), 0);
	(void)c;
	return err;
}

static int r_put_page(struct machine *m, struct ctx *c, uint64_t v)
{
	(void)c;
	return uapi_put_page(m, v);
}

static int r_cache_size(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t cache = 0;
	int err =
		uapi_kmem_cache_create(m, "bounds", (uint32_t)v, 0, 0, &cache);

	(void)c;
	if (!err)
		assert_int_equal(uapi_kmem_cache_destroy(m, cache), 0);
	return err;
}

static int r_cache_align(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t cache = 0;
	int err =
		uapi_kmem_cache_create(m, "bounds", 64, (uint32_t)v, 0, &cache);

	(void)c;
	if (!err)
		assert_int_equal(uapi_kmem_cache_destroy(m, cache), 0);
	return err;
}

static int r_cache_alloc(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr = 0;
	int err = uapi_kmem_cache_alloc(m, v, GFP_KERNEL, &addr);

	(void)c;
	if (!err)
		assert_int_equal(uapi_kmem_cache_free(m, v, addr), 0);
	return err;
}

static int r_cache_free(struct machine *m, struct ctx *c, uint64_t v)
{
	return uapi_kmem_cache_free(m, c->cache, v);
}

static int r_kmalloc(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr = 0;

	int err = uapi_kmalloc(m, v, GFP_KERNEL, &addr);

	(void)c;
	return undo_kfree(m, err, addr);
}

static int r_kcalloc_n(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr = 0;

	int err = uapi_kcalloc(m, v, 8, GFP_KERNEL, &addr);

	(void)c;
	return undo_kfree(m, err, addr);
}

static int r_kcalloc_size(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr = 0;

	int err = uapi_kcalloc(m, 3, v, GFP_KERNEL, &addr);

	(void)c;
	return undo_kfree(m, err, addr);
}

static int r_krealloc(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr = 0, moved = 0;
	int err;

	(void)c;
	assert_int_equal(uapi_kmalloc(m, 100, GFP_KERNEL, &addr), 0);
	err = uapi_krealloc(m, addr, v, GFP_KERNEL, &moved);
	/* A refused krealloc leaves the old object; a size of 0 frees it. */
	assert_int_equal(uapi_kfree(m, err ? addr : moved), 0);
	return err;
}

static int r_kfree(struct machine *m, struct ctx *c, uint64_t v)
{
	(void)c;
	return uapi_kfree(m, v);
}

static int r_ksize(struct machine *m, struct ctx *c, uint64_t v)
{
	size_t size;

	(void)c;
	return uapi_ksize(m, v, &size);
}

static int r_vmalloc(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr = 0;

	int err = uapi_vmalloc(m, v, &addr);

	(void)c;
	return undo_vfree(m, err, addr);
}

static int r_kmalloc_node_size(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr = 0;

	int err = uapi_kmalloc_node(m, v, GFP_KERNEL, NUMA_NO_NODE, &addr);

	(void)c;
	return undo_kfree(m, err, addr);
}

/* The node as the wire's sint32 carries it. */
static int r_kmalloc_node_nid(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr = 0;

	int err = uapi_kmalloc_node(m, 64, GFP_KERNEL, (int32_t)v, &addr);

	(void)c;
	return undo_kfree(m, err, addr);
}

static int r_vmalloc_node_size(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr = 0;

	int err = uapi_vmalloc_node(m, v, NUMA_NO_NODE, &addr);

	(void)c;
	return undo_vfree(m, err, addr);
}

/* One frame from start_pfn v: end_pfn v + 1 wraps to 0 at 2^64 - 1. */
static int r_alloc_contig_start(struct machine *m, struct ctx *c, uint64_t v)
{
	int err = uapi_alloc_contig_range(m, v, v + 1);

	if (!err)
		assert_int_equal(uapi_free_contig_range(m, v, v + 1), 0);
	(void)c;
	return err;
}

/* From the DMA32 zone's first pageblock to end_pfn v. */
static int r_alloc_contig_end(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t start = (16 * MiB) / PS;
	int err = uapi_alloc_contig_range(m, start, v);

	if (!err)
		assert_int_equal(uapi_free_contig_range(m, start, v), 0);
	(void)c;
	return err;
}

static int r_vzalloc(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr = 0;

	int err = uapi_vzalloc(m, v, &addr);

	(void)c;
	return undo_vfree(m, err, addr);
}

static int r_vfree(struct machine *m, struct ctx *c, uint64_t v)
{
	(void)c;
	return uapi_vfree(m, v);
}

static int r_vmap_pfn(struct machine *m, struct ctx *c, uint64_t v)
{
	unsigned long pfns[1] = {v};
	uint64_t addr = 0;
	int err = uapi_vmap(m, pfns, 1, &addr);

	(void)c;
	if (!err)
		assert_int_equal(uapi_vunmap(m, addr), 0);
	return err;
}

static int r_vunmap(struct machine *m, struct ctx *c, uint64_t v)
{
	(void)c;
	return uapi_vunmap(m, v);
}

static int r_ioremap_phys(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr = 0;
	int err = uapi_ioremap(m, v, PS, &addr);

	(void)c;
	if (!err)
		assert_int_equal(uapi_iounmap(m, addr), 0);
	return err;
}

static int r_ioremap_size(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr = 0;
	int err = uapi_ioremap(m, DEV_PHYS, v, &addr);

	(void)c;
	if (!err)
		assert_int_equal(uapi_iounmap(m, addr), 0);
	return err;
}

static int r_iounmap(struct machine *m, struct ctx *c, uint64_t v)
{
	(void)c;
	return uapi_iounmap(m, v);
}

static int r_kmap(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr = 0;
	int err = uapi_kmap(m, v, &addr);

	(void)c;
	if (!err)
		assert_int_equal(uapi_kunmap(m, v), 0);
	return err;
}

/* The task's own HighMem block, at an offset of v pages into it. */
static int r_kmap_high(struct machine *m, struct ctx *c, uint64_t v)
{
	unsigned long pfn = c->high + (unsigned long)v;
	uint64_t addr = 0;
	int err = uapi_kmap(m, pfn, &addr);

	if (!err)
		assert_int_equal(uapi_kunmap(m, pfn), 0);
	return err;
}

static int r_kmap_atomic_high(struct machine *m, struct ctx *c, uint64_t v)
{
	unsigned long pfn = c->high + (unsigned long)v;
	uint64_t addr = 0;
	int err = uapi_kmap_atomic(m, pfn, &addr);

	if (!err)
		assert_int_equal(uapi_kunmap_atomic(m, addr), 0);
	return err;
}

static int r_kunmap(struct machine *m, struct ctx *c, uint64_t v)
{
	(void)c;
	return uapi_kunmap(m, v);
}

static int r_kmap_atomic(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr = 0;
	int err = uapi_kmap_atomic(m, v, &addr);

	(void)c;
	if (!err)
		assert_int_equal(uapi_kunmap_atomic(m, addr), 0);
	return err;
}

static int r_kunmap_atomic(struct machine *m, struct ctx *c, uint64_t v)
{
	(void)c;
	return uapi_kunmap_atomic(m, v);
}

static int r_percpu_size(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t ptr = 0;
	int err = uapi_alloc_percpu(m, v, 8, &ptr);

	(void)c;
	if (!err)
		assert_int_equal(uapi_free_percpu(m, ptr), 0);
	return err;
}

static int r_percpu_align(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t ptr = 0;
	int err = uapi_alloc_percpu(m, 8, v, &ptr);

	(void)c;
	if (!err)
		assert_int_equal(uapi_free_percpu(m, ptr), 0);
	return err;
}

static int r_free_percpu(struct machine *m, struct ctx *c, uint64_t v)
{
	(void)c;
	return uapi_free_percpu(m, v);
}

static int r_per_cpu_ptr(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr;

	(void)c;
	return uapi_per_cpu_ptr(m, v, 0, &addr);
}

static int r_per_cpu_ptr_cpu(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr;

	return uapi_per_cpu_ptr(m, c->pcpu, (uint32_t)v, &addr);
}

static int r_mmz_size(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t phys = 0;
	int err = uapi_mmz_alloc(m, NULL, "bounds", v, 0, &phys);

	(void)c;
	if (!err)
		assert_int_equal(uapi_mmz_free(m, phys), 0);
	return err;
}

static int r_mmz_align(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t phys = 0;
	int err = uapi_mmz_alloc(m, NULL, "bounds", PS, v, &phys);

	(void)c;
	if (!err)
		assert_int_equal(uapi_mmz_free(m, phys), 0);
	return err;
}

static int r_mmz_free(struct machine *m, struct ctx *c, uint64_t v)
{
	(void)c;
	return uapi_mmz_free(m, v);
}

static int r_read_addr(struct machine *m, struct ctx *c, uint64_t v)
{
	return uapi_read(m, v, c->buf, 8);
}

/* Lengths past the buffer must fail before a byte is copied (ASan). */
static int r_read_len(struct machine *m, struct ctx *c, uint64_t v)
{
	return uapi_read(m, c->obj, c->buf, v);
}

static int r_write_addr(struct machine *m, struct ctx *c, uint64_t v)
{
	return uapi_write(m, v, c->buf, 8);
}

static int r_write_len(struct machine *m, struct ctx *c, uint64_t v)
{
	return uapi_write(m, c->obj, c->buf, v);
}

static int r_read_phys(struct machine *m, struct ctx *c, uint64_t v)
{
	return uapi_read_phys(m, v, c->buf, 8);
}

static int r_write_phys(struct machine *m, struct ctx *c, uint64_t v)
{
	return uapi_write_phys(m, v, c->buf, 8);
}

static int undo_munmap(struct machine *m, int err, uint64_t addr, uint64_t len)
{
	if (!err)
		assert_int_equal(uapi_munmap(m, 0, addr, len), 0);
	return err;
}

static int r_mmap_len(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr = 0;

	int err = uapi_mmap(m, 0, 0, v, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, &addr);

	(void)c;
	return undo_munmap(m, err, addr, v);
}

static int r_mmap_fixed(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr = 0;

	int err = uapi_mmap(m, 0, v, PS, PROT_READ,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
			    &addr);

	(void)c;
	return undo_munmap(m, err, addr, PS);
}

/* A hint the kernel cannot use is no error: it maps elsewhere. */
static int r_mmap_hint(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr = 0;

	int err = uapi_mmap(m, 0, v, PS, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
			    &addr);

	(void)c;
	return undo_munmap(m, err, addr, PS);
}

/* Unmapping where nothing is mapped is no error either. */
static int r_munmap_addr(struct machine *m, struct ctx *c, uint64_t v)
{
	(void)c;
	return uapi_munmap(m, 0, v, PS);
}

static int remap_ctx(struct machine *m, struct ctx *c)
{
	uint64_t addr = 0;
	int err = uapi_mmap(m, 0, c->map, 4 * PS, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, &addr);

	assert_int_equal(addr, c->map);
	return err;
}

static int r_munmap_len(struct machine *m, struct ctx *c, uint64_t v)
{
	int err = uapi_munmap(m, 0, c->map, v);

	if (!err)
		assert_int_equal(remap_ctx(m, c), 0);
	return err;
}

static int r_mprotect_addr(struct machine *m, struct ctx *c, uint64_t v)
{
	(void)c;
	return uapi_mprotect(m, 0, v, PS, PROT_READ);
}

static int r_mprotect_len(struct machine *m, struct ctx *c, uint64_t v)
{
	int err = uapi_mprotect(m, 0, c->map, v, PROT_READ | PROT_WRITE);

	(void)c;
	return err;
}

static int r_mremap_old_len(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr = 0;
	int err = uapi_mremap(m, 0, c->map, v, PS, MREMAP_MAYMOVE, 0, &addr);

	if (!err) /* a shrink in place: map the whole again */
		assert_int_equal(remap_ctx(m, c), 0);
	return err;
}

static int r_mremap_new_len(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr = 0;
	int err = uapi_mremap(m, 0, c->map, 4 * PS, v, 0, 0, &addr);

	if (!err) {
		assert_int_equal(addr, c->map);
		if (v > 4 * PS)
			assert_int_equal(
				uapi_munmap(m, 0, c->map + 4 * PS, v - 4 * PS),
				0);
		assert_int_equal(remap_ctx(m, c), 0);
	}
	return err;
}

static int r_mremap_fixed(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr = 0;
	int err = uapi_mremap(m, 0, c->map, 2 * PS, 2 * PS,
			      MREMAP_MAYMOVE | MREMAP_FIXED, v, &addr);

	if (!err) {
		assert_int_equal(uapi_munmap(m, 0, addr, 2 * PS), 0);
		assert_int_equal(uapi_munmap(m, 0, c->map, 4 * PS), 0);
		assert_int_equal(remap_ctx(m, c), 0);
	}
	return err;
}

static int r_brk(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t before = 0, after = 0;
	int err;

	(void)c;
	assert_int_equal(uapi_brk(m, 0, 0, &before), 0);
	err = uapi_brk(m, 0, v, &after);
	if (!err && v)
		assert_int_equal(uapi_brk(m, 0, before, &after), 0);
	return err;
}

static int r_access_addr(struct machine *m, struct ctx *c, uint64_t v)
{
	struct user_fault f;

	return uapi_access_vm(m, 0, v, c->buf, 8, USER_READ, &f);
}

static int r_access_len(struct machine *m, struct ctx *c, uint64_t v)
{
	struct user_fault f;

	return uapi_access_vm(m, 0, c->map, c->buf, v, USER_WRITE, &f);
}

static int r_malloc(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr = 0;

	int err = uapi_malloc(m, 0, v, &addr);

	(void)c;
	return undo_user_free(m, err, addr);
}

static int r_calloc_n(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr = 0;

	int err = uapi_calloc(m, 0, v, 8, &addr);

	(void)c;
	return undo_user_free(m, err, addr);
}

static int r_calloc_size(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr = 0;

	int err = uapi_calloc(m, 0, 3, v, &addr);

	(void)c;
	return undo_user_free(m, err, addr);
}

static int r_realloc(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr = 0, moved = 0;
	int err;

	(void)c;
	assert_int_equal(uapi_malloc(m, 0, 100, &addr), 0);
	err = uapi_realloc(m, 0, addr, v, &moved);
	/* realloc(p, 0) frees p, as the process's malloc does. */
	if (err || v)
		assert_int_equal(uapi_free(m, 0, err ? addr : moved), 0);
	return err;
}

static int r_memalign_align(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr = 0;

	int err = uapi_posix_memalign(m, 0, v, 64, &addr);

	(void)c;
	return undo_user_free(m, err, addr);
}

static int r_memalign_size(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t addr = 0;

	int err = uapi_posix_memalign(m, 0, 64, v, &addr);

	(void)c;
	return undo_user_free(m, err, addr);
}

static int r_user_free(struct machine *m, struct ctx *c, uint64_t v)
{
	(void)c;
	return uapi_free(m, 0, v);
}

static int r_usable_size(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t size;

	(void)c;
	return uapi_malloc_usable_size(m, 0, v, &size);
}

static int r_mallopt(struct machine *m, struct ctx *c, uint64_t v)
{
	int err = uapi_mallopt(m, 0, M_MMAP_THRESHOLD, (int)v);

	(void)c;
	if (!err) /* glibc's default back */
		assert_int_equal(
			uapi_mallopt(m, 0, M_MMAP_THRESHOLD, 128 << 10), 0);
	return err;
}

static int r_malloc_trim(struct machine *m, struct ctx *c, uint64_t v)
{
	uint64_t released;

	(void)c;
	return uapi_malloc_trim(m, 0, v, &released);
}

static int r_fork(struct machine *m, struct ctx *c, uint64_t v)
{
	int child = 0, err = uapi_fork(m, (int)v, &child);

	(void)c;
	if (!err)
		assert_int_equal(uapi_exit_process(m, child), 0);
	return err;
}

static int r_exit_process(struct machine *m, struct ctx *c, uint64_t v)
{
	(void)c;
	return uapi_exit_process(m, (int)v);
}

/* ---- the table */

/*
 * Columns: 0, 1, PS-1, PS, PS+1, 2^31, 2^32, 2^63-1, 2^63, 2^63+1, 2^64-1.
 * Linux's choices: a size no allocator could meet is -ENOMEM where the
 * kernel's call returns NULL for it (kmalloc past KMALLOC_MAX_SIZE,
 * kmalloc_array's overflow, vmalloc past RAM, malloc), or where the
 * syscall says so (do_mmap's length past TASK_SIZE, mremap growing past
 * it, mprotect of an unmapped range); an argument out of its range is
 * -EINVAL (an order past MAX_PAGE_ORDER, an alignment no power of two,
 * a range past user space for munmap, a length that wraps to 0); below
 * vm.mmap_min_addr -EPERM; an address no object is -EFAULT for bytes
 * and -EINVAL for a free. A 32-bit field takes v's low bits, as the
 * wire's field would (2^32 is 0 there; 2^63 + 1 is 1).
 */
static const struct row rows[] = {
	{"alloc_pages order",
	 r_alloc_pages_order,
	 {0, 0, -EINVAL, -EINVAL, -EINVAL, -EINVAL, 0, -EINVAL, 0, 0, -EINVAL}},
	{"free_pages pfn",
	 r_free_pages_pfn,
	 {-EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL, -EINVAL, -EINVAL}},
	{"free_pages order",
	 r_free_pages_order,
	 {0, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, 0, -EINVAL, 0,
	  -EINVAL, -EINVAL}},
	{"get_page pfn",
	 r_get_page,
	 {-EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL, -EINVAL, -EINVAL}},
	{"put_page pfn",
	 r_put_page,
	 {-EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL, -EINVAL, -EINVAL}},
	{"kmem_cache_create size",
	 r_cache_size,
	 {-EINVAL, 0, 0, 0, 0, -EINVAL, -EINVAL, -EINVAL, -EINVAL, 0, -EINVAL}},
	{"kmem_cache_create align",
	 r_cache_align,
	 {0, 0, -EINVAL, 0, -EINVAL, -EINVAL, 0, -EINVAL, 0, 0, -EINVAL}},
	{"kmem_cache_alloc cache",
	 r_cache_alloc,
	 {-ENOENT, -ENOENT, -ENOENT, -ENOENT, -ENOENT, -ENOENT, -ENOENT,
	  -ENOENT, -ENOENT, -ENOENT, -ENOENT}},
	{"kmem_cache_free addr",
	 r_cache_free,
	 {-EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL, -EINVAL, -EINVAL}},
	{"kmalloc size",
	 r_kmalloc,
	 {0, 0, 0, 0, 0, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM}},
	{"kmalloc_node size",
	 r_kmalloc_node_size,
	 {0, 0, 0, 0, 0, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM}},
	{"kmalloc_node nid",
	 r_kmalloc_node_nid,
	 {0, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, 0, 0, 0, -EINVAL, 0}},
	{"vmalloc_node size",
	 r_vmalloc_node_size,
	 {-EINVAL, 0, 0, 0, 0, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM,
	  -ENOMEM}},
	{"alloc_contig_range start_pfn",
	 r_alloc_contig_start,
	 {-EBUSY, -EBUSY, 0, -EBUSY, -EBUSY, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL}},
	{"alloc_contig_range end_pfn",
	 r_alloc_contig_end,
	 {-EINVAL, -EINVAL, -EINVAL, -EINVAL, -EBUSY, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL, -EINVAL}},
	{"kcalloc n",
	 r_kcalloc_n,
	 {0, 0, 0, 0, 0, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM}},
	{"kcalloc size",
	 r_kcalloc_size,
	 {0, 0, 0, 0, 0, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM}},
	{"krealloc size",
	 r_krealloc,
	 {0, 0, 0, 0, 0, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM}},
	{"kfree addr",
	 r_kfree,
	 {0, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL, -EINVAL}},
	{"ksize addr",
	 r_ksize,
	 {-EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL, -EINVAL, -EINVAL}},
	{"vmalloc size",
	 r_vmalloc,
	 {-EINVAL, 0, 0, 0, 0, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM,
	  -ENOMEM}},
	{"vzalloc size",
	 r_vzalloc,
	 {-EINVAL, 0, 0, 0, 0, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM,
	  -ENOMEM}},
	{"vfree addr",
	 r_vfree,
	 {0, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL, -EINVAL}},
	{"vmap pfn",
	 r_vmap_pfn,
	 {-EPERM, -EPERM, -EPERM, -EPERM, -EPERM, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL, -EINVAL}},
	{"vunmap addr",
	 r_vunmap,
	 {0, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL, -EINVAL}},
	{"ioremap phys",
	 r_ioremap_phys,
	 {-EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL, -EINVAL, -EINVAL}},
	{"ioremap size",
	 r_ioremap_size,
	 {-EINVAL, 0, 0, 0, 0, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL}},
	{"iounmap addr",
	 r_iounmap,
	 {0, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL, -EINVAL}},
	{"kmap pfn",
	 r_kmap,
	 {-EPERM, -EPERM, -EPERM, -EPERM, -EPERM, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL, -EINVAL}},
	{"kunmap pfn",
	 r_kunmap,
	 {0, 0, 0, 0, 0, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL}},
	{"kmap_atomic pfn",
	 r_kmap_atomic,
	 {-EPERM, -EPERM, -EPERM, -EPERM, -EPERM, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL, -EINVAL}},
	{"kunmap_atomic addr",
	 r_kunmap_atomic,
	 {-EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL, -EINVAL, -EINVAL}},
	{"alloc_percpu size",
	 r_percpu_size,
	 {-EINVAL, 0, 0, 0, 0, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL}},
	{"alloc_percpu align",
	 r_percpu_align,
	 {-EINVAL, 0, -EINVAL, 0, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL}},
	{"free_percpu ptr",
	 r_free_percpu,
	 {-EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL, -EINVAL, -EINVAL}},
	{"per_cpu_ptr ptr",
	 r_per_cpu_ptr,
	 {-EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL, -EINVAL, -EINVAL}},
	{"per_cpu_ptr cpu",
	 r_per_cpu_ptr_cpu,
	 {0, 0, -EINVAL, -EINVAL, -EINVAL, -EINVAL, 0, -EINVAL, 0, 0, -EINVAL}},
	{"mmz_alloc size",
	 r_mmz_size,
	 {-EINVAL, 0, 0, 0, 0, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL}},
	{"mmz_alloc align",
	 r_mmz_align,
	 {0, 0, -EINVAL, 0, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL}},
	{"mmz_free phys",
	 r_mmz_free,
	 {-EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL, -EINVAL, -EINVAL}},
	{"read addr",
	 r_read_addr,
	 {-EFAULT, -EFAULT, -EFAULT, -EFAULT, -EFAULT, -EFAULT, -EFAULT,
	  -EFAULT, -EFAULT, -EFAULT, -EFAULT}},
	{"read len",
	 r_read_len,
	 {-EFAULT, 0, -EFAULT, -EFAULT, -EFAULT, -EFAULT, -EFAULT, -EFAULT,
	  -EFAULT, -EFAULT, -EFAULT}},
	{"write addr",
	 r_write_addr,
	 {-EFAULT, -EFAULT, -EFAULT, -EFAULT, -EFAULT, -EFAULT, -EFAULT,
	  -EFAULT, -EFAULT, -EFAULT, -EFAULT}},
	{"write len",
	 r_write_len,
	 {-EFAULT, 0, -EFAULT, -EFAULT, -EFAULT, -EFAULT, -EFAULT, -EFAULT,
	  -EFAULT, -EFAULT, -EFAULT}},
	{"read_phys addr",
	 r_read_phys,
	 {-EFAULT, -EFAULT, -EFAULT, -EFAULT, -EFAULT, -EFAULT, -EFAULT,
	  -EFAULT, -EFAULT, -EFAULT, -EFAULT}},
	{"write_phys addr",
	 r_write_phys,
	 {-EFAULT, -EFAULT, -EFAULT, -EFAULT, -EFAULT, -EFAULT, -EFAULT,
	  -EFAULT, -EFAULT, -EFAULT, -EFAULT}},
	{"mmap len",
	 r_mmap_len,
	 {-EINVAL, 0, 0, 0, 0, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM,
	  -ENOMEM}},
	{"mmap MAP_FIXED_NOREPLACE addr",
	 r_mmap_fixed,
	 {-EPERM, -EINVAL, -EINVAL, -EPERM, -EINVAL, 0, 0, -EINVAL, -ENOMEM,
	  -EINVAL, -EINVAL}},
	{"mmap hint addr", r_mmap_hint, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
	{"munmap addr",
	 r_munmap_addr,
	 {0, -EINVAL, -EINVAL, 0, -EINVAL, 0, 0, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL}},
	{"munmap len",
	 r_munmap_len,
	 {-EINVAL, 0, 0, 0, 0, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL}},
	{"mprotect addr",
	 r_mprotect_addr,
	 {-ENOMEM, -EINVAL, -EINVAL, -ENOMEM, -EINVAL, -ENOMEM, -ENOMEM,
	  -EINVAL, -ENOMEM, -EINVAL, -EINVAL}},
	{"mprotect len",
	 r_mprotect_len,
	 {0, 0, 0, 0, 0, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM}},
	{"mremap old_len",
	 r_mremap_old_len,
	 {-EINVAL, 0, 0, 0, 0, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL}},
	{"mremap new_len",
	 r_mremap_new_len,
	 {-EINVAL, 0, 0, 0, 0, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM,
	  -EINVAL}},
	{"mremap MREMAP_FIXED new_addr",
	 r_mremap_fixed,
	 {-EPERM, -EINVAL, -EINVAL, -EPERM, -EINVAL, 0, 0, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL}},
	{"brk",
	 r_brk,
	 {0, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM,
	  -ENOMEM, -ENOMEM, -ENOMEM}},
	{"read_vm addr",
	 r_access_addr,
	 {-EFAULT, -EFAULT, -EFAULT, -EFAULT, -EFAULT, -EFAULT, -EFAULT,
	  -EFAULT, -EFAULT, -EFAULT, -EFAULT}},
	{"write_vm len",
	 r_access_len,
	 {0, 0, 0, 0, 0, -EFAULT, -EFAULT, -EFAULT, -EFAULT, -EFAULT, -EFAULT}},
	{"malloc size",
	 r_malloc,
	 {0, 0, 0, 0, 0, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM}},
	{"calloc n",
	 r_calloc_n,
	 {0, 0, 0, 0, 0, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM}},
	{"calloc size",
	 r_calloc_size,
	 {0, 0, 0, 0, 0, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM}},
	{"realloc size",
	 r_realloc,
	 {0, 0, 0, 0, 0, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM}},
	{"posix_memalign align",
	 r_memalign_align,
	 {-EINVAL, -EINVAL, -EINVAL, 0, -EINVAL, -ENOMEM, -ENOMEM, -EINVAL,
	  -ENOMEM, -EINVAL, -EINVAL}},
	{"posix_memalign size",
	 r_memalign_size,
	 {0, 0, 0, 0, 0, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM}},
	{"free addr",
	 r_user_free,
	 {0, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL, -EINVAL}},
	{"malloc_usable_size addr",
	 r_usable_size,
	 {0, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL, -EINVAL}},
	{"mallopt M_MMAP_THRESHOLD",
	 r_mallopt,
	 {0, 0, 0, 0, 0, -EINVAL, 0, -EINVAL, 0, 0, -EINVAL}},
	{"malloc_trim pad", r_malloc_trim, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
	{"fork pid",
	 r_fork,
	 {0, 0, -ESRCH, -ESRCH, -ESRCH, -ESRCH, 0, -ESRCH, 0, 0, -ESRCH}},
	{"exit_process pid",
	 r_exit_process,
	 {-EPERM, -EPERM, -ESRCH, -ESRCH, -ESRCH, -ESRCH, -EPERM, -ESRCH,
	  -EPERM, -EPERM, -ESRCH}},
};

#define NR_ROWS (sizeof(rows) / sizeof(rows[0]))

static const struct row i386_rows[] = {
	{"kmap pfn",
	 r_kmap,
	 {-EPERM, -EPERM, -EPERM, -EPERM, -EPERM, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL, -EINVAL}},
	{"kunmap pfn",
	 r_kunmap,
	 {0, 0, 0, 0, 0, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL}},
	{"kmap_atomic pfn",
	 r_kmap_atomic,
	 {-EPERM, -EPERM, -EPERM, -EPERM, -EPERM, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL, -EINVAL}},
	{"kunmap_atomic addr",
	 r_kunmap_atomic,
	 {-EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL, -EINVAL, -EINVAL}},
	{"kmap high pfn",
	 r_kmap_high,
	 {0, 0, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EPERM}},
	{"kmap_atomic high pfn",
	 r_kmap_atomic_high,
	 {0, 0, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EPERM}},
	{"vmalloc size",
	 r_vmalloc,
	 {-EINVAL, 0, 0, 0, 0, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM,
	  -ENOMEM}},
	{"ioremap size",
	 r_ioremap_size,
	 {-EINVAL, 0, 0, 0, 0, -EINVAL, -EINVAL, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL}},
	{"vmap pfn",
	 r_vmap_pfn,
	 {-EPERM, -EPERM, -EPERM, -EPERM, -EPERM, -EINVAL, -EINVAL, -EINVAL,
	  -EINVAL, -EINVAL, -EINVAL}},
	{"mmap len",
	 r_mmap_len,
	 {-EINVAL, 0, 0, 0, 0, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM,
	  -ENOMEM}},
	{"mremap new_len",
	 r_mremap_new_len,
	 {-EINVAL, 0, 0, 0, 0, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM, -ENOMEM,
	  -EINVAL}},
	{"read_vm addr",
	 r_access_addr,
	 {-EFAULT, -EFAULT, -EFAULT, -EFAULT, -EFAULT, 0, -EFAULT, -EFAULT,
	  -EFAULT, -EFAULT, -EFAULT}},
};

#define NR_I386_ROWS (sizeof(i386_rows) / sizeof(i386_rows[0]))

/* An x86_64 machine of 64M with a device region and an MMZ region. */
static struct machine *boot_bounds(void)
{
	struct layout l;

	small_layout(&l, 64 * MiB);
	l.nr_devices = 1;
	snprintf(l.devices[0].name, sizeof(l.devices[0].name), "bar");
	l.devices[0].start = DEV_PHYS;
	l.devices[0].size = 16 * MiB;
	l.nr_mmz = 1;
	snprintf(l.mmz[0].name, sizeof(l.mmz[0].name), "media");
	l.mmz[0].start = MMZ_BASE;
	l.mmz[0].size = 4 * MiB;
	return boot(&l);
}

static void setup(struct machine *m, struct ctx *c)
{
	memset(c, 0, sizeof(*c));
	assert_int_equal(task_create(m, "bounds", 0, 0, &c->pid), 0);
	assert_int_equal(task_switch(m, c->pid), 0);
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 0, &c->block), 0);
	assert_int_equal(uapi_kmalloc(m, 64, GFP_KERNEL, &c->obj), 0);
	assert_int_equal(
		uapi_kmem_cache_create(m, "bounds_c", 64, 0, 0, &c->cache), 0);
	assert_int_equal(uapi_alloc_percpu(m, 8, 8, &c->pcpu), 0);
	assert_int_equal(uapi_mmap(m, 0, 0, 4 * PS, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, &c->map),
			 0);
	assert_int_equal(uapi_malloc(m, 0, 64, &c->heap), 0);
	if (m->layout.arch == ARCH_I386)
		assert_int_equal(uapi_alloc_pages(m, GFP_HIGHUSER, 1, &c->high),
				 0);
}

static void on_alarm(int sig)
{
	static const char msg[] = "test_bounds: a call did not return\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(3);
}

/* Every row of a table on m, as the task of c; the checker after each. */
static void run_table(struct machine *m, struct ctx *c, const struct row *t,
		      size_t n)
{
	char why[256];

	signal(SIGALRM, on_alarm);
	for (size_t r = 0; r < n; r++) {
		for (int i = 0; i < NV; i++) {
			int got;

			alarm(20);
			task_switch(m, c->pid);
			got = t[r].call(m, c, values[i]);
			alarm(0);
			if (got != t[r].want[i])
				fail_msg("%s at %#llx: %d (%s), not %d",
					 t[r].name,
					 (unsigned long long)values[i], got,
					 m->errmsg, t[r].want[i]);
		}
		if (machine_check(m, why, sizeof(why)))
			fail_msg("after %s: %s", t[r].name, why);
	}
}

static void test_every_entry_at_every_bound(void **state)
{
	struct machine *m = boot_bounds();
	struct task_leaks leaks;
	struct ctx *c = calloc(1, sizeof(*c));

	(void)state;
	assert_non_null(c);
	setup(m, c);
	run_table(m, c, rows, NR_ROWS);
	/* Everything a row made, it undid: only the setup's objects stay. */
	assert_int_equal(task_exit(m, c->pid, &leaks), 0);
	assert_int_equal(leaks.pages, 1);
	assert_int_equal(leaks.objects, 3);
	assert_consistent(m);
	free(c);
	machine_destroy(m);
}

/*
 * High memory on i386: pkmap and kmap_atomic slots, and the 112M
 * vmalloc area, which no size above 2^31 could fit.
 */
static void test_highmem_at_every_bound(void **state)
{
	struct layout l;
	struct machine *m;
	struct task_leaks leaks;
	struct ctx *c = calloc(1, sizeof(*c));

	(void)state;
	assert_non_null(c);
	i386_layout(&l, 1 * GiB);
	l.nr_devices = 1;
	snprintf(l.devices[0].name, sizeof(l.devices[0].name), "bar");
	l.devices[0].start = DEV_PHYS;
	l.devices[0].size = 16 * MiB;
	l.nr_mmz = 1;
	snprintf(l.mmz[0].name, sizeof(l.mmz[0].name), "media");
	l.mmz[0].start = MMZ_BASE;
	l.mmz[0].size = 4 * MiB;
	m = boot(&l);
	setup(m, c);
	run_table(m, c, i386_rows, NR_I386_ROWS);
	assert_int_equal(task_exit(m, c->pid, &leaks), 0);
	assert_int_equal(leaks.pages, 2);
	assert_int_equal(leaks.objects, 3);
	assert_consistent(m);
	free(c);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_entry_at_every_bound),
		cmocka_unit_test(test_highmem_at_every_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
