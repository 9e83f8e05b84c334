/* SPDX-License-Identifier: MIT */
/*
 * malloc.c - a simulated process's malloc (core/malloc.c) against the
 * host's glibc malloc on the same allocation traces, in the same run:
 * each trace's utilization (peak live bytes / peak heap), then its
 * operations per second with the replay's checks (alignment, overlap,
 * every block's bytes written and read back; the same for both) and
 * without them (the allocator's calls alone), and the ratios.
 *
 *   build/bench/malloc [DIR]     DIR defaults to ../shared/traces
 *
 * Every *.rep file in DIR is replayed; without DIR there is nothing to
 * measure and the benchmark says so and succeeds. Timings are medians
 * of repeated runs, each going on in the heap the last one left (as a
 * long-lived process would: glibc's arena is never fresh either), the
 * two allocators' runs taken in turns.
 */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench/bench.h"
#include "tools/replay.h"
#include "tools/trace.h"

#define DEFAULT_DIR  "../shared/traces"
#define MAX_TRACES   64
#define MIN_REPS     9
#define MAX_REPS     2000
#define MIN_TIME_SEC 0.2

struct side {
	double util;	    /* from a fresh heap, checks on */
	double checked_ops; /* ops/s, checks on */
	double pure_ops;    /* ops/s, checks off */
};

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.rep files of dir, sorted; 0 when there are none. */
static int list_traces(const char *dir, char **names)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) && n < MAX_TRACES) {
		size_t len = strlen(e->d_name);

		if (len > 4 && !strcmp(e->d_name + len - 4, ".rep"))
			names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, (size_t)n, sizeof(*names), cmp_name);
	return n;
}

static void die(const char *err)
{
	fprintf(stderr, "malloc: %s\n", err);
	exit(1);
}

/* One warm run's ops/s. */
static double run_once(const struct trace *t, const struct replay_backend *b,
		       const struct replay_opts *o, double *spent)
{
	struct replay_result r;
	char err[256];

	if (replay_run(t, b, o, &r, err, sizeof(err)))
		die(err);
	*spent += r.seconds;
	return r.ops_per_sec;
}

/*
 * The median ops/s of warm runs of both, taken in turns so that what
 * else the host does weighs on both alike, repeated for MIN_TIME_SEC.
 */
static void timed(const struct trace *t, const struct replay_backend *b,
		  bool check, double *rate)
{
	struct replay_opts o = {.check = check, .measure = check, .warm = true};
	static double runs[2][MAX_REPS];
	double spent = 0;
	int n = 0;

	while (n < MAX_REPS && (n < MIN_REPS || spent < 2 * MIN_TIME_SEC)) {
		for (int k = 0; k < 2; k++)
			runs[k][n] = run_once(t, &b[k], &o, &spent);
		n++;
	}
	for (int k = 0; k < 2; k++) {
		qsort(runs[k], (size_t)n, sizeof(double), cmp_double);
		rate[k] = runs[k][n / 2];
	}
}

/*
 * Utilization from a fresh heap (glibc's in a fresh process: its heap
 * is the whole process's), then both rates, for both sides.
 */
static void measure(const char *path, const struct trace *t,
		    const struct replay_backend *b, struct side *s)
{
	struct replay_opts o = {.check = true, .measure = true};
	struct replay_result r;
	char err[256];
	double rate[2];

	if (replay_run(t, &b[0], &o, &r, err, sizeof(err)))
		die(err);
	s[0].util = r.utilization;
	if (replay_glibc_fresh(path, &o, &r, err, sizeof(err)))
		die(err);
	s[1].util = r.utilization;
	timed(t, b, true, rate);
	s[0].checked_ops = rate[0];
	s[1].checked_ops = rate[1];
	timed(t, b, false, rate);
	s[0].pure_ops = rate[0];
	s[1].pure_ops = rate[1];
}

static void print_header(void)
{
	printf("%-20s %13s  %28s  %28s\n", "", "utilization",
	       "ops/s, checks on", "ops/s, calls alone");
	printf("%-20s %6s %6s  %11s %11s %4s  %11s %11s %4s\n", "trace", "mm",
	       "glibc", "mm", "glibc", "x", "mm", "glibc", "x");
}

static void print_row(const char *name, const struct side *mm,
		      const struct side *gl, double checked_x, double pure_x)
{
	printf("%-20s %5.1f%% %5.1f%%  %11.0f %11.0f %4.2f  %11.0f %11.0f "
	       "%4.2f\n",
	       name, 100 * mm->util, 100 * gl->util, mm->checked_ops,
	       gl->checked_ops, checked_x, mm->pure_ops, gl->pure_ops, pure_x);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : DEFAULT_DIR;
	struct replay_backend b[2];
	struct side s[2], sum[2] = {{0}};
	double log_x[2] = {0};
	char *names[MAX_TRACES], err[256], path[4096];
	int n;

	replay_fresh_child();
	n = list_traces(dir, names);
	if (!n) {
		printf("no traces in %s: nothing to measure\n", dir);
		return 0;
	}
	if (replay_direct_open(&b[0], err, sizeof(err)) ||
	    replay_glibc_open(&b[1], err, sizeof(err)))
		die(err);
	printf("Allocation traces of %s: mm's malloc in a simulated process "
	       "(direct) against glibc's\n",
	       dir);
	print_header();
	for (int i = 0; i < n; i++) {
		double cx, px;
		struct trace t;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (trace_load(path, &t, err, sizeof(err)))
			die(err);
		measure(path, &t, b, s);
		cx = s[0].checked_ops / s[1].checked_ops;
		px = s[0].pure_ops / s[1].pure_ops;
		print_row(t.name, &s[0], &s[1], cx, px);
		log_x[0] += log(cx) / n;
		log_x[1] += log(px) / n;
		for (int k = 0; k < 2; k++) {
			sum[k].util += s[k].util / n;
			sum[k].checked_ops += s[k].checked_ops / n;
			sum[k].pure_ops += s[k].pure_ops / n;
		}
		trace_free(&t);
		free(names[i]);
	}
	print_row("average", &sum[0], &sum[1], exp(log_x[0]), exp(log_x[1]));
	printf("x: mm / glibc; on the average line, the geometric mean of the "
	       "traces' x\n");
	replay_close(&b[0]);
	replay_close(&b[1]);
	return 0;
}
