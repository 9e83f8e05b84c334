/*
 * uapi.c - the calls a client process may make into the machine.
 *
 * Owns: ownership and limit checks in front of the kernel-side API. Every
 * check comes before the first change. Must never: be used by the machine
 * for its own allocations (those belong to the kernel, pid 0).
 */
#include "core/uapi.h"

#include <errno.h>
#include <stdio.h>

#include "core/err.h"
#include "core/highmem.h"
#include "core/mmz.h"
#include "core/page_alloc.h"
#include "core/percpu.h"
#include "core/slab.h"
#include "core/task.h"
#include "core/vmalloc.h"

static struct task_struct *current_task(struct machine *m)
{
	struct task_struct *t = find_task_by_pid(m, m->current_pid);

	if (!t)
		snprintf(m->errmsg, sizeof(m->errmsg),
			 "no current task: connect as a process first");
	return t;
}

int uapi_alloc_pages(struct machine *m, gfp_t gfp, unsigned int order,
		     unsigned long *pfn)
{
	struct task_struct *t = current_task(m);
	struct page *page;

	if (!t)
		return -ESRCH;
	if (order <= LAYOUT_MAX_ORDER_LIMIT &&
	    t->nr_pages + (1UL << order) > m->layout.limits.pages) {
		snprintf(m->errmsg, sizeof(m->errmsg),
			 "pid %d would hold more than its %lu pages", t->pid,
			 (unsigned long)m->layout.limits.pages);
		return -EDQUOT;
	}
	page = alloc_pages(m, gfp, order);
	if (IS_ERR(page))
		return (int)PTR_ERR(page);
	page->owner = t->pid;
	list_add(&page->lru, &t->pages);
	t->nr_pages += 1UL << order;
	*pfn = page_to_pfn(m, page);
	return 0;
}

/* The page at pfn if it is a block the current task allocated. */
static struct page *owned_block(struct machine *m, struct task_struct *t,
				unsigned long pfn, int *err)
{
	struct page *page;

	if (!pfn_valid(m, pfn)) {
		*err = mm_refuse(m, BAD_PFN, -EINVAL,
				 "pfn %#lx is outside RAM (%lu frames)", pfn,
				 m->max_pfn);
		return NULL;
	}
	page = pfn_to_page(m, pfn);
	if (PageFlag(page, PG_head) && page->owner != t->pid) {
		*err = -EPERM;
		snprintf(m->errmsg, sizeof(m->errmsg),
			 "pfn %#lx belongs to %s, not to pid %d", pfn,
			 page->owner ? "another task" : "the kernel", t->pid);
		return NULL;
	}
	return page;
}

/* The current task and the block at pfn it owns, or an error. */
static int task_and_block(struct machine *m, unsigned long pfn,
			  struct task_struct **t, struct page **page)
{
	int err = 0;

	*t = current_task(m);
	if (!*t)
		return -ESRCH;
	*page = owned_block(m, *t, pfn, &err);
	return *page ? 0 : err;
}

/*
 * vmap holds references of its own on a block it maps: the task's last
 * one may not go while the block is mapped, or the frame could reach
 * another task while this one still reads and writes it through vmap.
 */
static int refuse_vmapped(struct machine *m, unsigned long pfn,
			  unsigned int pins)
{
	snprintf(m->errmsg, sizeof(m->errmsg),
		 "pfn %#lx is vmapped (%u page%s): vunmap before the last free",
		 pfn, pins, pins == 1 ? "" : "s");
	return -EBUSY;
}

/* Drop one reference; the last one takes the block off the task's list. */
static int put_owned(struct machine *m, struct task_struct *t,
		     struct page *page, unsigned int order)
{
	unsigned long pfn = page_to_pfn(m, page);
	unsigned int pins = vmap_pins(m, pfn);
	bool last = page->_refcount - (int)pins == 1;
	int err;

	if (last && pins && order == page->private)
		return refuse_vmapped(m, pfn, pins);

	if (last)
		list_del(&page->lru);
	err = free_pages_pfn(m, pfn, order);
	if (err) {
		if (last)
			list_add(&page->lru, &t->pages);
		return err;
	}
	if (last) {
		page->owner = 0;
		t->nr_pages -= 1UL << order;
	}
	return 0;
}

int uapi_free_pages(struct machine *m, unsigned long pfn, unsigned int order)
{
	struct task_struct *t;
	struct page *page;
	int err = task_and_block(m, pfn, &t, &page);

	if (err)
		return err;
	if (!PageFlag(page, PG_head))
		return free_pages_pfn(m, pfn, order); /* refused, and why */
	return put_owned(m, t, page, order);
}

