/*
 * test_segment.c - the i386 segmentation unit: each CPU's GDT in RAM byte
 * for byte, selectors, the descriptor format, x86_64's lack of a GDT,
 * and the checker.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdio.h>

#include "core/percpu.h"
#include "core/segment.h"

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
	/* __KERNEL_PERCPU: the CPU's per-CPU offset is its base. */
	assert_int_equal(ram_desc(m, 0, 27), 0x00cf92000000ffffULL);
	{
		struct desc_struct d = desc_unpack(ram_desc(m, 1, 27));

		assert_int_equal(get_desc_base(&d), m->pcpu->unit_size);
		assert_int_equal(get_desc_limit(&d), 0xfffff);
	}
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

/* x86_64 runs flat in long mode: no GDT kept. */
static void test_x86_64_not_segmented(void **state)
{
	struct layout l;
	struct machine *m;
	struct desc_ptr gdtr;
	uint64_t raw;

	(void)state;
	small_layout(&l, 64 * MiB);
	m = boot(&l);
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
	assert_int_equal(machine_check(m, why, sizeof(why)), -EUCLEAN);
	assert_non_null(strstr(why, "cpu 0: GDT entry 30 (unused) holds"));
	gdt_entry_ram(m, 0, 30)[0] = 0;
	assert_consistent(m);

	/* The page given back behind the GDTs' back. */
	assert_int_equal(get_gdtr(m, 0, &gdtr), 0);
	assert_int_equal(free_percpu(m, gdtr.address), 0);
	assert_int_equal(machine_check(m, why, sizeof(why)), -EUCLEAN);
	assert_non_null(strstr(why, "cpu 0: the GDT is not a per-CPU page "
				    "the kernel holds"));
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_selectors),
		cmocka_unit_test(test_gdt_bytes_in_ram),
		cmocka_unit_test(test_descriptor_format),
		cmocka_unit_test(test_x86_64_not_segmented),
		cmocka_unit_test(test_checker_catches_corruption),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
