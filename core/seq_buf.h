/* SPDX-License-Identifier: MIT */
/*
 * seq_buf.h - a growing text buffer that reports are printed into.
 *
 * Owns: the buffer and its growth. Core prints reports here and callers
 * decide where the text goes; this never writes to a file descriptor.
 */
#ifndef MM_SEQ_BUF_H
#define MM_SEQ_BUF_H

#include <stddef.h>

struct seq_buf {
	char *buf;
	size_t len;
	size_t size;
	int err; /* -ENOMEM once growth failed; later prints are dropped */
};

void seq_buf_init(struct seq_buf *s);
void seq_buf_free(struct seq_buf *s);
void seq_buf_clear(struct seq_buf *s);
int seq_printf(struct seq_buf *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* MM_SEQ_BUF_H */
