/* SPDX-License-Identifier: MIT */
/*
 * buffer.c - the filesystem's metadata on the device, read and written
 * through the block device's own page cache (the bdev inode's mapping),
 * as fs/buffer.c's sb_bread and mark_buffer_dirty and block/bdev.c's
 * sync_blockdev: the superblock, the block bitmap and the inode table
 * are device blocks, and the pages caching them are meminfo's Buffers.
 *
 * Owns: the bdev inode, the on-disk form of the bitmap and of each
 * inode's record. The in-core inodes and bitmap stay the filesystem's
 * working copy; every change to them is written here too, so the device
 * holds what they hold once its dirty blocks are written.
 * Must never: lose a metadata update (with no free page the update goes
 * straight to the device), or reclaim memory to cache one (a reclaim
 * writing a file page may allocate a block and so update the bitmap).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/block/blkdev.h"
#include "core/check.h"
#include "core/err.h"
#include "core/filemap.h"
#include "core/fs/fs.h"
#include "core/gfp.h"
#include "core/workingset.h"

/*
 * The bdev mapping's pages: low memory, as Linux's GFP_USER for it,
 * and never by reclaim (Linux's GFP_NOFS keeps filesystem reclaim out
 * of a filesystem's own allocation; here no reclaim at all).
 */
#define BDEV_GFP __GFP_NOWARN

#define BITS_PER_LONG_ (8 * sizeof(unsigned long))

/* The inode's record on the device, FS_INODE_SIZE bytes. */
struct mmfs_dinode {
	uint32_t mode, nlink, uid, rdev;
	uint64_t size, blocks;
	int64_t atime, mtime, ctime;
	uint8_t pad[FS_INODE_SIZE - 56];
};

int bdev_cache_init(struct machine *m)
{
	struct inode *bd = calloc(1, sizeof(*bd));

	if (!bd)
		return -ENOMEM;
	bd->i_mode = S_IFBLK_ | 0660;
	bd->i_nlink = 1;
	bd->i_size = m->fs->nr_blocks << m->page_shift;
	bd->i_rdev = MKDEV_(MMBLK_MAJOR, 0);
	INIT_LIST_HEAD(&bd->i_mmap.vmas);
	m->fs->bd_inode = bd;
	return 0;
}

void bdev_cache_exit(struct machine *m)
{
	struct inode *bd = m->fs->bd_inode;

	if (!bd)
		return;
	if (m->fs->sb_held) /* brelse(s_sbh) */
		find_get_page(m, bd, 0)->_refcount--;
	m->fs->sb_held = false;
	truncate_inode_pages(m, bd, 0);
	free(bd);
	m->fs->bd_inode = NULL;
}

/* The cached page of a device block, read in if need be; NULL if none. */
static uint8_t *sb_bread(struct machine *m, uint64_t block)
{
	struct page *page;

	if (!m->fs->mounted)
		return NULL;
	page = read_cache_page(m, m->fs->bd_inode, block, BDEV_GFP);
	if (IS_ERR(page))
		return NULL;
	mark_page_accessed(m, page);
	return pfn_to_ram(m, page_to_pfn(m, page));
}

/*
 * The mount reads the superblock and holds its block for as long as it
 * is mounted, as ext2's and ext4's s_sbh: neither reclaim nor
 * drop_caches takes it.
 */
void bdev_cache_mount(struct machine *m)
{
	struct page *page;

	m->fs->mounted = m->fs->nr_blocks != 0;
	if (!sb_bread(m, 0))
		return;
	page = find_get_page(m, m->fs->bd_inode, 0);
	page->_refcount++;
	m->fs->sb_held = true;
}

/* Write-through: the sectors holding [pos, +len) read, changed, written. */
static void bdev_update_direct(struct machine *m, uint64_t pos, const void *src,
			       size_t len)
{
	uint32_t ss = m->bdev->sector_size;
	uint64_t start = pos / ss * ss;
	size_t span = (size_t)((pos + len + ss - 1) / ss * ss - start);
	uint8_t *buf = malloc(span);

	if (!buf || bdev_read(m, start, buf, span)) {
		free(buf);
		return;
	}
	memcpy(buf + (pos - start), src, len);
	bdev_write(m, start, buf, span);
	free(buf);
}

