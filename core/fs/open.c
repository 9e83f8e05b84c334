/* SPDX-License-Identifier: MIT */
/*
 * open.c - open, creat and ftruncate, as fs/open.c: the flags Linux
 * reads (access mode, O_CREAT, O_EXCL, O_TRUNC, O_APPEND, O_DIRECT,
 * O_DIRECTORY; others are ignored, as open(2) ignores them), in the
 * order Linux checks them, so that each bad input gets Linux's errno.
 *
 * Owns: making a struct file and giving it a descriptor. Must never:
 * open a directory for writing, or leave a created name without its
 * file when the descriptor table is full (the table is checked first).
 */
#include <errno.h>
#include <stdlib.h>

#include "core/fs/fs.h"

/* O_RDONLY 0 reads, O_WRONLY 1 writes, O_RDWR 2 both, 3 neither. */
static unsigned int open_fmode(int flags)
{
	return (((unsigned int)flags & O_ACCMODE_) + 1) & O_ACCMODE_;
}

static bool is_dir(const struct inode *inode)
{
	return (inode->i_mode & S_IFMT_) == S_IFDIR_;
}

/* The inode the path names, made when O_CREAT asks; Linux's errors. */
static int open_inode(struct machine *m, const char *path, int flags,
		      uint32_t mode, struct inode **inodep)
{
	struct nameidata nd;
	int err = path_lookup(m, path, &nd);

	if (err)
		return err;
	/* O_TMPFILE names a directory to make an unnamed file in: none
	 * can be made here (EOPNOTSUPP, as a filesystem without tmpfile). */
	if (flags & __O_TMPFILE_)
		return !nd.inode	   ? -ENOENT
		       : !is_dir(nd.inode) ? -ENOTDIR
					   : -EOPNOTSUPP;
	if (!nd.inode) {
		if (!(flags & O_CREAT_))
			return -ENOENT;
		return vfs_create(m, &nd, mode, inodep);
	}
	if ((flags & O_CREAT_) && (flags & O_EXCL_))
		return -EEXIST;
	if (is_dir(nd.inode) &&
	    ((flags & O_CREAT_) || (open_fmode(flags) & FMODE_WRITE)))
		return -EISDIR;
	if ((flags & O_DIRECTORY_) && !is_dir(nd.inode))
		return -ENOTDIR;
	if ((flags & O_TRUNC_) &&
	    (nd.inode->i_mode & S_IFMT_) == S_IFREG_) { /* a device: none */
		err = do_truncate(m, nd.inode, 0);
		if (err)
			return err;
	}
	*inodep = nd.inode;
	return 0;
}

int do_sys_open(struct machine *m, struct files_struct *files, const char *path,
		int flags, uint32_t mode)
{
	struct file *f;
	struct inode *inode;
	int fd, err;

	if (!*path)
		return -ENOENT;
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	/* The descriptor first, as get_unused_fd_flags: EMFILE wins. */
	fd = alloc_fd(m, files, f);
	if (fd < 0) {
		free(f);
		return fd;
	}
	err = open_inode(m, path, flags, mode, &inode);
	if (err) {
		files->fd[fd] = NULL;
		files->nr_open--;
		free(f);
		return err;
	}
	f->f_inode = inode;
	file_ra_state_init(m, &f->f_ra);
	f->f_mode = open_fmode(flags);
	f->f_flags = (unsigned int)flags & (O_APPEND_ | O_DIRECT_);
	f->f_count = 1;
	inode->i_count++;
	m->fs->nr_files++;
	return fd;
}

int do_sys_ftruncate(struct machine *m, struct file *f, int64_t length)
{
	if (length < 0)
		return -EINVAL;
	if ((f->f_inode->i_mode & S_IFMT_) != S_IFREG_ ||
	    !(f->f_mode & FMODE_WRITE))
		return -EINVAL;
	return do_truncate(m, f->f_inode, length);
}
