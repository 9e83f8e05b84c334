/* SPDX-License-Identifier: MIT */
/*
 * task_mmu.c - a process's memory as /proc/PID shows it: maps, smaps,
 * smaps_rollup, pagemap, numa_maps, the Vm* lines of status, and the
 * page walk behind mmctl pagewalk.
 *
 * Owns: the formats of fs/proc/task_mmu.c's show_map_vma, show_smap,
 * show_smaps_rollup, pagemap_read, show_numa_map and task_mem, and
 * their reports' snapshots.
 * Must never: change what it reports on (a walk reads entries, it does
 * not set accessed bits).
 */
#include "core/task_mmu.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/fs/fs.h"
#include "core/huge_mm.h"
#include "core/memory.h"
#include "core/mm.h"
#include "core/oom_kill.h"
#include "core/shmem.h"
#include "core/swap.h"
#include "core/task.h"

static const struct mm_struct *pid_mm(const struct machine *m, int pid)
{
	const struct task_struct *t = find_task_by_pid(m, pid);

	return t ? t->mm : NULL;
}

/* The device, inode and page offset maps shows for a VMA. */
static void vma_file_fields(const struct machine *m,
			    const struct vm_area_struct *vma, unsigned int *maj,
			    unsigned int *min, unsigned long *ino,
			    unsigned long long *off)
{
	*maj = *min = 0;
	*ino = 0;
	*off = 0;
	if (vma->vm_file) {
		const struct inode *inode = vma->vm_file->f_inode;

		/* A device node lives on devtmpfs (0:5), a file on mmblk0. */
		if ((inode->i_mode & S_IFMT_) == S_IFCHR_)
			*min = 5;
		else
			*maj = MMBLK_MAJOR;
		*ino = inode->i_ino;
	} else if (vma->shmem) {
		*min = 1;
		*ino = vma->shmem->ino;
	}
	if (vma->vm_file || vma->shmem || (vma->vm_flags & VM_PFNMAP))
		*off = (unsigned long long)vma->vm_pgoff << m->page_shift;
}

/* A file's path as d_path gives it, " (deleted)" once unlinked. */
static void vma_file_name(const struct vm_area_struct *vma, char *buf,
			  size_t len)
{
	const struct inode *inode = vma->vm_file->f_inode;
	size_t n;

	inode_path(inode, buf, len);
	n = strlen(buf);
	if (!inode->i_nlink && n < len)
		snprintf(buf + n, len - n, " (deleted)");
}

static const char *vma_name(const struct mm_struct *mm,
			    const struct vm_area_struct *vma)
{
	if (vma->shmem)
		return "/dev/zero (deleted)";
	/* vma_is_initial_heap: any VMA the break's range meets. */
	if (vma->vm_start < mm->brk && vma->vm_end > mm->start_brk)
		return "[heap]";
	if (vma->vm_start <= mm->start_stack && vma->vm_end > mm->start_stack)
		return "[stack]";
	return NULL;
}

static void map_vma(const struct machine *m, const struct mm_struct *mm,
		    const struct vm_area_struct *vma, struct vma_snapshot *v)
{
	unsigned long flags = vma->vm_flags;
	const char *name = vma_name(mm, vma);
	char path[2 * NAME_MAX_ + 16];
	unsigned long long off;
	unsigned int maj, min;
	unsigned long ino;

	vma_file_fields(m, vma, &maj, &min, &ino, &off);
	if (vma->vm_file) {
		vma_file_name(vma, path, sizeof(path));
		name = path;
	}
	v->start = vma->vm_start;
	v->end = vma->vm_end;
	snprintf(v->perms, sizeof(v->perms), "%c%c%c%c",
		 flags & VM_READ ? 'r' : '-', flags & VM_WRITE ? 'w' : '-',
		 flags & VM_EXEC ? 'x' : '-', flags & VM_MAYSHARE ? 's' : 'p');
	v->offset = off;
	snprintf(v->dev, sizeof(v->dev), "%02x:%02x", maj, min);
	v->inode = ino;
	snprintf(v->name, sizeof(v->name), "%s", name ? name : "");
}

int pid_maps_fill(const struct machine *m, int pid, void *snap)
{
	struct maps_snapshot *ms = snap;
	const struct mm_struct *mm = pid_mm(m, pid);

	if (!mm)
		return -ESRCH;
	ms->pointer_size = m->layout.arch == ARCH_X86_64 ? 8 : 4;
	ms->vmas = snap_alloc(mm->map_count, sizeof(*ms->vmas));
	if (!ms->vmas)
		return -ENOMEM;
	for (unsigned int i = 0; i < mm->map_count; i++)
		map_vma(m, mm, mm->vmas[i], &ms->vmas[ms->nr_vmas++]);
	return 0;
}

/* One line, as show_map_vma: the name padded to a fixed column. */
int pid_maps_show(const void *snap, struct seq_buf *s)
{
	const struct maps_snapshot *ms = snap;
	int width = 25 + 6 * (int)ms->pointer_size;

	for (size_t i = 0; i < ms->nr_vmas; i++) {
		const struct vma_snapshot *v = &ms->vmas[i];
		int n = 0;

		seq_printf(s, "%08llx-%08llx %s %08llx %s %llu %n",
			   (unsigned long long)v->start,
			   (unsigned long long)v->end, v->perms,
			   (unsigned long long)v->offset, v->dev,
			   (unsigned long long)v->inode, &n);
		if (v->name[0])
			seq_printf(s, "%*s%s", n < width ? width - n : 0, "",
				   v->name);
		seq_printf(s, "\n");
	}
	return s->err;
}

int report_pid_maps(const struct machine *m, int pid, struct seq_buf *s)
{
	return report_show(&pid_maps_report, m, pid, s);
}

static void fill_vm(const struct machine *m, const struct mm_struct *mm,
		    struct status_snapshot *st)
{
	unsigned long kb = m->page_size >> 10, rss = get_mm_rss(mm);

	st->vm_peak = mm->hiwater_vm * kb;
	st->vm_size = mm->total_vm * kb;
	st->vm_lck = mm->locked_vm * kb;
	st->vm_hwm = (mm->hiwater_rss > rss ? mm->hiwater_rss : rss) * kb;
	st->vm_rss = rss * kb;
	st->rss_anon = (unsigned long)mm->rss_stat[MM_ANONPAGES] * kb;
	st->rss_file = (unsigned long)mm->rss_stat[MM_FILEPAGES] * kb;
	st->rss_shmem = (unsigned long)mm->rss_stat[MM_SHMEMPAGES] * kb;
	st->vm_data = mm->data_vm * kb;
	st->vm_stk = mm->stack_vm * kb;
	st->vm_pte = mm_pgtables(m, mm) * kb;
	st->vm_swap = (unsigned long)mm->rss_stat[MM_SWAPENTS] * kb;
	st->hugetlb_pages = mm->hugetlb_pages * kb;
}

