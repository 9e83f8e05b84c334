/*
 * dispatch.c - one decoded request in, one reply out: the wire's
 * operations translated into core's uapi calls.
 *
 * Owns: argument checks the wire needs beyond core's (lengths that must
 * fit a frame, report kinds, who may make admin requests), the choice to
 * park an allocation that may wait, and the reply's result. Must never:
 * touch the machine except through uapi, reports, the checker and the
 * admin calls; do I/O; or trust a field of the request unchecked.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/frame_state.h"
#include "core/malloc.h"
#include "core/mmz.h"
#include "core/page_alloc.h"
#include "core/printk.h"
#include "core/segment.h"
#include "core/slab.h"
#include "core/stats.h"
#include "core/task.h"
#include "core/task_mmu.h"
#include "core/uapi.h"
#include "core/vmalloc.h"
#include "daemon/server.h"

void reply_init(struct reply *r, uint64_t id)
{
	mm__reply__init(&r->rep);
	r->rep.id = id;
	r->msg[0] = '\0';
	r->heap[0] = r->heap[1] = NULL;
	r->park_timeout_ms = 0;
	r->data_in_place = false;
}

void reply_release(struct reply *r)
{
	free(r->heap[0]);
	free(r->heap[1]);
	r->heap[0] = r->heap[1] = NULL;
}

int reply_error(struct reply *r, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	r->rep.status = err;
	r->rep.message = r->msg;
	return err;
}

static void set_u64(struct reply *r, Mm__Reply__ResultCase which, uint64_t v)
{
	r->rep.result_case = which;
	switch (which) {
	case MM__REPLY__RESULT_PFN:
		r->rep.pfn = v;
		break;
	case MM__REPLY__RESULT_ADDR:
		r->rep.addr = v;
		break;
	case MM__REPLY__RESULT_SIZE:
		r->rep.size = v;
		break;
	case MM__REPLY__RESULT_CACHE:
		r->rep.cache = v;
		break;
	case MM__REPLY__RESULT_PHYS:
		r->rep.phys = v;
		break;
	case MM__REPLY__RESULT_FREE_PAGES:
		r->rep.free_pages = v;
		break;
	default:
		r->rep.result_case = MM__REPLY__RESULT__NOT_SET;
		break;
	}
}

/*
 * Whether a failed allocation waits rather than fails (mm.proto,
 * WAITING): __GFP_NOFAIL always, one that may reclaim only when the
 * client gave it a timeout.
 */
static int may_wait(struct reply *r, int err, gfp_t gfp, uint32_t timeout_ms)
{
	if ((err == -EAGAIN || err == -ENOMEM) && (gfp & __GFP_NOFAIL)) {
		r->park_timeout_ms = timeout_ms;
		return DISPATCH_PARK;
	}
	if (err == -ENOMEM && (gfp & __GFP_DIRECT_RECLAIM) && timeout_ms) {
		r->park_timeout_ms = timeout_ms;
		return DISPATCH_PARK;
	}
	return err;
}

/*
 * vmalloc, alloc_percpu and mmz_alloc have no gfp: they allocate as
 * GFP_KERNEL does, so they wait as one that may reclaim (mm.proto,
 * WAITING). -EDQUOT and bad arguments never wait; neither does a
 * vmalloc no machine this size could ever meet.
 */
static int may_wait_kernel(struct reply *r, int err, uint32_t timeout_ms)
{
	return may_wait(r, err, GFP_KERNEL, timeout_ms);
}

/* One of the u64-result calls: fail, or set the result. */
int addr_result(struct reply *r, int err, uint64_t v,
		Mm__Reply__ResultCase which)
{
	if (err == 0)
		set_u64(r, which, v);
	return err;
}

