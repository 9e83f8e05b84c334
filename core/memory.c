/* SPDX-License-Identifier: MIT */
/*
 * memory.c - page faults, user access, fork and teardown, as mm/memory.c.
 *
 * Owns: the MMU's check of each user access against the entry in RAM
 * (present, user, writable, no-execute; accessed and dirty set as the
 * hardware sets them), the fault handler that the check falls into
 * (stack growth, demand zero with the shared zero page, copy-on-write,
 * swap-in, shared anonymous pages, huge pages, file pages with
 * fault-around, copy-on-write of a private file page), fork's copy of the
 * page tables and the teardown of a range. Must never: map a frame that is
 * not a user page of this VMA's object, or keep an entry that points at
 * a freed frame; after any allocation, the entry is read again and the
 * fault retried if reclaim changed it (as pte_same() guards Linux's).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/mmzone.h"
#include "core/filemap.h"
#include "core/fs/fs.h"
#include "core/huge_mm.h"
#include "core/memcontrol.h"
#include "core/memory.h"
#include "core/mlock.h"
#include "core/mman.h"
#include "core/page_alloc.h"
#include "core/pgtable.h"
#include "core/rmap.h"
#include "core/shmem.h"
#include "core/swap.h"
#include "core/swap_state.h"
#include "core/vma_internal.h"
#include "core/vmscan.h"

/* How often one access may fault before it is called a bug. */
#define MAX_FAULT_RETRIES 8

static unsigned int pte_level(const struct machine *m)
{
	return pgtable_levels(m) - 1;
}

unsigned int huge_page_order(const struct machine *m)
{
	return (unsigned int)__builtin_ctzll(huge_page_size(m)) - m->page_shift;
}

static uint64_t linear_page_index(const struct machine *m,
				  const struct vm_area_struct *vma,
				  uint64_t addr)
{
	return vma->vm_pgoff + ((addr - vma->vm_start) >> m->page_shift);
}

/*
 * The slot of addr's PTE in mm, through the mm's cached path when addr
 * lies in the same PTE table as the last walk and no table was freed
 * since; as pte_slot_get otherwise, and the path is remembered.
 */
static int mm_pte_slot(struct machine *m, struct mm_struct *mm, uint64_t addr,
		       bool alloc, struct pte_slot *slot)
{
	unsigned int leaf = pte_level(m);
	unsigned int shift =
		(unsigned int)__builtin_ctzll(pgtable_level_size(m, leaf - 1));
	struct pte_cache *pc = &mm->pte_cache;
	uint64_t tag = (addr >> shift) + 1;
	int err;

	if (pc->tag == tag && pc->gen == m->pgtable_gen) {
		*slot = pc->slot;
		slot->idx[leaf] = (unsigned int)(addr >> m->page_shift) &
				  ((1u << (shift - m->page_shift)) - 1);
		return 0;
	}
	err = pte_slot_get(m, mm->pgd, addr, leaf, alloc, slot);
	if (!err && slot->level == leaf) {
		pc->tag = tag;
		pc->gen = m->pgtable_gen;
		pc->slot = *slot;
	}
	return err;
}

uint64_t vma_pte_prot(const struct machine *m, unsigned long vm_flags,
		      bool writable)
{
	uint64_t prot = _PAGE_USER;

	(void)m;
	if (!(vm_flags & VM_ACCESS_FLAGS))
		return _PAGE_PROTNONE;
	prot |= _PAGE_PRESENT;
	if (writable && (vm_flags & VM_WRITE))
		prot |= _PAGE_RW;
	if (!(vm_flags & VM_EXEC))
		prot |= _PAGE_NX;
	return prot;
}

/* ------------------------------------------------------------------ */
/* User pages                                                          */

/* vma's page for addr under its policy; NULL vma: the task's policy. */
static struct page *alloc_user_page_vma(struct machine *m,
					const struct mm_struct *mm,
					struct vm_area_struct *vma,
					uint64_t addr, bool zero)
{
	gfp_t gfp = GFP_HIGHUSER_MOVABLE | (zero ? __GFP_ZERO : 0);
	int err = mem_cgroup_try_charge(m, mm->pid, 1, gfp);
	struct page *page;

	if (err)
		return ERR_PTR(err);
	page = vma ? vma_alloc_pages(m, gfp, 0, vma, addr)
		   : alloc_pages(m, gfp, 0);
	if (IS_ERR(page)) {
		mem_cgroup_cancel_charge(m, mm->pid, 1);
		return ERR_PTR(-ENOMEM);
	}
	mem_cgroup_commit_charge(m, page_to_pfn(m, page), 1, mm->pid);
	return page;
}

struct page *alloc_user_page(struct machine *m, const struct mm_struct *mm,
			     bool zero)
{
	return alloc_user_page_vma(m, mm, NULL, 0, zero);
}

void get_user_page(struct page *page)
{
	page->_refcount++;
}

void put_user_page(struct machine *m, struct page *page)
{
	struct anon_vma *av = NULL;

	if (PageThp(page)) { /* the reference is the THP's */
		thp_put_page(m, page);
		return;
	}
	/* free_page_and_swap_cache: a page the cache holds, its last
	 * mapping going and its slot named by no entry, goes too. */
	if (page->swap && free_swap_cache(m, page))
		return;
	if (--page->_refcount > 0)
		return;
	mlock_page_freed(m, page);
	if (PageFlag(page, PG_lru))
		lru_del(m, page);
	if (PageFlag(page, PG_anon))
		av = (struct anon_vma *)(uintptr_t)page->mapping;
	ClearPageFlag(page, PG_anon);
	ClearPageFlag(page, PG_anon_exclusive);
	ClearPageFlag(page, PG_shmem);
	ClearPageFlag(page, PG_swapbacked);
	ClearPageFlag(page, PG_dirty);
	ClearPageFlag(page, PG_referenced);
	page->mapping = 0;
	page->index = 0;
	page->_mapcount = -1;
	page->_refcount = 1;
	__free_pages(m, page, 0);
	if (av)
		anon_vma_put(m, av);
}

/* The node counter of mapped pages of this kind (anon or file), by n. */
static void mod_mapped_stat(struct machine *m, const struct page *page, long n)
{
	if (PageFlag(page, PG_anon))
		mod_lruvec_page_state(m, page, NR_ANON_MAPPED, n);
	else if (page_is_pagecache(page))
		mod_lruvec_page_state(m, page, NR_FILE_MAPPED, n);
}

/*
 * A small anonymous page is PG_anon_exclusive (PageAnonExclusive) from
 * its first mapping by a write fault (page_add_new_anon_rmap) or a
 * copy-on-write fault that reuses it, until a second mapping shares it
 * (fork's copy, a swap-cache page mapped again) or its last mapping
 * goes (where Linux would keep it in the swap entry): mprotect makes
 * the entry of an exclusive page writable at once (can_change_pte_
 * writable), of any other only at a write fault.
 */
void page_add_anon_rmap(struct machine *m, struct page *page)
{
	if (++page->_mapcount == 0)
		mod_mapped_stat(m, page, 1);
	if (page->_mapcount > 0 && !PageThp(page))
		ClearPageFlag(page, PG_anon_exclusive);
}

void page_remove_rmap(struct machine *m, struct page *page)
{
	if (PageThp(page)) {
		thp_remove_rmap_pte(m, page);
		return;
	}
	if (--page->_mapcount == -1)
		mod_mapped_stat(m, page, -1);
	if (page->_mapcount == -1)
		ClearPageFlag(page, PG_anon_exclusive);
}