int pid_status_fill(const struct machine *m, int pid, void *snap)
{
	struct status_snapshot *st = snap;
	const struct task_struct *t = find_task_by_pid(m, pid);
	unsigned long kb = m->page_size >> 10;

	if (!t || !t->mm)
		return -ESRCH;
	snprintf(st->name, sizeof(st->name), "%s", t->comm);
	st->pid = t->pid;
	st->p_pid = t->leader == t->pid ? 0 : t->leader;
	fill_vm(m, t->mm, st);
	/* Not Linux's: its charge against limits.pages, as a memcg's. */
	st->charged = t->memory.usage * kb;
	st->charged_peak = t->memory.watermark * kb;
	st->charge_limit = (uint64_t)m->layout.limits.pages * kb;
	st->charge_failcnt = t->memory.failcnt;
	st->charge_refused = t->memory.refused;
	st->cpus_allowed_list = t->cpu;
	st->uid = t->uid;
	st->cpu = t->cpu;
	st->oom_score_adj = t->oom_score_adj;
	st->pages = t->nr_pages;
	st->objects = t->nr_objects;
	return 0;
}

static void status_kb(struct seq_buf *s, const char *name, uint64_t kb)
{
	seq_printf(s, "%s:\t%8llu kB\n", name, (unsigned long long)kb);
}

static void show_vm(const struct status_snapshot *st, struct seq_buf *s)
{
	status_kb(s, "VmPeak", st->vm_peak);
	status_kb(s, "VmSize", st->vm_size);
	status_kb(s, "VmLck", st->vm_lck);
	status_kb(s, "VmPin", st->vm_pin);
	status_kb(s, "VmHWM", st->vm_hwm);
	status_kb(s, "VmRSS", st->vm_rss);
	status_kb(s, "RssAnon", st->rss_anon);
	status_kb(s, "RssFile", st->rss_file);
	status_kb(s, "RssShmem", st->rss_shmem);
	status_kb(s, "VmData", st->vm_data);
	status_kb(s, "VmStk", st->vm_stk);
	status_kb(s, "VmExe", st->vm_exe);
	status_kb(s, "VmLib", st->vm_lib);
	status_kb(s, "VmPTE", st->vm_pte);
	status_kb(s, "VmSwap", st->vm_swap);
	status_kb(s, "HugetlbPages", st->hugetlb_pages);
}

/* The kernel's lines, then mm's own: the session's (host_pid set by
 * the daemon) and the task's place in the machine. */
int pid_status_show(const void *snap, struct seq_buf *s)
{
	const struct status_snapshot *st = snap;

	seq_printf(s, "Name:\t%s\nPid:\t%lld\nPPid:\t%lld\n", st->name,
		   (long long)st->pid, (long long)st->p_pid);
	show_vm(st, s);
	status_kb(s, "Charged", st->charged);
	status_kb(s, "ChargedPeak", st->charged_peak);
	status_kb(s, "ChargeLimit", st->charge_limit);
	seq_printf(s, "ChargeFailcnt:\t%llu\n",
		   (unsigned long long)st->charge_failcnt);
	seq_printf(s, "ChargeRefused:\t%llu\n",
		   (unsigned long long)st->charge_refused);
	seq_printf(s, "Cpus_allowed_list:\t%llu\n",
		   (unsigned long long)st->cpus_allowed_list);
	if (st->host_pid)
		seq_printf(s, "Uid:\t%llu\nGid:\t%llu\nHostPid:\t%lld\n",
			   (unsigned long long)st->uid,
			   (unsigned long long)st->gid,
			   (long long)st->host_pid);
	seq_printf(s,
		   "Cpu:\t%llu\noom_score_adj:\t%lld\nPages:\t%llu\n"
		   "Objects:\t%llu\n",
		   (unsigned long long)st->cpu, (long long)st->oom_score_adj,
		   (unsigned long long)st->pages,
		   (unsigned long long)st->objects);
	return s->err;
}

int report_pid_status(const struct machine *m, int pid, struct seq_buf *s)
{
	return report_show(&pid_status_report, m, pid, s);
}

#define VF(member, k) SNAP_FIELD(struct vma_snapshot, member, k)
static const struct snap_field vma_fields[] = {
	VF(start, SNAP_U64),  VF(end, SNAP_U64),   VF(perms, SNAP_CHARS),
	VF(offset, SNAP_U64), VF(dev, SNAP_CHARS), VF(inode, SNAP_U64),
	VF(name, SNAP_CHARS),
};
static const struct snap_desc vma_desc =
	SNAP_DESC("Vma", struct vma_snapshot, vma_fields);
static const struct snap_field maps_fields[] = {
	SNAP_ARRAY(struct maps_snapshot, vmas, nr_vmas, SNAP_ITEMS, &vma_desc),
	SNAP_FIELD(struct maps_snapshot, pointer_size, SNAP_U64),
};
static const struct snap_desc maps_desc =
	SNAP_DESC("Maps", struct maps_snapshot, maps_fields);
const struct report_type pid_maps_report = {&maps_desc, pid_maps_fill,
					    pid_maps_show};

#define SF(member) SNAP_FIELD(struct status_snapshot, member, SNAP_U64)
static const struct snap_field status_fields[] = {
	SNAP_FIELD(struct status_snapshot, name, SNAP_CHARS),
	SNAP_FIELD(struct status_snapshot, pid, SNAP_S64),
	SNAP_FIELD(struct status_snapshot, p_pid, SNAP_S64),
	SF(vm_peak),
	SF(vm_size),
	SF(vm_lck),
	SF(vm_pin),
	SF(vm_hwm),
	SF(vm_rss),
	SF(rss_anon),
	SF(rss_file),
	SF(rss_shmem),
	SF(vm_data),
	SF(vm_stk),
	SF(vm_exe),
	SF(vm_lib),
	SF(vm_pte),
	SF(vm_swap),
	SF(hugetlb_pages),
	SF(charged),
	SF(charged_peak),
	SF(charge_limit),
	SF(charge_failcnt),
	SF(charge_refused),
	SF(cpus_allowed_list),
	SF(uid),
	SF(gid),
	SNAP_FIELD(struct status_snapshot, host_pid, SNAP_S64),
	SF(cpu),
	SNAP_FIELD(struct status_snapshot, oom_score_adj, SNAP_S64),
	SF(pages),
	SF(objects),
};
static const struct snap_desc status_desc =
	SNAP_DESC("Status", struct status_snapshot, status_fields);
