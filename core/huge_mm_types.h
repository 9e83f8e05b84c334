/* SPDX-License-Identifier: MIT */
/*
 * huge_mm_types.h - the transparent huge page settings the machine
 * keeps (huge_mm.h has the calls), apart so machine.h can hold them.
 *
 * Owns: the values of /sys/kernel/mm/transparent_hugepage/'s files.
 * Must never: declare a call (huge_mm.h does).
 */
#ifndef MM_HUGE_MM_TYPES_H
#define MM_HUGE_MM_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/list.h"

/* /sys/kernel/mm/transparent_hugepage/enabled, in the file's order. */
enum thp_enabled {
	THP_ENABLED_ALWAYS,
	THP_ENABLED_MADVISE,
	THP_ENABLED_NEVER,
	NR_THP_ENABLED,
};

/* /sys/kernel/mm/transparent_hugepage/defrag, in the file's order. */
enum thp_defrag {
	THP_DEFRAG_ALWAYS,
	THP_DEFRAG_DEFER,
	THP_DEFRAG_DEFER_MADVISE,
	THP_DEFRAG_MADVISE,
	THP_DEFRAG_NEVER,
	NR_THP_DEFRAG,
};

/* /sys/kernel/mm/transparent_hugepage/khugepaged/, and where it is. */
struct khugepaged_state {
	unsigned int pages_to_scan;    /* 8 huge pages' worth: 4096 */
	unsigned int max_ptes_none;    /* 511: any one page makes a THP */
	unsigned int max_ptes_swap;    /* 64 */
	unsigned int max_ptes_shared;  /* 256 */
	unsigned long pages_collapsed; /* huge pages made, as Linux counts */
	unsigned long full_scans;
	int scan_pid;	    /* the mm the next scan starts in */
	uint64_t scan_addr; /* and the address in it */
};

struct thp_state {
	enum thp_enabled enabled; /* madvise, as the host's default */
	enum thp_defrag defrag;	  /* madvise, Linux's default */
	bool use_zero_page;	  /* use_zero_page: 1 */
	bool huge_zero;		  /* the huge zero page exists */
	unsigned long huge_zero_pfn;
	struct khugepaged_state khugepaged;
	/*
	 * The deferred split queue (Linux's ds_queue): THPs partly
	 * unmapped, each linked by its second tail page's lru, split when
	 * memory is short (deferred_split_scan).
	 */
	struct list_head split_queue;
	unsigned long split_queue_len;
};

#endif /* MM_HUGE_MM_TYPES_H */
