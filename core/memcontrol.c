/* SPDX-License-Identifier: MIT */
/*
 * memcontrol.c - each process's charge against the layout's limits.pages,
 * as if every process were a memory cgroup of its own (mm/memcontrol.c).
 *
 * Owns: try_charge (reclaim inside the process, then refuse), the marks
 * on charged frames (page->memcg: every frame of a charged block carries
 * its pid), uncharging in the free path, the hand-over of a dying
 * process's charges, and the check that every task's usage equals the
 * frames marked with its pid. Must never: charge the kernel (pid 0), or
 * mark a frame that is free.
 */
#include "core/memcontrol.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/check.h"
#include "core/mm.h"
#include "core/mmz.h"
#include "core/page_alloc.h"
#include "core/printk.h"
#include "core/scratch.h"
#include "core/task.h"
#include "core/vmscan.h"
#include "core/sparse.h"

int mem_cgroup_init(struct machine *m)
{
	(void)m; /* the counters live in the tasks, the marks in mem_map */
	return 0;
}

void mem_cgroup_exit(struct machine *m)
{
	(void)m;
}

static struct task_struct *memcg_task(const struct machine *m, int pid)
{
	return pid > 0 && m->tasks ? find_task_by_pid(m, pid) : NULL;
}

static bool fits(const struct machine *m, const struct task_struct *t,
		 unsigned long nr)
{
	unsigned long limit = m->layout.limits.pages;

	return t->memory.usage <= limit && nr <= limit - t->memory.usage;
}

static int refuse(struct machine *m, struct task_struct *t)
{
	t->memory.refused++;
	return mm_refuse(m, BAD_NONE, -EDQUOT,
			 "pid %d would hold more than its %lu pages", t->pid,
			 (unsigned long)m->layout.limits.pages);
}

int mem_cgroup_try_charge(struct machine *m, int pid, unsigned long nr,
			  gfp_t gfp)
{
	struct task_struct *t = memcg_task(m, pid);
	int retries = MAX_RECLAIM_RETRIES;

	if (!t || !nr)
		return 0;
	if (!fits(m, t, nr))
		t->memory.failcnt++;
	while (!fits(m, t, nr)) {
		/* More than the whole limit: no reclaim makes room. */
		if (nr > m->layout.limits.pages ||
		    !(gfp & __GFP_DIRECT_RECLAIM) || !retries--)
			return refuse(m, t);
		if (!try_to_free_mem_cgroup_pages(m, pid, nr))
			return refuse(m, t);
	}
	t->memory.usage += nr;
	if (t->memory.usage > t->memory.watermark)
		t->memory.watermark = t->memory.usage;
	return 0;
}

/* The whole pages bytes of kernel objects take. */
static unsigned long kmem_pages(const struct machine *m, uint64_t bytes)
{
	return (unsigned long)((bytes + m->page_size - 1) >> m->page_shift);
}

int mem_cgroup_charge_kmem(struct machine *m, int pid, uint64_t bytes,
			   gfp_t gfp)
{
	struct task_struct *t = memcg_task(m, pid);
	unsigned long more;
	int err;

	if (!t || !bytes)
		return 0;
	more = kmem_pages(m, t->memory.kmem_bytes + bytes) - t->memory.kmem;
	err = mem_cgroup_try_charge(m, pid, more, gfp);
	if (err)
		return err;
	t->memory.kmem += more;
	t->memory.kmem_bytes += bytes;
	return 0;
}

void mem_cgroup_uncharge_kmem(struct machine *m, int pid, uint64_t bytes)
{
	struct task_struct *t = memcg_task(m, pid);
	unsigned long fewer;

	if (!t || !bytes)
		return;
	if (bytes > t->memory.kmem_bytes)
		bytes = t->memory.kmem_bytes;
	t->memory.kmem_bytes -= bytes;
	fewer = t->memory.kmem - kmem_pages(m, t->memory.kmem_bytes);
	t->memory.kmem -= fewer;
	t->memory.usage -= fewer;
}

void mem_cgroup_cancel_charge(struct machine *m, int pid, unsigned long nr)
{
	struct task_struct *t = memcg_task(m, pid);

	if (t)
		t->memory.usage -= nr;
}

void mem_cgroup_commit_charge(struct machine *m, unsigned long pfn,
			      unsigned long nr, int pid)
{
	if (!memcg_task(m, pid))
		return;
	for (unsigned long i = 0; i < nr; i++)
		pfn_to_page(m, pfn + i)->memcg = pid;
}

int mem_cgroup_charge_block(struct machine *m, struct page *page,
			    unsigned int order, int pid, gfp_t gfp)
{
	int err = mem_cgroup_try_charge(m, pid, 1UL << order, gfp);

	if (!err)
		mem_cgroup_commit_charge(m, page_to_pfn(m, page), 1UL << order,
					 pid);
	return err;
}

void mem_cgroup_uncharge_frames(struct machine *m, unsigned long pfn,
				unsigned long nr)
{
	for (unsigned long i = 0; i < nr; i++) {
		struct page *page = pfn_to_page(m, pfn + i);
		struct task_struct *t = memcg_task(m, page->memcg);

		if (t)
			t->memory.usage--;
		page->memcg = 0;
	}
}

void mem_cgroup_uncharge(struct machine *m, struct page *page,
			 unsigned int order)
{
	mem_cgroup_uncharge_frames(m, page_to_pfn(m, page), 1UL << order);
}

