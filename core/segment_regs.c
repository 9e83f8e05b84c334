/* SPDX-License-Identifier: MIT */
/*
 * segment_regs.c - a process's segment registers on an i386 machine:
 * the selector it can see and the descriptor cache it cannot, loaded by
 * MOV sreg with the checks the CPU makes, and reads through a loaded
 * register.
 *
 * Owns: each task's CS, SS, DS, ES, FS and GS (struct segment_regs in
 * its task_struct, as its pt_regs would hold them), the load checks of
 * the SDM's MOV to a segment register, and the accessed bit a load sets
 * in the descriptor. Must never: change a register on a load that
 * faults, or read a table when using a register (the cache is what the
 * CPU uses: a descriptor changed after the load has no effect until the
 * register is loaded again).
 *
 * The load checks, in the CPU's order, for MOV at CPL 3:
 *   CS cannot be the target (#UD: refused);
 *   a null selector loads into DS, ES, FS or GS (the register becomes
 *     unusable, an access through it is #GP(0)), but into SS is #GP(0);
 *   the descriptor is fetched as translate fetches it (GDT or, TI=1,
 *     the process's LDT; past the limit: #GP(selector));
 *   SS: RPL and DPL must equal CPL and the segment be writable data,
 *     else #GP(selector); not present is #SS(selector);
 *   DS, ES, FS, GS: data or readable code, else #GP(selector); data and
 *     non-conforming code need RPL <= DPL and CPL <= DPL, else
 *     #GP(selector); not present is #NP(selector).
 */
#include <errno.h>
#include <stdio.h>

#include "core/err.h"
#include "core/ldt.h"
#include "core/mm.h"
#include "core/segment.h"
#include "core/snapshot.h"
#include "core/task.h"

enum { SEG_TRAP_NP = 11, SEG_TRAP_SS = 12, SEG_TRAP_GP = 13 };

static const char *const sreg_names[NR_SREGS] = {"es", "cs", "ss",
						 "ds", "fs", "gs"};

const char *sreg_name(unsigned int sreg)
{
	return sreg < NR_SREGS ? sreg_names[sreg] : NULL;
}

/* The hidden part, filled from a descriptor. */
static void sreg_fill(struct segment_register *r, uint16_t selector,
		      uint64_t raw)
{
	struct desc_struct d = desc_unpack(raw);

	r->selector = selector;
	r->usable = true;
	r->desc = raw;
	r->base = get_desc_base(&d);
	seg_desc_range(&d, &r->first, &r->last);
}

/* start_thread: user code and data, FS and GS null. */
void segment_regs_init(struct machine *m, struct segment_regs *regs,
		       unsigned int cpu)
{
	uint64_t code = 0, data = 0;

	*regs = (struct segment_regs){0};
	if (!m->segment)
		return;
	gdt_read(m, cpu, GDT_ENTRY_DEFAULT_USER_CS, &code);
	gdt_read(m, cpu, GDT_ENTRY_DEFAULT_USER_DS, &data);
	sreg_fill(&regs->reg[SREG_CS], __USER_CS, code);
	sreg_fill(&regs->reg[SREG_SS], __USER_DS, data);
	sreg_fill(&regs->reg[SREG_DS], __USER_DS, data);
	sreg_fill(&regs->reg[SREG_ES], __USER_DS, data);
}

static bool seg_is_code(const struct desc_struct *d)
{
	return d->type & _DESC_CODE_EXECUTABLE;
}

/* SS: writable data at exactly the CPL, by a selector of that RPL. */
static int check_ss(struct seg_translation *t)
{
	const struct desc_struct *d = &t->desc;
	uint32_t sel = t->selector & ~(uint32_t)SEGMENT_RPL_MASK;

	if (t->rpl != t->cpl)
		return seg_raise(t, SEG_TRAP_GP, sel,
				 "SS needs RPL = CPL: the stack is the "
				 "current privilege level's");
	if (!d->s || seg_is_code(d) || !(d->type & _DESC_DATA_WRITABLE))
		return seg_raise(t, SEG_TRAP_GP, sel,
				 "SS needs a writable data segment");
	if (d->dpl != t->cpl)
		return seg_raise(t, SEG_TRAP_GP, sel, "SS needs DPL = CPL");
	if (!d->p)
		return seg_raise(t, SEG_TRAP_SS, sel,
				 "the stack segment is not present (P=0)");
	return 0;
}