static int do_hello(struct session *s, const Mm__Hello *h, struct reply *r)
{
	struct mmd *d = s->d;
	struct machine *m = d->m;
	char comm[TASK_COMM_LEN];
	size_t i;
	int err, pid;

	if (s->pid)
		return reply_error(r, -EISCONN,
				   "this connection already is pid %d", s->pid);
	if (h->version != MMD_PROTOCOL_VERSION) {
		s->close_after_flush = true;
		return reply_error(r, -EPROTONOSUPPORT,
				   "protocol version %u is not supported: "
				   "mmd " MMD_VERSION " speaks version %u",
				   h->version, MMD_PROTOCOL_VERSION);
	}
	/* Keep the name printable: it ends up in reports and logs. */
	snprintf(comm, sizeof(comm), "%s",
		 h->comm && h->comm[0] ? h->comm : "client");
	for (i = 0; comm[i]; i++)
		if (comm[i] < 0x20 || comm[i] > 0x7e)
			comm[i] = '?';
	err = task_create(m, comm, h->cpu, h->oom_score_adj, &pid);
	if (err)
		return err;
	s->pid = pid;
	d->nr_tasks++;
	mm__hello_result__init(&r->hello);
	r->hello.version = MMD_PROTOCOL_VERSION;
	r->hello.pid = pid;
	r->hello.server = "mmd " MMD_VERSION;
	r->hello.machine = m->layout.name;
	r->hello.arch = (char *)arch_name(m->layout.arch);
	r->hello.page_size = (uint32_t)m->page_size;
	r->hello.nr_cpus = m->nr_cpus;
	r->hello.max_order = m->max_order;
	r->hello.page_offset = m->layout.kernel.page_offset;
	r->hello.max_frame_bytes = d->max_frame;
	r->hello.max_requests = m->layout.limits.requests;
	r->hello.admin = s->admin;
	r->rep.result_case = MM__REPLY__RESULT_HELLO;
	r->rep.hello = &r->hello;
	return 0;
}

static int do_read(struct session *s, const Mm__Read *rd, bool phys,
		   struct reply *r)
{
	struct mmd *d = s->d;
	uint32_t max = d->max_frame - REPLY_OVERHEAD;
	uint8_t *dst;
	int err;

	if (rd->len > max)
		return reply_error(r, -EINVAL,
				   "read of %u bytes: at most %u fit a reply",
				   rd->len, max);
	/* Straight into the reply's frame: the bytes are copied once. */
	dst = codec_data_reply_room(&s->out, &r->rep, rd->len);
	if (!dst)
		return reply_error(r, -ENOMEM, "no host memory for the reply");
	err = phys ? uapi_read_phys(d->m, rd->addr, dst, rd->len)
		   : uapi_read(d->m, rd->addr, dst, rd->len);
	if (err)
		return err;
	r->data_in_place = true;
	r->rep.result_case = MM__REPLY__RESULT_DATA;
	r->rep.data.data = dst;
	r->rep.data.len = rd->len;
	return 0;
}

static int do_write(struct session *s, const Mm__Write *wr, bool phys)
{
	struct machine *m = s->d->m;

	return phys ? uapi_write_phys(m, wr->addr, wr->data.data, wr->data.len)
		    : uapi_write(m, wr->addr, wr->data.data, wr->data.len);
}

static int do_vmap(struct machine *m, const Mm__Vmap *v, struct reply *r)
{
	unsigned long *pfns;
	uint64_t addr = 0;
	int err;

	if (v->n_pfns == 0 || v->n_pfns > UINT32_MAX)
		return reply_error(r, -EINVAL, "vmap of %zu pages", v->n_pfns);
	pfns = malloc(v->n_pfns * sizeof(*pfns));
	if (!pfns)
		return reply_error(r, -ENOMEM, "no host memory for the pfns");
	for (size_t i = 0; i < v->n_pfns; i++)
		pfns[i] = v->pfns[i];
	err = uapi_vmap(m, pfns, (unsigned int)v->n_pfns, &addr);
	free(pfns);
	return addr_result(r, err, addr, MM__REPLY__RESULT_ADDR);
}

/* The session's own lines after the kernel's /proc/PID/status. */
static void report_status(const struct session *s, const struct task_struct *t,
			  struct seq_buf *seq)
{
	const struct session *owner = session_by_pid(s->d, t->leader);

	if (owner)
		seq_printf(seq, "Uid:\t%u\nGid:\t%u\nHostPid:\t%d\n",
			   (unsigned int)owner->uid, (unsigned int)owner->gid,
			   (int)owner->host_pid);
	seq_printf(seq,
		   "Cpu:\t%u\noom_score_adj:\t%d\nPages:\t%lu\n"
		   "Objects:\t%lu\n",
		   t->cpu, t->oom_score_adj, t->nr_pages, t->nr_objects);
}

/*
 * The reports on one process: the session's own processes (itself and
 * what it forked) for anyone, another session's for admins only.
 */
