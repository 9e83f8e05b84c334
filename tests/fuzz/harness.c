/* SPDX-License-Identifier: MIT */
/*
 * harness.c - what the session harnesses (fuzz_session.c, raw bytes;
 * fuzz_requests.c, decoded requests) share: mmd's own frame reader,
 * decoder and dispatch serving clients that are not on a socket, on a
 * live machine.
 *
 * Owns: a daemon without a socket (mmd_init, with a connection of its own
 * behind d->conn), the sessions an input speaks through, a bystander
 * session, and what is checked after an input. Byte 0 of an input picks
 * the layout and how the first session's connection takes replies (all
 * at once, a few bytes, or later). After an input, with its sessions
 * gone: free pages after dropping caches are back at their baseline,
 * every reply the daemon wrote is a well-formed frame (with the request
 * ids in order for the bystander), the bystander's object and page still
 * hold the bytes it wrote, and the invariant checker is clean. Any of
 * these failing aborts, which libFuzzer reports as a crash. Must never:
 * run the loop (nothing here is timed) or open a socket.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/check.h"
#include "core/err.h"
#include "core/fs/fs.h"
#include "core/mm.h"
#include "core/page_alloc.h"
#include "core/slab.h"
#include "core/task.h"
#include "core/vmscan.h"
#include "daemon/server.h"
#include "tests/fuzz/harness.h"

/*
 * Two small machines: x86_64 with swap and a device region; i386 with
 * HighMem, 8 pkmap slots, an MMZ region, 1 KiB frames and tight limits,
 * so that refusals, waits and quota errors are a few bytes away.
 */
static const char *const layouts_yaml[] = {
	"machine: {name: fuzz-x86_64, arch: x86_64, cpus: 2, memory: 32M}\n"
	"zones:\n"
	"  - {name: DMA, start: 0, end: 16M}\n"
	"  - {name: DMA32, start: 16M, end: 32M}\n"
	"kernel: {image_size: 4M}\n"
	"swap: {size: 4M}\n"
	"devices:\n"
	"  - {name: dev0, start: 0xe0000000, size: 64K}\n",

	"machine: {name: fuzz-i386, arch: i386, cpus: 2, memory: 48M}\n"
	"zones:\n"
	"  - {name: DMA, start: 0, end: 16M}\n"
	"  - {name: Normal, start: 16M, end: 32M}\n"
	"  - {name: HighMem, start: 32M, end: 48M}\n"
	"kernel: {image_size: 4M, pkmap_slots: 8}\n"
	"swap: {size: 4M}\n"
	"mmz:\n"
	"  - {name: media, start: 24M, size: 4M}\n"
	"devices:\n"
	"  - {name: dev0, start: 0x20000000, size: 64K}\n"
	"daemon: {max_frame_bytes: 1K}\n"
	"limits: {pages: 512, objects: 64, requests: 8}\n",
};
#define NR_LAYOUTS (sizeof(layouts_yaml) / sizeof(layouts_yaml[0]))
_Static_assert(NR_LAYOUTS == FUZZ_NR_LAYOUTS, "harness.h");

/* How the fake connection takes what the daemon writes. */
enum write_mode { TAKE_ALL, TAKE_SOME, TAKE_LATER, NR_WRITE_MODES };

#define MAX_PENDING 64
#define MAX_CLOSED  (FUZZ_NR_SESSIONS + 1)
/* Wire slots: the fuzzed sessions', then each daemon's bystander's. */
#define NR_SLOTS  (FUZZ_NR_SESSIONS + (int)NR_LAYOUTS)
#define BYSTANDER (FUZZ_NR_SESSIONS + (int)(fz.d - fz.daemons))

struct fuzz {
	uv_loop_t loop;
	/* A daemon per layout, each with its machine and bystander: an
	 * input switches by pointing d at another, with no boot. */
	struct mmd daemons[NR_LAYOUTS];
	struct mmd *d;
	struct layout layouts[NR_LAYOUTS];
	enum write_mode mode; /* for the session in slot 0 alone */
	struct session *fuzzed[FUZZ_NR_SESSIONS];
	struct write_req *pending[MAX_PENDING];
	unsigned int nr_pending;
	struct session *closed[MAX_CLOSED];
	unsigned int nr_closed;
	struct frame_buf wire[NR_SLOTS]; /* what each session was sent */
	struct session *wire_of[NR_SLOTS];
};

