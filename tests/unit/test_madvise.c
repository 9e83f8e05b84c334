/* SPDX-License-Identifier: MIT */
/*
 * test_madvise.c - madvise(MADV_DONTNEED, MADV_WILLNEED, MADV_NORMAL)
 * and mincore against the host kernel: each step runs on a real mapping
 * of this process (transparent huge pages off, so that one touch makes
 * one page resident) and on the machine's, and the return values, errno
 * and resident vectors must be the same (mm/madvise.c, mm/mincore.c).
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "core/task.h"
#include "core/uapi.h"

#define PAGE  4096ULL
#define PAGES 16
#define W     0x10000000ULL

struct both {
	struct machine *m;
	int pid;
	uint8_t *host; /* the host's mapping, PAGES pages */
	uint64_t at;   /* the machine's, at W */
};

static int host_result(int rc)
{
	return rc ? -errno : 0;
}

static void setup_both(struct both *b, int flags)
{
	struct layout l;
	uint64_t got = 0;

	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	small_layout(&l, 64 * MiB);
	b->m = boot(&l);
	assert_int_equal(task_create(b->m, "madvise", 0, 0, &b->pid), 0);
	assert_int_equal(task_switch(b->m, b->pid), 0);
	b->host =
		mmap(NULL, PAGES * PAGE, PROT_READ | PROT_WRITE, flags, -1, 0);
	assert_true(b->host != MAP_FAILED);
	assert_int_equal(uapi_mmap(b->m, 0, W, PAGES * PAGE,
				   PROT_READ | PROT_WRITE, flags | MAP_FIXED,
				   &got),
			 0);
	b->at = W;
}

static void teardown_both(struct both *b)
{
	munmap(b->host, PAGES * PAGE);
	assert_consistent(b->m);
	machine_destroy(b->m);
}

static void write_both(struct both *b, unsigned int page, uint8_t v)
{
	struct user_fault f;

	b->host[page * PAGE] = v;
	assert_int_equal(uapi_access_vm(b->m, 0, b->at + page * PAGE, &v, 1,
					USER_WRITE, &f),
			 0);
}

/* A read of the page's first byte: the same on both. */
static void read_both(struct both *b, unsigned int page)
{
	struct user_fault f;
	uint8_t mine = 0xee, host = *(volatile uint8_t *)&b->host[page * PAGE];

	assert_int_equal(uapi_access_vm(b->m, 0, b->at + page * PAGE, &mine, 1,
					USER_READ, &f),
			 0);
	assert_int_equal(mine, host);
}

static void madvise_both(struct both *b, unsigned int first, unsigned int pages,
			 int advice, int want)
{
	int host = host_result(
		madvise(b->host + first * PAGE, pages * PAGE, advice));
	int mine = uapi_madvise(b->m, 0, b->at + first * PAGE, pages * PAGE,
				advice);

	assert_int_equal(host, want);
	assert_int_equal(mine, want);
}

/* mincore of [first, +pages): the same result and vector on both. */
static void mincore_both(struct both *b, unsigned int first, unsigned int pages,
			 int want)
{
	unsigned char host[PAGES] = {0};
	uint8_t mine[PAGES] = {0};
	int h = host_result(
		mincore(b->host + first * PAGE, pages * PAGE, host));
	int m = uapi_mincore(b->m, 0, b->at + first * PAGE, pages * PAGE, mine);

	assert_int_equal(h, want);
	assert_int_equal(m, want);
	for (unsigned int i = 0; !want && i < pages; i++)
		if ((host[i] & 1) != mine[i])
			fail_msg("page %u: host %d, machine %d", first + i,
				 host[i] & 1, mine[i]);
}

