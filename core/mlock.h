/* SPDX-License-Identifier: MIT */
/*
 * mlock.h - what mlock.c shares with the fault path, teardown and
 * reclaim: a page a VM_LOCKED VMA maps is mlocked (PG_mlocked, counted
 * in NR_MLOCK, on the unevictable list); it is munlocked when the last
 * such mapping goes. Clients reach mlock through uapi.h.
 */
#ifndef MM_MLOCK_H
#define MM_MLOCK_H

#include <stdbool.h>

#include "core/mm.h"

/*
 * A page a VM_LOCKED VMA maps is mlocked (PG_mlocked, counted in
 * NR_MLOCK) and sits on the unevictable list. A THP is mlocked
 * whole, HPAGE_PMD_NR pages in NR_MLOCK, when a locked VMA maps it by
 * its PMD or every page of it by PTEs (mlock.c says when, as Linux 6.x).
 */

/* mlock_folio: the page is held by a locked VMA; cull it off reclaim. */
void mlock_page(struct machine *m, struct page *page);
/*
 * munlock_folio: a locked VMA's mapping of the page went (its entry is
 * already cleared): unless another locked VMA still maps it, it is
 * rescued onto its evictable list.
 */
void munlock_page(struct machine *m, struct page *page);
/* The pages of [start, end) of a VMA that lost VM_LOCKED are munlocked. */
void munlock_vma_range(struct machine *m, struct vm_area_struct *vma,
		       uint64_t start, uint64_t end);
/*
 * munlock_page of a page of a THP munlocks the THP unless a locked VMA
 * still maps it whole.
 */
/*
 * A freed page (or THP head) that was mlocked leaves NR_MLOCK
 * (unevictable_pgs_cleared).
 */
void mlock_page_freed(struct machine *m, struct page *page);
/*
 * __split_huge_page of a THP: mlock_thp_split takes the THP's mlock off
 * NR_MLOCK (whether it had one); after the split each page still mapped,
 * back on the LRU, is given to mlock_split_page, which mlocks it if a
 * locked VMA maps it: with the THP's mlock (mlocked), as the tails
 * inherit PG_mlocked in Linux; without, as reclaim would cull it later
 * (the machine keeps every page a locked VMA maps mlocked).
 */
bool mlock_thp_split(struct machine *m, struct page *head);
void mlock_split_page(struct machine *m, struct page *page, bool mlocked);
/*
 * After a fault at addr in a VM_LOCKED VMA: mlock the page now mapped,
 * or the THP a PMD now maps (folio_add_lru_vma's mlock_new_folio).
 */
void mlock_fault_page(struct machine *m, struct vm_area_struct *vma,
		      uint64_t addr);

/*
 * mlock_future_ok: whether bytes more of VM_LOCKED memory (when flags
 * say VM_LOCKED) stay within RLIMIT_MEMLOCK (the layout's
 * limits.memlock); mmap, mremap and brk refuse with -EAGAIN otherwise.
 */
bool mlock_future_ok(const struct machine *m, const struct mm_struct *mm,
		     unsigned long flags, uint64_t bytes);
/* can_do_mlock: a nonzero RLIMIT_MEMLOCK (no process has CAP_IPC_LOCK). */
bool can_do_mlock(const struct machine *m);

/* The checker's part: locked VMAs' pages mlocked, and the counts. */
int mlock_check(const struct machine *m, const struct mm_struct *mm, char *why,
		size_t len);
/*
 * The unevictable list holds exactly the mlocked pages, each small one
 * still mapped by a locked VMA, and NR_MLOCK counts them (a THP's head
 * for all its pages).
 */
int mlock_lru_check(const struct machine *m, char *why, size_t len);

#endif /* MM_MLOCK_H */
