/* SPDX-License-Identifier: MIT */
/*
 * uapi.c - the calls a client process may make into the machine.
 *
 * Owns: ownership and limit checks in front of the kernel-side API: the
 * charge against limits.pages (memcontrol.h), reserved before the
 * allocation and marked on its frames after it (an MMZ block, a per-CPU
 * area and an ioremap or vmap area are charged once made, and undone at
 * once past the limit), a slab object's bytes as kmem; each process's
 * share of the pkmap, kmap_atomic and vmalloc-area pools; and zeroing
 * what a client is given (kernel.init_on_alloc). Every check comes
 * before the first change. Must never: be used by the machine for its
 * own allocations (those belong to the kernel, pid 0), or hand a client
 * bytes another process left, unless the layout says so.
 */
#include "core/uapi.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/highmem.h"
#include "core/memcontrol.h"
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
		mm_refuse(m, BAD_NONE, -ESRCH,
			  "no current task: connect as a process first");
	return t;
}

/*
 * init_on_alloc: what a client is given is zeroed, so that it never
 * holds bytes another process (another user's, root's) wrote and freed;
 * the kernel's own allocations are never a client's to read. With
 * kernel.init_on_alloc 0 memory keeps its last owner's bytes, as Linux
 * without init_on_alloc hands it over.
 */
static gfp_t client_gfp(const struct machine *m, gfp_t gfp)
{
	return m->layout.kernel.init_on_alloc ? gfp | __GFP_ZERO : gfp;
}

static gfp_t kmalloc_gfp(const struct machine *m, size_t size, gfp_t gfp)
{
	return kmalloc_init_on_alloc(m, size, gfp) ? gfp | __GFP_ZERO : gfp;
}

/* ------------------------------------------------------------------ */
/* Charges against limits.pages (memcontrol.h)                        */

/*
 * Every allocation that gives the task pages goes: reserve them in its
 * charge, allocate, mark the frames (or give the reservation back).
 * Sizes the allocator refuses anyway reserve nothing, so that a bad
 * request gets the allocator's own error rather than -EDQUOT.
 */
static unsigned long vmalloc_charge_pages(const struct machine *m,
					  unsigned long size)
{
	unsigned long nr =
		(size >> m->page_shift) + !!(size & (m->page_size - 1));

	return nr <= totalram_pages(m) ? nr : 0;
}

/* The pages behind a large kmalloc at addr, or 0 when it is none. */
static unsigned long large_kmalloc_pages_at(const struct machine *m,
					    uint64_t addr)
{
	const struct page *page = virt_to_page(m, addr);

	if (!page || !PageFlag(page, PG_large_kmalloc) ||
	    page_address(m, page) != addr)
		return 0;
	return 1UL << page->private;
}

/*
 * A kmalloc charged nr pages ahead: mark the block it made, or give the
 * pages back when it failed or took none (it kept the object in place).
 */
static int settle_kmalloc(struct machine *m, struct task_struct *t, int err,
			  const uint64_t *addr, unsigned long nr)
{
	if (!nr)
		return err;
	if (!err && large_kmalloc_pages_at(m, *addr) == nr &&
	    !virt_to_page(m, *addr)->memcg)
		mem_cgroup_commit_charge(
			m, page_to_pfn(m, virt_to_page(m, *addr)), nr, t->pid);
	else
		mem_cgroup_cancel_charge(m, t->pid, nr);
	return err;
}

/*
 * A node a client names: NUMA_NO_NODE or an online node. Linux's
 * kmalloc_node and alloc_pages_node trust their caller (a node past
 * nr_node_ids indexes past the kernel's arrays; alloc_pages_node's
 * VM_BUG_ON says so): a client gets -EINVAL.
 */
static int check_client_node(struct machine *m, const char *what, int nid)
{
	if (nid == NUMA_NO_NODE || node_online(m, nid))
		return 0;
	return mm_refuse(m, BAD_NONE, -EINVAL,
			 "%s: node %d is not online (%u nodes)", what, nid,
			 m->nr_node_ids);
}

