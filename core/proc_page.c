/* SPDX-License-Identifier: MIT */
/*
 * proc_page.c - /proc/kpageflags and /proc/kpagecount (fs/proc/page.c).
 *
 * Owns: what a page's state reads as through the kernel's KPF_* bits
 * and its kpagecount entry. Must never: change a page, or read a pfn
 * outside RAM (the read is cut at max_pfn, as the kernel cuts it).
 */
#include <errno.h>

#include "core/err.h"
#include "core/huge_mm.h"
#include "core/memory.h"
#include "core/proc_page.h"
#include "core/sparse.h"

#define KPF(bit) (1ULL << (bit))

/* The bits a page's own flags give, one for one. */
static const struct {
	enum pageflags pg;
	enum kpageflags_bit kpf;
} kpf_copy[] = {
	{PG_referenced, KPF_REFERENCED},
	{PG_dirty, KPF_DIRTY},
	{PG_lru, KPF_LRU},
	{PG_active, KPF_ACTIVE},
	{PG_slab, KPF_SLAB},
	{PG_buddy, KPF_BUDDY},
	{PG_anon, KPF_ANON},
	{PG_swapbacked, KPF_SWAPBACKED},
	{PG_table, KPF_PGTABLE},
	{PG_reserved, KPF_RESERVED},
	{PG_uptodate, KPF_UPTODATE},
	{PG_writeback, KPF_WRITEBACK},
	{PG_readahead, KPF_RECLAIM}, /* PG_readahead is PG_reclaim's alias */
	{PG_unevictable, KPF_UNEVICTABLE},
	{PG_mlocked, KPF_MLOCKED},
};

/*
 * The anonymous and shared memory a fault filled is up to date, as
 * the kernel marks it when it maps it; a copy on swap makes it a swap
 * cache page too.
 */
static uint64_t user_page_flags(const struct page *page)
{
	uint64_t u = 0;

	if (!PageFlag(page, PG_anon) && !PageFlag(page, PG_shmem))
		return 0;
	u |= KPF(KPF_UPTODATE);
	if (page->swap)
		u |= KPF(KPF_SWAPCACHE);
	return u;
}

/*
 * A page of a THP, as Linux's folio_precise_page_mapcount counts it: its
 * PTEs and the PMDs mapping the whole THP (read through pfn, since page
 * may be a scratch copy of an unwritten section's entry).
 */
static int user_page_mapcount(const struct machine *m, unsigned long pfn,
			      const struct page *page)
{
	unsigned long nr = 1UL << huge_page_order(m);

	if (!PageThp(page))
		return page_mapcount(page);
	return page_mapcount(page) +
	       thp_entire_mapcount(&m->mem_map[pfn & ~(nr - 1)]);
}

/* KPF_THP and the compound head and tail bits of a THP's pages. */
static uint64_t thp_page_flags(const struct page *page)
{
	if (!PageThp(page))
		return 0;
	return KPF(KPF_THP) | KPF(PageFlag(page, PG_tail) ? KPF_COMPOUND_TAIL
							  : KPF_COMPOUND_HEAD);
}

uint64_t stable_page_flags(const struct machine *m, unsigned long pfn)
{
	struct page scratch;
	const struct page *page = memmap_page_view(m, pfn, &scratch);
	uint64_t u = 0;

	/* No RAM behind it: the kernel has no struct page to read. */
	if (PageFlag(page, PG_hole))
		return KPF(KPF_NOPAGE);
	/* Buddy and page-table pages keep no mapcount (a page type). */
	if (!PageFlag(page, PG_buddy) && !PageFlag(page, PG_table) &&
	    !PageFlag(page, PG_slab) && user_page_mapcount(m, pfn, page) > 0)
		u |= KPF(KPF_MMAP);
	for (size_t i = 0; i < sizeof(kpf_copy) / sizeof(kpf_copy[0]); i++)
		if (PageFlag(page, kpf_copy[i].pg))
			u |= KPF(kpf_copy[i].kpf);
	if (pfn == m->zero_pfn)
		u |= KPF(KPF_ZERO_PAGE);
	return u | user_page_flags(page) | thp_page_flags(page);
}

uint64_t kpagecount(const struct machine *m, unsigned long pfn)
{
	struct page scratch;
	const struct page *page = memmap_page_view(m, pfn, &scratch);

	/* Slab, buddy and table pages reuse the mapcount: the kernel says 0. */
	if (page->flags & ((1u << PG_hole) | (1u << PG_slab) |
			   (1u << PG_buddy) | (1u << PG_table)))
		return 0;
	return user_page_mapcount(m, pfn, page) > 0
		       ? (uint64_t)user_page_mapcount(m, pfn, page)
		       : 0;
}

int kpage_range(struct machine *m, uint64_t pfn, uint64_t *count)
{
	if (!*count)
		return mm_refuse(m, BAD_NONE, -EINVAL,
				 "a read of 0 entries brings nothing");
	if (pfn >= m->max_pfn)
		return mm_refuse(m, BAD_PFN, -EINVAL,
				 "pfn %#llx is past RAM (%lu frames)",
				 (unsigned long long)pfn, m->max_pfn);
	if (*count > m->max_pfn - pfn)
		*count = m->max_pfn - pfn;
	return 0;
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void kpageflags_read(const struct machine *m, unsigned long pfn,
		     unsigned long count, uint8_t *buf)
{
	for (unsigned long i = 0; i < count; i++)
		put_le64(buf + 8 * i, stable_page_flags(m, pfn + i));
}

void kpagecount_read(const struct machine *m, unsigned long pfn,
		     unsigned long count, uint8_t *buf)
{
	for (unsigned long i = 0; i < count; i++)
		put_le64(buf + 8 * i, kpagecount(m, pfn + i));
}
