/* SPDX-License-Identifier: MIT */
/*
 * api.h - the machine as its one outside caller, the daemon, sees it:
 * every call it may make, through this header alone.
 *
 * Owns: the list of what lies open to the daemon, by purpose. A core
 * header not named here is core's own business; a daemon file that
 * needs more asks for it here first (mk/layers.sh holds the daemon to
 * this one include). Must never: declare anything itself, or name a
 * header whose calls the daemon has no business making (the allocator's
 * internals, the page tables, the LRU lists).
 */
#ifndef MM_API_H
#define MM_API_H

/* Booting a machine from a layout, and tearing it down. */
#include "core/err.h"	  /* IS_ERR, PTR_ERR of what boot returns */
#include "core/layout.h"  /* struct layout, layout_validate, defaults */
#include "core/machine.h" /* struct machine, machine_create/destroy */

/* The tools it shares with core: lists, growing arrays, text. */
#include "core/array.h"
#include "core/list.h"
#include "core/seq_buf.h"
#include "core/snapshot.h" /* the reports' values, as data */

/* Sessions as processes, and the calls a process makes. */
#include "core/gfp.h"  /* the GFP bits a wait depends on */
#include "core/task.h" /* task_create, task_exit, task_switch */
#include "core/uapi.h" /* every call a client's request becomes */

/* The reports, in /proc's formats. */
#include "core/frame_state.h" /* the map of physical memory */
#include "core/libc/malloc.h" /* malloc_stats of a process */
#include "core/debug.h"	      /* dump_page */
#include "core/page_owners.h" /* who holds a frame */
#include "core/meminfo.h"
#include "core/node.h"	      /* numastat, nodeN/meminfo */
#include "core/numastat.h"    /* numastat -p PID */
#include "core/mempolicy.h"   /* the MPOL_* values; numa_maps */
#include "core/mutex.h"	      /* the mutexes and their waiters */
#include "core/mmz.h"	      /* media-mem */
#include "core/cma.h"	      /* /sys/kernel/mm/cma/ */
#include "core/page_owner.h"  /* /sys/kernel/debug/page_owner */
#include "core/percpu_defs.h" /* each CPU's static per-CPU variables */
#include "core/preempt.h"     /* each CPU's context; the GFP table */
#include "core/printk.h"      /* dmesg */
#include "core/proc_page.h"   /* /proc/kpageflags, /proc/kpagecount */
#include "core/segment.h"     /* a far pointer's translation */
#include "core/ldt.h"	      /* a process's LDT */
#include "core/slab.h"	      /* slabinfo, and whether a kmalloc fits */
#include "core/slub_sysfs.h"  /* /sys/kernel/slab/<cache>/ */
#include "core/task_mmu.h"    /* /proc/PID/status, maps, the page walk */
#include "core/vmalloc.h"     /* vmallocinfo, and whether a vmalloc fits */
#include "core/vmstat.h"      /* vmstat, buddyinfo, pagetypeinfo, zoneinfo */
#include "core/vm_layout.h"   /* the kernel's virtual memory map */

/* Keeping the machine honest and running between requests. */
#include "core/check.h"	     /* machine_check */
#include "core/compaction.h" /* compact_nodes, kcompactd_timeout */
#include "core/huge_mm.h"    /* thp_set, report_transparent_hugepage */
#include "core/mm.h"	     /* drop_caches */
#include "core/oom_kill.h"   /* the victims to tell their sessions */
#include "core/page_alloc.h" /* global_free_pages */
#include "core/vmscan.h"     /* kswapd_wanted, kswapd_run */
#include "core/sysctl.h"     /* the vm.* sysctls */
#include "core/writeback.h"  /* wb_wanted, wb_workfn: the flusher */

#endif /* MM_API_H */
