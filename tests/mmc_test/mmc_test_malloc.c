/* SPDX-License-Identifier: MIT */
/*
 * mmc_test_malloc.c - the integration tests' checks of a process's
 * user-space malloc over the wire: blocks and their bytes, calloc,
 * realloc, posix_memalign, the mmap threshold and mallopt, trimming,
 * fork, malloc_stats, and every bad pointer with glibc's words.
 *
 * Owns: the "ops malloc" family of mmc_test. Must never: be installed;
 * it exists for the tests.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tests/mmc_test/mmc_test.h"
#include "tests/mmc_test/mmc_test_vm.h"

/* n bytes of seed's pattern into the block at addr of pid, read back. */
static void fill_block(struct mmc *c, int pid, uint64_t addr, size_t n,
		       unsigned int seed)
{
	put_user_pattern(c, pid, addr, n, seed);
	expect_user_bytes(c, pid, addr, n, (int)seed, 0, "a block's bytes");
}

/* The call failed with -EINVAL and mmc_errmsg() holds words. */
static void expect_refusal(struct mmc *c, int err, const char *words,
			   const char *what)
{
	EXPECT(err == -EINVAL && strstr(mmc_errmsg(c), words),
	       "%s: %d (%s), expected -EINVAL with '%s'", what, err,
	       mmc_errmsg(c), words);
}

/* Whether pid's maps has a mapping that starts at start. */
static bool mapped_at(struct mmc *c, uint64_t start)
{
	char *text = NULL, want[32];
	bool found;

	if (mmc_report_pid(c, MMC_REPORT_MAPS, 0, &text))
		return false;
	snprintf(want, sizeof(want), "%08llx-", (unsigned long long)start);
	found = find_line(text, want) != NULL;
	free(text);
	return found;
}

static void malloc_blocks(struct mmc *c)
{
	uint64_t a = 0, b = 0, z = 0, r = 0, al = 0;
	size_t usable = 0;
	uint8_t zeros[400], got[400];

	EXPECT_ERR(c, 0, mmc_malloc(c, 0, 100, &a));
	EXPECT(a && a % 16 == 0, "malloc(100) gave %#llx",
	       (unsigned long long)a);
	fill_block(c, 0, a, 100, 7);
	EXPECT_ERR(c, 0, mmc_malloc_usable_size(c, 0, a, &usable));
	EXPECT(usable >= 100 && usable < 100 + 32, "usable size %zu", usable);
	EXPECT_ERR(c, 0, mmc_malloc(c, 0, 200, &b));
	EXPECT(b >= a + 100 || b + 200 <= a, "blocks overlap");
	/* calloc's bytes are zero even where a freed block wrote. */
	fill_block(c, 0, b, 200, 8);
	EXPECT_ERR(c, 0, mmc_free(c, 0, b));
	EXPECT_ERR(c, 0, mmc_calloc(c, 0, 4, 100, &z));
	memset(zeros, 0, sizeof(zeros));
	if (EXPECT_ERR(c, 0, mmc_read_vm(c, 0, z, got, sizeof(got), NULL)))
		EXPECT(!memcmp(zeros, got, sizeof(got)), "calloc's bytes");
	/* realloc keeps the bytes wherever the block goes. */
	EXPECT_ERR(c, 0, mmc_realloc(c, 0, a, 5000, &r));
	expect_user_bytes(c, 0, r, 100, 7, 0, "after realloc");
	EXPECT_ERR(c, 0, mmc_posix_memalign(c, 0, &al, 4096, 64));
	EXPECT(al && al % 4096 == 0, "posix_memalign(4096) gave %#llx",
	       (unsigned long long)al);
	EXPECT_ERR(c, 0, mmc_free(c, 0, al));
	EXPECT_ERR(c, 0, mmc_free(c, 0, z));
	EXPECT_ERR(c, 0, mmc_free(c, 0, r));
	EXPECT_ERR(c, 0, mmc_free(c, 0, 0)); /* free(NULL) */
}

