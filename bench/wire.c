/* SPDX-License-Identifier: MIT */
/*
 * wire.c - round trips to a running mmd over its socket: requests per
 * second and p50/p99 latency of one operation from N connections at a
 * pipeline depth.
 *
 *   wire SOCKET OP CLIENTS DEPTH SECONDS [loop|procs]
 *   OP: kmalloc (kmalloc 64 then kfree), pages (alloc_pages order 0
 *   then free_pages), read (a 4 KiB read of an owned page), ping
 *
 * loop (the default) drives every connection from one process and one
 * epoll loop, as redis-benchmark drives Redis: each connection writes
 * its DEPTH requests at once and the next batch when all are answered.
 * The requests and replies are mm's protobuf, encoded and decoded by the
 * codec libmmclient uses. procs forks one process per connection, each
 * calling libmmclient (pipelined when DEPTH > 1): what CLIENTS programs
 * see; on a machine with fewer CPUs than that it also measures the
 * scheduler.
 *
 * Prints one line: "OP CLIENTS DEPTH REQ_PER_S P50_US P99_US", or
 * "OP CLIENTS DEPTH n/a ERRNO-NAME" when the daemon cannot do OP yet.
 * A latency is one round trip of a whole pipeline; a request is one
 * call (kmalloc and kfree count one each). Owns: nothing but its own
 * figures. Must never: pass or fail on time; bench/wire.sh prints the
 * table.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "client/mmclient.h"
#include "proto/codec.h"
#include "proto/frame.h"

#define MAX_DEPTH   64
#define MAX_CLIENTS 256
#define MAX_SAMPLES (1u << 18)
#define READ_LEN    4096
/* Bytes asked of each recv, as libmmclient asks. */
#define RECV_ROOM (64u * 1024)

enum op { OP_KMALLOC, OP_PAGES, OP_READ, OP_PING };

struct result {
	unsigned long requests;
	unsigned int nr_samples;
	int err;
};

struct samples {
	float *v;
	unsigned int n;
};

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static void add_sample(struct samples *s, double us)
{
	if (s->n < MAX_SAMPLES)
		s->v[s->n++] = (float)us;
}

