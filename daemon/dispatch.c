/* SPDX-License-Identifier: MIT */
/*
 * dispatch.c - one decoded request in, one reply out, through the
 * operation table (proto/ops.def).
 *
 * Owns: the table's rows as mmd reads them (a handler, a result, the
 * flags), the checks every row's flags ask for (Hello first, admin
 * rights, another session's process), the handlers of the rows that
 * are mechanical (a uapi call with the message's fields), waiting, and
 * the reply's status and result. Must never: touch the machine except
 * through a handler, do I/O, or trust a field of the request unchecked.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/api.h"
#include "daemon/server.h"
#include "proto/ops.h"

void reply_init(struct reply *r, uint64_t id)
{
	mm__reply__init(&r->rep);
	r->rep.id = id;
	r->msg[0] = '\0';
	r->heap[0] = r->heap[1] = NULL;
	r->report_data = NULL;
	r->park_timeout_ms = 0;
	r->data_in_place = false;
	r->value = 0;
}

void reply_release(struct reply *r)
{
	free(r->heap[0]);
	free(r->heap[1]);
	r->heap[0] = r->heap[1] = NULL;
	if (r->report_data)
		mm__report_data__free_unpacked(r->report_data, NULL);
	r->report_data = NULL;
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

int reply_data_fits(struct session *s, struct reply *r, uint32_t len,
		    const char *what)
{
	uint32_t max = s->d->max_frame - REPLY_OVERHEAD;

	if (len > max)
		return reply_error(r, -EINVAL,
				   "%s of %u bytes: at most %u fit a reply",
				   what, len, max);
	return 0;
}

uint8_t *reply_data_room(struct session *s, struct reply *r, uint32_t len)
{
	/* Straight into the reply's frame: the bytes are copied once. */
	uint8_t *room = codec_data_reply_room(&s->out, &r->rep, len);

	if (!room)
		reply_error(r, -ENOMEM, "no host memory for the reply");
	return room;
}

void reply_data_set(struct reply *r, uint8_t *room, uint32_t len)
{
	r->data_in_place = true;
	r->rep.result_case = MM__REPLY__RESULT_DATA;
	r->rep.data.data = room;
	r->rep.data.len = len;
}

/* A success whose result is a number: r->value, as the row says. */
static void set_value(struct reply *r, Mm__Reply__ResultCase which)
{
	uint64_t v = r->value;

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
	case MM__REPLY__RESULT_VALUE:
		r->rep.value = v;
		break;
	case MM__REPLY__RESULT_FD:
		r->rep.fd = (int32_t)v;
		break;
	case MM__REPLY__RESULT_OFFSET:
		r->rep.offset = v;
		break;
	default: /* the handler set a result of another kind, or none */
		r->rep.result_case = MM__REPLY__RESULT__NOT_SET;
		break;
	}
}

/*
 * The handlers of mechanical rows: uapi_<field>(m, a->arg, ...), with
 * &r->value last when the result is a number.
 */
#define FIELDS_1(a, x)				     a->x
#define FIELDS_2(a, x, ...)			     a->x, FIELDS_1(a, __VA_ARGS__)
#define FIELDS_3(a, x, ...)			     a->x, FIELDS_2(a, __VA_ARGS__)
#define FIELDS_4(a, x, ...)			     a->x, FIELDS_3(a, __VA_ARGS__)
#define FIELDS_5(a, x, ...)			     a->x, FIELDS_4(a, __VA_ARGS__)
#define FIELDS_6(a, x, ...)			     a->x, FIELDS_5(a, __VA_ARGS__)
#define FIELDS_7(a, x, ...)			     a->x, FIELDS_6(a, __VA_ARGS__)
#define NR_ARGS(...)				     NR_ARGS_(__VA_ARGS__, 7, 6, 5, 4, 3, 2, 1, 0)
#define NR_ARGS_(_1, _2, _3, _4, _5, _6, _7, n, ...) n
#define PASTE(x, y)				     PASTE_(x, y)
#define PASTE_(x, y)				     x##y
#define UNPAREN(...)				     __VA_ARGS__
#define FIELDS(a, args)				     FIELDS_(a, UNPAREN args)
#define FIELDS_(a, ...)				     PASTE(FIELDS_, NR_ARGS(__VA_ARGS__))(a, __VA_ARGS__)
#define OUT_NONE
#define OUT_PFN	   , &r->value
#define OUT_ADDR   , &r->value
#define OUT_SIZE   , &r->value
#define OUT_CACHE  , &r->value
#define OUT_PHYS   , &r->value
#define OUT_VALUE  , &r->value
#define OUT_OFFSET , &r->value

