/* SPDX-License-Identifier: MIT */
/*
 * show_mem.h - the memory summary the kernel logs when an allocation
 * fails or the OOM killer runs (mm/show_mem.c's __show_mem).
 *
 * Owns: its lines in the kernel log. Must never: change anything but
 * the log.
 */
#ifndef MM_SHOW_MEM_H
#define MM_SHOW_MEM_H

#include "core/machine.h"

void show_mem(struct machine *m);

#endif /* MM_SHOW_MEM_H */
