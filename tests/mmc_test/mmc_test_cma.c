/* SPDX-License-Identifier: MIT */
/*
 * mmc_test_cma.c - CMA over the wire, on a 128 MiB machine without swap
 * whose layout declares one 32 MiB area "test": a process (and its
 * fork) fills memory with user pages, some of which land in the area;
 * cma_alloc takes the whole area back, every byte is read back through
 * both processes, and the counters say so; every bad call gets its
 * errno; alloc_contig_range (admin) takes and gives back a range.
 *
 * Owns: the "cma" family of `mmc_test ops`. Must never: depend on
 * timing, or leave an allocation behind.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "proto/mm.pb-c.h"
#include "tests/mmc_test/mmc_test.h"
#include "tests/mmc_test/mmc_test_vm.h"

#define CMA_PAGES  8192UL      /* 32 MiB */
#define FILL_PAGES 17408UL     /* 68 MiB: leaves room for the area's pages */
#define CHUNK	   (1UL << 19) /* a reply holds a bit under 1 MiB */

/* A number from a /proc-style report's "key value" or "Key: value kB". */
static unsigned long report_value(struct mmc *c, enum mmc_report kind,
				  const char *key)
{
	char *text = NULL;
	const char *p;
	unsigned long v = ~0UL;

	EXPECT_ERR(c, 0, mmc_report(c, kind, &text));
	p = text ? strstr(text, key) : NULL;
	if (p)
		v = strtoul(p + strlen(key), NULL, 10);
	EXPECT(p, "no '%s' in report %d", key, (int)kind);
	free(text);
	return v;
}

/* The area "test" as data: base_pfn and count. */
static void area_of(struct mmc *c, unsigned long *base, unsigned long *count,
		    unsigned long *used)
{
	void *buf = NULL;
	size_t len = 0;
	Mm__ReportData *rd;

	*base = *count = *used = 0;
	EXPECT_ERR(c, 0,
		   mmc_report_data_at(c, MMC_REPORT_CMA, 0, 0, &buf, &len));
	rd = buf ? mm__report_data__unpack(NULL, len, buf) : NULL;
	free(buf);
	if (!rd || rd->report_case != MM__REPORT_DATA__REPORT_CMA ||
	    rd->cma->n_areas != 1 || strcmp(rd->cma->areas[0]->name, "test")) {
		EXPECT(0, "the cma report is not one area 'test'");
	} else {
		*base = rd->cma->areas[0]->base_pfn;
		*count = rd->cma->areas[0]->count;
		*used = rd->cma->areas[0]->used;
	}
	if (rd)
		mm__report_data__free_unpacked(rd, NULL);
}

static void fill(struct mmc *c, uint64_t a)
{
	for (unsigned long off = 0; off < FILL_PAGES * 4096; off += CHUNK)
		put_user_pattern(c, 0, a + off, CHUNK,
				 (unsigned int)(off >> 19));
}

static void expect_filled(struct mmc *c, int pid, uint64_t a, const char *who)
{
	for (unsigned long off = 0; off < FILL_PAGES * 4096; off += CHUNK)
		expect_user_bytes(c, pid, a + off, CHUNK, (int)(off >> 19), 0,
				  who);
}

