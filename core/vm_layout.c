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

#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/highmem.h"
#include "core/memblock.h"
#include "core/percpu.h"
#include "core/sections.h"
#include "core/snapshot.h"
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

static void print_row(struct seq_buf *s,
		      const struct vm_layout_row_snapshot *row, bool i386,
		      uint64_t task_size)
{
	char num[24], a[24];
	const char *unit;

	format_bytes(row->size, num, sizeof(num), &unit);
	seq_printf(s, " %s |", hex_addr(row->start, i386, a, sizeof(a)));
	print_offset(s, row->start, i386, task_size);
	seq_printf(s, " %s | %4s %s | %s%s\n",
		   hex_addr(row->end, i386, a, sizeof(a)), num, unit,
		   row->inside ? "... " : "", row->description);
}

static void print_rule(struct seq_buf *s, char c, bool i386)
{
	int n = i386 ? 104 : 120;

	for (int i = 0; i < n; i++)
		seq_printf(s, "%c", c);
	seq_printf(s, "\n");
}

static void print_table(const struct vm_layout_snapshot *v, bool i386,
			struct seq_buf *s)
{
	int w = i386 ? 10 : 16;

	print_rule(s, '=', i386);
	seq_printf(s,
		   " %*s |   Offset   | %*s |  Size   | VM area description\n",
		   w, "Start addr", w, "End addr");
	print_rule(s, '=', i386);
	for (size_t i = 0; i < v->nr_rows; i++)
		print_row(s, &v->rows[i], i386, v->task_size);
	print_rule(s, '=', i386);
}

/*
 * init_32.c's line: "    vmalloc : 0x%08lx - 0x%08lx   (%4ld MB)"; the
 * areas' names padded to 7 columns, the sections' (".init") not.
 */
static void print_boot_line(const struct vm_boot_line_snapshot *b,
			    struct seq_buf *s)
{
	char name[16];

	snprintf(name, sizeof(name), b->name[0] == '.' ? "%s" : "%-7s",
		 b->name);
	seq_printf(s,
		   "%11s : 0x%08" PRIx64 " - 0x%08" PRIx64 "   (%4" PRIu64
		   " %s)\n",
		   name, b->start, b->end, b->size, b->unit);
}

static void boot_line(struct vm_layout_snapshot *v, const char *name,
		      uint64_t start, uint64_t end, bool mb)
{
	struct vm_boot_line_snapshot *b = &v->boot_lines[v->nr_boot_lines++];

	snprintf(b->name, sizeof(b->name), "%s", name);
	b->start = start;
	b->end = end;
	b->size = (end - start) >> (mb ? 20 : 10);
	snprintf(b->unit, sizeof(b->unit), "%s", mb ? "MB" : "kB");
}

#define NR_BOOT_LINES 7

static int fill_boot_lines(const struct machine *m,
			   struct vm_layout_snapshot *v)
{
	const struct layout_kernel *k = &m->layout.kernel;
	struct kernel_sections ks;
	struct kmap_layout kl;

	v->boot_lines = snap_alloc(NR_BOOT_LINES, sizeof(*v->boot_lines));
	if (!v->boot_lines)
		return -ENOMEM;
	kernel_sections(&m->layout, &ks);
	kmap_get_layout(m, &kl);
	boot_line(v, "fixmap", kl.fixaddr_start, kl.fixaddr_top, false);
	boot_line(v, "pkmap", kl.pkmap_base,
		  kl.pkmap_base + (uint64_t)kl.last_pkmap * m->page_size,
		  false);
	boot_line(v, "vmalloc", k->vmalloc_start,
		  k->vmalloc_start + k->vmalloc_size, true);
	boot_line(v, "lowmem", k->page_offset,
		  k->page_offset + layout_lowmem_end(&m->layout), true);
	boot_line(v, ".init", ks.init_begin, ks.init_end, false);
	boot_line(v, ".data", ks.etext, ks.edata, false);
	boot_line(v, ".text", ks.text, ks.etext, false);
	return 0;
}

/* The table's rows: "... " marks an area inside the one before it. */
static int fill_rows(const struct machine *m, struct vm_layout_snapshot *v)
{
	uint64_t top = m->layout.arch == ARCH_I386 ? 1ULL << 32 : 0;
	struct vm_rows r = {0};

	if (m->layout.arch == ARCH_I386)
		i386_rows(m, &r);
	else
		x86_64_rows(m, &r);
	v->rows = snap_alloc(r.nr, sizeof(*v->rows));
	if (!v->rows)
		return -ENOMEM;
	for (unsigned int i = 0; i < r.nr; i++) {
		struct vm_layout_row_snapshot *row = &v->rows[v->nr_rows++];
		const char *what = r.row[i].what;

		row->start = r.row[i].start;
		row->end = r.row[i].end - 1;
		row->size = r.row[i].end - r.row[i].start;
		/* 2^64 wraps to 0: the kernel's half counts down from it. */
		row->offset = row->start < v->task_size
				      ? (int64_t)row->start
				      : (int64_t)(row->start - top);
		row->inside = !strncmp(what, "... ", 4);
		snprintf(row->description, sizeof(row->description), "%s",
			 row->inside ? what + 4 : what);
	}
	return 0;
}

