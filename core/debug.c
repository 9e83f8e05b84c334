/* SPDX-License-Identifier: MIT */
/*
 * debug.c - dump_page and the flag names the kernel prints (mm/debug.c,
 * with lib/vsprintf.c's format_flags behind %pGp, %pGg and %pGt).
 *
 * Owns: the words for a struct page: its counts, its flags in Linux's
 * bit order and names, its page type; and the GFP masks' names in
 * gfpflag_names' order (combinations first, then single bits), for the
 * allocation-failure and OOM lines as for page_owner. Must never: change
 * a page or the machine, or print a host pointer.
 */
#include <errno.h>
#include <stdio.h>

#include "core/debug.h"
#include "core/err.h"
#include "core/memory.h"
#include "core/page_owner.h"
#include "core/sparse.h"

/* The names of __def_gfpflag_names, combinations first, in its order. */

static const struct flag_name {
	uint64_t mask;
	const char *name;
} gfpflag_names[] = {
	{GFP_TRANSHUGE, "GFP_TRANSHUGE"},
	{GFP_TRANSHUGE_LIGHT, "GFP_TRANSHUGE_LIGHT"},
	{GFP_HIGHUSER_MOVABLE, "GFP_HIGHUSER_MOVABLE"},
	{GFP_HIGHUSER, "GFP_HIGHUSER"},
	{GFP_USER, "GFP_USER"},
	{GFP_KERNEL_ACCOUNT, "GFP_KERNEL_ACCOUNT"},
	{GFP_KERNEL, "GFP_KERNEL"},
	{GFP_NOFS, "GFP_NOFS"},
	{GFP_ATOMIC, "GFP_ATOMIC"},
	{GFP_NOIO, "GFP_NOIO"},
	{GFP_NOWAIT, "GFP_NOWAIT"},
	{GFP_DMA, "GFP_DMA"},
	{__GFP_HIGHMEM, "__GFP_HIGHMEM"},
	{GFP_DMA32, "GFP_DMA32"},
	{__GFP_HIGH, "__GFP_HIGH"},
	{__GFP_IO, "__GFP_IO"},
	{__GFP_FS, "__GFP_FS"},
	{__GFP_NOWARN, "__GFP_NOWARN"},
	{__GFP_RETRY_MAYFAIL, "__GFP_RETRY_MAYFAIL"},
	{__GFP_NOFAIL, "__GFP_NOFAIL"},
	{__GFP_NORETRY, "__GFP_NORETRY"},
	{__GFP_COMP, "__GFP_COMP"},
	{__GFP_ZERO, "__GFP_ZERO"},
	{__GFP_NOMEMALLOC, "__GFP_NOMEMALLOC"},
	{__GFP_MEMALLOC, "__GFP_MEMALLOC"},
	{__GFP_HARDWALL, "__GFP_HARDWALL"},
	{__GFP_THISNODE, "__GFP_THISNODE"},
	{__GFP_RECLAIMABLE, "__GFP_RECLAIMABLE"},
	{__GFP_MOVABLE, "__GFP_MOVABLE"},
	{__GFP_ACCOUNT, "__GFP_ACCOUNT"},
	{__GFP_WRITE, "__GFP_WRITE"},
	{__GFP_RECLAIM, "__GFP_RECLAIM"},
	{__GFP_DIRECT_RECLAIM, "__GFP_DIRECT_RECLAIM"},
	{__GFP_KSWAPD_RECLAIM, "__GFP_KSWAPD_RECLAIM"},
};

/* Linux 6.x's enum pageflags (x86_64), the bits dump_page shows. */
enum linux_pageflags {
	LPG_locked,
	LPG_writeback,
	LPG_referenced,
	LPG_uptodate,
	LPG_dirty,
	LPG_lru,
	LPG_head,
	LPG_waiters,
	LPG_active,
	LPG_workingset,
	LPG_error,
	LPG_slab,
	LPG_owner_priv_1,
	LPG_arch_1,
	LPG_reserved,
	LPG_private,
	LPG_private_2,
	LPG_mappedtodisk,
	LPG_reclaim,
	LPG_swapbacked,
};

