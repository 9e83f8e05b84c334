/* SPDX-License-Identifier: MIT */
/*
 * uapi_malloc.c - the malloc calls a client process may make: its own
 * user-space malloc (malloc.c), run in its own address space.
 *
 * Owns: finding the process a call names, as the other address-space
 * calls do (uapi_task.h), and nothing else. Must never: run a call in
 * the mm of a process that is not the session's.
 */
#include "core/libc/malloc.h"
#include "core/uapi.h"
#include "core/uapi_task.h"

int uapi_malloc(struct machine *m, int pid, uint64_t size, uint64_t *addr)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	return vm_done(m, t, user_malloc(m, t->mm, size, addr));
}

int uapi_free(struct machine *m, int pid, uint64_t addr)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	return vm_done(m, t, user_free(m, t->mm, addr));
}

int uapi_calloc(struct machine *m, int pid, uint64_t nmemb, uint64_t size,
		uint64_t *addr)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	return vm_done(m, t, user_calloc(m, t->mm, nmemb, size, addr));
}

int uapi_realloc(struct machine *m, int pid, uint64_t addr, uint64_t size,
		 uint64_t *new_addr)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	return vm_done(m, t, user_realloc(m, t->mm, addr, size, new_addr));
}

int uapi_posix_memalign(struct machine *m, int pid, uint64_t alignment,
			uint64_t size, uint64_t *addr)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	return vm_done(m, t,
		       user_posix_memalign(m, t->mm, alignment, size, addr));
}

int uapi_malloc_usable_size(struct machine *m, int pid, uint64_t addr,
			    uint64_t *size)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	return vm_done(m, t, user_malloc_usable_size(m, t->mm, addr, size));
}

int uapi_mallopt(struct machine *m, int pid, int param, int value)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	return vm_done(m, t, user_mallopt(m, t->mm, param, value));
}

int uapi_malloc_trim(struct machine *m, int pid, uint64_t pad,
		     uint64_t *released)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	return vm_done(m, t, user_malloc_trim(m, t->mm, pad, released));
}

int uapi_mallinfo(struct machine *m, int pid, struct user_mallinfo *mi)
{
	struct task_struct *t;
	int err = vm_task(m, pid, &t);

	if (err)
		return err;
	return vm_done(m, t, user_mallinfo(m, t->mm, mi));
}
