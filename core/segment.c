/* SPDX-License-Identifier: MIT */
/*
 * segment.c - the GDT of each CPU of an i386 machine, in RAM.
 *
 * Owns: the 8-byte descriptor format, the table each CPU loads at boot
 * (Linux's gdt_page as arch/x86/kernel/cpu/common.c fills it for 32-bit
 * kernels), each CPU's GDTR, and the check that the tables still hold
 * what boot wrote. Must never: write a descriptor after boot, but for
 * the accessed bit a segment load sets (segment_regs.c). Nothing in the
 * machine loads TLS entries or a TSS, and each process's LDT lives
 * apart (ldt.c); whatever comes to write the GDT must teach
 * segment_check what it may write.
 *
 * Where the tables live. Linux's gdt_page is a page-aligned per-CPU
 * variable, so each CPU's GDT is one page of that CPU's unit of the
 * first per-CPU chunk. Here too: boot makes one alloc_percpu of a page,
 * owned by the kernel, and the chunk it sits in is counted in meminfo's
 * Percpu. A GDTR holds the direct-map address of its CPU's copy (32-bit
 * Linux later loads a read-only alias of it in the cpu_entry_area; the
 * bytes are the same).
 *
 * What boot writes. Entry 0 is null, as the CPU requires. Then what
 * Linux fills statically: the flat segments __KERNEL_CS, __KERNEL_DS,
 * __USER_CS and __USER_DS (base 0, limit 0xfffff in 4 KiB units: all of
 * 4 GiB), the PnP BIOS and APM BIOS segments (byte granular, 64 KiB, the
 * bases their drivers would set left 0), the ESPFIX stack segment, and
 * __KERNEL_PERCPU, whose base is the CPU's per-CPU offset, as
 * setup_percpu_segment sets it, so that %fs:var reaches the CPU's own
 * copy of var: __per_cpu_offset[cpu] (percpu.h), the first chunk's unit
 * less __per_cpu_start, which is not 0 even for CPU 0, since var is the
 * address .data..percpu was linked at inside the image. That one entry is why
 * each CPU needs a GDT of its own. TLS (6-8), TSS (16), LDT (17) and the
 * double-fault TSS (31) are filled at run time by things the machine does not
 * model: they stay null, as every other entry does.
 *
 * The values are those 32-bit Linux has written for years, the accessed
 * bit clear (code 0x9a, data 0x92 in the access byte; DPL 3 adds 0x60).
 * The newest kernels preset the accessed bit too, so that the CPU never
 * writes to the GDT.
 */
#include "core/segment.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/check.h"
#include "core/page_alloc.h"
#include "core/percpu.h"
#include "core/snapshot.h"

/* The statically filled entries of Linux's 32-bit gdt_page. */
static const struct gdt_init {
	unsigned int index;
	const char *name;
	uint16_t flags;
	uint32_t limit;
} linux_gdt[] = {
	{GDT_ENTRY_KERNEL_CS, "__KERNEL_CS", DESC_CODE32, 0xfffff},
	{GDT_ENTRY_KERNEL_DS, "__KERNEL_DS", DESC_DATA32, 0xfffff},
	{GDT_ENTRY_DEFAULT_USER_CS, "__USER_CS", DESC_CODE32 | DESC_USER,
	 0xfffff},
	{GDT_ENTRY_DEFAULT_USER_DS, "__USER_DS", DESC_DATA32 | DESC_USER,
	 0xfffff},
	{GDT_ENTRY_PNPBIOS_CS32, "PNP_CS32", DESC_CODE32_BIOS, 0xffff},
	{GDT_ENTRY_PNPBIOS_CS16, "PNP_CS16", DESC_CODE16, 0xffff},
	{GDT_ENTRY_PNPBIOS_DS, "PNP_DS", DESC_DATA16, 0xffff},
	{GDT_ENTRY_PNPBIOS_TS1, "PNP_TS1", DESC_DATA16, 0},
	{GDT_ENTRY_PNPBIOS_TS2, "PNP_TS2", DESC_DATA16, 0},
	{GDT_ENTRY_APMBIOS_BASE, "APM_CS", DESC_CODE32_BIOS, 0xffff},
	{GDT_ENTRY_APMBIOS_BASE + 1, "APM_CS_16", DESC_CODE16, 0xffff},
	{GDT_ENTRY_APMBIOS_BASE + 2, "APM_DS", DESC_DATA32_BIOS, 0xffff},
	{GDT_ENTRY_ESPFIX_SS, "__ESPFIX_SS", DESC_DATA32, 0xfffff},
	{GDT_ENTRY_PERCPU, "__KERNEL_PERCPU", DESC_DATA32, 0xfffff},
};