/* __def_pageflag_names, in its order. */
static const struct flag_name pageflag_names[] = {
	{1ULL << LPG_locked, "locked"},
	{1ULL << LPG_waiters, "waiters"},
	{1ULL << LPG_error, "error"},
	{1ULL << LPG_referenced, "referenced"},
	{1ULL << LPG_uptodate, "uptodate"},
	{1ULL << LPG_dirty, "dirty"},
	{1ULL << LPG_lru, "lru"},
	{1ULL << LPG_active, "active"},
	{1ULL << LPG_workingset, "workingset"},
	{1ULL << LPG_slab, "slab"},
	{1ULL << LPG_owner_priv_1, "owner_priv_1"},
	{1ULL << LPG_arch_1, "arch_1"},
	{1ULL << LPG_reserved, "reserved"},
	{1ULL << LPG_private, "private"},
	{1ULL << LPG_private_2, "private_2"},
	{1ULL << LPG_writeback, "writeback"},
	{1ULL << LPG_head, "head"},
	{1ULL << LPG_mappedtodisk, "mappedtodisk"},
	{1ULL << LPG_reclaim, "reclaim"},
	{1ULL << LPG_swapbacked, "swapbacked"},
};

/* The machine's page flags that are Linux's too. */
static const struct {
	enum pageflags pg;
	enum linux_pageflags lpg;
} same_flags[] = {
	{PG_referenced, LPG_referenced},
	{PG_dirty, LPG_dirty},
	{PG_lru, LPG_lru},
	{PG_active, LPG_active},
	{PG_slab, LPG_slab},
	{PG_reserved, LPG_reserved},
	{PG_swapbacked, LPG_swapbacked},
	{PG_uptodate, LPG_uptodate},
	{PG_writeback, LPG_writeback},
	{PG_readahead, LPG_reclaim}, /* PG_readahead is PG_reclaim's alias */
};

/* The zone sits in the top bits of page->flags (ZONES_PGSHIFT). */
#define ZONES_WIDTH   3
#define ZONES_PGSHIFT (64 - ZONES_WIDTH)

#define NR(a) (sizeof(a) / sizeof((a)[0]))

/* Appends "|word" (or "word" first) to buf, never past len. */
static void put(char *buf, size_t len, size_t *at, const char *word)
{
	int n = snprintf(buf + *at, len - *at, "%s%s", *at ? "|" : "", word);

	if (n > 0)
		*at = *at + (size_t)n < len ? *at + (size_t)n : len - 1;
}

/*
 * lib/vsprintf.c's format_flags: each name whose bits are all set, taken
 * away in the table's order; the bits no name covers, in hex, last.
 */
static char *format_flags(char *buf, size_t len, uint64_t flags,
			  const struct flag_name *names, size_t n)
{
	char rest[24];
	size_t at = 0;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (size_t i = 0; i < n && flags; i++) {
		if (!names[i].mask || (flags & names[i].mask) != names[i].mask)
			continue;
		flags &= ~names[i].mask;
		put(buf, len, &at, names[i].name);
	}
	if (flags) {
		snprintf(rest, sizeof(rest), "%#llx",
			 (unsigned long long)flags);
		put(buf, len, &at, rest);
	}
	return buf;
}

/* Every name of gfpflag_names at once fits in this. */
#define FLAG_NAMES_MAX 640

static void seq_flag_names(struct seq_buf *s, uint64_t flags,
			   const struct flag_name *names, size_t n)
{
	char buf[FLAG_NAMES_MAX];

	seq_printf(s, "%s", format_flags(buf, sizeof(buf), flags, names, n));
}

char *format_gfp(char *buf, size_t len, gfp_t gfp)
{
	return format_flags(buf, len, gfp, gfpflag_names, NR(gfpflag_names));
}

void seq_gfp(struct seq_buf *s, gfp_t gfp)
{
	/* The kernel's %#x: 0x0 for none, where printf's says 0. */
	seq_printf(s, "0x%x(", gfp);
	seq_flag_names(s, gfp, gfpflag_names, NR(gfpflag_names));
	seq_printf(s, ")");
}

/* Anonymous and shared memory a fault filled is up to date. */
static uint64_t linux_page_flags(const struct page *page)
{
	uint64_t f = 0;

	for (size_t i = 0; i < NR(same_flags); i++)
		if (PageFlag(page, same_flags[i].pg))
			f |= 1ULL << same_flags[i].lpg;
	if (PageFlag(page, PG_anon) || PageFlag(page, PG_shmem))
		f |= 1ULL << LPG_uptodate;
	return f;
}

