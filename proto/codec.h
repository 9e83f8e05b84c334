/* SPDX-License-Identifier: MIT */
/*
 * codec.h - mm's messages to and from bytes, on the hot path.
 *
 * Owns: a protobuf encoder and decoder for the shapes nearly every frame
 * has (scalar fields, bytes, nested messages, one member of a oneof),
 * driven by protobuf-c's descriptors, falling back to protobuf-c itself
 * for everything else; and the arena decoded messages live in. protobuf-c
 * walks every field of a message's descriptor, so packing a Request (50
 * oneof members) cost ~200 ns; this costs a few tens. Must never: emit
 * bytes other than protobuf-c's for the same message, decode anything
 * protobuf-c would decode differently or refuse, or touch a descriptor.
 */
#ifndef MM_PROTO_CODEC_H
#define MM_PROTO_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "proto/frame.h"
#include "proto/mm.pb-c.h"

/* Bytes an arena holds in itself; larger needs go to malloc. */
#define PB_ARENA_INLINE 2048

struct pb_arena_block;

/*
 * Where one decoded message lives until the next reset: a bump allocator
 * over an inline buffer, with malloc for whatever does not fit. Pass
 * &a->allocator to protobuf-c; never free what it hands out one by one.
 */
struct pb_arena {
	ProtobufCAllocator allocator;
	size_t used;
	struct pb_arena_block *blocks; /* the malloc'ed overflow */
	_Alignas(16) uint8_t buf[PB_ARENA_INLINE];
};

void pb_arena_init(struct pb_arena *a);
/* Forget every allocation since init or the last reset. */
void pb_arena_reset(struct pb_arena *a);

/*
 * Decode a message of type desc from data[0, len) into arena a. Returns
 * NULL when protobuf-c would refuse the bytes. A bytes field may point
 * into data: keep data until done with the message. Everything else is
 * in the arena, released by pb_arena_reset() (never free_unpacked()).
 */
ProtobufCMessage *codec_unpack(const ProtobufCMessageDescriptor *desc,
			       struct pb_arena *a, size_t len,
			       const uint8_t *data);

static inline Mm__Request *codec_unpack_request(struct pb_arena *a, size_t len,
						const uint8_t *data)
{
	return (Mm__Request *)codec_unpack(&mm__request__descriptor, a, len,
					   data);
}

static inline Mm__Reply *codec_unpack_reply(struct pb_arena *a, size_t len,
					    const uint8_t *data)
{
	return (Mm__Reply *)codec_unpack(&mm__reply__descriptor, a, len, data);
}

/* protobuf_c_message_get_packed_size() and _pack(), byte for byte. */
size_t codec_packed_size(const ProtobufCMessage *msg);
size_t codec_pack(const ProtobufCMessage *msg, uint8_t *out);

/*
 * Append msg to b as one frame. Returns 0, -EMSGSIZE when it would be
 * longer than max, or -ENOMEM; b is unchanged on failure.
 */
int codec_append(struct frame_buf *b, const ProtobufCMessage *msg,
		 uint32_t max);

/*
 * A Reply whose result is len bytes of data, built around the bytes
 * rather than copied: codec_data_reply_room() makes room at the end of b
 * and returns where the bytes go (NULL: no memory); once they are there,
 * codec_data_reply_commit() appends the frame. head is the Reply without
 * its result, the same for both calls. Until the commit b is unchanged,
 * so a failed fill needs no undoing.
 */
uint8_t *codec_data_reply_room(struct frame_buf *b, const Mm__Reply *head,
			       uint32_t len);
void codec_data_reply_commit(struct frame_buf *b, const Mm__Reply *head,
			     uint32_t len);

#endif /* MM_PROTO_CODEC_H */
