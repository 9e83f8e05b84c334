/*
 * dispatch_vm.c - the address-space requests translated into core's
 * uapi calls: mmap, munmap, mprotect, mremap, brk, user reads, writes
 * and instruction fetches, fork and the exit of a forked process.
 *
 * Owns: the wire's checks for these requests (lengths that must fit a
 * frame) and the signal a failed user access reports. Must never: touch
 * the machine except through uapi, do I/O, or let a session name a
 * process it did not fork (uapi refuses; nothing here works around it).
 */
#include <errno.h>

#include "core/uapi.h"
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

static int do_read_vm(struct session *s, const Mm__ReadVm *rd, bool exec,
		      struct reply *r)
{
	uint32_t max = s->d->max_frame - REPLY_OVERHEAD;
	struct user_fault f;
	uint8_t *dst = NULL;
	int err;

	if (rd->len > max)
		return reply_error(r, -EINVAL,
				   "access of %u bytes: at most %u fit a reply",
				   rd->len, max);
	if (!exec) {
		/* Straight into the reply's frame: the bytes are copied once.
		 */
		dst = codec_data_reply_room(&s->out, &r->rep, rd->len);
		if (!dst)
			return reply_error(r, -ENOMEM,
					   "no host memory for the reply");
	}
	err = uapi_access_vm(s->d->m, rd->pid, rd->addr, dst, rd->len,
			     exec ? USER_EXEC : USER_READ, &f);
	if (err || exec)
		return fault_result(r, err, &f);
	r->data_in_place = true;
	r->rep.result_case = MM__REPLY__RESULT_DATA;
	r->rep.data.data = dst;
	r->rep.data.len = rd->len;
	return 0;
}

static int do_write_vm(struct session *s, const Mm__WriteVm *wr,
		       struct reply *r)
{
	struct user_fault f;
	int err;

	/* uapi copies nothing back into a write's buffer. */
	err = uapi_access_vm(s->d->m, wr->pid, wr->addr, wr->data.data,
			     wr->data.len, USER_WRITE, &f);
	return fault_result(r, err, &f);
}

static int do_mapping(struct machine *m, const Mm__Request *rq, struct reply *r)
{
	const Mm__Mmap *mp = rq->mmap;
	const Mm__Mremap *mr = rq->mremap;
	uint64_t v = 0;
	int err;

	switch (rq->op_case) {
	case MM__REQUEST__OP_MMAP:
		err = uapi_mmap(m, mp->pid, mp->addr, mp->len, (int)mp->prot,
				(int)mp->flags, &v);
		return addr_result(r, err, v, MM__REPLY__RESULT_ADDR);
	case MM__REQUEST__OP_MUNMAP:
		return uapi_munmap(m, rq->munmap->pid, rq->munmap->addr,
				   rq->munmap->len);
	case MM__REQUEST__OP_MPROTECT:
		return uapi_mprotect(m, rq->mprotect->pid, rq->mprotect->addr,
				     rq->mprotect->len,
				     (int)rq->mprotect->prot);
	case MM__REQUEST__OP_MREMAP:
		err = uapi_mremap(m, mr->pid, mr->old_addr, mr->old_len,
				  mr->new_len, (int)mr->flags, mr->new_addr,
				  &v);
		return addr_result(r, err, v, MM__REPLY__RESULT_ADDR);
	default: /* MM__REQUEST__OP_BRK */
		err = uapi_brk(m, rq->brk->pid, rq->brk->brk, &v);
		return addr_result(r, err, v, MM__REPLY__RESULT_ADDR);
	}
}

static int do_process(struct machine *m, const Mm__Request *rq, struct reply *r)
{
	int child = 0, err;

	if (rq->op_case == MM__REQUEST__OP_EXIT_PROCESS)
		return uapi_exit_process(m, rq->exit_process->pid);
	err = uapi_fork(m, rq->fork->pid, &child);
	if (!err) {
		r->rep.result_case = MM__REPLY__RESULT_PID;
		r->rep.pid = child;
	}
	return err;
}

int dispatch_vm(struct session *s, const Mm__Request *rq, struct reply *r)
{
	struct machine *m = s->d->m;

	switch (rq->op_case) {
	case MM__REQUEST__OP_MMAP ... MM__REQUEST__OP_BRK:
		return do_mapping(m, rq, r);
	case MM__REQUEST__OP_READ_VM:
		return do_read_vm(s, rq->read_vm, false, r);
	case MM__REQUEST__OP_EXEC_VM:
		return do_read_vm(s, rq->exec_vm, true, r);
	case MM__REQUEST__OP_WRITE_VM:
		return do_write_vm(s, rq->write_vm, r);
	default: /* MM__REQUEST__OP_FORK, MM__REQUEST__OP_EXIT_PROCESS */
		return do_process(m, rq, r);
	}
}
