/*
 * stats.h - the /proc-format reports of a machine.
 *
 * Each report prints into s and returns 0 or -ENOMEM. Reports never
 * change the machine.
 */
#ifndef MM_STATS_H
#define MM_STATS_H

#include <stdio.h>

#include "core/machine.h"
#include "core/seq_buf.h"

int report_buddyinfo(const struct machine *m, struct seq_buf *s);
int report_zoneinfo(const struct machine *m, struct seq_buf *s);
int report_meminfo(const struct machine *m, struct seq_buf *s);
int report_vmstat(const struct machine *m, struct seq_buf *s);

#endif /* MM_STATS_H */
