/* SPDX-License-Identifier: MIT */
/*
 * filemap.c - the page cache's costs against the host kernel's in the
 * same run: a buffered 4 KiB pread of a page already cached (the host:
 * pread of a tmpfs file), and a sequential read of a 256 MiB file in
 * 128 KiB reads through readahead from the block device (the host: the
 * same reads of a 256 MiB tmpfs file, whose pages are always cached).
 * A file page fault has no figure yet: file mmap is still to come.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench/bench.h"
#include "core/err.h"
#include "core/machine.h"
#include "core/mm.h"
#include "core/task.h"
#include "core/uapi.h"

#define ROUNDS	  5
#define PREADS	  200000
#define SEQ_BYTES (256UL << 20)
#define SEQ_CHUNK (128UL << 10)

static struct machine *boot_machine(uint64_t memory, uint64_t file)
{
	struct layout l;
	struct machine *m;
	int pid;

	layout_default(&l);
	l.memory = memory;
	l.nr_zones = 2;
	l.zones[0] = (struct layout_zone){ZONE_DMA, 0, 16ULL << 20};
	l.zones[1] = (struct layout_zone){ZONE_DMA32, 16ULL << 20, memory};
	l.nr_holes = 0;
	l.nr_devices = 0;
	l.limits.pages = memory >> 12;
	l.nr_files = 1;
	strcpy(l.files[0].name, "data");
	l.files[0].size = file;
	m = machine_create(&l);
	if (IS_ERR(m) || task_create(m, "bench", 0, 0, &pid) ||
	    task_switch(m, pid)) {
		fprintf(stderr, "filemap: cannot boot a machine\n");
		exit(1);
	}
	return m;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* A tmpfs file of size bytes, filled, on the host. */
static int host_file(uint64_t size)
{
	char path[] = "/dev/shm/mm-bench-XXXXXX";
	int fd = mkstemp(path);
	char *buf = calloc(1, SEQ_CHUNK);

	if (fd < 0 || !buf) {
		perror("filemap: host file");
		exit(1);
	}
	unlink(path);
	for (uint64_t off = 0; off < size; off += SEQ_CHUNK) {
		memset(buf, (int)(off >> 17), SEQ_CHUNK);
		if (pwrite(fd, buf, SEQ_CHUNK, (off_t)off) !=
		    (ssize_t)SEQ_CHUNK)
			exit(1);
	}
	free(buf);
	return fd;
}

static double sim_pread(struct machine *m, int fd)
{
	char buf[4096];
	size_t done;
	uint64_t t0;

	uapi_pread64(m, 0, fd, buf, 4096, 8192, &done); /* cache it */
	t0 = now_ns();
	for (int i = 0; i < PREADS; i++)
		if (uapi_pread64(m, 0, fd, buf, 4096, 8192, &done) ||
		    done != 4096)
			exit(1);
	keep(buf);
	return (double)(now_ns() - t0) / PREADS;
}

static double host_pread(int fd)
{
	char buf[4096];
	uint64_t t0 = now_ns();

	for (int i = 0; i < PREADS; i++)
		if (pread(fd, buf, 4096, 8192) != 4096)
			exit(1);
	keep(buf);
	return (double)(now_ns() - t0) / PREADS;
}

/* MB/s of a whole sequential read, from an empty cache. */
static double sim_sequential(struct machine *m, int pid, int fd, char *buf)
{
	size_t done;
	uint64_t t0;

	drop_caches(m); /* runs as the kernel */
	task_switch(m, pid);
	t0 = now_ns();
	for (uint64_t off = 0; off < SEQ_BYTES; off += SEQ_CHUNK)
		if (uapi_pread64(m, 0, fd, buf, SEQ_CHUNK, (int64_t)off,
				 &done) ||
		    done != SEQ_CHUNK)
			exit(1);
	return (double)SEQ_BYTES / 1e6 / ((double)(now_ns() - t0) / 1e9);
}

static double host_sequential(int fd, char *buf)
{
	uint64_t t0 = now_ns();

	for (uint64_t off = 0; off < SEQ_BYTES; off += SEQ_CHUNK)
		if (pread(fd, buf, SEQ_CHUNK, (off_t)off) != (ssize_t)SEQ_CHUNK)
			exit(1);
	return (double)SEQ_BYTES / 1e6 / ((double)(now_ns() - t0) / 1e9);
}

int main(void)
{
	struct machine *m = boot_machine(512ULL << 20, SEQ_BYTES);
	int hfd = host_file(SEQ_BYTES), fd, pid = m->current_pid;
	double sim[ROUNDS], host[ROUNDS];
	char *buf = malloc(SEQ_CHUNK);

	if (!buf || uapi_open(m, 0, "/data", O_RDONLY, 0, &fd))
		return 1;
	for (int r = 0; r < ROUNDS; r++) {
		sim[r] = sim_pread(m, fd);
		host[r] = host_pread(hfd);
	}
	printf("buffered 4 KiB pread of a cached page: machine %.0f ns, "
	       "host (tmpfs) %.0f ns: %.2fx the host's cost\n",
	       median(sim, ROUNDS), median(host, ROUNDS),
	       median(sim, ROUNDS) / median(host, ROUNDS));
	for (int r = 0; r < ROUNDS; r++) {
		sim[r] = sim_sequential(m, pid, fd, buf);
		host[r] = host_sequential(hfd, buf);
	}
	printf("sequential read of 256 MiB in 128 KiB reads: machine %.0f "
	       "MB/s (readahead from the device, cache dropped first), host "
	       "(tmpfs, cached) %.0f MB/s: %.2fx the host's throughput\n",
	       median(sim, ROUNDS), median(host, ROUNDS),
	       median(sim, ROUNDS) / median(host, ROUNDS));
	printf("file page fault: not measured (file mmap is still to come)\n");
	free(buf);
	close(hfd);
	machine_destroy(m);
	return 0;
}
