/* SPDX-License-Identifier: MIT */
/*
 * mmc_test_fs.c - the integration tests' checks of files over the wire:
 * open, creat, read, pread64, write, pwrite64, lseek, ftruncate, fsync,
 * unlink, stat, fstat, fadvise64 and readahead, the errors of bad
 * descriptors (another session's among them), a read longer than a
 * reply, a forked process's copy of the table, and mappings of files
 * (sys_mmap, msync, maps, SIGBUS past the end).
 *
 * Owns: the "ops files" family of mmc_test. Must never: be installed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "tests/mmc_test/mmc_test.h"
#include "tests/mmc_test/mmc_test_vm.h"

static void files_bytes(struct mmc *c)
{
	uint8_t buf[9000], back[9000];
	struct mmc_stat st;
	size_t done = 0;
	uint64_t pos = 0;
	int fd = -1;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 13 + 1);
	EXPECT_ERR(c, 0, mmc_creat(c, 0, "/wire", 0640, &fd));
	EXPECT(fd == 0, "the first descriptor is %d, not 0", fd);
	EXPECT_ERR(c, 0, mmc_sys_write(c, 0, fd, buf, sizeof(buf), &done));
	EXPECT(done == sizeof(buf), "wrote %zu of %zu", done, sizeof(buf));
	EXPECT_ERR(c, -EBADF, mmc_sys_read(c, 0, fd, back, 10, &done));
	EXPECT_ERR(c, 0, mmc_sys_close(c, 0, fd));
	EXPECT_ERR(c, 0, mmc_open(c, 0, "wire", O_RDWR, 0, &fd));
	EXPECT_ERR(c, 0, mmc_sys_read(c, 0, fd, back, sizeof(back), &done));
	EXPECT(done == sizeof(buf) && !memcmp(back, buf, done),
	       "read back %zu bytes, or other bytes", done);
	EXPECT_ERR(c, 0, mmc_sys_read(c, 0, fd, back, 10, &done));
	EXPECT(done == 0, "a read at the end gave %zu bytes", done);
	EXPECT_ERR(c, 0, mmc_pread64(c, 0, fd, back, 100, 8950, &done));
	EXPECT(done == 50 && !memcmp(back, buf + 8950, 50),
	       "pread at 8950 gave %zu bytes", done);
	EXPECT_ERR(c, 0, mmc_pwrite64(c, 0, fd, "xyz", 3, 4095, &done));
	EXPECT_ERR(c, 0, mmc_lseek(c, 0, fd, -3, SEEK_END, &pos));
	EXPECT(pos == sizeof(buf) - 3, "lseek to %llu",
	       (unsigned long long)pos);
	EXPECT_ERR(c, 0, mmc_ftruncate(c, 0, fd, 4097));
	EXPECT_ERR(c, 0, mmc_fstat(c, 0, fd, &st));
	EXPECT(st.size == 4097 && st.blocks == 16 && st.mode == 0100640 &&
		       st.nlink == 1,
	       "fstat: size %llu blocks %llu mode %o nlink %u",
	       (unsigned long long)st.size, (unsigned long long)st.blocks,
	       st.mode, st.nlink);
	EXPECT_ERR(c, 0, mmc_pread64(c, 0, fd, back, 4, 4095, &done));
	EXPECT(done == 2 && !memcmp(back, "xy", 2), "pread over the end: %zu",
	       done);
	EXPECT_ERR(c, 0, mmc_fsync(c, 0, fd));
	EXPECT_ERR(c, 0, mmc_fdatasync(c, 0, fd));
	EXPECT_ERR(c, 0, mmc_pwrite64(c, 0, fd, "s", 1, 0, &done));
	EXPECT_ERR(c, 0, mmc_sync(c, 0)); /* the page and its metadata */
	{
		char *text = NULL;
		int err = mmc_report(c, MMC_REPORT_MEMINFO, &text);

		EXPECT(err == 0 && text && strstr(text, "\nDirty:"),
		       "meminfo: %s", mmc_strerror(err));
		EXPECT(text && strstr(text, "\nDirty:                 0 kB\n"),
		       "Dirty after sync: %.40s",
		       text && strstr(text, "\nDirty:")
			       ? strstr(text, "\nDirty:")
			       : "");
		free(text);
	}
	EXPECT_ERR(c, 0, mmc_fadvise64(c, 0, fd, 0, 0, 4));
	EXPECT_ERR(c, 0, mmc_readahead(c, 0, fd, 0, 4096));
	EXPECT_ERR(c, 0, mmc_sys_close(c, 0, fd));
}

