/* SPDX-License-Identifier: MIT */
/*
 * page_owners.c - who holds one frame now, as a reader follows a page
 * to its owners: rmap for user pages (rmap_walk over the anon_vma's
 * family or the shmem object's VMAs, as Linux's rmap_walk does over the
 * anon_vma or the file's i_mmap), the slab's cache, the vmalloc area,
 * the page table's mm, the page cache's file, the media block.
 *
 * Owns: only the report. Must never change a page or a mapping.
 */
#include "core/page_owners.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/frame_state.h"
#include "core/fs/fs.h"
#include "core/mm.h"
#include "core/mmz.h"
#include "core/page_alloc.h"
#include "core/rmap.h"
#include "core/slab.h"
#include "core/vmalloc.h"

/* The next holder, the array grown as rmap finds more. */
static struct page_holder_snapshot *holder_new(struct page_owners_snapshot *po,
					       const char *kind)
{
	struct page_holder_snapshot *h;

	if (po->nr_owners == po->cap) {
		size_t cap = po->cap ? po->cap * 2 : 4;
		void *more = realloc(po->owners, cap * sizeof(*h));

		if (!more)
			return NULL;
		po->owners = more;
		po->cap = cap;
	}
	h = &po->owners[po->nr_owners++];
	*h = (struct page_holder_snapshot){0};
	snprintf(h->kind, sizeof(h->kind), "%s", kind);
	return h;
}

/* A fill that ran out of host memory says so through its snapshot. */
#define HOLDER(po, kind, h)                                                    \
	do {                                                                   \
		(h) = holder_new((po), (kind));                                \
		if (!(h))                                                      \
			return -ENOMEM;                                        \
	} while (0)

static int add_mapper(struct machine *m, struct page *page,
		      struct vm_area_struct *vma, uint64_t addr, void *arg)
{
	struct page_owners_snapshot *po = arg;
	struct page_holder_snapshot *h;
	struct pte_slot slot;
	uint64_t entry;

	if (!page_vma_mapped(m, page, vma, addr, &slot, &entry))
		return 0; /* the family's VMA, but not mapping this page */
	HOLDER(po, PageFlag(page, PG_shmem) ? "shmem" : "anon", h);
	h->pid = vma->vm_mm ? vma->vm_mm->pid : 0;
	h->addr = addr;
	h->vm_start = vma->vm_start;
	h->vm_end = vma->vm_end;
	return 0;
}

static int add_slab(const struct machine *m, unsigned long pfn,
		    struct page_owners_snapshot *po)
{
	struct page_holder_snapshot *h;
	struct slab_page_info i;

	if (slab_page_info(m, pfn, &i))
		return 0;
	HOLDER(po, "slab", h);
	h->name = snap_strdup(kmem_cache_name(i.cache));
	h->first_object = i.first;
	h->last_object = i.last;
	h->objects = i.objects;
	h->inuse = i.inuse;
	h->head_pfn = i.head_pfn;
	return h->name ? 0 : -ENOMEM;
}

/* 1 when a vmalloc area holds pfn, 0 when none, or -ENOMEM. */
static int add_vmalloc(const struct machine *m, unsigned long pfn,
		       struct page_owners_snapshot *po)
{
	struct page_holder_snapshot *h;
	struct vmalloc_page_owner o;

	if (vmalloc_area_of_pfn(m, pfn, &o))
		return 0;
	HOLDER(po, "vmalloc", h);
	h->start = o.start;
	h->nr_pages = o.nr_pages;
	h->index = o.index;
	h->name = snap_strdup(
		o.caller ? o.caller : (o.kind == VM_MAP ? "vmap" : "vmalloc"));
	h->pid = o.owner;
	return h->name ? 1 : -ENOMEM;
}

static int add_mmz(const struct machine *m, unsigned long pfn,
		   struct page_owners_snapshot *po)
{
	const struct mmz_block *b = mmz_find_block(m, pfn_to_phys(m, pfn));
	struct page_holder_snapshot *h;

	HOLDER(po, b ? "mmz" : "mmz_free", h);
	if (!b)
		return 0;
	h->name = snap_strdup(b->name);
	h->phys = b->phys;
	h->size = b->size;
	h->pid = b->owner;
	return h->name ? 0 : -ENOMEM;
}

