/* SPDX-License-Identifier: MIT */
/*
 * vmstat.h - the machine's counters, named and ordered as /proc/vmstat,
 * and the reports of mm/vmstat.c: vmstat, buddyinfo and zoneinfo.
 *
 * Owns: the zone, node and event counter enums and their names. Counters
 * are plain fields of the machine; this file never changes them. Each
 * report prints into s and returns 0 or -ENOMEM; reports never change
 * the machine.
 */
#ifndef MM_VMSTAT_H
#define MM_VMSTAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/snapshot.h"

#define ZONE_STAT_ITEMS(X)                                                     \
	X(NR_FREE_PAGES, "nr_free_pages")                                      \
	X(NR_ZONE_INACTIVE_ANON, "nr_zone_inactive_anon")                      \
	X(NR_ZONE_ACTIVE_ANON, "nr_zone_active_anon")                          \
	X(NR_ZONE_INACTIVE_FILE, "nr_zone_inactive_file")                      \
	X(NR_ZONE_ACTIVE_FILE, "nr_zone_active_file")                          \
	X(NR_ZONE_UNEVICTABLE, "nr_zone_unevictable")                          \
	X(NR_ZONE_WRITE_PENDING, "nr_zone_write_pending")                      \
	X(NR_MLOCK, "nr_mlock")                                                \
	X(NR_BOUNCE, "nr_bounce")                                              \
	X(NR_ZSPAGES, "nr_zspages")                                            \
	X(NR_FREE_CMA_PAGES, "nr_free_cma")

#define NODE_STAT_ITEMS(X)                                                     \
	X(NR_INACTIVE_ANON, "nr_inactive_anon")                                \
	X(NR_ACTIVE_ANON, "nr_active_anon")                                    \
	X(NR_INACTIVE_FILE, "nr_inactive_file")                                \
	X(NR_ACTIVE_FILE, "nr_active_file")                                    \
	X(NR_UNEVICTABLE, "nr_unevictable")                                    \
	X(NR_SLAB_RECLAIMABLE_B, "nr_slab_reclaimable")                        \
	X(NR_SLAB_UNRECLAIMABLE_B, "nr_slab_unreclaimable")                    \
	X(NR_ISOLATED_ANON, "nr_isolated_anon")                                \
	X(NR_ISOLATED_FILE, "nr_isolated_file")                                \
	X(WORKINGSET_NODES, "workingset_nodes")                                \
	X(WORKINGSET_REFAULT_ANON, "workingset_refault_anon")                  \
	X(WORKINGSET_REFAULT_FILE, "workingset_refault_file")                  \
	X(WORKINGSET_ACTIVATE_ANON, "workingset_activate_anon")                \
	X(WORKINGSET_ACTIVATE_FILE, "workingset_activate_file")                \
	X(WORKINGSET_RESTORE_ANON, "workingset_restore_anon")                  \
	X(WORKINGSET_RESTORE_FILE, "workingset_restore_file")                  \
	X(WORKINGSET_NODERECLAIM, "workingset_nodereclaim")                    \
	X(NR_ANON_MAPPED, "nr_anon_pages")                                     \
	X(NR_FILE_MAPPED, "nr_mapped")                                         \
	X(NR_FILE_PAGES, "nr_file_pages")                                      \
	X(NR_FILE_DIRTY, "nr_dirty")                                           \
	X(NR_WRITEBACK, "nr_writeback")                                        \
	X(NR_SHMEM, "nr_shmem")                                                \
	X(NR_ANON_THPS, "nr_anon_transparent_hugepages")                       \
	X(NR_VMSCAN_WRITE, "nr_vmscan_write")                                  \
	X(NR_DIRTIED, "nr_dirtied")                                            \
	X(NR_WRITTEN, "nr_written")                                            \
	X(NR_KERNEL_MISC_RECLAIMABLE, "nr_kernel_misc_reclaimable")            \
	X(NR_KERNEL_STACK_KB, "nr_kernel_stack")                               \
	X(NR_PAGETABLE, "nr_page_table_pages")                                 \
	X(NR_SWAPCACHE, "nr_swapcached")

