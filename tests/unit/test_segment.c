/* SPDX-License-Identifier: MIT */
/*
 * test_segment.c - the i386 segmentation unit: each CPU's GDT in RAM byte
 * for byte, selectors, far pointers translated to linear and physical
 * addresses, every fault a CPU raises on the way with its error code and
 * reason, the report, x86_64's refusal, and the checker.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdio.h>

#include "core/mm.h"
#include "core/percpu.h"
#include "core/pgtable.h"
#include "core/segment.h"
#include "core/snapshot.h"
#include "core/task.h"
#include "core/uapi.h"

#define SPARE	  29 /* an index Linux leaves unused */
#define SPARE_SEL (SPARE * 8)

static struct machine *boot_i386(void)
{
	struct layout l;

	i386_layout(&l, 1 * GiB);
	return boot(&l);
}

/* The bytes of entry index of cpu's GDT, found from its GDTR. */
static uint8_t *gdt_entry_ram(const struct machine *m, unsigned int cpu,
			      unsigned int index)
{
	struct desc_ptr gdtr;
	uint64_t phys;

	assert_int_equal(get_gdtr(m, cpu, &gdtr), 0);
	phys = gdtr.address - m->layout.kernel.page_offset;
	return m->ram + phys + 8 * index;
}

static uint64_t ram_desc(const struct machine *m, unsigned int cpu,
			 unsigned int index)
{
	return desc_load(gdt_entry_ram(m, cpu, index));
}

static void put_desc(struct machine *m, unsigned int cpu, unsigned int index,
		     uint16_t flags, uint32_t base, uint32_t limit)
{
	struct desc_struct d = gdt_entry_init(flags, base, limit);

	desc_store(gdt_entry_ram(m, cpu, index), desc_pack(&d));
}

/* A user pgd mapping one fresh frame at vaddr; returns the frame. */
static unsigned long map_user_page(struct machine *m, unsigned long *pgd,
				   uint64_t vaddr)
{
	struct page *page = alloc_page(m, GFP_KERNEL);

	assert_false(IS_ERR(page));
	assert_int_equal(pgd_alloc(m, pgd), 0);
	assert_int_equal(
		pgtable_map(m, *pgd, vaddr, page_to_pfn(m, page), PROT_USER_RW),
		0);
	return page_to_pfn(m, page);
}

static void unmap_user_page(struct machine *m, unsigned long pgd,
			    unsigned long frame)
{
	assert_int_equal(pgd_free(m, pgd), 0);
	assert_int_equal(free_pages_pfn(m, frame, 0), 0);
}

/* Translate, expecting a fault: its vector, error code and reason. */
static void expect_fault(struct machine *m, unsigned int cpu, unsigned long pgd,
			 unsigned int sel, uint32_t off, unsigned int cpl,
			 const char *name, uint32_t code, const char *reason)
{
	struct seg_translation t;

	assert_int_equal(segment_translate(m, cpu, pgd, sel, off, cpl, &t),
			 -EFAULT);
	assert_true(t.faulted);
	assert_string_equal(t.fault.name, name);
	assert_int_equal(t.fault.error_code, code);
	if (!strstr(t.fault.reason, reason))
		fail_msg("reason '%s' lacks '%s'", t.fault.reason, reason);
	assert_non_null(strstr(m->errmsg, reason));
	assert_true(strncmp(m->errmsg, name, 3) == 0);
}

/* Linux's selectors, as arch/x86/include/asm/segment.h gives them. */
static void test_selectors(void **state)
{
	(void)state;
	assert_int_equal(__KERNEL_CS, 0x60);
	assert_int_equal(__KERNEL_DS, 0x68);
	assert_int_equal(__USER_CS, 0x73);
	assert_int_equal(__USER_DS, 0x7b);
	assert_int_equal(__KERNEL_PERCPU, 0xd8);
	assert_int_equal(GDT_SIZE, 256);
}

