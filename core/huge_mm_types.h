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

struct thp_state {
	enum thp_enabled enabled; /* madvise, as the host's default */
	enum thp_defrag defrag;	  /* madvise, Linux's default */
	bool use_zero_page;	  /* use_zero_page: 1 */
	bool huge_zero;		  /* the huge zero page exists */
	unsigned long huge_zero_pfn;
};

#endif /* MM_HUGE_MM_TYPES_H */