static int report_process(struct session *s, const Mm__Report *rp,
			  struct seq_buf *seq, struct reply *r)
{
	struct machine *m = s->d->m;
	int pid = rp->pid ? rp->pid : s->pid;
	const struct task_struct *t = find_task_by_pid(m, pid);

	if (!t)
		return reply_error(r, -ESRCH, "no process with pid %d", pid);
	if (t->leader != s->pid && !s->admin)
		return reply_error(r, -EPERM,
				   "pid %d is another session's: admin only",
				   pid);
	switch (rp->kind) {
	case MM__REPORT_KIND__REPORT_STATUS:
		report_pid_status(m, pid, seq);
		report_status(s, t, seq);
		return seq->err;
	case MM__REPORT_KIND__REPORT_MAPS:
		return report_pid_maps(m, pid, seq);
	case MM__REPORT_KIND__REPORT_MALLOC_STATS:
		return report_malloc_stats(m, t->mm, seq);
	case MM__REPORT_KIND__REPORT_TRANSLATE:
		if (rp->addr > UINT32_MAX || rp->selector > 0xffff)
			return reply_error(r, -EINVAL,
					   "a far pointer is a 16-bit selector "
					   "and a 32-bit offset");
		return report_segment_translate(m, pid, rp->selector,
						(uint32_t)rp->addr, seq);
	default: /* MM__REPORT_KIND__REPORT_PAGEWALK */
		return report_pagewalk(m, pid, rp->addr, seq);
	}
}

static int do_report(struct session *s, const Mm__Report *rp, struct reply *r)
{
	struct mmd *d = s->d;
	const struct machine *m = d->m;
	struct seq_buf *seq = &d->seq;
	int err = 0;

	seq_buf_clear(seq);
	switch (rp->kind) {
	case MM__REPORT_KIND__REPORT_MEMINFO:
		err = report_meminfo(m, seq);
		break;
	case MM__REPORT_KIND__REPORT_BUDDYINFO:
		err = report_buddyinfo(m, seq);
		break;
	case MM__REPORT_KIND__REPORT_ZONEINFO:
		err = report_zoneinfo(m, seq);
		break;
	case MM__REPORT_KIND__REPORT_VMSTAT:
		err = report_vmstat(m, seq);
		break;
	case MM__REPORT_KIND__REPORT_SLABINFO:
		err = report_slabinfo(m, seq);
		break;
	case MM__REPORT_KIND__REPORT_VMALLOCINFO:
		err = report_vmallocinfo(m, seq);
		break;
	case MM__REPORT_KIND__REPORT_MEDIA_MEM:
		err = report_media_mem(m, seq);
		break;
	case MM__REPORT_KIND__REPORT_DMESG:
		err = report_dmesg(m, seq);
		break;
	case MM__REPORT_KIND__REPORT_PS:
		err = report_ps(m, seq);
		break;
	case MM__REPORT_KIND__REPORT_FRAMES:
		err = report_frames(m, seq);
		break;
	case MM__REPORT_KIND__REPORT_STATUS:
	case MM__REPORT_KIND__REPORT_MAPS:
	case MM__REPORT_KIND__REPORT_PAGEWALK:
	case MM__REPORT_KIND__REPORT_TRANSLATE:
	case MM__REPORT_KIND__REPORT_MALLOC_STATS:
		err = report_process(s, rp, seq, r);
		if (r->rep.status)
			return r->rep.status;
		break;
	default:
		return reply_error(r, -EINVAL, "unknown report kind %d",
				   (int)rp->kind);
	}
	if (!err)
		err = seq->err;
	if (err)
		return reply_error(r, err, "%s",
				   m->errmsg[0] ? m->errmsg
						: "the report failed");
	r->rep.result_case = MM__REPLY__RESULT_TEXT;
	r->rep.text = seq->buf ? seq->buf : "";
	return 0;
}

