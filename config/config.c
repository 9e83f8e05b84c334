/* SPDX-License-Identifier: MIT */
/*
 * config.c - how a layout error reads.
 *
 * Owns: the one text form of a config_error, "file:line:col: key: message"
 * on one line, shared by mmd, the tests and anything else that shows
 * errors. A message may quote what the file said, and a file may say
 * anything (a quoted value can hold a newline or a terminal's escape
 * codes): control characters come out as escapes, \n or \x1b, so an error
 * is always one line that is safe to print. Must never: print; callers
 * choose the stream.
 */
#include "config/config.h"

#include <stdio.h>
#include <string.h>

struct out {
	char *buf;
	size_t len, used; /* used may pass len: what did not fit is cut */
};

static void put(struct out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n && o->used + 1 < o->len; i++)
		o->buf[o->used++] = s[i];
	o->buf[o->used < o->len ? o->used : o->len - 1] = '\0';
}

/* s, its control characters written as C escapes. */
static void put_escaped(struct out *o, const char *s)
{
	char esc[8];

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c != 0x7f) {
			put(o, s, 1);
			continue;
		}
		if (c == '\n')
			snprintf(esc, sizeof(esc), "\\n");
		else if (c == '\t')
			snprintf(esc, sizeof(esc), "\\t");
		else if (c == '\r')
			snprintf(esc, sizeof(esc), "\\r");
		else
			snprintf(esc, sizeof(esc), "\\x%02x", c);
		put(o, esc, strlen(esc));
	}
}

void config_error_format(const struct config_error *e, char *buf, size_t len)
{
	struct out o = {buf, len, 0};
	char place[32];

	if (!len)
		return;
	buf[0] = '\0';
	put_escaped(&o, e->file);
	if (e->line) {
		snprintf(place, sizeof(place), ":%u:%u", e->line, e->column);
		put(&o, place, strlen(place));
	}
	put(&o, ": ", 2);
	if (e->key[0]) {
		put_escaped(&o, e->key);
		put(&o, ": ", 2);
	}
	put_escaped(&o, e->msg);
}
