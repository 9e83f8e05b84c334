/* SPDX-License-Identifier: MIT */
/*
 * huge_mm.h - transparent huge pages, as include/linux/huge_mm.h: the
 * settings of /sys/kernel/mm/transparent_hugepage/ and what the fault
 * path, the VMA code, fork and the checker call.
 *
 * Owns: the THP settings and the huge zero page's place in the machine.
 * Must never: be included by a file that only wants hugetlb (that is
 * memory.c's own huge page mapping, which THP leaves alone).
 */
#ifndef MM_HUGE_MM_H
#define MM_HUGE_MM_H

#include "core/huge_mm_types.h"
#include "core/mm.h"
#include "core/snapshot.h"

struct pte_slot;
struct seq_buf;

/* Linux's values (include/uapi/asm-generic/mman-common.h). */
#define MADV_HUGEPAGE	14
#define MADV_NOHUGEPAGE 15

/* Boot's defaults; teardown frees the huge zero page. */
void thp_init(struct machine *m);
void thp_exit(struct machine *m);

/*
 * Set enabled and defrag by the names their files take ("always",
 * "madvise", "never"; "defer", "defer+madvise"); NULL leaves one as it
 * is. -EINVAL for a name the file refuses, nothing changed.
 */
int thp_set(struct machine *m, const char *enabled, const char *defrag);
/* The two files as they read: "always [madvise] never\n" ... */
/*
 * /sys/kernel/mm/transparent_hugepage/'s snapshot (snapshot.h; mm.proto's
 * TransparentHugepage): enabled and defrag (the setting in force) with
 * their choices, use_zero_page, hpage_pmd_size (bytes), khugepaged's.
 */
struct khugepaged_snapshot {
	uint64_t pages_to_scan, max_ptes_none, max_ptes_swap, max_ptes_shared;
	uint64_t pages_collapsed, full_scans;
};
struct thp_snapshot {
	char enabled[16], defrag[16];
	char **enabled_choices, **defrag_choices;
	size_t nr_enabled_choices, nr_defrag_choices;
	bool use_zero_page;
	uint64_t hpage_pmd_size;
	struct khugepaged_snapshot khugepaged;
};
extern const struct report_type thp_report;
int thp_fill(const struct machine *m, int pid, void *snap);
int thp_show(const void *snap, struct seq_buf *s);
int report_transparent_hugepage(const struct machine *m, struct seq_buf *s);

/* A PMD-mapped THP may be faulted into vma (the settings and its flags). */
bool thp_vma_allowable(const struct machine *m,
		       const struct vm_area_struct *vma);
/* The huge zero page's frame; is_huge_zero_pfn for the walkers. */
bool is_huge_zero_pfn(const struct machine *m, unsigned long pfn);

/*
 * The fault at the PMD level of an anonymous private VMA, as
 * __handle_mm_fault's: slot is the empty PMD entry (or a huge one).
 * 0 when the fault was handled there, 1 when the PTE level takes it
 * (a fallback: no huge page to be had, or a split), -errno on failure.
 */
int do_huge_pmd_fault(struct machine *m, struct vm_area_struct *vma,
		      uint64_t addr, enum user_access access,
		      const struct pte_slot *slot);
/*
 * Split the PMD mapping of the THP that covers addr (if one does) into
 * PTEs; the THP stays whole, PTE-mapped. Every byte and the mapping
 * stay. 0, or -ENOMEM when no PTE table could be had.
 */
int split_huge_pmd_address(struct machine *m, struct vm_area_struct *vma,
			   uint64_t addr);
/*
 * Migration's part at the PMD level, as set_pmd_migration_entry and
 * remove_migration_pmd in one step (the machine runs one call at a
 * time, so no one sees the entry in between): whether vma's PMD at addr
 * maps the THP src, and, when dst is not NULL, that PMD pointed at the
 * THP dst with every bit of the entry kept.
 */
bool remove_migration_pmd(struct machine *m, struct vm_area_struct *vma,
			  uint64_t addr, const struct page *src,
			  const struct page *dst);
/*
 * split_folio, as migration's fallback takes it when no THP can be had
 * on the target node: every PMD mapping of the THP at head is split
 * (rmap), then the THP into order-0 pages, each mapped where it was and
 * on the LRU lists. 0; -ENOMEM when a PTE table could not be had or
 * -EAGAIN when a PMD mapping was out of rmap's reach (what was split
 * stays split, the THP whole).
 */
int split_folio(struct machine *m, struct page *head);
/* Split every THP mapping in [start, end) of vma. */
int split_huge_pmd_range(struct machine *m, struct vm_area_struct *vma,
			 uint64_t start, uint64_t end);
/*
 * As vma_adjust_trans_huge: before a VMA is cut at start and end, the
 * PMD mappings the cuts fall inside are split.
 */
int vma_adjust_trans_huge(struct machine *m, struct vm_area_struct *vma,
			  uint64_t start, uint64_t end);
/* A THP's (or the huge zero page's) PMD maps addr in vma. */
bool pmd_trans_huge_at(struct machine *m, struct vm_area_struct *vma,
		       uint64_t addr);
/*
 * mremap's move_huge_pmd: move_huge_pmd_prepare says whether the PMD
 * at old_addr may move whole to new_addr (both aligned, the new slot
 * empty; the tables above it are made), move_huge_pmd moves it.
 */