/* A block for the current task: from nid, or by its policy (no node). */
static int task_alloc_pages(struct machine *m, int nid, gfp_t gfp,
			    unsigned int order, unsigned long *pfn)
{
	struct task_struct *t = current_task(m);
	unsigned long nr;
	struct page *page;
	int err;

	if (!t)
		return -ESRCH;
	/* A bad order is the allocator's to refuse, with its reasons. */
	nr = order <= m->max_order ? 1UL << order : 0;
	err = mem_cgroup_try_charge(m, t->pid, nr, gfp);
	if (err)
		return err;
	page = nid == NUMA_NO_NODE
		       ? alloc_pages(m, client_gfp(m, gfp), order)
		       : alloc_pages_node(m, nid, client_gfp(m, gfp), order);
	if (IS_ERR(page)) {
		mem_cgroup_cancel_charge(m, t->pid, nr);
		return (int)PTR_ERR(page);
	}
	mem_cgroup_commit_charge(m, page_to_pfn(m, page), nr, t->pid);
	page->owner = t->pid;
	list_add(&page->lru, &t->pages);
	t->nr_pages += 1UL << order;
	*pfn = page_to_pfn(m, page);
	return 0;
}

int uapi_alloc_pages(struct machine *m, gfp_t gfp, unsigned int order,
		     unsigned long *pfn)
{
	return task_alloc_pages(m, NUMA_NO_NODE, gfp, order, pfn);
}

int uapi_alloc_pages_node(struct machine *m, int nid, gfp_t gfp,
			  unsigned int order, unsigned long *pfn)
{
	int err = check_client_node(m, "alloc_pages_node", nid);

	return err ? err : task_alloc_pages(m, nid, gfp, order, pfn);
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
		*err = mm_refuse(m, BAD_NONE, -EPERM,
				 "pfn %#lx belongs to %s, not to pid %d", pfn,
				 page->owner ? "another task" : "the kernel",
				 t->pid);
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
	return mm_refuse(
		m, BAD_NONE, -EBUSY,
		"pfn %#lx is vmapped (%u page%s): vunmap before the last free",
		pfn, pins, pins == 1 ? "" : "s");
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
	if (t->nr_objects >= m->layout.limits.objects)
		return mm_refuse(m, BAD_NONE, -EDQUOT,
				 "pid %d would hold more than its %lu objects",
				 t->pid,
				 (unsigned long)m->layout.limits.objects);
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
		mm_refuse(m, BAD_NONE, -ENOENT, "pid %d has no cache %llu",
			  t->pid, (unsigned long long)id);
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
	return mm_refuse(m, BAD_NONE, -EPERM,
			 "object %#lx belongs to %s, not to pid %d",
			 (unsigned long)addr,
			 owner ? "another task" : "the kernel", t->pid);
}

/*
 * The bytes of the slab object at addr, which its owner's kmem charge
 * holds (memcontrol.h); 0 for none, or for a large kmalloc, whose
 * frames are charged instead.
 */
static uint64_t slab_bytes_at(const struct machine *m, uint64_t addr)
{
	struct slab_object obj;

	if (addr == 0 || addr == ZERO_SIZE_PTR ||
	    slab_object_of(m, addr, &obj) || !obj.allocated ||
	    obj.start != addr)
		return 0;
	return obj.size;
}

/* A call failed after its object's bytes were charged: they go back. */
static int kmem_settle(struct machine *m, struct task_struct *t, int err,
		       uint64_t bytes)
{
	if (err)
		mem_cgroup_uncharge_kmem(m, t->pid, bytes);
	return err;
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

static int task_kmem_cache_alloc(struct machine *m, uint64_t cache, gfp_t gfp,
				 int nid, uint64_t *addr)
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
		err = mem_cgroup_charge_kmem(m, t->pid, kmem_cache_size(s),
					     gfp);
	if (err)
		return err;
	err = kmem_cache_alloc_node(
		m, s, kmem_cache_init_on_alloc(m, s) ? gfp | __GFP_ZERO : gfp,
		nid, addr);
	err = kmem_settle(m, t, err, kmem_cache_size(s));
	if (!err)
		take_object(m, t, *addr);
	return err;
}