static void files_errors(struct mmc *c, struct mmc *other)
{
	uint8_t b[8];
	size_t done;
	uint64_t pos;
	struct mmc_stat st;
	int fd = -1, ofd = -1;

	EXPECT_ERR(c, -ENOENT, mmc_open(c, 0, "/none", O_RDONLY, 0, &fd));
	EXPECT_ERR(c, -ENOENT, mmc_open(c, 0, "", O_RDONLY, 0, &fd));
	EXPECT_ERR(c, -EISDIR, mmc_open(c, 0, "/", O_RDWR, 0, &fd));
	EXPECT_ERR(c, 0, mmc_open(c, 0, "/e", O_CREAT | O_WRONLY, 0600, &fd));
	EXPECT_ERR(c, -EEXIST,
		   mmc_open(c, 0, "/e", O_CREAT | O_EXCL | O_RDWR, 0, &ofd));
	EXPECT_ERR(c, -ENOTDIR, mmc_open(c, 0, "/e/x", O_RDONLY, 0, &ofd));
	EXPECT_ERR(c, -EBADF, mmc_sys_read(c, 0, fd, b, 1, &done));
	EXPECT_ERR(c, -EINVAL, mmc_pwrite64(c, 0, fd, b, 1, -1, &done));
	EXPECT_ERR(c, -EINVAL, mmc_lseek(c, 0, fd, 0, 9, &pos));
	EXPECT_ERR(c, -EINVAL, mmc_fadvise64(c, 0, fd, 0, -1, 0));
	EXPECT_ERR(c, -EBADF, mmc_readahead(c, 0, fd, 0, 1));
	EXPECT_ERR(c, -EBADF, mmc_sys_close(c, 0, 77));
	EXPECT_ERR(c, -EBADF, mmc_fstat(c, 0, -1, &st));
	EXPECT_ERR(c, -EISDIR, mmc_unlink(c, 0, "/"));
	EXPECT_ERR(c, -ESRCH, mmc_sync(c, 99999)); /* no such process */
	/* Another session's descriptor 0 is its own, and there is none. */
	EXPECT_ERR(other, -EBADF, mmc_sys_read(other, 0, fd, b, 1, &done));
	EXPECT_ERR(other, -EBADF, mmc_sys_close(other, 0, fd));
	EXPECT_ERR(other, 0, mmc_open(other, 0, "/e", O_RDONLY, 0, &ofd));
	EXPECT(ofd == 0, "the other session's first descriptor is %d", ofd);
	/* Unlinked while open: the name goes, the file stays readable. */
	EXPECT_ERR(c, 0, mmc_sys_write(c, 0, fd, "keep", 4, &done));
	EXPECT_ERR(c, 0, mmc_unlink(c, 0, "/e"));
	EXPECT_ERR(c, -ENOENT, mmc_stat(c, 0, "/e", &st));
	EXPECT_ERR(other, 0, mmc_sys_read(other, 0, ofd, b, 8, &done));
	EXPECT(done == 4 && !memcmp(b, "keep", 4),
	       "an unlinked file read %zu bytes", done);
	EXPECT_ERR(c, 0, mmc_sys_close(c, 0, fd));
	EXPECT_ERR(other, 0, mmc_sys_close(other, 0, ofd));
}

