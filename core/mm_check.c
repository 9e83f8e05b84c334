/* SPDX-License-Identifier: MIT */
/*
 * mm_check.c - the invariant checker for address spaces.
 *
 * Owns: the checks that tie VMAs, page tables, struct pages, the LRU
 * lists, shmem objects and swap together: VMAs sorted and apart; every
 * entry inside a VMA; every present entry on an allocated user page of
 * that VMA's object at the right index, and every huge entry on a huge
 * page of its own; map counts (a huge page's on its head) equal to the
 * entries mapping each page across every mm; each mm's RSS counters
 * (MM_ANONPAGES, MM_SHMEMPAGES, MM_SWAPENTS) and hugetlb_pages equal to
 * what its tables hold; every user page on an LRU list; each THP (an
 * anonymous block of the huge order, its tails PG_tail and never
 * mlocked alone) on an LRU list by its head alone, which counts for all
 * its pages, its entire mapcount equal to the PMDs mapping it, each page's
 * _mapcount to the PTEs mapping it, _nr_pages_mapped to the pages some
 * PTE maps, its reference count to all of those, on the deferred split
 * queue exactly when no PMD and only some PTEs map it, an exclusive
 * page (PG_anon_exclusive, small or THP) mapped once at most, NR_ANON_THPS the
 * pages of the THPs some PMD maps; the huge zero page read-only and
 * all zero; swap slot counts
 * equal to the swap entries, shmem slots and swap-cache pages naming
 * them, each swap-cache page anonymous and indexed by its slot (one
 * reference more), NR_SWAPCACHE their number; each mm's
 * pgtables_bytes equal to the tables under its pgd. Must never: change
 * anything.
 */
#include <errno.h>
#include <stdlib.h>

#include "core/ldt.h"
#include "core/check.h"
#include "core/fs/fs.h"
#include "core/huge_mm.h"
#include "core/libc/malloc.h"
#include "core/memory.h"
#include "core/mmz.h"
#include "core/mlock.h"
#include "core/pgtable.h"
#include "core/rmap.h"
#include "core/shmem.h"
#include "core/swap.h"
#include "core/scratch.h"
#include "core/task.h"
#include "core/vma_internal.h"
#include "core/sparse.h"

struct mm_tally {
	const struct machine *m;
	const struct mm_struct *mm;
	uint32_t *mapped;     /* entries mapping each pfn */
	uint32_t *pmd_mapped; /* PMD entries mapping each THP (pfn >> order) */
	uint32_t *swapref;    /* references to each swap slot */
	unsigned long nslots;
	long rss[NR_MM_COUNTERS];
	unsigned long hugetlb_pages; /* in the huge entries of this mm */
	unsigned long thp_pages;     /* in THPs mapped by PMDs, all mms */
	unsigned long thp_queued;    /* THPs on the deferred split queue */
	unsigned long swapcached;    /* pages the swap cache holds */
	char *why;
	size_t len;
};

/*
 * A VMA's anon_vma: its chain one link per generation of its anon_vma
 * (fork made each), the family the root of that line, the VMA on the
 * family's list and counted in the anon_vma's references.
 */
static bool anon_vma_sound(const struct vm_area_struct *vma)
{
	const struct anon_vma *av = vma->anon_vma, *a = av;
	unsigned int depth = 1;

	if (!av)
		return vma->anon_vma_chain == 0;
	for (; a->parent; a = a->parent)
		depth++;
	return vma->anon_vma_chain == depth && av->family == a &&
	       a->family == a && av->root.refcount > 0 &&
	       !list_empty(&vma->rmap_node);
}