int uapi_kmem_cache_alloc(struct machine *m, uint64_t cache, gfp_t gfp,
			  uint64_t *addr)
{
	return task_kmem_cache_alloc(m, cache, gfp, NUMA_NO_NODE, addr);
}

int uapi_kmem_cache_alloc_node(struct machine *m, uint64_t cache, gfp_t gfp,
			       int nid, uint64_t *addr)
{
	int err = check_client_node(m, "kmem_cache_alloc_node", nid);

	return err ? err : task_kmem_cache_alloc(m, cache, gfp, nid, addr);
}

int uapi_kmem_cache_free(struct machine *m, uint64_t cache, uint64_t addr)
{
	struct task_struct *t = current_task(m);
	struct kmem_cache *s = t ? own_cache(m, t, cache) : NULL;
	uint64_t bytes;
	int err;

	if (!t)
		return -ESRCH;
	if (!s)
		return -ENOENT;
	err = check_object_owner(m, t, addr);
	bytes = err ? 0 : slab_bytes_at(m, addr);
	if (!err)
		err = kmem_cache_free(m, s, addr);
	if (!err) {
		t->nr_objects--;
		mem_cgroup_uncharge_kmem(m, t->pid, bytes);
	}
	return err;
}

static int task_kmalloc(struct machine *m, size_t size, gfp_t gfp, int nid,
			uint64_t *addr)
{
	unsigned long nr = kmalloc_large_pages(m, size);
	uint64_t bytes = kmalloc_slab_size(m, size, gfp);
	struct task_struct *t;
	int err = begin_alloc(m, &t);

	if (!err)
		err = mem_cgroup_try_charge(m, t->pid, nr, gfp);
	if (!err) {
		err = mem_cgroup_charge_kmem(m, t->pid, bytes, gfp);
		if (err)
			mem_cgroup_cancel_charge(m, t->pid, nr);
	}
	if (err)
		return err;
	err = kmalloc_node(m, size, kmalloc_gfp(m, size, gfp), nid, addr);
	err = kmem_settle(m, t, settle_kmalloc(m, t, err, addr, nr), bytes);
	if (!err)
		take_object(m, t, *addr);
	return err;
}

int uapi_kmalloc(struct machine *m, size_t size, gfp_t gfp, uint64_t *addr)
{
	return task_kmalloc(m, size, gfp, NUMA_NO_NODE, addr);
}

int uapi_kmalloc_node(struct machine *m, size_t size, gfp_t gfp, int nid,
		      uint64_t *addr)
{
	int err = check_client_node(m, "kmalloc_node", nid);

	return err ? err : task_kmalloc(m, size, gfp, nid, addr);
}

int uapi_kcalloc(struct machine *m, size_t n, size_t size, gfp_t gfp,
		 uint64_t *addr)
{
	bool overflow = size && n > SIZE_MAX / size; /* kcalloc refuses it */
	unsigned long nr = overflow ? 0 : kmalloc_large_pages(m, n * size);
	uint64_t bytes = overflow ? 0 : kmalloc_slab_size(m, n * size, gfp);
	struct task_struct *t;
	int err = begin_alloc(m, &t);

	if (!err)
		err = mem_cgroup_try_charge(m, t->pid, nr, gfp);
	if (!err) {
		err = mem_cgroup_charge_kmem(m, t->pid, bytes, gfp);
		if (err)
			mem_cgroup_cancel_charge(m, t->pid, nr);
	}
	if (err)
		return err;
	err = kcalloc(m, n, size, gfp, addr);
	err = kmem_settle(m, t, settle_kmalloc(m, t, err, addr, nr), bytes);
	if (!err)
		take_object(m, t, *addr);
	return err;
}

