/* SPDX-License-Identifier: MIT */
/*
 * percpu.h - alloc_percpu: chunks with one unit per simulated CPU, as the
 * kernel's mm/percpu.c in its percpu-km flavour.
 *
 * Owns: per-CPU chunks (each one contiguous block from the page
 * allocator, one unit per CPU), the allocation bitmaps inside them and
 * the record of who owns each allocation. Must never: hand out memory
 * that is not zeroed on every CPU, or change anything on a call it
 * refuses.
 *
 * A percpu pointer here is the direct-map address of the allocation's
 * copy in unit 0 (the kernel hands out an offset from the per-CPU base;
 * an address says the same and can be read like any kernel address).
 * CPU n's copy lies exactly n * unit_size above it.
 */
#ifndef MM_PERCPU_H
#define MM_PERCPU_H

#include <stddef.h>
#include <stdint.h>

#include "core/list.h"
#include "core/machine.h"

/* Allocations are made of 4-byte granules, one bit each in the maps. */
#define PCPU_MIN_ALLOC_SHIFT 2
#define PCPU_MIN_ALLOC_SIZE  (1UL << PCPU_MIN_ALLOC_SHIFT)
/* The unit size when a chunk of it per CPU fits one max_order block. */
#define PCPU_MIN_UNIT_SIZE (32UL << 10)
/* start_owner of a granule that starts no allocation. */
#define PCPU_NO_ALLOC (-1)

/*
 * A chunk: 2^order pages at pfn, unit u at base + u * unit_size. Per unit
 * offset, in granules: alloc_map has a bit for each allocated granule;
 * bound_map (one bit longer) a bit at the start of each allocation and
 * one just past its end, exactly those, so the end of the allocation at
 * g is the next bound bit after g; start_owner holds the owning pid at
 * each allocation's first granule and PCPU_NO_ALLOC everywhere else.
 * These three are the chunk's allocation records; the checker holds them
 * to each other.
 */
struct pcpu_chunk {
	struct list_head list; /* on the slot list of its contig_hint */
	uint64_t base;	       /* direct-map address of unit 0 */
	unsigned long pfn;
	unsigned int order;
	int slot;
	unsigned long nr_allocs;
	unsigned long free_granules;
	unsigned long contig_hint; /* granules in the longest free run */
	unsigned long first_free;  /* no free granule below this one */
	unsigned long *alloc_map;
	unsigned long *bound_map;
	int32_t *start_owner;
};

/*
 * Chunks sit on slot lists by the size of their longest free run, so an
 * allocation only looks at chunks that may fit it, fullest first (as
 * pcpu_chunk_lists). by_addr, sorted by base, finds the chunk behind an
 * address in O(log n). At most one chunk is empty at any time: empty
 * (the first chunk, made at boot, is never freed).
 */
struct pcpu_state {
	unsigned long unit_size;
	unsigned long unit_pages;
	unsigned long nr_granules; /* per unit */
	unsigned int chunk_order;
	int nr_slots;
	struct list_head *slots;
	struct pcpu_chunk *first_chunk;
	struct pcpu_chunk *empty;
	struct pcpu_chunk **by_addr;
	unsigned long nr_chunks;
	size_t by_addr_cap;
	unsigned long nr_allocs;
	unsigned long head_bytes; /* the first chunk's static + reserved */
	/* The kernel's areas for ever at the first chunk's start: the head
	 * and pcpu_alloc_static's; the granules they span and their count. */
	unsigned long static_granules;
	unsigned long nr_static;
};

int pcpu_init(struct machine *m);
/* Tears down what init built; must cope with init having failed midway. */
void pcpu_exit(struct machine *m);
int pcpu_check(const struct machine *m, char *why, size_t len);
/* Free everything pid still owns; returns how many objects that was. */
unsigned long pcpu_release(struct machine *m, int pid);

/*
 * pcpu_setup_first_chunk: the first bytes of every unit of the first
 * chunk become the static and reserved areas (percpu_defs.c's), the
 * kernel's allocation for ever, and alloc_percpu's dynamic area starts
 * after them, as Linux lays its first chunk out. *base is unit 0's copy.
 */
int pcpu_setup_first_chunk(struct machine *m, unsigned long bytes,
			   uint64_t *base);

/*
 * A static per-CPU variable of the kernel image laid out at boot past
 * the head (DEFINE_PER_CPU_PAGE_ALIGNED's section, i386's gdt_page):
 * size bytes at the next offset aligned to align in the first chunk,
 * before any dynamic allocation, the padding before them static too.
 * Never freed, and no bar to the first chunk counting as the empty chunk
 * kept (a chunk a task made and emptied then goes back). *ptr is the
 * variable's percpu pointer; -EINVAL after boot, -ENOMEM with no room.
 */
int pcpu_alloc_static(struct machine *m, unsigned long size,
		      unsigned long align, uint64_t *ptr);

/* Pages backing per-CPU chunks, for meminfo Percpu. */
unsigned long pcpu_nr_pages(const struct machine *m);

/*
 * Allocate size bytes (at most a unit) aligned to align (a power of two,
 * at most a page) on every CPU, zeroed, owned by m->current_pid. *ptr is
 * the percpu pointer. -EINVAL for a bad size or align, -ENOMEM when no
 * chunk fits and no new chunk can be had.
 */
int alloc_percpu(struct machine *m, unsigned long size, unsigned long align,
		 uint64_t *ptr);
/*
 * The bytes the allocation starting at ptr takes in all CPUs' units
 * together (its granules times the CPUs), or 0 if ptr starts none.
 */
uint64_t pcpu_alloc_bytes(const struct machine *m, uint64_t ptr);
/* -EINVAL unless ptr is what alloc_percpu gave; -EPERM for another's. */
int free_percpu(struct machine *m, uint64_t ptr);
/*
 * The direct-map address of cpu's copy of ptr, which may point anywhere
 * inside a live allocation (as per_cpu_ptr(&p->field, cpu) does).
 * -EINVAL for a cpu that does not exist or a ptr that is not live.
 */
int per_cpu_ptr(const struct machine *m, uint64_t ptr, unsigned int cpu,
		uint64_t *addr);
/*
 * For the byte-access layer: 0 and the owner when [addr, addr + len)
 * lies inside one live allocation (in any CPU's copy), -EFAULT if not.
 */
int pcpu_owner_of(const struct machine *m, uint64_t addr, uint64_t len,
		  int *owner);

/*
 * __per_cpu_offset[cpu], as setup_per_cpu_areas sets it: pcpu_base_addr
 * (the first chunk's unit 0) less __per_cpu_start (sections.h), plus
 * cpu's unit offset. A per-CPU pointer in the kernel's own terms (what
 * pcpu_addr_to_ptr gives) plus this is cpu's copy; on i386 it is
 * __KERNEL_PERCPU's base, and the sum wraps at 4 GiB as the CPU's does.
 * It is not 0 for CPU 0 on i386, where .data..percpu is linked inside
 * the image; on x86_64 (zero-based) it is the unit's own address.
 */
uint64_t per_cpu_offset(const struct machine *m, unsigned int cpu);
/*
 * __addr_to_pcpu_ptr: the kernel's per-CPU pointer of the allocation
 * whose CPU 0 copy is at addr (an address alloc_percpu gave), i.e. the
 * offset %fs:ptr takes; pcpu_ptr_to_addr is the way back.
 */
uint64_t pcpu_addr_to_ptr(const struct machine *m, uint64_t addr);
uint64_t pcpu_ptr_to_addr(const struct machine *m, uint64_t ptr);

#endif /* MM_PERCPU_H */
