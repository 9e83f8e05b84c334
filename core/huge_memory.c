/* SPDX-License-Identifier: MIT */
/*
 * huge_memory.c - transparent huge pages, as mm/huge_memory.c: the
 * enabled and defrag settings, the anonymous fault that maps a whole
 * PMD-sized page (2 MiB on x86_64, 4 MiB on i386 without PAE) when the
 * VMA covers the aligned range and one can be had, the huge zero page
 * behind a read, and the split of a PMD mapping into PTEs (and of the
 * huge page into order-0 pages) wherever a range is cut inside one.
 *
 * Owns: the huge PMD entries of anonymous private VMAs, the head page's
 * rmap (PG_anon, mapping, index, one _mapcount for the PMD), the
 * thp_* events, NR_ANON_THPS (in pages, as Linux keeps it) and the huge
 * zero page. Must never: leave a PMD mapping of a page that is not a
 * whole huge block, split a hugetlb page (memory.c keeps those), or
 * lose a byte or a mapping in a split.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/huge_mm.h"
#include "core/memcontrol.h"
#include "core/memory.h"
#include "core/page_alloc.h"
#include "core/pgtable.h"
#include "core/rmap.h"
#include "core/seq_buf.h"
#include "core/vma_internal.h"
#include "core/vmscan.h"

static const char *const thp_enabled_names[NR_THP_ENABLED] = {
	"always", "madvise", "never"};
static const char *const thp_defrag_names[NR_THP_DEFRAG] = {
	"always", "defer", "defer+madvise", "madvise", "never"};

static unsigned int pte_level(const struct machine *m)
{
	return pgtable_levels(m) - 1;
}

static unsigned long hpage_nr(const struct machine *m)
{
	return 1UL << huge_page_order(m);
}

void thp_init(struct machine *m)
{
	m->thp.enabled = THP_ENABLED_MADVISE;
	m->thp.defrag = THP_DEFRAG_MADVISE;
	m->thp.use_zero_page = true;
	m->thp.huge_zero = false;
	m->thp.khugepaged = (struct khugepaged_state){
		.pages_to_scan = 8u << huge_page_order(m),
		.max_ptes_none = (1u << huge_page_order(m)) - 1,
		.max_ptes_swap = 64,
		.max_ptes_shared = 256,
		.scan_pid = 1,
	};
}

void thp_exit(struct machine *m)
{
	if (m->thp.huge_zero)
		__free_pages(m, pfn_to_page(m, m->thp.huge_zero_pfn),
			     huge_page_order(m));
	m->thp.huge_zero = false;
}

static int name_index(const char *const *names, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(names[i], name))
			return i;
	return -1;
}

int thp_set(struct machine *m, const char *enabled, const char *defrag)
{
	int e = enabled ? name_index(thp_enabled_names, NR_THP_ENABLED, enabled)
			: (int)m->thp.enabled;
	int d = defrag ? name_index(thp_defrag_names, NR_THP_DEFRAG, defrag)
		       : (int)m->thp.defrag;

	if (e < 0)
		return mm_refuse(m, BAD_NONE, -EINVAL,
				 "transparent_hugepage/enabled takes always, "
				 "madvise or never");
	if (d < 0)
		return mm_refuse(m, BAD_NONE, -EINVAL,
				 "transparent_hugepage/defrag takes always, "
				 "defer, defer+madvise, madvise or never");
	m->thp.enabled = (enum thp_enabled)e;
	m->thp.defrag = (enum thp_defrag)d;
	return 0;
}

/* A setting's choices, copied; its name is chosen's. */
static int fill_choices(const char *const *names, int n, int chosen, char *name,
			size_t len, char ***choices, size_t *nr)
{
	snprintf(name, len, "%s", names[chosen]);
	*choices = snap_alloc((size_t)n, sizeof(**choices));
	if (!*choices)
		return -ENOMEM;
	for (int i = 0; i < n; i++) {
		(*choices)[i] = snap_strdup(names[i]);
		if (!(*choices)[i])
			return -ENOMEM;
		*nr = (size_t)i + 1;
	}
	return 0;
}