int uapi_get_page(struct machine *m, unsigned long pfn)
{
	struct task_struct *t;
	struct page *page;
	int err = task_and_block(m, pfn, &t, &page);

	return err ? err : get_page(m, page);
}

int uapi_put_page(struct machine *m, unsigned long pfn)
{
	struct task_struct *t;
	struct page *page;
	int err = task_and_block(m, pfn, &t, &page);

	if (err)
		return err;
	if (!PageFlag(page, PG_head))
		return put_page(m, page); /* refused, and why */
	return put_owned(m, t, page, page->private);
}

/* ------------------------------------------------------------------ */
/* Slab caches and kmalloc                                             */

/*
 * Every object a client allocates goes: find the task, check its limit,
 * allocate, count it; every free: find the task, free, uncount. These
 * two keep that shape in one place.
 */
static int charge_object(struct machine *m, struct task_struct *t)
{
	if (t->nr_objects >= m->layout.limits.objects) {
		snprintf(m->errmsg, sizeof(m->errmsg),
			 "pid %d would hold more than its %lu objects", t->pid,
			 (unsigned long)m->layout.limits.objects);
		return -EDQUOT;
	}
	return 0;
}

static int begin_alloc(struct machine *m, struct task_struct **t)
{
	*t = current_task(m);
	if (!*t)
		return -ESRCH;
	return charge_object(m, *t);
}

static int counted(struct task_struct *t, int err, int delta)
{
	if (!err)
		t->nr_objects = (unsigned long)((long)t->nr_objects + delta);
	return err;
}

/* A cache the current task created; others' handles name nothing. */
static struct kmem_cache *own_cache(struct machine *m, struct task_struct *t,
				    uint64_t id)
{
	struct kmem_cache *s = kmem_cache_by_id(m, id);

	if (!s || kmem_cache_owner(s) != t->pid) {
		snprintf(m->errmsg, sizeof(m->errmsg),
			 "pid %d has no cache %llu", t->pid,
			 (unsigned long long)id);
		return NULL;
	}
	return s;
}

/*
 * Refuse to free or size what another task holds. Addresses that are no
 * allocated object at all pass: the allocator refuses them with reasons.
 */
static int check_object_owner(struct machine *m, struct task_struct *t,
			      uint64_t addr)
{
	struct slab_object obj;
	struct page *page;
	int owner;

	if (slab_object_of(m, addr, &obj) == 0) {
		if (!obj.allocated || obj.start != addr)
			return 0;
		owner = obj.owner;
	} else {
		page = virt_to_page(m, addr);
		if (!page || !PageFlag(page, PG_large_kmalloc))
			return 0;
		owner = page->owner;
	}
	if (owner == t->pid)
		return 0;
	snprintf(m->errmsg, sizeof(m->errmsg),
		 "object %#lx belongs to %s, not to pid %d",
		 (unsigned long)addr, owner ? "another task" : "the kernel",
		 t->pid);
	return -EPERM;
}

static void take_object(struct machine *m, struct task_struct *t, uint64_t addr)
{
	if (addr != ZERO_SIZE_PTR) {
		slab_set_owner(m, addr, t->pid);
		t->nr_objects++;
	}
}

int uapi_kmem_cache_create(struct machine *m, const char *name,
			   unsigned int size, unsigned int align,
			   unsigned int flags, uint64_t *cache)
{
	struct task_struct *t;
	struct kmem_cache *s;
	int err = begin_alloc(m, &t);

	if (err)
		return err;
	s = kmem_cache_create(m, name, size, align, flags, NULL);
	if (IS_ERR(s))
		return (int)PTR_ERR(s);
	*cache = kmem_cache_id(s);
	t->nr_objects++; /* a cache counts against the limit too */
	return 0;
}

int uapi_kmem_cache_destroy(struct machine *m, uint64_t cache)
{
	struct task_struct *t = current_task(m);
	struct kmem_cache *s = t ? own_cache(m, t, cache) : NULL;

	if (!t)
		return -ESRCH;
	return s ? counted(t, kmem_cache_destroy(m, s), -1) : -ENOENT;
}

int uapi_kmem_cache_shrink(struct machine *m, uint64_t cache)
{
	struct task_struct *t = current_task(m);
	struct kmem_cache *s = t ? own_cache(m, t, cache) : NULL;

	if (!t)
		return -ESRCH;
	if (!s)
		return -ENOENT;
	kmem_cache_shrink(m, s);
	return 0;
}

