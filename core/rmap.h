/* SPDX-License-Identifier: MIT */
/*
 * rmap.h - reverse mapping: from a page to every entry that maps it.
 *
 * Owns: anon_vma (the object a private anonymous VMA's pages hang on;
 * fork gives each child VMA one of its own whose parent is the parent
 * VMA's, as anon_vma_fork does) and the rmap walk over an anon_vma's
 * family and over a shmem object's VMAs. A page's mapping names its
 * anon_vma or shmem object and its index the page offset in it; the
 * address in a VMA is vm_start + (index - vm_pgoff) pages. Must never:
 * walk a VMA that has left its mm, or let an anon_vma go while a VMA, a
 * page or a child anon_vma points at it.
 */
#ifndef MM_RMAP_H
#define MM_RMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/list.h"
#include "core/mm.h"

/* The VMAs whose pages can be found through it, and who holds it. */
struct rmap_root {
	struct list_head vmas;
	unsigned long refcount; /* VMAs and pages pointing at it */
};

/*
 * Linux links a VMA to its own anon_vma and to every ancestor's through
 * a chain and walks one anon_vma's VMAs. Here the root of a family (the
 * anon_vma a first write made, and every one forked from it) lists all
 * the family's VMAs, and a walk visits them all; an entry that does not
 * map the page is passed over by the walker, so the superset is safe.
 * root.refcount counts the VMAs, pages and child anon_vmas naming this
 * one; root.vmas is used on a family's root only.
 */
struct anon_vma {
	struct rmap_root root;
	struct anon_vma *family; /* the root of its family (Linux's ->root) */
	struct anon_vma *parent; /* the one it was forked from; NULL: a root */
	uint64_t obj;		 /* its anon_vma in the slab */
};

/*
 * Give vma an anon_vma, as __anon_vma_prepare: a touching neighbour's
 * when find_mergeable_anon_vma finds one, else a new one.
 */
int anon_vma_prepare(struct machine *m, struct vm_area_struct *vma);
/* vma takes the anon_vma (or shmem object) of src, as on a split. */
void vma_link_rmap(struct vm_area_struct *vma,
		   const struct vm_area_struct *src);
/*
 * The fork child's vma, linked to its parent pvma's anon_vma by
 * vm_area_dup, gets one of its own whose parent that is, one link
 * longer a chain, as anon_vma_fork.
 */
int anon_vma_fork(struct machine *m, struct vm_area_struct *vma,
		  const struct vm_area_struct *pvma);
/* av is vma's anon_vma or one of its ancestors: vma may map its pages. */
bool anon_vma_in_chain(const struct vm_area_struct *vma,
		       const struct anon_vma *av);
/*
 * vma leaves its anon_vma (dropping its reference) or its shmem object's
 * list; the reference on a shmem object is the mapping's, dropped by
 * whoever frees the VMA, as remove_vma drops vm_file.
 */
void vma_unlink_rmap(struct machine *m, struct vm_area_struct *vma);
void anon_vma_get(struct anon_vma *av);
void anon_vma_put(struct machine *m, struct anon_vma *av);

/*
 * A page of a file's page cache (filemap.c): its mapping is the inode,
 * it is on a file LRU list while cached; found through the inode's
 * i_mmap list of VMAs, as Linux's address_space->i_mmap.
 */
static inline bool page_is_pagecache(const struct page *page)
{
	/* a lazily freed anonymous page (MADV_FREE) is no file's */
	return page->mapping && PageFlag(page, PG_lru) &&
	       !PageFlag(page, PG_swapbacked) && !PageFlag(page, PG_anon);
}

/*
 * folio_mkclean: every shared mapping of a page-cache page loses write
 * and dirty bits, so that the next write faults and dirties the page
 * again (writeback calls it before the page goes to the device).
 */
void page_mkclean(struct machine *m, struct page *page);

/* The rmap root a user page hangs on, NULL for any other page. */
struct rmap_root *page_rmap_root(const struct page *page);

/* Called for each VMA mapping the page, with the address it is at. */
typedef int (*rmap_one_fn)(struct machine *m, struct page *page,
			   struct vm_area_struct *vma, uint64_t addr,
			   void *arg);
/* Stops at the first non-zero return and returns it. */
int rmap_walk(struct machine *m, struct page *page, rmap_one_fn fn, void *arg);
/*
 * page_vma_mapped: whether vma maps page at addr with a leaf entry, and
 * which (its slot and value), for the work an rmap_walk does there.
 */
bool page_vma_mapped(struct machine *m, const struct page *page,
		     const struct vm_area_struct *vma, uint64_t addr,
		     struct pte_slot *slot, uint64_t *entry);

/* The address of index in vma, or false when vma does not cover it. */
bool vma_address(const struct vm_area_struct *vma, uint64_t index,
		 uint64_t *addr, unsigned int page_shift);

#endif /* MM_RMAP_H */
