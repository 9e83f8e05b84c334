/*
 * dispatch_malloc.c - the requests for a process's user-space malloc
 * translated into core's uapi calls: malloc, free, calloc, realloc,
 * posix_memalign, mallopt, malloc_trim and malloc_usable_size.
 *
 * Owns: nothing but the translation. Must never: touch the machine except
 * through uapi, or do I/O.
 */

#include "core/uapi.h"
#include "daemon/server.h"

static int do_mallinfo(struct machine *m, int pid, struct reply *r)
{
	struct user_mallinfo mi;
	int err = uapi_mallinfo(m, pid, &mi);

	if (err)
		return err;
	mm__mallinfo__init(&r->mallinfo);
	r->mallinfo.arena = mi.arena;
	r->mallinfo.ordblks = mi.ordblks;
	r->mallinfo.hblks = mi.hblks;
	r->mallinfo.hblkhd = mi.hblkhd;
	r->mallinfo.usmblks = mi.usmblks;
	r->mallinfo.uordblks = mi.uordblks;
	r->mallinfo.fordblks = mi.fordblks;
	r->mallinfo.keepcost = mi.keepcost;
	r->rep.result_case = MM__REPLY__RESULT_MALLINFO;
	r->rep.mallinfo = &r->mallinfo;
	return 0;
}

int dispatch_malloc(struct session *s, const Mm__Request *rq, struct reply *r)
{
	struct machine *m = s->d->m;
	const Mm__UserAddress *ua = rq->free;
	uint64_t v = 0;
	int err;

	switch (rq->op_case) {
	case MM__REQUEST__OP_MALLOC:
		err = uapi_malloc(m, rq->malloc->pid, rq->malloc->size, &v);
		return addr_result(r, err, v, MM__REPLY__RESULT_ADDR);
	case MM__REQUEST__OP_FREE:
		return uapi_free(m, ua->pid, ua->addr);
	case MM__REQUEST__OP_CALLOC:
		err = uapi_calloc(m, rq->calloc->pid, rq->calloc->n,
				  rq->calloc->size, &v);
		return addr_result(r, err, v, MM__REPLY__RESULT_ADDR);
	case MM__REQUEST__OP_REALLOC:
		err = uapi_realloc(m, rq->realloc->pid, rq->realloc->addr,
				   rq->realloc->size, &v);
		return addr_result(r, err, v, MM__REPLY__RESULT_ADDR);
	case MM__REQUEST__OP_POSIX_MEMALIGN:
		err = uapi_posix_memalign(m, rq->posix_memalign->pid,
					  rq->posix_memalign->align,
					  rq->posix_memalign->size, &v);
		return addr_result(r, err, v, MM__REPLY__RESULT_ADDR);
	case MM__REQUEST__OP_MALLOPT:
		return uapi_mallopt(m, rq->mallopt->pid, rq->mallopt->param,
				    rq->mallopt->value);
	case MM__REQUEST__OP_MALLOC_TRIM:
		err = uapi_malloc_trim(m, rq->malloc_trim->pid,
				       rq->malloc_trim->pad, &v);
		return addr_result(r, err, v, MM__REPLY__RESULT_SIZE);
	case MM__REQUEST__OP_MALLINFO:
		return do_mallinfo(m, rq->mallinfo->pid, r);
	default: /* MM__REQUEST__OP_MALLOC_USABLE_SIZE */
		ua = rq->malloc_usable_size;
		err = uapi_malloc_usable_size(m, ua->pid, ua->addr, &v);
		return addr_result(r, err, v, MM__REPLY__RESULT_SIZE);
	}
}
