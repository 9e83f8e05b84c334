/* SPDX-License-Identifier: MIT */
/*
 * preempt_types.h - the records of execution context: a task's
 * preempt_count, interrupt state and the interrupt batches it is in
 * (preempt.h says what they mean and changes them).
 *
 * Owns: struct preempt_ctx and struct irq_frame, apart from preempt.h
 * so that struct machine can hold the kernel's own context (init_ctx)
 * and task_struct each task's. Must never: hold code.
 */
#ifndef MM_PREEMPT_TYPES_H
#define MM_PREEMPT_TYPES_H

#include <stdbool.h>
#include <stdint.h>

enum irq_kind {
	IRQ_HARDIRQ = 1, /* irq_enter ... irq_exit: a handler */
	IRQ_SOFTIRQ,	 /* a softirq (or tasklet) being served */
	IRQ_NMI,	 /* nmi_enter ... nmi_exit */
	NR_IRQ_KINDS
};

/* Interrupt batches one inside another, at most (NMI in hardirq in ...). */
#define MAX_IRQ_NESTING 4

/* What a batch found when it began, to hold its end to. */
struct irq_frame {
	enum irq_kind kind;
	unsigned int cpu;      /* the CPU the batch runs on */
	unsigned int prev_cpu; /* the CPU to go back to */
	uint32_t preempt_count;
	bool irqs_disabled;
	unsigned int locks;
	unsigned int cpu_vars;
};

struct preempt_ctx {
	uint32_t preempt_count;
	bool irqs_disabled;
	unsigned int locks;    /* spinlocks held, as lockdep counts them */
	unsigned int cpu_vars; /* get_cpu_var not yet put */
	unsigned int nr_frames;
	struct irq_frame frames[MAX_IRQ_NESTING];
	bool reported; /* a might_sleep BUG printed in this call */
};

#endif /* MM_PREEMPT_TYPES_H */
