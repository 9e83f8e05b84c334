/* SPDX-License-Identifier: MIT */
/*
 * huge_memory.c - transparent huge pages, as mm/huge_memory.c: the
 * enabled and defrag settings, the anonymous fault that maps a whole
 * PMD-sized page (2 MiB on x86_64, 4 MiB on i386 without PAE) when the
 * VMA covers the aligned range and one can be had, the huge zero page
 * behind a read; fork sharing a THP at the PMD level (copy_huge_pmd),
 * the write fault that reuses an exclusive THP or splits the PMD for the
 * PTE level to copy one page (do_huge_pmd_wp_page); the split of a PMD
 * mapping into PTEs wherever a range is cut inside one, which leaves a
 * PTE-mapped THP whole, and the split of the THP itself into order-0
 * pages later, from the deferred split queue, when memory is short.
 *
 * A THP is a folio as Linux keeps one: the head holds the reference
 * count (one per PMD and one per PTE mapping it) and the anon rmap;
 * every page keeps its own _mapcount (its PTE mappings, -1 based); the
 * first tail page keeps _entire_mapcount (PMD mappings, -1 based) and
 * _nr_pages_mapped (pages a PTE maps); the second tail page's lru links
 * it on the deferred split queue.
 *
 * Owns: the huge PMD entries of anonymous private VMAs, a THP's rmap and
 * map counts, PG_tail and PG_anon_exclusive, the deferred split queue,
 * the thp_* events, NR_ANON_THPS (the pages of THPs some PMD maps, as
 * Linux keeps it) and the huge zero page. Must never: leave a PMD
 * mapping of a page that is not a whole huge block, split a hugetlb page
 * (memory.c keeps those), split a THP that a PMD still maps, or lose a
 * byte or a mapping in a split.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/mmzone.h"
#include "core/huge_mm.h"
#include "core/memcontrol.h"
#include "core/memory.h"
#include "core/mlock.h"
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
	INIT_LIST_HEAD(&m->thp.split_queue);
	m->thp.split_queue_len = 0;
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

/* ------------------------------------------------------------------ */
/* A THP's map counts                                                  */

struct page *thp_head(const struct machine *m, struct page *page)
{
	unsigned long pfn = page_to_pfn(m, page);

	if (PageFlag(page, PG_tail))
		return pfn_to_page(m, pfn & ~(hpage_nr(m) - 1));
	return PageThp(page) ? page : NULL;
}

int thp_entire_mapcount(const struct page *head)
{
	return head[1]._entire_mapcount + 1;
}

int thp_nr_pages_mapped(const struct page *head)
{
	return head[1]._nr_pages_mapped;
}

struct list_head *thp_deferred_list(struct page *head)
{
	return &head[2].lru;
}

int thp_page_mapcount(const struct machine *m, const struct page *page)
{
	const struct page *head = thp_head(m, (struct page *)page);

	return page_mapcount(page) + (head ? thp_entire_mapcount(head) : 0);
}

/*
 * deferred_split_folio: a THP that lost some of its pages' mappings
 * and no PMD maps waits on the queue, counted once.
 */
static void deferred_split_folio(struct machine *m, struct page *head)
{
	struct list_head *l = thp_deferred_list(head);

	if (!list_empty(l))
		return;
	list_add_tail(l, &m->thp.split_queue);
	m->thp.split_queue_len++;
	m->vm_events[THP_DEFERRED_SPLIT_PAGE]++;
}

static void deferred_split_remove(struct machine *m, struct page *head)
{
	struct list_head *l = thp_deferred_list(head);

	if (list_empty(l))
		return;
	list_del_init(l);
	m->thp.split_queue_len--;
}

/* One more PMD maps the THP: its pages count as mapped from the first. */
static void thp_add_rmap_pmd(struct machine *m, struct page *head)
{
	unsigned long nr = hpage_nr(m);

	if (++head[1]._entire_mapcount == 0) {
		mod_lruvec_page_state(m, head, NR_ANON_THPS, (long)nr);
		mod_lruvec_page_state(m, head, NR_ANON_MAPPED,
				      (long)nr - head[1]._nr_pages_mapped);
	}
}

/*
 * A PMD mapping gone: with the last, the pages no PTE maps leave
 * NR_ANON_MAPPED and a THP some of whose pages stay mapped is queued.
 */
