/* SPDX-License-Identifier: MIT */
/*
 * pgtable.c - page tables in simulated RAM, in the architecture's format.
 *
 * Owns: reading and writing entries in RAM, building and walking tables
 * of x86_64 (4 levels) and i386 (2 levels), the kernel page table
 * (init_mm's, m->kpt) and its direct map, and the bookkeeping of table pages
 * (page->index counts a table's non-zero entries; NR_PAGETABLE counts tables
 * from the page allocator). Must never: write an entry outside a table page it
 * owns, follow an entry to a frame outside RAM, or change anything on a call it
 * refuses (every check comes before the first write).
 */
#include "core/pgtable.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mmzone.h"
#include "core/err.h"
#include "core/memcontrol.h"
#include "core/mm.h"
#include "core/page_alloc.h"

struct pgtable_fmt {
	const char *name[PGTABLE_MAX_LEVELS];
	unsigned int levels;
	unsigned int entry_size;
	unsigned int shift[PGTABLE_MAX_LEVELS]; /* what one entry maps */
	unsigned int bits;			/* index bits per level */
	uint64_t phys_mask;			/* where the address sits */
	uint64_t prot_mask;			/* the flag bits it has */
	unsigned int huge_levels; /* levels a _PAGE_PSE leaf may sit at */
};

static const struct pgtable_fmt pgtable_fmts[NR_ARCHES] = {
	[ARCH_X86_64] = {{"PGD", "PUD", "PMD", "PTE"},
			 4,
			 8,
			 {39, 30, 21, 12},
			 9,
			 0x000ffffffffff000ULL,
			 ~0x000ffffffffff000ULL,
			 (1u << 1) | (1u << 2)},
	[ARCH_I386] = {{"PGD", "PTE"},
		       2,
		       4,
		       {22, 12},
		       10,
		       0xfffff000ULL,
		       0xfffULL,
		       1u << 0},
};

static const struct pgtable_fmt *fmt(const struct machine *m)
{
	return &pgtable_fmts[m->layout.arch];
}

unsigned int pgtable_levels(const struct machine *m)
{
	return fmt(m)->levels;
}

const char *pgtable_level_name(const struct machine *m, unsigned int level)
{
	return level < fmt(m)->levels ? fmt(m)->name[level] : "?";
}

uint64_t pgtable_level_size(const struct machine *m, unsigned int level)
{
	return 1ULL << fmt(m)->shift[level];
}

static unsigned int index_at(const struct pgtable_fmt *f, uint64_t vaddr,
			     unsigned int level)
{
	return (unsigned int)(vaddr >> f->shift[level]) & ((1u << f->bits) - 1);
}

unsigned int pgd_index(const struct machine *m, uint64_t vaddr)
{
	return index_at(fmt(m), vaddr, 0);
}

unsigned int kernel_pgd_boundary(const struct machine *m)
{
	uint64_t pgdir = pgtable_level_size(m, 0);

	return (unsigned int)((m->layout.kernel.task_size + pgdir - 1) / pgdir);
}

bool pgtable_addr_valid(const struct machine *m, uint64_t vaddr)
{
	uint64_t top;

	if (m->layout.arch == ARCH_I386)
		return vaddr < (1ULL << 32);
	top = vaddr >> 47; /* bits 63..47 must all be equal */
	return top == 0 || top == 0x1ffff;
}

/* ------------------------------------------------------------------ */
/* Entries in RAM                                                      */

static uint64_t read_entry(const struct machine *m, unsigned long table,
			   unsigned int idx)
{
	const struct pgtable_fmt *f = fmt(m);
	const uint8_t *p = pfn_to_ram(m, table) + (size_t)idx * f->entry_size;

	if (f->entry_size == 8) {
		uint64_t v;

		memcpy(&v, p, sizeof(v));
		return v;
	} else {
		uint32_t v;

		memcpy(&v, p, sizeof(v));
		return v;
	}
}

