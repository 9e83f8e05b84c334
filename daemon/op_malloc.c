/* SPDX-License-Identifier: MIT */
/*
 * op_malloc.c - the one handler of the process-malloc rows of the
 * operation table that is not mechanical: mallinfo, whose result is a
 * message. malloc, free, calloc, realloc, posix_memalign, mallopt,
 * malloc_trim and malloc_usable_size are plain uapi calls (their rows
 * in proto/ops.def say which fields they pass).
 *
 * Owns: nothing but the translation. Must never: touch the machine except
 * through uapi, or do I/O.
 */

#include "core/api.h"
#include "daemon/server.h"

int op_mallinfo(struct session *s, const Mm__Process *a, struct reply *r)
{
	struct user_mallinfo mi;
	int err = uapi_mallinfo(s->d->m, a->pid, &mi);

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
