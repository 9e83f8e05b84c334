/* SPDX-License-Identifier: MIT */
/*
 * oom_kill.c - the OOM killer: when reclaim cannot free enough, a process
 * dies so that the rest may go on.
 *
 * Owns: badness as mm/oom_kill.c computes it (RSS + swap entries + page
 * tables, plus oom_score_adj thousandths of all memory and swap), the
 * choice of the victim, tearing its address space down (at once, as the
 * OOM reaper would, or when the call working in it returns), the kernel
 * log line, and the queue of kills for whoever drives the machine.
 * Must never: kill the kernel, a process with oom_score_adj -1000, or
 * one already killed; or report a kill twice.
 */
#include "core/oom_kill.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/debug.h"
#include "core/memory.h"
#include "core/mm.h"
#include "core/page_alloc.h"
#include "core/printk.h"
#include "core/show_mem.h"
#include "core/swap.h"
#include "core/task.h"
#include "core/vma_internal.h"

#define OOM_SCORE_ADJ_MIN -1000
#define OOM_QUEUE	  64

struct oom_state {
	struct oom_kill queue[OOM_QUEUE];
	unsigned int head, count;
	unsigned long kills;
	unsigned int lost; /* live victims the full queue could not hold */
};

int oom_init(struct machine *m)
{
	m->oom = calloc(1, sizeof(*m->oom));
	return m->oom ? 0 : -ENOMEM;
}

void oom_exit(struct machine *m)
{
	free(m->oom);
	m->oom = NULL;
}

/*
 * What killing t gives back: its RSS, swap entries and page tables, as
 * Linux counts them, and, unlike Linux, the pages it took through the
 * kernel calls a client makes (t->nr_pages) and the kernel objects it
 * is charged for (t->memory.kmem: slab objects, per-CPU areas, the
 * task_structs and stacks of its forks): in this machine those are the
 * process's own and its exit frees them.
 */
static unsigned long badness_pages(const struct machine *m,
				   const struct task_struct *t)
{
	const struct mm_struct *mm = t->mm;

	return get_mm_rss(mm) + (unsigned long)mm->rss_stat[MM_SWAPENTS] +
	       mm_pgtables(m, mm) + t->nr_pages + t->memory.kmem;
}

static unsigned long oom_totalpages(const struct machine *m)
{
	return totalram_pages(m) + total_swap_pages(m);
}

/* oom_badness, signed: adj may take it below zero. */
static long badness(const struct machine *m, const struct task_struct *t)
{
	long points;

	if (!t->mm || t->oom_killed || t->oom_score_adj == OOM_SCORE_ADJ_MIN)
		return -1;
	points = (long)badness_pages(m, t);
	points += (long)t->oom_score_adj * (long)oom_totalpages(m) / 1000;
	return points > 0 ? points : 1;
}

unsigned long oom_badness(const struct machine *m, int pid)
{
	const struct task_struct *t = find_task_by_pid(m, pid);
	long points = t ? badness(m, t) : -1;

	/* /proc/PID/oom_score: scaled to 0..2000 of all memory. */
	if (points <= 0)
		return 0;
	return (unsigned long)points * 1000 / oom_totalpages(m);
}

/*
 * Under a memory-policy constraint only tasks that may hold memory on
 * its nodes are worth killing: a task bound elsewhere is not, as
 * oom_cpuset_eligible asks mempolicy_in_oom_domain.
 */
static bool oom_eligible(const struct task_struct *t, const nodemask_t *mask)
{
	if (!mask || t->mempolicy.mode != MPOL_BIND)
		return true;
	return !nodes_empty(nodes_and(t->mempolicy.nodes, *mask));
}

static struct task_struct *select_bad_process(const struct machine *m,
					      long *points,
					      const nodemask_t *mask)
{
	struct task_struct *victim = NULL;

	*points = 0;
	for (int pid = 1; pid < PID_MAX; pid++) {
		struct task_struct *t = find_task_by_pid(m, pid);
		long p = t && oom_eligible(t, mask) ? badness(m, t) : -1;

		/*
		 * A victim still dying: wait for it, kill nobody else. Its
		 * kernel pages come back only when the driver exits it, as
		 * Linux waits for a victim's exit (tsk_is_oom_victim).
		 */
		if (t && t->oom_killed)
			return NULL;
		if (p > *points) {
			*points = p;
			victim = t;
		}
	}
	return victim;
}

/* A queued kill the driver still has to act on: its victim lives. */
static bool kill_pending(const struct machine *m, const struct oom_kill *k)
{
	const struct task_struct *t = find_task_by_pid(m, k->pid);

	return t && t->oom_killed;
}

static void fill_kill(struct oom_kill *k, const struct task_struct *t,
		      long points)
{
	memset(k, 0, sizeof(*k));
	k->pid = t->pid;
	memcpy(k->comm, t->comm, sizeof(k->comm));
	k->points = (unsigned long)points;
	k->rss_pages = get_mm_rss(t->mm);
	k->swap_pages = (unsigned long)t->mm->rss_stat[MM_SWAPENTS];
}