/* Write an entry, keeping the table's count of non-zero entries. */
static void set_entry(struct machine *m, unsigned long table, unsigned int idx,
		      uint64_t entry)
{
	const struct pgtable_fmt *f = fmt(m);
	uint8_t *p = pfn_to_ram(m, table) + (size_t)idx * f->entry_size;
	struct page *page = pfn_to_page(m, table);
	uint64_t old = read_entry(m, table, idx);

	/*
	 * A cached translation goes stale only when an entry loses a bit or
	 * its frame; filling an empty one, or setting accessed, dirty or
	 * RW, leaves every TLB right.
	 */
	if (old && ((entry & old) != old || ((entry ^ old) & f->phys_mask)))
		m->tlb_gen++;
	if (f->entry_size == 8) {
		memcpy(p, &entry, sizeof(entry));
	} else {
		uint32_t v = (uint32_t)entry;

		memcpy(p, &v, sizeof(v));
	}
	if (!old && entry)
		page->index++;
	else if (old && !entry)
		page->index--;
}

static bool is_leaf(const struct pgtable_fmt *f, unsigned int level,
		    uint64_t entry)
{
	return level == f->levels - 1 || !(entry & _PAGE_PRESENT) ||
	       ((entry & _PAGE_PSE) && (f->huge_levels & (1u << level)));
}

static unsigned long entry_pfn(const struct machine *m, uint64_t entry)
{
	return (unsigned long)((entry & fmt(m)->phys_mask) >> m->page_shift);
}

/* ------------------------------------------------------------------ */
/* Table pages                                                         */

static bool is_swapper(const struct machine *m, unsigned long pgd)
{
	const struct kernel_pgtable *kpt = kernel_pgtable(m);

	return kpt && kpt->pgd == pgd;
}

/*
 * The mm a process pgd belongs to, kept in the pgd's struct page as x86
 * keeps it there (pgd_set_mm, page->pt_mm); NULL: none.
 */
static struct mm_struct *pgd_mm(const struct machine *m, unsigned long pgd)
{
	if (is_swapper(m, pgd))
		return NULL;
	return (struct mm_struct *)(uintptr_t)pfn_to_page(m, pgd)->mapping;
}

void pgd_set_mm(struct machine *m, unsigned long pgd_pfn, struct mm_struct *mm)
{
	if (pfn_valid(m, pgd_pfn) && !is_swapper(m, pgd_pfn))
		pfn_to_page(m, pgd_pfn)->mapping = (uint64_t)(uintptr_t)mm;
}

/*
 * A zeroed table: from the image's last pages while the kernel's tables
 * are being built at boot, from the page allocator otherwise. A table
 * under a process's pgd is charged to that process (memcg: the pid) and
 * counted in its mm's pgtables_bytes, as mm_inc_nr_ptes and the rest.
 */
static int pt_alloc(struct machine *m, bool kernel, struct mm_struct *mm,
		    unsigned long *pfn)
{
	struct kernel_pgtable *kpt = kernel ? kernel_pgtable(m) : NULL;
	struct page *page;
	int err;

	if (kpt && kpt->booting && kpt->boot_next > kpt->boot_first) {
		*pfn = --kpt->boot_next;
		memset(pfn_to_ram(m, *pfn), 0, m->page_size);
		pfn_to_page(m, *pfn)->index = 0;
		SetPageFlag(pfn_to_page(m, *pfn), PG_table);
		return 0;
	}
	page = alloc_page(m, GFP_KERNEL | __GFP_ZERO);
	if (IS_ERR(page))
		return (int)PTR_ERR(page);
	err = mem_cgroup_charge_block(m, page, 0, mm ? mm->pid : 0, GFP_KERNEL);
	if (err) {
		__free_pages(m, page, 0);
		return err;
	}
	page->owner = 0;
	page->index = 0;
	SetPageFlag(page, PG_table);
	mod_lruvec_page_state(m, page, NR_PAGETABLE, 1);
	if (kpt)
		kpt->nr_tables++;
	if (mm)
		mm->pgtables_bytes += m->page_size;
	*pfn = page_to_pfn(m, page);
	return 0;
}

/* A boot table stays in the image, cleared; others go back. */
static void pt_free(struct machine *m, bool kernel, struct mm_struct *mm,
		    unsigned long pfn)
{
	struct kernel_pgtable *kpt = kernel ? kernel_pgtable(m) : NULL;
	struct page *page = pfn_to_page(m, pfn);

	page->index = 0;
	page->mapping = 0; /* a pgd's owner */
	ClearPageFlag(page, PG_table);
	m->pgtable_gen++; /* cached walks may name this table */
	if (PageFlag(page, PG_reserved)) {
		memset(pfn_to_ram(m, pfn), 0, m->page_size);
		return;
	}
	mod_lruvec_page_state(m, page, NR_PAGETABLE, -1);
	if (kpt)
		kpt->nr_tables--;
	if (mm)
		mm->pgtables_bytes -= m->page_size;
	__free_pages(m, page, 0);
}

