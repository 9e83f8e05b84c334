/* SPDX-License-Identifier: MIT */
/*
 * scenario.c - the scenario panel: the project's demo workloads, run
 * against the machine at the press of a button.
 *
 * Owns: starting the programs `make demo` and `mmc workload` run (the
 * demo's editor, compiler and player, each an mmc-example; or
 * `mmc workload 3`) as child processes of mmweb on mmd's socket,
 * reaping them, and stopping them by their own pids. Must never: run
 * anything but those programs from mmweb's program directory, run two
 * scenarios at once, or signal a process it did not start.
 */
#include "mmweb/mmweb.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define MAX_CHILDREN 4

static struct {
	pthread_mutex_t lock;
	char bindir[PATH_MAX];
	const char *socket;
	const char *running;
	pid_t pids[MAX_CHILDREN];
	int nr;
	unsigned long runs;
} sc = {.lock = PTHREAD_MUTEX_INITIALIZER};

/* The demo's three programs (mk/demo.sh), holding what they took 20 s. */
static const char *const demo_args[][11] = {
	{"-c", "editor", "-p", "8", "-o", "64", "-a", "32", "-w", "20"},
	{"-c", "compiler", "-p", "32", "-o", "200", "-a", "96", "-f", "-w",
	 "20"},
	{"-c", "player", "-p", "16", "-o", "16", "-a", "160", "-w", "20"},
};

void scenario_init(const char *bindir, const char *socket)
{
	snprintf(sc.bindir, sizeof(sc.bindir), "%s", bindir);
	sc.socket = socket;
}

/* Start prog with args; its output goes nowhere. */
static int spawn(const char *prog, const char *const *args, int nargs)
{
	char path[PATH_MAX + 32];
	const char *argv[16];
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int n = 0, err;

	snprintf(path, sizeof(path), "%s/%s", sc.bindir, prog);
	argv[n++] = path;
	if (sc.socket) {
		argv[n++] = "-s";
		argv[n++] = sc.socket;
	}
	for (int i = 0; i < nargs && args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	err = posix_spawn(&pid, path, &fa, NULL, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err)
		return -err;
	sc.pids[sc.nr++] = pid;
	return 0;
}

int scenario_start(const char *name, struct buf *why)
{
	static const char *const workload[] = {"workload", "3"};
	int err = 0;

	pthread_mutex_lock(&sc.lock);
	if (sc.nr) {
		buf_printf(why, "scenario %s is still running", sc.running);
		err = -EBUSY;
	} else if (!strcmp(name, "demo")) {
		sc.running = "demo";
		for (int i = 0; i < 3 && !err; i++)
			err = spawn("mmc-example", demo_args[i], 11);
	} else if (!strcmp(name, "workload")) {
		sc.running = "workload";
		err = spawn("mmc", workload, 2);
	} else {
		buf_str(why, "no such scenario (demo, workload)");
		err = -EINVAL;
	}
	if (!err)
		sc.runs++;
	else if (err != -EBUSY && err != -EINVAL)
		buf_printf(why, "cannot start it from %s: %s", sc.bindir,
			   strerror(-err));
	pthread_mutex_unlock(&sc.lock);
	return err;
}

void scenario_stop(void)
{
	pthread_mutex_lock(&sc.lock);
	for (int i = 0; i < sc.nr; i++)
		kill(sc.pids[i], SIGTERM);
	pthread_mutex_unlock(&sc.lock);
}

void scenario_poll(struct buf *json)
{
	pthread_mutex_lock(&sc.lock);
	for (int i = 0; i < sc.nr;)
		if (waitpid(sc.pids[i], NULL, WNOHANG) == sc.pids[i])
			sc.pids[i] = sc.pids[--sc.nr];
		else
			i++;
	buf_printf(json, "{\"running\":");
	if (sc.nr)
		buf_json_str(json, sc.running);
	else
		buf_str(json, "null");
	buf_printf(json, ",\"processes\":%d,\"runs\":%lu}", sc.nr, sc.runs);
	pthread_mutex_unlock(&sc.lock);
}
