/* SPDX-License-Identifier: MIT */
/*
 * pgtable.h - page tables in simulated RAM, in the architecture's format.
 *
 * Owns: the entry format of each architecture (x86_64: 4 levels of 512
 * 8-byte entries over 48-bit addresses; i386 without PAE: 2 levels of
 * 1024 4-byte entries), building, walking and tearing down tables, and
 * the kernel page table (init_mm's pgd, swapper_pg_dir).
 * Must never: keep an entry anywhere but RAM, or map a frame it was not
 * asked to map. Page-table pages are named by pfn; an entry holds the
 * next table's or the mapped frame's physical address in bits 12..51.
 *
 * Where the tables come from. swapper_pg_dir and the tables boot builds
 * (the direct map, the vmalloc area's upper levels on x86_64, the pkmap
 * and fixmap PTE tables) sit in the kernel image's last pages, as
 * Linux's swapper_pg_dir, level3_kernel_pgt and brk-allocated early
 * tables do: they are PG_reserved, never freed, and not in PageTables.
 * Every table allocated after boot comes from the page allocator
 * (GFP_KERNEL | __GFP_ZERO, owner 0), is counted in NR_PAGETABLE
 * (meminfo PageTables) and is freed when it empties, if the caller asks,
 * or at teardown. If the image has no room left, boot tables come from
 * the page allocator too, and count as such.
 *
 * page->index of every table page holds the number of its non-zero
 * entries, so that emptiness is known without scanning the page.
 *
 * Kernel and user halves. Addresses at or above layout.kernel.task_size
 * are the kernel's and are mapped only in swapper_pg_dir; a process pgd
 * (pgd_alloc) shares the kernel's PGD entries from
 * DIV_ROUND_UP(task_size, PGDIR_SIZE) up, copied when it is created, and
 * maps only user addresses. Tables a kernel PGD entry points at are never
 * freed before teardown, since process pgds hold copies of that entry.
 */
#ifndef MM_PGTABLE_H
#define MM_PGTABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/machine.h"

#define _PAGE_PRESENT  0x001ULL
#define _PAGE_RW       0x002ULL
#define _PAGE_USER     0x004ULL
#define _PAGE_PWT      0x008ULL
#define _PAGE_PCD      0x010ULL
#define _PAGE_ACCESSED 0x020ULL
#define _PAGE_DIRTY    0x040ULL
#define _PAGE_PSE      0x080ULL /* a huge leaf at PMD or PUD (PDE on i386) */
#define _PAGE_GLOBAL   0x100ULL
#define _PAGE_NX       (1ULL << 63) /* x86_64 only; i386 drops it */

/* The protections the kernel uses, as arch/x86 pgtable_types.h. */
#define _KERNPG_TABLE (_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY)
#define _PAGE_TABLE   (_KERNPG_TABLE | _PAGE_USER)
#define PAGE_KERNEL                                                            \
	(_PAGE_PRESENT | _PAGE_RW | _PAGE_ACCESSED | _PAGE_DIRTY |             \
	 _PAGE_GLOBAL | _PAGE_NX)
#define PAGE_KERNEL_LARGE (PAGE_KERNEL | _PAGE_PSE)
/* ioremap's default: uncached-minus, PCD with the default PAT. */
#define PAGE_KERNEL_IO (PAGE_KERNEL | _PAGE_PCD)

#define PGTABLE_MAX_LEVELS 4

/*
 * A non-present entry that still maps a page the VMA forbids access to
 * (PROT_NONE), as x86's _PAGE_PROTNONE: the global bit, never set in a
 * user entry that is present.
 */
#define _PAGE_PROTNONE _PAGE_GLOBAL

/*
 * Swap entries in non-present entries, as x86 keeps them: the type in
 * bits 1..5, the offset (the slot) from bit 9, present and PROTNONE
 * clear. Slot 0 is the swap header and never used, so no swap entry is 0.
 */
