/* SPDX-License-Identifier: MIT */
/*
 * slab_common.c - what every slab cache shares: the list of caches, boot,
 * the checker, giving back an exited task's objects, /proc/slabinfo.
 *
 * Owns: the cache registry (names, scoped per user; ids; the kmem_cache
 * cache that holds each cache's own object) and everything that looks at
 * all caches at once. Must never: reach into a slab's freelist except to
 * check it, or let a user's cache take a name of the kernel's or of
 * another cache of the same user.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/debug.h"
#include "core/err.h"
#include "core/page_alloc.h"
#include "core/printk.h"
#include "core/slab_internal.h"
#include "core/task.h"
#include "core/sparse.h"

/* sizeof(struct kmem_cache) in the simulated arch's kernel. */
#define KMEM_CACHE_OBJ_SIZE 256

/* The uid a cache's names are scoped to; the kernel's are everyone's. */
static bool cache_owner_uid(const struct machine *m, int owner, uint32_t *uid)
{
	const struct task_struct *t = find_task_by_pid(m, owner);

	if (!owner || !t)
		return false;
	*uid = t->uid;
	return true;
}

/* hash_64's bucket of a handle, as <linux/hash.h> spreads one. */
static unsigned int id_bucket(uint64_t id)
{
	return (unsigned int)((id * 0x61c8864680b583ebULL) >>
			      (64 - CACHE_HASH_BITS));
}

/* A name's bucket: FNV-1a over its bytes, folded to the table's bits. */
static unsigned int name_bucket(const char *name)
{
	uint32_t h = 2166136261u;

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	return (h ^ (h >> CACHE_HASH_BITS) ^ (h >> 2 * CACHE_HASH_BITS)) &
	       (CACHE_HASH_SIZE - 1);
}

/*
 * Each user has a namespace of cache names of its own, so that no user
 * can take a name another user's program needs by creating it first:
 * a name clashes with the kernel's caches, and with the caches of
 * processes of the creator's uid; other users' caches of that name are
 * theirs (slabinfo may list two caches of one name, as Linux's may).
 */
struct kmem_cache *kmem_cache_name_clash(const struct machine *m,
					 const char *name)
{
	const struct hlist_node *pos;
	uint32_t mine = 0, theirs = 0;
	bool user = cache_owner_uid(m, m->current_pid, &mine);

	hlist_for_each(pos, &m->slab->by_name[name_bucket(name)])
	{
		struct kmem_cache *s =
			hlist_entry(pos, struct kmem_cache, by_name);

		if (strcmp(s->name, name))
			continue;
		if (!user || !cache_owner_uid(m, s->owner, &theirs) ||
		    theirs == mine)
			return s;
	}
	return NULL;
}

struct kmem_cache *kmem_cache_by_id(const struct machine *m, uint64_t id)
{
	const struct hlist_node *pos;

	hlist_for_each(pos, &m->slab->by_id[id_bucket(id)])
	{
		struct kmem_cache *s =
			hlist_entry(pos, struct kmem_cache, by_id);

		if (s->id == id)
			return s;
	}
	return NULL;
}

uint64_t kmem_cache_id(const struct kmem_cache *s)
{
	return s->id;
}

int kmem_cache_owner(const struct kmem_cache *s)
{
	return s->owner;
}

unsigned int kmem_cache_size(const struct kmem_cache *s)
{
	return s->object_size;
}

const char *kmem_cache_name(const struct kmem_cache *s)
{
	return s->name;
}

int register_cache(struct machine *m, struct kmem_cache *s)
{
	struct slab_state *st = m->slab;

	/* Each cache's own struct lives in kmem_cache, as the kernel's. */
	if (st->kmem_cache) {
		int saved = m->current_pid, err;

		m->current_pid = 0;
		err = kmem_cache_alloc(m, st->kmem_cache, GFP_KERNEL, &s->self);
		m->current_pid = saved;
		if (err)
			return err;
	}
	s->id = ++st->next_id;
	list_add(&s->list, &st->caches);
	hlist_add_head(&s->by_id, &st->by_id[id_bucket(s->id)]);
	hlist_add_head(&s->by_name, &st->by_name[name_bucket(s->name)]);
	return 0;
}