int uapi_kfree(struct machine *m, uint64_t addr)
{
	struct task_struct *t = current_task(m);
	uint64_t bytes;
	int err;

	if (!t)
		return -ESRCH;
	if (addr == 0 || addr == ZERO_SIZE_PTR)
		return 0;
	err = check_object_owner(m, t, addr);
	bytes = err ? 0 : slab_bytes_at(m, addr);
	if (!err)
		err = kfree(m, addr);
	if (!err) {
		t->nr_objects--;
		mem_cgroup_uncharge_kmem(m, t->pid, bytes);
	}
	return err;
}

int uapi_krealloc(struct machine *m, uint64_t addr, size_t size, gfp_t gfp,
		  uint64_t *new_addr)
{
	struct task_struct *t = current_task(m);
	uint64_t old_bytes, new_bytes = 0;
	unsigned long nr;
	size_t old = 0;
	int err;

	if (!t)
		return -ESRCH;
	if (addr == 0 || addr == ZERO_SIZE_PTR)
		return uapi_kmalloc(m, size, gfp, new_addr);
	err = check_object_owner(m, t, addr);
	if (err)
		return err;
	/* Growing past what it has takes new pages; in place takes none. */
	nr = size > (m->page_size * large_kmalloc_pages_at(m, addr))
		     ? kmalloc_large_pages(m, size)
		     : 0;
	/*
	 * Only a move takes a new object, charged and zeroed: in place, the
	 * bytes past the new size are this task's own, and krealloc keeps
	 * them; the old object's charge goes once it is freed.
	 */
	old_bytes = slab_bytes_at(m, addr);
	if (ksize(m, addr, &old) == 0 && size > old) {
		new_bytes = kmalloc_slab_size(m, size, gfp);
		gfp = kmalloc_gfp(m, size, gfp);
	}
	err = mem_cgroup_try_charge(m, t->pid, nr, gfp);
	if (!err) {
		err = mem_cgroup_charge_kmem(m, t->pid, new_bytes, gfp);
		if (err)
			mem_cgroup_cancel_charge(m, t->pid, nr);
	}
	if (err)
		return err;
	err = krealloc(m, addr, size, gfp, new_addr);
	err = kmem_settle(m, t, settle_kmalloc(m, t, err, new_addr, nr),
			  new_bytes);
	if (err)
		return err;
	if (*new_addr != addr)
		mem_cgroup_uncharge_kmem(m, t->pid, old_bytes);
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

	if (!err)
		err = alloc_percpu(m, size, align, ptr);
	if (err)
		return err;
	/* Charged once made (its size is the allocator's rounding). */
	err = mem_cgroup_charge_kmem(m, t->pid, pcpu_alloc_bytes(m, *ptr),
				     GFP_KERNEL);
	if (err) {
		free_percpu(m, *ptr);
		return err;
	}
	return counted(t, 0, 1);
}

int uapi_free_percpu(struct machine *m, uint64_t ptr)
{
	struct task_struct *t = current_task(m);
	uint64_t bytes = pcpu_alloc_bytes(m, ptr);
	int err;

	if (!t)
		return -ESRCH;
	err = counted(t, free_percpu(m, ptr), -1);
	if (!err)
		mem_cgroup_uncharge_kmem(m, t->pid, bytes);
	return err;
}

int uapi_per_cpu_ptr(struct machine *m, uint64_t ptr, unsigned int cpu,
		     uint64_t *addr)
{
	struct task_struct *t = current_task(m);
	int owner = 0;

	if (!t)
		return -ESRCH;
	if (pcpu_owner_of(m, ptr, 1, &owner) || owner != t->pid)
		return mm_refuse(m, BAD_NONE, -EINVAL,
				 "%#lx is no per-CPU allocation of pid %d",
				 (unsigned long)ptr, t->pid);
	return per_cpu_ptr(m, ptr, cpu, addr);
}

/*
 * An MMZ block is charged once it is found, as Linux charges a kernel
 * page after allocating it: a request the zones refuse gets their error,
 * and a block past the limit goes back at once (nothing else moved).
 */
