/* SPDX-License-Identifier: MIT */
/*
 * test_fs.c - the filesystem and the file calls against the host
 * kernel: each step runs on a file in a tmpfs directory of the host and
 * on the machine's filesystem, and the results, errno and bytes read
 * back must be the same (fs/open.c, fs/read_write.c, fs/namei.c,
 * fs/stat.c, mm/fadvise.c, mm/readahead.c). Then what the host cannot
 * show the same way: descriptors of another process, fork, exit,
 * RLIMIT_NOFILE, O_DIRECT's alignment, preloaded files, the device.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/block/blkdev.h"
#include "core/fs/fs.h"
#include "core/task.h"
#include "core/uapi.h"

struct both {
	struct machine *m;
	int pid;
	char dir[64]; /* the host's tmpfs directory */
	int hfd[16], mfd[16];
};

static int host(long rc)
{
	return rc < 0 ? -errno : 0;
}

static void setup(struct both *b)
{
	struct layout l;

	small_layout(&l, 64 * MiB);
	l.storage.size = 64 * MiB;
	b->m = boot(&l);
	assert_int_equal(task_create(b->m, "fs", 0, 0, &b->pid), 0);
	assert_int_equal(task_switch(b->m, b->pid), 0);
	strcpy(b->dir, "/dev/shm/mmfsXXXXXX");
	assert_non_null(mkdtemp(b->dir));
	umask(FS_UMASK);
}

static void teardown(struct both *b)
{
	char cmd[128];

	assert_consistent(b->m);
	machine_destroy(b->m);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", b->dir);
	assert_int_equal(system(cmd), 0);
}

/* The host's path for the machine's: the same name in the directory. */
static const char *hpath(const struct both *b, const char *path, char *buf)
{
	if (!*path)
		return path; /* "" names nothing, on either */
	snprintf(buf, 512, "%s/%s", b->dir, path[0] == '/' ? path + 1 : path);
	return buf;
}

/* open on both into slot; returns the shared result (0 or -errno). */
static int open_both(struct both *b, int slot, const char *path, int flags)
{
	char buf[512];
	int h = open(hpath(b, path, buf), flags, 0666);
	int herr = host(h), merr, fd = -1;

	merr = uapi_open(b->m, 0, path, flags, 0666, &fd);
	assert_int_equal(merr, herr);
	b->hfd[slot] = h;
	b->mfd[slot] = merr ? -1 : fd;
	return merr;
}

static void write_both(struct both *b, int slot, const void *buf, size_t n,
		       int64_t off)
{
	long h = off < 0 ? write(b->hfd[slot], buf, n)
			 : pwrite(b->hfd[slot], buf, n, off - 1);
	size_t done = 0;
	int err = off < 0 ? uapi_sys_write(b->m, 0, b->mfd[slot], buf, n, &done)
			  : uapi_pwrite64(b->m, 0, b->mfd[slot], buf, n,
					  off - 1, &done);

	assert_int_equal(err, host(h));
	if (!err)
		assert_int_equal(done, (size_t)h);
}

/* read (off < 0) or pread at off - 1 of n bytes: same count, same bytes. */
static void read_both(struct both *b, int slot, size_t n, int64_t off)
{
	uint8_t *hb = calloc(1, n + 1), *mb = calloc(1, n + 1);
	long h = off < 0 ? read(b->hfd[slot], hb, n)
			 : pread(b->hfd[slot], hb, n, off - 1);
	size_t done = 0;
	int err = off < 0 ? uapi_sys_read(b->m, 0, b->mfd[slot], mb, n, &done)
			  : uapi_pread64(b->m, 0, b->mfd[slot], mb, n, off - 1,
					 &done);

	assert_int_equal(err, host(h));
	if (!err) {
		assert_int_equal(done, (size_t)h);
		assert_memory_equal(mb, hb, done);
	}
	free(hb);
	free(mb);
}

