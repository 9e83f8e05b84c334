/* SPDX-License-Identifier: MIT */
/*
 * mlock.c - mlock, mlock2, munlock, mlockall and munlockall, as
 * mm/mlock.c has them: VM_LOCKED (and VM_LOCKONFAULT) on the VMAs of a
 * range, locked_vm (VmLck) and RLIMIT_MEMLOCK (the layout's
 * limits.memlock), the range populated unless MLOCK_ONFAULT; and the
 * pages' side: a page a locked VMA maps is mlocked (PG_mlocked, NR_MLOCK)
 * and sits on the unevictable list, where reclaim never looks.
 *
 * Where Linux keeps a count of locked mappings in each folio, a page
 * here asks the reverse map whether another locked VMA still maps it
 * when one goes: the same answer, without a field in struct page.
 *
 * A THP is mlocked whole (PG_mlocked on its head, HPAGE_PMD_NR pages in
 * NR_MLOCK) as Linux 6.x's mlock_folio does a large folio: when a locked
 * VMA maps it by its PMD, or maps every page of it by the PTEs of one
 * table inside the VMA (mlock_pte_range's allow_mlock_munlock: a folio
 * only partly in the range, or partly mapped, is left as it is). It is
 * munlocked when a locked VMA's mapping of it goes and no locked VMA
 * still maps it so: where Linux counts mlock_count down, the reverse map
 * is asked, as for small pages. Its head moves to the unevictable list
 * and back, standing for all its pages.
 *
 * Owns: mlock's checks and errors, mlock_fixup's accounting, the mlocked
 * state of pages and THPs. Must never: change a VMA's bounds but through
 * madvise_update_vma, mlock a page not on an LRU list (a huge page, the
 * zero page), or leave an mlocked page or THP on an evictable list.
 */
#include "core/mlock.h"

#include <errno.h>

#include "core/check.h"
#include "core/err.h"
#include "core/huge_mm.h"
#include "core/memory.h"
#include "core/mmzone.h"
#include "core/pgtable.h"
#include "core/rmap.h"
#include "core/vma_internal.h"
#include "core/vmscan.h"

/* The host's <sys/mman.h> values are Linux's, which clients pass. */
_Static_assert(MLOCK_ONFAULT == 1 && MCL_CURRENT == 1 && MCL_FUTURE == 2 &&
		       MCL_ONFAULT == 4,
	       "mlock's flags are Linux's");

/* ------------------------------------------------------------------ */
/* Pages                                                               */

static unsigned long hpage_nr(const struct machine *m)
{
	return 1UL << huge_page_order(m);
}

/* The THP a huge PMD entry in slot maps, or NULL (the huge zero page). */
static struct page *pmd_thp(struct machine *m, const struct pte_slot *slot,
			    uint64_t entry)
{
	unsigned long pfn;

	if (slot->level != pgtable_huge_level(m) || !pte_maps_page(entry) ||
	    !(entry & _PAGE_PSE))
		return NULL;
	pfn = pte_pfn(m, entry);
	return is_huge_zero_pfn(m, pfn) ? NULL
					: thp_head(m, pfn_to_page(m, pfn));
}

/*
 * The THP at head lies whole in vma from addr and vma maps it whole:
 * by its PMD, or by the PTEs of one table mapping its pages in order
 * (folio_within_vma, and a mlock step of folio_nr_pages).
 */
static bool thp_whole_in_vma(struct machine *m, const struct page *head,
			     const struct vm_area_struct *vma, uint64_t addr)
{
	uint64_t size = huge_page_size(m), entry;
	unsigned long pfn = page_to_pfn(m, head), nr = hpage_nr(m);
	unsigned int leaf = pgtable_levels(m) - 1, first;
	struct pte_slot slot;

	if ((addr & (size - 1)) || addr + size > vma->vm_end ||
	    pte_slot_get(m, vma->vm_mm->pgd, addr, leaf, false, &slot))
		return false;
	entry = pte_slot_read(m, &slot);
	if (slot.level != leaf)
		return pmd_thp(m, &slot, entry) == head;
	first = slot.idx[leaf];
	for (unsigned long i = 0; i < nr; i++) {
		slot.idx[leaf] = first + (unsigned int)i;
		entry = pte_slot_read(m, &slot);
		if (!pte_maps_page(entry) || pte_pfn(m, entry) != pfn + i)
			return false;
	}
	return true;
}

