/* SPDX-License-Identifier: MIT */
/*
 * test_malloc.c - a simulated process's malloc (core/libc/malloc*.c): its
 * layout in the process's memory, splitting, coalescing, the mmap
 * threshold, trimming, calloc, realloc, posix_memalign, fork and swap,
 * every bad input with its exact error, randomized sequences checked by
 * a heap walk and the machine's checker; then the trace reader
 * (tools/trace.c) and the replay (tools/replay.c).
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/mmzone.h"
#include "core/libc/malloc.h"
#include "core/libc/malloc_internal.h"
#include "core/mm.h"
#include "core/task.h"
#include "core/task_mmu.h"
#include "core/uapi.h"
#include "core/vma_internal.h"
#include "core/vmscan.h"
#include "tests/unit/seed.h"
#include "tools/replay.h"
#include "tools/trace.h"

struct mfix {
	struct machine *m;
	struct mm_struct *mm;
	int pid;
};

static int boot_fixture(void **state, const struct layout *l)
{
	struct mfix *f = calloc(1, sizeof(*f));

	f->m = boot(l);
	assert_int_equal(task_create(f->m, "malloc", 0, 0, &f->pid), 0);
	assert_int_equal(task_switch(f->m, f->pid), 0);
	f->mm = find_task_by_pid(f->m, f->pid)->mm;
	*state = f;
	return 0;
}

static int setup(void **state)
{
	struct layout l;

	small_layout(&l, 256 * MiB);
	l.swap_size = 64 * MiB;
	return boot_fixture(state, &l);
}

static int setup_i386(void **state)
{
	struct layout l;

	i386_layout(&l, 1 * GiB);
	return boot_fixture(state, &l);
}

static void heap_ok(struct mfix *f)
{
	char why[256];
	int err = user_malloc_check(f->m, f->mm, why, sizeof(why));

	if (err)
		fail_msg("user_malloc_check: %s", why);
}

static int teardown(void **state)
{
	struct mfix *f = *state;

	if (f->mm)
		heap_ok(f);
	assert_consistent(f->m);
	machine_destroy(f->m);
	free(f);
	return 0;
}

static uint64_t xmalloc(struct mfix *f, uint64_t n)
{
	uint64_t a = 0;

	assert_int_equal(user_malloc(f->m, f->mm, n, &a), 0);
	return a;
}

static void xfree(struct mfix *f, uint64_t a)
{
	assert_int_equal(user_free(f->m, f->mm, a), 0);
}

static void put_bytes(struct mfix *f, uint64_t addr, const void *buf,
		      size_t len)
{
	struct user_fault fault;

	assert_int_equal(access_user(f->m, f->mm, addr, (void *)buf, len,
				     USER_WRITE, &fault),
			 0);
}

static void get_bytes(struct mfix *f, uint64_t addr, void *buf, size_t len)
{
	struct user_fault fault;

	assert_int_equal(
		access_user(f->m, f->mm, addr, buf, len, USER_READ, &fault), 0);
}

static uint64_t word_at(struct mfix *f, uint64_t addr)
{
	uint64_t v;

	get_bytes(f, addr, &v, sizeof(v));
	return v;
}

static void expect_error(struct mfix *f, int got, int want, const char *msg)
{
	assert_int_equal(got, want);
	assert_string_equal(f->m->errmsg, msg);
}

static uint64_t usable(struct mfix *f, uint64_t p)
{
	uint64_t n = 0;

	assert_int_equal(user_malloc_usable_size(f->m, f->mm, p, &n), 0);
	return n;
}

static bool maps_has(struct mfix *f, uint64_t start, uint64_t end)
{
	char line[80];
	struct seq_buf s;
	bool found;

	seq_buf_init(&s);
	assert_int_equal(report_pid_maps(f->m, f->pid, &s), 0);
	snprintf(line, sizeof(line), "%08lx-%08lx rw-p 00000000 00:00 0",
		 (unsigned long)start, (unsigned long)end);
	found = strstr(s.buf, line) != NULL;
	seq_buf_free(&s);
	return found;
}

/* ------------------------------------------------------------------ */
/* Layout in the process's memory                                      */

static void test_first_malloc_layout(void **state)
{
	struct mfix *f = *state;
	uint64_t start = f->mm->start_brk, first = start + STATE_SIZE;
	uint64_t p = xmalloc(f, 100), q;
	char buf[8] = {0};

	/* The state at start_brk, the first chunk right after it. */
	assert_int_equal(f->mm->malloc.heap_start, start);
	assert_int_equal(word_at(f, start), MALLOC_MAGIC);
	assert_int_equal(p, first + 8);
	assert_int_equal(p % 16, 0);
	assert_int_equal(word_at(f, first), 112 | CHUNK_ALLOC | PREV_ALLOC);
	/* brk grew by exactly the state and the chunk. */
	assert_int_equal(f->mm->brk, first + 112);
	assert_true(maps_has(f, start, start + PAGE));
	/* One page written: the state and the header share it. */
	assert_int_equal(f->mm->rss_stat[MM_ANONPAGES], 1);
	put_bytes(f, p, "hello", 6);
	get_bytes(f, p, buf, 6);
	assert_string_equal(buf, "hello");
	assert_int_equal(usable(f, p), 104);
	q = xmalloc(f, 100);
	assert_int_equal(q, p + 112);
	assert_int_equal(f->mm->brk, first + 224);
	assert_int_equal(f->mm->malloc.in_use_bytes, 224);
	assert_int_equal(f->mm->malloc.nr_malloc, 2);
}