/* Every CPU's GDT: a page of its own, Linux's descriptors byte by byte. */
static void test_gdt_bytes_in_ram(void **state)
{
	static const uint8_t kernel_cs[8] = {0xff, 0xff, 0x00, 0x00,
					     0x00, 0x9a, 0xcf, 0x00};
	struct machine *m = boot_i386();
	struct desc_ptr gdtr0, gdtr1;
	int owner = -1;

	(void)state;
	assert_int_equal(m->nr_cpus, 2);
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++) {
		assert_memory_equal(gdt_entry_ram(m, cpu, GDT_ENTRY_KERNEL_CS),
				    kernel_cs, 8);
		assert_int_equal(ram_desc(m, cpu, 12), 0x00cf9a000000ffffULL);
		assert_int_equal(ram_desc(m, cpu, 13), 0x00cf92000000ffffULL);
		assert_int_equal(ram_desc(m, cpu, 14), 0x00cffa000000ffffULL);
		assert_int_equal(ram_desc(m, cpu, 15), 0x00cff2000000ffffULL);
		/* PnP and APM BIOS: byte granular, 64K; ESPFIX: flat. */
		assert_int_equal(ram_desc(m, cpu, 18), 0x00409a000000ffffULL);
		assert_int_equal(ram_desc(m, cpu, 19), 0x00009a000000ffffULL);
		assert_int_equal(ram_desc(m, cpu, 20), 0x000092000000ffffULL);
		assert_int_equal(ram_desc(m, cpu, 21), 0x0000920000000000ULL);
		assert_int_equal(ram_desc(m, cpu, 22), 0x0000920000000000ULL);
		assert_int_equal(ram_desc(m, cpu, 23), 0x00409a000000ffffULL);
		assert_int_equal(ram_desc(m, cpu, 24), 0x00009a000000ffffULL);
		assert_int_equal(ram_desc(m, cpu, 25), 0x004092000000ffffULL);
		assert_int_equal(ram_desc(m, cpu, 26), 0x00cf92000000ffffULL);
		/* Null, TLS, TSS, LDT and the unused entries stay empty. */
		for (unsigned int i = 0; i < 12; i++)
			assert_int_equal(ram_desc(m, cpu, i), 0);
		for (unsigned int i = 16; i < 18; i++)
			assert_int_equal(ram_desc(m, cpu, i), 0);
		for (unsigned int i = 28; i < GDT_ENTRIES; i++)
			assert_int_equal(ram_desc(m, cpu, i), 0);
		for (unsigned int i = 0; i < GDT_ENTRIES; i++) {
			uint64_t raw;

			assert_int_equal(gdt_read(m, cpu, i, &raw), 0);
			assert_int_equal(raw, ram_desc(m, cpu, i));
		}
	}
	/* Two pages, one per CPU, a unit apart in the kernel's percpu. */
	assert_int_equal(get_gdtr(m, 0, &gdtr0), 0);
	assert_int_equal(get_gdtr(m, 1, &gdtr1), 0);
	assert_int_equal(gdtr0.size, 0xff);
	assert_int_equal(gdtr0.address & 0xfff, 0);
	assert_int_equal(gdtr1.address - gdtr0.address, m->pcpu->unit_size);
	assert_int_equal(pcpu_owner_of(m, gdtr1.address, 4096, &owner), 0);
	assert_int_equal(owner, 0);
	/*
	 * __KERNEL_PERCPU: the CPU's per-CPU offset is its base, the first
	 * chunk's unit less __per_cpu_start, the start of the image's init
	 * sections (22 MiB: the 8 MiB image at 16 MiB, 6/8 of it in).
	 */
	for (unsigned int cpu = 0; cpu < 2; cpu++) {
		struct desc_struct d = desc_unpack(ram_desc(m, cpu, 27));
		uint32_t want =
			(uint32_t)(m->pcpu->first_chunk->base - 0xc1600000ULL +
				   cpu * m->pcpu->unit_size);

		assert_int_equal(get_desc_base(&d), want);
		assert_int_equal(per_cpu_offset(m, cpu), want);
		assert_int_equal(get_desc_limit(&d), 0xfffff);
		assert_int_equal(d.type, 2);
		assert_int_equal(d.dpl, 0);
	}
	assert_int_not_equal(per_cpu_offset(m, 0), 0);
	assert_int_equal(gdt_read(m, 2, 0, &(uint64_t){0}), -EINVAL);
	assert_int_equal(gdt_read(m, 0, GDT_ENTRIES, &(uint64_t){0}), -EINVAL);
	assert_consistent(m);
	machine_destroy(m);
}

/* Fields in and out of the 8 bytes, base and limit scattered as on x86. */
static void test_descriptor_format(void **state)
{
	struct desc_struct d = desc_unpack(0x00cff2000000ffffULL);
	struct desc_struct e;

	(void)state;
	assert_int_equal(get_desc_base(&d), 0);
	assert_int_equal(get_desc_limit(&d), 0xfffff);
	assert_int_equal(desc_limit_bytes(&d), 0xffffffffu);
	assert_int_equal(d.g, 1);
	assert_int_equal(d.d, 1);
	assert_int_equal(d.p, 1);
	assert_int_equal(d.dpl, 3);
	assert_int_equal(d.s, 1);
	assert_int_equal(d.type, 2);
	assert_string_equal(desc_type_name(&d), "data, read/write");

	e = gdt_entry_init(DESC_CODE32_BIOS, 0x12345678, 0xabcde);
	assert_int_equal(desc_pack(&e), 0x124a9a345678bcdeULL);
	assert_int_equal(get_desc_base(&e), 0x12345678);
	assert_int_equal(desc_limit_bytes(&e), 0xabcde); /* G=0: bytes */
	assert_string_equal(desc_type_name(&e), "code, execute/read");
	d = desc_unpack(desc_pack(&e));
	assert_memory_equal(&d, &e, sizeof(d));
	d = desc_unpack(0x00008b0000000067ULL); /* a busy 32-bit TSS */
	assert_string_equal(desc_type_name(&d), "32-bit TSS (busy)");
	assert_string_equal(gdt_entry_name(15), "__USER_DS");
	assert_string_equal(gdt_entry_name(17), "LDT");
	assert_null(gdt_entry_name(29));
}