void seq_page_flags(struct seq_buf *s, const struct page *page)
{
	uint64_t f = linux_page_flags(page);

	seq_printf(s, "0x%llx(",
		   (unsigned long long)(f | (uint64_t)page_zonenum(page)
						    << ZONES_PGSHIFT));
	seq_flag_names(s, f, pageflag_names, NR(pageflag_names));
	seq_printf(s, "%snode=%d|zone=%d)", f ? "|" : "", page_to_nid(page),
		   (int)page_zonenum(page));
}

int page_flags_fill(const struct page *page, struct page_flags_snapshot *f)
{
	uint64_t bits = linux_page_flags(page);
	char buf[FLAG_NAMES_MAX];

	f->zone = page_zonenum(page);
	f->node = (uint64_t)page_to_nid(page);
	f->value = bits | f->zone << ZONES_PGSHIFT;
	return snap_split(format_flags(buf, sizeof(buf), bits, pageflag_names,
				       NR(pageflag_names)),
			  '|', &f->names, &f->nr_names);
}

void page_flags_show(const struct page_flags_snapshot *f, struct seq_buf *s)
{
	seq_printf(s, "0x%llx(", (unsigned long long)f->value);
	snap_join((const char *const *)f->names, f->nr_names, '|', s);
	seq_printf(s, "%snode=%llu|zone=%llu)", f->nr_names ? "|" : "",
		   (unsigned long long)f->node, (unsigned long long)f->zone);
}

#define PF(member, k) SNAP_FIELD(struct page_flags_snapshot, member, k)
static const struct snap_field page_flags_fields[] = {
	PF(value, SNAP_U64),
	SNAP_ARRAY(struct page_flags_snapshot, names, nr_names, SNAP_STRS,
		   NULL),
	PF(zone, SNAP_U64),
	PF(node, SNAP_U64),
};
const struct snap_desc page_flags_desc =
	SNAP_DESC("PageFlags", struct page_flags_snapshot, page_flags_fields);

int gfp_flags_fill(gfp_t gfp, char ***names, size_t *n)
{
	char buf[FLAG_NAMES_MAX];

	return snap_split(format_gfp(buf, sizeof(buf), gfp), '|', names, n);
}

/* A refusal's count and message are a report's only write (its reader
 * sees why in m->errmsg): the machine is otherwise read only. */
static struct machine *unconst(const struct machine *m)
{
	return (struct machine *)(uintptr_t)m;
}

/*
 * %p: a pointer the kernel will not show is hashed to 32 bits, so two
 * prints of one pointer match and the address itself stays hidden.
 */
static unsigned long ptr_hash(uint64_t v)
{
	if (!v)
		return 0;
	v ^= v >> 33;
	v *= 0xff51afd7ed558ccdULL;
	v ^= v >> 33;
	return (unsigned long)(v & 0xffffffffu);
}

/* Where the kernel's struct page of pfn sits: x86_64's vmemmap. */
#define VMEMMAP_START 0xffffea0000000000ULL

/* %pGt: a page type is a cleared bit in an all-ones word. */
static void page_type_fill(const struct page *page,
			   struct dump_page_snapshot *d)
{
	if (PageFlag(page, PG_buddy)) {
		snprintf(d->page_type, sizeof(d->page_type), "buddy");
		d->page_type_value = 0xffffff7f;
	} else if (PageFlag(page, PG_table)) {
		snprintf(d->page_type, sizeof(d->page_type), "table");
		d->page_type_value = 0xfffffdff;
	}
}

/*
 * The block a page is part of: a head's own order; for a THP's tail,
 * the head at the first alignment that covers it (as compound_head).
 */
static void compound_fill(const struct machine *m, unsigned long pfn,
			  const struct page *page, struct dump_page_snapshot *d)
{
	const struct page *head = NULL;

	/* Every allocated block's first page is PG_head: order 0 is none. */
	if (PageFlag(page, PG_head) && page->private)
		head = page;
	for (unsigned int o = 1;
	     !head && PageFlag(page, PG_tail) && o <= m->max_order; o++) {
		const struct page *h = pfn_to_page(m, pfn & ~((1UL << o) - 1));

		if (PageFlag(h, PG_head) && h->private >= o)
			head = h;
	}
	if (!head)
		return;
	d->compound = true;
	d->head_pfn = page_to_pfn(m, head);
	d->order = head->private;
}