/* Stops the walk at a locked VMA that maps the THP whole. */
static int thp_locked_one(struct machine *m, struct page *head,
			  struct vm_area_struct *vma, uint64_t addr, void *arg)
{
	(void)arg;
	return (vma->vm_flags & (VM_LOCKED | VM_SPECIAL)) == VM_LOCKED &&
	       thp_whole_in_vma(m, head, vma, addr);
}

/* mlock_folio of a THP: all its pages counted, its head culled. */
static void mlock_thp(struct machine *m, struct page *head)
{
	unsigned long nr = hpage_nr(m);

	if (!PageFlag(head, PG_mlocked)) {
		SetPageFlag(head, PG_mlocked);
		page_zone(m, head)->vm_stat[NR_MLOCK] += (long)nr;
		m->vm_events[UNEVICTABLE_PGMLOCKED] += nr;
	}
	lru_move_unevictable(m, head);
}

/* munlock_folio of a THP no locked VMA maps whole any more. */
static void munlock_thp(struct machine *m, struct page *head)
{
	unsigned long nr = hpage_nr(m);

	if (!PageFlag(head, PG_mlocked) ||
	    rmap_walk(m, head, thp_locked_one, NULL))
		return;
	ClearPageFlag(head, PG_mlocked);
	page_zone(m, head)->vm_stat[NR_MLOCK] -= (long)nr;
	m->vm_events[UNEVICTABLE_PGMUNLOCKED] += nr;
	lru_move_evictable(m, head);
}

/*
 * mlock_vma_folio: the THP is mlocked if the locked vma maps it whole
 * and it lies in [start, end) (folio_within_range: mlock's walk covers
 * only the range asked for, though the VMA merged past it).
 */
static void mlock_vma_thp(struct machine *m, struct vm_area_struct *vma,
			  struct page *head, uint64_t start, uint64_t end)
{
	uint64_t addr;

	if ((vma->vm_flags & (VM_LOCKED | VM_SPECIAL)) == VM_LOCKED &&
	    vma_address(vma, head->index, &addr, m->page_shift) &&
	    addr >= start && addr + huge_page_size(m) <= end &&
	    thp_whole_in_vma(m, head, vma, addr))
		mlock_thp(m, head);
}

void mlock_page(struct machine *m, struct page *page)
{
	if (PageThp(page)) { /* reclaim culls a THP a locked VMA maps */
		mlock_thp(m, thp_head(m, page));
		return;
	}
	if (!PageFlag(page, PG_lru))
		return;
	if (!PageFlag(page, PG_mlocked)) {
		SetPageFlag(page, PG_mlocked);
		page_zone(m, page)->vm_stat[NR_MLOCK]++;
		m->vm_events[UNEVICTABLE_PGMLOCKED]++;
	}
	lru_move_unevictable(m, page);
}

/* Stops the walk at a locked VMA that still maps the page. */
static int locked_one(struct machine *m, struct page *page,
		      struct vm_area_struct *vma, uint64_t addr, void *arg)
{
	struct pte_slot slot;
	uint64_t entry;

	(void)arg;
	return (vma->vm_flags & VM_LOCKED) &&
	       page_vma_mapped(m, page, vma, addr, &slot, &entry);
}

void munlock_page(struct machine *m, struct page *page)
{
	if (PageThp(page)) {
		munlock_thp(m, thp_head(m, page));
		return;
	}
	if (!PageFlag(page, PG_mlocked) || rmap_walk(m, page, locked_one, NULL))
		return;
	ClearPageFlag(page, PG_mlocked);
	page_zone(m, page)->vm_stat[NR_MLOCK]--;
	m->vm_events[UNEVICTABLE_PGMUNLOCKED]++;
	lru_move_evictable(m, page);
}

