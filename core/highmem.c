/* SPDX-License-Identifier: MIT */
/*
 * highmem.c - kmap and kmap_atomic of high memory, as the kernel's
 * mm/highmem.c and its x86 kmap_atomic.
 *
 * Owns: the pkmap slots (pkmap_count, last_pkmap_nr, the page address
 * hash that page_address() reads, who holds each mapping) and the per-CPU
 * stacks of kmap_atomic slots, with their PTEs in the kernel page table.
 * Must never: give a slot to a low page, leave a PTE that disagrees with
 * the slot that owns it, or change anything on a call it refuses.
 */
#include "core/highmem.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/check.h"
#include "core/page_alloc.h"
#include "core/pgtable.h"
#include "core/preempt.h"

#define I386_FIXADDR_TOP 0xfffff000ULL
#define FIX_KMAP_BEGIN	 1u /* index 0 is FIX_HOLE, at FIXADDR_TOP */
#define NO_PFN		 ULONG_MAX

struct kmap_holder {
	int pid;
	unsigned int count;
};

struct pkmap_slot {
	unsigned long pfn; /* NO_PFN while pkmap_count is 0 */
	int hash_next;	   /* next slot in the same hash bucket, or -1 */
	unsigned int nr_holders;
	size_t holders_cap;
	struct kmap_holder *holders;
};

struct kmap_atomic_slot {
	unsigned long pfn; /* NO_PFN when free */
	int pid;
};

struct highmem_state {
	uint64_t pkmap_base;
	unsigned int last_pkmap; /* LAST_PKMAP; 0: no pkmap area */
	unsigned int last_pkmap_nr;
	int *pkmap_count;
	struct pkmap_slot *slots;
	int *hash; /* page_address_htable: pfn -> first slot, -1 */
	unsigned int hash_mask;
	unsigned long nr_flushes;

	uint64_t fixaddr_top;
	uint64_t fixaddr_start;
	unsigned int atomic_slots;	 /* per CPU; 0: no fixmap slots */
	struct kmap_atomic_slot *atomic; /* [cpu * atomic_slots + idx] */
	unsigned int *depth;		 /* per CPU: slots in use, stacked */
};

/* ------------------------------------------------------------------ */
/* The page address hash                                               */

static unsigned int hash_pfn(const struct highmem_state *hs, unsigned long pfn)
{
	return (unsigned int)((pfn * 0x9e3779b97f4a7c15ULL) >> 32) &
	       hs->hash_mask;
}

static int hash_find(const struct highmem_state *hs, unsigned long pfn)
{
	int nr = hs->hash[hash_pfn(hs, pfn)];

	while (nr >= 0 && hs->slots[nr].pfn != pfn)
		nr = hs->slots[nr].hash_next;
	return nr;
}

static void hash_add(struct highmem_state *hs, unsigned int nr)
{
	int *head = &hs->hash[hash_pfn(hs, hs->slots[nr].pfn)];

	hs->slots[nr].hash_next = *head;
	*head = (int)nr;
}

static void hash_del(struct highmem_state *hs, unsigned int nr)
{
	int *link = &hs->hash[hash_pfn(hs, hs->slots[nr].pfn)];

	while (*link != (int)nr)
		link = &hs->slots[*link].hash_next;
	*link = hs->slots[nr].hash_next;
	hs->slots[nr].hash_next = -1;
}

static uint64_t pkmap_page_address(const struct machine *m, unsigned long pfn)
{
	const struct highmem_state *hs = m->highmem;
	int nr;

	if (!hs || !hs->last_pkmap)
		return 0;
	nr = hash_find(hs, pfn);
	return nr < 0 ? 0 : hs->pkmap_base + ((uint64_t)nr << m->page_shift);
}

uint64_t page_address(const struct machine *m, const struct page *page)
{
	unsigned long pfn = page_to_pfn(m, page);

	/* A high page has an address only while kmap gives it a slot. */
	if (pfn >= m->lowmem_end_pfn)
		return pkmap_page_address(m, pfn);
	return lowmem_page_address(m, page);
}