/* A frame that is neither free nor user memory: who the kernel holds it for. */
static int add_kernel(const struct machine *m, unsigned long pfn,
		      struct page_owners_snapshot *po)
{
	const struct page *page = pfn_to_page(m, pfn);
	struct page_holder_snapshot *h;
	int err;

	if (page->mapping && !PageFlag(page, PG_slab)) {
		const struct inode *inode =
			(const struct inode *)(uintptr_t)page->mapping;

		HOLDER(po, "file", h);
		h->ino = inode->i_ino;
		h->index = page->index;
		return 0;
	}
	err = add_vmalloc(m, pfn, po);
	if (err)
		return err < 0 ? err : 0;
	HOLDER(po, "kernel", h);
	h->pid = page->owner;
	return 0;
}

/*
 * A pgd names its mm, as x86's pgd_set_mm keeps it in the pgd's page;
 * a lower table keeps no owner (as on Linux), and the kernel's own
 * tables (init_mm's) have none either.
 */
static int add_table(const struct page *page, struct page_owners_snapshot *po)
{
	const struct mm_struct *mm =
		(const struct mm_struct *)(uintptr_t)page->mapping;
	struct page_holder_snapshot *h;

	HOLDER(po, "pagetable", h);
	h->pgd = mm != NULL;
	h->pid = mm ? mm->pid : 0;
	return 0;
}

static int add_owners(struct machine *m, unsigned long pfn, enum frame_state st,
		      struct page_owners_snapshot *po)
{
	struct page *page = pfn_to_page(m, pfn);
	struct page_holder_snapshot *h;

	switch (st) {
	case FRAME_FREE:
	case FRAME_PCP:
		return 0; /* no owner: the state and order say it */
	case FRAME_MMZ:
		return add_mmz(m, pfn, po);
	case FRAME_SLAB:
		return add_slab(m, pfn, po);
	case FRAME_PAGETABLE:
		return add_table(page, po);
	case FRAME_RESERVED:
		HOLDER(po, "reserved", h);
		return 0;
	case FRAME_USER:
		return rmap_walk(m, page, add_mapper, po);
	default:
		return add_kernel(m, pfn, po);
	}
}

/* A refusal's count and message are a report's only write (its reader
 * sees why in m->errmsg): the machine is otherwise read only. */
static struct machine *unconst(const struct machine *m)
{
	return (struct machine *)(uintptr_t)m;
}

/* The frame's state, refused past RAM and in a hole. */
static int owners_state(const struct machine *m, uint64_t pfn,
			enum frame_state *st, unsigned int *order)
{
	if (pfn >= m->max_pfn)
		return mm_refuse(unconst(m), BAD_PFN, -EINVAL,
				 "pfn %#llx is past RAM (%lu frames)",
				 (unsigned long long)pfn, m->max_pfn);
	*st = frame_state(m, (unsigned long)pfn, order);
	if (*st == FRAME_HOLE)
		return mm_refuse(unconst(m), BAD_PFN, -EINVAL,
				 "pfn %#llx lies in a hole: no struct page",
				 (unsigned long long)pfn);
	return 0;
}

/*
 * rmap_walk's machine and page are not const only for the walks that
 * change what they find; add_mapper reads, as the report promises.
 */
static int page_owners_fill(const struct machine *m,
			    const struct report_args *a, void *snap)
{
	struct page_owners_snapshot *po = snap;
	enum frame_state st;
	unsigned int order = 0;
	int err = owners_state(m, a->addr, &st, &order);

	if (err)
		return err;
	po->pfn = a->addr;
	snprintf(po->state, sizeof(po->state), "%s", frame_state_names[st]);
	if (st == FRAME_FREE || st == FRAME_PCP)
		po->order = order;
	return add_owners((struct machine *)m, (unsigned long)a->addr, st, po);
}

