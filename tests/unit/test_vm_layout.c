/* SPDX-License-Identifier: MIT */
/*
 * test_vm_layout.c - the kernel's map shown: mm.rst's table on x86_64,
 * init_32.c's boot lines and the table on i386, line for line; the
 * per-CPU offsets (__KERNEL_PERCPU's base on i386, not 0 for CPU 0);
 * THREAD_SIZE from the layout, its validation, and KernelStack.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/meminfo.h"
#include "core/percpu.h"
#include "core/sections.h"
#include "core/snapshot.h"
#include "core/task.h"
#include "core/vm_layout.h"

static void assert_line(const char *text, const char *line)
{
	char want[256];

	snprintf(want, sizeof(want), "%s\n", line);
	if (!strstr(text, want))
		fail_msg("no line '%s' in:\n%s", line, text);
}

static struct machine *boot_i386(void)
{
	struct layout l;

	i386_layout(&l, 1 * GiB);
	return boot(&l);
}

/*
 * The snapshot holds what the text prints: each row (its last byte,
 * size, offset from the top in the kernel's half, "... " for an area
 * inside another), the boot lines on i386 only, each CPU's offset.
 */
static void check_snapshot(struct machine *m, size_t nr_boot_lines)
{
	struct vm_layout_snapshot *v;
	struct seq_buf s;
	const char *t = report_text(m, &s, report_vm_layout);
	bool i386 = m->layout.arch == ARCH_I386;
	char line[256];
	int err;

	v = snapshot_take(&vm_layout_report, m, 0, &err);
	assert_non_null(v);
	assert_string_equal(v->arch, i386 ? "i386" : "x86_64");
	assert_int_equal(v->nr_boot_lines, nr_boot_lines);
	assert_true(v->nr_rows >= 6);
	/* The first row is user space: offset 0, up to TASK_SIZE. */
	assert_int_equal(v->rows[0].start, 0);
	assert_int_equal(v->rows[0].end, v->task_size - 1);
	assert_int_equal(v->rows[0].offset, 0);
	for (size_t i = 0; i < v->nr_rows; i++) {
		const struct vm_layout_row_snapshot *r = &v->rows[i];

		assert_int_equal(r->end - r->start + 1, r->size);
		if (r->start >= v->task_size)
			assert_true(r->offset < 0);
		snprintf(line, sizeof(line), "%s%s\n",
			 r->inside ? "| ... " : "| ", r->description);
		if (!strstr(t, line))
			fail_msg("row %zu: no '%s' in:\n%s", i, line, t);
	}
	for (size_t i = 0; i < v->nr_boot_lines; i++) {
		snprintf(line, sizeof(line),
			 " - 0x%08" PRIx64 "   (%4" PRIu64 " %s)\n",
			 v->boot_lines[i].end, v->boot_lines[i].size,
			 v->boot_lines[i].unit);
		assert_non_null(strstr(t, line));
	}
	assert_int_equal(v->nr_cpus, m->nr_cpus);
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++) {
		assert_int_equal(v->per_cpu_offset[cpu],
				 per_cpu_offset(m, cpu));
		snprintf(line, sizeof(line), "__per_cpu_offset[%u]: %#" PRIx64,
			 cpu, v->per_cpu_offset[cpu]);
		assert_line(t, line);
	}
	assert_int_equal(v->thread_size, m->layout.kernel.thread_size);
	assert_int_equal(v->kernel_stack_kb, meminfo_kb(m, "KernelStack"));
	snapshot_free(vm_layout_report.desc, v);
	seq_buf_free(&s);
}

static void test_layout_snapshot(void **state)
{
	struct machine *m = boot_default();

	(void)state;
	check_snapshot(m, 0);
	machine_destroy(m);
	m = boot_i386();
	check_snapshot(m, 7);
	machine_destroy(m);
}

