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
#include "core/page_alloc.h"
#include "core/task.h"

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

/* Drop one reference; the last one takes the block off the task's list. */
static int put_owned(struct machine *m, struct task_struct *t,
		     struct page *page, unsigned int order)
{
	bool last = page->_refcount == 1;
	int err;

	if (last)
		list_del(&page->lru);
	err = free_pages_pfn(m, page_to_pfn(m, page), order);
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
	struct task_struct *t = current_task(m);
	struct page *page;
	int err = 0;

	if (!t)
		return -ESRCH;
	page = owned_block(m, t, pfn, &err);
	if (!page)
		return err;
	if (!PageFlag(page, PG_head))
		return free_pages_pfn(m, pfn, order); /* refused, and why */
	return put_owned(m, t, page, order);
}

int uapi_get_page(struct machine *m, unsigned long pfn)
{
	struct task_struct *t = current_task(m);
	struct page *page;
	int err = 0;

	if (!t)
		return -ESRCH;
	page = owned_block(m, t, pfn, &err);
	if (!page)
		return err;
	return get_page(m, page);
}

int uapi_put_page(struct machine *m, unsigned long pfn)
{
	struct task_struct *t = current_task(m);
	struct page *page;
	int err = 0;

	if (!t)
		return -ESRCH;
	page = owned_block(m, t, pfn, &err);
	if (!page)
		return err;
	if (!PageFlag(page, PG_head))
		return put_page(m, page); /* refused, and why */
	return put_owned(m, t, page, page->private);
}

/* Not built yet: each answers -ENOSYS until its subsystem lands. */

int uapi_kmem_cache_create(struct machine *m, const char *name,
			   unsigned int size, unsigned int align,
			   unsigned int flags, uint64_t *cache)
{
	(void)m;
	(void)name;
	(void)size;
	(void)align;
	(void)flags;
	(void)cache;
	return -ENOSYS;
}

int uapi_kmem_cache_destroy(struct machine *m, uint64_t cache)
{
	(void)m;
	(void)cache;
	return -ENOSYS;
}

int uapi_kmem_cache_shrink(struct machine *m, uint64_t cache)
{
	(void)m;
	(void)cache;
	return -ENOSYS;
}

int uapi_kmem_cache_alloc(struct machine *m, uint64_t cache, gfp_t gfp,
			  uint64_t *addr)
{
	(void)m;
	(void)cache;
	(void)gfp;
	(void)addr;
	return -ENOSYS;
}

int uapi_kmem_cache_free(struct machine *m, uint64_t cache, uint64_t addr)
{
	(void)m;
	(void)cache;
	(void)addr;
	return -ENOSYS;
}

int uapi_kmalloc(struct machine *m, size_t size, gfp_t gfp, uint64_t *addr)
{
	(void)m;
	(void)size;
	(void)gfp;
	(void)addr;
	return -ENOSYS;
}

int uapi_kcalloc(struct machine *m, size_t n, size_t size, gfp_t gfp,
		 uint64_t *addr)
{
	(void)m;
	(void)n;
	(void)size;
	(void)gfp;
	(void)addr;
	return -ENOSYS;
}

int uapi_krealloc(struct machine *m, uint64_t addr, size_t size, gfp_t gfp,
		  uint64_t *new_addr)
{
	(void)m;
	(void)addr;
	(void)size;
	(void)gfp;
	(void)new_addr;
	return -ENOSYS;
}

int uapi_kfree(struct machine *m, uint64_t addr)
{
	(void)m;
	(void)addr;
	return -ENOSYS;
}

int uapi_ksize(struct machine *m, uint64_t addr, size_t *size)
{
	(void)m;
	(void)addr;
	(void)size;
	return -ENOSYS;
}

int uapi_vmalloc(struct machine *m, unsigned long size, uint64_t *addr)
{
	(void)m;
	(void)size;
	(void)addr;
	return -ENOSYS;
}