static void lseek_both(struct both *b, int slot, int64_t off, int whence)
{
	long h = (long)lseek(b->hfd[slot], off, whence);
	uint64_t pos = 0;
	int err = uapi_lseek(b->m, 0, b->mfd[slot], off, whence, &pos);

	assert_int_equal(err, host(h));
	if (!err)
		assert_int_equal(pos, (uint64_t)h);
}

static void stat_both(struct both *b, const char *path)
{
	char buf[512];
	struct stat hs;
	struct kstat ks;
	int herr = host(stat(hpath(b, path, buf), &hs));
	int merr = uapi_stat(b->m, 0, path, &ks);

	assert_int_equal(merr, herr);
	if (merr)
		return;
	assert_int_equal(ks.size, (uint64_t)hs.st_size);
	assert_int_equal(ks.mode & ~07777u, hs.st_mode & ~07777u);
	if (S_ISREG(hs.st_mode)) {
		assert_int_equal(ks.mode, hs.st_mode);
		assert_int_equal(ks.blocks, (uint64_t)hs.st_blocks);
		assert_int_equal(ks.nlink, hs.st_nlink);
	}
}

static void close_both(struct both *b, int slot)
{
	assert_int_equal(uapi_close(b->m, 0, b->mfd[slot]),
			 host(close(b->hfd[slot])));
}

static void pattern(uint8_t *p, size_t n, unsigned int seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 7 + seed);
}

static void test_bytes(void **state)
{
	struct both b;
	uint8_t data[10000];

	(void)state;
	setup(&b);
	pattern(data, sizeof(data), 1);
	assert_int_equal(open_both(&b, 0, "f", O_CREAT | O_RDWR), 0);
	write_both(&b, 0, data, sizeof(data), -1);
	lseek_both(&b, 0, 0, SEEK_SET);
	read_both(&b, 0, sizeof(data) + 100, -1);
	read_both(&b, 0, 100, -1); /* at EOF: 0 */
	read_both(&b, 0, 20, 4090 + 1);
	pattern(data, 300, 9);
	write_both(&b, 0, data, 300, 8190 + 1);
	read_both(&b, 0, 12000, 0 + 1);
	stat_both(&b, "/f");
	/* Shrink, then grow: the bytes between read as zeros, a hole. */
	assert_int_equal(uapi_ftruncate(b.m, 0, b.mfd[0], 5000),
			 host(ftruncate(b.hfd[0], 5000)));
	assert_int_equal(uapi_ftruncate(b.m, 0, b.mfd[0], 20000),
			 host(ftruncate(b.hfd[0], 20000)));
	read_both(&b, 0, 20000, 0 + 1);
	stat_both(&b, "f");
	lseek_both(&b, 0, 0, SEEK_HOLE);
	lseek_both(&b, 0, 4097, SEEK_DATA);
	lseek_both(&b, 0, 8192, SEEK_DATA);
	lseek_both(&b, 0, 9000, SEEK_HOLE);
	lseek_both(&b, 0, 30000, SEEK_HOLE);
	lseek_both(&b, 0, 100, SEEK_END);
	lseek_both(&b, 0, -50, SEEK_CUR);
	write_both(&b, 0, "tail", 4, -1);
	read_both(&b, 0, 30000, 0 + 1);
	/* O_APPEND: writes go to the end, pwrite's offset too (Linux). */
	assert_int_equal(open_both(&b, 1, "f", O_WRONLY | O_APPEND), 0);
	write_both(&b, 1, "app", 3, -1);
	write_both(&b, 1, "pw", 2, 0 + 1);
	read_both(&b, 0, 30000, 0 + 1);
	/* O_TRUNC empties it; O_RDONLY | O_TRUNC does too. */
	assert_int_equal(open_both(&b, 2, "f", O_RDONLY | O_TRUNC), 0);
	stat_both(&b, "f");
	read_both(&b, 0, 100, 0 + 1);
	for (int i = 0; i < 3; i++)
		close_both(&b, i);
	teardown(&b);
}

