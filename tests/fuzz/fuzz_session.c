/*
 * fuzz_session.c - libFuzzer harness: the bytes one client sends, through
 * mmd's own frame reader, decoder and dispatch, into a live machine.
 *
 * Owns: a daemon without a socket (mmd_init, with a connection of its own
 * behind d->conn) and what it checks after every input. Byte 0 of an input
 * picks the layout and how the connection takes replies (all at once, a
 * few bytes, or later); the rest is what a client sends after its Hello.
 * Each input boots a fresh machine, so a crash reproduces from its input
 * alone. Afterwards, with every session gone: the invariant checker is
 * clean, free pages after dropping caches are back where they were at
 * boot, every reply the daemon wrote is a well-formed frame with the
 * request ids in order, and a bystander session's object and page still
 * hold the bytes it wrote. Any of these failing aborts, which libFuzzer
 * reports as a crash. Must never: run the loop (nothing here is timed) or
 * open a socket.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/check.h"
#include "core/err.h"
#include "core/page_alloc.h"
#include "core/slab.h"
#include "core/task.h"
#include "core/vmscan.h"
#include "daemon/server.h"
#include "tests/fuzz/fuzz_session.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Two small machines: x86_64 with swap and a device region; i386 with
 * HighMem, 8 pkmap slots, an MMZ region, 1 KiB frames and tight limits,
 * so that refusals, waits and quota errors are a few bytes away.
 */
static const char *const layouts_yaml[] = {
	"machine: {name: fuzz-x86_64, arch: x86_64, cpus: 2, memory: 64M}\n"
	"zones:\n"
	"  - {name: DMA, start: 0, end: 16M}\n"
	"  - {name: DMA32, start: 16M, end: 64M}\n"
	"kernel: {image_size: 4M}\n"
	"swap: {size: 4M}\n"
	"devices:\n"
	"  - {name: dev0, start: 0xe0000000, size: 64K}\n",

	"machine: {name: fuzz-i386, arch: i386, cpus: 2, memory: 128M}\n"
	"zones:\n"
	"  - {name: DMA, start: 0, end: 16M}\n"
	"  - {name: Normal, start: 16M, end: 64M}\n"
	"  - {name: HighMem, start: 64M, end: 128M}\n"
	"kernel: {image_size: 4M, pkmap_slots: 8}\n"
	"swap: {size: 4M}\n"
	"mmz:\n"
	"  - {name: media, start: 48M, size: 8M}\n"
	"devices:\n"
	"  - {name: dev0, start: 0x20000000, size: 64K}\n"
	"daemon: {max_frame_bytes: 1K}\n"
	"limits: {pages: 512, objects: 64, requests: 8}\n",
};
#define NR_LAYOUTS (sizeof(layouts_yaml) / sizeof(layouts_yaml[0]))
_Static_assert(NR_LAYOUTS == FUZZ_NR_LAYOUTS, "fuzz_session.h");

/* How the fake connection takes what the daemon writes. */
enum write_mode { TAKE_ALL, TAKE_SOME, TAKE_LATER, NR_WRITE_MODES };

#define MAX_PENDING 64
#define MAX_CLOSED  4

struct fuzz {
	uv_loop_t loop;
	struct mmd d;
	struct layout layouts[NR_LAYOUTS];
	enum write_mode mode;
	struct session *fuzzed; /* the mode applies to it alone */
	struct write_req *pending[MAX_PENDING];
	unsigned int nr_pending;
	struct session *closed[MAX_CLOSED];
	unsigned int nr_closed;
	struct frame_buf wire[2]; /* what each session was sent */
	struct session *wire_of[2];
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
	for (int i = 0; i < 2; i++)
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

	if (s == fz.fuzzed && fz.mode == TAKE_LATER)
		return UV_EAGAIN;
	if (s == fz.fuzzed && fz.mode == TAKE_SOME)
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
	if (kswapd_wanted(fz.d.m))
		kswapd_run(fz.d.m);
	session_retry_parked(&fz.d, false);
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

static struct session *open_session(int slot, const char *comm)
{
	struct session *s = session_new(&fz.d);
	Mm__Request rq = MM__REQUEST__INIT;
	Mm__Hello hello = MM__HELLO__INIT;

