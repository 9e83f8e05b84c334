/* SPDX-License-Identifier: MIT */
/*
 * mmc_test_limits.c - the integration tests' checks of limits.pages over
 * the wire (every page a session's process holds is charged, its own
 * pages are swapped out before a refusal, the exact errors and status
 * lines), and of vmalloc, vzalloc, alloc_percpu and mmz_alloc that wait
 * for memory (parked until it comes free, or -ETIMEDOUT).
 *
 * Owns: the "ops limits" and "ops alloc-park" families of mmc_test. Must
 * never: be installed; it exists for the tests.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/mmc_test/mmc_test.h"
#include "tests/mmc_test/mmc_test_limits.h"

#define ANON_PRIVATE (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW	     (PROT_READ | PROT_WRITE)

/* The number after "Name:\t" in pid's status (0: the session's own). */
static unsigned long status_value(struct mmc *c, int pid, const char *name)
{
	char *text = NULL, key[64];
	const char *line;
	unsigned long v = ULONG_MAX;

	if (mmc_report_pid(c, MMC_REPORT_STATUS, pid, &text)) {
		EXPECT(0, "status of %d: %s", pid, mmc_errmsg(c));
		return v;
	}
	snprintf(key, sizeof(key), "%s:\t", name);
	line = find_line(text, key);
	if (line)
		v = strtoul(line + strlen(key), NULL, 10);
	free(text);
	return v;
}

static void expect_status(struct mmc *c, int pid, const char *name,
			  unsigned long want, const char *what)
{
	unsigned long got = status_value(c, pid, name);

	EXPECT(got == want, "%s: %s is %lu, expected %lu", what, name, got,
	       want);
}

static void expect_refusal(struct mmc *c, unsigned long limit, int err,
			   const char *what)
{
	char want[128];

	snprintf(want, sizeof(want),
		 "pid %d would hold more than its %lu pages", mmc_pid(c),
		 limit);
	EXPECT(err == -EDQUOT && !strcmp(mmc_errmsg(c), want),
	       "%s: %s (%s), expected -EDQUOT (%s)", what, mmc_strerror(err),
	       mmc_errmsg(c), want);
}

/* Kernel calls: each kind of page a call gives is charged. */
static void limits_calls(struct mmc *c, unsigned long limit)
{
	unsigned long ps = mmc_info(c)->page_size, kb = ps >> 10, pfn = 0, one;
	unsigned int order = 0;
	uint64_t v = 0, k = 0, x = 0;

	while ((2UL << order) <= limit)
		order++; /* the largest block the limit holds */
	expect_status(c, 0, "ChargeLimit", limit * kb, "the limit");
	EXPECT_ERR(c, 0, mmc_alloc_pages(c, GFP_KERNEL, order, &pfn));
	expect_status(c, 0, "Charged", (1UL << order) * kb, "a block");
	if ((1UL << order) == limit)
		expect_refusal(c, limit,
			       mmc_alloc_pages(c, GFP_KERNEL, 0, &one),
			       "a page past the limit");
	EXPECT_ERR(c, 0, mmc_free_pages(c, pfn, order));
	/* A timeout changes nothing: past the limit is never worth a wait. */
	mmc_set_timeout(c, 5000);
	expect_refusal(c, limit, mmc_vmalloc(c, (limit + 1) * ps, &v),
		       "vmalloc past the limit");
	expect_refusal(
		c, limit,
		mmc_alloc_pages(c, GFP_KERNEL | __GFP_NOFAIL, order + 1, &one),
		"a __GFP_NOFAIL block past the limit");
	mmc_set_timeout(c, 0);
	EXPECT_ERR(c, 0, mmc_vzalloc(c, limit * ps, &v));
	expect_status(c, 0, "Charged", limit * kb, "vzalloc's frames");
	expect_refusal(c, limit, mmc_kmalloc(c, 64 << 10, GFP_KERNEL, &k),
		       "a large kmalloc past the limit");
	/* A slab object's bytes are charged too (kmem), in whole pages. */
	expect_refusal(c, limit, mmc_kmalloc(c, 64, GFP_KERNEL, &x),
		       "a slab object past the limit");
	EXPECT_ERR(c, 0, mmc_vfree(c, v));
	EXPECT_ERR(c, 0, mmc_kmalloc(c, 64 << 10, GFP_KERNEL, &k));
	expect_status(c, 0, "Charged", (65536 / ps) * kb, "a large kmalloc");
	EXPECT_ERR(c, 0, mmc_kmalloc(c, 64, GFP_KERNEL, &x));
	expect_status(c, 0, "Charged", (65536 / ps + 1) * kb,
		      "and a slab object's page");
	EXPECT_ERR(c, 0, mmc_kfree(c, k));
	EXPECT_ERR(c, 0, mmc_kfree(c, x));
	expect_status(c, 0, "Charged", 0, "all given back");
	expect_status(c, 0, "ChargedPeak", limit * kb, "the peak");
}

