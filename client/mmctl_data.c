/* SPDX-License-Identifier: MIT */
/*
 * mmctl_data.c - a structured report (mm.proto's ReportData, as
 * mmc_report_data gives it) as a JSON document, with json-c.
 *
 * Owns: the one walk that turns any message into JSON by its protobuf-c
 * descriptor, so that a report made structured in mmd has its JSON here
 * with no code: each field by its mm.proto name (snake_case), every
 * field present, numbers as numbers (addresses too: uint64), enums by
 * their mm.proto names, nested messages as objects, repeated ones as
 * arrays, and a repeated Counter (name and value, as vmstat's) as one
 * object of name: value in the report's order; a report whose message
 * has one field (a list) prints as that field. Must never: parse text
 * (mmctl_json.c does, for --input alone) or know a report by its kind.
 */
#include "client/mmctl.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proto/mm.pb-c.h"

static json_object *message_to_json(const ProtobufCMessage *msg);

static json_object *uint_json(uint64_t v)
{
	return v <= INT64_MAX ? json_object_new_int64((int64_t)v)
			      : json_object_new_uint64(v);
}

/* One value of field f at p (an element of a repeated one, or the field). */
static json_object *value_to_json(const ProtobufCFieldDescriptor *f,
				  const void *p)
{
	const ProtobufCEnumValue *ev;

	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		return json_object_new_int64(*(const int32_t *)p);
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		return json_object_new_int64(*(const uint32_t *)p);
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		return json_object_new_int64(*(const int64_t *)p);
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return uint_json(*(const uint64_t *)p);
	case PROTOBUF_C_TYPE_BOOL:
		return json_object_new_boolean(*(const protobuf_c_boolean *)p);
	case PROTOBUF_C_TYPE_ENUM:
		ev = protobuf_c_enum_descriptor_get_value(f->descriptor,
							  *(const int *)p);
		return ev ? json_object_new_string(ev->name)
			  : json_object_new_int64(*(const int *)p);
	case PROTOBUF_C_TYPE_STRING: {
		const char *s = *(const char *const *)p;

		return json_object_new_string(s ? s : "");
	}
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessage *m = *(const ProtobufCMessage *const *)p;

		return m ? message_to_json(m) : json_object_new_null();
	}
	default: /* bytes, float, double: no report has them */
		return json_object_new_null();
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

/* A repeated Counter: {"name": value, ...} in order. */
static json_object *counters_to_json(const ProtobufCMessage *const *c, size_t n)
{
	json_object *o = json_object_new_object();
	size_t i;

	for (i = 0; i < n; i++) {
		const Mm__Counter *k = (const Mm__Counter *)c[i];

		json_object_object_add(o, k->name,
				       json_object_new_int64(k->value));
	}
	return o;
}

static json_object *repeated_to_json(const ProtobufCFieldDescriptor *f,
				     const char *base)
{
	size_t n = *(const size_t *)(base + f->quantifier_offset), i;
	const char *arr = *(const char *const *)(base + f->offset);
	json_object *a;

	if (f->type == PROTOBUF_C_TYPE_MESSAGE &&
	    f->descriptor == &mm__counter__descriptor)
		return counters_to_json((const ProtobufCMessage *const *)arr,
					n);
	a = json_object_new_array();
	for (i = 0; i < n; i++)
		json_object_array_add(
			a, value_to_json(f, arr + i * value_size(f)));
	return a;
}

static json_object *message_to_json(const ProtobufCMessage *msg)
{
	const ProtobufCMessageDescriptor *md = msg->descriptor;
	const char *base = (const char *)msg;
	json_object *o = json_object_new_object();
	unsigned int i;

	for (i = 0; i < md->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &md->fields[i];
		json_object *v = f->label == PROTOBUF_C_LABEL_REPEATED
					 ? repeated_to_json(f, base)
					 : value_to_json(f, base + f->offset);

		json_object_object_add(o, f->name, v);
	}
	return o;
}

/* A report of one field (a list: Buddyinfo's zones) is that field. */
static json_object *report_to_json(const ProtobufCMessage *msg)
{
	const ProtobufCFieldDescriptor *f = &msg->descriptor->fields[0];

	if (msg->descriptor->n_fields != 1)
		return message_to_json(msg);
	return f->label == PROTOBUF_C_LABEL_REPEATED
		       ? repeated_to_json(f, (const char *)msg)
		       : value_to_json(f, (const char *)msg + f->offset);
}

json_object *report_data_to_json(const void *buf, size_t len, char *err,
				 size_t errlen)
{
	Mm__ReportData *rd = mm__report_data__unpack(NULL, len, buf);
	const ProtobufCFieldDescriptor *f;
	json_object *doc = NULL;

	if (!rd) {
		snprintf(err, errlen, "the report's %zu bytes do not unpack",
			 len);
		return NULL;
	}
	f = protobuf_c_message_descriptor_get_field(
		&mm__report_data__descriptor, (unsigned)rd->report_case);
	if (f)
		doc = report_to_json(
			*(const ProtobufCMessage **)((char *)rd + f->offset));
	else
		snprintf(err, errlen, "the reply holds no report");
	mm__report_data__free_unpacked(rd, NULL);
	return doc;
}

int mmctl_print_report_data(struct mmctl *ctl, const char *what,
			    const void *buf, size_t len)
{
	char why[160];
	json_object *doc = report_data_to_json(buf, len, why, sizeof(why));

	(void)ctl;
	if (!doc) {
		fprintf(stderr, "mmctl: %s: %s\n", what, why);
		return EXIT_DAEMON;
	}
	mmctl_print_json(stdout, doc, true);
	json_object_put(doc);
	return 0;
}

/*
 * n reports as data in one pipelined round trip, each as its JSON in
 * *docs[i] (NULL where none came): 0, or mmctl's exit code after saying
 * why, naming what.
 */
int mmctl_report_data_json(struct mmctl *ctl, const char *what,
			   const enum mmc_report *kinds, json_object ***docs,
			   int n)
{
	void *buf[8] = {NULL};
	size_t len[8] = {0};
	int status[8], got, ret = 0, i;
	char why[160];

	if (n > 8)
		return EXIT_DAEMON;
	mmc_pipeline_begin(ctl->c);
	for (i = 0; i < n; i++)
		mmc_report_data(ctl->c, kinds[i], 0, &buf[i], &len[i]);
	got = mmc_pipeline_end(ctl->c, status, (size_t)n);
	for (i = 0; i < n && !ret; i++) {
		if (got < 0 || status[i])
			ret = mmctl_daemon_error(ctl, what,
						 got < 0 ? got : status[i]);
	}
	for (i = 0; i < n && !ret && got >= 0; i++) {
		*docs[i] =
			report_data_to_json(buf[i], len[i], why, sizeof(why));
		if (!*docs[i]) {
			fprintf(stderr, "mmctl: %s: %s\n", what, why);
			ret = EXIT_DAEMON;
		}
	}
	for (i = 0; i < n; i++)
		free(buf[i]);
	return ret;
}