/*
 * A victim must reach the driver, or a call waiting for its exit would
 * wait forever: one the full queue cannot hold is counted, and
 * oom_next_kill finds it by its task once the queue is empty.
 */
static void queue_kill(struct machine *m, const struct task_struct *t,
		       long points)
{
	struct oom_state *os = m->oom;

	if (os->count == OOM_QUEUE) {
		os->lost++;
		return;
	}
	fill_kill(&os->queue[(os->head + os->count++) % OOM_QUEUE], t, points);
}

static void log_kill(struct machine *m, const struct task_struct *t)
{
	const struct mm_struct *mm = t->mm;
	unsigned long kb = m->page_size >> 10;

	printk(m,
	       "Out of memory: Killed process %d (%s) total-vm:%lukB, "
	       "anon-rss:%lukB, file-rss:0kB, shmem-rss:%lukB, UID:%u "
	       "pgtables:%lukB oom_score_adj:%d",
	       t->pid, t->comm, mm->total_vm * kb,
	       (unsigned long)mm->rss_stat[MM_ANONPAGES] * kb,
	       (unsigned long)mm->rss_stat[MM_SHMEMPAGES] * kb, t->uid,
	       mm_pgtables(m, mm) * kb, t->oom_score_adj);
}

/*
 * A nodemask that leaves out an online node constrains the kill, as
 * constrained_alloc's CONSTRAINT_MEMORY_POLICY; NULL when it does not.
 */
static const nodemask_t *constrained_alloc(const struct machine *m,
					   const nodemask_t *nodemask)
{
	if (!nodemask || nodes_equal(nodes_and(*nodemask, m->node_online_map),
				     m->node_online_map))
		return NULL;
	return nodemask;
}

/* The oom-kill: line, as dump_oom_summary prints it. */
static void oom_summary(struct machine *m, const nodemask_t *constraint,
			const struct task_struct *victim)
{
	char mask[32] = "(null)";

	if (constraint)
		nodelist_format(*constraint, mask, sizeof(mask));
	printk(m,
	       "oom-kill:constraint=CONSTRAINT_%s,nodemask=%s,cpuset=/,"
	       "mems_allowed=%s,global_oom,task=%s,pid=%d,uid=%u",
	       constraint ? "MEMORY_POLICY" : "NONE", mask,
	       nodelist_format(m->node_online_map, (char[32]){0}, 32),
	       victim->comm, victim->pid, victim->uid);
}

/* "invoked oom-killer", then the memory summary, as dump_header. */
static void dump_header(struct machine *m, gfp_t gfp, unsigned int order)
{
	const struct task_struct *cur =
		m->current_pid ? find_task_by_pid(m, m->current_pid) : NULL;
	char names[256];

	printk(m,
	       "%s invoked oom-killer: gfp_mask=%#x(%s), order=%u, "
	       "oom_score_adj=%d",
	       cur ? cur->comm : "kernel", gfp,
	       format_gfp(names, sizeof(names), gfp), order,
	       cur ? cur->oom_score_adj : 0);
	show_mem(m);
}

bool out_of_memory(struct machine *m, gfp_t gfp, unsigned int order,
		   const nodemask_t *nodemask)
{
	const nodemask_t *constraint = constrained_alloc(m, nodemask);
	struct task_struct *victim;
	long points;

	if (!m->oom || !m->tasks)
		return false;
	victim = select_bad_process(m, &points, constraint);
	if (!victim)
		return false;
	dump_header(m, gfp, order);
	oom_summary(m, constraint, victim);
	log_kill(m, victim);
	queue_kill(m, victim, points);
	victim->oom_killed = true;
	m->oom->kills++;
	m->vm_events[OOM_KILL]++;
	/* The mm a call is working in goes when that call returns. */
	if (victim->mm != m->active_mm)
		exit_mmap(m, victim->mm);
	return true;
}

bool oom_victim_exiting(const struct machine *m)
{
	if (!m->oom || !m->tasks || !m->oom->kills)
		return false;
	for (int pid = 1; pid < PID_MAX; pid++) {
		const struct task_struct *t = find_task_by_pid(m, pid);

		if (t && t->oom_killed && pid != m->current_pid)
			return true;
	}
	return false;
}

/* A victim the full queue did not hold: found by its task instead. */
static bool find_lost_kill(struct machine *m, struct oom_kill *kill)
{
	struct oom_state *os = m->oom;

	for (int pid = 1; pid < PID_MAX && os->lost; pid++) {
		const struct task_struct *t = find_task_by_pid(m, pid);

		if (!t || !t->oom_killed || pid == m->current_pid)
			continue;
		os->lost--;
		fill_kill(kill, t, 0);
		return true;
	}
	os->lost = 0; /* they have all exited meanwhile */
	return false;
}

bool oom_next_kill(struct machine *m, struct oom_kill *kill)
{
	struct oom_state *os = m->oom;

	while (os->count) {
		*kill = os->queue[os->head];
		os->head = (os->head + 1) % OOM_QUEUE;
		os->count--;
		/* Not a pid that exited, still less one used again since. */
		if (kill_pending(m, kill))
			return true;
	}
	return os->lost && find_lost_kill(m, kill);
}
