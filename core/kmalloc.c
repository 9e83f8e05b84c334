/* SPDX-License-Identifier: MIT */
/*
 * kmalloc.c - kmalloc and friends over the kmalloc-8 ... kmalloc-8k caches.
 *
 * Owns: the size classes (and their dma-kmalloc-* twins for GFP_DMA),
 * large allocations straight from the page allocator (marked
 * PG_large_kmalloc, as the kernel marks them), krealloc and ksize.
 * Must never: hand out high memory or DMA32 memory (those flags are
 * warned about and dropped, as the kernel's kmalloc_fix_flags does), or
 * free a block kmalloc did not give.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/compiler.h"
#include "core/mmzone.h"
#include "core/err.h"
#include "core/page_alloc.h"
#include "core/slab_internal.h"

#define KMALLOC_MAX_CACHE_SIZE 8192

static const unsigned int kmalloc_sizes[NR_KMALLOC_CACHES] = {
	8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192,
};

static const char *const kmalloc_names[2][NR_KMALLOC_CACHES] = {
	{"kmalloc-8", "kmalloc-16", "kmalloc-32", "kmalloc-64", "kmalloc-96",
	 "kmalloc-128", "kmalloc-192", "kmalloc-256", "kmalloc-512",
	 "kmalloc-1k", "kmalloc-2k", "kmalloc-4k", "kmalloc-8k"},
	{"dma-kmalloc-8", "dma-kmalloc-16", "dma-kmalloc-32", "dma-kmalloc-64",
	 "dma-kmalloc-96", "dma-kmalloc-128", "dma-kmalloc-192",
	 "dma-kmalloc-256", "dma-kmalloc-512", "dma-kmalloc-1k",
	 "dma-kmalloc-2k", "dma-kmalloc-4k", "dma-kmalloc-8k"},
};

/* The kernel's size_index for sizes up to 192, by (size - 1) / 8. */
static const uint8_t size_index[24] = {
	0, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 6,
};

static unsigned int kmalloc_index(size_t size)
{
	unsigned int idx = 8; /* kmalloc-512 */

	if (size <= 192)
		return size_index[(size - 1) / 8];
	if (size <= 256)
		return 7;
	while ((size_t)kmalloc_sizes[idx] < size)
		idx++;
	return idx;
}

int kmalloc_init(struct machine *m)
{
	for (int type = 0; type < 2; type++)
		for (int i = 0; i < NR_KMALLOC_CACHES; i++) {
			slab_flags_t flags = type ? SLAB_CACHE_DMA : 0;
			struct kmem_cache *s = kmem_cache_create(
				m, kmalloc_names[type][i], kmalloc_sizes[i], 0,
				flags, NULL);

			if (IS_ERR(s))
				return (int)PTR_ERR(s);
			m->slab->kmalloc[type][i] = s;
		}
	INIT_LIST_HEAD(&m->slab->large);
	return 0;
}

/*
 * The kernel's get_order: the smallest order whose block holds size
 * bytes, from the highest bit of size - 1 rather than by doubling a
 * block until it is large enough, which never ends for a size above
 * 2^63 (the block's size wraps to 0 first).
 */
static unsigned int size_order(const struct machine *m, size_t size)
{
	if (size <= m->page_size)
		return 0;
	return (unsigned int)(64 -
			      __builtin_clzll((unsigned long long)size - 1)) -
	       m->page_shift;
}

/* The largest kmalloc: one block of max_order (KMALLOC_MAX_SIZE). */
static size_t kmalloc_max_size(const struct machine *m)
{
	return (size_t)m->page_size << m->max_order;
}

/*
 * Larger than any block: NULL, as the kernel's alloc_pages gives for an
 * order above MAX_PAGE_ORDER (with a warning, counted here), which
 * callers see as -ENOMEM. Checked before any order is computed.
 */
static int kmalloc_too_large(struct machine *m, const char *what, size_t size)
{
	return mm_refuse(m, BAD_KMALLOC_SIZE, -ENOMEM,
			 "%s of %zu bytes is beyond the largest (%zu)", what,
			 size, kmalloc_max_size(m));
}