#define OP(NAME, field, Type, RESULT, FLAGS)
#define UAPI_OP(NAME, field, Type, RESULT, FLAGS, ARGS)                        \
	static int op_##field(struct session *s, const Mm__##Type *a,          \
			      struct reply *r)                                 \
	{                                                                      \
		(void)r;                                                       \
		return uapi_##field(s->d->m, FIELDS(a, ARGS) OUT_##RESULT);    \
	}
#include "proto/ops.def"

/* Every row's handler, taking the request's own message. */
#define OP(NAME, field, Type, RESULT, FLAGS)                                   \
	static int call_##field(struct session *s, const Mm__Request *rq,      \
				struct reply *r)                               \
	{                                                                      \
		return op_##field(s, rq->field, r);                            \
	}
#include "proto/ops.def"

struct op {
	const char *name;
	int (*handle)(struct session *s, const Mm__Request *rq,
		      struct reply *r);
	Mm__Reply__ResultCase result;
	unsigned int flags;
};

#define MM__REPLY__RESULT_NONE MM__REPLY__RESULT__NOT_SET
#define OP(NAME, field, Type, RESULT, FLAGS)                                   \
	[MM__REQUEST__OP_##NAME] = {#field, call_##field,                      \
				    MM__REPLY__RESULT_##RESULT, FLAGS},
static const struct op ops[] = {
#include "proto/ops.def"
};

static const struct op *find_op(Mm__Request__OpCase op)
{
	if ((size_t)op >= sizeof(ops) / sizeof(ops[0]) || !ops[op].handle)
		return NULL;
	return &ops[op];
}

/* The request frees something: parked allocations may now succeed. */
bool request_may_free(const Mm__Request *rq)
{
	const struct op *op = find_op(rq->op_case);

	return op && (op->flags & OP_MAY_FREE);
}

/* The request's own message, whose fields the row's flags speak of. */
static const ProtobufCMessage *op_message(const Mm__Request *rq)
{
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field(
			&mm__request__descriptor, rq->op_case);

	return *(ProtobufCMessage *const *)((const char *)rq + f->offset);
}

/* A 32-bit field of the request's message by name (pid, timeout_ms). */
static uint32_t op_field32(const Mm__Request *rq, const char *name)
{
	const ProtobufCMessage *msg = op_message(rq);
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field_by_name(msg->descriptor,
								name);
	uint32_t v;

	if (!f)
		return 0;
	memcpy(&v, (const char *)msg + f->offset, sizeof(v));
	return v;
}

/*
 * A row that may name another session's process (OP_CROSS_SESSION):
 * admins may; others may name only their session's own processes.
 * Rows with OP_PID alone are checked by core (uapi's vm_task).
 */
static int check_cross_session(struct session *s, const Mm__Request *rq,
			       struct reply *r)
{
	int pid = (int)op_field32(rq, "pid");
	const struct task_struct *t;

	if (!pid)
		return 0;
	t = find_task_by_pid(s->d->m, pid);
	if (!t)
		return reply_error(r, -ESRCH, "no process with pid %d", pid);
	if (t->leader != s->pid && !s->admin)
		return reply_error(r, -EPERM,
				   "pid %d is another session's: admin only",
				   pid);
	return 0;
}

/* What a row's flags ask of the session before its handler runs. */
static int check_op(struct session *s, const struct op *op,
		    const Mm__Request *rq, struct reply *r)
{
	const struct layout *l = &s->d->m->layout;

	if (!s->pid && !(op->flags & OP_BEFORE_HELLO))
		return reply_error(r, -EPROTO, "send Hello first");
	if ((op->flags & OP_ADMIN) && !s->admin)
		return reply_error(r, -EPERM,
				   "admin requests need uid 0 or the admin "
				   "group%s%s; uid %u is neither",
				   l->daemon.admin_group[0] ? " " : "",
				   l->daemon.admin_group, (unsigned int)s->uid);
	if (op->flags & OP_CROSS_SESSION)
		return check_cross_session(s, rq, r);
	return 0;
}

static int run_op(struct session *s, const struct op *op, const Mm__Request *rq,
		  struct reply *r)
{
	int err = check_op(s, op, rq, r);

	if (err)
		return err;
	if (s->pid)
		task_switch(s->d->m, s->pid);
	/* page_owner's records name the call where Linux keeps a stack. */
	s->d->m->call = op->name;
	err = op->handle(s, rq, r);
	s->d->m->call = NULL;
	/* A call in atomic context goes on without sleeping: no wait. */
	if (err == DISPATCH_PARK && !uapi_preemptible(s->d->m))
		return reply_error(
			r,
			rq->op_case == MM__REQUEST__OP_KMAP ? -EAGAIN : -ENOMEM,
			"%s would sleep, and the caller is in "
			"atomic context: it does not wait",
			op->name);
	if (err == DISPATCH_PARK) {
		if (!(op->flags & OP_MAY_WAIT))
			return reply_error(r, -EAGAIN,
					   "%s cannot wait: try again",
					   op->name);
		r->park_timeout_ms = op_field32(rq, "timeout_ms");
		return DISPATCH_PARK;
	}
	if (!err && r->rep.result_case == MM__REPLY__RESULT__NOT_SET)
		set_value(r, op->result);
	return err;
}

static int no_op(const Mm__Request *rq, struct reply *r)
{
	if (rq->op_case == MM__REQUEST__OP__NOT_SET &&
	    rq->base.n_unknown_fields)
		return reply_error(r, -EOPNOTSUPP,
				   "unknown operation (field %u): this mmd "
				   "speaks protocol version %u",
				   rq->base.unknown_fields[0].tag,
				   MMD_PROTOCOL_VERSION);
	if (rq->op_case == MM__REQUEST__OP__NOT_SET)
		return reply_error(r, -EINVAL, "the request has no operation");
	return reply_error(r, -EOPNOTSUPP, "unknown operation %d",
			   (int)rq->op_case);
}

/*
 * Fill r for rq. Returns DISPATCH_PARK when the request must wait (r is
 * then to be thrown away and the request retried later), else 0 with
 * r->rep.status set.
 */
int dispatch(struct session *s, const Mm__Request *rq, struct reply *r)
{
	struct machine *m = s->d->m;
	const struct op *op = find_op(rq->op_case);
	int err;

	m->errmsg[0] = '\0';
	if (!op) {
		no_op(rq, r);
		return 0;
	}
	err = run_op(s, op, rq, r);
	if (err == DISPATCH_PARK)
		return DISPATCH_PARK;
	if (err && !r->msg[0]) {
		snprintf(r->msg, sizeof(r->msg), "%s",
			 m->errmsg[0] ? m->errmsg : strerror(-err));
		r->rep.message = r->msg;
	}
	r->rep.status = err;
	/*
	 * A failed call has no result, but a fault says which signal and a
	 * failed brk its break (Linux's raw syscall returns it).
	 */
	if (err && r->rep.result_case != MM__REPLY__RESULT_FAULT &&
	    !(r->rep.result_case == MM__REPLY__RESULT_ADDR &&
	      rq->op_case == MM__REQUEST__OP_BRK))
		r->rep.result_case = MM__REPLY__RESULT__NOT_SET;
	return 0;
}
