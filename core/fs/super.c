/* SPDX-License-Identifier: MIT */
/*
 * super.c - the filesystem's mount at boot and unmount at teardown, as
 * fs/super.c: the superblock on the device's first block (read through
 * the device's cache at the mount), the inode table, the root directory and the
 * files the layout preloads.
 *
 * Owns: struct fs_state's life. Must never: leave a half-made
 * filesystem behind a failed boot (teardown frees what was made).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/block/blkdev.h"
#include "core/fs/fs.h"
#include "core/mmz_userdev.h"

#define FS_MAGIC "MMFS0001"

static void write_super(struct machine *m)
{
	uint8_t *sb = calloc(1, m->page_size);
	uint64_t v[5] = {m->fs->nr_blocks, m->fs->max_inodes,
			 m->fs->bitmap_start, m->fs->itable_start,
			 m->fs->meta_blocks};

	if (!sb)
		return;
	memcpy(sb, FS_MAGIC, 8);
	memcpy(sb + 8, v, sizeof(v));
	bdev_write(m, 0, sb, m->page_size);
	free(sb);
}

/*
 * /dev, as devtmpfs fills it: /dev/mmz_userdev when the machine has
 * media memory (a misc character device, 10:60).
 */
static int devtmpfs_mount(struct machine *m)
{
	struct inode *dev;

	if (!m->layout.nr_mmz)
		return 0;
	dev = vfs_mknod(m, m->fs->inodes[ROOT_INO], "dev", S_IFDIR_ | 0755, 0);
	if (!dev || !vfs_mknod(m, dev, "mmz_userdev", S_IFCHR_ | 0666,
			       MKDEV_(MMZ_USERDEV_MAJOR, MMZ_USERDEV_MINOR)))
		return -ENOMEM;
	return 0;
}

int fs_init(struct machine *m)
{
	struct inode *root;
	int err;

	m->fs = calloc(1, sizeof(*m->fs));
	if (!m->fs)
		return -ENOMEM;
	err = inode_table_init(m);
	if (!err)
		err = bdev_cache_init(m);
	if (err)
		return err;
	/* mkfs: the superblock and bitmap straight to the device. */
	if (m->fs->nr_blocks) {
		write_super(m);
		bitmap_mark_dirty(m, 0, m->fs->meta_blocks - 1);
	}
	root = new_inode(m, S_IFDIR_ | 0755);
	if (!root)
		return -ENOMEM;
	root->i_nlink = 2;
	mark_inode_dirty(m, root);
	err = fs_preload(m);
	if (!err)
		err = devtmpfs_mount(m);
	/* The device statistics start at boot, as a freshly mounted disk's. */
	memset(&m->bdev->stats, 0, sizeof(m->bdev->stats));
	if (!err)
		bdev_cache_mount(m);
	return err;
}

void fs_exit(struct machine *m)
{
	if (!m->fs)
		return;
	bdev_cache_exit(m); /* the unmount writes no metadata back */
	evict_inodes(m);
	free(m->fs);
	m->fs = NULL;
}