static void test_errors(void **state)
{
	struct both b;
	char longname[300], buf[16] = {0};
	size_t done;
	uint64_t pos;

	(void)state;
	setup(&b);
	assert_int_equal(open_both(&b, 0, "f", O_CREAT | O_WRONLY), 0);
	write_both(&b, 0, "hello", 5, -1);
	assert_int_equal(open_both(&b, 1, "f", O_RDONLY), 0);
	assert_int_equal(open_both(&b, 2, "/", O_RDONLY), 0);
	assert_int_equal(open_both(&b, 3, "f", 3), 0); /* neither way */
	/* Names. */
	assert_int_equal(open_both(&b, 4, "missing", O_RDONLY), -ENOENT);
	assert_int_equal(open_both(&b, 4, "", O_RDONLY), -ENOENT);
	assert_int_equal(open_both(&b, 4, "f", O_CREAT | O_EXCL | O_RDWR),
			 -EEXIST);
	assert_int_equal(open_both(&b, 4, "f/", O_RDONLY), -ENOTDIR);
	assert_int_equal(open_both(&b, 4, "f/x", O_RDONLY), -ENOTDIR);
	assert_int_equal(open_both(&b, 4, "f/.", O_RDONLY), -ENOTDIR);
	assert_int_equal(open_both(&b, 4, "nope/x", O_RDONLY), -ENOENT);
	assert_int_equal(open_both(&b, 4, "nope/", O_CREAT | O_RDWR), -EISDIR);
	assert_int_equal(open_both(&b, 4, "nope/", O_RDONLY), -ENOENT);
	assert_int_equal(open_both(&b, 4, "/", O_WRONLY), -EISDIR);
	assert_int_equal(open_both(&b, 4, "/", O_CREAT | O_RDONLY), -EISDIR);
	assert_int_equal(open_both(&b, 4, "f", O_RDONLY | O_DIRECTORY),
			 -ENOTDIR);
	/* Every flag at once: O_TMPFILE wants a directory. */
	assert_int_equal(open_both(&b, 4, "f", INT_MAX), -ENOTDIR);
	assert_int_equal(open_both(&b, 4, "f", -1), -ENOTDIR);
	assert_int_equal(open_both(&b, 4, "nope", INT_MAX), -ENOENT);
	memset(longname, 'n', 256);
	longname[256] = '\0';
	assert_int_equal(open_both(&b, 4, longname, O_CREAT | O_RDWR),
			 -ENAMETOOLONG);
	/* Descriptors and modes. */
	read_both(&b, 0, 4, -1);       /* O_WRONLY: EBADF */
	write_both(&b, 1, "x", 1, -1); /* O_RDONLY: EBADF */
	write_both(&b, 1, "x", 0, -1); /* even of nothing */
	read_both(&b, 3, 1, -1);
	write_both(&b, 3, "x", 1, -1);
	read_both(&b, 2, 1, -1);	 /* a directory: EISDIR */
	read_both(&b, 1, 4, -5 + 1 - 1); /* pread at -6: EINVAL */
	write_both(&b, 0, "x", 1, -6 + 1 + 0);
	assert_int_equal(
		uapi_pwrite64(b.m, 0, b.mfd[0], "xy", 2, INT64_MAX, &done),
		host(pwrite(b.hfd[0], "xy", 2, INT64_MAX)));
	assert_int_equal(uapi_ftruncate(b.m, 0, b.mfd[1], 0),
			 host(ftruncate(b.hfd[1], 0)));
	assert_int_equal(uapi_ftruncate(b.m, 0, b.mfd[0], -1),
			 host(ftruncate(b.hfd[0], -1)));
	assert_int_equal(uapi_ftruncate(b.m, 0, b.mfd[2], 0),
			 host(ftruncate(b.hfd[2], 0)));
	lseek_both(&b, 1, 0, 7);
	lseek_both(&b, 1, -10, SEEK_SET);
	lseek_both(&b, 1, -10, SEEK_END);
	lseek_both(&b, 1, 10, SEEK_DATA);
	lseek_both(&b, 1, -1, SEEK_DATA);
	lseek_both(&b, 2, 0, SEEK_END);
	assert_int_equal(uapi_fadvise64(b.m, 0, b.mfd[1], 0, 10, 9),
			 -posix_fadvise(b.hfd[1], 0, 10, 9));
	assert_int_equal(uapi_fadvise64(b.m, 0, b.mfd[1], 0, -1, 0),
			 -posix_fadvise(b.hfd[1], 0, -1, 0));
	assert_int_equal(uapi_fadvise64(b.m, 0, b.mfd[1], -5, 10, 3),
			 -posix_fadvise(b.hfd[1], -5, 10, 3));
	assert_int_equal(uapi_readahead(b.m, 0, b.mfd[0], 0, 10),
			 host(readahead(b.hfd[0], 0, 10)));
	assert_int_equal(uapi_readahead(b.m, 0, b.mfd[2], 0, 10),
			 host(readahead(b.hfd[2], 0, 10)));
	assert_int_equal(uapi_readahead(b.m, 0, b.mfd[1], -1, 10),
			 host(readahead(b.hfd[1], -1, 10)));
	assert_int_equal(uapi_fsync(b.m, 0, b.mfd[2]), host(fsync(b.hfd[2])));
	assert_int_equal(uapi_fdatasync(b.m, 0, b.mfd[1]),
			 host(fdatasync(b.hfd[1])));
	/* Bad numbers: never opened, closed, negative, huge. */
	for (int fd = -1; fd < 3; fd++) {
		int bad = fd < 0 ? fd : 1000 + fd;

		assert_int_equal(uapi_close(b.m, 0, bad), -EBADF);
		assert_int_equal(uapi_sys_read(b.m, 0, bad, buf, 1, &done),
				 -EBADF);
		assert_int_equal(uapi_sys_write(b.m, 0, bad, buf, 1, &done),
				 -EBADF);
		assert_int_equal(uapi_lseek(b.m, 0, bad, 0, 0, &pos), -EBADF);
		assert_int_equal(uapi_fsync(b.m, 0, bad), -EBADF);
		assert_int_equal(uapi_ftruncate(b.m, 0, bad, 0), -EBADF);
		assert_int_equal(uapi_fadvise64(b.m, 0, bad, 0, 0, 0), -EBADF);
		assert_int_equal(uapi_readahead(b.m, 0, bad, 0, 1), -EBADF);
	}
	close_both(&b, 3);
	close_both(&b, 3); /* twice: EBADF */
	/* unlink: of a directory, a missing name; of an open file it
	 * works, and the file lives on until its last close. */
	assert_int_equal(uapi_unlink(b.m, 0, "/"), -EISDIR);
	assert_int_equal(uapi_unlink(b.m, 0, "nope"), -ENOENT);
	assert_int_equal(uapi_unlink(b.m, 0, ""), -ENOENT);
	assert_int_equal(uapi_unlink(b.m, 0, "f/"), -ENOTDIR);
	{
		char p[512];

		assert_int_equal(uapi_unlink(b.m, 0, "f"),
				 host(unlink(hpath(&b, "f", p))));
	}
	stat_both(&b, "f");
	read_both(&b, 1, 16, 0 + 1);
	assert_consistent(b.m);
	close_both(&b, 0);
	close_both(&b, 1);
	close_both(&b, 2);
	assert_int_equal(b.m->fs->nr_inodes, 1); /* the root alone */
	teardown(&b);
}