static void test_alignment_and_zero(void **state)
{
	struct mfix *f = *state;
	uint64_t prev = 0, z1 = xmalloc(f, 0), z2 = xmalloc(f, 0);

	/* malloc(0) gives distinct minimum chunks, as glibc's does. */
	assert_int_not_equal(z1, 0);
	assert_int_equal(z2, z1 + MIN_CHUNK_SIZE);
	assert_int_equal(usable(f, z1), 24);
	for (uint64_t n = 1; n < 600; n += 7) {
		uint64_t p = xmalloc(f, n);

		assert_int_equal(p % MALLOC_ALIGNMENT, 0);
		assert_true(p > prev);
		assert_true(usable(f, p) >= n);
		prev = p;
	}
	heap_ok(f);
}

/* Neighbours freed either way round come back as one chunk. */
static void test_split_and_coalesce(void **state)
{
	struct mfix *f = *state;
	struct user_mallinfo mi;
	uint64_t a = xmalloc(f, 100), b = xmalloc(f, 100);
	uint64_t c = xmalloc(f, 100), d = xmalloc(f, 100);

	(void)d;
	xfree(f, a);
	xfree(f, b);
	assert_int_equal(user_mallinfo(f->m, f->mm, &mi), 0);
	assert_int_equal(mi.ordblks, 1);
	assert_int_equal(mi.fordblks, 224);
	assert_int_equal(xmalloc(f, 216), a); /* 216 + 8 = 224 */
	/* The other order, and three at once: b between a and c. */
	xfree(f, c);
	xfree(f, a);			      /* merges with c: 336 bytes */
	assert_int_equal(xmalloc(f, 100), c); /* its high end */
	heap_ok(f);
}

/* Small chunks from the high end of a free chunk, large from the low. */
static void test_split_placement(void **state)
{
	struct mfix *f = *state;
	uint64_t big = xmalloc(f, 600), guard = xmalloc(f, 40);

	(void)guard;
	xfree(f, big); /* a free chunk of 608 */
	assert_int_equal(xmalloc(f, 100), big + 608 - 112);
	assert_int_equal(xmalloc(f, 300), big);
	assert_int_equal(f->mm->malloc.free_chunks, 1); /* 176 bytes left */
	heap_ok(f);
}

/* Requests just below a power of two take the power of two. */
static void test_round_up(void **state)
{
	struct mfix *f = *state;
	uint64_t a = xmalloc(f, 448), b = xmalloc(f, 64), c;

	assert_int_equal(usable(f, a), 520);
	xfree(f, a);
	c = xmalloc(f, 512); /* fits the hole 448 left */
	assert_int_equal(c, a);
	assert_int_equal(usable(f, b), 72);
	assert_int_equal(usable(f, xmalloc(f, 1000)), 1032);
	assert_int_equal(usable(f, xmalloc(f, 2000)), 2008);
}

/* ------------------------------------------------------------------ */
/* mmap threshold, trimming                                            */

static void test_mmap_threshold(void **state)
{
	struct mfix *f = *state;
	unsigned int vmas = f->mm->map_count;
	uint64_t p = xmalloc(f, 128 << 10), q;
	uint64_t len = 33 * PAGE; /* 128 KiB and the 32-byte header */

	assert_int_equal(p % PAGE, MMAP_HDR);
	assert_int_equal(f->mm->map_count, vmas + 2); /* the heap, the chunk */
	assert_true(maps_has(f, p - MMAP_HDR, p - MMAP_HDR + len));
	assert_int_equal(word_at(f, p - 8), len | CHUNK_ALLOC | IS_MMAPPED);
	assert_int_equal(usable(f, p), len - MMAP_HDR);
	assert_int_equal(f->mm->malloc.mmapped_chunks, 1);
	assert_int_equal(f->mm->malloc.mmapped_bytes, len);
	q = xmalloc(f, (128 << 10) - 1); /* one byte less: the heap */
	assert_true(q < f->mm->brk);
	xfree(f, p);
	assert_false(maps_has(f, p - MMAP_HDR, p - MMAP_HDR + len));
	assert_int_equal(f->mm->malloc.mmapped_bytes, 0);
	/* mallopt moves the threshold, for this process only. */
	assert_int_equal(user_mallopt(f->m, f->mm, M_MMAP_THRESHOLD, 4096), 0);
	p = xmalloc(f, 4096);
	assert_int_equal(p % PAGE, MMAP_HDR);
	q = xmalloc(f, 4095);
	assert_true(q < f->mm->brk);
	expect_error(f, user_mallopt(f->m, f->mm, M_MMAP_THRESHOLD, -1),
		     -EINVAL,
		     "mallopt(): parameter -3 with value -1 is not supported");
	expect_error(f, user_mallopt(f->m, f->mm, M_MMAP_THRESHOLD, 64 << 20),
		     -EINVAL,
		     "mallopt(): parameter -3 with value 67108864 is not "
		     "supported");
	expect_error(f, user_mallopt(f->m, f->mm, 7, 1), -EINVAL,
		     "mallopt(): parameter 7 with value 1 is not supported");
	heap_ok(f);
}

static void test_brk_trim(void **state)
{
	struct mfix *f = *state;
	uint64_t first, a, b, c, released;

	a = xmalloc(f, 100000); /* chunks of 100016 */
	b = xmalloc(f, 100000);
	c = xmalloc(f, 100000);
	first = a - 8;
	assert_int_equal(f->mm->brk, first + 3 * 100016);
	xfree(f, c); /* top: 100016, below the threshold */
	assert_int_equal(f->mm->brk, first + 3 * 100016);
	xfree(f, b); /* top: 200032: trimmed, top_pad kept */
	assert_int_equal(f->mm->brk, b - 8 + DEFAULT_TOP_PAD);
	xfree(f, a);
	assert_int_equal(f->mm->brk, first + DEFAULT_TOP_PAD);
	/* malloc_trim gives back the pad too. */
	assert_int_equal(user_malloc_trim(f->m, f->mm, 0, &released), 0);
	assert_int_equal(released, DEFAULT_TOP_PAD);
	assert_int_equal(f->mm->brk, first);
	assert_int_equal(user_malloc_trim(f->m, f->mm, 0, &released), 0);
	assert_int_equal(released, 0);
	/* No trimming at all with a negative threshold, as glibc. */
	assert_int_equal(user_mallopt(f->m, f->mm, M_TRIM_THRESHOLD, -1), 0);
	a = xmalloc(f, 100000);
	b = xmalloc(f, 100000);
	xfree(f, b);
	xfree(f, a);
	assert_int_equal(f->mm->brk, first + 2 * 100016);
	/* An exact trim: no pad, threshold 0. */
	assert_int_equal(user_mallopt(f->m, f->mm, M_TOP_PAD, 0), 0);
	assert_int_equal(user_mallopt(f->m, f->mm, M_TRIM_THRESHOLD, 0), 0);
	a = xmalloc(f, 70000);
	xfree(f, a);
	assert_int_equal(f->mm->brk, first);
	heap_ok(f);
}