/* ------------------------------------------------------------------ */
/* Who holds a mapping                                                 */

static struct kmap_holder *find_holder(const struct pkmap_slot *slot, int pid)
{
	for (unsigned int i = 0; i < slot->nr_holders; i++)
		if (slot->holders[i].pid == pid)
			return &slot->holders[i];
	return NULL;
}

/* Room for one more holder, made before anything else changes. */
static int reserve_holder(struct pkmap_slot *slot)
{
	struct kmap_holder *h =
		array_reserve(slot->holders, &slot->holders_cap,
			      slot->nr_holders + 1, sizeof(*h), 2);

	if (!h)
		return -ENOMEM;
	slot->holders = h;
	return 0;
}

static void add_holder(struct pkmap_slot *slot, int pid)
{
	struct kmap_holder *h = find_holder(slot, pid);

	if (!h) {
		h = &slot->holders[slot->nr_holders++];
		h->pid = pid;
		h->count = 0;
	}
	h->count++;
}

static void drop_holder(struct pkmap_slot *slot, struct kmap_holder *h)
{
	*h = slot->holders[--slot->nr_holders];
}

/* ------------------------------------------------------------------ */
/* Permanent kmaps                                                     */

static uint64_t pkmap_addr(const struct machine *m, unsigned int nr)
{
	return m->highmem->pkmap_base + ((uint64_t)nr << m->page_shift);
}

/* Unmap every slot nobody holds any more (pkmap_count 1). */
static void flush_all_zero_pkmaps(struct machine *m)
{
	struct highmem_state *hs = m->highmem;

	for (unsigned int i = 0; i < hs->last_pkmap; i++) {
		if (hs->pkmap_count[i] != 1)
			continue;
		hs->pkmap_count[i] = 0;
		pgtable_unmap(m, kernel_pgtable(m)->pgd, pkmap_addr(m, i), 0,
			      NULL);
		hash_del(hs, i);
		hs->slots[i].pfn = NO_PFN;
	}
	hs->nr_flushes++;
}

/*
 * The next free slot after last_pkmap_nr, flushing when the scan wraps
 * to 0, as map_new_virtual does; -1 after a whole round finds none.
 */
static int find_free_slot(struct machine *m)
{
	struct highmem_state *hs = m->highmem;
	unsigned int count = hs->last_pkmap;

	for (;;) {
		hs->last_pkmap_nr = (hs->last_pkmap_nr + 1) % hs->last_pkmap;
		if (!hs->last_pkmap_nr) {
			flush_all_zero_pkmaps(m);
			count = hs->last_pkmap;
		}
		if (!hs->pkmap_count[hs->last_pkmap_nr])
			return (int)hs->last_pkmap_nr;
		if (--count == 0)
			return -1;
	}
}

unsigned int kmap_slots_held(const struct machine *m, int pid)
{
	const struct highmem_state *hs = m->highmem;
	unsigned int n = 0;

	for (unsigned int i = 0; hs && i < hs->last_pkmap; i++)
		if (hs->pkmap_count[i] > 1 && find_holder(&hs->slots[i], pid))
			n++;
	return n;
}

bool kmap_holds(const struct machine *m, unsigned long pfn, int pid)
{
	const struct highmem_state *hs = m->highmem;
	int nr = hs && hs->last_pkmap ? hash_find(hs, pfn) : -1;

	return nr >= 0 && hs->pkmap_count[nr] > 1 &&
	       find_holder(&hs->slots[nr], pid);
}

/*
 * The pid holding the most pkmap slots (and how many), for a message:
 * one pass, counting the first few dozen holders met (a hog is among
 * them whenever it holds more than its share).
 */
