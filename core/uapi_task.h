/* SPDX-License-Identifier: MIT */
/*
 * uapi_task.h - how the calls a process makes in its own address space
 * (uapi_vm.c, uapi_malloc.c) find the process they act on.
 *
 * Owns nothing of its own: it shares uapi_vm.c's lookup. Must never be
 * bypassed by such a call: it is what keeps a session to its processes.
 */
#ifndef MM_UAPI_TASK_H
#define MM_UAPI_TASK_H

#include "core/machine.h"
#include "core/task.h"

/*
 * The process pid names for the current task (0: the task itself), or
 * why it may not (-ESRCH, -EPERM); its mm is marked active, so that the
 * OOM killer leaves it standing until vm_done.
 */
int vm_task(struct machine *m, int pid, struct task_struct **tp);
/* The call is over: a victim chosen meanwhile loses its memory now. */
int vm_done(struct machine *m, struct task_struct *t, int err);

#endif /* MM_UAPI_TASK_H */
