/* SPDX-License-Identifier: MIT */
/*
 * madvise.c - advice on a range of a process's memory, as mm/madvise.c
 * takes it: MADV_DONTNEED drops the range's pages (anonymous memory
 * reads back as zeros, shared memory as its object holds it),
 * MADV_HUGEPAGE and MADV_NOHUGEPAGE set the VMA flags transparent huge
 * pages follow, and the advice that needs nothing of this machine is
 * accepted as Linux accepts it.
 *
 * Owns: madvise's checks and errors, and which advice is done. Must
 * never: change a VMA's bounds or flags but through madvise_update_vma
 * (vma.c cuts and merges), or drop a page of a locked range.
 */
#include <errno.h>

#include "core/err.h"
#include "core/huge_mm.h"
#include "core/memory.h"
#include "core/mm.h"
#include "core/vma_internal.h"

/* Linux's values (include/uapi/asm-generic/mman-common.h). */
#define MADV_NORMAL   0
#define MADV_WILLNEED 3
#define MADV_DONTNEED 4

static bool advice_done(int advice)
{
	return advice == MADV_NORMAL || advice == MADV_WILLNEED ||
	       advice == MADV_DONTNEED || advice == MADV_HUGEPAGE ||
	       advice == MADV_NOHUGEPAGE;
}

/* madvise_dontneed_free_valid_vma and zap_page_range_single's part. */
static int dontneed_vma(struct machine *m, struct vm_area_struct *vma,
			uint64_t start, uint64_t end)
{
	if (vma->vm_flags & (VM_LOCKED | VM_PFNMAP))
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "madvise(MADV_DONTNEED) of a locked range or "
				 "of raw frames");
	if (vma->vm_flags & VM_HUGETLB) {
		uint64_t huge = (uint64_t)m->page_size << huge_page_order(m);

		if ((start | end) & (huge - 1))
			return mm_refuse(m, BAD_VMA, -EINVAL,
					 "madvise(MADV_DONTNEED) of part of a "
					 "huge page");
	}
	zap_vma_range(m, vma, start, end);
	return 0;
}

int do_madvise(struct machine *m, struct mm_struct *mm, uint64_t start,
	       uint64_t len_in, int advice)
{
	uint64_t len =
		(len_in + m->page_size - 1) & ~(uint64_t)(m->page_size - 1);
	uint64_t end = start + len, addr = start;
	int unmapped = 0;

	if (!advice_done(advice))
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "madvise advice %d is not one this machine "
				 "takes (MADV_NORMAL, MADV_WILLNEED, "
				 "MADV_DONTNEED, MADV_HUGEPAGE, "
				 "MADV_NOHUGEPAGE)",
				 advice);
	if (start & (m->page_size - 1))
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "madvise: %#lx is not page aligned",
				 (unsigned long)start);
	if (len_in && !len) /* rounding up wrapped */
		return mm_refuse(m, BAD_VMA, -EINVAL, "madvise: length wraps");
	if (end < start)
		return mm_refuse(m, BAD_VMA, -EINVAL, "madvise: range wraps");
	if (end == start)
		return 0;
	/* As madvise_walk_vmas: what is mapped gets the advice, a hole
	 * anywhere makes the answer -ENOMEM. */
	while (addr < end) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		uint64_t stop;
		int err;

		if (!vma || vma->vm_start >= end) {
			unmapped = -ENOMEM;
			break;
		}
		if (vma->vm_start > addr)
			unmapped = -ENOMEM;
		addr = vma->vm_start > addr ? vma->vm_start : addr;
		stop = vma->vm_end < end ? vma->vm_end : end;
		if (advice == MADV_DONTNEED)
			err = dontneed_vma(m, vma, addr, stop);
		else if (advice == MADV_HUGEPAGE || advice == MADV_NOHUGEPAGE)
			err = madvise_update_vma(
				m, mm, addr, stop,
				hugepage_madvise(vma->vm_flags, advice));
		else
			err = 0;
		if (err)
			return err;
		addr = stop;
	}
	if (unmapped)
		return mm_refuse(m, BAD_NONE, unmapped,
				 "madvise: part of [%#lx, %#lx) is not mapped",
				 (unsigned long)start, (unsigned long)end);
	return 0;
}