/* Touched pages are resident, DONTNEED drops them and they read zero. */
static void test_dontneed_private(void **state)
{
	struct both b;

	(void)state;
	setup_both(&b, MAP_PRIVATE | MAP_ANONYMOUS);
	mincore_both(&b, 0, PAGES, 0);
	write_both(&b, 0, 1);
	write_both(&b, 2, 2);
	write_both(&b, 5, 5);
	write_both(&b, 9, 9);
	read_both(&b, 11); /* the zero page: resident on both */
	mincore_both(&b, 0, PAGES, 0);
	madvise_both(&b, 2, 8, MADV_DONTNEED, 0);
	mincore_both(&b, 0, PAGES, 0);
	read_both(&b, 5);
	read_both(&b, 9);
	read_both(&b, 0);
	madvise_both(&b, 0, PAGES, MADV_WILLNEED, 0);
	madvise_both(&b, 0, PAGES, MADV_NORMAL, 0);
	mincore_both(&b, 0, PAGES, 0);
	teardown_both(&b);
}

/* Shared memory keeps its bytes, and mincore answers for the object. */
static void test_dontneed_shared(void **state)
{
	struct both b;

	(void)state;
	setup_both(&b, MAP_SHARED | MAP_ANONYMOUS);
	write_both(&b, 1, 0x5a);
	write_both(&b, 3, 0x3c);
	madvise_both(&b, 0, 4, MADV_DONTNEED, 0);
	mincore_both(&b, 0, PAGES, 0);
	read_both(&b, 1);
	read_both(&b, 3);
	mincore_both(&b, 0, PAGES, 0);
	teardown_both(&b);
}

/* Linux's errors: alignment, bad advice, holes, zero lengths. */
static void test_errors(void **state)
{
	unsigned char host[PAGES];
	uint8_t mine[PAGES];
	struct both b;

	(void)state;
	setup_both(&b, MAP_PRIVATE | MAP_ANONYMOUS);
	write_both(&b, 10, 1);
	write_both(&b, 11, 1);
	assert_int_equal(host_result(madvise(b.host + 1, PAGE, MADV_DONTNEED)),
			 -EINVAL);
	assert_int_equal(uapi_madvise(b.m, 0, b.at + 1, PAGE, MADV_DONTNEED),
			 -EINVAL);
	madvise_both(&b, 0, 1, 999, -EINVAL);
	madvise_both(&b, 0, 0, MADV_DONTNEED, 0);
	assert_int_equal(host_result(mincore(b.host + 1, PAGE, host)), -EINVAL);
	assert_int_equal(uapi_mincore(b.m, 0, b.at + 1, PAGE, mine), -EINVAL);
	mincore_both(&b, 0, 0, 0);
	/* A hole at pages 12-13: the mapped parts advised, -ENOMEM. */
	assert_int_equal(munmap(b.host + 12 * PAGE, 2 * PAGE), 0);
	assert_int_equal(uapi_munmap(b.m, 0, b.at + 12 * PAGE, 2 * PAGE), 0);
	madvise_both(&b, 10, 6, MADV_DONTNEED, -ENOMEM);
	mincore_both(&b, 10, 2, 0);
	mincore_both(&b, 10, 4, -ENOMEM);
	mincore_both(&b, 12, 1, -ENOMEM);
	/*
	 * Lengths a client may send: past user space, or wrapping. The
	 * advice is MADV_NORMAL, which changes nothing: on the host the
	 * range runs over this very process's memory.
	 */
	{
		static const uint64_t lens[] = {(1ULL << 63) + 1, UINT64_MAX,
						UINT64_MAX - PAGE + 2};

		for (unsigned int i = 0; i < 3; i++) {
			int h = host_result(
				madvise(b.host, lens[i], MADV_NORMAL));

			assert_int_equal(uapi_madvise(b.m, 0, b.at, lens[i],
						      MADV_NORMAL),
					 h);
			h = host_result(mincore(b.host, lens[i], host));
			assert_int_equal(
				uapi_mincore(b.m, 0, b.at, lens[i], mine), h);
		}
	}
	/* PROT_NONE over a resident page: still resident. */
	write_both(&b, 0, 7);
	assert_int_equal(mprotect(b.host, PAGE, PROT_NONE), 0);
	assert_int_equal(uapi_mprotect(b.m, 0, b.at, PAGE, PROT_NONE), 0);
	mincore_both(&b, 0, 2, 0);
	teardown_both(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dontneed_private),
		cmocka_unit_test(test_dontneed_shared),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
