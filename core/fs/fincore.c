/* SPDX-License-Identifier: MIT */
/*
 * fincore.c - what mmctl files and fincore show: every inode with its
 * size, its blocks on the device and its pages in the cache (resident,
 * dirty), as util-linux's fincore counts them from mincore(2).
 *
 * Owns: the report's format. Must never: change the machine.
 */
#include <inttypes.h>

#include "core/filemap.h"
#include "core/fs/fs.h"

int report_files(const struct machine *m, struct seq_buf *s)
{
	const struct fs_state *fs = m->fs;

	seq_printf(s, "%8s %12s %9s %9s %9s %s\n", "INO", "SIZE", "BLOCKS",
		   "CACHED", "DIRTY", "NAME");
	for (unsigned long i = ROOT_INO + 1; i <= fs->max_inodes; i++) {
		const struct inode *inode = fs->inodes[i];

		if (!inode || (inode->i_mode & S_IFMT_) != S_IFREG_)
			continue;
		seq_printf(s,
			   "%8lu %12" PRIu64 " %9" PRIu64 " %9lu %9lu %s%s\n",
			   inode->i_ino, inode->i_size, inode->i_blocks,
			   inode->i_nrpages, filemap_nr_dirty(m, inode),
			   inode->i_nlink ? "/" : "(deleted)",
			   inode->i_nlink ? inode->i_name : "");
	}
	return s->err;
}
