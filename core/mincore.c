/* SPDX-License-Identifier: MIT */
/*
 * mincore.c - which pages of a range are resident, as mm/mincore.c
 * tells: a byte per page, 1 when a page is mapped there (the shared
 * zero page, and a page behind PROT_NONE, included), 0 when nothing is
 * or its page is out on swap. Shared memory answers for its object, as
 * a file's mapping answers for the page cache: a page the object holds
 * is resident whether or not this mapping has faulted it in.
 *
 * Owns: mincore's checks and the vector. Must never: fault a page in,
 * or change an entry it reads.
 */
#include <errno.h>

#include "core/err.h"
#include "core/memory.h"
#include "core/mm.h"
#include "core/filemap.h"
#include "core/shmem.h"

/* 1 when a page is mapped at addr, in vma. */
static uint8_t resident(struct machine *m, const struct vm_area_struct *vma,
			uint64_t addr)
{
	unsigned int leaf = (vma->vm_flags & VM_HUGETLB)
				    ? pgtable_huge_level(m)
				    : pgtable_levels(m) - 1;
	struct pte_slot slot;
	uint64_t entry;

	if (vma->shmem) {
		uint64_t index = vma->vm_pgoff +
				 ((addr - vma->vm_start) >> m->page_shift);

		return index < vma->shmem->nr_pages &&
		       (vma->shmem->slots[index] & 1);
	}
	if (!pte_slot_get(m, vma->vm_mm->pgd, addr, leaf, false, &slot)) {
		entry = pte_slot_read(m, &slot);
		/* A THP's PMD: every page under it is resident. */
		if ((slot.level == leaf ||
		     (slot.level == pgtable_huge_level(m) &&
		      (entry & _PAGE_PSE))) &&
		    pte_maps_page(entry))
			return 1;
	}
	/* mincore_page: a file's page counts when its cache holds it. */
	if (vma->vm_file && !(vma->vm_flags & VM_PFNMAP))
		return find_get_page(m, vma->vm_file->f_inode,
				     vma->vm_pgoff + ((addr - vma->vm_start) >>
						      m->page_shift))
			       ? 1
			       : 0;
	return 0;
}

int do_mincore(struct machine *m, struct mm_struct *mm, uint64_t start,
	       uint64_t len, uint8_t *vec)
{
	uint64_t pages, i;

	if (start & (m->page_size - 1))
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "mincore: %#lx is not page aligned",
				 (unsigned long)start);
	/* access_ok: a range past user space is -ENOMEM here. */
	if (start > mm->task_size || len > mm->task_size - start)
		return mm_refuse(m, BAD_NONE, -ENOMEM,
				 "mincore: [%#lx, +%#lx) is outside user space",
				 (unsigned long)start, (unsigned long)len);
	pages = (len + m->page_size - 1) >> m->page_shift;
	for (i = 0; i < pages; i++) {
		uint64_t addr = start + (i << m->page_shift);
		const struct vm_area_struct *vma = find_vma(mm, addr);

		if (!vma || vma->vm_start > addr)
			return mm_refuse(m, BAD_NONE, -ENOMEM,
					 "mincore: %#lx is not mapped",
					 (unsigned long)addr);
		vec[i] = resident(m, vma, addr);
	}
	return 0;
}
