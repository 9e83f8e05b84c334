/* SPDX-License-Identifier: MIT */
/*
 * page_owners.h - who holds one frame now: the question a reader asks
 * of a frame (which process maps it and where, which slab cache, which
 * vmalloc area, whose page table, which file, which media block).
 *
 * Owns: nothing but the report. Must never change a page; it asks each
 * subsystem for its part (rmap_walk for user pages) and prints it.
 */
#ifndef MM_PAGE_OWNERS_H
#define MM_PAGE_OWNERS_H

#include <stdint.h>

#include "core/machine.h"
#include "core/seq_buf.h"
#include "core/snapshot.h"

/*
 * One line per owner of pfn (Report.addr):
 *   anon pid P addr 0xA            (shmem pid P addr 0xA)
 *   slab cache NAME objects F-L of N inuse U slab pfn 0xH
 *   vmalloc 0xSTART pages=N page I CALLER pid P
 *   pagetable pid P pgd            (a lower table: pagetable)
 *   file ino I index X
 *   mmz NAME 0xPHYS size S pid P
 *   kernel pid P                   (a block alloc_pages gave)
 *   reserved
 *   mmz free                      (MMZ memory in no block)
 * -EINVAL past RAM or in a hole (as dump_page), -ENOENT for a free
 * frame (a buddy or per-CPU block has no owner).
 */
int report_page_owners(const struct machine *m, uint64_t pfn,
		       struct seq_buf *s);

/*
 * The same as data (mm.proto's PageOwners): the frame's state (as
 * frame_state_names), for a free one ("free", "per-cpu") its block's
 * order and no holders, else each holder: its kind (the line's first
 * word: anon, shmem, slab, vmalloc, pagetable, file, mmz, mmz_free,
 * kernel, reserved) and the values its line prints (a mapping's VMA
 * beside its address; name: the slab cache, the vmalloc caller or the
 * MMZ block's name; pgd: a page table names its mm).
 */
struct page_holder_snapshot {
	char kind[16];
	int64_t pid;
	uint64_t addr, vm_start, vm_end;
	char *name;
	uint64_t first_object, last_object, objects, inuse, head_pfn;
	uint64_t start, nr_pages, index;
	bool pgd;
	uint64_t ino, phys, size;
};
struct page_owners_snapshot {
	uint64_t pfn;
	char state[16];
	uint64_t order;
	struct page_holder_snapshot *owners;
	size_t nr_owners;
	size_t cap; /* the fill's; not in the message */
};
extern const struct report_at_type page_owners_report;

#endif /* MM_PAGE_OWNERS_H */
