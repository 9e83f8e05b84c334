/* SPDX-License-Identifier: MIT */
/*
 * test_codec.c - proto/codec.c against protobuf-c itself: for every
 * operation and every result, with random values, the fast encoder emits
 * protobuf-c's bytes exactly, and the fast decoder gives what protobuf-c
 * gives (or refuses what it refuses) for valid, mutated and random bytes;
 * the read reply built in place equals the packed one; and every message
 * of mm.proto has the shape the encoder relies on.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proto/codec.h"
#include "proto/frame.h"
#include "proto/mm.pb-c.h"
#include "tests/unit/seed.h"

#define ROUNDS	       300
#define MAX_FILL_DEPTH 3

/* One stream for the whole program, seeded in main (tests/unit/seed.h). */
static uint64_t rng_state;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Values that sit on a varint's byte boundaries, and random ones. */
static uint64_t rnd_u64(void)
{
	static const uint64_t edges[] = {
		0,	   1,	  127,	      128,
		16383,	   16384, UINT32_MAX, (uint64_t)INT64_MAX,
		UINT64_MAX};

	if (rnd() % 2)
		return edges[rnd() % (sizeof(edges) / sizeof(edges[0]))];
	return rnd() >> (rnd() % 64);
}

static const char *rnd_string(void)
{
	static const char *strings[] = {
		"", "a", "kmalloc-64", "mmz0",
		"a name long enough that its length takes two bytes of varint "
		"when it is sent, because it is longer than one hundred and "
		"twenty-seven characters, which this one now is"};

	return strings[rnd() % (sizeof(strings) / sizeof(strings[0]))];
}

static uint8_t random_bytes[300];

static void *arena_get(struct pb_arena *a, size_t size)
{
	void *p = a->allocator.alloc(a, size);

	assert_non_null(p);
	memset(p, 0, size);
	return p;
}

static void fill_message(struct pb_arena *a, ProtobufCMessage *msg,
			 unsigned int depth);

static bool is_varint(ProtobufCType t)
{
	return t == PROTOBUF_C_TYPE_INT32 || t == PROTOBUF_C_TYPE_SINT32 ||
	       t == PROTOBUF_C_TYPE_UINT32 || t == PROTOBUF_C_TYPE_ENUM ||
	       t == PROTOBUF_C_TYPE_INT64 || t == PROTOBUF_C_TYPE_SINT64 ||
	       t == PROTOBUF_C_TYPE_UINT64 || t == PROTOBUF_C_TYPE_BOOL;
}

static bool is_64bit(ProtobufCType t)
{
	return t == PROTOBUF_C_TYPE_INT64 || t == PROTOBUF_C_TYPE_SINT64 ||
	       t == PROTOBUF_C_TYPE_UINT64;
}

static ProtobufCMessage *new_message(struct pb_arena *a,
				     const ProtobufCMessageDescriptor *d,
				     unsigned int depth)
{
	ProtobufCMessage *sub = arena_get(a, d->sizeof_message);

	d->message_init(sub);
	fill_message(a, sub, depth + 1);
	return sub;
}

/* One value of f's type into member. */
static void fill_value(struct pb_arena *a, const ProtobufCFieldDescriptor *f,
		       void *member, unsigned int depth)
{
	ProtobufCBinaryData *bd;

	if (is_varint(f->type)) {
		uint64_t v = rnd_u64();

		if (f->type == PROTOBUF_C_TYPE_BOOL)
			*(protobuf_c_boolean *)member =
				(protobuf_c_boolean)(v & 1);
		else if (is_64bit(f->type))
			*(uint64_t *)member = v;
		else
			*(uint32_t *)member = (uint32_t)v;
		return;
	}
	switch (f->type) {
	case PROTOBUF_C_TYPE_STRING:
		*(const char **)member = rnd_string();
		break;
	case PROTOBUF_C_TYPE_BYTES:
		bd = member;
		bd->len = rnd() % (sizeof(random_bytes) + 1);
		bd->data = bd->len ? random_bytes : NULL;
		break;
	case PROTOBUF_C_TYPE_MESSAGE:
		*(ProtobufCMessage **)member =
			depth < MAX_FILL_DEPTH && rnd() % 4
				? new_message(a, f->descriptor, depth)
				: NULL;
		break;
	default:
		fail_msg("mm.proto has a field of type %d", (int)f->type);
	}
}

