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
 * PTEs, and the huge page into order-0 pages: every byte and the
 * mapping stay. 0, or -ENOMEM when no PTE table could be had.
 */
int split_huge_pmd_address(struct machine *m, struct vm_area_struct *vma,
			   uint64_t addr);
/* Split every THP mapping in [start, end) of vma. */
int split_huge_pmd_range(struct machine *m, struct vm_area_struct *vma,
			 uint64_t start, uint64_t end);
/*
 * As vma_adjust_trans_huge: before a VMA is cut at start and end, the
 * THPs the cuts fall inside are split.
 */
int vma_adjust_trans_huge(struct machine *m, struct vm_area_struct *vma,
			  uint64_t start, uint64_t end);
/* Unmap the PMD entry in slot (a THP or the huge zero page). */
void zap_huge_pmd(struct machine *m, struct vm_area_struct *vma,
		  const struct pte_slot *slot, uint64_t entry);
/* A new THP's head: anonymous in vma at haddr, mapped by one PMD. */
void thp_add_new_anon_rmap(struct machine *m, struct page *head,
			   struct vm_area_struct *vma, uint64_t haddr);

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

/* MADV_HUGEPAGE and MADV_NOHUGEPAGE: the flags vma gets. */
unsigned long hugepage_madvise(unsigned long vm_flags, int advice);

#endif /* MM_HUGE_MM_H */
