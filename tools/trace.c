/* SPDX-License-Identifier: MIT */
/*
 * trace.c - reading allocation traces (malloc-lab format; see trace.h).
 *
 * Owns: the parser and the replayability checks. Must never: read past
 * the text it was given, or accept a line it does not understand.
 */
#include "tools/trace.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"

/* More ids than this is a broken header, not a trace. */
#define MAX_IDS	   (1u << 26)
#define MAX_TOKENS 4

enum id_state {
	ID_NEVER,
	ID_LIVE,
	ID_FREED,
};

struct parser {
	const char *begin, *p, *end;
	const char *name;
	unsigned int line; /* the line last read */
	char *err;
	size_t errlen;
};

struct line {
	unsigned int nr;
	int ntok; /* MAX_TOKENS + 1: too many */
	const char *tok[MAX_TOKENS];
	size_t toklen[MAX_TOKENS];
	const char *text;
	size_t len;
};

static int fail(struct parser *ps, unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct parser *ps, unsigned int line, const char *fmt, ...)
{
	char why[160];
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	n = snprintf(ps->err, ps->errlen, "%s:%u: %s", ps->name, line, why);
	(void)n;
	return -EINVAL;
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

static void split(struct line *l)
{
	const char *s = l->text, *e = l->text + l->len;

	l->ntok = 0;
	while (s < e) {
		const char *t;

		while (s < e && is_space(*s))
			s++;
		if (s == e)
			break;
		t = s;
		while (s < e && !is_space(*s))
			s++;
		if (l->ntok == MAX_TOKENS) {
			l->ntok++;
			return;
		}
		l->tok[l->ntok] = t;
		l->toklen[l->ntok++] = (size_t)(s - t);
	}
}

/* The next line that is not blank, split; false at the end. */
static bool next_line(struct parser *ps, struct line *l)
{
	while (ps->p < ps->end) {
		const char *nl = memchr(ps->p, '\n', (size_t)(ps->end - ps->p));
		const char *e = nl ? nl : ps->end;

		l->text = ps->p;
		l->len = (size_t)(e - ps->p);
		l->nr = ++ps->line;
		ps->p = nl ? nl + 1 : ps->end;
		split(l);
		if (l->ntok)
			return true;
	}
	return false;
}

/* A decimal number, digits only, that fits in 64 bits. */
static bool parse_u64(const char *s, size_t len, uint64_t *v)
{
	*v = 0;
	if (!len || len > 20)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9' ||
		    __builtin_mul_overflow(*v, 10, v) ||
		    __builtin_add_overflow(*v, (uint64_t)(s[i] - '0'), v))
			return false;
	}
	return true;
}

static bool header_line(const struct line *l, uint64_t *v)
{
	return l->ntok == 1 && parse_u64(l->tok[0], l->toklen[0], v);
}

/* 2 or 4 numbers, one a line; l is left on the first operation. */
static int parse_header(struct parser *ps, struct trace *t, struct line *l,
			bool *more)
{
	static const char *const missing[] = {"block ids", "operations"};
	uint64_t v[4];
	unsigned int n = 0, at;

	while ((*more = next_line(ps, l)) && n < 4 && header_line(l, &v[n]))
		n++;
	at = *more ? l->nr : ps->line + 1;
	if (n < 2)
		return fail(ps, at, "expected the number of %s", missing[n]);
	if (n == 3)
		return fail(ps, at, "a header has 2 or 4 lines, not 3");
	if (n == 4) {
		t->heap_hint = v[0];
		t->weight = (unsigned int)v[3];
		v[0] = v[1];
		v[1] = v[2];
	}
	/*
	 * Each operation takes a few bytes, and each id an operation: a
	 * bigger count is a lie, and would have a replay allocate for ids
	 * no trace of this size can name.
	 */
	if (v[0] > MAX_IDS || v[0] > (uint64_t)(ps->end - ps->begin))
		return fail(ps, n == 4 ? 2 : 1,
			    "the header promises more than the trace holds");
	if (v[1] > (uint64_t)(ps->end - ps->begin))
		return fail(ps, n == 4 ? 3 : 2,
			    "the header promises more than the trace holds");
	t->nr_ids = (unsigned int)v[0];
	t->nr_ops = (unsigned int)v[1];
	return 0;
}

static int parse_op(struct parser *ps, const struct line *l,
		    struct trace_op *op)
{
	uint64_t id;
	char k = l->tok[0][0];
	int want = k == TRACE_FREE ? 2 : 3;

