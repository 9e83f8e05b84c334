/* SPDX-License-Identifier: MIT */
/*
 * segment_translate.c - a far pointer through an i386 MMU: selector and
 * offset to a linear address by the segmentation unit, then to a
 * physical one by the paging unit, each step recorded and reported.
 *
 * Owns: the order of the checks a CPU makes when DS is loaded with a
 * selector and a byte is read through it, the exception each failed
 * check raises, and the text of mmctl translate. Must never: change the
 * machine, apart from m->errmsg (descriptors and entries are read from
 * RAM; no accessed bit is set).
 *
 * The checks, in the order of the SDM's MOV to a segment register and
 * of the access after it:
 *   a null selector (index 0, TI 0) loads, but the access is #GP(0);
 *   TI=1 asks for the LDT: the process's own, which a switch to its
 *     mm loads into the LDTR (load_mm_ldt); a process that never called
 *     modify_ldt(2) has none, the LDTR is null: #GP(selector);
 *   an index past the GDTR's (or LDTR's) limit: #GP(selector);
 *   the descriptor is read from the table through the page tables, as
 *     the CPU reads it by linear address (a #PF if it were not mapped);
 *   a system descriptor or execute-only code cannot be read through
 *     DS: #GP(selector);
 *   data and non-conforming code need DPL >= max(CPL, RPL), so that a
 *     caller cannot borrow privilege with a low RPL: #GP(selector);
 *     conforming code may be read at any CPL;
 *   P=0: #NP(selector);
 *   the offset outside the limit (G=1: in 4 KiB units; expand-down data
 *     takes the offsets above it): #GP(0);
 *   linear = base + offset, modulo 4 GiB;
 *   the walk: nothing present is #PF with P clear; at CPL 3 a page
 *     without U/S at every level is #PF with P set; U/S in the error
 *     code says the access came from CPL 3.
 * An error code naming a selector carries its index and TI; its low two
 * bits are the EXT and IDT flags, clear for a fault of the program's own.
 */
#include "core/segment.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "core/err.h"
#include "core/ldt.h"
#include "core/mm.h"
#include "core/task.h"

/* Exception vectors, as arch/x86/include/asm/trapnr.h. */
enum x86_trap {
	X86_TRAP_NP = 11,
	X86_TRAP_GP = 13,
	X86_TRAP_PF = 14,
};

static const char *trap_name(enum x86_trap trap)
{
	return trap == X86_TRAP_NP   ? "#NP"
	       : trap == X86_TRAP_GP ? "#GP"
				     : "#PF";
}

__attribute__((format(printf, 4, 5))) static int
raise_fault(struct seg_translation *t, enum x86_trap trap, uint32_t error_code,
	    const char *fmt, ...)
{
	va_list ap;

	t->faulted = true;
	t->fault.name = trap_name(trap);
	t->fault.vector = trap;
	t->fault.error_code = error_code;
	va_start(ap, fmt);
	vsnprintf(t->fault.reason, sizeof(t->fault.reason), fmt, ap);
	va_end(ap);
	return -EFAULT;
}

/* The error code of a fault on a selector: index and TI, EXT/IDT clear. */
static uint32_t selector_error(const struct seg_translation *t)
{
	return t->selector & ~(uint32_t)SEGMENT_RPL_MASK;
}

static int decode_selector(struct seg_translation *t)
{
	t->index = t->selector >> 3;
	t->ti = (t->selector & SEGMENT_TI_MASK) ? 1 : 0;
	t->rpl = t->selector & SEGMENT_RPL_MASK;
	t->max_pl = t->cpl > t->rpl ? t->cpl : t->rpl;
	t->done = SEG_STEP_SELECTOR;
	if (!selector_error(t))
		return raise_fault(t, X86_TRAP_GP, 0,
				   "the null selector: DS may hold it, but an "
				   "access through it faults");
	return 0;
}

