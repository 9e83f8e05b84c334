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
#include "core/snapshot.h"
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

static const char *const step_names[] = {
	[SEG_STEP_SELECTOR] = "selector",
	[SEG_STEP_DESCRIPTOR] = "descriptor",
	[SEG_STEP_PRIVILEGE] = "privilege",
	[SEG_STEP_PRESENT] = "present",
	[SEG_STEP_LIMIT] = "limit",
	[SEG_STEP_LINEAR] = "linear",
	[SEG_STEP_PHYSICAL] = "physical",
};

/* The selector, the table and the descriptor, as far as they were read. */
static void fill_segment(const struct seg_translation *t,
			 struct seg_translation_snapshot *ts)
{
	const char *name = t->ti ? NULL : gdt_entry_name(t->index);

	ts->cpu = t->cpu;
	ts->cpl = t->cpl;
	ts->selector = t->selector;
	ts->offset = t->offset;
	if (t->sreg >= 0)
		snprintf(ts->sreg, sizeof(ts->sreg), "%s",
			 sreg_name((unsigned int)t->sreg));
	ts->index = t->index;
	ts->ti = t->ti;
	ts->rpl = t->rpl;
	snprintf(ts->gdt_entry, sizeof(ts->gdt_entry), "%s", name ? name : "");
	if (t->done < SEG_STEP_DESCRIPTOR)
		return;
	if (t->sreg < 0) {
		snprintf(ts->table, sizeof(ts->table), "%s",
			 t->ti ? "LDT" : "GDT");
		ts->table_base = t->gdtr.address;
		ts->table_limit = t->gdtr.size;
		ts->descriptor_address = t->desc_addr;
		ts->descriptor_phys = t->desc_phys;
	}
	desc_snapshot_fill(t->raw, &ts->descriptor);
	ts->base_address = t->base;
}

/* The checks, the linear address, its walk and where it ended. */
static int fill_checks_and_paging(const struct seg_translation *t,
				  struct seg_translation_snapshot *ts)
{
	const struct pgtable_walk *w = &t->walk;

	ts->max_pl = t->max_pl;
	ts->conforming = t->conforming;
	if (t->done >= SEG_STEP_LIMIT) {
		ts->first = t->first;
		ts->last = t->last;
	}
	if (t->done < SEG_STEP_LINEAR)
		return 0;
	ts->linear = t->linear;
	ts->levels = snap_alloc((size_t)w->levels, sizeof(*ts->levels));
	if (!ts->levels)
		return -ENOMEM;
	for (int l = 0; l < w->levels; l++) {
		struct seg_level_snapshot *ls = &ts->levels[ts->nr_levels++];

		snprintf(ls->name, sizeof(ls->name), "%s", w->level[l].name);
		ls->index = w->level[l].index;
		ls->entry = w->level[l].entry;
		ls->table_pfn = w->level[l].table_pfn;
	}
	if (t->done >= SEG_STEP_PHYSICAL) {
		ts->phys = t->phys;
		ts->pfn = w->pfn;
		ts->page_size = w->page_size;
	}
	return 0;
}

static void fill_fault(const struct seg_translation *t,
		       struct seg_translation_snapshot *ts)
{
	struct seg_fault_snapshot *f = &ts->fault;

	ts->faulted = t->faulted;
	if (!t->faulted)
		return;
	snprintf(f->name, sizeof(f->name), "%s", t->fault.name);
	f->vector = t->fault.vector;
	f->error_code = t->fault.error_code;
	f->cr2 = t->fault.vector == X86_TRAP_PF ? t->fault.cr2 : 0;
	snprintf(f->reason, sizeof(f->reason), "%s", t->fault.reason);
}

/*
 * A report is a look: the translation writes only m->errmsg (why it
 * faulted or was refused), which the caller reads as a refusal's text.
 */
static int translation_fill(const struct machine *m,
			    const struct report_args *a, void *snap)
{
	struct seg_translation_snapshot *ts = snap;
	struct machine *mw = (struct machine *)m;
	struct seg_translation t = {.sreg = -1};
	int err =
		a->sreg >= 0
			? sreg_translate(mw, a->pid, (unsigned int)a->sreg,
					 (uint32_t)a->addr, a->cpl, &t)
			: pid_segment_translate(mw, a->pid, a->selector,
						(uint32_t)a->addr, a->cpl, &t);

	if (err && err != -EFAULT)
		return err;
	fill_segment(&t, ts);
	fill_fault(&t, ts);
	err = snap_names(step_names + 1, t.done, &ts->steps, &ts->nr_steps);
	return err ? err : fill_checks_and_paging(&t, ts);
}

static bool step_done(const struct seg_translation_snapshot *ts,
		      enum seg_step step)
{
	return ts->nr_steps >= (size_t)step;
}