enum mm_counter mm_counter(const struct page *page)
{
	if (PageFlag(page, PG_anon))
		return MM_ANONPAGES;
	return PageFlag(page, PG_shmem) ? MM_SHMEMPAGES : MM_FILEPAGES;
}

/* A fresh private anonymous page of vma at addr: rmap and LRU. */
static void page_add_new_anon_rmap(struct machine *m, struct page *page,
				   struct vm_area_struct *vma, uint64_t addr)
{
	SetPageFlag(page, PG_anon);
	SetPageFlag(page, PG_swapbacked);
	page->mapping = (uint64_t)(uintptr_t)vma->anon_vma;
	page->index = linear_page_index(m, vma, addr);
	page->_mapcount = -1;
	anon_vma_get(vma->anon_vma);
	page_add_anon_rmap(m, page);
	SetPageFlag(page, PG_anon_exclusive);
	lru_add(m, page);
}

/* ------------------------------------------------------------------ */
/* Faults                                                              */

static int segv(struct user_fault *fault, int code, uint64_t addr)
{
	fault->signo = SIGSEGV;
	fault->si_code = code;
	fault->addr = addr;
	return -EFAULT;
}

static int sigbus(struct user_fault *fault, uint64_t addr)
{
	fault->signo = SIGBUS;
	fault->si_code = BUS_ADRERR;
	fault->addr = addr;
	return -EFAULT;
}

/* expand_stack: grow a grows-down VMA to take addr, within its limits. */
static int expand_stack(struct machine *m, struct mm_struct *mm,
			struct vm_area_struct *vma, uint64_t addr)
{
	uint64_t start = addr & ~((uint64_t)m->page_size - 1);
	struct vm_area_struct *prev = NULL;
	unsigned long grow;

	for (unsigned int i = 0; i < mm->map_count; i++)
		if (mm->vmas[i] == vma && i > 0)
			prev = mm->vmas[i - 1];
	if (start < MMAP_MIN_ADDR)
		return -ENOMEM;
	/* The gap is kept from accessible mappings that do not grow down. */
	if (prev && !(prev->vm_flags & VM_GROWSDOWN) &&
	    (prev->vm_flags & VM_ACCESS_FLAGS) &&
	    prev->vm_end + stack_guard_gap(m) > start)
		return -ENOMEM;
	/*
	 * expand_downwards gives the VMA its anon_vma before it grows, so
	 * its pieces keep their page offsets when mremap moves them.
	 */
	if (anon_vma_prepare(m, vma) || vma->vm_end - start > STACK_RLIMIT)
		return -ENOMEM;
	grow = (unsigned long)((vma->vm_start - start) >> m->page_shift);
	/* acct_stack_growth: a locked stack grows within RLIMIT_MEMLOCK. */
	if (!mlock_future_ok(m, mm, vma->vm_flags, vma->vm_start - start))
		return -ENOMEM;
	vma->vm_start = start;
	vma->vm_pgoff -= grow;
	mm->total_vm += grow;
	mm->stack_vm += grow;
	if (vma->vm_flags & VM_LOCKED)
		mm->locked_vm += grow;
	if (mm->total_vm > mm->hiwater_vm)
		mm->hiwater_vm = mm->total_vm;
	return 0;
}

/* The VMA that may take an access at addr, or the signal it gets. */
static int find_fault_vma(struct machine *m, struct mm_struct *mm,
			  uint64_t addr, enum user_access access,
			  struct vm_area_struct **vmap,
			  struct user_fault *fault)
{
	struct vm_area_struct *vma;
	unsigned long need;

	if (addr >= mm->task_size)
		return segv(fault, SEGV_MAPERR, addr);
	vma = find_vma(mm, addr);
	if (!vma)
		return segv(fault, SEGV_MAPERR, addr);
	if (vma->vm_start > addr &&
	    (!(vma->vm_flags & VM_GROWSDOWN) || expand_stack(m, mm, vma, addr)))
		return segv(fault, SEGV_MAPERR, addr);
	need = access == USER_WRITE  ? VM_WRITE
	       : access == USER_EXEC ? VM_EXEC
				     : VM_ACCESS_FLAGS;
	/* i386 without PAE has no NX: what may be read may be run. */
	if (access == USER_EXEC && m->layout.arch == ARCH_I386)
		need = VM_ACCESS_FLAGS;
	if (!(vma->vm_flags & need))
		return segv(fault, SEGV_ACCERR, addr);
	*vmap = vma;
	return 0;
}

/*
 * As mm_account_fault: pgfault counts every fault handled, failed or
 * not; the process's minor and major counts only those that succeeded.
 */
static void count_fault(struct machine *m, struct mm_struct *mm, bool major,
			int err)
{
	m->vm_events[PGFAULT]++;
	if (major)
		m->vm_events[PGMAJFAULT]++;
	if (err)
		return;
	if (major)
		mm->maj_flt++;
	else
		mm->min_flt++;
}

static void update_hiwater_rss(struct mm_struct *mm)
{
	unsigned long rss = get_mm_rss(mm);

	if (rss > mm->hiwater_rss)
		mm->hiwater_rss = rss;
}

/* The bits the access sets as it goes through: accessed, and dirty. */
static uint64_t access_bits(enum user_access access)
{
	return _PAGE_ACCESSED | (access == USER_WRITE ? _PAGE_DIRTY : 0);
}

/* A page that was never touched: the zero page for a read, else a page. */
static int do_anonymous_page(struct machine *m, struct vm_area_struct *vma,
			     uint64_t addr, enum user_access access,
			     const struct pte_slot *slot)
{
	struct page *page;
	uint64_t prot;

	if (access != USER_WRITE) {
		prot = vma_pte_prot(m, vma->vm_flags, false) | _PAGE_ACCESSED;
		pte_slot_write(m, slot, pfn_pte(m, m->zero_pfn, prot));
		return 0;
	}
	if (anon_vma_prepare(m, vma))
		return -ENOMEM;
	page = alloc_user_page_vma(m, vma->vm_mm, vma, addr, true);
	if (IS_ERR(page))
		return (int)PTR_ERR(page);
	if (pte_slot_read(m, slot)) { /* reclaim raced us: try again */
		put_user_page(m, page);
		return 0;
	}
	page_add_new_anon_rmap(m, page, vma, addr);
	vma->vm_mm->rss_stat[MM_ANONPAGES]++;
	prot = vma_pte_prot(m, vma->vm_flags, true) | access_bits(access);
	pte_slot_write(m, slot, pfn_pte(m, page_to_pfn(m, page), prot));
	return 0;
}

/*
 * do_fault_around for shared memory: a read fault also maps the pages
 * its object holds in memory around addr where nothing is mapped yet,
 * as filemap_map_pages does (vm.fault_around_bytes, 64K): the window
 * starts at addr's line, clamped to the VMA's start, and runs that
 * many pages, clamped to the VMA's end and the PTE table.
 */
static unsigned long fault_around_pages(const struct machine *m);

