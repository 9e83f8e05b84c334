/* SPDX-License-Identifier: MIT */
/*
 * replay.c - replaying a trace and checking what the allocator did.
 *
 * Owns: the replay loop, the set of live blocks (a treap ordered by
 * address, core/treap.c's, one node per trace id, so that an overlap is
 * found among neighbours), the per-id byte patterns and the figures. Must
 * never: allocate while the clock runs (everything it needs is made first, so
 * that a host allocator under test sees only the trace's calls).
 */
#include "tools/replay.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/treap.h"

/* Each id's pattern starts somewhere in the first PATTERN_SPREAD bytes. */
#define PATTERN_SPREAD 4096u

struct block {
	uint64_t addr, size;
	struct treap_node node; /* among the live blocks; key: addr */
	bool live;
};

struct replay {
	const struct trace *t;
	const struct replay_backend *b;
	const struct replay_opts *o;
	struct block *blk;
	struct treap_node *root;
	uint8_t *pattern; /* max_size + PATTERN_SPREAD bytes */
	uint8_t *buf;	  /* what a block holds, read back */
	uint64_t live, peak_live, peak_heap;
	const struct trace_op *op;
	char *err;
	size_t errlen;
};

static int fail(struct replay *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct replay *r, int err, const char *fmt, ...)
{
	char why[192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	n = snprintf(r->err, r->errlen, "%s:%u: %s", r->t->name, r->op->line,
		     why);
	(void)n;
	return err;
}

static int refused(struct replay *r, int err, const char *call)
{
	return fail(r, err, "%s of block %u (%lu bytes): %s", call, r->op->id,
		    (unsigned long)r->op->size, r->b->ops->error(r->b->ctx));
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ------------------------------------------------------------------ */
/* The live blocks, by address                                         */

static const struct block *block_of(const struct treap_node *n)
{
	return treap_entry(n, struct block, node);
}

static uint64_t block_end(const struct block *b)
{
	return b->addr + (b->size ? b->size : 1);
}

static int insert_block(struct replay *r, unsigned int id)
{
	struct block *b = &r->blk[id];
	const struct treap_node *lo = treap_floor(r->root, b->addr);
	const struct treap_node *hi = treap_higher(r->root, b->addr);
	const struct block *other =
		lo && block_end(block_of(lo)) > b->addr	  ? block_of(lo)
		: hi && block_of(hi)->addr < block_end(b) ? block_of(hi)
							  : NULL;

	if (other)
		return fail(r, -EEXIST,
			    "block %u [%#lx, +%lu) overlaps block %u [%#lx, "
			    "+%lu)",
			    id, (unsigned long)b->addr, (unsigned long)b->size,
			    (unsigned int)(other - r->blk),
			    (unsigned long)other->addr,
			    (unsigned long)other->size);
	b->node.key = b->addr;
	treap_insert(&r->root, &b->node, NULL);
	return 0;
}

static void remove_block(struct replay *r, unsigned int id)
{
	treap_erase(&r->root, &r->blk[id].node, NULL);
}

/* ------------------------------------------------------------------ */
/* Bytes                                                               */

static const uint8_t *pattern_of(const struct replay *r, unsigned int id)
{
	return r->pattern + (id * 2654435761u) % PATTERN_SPREAD;
}

static int write_pattern(struct replay *r, unsigned int id, uint64_t from)
{
	const struct block *b = &r->blk[id];
	int err;

	if (b->size <= from)
		return 0;
	err = r->b->ops->write(r->b->ctx, b->addr + from,
			       pattern_of(r, id) + from,
			       (size_t)(b->size - from));
	return err ? refused(r, err, "write") : 0;
}

static int verify_pattern(struct replay *r, unsigned int id, uint64_t len)
{
	const struct block *b = &r->blk[id];
	const uint8_t *want = pattern_of(r, id);
	int err;

	if (!len)
		return 0;
	err = r->b->ops->read(r->b->ctx, b->addr, r->buf, (size_t)len);
	if (err)
		return refused(r, err, "read");
	if (!memcmp(r->buf, want, (size_t)len))
		return 0;
	for (uint64_t i = 0; i < len; i++)
		if (r->buf[i] != want[i])
			return fail(r, -EIO,
				    "block %u at %#lx lost its bytes at "
				    "offset %lu",
				    id, (unsigned long)b->addr,
				    (unsigned long)i);
	return 0;
}

/* A block the allocator just gave: aligned, apart from all others. */
static int accept_block(struct replay *r, unsigned int id, uint64_t keep)
{
	const struct block *b = &r->blk[id];
	int err;

	if (!b->addr || b->addr % REPLAY_ALIGN)
		return fail(r, -EINVAL,
			    "block %u at %#lx is not %d-byte aligned", id,
			    (unsigned long)b->addr, REPLAY_ALIGN);
	err = verify_pattern(r, id, keep);
	if (!err)
		err = insert_block(r, id);
	return err ? err : write_pattern(r, id, keep);
}

/* ------------------------------------------------------------------ */
/* Operations                                                          */

static void account(struct replay *r, uint64_t old, uint64_t new)
{
	r->live += new - old;
	if (r->live > r->peak_live)
		r->peak_live = r->live;
}

static int do_alloc(struct replay *r, const struct trace_op *op)
{
	struct block *b = &r->blk[op->id];
	int err = r->b->ops->malloc(r->b->ctx, op->size, &b->addr);

	if (err)
		return refused(r, err, "malloc");
	b->size = op->size;
	b->live = true;
	if (r->o->measure)
		account(r, 0, op->size);
	return r->o->check ? accept_block(r, op->id, 0) : 0;
}

static int do_free(struct replay *r, const struct trace_op *op)
{
	struct block *b = &r->blk[op->id];
	int err = 0;

	if (r->o->check) {
		err = verify_pattern(r, op->id, b->size);
		if (err)
			return err;
		remove_block(r, op->id);
	}
	err = r->b->ops->free(r->b->ctx, b->addr);
	if (err)
		return refused(r, err, "free");
	b->live = false;
	if (r->o->measure)
		account(r, b->size, 0);
	return 0;
}

static int do_realloc(struct replay *r, const struct trace_op *op)
{
	struct block *b = &r->blk[op->id];
	uint64_t old = b->size;
	int err = 0;

	if (r->o->check) {
		err = verify_pattern(r, op->id, old);
		if (err)
			return err;
		remove_block(r, op->id);
	}
	err = r->b->ops->realloc(r->b->ctx, b->addr, op->size, &b->addr);
	if (err)
		return refused(r, err, "realloc");
	b->size = op->size;
	if (r->o->measure)
		account(r, old, op->size);
	if (!op->size) { /* realloc(p, 0) freed it */
		b->live = false;
		return 0;
	}
	return r->o->check ? accept_block(r, op->id,
					  old < op->size ? old : op->size)
			   : 0;
}

static int step(struct replay *r, const struct trace_op *op)
{
	int err;

	r->op = op;
	err = op->kind == TRACE_ALLOC  ? do_alloc(r, op)
	      : op->kind == TRACE_FREE ? do_free(r, op)
				       : do_realloc(r, op);
	if (!err && r->o->measure) {
		uint64_t heap = r->b->ops->heap_size(r->b->ctx);

		if (heap > r->peak_heap)
			r->peak_heap = heap;
	}
	return err;
}

/* ------------------------------------------------------------------ */
/* A run                                                               */

static int prepare(struct replay *r)
{
	size_t plen = (size_t)r->t->max_size + PATTERN_SPREAD;
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	r->blk = calloc(r->t->nr_ids ? r->t->nr_ids : 1, sizeof(*r->blk));
	r->pattern = malloc(plen);
	r->buf = malloc((size_t)r->t->max_size + 1);
	if (!r->blk || !r->pattern || !r->buf) {
		snprintf(r->err, r->errlen, "%s: out of memory", r->t->name);
		return -ENOMEM;
	}
	for (size_t i = 0; i < plen; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		r->pattern[i] = (uint8_t)(x >> 24);
	}
	for (unsigned int i = 0; i < r->t->nr_ids; i++)
		r->blk[i].node.prio = (uint32_t)((i + 1) * 2654435761u);
	return 0;
}

/* What the trace left allocated goes back, off the clock. */
static void free_leftovers(struct replay *r)
{
	for (unsigned int i = 0; i < r->t->nr_ids; i++)
		if (r->blk[i].live)
			r->b->ops->free(r->b->ctx, r->blk[i].addr);
}

static int run_ops(struct replay *r, struct replay_result *res)
{
	uint64_t t0, t1;
	int err = 0;

	t0 = now_ns();
	for (unsigned int i = 0; i < r->t->nr_ops && !err; i++)
		err = step(r, &r->t->ops[i]);
	t1 = now_ns();
	res->ops = r->t->nr_ops;
	res->seconds = (double)(t1 - t0) / 1e9;
	res->ops_per_sec = res->seconds > 0 ? res->ops / res->seconds : 0;
	res->peak_live = r->peak_live;
	res->peak_heap = r->peak_heap;
	res->utilization =
		r->peak_heap ? (double)r->peak_live / (double)r->peak_heap : 0;
	return err;
}

int replay_run(const struct trace *t, const struct replay_backend *b,
	       const struct replay_opts *o, struct replay_result *res,
	       char *err, size_t errlen)
{
	struct replay r = {
		.t = t, .b = b, .o = o, .err = err, .errlen = errlen};
	int rc = prepare(&r);

	memset(res, 0, sizeof(*res));
	if (!rc && !o->warm) {
		rc = b->ops->reset(b->ctx);
		if (rc)
			snprintf(err, errlen, "%s: reset: %s", t->name,
				 b->ops->error(b->ctx));
	}
	if (!rc)
		rc = run_ops(&r, res);
	if (!rc) /* after an error, what is live is not known for sure */
		free_leftovers(&r);
	free(r.blk);
	free(r.pattern);
	free(r.buf);
	return rc;
}

void replay_close(struct replay_backend *b)
{
	if (b->ops)
		b->ops->close(b->ctx);
	b->ops = NULL;
	b->ctx = NULL;
}
