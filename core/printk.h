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

#define LOG_BUF_LEN (64 * 1024)

void printk(struct machine *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int report_dmesg(const struct machine *m, struct seq_buf *s);

#endif /* MM_PRINTK_H */