/* Another process's numbers mean nothing; fork shares; exit closes. */
static void test_processes(void **state)
{
	struct both b;
	int other, child, fd, fd2;
	size_t done;
	char buf[8] = {0};
	uint64_t pos;

	(void)state;
	setup(&b);
	assert_int_equal(uapi_open(b.m, 0, "/g", O_CREAT | O_RDWR, 0600, &fd),
			 0);
	assert_int_equal(fd, 0);
	assert_int_equal(uapi_sys_write(b.m, 0, fd, "abcdef", 6, &done), 0);
	assert_int_equal(task_create(b.m, "other", 0, 0, &other), 0);
	assert_int_equal(task_switch(b.m, other), 0);
	assert_int_equal(uapi_sys_read(b.m, 0, fd, buf, 1, &done), -EBADF);
	assert_int_equal(uapi_close(b.m, 0, fd), -EBADF);
	assert_int_equal(uapi_lseek(b.m, b.pid, fd, 0, 0, &pos), -EPERM);
	/* Its own first descriptor is 0 too: a table of its own. */
	assert_int_equal(uapi_open(b.m, 0, "/g", O_RDONLY, 0, &fd2), 0);
	assert_int_equal(fd2, 0);
	assert_int_equal(task_exit(b.m, other, NULL), 0);
	assert_int_equal(task_switch(b.m, b.pid), 0);
	/* fork: the child's descriptor shares the offset, as Linux's. */
	assert_int_equal(uapi_lseek(b.m, 0, fd, 1, SEEK_SET, &pos), 0);
	assert_int_equal(uapi_fork(b.m, 0, &child), 0);
	assert_int_equal(uapi_sys_read(b.m, child, fd, buf, 2, &done), 0);
	assert_memory_equal(buf, "bc", 2);
	assert_int_equal(uapi_sys_read(b.m, 0, fd, buf, 2, &done), 0);
	assert_memory_equal(buf, "de", 2);
	assert_int_equal(uapi_close(b.m, child, fd), 0);
	assert_int_equal(uapi_sys_read(b.m, 0, fd, buf, 1, &done), 0);
	assert_int_equal(uapi_exit_process(b.m, child), 0);
	assert_int_equal(b.m->fs->nr_files, 1);
	assert_int_equal(uapi_unlink(b.m, 0, "/g"), 0);
	assert_int_equal(b.m->fs->nr_inodes, 2);
	assert_int_equal(task_exit(b.m, b.pid, NULL), 0);
	assert_int_equal(b.m->fs->nr_files, 0);
	assert_int_equal(b.m->fs->nr_inodes, 1); /* exit closed it: gone */
	assert_int_equal(task_create(b.m, "fs", 0, 0, &b.pid), 0);
	teardown(&b);
}

