/* SPDX-License-Identifier: MIT */
/*
 * segment.h - the segmentation unit of an i386 MMU: each CPU's GDT in
 * RAM, and a far pointer (selector:offset) translated to a linear and
 * then a physical address, with the faults a real CPU raises.
 *
 * Owns: the descriptor format (Linux's struct desc_struct, 8 bytes in
 * RAM), the GDT indices and selectors of arch/x86/include/asm/segment.h
 * for 32-bit kernels, each CPU's GDT and GDTR, the translation and its
 * report. Must never: write a descriptor after boot (but for the
 * accessed bit a segment load sets), or change anything
 * while translating (a translation is a look, as a page walk is: it sets
 * no accessed bit in a descriptor or an entry).
 *
 * Only i386 layouts have GDTs here: an x86_64 kernel runs in long mode,
 * where CS, DS, ES and SS have base 0 and no limit, so an offset already
 * is the linear address; translating there is -EOPNOTSUPP.
 */
#ifndef MM_SEGMENT_H
#define MM_SEGMENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/machine.h"
#include "core/pgtable.h"
#include "core/seq_buf.h"

/* Linux's 32-bit GDT, as arch/x86/include/asm/segment.h lays it out. */
#define GDT_ENTRY_TLS_MIN	  6
#define GDT_ENTRY_TLS_ENTRIES	  3
#define GDT_ENTRY_KERNEL_CS	  12
#define GDT_ENTRY_KERNEL_DS	  13
#define GDT_ENTRY_DEFAULT_USER_CS 14
#define GDT_ENTRY_DEFAULT_USER_DS 15
#define GDT_ENTRY_TSS		  16
#define GDT_ENTRY_LDT		  17
#define GDT_ENTRY_PNPBIOS_CS32	  18
#define GDT_ENTRY_PNPBIOS_CS16	  19
#define GDT_ENTRY_PNPBIOS_DS	  20
#define GDT_ENTRY_PNPBIOS_TS1	  21
#define GDT_ENTRY_PNPBIOS_TS2	  22
#define GDT_ENTRY_APMBIOS_BASE	  23
#define GDT_ENTRY_ESPFIX_SS	  26
#define GDT_ENTRY_PERCPU	  27
#define GDT_ENTRY_DOUBLEFAULT_TSS 31
#define GDT_ENTRIES		  32
#define GDT_SIZE		  (GDT_ENTRIES * 8)

/* A selector: index in bits 3..15, TI in bit 2, RPL in bits 0..1. */
#define SEGMENT_RPL_MASK 0x3
#define SEGMENT_TI_MASK	 0x4
#define SEGMENT_LDT	 0x4
#define SEGMENT_GDT	 0x0
#define USER_RPL	 0x3

#define __KERNEL_CS	(GDT_ENTRY_KERNEL_CS * 8)
#define __KERNEL_DS	(GDT_ENTRY_KERNEL_DS * 8)
#define __USER_CS	(GDT_ENTRY_DEFAULT_USER_CS * 8 + USER_RPL)
#define __USER_DS	(GDT_ENTRY_DEFAULT_USER_DS * 8 + USER_RPL)
#define __ESPFIX_SS	(GDT_ENTRY_ESPFIX_SS * 8)
#define __KERNEL_PERCPU (GDT_ENTRY_PERCPU * 8)
#define PNP_CS32	(GDT_ENTRY_PNPBIOS_CS32 * 8)
#define PNP_DS		(GDT_ENTRY_PNPBIOS_DS * 8)

/*
 * Descriptor flags as arch/x86/include/asm/desc_defs.h spells them: the
 * access byte in bits 0..7, AVL, L, D/B and G in bits 12..15.
 */
#define _DESC_ACCESSED	       0x0001
#define _DESC_DATA_WRITABLE    0x0002
#define _DESC_CODE_READABLE    0x0002
#define _DESC_DATA_EXPAND_DOWN 0x0004
#define _DESC_CODE_CONFORMING  0x0004
#define _DESC_CODE_EXECUTABLE  0x0008
#define _DESC_S		       0x0010
#define _DESC_DPL(dpl)	       ((dpl) << 5)
#define _DESC_PRESENT	       0x0080
#define _DESC_LONG_CODE	       0x2000
#define _DESC_DB	       0x4000
#define _DESC_GRANULARITY_4K   0x8000

#define _DESC_DATA (_DESC_S | _DESC_PRESENT | _DESC_DATA_WRITABLE)
#define _DESC_CODE                                                             \
	(_DESC_S | _DESC_PRESENT | _DESC_CODE_READABLE | _DESC_CODE_EXECUTABLE)
