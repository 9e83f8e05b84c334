/* SPDX-License-Identifier: MIT */
/*
 * rmap.c - reverse mapping: from a page to every entry that maps it.
 *
 * Owns: anon_vma objects (from their own slab cache, as Linux's) and the
 * walk over the VMAs of an anon_vma family, a shmem object or a file
 * (its inode's i_mmap list). A fork child
 * VMA gets an anon_vma of its own whose parent is the parent VMA's, in
 * the same family, so a page shared after fork is found in parent and
 * child alike, and the child's own copies only in the child's line.
 * Must never: free an anon_vma that a VMA, a page or a child still names.
 */
#include "core/rmap.h"

#include <errno.h>
#include <stdlib.h>

#include "core/err.h"
#include "core/fs/fs.h"
#include "core/shmem.h"
#include "core/slab.h"
#include "core/vma_internal.h"

static struct kmem_cache *anon_vma_cache(const struct machine *m)
{
	return m->vma->anon_vma_cachep;
}

static struct anon_vma *anon_vma_alloc(struct machine *m)
{
	struct anon_vma *av = calloc(1, sizeof(*av));

	if (!av)
		return NULL;
	if (kmem_cache_alloc(m, anon_vma_cache(m), GFP_KERNEL, &av->obj)) {
		free(av);
		return NULL;
	}
	INIT_LIST_HEAD(&av->root.vmas);
	return av;
}

void anon_vma_get(struct anon_vma *av)
{
	av->root.refcount++;
}

void anon_vma_put(struct machine *m, struct anon_vma *av)
{
	while (av && !--av->root.refcount) {
		struct anon_vma *parent = av->parent;

		kmem_cache_free(m, anon_vma_cache(m), av->obj);
		free(av);
		av = parent; /* the child's reference on its parent goes */
	}
}

/* vma joins av: the family's list, a reference, chain links. */
static void anon_vma_link(struct vm_area_struct *vma, struct anon_vma *av,
			  unsigned int chain)
{
	vma->anon_vma = av;
	vma->anon_vma_chain = chain;
	anon_vma_get(av);
	list_add_tail(&vma->rmap_node, &av->family->root.vmas);
}

int anon_vma_prepare(struct machine *m, struct vm_area_struct *vma)
{
	struct anon_vma *av;

	if (vma->anon_vma)
		return 0;
	/* A reusable anon_vma has a one-link chain: a family's root. */
	av = find_mergeable_anon_vma(m, vma);
	if (av) {
		anon_vma_link(vma, av, 1);
		return 0;
	}
	av = anon_vma_alloc(m);
	if (!av)
		return -ENOMEM;
	av->family = av;
	anon_vma_link(vma, av, 1);
	return 0;
}

int anon_vma_fork(struct machine *m, struct vm_area_struct *vma,
		  const struct vm_area_struct *pvma)
{
	struct anon_vma *av;

	if (!pvma->anon_vma)
		return 0;
	av = anon_vma_alloc(m);
	if (!av)
		return -ENOMEM;
	av->parent = pvma->anon_vma;
	av->family = pvma->anon_vma->family;
	anon_vma_get(av->parent);
	/* vm_area_dup put vma on the family's list; only its own changes. */
	anon_vma_put(m, vma->anon_vma);
	vma->anon_vma = av;
	vma->anon_vma_chain = pvma->anon_vma_chain + 1;
	anon_vma_get(av);
	return 0;
}

bool anon_vma_in_chain(const struct vm_area_struct *vma,
		       const struct anon_vma *av)
{
	for (const struct anon_vma *a = vma->anon_vma; a; a = a->parent)
		if (a == av)
			return true;
	return false;
}

void vma_link_rmap(struct vm_area_struct *vma, const struct vm_area_struct *src)
{
	struct rmap_root *root = NULL;

	if (src->anon_vma) {
		vma->anon_vma = src->anon_vma;
		vma->anon_vma_chain = src->anon_vma_chain;
		anon_vma_get(src->anon_vma);
		list_add_tail(&vma->rmap_node,
			      &src->anon_vma->family->root.vmas);
		return;
	} else if (src->shmem) {
		vma->shmem = src->shmem;
		root = &src->shmem->root;
	}
	if (!root)
		return;
	root->refcount++;
	list_add_tail(&vma->rmap_node, &root->vmas);
}