/* NUMA allocation events, per zone, as CONFIG_NUMA's zone_statistics. */
#define NUMA_EVENT_ITEMS(X)                                                    \
	X(NUMA_HIT, "numa_hit")                                                \
	X(NUMA_MISS, "numa_miss")                                              \
	X(NUMA_FOREIGN, "numa_foreign")                                        \
	X(NUMA_INTERLEAVE_HIT, "numa_interleave")                              \
	X(NUMA_LOCAL, "numa_local")                                            \
	X(NUMA_OTHER, "numa_other")

/* Events counted per zone print once per zone: pgalloc_dma, ... */
#define ZONE_EVENT_ITEMS(X)                                                    \
	X(PGALLOC, "pgalloc")                                                  \
	X(ALLOCSTALL, "allocstall")                                            \
	X(PGSKIP, "pgskip")

#define EVENT_ITEMS(X)                                                         \
	X(PGPGIN, "pgpgin")                                                    \
	X(PGPGOUT, "pgpgout")                                                  \
	X(PSWPIN, "pswpin")                                                    \
	X(PSWPOUT, "pswpout")                                                  \
	X(PGFREE, "pgfree")                                                    \
	X(PGACTIVATE, "pgactivate")                                            \
	X(PGDEACTIVATE, "pgdeactivate")                                        \
	X(PGLAZYFREE, "pglazyfree")                                            \
	X(PGFAULT, "pgfault")                                                  \
	X(PGMAJFAULT, "pgmajfault")                                            \
	X(PGLAZYFREED, "pglazyfreed")                                          \
	X(PGREFILL, "pgrefill")                                                \
	X(PGREUSE, "pgreuse")                                                  \
	X(PGSTEAL_KSWAPD, "pgsteal_kswapd")                                    \
	X(PGSTEAL_DIRECT, "pgsteal_direct")                                    \
	X(PGSCAN_KSWAPD, "pgscan_kswapd")                                      \
	X(PGSCAN_DIRECT, "pgscan_direct")                                      \
	X(PGSCAN_ANON, "pgscan_anon")                                          \
	X(PGSCAN_FILE, "pgscan_file")                                          \
	X(PGSTEAL_ANON, "pgsteal_anon")                                        \
	X(PGSTEAL_FILE, "pgsteal_file")                                        \
	X(PGSCAN_ZONE_RECLAIM_SUCCESS, "zone_reclaim_success")                 \
	X(PGSCAN_ZONE_RECLAIM_FAILED, "zone_reclaim_failed")                   \
	X(SLABS_SCANNED, "slabs_scanned")                                      \
	X(KSWAPD_LOW_WMARK_HIT_QUICKLY, "kswapd_low_wmark_hit_quickly")        \
	X(KSWAPD_HIGH_WMARK_HIT_QUICKLY, "kswapd_high_wmark_hit_quickly")      \
	X(PAGEOUTRUN, "pageoutrun")                                            \
	X(DROP_PAGECACHE, "drop_pagecache")                                    \
	X(DROP_SLAB, "drop_slab")                                              \
	X(OOM_KILL, "oom_kill")                                                \
	X(PGMIGRATE_SUCCESS, "pgmigrate_success")                              \
	X(PGMIGRATE_FAIL, "pgmigrate_fail")                                    \
	X(THP_MIGRATION_SUCCESS, "thp_migration_success")                      \
	X(THP_MIGRATION_FAIL, "thp_migration_fail")                            \
	X(THP_MIGRATION_SPLIT, "thp_migration_split")                          \
	X(COMPACTMIGRATE_SCANNED, "compact_migrate_scanned")                   \
	X(COMPACTFREE_SCANNED, "compact_free_scanned")                         \
	X(COMPACTISOLATED, "compact_isolated")                                 \
	X(COMPACTSTALL, "compact_stall")                                       \
	X(COMPACTFAIL, "compact_fail")                                         \
	X(COMPACTSUCCESS, "compact_success")                                   \
	X(KCOMPACTD_WAKE, "compact_daemon_wake")                               \
	X(KCOMPACTD_MIGRATE_SCANNED, "compact_daemon_migrate_scanned")         \
	X(KCOMPACTD_FREE_SCANNED, "compact_daemon_free_scanned")               \
	X(CMA_ALLOC_SUCCESS, "cma_alloc_success")                              \
	X(CMA_ALLOC_FAIL, "cma_alloc_fail")                                    \
	X(UNEVICTABLE_PGCULLED, "unevictable_pgs_culled")                      \
	X(UNEVICTABLE_PGSCANNED, "unevictable_pgs_scanned")                    \
	X(UNEVICTABLE_PGRESCUED, "unevictable_pgs_rescued")                    \
	X(UNEVICTABLE_PGMLOCKED, "unevictable_pgs_mlocked")                    \
	X(UNEVICTABLE_PGMUNLOCKED, "unevictable_pgs_munlocked")                \
	X(UNEVICTABLE_PGCLEARED, "unevictable_pgs_cleared")                    \
	X(UNEVICTABLE_PGSTRANDED, "unevictable_pgs_stranded")                  \
	X(THP_FAULT_ALLOC, "thp_fault_alloc")                                  \
	X(THP_FAULT_FALLBACK, "thp_fault_fallback")                            \
	X(THP_FAULT_FALLBACK_CHARGE, "thp_fault_fallback_charge")              \
	X(THP_COLLAPSE_ALLOC, "thp_collapse_alloc")                            \
	X(THP_COLLAPSE_ALLOC_FAILED, "thp_collapse_alloc_failed")              \
	X(THP_SPLIT_PAGE, "thp_split_page")                                    \
	X(THP_SPLIT_PAGE_FAILED, "thp_split_page_failed")                      \
	X(THP_DEFERRED_SPLIT_PAGE, "thp_deferred_split_page")                  \
	X(THP_SPLIT_PMD, "thp_split_pmd")                                      \
	X(THP_ZERO_PAGE_ALLOC, "thp_zero_page_alloc")                          \
	X(THP_ZERO_PAGE_ALLOC_FAILED, "thp_zero_page_alloc_failed")            \
	X(SWAP_RA, "swap_ra")                                                  \
	X(VMALLOC_FAULT, "mm_vmalloc_fault")

