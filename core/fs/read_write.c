/* SPDX-License-Identifier: MIT */
/*
 * read_write.c - a file's bytes and its position, as fs/read_write.c:
 * read and write at a position, lseek with SEEK_DATA and SEEK_HOLE over
 * the file's blocks, and truncation to a length.
 *
 * Owns: the checks Linux makes before a read or a write, sending a
 * buffered one through the page cache (filemap.c) and an O_DIRECT one
 * to the device blocks (read-modify-write of partial blocks, the
 * cache's copy written first and dropped after a write), i_size, mtime
 * and ctime. Must never: read past i_size, or leave bytes
 * past a truncation for a later extension to find.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/block/blkdev.h"
#include "core/filemap.h"
#include "core/writeback.h"
#include "core/fs/fs.h"
#include "core/memory.h"

static bool is_dir(const struct inode *inode)
{
	return (inode->i_mode & S_IFMT_) == S_IFDIR_;
}

/* rw_verify_area: a range past the largest offset is no range. */
static int rw_verify_area(int64_t pos, size_t count)
{
	if (pos < 0 || count > (uint64_t)INT64_MAX ||
	    (uint64_t)pos + count > (uint64_t)INT64_MAX)
		return -EINVAL;
	return 0;
}

/* O_DIRECT moves whole sectors: position and count must be aligned. */
static int direct_io_check(const struct machine *m, const struct file *f,
			   int64_t pos, size_t count)
{
	uint32_t ss = m->bdev->sector_size;

	if (!(f->f_flags & O_DIRECT_))
		return 0;
	return (uint64_t)pos % ss || count % ss ? -EINVAL : 0;
}

/* Bytes [off, +len) of file block b into buf (zeros for a hole). */
static int read_block(struct machine *m, const struct inode *inode, uint64_t b,
		      size_t off, size_t len, uint8_t *buf, uint8_t *page)
{
	uint64_t pblk = bmap(inode, b);
	int err;

	if (!pblk) {
		memset(buf, 0, len);
		return 0;
	}
	err = bdev_read(m, pblk << m->page_shift, page, m->page_size);
	if (!err)
		memcpy(buf, page + off, len);
	return err;
}

/* O_DIRECT: the range's dirty pages reach the device first. */
static int direct_sync(struct machine *m, struct inode *inode, int64_t pos,
		       size_t count)
{
	uint64_t first = (uint64_t)pos >> m->page_shift;
	uint64_t last = ((uint64_t)pos + count - 1) >> m->page_shift;

	return count ? filemap_write_range(m, inode, first, last, NULL) : 0;
}

static long direct_read(struct machine *m, struct inode *inode, void *buf,
			size_t count, int64_t *pos)
{
	uint8_t *page = malloc(m->page_size);
	size_t done = 0;
	int err = page ? direct_sync(m, inode, *pos, count) : -ENOMEM;

	while (!err && done < count) {
		uint64_t at = (uint64_t)*pos + done;
		size_t off = at & (m->page_size - 1);
		size_t n = m->page_size - off;

		if (n > count - done)
			n = count - done;
		err = read_block(m, inode, at >> m->page_shift, off, n,
				 (uint8_t *)buf + done, page);
		if (!err)
			done += n;
	}
	free(page);
	*pos += (int64_t)done;
	return done ? (long)done : err;
}

long vfs_read(struct machine *m, struct file *f, void *buf, size_t count,
	      int64_t *pos)
{
	struct inode *inode = f->f_inode;
	size_t done = 0;
	int err;

	if (!(f->f_mode & FMODE_READ))
		return -EBADF;
	if (is_dir(inode))
		return -EISDIR;
	if ((inode->i_mode & S_IFMT_) == S_IFCHR_) /* the device: no read */
		return -EINVAL;
	err = rw_verify_area(*pos, count);
	if (!err)
		err = direct_io_check(m, f, *pos, count);
	if (err)
		return err;
	if ((uint64_t)*pos >= inode->i_size || !count)
		return 0;
	if (count > inode->i_size - (uint64_t)*pos)
		count = (size_t)(inode->i_size - (uint64_t)*pos);
	if (f->f_flags & O_DIRECT_)
		return direct_read(m, inode, buf, count, pos);
	err = filemap_read(m, f, (uint64_t)*pos, buf, count, &done);
	*pos += (int64_t)done;
	return done ? (long)done : err;
}

/* buf's len bytes at off of file block b, allocating the block. */
static int write_block(struct machine *m, struct inode *inode, uint64_t b,
		       size_t off, size_t len, const uint8_t *buf,
		       uint8_t *page)
{
	uint64_t pblk = bmap(inode, b);
	int err = 0;

	if (!pblk)
		err = inode_alloc_block(m, inode, b, &pblk);
	else if (len < m->page_size)
		err = bdev_read(m, pblk << m->page_shift, page, m->page_size);
	if (err)
		return err;
	memcpy(page + off, buf, len);
	return bdev_write(m, pblk << m->page_shift, page, m->page_size);
}

