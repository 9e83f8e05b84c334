/* SPDX-License-Identifier: MIT */
/*
 * vmalloc.c - vmalloc, vmap and ioremap over the layout's vmalloc area,
 * as the kernel's mm/vmalloc.c.
 *
 * Owns: the vmap_area allocator, not the page table (pgtable.c's) it maps areas
 * in. Busy areas sit in a tree sorted by address (lookup of the area
 * holding an address in O(log n)); free ranges sit in a second tree,
 * augmented with the largest free size under each node, so that the
 * lowest-addressed range that fits is found in O(log n), as Linux's
 * free_vmap_area_root does. Both trees are treaps (treap.c; priorities
 * from the layout's seed, so the same calls give the same trees). vmap
 * takes a reference on the block of every page it maps (get_page on the
 * block's head, as Linux's get_page takes the folio's) and vunmap drops
 * it, so a block outlives a free by its owner until the last vmap of it
 * goes; a third treap counts those references per head, so that the
 * owner's references can be told from vmap's. Must never: map a guard
 * page, free a page it did not allocate, map a frame it holds no
 * reference on, or change anything on a call it refuses.
 */
#include "core/vmalloc.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/err.h"
#include "core/page_alloc.h"
#include "core/pgtable.h"
#include "core/preempt.h"
#include "core/task.h"
#include "core/treap.h"

struct va_node {
	struct treap_node tn; /* key: the range's start */
	uint64_t size;
	uint64_t subtree_max; /* the largest size in this subtree */
};

struct vmap_area {
	struct va_node node; /* in the busy tree; size includes the guard */
	enum vm_kind kind;
	int owner;
	const char *caller;
	unsigned int nr_pages; /* pages mapped from the start */
	unsigned long *pfns;   /* VM_ALLOC and VM_MAP: the frames mapped */
	uint64_t phys;	       /* VM_IOREMAP: the first page's address */
	uint64_t offset;       /* VM_IOREMAP: phys's offset in its page */
};

struct vmalloc_state {
	uint64_t start, end; /* the vmalloc area; end 0: top of the space */
	struct treap_node *busy;
	struct treap_node *free;
	struct va_node *spares;	 /* nodes for the free tree, linked by left */
	struct treap_node *pins; /* vmap_pins by head pfn */
	unsigned long nr_spares;
	unsigned long nr_areas;
	unsigned long nr_vmalloc_pages;
	uint64_t prio_state;
};

/* ------------------------------------------------------------------ */
/* Treaps                                                              */

