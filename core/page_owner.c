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

static const char *const migrate_reason_names[] = {"compaction"};

/* print_page_owner, for the block at pfn. */
static void print_page_owner(const struct machine *m, unsigned long pfn,
			     const struct page_owner *po, struct seq_buf *s)
{
	const struct page *page = pfn_to_page(m, pfn);

	seq_printf(s, "Page allocated via order %u, mask ", po->order);
	seq_gfp(s, po->gfp_mask);
	seq_printf(s, ", pid %d, tgid %d (%s), ts %llu ns\n", po->pid, po->tgid,
		   po->comm, (unsigned long long)po->ts_nsec);
	seq_printf(s, "PFN 0x%lx type %s Block %lu type %s Flags ", pfn,
		   migratetype_names[gfp_migratetype(m, po->gfp_mask)],
		   pfn >> m->pageblock_order,
		   migratetype_names[get_pfnblock_migratetype(m, pfn)]);
	seq_page_flags(s, page);
	seq_printf(s, "\n %s\n", po->call);
	if (po->last_migrate_reason >= 0)
		seq_printf(s,
			   "Page has been migrated, last migrate reason: %s\n",
			   migrate_reason_names[po->last_migrate_reason]);
	if (PageFlag(page, PG_slab))
		seq_printf(s, "Slab cache page\n");
	else if (page->memcg)
		seq_printf(s, "Charged to memcg %d\n", page->memcg);
	seq_printf(s, "\n");
}

int report_page_owner(const struct machine *m, struct seq_buf *s)
{
	if (!m->page_owner)
		return -EOPNOTSUPP;
	for (unsigned long pfn = 0; pfn < m->max_pfn; pfn++) {
		const struct page_owner *po;

		/* A section no block was ever recorded in is skipped whole. */
		if (!m->page_owner->sections[pfn >> SECTION_SHIFT]) {
			pfn |= SECTION_SIZE - 1;
			continue;
		}
		po = get_page_owner(m, pfn);

		/* Free blocks keep their last record: not shown, as Linux. */
		if (!po || !po->allocated)
			continue;
		print_page_owner(m, pfn, po, s);
		pfn += (1UL << po->order) - 1;
	}
	return s->err;
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

void dump_page_owner(const struct machine *m, unsigned long pfn,
		     struct seq_buf *s)
{
	const struct page_owner *po;

	if (!m->page_owner)
		return;
	po = block_owner(m, pfn);
	if (!po) {
		seq_printf(s, "page_owner info is not present (never set?)\n");
		return;
	}
	seq_printf(s, "page_owner tracks the page as %s\n",
		   po->allocated ? "allocated" : "freed");
	seq_printf(s,
		   "page last allocated via order %u, migratetype %s, "
		   "gfp_mask ",
		   po->order,
		   migratetype_names[gfp_migratetype(m, po->gfp_mask)]);
	seq_gfp(s, po->gfp_mask);
	seq_printf(s, ", pid %d, tgid %d (%s), ts %llu, free_ts %llu\n",
		   po->pid, po->tgid, po->comm, (unsigned long long)po->ts_nsec,
		   (unsigned long long)po->free_ts_nsec);
	seq_printf(s, " %s\n", po->call);
	if (!po->free_call)
		seq_printf(s, "page_owner free stack trace missing\n");
	else
		seq_printf(s,
			   "page last free pid %d tgid %d stack trace:\n %s\n",
			   po->free_pid, po->free_tgid, po->free_call);
	if (po->last_migrate_reason >= 0)
		seq_printf(s,
			   "page has been migrated, last migrate reason: %s\n",
			   migrate_reason_names[po->last_migrate_reason]);
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
