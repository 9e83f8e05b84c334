/* SPDX-License-Identifier: MIT */
/*
 * inode.c - the filesystem's inodes: an inode table in core, inode
 * numbers, an inode's end (its cached pages, then its blocks), the
 * filesystem's clock, drop_caches' walk over every inode, and fs_check
 * over blocks and page cache alike.
 *
 * Owns: struct inode's life. Must never: free an inode that is linked
 * or open, or leave its pages in the cache after it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/block/blkdev.h"
#include "core/err.h"
#include "core/filemap.h"
#include "core/mmzone.h"
#include "core/workingset.h"
#include "core/fs/fs.h"

int64_t fs_now(struct machine *m)
{
	/* A call costs a microsecond of simulated time, I/O its cost. */
	m->fs->now_ns += 1000;
	return fs_clock(m);
}

int inode_table_init(struct machine *m)
{
	struct fs_state *fs = m->fs;

	/* One inode per 16 KiB, as mke2fs's default ratio; at least 64. */
	fs->max_inodes = (unsigned long)layout_storage_inodes(m->bdev->size);
	fs->next_ino = ROOT_INO;
	fs->prio_seed = (uint32_t)m->layout.seed | 1;
	fs->inodes = calloc(fs->max_inodes + 1, sizeof(fs->inodes[0]));
	if (!fs->inodes)
		return -ENOMEM;
	return balloc_init(m);
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
	INIT_LIST_HEAD(&inode->i_mmap.vmas);
	fs->inodes[ino] = inode;
	fs->nr_inodes++;
	fs->next_ino = ino < fs->max_inodes ? ino + 1 : ROOT_INO;
	mark_inode_dirty(m, inode);
	return inode;
}

void iput_final(struct machine *m, struct inode *inode)
{
	if (inode->i_nlink || inode->i_count)
		return;
	truncate_inode_pages(m, inode, 0);
	inode_truncate_blocks(m, inode, 0);
	m->fs->inodes[inode->i_ino] = NULL;
	m->fs->nr_inodes--;
	free(inode);
}

/* Each node's lruvec counts the shadows of its pages; the sum is counted. */
static int shadows_check(const struct machine *m, const unsigned long *shadows,
			 char *why, size_t len)
{
	long sum = 0;

	for (unsigned int nid = 0; nid < m->nr_node_ids; nid++) {
		unsigned long counted =
			node_lruvec_const(m, (int)nid)->nr_shadows;

		if (shadows[nid] != counted)
			return check_failed(why, len,
					    "workingset: node %u: %lu shadows, "
					    "counted %lu",
					    nid, shadows[nid], counted);
		sum += (long)counted;
	}
	if (sum != m->node_stat[WORKINGSET_NODES])
		return check_failed(why, len,
				    "workingset: %ld shadows, "
				    "workingset_nodes %ld",
				    sum, m->node_stat[WORKINGSET_NODES]);
	return 0;
}

/* Every block in use is one inode's; the counts agree. */
int fs_check(const struct machine *m, char *why, size_t len)
{
	const struct fs_state *fs = m->fs;
	unsigned long *seen = fs_block_map_alloc(m);
	unsigned long inodes = 0, dirty = 0, cached = 0;
	unsigned long shadows[MAX_NUMNODES] = {0}; /* by the node they left */
	uint64_t used = fs->meta_blocks; /* superblock, bitmap, inode table */
	int err = 0;

	if (!seen)
		return 0; /* no host memory to check with: not the machine's */
	for (uint64_t b = 0; b < fs->meta_blocks; b++) /* no file's block */
		seen[b / (8 * sizeof(*seen))] |= 1UL
						 << (b % (8 * sizeof(*seen)));
	if (fs->bd_inode) {
		err = bdev_cache_check(m, &dirty, shadows, why, len);
		cached += fs->bd_inode->i_nrpages;
	}
	for (unsigned long i = 1; !err && i <= fs->max_inodes; i++) {
		const struct inode *inode = fs->inodes[i];

		if (!inode)
			continue;
		err = inode->i_ino != i
			      ? check_failed(why, len,
					     "fs: inode %lu is in slot %lu",
					     inode->i_ino, i)
			      : inode_extents_check(m, inode, seen, why, len);
		if (!err)
			err = filemap_check(m, inode, &dirty, why, len);
		if (!err)
			err = workingset_check(m, inode, shadows, why, len);
		cached += inode->i_nrpages;
		used += inode->i_blocks;
		inodes++;
	}
	free(seen);
	if (!err && inodes != fs->nr_inodes)
		err = check_failed(why, len, "fs: %lu inodes, nr_inodes %lu",
				   inodes, fs->nr_inodes);
	/* nr_file_pages holds shmem pages too, as Linux's. */
	if (!err && (cached != (unsigned long)(m->node_stat[NR_FILE_PAGES] -
					       m->node_stat[NR_SHMEM]) ||
		     dirty != (unsigned long)m->node_stat[NR_FILE_DIRTY]))
		err = check_failed(why, len,
				   "page cache: %lu pages, %lu dirty; "
				   "nr_file_pages less nr_shmem %ld, "
				   "nr_dirty %ld",
				   cached, dirty,
				   m->node_stat[NR_FILE_PAGES] -
					   m->node_stat[NR_SHMEM],
				   m->node_stat[NR_FILE_DIRTY]);
	if (!err)
		err = shadows_check(m, shadows, why, len);
	if (!err && used + fs->free_blocks != fs->nr_blocks)
		err = check_failed(why, len,
				   "fs: %llu blocks used and %llu free of "
				   "%llu",
				   (unsigned long long)used,
				   (unsigned long long)fs->free_blocks,
				   (unsigned long long)fs->nr_blocks);
	return err;
}

unsigned long drop_pagecache_sb(struct machine *m)
{
	struct fs_state *fs = m->fs;
	unsigned long dropped = 0;

	if (fs->bd_inode) /* Buffers: the clean metadata blocks */
		dropped += invalidate_mapping_pages(m, fs->bd_inode, 0,
						    UINT64_MAX);
	for (unsigned long i = 1; i <= fs->max_inodes; i++)
		if (fs->inodes[i] && fs->inodes[i]->i_nrpages)
			dropped += invalidate_mapping_pages(m, fs->inodes[i], 0,
							    UINT64_MAX);
	return dropped;
}