/* The default x86_64 machine, as mm.rst would tabulate it. */
static void test_x86_64_table(void **state)
{
	struct machine *m = boot_default();
	uint64_t base = m->pcpu->first_chunk->base;
	char line[256];
	struct seq_buf s;
	const char *t = report_text(m, &s, report_vm_layout);

	(void)state;
	assert_non_null(strstr(t,
			       "       Start addr |   Offset   |         "
			       "End addr |  Size   | VM area description\n"));
	assert_line(t, " 0000000000000000 |    0       | 00007fffffffefff | "
		       "~128 TB | user-space virtual memory, different per mm");
	assert_line(t, " ffff888000000000 | -119.5  TB | ffff88813fffffff |"
		       "    5 GB | direct mapping of all physical memory "
		       "(page_offset_base)");
	assert_line(t, " ffffc90000000000 |  -55    TB | ffffe8ffffffffff |"
		       "   32 TB | vmalloc/ioremap space (vmalloc_base)");
	/* 5 GiB of pfns, 64 bytes of struct page each, holes spanned. */
	assert_line(t, " ffffea0000000000 |  -22    TB | ffffea0004ffffff |"
		       "   80 MB | virtual memory map (vmemmap_base): struct "
		       "pages");
	assert_line(t, " ffffffff80000000 |   -2    GB | ffffffff81ffffff |"
		       "   32 MB | kernel text mapping, mapped to physical "
		       "address 0");
	assert_line(t, " ffffffff81000000 |-2032    MB | ffffffff817fffff |"
		       "    8 MB | ... .text");
	snprintf(line, sizeof(line),
		 " %016" PRIx64 " |~-119.5  TB | %016" PRIx64
		 " |   64 kB | ... per-CPU first chunk (pcpu_base_addr), a "
		 "unit per CPU",
		 base, base + 0xffff);
	assert_line(t, line);
	/* Zero-based: the offset is the unit's own address. */
	assert_line(t, "__per_cpu_start: 0");
	snprintf(line, sizeof(line), "__per_cpu_offset[1]: %#" PRIx64,
		 base + 32768);
	assert_line(t, line);
	assert_line(t, "THREAD_SIZE: 16384");
	assert_line(t, "KernelStack: 0 kB");
	assert_null(strstr(t, "fixmap"));
	assert_null(strstr(t, "pkmap"));
	seq_buf_free(&s);
	machine_destroy(m);
}

/* i386: init_32.c's lines, and the table with 32-bit addresses. */
static void test_i386_boot_lines(void **state)
{
	struct machine *m = boot_i386();
	uint64_t base = m->pcpu->first_chunk->base;
	char line[256];
	struct seq_buf s;
	const char *t = report_text(m, &s, report_vm_layout);

	(void)state;
	assert_non_null(strstr(t,
			       "virtual kernel memory layout:\n"
			       "    fixmap  : 0xfffdf000 - 0xfffff000   ( 128 "
			       "kB)\n"
			       "    pkmap   : 0xff801000 - 0xffc01000   (4096 "
			       "kB)\n"
			       "    vmalloc : 0xf8800000 - 0xff800000   ( 112 "
			       "MB)\n"
			       "    lowmem  : 0xc0000000 - 0xf8000000   ( 896 "
			       "MB)\n"
			       "      .init : 0xc1600000 - 0xc1700000   (1024 "
			       "kB)\n"
			       "      .data : 0xc1400000 - 0xc1600000   (2048 "
			       "kB)\n"
			       "      .text : 0xc1000000 - 0xc1400000   (4096 "
			       "kB)\n"));
	assert_line(t, "   c0000000 |   -1    GB |   f7ffffff |  896 MB | "
		       "lowmem: the direct map (PAGE_OFFSET to high_memory)");
	assert_line(t, "   ff801000 |-8188    kB |   ffc00fff |    4 MB | "
		       "pkmap: kmap's permanent slots (PKMAP_BASE)");
	assert_line(t, "   fffdf000 | -132    kB |   ffffefff |  128 kB | "
		       "fixmap: kmap_atomic's slots, per CPU (FIXADDR_START)");
	assert_line(t, "__per_cpu_start: 0xc1600000");
	snprintf(line, sizeof(line), "__per_cpu_offset[0]: %#" PRIx32,
		 (uint32_t)(base - 0xc1600000));
	assert_line(t, line);
	assert_line(t, "THREAD_SIZE: 8192");
	assert_null(strstr(t, "vmemmap"));
	seq_buf_free(&s);
	machine_destroy(m);
}

/*
 * __per_cpu_offset: a kernel per-CPU pointer plus CPU n's offset is
 * n's copy, on both arches; CPU 0's offset is not 0 on i386, where
 * .data..percpu is linked inside the image.
 */
static void check_offsets(struct machine *m, uint64_t mask)
{
	uint64_t var, copy, ptr;
	struct kernel_sections ks;

	kernel_sections(&m->layout, &ks);
	assert_int_equal(per_cpu_offset(m, 0),
			 (m->pcpu->first_chunk->base - ks.per_cpu_start) &
				 mask);
	assert_int_not_equal(per_cpu_offset(m, 0), 0);
	assert_int_equal(alloc_percpu(m, 8, 8, &var), 0);
	ptr = pcpu_addr_to_ptr(m, var);
	assert_int_equal(pcpu_ptr_to_addr(m, ptr), var);
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++) {
		assert_int_equal(per_cpu_ptr(m, var, cpu, &copy), 0);
		assert_int_equal((ptr + per_cpu_offset(m, cpu)) & mask, copy);
	}
	assert_int_equal(free_percpu(m, var), 0);
	assert_consistent(m);
}