/* DS, ES, FS, GS: readable, and not more privileged than CPL or RPL. */
static int check_data_sreg(struct seg_translation *t)
{
	const struct desc_struct *d = &t->desc;
	uint32_t sel = t->selector & ~(uint32_t)SEGMENT_RPL_MASK;
	bool conforming = seg_is_code(d) && (d->type & _DESC_CODE_CONFORMING);

	if (!d->s || (seg_is_code(d) && !(d->type & _DESC_CODE_READABLE)))
		return seg_raise(t, SEG_TRAP_GP, sel,
				 "only data or readable code may be loaded "
				 "into a data segment register");
	if (!conforming && (t->rpl > d->dpl || t->cpl > d->dpl))
		return seg_raise(t, SEG_TRAP_GP, sel,
				 "RPL or CPL above the segment's DPL: it is "
				 "more privileged than the load");
	if (!d->p)
		return seg_raise(t, SEG_TRAP_NP, sel,
				 "the segment is not present (P=0)");
	return 0;
}

/* The CPU marks a descriptor accessed when it loads it. */
static void set_accessed(struct machine *m, const struct task_struct *task,
			 const struct seg_translation *t)
{
	if (t->raw & (uint64_t)_DESC_ACCESSED << 40)
		return;
	if (t->ti)
		ldt_set_accessed(m, task->mm, t->index);
	else
		gdt_set_accessed(m, task->cpu, t->index);
}

/* MOV sreg, selector in task: the checks, then the cache. */
static int mov_sreg(struct machine *m, struct task_struct *task,
		    unsigned int sreg, uint16_t selector)
{
	struct seg_translation t = {
		.cpu = task->cpu, .cpl = 3, .selector = selector, .sreg = -1};
	struct segment_register *r = &task->segs.reg[sreg];
	int err;

	if (!(selector & ~SEGMENT_RPL_MASK) && sreg != SREG_SS) {
		*r = (struct segment_register){.selector = selector};
		return 0;
	}
	if (!(selector & ~SEGMENT_RPL_MASK))
		err = seg_raise(&t, SEG_TRAP_GP, 0, "SS cannot be null");
	else
		err = seg_fetch_descriptor(m, task->mm->pgd, task->mm, &t);
	if (!err)
		err = sreg == SREG_SS ? check_ss(&t) : check_data_sreg(&t);
	if (err)
		return mm_refuse(m, BAD_NONE, err, "%s: %s", t.fault.name,
				 t.fault.reason);
	set_accessed(m, task, &t);
	sreg_fill(r, selector, t.raw | (uint64_t)_DESC_ACCESSED << 40);
	return 0;
}

static int not_segmented(struct machine *m)
{
	return mm_refuse(m, BAD_NONE, -EOPNOTSUPP,
			 "segment registers are for i386 layouts: in long "
			 "mode CS, DS, ES and SS are flat");
}

int do_load_segment(struct machine *m, struct task_struct *t, unsigned int sreg,
		    unsigned int selector)
{
	if (!m->segment)
		return not_segmented(m);
	if (sreg >= NR_SREGS || sreg == SREG_CS)
		return mm_refuse(m, BAD_NONE, -EINVAL,
				 "sreg %u: MOV loads es (0), ss (2), ds (3), "
				 "fs (4) or gs (5); CS only a far jump does",
				 sreg);
	if (selector > 0xffff)
		return mm_refuse(m, BAD_ADDRESS, -EINVAL,
				 "selector %#x is wider than 16 bits",
				 selector);
	return mov_sreg(m, t, sreg, (uint16_t)selector);
}

int sreg_translate(struct machine *m, int pid, unsigned int sreg,
		   uint32_t offset, unsigned int cpl, struct seg_translation *t)
{
	const struct task_struct *task;
	const struct segment_register *r;
	int err = 0;

	if (!m->segment)
		return not_segmented(m);
	if (sreg >= NR_SREGS || cpl > 3)
		return mm_refuse(m, BAD_NONE, -EINVAL,
				 "sreg %u or CPL %u does not exist (0-5, 0-3)",
				 sreg, cpl);
	task = find_task_by_pid(m, pid);
	if (!task || !task->mm)
		return mm_refuse(m, BAD_NONE, -ESRCH, "no process %d", pid);
	r = &task->segs.reg[sreg];
	*t = (struct seg_translation){.cpu = task->cpu,
				      .cpl = cpl,
				      .selector = r->selector,
				      .offset = offset,
				      .sreg = (int)sreg,
				      .index = r->selector >> 3,
				      .ti = (r->selector & SEGMENT_TI_MASK) ? 1
									    : 0,
				      .rpl = r->selector & SEGMENT_RPL_MASK,
				      .raw = r->desc,
				      .desc = desc_unpack(r->desc),
				      .base = r->base,
				      .first = r->first,
				      .last = r->last};
	t->done = SEG_STEP_SELECTOR;
	if (!r->usable)
		err = seg_raise(t, SEG_TRAP_GP, 0,
				"the register holds a null selector");
	if (!err) {
		t->done = SEG_STEP_PRESENT;
		err = seg_limit_and_walk(m, task->mm->pgd, t);
	}
	if (err)
		mm_refuse(m, BAD_NONE, err, "%s: %s", t->fault.name,
			  t->fault.reason);
	return err;
}