#define NR_LINUX_GDT (sizeof(linux_gdt) / sizeof(linux_gdt[0]))

/* ------------------------------------------------------------------ */
/* The descriptor format                                               */

struct desc_struct gdt_entry_init(uint16_t flags, uint32_t base, uint32_t limit)
{
	return (struct desc_struct){
		.limit0 = (uint16_t)limit,
		.base0 = (uint16_t)base,
		.base1 = (uint8_t)(base >> 16),
		.type = flags & 0xf,
		.s = (flags >> 4) & 1,
		.dpl = (flags >> 5) & 3,
		.p = (flags >> 7) & 1,
		.limit1 = (limit >> 16) & 0xf,
		.avl = (flags >> 12) & 1,
		.l = (flags >> 13) & 1,
		.d = (flags >> 14) & 1,
		.g = (flags >> 15) & 1,
		.base2 = (uint8_t)(base >> 24),
	};
}

uint64_t desc_pack(const struct desc_struct *d)
{
	return (uint64_t)d->limit0 | (uint64_t)d->base0 << 16 |
	       (uint64_t)d->base1 << 32 | (uint64_t)(d->type & 0xf) << 40 |
	       (uint64_t)(d->s & 1) << 44 | (uint64_t)(d->dpl & 3) << 45 |
	       (uint64_t)(d->p & 1) << 47 | (uint64_t)(d->limit1 & 0xf) << 48 |
	       (uint64_t)(d->avl & 1) << 52 | (uint64_t)(d->l & 1) << 53 |
	       (uint64_t)(d->d & 1) << 54 | (uint64_t)(d->g & 1) << 55 |
	       (uint64_t)d->base2 << 56;
}

struct desc_struct desc_unpack(uint64_t raw)
{
	return (struct desc_struct){
		.limit0 = (uint16_t)raw,
		.base0 = (uint16_t)(raw >> 16),
		.base1 = (uint8_t)(raw >> 32),
		.type = (raw >> 40) & 0xf,
		.s = (raw >> 44) & 1,
		.dpl = (raw >> 45) & 3,
		.p = (raw >> 47) & 1,
		.limit1 = (raw >> 48) & 0xf,
		.avl = (raw >> 52) & 1,
		.l = (raw >> 53) & 1,
		.d = (raw >> 54) & 1,
		.g = (raw >> 55) & 1,
		.base2 = (uint8_t)(raw >> 56),
	};
}

uint32_t get_desc_base(const struct desc_struct *d)
{
	return (uint32_t)d->base0 | (uint32_t)d->base1 << 16 |
	       (uint32_t)d->base2 << 24;
}

uint32_t get_desc_limit(const struct desc_struct *d)
{
	return (uint32_t)d->limit0 | (uint32_t)d->limit1 << 16;
}

/* G=1 counts the limit in 4 KiB units, each unit's last byte included. */
uint32_t desc_limit_bytes(const struct desc_struct *d)
{
	uint32_t limit = get_desc_limit(d);

	return d->g ? limit << 12 | 0xfff : limit;
}

static const char *const system_types[16] = {
	"reserved",
	"16-bit TSS (available)",
	"LDT",
	"16-bit TSS (busy)",
	"16-bit call gate",
	"task gate",
	"16-bit interrupt gate",
	"16-bit trap gate",
	"reserved",
	"32-bit TSS (available)",
	"reserved",
	"32-bit TSS (busy)",
	"32-bit call gate",
	"reserved",
	"32-bit interrupt gate",
	"32-bit trap gate",
};

/* Code and data types, by bits 1..3 (the accessed bit is said apart). */
static const char *const segment_types[8] = {
	"data, read-only",
	"data, read/write",
	"data, read-only, expand-down",
	"data, read/write, expand-down",
	"code, execute-only",
	"code, execute/read",
	"code, execute-only, conforming",
	"code, execute/read, conforming",
};

const char *desc_type_name(const struct desc_struct *d)
{
	return d->s ? segment_types[(d->type >> 1) & 7]
		    : system_types[d->type & 0xf];
}