static size_t element_size(ProtobufCType t)
{
	if (t == PROTOBUF_C_TYPE_BOOL)
		return sizeof(protobuf_c_boolean);
	if (is_varint(t))
		return is_64bit(t) ? 8 : 4;
	if (t == PROTOBUF_C_TYPE_BYTES)
		return sizeof(ProtobufCBinaryData);
	return sizeof(void *);
}

/* Random values in every field; one random member (or none) per oneof. */
static void fill_message(struct pb_arena *a, ProtobufCMessage *msg,
			 unsigned int depth)
{
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	uint8_t *base = (uint8_t *)msg;

	for (unsigned int i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];

		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			unsigned int end = i, pick;

			while (end < d->n_fields &&
			       (d->fields[end].flags &
				PROTOBUF_C_FIELD_FLAG_ONEOF) &&
			       d->fields[end].quantifier_offset ==
				       f->quantifier_offset)
				end++;
			pick = (unsigned int)(rnd() % (end - i + 1));
			if (pick < end - i) {
				const ProtobufCFieldDescriptor *m =
					&d->fields[i + pick];

				*(uint32_t *)(base + m->quantifier_offset) =
					m->id;
				fill_value(a, m, base + m->offset, depth);
			}
			i = end - 1;
		} else if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = rnd() % 3, esize = element_size(f->type);
			uint8_t *arr = n ? arena_get(a, n * esize) : NULL;

			for (size_t k = 0; k < n; k++) {
				void *elem = arr + k * esize;

				/* A repeated message's elements are never NULL.
				 */
				if (f->type == PROTOBUF_C_TYPE_MESSAGE)
					*(ProtobufCMessage **)elem =
						new_message(a, f->descriptor,
							    depth);
				else
					fill_value(a, f, elem, depth);
			}
			*(size_t *)(base + f->quantifier_offset) = n;
			*(void **)(base + f->offset) = arr;
		} else if (rnd() % 4) {
			fill_value(a, f, base + f->offset, depth);
		}
	}
}

/* codec's bytes and size for msg are protobuf-c's, and frame the same. */
static void assert_packs_alike(const ProtobufCMessage *msg)
{
	size_t want = protobuf_c_message_get_packed_size(msg);
	uint8_t *ours = malloc(want + 1), *theirs = malloc(want + 1);
	struct frame_buf b;

	assert_non_null(ours);
	assert_non_null(theirs);
	assert_int_equal(codec_packed_size(msg), want);
	assert_int_equal(protobuf_c_message_pack(msg, theirs), want);
	assert_int_equal(codec_pack(msg, ours), want);
	assert_memory_equal(ours, theirs, want);
	frame_buf_init(&b);
	assert_int_equal(codec_append(&b, msg, (uint32_t)want), 0);
	assert_int_equal(b.len, FRAME_HEADER + want);
	assert_int_equal(frame_get_len(b.data), want);
	assert_memory_equal(b.data + FRAME_HEADER, theirs, want);
	if (want > 0)
		assert_int_equal(codec_append(&b, msg, (uint32_t)want - 1),
				 -EMSGSIZE);
	assert_int_equal(b.len, FRAME_HEADER + want);
	frame_buf_free(&b);
	free(ours);
	free(theirs);
}

/*
 * codec decodes bytes as protobuf-c does: both refuse, or both give
 * messages protobuf-c packs to the same bytes.
 */
static void assert_decodes_alike(const ProtobufCMessageDescriptor *d,
				 const uint8_t *data, size_t len)
{
	struct pb_arena a;
	ProtobufCMessage *ours, *theirs;

	pb_arena_init(&a);
	ours = codec_unpack(d, &a, len, data);
	theirs = protobuf_c_message_unpack(d, NULL, len, data);
	assert_true((ours == NULL) == (theirs == NULL));
	if (ours) {
		size_t n = protobuf_c_message_get_packed_size(theirs);
		uint8_t *x = malloc(n + 1), *y = malloc(n + 1);

		assert_int_equal(protobuf_c_message_get_packed_size(ours), n);
		protobuf_c_message_pack(ours, x);
		protobuf_c_message_pack(theirs, y);
		assert_memory_equal(x, y, n);
		free(x);
		free(y);
		protobuf_c_message_free_unpacked(theirs, NULL);
	}
	pb_arena_reset(&a);
}

