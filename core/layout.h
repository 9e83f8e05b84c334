/* SPDX-License-Identifier: MIT */
/*
 * layout.h - the plain description a machine boots from.
 *
 * Owns: the layout struct, its defaults and its validation. A layout is
 * built by config/ from YAML or by tests in C; core never sees YAML.
 * Must never: read files or print; every problem is returned as a
 * layout_error naming the key it concerns ("zones[1].end"), so that the
 * loader can point at file:line:column.
 */
#ifndef MM_LAYOUT_H
#define MM_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum mm_arch {
	ARCH_X86_64,
	ARCH_I386,
	NR_ARCHES,
};

/* The kernel's zone types, in the kernel's order. */
enum zone_type {
	ZONE_DMA,
	ZONE_DMA32,
	ZONE_NORMAL,
	ZONE_HIGHMEM,
	ZONE_MOVABLE,
	MAX_NR_ZONES,
};

/* Sizes as a layout writes them. */
#define KiB (1ULL << 10)
#define MiB (1ULL << 20)
#define GiB (1ULL << 30)
#define TiB (1ULL << 40)

#define LAYOUT_NAME_MAX		     32 /* longest machine, region or group name + 1 */
#define LAYOUT_MAX_HOLES	     16
#define LAYOUT_MAX_REGIONS	     16
#define LAYOUT_MAX_CPUS		     256
#define LAYOUT_MAX_ORDER_LIMIT	     15 /* the largest max_order a layout may ask */
#define LAYOUT_SOCKET_MAX	     108 /* sizeof(sun_path) */
#define LAYOUT_MAX_FILES	     16	 /* files a layout may preload */
#define LAYOUT_PATTERN_MAX	     32	 /* a preloaded file's pattern + 1 */
#define LAYOUT_MAX_CMA		     8 /* CMA areas, as a small MAX_CMA_AREAS */
#define LAYOUT_CMA_ANY_NODE	     UINT32_MAX /* node: "any" */
#define LAYOUT_CMA_MAX_ORDER_PER_BIT 10

/*
 * NUMA nodes: at most MAX_NUMNODES (NODES_SHIFT 3, as a small distro
 * kernel's), with SLIT distances as Linux reads them: LOCAL_DISTANCE to
 * itself, more than that to any other node.
 */
#define NODES_SHIFT	 3
#define MAX_NUMNODES	 (1 << NODES_SHIFT)
#define LOCAL_DISTANCE	 10
#define REMOTE_DISTANCE	 20
#define LAYOUT_CPU_WORDS (LAYOUT_MAX_CPUS / 64)

/* A zone spans physical addresses [start, end). */
struct layout_zone {
	enum zone_type type;
	uint64_t start;
	uint64_t end;
};

/* One node's row of the distance table (SLIT), as nodeN/distance. */
struct layout_distance {
	uint32_t nr;
	uint8_t to[MAX_NUMNODES];
};

/*
 * A NUMA node: the physical range [start, end) (its zones are the
 * layout's zones cut at its bounds), the CPUs on it (a bitmap, written
 * as a cpulist such as "0-1"), and its distances to every node.
 */
struct layout_node {
	uint64_t start;
	uint64_t end;
	uint64_t cpus[LAYOUT_CPU_WORDS];
	struct layout_distance distance;
};

/* A range of physical addresses with no RAM behind it. */
struct layout_hole {
	uint64_t start;
	uint64_t size;
};

/* An MMZ region (inside RAM) or a device MMIO region (outside RAM). */
struct layout_region {
	char name[LAYOUT_NAME_MAX];
	uint64_t start;
	uint64_t size;
};

/*
 * A CMA area, as the kernel's cma= or a reserved-memory node declares
 * one: name, size bytes, at base (0: anywhere, placed top-down at boot
 * as cma_declare_contiguous places it) on node (any by default), its
 * bitmap keeping one bit per 2^order_per_bit pages. base and size are
 * whole pageblocks (CMA_MIN_ALIGNMENT_BYTES), inside one zone.
 */
struct layout_cma {
	char name[LAYOUT_NAME_MAX];
	uint64_t size;
	uint64_t base;
	uint32_t node;
	uint32_t order_per_bit;
};

/*
 * The machine's block device (block/bdev.c) and the filesystem on it
 * (fs/): size 0 means a filesystem with no room for data. A read or a
 * write costs its cost in simulated nanoseconds per sector, added to the
 * device's busy time (diskstats' ticks), 0 for none.
 */
struct layout_storage {
	uint64_t size;
	uint32_t sector_size;
	uint32_t read_cost_ns;
	uint32_t write_cost_ns;
};

/*
 * A file the filesystem holds at boot: /name, size bytes of pattern
 * repeated; an empty pattern gives the byte (offset % 251), so that no
 * two nearby pages hold the same bytes.
 */