	if (!s)
		DIE("out of memory");
	fz.wire_of[slot] = s;
	fz.wire[slot].start = fz.wire[slot].len = 0;
	s->uid = 0;
	s->gid = 0;
	s->host_pid = 1;
	s->admin = true;
	session_start(s);
	hello.version = MMD_PROTOCOL_VERSION;
	hello.comm = (char *)comm;
	rq.id = 1;
	rq.op_case = MM__REQUEST__OP_HELLO;
	rq.hello = &hello;
	send_request(s, &rq);
	if (!s->pid)
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
		if (len > fz.d.max_frame)
			DIE("a reply of %u bytes, over the %u-byte frame limit",
			    len, fz.d.max_frame);
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
	rep = check_wire(1, true);
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
	b->s = open_session(1, "bystander");
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
	b->page = fz.d.m->layout.kernel.page_offset +
		  call_u64(b, &rq) * fz.d.m->page_size;
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

	if (machine_check(fz.d.m, why, sizeof(why)))
		DIE("machine_check %s: %s", when, why);
}

static void boot(unsigned int which)
{
	const struct layout *l = &fz.layouts[which % NR_LAYOUTS];

	machine_destroy(fz.d.m);
	fz.d.l = l;
	fz.d.m = machine_create(l);
	if (IS_ERR(fz.d.m))
		DIE("cannot boot %s", l->name);
	fz.d.max_frame = l->daemon.max_frame_bytes;
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

static void init_once(void)
{
	if (fz.d.m)
		return;
	load_layouts();
	if (uv_loop_init(&fz.loop) || mmd_init(&fz.d, &fz.layouts[0], &fz.loop))
		DIE("cannot set up the daemon");
	fz.d.conn = &fake_ops;
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
	uv_timer_stop(&fz.d.stop_timer);
	fz.d.stopping = false;
}

static struct bystander by;
static unsigned long baseline;

/*
 * Free pages, and the kernel's page tables: a table the kernel makes for
 * its vmalloc area stays once made, as on Linux, so a page may move from
 * free to there. Every other page must come back.
 */
static unsigned long free_or_kernel_tables(const struct machine *m)
{
	return global_free_pages(m) + (unsigned long)m->node_stat[NR_PAGETABLE];
}

struct session *fuzz_begin(uint8_t opts)
{
	init_once();
	boot(FUZZ_LAYOUT(opts));
	drop_caches(fz.d.m);
	baseline = free_or_kernel_tables(fz.d.m);
	bystander_open(&by);
	fz.mode = (enum write_mode)((opts >> 1) % NR_WRITE_MODES);
	fz.fuzzed = open_session(0, "fuzzed");
	return fz.fuzzed;
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
	return fz.d.m;
}

void fuzz_end(void)
{
	Mm__Reply *last;

	end_session(fz.fuzzed);
	fz.fuzzed = NULL;
	last = check_wire(0, false);
	if (last)
		mm__reply__free_unpacked(last, NULL);
	undo_stop();

	bystander_verify(&by, by.obj);
	bystander_verify(&by, by.page);
	end_session(by.s);
	check_machine("after every session");
	drop_caches(fz.d.m);
	if (free_or_kernel_tables(fz.d.m) != baseline)
		DIE("%lu pages free or kernel tables after every session left, "
		    "%lu at boot",
		    free_or_kernel_tables(fz.d.m), baseline);
	if (fz.d.nr_sessions || fz.d.nr_tasks || fz.d.nr_handles)
		DIE("%u sessions, %u tasks, %u handles left", fz.d.nr_sessions,
		    fz.d.nr_tasks, fz.d.nr_handles);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("MM_FUZZ_SEEDS");

	(void)argc;
	(void)argv;
	if (dir)
		exit(fuzz_write_seeds(dir) ? 1 : 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct session *s;

	if (size < 1)
		return 0;
	s = fuzz_begin(data[0]);
	fuzz_send(s, data + 1, size - 1);
	fuzz_end();
	return 0;
}

/* The daemon's log, kept quiet: exits with leaks are this harness's
 * daily bread, and printing them would cost more than serving them. */
void mmd_log(const char *fmt, ...)
{
	(void)fmt;
}
