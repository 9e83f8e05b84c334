/* SPDX-License-Identifier: MIT */
/*
 * fadvise.c - posix_fadvise(2), as mm/fadvise.c's generic_fadvise:
 * NORMAL and SEQUENTIAL set the file's readahead window (128 KiB, twice
 * that), RANDOM turns readahead off for the file, WILLNEED reads the
 * range in (forced readahead, at most the device's io_pages at once),
 * DONTNEED writes the range's dirty pages and drops its clean whole
 * pages, NOREUSE does nothing. A negative length or unknown advice is
 * -EINVAL, as on Linux.
 *
 * Owns: the advice's rules. Must never: fail on a range past the end of
 * the file (advice about bytes that are not there does nothing), or
 * drop a page that is dirty or held.
 */
#include <errno.h>

#include "core/filemap.h"
#include "core/fs/fs.h"

/* The range's last byte: offset + len - 1, or the largest offset. */
static uint64_t end_byte(int64_t offset, int64_t len)
{
	uint64_t end = (uint64_t)offset + (uint64_t)len;

	if (!len || end < (uint64_t)len || end > (uint64_t)INT64_MAX)
		return (uint64_t)INT64_MAX;
	return end - 1;
}

static void dontneed(struct machine *m, struct file *f, int64_t offset,
		     uint64_t endbyte)
{
	uint64_t start = ((uint64_t)offset + m->page_size - 1) >> m->page_shift;
	uint64_t end = endbyte >> m->page_shift;

	filemap_write_range(m, f->f_inode, (uint64_t)offset >> m->page_shift,
			    end, NULL);
	/* Partial pages at either end stay: others' bytes are in them. */
	if ((endbyte & (m->page_size - 1)) != m->page_size - 1) {
		if (!end)
			return;
		end--;
	}
	if (start <= end)
		invalidate_mapping_pages(m, f->f_inode, start, end);
}

int vfs_fadvise(struct machine *m, struct file *f, int64_t offset, int64_t len,
		int advice)
{
	uint64_t endbyte = end_byte(offset, len);

	if (len < 0)
		return -EINVAL;
	switch (advice) {
	case POSIX_FADV_NORMAL:
		f->f_ra.ra_pages = (unsigned int)vm_readahead_pages(m);
		f->f_mode &= ~FMODE_RANDOM;
		return 0;
	case POSIX_FADV_RANDOM:
		f->f_mode |= FMODE_RANDOM;
		return 0;
	case POSIX_FADV_SEQUENTIAL:
		f->f_ra.ra_pages = 2 * (unsigned int)vm_readahead_pages(m);
		f->f_mode &= ~FMODE_RANDOM;
		return 0;
	case POSIX_FADV_WILLNEED:
		if (offset < 0)
			return 0;
		return force_page_cache_readahead(
			m, f, (uint64_t)offset >> m->page_shift,
			(unsigned long)((endbyte >> m->page_shift) -
					((uint64_t)offset >> m->page_shift) +
					1));
	case POSIX_FADV_DONTNEED:
		if (offset >= 0)
			dontneed(m, f, offset, endbyte);
		return 0;
	case POSIX_FADV_NOREUSE:
		return 0;
	default:
		return -EINVAL;
	}
}
