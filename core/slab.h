/* SPDX-License-Identifier: MIT */
/*
 * slab.h - slab caches (SLUB as the model) and kmalloc.
 *
 * Owns: kmem_cache, the slabs of each cache and, on each node, their
 * full, partial and empty lists (kmem_cache_node), the per-CPU slabs, debugging
 * (poison, red zones), the kmalloc size classes and /proc/slabinfo. Objects are
 * named by their kernel virtual address in the direct map; a free object holds
 * the freelist pointer to the next free object in simulated RAM.
 */
#ifndef MM_SLAB_H
#define MM_SLAB_H

#include <stddef.h>
#include <stdint.h>

#include "core/gfp.h"
#include "core/list.h"
#include "core/machine.h"
#include "core/seq_buf.h"
#include "core/snapshot.h"

typedef uint32_t slab_flags_t;

#define SLAB_CONSISTENCY_CHECKS 0x00000100u
#define SLAB_RED_ZONE		0x00000400u
#define SLAB_POISON		0x00000800u
#define SLAB_HWCACHE_ALIGN	0x00002000u
#define SLAB_CACHE_DMA		0x00004000u
#define SLAB_STORE_USER		0x00010000u
#define SLAB_PANIC		0x00040000u
#define SLAB_RECLAIM_ACCOUNT	0x00020000u
#define SLAB_DEBUG_FLAGS	(SLAB_RED_ZONE | SLAB_POISON | SLAB_CONSISTENCY_CHECKS)
#define SLAB_CREATE_MASK                                                       \
	(SLAB_DEBUG_FLAGS | SLAB_HWCACHE_ALIGN | SLAB_CACHE_DMA |              \
	 SLAB_RECLAIM_ACCOUNT | SLAB_STORE_USER | SLAB_PANIC)

/* The kernel's debug byte patterns. */
#define POISON_INUSE	  0x5a
#define POISON_FREE	  0x6b
#define POISON_END	  0xa5
#define SLUB_RED_INACTIVE 0xbb
#define SLUB_RED_ACTIVE	  0xcc

#define KMEM_CACHE_NAME_MAX 32
#define ZERO_SIZE_PTR	    16ULL
#define KMALLOC_SHIFT_LOW   3
#define KMALLOC_SHIFT_HIGH  13 /* kmalloc-8k: larger sizes use pages */
#define NR_KMALLOC_CACHES   13

struct kmem_cache;

/* Called on each new object of a slab, as the kernel calls a ctor. */
typedef void (*kmem_ctor_fn)(struct machine *m, uint64_t addr, void *obj);

struct kmem_cache *kmem_cache_create(struct machine *m, const char *name,
				     unsigned int size, unsigned int align,
				     slab_flags_t flags, kmem_ctor_fn ctor);
int kmem_cache_destroy(struct machine *m, struct kmem_cache *s);
/* Flush per-CPU slabs and free empty slabs; returns pages freed. */
unsigned long kmem_cache_shrink(struct machine *m, struct kmem_cache *s);
/* Shrink every cache: the slab half of drop_caches. */
unsigned long kmem_cache_shrink_all(struct machine *m);

/* Objects: 0 or -errno, the address through *addr. */
int kmem_cache_alloc(struct machine *m, struct kmem_cache *s, gfp_t gfp,
		     uint64_t *addr);
int kmem_cache_free(struct machine *m, struct kmem_cache *s, uint64_t addr);
/*
 * From node's slabs (NUMA_NO_NODE: as kmem_cache_alloc, the local
 * node's first): node's partial slabs, then a new slab of node's pages
 * without waiting, then, unless __GFP_THISNODE, other nodes' partial
 * slabs and a new slab wherever the zonelist finds one, as SLUB does.
 * The caller has checked that node is online.
 */
int kmem_cache_alloc_node(struct machine *m, struct kmem_cache *s, gfp_t gfp,
			  int node, uint64_t *addr);

/*
 * kmalloc of more than one max_order block, and a kcalloc whose n * size
 * overflows, are -ENOMEM: the kernel's kmalloc and kmalloc_array give
 * NULL (the kernel warns; the refusal is counted as mm_bad_kmalloc_size).
 */
int kmalloc(struct machine *m, size_t size, gfp_t gfp, uint64_t *addr);
/* kmalloc from node (kmem_cache_alloc_node; pages by alloc_pages_node). */
int kmalloc_node(struct machine *m, size_t size, gfp_t gfp, int node,
		 uint64_t *addr);
int kzalloc(struct machine *m, size_t size, gfp_t gfp, uint64_t *addr);
int kcalloc(struct machine *m, size_t n, size_t size, gfp_t gfp,
	    uint64_t *addr);
