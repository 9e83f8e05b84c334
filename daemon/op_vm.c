/* SPDX-License-Identifier: MIT */
/*
 * op_vm.c - the handlers of the address-space rows of the operation
 * table that are not mechanical: user reads, writes and instruction
 * fetches, and fork. mmap, munmap, mprotect, mremap, brk and the exit
 * of a forked process are plain uapi calls (proto/ops.def).
 *
 * Owns: the wire's checks for these requests (lengths that must fit a
 * frame) and the signal a failed user access reports. Must never: touch
 * the machine except through uapi, do I/O, or let a session name a
 * process it did not fork (uapi refuses; nothing here works around it).
 */
#include <errno.h>

#include "core/api.h"
#include "daemon/server.h"

/* A user access failed as the kernel would signal it: say how. */
static int fault_result(struct reply *r, int err, const struct user_fault *f)
{
	if (err != -EFAULT || !f->signo)
		return err;
	mm__fault__init(&r->fault);
	r->fault.signo = f->signo;
	r->fault.code = f->si_code;
	r->fault.addr = f->addr;
	r->rep.result_case = MM__REPLY__RESULT_FAULT;
	r->rep.fault = &r->fault;
	return err;
}

static int access_vm(struct session *s, const Mm__ReadVm *rd, bool exec,
		     struct reply *r)
{
	struct user_fault f;
	uint8_t *dst = NULL;
	int err = reply_data_fits(s, r, rd->len, "access");

	if (err)
		return err;
	/* An instruction fetch brings no bytes back. */
	if (!exec && !(dst = reply_data_room(s, r, rd->len)))
		return r->rep.status;
	err = uapi_access_vm(s->d->m, rd->pid, rd->addr, dst, rd->len,
			     exec ? USER_EXEC : USER_READ, &f);
	if (err || exec)
		return fault_result(r, err, &f);
	reply_data_set(r, dst, rd->len);
	return 0;
}

int op_write_vm(struct session *s, const Mm__WriteVm *wr, struct reply *r)
{
	struct user_fault f;
	int err;

	/* uapi copies nothing back into a write's buffer. */
	err = uapi_access_vm(s->d->m, wr->pid, wr->addr, wr->data.data,
			     wr->data.len, USER_WRITE, &f);
	return fault_result(r, err, &f);
}

int op_read_vm(struct session *s, const Mm__ReadVm *a, struct reply *r)
{
	return access_vm(s, a, false, r);
}

int op_exec_vm(struct session *s, const Mm__ReadVm *a, struct reply *r)
{
	return access_vm(s, a, true, r);
}

int op_fork(struct session *s, const Mm__Process *a, struct reply *r)
{
	int child = 0;
	int err = uapi_fork(s->d->m, a->pid, &child);

	if (!err) {
		r->rep.result_case = MM__REPLY__RESULT_PID;
		r->rep.pid = child;
	}
	return err;
}

/*
 * A read of /proc/PID/pagemap, straight into the reply: the session's
 * own processes, or (admins) another's, as /proc/PID/pagemap needs
 * ptrace access.
 */
int op_pagemap(struct session *s, const Mm__Pagemap *a, struct reply *r)
{
	uint64_t nr = 0;
	uint8_t *buf;
	int err;

	if (!a->count)
		return reply_error(r, -EINVAL, "pagemap: a count of 0");
	err = reply_data_fits(
		s, r,
		a->count > UINT32_MAX / 8 ? UINT32_MAX : (uint32_t)a->count * 8,
		"the pagemap read");
	if (err)
		return err;
	buf = reply_data_room(s, r, (uint32_t)a->count * 8);
	if (!buf)
		return r->rep.status;
	/* As the per-process reports: dispatch.c checked the pid (another
	 * session's for admins only, as OP_CROSS_SESSION says). */
	err = pagemap_read(s->d->m, a->pid ? a->pid : s->pid, a->addr, a->count,
			   buf, &nr);
	if (err)
		return err;
	reply_data_set(r, buf, (uint32_t)nr * 8);
	return 0;
}

/*
 * brk: the break comes back in Reply.addr whether the call worked or
 * not, as Linux's raw syscall returns it (a failed brk returns the old
 * break; the C library makes that ENOMEM).
 */
int op_brk(struct session *s, const Mm__Brk *a, struct reply *r)
{
	uint64_t cur = 0;
	int err = uapi_brk(s->d->m, a->pid, a->brk, &cur);

	if (cur) { /* 0: no process to have a break */
		r->rep.result_case = MM__REPLY__RESULT_ADDR;
		r->rep.addr = cur;
	}
	return err;
}

int op_mincore(struct session *s, const Mm__Mincore *a, struct reply *r)
{
	uint64_t pages =
		(a->len + s->d->m->page_size - 1) >> s->d->m->page_shift;
	uint8_t *vec;
	int err;

	/* Rounding up wrapped, or more pages than a reply holds. */
	if (a->len && !pages)
		pages = UINT64_MAX;
	err = reply_data_fits(s, r,
			      pages > UINT32_MAX ? UINT32_MAX : (uint32_t)pages,
			      "mincore");
	if (err)
		return err;
	vec = reply_data_room(s, r, (uint32_t)pages);
	if (!vec)
		return r->rep.status;
	err = uapi_mincore(s->d->m, a->pid, a->addr, a->len, vec);
	if (err)
		return err;
	reply_data_set(r, vec, (uint32_t)pages);
	return 0;
}
