/* SPDX-License-Identifier: MIT */
/*
 * madvise.c - advice on a range of a process's memory, as mm/madvise.c
 * takes it: MADV_DONTNEED drops the range's pages (anonymous memory
 * reads back as zeros, shared memory as its object holds it), MADV_FREE
 * marks private pages lazily free (reclaim drops them while clean),
 * MADV_COLD deactivates and MADV_PAGEOUT reclaims the pages only this
 * process maps, MADV_REMOVE punches a hole in shared memory,
 * MADV_POPULATE_READ and _WRITE fault the range in, and the advice that
 * sets VMA flags (RANDOM, SEQUENTIAL, NORMAL, DONTFORK, DOFORK,
 * DONTDUMP, DODUMP, WIPEONFORK, KEEPONFORK, HUGEPAGE, NOHUGEPAGE) cuts
 * the VMAs to the range and sets them; MADV_GUARD_INSTALL puts a guard
 * marker in each entry of the range (any access: SIGSEGV) and
 * MADV_GUARD_REMOVE takes them away, the VMA whole; the rest Linux
 * accepts (WILLNEED, MERGEABLE, UNMERGEABLE) is accepted and changes
 * nothing.
 *
 * Owns: madvise's checks and errors, and which advice is done. Must
 * never: change a VMA's bounds or flags but through madvise_update_vma
 * (vma.c cuts and merges), or drop, free or page out a page of a locked
 * range.
 */
#include <errno.h>

#include "core/err.h"
#include "core/huge_mm.h"
#include "core/memory.h"
#include "core/mm.h"
#include "core/rmap.h"
#include "core/shmem.h"
#include "core/swap.h"
#include "core/swap_state.h"
#include "core/vma_internal.h"
#include "core/vmscan.h"

/* The host's <sys/mman.h> values are Linux's, which clients pass. */
_Static_assert(MADV_NORMAL == 0 && MADV_RANDOM == 1 && MADV_SEQUENTIAL == 2 &&
		       MADV_WILLNEED == 3 && MADV_DONTNEED == 4 &&
		       MADV_FREE == 8 && MADV_REMOVE == 9 &&
		       MADV_DONTFORK == 10 && MADV_DOFORK == 11 &&
		       MADV_MERGEABLE == 12 && MADV_UNMERGEABLE == 13 &&
		       MADV_HUGEPAGE == 14 && MADV_NOHUGEPAGE == 15 &&
		       MADV_DONTDUMP == 16 && MADV_DODUMP == 17 &&
		       MADV_WIPEONFORK == 18 && MADV_KEEPONFORK == 19 &&
		       MADV_COLD == 20 && MADV_PAGEOUT == 21 &&
		       MADV_POPULATE_READ == 22 && MADV_POPULATE_WRITE == 23,
	       "MADV_* are Linux's");

/* Not in every C library's headers yet. */
#define MADV_DONTNEED_LOCKED_ 24

/* Linux 6.13's guard regions; not in every C library's headers yet. */
#define MADV_GUARD_INSTALL_ 102
#define MADV_GUARD_REMOVE_  103

/*
 * madvise_behavior_valid, for the advice this machine takes: Linux's
 * MADV_COLLAPSE (25) is refused as a kernel without THP for the range
 * refuses it.
 */
static bool advice_valid(int advice)
{
	return (advice >= MADV_NORMAL && advice <= MADV_DONTNEED) ||
	       (advice >= MADV_FREE && advice <= MADV_POPULATE_WRITE) ||
	       advice == MADV_DONTNEED_LOCKED_ ||
	       advice == MADV_GUARD_INSTALL_ || advice == MADV_GUARD_REMOVE_;
}

/*
 * is_valid_guard_vma: not huge pages, not raw frames or I/O (VM_SPECIAL),
 * and, to install, not locked (its pages would be zapped); files and
 * shared memory are allowed, as in Linux 6.15 and later.
 */
static int guard_vma_check(struct machine *m, const struct vm_area_struct *vma,
			   bool install)
{
	unsigned long bad = VM_SPECIAL | VM_HUGETLB | (install ? VM_LOCKED : 0);

	if (vma->vm_flags & bad)
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "madvise(MADV_GUARD_%s) of a %s VMA at %#lx",
				 install ? "INSTALL" : "REMOVE",
				 vma->vm_flags & VM_LOCKED ? "locked"
							   : "special",
				 (unsigned long)vma->vm_start);
	return 0;
}

