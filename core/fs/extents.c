/* SPDX-License-Identifier: MIT */
/*
 * extents.c - where a file's bytes live on the device: the bitmap of
 * the device's blocks (next-fit allocation, a discard on free) and each
 * inode's runs of blocks (extents, as ext4 keeps them) in a treap by
 * file block, grown in place when the block after a run is free.
 *
 * Owns: fs_state's block bitmap and counts, and inode->i_extents. Must
 * never: give one device block to two files, or leave a freed block's
 * bytes for the next file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/block/blkdev.h"
#include "core/err.h"
#include "core/fs/fs.h"

#define BITS_PER_LONG_ (8 * sizeof(unsigned long))

unsigned long *fs_block_map_alloc(const struct machine *m)
{
	return calloc((m->fs->nr_blocks + BITS_PER_LONG_) / BITS_PER_LONG_,
		      sizeof(unsigned long));
}

static bool test_bit_(const unsigned long *map, uint64_t n)
{
	return map[n / BITS_PER_LONG_] & (1UL << (n % BITS_PER_LONG_));
}

static void change_bit_(unsigned long *map, uint64_t n)
{
	map[n / BITS_PER_LONG_] ^= 1UL << (n % BITS_PER_LONG_);
}

static struct fs_extent *extent_of(struct treap_node *n)
{
	return n ? treap_entry(n, struct fs_extent, node) : NULL;
}

uint64_t bmap(const struct inode *inode, uint64_t block)
{
	struct fs_extent *e = extent_of(treap_floor(inode->i_extents, block));

	if (inode_is_bdev(inode))
		return block; /* the device's own blocks: no map */
	if (!e || block >= e->node.key + e->len)
		return 0;
	return e->pblk + (block - e->node.key);
}

/* A free device block, next fit from goal. */
static int balloc(struct fs_state *fs, uint64_t goal, uint64_t *pblk)
{
	uint64_t n = goal && goal < fs->nr_blocks ? goal : fs->next_block;

	if (!fs->free_blocks)
		return -ENOSPC;
	while (test_bit_(fs->block_bitmap, n))
		n = n + 1 < fs->nr_blocks ? n + 1 : 1;
	change_bit_(fs->block_bitmap, n);
	fs->free_blocks--;
	fs->next_block = n + 1 < fs->nr_blocks ? n + 1 : 1;
	*pblk = n;
	return 0;
}

static void bfree(struct machine *m, uint64_t pblk, uint64_t len)
{
	struct fs_state *fs = m->fs;

	for (uint64_t i = 0; i < len; i++)
		change_bit_(fs->block_bitmap, pblk + i);
	fs->free_blocks += len;
	if (len)
		bitmap_mark_dirty(m, pblk, pblk + len - 1);
	bdev_discard(m, pblk << fs->block_shift, len << fs->block_shift);
}

uint32_t fs_next_prio(struct fs_state *fs)
{
	fs->prio_seed = fs->prio_seed * 1103515245u + 12345u;
	return fs->prio_seed;
}

/* Join e with the run after it when both are contiguous on the device. */
static void try_merge_next(struct inode *inode, struct fs_extent *e)
{
	struct fs_extent *next =
		extent_of(treap_higher(inode->i_extents, e->node.key));

	if (next && next->node.key == e->node.key + e->len &&
	    next->pblk == e->pblk + e->len) {
		e->len += next->len;
		treap_erase(&inode->i_extents, &next->node, NULL);
		free(next);
	}
}

int inode_alloc_block(struct machine *m, struct inode *inode, uint64_t block,
		      uint64_t *pblk)
{
	struct fs_extent *prev = extent_of(
		block ? treap_floor(inode->i_extents, block - 1) : NULL);
	bool grows = prev && prev->node.key + prev->len == block;
	struct fs_extent *e;
	int err = balloc(m->fs, grows ? prev->pblk + prev->len : 0, pblk);

	if (err)
		return err;
	bitmap_mark_dirty(m, *pblk, *pblk);
	inode->i_blocks++;
	mark_inode_dirty(m, inode);
	if (grows && *pblk == prev->pblk + prev->len) {
		prev->len++;
		try_merge_next(inode, prev);
		return 0;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		bfree(m, *pblk, 1);
		inode->i_blocks--;
		mark_inode_dirty(m, inode);
		return -ENOMEM;
	}
	e->node.key = block;
	e->node.prio = fs_next_prio(m->fs);
	e->len = 1;
	e->pblk = *pblk;
	treap_insert(&inode->i_extents, &e->node, NULL);
	try_merge_next(inode, e);
	return 0;
}