/* Pack msg with protobuf-c, then decode it and mutations of it. */
static void check_decoding(const ProtobufCMessage *msg)
{
	size_t n = protobuf_c_message_get_packed_size(msg);
	uint8_t *bytes = malloc(n + 8), *mutant = malloc(n + 8);

	protobuf_c_message_pack(msg, bytes);
	assert_decodes_alike(msg->descriptor, bytes, n);
	for (int k = 0; k < 8; k++) {
		size_t len = n;

		memcpy(mutant, bytes, n);
		switch (rnd() % 4) {
		case 0: /* a byte changed */
			if (n)
				mutant[rnd() % n] = (uint8_t)rnd();
			break;
		case 1: /* cut short */
			len = n ? rnd() % n : 0;
			break;
		case 2: /* a field repeated or one from elsewhere */
			for (int j = 0; j < 4; j++)
				mutant[len++] = (uint8_t)rnd();
			break;
		default: /* bits flipped */
			for (size_t j = 0; j < n; j++)
				if (rnd() % 16 == 0)
					mutant[j] ^= (uint8_t)(1u << rnd() % 8);
			break;
		}
		assert_decodes_alike(msg->descriptor, mutant, len);
	}
	free(bytes);
	free(mutant);
}

static void test_requests_pack_and_decode_as_protobuf_c(void **state)
{
	const ProtobufCMessageDescriptor *d = &mm__request__descriptor;

	(void)state;
	for (unsigned int i = 0; i < sizeof(random_bytes); i++)
		random_bytes[i] = (uint8_t)rnd();
	/* Every operation, many times, with random values. */
	for (unsigned int i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];

		if (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
			continue;
		for (int round = 0; round < ROUNDS / 10; round++) {
			struct pb_arena a;
			Mm__Request rq = MM__REQUEST__INIT;

			pb_arena_init(&a);
			rq.id = rnd_u64();
			rq.op_case = (Mm__Request__OpCase)f->id;
			*(ProtobufCMessage **)((uint8_t *)&rq + f->offset) =
				new_message(&a, f->descriptor, 0);
			assert_packs_alike(&rq.base);
			check_decoding(&rq.base);
			pb_arena_reset(&a);
		}
	}
}

static void test_replies_pack_and_decode_as_protobuf_c(void **state)
{
	(void)state;
	for (int round = 0; round < ROUNDS * 10; round++) {
		struct pb_arena a;
		Mm__Reply rep = MM__REPLY__INIT;

		pb_arena_init(&a);
		fill_message(&a, &rep.base, 0);
		assert_packs_alike(&rep.base);
		check_decoding(&rep.base);
		pb_arena_reset(&a);
	}
}

/* A oneof member holding the empty default is not sent; NULL neither. */
static void test_oneof_defaults_as_protobuf_c(void **state)
{
	Mm__Reply rep = MM__REPLY__INIT;
	Mm__Request rq = MM__REQUEST__INIT;

	(void)state;
	rep.id = 7;
	rep.result_case = MM__REPLY__RESULT_TEXT;
	rep.text = (char *)protobuf_c_empty_string;
	assert_packs_alike(&rep.base);
	rep.text = "";
	assert_packs_alike(&rep.base);
	rep.result_case = MM__REPLY__RESULT_HELLO;
	rep.hello = NULL;
	assert_packs_alike(&rep.base);
	rep.result_case = (Mm__Reply__ResultCase)9; /* names no member */
	assert_packs_alike(&rep.base);
	rq.id = 3;
	rq.op_case = MM__REQUEST__OP_KMALLOC;
	rq.kmalloc = NULL;
	assert_packs_alike(&rq.base);
}