static int do_admin_sessions(struct session *s, struct reply *r)
{
	struct mmd *d = s->d;
	unsigned int n = 0, i = 0;
	Mm__Session *arr, **ptrs;
	struct list_head *pos;

	list_for_each(pos, &d->sessions) n++;
	arr = calloc(n ? n : 1, sizeof(*arr));
	ptrs = calloc(n ? n : 1, sizeof(*ptrs));
	r->heap[0] = arr;
	r->heap[1] = ptrs;
	if (!arr || !ptrs)
		return reply_error(r, -ENOMEM, "no host memory for the list");
	list_for_each(pos, &d->sessions)
	{
		const struct session *it = session_of(pos);
		const struct task_struct *t = find_task_by_pid(d->m, it->pid);
		Mm__Session *e = &arr[i];

		mm__session__init(e);
		e->pid = it->pid;
		e->uid = it->uid;
		e->gid = it->gid;
		e->host_pid = it->host_pid;
		e->requests = it->requests;
		e->comm = "";
		if (t) {
			e->comm = (char *)t->comm;
			e->cpu = t->cpu;
			e->nr_pages = t->nr_pages;
			e->nr_objects = t->nr_objects;
		}
		ptrs[i++] = e;
	}
	mm__sessions__init(&r->sessions);
	r->sessions.n_sessions = i;
	r->sessions.sessions = ptrs;
	r->rep.result_case = MM__REPLY__RESULT_SESSIONS;
	r->rep.sessions = &r->sessions;
	return 0;
}

static int do_admin(struct session *s, const Mm__Request *rq, struct reply *r)
{
	struct mmd *d = s->d;
	struct machine *m = d->m;
	char why[256];
	int err;

	if (!s->admin)
		return reply_error(r, -EPERM,
				   "admin requests need uid 0 or the admin "
				   "group%s%s; uid %u is neither",
				   m->layout.daemon.admin_group[0] ? " " : "",
				   m->layout.daemon.admin_group,
				   (unsigned int)s->uid);
	switch (rq->op_case) {
	case MM__REQUEST__OP_ADMIN_CHECK:
		why[0] = '\0';
		err = machine_check(m, why, sizeof(why));
		if (err)
			return reply_error(r, err, "%s", why);
		mm__check_result__init(&r->check);
		r->check.free_pages = global_free_pages(m);
		r->check.nr_tasks = nr_tasks(m);
		r->check.exits = d->nr_exits;
		r->check.leaked_blocks = d->leaked_blocks;
		r->check.leaked_objects = d->leaked_objects;
		r->rep.result_case = MM__REPLY__RESULT_CHECK;
		r->rep.check = &r->check;
		return 0;
	case MM__REQUEST__OP_ADMIN_DROP_CACHES:
		task_switch(m, 0);
		kmem_cache_shrink_all(m);
		drain_all_pages(m);
		set_u64(r, MM__REPLY__RESULT_FREE_PAGES, global_free_pages(m));
		return 0;
	case MM__REQUEST__OP_ADMIN_SESSIONS:
		return do_admin_sessions(s, r);
	default: /* MM__REQUEST__OP_ADMIN_SHUTDOWN */
		mmd_log("shutdown requested by pid %d (uid %u)", s->pid,
			(unsigned int)s->uid);
		mmd_stop(d, "an admin asked mmd to shut down");
		return 0;
	}
}

static int do_pages(struct machine *m, const Mm__Request *rq, struct reply *r)
{
	unsigned long pfn = 0;
	int err;

	switch (rq->op_case) {
	case MM__REQUEST__OP_ALLOC_PAGES:
		err = uapi_alloc_pages(m, rq->alloc_pages->gfp,
				       rq->alloc_pages->order, &pfn);
		if (err)
			return may_wait(r, err, rq->alloc_pages->gfp,
					rq->alloc_pages->timeout_ms);
		return addr_result(r, 0, pfn, MM__REPLY__RESULT_PFN);
	case MM__REQUEST__OP_FREE_PAGES:
		return uapi_free_pages(m, rq->free_pages->pfn,
				       rq->free_pages->order);
	case MM__REQUEST__OP_GET_PAGE:
		return uapi_get_page(m, rq->get_page->pfn);
	default: /* MM__REQUEST__OP_PUT_PAGE */
		return uapi_put_page(m, rq->put_page->pfn);
	}
}