#define DESC_DATA16	 (_DESC_DATA)
#define DESC_CODE16	 (_DESC_CODE)
#define DESC_DATA32	 (_DESC_DATA | _DESC_GRANULARITY_4K | _DESC_DB)
#define DESC_DATA32_BIOS (_DESC_DATA | _DESC_DB)
#define DESC_CODE32	 (_DESC_CODE | _DESC_GRANULARITY_4K | _DESC_DB)
#define DESC_CODE32_BIOS (_DESC_CODE | _DESC_DB)
#define DESC_USER	 (_DESC_DPL(3))

/*
 * One 8-byte descriptor, its fields unpacked. In RAM it is the x86
 * layout, little-endian: limit0 in bytes 0-1, base0 in 2-3, base1 in 4,
 * type|S|DPL|P in 5, limit1|AVL|L|D/B|G in 6, base2 in 7.
 */
struct desc_struct {
	uint16_t limit0;
	uint16_t base0;
	uint8_t base1, type, s, dpl, p;
	uint8_t limit1, avl, l, d, g;
	uint8_t base2;
};

/* A descriptor's 8 bytes in RAM, little-endian whatever the host is. */
static inline uint64_t desc_load(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static inline void desc_store(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The GDTR: where a CPU's GDT is (a linear address) and its last byte. */
struct desc_ptr {
	uint16_t size;
	uint32_t address;
};

/* Every CPU's GDT: one page of the first per-CPU chunk each. */
struct segment_state {
	uint64_t gdt_page; /* the percpu pointer of DEFINE_PER_CPU gdt_page */
	struct desc_ptr *gdtr; /* per CPU */
};

int segment_init(struct machine *m);
void segment_exit(struct machine *m);
/* Each CPU's GDT holds Linux's descriptors and is a kernel percpu page. */
int segment_check(const struct machine *m, char *why, size_t len);

/* GDT_ENTRY_INIT: a descriptor from desc_defs flags, base and limit. */
struct desc_struct gdt_entry_init(uint16_t flags, uint32_t base,
				  uint32_t limit);
uint64_t desc_pack(const struct desc_struct *d);
struct desc_struct desc_unpack(uint64_t raw);
uint32_t get_desc_base(const struct desc_struct *d);
/* The 20-bit limit field, and the last valid byte offset G makes of it. */
uint32_t get_desc_limit(const struct desc_struct *d);
uint32_t desc_limit_bytes(const struct desc_struct *d);
/* "data, read/write", "code, execute/read, conforming", "32-bit TSS"... */
const char *desc_type_name(const struct desc_struct *d);
/*
 * A descriptor decoded for a report (mm.proto's Descriptor): its raw 8
 * bytes, base, the 20-bit limit and the last byte G makes of it, each
 * flag, its type and the type's name; accessed for a code or data one.
 */
struct desc_snapshot {
	uint64_t raw, base_address, limit, limit_bytes;
	uint64_t type, s, dpl, p, avl, l, d_b, g;
	char type_name[48];
	bool accessed;
};
void desc_snapshot_fill(uint64_t raw, struct desc_snapshot *ds);
struct snap_desc;
extern const struct snap_desc desc_snapshot_desc;

/* The kernel's name for a GDT index ("__USER_DS"), or NULL. */
const char *gdt_entry_name(unsigned int index);

/*
 * The descriptor at index in cpu's GDT, read from RAM by its frame (not
 * through paging), and cpu's GDTR. -EOPNOTSUPP on x86_64, -EINVAL for a
 * cpu or an index out of range.
 */
int gdt_read(const struct machine *m, unsigned int cpu, unsigned int index,
	     uint64_t *raw);
/* The CPU's one write to a GDT: the accessed bit of a loaded segment. */
void gdt_set_accessed(struct machine *m, unsigned int cpu, unsigned int index);
int get_gdtr(const struct machine *m, unsigned int cpu, struct desc_ptr *gdtr);

/* The segment registers, numbered as MOV's sreg field encodes them. */
enum sreg { SREG_ES, SREG_CS, SREG_SS, SREG_DS, SREG_FS, SREG_GS, NR_SREGS };

/*
 * A segment register: the selector a program sees and the hidden part
 * the CPU fills from the descriptor at load time and uses from then on,
 * whatever later happens to the table (the descriptor cache).
 */
struct segment_register {
	uint16_t selector;
	bool usable;   /* false once a null selector is loaded */
	uint64_t desc; /* the descriptor as it was loaded */
	uint32_t base;
	uint64_t first, last; /* valid offsets, as the limit check takes them */
};

/* A task's registers, as its pt_regs hold them while it is in the kernel. */
struct segment_regs {
	struct segment_register reg[NR_SREGS];
};

/* How far a translation got: each step done fills its part of the record. */
enum seg_step {
	SEG_STEP_NONE,
	SEG_STEP_SELECTOR,   /* index, TI and RPL decoded */
	SEG_STEP_DESCRIPTOR, /* read from the CPU's GDT through paging */
	SEG_STEP_PRIVILEGE,  /* a data-readable type, DPL >= max(CPL, RPL) */
	SEG_STEP_PRESENT,    /* P set */
	SEG_STEP_LIMIT,	     /* offset within the segment */
	SEG_STEP_LINEAR,     /* base + offset */
	SEG_STEP_PHYSICAL,   /* linear through the page tables */
};

/* An exception, as the CPU would raise it. */
struct seg_fault {
	const char *name;    /* "#GP", "#NP", "#PF" */
	unsigned int vector; /* 13, 11, 14 */
	uint32_t error_code; /* a selector (RPL bits clear), 0, or #PF's bits */
	uint32_t cr2;	     /* #PF: the linear address that faulted */
	char reason[192];
};

/* #PF error code bits, as arch/x86/include/asm/trap_pf.h. */
#define X86_PF_PROT  0x1 /* the page was present: a protection fault */
#define X86_PF_WRITE 0x2
#define X86_PF_USER  0x4

/*
 * A translation of selector:offset, step by step. The access modelled is
 * a read through a data segment register: MOV DS, selector at cpl, then
 * one byte read at DS:offset. So a code segment serves only if readable
 * (a conforming one at any CPL, a non-conforming one under the same
 * privilege rule as data), and a null selector loads but faults on use.
 */
struct seg_translation {
	unsigned int cpu, cpl;
	uint16_t selector;
	uint32_t offset;
	enum seg_step done;
	bool faulted;
	struct seg_fault fault;

	int sreg; /* through a loaded register: its cache; or -1 */
	unsigned int index, ti, rpl;
	struct desc_ptr gdtr; /* the table read: the GDTR or the LDTR */
	uint32_t desc_addr;   /* the descriptor's linear address ... */
	uint64_t desc_phys;   /* ... and its physical one */
	uint64_t raw;
	struct desc_struct desc;
	uint32_t base;
	uint64_t first, last; /* valid offsets (expand-down: above limit) */
	unsigned int max_pl;  /* max(CPL, RPL) */
	bool conforming;      /* conforming code: no privilege check */
	uint32_t linear;
	struct pgtable_walk walk;
	uint64_t phys;
};

/*
 * Translate selector:offset on cpu at cpl through cpu's GDT and the page
 * table at pgd_pfn. 0 with every step in t; -EFAULT with t->fault (and
 * m->errmsg) saying which exception and why, and the steps done before
 * it in t. Refused, with t left as it was: -EOPNOTSUPP on x86_64;
 * -EINVAL for a cpu that does not exist, a selector above 0xffff, a cpl
 * above 3 or a pgd that is not a frame.
 */
int segment_translate(struct machine *m, unsigned int cpu,
		      unsigned long pgd_pfn, unsigned int selector,
		      uint32_t offset, unsigned int cpl,
		      struct seg_translation *t);
/*
 * The same for process pid: its CPU, its pgd, its LDT for TI=1, at cpl
 * (3 is the process in user mode, 0 the kernel on its behalf).
 */
int pid_segment_translate(struct machine *m, int pid, unsigned int selector,
			  uint32_t offset, unsigned int cpl,
			  struct seg_translation *t);

struct mm_struct;
/*
 * For segment_regs.c: decode t->selector and fetch its descriptor from
 * the GDT or, TI=1, mm's LDT (the LDTR a switch to mm loads), faulting
 * as the CPU does; then the limit check and the page walk of t->base +
 * t->offset.
 */
int seg_fetch_descriptor(const struct machine *m, unsigned long pgd_pfn,
			 const struct mm_struct *mm, struct seg_translation *t);
int seg_limit_and_walk(const struct machine *m, unsigned long pgd_pfn,
		       struct seg_translation *t);
int seg_raise(struct seg_translation *t, unsigned int vector,
	      uint32_t error_code, const char *reason);
/* Which offsets a descriptor's limit allows ([first, last]). */
void seg_desc_range(const struct desc_struct *d, uint64_t *first,
		    uint64_t *last);

/*
 * mmctl translate PID SELECTOR:OFFSET: the report of
 * pid_segment_translate, one line per step done, then the fault or the
 * physical address. 0 also when the translation faults (the report
 * says so); -ESRCH, -EOPNOTSUPP or -EINVAL, with m->errmsg, when it
 * cannot be made.
 */
int report_segment_translate(struct machine *m, int pid, unsigned int selector,
			     uint32_t offset, unsigned int cpl,
			     struct seq_buf *s);
/*
 * Its snapshot, mm.proto's SegTranslation (translation_report's
 * fill_at reads report_args' pid, selector, addr as the offset, cpl
 * and sreg: through that register's cache when >= 0). steps: the steps
 * done, in order ("selector" "descriptor" "privilege" "present" "limit"
 * "linear" "physical"); then each step's values: the selector's index,
 * TI, RPL and the kernel's name of a GDT index; the table read (GDT or
 * LDT, "" through a register's cache), its base and limit and the
 * descriptor's linear and physical address; the descriptor decoded as
 * ldt and segregs decode it, with base_address the base used; the
 * privilege check (max_pl = max(CPL, RPL), conforming code passes it);
 * the offsets the limit allows; the linear address and each level of
 * its walk; the physical address. faulted: the fault that ended it,
 * with its vector, error code, CR2 for #PF and why.
 */
struct seg_level_snapshot {
	char name[8];
	uint64_t index, entry, table_pfn;
};
struct seg_fault_snapshot {
	char name[4];
	uint64_t vector, error_code, cr2;
	char reason[192];
};
struct seg_translation_snapshot {
	uint64_t cpu, cpl, selector, offset;
	char sreg[4];
	char **steps;
	size_t nr_steps;
	uint64_t index, ti, rpl;
	char gdt_entry[24];
	char table[4];
	uint64_t table_base, table_limit;
	uint64_t descriptor_address, descriptor_phys;
	struct desc_snapshot descriptor;
	uint64_t base_address, max_pl;
	bool conforming;
	uint64_t first, last, linear;
	struct seg_level_snapshot *levels;
	size_t nr_levels;
	uint64_t phys, pfn, page_size;
	bool faulted;
	struct seg_fault_snapshot fault;
};
struct report_at_type;
extern const struct report_at_type translation_report;

/*
 * The segment registers (segment_regs.c). A process starts as Linux's
 * start_thread leaves it: CS __USER_CS, DS, ES and SS __USER_DS, FS and
 * GS null. do_load_segment is MOV sreg, selector at CPL 3 in task t
 * (uapi_load_segment, uapi.h, finds t for a client):
 * the checks the CPU makes on a load, then the cache filled and the
 * descriptor's accessed bit set. -EFAULT with the exception in
 * m->errmsg (#GP, #NP, #SS) and the register unchanged; -EINVAL for CS
 * (MOV to CS is #UD), an sreg past GS or a selector past 16 bits;
 * -EOPNOTSUPP on x86_64.
 */
void segment_regs_init(struct machine *m, struct segment_regs *regs,
		       unsigned int cpu);
/* A read of sreg:offset through the register's cache, with no table read. */
int sreg_translate(struct machine *m, int pid, unsigned int sreg,
		   uint32_t offset, unsigned int cpl,
		   struct seg_translation *t);
struct task_struct;
int do_load_segment(struct machine *m, struct task_struct *t, unsigned int sreg,
		    unsigned int selector);
/*
 * Each usable register's base and offsets are its cached descriptor's,
 * and CS and SS are never null.
 */
int segment_regs_check(const struct machine *m, const struct task_struct *t,
		       char *why, size_t len);
/* mmctl segregs PID: each register, visible and hidden part. */
int report_segregs(struct machine *m, int pid, struct seq_buf *s);
/*
 * Its snapshot, mm.proto's Segregs: each register in ES CS SS DS FS GS
 * order, its selector, whether it is usable (a null one is not) and, if
 * so, its cached descriptor, base and valid offsets [first, last].
 * -EOPNOTSUPP on x86_64, -ESRCH for no such process.
 */
struct segreg_snapshot {
	char name[4];
	uint64_t selector;
	bool usable;
	struct desc_snapshot descriptor;
	uint64_t base_address, first, last;
};
struct segregs_snapshot {
	struct segreg_snapshot *registers;
	size_t nr_registers;
};
extern const struct report_type segregs_report;
/* "es", "cs", ... or NULL. */
const char *sreg_name(unsigned int sreg);

#endif /* MM_SEGMENT_H */
