/* SPDX-License-Identifier: MIT */
/*
 * percpu.c - alloc_percpu: chunks with one unit per simulated CPU, as the
 * kernel's mm/percpu.c with percpu-km (chunks backed by contiguous pages).
 *
 * Owns: the chunks, their allocation and boundary bitmaps, the owner of
 * every allocation, the slot lists and the address index of chunks.
 * Must never: change a bitmap, list or counter on a call it refuses, or
 * free the first chunk (the kernel's first chunk lives for ever).
 *
 * Geometry: a unit is PCPU_MIN_UNIT_SIZE (32 KiB), halved until a chunk
 * of one unit per CPU (rounded up to a power of two pages) fits a
 * max_order block; a unit is never below a page. With a CPU count that
 * is not a power of two the block's tail beyond the last unit is wasted,
 * as percpu-km warns it is; Percpu in meminfo counts the units only, as
 * the kernel's pcpu_nr_pages does.
 */
#include "core/percpu.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/check.h"
#include "core/err.h"
#include "core/page_alloc.h"
#include "core/preempt.h"
#include "core/sections.h"

#define BITS_PER_LONG	 64UL
#define BITS_TO_LONGS(n) (((n) + BITS_PER_LONG - 1) / BITS_PER_LONG)

static bool is_power_of_2(unsigned long n)
{
	return n && !(n & (n - 1));
}

/* The 1-based index of the highest set bit; 0 for 0. */
static int fls_long(unsigned long x)
{
	return x ? (int)BITS_PER_LONG - __builtin_clzl(x) : 0;
}

static unsigned long align_up(unsigned long x, unsigned long align)
{
	return (x + align - 1) & ~(align - 1);
}

/* ------------------------------------------------------------------ */
/* Bitmaps, as the kernel's find_next_bit and friends                  */

static bool test_bit(const unsigned long *map, unsigned long bit)
{
	return (map[bit / BITS_PER_LONG] >> (bit % BITS_PER_LONG)) & 1;
}

static void set_bit(unsigned long *map, unsigned long bit)
{
	map[bit / BITS_PER_LONG] |= 1UL << (bit % BITS_PER_LONG);
}

static void clear_bit(unsigned long *map, unsigned long bit)
{
	map[bit / BITS_PER_LONG] &= ~(1UL << (bit % BITS_PER_LONG));
}

/* Set (value true) or clear bits [start, start + nr), a word at a time. */
static void bitmap_assign(unsigned long *map, unsigned long start,
			  unsigned long nr, bool value)
{
	while (nr) {
		unsigned long shift = start % BITS_PER_LONG;
		unsigned long span = BITS_PER_LONG - shift;
		unsigned long mask;

		if (span > nr)
			span = nr;
		mask = (span == BITS_PER_LONG ? ~0UL : (1UL << span) - 1)
		       << shift;
		if (value)
			map[start / BITS_PER_LONG] |= mask;
		else
			map[start / BITS_PER_LONG] &= ~mask;
		start += span;
		nr -= span;
	}
}

/* The first bit at or after start that is set (invert 0) or clear (~0). */
static unsigned long find_next(const unsigned long *map, unsigned long size,
			       unsigned long start, unsigned long invert)
{
	while (start < size) {
		unsigned long word = map[start / BITS_PER_LONG] ^ invert;

		word &= ~0UL << (start % BITS_PER_LONG);
		if (word) {
			unsigned long bit = (start & ~(BITS_PER_LONG - 1)) +
					    (unsigned long)__builtin_ctzl(word);

			return bit < size ? bit : size;
		}
		start = (start | (BITS_PER_LONG - 1)) + 1;
	}
	return size;
}

static unsigned long find_next_bit(const unsigned long *map, unsigned long size,
				   unsigned long start)
{
	return find_next(map, size, start, 0);
}

static unsigned long find_next_zero_bit(const unsigned long *map,
					unsigned long size, unsigned long start)
{
	return find_next(map, size, start, ~0UL);
}

/* The last set bit at or below bit, or ULONG_MAX when there is none. */
static unsigned long find_prev_bit(const unsigned long *map, unsigned long bit)
{
	unsigned long idx = bit / BITS_PER_LONG;
	unsigned long word =
		map[idx] & (~0UL >> (BITS_PER_LONG - 1 - bit % BITS_PER_LONG));

	for (;;) {
		if (word)
			return idx * BITS_PER_LONG + BITS_PER_LONG - 1 -
			       (unsigned long)__builtin_clzl(word);
		if (idx-- == 0)
			return ULONG_MAX;
		word = map[idx];
	}
}

/* ------------------------------------------------------------------ */
/* Chunks: slots, the address index, creation and destruction          */

/* The slot of a chunk whose longest free run is contig granules. */
static int pcpu_slot(unsigned long contig)
{
	return fls_long(contig);
}

