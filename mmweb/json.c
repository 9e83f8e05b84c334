/* SPDX-License-Identifier: MIT */
/*
 * json.c - mmweb's text buffers and JSON strings.
 *
 * Owns: a growing buffer and the escaping of text into JSON. Must
 * never: abort on a failed allocation; the buffer remembers it (oom)
 * and the caller answers with an error.
 */
#include "mmweb/mmweb.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool buf_room(struct buf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 256;
	char *s;

	if (b->oom)
		return false;
	if (b->len + n + 1 <= b->cap)
		return true;
	while (cap < b->len + n + 1)
		cap *= 2;
	s = realloc(b->s, cap);
	if (!s) {
		b->oom = true;
		return false;
	}
	b->s = s;
	b->cap = cap;
	return true;
}

void buf_add(struct buf *b, const char *s, size_t n)
{
	if (!buf_room(b, n))
		return;
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void buf_str(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !buf_room(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

/* Control characters as \u00XX; quotes and backslashes escaped. */
void buf_json_str(struct buf *b, const char *s)
{
	buf_add(b, "\"", 1);
	for (const char *p = s; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '"' || ch == '\\') {
			char esc[2] = {'\\', (char)ch};
			buf_add(b, esc, 2);
		} else if (ch == '\n') {
			buf_add(b, "\\n", 2);
		} else if (ch == '\t') {
			buf_add(b, "\\t", 2);
		} else if (ch < 0x20) {
			buf_printf(b, "\\u%04x", ch);
		} else {
			buf_add(b, p, 1);
		}
	}
	buf_add(b, "\"", 1);
}

void buf_free(struct buf *b)
{
	free(b->s);
	*b = (struct buf){0};
}
