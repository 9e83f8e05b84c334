/* SPDX-License-Identifier: MIT */
/*
 * task.c - simulated processes: the tasks client sessions run as.
 *
 * Owns: task_struct records, fork and exit, and each user's count of
 * processes (kernel/user.c's user_struct); the pid table they are found
 * by is pid.c's. Must never: free an object that another task owns,
 * leave a page of an exited task allocated, or let a user other than
 * uid 0 fork past limits.processes.
 */
#include "core/task.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mmzone.h"
#include "core/array.h"
#include "core/err.h"
#include "core/highmem.h"
#include "core/ldt.h"
#include "core/mm.h"
#include "core/mmz.h"
#include "core/oom_kill.h"
#include "core/page_alloc.h"
#include "core/percpu.h"
#include "core/mutex.h"
#include "core/percpu_defs.h"
#include "core/preempt.h"
#include "core/slab.h"
#include "core/cma.h"
#include "core/vmalloc.h"
#include "core/sparse.h"

/* sizeof(struct task_struct) in each arch's kernel. */
#define TASK_STRUCT_SIZE_X86_64 9792
#define TASK_STRUCT_SIZE_I386	3968

/*
 * What a task may still hold in each subsystem, given back at exit in
 * boot order, as do_exit calls exit_mm, exit_files and the rest by name.
 * Each returns how many objects it freed: they count as leaked at exit.
 */
static unsigned long (*const exit_release[])(struct machine *m, int pid) = {
	slab_release, vmalloc_release,	   highmem_release, pcpu_release,
	mmz_release,  percpu_defs_release, mutex_release,   cma_release_task,
};

/* The processes one uid runs: Linux's ucounts for RLIMIT_NPROC. */
struct task_user {
	uint32_t uid;
	unsigned int processes;
};

struct task_state {
	struct kmem_cache *task_struct_cachep;
	unsigned int thread_order;
	/* Users with at least one process; few, so a plain array. */
	struct task_user *users;
	size_t nr_users, cap_users;
};

int task_init(struct machine *m)
{
	bool x86_64 = m->layout.arch == ARCH_X86_64;
	struct kmem_cache *s;

	m->tasks = calloc(1, sizeof(*m->tasks));
	if (!m->tasks)
		return -ENOMEM;
	s = kmem_cache_create(m, "task_struct",
			      x86_64 ? TASK_STRUCT_SIZE_X86_64
				     : TASK_STRUCT_SIZE_I386,
			      0, SLAB_HWCACHE_ALIGN, NULL);
	if (IS_ERR(s))
		return (int)PTR_ERR(s);
	m->tasks->task_struct_cachep = s;
	/* THREAD_SIZE_ORDER: the layout's THREAD_SIZE, validated a block. */
	m->tasks->thread_order = (unsigned int)__builtin_ctzll(
		m->layout.kernel.thread_size >> m->page_shift);
	return 0;
}

uint64_t task_kernel_bytes(const struct machine *m)
{
	return kmem_cache_size(m->tasks->task_struct_cachep) +
	       ((uint64_t)m->page_size << m->tasks->thread_order);
}

/* The kernel memory a task costs: its task_struct and kernel stack. */
static int alloc_task_memory(struct machine *m, struct task_struct *t)
{
	struct task_state *ts = m->tasks;
	int saved = m->current_pid, err;

	m->current_pid = 0;
	err = kmem_cache_alloc(m, ts->task_struct_cachep, GFP_KERNEL,
			       &t->task_obj);
	if (!err) {
		t->stack = alloc_pages(m, GFP_KERNEL, ts->thread_order);
		if (IS_ERR(t->stack)) {
			err = (int)PTR_ERR(t->stack);
			kmem_cache_free(m, ts->task_struct_cachep, t->task_obj);
		}
	}
	m->current_pid = saved;
	if (err)
		return err;
	mod_lruvec_page_state(m, t->stack, NR_KERNEL_STACK_KB,
			      (long)((m->page_size << ts->thread_order) >> 10));
	return 0;
}