/* ------------------------------------------------------------------ */
/* calloc, realloc, posix_memalign                                     */

static void test_calloc_zeroes(void **state)
{
	struct mfix *f = *state;
	uint8_t junk[64], got[64], zero[64] = {0};
	uint64_t p = xmalloc(f, 64), guard = xmalloc(f, 16), q, n;

	(void)guard;
	memset(junk, 0xa5, sizeof(junk));
	put_bytes(f, p, junk, sizeof(junk));
	xfree(f, p);
	assert_int_equal(user_calloc(f->m, f->mm, 4, 16, &q), 0);
	assert_int_equal(q, p); /* the same chunk, cleared */
	get_bytes(f, q, got, sizeof(got));
	assert_memory_equal(got, zero, sizeof(got));
	/* A chunk of its own is fresh memory: zero without writing. */
	assert_int_equal(user_calloc(f->m, f->mm, 1, 200 << 10, &q), 0);
	get_bytes(f, q + 1000, got, sizeof(got));
	assert_memory_equal(got, zero, sizeof(got));
	expect_error(f, user_calloc(f->m, f->mm, 1ULL << 33, 1ULL << 33, &n),
		     -ENOMEM,
		     "calloc(): 8589934592 * 8589934592 bytes overflows");
	heap_ok(f);
}

static void fill(struct mfix *f, uint64_t p, size_t n, uint8_t seed)
{
	uint8_t *buf = malloc(n);

	for (size_t i = 0; i < n; i++)
		buf[i] = (uint8_t)(seed + i * 7);
	put_bytes(f, p, buf, n);
	free(buf);
}

static void expect_fill(struct mfix *f, uint64_t p, size_t n, uint8_t seed)
{
	uint8_t *buf = malloc(n);

	get_bytes(f, p, buf, n);
	for (size_t i = 0; i < n; i++)
		if (buf[i] != (uint8_t)(seed + i * 7))
			fail_msg("byte %zu of %#lx changed", i,
				 (unsigned long)p);
	free(buf);
}

static uint64_t xrealloc(struct mfix *f, uint64_t p, uint64_t n)
{
	uint64_t q = 0;

	assert_int_equal(user_realloc(f->m, f->mm, p, n, &q), 0);
	return q;
}

static void test_realloc_keeps_bytes(void **state)
{
	struct mfix *f = *state;
	uint64_t a = xmalloc(f, 100), b = xmalloc(f, 100), c = xmalloc(f, 100);
	uint64_t brk = f->mm->brk, q, r;

	/* Into the free chunk above it: in place. */
	fill(f, a, 100, 1);
	xfree(f, b);
	assert_int_equal(xrealloc(f, a, 200), a);
	assert_int_equal(usable(f, a), 216); /* all of b: 16 bytes left */
	expect_fill(f, a, 100, 1);
	/* At the top: in place, brk grows by exactly what was missing. */
	fill(f, c, 100, 2);
	assert_int_equal(xrealloc(f, c, 300), c);
	assert_int_equal(f->mm->brk, brk + 320 - 112);
	expect_fill(f, c, 100, 2);
	/* Hemmed in by a chunk in use: moves, keeping its bytes. */
	q = xmalloc(f, 40);
	fill(f, c, 300, 3);
	r = xrealloc(f, c, 600);
	assert_int_equal(r, q + 48);
	expect_fill(f, r, 300, 3);
	/* Shrinking frees the tail. */
	fill(f, r, 600, 4);
	assert_int_equal(xrealloc(f, r, 200), r);
	expect_fill(f, r, 200, 4);
	assert_int_equal(usable(f, r), 200);
	/* realloc(0, n) is malloc; realloc(p, 0) frees and gives 0. */
	q = xrealloc(f, 0, 50);
	assert_int_not_equal(q, 0);
	assert_int_equal(xrealloc(f, q, 0), 0);
	assert_int_equal(f->mm->malloc.nr_malloc - f->mm->malloc.nr_free, 3);
	heap_ok(f);
}

static void test_realloc_mmapped(void **state)
{
	struct mfix *f = *state;
	uint64_t p = xmalloc(f, 200 << 10), q;

	fill(f, p, 200 << 10, 4);
	q = xrealloc(f, p, 1 << 20); /* mremap */
	assert_int_equal(q % PAGE, MMAP_HDR);
	expect_fill(f, q, 200 << 10, 4);
	assert_int_equal(f->mm->malloc.mmapped_bytes,
			 ((1 << 20) + PAGE) & ~(PAGE - 1));
	q = xrealloc(f, q, 1000); /* below the threshold: into the heap */
	assert_true(q < f->mm->brk);
	expect_fill(f, q, 1000, 4);
	assert_int_equal(f->mm->malloc.mmapped_chunks, 0);
	/* A heap chunk grown past the threshold gets a mapping. */
	xmalloc(f, 16); /* so that q is not at the top */
	q = xrealloc(f, q, 300 << 10);
	assert_int_equal(q % PAGE, MMAP_HDR);
	expect_fill(f, q, 1000, 4);
	heap_ok(f);
}

