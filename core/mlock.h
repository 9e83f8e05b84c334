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
/* A freed page that was mlocked leaves NR_MLOCK (unevictable_pgs_cleared). */
void mlock_page_freed(struct machine *m, struct page *page);
/* After a fault at addr in a VM_LOCKED VMA: mlock the page now mapped. */
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
 * The unevictable list holds exactly the mlocked pages, each still
 * mapped by a locked VMA, and NR_MLOCK counts them.
 */
int mlock_lru_check(const struct machine *m, char *why, size_t len);

#endif /* MM_MLOCK_H */