static void thp_remove_rmap_pmd(struct machine *m, struct page *head)
{
	long nr = (long)hpage_nr(m), unmapped;

	if (--head[1]._entire_mapcount != -1)
		return;
	unmapped = nr - head[1]._nr_pages_mapped;
	mod_lruvec_page_state(m, head, NR_ANON_THPS, -nr);
	mod_lruvec_page_state(m, head, NR_ANON_MAPPED, -unmapped);
	if (unmapped && head[1]._nr_pages_mapped)
		deferred_split_folio(m, head);
}

/* One more PTE maps page of the THP at head. */
static void thp_add_rmap_pte(struct machine *m, struct page *head,
			     struct page *page)
{
	if (++page->_mapcount)
		return;
	head[1]._nr_pages_mapped++;
	if (head[1]._entire_mapcount < 0)
		mod_lruvec_page_state(m, head, NR_ANON_MAPPED, 1);
}

/*
 * nr PTEs mapping page and the pages after it are gone at once, as
 * folio_remove_rmap_ptes: the THP is queued only when, after all of
 * them, some of its pages are mapped and some not, and no PMD maps it.
 */
static void thp_remove_rmap_ptes(struct machine *m, struct page *page,
				 unsigned long nr)
{
	struct page *head = thp_head(m, page);
	long unmapped = 0;

	for (unsigned long i = 0; i < nr; i++)
		if (--page[i]._mapcount == -1)
			unmapped++;
	head[1]._nr_pages_mapped -= (int)unmapped;
	if (head[1]._entire_mapcount >= 0)
		return;
	mod_lruvec_page_state(m, head, NR_ANON_MAPPED, -unmapped);
	if (unmapped && head[1]._nr_pages_mapped)
		deferred_split_folio(m, head);
}

void thp_remove_rmap_pte(struct machine *m, struct page *page)
{
	thp_remove_rmap_ptes(m, page, 1);
}

/* The PTEs from slot on that map the THP's next pages, up to end. */
static unsigned long thp_pte_batch(struct machine *m, uint64_t addr,
				   uint64_t end, const struct pte_slot *slot,
				   unsigned long pfn)
{
	unsigned int leaf = pte_level(m);
	unsigned long nr = hpage_nr(m), hpfn = pfn & ~(nr - 1), n = 1;
	struct pte_slot s = *slot;

	/* A THP's pages lie in one PTE table, as its PMD would map them. */
	while (pfn + n < hpfn + nr && s.idx[leaf] + 1 < nr &&
	       addr + (n << m->page_shift) < end) {
		uint64_t e;

		s.idx[leaf]++;
		e = pte_slot_read(m, &s);
		if (!pte_maps_page(e) || pte_pfn(m, e) != pfn + n)
			break;
		n++;
	}
	return n;
}

void zap_thp_ptes(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
		  uint64_t end, const struct pte_slot *slot, uint64_t entry)
{
	unsigned long pfn = pte_pfn(m, entry);
	unsigned long n = thp_pte_batch(m, addr, end, slot, pfn);
	struct page *page = pfn_to_page(m, pfn);
	struct pte_slot s = *slot;

	for (unsigned long i = 0; i < n; i++, s.idx[pte_level(m)]++)
		pte_slot_write(m, &s, 0);
	vma->vm_mm->rss_stat[MM_ANONPAGES] -= (long)n;
	thp_remove_rmap_ptes(m, page, n);
	/* munlock_vma_folio: a locked VMA's mapping of it went. */
	if (vma->vm_flags & VM_LOCKED)
		munlock_page(m, page);
	/* Each PTE held a reference: the last one put may free the THP. */
	thp_head(m, page)->_refcount -= (int)n - 1;
	thp_put_page(m, page);
}

void thp_dup_rmap_pte(struct machine *m, struct page *page)
{
	struct page *head = thp_head(m, page);

	/* The copy is shared: neither side's page is exclusive now. */
	ClearPageFlag(page, PG_anon_exclusive);
	head->_refcount++;
	thp_add_rmap_pte(m, head, page);
}

/* A fresh THP: anonymous, on vma's anon_vma, one PMD mapping, exclusive. */
void thp_add_new_anon_rmap(struct machine *m, struct page *head,
			   struct vm_area_struct *vma, uint64_t haddr)
{
	unsigned long nr = hpage_nr(m);
	uint64_t index =
		vma->vm_pgoff + ((haddr - vma->vm_start) >> m->page_shift);