static void malloc_mmap_threshold(struct mmc *c)
{
	uint64_t big = 0, in_heap = 0, brk = 0, start = 0;
	size_t released = 0;

	EXPECT_ERR(c, 0, mmc_malloc(c, 0, 256 << 10, &big));
	EXPECT(mapped_at(c, (big - 16) & ~4095ULL),
	       "256 KiB did not get a mapping of its own at %#llx",
	       (unsigned long long)big);
	fill_block(c, 0, big, 256 << 10, 9);
	EXPECT_ERR(c, 0, mmc_free(c, 0, big));
	EXPECT(!mapped_at(c, (big - 16) & ~4095ULL),
	       "the mapping stayed after free");
	/* Past the threshold the same request comes from the heap. */
	EXPECT_ERR(c, 0, mmc_mallopt(c, 0, MMC_M_MMAP_THRESHOLD, 1 << 20));
	EXPECT_ERR(c, 0, mmc_brk(c, 0, 0, &start));
	EXPECT_ERR(c, 0, mmc_malloc(c, 0, 256 << 10, &in_heap));
	EXPECT_ERR(c, 0, mmc_brk(c, 0, 0, &brk));
	EXPECT(in_heap < brk && in_heap + (256 << 10) <= brk,
	       "256 KiB at %#llx is not below the break %#llx",
	       (unsigned long long)in_heap, (unsigned long long)brk);
	EXPECT_ERR(c, 0, mmc_free(c, 0, in_heap));
	EXPECT_ERR(c, 0, mmc_malloc_trim(c, 0, 0, &released));
	EXPECT_ERR(c, 0, mmc_brk(c, 0, 0, &brk));
	EXPECT(brk < in_heap + (256 << 10), "the heap was not trimmed");
	EXPECT_ERR(c, -EINVAL, mmc_mallopt(c, 0, 12345, 1));
}

static void malloc_bad_pointers(struct mmc *c)
{
	uint64_t a = 0, r = 0;

	EXPECT_ERR(c, 0, mmc_malloc(c, 0, 64, &a));
	expect_refusal(c, mmc_free(c, 0, a + 16), "invalid pointer",
		       "free inside a block");
	expect_refusal(c, mmc_free(c, 0, 0x1000), "invalid pointer",
		       "free of an address malloc never gave");
	EXPECT_ERR(c, 0, mmc_free(c, 0, a));
	expect_refusal(c, mmc_free(c, 0, a), "double free", "double free");
	expect_refusal(c, mmc_realloc(c, 0, a, 128, &r), "realloc()",
		       "realloc of a freed block");
	EXPECT_ERR(c, -EINVAL, mmc_posix_memalign(c, 0, &r, 24, 64));
}

static void malloc_fork(struct mmc *c)
{
	uint64_t a = 0, b = 0;
	int child = 0;

	EXPECT_ERR(c, 0, mmc_malloc(c, 0, 1000, &a));
	fill_block(c, 0, a, 1000, 11);
	EXPECT_ERR(c, 0, mmc_fork(c, 0, &child));
	/* The child has its own copy of the heap and of malloc's lists. */
	expect_user_bytes(c, child, a, 1000, 11, 0, "the child's copy");
	EXPECT_ERR(c, 0, mmc_free(c, child, a));
	EXPECT_ERR(c, 0, mmc_malloc(c, child, 1000, &b));
	fill_block(c, child, b, 1000, 12);
	expect_user_bytes(c, 0, a, 1000, 11, 0, "the parent's block");
	EXPECT_ERR(c, 0, mmc_exit_process(c, child));
	EXPECT_ERR(c, 0, mmc_free(c, 0, a));
}

void ops_malloc(void)
{
	struct mmc *c = connect_as("malloc", 0);
	char *text = NULL;

	malloc_blocks(c);
	malloc_mmap_threshold(c);
	malloc_bad_pointers(c);
	malloc_fork(c);
	EXPECT_ERR(c, 0, mmc_report_pid(c, MMC_REPORT_MALLOC_STATS, 0, &text));
	EXPECT(text && !strncmp(text, "Arena 0:\n", 9), "malloc_stats: '%s'",
	       text ? text : "");
	free(text);
	finish(c, "malloc");
}