static void shmem_fault_around(struct machine *m, struct vm_area_struct *vma,
			       uint64_t addr)
{
	uint64_t around = fault_around_pages(m);
	uint64_t tsize = pgtable_level_size(m, pte_level(m) - 1);
	uint64_t table = addr & ~(tsize - 1), shift = m->page_shift;
	uint64_t pte_off = (addr - table) >> shift;
	uint64_t vma_off = (addr - vma->vm_start) >> shift;
	uint64_t from = pte_off & ~(around - 1);
	uint64_t vma_end = pte_off + ((vma->vm_end - addr) >> shift);
	uint64_t to;

	if (pte_off - (vma_off < pte_off ? vma_off : pte_off) > from)
		from = pte_off - (vma_off < pte_off ? vma_off : pte_off);
	to = from + around;
	to = to < (tsize >> shift) ? to : tsize >> shift;
	to = to < vma_end ? to : vma_end;
	for (uint64_t i = from; i < to; i++) {
		uint64_t a = table + (i << shift);
		struct page *page =
			a == addr
				? NULL
				: shmem_find_page(m, vma->shmem,
						  linear_page_index(m, vma, a));
		struct pte_slot slot;

		/* the table too, when the fault itself made none (SIGBUS) */
		if (!page || mm_pte_slot(m, vma->vm_mm, a, true, &slot) ||
		    pte_slot_read(m, &slot))
			continue;
		get_user_page(page);
		page_add_anon_rmap(m, page);
		vma->vm_mm->rss_stat[MM_SHMEMPAGES]++;
		pte_slot_write(m, &slot,
			       pfn_pte(m, page_to_pfn(m, page),
				       vma_pte_prot(m, vma->vm_flags, true) |
					       _PAGE_ACCESSED));
		if (vma->vm_flags & VM_LOCKED)
			mlock_page(m, page);
	}
}

/* A shared anonymous page: the object's, allocated or swapped in. */
static int do_shared_fault(struct machine *m, struct vm_area_struct *vma,
			   uint64_t addr, enum user_access access,
			   const struct pte_slot *slot, bool *major)
{
	uint64_t prot = vma_pte_prot(m, vma->vm_flags, true);
	struct page *page =
		shmem_get_page(m, vma->vm_mm, vma->shmem,
			       linear_page_index(m, vma, addr), major);

	if (IS_ERR(page))
		return (int)PTR_ERR(page);
	if (pte_slot_read(m, slot))
		return 0;
	get_user_page(page);
	page_add_anon_rmap(m, page);
	vma->vm_mm->rss_stat[MM_SHMEMPAGES]++;
	pte_slot_write(
		m, slot,
		pfn_pte(m, page_to_pfn(m, page), prot | access_bits(access)));
	if (access != USER_WRITE) /* do_read_fault's */
		shmem_fault_around(m, vma, addr);
	return 0;
}

static int do_wp_page(struct machine *m, struct vm_area_struct *vma,
		      uint64_t addr, const struct pte_slot *slot,
		      uint64_t entry);

/*
 * Swap-in of a page the swap cache holds: a minor fault, no read. The
 * page is mapped writable when this entry and the cache's are the
 * slot's only references (exclusive); a write then leaves the slot's
 * copy stale and the cache lets the page go (should_try_to_free_swap);
 * a write to a page others still name goes on to copy-on-write, as
 * do_swap_page calls do_wp_page.
 */
static int do_swap_page_cached(struct machine *m, struct vm_area_struct *vma,
			       uint64_t addr, enum user_access access,
			       const struct pte_slot *slot, uint64_t entry,
			       struct page *page)
{
	unsigned long offset = swp_offset(entry);
	bool exclusive = swap_count(m, offset) == 2 && !page_mapcount(page);
	uint64_t pte;

	get_user_page(page);
	page_add_anon_rmap(m, page);
	if (exclusive)
		SetPageFlag(page, PG_anon_exclusive);
	swap_free(m, offset);
	vma->vm_mm->rss_stat[MM_SWAPENTS]--;
	vma->vm_mm->rss_stat[MM_ANONPAGES]++;
	pte = pfn_pte(m, page_to_pfn(m, page),
		      vma_pte_prot(m, vma->vm_flags, exclusive) |
			      access_bits(exclusive ? access : USER_READ));
	pte_slot_write(m, slot, pte);
	if (access != USER_WRITE)
		return 0;
	if (!exclusive)
		return do_wp_page(m, vma, addr, slot, pte);
	SetPageFlag(page, PG_dirty);
	delete_from_swap_cache(m, page);
	return 0;
}

/* Swap-in: a major fault; the page becomes this mm's own again. */
static int do_swap_page(struct machine *m, struct vm_area_struct *vma,
			uint64_t addr, enum user_access access,
			const struct pte_slot *slot, uint64_t entry)
{
	unsigned long offset = swp_offset(entry);
	struct mm_struct *mm = vma->vm_mm;
	struct page *page = lookup_swap_cache(m, offset);
	uint64_t prot;

	if (page)
		return do_swap_page_cached(m, vma, addr, access, slot, entry,
					   page);
	page = alloc_user_page_vma(m, mm, vma, addr, false);
	if (IS_ERR(page))
		return (int)PTR_ERR(page);
	if (pte_slot_read(m, slot) != entry) {
		put_user_page(m, page);
		return 0;
	}
	swap_readpage(m, offset, page_to_pfn(m, page));
	page_add_new_anon_rmap(m, page, vma, addr);
	if (access == USER_WRITE)
		SetPageFlag(page, PG_dirty);
	swap_free(m, offset);
	mm->rss_stat[MM_SWAPENTS]--;
	mm->rss_stat[MM_ANONPAGES]++;
	m->vm_events[PSWPIN]++;
	prot = vma_pte_prot(m, vma->vm_flags, true) | access_bits(access);
	pte_slot_write(m, slot, pfn_pte(m, page_to_pfn(m, page), prot));
	return 0;
}

/* A write to a write-protected private page: reuse it or copy it. */
static int do_wp_page(struct machine *m, struct vm_area_struct *vma,
		      uint64_t addr, const struct pte_slot *slot,
		      uint64_t entry)
{
	unsigned long old_pfn = pte_pfn(m, entry);
	struct page *old = pfn_to_page(m, old_pfn), *page;
	bool zero = old_pfn == m->zero_pfn;
	uint64_t prot =
		vma_pte_prot(m, vma->vm_flags, true) | access_bits(USER_WRITE);

	if (vma->vm_flags & VM_SHARED) {
		if (vma->vm_file) /* wp_page_shared: the page goes dirty */
			set_page_dirty(m, old);
		pte_slot_write(m, slot, entry | prot);
		return 0;
	}
	/* A page-cache page is never reused: the copy is the process's. */
	if (!zero && PageFlag(old, PG_anon) &&
	    (PageThp(old) ? thp_wp_can_reuse(m, vma, old)
			  : page_mapcount(old) == 1 && old->_refcount == 1)) {
		if (!PageThp(old)) /* wp_page_reuse: this mm's alone now */
			SetPageFlag(old, PG_anon_exclusive);
		pte_slot_write(m, slot, entry | prot);
		return 0;
	}
	if (anon_vma_prepare(m, vma))
		return -ENOMEM;
	page = alloc_user_page_vma(m, vma->vm_mm, vma, addr, zero);
	if (IS_ERR(page))
		return (int)PTR_ERR(page);
	if (pte_slot_read(m, slot) != entry) {
		put_user_page(m, page);
		return 0;
	}
	if (!zero) {
		memcpy(pfn_to_ram(m, page_to_pfn(m, page)),
		       pfn_to_ram(m, old_pfn), m->page_size);
		if (!PageFlag(old, PG_anon)) { /* the file's page stays */
			vma->vm_mm->rss_stat[MM_FILEPAGES]--;
			vma->vm_mm->rss_stat[MM_ANONPAGES]++;
		}
		page_remove_rmap(m, old);
	} else {
		vma->vm_mm->rss_stat[MM_ANONPAGES]++;
	}
	page_add_new_anon_rmap(m, page, vma, addr);
	pte_slot_write(m, slot, pfn_pte(m, page_to_pfn(m, page), prot));
	if (!zero) { /* the copy took this locked mapping of the old page */
		if (vma->vm_flags & VM_LOCKED)
			munlock_page(m, old);
		put_user_page(m, old);
	}
	return 0;
}

