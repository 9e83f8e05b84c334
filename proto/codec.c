/* SPDX-License-Identifier: MIT */
/*
 * codec.c - mm's messages to and from bytes, on the hot path.
 *
 * Owns: the fast encoder and decoder (proto3 singular fields of the
 * varint types, strings and bytes when encoding, nested messages, oneof
 * members; protobuf-c for anything else), and the arena decoded messages
 * live in. Must never: emit bytes other than protobuf-c's, decode what
 * protobuf-c would decode differently or refuse (when in doubt it hands
 * the bytes to protobuf-c), or write to a descriptor.
 */
#include "proto/codec.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* "The fast path does not do this message": protobuf-c does. */
#define NOT_FAST SIZE_MAX
/* Nesting the fast path follows; deeper messages go to protobuf-c. */
#define MAX_DEPTH 4
/* A varint takes at most 10 bytes; bits past 64 are protobuf-c's call. */
#define VARINT_MAX 10

enum wire_type { WIRE_VARINT = 0, WIRE_LEN = 2 };

/* Overflow blocks: a header rounded up so that the bytes stay aligned. */
struct pb_arena_block {
	struct pb_arena_block *next;
};
#define BLOCK_HEAD 16u

static void *arena_alloc(void *data, size_t size)
{
	struct pb_arena *a = data;
	size_t need = (size + 15) & ~(size_t)15;
	struct pb_arena_block *blk;
	void *p;

	if (need < size)
		return NULL;
	if (need <= PB_ARENA_INLINE - a->used) {
		p = a->buf + a->used;
		a->used += need;
		return p;
	}
	if (size > SIZE_MAX - BLOCK_HEAD)
		return NULL;
	blk = malloc(BLOCK_HEAD + size);
	if (!blk)
		return NULL;
	blk->next = a->blocks;
	a->blocks = blk;
	return (uint8_t *)blk + BLOCK_HEAD;
}

/* One by one, nothing is given back: pb_arena_reset() takes it all. */
static void arena_free(void *data, void *p)
{
	(void)data;
	(void)p;
}

void pb_arena_init(struct pb_arena *a)
{
	a->allocator.alloc = arena_alloc;
	a->allocator.free = arena_free;
	a->allocator.allocator_data = a;
	a->used = 0;
	a->blocks = NULL;
}

void pb_arena_reset(struct pb_arena *a)
{
	while (a->blocks) {
		struct pb_arena_block *next = a->blocks->next;

		free(a->blocks);
		a->blocks = next;
	}
	a->used = 0;
}

/* ---- varints */

static inline size_t varint_size(uint64_t v)
{
	size_t n = 1;

	while (v >= 0x80) {
		v >>= 7;
		n++;
	}
	return n;
}

