/* SPDX-License-Identifier: MIT */
/*
 * machine.h - one simulated computer's memory: RAM, frames, zones, CPUs.
 *
 * Owns: struct machine, boot from a layout and teardown (mm_init.c), and
 * the helpers that translate between pfns, struct pages and RAM bytes.
 * Everything in core hangs off a machine; core keeps no globals and does no
 * I/O. Must never: be called from two threads at once (the daemon runs one
 * loop; tests and benchmarks run one machine per thread).
 */
#ifndef MM_MACHINE_H
#define MM_MACHINE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/gfp.h"
#include "core/huge_mm_types.h"
#include "core/layout.h"
#include "core/memblock.h"
#include "core/mm_types.h"
#include "core/nodemask.h"
#include "core/preempt_types.h"

_Static_assert(sizeof(unsigned long) == 8, "mm needs an LP64 host");

struct machine;
struct slab_state;
struct vmalloc_state;
struct highmem_state;
struct pcpu_state;
struct percpu_defs;
struct mutex_state;
struct mmz_state;
struct cma_state;
struct task_state;
struct pid_namespace;
struct vma_state;
struct swap_info_struct;
struct oom_state;
struct segment_state;
struct kernel_pgtable;
struct mm_struct;
struct page_owner_state;
struct block_device;
struct fs_state;
struct pglist_data;
struct zonelist;
struct mempolicy;

/*
 * A subsystem of the machine (slab, vmalloc, ...): set up after the page
 * allocator by boot (mm_init.c) and checked by machine_check. What a
 * task still owns in one is given back by task exit (task.c), which
 * calls each subsystem's release itself, as do_exit calls exit_mm.
 */
struct subsystem {
	const char *name;
	int (*init)(struct machine *m);
	void (*exit)(struct machine *m);
	int (*check)(const struct machine *m, char *why, size_t len);
};

extern const struct subsystem machine_subsystems[];
extern const unsigned int nr_machine_subsystems;

/* What the simulated arch's kernel would spend and keep at boot. */
struct arch_info {
	const char *name;
	unsigned int struct_page_size; /* sizeof(struct page) in its kernel */
	uint64_t reserve_low;	       /* low memory the BIOS keeps */
	unsigned int section_shift;    /* sparse memmap section, 0: flat */
	unsigned int zone_mask;	       /* the zones its kernel is built with */
};

/* Called when an allocation that may reclaim fails its watermark. */
typedef unsigned long (*reclaim_fn)(struct machine *m, gfp_t gfp,
				    unsigned int order, void *data);

/* A node's kswapd (vmscan.c), as pgdat keeps its fields. */
struct kswapd_state {
	bool wanted;
	bool running;	    /* reclaim is kswapd's, not direct */
	bool boost_reclaim; /* reclaiming a watermark boost: no swap */
	unsigned int order;
	enum zone_type highest_zoneidx;
	unsigned long wakeups;
	/* kswapd_failures: runs in a row that reclaimed nothing; at
	 * MAX_RECLAIM_RETRIES the node is hopeless and not woken. */
	unsigned int failures;
};

/* What kswapd asked kcompactd for (compaction.c), as pgdat keeps it. */
struct kcompactd_state {
	bool wanted;
	unsigned int max_order;
	enum zone_type highest_zoneidx;
	/* Timeouts to sleep through after a proactive run without gain. */
	unsigned int proactive_defer;
};

/*
 * The LRU lists, as a node's lruvec: anonymous (and shmem) pages, and
 * the page cache's file pages (PG_swapbacked clear), and the pages no
 * reclaim may take (PG_unevictable: mlocked), in Linux's order.
 */
enum lru_list {
	LRU_INACTIVE_ANON,
	LRU_ACTIVE_ANON,
	LRU_INACTIVE_FILE,
	LRU_ACTIVE_FILE,
	LRU_UNEVICTABLE, /* mlocked pages: reclaim never looks at them */
	NR_LRU_LISTS,
};

struct lruvec {
	struct list_head lists[NR_LRU_LISTS];
	unsigned long nr_pages[NR_LRU_LISTS];
	/* Evictions and activations so far (workingset.c's clock). */
	unsigned long nonresident_age;
	unsigned long nr_shadows; /* shadow entries the inodes hold */
};

