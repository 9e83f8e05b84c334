/* SPDX-License-Identifier: MIT */
/*
 * vm_layout.h - the kernel's virtual memory map, shown: the table of
 * Documentation/arch/x86/x86_64/mm.rst and, on i386, the "virtual kernel
 * memory layout:" lines arch/x86/mm/init_32.c printed at boot (other
 * arches' print_vm_layout).
 *
 * Owns: the report of where each area of the kernel's address space
 * lies in this machine's layout, the per-CPU offsets and the kernel
 * stacks. Must never: change the machine, or print an area the machine
 * does not have (x86_64's fixmap and cpu_entry_area, i386's cpu_entry).
 */
#ifndef MM_VM_LAYOUT_H
#define MM_VM_LAYOUT_H

#include "core/machine.h"
#include "core/seq_buf.h"

/* sizeof(struct page) in Linux's x86 builds: what the vmemmap holds. */
#define STRUCT_PAGE_SIZE 64
/* x86_64's vmemmap_base without KASLR (4-level paging). */
#define VMEMMAP_START 0xffffea0000000000ULL

int report_vm_layout(const struct machine *m, struct seq_buf *s);

#endif /* MM_VM_LAYOUT_H */
