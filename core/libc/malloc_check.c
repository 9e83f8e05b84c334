/* SPDX-License-Identifier: MIT */
/*
 * malloc_check.c - the invariants of a process's malloc.
 *
 * Owns: the walk of a whole heap (every chunk's header against its
 * neighbours, every free chunk's footer, every bin's links, the mmapped
 * chunks' list) against the host-side counters, and the part of it that
 * needs no process memory, which the machine's checker runs. Must never:
 * change the heap or its counters, or walk without a bound.
 */
#include <errno.h>
#include <stdlib.h>

#include "core/check.h"
#include "core/libc/malloc_internal.h"

/* ------------------------------------------------------------------ */
/* The counters alone                                                  */

/*
 * Only what no call of the process can break, however it fails or
 * whatever it does to its own memory and mappings.
 */
int malloc_check_counters(const struct machine *m, const struct mm_struct *mm,
			  char *why, size_t len)
{
	const struct malloc_stats *ms = &mm->malloc;

	if (!ms->heap_start &&
	    (ms->heap_bytes || ms->in_use_chunks || ms->mmapped_chunks ||
	     ms->mmapped_bytes || ms->nr_malloc))
		return check_failed(why, len,
				    "pid %d: malloc counts chunks but has "
				    "no heap",
				    mm->pid);
	if (ms->heap_start &&
	    (ms->heap_start < mm->start_brk ||
	     ms->heap_start >= mm->task_size || (ms->heap_start & 15) ||
	     ms->heap_bytes % 16 != 8 || ms->heap_bytes < STATE_SIZE))
		return check_failed(why, len,
				    "pid %d: malloc's heap at %#lx, %#lx "
				    "bytes, is out of place",
				    mm->pid, (unsigned long)ms->heap_start,
				    (unsigned long)ms->heap_bytes);
	if ((ms->mmapped_bytes & (m->page_size - 1)) ||
	    ms->max_mmapped_bytes < ms->mmapped_bytes ||
	    ms->max_mmapped_chunks < ms->mmapped_chunks ||
	    ms->max_total_bytes < ms->heap_bytes + ms->mmapped_bytes)
		return check_failed(why, len,
				    "pid %d: malloc's peaks are below what "
				    "it holds",
				    mm->pid);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The walk                                                            */

struct heap_census {
	uint64_t *free; /* free chunks, in address order */
	unsigned long nfree, nlinked;
	uint8_t *linked; /* each free chunk found on a bin once */
	uint64_t in_use_bytes;
	unsigned long in_use_chunks;
	unsigned long mmapped_chunks;
	uint64_t mmapped_bytes;
};

static int walk_failed(struct mctx *c, char *why, size_t len, int err)
{
	return check_failed(why, len, "pid %d: %s (%d)", c->mm->pid,
			    c->m->errmsg, err);
}

/* One chunk of the walk; *free_below says what the one below it was. */
static int census_chunk(struct mctx *c, uint64_t b, uint64_t *size,
			bool *free_below, struct heap_census *hc, char *why,
			size_t len)
{
	uint64_t hdr, foot;
	bool is_free;
	int err = get_word(c, b, &hdr);

	if (err)
		return walk_failed(c, why, len, err);
	*size = hdr & ~SIZE_BITS;
	is_free = !(hdr & CHUNK_ALLOC);
	if ((hdr & (IS_MMAPPED | 8)) || *size < MIN_CHUNK_SIZE ||
	    *size > c->st.top - b)
		return check_failed(why, len,
				    "pid %d: chunk at %#lx: bad "
				    "header %#lx",
				    c->mm->pid, (unsigned long)b,
				    (unsigned long)hdr);
	if (!(hdr & PREV_ALLOC) != *free_below || (is_free && *free_below))
		return check_failed(why, len,
				    "pid %d: chunk at %#lx: "
				    "PREV_ALLOC is wrong, or two "
				    "free chunks touch",
				    c->mm->pid, (unsigned long)b);
	if (is_free) {
		err = get_word(c, b + *size - SIZE_SZ, &foot);
		if (err)
			return walk_failed(c, why, len, err);
		if (foot != *size)
			return check_failed(why, len,
					    "pid %d: free chunk at "
					    "%#lx: footer %#lx",
					    c->mm->pid, (unsigned long)b,
					    (unsigned long)foot);
		hc->free[hc->nfree++] = b;
	} else {
		hc->in_use_bytes += *size;
		hc->in_use_chunks++;
	}
	*free_below = is_free;
	return 0;
}

static int walk_chunks(struct mctx *c, struct heap_census *hc, char *why,
		       size_t len)
{
	bool free_below = false;
	uint64_t b = first_chunk(c), size = 0;

	while (b < c->st.top) {
		int err = census_chunk(c, b, &size, &free_below, hc, why, len);

		if (err)
			return err;
		b += size;
	}
	if (free_below)
		return check_failed(why, len,
				    "pid %d: a free chunk touches "
				    "top",
				    c->mm->pid);
	return 0;
}

static long census_find(const struct heap_census *hc, uint64_t b)
{
	unsigned long lo = 0, hi = hc->nfree;

	while (lo < hi) {
		unsigned long mid = lo + (hi - lo) / 2;

		if (hc->free[mid] == b)
			return (long)mid;
		if (hc->free[mid] < b)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* Bin i: free chunks of its sizes, each once, links both ways. */
static int walk_bin(struct mctx *c, unsigned int i, struct heap_census *hc,
		    char *why, size_t len)
{
	uint64_t b, prev = 0;
	struct free_chunk fc;
	int err = get_word(c, bin_addr(c, i), &b);

	if (err)
		return walk_failed(c, why, len, err);
	if (!b != !(c->st.binmap & (1ULL << i)))
		return check_failed(why, len,
				    "pid %d: binmap says bin %u is "
				    "%s",
				    c->mm->pid, i, b ? "empty" : "not empty");
	for (unsigned long n = 0; b; n++) {
		long k = census_find(hc, b);

		if (k < 0 || hc->linked[k] || n > hc->nfree)
			return check_failed(why, len,
					    "pid %d: bin %u links "
					    "%#lx, not a free chunk "
					    "of its own",
					    c->mm->pid, i, (unsigned long)b);
		err = read_free_chunk(c, b, &fc);
		if (err)
			return walk_failed(c, why, len, err);
		if (fc.bin != i || fc.prev != prev)
			return check_failed(why, len,
					    "pid %d: chunk %#lx on "
					    "bin %u: wrong size or "
					    "prev link",
					    c->mm->pid, (unsigned long)b, i);
		hc->linked[k] = 1;
		hc->nlinked++;
		prev = b;
		b = fc.next;
	}
	return 0;
}

static int walk_mmapped(struct mctx *c, struct heap_census *hc, char *why,
			size_t len)
{
	struct mmap_chunk mc;
	uint64_t p = c->st.mmapped;

	while (p) {
		if (hc->mmapped_chunks > c->mm->malloc.mmapped_chunks ||
		    mmap_chunk_find(c, p, &mc))
			return check_failed(why, len,
					    "pid %d: mmapped chunk "
					    "%#lx is not sane",
					    c->mm->pid, (unsigned long)p);
		hc->mmapped_chunks++;
		hc->mmapped_bytes += mc.len;
		p = mc.next;
	}
	return 0;
}

static int compare_counters(struct mctx *c, const struct heap_census *hc,
			    char *why, size_t len)
{
	const struct malloc_stats *ms = &c->mm->malloc;

	if (hc->nlinked != hc->nfree || ms->free_chunks != hc->nfree)
		return check_failed(why, len,
				    "pid %d: %lu free chunks, %lu "
				    "on bins, %lu counted",
				    c->mm->pid, hc->nfree, hc->nlinked,
				    ms->free_chunks);
	if (ms->in_use_bytes != hc->in_use_bytes ||
	    ms->in_use_chunks != hc->in_use_chunks ||
	    ms->mmapped_chunks != hc->mmapped_chunks ||
	    ms->mmapped_bytes != hc->mmapped_bytes ||
	    ms->nr_malloc - ms->nr_free !=
		    hc->in_use_chunks + hc->mmapped_chunks)
		return check_failed(why, len,
				    "pid %d: malloc's counters "
				    "differ from its heap",
				    c->mm->pid);
	if (ms->heap_bytes != c->st.end - c->base || c->mm->brk != c->st.end)
		return check_failed(why, len,
				    "pid %d: the heap ends at %#lx, "
				    "the break is %#lx",
				    c->mm->pid, (unsigned long)c->st.end,
				    (unsigned long)c->mm->brk);
	return 0;
}

static int walk_heap(struct mctx *c, struct heap_census *hc, char *why,
		     size_t len)
{
	int err = walk_chunks(c, hc, why, len);

	for (unsigned int i = 0; !err && i < NBINS; i++)
		err = walk_bin(c, i, hc, why, len);
	if (!err)
		err = walk_mmapped(c, hc, why, len);
	return err ? err : compare_counters(c, hc, why, len);
}

int user_malloc_check(struct machine *m, struct mm_struct *mm, char *why,
		      size_t len)
{
	struct heap_census hc = {0};
	struct mctx c;
	unsigned long most;
	int err = malloc_begin(&c, m, mm, "malloc_check", false);

	if (err == 1)
		return malloc_check_counters(m, mm, why, len);
	if (err)
		return walk_failed(&c, why, len, err);
	most = (unsigned long)((c.st.top - first_chunk(&c)) / MIN_CHUNK_SIZE);
	hc.free = calloc(most + 1, sizeof(*hc.free));
	hc.linked = calloc(most + 1, 1);
	err = hc.free && hc.linked ? walk_heap(&c, &hc, why, len) : -ENOMEM;
	free(hc.free);
	free(hc.linked);
	return err ? err : malloc_check_counters(m, mm, why, len);
}