int uapi_kmem_cache_alloc(struct machine *m, uint64_t cache, gfp_t gfp,
			  uint64_t *addr)
{
	struct task_struct *t = current_task(m);
	struct kmem_cache *s = t ? own_cache(m, t, cache) : NULL;
	int err;

	if (!t)
		return -ESRCH;
	if (!s)
		return -ENOENT;
	err = charge_object(m, t);
	if (!err)
		err = kmem_cache_alloc(m, s, gfp, addr);
	if (!err)
		take_object(m, t, *addr);
	return err;
}

int uapi_kmem_cache_free(struct machine *m, uint64_t cache, uint64_t addr)
{
	struct task_struct *t = current_task(m);
	struct kmem_cache *s = t ? own_cache(m, t, cache) : NULL;
	int err;

	if (!t)
		return -ESRCH;
	if (!s)
		return -ENOENT;
	err = check_object_owner(m, t, addr);
	if (!err)
		err = kmem_cache_free(m, s, addr);
	if (!err)
		t->nr_objects--;
	return err;
}

int uapi_kmalloc(struct machine *m, size_t size, gfp_t gfp, uint64_t *addr)
{
	struct task_struct *t;
	int err = begin_alloc(m, &t);

	if (!err)
		err = kmalloc(m, size, gfp, addr);
	if (!err)
		take_object(m, t, *addr);
	return err;
}

int uapi_kcalloc(struct machine *m, size_t n, size_t size, gfp_t gfp,
		 uint64_t *addr)
{
	struct task_struct *t;
	int err = begin_alloc(m, &t);

	if (!err)
		err = kcalloc(m, n, size, gfp, addr);
	if (!err)
		take_object(m, t, *addr);
	return err;
}

int uapi_kfree(struct machine *m, uint64_t addr)
{
	struct task_struct *t = current_task(m);
	int err;

	if (!t)
		return -ESRCH;
	if (addr == 0 || addr == ZERO_SIZE_PTR)
		return 0;
	err = check_object_owner(m, t, addr);
	if (!err)
		err = kfree(m, addr);
	if (!err)
		t->nr_objects--;
	return err;
}

int uapi_krealloc(struct machine *m, uint64_t addr, size_t size, gfp_t gfp,
		  uint64_t *new_addr)
{
	struct task_struct *t = current_task(m);
	int err;

	if (!t)
		return -ESRCH;
	if (addr == 0 || addr == ZERO_SIZE_PTR)
		return uapi_kmalloc(m, size, gfp, new_addr);
	err = check_object_owner(m, t, addr);
	if (!err)
		err = krealloc(m, addr, size, gfp, new_addr);
	if (err)
		return err;
	if (*new_addr == ZERO_SIZE_PTR)
		t->nr_objects--;
	else
		slab_set_owner(m, *new_addr, t->pid);
	return 0;
}

int uapi_ksize(struct machine *m, uint64_t addr, size_t *size)
{
	struct task_struct *t = current_task(m);
	int err;

	if (!t)
		return -ESRCH;
	err = check_object_owner(m, t, addr);
	return err ? err : ksize(m, addr, size);
}

/* ------------------------------------------------------------------ */
/* Per-CPU areas and media memory: their allocators check owners     */

int uapi_alloc_percpu(struct machine *m, unsigned long size,
		      unsigned long align, uint64_t *ptr)
{
	struct task_struct *t;
	int err = begin_alloc(m, &t);

	return err ? err : counted(t, alloc_percpu(m, size, align, ptr), 1);
}

int uapi_free_percpu(struct machine *m, uint64_t ptr)
{
	struct task_struct *t = current_task(m);

	return t ? counted(t, free_percpu(m, ptr), -1) : -ESRCH;
}

int uapi_per_cpu_ptr(struct machine *m, uint64_t ptr, unsigned int cpu,
		     uint64_t *addr)
{
	struct task_struct *t = current_task(m);
	int owner = 0;

	if (!t)
		return -ESRCH;
	if (pcpu_owner_of(m, ptr, 1, &owner) || owner != t->pid) {
		snprintf(m->errmsg, sizeof(m->errmsg),
			 "%#lx is no per-CPU allocation of pid %d",
			 (unsigned long)ptr, t->pid);
		return -EINVAL;
	}
	return per_cpu_ptr(m, ptr, cpu, addr);
}

int uapi_mmz_alloc(struct machine *m, const char *zone, const char *name,
		   uint64_t size, uint64_t align, uint64_t *phys)
{
	struct task_struct *t;
	int err = begin_alloc(m, &t);

	return err ? err
		   : counted(t, mmz_alloc(m, zone, name, size, align, phys), 1);
}

