/* SPDX-License-Identifier: MIT */
/*
 * page_owner.c - who allocated each block, and who freed it last
 * (Linux's mm/page_owner.c, on with the layout's kernel.page_owner as
 * Linux's page_owner=on), and /sys/kernel/debug/page_owner.
 *
 * Owns: the records, kept per pfn beside mem_map in sections made on
 * first use (as page_ext's), so a machine pays for the memory its
 * allocations touched. A record sits on a block's first pfn. The call
 * the client made stands where the kernel keeps a stack. Must never:
 * change a page, or run at all when page_owner is off.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/debug.h"
#include "core/err.h"
#include "core/page_alloc.h"
#include "core/page_owner.h"
#include "core/pid.h"
#include "core/sparse.h"
#include "core/task.h"
#include "core/vmstat.h"

#define SECTION_SHIFT 12 /* records per section: 4096 */
#define SECTION_SIZE  (1UL << SECTION_SHIFT)

struct page_owner_state {
	struct page_owner **sections;
	unsigned long nr_sections;
	uint64_t clock; /* the machine's clock: one tick per event */
};

int page_owner_init(struct machine *m)
{
	struct page_owner_state *po;

	if (!m->layout.kernel.page_owner)
		return 0;
	po = calloc(1, sizeof(*po));
	if (!po)
		return -ENOMEM;
	po->nr_sections = (m->max_pfn + SECTION_SIZE - 1) >> SECTION_SHIFT;
	po->sections = calloc(po->nr_sections, sizeof(*po->sections));
	if (!po->sections) {
		free(po);
		return -ENOMEM;
	}
	m->page_owner = po;
	return 0;
}

void page_owner_exit(struct machine *m)
{
	struct page_owner_state *po = m->page_owner;

	if (!po)
		return;
	for (unsigned long i = 0; i < po->nr_sections; i++)
		free(po->sections[i]);
	free(po->sections);
	free(po);
	m->page_owner = NULL;
}

const struct page_owner *get_page_owner(const struct machine *m,
					unsigned long pfn)
{
	const struct page_owner_state *po = m->page_owner;
	const struct page_owner *sec;

	if (!po || pfn >= m->max_pfn)
		return NULL;
	sec = po->sections[pfn >> SECTION_SHIFT];
	if (!sec || !sec[pfn & (SECTION_SIZE - 1)].call)
		return NULL;
	return &sec[pfn & (SECTION_SIZE - 1)];
}

/*
 * The record of pfn, its section made on first use. Without host
 * memory for it the record is lost, as page_ext's would be: the
 * checker then finds a block with no record, so it counts the loss.
 */
static struct page_owner *page_owner_slot(struct machine *m, unsigned long pfn)
{
	struct page_owner_state *po = m->page_owner;
	struct page_owner **sec = &po->sections[pfn >> SECTION_SHIFT];

	if (!*sec)
		*sec = calloc(SECTION_SIZE, sizeof(**sec));
	return *sec ? &(*sec)[pfn & (SECTION_SIZE - 1)] : NULL;
}

/* The current task's pid, tgid and name; the kernel's own is swapper. */
static void owner_task(const struct machine *m, int32_t *pid, int32_t *tgid,
		       char *comm, size_t len)
{
	const struct task_struct *t =
		m->current_pid ? find_task_by_pid(m, m->current_pid) : NULL;

	*pid = *tgid = t ? t->pid : 0;
	if (comm)
		snprintf(comm, len, "%s", t ? t->comm : "swapper/0");
}

void __set_page_owner(struct machine *m, const struct page *page,
		      unsigned int order, gfp_t gfp)
{
	struct page_owner *po = page_owner_slot(m, page_to_pfn(m, page));

	if (!po)
		return;
	po->order = (uint8_t)order;
	po->allocated = true;
	po->last_migrate_reason = -1;
	po->gfp_mask = gfp;
	po->call = m->call ? m->call : "alloc_pages";
	po->ts_nsec = ++m->page_owner->clock;
	owner_task(m, &po->pid, &po->tgid, po->comm, sizeof(po->comm));
}

