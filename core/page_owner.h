/* SPDX-License-Identifier: MIT */
/*
 * page_owner.h - who allocated each page, as Linux's mm/page_owner.c
 * keeps it with page_owner=on (the layout's kernel.page_owner).
 *
 * Owns: one record per allocated block, kept beside mem_map as the
 * kernel's page_ext is (struct page has no room left): the order, the
 * GFP mask, the allocating process and the call it made, when, and who
 * freed it last. Must never: change a page, or cost anything when off.
 */
#ifndef MM_PAGE_OWNER_H
#define MM_PAGE_OWNER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/debug.h"
#include "core/gfp.h"
#include "core/machine.h"
#include "core/seq_buf.h"

struct page_owner {
	uint8_t order;
	bool allocated;		    /* PAGE_EXT_OWNER_ALLOCATED */
	int8_t last_migrate_reason; /* -1: never migrated; 0: compaction */
	gfp_t gfp_mask;
	int32_t pid, tgid, free_pid, free_tgid;
	const char *call, *free_call; /* in place of the stacks */
	uint64_t ts_nsec, free_ts_nsec;
	char comm[16];
};

/* The migrate reasons, numbered as Linux's enum migrate_reason. */
#define MR_COMPACTION	   0
#define MR_SYSCALL	   3 /* migrate_pages(2), move_pages(2) */
#define MR_MEMPOLICY_MBIND 4
#define MR_CONTIG_RANGE	   6

int page_owner_init(struct machine *m);
void page_owner_exit(struct machine *m);
int page_owner_check(const struct machine *m, char *why, size_t len);

/* The block at page was allocated, or freed: post_alloc_hook's part. */
void __set_page_owner(struct machine *m, const struct page *page,
		      unsigned int order, gfp_t gfp);
void __reset_page_owner(struct machine *m, const struct page *page,
			unsigned int order);
/* Migration moved a page: its record follows it (folio_copy_owner). */
void __copy_page_owner(struct machine *m, const struct page *old,
		       const struct page *newpage, int reason);

static inline void set_page_owner(struct machine *m, const struct page *page,
				  unsigned int order, gfp_t gfp)
{
	if (m->page_owner)
		__set_page_owner(m, page, order, gfp);
}

static inline void reset_page_owner(struct machine *m, const struct page *page,
				    unsigned int order)
{
	if (m->page_owner)
		__reset_page_owner(m, page, order);
}

static inline void copy_page_owner(struct machine *m, const struct page *old,
				   const struct page *newpage, int reason)
{
	if (m->page_owner)
		__copy_page_owner(m, old, newpage, reason);
}

/* The record of the block pfn heads; NULL when none was ever kept. */
const struct page_owner *get_page_owner(const struct machine *m,
					unsigned long pfn);

/*
 * /sys/kernel/debug/page_owner: every allocated block, as
 * print_page_owner prints it, the call in place of the stack.
 * -EOPNOTSUPP when page_owner is off (the file does not exist). Its
 * snapshot (mm.proto's PageOwner): each block's first pfn, its record,
 * its pageblock's number and migrate type, its head page's flags, and
 * whether it is a slab's (else the memcg it is charged to, 0: none).
 */
struct page_owner_block_snapshot {
	uint64_t pfn;
	struct page_owner_record_snapshot record;
	uint64_t pageblock;
	char pageblock_migratetype[16];
	struct page_flags_snapshot flags;
	bool slab;
	int64_t memcg;
};
struct page_owner_snapshot {
	struct page_owner_block_snapshot *blocks;
	size_t nr_blocks;
};
extern const struct report_type page_owner_report;
int report_page_owner(const struct machine *m, struct seq_buf *s);

extern const struct snap_desc page_owner_record_desc;
/*
 * dump_page's part: __dump_page_owner's state of the block at pfn in
 * state ("" when page_owner is off, "missing", "allocated", "freed")
 * and its record; then its lines printed from them.
 */
int dump_page_owner_fill(const struct machine *m, unsigned long pfn,
			 char *state, size_t len,
			 struct page_owner_record_snapshot *r);
void dump_page_owner_show(const char *state,
			  const struct page_owner_record_snapshot *r,
			  struct seq_buf *s);

#endif /* MM_PAGE_OWNER_H */