static void test_posix_memalign(void **state)
{
	struct mfix *f = *state;
	static const uint64_t aligns[] = {8, 16, 32, 64, 256, 4096, 65536};
	uint64_t p;

	for (size_t i = 0; i < sizeof(aligns) / sizeof(aligns[0]); i++) {
		for (uint64_t n = 1; n < 5000; n = n * 3 + 5) {
			assert_int_equal(user_posix_memalign(f->m, f->mm,
							     aligns[i], n, &p),
					 0);
			assert_int_equal(p % aligns[i], 0);
			assert_true(usable(f, p) >= n);
			fill(f, p, n, (uint8_t)i);
		}
		heap_ok(f);
	}
	/* A big one gets its own mapping, aligned within it. */
	assert_int_equal(
		user_posix_memalign(f->m, f->mm, 1 << 20, 300 << 10, &p), 0);
	assert_int_equal(p % (1 << 20), 0);
	xfree(f, p);
	expect_error(f, user_posix_memalign(f->m, f->mm, 24, 10, &p), -EINVAL,
		     "posix_memalign(): alignment 24 is not a power of two "
		     "multiple of sizeof(void *)");
	expect_error(f, user_posix_memalign(f->m, f->mm, 4, 10, &p), -EINVAL,
		     "posix_memalign(): alignment 4 is not a power of two "
		     "multiple of sizeof(void *)");
	expect_error(f, user_posix_memalign(f->m, f->mm, 0, 10, &p), -EINVAL,
		     "posix_memalign(): alignment 0 is not a power of two "
		     "multiple of sizeof(void *)");
	heap_ok(f);
}

/* i386: 16-byte payloads too; sizeof(void *) is 4 there. */
static void test_i386(void **state)
{
	struct mfix *f = *state;
	uint64_t p = xmalloc(f, 10), q;

	assert_int_equal(p % 16, 0);
	assert_int_equal(p, f->mm->start_brk + STATE_SIZE + 8);
	assert_int_equal(user_posix_memalign(f->m, f->mm, 4, 10, &q), 0);
	assert_int_equal(user_posix_memalign(f->m, f->mm, 64, 10, &q), 0);
	assert_int_equal(q % 64, 0);
	q = xmalloc(f, 200 << 10);
	assert_int_equal(q % PAGE, MMAP_HDR);
	xfree(f, q);
	xfree(f, p);
	heap_ok(f);
}

/* ------------------------------------------------------------------ */
/* fork and swap                                                       */

static void test_fork_copies_heap(void **state)
{
	struct mfix *f = *state;
	uint64_t p = xmalloc(f, 100), q = xmalloc(f, 100), c = 0;
	struct mm_struct *cmm;
	char buf[8] = {0};
	int child;

	put_bytes(f, p, "parent", 7);
	assert_int_equal(uapi_fork(f->m, 0, &child), 0);
	cmm = find_task_by_pid(f->m, child)->mm;
	assert_int_equal(cmm->malloc.nr_malloc, 2);
	assert_int_equal(cmm->malloc.heap_start, f->mm->malloc.heap_start);
	/* The child frees and reuses p; the parent's p is untouched. */
	assert_int_equal(uapi_free(f->m, child, p), 0);
	assert_int_equal(uapi_malloc(f->m, child, 100, &c), 0);
	assert_int_equal(c, p);
	assert_int_equal(uapi_access_vm(f->m, child, c, "child", 6, USER_WRITE,
					&(struct user_fault){0}),
			 0);
	get_bytes(f, p, buf, 7);
	assert_string_equal(buf, "parent");
	assert_int_equal(uapi_free(f->m, child, q), 0);
	expect_error(f, uapi_free(f->m, child, q), -EINVAL,
		     "free(): double free detected");
	xfree(f, q); /* the parent's q is still in use */
	heap_ok(f);
	assert_int_equal(user_malloc_check(f->m, cmm, buf, sizeof(buf)), 0);
	assert_consistent(f->m);
}

/* The heap's pages go out to swap and malloc reads them back. */
static void test_heap_swapped(void **state)
{
	struct mfix *f = *state;
	uint64_t p[64];
	unsigned long majflt;

	for (int i = 0; i < 64; i++) {
		p[i] = xmalloc(f, 3000);
		fill(f, p[i], 3000, (uint8_t)i);
	}
	for (int i = 0; i < 8; i++)
		shrink_lruvec(f->m, node_lruvec(f->m, 0), 1UL << 20);
	assert_true(f->mm->rss_stat[MM_SWAPENTS] > 32);
	majflt = f->mm->maj_flt;
	for (int i = 0; i < 64; i += 2)
		xfree(f, p[i]);
	assert_true(f->mm->maj_flt > majflt);
	for (int i = 1; i < 64; i += 2)
		expect_fill(f, p[i], 3000, (uint8_t)i);
	heap_ok(f);
}

/* ------------------------------------------------------------------ */
/* Bad inputs                                                          */