struct layout_file {
	char name[LAYOUT_NAME_MAX];
	uint64_t size;
	char pattern[LAYOUT_PATTERN_MAX];
};

/* The vm.* sysctls a layout may set; each may change at run time. */
struct layout_vm {
	uint32_t dirty_background_ratio;
	uint32_t dirty_ratio;
	uint32_t dirty_expire_centisecs;
	uint32_t dirty_writeback_centisecs;
	uint32_t swappiness;
	/* RECLAIM_ZONE 1 | RECLAIM_WRITE 2 | RECLAIM_UNMAP 4; 0: off. */
	uint32_t zone_reclaim_mode;
	/* Compaction's and the allocator's fallback's, as vm_sysctl's. */
	uint32_t extfrag_threshold;	   /* 0..1000 */
	uint32_t compaction_proactiveness; /* 0..100 */
	uint32_t watermark_boost_factor;   /* 0..INT_MAX */
};

struct layout_kernel {
	uint64_t image_start; /* physical address of the kernel image */
	uint64_t image_size;
	uint64_t page_offset; /* virtual address of the direct map */
	uint64_t vmalloc_start;
	uint64_t vmalloc_size;
	uint32_t pkmap_slots;	    /* permanent kmap slots (LAST_PKMAP) */
	uint32_t kmap_atomic_slots; /* per-CPU kmap_atomic slots */
	uint64_t task_size;	    /* top of user space */
	/*
	 * init_on_alloc: 1 zeroes what a client process is given (pages,
	 * objects, vmalloc, MMZ), so no bytes cross from one process, and
	 * one user, to the next; 0 hands memory over as Linux does without
	 * it, holding what its last owner left.
	 */
	uint32_t init_on_alloc;
	/*
	 * page_owner: 1 records who allocated each block, as Linux's
	 * page_owner=on (page_owner.c); 0, the default, records nothing.
	 */
	uint32_t page_owner;
	/*
	 * debug_atomic_sleep: 1 makes every call that may sleep check its
	 * context and report a sleep in atomic context, as Linux's
	 * CONFIG_DEBUG_ATOMIC_SLEEP; 0 skips the check.
	 */
	uint32_t debug_atomic_sleep;
	/*
	 * deferred_struct_page_init: 1 leaves the memmap of the highest
	 * zone's free sections (and of the memmap's own reserved ones)
	 * unwritten at boot, as Linux's DEFERRED_STRUCT_PAGE_INIT with a
	 * SPARSEMEM_VMEMMAP memmap (sparse.c); 0, the default, writes every
	 * struct page at boot.
	 */
	uint32_t deferred_struct_page_init;
	/*
	 * thread_size: each task's kernel stack, Linux's THREAD_SIZE (16K
	 * on x86_64, which KASAN doubles; 8K on i386). A power of two, a
	 * whole number of pages, from LAYOUT_THREAD_SIZE_MIN to
	 * LAYOUT_THREAD_SIZE_MAX and one buddy block (max_order) at most.
	 */
	uint64_t thread_size;
};

#define LAYOUT_THREAD_SIZE_MIN (4 * KiB)  /* i386's old 4K stacks */
#define LAYOUT_THREAD_SIZE_MAX (64 * KiB) /* x86_64 KASAN's 32K, twice */

/*
 * Per-session limits: what one client process may hold at once, and
 * (processes) what one user may run. A 0 in those layout_resolve()
 * derives is replaced by the derived value.
 */
struct layout_limits {
	uint64_t pages;
	uint64_t objects;
	uint32_t requests;    /* requests in flight */
	uint32_t processes;   /* per uid, as RLIMIT_NPROC; 0: derived */
	uint32_t kmap;	      /* pkmap slots per process; 0: derived */
	uint32_t kmap_atomic; /* kmap_atomic slots per process; 0: derived */
	uint64_t vmap_space;  /* vmalloc-area bytes of its ioremaps and
				 vmaps; 0: derived */
	uint32_t nofile;      /* descriptors per process, as RLIMIT_NOFILE */
	uint64_t memlock;     /* bytes a process may mlock, RLIMIT_MEMLOCK */
};

/* How the daemon serves the machine; core ignores it. */
struct layout_daemon {
	char socket[LAYOUT_SOCKET_MAX];
	uint32_t socket_mode;
	char socket_group[LAYOUT_NAME_MAX];
	char admin_group[LAYOUT_NAME_MAX];
	uint32_t max_clients;
	uint32_t max_frame_bytes;
	uint32_t admin_clients;	      /* of max_clients, kept for admins */
	uint32_t max_clients_per_uid; /* 0: derived; uid 0 is exempt */
	uint32_t hello_timeout_ms;    /* connect to Hello; 0: none */
	uint32_t frame_timeout_ms;    /* a frame's first to last byte */
	uint32_t idle_timeout_ms;     /* a session that sends nothing */
};

