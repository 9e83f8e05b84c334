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

/*
 * The log as records: a line "[   seq] message" begins one; a line
 * without the prefix (a message with a newline in it) continues the
 * record before it.
 */
static size_t log_lines(const struct machine *m)
{
	size_t n = 0;

	for (size_t i = 0; i < m->log_len; i++)
		n += m->log_buf[i] == '\n';
	return n;
}

/* A line without the prefix: the record before it goes on. */
static int continue_record(struct log_record_snapshot *r, const char *line,
			   size_t len)
{
	size_t had = strlen(r->message);
	char *text = realloc(r->message, had + len + 2);

	if (!text)
		return -ENOMEM;
	text[had] = '\n';
	memcpy(text + had + 1, line, len);
	text[had + 1 + len] = '\0';
	r->message = text;
	return 0;
}

/*
 * The length of a "[%6lu] " prefix (spaces, the number, the bracket and
 * one space) inside line's len bytes, its number in *seq; 0 if none.
 * Read within len: the log is not NUL-terminated, so sscanf would read
 * past its end.
 */
static size_t line_prefix(const char *line, size_t len, unsigned long *seq)
{
	size_t i = 1, digits = 0;

	*seq = 0;
	if (!len || line[0] != '[')
		return 0;
	while (i < len && line[i] == ' ')
		i++;
	for (; i < len && line[i] >= '0' && line[i] <= '9'; i++, digits++)
		*seq = *seq * 10 + (unsigned long)(line[i] - '0');
	if (!digits || i + 1 >= len || line[i] != ']' || line[i + 1] != ' ')
		return 0;
	return i + 1;
}

static int add_line(struct dmesg_snapshot *d, const char *line, size_t len)
{
	struct log_record_snapshot *r;
	unsigned long seq;
	size_t used = line_prefix(line, len, &seq);

	if (!used && d->nr_records)
		return continue_record(&d->records[d->nr_records - 1], line,
				       len);
	used += used ? 1 : 0;
	r = &d->records[d->nr_records++];
	r->seq = seq;
	r->message = strndup(line + used, len - used);
	return r->message ? 0 : -ENOMEM;
}

int dmesg_fill(const struct machine *m, int pid, void *snap)
{
	struct dmesg_snapshot *d = snap;
	size_t at = 0;
	int err = 0;

	(void)pid;
	d->records = snap_alloc(log_lines(m), sizeof(*d->records));
	if (!d->records)
		return -ENOMEM;
	while (at < m->log_len && !err) {
		const char *line = m->log_buf + at;
		const char *nl = memchr(line, '\n', m->log_len - at);
		size_t len = nl ? (size_t)(nl - line) : m->log_len - at;

		err = add_line(d, line, len);
		at += len + 1;
	}
	return err;
}

int dmesg_show(const void *snap, struct seq_buf *s)
{
	const struct dmesg_snapshot *d = snap;

	for (size_t i = 0; i < d->nr_records; i++)
		seq_printf(s, "[%6llu] %s\n",
			   (unsigned long long)d->records[i].seq,
			   d->records[i].message);
	return s->err;
}

static const struct snap_field log_record_fields[] = {
	SNAP_FIELD(struct log_record_snapshot, seq, SNAP_U64),
	SNAP_FIELD(struct log_record_snapshot, message, SNAP_STR),
};
static const struct snap_desc log_record_desc =
	SNAP_DESC("LogRecord", struct log_record_snapshot, log_record_fields);
static const struct snap_field dmesg_fields[] = {
	SNAP_ARRAY(struct dmesg_snapshot, records, nr_records, SNAP_ITEMS,
		   &log_record_desc),
};
static const struct snap_desc dmesg_desc =
	SNAP_DESC("Dmesg", struct dmesg_snapshot, dmesg_fields);
const struct report_type dmesg_report = {&dmesg_desc, dmesg_fill, dmesg_show};

int report_dmesg(const struct machine *m, struct seq_buf *s)
{
	return report_show(&dmesg_report, m, 0, s);
}
