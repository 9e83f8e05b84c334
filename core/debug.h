/* SPDX-License-Identifier: MIT */
/*
 * debug.h - dump_page, and the names of page and GFP flags as the
 * kernel prints them (%pGp, %pGg), as Linux's mm/debug.c.
 *
 * Owns: how one struct page reads in the kernel log's words. Must
 * never: change a page, or print a host address (pointers are hashed,
 * as %p hashes them).
 */
#ifndef MM_DEBUG_H
#define MM_DEBUG_H

#include <stddef.h>

#include "core/gfp.h"
#include "core/machine.h"
#include "core/seq_buf.h"

/* A gfp mask as "%#x(%pGg)" prints it: 0xcc0(GFP_KERNEL). */
void seq_gfp(struct seq_buf *s, gfp_t gfp);

/*
 * gfp as "GFP_KERNEL|__GFP_NOWARN" (the words of %pGg, without the
 * number), cut to fit len. Returns buf.
 */
char *format_gfp(char *buf, size_t len, gfp_t gfp);

/*
 * A page's flags as "%pGp" prints them, Linux's bit numbers in the
 * word: 0x4000000000000024(referenced|lru|node=0|zone=1).
 */
void seq_page_flags(struct seq_buf *s, const struct page *page);

/*
 * dump_page() of the frame pfn (Report.addr), as Linux 6.x prints it,
 * with page_owner's lines when it is on. -EINVAL past RAM.
 */
int report_dump_page(struct machine *m, uint64_t pfn, struct seq_buf *s);

#endif /* MM_DEBUG_H */