static int check_vmas(const struct machine *m, const struct mm_struct *mm,
		      char *why, size_t len)
{
	uint64_t prev_end = 0;

	if (mm->map_count > m->vma->max_map_count)
		return check_failed(why, len, "pid %d: %u VMAs, above %u",
				    mm->pid, mm->map_count,
				    m->vma->max_map_count);
	for (unsigned int i = 0; i < mm->map_count; i++) {
		const struct vm_area_struct *vma = mm->vmas[i];

		if (vma->vm_start >= vma->vm_end || vma->vm_start < prev_end ||
		    vma->vm_end > mm->task_size ||
		    ((vma->vm_start | vma->vm_end) & (m->page_size - 1)) ||
		    vma->vm_mm != mm)
			return check_failed(why, len,
					    "pid %d: VMA %u [%#lx, %#lx) is "
					    "out of order or place",
					    mm->pid, i,
					    (unsigned long)vma->vm_start,
					    (unsigned long)vma->vm_end);
		if (!anon_vma_sound(vma))
			return check_failed(why, len,
					    "pid %d: VMA at %#lx: anon_vma "
					    "chain of %u links does not match "
					    "its anon_vma's line",
					    mm->pid,
					    (unsigned long)vma->vm_start,
					    vma->anon_vma_chain);
		if (vma->vm_file &&
		    (vma->shmem || list_empty(&vma->i_mmap_node) ||
		     !vma->vm_file->f_count))
			return check_failed(why, len,
					    "pid %d: VMA at %#lx maps a file "
					    "it is not listed on, or a shared "
					    "object too",
					    mm->pid,
					    (unsigned long)vma->vm_start);
		if (vma->anon_vma && vma->shmem)
			return check_failed(why, len,
					    "pid %d: VMA at %#lx is both "
					    "private and shared",
					    mm->pid,
					    (unsigned long)vma->vm_start);
		if (!mpol_sound(m, &vma->vm_policy))
			return check_failed(
				why, len,
				"pid %d: VMA at %#lx has policy "
				"mode %u on nodes %#lx",
				mm->pid, (unsigned long)vma->vm_start,
				vma->vm_policy.mode, vma->vm_policy.nodes.bits);
		/* Neighbours that could be one VMA are one, policy included. */
		prev_end = vma->vm_end;
	}
	return 0;
}

static int check_swap_entry(struct mm_tally *t, uint64_t vaddr, uint64_t entry)
{
	unsigned long slot = swp_offset(entry);

	if (!slot || slot >= t->nslots || !swap_count(t->m, slot))
		return check_failed(t->why, t->len,
				    "pid %d: %#lx holds a swap entry for "
				    "free slot %#lx",
				    t->mm->pid, (unsigned long)vaddr, slot);
	t->swapref[slot]++;
	t->rss[MM_SWAPENTS]++;
	return 0;
}

static int check_user_page(struct mm_tally *t, const struct vm_area_struct *vma,
			   uint64_t vaddr, unsigned long pfn)
{
	const struct machine *m = t->m;
	const struct page *page = pfn_to_page(m, pfn);
	uint64_t index =
		vma->vm_pgoff + ((vaddr - vma->vm_start) >> m->page_shift);
	bool anon = PageFlag(page, PG_anon), shmem = PageFlag(page, PG_shmem);
	const struct page *ref =
		PageThp(page) ? thp_head(m, (struct page *)page) : page;

	/* A page-cache page: its VMA's file's, at its own offset. */
	if (!anon && !shmem && vma->vm_file) {
		if (!page_is_pagecache(page) || page->index != index ||
		    page->mapping != (uint64_t)(uintptr_t)vma->vm_file->f_inode)
			return check_failed(t->why, t->len,
					    "pid %d: %#lx maps pfn %#lx, not "
					    "its file's page at index %#llx",
					    t->mm->pid, (unsigned long)vaddr,
					    pfn, (unsigned long long)index);
		t->mapped[pfn]++;
		t->rss[MM_FILEPAGES]++;
		return 0;
	}
	/* An anonymous page hangs on the VMA's anon_vma or an ancestor's. */
	bool owner = shmem ? page->mapping == (uint64_t)(uintptr_t)vma->shmem
			   : anon_vma_in_chain(
				     vma, (const struct anon_vma *)(uintptr_t)
						  page->mapping);

	if (ref->_refcount < 1 || (!anon && !shmem) ||
	    anon == (vma->shmem != NULL) || !owner || page->index != index)
		return check_failed(t->why, t->len,
				    "pid %d: %#lx maps pfn %#lx, not a "
				    "user page of its VMA at index %#llx",
				    t->mm->pid, (unsigned long)vaddr, pfn,
				    (unsigned long long)index);
	t->mapped[pfn]++;
	t->rss[shmem ? MM_SHMEMPAGES : MM_ANONPAGES]++;
	return 0;
}