/* The vm.* sysctls now: the layout's at boot, admin_sysctl's after. */
struct vm_sysctl {
	unsigned int dirty_background_ratio;
	unsigned int dirty_ratio;
	unsigned int dirty_expire_centisecs;
	unsigned int dirty_writeback_centisecs;
	unsigned int swappiness;
	/* debugfs's fault_around_bytes: what a read fault maps around it. */
	unsigned int fault_around_bytes;
	/* Compaction's (compaction.c) and the allocator's fallback's. */
	unsigned int extfrag_threshold;	       /* 0..1000, 500 */
	unsigned int compaction_proactiveness; /* 0..100, 20 */
	unsigned int watermark_boost_factor;   /* 0..INT_MAX, 15000 */
	/* node_reclaim's (vmscan.c): the mode's bits, and the shares of a
	 * node's pages that must be reclaimable before it reclaims. */
	unsigned int zone_reclaim_mode;	 /* RECLAIM_ZONE|WRITE|UNMAP, 0 */
	unsigned int min_unmapped_ratio; /* 0..100, 1 */
	unsigned int min_slab_ratio;	 /* 0..100, 5 */
};

/*
 * The memmap's sections (sparse.c): with deferred struct page init, a
 * section whose struct pages were never written stands for frames in a
 * known state (all free in max-order blocks, or all reserved).
 */
struct mem_sections {
	unsigned int pfn_shift; /* frames per section, as a shift */
	unsigned long nr;	/* sections in [0, max_pfn) */
	uint8_t *state;		/* enum section_state each; NULL: all written */
	unsigned long nr_deferred; /* sections not written yet */
};

struct machine {
	struct layout layout;
	struct vm_sysctl vm;
	const struct arch_info *arch;
	unsigned int page_shift;
	unsigned long page_size;
	unsigned int max_order;
	/* The huge page order, capped by max_order, as Linux's. */
	unsigned int pageblock_order;
	/* Too little memory to group by mobility (page_alloc.c). */
	bool page_group_by_mobility_disabled;
	unsigned long max_pfn;	      /* frames in [0, layout.memory) */
	unsigned long lowmem_end_pfn; /* end of the direct-mapped frames */

	int ram_fd;
	uint8_t *ram;
	struct page *mem_map;
	size_t mem_map_bytes;	      /* host bytes of mem_map */
	struct mem_sections sections; /* sparse.c: which are written */
	struct memblock memblock;

	/* Every node's zones: node n's are zones[n * MAX_NR_ZONES + type]. */
	struct zone zones[MAX_NUMNODES * MAX_NR_ZONES];
	unsigned int nr_node_ids; /* nodes 0 .. nr_node_ids - 1, all online */
	nodemask_t node_online_map;
	struct pglist_data *node_data; /* mmzone.h: one per node */
	uint8_t cpu_to_node[LAYOUT_MAX_CPUS];
	uint8_t node_distance[MAX_NUMNODES][MAX_NUMNODES];
	/* The highest zone a bind policy holds for, as policy_zone. */
	enum zone_type policy_zone;
	/* The current task's policy (mempolicy.h); NULL for the kernel. */
	struct mempolicy *mempolicy;
	/* weighted_interleave/nodeN: each node's weight, 1 by default. */
	uint8_t iw_table[MAX_NUMNODES];
	/* gfp_zone() of each zone-modifier combination, -EINVAL for bad. */
	int8_t gfp_zone_table[GFP_ZONEMASK + 1];
	unsigned int nr_cpus;
	unsigned int cpu; /* the CPU the caller runs on */
	int current_pid;  /* whose calls these are; 0: the kernel */
	/* The context calls run in (preempt.h): the current task's, or
	 * init_ctx, the kernel's own, for calls made as no task. */
	struct preempt_ctx *ctx;
	struct preempt_ctx init_ctx;

