/* SPDX-License-Identifier: MIT */
/*
 * util.c - overcommit accounting, where Linux's mm/util.c keeps it.
 *
 * Owns: the heuristic that lets a mapping, a brk, an mprotect to
 * writable, an mremap that grows or a fork commit memory, and the sum
 * of what is committed. The machine runs vm.overcommit_memory 0
 * (OVERCOMMIT_GUESS): a single commitment larger than RAM and swap
 * together is refused; anything smaller succeeds, and faults find out
 * later whether the memory is there. Committed_AS is counted from the
 * VMAs themselves, as the kernel's running total would come out.
 * Must never: change a mapping.
 */
#include <errno.h>
#include <stdio.h>

#include "core/err.h"
#include "core/mman.h"
#include "core/mm.h"
#include "core/page_alloc.h"
#include "core/shmem.h"
#include "core/swap.h"
#include "core/task.h"

int vm_enough_memory(struct machine *m, long pages)
{
	unsigned long limit = totalram_pages(m) + total_swap_pages(m);

	if (pages <= 0 || (unsigned long)pages <= limit)
		return 0;
	return mm_refuse(m, BAD_NONE, -ENOMEM,
			 "%ld pages are more than RAM and swap (%lu pages): "
			 "overcommit refused",
			 pages, limit);
}

/* A shared object, once (from the first VMA on its list), if charged. */
static unsigned long shmem_committed(const struct vm_area_struct *vma)
{
	const struct shmem_object *obj = vma->shmem;

	if (!obj || obj->root.vmas.next != &vma->rmap_node ||
	    (vma->vm_flags & VM_NORESERVE))
		return 0;
	return obj->nr_pages;
}

unsigned long vm_memory_committed(const struct machine *m)
{
	unsigned long pages = 0;

	for (int pid = 1; pid < PID_MAX; pid++) {
		const struct task_struct *task = find_task_by_pid(m, pid);
		const struct mm_struct *mm = task ? task->mm : NULL;

		for (unsigned int i = 0; mm && i < mm->map_count; i++) {
			const struct vm_area_struct *vma = mm->vmas[i];

			if (vma->vm_flags & VM_ACCOUNT)
				pages += (unsigned long)((vma->vm_end -
							  vma->vm_start) >>
							 m->page_shift);
			pages += shmem_committed(vma);
		}
	}
	return pages;
}