/* Free a table and every table under it (not the frames they map). */
static void free_table_tree(struct machine *m, bool kernel,
			    struct mm_struct *mm, unsigned long table,
			    unsigned int level)
{
	const struct pgtable_fmt *f = fmt(m);

	for (unsigned int i = 0; level < f->levels - 1 && i < (1u << f->bits);
	     i++) {
		uint64_t e = read_entry(m, table, i);

		if (e && !is_leaf(f, level, e) && pfn_valid(m, entry_pfn(m, e)))
			free_table_tree(m, kernel, mm, entry_pfn(m, e),
					level + 1);
	}
	pt_free(m, kernel, mm, table);
}

/* ------------------------------------------------------------------ */
/* Mapping                                                             */

/* Refuse what cannot be mapped in this pgd before anything changes. */
static int check_vaddr(const struct machine *m, unsigned long pgd,
		       uint64_t vaddr, uint64_t align)
{
	bool kernel_addr = vaddr >= m->layout.kernel.task_size;

	if (!pfn_valid(m, pgd))
		return -EINVAL;
	if ((vaddr & (align - 1)) || !pgtable_addr_valid(m, vaddr))
		return -EINVAL;
	/* Kernel addresses live in swapper_pg_dir, user ones elsewhere. */
	if (kernel_addr != is_swapper(m, pgd))
		return -EINVAL;
	return 0;
}

/* -EEXIST when a leaf or a huge page covers vaddr down to level leaf. */
static int check_path_free(const struct machine *m, unsigned long pgd,
			   uint64_t vaddr, unsigned int leaf)
{
	const struct pgtable_fmt *f = fmt(m);
	unsigned long table = pgd;

	for (unsigned int l = 0; l <= leaf; l++) {
		uint64_t e = read_entry(m, table, index_at(f, vaddr, l));

		if (!e)
			return 0;
		if (l == leaf || is_leaf(f, l, e))
			return -EEXIST;
		table = entry_pfn(m, e);
		if (!pfn_valid(m, table))
			return -EFAULT;
	}
	return 0;
}

/* The table at level whose entries map vaddr, allocating what is missing. */
static int ensure_table(struct machine *m, unsigned long pgd, uint64_t vaddr,
			unsigned int level, unsigned long *table)
{
	const struct pgtable_fmt *f = fmt(m);
	bool kernel = is_swapper(m, pgd);
	uint64_t flags = vaddr < m->layout.kernel.task_size ? _PAGE_TABLE
							    : _KERNPG_TABLE;
	unsigned long t = pgd;

	for (unsigned int l = 0; l < level; l++) {
		unsigned int idx = index_at(f, vaddr, l);
		uint64_t e = read_entry(m, t, idx);

		if (!e) {
			unsigned long next;
			int err = pt_alloc(m, kernel, pgd_mm(m, pgd), &next);

			if (err)
				return err;
			e = pfn_to_phys(m, next) | flags;
			set_entry(m, t, idx, e);
		} else if (is_leaf(f, l, e)) {
			return -EEXIST;
		}
		t = entry_pfn(m, e);
	}
	*table = t;
	return 0;
}

static int set_leaf(struct machine *m, unsigned long pgd, uint64_t vaddr,
		    unsigned int leaf, uint64_t entry)
{
	unsigned long table;
	int err = check_path_free(m, pgd, vaddr, leaf);

	if (!err)
		err = ensure_table(m, pgd, vaddr, leaf, &table);
	if (err)
		return err;
	set_entry(m, table, index_at(fmt(m), vaddr, leaf), entry);
	return 0;
}

/* The entry for phys with prot, or 0 when the format cannot hold them. */
static uint64_t make_entry(const struct machine *m, uint64_t phys,
			   uint64_t prot)
{
	const struct pgtable_fmt *f = fmt(m);

	if ((phys & ~f->phys_mask) || !(prot & _PAGE_PRESENT))
		return 0;
	return phys | (prot & f->prot_mask);
}

