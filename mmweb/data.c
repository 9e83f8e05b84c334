/* SPDX-License-Identifier: MIT */
/*
 * data.c - mmd's structured reports (mm.proto's ReportData, through
 * mmc_report_data_at) as the JSON the page reads.
 *
 * Owns: the writer that makes the values of the walk mmctl --json
 * shares (client/report_walk.c: each field by its mm.proto name, nested
 * messages as objects, repeated ones as arrays, a repeated Counter as
 * one object of name: value, a message of one field as that field)
 * text, so that the page reads the values mmd prints its text from and
 * parses no text. Numbers past 2^53 (page-table entries, a page's
 * flags) are written as decimal strings: JavaScript's numbers would
 * round them, its BigInt reads them exactly. Must never: parse a
 * report's text, walk a message itself, or know a report by its kind.
 */
#include "mmweb/mmweb.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "client/report_walk.h"
#include "proto/mm.pb-c.h"

/* Exact in a JavaScript number: up to 2^53. */
#define JS_SAFE (1ULL << 53)

static void u64_json(struct buf *b, uint64_t v)
{
	buf_printf(b, v <= JS_SAFE ? "%" PRIu64 : "\"%" PRIu64 "\"", v);
}

static void s64_json(struct buf *b, int64_t v)
{
	if (v >= -(int64_t)JS_SAFE && v <= (int64_t)JS_SAFE)
		buf_printf(b, "%" PRId64, v);
	else
		buf_printf(b, "\"%" PRId64 "\"", v);
}

/*
 * The walk's writer: text into a buf, a comma before every value or
 * key but the first of its object or array.
 */
struct text_writer {
	struct buf *b;
	bool comma;
};

static struct buf *next(void *w)
{
	struct text_writer *t = w;

	if (t->comma)
		buf_str(t->b, ",");
	t->comma = true;
	return t->b;
}

static void text_open(void *w, bool array)
{
	buf_str(next(w), array ? "[" : "{");
	((struct text_writer *)w)->comma = false;
}

static void text_close(void *w, bool array)
{
	buf_str(((struct text_writer *)w)->b, array ? "]" : "}");
	((struct text_writer *)w)->comma = true;
}

static void text_key(void *w, const char *name)
{
	struct buf *b = next(w);

	buf_json_str(b, name);
	buf_str(b, ":");
	((struct text_writer *)w)->comma = false;
}

static void text_s64(void *w, int64_t v)
{
	s64_json(next(w), v);
}

static void text_u64(void *w, uint64_t v)
{
	u64_json(next(w), v);
}

static void text_boolean(void *w, bool v)
{
	buf_str(next(w), v ? "true" : "false");
}

static void text_string(void *w, const char *s)
{
	buf_json_str(next(w), s);
}

static void text_null(void *w)
{
	buf_str(next(w), "null");
}

static const struct report_writer text_writer = {
	.open = text_open,
	.close = text_close,
	.key = text_key,
	.s64 = text_s64,
	.u64 = text_u64,
	.boolean = text_boolean,
	.string = text_string,
	.null = text_null,
};

Mm__ReportData *report_data_get(struct mmc *c, enum mmc_report kind, int pid,
				uint64_t addr, int *err)
{
	void *packed = NULL;
	size_t len = 0;
	Mm__ReportData *rd;

	*err = mmc_report_data_at(c, kind, pid, addr, &packed, &len);
	if (*err)
		return NULL;
	rd = mm__report_data__unpack(NULL, len, packed);
	free(packed);
	if (!rd || rd->report_case != (Mm__ReportData__ReportCase)kind) {
		if (rd)
			mm__report_data__free_unpacked(rd, NULL);
		*err = -EBADMSG;
		return NULL;
	}
	return rd;
}

void report_message_json(struct buf *b, const ProtobufCMessage *msg)
{
	struct text_writer t = {b, false};

	report_walk(msg, &text_writer, &t);
}

int report_json(struct mmc *c, enum mmc_report kind, int pid, uint64_t addr,
		struct buf *b)
{
	int err;
	Mm__ReportData *rd = report_data_get(c, kind, pid, addr, &err);

	if (!rd)
		return err;
	report_message_json(b, report_data_message(rd));
	mm__report_data__free_unpacked(rd, NULL);
	return 0;
}