/* __USER_DS:offset at CPL 3 is offset, then the frame the test mapped. */
static void test_user_ds_translation(void **state)
{
	struct machine *m = boot_i386();
	uint64_t vaddr = 0x08048000;
	unsigned long pgd, frame = map_user_page(m, &pgd, vaddr);
	struct seg_translation t;
	struct desc_ptr gdtr;

	(void)state;
	pfn_to_ram(m, frame)[0x123] = 0x5a;
	assert_int_equal(
		segment_translate(m, 1, pgd, __USER_DS, 0x08048123, 3, &t), 0);
	assert_int_equal(t.done, SEG_STEP_PHYSICAL);
	assert_false(t.faulted);
	assert_int_equal(t.index, 15);
	assert_int_equal(t.ti, 0);
	assert_int_equal(t.rpl, 3);
	assert_int_equal(get_gdtr(m, 1, &gdtr), 0);
	assert_int_equal(t.desc_addr, gdtr.address + 15 * 8);
	assert_int_equal(t.desc_phys,
			 gdtr.address + 15 * 8 - m->layout.kernel.page_offset);
	assert_int_equal(t.raw, 0x00cff2000000ffffULL);
	assert_int_equal(t.base, 0);
	assert_int_equal(t.last, 0xffffffffu);
	assert_int_equal(t.max_pl, 3);
	assert_int_equal(t.linear, 0x08048123);
	assert_int_equal(t.walk.levels, 2);
	assert_int_equal(t.phys, pfn_to_phys(m, frame) + 0x123);
	assert_int_equal(m->ram[t.phys], 0x5a);

	/* Readable code through DS, and the kernel's own segment at CPL 0. */
	assert_int_equal(
		segment_translate(m, 0, pgd, __USER_CS, 0x08048123, 3, &t), 0);
	assert_int_equal(t.phys, pfn_to_phys(m, frame) + 0x123);
	assert_int_equal(
		segment_translate(m, 0, pgd, __KERNEL_DS, 0x08048fff, 0, &t),
		0);
	assert_int_equal(t.phys, pfn_to_phys(m, frame) + 0xfff);
	assert_consistent(m);
	unmap_user_page(m, pgd, frame);
	machine_destroy(m);
}

/* DPL >= max(CPL, RPL): neither a user CPL nor a user RPL reaches DPL 0. */
static void test_privilege_faults(void **state)
{
	struct machine *m = boot_i386();
	unsigned long kpgd = kernel_pgtable(m)->pgd;
	struct seg_translation t;

	(void)state;
	expect_fault(m, 0, kpgd, __KERNEL_DS, 0x1000, 3, "#GP", 0x68,
		     "DPL 0 < max(CPL 3, RPL 0) = 3");
	assert_string_equal(m->errmsg,
			    "#GP: DPL 0 < max(CPL 3, RPL 0) = 3: the segment "
			    "is more privileged than the access");
	assert_int_equal(
		segment_translate(m, 0, kpgd, __KERNEL_DS, 0x1000, 3, &t),
		-EFAULT);
	assert_int_equal(t.done, SEG_STEP_DESCRIPTOR);
	assert_int_equal(t.fault.vector, 13);
	/* RPL 3 on the kernel's own selector, from CPL 0. */
	expect_fault(m, 0, kpgd, __KERNEL_DS | 3, 0x1000, 0, "#GP", 0x68,
		     "DPL 0 < max(CPL 0, RPL 3) = 3");
	expect_fault(m, 1, kpgd, __KERNEL_CS | 3, 0, 0, "#GP", 0x60,
		     "DPL 0 < max(CPL 0, RPL 3) = 3");
	/* The PnP BIOS data segment is the kernel's too. */
	expect_fault(m, 0, kpgd, PNP_DS | 3, 0, 3, "#GP", PNP_DS,
		     "DPL 0 < max(CPL 3, RPL 3) = 3");
	assert_consistent(m);
	machine_destroy(m);
}