int pgtable_map(struct machine *m, unsigned long pgd_pfn, uint64_t vaddr,
		unsigned long pfn, uint64_t prot)
{
	uint64_t entry = make_entry(m, (uint64_t)pfn << m->page_shift, prot);
	int err = check_vaddr(m, pgd_pfn, vaddr, m->page_size);

	if (err || !entry || (prot & _PAGE_PSE) ||
	    pfn > (fmt(m)->phys_mask >> m->page_shift))
		return err ? err : -EINVAL;
	return set_leaf(m, pgd_pfn, vaddr, fmt(m)->levels - 1, entry);
}

int pgtable_map_huge(struct machine *m, unsigned long pgd_pfn, uint64_t vaddr,
		     unsigned long pfn, uint64_t page_size, uint64_t prot)
{
	const struct pgtable_fmt *f = fmt(m);
	uint64_t phys = (uint64_t)pfn << m->page_shift;
	unsigned int level = 0;
	uint64_t entry;
	int err;

	while (level < f->levels && pgtable_level_size(m, level) != page_size)
		level++;
	if (level >= f->levels || !(f->huge_levels & (1u << level)))
		return -EINVAL;
	err = check_vaddr(m, pgd_pfn, vaddr, page_size);
	entry = make_entry(m, phys, prot | _PAGE_PSE);
	if (err || !entry || (phys & (page_size - 1)) ||
	    (pfn > (f->phys_mask >> m->page_shift)))
		return err ? err : -EINVAL;
	return set_leaf(m, pgd_pfn, vaddr, level, entry);
}

/*
 * Free the tables an unmap left empty, bottom up. A table a kernel PGD
 * entry points at stays: process pgds hold copies of that entry.
 */
static void free_empty_tables(struct machine *m, unsigned long pgd,
			      const unsigned long *table,
			      const unsigned int *idx, unsigned int leaf)
{
	bool kernel = is_swapper(m, pgd);

	for (unsigned int l = leaf; l >= 1; l--) {
		if (pfn_to_page(m, table[l])->index)
			return;
		if (l == 1 && idx[0] >= kernel_pgd_boundary(m))
			return;
		pt_free(m, kernel, pgd_mm(m, pgd), table[l]);
		set_entry(m, table[l - 1], idx[l - 1], 0);
	}
}

int pgtable_unmap(struct machine *m, unsigned long pgd_pfn, uint64_t vaddr,
		  unsigned int flags, uint64_t *old)
{
	const struct pgtable_fmt *f = fmt(m);
	unsigned long table[PGTABLE_MAX_LEVELS];
	unsigned int idx[PGTABLE_MAX_LEVELS];
	unsigned long t = pgd_pfn;
	int err = check_vaddr(m, pgd_pfn, vaddr, m->page_size);

	if (err)
		return err;
	for (unsigned int l = 0; l < f->levels; l++) {
		uint64_t e;

		table[l] = t;
		idx[l] = index_at(f, vaddr, l);
		e = read_entry(m, t, idx[l]);
		if (!e)
			return -ENOENT;
		if (is_leaf(f, l, e)) {
			if (vaddr & (pgtable_level_size(m, l) - 1))
				return -EINVAL;
			set_entry(m, t, idx[l], 0);
			if (old)
				*old = e;
			if (flags & PGTABLE_FREE_EMPTY)
				free_empty_tables(m, pgd_pfn, table, idx, l);
			return 0;
		}
		t = entry_pfn(m, e);
		if (!pfn_valid(m, t))
			return -EFAULT;
	}
	return -ENOENT;
}

/* ------------------------------------------------------------------ */
/* Slots, for the fault path                                           */

int pte_slot_get(struct machine *m, unsigned long pgd_pfn, uint64_t vaddr,
		 unsigned int leaf, bool alloc, struct pte_slot *slot)
{
	const struct pgtable_fmt *f = fmt(m);
	unsigned long t = pgd_pfn;

	for (unsigned int l = 0;; l++) {
		uint64_t e;

		slot->level = l;
		slot->table[l] = t;
		slot->idx[l] = index_at(f, vaddr, l);
		if (l == leaf)
			return 0;
		e = read_entry(m, t, slot->idx[l]);
		if (e && is_leaf(f, l, e))
			return 0;
		if (!e) {
			unsigned long next;
			int err;

			if (!alloc)
				return -ENOENT;
			err = pt_alloc(m, false, pgd_mm(m, pgd_pfn), &next);
			if (err)
				return err;
			e = pfn_to_phys(m, next) | _PAGE_TABLE;
			set_entry(m, t, slot->idx[l], e);
		}
		t = entry_pfn(m, e);
	}
}