int uapi_vzalloc(struct machine *m, unsigned long size, uint64_t *addr)
{
	(void)m;
	(void)size;
	(void)addr;
	return -ENOSYS;
}

int uapi_vfree(struct machine *m, uint64_t addr)
{
	(void)m;
	(void)addr;
	return -ENOSYS;
}

int uapi_vmap(struct machine *m, const unsigned long *pfns, unsigned int count,
	      uint64_t *addr)
{
	(void)m;
	(void)pfns;
	(void)count;
	(void)addr;
	return -ENOSYS;
}

int uapi_vunmap(struct machine *m, uint64_t addr)
{
	(void)m;
	(void)addr;
	return -ENOSYS;
}

int uapi_ioremap(struct machine *m, uint64_t phys, unsigned long size,
		 uint64_t *addr)
{
	(void)m;
	(void)phys;
	(void)size;
	(void)addr;
	return -ENOSYS;
}

int uapi_iounmap(struct machine *m, uint64_t addr)
{
	(void)m;
	(void)addr;
	return -ENOSYS;
}

int uapi_kmap(struct machine *m, unsigned long pfn, uint64_t *addr)
{
	(void)m;
	(void)pfn;
	(void)addr;
	return -ENOSYS;
}

int uapi_kunmap(struct machine *m, unsigned long pfn)
{
	(void)m;
	(void)pfn;
	return -ENOSYS;
}

int uapi_kmap_atomic(struct machine *m, unsigned long pfn, uint64_t *addr)
{
	(void)m;
	(void)pfn;
	(void)addr;
	return -ENOSYS;
}

int uapi_kunmap_atomic(struct machine *m, uint64_t addr)
{
	(void)m;
	(void)addr;
	return -ENOSYS;
}

int uapi_alloc_percpu(struct machine *m, unsigned long size,
		      unsigned long align, uint64_t *ptr)
{
	(void)m;
	(void)size;
	(void)align;
	(void)ptr;
	return -ENOSYS;
}

int uapi_free_percpu(struct machine *m, uint64_t ptr)
{
	(void)m;
	(void)ptr;
	return -ENOSYS;
}

int uapi_per_cpu_ptr(struct machine *m, uint64_t ptr, unsigned int cpu,
		     uint64_t *addr)
{
	(void)m;
	(void)ptr;
	(void)cpu;
	(void)addr;
	return -ENOSYS;
}

int uapi_mmz_alloc(struct machine *m, const char *zone, const char *name,
		   uint64_t size, uint64_t align, uint64_t *phys)
{
	(void)m;
	(void)zone;
	(void)name;
	(void)size;
	(void)align;
	(void)phys;
	return -ENOSYS;
}

int uapi_mmz_free(struct machine *m, uint64_t phys)
{
	(void)m;
	(void)phys;
	return -ENOSYS;
}

int uapi_mmz_find(struct machine *m, const char *name, uint64_t *phys,
		  uint64_t *size)
{
	(void)m;
	(void)name;
	(void)phys;
	(void)size;
	return -ENOSYS;
}

int uapi_read(struct machine *m, uint64_t addr, void *buf, size_t len)
{
	(void)m;
	(void)addr;
	(void)buf;
	(void)len;
	return -ENOSYS;
}

int uapi_write(struct machine *m, uint64_t addr, const void *buf, size_t len)
{
	(void)m;
	(void)addr;
	(void)buf;
	(void)len;
	return -ENOSYS;
}

int uapi_read_phys(struct machine *m, uint64_t phys, void *buf, size_t len)
{
	(void)m;
	(void)phys;
	(void)buf;
	(void)len;
	return -ENOSYS;
}

int uapi_write_phys(struct machine *m, uint64_t phys, const void *buf,
		    size_t len)
{
	(void)m;
	(void)phys;
	(void)buf;
	(void)len;
	return -ENOSYS;
}