/*
 * A huge page's map count is its head's _mapcount, one per PMD (PDE)
 * mapping it, as hugetlb_add_new_anon_rmap keeps the folio's; huge pages
 * are not anonymous memory in AnonPages, nor on the LRU lists.
 */
static void hugetlb_add_rmap(struct page *head)
{
	head->_mapcount++;
}

static void hugetlb_remove_rmap(struct page *head)
{
	head->_mapcount--;
}

/* A huge page mapping: one fault maps huge_page_size bytes at once. */
static int hugetlb_fault(struct machine *m, struct vm_area_struct *vma,
			 uint64_t addr, enum user_access access,
			 struct user_fault *fault)
{
	uint64_t haddr = addr & ~(huge_page_size(m) - 1), prot;
	unsigned int order = huge_page_order(m);
	struct pte_slot slot;
	struct page *page;
	uint64_t entry;
	int err = pte_slot_get(m, vma->vm_mm->pgd, haddr, pgtable_huge_level(m),
			       true, &slot);

	if (err)
		return err == -EDQUOT ? err : -ENOMEM;
	entry = pte_slot_read(m, &slot);
	prot = vma_pte_prot(m, vma->vm_flags, true) | access_bits(access);
	if (pte_present(entry)) {
		pte_slot_write(
			m, &slot,
			pfn_pte(m, pte_pfn(m, entry),
				prot | _PAGE_PSE |
					(entry & access_bits(USER_WRITE))));
		return 0;
	}
	page = alloc_pages(
		m, GFP_HIGHUSER | __GFP_ZERO | __GFP_NOWARN | __GFP_NORETRY,
		order);
	if (IS_ERR(page)) /* no huge page to be had: SIGBUS, as hugetlbfs */
		return sigbus(fault, addr);
	/* Past the limit: SIGBUS too, as the hugetlb controller sends. */
	if (mem_cgroup_charge_block(m, page, order, vma->vm_mm->pid,
				    GFP_HIGHUSER)) {
		__free_pages(m, page, order);
		mem_cgroup_fault_refused(m, vma->vm_mm, addr);
		return sigbus(fault, addr);
	}
	if (pte_slot_read(m, &slot)) {
		__free_pages(m, page, order);
		return 0;
	}
	vma->vm_mm->hugetlb_pages += 1UL << order;
	hugetlb_add_rmap(page);
	pte_slot_write(m, &slot,
		       pfn_pte(m, page_to_pfn(m, page), prot | _PAGE_PSE));
	return 0;
}

/* ------------------------------------------------------------------ */
/* File pages                                                          */

/* finish_fault for a page-cache page: a reference, rmap, RSS, entry. */
static void map_file_page(struct machine *m, struct vm_area_struct *vma,
			  const struct pte_slot *slot, struct page *page,
			  bool write)
{
	uint64_t bits = _PAGE_ACCESSED | (write ? _PAGE_DIRTY : 0);

	get_user_page(page);
	page_add_anon_rmap(m, page); /* page_add_file_rmap: NR_FILE_MAPPED */
	vma->vm_mm->rss_stat[MM_FILEPAGES]++;
	pte_slot_write(m, slot,
		       pfn_pte(m, page_to_pfn(m, page),
			       vma_pte_prot(m, vma->vm_flags, write) | bits));
	/* folio_add_file_rmap's mlock_vma_folio: fault-around's pages too */
	if (vma->vm_flags & VM_LOCKED)
		mlock_page(m, page);
}

/* The pages fault-around maps at once: fault_around_bytes, a power of 2. */
static unsigned long fault_around_pages(const struct machine *m)
{
	unsigned long nr = m->vm.fault_around_bytes >> m->page_shift;

	while (nr & (nr - 1))
		nr &= nr - 1;
	return nr ? nr : 1;
}

/*
 * do_fault_around and filemap_map_pages: map the cached pages of an
 * aligned window of fault_around_pages around addr, inside its VMA and
 * its PTE table, read-only, where nothing is mapped yet. True when the
 * faulting page itself was among them (no further work, as
 * VM_FAULT_NOPAGE).
 */
static bool do_fault_around(struct machine *m, struct vm_area_struct *vma,
			    uint64_t addr)
{
	uint64_t nr = fault_around_pages(m);
	uint64_t ptrs =
		pgtable_level_size(m, pte_level(m) - 1) >> m->page_shift;
	uint64_t pte_off = (addr >> m->page_shift) & (ptrs - 1);
	uint64_t pgoff = linear_page_index(m, vma, addr);
	uint64_t vma_off = pgoff - vma->vm_pgoff;
	uint64_t vma_pages = (vma->vm_end - vma->vm_start) >> m->page_shift;
	uint64_t from = pte_off & ~(nr - 1), to;
	struct file *f = vma->vm_file;
	bool mapped = false;

	if (from < pte_off - (pte_off < vma_off ? pte_off : vma_off))
		from = pte_off - (pte_off < vma_off ? pte_off : vma_off);
	to = from + nr < ptrs ? from + nr : ptrs;
	if (to > pte_off + vma_pages - vma_off)
		to = pte_off + vma_pages - vma_off;
	for (uint64_t i = from; i < to; i++) {
		uint64_t a = addr - (pte_off << m->page_shift) +
			     (i << m->page_shift);
		struct page *page =
			find_get_page(m, f->f_inode, pgoff - pte_off + i);
		struct pte_slot slot;

		if (!page || !filemap_page_mappable(m, page) ||
		    mm_pte_slot(m, vma->vm_mm, a, false, &slot) ||
		    pte_slot_read(m, &slot))
			continue;
		map_file_page(m, vma, &slot, page, false);
		if (f->f_ra.mmap_miss)
			f->f_ra.mmap_miss--;
		mapped |= a == addr;
	}
	return mapped;
}

/* filemap_fault's page, or the signal (SIGBUS past EOF) or errno. */
static struct page *file_fault_page(struct machine *m,
				    struct vm_area_struct *vma, uint64_t addr,
				    struct user_fault *fault, bool *major,
				    int *err)
{
	struct page *page = filemap_fault(
		m, vma->vm_file, linear_page_index(m, vma, addr), major);

	if (!IS_ERR(page))
		return page;
	*err = (int)PTR_ERR(page);
	if (*err == -EFAULT)
		*err = sigbus(fault, addr);
	return NULL;
}

/* do_read_fault: fault-around first, then the page alone, read-only. */
static int do_read_fault(struct machine *m, struct vm_area_struct *vma,
			 uint64_t addr, const struct pte_slot *slot,
			 struct user_fault *fault, bool *major)
{
	struct page *page;
	int err = 0;

	if (fault_around_pages(m) > 1 && do_fault_around(m, vma, addr))
		return 0;
	page = file_fault_page(m, vma, addr, fault, major, &err);
	if (!page)
		return err;
	if (!pte_slot_read(m, slot))
		map_file_page(m, vma, slot, page, false);
	return 0;
}

