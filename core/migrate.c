/* SPDX-License-Identifier: MIT */
/*
 * migrate.c - page migration, as the kernel's mm/migrate.c for
 * anonymous and shmem pages: copy the bytes, point every mapping's entry
 * and the shmem object's slot at the new frame, hand over the page's
 * state and free the old frame.
 *
 * Owns: migrate_page and the test of what may move. The machine runs
 * one call at a time, so the entries are rewritten in place where Linux
 * installs migration entries first and removes them after the copy; no
 * one can see the page in between. Must never: move a page with an
 * unexpected reference (pinned), a hugetlb page, a THP only partly
 * mapped (on the deferred split queue: the caller splits it first), or
 * a page that is not a user page on an LRU list; never change anything
 * before deciding.
 */
#include "core/migrate.h"

#include <errno.h>
#include <string.h>

#include "core/huge_mm.h"
#include "core/memory.h"
#include "core/mmzone.h"
#include "core/page_alloc.h"
#include "core/page_owner.h"
#include "core/pgtable.h"
#include "core/rmap.h"
#include "core/shmem.h"
#include "core/vmscan.h"

/* Each mapping holds a reference; a shmem object holds one more. */
static int expected_refcount(const struct page *page)
{
	return page_mapcount(page) + (PageFlag(page, PG_shmem) ? 1 : 0);
}

bool page_migratable(const struct machine *m, const struct page *page)
{
	(void)m;
	return PageFlag(page, PG_lru) && PageFlag(page, PG_head) &&
	       page->private == 0 &&
	       (PageFlag(page, PG_anon) || PageFlag(page, PG_shmem)) &&
	       page->_refcount == expected_refcount(page);
}

static int count_one(struct machine *m, struct page *page,
		     struct vm_area_struct *vma, uint64_t addr, void *arg)
{
	struct pte_slot slot;
	uint64_t entry;

	if (page_vma_mapped(m, page, vma, addr, &slot, &entry))
		(*(int *)arg)++;
	return 0;
}

/* remove_migration_pte: the entry keeps its bits, with the new frame. */
static int remap_one(struct machine *m, struct page *page,
		     struct vm_area_struct *vma, uint64_t addr, void *arg)
{
	unsigned long dst_pfn = *(unsigned long *)arg;
	struct pte_slot slot;
	uint64_t entry;

	if (page_vma_mapped(m, page, vma, addr, &slot, &entry))
		pte_slot_set(m, &slot,
			     pfn_pte(m, dst_pfn, pte_flags(m, entry)));
	return 0;
}

/* The page's state passes to dst, as folio_migrate_flags and mapping. */
static void migrate_page_state(struct page *src, struct page *dst)
{
	const uint32_t moving =
		(1u << PG_anon) | (1u << PG_shmem) | (1u << PG_swapbacked) |
		(1u << PG_dirty) | (1u << PG_referenced) | (1u << PG_lru) |
		(1u << PG_active) | (1u << PG_mlocked) |
		(1u << PG_unevictable) | (1u << PG_anon_exclusive);

	dst->flags |= src->flags & moving;
	src->flags &= ~moving;
	dst->mapping = src->mapping;
	dst->index = src->index;
	dst->_mapcount = src->_mapcount;
	dst->_refcount = src->_refcount;
	dst->owner = src->owner;
	dst->memcg = src->memcg; /* the charge moves with the page */
	dst->swap = src->swap;
	list_add(&dst->lru, &src->lru); /* its place on the LRU list */
	list_del(&src->lru);
	src->mapping = 0;
	src->index = 0;
	src->_mapcount = -1;
	src->_refcount = 1;
	src->memcg = 0;
	src->swap = 0;
}

