/* SPDX-License-Identifier: MIT */
/*
 * malloc.c - the user-space malloc of a simulated process: its heap.
 *
 * Owns: the heap that brk grows from the process's start_brk, laid out
 * as malloc_internal.h draws it: chunks with boundary tags (an 8-byte
 * header holding size | PREV_ALLOC | CHUNK_ALLOC; footers only on free
 * chunks), size-segregated bins of free chunks (doubly linked, newest
 * first, best fit within a bin), splitting, immediate coalescing, the
 * top chunk grown and trimmed through brk by exact amounts, and the
 * entry points of malloc.h. Requests at or above the mmap threshold go
 * to malloc_mmap.c. Must never: keep allocator state anywhere but in the
 * process's memory (mm->malloc holds only counters), follow a link or a
 * size it has not checked, or loop without a bound.
 */
#include "core/libc/malloc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/libc/malloc_internal.h"

/*
 * A split free chunk gives its high end to requests below this size and
 * its low end to bigger ones, so that small and large chunks made from
 * one free chunk sit apart, and frees of one kind leave long runs.
 */
#define SPLIT_HIGH_BELOW 256
/*
 * At most this many chunks of one bin are looked at for the best fit:
 * each is a read of the process's memory, most often of another page.
 */
#define BEST_FIT_SCAN 8
/*
 * Requests up to ROUND_UP_MAX that fall within 1/2^ROUND_UP_SLACK below
 * a power of two are rounded up to it: a program that frees such
 * buffers and then asks for the power of two finds that the holes fit.
 */
#define ROUND_UP_MAX   1024
#define ROUND_UP_SLACK 3
/* glibc's FASTBIN_CONSOLIDATION_THRESHOLD: frees this big may trim. */
#define TRIM_CHECK_SIZE (64ULL << 10)
/* Bytes copied per step when realloc moves or calloc zeroes a chunk. */
#define COPY_STEP 4096

/* ------------------------------------------------------------------ */
/* Messages                                                            */

/* Why the machine refused (a fault, brk, mmap), said by the call. */
int mc_fault(struct mctx *c, int err)
{
	char why[sizeof(c->m->errmsg)];

	memcpy(why, c->m->errmsg, sizeof(why));
	return mm_refuse(c->m, BAD_NONE, err, "%s(): %.200s", c->fn, why);
}

int mc_invalid(struct mctx *c, const char *msg)
{
	return mm_refuse(c->m, BAD_NONE, -EINVAL, "%s", msg);
}

static int mc_vfail(struct mctx *c, int err, const char *fmt, va_list ap)
{
	char why[200];

	vsnprintf(why, sizeof(why), fmt, ap);
	return mm_refuse(c->m, BAD_NONE, err, "%s(): %s", c->fn, why);
}

int mc_corrupt(struct mctx *c, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = mc_vfail(c, -EUCLEAN, fmt, ap);
	va_end(ap);
	return err;
}

int mc_nomem(struct mctx *c, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = mc_vfail(c, -ENOMEM, fmt, ap);
	va_end(ap);
	return err;
}

/* ------------------------------------------------------------------ */
/* The process's memory                                                */

/* Copy forwards: dst below src, or apart from it. */
int mc_copy(struct mctx *c, uint64_t dst, uint64_t src, uint64_t len)
{
	uint8_t buf[COPY_STEP];

	while (len) {
		size_t n = len < COPY_STEP ? (size_t)len : COPY_STEP;
		int err = mc_read(c, src, buf, n);

		if (!err)
			err = mc_write(c, dst, buf, n);
		if (err)
			return err;
		src += n;
		dst += n;
		len -= n;
	}
	return 0;
}