static void free_task_memory(struct machine *m, struct task_struct *t)
{
	struct task_state *ts = m->tasks;

	kmem_cache_free(m, ts->task_struct_cachep, t->task_obj);
	mod_lruvec_page_state(
		m, t->stack, NR_KERNEL_STACK_KB,
		-(long)((m->page_size << ts->thread_order) >> 10));
	__free_pages(m, t->stack, ts->thread_order);
}

void task_exit_all(struct machine *m)
{
	if (!m->tasks)
		return;
	for (int pid = 1; pid < PID_MAX; pid++)
		if (find_task_by_pid(m, pid))
			task_exit(m, pid, NULL);
	if (m->tasks->task_struct_cachep)
		kmem_cache_destroy(m, m->tasks->task_struct_cachep);
	free(m->tasks->users);
	free(m->tasks);
	m->tasks = NULL;
}

static struct task_user *find_user(const struct task_state *ts, uint32_t uid)
{
	for (size_t i = 0; i < ts->nr_users; i++)
		if (ts->users[i].uid == uid)
			return &ts->users[i];
	return NULL;
}

unsigned int task_user_processes(const struct machine *m, uint32_t uid)
{
	const struct task_user *u = find_user(m->tasks, uid);

	return u ? u->processes : 0;
}

/* One more process for uid; -ENOMEM when its count cannot be kept. */
static int get_user(struct task_state *ts, uint32_t uid)
{
	struct task_user *u = find_user(ts, uid);

	if (!u) {
		struct task_user *room =
			array_reserve(ts->users, &ts->cap_users,
				      ts->nr_users + 1, sizeof(*room), 8);

		if (!room)
			return -ENOMEM;
		ts->users = room;
		u = &ts->users[ts->nr_users++];
		u->uid = uid;
		u->processes = 0;
	}
	u->processes++;
	return 0;
}

static void put_user(struct task_state *ts, uint32_t uid)
{
	struct task_user *u = find_user(ts, uid);

	if (u && --u->processes == 0)
		*u = ts->users[--ts->nr_users];
}

int task_set_uid(struct machine *m, int pid, uint32_t uid)
{
	struct task_struct *t = find_task_by_pid(m, pid);
	int err;

	if (!t)
		return -ESRCH;
	if (t->uid == uid)
		return 0;
	err = get_user(m->tasks, uid);
	if (err)
		return err;
	put_user(m->tasks, t->uid);
	t->uid = uid;
	return 0;
}

/*
 * RLIMIT_NPROC as copy_process checks it: the user's processes, this
 * one's parent among them, against the limit; uid 0 (INIT_USER) passes.
 */
static int nproc_check(struct machine *m, const struct task_struct *parent)
{
	unsigned int n = task_user_processes(m, parent->uid);

	if (parent->uid == 0 || n < m->layout.limits.processes)
		return 0;
	return mm_refuse(m, BAD_NONE, -EAGAIN,
			 "fork: uid %u runs %u processes, its limit "
			 "(limits.processes %u)",
			 parent->uid, n, m->layout.limits.processes);
}

int task_create(struct machine *m, const char *comm, unsigned int cpu,
		int oom_score_adj, int *pid)
{
	struct task_struct *t;
	int new_pid;

	if (cpu >= m->nr_cpus)
		return mm_refuse(m, BAD_CPU, -EINVAL,
				 "cpu %u does not exist (%u CPUs)", cpu,
				 m->nr_cpus);
	if (oom_score_adj < -1000 || oom_score_adj > 1000)
		return mm_refuse(m, BAD_NONE, -EINVAL,
				 "oom_score_adj %d is outside [-1000, 1000]",
				 oom_score_adj);
	new_pid = alloc_pid(m);
	if (new_pid < 0)
		return new_pid;
	t = calloc(1, sizeof(*t));
	if (!t || get_user(m->tasks, 0)) {
		free(t);
		return -ENOMEM;
	}
	if (alloc_task_memory(m, t)) {
		put_user(m->tasks, 0);
		free(t);
		return mm_refuse(
			m, BAD_NONE, -ENOMEM,
			"no memory for a task_struct and kernel stack");
	}
	t->mm = mm_alloc(m, new_pid);
	if (!t->mm) {
		put_user(m->tasks, 0);
		free_task_memory(m, t);
		free(t);
		return mm_refuse(m, BAD_NONE, -ENOMEM,
				 "no memory for an address space");
	}
	t->pid = new_pid;
	t->leader = new_pid;
	snprintf(t->comm, sizeof(t->comm), "%s", comm ? comm : "");
	t->cpu = cpu;
	t->oom_score_adj = oom_score_adj;
	segment_regs_init(m, &t->segs, cpu);
	INIT_LIST_HEAD(&t->pages);
	attach_pid(m, new_pid, t);
	*pid = new_pid;
	return 0;
}

