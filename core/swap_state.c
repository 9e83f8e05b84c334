/* SPDX-License-Identifier: MIT */
/*
 * swap_state.c - the swap cache, as mm/swap_state.c: an anonymous page
 * given a swap slot while it is still in RAM. Reclaim adds a page and
 * unmaps it (its entries become swap entries naming the slot) before it
 * writes it; node_reclaim without RECLAIM_WRITE stops there and keeps
 * it, so a fault on the entry maps the same page again (a minor fault).
 *
 * Owns: page->swap, the slot index (in swap.c) pointing back at the
 * page, NR_SWAPCACHE, and the one reference the cache holds on the page
 * and on the slot. Must never: cache a THP, a shared-memory page or a
 * page-cache page; free a page something maps, or a slot an entry names.
 */
#include "core/swap_state.h"

#include "core/huge_mm.h"
#include "core/memory.h"
#include "core/mmzone.h"
#include "core/page_alloc.h"
#include "core/swap.h"

bool add_to_swap(struct machine *m, struct page *page)
{
	unsigned long slot;

	if (page->swap || !PageFlag(page, PG_anon) ||
	    !PageFlag(page, PG_swapbacked) || PageFlag(page, PG_shmem) ||
	    PageFlag(page, PG_tail) || PageThp(page))
		return false;
	if (get_swap_page(m, &slot)) /* its one reference: the cache's */
		return false;
	page->swap = (uint32_t)slot;
	swap_cache_set(m, slot, page_to_pfn(m, page), true);
	get_user_page(page);
	/* Its entries were dirty: the slot's copy is to be written. */
	SetPageFlag(page, PG_dirty);
	mod_lruvec_page_state(m, page, NR_SWAPCACHE, 1);
	return true;
}

void delete_from_swap_cache(struct machine *m, struct page *page)
{
	unsigned long slot = page->swap;

	swap_cache_set(m, slot, 0, false);
	page->swap = 0;
	mod_lruvec_page_state(m, page, NR_SWAPCACHE, -1);
	swap_free(m, slot);
	put_user_page(m, page);
}

struct page *lookup_swap_cache(struct machine *m, unsigned long slot)
{
	unsigned long pfn;

	return swap_cache_pfn(m, slot, &pfn) ? pfn_to_page(m, pfn) : NULL;
}

void free_swap_and_cache(struct machine *m, unsigned long slot)
{
	struct page *page;

	swap_free(m, slot);
	page = lookup_swap_cache(m, slot);
	if (page && swap_count(m, slot) == 1 && !page_mapcount(page))
		delete_from_swap_cache(m, page);
}

bool free_swap_cache(struct machine *m, struct page *page)
{
	if (!page->swap || page->_refcount != 2 || page_mapcount(page) ||
	    swap_count(m, page->swap) != 1)
		return false;
	page->_refcount--; /* the caller's */
	delete_from_swap_cache(m, page);
	return true;
}