int krealloc(struct machine *m, uint64_t addr, size_t size, gfp_t gfp,
	     uint64_t *new_addr);
int kfree(struct machine *m, uint64_t addr);
/* The usable size of a kmalloc'ed object. */
int ksize(struct machine *m, uint64_t addr, size_t *size);
/*
 * The pages a kmalloc of size takes straight from the page allocator
 * (sizes past kmalloc-8k); 0 for a slab object or a size kmalloc refuses.
 */
unsigned long kmalloc_large_pages(const struct machine *m, size_t size);
/*
 * kernel.init_on_alloc for what a client is given (uapi zeroes it):
 * whether an object of s, or a kmalloc of size with gfp, is to be
 * zeroed, as the kernel's slab_want_init_on_alloc says (not for a cache
 * that poisons its free objects or has a constructor).
 */
bool kmem_cache_init_on_alloc(const struct machine *m,
			      const struct kmem_cache *s);
bool kmalloc_init_on_alloc(const struct machine *m, size_t size, gfp_t gfp);
/*
 * Whether a kmalloc of n * size bytes could ever succeed on this
 * machine: a caller that may wait for memory waits for nothing else.
 */
bool kmalloc_may_fit(const struct machine *m, size_t n, size_t size);

/*
 * The bytes a kmalloc of size takes from a slab cache (the kernel's
 * kmalloc_size_roundup, its class's size), or 0 when it takes none: 0
 * bytes, or a size past kmalloc-8k, which takes pages. What ksize()
 * then reports of the object, and what a memcg charges for it.
 */
size_t kmalloc_slab_size(const struct machine *m, size_t size, gfp_t gfp);
/* kmem_cache_size: the size of s's objects, as ksize() reports it. */
unsigned int kmem_cache_size(const struct kmem_cache *s);

/* Handles for clients: a cache's id, and the cache behind an id. */
uint64_t kmem_cache_id(const struct kmem_cache *s);
struct kmem_cache *kmem_cache_by_id(const struct machine *m, uint64_t id);
int kmem_cache_owner(const struct kmem_cache *s);
const char *kmem_cache_name(const struct kmem_cache *s);

/*
 * What an address is to the slab allocator: the object containing it,
 * whether it is allocated and who owns it. -EFAULT when addr is not in
 * a slab or lies in an object's metadata.
 */
struct slab_object {
	struct kmem_cache *cache;
	uint64_t start;	   /* the object's address */
	unsigned int size; /* its usable size */
	bool allocated;
	int owner;
};
int slab_object_of(const struct machine *m, uint64_t addr,
		   struct slab_object *obj);

/*
 * A slab page's place in its slab, for the page's owners: the cache,
 * the objects that start in this frame (first > last: none does, the
 * frame holds only part of one) and how many objects the slab has and
 * uses. -ENOENT when pfn is not a slab page.
 */
struct slab_page_info {
	const struct kmem_cache *cache;
	unsigned long head_pfn; /* the slab's first frame */
	unsigned int first, last, objects, inuse;
};
int slab_page_info(const struct machine *m, unsigned long pfn,
		   struct slab_page_info *info);

/* Record pid as the owner of an allocated object or large kmalloc. */
int slab_set_owner(struct machine *m, uint64_t addr, int pid);

int kmem_cache_init(struct machine *m);
void kmem_cache_exit(struct machine *m);
int slab_check(const struct machine *m, char *why, size_t len);
unsigned long slab_release(struct machine *m, int pid);

/* /proc/slabinfo, version 2.1 */
/*
 * /proc/slabinfo's snapshot (snapshot.h; mm.proto's Slabinfo): a cache
 * per row, slabinfo 2.1's columns by their header's names (objsize in
 * bytes, slabs counted in slabs; the tunables and sharedavail are 0, as
 * SLUB prints them).
 */
struct slab_cache_snapshot {
	char name[KMEM_CACHE_NAME_MAX];
	uint64_t active_objs, num_objs, objsize, objperslab, pagesperslab;
	uint64_t limit, batchcount, sharedfactor;
	uint64_t active_slabs, num_slabs, sharedavail;
};
struct slabinfo_snapshot {
	char version[8];
	struct slab_cache_snapshot *caches;
	size_t nr_caches;
};
extern const struct report_type slabinfo_report;
int slabinfo_fill(const struct machine *m, int pid, void *snap);
int slabinfo_show(const void *snap, struct seq_buf *s);
int report_slabinfo(const struct machine *m, struct seq_buf *s);

#endif /* MM_SLAB_H */