static int parse_op(const char *name, enum op *op)
{
	static const char *names[] = {"kmalloc", "pages", "read", "ping"};

	for (int i = 0; i < 4; i++) {
		if (!strcmp(name, names[i])) {
			*op = (enum op)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* Alloc-then-free operations run in alternate batches; read and ping not. */
static bool op_pairs(enum op op)
{
	return op == OP_KMALLOC || op == OP_PAGES;
}

/* ---- procs: one process per connection, through libmmclient */

/* What a batch of allocations returned, for the batch that frees them. */
struct taken {
	uint64_t addrs[MAX_DEPTH];
	unsigned long pfns[MAX_DEPTH];
};

/* One round trip of depth calls; returns how many, or -errno. */
static int lib_round_trip(struct mmc *c, enum op op, int depth,
			  struct taken *tk, void *buf, uint64_t read_addr,
			  int *phase)
{
	int st[MAX_DEPTH], n, err = 0;

	if (depth > 1)
		mmc_pipeline_begin(c);
	for (int i = 0; i < depth; i++) {
		switch (op) {
		case OP_KMALLOC:
			err = *phase ? mmc_kfree(c, tk->addrs[i])
				     : mmc_kmalloc(c, 64, GFP_KERNEL,
						   &tk->addrs[i]);
			break;
		case OP_PAGES:
			err = *phase ? mmc_free_pages(c, tk->pfns[i], 0)
				     : mmc_alloc_pages(c, GFP_KERNEL, 0,
						       &tk->pfns[i]);
			break;
		case OP_READ:
			err = mmc_read(c, read_addr, buf, READ_LEN);
			break;
		default:
			err = mmc_ping(c);
			break;
		}
		if (err && depth == 1)
			return err;
	}
	if (op_pairs(op))
		*phase = !*phase;
	if (depth == 1)
		return 1;
	n = mmc_pipeline_end(c, st, MAX_DEPTH);
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++)
		if (st[i])
			return st[i];
	return n;
}

static void lib_child(const char *sock, enum op op, int depth, double secs,
		      int fd)
{
	static float v[MAX_SAMPLES];
	static char buf[READ_LEN];
	struct samples samples = {v, 0};
	struct result res = {0, 0, 0};
	uint64_t read_addr = 0;
	unsigned long pfn = 0;
	struct mmc *c = NULL;
	double start, end, t;
	struct taken tk;
	int phase = 0, n;

	res.err = mmc_connect(sock, NULL, &c);
	if (!res.err && op == OP_READ) {
		res.err = mmc_alloc_pages(c, GFP_KERNEL, 0, &pfn);
		read_addr =
			mmc_info(c)->page_offset + pfn * mmc_info(c)->page_size;
	}
	start = now_us();
	end = start + secs * 1e6;
	for (t = start; !res.err && t < end;) {
		double t2;

		n = lib_round_trip(c, op, depth, &tk, buf, read_addr, &phase);
		if (n < 0) {
			res.err = n;
			break;
		}
		t2 = now_us();
		res.requests += (unsigned long)n;
		add_sample(&samples, t2 - t);
		t = t2;
	}
	/* Give back what the last batch took, and the page read. */
	if (!res.err && phase)
		lib_round_trip(c, op, depth, &tk, buf, read_addr, &phase);
	if (!res.err && op == OP_READ)
		mmc_free_pages(c, pfn, 0);
	if (c)
		mmc_close(c);
	res.nr_samples = samples.n;
	if (write(fd, &res, sizeof(res)) != sizeof(res) ||
	    write(fd, v, samples.n * sizeof(float)) < 0)
		_exit(1);
	_exit(0);
}

static int read_all(int fd, void *p, size_t len)
{
	while (len) {
		ssize_t n = read(fd, p, len);

		if (n <= 0)
			return -1;
		p = (char *)p + n;
		len -= (size_t)n;
	}
	return 0;
}

static int run_procs(const char *sock, enum op op, int clients, int depth,
		     double secs, struct samples *all, unsigned long *requests)
{
	int fds[MAX_CLIENTS], err = 0;

	for (int i = 0; i < clients; i++) {
		int p[2];

		if (pipe(p))
			return -errno;
		if (fork() == 0) {
			close(p[0]);
			lib_child(sock, op, depth, secs, p[1]);
		}
		close(p[1]);
		fds[i] = p[0];
	}
	for (int i = 0; i < clients; i++) {
		struct result r;
		float *more;

		if (read_all(fds[i], &r, sizeof(r)))
			return -EIO;
		more = realloc(all->v, (all->n + r.nr_samples) * sizeof(float));
		if (!more || read_all(fds[i], more + all->n,
				      r.nr_samples * sizeof(float)))
			return -EIO;
		all->v = more;
		all->n += r.nr_samples;
		*requests += r.requests;
		if (r.err)
			err = r.err;
		close(fds[i]);
	}
	while (wait(NULL) > 0)
		;
	return err;
}

/* ---- loop: every connection from one epoll loop, as redis-benchmark */

struct conn {
	int fd;
	struct frame_buf in;
	struct frame_buf out;
	struct pb_arena arena;
	uint64_t next_id;
	int phase;     /* pairs: 0 allocates, 1 frees what it took */
	int awaited;   /* replies the batch in flight still needs */
	bool measured; /* the batch in flight counts */
	bool done;     /* nothing more to send */
	bool want_out; /* EPOLLOUT is on */
	uint64_t vals[MAX_DEPTH];
	uint64_t read_pfn; /* the page a read reads */
	uint64_t read_addr;
	double batch_start;
};

struct loop {
	enum op op;
	int depth;
	int epfd;
	double end;
	double last_done; /* when the last measured batch was answered */
	unsigned long requests;
	struct samples samples;
};

static int queue_request(struct conn *c, enum op op, int phase, int i)
{
	Mm__Request rq = MM__REQUEST__INIT;
	Mm__Kmalloc km = MM__KMALLOC__INIT;
	Mm__Address ad = MM__ADDRESS__INIT;
	Mm__AllocPages ap = MM__ALLOC_PAGES__INIT;
	Mm__FreePages fp = MM__FREE_PAGES__INIT;
	Mm__Read rd = MM__READ__INIT;
	Mm__Ping ping = MM__PING__INIT;

	rq.id = c->next_id++;
	if (op == OP_KMALLOC && !phase) {
		km.size = 64;
		km.gfp = GFP_KERNEL;
		rq.op_case = MM__REQUEST__OP_KMALLOC;
		rq.kmalloc = &km;
	} else if (op == OP_KMALLOC) {
		ad.addr = c->vals[i];
		rq.op_case = MM__REQUEST__OP_KFREE;
		rq.kfree = &ad;
	} else if (op == OP_PAGES && !phase) {
		ap.gfp = GFP_KERNEL;
		rq.op_case = MM__REQUEST__OP_ALLOC_PAGES;
		rq.alloc_pages = &ap;
	} else if (op == OP_PAGES) {
		fp.pfn = c->vals[i];
		rq.op_case = MM__REQUEST__OP_FREE_PAGES;
		rq.free_pages = &fp;
	} else if (op == OP_READ) {
		rd.addr = c->read_addr;
		rd.len = READ_LEN;
		rq.op_case = MM__REQUEST__OP_READ;
		rq.read = &rd;
	} else {
		rq.op_case = MM__REQUEST__OP_PING;
		rq.ping = &ping;
	}
	return codec_append(&c->out, &rq.base, UINT32_MAX);
}

/* Write what is queued; EPOLLOUT while the socket will not take it. */
static int conn_flush(struct loop *lp, struct conn *c)
{
	while (frame_buf_used(&c->out)) {
		ssize_t n = send(c->fd, c->out.data + c->out.start,
				 frame_buf_used(&c->out),
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN)
			return -errno;
		if (n < 0)
			break;
		c->out.start += (size_t)n;
	}
	if (!frame_buf_used(&c->out))
		c->out.start = c->out.len = 0;
	if (c->want_out != (frame_buf_used(&c->out) != 0)) {
		struct epoll_event ev = {EPOLLIN, {.ptr = c}};

		c->want_out = !c->want_out;
		if (c->want_out)
			ev.events |= EPOLLOUT;
		if (epoll_ctl(lp->epfd, EPOLL_CTL_MOD, c->fd, &ev))
			return -errno;
	}
	return 0;
}

/* The next batch, in one write: measured while the run lasts. */
static int send_batch(struct loop *lp, struct conn *c, double now)
{
	bool measured = now < lp->end;

	/* Past the end only what the last batch took is given back. */
	if (!measured && !(op_pairs(lp->op) && c->phase)) {
		c->done = true;
		return 0;
	}
	for (int i = 0; i < lp->depth; i++) {
		int err = queue_request(c, lp->op, c->phase, i);

		if (err)
			return err;
	}
	c->awaited = lp->depth;
	c->measured = measured;
	c->batch_start = now;
	return conn_flush(lp, c);
}

/* One reply of the batch in flight, in order. */
static int take_reply(struct loop *lp, struct conn *c, const Mm__Reply *r)
{
	int i = lp->depth - c->awaited;

	if (r->status)
		return r->status < 0 ? r->status : -EBADMSG;
	if (op_pairs(lp->op) && !c->phase) {
		if (r->result_case == MM__REPLY__RESULT_ADDR)
			c->vals[i] = r->addr;
		else if (r->result_case == MM__REPLY__RESULT_PFN)
			c->vals[i] = r->pfn;
		else
			return -EBADMSG;
	}
	c->awaited--;
	return 0;
}

/* One recv, and every reply it completes. */
static int conn_read(struct loop *lp, struct conn *c)
{
	const uint8_t *body;
	uint32_t len;
	ssize_t n;
	int rc, err = 0;

	if (frame_buf_reserve(&c->in, RECV_ROOM))
		return -ENOMEM;
	n = recv(c->fd, c->in.data + c->in.len, c->in.cap - c->in.len,
		 MSG_DONTWAIT);
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	if (n == 0)
		return -ECONNRESET;
	c->in.len += (size_t)n;
	while ((rc = frame_next(&c->in, UINT32_MAX, &body, &len)) == 1) {
		Mm__Reply *r = codec_unpack_reply(&c->arena, len, body);

		if (!r)
			err = -EBADMSG;
		else if (!c->awaited)
			err = -EPROTO; /* a reply to nothing asked */
		else
			err = take_reply(lp, c, r);
		pb_arena_reset(&c->arena);
		frame_consume(&c->in, len);
		if (err)
			return err;
		if (c->awaited)
			continue;
		/* The whole pipeline is answered. */
		double t = now_us();

		if (c->measured) {
			lp->requests += (unsigned long)lp->depth;
			lp->last_done = t;
			add_sample(&lp->samples, t - c->batch_start);
		}
		if (op_pairs(lp->op))
			c->phase = !c->phase;
		err = send_batch(lp, c, t);
		if (err)
			return err;
	}
	return 0;
}

/* A blocking call for the setup: Hello, the page a read reads. */
static int conn_call(struct conn *c, Mm__Request *rq, Mm__Reply **rep)
{
	const uint8_t *body;
	uint32_t len;
	int err;

	rq->id = c->next_id++;
	err = codec_append(&c->out, &rq->base, UINT32_MAX);
	if (err)
		return err;
	if (send(c->fd, c->out.data, c->out.len, MSG_NOSIGNAL) !=
	    (ssize_t)c->out.len)
		return -EIO;
	c->out.start = c->out.len = 0;
	while (frame_next(&c->in, UINT32_MAX, &body, &len) != 1) {
		ssize_t n;

		if (frame_buf_reserve(&c->in, 4096))
			return -ENOMEM;
		n = recv(c->fd, c->in.data + c->in.len, c->in.cap - c->in.len,
			 0);
		if (n <= 0)
			return -ECONNRESET;
		c->in.len += (size_t)n;
	}
	*rep = codec_unpack_reply(&c->arena, len, body);
	frame_consume(&c->in, len);
	if (!*rep)
		return -EBADMSG;
	return (*rep)->status;
}

static int conn_open(struct conn *c, const char *sock, enum op op)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	Mm__Request rq = MM__REQUEST__INIT;
	Mm__Hello hello = MM__HELLO__INIT;
	Mm__AllocPages ap = MM__ALLOC_PAGES__INIT;
	Mm__Reply *rep;
	uint64_t page_offset, page_size;
	int err;

	memset(c, 0, sizeof(*c));
	frame_buf_init(&c->in);
	frame_buf_init(&c->out);
	pb_arena_init(&c->arena);
	c->next_id = 1;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock);
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0)
		return -errno;
	if (connect(c->fd, (struct sockaddr *)&sun, sizeof(sun)))
		return -errno;
	hello.version = MMC_PROTOCOL_VERSION;
	hello.comm = "wire";
	rq.op_case = MM__REQUEST__OP_HELLO;
	rq.hello = &hello;
	err = conn_call(c, &rq, &rep);
	if (err || rep->result_case != MM__REPLY__RESULT_HELLO)
		return err ? err : -EBADMSG;
	page_offset = rep->hello->page_offset;
	page_size = rep->hello->page_size;
	pb_arena_reset(&c->arena);
	if (op != OP_READ)
		return 0;
	ap.gfp = GFP_KERNEL;
	rq.op_case = MM__REQUEST__OP_ALLOC_PAGES;
	rq.alloc_pages = &ap;
	err = conn_call(c, &rq, &rep);
	if (!err) {
		c->read_pfn = rep->pfn;
		c->read_addr = page_offset + rep->pfn * page_size;
	}
	pb_arena_reset(&c->arena);
	return err;
}

