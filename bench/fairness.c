/* SPDX-License-Identifier: MIT */
/*
 * fairness.c - many client processes at once against a running mmd:
 * does every one of them get served, and how long does a round trip
 * take when a thousand processes share the daemon?
 *
 *   fairness SOCKET CLIENTS SECONDS [RATE]
 *
 * Forks CLIENTS processes. Each connects through libmmclient, waits
 * until all are connected, then for SECONDS makes one call after
 * another, each picked at random from a mix of what programs do:
 * kmalloc then kfree of 64 .. 4096 bytes, alloc_pages then free_pages
 * of order 0 .. 2, mmap of 4 pages then a write to each (its faults)
 * then munmap, and a 4 KiB read of a page it holds. Every call's round
 * trip goes into a histogram in memory shared with the parent. With a
 * RATE, each client starts RATE of these a second, as programs
 * that do other work between calls do: the latencies are then the
 * daemon's, not a queue of a thousand callers that never pause (whose
 * round trip is CLIENTS over the daemon's calls per second, whatever
 * the daemon does).
 *
 * Prints the round trips' p50, p99 and max; each client's rate against
 * the mean: the slowest client's share, and how many clients fell below
 * half the mean; and the targets (p99 <= 1 ms, no client below half the
 * mean) beside them. Owns: nothing but its own figures. Must never: pass
 * or fail on time; bench/fairness.sh runs the daemon.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "client/mmclient.h"

/* Latency buckets: 8 per power of two of nanoseconds. */
#define SUB	   8
#define NR_BUCKETS (64 * SUB)

struct client_figures {
	unsigned long calls;
	unsigned long errors;
	unsigned long max_ns;
	unsigned int hist[NR_BUCKETS];
	int connect_err;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static unsigned int bucket_of(uint64_t ns)
{
	unsigned int log = 0, sub;

	if (ns < SUB)
		return (unsigned int)ns;
	while ((ns >> log) >= 2 * SUB)
		log++;
	sub = (unsigned int)(ns >> log) - SUB;
	return (log + 1) * SUB + sub;
}

/* The smallest latency of a bucket, for reading percentiles back. */
static uint64_t bucket_ns(unsigned int b)
{
	if (b < SUB)
		return b;
	return (uint64_t)(b % SUB + SUB) << (b / SUB - 1);
}

static void record(struct client_figures *f, uint64_t t0, int err)
{
	uint64_t ns = now_ns() - t0;

	f->calls++;
	f->errors += err != 0;
	f->hist[bucket_of(ns)]++;
	if (ns > f->max_ns)
		f->max_ns = ns;
}

/* One call of the mix, each round trip timed on its own. */
static void one_call(struct mmc *c, struct client_figures *f,
		     unsigned long page, unsigned int *seed)
{
	unsigned int pick = (unsigned int)rand_r(seed) % 4;
	unsigned int ps = mmc_info(c)->page_size;
	uint64_t t0 = now_ns(), addr = 0;
	unsigned long pfn = 0;
	char buf[4096];
	int err;

	switch (pick) {
	case 0:
		err = mmc_kmalloc(c, 64 + (size_t)rand_r(seed) % 4033,
				  GFP_KERNEL, &addr);
		record(f, t0, err);
		t0 = now_ns();
		if (!err) /* a failed allocation leaves nothing to free */
			record(f, t0, mmc_kfree(c, addr));
		break;
	case 1: {
		unsigned int order = (unsigned int)rand_r(seed) % 3;

		err = mmc_alloc_pages(c, GFP_KERNEL, order, &pfn);
		record(f, t0, err);
		t0 = now_ns();
		if (!err) /* a failed allocation leaves nothing to free */
			record(f, t0, mmc_free_pages(c, pfn, order));
		break;
	}
	case 2:
		err = mmc_mmap(c, 0, 0, 4 * ps, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, &addr);
		record(f, t0, err);
		for (unsigned int i = 0; !err && i < 4; i++) {
			t0 = now_ns();
			record(f, t0,
			       mmc_write_vm(c, 0, addr + i * ps, "x", 1, NULL));
		}
		t0 = now_ns();
		if (!err) /* a failed allocation leaves nothing to free */
			record(f, t0, mmc_munmap(c, 0, addr, 4 * ps));
		break;
	default:
		record(f, t0,
		       mmc_read(c, page, buf,
				sizeof(buf) < ps ? sizeof(buf) : ps));
		break;
	}
}

/* Sleep until the next call is due, when pacing. */
static void pace(uint64_t *next, double rate)
{
	struct timespec ts;

	if (rate <= 0)
		return;
	*next += (uint64_t)(1e9 / rate);
	ts.tv_sec = (time_t)(*next / 1000000000u);
	ts.tv_nsec = (long)(*next % 1000000000u);
	clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
}

static void run_client(const char *sock, int ready_fd, int start_fd,
		       double seconds, double rate, unsigned int id,
		       struct client_figures *f)
{
	struct mmc_options o = {"fair", id % 2, 0};
	unsigned int seed = id * 2654435761u + 1;
	unsigned long pfn = 0, page;
	struct mmc *c;
	uint64_t end, next;
	char byte;
	int err;

