/* SPDX-License-Identifier: MIT */
/*
 * meminfo.h - /proc/meminfo of a machine (fs/proc/meminfo.c).
 *
 * The report prints into s and returns 0 or -ENOMEM. It never changes
 * the machine.
 */
#ifndef MM_MEMINFO_H
#define MM_MEMINFO_H

#include "core/machine.h"
#include "core/seq_buf.h"

int report_meminfo(const struct machine *m, struct seq_buf *s);

#endif /* MM_MEMINFO_H */