static int top_pkmap_holder(const struct machine *m, unsigned int *most)
{
	const struct highmem_state *hs = m->highmem;
	struct {
		int pid;
		unsigned int n;
	} seen[32];
	unsigned int nr_seen = 0, k;
	int top = 0;

	*most = 0;
	for (unsigned int i = 0; i < hs->last_pkmap; i++)
		for (unsigned int j = 0; j < hs->slots[i].nr_holders; j++) {
			int pid = hs->slots[i].holders[j].pid;

			for (k = 0; k < nr_seen && seen[k].pid != pid; k++)
				;
			if (k == nr_seen) {
				if (nr_seen == 32)
					continue;
				seen[nr_seen].pid = pid;
				seen[nr_seen++].n = 0;
			}
			if (++seen[k].n > *most) {
				*most = seen[k].n;
				top = pid;
			}
		}
	return top;
}

static int map_new_virtual(struct machine *m, unsigned long pfn)
{
	struct highmem_state *hs = m->highmem;
	int nr = find_free_slot(m);
	unsigned int most;
	int err, top;

	if (nr < 0) {
		/* Say who holds them: the waiter may be a hog's victim. */
		top = top_pkmap_holder(m, &most);
		return mm_refuse(m, BAD_NONE, -EAGAIN,
				 "kmap: all %u pkmap slots are in use (pid %d "
				 "holds %u of them); wait for a kunmap",
				 hs->last_pkmap, top, most);
	}
	err = reserve_holder(&hs->slots[nr]);
	if (!err)
		err = pgtable_map(m, kernel_pgtable(m)->pgd,
				  pkmap_addr(m, (unsigned int)nr), pfn,
				  PAGE_KERNEL);
	if (err)
		return err;
	hs->pkmap_count[nr] = 1;
	hs->slots[nr].pfn = pfn;
	hash_add(hs, (unsigned int)nr);
	return nr;
}

/* The pfn of a page pointer into this machine's mem_map, or NO_PFN. */
static unsigned long checked_pfn(const struct machine *m,
				 const struct page *page)
{
	uintptr_t off = (uintptr_t)page - (uintptr_t)m->mem_map;

	if (!page || off % sizeof(struct page) ||
	    off / sizeof(struct page) >= m->max_pfn)
		return NO_PFN;
	return (unsigned long)(off / sizeof(struct page));
}

/* A page kmap may take: in this machine, with RAM behind it. */
static int check_page(struct machine *m, const struct page *page,
		      const char *what, unsigned long *pfn)
{
	*pfn = checked_pfn(m, page);
	if (*pfn == NO_PFN)
		return mm_refuse(m, BAD_KMAP, -EINVAL,
				 "%s: not a page of this machine", what);
	if (PageFlag(page, PG_hole))
		return mm_refuse(m, BAD_KMAP, -EINVAL,
				 "%s: pfn %#lx lies in a hole", what, *pfn);
	return 0;
}

static bool is_high(const struct machine *m, unsigned long pfn)
{
	return pfn >= m->lowmem_end_pfn;
}

int kmap(struct machine *m, struct page *page, uint64_t *addr)
{
	struct highmem_state *hs = m->highmem;
	unsigned long pfn;
	int nr, err = check_page(m, page, "kmap", &pfn);

	might_sleep(m);
	if (err)
		return err;
	if (!is_high(m, pfn)) {
		*addr = page_address(m, page);
		return 0;
	}
	if (!hs->last_pkmap)
		return mm_refuse(m, BAD_KMAP, -EINVAL,
				 "kmap: high pfn %#lx but no pkmap area", pfn);
	nr = hash_find(hs, pfn);
	if (nr >= 0) {
		err = reserve_holder(&hs->slots[nr]);
		if (err)
			return err;
	} else {
		nr = map_new_virtual(m, pfn);
		if (nr < 0)
			return nr;
	}
	hs->pkmap_count[nr]++;
	add_holder(&hs->slots[nr], m->current_pid);
	*addr = pkmap_addr(m, (unsigned int)nr);
	return 0;
}