int mc_zero(struct mctx *c, uint64_t addr, uint64_t len)
{
	uint8_t zero[COPY_STEP] = {0};

	while (len) {
		size_t n = len < COPY_STEP ? (size_t)len : COPY_STEP;
		int err = mc_write(c, addr, zero, n);

		if (err)
			return err;
		addr += n;
		len -= n;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Entry and exit                                                      */

void malloc_note_peak(struct mm_struct *mm)
{
	struct malloc_stats *ms = &mm->malloc;

	if (ms->heap_bytes + ms->mmapped_bytes > ms->max_total_bytes)
		ms->max_total_bytes = ms->heap_bytes + ms->mmapped_bytes;
	if (ms->mmapped_chunks > ms->max_mmapped_chunks)
		ms->max_mmapped_chunks = ms->mmapped_chunks;
	if (ms->mmapped_bytes > ms->max_mmapped_bytes)
		ms->max_mmapped_bytes = ms->mmapped_bytes;
}

/*
 * The first call: the state goes at the break (start_brk, unless the
 * process moved it itself), and brk grows by exactly its size.
 */
static int malloc_init(struct mctx *c)
{
	struct mm_struct *mm = c->mm;
	uint64_t brk = mm->brk, base = (brk + 15) & ~15ULL, cur;
	uint8_t state[STATE_SIZE] = {0};
	int err = do_brk(c->m, mm, base + STATE_SIZE, &cur);

	if (err)
		return mc_fault(c, -ENOMEM);
	c->base = base;
	c->st = (struct malloc_par){
		.magic = MALLOC_MAGIC,
		.mmap_threshold = DEFAULT_MMAP_THRESHOLD,
		.trim_threshold = DEFAULT_TRIM_THRESHOLD,
		.top_pad = DEFAULT_TOP_PAD,
		.top = base + STATE_SIZE,
		.end = base + STATE_SIZE,
	};
	memcpy(state, &c->st, sizeof(c->st));
	err = mc_write(c, base, state, sizeof(state));
	if (err) {
		do_brk(c->m, mm, brk, &cur);
		return err;
	}
	mm->malloc.heap_start = base;
	mm->malloc.heap_bytes = STATE_SIZE;
	malloc_note_peak(mm);
	return 0;
}

/* The words at heap_start, as only malloc could have left them. */
static bool state_sane(const struct mctx *c)
{
	const struct malloc_par *st = &c->st;

	return st->magic == MALLOC_MAGIC && st->top >= first_chunk(c) &&
	       st->top <= st->end && (st->top & 15) == 8 &&
	       (st->end & 15) == 8 && !(st->mmapped & 15) &&
	       st->mmap_threshold <= DEFAULT_MMAP_THRESHOLD_MAX &&
	       !(st->top_pad & 15) && !(st->binmap >> NBINS);
}

/*
 * Read the state for a call. Returns 1 when the process has no heap yet
 * and create is false: the caller has nothing to look at.
 */
int malloc_begin(struct mctx *c, struct machine *m, struct mm_struct *mm,
		 const char *fn, bool create)
{
	int err;

	/* Field by field: clearing all of st first costs a call its time. */
	c->m = m;
	c->mm = mm;
	c->fn = fn;
	c->base = 0;
	c->dirty = false;
	if (!mm->malloc.heap_start)
		return create ? malloc_init(c) : 1;
	c->base = mm->malloc.heap_start;
	err = mc_read(c, c->base, &c->st, sizeof(c->st));
	if (err)
		return err;
	if (!state_sane(c))
		return mc_corrupt(c, "corrupted heap state at %#lx",
				  (unsigned long)c->base);
	return 0;
}

int malloc_end(struct mctx *c, int err)
{
	if (c->dirty) {
		int werr = mc_write(c, c->base, &c->st, sizeof(c->st));

		if (!err)
			err = werr;
	}
	if (err < 0)
		c->mm->malloc.nr_errors++;
	return err < 0 ? err : 0;
}

/* ------------------------------------------------------------------ */
/* Bins                                                                */

int read_free_chunk(struct mctx *c, uint64_t b, struct free_chunk *fc)
{
	uint64_t w[3];
	int err;

	if (!chunk_addr_ok(c, b))
		return mc_corrupt(c, "corrupted double-linked list (%#lx)",
				  (unsigned long)b);
	err = mc_read(c, b, w, sizeof(w));
	if (err)
		return err;
	fc->addr = b;
	fc->size = w[0] & ~SIZE_BITS;
	fc->next = w[1];
	fc->prev = w[2];
	if ((w[0] & SIZE_BITS) != PREV_ALLOC || fc->size < MIN_CHUNK_SIZE ||
	    fc->size > c->st.top - b)
		return mc_corrupt(c, "corrupted free chunk at %#lx",
				  (unsigned long)b);
	if ((fc->next && !chunk_addr_ok(c, fc->next)) ||
	    (fc->prev && !chunk_addr_ok(c, fc->prev)))
		return mc_corrupt(c, "corrupted double-linked list (%#lx)",
				  (unsigned long)b);
	fc->bin = bin_index(fc->size);
	return 0;
}

static int unlink_chunk(struct mctx *c, const struct free_chunk *fc)
{
	int err;

	if (fc->prev) {
		err = put_word(c, fc->prev + 8, fc->next);
	} else {
		err = put_word(c, bin_addr(c, fc->bin), fc->next);
		if (!fc->next) {
			c->st.binmap &= ~(1ULL << fc->bin);
			c->dirty = true;
		}
	}
	if (!err && fc->next)
		err = put_word(c, fc->next + 16, fc->prev);
	if (!err)
		c->mm->malloc.free_chunks--;
	return err;
}

/* [b, b + size) becomes a free chunk at the head of its bin. */
static int link_chunk(struct mctx *c, uint64_t b, uint64_t size)
{
	unsigned int i = bin_index(size);
	uint64_t w[3] = {size | PREV_ALLOC, 0, 0};
	int err = 0;

	if (c->st.binmap & (1ULL << i))
		err = get_word(c, bin_addr(c, i), &w[1]);
	if (!err)
		err = mc_write(c, b, w, sizeof(w));
	if (!err)
		err = put_word(c, b + size - SIZE_SZ, size);
	if (!err && w[1])
		err = put_word(c, w[1] + 16, b);
	if (!err)
		err = put_word(c, bin_addr(c, i), b);
	if (err)
		return err;
	c->st.binmap |= 1ULL << i;
	c->dirty = true;
	c->mm->malloc.free_chunks++;
	return 0;
}

/* The first chunk of bin i, checked to belong there. */
static int bin_first(struct mctx *c, unsigned int i, struct free_chunk *fc)
{
	uint64_t b;
	int err = get_word(c, bin_addr(c, i), &b);

	if (!err)
		err = read_free_chunk(c, b, fc);
	if (!err && fc->bin != i)
		err = mc_corrupt(c, "corrupted bin %u", i);
	return err;
}

/* Bin i's first chunk, which fits whatever bin i was chosen for. */
static int take_first(struct mctx *c, unsigned int i, struct free_chunk *fc)
{
	int err = bin_first(c, i, fc);

	return err ? err : 1;
}

/* The smallest chunk of size >= s among the first ones of bin i. */
static int bin_best_fit(struct mctx *c, unsigned int i, uint64_t s,
			struct free_chunk *best)
{
	struct free_chunk fc;
	int found = 0, err = bin_first(c, i, &fc);

	for (int n = 0; !err && n < BEST_FIT_SCAN; n++) {
		if (fc.size >= s && (!found || fc.size < best->size)) {
			*best = fc;
			found = 1;
		}
		if (fc.size == s || !fc.next)
			break;
		err = read_free_chunk(c, fc.next, &fc);
		if (!err && fc.bin != i)
			err = mc_corrupt(c, "corrupted bin %u", i);
	}
	return err ? err : found;
}

/* A free chunk of at least s bytes: 1 and fc, or 0 when none. */
static int find_fit(struct mctx *c, uint64_t s, struct free_chunk *fc)
{
	unsigned int i = bin_index(s), j;
	uint64_t above;
	int found;

	if (c->st.binmap & (1ULL << i)) {
		found = i < NSMALLBINS ? take_first(c, i, fc)
				       : bin_best_fit(c, i, s, fc);
		if (found)
			return found;
	}
	/* Any chunk of a bigger bin fits: the best of the first non-empty. */
	above = c->st.binmap & ~((2ULL << i) - 1);
	if (!above)
		return 0;
	j = (unsigned int)__builtin_ctzll(above);
	found = j < NSMALLBINS ? take_first(c, j, fc)
			       : bin_best_fit(c, j, s, fc);
	return found ? found
		     : mc_corrupt(c, "bin %u holds nothing it should", j);
}

/* ------------------------------------------------------------------ */
/* The top chunk and the break                                         */

static int set_heap_end(struct mctx *c, uint64_t end)
{
	uint64_t cur;
	int err;

	if (c->mm->brk != c->st.end)
		return mc_nomem(c,
				"the break is at %#lx, not where malloc "
				"left it (%#lx)",
				(unsigned long)c->mm->brk,
				(unsigned long)c->st.end);
	err = do_brk(c->m, c->mm, end, &cur);
	if (err)
		return mc_fault(c, -ENOMEM);
	c->st.end = end;
	c->dirty = true;
	c->mm->malloc.heap_bytes = end - c->base;
	malloc_note_peak(c->mm);
	return 0;
}

static int grow_heap(struct mctx *c, uint64_t need)
{
	if (need > c->mm->task_size - c->st.end)
		return mc_nomem(c, "cannot grow the heap by %#lx bytes",
				(unsigned long)need);
	return set_heap_end(c, c->st.end + need);
}

/*
 * Give the top chunk back, all but top_pad of it, once it reaches the
 * trim threshold; as glibc, only when the free that grew it made a
 * chunk of at least TRIM_CHECK_SIZE. The heap still grows by exact
 * amounts, so what a trim keeps never raises the heap's peak.
 */
static int maybe_trim(struct mctx *c, uint64_t freed)
{
	uint64_t top_size = c->st.end - c->st.top;

	if (freed < TRIM_CHECK_SIZE || top_size < c->st.trim_threshold ||
	    top_size <= c->st.top_pad)
		return 0;
	return set_heap_end(c, c->st.top + c->st.top_pad);
}

/* The chunk at next (or top) learns that the one below it is in use. */
static int set_prev_alloc(struct mctx *c, uint64_t next)
{
	uint64_t h;
	int err;

	if (next == c->st.top)
		return 0;
	err = get_word(c, next, &h);
	return err ? err : put_word(c, next, h | PREV_ALLOC);
}

static int alloc_from_top(struct mctx *c, uint64_t s, uint64_t *b)
{
	uint64_t avail = c->st.end - c->st.top;
	int err = avail < s ? grow_heap(c, s - avail) : 0;

	if (!err)
		err = put_word(c, c->st.top, s | CHUNK_ALLOC | PREV_ALLOC);
	if (err)
		return err;
	*b = c->st.top;
	c->st.top += s;
	c->dirty = true;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Allocation                                                          */

/* The chunk size for an n-byte request. */
static uint64_t request2size(uint64_t n)
{
	uint64_t s;

	if (n > 16 && n <= ROUND_UP_MAX) {
		uint64_t p2 = 1ULL << (64 - __builtin_clzll(n - 1));

		if (p2 - n <= p2 >> ROUND_UP_SLACK)
			n = p2;
	}
	s = (n + SIZE_SZ + 15) & ~15ULL;

	return s < MIN_CHUNK_SIZE ? MIN_CHUNK_SIZE : s;
}

/* Take s bytes of the free chunk fc: small ones high, large ones low. */
static int alloc_from_free(struct mctx *c, const struct free_chunk *fc,
			   uint64_t s, uint64_t *b, uint64_t *size)
{
	uint64_t rest = fc->size - s;
	int err = unlink_chunk(c, fc);

	if (err)
		return err;
	if (rest < MIN_CHUNK_SIZE) {
		*b = fc->addr;
		*size = fc->size;
		err = put_word(c, *b, fc->size | CHUNK_ALLOC | PREV_ALLOC);
		return err ? err : set_prev_alloc(c, *b + fc->size);
	}
	*size = s;
	if (s < SPLIT_HIGH_BELOW) {
		*b = fc->addr + rest;
		err = link_chunk(c, fc->addr, rest);
		if (!err)
			err = put_word(c, *b, s | CHUNK_ALLOC);
		return err ? err : set_prev_alloc(c, *b + s);
	}
	*b = fc->addr;
	err = put_word(c, *b, s | CHUNK_ALLOC | PREV_ALLOC);
	return err ? err : link_chunk(c, *b + s, rest);
}

/* A heap chunk of at least s bytes (its size back): bins, then top. */
static int heap_alloc(struct mctx *c, uint64_t s, uint64_t *b, uint64_t *size)
{
	struct free_chunk fc;
	int err = find_fit(c, s, &fc);

	if (err > 0)
		err = alloc_from_free(c, &fc, s, b, size);
	else if (!err) {
		*size = s;
		err = alloc_from_top(c, s, b);
	}
	if (err)
		return err;
	c->mm->malloc.in_use_bytes += *size;
	c->mm->malloc.in_use_chunks++;
	return 0;
}

static int check_request(struct mctx *c, uint64_t n)
{
	if (n > c->mm->task_size)
		return mc_nomem(c, "cannot allocate %#lx bytes",
				(unsigned long)n);
	return 0;
}

static int do_malloc(struct mctx *c, uint64_t n, uint64_t *p)
{
	uint64_t b, size;
	int err = check_request(c, n);

	if (err)
		return err;
	if (n >= c->st.mmap_threshold)
		return mmap_chunk_alloc(c, n, MALLOC_ALIGNMENT, p);
	err = heap_alloc(c, request2size(n), &b, &size);
	if (!err)
		*p = b + SIZE_SZ;
	return err;
}

/* ------------------------------------------------------------------ */
/* Finding the chunk of a pointer                                      */

enum ptr_fault {
	PTR_INVALID,
	PTR_DOUBLE_FREE,
	PTR_BAD_SIZE,
	PTR_NEXT_PREV,
};

/* glibc's words for free(); the others say "invalid pointer". */
static int bad_pointer(struct mctx *c, enum ptr_fault why)
{
	static const char *const free_msgs[] = {
		[PTR_INVALID] = "free(): invalid pointer",
		[PTR_DOUBLE_FREE] = "free(): double free detected",
		[PTR_BAD_SIZE] = "free(): invalid size",
		[PTR_NEXT_PREV] = "double free or corruption (!prev)",
	};
	char msg[64];

	if (!strcmp(c->fn, "free"))
		return mc_invalid(c, free_msgs[why]);
	snprintf(msg, sizeof(msg), "%s(): invalid pointer", c->fn);
	return mc_invalid(c, msg);
}

/* A header left by free(): not in use, a size malloc could make. */
static bool looks_freed(uint64_t hdr)
{
	return !(hdr & (CHUNK_ALLOC | IS_MMAPPED | 8)) &&
	       (hdr & ~SIZE_BITS) >= MIN_CHUNK_SIZE;
}

/*
 * The heap chunk whose payload is p, checked as glibc checks it: 0 and
 * ch; 1 when p is not in the heap at all (it may be an mmapped chunk).
 */
static int find_heap_chunk(struct mctx *c, uint64_t p, struct inuse_chunk *ch)
{
	uint64_t b = p - SIZE_SZ, hdr;
	int err;

	if (p & 15)
		return bad_pointer(c, PTR_INVALID);
	if (b < first_chunk(c) || b >= c->st.end)
		return 1;
	err = get_word(c, b, &hdr);
	if (err)
		return err;
	/* free() leaves a header that says so; anything else is not ours. */
	if (b >= c->st.top || !(hdr & CHUNK_ALLOC))
		return bad_pointer(c, looks_freed(hdr) ? PTR_DOUBLE_FREE
						       : PTR_INVALID);
	ch->addr = b;
	ch->hdr = hdr;
	ch->size = hdr & ~SIZE_BITS;
	if ((hdr & (IS_MMAPPED | 8)) || ch->size < MIN_CHUNK_SIZE ||
	    ch->size > c->st.top - b)
		return bad_pointer(c, PTR_BAD_SIZE);
	ch->next_hdr = 0;
	if (b + ch->size == c->st.top)
		return 0;
	err = get_word(c, b + ch->size, &ch->next_hdr);
	if (!err && !(ch->next_hdr & PREV_ALLOC))
		return bad_pointer(c, PTR_NEXT_PREV);
	return err;
}

/* ------------------------------------------------------------------ */
/* Freeing                                                             */

/*
 * [b, b + size) is free now and the chunk below it is in use: merge it
 * with the chunk above (or into top), or tell that chunk it is free.
 */
static int release_chunk(struct mctx *c, uint64_t b, uint64_t size,
			 uint64_t next_hdr)
{
	uint64_t next = b + size;
	struct free_chunk nc;
	int err;

	if (next == c->st.top) {
		c->st.top = b;
		c->dirty = true;
		err = put_word(c, b, size | PREV_ALLOC); /* says "free" */
		return err ? err : maybe_trim(c, c->st.end - b);
	}
	if (!(next_hdr & CHUNK_ALLOC)) {
		err = read_free_chunk(c, next, &nc);
		if (!err)
			err = unlink_chunk(c, &nc);
		if (err)
			return err;
		size += nc.size;
	} else {
		err = put_word(c, next, next_hdr & ~PREV_ALLOC);
		if (err)
			return err;
	}
	return link_chunk(c, b, size);
}

/* The free chunk just below b, to merge with. */
static int prev_free_chunk(struct mctx *c, uint64_t b, struct free_chunk *pc)
{
	uint64_t psize;
	int err = get_word(c, b - SIZE_SZ, &psize);

	if (err)
		return err;
	if ((psize & SIZE_BITS) || psize < MIN_CHUNK_SIZE ||
	    psize > b - first_chunk(c))
		return mc_corrupt(c, "corrupted size vs. prev_size at %#lx",
				  (unsigned long)b);
	err = read_free_chunk(c, b - psize, pc);
	if (!err && pc->size != psize)
		return mc_corrupt(c, "corrupted size vs. prev_size at %#lx",
				  (unsigned long)b);
	return err;
}

static int heap_free(struct mctx *c, const struct inuse_chunk *ch)
{
	uint64_t b = ch->addr, size = ch->size;
	struct free_chunk pc;
	int err;

	if (!(ch->hdr & PREV_ALLOC)) {
		err = prev_free_chunk(c, b, &pc);
		if (!err)
			err = unlink_chunk(c, &pc);
		/* Its own header says "free", though it is inside another. */
		if (!err)
			err = put_word(c, ch->addr, ch->hdr & ~CHUNK_ALLOC);
		if (err)
			return err;
		b = pc.addr;
		size += pc.size;
	}
	err = release_chunk(c, b, size, ch->next_hdr);
	if (err)
		return err;
	c->mm->malloc.in_use_bytes -= ch->size;
	c->mm->malloc.in_use_chunks--;
	return 0;
}

static int do_free(struct mctx *c, uint64_t p)
{
	struct inuse_chunk ch;
	struct mmap_chunk mc;
	int err;

	if (!p)
		return 0;
	err = find_heap_chunk(c, p, &ch);
	if (err == 0)
		return heap_free(c, &ch);
	if (err < 0)
		return err;
	err = mmap_chunk_find(c, p, &mc);
	return err ? bad_pointer(c, PTR_INVALID) : mmap_chunk_free(c, &mc);
}

/* ------------------------------------------------------------------ */
/* realloc                                                             */

/* Shrink ch to s bytes, freeing the tail when it makes a chunk. */
static int shrink_in_place(struct mctx *c, const struct inuse_chunk *ch,
			   uint64_t s)
{
	uint64_t rest = ch->size - s;
	int err;

	if (rest < MIN_CHUNK_SIZE)
		return 0;
	err = put_word(c, ch->addr, s | (ch->hdr & SIZE_BITS));
	if (!err)
		err = release_chunk(c, ch->addr + s, rest, ch->next_hdr);
	if (!err)
		c->mm->malloc.in_use_bytes -= rest;
	return err;
}

/* Grow ch to s bytes where it is: 0, or 1 when it cannot. */
static int grow_in_place(struct mctx *c, const struct inuse_chunk *ch,
			 uint64_t s)
{
	uint64_t next = ch->addr + ch->size, need = s - ch->size, total;
	uint64_t flags = ch->hdr & SIZE_BITS;
	struct free_chunk nc;
	int err;

	if (next == c->st.top) {
		if (c->st.end - c->st.top < need &&
		    grow_heap(c, need - (c->st.end - c->st.top)))
			return 1;
		c->st.top += need;
		c->dirty = true;
		c->mm->malloc.in_use_bytes += need;
		return put_word(c, ch->addr, s | flags);
	}
	if (ch->next_hdr & CHUNK_ALLOC)
		return 1;
	err = read_free_chunk(c, next, &nc);
	if (err || ch->size + nc.size < s)
		return err ? err : 1;
	err = unlink_chunk(c, &nc);
	total = ch->size + nc.size;
	if (!err && total - s >= MIN_CHUNK_SIZE) {
		err = put_word(c, ch->addr, s | flags);
		if (!err)
			err = link_chunk(c, ch->addr + s, total - s);
		total = s;
	} else if (!err) {
		err = put_word(c, ch->addr, total | flags);
		if (!err)
			err = set_prev_alloc(c, ch->addr + total);
	}
	if (!err)
		c->mm->malloc.in_use_bytes += total - ch->size;
	return err;
}

static int heap_realloc(struct mctx *c, const struct inuse_chunk *ch,
			uint64_t n, uint64_t *np)
{
	uint64_t p = ch->addr + SIZE_SZ, s = request2size(n), q;
	int err = check_request(c, n);

	*np = p;
	if (err)
		return err;
	if (s <= ch->size)
		return shrink_in_place(c, ch, s);
	err = grow_in_place(c, ch, s);
	if (err <= 0)
		return err;
	err = do_malloc(c, n, &q);
	if (!err)
		err = mc_copy(c, q, p, ch->size - SIZE_SZ);
	if (!err)
		err = do_free(c, p); /* found again: the heap moved */
	if (!err)
		*np = q;
	return err;
}

/* A chunk of its own stays one (mremap) or moves into the heap. */
static int mmap_realloc(struct mctx *c, const struct mmap_chunk *mc, uint64_t n,
			uint64_t *np)
{
	uint64_t usable = mmap_chunk_usable(mc), q;
	int err = check_request(c, n);

	if (!err && n >= c->st.mmap_threshold)
		return mmap_chunk_remap(c, mc, n, np);
	if (!err)
		err = do_malloc(c, n, &q);
	if (!err)
		err = mc_copy(c, q, mc->payload, n < usable ? n : usable);
	if (!err)
		err = mmap_chunk_free(c, mc);
	if (!err)
		*np = q;
	return err;
}

static int do_realloc(struct mctx *c, uint64_t p, uint64_t n, uint64_t *np)
{
	struct inuse_chunk ch;
	struct mmap_chunk mc;
	int err;

	if (!p)
		return do_malloc(c, n, np);
	err = find_heap_chunk(c, p, &ch);
	if (err < 0)
		return err;
	if (err == 1 && mmap_chunk_find(c, p, &mc))
		return bad_pointer(c, PTR_INVALID);
	if (!n) {
		*np = 0;
		return err ? mmap_chunk_free(c, &mc) : heap_free(c, &ch);
	}
	if (err)
		return mmap_realloc(c, &mc, n, np);
	return heap_realloc(c, &ch, n, np);
}

/* ------------------------------------------------------------------ */
/* posix_memalign                                                      */

/*
 * Split the chunk in use at b (size bytes, header hdr) into [b, b + keep)
 * and the rest, and free the rest: it merges with what is free above.
 */
static int free_tail(struct mctx *c, uint64_t b, uint64_t size, uint64_t hdr,
		     uint64_t keep)
{
	struct inuse_chunk tail = {
		.addr = b + keep,
		.size = size - keep,
		.hdr = (size - keep) | CHUNK_ALLOC | PREV_ALLOC,
	};
	int err = put_word(c, b, keep | (hdr & SIZE_BITS));

	if (!err && b + size != c->st.top)
		err = get_word(c, b + size, &tail.next_hdr);
	if (!err)
		err = put_word(c, tail.addr, tail.hdr);
	if (err)
		return err;
	c->mm->malloc.in_use_chunks++;
	return heap_free(c, &tail);
}

/* The same, freeing [b, b + lead) and keeping the rest in use. */
static int free_lead(struct mctx *c, uint64_t b, uint64_t size, uint64_t hdr,
		     uint64_t lead)
{
	struct inuse_chunk head = {
		.addr = b,
		.size = lead,
		.hdr = lead | CHUNK_ALLOC | (hdr & PREV_ALLOC),
		.next_hdr = (size - lead) | CHUNK_ALLOC | PREV_ALLOC,
	};
	int err = put_word(c, b + lead, head.next_hdr);

	if (!err)
		err = put_word(c, b, head.hdr);
	if (err)
		return err;
	c->mm->malloc.in_use_chunks++;
	return heap_free(c, &head);
}

/*
 * A heap chunk of s bytes with its payload aligned to align: one big
 * enough to hold an aligned one, less what lies below and above it.
 */
static int heap_memalign(struct mctx *c, uint64_t align, uint64_t s,
			 uint64_t *p)
{
	uint64_t b, size, ap, lead, hdr;
	int err = heap_alloc(c, s + align + MIN_CHUNK_SIZE, &b, &size);

	if (!err)
		err = get_word(c, b, &hdr);
	if (err)
		return err;
	ap = (b + SIZE_SZ + align - 1) & ~(align - 1);
	while (ap != b + SIZE_SZ && ap - (b + SIZE_SZ) < MIN_CHUNK_SIZE)
		ap += align;
	lead = ap - (b + SIZE_SZ);
	if (lead) {
		err = free_lead(c, b, size, hdr, lead);
		b += lead;
		size -= lead;
		hdr = size | CHUNK_ALLOC;
	}
	if (!err && size - s >= MIN_CHUNK_SIZE)
		err = free_tail(c, b, size, hdr, s);
	*p = ap;
	return err;
}

static int do_memalign(struct mctx *c, uint64_t align, uint64_t n, uint64_t *p)
{
	unsigned int ptr = c->m->layout.arch == ARCH_X86_64 ? 8 : 4;
	char msg[128];
	int err;

	if (!align || (align & (align - 1)) || align % ptr) {
		snprintf(msg, sizeof(msg),
			 "posix_memalign(): alignment %lu is not a power of "
			 "two multiple of sizeof(void *)",
			 (unsigned long)align);
		return mc_invalid(c, msg);
	}
	err = check_request(c, n);
	if (!err && align > c->mm->task_size / 4)
		err = mc_nomem(c, "cannot align to %#lx", (unsigned long)align);
	if (err)
		return err;
	if (align <= MALLOC_ALIGNMENT)
		return do_malloc(c, n, p);
	if (n >= c->st.mmap_threshold)
		return mmap_chunk_alloc(c, n, align, p);
	return heap_memalign(c, align, request2size(n), p);
}

/* ------------------------------------------------------------------ */
/* The entry points                                                    */

int user_malloc(struct machine *m, struct mm_struct *mm, uint64_t size,
		uint64_t *addr)
{
	struct mctx c;
	int err = malloc_begin(&c, m, mm, "malloc", true);

	if (!err)
		err = do_malloc(&c, size, addr);
	if (!err)
		mm->malloc.nr_malloc++;
	return malloc_end(&c, err);
}

int user_free(struct machine *m, struct mm_struct *mm, uint64_t addr)
{
	struct mctx c;
	int err;

	if (!addr)
		return 0;
	err = malloc_begin(&c, m, mm, "free", false);
	if (err == 1)
		return malloc_end(&c,
				  mc_invalid(&c, "free(): invalid pointer"));
	if (!err)
		err = do_free(&c, addr);
	if (!err)
		mm->malloc.nr_free++;
	return malloc_end(&c, err);
}

int user_calloc(struct machine *m, struct mm_struct *mm, uint64_t nmemb,
		uint64_t size, uint64_t *addr)
{
	struct mctx c;
	uint64_t n;
	bool fresh;
	int err = malloc_begin(&c, m, mm, "calloc", true);

	if (!err && __builtin_mul_overflow(nmemb, size, &n))
		err = mc_nomem(&c, "%lu * %lu bytes overflows",
			       (unsigned long)nmemb, (unsigned long)size);
	if (err)
		return malloc_end(&c, err);
	/* A chunk of its own is a fresh mapping: zero already. */
	fresh = n >= c.st.mmap_threshold;
	err = do_malloc(&c, n, addr);
	if (!err)
		mm->malloc.nr_malloc++;
	if (!err && !fresh)
		err = mc_zero(&c, *addr, n);
	return malloc_end(&c, err);
}

int user_realloc(struct machine *m, struct mm_struct *mm, uint64_t addr,
		 uint64_t size, uint64_t *new_addr)
{
	struct mctx c;
	int err = malloc_begin(&c, m, mm, "realloc", true);

	if (!err)
		err = do_realloc(&c, addr, size, new_addr);
	if (!err && !addr)
		mm->malloc.nr_malloc++;
	else if (!err && !size)
		mm->malloc.nr_free++;
	return malloc_end(&c, err);
}

int user_posix_memalign(struct machine *m, struct mm_struct *mm,
			uint64_t alignment, uint64_t size, uint64_t *addr)
{
	struct mctx c;
	int err = malloc_begin(&c, m, mm, "posix_memalign", true);

	if (!err)
		err = do_memalign(&c, alignment, size, addr);
	if (!err)
		mm->malloc.nr_malloc++;
	return malloc_end(&c, err);
}

int user_malloc_usable_size(struct machine *m, struct mm_struct *mm,
			    uint64_t addr, uint64_t *size)
{
	struct inuse_chunk ch;
	struct mmap_chunk mc;
	struct mctx c;
	int err;

	*size = 0;
	if (!addr)
		return 0;
	err = malloc_begin(&c, m, mm, "malloc_usable_size", false);
	if (!err)
		err = find_heap_chunk(&c, addr, &ch);
	if (!err)
		*size = ch.size - SIZE_SZ;
	else if (err == 1 && !mmap_chunk_find(&c, addr, &mc))
		*size = mmap_chunk_usable(&mc);
	else if (err == 1)
		err = bad_pointer(&c, PTR_INVALID);
	return malloc_end(&c, err);
}

int user_mallopt(struct machine *m, struct mm_struct *mm, int param, int value)
{
	struct mctx c;
	char msg[128];
	int err = malloc_begin(&c, m, mm, "mallopt", true);

	if (err)
		return malloc_end(&c, err);
	if (param == M_MMAP_THRESHOLD && value >= 0 &&
	    (uint64_t)value <= DEFAULT_MMAP_THRESHOLD_MAX) {
		c.st.mmap_threshold = (uint64_t)value;
	} else if (param == M_TRIM_THRESHOLD) {
		/* As glibc: a negative value, made unsigned, never trims. */
		c.st.trim_threshold = (uint64_t)(int64_t)value;
	} else if (param == M_TOP_PAD && value >= 0) {
		c.st.top_pad = ((uint64_t)value + 15) & ~15ULL;
	} else {
		snprintf(msg, sizeof(msg),
			 "mallopt(): parameter %d with value %d is not "
			 "supported",
			 param, value);
		return malloc_end(&c, mc_invalid(&c, msg));
	}
	c.dirty = true;
	return malloc_end(&c, 0);
}

int user_malloc_trim(struct machine *m, struct mm_struct *mm, uint64_t pad,
		     uint64_t *released)
{
	struct mctx c;
	uint64_t end;
	int err = malloc_begin(&c, m, mm, "malloc_trim", false);

	*released = 0;
	if (err == 1)
		return 0;
	pad = (pad + 15) & ~15ULL;
	end = c.st.end;
	if (!err && end - c.st.top > pad)
		err = set_heap_end(&c, c.st.top + pad);
	if (!err)
		*released = end - c.st.end;
	return malloc_end(&c, err);
}