/* A read past what a reply holds comes back short, not refused. */
static void files_long_read(struct mmc *c)
{
	size_t max = mmc_info(c)->max_frame_bytes, done = 0;
	uint8_t *buf = calloc(1, max + 4096);
	int fd = -1;

	EXPECT(buf != NULL, "no memory");
	if (!buf)
		return;
	EXPECT_ERR(c, 0, mmc_open(c, 0, "/long", O_CREAT | O_RDWR, 0644, &fd));
	EXPECT_ERR(c, 0, mmc_ftruncate(c, 0, fd, (int64_t)max + 4096));
	EXPECT_ERR(c, 0, mmc_pread64(c, 0, fd, buf, max + 4096, 0, &done));
	EXPECT(done == max - 64, "a long read gave %zu bytes, not %zu", done,
	       max - 64);
	EXPECT_ERR(c, 0, mmc_sys_close(c, 0, fd));
	EXPECT_ERR(c, 0, mmc_unlink(c, 0, "/long"));
	free(buf);
}

/* fork copies the table: the child reads on from the shared offset. */
static void files_fork(struct mmc *c)
{
	int fd = -1, child = 0;
	size_t done = 0;
	char b[4] = {0};

	EXPECT_ERR(c, 0,
		   mmc_open(c, 0, "/forked", O_CREAT | O_RDWR, 0644, &fd));
	EXPECT_ERR(c, 0, mmc_sys_write(c, 0, fd, "abcdef", 6, &done));
	EXPECT_ERR(c, 0, mmc_fork(c, 0, &child));
	EXPECT_ERR(c, 0, mmc_pwrite64(c, child, fd, "Z", 1, 0, &done));
	EXPECT_ERR(c, 0, mmc_pread64(c, 0, fd, b, 1, 0, &done));
	EXPECT(b[0] == 'Z', "the child's write is not the parent's file");
	EXPECT_ERR(c, 0, mmc_exit_process(c, child));
	EXPECT_ERR(c, 0, mmc_sys_close(c, 0, fd));
	EXPECT_ERR(c, 0, mmc_unlink(c, 0, "/forked"));
}

/* The files report's numbers for /name: size blocks cached dirty. */
static bool file_row(struct mmc *c, const char *name, unsigned long long *v)
{
	char *text = NULL, want[64];
	bool found = false;
	int err = mmc_report(c, MMC_REPORT_FILES, &text);

	EXPECT(err == 0, "the files report: %s", mmc_strerror(err));
	snprintf(want, sizeof(want), " /%s\n", name);
	for (char *line = text; !err && line && *line;
	     line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		size_t n = strcspn(line, "\n");
		unsigned long long ino;

		if (n + 1 >= strlen(want) &&
		    !strncmp(line + n + 1 - strlen(want), want, strlen(want)) &&
		    sscanf(line, "%llu %llu %llu %llu %llu", &ino, &v[0], &v[1],
			   &v[2], &v[3]) == 5)
			found = true;
	}
	free(text);
	return found;
}

/* The page cache over the wire: dirty pages, fsync, DONTNEED. */
static void files_cache(struct mmc *c)
{
	static uint8_t buf[3 * 4096];
	unsigned long long v[4] = {0};
	size_t done = 0;
	int fd = -1;

	EXPECT_ERR(c, 0, mmc_creat(c, 0, "/cache", 0644, &fd));
	EXPECT_ERR(c, 0, mmc_sys_write(c, 0, fd, buf, sizeof(buf), &done));
	EXPECT(file_row(c, "cache", v) && v[0] == 12288 && v[1] == 3 &&
		       v[2] == 3 && v[3] == 3,
	       "after a write: size %llu blocks %llu cached %llu dirty %llu",
	       v[0], v[1], v[2], v[3]);
	EXPECT_ERR(c, 0, mmc_fsync(c, 0, fd));
	EXPECT(file_row(c, "cache", v) && v[2] == 3 && v[3] == 0,
	       "after fsync: cached %llu dirty %llu", v[2], v[3]);
	EXPECT_ERR(c, 0, mmc_fadvise64(c, 0, fd, 0, 0, 4));
	EXPECT(file_row(c, "cache", v) && v[2] == 0,
	       "after DONTNEED: cached %llu", v[2]);
	EXPECT_ERR(c, 0, mmc_sys_close(c, 0, fd));
	EXPECT_ERR(c, 0, mmc_unlink(c, 0, "/cache"));
}