/* A huge entry: the head of an allocated block of the huge order. */
static int check_huge_page(struct mm_tally *t, uint64_t vaddr,
			   unsigned long pfn, uint64_t page_size)
{
	const struct machine *m = t->m;
	const struct page *page = pfn_to_page(m, pfn);
	unsigned int order = huge_page_order(m);

	if (page_size != huge_page_size(m) || !PageFlag(page, PG_head) ||
	    page->private != order || (pfn & ((1UL << order) - 1)) ||
	    page->_refcount != 1)
		return check_failed(t->why, t->len,
				    "pid %d: huge page at %#lx is not an "
				    "allocated block of order %u",
				    t->mm->pid, (unsigned long)vaddr, order);
	t->mapped[pfn]++;
	t->hugetlb_pages += 1UL << order;
	return 0;
}

/*
 * A PMD entry of an anonymous VMA: a THP, the head of an allocated
 * block of the huge order, anonymous at its VMA's index (fork shares
 * it: check_thp_folio counts the PMDs), or the huge zero page,
 * read-only.
 */
static int check_thp(struct mm_tally *t, const struct vm_area_struct *vma,
		     uint64_t vaddr, uint64_t entry, uint64_t page_size)
{
	const struct machine *m = t->m;
	unsigned long pfn = pte_pfn(m, entry);
	const struct page *page = pfn_to_page(m, pfn);
	unsigned int order = huge_page_order(m);
	uint64_t index =
		vma->vm_pgoff + ((vaddr - vma->vm_start) >> m->page_shift);

	if (is_huge_zero_pfn(m, pfn))
		return (entry & _PAGE_RW) || page_size != huge_page_size(m)
			       ? check_failed(t->why, t->len,
					      "pid %d: the huge zero page is "
					      "writable at %#lx",
					      t->mm->pid, (unsigned long)vaddr)
			       : 0;
	if (page_size != huge_page_size(m) || !PageFlag(page, PG_head) ||
	    page->private != order || !PageFlag(page, PG_anon) ||
	    page->index != index || PageFlag(page, PG_tail) ||
	    !anon_vma_in_chain(
		    vma, (const struct anon_vma *)(uintptr_t)page->mapping))
		return check_failed(t->why, t->len,
				    "pid %d: THP at %#lx (pfn %#lx) is not an "
				    "anonymous order-%u block of its VMA at "
				    "index %#llx",
				    t->mm->pid, (unsigned long)vaddr, pfn,
				    order, (unsigned long long)index);
	t->pmd_mapped[pfn >> order]++;
	t->rss[MM_ANONPAGES] += 1L << order;
	return 0;
}

/*
 * A raw frame of /dev/mmz_userdev's mapping: the VMA's own frame at its
 * offset, inside an MMZ block; no page is counted as mapped.
 */
static int check_pfnmap(const struct mm_tally *t,
			const struct vm_area_struct *vma, uint64_t vaddr,
			unsigned long pfn)
{
	const struct machine *m = t->m;
	uint64_t want =
		vma->vm_pgoff + ((vaddr - vma->vm_start) >> m->page_shift);

	if (pfn != want || !PageFlag(pfn_to_page(m, pfn), PG_mmz) ||
	    !mmz_find_block(m, pfn_to_phys(m, pfn)))
		return check_failed(t->why, t->len,
				    "pid %d: %#lx maps frame %#lx, not its "
				    "MMZ block's frame %#llx",
				    t->mm->pid, (unsigned long)vaddr, pfn,
				    (unsigned long long)want);
	return 0;
}