static int kmalloc_large(struct machine *m, size_t size, gfp_t gfp, int node,
			 uint64_t *addr)
{
	unsigned int order;
	struct page *page;

	if (size > kmalloc_max_size(m))
		return kmalloc_too_large(m, "kmalloc", size);
	order = size_order(m, size);
	if (unlikely(gfp & GFP_SLAB_BUG_MASK))
		gfp = kmalloc_fix_flags(m, gfp);
	page = node == NUMA_NO_NODE
		       ? alloc_pages(m, gfp | __GFP_COMP, order)
		       : alloc_pages_node(m, node, gfp | __GFP_COMP, order);
	if (IS_ERR(page))
		return (int)PTR_ERR(page);
	SetPageFlag(page, PG_large_kmalloc);
	list_add(&page->lru, &m->slab->large);
	m->slab->large_pages += 1UL << order;
	mod_lruvec_page_state(m, page, NR_SLAB_UNRECLAIMABLE_B,
			      (long)(m->page_size << order));
	*addr = lowmem_page_address(m, page);
	return 0;
}

unsigned long kmalloc_large_pages(const struct machine *m, size_t size)
{
	unsigned int order;

	if (size <= KMALLOC_MAX_CACHE_SIZE || size > kmalloc_max_size(m))
		return 0;
	order = size_order(m, size);
	return 1UL << order;
}

size_t kmalloc_slab_size(const struct machine *m, size_t size, gfp_t gfp)
{
	(void)m;
	(void)gfp; /* dma-kmalloc-* have kmalloc-*'s sizes */
	if (size - 1 >= KMALLOC_MAX_CACHE_SIZE)
		return 0;
	return kmalloc_sizes[kmalloc_index(size)];
}

bool kmalloc_init_on_alloc(const struct machine *m, size_t size, gfp_t gfp)
{
	if (!m->layout.kernel.init_on_alloc)
		return false;
	if (size - 1 >= KMALLOC_MAX_CACHE_SIZE) /* pages, or nothing */
		return true;
	return kmem_cache_init_on_alloc(
		m, m->slab->kmalloc[!!(gfp & __GFP_DMA)][kmalloc_index(size)]);
}

bool kmalloc_may_fit(const struct machine *m, size_t n, size_t size)
{
	size_t bytes;

	return !__builtin_mul_overflow(n, size, &bytes) &&
	       bytes <= kmalloc_max_size(m);
}

int kmalloc(struct machine *m, size_t size, gfp_t gfp, uint64_t *addr)
{
	/* The common case first: 1..192 bytes, no zone modifier at all. */
	if (likely(size - 1 < 192 && !(gfp & (GFP_SLAB_BUG_MASK | __GFP_DMA))))
		return kmem_cache_alloc(
			m, m->slab->kmalloc[0][size_index[(size - 1) / 8]], gfp,
			addr);
	if (!size) {
		*addr = ZERO_SIZE_PTR;
		return 0;
	}
	if (size > KMALLOC_MAX_CACHE_SIZE)
		return kmalloc_large(m, size, gfp, NUMA_NO_NODE, addr);
	return kmem_cache_alloc(
		m, m->slab->kmalloc[!!(gfp & __GFP_DMA)][kmalloc_index(size)],
		gfp, addr);
}

int kmalloc_node(struct machine *m, size_t size, gfp_t gfp, int node,
		 uint64_t *addr)
{
	if (!size) {
		*addr = ZERO_SIZE_PTR;
		return 0;
	}
	if (size > KMALLOC_MAX_CACHE_SIZE)
		return kmalloc_large(m, size, gfp, node, addr);
	return kmem_cache_alloc_node(
		m, m->slab->kmalloc[!!(gfp & __GFP_DMA)][kmalloc_index(size)],
		gfp, node, addr);
}

int kzalloc(struct machine *m, size_t size, gfp_t gfp, uint64_t *addr)
{
	return kmalloc(m, size, gfp | __GFP_ZERO, addr);
}