/*
 * Bad calls refused by the machine; printed after the kernel's own
 * counters, as mm_bad_*, so that parsers of the real file still work.
 */
#define BAD_ITEMS(X)                                                           \
	X(BAD_ORDER, "mm_bad_order")                                           \
	X(BAD_GFP, "mm_bad_gfp")                                               \
	X(BAD_PFN, "mm_bad_pfn")                                               \
	X(BAD_DOUBLE_FREE, "mm_bad_double_free")                               \
	X(BAD_FREE_ORDER, "mm_bad_free_order")                                 \
	X(BAD_FREE_TAIL, "mm_bad_free_tail")                                   \
	X(BAD_FREE_RESERVED, "mm_bad_free_reserved")                           \
	X(BAD_REFCOUNT, "mm_bad_refcount")                                     \
	X(BAD_ADDRESS, "mm_bad_address")                                       \
	X(BAD_CPU, "mm_bad_cpu")                                               \
	X(BAD_SLAB_DOUBLE_FREE, "mm_bad_slab_double_free")                     \
	X(BAD_SLAB_POINTER, "mm_bad_slab_pointer")                             \
	X(BAD_SLAB_REDZONE, "mm_bad_slab_redzone")                             \
	X(BAD_SLAB_POISON, "mm_bad_slab_poison")                               \
	X(BAD_SLAB_CACHE, "mm_bad_slab_cache")                                 \
	X(BAD_KMALLOC_SIZE, "mm_bad_kmalloc_size")                             \
	X(BAD_PERCPU_REQUEST, "mm_bad_percpu_request")                         \
	X(BAD_PERCPU_POINTER, "mm_bad_percpu_pointer")                         \
	X(BAD_MMZ_REQUEST, "mm_bad_mmz_request")                               \
	X(BAD_MMZ_ADDRESS, "mm_bad_mmz_address")                               \
	X(BAD_VMALLOC_SIZE, "mm_bad_vmalloc_size")                             \
	X(BAD_IOREMAP, "mm_bad_ioremap")                                       \
	X(BAD_KMAP, "mm_bad_kmap")                                             \
	X(BAD_VMA, "mm_bad_vma")                                               \
	X(BAD_USER_ACCESS, "mm_bad_user_access")                               \
	X(BAD_PREEMPT, "mm_bad_preempt")                                       \
	X(BAD_SLEEP_IN_ATOMIC, "mm_bad_sleep_in_atomic")                       \
	X(BAD_PERCPU_VAR, "mm_bad_percpu_var")