static struct fuzz fz;

#define DIE(...)                                                               \
	do {                                                                   \
		fprintf(stderr, "fuzz_session: " __VA_ARGS__);                 \
		fputc('\n', stderr);                                           \
		abort();                                                       \
	} while (0)

/* ---- the connection: bytes written land in wire[], closes wait */

static struct frame_buf *wire_of(const struct session *s)
{
	for (int i = 0; i < NR_SLOTS; i++)
		if (fz.wire_of[i] == s)
			return &fz.wire[i];
	DIE("a write for a session the harness does not know");
}

static void take(struct session *s, const uint8_t *p, size_t len)
{
	struct frame_buf *b = wire_of(s);

	if (frame_buf_reserve(b, len))
		DIE("out of memory");
	memcpy(b->data + b->len, p, len);
	b->len += len;
}

static void fake_read(struct session *s, bool on)
{
	(void)s;
	(void)on;
}

static int fake_try_write(struct session *s, const uint8_t *p, size_t len)
{
	size_t n = len;

	if (s == fz.fuzzed[0] && fz.mode == TAKE_LATER)
		return UV_EAGAIN;
	if (s == fz.fuzzed[0] && fz.mode == TAKE_SOME)
		n = len > 7 ? 7 : len;
	take(s, p, n);
	return (int)n;
}

static int fake_write(struct session *s, struct write_req *w)
{
	(void)s;
	if (fz.nr_pending == MAX_PENDING)
		return UV_ENOBUFS;
	fz.pending[fz.nr_pending++] = w;
	return 0;
}

static void fake_close(struct session *s)
{
	if (fz.nr_closed == MAX_CLOSED)
		DIE("more closes than sessions");
	fz.closed[fz.nr_closed++] = s;
}

static const struct conn_ops fake_ops = {
	.read = fake_read,
	.try_write = fake_try_write,
	.write = fake_write,
	.close = fake_close,
};

/* Finish the writes in flight, in order; each may start more. */
static void complete_writes(void)
{
	while (fz.nr_pending) {
		struct write_req *w = fz.pending[0];

		memmove(fz.pending, fz.pending + 1,
			--fz.nr_pending * sizeof(fz.pending[0]));
		take(w->s, w->data, w->len);
		session_written(w, 0);
	}
}

/* What the loop does between turns: kswapd, then waiting requests. */
static void loop_turn(void)
{
	complete_writes();
	if (kswapd_wanted(fz.d->m))
		kswapd_run(fz.d->m);
	session_retry_parked(fz.d, false);
	complete_writes();
}

static void free_closed(void)
{
	complete_writes();
	for (unsigned int i = 0; i < fz.nr_closed; i++)
		session_free(fz.closed[i]);
	fz.nr_closed = 0;
}

/* ---- sessions */

static void send_bytes(struct session *s, const uint8_t *p, size_t len)
{
	if (s->closing || !len)
		return;
	if (frame_buf_reserve(&s->in, len))
		DIE("out of memory");
	memcpy(s->in.data + s->in.len, p, len);
	s->in.len += len;
	session_received(s);
	loop_turn();
}

static void send_request(struct session *s, Mm__Request *rq)
{
	struct frame_buf b;

	frame_buf_init(&b);
	if (frame_append(&b, &rq->base, UINT32_MAX))
		DIE("cannot pack a request");
	send_bytes(s, b.data, b.len);
	frame_buf_free(&b);
}

static Mm__Reply *check_wire(int slot, bool ids_rise);

/* The Hello in slot failed as a fork does when memory or pids run out. */
static bool hello_short_of(int slot)
{
	Mm__Reply *rep = check_wire(slot, false);
	bool short_of =
		rep && (rep->status == -ENOMEM || rep->status == -EAGAIN);

	if (rep)
		mm__reply__free_unpacked(rep, NULL);
	return short_of;
}

/* A session with its Hello answered: root and admin, or uid 1000. */
static struct session *open_session(int slot, const char *comm, bool root)
{
	struct session *s = session_new(fz.d);
	Mm__Request rq = MM__REQUEST__INIT;
	Mm__Hello hello = MM__HELLO__INIT;