static inline size_t put_varint(uint8_t *p, uint64_t v)
{
	size_t n = 0;

	while (v >= 0x80) {
		p[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[n++] = (uint8_t)v;
	return n;
}

/* A varint from *pp, moving it on; false if cut short or over 64 bits. */
static inline bool get_varint(const uint8_t **pp, const uint8_t *end,
			      uint64_t *v)
{
	const uint8_t *p = *pp;
	uint64_t x = 0;

	for (unsigned int i = 0; i < VARINT_MAX && p < end; i++) {
		uint8_t byte = *p++;

		if (i == VARINT_MAX - 1 && byte > 1)
			return false;
		x |= (uint64_t)(byte & 0x7f) << (7 * i);
		if (!(byte & 0x80)) {
			*pp = p;
			*v = x;
			return true;
		}
	}
	return false;
}

static inline uint32_t zigzag32(int32_t v)
{
	return ((uint32_t)v << 1) ^ (uint32_t)(v >> 31);
}

static inline uint64_t zigzag64(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static inline bool is_varint_type(ProtobufCType type)
{
	switch (type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_BOOL:
	case PROTOBUF_C_TYPE_ENUM:
		return true;
	default:
		return false;
	}
}

/* ---- decoding */

/* A varint into a field of a varint type, as protobuf-c converts it. */
static void store_varint(ProtobufCType type, void *member, uint64_t v)
{
	uint32_t low = (uint32_t)v;

	switch (type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_ENUM:
		*(int32_t *)member = (int32_t)low;
		break;
	case PROTOBUF_C_TYPE_SINT32:
		*(int32_t *)member = (int32_t)((low >> 1) ^ (0u - (low & 1)));
		break;
	case PROTOBUF_C_TYPE_UINT32:
		*(uint32_t *)member = low;
		break;
	case PROTOBUF_C_TYPE_SINT64:
		*(int64_t *)member = (int64_t)((v >> 1) ^ (0ull - (v & 1)));
		break;
	case PROTOBUF_C_TYPE_BOOL:
		*(protobuf_c_boolean *)member = v != 0;
		break;
	default: /* INT64, UINT64 */
		*(uint64_t *)member = v;
		break;
	}
}

/*
 * Field number id of d. Fields come in number order, so the one after the
 * last is the likely one; else protobuf-c's search.
 */
static inline const ProtobufCFieldDescriptor *
find_field(const ProtobufCMessageDescriptor *d, long next, uint32_t id)
{
	if (next < (long)d->n_fields && d->fields[next].id == id)
		return &d->fields[next];
	return protobuf_c_message_descriptor_get_field(d, id);
}

/*
 * Decode data[p, end) as a message of type d. Only the plainest shape is
 * taken: known fields in increasing number order, each once, of a varint
 * type, bytes or a message, at most one member per oneof. Anything else
 * (unknown fields, strings, repeated fields, odd encodings, bad bytes)
 * returns false and is left to protobuf-c, which has every rule.
 */
static bool fast_unpack(const ProtobufCMessageDescriptor *d, struct pb_arena *a,
			const uint8_t *p, const uint8_t *end,
			unsigned int depth, ProtobufCMessage **out)
{
	ProtobufCMessage *msg;
	long last = -1;

	if (depth > MAX_DEPTH || !d->message_init)
		return false;
	msg = arena_alloc(a, d->sizeof_message);
	if (!msg)
		return false;
	d->message_init(msg);
	while (p < end) {
		const ProtobufCFieldDescriptor *f;
		uint8_t *base = (uint8_t *)msg;
		uint64_t tag, v;
		void *member;

		if (!get_varint(&p, end, &tag) || tag > UINT32_MAX)
			return false;
		f = find_field(d, last + 1, (uint32_t)(tag >> 3));
		if (!f || f->label != PROTOBUF_C_LABEL_NONE ||
		    f - d->fields <= last)
			return false;
		last = f - d->fields;
		member = base + f->offset;
		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			uint32_t *which =
				(uint32_t *)(base + f->quantifier_offset);

			if (*which)
				return false;
			*which = f->id;
		}
		if (is_varint_type(f->type)) {
			if ((tag & 7) != WIRE_VARINT ||
			    !get_varint(&p, end, &v))
				return false;
			store_varint(f->type, member, v);
			continue;
		}
		if ((tag & 7) != WIRE_LEN || !get_varint(&p, end, &v) ||
		    v > (uint64_t)(end - p))
			return false;
		if (f->type == PROTOBUF_C_TYPE_BYTES) {
			ProtobufCBinaryData *bd = member;

			bd->len = (size_t)v;
			bd->data = v ? (uint8_t *)p : NULL;
		} else if (f->type != PROTOBUF_C_TYPE_MESSAGE ||
			   !fast_unpack(f->descriptor, a, p, p + v, depth + 1,
					member)) {
			return false;
		}
		p += v;
	}
	*out = msg;
	return true;
}

ProtobufCMessage *codec_unpack(const ProtobufCMessageDescriptor *desc,
			       struct pb_arena *a, size_t len,
			       const uint8_t *data)
{
	const uint8_t *end = len ? data + len : data;
	size_t mark = a->used;
	ProtobufCMessage *msg;

	if (fast_unpack(desc, a, data, end, 0, &msg))
		return msg;
	a->used = mark; /* what the fast path began is garbage */
	return protobuf_c_message_unpack(desc, &a->allocator, len, data);
}

/* ---- encoding */

/* What protobuf-c emits of a field. */
enum emit { EMIT_NONE, EMIT_VARINT, EMIT_LEN, EMIT_MESSAGE, EMIT_SLOW };

/* A field as it goes on the wire. */
struct emitted {
	uint64_t varint;  /* EMIT_VARINT */
	const void *data; /* EMIT_LEN: the bytes; EMIT_MESSAGE */
	size_t len;	  /* EMIT_LEN */
};

/*
 * The next field at or after fields[*i] that may be emitted, NULL at the
 * end. A message is plain fields, then at most one oneof (test_codec
 * checks every message of mm.proto for that shape, and a message whose
 * last field is not of that oneof sets *slow): protoc-c sorts the
 * descriptor by number, so once at the oneof, all that is left is its
 * members, and the one it holds is found by number rather than by
 * walking a Request's fifty.
 */
static const ProtobufCFieldDescriptor *
next_field(const ProtobufCMessageDescriptor *d, const uint8_t *msg,
	   unsigned int *i, bool *slow)
{
	const ProtobufCFieldDescriptor *f, *held, *last;
	uint32_t which;

	if (*i >= d->n_fields)
		return NULL;
	f = &d->fields[*i];
	if (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)) {
		(*i)++;
		return f;
	}
	*i = d->n_fields;
	last = &d->fields[d->n_fields - 1];
	if (!(last->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) ||
	    last->quantifier_offset != f->quantifier_offset) {
		*slow = true;
		return NULL;
	}
	which = *(const uint32_t *)(msg + f->quantifier_offset);
	held = which ? protobuf_c_message_descriptor_get_field(d, which) : NULL;
	/* A case that names no member: protobuf-c emits nothing. */
	if (!held || held < f)
		return NULL;
	return held;
}

/* The varint a field of a varint type is sent as. */
static uint64_t varint_of(ProtobufCType type, const void *member)
{
	int64_t wide;

	switch (type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_ENUM:
		/* Negative: sign-extended to ten bytes, as protobuf says. */
		wide = *(const int32_t *)member;
		return (uint64_t)wide;
	case PROTOBUF_C_TYPE_SINT32:
		return zigzag32(*(const int32_t *)member);
	case PROTOBUF_C_TYPE_UINT32:
		return *(const uint32_t *)member;
	case PROTOBUF_C_TYPE_SINT64:
		return zigzag64(*(const int64_t *)member);
	case PROTOBUF_C_TYPE_BOOL:
		return *(const protobuf_c_boolean *)member != 0;
	default: /* INT64, UINT64 */
		return *(const uint64_t *)member;
	}
}

/*
 * Whether and how protobuf-c emits field f of msg (for a oneof, the
 * member it holds). A proto3 field is left out when zero or empty; a
 * oneof member is sent even then, unless a NULL or default pointer.
 */
static enum emit classify(const ProtobufCFieldDescriptor *f, const uint8_t *msg,
			  struct emitted *e)
{
	const void *member = msg + f->offset;
	bool oneof = f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF;
	const ProtobufCBinaryData *bd;
	const char *str;

	if (f->label != PROTOBUF_C_LABEL_NONE) {
		if (f->label == PROTOBUF_C_LABEL_REPEATED &&
		    !*(const size_t *)(msg + f->quantifier_offset))
			return EMIT_NONE;
		return EMIT_SLOW;
	}
	if (is_varint_type(f->type)) {
		e->varint = varint_of(f->type, member);
		return e->varint || oneof ? EMIT_VARINT : EMIT_NONE;
	}
	switch (f->type) {
	case PROTOBUF_C_TYPE_STRING:
		str = *(const char *const *)member;
		if (!str || (oneof ? str == f->default_value : !str[0]))
			return EMIT_NONE;
		e->data = str;
		e->len = strlen(str);
		return EMIT_LEN;
	case PROTOBUF_C_TYPE_BYTES:
		bd = member;
		if (!oneof && !bd->len)
			return EMIT_NONE;
		e->data = bd->data;
		e->len = bd->len;
		return EMIT_LEN;
	case PROTOBUF_C_TYPE_MESSAGE:
		e->data = *(const void *const *)member;
		if (!e->data || (oneof && e->data == f->default_value))
			return EMIT_NONE;
		return EMIT_MESSAGE;
	default:
		return EMIT_SLOW;
	}
}

/* The packed size of msg, or NOT_FAST. */
static size_t measure(const ProtobufCMessage *msg, unsigned int depth)
{
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	const uint8_t *base = (const uint8_t *)msg;
	const ProtobufCFieldDescriptor *f;
	unsigned int i = 0;
	size_t size = 0, n;
	bool slow = false;

	if (depth > MAX_DEPTH || msg->n_unknown_fields)
		return NOT_FAST;
	while ((f = next_field(d, base, &i, &slow))) {
		struct emitted e;

		switch (classify(f, base, &e)) {
		case EMIT_NONE:
			continue;
		case EMIT_VARINT:
			size += varint_size((uint64_t)f->id << 3) +
				varint_size(e.varint);
			continue;
		case EMIT_LEN:
			n = e.len;
			break;
		case EMIT_MESSAGE:
			n = measure(e.data, depth + 1);
			if (n == NOT_FAST)
				return NOT_FAST;
			break;
		default:
			return NOT_FAST;
		}
		size += varint_size((uint64_t)f->id << 3) + varint_size(n) + n;
	}
	return slow ? NOT_FAST : size;
}

/* Why encode() stopped. */
enum { ENC_ROOM = 1, ENC_SLOW };

/* Bytes a field needs, but for what a nested message holds. */
static inline size_t room_needed(enum emit how, uint64_t tag,
				 const struct emitted *e)
{
	switch (how) {
	case EMIT_VARINT:
		return varint_size(tag) + varint_size(e->varint);
	case EMIT_LEN:
		return varint_size(tag) + varint_size(e->len) + e->len;
	default: /* EMIT_MESSAGE: its tag and a one-byte length */
		return varint_size(tag) + 1;
	}
}

/*
 * Encode msg at p in one pass, not past end: a nested message is written
 * after a one-byte length, moved on in the rare case it is longer. The
 * end of what it wrote, or NULL with *why set (ENC_ROOM: end is too
 * near; ENC_SLOW: protobuf-c must do this message).
 */
static uint8_t *encode(const ProtobufCMessage *msg, uint8_t *p,
		       const uint8_t *end, unsigned int depth, int *why)
{
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	const uint8_t *base = (const uint8_t *)msg;
	const ProtobufCFieldDescriptor *f;
	unsigned int i = 0;
	bool slow = false;

	*why = ENC_SLOW;
	if (depth > MAX_DEPTH || msg->n_unknown_fields)
		return NULL;
	while ((f = next_field(d, base, &i, &slow))) {
		uint64_t tag = (uint64_t)f->id << 3;
		enum emit how;
		struct emitted e;
		uint8_t *body;
		size_t n, len_size;

		how = classify(f, base, &e);
		if (how == EMIT_NONE)
			continue;
		if (how == EMIT_SLOW)
			return NULL;
		if ((size_t)(end - p) < room_needed(how, tag, &e)) {
			*why = ENC_ROOM;
			return NULL;
		}
		if (how == EMIT_VARINT) {
			p += put_varint(p, tag | WIRE_VARINT);
			p += put_varint(p, e.varint);
			continue;
		}
		p += put_varint(p, tag | WIRE_LEN);
		if (how == EMIT_LEN) {
			p += put_varint(p, e.len);
			if (e.len)
				memcpy(p, e.data, e.len);
			p += e.len;
			continue;
		}
		body = encode(e.data, p + 1, end, depth + 1, why);
		if (!body)
			return NULL;
		n = (size_t)(body - (p + 1));
		len_size = varint_size(n);
		if (len_size > 1) {
			if ((size_t)(end - body) < len_size - 1) {
				*why = ENC_ROOM;
				return NULL;
			}
			memmove(p + len_size, p + 1, n);
		}
		p += put_varint(p, n);
		p += n;
	}
	if (slow) {
		*why = ENC_SLOW;
		return NULL;
	}
	return p;
}

size_t codec_packed_size(const ProtobufCMessage *msg)
{
	size_t size = measure(msg, 0);

	return size != NOT_FAST ? size
				: protobuf_c_message_get_packed_size(msg);
}

size_t codec_pack(const ProtobufCMessage *msg, uint8_t *out)
{
	size_t size = measure(msg, 0);
	int why;

	if (size == NOT_FAST)
		return protobuf_c_message_pack(msg, out);
	encode(msg, out, out + size, 0, &why);
	return size;
}

/* Room tried first: enough for any message but long strings and bytes. */
#define APPEND_ROOM 512u

int codec_append(struct frame_buf *b, const ProtobufCMessage *msg, uint32_t max)
{
	uint8_t *start, *end;
	size_t size;
	int why;

	if (frame_buf_reserve(b, FRAME_HEADER + APPEND_ROOM))
		return -ENOMEM;
	start = b->data + b->len + FRAME_HEADER;
	end = encode(msg, start, b->data + b->cap, 0, &why);
	if (end) {
		size = (size_t)(end - start);
	} else if (why == ENC_ROOM) {
		/* Long: measure it, make room, then it fits. */
		size = measure(msg, 0);
		if (size > max)
			return -EMSGSIZE;
		if (frame_buf_reserve(b, FRAME_HEADER + size))
			return -ENOMEM;
		start = b->data + b->len + FRAME_HEADER;
		encode(msg, start, start + size, 0, &why);
	} else {
		size = protobuf_c_message_get_packed_size(msg);
		if (size > max)
			return -EMSGSIZE;
		if (frame_buf_reserve(b, FRAME_HEADER + size))
			return -ENOMEM;
		start = b->data + b->len + FRAME_HEADER;
		protobuf_c_message_pack(msg, start);
	}
	if (size > max)
		return -EMSGSIZE;
	frame_put_len(start - FRAME_HEADER, (uint32_t)size);
	b->len += FRAME_HEADER + size;
	return 0;
}

/*
 * Reply.data's tag: the oneof's case values are its field numbers. The
 * data field follows every field a head may have set (id, status,
 * message), so it comes last in the bytes, where protobuf-c puts it.
 */
static const uint64_t data_tag =
	(uint64_t)MM__REPLY__RESULT_DATA << 3 | WIRE_LEN;

uint8_t *codec_data_reply_room(struct frame_buf *b, const Mm__Reply *head,
			       uint32_t len)
{
	size_t head_size = codec_packed_size(&head->base);
	size_t field = varint_size(data_tag) + varint_size(len);

	if (frame_buf_reserve(b, FRAME_HEADER + head_size + field + len))
		return NULL;
	return b->data + b->len + FRAME_HEADER + head_size + field;
}

void codec_data_reply_commit(struct frame_buf *b, const Mm__Reply *head,
			     uint32_t len)
{
	size_t head_size = codec_packed_size(&head->base);
	size_t field = varint_size(data_tag) + varint_size(len);
	uint8_t *p = b->data + b->len;
	uint8_t *q = p + FRAME_HEADER;

	frame_put_len(p, (uint32_t)(head_size + field + len));
	q += codec_pack(&head->base, q);
	q += put_varint(q, data_tag);
	put_varint(q, len);
	b->len += FRAME_HEADER + head_size + field + len;
}
