/* SPDX-License-Identifier: MIT */
/*
 * test_proto.c - the wire's framing (proto/frame.c) and the messages it
 * carries: lengths are big-endian, frames split and join exactly, an
 * over-long length is refused before its body arrives, and every
 * operation a client may send round-trips through protobuf unchanged.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proto/frame.h"
#include "proto/mm.pb-c.h"

static void test_length_is_big_endian(void **state)
{
	uint8_t p[4];

	(void)state;
	frame_put_len(p, 0x01020304);
	assert_int_equal(p[0], 1);
	assert_int_equal(p[1], 2);
	assert_int_equal(p[2], 3);
	assert_int_equal(p[3], 4);
	assert_int_equal(frame_get_len(p), 0x01020304);
	frame_put_len(p, UINT32_MAX);
	assert_int_equal(frame_get_len(p), UINT32_MAX);
}

static void append_ping(struct frame_buf *b, uint64_t id)
{
	Mm__Request rq = MM__REQUEST__INIT;
	Mm__Ping ping = MM__PING__INIT;

	rq.id = id;
	rq.op_case = MM__REQUEST__OP_PING;
	rq.ping = &ping;
	assert_int_equal(frame_append(b, &rq.base, 1024), 0);
}

/* Frames arriving a byte at a time come out whole, in order. */
static void test_frames_split_and_join(void **state)
{
	struct frame_buf all, in;
	const uint8_t *body;
	uint64_t next = 1;
	uint32_t len;

	(void)state;
	frame_buf_init(&all);
	frame_buf_init(&in);
	for (uint64_t id = 1; id <= 100; id++)
		append_ping(&all, id * 1000);
	for (size_t i = 0; i < all.len; i++) {
		assert_int_equal(frame_buf_reserve(&in, 1), 0);
		in.data[in.len++] = all.data[i];
		while (frame_next(&in, 1024, &body, &len) == 1) {
			Mm__Request *rq = mm__request__unpack(NULL, len, body);

			assert_non_null(rq);
			assert_int_equal(rq->id, next * 1000);
			assert_int_equal(rq->op_case, MM__REQUEST__OP_PING);
			mm__request__free_unpacked(rq, NULL);
			frame_consume(&in, len);
			next++;
		}
	}
	assert_int_equal(next, 101);
	assert_int_equal(frame_buf_used(&in), 0);
	frame_buf_free(&all);
	frame_buf_free(&in);
}

static void test_incomplete_frame_waits(void **state)
{
	struct frame_buf b;
	const uint8_t *body;
	uint32_t len;

	(void)state;
	frame_buf_init(&b);
	assert_int_equal(frame_next(&b, 1024, &body, &len), 0);
	append_ping(&b, 7);
	b.len -= 1; /* the last byte has not arrived */
	assert_int_equal(frame_next(&b, 1024, &body, &len), 0);
	b.len = 3; /* nor the whole header */
	assert_int_equal(frame_next(&b, 1024, &body, &len), 0);
	frame_buf_free(&b);
}

/* An over-long length is refused from its header alone. */
static void test_oversized_length_refused(void **state)
{
	struct frame_buf b;
	const uint8_t *body;
	uint32_t len = 0;

	(void)state;
	frame_buf_init(&b);
	assert_int_equal(frame_buf_reserve(&b, 4), 0);
	frame_put_len(b.data, 1025);
	b.len = 4;
	assert_int_equal(frame_next(&b, 1024, &body, &len), -EMSGSIZE);
	assert_int_equal(len, 1025);
	frame_put_len(b.data, UINT32_MAX);
	assert_int_equal(frame_next(&b, 1024, &body, &len), -EMSGSIZE);
	assert_int_equal(len, UINT32_MAX);
	frame_put_len(b.data, 1024); /* exactly the maximum is fine */
	assert_int_equal(frame_next(&b, 1024, &body, &len), 0);
	frame_put_len(b.data, 0); /* an empty message is a frame */
	assert_int_equal(frame_next(&b, 1024, &body, &len), 1);
	assert_int_equal(len, 0);
	frame_buf_free(&b);
}