static void conn_close(struct conn *c, enum op op)
{
	Mm__Request rq = MM__REQUEST__INIT;
	Mm__FreePages fp = MM__FREE_PAGES__INIT;
	Mm__Reply *rep;

	if (op == OP_READ && c->read_addr) {
		fp.pfn = c->read_pfn;
		rq.op_case = MM__REQUEST__OP_FREE_PAGES;
		rq.free_pages = &fp;
		conn_call(c, &rq, &rep);
	}
	if (c->fd > 0)
		close(c->fd);
	frame_buf_free(&c->in);
	frame_buf_free(&c->out);
	pb_arena_reset(&c->arena);
}

static int run_loop(const char *sock, enum op op, int clients, int depth,
		    double secs, struct samples *all, unsigned long *requests,
		    double *elapsed)
{
	static struct conn conns[MAX_CLIENTS];
	struct epoll_event evs[MAX_CLIENTS];
	struct loop lp = {
		.op = op, .depth = depth, .epfd = -1, .samples = *all};
	int live = clients, err = 0;
	double start;

	for (int i = 0; i < clients && !err; i++)
		err = conn_open(&conns[i], sock, op);
	lp.epfd = epoll_create1(EPOLL_CLOEXEC);
	for (int i = 0; i < clients && !err; i++) {
		struct epoll_event ev = {EPOLLIN, {.ptr = &conns[i]}};

		if (epoll_ctl(lp.epfd, EPOLL_CTL_ADD, conns[i].fd, &ev))
			err = -errno;
	}
	start = now_us();
	lp.end = start + secs * 1e6;
	for (int i = 0; i < clients && !err; i++)
		err = send_batch(&lp, &conns[i], start);
	while (!err && live) {
		int n = epoll_wait(lp.epfd, evs, MAX_CLIENTS, 1000);

		for (int i = 0; i < n && !err; i++) {
			struct conn *c = evs[i].data.ptr;

			if (evs[i].events & EPOLLOUT)
				err = conn_flush(&lp, c);
			if (!err && !c->done)
				err = conn_read(&lp, c);
			if (!err && c->done) {
				epoll_ctl(lp.epfd, EPOLL_CTL_DEL, c->fd, NULL);
				live--;
			}
		}
	}
	/* Requests are counted from the start to the last measured answer. */
	if (lp.last_done > start)
		*elapsed = (lp.last_done - start) / 1e6;
	for (int i = 0; i < clients; i++)
		conn_close(&conns[i], err ? OP_PING : op);
	close(lp.epfd);
	*all = lp.samples;
	*requests = lp.requests;
	return err;
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct samples all = {NULL, 0};
	unsigned long requests = 0;
	int clients, depth, err;
	double secs, elapsed;
	bool loop = true;
	enum op op;

	if (argc == 7 && !strcmp(argv[6], "procs"))
		loop = false;
	else if (argc == 7 && strcmp(argv[6], "loop"))
		argc = 0;
	if ((argc != 6 && argc != 7) || parse_op(argv[2], &op)) {
		fputs("usage: wire SOCKET kmalloc|pages|read|ping CLIENTS "
		      "DEPTH SECONDS [loop|procs]\n",
		      stderr);
		return 2;
	}
	clients = atoi(argv[3]);
	depth = atoi(argv[4]);
	secs = atof(argv[5]);
	elapsed = secs;
	if (clients < 1 || clients > MAX_CLIENTS || depth < 1 ||
	    depth > MAX_DEPTH || secs <= 0)
		return 2;
	if (loop) {
		all.v = malloc(MAX_SAMPLES * sizeof(float));
		if (!all.v)
			return 1;
		err = run_loop(argv[1], op, clients, depth, secs, &all,
			       &requests, &elapsed);
	} else {
		err = run_procs(argv[1], op, clients, depth, secs, &all,
				&requests);
	}
	if (err || !all.n) {
		printf("%s %d %d n/a %s\n", argv[2], clients, depth,
		       err == -ENOSYS ? "ENOSYS" : mmc_strerror(err));
		free(all.v);
		return 0;
	}
	qsort(all.v, all.n, sizeof(float), cmp_float);
	printf("%s %d %d %.0f %.1f %.1f\n", argv[2], clients, depth,
	       (double)requests / elapsed, all.v[all.n / 2],
	       all.v[all.n * 99 / 100]);
	free(all.v);
	return 0;
}