int thp_fill(const struct machine *m, int pid, void *snap)
{
	struct thp_snapshot *t = snap;
	const struct khugepaged_snapshot k = {
		.pages_to_scan = m->thp.khugepaged.pages_to_scan,
		.max_ptes_none = m->thp.khugepaged.max_ptes_none,
		.max_ptes_swap = m->thp.khugepaged.max_ptes_swap,
		.max_ptes_shared = m->thp.khugepaged.max_ptes_shared,
		.pages_collapsed = m->thp.khugepaged.pages_collapsed,
		.full_scans = m->thp.khugepaged.full_scans,
	};
	int err;

	(void)pid;
	t->use_zero_page = m->thp.use_zero_page;
	t->hpage_pmd_size = huge_page_size(m);
	t->khugepaged = k;
	err = fill_choices(thp_enabled_names, NR_THP_ENABLED,
			   (int)m->thp.enabled, t->enabled, sizeof(t->enabled),
			   &t->enabled_choices, &t->nr_enabled_choices);
	return err ? err
		   : fill_choices(thp_defrag_names, NR_THP_DEFRAG,
				  (int)m->thp.defrag, t->defrag,
				  sizeof(t->defrag), &t->defrag_choices,
				  &t->nr_defrag_choices);
}

/* One file's line: every choice, the one in force in brackets. */
static void show_choices(struct seq_buf *s, const char *file,
			 char *const *choices, size_t n, const char *chosen)
{
	seq_printf(s, "%s:", file);
	for (size_t i = 0; i < n; i++)
		seq_printf(s, !strcmp(choices[i], chosen) ? "%s[%s]" : "%s%s",
			   i ? " " : "", choices[i]);
	seq_printf(s, "\n");
}

int thp_show(const void *snap, struct seq_buf *s)
{
	const struct thp_snapshot *t = snap;
	const struct khugepaged_snapshot *k = &t->khugepaged;

	show_choices(s, "enabled", t->enabled_choices, t->nr_enabled_choices,
		     t->enabled);
	show_choices(s, "defrag", t->defrag_choices, t->nr_defrag_choices,
		     t->defrag);
	seq_printf(s, "use_zero_page:%d\n", t->use_zero_page ? 1 : 0);
	seq_printf(s, "hpage_pmd_size:%llu\n",
		   (unsigned long long)t->hpage_pmd_size);
	seq_printf(s, "khugepaged/pages_to_scan:%llu\n",
		   (unsigned long long)k->pages_to_scan);
	seq_printf(s, "khugepaged/max_ptes_none:%llu\n",
		   (unsigned long long)k->max_ptes_none);
	seq_printf(s, "khugepaged/max_ptes_swap:%llu\n",
		   (unsigned long long)k->max_ptes_swap);
	seq_printf(s, "khugepaged/max_ptes_shared:%llu\n",
		   (unsigned long long)k->max_ptes_shared);
	seq_printf(s, "khugepaged/pages_collapsed:%llu\n",
		   (unsigned long long)k->pages_collapsed);
	seq_printf(s, "khugepaged/full_scans:%llu\n",
		   (unsigned long long)k->full_scans);
	return s->err;
}

#define KH(member) SNAP_FIELD(struct khugepaged_snapshot, member, SNAP_U64)
static const struct snap_field khugepaged_fields[] = {
	KH(pages_to_scan),   KH(max_ptes_none),	  KH(max_ptes_swap),
	KH(max_ptes_shared), KH(pages_collapsed), KH(full_scans),
};
static const struct snap_desc khugepaged_desc =
	SNAP_DESC("Khugepaged", struct khugepaged_snapshot, khugepaged_fields);
#define TH struct thp_snapshot
static const struct snap_field thp_fields[] = {
	SNAP_FIELD(TH, enabled, SNAP_CHARS),
	SNAP_ARRAY(TH, enabled_choices, nr_enabled_choices, SNAP_STRS, NULL),
	SNAP_FIELD(TH, defrag, SNAP_CHARS),
	SNAP_ARRAY(TH, defrag_choices, nr_defrag_choices, SNAP_STRS, NULL),
	SNAP_FIELD(TH, use_zero_page, SNAP_BOOL),
	SNAP_FIELD(TH, hpage_pmd_size, SNAP_U64),
	SNAP_ONE(TH, khugepaged, &khugepaged_desc),
};
#undef TH
static const struct snap_desc thp_desc =
	SNAP_DESC("TransparentHugepage", struct thp_snapshot, thp_fields);
const struct report_type thp_report = {&thp_desc, thp_fill, thp_show};

int report_transparent_hugepage(const struct machine *m, struct seq_buf *s)
{
	return report_show(&thp_report, m, 0, s);
}

