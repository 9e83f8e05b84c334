/* SPDX-License-Identifier: MIT */
/*
 * malloc_internal.h - what malloc.c, malloc_mmap.c and malloc_check.c
 * share: the layout of chunks and of malloc's state in the process's
 * memory, one call's context, and the accessors that reach the
 * process's memory through access_user. Never seen outside malloc*.c.
 *
 * In memory (all words 8 bytes, little-endian, on both arches):
 *
 *   heap_start: struct malloc_state (216 bytes), then the chunks:
 *   chunk:      [size | flags][payload ...]            the payload is
 *                                                      16-byte aligned
 *   free chunk: [size | PREV_ALLOC][next][prev] ... [size]  (footer)
 *   top:        the free space from st.top to st.end (the break)
 *   mmapped:    [prev][next][mapping start][length | flags][payload ...]
 */
#ifndef MM_MALLOC_INTERNAL_H
#define MM_MALLOC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/libc/malloc.h"
#include "core/mm.h"

#define SIZE_SZ	       8ULL   /* a header, footer or link */
#define MIN_CHUNK_SIZE 32ULL  /* header, two links and a footer */
#define CHUNK_ALLOC    0x1ULL /* this chunk is in use */
#define PREV_ALLOC     0x2ULL /* the chunk just below it is in use */
#define IS_MMAPPED     0x4ULL /* it has a mapping of its own */
#define SIZE_BITS      0xfULL
#define MMAP_HDR       32ULL /* prev, next, mapping start, length */

/*
 * Bins: 7 of one size each for 32 ... 128 bytes, then one for each
 * power of two, (2^k, 2^(k+1)] at index k, up to the last, which takes
 * everything above 256 KiB.
 */
#define NSMALLBINS 7
#define NBINS	   19

#define MALLOC_MAGIC 0x3130636f6c6c616dULL /* "malloc01" */

/* The allocator's own words at heap_start, before its bins. */
struct malloc_par {
	uint64_t magic;
	uint64_t mmap_threshold;
	uint64_t trim_threshold; /* UINT64_MAX: never */
	uint64_t top_pad;	 /* what a trim leaves of the top chunk */
	uint64_t top;		 /* the top chunk: free up to end */
	uint64_t end;		 /* the break as malloc set it */
	uint64_t mmapped;	 /* the newest live mmapped chunk's payload */
	uint64_t binmap;	 /* bit i: bin i is not empty */
};

/* What heap_start holds: the words above, then each bin's first chunk. */
#define BINS_OFFSET sizeof(struct malloc_par)
#define STATE_SIZE  (BINS_OFFSET + NBINS * SIZE_SZ)
_Static_assert(STATE_SIZE % 16 == 8,
	       "the first chunk's payload must be 16-byte aligned");

/* One call: the process, and its state's first words read at entry. */
struct mctx {
	struct machine *m;
	struct mm_struct *mm;
	const char *fn; /* "malloc", "free" ...: for messages */
	uint64_t base;	/* heap_start */
	struct malloc_par st;
	bool dirty; /* st changed: written back at the end of the call */
};

/* A free chunk as read from memory, its links checked. */
struct free_chunk {
	uint64_t addr, size, next, prev;
	unsigned int bin;
};

/* A chunk in use as free and realloc find it, its neighbours checked. */
struct inuse_chunk {
	uint64_t addr, size, hdr;
	uint64_t next_hdr; /* the next chunk's header; 0 when it is top */
};

/* A live mmapped chunk. */
struct mmap_chunk {
	uint64_t payload, prev, next, map, len;
};

static inline unsigned int bin_index(uint64_t size)
{
	unsigned int k;

	if (size <= 128)
		return (unsigned int)(size / 16 - 2);
	k = 63u - (unsigned int)__builtin_clzll(size - 1);
	return k < NBINS - 1 ? k : NBINS - 1;
}

