/*
 * pagetypeinfo.h - /proc/pagetypeinfo, in the kernel's format.
 *
 * Owns: the report's entry point. Must never change the machine.
 */
#ifndef MM_PAGETYPEINFO_H
#define MM_PAGETYPEINFO_H

#include "core/machine.h"
#include "core/seq_buf.h"

/* Prints into s; 0 or -ENOMEM. */
int report_pagetypeinfo(const struct machine *m, struct seq_buf *s);

#endif /* MM_PAGETYPEINFO_H */