const struct report_type pid_status_report = {&status_desc, pid_status_fill,
					      pid_status_show};

int pid_pagewalk(const struct machine *m, int pid, uint64_t addr,
		 struct pgtable_walk *w)
{
	const struct mm_struct *mm = pid_mm(m, pid);

	if (!mm)
		return -ESRCH;
	return pgtable_walk(m, mm->pgd, addr, w);
}

/* A present entry's bits by their _PAGE_ names, in bit order. */
static int entry_bits(uint64_t entry, struct pagewalk_level_snapshot *l)
{
	static const struct {
		uint64_t bit;
		const char *name;
	} bits[] = {
		{_PAGE_PRESENT, "present"}, {_PAGE_RW, "rw"},
		{_PAGE_USER, "user"},	    {_PAGE_PWT, "pwt"},
		{_PAGE_PCD, "pcd"},	    {_PAGE_ACCESSED, "accessed"},
		{_PAGE_DIRTY, "dirty"},	    {_PAGE_PSE, "pse"},
		{_PAGE_GLOBAL, "global"},   {_PAGE_NX, "nx"},
	};
	const char *names[sizeof(bits) / sizeof(bits[0])];
	size_t n = 0;

	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++)
		if ((entry & _PAGE_PRESENT) && (entry & bits[i].bit))
			names[n++] = bits[i].name;
	return snap_names(names, n, &l->bits, &l->nr_bits);
}

/* The frame at the end of a walk that found one, and its struct page. */
static int fill_frame(const struct machine *m, const struct pgtable_walk *w,
		      struct pagewalk_snapshot *p)
{
	const struct page *page = pfn_to_page(m, w->pfn);
	unsigned long head = w->pfn & ~((w->page_size >> m->page_shift) - 1);
	const char *names[5];
	size_t n = 0;

	snprintf(p->stop, sizeof(p->stop), "frame");
	p->pfn = w->pfn;
	p->phys = pfn_to_phys(m, w->pfn);
	p->page_size = w->page_size;
	p->zero_page = w->pfn == m->zero_pfn;
	p->huge_zero_page = !p->zero_page && w->page_size > m->page_size &&
			    is_huge_zero_pfn(m, head);
	if (p->zero_page || p->huge_zero_page)
		return 0;
	/* A huge page's struct page is its head's, as a folio's is. */
	if (w->page_size > m->page_size) {
		page = pfn_to_page(m, head);
		p->huge = true;
		p->head_pfn = head;
		p->head_order = page->private;
		p->thp = PageFlag(page, PG_anon);
	}
	p->page_flags = page->flags & ((1u << NR_PAGEFLAGS) - 1);
	if (PageFlag(page, PG_anon))
		names[n++] = "anon";
	if (PageFlag(page, PG_shmem))
		names[n++] = "shmem";
	if (PageFlag(page, PG_lru))
		names[n++] = "lru";
	if (PageFlag(page, PG_active))
		names[n++] = "active";
	if (PageFlag(page, PG_swapbacked))
		names[n++] = "swapbacked";
	p->refcount = page->_refcount;
	p->mapcount = page->_mapcount;
	p->index = page->index;
	return snap_names(names, n, &p->page_flag_names,
			  &p->nr_page_flag_names);
}

static int pagewalk_fill(const struct machine *m, const struct report_args *a,
			 void *snap)
{
	struct pagewalk_snapshot *p = snap;
	struct pgtable_walk w;
	int err = pid_pagewalk(m, a->pid, a->addr, &w);
	uint64_t last;

	if (err)
		return err;
	p->address = a->addr;
	p->levels = snap_alloc((size_t)w.levels, sizeof(*p->levels));
	if (!p->levels)
		return -ENOMEM;
	for (int l = 0; l < w.levels; l++) {
		struct pagewalk_level_snapshot *ls = &p->levels[p->nr_levels++];

		snprintf(ls->name, sizeof(ls->name), "%s", w.level[l].name);
		ls->index = w.level[l].index;
		ls->entry = w.level[l].entry;
		ls->table_pfn = w.level[l].table_pfn;
		err = entry_bits(ls->entry, ls);
		if (err)
			return err;
	}
	last = w.levels ? w.level[w.levels - 1].entry : 0;
	if (w.present)
		return fill_frame(m, &w, p);
	if (pte_is_swap(last)) {
		snprintf(p->stop, sizeof(p->stop), "swap");
		p->swap_type = swp_type(last);
		p->swap_offset = swp_offset(last);
	} else if (pte_protnone(last)) {
		snprintf(p->stop, sizeof(p->stop), "prot_none");
		p->pfn = pte_pfn(m, last);
	} else {
		snprintf(p->stop, sizeof(p->stop), "none");
	}
	return 0;
}

static void show_frame(const struct pagewalk_snapshot *p, struct seq_buf *s)
{
	seq_printf(s, "Frame:\tpfn %#llx, phys %#llx, %llu kB page\n",
		   (unsigned long long)p->pfn, (unsigned long long)p->phys,
		   (unsigned long long)(p->page_size >> 10));
	if (p->zero_page) {
		seq_printf(s, "Page:\tthe shared zero page\n");
		return;
	}
	if (p->huge_zero_page) {
		seq_printf(s, "Page:\tthe huge zero page\n");
		return;
	}
	if (p->huge)
		seq_printf(s, "Head:\tpfn %#llx, order %llu%s\n",
			   (unsigned long long)p->head_pfn,
			   (unsigned long long)p->head_order,
			   p->thp ? ", a transparent huge page" : "");
	seq_printf(s, "Page:\tflags %#llx", (unsigned long long)p->page_flags);
	for (size_t i = 0; i < p->nr_page_flag_names; i++)
		seq_printf(s, " %s", p->page_flag_names[i]);
	seq_printf(s, ", _refcount %lld, _mapcount %lld, index %#llx\n",
		   (long long)p->refcount, (long long)p->mapcount,
		   (unsigned long long)p->index);
}