bool thp_vma_allowable(const struct machine *m,
		       const struct vm_area_struct *vma)
{
	/* Anonymous THPs only: a file's pages are its page cache's. */
	if (vma->shmem || vma->vm_file ||
	    (vma->vm_flags &
	     (VM_HUGETLB | VM_SHARED | VM_NOHUGEPAGE | VM_PFNMAP)))
		return false;
	if (m->thp.enabled == THP_ENABLED_ALWAYS)
		return true;
	return m->thp.enabled == THP_ENABLED_MADVISE &&
	       (vma->vm_flags & VM_HUGEPAGE);
}

bool is_huge_zero_pfn(const struct machine *m, unsigned long pfn)
{
	return m->thp.huge_zero && pfn == m->thp.huge_zero_pfn;
}

unsigned long hugepage_madvise(unsigned long vm_flags, int advice)
{
	if (advice == MADV_HUGEPAGE)
		return (vm_flags & ~VM_NOHUGEPAGE) | VM_HUGEPAGE;
	return (vm_flags & ~VM_HUGEPAGE) | VM_NOHUGEPAGE;
}

/*
 * vma_thp_gfp_mask: how hard the fault tries for a huge page. Direct
 * reclaim and compaction only where defrag allows them for this VMA.
 */
static gfp_t vma_thp_gfp_mask(const struct machine *m,
			      const struct vm_area_struct *vma)
{
	bool madvised = vma->vm_flags & VM_HUGEPAGE;

	switch (m->thp.defrag) {
	case THP_DEFRAG_ALWAYS:
		return GFP_TRANSHUGE | (madvised ? 0 : __GFP_NORETRY);
	case THP_DEFRAG_DEFER:
		return GFP_TRANSHUGE_LIGHT | __GFP_KSWAPD_RECLAIM;
	case THP_DEFRAG_DEFER_MADVISE:
		return GFP_TRANSHUGE_LIGHT |
		       (madvised ? __GFP_DIRECT_RECLAIM : __GFP_KSWAPD_RECLAIM);
	case THP_DEFRAG_MADVISE:
		return GFP_TRANSHUGE_LIGHT |
		       (madvised ? __GFP_DIRECT_RECLAIM : 0);
	default:
		return GFP_TRANSHUGE_LIGHT;
	}
}

/* get_huge_zero_page: made at its first use, kept until teardown. */
static bool get_huge_zero_page(struct machine *m)
{
	struct page *page;

	if (m->thp.huge_zero)
		return true;
	page = alloc_pages(m, (GFP_TRANSHUGE | __GFP_ZERO) & ~__GFP_MOVABLE,
			   huge_page_order(m));
	if (IS_ERR(page)) {
		m->vm_events[THP_ZERO_PAGE_ALLOC_FAILED]++;
		return false;
	}
	m->vm_events[THP_ZERO_PAGE_ALLOC]++;
	m->thp.huge_zero_pfn = page_to_pfn(m, page);
	m->thp.huge_zero = true;
	return true;
}

static uint64_t access_bits(enum user_access access)
{
	return _PAGE_ACCESSED | (access == USER_WRITE ? _PAGE_DIRTY : 0);
}

/* A fresh THP's head: anonymous, on vma's anon_vma, one PMD mapping. */
void thp_add_new_anon_rmap(struct machine *m, struct page *head,
			   struct vm_area_struct *vma, uint64_t haddr)
{
	unsigned long nr = hpage_nr(m);

	SetPageFlag(head, PG_anon);
	SetPageFlag(head, PG_swapbacked);
	head->mapping = (uint64_t)(uintptr_t)vma->anon_vma;
	head->index =
		vma->vm_pgoff + ((haddr - vma->vm_start) >> m->page_shift);
	head->_mapcount = 0;
	anon_vma_get(vma->anon_vma);
	m->node_stat[NR_ANON_MAPPED] += (long)nr;
	m->node_stat[NR_ANON_THPS] += (long)nr;
	vma->vm_mm->rss_stat[MM_ANONPAGES] += (long)nr;
}