static int dump_page_fill(const struct machine *m, const struct report_args *a,
			  void *snap)
{
	struct dump_page_snapshot *d = snap;
	uint64_t pfn = a->addr;
	const struct page *page;
	struct page scratch;

	if (pfn >= m->max_pfn)
		return mm_refuse(unconst(m), BAD_PFN, -EINVAL,
				 "pfn %#llx is past RAM (%lu frames)",
				 (unsigned long long)pfn, m->max_pfn);
	page = memmap_page_view(m, (unsigned long)pfn, &scratch);
	if (PageFlag(page, PG_hole))
		return mm_refuse(unconst(m), BAD_PFN, -EINVAL,
				 "pfn %#llx lies in a hole: no struct page",
				 (unsigned long long)pfn);
	d->pfn = pfn;
	d->page = ptr_hash(VMEMMAP_START + pfn * 64);
	d->refcount = page->_refcount;
	/* Slab, buddy and table pages use the mapcount for themselves. */
	d->mapcount = page->flags & ((1u << PG_slab) | (1u << PG_buddy) |
				     (1u << PG_table))
			      ? 0
			      : page_mapcount(page);
	d->mapping = PageFlag(page, PG_shmem) ? ptr_hash(page->mapping) : 0;
	d->index = page->index;
	page_type_fill(page, d);
	d->anon = PageFlag(page, PG_anon);
	d->owner_pid = page->owner;
	d->memcg = page->memcg;
	if (!PageFlag(page, PG_buddy) && !PageFlag(page, PG_pcp))
		compound_fill(m, (unsigned long)pfn, page, d);
	if (page_flags_fill(page, &d->flags))
		return -ENOMEM;
	return dump_page_owner_fill(m, (unsigned long)pfn, d->page_owner,
				    sizeof(d->page_owner), &d->record);
}

static int dump_page_show(const void *snap, struct seq_buf *s)
{
	const struct dump_page_snapshot *d = snap;

	seq_printf(s,
		   "page:%016llx refcount:%lld mapcount:%lld mapping:%016llx "
		   "index:0x%llx pfn:0x%llx\n",
		   (unsigned long long)d->page, (long long)d->refcount,
		   (long long)d->mapcount, (unsigned long long)d->mapping,
		   (unsigned long long)d->index, (unsigned long long)d->pfn);
	if (d->page_type[0])
		seq_printf(s, "page_type: 0x%llx(%s)\n",
			   (unsigned long long)d->page_type_value,
			   d->page_type);
	seq_printf(s, "%sflags: ", d->anon ? "anon " : "");
	page_flags_show(&d->flags, s);
	seq_printf(s, "\n");
	dump_page_owner_show(d->page_owner, &d->record, s);
	return s->err;
}

#define DP(member, k) SNAP_FIELD(struct dump_page_snapshot, member, k)
static const struct snap_field dump_page_fields[] = {
	DP(pfn, SNAP_U64),
	DP(page, SNAP_U64),
	DP(refcount, SNAP_S64),
	DP(mapcount, SNAP_S64),
	DP(mapping, SNAP_U64),
	DP(index, SNAP_U64),
	DP(page_type, SNAP_CHARS),
	DP(page_type_value, SNAP_U64),
	DP(anon, SNAP_BOOL),
	SNAP_ONE(struct dump_page_snapshot, flags, &page_flags_desc),
	DP(compound, SNAP_BOOL),
	DP(head_pfn, SNAP_U64),
	DP(order, SNAP_U64),
	DP(owner_pid, SNAP_S64),
	DP(memcg, SNAP_S64),
	DP(page_owner, SNAP_CHARS),
	SNAP_ONE(struct dump_page_snapshot, record, &page_owner_record_desc),
};
static const struct snap_desc dump_page_desc =
	SNAP_DESC("DumpPage", struct dump_page_snapshot, dump_page_fields);
const struct report_at_type dump_page_report = {
	{&dump_page_desc, NULL, dump_page_show}, dump_page_fill};

int report_dump_page(const struct machine *m, uint64_t pfn, struct seq_buf *s)
{
	struct report_args a = {.addr = pfn, .cpl = 3, .sreg = -1};

	return report_show_at(&dump_page_report.t, m, &a, s);
}