static int pagewalk_show(const void *snap, struct seq_buf *s)
{
	const struct pagewalk_snapshot *p = snap;

	seq_printf(s, "Address:\t%#llx\n", (unsigned long long)p->address);
	for (size_t l = 0; l < p->nr_levels; l++)
		seq_printf(
			s,
			"%s:\tindex %3llu  entry %#018llx  table pfn %#llx\n",
			p->levels[l].name,
			(unsigned long long)p->levels[l].index,
			(unsigned long long)p->levels[l].entry,
			(unsigned long long)p->levels[l].table_pfn);
	if (!strcmp(p->stop, "frame"))
		show_frame(p, s);
	else if (!strcmp(p->stop, "swap"))
		seq_printf(s, "Swap:\ttype %llu, offset %#llx\n",
			   (unsigned long long)p->swap_type,
			   (unsigned long long)p->swap_offset);
	else if (!strcmp(p->stop, "prot_none"))
		seq_printf(s, "Frame:\tpfn %#llx, PROT_NONE\n",
			   (unsigned long long)p->pfn);
	else
		seq_printf(s, "Frame:\tnone (not present)\n");
	return s->err;
}

int report_pagewalk(const struct machine *m, int pid, uint64_t addr,
		    struct seq_buf *s)
{
	struct report_args a = {.pid = pid, .addr = addr, .sreg = -1};

	return report_show_at(&pagewalk_report.t, m, &a, s);
}

#define PL(member, k) SNAP_FIELD(struct pagewalk_level_snapshot, member, k)
static const struct snap_field pagewalk_level_fields[] = {
	PL(name, SNAP_CHARS),
	PL(index, SNAP_U64),
	PL(entry, SNAP_U64),
	PL(table_pfn, SNAP_U64),
	SNAP_ARRAY(struct pagewalk_level_snapshot, bits, nr_bits, SNAP_STRS,
		   NULL),
};
static const struct snap_desc pagewalk_level_desc = SNAP_DESC(
	"PagewalkLevel", struct pagewalk_level_snapshot, pagewalk_level_fields);
#define PW(member, k) SNAP_FIELD(struct pagewalk_snapshot, member, k)
static const struct snap_field pagewalk_fields[] = {
	PW(address, SNAP_U64),
	SNAP_ARRAY(struct pagewalk_snapshot, levels, nr_levels, SNAP_ITEMS,
		   &pagewalk_level_desc),
	PW(stop, SNAP_CHARS),
	PW(pfn, SNAP_U64),
	PW(phys, SNAP_U64),
	PW(page_size, SNAP_U64),
	PW(zero_page, SNAP_BOOL),
	PW(huge_zero_page, SNAP_BOOL),
	PW(huge, SNAP_BOOL),
	PW(head_pfn, SNAP_U64),
	PW(head_order, SNAP_U64),
	PW(thp, SNAP_BOOL),
	PW(page_flags, SNAP_U64),
	SNAP_ARRAY(struct pagewalk_snapshot, page_flag_names,
		   nr_page_flag_names, SNAP_STRS, NULL),
	PW(refcount, SNAP_S64),
	PW(mapcount, SNAP_S64),
	PW(index, SNAP_U64),
	PW(swap_type, SNAP_U64),
	PW(swap_offset, SNAP_U64),
};
static const struct snap_desc pagewalk_desc =
	SNAP_DESC("Pagewalk", struct pagewalk_snapshot, pagewalk_fields);
const struct report_at_type pagewalk_report = {
	{&pagewalk_desc, NULL, pagewalk_show}, pagewalk_fill};

/* What numa_maps counts over one VMA, as its struct numa_maps. */
struct numa_maps {
	unsigned long pages, anon, active, dirty, mapcount_max;
	unsigned long node[MAX_NUMNODES];
};

struct numa_walk {
	const struct machine *m;
	struct numa_maps *md;
};

static int gather_one(void *ctx, uint64_t addr, uint64_t pte,
		      uint64_t page_size)
{
	struct numa_walk *w = ctx;
	const struct machine *m = w->m;
	struct numa_maps *md = w->md;
	unsigned long pfn = pte_pfn(m, pte);
	const struct page *page;
	unsigned long n = page_size >> m->page_shift;

	(void)addr;
	if (!pte_present(pte) || pfn == m->zero_pfn || !pfn_valid(m, pfn) ||
	    is_huge_zero_pfn(m, pfn))
		return 0;
	page = pfn_to_page(m, pfn);
	md->pages += n;
	md->anon += PageFlag(page, PG_anon) ? n : 0;
	md->active += PageFlag(page, PG_active) ? n : 0;
	md->dirty += (pte & _PAGE_DIRTY) || PageFlag(page, PG_dirty) ? n : 0;
	if ((unsigned long)page_mapcount(page) > md->mapcount_max)
		md->mapcount_max = (unsigned long)page_mapcount(page);
	md->node[page_to_nid(page)] += n;
	return 0;
}

/* The VMA's present pages, by the entries that exist, as the walk. */
static void gather_pte_stats(const struct machine *m,
			     const struct mm_struct *mm,
			     const struct vm_area_struct *vma,
			     struct numa_maps *md)
{
	struct numa_walk w = {m, md};

	pgtable_for_each_leaf(m, mm->pgd, vma->vm_start, vma->vm_end,
			      gather_one, &w);
}

/* One VMA, as show_numa_map takes it: its policy, then its pages. */
static int fill_numa_map(const struct machine *m, const struct task_struct *t,
			 const struct vm_area_struct *vma,
			 struct numa_maps_vma_snapshot *v)
{
	const struct mempolicy *pol = vma->vm_policy.mode != MPOL_DEFAULT
					      ? &vma->vm_policy
					      : &t->mempolicy;
	const char *name = vma_name(t->mm, vma);
	struct numa_maps md = {0};

	v->start = vma->vm_start;
	mpol_to_str(pol, v->policy, sizeof(v->policy));
	if (name && name[1] == 'h')
		snprintf(v->name, sizeof(v->name), "heap");
	else if (name && name[1] == 's')
		snprintf(v->name, sizeof(v->name), "stack");
	gather_pte_stats(m, t->mm, vma, &md);
	v->pages = md.pages;
	v->anon = md.anon;
	v->dirty = md.dirty;
	v->mapmax = md.mapcount_max;
	v->active = md.active;
	v->kernelpagesize_kb = m->page_size >> 10;
	v->nodes = snap_alloc(m->nr_node_ids, sizeof(*v->nodes));
	if (!v->nodes)
		return -ENOMEM;
	v->nr_nodes = m->nr_node_ids;
	for (unsigned int n = 0; n < m->nr_node_ids; n++)
		v->nodes[n] = md.node[n];
	return 0;
}