int task_fork(struct machine *m, int parent_pid, int *child_pid)
{
	struct task_struct *parent = find_task_by_pid(m, parent_pid), *child;
	struct mm_struct *mm;
	int err;

	if (!parent)
		return -ESRCH;
	err = nproc_check(m, parent);
	if (err)
		return err;
	err = task_create(m, parent->comm, parent->cpu, parent->oom_score_adj,
			  child_pid);
	if (err)
		return err;
	child = find_task_by_pid(m, *child_pid);
	child->leader = parent->leader;
	find_task_by_pid(m, child->leader)->nr_forked++;
	err = task_set_uid(m, child->pid, parent->uid);
	if (err) {
		task_exit(m, child->pid, NULL);
		return err;
	}
	err = dup_fd(&parent->files, &child->files);
	if (err) {
		task_exit(m, child->pid, NULL);
		return mm_refuse(m, BAD_NONE, err,
				 "fork: no memory to copy the descriptors");
	}
	err = dup_mm(m, parent->mm, child->pid, &mm);
	if (err) {
		task_exit(m, child->pid, NULL);
		return mm_refuse(m, BAD_NONE, err,
				 "fork: no memory to copy the address space");
	}
	mmput(m, child->mm);
	child->mm = mm;
	/* copy_process: the child's own copy of the LDT, segment registers */
	err = ldt_dup_context(m, parent->mm, mm);
	if (err) {
		task_exit(m, child->pid, NULL);
		return mm_refuse(m, BAD_NONE, err,
				 "fork: no memory to copy the LDT");
	}
	child->segs = parent->segs;
	/* The policy is inherited, its interleave turn too, as fork's. */
	child->mempolicy = parent->mempolicy;
	return 0;
}

int task_switch(struct machine *m, int pid)
{
	struct task_struct *t;

	if (pid == 0) {
		m->current_pid = 0;
		m->mempolicy = NULL;
		preempt_switch(m, NULL, m->cpu);
		return 0;
	}
	t = find_task_by_pid(m, pid);
	if (!t)
		return -ESRCH;
	m->current_pid = pid;
	m->mempolicy = &t->mempolicy; /* its allocations follow it */
	/* A context switch: the task's preempt_count comes in with it. */
	preempt_switch(m, &t->ctx, t->cpu);
	return 0;
}

/* Give back the page blocks a task allocated and never freed. */
static unsigned long release_pages(struct machine *m, struct task_struct *t)
{
	unsigned long blocks = 0;

	while (!list_empty(&t->pages)) {
		struct page *page =
			list_first_entry(&t->pages, struct page, lru);

		list_del(&page->lru);
		page->owner = 0;
		/* Every reference was the task's, but for a vmap's of it. */
		page->_refcount = 1 + (int)vmap_pins(m, page_to_pfn(m, page));
		__free_pages(m, page, page->private);
		blocks++;
	}
	t->nr_pages = 0;
	return blocks;
}