void inode_truncate_blocks(struct machine *m, struct inode *inode,
			   uint64_t from)
{
	struct fs_extent *e;

	while ((e = extent_of(treap_last(inode->i_extents))) &&
	       e->node.key + e->len > from) {
		uint64_t keep = e->node.key < from ? from - e->node.key : 0;

		bfree(m, e->pblk + keep, e->len - keep);
		inode->i_blocks -= e->len - keep;
		e->len = keep;
		if (keep)
			break;
		treap_erase(&inode->i_extents, &e->node, NULL);
		free(e);
	}
	mark_inode_dirty(m, inode);
}

/* One inode's runs: ordered, apart, on the device, in the bitmap, once. */
int inode_extents_check(const struct machine *m, const struct inode *inode,
			unsigned long *seen, char *why, size_t len)
{
	const struct fs_state *fs = m->fs;
	uint64_t blocks = 0, end = 0;

	for (struct treap_node *n = treap_first(inode->i_extents); n;
	     n = treap_higher(inode->i_extents, n->key)) {
		const struct fs_extent *e = extent_of(n);

		if (!e->len || e->node.key < end || !e->pblk ||
		    e->pblk + e->len > fs->nr_blocks)
			return check_failed(why, len,
					    "fs: inode %lu has a bad run at "
					    "block %llu",
					    inode->i_ino,
					    (unsigned long long)e->node.key);
		for (uint64_t b = e->pblk; b < e->pblk + e->len; b++) {
			if (!test_bit_(fs->block_bitmap, b) ||
			    test_bit_(seen, b))
				return check_failed(
					why, len,
					"fs: device block %llu of inode %lu "
					"is free or taken twice",
					(unsigned long long)b, inode->i_ino);
			change_bit_(seen, b);
		}
		blocks += e->len;
		end = e->node.key + e->len;
	}
	if (blocks != inode->i_blocks)
		return check_failed(why, len,
				    "fs: inode %lu owns %llu blocks, "
				    "i_blocks says %llu",
				    inode->i_ino, (unsigned long long)blocks,
				    (unsigned long long)inode->i_blocks);
	if (!inode->i_nlink && !inode->i_count)
		return check_failed(why, len,
				    "fs: inode %lu is neither linked nor "
				    "open",
				    inode->i_ino);
	return 0;
}

static uint64_t blocks_for(uint64_t n, uint64_t per_block)
{
	return (n + per_block - 1) / per_block;
}

int balloc_init(struct machine *m)
{
	struct fs_state *fs = m->fs;

	fs->block_shift = m->page_shift;
	fs->nr_blocks = m->bdev->size >> fs->block_shift;
	fs->block_bitmap = fs_block_map_alloc(m);
	if (!fs->block_bitmap)
		return -ENOMEM;
	if (!fs->nr_blocks)
		return 0;
	/* mke2fs's order: superblock, block bitmap, inode table. */
	fs->bitmap_start = 1;
	fs->itable_start = 1 + blocks_for(fs->nr_blocks, m->page_size * 8);
	fs->meta_blocks =
		layout_storage_meta_blocks(m->bdev->size, m->page_size);
	if (fs->meta_blocks >= fs->nr_blocks)
		return -EINVAL; /* no room for a file's block */
	for (uint64_t b = 0; b < fs->meta_blocks; b++)
		change_bit_(fs->block_bitmap, b);
	fs->free_blocks = fs->nr_blocks - fs->meta_blocks;
	fs->next_block = fs->meta_blocks;
	return 0;
}
