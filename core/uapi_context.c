/* SPDX-License-Identifier: MIT */
/*
 * uapi_context.c - the execution-context and static per-CPU variable
 * calls a client makes: atomic sections, interrupt batches,
 * DEFINE_PER_CPU and its accessors, for the current task.
 *
 * Owns: turning the wire's numbers into preempt.h's and percpu_defs.h's
 * kinds, refusing what names none. Must never: act for a call made as
 * no task (the daemon always switches to the session's task first).
 */
#include <errno.h>

#include "core/err.h"
#include "core/mutex.h"
#include "core/percpu_defs.h"
#include "core/pid.h"
#include "core/preempt.h"
#include "core/task.h"
#include "core/uapi.h"

static int need_task(struct machine *m)
{
	if (!find_task_by_pid(m, m->current_pid))
		return mm_refuse(m, BAD_NONE, -ESRCH, "no current process");
	return 0;
}

int uapi_atomic_enter(struct machine *m, int kind, uint64_t *flags)
{
	int err = need_task(m);

	return err ? err
		   : atomic_section_enter(m, (enum atomic_section)kind, flags);
}

int uapi_atomic_exit(struct machine *m, int kind, uint64_t flags)
{
	int err = need_task(m);

	return err ? err
		   : atomic_section_exit(m, (enum atomic_section)kind, flags);
}

int uapi_irq_enter(struct machine *m, int kind, unsigned int cpu)
{
	int err = need_task(m);

	return err ? err : irq_batch_enter(m, (enum irq_kind)kind, cpu);
}

int uapi_irq_exit(struct machine *m, int kind, uint64_t *leaked)
{
	uint32_t left = 0;
	int err = need_task(m);

	if (!err)
		err = irq_batch_exit(m, (enum irq_kind)kind, &left);
	if (!err)
		*leaked = left;
	return err;
}

/*
 * A variable is one of the process's objects (limits.objects), as a
 * kmalloc is: without the charge one process could fill the reserved
 * area every process shares. Its exit gives them back (task.c).
 */
int uapi_define_per_cpu(struct machine *m, const char *name, unsigned int size,
			uint64_t *addr)
{
	struct task_struct *t = find_task_by_pid(m, m->current_pid);
	int err;

	if (!t)
		return mm_refuse(m, BAD_NONE, -ESRCH, "no current process");
	if (t->nr_objects >= m->layout.limits.objects)
		return mm_refuse(m, BAD_NONE, -EDQUOT,
				 "DEFINE_PER_CPU(%.*s): pid %d would hold more "
				 "than its %lu objects",
				 PERCPU_NAME_MAX, name, t->pid,
				 (unsigned long)m->layout.limits.objects);
	err = define_per_cpu(m, name, size, addr);
	if (!err)
		t->nr_objects++;
	return err;
}

int uapi_get_cpu_var(struct machine *m, const char *name, uint64_t *addr)
{
	int err = need_task(m);

	return err ? err : get_cpu_var(m, name, addr);
}

int uapi_put_cpu_var(struct machine *m, const char *name)
{
	int err = need_task(m);

	return err ? err : put_cpu_var(m, name);
}

int uapi_per_cpu_read(struct machine *m, const char *name, unsigned int cpu,
		      uint64_t *value)
{
	int err = need_task(m);

	return err ? err : per_cpu_read(m, name, cpu, value);
}

int uapi_per_cpu_write(struct machine *m, const char *name, unsigned int cpu,
		       uint64_t value)
{
	int err = need_task(m);

	return err ? err : per_cpu_write(m, name, cpu, value);
}

int uapi_this_cpu_op(struct machine *m, const char *name, int op, uint64_t arg,
		     uint64_t *value)
{
	int err = need_task(m);

	return err ? err
		   : this_cpu_op(m, name, (enum this_cpu_op)op, arg, value);
}

bool uapi_preemptible(const struct machine *m)
{
	return preemptible(m);
}

/* A mutex is one of the process's objects, as a DEFINE_PER_CPU is. */
int uapi_mutex_init(struct machine *m, const char *name)
{
	struct task_struct *t = find_task_by_pid(m, m->current_pid);
	int err;

	if (!t)
		return mm_refuse(m, BAD_NONE, -ESRCH, "no current process");
	if (t->nr_objects >= m->layout.limits.objects)
		return mm_refuse(m, BAD_NONE, -EDQUOT,
				 "mutex_init(%.*s): pid %d would hold more "
				 "than its %lu objects",
				 MUTEX_NAME_MAX - 1, name, t->pid,
				 (unsigned long)m->layout.limits.objects);
	err = mutex_define(m, name);
	if (!err)
		t->nr_objects++;
	return err;
}

int uapi_mutex_destroy(struct machine *m, const char *name)
{
	struct task_struct *t = find_task_by_pid(m, m->current_pid);
	int err = t ? mutex_destroy(m, name)
		    : mm_refuse(m, BAD_NONE, -ESRCH, "no current process");

	if (!err)
		t->nr_objects--;
	return err;
}

int uapi_mutex_lock(struct machine *m, const char *name)
{
	int err = need_task(m);

	return err ? err : mutex_lock(m, name);
}

int uapi_mutex_trylock(struct machine *m, const char *name, uint64_t *locked)
{
	bool got = false;
	int err = need_task(m);

	if (!err)
		err = mutex_trylock(m, name, &got);
	if (!err)
		*locked = got;
	return err;
}

int uapi_mutex_unlock(struct machine *m, const char *name)
{
	int err = need_task(m);

	return err ? err : mutex_unlock(m, name);
}

void uapi_wait_cancel(struct machine *m, int pid)
{
	mutex_wait_cancel(m, pid);
}