uint64_t pte_slot_read(const struct machine *m, const struct pte_slot *slot)
{
	return read_entry(m, slot->table[slot->level], slot->idx[slot->level]);
}

void pte_slot_write(struct machine *m, const struct pte_slot *slot,
		    uint64_t entry)
{
	unsigned int l = slot->level;

	set_entry(m, slot->table[l], slot->idx[l], entry);
	if (!entry && l > 0)
		free_empty_tables(m, slot->table[0], slot->table, slot->idx, l);
}

void pte_slot_free_table(struct machine *m, const struct pte_slot *slot)
{
	unsigned int l = slot->level;

	pt_free(m, false, pgd_mm(m, slot->table[0]), slot->table[l]);
	set_entry(m, slot->table[l - 1], slot->idx[l - 1], 0);
}

void pte_slot_set(struct machine *m, const struct pte_slot *slot,
		  uint64_t entry)
{
	set_entry(m, slot->table[slot->level], slot->idx[slot->level], entry);
}

uint64_t pfn_pte(const struct machine *m, unsigned long pfn, uint64_t prot)
{
	return ((uint64_t)pfn << m->page_shift) | (prot & fmt(m)->prot_mask);
}

unsigned long pte_pfn(const struct machine *m, uint64_t pte)
{
	return entry_pfn(m, pte);
}

uint64_t pte_flags(const struct machine *m, uint64_t pte)
{
	return pte & ~fmt(m)->phys_mask;
}

unsigned int pgtable_huge_level(const struct machine *m)
{
	return fmt(m)->levels - 2;
}

/* ------------------------------------------------------------------ */
/* Walks                                                               */

int pgtable_walk(const struct machine *m, unsigned long pgd_pfn, uint64_t vaddr,
		 struct pgtable_walk *w)
{
	const struct pgtable_fmt *f = fmt(m);
	unsigned long t = pgd_pfn;

	memset(w, 0, sizeof(*w));
	if (!pfn_valid(m, pgd_pfn) || !pgtable_addr_valid(m, vaddr))
		return -EINVAL;
	for (unsigned int l = 0; l < f->levels; l++) {
		unsigned int idx = index_at(f, vaddr, l);
		uint64_t e = read_entry(m, t, idx);

		w->level[l].name = f->name[l];
		w->level[l].index = idx;
		w->level[l].entry = e;
		w->level[l].table_pfn = t;
		w->levels = (int)l + 1;
		if (!(e & _PAGE_PRESENT))
			return 0;
		if (is_leaf(f, l, e)) {
			uint64_t size = pgtable_level_size(m, l);
			uint64_t phys = (e & f->phys_mask & ~(size - 1)) +
					(vaddr & (size - 1));

			w->present = true;
			w->pfn = (unsigned long)(phys >> m->page_shift);
			w->page_size = size;
			return 0;
		}
		t = entry_pfn(m, e);
		if (!pfn_valid(m, t))
			return -EFAULT;
	}
	return 0;
}

int pgtable_lookup(const struct machine *m, unsigned long pgd_pfn,
		   uint64_t vaddr, uint64_t *pte, unsigned long *pfn)
{
	struct pgtable_walk w;
	int err = pgtable_walk(m, pgd_pfn, vaddr, &w);

	if (err)
		return err;
	if (!w.present)
		return -ENOENT;
	if (pte)
		*pte = w.level[w.levels - 1].entry;
	if (pfn)
		*pfn = w.pfn;
	return 0;
}

struct leaf_walk {
	const struct machine *m;
	pgtable_leaf_fn fn;
	void *ctx;
};

