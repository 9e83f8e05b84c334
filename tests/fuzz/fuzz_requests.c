/* SPDX-License-Identifier: MIT */
/*
 * fuzz_requests.c - libFuzzer harness that speaks the protocol: inputs
 * are requests from several sessions, mutated field by field.
 *
 * Owns: the input's format and its mutator. Byte 0 picks the layout and
 * how session 0 takes replies (harness.h); then records, each
 * [session][length: 2 bytes, big-endian][bytes the session sends], the
 * bytes being a frame holding one Request as the seeds and the mutator
 * write them (or anything else: they go through mmd's frame reader as
 * they are). Session 0 and 1 are root, session 2 is an ordinary user,
 * so requests naming another's objects cross users. The mutator decodes
 * a record's Request and changes one field of its message to a boundary
 * value (0, 1, page size +- 1, 2^31, 2^32, 2^63 +- 1, 2^64 - 1, -1,
 * kernel-half addresses ...), swaps its operation for another, or adds,
 * drops, copies or moves records; libFuzzer's own byte mutations do the
 * rest.
 *
 * The machine is kept from one input to the next while the layout stays
 * (a boot costs far more than an input), and checked after each: the
 * bystander's bytes, free pages back at the baseline, and every
 * CHECK_EVERY inputs the full invariant checker. MM_FUZZ_FRESH=1 boots a
 * machine per input instead, to replay a crash on its own. Must never:
 * keep a session or an object from one input to the next.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/fuzz/harness.h"

#define CHECK_EVERY 256
#define MAX_RECORDS 64
#define MAX_RECORD  4096 /* bytes of one record the mutator writes */

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed);
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);

static bool fresh;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *f = getenv("MM_FUZZ_FRESH");

	(void)argc;
	(void)argv;
	fresh = f && f[0] == '1';
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned long inputs;
	size_t at = 1;

	if (size < 1)
		return 0;
	if (fresh)
		fuzz_begin(data[0]);
	else
		fuzz_begin_reused(data[0]);
	while (at + 3 <= size) {
		size_t len = (size_t)data[at + 1] << 8 | data[at + 2];
		struct session *s = fuzz_open(data[at]);

		at += 3;
		if (len > size - at)
			len = size - at;
		fuzz_send(s, data + at, len);
		at += len;
	}
	if (fresh)
		fuzz_end();
	else
		fuzz_end_reused(++inputs % CHECK_EVERY == 0);
	return 0;
}

/* ---- the mutator */

struct record {
	uint8_t who;
	uint8_t *bytes; /* owned */
	size_t len;
};

struct input {
	uint8_t opts;
	struct record r[MAX_RECORDS];
	unsigned int n;
};

static uint32_t rnd(uint64_t *state)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(*state >> 33);
}

static void input_free(struct input *in)
{
	for (unsigned int i = 0; i < in->n; i++)
		free(in->r[i].bytes);
	in->n = 0;
}

static bool input_parse(const uint8_t *data, size_t size, struct input *in)
{
	size_t at = 1;

	in->n = 0;
	if (size < 1)
		return false;
	in->opts = data[0];
	while (at < size) {
		struct record *r = &in->r[in->n];
		size_t len;

		if (in->n == MAX_RECORDS || at + 3 > size)
			goto bad;
		len = (size_t)data[at + 1] << 8 | data[at + 2];
		if (len > size - at - 3)
			goto bad;
		r->who = data[at];
		r->len = len;
		r->bytes = malloc(len ? len : 1);
		if (!r->bytes)
			goto bad;
		memcpy(r->bytes, data + at + 3, len);
		in->n++;
		at += 3 + len;
	}
	return true;
bad:
	input_free(in);
	return false;
}

static size_t input_write(const struct input *in, uint8_t *data,
			  size_t max_size)
{
	size_t at = 1;

	if (max_size < 1)
		return 0;
	data[0] = in->opts;
	for (unsigned int i = 0; i < in->n; i++) {
		const struct record *r = &in->r[i];

		if (at + 3 + r->len > max_size || r->len > 0xffff)
			return 0;
		data[at] = r->who;
		data[at + 1] = (uint8_t)(r->len >> 8);
		data[at + 2] = (uint8_t)r->len;
		memcpy(data + at + 3, r->bytes, r->len);
		at += 3 + r->len;
	}
	return at;
}

/* A record's frame as a Request, or NULL. */
static Mm__Request *record_request(const struct record *r)
{
	uint32_t len;

	if (r->len < 4)
		return NULL;
	len = frame_get_len(r->bytes);
	if (len != r->len - 4)
		return NULL;
	return mm__request__unpack(NULL, len, r->bytes + 4);
}

static bool record_set_request(struct record *r, const Mm__Request *rq)
{
	size_t len = mm__request__get_packed_size(rq);
	uint8_t *b;

	if (len + 4 > MAX_RECORD)
		return false;
	b = malloc(len + 4);
	if (!b)
		return false;
	frame_put_len(b, (uint32_t)len);
	mm__request__pack(rq, b + 4);
	free(r->bytes);
	r->bytes = b;
	r->len = len + 4;
	return true;
}