static int tally_leaf(void *ctx, uint64_t vaddr, uint64_t entry,
		      uint64_t page_size)
{
	struct mm_tally *t = ctx;
	const struct machine *m = t->m;
	const struct vm_area_struct *vma = vma_lookup(t->mm, vaddr);
	unsigned long pfn = pte_pfn(m, entry);

	if (!vma || vaddr + page_size > vma->vm_end)
		return check_failed(t->why, t->len,
				    "pid %d: an entry maps %#lx, outside "
				    "every VMA",
				    t->mm->pid, (unsigned long)vaddr);
	if (pte_is_swap(entry))
		return check_swap_entry(t, vaddr, entry);
	/* A guard marker: in a VMA that may have one, at the PTE level. */
	if (pte_is_guard(entry))
		return (vma->vm_flags & (VM_HUGETLB | VM_SPECIAL)) ||
				       page_size != m->page_size
			       ? check_failed(t->why, t->len,
					      "pid %d: a guard marker at "
					      "%#lx, in a VMA that may not "
					      "have one",
					      t->mm->pid, (unsigned long)vaddr)
			       : 0;
	if (!pfn_valid(m, pfn))
		return check_failed(t->why, t->len,
				    "pid %d: %#lx maps pfn %#lx past RAM",
				    t->mm->pid, (unsigned long)vaddr, pfn);
	if (pfn == m->zero_pfn)
		return (entry & _PAGE_RW)
			       ? check_failed(t->why, t->len,
					      "pid %d: the zero "
					      "page is writable "
					      "at %#lx",
					      t->mm->pid, (unsigned long)vaddr)
			       : 0;
	if (vma->vm_flags & VM_PFNMAP)
		return check_pfnmap(t, vma, vaddr, pfn);
	if (vma->vm_flags & VM_HUGETLB)
		return check_huge_page(t, vaddr, pfn, page_size);
	if (page_size != m->page_size)
		return check_thp(t, vma, vaddr, entry, page_size);
	return check_user_page(t, vma, vaddr, pfn);
}

static const char *const mm_counter_names[NR_MM_COUNTERS] = {
	[MM_FILEPAGES] = "MM_FILEPAGES",
	[MM_ANONPAGES] = "MM_ANONPAGES",
	[MM_SWAPENTS] = "MM_SWAPENTS",
	[MM_SHMEMPAGES] = "MM_SHMEMPAGES",
};

static int check_rss(struct mm_tally *t)
{
	for (int i = 0; i < NR_MM_COUNTERS; i++)
		if (t->rss[i] != t->mm->rss_stat[i])
			return check_failed(t->why, t->len,
					    "pid %d: rss counter %s is %ld, "
					    "its tables hold %ld",
					    t->mm->pid, mm_counter_names[i],
					    t->mm->rss_stat[i], t->rss[i]);
	if (t->hugetlb_pages != t->mm->hugetlb_pages)
		return check_failed(t->why, t->len,
				    "pid %d: hugetlb_pages is %lu, its tables "
				    "map %lu",
				    t->mm->pid, t->mm->hugetlb_pages,
				    t->hugetlb_pages);
	return 0;
}

/* A shmem object, once (from the first VMA on its list). */
static int tally_shmem(struct mm_tally *t, const struct vm_area_struct *vma)
{
	const struct shmem_object *obj = vma->shmem;

	if (!obj || obj->root.vmas.next != &vma->rmap_node)
		return 0;
	for (unsigned long i = 0; i < obj->nr_pages; i++) {
		uint64_t slot = obj->slots[i];

		if ((slot & 1) || !slot)
			continue;
		if ((slot >> 1) >= t->nslots)
			return check_failed(t->why, t->len,
					    "shmem %lu: slot %#lx past swap",
					    obj->ino,
					    (unsigned long)(slot >> 1));
		t->swapref[slot >> 1]++;
	}
	return 0;
}

/* pgtables_bytes against a walk of the user half of the pgd. */
static int check_pgtables(const struct machine *m, const struct mm_struct *mm,
			  char *why, size_t len)
{
	unsigned int top = kernel_pgd_boundary(m);
	unsigned long tables, below;
	int err = pgtable_check(m, mm->pgd, 0, top ? top - 1 : 0, &tables, why,
				len);

	unsigned int stale;

	if (!err) /* the kernel half: swapper_pg_dir's, or a fault to come */
		err = pgd_kernel_check(m, mm->pgd, &stale, why, len);
	if (err)
		return err;
	below = tables ? tables - 1 : 0; /* the pgd is not counted */
	if (below << m->page_shift != mm_pgtables_bytes(mm))
		return check_failed(why, len,
				    "pid %d: %lu page tables under its pgd, "
				    "pgtables_bytes %lu",
				    mm->pid, below, mm_pgtables_bytes(mm));
	return 0;
}