void mlock_page_freed(struct machine *m, struct page *page)
{
	unsigned long nr = PageThp(page) ? hpage_nr(m) : 1;

	if (!PageFlag(page, PG_mlocked))
		return;
	ClearPageFlag(page, PG_mlocked);
	page_zone(m, page)->vm_stat[NR_MLOCK] -= (long)nr;
	m->vm_events[UNEVICTABLE_PGCLEARED] += nr;
}

bool mlock_thp_split(struct machine *m, struct page *head)
{
	unsigned long nr = hpage_nr(m);

	if (!PageFlag(head, PG_mlocked))
		return false;
	ClearPageFlag(head, PG_mlocked);
	page_zone(m, head)->vm_stat[NR_MLOCK] -= (long)nr;
	return true;
}

void mlock_split_page(struct machine *m, struct page *page, bool mlocked)
{
	if (!rmap_walk(m, page, locked_one, NULL)) {
		if (mlocked)
			m->vm_events[UNEVICTABLE_PGMUNLOCKED]++;
		return;
	}
	if (!mlocked) { /* the cull reclaim would make (mlock_vma_folio) */
		mlock_page(m, page);
		return;
	}
	/* The THP's mlock passes to the page: no new event. */
	SetPageFlag(page, PG_mlocked);
	page_zone(m, page)->vm_stat[NR_MLOCK]++;
	lru_move_unevictable(m, page);
}

/* The small page a leaf entry maps, or NULL (swap, zero page, THP). */
static struct page *entry_page(struct machine *m, const struct pte_slot *slot,
			       uint64_t entry)
{
	unsigned long pfn;

	if (slot->level != pgtable_levels(m) - 1 || !pte_maps_page(entry))
		return NULL;
	pfn = pte_pfn(m, entry);
	if (pfn == m->zero_pfn || PageThp(pfn_to_page(m, pfn)))
		return NULL;
	return pfn_to_page(m, pfn);
}

/*
 * folio_add_lru_vma's mlock_new_folio: the small page a fault mapped,
 * or the THP a PMD fault mapped (a page of a PTE-mapped THP a fault
 * reused is left as it is, as Linux's wp_page_reuse leaves it).
 */
void mlock_fault_page(struct machine *m, struct vm_area_struct *vma,
		      uint64_t addr)
{
	struct pte_slot slot;
	struct page *page;
	uint64_t entry;

	if (vma->vm_flags & VM_HUGETLB)
		return;
	if (pte_slot_get(m, vma->vm_mm->pgd, addr, pgtable_levels(m) - 1, false,
			 &slot))
		return;
	entry = pte_slot_read(m, &slot);
	page = pmd_thp(m, &slot, entry);
	if (page) {
		mlock_vma_thp(m, vma, page, vma->vm_start, vma->vm_end);
		return;
	}
	page = entry_page(m, &slot, entry);
	if (page)
		mlock_page(m, page);
}

/* mlock_pte_range's walk: whether it locks, its range, the last THP. */
struct mlock_walk {
	bool lock;
	uint64_t start, end;
	struct page *last_thp;
};

/*
 * A THP in the walk, once: mlocked if the VMA maps it whole; munlocked
 * (allow_mlock_munlock lets any folio go) unless a locked VMA still
 * maps it whole.
 */
static void mlock_one_thp(struct machine *m, struct vm_area_struct *vma,
			  struct page *head, struct mlock_walk *w)
{
	if (head == w->last_thp)
		return;
	w->last_thp = head;
	if (w->lock)
		mlock_vma_thp(m, vma, head, w->start, w->end);
	else
		munlock_thp(m, head);
}

