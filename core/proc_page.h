/* SPDX-License-Identifier: MIT */
/*
 * proc_page.h - /proc/kpageflags and /proc/kpagecount, as Linux's
 * fs/proc/page.c reads them: one little-endian u64 per pfn.
 *
 * Owns: the translation of the machine's page state into the KPF_* bits
 * of include/uapi/linux/kernel-page-flags.h, and the mapcount the
 * kernel reports. Must never: change a page, or read past RAM.
 */
#ifndef MM_PROC_PAGE_H
#define MM_PROC_PAGE_H

#include <stdint.h>

#include "core/machine.h"

/* The KPF_* bit numbers, the kernel's ABI. */
enum kpageflags_bit {
	KPF_LOCKED = 0,
	KPF_ERROR = 1,
	KPF_REFERENCED = 2,
	KPF_UPTODATE = 3,
	KPF_DIRTY = 4,
	KPF_LRU = 5,
	KPF_ACTIVE = 6,
	KPF_SLAB = 7,
	KPF_WRITEBACK = 8,
	KPF_RECLAIM = 9,
	KPF_BUDDY = 10,
	KPF_MMAP = 11,
	KPF_ANON = 12,
	KPF_SWAPCACHE = 13,
	KPF_SWAPBACKED = 14,
	KPF_COMPOUND_HEAD = 15,
	KPF_COMPOUND_TAIL = 16,
	KPF_HUGE = 17,
	KPF_UNEVICTABLE = 18,
	KPF_HWPOISON = 19,
	KPF_NOPAGE = 20,
	KPF_KSM = 21,
	KPF_THP = 22,
	KPF_OFFLINE = 23,
	KPF_ZERO_PAGE = 24,
	KPF_IDLE = 25,
	KPF_PGTABLE = 26,
	/* The kernel-hacking bits: raw page flags, not a stable ABI. */
	KPF_RESERVED = 32,
	KPF_MLOCKED = 33,
	KPF_MAPPEDTODISK = 34,
	KPF_PRIVATE = 35,
	KPF_PRIVATE_2 = 36,
	KPF_OWNER_PRIVATE = 37,
	KPF_ARCH = 38,
	KPF_UNCACHED = 39,
	KPF_SOFTDIRTY = 40,
	KPF_ARCH_2 = 41,
};

/* One pfn's KPF_* word, as stable_page_flags() makes it. */
uint64_t stable_page_flags(const struct machine *m, unsigned long pfn);

/* One pfn's /proc/kpagecount entry: the times it is mapped. */
uint64_t kpagecount(const struct machine *m, unsigned long pfn);

/*
 * The pfns of a read of count entries from pfn: as the kernel's read,
 * cut at the end of RAM. A read that would bring nothing (count 0, or
 * pfn at or past the end of RAM) is -EINVAL, with m->errmsg saying why.
 */
int kpage_range(struct machine *m, uint64_t pfn, uint64_t *count);

/* count entries from pfn, little-endian u64 each, into buf. */
void kpageflags_read(const struct machine *m, unsigned long pfn,
		     unsigned long count, uint8_t *buf);
void kpagecount_read(const struct machine *m, unsigned long pfn,
		     unsigned long count, uint8_t *buf);

#endif /* MM_PROC_PAGE_H */