/* The session's process takes over what a forked one leaves charged. */
void mem_cgroup_exit_task(struct machine *m, int pid)
{
	struct task_struct *t = memcg_task(m, pid);
	struct task_struct *heir;
	unsigned long pfn;

	if (!t)
		return;
	/* Its kernel objects went with the exit: so does their charge. */
	t->memory.usage -= t->memory.kmem;
	t->memory.kmem = 0;
	t->memory.kmem_bytes = 0;
	if (!t->memory.usage)
		return; /* the common case: exit gave everything back */
	heir = t->leader != pid ? memcg_task(m, t->leader) : NULL;
	/* Unwritten sections hold no charged page (sparse.c). */
	for (pfn = memmap_next_pfn(m, 0); pfn < m->max_pfn && t->memory.usage;
	     pfn = memmap_next_pfn(m, pfn + 1)) {
		struct page *page = pfn_to_page(m, pfn);

		if (page->memcg != pid)
			continue;
		t->memory.usage--;
		page->memcg = 0;
		if (heir && !PageFlag(page, PG_mmz)) {
			page->memcg = heir->pid;
			heir->memory.usage++;
		}
	}
	if (heir && heir->memory.usage > heir->memory.watermark)
		heir->memory.watermark = heir->memory.usage;
}

int mem_cgroup_fault_refused(struct machine *m, const struct mm_struct *mm,
			     uint64_t addr)
{
	struct task_struct *t = memcg_task(m, mm->pid);
	unsigned long kb = m->page_size >> 10;

	if (!t)
		return -ENOMEM;
	printk(m, "Memory limit reached: pid %d (%s), fault at %#lx fails",
	       t->pid, t->comm, (unsigned long)addr);
	printk(m, "memory: usage %lukB, limit %lukB, failcnt %lu",
	       t->memory.usage * kb, (unsigned long)m->layout.limits.pages * kb,
	       t->memory.failcnt);
	return mm_refuse(m, BAD_NONE, -ENOMEM,
			 "pid %d is at its limit of %lu pages: fault at %#lx",
			 t->pid, (unsigned long)m->layout.limits.pages,
			 (unsigned long)addr);
}

/* ------------------------------------------------------------------ */
/* The checker                                                         */

/*
 * A marked frame must be in use by its pid: inside an allocated block
 * whose frames all carry the same mark, or inside an MMZ block that pid
 * owns. Blocks are walked whole; everything else frame by frame.
 */
static int check_block_marks(const struct machine *m, unsigned long pfn,
			     unsigned long *usage, char *why, size_t len)
{
	const struct page *head = pfn_to_page(m, pfn);
	unsigned long n = 1UL << head->private;

	for (unsigned long i = 1; i < n && pfn + i < m->max_pfn; i++)
		if (pfn_to_page(m, pfn + i)->memcg != head->memcg)
			return check_failed(why, len,
					    "memcg: pfn %#lx is charged to "
					    "pid %d, its block at %#lx to %d",
					    pfn + i,
					    pfn_to_page(m, pfn + i)->memcg, pfn,
					    head->memcg);
	if (head->memcg)
		usage[head->memcg] += n;
	return 0;
}

static int check_frame_mark(const struct machine *m, unsigned long pfn,
			    unsigned long *usage, char *why, size_t len)
{
	const struct page *page = pfn_to_page(m, pfn);
	int owner = 0;

	if (!page->memcg)
		return 0;
	if (!PageFlag(page, PG_mmz) ||
	    mmz_owner_of(m, pfn_to_phys(m, pfn), m->page_size, &owner) ||
	    owner != page->memcg)
		return check_failed(why, len,
				    "memcg: pfn %#lx is charged to pid %d "
				    "but is not in use by it (flags %#x)",
				    pfn, page->memcg, page->flags);
	usage[page->memcg]++;
	return 0;
}

static int check_marks(const struct machine *m, unsigned long *usage, char *why,
		       size_t len)
{
	unsigned long pfn = 0;

	while ((pfn = memmap_next_pfn(m, pfn)) < m->max_pfn) {
		const struct page *page = pfn_to_page(m, pfn);
		int err;

		if (page->memcg < 0 || page->memcg >= PID_MAX ||
		    (page->memcg && !memcg_task(m, page->memcg)))
			return check_failed(why, len,
					    "memcg: pfn %#lx is charged to "
					    "pid %d, which is no task",
					    pfn, page->memcg);
		if (PageFlag(page, PG_head) && !PageFlag(page, PG_reserved)) {
			err = check_block_marks(m, pfn, usage, why, len);
			pfn += 1UL << page->private;
		} else {
			err = check_frame_mark(m, pfn, usage, why, len);
			pfn++;
		}
		if (err)
			return err;
	}
	return 0;
}

int mem_cgroup_check(const struct machine *m, char *why, size_t len)
{
	unsigned long *usage = scratch_zalloc(PID_MAX, sizeof(*usage));
	int err;

	if (!usage)
		return check_failed(why, len, "memcg: no host memory to check");
	err = check_marks(m, usage, why, len);
	for (int pid = 1; !err && pid < PID_MAX; pid++) {
		const struct task_struct *t = memcg_task(m, pid);

		if (!t)
			continue;
		if (t->memory.usage != usage[pid] + t->memory.kmem ||
		    t->memory.watermark < t->memory.usage ||
		    t->memory.kmem != kmem_pages(m, t->memory.kmem_bytes))
			err = check_failed(
				why, len,
				"memcg: pid %d is charged %lu "
				"pages (peak %lu, kmem %lu for "
				"%llu bytes), its frames hold %lu",
				pid, t->memory.usage, t->memory.watermark,
				t->memory.kmem,
				(unsigned long long)t->memory.kmem_bytes,
				usage[pid]);
	}
	scratch_free(usage, PID_MAX, sizeof(*usage));
	return err;
}
