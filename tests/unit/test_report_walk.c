/* SPDX-License-Identifier: MIT */
/*
 * test_report_walk.c - the walk mmctl --json and mmweb share
 * (client/report_walk.c): what a writer is told for each kind of field,
 * in order, and that no report nests past the walk's depth.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "client/report_walk.h"

/* A writer that spells every call: {, }, [, ], k:NAME, sN, uN, b, "s", n. */
struct spell {
	char s[512];
	size_t len;
};

static void add(void *w, const char *fmt, ...)
{
	struct spell *p = w;
	va_list ap;

	va_start(ap, fmt);
	p->len += (size_t)vsnprintf(p->s + p->len, sizeof(p->s) - p->len, fmt,
				    ap);
	va_end(ap);
	assert_true(p->len < sizeof(p->s));
}

static void w_open(void *w, bool array)
{
	add(w, array ? "[" : "{");
}

static void w_close(void *w, bool array)
{
	add(w, array ? "]" : "}");
}

static void w_key(void *w, const char *name)
{
	add(w, "k:%s ", name);
}

static void w_s64(void *w, int64_t v)
{
	add(w, "s%lld ", (long long)v);
}

static void w_u64(void *w, uint64_t v)
{
	add(w, "u%llu ", (unsigned long long)v);
}

static void w_boolean(void *w, bool v)
{
	add(w, "b%d ", v);
}

static void w_string(void *w, const char *s)
{
	add(w, "\"%s\" ", s);
}

static void w_null(void *w)
{
	add(w, "n ");
}

static const struct report_writer spell_writer = {
	w_open, w_close, w_key, w_s64, w_u64, w_boolean, w_string, w_null,
};

static const char *walk(const ProtobufCMessage *msg, struct spell *sp)
{
	memset(sp, 0, sizeof(*sp));
	report_walk(msg, &spell_writer, sp);
	return sp->s;
}

/* A message of one repeated field is that field: Buddyinfo, its zones. */
static void test_one_field_is_the_field(void **state)
{
	Mm__Buddyinfo bi = MM__BUDDYINFO__INIT;
	Mm__BuddyZone z = MM__BUDDY_ZONE__INIT, *zones[] = {&z};
	uint64_t pages[] = {3, 1ULL << 60};
	struct spell sp;

	(void)state;
	z.node = 1;
	z.zone = "Normal";
	z.n_free = 2;
	z.free = pages;
	bi.n_zones = 1;
	bi.zones = zones;
	assert_string_equal(walk(&bi.base, &sp),
			    "[{k:node u1 k:zone \"Normal\" "
			    "k:free [u3 u1152921504606846976 ]}]");
	bi.n_zones = 0;
	assert_string_equal(walk(&bi.base, &sp), "[]");
}

/* A repeated Counter is one object, name: value, in order. */
static void test_counters_are_one_object(void **state)
{
	Mm__Vmstat vs = MM__VMSTAT__INIT;
	Mm__Counter a = MM__COUNTER__INIT, b = MM__COUNTER__INIT;
	Mm__Counter *cs[] = {&a, &b};
	struct spell sp;

	(void)state;
	a.name = "nr_free_pages";
	a.value = 7;
	b.name = "pgfault";
	b.value = -1;
	vs.n_counters = 2;
	vs.counters = cs;
	assert_string_equal(walk(&vs.base, &sp),
			    "{k:nr_free_pages s7 k:pgfault s-1 }");
}

/* Enums by their mm.proto names, a value mm.proto lacks as its number. */
static void test_enums_by_name(void **state)
{
	Mm__Section s = MM__SECTION__INIT;
	struct spell sp;

	(void)state;
	s.kind = MM__SECTION_KIND__SECTION_IRQ;
	s.flags = 5;
	assert_string_equal(walk(&s.base, &sp),
			    "{k:kind \"SECTION_IRQ\" k:flags u5 }");
	s.kind = (Mm__SectionKind)77;
	assert_string_equal(walk(&s.base, &sp), "{k:kind s77 k:flags u5 }");
}

/* The ReportData's oneof: its message, or none when no report is set. */
static void test_report_data_message(void **state)
{
	Mm__ReportData rd = MM__REPORT_DATA__INIT;
	Mm__Vmstat vs = MM__VMSTAT__INIT;

	(void)state;
	assert_null(report_data_message(&rd));
	rd.report_case = MM__REPORT_DATA__REPORT_VMSTAT;
	rd.vmstat = &vs;
	assert_ptr_equal(report_data_message(&rd), &vs.base);
}

/* How deep a message's messages go, below it. */
static unsigned int nesting(const ProtobufCMessageDescriptor *d,
			    unsigned int level)
{
	unsigned int deepest = level;

	assert_true(level <= REPORT_WALK_DEPTH); /* no loop, no deep one */
	for (unsigned int i = 0; i < d->n_fields; i++) {
		unsigned int n;

		if (d->fields[i].type != PROTOBUF_C_TYPE_MESSAGE)
			continue;
		n = nesting(d->fields[i].descriptor, level + 1);
		deepest = n > deepest ? n : deepest;
	}
	return deepest;
}

/* No report reaches the depth past which the walk writes null. */
static void test_no_report_nests_too_deep(void **state)
{
	(void)state;
	assert_true(nesting(&mm__report_data__descriptor, 0) <
		    REPORT_WALK_DEPTH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_field_is_the_field),
		cmocka_unit_test(test_counters_are_one_object),
		cmocka_unit_test(test_enums_by_name),
		cmocka_unit_test(test_report_data_message),
		cmocka_unit_test(test_no_report_nests_too_deep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
