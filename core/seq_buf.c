/* SPDX-License-Identifier: MIT */
/*
 * seq_buf.c - a growing text buffer that reports are printed into.
 *
 * Owns: the buffer and its growth. Must never write to a descriptor.
 */
#include "core/seq_buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/array.h"

void seq_buf_init(struct seq_buf *s)
{
	s->buf = NULL;
	s->len = 0;
	s->size = 0;
	s->err = 0;
}

void seq_buf_free(struct seq_buf *s)
{
	free(s->buf);
	seq_buf_init(s);
}

void seq_buf_clear(struct seq_buf *s)
{
	s->len = 0;
	s->err = 0;
	if (s->buf)
		s->buf[0] = '\0';
}

static int seq_buf_reserve(struct seq_buf *s, size_t need)
{
	char *buf = array_reserve(s->buf, &s->size, s->len + need + 1, 1, 4096);

	if (!buf)
		return -ENOMEM;
	s->buf = buf;
	return 0;
}

int seq_printf(struct seq_buf *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->err)
		return s->err;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || seq_buf_reserve(s, (size_t)n) < 0)
		return s->err = -ENOMEM;
	va_start(ap, fmt);
	vsnprintf(s->buf + s->len, s->size - s->len, fmt, ap);
	va_end(ap);
	s->len += (size_t)n;
	return 0;
}
