/* SPDX-License-Identifier: MIT */
/*
 * fincore.c - what mmctl files and fincore show: every inode with its
 * size, its blocks on the device and its pages in the cache (resident,
 * dirty), as util-linux's fincore counts them from mincore(2).
 *
 * Owns: the report's snapshot (mm.proto's Files) and its format.
 * Must never: change the machine.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "core/filemap.h"
#include "core/fs/fs.h"

int files_fill(const struct machine *m, int pid, void *snap)
{
	struct files_snapshot *f = snap;
	const struct fs_state *fs = m->fs;

	(void)pid;
	f->files = snap_alloc(fs->max_inodes, sizeof(*f->files));
	if (!f->files)
		return -ENOMEM;
	for (unsigned long i = ROOT_INO + 1; i <= fs->max_inodes; i++) {
		const struct inode *inode = fs->inodes[i];
		struct file_snapshot *fi = &f->files[f->nr_files];
		char name[sizeof(inode->i_name) + sizeof("(deleted)")];

		if (!inode || (inode->i_mode & S_IFMT_) != S_IFREG_)
			continue;
		f->nr_files++;
		fi->ino = inode->i_ino;
		fi->size = inode->i_size;
		fi->blocks = inode->i_blocks;
		fi->cached = inode->i_nrpages;
		fi->dirty = filemap_nr_dirty(m, inode);
		snprintf(name, sizeof(name), "%s%s",
			 inode->i_nlink ? "/" : "(deleted)",
			 inode->i_nlink ? inode->i_name : "");
		fi->name = snap_strdup(name);
		if (!fi->name)
			return -ENOMEM;
	}
	return 0;
}

int files_show(const void *snap, struct seq_buf *s)
{
	const struct files_snapshot *f = snap;

	seq_printf(s, "%8s %12s %9s %9s %9s %s\n", "INO", "SIZE", "BLOCKS",
		   "CACHED", "DIRTY", "NAME");
	for (size_t i = 0; i < f->nr_files; i++) {
		const struct file_snapshot *fi = &f->files[i];

		seq_printf(s,
			   "%8" PRIu64 " %12" PRIu64 " %9" PRIu64 " %9" PRIu64
			   " %9" PRIu64 " %s\n",
			   fi->ino, fi->size, fi->blocks, fi->cached, fi->dirty,
			   fi->name);
	}
	return s->err;
}

#define FF(member, k) SNAP_FIELD(struct file_snapshot, member, k)
static const struct snap_field file_fields[] = {
	FF(ino, SNAP_U64),    FF(size, SNAP_U64),  FF(blocks, SNAP_U64),
	FF(cached, SNAP_U64), FF(dirty, SNAP_U64), FF(name, SNAP_STR),
};
static const struct snap_desc file_desc =
	SNAP_DESC("File", struct file_snapshot, file_fields);
static const struct snap_field files_fields[] = {
	SNAP_ARRAY(struct files_snapshot, files, nr_files, SNAP_ITEMS,
		   &file_desc),
};
static const struct snap_desc files_desc =
	SNAP_DESC("Files", struct files_snapshot, files_fields);
const struct report_type files_report = {&files_desc, files_fill, files_show};

int report_files(const struct machine *m, struct seq_buf *s)
{
	return report_show(&files_report, m, 0, s);
}