/* The leaves of one table that map part of [addr, last]. */
static int leaf_range(const struct leaf_walk *lw, unsigned long table,
		      unsigned int level, uint64_t addr, uint64_t last)
{
	const struct pgtable_fmt *f = fmt(lw->m);
	uint64_t size = 1ULL << f->shift[level];

	for (;;) {
		uint64_t e = read_entry(lw->m, table, index_at(f, addr, level));
		uint64_t entry_start = addr & ~(size - 1);
		uint64_t entry_last = entry_start + (size - 1);
		uint64_t sub_last = entry_last < last ? entry_last : last;
		int err = 0;

		if (e && is_leaf(f, level, e)) {
			err = lw->fn(lw->ctx, entry_start, e, size);
		} else if (e) {
			if (!pfn_valid(lw->m, entry_pfn(lw->m, e)))
				return -EFAULT;
			err = leaf_range(lw, entry_pfn(lw->m, e), level + 1,
					 addr, sub_last);
		}
		if (err || sub_last >= last)
			return err;
		addr = sub_last + 1;
	}
}

int pgtable_for_each_leaf(const struct machine *m, unsigned long pgd_pfn,
			  uint64_t start, uint64_t end, pgtable_leaf_fn fn,
			  void *ctx)
{
	struct leaf_walk lw = {m, fn, ctx};
	uint64_t last = end - 1; /* end 0 means the top of the space */

	if (start == end)
		return 0;
	if (!pfn_valid(m, pgd_pfn) || last < start ||
	    !pgtable_addr_valid(m, start) || !pgtable_addr_valid(m, last) ||
	    (m->layout.arch == ARCH_X86_64 && (start >> 47) != (last >> 47)))
		return -EINVAL;
	return leaf_range(&lw, pgd_pfn, 0, start, last);
}

/* ------------------------------------------------------------------ */
/* The kernel page table                                               */

/* Map [phys, end) of low memory at the direct map, largest pages first. */
static int map_direct_range(struct machine *m, unsigned long pgd, uint64_t phys,
			    uint64_t end)
{
	const struct pgtable_fmt *f = fmt(m);
	uint64_t offset = m->layout.kernel.page_offset;

	while (phys < end) {
		uint64_t vaddr = offset + phys, size = m->page_size;
		unsigned long pfn = (unsigned long)(phys >> m->page_shift);
		int err = -EINVAL;

		for (unsigned int l = 0; l < f->levels - 1; l++) {
			uint64_t s = pgtable_level_size(m, l);

			if ((f->huge_levels & (1u << l)) &&
			    !((phys | vaddr) & (s - 1)) && end - phys >= s) {
				size = s;
				break;
			}
		}
		if (size == m->page_size)
			err = pgtable_map(m, pgd, vaddr, pfn, PAGE_KERNEL);
		else
			err = pgtable_map_huge(m, pgd, vaddr, pfn, size,
					       PAGE_KERNEL_LARGE);
		if (err)
			return err;
		phys += size;
	}
	return 0;
}

static int map_direct(struct machine *m, unsigned long pgd)
{
	const struct memblock_type *mem = &m->memblock.memory;
	uint64_t lowmem = pfn_to_phys(m, m->lowmem_end_pfn);

	for (unsigned int i = 0; i < mem->cnt; i++) {
		uint64_t start = mem->regions[i].base;
		uint64_t end = start + mem->regions[i].size;
		int err;

		if (end > lowmem)
			end = lowmem;
		if (start >= end)
			continue;
		err = map_direct_range(m, pgd, start, end);
		if (err)
			return err;
	}
	return 0;
}

struct kernel_pgtable *kernel_pgtable(const struct machine *m)
{
	return m->kpt;
}

static int kernel_pgtable_init(struct machine *m, struct kernel_pgtable *kpt)
{
	const struct layout_kernel *k = &m->layout.kernel;
	int err;

	kpt->boot_first = (unsigned long)(k->image_start >> m->page_shift);
	kpt->boot_end = (unsigned long)((k->image_start + k->image_size) >>
					m->page_shift);
	kpt->boot_next = kpt->boot_end;
	kpt->booting = true;
	kpt->pgd = ULONG_MAX;
	err = pt_alloc(m, true, NULL, &kpt->pgd);
	if (err) {
		kpt->pgd = ULONG_MAX;
		kpt->booting = false;
		return err;
	}
	err = map_direct(m, kpt->pgd);
	if (err)
		mm_refuse(m, BAD_NONE, err,
			  "cannot map the direct map at %#llx",
			  (unsigned long long)k->page_offset);
	kpt->booting = false;
	return err;
}