static const uint64_t boundary64[] = {
	0,
	1,
	2,
	7,
	8,
	15,
	16,
	1023,
	1024,
	4095,
	4096,
	4097,
	8191,
	8192,
	8193,
	1u << 16,
	1u << 20,
	(1ULL << 31) - 1,
	1ULL << 31,
	(1ULL << 32) - 1,
	1ULL << 32,
	(1ULL << 32) + 1,
	1ULL << 46,
	(1ULL << 63) - 1,
	1ULL << 63,
	(1ULL << 63) + 1,
	UINT64_MAX - 4095,
	UINT64_MAX - 1,
	UINT64_MAX,
	0xc0000000ULL, /* i386: the direct map */
	0xc0001000ULL,
	0xf0000000ULL,	       /* i386: around vmalloc and pkmap */
	0xffff888000000000ULL, /* x86_64: the direct map */
	0xffff888000001000ULL,
	0xffffc90000000000ULL, /* x86_64: vmalloc */
	0xffffe8ffffffffffULL,
	0x00007ffffffff000ULL, /* x86_64: the top of user space */
	0x0000000000400000ULL,
	0xe0000000ULL, /* device regions */
	0x20000000ULL,
	0x01800000ULL, /* the i386 MMZ region */
};

static const uint32_t boundary32[] = {
	0,	    1,		2,	3,	  9,	      10,
	11,	    12,		13,	31,	  32,	      63,
	64,	    4095,	4096,	4097,	  0x7fffffff, 0x80000000,
	0xfffffffe, 0xffffffff, 0xcc0,	0x820,	  0x8000,     0x100,
	0xcc1,	    0xcc4,	0x8cc0, 0x8820,	  0x400,      0x2000,
	0x20,	    0x22,	0x10,	0x100000, 0x40000,    0x7,
};

static const char *const strings[] = {
	"",
	"a",
	"fuzz_obj",
	"kmalloc-64",
	"media",
	"bad\nline",
	"\x1b[31mred",
	"dma-kmalloc-8",
	"a b",
	"x/../y",
	"0123456789012345678901234567890123456789012345678901234567890123",
};

static uint64_t pick64(uint64_t *st)
{
	uint32_t how = rnd(st) % 8;
	uint64_t v = boundary64[rnd(st) % (sizeof(boundary64) / 8)];

	if (how == 0)
		return (uint64_t)rnd(st) << 32 | rnd(st);
	if (how == 1)
		return v + (rnd(st) % 33) - 16;
	if (how == 2)
		return v + (uint64_t)(rnd(st) % 64) * 4096;
	return v;
}

static uint32_t pick32(uint64_t *st)
{
	uint32_t how = rnd(st) % 8;

	if (how == 0)
		return rnd(st);
	if (how == 1)
		return (uint32_t)(rnd(st) % 20) - 4;
	return boundary32[rnd(st) % (sizeof(boundary32) / 4)];
}

static void set_string(char **slot, uint64_t *st)
{
	const char *s =
		strings[rnd(st) % (sizeof(strings) / sizeof(strings[0]))];
	char *copy = strdup(s);

	if (!copy)
		return;
	if (*slot && *slot != protobuf_c_empty_string)
		free(*slot);
	*slot = copy;
}

static void set_bytes(ProtobufCBinaryData *b, uint64_t *st)
{
	size_t len = rnd(st) % 3 ? rnd(st) % 300 : rnd(st) % 2000;
	uint8_t *data = malloc(len ? len : 1);

	if (!data)
		return;
	for (size_t i = 0; i < len; i++)
		data[i] = (uint8_t)(i * 31 + 7);
	free(b->data);
	b->data = data;
	b->len = len;
}

static void set_repeated64(ProtobufCMessage *msg,
			   const ProtobufCFieldDescriptor *f, uint64_t *st)
{
	size_t *n = (size_t *)((char *)msg + f->quantifier_offset);
	uint64_t **arr = (uint64_t **)((char *)msg + f->offset);
	size_t count = rnd(st) % 6;
	uint64_t *v = malloc((count ? count : 1) * sizeof(*v));

	if (!v)
		return;
	for (size_t i = 0; i < count; i++)
		v[i] = rnd(st) % 2 ? rnd(st) % 32768 : pick64(st);
	free(*arr);
	*arr = v;
	*n = count;
}

