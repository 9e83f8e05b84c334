/* SPDX-License-Identifier: MIT */
/*
 * printk.c - the machine's kernel log, as dmesg shows it.
 *
 * Owns: the log buffer. When it fills, the oldest half is dropped at a
 * line boundary, as a ring buffer would lose it. Must never print to the
 * host.
 */
#include "core/printk.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void log_make_room(struct machine *m, size_t need)
{
	char *cut;

	if (m->log_len + need < LOG_BUF_LEN)
		return;
	cut = memchr(m->log_buf + LOG_BUF_LEN / 2, '\n',
		     m->log_len - LOG_BUF_LEN / 2);
	cut = cut ? cut + 1 : m->log_buf + m->log_len;
	m->log_len -= (size_t)(cut - m->log_buf);
	memmove(m->log_buf, cut, m->log_len);
}

void printk(struct machine *m, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	n = snprintf(line, sizeof(line), "[%6lu] ", ++m->log_seq);
	va_start(ap, fmt);
	n += vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	if (line[n - 1] != '\n')
		line[n++] = '\n';
	if (!m->log_buf) {
		m->log_buf = malloc(LOG_BUF_LEN);
		if (!m->log_buf)
			return;
	}
	log_make_room(m, (size_t)n);
	memcpy(m->log_buf + m->log_len, line, (size_t)n);
	m->log_len += (size_t)n;
}

int report_dmesg(const struct machine *m, struct seq_buf *s)
{
	if (m->log_len)
		seq_printf(s, "%.*s", (int)m->log_len, m->log_buf);
	return s->err;
}