void unregister_cache(struct machine *m, struct kmem_cache *s)
{
	list_del(&s->list);
	hlist_del(&s->by_id);
	hlist_del(&s->by_name);
	if (s->self)
		kmem_cache_free(m, m->slab->kmem_cache, s->self);
}

void free_cache(struct kmem_cache *s)
{
	free(s->cpu);
	free(s->node);
	free(s);
}

unsigned long kmem_cache_shrink_all(struct machine *m)
{
	unsigned long pages = 0;
	const struct list_head *pos;

	list_for_each(pos, &m->slab->caches) pages +=
		kmem_cache_shrink(m, list_entry(pos, struct kmem_cache, list));
	return pages;
}

/* The layout's slub_debug letters, as the kernel's boot option reads. */
static slab_flags_t slub_debug_flags(const char *letters)
{
	slab_flags_t flags = 0;

	for (; *letters; letters++) {
		if (*letters == 'F')
			flags |= SLAB_CONSISTENCY_CHECKS;
		else if (*letters == 'Z')
			flags |= SLAB_RED_ZONE;
		else if (*letters == 'P')
			flags |= SLAB_POISON;
		else if (*letters == 'U')
			flags |= SLAB_STORE_USER;
	}
	return flags;
}

gfp_t kmalloc_fix_flags(struct machine *m, gfp_t gfp)
{
	gfp_t invalid = gfp & GFP_SLAB_BUG_MASK;
	char bad[64], fixed[256];

	gfp &= ~GFP_SLAB_BUG_MASK;
	printk(m,
	       "Unexpected gfp: %#x (%s). Fixing up to gfp: %#x (%s). "
	       "Fix your code!",
	       invalid, format_gfp(bad, sizeof(bad), invalid), gfp,
	       format_gfp(fixed, sizeof(fixed), gfp));
	return gfp;
}

int kmem_cache_init(struct machine *m)
{
	struct kmem_cache *s;

	m->slab = calloc(1, sizeof(*m->slab));
	if (!m->slab)
		return -ENOMEM;
	INIT_LIST_HEAD(&m->slab->caches);
	m->slab->debug_flags = slub_debug_flags(m->layout.slub_debug);
	s = kmem_cache_create(m, "kmem_cache", KMEM_CACHE_OBJ_SIZE, 0,
			      SLAB_HWCACHE_ALIGN, NULL);
	if (IS_ERR(s))
		return (int)PTR_ERR(s);
	m->slab->kmem_cache = s;
	if (kmem_cache_alloc(m, s, GFP_KERNEL, &s->self))
		return -ENOMEM;
	return kmalloc_init(m);
}

static void free_node_slabs(struct kmem_cache_node *n)
{
	struct list_head *lists[] = {&n->partial, &n->full, &n->empty};

	for (int i = 0; i < 3; i++)
		while (!list_empty(lists[i])) {
			struct slab *slab =
				list_first_entry(lists[i], struct slab, list);

			list_del(&slab->list);
			free(slab);
		}
}

/* Teardown frees host records only: the machine's RAM goes with it. */
void kmem_cache_exit(struct machine *m)
{
	if (!m->slab)
		return;
	while (!list_empty(&m->slab->caches)) {
		struct kmem_cache *s = list_first_entry(
			&m->slab->caches, struct kmem_cache, list);
		list_del(&s->list);
		for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++)
			free(s->cpu[cpu].slab);
		for (unsigned int nid = 0; nid < s->nr_nodes; nid++)
			free_node_slabs(get_node(s, (int)nid));
		free_cache(s);
	}
	free(m->slab);
	m->slab = NULL;
}

/* ------------------------------------------------------------------ */
/* Who owns what                                                       */