/* A #PF: error code from what the walk found and who asked. */
static int page_fault(struct seg_translation *t, uint32_t addr, bool present,
		      unsigned int cpl, const char *what)
{
	uint32_t code =
		(present ? X86_PF_PROT : 0) | (cpl == 3 ? X86_PF_USER : 0);

	t->fault.cr2 = addr;
	return raise_fault(t, X86_TRAP_PF, code, "%s %#x %s", what, addr,
			   present ? "is a supervisor page: CPL 3 may not "
				     "read it"
				   : "is not mapped");
}

/* The LDTR a switch to mm loads: its LDT, or null (limit 0, no base). */
static int load_ldtr(const struct mm_struct *mm, struct seg_translation *t)
{
	if (!mm || !mm->ldt)
		return raise_fault(t, X86_TRAP_GP, selector_error(t),
				   "TI=1 selects the LDT, and none is loaded "
				   "(a process has one only once it calls "
				   "modify_ldt)");
	t->gdtr.address = (uint32_t)mm->ldt->entries;
	t->gdtr.size = (uint16_t)(mm->ldt->nr_entries * LDT_ENTRY_SIZE - 1);
	return 0;
}

/* Read the descriptor as the CPU does: at table base + 8 * index, paged. */
static int read_descriptor(const struct machine *m, unsigned long pgd_pfn,
			   const struct mm_struct *mm,
			   struct seg_translation *t)
{
	struct pgtable_walk w;

	if (t->ti && load_ldtr(mm, t))
		return -EFAULT;
	if (!t->ti)
		get_gdtr(m, t->cpu, &t->gdtr);
	if (t->index * 8 + 7 > t->gdtr.size)
		return raise_fault(t, X86_TRAP_GP, selector_error(t),
				   "index %u is past the %s's limit %#x "
				   "(%u descriptors)",
				   t->index, t->ti ? "LDT" : "GDT",
				   t->gdtr.size, (t->gdtr.size + 1) / 8);
	t->desc_addr = t->gdtr.address + t->index * 8;
	/*
	 * A vmalloc'ed LDT may lie under a kernel PGD entry made after the
	 * process's pgd was copied: the CPU's fetch faults, vmalloc_fault
	 * copies the entry from swapper_pg_dir and the fetch is retried.
	 * Reading through swapper_pg_dir gives what the retry reads.
	 */
	if ((pgtable_walk(m, pgd_pfn, t->desc_addr, &w) || !w.present) &&
	    t->desc_addr >= m->layout.kernel.task_size)
		pgtable_walk(m, kernel_pgtable(m)->pgd, t->desc_addr, &w);
	if (!w.present)
		return page_fault(t, t->desc_addr, false, 0,
				  t->ti ? "the LDT's descriptor at"
					: "the GDT's descriptor at");
	t->desc_phys =
		pfn_to_phys(m, w.pfn) + (t->desc_addr & (m->page_size - 1));
	t->raw = desc_load(m->ram + t->desc_phys);
	t->desc = desc_unpack(t->raw);
	t->base = get_desc_base(&t->desc);
	t->done = SEG_STEP_DESCRIPTOR;
	return 0;
}

static bool desc_is_code(const struct desc_struct *d)
{
	return d->type & _DESC_CODE_EXECUTABLE;
}

static int check_privilege(struct seg_translation *t)
{
	const struct desc_struct *d = &t->desc;

	if (!d->s)
		return raise_fault(t, X86_TRAP_GP, selector_error(t),
				   "a system descriptor (%s) cannot be loaded "
				   "into DS",
				   desc_type_name(d));
	if (desc_is_code(d) && !(d->type & _DESC_CODE_READABLE))
		return raise_fault(t, X86_TRAP_GP, selector_error(t),
				   "execute-only code cannot be read through "
				   "DS");
	t->conforming = desc_is_code(d) && (d->type & _DESC_CODE_CONFORMING);
	if (!t->conforming && d->dpl < t->max_pl)
		return raise_fault(t, X86_TRAP_GP, selector_error(t),
				   "DPL %u < max(CPL %u, RPL %u) = %u: the "
				   "segment is more privileged than the access",
				   d->dpl, t->cpl, t->rpl, t->max_pl);
	t->done = SEG_STEP_PRIVILEGE;
	return 0;
}