static int check_mm(struct mm_tally *t)
{
	const struct mm_struct *mm = t->mm;
	int err = check_vmas(t->m, mm, t->why, t->len);

	if (!err)
		err = malloc_check_counters(t->m, mm, t->why, t->len);

	for (int i = 0; i < NR_MM_COUNTERS; i++)
		t->rss[i] = 0;
	t->hugetlb_pages = 0;
	if (!err && mm->map_count)
		err = pgtable_for_each_leaf(t->m, mm->pgd, 0, mm->task_size,
					    tally_leaf, t);
	for (unsigned int i = 0; !err && i < mm->map_count; i++)
		err = tally_shmem(t, mm->vmas[i]);
	if (!err)
		err = check_rss(t);
	return err ? err : check_pgtables(t->m, mm, t->why, t->len);
}

/*
 * Any other page: a huge page's head, mapped by huge entries only, or
 * a page no entry may map, whose _mapcount stays -1.
 */
static int check_other_page(const struct mm_tally *t, unsigned long pfn)
{
	const struct page *page = &t->m->mem_map[pfn];
	bool huge = PageFlag(page, PG_head) &&
		    page->private == huge_page_order(t->m);

	if ((uint32_t)page_mapcount(page) == t->mapped[pfn])
		return 0;
	return check_failed(t->why, t->len,
			    "pfn %#lx: %s_mapcount %d, %u entries map it", pfn,
			    huge ? "huge page " : "not a user page, ",
			    page->_mapcount, t->mapped[pfn]);
}

/*
 * Page i of the THP at head: its tail, at its index, off the LRU lists;
 * the head on one (lru_check holds it to the right one, counted whole).
 */
static int check_thp_subpage(struct mm_tally *t, const struct page *head,
			     unsigned long i)
{
	const struct page *page = head + i;
	unsigned long pfn = page_to_pfn(t->m, head) + i;

	if ((i &&
	     (!PageFlag(page, PG_tail) || !PageFlag(page, PG_anon) ||
	      PageFlag(page, PG_head) || page->mapping != head->mapping ||
	      page->index != head->index + i || PageFlag(page, PG_mlocked))) ||
	    PageFlag(page, PG_lru) != !i)
		return check_failed(t->why, t->len,
				    "THP pfn %#lx: page %lu is not its tail "
				    "at index %#llx (not mlocked alone), its "
				    "head alone on an LRU list",
				    pfn - i, i,
				    (unsigned long long)(head->index + i));
	if ((uint32_t)page_mapcount(page) != t->mapped[pfn])
		return check_failed(t->why, t->len,
				    "THP pfn %#lx: page %lu's map count %d, "
				    "%u PTEs map it",
				    pfn - i, i, page_mapcount(page),
				    t->mapped[pfn]);
	/* An exclusive page (the head: or PMD) has one mapping at most. */
	if (PageFlag(page, PG_anon_exclusive) &&
	    page_mapcount(page) +
			    (i ? 0
			       : (int)t->pmd_mapped[pfn >>
						    huge_page_order(t->m)]) >
		    1)
		return check_failed(t->why, t->len,
				    "THP pfn %#lx: page %lu is exclusive but "
				    "mapped more than once",
				    pfn - i, i);
	return 0;
}

/* A THP's folio counts against its pages and the entries found. */
static int check_thp_counts(struct mm_tally *t, struct page *head,
			    unsigned long ptes, unsigned long pages)
{
	unsigned long pfn = page_to_pfn(t->m, head);
	unsigned int order = huge_page_order(t->m);
	int entire = thp_entire_mapcount(head);
	bool queued = !list_empty(thp_deferred_list(head));
	bool partial = !entire && pages < (1UL << order);

	if ((uint32_t)entire != t->pmd_mapped[pfn >> order] ||
	    thp_nr_pages_mapped(head) != (int)pages ||
	    head->_refcount != (int)ptes + entire || head->_refcount < 1 ||
	    queued != partial)
		return check_failed(
			t->why, t->len,
			"THP pfn %#lx: entire mapcount %d (%u "
			"PMDs), %d pages mapped (%lu), _refcount "
			"%d (%lu mappings), %son the deferred "
			"split queue",
			pfn, entire, t->pmd_mapped[pfn >> order],
			thp_nr_pages_mapped(head), pages, head->_refcount,
			ptes + (unsigned long)entire, queued ? "" : "not ");
	if (entire)
		t->thp_pages += 1UL << order;
	t->thp_queued += queued;
	return 0;
}