#define SWP_TYPE_SHIFT	 1
#define SWP_TYPE_BITS	 5
#define SWP_OFFSET_SHIFT 9

static inline uint64_t swp_entry_pte(unsigned int type, unsigned long offset)
{
	return ((uint64_t)offset << SWP_OFFSET_SHIFT) |
	       ((uint64_t)type << SWP_TYPE_SHIFT);
}

static inline unsigned long swp_offset(uint64_t pte)
{
	return (unsigned long)(pte >> SWP_OFFSET_SHIFT);
}

static inline unsigned int swp_type(uint64_t pte)
{
	return (unsigned int)(pte >> SWP_TYPE_SHIFT) &
	       ((1u << SWP_TYPE_BITS) - 1);
}

static inline bool pte_present(uint64_t pte)
{
	return pte & _PAGE_PRESENT;
}

static inline bool pte_protnone(uint64_t pte)
{
	return !(pte & _PAGE_PRESENT) && (pte & _PAGE_PROTNONE);
}

/* A page is behind the entry: present, or present but PROT_NONE. */
static inline bool pte_maps_page(uint64_t pte)
{
	return pte & (_PAGE_PRESENT | _PAGE_PROTNONE);
}

/*
 * A PTE marker (include/linux/swapops.h): a swap entry of the last swap
 * type (SWP_PTE_MARKER), its offset the marker's bits. The only one is
 * PTE_MARKER_GUARD, which MADV_GUARD_INSTALL puts in each entry of a
 * guard region: any access to it is SIGSEGV (SEGV_MAPERR).
 */
#define SWP_PTE_MARKER	 ((1u << SWP_TYPE_BITS) - 1)
#define PTE_MARKER_GUARD (1ul << 2)

static inline uint64_t make_guard_pte(void)
{
	return swp_entry_pte(SWP_PTE_MARKER, PTE_MARKER_GUARD);
}

static inline bool pte_is_guard(uint64_t pte)
{
	return pte == make_guard_pte();
}

/* A swap entry (a guard marker is not one: it holds no swap slot). */
static inline bool pte_is_swap(uint64_t pte)
{
	return pte && !pte_maps_page(pte) && !pte_is_guard(pte);
}

/*
 * Where one leaf entry sits in RAM, and the tables on the way to it, so
 * that the fault path reads and writes it without walking again. level
 * is the level the slot is at: the leaf level asked for, or a higher one
 * where a huge leaf or a missing table stopped the walk.
 */
struct pte_slot {
	unsigned int level;
	unsigned long table[PGTABLE_MAX_LEVELS];
	unsigned int idx[PGTABLE_MAX_LEVELS];
};

/* pgtable_unmap: free tables that the unmap leaves empty. */
#define PGTABLE_FREE_EMPTY 0x1u

/* The kernel page table: init_mm's pgd and where boot takes tables from. */
struct kernel_pgtable {
	unsigned long pgd;	  /* swapper_pg_dir */
	unsigned long boot_first; /* boot tables: image pfns [first, end) */
	unsigned long boot_next;  /* taken downwards from end - 1 */
	unsigned long boot_end;
	unsigned long nr_tables; /* tables from the page allocator */
	bool booting;		 /* take tables from the image */
};

/* One page walk, top level first, for mmctl pagewalk and the checker. */
struct pgtable_walk {
	int levels; /* entries read; the last is a leaf or not present */
	struct {
		const char *name; /* "PGD", "PUD", "PMD", "PTE" */
		unsigned int index;
		uint64_t entry;
		unsigned long table_pfn; /* the table the entry sits in */
	} level[PGTABLE_MAX_LEVELS + 1];
	bool present;
	unsigned long pfn;  /* the frame vaddr lies in, when present */
	uint64_t page_size; /* bytes the leaf maps: 4K, 2M, 1G or 4M */
};