/* Null, LDT and out-of-table selectors: #GP before any descriptor. */
static void test_selector_faults(void **state)
{
	struct machine *m = boot_i386();
	unsigned long kpgd = kernel_pgtable(m)->pgd;
	struct seg_translation t;

	(void)state;
	expect_fault(m, 0, kpgd, 0, 0x1000, 0, "#GP", 0, "the null selector");
	expect_fault(m, 0, kpgd, 3, 0x1000, 3, "#GP", 0, "the null selector");
	assert_int_equal(segment_translate(m, 0, kpgd, 3, 0, 3, &t), -EFAULT);
	assert_int_equal(t.done, SEG_STEP_SELECTOR);
	/* TI=1: no LDT is loaded, whatever the index. */
	expect_fault(m, 0, kpgd, 0x7f, 0x1000, 3, "#GP", 0x7c,
		     "TI=1 selects the LDT, and none is loaded");
	expect_fault(m, 0, kpgd, 0x4, 0, 0, "#GP", 0x4, "selects the LDT");
	/* 32 descriptors: index 32 and above are past the limit 0xff. */
	expect_fault(m, 0, kpgd, 0x100, 0, 0, "#GP", 0x100,
		     "index 32 is past the GDT's limit 0xff (32 descriptors)");
	expect_fault(m, 1, kpgd, 0xfffb, 0, 3, "#GP", 0xfff8,
		     "index 8191 is past");
	/* An empty entry is no segment: the TSS, never loaded here. */
	expect_fault(m, 0, kpgd, GDT_ENTRY_TSS * 8, 0, 0, "#GP", 0x80,
		     "a system descriptor (reserved) cannot be loaded");
	assert_consistent(m);
	machine_destroy(m);
}

/* A descriptor the test writes with a small limit; Linux's 64K ones. */
static void test_limit_faults(void **state)
{
	struct machine *m = boot_i386();
	unsigned long kpgd = kernel_pgtable(m)->pgd;
	struct seg_translation t;
	char why[256];

	(void)state;
	/* Byte granular, 4 KiB at the direct map's 1 MiB, DPL 3. */
	put_desc(m, 0, SPARE, DESC_DATA32_BIOS | DESC_USER, 0xc0100000, 0xfff);
	assert_int_equal(machine_check(m, why, sizeof(why)), -EUCLEAN);
	expect_fault(m, 0, kpgd, SPARE_SEL | 3, 0x1000, 3, "#GP", 0,
		     "offset 0x1000 is outside the segment's offsets "
		     "[0, 0xfff]");
	/* Inside the limit it gets to paging: the kernel's page at CPL 3. */
	expect_fault(m, 0, kpgd, SPARE_SEL | 3, 0xfff, 3, "#PF", 0x5,
		     "linear 0xc0100fff is a supervisor page");
	assert_int_equal(segment_translate(m, 0, kpgd, SPARE_SEL, 0xfff, 0, &t),
			 0);
	assert_int_equal(t.base, 0xc0100000);
	assert_int_equal(t.linear, 0xc0100fff);
	assert_int_equal(t.phys, 0x100fff);
	/* Only cpu 0's GDT was written. */
	expect_fault(m, 1, kpgd, SPARE_SEL, 0, 0, "#GP", SPARE_SEL,
		     "system descriptor");
	/* Expand-down: the offsets above the limit, up to 4G with B=1. */
	put_desc(m, 0, SPARE, DESC_DATA32 | _DESC_DATA_EXPAND_DOWN, 0,
		 0xfffff - 1);
	expect_fault(m, 0, kpgd, SPARE_SEL, 0xffffe000, 0, "#GP", 0,
		     "[0xfffff000, 0xffffffff]");
	desc_store(gdt_entry_ram(m, 0, SPARE), 0);
	assert_consistent(m);

	/* Linux's own byte-granular segments: PnP DS is 64K, TS1 is 1 byte. */
	expect_fault(m, 0, kpgd, PNP_DS, 0x10000, 0, "#GP", 0, "[0, 0xffff]");
	expect_fault(m, 0, kpgd, GDT_ENTRY_PNPBIOS_TS1 * 8, 1, 0, "#GP", 0,
		     "offset 0x1 is outside");
	/* 0xffff is inside, and unmapped in the kernel's page table. */
	expect_fault(m, 0, kpgd, PNP_DS, 0xffff, 0, "#PF", 0,
		     "linear 0xffff is not mapped");
	machine_destroy(m);
}