/*
 * A THP: every page a tail of it, mapped by the PTEs found, the folio's
 * counts right; its pages in NR_ANON_MAPPED if a PMD or a PTE maps them.
 */
static int check_thp_folio(struct mm_tally *t, unsigned long pfn,
			   long *anon_mapped)
{
	struct page *head = &t->m->mem_map[pfn];
	unsigned long nr = 1UL << huge_page_order(t->m);
	unsigned long ptes = 0, pages = 0;
	int err;

	if (pfn & (nr - 1))
		return check_failed(t->why, t->len,
				    "THP pfn %#lx is not aligned to its "
				    "order",
				    pfn);
	for (unsigned long i = 0; i < nr; i++) {
		err = check_thp_subpage(t, head, i);
		if (err)
			return err;
		ptes += (unsigned long)page_mapcount(head + i);
		pages += page_mapcount(head + i) > 0;
	}
	err = check_thp_counts(t, head, ptes, pages);
	*anon_mapped += thp_entire_mapcount(head) ? (long)nr : (long)pages;
	return err;
}

/* The deferred split queue: as long as its count, THPs only. */
static int check_split_queue(const struct mm_tally *t)
{
	const struct machine *m = t->m;
	const struct list_head *pos;
	unsigned long n = 0;

	for (pos = m->thp.split_queue.next;
	     pos != &m->thp.split_queue && n <= m->thp.split_queue_len;
	     pos = pos->next)
		n++;
	if (n != m->thp.split_queue_len || n != t->thp_queued)
		return check_failed(t->why, t->len,
				    "deferred split queue: %lu entries, "
				    "split_queue_len %lu, %lu THPs queued",
				    n, m->thp.split_queue_len, t->thp_queued);
	return 0;
}

/* The huge zero page: an allocated block of the huge order, all zero. */
static int check_huge_zero_page(const struct mm_tally *t)
{
	const struct machine *m = t->m;
	unsigned long pfn = m->thp.huge_zero_pfn;
	const struct page *page = pfn_to_page(m, pfn);
	const uint64_t *w = (const uint64_t *)(const void *)pfn_to_ram(m, pfn);
	size_t words = huge_page_size(m) / sizeof(*w);

	if (!m->thp.huge_zero)
		return 0;
	if (!PageFlag(page, PG_head) || page->private != huge_page_order(m) ||
	    PageFlag(page, PG_anon) || page->_mapcount != -1)
		return check_failed(t->why, t->len,
				    "the huge zero page (pfn %#lx) is not a "
				    "kernel block of order %u",
				    pfn, huge_page_order(m));
	for (size_t i = 0; i < words; i++)
		if (w[i])
			return check_failed(t->why, t->len,
					    "the huge zero page holds a "
					    "non-zero byte at +%#zx",
					    i * sizeof(*w));
	return 0;
}

/* Map counts and LRU membership of every user page; NR_ANON_MAPPED. */
/* A page-cache page: one reference for the cache, one per entry. */
static int check_file_page(const struct mm_tally *t, unsigned long pfn,
			   long *file_mapped)
{
	const struct page *page = &t->m->mem_map[pfn];

	if ((uint32_t)page_mapcount(page) != t->mapped[pfn] ||
	    page->_refcount !=
		    page_mapcount(page) + 1 + fs_page_refs(t->m, page))
		return check_failed(t->why, t->len,
				    "file pfn %#lx: _mapcount %d, _refcount "
				    "%d, %u entries map it",
				    pfn, page->_mapcount, page->_refcount,
				    t->mapped[pfn]);
	if (page_mapcount(page) > 0)
		(*file_mapped)++;
	return 0;
}