	if (!s)
		DIE("out of memory");
	fz.wire_of[slot] = s;
	fz.wire[slot].start = fz.wire[slot].len = 0;
	s->uid = root ? 0 : 1000;
	s->gid = root ? 0 : 1000;
	s->host_pid = 1;
	s->admin = root;
	session_start(s);
	hello.version = MMD_PROTOCOL_VERSION;
	hello.comm = (char *)comm;
	/* The bystander is never the OOM killer's victim: its bytes are
	 * what an input must not touch, so it must outlive every input. */
	if (slot >= FUZZ_NR_SESSIONS)
		hello.oom_score_adj = -1000;
	rq.id = 1;
	rq.op_case = MM__REQUEST__OP_HELLO;
	rq.hello = &hello;
	send_request(s, &rq);
	/* Refused only while an admin's shutdown is pending (it closes),
	 * or when memory or pids ran out, as fork(2) may fail. */
	if (!s->pid && !(fz.d->stopping && s->closing) && !hello_short_of(slot))
		DIE("Hello did not make %s a process", comm);
	return s;
}

/*
 * The replies in a session's wire, each a frame holding a Reply; ids of
 * replies to requests rise (the harness and valid seeds number their
 * requests upwards; ids 0 are events and refusals). The last reply is
 * returned, to be freed by the caller.
 */
static Mm__Reply *check_wire(int slot, bool ids_rise)
{
	struct frame_buf *b = &fz.wire[slot];
	Mm__Reply *last = NULL;
	uint64_t prev = 0;
	const uint8_t *body;
	uint32_t len;

	while (frame_next(b, UINT32_MAX, &body, &len) == 1) {
		if (len > fz.d->max_frame)
			DIE("a reply of %u bytes, over the %u-byte frame limit",
			    len, fz.d->max_frame);
		if (last)
			mm__reply__free_unpacked(last, NULL);
		last = mm__reply__unpack(NULL, len, body);
		if (!last)
			DIE("the daemon wrote a frame that is not a Reply");
		if (ids_rise && last->id && last->id < prev)
			DIE("reply %llu after reply %llu",
			    (unsigned long long)last->id,
			    (unsigned long long)prev);
		if (last->id)
			prev = last->id;
		frame_consume(b, len);
	}
	return last;
}

/* One request of the bystander, answered; its reply, status 0. */
static Mm__Reply *call(struct session *s, Mm__Request *rq)
{
	Mm__Reply *rep;

	send_request(s, rq);
	rep = check_wire(BYSTANDER, true);
	if (!rep || rep->id != rq->id || rep->status)
		DIE("the bystander's request %llu failed: %d %s",
		    (unsigned long long)rq->id, rep ? rep->status : 0,
		    rep && rep->message ? rep->message : "");
	return rep;
}

/* ---- the bystander: an object and a page with known bytes */

struct bystander {
	struct session *s;
	uint64_t obj, page;
	uint8_t bytes[64];
	uint64_t next_id;
};

static uint64_t call_u64(struct bystander *b, Mm__Request *rq)
{
	Mm__Reply *rep;
	uint64_t v;

	rq->id = ++b->next_id;
	rep = call(b->s, rq);
	v = rep->result_case == MM__REPLY__RESULT_PFN ? rep->pfn : rep->addr;
	mm__reply__free_unpacked(rep, NULL);
	return v;
}

static void bystander_write(struct bystander *b, uint64_t addr)
{
	Mm__Request rq = MM__REQUEST__INIT;
	Mm__Write wr = MM__WRITE__INIT;

	wr.addr = addr;
	wr.data.data = b->bytes;
	wr.data.len = sizeof(b->bytes);
	rq.op_case = MM__REQUEST__OP_WRITE;
	rq.write = &wr;
	call_u64(b, &rq);
}

static void bystander_open(struct bystander *b)
{
	Mm__Request rq = MM__REQUEST__INIT;
	Mm__Kmalloc km = MM__KMALLOC__INIT;
	Mm__AllocPages ap = MM__ALLOC_PAGES__INIT;

	b->next_id = 1;
	b->s = open_session(BYSTANDER, "bystander", true);
	for (unsigned int i = 0; i < sizeof(b->bytes); i++)
		b->bytes[i] = (uint8_t)(0xa5 ^ (i * 29));
	km.size = sizeof(b->bytes);
	km.gfp = GFP_KERNEL;
	rq.op_case = MM__REQUEST__OP_KMALLOC;
	rq.kmalloc = &km;
	b->obj = call_u64(b, &rq);
	ap.gfp = GFP_KERNEL;
	rq.op_case = MM__REQUEST__OP_ALLOC_PAGES;
	rq.alloc_pages = &ap;
	b->page = fz.d->m->layout.kernel.page_offset +
		  call_u64(b, &rq) * fz.d->m->page_size;
	bystander_write(b, b->obj);
	bystander_write(b, b->page);
}