static int do_slab(struct machine *m, const Mm__Request *rq, struct reply *r)
{
	const Mm__KmemCacheCreate *cc = rq->kmem_cache_create;
	const Mm__KmemCacheAlloc *ca = rq->kmem_cache_alloc;
	uint64_t v = 0;
	int err;

	switch (rq->op_case) {
	case MM__REQUEST__OP_KMEM_CACHE_CREATE:
		err = uapi_kmem_cache_create(m, cc->name, cc->size, cc->align,
					     cc->flags, &v);
		return addr_result(r, err, v, MM__REPLY__RESULT_CACHE);
	case MM__REQUEST__OP_KMEM_CACHE_DESTROY:
		return uapi_kmem_cache_destroy(m,
					       rq->kmem_cache_destroy->cache);
	case MM__REQUEST__OP_KMEM_CACHE_SHRINK:
		return uapi_kmem_cache_shrink(m, rq->kmem_cache_shrink->cache);
	case MM__REQUEST__OP_KMEM_CACHE_ALLOC:
		err = uapi_kmem_cache_alloc(m, ca->cache, ca->gfp, &v);
		if (err)
			return may_wait(r, err, ca->gfp, ca->timeout_ms);
		return addr_result(r, 0, v, MM__REPLY__RESULT_ADDR);
	default: /* MM__REQUEST__OP_KMEM_CACHE_FREE */
		return uapi_kmem_cache_free(m, rq->kmem_cache_free->cache,
					    rq->kmem_cache_free->addr);
	}
}

static int do_kmalloc(struct machine *m, const Mm__Request *rq, struct reply *r)
{
	const Mm__Kmalloc *km = rq->kmalloc;
	const Mm__Kcalloc *kc = rq->kcalloc;
	const Mm__Krealloc *kr = rq->krealloc;
	uint64_t v = 0;
	size_t size = 0;
	int err;

	switch (rq->op_case) {
	case MM__REQUEST__OP_KMALLOC:
		err = uapi_kmalloc(m, km->size, km->gfp, &v);
		if (err)
			return may_wait(r, err, km->gfp, km->timeout_ms);
		return addr_result(r, 0, v, MM__REPLY__RESULT_ADDR);
	case MM__REQUEST__OP_KCALLOC:
		err = uapi_kcalloc(m, kc->n, kc->size, kc->gfp, &v);
		if (err)
			return may_wait(r, err, kc->gfp, kc->timeout_ms);
		return addr_result(r, 0, v, MM__REPLY__RESULT_ADDR);
	case MM__REQUEST__OP_KREALLOC:
		err = uapi_krealloc(m, kr->addr, kr->size, kr->gfp, &v);
		if (err)
			return may_wait(r, err, kr->gfp, kr->timeout_ms);
		return addr_result(r, 0, v, MM__REPLY__RESULT_ADDR);
	case MM__REQUEST__OP_KFREE:
		return uapi_kfree(m, rq->kfree->addr);
	default: /* MM__REQUEST__OP_KSIZE */
		err = uapi_ksize(m, rq->ksize->addr, &size);
		return addr_result(r, err, size, MM__REPLY__RESULT_SIZE);
	}
}

static int do_vmalloc(struct machine *m, const Mm__Request *rq, struct reply *r)
{
	uint64_t v = 0;
	int err;

	switch (rq->op_case) {
	case MM__REQUEST__OP_VMALLOC:
		err = uapi_vmalloc(m, rq->vmalloc->size, &v);
		if (err && vmalloc_may_fit(m, rq->vmalloc->size))
			return may_wait_kernel(r, err, rq->vmalloc->timeout_ms);
		break;
	case MM__REQUEST__OP_VZALLOC:
		err = uapi_vzalloc(m, rq->vzalloc->size, &v);
		if (err && vmalloc_may_fit(m, rq->vzalloc->size))
			return may_wait_kernel(r, err, rq->vzalloc->timeout_ms);
		break;
	case MM__REQUEST__OP_VFREE:
		return uapi_vfree(m, rq->vfree->addr);
	case MM__REQUEST__OP_VMAP:
		return do_vmap(m, rq->vmap, r);
	case MM__REQUEST__OP_VUNMAP:
		return uapi_vunmap(m, rq->vunmap->addr);
	case MM__REQUEST__OP_IOREMAP:
		err = uapi_ioremap(m, rq->ioremap->phys, rq->ioremap->size, &v);
		break;
	default: /* MM__REQUEST__OP_IOUNMAP */
		return uapi_iounmap(m, rq->iounmap->addr);
	}
	return addr_result(r, err, v, MM__REPLY__RESULT_ADDR);
}