/* do_cow_fault: a write to a private file page copies it at once. */
static int do_cow_fault(struct machine *m, struct vm_area_struct *vma,
			uint64_t addr, const struct pte_slot *slot,
			struct user_fault *fault, bool *major)
{
	struct page *new, *page;
	uint64_t prot;
	int err = 0;

	if (anon_vma_prepare(m, vma))
		return -ENOMEM;
	new = alloc_user_page(m, vma->vm_mm, false);
	if (IS_ERR(new))
		return (int)PTR_ERR(new);
	page = file_fault_page(m, vma, addr, fault, major, &err);
	if (!page || pte_slot_read(m, slot)) {
		put_user_page(m, new);
		return err;
	}
	memcpy(pfn_to_ram(m, page_to_pfn(m, new)),
	       pfn_to_ram(m, page_to_pfn(m, page)), m->page_size);
	page_add_new_anon_rmap(m, new, vma, addr);
	vma->vm_mm->rss_stat[MM_ANONPAGES]++;
	prot = vma_pte_prot(m, vma->vm_flags, true) | access_bits(USER_WRITE);
	pte_slot_write(m, slot, pfn_pte(m, page_to_pfn(m, new), prot));
	return 0;
}

/* do_shared_fault: a write to a shared file page dirties it. */
static int do_shared_file_fault(struct machine *m, struct vm_area_struct *vma,
				uint64_t addr, const struct pte_slot *slot,
				struct user_fault *fault, bool *major)
{
	int err = 0;
	struct page *page = file_fault_page(m, vma, addr, fault, major, &err);

	if (!page)
		return err;
	if (!pte_slot_read(m, slot)) {
		set_page_dirty(m, page);
		map_file_page(m, vma, slot, page, true);
	}
	return 0;
}

/* do_fault: the three ways a file VMA's empty entry is filled. */
static int do_fault(struct machine *m, struct vm_area_struct *vma,
		    uint64_t addr, enum user_access access,
		    const struct pte_slot *slot, struct user_fault *fault,
		    bool *major)
{
	if (access != USER_WRITE)
		return do_read_fault(m, vma, addr, slot, fault, major);
	if (!(vma->vm_flags & VM_SHARED))
		return do_cow_fault(m, vma, addr, slot, fault, major);
	return do_shared_file_fault(m, vma, addr, slot, fault, major);
}

/* The fault for one page once the VMA allows the access. */
static int handle_pte_fault(struct machine *m, struct vm_area_struct *vma,
			    uint64_t addr, enum user_access access,
			    struct user_fault *fault, bool *major)
{
	struct pte_slot slot;
	uint64_t entry;
	int err = mm_pte_slot(m, vma->vm_mm, addr, true, &slot);

	if (err) /* a table past the limit, or no memory for one */
		return err == -EDQUOT ? err : -ENOMEM;
	entry = pte_slot_read(m, &slot);
	if (pte_is_guard(entry)) /* handle_pte_marker: VM_FAULT_SIGSEGV */
		return segv(fault, SEGV_MAPERR, addr);
	if (!entry && vma->vm_file)
		return do_fault(m, vma, addr, access, &slot, fault, major);
	if (!entry)
		return vma->shmem
			       ? do_shared_fault(m, vma, addr, access, &slot,
						 major)
			       : do_anonymous_page(m, vma, addr, access, &slot);
	if (pte_is_swap(entry)) {
		/* A page the swap cache holds is found without a read. */
		*major = !lookup_swap_cache(m, swp_offset(entry));
		return do_swap_page(m, vma, addr, access, &slot, entry);
	}
	if (pte_protnone(entry)) { /* the VMA allows it again */
		change_protection(m, vma, addr, addr + m->page_size);
		return 0;
	}
	if (access == USER_WRITE && !(entry & _PAGE_RW))
		return do_wp_page(m, vma, addr, &slot, entry);
	pte_slot_write(m, &slot, entry | access_bits(access));
	return 0;
}

/*
 * __handle_mm_fault's PMD step: a PTE table already there sends the
 * fault on to the PTE level (1); an empty PMD entry in a VMA that may
 * have a transparent huge page, or a huge entry there, is handled here.
 */
static int handle_pmd_fault(struct machine *m, struct vm_area_struct *vma,
			    uint64_t addr, enum user_access access)
{
	struct pte_slot slot;
	int err = mm_pte_slot(m, vma->vm_mm, addr, false, &slot);

	if (!err && slot.level == pte_level(m))
		return 1;
	if (err) {
		if (!thp_vma_allowable(m, vma))
			return 1;
		err = pte_slot_get(m, vma->vm_mm->pgd, addr,
				   pgtable_huge_level(m), true, &slot);
		if (err)
			return err == -EDQUOT ? err : -ENOMEM;
	}
	return do_huge_pmd_fault(m, vma, addr, access, &slot);
}

/*
 * An access past the end of its shared object: do_read_fault's
 * fault-around runs first and maps the object's pages around addr (a
 * read or exec), then shmem_fault answers VM_FAULT_SIGBUS.
 */
static int shmem_fault_past_end(struct machine *m, struct vm_area_struct *vma,
				uint64_t addr, enum user_access access,
				struct user_fault *fault)
{
	if (access != USER_WRITE)
		shmem_fault_around(m, vma, addr);
	return mm_refuse(m, BAD_USER_ACCESS, sigbus(fault, addr),
			 "access at %#lx past the end of its shared object: "
			 "SIGBUS",
			 (unsigned long)addr);
}

int handle_mm_fault(struct machine *m, struct mm_struct *mm, uint64_t addr,
		    enum user_access access, struct user_fault *fault)
{
	struct vm_area_struct *vma;
	bool major = false;
	int err = find_fault_vma(m, mm, addr, access, &vma, fault);

	if (err)
		return mm_refuse(m, BAD_USER_ACCESS, err,
				 "%s at %#lx: SIGSEGV (%s)",
				 access == USER_WRITE  ? "write"
				 : access == USER_EXEC ? "execute"
						       : "read",
				 (unsigned long)addr,
				 fault->si_code == SEGV_MAPERR ? "SEGV_MAPERR"
							       : "SEGV_ACCERR");
	if (vma->vm_flags & VM_HUGETLB)
		err = hugetlb_fault(m, vma, addr, access, fault);
	else if (vma->shmem &&
		 linear_page_index(m, vma, addr) >= vma->shmem->nr_pages)
		err = shmem_fault_past_end(m, vma, addr, access, fault);
	else if ((err = handle_pmd_fault(m, vma, addr, access)) > 0)
		err = handle_pte_fault(m, vma, addr, access, fault, &major);
	if (err == -EDQUOT) /* past the limit, after reclaiming its own */
		err = mem_cgroup_fault_refused(m, mm, addr);
	else if (err == -ENOMEM)
		mm_refuse(m, BAD_NONE, err, "out of memory in a fault at %#lx",
			  (unsigned long)addr);
	/* folio_add_lru_vma: a page a locked VMA faults in is mlocked. */
	if (!err && (vma->vm_flags & VM_LOCKED))
		mlock_fault_page(m, vma, addr);
	count_fault(m, mm, major, err);
	update_hiwater_rss(mm);
	return err;
}

/* ------------------------------------------------------------------ */
/* The MMU                                                             */

/*
 * What the hardware does for one access: walk the tables, check the
 * entry's bits, set accessed and dirty. 0 with the frame, or -EFAULT
 * when it would raise a page fault.
 */
