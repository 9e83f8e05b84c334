/* SPDX-License-Identifier: MIT */
/*
 * sync.c - fsync and fdatasync, as fs/sync.c: a file's dirty cached
 * pages reach the device before the call returns (the inode table
 * lives in core, so fdatasync and fsync write the same).
 *
 * Owns: the sync calls' rules. Must never: return before what the call
 * promises is on the device.
 */
#include "core/filemap.h"
#include "core/fs/fs.h"

int vfs_fsync(struct machine *m, struct file *f, bool datasync)
{
	(void)datasync;
	return filemap_write_range(m, f->f_inode, 0, UINT64_MAX, NULL);
}