void __reset_page_owner(struct machine *m, const struct page *page,
			unsigned int order)
{
	struct page_owner *po = page_owner_slot(m, page_to_pfn(m, page));

	(void)order;
	if (!po)
		return;
	po->allocated = false;
	po->free_call = m->call ? m->call : "__free_pages";
	po->free_ts_nsec = ++m->page_owner->clock;
	owner_task(m, &po->free_pid, &po->free_tgid, NULL, 0);
	if (!po->call) /* freed, never recorded as allocated */
		po->call = "alloc_pages";
}

void __copy_page_owner(struct machine *m, const struct page *old,
		       const struct page *newpage, int reason)
{
	const struct page_owner *from = get_page_owner(m, page_to_pfn(m, old));
	struct page_owner *to = page_owner_slot(m, page_to_pfn(m, newpage));

	if (!from || !to)
		return;
	/* The new page's record is the old one's: who asked for the data. */
	to->order = from->order;
	to->gfp_mask = from->gfp_mask;
	to->call = from->call;
	to->ts_nsec = from->ts_nsec;
	to->pid = from->pid;
	to->tgid = from->tgid;
	memcpy(to->comm, from->comm, sizeof(to->comm));
	to->last_migrate_reason = (int8_t)reason;
	to->allocated = true;
}

static const char *const migrate_reason_names[] = {
	"compaction",	     "memory_failure",	"memory_hotplug",
	"syscall_or_cpuset", "mempolicy_mbind", "numa_misplaced",
	"contig_range",	     "longterm_pin",	"demotion"};

static int record_fill(const struct machine *m, const struct page_owner *po,
		       struct page_owner_record_snapshot *r)
{
	r->order = po->order;
	r->gfp_mask = po->gfp_mask;
	snprintf(r->migratetype, sizeof(r->migratetype), "%s",
		 migratetype_names[gfp_migratetype(m, po->gfp_mask)]);
	r->pid = po->pid;
	r->tgid = po->tgid;
	snprintf(r->comm, sizeof(r->comm), "%s", po->comm);
	r->ts_nsec = po->ts_nsec;
	r->allocated = po->allocated;
	r->free_pid = po->free_pid;
	r->free_tgid = po->free_tgid;
	r->free_ts_nsec = po->free_ts_nsec;
	if (po->last_migrate_reason >= 0)
		snprintf(r->migrate_reason, sizeof(r->migrate_reason), "%s",
			 migrate_reason_names[po->last_migrate_reason]);
	r->call = snap_strdup(po->call);
	r->free_call = snap_strdup(po->free_call);
	if (!r->call || !r->free_call)
		return -ENOMEM;
	return gfp_flags_fill(po->gfp_mask, &r->gfp_flags, &r->nr_gfp_flags);
}

#define PR(member, k) SNAP_FIELD(struct page_owner_record_snapshot, member, k)
static const struct snap_field record_fields[] = {
	PR(order, SNAP_U64),
	PR(gfp_mask, SNAP_U64),
	SNAP_ARRAY(struct page_owner_record_snapshot, gfp_flags, nr_gfp_flags,
		   SNAP_STRS, NULL),
	PR(migratetype, SNAP_CHARS),
	PR(pid, SNAP_S64),
	PR(tgid, SNAP_S64),
	PR(comm, SNAP_CHARS),
	PR(ts_nsec, SNAP_U64),
	PR(call, SNAP_STR),
	PR(allocated, SNAP_BOOL),
	PR(free_pid, SNAP_S64),
	PR(free_tgid, SNAP_S64),
	PR(free_ts_nsec, SNAP_U64),
	PR(free_call, SNAP_STR),
	PR(migrate_reason, SNAP_CHARS),
};
const struct snap_desc page_owner_record_desc = SNAP_DESC(
	"PageOwnerRecord", struct page_owner_record_snapshot, record_fields);

/* A mask as "%#x(%pGg)", from the record's names. */
static void record_gfp_show(const struct page_owner_record_snapshot *r,
			    struct seq_buf *s)
{
	seq_printf(s, "0x%llx(", (unsigned long long)r->gfp_mask);
	snap_join((const char *const *)r->gfp_flags, r->nr_gfp_flags, '|', s);
	seq_printf(s, ")");
}

/* print_page_owner, for one block of the snapshot. */
static void print_page_owner(const struct page_owner_block_snapshot *b,
			     struct seq_buf *s)
{
	const struct page_owner_record_snapshot *r = &b->record;