static void test_bad_pointers(void **state)
{
	struct mfix *f = *state;
	uint64_t p, q, r, big, n;

	expect_error(f, user_free(f->m, f->mm, 0x1000), -EINVAL,
		     "free(): invalid pointer"); /* no heap yet */
	p = xmalloc(f, 100);
	q = xmalloc(f, 100);
	r = xmalloc(f, 100);
	big = xmalloc(f, 200 << 10);
	assert_int_equal(user_free(f->m, f->mm, 0), 0);
	expect_error(f, user_free(f->m, f->mm, p + 1), -EINVAL,
		     "free(): invalid pointer");
	expect_error(f, user_free(f->m, f->mm, p + 16), -EINVAL,
		     "free(): invalid pointer");
	expect_error(f, user_free(f->m, f->mm, 0x10000000), -EINVAL,
		     "free(): invalid pointer");
	expect_error(f, user_free(f->m, f->mm, big + PAGE), -EINVAL,
		     "free(): invalid pointer");
	/* Double frees: alone, merged with a neighbour, merged into top. */
	xfree(f, p);
	expect_error(f, user_free(f->m, f->mm, p), -EINVAL,
		     "free(): double free detected");
	xfree(f, q);
	expect_error(f, user_free(f->m, f->mm, q), -EINVAL,
		     "free(): double free detected");
	xfree(f, r);
	expect_error(f, user_free(f->m, f->mm, r), -EINVAL,
		     "free(): double free detected");
	xfree(f, big);
	expect_error(f, user_free(f->m, f->mm, big), -EINVAL,
		     "free(): invalid pointer");
	expect_error(f, user_realloc(f->m, f->mm, p, 200, &n), -EINVAL,
		     "realloc(): invalid pointer");
	expect_error(f, user_realloc(f->m, f->mm, big, 200, &n), -EINVAL,
		     "realloc(): invalid pointer");
	expect_error(f, user_malloc_usable_size(f->m, f->mm, p + 8, &n),
		     -EINVAL, "malloc_usable_size(): invalid pointer");
	expect_error(f, user_malloc(f->m, f->mm, 1ULL << 62, &n), -ENOMEM,
		     "malloc(): cannot allocate 0x4000000000000000 bytes");
	assert_int_equal(f->mm->malloc.nr_errors, 13);
	heap_ok(f);
}

/* What the process did to its own heap comes back as errors. */
static void test_heap_unmapped(void **state)
{
	struct mfix *f = *state;
	uint64_t p = xmalloc(f, 100), start = f->mm->start_brk, n;
	char msg[128];

	assert_int_equal(uapi_munmap(f->m, 0, start, PAGE), 0);
	snprintf(msg, sizeof(msg),
		 "free(): read at %#lx: SIGSEGV (SEGV_MAPERR)",
		 (unsigned long)start);
	expect_error(f, user_free(f->m, f->mm, p), -EFAULT, msg);
	snprintf(msg, sizeof(msg),
		 "malloc(): read at %#lx: SIGSEGV (SEGV_MAPERR)",
		 (unsigned long)start);
	expect_error(f, user_malloc(f->m, f->mm, 10, &n), -EFAULT, msg);
	f->mm = NULL; /* no heap to walk */
}

static void test_brk_moved_and_no_room(void **state)
{
	struct mfix *f = *state;
	uint64_t p = xmalloc(f, 100), end = f->mm->brk, cur, n, mapped;
	char msg[160];

	(void)p;
	/* The process moved the break itself: malloc will not grow. */
	assert_int_equal(uapi_brk(f->m, 0, end + 100, &cur), 0);
	snprintf(msg, sizeof(msg),
		 "malloc(): the break is at %#lx, not where malloc left it "
		 "(%#lx)",
		 (unsigned long)(end + 100), (unsigned long)end);
	expect_error(f, user_malloc(f->m, f->mm, 1000, &n), -ENOMEM, msg);
	assert_int_equal(uapi_brk(f->m, 0, end, &cur), 0);
	/* A mapping right above the heap: brk cannot grow into it. */
	assert_int_equal(uapi_mmap(f->m, 0, (end + PAGE - 1) & ~(PAGE - 1),
				   PAGE, PROT_READ,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
				   &mapped),
			 0);
	snprintf(
		msg, sizeof(msg),
		"malloc(): brk %#lx comes within a page of the mapping at %#lx",
		(unsigned long)(end + 4016),
		(unsigned long)((end + PAGE - 1) & ~(PAGE - 1)));
	expect_error(f, user_malloc(f->m, f->mm, 4000, &n), -ENOMEM, msg);
	heap_ok(f);
}

/* A list that loops is walked no further than a bound, then reported. */
static void test_corrupt_loop(void **state)
{
	struct mfix *f = *state;
	uint64_t a = xmalloc(f, 200), b = xmalloc(f, 100), n;
	char why[256], msg[128];

	(void)b;
	xfree(f, a);				/* a chunk of 208, bin 7 */
	put_bytes(f, a, &(uint64_t){a - 8}, 8); /* next: itself */
	/* 160 bytes from its high end; the rest goes to bin 2, while bin 7
	 * still names it: the loop left its mark. */
	assert_int_equal(user_malloc(f->m, f->mm, 150, &n), 0);
	assert_int_equal(n, a + 48);
	assert_int_equal(user_malloc_check(f->m, f->mm, why, sizeof(why)),
			 -EUCLEAN);
	snprintf(msg, sizeof(msg),
		 "pid %d: bin 7 links %#lx, not a free "
		 "chunk of its own",
		 f->pid, (unsigned long)(a - 8));
	assert_string_equal(why, msg);
	expect_error(f, user_malloc(f->m, f->mm, 150, &n), -EUCLEAN,
		     "malloc(): corrupted bin 7");
	assert_consistent(f->m); /* the machine is fine: counters agree */
	f->mm = NULL;
}

static void test_corrupt_link_and_state(void **state)
{
	struct mfix *f = *state;
	uint64_t a = xmalloc(f, 200), b = xmalloc(f, 100), n;
	char msg[128];

	xfree(f, a);
	put_bytes(f, a, &(uint64_t){0x1234}, 8); /* next: nowhere */
	snprintf(msg, sizeof(msg),
		 "malloc(): corrupted double-linked list (%#lx)",
		 (unsigned long)(a - 8));
	expect_error(f, user_malloc(f->m, f->mm, 150, &n), -EUCLEAN, msg);
	/* The state's magic word overwritten. */
	put_bytes(f, f->mm->start_brk, "garbage!", 8);
	snprintf(msg, sizeof(msg), "malloc(): corrupted heap state at %#lx",
		 (unsigned long)f->mm->start_brk);
	expect_error(f, user_malloc(f->m, f->mm, 10, &n), -EUCLEAN, msg);
	snprintf(msg, sizeof(msg), "free(): corrupted heap state at %#lx",
		 (unsigned long)f->mm->start_brk);
	expect_error(f, user_free(f->m, f->mm, b), -EUCLEAN, msg);
	assert_consistent(f->m);
	f->mm = NULL;
}