	err = mmc_connect(sock, &o, &c);
	if (!err)
		err = mmc_alloc_pages(c, GFP_KERNEL, 0, &pfn);
	f->connect_err = err;
	if (write(ready_fd, "r", 1) != 1)
		_exit(1);
	/* The parent closes the pipe once every client has connected. */
	while (read(start_fd, &byte, 1) > 0)
		;
	if (err)
		_exit(1);
	page = mmc_info(c)->page_offset + pfn * mmc_info(c)->page_size;
	next = now_ns();
	/* Spread the paced clients' first calls over one period. */
	if (rate > 0)
		next += (uint64_t)(1e9 / rate * (rand_r(&seed) % 1000) / 1000);
	end = now_ns() + (uint64_t)(seconds * 1e9);
	while (now_ns() < end) {
		pace(&next, rate);
		one_call(c, f, page, &seed);
	}
	mmc_close(c);
	_exit(0);
}

static uint64_t percentile(const unsigned long *hist, unsigned long total,
			   double p)
{
	unsigned long want = (unsigned long)(p * (double)total), seen = 0;

	for (unsigned int b = 0; b < NR_BUCKETS; b++) {
		seen += hist[b];
		if (seen > want)
			return bucket_ns(b);
	}
	return 0;
}

static int cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

static void report(const struct client_figures *f, unsigned int n,
		   double seconds)
{
	unsigned long hist[NR_BUCKETS] = {0}, calls = 0, errors = 0, max = 0;
	unsigned long *per = calloc(n, sizeof(*per)), below = 0;
	unsigned int failed = 0;
	double mean;

	if (!per)
		exit(1);
	for (unsigned int i = 0; i < n; i++) {
		failed += f[i].connect_err != 0;
		calls += f[i].calls;
		errors += f[i].errors;
		per[i] = f[i].calls;
		if (f[i].max_ns > max)
			max = f[i].max_ns;
		for (unsigned int b = 0; b < NR_BUCKETS; b++)
			hist[b] += f[i].hist[b];
	}
	mean = (double)calls / n;
	qsort(per, n, sizeof(*per), cmp_ulong);
	for (unsigned int i = 0; i < n; i++)
		below += (double)per[i] < mean / 2;
	printf("%8s %8s %10s %8s %8s %9s %14s %12s\n", "clients", "failed",
	       "calls/s", "p50 us", "p99 us", "max us", "slowest/mean",
	       "below mean/2");
	printf("%8u %8u %10.0f %8.1f %8.1f %9.1f %14.2f %12lu\n", n, failed,
	       (double)calls / seconds, percentile(hist, calls, 0.50) / 1e3,
	       percentile(hist, calls, 0.99) / 1e3, (double)max / 1e3,
	       mean > 0 ? (double)per[0] / mean : 0.0, below);
	printf("(targets: p99 <= 1000 us, slowest/mean >= 0.50, below mean/2 "
	       "= 0; %lu calls, %lu failed calls)\n",
	       calls, errors);
	free(per);
}

int main(int argc, char **argv)
{
	unsigned int n = argc > 2 ? (unsigned int)atoi(argv[2]) : 0;
	double seconds = argc > 3 ? atof(argv[3]) : 0;
	double rate = argc > 4 ? atof(argv[4]) : 0;
	struct client_figures *f;
	int start[2], ready[2];
	char byte;

	if (argc < 4 || argc > 5 || n == 0 || seconds <= 0 || rate < 0) {
		fprintf(stderr,
			"usage: fairness SOCKET CLIENTS SECONDS [RATE]\n");
		return 2;
	}
	f = mmap(NULL, n * sizeof(*f), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (f == MAP_FAILED || pipe(start) || pipe(ready))
		return 1;
	for (unsigned int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("fairness: fork");
			return 1;
		}
		if (pid == 0) {
			close(start[1]);
			close(ready[0]);
			run_client(argv[1], ready[1], start[0], seconds, rate,
				   i, &f[i]);
		}
	}
	close(start[0]);
	close(ready[1]);
	/* Every client connected (or failed to): all start at once. */
	for (unsigned int i = 0; i < n; i++)
		if (read(ready[0], &byte, 1) != 1)
			break;
	close(start[1]);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	report(f, n, seconds);
	return 0;
}