int pid_numa_maps_fill(const struct machine *m, int pid, void *snap)
{
	struct numa_maps_snapshot *ns = snap;
	const struct task_struct *t = find_task_by_pid(m, pid);
	int err = 0;

	if (!t || !t->mm)
		return -ESRCH;
	ns->vmas = snap_alloc(t->mm->map_count, sizeof(*ns->vmas));
	if (!ns->vmas)
		return -ENOMEM;
	for (unsigned int i = 0; i < t->mm->map_count && !err; i++)
		err = fill_numa_map(m, t, t->mm->vmas[i],
				    &ns->vmas[ns->nr_vmas++]);
	return err;
}

/* What a VMA's pages are, as show_numa_map prints only what says much. */
static void show_numa_pages(const struct numa_maps_vma_snapshot *v,
			    struct seq_buf *s)
{
	if (v->anon)
		seq_printf(s, " anon=%llu", (unsigned long long)v->anon);
	if (v->dirty)
		seq_printf(s, " dirty=%llu", (unsigned long long)v->dirty);
	if (v->pages != v->anon && v->pages != v->dirty)
		seq_printf(s, " mapped=%llu", (unsigned long long)v->pages);
	if (v->mapmax > 1)
		seq_printf(s, " mapmax=%llu", (unsigned long long)v->mapmax);
	if (v->active < v->pages)
		seq_printf(s, " active=%llu", (unsigned long long)v->active);
	for (size_t n = 0; n < v->nr_nodes; n++)
		if (v->nodes[n])
			seq_printf(s, " N%zu=%llu", n,
				   (unsigned long long)v->nodes[n]);
	seq_printf(s, " kernelpagesize_kB=%llu",
		   (unsigned long long)v->kernelpagesize_kb);
}

int pid_numa_maps_show(const void *snap, struct seq_buf *s)
{
	const struct numa_maps_snapshot *ns = snap;

	for (size_t i = 0; i < ns->nr_vmas; i++) {
		const struct numa_maps_vma_snapshot *v = &ns->vmas[i];

		seq_printf(s, "%08llx %s", (unsigned long long)v->start,
			   v->policy);
		if (v->name[0])
			seq_printf(s, " %s", v->name);
		if (v->pages)
			show_numa_pages(v, s);
		seq_printf(s, "\n");
	}
	return s->err;
}

#define NF(member, k) SNAP_FIELD(struct numa_maps_vma_snapshot, member, k)
static const struct snap_field numa_maps_vma_fields[] = {
	NF(start, SNAP_U64),
	NF(policy, SNAP_CHARS),
	NF(name, SNAP_CHARS),
	NF(pages, SNAP_U64),
	NF(anon, SNAP_U64),
	NF(dirty, SNAP_U64),
	NF(mapmax, SNAP_U64),
	NF(active, SNAP_U64),
	SNAP_ARRAY(struct numa_maps_vma_snapshot, nodes, nr_nodes, SNAP_U64S,
		   NULL),
	NF(kernelpagesize_kb, SNAP_U64),
};
#undef NF
static const struct snap_desc numa_maps_vma_desc = SNAP_DESC(
	"NumaMapsVma", struct numa_maps_vma_snapshot, numa_maps_vma_fields);
static const struct snap_field numa_maps_fields[] = {
	SNAP_ARRAY(struct numa_maps_snapshot, vmas, nr_vmas, SNAP_ITEMS,
		   &numa_maps_vma_desc),
};
static const struct snap_desc numa_maps_desc =
	SNAP_DESC("NumaMaps", struct numa_maps_snapshot, numa_maps_fields);
const struct report_type pid_numa_maps_report = {
	&numa_maps_desc, pid_numa_maps_fill, pid_numa_maps_show};

int report_pid_numa_maps(const struct machine *m, int pid, struct seq_buf *s)
{
	return report_show(&pid_numa_maps_report, m, pid, s);
}

/* ------------------------------------------------------------------ */
/* /proc/PID/smaps and smaps_rollup                                    */

#define PSS_SHIFT 12

/* struct mem_size_stats: bytes (pss: bytes << PSS_SHIFT). */
struct mem_size_stats {
	uint64_t resident, shared_clean, shared_dirty, private_clean,
		private_dirty, referenced, anonymous, lazyfree, anonymous_thp,
		shared_hugetlb, private_hugetlb, swap;
	uint64_t pss, pss_anon, pss_file, pss_shmem, pss_dirty, pss_locked,
		swap_pss;
};

/* smaps_page_accumulate: one page's (or a huge page's) share. */
static void smaps_page_accumulate(struct mem_size_stats *mss,
				  const struct page *page, uint64_t size,
				  uint64_t pss, bool dirty, bool locked,
				  bool private)
{
	mss->pss += pss;
	if (PageFlag(page, PG_anon))
		mss->pss_anon += pss;
	else if (PageFlag(page, PG_shmem))
		mss->pss_shmem += pss;
	else
		mss->pss_file += pss;
	if (locked)
		mss->pss_locked += pss;
	if (dirty || PageFlag(page, PG_dirty)) {
		mss->pss_dirty += pss;
		if (private)
			mss->private_dirty += size;
		else
			mss->shared_dirty += size;
	} else if (private) {
		mss->private_clean += size;
	} else {
		mss->shared_clean += size;
	}
}

/* smaps_account: a page mapped by entry, of size bytes. */
static void smaps_account(struct mem_size_stats *mss, const struct page *page,
			  uint64_t size, uint64_t entry, bool locked)
{
	bool dirty = entry & _PAGE_DIRTY;
	int mapcount = page_mapcount(page);

	if (PageFlag(page, PG_anon)) {
		mss->anonymous += size;
		if (!PageFlag(page, PG_swapbacked) && !dirty &&
		    !PageFlag(page, PG_dirty))
			mss->lazyfree += size;
	}
	mss->resident += size;
	if ((entry & _PAGE_ACCESSED) || PageFlag(page, PG_referenced))
		mss->referenced += size;
	if (page->_refcount == 1 || mapcount < 2) {
		smaps_page_accumulate(mss, page, size, size << PSS_SHIFT, dirty,
				      locked, true);
		return;
	}
	smaps_page_accumulate(mss, page, size,
			      (size << PSS_SHIFT) / (uint64_t)mapcount, dirty,
			      locked, false);
}

