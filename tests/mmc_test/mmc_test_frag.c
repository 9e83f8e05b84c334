/* SPDX-License-Identifier: MIT */
/*
 * mmc_test_frag.c - fragmentation and its cure over the wire, on a small
 * machine without swap: a process fills memory with user pages and a
 * few kernel pages between them, frees every other user page and every
 * other kernel page; an order-9 request that may not compact fails, the
 * extfrag index says why, turning proactive compaction on compacts at
 * once, and the same request succeeds; every byte kept is still there.
 *
 * Owns: the "frag" family of `mmc_test ops`. Must never: depend on
 * timing (kcompactd's timer is kept out: proactiveness is 0 until the
 * sysctl's write runs it; boosting is off while memory fills).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "tests/mmc_test/mmc_test.h"
#include "tests/mmc_test/mmc_test_vm.h"

#define FRAG_CHUNK_PAGES  256 /* 1 MiB of 4 KiB pages */
#define FRAG_KERNEL_PAGES 8   /* unmovable pages after each chunk */
#define FRAG_MAX_CHUNKS	  256
#define FRAG_WRITE_PAGES  16	  /* a write per 64 KiB, well inside a frame */
#define FRAG_NOCOMPACT	  0x2000u /* __GFP_NOWARN alone: no reclaim, no kswapd */
#define ANON_PRIVATE	  (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW		  (PROT_READ | PROT_WRITE)

/* Page i of the region holds i * K + w in its word w. */
static void page_words(uint64_t *buf, unsigned int page, unsigned long i)
{
	for (unsigned int w = 0; w < page / 8; w++)
		buf[w] = i * 0x9e3779b97f4a7c15ULL + w;
}

/* A free block of order 9 or more in any zone, by buddyinfo. */
static int has_order9(struct mmc *c)
{
	char *text = NULL, *line, *save = NULL;
	int found = 0;

	EXPECT_ERR(c, 0, mmc_report(c, MMC_REPORT_BUDDYINFO, &text));
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *p = strstr(line, "zone");
		unsigned long n;

		p = p ? p + 5 : line;
		while (*p == ' ')
			p++;
		p += strcspn(p, " "); /* past the zone's name */
		for (int o = 0; o <= 10; o++) {
			n = strtoul(p, &p, 10);
			if (o >= 9 && n)
				found = 1;
		}
	}
	free(text);
	return found;
}

/* The extfrag index of zone at order 9, in thousandths. */
static int extfrag9(struct mmc *c, const char *zone)
{
	char *text = NULL, key[32];
	const char *p;
	int whole = -2, frac = 0;

	EXPECT_ERR(c, 0, mmc_report(c, MMC_REPORT_EXTFRAG_INDEX, &text));
	snprintf(key, sizeof(key), "zone %8s ", zone);
	p = text ? strstr(text, key) : NULL;
	if (p) {
		p += strlen(key);
		for (int o = 0; o < 9; o++)
			p += strspn(p, " "), p += strcspn(p, " ");
		sscanf(p, " %d.%d", &whole, &frac);
	}
	free(text);
	return whole < 0 ? whole * 1000 - frac : whole * 1000 + frac;
}

static unsigned long vmstat_value(struct mmc *c, const char *name)
{
	char *text = NULL, key[64];
	const char *p;
	unsigned long v = 0;

	EXPECT_ERR(c, 0, mmc_report(c, MMC_REPORT_VMSTAT, &text));
	snprintf(key, sizeof(key), "\n%s ", name);
	p = text ? strstr(text, key) : NULL;
	if (p)
		v = strtoul(p + strlen(key), NULL, 10);
	free(text);
	return v;
}

/* The user address of page i: chunks are mapped one by one. */
static uint64_t page_addr(const uint64_t *chunk, unsigned int page,
			  unsigned long i)
{
	return chunk[i / FRAG_CHUNK_PAGES] +
	       (i % FRAG_CHUNK_PAGES) * (uint64_t)page;
}

/* Map and write one chunk of 1 MiB; false when memory ran out. */
static bool fill_chunk(struct mmc *c, uint64_t *chunk, unsigned long n,
		       unsigned int page)
{
	uint64_t *buf = malloc((size_t)FRAG_WRITE_PAGES * page);
	bool ok = true;

	if (!buf)
		exit(1);
	ok = EXPECT_ERR(c, 0,
			mmc_mmap(c, 0, 0, (uint64_t)FRAG_CHUNK_PAGES * page, RW,
				 ANON_PRIVATE, &chunk[n]));
	for (unsigned long i = 0; ok && i < FRAG_CHUNK_PAGES;
	     i += FRAG_WRITE_PAGES) {
		unsigned long first = n * FRAG_CHUNK_PAGES + i;

		for (unsigned long j = 0; j < FRAG_WRITE_PAGES; j++)
			page_words(buf + j * page / 8, page, first + j);
		ok = EXPECT_ERR(
			c, 0,
			mmc_write_vm(c, 0, page_addr(chunk, page, first), buf,
				     (size_t)FRAG_WRITE_PAGES * page, NULL));
	}
	free(buf);
	return ok;
}

