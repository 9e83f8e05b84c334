/* SPDX-License-Identifier: MIT */
/*
 * task_mmu.c - a process's memory as /proc/PID shows it: maps, the Vm*
 * lines of status, and the page walk behind mmctl pagewalk.
 *
 * Owns: the formats of fs/proc/task_mmu.c's show_map_vma and task_mem.
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

/* One line, as show_map_vma: the name padded to a fixed column. */
static void show_map_vma(const struct machine *m, const struct mm_struct *mm,
			 const struct vm_area_struct *vma, struct seq_buf *s)
{
	unsigned long flags = vma->vm_flags;
	const char *name = vma_name(mm, vma);
	int width = m->layout.arch == ARCH_X86_64 ? 73 : 49;
	char path[2 * NAME_MAX_ + 16];
	unsigned long long off;
	unsigned int maj, min;
	unsigned long ino;
	int n = 0;

	vma_file_fields(m, vma, &maj, &min, &ino, &off);
	if (vma->vm_file) {
		vma_file_name(vma, path, sizeof(path));
		name = path;
	}
	seq_printf(s, "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu %n",
		   (unsigned long)vma->vm_start, (unsigned long)vma->vm_end,
		   flags & VM_READ ? 'r' : '-', flags & VM_WRITE ? 'w' : '-',
		   flags & VM_EXEC ? 'x' : '-', flags & VM_MAYSHARE ? 's' : 'p',
		   off, maj, min, ino, &n);
	if (name)
		seq_printf(s, "%*s%s", n < width ? width - n : 0, "", name);
	seq_printf(s, "\n");
}

int report_pid_maps(const struct machine *m, int pid, struct seq_buf *s)
{
	const struct mm_struct *mm = pid_mm(m, pid);

	if (!mm)
		return -ESRCH;
	for (unsigned int i = 0; i < mm->map_count; i++)
		show_map_vma(m, mm, mm->vmas[i], s);
	return s->err;
}

static void status_kb(struct seq_buf *s, const char *name, unsigned long kb)
{
	seq_printf(s, "%s:\t%8lu kB\n", name, kb);
}

int report_pid_status(const struct machine *m, int pid, struct seq_buf *s)
{
	const struct task_struct *t = find_task_by_pid(m, pid);
	const struct mm_struct *mm = t ? t->mm : NULL;
	unsigned long kb = m->page_size >> 10, rss;

	if (!mm)
		return -ESRCH;
	rss = get_mm_rss(mm);
	seq_printf(s, "Name:\t%s\nPid:\t%d\nPPid:\t%d\n", t->comm, t->pid,
		   t->leader == t->pid ? 0 : t->leader);
	status_kb(s, "VmPeak", mm->hiwater_vm * kb);
	status_kb(s, "VmSize", mm->total_vm * kb);
	status_kb(s, "VmLck", mm->locked_vm * kb);
	status_kb(s, "VmPin", 0);
	status_kb(s, "VmHWM",
		  (mm->hiwater_rss > rss ? mm->hiwater_rss : rss) * kb);
	status_kb(s, "VmRSS", rss * kb);
	status_kb(s, "RssAnon", (unsigned long)mm->rss_stat[MM_ANONPAGES] * kb);
	status_kb(s, "RssFile", (unsigned long)mm->rss_stat[MM_FILEPAGES] * kb);
	status_kb(s, "RssShmem",
		  (unsigned long)mm->rss_stat[MM_SHMEMPAGES] * kb);
	status_kb(s, "VmData", mm->data_vm * kb);
	status_kb(s, "VmStk", mm->stack_vm * kb);
	status_kb(s, "VmExe", 0);
	status_kb(s, "VmLib", 0);
	status_kb(s, "VmPTE", mm_pgtables(m, mm) * kb);
	status_kb(s, "VmSwap", (unsigned long)mm->rss_stat[MM_SWAPENTS] * kb);
	status_kb(s, "HugetlbPages", mm->hugetlb_pages * kb);
	/* Not Linux's: its charge against limits.pages, as a memcg's. */
	status_kb(s, "Charged", t->memory.usage * kb);
	status_kb(s, "ChargedPeak", t->memory.watermark * kb);
	status_kb(s, "ChargeLimit", (unsigned long)m->layout.limits.pages * kb);
	seq_printf(s, "ChargeFailcnt:\t%lu\n", t->memory.failcnt);
	seq_printf(s, "ChargeRefused:\t%lu\n", t->memory.refused);
	seq_printf(s, "Cpus_allowed_list:\t%u\n", t->cpu);
	return s->err;
}

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