int uapi_mmz_alloc(struct machine *m, const char *zone, const char *name,
		   uint64_t size, uint64_t align, uint64_t *phys)
{
	struct task_struct *t;
	uint64_t bytes;
	int err = begin_alloc(m, &t);

	if (!err)
		err = mmz_alloc(m, zone, name, size, align, phys);
	if (err)
		return err;
	mmz_block_size(m, *phys, &bytes);
	err = mem_cgroup_try_charge(m, t->pid, bytes >> m->page_shift,
				    GFP_KERNEL);
	if (err) {
		mmz_free(m, *phys); /* never used: it goes back at once */
		return err;
	}
	mem_cgroup_commit_charge(m, (unsigned long)(*phys >> m->page_shift),
				 bytes >> m->page_shift, t->pid);
	/* The block is RAM, contiguous: as init_on_alloc would, zero it. */
	if (m->layout.kernel.init_on_alloc)
		memset(pfn_to_ram(m, (unsigned long)(*phys >> m->page_shift)),
		       0, bytes);
	return counted(t, 0, 1);
}

int uapi_mmz_free(struct machine *m, uint64_t phys)
{
	struct task_struct *t = current_task(m);
	uint64_t bytes = 0;
	int err;

	if (!t)
		return -ESRCH;
	mmz_block_size(m, phys, &bytes);
	err = counted(t, mmz_free(m, phys), -1);
	if (!err)
		mem_cgroup_uncharge_frames(
			m, (unsigned long)(phys >> m->page_shift),
			bytes >> m->page_shift);
	return err;
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

/* vmalloc or vzalloc, its frames charged to t (GFP_KERNEL may reclaim). */
static int charged_vmalloc(struct machine *m, struct task_struct *t,
			   unsigned long size, bool zero, int nid,
			   uint64_t *addr)
{
	unsigned long nr = vmalloc_charge_pages(m, size), pfn;
	int err = mem_cgroup_try_charge(m, t->pid, nr, GFP_KERNEL);

	if (err)
		return err;
	if (nid == NUMA_NO_NODE)
		err = zero ? vzalloc(m, size, addr) : vmalloc(m, size, addr);
	else
		err = zero ? vzalloc_node(m, size, nid, addr)
			   : vmalloc_node(m, size, nid, addr);
	if (err) {
		mem_cgroup_cancel_charge(m, t->pid, nr);
		return err;
	}
	for (unsigned long i = 0; i < nr; i++)
		if (!vmalloc_to_pfn(m, *addr + ((uint64_t)i << m->page_shift),
				    &pfn)) {
			mem_cgroup_commit_charge(m, pfn, 1, t->pid);
			/* Zeroed as vzalloc's, still named vmalloc's. */
			if (!zero && m->layout.kernel.init_on_alloc)
				memset(pfn_to_ram(m, pfn), 0, m->page_size);
		}
	return 0;
}

int uapi_vmalloc(struct machine *m, unsigned long size, uint64_t *addr)
{
	struct task_struct *t;
	int err = begin_alloc(m, &t);

	return err ? err
		   : counted(t,
			     charged_vmalloc(m, t, size, false, NUMA_NO_NODE,
					     addr),
			     1);
}

int uapi_vzalloc(struct machine *m, unsigned long size, uint64_t *addr)
{
	struct task_struct *t;
	int err = begin_alloc(m, &t);

	return err ? err
		   : counted(t,
			     charged_vmalloc(m, t, size, true, NUMA_NO_NODE,
					     addr),
			     1);
}

static int task_vmalloc_node(struct machine *m, unsigned long size, int nid,
			     bool zero, uint64_t *addr)
{
	struct task_struct *t;
	int err = check_client_node(m, zero ? "vzalloc_node" : "vmalloc_node",
				    nid);

	if (!err)
		err = begin_alloc(m, &t);
	return err ? err
		   : counted(t, charged_vmalloc(m, t, size, zero, nid, addr),
			     1);
}

int uapi_vmalloc_node(struct machine *m, unsigned long size, int nid,
		      uint64_t *addr)
{
	return task_vmalloc_node(m, size, nid, false, addr);
}

int uapi_vzalloc_node(struct machine *m, unsigned long size, int nid,
		      uint64_t *addr)
{
	return task_vmalloc_node(m, size, nid, true, addr);
}

int uapi_vfree(struct machine *m, uint64_t addr)
{
	struct task_struct *t = current_task(m);

	if (!t)
		return -ESRCH;
	return addr ? counted(t, vfree(m, addr), -1) : 0; /* NULL: no-op */
}

int uapi_vmalloc_to_pfn(struct machine *m, uint64_t addr, unsigned long *pfn)
{
	struct task_struct *t = current_task(m);
	struct vmalloc_area_info info;

	if (!t)
		return -ESRCH;
	if (vmalloc_area_of(m, addr, 1, &info) || info.owner != t->pid)
		return mm_refuse(m, BAD_NONE, -EFAULT,
				 "%#llx is in no vmalloc area pid %d made",
				 (unsigned long long)addr, t->pid);
	return vmalloc_to_pfn(m, addr, pfn);
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
		mm_refuse(m, BAD_NONE, *err,
			  "pfn %#lx is not in a block pid %d allocated", pfn,
			  t->pid);
		return NULL;
	}
	return pfn_to_page(m, pfn);
}

