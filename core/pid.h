/* SPDX-License-Identifier: MIT */
/*
 * pid.h - the pid table: which task a pid names, as kernel/pid.c keeps it.
 *
 * Owns: the map from pid to task_struct, the pid handed out last and the
 * count of tasks. It depends on no subsystem, so that any file of core
 * may look a pid up (an owner's, the current task's) without calling up
 * into the code that creates and ends tasks. Must never: create, change
 * or free a task (task.c does).
 */
#ifndef MM_PID_H
#define MM_PID_H

#include "core/machine.h"

#define PID_MAX 32768

struct task_struct;

/* Boot and teardown of the table (empty; tasks come and go in task.c). */
int pid_namespace_init(struct machine *m);
void pid_namespace_exit(struct machine *m);

/*
 * The next free pid after the last one handed out, wrapping at PID_MAX
 * (0 is never one), as alloc_pid does; -EAGAIN when all are taken. It
 * names nothing until attach_pid.
 */
int alloc_pid(struct machine *m);
void attach_pid(struct machine *m, int pid, struct task_struct *t);
void detach_pid(struct machine *m, int pid);

/* The task pid names, or NULL (also for 0 and pids out of range). */
struct task_struct *find_task_by_pid(const struct machine *m, int pid);
unsigned int nr_tasks(const struct machine *m);

#endif /* MM_PID_H */
