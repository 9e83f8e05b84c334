/* SPDX-License-Identifier: MIT */
/*
 * mmclient.c - libmmclient: a session with mmd over its Unix socket.
 *
 * Owns: the connection, request ids, the queue of requests awaiting
 * replies (in order: mmd answers in order), filling each call's
 * out-parameters from its reply, pipelining and event delivery. Must
 * never: keep global state beyond the last connect error of a thread,
 * block forever on a write while the daemon waits for us to read (we
 * read while we write), or return anything but 0 or a negative errno.
 */
#include "client/mmclient.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "proto/codec.h"
#include "proto/frame.h"
#include "proto/mm.pb-c.h"
#include "proto/ops.h"

/* Until Hello says otherwise, replies may be this long. */
#define DEFAULT_MAX_FRAME (1u << 20)
/* A queued pipeline is pushed out once this many bytes wait. */
#define PIPELINE_PUSH (64u * 1024)

/* What a reply's result is, as a row of proto/ops.def names it. */
enum result_kind {
	RES_NONE,
	RES_PFN,	 /* unsigned long *: Reply.pfn */
	RES_ADDR,	 /* uint64_t *: Reply.addr */
	RES_CACHE,	 /* uint64_t *: Reply.cache */
	RES_PHYS,	 /* uint64_t *: Reply.phys */
	RES_SIZE,	 /* size_t *: Reply.size */
	RES_DATA,	 /* buf and len: Reply.data */
	RES_TEXT,	 /* char **: Reply.text, malloc'ed */
	RES_REGION,	 /* uint64_t *, uint64_t *: Reply.region */
	RES_HELLO,	 /* the connection's mmc_info */
	RES_CHECK,	 /* struct mmc_check * */
	RES_FREE_PAGES,	 /* unsigned long *: Reply.free_pages */
	RES_VALUE,	 /* uint64_t *: Reply.value */
	RES_SESSIONS,	 /* struct mmc_session **, size_t * */
	RES_PID,	 /* int *: Reply.pid */
	RES_MALLINFO,	 /* struct mmc_mallinfo *: Reply.mallinfo */
	RES_FD,		 /* int *: Reply.fd */
	RES_OFFSET,	 /* uint64_t *: Reply.offset */
	RES_STAT,	 /* struct mmc_stat *: Reply.stat */
	RES_REPORT_DATA, /* void **, size_t *: Reply.report_data, packed */
	RES_MEMPOLICY, /* int *, unsigned long * (len words): Reply.mempolicy */
	RES_MOVE_PAGES, /* int * (len of them): Reply.move_pages */
};

struct pending {
	uint64_t id;
	enum result_kind kind;
	void *out;
	void *out2;
	size_t len;
};

/*
 * A report that may come in parts (mm.proto, Report): what asking for
 * the next part needs, and how much is still to come.
 */
struct report_rest {
	struct report_rest *next;
	Mm__Report args; /* the report asked for; offset set per part */
	Mm__Translation translation; /* args.translation points here */
	char sreg[4];
	char **text;   /* the caller's: the parts so far */
	uint64_t more; /* bytes after them, from the last reply */
	size_t index;  /* in a pipeline: its status's place */
	/* A structured report (text NULL): the caller's buffer and length
	 * so far, the whole packing's size and digest (ReportDataPart), and
	 * whether a part came from another packing (start again). */
	void **buf;
	size_t *len;
	uint64_t size, digest;
	bool stale;
};

struct mmc {
	int fd;
	int err; /* once the connection is gone: why; later calls get it */
	uint64_t next_id;
	uint32_t max_frame;
	unsigned int timeout_ms;
	struct frame_buf in;
	struct frame_buf out;
	struct pb_arena arena; /* the reply being handled, decoded */

	struct pending *q; /* awaiting replies: q[head, tail) */
	size_t head, tail, cap;

	bool pipelining;
	int *statuses; /* the pipeline's, in order */
	size_t nr_statuses, statuses_cap;
	int last_status;	   /* of the last reply outside a pipeline */
	struct report_rest *rests; /* a pipeline's reports */

	mmc_event_fn event_fn;
	void *event_data;
	unsigned long nr_events; /* delivered so far */
	struct mmc_info info;
	char errmsg[256];  /* the last failed call's */
	char connmsg[256]; /* why the connection is gone */
};

static __thread char connect_errmsg[256];

const char *mmc_errmsg(const struct mmc *c)
{
	return c ? c->errmsg : connect_errmsg;
}

const char *mmc_strerror(int err)
{
	return strerror(err < 0 ? -err : err);
}

const struct mmc_info *mmc_info(const struct mmc *c)
{
	return &c->info;
}

int mmc_pid(const struct mmc *c)
{
	return c->info.pid;
}

int mmc_fd(const struct mmc *c)
{
	return c->fd;
}

void mmc_set_timeout(struct mmc *c, unsigned int timeout_ms)
{
	c->timeout_ms = timeout_ms;
}

void mmc_set_event_handler(struct mmc *c, mmc_event_fn fn, void *data)
{
	c->event_fn = fn;
	c->event_data = data;
}

/* The connection is gone: every call from now on fails with err. */
static int fail_connection(struct mmc *c, int err, const char *why)
{
	if (!c->err) {
		c->err = err;
		snprintf(c->connmsg, sizeof(c->connmsg), "%s", why);
	}
	return c->err;
}

static void deliver_event(struct mmc *c, const Mm__Event *e)
{
	struct mmc_event ev = {0, 0, ""};

	if (e->kind_case == MM__EVENT__KIND_OOM_KILLED) {
		ev.kind = MMC_EVENT_OOM_KILLED;
		ev.pid = e->oom_killed->pid;
		ev.message = e->oom_killed->message;
		/* A process the session forked dies alone. */
		if (ev.pid == c->info.pid)
			fail_connection(c, -ECONNABORTED, ev.message);
	} else if (e->kind_case == MM__EVENT__KIND_SHUTTING_DOWN) {
		ev.kind = MMC_EVENT_SHUTTING_DOWN;
		ev.message = e->shutting_down->reason;
		fail_connection(c, -ESHUTDOWN, ev.message);
	} else {
		return; /* an event of a newer protocol: nothing to do */
	}
	c->nr_events++;
	if (c->event_fn)
		c->event_fn(c, &ev, c->event_data);
}

