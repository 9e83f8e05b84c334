/* SPDX-License-Identifier: MIT */
/*
 * frame.c - the framing of mm's wire: a 4-byte big-endian length, then
 * one protobuf message.
 *
 * Owns: frame buffers and their growth. Must never: read or write a file
 * descriptor, or decode a message (the caller decides what a frame is).
 */
#include "proto/frame.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void frame_buf_init(struct frame_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void frame_buf_free(struct frame_buf *b)
{
	free(b->data);
	frame_buf_init(b);
}

int frame_buf_reserve(struct frame_buf *b, size_t room)
{
	size_t cap = b->cap ? b->cap : 4096;
	uint8_t *data;

	if (b->cap - b->len >= room)
		return 0;
	/* Moving what is left down is cheaper than growing. */
	if (b->start && b->cap - frame_buf_used(b) >= room) {
		frame_buf_compact(b);
		return 0;
	}
	while (cap - b->len < room)
		cap *= 2;
	data = realloc(b->data, cap);
	if (!data)
		return -ENOMEM;
	b->data = data;
	b->cap = cap;
	return 0;
}

void frame_buf_compact(struct frame_buf *b)
{
	size_t used = frame_buf_used(b);

	if (!b->start)
		return;
	memmove(b->data, b->data + b->start, used);
	b->start = 0;
	b->len = used;
}

int frame_next(const struct frame_buf *b, uint32_t max, const uint8_t **body,
	       uint32_t *len)
{
	const uint8_t *p = b->data + b->start;
	size_t used = frame_buf_used(b);

	if (used < FRAME_HEADER)
		return 0;
	*len = frame_get_len(p);
	if (*len > max)
		return -EMSGSIZE;
	if (used - FRAME_HEADER < *len)
		return 0;
	*body = p + FRAME_HEADER;
	return 1;
}

int frame_append(struct frame_buf *b, const ProtobufCMessage *msg, uint32_t max)
{
	size_t size = protobuf_c_message_get_packed_size(msg);

	if (size > max)
		return -EMSGSIZE;
	if (frame_buf_reserve(b, FRAME_HEADER + size))
		return -ENOMEM;
	frame_put_len(b->data + b->len, (uint32_t)size);
	protobuf_c_message_pack(msg, b->data + b->len + FRAME_HEADER);
	b->len += FRAME_HEADER + size;
	return 0;
}
