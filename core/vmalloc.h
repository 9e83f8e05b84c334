/*
 * vmalloc.h - vmalloc, vmap and ioremap over the layout's vmalloc area.
 */
#ifndef MM_VMALLOC_H
#define MM_VMALLOC_H

#include <stddef.h>

#include "core/machine.h"

int vmalloc_init(struct machine *m);
/* Tears down what init built; must cope with init having failed midway. */
void vmalloc_exit(struct machine *m);
int vmalloc_check(const struct machine *m, char *why, size_t len);
/* Free everything pid still owns; returns how many objects that was. */
unsigned long vmalloc_release(struct machine *m, int pid);

#include "core/seq_buf.h"

/* Pages mapped in the vmalloc area, for meminfo VmallocUsed. */
unsigned long vmalloc_used_pages(const struct machine *m);
/* /proc/vmallocinfo */
int report_vmallocinfo(const struct machine *m, struct seq_buf *s);

#endif /* MM_VMALLOC_H */