int segment_regs_check(const struct machine *m, const struct task_struct *t,
		       char *why, size_t len)
{
	if (!m->segment)
		return 0;
	for (unsigned int i = 0; i < NR_SREGS; i++) {
		const struct segment_register *r = &t->segs.reg[i];
		struct segment_register want;

		if (!r->usable && (i == SREG_CS || i == SREG_SS))
			return check_failed(why, len, "pid %d: %s is null",
					    t->pid, sreg_names[i]);
		if (!r->usable)
			continue;
		sreg_fill(&want, r->selector, r->desc);
		if (want.base != r->base || want.first != r->first ||
		    want.last != r->last)
			return check_failed(why, len,
					    "pid %d: %s=0x%04x: its cache "
					    "disagrees with its descriptor "
					    "%#018llx",
					    t->pid, sreg_names[i], r->selector,
					    (unsigned long long)r->desc);
	}
	return 0;
}

static int segregs_fill(const struct machine *m, int pid, void *snap)
{
	struct segregs_snapshot *ss = snap;
	const struct task_struct *task;

	if (!m->segment)
		return not_segmented((struct machine *)m);
	task = find_task_by_pid(m, pid);
	if (!task || !task->mm)
		return -ESRCH;
	ss->registers = snap_alloc(NR_SREGS, sizeof(*ss->registers));
	if (!ss->registers)
		return -ENOMEM;
	for (unsigned int i = 0; i < NR_SREGS; i++) {
		const struct segment_register *r = &task->segs.reg[i];
		struct segreg_snapshot *rs = &ss->registers[ss->nr_registers++];

		snprintf(rs->name, sizeof(rs->name), "%s", sreg_names[i]);
		rs->selector = r->selector;
		rs->usable = r->usable;
		if (!r->usable)
			continue;
		desc_snapshot_fill(r->desc, &rs->descriptor);
		rs->base_address = r->base;
		rs->first = r->first;
		rs->last = r->last;
	}
	return 0;
}

static int segregs_show(const void *snap, struct seq_buf *s)
{
	const struct segregs_snapshot *ss = snap;

	for (size_t i = 0; i < ss->nr_registers; i++) {
		const struct segreg_snapshot *r = &ss->registers[i];

		if (!r->usable) {
			seq_printf(s,
				   "%s:\tselector 0x%04llx, null (unusable)\n",
				   r->name, (unsigned long long)r->selector);
			continue;
		}
		seq_printf(
			s,
			"%s:\tselector 0x%04llx, cached descriptor 0x%016llx, "
			"base 0x%08llx, offsets [0x%08llx, 0x%08llx]\n",
			r->name, (unsigned long long)r->selector,
			(unsigned long long)r->descriptor.raw,
			(unsigned long long)r->base_address,
			(unsigned long long)r->first,
			(unsigned long long)r->last);
	}
	return s->err;
}

int report_segregs(struct machine *m, int pid, struct seq_buf *s)
{
	if (!find_task_by_pid(m, pid) && m->segment)
		return mm_refuse(m, BAD_NONE, -ESRCH, "no process %d", pid);
	return report_show(&segregs_report, m, pid, s);
}

#define SR(member, k) SNAP_FIELD(struct segreg_snapshot, member, k)
static const struct snap_field segreg_fields[] = {
	SR(name, SNAP_CHARS),
	SR(selector, SNAP_U64),
	SR(usable, SNAP_BOOL),
	SNAP_ONE(struct segreg_snapshot, descriptor, &desc_snapshot_desc),
	SR(base_address, SNAP_U64),
	SR(first, SNAP_U64),
	SR(last, SNAP_U64),
};
static const struct snap_desc segreg_desc =
	SNAP_DESC("SegmentRegister", struct segreg_snapshot, segreg_fields);
static const struct snap_field segregs_fields[] = {
	SNAP_ARRAY(struct segregs_snapshot, registers, nr_registers, SNAP_ITEMS,
		   &segreg_desc),
};
static const struct snap_desc segregs_desc =
	SNAP_DESC("Segregs", struct segregs_snapshot, segregs_fields);
const struct report_type segregs_report = {&segregs_desc, segregs_fill,
					   segregs_show};
