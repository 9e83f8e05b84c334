/* SPDX-License-Identifier: MIT */
/*
 * fault.h - the kernel-mode page fault, as arch/x86/mm/fault.c takes it:
 * an access by kernel code, in a process's context and so through that
 * process's page table, to a kernel address (vmalloc_fault).
 *
 * Owns: the kernel-mode access path through the current process's pgd
 * and the lazy sync of a kernel PGD entry that pgd lacks. Must never:
 * change swapper_pg_dir, map anything the kernel has not mapped, or
 * touch a process pgd's user half.
 */
#ifndef MM_FAULT_H
#define MM_FAULT_H

#include <stdint.h>

#include "core/machine.h"

struct mm_struct;

/*
 * vmalloc_fault: addr is in the vmalloc area, mm's pgd has no entry
 * there and swapper_pg_dir has one (i386: a PTE table vmalloc made
 * after the pgd was copied). Copy it (vmalloc_sync_one), count it
 * (vmstat mm_vmalloc_fault) and log it. -EFAULT when it is no such
 * fault (outside the area, the entry already there, swapper_pg_dir
 * lacking it or the page itself): an oops on Linux, a refused access
 * here.
 */
int vmalloc_fault(struct machine *m, struct mm_struct *mm, uint64_t addr);

/*
 * The frame a kernel-mode access at addr reaches through mm's page
 * table, taking the vmalloc fault on the way and retrying as the CPU
 * does; a task without an mm walks init_mm's, as a kernel thread's
 * borrowed mm does. -EFAULT when nothing is mapped there.
 */
int kernel_access_pfn(struct machine *m, struct mm_struct *mm, uint64_t addr,
		      unsigned long *pfn);

#endif /* MM_FAULT_H */