	if (l->toklen[0] != 1 ||
	    (k != TRACE_ALLOC && k != TRACE_REALLOC && k != TRACE_FREE) ||
	    l->ntok != want || !parse_u64(l->tok[1], l->toklen[1], &id) ||
	    id > UINT32_MAX ||
	    (want == 3 && !parse_u64(l->tok[2], l->toklen[2], &op->size)))
		return fail(ps, l->nr, "malformed operation '%.*s'",
			    (int)(l->len < 40 ? l->len : 40), l->text);
	op->kind = k;
	op->id = (unsigned int)id;
	op->line = l->nr;
	if (want == 2)
		op->size = 0;
	return 0;
}

/* What each id may do next, as a replay will need it. */
static int check_op(struct parser *ps, const struct trace *t,
		    const struct trace_op *op, uint8_t *state)
{
	const char *what = op->kind == TRACE_FREE ? "free" : "realloc";

	if (op->id >= t->nr_ids)
		return fail(ps, op->line,
			    "block id %u out of range: the header has %u ids",
			    op->id, t->nr_ids);
	if (op->kind == TRACE_ALLOC) {
		if (state[op->id] == ID_LIVE)
			return fail(ps, op->line,
				    "block %u is allocated again while in use",
				    op->id);
		state[op->id] = ID_LIVE;
		return 0;
	}
	if (state[op->id] == ID_NEVER)
		return fail(ps, op->line,
			    "%s of block %u, which was never allocated", what,
			    op->id);
	if (state[op->id] == ID_FREED)
		return fail(ps, op->line, "%s of block %u, which was %s", what,
			    op->id,
			    op->kind == TRACE_FREE ? "already freed" : "freed");
	/* realloc to 0 bytes frees the block, as C's realloc(p, 0) does. */
	if (op->kind == TRACE_FREE || op->size == 0)
		state[op->id] = ID_FREED;
	return 0;
}

static int parse_ops(struct parser *ps, struct trace *t, struct line *l,
		     bool more, uint8_t *state)
{
	unsigned int n = 0;
	int err = 0;

	for (; more && !err; more = next_line(ps, l)) {
		struct trace_op *op = &t->ops[n];

		if (n == t->nr_ops)
			return fail(ps, l->nr,
				    "more operations than the header's %u",
				    t->nr_ops);
		err = parse_op(ps, l, op);
		if (!err)
			err = check_op(ps, t, op, state);
		if (!err && op->size > t->max_size)
			t->max_size = op->size;
		n++;
	}
	if (!err && n < t->nr_ops)
		err = fail(ps, ps->line + 1,
			   "the trace ends after %u of its %u operations", n,
			   t->nr_ops);
	return err;
}

int trace_parse(const char *text, size_t len, const char *name, struct trace *t,
		char *err, size_t errlen)
{
	struct parser ps = {text, text, text + len, name, 0, err, errlen};
	uint8_t *state = NULL;
	struct line l;
	bool more;
	int rc;

	memset(t, 0, sizeof(*t));
	snprintf(t->name, sizeof(t->name), "%s", name);
	rc = parse_header(&ps, t, &l, &more);
	if (rc)
		return rc;
	t->ops = calloc(t->nr_ops ? t->nr_ops : 1, sizeof(*t->ops));
	state = calloc(t->nr_ids ? t->nr_ids : 1, 1);
	if (!t->ops || !state)
		rc = fail(&ps, 0, "out of memory");
	if (!rc)
		rc = parse_ops(&ps, t, &l, more, state);
	free(state);
	if (rc)
		trace_free(t);
	return rc;
}

int trace_load(const char *path, struct trace *t, char *err, size_t errlen)
{
	const char *base = strrchr(path, '/');
	FILE *f = fopen(path, "rb");
	char *text = NULL;
	size_t len = 0, cap = 0;
	int rc;

	memset(t, 0, sizeof(*t)); /* trace_free is safe whatever happens */
	if (!f) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return rc;
	}
	for (;;) {
		if (len == cap) {
			char *bigger =
				array_reserve(text, &cap, len + 1, 1, 65536);

			if (!bigger) {
				free(text);
				fclose(f);
				snprintf(err, errlen, "%s: out of memory",
					 path);
				return -ENOMEM;
			}
			text = bigger;
		}
		size_t n = fread(text + len, 1, cap - len, f);

		len += n;
		if (n == 0)
			break;
	}
	rc = ferror(f) ? -EIO : 0;
	fclose(f);
	if (rc)
		snprintf(err, errlen, "%s: read error", path);
	else
		rc = trace_parse(text, len, base ? base + 1 : path, t, err,
				 errlen);
	free(text);
	return rc;
}

void trace_free(struct trace *t)
{
	free(t->ops);
	t->ops = NULL;
}