void vma_unlink_rmap(struct machine *m, struct vm_area_struct *vma)
{
	if (!vma->anon_vma && !vma->shmem)
		return;
	list_del_init(&vma->rmap_node);
	if (vma->anon_vma)
		anon_vma_put(m, vma->anon_vma);
	vma->anon_vma = NULL;
	vma->anon_vma_chain = 0;
}

struct rmap_root *page_rmap_root(const struct page *page)
{
	if (PageFlag(page, PG_anon))
		return &((struct anon_vma *)(uintptr_t)page->mapping)
				->family->root;
	if (PageFlag(page, PG_shmem))
		return &((struct shmem_object *)(uintptr_t)page->mapping)->root;
	return NULL;
}

bool vma_address(const struct vm_area_struct *vma, uint64_t index,
		 uint64_t *addr, unsigned int page_shift)
{
	uint64_t pages = (vma->vm_end - vma->vm_start) >> page_shift;

	if (index < vma->vm_pgoff || index - vma->vm_pgoff >= pages)
		return false;
	*addr = vma->vm_start + ((index - vma->vm_pgoff) << page_shift);
	return true;
}

bool page_vma_mapped(struct machine *m, const struct page *page,
		     const struct vm_area_struct *vma, uint64_t addr,
		     struct pte_slot *slot, uint64_t *entry)
{
	if (pte_slot_get(m, vma->vm_mm->pgd, addr, pgtable_levels(m) - 1, false,
			 slot) ||
	    slot->level != pgtable_levels(m) - 1)
		return false;
	*entry = pte_slot_read(m, slot);
	return pte_maps_page(*entry) &&
	       pte_pfn(m, *entry) == page_to_pfn(m, page);
}

/* rmap_walk_file: the VMAs of the inode's i_mmap list. */
static int rmap_walk_file(struct machine *m, struct page *page, rmap_one_fn fn,
			  void *arg)
{
	struct inode *inode = (struct inode *)(uintptr_t)page->mapping;
	struct list_head *pos, *next;

	list_for_each_safe(pos, next, &inode->i_mmap.vmas)
	{
		struct vm_area_struct *vma =
			list_entry(pos, struct vm_area_struct, i_mmap_node);
		uint64_t addr;
		int err;

		if (!vma_address(vma, page->index, &addr, m->page_shift))
			continue;
		err = fn(m, page, vma, addr, arg);
		if (err)
			return err;
	}
	return 0;
}

static int mkclean_one(struct machine *m, struct page *page,
		       struct vm_area_struct *vma, uint64_t addr, void *arg)
{
	struct pte_slot slot;
	uint64_t entry;

	(void)arg;
	if (!(vma->vm_flags & VM_SHARED) ||
	    !page_vma_mapped(m, page, vma, addr, &slot, &entry))
		return 0;
	if (entry & (_PAGE_RW | _PAGE_DIRTY))
		pte_slot_set(m, &slot, entry & ~(_PAGE_RW | _PAGE_DIRTY));
	return 0;
}

void page_mkclean(struct machine *m, struct page *page)
{
	if (page->_mapcount >= 0)
		rmap_walk_file(m, page, mkclean_one, NULL);
}

int rmap_walk(struct machine *m, struct page *page, rmap_one_fn fn, void *arg)
{
	struct rmap_root *root = page_rmap_root(page);
	struct list_head *pos, *next;

	if (page_is_pagecache(page))
		return rmap_walk_file(m, page, fn, arg);
	if (!root)
		return 0;
	list_for_each_safe(pos, next, &root->vmas)
	{
		struct vm_area_struct *vma =
			list_entry(pos, struct vm_area_struct, rmap_node);
		uint64_t addr;
		int err;

		if (!vma_address(vma, page->index, &addr, m->page_shift))
			continue;
		err = fn(m, page, vma, addr, arg);
		if (err)
			return err;
	}
	return 0;
}
