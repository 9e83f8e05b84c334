/*
 * inode.c - the filesystem's inodes and the blocks they own: an inode
 * table in core, a bitmap of the device's blocks, and each file's runs
 * of blocks (extents, as ext4 keeps them) in a treap by file block.
 *
 * Owns: block allocation (next fit,
 * growing a file's last run when the block after it is free), freeing
 * blocks back to the bitmap and the device (a discard), inode numbers,
 * the filesystem's clock, and fs_check. Must never: give one device
 * block to two files, or leave a freed block's bytes for the next file.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/block/blkdev.h"
#include "core/err.h"
#include "core/fs/fs.h"

#define BITS_PER_LONG_ (8 * sizeof(unsigned long))

static bool test_bit_(const unsigned long *map, uint64_t n)
{
	return map[n / BITS_PER_LONG_] & (1UL << (n % BITS_PER_LONG_));
}

static void change_bit_(unsigned long *map, uint64_t n)
{
	map[n / BITS_PER_LONG_] ^= 1UL << (n % BITS_PER_LONG_);
}

int64_t fs_now(struct machine *m)
{
	/* A call costs a microsecond of simulated time, I/O its cost. */
	m->fs->now_ns += 1000;
	return m->fs->now_ns +
	       (int64_t)(m->bdev->stats.nsecs[0] + m->bdev->stats.nsecs[1]);
}

int inode_table_init(struct machine *m)
{
	struct fs_state *fs = m->fs;

	fs->block_shift = m->page_shift;
	fs->nr_blocks = m->bdev->size >> fs->block_shift;
	/* One inode per 16 KiB, as mke2fs's default ratio; at least 64. */
	fs->max_inodes = (unsigned long)(m->bdev->size >> 14) + 64;
	fs->next_ino = ROOT_INO;
	fs->prio_seed = (uint32_t)m->layout.seed | 1;
	fs->block_bitmap =
		calloc((fs->nr_blocks + BITS_PER_LONG_) / BITS_PER_LONG_,
		       sizeof(unsigned long));
	fs->inodes = calloc(fs->max_inodes + 1, sizeof(fs->inodes[0]));
	if (!fs->block_bitmap || !fs->inodes)
		return -ENOMEM;
	if (fs->nr_blocks) {
		change_bit_(fs->block_bitmap, 0); /* the superblock */
		fs->free_blocks = fs->nr_blocks - 1;
		fs->next_block = 1;
	}
	return 0;
}

void evict_inodes(struct machine *m)
{
	struct fs_state *fs = m->fs;

	for (unsigned long i = 0; fs->inodes && i <= fs->max_inodes; i++)
		if (fs->inodes[i]) {
			fs->inodes[i]->i_nlink = 0;
			fs->inodes[i]->i_count = 0;
			iput_final(m, fs->inodes[i]);
		}
	free(fs->inodes);
	free(fs->block_bitmap);
}

struct inode *new_inode(struct machine *m, uint32_t mode)
{
	struct fs_state *fs = m->fs;
	struct inode *inode;
	unsigned long ino = fs->next_ino;

	if (fs->nr_inodes >= fs->max_inodes)
		return NULL;
	while (fs->inodes[ino])
		ino = ino < fs->max_inodes ? ino + 1 : ROOT_INO;
	inode = calloc(1, sizeof(*inode));
	if (!inode)
		return NULL;
	inode->i_ino = ino;
	inode->i_mode = mode;
	inode->i_nlink = 1;
	inode->i_uid = 0;
	inode->i_atime = inode->i_mtime = inode->i_ctime = fs_now(m);
	fs->inodes[ino] = inode;
	fs->nr_inodes++;
	fs->next_ino = ino < fs->max_inodes ? ino + 1 : ROOT_INO;
	return inode;
}

void iput_final(struct machine *m, struct inode *inode)
{
	if (inode->i_nlink || inode->i_count)
		return;
	inode_truncate_blocks(m, inode, 0);
	m->fs->inodes[inode->i_ino] = NULL;
	m->fs->nr_inodes--;
	free(inode);
}

static struct fs_extent *extent_of(struct treap_node *n)
{
	return n ? treap_entry(n, struct fs_extent, node) : NULL;
}

uint64_t bmap(const struct inode *inode, uint64_t block)
{
	struct fs_extent *e = extent_of(treap_floor(inode->i_extents, block));

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
	bdev_discard(m, pblk << fs->block_shift, len << fs->block_shift);
}

static uint32_t next_prio(struct fs_state *fs)
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
	inode->i_blocks++;
	if (grows && *pblk == prev->pblk + prev->len) {
		prev->len++;
		try_merge_next(inode, prev);
		return 0;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		bfree(m, *pblk, 1);
		inode->i_blocks--;
		return -ENOMEM;
	}
	e->node.key = block;
	e->node.prio = next_prio(m->fs);
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
}

/* One inode's runs: ordered, apart, on the device, in the bitmap, once. */
static int inode_check(const struct machine *m, const struct inode *inode,
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

/* Every block in use is one inode's; the counts agree. */
int fs_check(const struct machine *m, char *why, size_t len)
{
	const struct fs_state *fs = m->fs;
	unsigned long *seen =
		calloc((fs->nr_blocks + BITS_PER_LONG_) / BITS_PER_LONG_,
		       sizeof(unsigned long));
	unsigned long inodes = 0;
	uint64_t used = fs->nr_blocks ? 1 : 0; /* the superblock */
	int err = 0;

	if (!seen)
		return 0; /* no host memory to check with: not the machine's */
	for (unsigned long i = 1; !err && i <= fs->max_inodes; i++)
		if (fs->inodes[i]) {
			err = fs->inodes[i]->i_ino != i
				      ? check_failed(why, len,
						     "fs: inode %lu is in "
						     "slot %lu",
						     fs->inodes[i]->i_ino, i)
				      : inode_check(m, fs->inodes[i], seen, why,
						    len);
			used += fs->inodes[i]->i_blocks;
			inodes++;
		}
	free(seen);
	if (!err && inodes != fs->nr_inodes)
		err = check_failed(why, len, "fs: %lu inodes, nr_inodes %lu",
				   inodes, fs->nr_inodes);
	if (!err && used + fs->free_blocks != fs->nr_blocks)
		err = check_failed(why, len,
				   "fs: %llu blocks used and %llu free of "
				   "%llu",
				   (unsigned long long)used,
				   (unsigned long long)fs->free_blocks,
				   (unsigned long long)fs->nr_blocks);
	return err;
}
