/* SPDX-License-Identifier: MIT */
/*
 * printk.h - the machine's kernel log, as dmesg shows it.
 *
 * Owns: a bounded log of what the simulated kernel reports (slab
 * corruption, refused calls worth a line). Lines are numbered, not timed,
 * so the same calls give the same log. Must never grow without bound.
 */
#ifndef MM_PRINTK_H
#define MM_PRINTK_H

#include "core/machine.h"
#include "core/seq_buf.h"
#include "core/snapshot.h"

#define LOG_BUF_LEN (64 * 1024)

void printk(struct machine *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * dmesg's snapshot (snapshot.h; mm.proto's Dmesg): a record per
 * printk, its sequence number and its message (a newline inside a
 * message stays in it).
 */
struct log_record_snapshot {
	uint64_t seq;
	char *message;
};
struct dmesg_snapshot {
	struct log_record_snapshot *records;
	size_t nr_records;
};
extern const struct report_type dmesg_report;
int dmesg_fill(const struct machine *m, int pid, void *snap);
int dmesg_show(const void *snap, struct seq_buf *s);
int report_dmesg(const struct machine *m, struct seq_buf *s);

#endif /* MM_PRINTK_H */