/* Bytes that are no message at all: refused exactly when protobuf-c does. */
static void test_random_bytes_decode_as_protobuf_c(void **state)
{
	uint8_t junk[64];

	(void)state;
	for (int round = 0; round < ROUNDS * 20; round++) {
		size_t len = rnd() % sizeof(junk);

		for (size_t i = 0; i < len; i++)
			junk[i] = (uint8_t)rnd();
		assert_decodes_alike(&mm__request__descriptor, junk, len);
		assert_decodes_alike(&mm__reply__descriptor, junk, len);
	}
	assert_decodes_alike(&mm__request__descriptor, NULL, 0);
}

/*
 * Encodings a canonical encoder never makes, each decoded as protobuf-c
 * does: a field twice (the last wins), two members of a oneof,
 * fields out of order, and a bool whose only set bits are past 64.
 */
static void test_odd_encodings_decode_as_protobuf_c(void **state)
{
	static const uint8_t same_op_twice[] = {
		0x08, 0x01, 0xf2, 0x01, 0x02, 0x08, 0x40, /* kmalloc{size 64} */
		0xf2, 0x01, 0x03, 0x10, 0xc0, 0x19};	  /* kmalloc{gfp} */
	static const uint8_t two_ops[] = {0x08, 0x01, 0xf2, 0x01, 0x02, 0x08,
					  0x40, 0x8a, 0x02, 0x02, 0x08, 0x10};
	static const uint8_t id_twice[] = {0x08, 0x01, 0x1a, 0x00, 0x08, 0x02};
	static const uint8_t bool_past_64[] = {0x08, 0x01, 0x52, 0x0b, 0x60,
					       0x80, 0x80, 0x80, 0x80, 0x80,
					       0x80, 0x80, 0x80, 0x80, 0x02};
	struct pb_arena a;
	Mm__Request *rq;
	Mm__Reply *rep;

	(void)state;
	assert_decodes_alike(&mm__request__descriptor, same_op_twice,
			     sizeof(same_op_twice));
	assert_decodes_alike(&mm__request__descriptor, two_ops,
			     sizeof(two_ops));
	assert_decodes_alike(&mm__request__descriptor, id_twice,
			     sizeof(id_twice));
	assert_decodes_alike(&mm__reply__descriptor, bool_past_64,
			     sizeof(bool_past_64));
	pb_arena_init(&a);
	rq = codec_unpack_request(&a, sizeof(same_op_twice), same_op_twice);
	assert_non_null(rq);
	assert_int_equal(rq->op_case, MM__REQUEST__OP_KMALLOC);
	/* protobuf-c replaces a oneof's message rather than merging it. */
	assert_int_equal(rq->kmalloc->size, 0);
	assert_int_equal(rq->kmalloc->gfp, 0xcc0);
	rq = codec_unpack_request(&a, sizeof(two_ops), two_ops);
	assert_non_null(rq);
	assert_int_equal(rq->op_case, MM__REQUEST__OP_KFREE);
	assert_int_equal(rq->kfree->addr, 16);
	rq = codec_unpack_request(&a, sizeof(id_twice), id_twice);
	assert_non_null(rq);
	assert_int_equal(rq->id, 2);
	rep = codec_unpack_reply(&a, sizeof(bool_past_64), bool_past_64);
	assert_non_null(rep);
	assert_int_equal(rep->result_case, MM__REPLY__RESULT_HELLO);
	assert_true(rep->hello->admin);
	pb_arena_reset(&a);
}

/* The fast path is the one taken: its bytes fields point into the input. */
static void test_fast_path_taken(void **state)
{
	static uint8_t payload[4096];
	Mm__Reply rep = MM__REPLY__INIT, *back;
	Mm__Request rq = MM__REQUEST__INIT, *rback;
	Mm__Write wr = MM__WRITE__INIT;
	struct frame_buf b;
	struct pb_arena a;

	(void)state;
	pb_arena_init(&a);
	frame_buf_init(&b);
	rep.id = 99;
	rep.result_case = MM__REPLY__RESULT_DATA;
	rep.data.data = payload;
	rep.data.len = sizeof(payload);
	assert_int_equal(codec_append(&b, &rep.base, 1 << 20), 0);
	back = codec_unpack_reply(&a, b.len - FRAME_HEADER,
				  b.data + FRAME_HEADER);
	assert_non_null(back);
	assert_int_equal(back->id, 99);
	assert_int_equal(back->result_case, MM__REPLY__RESULT_DATA);
	assert_int_equal(back->data.len, sizeof(payload));
	assert_ptr_equal(back->data.data, b.data + b.len - sizeof(payload));
	pb_arena_reset(&a);

	b.len = 0;
	wr.addr = 0xffff888000001000ull;
	wr.data.data = payload;
	wr.data.len = 100;
	rq.id = 5;
	rq.op_case = MM__REQUEST__OP_WRITE;
	rq.write = &wr;
	assert_int_equal(codec_append(&b, &rq.base, 1 << 20), 0);
	rback = codec_unpack_request(&a, b.len - FRAME_HEADER,
				     b.data + FRAME_HEADER);
	assert_non_null(rback);
	assert_int_equal(rback->op_case, MM__REQUEST__OP_WRITE);
	assert_int_equal(rback->write->addr, wr.addr);
	assert_ptr_equal(rback->write->data.data, b.data + b.len - 100);
	pb_arena_reset(&a);
	frame_buf_free(&b);
}