/* P=0 is #NP; what DS cannot hold is #GP; conforming code reads at CPL 3. */
static void test_descriptor_type_faults(void **state)
{
	struct machine *m = boot_i386();
	unsigned long pgd, frame = map_user_page(m, &pgd, 0x400000);
	struct seg_translation t;

	(void)state;
	put_desc(m, 0, SPARE, DESC_DATA32 | DESC_USER, 0, 0xfffff);
	gdt_entry_ram(m, 0, SPARE)[5] &= 0x7f; /* clear P */
	expect_fault(m, 0, pgd, SPARE_SEL | 3, 0x400000, 3, "#NP", SPARE_SEL,
		     "not present (P=0)");
	assert_int_equal(segment_translate(m, 0, pgd, SPARE_SEL | 3, 0, 3, &t),
			 -EFAULT);
	assert_int_equal(t.done, SEG_STEP_PRIVILEGE);
	assert_int_equal(t.fault.vector, 11);

	/* Execute-only code cannot be read through DS. */
	put_desc(m, 0, SPARE, (DESC_CODE32 | DESC_USER) & ~_DESC_CODE_READABLE,
		 0, 0xfffff);
	expect_fault(m, 0, pgd, SPARE_SEL | 3, 0, 3, "#GP", SPARE_SEL,
		     "execute-only code");
	/* Conforming code of DPL 0 may be read at CPL 3. */
	put_desc(m, 0, SPARE, DESC_CODE32 | _DESC_CODE_CONFORMING, 0, 0xfffff);
	assert_int_equal(
		segment_translate(m, 0, pgd, SPARE_SEL | 3, 0x400010, 3, &t),
		0);
	assert_true(t.conforming);
	assert_int_equal(t.phys, pfn_to_phys(m, frame) + 0x10);
	/* A 32-bit TSS is a system descriptor. */
	desc_store(gdt_entry_ram(m, 0, SPARE), 0x00008b0000000067ULL);
	expect_fault(m, 0, pgd, SPARE_SEL, 0, 0, "#GP", SPARE_SEL,
		     "a system descriptor (32-bit TSS (busy))");
	desc_store(gdt_entry_ram(m, 0, SPARE), 0);
	assert_consistent(m);
	unmap_user_page(m, pgd, frame);
	machine_destroy(m);
}

/* Segmentation passes, paging refuses: #PF with the error code's bits. */
static void test_page_faults(void **state)
{
	struct machine *m = boot_i386();
	unsigned long pgd, frame = map_user_page(m, &pgd, 0x08048000);
	uint32_t kaddr = (uint32_t)m->layout.kernel.page_offset + 0x1000;
	struct seg_translation t;

	(void)state;
	expect_fault(m, 0, pgd, __USER_DS, 0x08049000, 3, "#PF", 0x4,
		     "linear 0x8049000 is not mapped");
	assert_int_equal(
		segment_translate(m, 0, pgd, __USER_DS, 0x08049000, 3, &t),
		-EFAULT);
	assert_int_equal(t.fault.cr2, 0x08049000);
	assert_int_equal(t.fault.vector, 14);
	assert_int_equal(t.done, SEG_STEP_LINEAR);
	assert_int_equal(t.walk.levels, 2);
	expect_fault(m, 0, pgd, __KERNEL_DS, 0x10000000, 0, "#PF", 0x0,
		     "is not mapped");
	/* The direct map is in every pgd, for the kernel only. */
	expect_fault(m, 0, pgd, __USER_DS, kaddr, 3, "#PF", 0x5,
		     "is a supervisor page: CPL 3 may not read it");
	assert_int_equal(
		segment_translate(m, 0, pgd, __KERNEL_DS, kaddr, 0, &t), 0);
	assert_int_equal(t.phys, 0x1000);
	assert_int_equal(t.walk.page_size, 4 * MiB);
	assert_consistent(m);
	unmap_user_page(m, pgd, frame);
	machine_destroy(m);
}

/* %fs:var through __KERNEL_PERCPU reaches the CPU's own copy of var. */
static void test_percpu_segment(void **state)
{
	struct machine *m = boot_i386();
	unsigned long kpgd = kernel_pgtable(m)->pgd;
	struct seg_translation t;
	uint64_t var, copy, ptr;

	(void)state;
	assert_int_equal(alloc_percpu(m, 4, 4, &var), 0);
	/* %fs takes the kernel's pointer, not CPU 0's copy: they differ. */
	ptr = pcpu_addr_to_ptr(m, var);
	assert_int_not_equal(ptr, var);
	assert_int_equal(pcpu_ptr_to_addr(m, ptr), var);
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++) {
		assert_int_equal(per_cpu_ptr(m, var, cpu, &copy), 0);
		m->ram[copy - m->layout.kernel.page_offset] =
			(uint8_t)(cpu + 7);
		assert_int_equal(segment_translate(m, cpu, kpgd,
						   __KERNEL_PERCPU,
						   (uint32_t)ptr, 0, &t),
				 0);
		assert_int_equal(t.linear, copy);
		assert_int_equal(m->ram[t.phys], cpu + 7);
	}
	assert_int_equal(free_percpu(m, var), 0);
	assert_consistent(m);
	machine_destroy(m);
}

static void report_of(struct machine *m, int pid, unsigned int sel,
		      uint32_t off, struct seq_buf *s)
{
	seq_buf_init(s);
	assert_int_equal(report_segment_translate(m, pid, sel, off, 3, s), 0);
}

