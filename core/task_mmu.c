/* SPDX-License-Identifier: MIT */
/*
 * task_mmu.c - a process's memory as /proc/PID shows it: maps,
 * numa_maps, the Vm* lines of status, and the page walk behind mmctl
 * pagewalk.
 *
 * Owns: the formats of fs/proc/task_mmu.c's show_map_vma, show_numa_map
 * and task_mem, and their reports' snapshots.
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

static void show_frame(const struct machine *m, const struct pgtable_walk *w,
		       struct seq_buf *s)
{
	const struct page *page = pfn_to_page(m, w->pfn);
	unsigned long head = w->pfn & ~((w->page_size >> m->page_shift) - 1);

	seq_printf(s, "Frame:\tpfn %#lx, phys %#llx, %llu kB page\n", w->pfn,
		   (unsigned long long)pfn_to_phys(m, w->pfn),
		   (unsigned long long)(w->page_size >> 10));
	if (w->pfn == m->zero_pfn) {
		seq_printf(s, "Page:\tthe shared zero page\n");
		return;
	}
	if (w->page_size > m->page_size && is_huge_zero_pfn(m, head)) {
		seq_printf(s, "Page:\tthe huge zero page\n");
		return;
	}
	/* A huge page's struct page is its head's, as a folio's is. */
	if (w->page_size > m->page_size) {
		seq_printf(s, "Head:\tpfn %#lx, order %u%s\n", head,
			   pfn_to_page(m, head)->private,
			   PageFlag(pfn_to_page(m, head), PG_anon)
				   ? ", a transparent huge page"
				   : "");
		page = pfn_to_page(m, head);
	}
	seq_printf(s,
		   "Page:\tflags %#x%s%s%s%s%s, _refcount %d, _mapcount %d, "
		   "index %#llx\n",
		   page->flags & ((1u << NR_PAGEFLAGS) - 1),
		   PageFlag(page, PG_anon) ? " anon" : "",
		   PageFlag(page, PG_shmem) ? " shmem" : "",
		   PageFlag(page, PG_lru) ? " lru" : "",
		   PageFlag(page, PG_active) ? " active" : "",
		   PageFlag(page, PG_swapbacked) ? " swapbacked" : "",
		   page->_refcount, page->_mapcount,
		   (unsigned long long)page->index);
}

int report_pagewalk(const struct machine *m, int pid, uint64_t addr,
		    struct seq_buf *s)
{
	struct pgtable_walk w;
	int err = pid_pagewalk(m, pid, addr, &w);
	uint64_t last;

	if (err)
		return err;
	seq_printf(s, "Address:\t%#llx\n", (unsigned long long)addr);
	for (int l = 0; l < w.levels; l++)
		seq_printf(s,
			   "%s:\tindex %3u  entry %#018llx  table pfn %#lx\n",
			   w.level[l].name, w.level[l].index,
			   (unsigned long long)w.level[l].entry,
			   w.level[l].table_pfn);
	last = w.levels ? w.level[w.levels - 1].entry : 0;
	if (w.present)
		show_frame(m, &w, s);
	else if (pte_is_swap(last))
		seq_printf(s, "Swap:\ttype %u, offset %#lx\n", swp_type(last),
			   swp_offset(last));
	else if (pte_protnone(last))
		seq_printf(s, "Frame:\tpfn %#lx, PROT_NONE\n",
			   pte_pfn(m, last));
	else
		seq_printf(s, "Frame:\tnone (not present)\n");
	return s->err;
}

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