int paging_init(struct machine *m)
{
	m->kpt = calloc(1, sizeof(*m->kpt));
	if (!m->kpt)
		return -ENOMEM;
	m->kpt->pgd = ULONG_MAX;
	return kernel_pgtable_init(m, m->kpt);
}

void paging_exit(struct machine *m)
{
	struct kernel_pgtable *kpt = m->kpt;

	if (!kpt)
		return;
	if (kpt->pgd != ULONG_MAX)
		free_table_tree(m, true, NULL, kpt->pgd, 0);
	free(kpt);
	m->kpt = NULL;
}

int kernel_pgtable_populate(struct machine *m, struct kernel_pgtable *kpt,
			    uint64_t start, uint64_t end, unsigned int depth)
{
	uint64_t step, last = end - 1, addr;
	int err = 0;

	if (depth == 0 || start == end)
		return 0;
	if (depth >= pgtable_levels(m) ||
	    check_vaddr(m, kpt->pgd, start, m->page_size) ||
	    check_vaddr(m, kpt->pgd, last & ~(m->page_size - 1), m->page_size))
		return -EINVAL;
	step = pgtable_level_size(m, depth - 1);
	kpt->booting = true;
	for (addr = start & ~(step - 1); !err; addr += step) {
		unsigned long table;

		err = ensure_table(m, kpt->pgd, addr, depth, &table);
		if (last - addr < step)
			break;
	}
	kpt->booting = false;
	return err;
}

/* ------------------------------------------------------------------ */
/* Process page tables                                                 */

int pgd_sync_kernel(struct machine *m, unsigned long pgd_pfn)
{
	const struct pgtable_fmt *f = fmt(m);
	const struct kernel_pgtable *kpt = kernel_pgtable(m);
	unsigned int n = 1u << f->bits;

	if (!kpt || kpt->pgd == ULONG_MAX || !pfn_valid(m, pgd_pfn) ||
	    pgd_pfn == kpt->pgd)
		return -EINVAL;
	for (unsigned int i = kernel_pgd_boundary(m); i < n; i++)
		set_entry(m, pgd_pfn, i, read_entry(m, kpt->pgd, i));
	return 0;
}

/*
 * One kernel PGD entry of a process pgd, brought up to swapper_pg_dir's.
 * Entries are only ever added to swapper_pg_dir's kernel half (never
 * changed or cleared before teardown), so a process entry is either the
 * kernel's or still empty.
 */
int vmalloc_sync_one(struct machine *m, unsigned long pgd_pfn, uint64_t vaddr)
{
	const struct kernel_pgtable *kpt = kernel_pgtable(m);
	unsigned int i;
	uint64_t k;

	if (!kpt || kpt->pgd == ULONG_MAX || !pfn_valid(m, pgd_pfn) ||
	    pgd_pfn == kpt->pgd || !pgtable_addr_valid(m, vaddr) ||
	    pgd_index(m, vaddr) < kernel_pgd_boundary(m))
		return -EINVAL;
	i = pgd_index(m, vaddr);
	k = read_entry(m, kpt->pgd, i);
	if (!k)
		return -EFAULT;
	if (read_entry(m, pgd_pfn, i) == k)
		return 0;
	set_entry(m, pgd_pfn, i, k);
	return 1;
}

int pgd_kernel_check(const struct machine *m, unsigned long pgd_pfn,
		     unsigned int *stale, char *why, size_t len)
{
	const struct kernel_pgtable *kpt = kernel_pgtable(m);
	unsigned int n = 1u << fmt(m)->bits;

	*stale = 0;
	if (!kpt || kpt->pgd == ULONG_MAX)
		return 0;
	for (unsigned int i = kernel_pgd_boundary(m); i < n; i++) {
		uint64_t e = read_entry(m, pgd_pfn, i);
		uint64_t k = read_entry(m, kpt->pgd, i);

		if (e == k)
			continue;
		if (e)
			return check_failed(why, len,
					    "pgd %#lx: kernel entry %u is "
					    "%#llx, swapper_pg_dir's %#llx",
					    pgd_pfn, i, (unsigned long long)e,
					    (unsigned long long)k);
		(*stale)++;
	}
	return 0;
}

