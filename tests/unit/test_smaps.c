/* SPDX-License-Identifier: MIT */
/*
 * test_smaps.c - /proc/PID/smaps, smaps_rollup and pagemap
 * (fs/proc/task_mmu.c's show_smap, show_smaps_rollup, pagemap_read)
 * against the host kernel: the same mappings and touches on a window of
 * this process and of the machine's, then every smaps line of each VMA
 * in the window the same (the maps line aside: a shared mapping's
 * device and inode are the host's), and each page's pagemap bits the
 * same but the PFN.
 */
#include "tests/unit/both.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/mm.h"
#include "core/task.h"
#include "core/task_mmu.h"
#include "core/uapi.h"

#define WPAGES 32
#define W      BOTH_W

static void setup(struct both *b)
{
	struct layout l;

	small_layout(&l, 64 * MiB);
	l.swap_size = 0;
	both_boot(b, &l, "smaps", WPAGES, 0);
}

/*
 * The smaps of the VMAs inside [lo, lo + WPAGES pages): each VMA as
 * "@first-last" (pages from lo) and its lines but the maps line.
 */
static void smaps_window(const char *text, uint64_t lo, char *out, size_t len)
{
	const char *p = text;
	size_t n = 0;
	bool in = false;

	out[0] = 0;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);
		unsigned long long s, e;
		char line[512];

		snprintf(line, sizeof(line), "%.*s", (int)l, p);
		if (sscanf(line, "%llx-%llx ", &s, &e) == 2 &&
		    strchr(line, '-') < strchr(line, ' ')) {
			in = s >= lo && e <= lo + WPAGES * PAGE;
			if (in)
				n += (size_t)snprintf(
					out + n, len - n, "@%llu-%llu\n",
					(s - lo) / PAGE, (e - lo) / PAGE);
		} else if (in) {
			n += (size_t)snprintf(out + n, len - n, "%s\n", line);
		}
		p += l + (nl ? 1 : 0);
	}
}

static char *host_file(const char *path)
{
	size_t cap = 1 << 20, n = 0;
	char *buf = malloc(cap);
	int fd = open(path, O_RDONLY);
	ssize_t got;

	assert_non_null(buf);
	assert_true(fd >= 0);
	while ((got = read(fd, buf + n, cap - 1 - n)) > 0)
		n += (size_t)got;
	close(fd);
	buf[n] = 0;
	return buf;
}

static void same_smaps(struct both *b)
{
	static char host[65536], mine[65536];
	char *h = host_file("/proc/self/smaps");
	struct seq_buf s;

	smaps_window(h, (uint64_t)(uintptr_t)b->host, host, sizeof(host));
	free(h);
	seq_buf_init(&s);
	assert_int_equal(report_pid_smaps(b->m, b->pid, &s), 0);
	smaps_window(s.buf, W, mine, sizeof(mine));
	seq_buf_free(&s);
	if (strcmp(mine, host)) { /* line by line, to say which */
		char *hs = NULL, *ms = NULL;
		char *hl = strtok_r(host, "\n", &hs),
		     *ml = strtok_r(mine, "\n", &ms);

		while (hl && ml && !strcmp(hl, ml)) {
			hl = strtok_r(NULL, "\n", &hs);
			ml = strtok_r(NULL, "\n", &ms);
		}
		fail_msg("smaps differ: host '%s', machine '%s'",
			 hl ? hl : "(end)", ml ? ml : "(end)");
	}
}

/* pagemap of the window: the same bits but the PFN (and soft-dirty). */
static void same_pagemap(struct both *b)
{
	uint64_t host[WPAGES], mine[WPAGES], nr = 0;
	const uint64_t mask =
		PM_PRESENT | PM_SWAP | PM_FILE | PM_MMAP_EXCLUSIVE;
	int fd = open("/proc/self/pagemap", O_RDONLY);

	assert_true(fd >= 0);
	assert_int_equal(pread(fd, host, sizeof(host),
			       (off_t)((uintptr_t)b->host / PAGE * 8)),
			 (ssize_t)sizeof(host));
	close(fd);
	assert_int_equal(
		pagemap_read(b->m, b->pid, W, WPAGES, (uint8_t *)mine, &nr), 0);
	assert_int_equal(nr, WPAGES);
	for (unsigned int i = 0; i < WPAGES; i++)
		if ((host[i] & mask) != (mine[i] & mask))
			fail_msg("page %u: host %#llx, machine %#llx", i,
				 (unsigned long long)host[i],
				 (unsigned long long)mine[i]);
}