static uint32_t next_prio(struct vmalloc_state *st)
{
	uint64_t z = (st->prio_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (uint32_t)(z ^ (z >> 31));
}

static struct va_node *va_node_of(const struct treap_node *t)
{
	return t ? treap_entry(t, struct va_node, tn) : NULL;
}

static uint64_t node_start(const struct va_node *n)
{
	return n->tn.key;
}

static uint64_t subtree_max(const struct treap_node *t)
{
	return t ? va_node_of(t)->subtree_max : 0;
}

/* The largest size in t's subtree, from its children's cached values. */
static uint64_t subtree_max_of(const struct treap_node *t)
{
	uint64_t max = va_node_of(t)->size;

	if (subtree_max(t->left) > max)
		max = subtree_max(t->left);
	if (subtree_max(t->right) > max)
		max = subtree_max(t->right);
	return max;
}

/* The free tree's augmented value, kept on all three trees. */
static void update(struct treap_node *t)
{
	va_node_of(t)->subtree_max = subtree_max_of(t);
}

static void tree_insert(struct treap_node **root, struct va_node *n)
{
	treap_insert(root, &n->tn, update);
}

static void tree_remove(struct treap_node **root, const struct va_node *n)
{
	treap_erase(root, &n->tn, update);
}

/* The node whose [start, start + size) holds addr. */
static struct va_node *tree_find(struct treap_node *t, uint64_t addr)
{
	struct va_node *n = va_node_of(treap_floor(t, addr));

	return n && addr - node_start(n) < n->size ? n : NULL;
}

/* The lowest-addressed node of at least size bytes. */
static struct va_node *find_lowest_fit(struct treap_node *t, uint64_t size)
{
	while (t) {
		if (subtree_max(t->left) >= size)
			t = t->left;
		else if (va_node_of(t)->size >= size)
			return va_node_of(t);
		else if (subtree_max(t->right) >= size)
			t = t->right;
		else
			return NULL;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Free ranges                                                         */

static struct va_node *take_spare(struct vmalloc_state *st)
{
	struct va_node *n = st->spares;

	st->spares = va_node_of(n->tn.left);
	st->nr_spares--;
	return n;
}

static void put_spare(struct vmalloc_state *st, struct va_node *n)
{
	if (st->nr_spares > st->nr_areas + 2) {
		free(n);
		return;
	}
	n->tn.left = st->spares ? &st->spares->tn : NULL;
	st->spares = n;
	st->nr_spares++;
}

/*
 * A free range may need one node, so every area brings a spare and frees
 * never fail. Called before anything changes.
 */
static int reserve_spare(struct vmalloc_state *st)
{
	struct va_node *n;

	if (st->nr_spares > st->nr_areas)
		return 0;
	n = calloc(1, sizeof(*n));
	if (!n)
		return -ENOMEM;
	put_spare(st, n);
	return 0;
}

/* Give [start, start + size) back, merged with the ranges beside it. */
static void free_range(struct vmalloc_state *st, uint64_t start, uint64_t size)
{
	struct treap_node *l, *r, *p = NULL, *q = NULL;
	struct va_node *prev, *next, *n;

	treap_split(st->free, start, &l, &r, update);
	prev = va_node_of(treap_last(l));
	if (prev && node_start(prev) + prev->size == start)
		treap_split(l, node_start(prev), &l, &p, update);
	next = va_node_of(treap_first(r));
	if (next && node_start(next) == start + size)
		treap_split(r, node_start(next) + 1, &q, &r, update);
	prev = va_node_of(p);
	next = va_node_of(q);
	if (prev) {
		n = prev;
		n->size += size;
	} else if (next) {
		n = next;
		n->tn.key = start;
		n->size += size;
		next = NULL;
	} else {
		n = take_spare(st);
		n->tn.key = start;
		n->size = size;
	}
	if (next) {
		n->size += next->size;
		put_spare(st, next);
	}
	n->tn.left = n->tn.right = NULL;
	n->tn.prio = next_prio(st);
	update(&n->tn);
	st->free = treap_merge(treap_merge(l, &n->tn, update), r, update);
}

/* Carve size bytes from the lowest free range that holds them. */
static int alloc_range(struct vmalloc_state *st, uint64_t size, uint64_t *start)
{
	struct va_node *n = find_lowest_fit(st->free, size);

	if (!n)
		return -ENOMEM;
	*start = node_start(n);
	tree_remove(&st->free, n);
	if (n->size == size) {
		put_spare(st, n);
		return 0;
	}
	n->tn.key += size;
	n->size -= size;
	tree_insert(&st->free, n);
	return 0;
}

/* ------------------------------------------------------------------ */
/* vmap's references on the blocks it maps                             */

/* One per block head that some vmap maps; count: pages mapping it. */
struct vmap_pin {
	struct va_node node; /* start: the head pfn; size: 1 */
	unsigned int count;
};

static struct vmap_pin *find_pin(const struct vmalloc_state *st,
				 unsigned long head)
{
	struct va_node *n = tree_find(st->pins, head);

	return n ? container_of(n, struct vmap_pin, node) : NULL;
}

unsigned int vmap_pins(const struct machine *m, unsigned long head)
{
	const struct vmap_pin *pin =
		m->vmalloc ? find_pin(m->vmalloc, head) : NULL;

	return pin ? pin->count : 0;
}

/*
 * Take a reference on the block holding pfn. Reserved frames (boot
 * memory, MMZ) are never handed to the buddy allocator: they need none.
 */
static int pin_frame(struct machine *m, unsigned long pfn)
{
	struct vmalloc_state *st = m->vmalloc;
	unsigned long head = pfn_to_block_head(m, pfn);
	struct vmap_pin *pin;
	int err;

	if (head == ULONG_MAX)
		return 0;
	err = get_page(m, pfn_to_page(m, head));
	if (err)
		return err;
	pin = find_pin(st, head);
	if (!pin) {
		pin = calloc(1, sizeof(*pin));
		if (!pin) {
			put_page(m,
				 pfn_to_page(m, head)); /* the caller's stays */
			return -ENOMEM;
		}
		pin->node.tn.key = head;
		pin->node.size = 1;
		pin->node.tn.prio = next_prio(st);
		tree_insert(&st->pins, &pin->node);
	}
	pin->count++;
	return 0;
}

/* Drop the reference pin_frame took; the last one may free the block. */
static void unpin_frame(struct machine *m, unsigned long pfn)
{
	struct vmalloc_state *st = m->vmalloc;
	unsigned long head = pfn_to_block_head(m, pfn);
	struct vmap_pin *pin = head == ULONG_MAX ? NULL : find_pin(st, head);

	if (!pin)
		return;
	if (--pin->count == 0) {
		tree_remove(&st->pins, &pin->node);
		free(pin);
	}
	put_page(m, pfn_to_page(m, head));
}

static void unpin_frames(struct machine *m, const unsigned long *pfns,
			 unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++)
		unpin_frame(m, pfns[i]);
}

/* Pin every frame, or none. */
static int pin_frames(struct machine *m, const unsigned long *pfns,
		      unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++) {
		int err = pin_frame(m, pfns[i]);

		if (err) {
			unpin_frames(m, pfns, i);
			return err;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Areas                                                               */

static struct vmap_area *find_area(const struct machine *m, uint64_t addr)
{
	struct va_node *n = tree_find(m->vmalloc->busy, addr);

	return n ? container_of(n, struct vmap_area, node) : NULL;
}

static uint64_t area_mapped_bytes(const struct machine *m,
				  const struct vmap_area *va)
{
	return (uint64_t)va->nr_pages << m->page_shift;
}

/* A new area of nr_pages and a guard page, or ERR_PTR. */
static struct vmap_area *alloc_vmap_area(struct machine *m,
					 unsigned long nr_pages,
					 enum vm_kind kind, const char *caller)
{
	struct vmalloc_state *st = m->vmalloc;
	uint64_t room = st->end - st->start; /* end 0 wraps to the size */
	uint64_t size, start;
	struct vmap_area *va;

	if (nr_pages >= room >> m->page_shift)
		return ERR_PTR(
			mm_refuse(m, BAD_NONE, -ENOMEM,
				  "%s of %lu pages cannot fit the vmalloc area",
				  caller, nr_pages));
	size = (uint64_t)(nr_pages + 1) << m->page_shift;
	va = calloc(1, sizeof(*va));
	if (!va || reserve_spare(st)) {
		free(va);
		return ERR_PTR(-ENOMEM);
	}
	if (alloc_range(st, size, &start)) {
		free(va);
		return ERR_PTR(mm_refuse(
			m, BAD_NONE, -ENOMEM,
			"vmalloc area: no free range of %lu pages", nr_pages));
	}
	va->node.tn.key = start;
	va->node.size = size;
	va->node.tn.prio = next_prio(st);
	va->kind = kind;
	va->owner = m->current_pid;
	va->caller = caller;
	tree_insert(&st->busy, &va->node);
	st->nr_areas++;
	return va;
}

static void unmap_area_pages(struct machine *m, const struct vmap_area *va,
			     unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++)
		pgtable_unmap(m, kernel_pgtable(m)->pgd,
			      node_start(&va->node) +
				      ((uint64_t)i << m->page_shift),
			      PGTABLE_FREE_EMPTY, NULL);
}

/* Unmap, free what the area owns, and give its range back. */
static void free_vmap_area(struct machine *m, struct vmap_area *va)
{
	struct vmalloc_state *st = m->vmalloc;

	unmap_area_pages(m, va, va->nr_pages);
	if (va->kind == VM_MAP)
		unpin_frames(m, va->pfns, va->nr_pages);
	if (va->kind == VM_ALLOC) {
		for (unsigned int i = 0; i < va->nr_pages; i++)
			free_pages_pfn(m, va->pfns[i], 0);
		st->nr_vmalloc_pages -= va->nr_pages;
	}
	tree_remove(&st->busy, &va->node);
	st->nr_areas--;
	free_range(st, node_start(&va->node), va->node.size);
	free(va->pfns);
	free(va);
}

/* Map pages i of the area to pfn(i); on failure nothing stays mapped. */
static int map_area(struct machine *m, struct vmap_area *va, uint64_t prot)
{
	for (unsigned int i = 0; i < va->nr_pages; i++) {
		unsigned long pfn =
			va->pfns ? va->pfns[i]
				 : (unsigned long)((va->phys >> m->page_shift) +
						   i);
		int err = pgtable_map(m, kernel_pgtable(m)->pgd,
				      node_start(&va->node) +
					      ((uint64_t)i << m->page_shift),
				      pfn, prot);

		if (err) {
			unmap_area_pages(m, va, i);
			return err;
		}
	}
	return 0;
}

/* Drop an area whose pages were never mapped. */
static void abandon_area(struct machine *m, struct vmap_area *va)
{
	va->nr_pages = 0;
	va->kind = VM_MAP; /* its frames are not the area's to free */
	free_vmap_area(m, va);
}

/* Pages for a request of size bytes, or 0 when it is 0 or too large. */
static unsigned long size_to_pages(const struct machine *m, unsigned long size)
{
	return (size >> m->page_shift) + !!(size & (m->page_size - 1));
}

static int refuse_too_large(struct machine *m, const char *caller,
			    unsigned long nr_pages)
{
	return mm_refuse(m, BAD_NONE, -ENOMEM,
			 "%s of %lu pages exceeds the vmalloc area or RAM",
			 caller, nr_pages);
}

static bool too_large(const struct machine *m, unsigned long nr_pages)
{
	uint64_t room = (m->vmalloc->end - m->vmalloc->start) >> m->page_shift;

	return nr_pages >= room || nr_pages > totalram_pages(m) ||
	       nr_pages > UINT32_MAX;
}

bool vmalloc_may_fit(const struct machine *m, unsigned long size)
{
	return size && !too_large(m, size_to_pages(m, size));
}

/*
 * A page of an area: from node first (alloc_pages_node, falling back by
 * distance), or by the task's policy for NUMA_NO_NODE, as
 * vm_area_alloc_pages takes them.
 */
static struct page *vm_area_alloc_page(struct machine *m, gfp_t gfp, int node)
{
	if (node == NUMA_NO_NODE)
		return alloc_page(m, gfp);
	return alloc_pages_node(m, node, gfp, 0);
}

int __vmalloc_node(struct machine *m, unsigned long size, gfp_t gfp, int node,
		   const char *caller, uint64_t *addr)
{
	unsigned long nr = size_to_pages(m, size);
	struct vmap_area *va;
	unsigned long *pfns;
	unsigned int i;
	int err = 0;

	might_alloc(m, gfp);
	if (!size)
		return mm_refuse(m, BAD_VMALLOC_SIZE, -EINVAL, "%s of 0 bytes",
				 caller);
	if (too_large(m, nr))
		return refuse_too_large(m, caller, nr);
	pfns = calloc(nr, sizeof(*pfns));
	if (!pfns)
		return -ENOMEM;
	va = alloc_vmap_area(m, nr, VM_ALLOC, caller);
	if (IS_ERR(va)) {
		free(pfns);
		return (int)PTR_ERR(va);
	}
	for (i = 0; i < nr && !err; i++) {
		struct page *page = vm_area_alloc_page(m, gfp, node);

		if (IS_ERR(page)) {
			err = (int)PTR_ERR(page);
			break;
		}
		page->owner = 0;
		pfns[i] = page_to_pfn(m, page);
	}
	va->pfns = pfns;
	va->nr_pages = (unsigned int)nr;
	if (!err)
		err = map_area(m, va, PAGE_KERNEL);
	if (err) {
		while (i-- > 0)
			free_pages_pfn(m, pfns[i], 0);
		abandon_area(m, va);
		return err;
	}
	m->vmalloc->nr_vmalloc_pages += nr;
	*addr = node_start(&va->node);
	return 0;
}

int vmalloc(struct machine *m, unsigned long size, uint64_t *addr)
{
	return __vmalloc_node(m, size, GFP_KERNEL | __GFP_HIGHMEM, NUMA_NO_NODE,
			      "vmalloc", addr);
}

int vzalloc(struct machine *m, unsigned long size, uint64_t *addr)
{
	return __vmalloc_node(m, size, GFP_KERNEL | __GFP_HIGHMEM | __GFP_ZERO,
			      NUMA_NO_NODE, "vzalloc", addr);
}

int vmalloc_node(struct machine *m, unsigned long size, int node,
		 uint64_t *addr)
{
	return __vmalloc_node(m, size, GFP_KERNEL | __GFP_HIGHMEM, node,
			      "vmalloc_node", addr);
}

int vzalloc_node(struct machine *m, unsigned long size, int node,
		 uint64_t *addr)
{
	return __vmalloc_node(m, size, GFP_KERNEL | __GFP_HIGHMEM | __GFP_ZERO,
			      node, "vzalloc_node", addr);
}

/* The area addr names for a free of kind, or a refusal. */
static int find_for_free(struct machine *m, uint64_t addr, enum vm_kind kind,
			 const char *what, struct vmap_area **out)
{
	struct vmap_area *va = find_area(m, addr);
	uint64_t start = addr;

	if (kind == VM_IOREMAP)
		start &= ~((uint64_t)m->page_size - 1);
	if (!va || node_start(&va->node) != start)
		return mm_refuse(m, BAD_ADDRESS, -EINVAL,
				 "%s: %#" PRIx64 " is not an address it "
				 "returned",
				 what, addr);
	if (va->kind != kind)
		return mm_refuse(m, BAD_ADDRESS, -EINVAL,
				 "%s: %#" PRIx64 " was made by %s", what, addr,
				 va->caller);
	if (va->owner != m->current_pid)
		return mm_refuse(m, BAD_NONE, -EPERM,
				 "%s: %#" PRIx64 " belongs to pid %d", what,
				 addr, va->owner);
	*out = va;
	return 0;
}

/* Free the area addr names, if it is of kind; 0 frees nothing. */
static int free_area(struct machine *m, uint64_t addr, enum vm_kind kind,
		     const char *what)
{
	struct vmap_area *va = NULL; /* set on success: gcc -O2 cannot tell */
	int err;

	if (!addr)
		return 0;
	err = find_for_free(m, addr, kind, what, &va);
	if (!err)
		free_vmap_area(m, va);
	return err;
}

int vfree(struct machine *m, uint64_t addr)
{
	return free_area(m, addr, VM_ALLOC, "vfree");
}

/*
 * Each frame must be in an allocated block (vmap will hold a reference
 * on it) or reserved at boot (never freed): not a hole, and not free,
 * whether it heads a free block or lies inside one.
 */
static int check_vmap_pfns(struct machine *m, const unsigned long *pfns,
			   unsigned int count)
{
	for (unsigned int i = 0; i < count; i++) {
		const struct page *page;

		if (!pfn_valid(m, pfns[i]))
			return mm_refuse(m, BAD_PFN, -EINVAL,
					 "vmap: pfn %#lx is outside RAM",
					 pfns[i]);
		page = pfn_to_page(m, pfns[i]);
		if (PageFlag(page, PG_hole) ||
		    (!PageFlag(page, PG_reserved) &&
		     pfn_to_block_head(m, pfns[i]) == ULONG_MAX))
			return mm_refuse(m, BAD_PFN, -EINVAL,
					 "vmap: pfn %#lx is a hole or free",
					 pfns[i]);
	}
	return 0;
}

int vmap(struct machine *m, const unsigned long *pfns, unsigned int count,
	 uint64_t *addr)
{
	struct vmap_area *va;
	unsigned long *copy;
	int err;

	if (!pfns || !count)
		return mm_refuse(m, BAD_VMALLOC_SIZE, -EINVAL,
				 "vmap of no pages");
	err = check_vmap_pfns(m, pfns, count);
	if (err)
		return err;
	if (too_large(m, count))
		return refuse_too_large(m, "vmap", count);
	copy = malloc(count * sizeof(*copy));
	if (!copy)
		return -ENOMEM;
	memcpy(copy, pfns, count * sizeof(*copy));
	va = alloc_vmap_area(m, count, VM_MAP, "vmap");
	if (IS_ERR(va)) {
		free(copy);
		return (int)PTR_ERR(va);
	}
	va->pfns = copy;
	va->nr_pages = count;
	err = pin_frames(m, copy, count);
	if (!err) {
		err = map_area(m, va, PAGE_KERNEL);
		if (err)
			unpin_frames(m, copy, count);
	}
	if (err) {
		abandon_area(m, va);
		return err;
	}
	*addr = node_start(&va->node);
	return 0;
}

int vunmap(struct machine *m, uint64_t addr)
{
	return free_area(m, addr, VM_MAP, "vunmap");
}

/* The device region that holds [phys, phys + size) whole, or NULL. */
static const struct layout_region *device_of(const struct machine *m,
					     uint64_t phys, uint64_t size)
{
	const struct layout *l = &m->layout;

	for (unsigned int i = 0; i < l->nr_devices; i++) {
		const struct layout_region *d = &l->devices[i];

		if (phys >= d->start && phys - d->start < d->size &&
		    size <= d->size - (phys - d->start))
			return d;
	}
	return NULL;
}

int ioremap(struct machine *m, uint64_t phys, unsigned long size,
	    uint64_t *addr)
{
	uint64_t mask = m->page_size - 1, first = phys & ~mask, end;
	struct vmap_area *va;
	unsigned long nr;
	int err;

	if (!size || phys + size < phys)
		return mm_refuse(m, BAD_IOREMAP, -EINVAL,
				 "ioremap of %lu bytes at %#" PRIx64, size,
				 phys);
	if (!device_of(m, phys, size))
		return mm_refuse(m, BAD_IOREMAP, -EINVAL,
				 "ioremap: [%#" PRIx64 ", %#" PRIx64
				 ") is not inside one device region",
				 phys, phys + size);
	end = (phys + size + mask) & ~mask;
	nr = (unsigned long)((end - first) >> m->page_shift);
	if (too_large(m, nr))
		return refuse_too_large(m, "ioremap", nr);
	va = alloc_vmap_area(m, nr, VM_IOREMAP, "ioremap");
	if (IS_ERR(va))
		return (int)PTR_ERR(va);
	va->phys = first;
	va->offset = phys - first;
	va->nr_pages = (unsigned int)nr;
	err = map_area(m, va, PAGE_KERNEL_IO);
	if (err) {
		abandon_area(m, va);
		return mm_refuse(m, BAD_NONE, err,
				 "ioremap: cannot map %#" PRIx64, phys);
	}
	*addr = node_start(&va->node) + va->offset;
	return 0;
}

int iounmap(struct machine *m, uint64_t addr)
{
	return free_area(m, addr, VM_IOREMAP, "iounmap");
}

/* ------------------------------------------------------------------ */
/* Lookups for the byte-access layer                                   */

bool is_vmalloc_addr(const struct machine *m, uint64_t addr)
{
	const struct vmalloc_state *st = m->vmalloc;

	return st && addr >= st->start &&
	       addr - st->start <= st->end - 1 - st->start;
}

int vmalloc_to_pfn(const struct machine *m, uint64_t addr, unsigned long *pfn)
{
	const struct vmalloc_state *st = m->vmalloc;

	if (!st || addr < m->layout.kernel.task_size)
		return -ENOENT;
	if (pgtable_lookup(m, kernel_pgtable(m)->pgd, addr, NULL, pfn))
		return -ENOENT;
	return 0;
}

int vmalloc_area_of(const struct machine *m, uint64_t addr, uint64_t len,
		    struct vmalloc_area_info *info)
{
	const struct vmap_area *va;
	uint64_t off;

	if (!m->vmalloc || !is_vmalloc_addr(m, addr))
		return -ENOENT;
	va = find_area(m, addr);
	if (!va)
		return -ENOENT;
	off = addr - node_start(&va->node);
	if (!len || off >= area_mapped_bytes(m, va) ||
	    len > area_mapped_bytes(m, va) - off)
		return -EFAULT;
	info->start = node_start(&va->node);
	info->size = area_mapped_bytes(m, va);
	info->owner = va->owner;
	info->kind = va->kind;
	info->phys = va->kind == VM_IOREMAP ? va->phys + off : 0;
	return 0;
}

unsigned long vmalloc_used_pages(const struct machine *m)
{
	return m->vmalloc ? m->vmalloc->nr_vmalloc_pages : 0;
}

/* ------------------------------------------------------------------ */
/* Reports                                                             */

static const char *kind_name(enum vm_kind kind)
{
	return kind == VM_IOREMAP ? "ioremap"
	       : kind == VM_ALLOC ? "vmalloc"
				  : "vmap";
}

static const struct vmap_area *area_of(const struct treap_node *t)
{
	return container_of(va_node_of(t), struct vmap_area, node);
}

static size_t count_tree(const struct treap_node *t)
{
	return t ? 1 + count_tree(t->left) + count_tree(t->right) : 0;
}

/* An area's pages on each node, as show_numa_info counts them. */
static int fill_node_pages(const struct machine *m, const struct vmap_area *va,
			   struct vmalloc_area_snapshot *a)
{
	if (va->kind != VM_ALLOC)
		return 0;
	a->node_pages = snap_alloc(m->nr_node_ids, sizeof(*a->node_pages));
	if (!a->node_pages)
		return -ENOMEM;
	a->nr_node_pages = m->nr_node_ids;
	for (unsigned int i = 0; i < va->nr_pages; i++)
		a->node_pages[page_to_nid(pfn_to_page(m, va->pfns[i]))]++;
	return 0;
}

static int fill_area(const struct machine *m, const struct vmap_area *va,
		     struct vmalloc_area_snapshot *a)
{
	a->start = node_start(&va->node);
	a->end = node_start(&va->node) + va->node.size;
	a->size = va->node.size;
	a->caller = snap_strdup(va->caller);
	a->pid = va->owner;
	a->pages = va->kind == VM_ALLOC ? va->nr_pages : 0;
	a->phys = va->kind == VM_IOREMAP ? va->phys : 0;
	snprintf(a->kind, sizeof(a->kind), "%s", kind_name(va->kind));
	return a->caller ? fill_node_pages(m, va, a) : -ENOMEM;
}

/* In address order, as the kernel walks its busy tree. */
static int fill_tree(const struct machine *m, const struct treap_node *t,
		     struct vmallocinfo_snapshot *vi)
{
	int err;

	if (!t)
		return 0;
	err = fill_tree(m, t->left, vi);
	if (!err)
		err = fill_area(m, area_of(t), &vi->areas[vi->nr_areas++]);
	return err ? err : fill_tree(m, t->right, vi);
}

static bool area_maps_pfn(const struct vmap_area *va, unsigned long pfn,
			  struct vmalloc_page_owner *o)
{
	if (va->kind == VM_IOREMAP || !va->pfns)
		return false;
	for (unsigned int i = 0; i < va->nr_pages; i++)
		if (va->pfns[i] == pfn) {
			*o = (struct vmalloc_page_owner){
				.start = va->node.tn.key,
				.nr_pages = va->nr_pages,
				.index = i,
				.kind = va->kind,
				.owner = va->owner,
				.caller = va->caller,
			};
			return true;
		}
	return false;
}

static bool find_pfn_in(const struct treap_node *t, unsigned long pfn,
			struct vmalloc_page_owner *o)
{
	return t && (find_pfn_in(t->left, pfn, o) ||
		     area_maps_pfn(area_of(t), pfn, o) ||
		     find_pfn_in(t->right, pfn, o));
}

int vmalloc_area_of_pfn(const struct machine *m, unsigned long pfn,
			struct vmalloc_page_owner *o)
{
	if (!m->vmalloc || !find_pfn_in(m->vmalloc->busy, pfn, o))
		return -ENOENT;
	return 0;
}

int vmallocinfo_fill(const struct machine *m, int pid, void *snap)
{
	struct vmallocinfo_snapshot *vi = snap;
	const struct treap_node *busy = m->vmalloc ? m->vmalloc->busy : NULL;

	(void)pid;
	vi->pointer_size = m->layout.arch == ARCH_I386 ? 4 : 8;
	vi->areas = snap_alloc(count_tree(busy), sizeof(*vi->areas));
	if (!vi->areas)
		return -ENOMEM;
	return fill_tree(m, busy, vi);
}

int vmallocinfo_show(const void *snap, struct seq_buf *s)
{
	const struct vmallocinfo_snapshot *vi = snap;
	int w = (int)vi->pointer_size * 2;

	for (size_t i = 0; i < vi->nr_areas; i++) {
		const struct vmalloc_area_snapshot *a = &vi->areas[i];
		bool vmalloc = !strcmp(a->kind, "vmalloc");

		seq_printf(s, "0x%0*llx-0x%0*llx %7llu %s pid=%lld", w,
			   (unsigned long long)a->start, w,
			   (unsigned long long)a->end,
			   (unsigned long long)a->size, a->caller,
			   (long long)a->pid);
		if (vmalloc)
			seq_printf(s, " pages=%llu",
				   (unsigned long long)a->pages);
		if (!strcmp(a->kind, "ioremap"))
			seq_printf(s, " phys=0x%0*llx", w,
				   (unsigned long long)a->phys);
		seq_printf(s, " %s", a->kind);
		for (size_t nid = 0; nid < a->nr_node_pages; nid++)
			if (a->node_pages[nid])
				seq_printf(
					s, " N%zu=%llu", nid,
					(unsigned long long)a->node_pages[nid]);
		seq_printf(s, "\n");
	}
	return s->err;
}

#define VA(member, k) SNAP_FIELD(struct vmalloc_area_snapshot, member, k)
static const struct snap_field vmalloc_area_fields[] = {
	VA(start, SNAP_U64),
	VA(end, SNAP_U64),
	VA(size, SNAP_U64),
	VA(caller, SNAP_STR),
	VA(pid, SNAP_S64),
	VA(pages, SNAP_U64),
	VA(phys, SNAP_U64),
	VA(kind, SNAP_CHARS),
	SNAP_ARRAY(struct vmalloc_area_snapshot, node_pages, nr_node_pages,
		   SNAP_U64S, NULL),
};
static const struct snap_desc vmalloc_area_desc = SNAP_DESC(
	"VmallocArea", struct vmalloc_area_snapshot, vmalloc_area_fields);
static const struct snap_field vmallocinfo_fields[] = {
	SNAP_ARRAY(struct vmallocinfo_snapshot, areas, nr_areas, SNAP_ITEMS,
		   &vmalloc_area_desc),
	SNAP_FIELD(struct vmallocinfo_snapshot, pointer_size, SNAP_U64),
};
static const struct snap_desc vmallocinfo_desc = SNAP_DESC(
	"Vmallocinfo", struct vmallocinfo_snapshot, vmallocinfo_fields);
const struct report_type vmallocinfo_report = {
	&vmallocinfo_desc, vmallocinfo_fill, vmallocinfo_show};

int report_vmallocinfo(const struct machine *m, struct seq_buf *s)
{
	return report_show(&vmallocinfo_report, m, 0, s);
}

/* ------------------------------------------------------------------ */
/* Boot, teardown, release                                             */

/* The vmalloc area must be mappable kernel space, in one half. */
static int check_range(struct machine *m, uint64_t start, uint64_t size)
{
	uint64_t last = start + size - 1;

	if (start < m->layout.kernel.task_size ||
	    !pgtable_addr_valid(m, start) || !pgtable_addr_valid(m, last) ||
	    (m->layout.arch == ARCH_X86_64 && (start >> 47) != (last >> 47)))
		return mm_refuse(m, BAD_NONE, -EINVAL,
				 "the vmalloc area at %#" PRIx64
				 " is not kernel space this arch can map",
				 start);
	return 0;
}

int vmalloc_init(struct machine *m)
{
	const struct layout_kernel *k = &m->layout.kernel;
	struct vmalloc_state *st;
	int err;

	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	m->vmalloc = st;
	st->start = k->vmalloc_start;
	st->end = k->vmalloc_start + k->vmalloc_size;
	st->prio_state = m->layout.seed;
	err = check_range(m, k->vmalloc_start, k->vmalloc_size);
	/*
	 * x86_64 makes every PUD table of the area at boot, as Linux's
	 * preallocate_vmalloc_pages does, so that the kernel's PGD entries
	 * never change and process pgds share them from their creation.
	 */
	if (!err && m->layout.arch == ARCH_X86_64)
		err = kernel_pgtable_populate(m, kernel_pgtable(m), st->start,
					      st->end, 1);
	if (!err)
		err = reserve_spare(st);
	if (err)
		return err;
	free_range(st, st->start, k->vmalloc_size);
	return 0;
}

static void free_tree_nodes(struct treap_node *t)
{
	if (!t)
		return;
	free_tree_nodes(t->left);
	free_tree_nodes(t->right);
	free(va_node_of(t));
}

/* Areas in address order, for release and teardown. */
/*
 * Areas released in one pass. Exit must not need host memory, which may
 * be what ran out: the areas are gathered on the stack, a batch at a time.
 */
#define RELEASE_BATCH 256

/* Up to RELEASE_BATCH of pid's areas, in address order. */
static void collect_owned(struct treap_node *t, int pid, struct vmap_area **out,
			  size_t *nr)
{
	if (!t || *nr == RELEASE_BATCH)
		return;
	collect_owned(t->left, pid, out, nr);
	if (*nr < RELEASE_BATCH && area_of(t)->owner == pid)
		out[(*nr)++] = (struct vmap_area *)area_of(t);
	collect_owned(t->right, pid, out, nr);
}

void vmalloc_exit(struct machine *m)
{
	struct vmalloc_state *st = m->vmalloc;

	if (!st)
		return;
	while (st->busy)
		free_vmap_area(m, (struct vmap_area *)area_of(st->busy));
	free_tree_nodes(st->free);
	free_tree_nodes(st->pins); /* empty once no area is left */
	while (st->spares)
		free(take_spare(st));
	free(st);
	m->vmalloc = NULL;
}

unsigned long vmalloc_release(struct machine *m, int pid)
{
	struct vmalloc_state *st = m->vmalloc;
	struct vmap_area *areas[RELEASE_BATCH];
	unsigned long freed = 0;
	size_t nr;

	if (!st)
		return 0;
	do {
		nr = 0;
		collect_owned(st->busy, pid, areas, &nr);
		for (size_t i = 0; i < nr; i++)
			free_vmap_area(m, areas[i]);
		freed += nr;
	} while (nr == RELEASE_BATCH);
	return freed;
}

/* ------------------------------------------------------------------ */
/* The checker                                                         */

struct range_census {
	uint64_t *start, *size;
	size_t nr;
};

static int check_treap(const struct treap_node *t,
		       const struct treap_node *parent, struct range_census *c,
		       char *why, size_t len)
{
	const struct va_node *n = va_node_of(t);
	uint64_t max;
	int err;

	if (!t)
		return 0;
	if (parent && t->prio > parent->prio)
		return check_failed(why, len,
				    "vmalloc tree: heap order broken at "
				    "%#" PRIx64,
				    t->key);
	err = check_treap(t->left, t, c, why, len);
	if (err)
		return err;
	c->start[c->nr] = t->key;
	c->size[c->nr++] = n->size;
	max = subtree_max_of(t);
	if (max != n->subtree_max)
		return check_failed(
			why, len,
			"vmalloc free tree: subtree max at %#" PRIx64
			" is %" PRIu64 ", not %" PRIu64,
			t->key, n->subtree_max, max);
	return check_treap(t->right, t, c, why, len);
}

static size_t tree_count(const struct treap_node *t)
{
	return t ? 1 + tree_count(t->left) + tree_count(t->right) : 0;
}

/* Busy and free ranges tile the area exactly; free ones are merged. */
static int check_tiling(const struct machine *m, const struct range_census *b,
			const struct range_census *f, char *why, size_t len)
{
	const struct vmalloc_state *st = m->vmalloc;
	uint64_t at = st->start;
	size_t i = 0, j = 0;
	bool last_free = false;

	while (i < b->nr || j < f->nr) {
		bool is_free =
			j < f->nr && (i >= b->nr || f->start[j] < b->start[i]);
		uint64_t start = is_free ? f->start[j] : b->start[i];
		uint64_t size = is_free ? f->size[j++] : b->size[i++];

		if (start != at || !size || (size & (m->page_size - 1)))
			return check_failed(why, len,
					    "vmalloc: range at %#" PRIx64
					    " should start at %#" PRIx64,
					    start, at);
		if (is_free && last_free)
			return check_failed(why, len,
					    "vmalloc: free ranges at %#" PRIx64
					    " are not merged",
					    start);
		if (!is_free && size < 2 * m->page_size)
			return check_failed(why, len,
					    "vmalloc: area at %#" PRIx64
					    " has no guard page",
					    start);
		last_free = is_free;
		at = start + size;
	}
	if (at != st->end)
		return check_failed(why, len,
				    "vmalloc: ranges end at %#" PRIx64
				    ", the area at %#" PRIx64,
				    at, st->end);
	return 0;
}

/*
 * A vmap'ed frame is reserved boot memory or lies in an allocated block
 * that vmap holds a reference on, and that belongs to the area's owner
 * or to the kernel: never free, never another task's.
 */
static int check_vmap_frame(const struct machine *m, const struct vmap_area *va,
			    uint64_t vaddr, unsigned long pfn, char *why,
			    size_t len)
{
	unsigned long head = pfn_to_block_head(m, pfn);
	const struct page *page;
	const struct vmap_pin *pin;

	if (head == ULONG_MAX) {
		if (pfn_valid(m, pfn) &&
		    PageFlag(pfn_to_page(m, pfn), PG_reserved) &&
		    !PageFlag(pfn_to_page(m, pfn), PG_hole))
			return 0;
		return check_failed(why, len,
				    "vmap: %#" PRIx64 " maps pfn %#lx, which "
				    "is free",
				    vaddr, pfn);
	}
	page = pfn_to_page(m, head);
	pin = find_pin(m->vmalloc, head);
	if (!pin || page->_refcount < (int)pin->count)
		return check_failed(why, len,
				    "vmap: %#" PRIx64 " maps pfn %#lx, whose "
				    "block holds %d references, %u pinned",
				    vaddr, pfn, page->_refcount,
				    pin ? pin->count : 0);
	if (page->owner && page->owner != va->owner)
		return check_failed(why, len,
				    "vmap: %#" PRIx64 " of pid %d maps pfn "
				    "%#lx of pid %d",
				    vaddr, va->owner, pfn, page->owner);
	return 0;
}

static int check_area_pages(const struct machine *m, const struct vmap_area *va,
			    char *why, size_t len)
{
	unsigned long pgd = kernel_pgtable(m)->pgd;

	if (((uint64_t)va->nr_pages + 1) << m->page_shift != va->node.size)
		return check_failed(why, len,
				    "vmalloc: area at %#" PRIx64
				    " maps %u pages in %" PRIu64 " bytes",
				    node_start(&va->node), va->nr_pages,
				    va->node.size);
	for (unsigned int i = 0; i < va->nr_pages; i++) {
		uint64_t vaddr =
			node_start(&va->node) + ((uint64_t)i << m->page_shift);
		unsigned long want =
			va->pfns ? va->pfns[i]
				 : (unsigned long)((va->phys >> m->page_shift) +
						   i);
		unsigned long pfn;
		const struct page *page;

		if (pgtable_lookup(m, pgd, vaddr, NULL, &pfn) || pfn != want)
			return check_failed(why, len,
					    "vmalloc: %#" PRIx64
					    " is not mapped to pfn %#lx",
					    vaddr, want);
		if (va->kind == VM_MAP) {
			int err = check_vmap_frame(m, va, vaddr, pfn, why, len);

			if (err)
				return err;
			continue;
		}
		if (va->kind != VM_ALLOC)
			continue;
		page = pfn_to_page(m, pfn);
		if (!pfn_valid(m, pfn) || !PageFlag(page, PG_head) ||
		    page->private || page->owner || page->_refcount <= 0)
			return check_failed(why, len,
					    "vmalloc: %#" PRIx64
					    " maps pfn %#lx, not an allocated "
					    "kernel page",
					    vaddr, pfn);
	}
	return 0;
}

struct stray_ctx {
	const struct machine *m;
	unsigned long leaves;
	uint64_t bad;
};

/* Every PTE in the vmalloc area lies in an area, below its guard. */
static int check_leaf(void *ctx, uint64_t vaddr, uint64_t entry,
		      uint64_t page_size)
{
	struct stray_ctx *c = ctx;
	const struct vmap_area *va = find_area(c->m, vaddr);

	(void)entry;
	c->leaves++;
	if (!va || page_size != c->m->page_size ||
	    vaddr - node_start(&va->node) >= area_mapped_bytes(c->m, va)) {
		c->bad = vaddr;
		return -EUCLEAN;
	}
	return 0;
}

static int cmp_ulong(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a;
	unsigned long y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/* The block heads of every vmap'ed frame that is not reserved, sorted. */
static unsigned long *vmap_heads(const struct machine *m,
				 const struct range_census *b, size_t *nr)
{
	unsigned long *heads;
	size_t total = 0;

	for (size_t i = 0; i < b->nr; i++) {
		const struct vmap_area *va = find_area(m, b->start[i]);

		if (va->kind == VM_MAP)
			total += va->nr_pages;
	}
	heads = malloc((total + 1) * sizeof(*heads));
	if (!heads)
		return NULL;
	*nr = 0;
	for (size_t i = 0; i < b->nr; i++) {
		const struct vmap_area *va = find_area(m, b->start[i]);

		for (unsigned int j = 0; va->kind == VM_MAP && j < va->nr_pages;
		     j++) {
			unsigned long head = pfn_to_block_head(m, va->pfns[j]);

			if (head != ULONG_MAX)
				heads[(*nr)++] = head;
		}
	}
	qsort(heads, *nr, sizeof(*heads), cmp_ulong);
	return heads;
}

/* Each pin counts exactly the vmap'ed frames of its block. */
static int check_pins(const struct machine *m, const struct range_census *b,
		      char *why, size_t len)
{
	size_t nr = 0, runs = 0, i, j;
	unsigned long *heads = vmap_heads(m, b, &nr);
	int err = 0;

	if (!heads)
		return check_failed(why, len, "vmap: no memory to check");
	for (i = 0; i < nr && !err; i = j) {
		const struct vmap_pin *pin = find_pin(m->vmalloc, heads[i]);

		for (j = i; j < nr && heads[j] == heads[i]; j++)
			;
		runs++;
		if (!pin || pin->count != j - i)
			err = check_failed(why, len,
					   "vmap: the block at pfn %#lx is "
					   "mapped %zu times, pinned %u",
					   heads[i], j - i,
					   pin ? pin->count : 0);
	}
	if (!err && runs != tree_count(m->vmalloc->pins))
		err = check_failed(why, len,
				   "vmap: %zu blocks pinned, %zu mapped",
				   tree_count(m->vmalloc->pins), runs);
	free(heads);
	return err;
}

static int check_areas(const struct machine *m, const struct range_census *b,
		       char *why, size_t len)
{
	const struct vmalloc_state *st = m->vmalloc;
	struct stray_ctx c = {m, 0, 0};
	unsigned long pages = 0, vpages = 0;
	int err;

	for (size_t i = 0; i < b->nr; i++) {
		const struct vmap_area *va = find_area(m, b->start[i]);

		if (va->owner && !find_task_by_pid(m, va->owner))
			return check_failed(why, len,
					    "vmalloc: area %#" PRIx64
					    " belongs to pid %d, which has "
					    "exited",
					    node_start(&va->node), va->owner);
		err = check_area_pages(m, va, why, len);
		if (err)
			return err;
		pages += va->nr_pages;
		if (va->kind == VM_ALLOC)
			vpages += va->nr_pages;
	}
	if (vpages != st->nr_vmalloc_pages)
		return check_failed(
			why, len, "vmalloc: areas hold %lu pages, counted %lu",
			vpages, st->nr_vmalloc_pages);
	err = pgtable_for_each_leaf(m, kernel_pgtable(m)->pgd, st->start,
				    st->end, check_leaf, &c);
	if (err)
		return check_failed(why, len,
				    "vmalloc: %#" PRIx64
				    " is mapped outside every area's pages",
				    c.bad);
	if (c.leaves != pages)
		return check_failed(
			why, len,
			"vmalloc: %lu PTEs in the area, areas map %lu",
			c.leaves, pages);
	return check_pins(m, b, why, len);
}

int vmalloc_check(const struct machine *m, char *why, size_t len)
{
	const struct vmalloc_state *st = m->vmalloc;
	size_t nb, nf;
	struct range_census b = {0}, f = {0};
	int err = -ENOMEM;

	if (!st)
		return 0;
	nb = tree_count(st->busy);
	nf = tree_count(st->free);
	if (nb != st->nr_areas)
		return check_failed(why, len, "vmalloc: %zu areas, counted %lu",
				    nb, st->nr_areas);
	b.start = calloc(nb + 1, sizeof(uint64_t));
	b.size = calloc(nb + 1, sizeof(uint64_t));
	f.start = calloc(nf + 1, sizeof(uint64_t));
	f.size = calloc(nf + 1, sizeof(uint64_t));
	if (b.start && b.size && f.start && f.size) {
		err = check_treap(st->busy, NULL, &b, why, len);
		if (!err)
			err = check_treap(st->free, NULL, &f, why, len);
		if (!err)
			err = check_tiling(m, &b, &f, why, len);
		if (!err)
			err = check_areas(m, &b, why, len);
	} else {
		snprintf(why, len, "vmalloc: no memory to check");
	}
	free(b.start);
	free(b.size);
	free(f.start);
	free(f.size);
	return err;
}
