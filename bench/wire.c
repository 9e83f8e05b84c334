/*
 * wire.c - round trips to a running mmd over its socket, through
 * libmmclient: requests per second and p50/p99 latency of one operation
 * from N client processes at a pipeline depth.
 *
 *   wire SOCKET OP CLIENTS DEPTH SECONDS
 *   OP: kmalloc (kmalloc 64 then kfree), pages (alloc_pages order 0
 *   then free_pages), read (a 4 KiB read of an owned page), ping
 *
 * Prints one line: "OP CLIENTS DEPTH REQ_PER_S P50_US P99_US", or
 * "OP CLIENTS DEPTH n/a ERRNO-NAME" when the daemon cannot do OP yet.
 * A latency is one round trip of a whole pipeline, as redis-benchmark
 * counts them. Owns: nothing but its own figures. Must never: pass or
 * fail on time; bench/wire.sh prints the table.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "client/mmclient.h"

#define MAX_DEPTH   64
#define MAX_SAMPLES (1u << 18)

struct result {
	unsigned long requests;
	unsigned int nr_samples;
	int err;
};

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

/* One round trip of depth requests; returns how many, or -errno. */
static int round_trip(struct mmc *c, const char *op, int depth, uint64_t *addrs,
		      unsigned long *pfns, void *buf, uint64_t read_addr,
		      int *phase)
{
	int st[MAX_DEPTH], n, err = 0;

	if (depth > 1)
		mmc_pipeline_begin(c);
	for (int i = 0; i < depth; i++) {
		if (!strcmp(op, "kmalloc"))
			err = *phase ? mmc_kfree(c, addrs[i])
				     : mmc_kmalloc(c, 64, GFP_KERNEL,
						   &addrs[i]);
		else if (!strcmp(op, "pages"))
			err = *phase ? mmc_free_pages(c, pfns[i], 0)
				     : mmc_alloc_pages(c, GFP_KERNEL, 0,
						       &pfns[i]);
		else if (!strcmp(op, "read"))
			err = mmc_read(c, read_addr, buf, 4096);
		else
			err = mmc_ping(c);
		if (err && depth == 1)
			return err;
	}
	*phase = !*phase;
	if (depth == 1)
		return 1;
	n = mmc_pipeline_end(c, st, MAX_DEPTH);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		if (st[i])
			return st[i];
	return n;
}

static void child(const char *sock, const char *op, int depth, double secs,
		  int fd)
{
	static float samples[MAX_SAMPLES];
	uint64_t addrs[MAX_DEPTH];
	unsigned long pfns[MAX_DEPTH], pfn = 0;
	struct result res = {0, 0, 0};
	static char buf[4096];
	uint64_t read_addr = 0;
	double start, end, t;
	struct mmc *c;
	int phase = 0, n;

	res.err = mmc_connect(sock, NULL, &c);
	if (!res.err && !strcmp(op, "read")) {
		res.err = mmc_alloc_pages(c, GFP_KERNEL, 0, &pfn);
		read_addr =
			mmc_info(c)->page_offset + pfn * mmc_info(c)->page_size;
	}
	start = now_us();
	end = start + secs * 1e6;
	for (t = start; !res.err && t < end;) {
		n = round_trip(c, op, depth, addrs, pfns, buf, read_addr,
			       &phase);
		if (n < 0) {
			res.err = n;
			break;
		}
		double t2 = now_us();

		/* Count requests only in whole alloc+free pairs. */
		res.requests += (unsigned long)n;
		if (res.nr_samples < MAX_SAMPLES)
			samples[res.nr_samples++] = (float)(t2 - t);
		t = t2;
	}
	if (!res.err && phase && strcmp(op, "read") && strcmp(op, "ping"))
		round_trip(c, op, depth, addrs, pfns, buf, read_addr, &phase);
	if (c)
		mmc_close(c);
	if (write(fd, &res, sizeof(res)) != sizeof(res) ||
	    write(fd, samples, res.nr_samples * sizeof(float)) < 0)
		_exit(1);
	_exit(0);
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

static int read_all(int fd, void *p, size_t len)
{
	while (len) {
		ssize_t n = read(fd, p, len);

		if (n <= 0)
			return -1;
		p = (char *)p + n;
		len -= (size_t)n;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int clients, depth, err = 0, fds[256];
	unsigned long requests = 0;
	float *all = NULL;
	size_t nr_all = 0;
	double secs;

	if (argc != 6) {
		fputs("usage: wire SOCKET OP CLIENTS DEPTH SECONDS\n", stderr);
		return 2;
	}
	clients = atoi(argv[3]);
	depth = atoi(argv[4]);
	secs = atof(argv[5]);
	if (clients < 1 || clients > 256 || depth < 1 || depth > MAX_DEPTH)
		return 2;
	for (int i = 0; i < clients; i++) {
		int p[2];

		if (pipe(p))
			return 1;
		if (fork() == 0) {
			close(p[0]);
			child(argv[1], argv[2], depth, secs, p[1]);
		}
		close(p[1]);
		fds[i] = p[0];
	}
	for (int i = 0; i < clients; i++) {
		struct result r;
		float *more;

		if (read_all(fds[i], &r, sizeof(r)))
			return 1;
		more = realloc(all, (nr_all + r.nr_samples) * sizeof(float));
		if (!more || read_all(fds[i], more + nr_all,
				      r.nr_samples * sizeof(float)))
			return 1;
		all = more;
		nr_all += r.nr_samples;
		requests += r.requests;
		if (r.err)
			err = r.err;
		close(fds[i]);
	}
	while (wait(NULL) > 0)
		;
	if (err || !nr_all) {
		printf("%s %d %d n/a %s\n", argv[2], clients, depth,
		       err == -ENOSYS ? "ENOSYS" : mmc_strerror(err));
		free(all);
		return 0;
	}
	qsort(all, nr_all, sizeof(float), cmp_float);
	printf("%s %d %d %.0f %.1f %.1f\n", argv[2], clients, depth,
	       (double)requests / secs, all[nr_all / 2],
	       all[nr_all * 99 / 100]);
	free(all);
	return 0;
}
