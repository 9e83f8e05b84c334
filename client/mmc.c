/*
 * mmc.c - a tiny command-line client of mmd, for the demo and for
 * trying a daemon by hand.
 *
 *   mmc [-s SOCKET] report KIND    meminfo, buddyinfo, zoneinfo, vmstat,
 *                                  slabinfo, vmallocinfo, media-mem, dmesg
 *   mmc [-s SOCKET] sessions       every session (admin)
 *   mmc [-s SOCKET] check          the invariant checker (admin)
 *   mmc [-s SOCKET] workload N     N client processes allocate, write
 *                                  and read a little, report, and exit
 *
 * Owns: nothing but its output. Must never: be more than a demo; mmctl
 * is the real tool.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client/mmclient.h"

static const char *const report_names[] = {
	"",	    "meminfo",	   "buddyinfo", "zoneinfo", "vmstat",
	"slabinfo", "vmallocinfo", "media-mem", "dmesg",    "status"};

static struct mmc *connect_or_die(const char *sock, const char *comm)
{
	struct mmc_options o = {comm, 0, 0};
	struct mmc *c;
	int err = mmc_connect(sock, &o, &c);

	if (err) {
		fprintf(stderr, "mmc: %s\n", mmc_errmsg(NULL));
		exit(1);
	}
	return c;
}

static int report(const char *sock, const char *kind)
{
	struct mmc *c = connect_or_die(sock, "mmc");
	char *text = NULL;
	int err = -1;

	for (int i = 1; i < 10; i++)
		if (!strcmp(kind, report_names[i]))
			err = mmc_report(c, (enum mmc_report)i, &text);
	if (err == -1)
		fprintf(stderr, "mmc: no report '%s'\n", kind);
	else if (err)
		fprintf(stderr, "mmc: %s: %s\n", kind, mmc_errmsg(c));
	else
		fputs(text, stdout);
	free(text);
	mmc_close(c);
	return err ? 1 : 0;
}

static int sessions(const char *sock)
{
	struct mmc *c = connect_or_die(sock, "mmc");
	struct mmc_session *list;
	size_t n;
	int err = mmc_admin_sessions(c, &list, &n);

	if (err) {
		fprintf(stderr, "mmc: sessions: %s\n", mmc_errmsg(c));
	} else {
		printf("%6s %-16s %3s %6s %8s %8s %8s\n", "PID", "COMM", "CPU",
		       "UID", "HOSTPID", "PAGES", "OBJECTS");
		for (size_t i = 0; i < n; i++)
			printf("%6d %-16s %3u %6u %8d %8lu %8lu\n", list[i].pid,
			       list[i].comm, list[i].cpu, list[i].uid,
			       list[i].host_pid, list[i].nr_pages,
			       list[i].nr_objects);
	}
	free(list);
	mmc_close(c);
	return err ? 1 : 0;
}

static int check(const char *sock)
{
	struct mmc *c = connect_or_die(sock, "mmc");
	struct mmc_check chk;
	int err = mmc_admin_check(c, &chk);

	if (err)
		printf("check: %s: %s\n", mmc_strerror(err), mmc_errmsg(c));
	else
		printf("check: clean; %lu pages free, %u tasks, %lu exits "
		       "freed %lu leaked blocks\n",
		       chk.free_pages, chk.nr_tasks, chk.exits,
		       chk.leaked_blocks);
	mmc_close(c);
	return err ? 1 : 0;
}

/* One client: a few blocks of each order, some bytes, a kmalloc. */
static int worker(const char *sock, int idx, int go)
{
	char comm[16], msg[32], back[32];
	unsigned long pfns[4];
	struct mmc *c;
	uint64_t addr;
	int err;

	snprintf(comm, sizeof(comm), "demo%d", idx);
	c = connect_or_die(sock, comm);
	for (unsigned int order = 0; order < 4; order++)
		mmc_alloc_pages(c, GFP_KERNEL, order, &pfns[order]);
	snprintf(msg, sizeof(msg), "hello from %s", comm);
	addr = mmc_info(c)->page_offset + pfns[0] * mmc_info(c)->page_size;
	err = mmc_write(c, addr, msg, sizeof(msg));
	if (!err && !mmc_read(c, addr, back, sizeof(back)))
		printf("%s (pid %d): wrote and read back \"%s\"\n", comm,
		       mmc_pid(c), back);
	else
		printf("%s (pid %d): bytes: %s\n", comm, mmc_pid(c),
		       mmc_strerror(err));
	err = mmc_kmalloc(c, 100, GFP_KERNEL, &addr);
	printf("%s: kmalloc(100) %s\n", comm, err ? mmc_strerror(err) : "ok");
	fflush(stdout);
	/* Hold everything until the parent has looked, then exit holding
	 * it: mmd frees it all at exit. */
	if (read(go, msg, 1) < 0)
		return 1;
	mmc_close(c);
	return 0;
}

static int workload(const char *sock, int n)
{
	int p[2];

	if (pipe(p))
		return 1;
	for (int i = 0; i < n; i++)
		if (fork() == 0) {
			close(p[1]);
			_exit(worker(sock, i, p[0]));
		}
	close(p[0]);
	sleep(1);
	printf("\n-- while %d clients hold memory: buddyinfo\n", n);
	fflush(stdout);
	report(sock, "buddyinfo");
	printf("\n-- sessions\n");
	fflush(stdout);
	sessions(sock);
	close(p[1]); /* let them go */
	while (wait(NULL) > 0)
		;
	printf("\n-- after they exited\n");
	fflush(stdout);
	return check(sock);
}

int main(int argc, char **argv)
{
	const char *sock = NULL;
	int i = 1;

	if (argc > 2 && !strcmp(argv[1], "-s")) {
		sock = argv[2];
		i = 3;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == i + 2 && !strcmp(argv[i], "report"))
		return report(sock, argv[i + 1]);
	if (argc == i + 1 && !strcmp(argv[i], "sessions"))
		return sessions(sock);
	if (argc == i + 1 && !strcmp(argv[i], "check"))
		return check(sock);
	if (argc == i + 2 && !strcmp(argv[i], "workload"))
		return workload(sock, atoi(argv[i + 1]));
	fputs("usage: mmc [-s SOCKET] report KIND | sessions | check | "
	      "workload N\n",
	      stderr);
	return 2;
}