/* Called for each non-zero leaf entry by pgtable_for_each_leaf. */
typedef int (*pgtable_leaf_fn)(void *ctx, uint64_t vaddr, uint64_t entry,
			       uint64_t page_size);

/* Levels of the arch's tables and the name of one of them. */
unsigned int pgtable_levels(const struct machine *m);
const char *pgtable_level_name(const struct machine *m, unsigned int level);
/* Bytes one entry of a level maps (PGDIR_SIZE for level 0). */
uint64_t pgtable_level_size(const struct machine *m, unsigned int level);
/* Whether vaddr can be mapped at all (48-bit canonical; below 4G). */
bool pgtable_addr_valid(const struct machine *m, uint64_t vaddr);

/* The kernel page table (init_mm's), NULL before paging_init. */
struct kernel_pgtable *kernel_pgtable(const struct machine *m);

/*
 * Boot, as Linux's paging_init: allocate swapper_pg_dir from the
 * image's last pages and map the direct map of low memory with the
 * largest pages the arch has. Teardown frees every table that came from
 * the page allocator. The checker walks it: every table an allocated
 * kernel page or a boot page, the count of allocated ones kept.
 */
int paging_init(struct machine *m);
void paging_exit(struct machine *m);
int kernel_pgtable_check(const struct machine *m, char *why, size_t len);
/* Boot: make the tables that map [start, end) at level depth exist. */
int kernel_pgtable_populate(struct machine *m, struct kernel_pgtable *kpt,
			    uint64_t start, uint64_t end, unsigned int depth);

/*
 * A process page table: a zeroed pgd from the page allocator with the
 * kernel's PGD entries copied in. pgd_free frees it and every user table
 * under it (not the frames they map: that is the caller's).
 */
int pgd_alloc(struct machine *m, unsigned long *pgd_pfn);
int pgd_free(struct machine *m, unsigned long pgd_pfn);
/*
 * Name the mm a pgd belongs to: the tables allocated under it from then
 * on are charged to mm->pid (memcontrol.h) and counted in
 * mm->pgtables_bytes; the pgd itself is not, as VmPTE does not count it.
 */
void pgd_set_mm(struct machine *m, unsigned long pgd_pfn, struct mm_struct *mm);
/* Copy the kernel's PGD entries again (i386 adds vmalloc PTE tables). */
int pgd_sync_kernel(struct machine *m, unsigned long pgd_pfn);
/*
 * vmalloc_sync_one: copy swapper_pg_dir's PGD entry over vaddr into a
 * process pgd that was copied before the kernel made it (i386 makes a
 * vmalloc PTE table, and so a kernel PDE, after fork). 1 when copied,
 * 0 when the pgd had it already, -EFAULT when swapper_pg_dir has none
 * either, -EINVAL for a user address or a bad pgd.
 */
int vmalloc_sync_one(struct machine *m, unsigned long pgd_pfn, uint64_t vaddr);
/*
 * The checker's view of a process pgd's kernel half: each entry is
 * swapper_pg_dir's, or empty where swapper_pg_dir's came later (*stale
 * counts those: the vmalloc faults still to come). Anything else fails.
 */
int pgd_kernel_check(const struct machine *m, unsigned long pgd_pfn,
		     unsigned int *stale, char *why, size_t len);

/*
 * Map one page at vaddr to pfn with prot (which must have _PAGE_PRESENT
 * and not _PAGE_PSE). Missing tables are allocated. -EINVAL for a bad
 * address, frame or prot, or an address in the other half; -EEXIST when
 * something maps vaddr already; -ENOMEM when no table can be allocated
 * (empty tables made on the way stay, and are freed as any empty table).
 */
int pgtable_map(struct machine *m, unsigned long pgd_pfn, uint64_t vaddr,
		unsigned long pfn, uint64_t prot);
/* Map page_size bytes (a level's size: 2M or 1G, or 4M on i386) at once. */
int pgtable_map_huge(struct machine *m, unsigned long pgd_pfn, uint64_t vaddr,
		     unsigned long pfn, uint64_t page_size, uint64_t prot);
