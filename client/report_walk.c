/* SPDX-License-Identifier: MIT */
/*
 * report_walk.c - a structured report's message walked by its
 * protobuf-c descriptor, every value handed to a writer (report_walk.h
 * says the shape).
 *
 * Owns: the one descriptor walk mmctl --json and mmweb share: fields,
 * repeated fields, nested messages, enums, the oneof of ReportData.
 * Must never: write a byte itself (the writer does), parse text, or
 * know a report by its kind.
 */
#include "client/report_walk.h"

#include <stddef.h>

struct walk {
	const struct report_writer *wr;
	void *w;
	unsigned int depth; /* messages open */
};

static void message_walk(struct walk *k, const ProtobufCMessage *msg);

/* One value of field f at p (an element of a repeated one, or the field). */
static void value_walk(struct walk *k, const ProtobufCFieldDescriptor *f,
		       const void *p)
{
	const ProtobufCEnumValue *ev;
	const ProtobufCMessage *m;
	const char *s;

	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		return k->wr->s64(k->w, *(const int32_t *)p);
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return k->wr->u64(k->w, *(const uint32_t *)p);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		return k->wr->s64(k->w, *(const int64_t *)p);
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return k->wr->u64(k->w, *(const uint64_t *)p);
	case PROTOBUF_C_TYPE_BOOL:
		return k->wr->boolean(k->w, *(const protobuf_c_boolean *)p);
	case PROTOBUF_C_TYPE_ENUM:
		ev = protobuf_c_enum_descriptor_get_value(f->descriptor,
							  *(const int *)p);
		if (ev)
			return k->wr->string(k->w, ev->name);
		return k->wr->s64(k->w, *(const int *)p);
	case PROTOBUF_C_TYPE_STRING:
		s = *(const char *const *)p;
		return k->wr->string(k->w, s ? s : "");
	case PROTOBUF_C_TYPE_MESSAGE:
		m = *(const ProtobufCMessage *const *)p;
		if (m && k->depth < REPORT_WALK_DEPTH)
			return message_walk(k, m);
		return k->wr->null(k->w);
	default: /* bytes, float, double: no report has them */
		return k->wr->null(k->w);
	}
}

/* The size of one element of a repeated field f, in its array. */
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

/* A repeated Counter: {"name": value, ...} in order. */
static void counters_walk(struct walk *k, const Mm__Counter *const *c, size_t n)
{
	k->wr->open(k->w, false);
	for (size_t i = 0; i < n; i++) {
		k->wr->key(k->w, c[i]->name);
		k->wr->s64(k->w, c[i]->value);
	}
	k->wr->close(k->w, false);
}

static void repeated_walk(struct walk *k, const ProtobufCFieldDescriptor *f,
			  const char *base)
{
	size_t n = *(const size_t *)(base + f->quantifier_offset);
	const char *arr = *(const char *const *)(base + f->offset);

	if (f->type == PROTOBUF_C_TYPE_MESSAGE &&
	    f->descriptor == &mm__counter__descriptor)
		return counters_walk(k, (const Mm__Counter *const *)arr, n);
	k->wr->open(k->w, true);
	for (size_t i = 0; i < n; i++)
		value_walk(k, f, arr + i * value_size(f));
	k->wr->close(k->w, true);
}

static void field_walk(struct walk *k, const ProtobufCFieldDescriptor *f,
		       const char *base)
{
	if (f->label == PROTOBUF_C_LABEL_REPEATED)
		repeated_walk(k, f, base);
	else
		value_walk(k, f, base + f->offset);
}

static void message_walk(struct walk *k, const ProtobufCMessage *msg)
{
	const ProtobufCMessageDescriptor *md = msg->descriptor;

	k->depth++;
	k->wr->open(k->w, false);
	for (unsigned int i = 0; i < md->n_fields; i++) {
		k->wr->key(k->w, md->fields[i].name);
		field_walk(k, &md->fields[i], (const char *)msg);
	}
	k->wr->close(k->w, false);
	k->depth--;
}

void report_walk(const ProtobufCMessage *msg, const struct report_writer *wr,
		 void *w)
{
	struct walk k = {wr, w, 0};

	if (msg->descriptor->n_fields == 1)
		field_walk(&k, &msg->descriptor->fields[0], (const char *)msg);
	else
		message_walk(&k, msg);
}

const ProtobufCMessage *report_data_message(const Mm__ReportData *rd)
{
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field(
			&mm__report_data__descriptor,
			(unsigned int)rd->report_case);

	if (!f)
		return NULL;
	return *(const ProtobufCMessage *const *)((const char *)rd + f->offset);
}