/*
 * Fill with 1 MiB chunks of user pages (each page its own words) and
 * FRAG_KERNEL_PAGES kernel pages after each, until no zone has a free
 * block of order 9; then free every odd user page and every odd kernel
 * page. The chunks filled.
 */
static unsigned long fragment(struct mmc *c, uint64_t *chunk, unsigned int page,
			      unsigned long *kpfn)
{
	unsigned long chunks = 0, nk = 0;

	while (chunks < FRAG_MAX_CHUNKS && has_order9(c)) {
		if (!fill_chunk(c, chunk, chunks, page))
			break;
		for (int k = 0; k < FRAG_KERNEL_PAGES; k++)
			EXPECT_ERR(
				c, 0,
				mmc_alloc_pages(c, GFP_KERNEL, 0, &kpfn[nk++]));
		chunks++;
	}
	for (unsigned long i = 1; i < chunks * FRAG_CHUNK_PAGES; i += 2)
		EXPECT_ERR(c, 0,
			   mmc_munmap(c, 0, page_addr(chunk, page, i), page));
	for (unsigned long k = 1; k < nk; k += 2)
		EXPECT_ERR(c, 0, mmc_free_pages(c, kpfn[k], 0));
	return chunks;
}

void ops_frag(void)
{
	struct mmc *c = connect_as("frag", 0);
	unsigned int page = mmc_info(c)->page_size;
	unsigned long kpfn[FRAG_MAX_CHUNKS * FRAG_KERNEL_PAGES];
	uint64_t chunk[FRAG_MAX_CHUNKS], *buf = malloc(page),
					 *want = malloc(page);
	unsigned long chunks, pfn = 0;
	int index;

	if (!buf || !want)
		exit(1);
	/*
	 * Neither proactive compaction nor a boost's kcompactd may tidy
	 * up while the fill runs: a fallback near the end would boost,
	 * and kswapd would wake kcompactd.
	 */
	EXPECT_ERR(c, 0, mmc_admin_sysctl(c, "vm.compaction_proactiveness", 0));
	EXPECT_ERR(c, 0, mmc_admin_sysctl(c, "vm.watermark_boost_factor", 0));
	chunks = fragment(c, chunk, page, kpfn);
	EXPECT_ERR(c, 0,
		   mmc_admin_sysctl(c, "vm.watermark_boost_factor", 15000));
	EXPECT(chunks > 4 && !has_order9(c),
	       "filled %lu MiB, a free order-9 block left: %d", chunks,
	       has_order9(c));

	/* Free memory is plenty, in blocks too small: fragmentation. */
	EXPECT_ERR(c, -ENOMEM, mmc_alloc_pages(c, FRAG_NOCOMPACT, 9, &pfn));
	index = extfrag9(c, "DMA32");
	EXPECT(index > 500 && index <= 1000,
	       "DMA32's extfrag index at order 9: %d thousandths", index);

	/* Turning proactive compaction on wakes kcompactd at once. */
	EXPECT_ERR(c, 0,
		   mmc_admin_sysctl(c, "vm.compaction_proactiveness", 20));
	EXPECT(vmstat_value(c, "compact_daemon_migrate_scanned") > 0 &&
		       vmstat_value(c, "pgmigrate_success") > 0 &&
		       vmstat_value(c, "compact_daemon_wake") == 0,
	       "proactive compaction: %lu scanned, %lu migrated, %lu wakes",
	       vmstat_value(c, "compact_daemon_migrate_scanned"),
	       vmstat_value(c, "pgmigrate_success"),
	       vmstat_value(c, "compact_daemon_wake"));
	EXPECT(has_order9(c), "no free order-9 block after compaction");
	EXPECT_ERR(c, 0, mmc_alloc_pages(c, FRAG_NOCOMPACT, 9, &pfn));
	EXPECT_ERR(c, 0, mmc_free_pages(c, pfn, 9));

	for (unsigned long i = 0; i < chunks * FRAG_CHUNK_PAGES; i += 2) {
		bool same;

		page_words(want, page, i);
		same = EXPECT_ERR(c, 0,
				  mmc_read_vm(c, 0, page_addr(chunk, page, i),
					      buf, page, NULL)) &&
		       !memcmp(buf, want, page);
		EXPECT(same, "user page %lu changed in migration", i);
		if (!same)
			break;
	}
	for (unsigned long k = 0; k < chunks * FRAG_KERNEL_PAGES; k += 2)
		EXPECT_ERR(c, 0, mmc_free_pages(c, kpfn[k], 0));
	for (unsigned long n = 0; n < chunks; n++)
		EXPECT_ERR(c, 0,
			   mmc_munmap(c, 0, chunk[n],
				      (uint64_t)FRAG_CHUNK_PAGES * page));
	free(buf);
	free(want);
	finish(c, "frag");
}