	seq_printf(s, "Page allocated via order %llu, mask ",
		   (unsigned long long)r->order);
	record_gfp_show(r, s);
	seq_printf(s, ", pid %lld, tgid %lld (%s), ts %llu ns\n",
		   (long long)r->pid, (long long)r->tgid, r->comm,
		   (unsigned long long)r->ts_nsec);
	seq_printf(s, "PFN 0x%llx type %s Block %llu type %s Flags ",
		   (unsigned long long)b->pfn, r->migratetype,
		   (unsigned long long)b->pageblock, b->pageblock_migratetype);
	page_flags_show(&b->flags, s);
	seq_printf(s, "\n %s\n", r->call);
	if (r->migrate_reason[0])
		seq_printf(s,
			   "Page has been migrated, last migrate reason: %s\n",
			   r->migrate_reason);
	if (b->slab)
		seq_printf(s, "Slab cache page\n");
	else if (b->memcg)
		seq_printf(s, "Charged to memcg %lld\n", (long long)b->memcg);
	seq_printf(s, "\n");
}

/* Calls fn for every allocated block's record, in pfn order. */
static int
for_each_owned_block(const struct machine *m,
		     int (*fn)(const struct machine *m, unsigned long pfn,
			       const struct page_owner *po, void *arg),
		     void *arg)
{
	for (unsigned long pfn = 0; pfn < m->max_pfn; pfn++) {
		const struct page_owner *po;
		int err;

		/* A section no block was ever recorded in is skipped whole. */
		if (!m->page_owner->sections[pfn >> SECTION_SHIFT]) {
			pfn |= SECTION_SIZE - 1;
			continue;
		}
		po = get_page_owner(m, pfn);

		/* Free blocks keep their last record: not shown, as Linux. */
		if (!po || !po->allocated)
			continue;
		err = fn(m, pfn, po, arg);
		if (err)
			return err;
		pfn += (1UL << po->order) - 1;
	}
	return 0;
}

static int count_block(const struct machine *m, unsigned long pfn,
		       const struct page_owner *po, void *arg)
{
	(void)m;
	(void)pfn;
	(void)po;
	++*(size_t *)arg;
	return 0;
}

static int block_fill(const struct machine *m, unsigned long pfn,
		      const struct page_owner *po, void *arg)
{
	struct page_owner_snapshot *ps = arg;
	struct page_owner_block_snapshot *b = &ps->blocks[ps->nr_blocks++];
	const struct page *page = pfn_to_page(m, pfn);

	b->pfn = pfn;
	b->pageblock = pfn >> m->pageblock_order;
	snprintf(b->pageblock_migratetype, sizeof(b->pageblock_migratetype),
		 "%s", migratetype_names[get_pfnblock_migratetype(m, pfn)]);
	b->slab = PageFlag(page, PG_slab);
	b->memcg = page->memcg;
	if (page_flags_fill(page, &b->flags))
		return -ENOMEM;
	return record_fill(m, po, &b->record);
}

static int page_owner_fill(const struct machine *m, int pid, void *snap)
{
	struct page_owner_snapshot *ps = snap;
	size_t n = 0;

	(void)pid;
	/* The refusal's message is the report's only write. */
	if (!m->page_owner)
		return mm_refuse((struct machine *)(uintptr_t)m, BAD_NONE,
				 -EOPNOTSUPP,
				 "page_owner is off (the layout's "
				 "kernel.page_owner: 0)");
	for_each_owned_block(m, count_block, &n);
	ps->blocks = snap_alloc(n, sizeof(*ps->blocks));
	if (!ps->blocks)
		return -ENOMEM;
	return for_each_owned_block(m, block_fill, ps);
}

static int page_owner_show(const void *snap, struct seq_buf *s)
{
	const struct page_owner_snapshot *ps = snap;

	for (size_t i = 0; i < ps->nr_blocks; i++)
		print_page_owner(&ps->blocks[i], s);
	return s->err;
}

#define PB(member, k) SNAP_FIELD(struct page_owner_block_snapshot, member, k)
static const struct snap_field block_fields[] = {
	PB(pfn, SNAP_U64),
	SNAP_ONE(struct page_owner_block_snapshot, record,
		 &page_owner_record_desc),
	PB(pageblock, SNAP_U64),
	PB(pageblock_migratetype, SNAP_CHARS),
	SNAP_ONE(struct page_owner_block_snapshot, flags, &page_flags_desc),
	PB(slab, SNAP_BOOL),
	PB(memcg, SNAP_S64),
};
static const struct snap_desc block_desc = SNAP_DESC(
	"PageOwnerBlock", struct page_owner_block_snapshot, block_fields);