/*
 * The vmalloc-area bytes the ioremap or vmap area at addr takes, its
 * guard page included: what limits.vmap_space counts. Such areas take
 * address space every process shares, but no page a memcg would charge.
 */
static uint64_t area_space(const struct machine *m, uint64_t addr)
{
	struct vmalloc_area_info info;

	if (vmalloc_area_of(m, addr, 1, &info))
		return 0;
	return info.size + m->page_size;
}

/*
 * A new area is counted once the allocator made it (a request it
 * refuses gets its own error); one past the limit is undone at once.
 */
static int charge_space(struct machine *m, struct task_struct *t, int err,
			const uint64_t *addr, const char *what,
			int (*undo)(struct machine *, uint64_t))
{
	uint64_t bytes, limit = m->layout.limits.vmap_space;

	if (err)
		return err;
	bytes = area_space(m, *addr);
	if (t->vmap_space + bytes <= limit) {
		t->vmap_space += bytes;
		t->nr_objects++;
		return 0;
	}
	undo(m, *addr);
	return mm_refuse(m, BAD_NONE, -EDQUOT,
			 "%s: pid %d's ioremaps and vmaps would span %llu "
			 "bytes of the vmalloc area, past its "
			 "limits.vmap_space (%llu)",
			 what, t->pid,
			 (unsigned long long)(t->vmap_space + bytes),
			 (unsigned long long)limit);
}

/* unmap of the area at addr; one that worked gives its bytes back. */
static int uncharge_space(struct machine *m, uint64_t addr,
			  int (*unmap)(struct machine *, uint64_t))
{
	struct task_struct *t = current_task(m);
	uint64_t bytes = area_space(m, addr);
	int err;

	if (!t)
		return -ESRCH;
	if (!addr)
		return 0;
	err = unmap(m, addr);
	if (!err) {
		t->vmap_space -= bytes < t->vmap_space ? bytes : t->vmap_space;
		t->nr_objects--;
	}
	return err;
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
	err = vmap(m, pfns, count, addr);
	return charge_space(m, t, err, addr, "vmap", vunmap);
}

int uapi_vunmap(struct machine *m, uint64_t addr)
{
	return uncharge_space(m, addr, vunmap);
}

int uapi_ioremap(struct machine *m, uint64_t phys, unsigned long size,
		 uint64_t *addr)
{
	struct task_struct *t;
	int err = begin_alloc(m, &t);

	if (err)
		return err;
	err = ioremap(m, phys, size, addr);
	return charge_space(m, t, err, addr, "ioremap", iounmap);
}

int uapi_iounmap(struct machine *m, uint64_t addr)
{
	return uncharge_space(m, addr, iounmap);
}