/* A shared mapping of a file over the wire: the bytes are the file's. */
static void files_mmap(struct mmc *c, struct mmc *other)
{
	struct mmc_fault fault;
	uint8_t b[4] = {0};
	char *text = NULL;
	uint64_t a = 0;
	size_t done = 0;
	int fd = -1, wfd = -1;

	EXPECT_ERR(c, 0, mmc_open(c, 0, "/mapf", O_CREAT | O_RDWR, 0644, &fd));
	EXPECT_ERR(c, 0, mmc_ftruncate(c, 0, fd, 8192));
	EXPECT_ERR(c, 0,
		   mmc_sys_mmap(c, 0, 0, 12288, PROT_READ | PROT_WRITE,
				MAP_SHARED, fd, 0, &a));
	EXPECT_ERR(c, 0, mmc_write_vm(c, 0, a + 4096, "map", 3, &fault));
	EXPECT_ERR(c, 0, mmc_pread64(c, 0, fd, b, 3, 4096, &done));
	EXPECT(done == 3 && !memcmp(b, "map", 3),
	       "the file does not hold the mapping's bytes");
	EXPECT_ERR(c, 0, mmc_msync(c, 0, a, 8192, 4 /* MS_SYNC */));
	EXPECT_ERR(c, -EINVAL, mmc_msync(c, 0, a, 8192, 1 | 4));
	EXPECT_ERR(c, -EFAULT, mmc_read_vm(c, 0, a + 8192, b, 1, &fault));
	EXPECT(fault.signo == SIGBUS, "past the end: signal %d, not SIGBUS",
	       fault.signo);
	EXPECT_ERR(c, 0, mmc_report_pid(c, MMC_REPORT_MAPS, 0, &text));
	EXPECT(text && strstr(text, " rw-s 00000000 103:00 ") &&
		       strstr(text, "/mapf\n"),
	       "maps has no line for /mapf:\n%s", text ? text : "");
	free(text);
	EXPECT_ERR(c, -EINVAL,
		   mmc_sys_mmap(c, 0, 0, 4096, PROT_READ, MAP_SHARED, fd, 100,
				&a));
	EXPECT_ERR(other, -EBADF,
		   mmc_sys_mmap(other, 0, 0, 4096, PROT_READ, MAP_SHARED, fd, 0,
				&a));
	EXPECT_ERR(c, 0, mmc_open(c, 0, "/mapf", O_WRONLY, 0, &wfd));
	EXPECT_ERR(c, -EACCES,
		   mmc_sys_mmap(c, 0, 0, 4096, PROT_READ, MAP_PRIVATE, wfd, 0,
				&a));
	EXPECT_ERR(c, 0, mmc_sys_close(c, 0, wfd));
	EXPECT_ERR(c, 0, mmc_sys_close(c, 0, fd));
	EXPECT_ERR(c, 0, mmc_unlink(c, 0, "/mapf"));
}

void ops_files(void)
{
	struct mmc *c = connect_as("files", 0), *other = connect_as("other", 0);

	files_bytes(c);
	files_errors(c, other);
	files_long_read(c);
	files_fork(c);
	files_cache(c);
	files_mmap(c, other);
	EXPECT_ERR(c, 0, mmc_unlink(c, 0, "/wire"));
	mmc_close(other);
	finish(c, "files");
}