/* The THP a leaf entry maps a page of, or NULL. */
static struct page *pte_thp(struct machine *m, const struct vm_area_struct *vma,
			    const struct pte_slot *slot, uint64_t entry)
{
	if (slot->level != pgtable_levels(m) - 1 || !pte_maps_page(entry) ||
	    pte_pfn(m, entry) == m->zero_pfn ||
	    (vma->vm_flags & (VM_PFNMAP | VM_HUGETLB)))
		return NULL;
	return thp_head(m, pfn_to_page(m, pte_pfn(m, entry)));
}

/* mlock_pte_range: each page mapped in the range is (un)locked. */
static void mlock_one(struct machine *m, struct vm_area_struct *vma,
		      uint64_t addr, const struct pte_slot *slot,
		      uint64_t entry, void *arg)
{
	struct mlock_walk *w = arg;
	struct page *page = pmd_thp(m, slot, entry);

	(void)addr;
	if (!page)
		page = pte_thp(m, vma, slot, entry);
	if (page) {
		mlock_one_thp(m, vma, page, w);
		return;
	}
	page = entry_page(m, slot, entry);
	if (!page)
		return;
	if (w->lock)
		mlock_page(m, page);
	else
		munlock_page(m, page);
}

void munlock_vma_range(struct machine *m, struct vm_area_struct *vma,
		       uint64_t start, uint64_t end)
{
	struct mlock_walk w = {.lock = false, .start = start, .end = end};

	walk_vma_range(m, vma, start, end, mlock_one, &w);
}

/* ------------------------------------------------------------------ */
/* Limits                                                              */

bool can_do_mlock(const struct machine *m)
{
	return m->layout.limits.memlock != 0;
}

static unsigned long lock_limit(const struct machine *m)
{
	return (unsigned long)(m->layout.limits.memlock >> m->page_shift);
}

bool mlock_future_ok(const struct machine *m, const struct mm_struct *mm,
		     unsigned long flags, uint64_t bytes)
{
	if (!(flags & VM_LOCKED))
		return true;
	return (bytes >> m->page_shift) + mm->locked_vm <= lock_limit(m);
}

/* count_mm_mlocked_page_nr: pages of [start, +len) already locked. */
static unsigned long mlocked_pages_in(const struct machine *m,
				      const struct mm_struct *mm,
				      uint64_t start, uint64_t len)
{
	uint64_t end = start + len;
	unsigned long n = 0;

	for (unsigned int i = 0; i < mm->map_count; i++) {
		const struct vm_area_struct *vma = mm->vmas[i];
		uint64_t lo = vma->vm_start > start ? vma->vm_start : start;
		uint64_t hi = vma->vm_end < end ? vma->vm_end : end;

		if ((vma->vm_flags & VM_LOCKED) && lo < hi)
			n += (unsigned long)((hi - lo) >> m->page_shift);
	}
	return n;
}

/* ------------------------------------------------------------------ */
/* VMAs                                                                */

/*
 * mlock_fixup: [start, end) of one VMA gets newflags; locked_vm follows
 * and the pages already there are mlocked or munlocked. Huge page VMAs
 * keep their flags and are not counted, as Linux's.
 */
static int mlock_fixup(struct machine *m, struct mm_struct *mm, uint64_t start,
		       uint64_t end, unsigned long newflags)
{
	struct vm_area_struct *vma = find_vma(mm, start);
	unsigned long oldflags = vma->vm_flags;
	long nr = (long)((end - start) >> m->page_shift);
	bool lock = newflags & VM_LOCKED;
	int err;

	if (newflags == oldflags || (oldflags & VM_HUGETLB))
		return 0;
	err = madvise_update_vma(m, mm, start, end, newflags);
	if (err)
		return err;
	if (!lock)
		nr = -nr;
	else if (oldflags & VM_LOCKED)
		nr = 0;
	mm->locked_vm += (unsigned long)nr;
	if (!(lock && (oldflags & VM_LOCKED))) {
		struct mlock_walk w = {
			.lock = lock, .start = start, .end = end};

		walk_vma_range(m, find_vma(mm, start), start, end, mlock_one,
			       &w);
	}
	return 0;
}