/* One leaf entry of vma at addr (a page, a THP or a huge page). */
static void smaps_entry(const struct machine *m,
			const struct vm_area_struct *vma, uint64_t entry,
			uint64_t size, struct mem_size_stats *mss)
{
	bool locked = vma->vm_flags & VM_LOCKED;
	unsigned long pfn;
	const struct page *page;

	if (pte_is_swap(entry)) {
		unsigned int n = swap_count(m, swp_offset(entry));

		mss->swap += size;
		mss->swap_pss +=
			n >= 2 ? (size << PSS_SHIFT) / n : size << PSS_SHIFT;
		return;
	}
	if (!pte_maps_page(entry))
		return;
	pfn = pte_pfn(m, entry);
	if (pfn == m->zero_pfn ||
	    (size > m->page_size &&
	     is_huge_zero_pfn(m, pfn & ~((size >> m->page_shift) - 1))))
		return; /* vm_normal_page: no page behind the zero pages */
	page = pfn_to_page(m, pfn & ~((size >> m->page_shift) - 1));
	if (vma->vm_flags & VM_HUGETLB) {
		if (page_mapcount(page) >= 2)
			mss->shared_hugetlb += size;
		else
			mss->private_hugetlb += size;
		return;
	}
	if (size > m->page_size && PageFlag(page, PG_anon))
		mss->anonymous_thp += size;
	smaps_account(mss, page, size, entry, locked);
}

/* smap_gather_stats: a read-only walk of vma's entries. */
static void smap_gather_stats(const struct machine *m,
			      const struct vm_area_struct *vma,
			      struct mem_size_stats *mss)
{
	unsigned int leaf = (vma->vm_flags & VM_HUGETLB)
				    ? pgtable_huge_level(m)
				    : pgtable_levels(m) - 1;

	for (uint64_t addr = vma->vm_start; addr < vma->vm_end;) {
		struct pte_slot slot;
		uint64_t size;

		if (pte_slot_get((struct machine *)m, vma->vm_mm->pgd, addr,
				 leaf, false, &slot)) {
			size = pgtable_level_size(m, slot.level);
			addr = (addr | (size - 1)) + 1;
			if (!addr)
				break;
			continue;
		}
		size = pgtable_level_size(m, slot.level);
		smaps_entry(m, vma, pte_slot_read(m, &slot), size, mss);
		addr = (addr | (size - 1)) + 1;
		if (!addr)
			break;
	}
	/* shmem_swap_usage: a shared mapping's swapped object pages. */
	if (vma->shmem) {
		uint64_t first = vma->vm_pgoff;
		uint64_t last = first + ((vma->vm_end - vma->vm_start) >>
					 m->page_shift);

		for (uint64_t i = first; i < last && i < vma->shmem->nr_pages;
		     i++) {
			uint64_t s = vma->shmem->slots[i];

			if (s && !(s & 1))
				mss->swap += m->page_size;
		}
	}
}

/* The counts in kB, as the text's lines give them. */
static void smaps_counts_fill(const struct mem_size_stats *mss,
			      struct smaps_counts *c)
{
	c->rss = mss->resident >> 10;
	c->pss = mss->pss >> PSS_SHIFT >> 10;
	c->pss_dirty = mss->pss_dirty >> PSS_SHIFT >> 10;
	c->pss_anon = mss->pss_anon >> PSS_SHIFT >> 10;
	c->pss_file = mss->pss_file >> PSS_SHIFT >> 10;
	c->pss_shmem = mss->pss_shmem >> PSS_SHIFT >> 10;
	c->shared_clean = mss->shared_clean >> 10;
	c->shared_dirty = mss->shared_dirty >> 10;
	c->private_clean = mss->private_clean >> 10;
	c->private_dirty = mss->private_dirty >> 10;
	c->referenced = mss->referenced >> 10;
	c->anonymous = mss->anonymous >> 10;
	c->lazy_free = mss->lazyfree >> 10;
	c->anon_huge_pages = mss->anonymous_thp >> 10;
	c->shared_hugetlb = mss->shared_hugetlb >> 10;
	c->private_hugetlb = mss->private_hugetlb >> 10;
	c->swap = mss->swap >> 10;
	c->swap_pss = mss->swap_pss >> PSS_SHIFT >> 10;
	c->locked = mss->pss_locked >> PSS_SHIFT >> 10;
}

/* show_smap_vma_flags' two letters per flag, in bit order. */
static int smaps_vm_flags(unsigned long flags, struct smaps_vma_snapshot *v)
{
	static const char mnemonics[32][3] = {
		[0] = "rd",  [1] = "wr",  [2] = "ex",  [3] = "sh",  [4] = "mr",
		[5] = "mw",  [6] = "me",  [7] = "ms",  [8] = "gd",  [13] = "lo",
		[15] = "sr", [16] = "rr", [17] = "dc", [19] = "lf", [20] = "ac",
		[21] = "nr", [22] = "ht", [25] = "wf", [26] = "dd", [29] = "hg",
		[30] = "nh",
	};

	v->vm_flags = snap_alloc(32, sizeof(*v->vm_flags));
	if (!v->vm_flags)
		return -ENOMEM;
	for (unsigned int i = 0; i < 32; i++) {
		if (!(flags & (1UL << i)) || !mnemonics[i][0])
			continue;
		v->vm_flags[v->nr_vm_flags] = snap_strdup(mnemonics[i]);
		if (!v->vm_flags[v->nr_vm_flags])
			return -ENOMEM;
		v->nr_vm_flags++;
	}
	return 0;
}

static int smaps_vma_fill(const struct machine *m, const struct mm_struct *mm,
			  const struct vm_area_struct *vma,
			  struct smaps_vma_snapshot *v)
{
	struct mem_size_stats mss = {0};
	uint64_t psize = (vma->vm_flags & VM_HUGETLB)
				 ? pgtable_level_size(m, pgtable_huge_level(m))
				 : m->page_size;

	smap_gather_stats(m, vma, &mss);
	map_vma(m, mm, vma, &v->vma);
	v->size = (vma->vm_end - vma->vm_start) >> 10;
	v->kernel_page_size = v->mmu_page_size = psize >> 10;
	smaps_counts_fill(&mss, &v->c);
	v->thp_eligible = thp_vma_allowable(m, vma);
	return smaps_vm_flags(vma->vm_flags, v);
}