void desc_snapshot_fill(uint64_t raw, struct desc_snapshot *ds)
{
	struct desc_struct d = desc_unpack(raw);

	ds->raw = raw;
	ds->base_address = get_desc_base(&d);
	ds->limit = get_desc_limit(&d);
	ds->limit_bytes = desc_limit_bytes(&d);
	ds->type = d.type;
	ds->s = d.s;
	ds->dpl = d.dpl;
	ds->p = d.p;
	ds->avl = d.avl;
	ds->l = d.l;
	ds->d_b = d.d;
	ds->g = d.g;
	snprintf(ds->type_name, sizeof(ds->type_name), "%s",
		 desc_type_name(&d));
	ds->accessed = d.s && (d.type & _DESC_ACCESSED);
}

#define DS(member) SNAP_FIELD(struct desc_snapshot, member, SNAP_U64)
static const struct snap_field desc_snapshot_fields[] = {
	DS(raw),
	DS(base_address),
	DS(limit),
	DS(limit_bytes),
	DS(type),
	DS(s),
	DS(dpl),
	DS(p),
	DS(avl),
	DS(l),
	DS(d_b),
	DS(g),
	SNAP_FIELD(struct desc_snapshot, type_name, SNAP_CHARS),
	SNAP_FIELD(struct desc_snapshot, accessed, SNAP_BOOL),
};
const struct snap_desc desc_snapshot_desc =
	SNAP_DESC("Descriptor", struct desc_snapshot, desc_snapshot_fields);