int pgd_alloc(struct machine *m, unsigned long *pgd_pfn)
{
	const struct kernel_pgtable *kpt = kernel_pgtable(m);
	unsigned long pgd;
	int err;

	if (!kpt || kpt->pgd == ULONG_MAX)
		return -EINVAL;
	err = pt_alloc(m, false, NULL, &pgd);
	if (err)
		return err;
	pgd_sync_kernel(m, pgd);
	*pgd_pfn = pgd;
	return 0;
}

int pgd_free(struct machine *m, unsigned long pgd_pfn)
{
	const struct pgtable_fmt *f = fmt(m);
	unsigned int boundary = kernel_pgd_boundary(m);
	struct mm_struct *mm;

	if (!pfn_valid(m, pgd_pfn) || is_swapper(m, pgd_pfn))
		return -EINVAL;
	mm = pgd_mm(m, pgd_pfn);
	for (unsigned int i = 0; i < boundary && i < (1u << f->bits); i++) {
		uint64_t e = read_entry(m, pgd_pfn, i);

		if (e && !is_leaf(f, 0, e) && pfn_valid(m, entry_pfn(m, e)))
			free_table_tree(m, false, mm, entry_pfn(m, e), 1);
	}
	pt_free(m, false, NULL, pgd_pfn);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The checker                                                         */

static int check_table_page(const struct machine *m, unsigned long pfn,
			    unsigned long *allocated, char *why, size_t len)
{
	const struct kernel_pgtable *kpt = kernel_pgtable(m);
	const struct page *page;

	if (!pfn_valid(m, pfn)) {
		snprintf(why, len, "page table at pfn %#lx is outside RAM",
			 pfn);
		return -EUCLEAN;
	}
	page = pfn_to_page(m, pfn);
	if (PageFlag(page, PG_reserved) && kpt && pfn >= kpt->boot_next &&
	    pfn < kpt->boot_end)
		return 0;
	if (!PageFlag(page, PG_head) || page->private != 0 || page->owner ||
	    page->_refcount <= 0 || PageFlag(page, PG_slab)) {
		snprintf(why, len,
			 "page table at pfn %#lx is not an allocated "
			 "kernel page (flags %#x, owner %d)",
			 pfn, page->flags, page->owner);
		return -EUCLEAN;
	}
	(*allocated)++;
	return 0;
}

static int check_table(const struct machine *m, unsigned long table,
		       unsigned int level, unsigned int first,
		       unsigned int last, unsigned long *allocated, char *why,
		       size_t len)
{
	const struct pgtable_fmt *f = fmt(m);
	unsigned long used = 0;
	int err = check_table_page(m, table, allocated, why, len);

	for (unsigned int i = 0; !err && i < (1u << f->bits); i++) {
		uint64_t e = read_entry(m, table, i);

		used += e != 0;
		if (!e || is_leaf(f, level, e) || i < first || i > last)
			continue;
		err = check_table(m, entry_pfn(m, e), level + 1, 0, ~0u,
				  allocated, why, len);
	}
	if (!err && used != pfn_to_page(m, table)->index) {
		snprintf(why, len,
			 "%s table at pfn %#lx holds %lu entries, counts %lu",
			 f->name[level], table, used,
			 (unsigned long)pfn_to_page(m, table)->index);
		err = -EUCLEAN;
	}
	return err;
}

int pgtable_check(const struct machine *m, unsigned long pgd_pfn,
		  unsigned int first_index, unsigned int last_index,
		  unsigned long *allocated, char *why, size_t len)
{
	*allocated = 0;
	return check_table(m, pgd_pfn, 0, first_index, last_index, allocated,
			   why, len);
}

int kernel_pgtable_check(const struct machine *m, char *why, size_t len)
{
	const struct kernel_pgtable *kpt = m->kpt;
	unsigned long allocated;
	int err;

	if (!kpt || kpt->pgd == ULONG_MAX)
		return 0;
	err = pgtable_check(m, kpt->pgd, 0, ~0u, &allocated, why, len);
	if (err)
		return err;
	if (allocated != kpt->nr_tables ||
	    (long)allocated > m->node_stat[NR_PAGETABLE])
		return check_failed(why, len,
				    "kernel page table: %lu tables allocated, "
				    "counted %lu, NR_PAGETABLE %ld",
				    allocated, kpt->nr_tables,
				    m->node_stat[NR_PAGETABLE]);
	return 0;
}
