/* SPDX-License-Identifier: MIT */
/*
 * preempt.c - execution context: preempt_count, interrupts on and off,
 * spinlocks, interrupt and softirq batches, and might_sleep, as
 * include/linux/preempt.h, kernel/softirq.c and kernel/sched/core.c.
 *
 * Owns: the rules for entering and leaving each atomic section and
 * interrupt batch, the kernel's words when a rule is broken, and the
 * reports of each CPU's context and of the GFP flags each context may
 * use. Must never: change a context on a call it refuses, or let one
 * batch end a section another opened (a section is left in the batch
 * that entered it, as the kernel's softirq loop demands).
 *
 * Linux only warns when a count is driven below zero and carries on
 * with a wrong count; here such a call is refused (-EINVAL) with the
 * kernel's warning in the log, so the count stays right.
 */
#include "core/preempt.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/pid.h"
#include "core/printk.h"
#include "core/task.h"

/* lockdep's MAX_LOCK_DEPTH: locks one task may hold at once. */
#define MAX_LOCK_DEPTH 48
/* preempt_count_add's margin below a full field. */
#define FIELD_MARGIN 10

static const char *const section_names[NR_ATOMIC_SECTIONS] = {
	[SECTION_PREEMPT] = "preempt_disable",
	[SECTION_IRQ] = "local_irq_disable",
	[SECTION_IRQSAVE] = "local_irq_save",
	[SECTION_BH] = "local_bh_disable",
	[SECTION_SPIN_LOCK] = "spin_lock",
	[SECTION_SPIN_LOCK_IRQ] = "spin_lock_irq",
	[SECTION_SPIN_LOCK_IRQSAVE] = "spin_lock_irqsave",
	[SECTION_SPIN_LOCK_BH] = "spin_lock_bh",
};

static const char *const irq_names[NR_IRQ_KINDS] = {
	[IRQ_HARDIRQ] = "hardirq",
	[IRQ_SOFTIRQ] = "softirq",
	[IRQ_NMI] = "NMI",
};

static uint32_t irq_offset(enum irq_kind kind)
{
	if (kind == IRQ_NMI)
		return NMI_OFFSET + HARDIRQ_OFFSET;
	return kind == IRQ_HARDIRQ ? HARDIRQ_OFFSET : SOFTIRQ_OFFSET;
}

static unsigned int preempt_field(uint32_t count)
{
	return (count & PREEMPT_MASK) >> PREEMPT_SHIFT;
}

static unsigned int softirq_field(uint32_t count)
{
	return (count & SOFTIRQ_MASK) >> SOFTIRQ_SHIFT;
}

/*
 * What the innermost batch (or the task, outside any) has entered
 * itself: only that may it leave.
 */
struct own {
	unsigned int preempt; /* preempt_disable units */
	unsigned int softirq; /* local_bh_disable halves */
	unsigned int locks;
	unsigned int cpu_vars;
	bool may_enable_irqs;
};

static struct own own_sections(const struct preempt_ctx *ctx)
{
	struct own o = {preempt_field(ctx->preempt_count),
			softirq_field(ctx->preempt_count), ctx->locks,
			ctx->cpu_vars, ctx->irqs_disabled};

	if (ctx->nr_frames) {
		const struct irq_frame *f = &ctx->frames[ctx->nr_frames - 1];
		uint32_t base = f->preempt_count + irq_offset(f->kind);

		o.preempt -= preempt_field(base);
		o.softirq -= softirq_field(base);
		o.locks -= f->locks;
		o.cpu_vars -= f->cpu_vars;
		/* A handler runs with interrupts off; it may not turn them on.
		 */
		o.may_enable_irqs =
			ctx->irqs_disabled && f->kind == IRQ_SOFTIRQ;
	}
	return o;
}

static int refuse_unbalanced(struct machine *m, const char *what,
			     const char *why)
{
	return mm_refuse(m, BAD_PREEMPT, -EINVAL, "%s: %s", what, why);
}

/* ------------------------------------------------------------------ */
/* Entering                                                            */