static void pcpu_chunk_relocate(struct pcpu_state *s, struct pcpu_chunk *chunk)
{
	int slot = pcpu_slot(chunk->contig_hint);

	if (slot == chunk->slot)
		return;
	list_del(&chunk->list);
	list_add_tail(&chunk->list, &s->slots[slot]);
	chunk->slot = slot;
}

/* Index in by_addr of the first chunk whose base is above addr. */
static unsigned long pcpu_upper_bound(const struct pcpu_state *s, uint64_t addr)
{
	unsigned long lo = 0, hi = s->nr_chunks;

	while (lo < hi) {
		unsigned long mid = lo + (hi - lo) / 2;

		if (s->by_addr[mid]->base <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The chunk whose units hold addr, or NULL. */
static struct pcpu_chunk *pcpu_chunk_of(const struct machine *m, uint64_t addr)
{
	const struct pcpu_state *s = m->pcpu;
	unsigned long idx = pcpu_upper_bound(s, addr);
	struct pcpu_chunk *chunk;

	if (idx == 0)
		return NULL;
	chunk = s->by_addr[idx - 1];
	if (addr - chunk->base >= (uint64_t)m->nr_cpus * s->unit_size)
		return NULL;
	return chunk;
}

static void pcpu_free_chunk_memory(struct pcpu_chunk *chunk)
{
	free(chunk->alloc_map);
	free(chunk->bound_map);
	free(chunk->start_owner);
	free(chunk);
}

static struct pcpu_chunk *pcpu_alloc_chunk_memory(const struct pcpu_state *s)
{
	unsigned long words = BITS_TO_LONGS(s->nr_granules + 1);
	struct pcpu_chunk *chunk = calloc(1, sizeof(*chunk));

	if (!chunk)
		return NULL;
	chunk->alloc_map = calloc(words, sizeof(unsigned long));
	chunk->bound_map = calloc(words, sizeof(unsigned long));
	chunk->start_owner = malloc(s->nr_granules * sizeof(int32_t));
	if (!chunk->alloc_map || !chunk->bound_map || !chunk->start_owner) {
		pcpu_free_chunk_memory(chunk);
		return NULL;
	}
	for (unsigned long g = 0; g < s->nr_granules; g++)
		chunk->start_owner[g] = PCPU_NO_ALLOC;
	chunk->free_granules = s->nr_granules;
	chunk->contig_hint = s->nr_granules;
	return chunk;
}

static int pcpu_reserve_index_slot(struct pcpu_state *s)
{
	struct pcpu_chunk **grown =
		array_reserve(s->by_addr, &s->by_addr_cap, s->nr_chunks + 1,
			      sizeof(*grown), 8);

	if (!grown)
		return -ENOMEM;
	s->by_addr = grown;
	return 0;
}

/* A new empty chunk from the page allocator, or ERR_PTR. */
static struct pcpu_chunk *pcpu_create_chunk(struct machine *m)
{
	struct pcpu_state *s = m->pcpu;
	struct pcpu_chunk *chunk;
	struct page *page;
	unsigned long idx;

	if (pcpu_reserve_index_slot(s) || !(chunk = pcpu_alloc_chunk_memory(s)))
		return ERR_PTR(mm_refuse(m, BAD_NONE, -ENOMEM,
					 "no host memory for a percpu chunk"));
	page = alloc_pages(m, GFP_KERNEL, s->chunk_order);
	if (IS_ERR(page)) {
		pcpu_free_chunk_memory(chunk);
		return (struct pcpu_chunk *)page;
	}
	page->owner = 0;
	chunk->pfn = page_to_pfn(m, page);
	chunk->order = s->chunk_order;
	chunk->base = lowmem_page_address(m, page);
	chunk->slot = pcpu_slot(chunk->contig_hint);
	list_add_tail(&chunk->list, &s->slots[chunk->slot]);
	idx = pcpu_upper_bound(s, chunk->base);
	memmove(&s->by_addr[idx + 1], &s->by_addr[idx],
		(s->nr_chunks - idx) * sizeof(s->by_addr[0]));
	s->by_addr[idx] = chunk;
	s->nr_chunks++;
	return chunk;
}

static void pcpu_destroy_chunk(struct machine *m, struct pcpu_chunk *chunk)
{
	struct pcpu_state *s = m->pcpu;
	unsigned long idx = pcpu_upper_bound(s, chunk->base) - 1;

	list_del(&chunk->list);
	memmove(&s->by_addr[idx], &s->by_addr[idx + 1],
		(s->nr_chunks - idx - 1) * sizeof(s->by_addr[0]));
	s->nr_chunks--;
	free_pages_pfn(m, chunk->pfn, chunk->order);
	pcpu_free_chunk_memory(chunk);
}

/*
 * chunk has just become empty. Keep at most one empty chunk, as
 * pcpu_balance_workfn does, and prefer keeping the first chunk, which is
 * never freed.
 */
static void pcpu_chunk_emptied(struct machine *m, struct pcpu_chunk *chunk)
{
	struct pcpu_state *s = m->pcpu;
	struct pcpu_chunk *victim;

	if (!s->empty) {
		s->empty = chunk;
		return;
	}
	if (chunk == s->first_chunk) {
		victim = s->empty;
		s->empty = chunk;
	} else {
		victim = chunk;
	}
	pcpu_destroy_chunk(m, victim);
}

/* ------------------------------------------------------------------ */
/* Areas inside a chunk                                                */

/* A place for an allocation: its offset and the free run it comes from. */
struct pcpu_fit {
	unsigned long off;
	unsigned long run_len;
};

/* First fit: the lowest aligned offset with bits free granules after it. */
static bool pcpu_find_area(const struct pcpu_state *s,
			   const struct pcpu_chunk *chunk, unsigned long bits,
			   unsigned long align_bits, struct pcpu_fit *fit)
{
	unsigned long n = s->nr_granules, pos = chunk->first_free;

	while (pos < n) {
		unsigned long start =
			find_next_zero_bit(chunk->alloc_map, n, pos);
		unsigned long end, off;

		if (start >= n)
			break;
		end = find_next_bit(chunk->alloc_map, n, start);
		off = align_up(start, align_bits);
		if (off + bits <= end) {
			fit->off = off;
			fit->run_len = end - start;
			return true;
		}
		pos = end;
	}
	return false;
}

/* The longest run of free granules in a chunk. */
static unsigned long pcpu_longest_run(const struct pcpu_state *s,
				      const struct pcpu_chunk *chunk)
{
	unsigned long n = s->nr_granules, pos = chunk->first_free;
	unsigned long longest = 0;

	while (pos < n) {
		unsigned long start =
			find_next_zero_bit(chunk->alloc_map, n, pos);
		unsigned long end;

		if (start >= n)
			break;
		end = find_next_bit(chunk->alloc_map, n, start);
		if (end - start > longest)
			longest = end - start;
		pos = end;
	}
	return longest;
}

static void pcpu_alloc_area(struct machine *m, struct pcpu_chunk *chunk,
			    const struct pcpu_fit *fit, unsigned long bits)
{
	struct pcpu_state *s = m->pcpu;
	unsigned long off = fit->off;

	bitmap_assign(chunk->alloc_map, off, bits, true);
	set_bit(chunk->bound_map, off);
	set_bit(chunk->bound_map, off + bits);
	chunk->start_owner[off] = m->current_pid;
	chunk->nr_allocs++;
	chunk->free_granules -= bits;
	s->nr_allocs++;
	if (off == chunk->first_free)
		chunk->first_free = find_next_zero_bit(
			chunk->alloc_map, s->nr_granules, off + bits);
	/* Only carving the longest run can shorten the longest run. */
	if (fit->run_len == chunk->contig_hint)
		chunk->contig_hint = pcpu_longest_run(s, chunk);
	if (chunk == s->empty)
		s->empty = NULL;
	pcpu_chunk_relocate(s, chunk);
}

/*
 * Free the allocation starting at granule off. Bound bits are kept
 * exact: the start bit stays only if it also ends the allocation below,
 * the end bit only if it also starts the allocation above.
 */
static void pcpu_free_area(struct machine *m, struct pcpu_chunk *chunk,
			   unsigned long off)
{
	struct pcpu_state *s = m->pcpu;
	unsigned long n = s->nr_granules;
	unsigned long end = find_next_bit(chunk->bound_map, n + 1, off + 1);
	unsigned long run_start, run_end, prev;

	bitmap_assign(chunk->alloc_map, off, end - off, false);
	chunk->start_owner[off] = PCPU_NO_ALLOC;
	if (off == 0 || !test_bit(chunk->alloc_map, off - 1))
		clear_bit(chunk->bound_map, off);
	if (end == n || !test_bit(chunk->alloc_map, end))
		clear_bit(chunk->bound_map, end);
	chunk->nr_allocs--;
	chunk->free_granules += end - off;
	s->nr_allocs--;
	if (off < chunk->first_free)
		chunk->first_free = off;

	prev = off ? find_prev_bit(chunk->alloc_map, off - 1) : ULONG_MAX;
	run_start = prev == ULONG_MAX ? 0 : prev + 1;
	run_end = find_next_bit(chunk->alloc_map, n, end);
	if (run_end - run_start > chunk->contig_hint)
		chunk->contig_hint = run_end - run_start;
	pcpu_chunk_relocate(s, chunk);
}

/*
 * The first chunk's head: the static and reserved areas, and the static
 * variables laid out past them at boot (pcpu_alloc_static), never freed.
 */
static bool pcpu_is_head(const struct pcpu_state *s,
			 const struct pcpu_chunk *chunk, unsigned long g)
{
	return chunk == s->first_chunk && g < s->static_granules;
}

/* No allocation but, in the first chunk, the head's. */
static bool pcpu_chunk_empty(const struct pcpu_state *s,
			     const struct pcpu_chunk *chunk)
{
	return chunk->nr_allocs ==
	       (chunk == s->first_chunk ? s->nr_static : 0u);
}

/* Free an allocation; an emptied chunk may go back to the page allocator. */
static void pcpu_free(struct machine *m, struct pcpu_chunk *chunk,
		      unsigned long off)
{
	pcpu_free_area(m, chunk, off);
	if (pcpu_chunk_empty(m->pcpu, chunk))
		pcpu_chunk_emptied(m, chunk);
}

/* The first granule of the live allocation covering granule g, if any. */
static unsigned long pcpu_alloc_start(const struct pcpu_chunk *chunk,
				      unsigned long g)
{
	if (!test_bit(chunk->alloc_map, g))
		return ULONG_MAX;
	return find_prev_bit(chunk->bound_map, g);
}

/* ------------------------------------------------------------------ */
/* The API                                                             */

/* Zero the allocation in every CPU's unit: alloc_percpu memory is zeroed. */
static void pcpu_zero_area(struct machine *m, const struct pcpu_chunk *chunk,
			   unsigned long off, unsigned long bits)
{
	uint8_t *unit0 = pfn_to_ram(m, chunk->pfn);

	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++)
		memset(unit0 + cpu * m->pcpu->unit_size +
			       (off << PCPU_MIN_ALLOC_SHIFT),
		       0, bits << PCPU_MIN_ALLOC_SHIFT);
}

/* Walk the slots from the smallest that may fit, fullest chunks first. */
static struct pcpu_chunk *pcpu_find_chunk(const struct pcpu_state *s,
					  unsigned long bits,
					  unsigned long align_bits,
					  struct pcpu_fit *fit)
{
	for (int slot = pcpu_slot(bits); slot < s->nr_slots; slot++) {
		const struct list_head *pos;

		list_for_each(pos, &s->slots[slot])
		{
			struct pcpu_chunk *chunk =
				list_entry(pos, struct pcpu_chunk, list);

			if (chunk->contig_hint >= bits &&
			    pcpu_find_area(s, chunk, bits, align_bits, fit))
				return chunk;
		}
	}
	return NULL;
}

int alloc_percpu(struct machine *m, unsigned long size, unsigned long align,
		 uint64_t *ptr)
{
	struct pcpu_state *s = m->pcpu;
	unsigned long bits, align_bits;
	struct pcpu_chunk *chunk;
	struct pcpu_fit fit;

	might_sleep(m); /* GFP_KERNEL: it takes pcpu_alloc_mutex */
	if (!size || size > s->unit_size)
		return mm_refuse(m, BAD_PERCPU_REQUEST, -EINVAL,
				 "percpu size %lu is not in [1, %lu]", size,
				 s->unit_size);
	if (!is_power_of_2(align) || align > m->page_size)
		return mm_refuse(m, BAD_PERCPU_REQUEST, -EINVAL,
				 "percpu align %lu is not a power of two up "
				 "to %lu",
				 align, m->page_size);
	bits = align_up(size, PCPU_MIN_ALLOC_SIZE) >> PCPU_MIN_ALLOC_SHIFT;
	align_bits =
		align > PCPU_MIN_ALLOC_SIZE ? align >> PCPU_MIN_ALLOC_SHIFT : 1;
	chunk = pcpu_find_chunk(s, bits, align_bits, &fit);
	if (!chunk) {
		/* An empty chunk fits anything valid: there is none. */
		chunk = pcpu_create_chunk(m);
		if (IS_ERR(chunk))
			return (int)PTR_ERR(chunk);
		fit.off = 0;
		fit.run_len = s->nr_granules;
	}
	pcpu_alloc_area(m, chunk, &fit, bits);
	pcpu_zero_area(m, chunk, fit.off, bits);
	*ptr = chunk->base + (fit.off << PCPU_MIN_ALLOC_SHIFT);
	return 0;
}

uint64_t pcpu_alloc_bytes(const struct machine *m, uint64_t ptr)
{
	const struct pcpu_chunk *chunk = pcpu_chunk_of(m, ptr);
	unsigned long g, end;

	if (!chunk || ptr - chunk->base >= m->pcpu->unit_size ||
	    ptr % PCPU_MIN_ALLOC_SIZE)
		return 0;
	g = (unsigned long)(ptr - chunk->base) >> PCPU_MIN_ALLOC_SHIFT;
	if (chunk->start_owner[g] == PCPU_NO_ALLOC)
		return 0;
	end = find_next_bit(chunk->bound_map, m->pcpu->nr_granules + 1, g + 1);
	return ((uint64_t)(end - g) << PCPU_MIN_ALLOC_SHIFT) * m->nr_cpus;
}

int free_percpu(struct machine *m, uint64_t ptr)
{
	struct pcpu_chunk *chunk = pcpu_chunk_of(m, ptr);
	unsigned long g, start;
	int owner;

	if (!chunk || ptr - chunk->base >= m->pcpu->unit_size ||
	    ptr % PCPU_MIN_ALLOC_SIZE)
		return mm_refuse(m, BAD_PERCPU_POINTER, -EINVAL,
				 "%#lx is not a percpu pointer",
				 (unsigned long)ptr);
	g = (unsigned long)(ptr - chunk->base) >> PCPU_MIN_ALLOC_SHIFT;
	owner = chunk->start_owner[g];
	if (owner == PCPU_NO_ALLOC) {
		start = pcpu_alloc_start(chunk, g);
		if (start == ULONG_MAX)
			return mm_refuse(m, BAD_PERCPU_POINTER, -EINVAL,
					 "percpu pointer %#lx is not "
					 "allocated (freed already?)",
					 (unsigned long)ptr);
		return mm_refuse(
			m, BAD_PERCPU_POINTER, -EINVAL,
			"%#lx is inside the percpu allocation at "
			"%#lx, not its start",
			(unsigned long)ptr,
			(unsigned long)(chunk->base +
					(start << PCPU_MIN_ALLOC_SHIFT)));
	}
	if (owner != m->current_pid || pcpu_is_head(m->pcpu, chunk, g))
		return mm_refuse(
			m, BAD_NONE, -EPERM,
			"percpu pointer %#lx belongs to %s, not to pid %d",
			(unsigned long)ptr,
			owner ? "another task" : "the kernel", m->current_pid);
	pcpu_free(m, chunk, g);
	return 0;
}

int per_cpu_ptr(const struct machine *m, uint64_t ptr, unsigned int cpu,
		uint64_t *addr)
{
	const struct pcpu_chunk *chunk;

	if (cpu >= m->nr_cpus)
		return -EINVAL;
	chunk = pcpu_chunk_of(m, ptr);
	if (!chunk || ptr - chunk->base >= m->pcpu->unit_size ||
	    pcpu_alloc_start(chunk, (unsigned long)(ptr - chunk->base) >>
					    PCPU_MIN_ALLOC_SHIFT) == ULONG_MAX)
		return -EINVAL;
	*addr = ptr + (uint64_t)cpu * m->pcpu->unit_size;
	return 0;
}

int pcpu_owner_of(const struct machine *m, uint64_t addr, uint64_t len,
		  int *owner)
{
	const struct pcpu_state *s = m->pcpu;
	const struct pcpu_chunk *chunk;
	unsigned long off, start, end;

	if (!s || !(chunk = pcpu_chunk_of(m, addr)))
		return -EFAULT;
	off = (unsigned long)(addr - chunk->base) % s->unit_size;
	start = pcpu_alloc_start(chunk, off >> PCPU_MIN_ALLOC_SHIFT);
	if (start == ULONG_MAX)
		return -EFAULT;
	end = find_next_bit(chunk->bound_map, s->nr_granules + 1, start + 1);
	if (len > (end << PCPU_MIN_ALLOC_SHIFT) - off)
		return -EFAULT;
	*owner = chunk->start_owner[start];
	return 0;
}

/* Free pid's allocations in one chunk, which may go away meanwhile. */
static unsigned long pcpu_release_chunk(struct machine *m,
					struct pcpu_chunk *chunk, int pid)
{
	unsigned long n = m->pcpu->nr_granules, g = 0, freed = 0;

	while ((g = find_next_bit(chunk->bound_map, n, g)) < n) {
		if (chunk->start_owner[g] == pid &&
		    !pcpu_is_head(m->pcpu, chunk, g)) {
			bool last = chunk->nr_allocs == 1;

			pcpu_free(m, chunk, g);
			freed++;
			if (last)
				break;
		}
		g++;
	}
	return freed;
}

unsigned long pcpu_release(struct machine *m, int pid)
{
	struct pcpu_state *s = m->pcpu;
	unsigned long freed = 0;

	if (!s)
		return 0;
	/*
	 * Downwards: freeing a chunk only shifts the ones above it, which
	 * were done already (or, at worst, makes one be scanned twice).
	 */
	for (unsigned long i = s->nr_chunks; i-- > 0;)
		if (i < s->nr_chunks)
			freed += pcpu_release_chunk(m, s->by_addr[i], pid);
	return freed;
}

unsigned long pcpu_nr_pages(const struct machine *m)
{
	const struct pcpu_state *s = m->pcpu;

	if (!s)
		return 0;
	return s->nr_chunks * m->nr_cpus * s->unit_pages;
}

/* ------------------------------------------------------------------ */
/* Boot and teardown                                                   */

static int pcpu_setup_geometry(struct machine *m, struct pcpu_state *s)
{
	unsigned long max_block = m->page_size << m->max_order;
	unsigned long units = 1;
	unsigned long unit = PCPU_MIN_UNIT_SIZE;

	while (units < m->nr_cpus)
		units <<= 1;
	if (unit < m->page_size)
		unit = m->page_size;
	while (unit > m->page_size && unit * units > max_block)
		unit >>= 1;
	if (unit * units > max_block)
		return mm_refuse(m, BAD_NONE, -EINVAL,
				 "%u CPUs need a percpu chunk of %lu bytes; "
				 "max_order %u blocks are %lu",
				 m->nr_cpus, unit * units, m->max_order,
				 max_block);
	s->unit_size = unit;
	s->unit_pages = unit / m->page_size;
	s->nr_granules = unit >> PCPU_MIN_ALLOC_SHIFT;
	s->chunk_order =
		(unsigned int)__builtin_ctzl(unit * units / m->page_size);
	s->nr_slots = pcpu_slot(s->nr_granules) + 1;
	return 0;
}

int pcpu_init(struct machine *m)
{
	struct pcpu_state *s = calloc(1, sizeof(*s));
	struct pcpu_chunk *chunk;
	int err;

	if (!s)
		return -ENOMEM;
	m->pcpu = s;
	err = pcpu_setup_geometry(m, s);
	if (err)
		return err;
	s->slots = calloc((size_t)s->nr_slots, sizeof(*s->slots));
	if (!s->slots)
		return -ENOMEM;
	for (int i = 0; i < s->nr_slots; i++)
		INIT_LIST_HEAD(&s->slots[i]);
	chunk = pcpu_create_chunk(m);
	if (IS_ERR(chunk))
		return (int)PTR_ERR(chunk);
	s->first_chunk = chunk;
	s->empty = chunk;
	return 0;
}

int pcpu_setup_first_chunk(struct machine *m, unsigned long bytes,
			   uint64_t *base)
{
	struct pcpu_state *s = m->pcpu;
	int err;

	if (m->current_pid || s->head_bytes || s->first_chunk->nr_allocs)
		return -EINVAL;
	err = alloc_percpu(m, bytes, PCPU_MIN_ALLOC_SIZE, base);
	if (err)
		return err;
	s->head_bytes = bytes;
	s->static_granules =
		align_up(bytes, PCPU_MIN_ALLOC_SIZE) >> PCPU_MIN_ALLOC_SHIFT;
	s->nr_static = 1;
	/* With only the head in it, the first chunk counts as empty. */
	s->empty = s->first_chunk;
	return *base == s->first_chunk->base ? 0 : -EINVAL;
}

int pcpu_alloc_static(struct machine *m, unsigned long size,
		      unsigned long align, uint64_t *ptr)
{
	struct pcpu_state *s = m->pcpu;
	struct pcpu_chunk *first = s->first_chunk;
	unsigned long off = s->static_granules, start, bits;
	struct pcpu_fit fit;

	/* At boot, by the kernel, before any dynamic allocation. */
	if (m->current_pid || first->nr_allocs != s->nr_static ||
	    s->nr_chunks != 1 || !size || !is_power_of_2(align) ||
	    align > m->page_size)
		return -EINVAL;
	/*
	 * Laid out as the linker lays a section out: from the end of the
	 * static areas, the padding up to align being theirs too, so that
	 * no dynamic allocation lands between two static variables.
	 */
	start = align_up(off << PCPU_MIN_ALLOC_SHIFT, align) >>
		PCPU_MIN_ALLOC_SHIFT;
	bits = start - off +
	       (align_up(size, PCPU_MIN_ALLOC_SIZE) >> PCPU_MIN_ALLOC_SHIFT);
	if (off + bits > s->nr_granules)
		return mm_refuse(m, BAD_NONE, -ENOMEM,
				 "no room for %lu static per-CPU bytes in "
				 "the first chunk",
				 size);
	fit.off = off;
	fit.run_len = s->nr_granules - off;
	pcpu_alloc_area(m, first, &fit, bits);
	pcpu_zero_area(m, first, off, bits);
	s->static_granules = off + bits;
	s->nr_static++;
	/* Still the kernel's areas alone: the first chunk counts as empty. */
	s->empty = first;
	*ptr = first->base + (start << PCPU_MIN_ALLOC_SHIFT);
	return 0;
}

void pcpu_exit(struct machine *m)
{
	struct pcpu_state *s = m->pcpu;

	if (!s)
		return;
	/* The machine is going away: its pages need no giving back. */
	for (unsigned long i = 0; i < s->nr_chunks; i++)
		pcpu_free_chunk_memory(s->by_addr[i]);
	free(s->by_addr);
	free(s->slots);
	free(s);
	m->pcpu = NULL;
}

/* ------------------------------------------------------------------ */
/* The per-CPU offsets                                                 */

/* Addresses are 32 bits wide on i386: sums wrap there, as the CPU's do. */
static uint64_t pcpu_wrap(const struct machine *m, uint64_t addr)
{
	return m->layout.arch == ARCH_I386 ? (uint32_t)addr : addr;
}

static uint64_t per_cpu_start(const struct machine *m)
{
	struct kernel_sections ks;

	kernel_sections(&m->layout, &ks);
	return ks.per_cpu_start;
}

uint64_t per_cpu_offset(const struct machine *m, unsigned int cpu)
{
	const struct pcpu_state *s = m->pcpu;

	return pcpu_wrap(m, s->first_chunk->base - per_cpu_start(m) +
				    (uint64_t)cpu * s->unit_size);
}

uint64_t pcpu_addr_to_ptr(const struct machine *m, uint64_t addr)
{
	return pcpu_wrap(m, addr - per_cpu_offset(m, 0));
}

uint64_t pcpu_ptr_to_addr(const struct machine *m, uint64_t ptr)
{
	return pcpu_wrap(m, ptr + per_cpu_offset(m, 0));
}

/* ------------------------------------------------------------------ */
/* The checker                                                         */

/* What the maps of a chunk add up to, for comparing with its counters. */
struct pcpu_census {
	unsigned long allocs, free, longest, first_free, run;
};

/* One allocation starting at g; returns the granule after it, or 0. */
static unsigned long census_alloc(const struct pcpu_state *s,
				  const struct pcpu_chunk *chunk,
				  unsigned long g, struct pcpu_census *c,
				  char *why, size_t len)
{
	unsigned long n = s->nr_granules;
	unsigned long end = find_next_bit(chunk->bound_map, n + 1, g + 1);

	if (chunk->start_owner[g] < 0 || !test_bit(chunk->bound_map, g) ||
	    end > n) {
		check_failed(why, len,
			     "percpu chunk %#lx: allocation at granule %lu has "
			     "owner %d and bounds %lu..%lu",
			     (unsigned long)chunk->base, g,
			     chunk->start_owner[g], g, end);
		return 0;
	}
	for (unsigned long h = g; h < end; h++)
		if (!test_bit(chunk->alloc_map, h) ||
		    (h > g && chunk->start_owner[h] != PCPU_NO_ALLOC)) {
			check_failed(why, len,
				     "percpu chunk %#lx: granule %lu of the "
				     "allocation at %lu is not allocated to it",
				     (unsigned long)chunk->base, h, g);
			return 0;
		}
	c->allocs++;
	c->run = 0;
	return end;
}

/* A granule that starts no allocation must be free and unbounded. */
static int census_free(const struct pcpu_chunk *chunk, unsigned long g,
		       struct pcpu_census *c, char *why, size_t len)
{
	bool ends_alloc = g > 0 && test_bit(chunk->alloc_map, g - 1);

	if (test_bit(chunk->alloc_map, g))
		return check_failed(
			why, len,
			"percpu chunk %#lx: granule %lu is allocated "
			"but starts no allocation record",
			(unsigned long)chunk->base, g);
	if (test_bit(chunk->bound_map, g) != ends_alloc)
		return check_failed(why, len,
				    "percpu chunk %#lx: free granule %lu has a "
				    "wrong bound bit",
				    (unsigned long)chunk->base, g);
	if (c->free++ == 0 || c->first_free > g)
		c->first_free = g;
	if (++c->run > c->longest)
		c->longest = c->run;
	return 0;
}

static int check_chunk_maps(const struct pcpu_state *s,
			    const struct pcpu_chunk *chunk, char *why,
			    size_t len)
{
	struct pcpu_census c = {.first_free = s->nr_granules};
	unsigned long n = s->nr_granules, g = 0;

	while (g < n) {
		if (chunk->start_owner[g] != PCPU_NO_ALLOC) {
			g = census_alloc(s, chunk, g, &c, why, len);
			if (!g)
				return -EUCLEAN;
		} else if (census_free(chunk, g++, &c, why, len)) {
			return -EUCLEAN;
		}
	}
	if (test_bit(chunk->bound_map, n) != test_bit(chunk->alloc_map, n - 1))
		return check_failed(why, len,
				    "percpu chunk %#lx: wrong bound bit at the "
				    "end of the unit",
				    (unsigned long)chunk->base);
	if (c.allocs != chunk->nr_allocs || c.free != chunk->free_granules ||
	    c.longest != chunk->contig_hint ||
	    c.first_free != chunk->first_free)
		return check_failed(
			why, len,
			"percpu chunk %#lx: maps hold %lu allocations, %lu "
			"free, longest run %lu from %lu; counted %lu, %lu, "
			"%lu, %lu",
			(unsigned long)chunk->base, c.allocs, c.free, c.longest,
			c.first_free, chunk->nr_allocs, chunk->free_granules,
			chunk->contig_hint, chunk->first_free);
	return 0;
}

/* The chunk's memory is an allocated block of the kernel's. */
static int check_chunk_pages(const struct machine *m,
			     const struct pcpu_chunk *chunk, char *why,
			     size_t len)
{
	const struct page *page;

	if (!pfn_valid(m, chunk->pfn) ||
	    chunk->pfn + (1UL << chunk->order) > m->lowmem_end_pfn ||
	    chunk->order != m->pcpu->chunk_order)
		return check_failed(why, len,
				    "percpu chunk %#lx: order-%u block at pfn "
				    "%#lx is not in low memory",
				    (unsigned long)chunk->base, chunk->order,
				    chunk->pfn);
	page = pfn_to_page(m, chunk->pfn);
	if (!PageFlag(page, PG_head) || page->private != chunk->order ||
	    page->owner != 0 || page->_refcount != 1 ||
	    PageFlag(page, PG_slab) ||
	    chunk->base != lowmem_page_address(m, page))
		return check_failed(
			why, len,
			"percpu chunk %#lx: pfn %#lx is not its "
			"allocated order-%u block (flags %#x, owner "
			"%d)",
			(unsigned long)chunk->base, chunk->pfn, chunk->order,
			page->flags, page->owner);
	return 0;
}

static int check_chunk(const struct machine *m, unsigned long idx,
		       unsigned long *empties, unsigned long *allocs, char *why,
		       size_t len)
{
	const struct pcpu_state *s = m->pcpu;
	const struct pcpu_chunk *chunk = s->by_addr[idx];
	int err;

	if (idx && s->by_addr[idx - 1]->base +
				   ((uint64_t)m->page_size << s->chunk_order) >
			   chunk->base)
		return check_failed(why, len,
				    "percpu chunks at %#lx and %#lx overlap or "
				    "are out of order",
				    (unsigned long)s->by_addr[idx - 1]->base,
				    (unsigned long)chunk->base);
	if (chunk->slot != pcpu_slot(chunk->contig_hint))
		return check_failed(
			why, len,
			"percpu chunk %#lx: in slot %d, its longest "
			"run %lu says %d",
			(unsigned long)chunk->base, chunk->slot,
			chunk->contig_hint, pcpu_slot(chunk->contig_hint));
	err = check_chunk_pages(m, chunk, why, len);
	if (!err)
		err = check_chunk_maps(s, chunk, why, len);
	if (err)
		return err;
	if (pcpu_chunk_empty(s, chunk) && chunk != s->empty)
		return check_failed(why, len,
				    "percpu chunk %#lx is empty but not the "
				    "kept empty chunk",
				    (unsigned long)chunk->base);
	*empties += pcpu_chunk_empty(s, chunk);
	*allocs += chunk->nr_allocs;
	return 0;
}

/* Every chunk on a slot list is in the index, and the counts agree. */
static int check_slots(const struct machine *m, char *why, size_t len)
{
	const struct pcpu_state *s = m->pcpu;
	unsigned long listed = 0;

	for (int slot = 0; slot < s->nr_slots; slot++) {
		const struct list_head *pos;

		list_for_each(pos, &s->slots[slot])
		{
			const struct pcpu_chunk *chunk =
				list_entry(pos, struct pcpu_chunk, list);

			if (chunk->slot != slot ||
			    pcpu_chunk_of(m, chunk->base) != chunk)
				return check_failed(why, len,
						    "percpu chunk %#lx on slot "
						    "%d is not indexed there",
						    (unsigned long)chunk->base,
						    slot);
			if (++listed > s->nr_chunks)
				break;
		}
	}
	if (listed != s->nr_chunks)
		return check_failed(why, len,
				    "percpu: %lu chunks on slot lists, %lu "
				    "indexed",
				    listed, s->nr_chunks);
	return 0;
}

int pcpu_check(const struct machine *m, char *why, size_t len)
{
	const struct pcpu_state *s = m->pcpu;
	unsigned long empties = 0, allocs = 0;
	int err;

	if (!s)
		return 0;
	if (!s->first_chunk ||
	    pcpu_chunk_of(m, s->first_chunk->base) != s->first_chunk)
		return check_failed(why, len,
				    "percpu: the first chunk is gone");
	if (s->head_bytes &&
	    (s->first_chunk->start_owner[0] != 0 ||
	     pcpu_alloc_bytes(m, s->first_chunk->base) !=
		     align_up(s->head_bytes, PCPU_MIN_ALLOC_SIZE) * m->nr_cpus))
		return check_failed(why, len,
				    "percpu: the first chunk's first %lu "
				    "bytes are not the kernel's static and "
				    "reserved areas",
				    s->head_bytes);
	err = check_slots(m, why, len);
	for (unsigned long i = 0; !err && i < s->nr_chunks; i++)
		err = check_chunk(m, i, &empties, &allocs, why, len);
	if (err)
		return err;
	if (empties != (s->empty != NULL) || allocs != s->nr_allocs)
		return check_failed(why, len,
				    "percpu: %lu empty chunks (%s kept), %lu "
				    "allocations, %lu counted",
				    empties, s->empty ? "one" : "none", allocs,
				    s->nr_allocs);
	return 0;
}
