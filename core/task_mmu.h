/* SPDX-License-Identifier: MIT */
/*
 * task_mmu.h - a process's memory as /proc/PID shows it.
 *
 * Owns: /proc/PID/maps, the Vm* and Rss* lines of /proc/PID/status, and
 * the page walk mmctl pagewalk prints. Reads only; never changes a
 * table, a VMA or a counter (a walk sets no accessed bits).
 */
#ifndef MM_TASK_MMU_H
#define MM_TASK_MMU_H

#include <stdbool.h>
#include <stdint.h>

#include "core/machine.h"
#include "core/pgtable.h"
#include "core/seq_buf.h"
#include "core/snapshot.h"

/*
 * The snapshots (snapshot.h) of maps and status, mm.proto's Maps and
 * Status: -ESRCH when there is no such process. A VMA's name is "" for
 * an anonymous one; pointer_size (bytes) sets the text's name column.
 * Status: the kB lines in kB; uid, gid and host_pid are the session's
 * (host_pid 0: no session; the daemon sets gid and host_pid, which the
 * machine does not know).
 */
struct vma_snapshot {
	uint64_t start, end, offset, inode;
	char perms[8], dev[16];
	char name[2 * 255 + 16]; /* a file's path, " (deleted)" after it */
};
struct maps_snapshot {
	struct vma_snapshot *vmas;
	size_t nr_vmas;
	uint64_t pointer_size;
};
struct status_snapshot {
	char name[16];
	int64_t pid, p_pid;
	uint64_t vm_peak, vm_size, vm_lck, vm_pin, vm_hwm, vm_rss, rss_anon,
		rss_file, rss_shmem, vm_data, vm_stk, vm_exe, vm_lib, vm_pte,
		vm_swap, hugetlb_pages;
	uint64_t charged, charged_peak, charge_limit, charge_failcnt,
		charge_refused, cpus_allowed_list;
	uint64_t uid, gid;
	int64_t host_pid;
	uint64_t cpu;
	int64_t oom_score_adj;
	uint64_t pages, objects;
};
extern const struct report_type pid_maps_report, pid_status_report;
int pid_maps_fill(const struct machine *m, int pid, void *snap);
int pid_maps_show(const void *snap, struct seq_buf *s);
int pid_status_fill(const struct machine *m, int pid, void *snap);
int pid_status_show(const void *snap, struct seq_buf *s);
int report_pid_maps(const struct machine *m, int pid, struct seq_buf *s);
/*
 * /proc/PID/numa_maps: each VMA's start, its policy (the task's when it
 * has none) and its pages: anon, dirty, active, on each node. The text
 * prints a count only where it says something (anon= when some are,
 * mapped= when pages is neither anon nor dirty, active= below pages);
 * the snapshot (mm.proto's NumaMaps) has them all.
 */
struct numa_maps_vma_snapshot {
	uint64_t start;
	char policy[64]; /* "interleave:0-1", "default" ... */
	char name[8];	 /* "heap", "stack" or "" */
	uint64_t pages;	 /* present pages (the text's mapped=) */
	uint64_t anon, dirty, mapmax, active;
	uint64_t *nodes; /* pages on each node, node 0 up */
	size_t nr_nodes;
	uint64_t kernelpagesize_kb;
};
struct numa_maps_snapshot {
	struct numa_maps_vma_snapshot *vmas;
	size_t nr_vmas;
};
extern const struct report_type pid_numa_maps_report;
int pid_numa_maps_fill(const struct machine *m, int pid, void *snap);
int pid_numa_maps_show(const void *snap, struct seq_buf *s);
int report_pid_numa_maps(const struct machine *m, int pid, struct seq_buf *s);
int report_pid_status(const struct machine *m, int pid, struct seq_buf *s);

/*
 * Each level's index and entry on the way to addr in pid's tables, then
 * the frame and its struct page (flags, _refcount, _mapcount) when
 * something is mapped there; a swap entry is shown as type and offset.
 */
int pid_pagewalk(const struct machine *m, int pid, uint64_t addr,
		 struct pgtable_walk *w);
int report_pagewalk(const struct machine *m, int pid, uint64_t addr,
		    struct seq_buf *s);
/*
 * Its snapshot, mm.proto's Pagewalk: each level read (its name, index,
 * entry, the table's pfn and the entry's bits by _PAGE_ name, "present"
 * "rw" "user" "pwt" "pcd" "accessed" "dirty" "pse" "global" "nx", for
 * a present entry only), then where the walk ended (stop): "frame" (the
 * frame, its page and, for a huge page, its head), "swap" (type and
 * offset), "prot_none" (the frame kept) or "none".
 */
