/*
 * mmz.h - media memory zones: blocks carved from the layout'\''s MMZ regions.
 */
#ifndef MM_MMZ_H
#define MM_MMZ_H

#include <stddef.h>

#include "core/machine.h"

int mmz_init(struct machine *m);
/* Tears down what init built; must cope with init having failed midway. */
void mmz_exit(struct machine *m);
int mmz_check(const struct machine *m, char *why, size_t len);
/* Free everything pid still owns; returns how many objects that was. */
unsigned long mmz_release(struct machine *m, int pid);

#include "core/seq_buf.h"

/* Free pages in all MMZ regions, for meminfo MmzFree. */
unsigned long mmz_free_pages(const struct machine *m);
/* The media-mem listing. */
int report_media_mem(const struct machine *m, struct seq_buf *s);

#endif /* MM_MMZ_H */