static int check_room(struct machine *m, enum atomic_section sec, uint32_t add,
		      bool lock)
{
	const struct preempt_ctx *ctx = m->ctx;

	if (preempt_field(ctx->preempt_count) + preempt_field(add) >
		    preempt_field(PREEMPT_MASK) - FIELD_MARGIN ||
	    softirq_field(ctx->preempt_count) + softirq_field(add) >
		    softirq_field(SOFTIRQ_MASK) - FIELD_MARGIN)
		return mm_refuse(m, BAD_PREEMPT, -EOVERFLOW,
				 "%s: preempt_count %08x has no room left",
				 section_names[sec], ctx->preempt_count);
	if (lock && ctx->locks >= MAX_LOCK_DEPTH)
		return mm_refuse(m, BAD_PREEMPT, -EOVERFLOW,
				 "%s: %u locks held already (MAX_LOCK_DEPTH)",
				 section_names[sec], ctx->locks);
	return 0;
}

/* What entering sec adds to the count, and whether it takes a lock. */
static uint32_t section_offset(enum atomic_section sec, bool *lock)
{
	*lock = sec >= SECTION_SPIN_LOCK;
	switch (sec) {
	case SECTION_IRQ:
	case SECTION_IRQSAVE:
		return 0;
	case SECTION_BH:
		return SOFTIRQ_DISABLE_OFFSET;
	case SECTION_SPIN_LOCK_BH:
		return SOFTIRQ_LOCK_OFFSET;
	default:
		return PREEMPT_OFFSET;
	}
}

static bool section_disables_irqs(enum atomic_section sec)
{
	return sec == SECTION_IRQ || sec == SECTION_IRQSAVE ||
	       sec == SECTION_SPIN_LOCK_IRQ || sec == SECTION_SPIN_LOCK_IRQSAVE;
}

int atomic_section_enter(struct machine *m, enum atomic_section sec,
			 uint64_t *flags)
{
	struct preempt_ctx *ctx = m->ctx;
	uint32_t add;
	bool lock;
	int err;

	if (sec < SECTION_PREEMPT || sec >= NR_ATOMIC_SECTIONS)
		return mm_refuse(m, BAD_PREEMPT, -EINVAL,
				 "no atomic section %d", (int)sec);
	add = section_offset(sec, &lock);
	err = check_room(m, sec, add, lock);
	if (err)
		return err;
	*flags = ctx->irqs_disabled ? 0 : X86_EFLAGS_IF;
	if (sec != SECTION_IRQSAVE && sec != SECTION_SPIN_LOCK_IRQSAVE)
		*flags = 0;
	ctx->preempt_count += add;
	ctx->locks += lock;
	if (section_disables_irqs(sec))
		ctx->irqs_disabled = true;
	return 0;
}

int preempt_disable(struct machine *m)
{
	uint64_t flags;

	return atomic_section_enter(m, SECTION_PREEMPT, &flags);
}

/* ------------------------------------------------------------------ */
/* Leaving: every check first, then the change                          */

/* The preempt_disable share of a section (a lock's, a plain one's). */
static int check_preempt_share(struct machine *m, const struct own *o,
			       const char *what, bool lock)
{
	if (!preempt_field(m->ctx->preempt_count)) {
		printk(m, "DEBUG_LOCKS_WARN_ON((val < PREEMPT_MASK) && "
			  "!(preempt_count() & PREEMPT_MASK))");
		return refuse_unbalanced(m, what, "preempt_count is 0");
	}
	if (lock && !o->locks) {
		printk(m, "WARNING: bad unlock balance detected!");
		printk(m,
		       "%s is trying to release a lock but there are no "
		       "more locks to release!",
		       what);
		return refuse_unbalanced(m, what, "no lock is held");
	}
	/* Each lock and get_cpu_var keeps one unit for itself. */
	if (o->preempt < 1u + o->locks + o->cpu_vars - lock)
		return refuse_unbalanced(
			m, what,
			"no preempt_disable of its own to end (the count "
			"holds only locks' and get_cpu_var's)");
	return 0;
}

static int check_irq_restore(struct machine *m, const struct own *o,
			     const char *what, bool enable)
{
	if (!m->ctx->irqs_disabled) {
		printk(m, "raw_local_irq_restore() called with IRQs enabled");
		return refuse_unbalanced(m, what,
					 "interrupts are not disabled");
	}
	if (enable && !o->may_enable_irqs)
		return refuse_unbalanced(m, what,
					 "a handler may not enable interrupts "
					 "its interrupt disabled");
	return 0;
}

