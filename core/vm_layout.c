/* SPDX-License-Identifier: MIT */
/*
 * vm_layout.c - the kernel's virtual memory map, as mm.rst tabulates it
 * for x86_64 and as 32-bit Linux's mem_init printed it at boot.
 *
 * Owns: report_vm_layout and the list of areas it is made from. Must
 * never: change the machine, or hold the loop for long: it prints a
 * fixed number of lines, and one per CPU (at most LAYOUT_MAX_CPUS).
 *
 * The report has three parts. On i386 first, the boot lines (fixmap,
 * pkmap, vmalloc, lowmem, .init, .data, .text) in init_32.c's format;
 * the cpu_entry line is left out, since the machine has no
 * cpu_entry_area. Then, on both arches, mm.rst's table: start, offset
 * (from 0 in user space, from the top of the address space in the
 * kernel's half), inclusive end, size and description; areas inside
 * another (the per-CPU first chunk and mem_map inside the direct map,
 * the image's sections) follow the area that holds them, marked "...".
 * Last, "key: value" lines: __per_cpu_start, pcpu_base_addr, the unit
 * size, each CPU's __per_cpu_offset, THREAD_SIZE and KernelStack.
 */
#include "core/vm_layout.h"

#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/highmem.h"
#include "core/memblock.h"
#include "core/percpu.h"
#include "core/sections.h"
#include "core/vmstat.h"

struct vm_area_row {
	uint64_t start, end; /* end exclusive */
	const char *what;
};

#define NR_VM_ROWS 12

/* Rows of one map, in the order the table lists them. */
struct vm_rows {
	unsigned int nr;
	struct vm_area_row row[NR_VM_ROWS];
};

/*
 * In address order, an area before the ones inside it (a larger area
 * first when two start together): an insertion, the rows being few.
 */
static void add_row(struct vm_rows *r, uint64_t start, uint64_t end,
		    const char *what)
{
	unsigned int i;

	if (r->nr == NR_VM_ROWS || end <= start)
		return;
	for (i = r->nr; i > 0; i--) {
		const struct vm_area_row *p = &r->row[i - 1];

		if (p->start < start || (p->start == start && p->end >= end))
			break;
		r->row[i] = *p;
	}
	r->row[i] = (struct vm_area_row){start, end, what};
	r->nr++;
}

/* mem_map's bytes: memblock's memmap reservation, where boot put it. */
static const struct memblock_region *memmap_region(const struct machine *m)
{
	const struct memblock_type *t = &m->memblock.reserved;

	for (unsigned int i = 0; i < t->cnt; i++)
		if (t->regions[i].owner == MB_MEMMAP)
			return &t->regions[i];
	return NULL;
}

static void add_percpu_row(const struct machine *m, struct vm_rows *r)
{
	const struct pcpu_state *s = m->pcpu;

	add_row(r, s->first_chunk->base,
		s->first_chunk->base + (uint64_t)m->nr_cpus * s->unit_size,
		"... per-CPU first chunk (pcpu_base_addr), a unit per CPU");
}

static void add_section_rows(const struct machine *m, struct vm_rows *r)
{
	struct kernel_sections ks;

	kernel_sections(&m->layout, &ks);
	add_row(r, ks.text, ks.etext, "... .text");
	add_row(r, ks.sdata, ks.edata, "... .rodata and .data");
	add_row(r, ks.init_begin, ks.init_end,
		"... init sections, .data..percpu at __init_begin");
	add_row(r, ks.bss_start, ks.end, "... .bss and brk (boot page tables)");
}

static void x86_64_rows(const struct machine *m, struct vm_rows *r)
{
	const struct layout_kernel *k = &m->layout.kernel;
	struct kernel_sections ks;

	kernel_sections(&m->layout, &ks);
	add_row(r, 0, k->task_size,
		"user-space virtual memory, different per mm");
	add_row(r, k->page_offset,
		k->page_offset + layout_lowmem_end(&m->layout),
		"direct mapping of all physical memory (page_offset_base)");
	add_percpu_row(m, r);
	add_row(r, k->vmalloc_start, k->vmalloc_start + k->vmalloc_size,
		"vmalloc/ioremap space (vmalloc_base)");
	/* pfn's struct page is at vmemmap + pfn: holes span, unbacked. */
	add_row(r, VMEMMAP_START,
		VMEMMAP_START + (uint64_t)m->max_pfn * STRUCT_PAGE_SIZE,
		"virtual memory map (vmemmap_base): struct pages");
	add_row(r, __START_KERNEL_map, ks.end,
		"kernel text mapping, mapped to physical address 0");
	add_section_rows(m, r);
}