static void copy_str(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

static int fill_hello(struct mmc *c, const Mm__HelloResult *h)
{
	struct mmc_info *i = &c->info;

	i->pid = h->pid;
	copy_str(i->server, sizeof(i->server), h->server);
	copy_str(i->machine, sizeof(i->machine), h->machine);
	copy_str(i->arch, sizeof(i->arch), h->arch);
	i->page_size = h->page_size;
	i->nr_cpus = h->nr_cpus;
	i->max_order = h->max_order;
	i->page_offset = h->page_offset;
	i->max_frame_bytes = h->max_frame_bytes;
	i->max_requests = h->max_requests;
	i->admin = h->admin;
	if (h->max_frame_bytes)
		c->max_frame = h->max_frame_bytes;
	return 0;
}

static int fill_sessions(const Mm__Sessions *ss, const struct pending *p)
{
	struct mmc_session *list = calloc(ss->n_sessions + 1, sizeof(*list));

	if (!list)
		return -ENOMEM;
	for (size_t i = 0; i < ss->n_sessions; i++) {
		const Mm__Session *s = ss->sessions[i];

		list[i].pid = s->pid;
		copy_str(list[i].comm, sizeof(list[i].comm), s->comm);
		list[i].cpu = s->cpu;
		list[i].uid = s->uid;
		list[i].gid = s->gid;
		list[i].host_pid = s->host_pid;
		list[i].nr_pages = s->nr_pages;
		list[i].nr_objects = s->nr_objects;
		list[i].requests = s->requests;
	}
	*(struct mmc_session **)p->out = list;
	*(size_t *)p->out2 = ss->n_sessions;
	return 0;
}

static void fill_mallinfo(const Mm__Mallinfo *in, struct mmc_mallinfo *out)
{
	out->arena = in->arena;
	out->ordblks = in->ordblks;
	out->hblks = in->hblks;
	out->hblkhd = in->hblkhd;
	out->usmblks = in->usmblks;
	out->uordblks = in->uordblks;
	out->fordblks = in->fordblks;
	out->keepcost = in->keepcost;
}

static void fill_stat(const Mm__Stat *in, struct mmc_stat *out)
{
	out->dev = in->dev;
	out->ino = in->ino;
	out->mode = in->mode;
	out->nlink = in->nlink;
	out->uid = in->uid;
	out->gid = in->gid;
	out->size = in->size;
	out->blksize = in->blksize;
	out->blocks = in->blocks;
	out->atime_ns = in->atime_ns;
	out->mtime_ns = in->mtime_ns;
	out->ctime_ns = in->ctime_ns;
}

/* A structured report, packed again for the caller (mm.proto's ReportData). */
static int pack_report_data(const Mm__ReportData *rd, struct report_rest *rest)
{
	size_t len = mm__report_data__get_packed_size(rd);
	uint8_t *buf = malloc(len ? len : 1);

	if (!buf)
		return -ENOMEM;
	mm__report_data__pack(rd, buf);
	free(*rest->buf);
	*rest->buf = buf;
	*rest->len = len;
	rest->more = 0;
	return 0;
}

/*
 * A part of a structured report too big for a reply, appended to the
 * caller's buffer: the first sets the packing's size and digest; a
 * later one of another packing (mmd made the report anew) marks the
 * parts so far stale.
 */
static int take_report_part(const Mm__Reply *r, struct report_rest *rest)
{
	const Mm__ReportDataPart *part = r->report_data_part;
	uint8_t *buf;

	if (!*rest->buf) {
		rest->size = part->size;
		rest->digest = part->digest;
		*rest->len = 0;
		*rest->buf = malloc(part->size ? part->size : 1);
		if (!*rest->buf)
			return -ENOMEM;
	} else if (part->size != rest->size || part->digest != rest->digest) {
		rest->stale = true;
		return 0;
	}
	if (*rest->len + part->data.len + r->more != rest->size ||
	    (!part->data.len && r->more))
		return -EBADMSG; /* parts that do not add up */
	buf = *rest->buf;
	memcpy(buf + *rest->len, part->data.data, part->data.len);
	*rest->len += part->data.len;
	rest->more = r->more;
	return 0;
}

static bool result_is(const Mm__Reply *r, Mm__Reply__ResultCase want)
{
	return r->result_case == want;
}

/* Copy a successful reply's result to where the call asked for it. */
static int fill_result(struct mmc *c, const Mm__Reply *r,
		       const struct pending *p)
{
	switch (p->kind) {
	case RES_NONE:
		return 0;
	case RES_PFN:
		if (!result_is(r, MM__REPLY__RESULT_PFN))
			break;
		*(unsigned long *)p->out = r->pfn;
		return 0;
	case RES_ADDR:
		if (!result_is(r, MM__REPLY__RESULT_ADDR))
			break;
		*(uint64_t *)p->out = r->addr;
		return 0;
	case RES_VALUE:
		if (!result_is(r, MM__REPLY__RESULT_VALUE))
			break;
		*(uint64_t *)p->out = r->value;
		return 0;
	case RES_CACHE:
		if (!result_is(r, MM__REPLY__RESULT_CACHE))
			break;
		*(uint64_t *)p->out = r->cache;
		return 0;
	case RES_PHYS:
		if (!result_is(r, MM__REPLY__RESULT_PHYS))
			break;
		*(uint64_t *)p->out = r->phys;
		return 0;
	case RES_SIZE:
		if (!result_is(r, MM__REPLY__RESULT_SIZE))
			break;
		*(size_t *)p->out = r->size;
		return 0;
	case RES_DATA:
		/* With out2, a shorter reply is whole too: its length. */
		if (!result_is(r, MM__REPLY__RESULT_DATA) ||
		    (p->out2 ? r->data.len > p->len : r->data.len != p->len))
			break;
		if (r->data.len)
			memcpy(p->out, r->data.data, r->data.len);
		if (p->out2)
			*(size_t *)p->out2 = r->data.len;
		return 0;
	case RES_TEXT:
		if (!result_is(r, MM__REPLY__RESULT_TEXT))
			break;
		*(char **)p->out = strdup(r->text);
		if (p->out2)
			((struct report_rest *)p->out2)->more = r->more;
		return *(char **)p->out ? 0 : -ENOMEM;
	case RES_REGION:
		if (!result_is(r, MM__REPLY__RESULT_REGION))
			break;
		*(uint64_t *)p->out = r->region->phys;
		*(uint64_t *)p->out2 = r->region->size;
		return 0;
	case RES_HELLO:
		if (!result_is(r, MM__REPLY__RESULT_HELLO))
			break;
		return fill_hello(c, r->hello);
	case RES_CHECK:
		if (!result_is(r, MM__REPLY__RESULT_CHECK))
			break;
		((struct mmc_check *)p->out)->free_pages = r->check->free_pages;
		((struct mmc_check *)p->out)->nr_tasks = r->check->nr_tasks;
		((struct mmc_check *)p->out)->exits = r->check->exits;
		((struct mmc_check *)p->out)->leaked_blocks =
			r->check->leaked_blocks;
		((struct mmc_check *)p->out)->leaked_objects =
			r->check->leaked_objects;
		return 0;
	case RES_FREE_PAGES:
		if (!result_is(r, MM__REPLY__RESULT_FREE_PAGES))
			break;
		*(unsigned long *)p->out = r->free_pages;
		return 0;
	case RES_SESSIONS:
		if (!result_is(r, MM__REPLY__RESULT_SESSIONS))
			break;
		return fill_sessions(r->sessions, p);
	case RES_PID:
		if (!result_is(r, MM__REPLY__RESULT_PID))
			break;
		*(int *)p->out = r->pid;
		return 0;
	case RES_MALLINFO:
		if (!result_is(r, MM__REPLY__RESULT_MALLINFO))
			break;
		fill_mallinfo(r->mallinfo, p->out);
		return 0;
	case RES_FD:
		if (!result_is(r, MM__REPLY__RESULT_FD))
			break;
		*(int *)p->out = r->fd;
		return 0;
	case RES_OFFSET:
		if (!result_is(r, MM__REPLY__RESULT_OFFSET))
			break;
		*(uint64_t *)p->out = r->offset;
		return 0;
	case RES_STAT:
		if (!result_is(r, MM__REPLY__RESULT_STAT))
			break;
		fill_stat(r->stat, p->out);
		return 0;
	case RES_REPORT_DATA:
		/* An mmd older than structured reports sends the text. */
		if (result_is(r, MM__REPLY__RESULT_TEXT)) {
			snprintf(c->errmsg, sizeof(c->errmsg),
				 "this mmd sends reports as text only");
			return -EOPNOTSUPP;
		}
		if (result_is(r, MM__REPLY__RESULT_REPORT_DATA_PART))
			return take_report_part(r, p->out);
		if (!result_is(r, MM__REPLY__RESULT_REPORT_DATA))
			break;
		return pack_report_data(r->report_data, p->out);
	case RES_MEMPOLICY:
		if (!result_is(r, MM__REPLY__RESULT_MEMPOLICY))
			break;
		if (p->out)
			*(int *)p->out = r->mempolicy->mode;
		for (size_t w = 0; p->out2 && w < p->len; w++)
			((unsigned long *)p->out2)[w] =
				w < r->mempolicy->n_nmask
					? (unsigned long)r->mempolicy->nmask[w]
					: 0;
		return 0;
	case RES_MOVE_PAGES:
		if (!result_is(r, MM__REPLY__RESULT_MOVE_PAGES) ||
		    r->move_pages->n_status != p->len)
			break;
		/* A status the call left as it was stays the caller's. */
		for (size_t i = 0; i < p->len; i++)
			if (r->move_pages->status[i] != INT32_MIN)
				((int *)p->out)[i] = r->move_pages->status[i];
		return (int)r->move_pages->not_migrated;
	}
	snprintf(c->errmsg, sizeof(c->errmsg),
		 "the reply to request %llu lacks its result",
		 (unsigned long long)p->id);
	return -EBADMSG;
}

static int record_status(struct mmc *c, int status)
{
	if (!c->pipelining) {
		c->last_status = status;
		return 0;
	}
	if (c->nr_statuses == c->statuses_cap) {
		size_t cap = c->statuses_cap ? c->statuses_cap * 2 : 64;
		int *s = realloc(c->statuses, cap * sizeof(*s));

		if (!s)
			return -ENOMEM;
		c->statuses = s;
		c->statuses_cap = cap;
	}
	c->statuses[c->nr_statuses++] = status;
	return 0;
}

/* A user access the kernel answered with a signal: its out2 says so. */
static void fill_fault(const Mm__Fault *f, const struct pending *p)
{
	struct mmc_fault *out = p->out2;

	if ((p->kind != RES_DATA && p->kind != RES_NONE) || !out)
		return;
	out->signo = f->signo;
	out->code = f->code;
	out->addr = f->addr;
}

/* The head of the queue is answered (or lost, with r NULL). */
static void complete(struct mmc *c, const Mm__Reply *r, int lost)
{
	const struct pending *p = &c->q[c->head++];
	int status = lost;

	if (!r)
		copy_str(c->errmsg, sizeof(c->errmsg), c->connmsg);
	if (r) {
		status = r->status;
		if (status < 0 && result_is(r, MM__REPLY__RESULT_FAULT))
			fill_fault(r->fault, p);
		/* A failure that still says an address: brk's break. */
		if (status < 0 && p->kind == RES_ADDR && p->out &&
		    result_is(r, MM__REPLY__RESULT_ADDR))
			*(uint64_t *)p->out = r->addr;
		if (status < 0)
			copy_str(c->errmsg, sizeof(c->errmsg), r->message);
		else if (status > 0)
			status = -EBADMSG;
		else
			status = fill_result(c, r, p);
	}
	if (c->head == c->tail)
		c->head = c->tail = 0;
	if (record_status(c, status))
		fail_connection(c, -ENOMEM, "out of memory for statuses");
}

static void handle_reply(struct mmc *c, const uint8_t *body, uint32_t len)
{
	Mm__Reply *r = codec_unpack_reply(&c->arena, len, body);

	if (!r) {
		pb_arena_reset(&c->arena);
		fail_connection(c, -EBADMSG,
				"mmd sent a frame that is not a "
				"Reply");
		return;
	}
	if (r->id == 0 && r->result_case == MM__REPLY__RESULT_EVENT)
		deliver_event(c, r->event);
	else if (c->head == c->tail)
		fail_connection(c, -EBADMSG, "a reply to no request");
	else if (r->id != 0 && r->id != c->q[c->head].id)
		fail_connection(c, -EBADMSG, "a reply out of order");
	else
		complete(c, r, 0);
	pb_arena_reset(&c->arena);
}

/* Decode every complete frame read so far. */
static void handle_input(struct mmc *c)
{
	const uint8_t *body;
	uint32_t len;
	int rc;

	while ((rc = frame_next(&c->in, c->max_frame, &body, &len)) == 1) {
		handle_reply(c, body, len);
		frame_consume(&c->in, len);
	}
	if (rc < 0)
		fail_connection(c, -EMSGSIZE, "mmd sent an oversized frame");
}

/* One read; blocking or not. 0, -EAGAIN, or the connection's end. */
static int read_some(struct mmc *c, bool block)
{
	ssize_t n;

	if (frame_buf_reserve(&c->in, 64 * 1024))
		return fail_connection(c, -ENOMEM, "out of memory");
	n = recv(c->fd, c->in.data + c->in.len, c->in.cap - c->in.len,
		 block ? 0 : MSG_DONTWAIT);
	if (n > 0) {
		c->in.len += (size_t)n;
		handle_input(c);
		return 0;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return -EAGAIN;
	if (n == 0)
		return fail_connection(c, -ECONNRESET,
				       "mmd closed the connection");
	return fail_connection(c, -errno, strerror(errno));
}

/* One write without blocking. 0, -EAGAIN, or the connection's end. */
static int write_some(struct mmc *c)
{
	ssize_t n = send(c->fd, c->out.data + c->out.start,
			 frame_buf_used(&c->out), MSG_DONTWAIT | MSG_NOSIGNAL);

	if (n >= 0) {
		c->out.start += (size_t)n;
		if (c->out.start == c->out.len)
			c->out.start = c->out.len = 0;
		return 0;
	}
	if (errno == EAGAIN || errno == EINTR)
		return -EAGAIN;
	n = -errno;
	/* mmd may have said why it hung up (a refusal): read that first. */
	while (!c->err && read_some(c, false) == 0)
		;
	return fail_connection(c, (int)n, strerror((int)-n));
}

/* Send everything queued, reading replies meanwhile so mmd never stalls. */
static int flush(struct mmc *c)
{
	while (frame_buf_used(&c->out) && !c->err) {
		struct pollfd pfd = {c->fd, POLLIN | POLLOUT, 0};

		if (write_some(c) != -EAGAIN)
			continue;
		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			return fail_connection(c, -errno, strerror(errno));
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
			read_some(c, false);
	}
	return c->err;
}

/* Send, then wait until every queued request has its reply. */
static int collect(struct mmc *c)
{
	flush(c);
	while (c->head != c->tail && !c->err)
		read_some(c, true);
	/* Whatever is still queued will never be answered. */
	while (c->head != c->tail)
		complete(c, NULL, c->err);
	return c->err;
}

static int enqueue(struct mmc *c, const Mm__Request *rq, struct pending p)
{
	int err;

	if (c->tail == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct pending *q = realloc(c->q, cap * sizeof(*q));

		if (!q)
			return -ENOMEM;
		c->q = q;
		c->cap = cap;
	}
	err = codec_append(&c->out, &rq->base, c->max_frame);
	if (err) {
		snprintf(c->errmsg, sizeof(c->errmsg),
			 err == -EMSGSIZE ? "the request exceeds the frame "
					    "limit"
					  : "out of memory");
		return err;
	}
	c->q[c->tail++] = p;
	return 0;
}

/* Make one call: queue it, and unless pipelining, wait for its reply. */
static int call(struct mmc *c, Mm__Request *rq, struct pending p)
{
	int err;

	if (c->err)
		return c->err;
	rq->id = p.id = c->next_id++;
	/* Not even queued: that fails at once, pipelining or not. */
	err = enqueue(c, rq, p);
	if (err)
		return err;
	if (c->pipelining) {
		if (frame_buf_used(&c->out) >= PIPELINE_PUSH)
			flush(c);
		return 0;
	}
	c->errmsg[0] = '\0';
	collect(c);
	return c->last_status;
}

/*
 * One sender per row of the operation table (proto/ops.def): the
 * request with the row's operation, made (or queued, pipelining) with
 * its reply's result going to out (and out2, len where the result says).
 */
#define OP(NAME, field, Type, RESULT, FLAGS)                                   \
	typedef Mm__##Type msg_##field;                                        \
	static inline int send_##field(struct mmc *c, Mm__##Type *a,           \
				       void *out, void *out2, size_t len)      \
	{                                                                      \
		Mm__Request rq = MM__REQUEST__INIT;                            \
                                                                               \
		rq.op_case = MM__REQUEST__OP_##NAME;                           \
		rq.field = a;                                                  \
		return call(                                                   \
			c, &rq,                                                \
			(struct pending){0, RES_##RESULT, out, out2, len});    \
	}
#include "proto/ops.def"

/* Whether a row of the table is an admin request (mmctl's "(admin)"). */
bool mmc_op_is_admin(const char *name)
{
	static const struct {
		const char *name;
		unsigned int flags;
	} rows[] = {
#define OP(NAME, field, Type, RESULT, FLAGS) {#field, FLAGS},
#include "proto/ops.def"
	};

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (!strcmp(rows[i].name, name))
			return rows[i].flags & OP_ADMIN;
	return false;
}

int mmc_pipeline_begin(struct mmc *c)
{
	if (c->pipelining)
		return -EALREADY;
	c->pipelining = true;
	c->nr_statuses = 0;
	return 0;
}

static int report_rest_fetch(struct mmc *c, struct report_rest *rest);
static int report_data_fetch(struct mmc *c, struct report_rest *rest);

/* The pipeline's reports that came in parts get their other parts. */
static void finish_reports(struct mmc *c)
{
	while (c->rests) {
		struct report_rest *rest = c->rests;
		int err = 0;

		c->rests = rest->next;
		if (rest->buf && *rest->buf && !c->err)
			err = report_data_fetch(c, rest);
		else if (rest->text && *rest->text && !c->err)
			err = report_rest_fetch(c, rest);
		if (err && rest->index < c->nr_statuses)
			c->statuses[rest->index] = err;
		free(rest);
	}
}

int mmc_pipeline_end(struct mmc *c, int *statuses, size_t n)
{
	size_t done;

	if (!c->pipelining)
		return -EINVAL;
	collect(c);
	c->pipelining = false;
	finish_reports(c);
	done = c->nr_statuses;
	for (size_t i = 0; i < done && i < n; i++)
		statuses[i] = c->statuses[i];
	c->nr_statuses = 0;
	return c->err ? c->err : (int)done;
}

int mmc_process_events(struct mmc *c)
{
	unsigned long before = c->nr_events;

	while (!c->err && read_some(c, false) == 0)
		;
	if (c->nr_events != before)
		return (int)(c->nr_events - before);
	return c->err;
}

static int connect_socket(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd, err;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(connect_errmsg, sizeof(connect_errmsg),
			 "socket path %s is too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
		return fd;
	err = -errno;
	close(fd);
	snprintf(connect_errmsg, sizeof(connect_errmsg),
		 "cannot connect to mmd at %s: %s", path, strerror(-err));
	return err;
}

static int hello(struct mmc *c, const struct mmc_options *o)
{
	Mm__Hello h = MM__HELLO__INIT;
	int err;

	h.version = MMC_PROTOCOL_VERSION;
	h.comm = (char *)(o && o->comm ? o->comm : "");
	h.cpu = o ? o->cpu : 0;
	h.oom_score_adj = o ? o->oom_score_adj : 0;
	err = send_hello(c, &h, NULL, NULL, 0);
	if (err)
		copy_str(connect_errmsg, sizeof(connect_errmsg), c->errmsg);
	return err;
}

int mmc_connect(const char *path, const struct mmc_options *opts,
		struct mmc **cp)
{
	struct mmc *c;
	int fd, err;

	*cp = NULL;
	connect_errmsg[0] = '\0';
	if (!path)
		path = getenv("MMD_SOCKET");
	if (!path || !path[0])
		path = MMC_DEFAULT_SOCKET;
	fd = connect_socket(path);
	if (fd < 0)
		return fd;
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return -ENOMEM;
	}
	c->fd = fd;
	c->next_id = 1;
	c->max_frame = DEFAULT_MAX_FRAME;
	frame_buf_init(&c->in);
	frame_buf_init(&c->out);
	pb_arena_init(&c->arena);
	err = hello(c, opts);
	if (err) {
		mmc_close(c);
		return err;
	}
	*cp = c;
	return 0;
}

void mmc_close(struct mmc *c)
{
	if (!c)
		return;
	close(c->fd);
	frame_buf_free(&c->in);
	frame_buf_free(&c->out);
	pb_arena_reset(&c->arena);
	free(c->q);
	free(c->statuses);
	while (c->rests) {
		struct report_rest *rest = c->rests;

		c->rests = rest->next;
		free(rest);
	}
	free(c);
}

/*
 * The public calls of client/calls.def: each row becomes mmc_<name>(),
 * whose parameters fill the message of its operation (msg_<field>, from
 * proto/ops.def) and whose out-parameters take the reply's result.
 * CALL_EACH applies a macro to every item of a row; CALL_PARAM makes an
 * item its parameter (", type name"), CALL_SET its part of the body.
 */
#define CALL_EACH(f, ...)                                                      \
	CALL_EACH_N(__VA_ARGS__, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1)(f, __VA_ARGS__)
#define CALL_EACH_N(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, N, ...)           \
	CALL_EACH_##N
#define CALL_EACH_1(f, x)	f(x)
#define CALL_EACH_2(f, x, ...)	f(x) CALL_EACH_1(f, __VA_ARGS__)
#define CALL_EACH_3(f, x, ...)	f(x) CALL_EACH_2(f, __VA_ARGS__)
#define CALL_EACH_4(f, x, ...)	f(x) CALL_EACH_3(f, __VA_ARGS__)
#define CALL_EACH_5(f, x, ...)	f(x) CALL_EACH_4(f, __VA_ARGS__)
#define CALL_EACH_6(f, x, ...)	f(x) CALL_EACH_5(f, __VA_ARGS__)
#define CALL_EACH_7(f, x, ...)	f(x) CALL_EACH_6(f, __VA_ARGS__)
#define CALL_EACH_8(f, x, ...)	f(x) CALL_EACH_7(f, __VA_ARGS__)
#define CALL_EACH_9(f, x, ...)	f(x) CALL_EACH_8(f, __VA_ARGS__)
#define CALL_EACH_10(f, x, ...) f(x) CALL_EACH_9(f, __VA_ARGS__)

#define WAIT (SET, timeout_ms, c->timeout_ms)

#define CALL_PARAM(item)		    CALL_PARAM_ item
#define CALL_PARAM_(kind, ...)		    CALL_PARAM_##kind(__VA_ARGS__)
#define CALL_PARAM_ARG(type, member)	    , type member
#define CALL_PARAM_STR(member)		    , const char *member
#define CALL_PARAM_CAST(type, member, wire) , type member
#define CALL_PARAM_SET(member, value)
#define CALL_PARAM_OUT(type, name)  , type name
#define CALL_PARAM_OUT2(type, name) , type name

#define CALL_SET(item)			  CALL_SET_ item
#define CALL_SET_(kind, ...)		  CALL_SET_##kind(__VA_ARGS__)
#define CALL_SET_ARG(type, member)	  a.member = member;
#define CALL_SET_STR(member)		  a.member = (char *)(member ? member : "");
#define CALL_SET_CAST(type, member, wire) a.member = (wire)member;
#define CALL_SET_SET(member, value)	  a.member = value;
#define CALL_SET_OUT(type, name)	  out = name;
#define CALL_SET_OUT2(type, name)	  out2 = name;

#define CALL(name, field, msg, ...)                                            \
	int mmc_##name(struct mmc *c CALL_EACH(CALL_PARAM, __VA_ARGS__))       \
	{                                                                      \
		msg_##field a;                                                 \
		void *out = NULL, *out2 = NULL;                                \
                                                                               \
		mm__##msg##__init(&a);                                         \
		CALL_EACH(CALL_SET, __VA_ARGS__)                               \
		return send_##field(c, &a, out, out2, 0);                      \
	}
#define CALL0(name, field, msg)                                                \
	int mmc_##name(struct mmc *c)                                          \
	{                                                                      \
		msg_##field a;                                                 \
                                                                               \
		mm__##msg##__init(&a);                                         \
		return send_##field(c, &a, NULL, NULL, 0);                     \
	}
#include "client/calls.def"
#undef WAIT

/* ---- page allocator */

int mmc___get_free_page(struct mmc *c, gfp_t gfp, uint64_t *addr)
{
	return mmc___get_free_pages(c, gfp, 0, addr);
}

int mmc_get_zeroed_page(struct mmc *c, gfp_t gfp, uint64_t *addr)
{
	return mmc___get_free_pages(c, gfp | __GFP_ZERO, 0, addr);
}

int mmc_free_page(struct mmc *c, uint64_t addr)
{
	return mmc_free_pages_addr(c, addr, 0);
}

int mmc___free_pages(struct mmc *c, unsigned long page, unsigned int order)
{
	return mmc_free_pages(c, page, order);
}

/* ---- slab caches and kmalloc */

/* As the kernel's kzalloc: kmalloc with __GFP_ZERO, one request. */
int mmc_kzalloc(struct mmc *c, size_t size, gfp_t gfp, uint64_t *addr)
{
	return mmc_kmalloc(c, size, gfp | __GFP_ZERO, addr);
}

/* ---- vmalloc area */

int mmc_vmap(struct mmc *c, const unsigned long *pfns, unsigned int count,
	     uint64_t *addr)
{
	Mm__Vmap a = MM__VMAP__INIT;
	uint64_t *list = malloc((count ? count : 1) * sizeof(*list));
	int err;

	if (!list)
		return -ENOMEM;
	for (unsigned int i = 0; i < count; i++)
		list[i] = pfns[i];
	a.n_pfns = count;
	a.pfns = list;
	err = send_vmap(c, &a, addr, NULL, 0);
	free(list); /* packed into the frame already */
	return err;
}

/* ---- execution context */

int mmc_atomic_enter(struct mmc *c, enum mmc_section kind, uint64_t *flags)
{
	Mm__Section a = MM__SECTION__INIT;
	uint64_t ignored;

	a.kind = (Mm__SectionKind)kind;
	return send_atomic_enter(c, &a, flags ? flags : &ignored, NULL, 0);
}

#define SECTION_PAIR(enter, exit, KIND)                                        \
	int mmc_##enter(struct mmc *c)                                         \
	{                                                                      \
		return mmc_atomic_enter(c, KIND, NULL);                        \
	}                                                                      \
	int mmc_##exit(struct mmc *c)                                          \
	{                                                                      \
		return mmc_atomic_exit(c, KIND, 0);                            \
	}
SECTION_PAIR(preempt_disable, preempt_enable, MMC_SECTION_PREEMPT)
SECTION_PAIR(local_irq_disable, local_irq_enable, MMC_SECTION_IRQ)
SECTION_PAIR(local_bh_disable, local_bh_enable, MMC_SECTION_BH)
SECTION_PAIR(spin_lock, spin_unlock, MMC_SECTION_SPIN_LOCK)
SECTION_PAIR(spin_lock_irq, spin_unlock_irq, MMC_SECTION_SPIN_LOCK_IRQ)
SECTION_PAIR(spin_lock_bh, spin_unlock_bh, MMC_SECTION_SPIN_LOCK_BH)

int mmc_local_irq_save(struct mmc *c, uint64_t *flags)
{
	return mmc_atomic_enter(c, MMC_SECTION_IRQSAVE, flags);
}

int mmc_local_irq_restore(struct mmc *c, uint64_t flags)
{
	return mmc_atomic_exit(c, MMC_SECTION_IRQSAVE, flags);
}

int mmc_spin_lock_irqsave(struct mmc *c, uint64_t *flags)
{
	return mmc_atomic_enter(c, MMC_SECTION_SPIN_LOCK_IRQSAVE, flags);
}

int mmc_spin_unlock_irqrestore(struct mmc *c, uint64_t flags)
{
	return mmc_atomic_exit(c, MMC_SECTION_SPIN_LOCK_IRQSAVE, flags);
}

int mmc_interrupt_exit(struct mmc *c, enum mmc_interrupt kind, uint64_t *leaked)
{
	Mm__Interrupt a = MM__INTERRUPT__INIT;
	uint64_t ignored;

	a.kind = (Mm__InterruptKind)kind;
	return send_irq_exit(c, &a, leaked ? leaked : &ignored, NULL, 0);
}

#define INTERRUPT_PAIR(name, KIND)                                             \
	int mmc_##name##_enter(struct mmc *c, unsigned int cpu)                \
	{                                                                      \
		return mmc_interrupt_enter(c, KIND, cpu);                      \
	}                                                                      \
	int mmc_##name##_exit(struct mmc *c, uint64_t *leaked)                 \
	{                                                                      \
		return mmc_interrupt_exit(c, KIND, leaked);                    \
	}
INTERRUPT_PAIR(irq, MMC_HARDIRQ)
INTERRUPT_PAIR(softirq, MMC_SOFTIRQ)
INTERRUPT_PAIR(nmi, MMC_NMI)

/* ---- static per-CPU variables */

static void per_cpu_var(Mm__PerCpuVar *a, const char *name, unsigned int cpu,
			Mm__ThisCpuOp op, uint64_t value)
{
	mm__per_cpu_var__init(a);
	a->name = (char *)name;
	a->cpu = cpu;
	a->op = op;
	a->value = value;
}

static int this_cpu(struct mmc *c, const char *name, Mm__ThisCpuOp op,
		    uint64_t arg, uint64_t *value)
{
	Mm__PerCpuVar a;
	uint64_t ignored;

	per_cpu_var(&a, name, 0, op, arg);
	return send_this_cpu_op(c, &a, value ? value : &ignored, NULL, 0);
}

int mmc_this_cpu_read(struct mmc *c, const char *name, uint64_t *value)
{
	return this_cpu(c, name, MM__THIS_CPU_OP__THIS_CPU_READ, 0, value);
}

int mmc_this_cpu_write(struct mmc *c, const char *name, uint64_t value)
{
	return this_cpu(c, name, MM__THIS_CPU_OP__THIS_CPU_WRITE, value, NULL);
}

int mmc_this_cpu_add(struct mmc *c, const char *name, uint64_t value)
{
	return this_cpu(c, name, MM__THIS_CPU_OP__THIS_CPU_ADD, value, NULL);
}

int mmc_this_cpu_inc(struct mmc *c, const char *name)
{
	return this_cpu(c, name, MM__THIS_CPU_OP__THIS_CPU_INC, 0, NULL);
}

/* ---- bytes */

static int read_call(struct mmc *c,
		     int (*send)(struct mmc *, Mm__Read *, void *, void *,
				 size_t),
		     uint64_t addr, void *buf, size_t len)
{
	Mm__Read a = MM__READ__INIT;

	if (len > UINT32_MAX)
		return -EINVAL;
	a.addr = addr;
	a.len = (uint32_t)len;
	return send(c, &a, buf, NULL, len);
}

static int write_call(struct mmc *c,
		      int (*send)(struct mmc *, Mm__Write *, void *, void *,
				  size_t),
		      uint64_t addr, const void *buf, size_t len)
{
	Mm__Write a = MM__WRITE__INIT;

	a.addr = addr;
	a.data.data = (uint8_t *)buf;
	a.data.len = len;
	return send(c, &a, NULL, NULL, 0);
}

int mmc_read(struct mmc *c, uint64_t addr, void *buf, size_t len)
{
	return read_call(c, send_read, addr, buf, len);
}

int mmc_write(struct mmc *c, uint64_t addr, const void *buf, size_t len)
{
	return write_call(c, send_write, addr, buf, len);
}

int mmc_read_phys(struct mmc *c, uint64_t phys, void *buf, size_t len)
{
	return read_call(c, send_read_phys, phys, buf, len);
}

int mmc_write_phys(struct mmc *c, uint64_t phys, const void *buf, size_t len)
{
	return write_call(c, send_write_phys, phys, buf, len);
}

/* ---- processes and address spaces */

static void clear_fault(struct mmc_fault *fault)
{
	if (fault)
		memset(fault, 0, sizeof(*fault));
}

int mmc_read_vm(struct mmc *c, int pid, uint64_t addr, void *buf, size_t len,
		struct mmc_fault *fault)
{
	Mm__ReadVm a = MM__READ_VM__INIT;

	if (len > UINT32_MAX)
		return -EINVAL;
	clear_fault(fault);
	a.pid = pid;
	a.addr = addr;
	a.len = (uint32_t)len;
	return send_read_vm(c, &a, buf, fault, len);
}

int mmc_write_vm(struct mmc *c, int pid, uint64_t addr, const void *buf,
		 size_t len, struct mmc_fault *fault)
{
	Mm__WriteVm a = MM__WRITE_VM__INIT;

	clear_fault(fault);
	a.pid = pid;
	a.addr = addr;
	a.data.data = (uint8_t *)buf;
	a.data.len = len;
	return send_write_vm(c, &a, NULL, fault, 0);
}

int mmc_exec_vm(struct mmc *c, int pid, uint64_t addr, size_t len,
		struct mmc_fault *fault)
{
	Mm__ReadVm a = MM__READ_VM__INIT;

	if (len > UINT32_MAX)
		return -EINVAL;
	clear_fault(fault);
	a.pid = pid;
	a.addr = addr;
	a.len = (uint32_t)len;
	return send_exec_vm(c, &a, NULL, fault, 0);
}

int mmc_pagemap(struct mmc *c, int pid, uint64_t addr, size_t count,
		uint64_t *entries, size_t *nr)
{
	Mm__Pagemap a = MM__PAGEMAP__INIT;
	size_t bytes = 0;
	int err;

	if (!count || count > SIZE_MAX / 8)
		return -EINVAL;
	a.pid = pid;
	a.addr = addr;
	a.count = count;
	err = send_pagemap(c, &a, entries, &bytes, count * 8);
	*nr = err ? 0 : bytes / 8;
	for (size_t i = 0; i < *nr; i++)
		entries[i] = le64toh(entries[i]);
	return err;
}

int mmc_mlock(struct mmc *c, int pid, uint64_t addr, uint64_t len)
{
	return mmc_mlock2(c, pid, addr, len, 0);
}

/* One mincore request, its vector of pages bytes straight into vec. */
static int mincore_one(struct mmc *c, int pid, uint64_t addr, uint64_t len,
		       unsigned char *vec, uint64_t pages)
{
	Mm__Mincore a = MM__MINCORE__INIT;

	a.pid = pid;
	a.addr = addr;
	a.len = len;
	return send_mincore(c, &a, vec, NULL, (size_t)pages);
}

/*
 * A vector longer than a reply frame holds goes in frame-sized pieces,
 * in address order, so any range Linux takes works; a piece that fails
 * stops there with its error, the bytes before it filled, as Linux's
 * do_mincore fills vec as it goes. A range the daemon refuses whole
 * (unaligned, wrapping) goes as one request, for its errno.
 */
int mmc_mincore(struct mmc *c, int pid, uint64_t addr, uint64_t len,
		unsigned char *vec)
{
	uint64_t ps = c->info.page_size ? c->info.page_size : 4096;
	uint64_t pages = len / ps + (len % ps != 0);
	uint64_t room = c->max_frame > 64 ? c->max_frame - 64 : 1;

	if (pages <= room || addr % ps || len > UINT64_MAX - addr)
		return mincore_one(c, pid, addr, len, vec, pages);
	while (len) {
		uint64_t n = pages < room ? pages : room;
		uint64_t bytes = n * ps < len ? n * ps : len;
		int err = mincore_one(c, pid, addr, bytes, vec, n);

		if (err)
			return err;
		addr += bytes;
		len -= bytes;
		vec += n;
		pages -= n;
	}
	return 0;
}

/* ---- struct page, visible */

/* A read of count u64 entries; *nr gets how many came (cut at RAM's end). */
static int kpage_args(struct mmc *c, uint64_t pfn, size_t count,
		      Mm__KPageRange *a)
{
	(void)c;
	if (!count || count > SIZE_MAX / 8)
		return -EINVAL;
	a->pfn = pfn;
	a->count = count;
	return 0;
}

int mmc_kpageflags(struct mmc *c, uint64_t pfn, size_t count, uint64_t *flags,
		   size_t *nr)
{
	Mm__KPageRange a = MM__KPAGE_RANGE__INIT;
	size_t bytes = 0;
	int err = kpage_args(c, pfn, count, &a);

	if (!err)
		err = send_kpageflags(c, &a, flags, &bytes, count * 8);
	*nr = err ? 0 : bytes / 8;
	return err;
}

int mmc_kpagecount(struct mmc *c, uint64_t pfn, size_t count, uint64_t *counts,
		   size_t *nr)
{
	Mm__KPageRange a = MM__KPAGE_RANGE__INIT;
	size_t bytes = 0;
	int err = kpage_args(c, pfn, count, &a);

	if (!err)
		err = send_kpagecount(c, &a, counts, &bytes, count * 8);
	*nr = err ? 0 : bytes / 8;
	return err;
}

static int frame_cells(struct mmc *c, uint64_t start_pfn, uint64_t nr_pages,
		       size_t cells, bool pageblocks, uint8_t *map, size_t *nr)
{
	Mm__FrameCells a = MM__FRAME_CELLS__INIT;
	size_t bytes = 0;
	int err = 0;

	if (!cells || cells > UINT32_MAX)
		err = -EINVAL;
	a.start_pfn = start_pfn;
	a.nr_pages = nr_pages;
	a.cells = (uint32_t)cells;
	a.pageblocks = pageblocks;
	if (!err)
		err = send_frame_cells(c, &a, map, &bytes, cells);
	*nr = err ? 0 : bytes;
	return err;
}

int mmc_frame_cells(struct mmc *c, uint64_t start_pfn, uint64_t nr_pages,
		    size_t cells, uint8_t *map, size_t *nr)
{
	return frame_cells(c, start_pfn, nr_pages, cells, false, map, nr);
}

int mmc_pageblock_cells(struct mmc *c, uint64_t start_pfn, uint64_t nr_pages,
			size_t cells, uint8_t *map, size_t *nr)
{
	return frame_cells(c, start_pfn, nr_pages, cells, true, map, nr);
}

int mmc_slab_sysfs(struct mmc *c, const char *cache, char **text)
{
	Mm__SlabSysfs a = MM__SLAB_SYSFS__INIT;

	*text = NULL;
	a.cache = (char *)cache;
	return send_slab_sysfs(c, &a, text, NULL, 0);
}

/* ---- NUMA */

/* The words of a user nodemask of maxnode - 1 bits (NULL: none). */
static size_t nodemask_words(const unsigned long *nodemask,
			     unsigned long maxnode)
{
	size_t words;

	if (!nodemask || maxnode <= 1)
		return 0;
	words = (maxnode - 1 + 63) / 64;
	/* The machine refuses above a page of bits: send what shows it. */
	return words > 513 ? 513 : words;
}

int mmc_set_mempolicy(struct mmc *c, int pid, int mode,
		      const unsigned long *nodemask, unsigned long maxnode)
{
	Mm__SetMempolicy a = MM__SET_MEMPOLICY__INIT;

	a.pid = pid;
	a.mode = mode;
	a.n_nmask = nodemask_words(nodemask, maxnode);
	a.nmask = (uint64_t *)nodemask;
	a.maxnode = maxnode;
	return send_set_mempolicy(c, &a, NULL, NULL, 0);
}

int mmc_get_mempolicy(struct mmc *c, int pid, int *mode,
		      unsigned long *nodemask, unsigned long maxnode,
		      uint64_t addr, unsigned long flags)
{
	Mm__GetMempolicy a = MM__GET_MEMPOLICY__INIT;
	size_t words = nodemask_words(nodemask, maxnode);

	a.pid = pid;
	a.maxnode = maxnode;
	a.addr = addr;
	a.flags = (uint32_t)flags;
	a.want_nmask = nodemask != NULL;
	return send_get_mempolicy(c, &a, mode, nodemask,
				  words > 512 ? 512 : words);
}

int mmc_mbind(struct mmc *c, int pid, uint64_t addr, uint64_t len, int mode,
	      const unsigned long *nodemask, unsigned long maxnode,
	      unsigned int flags)
{
	Mm__Mbind a = MM__MBIND__INIT;

	a.pid = pid;
	a.addr = addr;
	a.len = len;
	a.mode = mode;
	a.n_nmask = nodemask_words(nodemask, maxnode);
	a.nmask = (uint64_t *)nodemask;
	a.maxnode = maxnode;
	a.flags = flags;
	return send_mbind(c, &a, NULL, NULL, 0);
}

int mmc_migrate_pages(struct mmc *c, int pid, unsigned long maxnode,
		      const unsigned long *old_nodes,
		      const unsigned long *new_nodes, unsigned long *left)
{
	Mm__MigratePages a = MM__MIGRATE_PAGES__INIT;
	uint64_t v = 0;
	int err;

	a.pid = pid;
	a.maxnode = maxnode;
	a.n_old_nodes = nodemask_words(old_nodes, maxnode);
	a.old_nodes = (uint64_t *)old_nodes;
	a.n_new_nodes = nodemask_words(new_nodes, maxnode);
	a.new_nodes = (uint64_t *)new_nodes;
	err = send_migrate_pages(c, &a, &v, NULL, 0);
	if (!err && left)
		*left = (unsigned long)v;
	return err;
}

int mmc_move_pages(struct mmc *c, int pid, unsigned long count,
		   const uint64_t *pages, const int *nodes, int *status,
		   int flags)
{
	Mm__MovePages a = MM__MOVE_PAGES__INIT;

	a.pid = pid;
	a.n_pages = count;
	a.pages = (uint64_t *)pages;
	a.n_nodes = nodes ? count : 0;
	a.nodes = (int32_t *)nodes;
	a.flags = flags;
	return send_move_pages(c, &a, status, NULL, count);
}

/* ---- files */

int mmc_creat(struct mmc *c, int pid, const char *path, unsigned int mode,
	      int *fd)
{
	return mmc_open(c, pid, path, O_CREAT | O_WRONLY | O_TRUNC, mode, fd);
}

int mmc_sys_read(struct mmc *c, int pid, int fd, void *buf, size_t count,
		 size_t *done)
{
	Mm__FileRead a = MM__FILE_READ__INIT;

	a.pid = pid;
	a.fd = fd;
	a.count = count;
	return send_sys_read(c, &a, buf, done, count);
}

int mmc_pread64(struct mmc *c, int pid, int fd, void *buf, size_t count,
		int64_t offset, size_t *done)
{
	Mm__FileRead a = MM__FILE_READ__INIT;

	a.pid = pid;
	a.fd = fd;
	a.count = count;
	a.offset = offset;
	return send_pread64(c, &a, buf, done, count);
}

int mmc_sys_write(struct mmc *c, int pid, int fd, const void *buf, size_t count,
		  size_t *done)
{
	Mm__FileWrite a = MM__FILE_WRITE__INIT;

	a.pid = pid;
	a.fd = fd;
	a.data.data = (uint8_t *)buf;
	a.data.len = count;
	return send_sys_write(c, &a, done, NULL, 0);
}

int mmc_pwrite64(struct mmc *c, int pid, int fd, const void *buf, size_t count,
		 int64_t offset, size_t *done)
{
	Mm__FileWrite a = MM__FILE_WRITE__INIT;

	a.pid = pid;
	a.fd = fd;
	a.data.data = (uint8_t *)buf;
	a.data.len = count;
	a.offset = offset;
	return send_pwrite64(c, &a, done, NULL, 0);
}

int mmc_ioctl(struct mmc *c, int pid, int fd, unsigned int cmd, void *arg,
	      size_t len)
{
	Mm__Ioctl a = MM__IOCTL__INIT;
	size_t done = 0;

	a.pid = pid;
	a.fd = fd;
	a.cmd = cmd;
	a.arg.data = arg;
	a.arg.len = len;
	return send_ioctl(c, &a, arg, &done, len);
}

/* ---- reports and admin */

/* The parts of a report after those in *rest->text, appended to it. */
static int report_rest_fetch(struct mmc *c, struct report_rest *rest)
{
	size_t have = strlen(*rest->text);

	while (rest->more) {
		Mm__Report a = rest->args;
		char *part = NULL, *joined;
		size_t len;
		int err;

		a.offset = have;
		rest->more = 0;
		err = send_report(c, &a, &part, rest, 0);
		len = part ? strlen(part) : 0;
		if (!err && !len && rest->more)
			err = -EBADMSG; /* a part that brings nothing */
		joined = err ? NULL : realloc(*rest->text, have + len + 1);
		if (!joined) {
			free(part);
			free(*rest->text);
			*rest->text = NULL;
			return err ? err : -ENOMEM;
		}
		memcpy(joined + have, part, len + 1);
		free(part);
		*rest->text = joined;
		have += len;
	}
	return 0;
}

/* TRANSLATE with tr (NULL: CPL 3, the selector), or any other report. */
static int report_translated(struct mmc *c, enum mmc_report kind, int pid,
			     unsigned int selector, uint64_t addr,
			     const Mm__Translation *tr, char **text)
{
	Mm__Report a = MM__REPORT__INIT;
	struct report_rest one = {0}, *rest = &one;
	int err;

	a.kind = (Mm__ReportKind)kind;
	a.pid = pid;
	a.selector = selector;
	a.addr = addr;
	*text = NULL;
	if (c->pipelining) {
		/* Its other parts are asked for when the pipeline ends. */
		rest = calloc(1, sizeof(*rest));
		if (!rest)
			return -ENOMEM;
		rest->index = c->nr_statuses + (c->tail - c->head);
		rest->next = c->rests;
		c->rests = rest;
	}
	rest->args = a;
	if (tr) {
		rest->translation = *tr;
		snprintf(rest->sreg, sizeof(rest->sreg), "%s",
			 tr->sreg ? tr->sreg : "");
		rest->translation.sreg = rest->sreg;
		rest->args.translation = &rest->translation;
		a.translation = &rest->translation;
	}
	rest->text = text;
	err = send_report(c, &a, text, rest, 0);
	if (err || c->pipelining)
		return err;
	return report_rest_fetch(c, rest);
}

int mmc_report_at(struct mmc *c, enum mmc_report kind, int pid,
		  unsigned int selector, uint64_t addr, char **text)
{
	return report_translated(c, kind, pid, selector, addr, NULL, text);
}

int mmc_page_owners(struct mmc *c, unsigned long pfn, char **text)
{
	return report_translated(c, MMC_REPORT_PAGE_OWNERS, 0, 0, pfn, NULL,
				 text);
}

int mmc_translate(struct mmc *c, int pid, const char *sreg,
		  unsigned int selector, uint32_t offset, unsigned int cpl,
		  char **text)
{
	Mm__Translation tr = MM__TRANSLATION__INIT;
	char name[4] = "";

	*text = NULL;
	if (sreg && strlen(sreg) >= sizeof(name))
		return -EINVAL;
	if (sreg)
		snprintf(name, sizeof(name), "%s", sreg);
	tr.cpl = cpl;
	tr.sreg = name;
	return report_translated(c, MMC_REPORT_TRANSLATE, pid, selector, offset,
				 &tr, text);
}

int mmc_report_part(struct mmc *c, enum mmc_report kind, int pid,
		    uint64_t offset, char **text, uint64_t *more)
{
	Mm__Report a = MM__REPORT__INIT;
	struct report_rest rest = {0};
	int err;

	*text = NULL;
	*more = 0;
	if (c->pipelining)
		return -EINVAL; /* *more would be known only at its end */
	a.kind = (Mm__ReportKind)kind;
	a.pid = pid;
	a.offset = offset;
	err = send_report(c, &a, text, &rest, 0);
	*more = rest.more;
	return err;
}

int mmc_report_pid(struct mmc *c, enum mmc_report kind, int pid, char **text)
{
	return mmc_report_at(c, kind, pid, 0, 0, text);
}

int mmc_report_data(struct mmc *c, enum mmc_report kind, int pid, void **buf,
		    size_t *len)
{
	return mmc_report_data_at(c, kind, pid, 0, buf, len);
}

/* One request of a structured report: the part at rest->args.offset. */
static int report_data_ask(struct mmc *c, struct report_rest *rest)
{
	Mm__Request rq = MM__REQUEST__INIT;
	Mm__Report a = rest->args;

	rq.op_case = MM__REQUEST__OP_REPORT;
	rq.report = &a;
	return call(c, &rq,
		    (struct pending){0, RES_REPORT_DATA, rest, NULL, 0});
}

/* Parts a structured report goes back to its start for, at most. */
#define REPORT_DATA_RESTARTS 4

/*
 * The parts of a structured report after the first, appended; a part
 * of another packing (mmd no longer kept the one begun) starts it
 * again, a few times, then -EAGAIN.
 */
static int report_data_fetch(struct mmc *c, struct report_rest *rest)
{
	unsigned int restarts = 0;
	int err = 0;

	while (!err && (rest->more || rest->stale)) {
		if (rest->stale) {
			free(*rest->buf);
			*rest->buf = NULL;
			*rest->len = 0;
			rest->stale = false;
			if (++restarts > REPORT_DATA_RESTARTS) {
				snprintf(c->errmsg, sizeof(c->errmsg),
					 "the report changed while read in "
					 "parts, %u times",
					 REPORT_DATA_RESTARTS);
				return -EAGAIN;
			}
		}
		rest->args.offset = *rest->len;
		rest->more = 0;
		err = report_data_ask(c, rest);
	}
	if (err) {
		free(*rest->buf);
		*rest->buf = NULL;
		*rest->len = 0;
	}
	return err;
}

/*
 * A structured report asked for with args (kind, pid, addr, selector)
 * and, for TRANSLATE, tr (copied into its rest, which may outlive the
 * call in a pipeline).
 */
static int report_data_begin(struct mmc *c, const Mm__Report *args,
			     const Mm__Translation *tr, void **buf, size_t *len)
{
	struct report_rest one = {0}, *rest = &one;
	int err;

	*buf = NULL;
	*len = 0;
	if (c->pipelining) {
		/* Its other parts are asked for when the pipeline ends. */
		rest = calloc(1, sizeof(*rest));
		if (!rest)
			return -ENOMEM;
		rest->index = c->nr_statuses + (c->tail - c->head);
		rest->next = c->rests;
		c->rests = rest;
	}
	rest->args = *args;
	rest->args.structured = true;
	if (tr) {
		rest->translation = *tr;
		snprintf(rest->sreg, sizeof(rest->sreg), "%s",
			 tr->sreg ? tr->sreg : "");
		rest->translation.sreg = rest->sreg;
		rest->args.translation = &rest->translation;
	}
	rest->buf = buf;
	rest->len = len;
	err = report_data_ask(c, rest);
	if (c->pipelining)
		return err;
	if (!err)
		err = report_data_fetch(c, rest);
	else {
		free(*buf);
		*buf = NULL;
		*len = 0;
	}
	return err;
}

int mmc_report_data_at(struct mmc *c, enum mmc_report kind, int pid,
		       uint64_t addr, void **buf, size_t *len)
{
	Mm__Report a = MM__REPORT__INIT;

	a.kind = (Mm__ReportKind)kind;
	a.pid = pid;
	a.addr = addr;
	return report_data_begin(c, &a, NULL, buf, len);
}

int mmc_translate_data(struct mmc *c, int pid, const char *sreg,
		       unsigned int selector, uint32_t offset, unsigned int cpl,
		       void **buf, size_t *len)
{
	Mm__Report a = MM__REPORT__INIT;
	Mm__Translation tr = MM__TRANSLATION__INIT;

	*buf = NULL;
	*len = 0;
	if (sreg && strlen(sreg) >= 4)
		return -EINVAL;
	tr.cpl = cpl;
	tr.sreg = (char *)(sreg ? sreg : "");
	a.kind = MM__REPORT_KIND__REPORT_TRANSLATE;
	a.pid = pid;
	a.selector = selector;
	a.addr = offset;
	return report_data_begin(c, &a, &tr, buf, len);
}

int mmc_report(struct mmc *c, enum mmc_report kind, char **text)
{
	return mmc_report_pid(c, kind, 0, text);
}

int mmc_admin_sessions(struct mmc *c, struct mmc_session **list, size_t *n)
{
	Mm__AdminSessions a = MM__ADMIN_SESSIONS__INIT;

	*list = NULL;
	*n = 0;
	return send_admin_sessions(c, &a, list, n, 0);
}

int mmc_admin_khugepaged(struct mmc *c, unsigned int pages_to_scan,
			 int max_ptes_none, bool scan, unsigned long *collapsed)
{
	Mm__AdminKhugepaged a = MM__ADMIN_KHUGEPAGED__INIT;
	uint64_t v = 0;
	int err;

	a.pages_to_scan = pages_to_scan;
	a.set_max_ptes_none = max_ptes_none >= 0;
	a.max_ptes_none = max_ptes_none >= 0 ? (uint32_t)max_ptes_none : 0;
	a.scan = scan;
	err = send_admin_khugepaged(c, &a, &v, NULL, 0);
	if (!err && collapsed)
		*collapsed = (unsigned long)v;
	return err;
}