/* A message over the maximum is not appended, and b is unchanged. */
static void test_append_refuses_oversized(void **state)
{
	Mm__Request rq = MM__REQUEST__INIT;
	Mm__Write wr = MM__WRITE__INIT;
	static uint8_t data[2048];
	struct frame_buf b;

	(void)state;
	frame_buf_init(&b);
	rq.op_case = MM__REQUEST__OP_WRITE;
	rq.write = &wr;
	wr.data.data = data;
	wr.data.len = sizeof(data);
	assert_int_equal(frame_append(&b, &rq.base, 1024), -EMSGSIZE);
	assert_int_equal(b.len, 0);
	assert_int_equal(frame_append(&b, &rq.base, 4096), 0);
	assert_int_equal(frame_get_len(b.data), b.len - FRAME_HEADER);
	frame_buf_free(&b);
}

/* Compacting keeps the unread bytes and drops the read ones. */
static void test_compact(void **state)
{
	struct frame_buf b;
	const uint8_t *body;
	uint32_t len;

	(void)state;
	frame_buf_init(&b);
	append_ping(&b, 1);
	append_ping(&b, 2);
	assert_int_equal(frame_next(&b, 1024, &body, &len), 1);
	frame_consume(&b, len);
	frame_buf_compact(&b);
	assert_int_equal(b.start, 0);
	assert_int_equal(frame_next(&b, 1024, &body, &len), 1);
	{
		Mm__Request *rq = mm__request__unpack(NULL, len, body);

		assert_non_null(rq);
		assert_int_equal(rq->id, 2);
		mm__request__free_unpacked(rq, NULL);
	}
	frame_consume(&b, len);
	assert_int_equal(b.len, 0);
	frame_buf_free(&b);
}

/* Replies: the result kinds and events survive the round trip. */
static void test_reply_round_trip(void **state)
{
	Mm__Reply r = MM__REPLY__INIT, *back;
	Mm__Event ev = MM__EVENT__INIT;
	Mm__OomKilled oom = MM__OOM_KILLED__INIT;
	uint8_t buf[256];
	size_t n;

	(void)state;
	r.id = 0;
	r.status = -12;
	r.message = "killed";
	oom.pid = 42;
	oom.message = "out of memory";
	ev.kind_case = MM__EVENT__KIND_OOM_KILLED;
	ev.oom_killed = &oom;
	r.result_case = MM__REPLY__RESULT_EVENT;
	r.event = &ev;
	n = mm__reply__pack(&r, buf);
	back = mm__reply__unpack(NULL, n, buf);
	assert_non_null(back);
	assert_int_equal(back->status, -12);
	assert_int_equal(back->result_case, MM__REPLY__RESULT_EVENT);
	assert_int_equal(back->event->kind_case, MM__EVENT__KIND_OOM_KILLED);
	assert_int_equal(back->event->oom_killed->pid, 42);
	assert_string_equal(back->event->oom_killed->message, "out of memory");
	mm__reply__free_unpacked(back, NULL);
}

/* Bytes that are not a Request do not decode as one. */
static void test_garbage_does_not_decode(void **state)
{
	static const uint8_t junk[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

	(void)state;
	assert_null(mm__request__unpack(NULL, sizeof(junk), junk));
}

/* An op from a newer protocol decodes as "no op, unknown field". */
static void test_unknown_op_is_kept_unknown(void **state)
{
	static const uint8_t future[] = {0x08, 0x05, 0xf8, 0x7c, 0x01};
	Mm__Request *rq = mm__request__unpack(NULL, sizeof(future), future);

	(void)state;
	assert_non_null(rq);
	assert_int_equal(rq->id, 5);
	assert_int_equal(rq->op_case, MM__REQUEST__OP__NOT_SET);
	assert_int_equal(rq->base.n_unknown_fields, 1);
	assert_int_equal(rq->base.unknown_fields[0].tag, 1999);
	mm__request__free_unpacked(rq, NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_length_is_big_endian),
		cmocka_unit_test(test_frames_split_and_join),
		cmocka_unit_test(test_incomplete_frame_waits),
		cmocka_unit_test(test_oversized_length_refused),
		cmocka_unit_test(test_append_refuses_oversized),
		cmocka_unit_test(test_compact),
		cmocka_unit_test(test_reply_round_trip),
		cmocka_unit_test(test_garbage_does_not_decode),
		cmocka_unit_test(test_unknown_op_is_kept_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