static int fill_per_cpu(const struct machine *m, struct vm_layout_snapshot *v)
{
	struct kernel_sections ks;

	kernel_sections(&m->layout, &ks);
	v->per_cpu_start = ks.per_cpu_start;
	v->pcpu_base_addr = m->pcpu->first_chunk->base;
	v->pcpu_unit_size = m->pcpu->unit_size;
	v->per_cpu_offset = snap_alloc(m->nr_cpus, sizeof(*v->per_cpu_offset));
	if (!v->per_cpu_offset)
		return -ENOMEM;
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++)
		v->per_cpu_offset[v->nr_cpus++] = per_cpu_offset(m, cpu);
	return 0;
}

static int vm_layout_fill(const struct machine *m, int pid, void *snap)
{
	struct vm_layout_snapshot *v = snap;
	int err;

	(void)pid;
	snprintf(v->arch, sizeof(v->arch), "%s", m->arch->name);
	v->task_size = m->layout.kernel.task_size;
	v->thread_size = m->layout.kernel.thread_size;
	v->kernel_stack_kb = m->node_stat[NR_KERNEL_STACK_KB];
	err = m->layout.arch == ARCH_I386 ? fill_boot_lines(m, v) : 0;
	if (!err)
		err = fill_rows(m, v);
	return err ? err : fill_per_cpu(m, v);
}

static int vm_layout_show(const void *snap, struct seq_buf *s)
{
	const struct vm_layout_snapshot *v = snap;
	bool i386 = !strcmp(v->arch, "i386");

	if (v->nr_boot_lines) {
		seq_printf(s, "virtual kernel memory layout:\n");
		for (size_t i = 0; i < v->nr_boot_lines; i++)
			print_boot_line(&v->boot_lines[i], s);
		seq_printf(s, "\n");
	}
	print_table(v, i386, s);
	seq_printf(s, "\n");
	seq_printf(s, "__per_cpu_start: %#" PRIx64 "\n", v->per_cpu_start);
	seq_printf(s, "pcpu_base_addr: %#" PRIx64 "\n", v->pcpu_base_addr);
	seq_printf(s, "pcpu_unit_size: %" PRIu64 "\n", v->pcpu_unit_size);
	for (size_t cpu = 0; cpu < v->nr_cpus; cpu++)
		seq_printf(s, "__per_cpu_offset[%zu]: %#" PRIx64 "\n", cpu,
			   v->per_cpu_offset[cpu]);
	seq_printf(s, "THREAD_SIZE: %" PRIu64 "\n", v->thread_size);
	seq_printf(s, "KernelStack: %" PRId64 " kB\n", v->kernel_stack_kb);
	return s->err;
}

int report_vm_layout(const struct machine *m, struct seq_buf *s)
{
	return report_show(&vm_layout_report, m, 0, s);
}

#define VR(member, k) SNAP_FIELD(struct vm_layout_row_snapshot, member, k)
static const struct snap_field vm_layout_row_fields[] = {
	VR(start, SNAP_U64),   VR(end, SNAP_U64),
	VR(size, SNAP_U64),    VR(offset, SNAP_S64),
	VR(inside, SNAP_BOOL), VR(description, SNAP_CHARS),
};
static const struct snap_desc vm_layout_row_desc = SNAP_DESC(
	"VmLayoutRow", struct vm_layout_row_snapshot, vm_layout_row_fields);
#define VB(member, k) SNAP_FIELD(struct vm_boot_line_snapshot, member, k)
static const struct snap_field vm_boot_line_fields[] = {
	VB(name, SNAP_CHARS), VB(start, SNAP_U64),  VB(end, SNAP_U64),
	VB(size, SNAP_U64),   VB(unit, SNAP_CHARS),
};
static const struct snap_desc vm_boot_line_desc = SNAP_DESC(
	"VmBootLine", struct vm_boot_line_snapshot, vm_boot_line_fields);
#define VL(member, k) SNAP_FIELD(struct vm_layout_snapshot, member, k)
static const struct snap_field vm_layout_fields[] = {
	VL(arch, SNAP_CHARS),
	VL(task_size, SNAP_U64),
	SNAP_ARRAY(struct vm_layout_snapshot, boot_lines, nr_boot_lines,
		   SNAP_ITEMS, &vm_boot_line_desc),
	SNAP_ARRAY(struct vm_layout_snapshot, rows, nr_rows, SNAP_ITEMS,
		   &vm_layout_row_desc),
	VL(per_cpu_start, SNAP_U64),
	VL(pcpu_base_addr, SNAP_U64),
	VL(pcpu_unit_size, SNAP_U64),
	SNAP_ARRAY(struct vm_layout_snapshot, per_cpu_offset, nr_cpus,
		   SNAP_U64S, NULL),
	VL(thread_size, SNAP_U64),
	VL(kernel_stack_kb, SNAP_S64),
};
static const struct snap_desc vm_layout_desc =
	SNAP_DESC("VmLayout", struct vm_layout_snapshot, vm_layout_fields);
const struct report_type vm_layout_report = {&vm_layout_desc, vm_layout_fill,
					     vm_layout_show};