int kunmap(struct machine *m, struct page *page)
{
	struct highmem_state *hs = m->highmem;
	struct kmap_holder *h;
	unsigned long pfn;
	int nr, err = check_page(m, page, "kunmap", &pfn);

	if (err || !is_high(m, pfn))
		return err;
	nr = hs->last_pkmap ? hash_find(hs, pfn) : -1;
	if (nr < 0 || hs->pkmap_count[nr] < 2)
		return mm_refuse(m, BAD_KMAP, -EINVAL,
				 "kunmap: pfn %#lx is not kmapped", pfn);
	h = find_holder(&hs->slots[nr], m->current_pid);
	if (!h)
		return mm_refuse(m, BAD_NONE, -EPERM,
				 "kunmap: pid %d holds no kmap of pfn %#lx",
				 m->current_pid, pfn);
	if (--h->count == 0)
		drop_holder(&hs->slots[nr], h);
	hs->pkmap_count[nr]--;
	return 0;
}

/* ------------------------------------------------------------------ */
/* kmap_atomic                                                         */

static struct kmap_atomic_slot *atomic_slot(const struct machine *m,
					    unsigned int cpu, unsigned int idx)
{
	const struct highmem_state *hs = m->highmem;

	return &hs->atomic[cpu * hs->atomic_slots + idx];
}

static uint64_t atomic_addr(const struct machine *m, unsigned int cpu,
			    unsigned int idx)
{
	const struct highmem_state *hs = m->highmem;
	uint64_t index = FIX_KMAP_BEGIN + cpu * hs->atomic_slots + idx;

	return hs->fixaddr_top - (index << m->page_shift);
}

/* The CPU and slot of a fixmap kmap address; false if it is none. */
static bool decode_atomic(const struct machine *m, uint64_t addr,
			  unsigned int *cpu, unsigned int *idx)
{
	const struct highmem_state *hs = m->highmem;
	uint64_t index;

	if (!hs || !hs->atomic_slots || addr < hs->fixaddr_start ||
	    addr >= hs->fixaddr_top)
		return false;
	index = ((hs->fixaddr_top - (addr & ~((uint64_t)m->page_size - 1))) >>
		 m->page_shift) -
		FIX_KMAP_BEGIN;
	*cpu = (unsigned int)(index / hs->atomic_slots);
	*idx = (unsigned int)(index % hs->atomic_slots);
	return true;
}

unsigned int kmap_atomic_slots_held(const struct machine *m, unsigned int cpu,
				    int pid)
{
	const struct highmem_state *hs = m->highmem;
	unsigned int n = 0;

	for (unsigned int i = 0; hs && cpu < m->nr_cpus && i < hs->depth[cpu];
	     i++)
		if (atomic_slot(m, cpu, i)->pfn != NO_PFN &&
		    atomic_slot(m, cpu, i)->pid == pid)
			n++;
	return n;
}

static int __kmap_atomic(struct machine *m, struct page *page, uint64_t *addr)
{
	struct highmem_state *hs = m->highmem;
	struct kmap_atomic_slot *slot;
	unsigned int cpu = m->cpu, idx;
	unsigned long pfn;
	int err = check_page(m, page, "kmap_atomic", &pfn);

	if (err)
		return err;
	if (!is_high(m, pfn)) {
		*addr = page_address(m, page);
		return 0;
	}
	if (!hs->atomic_slots)
		return mm_refuse(m, BAD_KMAP, -EINVAL,
				 "kmap_atomic: no fixmap slots");
	idx = hs->depth[cpu];
	if (idx >= hs->atomic_slots) {
		int top = atomic_slot(m, cpu, 0)->pid;

		return mm_refuse(m, BAD_NONE, -EBUSY,
				 "kmap_atomic: all %u slots of cpu %u are in "
				 "use (pid %d holds %u of them)",
				 hs->atomic_slots, cpu, top,
				 kmap_atomic_slots_held(m, cpu, top));
	}
	err = pgtable_map(m, kernel_pgtable(m)->pgd, atomic_addr(m, cpu, idx),
			  pfn, PAGE_KERNEL);
	if (err)
		return err;
	slot = atomic_slot(m, cpu, idx);
	slot->pfn = pfn;
	slot->pid = m->current_pid;
	hs->depth[cpu]++;
	*addr = atomic_addr(m, cpu, idx);
	return 0;
}