#define VMSTAT_ENUM(id, name) id,
enum zone_stat_item { ZONE_STAT_ITEMS(VMSTAT_ENUM) NR_VM_ZONE_STAT_ITEMS };
enum node_stat_item { NODE_STAT_ITEMS(VMSTAT_ENUM) NR_VM_NODE_STAT_ITEMS };
enum zone_event_item { ZONE_EVENT_ITEMS(VMSTAT_ENUM) NR_VM_ZONE_EVENT_ITEMS };
enum numa_stat_item { NUMA_EVENT_ITEMS(VMSTAT_ENUM) NR_VM_NUMA_EVENT_ITEMS };
enum vm_event_item { EVENT_ITEMS(VMSTAT_ENUM) NR_VM_EVENT_ITEMS };
enum bad_item { BAD_ITEMS(VMSTAT_ENUM) NR_BAD_ITEMS };
#undef VMSTAT_ENUM

extern const char *const zone_stat_names[NR_VM_ZONE_STAT_ITEMS];
extern const char *const node_stat_names[NR_VM_NODE_STAT_ITEMS];
extern const char *const zone_event_names[NR_VM_ZONE_EVENT_ITEMS];
extern const char *const numa_event_names[NR_VM_NUMA_EVENT_ITEMS];
extern const char *const vm_event_names[NR_VM_EVENT_ITEMS];
extern const char *const bad_item_names[NR_BAD_ITEMS];
/* The kernel's names for the migrate types, as /proc/pagetypeinfo. */
extern const char *const migratetype_names[]; /* MIGRATE_TYPES of them */

/* mm_types.h includes this before struct machine is complete. */
struct machine;

/*
 * The four reports' snapshots (snapshot.h): what their text is printed
 * from, and mm.proto's Vmstat, Buddyinfo, Pagetypeinfo and Zoneinfo.
 * Counts are pages (free blocks: blocks of their order); node is the
 * zone's node, zones node by node.
 */
struct vmstat_snapshot {
	struct snap_counter *counters; /* every line, in the kernel's order */
	size_t nr_counters;
};

struct buddy_zone_snapshot {
	uint64_t node;
	char zone[16];
	uint64_t *free; /* free blocks of each order, 0 to max_order */
	size_t nr_free;
};
struct buddyinfo_snapshot {
	struct buddy_zone_snapshot *zones; /* the populated ones */
	size_t nr_zones;
};

/* A free count of 100000 is "100000 or more" (the text's '>'). */
struct pagetype_free_snapshot {
	uint64_t node;
	char zone[16];
	char type[16];	/* the migrate type's name, "Unmovable" ... */
	uint64_t *free; /* free blocks of each order on its list */
	size_t nr_free;
};
struct pagetype_blocks_snapshot {
	uint64_t node;
	char zone[16];
	struct snap_counter *types; /* pageblocks of each migrate type */
	size_t nr_types;
};
struct pagetypeinfo_snapshot {
	uint64_t page_block_order, pages_per_block;
	struct pagetype_free_snapshot *free; /* zone by zone, type by type */
	size_t nr_free;
	struct pagetype_blocks_snapshot *blocks;
	size_t nr_blocks;
};

