/* SPDX-License-Identifier: MIT */
/*
 * test_scratch.c - the checkers' tables: zeroed, as large as asked,
 * refused when the size overflows, and unmapped when freed, so that a
 * check leaves no host memory behind (bench/boot's bytes per frame in
 * use count the memmap alone).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/scratch.h"

static void test_zeroed_and_given_back(void **state)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t n = 3 * page / sizeof(uint32_t) + 1;
	unsigned char vec[4];
	uint32_t *t = scratch_zalloc(n, sizeof(*t));

	(void)state;
	assert_non_null(t);
	assert_int_equal(t[0], 0);
	assert_int_equal(t[n - 1], 0);
	t[n - 1] = 7;
	assert_int_equal(t[n - 1], 7);
	/* Four pages mapped while the table lives; none once it is gone. */
	assert_int_equal(mincore(t, n * sizeof(*t), vec), 0);
	scratch_free(t, n, sizeof(*t));
	errno = 0;
	assert_int_equal(mincore(t, n * sizeof(*t), vec), -1);
	assert_int_equal(errno, ENOMEM);
	scratch_free(NULL, n, sizeof(*t));
}

static void test_bad_sizes(void **state)
{
	(void)state;
	assert_null(scratch_zalloc(0, 4));
	assert_null(scratch_zalloc(4, 0));
	assert_null(scratch_zalloc(SIZE_MAX / 2 + 1, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zeroed_and_given_back),
		cmocka_unit_test(test_bad_sizes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