int slab_object_of(const struct machine *m, uint64_t addr,
		   struct slab_object *obj)
{
	const struct slab *slab = virt_to_slab(m, addr);
	const struct kmem_cache *s;
	uint64_t off, start;
	unsigned int idx;

	if (!slab)
		return -EFAULT;
	s = slab->cache;
	if (addr < slab->base + slab->colour)
		return -EFAULT;
	off = addr - slab->base - slab->colour;
	idx = (unsigned int)(off / s->size);
	if (idx >= slab->objects)
		return -EFAULT;
	start = slab->base + slab->colour + (uint64_t)idx * s->size +
		s->red_left_pad;
	if (addr < start || addr >= start + s->object_size)
		return -EFAULT;
	obj->cache = slab->cache;
	obj->start = start;
	obj->size = s->object_size;
	obj->allocated = slab->owner[idx] != SLOT_FREE;
	obj->owner = obj->allocated ? slab->owner[idx] : 0;
	return 0;
}

int slab_set_owner(struct machine *m, uint64_t addr, int pid)
{
	struct slab *slab = virt_to_slab(m, addr);
	struct page *page;
	struct slab_object obj;

	if (!slab) {
		page = virt_to_page(m, addr);
		if (!page || !PageFlag(page, PG_large_kmalloc))
			return -EINVAL;
		page->owner = pid;
		return 0;
	}
	if (slab_object_of(m, addr, &obj) || !obj.allocated ||
	    obj.start != addr)
		return -EINVAL;
	slab->owner[(addr - slab->base - slab->colour) / slab->cache->size] =
		pid;
	return 0;
}

/*
 * Objects released in one pass. Exit must not need host memory, which
 * may be what ran out: the objects are gathered on the stack, a batch at
 * a time, until a pass finds fewer than a batch.
 */
#define RELEASE_BATCH 512

struct addr_vec {
	uint64_t addr[RELEASE_BATCH];
	unsigned long nr;
};

static void addr_vec_push(struct addr_vec *v, uint64_t addr)
{
	if (v->nr < RELEASE_BATCH)
		v->addr[v->nr++] = addr;
}

static void collect_slab(const struct kmem_cache *s, const struct slab *slab,
			 int pid, struct addr_vec *v)
{
	uint64_t first = slab->base + slab->colour + s->red_left_pad;

	for (unsigned int i = 0; i < slab->objects; i++)
		if (slab->owner[i] == pid)
			addr_vec_push(v, first + (uint64_t)i * s->size);
}

/* Every object pid holds in s: in CPU slabs, partial and full slabs. */
static void collect_owned(const struct machine *m, const struct kmem_cache *s,
			  int pid, struct addr_vec *v)
{
	const struct list_head *pos;

	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++)
		if (s->cpu[cpu].slab)
			collect_slab(s, s->cpu[cpu].slab, pid, v);
	for (unsigned int nid = 0; nid < s->nr_nodes; nid++) {
		const struct kmem_cache_node *n = get_node(s, (int)nid);

		list_for_each(pos, &n->partial) collect_slab(
			s, list_entry(pos, struct slab, list), pid, v);
		list_for_each(pos, &n->full) collect_slab(
			s, list_entry(pos, struct slab, list), pid, v);
	}
}

/* Free every object pid holds in s; how many. */
static unsigned long release_cache(struct machine *m, struct kmem_cache *s,
				   int pid)
{
	struct addr_vec v;
	unsigned long freed = 0, pass;

	do {
		v.nr = 0;
		pass = 0;
		collect_owned(m, s, pid, &v);
		for (unsigned long i = 0; i < v.nr; i++)
			if (kmem_cache_free(m, s, v.addr[i]) == 0)
				pass++;
		freed += pass;
	} while (v.nr == RELEASE_BATCH && pass);
	return freed;
}

