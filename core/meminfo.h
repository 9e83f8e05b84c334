/* SPDX-License-Identifier: MIT */
/*
 * meminfo.h - /proc/meminfo of a machine (fs/proc/meminfo.c).
 *
 * The report prints into s and returns 0 or -ENOMEM. It never changes
 * the machine. Its values are those of a struct meminfo_snapshot
 * (meminfo_report: fill, then show), which is also the structured
 * report: mm.proto's Meminfo has a field of each member's name.
 */
#ifndef MM_MEMINFO_H
#define MM_MEMINFO_H

#include <stdbool.h>
#include <stdint.h>

#include "core/machine.h"
#include "core/seq_buf.h"
#include "core/snapshot.h"

/*
 * Every value is in kB, as the file prints it, but the huge_pages_*
 * counts (pages) and the two flags, which say which lines the text has:
 * highmem the High and Low lines, x86_64 DirectMap2M and 1G (else 4M).
 */
struct meminfo_snapshot {
	uint64_t mem_total, mem_free, mem_available, buffers, cached,
		swap_cached;
	uint64_t active, inactive, active_anon, inactive_anon, active_file,
		inactive_file, unevictable, mlocked;
	bool highmem;
	uint64_t high_total, high_free, low_total, low_free;
	uint64_t swap_total, swap_free, dirty, writeback, anon_pages, mapped,
		shmem;
	uint64_t k_reclaimable, slab, s_reclaimable, s_unreclaim, kernel_stack,
		page_tables, sec_page_tables, nfs_unstable, bounce,
		writeback_tmp, commit_limit, committed_as;
	uint64_t vmalloc_total, vmalloc_used, vmalloc_chunk, percpu,
		hardware_corrupted;
	uint64_t anon_huge_pages, shmem_huge_pages, shmem_pmd_mapped,
		file_huge_pages, file_pmd_mapped, cma_total, cma_free,
		mmz_total, mmz_free;
	uint64_t huge_pages_total, huge_pages_free, huge_pages_rsvd,
		huge_pages_surp, hugepagesize, hugetlb;
	bool x86_64;
	uint64_t direct_map4k, direct_map2m, direct_map1g, direct_map4m;
};

extern const struct report_type meminfo_report;
int meminfo_fill(const struct machine *m, int pid, void *snap);
int meminfo_show(const void *snap, struct seq_buf *s);
int report_meminfo(const struct machine *m, struct seq_buf *s);

#endif /* MM_MEMINFO_H */