int pid_smaps_fill(const struct machine *m, int pid, void *snap)
{
	struct smaps_snapshot *ss = snap;
	const struct mm_struct *mm = pid_mm(m, pid);
	int err = 0;

	if (!mm)
		return -ESRCH;
	ss->pointer_size = m->layout.arch == ARCH_X86_64 ? 8 : 4;
	ss->vmas = snap_alloc(mm->map_count, sizeof(*ss->vmas));
	if (!ss->vmas)
		return -ENOMEM;
	for (unsigned int i = 0; i < mm->map_count && !err; i++)
		err = smaps_vma_fill(m, mm, mm->vmas[i],
				     &ss->vmas[ss->nr_vmas++]);
	return err;
}

static void smaps_kb(struct seq_buf *s, const char *name, uint64_t kb)
{
	seq_printf(s, "%-16s%8llu kB\n", name, (unsigned long long)kb);
}

/* __show_smap: the lines smaps and smaps_rollup share. */
static void show_smap(struct seq_buf *s, const struct smaps_counts *c,
		      bool rollup)
{
	smaps_kb(s, "Rss:", c->rss);
	smaps_kb(s, "Pss:", c->pss);
	smaps_kb(s, "Pss_Dirty:", c->pss_dirty);
	if (rollup) {
		smaps_kb(s, "Pss_Anon:", c->pss_anon);
		smaps_kb(s, "Pss_File:", c->pss_file);
		smaps_kb(s, "Pss_Shmem:", c->pss_shmem);
	}
	smaps_kb(s, "Shared_Clean:", c->shared_clean);
	smaps_kb(s, "Shared_Dirty:", c->shared_dirty);
	smaps_kb(s, "Private_Clean:", c->private_clean);
	smaps_kb(s, "Private_Dirty:", c->private_dirty);
	smaps_kb(s, "Referenced:", c->referenced);
	smaps_kb(s, "Anonymous:", c->anonymous);
	smaps_kb(s, "KSM:", c->ksm);
	smaps_kb(s, "LazyFree:", c->lazy_free);
	smaps_kb(s, "AnonHugePages:", c->anon_huge_pages);
	smaps_kb(s, "ShmemPmdMapped:", c->shmem_pmd_mapped);
	smaps_kb(s, "FilePmdMapped:", c->file_pmd_mapped);
	smaps_kb(s, "Shared_Hugetlb:", c->shared_hugetlb);
	smaps_kb(s, "Private_Hugetlb:", c->private_hugetlb);
	smaps_kb(s, "Swap:", c->swap);
	smaps_kb(s, "SwapPss:", c->swap_pss);
	smaps_kb(s, "Locked:", c->locked);
}

/* show_smap: the maps line (maps' own), then the VMA's lines. */
static void show_smap_vma(const struct smaps_vma_snapshot *v,
			  uint64_t pointer_size, struct seq_buf *s)
{
	struct maps_snapshot one = {(struct vma_snapshot *)&v->vma, 1,
				    pointer_size};

	pid_maps_show(&one, s);
	smaps_kb(s, "Size:", v->size);
	smaps_kb(s, "KernelPageSize:", v->kernel_page_size);
	smaps_kb(s, "MMUPageSize:", v->mmu_page_size);
	show_smap(s, &v->c, false);
	seq_printf(s, "THPeligible:    %8d\n", v->thp_eligible ? 1 : 0);
	seq_printf(s, "VmFlags:");
	for (size_t i = 0; i < v->nr_vm_flags; i++)
		seq_printf(s, " %s", v->vm_flags[i]);
	seq_printf(s, " \n");
}

int pid_smaps_show(const void *snap, struct seq_buf *s)
{
	const struct smaps_snapshot *ss = snap;

	for (size_t i = 0; i < ss->nr_vmas; i++)
		show_smap_vma(&ss->vmas[i], ss->pointer_size, s);
	return s->err;
}

int report_pid_smaps(const struct machine *m, int pid, struct seq_buf *s)
{
	return report_show(&pid_smaps_report, m, pid, s);
}

int pid_smaps_rollup_fill(const struct machine *m, int pid, void *snap)
{
	struct smaps_rollup_snapshot *r = snap;
	const struct mm_struct *mm = pid_mm(m, pid);
	struct mem_size_stats mss = {0};

	if (!mm)
		return -ESRCH;
	for (unsigned int i = 0; i < mm->map_count; i++)
		smap_gather_stats(m, mm->vmas[i], &mss);
	r->pointer_size = m->layout.arch == ARCH_X86_64 ? 8 : 4;
	if (mm->map_count) {
		r->start = mm->vmas[0]->vm_start;
		r->end = mm->vmas[mm->map_count - 1]->vm_end;
	}
	smaps_counts_fill(&mss, &r->c);
	return 0;
}

/* show_smaps_rollup: the range's line, "[rollup]" in the name column. */
int pid_smaps_rollup_show(const void *snap, struct seq_buf *s)
{
	const struct smaps_rollup_snapshot *r = snap;
	int width = r->pointer_size == 8 ? 73 : 49;
	int n = 0;

	seq_printf(s, "%08llx-%08llx ---p 00000000 00:00 0 %n",
		   (unsigned long long)r->start, (unsigned long long)r->end,
		   &n);
	seq_printf(s, "%*s[rollup]\n", n < width ? width - n : 0, "");
	show_smap(s, &r->c, true);
	return s->err;
}

int report_pid_smaps_rollup(const struct machine *m, int pid, struct seq_buf *s)
{
	return report_show(&pid_smaps_rollup_report, m, pid, s);
}

/* The maps line's fields and the counts, flat in the message. */
#define SV_VMA(member, k)                                                      \
	{                                                                      \
#member, k, offsetof(struct smaps_vma_snapshot, vma.member),   \
			0, NULL                                                \
	}
#define SV(member)                                                             \
	{                                                                      \
#member, SNAP_U64,                                             \
			offsetof(struct smaps_vma_snapshot, member), 0, NULL   \
	}
#define SV_C(member)                                                           \
	{                                                                      \
#member, SNAP_U64,                                             \
			offsetof(struct smaps_vma_snapshot, c.member), 0, NULL \
	}