static void show_selector(const struct seg_translation_snapshot *ts,
			  struct seq_buf *s)
{
	const char *name = ts->gdt_entry;

	if (ts->sreg[0]) {
		seq_printf(s,
			   "Far pointer:\t%s:0x%08llx (%s=0x%04llx) on cpu "
			   "%llu at CPL %llu\n",
			   ts->sreg, (unsigned long long)ts->offset, ts->sreg,
			   (unsigned long long)ts->selector,
			   (unsigned long long)ts->cpu,
			   (unsigned long long)ts->cpl);
		seq_printf(s, "Cache:\tthe descriptor loaded with the "
			      "register; no table is read\n");
		return;
	}
	seq_printf(s,
		   "Far pointer:\t0x%04llx:0x%08llx on cpu %llu at CPL %llu\n",
		   (unsigned long long)ts->selector,
		   (unsigned long long)ts->offset, (unsigned long long)ts->cpu,
		   (unsigned long long)ts->cpl);
	seq_printf(s, "Selector:\tindex %llu%s%s%s, TI %llu (%s), RPL %llu\n",
		   (unsigned long long)ts->index, name[0] ? " (" : "", name,
		   name[0] ? ")" : "", (unsigned long long)ts->ti,
		   ts->ti ? "LDT" : "GDT", (unsigned long long)ts->rpl);
}

static void show_descriptor(const struct seg_translation_snapshot *ts,
			    struct seq_buf *s)
{
	const struct desc_snapshot *d = &ts->descriptor;

	if (ts->sreg[0])
		seq_printf(s, "Descriptor:\t0x%016llx (cached)\n",
			   (unsigned long long)d->raw);
	else
		seq_printf(s,
			   "%sR:\tbase 0x%08llx, limit 0x%04llx\n"
			   "Descriptor:\t0x%016llx at 0x%08llx (phys "
			   "0x%08llx)\n",
			   ts->table, (unsigned long long)ts->table_base,
			   (unsigned long long)ts->table_limit,
			   (unsigned long long)d->raw,
			   (unsigned long long)ts->descriptor_address,
			   (unsigned long long)ts->descriptor_phys);
	seq_printf(s,
		   "Segment:\tbase 0x%08llx, limit 0x%05llx, G=%llu (last "
		   "byte 0x%08llx), D/B=%llu, P=%llu, DPL %llu, S=%llu, type "
		   "0x%llx (%s%s)\n",
		   (unsigned long long)ts->base_address,
		   (unsigned long long)d->limit, (unsigned long long)d->g,
		   (unsigned long long)d->limit_bytes,
		   (unsigned long long)d->d_b, (unsigned long long)d->p,
		   (unsigned long long)d->dpl, (unsigned long long)d->s,
		   (unsigned long long)d->type, d->type_name,
		   d->accessed ? ", accessed" : "");
}

static void show_checks(const struct seg_translation_snapshot *ts,
			struct seq_buf *s)
{
	if (ts->sreg[0])
		seq_printf(s, "Privilege:\tchecked when %s was loaded\n",
			   ts->sreg);
	else if (step_done(ts, SEG_STEP_PRIVILEGE) && ts->conforming)
		seq_printf(s, "Privilege:\tconforming code: any CPL may "
			      "read it\n");
	else if (step_done(ts, SEG_STEP_PRIVILEGE))
		seq_printf(s,
			   "Privilege:\tDPL %llu >= max(CPL %llu, RPL %llu) = "
			   "%llu\n",
			   (unsigned long long)ts->descriptor.dpl,
			   (unsigned long long)ts->cpl,
			   (unsigned long long)ts->rpl,
			   (unsigned long long)ts->max_pl);
	if (step_done(ts, SEG_STEP_PRESENT) && !ts->sreg[0])
		seq_printf(s, "Present:\tP=1\n");
	if (step_done(ts, SEG_STEP_LIMIT))
		seq_printf(s,
			   "Limit:\toffset 0x%08llx in [0x%08llx, 0x%08llx]\n",
			   (unsigned long long)ts->offset,
			   (unsigned long long)ts->first,
			   (unsigned long long)ts->last);
}

static void show_paging(const struct seg_translation_snapshot *ts,
			struct seq_buf *s)
{
	if (!step_done(ts, SEG_STEP_LINEAR))
		return;
	seq_printf(s, "Linear:\t0x%08llx + 0x%08llx = 0x%08llx\n",
		   (unsigned long long)ts->base_address,
		   (unsigned long long)ts->offset,
		   (unsigned long long)ts->linear);
	for (size_t l = 0; l < ts->nr_levels; l++)
		seq_printf(s,
			   "%s:\tindex %4llu  entry 0x%08llx  table pfn "
			   "%#llx\n",
			   ts->levels[l].name,
			   (unsigned long long)ts->levels[l].index,
			   (unsigned long long)ts->levels[l].entry,
			   (unsigned long long)ts->levels[l].table_pfn);
	if (step_done(ts, SEG_STEP_PHYSICAL))
		seq_printf(s, "Physical:\t0x%08llx (pfn %#llx, %llu kB page)\n",
			   (unsigned long long)ts->phys,
			   (unsigned long long)ts->pfn,
			   (unsigned long long)(ts->page_size >> 10));
}

