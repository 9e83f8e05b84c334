/* SPDX-License-Identifier: MIT */
/*
 * stat.c - what stat(2) and fstat(2) tell of an inode, as fs/stat.c's
 * generic_fillattr.
 *
 * Owns: struct kstat's filling. Must never: change the inode.
 */
#include "core/fs/fs.h"

/* The device's number as the host would print it: major 259, minor 0. */
#define MMBLK_DEV ((uint64_t)MMBLK_MAJOR << 8 | 0)

void generic_fillattr(const struct machine *m, const struct inode *inode,
		      struct kstat *st)
{
	st->dev = MMBLK_DEV;
	st->ino = inode->i_ino;
	st->mode = inode->i_mode;
	st->nlink = inode->i_nlink;
	st->uid = inode->i_uid;
	st->gid = 0;
	st->size = inode->i_size;
	st->blksize = (uint32_t)m->page_size;
	st->blocks = inode->i_blocks << (m->page_shift - 9);
	st->atime = inode->i_atime;
	st->mtime = inode->i_mtime;
	st->ctime = inode->i_ctime;
}