static int check_bh_enable(struct machine *m, const struct own *o,
			   const char *what)
{
	if (o->softirq < softirq_field(SOFTIRQ_DISABLE_OFFSET))
		return refuse_unbalanced(m, what, "no local_bh_disable to end");
	if (in_hardirq(m) || m->ctx->irqs_disabled) {
		printk(m, "WARNING: %s with %s", what,
		       in_hardirq(m) ? "in_hardirq()" : "irqs_disabled()");
		return refuse_unbalanced(m, what,
					 "softirqs may not be enabled in "
					 "hardirq context or with interrupts "
					 "off");
	}
	return 0;
}

static int check_exit(struct machine *m, enum atomic_section sec,
		      uint64_t flags, const char *what)
{
	struct own o = own_sections(m->ctx);
	bool lock = sec >= SECTION_SPIN_LOCK;
	bool save = sec == SECTION_IRQSAVE || sec == SECTION_SPIN_LOCK_IRQSAVE;
	int err = 0;

	if (save && flags != 0 && flags != X86_EFLAGS_IF)
		return refuse_unbalanced(m, what,
					 "flags are not what local_irq_save "
					 "gives (0 or 0x200)");
	if (sec == SECTION_BH || sec == SECTION_SPIN_LOCK_BH)
		err = check_bh_enable(m, &o, what);
	if (!err && section_disables_irqs(sec))
		err = check_irq_restore(m, &o, what,
					!save || flags == X86_EFLAGS_IF);
	if (!err && sec != SECTION_IRQ && sec != SECTION_IRQSAVE &&
	    sec != SECTION_BH)
		err = check_preempt_share(m, &o, what, lock);
	return err;
}

static const char *const exit_names[NR_ATOMIC_SECTIONS] = {
	[SECTION_PREEMPT] = "preempt_enable",
	[SECTION_IRQ] = "local_irq_enable",
	[SECTION_IRQSAVE] = "local_irq_restore",
	[SECTION_BH] = "local_bh_enable",
	[SECTION_SPIN_LOCK] = "spin_unlock",
	[SECTION_SPIN_LOCK_IRQ] = "spin_unlock_irq",
	[SECTION_SPIN_LOCK_IRQSAVE] = "spin_unlock_irqrestore",
	[SECTION_SPIN_LOCK_BH] = "spin_unlock_bh",
};

int atomic_section_exit(struct machine *m, enum atomic_section sec,
			uint64_t flags)
{
	struct preempt_ctx *ctx = m->ctx;
	bool lock;
	uint32_t sub;
	int err;

	if (sec < SECTION_PREEMPT || sec >= NR_ATOMIC_SECTIONS)
		return mm_refuse(m, BAD_PREEMPT, -EINVAL,
				 "no atomic section %d", (int)sec);
	err = check_exit(m, sec, flags, exit_names[sec]);
	if (err)
		return err;
	sub = section_offset(sec, &lock);
	ctx->preempt_count -= sub;
	ctx->locks -= lock;
	if (sec == SECTION_IRQ || sec == SECTION_SPIN_LOCK_IRQ)
		ctx->irqs_disabled = false;
	else if (sec == SECTION_IRQSAVE || sec == SECTION_SPIN_LOCK_IRQSAVE)
		ctx->irqs_disabled = flags != X86_EFLAGS_IF;
	return 0;
}

int preempt_may_enable(struct machine *m, const char *what)
{
	return check_exit(m, SECTION_PREEMPT, 0, what);
}

int preempt_enable(struct machine *m)
{
	return atomic_section_exit(m, SECTION_PREEMPT, 0);
}

/* ------------------------------------------------------------------ */
/* get_cpu_var and put_cpu_var: preemption off while a copy is used     */

int preempt_get_cpu_var(struct machine *m)
{
	int err = check_room(m, SECTION_PREEMPT, PREEMPT_OFFSET, false);

	if (err)
		return err;
	m->ctx->preempt_count += PREEMPT_OFFSET;
	m->ctx->cpu_vars++;
	return 0;
}

