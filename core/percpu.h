/*
 * percpu.h - alloc_percpu: chunks with one unit per simulated CPU.
 */
#ifndef MM_PERCPU_H
#define MM_PERCPU_H

#include <stddef.h>

#include "core/machine.h"

int pcpu_init(struct machine *m);
/* Tears down what init built; must cope with init having failed midway. */
void pcpu_exit(struct machine *m);
int pcpu_check(const struct machine *m, char *why, size_t len);
/* Free everything pid still owns; returns how many objects that was. */
unsigned long pcpu_release(struct machine *m, int pid);

/* Pages backing per-CPU chunks, for meminfo Percpu. */
unsigned long pcpu_nr_pages(const struct machine *m);

#endif /* MM_PERCPU_H */
