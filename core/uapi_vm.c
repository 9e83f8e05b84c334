/* SPDX-License-Identifier: MIT */
/*
 * uapi_vm.c - the address-space calls a client process may make: mmap,
 * munmap, mprotect, brk, user reads, writes and execution, fork, and
 * the exit of a process it forked; modify_ldt and MOV sreg.
 *
 * Owns: finding the process a call names (the caller, or one it forked)
 * and running the call in its mm, marked active so that the OOM killer
 * leaves it standing until the call returns. Must never: let a session
 * reach a process of another session.
 */
#include <errno.h>
#include <stdio.h>

#include "core/err.h"
#include "core/ldt.h"
#include "core/mm.h"
#include "core/task.h"
#include "core/uapi.h"
#include "core/uapi_task.h"
#include "core/vma_internal.h"

int vm_task(struct machine *m, int pid, struct task_struct **tp)
{
	struct task_struct *self = find_task_by_pid(m, m->current_pid);
	struct task_struct *t;

	if (!self)
		return mm_refuse(m, BAD_NONE, -ESRCH, "no current process");
	t = pid ? find_task_by_pid(m, pid) : self;
	if (!t)
		return mm_refuse(m, BAD_NONE, -ESRCH, "no process %d", pid);
	if (t->leader != self->leader ||
	    (self->leader != self->pid && t != self))
		return mm_refuse(m, BAD_NONE, -EPERM,
				 "process %d is not this session's", pid);
	if (t->oom_killed)
		return mm_refuse(m, BAD_NONE, -ESRCH,
				 "process %d was killed by the OOM killer",
				 t->pid);
	*tp = t;
	m->active_mm = t->mm;
	return 0;
}

int vm_done(struct machine *m, struct task_struct *t, int err)
{
	m->active_mm = NULL;
	if (t->oom_killed && t->mm->map_count) {
		exit_mmap(m, t->mm);
		return mm_refuse(m, BAD_NONE, err ? err : -ENOMEM,
				 "process %d was killed by the OOM killer",
				 t->pid);
	}
	return err;
}

int uapi_mmap(struct machine *m, int pid, uint64_t addr, uint64_t len, int prot,
	      int flags, uint64_t *mapped)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	return vm_done(m, t, do_mmap(m, t->mm, addr, len, prot, flags, mapped));
}

int uapi_msync(struct machine *m, int pid, uint64_t addr, uint64_t len,
	       int flags)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	return vm_done(m, t, do_msync(m, t->mm, addr, len, flags));
}

int uapi_munmap(struct machine *m, int pid, uint64_t addr, uint64_t len)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	return vm_done(m, t, do_munmap(m, t->mm, addr, len));
}

int uapi_mprotect(struct machine *m, int pid, uint64_t addr, uint64_t len,
		  int prot)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	return vm_done(m, t, do_mprotect(m, t->mm, addr, len, prot));
}

int uapi_mremap(struct machine *m, int pid, uint64_t old_addr, uint64_t old_len,
		uint64_t new_len, int flags, uint64_t new_addr,
		uint64_t *result)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	return vm_done(m, t,
		       do_mremap(m, t->mm, old_addr, old_len, new_len, flags,
				 new_addr, result));
}

int uapi_brk(struct machine *m, int pid, uint64_t brk, uint64_t *cur)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	return vm_done(m, t, do_brk(m, t->mm, brk, cur));
}

int uapi_access_vm(struct machine *m, int pid, uint64_t addr, void *buf,
		   size_t len, enum user_access access,
		   struct user_fault *fault)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	if (access != USER_READ && access != USER_WRITE &&
	    access != USER_EXEC) {
		m->active_mm = NULL;
		return mm_refuse(m, BAD_USER_ACCESS, -EINVAL,
				 "unknown access %d", (int)access);
	}
	return vm_done(m, t,
		       access_user(m, t->mm, addr, buf, len, access, fault));
}

/*
 * A forked process's task_struct and kernel stack are its session's
 * kernel memory, as a memcg's children's are the group's: charged to
 * the session's process, which outlives every process it forks. Past
 * its limit the fork fails with -ENOMEM, as Linux's fork does when the
 * memcg cannot charge them.
 */
static int charge_fork(struct machine *m, const struct task_struct *t,
		       int child)
{
	int err = mem_cgroup_charge_kmem(m, t->leader, task_kernel_bytes(m),
					 GFP_KERNEL);

	if (err) {
		task_exit(m, child, NULL);
		return mm_refuse(m, BAD_NONE, -ENOMEM,
				 "fork: a process's task_struct and stack "
				 "would take pid %d past its %lu pages",
				 t->leader,
				 (unsigned long)m->layout.limits.pages);
	}
	find_task_by_pid(m, child)->kmem_parent = t->leader;
	return 0;
}

int uapi_fork(struct machine *m, int pid, int *child)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	err = vm_done(m, t, task_fork(m, t->pid, child));
	return err ? err : charge_fork(m, t, *child);
}

int uapi_exit_process(struct machine *m, int pid)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	m->active_mm = NULL;
	if (t->pid == t->leader)
		return mm_refuse(
			m, BAD_NONE, -EPERM,
			"process %d is a session's own: it exits when its "
			"connection closes",
			t->pid);
	return task_exit(m, t->pid, NULL);
}

int uapi_madvise(struct machine *m, int pid, uint64_t addr, uint64_t len,
		 int advice)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	return vm_done(m, t, do_madvise(m, t->mm, addr, len, advice));
}

int uapi_mlock(struct machine *m, int pid, uint64_t addr, uint64_t len,
	       int flags)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	return vm_done(m, t, do_mlock(m, t->mm, addr, len, flags));
}

int uapi_munlock(struct machine *m, int pid, uint64_t addr, uint64_t len)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	return vm_done(m, t, do_munlock(m, t->mm, addr, len));
}

int uapi_mlockall(struct machine *m, int pid, int flags)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	return vm_done(m, t, do_mlockall(m, t->mm, flags));
}

int uapi_munlockall(struct machine *m, int pid)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	return vm_done(m, t, do_munlockall(m, t->mm));
}

int uapi_mincore(struct machine *m, int pid, uint64_t addr, uint64_t len,
		 uint8_t *vec)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	return vm_done(m, t, do_mincore(m, t->mm, addr, len, vec));
}

int uapi_modify_ldt(struct machine *m, int pid, int func, uint64_t ptr,
		    uint64_t bytecount, uint64_t *ret)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	return vm_done(m, t,
		       do_modify_ldt(m, t->mm, func, ptr, bytecount, ret));
}

int uapi_load_segment(struct machine *m, int pid, unsigned int sreg,
		      unsigned int selector)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	return vm_done(m, t, do_load_segment(m, t, sreg, selector));
}