static void i386_rows(const struct machine *m, struct vm_rows *r)
{
	const struct layout_kernel *k = &m->layout.kernel;
	const struct memblock_region *mm = memmap_region(m);
	uint64_t high_memory = k->page_offset + layout_lowmem_end(&m->layout);
	struct kmap_layout kl;

	kmap_get_layout(m, &kl);
	add_row(r, 0, k->task_size,
		"user-space virtual memory, different per mm");
	add_row(r, k->page_offset, high_memory,
		"lowmem: the direct map (PAGE_OFFSET to high_memory)");
	add_section_rows(m, r);
	if (mm && mm->base + mm->size <= layout_lowmem_end(&m->layout))
		add_row(r, k->page_offset + mm->base,
			k->page_offset + mm->base + mm->size,
			"... mem_map: the struct pages");
	add_percpu_row(m, r);
	add_row(r, k->vmalloc_start, k->vmalloc_start + k->vmalloc_size,
		"vmalloc/ioremap space (VMALLOC_START)");
	add_row(r, kl.pkmap_base,
		kl.pkmap_base + (uint64_t)kl.last_pkmap * m->page_size,
		"pkmap: kmap's permanent slots (PKMAP_BASE)");
	add_row(r, kl.fixaddr_start, kl.fixaddr_top,
		"fixmap: kmap_atomic's slots, per CPU (FIXADDR_START)");
}

/*
 * A byte count as mm.rst writes one: in the largest unit it is a whole
 * number of, when that takes at most four digits ("1536 MB", "64 TB");
 * else in the largest unit it fills, with one decimal ("119.5 TB"),
 * and "~" when that decimal is not exact ("~128 TB" for user space).
 */
static void format_bytes(uint64_t v, char *num, size_t len, const char **unit)
{
	static const char *const units[] = {"kB", "MB", "GB", "TB"};
	int u;

	for (u = 3; u >= 0; u--) {
		uint64_t one = 1ULL << (10 * (u + 1));

		if (v % one == 0 && v / one <= 9999) {
			*unit = units[u];
			snprintf(num, len, "%" PRIu64, v / one);
			return;
		}
	}
	for (u = 3; u > 0 && v < (1ULL << (10 * (u + 1))); u--)
		;
	*unit = units[u];
	{
		uint64_t one = 1ULL << (10 * (u + 1));
		uint64_t tenths = (v * 10 + one / 2) / one;
		bool exact = tenths * one == v * 10;

		if (tenths % 10 == 0)
			snprintf(num, len, "%s%" PRIu64, exact ? "" : "~",
				 tenths / 10);
		else
			snprintf(num, len, "%s%" PRIu64 ".%" PRIu64,
				 exact ? "" : "~", tenths / 10, tenths % 10);
	}
}

/*
 * The kernel's half counted down from the top of the address space,
 * user space up from 0. "%5s%-3s %s": "-119.5  TB", "  -55    TB" and "-1536
 * MB" line their units up, as mm.rst does; "~" goes before the sign.
 */
static void print_offset(struct seq_buf *s, uint64_t start, bool i386,
			 uint64_t task_size)
{
	uint64_t top = i386 ? 1ULL << 32 : 0; /* 2^64 wraps to 0 */
	bool down = start >= task_size;
	char num[24], whole[32];
	const char *unit, *dot, *digits;

	if (start == 0) {
		seq_printf(s, "    0       |");
		return;
	}
	format_bytes(down ? top - start : start, num, sizeof(num), &unit);
	digits = num[0] == '~' ? num + 1 : num;
	dot = strchr(digits, '.');
	snprintf(whole, sizeof(whole), "%s%c%.*s", num[0] == '~' ? "~" : "",
		 down ? '-' : '+',
		 (int)(dot ? dot - digits : (long)strlen(digits)), digits);
	seq_printf(s, "%5s%-3s %s |", whole, dot ? dot : "", unit);
}

/* i386's 8 hex digits, right-aligned under the headers' 10 columns. */
static const char *hex_addr(uint64_t v, bool i386, char *buf, size_t len)
{
	snprintf(buf, len, "%*s%0*" PRIx64, i386 ? 2 : 0, "", i386 ? 8 : 16, v);
	return buf;
}

