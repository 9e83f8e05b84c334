/* SPDX-License-Identifier: MIT */
/*
 * slub.c - slab caches, with the kernel's SLUB as the model.
 *
 * Owns: kmem_cache and its slabs. A slab is a block of pages from the
 * page allocator cut into equal slots; a free object holds, inside its
 * bytes in RAM, the address of the next free object (the freelist
 * pointer, in the arch's pointer width). Each CPU has a slab of its own
 * with a private freelist (SLUB's kmem_cache_cpu); other slabs sit on the
 * cache's full, partial or empty list. Slab order and objects per slab
 * follow SLUB's calculate_order; each new slab starts its first object
 * at the next colour offset. Host-side, each slab keeps the state of
 * each object (free, or allocated and by whom), which makes double frees
 * and pointers into the middle of objects detectable in O(1) even without
 * debugging. Debug caches poison objects and guard them with red zones
 * using the kernel's byte patterns, and report damage in the kernel log.
 * Must never: hand out an object twice, or free a slab with a live object.
 */
#include "core/slab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/compiler.h"
#include "core/err.h"
#include "core/mmzone.h"
#include "core/page_alloc.h"
#include "core/preempt.h"
#include "core/printk.h"
#include "core/slab_internal.h"

/* slub_max_order: slabs above the costly order are not worth it. */
#define SLUB_MAX_ORDER	  PAGE_ALLOC_COSTLY_ORDER
#define MAX_OBJS_PER_PAGE 32767
#define MIN_PARTIAL	  5
#define MAX_PARTIAL	  10
#define CACHE_LINE	  64

/* ------------------------------------------------------------------ */
/* Bytes in RAM                                                        */

uint8_t *slab_ram(const struct machine *m, uint64_t addr)
{
	return m->ram + (addr - m->layout.kernel.page_offset);
}

static unsigned int ptr_size(const struct machine *m)
{
	return m->layout.arch == ARCH_X86_64 ? 8 : 4;
}

/* RAM behind a direct-map address, by the cache's own bias: one add. */
static inline uint8_t *cache_ram(const struct kmem_cache *s, uint64_t addr)
{
	return (uint8_t *)(uintptr_t)(addr + s->ram_bias);
}

