/* SPDX-License-Identifier: MIT */
/*
 * malloc_mmap.c - the chunks of a process's malloc that get a mapping of
 * their own: requests at or above the mmap threshold.
 *
 * Owns: their layout ([prev][next][mapping start][length | flags] just
 * below the payload, as malloc_internal.h draws it), the list of live
 * ones through those links (its head in malloc's state), their mmap,
 * munmap and mremap, and the check that a pointer is one of them.
 * Must never: unmap anything but exactly a live chunk's own mapping, or
 * read a header the process has not got mapped (a stale pointer is an
 * invalid one, not a fault).
 */
#include <errno.h>

#include "core/libc/malloc_internal.h"
#include "core/vma_internal.h"

static uint64_t page_align(const struct machine *m, uint64_t len)
{
	return (len + m->page_size - 1) & ~((uint64_t)m->page_size - 1);
}

static uint64_t chunk_flags(void)
{
	return CHUNK_ALLOC | IS_MMAPPED;
}

/* The next link of the chunk before one (or the list head) is v. */
static int set_next_of(struct mctx *c, uint64_t prev, uint64_t v)
{
	if (prev)
		return put_word(c, prev - MMAP_HDR + 8, v);
	c->st.mmapped = v;
	c->dirty = true;
	return 0;
}

/* The prev link of the chunk after one (if any) is v. */
static int set_prev_of(struct mctx *c, uint64_t next, uint64_t v)
{
	return next ? put_word(c, next - MMAP_HDR, v) : 0;
}

int mmap_chunk_alloc(struct mctx *c, uint64_t n, uint64_t align,
		     uint64_t *payload)
{
	uint64_t extra = align > MALLOC_ALIGNMENT ? align : 0;
	uint64_t len = page_align(c->m, n + MMAP_HDR + extra), map, p;
	struct malloc_stats *ms = &c->mm->malloc;
	uint64_t w[4];
	int err = do_mmap(c->m, c->mm, 0, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, &map);

	if (err)
		return mc_fault(c, err);
	p = (map + MMAP_HDR + align - 1) & ~(align - 1);
	w[0] = 0;
	w[1] = c->st.mmapped;
	w[2] = map;
	w[3] = len | chunk_flags();
	err = mc_write(c, p - MMAP_HDR, w, sizeof(w));
	if (!err)
		err = set_prev_of(c, w[1], p);
	if (err) {
		do_munmap(c->m, c->mm, map, len);
		return err;
	}
	c->st.mmapped = p;
	c->dirty = true;
	ms->mmapped_chunks++;
	ms->mmapped_bytes += len;
	malloc_note_peak(c->mm);
	*payload = p;
	return 0;
}

/* [addr, addr + len) is mapped: reading it cannot fault. */
static bool mapped(const struct mm_struct *mm, uint64_t addr, uint64_t len)
{
	return vma_lookup(mm, addr) && vma_lookup(mm, addr + len - 1);
}

/* The link of another chunk that must name p. */
static bool link_names(struct mctx *c, uint64_t at, uint64_t p)
{
	uint64_t v;

	return mapped(c->mm, at, SIZE_SZ) && !get_word(c, at, &v) && v == p;
}

int mmap_chunk_find(struct mctx *c, uint64_t p, struct mmap_chunk *mc)
{
	uint64_t w[4], pmask = c->m->page_size - 1;

	if ((p & 15) || p < MMAP_HDR || !mapped(c->mm, p - MMAP_HDR, MMAP_HDR))
		return -EINVAL;
	if (mc_read(c, p - MMAP_HDR, w, sizeof(w)))
		return -EINVAL;
	*mc = (struct mmap_chunk){p, w[0], w[1], w[2], w[3] & ~SIZE_BITS};
	if ((w[3] & SIZE_BITS) != chunk_flags() || (mc->map & pmask) ||
	    (mc->len & pmask) || !mc->len || p < mc->map + MMAP_HDR ||
	    p >= mc->map + mc->len || !mapped(c->mm, mc->map, mc->len))
		return -EINVAL;
	if (mc->prev ? (mc->prev & 15) ||
			       !link_names(c, mc->prev - MMAP_HDR + 8, p)
		     : c->st.mmapped != p)
		return -EINVAL;
	if (mc->next &&
	    ((mc->next & 15) || !link_names(c, mc->next - MMAP_HDR, p)))
		return -EINVAL;
	return 0;
}

int mmap_chunk_free(struct mctx *c, const struct mmap_chunk *mc)
{
	struct malloc_stats *ms = &c->mm->malloc;
	int err = do_munmap(c->m, c->mm, mc->map, mc->len);

	if (err)
		return mc_fault(c, err);
	ms->mmapped_chunks--;
	ms->mmapped_bytes -= mc->len;
	err = set_next_of(c, mc->prev, mc->next);
	return err ? err : set_prev_of(c, mc->next, mc->prev);
}

int mmap_chunk_remap(struct mctx *c, const struct mmap_chunk *mc, uint64_t n,
		     uint64_t *payload)
{
	uint64_t off = mc->payload - mc->map, map, p;
	uint64_t len = page_align(c->m, off + n);
	struct malloc_stats *ms = &c->mm->malloc;
	int err;

	*payload = mc->payload;
	if (len == mc->len)
		return 0;
	err = do_mremap(c->m, c->mm, mc->map, mc->len, len, MREMAP_MAYMOVE, 0,
			&map);
	if (err)
		return mc_fault(c, err);
	ms->mmapped_bytes += len - mc->len;
	malloc_note_peak(c->mm);
	p = map + off;
	err = put_word(c, p - SIZE_SZ, len | chunk_flags());
	if (!err)
		err = put_word(c, p - 2 * SIZE_SZ, map);
	if (!err && p != mc->payload)
		err = set_next_of(c, mc->prev, p);
	if (!err && p != mc->payload)
		err = set_prev_of(c, mc->next, p);
	if (!err)
		*payload = p;
	return err;
}
