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

#include <stdbool.h>
#include <stdint.h>

#include "core/machine.h"
#include "core/seq_buf.h"

/* sizeof(struct page) in Linux's x86 builds: what the vmemmap holds. */
#define STRUCT_PAGE_SIZE 64
/* x86_64's vmemmap_base without KASLR (4-level paging). */
#define VMEMMAP_START 0xffffea0000000000ULL

int report_vm_layout(const struct machine *m, struct seq_buf *s);
/*
 * Its snapshot, mm.proto's VmLayout: the arch and TASK_SIZE; on i386
 * init_32.c's boot lines (name, [start, end), size in unit "MB" or
 * "kB"); mm.rst's rows in the table's order (start, end inclusive,
 * size in bytes, offset: from 0 in user space, negative from the top of
 * the address space in the kernel's half; inside: an area within the
 * one before, printed "... "; description); __per_cpu_start,
 * pcpu_base_addr, the unit size, each CPU's __per_cpu_offset,
 * THREAD_SIZE and KernelStack in kB.
 */
struct vm_boot_line_snapshot {
	char name[8];
	uint64_t start, end, size;
	char unit[4];
};
struct vm_layout_row_snapshot {
	uint64_t start, end, size;
	int64_t offset;
	bool inside;
	char description[80];
};
struct vm_layout_snapshot {
	char arch[8];
	uint64_t task_size;
	struct vm_boot_line_snapshot *boot_lines;
	size_t nr_boot_lines;
	struct vm_layout_row_snapshot *rows;
	size_t nr_rows;
	uint64_t per_cpu_start, pcpu_base_addr, pcpu_unit_size;
	uint64_t *per_cpu_offset;
	size_t nr_cpus;
	uint64_t thread_size;
	int64_t kernel_stack_kb;
};
extern const struct report_type vm_layout_report;

#endif /* MM_VM_LAYOUT_H */