static uint64_t get_freepointer(const struct machine *m,
				const struct kmem_cache *s, uint64_t obj)
{
	const uint8_t *p = cache_ram(s, obj + s->offset);

	(void)m;
	if (s->ptr_size == 8) {
		uint64_t v;

		memcpy(&v, p, 8);
		return v;
	}
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static void set_freepointer(const struct machine *m, const struct kmem_cache *s,
			    uint64_t obj, uint64_t next)
{
	uint8_t *p = cache_ram(s, obj + s->offset);

	(void)m;
	if (s->ptr_size == 8) {
		memcpy(p, &next, 8);
	} else {
		uint32_t v = (uint32_t)next;

		memcpy(p, &v, 4);
	}
}

/* ------------------------------------------------------------------ */
/* Where objects are                                                   */

static uint64_t slab_first_object(const struct kmem_cache *s,
				  const struct slab *slab)
{
	(void)s;
	return slab->first;
}

/*
 * Object index from an offset that is a multiple of the slot size:
 * shift out the power of two and multiply by the inverse of the odd part
 * modulo 2^32, exact for multiples and cheaper than a division.
 */
static unsigned int obj_index(const struct kmem_cache *s, uint64_t off)
{
	return (uint32_t)(off >> s->size_shift) * s->size_inverse;
}

static void compute_inverse(struct kmem_cache *s)
{
	uint32_t odd = s->size, inv = 1;

	s->size_shift = (unsigned int)__builtin_ctz(s->size);
	odd >>= s->size_shift;
	for (int i = 0; i < 5; i++) /* Newton: doubles good bits each step */
		inv *= 2 - odd * inv;
	s->size_inverse = inv;
}

/* The slab a direct-map address falls in, or NULL. */
struct slab *virt_to_slab(const struct machine *m, uint64_t addr)
{
	struct page *page = virt_to_page(m, addr);

	if (!page || !PageFlag(page, PG_slab))
		return NULL;
	return (struct slab *)(uintptr_t)page->mapping;
}

int slab_page_info(const struct machine *m, unsigned long pfn,
		   struct slab_page_info *info)
{
	const struct page *page = pfn_to_page(m, pfn);
	const struct slab *slab;
	uint64_t addr, end, size;

	if (!PageFlag(page, PG_slab) || !page->mapping)
		return -ENOENT;
	slab = (const struct slab *)(uintptr_t)page->mapping;
	info->cache = slab->cache;
	info->head_pfn = page_to_pfn(m, slab->page);
	info->objects = slab->objects;
	info->inuse = slab->inuse;
	size = slab->cache->size;
	addr = slab->base + ((uint64_t)(pfn - info->head_pfn) << m->page_shift);
	end = addr + m->page_size;
	info->first = addr <= slab->first
			      ? 0
			      : (unsigned int)((addr - slab->first + size - 1) /
					       size);
	info->last = end <= slab->first
			     ? 0
			     : (unsigned int)((end - slab->first + size - 1) /
					      size) -
				       1;
	if (info->last >= slab->objects)
		info->last = slab->objects - 1;
	if (end <= slab->first)
		info->first = 1; /* none: the colour and pad only */
	return 0;
}

/*
 * The index of the object that starts at addr in slab, or -1 when addr
 * is not the start of one of its objects.
 */
static inline int object_start_index(const struct kmem_cache *s,
				     const struct slab *slab, uint64_t addr)
{
	/*
	 * An address below the first object wraps off to within a slab's
	 * size of 2^64, which no 32-bit index times a 32-bit size reaches:
	 * the one comparison refuses it too.
	 */
	uint64_t off = addr - slab_first_object(s, slab);
	unsigned int idx = obj_index(s, off);

	if ((uint64_t)idx * s->size != off || idx >= slab->objects)
		return -1;
	return (int)idx;
}

/* ------------------------------------------------------------------ */
/* Debugging: poison and red zones                                     */

static void slab_bug(struct machine *m, struct kmem_cache *s, enum bad_item bad,
		     uint64_t obj, unsigned int offset, const char *what)
{
	s->errors++;
	mm_refuse(m, bad, 0, "%s: %s at offset %u of object %#lx", s->name,
		  what, offset, (unsigned long)obj);
	printk(m, "BUG %s (Not tainted): %s", s->name, what);
	printk(m, "INFO: object 0x%lx @offset=%u, slab object size %u",
	       (unsigned long)obj, offset, s->object_size);
}

/* Fill an object's red zones and (when free) its poison. */
static void init_object(const struct machine *m, const struct kmem_cache *s,
			uint64_t obj, uint8_t val)
{
	uint8_t *p = slab_ram(m, obj);

	if (s->flags & SLAB_RED_ZONE) {
		memset(p - s->red_left_pad, val, s->red_left_pad);
		memset(p + s->object_size, val, s->inuse - s->object_size);
	}
	if ((s->flags & SLAB_POISON) && val == SLUB_RED_INACTIVE && !s->ctor) {
		memset(p, POISON_FREE, s->object_size - 1);
		p[s->object_size - 1] = POISON_END;
	}
}

/* The first byte in [from, to) of an object that is not want, or -1. */
static long first_bad(const uint8_t *p, unsigned int from, unsigned int to,
		      uint8_t want)
{
	for (unsigned int i = from; i < to; i++)
		if (p[i] != want)
			return i;
	return -1;
}

/*
 * Check an object's red zones (and poison, when it is free) against val,
 * report any damage, then refill them with now: the machine stays
 * consistent whatever a client wrote where it should not have.
 */
static void check_object(struct machine *m, struct kmem_cache *s, uint64_t obj,
			 uint8_t val, uint8_t now)
{
	uint8_t *p = slab_ram(m, obj);
	long bad;

	if (s->flags & SLAB_RED_ZONE) {
		bad = first_bad(p - s->red_left_pad, 0, s->red_left_pad, val);
		if (bad >= 0)
			slab_bug(m, s, BAD_SLAB_REDZONE, obj, (unsigned int)bad,
				 "Left Redzone overwritten");
		bad = first_bad(p, s->object_size, s->inuse, val);
		if (bad >= 0)
			slab_bug(m, s, BAD_SLAB_REDZONE, obj, (unsigned int)bad,
				 "Right Redzone overwritten");
	}
	if ((s->flags & SLAB_POISON) && val == SLUB_RED_INACTIVE && !s->ctor) {
		bad = first_bad(p, 0, s->object_size - 1, POISON_FREE);
		if (bad < 0 && p[s->object_size - 1] != POISON_END)
			bad = s->object_size - 1;
		if (bad >= 0)
			slab_bug(m, s, BAD_SLAB_POISON, obj, (unsigned int)bad,
				 "Poison overwritten (use after free)");
	}
	init_object(m, s, obj, now);
}

/* ------------------------------------------------------------------ */
/* Slabs                                                               */

static unsigned long slab_bytes(const struct machine *m,
				const struct slab *slab)
{
	return m->page_size << slab->order;
}

static void account_slab(struct machine *m, const struct kmem_cache *s,
			 const struct slab *slab, long bytes)
{
	enum node_stat_item item = (s->flags & SLAB_RECLAIM_ACCOUNT)
					   ? NR_SLAB_RECLAIMABLE_B
					   : NR_SLAB_UNRECLAIMABLE_B;

	mod_lruvec_page_state(m, slab->page, item, bytes);
}

static unsigned int order_objects(const struct machine *m, unsigned int order,
				  unsigned int size)
{
	return (unsigned int)((m->page_size << order) / size);
}

/* Colour the next slab: start its objects one cache line further on. */
static unsigned int next_colour(struct kmem_cache *s, unsigned int order,
				const struct machine *m)
{
	unsigned long left =
		(m->page_size << order) -
		(unsigned long)order_objects(m, order, s->size) * s->size;
	unsigned long colours = left / CACHE_LINE + 1;
	unsigned int colour = (unsigned int)(s->colour_next % colours);

	s->colour_next++;
	return colour * CACHE_LINE;
}

/* Link every slot into the slab's freelist, in address order. */
static void build_freelist(struct machine *m, struct kmem_cache *s,
			   struct slab *slab)
{
	uint64_t first = slab_first_object(s, slab);

	if (s->flags & SLAB_POISON)
		memset(slab_ram(m, slab->base), POISON_INUSE,
		       slab_bytes(m, slab));
	for (unsigned int i = 0; i < slab->objects; i++) {
		uint64_t obj = first + (uint64_t)i * s->size;

		if (s->flags & SLAB_DEBUG_FLAGS)
			init_object(m, s, obj, SLUB_RED_INACTIVE);
		if (s->ctor)
			s->ctor(m, obj, slab_ram(m, obj));
		set_freepointer(m, s, obj,
				i + 1 < slab->objects ? obj + s->size : 0);
		slab->owner[i] = SLOT_FREE;
	}
	slab->freelist = first;
}

/* What of a caller's mask reaches the page allocator, as mm/internal.h's. */
#define GFP_RECLAIM_MASK                                                       \
	(__GFP_RECLAIM | __GFP_HIGH | __GFP_IO | __GFP_FS | __GFP_NOWARN |     \
	 __GFP_RETRY_MAYFAIL | __GFP_NOFAIL | __GFP_NORETRY | __GFP_MEMALLOC | \
	 __GFP_NOMEMALLOC)

/* SLUB's alloc_slab_page: by the task's policy, or from node first. */
static struct page *alloc_slab_page(struct machine *m, gfp_t gfp, int node,
				    unsigned int order)
{
	if (node == NUMA_NO_NODE)
		return alloc_pages(m, gfp, order);
	return alloc_pages_node(m, node, gfp, order);
}

static struct page *alloc_slab_pages(struct machine *m, struct kmem_cache *s,
				     gfp_t gfp, int node, unsigned int *order)
{
	gfp_t flags =
		s->allocflags |
		(gfp & (GFP_RECLAIM_MASK | __GFP_HARDWALL | __GFP_THISNODE));
	struct page *page;

	*order = s->order;
	page = alloc_slab_page(
		m, (flags | __GFP_NOWARN | __GFP_NORETRY) & ~__GFP_NOFAIL, node,
		*order);
	if (IS_ERR(page)) {
		/*
		 * SLUB falls back to the smallest order that fits one, now
		 * with the caller's own flags: even at the same order, this
		 * is the attempt that may retry, kill or warn.
		 */
		*order = s->min_order;
		page = alloc_slab_page(m, flags, node, *order);
	}
	return page;
}

static struct slab *new_slab(struct machine *m, struct kmem_cache *s, gfp_t gfp,
			     int node, int *err)
{
	unsigned int order, objects;
	struct slab *slab;
	struct page *page;

	if (unlikely(gfp & GFP_SLAB_BUG_MASK))
		gfp = kmalloc_fix_flags(m, gfp);
	page = alloc_slab_pages(m, s, gfp, node, &order);
	if (IS_ERR(page)) {
		*err = (int)PTR_ERR(page);
		return NULL;
	}
	objects = order_objects(m, order, s->size);
	slab = calloc(1, sizeof(*slab) + objects * sizeof(slab->owner[0]));
	if (!slab) {
		__free_pages(m, page, order);
		*err = -ENOMEM;
		return NULL;
	}
	slab->cache = s;
	slab->page = page;
	slab->order = order;
	slab->objects = objects;
	slab->node = page_to_nid(page);
	slab->base = lowmem_page_address(m, page);
	slab->colour = next_colour(s, order, m);
	slab->first = slab->base + slab->colour + s->red_left_pad;
	for (unsigned long i = 0; i < (1UL << order); i++) {
		SetPageFlag(&page[i], PG_slab);
		page[i].mapping = (uint64_t)(uintptr_t)slab;
	}
	build_freelist(m, s, slab);
	get_node(s, slab->node)->nr_slabs++;
	get_node(s, slab->node)->total_objects += objects;
	account_slab(m, s, slab, (long)slab_bytes(m, slab));
	return slab;
}

static void discard_slab(struct machine *m, struct kmem_cache *s,
			 struct slab *slab)
{
	struct page *page = slab->page;

	for (unsigned long i = 0; i < (1UL << slab->order); i++) {
		ClearPageFlag(&page[i], PG_slab);
		page[i].mapping = 0;
	}
	get_node(s, slab->node)->nr_slabs--;
	get_node(s, slab->node)->total_objects -= slab->objects;
	account_slab(m, s, slab, -(long)slab_bytes(m, slab));
	__free_pages(m, page, slab->order);
	free(slab);
}

/*
 * Put an unfrozen slab on the list its use says, on its own node (the
 * node of its pages, as SLUB's frees find it), or free it if empty.
 */
static void place_slab(struct machine *m, struct kmem_cache *s,
		       struct slab *slab)
{
	struct kmem_cache_node *n = get_node(s, slab->node);

	if (slab->inuse == slab->objects) {
		slab->list_id = SLAB_LIST_FULL;
		list_add(&slab->list, &n->full);
		n->nr_full++;
	} else if (slab->inuse) {
		slab->list_id = SLAB_LIST_PARTIAL;
		list_add(&slab->list, &n->partial);
		n->nr_partial++;
	} else if (n->nr_partial + n->nr_empty < s->min_partial) {
		slab->list_id = SLAB_LIST_EMPTY;
		list_add(&slab->list, &n->empty);
		n->nr_empty++;
	} else {
		discard_slab(m, s, slab);
	}
}

static void unlist_slab(struct kmem_cache *s, struct slab *slab)
{
	struct kmem_cache_node *n = get_node(s, slab->node);

	list_del(&slab->list);
	if (slab->list_id == SLAB_LIST_FULL)
		n->nr_full--;
	else if (slab->list_id == SLAB_LIST_PARTIAL)
		n->nr_partial--;
	else
		n->nr_empty--;
	slab->list_id = SLAB_LIST_NONE;
}

/* Give a CPU's slab back: its private freelist joins the slab's. */
static void deactivate_slab(struct machine *m, struct kmem_cache *s,
			    struct kmem_cache_cpu *c)
{
	struct slab *slab = c->slab;
	uint64_t obj = c->freelist, tail = 0;
	unsigned int n = 0;

	if (!slab)
		return;
	for (; obj; obj = get_freepointer(m, s, obj)) {
		tail = obj;
		n++;
	}
	if (tail) {
		set_freepointer(m, s, tail, slab->freelist);
		slab->freelist = c->freelist;
	}
	slab->inuse -= n;
	slab->frozen = false;
	c->slab = NULL;
	c->freelist = 0;
	place_slab(m, s, slab);
}

/* Make slab this CPU's: take its whole freelist, as SLUB freezes it. */
static void freeze_slab(struct kmem_cache_cpu *c, struct slab *slab)
{
	slab->frozen = true;
	c->slab = slab;
	c->freelist = slab->freelist;
	slab->freelist = 0;
	slab->inuse = slab->objects;
}

/* get_partial_node: a partial slab of node n, else one of its empty. */
static struct slab *get_partial_node(struct kmem_cache *s,
				     struct kmem_cache_node *n)
{
	struct slab *slab = NULL;

	if (!list_empty(&n->partial))
		slab = list_first_entry(&n->partial, struct slab, list);
	else if (!list_empty(&n->empty))
		slab = list_first_entry(&n->empty, struct slab, list);
	if (slab)
		unlist_slab(s, slab);
	return slab;
}

/*
 * get_any_partial: a partial slab of another node, nearest first by the
 * local node's zonelist, from a node that keeps more than min_partial
 * (SLUB leaves a node its few partial slabs), and only as often as
 * remote_node_defrag_ratio allows.
 */
static struct slab *get_any_partial(struct machine *m, struct kmem_cache *s,
				    gfp_t gfp)
{
	int highest = m->gfp_zone_table[gfp & GFP_ZONEMASK];
	struct zonelist *zl;
	struct zone **z, *zone;

	if (!s->remote_node_defrag_ratio ||
	    s->defrag_clock++ % 1024 > s->remote_node_defrag_ratio ||
	    highest < 0)
		return NULL;
	zl = node_zonelist(m, numa_node_id(m), gfp & ~__GFP_THISNODE);
	for_each_zone_zonelist_nodemask(zone, z, zl, (enum zone_type)highest,
					NULL)
	{
		struct kmem_cache_node *n = get_node(s, zone_to_nid(zone));

		if (n->nr_partial + n->nr_empty > s->min_partial)
			return get_partial_node(s, n);
	}
	return NULL;
}

/*
 * SLUB's get_partial: the node asked for (the local one for
 * NUMA_NO_NODE) first; then, unless __GFP_THISNODE holds the caller to
 * that node, any node's.
 */
static struct slab *get_partial(struct machine *m, struct kmem_cache *s,
				int node, gfp_t gfp)
{
	int search = node == NUMA_NO_NODE ? numa_node_id(m) : node;
	struct slab *slab = get_partial_node(s, get_node(s, search));

	if (slab || (node != NUMA_NO_NODE && (gfp & __GFP_THISNODE)))
		return slab;
	return get_any_partial(m, s, gfp);
}

/* A slab for a CPU: a partial one, else a new one. */
static struct slab *get_slab(struct machine *m, struct kmem_cache *s, int node,
			     gfp_t gfp, int *err)
{
	struct slab *slab = get_partial(m, s, node, gfp);

	return slab ? slab : new_slab(m, s, gfp, node, err);
}

/* Whether a slab serves an allocation for node, as node_match. */
static inline bool node_match(const struct slab *slab, int node)
{
	return node == NUMA_NO_NODE || slab->node == node;
}

/*
 * The slow path: refill this CPU's freelist from a slab. A node asked
 * for without __GFP_THISNODE is tried alone first, with GFP_NOWAIT,
 * before other nodes' partial slabs and a new slab from anywhere, as
 * SLUB's try_thisnode.
 */
static int refill_cpu(struct machine *m, struct kmem_cache *s,
		      struct kmem_cache_cpu *c, gfp_t gfp, int node)
{
	struct slab *slab = c->slab;
	int err = 0;

	/* Remote frees may have refilled the CPU slab's own freelist. */
	if (slab && slab->freelist && node_match(slab, node)) {
		c->freelist = slab->freelist;
		slab->freelist = 0;
		slab->inuse = slab->objects;
		return 0;
	}
	deactivate_slab(m, s, c);
	slab = NULL;
	if (node != NUMA_NO_NODE && !(gfp & __GFP_THISNODE))
		slab = get_slab(m, s, node, GFP_NOWAIT | __GFP_THISNODE, &err);
	if (!slab)
		slab = get_slab(m, s, node, gfp, &err);
	if (!slab)
		return err;
	freeze_slab(c, slab);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Allocation and freeing                                              */

/* Take the first object of this CPU's freelist: there is one. */
static inline uint64_t take_object(const struct machine *m,
				   struct kmem_cache *s,
				   struct kmem_cache_cpu *c)
{
	uint64_t obj = c->freelist;
	struct slab *slab = c->slab;

	c->freelist = get_freepointer(m, s, obj);
	slab->owner[obj_index(s, obj - slab_first_object(s, slab))] = 0;
	return obj;
}

/*
 * The slow path: refill an empty CPU freelist, then what debugging and
 * __GFP_ZERO add. Out of line, so that the fast path saves no registers.
 */
static __noinline int __slab_alloc(struct machine *m, struct kmem_cache *s,
				   gfp_t gfp, int node, uint64_t *addr)
{
	struct kmem_cache_cpu *c = &s->cpu[m->cpu];
	uint64_t obj;

	if (!c->freelist || !node_match(c->slab, node)) {
		int err = refill_cpu(m, s, c, gfp, node);

		if (err)
			return err;
	}
	obj = take_object(m, s, c);
	if (s->flags & SLAB_DEBUG_FLAGS)
		check_object(m, s, obj, SLUB_RED_INACTIVE, SLUB_RED_ACTIVE);
	if (gfp & __GFP_ZERO)
		memset(slab_ram(m, obj), 0, s->object_size);
	*addr = obj;
	return 0;
}

__always_inline int kmem_cache_alloc(struct machine *m, struct kmem_cache *s,
				     gfp_t gfp, uint64_t *addr)
{
	struct kmem_cache_cpu *c = &s->cpu[m->cpu];

	might_alloc(m, gfp);
	/* One branch sends every case with more to do to the slow path. */
	if (unlikely(!c->freelist ||
		     ((gfp & __GFP_ZERO) | (s->flags & SLAB_DEBUG_FLAGS))))
		return __slab_alloc(m, s, gfp, NUMA_NO_NODE, addr);
	*addr = take_object(m, s, c);
	return 0;
}

int kmem_cache_alloc_node(struct machine *m, struct kmem_cache *s, gfp_t gfp,
			  int node, uint64_t *addr)
{
	if (node == NUMA_NO_NODE)
		return kmem_cache_alloc(m, s, gfp, addr);
	might_alloc(m, gfp);
	return __slab_alloc(m, s, gfp, node, addr);
}

/*
 * Where addr lies in its slab, as SLUB's "@offset=" gives it: its offset
 * from the slab's first byte; and, when it falls in an object's slot,
 * where in that object (in_object; empty otherwise).
 */
static unsigned long slab_offset(const struct kmem_cache *s,
				 const struct slab *slab, uint64_t addr,
				 char *in_object, size_t len)
{
	uint64_t first = slab->base + slab->colour;

	in_object[0] = '\0';
	if (addr >= first && (addr - first) / s->size < slab->objects) {
		uint64_t obj = first + (addr - first) / s->size * s->size +
			       s->red_left_pad;

		if (addr >= obj)
			snprintf(in_object, len, ", %lu into object %#lx",
				 (unsigned long)(addr - obj),
				 (unsigned long)obj);
		else
			snprintf(in_object, len,
				 ", in the left red zone of object %#lx",
				 (unsigned long)obj);
	}
	return (unsigned long)(addr - slab->base);
}

/* Why addr cannot be freed into s: another cache, or no object at all. */
static __cold int refuse_object(struct machine *m, struct kmem_cache *s,
				const struct slab *slab, uint64_t addr)
{
	char in_object[64];
	unsigned long off;

	s->errors++;
	if (!slab) {
		printk(m, "BUG %s: Invalid object pointer 0x%lx", s->name,
		       (unsigned long)addr);
		return mm_refuse(m, BAD_SLAB_POINTER, -EINVAL,
				 "%s: %#lx is not an object of this cache "
				 "(not in any slab)",
				 s->name, (unsigned long)addr);
	}
	off = slab_offset(slab->cache, slab, addr, in_object,
			  sizeof(in_object));
	if (slab->cache != s)
		return mm_refuse(m, BAD_SLAB_CACHE, -EINVAL,
				 "%s: object %#lx belongs to cache %s "
				 "(offset %lu in its slab)",
				 s->name, (unsigned long)addr,
				 slab->cache->name, off);
	printk(m, "BUG %s: Invalid object pointer 0x%lx", s->name,
	       (unsigned long)addr);
	printk(m, "INFO: Object 0x%lx @offset=%lu", (unsigned long)addr, off);
	return mm_refuse(m, BAD_SLAB_POINTER, -EINVAL,
			 "%s: %#lx is not an object of this cache (offset %lu "
			 "in its slab%s)",
			 s->name, (unsigned long)addr, off, in_object);
}

/* A free of an object that is free already: a double free. */
static __cold int refuse_double_free(struct machine *m, struct kmem_cache *s,
				     const struct slab *slab, uint64_t addr)
{
	unsigned long off = (unsigned long)(addr - slab->base);

	s->errors++;
	printk(m, "BUG %s: Object already free 0x%lx", s->name,
	       (unsigned long)addr);
	printk(m, "INFO: Object 0x%lx @offset=%lu", (unsigned long)addr, off);
	return mm_refuse(m, BAD_SLAB_DOUBLE_FREE, -EINVAL,
			 "%s: object %#lx (offset %lu in its slab) is already "
			 "free (double free)",
			 s->name, (unsigned long)addr, off);
}

/* Free into a slab that is not this CPU's, moving it between lists. */
static __noinline void __slab_free(struct machine *m, struct kmem_cache *s,
				   struct slab *slab, uint64_t obj)
{
	set_freepointer(m, s, obj, slab->freelist);
	slab->freelist = obj;
	slab->inuse--;
	if (slab->frozen)
		return;
	if (slab->inuse == 0 || slab->inuse == slab->objects - 1) {
		unlist_slab(s, slab);
		place_slab(m, s, slab);
	}
}

int kmem_cache_free(struct machine *m, struct kmem_cache *s, uint64_t addr)
{
	struct slab *slab = virt_to_slab(m, addr);

	if (unlikely(!slab || slab->cache != s))
		return refuse_object(m, s, slab, addr);
	return slab_free(m, s, slab, addr);
}

/* Put a checked object on its CPU's freelist, or on its slab's. */
static inline void do_slab_free(struct machine *m, struct kmem_cache *s,
				struct slab *slab, uint64_t addr, int idx)
{
	struct kmem_cache_cpu *c = &s->cpu[m->cpu];

	slab->owner[idx] = SLOT_FREE;
	if (unlikely(slab != c->slab)) {
		__slab_free(m, s, slab, addr);
		return;
	}
	set_freepointer(m, s, addr, c->freelist);
	c->freelist = addr;
}

/* A free the fast path does not take: refused, or checked by debugging. */
static __noinline int slab_free_checked(struct machine *m, struct kmem_cache *s,
					struct slab *slab, uint64_t addr,
					int idx)
{
	if (idx < 0)
		return refuse_object(m, s, slab, addr);
	if (slab->owner[idx] == SLOT_FREE)
		return refuse_double_free(m, s, slab, addr);
	check_object(m, s, addr, SLUB_RED_ACTIVE, SLUB_RED_INACTIVE);
	do_slab_free(m, s, slab, addr, idx);
	return 0;
}

/* Free an object of a slab already found (kfree finds it on its own). */
__always_inline int slab_free(struct machine *m, struct kmem_cache *s,
			      struct slab *slab, uint64_t addr)
{
	int idx = object_start_index(s, slab, addr);

	if (unlikely(idx < 0 || slab->owner[idx] == SLOT_FREE ||
		     (s->flags & SLAB_DEBUG_FLAGS)))
		return slab_free_checked(m, s, slab, addr, idx);
	do_slab_free(m, s, slab, addr, idx);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Creating and destroying caches                                      */

/* SLUB's calc_slab_order: the smallest order wasting at most 1/fract. */
static unsigned int calc_slab_order(const struct machine *m, unsigned int size,
				    unsigned int min_order,
				    unsigned int fract_leftover)
{
	unsigned int order;

	for (order = min_order; order <= SLUB_MAX_ORDER; order++) {
		unsigned long slab_size = m->page_size << order;

		if (slab_size % size <= slab_size / fract_leftover)
			break;
	}
	return order;
}

static unsigned int get_order(const struct machine *m, unsigned long size)
{
	unsigned int order = 0;

	while ((m->page_size << order) < size)
		order++;
	return order;
}

static unsigned int fls_uint(unsigned int x)
{
	return x ? 32 - (unsigned int)__builtin_clz(x) : 0;
}

/* SLUB's calculate_order; UINT32_MAX when no order up to max fits one. */
static unsigned int calculate_order(const struct machine *m, unsigned int size)
{
	unsigned int min_objects = 4 * (fls_uint(m->nr_cpus) + 1);
	unsigned int max_objects = order_objects(m, SLUB_MAX_ORDER, size);
	unsigned int min_order, order;

	if (max_objects < 1)
		max_objects = 1;
	if (min_objects > max_objects)
		min_objects = max_objects;
	min_order = get_order(m, (unsigned long)min_objects * size);
	if (order_objects(m, min_order, size) > MAX_OBJS_PER_PAGE)
		return get_order(m, (unsigned long)size * MAX_OBJS_PER_PAGE) -
		       1;
	for (unsigned int fraction = 16; fraction > 1; fraction /= 2) {
		order = calc_slab_order(m, size, min_order, fraction);
		if (order <= SLUB_MAX_ORDER)
			return order;
	}
	order = get_order(m, size);
	return order <= m->max_order ? order : UINT32_MAX;
}

static unsigned int calculate_alignment(slab_flags_t flags, unsigned int align,
					unsigned int size, unsigned int ptr)
{
	if (flags & SLAB_HWCACHE_ALIGN) {
		unsigned int ralign = CACHE_LINE;

		while (size <= ralign / 2)
			ralign /= 2;
		if (ralign > align)
			align = ralign;
	}
	if (align < ptr)
		align = ptr;
	return align;
}

static unsigned int align_up(unsigned int x, unsigned int a)
{
	return (x + a - 1) & ~(a - 1);
}

/* Lay out a slot: object, right red zone, freelist pointer, left pad. */
static int calculate_sizes(struct machine *m, struct kmem_cache *s)
{
	unsigned int ptr = s->ptr_size, size = align_up(s->object_size, ptr);

	if ((s->flags & SLAB_RED_ZONE) && size == s->object_size)
		size += ptr; /* room for the right red zone */
	s->inuse = size;
	if ((s->flags & (SLAB_POISON | SLAB_RED_ZONE)) || s->ctor) {
		/* The pointer may not overlay poison or constructed bytes. */
		s->offset = size;
		size += ptr;
	} else {
		s->offset = (s->object_size / 2) & ~(ptr - 1);
	}
	if (s->flags & SLAB_RED_ZONE) {
		s->red_left_pad = align_up(ptr, s->align);
		size += s->red_left_pad;
	}
	s->size = align_up(size, s->align);
	s->order = calculate_order(m, s->size);
	if (s->order == UINT32_MAX)
		return -EINVAL;
	s->min_order = get_order(m, s->size);
	s->objects = order_objects(m, s->order, s->size);
	compute_inverse(s);
	return 0;
}

static unsigned int ilog2_uint(unsigned int x)
{
	return fls_uint(x) - 1;
}

/*
 * The first byte of a cache name slabinfo could not print as one word,
 * or -1. A name is the first column of a slabinfo line: a space would
 * shift the columns, a control character, DEL or a byte above 0x7f
 * could start a forged line or reach a terminal as an escape. Linux's
 * names are words of printable ASCII too (SLUB makes sysfs files of
 * them).
 */
static int bad_name_byte(const char *name)
{
	for (int i = 0; name[i]; i++)
		if ((unsigned char)name[i] <= 0x20 ||
		    (unsigned char)name[i] >= 0x7f)
			return i;
	return -1;
}

static int check_create_args(struct machine *m, const char *name,
			     unsigned int size, unsigned int align,
			     slab_flags_t flags)
{
	unsigned long limit = m->page_size << m->max_order;
	int bad;

	if (!name || !name[0] || strlen(name) >= KMEM_CACHE_NAME_MAX)
		return mm_refuse(m, BAD_NONE,
				 name && name[0] ? -ENAMETOOLONG : -EINVAL,
				 "cache name must be 1 to %d characters",
				 KMEM_CACHE_NAME_MAX - 1);
	bad = bad_name_byte(name);
	if (bad >= 0)
		return mm_refuse(
			m, BAD_NONE, -EINVAL,
			"cache name byte %d is %#x: a name is one word "
			"of printable ASCII",
			bad, (unsigned char)name[bad]);
	if (kmem_cache_name_clash(m, name))
		return mm_refuse(m, BAD_NONE, -EEXIST,
				 "a cache named %s exists already", name);
	if (size == 0 || size > limit)
		return mm_refuse(m, BAD_NONE, -EINVAL,
				 "object size %u is not in [1, %lu]", size,
				 limit);
	if ((align & (align - 1)) || align > m->page_size ||
	    (flags & ~SLAB_CREATE_MASK))
		return mm_refuse(m, BAD_NONE, -EINVAL,
				 "align %u or flags %#x make no sense", align,
				 flags);
	return 0;
}

static struct kmem_cache *alloc_cache(struct machine *m, const char *name,
				      unsigned int size, unsigned int align,
				      slab_flags_t flags, kmem_ctor_fn ctor)
{
	struct kmem_cache *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->cpu = calloc(m->nr_cpus, sizeof(*s->cpu));
	s->node = calloc(m->nr_node_ids, sizeof(*s->node));
	if (!s->cpu || !s->node) {
		free_cache(s);
		return NULL;
	}
	s->nr_nodes = m->nr_node_ids;
	s->remote_node_defrag_ratio = 1000;
	snprintf(s->name, sizeof(s->name), "%s", name);
	s->object_size = size;
	s->flags = flags | m->slab->debug_flags;
	s->ctor = ctor;
	s->ptr_size = ptr_size(m);
	s->ram_bias = (uintptr_t)m->ram - m->layout.kernel.page_offset;
	s->align = calculate_alignment(s->flags, align, size, s->ptr_size);
	s->allocflags = (s->flags & SLAB_CACHE_DMA) ? GFP_DMA : 0;
	/* Reclaimable caches group their slabs apart, as calculate_sizes. */
	if (s->flags & SLAB_RECLAIM_ACCOUNT)
		s->allocflags |= __GFP_RECLAIMABLE;
	s->owner = m->current_pid;
	for (unsigned int nid = 0; nid < s->nr_nodes; nid++) {
		INIT_LIST_HEAD(&s->node[nid].partial);
		INIT_LIST_HEAD(&s->node[nid].full);
		INIT_LIST_HEAD(&s->node[nid].empty);
	}
	return s;
}

struct kmem_cache *kmem_cache_create(struct machine *m, const char *name,
				     unsigned int size, unsigned int align,
				     slab_flags_t flags, kmem_ctor_fn ctor)
{
	struct kmem_cache *s;
	int err = check_create_args(m, name, size, align, flags);

	if (err)
		return ERR_PTR(err);
	s = alloc_cache(m, name, size, align, flags, ctor);
	if (!s)
		return ERR_PTR(-ENOMEM);
	if (calculate_sizes(m, s)) {
		free_cache(s);
		return ERR_PTR(mm_refuse(
			m, BAD_NONE, -EINVAL,
			"objects of %u bytes do not fit a slab", size));
	}
	s->min_partial = ilog2_uint(s->size) / 2;
	if (s->min_partial < MIN_PARTIAL)
		s->min_partial = MIN_PARTIAL;
	if (s->min_partial > MAX_PARTIAL)
		s->min_partial = MAX_PARTIAL;
	err = register_cache(m, s);
	if (err) {
		free_cache(s);
		return ERR_PTR(err);
	}
	return s;
}

/*
 * slab_want_init_on_alloc for a client's object: zeroed, unless the
 * cache poisons its free objects (they hold poison, never a former
 * owner's bytes, and a fresh one reads as poison) or has a constructor.
 */
bool kmem_cache_init_on_alloc(const struct machine *m,
			      const struct kmem_cache *s)
{
	return m->layout.kernel.init_on_alloc && !s->ctor &&
	       !(s->flags & SLAB_POISON);
}

void flush_cpu_slabs(struct machine *m, struct kmem_cache *s)
{
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++)
		deactivate_slab(m, s, &s->cpu[cpu]);
}

unsigned long kmem_cache_shrink(struct machine *m, struct kmem_cache *s)
{
	unsigned long pages = 0;

	flush_cpu_slabs(m, s);
	for (unsigned int nid = 0; nid < s->nr_nodes; nid++) {
		struct kmem_cache_node *n = get_node(s, (int)nid);

		while (!list_empty(&n->empty)) {
			struct slab *slab =
				list_first_entry(&n->empty, struct slab, list);

			unlist_slab(s, slab);
			pages += 1UL << slab->order;
			discard_slab(m, s, slab);
		}
	}
	return pages;
}

/* Objects still allocated in a cache, after its CPU slabs are flushed. */
static unsigned long live_objects(struct kmem_cache *s)
{
	unsigned long live = 0;
	const struct list_head *pos;

	for (unsigned int nid = 0; nid < s->nr_nodes; nid++) {
		const struct kmem_cache_node *n = get_node(s, (int)nid);

		list_for_each(pos, &n->partial) live +=
			list_entry(pos, struct slab, list)->inuse;
		list_for_each(pos, &n->full) live +=
			list_entry(pos, struct slab, list)->inuse;
	}
	return live;
}

int kmem_cache_destroy(struct machine *m, struct kmem_cache *s)
{
	unsigned long live;

	kmem_cache_shrink(m, s);
	live = live_objects(s);
	if (live) {
		printk(m,
		       "kmem_cache_destroy %s: Slab cache still has objects "
		       "(%lu)",
		       s->name, live);
		return mm_refuse(m, BAD_SLAB_CACHE, -EBUSY,
				 "cache %s still has %lu objects", s->name,
				 live);
	}
	unregister_cache(m, s);
	free_cache(s);
	return 0;
}