	for (unsigned long i = 0; i < nr; i++) {
		struct page *page = head + i;

		if (i)
			SetPageFlag(page, PG_tail);
		SetPageFlag(page, PG_anon);
		SetPageFlag(page, PG_swapbacked);
		ClearPageFlag(page, PG_anon_exclusive);
		page->mapping = (uint64_t)(uintptr_t)vma->anon_vma;
		page->index = index + i;
		page->_mapcount = -1;
	}
	SetPageFlag(head, PG_anon_exclusive);
	head[1]._entire_mapcount = -1;
	head[1]._nr_pages_mapped = 0;
	INIT_LIST_HEAD(thp_deferred_list(head));
	anon_vma_get(vma->anon_vma);
	thp_add_rmap_pmd(m, head);
	vma->vm_mm->rss_stat[MM_ANONPAGES] += (long)nr;
	/* folio_add_lru_vma: the head on the inactive anon list, all of it. */
	lru_add(m, head);
}

/*
 * vma_alloc_anon_folio_pmd: a zeroed THP charged to vma's process, or
 * NULL with thp_fault_fallback (and thp_fault_fallback_charge) counted.
 */
static struct page *alloc_anon_thp(struct machine *m,
				   struct vm_area_struct *vma, uint64_t haddr)
{
	unsigned int order = huge_page_order(m);
	gfp_t gfp = vma_thp_gfp_mask(m, vma);
	/* Placed by the VMA's (or the task's) memory policy. */
	struct page *page =
		vma_alloc_pages(m, gfp | __GFP_ZERO, order, vma, haddr);

	if (IS_ERR(page)) {
		m->vm_events[THP_FAULT_FALLBACK]++;
		return NULL;
	}
	if (mem_cgroup_charge_block(m, page, order, vma->vm_mm->pid, gfp)) {
		__free_pages(m, page, order);
		m->vm_events[THP_FAULT_FALLBACK]++;
		m->vm_events[THP_FAULT_FALLBACK_CHARGE]++;
		return NULL;
	}
	return page;
}

/* map_anon_folio_pmd: the new THP mapped at haddr by the PMD in slot. */
static void map_anon_thp_pmd(struct machine *m, struct vm_area_struct *vma,
			     struct page *page, uint64_t haddr,
			     enum user_access access,
			     const struct pte_slot *slot)
{
	uint64_t prot = vma_pte_prot(m, vma->vm_flags, true) | _PAGE_PSE |
			access_bits(access);

	thp_add_new_anon_rmap(m, page, vma, haddr);
	pte_slot_write(m, slot, pfn_pte(m, page_to_pfn(m, page), prot));
	m->vm_events[THP_FAULT_ALLOC]++;
}

/* A read maps the huge zero page; a write, a zeroed huge page. */
static int do_huge_pmd_anonymous_page(struct machine *m,
				      struct vm_area_struct *vma,
				      uint64_t haddr, enum user_access access,
				      const struct pte_slot *slot)
{
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
	page = alloc_anon_thp(m, vma, haddr);
	if (!page)
		return 1;
	if (pte_slot_read(m, slot)) { /* reclaim raced us: try again */
		__free_pages(m, page, huge_page_order(m));
		return 0;
	}
	map_anon_thp_pmd(m, vma, page, haddr, access, slot);
	return 0;
}

/*
 * do_huge_zero_wp_pmd (Linux 6.12 and later): a write to the huge zero
 * page maps a fresh zeroed THP in its place; with none to be had, the
 * PMD is split and the PTE level takes the write (1).
 */
static int do_huge_zero_wp_pmd(struct machine *m, struct vm_area_struct *vma,
			       uint64_t addr, const struct pte_slot *slot,
			       uint64_t entry)
{
	uint64_t haddr = addr & ~(huge_page_size(m) - 1);
	struct page *page;
	int err;

	if (anon_vma_prepare(m, vma))
		return -ENOMEM;
	page = alloc_anon_thp(m, vma, haddr);
	if (!page) {
		err = split_huge_pmd_address(m, vma, addr);
		return err ? err : 1;
	}
	if (pte_slot_read(m, slot) != entry) { /* reclaim raced us */
		__free_pages(m, page, huge_page_order(m));
		return 0;
	}
	map_anon_thp_pmd(m, vma, page, haddr, USER_WRITE, slot);
	return 0;
}

