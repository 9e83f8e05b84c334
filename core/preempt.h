/* SPDX-License-Identifier: MIT */
/*
 * preempt.h - execution context: preempt_count with the kernel's fields,
 * interrupts on and off, spinlocks, interrupt and softirq batches, and
 * might_sleep, as include/linux/preempt.h, irqflags.h, spinlock.h and
 * kernel/sched/core.c's __might_sleep.
 *
 * Owns: each task's context (struct preempt_ctx, kept in its
 * task_struct, as generic architectures keep preempt_count in
 * thread_info), the kernel's own context for calls made as no task, and
 * the rules for entering and leaving atomic sections. Must never: leave
 * a count changed on a call it refuses, or let a section be left that
 * was never entered (the count would wrap, as the kernel's
 * DEBUG_LOCKS_WARN_ON catches).
 *
 * The machine's CPUs run one task's calls at a time: the context a call
 * sees (m->ctx) is its task's, switched in by task_switch as a context
 * switch loads thread_info. A task in an interrupt batch runs its calls
 * on the batch's CPU.
 */
#ifndef MM_PREEMPT_H
#define MM_PREEMPT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/compiler.h"
#include "core/machine.h"
#include "core/preempt_types.h"
#include "core/seq_buf.h"
#include "core/snapshot.h"

/* The fields of preempt_count, as include/linux/preempt.h lays them. */
#define PREEMPT_BITS   8
#define SOFTIRQ_BITS   8
#define HARDIRQ_BITS   4
#define NMI_BITS       4
#define PREEMPT_SHIFT  0
#define SOFTIRQ_SHIFT  (PREEMPT_SHIFT + PREEMPT_BITS)
#define HARDIRQ_SHIFT  (SOFTIRQ_SHIFT + SOFTIRQ_BITS)
#define NMI_SHIFT      (HARDIRQ_SHIFT + HARDIRQ_BITS)
#define PREEMPT_MASK   (((1u << PREEMPT_BITS) - 1) << PREEMPT_SHIFT)
#define SOFTIRQ_MASK   (((1u << SOFTIRQ_BITS) - 1) << SOFTIRQ_SHIFT)
#define HARDIRQ_MASK   (((1u << HARDIRQ_BITS) - 1) << HARDIRQ_SHIFT)
#define NMI_MASK       (((1u << NMI_BITS) - 1) << NMI_SHIFT)
#define PREEMPT_OFFSET (1u << PREEMPT_SHIFT)
#define SOFTIRQ_OFFSET (1u << SOFTIRQ_SHIFT)
#define HARDIRQ_OFFSET (1u << HARDIRQ_SHIFT)
#define NMI_OFFSET     (1u << NMI_SHIFT)
/* local_bh_disable counts in twos; the low bit means "serving". */
#define SOFTIRQ_DISABLE_OFFSET (2 * SOFTIRQ_OFFSET)
#define SOFTIRQ_LOCK_OFFSET    (SOFTIRQ_DISABLE_OFFSET + PREEMPT_OFFSET)

/* x86's EFLAGS.IF: what local_irq_save gives when interrupts were on. */
#define X86_EFLAGS_IF 0x200UL

/* The sections a caller enters and leaves, as the kernel's pairs. */
enum atomic_section {
	SECTION_PREEMPT = 1,	   /* preempt_disable / preempt_enable */
	SECTION_IRQ,		   /* local_irq_disable / local_irq_enable */
	SECTION_IRQSAVE,	   /* local_irq_save / local_irq_restore */
	SECTION_BH,		   /* local_bh_disable / local_bh_enable */
	SECTION_SPIN_LOCK,	   /* spin_lock / spin_unlock */
	SECTION_SPIN_LOCK_IRQ,	   /* spin_lock_irq / spin_unlock_irq */
	SECTION_SPIN_LOCK_IRQSAVE, /* spin_lock_irqsave / ..._irqrestore */
	SECTION_SPIN_LOCK_BH,	   /* spin_lock_bh / spin_unlock_bh */
	NR_ATOMIC_SECTIONS
};

static inline uint32_t preempt_count(const struct machine *m)
{
	return m->ctx->preempt_count;
}

static inline bool in_interrupt(const struct machine *m)
{
	return preempt_count(m) & (NMI_MASK | HARDIRQ_MASK | SOFTIRQ_MASK);
}

static inline bool in_atomic(const struct machine *m)
{
	return preempt_count(m) != 0;
}

static inline bool irqs_disabled(const struct machine *m)
{
	return m->ctx->irqs_disabled;
}

static inline bool in_nmi(const struct machine *m)
{
	return preempt_count(m) & NMI_MASK;
}

static inline bool in_hardirq(const struct machine *m)
{
	return preempt_count(m) & HARDIRQ_MASK;
}

static inline bool in_serving_softirq(const struct machine *m)
{
	return preempt_count(m) & SOFTIRQ_OFFSET;
}

/* Whether a sleeping call is allowed here: not atomic, interrupts on. */
static inline bool preemptible(const struct machine *m)
{
	return !in_atomic(m) && !irqs_disabled(m);
}

