/* SPDX-License-Identifier: MIT */
/*
 * report_walk.h - a structured report's message (mm.proto's ReportData,
 * unpacked) walked by its protobuf-c descriptor, each value handed to a
 * writer: mmctl's writes json-c objects (client/mmctl_data.c), mmweb's
 * writes text for a browser (mmweb/data.c).
 *
 * Owns: the shape every report's JSON has, whoever writes it: each
 * field by its mm.proto name (snake_case), every field present, nested
 * messages as objects, repeated fields as arrays, enums by their
 * mm.proto names (an unknown value as its number), a repeated Counter
 * (name and value, as vmstat's) as one object of name: value in the
 * report's order, and a report whose message has one field (a list:
 * Buddyinfo's zones) as that field. Must never: write anything itself,
 * parse a report's text, or know a report by its kind.
 */
#ifndef CLIENT_REPORT_WALK_H
#define CLIENT_REPORT_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "proto/mm.pb-c.h"

/*
 * What a writer is told, in document order. An object's members come
 * as key() then the member's value; a value is a number, a boolean, a
 * string, null, or a whole object or array (open ... close).
 */
struct report_writer {
	void (*open)(void *w, bool array);  /* an object, or an array */
	void (*close)(void *w, bool array); /* the innermost one ends */
	void (*key)(void *w, const char *name);
	void (*s64)(void *w, int64_t v);
	void (*u64)(void *w, uint64_t v);
	void (*boolean)(void *w, bool v);
	void (*string)(void *w, const char *s);
	void (*null)(void *w);
};

/* Messages nested deeper than this are written as null (no report is). */
#define REPORT_WALK_DEPTH 16

/* A report's message as one value: its only field, or the object. */
void report_walk(const ProtobufCMessage *msg, const struct report_writer *wr,
		 void *w);

/* The report a ReportData holds (its oneof's message), or NULL. */
const ProtobufCMessage *report_data_message(const Mm__ReportData *rd);

#endif