/* ------------------------------------------------------------------ */
/* Randomized sequences                                                */

struct live {
	uint64_t addr, size;
	uint8_t seed;
};

static uint64_t random_size(unsigned int *seed)
{
	unsigned int r = (unsigned int)rand_r(seed);

	switch (r % 16) {
	case 0:
		return (uint64_t)(r >> 4) % (300 << 10); /* mmapped too */
	case 1:
	case 2:
		return (uint64_t)(r >> 4) % 8192;
	default:
		return (uint64_t)(r >> 4) % 512;
	}
}

static void random_step(struct mfix *f, struct live *l, unsigned int *seed)
{
	unsigned int r = (unsigned int)rand_r(seed);
	uint64_t n = random_size(seed) + 1;

	if (l->addr) {
		expect_fill(f, l->addr, (size_t)l->size, l->seed);
		if (r % 2) {
			xfree(f, l->addr);
			l->addr = 0;
			return;
		}
		l->addr = xrealloc(f, l->addr, n);
		expect_fill(f, l->addr, (size_t)(n < l->size ? n : l->size),
			    l->seed);
	} else if (r % 5 == 0) {
		uint64_t align = 32ULL << (r % 8);

		assert_int_equal(
			user_posix_memalign(f->m, f->mm, align, n, &l->addr),
			0);
		assert_int_equal(l->addr % align, 0);
	} else if (r % 5 == 1) {
		uint64_t zero[2] = {0}, got[2];

		assert_int_equal(user_calloc(f->m, f->mm, 1, n, &l->addr), 0);
		get_bytes(f, l->addr, got, n < 16 ? (size_t)n : 16);
		assert_memory_equal(got, zero, n < 16 ? (size_t)n : 16);
	} else {
		l->addr = xmalloc(f, n);
	}
	l->size = n;
	l->seed = (uint8_t)r;
	fill(f, l->addr, (size_t)n, l->seed);
}

static void test_random_sequences(void **state)
{
	struct mfix *f = *state;
	struct live live[200] = {{0}};
	unsigned int seed =
		(unsigned int)test_seed("malloc random sequences", 12345);

	for (int step = 0; step < 6000; step++) {
		random_step(f, &live[rand_r(&seed) % 200], &seed);
		if (step == 2000)
			assert_int_equal(user_mallopt(f->m, f->mm,
						      M_MMAP_THRESHOLD, 16384),
					 0);
		if (step == 4000)
			assert_int_equal(
				user_mallopt(f->m, f->mm, M_TOP_PAD, 0), 0);
		if (step % 500 == 0) {
			heap_ok(f);
			assert_consistent(f->m);
		}
	}
	for (int i = 0; i < 200; i++)
		if (live[i].addr)
			xfree(f, live[i].addr);
	assert_int_equal(f->mm->malloc.in_use_chunks, 0);
	assert_int_equal(f->mm->malloc.mmapped_chunks, 0);
	heap_ok(f);
}

/* ------------------------------------------------------------------ */
/* Figures and the calls a client makes                                */

static void test_malloc_stats_report(void **state)
{
	struct mfix *f = *state;
	struct user_mallinfo mi;
	struct seq_buf s;
	uint64_t p = xmalloc(f, 100);

	xmalloc(f, 200 << 10); /* 51 pages with its header */
	seq_buf_init(&s);
	assert_int_equal(report_malloc_stats(f->m, f->mm, &s), 0);
	assert_string_equal(s.buf, "Arena 0:\n"
				   "system bytes     =        328\n"
				   "in use bytes     =        328\n"
				   "Total (incl. mmap):\n"
				   "system bytes     =     209224\n"
				   "in use bytes     =     209224\n"
				   "max mmap regions =          1\n"
				   "max mmap bytes   =     208896\n");
	seq_buf_free(&s);
	xfree(f, p);
	assert_int_equal(user_mallinfo(f->m, f->mm, &mi), 0);
	assert_int_equal(mi.arena, 328);
	assert_int_equal(mi.ordblks, 1); /* p went back into top */
	assert_int_equal(mi.keepcost, 112);
	assert_int_equal(mi.uordblks, STATE_SIZE);
	assert_int_equal(mi.fordblks, 112);
	assert_int_equal(mi.hblks, 1);
	assert_int_equal(mi.hblkhd, 208896);
	assert_int_equal(mi.usmblks, 209224);
}

static void test_uapi_calls(void **state)
{
	struct mfix *f = *state;
	uint64_t p, q, n;
	struct user_mallinfo mi;
	struct seq_buf s;
	int other;

	assert_int_equal(uapi_malloc(f->m, 0, 100, &p), 0);
	assert_int_equal(uapi_calloc(f->m, 0, 10, 10, &q), 0);
	assert_int_equal(uapi_realloc(f->m, 0, q, 500, &q), 0);
	assert_int_equal(uapi_posix_memalign(f->m, 0, 64, 10, &q), 0);
	assert_int_equal(uapi_malloc_usable_size(f->m, 0, p, &n), 0);
	assert_int_equal(n, 104);
	assert_int_equal(uapi_mallopt(f->m, 0, M_TRIM_THRESHOLD, 0), 0);
	assert_int_equal(uapi_malloc_trim(f->m, 0, 0, &n), 0);
	assert_int_equal(uapi_mallinfo(f->m, 0, &mi), 0);
	assert_int_equal(mi.hblks, 0);
	seq_buf_init(&s);
	assert_int_equal(report_malloc_stats(f->m, f->mm, &s), 0);
	assert_non_null(strstr(s.buf, "Arena 0:\n"));
	seq_buf_free(&s);
	assert_int_equal(uapi_free(f->m, 0, p), 0);
	/* Another session's process is out of reach. */
	assert_int_equal(task_create(f->m, "other", 0, 0, &other), 0);
	expect_error(f, uapi_malloc(f->m, other, 10, &p), -EPERM,
		     "process 2 is not this session's");
	expect_error(f, uapi_free(f->m, 999, p), -ESRCH, "no process 999");
}