/*
 * apply_vma_lock_flags: the VMAs of [start, start + len) get flags in
 * place of their VM_LOCKED_MASK; a range that starts in a hole, or has
 * one, is -ENOMEM, the VMAs before the hole changed all the same.
 */
static int apply_vma_lock_flags(struct machine *m, struct mm_struct *mm,
				uint64_t start, uint64_t len,
				unsigned long flags)
{
	uint64_t end = start + len, addr = start;

	if (end < start)
		return mm_refuse(m, BAD_VMA, -EINVAL, "mlock: range wraps");
	if (end == start)
		return 0;
	if (!vma_lookup(mm, start))
		return mm_refuse(m, BAD_NONE, -ENOMEM,
				 "mlock: %#lx is not mapped",
				 (unsigned long)start);
	while (addr < end) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		uint64_t hi;
		int err;

		if (!vma || vma->vm_start > addr)
			return mm_refuse(m, BAD_NONE, -ENOMEM,
					 "mlock: %#lx is not mapped",
					 (unsigned long)addr);
		hi = vma->vm_end < end ? vma->vm_end : end;
		err = mlock_fixup(m, mm, addr, hi,
				  (vma->vm_flags & ~VM_LOCKED_MASK) | flags);
		if (err)
			return err;
		addr = hi;
	}
	return 0;
}

/*
 * __mm_populate: fault in each VMA's part of [start, end), skipping
 * VM_LOCKONFAULT ones. A VMA with no access (PROT_NONE) fails GUP
 * with -EFAULT: mlock answers -ENOMEM for it (and -EAGAIN for a fault
 * out of memory), as __mlock_posix_error_return; mlockall goes on.
 */
static int mm_populate(struct machine *m, struct mm_struct *mm, uint64_t start,
		       uint64_t end, bool ignore_errors)
{
	uint64_t addr = start;

	while (addr < end) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		uint64_t lo, hi;
		int err;

		if (!vma || vma->vm_start >= end)
			break;
		lo = vma->vm_start > addr ? vma->vm_start : addr;
		hi = vma->vm_end < end ? vma->vm_end : end;
		addr = hi;
		if (vma->vm_flags & VM_LOCKONFAULT)
			continue;
		if (!(vma->vm_flags & VM_ACCESS_FLAGS)) {
			if (ignore_errors)
				continue;
			return mm_refuse(m, BAD_NONE, -ENOMEM,
					 "mlock: %#lx is PROT_NONE: locked, "
					 "not populated",
					 (unsigned long)lo);
		}
		err = populate_vma_range(m, mm, lo, hi);
		if (err &&
		    !ignore_errors) /* SIGBUS past a shared object's end */
			return mm_refuse(m, BAD_NONE,
					 err == -EFAULT ? -ENOMEM : -EAGAIN,
					 "mlock: populating %#lx failed",
					 (unsigned long)lo);
	}
	return 0;
}

static int mlock_range(struct machine *m, struct mm_struct *mm, uint64_t start,
		       uint64_t len, unsigned long flags)
{
	uint64_t off = start & (m->page_size - 1);
	unsigned long locked;
	int err;

	if (!can_do_mlock(m))
		return mm_refuse(m, BAD_NONE, -EPERM,
				 "mlock: limits.memlock (RLIMIT_MEMLOCK) is "
				 "0 and no process has CAP_IPC_LOCK");
	len = (len + off + m->page_size - 1) & ~(uint64_t)(m->page_size - 1);
	start -= off;
	locked = (unsigned long)(len >> m->page_shift) + mm->locked_vm;
	if (locked > lock_limit(m))
		locked -= mlocked_pages_in(m, mm, start, len);
	if (locked > lock_limit(m))
		return mm_refuse(m, BAD_NONE, -ENOMEM,
				 "mlock: %lu pages locked would pass "
				 "limits.memlock (%lu pages)",
				 locked, lock_limit(m));
	err = apply_vma_lock_flags(m, mm, start, len, flags);
	if (err)
		return err;
	return mm_populate(m, mm, start, start + len, false);
}