/*
 * A page the swap cache holds: anonymous, small, its slot's index
 * pointing back at it; the cache's reference on the slot is counted.
 */
static int check_swap_cache_page(struct mm_tally *t, unsigned long pfn)
{
	const struct page *page = &t->m->mem_map[pfn];
	unsigned long at;

	if (!PageFlag(page, PG_anon) || PageFlag(page, PG_shmem) ||
	    page->swap >= t->nslots || !swap_cache_pfn(t->m, page->swap, &at) ||
	    at != pfn)
		return check_failed(t->why, t->len,
				    "pfn %#lx: swap cache slot %#x does "
				    "not hold it",
				    pfn, page->swap);
	t->swapref[page->swap]++;
	t->swapcached++;
	return 0;
}

static int check_pages(struct mm_tally *t)
{
	const struct machine *m = t->m;
	long anon_mapped = 0, file_mapped = 0;

	unsigned long pfn;

	/* Unwritten sections hold no user page (sparse.c). */
	for_each_written_pfn(m, pfn, 0, m->max_pfn)
	{
		const struct page *page = &m->mem_map[pfn];
		bool shmem = PageFlag(page, PG_shmem);
		int err;

		if (PageFlag(page, PG_tail))
			continue; /* checked with its head */
		if (PageFlag(page, PG_anon_exclusive) &&
		    !PageFlag(page, PG_anon))
			return check_failed(t->why, t->len,
					    "pfn %#lx: PG_anon_exclusive on a "
					    "page that is not anonymous",
					    pfn);
		if (page_is_pagecache(page)) {
			err = check_file_page(t, pfn, &file_mapped);
			if (err)
				return err;
			continue;
		}
		if (!PageFlag(page, PG_anon) && !shmem) {
			err = check_other_page(t, pfn);
			if (err)
				return err;
			continue;
		}
		if (PageThp(page)) {
			err = check_thp_folio(t, pfn, &anon_mapped);
			if (err)
				return err;
			continue;
		}
		if (page->swap) {
			err = check_swap_cache_page(t, pfn);
			if (err)
				return err;
		}
		if ((uint32_t)page_mapcount(page) != t->mapped[pfn] ||
		    page->_refcount != page_mapcount(page) + (shmem ? 1 : 0) +
					       (page->swap ? 1 : 0) ||
		    !PageFlag(page, PG_lru))
			return check_failed(t->why, t->len,
					    "pfn %#lx: _mapcount %d, "
					    "_refcount %d, %u entries map it%s",
					    pfn, page->_mapcount,
					    page->_refcount, t->mapped[pfn],
					    PageFlag(page, PG_lru)
						    ? ""
						    : ", not on an LRU list");
		if (PageFlag(page, PG_anon_exclusive) &&
		    page_mapcount(page) != 1)
			return check_failed(t->why, t->len,
					    "pfn %#lx: PG_anon_exclusive but "
					    "mapped %d times",
					    pfn, page_mapcount(page));
		if (!shmem && page_mapcount(page) > 0)
			anon_mapped++;
	}
	if ((long)t->swapcached != m->node_stat[NR_SWAPCACHE])
		return check_failed(t->why, t->len,
				    "nr_swapcached is %ld, the swap cache "
				    "holds %lu pages",
				    m->node_stat[NR_SWAPCACHE], t->swapcached);
	if (t->thp_queued != m->thp.split_queue_len)
		return check_split_queue(t);
	if ((long)t->thp_pages != m->node_stat[NR_ANON_THPS])
		return check_failed(t->why, t->len,
				    "NR_ANON_THPS is %ld pages, PMDs map %lu",
				    m->node_stat[NR_ANON_THPS], t->thp_pages);
	if (file_mapped != m->node_stat[NR_FILE_MAPPED])
		return check_failed(t->why, t->len,
				    "nr_mapped is %ld, %ld file pages are "
				    "mapped",
				    m->node_stat[NR_FILE_MAPPED], file_mapped);
	if (anon_mapped != m->node_stat[NR_ANON_MAPPED])
		return check_failed(t->why, t->len,
				    "nr_anon_pages is %ld, %ld pages are "
				    "mapped",
				    m->node_stat[NR_ANON_MAPPED], anon_mapped);
	return 0;
}