/* kmap_atomic disables preemption (and page faults) until kunmap_atomic. */
int kmap_atomic(struct machine *m, struct page *page, uint64_t *addr)
{
	int err = preempt_disable(m);

	if (err)
		return err;
	err = __kmap_atomic(m, page, addr);
	if (err)
		preempt_enable(m); /* cannot fail: its disable came just now */
	return err;
}

static void release_atomic_slot(struct machine *m, unsigned int cpu,
				unsigned int idx)
{
	struct highmem_state *hs = m->highmem;
	struct kmap_atomic_slot *slot = atomic_slot(m, cpu, idx);

	pgtable_unmap(m, kernel_pgtable(m)->pgd, atomic_addr(m, cpu, idx), 0,
		      NULL);
	slot->pfn = NO_PFN;
	slot->pid = 0;
	while (hs->depth[cpu] &&
	       atomic_slot(m, cpu, hs->depth[cpu] - 1)->pfn == NO_PFN)
		hs->depth[cpu]--;
}

static bool is_direct_map(const struct machine *m, uint64_t addr)
{
	uint64_t base = m->layout.kernel.page_offset;

	return addr >= base && addr - base < pfn_to_phys(m, m->lowmem_end_pfn);
}

int kunmap_atomic(struct machine *m, uint64_t addr)
{
	const struct kmap_atomic_slot *slot;
	unsigned int cpu, idx;
	int err;

	if (is_direct_map(m, addr))
		return preempt_enable(m);
	if (!decode_atomic(m, addr, &cpu, &idx))
		return mm_refuse(m, BAD_KMAP, -EINVAL,
				 "kunmap_atomic: %#" PRIx64
				 " is not a kmap_atomic address",
				 addr);
	if (cpu != m->cpu)
		return mm_refuse(m, BAD_KMAP, -EINVAL,
				 "kunmap_atomic: %#" PRIx64
				 " is a slot of cpu %u, not of cpu %u",
				 addr, cpu, m->cpu);
	slot = atomic_slot(m, cpu, idx);
	if (slot->pfn == NO_PFN)
		return mm_refuse(m, BAD_KMAP, -EINVAL,
				 "kunmap_atomic: slot %u of cpu %u is not "
				 "mapped",
				 idx, cpu);
	if (slot->pid != m->current_pid)
		return mm_refuse(
			m, BAD_NONE, -EPERM,
			"kunmap_atomic: slot %u of cpu %u belongs to pid %d",
			idx, cpu, slot->pid);
	for (unsigned int j = idx + 1; j < m->highmem->depth[cpu]; j++) {
		const struct kmap_atomic_slot *above = atomic_slot(m, cpu, j);

		if (above->pfn != NO_PFN && above->pid == m->current_pid)
			return mm_refuse(m, BAD_KMAP, -EINVAL,
					 "kunmap_atomic out of order: slot %u "
					 "was mapped after slot %u",
					 j, idx);
	}
	/* The preempt_enable half must be possible before anything goes. */
	err = preempt_may_enable(m, "kunmap_atomic");
	if (err)
		return err;
	release_atomic_slot(m, cpu, idx);
	return preempt_enable(m);
}

/* ------------------------------------------------------------------ */
/* Lookups                                                             */

static bool pkmap_holds(const struct machine *m, const struct pkmap_slot *slot)
{
	return m->current_pid == 0 || find_holder(slot, m->current_pid);
}