unsigned long slab_release(struct machine *m, int pid)
{
	unsigned long freed = 0;
	struct list_head *pos, *next;

	list_for_each(pos, &m->slab->caches) freed +=
		release_cache(m, list_entry(pos, struct kmem_cache, list), pid);
	freed += kmalloc_release_large(m, pid);
	/* Then the caches pid created: they are empty now. */
	for (pos = m->slab->caches.next; pos != &m->slab->caches; pos = next) {
		struct kmem_cache *s = list_entry(pos, struct kmem_cache, list);

		next = pos->next;
		if (s->owner == pid && kmem_cache_destroy(m, s) == 0)
			freed++;
	}
	return freed;
}

/* ------------------------------------------------------------------ */
/* The checker                                                         */

struct slab_census {
	unsigned long slabs, objects, free;
	unsigned long pages;
	/* Each node's slabs and objects, its CPU slabs among them. */
	unsigned long node_slabs[MAX_NUMNODES], node_objects[MAX_NUMNODES];
};

static int slab_fail(char *why, size_t len, const struct kmem_cache *s,
		     const char *what, uint64_t addr)
{
	snprintf(why, len, "slab cache %s: %s (%#lx)", s->name, what,
		 (unsigned long)addr);
	return -EUCLEAN;
}

/* Which freelist the checker found an object on. */
enum {
	ON_NO_LIST,
	ON_SLAB_LIST,
	ON_CPU_LIST,
};