static int check_present(struct seg_translation *t)
{
	if (!t->desc.p)
		return raise_fault(t, X86_TRAP_NP, selector_error(t),
				   "the segment is not present (P=0)");
	t->done = SEG_STEP_PRESENT;
	return 0;
}

/* Valid offsets: [0, limit], or (limit, top] for expand-down data. */
void seg_desc_range(const struct desc_struct *d, uint64_t *first,
		    uint64_t *last)
{
	uint64_t limit = desc_limit_bytes(d);

	if (!desc_is_code(d) && (d->type & _DESC_DATA_EXPAND_DOWN)) {
		*first = limit + 1;
		*last = d->d ? 0xffffffffULL : 0xffffULL;
	} else {
		*first = 0;
		*last = limit;
	}
}

static int check_limit(struct seg_translation *t)
{
	if (t->sreg < 0)
		seg_desc_range(&t->desc, &t->first, &t->last);
	if (t->offset < t->first || t->offset > t->last)
		return raise_fault(t, X86_TRAP_GP, 0,
				   "offset %#x is outside the segment's "
				   "offsets [%#llx, %#llx]",
				   t->offset, (unsigned long long)t->first,
				   (unsigned long long)t->last);
	t->done = SEG_STEP_LIMIT;
	return 0;
}

/* At CPL 3 every level must allow user access (U/S is ANDed down). */
static bool walk_allows_user(const struct pgtable_walk *w)
{
	for (int l = 0; l < w->levels; l++)
		if (!(w->level[l].entry & _PAGE_USER))
			return false;
	return true;
}

static int walk_linear(const struct machine *m, unsigned long pgd_pfn,
		       struct seg_translation *t)
{
	t->linear = t->base + t->offset; /* wraps at 4 GiB, as on the CPU */
	t->done = SEG_STEP_LINEAR;
	if (pgtable_walk(m, pgd_pfn, t->linear, &t->walk) || !t->walk.present)
		return page_fault(t, t->linear, false, t->cpl, "linear");
	if (t->cpl == 3 && !walk_allows_user(&t->walk))
		return page_fault(t, t->linear, true, t->cpl, "linear");
	t->phys =
		pfn_to_phys(m, t->walk.pfn) + (t->linear & (m->page_size - 1));
	t->done = SEG_STEP_PHYSICAL;
	return 0;
}

int seg_fetch_descriptor(const struct machine *m, unsigned long pgd_pfn,
			 const struct mm_struct *mm, struct seg_translation *t)
{
	int err = decode_selector(t);

	return err ? err : read_descriptor(m, pgd_pfn, mm, t);
}

int seg_limit_and_walk(const struct machine *m, unsigned long pgd_pfn,
		       struct seg_translation *t)
{
	int err = check_limit(t);

	return err ? err : walk_linear(m, pgd_pfn, t);
}

int seg_raise(struct seg_translation *t, unsigned int vector,
	      uint32_t error_code, const char *reason)
{
	return raise_fault(t, (enum x86_trap)vector, error_code, "%s", reason);
}

/* Every step in order; the first that faults ends the translation. */
static int translate(const struct machine *m, unsigned long pgd_pfn,
		     const struct mm_struct *mm, struct seg_translation *t)
{
	int err = seg_fetch_descriptor(m, pgd_pfn, mm, t);

	if (!err)
		err = check_privilege(t);
	if (!err)
		err = check_present(t);
	if (!err)
		err = seg_limit_and_walk(m, pgd_pfn, t);
	return err;
}

static int not_segmented(struct machine *m)
{
	return mm_refuse(
		m, BAD_NONE, -EOPNOTSUPP,
		"segment translation is for i386 layouts: this machine is "
		"%s, whose long mode keeps CS, DS, ES and SS flat (base 0, "
		"no limit), so an offset is already the linear address",
		m->arch->name);
}