static void assert_line(const struct seq_buf *s, const char *line)
{
	if (!strstr(s->buf, line))
		fail_msg("no '%s' in:\n%s", line, s->buf);
}

/* A process's far pointer, as mmctl translate prints it: CPL 3. */
static void test_process_report(void **state)
{
	struct machine *m = boot_i386();
	struct user_fault fault;
	struct seg_translation t;
	uint64_t addr = 0;
	struct seq_buf s;
	char line[128];
	int pid;

	(void)state;
	assert_int_equal(task_create(m, "seg", 1, 0, &pid), 0);
	assert_int_equal(task_switch(m, pid), 0);
	assert_int_equal(uapi_mmap(m, pid, 0, 4096, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, &addr),
			 0);
	assert_int_equal(uapi_access_vm(m, pid, addr + 0x10, "far", 3,
					USER_WRITE, &fault),
			 0);
	assert_int_equal(pid_segment_translate(m, pid, __USER_DS,
					       (uint32_t)addr + 0x10, 3, &t),
			 0);
	assert_int_equal(t.cpu, 1);
	assert_int_equal(t.cpl, 3);
	assert_memory_equal(m->ram + t.phys, "far", 3);

	report_of(m, pid, __USER_DS, (uint32_t)addr + 0x10, &s);
	snprintf(line, sizeof(line),
		 "Far pointer:\t0x007b:0x%08x on cpu 1 at CPL 3\n",
		 (uint32_t)addr + 0x10);
	assert_line(&s, line);
	assert_line(&s, "Selector:\tindex 15 (__USER_DS), TI 0 (GDT), RPL 3\n");
	assert_line(&s, "Segment:\tbase 0x00000000, limit 0xfffff, G=1 (last "
			"byte 0xffffffff), D/B=1, P=1, DPL 3, S=1, type 0x2 "
			"(data, read/write)\n");
	assert_line(&s, "Descriptor:\t0x00cff2000000ffff at ");
	assert_line(&s, "Privilege:\tDPL 3 >= max(CPL 3, RPL 3) = 3\n");
	assert_line(&s, "Present:\tP=1\n");
	assert_line(&s, "Limit:\toffset ");
	assert_line(&s, "PGD:\tindex ");
	assert_line(&s, "PTE:\tindex ");
	snprintf(line, sizeof(line), "Physical:\t0x%08llx (pfn %#lx, 4 kB ",
		 (unsigned long long)t.phys, (unsigned long)(t.phys >> 12));
	assert_line(&s, line);
	seq_buf_free(&s);

	/* A fault is a report too: the steps made, then the exception. */
	report_of(m, pid, __KERNEL_DS, 0, &s);
	assert_line(&s,
		    "Selector:\tindex 13 (__KERNEL_DS), TI 0 (GDT), RPL 0\n");
	assert_line(&s, "Descriptor:\t0x00cf92000000ffff at ");
	assert_line(&s, "Fault:\t#GP(0x68): DPL 0 < max(CPL 3, RPL 0) = 3");
	assert_null(strstr(s.buf, "Privilege:"));
	assert_null(strstr(s.buf, "Physical:"));
	seq_buf_free(&s);
	report_of(m, pid, __USER_DS, 0x1000, &s);
	assert_line(&s, "Linear:\t0x00000000 + 0x00001000 = 0x00001000\n");
	assert_line(&s, "Fault:\t#PF(0x4), CR2 0x00001000: linear 0x1000 is "
			"not mapped\n");
	seq_buf_free(&s);

	seq_buf_init(&s);
	assert_int_equal(report_segment_translate(m, 4242, __USER_DS, 0, 3, &s),
			 -ESRCH);
	assert_string_equal(m->errmsg, "no process 4242");
	seq_buf_free(&s);
	assert_consistent(m);
	machine_destroy(m);
}

/* The translation's snapshot of pid's sel:off (or sreg:off) at cpl 3. */
static struct seg_translation_snapshot *
translation_of(struct machine *m, int pid, unsigned int sel, uint32_t off,
	       int sreg, int *err)
{
	struct report_args a = {.pid = pid,
				.addr = off,
				.selector = sel,
				.cpl = 3,
				.sreg = sreg};

	return snapshot_take_at(&translation_report.t, m, &a, err);
}

static void assert_steps(const struct seg_translation_snapshot *ts, size_t n,
			 const char *last)
{
	assert_int_equal(ts->nr_steps, n);
	assert_string_equal(ts->steps[n - 1], last);
}

/*
 * The snapshot holds each step's values, and the text is printed from
 * it: a frame, through a register's cache, #GP on a TI=1 selector with
 * no LDT, #PF with its error code and CR2.
 */
