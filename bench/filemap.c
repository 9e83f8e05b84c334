/* SPDX-License-Identifier: MIT */
/*
 * filemap.c - the page cache's costs against the host kernel's in the
 * same run: a buffered 4 KiB pread of a page already cached (the host:
 * pread of a tmpfs file), and a sequential read of a 256 MiB file in
 * 128 KiB reads through readahead from the block device (the host: the
 * same reads of a 256 MiB tmpfs file, whose pages are always cached).
 * And the faults of a 64 MiB MAP_SHARED file mapping read a byte a
 * page, the file cached and uncached (the host: a tmpfs file's
 * mapping), fault-around on both sides. The rounds take turns with the
 * host's (bench_turns).
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bench/bench.h"
#include "bench/bench_machine.h"
#include "core/err.h"
#include "core/machine.h"
#include "core/mm.h"
#include "core/task.h"
#include "core/uapi.h"

#define ROUNDS	    5
#define PREADS	    200000
#define SEQ_BYTES   (256UL << 20)
#define SEQ_CHUNK   (128UL << 10)
#define FAULT_BYTES (64UL << 20)

static struct machine *boot_machine(uint64_t memory, uint64_t file)
{
	struct layout l;

	bench_layout_flat(&l, memory);
	l.nr_files = 1;
	strcpy(l.files[0].name, "data");
	l.files[0].size = file;
	return bench_boot_task(&l, "filemap");
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

struct sim {
	struct machine *m;
	int pid, fd;
	char *buf;
	bool cached; /* faults: the cache kept between rounds, or dropped */
};

struct host {
	int fd;
	char *buf;
};

/* The cache emptied, as the kernel does it, off the clock. */
static void drop_untimed(struct sim *s, uint64_t *untimed)
{
	uint64_t t0 = now_ns();

	drop_caches(s->m);
	task_switch(s->m, s->pid);
	*untimed += now_ns() - t0;
}

static long sim_pread(void *arg, long n, uint64_t *untimed)
{
	struct sim *s = arg;
	size_t done;

	(void)untimed;
	for (long i = 0; i < n; i++)
		if (uapi_pread64(s->m, 0, s->fd, s->buf, 4096, 8192, &done) ||
		    done != 4096)
			exit(1);
	keep(s->buf);
	return n;
}

static long host_pread(void *arg, long n, uint64_t *untimed)
{
	struct host *h = arg;

	(void)untimed;
	for (long i = 0; i < n; i++)
		if (pread(h->fd, h->buf, 4096, 8192) != 4096)
			exit(1);
	keep(h->buf);
	return n;
}

/* A whole sequential read from an empty cache; counts bytes. */
static long sim_sequential(void *arg, long n, uint64_t *untimed)
{
	struct sim *s = arg;
	size_t done;

	(void)n;
	drop_untimed(s, untimed);
	for (uint64_t off = 0; off < SEQ_BYTES; off += SEQ_CHUNK)
		if (uapi_pread64(s->m, 0, s->fd, s->buf, SEQ_CHUNK,
				 (int64_t)off, &done) ||
		    done != SEQ_CHUNK)
			exit(1);
	return (long)SEQ_BYTES;
}

static long host_sequential(void *arg, long n, uint64_t *untimed)
{
	struct host *h = arg;

	(void)n;
	(void)untimed;
	for (uint64_t off = 0; off < SEQ_BYTES; off += SEQ_CHUNK)
		if (pread(h->fd, h->buf, SEQ_CHUNK, (off_t)off) !=
		    (ssize_t)SEQ_CHUNK)
			exit(1);
	return (long)SEQ_BYTES;
}

/*
 * A file mapping of FAULT_BYTES, read a byte a page, unmapped: per page
 * touched (fault-around maps 16 pages a fault on both sides).
 */
static long sim_faults(void *arg, long n, uint64_t *untimed)
{
	struct sim *s = arg;
	struct user_fault f;
	uint64_t a = 0;
	uint8_t b;

	(void)n;
	if (!s->cached)
		drop_untimed(s, untimed);
	if (uapi_sys_mmap(s->m, 0, 0, FAULT_BYTES, PROT_READ, MAP_SHARED, s->fd,
			  0, &a))
		exit(1);
	for (uint64_t off = 0; off < FAULT_BYTES; off += 4096)
		if (uapi_access_vm(s->m, 0, a + off, &b, 1, USER_READ, &f))
			exit(1);
	if (uapi_munmap(s->m, 0, a, FAULT_BYTES))
		exit(1);
	return (long)(FAULT_BYTES / 4096);
}

static long host_faults(void *arg, long n, uint64_t *untimed)
{
	struct host *h = arg;
	volatile uint8_t *p =
		mmap(NULL, FAULT_BYTES, PROT_READ, MAP_SHARED, h->fd, 0);
	uint8_t sum = 0;

	(void)n;
	(void)untimed;
	if (p == MAP_FAILED)
		exit(1);
	for (uint64_t off = 0; off < FAULT_BYTES; off += 4096)
		sum += p[off];
	munmap((void *)p, FAULT_BYTES);
	keep(&sum);
	return (long)(FAULT_BYTES / 4096);
}

int main(void)
{
	struct machine *m = boot_machine(512ULL << 20, SEQ_BYTES);
	struct sim s = {m, m->current_pid, -1, malloc(SEQ_CHUNK), true};
	struct host h = {host_file(SEQ_BYTES), malloc(SEQ_CHUNK)};
	double sim, host;

	if (!s.buf || !h.buf || uapi_open(m, 0, "/data", O_RDONLY, 0, &s.fd))
		return 1;
	bench_turns(ROUNDS, PREADS, sim_pread, &s, host_pread, &h, &sim, &host);
	printf("buffered 4 KiB pread of a cached page: machine %.0f ns, "
	       "host (tmpfs) %.0f ns: %.2fx the host's cost\n",
	       sim, host, sim / host);
	bench_turns(ROUNDS, 0, sim_sequential, &s, host_sequential, &h, &sim,
		    &host);
	printf("sequential read of 256 MiB in 128 KiB reads: machine %.0f "
	       "MB/s (readahead from the device, cache dropped first), host "
	       "(tmpfs, cached) %.0f MB/s: %.2fx the host's throughput\n",
	       1e3 / sim, 1e3 / host, host / sim);
	bench_turns(ROUNDS, 0, sim_faults, &s, host_faults, &h, &sim, &host);
	printf("file page faults, a %lu MiB MAP_SHARED mapping read a byte a "
	       "page, cached: machine %.0f ns, host (tmpfs) %.0f ns per "
	       "page: %.2fx the host's cost\n",
	       FAULT_BYTES >> 20, sim, host, sim / host);
	s.cached = false;
	bench_turns(ROUNDS, 0, sim_faults, &s, host_faults, &h, &sim, &host);
	printf("file page faults, uncached (major faults reading around from "
	       "the device, cache dropped first): machine %.0f ns, host "
	       "(tmpfs, always cached) %.0f ns per page: %.2fx the host's "
	       "cost\n",
	       sim, host, sim / host);
	free(s.buf);
	free(h.buf);
	close(h.fd);
	machine_destroy(m);
	return 0;
}