/* What the fast path does not take still decodes: an unknown operation. */
static void test_unknown_field_kept(void **state)
{
	static const uint8_t future[] = {0x08, 0x05, 0xf8, 0x7c, 0x01};
	struct pb_arena a;
	Mm__Request *rq;

	(void)state;
	pb_arena_init(&a);
	rq = codec_unpack_request(&a, sizeof(future), future);
	assert_non_null(rq);
	assert_int_equal(rq->id, 5);
	assert_int_equal(rq->op_case, MM__REQUEST__OP__NOT_SET);
	assert_int_equal(rq->base.n_unknown_fields, 1);
	assert_int_equal(rq->base.unknown_fields[0].tag, 1999);
	pb_arena_reset(&a);
}

/* Bytes already in the buffer, that the reply must go after. */
static void append_some(struct frame_buf *b)
{
	assert_int_equal(frame_buf_reserve(b, 7), 0);
	memcpy(b->data + b->len, "earlier", 7);
	b->len += 7;
}

/* A read's reply built around its bytes is the packed reply, byte for byte. */
static void test_data_reply_in_place(void **state)
{
	static const uint32_t lens[] = {0, 1, 127, 128, 4096, 20000};
	static const uint64_t ids[] = {0, 1, 300, UINT64_MAX};
	static uint8_t payload[20000];

	(void)state;
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)rnd();
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		for (size_t j = 0; j < sizeof(ids) / sizeof(ids[0]); j++) {
			Mm__Reply head = MM__REPLY__INIT, full;
			struct frame_buf want, got;
			uint8_t *dst;

			frame_buf_init(&want);
			frame_buf_init(&got);
			append_some(&got);
			head.id = ids[j];
			full = head;
			full.result_case = MM__REPLY__RESULT_DATA;
			full.data.data = payload;
			full.data.len = lens[i];
			assert_int_equal(
				codec_append(&want, &full.base, 1 << 20), 0);
			dst = codec_data_reply_room(&got, &head, lens[i]);
			assert_non_null(dst);
			assert_int_equal(got.len, 7); /* nothing appended yet */
			memcpy(dst, payload, lens[i]);
			codec_data_reply_commit(&got, &head, lens[i]);
			assert_int_equal(got.len - 7, want.len);
			assert_memory_equal(got.data, "earlier", 7);
			assert_memory_equal(got.data + 7, want.data, want.len);
			frame_buf_free(&want);
			frame_buf_free(&got);
		}
	}
}

/*
 * The encoder's assumption: in every message, the fields after the first
 * member of a oneof are all members of that oneof.
 */
static void assert_shape(const ProtobufCMessageDescriptor *d,
			 unsigned int depth)
{
	bool in_oneof = false;
	unsigned int q = 0;

	assert_true(depth < 8);
	for (unsigned int i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		bool member = f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF;

		if (i)
			assert_true(d->fields[i - 1].id < f->id);
		if (in_oneof) {
			assert_true(member);
			assert_int_equal(f->quantifier_offset, q);
		} else if (member) {
			in_oneof = true;
			q = f->quantifier_offset;
		}
		if (f->type == PROTOBUF_C_TYPE_MESSAGE)
			assert_shape(f->descriptor, depth + 1);
	}
}