struct pagewalk_level_snapshot {
	char name[8];
	uint64_t index, entry, table_pfn;
	char **bits;
	size_t nr_bits;
};
struct pagewalk_snapshot {
	uint64_t address;
	struct pagewalk_level_snapshot *levels;
	size_t nr_levels;
	char stop[16];
	uint64_t pfn, phys, page_size; /* page_size in bytes */
	bool zero_page, huge_zero_page, huge;
	uint64_t head_pfn, head_order;
	bool thp;
	uint64_t page_flags;
	char **page_flag_names; /* "anon" "shmem" "lru" "active" "swapbacked" */
	size_t nr_page_flag_names;
	int64_t refcount, mapcount;
	uint64_t index;
	uint64_t swap_type, swap_offset;
};
extern const struct report_at_type pagewalk_report;

/*
 * /proc/PID/smaps and smaps_rollup in the kernel's format: each VMA's
 * maps line, then Size, KernelPageSize, MMUPageSize, Rss, Pss,
 * Pss_Dirty, Shared_/Private_Clean/Dirty, Referenced, Anonymous, KSM,
 * LazyFree, AnonHugePages, ShmemPmdMapped, FilePmdMapped,
 * Shared_/Private_Hugetlb, Swap, SwapPss, Locked, THPeligible, VmFlags;
 * the rollup sums every VMA (with Pss_Anon, Pss_File, Pss_Shmem).
 */
int report_pid_smaps(const struct machine *m, int pid, struct seq_buf *s);
int report_pid_smaps_rollup(const struct machine *m, int pid,
			    struct seq_buf *s);
/*
 * Their snapshots, mm.proto's Smaps and SmapsRollup: every count in kB,
 * as the text's lines (Pss's fraction dropped as the text drops it);
 * each key in snake_case (Pss_Dirty pss_dirty, THPeligible
 * thp_eligible). The rollup's start and end are its line's range, from
 * the first VMA's start to the last's end (0-0 with none); pss_anon,
 * pss_file and pss_shmem are printed by the rollup alone.
 */
struct smaps_counts {
	uint64_t rss, pss, pss_dirty, pss_anon, pss_file, pss_shmem;
	uint64_t shared_clean, shared_dirty, private_clean, private_dirty;
	uint64_t referenced, anonymous, ksm, lazy_free, anon_huge_pages;
	uint64_t shmem_pmd_mapped, file_pmd_mapped, shared_hugetlb,
		private_hugetlb, swap, swap_pss, locked;
};
struct smaps_vma_snapshot {
	struct vma_snapshot vma; /* the maps line's fields */
	uint64_t size, kernel_page_size, mmu_page_size;
	struct smaps_counts c;
	bool thp_eligible;
	char **vm_flags; /* "rd", "wr" ... in bit order */
	size_t nr_vm_flags;
};
struct smaps_snapshot {
	struct smaps_vma_snapshot *vmas;
	size_t nr_vmas;
	uint64_t pointer_size;
};
struct smaps_rollup_snapshot {
	uint64_t start, end, pointer_size;
	struct smaps_counts c;
};
extern const struct report_type pid_smaps_report, pid_smaps_rollup_report;
int pid_smaps_fill(const struct machine *m, int pid, void *snap);
int pid_smaps_show(const void *snap, struct seq_buf *s);
int pid_smaps_rollup_fill(const struct machine *m, int pid, void *snap);
int pid_smaps_rollup_show(const void *snap, struct seq_buf *s);

/* /proc/PID/pagemap's bits (Documentation/admin-guide/mm/pagemap.rst). */
#define PM_PFRAME_MASK	  ((1ULL << 55) - 1)
#define PM_SOFT_DIRTY	  (1ULL << 55)
#define PM_MMAP_EXCLUSIVE (1ULL << 56)
#define PM_GUARD_REGION	  (1ULL << 58)
#define PM_FILE		  (1ULL << 61)
#define PM_SWAP		  (1ULL << 62)
#define PM_PRESENT	  (1ULL << 63)

/*
 * pagemap: a little-endian u64 per page from addr (rounded down to its
 * page), count of them, into out (8 bytes each, as the file holds them); *nr
 * says how many (fewer at the end of user space). Present: the PFN in bits
 * 0-54, exclusively mapped 56, file or shared memory 61, present 63; swapped:
 * bit 62, the swap type in bits 0-4 and the offset from bit 5; a guard
 * region's page (MADV_GUARD_INSTALL): bit 62 and 58 (PM_GUARD_REGION),
 * type 31 and offset 4 (its marker), as Linux 6.18 shows it; nothing
 * there: 0. -ESRCH for no such process.
 */
int pagemap_read(const struct machine *m, int pid, uint64_t addr,
		 uint64_t count, uint8_t *out, uint64_t *nr);

#endif /* MM_TASK_MMU_H */