/*
 * kmalloc_array's check: a product that overflows is NULL, -ENOMEM, as
 * for any size too large (it is one), never a wrapped small size.
 */
int kcalloc(struct machine *m, size_t n, size_t size, gfp_t gfp, uint64_t *addr)
{
	size_t bytes;

	if (__builtin_mul_overflow(n, size, &bytes))
		return mm_refuse(m, BAD_KMALLOC_SIZE, -ENOMEM,
				 "kcalloc of %zu * %zu bytes overflows", n,
				 size);
	return kmalloc(m, bytes, gfp | __GFP_ZERO, addr);
}

/* The first page of a large kmalloc at addr, or NULL. */
static struct page *large_kmalloc_page(const struct machine *m, uint64_t addr)
{
	struct page *page = virt_to_page(m, addr);

	if (!page || !PageFlag(page, PG_large_kmalloc) ||
	    lowmem_page_address(m, page) != addr)
		return NULL;
	return page;
}

static void free_large(struct machine *m, struct page *page)
{
	unsigned int order = page->private;

	ClearPageFlag(page, PG_large_kmalloc);
	list_del(&page->lru);
	page->owner = 0;
	m->slab->large_pages -= 1UL << order;
	mod_lruvec_page_state(m, page, NR_SLAB_UNRECLAIMABLE_B,
			      -(long)(m->page_size << order));
	__free_pages(m, page, order);
}

int kfree(struct machine *m, uint64_t addr)
{
	struct slab *slab;
	struct page *page;

	if (addr == 0 || addr == ZERO_SIZE_PTR)
		return 0;
	slab = virt_to_slab(m, addr);
	if (slab)
		return slab_free(m, slab->cache, slab, addr);
	page = large_kmalloc_page(m, addr);
	if (!page)
		return mm_refuse(m, BAD_SLAB_POINTER, -EINVAL,
				 "kfree(%#lx): not an address kmalloc gave, "
				 "or freed already",
				 (unsigned long)addr);
	free_large(m, page);
	return 0;
}

int ksize(struct machine *m, uint64_t addr, size_t *size)
{
	struct slab_object obj;
	struct page *page;

	if (addr == ZERO_SIZE_PTR) {
		*size = 0;
		return 0;
	}
	if (slab_object_of(m, addr, &obj) == 0 && obj.allocated &&
	    obj.start == addr) {
		*size = obj.size;
		return 0;
	}
	page = large_kmalloc_page(m, addr);
	if (!page)
		return mm_refuse(m, BAD_SLAB_POINTER, -EINVAL,
				 "ksize(%#lx): not an allocated kmalloc "
				 "address",
				 (unsigned long)addr);
	*size = m->page_size << page->private;
	return 0;
}

int krealloc(struct machine *m, uint64_t addr, size_t size, gfp_t gfp,
	     uint64_t *new_addr)
{
	size_t old = 0;
	int err;

	if (addr == 0 || addr == ZERO_SIZE_PTR)
		return kmalloc(m, size, gfp, new_addr);
	err = ksize(m, addr, &old);
	if (err)
		return err;
	if (!size) {
		*new_addr = ZERO_SIZE_PTR;
		return kfree(m, addr);
	}
	if (size <= old) {
		/* It fits where it is, as the kernel keeps it. */
		if (gfp & __GFP_ZERO)
			memset(slab_ram(m, addr) + size, 0, old - size);
		*new_addr = addr;
		return 0;
	}
	err = kmalloc(m, size, gfp, new_addr);
	if (err)
		return err;
	memcpy(slab_ram(m, *new_addr), slab_ram(m, addr), old);
	return kfree(m, addr);
}

unsigned long kmalloc_release_large(struct machine *m, int pid)
{
	unsigned long freed = 0;
	struct list_head *pos = m->slab->large.next, *next;

	for (; pos != &m->slab->large; pos = next) {
		struct page *page = list_entry(pos, struct page, lru);

		next = pos->next;
		if (page->owner == pid) {
			free_large(m, page);
			freed++;
		}
	}
	return freed;
}
