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
#include "core/snapshot.h"

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
 * The same as data (mm.proto's PageFlags): the word, its names in
 * %pGp's order (no node= or zone=: zone is the zone's number, node the
 * page's node, page_to_nid), and the text printed back.
 */
struct page_flags_snapshot {
	uint64_t value; /* Linux's bits, the zone in the top three */
	char **names;
	size_t nr_names;
	uint64_t zone;
	uint64_t node;
};
extern const struct snap_desc page_flags_desc;
int page_flags_fill(const struct page *page, struct page_flags_snapshot *f);
void page_flags_show(const struct page_flags_snapshot *f, struct seq_buf *s);
/* gfp's %pGg names as a list (none for 0). */
int gfp_flags_fill(gfp_t gfp, char ***names, size_t *n);

/*
 * A page_owner record as the reports show it (mm.proto's
 * PageOwnerRecord; page_owner.c fills it): the allocation's order,
 * mask, migrate type, task, call and time; the last free's task, call
 * ("": none recorded, the text's "stack trace missing") and time; the
 * last migration's reason ("" if never migrated).
 */
struct page_owner_record_snapshot {
	uint64_t order;
	uint64_t gfp_mask;
	char **gfp_flags;
	size_t nr_gfp_flags;
	char migratetype[16];
	int64_t pid, tgid;
	char comm[16];
	uint64_t ts_nsec;
	char *call;
	bool allocated;
	int64_t free_pid, free_tgid;
	uint64_t free_ts_nsec;
	char *free_call;
	char migrate_reason[16];
};

/*
 * dump_page() of the frame pfn (Report.addr), as Linux 6.x prints it,
 * with page_owner's lines when it is on. -EINVAL past RAM or in a
 * hole. Its snapshot (mm.proto's DumpPage) holds what the text prints
 * and, beside it, what Linux's dump_page prints of a compound page (its
 * head and order) and of a charged one (memcg), and the pid that
 * allocated the block (owner_pid); page_owner is "" when page_owner is
 * off, "missing" without a record, else "allocated" or "freed", with
 * the record.
 */
struct dump_page_snapshot {
	uint64_t pfn;
	uint64_t page; /* the hashed address of its struct page, as %p */
	int64_t refcount, mapcount;
	uint64_t mapping; /* hashed, for shmem; 0 otherwise */
	uint64_t index;
	char page_type[16]; /* "buddy", "table" or "" */
	uint64_t page_type_value;
	bool anon;
	struct page_flags_snapshot flags;
	bool compound;
	uint64_t head_pfn, order;
	int64_t owner_pid, memcg;
	char page_owner[16];
	struct page_owner_record_snapshot record;
};
extern const struct report_at_type dump_page_report;
int report_dump_page(const struct machine *m, uint64_t pfn, struct seq_buf *s);

#endif /* MM_DEBUG_H */
