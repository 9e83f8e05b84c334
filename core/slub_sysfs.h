/* SPDX-License-Identifier: MIT */
/*
 * slub_sysfs.h - a slab cache's attributes, as SLUB shows them in
 * /sys/kernel/slab/<cache>/ (the sysfs part of Linux's mm/slub.c).
 *
 * Owns: the attribute names and values of one cache. Must never: change
 * a cache, or show a cache the current task may not name.
 */
#ifndef MM_SLUB_SYSFS_H
#define MM_SLUB_SYSFS_H

#include "core/machine.h"
#include "core/seq_buf.h"

/*
 * "attribute: value" lines of the cache called name (a kernel cache or
 * one of the current task's uid), each value as the sysfs file reads
 * without its newline. -ENOENT when no such cache.
 */
int slab_sysfs_show(struct machine *m, const char *name, struct seq_buf *s);

#endif /* MM_SLUB_SYSFS_H */