static void test_translation_snapshot(void **state)
{
	struct machine *m = boot_i386();
	struct seg_translation_snapshot *ts;
	struct seg_translation t;
	struct user_fault fault;
	uint64_t addr = 0;
	struct seq_buf s;
	char line[160];
	int pid, err;

	(void)state;
	assert_int_equal(task_create(m, "seg", 0, 0, &pid), 0);
	assert_int_equal(task_switch(m, pid), 0);
	assert_int_equal(uapi_mmap(m, pid, 0, 4096, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, &addr),
			 0);
	assert_int_equal(
		uapi_access_vm(m, pid, addr, "x", 1, USER_WRITE, &fault), 0);
	assert_int_equal(pid_segment_translate(m, pid, __USER_DS,
					       (uint32_t)addr + 5, 3, &t),
			 0);
	ts = translation_of(m, pid, __USER_DS, (uint32_t)addr + 5, -1, &err);
	assert_non_null(ts);
	assert_steps(ts, 7, "physical");
	assert_string_equal(ts->steps[0], "selector");
	assert_int_equal(ts->index, 15);
	assert_int_equal(ts->rpl, 3);
	assert_string_equal(ts->gdt_entry, "__USER_DS");
	assert_string_equal(ts->table, "GDT");
	assert_int_equal(ts->table_limit, GDT_SIZE - 1);
	assert_int_equal(ts->descriptor.raw, 0x00cff2000000ffffULL);
	assert_int_equal(ts->descriptor.limit_bytes, 0xffffffffULL);
	assert_string_equal(ts->descriptor.type_name, "data, read/write");
	assert_int_equal(ts->max_pl, 3);
	assert_int_equal(ts->linear, addr + 5);
	assert_int_equal(ts->nr_levels, 2);
	assert_int_equal(ts->levels[1].entry, t.walk.level[1].entry);
	assert_int_equal(ts->phys, t.phys);
	assert_int_equal(ts->page_size, 4096);
	assert_false(ts->faulted);
	seq_buf_init(&s);
	assert_int_equal(translation_report.t.show(ts, &s), 0);
	snprintf(
		line, sizeof(line),
		"Descriptor:\t0x00cff2000000ffff at 0x%08llx (phys 0x%08llx)\n",
		(unsigned long long)ts->descriptor_address,
		(unsigned long long)ts->descriptor_phys);
	assert_line(&s, line);
	snprintf(line, sizeof(line), "PTE:\tindex %4llu  entry 0x%08llx ",
		 (unsigned long long)ts->levels[1].index,
		 (unsigned long long)ts->levels[1].entry);
	assert_line(&s, line);
	seq_buf_free(&s);
	snapshot_free(translation_report.t.desc, ts);

	/* Through DS's cache: no table, the same frame. */
	ts = translation_of(m, pid, 0, (uint32_t)addr + 5, SREG_DS, &err);
	assert_non_null(ts);
	assert_string_equal(ts->sreg, "ds");
	assert_string_equal(ts->table, "");
	assert_int_equal(ts->selector, __USER_DS);
	assert_int_equal(ts->phys, t.phys);
	snapshot_free(translation_report.t.desc, ts);

	/* TI=1 and no LDT: #GP(index|TI) right after the selector. */
	ts = translation_of(m, pid, __USER_DS | SEGMENT_LDT, (uint32_t)addr, -1,
			    &err);
	assert_non_null(ts);
	assert_steps(ts, 1, "selector");
	assert_int_equal(ts->ti, 1);
	assert_true(ts->faulted);
	assert_string_equal(ts->fault.name, "#GP");
	assert_int_equal(ts->fault.vector, 13);
	assert_int_equal(ts->fault.error_code, 0x7c);
	seq_buf_init(&s);
	assert_int_equal(translation_report.t.show(ts, &s), 0);
	assert_line(&s, "Selector:\tindex 15, TI 1 (LDT), RPL 3\n");
	assert_line(&s, "Fault:\t#GP(0x7c): TI=1 selects the LDT");
	assert_null(strstr(s.buf, "Descriptor:"));
	seq_buf_free(&s);
	snapshot_free(translation_report.t.desc, ts);

	/* Nothing mapped: #PF(U/S) at the linear step, CR2 the address. */
	ts = translation_of(m, pid, __USER_DS, 0x1000, -1, &err);
	assert_non_null(ts);
	assert_steps(ts, 6, "linear");
	assert_int_equal(ts->fault.vector, 14);
	assert_int_equal(ts->fault.error_code, X86_PF_USER);
	assert_int_equal(ts->fault.cr2, 0x1000);
	snapshot_free(translation_report.t.desc, ts);

	/* What cannot be translated is no snapshot. */
	assert_null(translation_of(m, 4242, __USER_DS, 0, -1, &err));
	assert_int_equal(err, -ESRCH);
	assert_consistent(m);
	machine_destroy(m);
}

