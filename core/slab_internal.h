/* SPDX-License-Identifier: MIT */
/*
 * slab_internal.h - what slub.c, slab_common.c and kmalloc.c share.
 *
 * Owns: the layout of kmem_cache and of a slab's host-side record. Only
 * the slab allocator's own files include this.
 */
#ifndef MM_SLAB_INTERNAL_H
#define MM_SLAB_INTERNAL_H

#include "core/slab.h"

#define SLOT_FREE (-1)

enum slab_list {
	SLAB_LIST_NONE, /* a CPU's slab */
	SLAB_LIST_FULL,
	SLAB_LIST_PARTIAL,
	SLAB_LIST_EMPTY,
};

/*
 * A slab: the kernel keeps this in struct page; here the pages point to
 * it through page->mapping (with PG_slab set on each page), and it keeps
 * one state word per object: SLOT_FREE, or the pid that owns it (0 for
 * the kernel).
 */
struct slab {
	struct kmem_cache *cache;
	struct page *page;
	uint64_t base;	   /* direct-map address of the slab's first byte */
	uint64_t first;	   /* its first object: base, colour, left pad */
	uint64_t freelist; /* first free object, 0 when none */
	unsigned int order;
	unsigned int objects;
	unsigned int inuse; /* objects not on the slab's freelist */
	unsigned int colour;
	int node;    /* its pages' node, as slab_nid() */
	bool frozen; /* some CPU's slab */
	enum slab_list list_id;
	struct list_head list;
	int32_t owner[];
};

struct kmem_cache_cpu {
	struct slab *slab;
	uint64_t freelist;
};

/*
 * A cache's slabs on one node, as SLUB's kmem_cache_node: every slab not
 * a CPU's sits on the lists of its own pages' node, and each node counts
 * its slabs and their objects.
 */
struct kmem_cache_node {
	struct list_head partial, full, empty;
	unsigned long nr_partial, nr_full, nr_empty;
	unsigned long nr_slabs, total_objects;
};

struct kmem_cache {
	char name[KMEM_CACHE_NAME_MAX];
	unsigned int object_size; /* what the creator asked for */
	unsigned int size;	  /* a slot: object, red zones, pointer */
	unsigned int align;
	unsigned int offset; /* of the freelist pointer in a free object */
	unsigned int inuse;  /* object plus right red zone */
	unsigned int red_left_pad;
	unsigned int ptr_size;
	unsigned int order, min_order, objects;
	unsigned int size_shift;
	uint32_t size_inverse;
	unsigned long colour_next;
	unsigned long min_partial;
	slab_flags_t flags;
	gfp_t allocflags;
	kmem_ctor_fn ctor;
	uint64_t id;
	int owner;
	uint64_t self; /* this cache's own object in kmem_cache */
	struct kmem_cache_cpu *cpu;
	struct kmem_cache_node *node; /* one per node, node 0 up */
	unsigned int nr_nodes;
	/*
	 * SLUB's remote_node_defrag_ratio (1000 of 1024 by default): how
	 * often a refill may take a partial slab of another node. The
	 * kernel draws get_cycles(); the machine counts its refills, so
	 * that the same calls give the same slabs.
	 */
	unsigned int remote_node_defrag_ratio;
	unsigned long defrag_clock;
	unsigned long errors;
	uintptr_t ram_bias;    /* host address of RAM minus page_offset */
	struct list_head list; /* every cache, newest first */
	struct hlist_node by_id, by_name; /* in slab_state's hash tables */
};

/*
 * Buckets of the tables that find a cache by its handle and by its
 * name: each request names its cache, and a user may make thousands,
 * so neither may walk the list of every cache.
 */
#define CACHE_HASH_BITS 12
#define CACHE_HASH_SIZE (1u << CACHE_HASH_BITS)

struct slab_state {
	struct list_head caches;
	struct hlist_head by_id[CACHE_HASH_SIZE];
	struct hlist_head by_name[CACHE_HASH_SIZE];
	uint64_t next_id;
	slab_flags_t debug_flags; /* added to every cache, e.g. for tests */
	struct kmem_cache *kmem_cache; /* where caches' own objects live */
	struct kmem_cache *kmalloc[2][NR_KMALLOC_CACHES]; /* normal, DMA */
	struct list_head large;	   /* large kmallocs' first pages, via lru */
	unsigned long large_pages; /* pages in those */
};

static inline struct kmem_cache_node *get_node(const struct kmem_cache *s,
					       int nid)
{
	return &s->node[nid];
}

/* The cache's slabs and objects on every node together. */
static inline unsigned long cache_nr_slabs(const struct kmem_cache *s)
{
	unsigned long n = 0;

	for (unsigned int nid = 0; nid < s->nr_nodes; nid++)
		n += s->node[nid].nr_slabs;
	return n;
}

static inline unsigned long cache_total_objects(const struct kmem_cache *s)
{
	unsigned long n = 0;

	for (unsigned int nid = 0; nid < s->nr_nodes; nid++)
		n += s->node[nid].total_objects;
	return n;
}

uint8_t *slab_ram(const struct machine *m, uint64_t addr);
struct slab *virt_to_slab(const struct machine *m, uint64_t addr);
void flush_cpu_slabs(struct machine *m, struct kmem_cache *s);
int slab_free(struct machine *m, struct kmem_cache *s, struct slab *slab,
	      uint64_t addr);

/* slab_common.c */
/* A cache whose name a new cache of the current task's may not take. */
struct kmem_cache *kmem_cache_name_clash(const struct machine *m,
					 const char *name);
int register_cache(struct machine *m, struct kmem_cache *s);
void unregister_cache(struct machine *m, struct kmem_cache *s);
void free_cache(struct kmem_cache *s);

/* kmalloc.c */
/*
 * Zone modifiers a slab cannot honour (slab memory is the direct map's):
 * warned about and taken away, as Linux's kmalloc_fix_flags.
 */
#define GFP_SLAB_BUG_MASK (__GFP_DMA32 | __GFP_HIGHMEM)
gfp_t kmalloc_fix_flags(struct machine *m, gfp_t gfp);

int kmalloc_init(struct machine *m);
unsigned long kmalloc_release_large(struct machine *m, int pid);

#endif /* MM_SLAB_INTERNAL_H */