/*
 * madvise_guard_install: the range's pages zapped and a guard marker in
 * each entry; the VMA is not split. Every VMA is marked maybe_guard
 * (Linux's VM_MAYBE_GUARD), which fork copies whole (vma_needs_copy);
 * only an anonymous one (vma_is_anonymous: no file, no shared memory)
 * takes an anon_vma too, so a private file mapping's guarded piece
 * still merges with its neighbours in a fork child as Linux's does.
 */
static int guard_install_vma(struct machine *m, struct vm_area_struct *vma,
			     uint64_t start, uint64_t end)
{
	int err = guard_vma_check(m, vma, true);

	if (err)
		return err;
	if (!vma->vm_file && !vma->shmem && anon_vma_prepare(m, vma))
		return -ENOMEM;
	vma->maybe_guard = true;
	return install_guard_range(m, vma, start, end);
}

static int guard_remove_vma(struct machine *m, struct vm_area_struct *vma,
			    uint64_t start, uint64_t end)
{
	int err = guard_vma_check(m, vma, false);

	if (!err)
		remove_guard_range(m, vma, start, end);
	return err;
}

/* Advice that changes only the VMA's flags (madvise_update_vma). */
static bool advice_sets_flags(int advice)
{
	switch (advice) {
	case MADV_NORMAL:
	case MADV_RANDOM:
	case MADV_SEQUENTIAL:
	case MADV_DONTFORK:
	case MADV_DOFORK:
	case MADV_DONTDUMP:
	case MADV_DODUMP:
	case MADV_WIPEONFORK:
	case MADV_KEEPONFORK:
	case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE:
		return true;
	default:
		return false;
	}
}

/* madvise_vma_behavior's flags for vma; -EINVAL where Linux refuses. */
static int advice_flags(const struct vm_area_struct *vma, int advice,
			unsigned long *flags)
{
	unsigned long f = vma->vm_flags;

	switch (advice) {
	case MADV_NORMAL:
		f &= ~(VM_RAND_READ | VM_SEQ_READ);
		break;
	case MADV_RANDOM:
		f = (f & ~VM_SEQ_READ) | VM_RAND_READ;
		break;
	case MADV_SEQUENTIAL:
		f = (f & ~VM_RAND_READ) | VM_SEQ_READ;
		break;
	case MADV_DONTFORK:
		f |= VM_DONTCOPY;
		break;
	case MADV_DOFORK:
		f &= ~VM_DONTCOPY;
		break;
	case MADV_DONTDUMP:
		f |= VM_DONTDUMP;
		break;
	case MADV_DODUMP:
		f &= ~VM_DONTDUMP;
		break;
	case MADV_WIPEONFORK: /* private anonymous memory only */
		if (vma->vm_file || (vma->vm_flags & VM_SHARED))
			return -EINVAL;
		f |= VM_WIPEONFORK;
		break;
	case MADV_KEEPONFORK:
		f &= ~VM_WIPEONFORK;
		break;
	default: /* MADV_HUGEPAGE, MADV_NOHUGEPAGE */
		f = hugepage_madvise(f, advice);
		break;
	}
	*flags = f;
	return 0;
}

/* madvise_dontneed_free_valid_vma and zap_page_range_single's part. */
static int dontneed_vma(struct machine *m, struct vm_area_struct *vma,
			uint64_t start, uint64_t end, int advice)
{
	if (vma->vm_flags & VM_PFNMAP)
		return mm_refuse(m, BAD_VMA, -EINVAL, "madvise of raw frames");
	if ((vma->vm_flags & VM_LOCKED) && advice != MADV_DONTNEED_LOCKED_)
		return mm_refuse(
			m, BAD_VMA, -EINVAL, "madvise(%s) of a locked range",
			advice == MADV_FREE ? "MADV_FREE" : "MADV_DONTNEED");
	if (vma->vm_flags & VM_HUGETLB) {
		uint64_t huge = (uint64_t)m->page_size << huge_page_order(m);

		if (advice == MADV_FREE)
			return mm_refuse(m, BAD_VMA, -EINVAL,
					 "madvise(MADV_FREE) of huge pages");
		if ((start | end) & (huge - 1))
			return mm_refuse(m, BAD_VMA, -EINVAL,
					 "madvise(MADV_DONTNEED) of part of a "
					 "huge page");
	}
	zap_vma_range(m, vma, start, end);
	return 0;
}

