/* SPDX-License-Identifier: MIT */
/*
 * mmctl_data.c - a structured report (mm.proto's ReportData, as
 * mmc_report_data gives it) as a JSON document, with json-c.
 *
 * Owns: the writer that makes the walk's values (client/report_walk.c,
 * shared with mmweb) json-c objects, numbers as numbers (addresses too:
 * uint64), so that a report made structured in mmd has its JSON here
 * with no code. Must never: parse text (mmctl_json.c does, for --input
 * alone), walk a message itself, or know a report by its kind.
 */
#include "client/mmctl.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/report_walk.h"
#include "proto/mm.pb-c.h"

static json_object *uint_json(uint64_t v)
{
	return v <= INT64_MAX ? json_object_new_int64((int64_t)v)
			      : json_object_new_uint64(v);
}

/*
 * The walk's writer: every value goes into the innermost container
 * open (under the key just given, in an object), or is the document.
 */
struct json_writer {
	json_object *open[2 * REPORT_WALK_DEPTH + 2]; /* an array per level */
	unsigned int depth;
	const char *key;
	json_object *doc;
};

static void put(void *w, json_object *v)
{
	struct json_writer *j = w;
	json_object *in = j->depth ? j->open[j->depth - 1] : NULL;

	if (!in)
		j->doc = v;
	else if (json_object_is_type(in, json_type_array))
		json_object_array_add(in, v);
	else
		json_object_object_add(in, j->key, v);
}

static void json_open(void *w, bool array)
{
	struct json_writer *j = w;
	json_object *o =
		array ? json_object_new_array() : json_object_new_object();

	put(j, o);
	j->open[j->depth++] = o;
}

static void json_close(void *w, bool array)
{
	(void)array;
	((struct json_writer *)w)->depth--;
}

static void json_key(void *w, const char *name)
{
	((struct json_writer *)w)->key = name;
}

static void json_s64(void *w, int64_t v)
{
	put(w, json_object_new_int64(v));
}

static void json_u64(void *w, uint64_t v)
{
	put(w, uint_json(v));
}

static void json_boolean(void *w, bool v)
{
	put(w, json_object_new_boolean(v));
}

static void json_string(void *w, const char *s)
{
	put(w, json_object_new_string(s));
}

static void json_null(void *w)
{
	put(w, json_object_new_null());
}

static const struct report_writer json_writer = {
	.open = json_open,
	.close = json_close,
	.key = json_key,
	.s64 = json_s64,
	.u64 = json_u64,
	.boolean = json_boolean,
	.string = json_string,
	.null = json_null,
};

json_object *report_data_to_json(const void *buf, size_t len, char *err,
				 size_t errlen)
{
	Mm__ReportData *rd = mm__report_data__unpack(NULL, len, buf);
	const ProtobufCMessage *msg;
	json_object *doc = NULL;

	if (!rd) {
		snprintf(err, errlen, "the report's %zu bytes do not unpack",
			 len);
		return NULL;
	}
	msg = report_data_message(rd);
	if (msg) {
		struct json_writer j = {.depth = 0};

		report_walk(msg, &json_writer, &j);
		doc = j.doc;
	} else {
		snprintf(err, errlen, "the reply holds no report");
	}
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