int do_mlock(struct machine *m, struct mm_struct *mm, uint64_t start,
	     uint64_t len, int flags)
{
	if (flags & ~MLOCK_ONFAULT)
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "mlock2: flags %#x (only MLOCK_ONFAULT)",
				 flags);
	return mlock_range(m, mm, start, len,
			   VM_LOCKED | (flags ? VM_LOCKONFAULT : 0));
}

int do_munlock(struct machine *m, struct mm_struct *mm, uint64_t start,
	       uint64_t len)
{
	uint64_t off = start & (m->page_size - 1);

	len = (len + off + m->page_size - 1) & ~(uint64_t)(m->page_size - 1);
	return apply_vma_lock_flags(m, mm, start - off, len, 0);
}

/* apply_mlockall_flags: def_flags for the future, every VMA for now. */
static int apply_mlockall_flags(struct machine *m, struct mm_struct *mm,
				int flags)
{
	unsigned long to_add = 0;

	mm->def_flags &= ~VM_LOCKED_MASK;
	if (flags & MCL_FUTURE) {
		mm->def_flags |= VM_LOCKED;
		if (flags & MCL_ONFAULT)
			mm->def_flags |= VM_LOCKONFAULT;
		if (!(flags & MCL_CURRENT))
			return 0;
	}
	if (flags & MCL_CURRENT)
		to_add = VM_LOCKED | (flags & MCL_ONFAULT ? VM_LOCKONFAULT : 0);
	/* Each VMA by its start: mlock_fixup may merge it with the last. */
	for (uint64_t addr = 0;;) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		uint64_t start, end;

		if (!vma)
			break;
		start = vma->vm_start > addr ? vma->vm_start : addr;
		end = vma->vm_end;
		/* Linux ignores mlock_fixup's errors here. */
		mlock_fixup(m, mm, start, end,
			    (vma->vm_flags & ~VM_LOCKED_MASK) | to_add);
		addr = end;
	}
	return 0;
}

int do_mlockall(struct machine *m, struct mm_struct *mm, int flags)
{
	int err;

	if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) ||
	    flags == MCL_ONFAULT)
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "mlockall: flags %#x (MCL_CURRENT, "
				 "MCL_FUTURE, with MCL_ONFAULT)",
				 flags);
	if (!can_do_mlock(m))
		return mm_refuse(m, BAD_NONE, -EPERM,
				 "mlockall: limits.memlock (RLIMIT_MEMLOCK) "
				 "is 0");
	if ((flags & MCL_CURRENT) && mm->total_vm > lock_limit(m))
		return mm_refuse(m, BAD_NONE, -ENOMEM,
				 "mlockall: %lu pages mapped, more than "
				 "limits.memlock (%lu pages)",
				 mm->total_vm, lock_limit(m));
	err = apply_mlockall_flags(m, mm, flags);
	if (!err && (flags & MCL_CURRENT))
		mm_populate(m, mm, 0, mm->task_size, true);
	return err;
}

int do_munlockall(struct machine *m, struct mm_struct *mm)
{
	return apply_mlockall_flags(m, mm, 0);
}

/* ------------------------------------------------------------------ */
/* Checks                                                              */

/*
 * Every page a locked VMA maps is mlocked, and every THP its PMDs map
 * (huge pages aside; a PTE-mapped THP is mlocked or not by its history,
 * as Linux's may be). Returns the bytes to step past addr, 0 on failure.
 */
