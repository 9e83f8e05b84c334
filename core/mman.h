/* SPDX-License-Identifier: MIT */
/*
 * mman.h - overcommit accounting, as include/linux/mman.h declares it:
 * whether a new commitment of memory may be made, and how much is
 * committed (meminfo's Committed_AS).
 */
#ifndef MM_MMAN_H
#define MM_MMAN_H

#include "core/machine.h"

/*
 * __vm_enough_memory under OVERCOMMIT_GUESS, the default: 0, or -ENOMEM
 * when pages alone are more than RAM and swap together.
 */
int vm_enough_memory(struct machine *m, long pages);

/*
 * vm_memory_committed: the pages every process has committed, that is
 * its VM_ACCOUNT mappings (private writable memory, the heap, the
 * stack) and the shared anonymous objects made without MAP_NORESERVE.
 */
unsigned long vm_memory_committed(const struct machine *m);

#endif /* MM_MMAN_H */