static void bystander_verify(struct bystander *b, uint64_t addr)
{
	Mm__Request rq = MM__REQUEST__INIT;
	Mm__Read rd = MM__READ__INIT;
	Mm__Reply *rep;

	rd.addr = addr;
	rd.len = sizeof(b->bytes);
	rq.id = ++b->next_id;
	rq.op_case = MM__REQUEST__OP_READ;
	rq.read = &rd;
	rep = call(b->s, &rq);
	if (rep->result_case != MM__REPLY__RESULT_DATA ||
	    rep->data.len != sizeof(b->bytes) ||
	    memcmp(rep->data.data, b->bytes, sizeof(b->bytes)))
		DIE("another session changed the bystander's bytes at %#llx",
		    (unsigned long long)addr);
	mm__reply__free_unpacked(rep, NULL);
}

/* ---- the machine */

static void check_machine(const char *when)
{
	char why[256];

	if (machine_check(fz.d->m, why, sizeof(why)))
		DIE("machine_check %s: %s", when, why);
}

/* The daemon of layout which, its machine booted anew. */
static void reboot(unsigned int which)
{
	const struct layout *l = &fz.layouts[which];

	fz.d = &fz.daemons[which];
	machine_destroy(fz.d->m);
	fz.d->m = machine_create(l);
	if (IS_ERR(fz.d->m))
		DIE("cannot boot %s", l->name);
}

static void load_layouts(void)
{
	static struct config_errors errs;
	char line[640];

	for (unsigned int i = 0; i < NR_LAYOUTS; i++) {
		if (config_load_string("fuzz-layout", layouts_yaml[i],
				       strlen(layouts_yaml[i]), &fz.layouts[i],
				       &errs) == 0)
			continue;
		config_error_format(&errs.err[0], line, sizeof(line));
		DIE("%s", line);
	}
}

static struct bystander by[NR_LAYOUTS];
static unsigned long baseline[NR_LAYOUTS];
static void bystander_start(unsigned int which);

static void init_once(void)
{
	if (fz.d)
		return;
	load_layouts();
	if (uv_loop_init(&fz.loop))
		DIE("cannot set up a loop");
	for (unsigned int i = 0; i < NR_LAYOUTS; i++) {
		fz.d = &fz.daemons[i];
		if (mmd_init(fz.d, &fz.layouts[i], &fz.loop))
			DIE("cannot set up the daemon of %s",
			    fz.layouts[i].name);
		fz.d->conn = &fake_ops;
		bystander_start(i);
	}
}

/* A session's end, whatever state it was left in. */
static void end_session(struct session *s)
{
	if (!s->closing)
		session_eof(s);
	loop_turn();
	if (!s->closing)
		session_close(s, NULL);
	free_closed();
}

/* An admin may have asked the daemon to stop: the next input must not. */
static void undo_stop(void)
{
	uv_timer_stop(&fz.d->stop_timer);
	fz.d->stopping = false;
}

/*
 * Free pages, and the kernel's page tables: a table the kernel makes for
 * its vmalloc area stays once made, as on Linux, so a page may move from
 * free to there. Every other page must come back.
 */
static unsigned long free_or_kernel_tables(const struct machine *m)
{
	return global_free_pages(m) + (unsigned long)m->node_stat[NR_PAGETABLE];
}

/* The bystander of layout which, in its machine; the baseline taken. */
static void bystander_start(unsigned int which)
{
	fz.d = &fz.daemons[which];
	bystander_open(&by[which]);
	drop_caches(fz.d->m);
	baseline[which] = free_or_kernel_tables(fz.d->m);
}

/* The daemon, bystander and baseline the input runs with. */
#define BY	 (&by[fz.d - fz.daemons])
#define BASELINE (baseline[fz.d - fz.daemons])

