/* SPDX-License-Identifier: MIT */
/*
 * highmem.h - kmap and kmap_atomic of high memory, as the kernel's
 * mm/highmem.c.
 *
 * Owns: the permanent kmap slots (pkmap) and the per-CPU kmap_atomic
 * slots of the fixmap, and the page -> pkmap address map that
 * page_address() consults. Must never: map a low page (its direct-map
 * address serves), or change anything on a call it refuses.
 *
 * The address map on i386 (the only arch built with highmem):
 *   PKMAP_BASE  = vmalloc_start + vmalloc_size + one guard page, rounded
 *                 up to a PMD (4M) when that still leaves room for the
 *                 fixmap below FIXADDR_TOP, as Linux keeps the pkmap in
 *                 one PTE table; LAST_PKMAP = layout.kernel.pkmap_slots
 *                 pages from there. The default i386 layout ends its
 *                 vmalloc area at 0xff800000, so PKMAP_BASE = 0xff801000.
 *   FIXADDR_TOP = 0xfffff000 (Linux's default); kmap_atomic slot idx of
 *                 cpu c is fixmap index 1 + c * kmap_atomic_slots + idx,
 *                 at FIXADDR_TOP - index * PAGE_SIZE, growing down.
 * One guard page separates the pkmap from the fixmap. A layout whose
 * slots do not fit fails to boot with -EINVAL. x86_64 has no high memory
 * (every page is in the direct map), no pkmap and no fixmap slots: kmap
 * and kmap_atomic return page_address().
 *
 * pkmap_count[] has Linux's meaning: 0 free, 1 free but its PTE not yet
 * flushed (the page keeps its address until then, and a new kmap of the
 * same page takes the slot again), n > 1 mapped n - 1 times. A kmap that
 * finds no free slot after a full scan (flushing when the scan wraps)
 * returns -EAGAIN: the caller must wait for a kunmap.
 *
 * Owners: each kmap and each kmap_atomic records m->current_pid. kunmap
 * or kunmap_atomic by a pid that holds no such mapping: -EPERM. kunmap of
 * a high page that is not kmapped: -EINVAL. kunmap_atomic of anything but
 * the caller's most recent slot on this CPU: -EINVAL; of an address in
 * the direct map: nothing, 0 (as Linux). kmap_atomic with every slot of
 * this CPU in use: -EBUSY (nesting deeper is a bug, not a wait).
 * kunmap of a low page does nothing and returns 0 (as Linux).
 */
#ifndef MM_HIGHMEM_H
#define MM_HIGHMEM_H

#include <stddef.h>

#include "core/machine.h"

int highmem_init(struct machine *m);
/* Tears down what init built; must cope with init having failed midway. */
void highmem_exit(struct machine *m);
int highmem_check(const struct machine *m, char *why, size_t len);
/* Free everything pid still owns; returns how many objects that was. */
unsigned long highmem_release(struct machine *m, int pid);

/*
 * What pid holds: pkmap slots (a page kmapped many times holds one), and
 * kmap_atomic slots of a CPU. uapi caps them per process (limits.kmap,
 * limits.kmap_atomic), since the slots are shared by every process.
 */
unsigned int kmap_slots_held(const struct machine *m, int pid);
unsigned int kmap_atomic_slots_held(const struct machine *m, unsigned int cpu,
				    int pid);
/* Whether pid holds a kmap of pfn already (a kmap of it takes no slot). */
bool kmap_holds(const struct machine *m, unsigned long pfn, int pid);

int kmap(struct machine *m, struct page *page, uint64_t *addr);
int kunmap(struct machine *m, struct page *page);
int kmap_atomic(struct machine *m, struct page *page, uint64_t *addr);
int kunmap_atomic(struct machine *m, uint64_t addr);

/*
 * The frame behind a pkmap or kmap_atomic address, for the byte-access
 * layer: 0 when m->current_pid holds that mapping (the kernel, pid 0,
 * may use any live one); -EFAULT when addr is a slot no one, or another
 * pid only, has mapped; -ENOENT when addr is not a kmap address at all.
 */
int kmap_to_pfn(const struct machine *m, uint64_t addr, unsigned long *pfn);

/*
 * Direct-map address of a low page; a high page's pkmap address while
 * it is kmapped, else 0. Here as Linux keeps it in mm/highmem.c: only
 * the high half needs this file, and a caller whose pages are never high
 * uses lowmem_page_address (page_alloc.h) instead.
 */
uint64_t page_address(const struct machine *m, const struct page *page);

/* The address map, for reports and tests; 0 when the arch has none. */
struct kmap_layout {
	uint64_t pkmap_base;
	unsigned int last_pkmap;
	uint64_t fixaddr_start; /* lowest kmap_atomic slot */
	uint64_t fixaddr_top;
	unsigned int slots_per_cpu;
};
void kmap_get_layout(const struct machine *m, struct kmap_layout *kl);
/* pkmap_count[nr], or -1 for no such slot. */
int pkmap_count(const struct machine *m, unsigned int nr);
/* Times flush_all_zero_pkmaps ran. */
unsigned long pkmap_flushes(const struct machine *m);

#endif /* MM_HIGHMEM_H */