static void show_fault(const struct seg_fault_snapshot *f, struct seq_buf *s)
{
	if (f->vector == X86_TRAP_PF)
		seq_printf(s, "Fault:\t%s(%#llx), CR2 0x%08llx: %s\n", f->name,
			   (unsigned long long)f->error_code,
			   (unsigned long long)f->cr2, f->reason);
	else
		seq_printf(s, "Fault:\t%s(%#llx): %s\n", f->name,
			   (unsigned long long)f->error_code, f->reason);
}

static int translation_show(const void *snap, struct seq_buf *s)
{
	const struct seg_translation_snapshot *ts = snap;

	show_selector(ts, s);
	if (step_done(ts, SEG_STEP_DESCRIPTOR))
		show_descriptor(ts, s);
	show_checks(ts, s);
	show_paging(ts, s);
	if (ts->faulted)
		show_fault(&ts->fault, s);
	return s->err;
}

int report_segment_translate(struct machine *m, int pid, unsigned int selector,
			     uint32_t offset, unsigned int cpl,
			     struct seq_buf *s)
{
	struct report_args a = {.pid = pid,
				.addr = offset,
				.selector = selector,
				.cpl = cpl,
				.sreg = -1};

	return report_show_at(&translation_report.t, m, &a, s);
}

#define TL(member, k) SNAP_FIELD(struct seg_level_snapshot, member, k)
static const struct snap_field seg_level_fields[] = {
	TL(name, SNAP_CHARS),
	TL(index, SNAP_U64),
	TL(entry, SNAP_U64),
	TL(table_pfn, SNAP_U64),
};
static const struct snap_desc seg_level_desc = SNAP_DESC(
	"SegTranslationLevel", struct seg_level_snapshot, seg_level_fields);
#define TF(member, k) SNAP_FIELD(struct seg_fault_snapshot, member, k)
static const struct snap_field seg_fault_fields[] = {
	TF(name, SNAP_CHARS), TF(vector, SNAP_U64),   TF(error_code, SNAP_U64),
	TF(cr2, SNAP_U64),    TF(reason, SNAP_CHARS),
};
static const struct snap_desc seg_fault_desc =
	SNAP_DESC("SegFault", struct seg_fault_snapshot, seg_fault_fields);
#define TS(member, k) SNAP_FIELD(struct seg_translation_snapshot, member, k)
static const struct snap_field seg_translation_fields[] = {
	TS(cpu, SNAP_U64),
	TS(cpl, SNAP_U64),
	TS(selector, SNAP_U64),
	TS(offset, SNAP_U64),
	TS(sreg, SNAP_CHARS),
	SNAP_ARRAY(struct seg_translation_snapshot, steps, nr_steps, SNAP_STRS,
		   NULL),
	TS(index, SNAP_U64),
	TS(ti, SNAP_U64),
	TS(rpl, SNAP_U64),
	TS(gdt_entry, SNAP_CHARS),
	TS(table, SNAP_CHARS),
	TS(table_base, SNAP_U64),
	TS(table_limit, SNAP_U64),
	TS(descriptor_address, SNAP_U64),
	TS(descriptor_phys, SNAP_U64),
	SNAP_ONE(struct seg_translation_snapshot, descriptor,
		 &desc_snapshot_desc),
	TS(base_address, SNAP_U64),
	TS(max_pl, SNAP_U64),
	TS(conforming, SNAP_BOOL),
	TS(first, SNAP_U64),
	TS(last, SNAP_U64),
	TS(linear, SNAP_U64),
	SNAP_ARRAY(struct seg_translation_snapshot, levels, nr_levels,
		   SNAP_ITEMS, &seg_level_desc),
	TS(phys, SNAP_U64),
	TS(pfn, SNAP_U64),
	TS(page_size, SNAP_U64),
	TS(faulted, SNAP_BOOL),
	SNAP_ONE(struct seg_translation_snapshot, fault, &seg_fault_desc),
};
static const struct snap_desc seg_translation_desc =
	SNAP_DESC("SegTranslation", struct seg_translation_snapshot,
		  seg_translation_fields);
const struct report_at_type translation_report = {
	{&seg_translation_desc, NULL, translation_show}, translation_fill};
