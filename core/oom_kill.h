/* SPDX-License-Identifier: MIT */
/*
 * oom_kill.h - the OOM killer: when reclaim cannot free enough, a process
 * dies so that the rest may go on.
 *
 * Owns: badness (RSS + swap entries + page tables + the pages the process
 * holds through kernel calls, adjusted by oom_score_adj as
 * mm/oom_kill.c computes it), choosing and killing the
 * victim, and the queue of kills the machine's driver must hear about.
 * Must never: kill the kernel (pid 0) or a process with oom_score_adj
 * -1000, or report a kill twice.
 */
#ifndef MM_OOM_KILL_H
#define MM_OOM_KILL_H

#include <stdbool.h>

#include "core/gfp.h"
#include "core/machine.h"

struct mm_struct;

int oom_init(struct machine *m);
void oom_exit(struct machine *m);

struct oom_kill {
	int pid;		 /* the victim */
	char comm[16];		 /* its name */
	unsigned long points;	 /* its badness when chosen */
	unsigned long rss_pages; /* what it held: anon + shmem pages */
	unsigned long swap_pages;
};

/* Badness of pid, as /proc/PID/oom_score computes it (0..2000). */
unsigned long oom_badness(const struct machine *m, int pid);

/*
 * Kill the worst process for an allocation of order that failed; its
 * address space is torn down at once, its task stays (marked killed)
 * until the driver exits it. false when no process may be killed.
 */
bool out_of_memory(struct machine *m, gfp_t gfp, unsigned int order,
		   const nodemask_t *nodemask);

/*
 * Whether a victim other than the current task is still to exit: its
 * memory comes back when the driver exits it, so an allocation that
 * failed now may succeed then (Linux's allocator retries after a kill).
 */
bool oom_victim_exiting(const struct machine *m);

/*
 * The oldest kill not yet collected whose victim is still alive; false
 * when there is none. Those the full queue could not hold come last,
 * found by their tasks: the driver is to exit each victim it is handed.
 */
bool oom_next_kill(struct machine *m, struct oom_kill *kill);

#endif /* MM_OOM_KILL_H */