struct layout {
	char name[LAYOUT_NAME_MAX];
	enum mm_arch arch;
	uint32_t page_size;
	uint32_t nr_cpus;
	uint64_t memory; /* end of physical RAM; holes are subtracted */
	uint64_t seed;

	uint32_t nr_zones;
	struct layout_zone zones[MAX_NR_ZONES];
	uint32_t nr_holes;
	struct layout_hole holes[LAYOUT_MAX_HOLES];
	/* 0: one node holding everything, as a machine without nodes:. */
	uint32_t nr_nodes;
	struct layout_node nodes[MAX_NUMNODES];

	uint32_t max_order; /* MAX_PAGE_ORDER: the largest buddy order */
	/* min_free_kbytes < 0: computed with Linux's formula at boot. */
	int64_t min_free_kbytes;
	uint32_t watermark_scale_factor;

	uint64_t swap_size;
	/* slub_debug letters for every cache: F checks, Z red zones, P poison,
	 * U user tracking; "" for none. */
	char slub_debug[8];
	struct layout_kernel kernel;

	uint32_t nr_mmz;
	struct layout_region mmz[LAYOUT_MAX_REGIONS];
	uint32_t nr_devices;
	struct layout_region devices[LAYOUT_MAX_REGIONS];
	uint32_t nr_cma;
	struct layout_cma cma[LAYOUT_MAX_CMA];

	struct layout_vm vm;
	struct layout_storage storage;
	uint32_t nr_files;
	struct layout_file files[LAYOUT_MAX_FILES];

	struct layout_daemon daemon;
	struct layout_limits limits;
};

/* One problem with a layout, named by the key it concerns. */
struct layout_error {
	char key[64];  /* "machine.memory", "zones[1].end", "mmz[0]" */
	char msg[192]; /* a sentence without the key */
};

#define LAYOUT_MAX_ERRORS 16

struct layout_errors {
	uint32_t nr;
	struct layout_error err[LAYOUT_MAX_ERRORS];
};

const char *arch_name(enum mm_arch arch);
int arch_from_name(const char *name, enum mm_arch *arch);
const char *zone_type_name(enum zone_type type);
int zone_type_from_name(const char *name, enum zone_type *type);

/* Where the direct map ends: the start of HighMem, else the last zone. */
uint64_t layout_lowmem_end(const struct layout *l);

/*
 * A size as a layout writes it: the exact suffix form when there is one
 * ("16M", K = 1024), else decimal bytes. Returns buf. The loader prints
 * layouts with it, the validator its messages.
 */
const char *layout_format_size(uint64_t v, char *buf, size_t len);

/*
 * Fill every field with the value Linux or the daemon would use when the
 * layout does not say; arch must already be set. Fields that depend on
 * others (limits.pages from memory) are resolved by layout_resolve().
 */
void layout_set_defaults(struct layout *l, enum mm_arch arch);

/* Resolve the fields derived from others, after the loader filled it. */
void layout_resolve(struct layout *l);

/* The built-in default: a small x86_64 machine with DMA, DMA32, Normal. */
void layout_default(struct layout *l);

/* Check everything; returns 0 or -EINVAL with errs filled. */
int layout_validate(const struct layout *l, struct layout_errors *errs);

/*
 * The filesystem's inode count for a device of size bytes (one per 16
 * KiB, as mke2fs's default ratio, and 64 more), and the device blocks
 * of page_size its metadata takes: the superblock, the block bitmap and
 * the inode table of FS_INODE_SIZE (128) byte records.
 */
uint64_t layout_storage_inodes(uint64_t size);
uint64_t layout_storage_meta_blocks(uint64_t size, uint64_t page_size);

/* The nodes: section's rules (layout_numa.c), called by layout_validate. */
void layout_validate_nodes(const struct layout *l, struct layout_errors *errs);

/* The cma: areas (layout_cma.c): names, geometry, no overlaps. */
void layout_validate_cma(const struct layout *l, struct layout_errors *errs);

/* The pageblock's bytes for a layout: CMA's alignment (layout_cma.c). */
uint64_t layout_pageblock_bytes(const struct layout *l);

static inline bool layout_cpu_isset(const uint64_t *cpus, unsigned int cpu)
{
	return cpu < LAYOUT_MAX_CPUS && (cpus[cpu / 64] >> (cpu % 64)) & 1;
}

/* Append an error; used by the validator and by the loader alike. */
void layout_error_add(struct layout_errors *errs, const char *key,
		      const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* MM_LAYOUT_H */