static void test_per_cpu_offset(void **state)
{
	struct machine *m = boot_default();

	(void)state;
	check_offsets(m, UINT64_MAX);
	/* x86_64 is zero-based: pointer and CPU 0's copy are one. */
	assert_int_equal(per_cpu_offset(m, 0), m->pcpu->first_chunk->base);
	machine_destroy(m);
	m = boot_i386();
	check_offsets(m, UINT32_MAX);
	assert_int_not_equal(pcpu_addr_to_ptr(m, m->pcpu->first_chunk->base),
			     m->pcpu->first_chunk->base);
	assert_int_equal(pcpu_addr_to_ptr(m, m->pcpu->first_chunk->base),
			 0xc1600000);
	machine_destroy(m);
}

/* Each task's stack is THREAD_SIZE, the layout's, in KernelStack. */
static void test_thread_size(void **state)
{
	static const struct {
		enum mm_arch arch;
		uint64_t thread_size;
	} cases[] = {
		{ARCH_X86_64, 16 * KiB}, {ARCH_X86_64, 32 * KiB},
		{ARCH_I386, 8 * KiB},	 {ARCH_I386, 4 * KiB},
		{ARCH_X86_64, 64 * KiB},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct layout l;
		struct machine *m;
		struct seq_buf s;
		char line[64];
		int a, b;
		unsigned long before;

		if (cases[i].arch == ARCH_I386)
			i386_layout(&l, 1 * GiB);
		else
			small_layout(&l, 256 * MiB);
		l.kernel.thread_size = cases[i].thread_size;
		m = boot(&l);
		before = global_free_pages(m);
		assert_int_equal(task_create(m, "a", 0, 0, &a), 0);
		assert_int_equal(task_create(m, "b", 1, 0, &b), 0);
		report_text(m, &s, report_meminfo);
		snprintf(line, sizeof(line), "KernelStack:    %8llu kB",
			 (unsigned long long)(2 * cases[i].thread_size / KiB));
		assert_line(s.buf, line);
		seq_buf_free(&s);
		report_text(m, &s, report_vm_layout);
		snprintf(line, sizeof(line), "THREAD_SIZE: %" PRIu64,
			 cases[i].thread_size);
		assert_line(s.buf, line);
		seq_buf_free(&s);
		assert_true(before - global_free_pages(m) >=
			    2 * cases[i].thread_size / PAGE);
		assert_int_equal(task_exit(m, a, NULL), 0);
		assert_int_equal(task_exit(m, b, NULL), 0);
		assert_int_equal(m->node_stat[NR_KERNEL_STACK_KB], 0);
		assert_consistent(m);
		machine_destroy(m);
	}
}

/* A THREAD_SIZE that is no block of pages is refused, by its key. */
static void test_bad_thread_size(void **state)
{
	static const struct {
		uint64_t thread_size;
		uint32_t max_order;
		const char *msg;
	} cases[] = {
		{12 * KiB, 10, "thread_size 12K is not a power of two"},
		{2 * KiB, 10, "thread_size 2K is outside 4K..64K"},
		{0, 10, "thread_size 0 is outside 4K..64K"},
		{128 * KiB, 10, "thread_size 128K is outside 4K..64K"},
		{64 * KiB, 3,
		 "thread_size 64K is more than one block of max_order 3"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct layout_errors errs = {0};
		struct layout l;

		small_layout(&l, 256 * MiB);
		l.kernel.thread_size = cases[i].thread_size;
		l.max_order = cases[i].max_order;
		assert_int_equal(layout_validate(&l, &errs), -EINVAL);
		assert_int_equal(errs.nr, 1);
		assert_string_equal(errs.err[0].key, "kernel.thread_size");
		assert_string_equal(errs.err[0].msg, cases[i].msg);
		assert_int_equal(PTR_ERR(machine_create(&l)), -EINVAL);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_x86_64_table),
		cmocka_unit_test(test_i386_boot_lines),
		cmocka_unit_test(test_per_cpu_offset),
		cmocka_unit_test(test_thread_size),
		cmocka_unit_test(test_bad_thread_size),
		cmocka_unit_test(test_layout_snapshot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