static void show_holder(const struct page_holder_snapshot *h, struct seq_buf *s)
{
	const char *k = h->kind;

	if (!strcmp(k, "anon") || !strcmp(k, "shmem"))
		seq_printf(s, "%s pid %lld addr 0x%" PRIx64 "\n", k,
			   (long long)h->pid, h->addr);
	else if (!strcmp(k, "slab"))
		seq_printf(s,
			   "slab cache %s objects %" PRIu64 "-%" PRIu64
			   " of %" PRIu64 " inuse %" PRIu64
			   " slab pfn 0x%" PRIx64 "\n",
			   h->name, h->first_object, h->last_object, h->objects,
			   h->inuse, h->head_pfn);
	else if (!strcmp(k, "vmalloc"))
		seq_printf(s,
			   "vmalloc 0x%016" PRIx64 " pages=%" PRIu64
			   " page %" PRIu64 " %s pid %lld\n",
			   h->start, h->nr_pages, h->index, h->name,
			   (long long)h->pid);
	else if (!strcmp(k, "mmz"))
		seq_printf(s,
			   "mmz %s 0x%" PRIx64 " size %" PRIu64 " pid %lld\n",
			   h->name, h->phys, h->size, (long long)h->pid);
	else if (!strcmp(k, "mmz_free"))
		seq_printf(s, "mmz free\n");
	else if (!strcmp(k, "file"))
		seq_printf(s, "file ino %" PRIu64 " index %" PRIu64 "\n",
			   h->ino, h->index);
	else if (!strcmp(k, "pagetable") && h->pgd)
		seq_printf(s, "pagetable pid %lld pgd\n", (long long)h->pid);
	else if (!strcmp(k, "kernel"))
		seq_printf(s, "kernel pid %lld\n", (long long)h->pid);
	else /* "pagetable" of no mm, "reserved" */
		seq_printf(s, "%s\n", k);
}

static int page_owners_show(const void *snap, struct seq_buf *s)
{
	const struct page_owners_snapshot *po = snap;

	for (size_t i = 0; i < po->nr_owners; i++)
		show_holder(&po->owners[i], s);
	return s->err;
}

#define PH(member, k) SNAP_FIELD(struct page_holder_snapshot, member, k)
static const struct snap_field holder_fields[] = {
	PH(kind, SNAP_CHARS),	    PH(pid, SNAP_S64),
	PH(addr, SNAP_U64),	    PH(vm_start, SNAP_U64),
	PH(vm_end, SNAP_U64),	    PH(name, SNAP_STR),
	PH(first_object, SNAP_U64), PH(last_object, SNAP_U64),
	PH(objects, SNAP_U64),	    PH(inuse, SNAP_U64),
	PH(head_pfn, SNAP_U64),	    PH(start, SNAP_U64),
	PH(nr_pages, SNAP_U64),	    PH(index, SNAP_U64),
	PH(pgd, SNAP_BOOL),	    PH(ino, SNAP_U64),
	PH(phys, SNAP_U64),	    PH(size, SNAP_U64),
};
static const struct snap_desc holder_desc =
	SNAP_DESC("PageHolder", struct page_holder_snapshot, holder_fields);
static const struct snap_field page_owners_fields[] = {
	SNAP_FIELD(struct page_owners_snapshot, pfn, SNAP_U64),
	SNAP_FIELD(struct page_owners_snapshot, state, SNAP_CHARS),
	SNAP_FIELD(struct page_owners_snapshot, order, SNAP_U64),
	SNAP_ARRAY(struct page_owners_snapshot, owners, nr_owners, SNAP_ITEMS,
		   &holder_desc),
};
static const struct snap_desc page_owners_desc = SNAP_DESC(
	"PageOwners", struct page_owners_snapshot, page_owners_fields);
const struct report_at_type page_owners_report = {
	{&page_owners_desc, NULL, page_owners_show}, page_owners_fill};

int report_page_owners(const struct machine *m, uint64_t pfn, struct seq_buf *s)
{
	struct report_args a = {.addr = pfn, .cpl = 3, .sreg = -1};
	enum frame_state st;
	unsigned int order;
	int err = owners_state(m, pfn, &st, &order);

	if (err)
		return err;
	/* The text has no line for a free frame: it has no owner. */
	if (st == FRAME_FREE || st == FRAME_PCP)
		return mm_refuse(unconst(m), BAD_PFN, -ENOENT,
				 "pfn %#llx is free (%s, order %u): no owner",
				 (unsigned long long)pfn,
				 st == FRAME_FREE ? "buddy" : "per-cpu", order);
	return report_show_at(&page_owners_report.t, m, &a, s);
}
