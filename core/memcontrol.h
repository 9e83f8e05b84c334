/* SPDX-License-Identifier: MIT */
/*
 * memcontrol.h - each process's charge against the layout's limits.pages,
 * as if every process were a memory cgroup of its own (mm/memcontrol.c).
 *
 * Owns: the page counter of every task and the charge mark of every
 * frame (page->memcg, the pid it is charged to). Charged are the frames
 * a process holds because of its own calls: page blocks, the frames
 * behind its vmalloc areas, large kmallocs, its MMZ blocks, its user
 * memory (anonymous and shared pages it faulted in, huge pages, and the
 * page tables under its pgd), and its kernel objects by their bytes
 * (kmem: no frame is marked for those). A charge comes before the memory is
 * used (try, then commit or cancel); it goes when the page allocator frees the
 * frame, whoever frees it, as Linux uncharges in the free path. Must never: let
 * a charge pass the limit, or leave a freed frame marked.
 *
 * Errors: -EDQUOT when a charge would pass the limit even after
 * reclaiming the process's own anonymous pages (m->errmsg says so).
 */
#ifndef MM_MEMCONTROL_H
#define MM_MEMCONTROL_H

#include <stddef.h>
#include <stdint.h>

#include "core/gfp.h"
#include "core/machine.h"

/*
 * What Linux keeps in a memcg's page_counter (usage, peak, failcnt: the
 * times a charge found the limit reached) and memory.events' "oom" (the
 * times reclaim could not make room and the charge was refused).
 */
struct page_counter {
	unsigned long usage;	 /* pages charged now: frames and kmem */
	unsigned long kmem;	 /* of which pages of kernel objects */
	uint64_t kmem_bytes;	 /* the bytes of those objects */
	unsigned long watermark; /* the most ever charged at once */
	unsigned long failcnt;	 /* charges that hit the limit */
	unsigned long refused;	 /* charges refused after reclaim */
};

struct mm_struct;

int mem_cgroup_init(struct machine *m);
void mem_cgroup_exit(struct machine *m);
int mem_cgroup_check(const struct machine *m, char *why, size_t len);

/*
 * Reserve nr frames for pid within its limit. When they would pass it
 * and gfp may reclaim, pid's own anonymous pages go to swap first, as
 * try_charge reclaims inside the group. pid 0 (the kernel) and pids with
 * no task are never charged. 0 or -EDQUOT.
 */
int mem_cgroup_try_charge(struct machine *m, int pid, unsigned long nr,
			  gfp_t gfp);
/* The reserved frames were not used after all. */
void mem_cgroup_cancel_charge(struct machine *m, int pid, unsigned long nr);
/* Mark nr frames from pfn as charged to pid (reserved by try_charge). */
void mem_cgroup_commit_charge(struct machine *m, unsigned long pfn,
			      unsigned long nr, int pid);
/*
 * try_charge and commit for an allocated block of 2^order frames: on
 * -EDQUOT nothing is charged and the caller frees the block.
 */
int mem_cgroup_charge_block(struct machine *m, struct page *page,
			    unsigned int order, int pid, gfp_t gfp);

/*
 * Kernel memory a process holds through its calls and that no frame of
 * its own stands for: slab objects, per-CPU areas, and the task_struct
 * and kernel stack of each process it forks. Charged in bytes and
 * counted in whole pages, as memcg's kmem accounting charges objects
 * (obj_cgroup: bytes, pages from its stock), so that these count
 * against limits.pages as frames do. 0, or -EDQUOT with nothing charged
 * (after the same reclaim as a frame's charge). pid 0 is never charged.
 */
int mem_cgroup_charge_kmem(struct machine *m, int pid, uint64_t bytes,
			   gfp_t gfp);
void mem_cgroup_uncharge_kmem(struct machine *m, int pid, uint64_t bytes);

/* The page allocator frees a marked block: its charge goes. */
void mem_cgroup_uncharge(struct machine *m, struct page *page,
			 unsigned int order);
/* Frames that never reach the page allocator (MMZ) lose their charge. */
void mem_cgroup_uncharge_frames(struct machine *m, unsigned long pfn,
				unsigned long nr);

/*
 * A task is exiting and has freed what it could: frames still charged
 * to it (pages it shares with the processes it leaves) pass to its
 * session's process, as a removed memcg's charges pass to its parent;
 * the rest (MMZ blocks its exit gave back) are uncharged.
 */
void mem_cgroup_exit_task(struct machine *m, int pid);

/*
 * A fault could not charge its page: log it as Linux logs a memcg that
 * hit its limit, say why in m->errmsg, and return -ENOMEM for the access.
 */
int mem_cgroup_fault_refused(struct machine *m, const struct mm_struct *mm,
			     uint64_t addr);

#endif /* MM_MEMCONTROL_H */