/* O_DIRECT: to the device, the cache's copy of the range dropped. */
static long direct_write(struct machine *m, struct inode *inode,
			 const void *buf, size_t count, int64_t *pos)
{
	uint64_t first = (uint64_t)*pos >> m->page_shift;
	uint64_t last = ((uint64_t)*pos + count - 1) >> m->page_shift;
	uint8_t *page = calloc(1, m->page_size);
	size_t done = 0;
	int err = page ? direct_sync(m, inode, *pos, count) : -ENOMEM;

	if (!err)
		invalidate_mapping_pages(m, inode, first, last);
	while (!err && done < count) {
		uint64_t at = (uint64_t)*pos + done;
		size_t off = at & (m->page_size - 1);
		size_t n = m->page_size - off;

		if (n > count - done)
			n = count - done;
		memset(page, 0, m->page_size);
		err = write_block(m, inode, at >> m->page_shift, off, n,
				  (const uint8_t *)buf + done, page);
		if (!err)
			done += n;
	}
	free(page);
	*pos += (int64_t)done;
	return done ? (long)done : err;
}

long vfs_write(struct machine *m, struct file *f, const void *buf, size_t count,
	       int64_t *pos)
{
	struct inode *inode = f->f_inode;
	size_t done = 0;
	long n;
	int err;

	if (!(f->f_mode & FMODE_WRITE))
		return -EBADF;
	if ((inode->i_mode & S_IFMT_) == S_IFCHR_) /* the device: no write */
		return -EINVAL;
	err = rw_verify_area(*pos, count);
	if (err)
		return err;
	if (f->f_flags & O_APPEND_)
		*pos = (int64_t)inode->i_size;
	err = direct_io_check(m, f, *pos, count);
	if (err || !count)
		return err;
	if (count > (uint64_t)(FS_MAXBYTES - *pos))
		count = (size_t)(FS_MAXBYTES - *pos);
	if (!count)
		return -EFBIG;
	if (f->f_flags & O_DIRECT_) {
		n = direct_write(m, inode, buf, count, pos);
	} else {
		err = filemap_write(m, inode, (uint64_t)*pos, buf, count,
				    &done);
		balance_dirty_pages(m);
		*pos += (int64_t)done;
		n = done ? (long)done : err;
	}
	if ((uint64_t)*pos > inode->i_size)
		inode->i_size = (uint64_t)*pos;
	if (n > 0) {
		inode->i_mtime = inode->i_ctime = fs_now(m);
		mark_inode_dirty(m, inode);
	}
	return n;
}

/* The first block at or after b that is (data) or is not (hole) mapped;
 * UINT64_MAX for no data. */
static uint64_t next_block(const struct inode *inode, uint64_t b, bool data)
{
	while (true) {
		struct treap_node *n = treap_floor(inode->i_extents, b);
		const struct fs_extent *e =
			n ? treap_entry(n, struct fs_extent, node) : NULL;

		if (e && b >= e->node.key + e->len)
			e = NULL;
		if (data && e)
			return b;
		if (data) {
			n = treap_higher(inode->i_extents, b);
			return n ? n->key : UINT64_MAX;
		}
		if (!e)
			return b;
		b = e->node.key + e->len; /* the next run may follow at once */
	}
}

static int64_t seek_data_hole(const struct inode *inode, int64_t offset,
			      bool data, unsigned int shift)
{
	uint64_t b, at;

	if (offset < 0 || (uint64_t)offset >= inode->i_size)
		return -ENXIO;
	b = next_block(inode, (uint64_t)offset >> shift, data);
	at = b == UINT64_MAX ? inode->i_size : b << shift;
	if (at < (uint64_t)offset)
		at = (uint64_t)offset;
	if (at >= inode->i_size)
		return data ? -ENXIO : (int64_t)inode->i_size;
	return (int64_t)at;
}

int64_t vfs_llseek(struct machine *m, struct file *f, int64_t offset,
		   int whence)
{
	const struct inode *inode = f->f_inode;
	int64_t base, pos;

	/* A directory seeks as dcache_dir_lseek: SEEK_SET and SEEK_CUR. */
	if (is_dir(inode) && whence > 1)
		return -EINVAL;
	switch (whence) {
	case 0: /* SEEK_SET */
		base = 0;
		break;
	case 1: /* SEEK_CUR */
		base = f->f_pos;
		break;
	case 2: /* SEEK_END */
		base = (int64_t)inode->i_size;
		break;
	case 3: /* SEEK_DATA */
	case 4: /* SEEK_HOLE */
		pos = seek_data_hole(inode, offset, whence == 3, m->page_shift);
		if (pos >= 0)
			f->f_pos = pos;
		return pos;
	default:
		return -EINVAL;
	}
	if (__builtin_add_overflow(base, offset, &pos) || pos < 0)
		return -EINVAL;
	f->f_pos = pos;
	return pos;
}

int do_truncate(struct machine *m, struct inode *inode, int64_t length)
{
	uint64_t len = (uint64_t)length, bs = m->page_size;

	if (len < inode->i_size) {
		uint64_t tail = len & (bs - 1), pblk;

		/* truncate_pagecache: mappings of the cut pages go first. */
		unmap_mapping_range(m, inode, (len + bs - 1) / bs);
		truncate_inode_pages(m, inode, len);
		inode_truncate_blocks(m, inode, (len + bs - 1) / bs);
		pblk = tail ? bmap(inode, len / bs) : 0;
		if (pblk) {
			/* Bytes past the new end read as zeros if it grows. */
			uint8_t *page = malloc(bs);
			int err = page ? bdev_read(m, pblk * bs, page, bs)
				       : -ENOMEM;

			if (!err) {
				memset(page + tail, 0, bs - tail);
				err = bdev_write(m, pblk * bs, page, bs);
			}
			free(page);
			if (err)
				return err;
		}
	}
	inode->i_size = len;
	inode->i_mtime = inode->i_ctime = fs_now(m);
	mark_inode_dirty(m, inode);
	return 0;
}