/*
 * User memory: 4 times the limit written page by page. With swap the
 * process's own pages go out and every byte comes back; without, the
 * write past the limit fails with -ENOMEM, logged.
 */
static void limits_faults(struct mmc *c, unsigned long limit, bool swap)
{
	unsigned long ps = mmc_info(c)->page_size, n = 4 * limit, done = 0;
	unsigned long refused = status_value(c, 0, "ChargeRefused");
	uint64_t a = 0, word;
	struct mmc_fault f;
	int err = 0;
	char want[160], *text;

	EXPECT_ERR(c, 0, mmc_mmap(c, 0, 0, n * ps, RW, ANON_PRIVATE, &a));
	for (; done < n; done++) {
		word = a + done * ps;
		err = mmc_write_vm(c, 0, a + done * ps, &word, sizeof(word),
				   &f);
		if (err)
			break;
	}
	if (swap) {
		EXPECT(done == n, "write %lu of %lu: %s (%s)", done, n,
		       mmc_strerror(err), mmc_errmsg(c));
		EXPECT(status_value(c, 0, "Charged") <= limit * (ps >> 10),
		       "charged past the limit");
		EXPECT(status_value(c, 0, "VmSwap") > 0, "nothing swapped");
		EXPECT(status_value(c, 0, "ChargeFailcnt") > 0,
		       "the limit was never hit");
		expect_status(c, 0, "ChargeRefused", refused,
			      "reclaim made room");
		for (unsigned long i = 0; i < n; i++) {
			word = 0;
			EXPECT_ERR(c, 0,
				   mmc_read_vm(c, 0, a + i * ps, &word,
					       sizeof(word), &f));
			EXPECT(word == a + i * ps, "page %lu came back wrong",
			       i);
		}
	} else {
		/* Three page tables, then pages up to the limit. */
		EXPECT(done == limit - 3 && err == -ENOMEM && f.signo == 0,
		       "write %lu: %s, signal %d; expected -ENOMEM at %lu",
		       done, mmc_strerror(err), f.signo, limit - 3);
		snprintf(want, sizeof(want),
			 "pid %d is at its limit of %lu pages: fault at %#llx",
			 mmc_pid(c), limit,
			 (unsigned long long)(a + done * ps));
		EXPECT(!strcmp(mmc_errmsg(c), want), "message '%s', not '%s'",
		       mmc_errmsg(c), want);
		expect_status(c, 0, "ChargeRefused", refused + 1,
			      "one refusal");
		text = report_text(c, MMC_REPORT_DMESG);
		snprintf(want, sizeof(want),
			 "Memory limit reached: pid %d (limits), fault at "
			 "%#llx fails",
			 mmc_pid(c), (unsigned long long)(a + done * ps));
		EXPECT(text && strstr(text, want), "dmesg lacks '%s'", want);
		free(text);
	}
	EXPECT_ERR(c, 0, mmc_munmap(c, 0, a, n * ps));
	expect_status(c, 0, "Charged", 0, "after munmap");
	expect_status(c, 0, "VmSwap", 0, "after munmap");
}

/*
 * A forked process has a charge of its own; copies are its to pay, its
 * kernel memory the session's.
 */