static int do_segment_translate(struct machine *m, unsigned int cpu,
				unsigned long pgd_pfn,
				const struct mm_struct *mm,
				unsigned int selector, uint32_t offset,
				unsigned int cpl, struct seg_translation *t)
{
	int err;

	if (!m->segment)
		return not_segmented(m);
	if (cpu >= m->nr_cpus)
		return mm_refuse(m, BAD_CPU, -EINVAL,
				 "cpu %u does not exist (%u CPUs)", cpu,
				 m->nr_cpus);
	if (selector > 0xffff)
		return mm_refuse(m, BAD_ADDRESS, -EINVAL,
				 "selector %#x is wider than 16 bits",
				 selector);
	if (cpl > 3)
		return mm_refuse(m, BAD_ADDRESS, -EINVAL,
				 "CPL %u does not exist: rings are 0 to 3",
				 cpl);
	if (!pfn_valid(m, pgd_pfn))
		return mm_refuse(m, BAD_PFN, -EINVAL,
				 "pgd pfn %#lx is not a frame", pgd_pfn);
	*t = (struct seg_translation){.cpu = cpu,
				      .cpl = cpl,
				      .selector = (uint16_t)selector,
				      .offset = offset,
				      .sreg = -1};
	err = translate(m, pgd_pfn, mm, t);
	if (err)
		mm_refuse(m, BAD_NONE, err, "%s: %s", t->fault.name,
			  t->fault.reason);
	return err;
}

int segment_translate(struct machine *m, unsigned int cpu,
		      unsigned long pgd_pfn, unsigned int selector,
		      uint32_t offset, unsigned int cpl,
		      struct seg_translation *t)
{
	return do_segment_translate(m, cpu, pgd_pfn, NULL, selector, offset,
				    cpl, t);
}

int pid_segment_translate(struct machine *m, int pid, unsigned int selector,
			  uint32_t offset, unsigned int cpl,
			  struct seg_translation *t)
{
	const struct task_struct *task;

	if (!m->segment)
		return not_segmented(m);
	task = find_task_by_pid(m, pid);
	if (!task || !task->mm)
		return mm_refuse(m, BAD_NONE, -ESRCH, "no process %d", pid);
	return do_segment_translate(m, task->cpu, task->mm->pgd, task->mm,
				    selector, offset, cpl, t);
}

/* ------------------------------------------------------------------ */
/* The report                                                          */

static void show_selector(const struct seg_translation *t, struct seq_buf *s)
{
	const char *name = t->ti ? NULL : gdt_entry_name(t->index);

	if (t->sreg >= 0) {
		seq_printf(s,
			   "Far pointer:\t%s:0x%08x (%s=0x%04x) on cpu %u at "
			   "CPL %u\n",
			   sreg_name((unsigned int)t->sreg), t->offset,
			   sreg_name((unsigned int)t->sreg), t->selector,
			   t->cpu, t->cpl);
		seq_printf(s, "Cache:\tthe descriptor loaded with the "
			      "register; no table is read\n");
		return;
	}
	seq_printf(s, "Far pointer:\t0x%04x:0x%08x on cpu %u at CPL %u\n",
		   t->selector, t->offset, t->cpu, t->cpl);
	seq_printf(s, "Selector:\tindex %u%s%s%s, TI %u (%s), RPL %u\n",
		   t->index, name ? " (" : "", name ? name : "",
		   name ? ")" : "", t->ti, t->ti ? "LDT" : "GDT", t->rpl);
}