int task_exit(struct machine *m, int pid, struct task_leaks *leaks)
{
	struct task_struct *t = find_task_by_pid(m, pid);
	int saved = m->current_pid;
	unsigned long objects = 0, pages;

	if (!t)
		return -ESRCH;
	/* A session's process takes the processes it forked with it; most
	 * forked none, and need not look through every pid. */
	if (t->leader == pid) {
		for (int child = 1; t->nr_forked && child < PID_MAX; child++)
			if (child != pid && find_task_by_pid(m, child) &&
			    find_task_by_pid(m, child)->leader == pid)
				task_exit(m, child, NULL);
	} else {
		find_task_by_pid(m, t->leader)->nr_forked--;
	}
	/* A task that goes while atomic is reported, then runs clean. */
	preempt_exit_task(m, &t->ctx, t->comm, pid);
	if (m->ctx == &t->ctx)
		preempt_switch(m, NULL, m->cpu);
	if (m->mempolicy == &t->mempolicy)
		m->mempolicy = NULL;
	/* Release runs as the kernel on the task's CPU. */
	m->current_pid = 0;
	if (m->active_mm == t->mm)
		m->active_mm = NULL;
	if (t->mm)
		destroy_context_ldt(m, t->mm);
	mmput(m, t->mm);
	t->mm = NULL;
	exit_files(m, &t->files); /* closing is no leak: exit closes */
	/* What its fork charged to its parent goes (if the parent stays). */
	if (t->kmem_parent)
		mem_cgroup_uncharge_kmem(m, t->kmem_parent,
					 task_kernel_bytes(m));
	for (size_t i = 0; i < sizeof(exit_release) / sizeof(exit_release[0]);
	     i++)
		objects += exit_release[i](m, pid);
	pages = release_pages(m, t);
	mem_cgroup_exit_task(m, pid);
	free_task_memory(m, t);
	put_user(m->tasks, t->uid);
	detach_pid(m, pid);
	free(t);
	m->current_pid = saved == pid ? 0 : saved;
	if (leaks) {
		leaks->pages = pages;
		leaks->objects = objects;
	}
	return 0;
}

/* Each user's count of processes is the number of its tasks. */
static int users_check(const struct machine *m, char *why, size_t len)
{
	const struct task_state *ts = m->tasks;
	unsigned int counted = 0;

	for (size_t i = 0; i < ts->nr_users; i++) {
		unsigned int n = 0;

		for (int pid = 1; pid < PID_MAX; pid++)
			if (find_task_by_pid(m, pid) &&
			    find_task_by_pid(m, pid)->uid == ts->users[i].uid)
				n++;
		if (!n || n != ts->users[i].processes)
			return check_failed(why, len,
					    "uid %u counts %u processes, runs "
					    "%u",
					    ts->users[i].uid,
					    ts->users[i].processes, n);
		counted += n;
	}
	if (counted != nr_tasks(m))
		return check_failed(why, len, "users count %u processes of %u",
				    counted, nr_tasks(m));
	return 0;
}

/* Every page a task owns is on its list, and no other page has an owner. */
int task_check(const struct machine *m, char *why, size_t len)
{
	unsigned long listed = 0, owned = 0, pfn;
	int err = users_check(m, why, len);

	if (err)
		return err;

	for (int pid = 1; pid < PID_MAX; pid++) {
		const struct task_struct *t = find_task_by_pid(m, pid);
		const struct list_head *pos;
		unsigned long pages = 0;

		if (!t)
			continue;
		if (!mpol_sound(m, &t->mempolicy)) {
			snprintf(why, len,
				 "task %d has policy mode %u on nodes %#lx",
				 pid, t->mempolicy.mode,
				 t->mempolicy.nodes.bits);
			return -EUCLEAN;
		}
		list_for_each(pos, &t->pages)
		{
			const struct page *page =
				list_entry(pos, struct page, lru);

			if (page->owner != pid || !PageFlag(page, PG_head)) {
				snprintf(why, len,
					 "task %d lists pfn %#lx it does not "
					 "own",
					 pid, page_to_pfn(m, page));
				return -EUCLEAN;
			}
			pages += 1UL << page->private;
			listed++;
		}
		if (pages != t->nr_pages) {
			snprintf(why, len,
				 "task %d holds %lu pages, counts %lu", pid,
				 pages, t->nr_pages);
			return -EUCLEAN;
		}
	}
	/* Large kmallocs have owners too, but count as objects. */
	for_each_written_pfn(m, pfn, 0, m->max_pfn)
	{
		if (m->mem_map[pfn].owner &&
		    !PageFlag(&m->mem_map[pfn], PG_large_kmalloc))
			owned++;
	}
	if (owned != listed) {
		snprintf(why, len, "%lu blocks have owners, tasks list %lu",
			 owned, listed);
		return -EUCLEAN;
	}
	return 0;
}

