/* SPDX-License-Identifier: MIT */
/*
 * replay_fresh.c - a replay in a process of its own, for the figures
 * that the rest of a process would spoil: glibc's heap is the whole
 * process's, so its utilization on one trace is true only in a process
 * that has replayed nothing else.
 *
 * Owns: running this program again by exec (/proc/self/exe) with
 * MM_REPLAY_GLIBC=PATH and MM_REPLAY_CHECK, and the line the child
 * writes back through a pipe. Must never: leave a child behind; it is
 * always waited for.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tools/replay.h"

#define ENV_PATH  "MM_REPLAY_GLIBC"
#define ENV_CHECK "MM_REPLAY_CHECK"

/* The child: one replay, its figures or its error on stdout, exit. */
void replay_fresh_child(void)
{
	const char *path = getenv(ENV_PATH);
	struct replay_opts o = {.measure = true};
	struct replay_backend b;
	struct replay_result r;
	struct trace t;
	char err[256];
	int rc;

	if (!path)
		return;
	o.check = getenv(ENV_CHECK) != NULL;
	rc = trace_load(path, &t, err, sizeof(err));
	if (!rc)
		rc = replay_glibc_open(&b, err, sizeof(err));
	if (!rc)
		rc = replay_run(&t, &b, &o, &r, err, sizeof(err));
	if (rc)
		printf("error %s\n", err);
	else
		printf("ok %u %lu %lu %.9f\n", r.ops,
		       (unsigned long)r.peak_live, (unsigned long)r.peak_heap,
		       r.seconds);
	exit(rc ? 1 : 0);
}

static void child_exec(const char *path, bool check, int out)
{
	char *argv[] = {"replay", NULL};

	dup2(out, STDOUT_FILENO);
	setenv(ENV_PATH, path, 1);
	if (check)
		setenv(ENV_CHECK, "1", 1);
	else
		unsetenv(ENV_CHECK);
	execv("/proc/self/exe", argv);
	printf("error cannot run /proc/self/exe: %s\n", strerror(errno));
	_exit(1);
}

static int parse_result(const char *line, struct replay_result *r, char *err,
			size_t errlen)
{
	unsigned long live, heap;

	if (!strncmp(line, "error ", 6)) {
		snprintf(err, errlen, "%.*s", (int)strcspn(line + 6, "\n"),
			 line + 6);
		return -EINVAL;
	}
	if (sscanf(line, "ok %u %lu %lu %lf", &r->ops, &live, &heap,
		   &r->seconds) != 4) {
		snprintf(err, errlen, "the replay's process said nothing");
		return -EIO;
	}
	r->peak_live = live;
	r->peak_heap = heap;
	r->utilization = heap ? (double)live / (double)heap : 0;
	r->ops_per_sec = r->seconds > 0 ? r->ops / r->seconds : 0;
	return 0;
}

int replay_glibc_fresh(const char *path, const struct replay_opts *o,
		       struct replay_result *r, char *err, size_t errlen)
{
	char line[512] = "";
	int fd[2], status;
	FILE *f;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	fflush(stdout);
	if (pipe(fd) || (pid = fork()) < 0) {
		snprintf(err, errlen, "cannot start a process: %s",
			 strerror(errno));
		return -errno;
	}
	if (!pid) {
		close(fd[0]);
		child_exec(path, o->check, fd[1]);
	}
	close(fd[1]);
	f = fdopen(fd[0], "r");
	if (!f || !fgets(line, sizeof(line), f))
		line[0] = '\0';
	if (f)
		fclose(f);
	else
		close(fd[0]);
	waitpid(pid, &status, 0);
	return parse_result(line, r, err, errlen);
}