static void limits_fork(struct mmc *c)
{
	unsigned long ps = mmc_info(c)->page_size, kb = ps >> 10;
	uint64_t a = 0, word = 7;
	int child = 0;

	EXPECT_ERR(c, 0, mmc_mmap(c, 0, 0, 4 * ps, RW, ANON_PRIVATE, &a));
	EXPECT_ERR(c, 0, mmc_write_vm(c, 0, a, &word, sizeof(word), NULL));
	expect_status(c, 0, "Charged", 4 * kb, "a page and three tables");
	EXPECT_ERR(c, 0, mmc_fork(c, 0, &child));
	expect_status(c, child, "Charged", 3 * kb, "the child's tables");
	EXPECT_ERR(c, 0, mmc_write_vm(c, child, a, &word, sizeof(word), NULL));
	expect_status(c, child, "Charged", 4 * kb, "the child's copy");
	/*
	 * The parent's page stays, and the child's task_struct and kernel
	 * stack are the session's kernel memory: 9792 + 16384 bytes on
	 * x86_64, 3968 + 8192 on i386, in whole pages.
	 */
	expect_status(c, 0, "Charged", (4 + (is_i386(c) ? 3 : 7)) * kb,
		      "the parent's page and the child's kernel memory");
	EXPECT_ERR(c, 0, mmc_exit_process(c, child));
	EXPECT_ERR(c, 0, mmc_munmap(c, 0, a, 4 * ps));
	expect_status(c, 0, "Charged", 0, "after the fork");
}

void ops_limits(unsigned long limit, bool swap)
{
	struct mmc *c = connect_as("limits", 0);

	limits_calls(c, limit);
	limits_faults(c, limit, swap);
	limits_fork(c);
	finish(c, "limits");
}