/* len bytes at off of device block, in the cache when it can. */
static void bdev_update(struct machine *m, uint64_t block, size_t off,
			const void *src, size_t len)
{
	uint8_t *ram = sb_bread(m, block);
	struct page *page;

	if (!ram) {
		bdev_update_direct(m, (block << m->page_shift) + off, src, len);
		return;
	}
	page = find_get_page(m, m->fs->bd_inode, block);
	memcpy(ram + off, src, len);
	set_page_dirty(m, page); /* mark_buffer_dirty */
}

static void inode_slot(const struct machine *m, unsigned long ino,
		       uint64_t *block, size_t *off)
{
	uint64_t per = m->page_size / FS_INODE_SIZE;

	*block = m->fs->itable_start + (ino - 1) / per;
	*off = (size_t)((ino - 1) % per) * FS_INODE_SIZE;
}

void inode_bread(struct machine *m, const struct inode *inode)
{
	uint64_t block;
	size_t off;

	if (!inode->i_ino || !m->fs->nr_blocks)
		return;
	inode_slot(m, inode->i_ino, &block, &off);
	sb_bread(m, block);
}

void mark_inode_dirty(struct machine *m, const struct inode *inode)
{
	struct mmfs_dinode d = {0};
	uint64_t block;
	size_t off;

	if (!inode->i_ino || !m->fs->bd_inode || !m->fs->nr_blocks)
		return;
	if (inode->i_nlink || inode->i_count) { /* else: a free record */
		d.mode = inode->i_mode;
		d.nlink = inode->i_nlink;
		d.uid = inode->i_uid;
		d.rdev = inode->i_rdev;
		d.size = inode->i_size;
		d.blocks = inode->i_blocks;
		d.atime = inode->i_atime;
		d.mtime = inode->i_mtime;
		d.ctime = inode->i_ctime;
	}
	inode_slot(m, inode->i_ino, &block, &off);
	bdev_update(m, block, off, &d, sizeof(d));
}

int write_inode_now(struct machine *m, const struct inode *inode)
{
	uint64_t block;
	size_t off;

	if (!inode->i_ino || !m->fs->bd_inode || !m->fs->nr_blocks)
		return 0;
	inode_slot(m, inode->i_ino, &block, &off);
	return filemap_write_range(m, m->fs->bd_inode, block, block, NULL);
}

void bitmap_mark_dirty(struct machine *m, uint64_t first, uint64_t last)
{
	const uint8_t *bits = (const uint8_t *)m->fs->block_bitmap;
	uint64_t byte = first / 8, end = last / 8 + 1;

	if (!m->fs->bd_inode || !m->fs->nr_blocks)
		return; /* no device, or the unmount */

	while (byte < end) {
		uint64_t block = byte >> m->page_shift;
		size_t off = (size_t)(byte & (m->page_size - 1));
		size_t n = m->page_size - off;

		if (n > end - byte)
			n = (size_t)(end - byte);
		bdev_update(m, m->fs->bitmap_start + block, off, bits + byte,
			    n);
		byte += n;
	}
}

int sync_blockdev(struct machine *m)
{
	struct inode *bd = m->fs->bd_inode;

	return bd ? filemap_write_range(m, bd, 0, UINT64_MAX, NULL) : 0;
}

unsigned long nr_blockdev_pages(const struct machine *m)
{
	return m->fs && m->fs->bd_inode ? m->fs->bd_inode->i_nrpages : 0;
}

int bdev_cache_check(const struct machine *m, unsigned long *dirty,
		     unsigned long *shadows, char *why, size_t len)
{
	const struct inode *bd = m->fs->bd_inode;
	struct treap_node *last = treap_last(bd->i_pages);
	int err = filemap_check(m, bd, dirty, why, len);

	if (!err)
		err = workingset_check(m, bd, shadows, why, len);
	if (!err && last && last->key >= m->fs->meta_blocks)
		err = check_failed(why, len,
				   "buffers: block %llu cached, metadata "
				   "ends at %llu",
				   (unsigned long long)last->key,
				   (unsigned long long)m->fs->meta_blocks);
	if (!err && bd->i_nrpages && !m->fs->mounted)
		err = check_failed(why, len, "buffers: cached before mount");
	for (uint64_t b = 0; !err && b < m->fs->meta_blocks; b++)
		if (!(m->fs->block_bitmap[b / BITS_PER_LONG_] >>
			      (b % BITS_PER_LONG_) &
		      1))
			err = check_failed(why, len,
					   "fs: metadata block %llu is free "
					   "in the bitmap",
					   (unsigned long long)b);
	return err;
}