/* A read maps the huge zero page; a write, a zeroed huge page. */
static int do_huge_pmd_anonymous_page(struct machine *m,
				      struct vm_area_struct *vma,
				      uint64_t haddr, enum user_access access,
				      const struct pte_slot *slot)
{
	unsigned int order = huge_page_order(m);
	gfp_t gfp = vma_thp_gfp_mask(m, vma);
	struct page *page;
	uint64_t prot;

	if (access != USER_WRITE && m->thp.use_zero_page) {
		if (!get_huge_zero_page(m)) {
			m->vm_events[THP_FAULT_FALLBACK]++;
			return 1;
		}
		prot = vma_pte_prot(m, vma->vm_flags, false) | _PAGE_PSE |
		       _PAGE_ACCESSED;
		pte_slot_write(m, slot, pfn_pte(m, m->thp.huge_zero_pfn, prot));
		return 0;
	}
	if (anon_vma_prepare(m, vma))
		return -ENOMEM;
	page = alloc_pages(m, gfp | __GFP_ZERO, order);
	if (IS_ERR(page)) {
		m->vm_events[THP_FAULT_FALLBACK]++;
		return 1;
	}
	if (mem_cgroup_charge_block(m, page, order, vma->vm_mm->pid, gfp)) {
		__free_pages(m, page, order);
		m->vm_events[THP_FAULT_FALLBACK]++;
		m->vm_events[THP_FAULT_FALLBACK_CHARGE]++;
		return 1;
	}
	if (pte_slot_read(m, slot)) { /* reclaim raced us: try again */
		__free_pages(m, page, order);
		return 0;
	}
	thp_add_new_anon_rmap(m, page, vma, haddr);
	prot = vma_pte_prot(m, vma->vm_flags, true) | _PAGE_PSE |
	       access_bits(access);
	pte_slot_write(m, slot, pfn_pte(m, page_to_pfn(m, page), prot));
	m->vm_events[THP_FAULT_ALLOC]++;
	return 0;
}

int do_huge_pmd_fault(struct machine *m, struct vm_area_struct *vma,
		      uint64_t addr, enum user_access access,
		      const struct pte_slot *slot)
{
	uint64_t size = huge_page_size(m), haddr = addr & ~(size - 1);
	uint64_t entry = pte_slot_read(m, slot);
	unsigned long pfn = pte_pfn(m, entry);

	if (!entry) {
		if (!thp_vma_allowable(m, vma) || haddr < vma->vm_start ||
		    haddr + size > vma->vm_end)
			return 1;
		return do_huge_pmd_anonymous_page(m, vma, haddr, access, slot);
	}
	if (pte_protnone(entry)) { /* the VMA allows it again */
		change_protection(m, vma, haddr, haddr + size);
		return 0;
	}
	if (access == USER_WRITE && !(entry & _PAGE_RW)) {
		/*
		 * do_huge_pmd_wp_page: a THP this mm alone maps is reused;
		 * the huge zero page is split and the PTE level copies the
		 * one page written, as Linux's fallback does.
		 */
		if (is_huge_zero_pfn(m, pfn) ||
		    page_mapcount(pfn_to_page(m, pfn)) != 1) {
			int err = split_huge_pmd_address(m, vma, addr);

			return err ? err : 1;
		}
		entry |= vma_pte_prot(m, vma->vm_flags, true);
	}
	pte_slot_write(m, slot, entry | access_bits(access));
	return 0;
}

/* ------------------------------------------------------------------ */
/* Splitting                                                           */

/*
 * __split_huge_page: the head's block becomes order-0 pages, each an
 * anonymous page of the same anon_vma at its own index, mapped once,
 * on the LRU lists as any anonymous page.
 */
static void split_huge_page(struct machine *m, struct page *head, bool dirty)
{
	unsigned long nr = hpage_nr(m);
	uint64_t av = head->mapping, index = head->index;

	split_page(m, head, huge_page_order(m));
	for (unsigned long i = 0; i < nr; i++) {
		struct page *page = head + i;

		SetPageFlag(page, PG_anon);
		SetPageFlag(page, PG_swapbacked);
		if (dirty)
			SetPageFlag(page, PG_dirty);
		page->mapping = av;
		page->index = index + i;
		page->_mapcount = 0;
		if (i)
			anon_vma_get((struct anon_vma *)(uintptr_t)av);
		lru_add(m, page);
	}
	m->node_stat[NR_ANON_THPS] -= (long)nr;
	m->vm_events[THP_SPLIT_PAGE]++;
}

/*
 * __split_huge_pmd_locked: the PMD entry gives way to a PTE table with
 * one entry per page, the flags kept. The huge zero page's PTEs map the
 * small zero page, as Linux's __split_huge_zero_page_pmd does.
 */
