/* SPDX-License-Identifier: MIT */
/*
 * uapi_fs.c - the file calls a client process may make: open, creat,
 * close, read, pread64, write, pwrite64, lseek, ftruncate, fsync,
 * fdatasync, unlink, stat, fstat, fadvise64, readahead, mmap of a
 * descriptor (sys_mmap) and ioctl.
 *
 * Owns: finding the process a call names and the file a descriptor
 * names in that process's own table (-EBADF for any other number).
 * Must never: look a descriptor up in another process's table.
 */
#include <errno.h>

#include "core/err.h"
#include "core/fs/fs.h"
#include "core/mm.h"
#include "core/mmz_userdev.h"
#include "core/sysctl.h"
#include "core/task.h"
#include "core/uapi.h"
#include "core/uapi_task.h"

/* The process and, for fd >= 0, its open file; -EBADF for none. */
static int fs_task(struct machine *m, int pid, int fd, struct task_struct **tp,
		   struct file **fp)
{
	int err = vm_task(m, pid, tp);

	if (err || !fp)
		return err;
	*fp = fget(&(*tp)->files, fd);
	if (*fp)
		return 0;
	m->active_mm = NULL;
	return mm_refuse(m, BAD_NONE, -EBADF,
			 "descriptor %d is not open in process %d", fd,
			 (*tp)->pid);
}

static int fs_done(struct machine *m, struct task_struct *t, int err)
{
	return vm_done(m, t, err);
}

int uapi_open(struct machine *m, int pid, const char *path, int flags,
	      uint32_t mode, int *fd)
{
	struct task_struct *t;
	int err = fs_task(m, pid, -1, &t, NULL);

	if (err)
		return err;
	err = do_sys_open(m, &t->files, path, flags, mode);
	if (err >= 0) {
		*fd = err;
		err = 0;
	}
	return fs_done(m, t, err);
}

int uapi_close(struct machine *m, int pid, int fd)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	return fs_done(m, t, close_fd(m, &t->files, fd));
}

static int rw_result(long n, size_t *done)
{
	if (n < 0)
		return (int)n;
	*done = (size_t)n;
	return 0;
}

/*
 * read, pread64, write and pwrite64 are one call, as ksys_read and
 * ksys_pread64 make them: into rbuf (a read) or from wbuf (a write), at
 * the file's position or at *offset when there is one.
 */
static int do_rw(struct machine *m, int pid, int fd, bool write, void *rbuf,
		 const void *wbuf, size_t count, const int64_t *offset,
		 size_t *done)
{
	struct task_struct *t;
	struct file *f;
	int err = fs_task(m, pid, fd, &t, &f);
	int64_t at, *pos;
	long n;

	if (err)
		return err;
	if (offset && *offset < 0)
		return fs_done(m, t, -EINVAL);
	at = offset ? *offset : 0;
	pos = offset ? &at : &f->f_pos;
	n = write ? vfs_write(m, f, wbuf, count, pos)
		  : vfs_read(m, f, rbuf, count, pos);
	return fs_done(m, t, rw_result(n, done));
}

int uapi_sys_read(struct machine *m, int pid, int fd, void *buf, size_t count,
		  size_t *done)
{
	return do_rw(m, pid, fd, false, buf, NULL, count, NULL, done);
}

int uapi_pread64(struct machine *m, int pid, int fd, void *buf, size_t count,
		 int64_t offset, size_t *done)
{
	return do_rw(m, pid, fd, false, buf, NULL, count, &offset, done);
}

int uapi_sys_write(struct machine *m, int pid, int fd, const void *buf,
		   size_t count, size_t *done)
{
	return do_rw(m, pid, fd, true, NULL, buf, count, NULL, done);
}

int uapi_pwrite64(struct machine *m, int pid, int fd, const void *buf,
		  size_t count, int64_t offset, size_t *done)
{
	return do_rw(m, pid, fd, true, NULL, buf, count, &offset, done);
}

int uapi_lseek(struct machine *m, int pid, int fd, int64_t offset, int whence,
	       uint64_t *result)
{
	struct task_struct *t;
	struct file *f;
	int err = fs_task(m, pid, fd, &t, &f);
	int64_t pos;

	if (err)
		return err;
	pos = vfs_llseek(m, f, offset, whence);
	if (pos >= 0)
		*result = (uint64_t)pos;
	return fs_done(m, t, pos < 0 ? (int)pos : 0);
}