/*
 * do_huge_pmd_wp_page: a THP this mm alone may write (PageAnonExclusive,
 * or no other reference than this PMD) is reused and made writable (0);
 * otherwise the PMD is split and the PTE level copies the one page
 * written (1), as Linux's fallback does.
 */
static int do_huge_pmd_wp_page(struct machine *m, struct vm_area_struct *vma,
			       uint64_t addr, const struct pte_slot *slot,
			       uint64_t entry)
{
	unsigned long pfn = pte_pfn(m, entry);
	struct page *head = pfn_to_page(m, pfn);
	int err;

	if (is_huge_zero_pfn(m, pfn))
		return do_huge_zero_wp_pmd(m, vma, addr, slot, entry);
	if (PageFlag(head, PG_anon_exclusive) || head->_refcount == 1) {
		SetPageFlag(head, PG_anon_exclusive);
		pte_slot_write(m, slot,
			       entry | vma_pte_prot(m, vma->vm_flags, true) |
				       access_bits(USER_WRITE));
		return 0;
	}
	err = split_huge_pmd_address(m, vma, addr);
	return err ? err : 1;
}

int do_huge_pmd_fault(struct machine *m, struct vm_area_struct *vma,
		      uint64_t addr, enum user_access access,
		      const struct pte_slot *slot)
{
	uint64_t size = huge_page_size(m), haddr = addr & ~(size - 1);
	uint64_t entry = pte_slot_read(m, slot);

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
	if (access == USER_WRITE && !(entry & _PAGE_RW))
		return do_huge_pmd_wp_page(m, vma, addr, slot, entry);
	pte_slot_write(m, slot, entry | access_bits(access));
	return 0;
}

/* ------------------------------------------------------------------ */
/* fork                                                                */