static uint64_t next_free(const struct machine *m, const struct kmem_cache *s,
			  uint64_t obj)
{
	const uint8_t *p = slab_ram(m, obj + s->offset);

	if (s->ptr_size == 8) {
		memcpy(&obj, p, 8);
		return obj;
	}
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/*
 * Walk a freelist in RAM, marking in on[] the list each entry is on:
 * every entry must be a free object of slab and on no list yet (seen
 * twice on the same list is a loop; on the other list, a free object
 * two CPUs could hand out).
 */
static int check_freelist(const struct machine *m, const struct kmem_cache *s,
			  const struct slab *slab, uint64_t obj, uint8_t list,
			  uint8_t *on, unsigned long *count, char *why,
			  size_t len)
{
	uint64_t first = slab->base + slab->colour + s->red_left_pad;

	for (; obj; (*count)++, obj = next_free(m, s, obj)) {
		uint64_t off = obj - first, idx = off / s->size;

		if (obj < first || off % s->size || idx >= slab->objects)
			return slab_fail(why, len, s,
					 "freelist points outside its slab",
					 obj);
		if (slab->owner[idx] != SLOT_FREE)
			return slab_fail(why, len, s,
					 "allocated object on a freelist", obj);
		if (on[idx] == list)
			return slab_fail(why, len, s, "freelist loops", obj);
		if (on[idx] != ON_NO_LIST)
			return slab_fail(why, len, s,
					 "free object on both the CPU and the "
					 "slab freelist",
					 obj);
		on[idx] = list;
	}
	return 0;
}

/* Every free object on exactly one freelist, every allocated on none. */
static int check_freelists(const struct machine *m, const struct kmem_cache *s,
			   const struct slab *slab, uint64_t cpu_freelist,
			   unsigned long *nfree, char *why, size_t len)
{
	uint8_t *on = calloc(slab->objects, 1);
	int err;

	if (!on)
		return slab_fail(why, len, s, "no memory to check", slab->base);
	err = check_freelist(m, s, slab, slab->freelist, ON_SLAB_LIST, on,
			     nfree, why, len);
	if (!err)
		err = check_freelist(m, s, slab, cpu_freelist, ON_CPU_LIST, on,
				     nfree, why, len);
	for (unsigned int i = 0; !err && i < slab->objects; i++)
		if (slab->owner[i] == SLOT_FREE && on[i] == ON_NO_LIST)
			err = slab_fail(
				why, len, s, "free object on no freelist",
				slab->base + slab->colour + s->red_left_pad +
					(uint64_t)i * s->size);
	free(on);
	return err;
}

static int check_slab(const struct machine *m, const struct kmem_cache *s,
		      const struct slab *slab, uint64_t cpu_freelist,
		      struct slab_census *c, char *why, size_t len)
{
	unsigned long nfree = 0;
	int err;

	if (slab->cache != s || !PageFlag(slab->page, PG_slab) ||
	    !PageFlag(slab->page, PG_head) || slab->page->owner ||
	    slab->page->mapping != (uint64_t)(uintptr_t)slab)
		return slab_fail(why, len, s, "slab page is not its own",
				 slab->base);
	if (slab->node < 0 || (unsigned int)slab->node >= s->nr_nodes ||
	    slab->node != page_to_nid(slab->page))
		return slab_fail(why, len, s,
				 "slab's node is not its pages' node",
				 slab->base);
	err = check_freelists(m, s, slab, cpu_freelist, &nfree, why, len);
	if (err)
		return err;
	for (unsigned int i = 0; i < slab->objects; i++) {
		int owner = slab->owner[i];

		if (owner > 0 && !find_task_by_pid(m, owner))
			return slab_fail(why, len, s,
					 "an object's owner has exited",
					 slab->base);
	}
	if (!slab->frozen && slab->inuse != slab->objects - nfree)
		return slab_fail(why, len, s, "inuse is wrong", slab->base);
	c->slabs++;
	c->objects += slab->objects;
	c->node_slabs[slab->node]++;
	c->node_objects[slab->node] += slab->objects;
	c->free += nfree;
	c->pages += 1UL << slab->order;
	return 0;
}

static int check_list(const struct machine *m, const struct kmem_cache *s,
		      int nid, const struct list_head *head, enum slab_list id,
		      unsigned long nr, struct slab_census *c, char *why,
		      size_t len)
{
	const struct list_head *pos;
	unsigned long n = 0;

	list_for_each(pos, head)
	{
		const struct slab *slab = list_entry(pos, struct slab, list);
		unsigned int inuse = slab->objects;
		int err;

		if (slab->list_id != id || slab->frozen)
			return slab_fail(why, len, s, "slab on the wrong list",
					 slab->base);
		err = check_slab(m, s, slab, 0, c, why, len);
		if (err)
			return err;
		if (slab->node != nid)
			return slab_fail(why, len, s,
					 "slab on another node's list",
					 slab->base);
		inuse = slab->inuse;
		if ((id == SLAB_LIST_FULL && inuse != slab->objects) ||
		    (id == SLAB_LIST_PARTIAL &&
		     (!inuse || inuse == slab->objects)) ||
		    (id == SLAB_LIST_EMPTY && inuse))
			return slab_fail(why, len, s,
					 "slab's use does not fit its list",
					 slab->base);
		if (++n > nr)
			break;
	}
	if (n != nr)
		return slab_fail(why, len, s, "list length is not its count",
				 0);
	return 0;
}

/* A node's lists, then its counts against every slab of its pages. */
static int check_node(const struct machine *m, const struct kmem_cache *s,
		      int nid, struct slab_census *c, char *why, size_t len)
{
	const struct kmem_cache_node *n = get_node(s, nid);
	int err = check_list(m, s, nid, &n->full, SLAB_LIST_FULL, n->nr_full, c,
			     why, len);

	if (!err)
		err = check_list(m, s, nid, &n->partial, SLAB_LIST_PARTIAL,
				 n->nr_partial, c, why, len);
	if (!err)
		err = check_list(m, s, nid, &n->empty, SLAB_LIST_EMPTY,
				 n->nr_empty, c, why, len);
	if (err)
		return err;
	if (c->node_slabs[nid] != n->nr_slabs ||
	    c->node_objects[nid] != n->total_objects)
		return slab_fail(why, len, s, "a node's slab counts are wrong",
				 (uint64_t)nid);
	return 0;
}

static int check_cache(const struct machine *m, const struct kmem_cache *s,
		       unsigned long *pages, char *why, size_t len)
{
	struct slab_census c = {0};
	int err;

	if (s->owner > 0 && !find_task_by_pid(m, s->owner))
		return slab_fail(why, len, s, "the cache's owner has exited",
				 0);
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++) {
		const struct kmem_cache_cpu *cc = &s->cpu[cpu];

		if (!cc->slab) {
			if (cc->freelist)
				return slab_fail(why, len, s,
						 "CPU freelist without a slab",
						 cc->freelist);
			continue;
		}
		if (!cc->slab->frozen || cc->slab->list_id != SLAB_LIST_NONE)
			return slab_fail(why, len, s, "CPU slab not frozen",
					 cc->slab->base);
		err = check_slab(m, s, cc->slab, cc->freelist, &c, why, len);
		if (err)
			return err;
	}
	for (unsigned int nid = 0; nid < s->nr_nodes; nid++) {
		err = check_node(m, s, (int)nid, &c, why, len);
		if (err)
			return err;
	}
	*pages += c.pages;
	return 0;
}