/* VSZ, RSS and SWAP in KiB, as ps shows them. */
static void ps_process(const struct machine *m, const struct task_struct *t,
		       struct ps_process_snapshot *p)
{
	const struct mm_struct *mm = t->mm;
	unsigned long kb = m->page_size >> 10;

	p->pid = t->pid;
	p->psr = t->cpu;
	p->vsz = mm->total_vm * kb;
	p->rss = get_mm_rss(mm) * kb;
	p->swap = (unsigned long)mm->rss_stat[MM_SWAPENTS] * kb;
	p->minflt = mm->min_flt;
	p->majflt = mm->maj_flt;
	p->kpages = t->nr_pages;
	p->kobjs = t->nr_objects;
	snprintf(p->command, sizeof(p->command), "%s", t->comm);
}

int ps_fill(const struct machine *m, int pid, void *snap)
{
	struct ps_snapshot *ps = snap;

	(void)pid;
	ps->processes = snap_alloc(nr_tasks(m), sizeof(*ps->processes));
	if (!ps->processes)
		return -ENOMEM;
	for (int p = 1; p < PID_MAX && ps->nr_processes < nr_tasks(m); p++) {
		const struct task_struct *t = find_task_by_pid(m, p);

		if (t && t->mm)
			ps_process(m, t, &ps->processes[ps->nr_processes++]);
	}
	return 0;
}

int ps_show(const void *snap, struct seq_buf *s)
{
	const struct ps_snapshot *ps = snap;

	seq_printf(s, "%7s %3s %8s %8s %8s %8s %8s %8s %8s %s\n", "PID", "PSR",
		   "VSZ", "RSS", "SWAP", "MINFLT", "MAJFLT", "KPAGES", "KOBJS",
		   "COMMAND");
	for (size_t i = 0; i < ps->nr_processes; i++) {
		const struct ps_process_snapshot *p = &ps->processes[i];

		seq_printf(s,
			   "%7lld %3llu %8llu %8llu %8llu %8llu %8llu %8llu "
			   "%8llu %s\n",
			   (long long)p->pid, (unsigned long long)p->psr,
			   (unsigned long long)p->vsz,
			   (unsigned long long)p->rss,
			   (unsigned long long)p->swap,
			   (unsigned long long)p->minflt,
			   (unsigned long long)p->majflt,
			   (unsigned long long)p->kpages,
			   (unsigned long long)p->kobjs, p->command);
	}
	return s->err;
}

#define PP(member, k) SNAP_FIELD(struct ps_process_snapshot, member, k)
static const struct snap_field ps_process_fields[] = {
	PP(pid, SNAP_S64),	 PP(psr, SNAP_U64),    PP(vsz, SNAP_U64),
	PP(rss, SNAP_U64),	 PP(swap, SNAP_U64),   PP(minflt, SNAP_U64),
	PP(majflt, SNAP_U64),	 PP(kpages, SNAP_U64), PP(kobjs, SNAP_U64),
	PP(command, SNAP_CHARS),
};
static const struct snap_desc ps_process_desc =
	SNAP_DESC("PsProcess", struct ps_process_snapshot, ps_process_fields);
static const struct snap_field ps_fields[] = {
	SNAP_ARRAY(struct ps_snapshot, processes, nr_processes, SNAP_ITEMS,
		   &ps_process_desc),
};
static const struct snap_desc ps_desc =
	SNAP_DESC("Ps", struct ps_snapshot, ps_fields);
const struct report_type ps_report = {&ps_desc, ps_fill, ps_show};

int report_ps(const struct machine *m, struct seq_buf *s)
{
	return report_show(&ps_report, m, 0, s);
}