static void print_row(struct seq_buf *s, const struct vm_area_row *row,
		      bool i386, uint64_t task_size)
{
	char num[24], a[24];
	const char *unit;

	format_bytes(row->end - row->start, num, sizeof(num), &unit);
	seq_printf(s, " %s |", hex_addr(row->start, i386, a, sizeof(a)));
	print_offset(s, row->start, i386, task_size);
	seq_printf(s, " %s | %4s %s | %s\n",
		   hex_addr(row->end - 1, i386, a, sizeof(a)), num, unit,
		   row->what);
}

static void print_rule(struct seq_buf *s, char c, bool i386)
{
	int n = i386 ? 104 : 120;

	for (int i = 0; i < n; i++)
		seq_printf(s, "%c", c);
	seq_printf(s, "\n");
}

static void print_table(const struct machine *m, const struct vm_rows *r,
			struct seq_buf *s)
{
	bool i386 = m->layout.arch == ARCH_I386;
	int w = i386 ? 10 : 16;

	print_rule(s, '=', i386);
	seq_printf(s,
		   " %*s |   Offset   | %*s |  Size   | VM area description\n",
		   w, "Start addr", w, "End addr");
	print_rule(s, '=', i386);
	for (unsigned int i = 0; i < r->nr; i++)
		print_row(s, &r->row[i], i386, m->layout.kernel.task_size);
	print_rule(s, '=', i386);
}

/* init_32.c's line: "    vmalloc : 0x%08lx - 0x%08lx   (%4ld MB)". */
static void boot_line(struct seq_buf *s, const char *name, uint64_t start,
		      uint64_t end, bool mb)
{
	seq_printf(s,
		   "%11s : 0x%08" PRIx64 " - 0x%08" PRIx64 "   (%4" PRIu64
		   " %s)\n",
		   name, start, end, (end - start) >> (mb ? 20 : 10),
		   mb ? "MB" : "kB");
}

static void print_boot_lines(const struct machine *m, struct seq_buf *s)
{
	const struct layout_kernel *k = &m->layout.kernel;
	struct kernel_sections ks;
	struct kmap_layout kl;

	kernel_sections(&m->layout, &ks);
	kmap_get_layout(m, &kl);
	seq_printf(s, "virtual kernel memory layout:\n");
	boot_line(s, "fixmap ", kl.fixaddr_start, kl.fixaddr_top, false);
	boot_line(s, "pkmap  ", kl.pkmap_base,
		  kl.pkmap_base + (uint64_t)kl.last_pkmap * m->page_size,
		  false);
	boot_line(s, "vmalloc", k->vmalloc_start,
		  k->vmalloc_start + k->vmalloc_size, true);
	boot_line(s, "lowmem ", k->page_offset,
		  k->page_offset + layout_lowmem_end(&m->layout), true);
	boot_line(s, ".init", ks.init_begin, ks.init_end, false);
	boot_line(s, ".data", ks.etext, ks.edata, false);
	boot_line(s, ".text", ks.text, ks.etext, false);
	seq_printf(s, "\n");
}

static void print_per_cpu(const struct machine *m, struct seq_buf *s)
{
	struct kernel_sections ks;

	kernel_sections(&m->layout, &ks);
	seq_printf(s, "__per_cpu_start: %#" PRIx64 "\n", ks.per_cpu_start);
	seq_printf(s, "pcpu_base_addr: %#" PRIx64 "\n",
		   m->pcpu->first_chunk->base);
	seq_printf(s, "pcpu_unit_size: %lu\n", m->pcpu->unit_size);
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++)
		seq_printf(s, "__per_cpu_offset[%u]: %#" PRIx64 "\n", cpu,
			   per_cpu_offset(m, cpu));
}

int report_vm_layout(const struct machine *m, struct seq_buf *s)
{
	bool i386 = m->layout.arch == ARCH_I386;
	struct vm_rows r = {0};

	if (i386) {
		i386_rows(m, &r);
		print_boot_lines(m, s);
	} else {
		x86_64_rows(m, &r);
	}
	print_table(m, &r, s);
	seq_printf(s, "\n");
	print_per_cpu(m, s);
	seq_printf(s, "THREAD_SIZE: %" PRIu64 "\n",
		   m->layout.kernel.thread_size);
	seq_printf(s, "KernelStack: %ld kB\n",
		   m->node_stat[NR_KERNEL_STACK_KB]);
	return s->err;
}