static void test_messages_have_the_expected_shape(void **state)
{
	(void)state;
	assert_shape(&mm__request__descriptor, 0);
	assert_shape(&mm__reply__descriptor, 0);
}

/*
 * A message not of that shape (a plain field after its oneof) is left to
 * protobuf-c, rather than packed without the field: a descriptor made
 * here, as protoc-c would make it for
 *   message Odd { oneof v { uint64 a = 1; uint64 b = 2; } uint64 tail = 3; }
 */
struct odd {
	ProtobufCMessage base;
	uint32_t which;
	union {
		uint64_t a;
		uint64_t b;
	};
	uint64_t tail;
};

static void odd_init(ProtobufCMessage *msg);

static const ProtobufCFieldDescriptor odd_fields[] = {
	{"a", 1, PROTOBUF_C_LABEL_NONE, PROTOBUF_C_TYPE_UINT64,
	 offsetof(struct odd, which), offsetof(struct odd, a), NULL, NULL,
	 PROTOBUF_C_FIELD_FLAG_ONEOF, 0, NULL, NULL},
	{"b", 2, PROTOBUF_C_LABEL_NONE, PROTOBUF_C_TYPE_UINT64,
	 offsetof(struct odd, which), offsetof(struct odd, b), NULL, NULL,
	 PROTOBUF_C_FIELD_FLAG_ONEOF, 0, NULL, NULL},
	{"tail", 3, PROTOBUF_C_LABEL_NONE, PROTOBUF_C_TYPE_UINT64, 0,
	 offsetof(struct odd, tail), NULL, NULL, 0, 0, NULL, NULL},
};
static const unsigned int odd_by_name[] = {0, 1, 2};
static const ProtobufCIntRange odd_ranges[] = {{1, 0}, {0, 3}};
static const ProtobufCMessageDescriptor odd_descriptor = {
	PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC,
	"test.Odd",
	"Odd",
	"Odd",
	"test",
	sizeof(struct odd),
	3,
	odd_fields,
	odd_by_name,
	1,
	odd_ranges,
	odd_init,
	NULL,
	NULL,
	NULL};

static void odd_init(ProtobufCMessage *msg)
{
	memset(msg, 0, sizeof(struct odd));
	msg->descriptor = &odd_descriptor;
}

static void test_other_shapes_left_to_protobuf_c(void **state)
{
	struct odd odd;

	(void)state;
	odd_init(&odd.base);
	odd.which = 2;
	odd.b = 5;
	odd.tail = 300;
	assert_packs_alike(&odd.base);
	check_decoding(&odd.base);
}

/* The arena: aligned, past its own buffer too, and all of it given back. */
static void test_arena(void **state)
{
	struct pb_arena a;

	(void)state;
	pb_arena_init(&a);
	for (int round = 0; round < 3; round++) {
		for (size_t size = 0; size < 5000; size += 37) {
			uint8_t *p = a.allocator.alloc(&a, size);

			assert_non_null(p);
			assert_int_equal((uintptr_t)p % 16, 0);
			memset(p, 0xa5, size);
			a.allocator.free(&a, p);
		}
		pb_arena_reset(&a);
		assert_int_equal(a.used, 0);
		assert_null(a.blocks);
	}
	assert_null(a.allocator.alloc(&a, SIZE_MAX - 8));
	pb_arena_reset(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_messages_have_the_expected_shape),
		cmocka_unit_test(test_other_shapes_left_to_protobuf_c),
		cmocka_unit_test(test_requests_pack_and_decode_as_protobuf_c),
		cmocka_unit_test(test_replies_pack_and_decode_as_protobuf_c),
		cmocka_unit_test(test_oneof_defaults_as_protobuf_c),
		cmocka_unit_test(test_random_bytes_decode_as_protobuf_c),
		cmocka_unit_test(test_odd_encodings_decode_as_protobuf_c),
		cmocka_unit_test(test_fast_path_taken),
		cmocka_unit_test(test_unknown_field_kept),
		cmocka_unit_test(test_data_reply_in_place),
		cmocka_unit_test(test_arena),
	};

	rng_state = test_seed("test_codec", 0x9e3779b97f4a7c15ull);
	if (!rng_state) /* xorshift stays at 0 */
		rng_state = 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
