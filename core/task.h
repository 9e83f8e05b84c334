/* SPDX-License-Identifier: MIT */
/*
 * task.h - simulated processes: the tasks client sessions run as.
 *
 * Owns: task_struct records, the CPU each task runs on, what each task
 * holds, and exit (giving back everything it still owns); pids are
 * looked up in pid.h. Must never: let one task's exit touch another's
 * objects.
 */
#ifndef MM_TASK_H
#define MM_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/fs/fs.h"
#include "core/list.h"
#include "core/machine.h"
#include "core/memcontrol.h"
#include "core/mempolicy.h"
#include "core/pid.h"
#include "core/segment.h"
#include "core/seq_buf.h"
#include "core/snapshot.h"

#define TASK_COMM_LEN 16

struct mm_struct;

struct task_struct {
	int pid;
	char comm[TASK_COMM_LEN];
	unsigned int cpu;
	int oom_score_adj;
	uint64_t task_obj;	  /* its task_struct in the task_struct cache */
	struct page *stack;	  /* its kernel stack (THREAD_SIZE) */
	struct list_head pages;	  /* blocks it allocated, via page->lru */
	unsigned long nr_pages;	  /* pages in those blocks */
	unsigned long nr_objects; /* kernel objects it holds */
	struct mm_struct *mm;	  /* its address space */
	int leader;		  /* the session process it was forked from */
	uint32_t uid;		  /* the real uid of the client, or 0 */
	uint64_t vmap_space;	/* vmalloc-area bytes of its ioremaps, vmaps */
	int kmem_parent;	/* charged for its task_struct and stack */
	unsigned int nr_forked; /* a leader's live forked processes */
	bool oom_killed;	/* chosen by the OOM killer, not yet gone */
	struct page_counter memory; /* frames charged to it (limits.pages) */
	struct segment_regs segs;   /* i386: its segment registers */
	struct preempt_ctx ctx;	    /* its preempt_count (preempt.h) */
	struct files_struct files;  /* its descriptors (fs/file.c) */
	struct mempolicy mempolicy; /* set_mempolicy's; forks inherit it */
};

/* What an exit had to give back on the task's behalf. */
struct task_leaks {
	unsigned long pages;   /* page blocks */
	unsigned long objects; /* objects of every other subsystem */
};

int task_init(struct machine *m);
void task_exit_all(struct machine *m);
int task_check(const struct machine *m, char *why, size_t len);

/* Create a task on cpu; returns its pid through *pid. */
int task_create(struct machine *m, const char *comm, unsigned int cpu,
		int oom_score_adj, int *pid);
/*
 * fork: a child of parent_pid with a copy of its address space, on the
 * same CPU, in the same session (leader).
 */
int task_fork(struct machine *m, int parent_pid, int *child_pid);
/*
 * The user a task runs as (task_create gives uid 0; the daemon sets the
 * client's real uid at Hello, as a login's setuid would). Forks inherit
 * it, and the processes of each uid but 0 are limited to
 * limits.processes: past it fork is -EAGAIN, as RLIMIT_NPROC makes it.
 */
int task_set_uid(struct machine *m, int pid, uint32_t uid);
/* The processes uid runs now. */
unsigned int task_user_processes(const struct machine *m, uint32_t uid);
/* The kernel memory a process costs: its task_struct and kernel stack. */
uint64_t task_kernel_bytes(const struct machine *m);
/* Make pid the current task (0: the kernel), on the task's CPU. */
int task_switch(struct machine *m, int pid);
/* Exit pid: free all it owns, counting it in leaks (may be NULL). */
int task_exit(struct machine *m, int pid, struct task_leaks *leaks);

/*
 * ps: one line per process, as `ps -eo pid,psr,vsz,rss,...` shows them,
 * then the kernel memory each holds through its calls (pages, objects).
 */
struct ps_process_snapshot {
	int64_t pid;
	uint64_t psr, vsz, rss, swap; /* vsz, rss, swap in kB */
	uint64_t minflt, majflt, kpages, kobjs;
	char command[TASK_COMM_LEN];
};
struct ps_snapshot { /* snapshot.h; mm.proto's Ps */
	struct ps_process_snapshot *processes;
	size_t nr_processes;
};
extern const struct report_type ps_report;
int ps_fill(const struct machine *m, int pid, void *snap);
int ps_show(const void *snap, struct seq_buf *s);
int report_ps(const struct machine *m, struct seq_buf *s);

#endif /* MM_TASK_H */