/* Calls that cannot be made are refused, and change nothing. */
static void test_bad_calls(void **state)
{
	struct machine *m = boot_i386();
	unsigned long kpgd = kernel_pgtable(m)->pgd;
	struct seg_translation t = {.offset = 0x77};

	(void)state;
	assert_int_equal(segment_translate(m, 2, kpgd, __KERNEL_DS, 0, 0, &t),
			 -EINVAL);
	assert_string_equal(m->errmsg, "cpu 2 does not exist (2 CPUs)");
	assert_int_equal(segment_translate(m, 0, kpgd, 0x10000, 0, 0, &t),
			 -EINVAL);
	assert_non_null(strstr(m->errmsg, "selector 0x10000"));
	assert_int_equal(segment_translate(m, 0, kpgd, __KERNEL_DS, 0, 4, &t),
			 -EINVAL);
	assert_int_equal(
		segment_translate(m, 0, m->max_pfn, __KERNEL_DS, 0, 0, &t),
		-EINVAL);
	assert_non_null(strstr(m->errmsg, "is not a frame"));
	assert_int_equal(t.offset, 0x77);
	assert_int_equal(pid_segment_translate(m, 99, __USER_DS, 0, 3, &t),
			 -ESRCH);
	assert_consistent(m);
	machine_destroy(m);
}

/* x86_64 runs flat in long mode: nothing to translate, no GDT kept. */
static void test_x86_64_not_segmented(void **state)
{
	struct layout l;
	struct machine *m;
	struct seg_translation t;
	struct desc_ptr gdtr;
	uint64_t raw;

	(void)state;
	small_layout(&l, 64 * MiB);
	m = boot(&l);
	assert_int_equal(segment_translate(m, 0, kernel_pgtable(m)->pgd,
					   __USER_DS, 0x1000, 3, &t),
			 -EOPNOTSUPP);
	assert_non_null(strstr(m->errmsg, "segment translation is for i386 "
					  "layouts: this machine is x86_64"));
	assert_int_equal(pid_segment_translate(m, 1, __USER_DS, 0, 3, &t),
			 -EOPNOTSUPP);
	assert_int_equal(get_gdtr(m, 0, &gdtr), -EOPNOTSUPP);
	assert_int_equal(gdt_read(m, 0, 12, &raw), -EOPNOTSUPP);
	assert_null(m->segment);
	assert_consistent(m);
	machine_destroy(m);
}

/* The checker: a changed descriptor, an empty entry filled, a lost page. */
static void test_checker_catches_corruption(void **state)
{
	struct machine *m = boot_i386();
	uint8_t *user_ds = gdt_entry_ram(m, 1, GDT_ENTRY_DEFAULT_USER_DS);
	struct desc_ptr gdtr;
	char why[256];

	(void)state;
	assert_consistent(m);
	user_ds[5] &= (uint8_t)~0x60; /* DPL 3 -> 0 */
	assert_int_equal(machine_check(m, why, sizeof(why)), -EUCLEAN);
	assert_string_equal(why, "cpu 1: GDT entry 15 (__USER_DS) holds "
				 "0x00cf92000000ffff, not 0x00cff2000000ffff");
	user_ds[5] |= 0x60;
	assert_consistent(m);

	gdt_entry_ram(m, 0, 30)[0] = 1;
	assert_check_fails(m, "cpu 0: GDT entry 30 (unused) holds");
	gdt_entry_ram(m, 0, 30)[0] = 0;
	assert_consistent(m);

	/* The GDT is static per-CPU data: not given back, even by the
	 * kernel; a GDTR pointing elsewhere is caught. */
	assert_int_equal(get_gdtr(m, 0, &gdtr), 0);
	assert_int_equal(free_percpu(m, gdtr.address), -EINVAL);
	assert_consistent(m);
	m->segment->gdtr[0].address += 8;
	assert_check_fails(m, "cpu 0: GDTR");
	m->segment->gdtr[0].address -= 8;
	assert_consistent(m);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_selectors),
		cmocka_unit_test(test_gdt_bytes_in_ram),
		cmocka_unit_test(test_descriptor_format),
		cmocka_unit_test(test_user_ds_translation),
		cmocka_unit_test(test_privilege_faults),
		cmocka_unit_test(test_selector_faults),
		cmocka_unit_test(test_limit_faults),
		cmocka_unit_test(test_descriptor_type_faults),
		cmocka_unit_test(test_page_faults),
		cmocka_unit_test(test_percpu_segment),
		cmocka_unit_test(test_process_report),
		cmocka_unit_test(test_translation_snapshot),
		cmocka_unit_test(test_bad_calls),
		cmocka_unit_test(test_x86_64_not_segmented),
		cmocka_unit_test(test_checker_catches_corruption),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