/* The node counters of what src is move to dst's node, as Linux's. */
static void migrate_node_stats(struct machine *m, const struct page *src,
			       const struct page *dst)
{
	static const enum node_stat_item shmem[] = {NR_SHMEM, NR_FILE_PAGES};

	if (page_to_nid(src) == page_to_nid(dst))
		return;
	if (PageFlag(src, PG_anon) && page_mapcount(src) > 0) {
		mod_lruvec_page_state(m, src, NR_ANON_MAPPED, -1);
		mod_lruvec_page_state(m, dst, NR_ANON_MAPPED, 1);
	}
	for (int i = 0; PageFlag(src, PG_shmem) && i < 2; i++) {
		mod_lruvec_page_state(m, src, shmem[i], -1);
		mod_lruvec_page_state(m, dst, shmem[i], 1);
	}
}

int migrate_page(struct machine *m, struct page *src, struct page *dst,
		 int reason)
{
	unsigned long dst_pfn = page_to_pfn(m, dst);
	int mapped = 0;

	if (!page_migratable(m, src))
		return -EAGAIN;
	rmap_walk(m, src, count_one, &mapped);
	if (mapped != page_mapcount(src))
		return -EAGAIN; /* an entry rmap cannot reach: leave it */
	memcpy(pfn_to_ram(m, dst_pfn), pfn_to_ram(m, page_to_pfn(m, src)),
	       m->page_size);
	rmap_walk(m, src, remap_one, &dst_pfn);
	if (PageFlag(src, PG_shmem)) {
		struct shmem_object *obj =
			(struct shmem_object *)(uintptr_t)src->mapping;

		obj->slots[src->index] = ((uint64_t)dst_pfn << 1) | 1;
	}
	if (page_zone(m, src) != page_zone(m, dst)) /* maybe another node */
		lru_move_zone(m, src, dst);
	migrate_node_stats(m, src, dst);
	migrate_page_state(src, dst);
	copy_page_owner(m, src, dst, reason);
	__free_pages(m, src, 0);
	return 0;
}

/* ------------------------------------------------------------------ */
/* A THP, whole                                                        */

/* Every mapping of the THP: its PMDs', and each PTE of each page. */
static int thp_total_mapcount(const struct machine *m, const struct page *head)
{
	unsigned long nr = 1UL << huge_page_order(m);
	int maps = thp_entire_mapcount(head);

	for (unsigned long i = 0; i < nr; i++)
		maps += page_mapcount(head + i);
	return maps;
}

/*
 * A THP moves whole however it is mapped, by PMDs, by PTEs (after a
 * PMD split) or both, each mapping holding a reference; one only partly
 * mapped is split instead, as migrate_pages_batch splits a
 * partially-mapped folio on the deferred split queue.
 */
bool folio_migratable(const struct machine *m, const struct page *head)
{
	return PageThp(head) && !PageFlag(head, PG_tail) &&
	       !PageFlag(head, PG_mlocked) &&
	       list_empty(thp_deferred_list((struct page *)head)) &&
	       head->_refcount == thp_total_mapcount(m, head);
}

static int count_pmd(struct machine *m, struct page *page,
		     struct vm_area_struct *vma, uint64_t addr, void *arg)
{
	if (remove_migration_pmd(m, vma, addr, page, NULL))
		(*(int *)arg)++;
	return 0;
}

static int remap_pmd(struct machine *m, struct page *page,
		     struct vm_area_struct *vma, uint64_t addr, void *arg)
{
	remove_migration_pmd(m, vma, addr, page, arg);
	return 0;
}

/*
 * folio_migrate_flags and mapping for a THP: each page's flags, place in
 * its anon_vma, map count and charge; the first tail page's folio
 * counts. src is left a plain allocated block, as free_transhuge_page
 * leaves one, its anon_vma reference now dst's.
 */