/* The small page behind a leaf entry, or NULL (swap, zero page, THP). */
static struct page *entry_page(struct machine *m, const struct pte_slot *slot,
			       uint64_t entry)
{
	unsigned long pfn;

	if (slot->level != pgtable_levels(m) - 1 || !pte_maps_page(entry))
		return NULL;
	pfn = pte_pfn(m, entry);
	return pfn == m->zero_pfn ? NULL : pfn_to_page(m, pfn);
}

/*
 * madvise_free_pte_range: a swap entry is dropped (the page's copy is
 * not wanted), a page this process alone maps loses its dirty and
 * accessed bits and becomes lazily free; shared pages are left.
 */
static void free_one(struct machine *m, struct vm_area_struct *vma,
		     uint64_t addr, const struct pte_slot *slot, uint64_t entry,
		     void *arg)
{
	struct page *page = entry_page(m, slot, entry);

	(void)addr;
	(void)arg;
	if (pte_is_swap(entry)) {
		pte_slot_write(m, slot, 0);
		free_swap_and_cache(m, swp_offset(entry));
		vma->vm_mm->rss_stat[MM_SWAPENTS]--;
		return;
	}
	if (!page || page_mapcount(page) != 1 || !PageFlag(page, PG_anon))
		return;
	pte_slot_write(m, slot,
		       entry & ~(uint64_t)(_PAGE_DIRTY | _PAGE_ACCESSED));
	ClearPageFlag(page, PG_dirty);
	lru_lazyfree(m, page);
}

static int free_vma(struct machine *m, struct vm_area_struct *vma,
		    uint64_t start, uint64_t end)
{
	int err = (vma->vm_flags & (VM_LOCKED | VM_HUGETLB))
			  ? dontneed_vma(m, vma, start, end, MADV_FREE)
			  : 0;

	if (err)
		return err;
	/* madvise_free_single_vma: vma_is_anonymous, private memory only */
	if (vma->shmem || vma->vm_file)
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "madvise(MADV_FREE) of shared memory or a "
				 "file");
	walk_vma_range(m, vma, start, end, free_one, NULL);
	return 0;
}

/*
 * madvise_cold_or_pageout_pte_range: the pages only this process maps
 * lose their accessed bit and are deactivated (COLD) or reclaimed now
 * (PAGEOUT): swapped out, or, shared memory's with no swap, unmapped
 * and left in its object.
 */
static void cold_one(struct machine *m, struct vm_area_struct *vma,
		     uint64_t addr, const struct pte_slot *slot, uint64_t entry,
		     void *arg)
{
	struct page *page = entry_page(m, slot, entry);
	bool pageout = *(bool *)arg;

	(void)vma;
	(void)addr;
	if (!page || page_mapcount(page) != 1)
		return;
	pte_slot_write(m, slot, entry & ~(uint64_t)_PAGE_ACCESSED);
	if (!pageout)
		lru_deactivate(m, page);
	else
		reclaim_page(m, page);
}

static int cold_vma(struct machine *m, struct vm_area_struct *vma,
		    uint64_t start, uint64_t end, int advice)
{
	bool pageout = advice == MADV_PAGEOUT;

	/* can_madv_lru_vma */
	if (vma->vm_flags & (VM_LOCKED | VM_HUGETLB))
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "madvise(%s) of a locked or huge page range",
				 pageout ? "MADV_PAGEOUT" : "MADV_COLD");
	walk_vma_range(m, vma, start, end, cold_one, &pageout);
	return 0;
}

/*
 * madvise_remove: shared memory's pages in the range are freed (every
 * mapping of them zapped, the object's copies dropped), as
 * fallocate(FALLOC_FL_PUNCH_HOLE) on its file.
 */
