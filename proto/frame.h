/* SPDX-License-Identifier: MIT */
/*
 * frame.h - the framing of mm's wire: a 4-byte big-endian length, then
 * one protobuf message.
 *
 * Owns: splitting a byte stream into frames and appending packed messages
 * to a growing buffer, for the daemon and libmmclient alike. Must never:
 * read or write a file descriptor, or know what the messages mean.
 */
#ifndef MM_PROTO_FRAME_H
#define MM_PROTO_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#define FRAME_HEADER 4u

/* A growing byte buffer; data[start, len) holds what is not yet used. */
struct frame_buf {
	uint8_t *data;
	size_t start;
	size_t len;
	size_t cap;
};

static inline void frame_put_len(uint8_t *p, uint32_t len)
{
	p[0] = (uint8_t)(len >> 24);
	p[1] = (uint8_t)(len >> 16);
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
}

static inline uint32_t frame_get_len(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline size_t frame_buf_used(const struct frame_buf *b)
{
	return b->len - b->start;
}

void frame_buf_init(struct frame_buf *b);
void frame_buf_free(struct frame_buf *b);
/* Make room for at least room more bytes after len; 0 or -ENOMEM. */
int frame_buf_reserve(struct frame_buf *b, size_t room);
/* Drop the consumed bytes before start, moving the rest to the front. */
void frame_buf_compact(struct frame_buf *b);

/*
 * The next frame in the unused bytes of b. Returns 1 with *body and *len
 * set (b->start is not moved; frame_consume does that), 0 when the frame
 * is not complete yet, or -EMSGSIZE when its length exceeds max (*len
 * then holds the length it announced).
 */
int frame_next(const struct frame_buf *b, uint32_t max, const uint8_t **body,
	       uint32_t *len);

static inline void frame_consume(struct frame_buf *b, uint32_t len)
{
	b->start += FRAME_HEADER + len;
	if (b->start == b->len)
		b->start = b->len = 0;
}

/*
 * Append msg as one frame. Returns 0, -EMSGSIZE when the packed message
 * is longer than max, or -ENOMEM; b is unchanged on failure.
 */
int frame_append(struct frame_buf *b, const ProtobufCMessage *msg,
		 uint32_t max);

#endif /* MM_PROTO_FRAME_H */
