/* SPDX-License-Identifier: MIT */
/*
 * readahead.c - how many pages a read brings into the cache, as
 * mm/readahead.c sizes it: a first window from the request
 * (get_init_ra_size), a PG_readahead marker async_size pages before its
 * end, and on reaching the marker the next window, ramped up
 * (get_next_ra_size) to the file's ra_pages (128 KiB, twice that with
 * POSIX_FADV_SEQUENTIAL); a small read away from the last one reads
 * just itself, and with POSIX_FADV_RANDOM every read does. Also the
 * readahead(2) call and forced readahead (POSIX_FADV_WILLNEED), at most
 * the device's io_pages at once, as Linux's force_page_cache_ra.
 *
 * Owns: struct file_ra_state's window. Must never: read past EOF, or
 * read more than the window at once.
 */
#include <errno.h>

#include "core/filemap.h"
#include "core/fs/fs.h"

/* The device's largest request, max_sectors_kb 1280, in pages. */
static unsigned long bdi_io_pages(const struct machine *m)
{
	return (1280UL << 10) >> m->page_shift;
}

unsigned long vm_readahead_pages(const struct machine *m)
{
	return VM_READAHEAD_KB * 1024UL >> m->page_shift;
}

void file_ra_state_init(const struct machine *m, struct file_ra_state *ra)
{
	ra->ra_pages = (unsigned int)vm_readahead_pages(m);
	ra->prev_pos = -1;
}

static unsigned long roundup_pow_of_two(unsigned long n)
{
	unsigned long p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

unsigned long get_init_ra_size(unsigned long size, unsigned long max)
{
	unsigned long newsize = roundup_pow_of_two(size);

	if (newsize <= max / 32)
		return newsize * 4;
	if (newsize <= max / 4)
		return newsize * 2;
	return max;
}

unsigned long get_next_ra_size(const struct file_ra_state *ra,
			       unsigned long max)
{
	unsigned long cur = ra->size;

	if (cur < max / 16)
		return 4 * cur;
	if (cur <= max / 2)
		return 2 * cur;
	return max;
}

static void ra_submit(struct machine *m, struct file *f)
{
	struct file_ra_state *ra = &f->f_ra;

	page_cache_ra_unbounded(m, f->f_inode, ra->start, ra->size,
				ra->async_size);
}

/* Read nr pages from index in chunks, no marker, at most max_pages. */
static void force_page_cache_ra(struct machine *m, struct file *f,
				uint64_t index, unsigned long nr)
{
	unsigned long max = bdi_io_pages(m) > f->f_ra.ra_pages
				    ? bdi_io_pages(m)
				    : f->f_ra.ra_pages;

	if (nr > max)
		nr = max;
	page_cache_ra_unbounded(m, f->f_inode, index, nr, 0);
}

void page_cache_sync_ra(struct machine *m, struct file *f, uint64_t index,
			unsigned long req_count)
{
	struct file_ra_state *ra = &f->f_ra;
	unsigned long max = ra->ra_pages;
	uint64_t prev_index = (uint64_t)ra->prev_pos >> m->page_shift;

	if (!ra->ra_pages || (f->f_mode & FMODE_RANDOM)) {
		force_page_cache_ra(m, f, index, ra->ra_pages ? req_count : 1);
		return;
	}
	if (!index || req_count > max || index - prev_index <= 1) {
		ra->start = index;
		ra->size = (unsigned int)get_init_ra_size(req_count, max);
		ra->async_size = ra->size > req_count
					 ? ra->size - (unsigned int)req_count
					 : ra->size >> 1;
		ra_submit(m, f);
		return;
	}
	/* A small read away from the last: read it as is, state kept. */
	page_cache_ra_unbounded(m, f->f_inode, index, req_count, 0);
}

void page_cache_async_ra(struct machine *m, struct file *f, uint64_t index,
			 unsigned long req_count)
{
	struct file_ra_state *ra = &f->f_ra;
	unsigned long max = ra->ra_pages;
	uint64_t start;

	if (!ra->ra_pages)
		return;
	if (index == ra->start + ra->size - ra->async_size) {
		ra->start += ra->size;
		ra->size = (unsigned int)get_next_ra_size(ra, max);
		ra->async_size = ra->size;
		ra_submit(m, f);
		return;
	}
	/* A marker without the state that set it: start past what is in. */
	for (start = index + 1; start <= index + max; start++)
		if (!find_get_page(m, f->f_inode, start))
			break;
	if (start > index + max)
		return;
	ra->start = start;
	ra->size = (unsigned int)(start - index + req_count);
	ra->size = (unsigned int)get_next_ra_size(ra, max);
	ra->async_size = ra->size;
	ra_submit(m, f);
}

int force_page_cache_readahead(struct machine *m, struct file *f,
			       uint64_t index, unsigned long nr)
{
	force_page_cache_ra(m, f, index, nr);
	return 0;
}

int ksys_readahead(struct machine *m, struct file *f, int64_t offset,
		   uint64_t count)
{
	if (!(f->f_mode & FMODE_READ))
		return -EBADF;
	if ((f->f_inode->i_mode & S_IFMT_) != S_IFREG_)
		return -EINVAL;
	/* POSIX_FADV_WILLNEED's work, as vfs_fadvise would do it. */
	if (offset < 0 || !count)
		return 0;
	return force_page_cache_readahead(
		m, f, (uint64_t)offset >> m->page_shift,
		(unsigned long)((((uint64_t)offset + count - 1) >>
				 m->page_shift) -
				((uint64_t)offset >> m->page_shift) + 1));
}