/* Whether s is on the bucket's chain. */
static bool on_chain(const struct hlist_head *bucket,
		     const struct hlist_node *node)
{
	const struct hlist_node *pos;

	hlist_for_each(pos, bucket)
	{
		if (pos == node)
			return true;
	}
	return false;
}

/* Every cache is in both tables, in its own buckets, and nothing else. */
static int check_cache_tables(const struct slab_state *st, char *why,
			      size_t len)
{
	unsigned long listed = 0, by_id = 0, by_name = 0;
	const struct list_head *pos;
	const struct hlist_node *h;

	list_for_each(pos, &st->caches)
	{
		const struct kmem_cache *s =
			list_entry(pos, struct kmem_cache, list);

		listed++;
		if (!on_chain(&st->by_id[id_bucket(s->id)], &s->by_id) ||
		    !on_chain(&st->by_name[name_bucket(s->name)], &s->by_name))
			return slab_fail(why, len, s,
					 "is missing from its hash bucket", 0);
	}
	for (unsigned int b = 0; b < CACHE_HASH_SIZE; b++) {
		hlist_for_each(h, &st->by_id[b])
		{
			by_id++;
		}
		hlist_for_each(h, &st->by_name[b])
		{
			by_name++;
		}
	}
	if (by_id != listed || by_name != listed) {
		snprintf(why, len,
			 "slab: %lu caches listed, %lu by handle, %lu by name",
			 listed, by_id, by_name);
		return -EUCLEAN;
	}
	return 0;
}