static int mmu_access(struct machine *m, struct mm_struct *mm, uint64_t addr,
		      enum user_access access, unsigned long *pfn)
{
	struct pte_slot slot;
	uint64_t entry, bits = access_bits(access);

	if (addr >= mm->task_size || mm_pte_slot(m, mm, addr, false, &slot))
		return -EFAULT;
	entry = pte_slot_read(m, &slot);
	if (!pte_present(entry) || !(entry & _PAGE_USER))
		return -EFAULT;
	if (access == USER_WRITE && !(entry & _PAGE_RW))
		return -EFAULT;
	if (access == USER_EXEC && (entry & _PAGE_NX) &&
	    m->layout.arch == ARCH_X86_64)
		return -EFAULT;
	if ((entry & bits) != bits)
		pte_slot_write(m, &slot, entry | bits);
	*pfn = pte_pfn(m, entry);
	if (slot.level != pte_level(m)) /* the frame within a huge page */
		*pfn += (unsigned long)((addr &
					 (pgtable_level_size(m, slot.level) -
					  1)) >>
					m->page_shift);
	return 0;
}

static void tlb_fill(const struct machine *m, struct mm_struct *mm,
		     uint64_t addr, uint8_t *ram, enum user_access access)
{
	uint64_t vpn = addr >> m->page_shift;
	struct user_tlb_entry *e = &mm->tlb[vpn % USER_TLB_ENTRIES];

	e->tag = vpn + 1;
	e->gen = m->tlb_gen;
	e->ram = ram;
	e->writable = access == USER_WRITE;
}

/* The RAM of addr's page as the access finds it, faulting it in. */
static int user_page(struct machine *m, struct mm_struct *mm, uint64_t addr,
		     enum user_access access, struct user_fault *fault,
		     uint8_t **ram)
{
	unsigned long pfn;
	int tries = 0, err;

	*ram = user_tlb_lookup(m, mm, addr, access);
	if (*ram)
		return 0;
	while (mmu_access(m, mm, addr, access, &pfn)) {
		err = handle_mm_fault(m, mm, addr, access, fault);
		if (err)
			return err;
		if (++tries > MAX_FAULT_RETRIES)
			return -EAGAIN;
	}
	*ram = pfn_to_ram(m, pfn);
	if (access != USER_EXEC)
		tlb_fill(m, mm, addr, *ram, access);
	return 0;
}

int access_user(struct machine *m, struct mm_struct *mm, uint64_t addr,
		void *buf, size_t len, enum user_access access,
		struct user_fault *fault)
{
	uint8_t *p = buf;

	memset(fault, 0, sizeof(*fault));
	while (len) {
		uint64_t off = addr & (m->page_size - 1);
		size_t chunk = m->page_size - off < len
				       ? (size_t)(m->page_size - off)
				       : len;
		uint8_t *ram;
		int err = user_page(m, mm, addr, access, fault, &ram);

		if (err)
			return err;
		if (access == USER_WRITE)
			memcpy(ram + off, p, chunk);
		else if (p)
			memcpy(p, ram + off, chunk);
		if (p)
			p += chunk;
		addr += chunk;
		len -= chunk;
	}
	return 0;
}

int populate_vma_range(struct machine *m, struct mm_struct *mm, uint64_t start,
		       uint64_t end)
{
	struct vm_area_struct *vma = find_vma(mm, start);

	/*
	 * populate_vma_page_range: a VM_LOCKONFAULT VMA is left to its
	 * faults, whoever asks (MAP_POPULATE, brk, mremap under
	 * mlockall(MCL_FUTURE | MCL_ONFAULT)).
	 */
	if (!vma || !(vma->vm_flags & VM_ACCESS_FLAGS) ||
	    (vma->vm_flags & VM_LOCKONFAULT))
		return 0;
	return populate_range_access(m, mm, start, end,
				     (vma->vm_flags & (VM_WRITE | VM_SHARED)) ==
						     VM_WRITE
					     ? USER_WRITE
					     : USER_READ);
}