/* ---- allocations that wait */

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	       (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* The call must wait about timeout_ms, then fail with -ETIMEDOUT. */
static void expect_timeout(struct mmc *c, int err, long ms, const char *what)
{
	EXPECT(err == -ETIMEDOUT && ms >= 190 && ms < 3000,
	       "%s: %s after %ld ms (%s); expected -ETIMEDOUT after 200 ms",
	       what, mmc_strerror(err), ms, mmc_errmsg(c));
	EXPECT(!strncmp(mmc_errmsg(c), "gave up after waiting ", 22),
	       "%s: the timeout says '%s'", what, mmc_errmsg(c));
}

/* The call must fail with err at once, timeout or not. */
static void expect_at_once(struct mmc *c, int want, int err, long ms,
			   const char *what)
{
	EXPECT(err == want && ms < 150, "%s: %s after %ld ms (%s)", what,
	       mmc_strerror(err), ms, mmc_errmsg(c));
}

/* In a child, after delay_ms: free n of the hog's pages from the top. */
static pid_t free_later(struct mmc *hog, unsigned long *pfns, unsigned long *n,
			unsigned long count, uint64_t mmz)
{
	pid_t pid = fork();

	if (pid == 0) {
		usleep(300000);
		for (unsigned long i = 0; i < count && *n; i++)
			mmc_free_pages(hog, pfns[--*n], 0);
		if (mmz)
			mmc_mmz_free(hog, mmz);
		_exit(0);
	}
	*n -= count < *n ? count : *n; /* the parent's view of the same */
	return pid;
}

/* Memory full: each kind of call waits, or fails at once when it must. */
static void park_timeouts(struct mmc *w, uint64_t *pcpu, unsigned int *npcpu)
{
	unsigned long ps = mmc_info(w)->page_size;
	struct timespec t0;
	uint64_t v = 0;
	int err;

	mmc_set_timeout(w, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = mmc_vmalloc(w, ps, &v);
	expect_at_once(w, -ENOMEM, err, ms_since(&t0), "vmalloc, no timeout");
	/* Empty per-CPU chunks go first; then one would need pages. */
	while (*npcpu < 64 &&
	       mmc_alloc_percpu(w, 32 << 10, 8, &pcpu[*npcpu]) == 0)
		(*npcpu)++;
	mmc_set_timeout(w, 200);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = mmc_vmalloc(w, ps, &v);
	expect_timeout(w, err, ms_since(&t0), "vmalloc");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = mmc_vzalloc(w, 3 * ps, &v);
	expect_timeout(w, err, ms_since(&t0), "vzalloc");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = mmc_vmalloc(w, 1UL << 40, &v);
	expect_at_once(w, -ENOMEM, err, ms_since(&t0), "vmalloc past RAM");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = mmc_alloc_percpu(w, 32 << 10, 8, &v);
	expect_timeout(w, err, ms_since(&t0), "alloc_percpu");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = mmc_mmz_alloc(w, "media", "more", ps, 0, &v);
	expect_timeout(w, err, ms_since(&t0), "mmz_alloc");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = mmc_mmz_alloc(w, "media", "huge", 64 << 20, 0, &v);
	expect_at_once(w, -EINVAL, err, ms_since(&t0), "mmz past the region");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = mmc_alloc_percpu(w, 0, 8, &v);
	expect_at_once(w, -EINVAL, err, ms_since(&t0), "alloc_percpu of 0");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = mmc_vzalloc(w, 0, &v);
	expect_at_once(w, -EINVAL, err, ms_since(&t0), "vzalloc of 0");
	EXPECT_ERR(w, 0, mmc_ping(w)); /* the session goes on */
}

/* A parked call that succeeds once a child frees what it waits for. */
static void expect_woken(struct mmc *w, int err, long ms, pid_t child,
			 const char *what)
{
	int status = 0;

	EXPECT(err == 0 && ms >= 250, "%s: %s after %ld ms (%s)", what,
	       mmc_strerror(err), ms, mmc_errmsg(w));
	waitpid(child, &status, 0);
}

void ops_alloc_park(void)
{
	struct mmc *hog = connect_adj("hog", 0, -1000),
		   *w = connect_adj("waiter", 1, -1000);
	static unsigned long pfns[1 << 16];
	unsigned long n = 0, ps = mmc_info(w)->page_size;
	uint64_t block = 0, v = 0, z = 0, pc = 0, pcpu[64];
	unsigned int npcpu = 0;
	struct timespec t0;
	pid_t child;
	int err;

	EXPECT_ERR(hog, 0,
		   mmc_mmz_alloc(hog, "media", "all", 4 << 20, 0, &block));
	while (n < (1 << 16) &&
	       mmc_alloc_pages(hog, GFP_KERNEL, 0, &pfns[n]) == 0)
		n++;
	printf("hog holds %lu pages and the MMZ region\n", n);
	park_timeouts(w, pcpu, &npcpu);

	/*
	 * Woken by frees: vmalloc by 8 pages (too few for a per-CPU chunk's
	 * 16 in a row), then mmz_alloc, then alloc_percpu by all the rest.
	 */
	mmc_set_timeout(w, 10000);
	child = free_later(hog, pfns, &n, 8, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = mmc_vmalloc(w, 4 * ps, &v);
	expect_woken(w, err, ms_since(&t0), child, "parked vmalloc");
	child = free_later(hog, pfns, &n, 0, block);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = mmc_mmz_alloc(w, "media", "woken", ps, 0, &z);
	expect_woken(w, err, ms_since(&t0), child, "parked mmz_alloc");
	child = free_later(hog, pfns, &n, n, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = mmc_alloc_percpu(w, 32 << 10, 8, &pc);
	expect_woken(w, err, ms_since(&t0), child, "parked alloc_percpu");

	put_pattern(w, v, 4 * ps, 61, false);
	EXPECT_PATTERN(w, v, 4 * ps, 61, "the woken vmalloc's bytes");
	EXPECT_ERR(w, 0, mmc_vfree(w, v));
	EXPECT_ERR(w, 0, mmc_mmz_free(w, z));
	EXPECT_ERR(w, 0, mmc_free_percpu(w, pc));
	while (npcpu)
		EXPECT_ERR(w, 0, mmc_free_percpu(w, pcpu[--npcpu]));
	finish(w, "the waiter");
	finish(hog, "the hog");
}

/*
 * A hog that fills the machine with kernel pages, down to DMA, never
 * calling the OOM killer itself (__GFP_RETRY_MAYFAIL): how many pages.
 */
static unsigned long fill_machine(struct mmc *hog)
{
	const gfp_t quiet = __GFP_RETRY_MAYFAIL | __GFP_NOWARN;
	unsigned long n = 0, pfn;

	for (int order = 9; order >= 0; order--)
		while (mmc_alloc_pages(hog, GFP_KERNEL | quiet,
				       (unsigned int)order, &pfn) == 0)
			n += 1UL << order;
	while (mmc_alloc_pages(hog, GFP_KERNEL | __GFP_DMA | quiet, 0, &pfn) ==
	       0)
		n++;
	return n;
}

static bool dmesg_has(struct mmc *c, const char *text)
{
	char *log = report_text(c, MMC_REPORT_DMESG);
	bool has = log && strstr(log, text);

	free(log);
	return has;
}

/*
 * The allocations the OOM killer must not serve fail at once, and kill
 * nobody: __GFP_RETRY_MAYFAIL, and GFP_DMA when DMA is exhausted. Each
 * logs its failure with Linux's warn_alloc line, unless __GFP_NOWARN.
 */
static void oom_refused(struct mmc *w, struct mmc *hog, gfp_t zero)
{
	char want[160];
	unsigned long pfn = 0;
	int err;

	err = mmc_alloc_pages(w, GFP_KERNEL | __GFP_RETRY_MAYFAIL, 0, &pfn);
	EXPECT(err == -ENOMEM, "__GFP_RETRY_MAYFAIL: %s", mmc_strerror(err));
	err = mmc_alloc_pages(w, GFP_KERNEL | __GFP_DMA, 0, &pfn);
	EXPECT(err == -ENOMEM, "GFP_KERNEL | GFP_DMA: %s", mmc_strerror(err));
	err = mmc_kmalloc(w, 100, GFP_KERNEL | __GFP_DMA | __GFP_NOWARN, &pfn);
	EXPECT(err == -ENOMEM, "dma kmalloc: %s", mmc_strerror(err));
	EXPECT_ERR(hog, 0, mmc_ping(hog)); /* nobody was killed */
	/* The mask as the call made it: init_on_alloc adds __GFP_ZERO. */
	snprintf(want, sizeof(want),
		 "waiter: page allocation failure: order:0, "
		 "mode:%#x(GFP_KERNEL|__GFP_RETRY_MAYFAIL%s), nodemask=(null)",
		 GFP_KERNEL | __GFP_RETRY_MAYFAIL | zero,
		 zero ? "|__GFP_ZERO" : "");
	EXPECT(dmesg_has(w, want), "dmesg lacks '%s'", want);
	snprintf(want, sizeof(want),
		 "waiter: page allocation failure: order:0, "
		 "mode:%#x(GFP_KERNEL|GFP_DMA%s), nodemask=(null)",
		 GFP_KERNEL | __GFP_DMA | zero, zero ? "|__GFP_ZERO" : "");
	EXPECT(dmesg_has(w, want), "dmesg lacks '%s'", want);
	EXPECT(!dmesg_has(w, "__GFP_NOWARN), nodemask"),
	       "a __GFP_NOWARN failure was logged");
	EXPECT(dmesg_has(w, "] Mem-Info:"), "dmesg lacks show_mem");
}

/*
 * A GFP_KERNEL call on a full machine OOM-kills the hog, and succeeds
 * as soon as the hog's memory is back: at once, not at its timeout.
 */
static void oom_woken(gfp_t gfp, uint32_t timeout_ms, const char *what)
{
	struct mmc *hog = connect_adj("hog", 0, 0),
		   *w = connect_adj("waiter", 1, -1000);
	unsigned long n = fill_machine(hog), pfn = 0;
	struct timespec t0;
	long ms;
	int err;

	printf("%s: the hog holds %lu pages\n", what, n);
	if (timeout_ms == 0)
		oom_refused(w, hog, __GFP_ZERO); /* init_on_alloc: 1 */
	mmc_set_timeout(w, timeout_ms);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = mmc_alloc_pages(w, gfp, 0, &pfn);
	ms = ms_since(&t0);
	EXPECT(err == 0 && ms < 1000, "%s: %s after %ld ms (%s)", what,
	       mmc_strerror(err), ms, mmc_errmsg(w));
	EXPECT(mmc_ping(hog) < 0, "%s: the hog lives on", what);
	if (!err)
		EXPECT_ERR(w, 0, mmc_free_pages(w, pfn, 0));
	mmc_close(hog);
	finish(w, what);
}

void ops_oom_rules(void)
{
	oom_woken(GFP_KERNEL, 0, "GFP_KERNEL");
	oom_woken(GFP_KERNEL, 3000, "GFP_KERNEL waiting up to 3 s");
	oom_woken(GFP_KERNEL | __GFP_NOFAIL, 0, "__GFP_NOFAIL");
}