struct session *fuzz_open(unsigned int slot)
{
	static const char *const names[] = {"fuzzed", "fuzzed1", "user"};

	_Static_assert(sizeof(names) / sizeof(names[0]) == FUZZ_NR_SESSIONS,
		       "a name per session");
	slot %= FUZZ_NR_SESSIONS;
	if (!fz.fuzzed[slot])
		fz.fuzzed[slot] =
			open_session((int)slot, names[slot], slot < 2);
	return fz.fuzzed[slot];
}

struct session *fuzz_begin(uint8_t opts)
{
	unsigned int which = FUZZ_LAYOUT(opts);

	init_once();
	fz.d = &fz.daemons[which];
	if (by[which].s)
		end_session(by[which].s);
	by[which].s = NULL;
	reboot(which);
	bystander_start(which);
	fz.mode = (enum write_mode)((opts >> 1) % NR_WRITE_MODES);
	return fuzz_open(0);
}

void fuzz_begin_reused(uint8_t opts)
{
	unsigned int which = FUZZ_LAYOUT(opts);

	init_once();
	fz.d = &fz.daemons[which];
	if (!by[which].s) {
		reboot(which);
		bystander_start(which);
	}
	fz.mode = (enum write_mode)((opts >> 1) % NR_WRITE_MODES);
}

void fuzz_send(struct session *s, const uint8_t *p, size_t len)
{
	send_bytes(s, p, len);
}

Mm__Reply *fuzz_replies(void)
{
	return check_wire(0, false);
}

const struct machine *fuzz_machine(void)
{
	return fz.d->m;
}

/* The fuzzed sessions' ends, and what their wires carried. */
static void end_fuzzed(void)
{
	for (unsigned int i = 0; i < FUZZ_NR_SESSIONS; i++)
		if (fz.fuzzed[i] && !fz.fuzzed[i]->closing)
			session_eof(fz.fuzzed[i]);
	loop_turn();
	for (unsigned int i = 0; i < FUZZ_NR_SESSIONS; i++)
		if (fz.fuzzed[i] && !fz.fuzzed[i]->closing)
			session_close(fz.fuzzed[i], NULL);
	/* Every session closed is freed here, none before. */
	free_closed();
	for (unsigned int i = 0; i < FUZZ_NR_SESSIONS; i++) {
		Mm__Reply *last;

		if (!fz.fuzzed[i])
			continue;
		fz.fuzzed[i] = NULL;
		last = check_wire((int)i, false);
		if (last)
			mm__reply__free_unpacked(last, NULL);
		fz.wire_of[i] = NULL;
	}
	undo_stop();
}

static void check_baseline(unsigned int sessions_left)
{
	/* Dirty file and metadata pages stay cached until written: sync. */
	ksys_sync(fz.d->m);
	drop_caches(fz.d->m);
	if (free_or_kernel_tables(fz.d->m) != BASELINE)
		DIE("%lu pages free or kernel tables after the input's "
		    "sessions left, %lu before",
		    free_or_kernel_tables(fz.d->m), BASELINE);
	if (fz.d->nr_sessions != sessions_left ||
	    fz.d->nr_tasks != sessions_left ||
	    fz.d->nr_handles != sessions_left)
		DIE("%u sessions, %u tasks, %u handles left, not %u",
		    fz.d->nr_sessions, fz.d->nr_tasks, fz.d->nr_handles,
		    sessions_left);
}

void fuzz_end(void)
{
	end_fuzzed();
	bystander_verify(BY, BY->obj);
	bystander_verify(BY, BY->page);
	check_baseline(1);
	end_session(BY->s);
	BY->s = NULL;
	check_machine("after every session");
	if (fz.d->nr_sessions || fz.d->nr_tasks || fz.d->nr_handles)
		DIE("%u sessions, %u tasks, %u handles left", fz.d->nr_sessions,
		    fz.d->nr_tasks, fz.d->nr_handles);
}

void fuzz_end_reused(bool full_check)
{
	end_fuzzed();
	bystander_verify(BY, BY->obj);
	bystander_verify(BY, BY->page);
	check_baseline(1);
	if (full_check)
		check_machine("after the input");
}

/* The daemon's log, kept quiet: exits with leaks are the harnesses'
 * daily bread, and printing them would cost more than serving them. */
void mmd_log(const char *fmt, ...)
{
	(void)fmt;
}