struct zone_pages_snapshot {
	int64_t free;
	uint64_t boost, min, low, high, promo, spanned, present, managed, cma;
	uint64_t *protection; /* lowmem_reserve, per zone of the arch */
	size_t nr_protection;
};
struct pageset_snapshot {
	uint64_t cpu;
	int64_t count, high, batch, vm_stats_threshold;
};
struct zoneinfo_zone_snapshot {
	uint64_t node;
	char zone[16];
	bool populated; /* else the text stops after protection */
	struct snap_counter *per_node_stats; /* its node's first populated */
	size_t nr_per_node_stats;
	struct zone_pages_snapshot pages;
	struct snap_counter *stats; /* the zone's counters, then numa_* */
	size_t nr_stats;
	struct pageset_snapshot *pagesets;
	size_t nr_pagesets;
	uint64_t node_unreclaimable, start_pfn;
};
struct zoneinfo_snapshot {
	struct zoneinfo_zone_snapshot *zones; /* each node's arch zones */
	size_t nr_zones;
};

extern const struct report_type vmstat_report, buddyinfo_report,
	pagetypeinfo_report, zoneinfo_report, node_vmstat_report;
int vmstat_fill(const struct machine *m, int pid, void *snap);
int vmstat_show(const void *snap, struct seq_buf *s);
/* nodeN/vmstat: nid where others take a pid; -EINVAL for no such node. */
int node_vmstat_fill(const struct machine *m, int nid, void *snap);
int buddyinfo_fill(const struct machine *m, int pid, void *snap);
int buddyinfo_show(const void *snap, struct seq_buf *s);
int pagetypeinfo_fill(const struct machine *m, int pid, void *snap);
int pagetypeinfo_show(const void *snap, struct seq_buf *s);
int zoneinfo_fill(const struct machine *m, int pid, void *snap);
int zoneinfo_show(const void *snap, struct seq_buf *s);

int report_vmstat(const struct machine *m, struct seq_buf *s);
int report_node_vmstat(const struct machine *m, unsigned int nid,
		       struct seq_buf *s);
int report_buddyinfo(const struct machine *m, struct seq_buf *s);
int report_pagetypeinfo(const struct machine *m, struct seq_buf *s);
int report_zoneinfo(const struct machine *m, struct seq_buf *s);

struct zone;

/*
 * The fragmentation index of a zone for order, as mm/vmstat.c computes
 * it: -1000 when a free block of the order exists, else 0 (failure for
 * lack of memory) to 1000 (for fragmentation); 0 with nothing free.
 */
int fragmentation_index(const struct zone *zone, unsigned int order);
/*
 * The share of free memory (in thousandths) in blocks smaller than
 * order, as unusable_free_index: 1000 with nothing free.
 */
int unusable_free_index(const struct zone *zone, unsigned int order);
/* The same share in percent, as extfrag_for_order: 0 with nothing free. */
unsigned int extfrag_for_order(const struct zone *zone, unsigned int order);

/*
 * /sys/kernel/debug/extfrag/extfrag_index and unusable_index: each
 * populated zone's index at each order, in thousandths (the text's
 * "-1.000" is -1000; int64_t bits in the uint64_t array).
 */
struct frag_index_zone_snapshot {
	uint64_t node;
	char zone[16];
	uint64_t *index; /* int64_t values, order 0 .. max_order */
	size_t nr_index;
};
struct frag_index_snapshot {
	struct frag_index_zone_snapshot *zones;
	size_t nr_zones;
};
extern const struct report_type extfrag_index_report, unusable_index_report;
int report_extfrag_index(const struct machine *m, struct seq_buf *s);
int report_unusable_index(const struct machine *m, struct seq_buf *s);

#endif /* MM_VMSTAT_H */
