/* SPDX-License-Identifier: MIT */
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
 *   mmc [-s SOCKET] frag           fragment memory, fail an order-9
 *                                  request; after a line on stdin (the
 *                                  demo compacts), ask again (mmc_frag.c)
 *   mmc [-s SOCKET] files READ WRITE MIB
 *                                  read the file READ whole, then write
 *                                  MIB MiB to the file WRITE (no fsync:
 *                                  its pages stay dirty until written)
 *
 * Owns: nothing but its output. Must never: be more than a demo; mmctl
 * is the real tool.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "client/mmc.h"
#include "client/mmclient.h"

static const char *const report_names[] = {
	"",	    "meminfo",	   "buddyinfo", "zoneinfo", "vmstat",
	"slabinfo", "vmallocinfo", "media-mem", "dmesg",    "status"};

struct mmc *connect_or_die(const char *sock, const char *comm)
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

/* Read one file whole, write another: the page cache fills. */
/* Print the lines of report text that hold (or start with) a key. */
static void print_lines(const char *text, const char *const *keys,
			bool anywhere)
{
	for (const char *l = text; l && *l;) {
		size_t n = strcspn(l, "\n");

		for (const char *const *k = keys; *k; k++)
			if (anywhere ? strstr(l, *k) && strstr(l, *k) < l + n
				     : !strncmp(l, *k, strlen(*k)))
				printf("  %.*s\n", (int)n, l);
		l += n + (l[n] == '\n');
	}
}

/*
 * Map the file written (shared), read a byte a page and write one in
 * every 16th: faults on the cache, the writes dirty it; its maps line,
 * RssFile and the machine's Mapped while it is mapped; msync writes.
 */
static int map_file(struct mmc *c, const char *path, int mib)
{
	static const char *const keys[] = {"RssFile",
					   "Mapped:", "Dirty:", NULL};
	uint64_t len = (uint64_t)mib << 20, a = 0;
	const char *name = strrchr(path, '/') ? strrchr(path, '/') : path;
	char *text = NULL, b = 0;
	int fd = -1, err = mmc_open(c, 0, path, O_RDWR, 0, &fd);

	if (!err)
		err = mmc_sys_mmap(c, 0, 0, len, PROT_READ | PROT_WRITE,
				   MAP_SHARED, fd, 0, &a);
	for (uint64_t off = 0; !err && off < len; off += 4096)
		err = (off >> 12) % 16
			      ? mmc_read_vm(c, 0, a + off, &b, 1, NULL)
			      : mmc_write_vm(c, 0, a + off, "m", 1, NULL);
	if (err)
		return err;
	printf("files: mapped %s shared, read every page, wrote every 16th\n",
	       path);
	if (!mmc_report_pid(c, MMC_REPORT_MAPS, 0, &text))
		print_lines(text, (const char *const[]){name, NULL}, true);
	free(text);
	text = NULL;
	if (!mmc_report_pid(c, MMC_REPORT_STATUS, 0, &text))
		print_lines(text, keys, false);
	free(text);
	text = NULL;
	if (!mmc_report(c, MMC_REPORT_MEMINFO, &text))
		print_lines(text, keys, false);
	free(text);
	err = mmc_msync(c, 0, a, len, 4 /* MS_SYNC */);
	if (!err)
		err = mmc_munmap(c, 0, a, len);
	mmc_sys_close(c, 0, fd);
	return err;
}

static int files(const char *sock, const char *rd, const char *wrp, int mib)
{
	struct mmc *c = connect_or_die(sock, "files");
	size_t chunk = 512 * 1024, done = 1;
	unsigned long long total = 0;
	char *buf = calloc(1, chunk);
	int fd = -1, err = buf ? 0 : -ENOMEM;

	if (!err)
		err = mmc_open(c, 0, rd, O_RDONLY, 0, &fd);
	while (!err && done) {
		err = mmc_sys_read(c, 0, fd, buf, chunk, &done);
		total += done;
	}
	printf("files: read %llu MiB of %s\n", total >> 20, rd);
	if (fd >= 0)
		mmc_sys_close(c, 0, fd);
	if (!err)
		err = mmc_creat(c, 0, wrp, 0644, &fd);
	for (int i = 0; !err && i < mib * 2; i++) {
		memset(buf, 'a' + i % 26, chunk);
		err = mmc_sys_write(c, 0, fd, buf, chunk, &done);
	}
	if (!err) {
		printf("files: wrote %d MiB to %s\n", mib, wrp);
		mmc_sys_close(c, 0, fd);
		err = map_file(c, wrp, mib);
	}
	if (err) {
		printf("files: %s: %s\n", mmc_strerror(err), mmc_errmsg(c));
	}
	free(buf);
	mmc_close(c);
	return err ? 1 : 0;
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
	if (argc == i + 1 && !strcmp(argv[i], "frag"))
		return frag(sock);
	if (argc == i + 4 && !strcmp(argv[i], "files"))
		return files(sock, argv[i + 1], argv[i + 2], atoi(argv[i + 3]));
	fputs("usage: mmc [-s SOCKET] report KIND | sessions | check | "
	      "workload N | frag | files READ WRITE MIB\n",
	      stderr);
	return 2;
}
