/* SPDX-License-Identifier: MIT */
/*
 * khugepaged.c - collapsing small pages into transparent huge pages, as
 * mm/khugepaged.c: a pass walks the processes' anonymous VMAs that may
 * hold THPs, and each PMD-sized, PMD-aligned range mapped by a PTE table
 * whose entries allow it (at most max_ptes_none empty or zero-page
 * entries, no swap entry, at most max_ptes_shared pages shared with
 * another mm, no pinned or isolated page, one entry young and one
 * writable) becomes one huge page: a new block, each page's bytes copied
 * in (zeros for the empty ones), the old pages unmapped and released,
 * the PTE table freed and a PMD entry in its place.
 *
 * Owns: the khugepaged settings' values and its scan position, the
 * thp_collapse_alloc(_failed) events, pages_collapsed and full_scans.
 * Must never: collapse a range with a page it cannot account for, or
 * leave any entry of the range pointing at a released page; a pass does
 * at most pages_to_scan pages of work.
 */
#include <errno.h>
#include <string.h>

#include "core/err.h"
#include "core/huge_mm.h"
#include "core/memcontrol.h"
#include "core/memory.h"
#include "core/mlock.h"
#include "core/page_alloc.h"
#include "core/pgtable.h"
#include "core/pid.h"
#include "core/rmap.h"
#include "core/task.h"
#include "core/vma_internal.h"

int khugepaged_set(struct machine *m, unsigned int pages_to_scan, bool set_none,
		   unsigned int max_ptes_none)
{
	if (set_none && max_ptes_none >= (1u << huge_page_order(m)))
		return mm_refuse(m, BAD_NONE, -EINVAL,
				 "khugepaged/max_ptes_none takes 0 to %u",
				 (1u << huge_page_order(m)) - 1);
	if (pages_to_scan)
		m->thp.khugepaged.pages_to_scan = pages_to_scan;
	if (set_none)
		m->thp.khugepaged.max_ptes_none = max_ptes_none;
	return 0;
}

/* The PTE table's slot for the range at haddr, if one maps it. */
static bool pte_table_at(struct machine *m, struct mm_struct *mm,
			 uint64_t haddr, struct pte_slot *slot)
{
	return !pte_slot_get(m, mm->pgd, haddr, pgtable_levels(m) - 1, false,
			     slot) &&
	       slot->level == pgtable_levels(m) - 1;
}

/*
 * hpage_collapse_scan_pmd and __collapse_huge_page_isolate's checks:
 * whether the range's entries allow a collapse.
 */
static bool collapse_allowed(struct machine *m, const struct pte_slot *table)
{
	const struct khugepaged_state *k = &m->thp.khugepaged;
	unsigned int none = 0, shared = 0, nr = 1u << huge_page_order(m);
	bool young = false, writable = false;
	struct pte_slot slot = *table;

	for (unsigned int i = 0; i < nr; i++) {
		uint64_t entry;
		const struct page *page;

		slot.idx[slot.level] = i;
		entry = pte_slot_read(m, &slot);
		if (!entry ||
		    (pte_present(entry) && pte_pfn(m, entry) == m->zero_pfn)) {
			if (++none > k->max_ptes_none)
				return false;
			continue;
		}
		if (!pte_present(entry)) /* swap, or PROT_NONE */
			return false;
		page = pfn_to_page(m, pte_pfn(m, entry));
		/* A PTE-mapped THP's head is on the LRU; it stays as it is. */
		if (!PageFlag(page, PG_anon) || !PageFlag(page, PG_lru) ||
		    PageThp(page) || page->_refcount != page_mapcount(page))
			return false;
		if (page_mapcount(page) > 1 && ++shared > k->max_ptes_shared)
			return false;
		young |= entry & _PAGE_ACCESSED;
		writable |= entry & _PAGE_RW;
	}
	return young && writable;
}

/* The bytes of the range into the new huge page, zeros for the holes. */
static void copy_range(struct machine *m, const struct pte_slot *table,
		       unsigned long hpfn)
{
	unsigned int nr = 1u << huge_page_order(m);
	struct pte_slot slot = *table;

	for (unsigned int i = 0; i < nr; i++) {
		uint8_t *to = pfn_to_ram(m, hpfn + i);
		uint64_t entry;

		slot.idx[slot.level] = i;
		entry = pte_slot_read(m, &slot);
		if (!entry || pte_pfn(m, entry) == m->zero_pfn)
			memset(to, 0, m->page_size);
		else
			memcpy(to, pfn_to_ram(m, pte_pfn(m, entry)),
			       m->page_size);
	}
}

