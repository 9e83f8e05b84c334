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
 * -EINVAL past RAM or in a hole (as dump_page), -ENOENT for a free
 * frame (a buddy or per-CPU block has no owner).
 */
int report_page_owners(struct machine *m, uint64_t pfn, struct seq_buf *s);

#endif /* MM_PAGE_OWNERS_H */