int slab_check(const struct machine *m, char *why, size_t len)
{
	unsigned long pages = 0, marked = 0, pfn;
	const struct list_head *pos;
	long bytes;
	int err;

	if (!m->slab)
		return 0;
	err = check_cache_tables(m->slab, why, len);
	if (err)
		return err;
	list_for_each(pos, &m->slab->caches)
	{
		err = check_cache(m, list_entry(pos, struct kmem_cache, list),
				  &pages, why, len);

		if (err)
			return err;
	}
	for_each_written_pfn(m, pfn, 0, m->max_pfn)
	{
		marked += PageFlag(&m->mem_map[pfn], PG_slab);
	}
	bytes = m->node_stat[NR_SLAB_RECLAIMABLE_B] +
		m->node_stat[NR_SLAB_UNRECLAIMABLE_B];
	if (marked != pages ||
	    (unsigned long)bytes !=
		    (pages + m->slab->large_pages) * m->page_size) {
		snprintf(why, len,
			 "slab pages: %lu in caches, %lu marked, %ld bytes "
			 "counted",
			 pages, marked, bytes);
		return -EUCLEAN;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* /proc/slabinfo                                                      */

static void slabinfo_cache(const struct kmem_cache *s,
			   struct slab_cache_snapshot *c)
{
	unsigned long free = 0, total = cache_total_objects(s);
	const struct list_head *pos;

	/* As SLUB counts: free objects in partial (and empty) slabs. */
	for (unsigned int nid = 0; nid < s->nr_nodes; nid++) {
		const struct kmem_cache_node *n = get_node(s, (int)nid);

		list_for_each(pos, &n->partial)
		{
			const struct slab *slab =
				list_entry(pos, struct slab, list);

			free += slab->objects - slab->inuse;
		}
		list_for_each(pos, &n->empty) free +=
			list_entry(pos, struct slab, list)->objects;
	}
	snprintf(c->name, sizeof(c->name), "%s", s->name);
	c->active_objs = total - free;
	c->num_objs = total;
	c->objsize = s->size;
	c->objperslab = s->objects;
	c->pagesperslab = 1ULL << s->order;
	c->active_slabs = cache_nr_slabs(s);
	c->num_slabs = c->active_slabs;
}

int slabinfo_fill(const struct machine *m, int pid, void *snap)
{
	struct slabinfo_snapshot *si = snap;
	const struct list_head *pos;
	size_t n = 0;

	(void)pid;
	snprintf(si->version, sizeof(si->version), "2.1");
	list_for_each(pos, &m->slab->caches) n++;
	si->caches = snap_alloc(n, sizeof(*si->caches));
	if (!si->caches)
		return -ENOMEM;
	list_for_each(pos, &m->slab->caches)
		slabinfo_cache(list_entry(pos, struct kmem_cache, list),
			       &si->caches[si->nr_caches++]);
	return 0;
}

int slabinfo_show(const void *snap, struct seq_buf *sb)
{
	const struct slabinfo_snapshot *si = snap;

	seq_printf(sb, "slabinfo - version: %s\n", si->version);
	seq_printf(sb, "# name            <active_objs> <num_objs> <objsize> "
		       "<objperslab> <pagesperslab> : tunables <limit> "
		       "<batchcount> <sharedfactor> : slabdata <active_slabs> "
		       "<num_slabs> <sharedavail>\n");
	for (size_t i = 0; i < si->nr_caches; i++) {
		const struct slab_cache_snapshot *c = &si->caches[i];

		seq_printf(sb, "%-17s %6llu %6llu %6llu %4llu %4llu", c->name,
			   (unsigned long long)c->active_objs,
			   (unsigned long long)c->num_objs,
			   (unsigned long long)c->objsize,
			   (unsigned long long)c->objperslab,
			   (unsigned long long)c->pagesperslab);
		seq_printf(sb, " : tunables %4llu %4llu %4llu",
			   (unsigned long long)c->limit,
			   (unsigned long long)c->batchcount,
			   (unsigned long long)c->sharedfactor);
		seq_printf(sb, " : slabdata %6llu %6llu %6llu\n",
			   (unsigned long long)c->active_slabs,
			   (unsigned long long)c->num_slabs,
			   (unsigned long long)c->sharedavail);
	}
	return sb->err;
}

#define SC(member, k) SNAP_FIELD(struct slab_cache_snapshot, member, k)
static const struct snap_field slab_cache_fields[] = {
	SC(name, SNAP_CHARS),	    SC(active_objs, SNAP_U64),
	SC(num_objs, SNAP_U64),	    SC(objsize, SNAP_U64),
	SC(objperslab, SNAP_U64),   SC(pagesperslab, SNAP_U64),
	SC(limit, SNAP_U64),	    SC(batchcount, SNAP_U64),
	SC(sharedfactor, SNAP_U64), SC(active_slabs, SNAP_U64),
	SC(num_slabs, SNAP_U64),    SC(sharedavail, SNAP_U64),
};
static const struct snap_desc slab_cache_desc =
	SNAP_DESC("SlabCache", struct slab_cache_snapshot, slab_cache_fields);
static const struct snap_field slabinfo_fields[] = {
	SNAP_FIELD(struct slabinfo_snapshot, version, SNAP_CHARS),
	SNAP_ARRAY(struct slabinfo_snapshot, caches, nr_caches, SNAP_ITEMS,
		   &slab_cache_desc),
};
static const struct snap_desc slabinfo_desc =
	SNAP_DESC("Slabinfo", struct slabinfo_snapshot, slabinfo_fields);
const struct report_type slabinfo_report = {&slabinfo_desc, slabinfo_fill,
					    slabinfo_show};

int report_slabinfo(const struct machine *m, struct seq_buf *sb)
{
	return report_show(&slabinfo_report, m, 0, sb);
}