/* Every old entry cleared, its page released, the PTE table freed. */
static void release_range(struct machine *m, struct mm_struct *mm,
			  const struct pte_slot *table)
{
	unsigned int nr = 1u << huge_page_order(m);
	struct pte_slot slot = *table;

	for (unsigned int i = 0; i < nr; i++) {
		uint64_t entry;
		unsigned long pfn;

		slot.idx[slot.level] = i;
		entry = pte_slot_read(m, &slot);
		if (!entry)
			continue;
		pte_slot_set(m, &slot, 0);
		pfn = pte_pfn(m, entry);
		if (pfn == m->zero_pfn)
			continue;
		mm->rss_stat[MM_ANONPAGES]--;
		page_remove_rmap(m, pfn_to_page(m, pfn));
		put_user_page(m, pfn_to_page(m, pfn));
	}
	pte_slot_free_table(m, table);
	m->tlb_gen++;
}

/* collapse_huge_page: 1 when the range became a THP. */
static int collapse_huge_page(struct machine *m, struct vm_area_struct *vma,
			      uint64_t haddr)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned int order = huge_page_order(m);
	struct pte_slot table, pmd;
	struct page *page = alloc_pages(m, GFP_TRANSHUGE, order);

	if (IS_ERR(page)) {
		m->vm_events[THP_COLLAPSE_ALLOC_FAILED]++;
		return 0;
	}
	m->vm_events[THP_COLLAPSE_ALLOC]++;
	/* The allocation may have reclaimed: look again, as Linux does. */
	if (mem_cgroup_charge_block(m, page, order, mm->pid, GFP_TRANSHUGE) ||
	    !pte_table_at(m, mm, haddr, &table) ||
	    !collapse_allowed(m, &table)) {
		__free_pages(m, page, order);
		return 0;
	}
	copy_range(m, &table, page_to_pfn(m, page));
	release_range(m, mm, &table);
	pmd = table;
	pmd.level = table.level - 1;
	thp_add_new_anon_rmap(m, page, vma, haddr);
	pte_slot_write(m, &pmd,
		       pfn_pte(m, page_to_pfn(m, page),
			       vma_pte_prot(m, vma->vm_flags, true) |
				       _PAGE_PSE | _PAGE_ACCESSED |
				       _PAGE_DIRTY));
	m->thp.khugepaged.pages_collapsed++;
	/* folio_add_lru_vma: a THP made in a locked VMA is mlocked. */
	if (vma->vm_flags & VM_LOCKED)
		mlock_fault_page(m, vma, haddr);
	return 1;
}

/*
 * One VMA from *addr: each huge range in it scanned (HPAGE_PMD_NR
 * pages of work each) until the budget is spent. Returns THPs made.
 */
static unsigned long scan_vma(struct machine *m, struct vm_area_struct *vma,
			      uint64_t *addr, unsigned long *budget)
{
	uint64_t size = huge_page_size(m);
	uint64_t a = (*addr < vma->vm_start ? vma->vm_start : *addr);
	unsigned long made = 0;

	a = (a + size - 1) & ~(size - 1);
	for (; a + size <= vma->vm_end && *budget; a += size) {
		struct pte_slot table;

		*budget -= *budget < (size >> m->page_shift)
				   ? *budget
				   : (unsigned long)(size >> m->page_shift);
		if (pte_table_at(m, vma->vm_mm, a, &table) &&
		    collapse_allowed(m, &table))
			made += (unsigned long)collapse_huge_page(m, vma, a);
	}
	*addr = a;
	return made;
}

/* One mm from addr; 1 page of work for each VMA that cannot take THPs. */
static unsigned long scan_mm(struct machine *m, struct mm_struct *mm,
			     uint64_t *addr, unsigned long *budget)
{
	unsigned long made = 0;

	for (unsigned int i = 0; i < mm->map_count && *budget; i++) {
		struct vm_area_struct *vma = mm->vmas[i];

		if (vma->vm_end <= *addr)
			continue;
		if (!thp_vma_allowable(m, vma) || !vma->anon_vma) {
			(*budget)--;
			*addr = vma->vm_end;
			continue;
		}
		made += scan_vma(m, vma, addr, budget);
		if (*budget && *addr < vma->vm_end)
			*addr = vma->vm_end;
	}
	return made;
}

unsigned long khugepaged_scan(struct machine *m)
{
	struct khugepaged_state *k = &m->thp.khugepaged;
	unsigned long budget = k->pages_to_scan, made = 0;

	if (m->thp.enabled == THP_ENABLED_NEVER)
		return 0;
	/* Each pid once at most: a pass over no process ends too. */
	for (int seen = 0; budget && seen < PID_MAX; seen++) {
		const struct task_struct *t = find_task_by_pid(m, k->scan_pid);

		if (t && t->mm) {
			made += scan_mm(m, t->mm, &k->scan_addr, &budget);
			if (!budget && k->scan_addr < t->mm->task_size)
				break; /* the next pass goes on in this mm */
		}
		k->scan_addr = 0;
		if (++k->scan_pid >= PID_MAX) {
			k->scan_pid = 1;
			k->full_scans++;
		}
	}
	return made;
}
