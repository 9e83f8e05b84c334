/* SPDX-License-Identifier: MIT */
/*
 * sections.h - where the kernel image's sections lie, as Linux's
 * asm/sections.h names their bounds (_text, _etext, _sdata, _edata,
 * __init_begin, __init_end, __per_cpu_start, _end).
 *
 * Owns: the split of the layout's kernel image into sections, and the
 * virtual address the image is linked at. Must never: read RAM or any
 * state but the layout; it is arithmetic on the layout alone.
 *
 * The machine keeps no kernel code or data, so the split is a model of
 * vmlinux's order, not of its sizes: .text takes the image's first half,
 * .rodata and .data the next quarter, the init sections the next eighth,
 * and .bss and the brk area (where boot's page tables sit, pgtable.c)
 * the last eighth. The static per-CPU section, .data..percpu, lies at
 * the start of the init sections, as arch/x86/kernel/vmlinux.lds.S puts
 * PERCPU_SECTION there on i386 and setup_per_cpu_areas copies it into
 * each CPU's unit before the init sections are freed. x86_64 links it
 * at 0 (PERCPU_VADDR(0): zero-based per-CPU, as Linux up to 6.14), so
 * __per_cpu_start is 0 there and a per-CPU offset is the unit's address.
 * The image is linked where the direct map shows it on i386 (PAGE_OFFSET
 * + its physical address) and at __START_KERNEL_map + its physical
 * address on x86_64 (the "kernel text mapping").
 */
#ifndef MM_SECTIONS_H
#define MM_SECTIONS_H

#include <stdint.h>

#include "core/layout.h"

/* x86_64's kernel text mapping: physical 0 is linked here. */
#define __START_KERNEL_map 0xffffffff80000000ULL

/* Virtual addresses of the image's bounds; each end is exclusive. */
struct kernel_sections {
	uint64_t text, etext;	       /* _text, _etext */
	uint64_t sdata, edata;	       /* _sdata, _edata */
	uint64_t init_begin, init_end; /* __init_begin, __init_end */
	uint64_t bss_start, end;       /* __bss_start (and brk), _end */
	uint64_t per_cpu_start;	       /* __per_cpu_start: 0 on x86_64 */
};

void kernel_sections(const struct layout *l, struct kernel_sections *ks);

#endif /* MM_SECTIONS_H */