int kmap_to_pfn(const struct machine *m, uint64_t addr, unsigned long *pfn)
{
	const struct highmem_state *hs = m->highmem;
	unsigned int cpu, idx;

	if (!hs)
		return -ENOENT;
	if (hs->last_pkmap && addr >= hs->pkmap_base &&
	    (addr - hs->pkmap_base) >> m->page_shift < hs->last_pkmap) {
		unsigned int nr = (unsigned int)((addr - hs->pkmap_base) >>
						 m->page_shift);

		if (hs->pkmap_count[nr] < 2 || !pkmap_holds(m, &hs->slots[nr]))
			return -EFAULT;
		*pfn = hs->slots[nr].pfn;
		return 0;
	}
	if (decode_atomic(m, addr, &cpu, &idx)) {
		const struct kmap_atomic_slot *slot = atomic_slot(m, cpu, idx);

		if (slot->pfn == NO_PFN ||
		    (m->current_pid && slot->pid != m->current_pid))
			return -EFAULT;
		*pfn = slot->pfn;
		return 0;
	}
	return -ENOENT;
}

void kmap_get_layout(const struct machine *m, struct kmap_layout *kl)
{
	const struct highmem_state *hs = m->highmem;

	memset(kl, 0, sizeof(*kl));
	if (!hs)
		return;
	kl->pkmap_base = hs->pkmap_base;
	kl->last_pkmap = hs->last_pkmap;
	kl->fixaddr_start = hs->fixaddr_start;
	kl->fixaddr_top = hs->fixaddr_top;
	kl->slots_per_cpu = hs->atomic_slots;
}

int pkmap_count(const struct machine *m, unsigned int nr)
{
	const struct highmem_state *hs = m->highmem;

	return hs && nr < hs->last_pkmap ? hs->pkmap_count[nr] : -1;
}

unsigned long pkmap_flushes(const struct machine *m)
{
	return m->highmem ? m->highmem->nr_flushes : 0;
}

/* ------------------------------------------------------------------ */
/* Boot, teardown, release                                             */

static bool overlaps(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	return a < b + blen && b < a + alen;
}

/* Where the pkmap and the fixmap go; -EINVAL when they do not fit. */
static int place_areas(struct machine *m, struct highmem_state *hs)
{
	const struct layout_kernel *k = &m->layout.kernel;
	uint64_t ps = m->page_size, pmd = pgtable_level_size(m, 0);
	uint64_t nr_fix = (uint64_t)m->nr_cpus * k->kmap_atomic_slots;
	uint64_t base = k->vmalloc_start + k->vmalloc_size + ps;
	uint64_t aligned = (base + pmd - 1) & ~(pmd - 1);
	uint64_t pkmap_bytes = (uint64_t)k->pkmap_slots * ps;

	hs->fixaddr_top = I386_FIXADDR_TOP;
	hs->fixaddr_start =
		hs->fixaddr_top - (nr_fix + FIX_KMAP_BEGIN - 1) * ps;
	hs->atomic_slots = k->kmap_atomic_slots;
	hs->last_pkmap = k->pkmap_slots;
	/* The pkmap, then a guard page, then the fixmap. */
	hs->pkmap_base = aligned + pkmap_bytes + ps <= hs->fixaddr_start
				 ? aligned
				 : base;
	if (nr_fix + FIX_KMAP_BEGIN > (hs->fixaddr_top >> m->page_shift) ||
	    hs->pkmap_base + pkmap_bytes + ps > hs->fixaddr_start ||
	    overlaps(hs->fixaddr_start, nr_fix * ps, k->page_offset,
		     pfn_to_phys(m, m->lowmem_end_pfn)))
		return mm_refuse(
			m, BAD_NONE, -EINVAL,
			"%u pkmap slots and %" PRIu64
			" kmap_atomic slots do not fit between the vmalloc "
			"area and 0x%" PRIx64,
			k->pkmap_slots, nr_fix, hs->fixaddr_top);
	return 0;
}