static uint64_t check_locked_leaf(const struct machine *m, uint64_t addr,
				  const struct pte_slot *slot, char *why,
				  size_t len)
{
	uint64_t entry = pte_slot_read(m, slot);
	const struct page *thp = pmd_thp((struct machine *)m, slot, entry);
	const struct page *page = entry_page((struct machine *)m, slot, entry);

	if (thp && !PageFlag(thp, PG_mlocked)) {
		check_failed(why, len,
			     "mlock: THP pfn %#lx at %#lx, PMD-mapped by a "
			     "VM_LOCKED VMA, is not mlocked",
			     page_to_pfn(m, thp), (unsigned long)addr);
		return 0;
	}
	if (page && PageFlag(page, PG_lru) &&
	    (!PageFlag(page, PG_mlocked) || !PageFlag(page, PG_unevictable))) {
		check_failed(why, len,
			     "mlock: pfn %#lx at %#lx of a VM_LOCKED VMA is "
			     "not on the unevictable list",
			     page_to_pfn(m, page), (unsigned long)addr);
		return 0;
	}
	return thp ? huge_page_size(m) - (addr & (huge_page_size(m) - 1))
		   : m->page_size;
}

static int check_locked_vma(const struct machine *m,
			    const struct vm_area_struct *vma, char *why,
			    size_t len)
{
	unsigned int leaf = pgtable_levels(m) - 1;

	for (uint64_t addr = vma->vm_start; addr < vma->vm_end;) {
		struct pte_slot slot;
		uint64_t size;

		if (pte_slot_get((struct machine *)m, vma->vm_mm->pgd, addr,
				 leaf, false, &slot)) {
			size = pgtable_level_size(m, slot.level);
			addr = (addr | (size - 1)) + 1;
			if (!addr)
				break;
			continue;
		}
		size = check_locked_leaf(m, addr, &slot, why, len);
		if (!size)
			return -EINVAL;
		addr += size;
	}
	return 0;
}

int mlock_check(const struct machine *m, const struct mm_struct *mm, char *why,
		size_t len)
{
	unsigned long locked = 0;

	for (unsigned int i = 0; i < mm->map_count; i++) {
		const struct vm_area_struct *vma = mm->vmas[i];
		int err;

		if (!(vma->vm_flags & VM_LOCKED))
			continue;
		if (vma->vm_flags & VM_HUGETLB)
			return check_failed(why, len,
					    "mlock: huge page VMA at %#lx is "
					    "VM_LOCKED",
					    (unsigned long)vma->vm_start);
		locked += (unsigned long)((vma->vm_end - vma->vm_start) >>
					  m->page_shift);
		err = check_locked_vma(m, vma, why, len);
		if (err)
			return err;
	}
	if (locked + mm->locked_vm_dontunmap != mm->locked_vm)
		return check_failed(why, len,
				    "mlock: pid %d has %lu pages in locked "
				    "VMAs and %lu left by MREMAP_DONTUNMAP, "
				    "locked_vm says %lu",
				    mm->pid, locked, mm->locked_vm_dontunmap,
				    mm->locked_vm);
	return 0;
}

int mlock_lru_check(const struct machine *m, char *why, size_t len)
{
	const struct list_head *pos;
	long counted = 0, mlocked = 0;

	for (unsigned int z = 0; z < nr_zone_slots(m); z++)
		counted += m->zones[z].vm_stat[NR_MLOCK];
	for (unsigned int nid = 0; nid < m->nr_node_ids; nid++)
		list_for_each(
			pos,
			&node_lruvec_const(m, (int)nid)->lists[LRU_UNEVICTABLE])
		{
			struct page *page = list_entry(pos, struct page, lru);

			/* A THP may stay mlocked as Linux's does (mprotect). */
			if (PageThp(page) && PageFlag(page, PG_mlocked)) {
				mlocked += (long)hpage_nr(m);
				continue;
			}
			if (!PageFlag(page, PG_mlocked) ||
			    !rmap_walk((struct machine *)m, page, locked_one,
				       NULL))
				return check_failed(
					why, len,
					"mlock: pfn %#lx is unevictable "
					"but no locked VMA maps it",
					page_to_pfn(m, page));
			mlocked++;
		}
	if (mlocked != counted)
		return check_failed(why, len,
				    "mlock: %ld pages mlocked, NR_MLOCK says "
				    "%ld",
				    mlocked, counted);
	return 0;
}