static const struct snap_field smaps_vma_fields[] = {
	SV_VMA(start, SNAP_U64),
	SV_VMA(end, SNAP_U64),
	SV_VMA(perms, SNAP_CHARS),
	SV_VMA(offset, SNAP_U64),
	SV_VMA(dev, SNAP_CHARS),
	SV_VMA(inode, SNAP_U64),
	SV_VMA(name, SNAP_CHARS),
	SV(size),
	SV(kernel_page_size),
	SV(mmu_page_size),
	SV_C(rss),
	SV_C(pss),
	SV_C(pss_dirty),
	SV_C(shared_clean),
	SV_C(shared_dirty),
	SV_C(private_clean),
	SV_C(private_dirty),
	SV_C(referenced),
	SV_C(anonymous),
	SV_C(ksm),
	SV_C(lazy_free),
	SV_C(anon_huge_pages),
	SV_C(shmem_pmd_mapped),
	SV_C(file_pmd_mapped),
	SV_C(shared_hugetlb),
	SV_C(private_hugetlb),
	SV_C(swap),
	SV_C(swap_pss),
	SV_C(locked),
	SNAP_FIELD(struct smaps_vma_snapshot, thp_eligible, SNAP_BOOL),
	SNAP_ARRAY(struct smaps_vma_snapshot, vm_flags, nr_vm_flags, SNAP_STRS,
		   NULL),
};
static const struct snap_desc smaps_vma_desc =
	SNAP_DESC("SmapsVma", struct smaps_vma_snapshot, smaps_vma_fields);
static const struct snap_field smaps_fields[] = {
	SNAP_ARRAY(struct smaps_snapshot, vmas, nr_vmas, SNAP_ITEMS,
		   &smaps_vma_desc),
	SNAP_FIELD(struct smaps_snapshot, pointer_size, SNAP_U64),
};
static const struct snap_desc smaps_desc =
	SNAP_DESC("Smaps", struct smaps_snapshot, smaps_fields);
const struct report_type pid_smaps_report = {&smaps_desc, pid_smaps_fill,
					     pid_smaps_show};

#define SR(member)                                                             \
	{                                                                      \
#member, SNAP_U64,                                             \
			offsetof(struct smaps_rollup_snapshot, c.member), 0,   \
			NULL                                                   \
	}
static const struct snap_field smaps_rollup_fields[] = {
	SNAP_FIELD(struct smaps_rollup_snapshot, start, SNAP_U64),
	SNAP_FIELD(struct smaps_rollup_snapshot, end, SNAP_U64),
	SNAP_FIELD(struct smaps_rollup_snapshot, pointer_size, SNAP_U64),
	SR(rss),
	SR(pss),
	SR(pss_dirty),
	SR(pss_anon),
	SR(pss_file),
	SR(pss_shmem),
	SR(shared_clean),
	SR(shared_dirty),
	SR(private_clean),
	SR(private_dirty),
	SR(referenced),
	SR(anonymous),
	SR(ksm),
	SR(lazy_free),
	SR(anon_huge_pages),
	SR(shmem_pmd_mapped),
	SR(file_pmd_mapped),
	SR(shared_hugetlb),
	SR(private_hugetlb),
	SR(swap),
	SR(swap_pss),
	SR(locked),
};
static const struct snap_desc smaps_rollup_desc = SNAP_DESC(
	"SmapsRollup", struct smaps_rollup_snapshot, smaps_rollup_fields);
const struct report_type pid_smaps_rollup_report = {
	&smaps_rollup_desc, pid_smaps_rollup_fill, pid_smaps_rollup_show};

/* ------------------------------------------------------------------ */
/* /proc/PID/pagemap                                                   */

/* pte_to_pagemap_entry: one page's u64, as pagemap.rst lays it out. */
static uint64_t pagemap_entry(const struct machine *m,
			      const struct vm_area_struct *vma, uint64_t entry,
			      uint64_t size, uint64_t addr)
{
	uint64_t pme = 0;
	unsigned long pfn;
	const struct page *page;

	/* A guard marker: a swap entry to pagemap, with PM_GUARD_REGION. */
	if (pte_is_swap(entry) || pte_is_guard(entry))
		return PM_SWAP | (pte_is_guard(entry) ? PM_GUARD_REGION : 0) |
		       ((uint64_t)swp_type(entry) & 0x1f) |
		       (((uint64_t)swp_offset(entry) << 5) & PM_PFRAME_MASK);
	if (!pte_maps_page(entry))
		return 0;
	pfn = pte_pfn(m, entry) +
	      (unsigned long)((addr & (size - 1)) >> m->page_shift);
	pme = PM_PRESENT | ((uint64_t)pfn & PM_PFRAME_MASK);
	if (pfn == m->zero_pfn ||
	    (size > m->page_size && is_huge_zero_pfn(m, pte_pfn(m, entry))))
		return pme; /* vm_normal_page: none */
	page = pfn_to_page(m, pte_pfn(m, entry));
	if (!PageFlag(page, PG_anon) && !(vma->vm_flags & VM_HUGETLB))
		pme |= PM_FILE;
	if (page_mapcount(page) == 1)
		pme |= PM_MMAP_EXCLUSIVE;
	return pme;
}

/* The entry into buf as the file holds it: a little-endian u64. */
static void put_le64(uint8_t *buf, uint64_t v)
{
	for (int b = 0; b < 8; b++)
		buf[b] = (uint8_t)(v >> (8 * b));
}

int pagemap_read(const struct machine *m, int pid, uint64_t addr,
		 uint64_t count, uint8_t *out, uint64_t *nr)
{
	const struct mm_struct *mm = pid_mm(m, pid);
	uint64_t vaddr = addr & ~(uint64_t)(m->page_size - 1), i;

	if (!mm)
		return -ESRCH;
	for (i = 0; i < count && vaddr < mm->task_size;
	     i++, vaddr += m->page_size) {
		const struct vm_area_struct *vma = find_vma(mm, vaddr);
		unsigned int leaf;
		struct pte_slot slot;

		put_le64(out + i * 8, 0);
		if (!vma || vma->vm_start > vaddr)
			continue;
		leaf = (vma->vm_flags & VM_HUGETLB) ? pgtable_huge_level(m)
						    : pgtable_levels(m) - 1;
		if (pte_slot_get((struct machine *)m, mm->pgd, vaddr, leaf,
				 false, &slot))
			continue;
		put_le64(out + i * 8,
			 pagemap_entry(m, vma, pte_slot_read(m, &slot),
				       pgtable_level_size(m, slot.level),
				       vaddr));
	}
	*nr = i;
	return 0;
}
