/* SPDX-License-Identifier: MIT */
/*
 * pid.c - the pid table: which task a pid names, as kernel/pid.c keeps it.
 *
 * Owns: the table from pid to task_struct and its count. Pids are handed
 * out in rising order and wrap at PID_MAX, as the kernel's are. It sits
 * under every subsystem: a lookup is a read of the table, nothing more.
 * Must never: call another file of core, or create or free a task.
 */
#include "core/pid.h"

#include <errno.h>
#include <stdlib.h>

struct pid_namespace {
	struct task_struct *by_pid[PID_MAX];
	int last_pid;
	unsigned int nr_tasks;
};

int pid_namespace_init(struct machine *m)
{
	m->pid_ns = calloc(1, sizeof(*m->pid_ns));
	return m->pid_ns ? 0 : -ENOMEM;
}

void pid_namespace_exit(struct machine *m)
{
	free(m->pid_ns);
	m->pid_ns = NULL;
}

int alloc_pid(struct machine *m)
{
	struct pid_namespace *ns = m->pid_ns;

	for (int i = 1; i < PID_MAX; i++) {
		int pid = (ns->last_pid + i) % PID_MAX;

		if (pid && !ns->by_pid[pid]) {
			ns->last_pid = pid;
			return pid;
		}
	}
	return -EAGAIN;
}

void attach_pid(struct machine *m, int pid, struct task_struct *t)
{
	m->pid_ns->by_pid[pid] = t;
	m->pid_ns->nr_tasks++;
}

void detach_pid(struct machine *m, int pid)
{
	m->pid_ns->by_pid[pid] = NULL;
	m->pid_ns->nr_tasks--;
}

struct task_struct *find_task_by_pid(const struct machine *m, int pid)
{
	if (!m->pid_ns || pid <= 0 || pid >= PID_MAX)
		return NULL;
	return m->pid_ns->by_pid[pid];
}

unsigned int nr_tasks(const struct machine *m)
{
	return m->pid_ns->nr_tasks;
}
