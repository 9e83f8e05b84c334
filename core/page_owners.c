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

#include "core/err.h"
#include "core/frame_state.h"
#include "core/fs/fs.h"
#include "core/mm.h"
#include "core/mmz.h"
#include "core/page_alloc.h"
#include "core/rmap.h"
#include "core/slab.h"
#include "core/vmalloc.h"

static int show_mapper(struct machine *m, struct page *page,
		       struct vm_area_struct *vma, uint64_t addr, void *arg)
{
	struct seq_buf *s = arg;
	struct pte_slot slot;
	uint64_t entry;

	if (!page_vma_mapped(m, page, vma, addr, &slot, &entry))
		return 0; /* the family's VMA, but not mapping this page */
	seq_printf(s, "%s pid %d addr 0x%" PRIx64 "\n",
		   PageFlag(page, PG_shmem) ? "shmem" : "anon",
		   vma->vm_mm ? vma->vm_mm->pid : 0, addr);
	return 0;
}

static void show_slab(const struct machine *m, unsigned long pfn,
		      struct seq_buf *s)
{
	struct slab_page_info i;

	if (slab_page_info(m, pfn, &i))
		return;
	seq_printf(s,
		   "slab cache %s objects %u-%u of %u inuse %u slab pfn "
		   "0x%lx\n",
		   kmem_cache_name(i.cache), i.first, i.last, i.objects,
		   i.inuse, i.head_pfn);
}

static bool show_vmalloc(const struct machine *m, unsigned long pfn,
			 struct seq_buf *s)
{
	struct vmalloc_page_owner o;

	if (vmalloc_area_of_pfn(m, pfn, &o))
		return false;
	seq_printf(s, "vmalloc 0x%016" PRIx64 " pages=%u page %u %s pid %d\n",
		   o.start, o.nr_pages, o.index,
		   o.caller ? o.caller
			    : (o.kind == VM_MAP ? "vmap" : "vmalloc"),
		   o.owner);
	return true;
}

static void show_mmz(const struct machine *m, unsigned long pfn,
		     struct seq_buf *s)
{
	const struct mmz_block *b = mmz_find_block(m, pfn_to_phys(m, pfn));

	if (b)
		seq_printf(s, "mmz %s 0x%" PRIx64 " size %" PRIu64 " pid %d\n",
			   b->name, b->phys, b->size, b->owner);
	else
		seq_printf(s, "mmz free\n");
}

/* A frame that is neither free nor user memory: who the kernel holds it for. */
static void show_kernel(struct machine *m, unsigned long pfn, struct seq_buf *s)
{
	const struct page *page = pfn_to_page(m, pfn);

	if (page->mapping && !PageFlag(page, PG_slab)) {
		const struct inode *inode =
			(const struct inode *)(uintptr_t)page->mapping;

		seq_printf(s, "file ino %lu index %" PRIu64 "\n", inode->i_ino,
			   page->index);
		return;
	}
	if (!show_vmalloc(m, pfn, s))
		seq_printf(s, "kernel pid %d\n", page->owner);
}

/*
 * A pgd names its mm, as x86's pgd_set_mm keeps it in the pgd's page;
 * a lower table keeps no owner (as on Linux), and the kernel's own
 * tables (init_mm's) have none either.
 */
static void show_table(const struct page *page, struct seq_buf *s)
{
	const struct mm_struct *mm =
		(const struct mm_struct *)(uintptr_t)page->mapping;

	if (mm)
		seq_printf(s, "pagetable pid %d pgd\n", mm->pid);
	else
		seq_printf(s, "pagetable\n");
}

static void show_owners(struct machine *m, unsigned long pfn,
			enum frame_state st, struct seq_buf *s)
{
	struct page *page = pfn_to_page(m, pfn);

	switch (st) {
	case FRAME_MMZ:
		return show_mmz(m, pfn, s);
	case FRAME_SLAB:
		return show_slab(m, pfn, s);
	case FRAME_PAGETABLE:
		return show_table(page, s);
	case FRAME_RESERVED:
		seq_printf(s, "reserved\n");
		return;
	case FRAME_USER:
		rmap_walk(m, page, show_mapper, s);
		return;
	default:
		return show_kernel(m, pfn, s);
	}
}

int report_page_owners(struct machine *m, uint64_t pfn, struct seq_buf *s)
{
	enum frame_state st;
	unsigned int order;

	if (pfn >= m->max_pfn)
		return mm_refuse(m, BAD_PFN, -EINVAL,
				 "pfn %#llx is past RAM (%lu frames)",
				 (unsigned long long)pfn, m->max_pfn);
	st = frame_state(m, (unsigned long)pfn, &order);
	if (st == FRAME_HOLE)
		return mm_refuse(m, BAD_PFN, -EINVAL,
				 "pfn %#llx lies in a hole: no struct page",
				 (unsigned long long)pfn);
	if (st == FRAME_FREE || st == FRAME_PCP)
		return mm_refuse(m, BAD_PFN, -ENOENT,
				 "pfn %#llx is free (%s, order %u): no owner",
				 (unsigned long long)pfn,
				 st == FRAME_FREE ? "buddy" : "per-cpu", order);
	show_owners(m, (unsigned long)pfn, st, s);
	return s->err;
}