/* Every refusal, and the machine as it was after each. */
static void bad_calls(struct mmc *c, unsigned long base)
{
	unsigned long pfn = 0;

	EXPECT_ERR(c, -ENOENT, mmc_cma_alloc(c, "nosuch", 1, 0, &pfn));
	EXPECT_ERR(c, -EINVAL, mmc_cma_alloc(c, "test", 0, 0, &pfn));
	EXPECT_ERR(c, -ENOMEM,
		   mmc_cma_alloc(c, "test", CMA_PAGES + 1, 0, &pfn));
	EXPECT_ERR(c, -EINVAL, mmc_cma_alloc(c, "test", 1, 14, &pfn));
	EXPECT_ERR(c, -ENOENT, mmc_cma_release(c, "nosuch", base, 1));
	EXPECT_ERR(c, -EINVAL, mmc_cma_release(c, "test", base, 1));
	EXPECT_ERR(c, -EINVAL, mmc_alloc_contig_range(c, 100, 100));
	EXPECT_ERR(c, -EINVAL, mmc_alloc_contig_range(c, 32767, 32769));
	/* DMA ends at 16M (pfn 4096): across two zones. */
	EXPECT_ERR(c, -EINVAL, mmc_alloc_contig_range(c, 4095, 4097));
	/* A CMA block is no alloc_contig_range's. */
	EXPECT_ERR(c, -EBUSY, mmc_alloc_contig_range(c, base, base + 1));
	EXPECT_ERR(c, -EINVAL, mmc_free_contig_range(c, 8192, 8193));
	expect_machine_clean(c, "cma: after the bad calls");
}

void ops_cma(void)
{
	struct mmc *c = connect_as("cma", 0);
	unsigned long base, count, used, pfn = 0, free_before;
	uint64_t a = 0;
	int child = 0;

	area_of(c, &base, &count, &used);
	EXPECT(count == CMA_PAGES && used == 0, "area: %lu pages, %lu used",
	       count, used);
	EXPECT(report_value(c, MMC_REPORT_MEMINFO, "CmaTotal:") == 32768,
	       "CmaTotal is not 32768 kB");
	bad_calls(c, base);

	EXPECT_ERR(c, 0,
		   mmc_mmap(c, 0, 0, FILL_PAGES * 4096, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, &a));
	fill(c, a);
	EXPECT_ERR(c, 0, mmc_fork(c, 0, &child));
	free_before = report_value(c, MMC_REPORT_MEMINFO, "CmaFree:");
	EXPECT(free_before < 32768 - 4096,
	       "user pages did not land in CMA: CmaFree %lu kB", free_before);

	EXPECT_ERR(c, 0, mmc_cma_alloc(c, "test", CMA_PAGES, 0, &pfn));
	EXPECT(pfn == base, "cma_alloc gave pfn %#lx, the area is at %#lx", pfn,
	       base);
	EXPECT(report_value(c, MMC_REPORT_MEMINFO, "CmaFree:") == 0,
	       "CmaFree is not 0 with the whole area taken");
	EXPECT(report_value(c, MMC_REPORT_VMSTAT, "\ncma_alloc_success ") == 1,
	       "cma_alloc_success is not 1");
	expect_filled(c, 0, a, "cma: the parent's pages");
	expect_filled(c, child, a, "cma: the child's pages");
	area_of(c, &base, &count, &used);
	EXPECT(used == CMA_PAGES, "used %lu pages, not the whole area", used);
	expect_machine_clean(c, "cma: the whole area taken");

	EXPECT_ERR(c, 0, mmc_cma_release(c, "test", pfn, CMA_PAGES));
	EXPECT_ERR(c, -EINVAL, mmc_cma_release(c, "test", pfn, CMA_PAGES));
	/* An admin's range of user pages and free frames at 64M. */
	EXPECT_ERR(c, 0, mmc_alloc_contig_range(c, 0x4000, 0x4100));
	EXPECT_ERR(c, 0, mmc_free_contig_range(c, 0x4000, 0x4100));
	EXPECT_ERR(c, -EINVAL, mmc_free_contig_range(c, 0x4000, 0x4100));
	expect_filled(c, 0, a, "cma: the parent's pages after the range");
	/* A leftover allocation goes with its process. */
	EXPECT_ERR(c, 0, mmc_cma_alloc(c, "test", 16, 4, &pfn));
	EXPECT_ERR(c, 0, mmc_exit_process(c, child));
	EXPECT_ERR(c, 0, mmc_munmap(c, 0, a, FILL_PAGES * 4096));
	EXPECT_ERR(c, 0, mmc_cma_release(c, "test", pfn, 16));
	expect_machine_clean(c, "cma: all given back");
	mmc_close(c);
}
