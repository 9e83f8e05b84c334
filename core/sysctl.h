/* SPDX-License-Identifier: MIT */
/*
 * sysctl.h - the machine's vm.* sysctls: set by name, listed as
 * `sysctl vm` prints them (sysctl.c).
 *
 * Owns: the calls on the table. Must never: be reached but by an admin
 * for a change (the operation table says so).
 */
#ifndef MM_SYSCTL_H
#define MM_SYSCTL_H

#include <stdint.h>

#include "core/machine.h"
#include "core/seq_buf.h"
#include "core/snapshot.h"

/* -ENOENT for a name the table has not, -EINVAL out of bounds. */
int sysctl_vm_set(struct machine *m, const char *name, int64_t value);
/* `sysctl vm`'s snapshot (snapshot.h; mm.proto's Sysctl): each vm.*
 * knob by its full name ("vm.swappiness") and value. */
struct sysctl_snapshot {
	struct snap_counter *sysctls;
	size_t nr_sysctls;
};
extern const struct report_type sysctl_vm_report;
int sysctl_vm_fill(const struct machine *m, int pid, void *snap);
int sysctl_vm_show(const void *snap, struct seq_buf *s);
int report_sysctl_vm(const struct machine *m, struct seq_buf *s);

#endif /* MM_SYSCTL_H */
