/* SPDX-License-Identifier: MIT */
/*
 * fault.c - the kernel-mode page fault of arch/x86/mm/fault.c: kernel
 * code touching the vmalloc area through a process's page table.
 *
 * Owns: vmalloc_fault and the kernel-mode access path that takes it
 * (fault.h). Must never: change swapper_pg_dir, or a process pgd's user
 * half, or count a fault that copied nothing.
 *
 * Why the fault exists: a process pgd copies the kernel's PGD entries
 * when it is made (pgd_alloc). On i386 without PAE a PGD entry is the
 * PDE itself, and vmalloc or ioremap makes new PTE tables, and so new
 * kernel PDEs, in swapper_pg_dir only. The first kernel access there
 * from an older process faults, and the handler copies the entry from
 * swapper_pg_dir (the i386 kernels before 5.9; since then Linux syncs
 * every pgd at once in arch_sync_kernel_mappings). x86_64 builds the
 * vmalloc area's upper levels at boot, so its PGD never changes and
 * this fault does not happen there.
 */
#include "core/fault.h"

#include <errno.h>

#include "core/mm.h"
#include "core/pgtable.h"
#include "core/printk.h"
#include "core/vmalloc.h"
#include "core/vmstat.h"

int vmalloc_fault(struct machine *m, struct mm_struct *mm, uint64_t addr)
{
	struct pgtable_walk w;
	int copied;

	if (!mm || !is_vmalloc_addr(m, addr))
		return -EFAULT;
	copied = vmalloc_sync_one(m, mm->pgd, addr);
	if (copied <= 0)
		return -EFAULT;
	m->vm_events[VMALLOC_FAULT]++;
	printk(m,
	       "vmalloc_fault: pid %d at %#llx: PGD entry %u copied from "
	       "swapper_pg_dir",
	       mm->pid, (unsigned long long)addr, pgd_index(m, addr));
	/* As Linux's: the entry stays copied even if the page is gone. */
	if (pgtable_walk(m, mm->pgd, addr, &w) || !w.present)
		return -EFAULT;
	return 0;
}

int kernel_access_pfn(struct machine *m, struct mm_struct *mm, uint64_t addr,
		      unsigned long *pfn)
{
	/* A task without an address space runs on init_mm's, as kthreads. */
	unsigned long pgd = mm ? mm->pgd : kernel_pgtable(m)->pgd;
	struct pgtable_walk w;

	if (pgtable_walk(m, pgd, addr, &w) || !w.present) {
		if (vmalloc_fault(m, mm, addr) ||
		    pgtable_walk(m, pgd, addr, &w) || !w.present)
			return -EFAULT;
	}
	*pfn = w.pfn;
	return 0;
}
