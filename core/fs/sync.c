/* SPDX-License-Identifier: MIT */
/*
 * sync.c - fsync and fdatasync, as fs/sync.c: a file's dirty cached
 * pages reach the device before the call returns, and for fsync the
 * inode's block of the inode table (buffer.c) too.
 *
 * Owns: the sync calls' rules. Must never: return before what the call
 * promises is on the device.
 */
#include "core/filemap.h"
#include "core/fs/fs.h"

/*
 * The file's dirty pages; fsync then its inode's table block, as
 * ext2's generic_file_fsync writes the inode (sync_inode_metadata).
 * fdatasync leaves the inode (Linux writes it when the size changed).
 */
int vfs_fsync(struct machine *m, struct file *f, bool datasync)
{
	int err = filemap_write_range(m, f->f_inode, 0, UINT64_MAX, NULL);

	if (!err && !datasync)
		err = write_inode_now(m, f->f_inode);
	return err;
}

/*
 * As ksys_sync: the data of every inode first (its writes may allocate
 * blocks, dirtying bitmap and inode blocks), then the block device's
 * own dirty pages. The first error is returned, after the rest ran.
 */
int ksys_sync(struct machine *m)
{
	struct fs_state *fs = m->fs;
	int err = 0, e;

	for (unsigned long i = 1; i <= fs->max_inodes; i++) {
		struct inode *inode = fs->inodes[i];

		if (!inode || !inode->i_nrdirty)
			continue;
		e = filemap_write_range(m, inode, 0, UINT64_MAX, NULL);
		err = err ? err : e;
	}
	e = sync_blockdev(m);
	return err ? err : e;
}