/* RLIMIT_NOFILE: the lowest free number, then EMFILE before the name. */
static void test_nofile(void **state)
{
	struct layout l;
	struct machine *m;
	int pid, fd;

	(void)state;
	small_layout(&l, 32 * MiB);
	l.limits.nofile = 3;
	m = boot(&l);
	assert_int_equal(task_create(m, "nofile", 0, 0, &pid), 0);
	assert_int_equal(task_switch(m, pid), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(
			uapi_open(m, 0, "/n", O_CREAT | O_RDWR, 0644, &fd), 0);
		assert_int_equal(fd, i);
	}
	assert_int_equal(uapi_open(m, 0, "/n", O_RDWR, 0, &fd), -EMFILE);
	assert_int_equal(uapi_open(m, 0, "/missing", O_RDWR, 0, &fd), -EMFILE);
	assert_int_equal(uapi_close(m, 0, 1), 0);
	assert_int_equal(uapi_open(m, 0, "/n", O_RDWR, 0, &fd), 0);
	assert_int_equal(fd, 1);
	assert_consistent(m);
	machine_destroy(m);
}

/* Preloaded files; O_DIRECT's sectors; the device's counts; ENOSPC. */
static void test_storage(void **state)
{
	struct layout l;
	struct machine *m;
	int pid, fd;
	uint8_t buf[8192];
	size_t done;
	struct kstat st;

	(void)state;
	small_layout(&l, 32 * MiB);
	/* 16 blocks: the superblock, the bitmap, 3 of inode table (68
	 * inodes of 128 bytes), 11 for data */
	l.storage.size = 64 * KiB;
	l.nr_files = 2;
	strcpy(l.files[0].name, "abc");
	l.files[0].size = 5000;
	strcpy(l.files[0].pattern, "xyz");
	strcpy(l.files[1].name, "mod");
	l.files[1].size = 300;
	m = boot(&l);
	assert_int_equal(task_create(m, "st", 0, 0, &pid), 0);
	assert_int_equal(task_switch(m, pid), 0);
	assert_int_equal(uapi_stat(m, 0, "/abc", &st), 0);
	assert_int_equal(st.size, 5000);
	assert_int_equal(st.blocks, 16);
	assert_int_equal(uapi_open(m, 0, "/abc", O_RDONLY, 0, &fd), 0);
	assert_int_equal(uapi_pread64(m, 0, fd, buf, 8192, 4094, &done), 0);
	assert_int_equal(done, 906);
	assert_memory_equal(buf, "zxy", 3); /* 4094 % 3 == 2 */
	assert_int_equal(uapi_open(m, 0, "/mod", O_RDONLY | O_DIRECT, 0, &fd),
			 0);
	assert_int_equal(uapi_pread64(m, 0, fd, buf, 512, 1, &done), -EINVAL);
	assert_int_equal(uapi_pread64(m, 0, fd, buf, 100, 0, &done), -EINVAL);
	assert_int_equal(uapi_pread64(m, 0, fd, buf, 512, 0, &done), 0);
	assert_int_equal(done, 300);
	assert_int_equal(buf[252], 1); /* 252 % 251 */
	/* The mount's superblock, the inode table block of both files,
	 * two blocks for the first pread, one for this: five reads. */
	assert_int_equal(m->bdev->stats.ios[STAT_READ], 5);
	/* 11 data blocks, 3 taken: a write of 9 blocks stops at 8. */
	assert_int_equal(uapi_open(m, 0, "/big", O_CREAT | O_WRONLY, 0644, &fd),
			 0);
	for (int i = 0; i < 8; i++)
		assert_int_equal(uapi_sys_write(m, 0, fd, buf, 4096, &done), 0);
	assert_int_equal(uapi_sys_write(m, 0, fd, buf, 4096, &done), -ENOSPC);
	assert_int_equal(uapi_ftruncate(m, 0, fd, 4096), 0);
	assert_int_equal(uapi_sys_write(m, 0, fd, buf, 8192, &done), 0);
	assert_int_equal(done, 8192);
	assert_consistent(m);
	machine_destroy(m);
}