static int check_swap_refs(const struct mm_tally *t)
{
	for (unsigned long slot = 1; slot < t->nslots; slot++) {
		unsigned long pfn;

		/* Every slot the swap cache indexes has its page. */
		if (swap_cache_pfn(t->m, slot, &pfn) &&
		    (pfn >= t->m->max_pfn || t->m->mem_map[pfn].swap != slot))
			return check_failed(t->why, t->len,
					    "swap slot %#lx: the swap cache "
					    "names pfn %#lx, not its page",
					    slot, pfn);
		if (t->swapref[slot] != swap_count(t->m, slot))
			return check_failed(t->why, t->len,
					    "swap slot %#lx: count %u, %u "
					    "references",
					    slot, swap_count(t->m, slot),
					    t->swapref[slot]);
	}
	return 0;
}

/* Each MMZ block's map count is the VMAs of /dev/mmz_userdev on it. */
static int check_mmz_maps(const struct machine *m, char *why, size_t len)
{
	for (unsigned int r = 0; m->mmz && r < m->mmz->nr_regions; r++) {
		const struct mmz_region *reg = &m->mmz->regions[r];

		for (unsigned long b = 0; b < reg->nr_blocks; b++) {
			const struct mmz_block *blk = &reg->blocks[b];
			unsigned int n = 0;

			for (int pid = 1; pid < PID_MAX; pid++) {
				const struct task_struct *task =
					find_task_by_pid(m, pid);

				for (unsigned int i = 0;
				     task && task->mm &&
				     i < task->mm->map_count;
				     i++) {
					const struct vm_area_struct *v =
						task->mm->vmas[i];
					uint64_t at = v->vm_pgoff
						      << m->page_shift;

					n += (v->vm_flags & VM_PFNMAP) &&
					     at >= blk->phys &&
					     at < blk->phys + blk->size;
				}
			}
			if (n != blk->map_count)
				return check_failed(
					why, len,
					"MMZ block %#llx: %u "
					"mappings counted, %u VMAs",
					(unsigned long long)blk->phys,
					blk->map_count, n);
		}
	}
	return 0;
}

/* One counter per huge page frame, and one past the last. */
static size_t nr_pmd_slots(const struct machine *m)
{
	return (m->max_pfn >> huge_page_order(m)) + 1;
}

int mm_check(const struct machine *m, char *why, size_t len)
{
	struct mm_tally t = {.m = m, .why = why, .len = len};
	int err = 0;

	t.nslots = total_swap_pages(m) + 1;
	t.mapped = scratch_zalloc(m->max_pfn, sizeof(*t.mapped));
	t.pmd_mapped = scratch_zalloc(nr_pmd_slots(m), sizeof(*t.pmd_mapped));
	t.swapref = scratch_zalloc(t.nslots, sizeof(*t.swapref));
	if (!t.mapped || !t.pmd_mapped || !t.swapref)
		err = -ENOMEM;
	for (int pid = 1; !err && pid < PID_MAX; pid++) {
		const struct task_struct *task = find_task_by_pid(m, pid);

		if (!task || !task->mm)
			continue;
		t.mm = task->mm;
		err = check_mm(&t);
		if (!err)
			err = mlock_check(m, task->mm, why, len);
		if (!err)
			err = ldt_check_mm(m, task->mm, why, len);
		if (!err)
			err = segment_regs_check(m, task, why, len);
	}
	if (!err)
		err = mlock_lru_check(m, why, len);
	if (!err)
		err = check_pages(&t);
	if (!err)
		err = check_split_queue(&t);
	if (!err)
		err = check_huge_zero_page(&t);
	if (!err)
		err = check_swap_refs(&t);
	if (!err)
		err = check_mmz_maps(m, why, len);
	/* Unmapped, not freed: a heap block would stay resident after. */
	scratch_free(t.mapped, m->max_pfn, sizeof(*t.mapped));
	scratch_free(t.pmd_mapped, nr_pmd_slots(m), sizeof(*t.pmd_mapped));
	scratch_free(t.swapref, t.nslots, sizeof(*t.swapref));
	return err;
}