static int alloc_state(struct machine *m, struct highmem_state *hs)
{
	unsigned int buckets = 1;

	while (buckets < hs->last_pkmap)
		buckets <<= 1;
	hs->hash_mask = buckets - 1;
	hs->pkmap_count = calloc(hs->last_pkmap + 1, sizeof(int));
	hs->slots = calloc(hs->last_pkmap + 1, sizeof(*hs->slots));
	hs->hash = malloc(buckets * sizeof(int));
	hs->atomic = calloc((size_t)m->nr_cpus * hs->atomic_slots + 1,
			    sizeof(*hs->atomic));
	hs->depth = calloc(m->nr_cpus, sizeof(*hs->depth));
	if (!hs->pkmap_count || !hs->slots || !hs->hash || !hs->atomic ||
	    !hs->depth)
		return -ENOMEM;
	for (unsigned int i = 0; i < buckets; i++)
		hs->hash[i] = -1;
	for (unsigned int i = 0; i < hs->last_pkmap; i++) {
		hs->slots[i].pfn = NO_PFN;
		hs->slots[i].hash_next = -1;
	}
	for (size_t i = 0; i < (size_t)m->nr_cpus * hs->atomic_slots; i++)
		hs->atomic[i].pfn = NO_PFN;
	return 0;
}

int highmem_init(struct machine *m)
{
	struct kernel_pgtable *kpt = kernel_pgtable(m);
	struct highmem_state *hs = calloc(1, sizeof(*hs));
	unsigned int pte_level = pgtable_levels(m) - 1;
	int err;

	if (!hs)
		return -ENOMEM;
	m->highmem = hs;
	/* Only i386 is built with highmem; elsewhere every page is low. */
	if (m->layout.arch != ARCH_I386 || !kpt)
		return alloc_state(m, hs);
	err = place_areas(m, hs);
	if (!err)
		err = alloc_state(m, hs);
	/* Linux makes these PTE tables at boot: kmap never allocates. */
	if (!err)
		err = kernel_pgtable_populate(
			m, kpt, hs->pkmap_base,
			hs->pkmap_base +
				((uint64_t)hs->last_pkmap << m->page_shift),
			pte_level);
	if (!err)
		err = kernel_pgtable_populate(m, kpt, hs->fixaddr_start,
					      hs->fixaddr_top, pte_level);
	return err;
}

void highmem_exit(struct machine *m)
{
	struct highmem_state *hs = m->highmem;

	if (!hs)
		return;
	for (unsigned int i = 0; hs->slots && i < hs->last_pkmap; i++)
		free(hs->slots[i].holders);
	free(hs->pkmap_count);
	free(hs->slots);
	free(hs->hash);
	free(hs->atomic);
	free(hs->depth);
	free(hs);
	m->highmem = NULL;
}

unsigned long highmem_release(struct machine *m, int pid)
{
	struct highmem_state *hs = m->highmem;
	unsigned long objects = 0;

	if (!hs)
		return 0;
	for (unsigned int i = 0; i < hs->last_pkmap; i++) {
		struct kmap_holder *h = find_holder(&hs->slots[i], pid);

		if (!h)
			continue;
		objects += h->count;
		hs->pkmap_count[i] -= (int)h->count;
		drop_holder(&hs->slots[i], h);
	}
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++) {
		for (unsigned int idx = hs->atomic_slots; idx-- > 0;) {
			const struct kmap_atomic_slot *slot =
				atomic_slot(m, cpu, idx);

			if (slot->pfn == NO_PFN || slot->pid != pid)
				continue;
			release_atomic_slot(m, cpu, idx);
			objects++;
		}
	}
	return objects;
}

/* ------------------------------------------------------------------ */
/* The checker                                                         */

/* The PTE at vaddr maps pfn, or nothing when pfn is NO_PFN. */
static bool pte_agrees(const struct machine *m, uint64_t vaddr,
		       unsigned long pfn)
{
	unsigned long mapped;
	int err =
		pgtable_lookup(m, kernel_pgtable(m)->pgd, vaddr, NULL, &mapped);

	if (pfn == NO_PFN)
		return err == -ENOENT;
	return !err && mapped == pfn;
}

