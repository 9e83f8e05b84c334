/* SPDX-License-Identifier: MIT */
/*
 * data.c - mmd's structured reports (mm.proto's ReportData, through
 * mmc_report_data_at) as the JSON the page reads.
 *
 * Owns: the one walk that writes any report's message as JSON by its
 * protobuf-c descriptor, in mmctl --json's shape (each field by its
 * mm.proto name, nested messages as objects, repeated ones as arrays, a
 * repeated Counter as one object of name: value, a message of one field
 * as that field), so that the page reads the values mmd prints its text
 * from and parses no text. Numbers past 2^53 (page-table entries, a
 * page's flags) are written as decimal strings: JavaScript's numbers
 * would round them, its BigInt reads them exactly. Must never: parse a
 * report's text, or know a report by its kind.
 */
#include "mmweb/mmweb.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>

#include "proto/mm.pb-c.h"

/* Exact in a JavaScript number: up to 2^53. */
#define JS_SAFE (1ULL << 53)

static void message_json(struct buf *b, const ProtobufCMessage *msg);

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

/* One value of field f at p (an element of a repeated one, or the field). */
static void value_json(struct buf *b, const ProtobufCFieldDescriptor *f,
		       const void *p)
{
	const ProtobufCEnumValue *ev;
	const char *s;

	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		return buf_printf(b, "%" PRId32, *(const int32_t *)p);
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return buf_printf(b, "%" PRIu32, *(const uint32_t *)p);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		return s64_json(b, *(const int64_t *)p);
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return u64_json(b, *(const uint64_t *)p);
	case PROTOBUF_C_TYPE_BOOL:
		return buf_str(b, *(const protobuf_c_boolean *)p ? "true"
								 : "false");
	case PROTOBUF_C_TYPE_ENUM:
		ev = protobuf_c_enum_descriptor_get_value(f->descriptor,
							  *(const int *)p);
		if (ev)
			return buf_json_str(b, ev->name);
		return buf_printf(b, "%d", *(const int *)p);
	case PROTOBUF_C_TYPE_STRING:
		s = *(const char *const *)p;
		return buf_json_str(b, s ? s : "");
	case PROTOBUF_C_TYPE_MESSAGE:
		if (*(const ProtobufCMessage *const *)p)
			return message_json(
				b, *(const ProtobufCMessage *const *)p);
		return buf_str(b, "null");
	default: /* bytes, float, double: no report has them */
		return buf_str(b, "null");
	}
}

static size_t value_size(const ProtobufCFieldDescriptor *f)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return 8;
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_STRING:
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(void *);
	default:
		return 4;
	}
}

static void repeated_json(struct buf *b, const ProtobufCFieldDescriptor *f,
			  const char *base)
{
	size_t n = *(const size_t *)(base + f->quantifier_offset), i;
	const char *arr = *(const char *const *)(base + f->offset);
	bool counters = f->type == PROTOBUF_C_TYPE_MESSAGE &&
			f->descriptor == &mm__counter__descriptor;

	buf_str(b, counters ? "{" : "[");
	for (i = 0; i < n; i++) {
		buf_str(b, i ? "," : "");
		if (counters) {
			const Mm__Counter *k =
				((const Mm__Counter *const *)(const void *)
					 arr)[i];

			buf_json_str(b, k->name);
			buf_str(b, ":");
			s64_json(b, k->value);
		} else {
			value_json(b, f, arr + i * value_size(f));
		}
	}
	buf_str(b, counters ? "}" : "]");
}

static void field_json(struct buf *b, const ProtobufCFieldDescriptor *f,
		       const char *base)
{
	if (f->label == PROTOBUF_C_LABEL_REPEATED)
		repeated_json(b, f, base);
	else
		value_json(b, f, base + f->offset);
}

static void message_json(struct buf *b, const ProtobufCMessage *msg)
{
	const ProtobufCMessageDescriptor *md = msg->descriptor;
	unsigned int i;

	buf_str(b, "{");
	for (i = 0; i < md->n_fields; i++) {
		buf_str(b, i ? "," : "");
		buf_json_str(b, md->fields[i].name);
		buf_str(b, ":");
		field_json(b, &md->fields[i], (const char *)msg);
	}
	buf_str(b, "}");
}

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

const ProtobufCMessage *report_data_message(const Mm__ReportData *rd)
{
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field(
			&mm__report_data__descriptor,
			(unsigned int)rd->report_case);

	return *(const ProtobufCMessage *const *)((const char *)rd + f->offset);
}

void report_message_json(struct buf *b, const ProtobufCMessage *msg)
{
	const ProtobufCMessageDescriptor *md = msg->descriptor;

	/* A report of one field (a list: Buddyinfo's zones) is that field. */
	if (md->n_fields == 1)
		field_json(b, &md->fields[0], (const char *)msg);
	else
		message_json(b, msg);
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