/*
 * The report of a call that may sleep made where the kernel may not
 * sleep: Linux's "BUG: sleeping function called from invalid context"
 * lines in the kernel log, once per call, counted in vmstat
 * (mm_bad_sleep_in_atomic). The call goes on without sleeping.
 */
void __might_sleep(struct machine *m, const char *file, int line);

/* Under kernel.debug_atomic_sleep (CONFIG_DEBUG_ATOMIC_SLEEP). */
#define might_sleep(m)                                                         \
	do {                                                                   \
		if (unlikely(!preemptible(m)) &&                               \
		    (m)->layout.kernel.debug_atomic_sleep)                     \
			__might_sleep(m, __FILE__, __LINE__);                  \
	} while (0)

/* An allocation with these flags may sleep: it may reclaim directly. */
#define might_alloc(m, gfp)                                                    \
	do {                                                                   \
		if ((gfp)&__GFP_DIRECT_RECLAIM)                                \
			might_sleep(m);                                        \
	} while (0)

int preempt_init(struct machine *m);
void preempt_exit(struct machine *m);
/* Each task's context holds together; the kernel's is clean. */
int preempt_check(const struct machine *m, char *why, size_t len);
int preempt_ctx_check(const struct preempt_ctx *ctx, int pid, char *why,
		      size_t len);

/* Make ctx the one calls see (NULL: the kernel's), on its batch's CPU. */
void preempt_switch(struct machine *m, struct preempt_ctx *ctx,
		    unsigned int task_cpu);
/*
 * A task leaves with ctx not clean: "BUG: scheduling while atomic" and
 * the exit's notes in the log, counted; ctx is cleared.
 */
void preempt_exit_task(struct machine *m, struct preempt_ctx *ctx,
		       const char *comm, int pid);

/* preempt_disable / preempt_enable: -EOVERFLOW, -EINVAL for unbalanced. */
int preempt_disable(struct machine *m);
int preempt_enable(struct machine *m);
/* Whether preempt_enable would succeed now (what names the caller). */
int preempt_may_enable(struct machine *m, const char *what);
/*
 * Enter a section; *flags is local_irq_save's (X86_EFLAGS_IF when
 * interrupts were on, else 0), 0 for the others. Leave it with the
 * flags local_irq_save gave. -EINVAL for an unknown section or one
 * never entered, -EOVERFLOW past the field's room.
 */
int atomic_section_enter(struct machine *m, enum atomic_section sec,
			 uint64_t *flags);
int atomic_section_exit(struct machine *m, enum atomic_section sec,
			uint64_t flags);

/*
 * Run the following calls as a handler of kind on cpu, until
 * irq_batch_exit. The exit holds the batch to its balance: what it
 * leaves unbalanced (a get_cpu_var without put_cpu_var, a lock, a
 * preempt_disable) is reported in the log, counted and undone, as the
 * kernel's softirq loop does, and *leaked is the preempt_count it had
 * left over (0: balanced).
 */
int irq_batch_enter(struct machine *m, enum irq_kind kind, unsigned int cpu);
int irq_batch_exit(struct machine *m, enum irq_kind kind, uint32_t *leaked);

/* get_cpu_var's half of the count: preempt_disable plus the record. */
int preempt_get_cpu_var(struct machine *m);
int preempt_put_cpu_var(struct machine *m, const char *name);

/* The context a call of pid would see now, for the reports. */
const char *preempt_context_name(uint32_t count, bool irqs_disabled);
/* Each CPU's context: one row a CPU, or one per task atomic on it. */
/*
 * The snapshots (snapshot.h) of the preempt report (mm.proto's Preempt:
 * a row per process in an atomic section or interrupt batch on a CPU,
 * else an idle row) and of the GFP table (GfpContext: per context, each
 * usual mask and whether it may be used there, 1 or 0).
 */
struct preempt_row_snapshot {
	uint64_t cpu;
	int64_t pid;
	uint64_t count, preempt, softirq, hardirq, nmi;
	bool irqs_disabled;
	char context[16];
	char command[24];
};
struct preempt_snapshot {
	struct preempt_row_snapshot *rows;
	size_t nr_rows;
};
struct gfp_context_row_snapshot {
	char context[16];
	struct snap_counter *allowed;
	size_t nr_allowed;
};
struct gfp_context_snapshot {
	struct gfp_context_row_snapshot *contexts;
	size_t nr_contexts;
};
extern const struct report_type preempt_report, gfp_context_report;
int preempt_fill(const struct machine *m, int pid, void *snap);
int preempt_show(const void *snap, struct seq_buf *s);
int gfp_context_fill(const struct machine *m, int pid, void *snap);
int gfp_context_show(const void *snap, struct seq_buf *s);
int report_preempt(const struct machine *m, struct seq_buf *s);
/* The GFP usage table: which flags each context may use. */
int report_gfp_context(const struct machine *m, struct seq_buf *s);
/* Whether gfp may be used in a context with count and irqs. */
bool gfp_allowed(gfp_t gfp, uint32_t count, bool irqs_disabled);

#endif /* MM_PREEMPT_H */