static inline uint64_t first_chunk(const struct mctx *c)
{
	return c->base + STATE_SIZE;
}

static inline uint64_t bin_addr(const struct mctx *c, unsigned int i)
{
	return c->base + BINS_OFFSET + i * SIZE_SZ;
}

/* A chunk address malloc could have made: inside the heap, aligned. */
static inline bool chunk_addr_ok(const struct mctx *c, uint64_t b)
{
	return b >= first_chunk(c) && b < c->st.top && (b & 15) == 8;
}

/* malloc.c: entry, exit, messages and the process's memory. */
int malloc_begin(struct mctx *c, struct machine *m, struct mm_struct *mm,
		 const char *fn, bool create);
int malloc_end(struct mctx *c, int err);
int mc_fault(struct mctx *c, int err);
int mc_invalid(struct mctx *c, const char *msg);
int mc_corrupt(struct mctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int mc_nomem(struct mctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int mc_copy(struct mctx *c, uint64_t dst, uint64_t src, uint64_t len);
int mc_zero(struct mctx *c, uint64_t addr, uint64_t len);
int read_free_chunk(struct mctx *c, uint64_t b, struct free_chunk *fc);

/*
 * The process's bytes, as access_user reads and writes them; an access
 * within one page that the TLB holds is done here, without the call.
 */
static inline uint8_t *mc_tlb(const struct mctx *c, uint64_t addr, size_t len,
			      enum user_access access)
{
	uint64_t off = addr & (c->m->page_size - 1);
	uint8_t *ram = off + len <= c->m->page_size
			       ? user_tlb_lookup(c->m, c->mm, addr, access)
			       : NULL;

	return ram ? ram + off : NULL;
}

static inline int mc_read(struct mctx *c, uint64_t addr, void *buf, size_t len)
{
	uint8_t *ram = mc_tlb(c, addr, len, USER_READ);
	struct user_fault fault;
	int err;

	if (ram) {
		memcpy(buf, ram, len);
		return 0;
	}
	err = access_user(c->m, c->mm, addr, buf, len, USER_READ, &fault);
	return err ? mc_fault(c, err) : 0;
}

static inline int mc_write(struct mctx *c, uint64_t addr, const void *buf,
			   size_t len)
{
	uint8_t *ram = mc_tlb(c, addr, len, USER_WRITE);
	struct user_fault fault;
	int err;

	if (ram) {
		memcpy(ram, buf, len);
		return 0;
	}
	err = access_user(c->m, c->mm, addr, (void *)buf, len, USER_WRITE,
			  &fault);
	return err ? mc_fault(c, err) : 0;
}

static inline int get_word(struct mctx *c, uint64_t addr, uint64_t *v)
{
	return mc_read(c, addr, v, sizeof(*v));
}

static inline int put_word(struct mctx *c, uint64_t addr, uint64_t v)
{
	return mc_write(c, addr, &v, sizeof(v));
}

/* Both mapping ends, and the peak: after any change of heap or maps. */
void malloc_note_peak(struct mm_struct *mm);

/* malloc_mmap.c: chunks with a mapping of their own. */
int mmap_chunk_alloc(struct mctx *c, uint64_t size, uint64_t align,
		     uint64_t *payload);
/* 0 when p is a live mmapped chunk (filled in); -EINVAL otherwise. */
int mmap_chunk_find(struct mctx *c, uint64_t p, struct mmap_chunk *mc);
int mmap_chunk_free(struct mctx *c, const struct mmap_chunk *mc);
/* mremap it to hold size bytes, moving it if it must. */
int mmap_chunk_remap(struct mctx *c, const struct mmap_chunk *mc, uint64_t size,
		     uint64_t *payload);
static inline uint64_t mmap_chunk_usable(const struct mmap_chunk *mc)
{
	return mc->map + mc->len - mc->payload;
}

#endif /* MM_MALLOC_INTERNAL_H */