int uapi_mmz_free(struct machine *m, uint64_t phys)
{
	struct task_struct *t = current_task(m);

	return t ? counted(t, mmz_free(m, phys), -1) : -ESRCH;
}

/* Any task may look a block up by name: media-mem lists them all. */
int uapi_mmz_find(struct machine *m, const char *name, uint64_t *phys,
		  uint64_t *size)
{
	if (!current_task(m))
		return -ESRCH;
	return mmz_find(m, name, phys, size);
}

/* ------------------------------------------------------------------ */
/* The vmalloc area and high memory                                    */

int uapi_vmalloc(struct machine *m, unsigned long size, uint64_t *addr)
{
	struct task_struct *t;
	int err = begin_alloc(m, &t);

	return err ? err : counted(t, vmalloc(m, size, addr), 1);
}

int uapi_vzalloc(struct machine *m, unsigned long size, uint64_t *addr)
{
	struct task_struct *t;
	int err = begin_alloc(m, &t);

	return err ? err : counted(t, vzalloc(m, size, addr), 1);
}

int uapi_vfree(struct machine *m, uint64_t addr)
{
	struct task_struct *t = current_task(m);

	if (!t)
		return -ESRCH;
	return addr ? counted(t, vfree(m, addr), -1) : 0; /* NULL: no-op */
}

/* The page at pfn, if it lies in a block the task allocated. */
static struct page *owned_page(struct machine *m, struct task_struct *t,
			       unsigned long pfn, int *err)
{
	unsigned long head = pfn_to_block_head(m, pfn);

	*err = -EPERM;
	if (!pfn_valid(m, pfn)) {
		*err = mm_refuse(m, BAD_PFN, -EINVAL,
				 "pfn %#lx is outside RAM (%lu frames)", pfn,
				 m->max_pfn);
		return NULL;
	}
	if (head == ULONG_MAX || pfn_to_page(m, head)->owner != t->pid ||
	    PageFlag(pfn_to_page(m, head), PG_large_kmalloc)) {
		snprintf(m->errmsg, sizeof(m->errmsg),
			 "pfn %#lx is not in a block pid %d allocated", pfn,
			 t->pid);
		return NULL;
	}
	return pfn_to_page(m, pfn);
}

int uapi_vmap(struct machine *m, const unsigned long *pfns, unsigned int count,
	      uint64_t *addr)
{
	struct task_struct *t;
	int err = begin_alloc(m, &t);

	if (err)
		return err;
	for (unsigned int i = 0; i < count; i++)
		if (!owned_page(m, t, pfns[i], &err))
			return err;
	return counted(t, vmap(m, pfns, count, addr), 1);
}

int uapi_vunmap(struct machine *m, uint64_t addr)
{
	struct task_struct *t = current_task(m);

	if (!t)
		return -ESRCH;
	return addr ? counted(t, vunmap(m, addr), -1) : 0; /* NULL: no-op */
}

int uapi_ioremap(struct machine *m, uint64_t phys, unsigned long size,
		 uint64_t *addr)
{
	struct task_struct *t;
	int err = begin_alloc(m, &t);

	return err ? err : counted(t, ioremap(m, phys, size, addr), 1);
}

int uapi_iounmap(struct machine *m, uint64_t addr)
{
	struct task_struct *t = current_task(m);

	if (!t)
		return -ESRCH;
	return addr ? counted(t, iounmap(m, addr), -1) : 0; /* NULL: no-op */
}

int uapi_kmap(struct machine *m, unsigned long pfn, uint64_t *addr)
{
	struct task_struct *t = current_task(m);
	struct page *page;
	int err;

	if (!t)
		return -ESRCH;
	page = owned_page(m, t, pfn, &err);
	return page ? kmap(m, page, addr) : err;
}

int uapi_kunmap(struct machine *m, unsigned long pfn)
{
	if (!current_task(m))
		return -ESRCH;
	if (!pfn_valid(m, pfn))
		return mm_refuse(m, BAD_PFN, -EINVAL,
				 "pfn %#lx is outside RAM (%lu frames)", pfn,
				 m->max_pfn);
	return kunmap(m, pfn_to_page(m, pfn));
}

int uapi_kmap_atomic(struct machine *m, unsigned long pfn, uint64_t *addr)
{
	struct task_struct *t = current_task(m);
	struct page *page;
	int err;

	if (!t)
		return -ESRCH;
	page = owned_page(m, t, pfn, &err);
	return page ? kmap_atomic(m, page, addr) : err;
}

int uapi_kunmap_atomic(struct machine *m, uint64_t addr)
{
	return current_task(m) ? kunmap_atomic(m, addr) : -ESRCH;
}