static void migrate_thp_state(struct page *src, struct page *dst,
			      unsigned long nr)
{
	const uint32_t moving = (1u << PG_tail) | (1u << PG_anon) |
				(1u << PG_swapbacked) | (1u << PG_dirty) |
				(1u << PG_referenced) |
				(1u << PG_anon_exclusive);

	for (unsigned long i = 0; i < nr; i++) {
		dst[i].flags |= src[i].flags & moving;
		src[i].flags &= ~moving;
		dst[i].mapping = src[i].mapping;
		dst[i].index = src[i].index;
		dst[i]._mapcount = src[i]._mapcount;
		dst[i].owner = src[i].owner;
		dst[i].memcg = src[i].memcg; /* the charge moves too */
		src[i].mapping = 0;
		src[i].index = 0;
		src[i]._mapcount = -1;
		src[i].memcg = 0;
	}
	dst[1]._entire_mapcount = src[1]._entire_mapcount;
	dst[1]._nr_pages_mapped = src[1]._nr_pages_mapped;
	INIT_LIST_HEAD(&dst[2].lru); /* the deferred split link, unqueued */
	INIT_LIST_HEAD(&src[1].lru);
	dst->_refcount = src->_refcount;
	src->_refcount = 1;
}

/*
 * NR_ANON_THPS (a PMD maps it) and NR_ANON_MAPPED (all its pages with
 * a PMD, else those some PTE maps) follow the THP to dst's node.
 */
static void migrate_thp_node_stats(struct machine *m, const struct page *src,
				   const struct page *dst, unsigned long nr)
{
	long thps = thp_entire_mapcount(src) ? (long)nr : 0;
	long mapped = thps ? thps : thp_nr_pages_mapped(src);

	if (page_to_nid(src) == page_to_nid(dst))
		return;
	mod_lruvec_page_state(m, src, NR_ANON_THPS, -thps);
	mod_lruvec_page_state(m, dst, NR_ANON_THPS, thps);
	mod_lruvec_page_state(m, src, NR_ANON_MAPPED, -mapped);
	mod_lruvec_page_state(m, dst, NR_ANON_MAPPED, mapped);
}

/* The mappings rmap reaches: each PMD, and each PTE of each page. */
static int thp_count_mappings(struct machine *m, struct page *src,
			      unsigned long nr)
{
	int mapped = 0;

	rmap_walk(m, src, count_pmd, &mapped);
	for (unsigned long i = 0; i < nr; i++)
		if (page_mapcount(src + i))
			rmap_walk(m, src + i, count_one, &mapped);
	return mapped;
}

/* remove_migration_pmd and _pte: each mapping now maps dst's page. */
static void thp_remap(struct machine *m, struct page *src, struct page *dst,
		      unsigned long nr)
{
	rmap_walk(m, src, remap_pmd, dst);
	for (unsigned long i = 0; i < nr; i++) {
		unsigned long pfn = page_to_pfn(m, dst + i);

		if (page_mapcount(src + i))
			rmap_walk(m, src + i, remap_one, &pfn);
	}
}

int migrate_thp(struct machine *m, struct page *src, struct page *dst,
		int reason)
{
	unsigned int order = huge_page_order(m);
	unsigned long nr = 1UL << order, spfn = page_to_pfn(m, src);
	unsigned long dpfn = page_to_pfn(m, dst);
	bool active;

	if (!folio_migratable(m, src))
		return -EAGAIN;
	if (thp_count_mappings(m, src, nr) != thp_total_mapcount(m, src))
		return -EAGAIN; /* a mapping rmap cannot reach: leave it */
	for (unsigned long i = 0; i < nr; i++)
		memcpy(pfn_to_ram(m, dpfn + i), pfn_to_ram(m, spfn + i),
		       m->page_size);
	thp_remap(m, src, dst, nr);
	migrate_thp_node_stats(m, src, dst, nr);
	/* Its LRU place (the head's, for all its pages) moves to dst's. */
	active = PageFlag(src, PG_active);
	lru_del(m, src);
	migrate_thp_state(src, dst, nr);
	(active ? lru_add_active : lru_add)(m, dst);
	for (unsigned long i = 0; i < nr; i++)
		copy_page_owner(m, src + i, dst + i, reason);
	__free_pages(m, src, order);
	return 0;
}
