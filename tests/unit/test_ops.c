/* SPDX-License-Identifier: MIT */
/*
 * test_ops.c - the operation table (proto/ops.def) against mm.proto:
 * every operation of a Request has exactly one row, each row names the
 * operation's own message and a result the Reply has, and the flags
 * promise only what the message can carry (a row that may wait has a
 * timeout_ms, one that names a process has a pid). libmmclient reads
 * the admin flag from the same rows.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "client/mmclient.h"
#include "proto/mm.pb-c.h"
#include "proto/ops.h"

struct row {
	const char *field;
	unsigned int op;
	const char *type;
	const char *result; /* the Reply field, or "none" */
	unsigned int flags;
};

static const struct row rows[] = {
#define OP(NAME, field, Type, RESULT, FLAGS)                                   \
	{#field, MM__REQUEST__OP_##NAME, #Type, #RESULT, FLAGS},
#include "proto/ops.def"
};
#define NR_ROWS (sizeof(rows) / sizeof(rows[0]))

/* The message of a row's operation, as mm.proto declares it. */
static const ProtobufCMessageDescriptor *message_of(const struct row *r)
{
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field(
			&mm__request__descriptor, r->op);

	assert_non_null(f);
	return f->descriptor;
}

static const struct row *row_of(unsigned int op)
{
	for (size_t i = 0; i < NR_ROWS; i++)
		if (rows[i].op == op)
			return &rows[i];
	return NULL;
}

static void test_every_operation_has_one_row(void **state)
{
	const ProtobufCMessageDescriptor *rq = &mm__request__descriptor;
	size_t ops = 0;

	(void)state;
	for (unsigned int i = 0; i < rq->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &rq->fields[i];
		size_t found = 0;

		if (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
			continue;
		ops++;
		for (size_t j = 0; j < NR_ROWS; j++)
			if (rows[j].op == f->id) {
				found++;
				const ProtobufCMessageDescriptor *type =
					f->descriptor;

				assert_string_equal(rows[j].field, f->name);
				assert_string_equal(rows[j].type,
						    type->short_name);
			}
		if (found != 1)
			fail_msg("operation %s has %zu rows", f->name, found);
	}
	assert_int_equal(ops, NR_ROWS);
}

static bool has_field(const ProtobufCMessageDescriptor *d, const char *name,
		      ProtobufCType type)
{
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field_by_name(d, name);

	return f && f->type == type && f->label != PROTOBUF_C_LABEL_REPEATED;
}

static void test_flags_match_the_messages(void **state)
{
	(void)state;
	for (size_t i = 0; i < NR_ROWS; i++) {
		const struct row *r = &rows[i];
		const ProtobufCMessageDescriptor *type = message_of(r);

		if ((r->flags & OP_MAY_WAIT) &&
		    !has_field(type, "timeout_ms", PROTOBUF_C_TYPE_UINT32))
			fail_msg("%s may wait but has no timeout_ms", r->field);
		if ((r->flags & OP_PID) &&
		    !has_field(type, "pid", PROTOBUF_C_TYPE_INT32))
			fail_msg("%s names a process but has no pid", r->field);
		if ((r->flags & OP_CROSS_SESSION) && !(r->flags & OP_PID))
			fail_msg("%s crosses sessions without a pid", r->field);
		if ((r->flags & OP_ADMIN) && (r->flags & OP_BEFORE_HELLO))
			fail_msg("%s is admin before Hello", r->field);
	}
}

static void test_results_are_reply_fields(void **state)
{
	(void)state;
	for (size_t i = 0; i < NR_ROWS; i++) {
		char name[32];
		size_t n = strlen(rows[i].result);

		assert_true(n < sizeof(name));
		for (size_t j = 0; j <= n; j++) {
			char ch = rows[i].result[j];

			name[j] = ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch;
		}
		if (!strcmp(name, "none"))
			continue;
		if (!protobuf_c_message_descriptor_get_field_by_name(
			    &mm__reply__descriptor, name))
			fail_msg("%s answers with %s, which Reply lacks",
				 rows[i].field, name);
	}
}

/* The flags the daemon acts on, for operations whose rules are known. */
static void test_known_rows(void **state)
{
	(void)state;
	assert_true(row_of(MM__REQUEST__OP_KFREE)->flags & OP_MAY_FREE);
	assert_false(row_of(MM__REQUEST__OP_KMALLOC)->flags & OP_MAY_FREE);
	assert_true(row_of(MM__REQUEST__OP_KMALLOC)->flags & OP_MAY_WAIT);
	assert_true(row_of(MM__REQUEST__OP_KMAP)->flags & OP_MAY_WAIT);
	assert_false(row_of(MM__REQUEST__OP_KMAP_ATOMIC)->flags & OP_MAY_WAIT);
	assert_true(row_of(MM__REQUEST__OP_ADMIN_SHUTDOWN)->flags & OP_ADMIN);
	/* compact_memory is root's sysctl; what it frees may wake waiters. */
	assert_int_equal(row_of(MM__REQUEST__OP_ADMIN_COMPACT_MEMORY)->flags,
			 OP_ADMIN | OP_MAY_FREE);
	/* transparent_hugepage's files are root's to write; freeing none. */
	assert_int_equal(
		row_of(MM__REQUEST__OP_ADMIN_TRANSPARENT_HUGEPAGE)->flags,
		OP_ADMIN);
	/* A collapse frees the small pages it copied. */
	assert_int_equal(row_of(MM__REQUEST__OP_ADMIN_KHUGEPAGED)->flags,
			 OP_ADMIN | OP_MAY_FREE);
	/* The weights are a sysfs file's: root's to write. */
	assert_int_equal(
		row_of(MM__REQUEST__OP_ADMIN_WEIGHTED_INTERLEAVE)->flags,
		OP_ADMIN);
	/* Moving pages frees the frames they leave. */
	assert_true(row_of(MM__REQUEST__OP_MBIND)->flags & OP_MAY_FREE);
	assert_true(row_of(MM__REQUEST__OP_PING)->flags & OP_BEFORE_HELLO);
	assert_false(row_of(MM__REQUEST__OP_MMAP)->flags & OP_CROSS_SESSION);
	assert_true(row_of(MM__REQUEST__OP_REPORT)->flags & OP_CROSS_SESSION);
}

static void test_client_reads_the_admin_flag(void **state)
{
	size_t admins = 0;

	(void)state;
	for (size_t i = 0; i < NR_ROWS; i++) {
		bool admin = rows[i].flags & OP_ADMIN;

		assert_int_equal(mmc_op_is_admin(rows[i].field), admin);
		admins += admin;
	}
	/* check, drop caches, sessions, shutdown, compact, sysctl, THP,
	 * khugepaged, the weighted-interleave weights, alloc_contig_range
	 * and free_contig_range */
	assert_int_equal(admins, 11);
	assert_false(mmc_op_is_admin("no_such_operation"));
	assert_false(mmc_op_is_admin(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_operation_has_one_row),
		cmocka_unit_test(test_flags_match_the_messages),
		cmocka_unit_test(test_results_are_reply_fields),
		cmocka_unit_test(test_known_rows),
		cmocka_unit_test(test_client_reads_the_admin_flag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