int populate_range_access(struct machine *m, struct mm_struct *mm,
			  uint64_t start, uint64_t end, enum user_access access)
{
	struct vm_area_struct *vma = find_vma(mm, start);
	struct user_fault fault;
	uint64_t step = m->page_size;

	if (!vma)
		return 0;
	if (vma->vm_flags & VM_HUGETLB)
		step = huge_page_size(m);
	for (uint64_t addr = start; addr < end; addr += step) {
		unsigned long pfn;

		int err;

		if (!mmu_access(m, mm, addr, access, &pfn))
			continue;
		err = handle_mm_fault(m, mm, addr, access, &fault);
		if (err)
			return err;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Walking a range of entries                                         */

/* A huge entry at addr lies wholly inside the walk up to end. */
static bool thp_covered(uint64_t addr, uint64_t size, uint64_t end)
{
	uint64_t start = addr & ~(size - 1);

	return start == addr && end - addr >= size;
}

static void walk_range(struct machine *m, struct vm_area_struct *vma,
		       uint64_t start, uint64_t end, range_fn fn, void *arg,
		       bool markers)
{
	bool huge = vma->vm_flags & VM_HUGETLB;
	unsigned int leaf = huge ? pgtable_huge_level(m) : pte_level(m);
	uint64_t addr = start;

	while (addr < end) {
		struct pte_slot slot;
		int err = huge ? pte_slot_get(m, vma->vm_mm->pgd, addr, leaf,
					      false, &slot)
			       : mm_pte_slot(m, vma->vm_mm, addr, false, &slot);
		uint64_t size = pgtable_level_size(m, slot.level);
		uint64_t entry;

		if (err) { /* no table here: skip what the missing one maps */
			addr = (addr | (size - 1)) + 1;
			continue;
		}
		entry = pte_slot_read(m, &slot);
		if (!huge && slot.level != leaf &&
		    !thp_covered(addr, size, end)) {
			/* A range that cuts a THP: the PTEs take it. */
			if (!split_huge_pmd_address(m, vma, addr))
				continue;
		} else if (entry && (markers || !pte_is_guard(entry))) {
			fn(m, vma, addr, &slot, entry, arg);
		}
		addr = (addr | (size - 1)) + 1;
		if (!addr)
			break;
	}
}

void walk_vma_range(struct machine *m, struct vm_area_struct *vma,
		    uint64_t start, uint64_t end, range_fn fn, void *arg)
{
	walk_range(m, vma, start, end, fn, arg, false);
}

void walk_vma_range_markers(struct machine *m, struct vm_area_struct *vma,
			    uint64_t start, uint64_t end, range_fn fn,
			    void *arg)
{
	walk_range(m, vma, start, end, fn, arg, true);
}

/* ------------------------------------------------------------------ */
/* Teardown                                                            */

static void zap_one(struct machine *m, struct vm_area_struct *vma,
		    uint64_t addr, const struct pte_slot *slot, uint64_t entry,
		    void *arg)
{
	struct mm_struct *mm = vma->vm_mm;
	unsigned long pfn = pte_pfn(m, entry);
	struct page *page;

	if (pte_is_guard(entry)) { /* walked only by unmap_vma_range */
		pte_slot_write(m, slot, 0);
		return;
	}
	if (slot->level != pte_level(m) && !(vma->vm_flags & VM_HUGETLB)) {
		zap_huge_pmd(m, vma, slot, entry);
		return;
	}
	if (!(vma->vm_flags & (VM_PFNMAP | VM_HUGETLB)) &&
	    pte_maps_page(entry) && pfn != m->zero_pfn &&
	    PageThp(pfn_to_page(m, pfn))) { /* a batch, to the end */
		zap_thp_ptes(m, vma, addr, *(const uint64_t *)arg, slot, entry);
		return;
	}
	pte_slot_write(m, slot, 0);
	if (pte_is_swap(entry)) {
		free_swap_and_cache(m, swp_offset(entry));
		mm->rss_stat[MM_SWAPENTS]--;
		return;
	}
	if (pfn == m->zero_pfn)
		return;
	if (vma->vm_flags & VM_HUGETLB) {
		mm->hugetlb_pages -= 1UL << huge_page_order(m);
		hugetlb_remove_rmap(pfn_to_page(m, pfn));
		__free_pages(m, pfn_to_page(m, pfn), huge_page_order(m));
		return;
	}
	if (vma->vm_flags & VM_PFNMAP) /* raw frames: no page to put */
		return;
	page = pfn_to_page(m, pfn);
	mm->rss_stat[mm_counter(page)]--;
	/* zap_pte_range: a dirty entry of a file page dirties the page. */
	if (page_is_pagecache(page) && (entry & _PAGE_DIRTY))
		set_page_dirty(m, page);
	/* zap_present_folio_ptes: a shared page keeps its entry's dirt. */
	else if (vma->shmem && (entry & _PAGE_DIRTY))
		SetPageFlag(page, PG_dirty);
	page_remove_rmap(m, page);
	if (vma->vm_flags & VM_LOCKED)
		munlock_page(m, page);
	put_user_page(m, page);
}

void zap_vma_range(struct machine *m, struct vm_area_struct *vma,
		   uint64_t start, uint64_t end)
{
	walk_vma_range(m, vma, start, end, zap_one, &end);
}

void unmap_vma_range(struct machine *m, struct vm_area_struct *vma,
		     uint64_t start, uint64_t end)
{
	walk_vma_range_markers(m, vma, start, end, zap_one, &end);
}

int install_guard_range(struct machine *m, struct vm_area_struct *vma,
			uint64_t start, uint64_t end)
{
	zap_vma_range(m, vma, start, end);
	for (uint64_t addr = start; addr < end; addr += m->page_size) {
		struct pte_slot slot;

		if (mm_pte_slot(m, vma->vm_mm, addr, true, &slot))
			return -ENOMEM;
		pte_slot_write(m, &slot, make_guard_pte());
	}
	return 0;
}

static void remove_guard_one(struct machine *m, struct vm_area_struct *vma,
			     uint64_t addr, const struct pte_slot *slot,
			     uint64_t entry, void *arg)
{
	(void)vma;
	(void)addr;
	(void)arg;
	if (pte_is_guard(entry))
		pte_slot_write(m, slot, 0);
}

void remove_guard_range(struct machine *m, struct vm_area_struct *vma,
			uint64_t start, uint64_t end)
{
	walk_vma_range_markers(m, vma, start, end, remove_guard_one, NULL);
}

int remap_pfn_range(struct machine *m, struct vm_area_struct *vma,
		    uint64_t addr, unsigned long pfn, uint64_t size)
{
	uint64_t prot = vma_pte_prot(m, vma->vm_flags, true) | _PAGE_ACCESSED;

	for (uint64_t off = 0; off < size; off += m->page_size) {
		struct pte_slot slot;

		if (mm_pte_slot(m, vma->vm_mm, addr + off, true, &slot)) {
			zap_vma_range(m, vma, addr, addr + off);
			return -ENOMEM;
		}
		pte_slot_write(m, &slot,
			       pfn_pte(m, pfn + (off >> m->page_shift), prot));
	}
	return 0;
}

void unmap_mapping_range(struct machine *m, struct inode *inode, uint64_t first)
{
	struct list_head *pos;

	list_for_each(pos, &inode->i_mmap.vmas)
	{
		struct vm_area_struct *vma =
			list_entry(pos, struct vm_area_struct, i_mmap_node);
		uint64_t pages = (vma->vm_end - vma->vm_start) >> m->page_shift;
		uint64_t start = vma->vm_start;

		if (vma->vm_pgoff + pages <= first)
			continue;
		if (first > vma->vm_pgoff)
			start += (first - vma->vm_pgoff) << m->page_shift;
		zap_vma_range(m, vma, start, vma->vm_end);
	}
}

static void change_one(struct machine *m, struct vm_area_struct *vma,
		       uint64_t addr, const struct pte_slot *slot,
		       uint64_t entry, void *arg)
{
	uint64_t keep = entry & (_PAGE_ACCESSED | _PAGE_DIRTY | _PAGE_PSE);
	unsigned long pfn = pte_pfn(m, entry);
	const struct page *page = pfn_to_page(m, pfn);
	bool writable;

	(void)addr;
	(void)arg;
	if (pte_is_swap(entry))
		return;
	/*
	 * can_change_pte_writable: a private page only when it is this
	 * mm's alone (PG_anon_exclusive: not since fork shared it, even
	 * if the other side has gone); a shared file page only once
	 * written (dirtied).
	 */
	writable = ((vma->vm_flags & VM_SHARED) &&
		    (!vma->vm_file || (vma->vm_flags & VM_PFNMAP) ||
		     (entry & _PAGE_DIRTY))) ||
		   (vma->vm_flags & VM_HUGETLB) ||
		   (pfn != m->zero_pfn && PageFlag(page, PG_anon) &&
		    (PageThp(page) ? thp_page_exclusive(m, page)
				   : PageFlag(page, PG_anon_exclusive)));
	pte_slot_write(
		m, slot,
		pfn_pte(m, pfn,
			vma_pte_prot(m, vma->vm_flags, writable) | keep));
}

void change_protection(struct machine *m, struct vm_area_struct *vma,
		       uint64_t start, uint64_t end)
{
	walk_vma_range(m, vma, start, end, change_one, NULL);
}

/* ------------------------------------------------------------------ */
/* mremap                                                              */

/*
 * Each THP of the range either moves whole (move_huge_pmd: its whole
 * PMD inside the range, both places aligned) or has its PMD split, so
 * that the PTE level moves its pages.
 */
static int prepare_huge_pmds(struct machine *m, struct vm_area_struct *vma,
			     uint64_t old_addr, struct vm_area_struct *new_vma,
			     uint64_t new_addr, uint64_t len)
{
	uint64_t size = huge_page_size(m);

	if (vma->vm_flags & VM_HUGETLB)
		return 0;
	for (uint64_t a = old_addr & ~(size - 1); a < old_addr + len;
	     a += size) {
		bool whole = a >= old_addr && a + size <= old_addr + len &&
			     move_huge_pmd_prepare(m, vma, a, new_vma,
						   new_addr + (a - old_addr));

		if (!whole &&
		    split_huge_pmd_address(m, vma, a < old_addr ? old_addr : a))
			return -ENOMEM;
	}
	return 0;
}

int move_page_tables(struct machine *m, struct vm_area_struct *vma,
		     uint64_t old_addr, struct vm_area_struct *new_vma,
		     uint64_t new_addr, uint64_t len)
{
	struct mm_struct *mm = vma->vm_mm;
	uint64_t hsize = huge_page_size(m);
	struct pte_slot from, to;

	if (prepare_huge_pmds(m, vma, old_addr, new_vma, new_addr, len))
		return -ENOMEM;
	/* Every table the new range needs, before anything moves. */
	for (uint64_t off = 0; off < len; off += m->page_size)
		if (!pmd_trans_huge_at(m, vma, old_addr + off) &&
		    mm_pte_slot(m, new_vma->vm_mm, new_addr + off, true, &to))
			return -ENOMEM;
	for (uint64_t off = 0; off < len; off += m->page_size) {
		uint64_t entry;

		if (pmd_trans_huge_at(m, vma, old_addr + off)) {
			move_huge_pmd(m, vma, old_addr + off, new_vma,
				      new_addr + off);
			off += hsize - m->page_size;
			continue;
		}
		if (mm_pte_slot(m, mm, old_addr + off, false, &from))
			continue;
		entry = pte_slot_read(m, &from);
		if (!entry)
			continue;
		mm_pte_slot(m, mm, new_addr + off, true, &to);
		pte_slot_write(m, &to, entry);
		pte_slot_write(m, &from, 0);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* fork                                                                */

struct copy_ctx {
	struct vm_area_struct *dst;
	int err;
};

/* A private huge page is copied at fork rather than shared. */
static int copy_huge_page(struct machine *m, struct vm_area_struct *dst,
			  const struct pte_slot *dslot, uint64_t entry)
{
	unsigned int order = huge_page_order(m);
	struct page *page = alloc_pages(m, GFP_HIGHUSER | __GFP_NOWARN, order);

	if (IS_ERR(page))
		return -ENOMEM;
	if (mem_cgroup_charge_block(m, page, order, dst->vm_mm->pid,
				    GFP_HIGHUSER)) {
		__free_pages(m, page, order);
		return -ENOMEM;
	}
	memcpy(pfn_to_ram(m, page_to_pfn(m, page)),
	       pfn_to_ram(m, pte_pfn(m, entry)), huge_page_size(m));
	dst->vm_mm->hugetlb_pages += 1UL << order;
	hugetlb_add_rmap(page);
	pte_slot_write(m, dslot,
		       pfn_pte(m, page_to_pfn(m, page), pte_flags(m, entry)));
	return 0;
}

static void copy_one(struct machine *m, struct vm_area_struct *vma,
		     uint64_t addr, const struct pte_slot *slot, uint64_t entry,
		     void *arg)
{
	struct copy_ctx *c = arg;
	struct mm_struct *dst_mm = c->dst->vm_mm;
	unsigned int leaf = (vma->vm_flags & VM_HUGETLB) ? pgtable_huge_level(m)
							 : pte_level(m);
	struct pte_slot dslot;
	unsigned long pfn;

	if (c->err)
		return;
	if (slot->level != leaf) { /* a THP, shared at the PMD level */
		c->err = copy_huge_pmd(m, c->dst, slot, addr, entry);
		return;
	}
	/* The child's tables first: their allocation may reclaim. */
	c->err = pte_slot_get(m, dst_mm->pgd, addr, leaf, true, &dslot);
	if (c->err)
		return;
	entry = pte_slot_read(m, slot);
	pfn = pte_pfn(m, entry);
	if (!entry)
		return;
	if (pte_is_guard(entry)) { /* copy_pte_marker: guards are kept */
		pte_slot_write(m, &dslot, entry);
		return;
	}
	if (vma->vm_flags & VM_HUGETLB) {
		c->err = copy_huge_page(m, c->dst, &dslot, entry);
		return;
	}
	if (pte_is_swap(entry)) {
		swap_duplicate(m, swp_offset(entry));
		dst_mm->rss_stat[MM_SWAPENTS]++;
		pte_slot_write(m, &dslot, entry);
		return;
	}
	if (vma->vm_flags & VM_PFNMAP) { /* raw frames: the entry alone */
		pte_slot_write(m, &dslot, entry);
		return;
	}
	if (pfn != m->zero_pfn && PageThp(pfn_to_page(m, pfn))) {
		thp_dup_rmap_pte(m, pfn_to_page(m, pfn));
		dst_mm->rss_stat[MM_ANONPAGES]++;
	} else if (pfn != m->zero_pfn) {
		struct page *page = pfn_to_page(m, pfn);

		get_user_page(page);
		page_add_anon_rmap(m, page);
		dst_mm->rss_stat[mm_counter(page)]++;
	}
	/* Private: both sides lose write access, for copy-on-write. */
	if (!(vma->vm_flags & VM_SHARED) && (entry & _PAGE_RW)) {
		entry &= ~_PAGE_RW;
		pte_slot_write(m, slot, entry);
	}
	pte_slot_write(m, &dslot, entry & ~(_PAGE_ACCESSED | _PAGE_DIRTY));
}

int dup_mm(struct machine *m, struct mm_struct *oldmm, int pid,
	   struct mm_struct **newmm)
{
	struct mm_struct *mm = mm_alloc_for_fork(m, oldmm, pid);

	if (!mm)
		return -ENOMEM;
	for (unsigned int i = 0; i < oldmm->map_count; i++) {
		struct vm_area_struct *src = oldmm->vmas[i];
		struct vm_area_struct *dst;
		struct copy_ctx c;
		bool wipe = src->vm_flags & VM_WIPEONFORK;

		if (src->vm_flags & VM_DONTCOPY) /* MADV_DONTFORK: a hole */
			continue;
		dst = vm_area_dup(m, mm, src);
		c = (struct copy_ctx){dst, 0};
		/* dup_mmap: the child does not inherit mlock. */
		if (dst)
			dst->vm_flags &= ~VM_LOCKED_MASK;
		/* VM_WIPEONFORK: a clean slate, no anon_vma until a fault. */
		if (dst && wipe && dst->anon_vma) {
			vma_unlink_rmap(m, dst);
			dst->anon_vma = NULL;
			dst->anon_vma_chain = 0;
		}
		if (dst && !wipe && anon_vma_fork(m, dst, src)) {
			vm_area_free(m, dst);
			dst = NULL;
		}

		/* Each charged mapping is charged again for the child. */
		if (dst && (src->vm_flags & VM_ACCOUNT) &&
		    vm_enough_memory(m, (long)((src->vm_end - src->vm_start) >>
					       m->page_shift))) {
			vm_area_free(m, dst);
			dst = NULL;
		}
		if (!dst) {
			mmput(m, mm);
			return -ENOMEM;
		}
		mm_append_vma(m, mm, dst);
		if (wipe)
			continue;
		/*
		 * vma_needs_copy: only a VMA with private pages (an anon_vma)
		 * or raw frames is copied; the rest (files, shared memory, a
		 * private range that has only read the zero page) is faulted
		 * again in the child. Huge pages are copied whatever: the
		 * machine's hugetlb faults take no anon_vma (Linux's private
		 * ones do), and its shared ones are found again by no fault.
		 */
		if (src->anon_vma ||
		    (src->vm_flags & (VM_PFNMAP | VM_HUGETLB)) ||
		    src->maybe_guard)
			walk_vma_range_markers(m, src, src->vm_start,
					       src->vm_end, copy_one, &c);
		if (c.err) {
			mmput(m, mm);
			return -ENOMEM;
		}
	}
	mm->hiwater_rss = get_mm_rss(mm);
	mm->malloc = oldmm->malloc; /* the heap was copied with the rest */
	*newmm = mm;
	return 0;
}

unsigned long get_mm_rss(const struct mm_struct *mm)
{
	return (unsigned long)(mm->rss_stat[MM_FILEPAGES] +
			       mm->rss_stat[MM_ANONPAGES] +
			       mm->rss_stat[MM_SHMEMPAGES]);
}