int preempt_put_cpu_var(struct machine *m, const char *name)
{
	struct own o = own_sections(m->ctx);

	if (!o.cpu_vars)
		return mm_refuse(m, BAD_PREEMPT, -EINVAL,
				 "put_cpu_var(%s) without get_cpu_var%s", name,
				 m->ctx->cpu_vars ? " in this batch" : "");
	if (o.preempt < o.locks + o.cpu_vars)
		return refuse_unbalanced(m, "put_cpu_var",
					 "its preempt_disable was ended "
					 "already");
	m->ctx->preempt_count -= PREEMPT_OFFSET;
	m->ctx->cpu_vars--;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Interrupt and softirq batches                                       */

static int check_irq_enter(struct machine *m, enum irq_kind kind,
			   unsigned int cpu)
{
	const struct preempt_ctx *ctx = m->ctx;
	const char *name = irq_names[kind];

	if (cpu >= m->nr_cpus)
		return mm_refuse(m, BAD_CPU, -EINVAL,
				 "%s on cpu %u: the machine has %u CPUs", name,
				 cpu, m->nr_cpus);
	if (ctx->nr_frames >= MAX_IRQ_NESTING)
		return mm_refuse(m, BAD_PREEMPT, -EOVERFLOW,
				 "%s: %u interrupt batches are nested already",
				 name, ctx->nr_frames);
	if ((ctx->nr_frames || in_atomic(m) || ctx->irqs_disabled) &&
	    cpu != m->cpu)
		return mm_refuse(m, BAD_PREEMPT, -EINVAL,
				 "%s on cpu %u: the caller is atomic on cpu "
				 "%u, where anything it runs must run",
				 name, cpu, m->cpu);
	if (kind == IRQ_NMI && in_nmi(m))
		return mm_refuse(m, BAD_PREEMPT, -EINVAL, "NMIs do not nest");
	if (kind == IRQ_HARDIRQ && (ctx->irqs_disabled || in_nmi(m)))
		return mm_refuse(m, BAD_PREEMPT, -EINVAL,
				 "no hardirq arrives with interrupts "
				 "disabled");
	if (kind == IRQ_SOFTIRQ && (in_interrupt(m) || ctx->irqs_disabled))
		return mm_refuse(m, BAD_PREEMPT, -EINVAL,
				 "softirqs do not run in interrupt context, "
				 "with softirqs disabled or interrupts off "
				 "(preempt_count %08x)",
				 ctx->preempt_count);
	return 0;
}

int irq_batch_enter(struct machine *m, enum irq_kind kind, unsigned int cpu)
{
	struct preempt_ctx *ctx = m->ctx;
	struct irq_frame *f;
	int err;

	if (kind < IRQ_HARDIRQ || kind >= NR_IRQ_KINDS)
		return mm_refuse(m, BAD_PREEMPT, -EINVAL,
				 "no interrupt kind %d", (int)kind);
	err = check_irq_enter(m, kind, cpu);
	if (err)
		return err;
	f = &ctx->frames[ctx->nr_frames++];
	*f = (struct irq_frame){kind,
				cpu,
				m->cpu,
				ctx->preempt_count,
				ctx->irqs_disabled,
				ctx->locks,
				ctx->cpu_vars};
	ctx->preempt_count += irq_offset(kind);
	if (kind != IRQ_SOFTIRQ)
		ctx->irqs_disabled = true;
	m->cpu = cpu;
	return 0;
}

/* The end of a batch that left something unbalanced: say what. */
static void report_batch_leak(struct machine *m, const struct irq_frame *f,
			      uint32_t expected)
{
	const struct preempt_ctx *ctx = m->ctx;

	m->bad[BAD_PREEMPT]++;
	if (ctx->preempt_count != expected)
		printk(m,
		       "huh, entered %s on cpu %u with preempt_count %08x, "
		       "exited with %08x?",
		       irq_names[f->kind], f->cpu, f->preempt_count,
		       ctx->preempt_count - irq_offset(f->kind));
	if (ctx->cpu_vars != f->cpu_vars)
		printk(m,
		       "BUG: %u get_cpu_var() without put_cpu_var() at the "
		       "end of the %s on cpu %u",
		       ctx->cpu_vars - f->cpu_vars, irq_names[f->kind], f->cpu);
	if (ctx->locks != f->locks)
		printk(m, "BUG: %u lock(s) held at the end of the %s on cpu %u",
		       ctx->locks - f->locks, irq_names[f->kind], f->cpu);
	if (ctx->irqs_disabled != (f->kind != IRQ_SOFTIRQ))
		printk(m, "%s on cpu %u ended with interrupts %s",
		       irq_names[f->kind], f->cpu,
		       ctx->irqs_disabled ? "disabled" : "enabled");
}

int irq_batch_exit(struct machine *m, enum irq_kind kind, uint32_t *leaked)
{
	struct preempt_ctx *ctx = m->ctx;
	const struct irq_frame *f;
	uint32_t expected;

	if (!ctx->nr_frames)
		return mm_refuse(m, BAD_PREEMPT, -EINVAL,
				 "%s_exit: not in an interrupt batch",
				 kind > 0 && kind < NR_IRQ_KINDS
					 ? irq_names[kind]
					 : "irq");
	f = &ctx->frames[ctx->nr_frames - 1];
	if (f->kind != kind)
		return mm_refuse(m, BAD_PREEMPT, -EINVAL,
				 "the innermost batch is a %s, not a %s",
				 irq_names[f->kind],
				 kind > 0 && kind < NR_IRQ_KINDS
					 ? irq_names[kind]
					 : "valid kind");
	expected = f->preempt_count + irq_offset(kind);
	*leaked = ctx->preempt_count - expected;
	if (*leaked || ctx->cpu_vars != f->cpu_vars || ctx->locks != f->locks ||
	    ctx->irqs_disabled != (kind != IRQ_SOFTIRQ))
		report_batch_leak(m, f, expected);
	/* Undone, as the softirq loop sets the count back. */
	ctx->preempt_count = f->preempt_count;
	ctx->irqs_disabled = f->irqs_disabled;
	ctx->locks = f->locks;
	ctx->cpu_vars = f->cpu_vars;
	m->cpu = f->prev_cpu;
	ctx->nr_frames--;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Sleeping, switching, exiting                                        */

static const char *current_comm(const struct machine *m, char *buf, size_t len)
{
	const struct task_struct *t = find_task_by_pid(m, m->current_pid);

	if (t)
		return t->comm;
	snprintf(buf, len, "swapper/%u", m->cpu);
	return buf;
}

void __might_sleep(struct machine *m, const char *file, int line)
{
	char comm[24];

	/* Once a call, as the kernel's one report a second. */
	if (m->ctx->reported)
		return;
	m->ctx->reported = true;
	m->bad[BAD_SLEEP_IN_ATOMIC]++;
	printk(m, "BUG: sleeping function called from invalid context at %s:%d",
	       file, line);
	printk(m,
	       "in_atomic(): %d, irqs_disabled(): %d, non_block: 0, pid: %d, "
	       "name: %s",
	       in_atomic(m), irqs_disabled(m), m->current_pid,
	       current_comm(m, comm, sizeof(comm)));
	printk(m, "preempt_count: %x, expected: 0", preempt_count(m));
}

void preempt_switch(struct machine *m, struct preempt_ctx *ctx,
		    unsigned int task_cpu)
{
	m->ctx = ctx ? ctx : &m->init_ctx;
	m->ctx->reported = false;
	m->cpu = m->ctx->nr_frames ? m->ctx->frames[m->ctx->nr_frames - 1].cpu
				   : task_cpu;
}

void preempt_exit_task(struct machine *m, struct preempt_ctx *ctx,
		       const char *comm, int pid)
{
	if (ctx->preempt_count) {
		printk(m, "BUG: scheduling while atomic: %s/%d/0x%08x", comm,
		       pid, ctx->preempt_count);
		printk(m, "note: %s[%d] exited with preempt_count %u", comm,
		       pid, ctx->preempt_count);
	}
	if (ctx->irqs_disabled)
		printk(m, "note: %s[%d] exited with irqs disabled", comm, pid);
	if (ctx->preempt_count || ctx->irqs_disabled)
		m->bad[BAD_PREEMPT]++;
	memset(ctx, 0, sizeof(*ctx));
}

/* ------------------------------------------------------------------ */
/* The checker                                                         */

static int count_frames(const struct preempt_ctx *ctx, unsigned int *hard,
			unsigned int *nmi, unsigned int *soft)
{
	*hard = *nmi = *soft = 0;
	for (unsigned int i = 0; i < ctx->nr_frames; i++) {
		const struct irq_frame *f = &ctx->frames[i];

		*nmi += f->kind == IRQ_NMI;
		*hard += f->kind != IRQ_SOFTIRQ;
		*soft += f->kind == IRQ_SOFTIRQ;
		if (i && (f->cpu != ctx->frames[i - 1].cpu ||
			  f->locks < ctx->frames[i - 1].locks ||
			  f->cpu_vars < ctx->frames[i - 1].cpu_vars))
			return -1;
	}
	return 0;
}

int preempt_ctx_check(const struct preempt_ctx *ctx, int pid, char *why,
		      size_t len)
{
	uint32_t c = ctx->preempt_count;
	unsigned int hard, nmi, soft;

	if (ctx->nr_frames > MAX_IRQ_NESTING ||
	    count_frames(ctx, &hard, &nmi, &soft))
		return check_failed(why, len,
				    "pid %d: %u interrupt batches, not nested "
				    "on one CPU",
				    pid, ctx->nr_frames);
	if ((c & NMI_MASK) >> NMI_SHIFT != nmi ||
	    (c & HARDIRQ_MASK) >> HARDIRQ_SHIFT != hard ||
	    !!(c & SOFTIRQ_OFFSET) != (soft > 0) || soft > 1)
		return check_failed(why, len,
				    "pid %d: preempt_count %08x does not count "
				    "its %u hardirq, %u NMI and %u softirq "
				    "batches",
				    pid, c, hard - nmi, nmi, soft);
	if (preempt_field(c) < ctx->locks + ctx->cpu_vars ||
	    ctx->locks > MAX_LOCK_DEPTH)
		return check_failed(
			why, len,
			"pid %d: preempt_count %08x is below its %u "
			"locks and %u get_cpu_var",
			pid, c, ctx->locks, ctx->cpu_vars);
	return 0;
}

int preempt_check(const struct machine *m, char *why, size_t len)
{
	int err = preempt_ctx_check(&m->init_ctx, 0, why, len);

	for (int pid = 1; !err && pid < PID_MAX; pid++) {
		const struct task_struct *t = find_task_by_pid(m, pid);

		if (t)
			err = preempt_ctx_check(&t->ctx, pid, why, len);
	}
	if (!err && m->ctx != &m->init_ctx) {
		const struct task_struct *t =
			find_task_by_pid(m, m->current_pid);

		if (!t || m->ctx != &t->ctx)
			return check_failed(why, len,
					    "the current context is not pid "
					    "%d's",
					    m->current_pid);
	}
	return err;
}

int preempt_init(struct machine *m)
{
	m->ctx = &m->init_ctx;
	return 0;
}

void preempt_exit(struct machine *m)
{
	m->ctx = &m->init_ctx;
}

/* ------------------------------------------------------------------ */
/* Reports                                                             */

const char *preempt_context_name(uint32_t count, bool irqs_off)
{
	if (count & NMI_MASK)
		return "nmi";
	if (count & HARDIRQ_MASK)
		return "hardirq";
	if (count & SOFTIRQ_OFFSET)
		return "softirq";
	if (count)
		return "atomic";
	return irqs_off ? "irqs-off" : "process";
}

static void preempt_row(struct preempt_snapshot *ps, unsigned int cpu, int pid,
			const char *comm, const struct preempt_ctx *ctx)
{
	struct preempt_row_snapshot *r = &ps->rows[ps->nr_rows++];
	uint32_t c = ctx->preempt_count;

	r->cpu = cpu;
	r->pid = pid;
	r->count = c;
	r->preempt = preempt_field(c);
	r->softirq = softirq_field(c);
	r->hardirq = (c & HARDIRQ_MASK) >> HARDIRQ_SHIFT;
	r->nmi = (c & NMI_MASK) >> NMI_SHIFT;
	r->irqs_disabled = ctx->irqs_disabled;
	snprintf(r->context, sizeof(r->context), "%s",
		 preempt_context_name(c, ctx->irqs_disabled));
	snprintf(r->command, sizeof(r->command), "%s", comm);
}

static unsigned int ctx_cpu(const struct preempt_ctx *ctx, unsigned int cpu)
{
	return ctx->nr_frames ? ctx->frames[ctx->nr_frames - 1].cpu : cpu;
}

static bool ctx_clean(const struct preempt_ctx *ctx)
{
	return !ctx->preempt_count && !ctx->irqs_disabled && !ctx->nr_frames;
}

static unsigned int report_cpu(const struct machine *m,
			       struct preempt_snapshot *ps, unsigned int cpu)
{
	unsigned int rows = 0;

	if (!ctx_clean(&m->init_ctx) && ctx_cpu(&m->init_ctx, m->cpu) == cpu) {
		char comm[24];

		snprintf(comm, sizeof(comm), "swapper/%u", cpu);
		preempt_row(ps, cpu, 0, comm, &m->init_ctx);
		rows++;
	}
	for (int pid = 1; pid < PID_MAX; pid++) {
		const struct task_struct *t = find_task_by_pid(m, pid);

		if (t && !ctx_clean(&t->ctx) &&
		    ctx_cpu(&t->ctx, t->cpu) == cpu) {
			preempt_row(ps, cpu, pid, t->comm, &t->ctx);
			rows++;
		}
	}
	return rows;
}

/* Each task is on one CPU: at most a row each, and one per CPU more. */
int preempt_fill(const struct machine *m, int pid, void *snap)
{
	static const struct preempt_ctx idle;
	struct preempt_snapshot *ps = snap;

	(void)pid;
	ps->rows = snap_alloc(nr_tasks(m) + 2 * m->nr_cpus, sizeof(*ps->rows));
	if (!ps->rows)
		return -ENOMEM;
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++)
		if (!report_cpu(m, ps, cpu))
			preempt_row(ps, cpu, 0, "-", &idle);
	return 0;
}

int preempt_show(const void *snap, struct seq_buf *s)
{
	const struct preempt_snapshot *ps = snap;

	seq_printf(s, "%3s %7s %-10s %7s %7s %7s %3s %4s %-8s %s\n", "CPU",
		   "PID", "COUNT", "PREEMPT", "SOFTIRQ", "HARDIRQ", "NMI",
		   "IRQS", "CONTEXT", "COMMAND");
	for (size_t i = 0; i < ps->nr_rows; i++) {
		const struct preempt_row_snapshot *r = &ps->rows[i];

		seq_printf(s,
			   "%3llu %7lld 0x%08llx %7llu %7llu %7llu %3llu %4s "
			   "%-8s %s\n",
			   (unsigned long long)r->cpu, (long long)r->pid,
			   (unsigned long long)r->count,
			   (unsigned long long)r->preempt,
			   (unsigned long long)r->softirq,
			   (unsigned long long)r->hardirq,
			   (unsigned long long)r->nmi,
			   r->irqs_disabled ? "off" : "on", r->context,
			   r->command);
	}
	return s->err;
}

int report_preempt(const struct machine *m, struct seq_buf *s)
{
	return report_show(&preempt_report, m, 0, s);
}

bool gfp_allowed(gfp_t gfp, uint32_t count, bool irqs_off)
{
	return !(gfp & __GFP_DIRECT_RECLAIM) || (!count && !irqs_off);
}

static const struct {
	const char *name;
	uint32_t count;
	bool irqs_off;
} gfp_contexts[] = {
	{"process", 0, false},
	{"preempt-off", PREEMPT_OFFSET, false},
	{"spinlock", PREEMPT_OFFSET, false},
	{"irqs-off", 0, true},
	{"bh-off", SOFTIRQ_DISABLE_OFFSET, false},
	{"softirq", SOFTIRQ_OFFSET, false},
	{"hardirq", HARDIRQ_OFFSET, true},
	{"nmi", NMI_OFFSET + HARDIRQ_OFFSET, true},
};
#define NR_GFP_CONTEXTS (sizeof(gfp_contexts) / sizeof(gfp_contexts[0]))

static const struct {
	const char *name;
	gfp_t gfp;
} gfp_masks[] = {
	{"GFP_KERNEL", GFP_KERNEL},	{"GFP_ATOMIC", GFP_ATOMIC},
	{"GFP_NOWAIT", GFP_NOWAIT},	{"GFP_NOIO", GFP_NOIO},
	{"GFP_NOFS", GFP_NOFS},		{"GFP_USER", GFP_USER},
	{"GFP_HIGHUSER", GFP_HIGHUSER}, {"GFP_DMA", GFP_DMA},
};
#define NR_GFP_MASKS (sizeof(gfp_masks) / sizeof(gfp_masks[0]))

/* A row per context: 1 where the mask may be used, 0 where not. */
int gfp_context_fill(const struct machine *m, int pid, void *snap)
{
	struct gfp_context_snapshot *g = snap;

	(void)m;
	(void)pid;
	g->contexts = snap_alloc(NR_GFP_CONTEXTS, sizeof(*g->contexts));
	if (!g->contexts)
		return -ENOMEM;
	for (size_t c = 0; c < NR_GFP_CONTEXTS; c++) {
		struct gfp_context_row_snapshot *r = &g->contexts[c];

		snprintf(r->context, sizeof(r->context), "%s",
			 gfp_contexts[c].name);
		r->allowed = snap_alloc(NR_GFP_MASKS, sizeof(*r->allowed));
		if (!r->allowed)
			return -ENOMEM;
		g->nr_contexts++;
		r->nr_allowed = NR_GFP_MASKS;
		for (size_t f = 0; f < NR_GFP_MASKS; f++)
			snap_counter_set(&r->allowed[f], gfp_masks[f].name,
					 gfp_allowed(gfp_masks[f].gfp,
						     gfp_contexts[c].count,
						     gfp_contexts[c].irqs_off));
	}
	return 0;
}

int gfp_context_show(const void *snap, struct seq_buf *s)
{
	const struct gfp_context_snapshot *g = snap;

	seq_printf(s, "%-12s", "CONTEXT");
	for (size_t f = 0; g->nr_contexts && f < g->contexts[0].nr_allowed; f++)
		seq_printf(s, " %s", g->contexts[0].allowed[f].name);
	seq_printf(s, "\n");
	for (size_t c = 0; c < g->nr_contexts; c++) {
		const struct gfp_context_row_snapshot *r = &g->contexts[c];

		seq_printf(s, "%-12s", r->context);
		for (size_t f = 0; f < r->nr_allowed; f++)
			seq_printf(s, " %*s", (int)strlen(r->allowed[f].name),
				   r->allowed[f].value ? "yes" : "no");
		seq_printf(s, "\n");
	}
	return s->err;
}

int report_gfp_context(const struct machine *m, struct seq_buf *s)
{
	return report_show(&gfp_context_report, m, 0, s);
}

#define PR(member, k) SNAP_FIELD(struct preempt_row_snapshot, member, k)
static const struct snap_field preempt_row_fields[] = {
	PR(cpu, SNAP_U64),	 PR(pid, SNAP_S64),
	PR(count, SNAP_U64),	 PR(preempt, SNAP_U64),
	PR(softirq, SNAP_U64),	 PR(hardirq, SNAP_U64),
	PR(nmi, SNAP_U64),	 PR(irqs_disabled, SNAP_BOOL),
	PR(context, SNAP_CHARS), PR(command, SNAP_CHARS),
};
static const struct snap_desc preempt_row_desc = SNAP_DESC(
	"PreemptRow", struct preempt_row_snapshot, preempt_row_fields);
static const struct snap_field preempt_fields[] = {
	SNAP_ARRAY(struct preempt_snapshot, rows, nr_rows, SNAP_ITEMS,
		   &preempt_row_desc),
};
static const struct snap_desc preempt_desc =
	SNAP_DESC("Preempt", struct preempt_snapshot, preempt_fields);
const struct report_type preempt_report = {&preempt_desc, preempt_fill,
					   preempt_show};

static const struct snap_field gfp_context_row_fields[] = {
	SNAP_FIELD(struct gfp_context_row_snapshot, context, SNAP_CHARS),
	SNAP_ARRAY(struct gfp_context_row_snapshot, allowed, nr_allowed,
		   SNAP_ITEMS, &snap_counter_desc),
};
static const struct snap_desc gfp_context_row_desc =
	SNAP_DESC("GfpContextRow", struct gfp_context_row_snapshot,
		  gfp_context_row_fields);
static const struct snap_field gfp_context_fields[] = {
	SNAP_ARRAY(struct gfp_context_snapshot, contexts, nr_contexts,
		   SNAP_ITEMS, &gfp_context_row_desc),
};
static const struct snap_desc gfp_context_desc = SNAP_DESC(
	"GfpContext", struct gfp_context_snapshot, gfp_context_fields);
const struct report_type gfp_context_report = {
	&gfp_context_desc, gfp_context_fill, gfp_context_show};
