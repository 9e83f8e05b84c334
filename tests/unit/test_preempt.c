/* SPDX-License-Identifier: MIT */
/*
 * test_preempt.c - execution context and static per-CPU variables in
 * core: preempt_count's fields through every section, refusals that
 * change nothing, interrupt batches and their leaks, might_sleep's
 * report, kmap_atomic's preempt_disable, the GFP table, DEFINE_PER_CPU
 * and its accessors, exit while atomic, and the checker.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/percpu_defs.h"
#include "core/preempt.h"
#include "core/printk.h"
#include "core/slab.h"
#include "core/task.h"
#include "core/uapi.h"

static struct machine *boot_task(int *pid)
{
	struct machine *m = boot_default();

	assert_int_equal(task_create(m, "ctx", 0, 0, pid), 0);
	assert_int_equal(task_switch(m, *pid), 0);
	return m;
}

static bool log_has(const struct machine *m, const char *needle)
{
	return m->log_buf &&
	       memmem(m->log_buf, m->log_len, needle, strlen(needle)) != NULL;
}

static void test_sections_count_as_linux(void **state)
{
	int pid;
	struct machine *m = boot_task(&pid);
	uint64_t flags = 7, inner = 7;

	(void)state;
	assert_int_equal(atomic_section_enter(m, SECTION_SPIN_LOCK_BH, &flags),
			 0);
	assert_int_equal(preempt_count(m), SOFTIRQ_LOCK_OFFSET);
	assert_int_equal(flags, 0);
	assert_int_equal(atomic_section_enter(m, SECTION_IRQSAVE, &flags), 0);
	assert_int_equal(flags, X86_EFLAGS_IF);
	assert_int_equal(
		atomic_section_enter(m, SECTION_SPIN_LOCK_IRQSAVE, &inner), 0);
	assert_int_equal(inner, 0);
	/* Softirqs disabled count as interrupt context, as on Linux. */
	assert_true(irqs_disabled(m) && in_atomic(m) && in_interrupt(m));
	assert_int_equal(preempt_count(m), 0x202);
	assert_consistent(m);
	/* Out of order: the irqsave lock still holds its own unit. */
	assert_int_equal(atomic_section_exit(m, SECTION_PREEMPT, 0), -EINVAL);
	assert_int_equal(atomic_section_exit(m, SECTION_SPIN_LOCK_BH, 0),
			 -EINVAL); /* interrupts are off */
	assert_int_equal(preempt_count(m), 0x202);
	assert_int_equal(
		atomic_section_exit(m, SECTION_SPIN_LOCK_IRQSAVE, inner), 0);
	assert_int_equal(atomic_section_exit(m, SECTION_IRQSAVE, flags), 0);
	assert_false(irqs_disabled(m));
	assert_int_equal(atomic_section_exit(m, SECTION_SPIN_LOCK_BH, 0), 0);
	assert_int_equal(preempt_count(m), 0);
	assert_int_equal(m->bad[BAD_PREEMPT], 2);
	machine_destroy(m);
}

