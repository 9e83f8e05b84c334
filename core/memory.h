/* SPDX-License-Identifier: MIT */
/*
 * memory.h - what memory.c shares with vma.c, vmscan.c and the checker:
 * the page-level work under a VMA (tearing down, changing protection,
 * populating) and the life of a user page.
 */
#ifndef MM_MEMORY_H
#define MM_MEMORY_H

#include <stdint.h>

#include "core/mm.h"

/*
 * Call fn for each non-zero entry of [start, end) in a VMA, a page (or
 * a huge page) at a time, skipping ranges whose tables are missing; a
 * THP the range cuts is split first, as walk_page_range's callers do.
 * Guard markers are passed over: only walk_vma_range_markers shows them.
 */
typedef void (*range_fn)(struct machine *m, struct vm_area_struct *vma,
			 uint64_t addr, const struct pte_slot *slot,
			 uint64_t entry, void *arg);
void walk_vma_range(struct machine *m, struct vm_area_struct *vma,
		    uint64_t start, uint64_t end, range_fn fn, void *arg);
void walk_vma_range_markers(struct machine *m, struct vm_area_struct *vma,
			    uint64_t start, uint64_t end, range_fn fn,
			    void *arg);
/*
 * Remove every entry of [start, end) in vma, giving back what it held;
 * guard markers stay (MADV_DONTNEED, truncation), as zap_pte_range
 * keeps them without ZAP_FLAG_DROP_MARKER.
 */
void zap_vma_range(struct machine *m, struct vm_area_struct *vma,
		   uint64_t start, uint64_t end);
/* The same, guard markers too: munmap and exit (unmap_vmas). */
void unmap_vma_range(struct machine *m, struct vm_area_struct *vma,
		     uint64_t start, uint64_t end);
/*
 * MADV_GUARD_INSTALL's work on [start, end) of vma: what is mapped there
 * zapped, then a guard marker in every entry (-ENOMEM without a table);
 * MADV_GUARD_REMOVE's: the markers of [start, end) cleared, nothing else.
 */
int install_guard_range(struct machine *m, struct vm_area_struct *vma,
			uint64_t start, uint64_t end);
void remove_guard_range(struct machine *m, struct vm_area_struct *vma,
			uint64_t start, uint64_t end);
/* Rewrite the entries of [start, end) for vma's (new) flags. */
void change_protection(struct machine *m, struct vm_area_struct *vma,
		       uint64_t start, uint64_t end);
/*
 * Move the entries of [old_addr, +len) in vma to new_addr in new_vma (of
 * the same mm): the tables are made first, so that a failure (-ENOMEM)
 * moves nothing.
 */
int move_page_tables(struct machine *m, struct vm_area_struct *vma,
		     uint64_t old_addr, struct vm_area_struct *new_vma,
		     uint64_t new_addr, uint64_t len);
/*
 * Fault in every page of [start, end) of the VMA at start, as
 * MAP_POPULATE: 0, or the first fault's error (the pages before it
 * stay); nothing for a VM_LOCKONFAULT VMA, as populate_vma_page_range.
 * Callers that only hint ignore it.
 */
int populate_vma_range(struct machine *m, struct mm_struct *mm, uint64_t start,
		       uint64_t end);
/* The same with the access given (MADV_POPULATE_READ and _WRITE). */
int populate_range_access(struct machine *m, struct mm_struct *mm,
			  uint64_t start, uint64_t end,
			  enum user_access access);
/* The entry bits a page of vma gets (write only if it may be written). */
uint64_t vma_pte_prot(const struct machine *m, unsigned long vm_flags,
		      bool writable);

/*
 * A page for mm's user memory, charged to mm's process: zeroed if zero.
 * ERR_PTR(-EDQUOT) past the process's limit (after reclaiming its own
 * pages), ERR_PTR(-ENOMEM) when memory ran out.
 */
struct page *alloc_user_page(struct machine *m, const struct mm_struct *mm,
			     bool zero);
/* Drop a reference to a user page; the last frees it. */
void put_user_page(struct machine *m, struct page *page);
void get_user_page(struct page *page);
/* One more or one fewer entry maps the page (NR_ANON_MAPPED follows). */
void page_add_anon_rmap(struct machine *m, struct page *page);
void page_remove_rmap(struct machine *m, struct page *page);
/*
 * remap_pfn_range: [addr, +size) of vma maps raw frames from pfn, every
 * entry now, no struct page touched (a driver's mmap); -ENOMEM for a
 * table, nothing left mapped.
 */
int remap_pfn_range(struct machine *m, struct vm_area_struct *vma,
		    uint64_t addr, unsigned long pfn, uint64_t size);
/* Which RSS counter a mapped page counts in, as mm_counter. */
enum mm_counter mm_counter(const struct page *page);
/*
 * unmap_mapping_range: every entry of every VMA mapping inode at page
 * offset first or beyond goes, private copies too (truncation).
 */
struct inode;
void unmap_mapping_range(struct machine *m, struct inode *inode,
			 uint64_t first);
static inline int page_mapcount(const struct page *page)
{
	return page->_mapcount + 1;
}

/* The order of a huge page of this arch (9 on x86_64, 10 on i386). */
unsigned int huge_page_order(const struct machine *m);

#endif /* MM_MEMORY_H */