/*
 * Clear the leaf entry that maps vaddr (a huge one only from its first
 * byte) and return it in *old if old is not NULL; -ENOENT when the entry
 * is zero. flags: PGTABLE_FREE_EMPTY frees the tables left empty.
 */
int pgtable_unmap(struct machine *m, unsigned long pgd_pfn, uint64_t vaddr,
		  unsigned int flags, uint64_t *old);
/* The leaf entry for vaddr and the frame vaddr lies in; -ENOENT if none. */
int pgtable_lookup(const struct machine *m, unsigned long pgd_pfn,
		   uint64_t vaddr, uint64_t *pte, unsigned long *pfn);
/* Every entry read on the way to vaddr's leaf; 0 even when not present. */
int pgtable_walk(const struct machine *m, unsigned long pgd_pfn, uint64_t vaddr,
		 struct pgtable_walk *w);
/*
 * Call fn for each non-zero leaf entry that maps part of [start, end), in
 * address order; stops at the first non-zero return and returns it.
 */
int pgtable_for_each_leaf(const struct machine *m, unsigned long pgd_pfn,
			  uint64_t start, uint64_t end, pgtable_leaf_fn fn,
			  void *ctx);

/*
 * The slot of the entry for vaddr at level leaf (pgtable_levels() - 1 for
 * a page, a huge level for a huge page) in a user pgd. With alloc,
 * missing tables are allocated (-ENOMEM if one cannot be); without,
 * -ENOENT says a table is missing at slot->level. A huge leaf above
 * stops the walk too: 0, with slot->level above leaf.
 */
int pte_slot_get(struct machine *m, unsigned long pgd_pfn, uint64_t vaddr,
		 unsigned int leaf, bool alloc, struct pte_slot *slot);
uint64_t pte_slot_read(const struct machine *m, const struct pte_slot *slot);
/*
 * The PTE table at slot (every entry of it zero) is freed and the PMD
 * entry above it cleared, the PMD table kept, as collapse_huge_page's
 * pmdp_collapse_flush and pte_free: the PMD entry is then free for a
 * huge leaf.
 */
void pte_slot_free_table(struct machine *m, const struct pte_slot *slot);
/* Write an entry; writing 0 frees the tables it leaves empty. */
void pte_slot_write(struct machine *m, const struct pte_slot *slot,
		    uint64_t entry);
/*
 * Write an entry and free nothing: for reclaim, which may run inside an
 * allocation made halfway down a walk whose tables must stay.
 */
void pte_slot_set(struct machine *m, const struct pte_slot *slot,
		  uint64_t entry);
/* The entry mapping pfn with prot in this arch's format (i386: no NX). */
uint64_t pfn_pte(const struct machine *m, unsigned long pfn, uint64_t prot);
unsigned long pte_pfn(const struct machine *m, uint64_t pte);
/* The entry without its address: the flag bits. */
uint64_t pte_flags(const struct machine *m, uint64_t pte);
/* The huge level (PMD on x86_64, PGD on i386) and the bytes it maps. */
unsigned int pgtable_huge_level(const struct machine *m);

/*
 * Check the tables under a pgd: every table page is a boot table of the
 * image or an allocated order-0 block owned by the kernel, each entry
 * count in page->index is right. *allocated gets the number of tables from the
 * page allocator (the pgd included) below first_index..last_index of the pgd.
 */
int pgtable_check(const struct machine *m, unsigned long pgd_pfn,
		  unsigned int first_index, unsigned int last_index,
		  unsigned long *allocated, char *why, size_t len);
/* The pgd index from which PGD entries are the kernel's. */
unsigned int kernel_pgd_boundary(const struct machine *m);
unsigned int pgd_index(const struct machine *m, uint64_t vaddr);

#endif /* MM_PGTABLE_H */