static int do_kmap(struct machine *m, const Mm__Request *rq, struct reply *r)
{
	uint64_t v = 0;
	int err;

	switch (rq->op_case) {
	case MM__REQUEST__OP_KMAP:
		err = uapi_kmap(m, rq->kmap->pfn, &v);
		if (err == -EAGAIN) { /* no free slot: kmap sleeps for one */
			r->park_timeout_ms = rq->kmap->timeout_ms;
			return DISPATCH_PARK;
		}
		return addr_result(r, err, v, MM__REPLY__RESULT_ADDR);
	case MM__REQUEST__OP_KUNMAP:
		return uapi_kunmap(m, rq->kunmap->pfn);
	case MM__REQUEST__OP_KMAP_ATOMIC:
		err = uapi_kmap_atomic(m, rq->kmap_atomic->pfn, &v);
		return addr_result(r, err, v, MM__REPLY__RESULT_ADDR);
	default: /* MM__REQUEST__OP_KUNMAP_ATOMIC */
		return uapi_kunmap_atomic(m, rq->kunmap_atomic->addr);
	}
}

static int do_percpu_mmz(struct machine *m, const Mm__Request *rq,
			 struct reply *r)
{
	uint64_t v = 0, size = 0;
	int err;

	switch (rq->op_case) {
	case MM__REQUEST__OP_ALLOC_PERCPU:
		err = uapi_alloc_percpu(m, rq->alloc_percpu->size,
					rq->alloc_percpu->align, &v);
		if (err)
			return may_wait_kernel(r, err,
					       rq->alloc_percpu->timeout_ms);
		return addr_result(r, err, v, MM__REPLY__RESULT_ADDR);
	case MM__REQUEST__OP_FREE_PERCPU:
		return uapi_free_percpu(m, rq->free_percpu->addr);
	case MM__REQUEST__OP_PER_CPU_PTR:
		err = uapi_per_cpu_ptr(m, rq->per_cpu_ptr->ptr,
				       rq->per_cpu_ptr->cpu, &v);
		return addr_result(r, err, v, MM__REPLY__RESULT_ADDR);
	case MM__REQUEST__OP_MMZ_ALLOC:
		err = uapi_mmz_alloc(m, rq->mmz_alloc->zone,
				     rq->mmz_alloc->name, rq->mmz_alloc->size,
				     rq->mmz_alloc->align, &v);
		if (err)
			return may_wait_kernel(r, err,
					       rq->mmz_alloc->timeout_ms);
		return addr_result(r, err, v, MM__REPLY__RESULT_PHYS);
	case MM__REQUEST__OP_MMZ_FREE:
		return uapi_mmz_free(m, rq->mmz_free->addr);
	default: /* MM__REQUEST__OP_MMZ_FIND */
		err = uapi_mmz_find(m, rq->mmz_find->name, &v, &size);
		if (err)
			return err;
		mm__region__init(&r->region);
		r->region.phys = v;
		r->region.size = size;
		r->rep.result_case = MM__REPLY__RESULT_REGION;
		r->rep.region = &r->region;
		return 0;
	}
}

/* The request frees something: parked allocations may now succeed. */
bool request_may_free(const Mm__Request *rq)
{
	switch (rq->op_case) {
	case MM__REQUEST__OP_FREE_PAGES:
	case MM__REQUEST__OP_PUT_PAGE:
	case MM__REQUEST__OP_KMEM_CACHE_DESTROY:
	case MM__REQUEST__OP_KMEM_CACHE_SHRINK:
	case MM__REQUEST__OP_KMEM_CACHE_FREE:
	case MM__REQUEST__OP_KREALLOC:
	case MM__REQUEST__OP_KFREE:
	case MM__REQUEST__OP_VFREE:
	case MM__REQUEST__OP_VUNMAP:
	case MM__REQUEST__OP_IOUNMAP:
	case MM__REQUEST__OP_KUNMAP:
	case MM__REQUEST__OP_KUNMAP_ATOMIC:
	case MM__REQUEST__OP_FREE_PERCPU:
	case MM__REQUEST__OP_MMZ_FREE:
	case MM__REQUEST__OP_ADMIN_DROP_CACHES:
	case MM__REQUEST__OP_MUNMAP:
	case MM__REQUEST__OP_MREMAP:
	case MM__REQUEST__OP_BRK:
	case MM__REQUEST__OP_EXIT_PROCESS:
	case MM__REQUEST__OP_FREE:
	case MM__REQUEST__OP_REALLOC:
	case MM__REQUEST__OP_MALLOC_TRIM:
		return true;
	default:
		return false;
	}
}

