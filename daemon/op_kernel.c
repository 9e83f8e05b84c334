/* SPDX-License-Identifier: MIT */
/*
 * op_kernel.c - the handlers of the kernel-API rows of the operation
 * table that are not mechanical: allocations that may wait, vmap's
 * list of pages, MMZ lookups, and the bytes of what a session owns.
 *
 * Owns: when an allocation waits rather than fails, and the wire's
 * bounds on lengths that must fit a frame. Must never: touch the
 * machine except through uapi, do I/O, or set a result the row does
 * not name (dispatch.c fills number results from r->value).
 */
#include <errno.h>
#include <stdlib.h>

#include "core/api.h"
#include "daemon/server.h"

/*
 * Whether a failed allocation waits rather than fails (mm.proto,
 * WAITING): __GFP_NOFAIL always, one that may reclaim when the client
 * gave it a timeout, or until the OOM killer's victim has exited.
 * dispatch.c takes the timeout from the message.
 */
static int may_wait(struct session *s, int err, gfp_t gfp, uint32_t timeout_ms)
{
	if ((err == -EAGAIN || err == -ENOMEM) && (gfp & __GFP_NOFAIL))
		return DISPATCH_PARK;
	if (err == -ENOMEM && (gfp & __GFP_DIRECT_RECLAIM) && timeout_ms)
		return DISPATCH_PARK;
	/*
	 * The OOM killer chose a victim that has yet to exit: Linux's
	 * allocator would retry once it has, and so does this call, once
	 * mmd has exited it (at the end of this request).
	 */
	if (err == -ENOMEM && (gfp & __GFP_DIRECT_RECLAIM) &&
	    oom_victim_exiting(s->d->m))
		return DISPATCH_PARK;
	return err;
}

int op_alloc_pages(struct session *s, const Mm__AllocPages *a, struct reply *r)
{
	int err = uapi_alloc_pages(s->d->m, a->gfp, a->order, &r->value);

	return err ? may_wait(s, err, a->gfp, a->timeout_ms) : 0;
}

int op_get_free_pages(struct session *s, const Mm__AllocPages *a,
		      struct reply *r)
{
	int err = uapi_get_free_pages(s->d->m, a->gfp, a->order, &r->value);

	return err ? may_wait(s, err, a->gfp, a->timeout_ms) : 0;
}

int op_kmem_cache_alloc(struct session *s, const Mm__KmemCacheAlloc *a,
			struct reply *r)
{
	int err = uapi_kmem_cache_alloc(s->d->m, a->cache, a->gfp, &r->value);

	return err ? may_wait(s, err, a->gfp, a->timeout_ms) : 0;
}

/* A node not online is -EINVAL, which never waits. */
int op_kmem_cache_alloc_node(struct session *s, const Mm__KmemCacheAllocNode *a,
			     struct reply *r)
{
	int err = uapi_kmem_cache_alloc_node(s->d->m, a->cache, a->gfp, a->nid,
					     &r->value);

	return err ? may_wait(s, err, a->gfp, a->timeout_ms) : 0;
}

/* A size no block could hold is -ENOMEM too, but never waits. */
int op_kmalloc(struct session *s, const Mm__Kmalloc *a, struct reply *r)
{
	int err = uapi_kmalloc(s->d->m, a->size, a->gfp, &r->value);

	if (err && !kmalloc_may_fit(s->d->m, 1, a->size))
		return err;
	return err ? may_wait(s, err, a->gfp, a->timeout_ms) : 0;
}

int op_kmalloc_node(struct session *s, const Mm__KmallocNode *a,
		    struct reply *r)
{
	int err =
		uapi_kmalloc_node(s->d->m, a->size, a->gfp, a->nid, &r->value);

	if (err && !kmalloc_may_fit(s->d->m, 1, a->size))
		return err;
	return err ? may_wait(s, err, a->gfp, a->timeout_ms) : 0;
}

int op_kcalloc(struct session *s, const Mm__Kcalloc *a, struct reply *r)
{
	int err = uapi_kcalloc(s->d->m, a->n, a->size, a->gfp, &r->value);

	if (err && !kmalloc_may_fit(s->d->m, a->n, a->size))
		return err;
	return err ? may_wait(s, err, a->gfp, a->timeout_ms) : 0;
}

int op_krealloc(struct session *s, const Mm__Krealloc *a, struct reply *r)
{
	int err = uapi_krealloc(s->d->m, a->addr, a->size, a->gfp, &r->value);

	if (err && !kmalloc_may_fit(s->d->m, 1, a->size))
		return err;
	return err ? may_wait(s, err, a->gfp, a->timeout_ms) : 0;
}

/*
 * vmalloc, vzalloc, alloc_percpu and mmz_alloc have no gfp: they
 * allocate as GFP_KERNEL does, so they wait as one that may reclaim.
 * -EDQUOT and bad arguments never wait; neither does a vmalloc no
 * machine this size could ever meet.
 */
static int may_wait_kernel(struct session *s, int err, uint32_t timeout_ms)
{
	return may_wait(s, err, GFP_KERNEL, timeout_ms);
}

int op_vmalloc(struct session *s, const Mm__Vmalloc *a, struct reply *r)
{
	int err = uapi_vmalloc(s->d->m, a->size, &r->value);

	if (err && vmalloc_may_fit(s->d->m, a->size))
		return may_wait_kernel(s, err, a->timeout_ms);
	return err;
}

