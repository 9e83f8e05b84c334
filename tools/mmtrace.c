/* SPDX-License-Identifier: MIT */
/*
 * mmtrace.c - replay allocation traces through an allocator and print,
 * per trace, its operations, the heap's utilization and the operations
 * per second, then the average utilization.
 *
 *   mmtrace [-s SOCKET] [--direct|--glibc] [--no-check] TRACE...
 *   mmtrace --replay RECORDING
 *
 * By default each trace runs in a process of a running mmd (at SOCKET,
 * else $MMD_SOCKET, else /run/mmd/mmd.sock), its malloc called over the
 * wire. --direct runs core's malloc in this process, on a machine of
 * its own, to tell the allocator's cost from the socket's; --glibc the
 * host's, each trace in a process of its own so that its heap is the
 * trace's alone. --no-check leaves out the checks of alignment,
 * overlap and bytes, timing the allocator's calls and little else.
 * --replay runs a recording mmd made with --record on a fresh machine of
 * the recorded layout and says whether it ends with the same buddyinfo
 * and slabinfo (exit 0) or not (exit 1).
 * Exits 0, 1 when a trace fails (its line and why on stderr), 2 on bad
 * usage.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "tools/replay.h"
#include "tools/trace.h"

static int usage(FILE *f)
{
	fprintf(f, "usage: mmtrace [-s SOCKET] [--direct|--glibc] "
		   "[--no-check] TRACE...\n"
		   "       mmtrace --replay RECORDING\n");
	return f == stdout ? 0 : 2;
}

/*
 * b NULL: glibc's, in a process of its own (see replay_glibc_fresh).
 * Adds the trace's utilization to *util.
 */
static int replay_file(const char *path, const struct replay_backend *b,
		       const struct replay_opts *o, double *util)
{
	struct replay_result r;
	struct trace t;
	char err[256];
	int rc = trace_load(path, &t, err, sizeof(err));

	if (!rc)
		rc = b ? replay_run(&t, b, o, &r, err, sizeof(err))
		       : replay_glibc_fresh(path, o, &r, err, sizeof(err));
	if (rc) {
		fflush(stdout);
		fprintf(stderr, "mmtrace: %s\n", err);
		trace_free(&t);
		return 1;
	}
	printf("%-24s %8u %6.1f%% %12.0f\n", t.name, r.ops,
	       100.0 * r.utilization, r.ops_per_sec);
	*util += r.utilization;
	trace_free(&t);
	return 0;
}

static int replay_file_recording(const char *path)
{
	char err[256];
	int rc = replay_recording(path, stdout, err, sizeof(err));

	if (rc < 0)
		fprintf(stderr, "mmtrace: %s\n", err);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct replay_opts o = {.check = true, .measure = true};
	struct replay_backend b;
	bool glibc = false, direct = false;
	const char *socket = NULL;
	double util = 0;
	char err[256];
	int i, first, rc = 0;

	replay_fresh_child();
	if (argc == 3 && !strcmp(argv[1], "--replay"))
		return replay_file_recording(argv[2]);
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--direct")) {
			direct = true;
			glibc = false;
		} else if (!strcmp(argv[i], "--glibc")) {
			glibc = true;
			direct = false;
		} else if (!strcmp(argv[i], "-s") && i + 1 < argc)
			socket = argv[++i];
		else if (!strcmp(argv[i], "--no-check"))
			o.check = false;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return usage(stdout);
		else
			return usage(stderr);
	}
	if (i == argc)
		return usage(stderr);
	if (!glibc &&
	    (direct ? replay_direct_open(&b, err, sizeof(err))
		    : replay_mmc_open(&b, socket, err, sizeof(err)))) {
		fprintf(stderr, "mmtrace: %s\n", err);
		return 1;
	}
	printf("%-24s %8s %7s %12s\n", "trace", "ops", "util", "ops/s");
	for (first = i; i < argc; i++)
		rc |= replay_file(argv[i], glibc ? NULL : &b, &o, &util);
	if (argc - first > 1 && !rc)
		printf("%-24s %8s %6.1f%%\n", "average", "",
		       100.0 * util / (argc - first));
	if (!glibc)
		replay_close(&b);
	return rc;
}