static void show_descriptor(const struct seg_translation *t, struct seq_buf *s)
{
	const struct desc_struct *d = &t->desc;

	if (t->sreg < 0)
		seq_printf(s, "%s:\tbase 0x%08x, limit 0x%04x\n",
			   t->ti ? "LDTR" : "GDTR", t->gdtr.address,
			   t->gdtr.size);
	if (t->sreg >= 0)
		seq_printf(s, "Descriptor:\t0x%016llx (cached)\n",
			   (unsigned long long)t->raw);
	else
		seq_printf(s,
			   "Descriptor:\t0x%016llx at 0x%08x (phys 0x%08llx)\n",
			   (unsigned long long)t->raw, t->desc_addr,
			   (unsigned long long)t->desc_phys);
	seq_printf(s,
		   "Segment:\tbase 0x%08x, limit 0x%05x, G=%u (last byte "
		   "0x%08x), D/B=%u, P=%u, DPL %u, S=%u, type 0x%x (%s%s)\n",
		   t->base, get_desc_limit(d), d->g, desc_limit_bytes(d), d->d,
		   d->p, d->dpl, d->s, d->type, desc_type_name(d),
		   d->s && (d->type & _DESC_ACCESSED) ? ", accessed" : "");
}

static void show_checks(const struct seg_translation *t, struct seq_buf *s)
{
	if (t->sreg >= 0)
		seq_printf(s, "Privilege:\tchecked when %s was loaded\n",
			   sreg_name((unsigned int)t->sreg));
	else if (t->done >= SEG_STEP_PRIVILEGE && t->conforming)
		seq_printf(s, "Privilege:\tconforming code: any CPL may "
			      "read it\n");
	else if (t->done >= SEG_STEP_PRIVILEGE)
		seq_printf(s,
			   "Privilege:\tDPL %u >= max(CPL %u, RPL %u) = %u\n",
			   t->desc.dpl, t->cpl, t->rpl, t->max_pl);
	if (t->done >= SEG_STEP_PRESENT && t->sreg < 0)
		seq_printf(s, "Present:\tP=1\n");
	if (t->done >= SEG_STEP_LIMIT)
		seq_printf(s, "Limit:\toffset 0x%08x in [0x%08llx, 0x%08llx]\n",
			   t->offset, (unsigned long long)t->first,
			   (unsigned long long)t->last);
}

static void show_paging(const struct seg_translation *t, struct seq_buf *s)
{
	const struct pgtable_walk *w = &t->walk;

	if (t->done < SEG_STEP_LINEAR)
		return;
	seq_printf(s, "Linear:\t0x%08x + 0x%08x = 0x%08x\n", t->base, t->offset,
		   t->linear);
	for (int l = 0; l < w->levels; l++)
		seq_printf(s,
			   "%s:\tindex %4u  entry 0x%08llx  table pfn %#lx\n",
			   w->level[l].name, w->level[l].index,
			   (unsigned long long)w->level[l].entry,
			   w->level[l].table_pfn);
	if (t->done >= SEG_STEP_PHYSICAL)
		seq_printf(s, "Physical:\t0x%08llx (pfn %#lx, %llu kB page)\n",
			   (unsigned long long)t->phys, w->pfn,
			   (unsigned long long)(w->page_size >> 10));
}

static void show_fault(const struct seg_translation *t, struct seq_buf *s)
{
	const struct seg_fault *f = &t->fault;

	if (f->vector == X86_TRAP_PF)
		seq_printf(s, "Fault:\t%s(%#x), CR2 0x%08x: %s\n", f->name,
			   f->error_code, f->cr2, f->reason);
	else
		seq_printf(s, "Fault:\t%s(%#x): %s\n", f->name, f->error_code,
			   f->reason);
}

int report_seg_translation(const struct seg_translation *t, struct seq_buf *s)
{
	show_selector(t, s);
	if (t->done >= SEG_STEP_DESCRIPTOR)
		show_descriptor(t, s);
	show_checks(t, s);
	show_paging(t, s);
	if (t->faulted)
		show_fault(t, s);
	return s->err;
}

int report_segment_translate(struct machine *m, int pid, unsigned int selector,
			     uint32_t offset, unsigned int cpl,
			     struct seq_buf *s)
{
	struct seg_translation t;
	int err = pid_segment_translate(m, pid, selector, offset, cpl, &t);

	if (err && err != -EFAULT)
		return err;
	return report_seg_translation(&t, s);
}