static const struct snap_field page_owner_fields[] = {
	SNAP_ARRAY(struct page_owner_snapshot, blocks, nr_blocks, SNAP_ITEMS,
		   &block_desc),
};
static const struct snap_desc page_owner_desc =
	SNAP_DESC("PageOwner", struct page_owner_snapshot, page_owner_fields);
const struct report_type page_owner_report = {&page_owner_desc, page_owner_fill,
					      page_owner_show};

int report_page_owner(const struct machine *m, struct seq_buf *s)
{
	return report_show(&page_owner_report, m, 0, s);
}

/* The allocated block pfn lies in: its head's record, or a free one. */
static const struct page_owner *block_owner(const struct machine *m,
					    unsigned long pfn)
{
	for (unsigned int o = 0; o <= m->max_order; o++) {
		unsigned long head = pfn & ~((1UL << o) - 1);
		const struct page_owner *po = get_page_owner(m, head);

		if (po && po->allocated && head + (1UL << po->order) > pfn)
			return po;
	}
	return get_page_owner(m, pfn);
}

int dump_page_owner_fill(const struct machine *m, unsigned long pfn,
			 char *state, size_t len,
			 struct page_owner_record_snapshot *r)
{
	const struct page_owner *po;

	if (!m->page_owner)
		return 0;
	po = block_owner(m, pfn);
	snprintf(state, len, "%s",
		 !po		 ? "missing"
		 : po->allocated ? "allocated"
				 : "freed");
	return po ? record_fill(m, po, r) : 0;
}

void dump_page_owner_show(const char *state,
			  const struct page_owner_record_snapshot *r,
			  struct seq_buf *s)
{
	if (!state[0])
		return;
	if (!strcmp(state, "missing")) {
		seq_printf(s, "page_owner info is not present (never set?)\n");
		return;
	}
	seq_printf(s, "page_owner tracks the page as %s\n", state);
	seq_printf(s,
		   "page last allocated via order %llu, migratetype %s, "
		   "gfp_mask ",
		   (unsigned long long)r->order, r->migratetype);
	record_gfp_show(r, s);
	seq_printf(s, ", pid %lld, tgid %lld (%s), ts %llu, free_ts %llu\n",
		   (long long)r->pid, (long long)r->tgid, r->comm,
		   (unsigned long long)r->ts_nsec,
		   (unsigned long long)r->free_ts_nsec);
	seq_printf(s, " %s\n", r->call);
	if (!r->free_call[0])
		seq_printf(s, "page_owner free stack trace missing\n");
	else
		seq_printf(s,
			   "page last free pid %lld tgid %lld stack trace:\n "
			   "%s\n",
			   (long long)r->free_pid, (long long)r->free_tgid,
			   r->free_call);
	if (r->migrate_reason[0])
		seq_printf(s,
			   "page has been migrated, last migrate reason: %s\n",
			   r->migrate_reason);
}

/* A record says allocated exactly where a block is allocated. */
static int check_pfn(const struct machine *m, unsigned long pfn, char *why,
		     size_t len)
{
	const struct page *page = pfn_to_page(m, pfn);
	const struct page_owner *po = get_page_owner(m, pfn);
	bool head = PageFlag(page, PG_head);

	if (head && (!po || !po->allocated))
		return check_failed(why, len,
				    "page_owner: the block at pfn %#lx has no "
				    "allocation record",
				    pfn);
	if (!head && po && po->allocated)
		return check_failed(why, len,
				    "page_owner: pfn %#lx is recorded as "
				    "allocated but is not a block's head",
				    pfn);
	if (head && po->order != page->private)
		return check_failed(why, len,
				    "page_owner: pfn %#lx recorded with order "
				    "%u, allocated with order %u",
				    pfn, po->order, page->private);
	return 0;
}

int page_owner_check(const struct machine *m, char *why, size_t len)
{
	if (!m->page_owner)
		return 0;
	unsigned long pfn;

	for_each_written_pfn(m, pfn, 0, m->max_pfn)
	{
		int err = check_pfn(m, pfn, why, len);

		if (err)
			return err;
	}
	return 0;
}
