/* SPDX-License-Identifier: MIT */
/*
 * task_mmu.h - a process's memory as /proc/PID shows it.
 *
 * Owns: /proc/PID/maps, the Vm* and Rss* lines of /proc/PID/status, and
 * the page walk mmctl pagewalk prints. Reads only; never changes a
 * table, a VMA or a counter (a walk sets no accessed bits).
 */
#ifndef MM_TASK_MMU_H
#define MM_TASK_MMU_H

#include <stdint.h>

#include "core/machine.h"
#include "core/pgtable.h"
#include "core/seq_buf.h"

/* -ESRCH when there is no such process. */
int report_pid_maps(const struct machine *m, int pid, struct seq_buf *s);
int report_pid_status(const struct machine *m, int pid, struct seq_buf *s);

/*
 * Each level's index and entry on the way to addr in pid's tables, then
 * the frame and its struct page (flags, _refcount, _mapcount) when
 * something is mapped there; a swap entry is shown as type and offset.
 */
int pid_pagewalk(const struct machine *m, int pid, uint64_t addr,
		 struct pgtable_walk *w);
int report_pagewalk(const struct machine *m, int pid, uint64_t addr,
		    struct seq_buf *s);

#endif /* MM_TASK_MMU_H */