static int check_pkmap_slot(const struct machine *m, unsigned int nr, char *why,
			    size_t len)
{
	const struct highmem_state *hs = m->highmem;
	const struct pkmap_slot *slot = &hs->slots[nr];
	int count = hs->pkmap_count[nr];
	long held = 0;

	for (unsigned int i = 0; i < slot->nr_holders; i++) {
		if (!slot->holders[i].count ||
		    find_holder(slot, slot->holders[i].pid) !=
			    &slot->holders[i])
			return check_failed(why, len,
					    "pkmap slot %u: bad holder %d", nr,
					    slot->holders[i].pid);
		held += slot->holders[i].count;
	}
	if (count < 0 || (count == 0) != (slot->pfn == NO_PFN) ||
	    held != (count ? count - 1 : 0))
		return check_failed(why, len,
				    "pkmap slot %u: count %d, pfn %#lx, held "
				    "%ld times",
				    nr, count, slot->pfn, held);
	if (count && (!pfn_valid(m, slot->pfn) || !is_high(m, slot->pfn) ||
		      hash_find(hs, slot->pfn) != (int)nr))
		return check_failed(why, len,
				    "pkmap slot %u maps pfn %#lx, which is not "
				    "a high page hashed to it",
				    nr, slot->pfn);
	if (!pte_agrees(m, pkmap_addr(m, nr), slot->pfn))
		return check_failed(why, len,
				    "pkmap slot %u: its PTE does not map pfn "
				    "%#lx",
				    nr, slot->pfn);
	return 0;
}

static int check_hash(const struct machine *m, char *why, size_t len)
{
	const struct highmem_state *hs = m->highmem;
	unsigned long hashed = 0, mapped = 0;

	for (unsigned int b = 0; b <= hs->hash_mask; b++)
		for (int nr = hs->hash[b]; nr >= 0;
		     nr = hs->slots[nr].hash_next) {
			if ((unsigned int)nr >= hs->last_pkmap ||
			    ++hashed > hs->last_pkmap ||
			    hash_pfn(hs, hs->slots[nr].pfn) != b)
				return check_failed(why, len,
						    "page address hash bucket "
						    "%u is corrupt",
						    b);
		}
	for (unsigned int i = 0; i < hs->last_pkmap; i++)
		mapped += hs->pkmap_count[i] > 0;
	if (hashed != mapped)
		return check_failed(why, len,
				    "page address hash holds %lu pages, %lu "
				    "slots are mapped",
				    hashed, mapped);
	return 0;
}

static int check_atomic(const struct machine *m, char *why, size_t len)
{
	const struct highmem_state *hs = m->highmem;

	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++) {
		unsigned int depth = hs->depth[cpu];

		if (depth > hs->atomic_slots ||
		    (depth && atomic_slot(m, cpu, depth - 1)->pfn == NO_PFN))
			return check_failed(why, len,
					    "kmap_atomic: cpu %u stack depth "
					    "%u is wrong",
					    cpu, depth);
		for (unsigned int idx = 0; idx < hs->atomic_slots; idx++) {
			const struct kmap_atomic_slot *s =
				atomic_slot(m, cpu, idx);

			if ((idx >= depth && s->pfn != NO_PFN) ||
			    (s->pfn != NO_PFN && !is_high(m, s->pfn)) ||
			    !pte_agrees(m, atomic_addr(m, cpu, idx), s->pfn))
				return check_failed(why, len,
						    "kmap_atomic: slot %u of "
						    "cpu %u disagrees with its "
						    "PTE or the stack",
						    idx, cpu);
		}
	}
	return 0;
}

int highmem_check(const struct machine *m, char *why, size_t len)
{
	const struct highmem_state *hs = m->highmem;
	int err = 0;

	if (!hs || !kernel_pgtable(m))
		return 0;
	if (hs->last_pkmap && hs->last_pkmap_nr >= hs->last_pkmap)
		return check_failed(why, len, "last_pkmap_nr %u is past %u",
				    hs->last_pkmap_nr, hs->last_pkmap);
	for (unsigned int i = 0; !err && i < hs->last_pkmap; i++)
		err = check_pkmap_slot(m, i, why, len);
	if (!err && hs->last_pkmap)
		err = check_hash(m, why, len);
	if (!err && hs->atomic_slots)
		err = check_atomic(m, why, len);
	return err;
}