static int remove_vma(struct machine *m, struct vm_area_struct *vma,
		      uint64_t start, uint64_t end)
{
	uint64_t first, last;
	struct list_head *pos;

	if (vma->vm_flags & VM_LOCKED)
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "madvise(MADV_REMOVE) of a locked range");
	if (!vma->shmem)
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "madvise(MADV_REMOVE) needs shared memory");
	first = vma->vm_pgoff + ((start - vma->vm_start) >> m->page_shift);
	last = first + ((end - start) >> m->page_shift);
	list_for_each(pos, &vma->shmem->root.vmas)
	{
		struct vm_area_struct *v =
			list_entry(pos, struct vm_area_struct, rmap_node);
		uint64_t lo = first > v->vm_pgoff ? first : v->vm_pgoff;
		uint64_t vend = v->vm_pgoff +
				((v->vm_end - v->vm_start) >> m->page_shift);
		uint64_t hi = last < vend ? last : vend;

		if (lo < hi)
			zap_vma_range(m, v,
				      v->vm_start + ((lo - v->vm_pgoff)
						     << m->page_shift),
				      v->vm_start + ((hi - v->vm_pgoff)
						     << m->page_shift));
	}
	shmem_truncate_range(m, vma->shmem, (unsigned long)first,
			     (unsigned long)last);
	return 0;
}

static int madvise_vma(struct machine *m, struct mm_struct *mm,
		       struct vm_area_struct *vma, uint64_t start, uint64_t end,
		       int advice)
{
	unsigned long flags;
	int err;

	switch (advice) {
	case MADV_DONTNEED:
	case MADV_DONTNEED_LOCKED_:
		return dontneed_vma(m, vma, start, end, advice);
	case MADV_FREE:
		return free_vma(m, vma, start, end);
	case MADV_COLD:
	case MADV_PAGEOUT:
		return cold_vma(m, vma, start, end, advice);
	case MADV_REMOVE:
		return remove_vma(m, vma, start, end);
	case MADV_GUARD_INSTALL_:
		return guard_install_vma(m, vma, start, end);
	case MADV_GUARD_REMOVE_:
		return guard_remove_vma(m, vma, start, end);
	}
	if (!advice_sets_flags(advice))
		return 0; /* WILLNEED, MERGEABLE, UNMERGEABLE */
	err = advice_flags(vma, advice, &flags);
	if (err)
		return mm_refuse(m, BAD_VMA, err,
				 "madvise advice %d does not apply to the "
				 "VMA at %#lx",
				 advice, (unsigned long)vma->vm_start);
	return madvise_update_vma(m, mm, start, end, flags);
}

/*
 * madvise_populate: fault each page in, as a read or a write, VMA after
 * VMA: a hole is -ENOMEM, a VMA the access may not touch -EINVAL, the
 * pages before either populated.
 */
static int madvise_populate(struct machine *m, struct mm_struct *mm,
			    uint64_t start, uint64_t end, bool write)
{
	for (uint64_t addr = start; addr < end;) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		uint64_t hi;
		int err;

		if (!vma || vma->vm_start > addr)
			return mm_refuse(m, BAD_NONE, -ENOMEM,
					 "madvise(MADV_POPULATE): %#lx is not "
					 "mapped",
					 (unsigned long)addr);
		if (!(vma->vm_flags & (write ? VM_WRITE : VM_READ)))
			return mm_refuse(m, BAD_VMA, -EINVAL,
					 "madvise(MADV_POPULATE_%s) of a VMA "
					 "without that access",
					 write ? "WRITE" : "READ");
		hi = vma->vm_end < end ? vma->vm_end : end;
		err = populate_range_access(m, mm, addr, hi,
					    write ? USER_WRITE : USER_READ);
		if (err)
			return mm_refuse(m, BAD_NONE,
					 err == -EFAULT ? -EFAULT : -ENOMEM,
					 "madvise(MADV_POPULATE): a fault at "
					 "%#lx failed",
					 (unsigned long)addr);
		addr = hi;
	}
	return 0;
}

int do_madvise(struct machine *m, struct mm_struct *mm, uint64_t start,
	       uint64_t len_in, int advice)
{
	uint64_t len =
		(len_in + m->page_size - 1) & ~(uint64_t)(m->page_size - 1);
	uint64_t end = start + len, addr = start;
	int unmapped = 0;

	if (!advice_valid(advice))
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "madvise advice %d is not Linux's", advice);
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
	if (advice == MADV_POPULATE_READ || advice == MADV_POPULATE_WRITE)
		return madvise_populate(m, mm, start, end,
					advice == MADV_POPULATE_WRITE);
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
		err = madvise_vma(m, mm, vma, addr, stop, advice);
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
