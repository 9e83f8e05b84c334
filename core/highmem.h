/*
 * highmem.h - kmap and kmap_atomic of high memory.
 */
#ifndef MM_HIGHMEM_H
#define MM_HIGHMEM_H

#include <stddef.h>

#include "core/machine.h"

int highmem_init(struct machine *m);
/* Tears down what init built; must cope with init having failed midway. */
void highmem_exit(struct machine *m);
int highmem_check(const struct machine *m, char *why, size_t len);
/* Free everything pid still owns; returns how many objects that was. */
unsigned long highmem_release(struct machine *m, int pid);

#endif /* MM_HIGHMEM_H */