const char *gdt_entry_name(unsigned int index)
{
	if (index == 0)
		return "null";
	if (index >= GDT_ENTRY_TLS_MIN &&
	    index < GDT_ENTRY_TLS_MIN + GDT_ENTRY_TLS_ENTRIES)
		return "TLS";
	if (index == GDT_ENTRY_TSS)
		return "TSS";
	if (index == GDT_ENTRY_LDT)
		return "LDT";
	if (index == GDT_ENTRY_DOUBLEFAULT_TSS)
		return "double-fault TSS";
	for (unsigned int i = 0; i < NR_LINUX_GDT; i++)
		if (linux_gdt[i].index == index)
			return linux_gdt[i].name;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* The tables in RAM                                                   */

/*
 * The bytes of cpu's GDT, by the frame behind its direct-map address;
 * NULL if the GDTR points nowhere in the direct map.
 */
static uint8_t *gdt_ram(const struct machine *m, unsigned int cpu)
{
	uint32_t addr = m->segment->gdtr[cpu].address;
	const struct page *page = virt_to_page(m, addr);

	if (!page)
		return NULL;
	return pfn_to_ram(m, page_to_pfn(m, page)) +
	       (addr & (m->page_size - 1));
}

/* What boot writes at index of cpu's GDT: Linux's entry, or null. */
static uint64_t gdt_boot_entry(const struct machine *m, unsigned int cpu,
			       unsigned int index)
{
	for (unsigned int i = 0; i < NR_LINUX_GDT; i++) {
		const struct gdt_init *e = &linux_gdt[i];
		uint32_t base = 0;
		struct desc_struct d;

		if (e->index != index)
			continue;
		if (index == GDT_ENTRY_PERCPU)
			base = (uint32_t)per_cpu_offset(m, cpu);
		d = gdt_entry_init(e->flags, base, e->limit);
		return desc_pack(&d);
	}
	return 0;
}

static int gdt_args(const struct machine *m, unsigned int cpu,
		    unsigned int index)
{
	if (!m->segment)
		return -EOPNOTSUPP;
	if (cpu >= m->nr_cpus || index >= GDT_ENTRIES)
		return -EINVAL;
	return 0;
}

int get_gdtr(const struct machine *m, unsigned int cpu, struct desc_ptr *gdtr)
{
	int err = gdt_args(m, cpu, 0);

	if (!err)
		*gdtr = m->segment->gdtr[cpu];
	return err;
}

int gdt_read(const struct machine *m, unsigned int cpu, unsigned int index,
	     uint64_t *raw)
{
	int err = gdt_args(m, cpu, index);
	const uint8_t *gdt;

	if (err)
		return err;
	gdt = gdt_ram(m, cpu);
	if (!gdt)
		return -EFAULT;
	*raw = desc_load(gdt + 8 * index);
	return 0;
}

/*
 * A load of a descriptor whose accessed bit is clear: the CPU sets it,
 * the one write to a GDT after boot (newer kernels preset it).
 */
void gdt_set_accessed(struct machine *m, unsigned int cpu, unsigned int index)
{
	uint8_t *gdt;

	if (gdt_args(m, cpu, index))
		return;
	gdt = gdt_ram(m, cpu);
	if (gdt)
		desc_store(gdt + 8 * index,
			   desc_load(gdt + 8 * index) | (uint64_t)_DESC_ACCESSED
								<< 40);
}

/* switch_to_new_gdt, in effect: fill cpu's copy and point its GDTR at it. */
static int gdt_setup_cpu(struct machine *m, unsigned int cpu)
{
	struct segment_state *s = m->segment;
	uint64_t addr;
	uint8_t *gdt;
	int err = per_cpu_ptr(m, s->gdt_page, cpu, &addr);

	if (err)
		return err;
	s->gdtr[cpu] = (struct desc_ptr){GDT_SIZE - 1, (uint32_t)addr};
	gdt = gdt_ram(m, cpu);
	if (!gdt)
		return -EFAULT;
	for (unsigned int i = 0; i < GDT_ENTRIES; i++)
		desc_store(gdt + 8 * i, gdt_boot_entry(m, cpu, i));
	return 0;
}

int segment_init(struct machine *m)
{
	struct segment_state *s;
	int err;

	if (m->layout.arch != ARCH_I386)
		return 0;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	m->segment = s;
	s->gdtr = calloc(m->nr_cpus, sizeof(*s->gdtr));
	if (!s->gdtr)
		return -ENOMEM;
	/* DEFINE_PER_CPU_PAGE_ALIGNED(struct gdt_page, gdt_page). */
	err = pcpu_alloc_static(m, m->page_size, m->page_size, &s->gdt_page);
	for (unsigned int cpu = 0; !err && cpu < m->nr_cpus; cpu++)
		err = gdt_setup_cpu(m, cpu);
	return err;
}

/* The per-CPU page goes with the per-CPU chunks (percpu is torn down after). */
void segment_exit(struct machine *m)
{
	if (!m->segment)
		return;
	free(m->segment->gdtr);
	free(m->segment);
	m->segment = NULL;
}

/* ------------------------------------------------------------------ */
/* The checker                                                         */

/* cpu's GDTR points at its copy of a page the kernel allocated percpu. */
static int check_gdt_page(const struct machine *m, unsigned int cpu, char *why,
			  size_t len)
{
	const struct desc_ptr *gdtr = &m->segment->gdtr[cpu];
	const struct page *page = virt_to_page(m, gdtr->address);
	uint64_t copy;
	int owner = -1;

	if (per_cpu_ptr(m, m->segment->gdt_page, cpu, &copy) ||
	    pcpu_owner_of(m, copy, m->page_size, &owner) || owner != 0)
		return check_failed(why, len,
				    "cpu %u: the GDT is not a per-CPU page "
				    "the kernel holds (owner %d)",
				    cpu, owner);
	if (gdtr->address != copy || gdtr->size != GDT_SIZE - 1)
		return check_failed(why, len,
				    "cpu %u: GDTR %#x/%#x, expected %#llx/%#x",
				    cpu, gdtr->address, gdtr->size,
				    (unsigned long long)copy, GDT_SIZE - 1);
	if (!page || pfn_to_block_head(m, page_to_pfn(m, page)) == ULONG_MAX)
		return check_failed(why, len,
				    "cpu %u: the GDT at %#x is not in an "
				    "allocated block",
				    cpu, gdtr->address);
	return 0;
}

static int check_gdt_entries(const struct machine *m, unsigned int cpu,
			     char *why, size_t len)
{
	for (unsigned int i = 0; i < GDT_ENTRIES; i++) {
		uint64_t want = gdt_boot_entry(m, cpu, i), raw = 0;
		const char *name = gdt_entry_name(i);

		gdt_read(m, cpu, i, &raw);
		/* A load may have set the accessed bit of a segment. */
		if (raw != want &&
		    !(desc_unpack(want).s &&
		      raw == (want | (uint64_t)_DESC_ACCESSED << 40)))
			return check_failed(why, len,
					    "cpu %u: GDT entry %u (%s) holds "
					    "%#018llx, not %#018llx",
					    cpu, i, name ? name : "unused",
					    (unsigned long long)raw,
					    (unsigned long long)want);
	}
	return 0;
}

int segment_check(const struct machine *m, char *why, size_t len)
{
	if (!m->segment)
		return 0;
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++) {
		int err = check_gdt_page(m, cpu, why, len);

		if (!err)
			err = check_gdt_entries(m, cpu, why, len);
		if (err)
			return err;
	}
	return 0;
}