static int __split_huge_pmd(struct machine *m, struct vm_area_struct *vma,
			    const struct pte_slot *pmd, uint64_t haddr,
			    uint64_t entry)
{
	unsigned int leaf = pte_level(m);
	unsigned long pfn = pte_pfn(m, entry), nr = hpage_nr(m);
	bool zero = is_huge_zero_pfn(m, pfn);
	uint64_t flags = pte_flags(m, entry) & ~_PAGE_PSE;
	struct pte_slot pte;

	pte_slot_set(m, pmd, 0);
	if (pte_slot_get(m, vma->vm_mm->pgd, haddr, leaf, true, &pte)) {
		pte_slot_set(m, pmd, entry); /* nothing changed */
		return mm_refuse(m, BAD_NONE, -ENOMEM,
				 "no page table to split the huge page at "
				 "%#lx",
				 (unsigned long)haddr);
	}
	m->vm_events[THP_SPLIT_PMD]++;
	if (!zero)
		split_huge_page(m, pfn_to_page(m, pfn), entry & _PAGE_DIRTY);
	for (unsigned long i = 0; i < nr; i++) {
		pte.idx[leaf] = (unsigned int)i;
		pte_slot_write(m, &pte,
			       zero ? pfn_pte(m, m->zero_pfn,
					      flags & ~(_PAGE_RW | _PAGE_DIRTY))
				    : pfn_pte(m, pfn + i, flags));
	}
	m->tlb_gen++;
	return 0;
}

/* The huge PMD entry covering addr in vma, if there is one. */
static bool find_huge_pmd(struct machine *m, struct vm_area_struct *vma,
			  uint64_t addr, struct pte_slot *slot, uint64_t *entry)
{
	if (vma->vm_flags & VM_HUGETLB)
		return false;
	if (pte_slot_get(m, vma->vm_mm->pgd, addr, pte_level(m), false, slot) ||
	    slot->level != pgtable_huge_level(m))
		return false;
	*entry = pte_slot_read(m, slot);
	return *entry && !pte_is_swap(*entry) && (*entry & _PAGE_PSE);
}

int split_huge_pmd_address(struct machine *m, struct vm_area_struct *vma,
			   uint64_t addr)
{
	uint64_t haddr = addr & ~(huge_page_size(m) - 1), entry;
	struct pte_slot slot;

	if (!find_huge_pmd(m, vma, addr, &slot, &entry))
		return 0;
	return __split_huge_pmd(m, vma, &slot, haddr, entry);
}

int split_huge_pmd_range(struct machine *m, struct vm_area_struct *vma,
			 uint64_t start, uint64_t end)
{
	uint64_t size = huge_page_size(m);

	if (vma->vm_flags & VM_HUGETLB)
		return 0;
	for (uint64_t a = start & ~(size - 1); a < end; a += size) {
		int err = split_huge_pmd_address(m, vma, a < start ? start : a);

		if (err)
			return err;
		if (a + size < a)
			break;
	}
	return 0;
}

int vma_adjust_trans_huge(struct machine *m, struct vm_area_struct *vma,
			  uint64_t start, uint64_t end)
{
	uint64_t mask = huge_page_size(m) - 1;
	int err = 0;

	if (start & mask)
		err = split_huge_pmd_address(m, vma, start);
	if (!err && (end & mask))
		err = split_huge_pmd_address(m, vma, end);
	return err;
}

/* ------------------------------------------------------------------ */
/* Teardown                                                            */

/* The last reference to a THP gone: its block goes back whole. */
static void free_transhuge_page(struct machine *m, struct page *head)
{
	struct anon_vma *av = (struct anon_vma *)(uintptr_t)head->mapping;

	if (--head->_refcount > 0)
		return;
	ClearPageFlag(head, PG_anon);
	ClearPageFlag(head, PG_swapbacked);
	ClearPageFlag(head, PG_dirty);
	head->mapping = 0;
	head->index = 0;
	head->_mapcount = -1;
	head->_refcount = 1;
	__free_pages(m, head, huge_page_order(m));
	anon_vma_put(m, av);
}

void zap_huge_pmd(struct machine *m, struct vm_area_struct *vma,
		  const struct pte_slot *slot, uint64_t entry)
{
	unsigned long pfn = pte_pfn(m, entry), nr = hpage_nr(m);
	struct page *head = pfn_to_page(m, pfn);

	pte_slot_write(m, slot, 0);
	if (is_huge_zero_pfn(m, pfn))
		return;
	vma->vm_mm->rss_stat[MM_ANONPAGES] -= (long)nr;
	m->node_stat[NR_ANON_THPS] -= (long)nr;
	if (--head->_mapcount == -1)
		m->node_stat[NR_ANON_MAPPED] -= (long)nr;
	free_transhuge_page(m, head);
}
