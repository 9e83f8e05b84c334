/* SPDX-License-Identifier: MIT */
/*
 * super.c - the filesystem's mount at boot and unmount at teardown, as
 * fs/super.c: the superblock on the device's first block, the inode
 * table, the root directory and the files the layout preloads.
 *
 * Owns: struct fs_state's life. Must never: leave a half-made
 * filesystem behind a failed boot (teardown frees what was made).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/block/blkdev.h"
#include "core/fs/fs.h"

#define FS_MAGIC "MMFS0001"

static void write_super(struct machine *m)
{
	uint8_t *sb = calloc(1, m->page_size);
	uint64_t v[2] = {m->fs->nr_blocks, m->fs->max_inodes};

	if (!sb)
		return;
	memcpy(sb, FS_MAGIC, 8);
	memcpy(sb + 8, v, sizeof(v));
	bdev_write(m, 0, sb, m->page_size);
	free(sb);
}

int fs_init(struct machine *m)
{
	struct inode *root;
	int err;

	m->fs = calloc(1, sizeof(*m->fs));
	if (!m->fs)
		return -ENOMEM;
	err = inode_table_init(m);
	if (err)
		return err;
	root = new_inode(m, S_IFDIR_ | 0755);
	if (!root)
		return -ENOMEM;
	root->i_nlink = 2;
	if (m->fs->nr_blocks)
		write_super(m);
	return fs_preload(m);
}

void fs_exit(struct machine *m)
{
	if (!m->fs)
		return;
	evict_inodes(m);
	free(m->fs);
	m->fs = NULL;
}