int op_vzalloc(struct session *s, const Mm__Vmalloc *a, struct reply *r)
{
	int err = uapi_vzalloc(s->d->m, a->size, &r->value);

	if (err && vmalloc_may_fit(s->d->m, a->size))
		return may_wait_kernel(s, err, a->timeout_ms);
	return err;
}

int op_vmalloc_node(struct session *s, const Mm__VmallocNode *a,
		    struct reply *r)
{
	int err = uapi_vmalloc_node(s->d->m, a->size, a->nid, &r->value);

	if (err && err != -EINVAL && vmalloc_may_fit(s->d->m, a->size))
		return may_wait_kernel(s, err, a->timeout_ms);
	return err;
}

int op_vzalloc_node(struct session *s, const Mm__VmallocNode *a,
		    struct reply *r)
{
	int err = uapi_vzalloc_node(s->d->m, a->size, a->nid, &r->value);

	if (err && err != -EINVAL && vmalloc_may_fit(s->d->m, a->size))
		return may_wait_kernel(s, err, a->timeout_ms);
	return err;
}

int op_vmap(struct session *s, const Mm__Vmap *v, struct reply *r)
{
	unsigned long *pfns;
	int err;

	if (v->n_pfns == 0 || v->n_pfns > UINT32_MAX)
		return reply_error(r, -EINVAL, "vmap of %zu pages", v->n_pfns);
	pfns = malloc(v->n_pfns * sizeof(*pfns));
	if (!pfns)
		return reply_error(r, -ENOMEM, "no host memory for the pfns");
	for (size_t i = 0; i < v->n_pfns; i++)
		pfns[i] = v->pfns[i];
	err = uapi_vmap(s->d->m, pfns, (unsigned int)v->n_pfns, &r->value);
	free(pfns);
	return err;
}

int op_kmap(struct session *s, const Mm__Kmap *a, struct reply *r)
{
	int err = uapi_kmap(s->d->m, a->pfn, &r->value);

	/* No free slot: kmap sleeps for one. */
	return err == -EAGAIN ? DISPATCH_PARK : err;
}

/*
 * Held by another: the caller sleeps (queued by core, in FIFO order)
 * until an unlock hands it the mutex. In atomic context core refuses
 * instead, and so nothing waits.
 */
int op_mutex_lock(struct session *s, const Mm__Mutex *a, struct reply *r)
{
	int err = uapi_mutex_lock(s->d->m, a->name);

	(void)r;
	return err == -EAGAIN && uapi_preemptible(s->d->m) ? DISPATCH_PARK
							   : err;
}

int op_alloc_percpu(struct session *s, const Mm__AllocPercpu *a,
		    struct reply *r)
{
	int err = uapi_alloc_percpu(s->d->m, a->size, a->align, &r->value);

	return err ? may_wait_kernel(s, err, a->timeout_ms) : 0;
}

int op_mmz_alloc(struct session *s, const Mm__MmzAlloc *a, struct reply *r)
{
	int err = uapi_mmz_alloc(s->d->m, a->zone, a->name, a->size, a->align,
				 &r->value);

	return err ? may_wait_kernel(s, err, a->timeout_ms) : 0;
}

int op_mmz_find(struct session *s, const Mm__MmzFind *a, struct reply *r)
{
	uint64_t phys = 0, size = 0;
	int err = uapi_mmz_find(s->d->m, a->name, &phys, &size);

	if (err)
		return err;
	mm__region__init(&r->region);
	r->region.phys = phys;
	r->region.size = size;
	r->rep.result_case = MM__REPLY__RESULT_REGION;
	r->rep.region = &r->region;
	return 0;
}

static int read_bytes(struct session *s, const Mm__Read *rd, bool phys,
		      struct reply *r)
{
	struct machine *m = s->d->m;
	uint8_t *dst;
	int err = reply_data_fits(s, r, rd->len, "read");

	if (err)
		return err;
	dst = reply_data_room(s, r, rd->len);
	if (!dst)
		return r->rep.status;
	err = phys ? uapi_read_phys(m, rd->addr, dst, rd->len)
		   : uapi_read(m, rd->addr, dst, rd->len);
	if (err)
		return err;
	reply_data_set(r, dst, rd->len);
	return 0;
}

int op_read(struct session *s, const Mm__Read *a, struct reply *r)
{
	return read_bytes(s, a, false, r);
}

int op_read_phys(struct session *s, const Mm__Read *a, struct reply *r)
{
	return read_bytes(s, a, true, r);
}

int op_write(struct session *s, const Mm__Write *a, struct reply *r)
{
	(void)r;
	return uapi_write(s->d->m, a->addr, a->data.data, a->data.len);
}

int op_write_phys(struct session *s, const Mm__Write *a, struct reply *r)
{
	(void)r;
	return uapi_write_phys(s->d->m, a->addr, a->data.data, a->data.len);
}

/* An admin's session may release any process's CMA allocation. */
int op_cma_release(struct session *s, const Mm__CmaRelease *a, struct reply *r)
{
	(void)r;
	return uapi_cma_release(s->d->m, a->name, a->pfn, a->count, s->admin);
}
