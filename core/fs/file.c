/* SPDX-License-Identifier: MIT */
/*
 * file.c - descriptor tables, as fs/file.c: the lowest free descriptor
 * at open, RLIMIT_NOFILE (limits.nofile) as its ceiling, a copy of the
 * table at fork sharing the open files, every descriptor closed at exit.
 *
 * Owns: struct files_struct and the references descriptors hold on open
 * files. Must never: hand a descriptor of one table to another, or free
 * a file that a descriptor still names.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/fs/fs.h"

int files_init_task(struct files_struct *files)
{
	memset(files, 0, sizeof(*files));
	return 0;
}

int dup_fd(const struct files_struct *old, struct files_struct *new)
{
	files_init_task(new);
	if (!old->max_fds)
		return 0;
	new->fd = calloc(old->max_fds, sizeof(new->fd[0]));
	if (!new->fd)
		return -ENOMEM;
	new->max_fds = old->max_fds;
	for (unsigned int i = 0; i < old->max_fds; i++)
		if ((new->fd[i] = old->fd[i]) != NULL) {
			new->fd[i]->f_count++;
			new->nr_open++;
		}
	return 0;
}

void fput(struct machine *m, struct file *f)
{
	struct inode *inode = f->f_inode;

	if (--f->f_count)
		return;
	m->fs->nr_files--;
	inode->i_count--;
	free(f);
	iput_final(m, inode);
}

void exit_files(struct machine *m, struct files_struct *files)
{
	for (unsigned int i = 0; i < files->max_fds; i++)
		if (files->fd[i])
			fput(m, files->fd[i]);
	free(files->fd);
	files_init_task(files);
}

/* The lowest free descriptor gets f; -EMFILE past limits.nofile. */
int alloc_fd(struct machine *m, struct files_struct *files, struct file *f)
{
	unsigned int fd = 0, limit = m->layout.limits.nofile;
	size_t cap = files->max_fds;

	while (fd < files->max_fds && files->fd[fd])
		fd++;
	if (fd >= limit)
		return -EMFILE;
	if (fd >= files->max_fds) {
		struct file **t = array_reserve(files->fd, &cap, fd + 1,
						sizeof(files->fd[0]), 64);

		if (!t)
			return -ENOMEM;
		memset(t + files->max_fds, 0,
		       (cap - files->max_fds) * sizeof(t[0]));
		files->fd = t;
		files->max_fds = (unsigned int)cap;
	}
	files->fd[fd] = f;
	files->nr_open++;
	return (int)fd;
}

struct file *fget(const struct files_struct *files, int fd)
{
	if (fd < 0 || (unsigned int)fd >= files->max_fds)
		return NULL;
	return files->fd[fd];
}

int close_fd(struct machine *m, struct files_struct *files, int fd)
{
	struct file *f = fget(files, fd);

	if (!f)
		return -EBADF;
	files->fd[fd] = NULL;
	files->nr_open--;
	fput(m, f);
	return 0;
}