/* Operations on the machine, run as the session's task. */
static int dispatch_op(struct session *s, const Mm__Request *rq,
		       struct reply *r)
{
	struct machine *m = s->d->m;

	switch (rq->op_case) {
	case MM__REQUEST__OP_ALLOC_PAGES ... MM__REQUEST__OP_PUT_PAGE:
		return do_pages(m, rq, r);
	case MM__REQUEST__OP_KMEM_CACHE_CREATE ... MM__REQUEST__OP_KMEM_CACHE_FREE:
		return do_slab(m, rq, r);
	case MM__REQUEST__OP_KMALLOC ... MM__REQUEST__OP_KSIZE:
		return do_kmalloc(m, rq, r);
	case MM__REQUEST__OP_VMALLOC ... MM__REQUEST__OP_IOUNMAP:
		return do_vmalloc(m, rq, r);
	case MM__REQUEST__OP_KMAP ... MM__REQUEST__OP_KUNMAP_ATOMIC:
		return do_kmap(m, rq, r);
	case MM__REQUEST__OP_ALLOC_PERCPU ... MM__REQUEST__OP_MMZ_FIND:
		return do_percpu_mmz(m, rq, r);
	case MM__REQUEST__OP_READ:
		return do_read(s, rq->read, false, r);
	case MM__REQUEST__OP_READ_PHYS:
		return do_read(s, rq->read_phys, true, r);
	case MM__REQUEST__OP_WRITE:
		return do_write(s, rq->write, false);
	case MM__REQUEST__OP_WRITE_PHYS:
		return do_write(s, rq->write_phys, true);
	case MM__REQUEST__OP_REPORT:
		return do_report(s, rq->report, r);
	case MM__REQUEST__OP_ADMIN_CHECK ... MM__REQUEST__OP_ADMIN_SHUTDOWN:
		return do_admin(s, rq, r);
	case MM__REQUEST__OP_MMAP ... MM__REQUEST__OP_EXIT_PROCESS:
		return dispatch_vm(s, rq, r);
	case MM__REQUEST__OP_MALLOC ... MM__REQUEST__OP_MALLINFO:
		return dispatch_malloc(s, rq, r);
	default:
		return reply_error(r, -EOPNOTSUPP, "unknown operation %d",
				   (int)rq->op_case);
	}
}

/*
 * Fill r for rq. Returns DISPATCH_PARK when the request must wait (r is
 * then to be thrown away and the request retried later), else 0 with
 * r->rep.status set.
 */
int dispatch(struct session *s, const Mm__Request *rq, struct reply *r)
{
	struct machine *m = s->d->m;
	int err;

	m->errmsg[0] = '\0';
	if (rq->op_case == MM__REQUEST__OP__NOT_SET) {
		if (rq->base.n_unknown_fields)
			err = reply_error(r, -EOPNOTSUPP,
					  "unknown operation (field %u): this "
					  "mmd speaks protocol version %u",
					  rq->base.unknown_fields[0].tag,
					  MMD_PROTOCOL_VERSION);
		else
			err = reply_error(r, -EINVAL,
					  "the request has no operation");
		return 0;
	}
	if (rq->op_case == MM__REQUEST__OP_HELLO) {
		err = do_hello(s, rq->hello, r);
	} else if (rq->op_case == MM__REQUEST__OP_PING) {
		err = 0;
	} else if (!s->pid) {
		err = reply_error(r, -EPROTO, "send Hello first");
	} else {
		task_switch(m, s->pid);
		err = dispatch_op(s, rq, r);
		if (err == DISPATCH_PARK)
			return DISPATCH_PARK;
	}
	if (err && !r->msg[0]) {
		snprintf(r->msg, sizeof(r->msg), "%s",
			 m->errmsg[0] ? m->errmsg : strerror(-err));
		r->rep.message = r->msg;
	}
	r->rep.status = err;
	/* A failed call has no result, but a fault says which signal. */
	if (err && r->rep.result_case != MM__REPLY__RESULT_FAULT)
		r->rep.result_case = MM__REPLY__RESULT__NOT_SET;
	return 0;
}