int uapi_ftruncate(struct machine *m, int pid, int fd, int64_t length)
{
	struct task_struct *t;
	struct file *f;
	int err = fs_task(m, pid, fd, &t, &f);

	if (err)
		return err;
	return fs_done(m, t, do_sys_ftruncate(m, f, length));
}

/* fsync and fdatasync are one call, as fs/sync.c's do_fsync makes them. */
static int do_fsync(struct machine *m, int pid, int fd, bool datasync)
{
	struct task_struct *t;
	struct file *f;
	int err = fs_task(m, pid, fd, &t, &f);

	if (err)
		return err;
	return fs_done(m, t, vfs_fsync(m, f, datasync));
}

int uapi_fsync(struct machine *m, int pid, int fd)
{
	return do_fsync(m, pid, fd, false);
}

int uapi_fdatasync(struct machine *m, int pid, int fd)
{
	return do_fsync(m, pid, fd, true);
}

int uapi_sync(struct machine *m, int pid)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	return fs_done(m, t, ksys_sync(m));
}

int uapi_unlink(struct machine *m, int pid, const char *path)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	return fs_done(m, t, do_unlinkat(m, path));
}

int uapi_stat(struct machine *m, int pid, const char *path, struct kstat *st)
{
	struct task_struct *t;
	struct nameidata nd;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	err = path_lookup(m, path, &nd);
	if (!err && !nd.inode)
		err = -ENOENT;
	if (!err)
		generic_fillattr(m, nd.inode, st);
	return fs_done(m, t, err);
}

int uapi_fstat(struct machine *m, int pid, int fd, struct kstat *st)
{
	struct task_struct *t;
	struct file *f;
	int err = fs_task(m, pid, fd, &t, &f);

	if (err)
		return err;
	generic_fillattr(m, f->f_inode, st);
	return fs_done(m, t, 0);
}

int uapi_fadvise64(struct machine *m, int pid, int fd, int64_t offset,
		   int64_t len, int advice)
{
	struct task_struct *t;
	struct file *f;
	int err = fs_task(m, pid, fd, &t, &f);

	if (err)
		return err;
	return fs_done(m, t, vfs_fadvise(m, f, offset, len, advice));
}

int uapi_readahead(struct machine *m, int pid, int fd, int64_t offset,
		   uint64_t count)
{
	struct task_struct *t;
	struct file *f;
	int err = fs_task(m, pid, fd, &t, &f);

	if (err)
		return err;
	return fs_done(m, t, ksys_readahead(m, f, offset, count));
}

int uapi_admin_sysctl(struct machine *m, const char *name, int64_t value)
{
	return sysctl_vm_set(m, name, value);
}

int uapi_sys_mmap(struct machine *m, int pid, uint64_t addr, uint64_t len,
		  int prot, int flags, int fd, int64_t offset, uint64_t *mapped)
{
	struct task_struct *t;
	struct file *f;
	int err;

	/* arch/x86's sys_mmap: the offset in whole pages, before the fd. */
	if ((uint64_t)offset & (m->page_size - 1))
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "mmap: offset %#llx is not page aligned",
				 (unsigned long long)offset);
	if (flags & MAP_ANONYMOUS)
		return uapi_mmap(m, pid, addr, len, prot, flags, mapped);
	err = fs_task(m, pid, fd, &t, &f);
	if (err)
		return err;
	return fs_done(m, t,
		       do_mmap_file(m, t->mm, f, addr, len, prot, flags,
				    (uint64_t)offset >> m->page_shift, mapped));
}

int uapi_ioctl(struct machine *m, int pid, int fd, unsigned int cmd, void *arg,
	       size_t len)
{
	struct task_struct *t;
	struct file *f;
	int err = fs_task(m, pid, fd, &t, &f);

	if (err)
		return err;
	if (len > IOCTL_ARG_MAX)
		err = mm_refuse(m, BAD_NONE, -EFAULT,
				"an ioctl argument of %zu bytes", len);
	else if ((f->f_inode->i_mode & S_IFMT_) == S_IFCHR_)
		err = mmz_userdev_ioctl(m, cmd, arg, len);
	else
		err = mm_refuse(m, BAD_NONE, -ENOTTY,
				"ioctl %#x of a file without ioctls", cmd);
	return fs_done(m, t, err);
}