bool move_huge_pmd_prepare(struct machine *m, struct vm_area_struct *vma,
			   uint64_t old_addr, struct vm_area_struct *new_vma,
			   uint64_t new_addr);
void move_huge_pmd(struct machine *m, struct vm_area_struct *vma,
		   uint64_t old_addr, struct vm_area_struct *new_vma,
		   uint64_t new_addr);
/* Unmap the PMD entry in slot (a THP or the huge zero page). */
void zap_huge_pmd(struct machine *m, struct vm_area_struct *vma,
		  const struct pte_slot *slot, uint64_t entry);
/* A new THP's head: anonymous in vma at haddr, mapped by one PMD. */
void thp_add_new_anon_rmap(struct machine *m, struct page *head,
			   struct vm_area_struct *vma, uint64_t haddr);
/*
 * copy_huge_pmd: fork shares the THP (or the huge zero page) that the
 * PMD entry in src_pmd maps with dst at addr, write-protected on both
 * sides, as Linux does; 0, or -ENOMEM when the child's table could not
 * be had.
 */
int copy_huge_pmd(struct machine *m, struct vm_area_struct *dst,
		  const struct pte_slot *src_pmd, uint64_t addr,
		  uint64_t entry);

/* A page of a THP: its head, or a tail (PG_tail). */
static inline bool PageThp(const struct page *page)
{
	return PageFlag(page, PG_tail) ||
	       (PageFlag(page, PG_head) && page->private &&
		PageFlag(page, PG_anon));
}
/* The head of the THP page is part of, NULL for any other page. */
struct page *thp_head(const struct machine *m, struct page *page);
/* The THP's PMD mappings, its pages some PTE maps, its queue link. */
int thp_entire_mapcount(const struct page *head);
int thp_nr_pages_mapped(const struct page *head);
struct list_head *thp_deferred_list(struct page *head);
/* As Linux's page_mapcount: the page's PTEs and the THP's PMDs. */
int thp_page_mapcount(const struct machine *m, const struct page *page);
/*
 * A PTE mapping page of a THP is gone (thp_remove_rmap_pte), its
 * reference dropped (thp_put_page: the last frees the whole block), or
 * fork copied it (thp_dup_rmap_pte: one more mapping and reference,
 * neither side exclusive).
 */
void thp_remove_rmap_pte(struct machine *m, struct page *page);
/*
 * zap_present_folio_ptes: the PTE in slot (at addr, mapping a page of a
 * THP) and those after it mapping the THP's next pages, up to end,
 * cleared as one batch; the THP is queued for a deferred split only if
 * partly mapped after all of them, as Linux's batched zap leaves it.
 */
void zap_thp_ptes(struct machine *m, struct vm_area_struct *vma, uint64_t addr,
		  uint64_t end, const struct pte_slot *slot, uint64_t entry);
void thp_put_page(struct machine *m, struct page *page);
void thp_dup_rmap_pte(struct machine *m, struct page *page);
/*
 * The PTE-level write fault on a page of a THP: reuse the page (true,
 * and it becomes exclusive) or copy it (false).
 */
bool thp_wp_can_reuse(struct machine *m, const struct vm_area_struct *vma,
		      struct page *page);
/* mprotect may make the entry of page writable (PageAnonExclusive). */
bool thp_page_exclusive(const struct machine *m, const struct page *page);
/*
 * deferred_split_scan: split up to nr_to_scan THPs of the deferred split
 * queue into order-0 pages, freeing the pages no entry maps; returns the
 * pages freed. Reclaim and drop_caches call it, as Linux's shrinker runs.
 */
unsigned long deferred_split_scan(struct machine *m, unsigned long nr_to_scan);
/* The same for the THPs of node nid alone, as the shrinker's sc->nid. */
unsigned long deferred_split_scan_node(struct machine *m, int nid,
				       unsigned long nr_to_scan);

/*
 * khugepaged (khugepaged.c): set pages_to_scan (0 leaves it) and, when
 * set_none, max_ptes_none; -EINVAL past HPAGE_PMD_NR - 1, nothing
 * changed. khugepaged_scan runs one pass of pages_to_scan pages from
 * where the last one stopped, collapsing each PMD range of an eligible
 * VMA whose PTEs allow it into a THP; it returns the THPs made.
 */
int khugepaged_set(struct machine *m, unsigned int pages_to_scan, bool set_none,
		   unsigned int max_ptes_none);
unsigned long khugepaged_scan(struct machine *m);

/*
 * Reclaim's side. A THP's head sits on an LRU list for all its pages
 * (lru_add when it is made, lru_del when it is split or freed; reclaim
 * splits an untouched one with split_folio, above, as
 * shrink_folio_list's split_folio_to_list when the THP cannot be
 * swapped whole). thp_referenced is folio_referenced of a THP: the
 * mappings whose accessed bit was set (cleared now) in *refs; -EBUSY
 * when a locked VMA maps it whole (reclaim culls it).
 */
int thp_referenced(struct machine *m, struct page *head, unsigned int *refs);

/* MADV_HUGEPAGE and MADV_NOHUGEPAGE: the flags vma gets. */
unsigned long hugepage_madvise(unsigned long vm_flags, int advice);

#endif /* MM_HUGE_MM_H */