/* One field of msg, set to a value worth trying. */
static void mutate_field(ProtobufCMessage *msg, uint64_t *st)
{
	const ProtobufCMessageDescriptor *d = msg->descriptor;
	const ProtobufCFieldDescriptor *f;
	void *p;

	if (!d->n_fields)
		return;
	f = &d->fields[rnd(st) % d->n_fields];
	p = (char *)msg + f->offset;
	if (f->label == PROTOBUF_C_LABEL_REPEATED) {
		if (f->type == PROTOBUF_C_TYPE_UINT64)
			set_repeated64(msg, f, st);
		return;
	}
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_ENUM: {
		uint32_t v = pick32(st);

		if (!strcmp(f->name, "pid"))
			v = (uint32_t)(int)(rnd(st) % 40) - 4;
		memcpy(p, &v, sizeof(v));
		break;
	}
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_SINT64: {
		uint64_t v = pick64(st);

		memcpy(p, &v, sizeof(v));
		break;
	}
	case PROTOBUF_C_TYPE_BOOL:
		*(protobuf_c_boolean *)p = !*(protobuf_c_boolean *)p;
		break;
	case PROTOBUF_C_TYPE_STRING:
		set_string(p, st);
		break;
	case PROTOBUF_C_TYPE_BYTES:
		set_bytes(p, st);
		break;
	default:
		break;
	}
}

/* The Request's operation is now op, with a fresh message. */
static void change_op(Mm__Request *rq, uint64_t *st)
{
	const ProtobufCMessageDescriptor *rd = &mm__request__descriptor;
	const ProtobufCFieldDescriptor *f;
	const ProtobufCMessageDescriptor *md;
	ProtobufCMessage *msg;

	do
		f = &rd->fields[rnd(st) % rd->n_fields];
	while (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF));
	md = f->descriptor;
	msg = malloc(md->sizeof_message);
	if (!msg)
		return;
	md->message_init(msg);
	for (unsigned int i = rnd(st) % 4; i > 0; i--)
		mutate_field(msg, st);
	if (rq->op_case != MM__REQUEST__OP__NOT_SET)
		protobuf_c_message_free_unpacked(
			rq->ping ? &rq->ping->base : NULL, NULL);
	rq->op_case = (Mm__Request__OpCase)f->id;
	rq->ping = (Mm__Ping *)msg; /* one union: every member a pointer */
}

/* A record made from a Request whose op and fields are picked now. */
static bool new_record(struct record *r, uint64_t *st)
{
	Mm__Request *rq = malloc(sizeof(*rq));
	bool ok;

	if (!rq)
		return false;
	mm__request__init(rq);
	rq->id = rnd(st) % 1000 + 2;
	change_op(rq, st);
	r->who = (uint8_t)(rnd(st) % FUZZ_NR_SESSIONS);
	r->bytes = NULL;
	r->len = 0;
	ok = record_set_request(r, rq);
	mm__request__free_unpacked(rq, NULL);
	return ok;
}

static bool mutate_request(struct record *r, uint64_t *st)
{
	Mm__Request *rq = record_request(r);
	uint32_t how = rnd(st) % 10;
	bool ok;

	if (!rq)
		return false;
	if (how == 0 || rq->op_case == MM__REQUEST__OP__NOT_SET)
		change_op(rq, st);
	else if (how == 1)
		rq->id = rnd(st) % 2 ? 0 : pick64(st);
	else
		mutate_field(&rq->ping->base, st);
	ok = record_set_request(r, rq);
	mm__request__free_unpacked(rq, NULL);
	return ok;
}

static bool mutate_input(struct input *in, uint64_t *st)
{
	uint32_t how = rnd(st) % 100;
	unsigned int i = in->n ? rnd(st) % in->n : 0;

	if (in->n && how < 55)
		return mutate_request(&in->r[i], st);
	if (how < 70 && in->n < MAX_RECORDS) {
		memmove(&in->r[i + 1], &in->r[i],
			(in->n - i) * sizeof(in->r[0]));
		in->n++;
		if (new_record(&in->r[i], st))
			return true;
		memmove(&in->r[i], &in->r[i + 1],
			(--in->n - i) * sizeof(in->r[0]));
		return false;
	}
	if (how < 78 && in->n && in->n < MAX_RECORDS) {
		struct record copy = in->r[i];

		copy.bytes = malloc(copy.len ? copy.len : 1);
		if (!copy.bytes)
			return false;
		memcpy(copy.bytes, in->r[i].bytes, copy.len);
		copy.who = (uint8_t)(rnd(st) % FUZZ_NR_SESSIONS);
		in->r[in->n++] = copy;
		return true;
	}
	if (how < 86 && in->n > 1) {
		free(in->r[i].bytes);
		memmove(&in->r[i], &in->r[i + 1],
			(--in->n - i) * sizeof(in->r[0]));
		return true;
	}
	if (how < 94 && in->n) {
		in->r[i].who = (uint8_t)(rnd(st) % FUZZ_NR_SESSIONS);
		return true;
	}
	in->opts = (uint8_t)rnd(st);
	return true;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed)
{
	uint64_t st = seed;
	struct input in;
	size_t out = 0;

	/* Some of the time, and for what is no list of records, bytes. */
	if (rnd(&st) % 8 == 0 || !input_parse(data, size, &in))
		return LLVMFuzzerMutate(data, size, max_size);
	for (unsigned int k = 1 + rnd(&st) % 3; k > 0; k--)
		mutate_input(&in, &st);
	out = input_write(&in, data, max_size);
	input_free(&in);
	return out ? out : LLVMFuzzerMutate(data, size, max_size);
}