/* ------------------------------------------------------------------ */
/* Trace reader                                                        */

static void expect_trace_error(const char *text, const char *msg)
{
	struct trace t;
	char err[256];

	assert_int_equal(
		trace_parse(text, strlen(text), "t", &t, err, sizeof(err)),
		-EINVAL);
	assert_string_equal(err, msg);
}

static void test_trace_reader(void **state)
{
	const char *four = "20000\n3\n4\n1\na 0 5\nr 0 12\n\nf 0\r\na 2 0\n";
	struct trace t;
	char err[256];

	(void)state;
	assert_int_equal(
		trace_parse(four, strlen(four), "t", &t, err, sizeof(err)), 0);
	assert_int_equal(t.heap_hint, 20000);
	assert_int_equal(t.weight, 1);
	assert_int_equal(t.nr_ids, 3);
	assert_int_equal(t.nr_ops, 4);
	assert_int_equal(t.ops[1].kind, TRACE_REALLOC);
	assert_int_equal(t.ops[1].size, 12);
	assert_int_equal(t.ops[2].line, 8); /* the blank line counts */
	assert_int_equal(t.ops[3].size, 0);
	assert_int_equal(t.max_size, 12);
	trace_free(&t);
	assert_int_equal(
		trace_parse("2\n1\na 1 7", 9, "t", &t, err, sizeof(err)), 0);
	assert_int_equal(t.heap_hint, 0);
	trace_free(&t);
}

static void test_trace_errors(void **state)
{
	(void)state;
	expect_trace_error("", "t:1: expected the number of block ids");
	expect_trace_error("5\n", "t:2: expected the number of operations");
	expect_trace_error("x\n", "t:1: expected the number of block ids");
	expect_trace_error("5\n1\n2\na 0 1\n",
			   "t:4: a header has 2 or 4 lines, not 3");
	expect_trace_error("2\n2\na 0\nf 0\n",
			   "t:3: malformed operation 'a 0'");
	expect_trace_error("2\n1\nx 0 5\n", "t:3: malformed operation 'x 0 5'");
	expect_trace_error("2\n1\na -1 5\n",
			   "t:3: malformed operation 'a -1 5'");
	expect_trace_error("2\n1\nf 0 5\n", "t:3: malformed operation 'f 0 5'");
	expect_trace_error("2\n1\na 0 5 6\n",
			   "t:3: malformed operation 'a 0 5 6'");
	expect_trace_error("2\n2\na 0 5\na 2 5\n",
			   "t:4: block id 2 out of range: the header has 2 "
			   "ids");
	expect_trace_error("2\n1\nf 1\n",
			   "t:3: free of block 1, which was never allocated");
	expect_trace_error("2\n3\na 1 4\nf 1\nf 1\n",
			   "t:5: free of block 1, which was already freed");
	expect_trace_error("2\n3\na 1 4\nf 1\nr 1 8\n",
			   "t:5: realloc of block 1, which was freed");
	expect_trace_error("2\n1\nr 0 8\n",
			   "t:3: realloc of block 0, which was never "
			   "allocated");
	/* realloc to 0 bytes frees, as realloc(p, 0) does. */
	expect_trace_error("2\n3\na 1 4\nr 1 0\nf 1\n",
			   "t:5: free of block 1, which was already freed");
	expect_trace_error("2\n2\na 0 4\na 0 8\n",
			   "t:4: block 0 is allocated again while in use");
	expect_trace_error("2\n1\na 0 4\nf 0\n",
			   "t:4: more operations than the header's 1");
	expect_trace_error("2\n3\na 0 4\nf 0\n",
			   "t:5: the trace ends after 2 of its 3 operations");
	expect_trace_error("2\n99999\na 0 4\n",
			   "t:2: the header promises more than the trace "
			   "holds");
	/* 55 million ids would cost a replay gigabytes for a 10-byte file. */
	expect_trace_error("55555554\n0\n",
			   "t:1: the header promises more than the trace "
			   "holds");
	expect_trace_error("0\n99999\n2\n1\na 0 4\n",
			   "t:2: the header promises more than the trace "
			   "holds");
}

/* ------------------------------------------------------------------ */
/* Replay                                                              */

static const char short1[] = "6\n12\n"
			     "a 0 2040\na 1 2040\nf 1\na 2 48\na 3 4072\n"
			     "f 3\na 4 4072\nf 0\nf 2\na 5 4072\nf 4\nf 5\n";

static void parse(const char *text, struct trace *t)
{
	char err[256];

	if (trace_parse(text, strlen(text), "inline", t, err, sizeof(err)))
		fail_msg("%s", err);
}

static void test_replay_direct(void **state)
{
	struct replay_opts o = {.check = true, .measure = true};
	struct replay_backend b;
	struct replay_result r;
	struct trace t;
	char err[256];

	(void)state;
	parse(short1, &t);
	assert_int_equal(replay_direct_open(&b, err, sizeof(err)), 0);
	assert_int_equal(replay_run(&t, &b, &o, &r, err, sizeof(err)), 0);
	assert_int_equal(r.ops, 12);
	assert_int_equal(r.peak_live, 8144);
	/* state + 2048 + 64 + 4080 + 4080 (the last chunk found no hole) */
	assert_int_equal(r.peak_heap, STATE_SIZE + 2048 + 64 + 2 * 4080);
	assert_true(r.utilization > 0.77 && r.utilization < 0.78);
	/* The same again warm, without checks: the calls alone. */
	o = (struct replay_opts){.warm = true};
	assert_int_equal(replay_run(&t, &b, &o, &r, err, sizeof(err)), 0);
	assert_true(r.ops_per_sec > 0);
	replay_close(&b);
	trace_free(&t);
}