	struct slab_state *slab;
	struct vmalloc_state *vmalloc;
	struct highmem_state *highmem;
	struct pcpu_state *pcpu;
	struct percpu_defs *pcpu_defs; /* DEFINE_PER_CPU variables */
	struct mutex_state *mutexes;   /* mutex.c: DEFINE_MUTEX locks */
	struct mmz_state *mmz;
	struct cma_state *cma; /* cma.c: the CMA areas */
	struct task_state *tasks;
	struct pid_namespace *pid_ns; /* pid.c: which task each pid names */
	struct vma_state *vma;
	struct swap_info_struct *swap;
	struct oom_state *oom;
	struct segment_state *segment; /* i386: each CPU's GDT */
	struct kernel_pgtable *kpt;    /* pgtable.c: init_mm's page table */
	struct page_owner_state *page_owner; /* NULL unless page_owner=on */
	/*
	 * The client call in progress (the operation's name), which
	 * page_owner records where the kernel keeps a stack; NULL for the
	 * machine's own work. It must outlive the machine: a literal.
	 */
	const char *call;
	struct block_device *bdev;   /* block/bdev.c: the storage */
	struct fs_state *fs;	     /* fs/: the filesystem on it */
	unsigned long zero_pfn;	     /* the shared zero page */
	struct thp_state thp;	     /* transparent huge pages */
	unsigned long shmem_ino;     /* the last shmem object number */
	struct mm_struct *active_mm; /* the mm a call is working in */
	unsigned long pgtable_gen;   /* bumped whenever a table is freed */
	unsigned long tlb_gen;	     /* bumped when an entry loses a bit */

	int min_free_kbytes;
	unsigned long totalreserve_pages;
	unsigned long reserved_pages[NR_MB_OWNERS];
	unsigned long hole_pages;
	long node_stat[NR_VM_NODE_STAT_ITEMS];
	unsigned long vm_events[NR_VM_EVENT_ITEMS];
	unsigned long bad[NR_BAD_ITEMS];
	reclaim_fn reclaim;
	void *reclaim_data;
	/*
	 * The zonelist and nodemask of the allocation in direct reclaim,
	 * whose nodes try_to_free_pages reclaims in that order (NULL: the
	 * local node's fallback list, every node).
	 */
	struct zonelist *reclaim_zonelist;
	const nodemask_t *reclaim_nodemask;

	/* The driver retries a parked call: its failure was logged once. */
	bool alloc_retrying;
	char errmsg[256]; /* why the last call failed, for humans */
	char *log_buf;	  /* the kernel log (printk.c) */
	size_t log_len;
	unsigned long log_seq;
};

/* Boot a machine from a valid layout; ERR_PTR(-errno) on failure. */
struct machine *machine_create(const struct layout *l);
void machine_destroy(struct machine *m);

/* Switch the simulated CPU the following calls run on. */
int machine_set_cpu(struct machine *m, unsigned int cpu);

static inline bool pfn_valid(const struct machine *m, unsigned long pfn)
{
	return pfn < m->max_pfn;
}

static inline struct page *pfn_to_page(const struct machine *m,
				       unsigned long pfn)
{
	return m->mem_map + pfn;
}

static inline unsigned long page_to_pfn(const struct machine *m,
					const struct page *page)
{
	return (unsigned long)(page - m->mem_map);
}

static inline enum zone_type page_zonenum(const struct page *page)
{
	return (enum zone_type)((page->flags >> ZONES_SHIFT) & ZONES_MASK);
}

static inline int page_to_nid(const struct page *page)
{
	return (int)((page->flags >> NODES_PGSHIFT) & NODES_MASK);
}

static inline struct zone *page_zone(struct machine *m, const struct page *page)
{
	return &m->zones[page_to_nid(page) * MAX_NR_ZONES + page_zonenum(page)];
}

/* The zone slots in use: MAX_NR_ZONES for each node. */
static inline unsigned int nr_zone_slots(const struct machine *m)
{
	return m->nr_node_ids * MAX_NR_ZONES;
}

/* The host address of a frame's bytes in RAM. */
static inline uint8_t *pfn_to_ram(const struct machine *m, unsigned long pfn)
{
	return m->ram + (pfn << m->page_shift);
}

static inline uint64_t pfn_to_phys(const struct machine *m, unsigned long pfn)
{
	return (uint64_t)pfn << m->page_shift;
}

static inline bool PageFlag(const struct page *page, enum pageflags flag)
{
	return page->flags & (1u << flag);
}

static inline void SetPageFlag(struct page *page, enum pageflags flag)
{
	page->flags |= 1u << flag;
}

static inline void ClearPageFlag(struct page *page, enum pageflags flag)
{
	page->flags &= ~(1u << flag);
}

#endif /* MM_MACHINE_H */