/*
 * The pkmap and kmap_atomic slots are shared by every process; no one
 * process may hold more than its limit of them (-EDQUOT at once: only
 * it could give one back, so waiting would wait for nothing).
 */
int uapi_get_free_pages(struct machine *m, gfp_t gfp, unsigned int order,
			uint64_t *addr)
{
	unsigned long pfn;
	int err;

	if (!current_task(m))
		return -ESRCH;
	err = uapi_alloc_pages(m, get_free_pages_gfp(m, gfp), order, &pfn);
	if (!err)
		*addr = lowmem_page_address(m, pfn_to_page(m, pfn));
	return err;
}

/* A direct-map address's page, page-aligned, or a refusal saying why. */
static int direct_map_pfn(struct machine *m, uint64_t addr, unsigned long *pfn)
{
	struct page *page = virt_to_page(m, addr);

	if (!page || (addr & (m->page_size - 1)))
		return mm_refuse(
			m, BAD_ADDRESS, -EINVAL,
			"%#llx is not a page in the direct map "
			"(from %#llx, %lu low frames)",
			(unsigned long long)addr,
			(unsigned long long)m->layout.kernel.page_offset,
			m->lowmem_end_pfn);
	*pfn = page_to_pfn(m, page);
	return 0;
}

int uapi_free_pages_addr(struct machine *m, uint64_t addr, unsigned int order)
{
	unsigned long pfn;
	int err;

	if (!current_task(m))
		return -ESRCH;
	if (!addr)
		return 0; /* free_pages(0, order), as Linux's, does nothing */
	err = direct_map_pfn(m, addr, &pfn);
	return err ? err : uapi_free_pages(m, pfn, order);
}

int uapi_page_address(struct machine *m, unsigned long pfn, uint64_t *addr)
{
	struct task_struct *t = current_task(m);
	struct page *page;
	int err;

	if (!t)
		return -ESRCH;
	page = owned_page(m, t, pfn, &err);
	if (!page)
		return err;
	*addr = page_address(m, page);
	return 0;
}

/* Arithmetic on the address, as Linux's: no page is read or owned. */
int uapi_virt_to_page(struct machine *m, uint64_t addr, unsigned long *pfn)
{
	if (!current_task(m))
		return -ESRCH;
	return direct_map_pfn(m, addr, pfn);
}

int uapi_kmap(struct machine *m, unsigned long pfn, uint64_t *addr)
{
	struct task_struct *t = current_task(m);
	unsigned int held, limit = m->layout.limits.kmap;
	struct page *page;
	int err;

	if (!t)
		return -ESRCH;
	page = owned_page(m, t, pfn, &err);
	if (!page)
		return err;
	if (pfn >= m->lowmem_end_pfn && !kmap_holds(m, pfn, t->pid)) {
		held = kmap_slots_held(m, t->pid);
		if (held >= limit)
			return mm_refuse(m, BAD_NONE, -EDQUOT,
					 "kmap: pid %d holds %u pkmap slots, "
					 "its limit (limits.kmap); kunmap one "
					 "first",
					 t->pid, held);
	}
	return kmap(m, page, addr);
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
	unsigned int held, limit = m->layout.limits.kmap_atomic;
	struct page *page;
	int err;

	if (!t)
		return -ESRCH;
	page = owned_page(m, t, pfn, &err);
	if (!page)
		return err;
	/* A limit of the whole pool leaves the pool's own -EBUSY to say. */
	held = kmap_atomic_slots_held(m, m->cpu, t->pid);
	if (pfn >= m->lowmem_end_pfn && held >= limit &&
	    limit < m->layout.kernel.kmap_atomic_slots)
		return mm_refuse(m, BAD_NONE, -EDQUOT,
				 "kmap_atomic: pid %d holds %u slots of cpu "
				 "%u, its limit (limits.kmap_atomic)",
				 t->pid, held, m->cpu);
	return kmap_atomic(m, page, addr);
}

int uapi_kunmap_atomic(struct machine *m, uint64_t addr)
{
	return current_task(m) ? kunmap_atomic(m, addr) : -ESRCH;
}