/* A bump allocator on the host with one bug to order. */
enum fake_bug {
	FAKE_OK,
	FAKE_OVERLAP,
	FAKE_CORRUPT,
	FAKE_MISALIGN,
	FAKE_REFUSE,
};

struct fake {
	uint8_t *arena;
	uint64_t used, calls;
	enum fake_bug bug;
};

static int fake_malloc(void *ctx, uint64_t size, uint64_t *addr)
{
	struct fake *k = ctx;

	if (k->bug == FAKE_REFUSE && ++k->calls == 3)
		return -ENOMEM;
	*addr = (uintptr_t)(k->arena + k->used);
	if (k->bug == FAKE_MISALIGN && k->used)
		*addr += 8;
	if (k->bug != FAKE_OVERLAP)
		k->used += (size + 31) & ~15ULL;
	return 0;
}

static int fake_free(void *ctx, uint64_t addr)
{
	(void)ctx;
	(void)addr;
	return 0;
}

static int fake_realloc(void *ctx, uint64_t addr, uint64_t size,
			uint64_t *new_addr)
{
	int err = fake_malloc(ctx, size, new_addr);

	if (!err)
		memcpy((void *)(uintptr_t)*new_addr,
		       (const void *)(uintptr_t)addr, (size_t)size);
	return err;
}

static int fake_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	struct fake *k = ctx;

	memcpy((void *)(uintptr_t)addr, buf, len);
	if (k->bug == FAKE_CORRUPT && len > 10)
		((uint8_t *)(uintptr_t)addr)[10] ^= 1;
	return 0;
}

static int fake_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	memcpy(buf, (const void *)(uintptr_t)addr, len);
	return 0;
}

static uint64_t fake_heap_size(void *ctx)
{
	return ((struct fake *)ctx)->used;
}

static int fake_reset(void *ctx)
{
	((struct fake *)ctx)->used = 0;
	return 0;
}

static const char *fake_error(void *ctx)
{
	(void)ctx;
	return "refused";
}

static void fake_close(void *ctx)
{
	(void)ctx;
}

static const struct replay_ops fake_ops = {
	"fake",	   fake_malloc,	   fake_free,  fake_realloc, fake_write,
	fake_read, fake_heap_size, fake_reset, fake_error,   fake_close,
};

static int replay_fake(enum fake_bug bug, const char *text, char *err,
		       size_t errlen, struct replay_result *r)
{
	static uint8_t arena[1 << 16] __attribute__((aligned(16)));
	struct fake k = {arena, 0, 0, bug};
	struct replay_backend b = {&fake_ops, &k};
	struct replay_opts o = {.check = true, .measure = true};
	struct trace t;
	int rc;

	parse(text, &t);
	rc = replay_run(&t, &b, &o, r, err, errlen);
	trace_free(&t);
	return rc;
}

static void test_replay_checks(void **state)
{
	struct replay_result r;
	char err[256];

	(void)state;
	assert_int_equal(replay_fake(FAKE_OK, short1, err, sizeof(err), &r), 0);
	assert_int_equal(r.peak_live, 8144);
	assert_int_equal(r.peak_heap, 2 * 2064 + 64 + 3 * 4096);
	assert_int_equal(
		replay_fake(FAKE_OVERLAP, short1, err, sizeof(err), &r),
		-EEXIST);
	assert_non_null(strstr(err, "inline:4: block 1 ["));
	assert_non_null(strstr(err, "+2040) overlaps block 0 ["));
	assert_int_equal(
		replay_fake(FAKE_CORRUPT, short1, err, sizeof(err), &r), -EIO);
	assert_non_null(strstr(err, "inline:5: block 1 at "));
	assert_non_null(strstr(err, " lost its bytes at offset 10"));
	assert_int_equal(
		replay_fake(FAKE_MISALIGN, short1, err, sizeof(err), &r),
		-EINVAL);
	assert_non_null(strstr(err, "inline:4: block 1 at "));
	assert_non_null(strstr(err, "is not 16-byte aligned"));
	assert_int_equal(replay_fake(FAKE_REFUSE, short1, err, sizeof(err), &r),
			 -ENOMEM);
	assert_string_equal(err, "inline:6: malloc of block 2 (48 bytes): "
				 "refused");
}

/* A replay in a process of its own: its error comes back whole. */
static void test_replay_fresh_process(void **state)
{
	struct replay_opts o = {.measure = true};
	struct replay_result r;
	char err[256];

	(void)state;
	assert_int_equal(replay_glibc_fresh("/nonexistent/x.rep", &o, &r, err,
					    sizeof(err)),
			 -EINVAL);
	assert_string_equal(err,
			    "/nonexistent/x.rep: No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_first_malloc_layout, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_alignment_and_zero, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_split_and_coalesce, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_split_placement, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_round_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mmap_threshold, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_brk_trim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_calloc_zeroes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_realloc_keeps_bytes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_realloc_mmapped, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_posix_memalign, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_i386, setup_i386,
						teardown),
		cmocka_unit_test_setup_teardown(test_fork_copies_heap, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_heap_swapped, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_pointers, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_heap_unmapped, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_brk_moved_and_no_room,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_loop, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_link_and_state,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_sequences, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_malloc_stats_report, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_uapi_calls, setup,
						teardown),
		cmocka_unit_test(test_trace_reader),
		cmocka_unit_test(test_trace_errors),
		cmocka_unit_test(test_replay_direct),
		cmocka_unit_test(test_replay_checks),
		cmocka_unit_test(test_replay_fresh_process),
	};

	replay_fresh_child(); /* the test run again by the test above */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