/* A layout's storage and files are checked, each problem on its key. */
static void test_layout_checks(void **state)
{
	struct layout l;
	struct layout_errors errs;

	(void)state;
	small_layout(&l, 32 * MiB);
	l.storage.sector_size = 100;
	l.storage.size = 4097;
	l.limits.nofile = 0;
	l.nr_files = 3;
	strcpy(l.files[0].name, "a");
	strcpy(l.files[1].name, "a");
	strcpy(l.files[2].name, "x/y");
	assert_int_equal(layout_validate(&l, &errs), -EINVAL);
	assert_int_equal(errs.nr, 5);
	assert_string_equal(errs.err[0].key, "storage.size");
	assert_string_equal(errs.err[1].key, "storage.sector_size");
	assert_string_equal(errs.err[2].key, "files[1]");
	assert_string_equal(errs.err[3].key, "files[2]");
	assert_string_equal(errs.err[4].key, "limits.nofile");
	small_layout(&l, 32 * MiB);
	l.storage.size = 64 * KiB;
	l.nr_files = 1;
	strcpy(l.files[0].name, "big");
	l.files[0].size = 48 * KiB; /* the metadata takes 5 blocks */
	assert_int_equal(layout_validate(&l, &errs), -EINVAL);
	assert_int_equal(errs.nr, 1);
	assert_string_equal(errs.err[0].key, "files");
	l.files[0].size = 44 * KiB;
	assert_int_equal(layout_validate(&l, &errs), 0);
	/* 5 blocks of metadata in 20 KiB: no room for data */
	l.nr_files = 0;
	l.storage.size = 20 * KiB;
	assert_int_equal(layout_validate(&l, &errs), -EINVAL);
	assert_int_equal(errs.nr, 1);
	assert_string_equal(errs.err[0].key, "storage.size");
	l.storage.size = 24 * KiB;
	assert_int_equal(layout_validate(&l, &errs), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_processes),
		cmocka_unit_test(test_nofile),
		cmocka_unit_test(test_storage),
		cmocka_unit_test(test_layout_checks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
