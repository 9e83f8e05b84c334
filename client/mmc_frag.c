/* SPDX-License-Identifier: MIT */
/*
 * mmc_frag.c - `mmc frag`: the fragmentation scenario of the demo. One
 * process fills memory with user pages (movable) and, after each MiB, a
 * few kernel pages (unmovable), until no zone has a free block of order
 * 9; it frees every other user page and every other kernel page, and an
 * order-9 request that may not compact fails. It then waits for a line
 * on its standard input (the demo draws the map and compacts meanwhile),
 * asks again, and waits for a last line before it exits.
 *
 * Owns: nothing but its output. Must never: be more than a demo (it
 * needs admin rights: it turns proactive compaction and watermark
 * boosting off while it fills, so that nothing tidies up before the
 * demo looks).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "client/mmc.h"
#include "client/mmclient.h"

#define CHUNK_PAGES  256 /* 1 MiB of 4 KiB pages */
#define WRITE_PAGES  16	 /* one write per 64 KiB: well inside a frame */
#define KERNEL_PAGES 8	 /* unmovable pages after each MiB */
#define MAX_CHUNKS   1024
#define NOCOMPACT    0x2000u /* __GFP_NOWARN alone: no reclaim, no kswapd */

/* A free block of order 9 or more in any zone, by buddyinfo. */
static bool has_order9(struct mmc *c)
{
	char *text = NULL, *save = NULL;
	bool found = false;

	if (mmc_report(c, MMC_REPORT_BUDDYINFO, &text))
		return false;
	for (char *l = strtok_r(text, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		char *p = strstr(l, "zone");

		p = p ? p + 4 + strspn(p + 4, " ") : l;
		p += strcspn(p, " ");
		for (int o = 0; o <= 10; o++) {
			unsigned long n = strtoul(p, &p, 10);

			found |= o >= 9 && n;
		}
	}
	free(text);
	return found;
}

/* Map one MiB and write it; false when memory ran out. */
static bool fill_chunk(struct mmc *c, uint64_t *addr, unsigned int page)
{
	char *buf = calloc(WRITE_PAGES, page);
	bool ok = buf && !mmc_mmap(c, 0, 0, (uint64_t)CHUNK_PAGES * page,
				   PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, addr);

	for (unsigned long i = 0; ok && i < CHUNK_PAGES; i += WRITE_PAGES) {
		memset(buf, (int)('a' + i % 26), (size_t)WRITE_PAGES * page);
		ok = !mmc_write_vm(c, 0, *addr + i * page, buf,
				   (size_t)WRITE_PAGES * page, NULL);
	}
	free(buf);
	return ok;
}

/* Fill, then free every other page of each kind; the chunks filled. */
static unsigned long fragment(struct mmc *c, uint64_t *chunk,
			      unsigned long *kpfn, unsigned int page)
{
	unsigned long n = 0, nk = 0, freed = 0;

	while (n < MAX_CHUNKS && has_order9(c) &&
	       fill_chunk(c, &chunk[n], page)) {
		for (int k = 0; k < KERNEL_PAGES; k++)
			if (!mmc_alloc_pages(c, GFP_KERNEL, 0, &kpfn[nk]))
				nk++;
		n++;
	}
	printf("frag: wrote %lu MiB of user pages (movable) and took %lu "
	       "kernel pages (unmovable) between them\n",
	       n, nk);
	for (unsigned long i = 1; i < n * CHUNK_PAGES; i += 2)
		freed += !mmc_munmap(
			c, 0, chunk[i / CHUNK_PAGES] + (i % CHUNK_PAGES) * page,
			page);
	for (unsigned long k = 1; k < nk; k += 2)
		freed += !mmc_free_pages(c, kpfn[k], 0);
	printf("frag: freed every other page: %lu pages, %lu MiB\n", freed,
	       freed * page >> 20);
	return n;
}

static void try_order9(struct mmc *c, const char *when)
{
	unsigned long pfn;
	int err = mmc_alloc_pages(c, NOCOMPACT, 9, &pfn);

	if (err) {
		printf("frag: %s, alloc_pages(__GFP_NOWARN, order 9): %s\n",
		       when, mmc_strerror(err));
		return;
	}
	printf("frag: %s, alloc_pages(__GFP_NOWARN, order 9): pfn %#lx, "
	       "2 MiB in one piece\n",
	       when, pfn);
	mmc_free_pages(c, pfn, 9);
}

static void wait_line(void)
{
	char line[16];

	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		exit(0);
}

int frag(const char *sock)
{
	struct mmc *c = connect_or_die(sock, "frag");
	unsigned int page = mmc_info(c)->page_size;
	uint64_t *chunk = calloc(MAX_CHUNKS, sizeof(*chunk));
	unsigned long *kpfn = calloc(MAX_CHUNKS * KERNEL_PAGES, sizeof(*kpfn));
	int err;

	if (!chunk || !kpfn)
		return 1;
	err = mmc_admin_sysctl(c, "vm.compaction_proactiveness", 0);
	if (!err)
		err = mmc_admin_sysctl(c, "vm.watermark_boost_factor", 0);
	if (err) {
		fprintf(stderr, "mmc: frag: %s\n", mmc_errmsg(c));
		return 1;
	}
	fragment(c, chunk, kpfn, page);
	mmc_admin_sysctl(c, "vm.watermark_boost_factor", 15000);
	try_order9(c, "fragmented");
	printf("frag: ready\n");
	wait_line();
	try_order9(c, "after compaction");
	mmc_admin_sysctl(c, "vm.compaction_proactiveness", 20);
	printf("frag: done\n");
	wait_line();
	free(chunk);
	free(kpfn);
	mmc_close(c);
	return 0;
}