static void test_unbalanced_refused_unchanged(void **state)
{
	int pid;
	struct machine *m = boot_task(&pid);

	(void)state;
	assert_int_equal(preempt_enable(m), -EINVAL);
	assert_true(log_has(m, "DEBUG_LOCKS_WARN_ON((val < PREEMPT_MASK)"));
	assert_int_equal(atomic_section_exit(m, SECTION_SPIN_LOCK, 0), -EINVAL);
	assert_int_equal(atomic_section_exit(m, SECTION_BH, 0), -EINVAL);
	assert_int_equal(atomic_section_exit(m, SECTION_IRQSAVE, 0x200),
			 -EINVAL);
	assert_true(log_has(m, "raw_local_irq_restore() called with IRQs "
			       "enabled"));
	assert_int_equal(atomic_section_exit(m, 0, 0), -EINVAL);
	assert_int_equal(atomic_section_exit(m, NR_ATOMIC_SECTIONS, 0),
			 -EINVAL);
	assert_int_equal(put_cpu_var(m, "cpu_number"), -EINVAL);
	assert_int_equal(irq_batch_exit(m, IRQ_HARDIRQ, &(uint32_t){0}),
			 -EINVAL);
	assert_int_equal(preempt_count(m), 0);
	assert_false(irqs_disabled(m));
	assert_int_equal(m->bad[BAD_PREEMPT], 8);
	for (int i = 0; i < 245; i++)
		assert_int_equal(preempt_disable(m), 0);
	assert_int_equal(preempt_disable(m), -EOVERFLOW);
	assert_int_equal(preempt_count(m), 245);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_batches_and_leaks(void **state)
{
	int pid;
	struct machine *m = boot_task(&pid);
	uint32_t leaked = 9;
	uint64_t addr, v;

	(void)state;
	assert_int_equal(irq_batch_enter(m, IRQ_SOFTIRQ, 1), 0);
	assert_int_equal(m->cpu, 1);
	assert_true(in_serving_softirq(m));
	assert_int_equal(irq_batch_enter(m, IRQ_HARDIRQ, 0), -EINVAL);
	assert_int_equal(irq_batch_enter(m, IRQ_HARDIRQ, 1), 0);
	assert_int_equal(irq_batch_enter(m, IRQ_NMI, 1), 0);
	assert_int_equal(irq_batch_enter(m, IRQ_NMI, 1), -EINVAL);
	assert_int_equal(preempt_count(m), 0x120100);
	assert_consistent(m);
	assert_int_equal(irq_batch_exit(m, IRQ_HARDIRQ, &leaked), -EINVAL);
	assert_int_equal(irq_batch_exit(m, IRQ_NMI, &leaked), 0);
	assert_int_equal(leaked, 0);
	assert_int_equal(get_cpu_var(m, "cpu_number", &addr), 0);
	assert_int_equal(this_cpu_op(m, "cpu_number", THIS_CPU_READ, 0, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(irq_batch_exit(m, IRQ_HARDIRQ, &leaked), 0);
	assert_int_equal(leaked, 1);
	assert_true(log_has(m, "huh, entered hardirq on cpu 1 with "
			       "preempt_count 00000100, exited with "
			       "00000101?"));
	assert_true(log_has(m, "1 get_cpu_var() without put_cpu_var()"));
	assert_int_equal(preempt_count(m), SOFTIRQ_OFFSET);
	assert_int_equal(irq_batch_exit(m, IRQ_SOFTIRQ, &leaked), 0);
	assert_int_equal(leaked, 0);
	assert_int_equal(m->cpu, 0);
	assert_int_equal(preempt_count(m), 0);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_might_sleep_reports_once(void **state)
{
	int pid;
	struct machine *m = boot_task(&pid);
	uint64_t a, b;

	(void)state;
	assert_int_equal(kmalloc(m, 64, GFP_KERNEL, &a), 0);
	assert_int_equal(m->bad[BAD_SLEEP_IN_ATOMIC], 0);
	assert_int_equal(preempt_disable(m), 0);
	assert_int_equal(kmalloc(m, 64, GFP_ATOMIC, &b), 0);
	assert_int_equal(m->bad[BAD_SLEEP_IN_ATOMIC], 0);
	assert_int_equal(kfree(m, b), 0);
	assert_int_equal(kmalloc(m, 9000, GFP_KERNEL, &b), 0);
	assert_int_equal(m->bad[BAD_SLEEP_IN_ATOMIC], 1);
	assert_true(log_has(m, "BUG: sleeping function called from invalid "
			       "context at core/"));
	assert_true(log_has(m, "in_atomic(): 1, irqs_disabled(): 0, "
			       "non_block: 0, pid: 1, name: ctx"));
	assert_int_equal(kfree(m, b), 0);
	task_switch(m, pid); /* the next call */
	assert_int_equal(kfree(m, a), 0);
	assert_int_equal(kmalloc(m, 64, GFP_KERNEL, &a), 0);
	assert_int_equal(m->bad[BAD_SLEEP_IN_ATOMIC], 2);
	assert_int_equal(preempt_enable(m), 0);
	m->layout.kernel.debug_atomic_sleep = 0;
	assert_int_equal(preempt_disable(m), 0);
	task_switch(m, pid);
	assert_int_equal(kfree(m, a), 0);
	assert_int_equal(kmalloc(m, 64, GFP_KERNEL, &a), 0);
	assert_int_equal(m->bad[BAD_SLEEP_IN_ATOMIC], 2);
	assert_int_equal(preempt_enable(m), 0);
	assert_int_equal(kfree(m, a), 0);
	machine_destroy(m);
}

static void test_gfp_table(void **state)
{
	(void)state;
	assert_true(gfp_allowed(GFP_KERNEL, 0, false));
	assert_false(gfp_allowed(GFP_KERNEL, PREEMPT_OFFSET, false));
	assert_false(gfp_allowed(GFP_KERNEL, 0, true));
	assert_false(gfp_allowed(GFP_NOIO, HARDIRQ_OFFSET, true));
	assert_true(gfp_allowed(GFP_ATOMIC, HARDIRQ_OFFSET, true));
	assert_true(gfp_allowed(GFP_NOWAIT, SOFTIRQ_OFFSET, false));
	assert_true(gfp_allowed(GFP_DMA | GFP_ATOMIC, PREEMPT_OFFSET, true));
}

static void test_per_cpu_variables(void **state)
{
	int pid, other;
	struct machine *m = boot_task(&pid);
	uint64_t addr, addr2, v;

	(void)state;
	assert_int_equal(per_cpu_read(m, "this_cpu_off", 1, &v), 0);
	assert_int_equal(v, m->pcpu_defs->unit_size);
	assert_int_equal(define_per_cpu(m, "hits", 2, &addr), 0);
	assert_int_equal(define_per_cpu(m, "hits", 2, &addr2), -EEXIST);
	assert_int_equal(define_per_cpu(m, "a-b", 2, &addr2), -EINVAL);
	assert_int_equal(define_per_cpu(m, "big", 8193, &addr2), -EINVAL);
	assert_int_equal(define_per_cpu(m, "wide", 8, &addr2), 0);
	assert_int_equal(addr2 % 8, 0);
	assert_int_equal(this_cpu_op(m, "hits", THIS_CPU_WRITE, 0x1fffe, &v),
			 0);
	assert_int_equal(v, 0xfffe);
	assert_int_equal(this_cpu_op(m, "hits", THIS_CPU_INC, 0, &v), 0);
	assert_int_equal(v, 0xffff);
	assert_int_equal(this_cpu_op(m, "hits", THIS_CPU_ADD, 2, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(per_cpu_read(m, "hits", 1, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(per_cpu_read(m, "hits", 2, &v), -EINVAL);
	assert_int_equal(this_cpu_op(m, "hits", NR_THIS_CPU_OPS, 0, &v),
			 -EINVAL);
	assert_int_equal(per_cpu_write(m, "cpu_number", 0, 3), -EPERM);
	assert_int_equal(get_cpu_var(m, "hits", &v), 0);
	assert_int_equal(v, addr);
	assert_int_equal(put_cpu_var(m, "hits"), 0);
	assert_int_equal(task_create(m, "other", 1, 0, &other), 0);
	task_switch(m, other);
	assert_int_equal(this_cpu_op(m, "hits", THIS_CPU_READ, 0, &v), -EPERM);
	assert_int_equal(get_cpu_var(m, "cpu_number", &v), 0);
	assert_int_equal(v, m->pcpu_defs->base + m->pcpu_defs->unit_size);
	assert_consistent(m);
	/* Going while atomic is reported, and its variables go too. */
	assert_int_equal(task_exit(m, other, NULL), 0);
	assert_true(log_has(m, "BUG: scheduling while atomic: other/2/"
			       "0x00000001"));
	assert_int_equal(task_exit(m, pid, NULL), 0);
	assert_int_equal(m->pcpu_defs->nr_vars, 2);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * Each variable is one of its process's objects (limits.objects): one
 * process cannot fill the reserved area all of them share.
 */
static void test_per_cpu_variables_are_charged(void **state)
{
	int a, b;
	struct machine *m = boot_task(&a);
	struct task_leaks leaks;
	uint64_t addr, obj;
	char name[16];

	(void)state;
	m->layout.limits.objects = 3;
	for (int i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "a%d", i);
		assert_int_equal(uapi_define_per_cpu(m, name, 8, &addr), 0);
	}
	assert_int_equal(find_task_by_pid(m, a)->nr_objects, 3);
	assert_int_equal(uapi_define_per_cpu(m, "a3", 8, &addr), -EDQUOT);
	assert_non_null(strstr(m->errmsg, "more than its 3 objects"));
	/* Refused: no variable made, nothing charged; kmalloc shares it. */
	assert_int_equal(m->pcpu_defs->nr_vars, 5);
	assert_int_equal(find_task_by_pid(m, a)->nr_objects, 3);
	assert_int_equal(uapi_kmalloc(m, 32, GFP_KERNEL, &obj), -EDQUOT);
	/* Another process still gets room, the rest of the area. */
	assert_int_equal(task_create(m, "other", 1, 0, &b), 0);
	task_switch(m, b);
	assert_int_equal(uapi_define_per_cpu(m, "b0", 8192 - 24, &addr), 0);
	assert_int_equal(addr, m->pcpu_defs->base + 16 + 24);
	assert_int_equal(uapi_define_per_cpu(m, "b1", 1, &addr), -ENOMEM);
	assert_int_equal(find_task_by_pid(m, b)->nr_objects, 1);
	assert_consistent(m);
	/* The exit gives the variables back, counted as what it freed. */
	assert_int_equal(task_exit(m, a, &leaks), 0);
	assert_int_equal(leaks.objects, 3);
	assert_int_equal(m->pcpu_defs->nr_vars, 3);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_checker_catches_corruption(void **state)
{
	int pid;
	struct machine *m = boot_task(&pid);
	char why[256];
	struct task_struct *t = find_task_by_pid(m, pid);
	uint64_t addr;

	(void)state;
	assert_int_equal(atomic_section_enter(m, SECTION_SPIN_LOCK, &addr), 0);
	t->ctx.preempt_count = 0;
	assert_check_fails(m, "below its 1 locks");
	t->ctx.preempt_count = PREEMPT_OFFSET | HARDIRQ_OFFSET;
	assert_check_fails(m, "does not count");
	t->ctx.preempt_count = PREEMPT_OFFSET;
	assert_consistent(m);
	assert_int_equal(define_per_cpu(m, "x", 4, &addr), 0);
	strcpy(m->pcpu_defs->vars[2].name, "cpu_number");
	assert_int_equal(machine_check(m, why, sizeof(why)), -EUCLEAN);
	strcpy(m->pcpu_defs->vars[2].name, "x");
	per_cpu_write(m, "x", 0, 1);
	m->current_pid = 0;
	per_cpu_write(m, "cpu_number", 1, 5);
	assert_check_fails(m, "per_cpu(cpu_number, 1) is 5");
	per_cpu_write(m, "cpu_number", 1, 1);
	task_switch(m, pid);
	assert_consistent(m);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sections_count_as_linux),
		cmocka_unit_test(test_unbalanced_refused_unchanged),
		cmocka_unit_test(test_batches_and_leaks),
		cmocka_unit_test(test_might_sleep_reports_once),
		cmocka_unit_test(test_gfp_table),
		cmocka_unit_test(test_per_cpu_variables),
		cmocka_unit_test(test_per_cpu_variables_are_charged),
		cmocka_unit_test(test_checker_catches_corruption),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
