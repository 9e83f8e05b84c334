/* SPDX-License-Identifier: MIT */
/*
 * shmem.c - shared anonymous memory: the object behind MAP_SHARED |
 * MAP_ANONYMOUS, whose pages every VMA mapping it (across forks) shares.
 *
 * Owns: each object's slots (a page, a swap slot, or nothing per page
 * offset) and the pages' lifetime. A page's mapping names its object,
 * its index the offset; the object holds a reference, each entry that
 * maps it another. Must never: free a page while an entry maps it, or
 * lose a swapped page's slot.
 */
#include "core/shmem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/mmzone.h"
#include "core/err.h"
#include "core/memory.h"
#include "core/page_alloc.h"
#include "core/swap.h"
#include "core/vmscan.h"

#define SLOT_PAGE 1ULL

struct shmem_object *shmem_create(struct machine *m, unsigned long nr_pages)
{
	struct shmem_object *obj = calloc(1, sizeof(*obj));

	if (!obj)
		return NULL;
	obj->slots = calloc(nr_pages ? nr_pages : 1, sizeof(obj->slots[0]));
	if (!obj->slots) {
		free(obj);
		return NULL;
	}
	INIT_LIST_HEAD(&obj->root.vmas);
	obj->root.refcount = 1;
	obj->nr_pages = nr_pages;
	obj->ino = ++m->shmem_ino;
	return obj;
}

/* One slot's page or swap entry given back; shmem pages are file pages. */
static void shmem_free_slot(struct machine *m, uint64_t slot)
{
	if (slot & SLOT_PAGE) {
		struct page *page = pfn_to_page(m, (unsigned long)(slot >> 1));

		mod_lruvec_page_state(m, page, NR_SHMEM, -1);
		mod_lruvec_page_state(m, page, NR_FILE_PAGES, -1);
		put_user_page(m, page);
	} else if (slot) {
		swap_free(m, (unsigned long)(slot >> 1));
	}
}

void shmem_put(struct machine *m, struct shmem_object *obj)
{
	if (--obj->root.refcount)
		return;
	for (unsigned long i = 0; i < obj->nr_pages; i++)
		shmem_free_slot(m, obj->slots[i]);
	free(obj->slots);
	free(obj);
}

struct page *shmem_find_page(struct machine *m, const struct shmem_object *obj,
			     unsigned long index)
{
	uint64_t slot = index < obj->nr_pages ? obj->slots[index] : 0;

	return (slot & SLOT_PAGE) ? pfn_to_page(m, (unsigned long)(slot >> 1))
				  : NULL;
}

void shmem_truncate_range(struct machine *m, struct shmem_object *obj,
			  unsigned long start, unsigned long end)
{
	for (unsigned long i = start; i < end && i < obj->nr_pages; i++) {
		uint64_t slot = obj->slots[i];

		obj->slots[i] = 0;
		shmem_free_slot(m, slot);
	}
}

static struct page *shmem_new_page(struct machine *m,
				   const struct mm_struct *mm,
				   struct shmem_object *obj,
				   unsigned long index, uint64_t swapped)
{
	struct page *page = alloc_user_page(m, mm, !swapped);

	if (IS_ERR(page))
		return page;
	if (obj->slots[index] != swapped) { /* reclaim raced us */
		put_user_page(m, page);
		return NULL;
	}
	if (swapped) {
		swap_readpage(m, (unsigned long)(swapped >> 1),
			      page_to_pfn(m, page));
		swap_free(m, (unsigned long)(swapped >> 1));
		m->vm_events[PSWPIN]++;
		/* shmem_swapin_folio: its swap copy is gone, so it is dirty */
		SetPageFlag(page, PG_dirty);
	}
	SetPageFlag(page, PG_shmem);
	SetPageFlag(page, PG_swapbacked);
	page->mapping = (uint64_t)(uintptr_t)obj;
	page->index = index;
	page->_mapcount = -1;
	obj->slots[index] = ((uint64_t)page_to_pfn(m, page) << 1) | SLOT_PAGE;
	/* shmem pages are file pages to Linux (NR_FILE_PAGES holds them). */
	mod_lruvec_page_state(m, page, NR_SHMEM, 1);
	mod_lruvec_page_state(m, page, NR_FILE_PAGES, 1);
	lru_add(m, page);
	return page;
}

struct page *shmem_get_page(struct machine *m, const struct mm_struct *mm,
			    struct shmem_object *obj, unsigned long index,
			    bool *major)
{
	for (;;) {
		uint64_t slot = obj->slots[index];
		struct page *page;

		if (slot & SLOT_PAGE)
			return pfn_to_page(m, (unsigned long)(slot >> 1));
		*major = slot != 0;
		page = shmem_new_page(m, mm, obj, index, slot);
		if (page)
			return page;
	}
}

void shmem_page_swapped(struct machine *m, struct shmem_object *obj,
			unsigned long index, unsigned long slot)
{
	struct page *page =
		pfn_to_page(m, (unsigned long)(obj->slots[index] >> 1));

	obj->slots[index] = (uint64_t)slot << 1;
	mod_lruvec_page_state(m, page, NR_SHMEM, -1);
	mod_lruvec_page_state(m, page, NR_FILE_PAGES, -1);
	put_user_page(m, page);
}

void shmem_counts(const struct shmem_object *obj, unsigned long *pages,
		  unsigned long *swapped)
{
	*pages = *swapped = 0;
	for (unsigned long i = 0; i < obj->nr_pages; i++) {
		if (obj->slots[i] & SLOT_PAGE)
			(*pages)++;
		else if (obj->slots[i])
			(*swapped)++;
	}
}