static void test_smaps_private(void **state)
{
	struct both b;

	(void)state;
	setup(&b);
	map_both(&b, 0, 8, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	map_both(&b, 10, 4, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS);
	touch_both(&b, 0, true);
	touch_both(&b, 1, true);
	touch_both(&b, 3, false); /* the zero page: not in Rss */
	touch_both(&b, 10, false);
	same_smaps(&b);
	same_pagemap(&b);
	/* Locked, lazily freed, flags. */
	assert_int_equal(syscall(SYS_mlock, b.host + 4 * PAGE, 2 * PAGE), 0);
	assert_int_equal(uapi_mlock(b.m, 0, W + 4 * PAGE, 2 * PAGE, 0), 0);
	assert_int_equal(madvise(b.host, PAGE, MADV_FREE), 0);
	assert_int_equal(uapi_madvise(b.m, 0, W, PAGE, MADV_FREE), 0);
	/*
	 * The host marks a page lazily free through a per-CPU batch; COLD
	 * (of a page not there) drains it, as the machine, which has no
	 * batches, always is.
	 */
	assert_int_equal(madvise(b.host + 7 * PAGE, PAGE, MADV_COLD), 0);
	assert_int_equal(madvise(b.host + 6 * PAGE, 2 * PAGE, MADV_RANDOM), 0);
	assert_int_equal(
		uapi_madvise(b.m, 0, W + 6 * PAGE, 2 * PAGE, MADV_RANDOM), 0);
	same_smaps(&b);
	same_pagemap(&b);
	teardown_both(&b);
}

/* Shared memory, and a fork's copy-on-write sharing (Pss halved). */
static void test_smaps_shared(void **state)
{
	struct both b;
	char *rollup;
	struct seq_buf s;

	(void)state;
	setup(&b);
	map_both(&b, 0, 4, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS);
	touch_both(&b, 0, true);
	touch_both(&b, 2, false);
	same_smaps(&b);
	same_pagemap(&b);
	/*
	 * do_fault_around: with the entries gone but the pages in the
	 * object, one read fault maps its neighbours too, and the page
	 * written before keeps its dirt (Pss_Dirty). The machine alone: the
	 * host's filemap_map_pages passes over a page it cannot trylock,
	 * which a loaded host's khugepaged or reclaim may hold.
	 */
	{
		struct mm_struct *mm = find_task_by_pid(b.m, b.pid)->mm;
		struct user_fault f;
		uint8_t v;

		assert_int_equal(
			uapi_madvise(b.m, 0, W, 4 * PAGE, MADV_DONTNEED), 0);
		assert_int_equal(mm->rss_stat[MM_SHMEMPAGES], 0);
		assert_int_equal(
			uapi_access_vm(b.m, 0, W + PAGE, &v, 1, USER_READ, &f),
			0);
		assert_int_equal(mm->rss_stat[MM_SHMEMPAGES], 3);
		seq_buf_init(&s);
		assert_int_equal(report_pid_smaps(b.m, b.pid, &s), 0);
		assert_non_null(strstr(s.buf, "Pss_Dirty:             4 kB"));
		seq_buf_free(&s);
	}
	/* The rollup has every line smaps has, summed, and Pss_* split. */
	seq_buf_init(&s);
	assert_int_equal(report_pid_smaps_rollup(b.m, b.pid, &s), 0);
	rollup = s.buf;
	assert_non_null(strstr(rollup, "[rollup]\nRss:"));
	assert_non_null(strstr(rollup, "Pss_Shmem:            12 kB\n"));
	assert_non_null(strstr(rollup, "\nLocked:                0 kB\n"));
	seq_buf_free(&s);
	teardown_both(&b);
}

/* The value of key in the text of the VMA at start (its lines). */
static uint64_t smaps_value(const char *text, uint64_t start, const char *key)
{
	char head[32], *at, *end;
	unsigned long long v;
	size_t n = strlen(key);

	snprintf(head, sizeof(head), "%08llx-", (unsigned long long)start);
	at = strstr(text, head);
	assert_non_null(at);
	end = strstr(at, "VmFlags:");
	for (at = strchr(at, '\n') + 1; at < end; at = strchr(at, '\n') + 1)
		if (!strncmp(at, key, n) && at[n] == ':' &&
		    sscanf(at + n + 1, "%llu", &v) == 1)
			return v;
	fail_msg("%s of %#llx is not in the text", key,
		 (unsigned long long)start);
	return 0;
}

/*
 * The snapshots are what the text prints: a VMA's counts, its flags and
 * the rollup's sums, exact, on a private mapping (two written pages, a
 * lock) and a shared one.
 */
static void test_smaps_snapshot_is_the_text(void **state)
{
	struct both b;
	struct smaps_snapshot *ss;
	struct smaps_rollup_snapshot *r;
	const struct smaps_vma_snapshot *v = NULL;
	struct seq_buf s;
	int err;

	(void)state;
	setup(&b);
	map_both(&b, 0, 8, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	map_both(&b, 10, 4, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS);
	touch_both(&b, 0, true);
	touch_both(&b, 1, true);
	touch_both(&b, 10, true);
	assert_int_equal(uapi_mlock(b.m, 0, W + 4 * PAGE, 2 * PAGE, 0), 0);
	seq_buf_init(&s);
	assert_int_equal(report_pid_smaps(b.m, b.pid, &s), 0);
	ss = snapshot_take(&pid_smaps_report, b.m, b.pid, &err);
	assert_non_null(ss);
	for (size_t i = 0; i < ss->nr_vmas; i++)
		if (ss->vmas[i].vma.start == W)
			v = &ss->vmas[i];
	assert_non_null(v);
	assert_int_equal(v->vma.end, W + 4 * PAGE);
	assert_string_equal(v->vma.perms, "rw-p");
	assert_int_equal(v->size, 16);
	assert_int_equal(v->c.rss, 8);
	assert_int_equal(v->c.rss, smaps_value(s.buf, W, "Rss"));
	assert_int_equal(v->c.private_dirty, 8);
	assert_int_equal(v->c.private_dirty,
			 smaps_value(s.buf, W, "Private_Dirty"));
	assert_int_equal(v->c.anonymous, smaps_value(s.buf, W, "Anonymous"));
	assert_int_equal(v->kernel_page_size, 4);
	assert_int_equal(v->nr_vm_flags, 6);
	assert_string_equal(v->vm_flags[0], "rd");
	assert_string_equal(v->vm_flags[5], "ac");
	assert_non_null(strstr(s.buf, "VmFlags: rd wr mr mw me ac \n"));
	/* The locked part: Locked is its two pages, "lo" among its flags. */
	v = &v[1];
	assert_int_equal(v->vma.start, W + 4 * PAGE);
	assert_int_equal(v->c.locked, 8);
	assert_int_equal(v->c.locked,
			 smaps_value(s.buf, W + 4 * PAGE, "Locked"));
	assert_string_equal(v->vm_flags[5], "lo");
	assert_string_equal(v->vm_flags[6], "ac");
	/* The shared mapping's page: shared memory, on its own. */
	v = &v[2];
	assert_int_equal(v->vma.start, W + 10 * PAGE);
	assert_string_equal(v->vma.name, "/dev/zero (deleted)");
	assert_int_equal(v->c.private_dirty, 4);
	assert_int_equal(v->c.pss, smaps_value(s.buf, W + 10 * PAGE, "Pss"));
	assert_true(v->thp_eligible == false);
	seq_buf_clear(&s);
	assert_int_equal(report_pid_smaps_rollup(b.m, b.pid, &s), 0);
	r = snapshot_take(&pid_smaps_rollup_report, b.m, b.pid, &err);
	assert_non_null(r);
	assert_int_equal(r->c.pss_shmem, 4);
	assert_int_equal(r->c.locked, 8);
	assert_int_equal(r->pointer_size, 8);
	{
		char want[160];

		snprintf(want, sizeof(want),
			 "Rss:            %8llu kB\nPss:            %8llu kB\n",
			 (unsigned long long)r->c.rss,
			 (unsigned long long)r->c.pss);
		assert_non_null(strstr(s.buf, want));
		snprintf(want, sizeof(want), "%08llx-%08llx ---p",
			 (unsigned long long)r->start,
			 (unsigned long long)r->end);
		assert_memory_equal(s.buf, want, strlen(want));
	}
	assert_true(r->c.rss >= 20);
	snapshot_free(pid_smaps_rollup_report.desc, r);
	snapshot_free(pid_smaps_report.desc, ss);
	seq_buf_free(&s);
	teardown_both(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smaps_private),
		cmocka_unit_test(test_smaps_shared),
		cmocka_unit_test(test_smaps_snapshot_is_the_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