int copy_huge_pmd(struct machine *m, struct vm_area_struct *dst,
		  const struct pte_slot *src_pmd, uint64_t addr, uint64_t entry)
{
	unsigned long pfn = pte_pfn(m, entry);
	struct pte_slot dpmd;
	int err = pte_slot_get(m, dst->vm_mm->pgd, addr, pgtable_huge_level(m),
			       true, &dpmd);

	if (err)
		return err;
	if (!is_huge_zero_pfn(m, pfn)) {
		struct page *head = pfn_to_page(m, pfn);

		/* folio_try_dup_anon_rmap_pmd: shared, so not exclusive. */
		ClearPageFlag(head, PG_anon_exclusive);
		head->_refcount++;
		thp_add_rmap_pmd(m, head);
		dst->vm_mm->rss_stat[MM_ANONPAGES] += (long)hpage_nr(m);
	}
	/* Both sides read-only, for copy-on-write; the child's is old. */
	if (entry & _PAGE_RW) {
		entry &= ~(uint64_t)_PAGE_RW;
		pte_slot_write(m, src_pmd, entry);
	}
	pte_slot_write(m, &dpmd, entry & ~(uint64_t)_PAGE_ACCESSED);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Write faults on a page of a PTE-mapped THP                          */

/* Another mm's VMA maps a page of the THP at head. */
static bool thp_mapped_in(struct machine *m, const struct vm_area_struct *vma,
			  const struct page *head)
{
	unsigned long hpfn = page_to_pfn(m, head), nr = hpage_nr(m);

	for (unsigned long i = 0; i < nr; i++) {
		struct pte_slot slot;
		uint64_t addr, entry;

		if (!vma_address(vma, head->index + i, &addr, m->page_shift) ||
		    pte_slot_get(m, vma->vm_mm->pgd, addr, pte_level(m), false,
				 &slot))
			continue;
		entry = pte_slot_read(m, &slot);
		if (pte_maps_page(entry) && pte_pfn(m, entry) >= hpfn &&
		    pte_pfn(m, entry) < hpfn + nr)
			return true;
	}
	return false;
}

/*
 * __wp_can_reuse_large_anon_folio (Linux 6.15 and later): a page of a
 * PTE-mapped THP is written in place when every reference to the THP
 * is a mapping of this mm, and more than the one page is mapped (the
 * last page mapped is copied, to give the THP back sooner).
 */
bool thp_wp_can_reuse(struct machine *m, const struct vm_area_struct *vma,
		      struct page *page)
{
	struct page *head = thp_head(m, page);
	struct rmap_root *root = page_rmap_root(head);
	struct list_head *pos;

	if (PageFlag(page, PG_anon_exclusive))
		return true;
	if (head->_refcount <= 1)
		return false;
	list_for_each(pos, &root->vmas)
	{
		const struct vm_area_struct *v =
			list_entry(pos, struct vm_area_struct, rmap_node);

		if (v->vm_mm != vma->vm_mm && thp_mapped_in(m, v, head))
			return false;
	}
	SetPageFlag(page, PG_anon_exclusive);
	return true;
}

bool thp_page_exclusive(const struct machine *m, const struct page *page)
{
	(void)m;
	return PageFlag(page, PG_anon_exclusive);
}

/* ------------------------------------------------------------------ */
/* Splitting a PMD mapping                                             */

/*
 * __split_huge_pmd_locked: the PMD entry gives way to a PTE table with
 * one entry per page, the flags kept; the THP stays whole, mapped by
 * PTEs now (one reference each), each page exclusive if the PMD was.
 * The huge zero page's PTEs map the small zero page, as Linux's
 * __split_huge_zero_page_pmd does.
 */
static int __split_huge_pmd(struct machine *m, struct vm_area_struct *vma,
			    const struct pte_slot *pmd, uint64_t haddr,
			    uint64_t entry)
{
	unsigned int leaf = pte_level(m);
	unsigned long pfn = pte_pfn(m, entry), nr = hpage_nr(m);
	bool zero = is_huge_zero_pfn(m, pfn);
	uint64_t flags = pte_flags(m, entry) & ~_PAGE_PSE;
	struct page *head = pfn_to_page(m, pfn);
	bool exclusive = !zero && PageFlag(head, PG_anon_exclusive);
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
		head->_refcount += (int)nr - 1;
	for (unsigned long i = 0; i < nr; i++) {
		pte.idx[leaf] = (unsigned int)i;
		if (zero) {
			pte_slot_write(
				m, &pte,
				pfn_pte(m, m->zero_pfn,
					flags & ~(_PAGE_RW | _PAGE_DIRTY)));
			continue;
		}
		if (exclusive)
			SetPageFlag(head + i, PG_anon_exclusive);
		else
			ClearPageFlag(head + i, PG_anon_exclusive);
		thp_add_rmap_pte(m, head, head + i);
		pte_slot_write(m, &pte, pfn_pte(m, pfn + i, flags));
	}
	if (!zero)
		thp_remove_rmap_pmd(m, head);
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

bool pmd_trans_huge_at(struct machine *m, struct vm_area_struct *vma,
		       uint64_t addr)
{
	struct pte_slot slot;
	uint64_t entry;

	return find_huge_pmd(m, vma, addr, &slot, &entry);
}

/*
 * The empty PMD slot at new_addr a THP at old_addr may move to whole:
 * both aligned, the tables above it made; false when either is not so
 * (a PTE table there, or no memory for the tables).
 */
bool move_huge_pmd_prepare(struct machine *m, struct vm_area_struct *vma,
			   uint64_t old_addr, struct vm_area_struct *new_vma,
			   uint64_t new_addr)
{
	uint64_t size = huge_page_size(m), entry;
	struct pte_slot from, to;

	if (((old_addr | new_addr) & (size - 1)) ||
	    !find_huge_pmd(m, vma, old_addr, &from, &entry) ||
	    pte_slot_get(m, new_vma->vm_mm->pgd, new_addr,
			 pgtable_huge_level(m), true, &to) ||
	    to.level != pgtable_huge_level(m))
		return false;
	return pte_slot_read(m, &to) == 0;
}

void move_huge_pmd(struct machine *m, struct vm_area_struct *vma,
		   uint64_t old_addr, struct vm_area_struct *new_vma,
		   uint64_t new_addr)
{
	struct pte_slot from, to;
	uint64_t entry;

	if (!find_huge_pmd(m, vma, old_addr, &from, &entry) ||
	    pte_slot_get(m, new_vma->vm_mm->pgd, new_addr,
			 pgtable_huge_level(m), false, &to))
		return;
	pte_slot_write(m, &to, entry);
	pte_slot_write(m, &from, 0);
}

bool remove_migration_pmd(struct machine *m, struct vm_area_struct *vma,
			  uint64_t addr, const struct page *src,
			  const struct page *dst)
{
	struct pte_slot slot;
	uint64_t entry;

	if (!find_huge_pmd(m, vma, addr, &slot, &entry) ||
	    pte_pfn(m, entry) != page_to_pfn(m, src))
		return false;
	if (dst) /* the entry's bits stay; only its frame changes */
		pte_slot_set(
			m, &slot,
			pfn_pte(m, page_to_pfn(m, dst), pte_flags(m, entry)));
	return true;
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
	unsigned long nr = hpage_nr(m);

	deferred_split_remove(m, head);
	if (PageFlag(head, PG_lru))
		lru_del(m, head);
	mlock_page_freed(m, head);
	INIT_LIST_HEAD(&head[1].lru);
	for (unsigned long i = 0; i < nr; i++) {
		struct page *page = head + i;

		ClearPageFlag(page, PG_tail);
		ClearPageFlag(page, PG_anon);
		ClearPageFlag(page, PG_swapbacked);
		ClearPageFlag(page, PG_dirty);
		ClearPageFlag(page, PG_anon_exclusive);
		page->mapping = 0;
		page->index = 0;
		page->_mapcount = -1;
	}
	head->_refcount = 1;
	__free_pages(m, head, huge_page_order(m));
	anon_vma_put(m, av);
}

void thp_put_page(struct machine *m, struct page *page)
{
	struct page *head = thp_head(m, page);

	if (--head->_refcount == 0)
		free_transhuge_page(m, head);
}

void zap_huge_pmd(struct machine *m, struct vm_area_struct *vma,
		  const struct pte_slot *slot, uint64_t entry)
{
	unsigned long pfn = pte_pfn(m, entry);
	struct page *head = pfn_to_page(m, pfn);

	pte_slot_write(m, slot, 0);
	if (is_huge_zero_pfn(m, pfn))
		return;
	vma->vm_mm->rss_stat[MM_ANONPAGES] -= (long)hpage_nr(m);
	thp_remove_rmap_pmd(m, head);
	if (vma->vm_flags & VM_LOCKED)
		munlock_page(m, head);
	thp_put_page(m, head);
}

/* ------------------------------------------------------------------ */
/* Splitting a THP: the deferred split queue                           */

/*
 * __split_huge_page of a THP only PTEs map: its head leaves the LRU list
 * it was on whole, and each page becomes an order-0 anonymous page of
 * the same anon_vma at its own index, with the map count it had and one
 * reference per mapping, on the inactive list (lru_add_split_folio);
 * pages no entry maps go back to the buddy allocator.
 */
static unsigned long split_huge_page(struct machine *m, struct page *head)
{
	unsigned long nr = hpage_nr(m), freed = 0;
	struct anon_vma *av = (struct anon_vma *)(uintptr_t)head->mapping;
	bool mlocked = mlock_thp_split(m, head);

	deferred_split_remove(m, head);
	/* The head leaves its list whole; lru_add_split_folio adds each. */
	if (PageFlag(head, PG_lru))
		lru_del(m, head);
	split_page(m, head, huge_page_order(m));
	for (unsigned long i = 0; i < nr; i++) {
		struct page *page = head + i;

		ClearPageFlag(page, PG_tail);
		ClearPageFlag(page, PG_anon_exclusive);
		SetPageFlag(page, PG_dirty);
		if (i)
			anon_vma_get(av);
		/* One reference per mapping, and one the split holds. */
		page->_refcount = page_mapcount(page) + 1;
		if (page_mapcount(page)) {
			lru_add(m, page);
			mlock_split_page(m, page, mlocked);
		} else
			freed++;
		put_user_page(m, page);
	}
	m->vm_events[THP_SPLIT_PAGE]++;
	return freed;
}

static int split_one_pmd(struct machine *m, struct page *page,
			 struct vm_area_struct *vma, uint64_t addr, void *arg)
{
	(void)arg;
	if (!remove_migration_pmd(m, vma, addr, page, NULL))
		return 0;
	return split_huge_pmd_address(m, vma, addr);
}

int split_folio(struct machine *m, struct page *head)
{
	int err = rmap_walk(m, head, split_one_pmd, NULL);

	if (err)
		return err;
	if (thp_entire_mapcount(head)) /* a PMD rmap cannot reach */
		return -EAGAIN;
	split_huge_page(m, head);
	return 0;
}

unsigned long deferred_split_scan_node(struct machine *m, int nid,
				       unsigned long nr_to_scan)
{
	unsigned long freed = 0, skipped = 0;

	while (nr_to_scan && !list_empty(&m->thp.split_queue)) {
		struct page *second =
			list_first_entry(&m->thp.split_queue, struct page, lru);
		struct page *head = second - 2;

		/* Linux's queue is per node; here one queue, the others'
		 * THPs passed over (each once). */
		if (nid != NUMA_NO_NODE && page_to_nid(head) != nid) {
			if (skipped++ >= m->thp.split_queue_len)
				break;
			list_move_tail(&second->lru, &m->thp.split_queue);
			continue;
		}
		nr_to_scan--;
		if (thp_entire_mapcount(head)) { /* a PMD maps it again */
			m->vm_events[THP_SPLIT_PAGE_FAILED]++;
			list_move_tail(&second->lru, &m->thp.split_queue);
			continue;
		}
		freed += split_huge_page(m, head);
	}
	return freed;
}

unsigned long deferred_split_scan(struct machine *m, unsigned long nr_to_scan)
{
	return deferred_split_scan_node(m, NUMA_NO_NODE, nr_to_scan);
}

/* ------------------------------------------------------------------ */
/* Reclaim of a THP                                                    */

/* What folio_referenced found: young mappings, a locked one. */
struct thp_refs {
	unsigned int refs;
	bool locked;
};

/* The PTEs of vma from addr mapping the THP's pages: young, mapped. */
static unsigned long thp_pte_refs(struct machine *m, struct vm_area_struct *vma,
				  uint64_t addr, const struct page *head,
				  bool clear, unsigned int *young)
{
	unsigned long hpfn = page_to_pfn(m, head), nr = hpage_nr(m), mapped = 0;

	for (unsigned long i = 0; i < nr; i++) {
		uint64_t a = addr + (i << m->page_shift), entry;
		struct pte_slot slot;

		if (a >= vma->vm_end)
			break;
		if (pte_slot_get(m, vma->vm_mm->pgd, a, pte_level(m), false,
				 &slot) ||
		    slot.level != pte_level(m))
			continue;
		entry = pte_slot_read(m, &slot);
		if (!pte_maps_page(entry) || pte_pfn(m, entry) != hpfn + i)
			continue;
		mapped++;
		if (clear && (entry & _PAGE_ACCESSED)) {
			pte_slot_set(m, &slot,
				     entry & ~(uint64_t)_PAGE_ACCESSED);
			(*young)++;
		}
	}
	return mapped;
}

/*
 * folio_referenced_one of a THP in vma from addr: its PMD's accessed
 * bit, or each PTE's, tested and cleared; a locked VMA that maps it
 * whole stops the walk (the mlock that got missed), one that maps part
 * of it is passed over (its pages' references do not count).
 */
static int thp_referenced_one(struct machine *m, struct page *head,
			      struct vm_area_struct *vma, uint64_t addr,
			      void *arg)
{
	struct thp_refs *r = arg;
	bool locked = (vma->vm_flags & (VM_LOCKED | VM_SPECIAL)) == VM_LOCKED;
	struct pte_slot slot;
	uint64_t entry;

	if (find_huge_pmd(m, vma, addr, &slot, &entry)) {
		if (pte_pfn(m, entry) != page_to_pfn(m, head))
			return 0;
		if (locked) {
			r->locked = true;
			return 1;
		}
		if (entry & _PAGE_ACCESSED) {
			pte_slot_set(m, &slot,
				     entry & ~(uint64_t)_PAGE_ACCESSED);
			r->refs++;
		}
		return 0;
	}
	if (locked) {
		unsigned int none = 0;

		r->locked = thp_pte_refs(m, vma, addr, head, false, &none) ==
			    hpage_nr(m);
		return r->locked;
	}
	thp_pte_refs(m, vma, addr, head, true, &r->refs);
	return 0;
}

int thp_referenced(struct machine *m, struct page *head, unsigned int *refs)
{
	struct thp_refs r = {0, false};

	rmap_walk(m, head, thp_referenced_one, &r);
	*refs = r.refs;
	return r.locked ? -EBUSY : 0;
}
