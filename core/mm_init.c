/* SPDX-License-Identifier: MIT */
/*
 * mm_init.c - boot a simulated computer's memory from a layout, and tear
 * it down, as Linux's mm/mm_init.c and start_kernel's mm steps.
 *
 * Owns: the RAM memfd, the struct page array, the memblock record of what
 * boot reserved, zones' spans and present pages, the simulated CPUs, and
 * the order subsystems boot in. Boot follows the kernel's order: memblock
 * knows memory and reserves the kernel image, firmware pages and the
 * memmap; every frame gets its struct page; what is left free goes to the
 * buddy allocator in the largest aligned blocks; then each subsystem
 * starts. With deferred struct page init (sparse.c) the sections it
 * leaves unwritten are skipped by every step: counted, never touched. It sits
 * above every file of core: nothing in core calls it. Must never: print, or
 * keep state outside the machine.
 */
#include "core/machine.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/compaction.h"
#include "core/err.h"
#include "core/highmem.h"
#include "core/memcontrol.h"
#include "core/block/blkdev.h"
#include "core/fs/fs.h"
#include "core/mm.h"
#include "core/mmzone.h"
#include "core/mmz.h"
#include "core/cma.h"
#include "core/oom_kill.h"
#include "core/swap.h"
#include "core/page_alloc.h"
#include "core/page_owner.h"
#include "core/percpu.h"
#include "core/mutex.h"
#include "core/percpu_defs.h"
#include "core/preempt.h"
#include "core/printk.h"
#include "core/pgtable.h"
#include "core/pid.h"
#include "core/segment.h"
#include "core/slab.h"
#include "core/sparse.h"
#include "core/task.h"
#include "core/vmalloc.h"
#include "core/vma_internal.h"
#include "core/vmscan.h"

/* In boot order; torn down in reverse. Tasks last: they use the others. */
const struct subsystem machine_subsystems[] = {
	/* First: every block allocated from here on gets a record. */
	{"page_owner", page_owner_init, page_owner_exit, page_owner_check},
	{"compaction", compaction_init, compaction_exit, compaction_check},
	{"slab", kmem_cache_init, kmem_cache_exit, slab_check},
	{"paging", paging_init, paging_exit, kernel_pgtable_check},
	{"vmalloc", vmalloc_init, vmalloc_exit, vmalloc_check},
	{"highmem", highmem_init, highmem_exit, highmem_check},
	{"percpu", pcpu_init, pcpu_exit, pcpu_check},
	{"percpu_defs", percpu_defs_init, percpu_defs_exit, percpu_defs_check},
	{"segment", segment_init, segment_exit, segment_check},
	{"mmz", mmz_init, mmz_exit, mmz_check},
	{"vmscan", vmscan_init, vmscan_exit, lru_check},
	{"swap", swap_init, swap_exit, swap_check},
	{"oom", oom_init, oom_exit, NULL},
	{"vma", vma_init, vma_exit, mm_check},
	{"bdev", bdev_init, bdev_exit, NULL},
	{"fs", fs_init, fs_exit, fs_check},
	{"mutex", mutex_init_state, mutex_exit_state, mutex_check},
	{"tasks", task_init, task_exit_all, task_check},
	{"memcg", mem_cgroup_init, mem_cgroup_exit, mem_cgroup_check},
	{"preempt", preempt_init, preempt_exit, preempt_check},
};
const unsigned int nr_machine_subsystems =
	sizeof(machine_subsystems) / sizeof(machine_subsystems[0]);

static const struct arch_info arches[NR_ARCHES] = {
	/* x86_64: 64-byte struct page, sparse memmap in 128 MiB sections. */
	[ARCH_X86_64] = {"x86_64", 64, 64 << 10, 27,
			 (1u << ZONE_DMA) | (1u << ZONE_DMA32) |
				 (1u << ZONE_NORMAL) | (1u << ZONE_MOVABLE)},
	/* i386: 32-byte struct page, one flat memmap. */
	[ARCH_I386] = {"i386", 32, 64 << 10, 0,
		       (1u << ZONE_DMA) | (1u << ZONE_NORMAL) |
			       (1u << ZONE_HIGHMEM) | (1u << ZONE_MOVABLE)},
};

int machine_set_cpu(struct machine *m, unsigned int cpu)
{
	if (cpu >= m->nr_cpus)
		return mm_refuse(m, BAD_CPU, -EINVAL,
				 "cpu %u does not exist (%u CPUs)", cpu,
				 m->nr_cpus);
	m->cpu = cpu;
	return 0;
}

static int ram_init(struct machine *m)
{
	m->ram_fd = memfd_create("mm-ram", MFD_CLOEXEC);
	if (m->ram_fd < 0)
		return -errno;
	if (ftruncate(m->ram_fd, (off_t)m->layout.memory) < 0)
		return -errno;
	m->ram = mmap(NULL, m->layout.memory, PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_NORESERVE, m->ram_fd, 0);
	if (m->ram == MAP_FAILED) {
		m->ram = NULL;
		return -errno;
	}
	return 0;
}

static int mem_map_alloc(struct machine *m)
{
	m->mem_map_bytes = m->max_pfn * sizeof(struct page);
	m->mem_map = mmap(NULL, m->mem_map_bytes, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->mem_map == MAP_FAILED) {
		m->mem_map = NULL;
		return -errno;
	}
	return 0;
}

/* Add zone ranges minus holes to memblock as memory. */
static int memblock_add_zones(struct machine *m)
{
	const struct layout *l = &m->layout;

	for (unsigned int z = 0; z < l->nr_zones; z++) {
		uint64_t cur = l->zones[z].start, end = l->zones[z].end;

		while (cur < end) {
			uint64_t next = end, resume = end;
			int err;

			/* The nearest hole that starts at or after cur. */
			for (unsigned int h = 0; h < l->nr_holes; h++) {
				uint64_t hs = l->holes[h].start;
				uint64_t he = hs + l->holes[h].size;

				if (he > cur && hs < next) {
					next = hs > cur ? hs : cur;
					resume = he < end ? he : end;
				}
			}
			if (next > cur) {
				err = memblock_add(&m->memblock, cur,
						   next - cur);
				if (err)
					return err;
			}
			cur = next == end ? end : resume;
		}
	}
	return 0;
}

/*
 * Bytes the simulated kernel's memmap needs for [start, end): flat, or
 * per present section.
 */
static uint64_t memmap_size(const struct machine *m, uint64_t start,
			    uint64_t end)
{
	unsigned int shift = m->arch->section_shift;
	uint64_t pages = (end - start) >> m->page_shift;

	if (shift) {
		uint64_t section = 1ULL << shift, sections = 0;

		for (uint64_t s = start & ~(section - 1); s < end;
		     s += section) {
			for (unsigned int i = 0; i < m->memblock.memory.cnt;
			     i++) {
				const struct memblock_region *r =
					&m->memblock.memory.regions[i];

				if (r->base < s + section &&
				    r->base + r->size > s) {
					sections++;
					break;
				}
			}
		}
		pages = sections << (shift - m->page_shift);
	}
	return (pages * m->arch->struct_page_size + m->page_size - 1) &
	       ~((uint64_t)m->page_size - 1);
}

/*
 * Each node's memmap from that node's own memory, as sparse_init_nid
 * allocates it (memmap_alloc -> memblock_alloc_try_nid): the struct
 * pages of a node's sections cost that node, not the last one. Like
 * memblock_alloc_try_nid, a node too full for its share falls back to
 * any memory below lowmem's end.
 */
static int memmap_alloc_nodes(struct machine *m)
{
	const struct layout *l = &m->layout;
	uint64_t limit = pfn_to_phys(m, m->lowmem_end_pfn);
	unsigned int nr = l->nr_nodes ? l->nr_nodes : 1;

	for (unsigned int n = 0; n < nr; n++) {
		uint64_t start = l->nr_nodes ? l->nodes[n].start : 0;
		uint64_t end = l->nr_nodes ? l->nodes[n].end : l->memory;
		uint64_t size = memmap_size(m, start, end);
		uint64_t base;

		if (!size)
			continue;
		base = memblock_alloc_range(&m->memblock, size, m->page_size,
					    start, end < limit ? end : limit,
					    MB_MEMMAP);
		if (base == UINT64_MAX)
			base = memblock_alloc(&m->memblock, size, m->page_size,
					      limit, MB_MEMMAP);
		if (base == UINT64_MAX)
			return -ENOMEM;
	}
	return 0;
}

static int memblock_setup(struct machine *m)
{
	const struct layout *l = &m->layout;
	int err;

	err = memblock_add_zones(m);
	if (!err && m->arch->reserve_low)
		err = memblock_reserve(&m->memblock, 0, m->arch->reserve_low,
				       MB_FIRMWARE);
	if (!err)
		err = memblock_reserve(&m->memblock, l->kernel.image_start,
				       l->kernel.image_size, MB_KERNEL);
	for (unsigned int i = 0; !err && i < l->nr_mmz; i++)
		err = memblock_reserve(&m->memblock, l->mmz[i].start,
				       l->mmz[i].size, MB_MMZ);
	if (err)
		return -EINVAL;
	/* CMA before the memmap, as setup_arch reserves it. */
	err = cma_declare_contiguous(m);
	if (err)
		return err;
	return memmap_alloc_nodes(m);
}

/*
 * The nodes: each one's range and CPUs, and the distance table; a
 * layout without nodes: is one node holding everything, at distance 10
 * from itself, as a machine without NUMA.
 */
static int numa_init(struct machine *m)
{
	const struct layout *l = &m->layout;

	m->nr_node_ids = l->nr_nodes ? l->nr_nodes : 1;
	m->node_data = calloc(m->nr_node_ids, sizeof(*m->node_data));
	if (!m->node_data)
		return -ENOMEM;
	for (unsigned int n = 0; n < m->nr_node_ids; n++) {
		struct pglist_data *pgdat = &m->node_data[n];
		const struct layout_node *ln = &l->nodes[n];

		pgdat->node_id = (int)n;
		pgdat->node_zones = &m->zones[n * MAX_NR_ZONES];
		pgdat->node_start_pfn =
			l->nr_nodes ? ln->start >> m->page_shift : 0;
		pgdat->node_spanned_pages =
			l->nr_nodes ? (ln->end - ln->start) >> m->page_shift
				    : m->max_pfn;
		node_set((int)n, &m->node_online_map);
		for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++)
			if (!l->nr_nodes || layout_cpu_isset(ln->cpus, cpu)) {
				pgdat->cpumask[cpu / 64] |= 1ULL << (cpu % 64);
				m->cpu_to_node[cpu] = (uint8_t)n;
			}
		for (unsigned int o = 0; o < m->nr_node_ids; o++)
			m->node_distance[n][o] = l->nr_nodes
							 ? ln->distance.to[o]
							 : LOCAL_DISTANCE;
	}
	return 0;
}

/* One zone of one node: the layout's zone cut at the node's bounds. */
static int zone_init_span(struct machine *m, struct zone *zone,
			  unsigned long start, unsigned long end)
{
	zone->zone_start_pfn = start;
	zone->spanned_pages = end - start;
	zone->pcp = calloc(m->nr_cpus, sizeof(*zone->pcp));
	/* The pageblock bitmap, as setup_usemap. */
	zone->pageblock_flags =
		calloc(usemap_longs(m, zone), sizeof(unsigned long));
	if (!zone->pcp || !zone->pageblock_flags)
		return -ENOMEM;
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++)
		for (int o = 0; o < NR_PCP_LISTS; o++)
			INIT_LIST_HEAD(&zone->pcp[cpu].lists[o]);
	return 0;
}

static int zones_init(struct machine *m)
{
	const struct layout *l = &m->layout;

	for (unsigned int z = 0; z < nr_zone_slots(m); z++) {
		m->zones[z].type = (enum zone_type)(z % MAX_NR_ZONES);
		m->zones[z].node = (int)(z / MAX_NR_ZONES);
		m->zones[z].name = zone_type_name(m->zones[z].type);
		for (unsigned int o = 0; o <= LAYOUT_MAX_ORDER_LIMIT; o++)
			for (int mt = 0; mt < MIGRATE_TYPES; mt++)
				INIT_LIST_HEAD(&m->zones[z]
							.free_area[o]
							.free_list[mt]);
	}
	for (unsigned int n = 0; n < m->nr_node_ids; n++) {
		const struct pglist_data *pgdat = &m->node_data[n];
		unsigned long ns = pgdat->node_start_pfn;
		unsigned long ne = ns + pgdat->node_spanned_pages;

		for (unsigned int i = 0; i < l->nr_zones; i++) {
			unsigned long s = l->zones[i].start >> m->page_shift;
			unsigned long e = l->zones[i].end >> m->page_shift;
			int err;

			s = s > ns ? s : ns;
			e = e < ne ? e : ne;
			if (s >= e)
				continue;
			err = zone_init_span(
				m, &pgdat->node_zones[l->zones[i].type], s, e);
			if (err)
				return err;
		}
	}
	return 0;
}

/* Mark [start, end) of physical memory with flags and a held reference. */
static unsigned long mark_range(struct machine *m, uint64_t start, uint64_t end,
				uint32_t flags)
{
	unsigned long pfn = start >> m->page_shift;
	unsigned long last = (end + m->page_size - 1) >> m->page_shift;
	unsigned long marked = 0;

	if (last > m->max_pfn)
		last = m->max_pfn;
	/* The memmap's own unwritten sections are reserved as they are. */
	marked += deferred_pages_in_range(m, pfn, last,
					  SECTION_DEFERRED_RESERVED);
	for_each_written_pfn(m, pfn, pfn, last)
	{
		struct page *page = pfn_to_page(m, pfn);

		if (PageFlag(page, PG_hole))
			continue;
		page->flags |= flags;
		page->_refcount = 1;
		marked++;
	}
	return marked;
}

/*
 * Every frame gets its struct page: frames inside a zone start free-ready,
 * frames outside every zone or inside a hole are holes, and the ranges
 * memblock reserved are reserved with a reference held, as the kernel's
 * memmap_init and reserve_bootmem_region leave them.
 */
static void memmap_init(struct machine *m)
{
	const struct layout *l = &m->layout;
	struct page hole = {
		.flags = (1u << PG_hole) | (1u << PG_reserved),
		._refcount = 1,
		._mapcount = -1,
	};
	unsigned long pfn;

	/* Sections left unwritten (sparse.c) are skipped: that is the win. */
	for_each_written_pfn(m, pfn, 0, m->max_pfn)
	{
		m->mem_map[pfn] = hole;
	}
	for (unsigned int z = 0; z < nr_zone_slots(m); z++) {
		struct zone *zone = &m->zones[z];
		struct page init = {
			.flags = (uint32_t)zone->type << ZONES_SHIFT |
				 (uint32_t)zone->node << NODES_PGSHIFT,
			._mapcount = -1,
		};

		for_each_written_pfn(m, pfn, zone->zone_start_pfn,
				     zone_end_pfn(zone))
		{
			m->mem_map[pfn] = init;
		}
		/* Every pageblock starts movable, as memmap_init_range. */
		for (pfn = zone->zone_start_pfn; pfn < zone_end_pfn(zone);
		     pfn += pageblock_nr_pages(m))
			set_zone_pfnblock_flags_mask(m, zone, pfn,
						     MIGRATE_MOVABLE,
						     MIGRATETYPE_MASK);
	}
	for (unsigned int h = 0; h < l->nr_holes; h++) {
		unsigned long end =
			(l->holes[h].start + l->holes[h].size) >> m->page_shift;

		/* No unwritten section holds a hole (sparse.c). */
		for (pfn = l->holes[h].start >> m->page_shift;
		     pfn < end && pfn < m->max_pfn; pfn++)
			m->mem_map[pfn].flags |= hole.flags;
	}
	for (unsigned int i = 0; i < m->memblock.reserved.cnt; i++) {
		const struct memblock_region *r =
			&m->memblock.reserved.regions[i];
		uint32_t flags = 1u << PG_reserved;

		/* CMA areas are free pages to be: cma.c hands them over. */
		if (r->owner == MB_CMA)
			continue;
		if (r->owner == MB_MMZ)
			flags |= 1u << PG_mmz;
		m->reserved_pages[r->owner] +=
			mark_range(m, r->base, r->base + r->size, flags);
	}
}

static void zones_count_present(struct machine *m)
{
	for (unsigned int z = 0; z < nr_zone_slots(m); z++) {
		struct zone *zone = &m->zones[z];

		unsigned long pfn, end = zone_end_pfn(zone);

		/* Unwritten sections hold no hole: all of them is present. */
		zone->present_pages =
			deferred_pages_in_range(m, zone->zone_start_pfn, end,
						SECTION_DEFERRED_FREE) +
			deferred_pages_in_range(m, zone->zone_start_pfn, end,
						SECTION_DEFERRED_RESERVED);
		for_each_written_pfn(m, pfn, zone->zone_start_pfn, end)
		{
			if (!PageFlag(pfn_to_page(m, pfn), PG_hole))
				zone->present_pages++;
		}
		m->hole_pages += zone->spanned_pages - zone->present_pages;
		m->node_data[zone->node].node_present_pages +=
			zone->present_pages;
	}
}

/* Give each free range to the buddy lists in the largest aligned blocks. */
static void memblock_free_all(struct machine *m)
{
	struct memblock_region free[2 * MEMBLOCK_MAX_REGIONS];
	unsigned int n = memblock_free_ranges(&m->memblock, free,
					      2 * MEMBLOCK_MAX_REGIONS);

	for (unsigned int i = 0; i < n; i++) {
		unsigned long pfn =
			(free[i].base + m->page_size - 1) >> m->page_shift;
		unsigned long end =
			(free[i].base + free[i].size) >> m->page_shift;

		while (pfn < end) {
			unsigned int order = m->max_order;

			/* Counted by sparse_init; its blocks wait unlisted. */
			if (pfn_section_state(m, pfn) ==
			    SECTION_DEFERRED_FREE) {
				pfn = section_nr_to_pfn(
					m, pfn_to_section_nr(m, pfn) + 1);
				continue;
			}
			while ((pfn & ((1UL << order) - 1)) ||
			       pfn + (1UL << order) > end)
				order--;
			free_boot_pages(m, pfn, order);
			pfn += 1UL << order;
		}
	}
}

/* A zone with unwritten free sections shows one of them on its lists. */
static void deferred_fill_lists(struct machine *m)
{
	for (unsigned int z = 0; z < nr_zone_slots(m); z++) {
		struct zone *zone = &m->zones[z];

		if (list_empty(&zone->free_area[m->max_order]
					.free_list[MIGRATE_MOVABLE]))
			deferred_grow_zone(m, zone);
	}
}

/*
 * The lines build_all_zonelists logs (mm/page_alloc.c, 6.x): each
 * node's fallback order (the nodes its ZONELIST_FALLBACK reaches, in
 * order, each followed by a space), the count of zonelists built with
 * the mobility decision, and the present pages of every zone (6.x
 * counts present pages: nothing is managed yet when it runs), then
 * CONFIG_NUMA's policy zone. A one-node machine logs them too, as a
 * NUMA kernel on one node does.
 */
static void zonelists_log(struct machine *m)
{
	unsigned long total = 0;

	for (unsigned int n = 0; n < m->nr_node_ids; n++) {
		struct zone *const *z =
			m->node_data[n]
				.node_zonelists[ZONELIST_FALLBACK]
				._zonerefs;
		char line[64 + 4 * MAX_NUMNODES];
		nodemask_t seen = {0};
		int len = snprintf(line, sizeof(line),
				   "Fallback order for Node %u: ", n);

		for (; *z; z++)
			if (!node_isset((*z)->node, seen)) {
				node_set((*z)->node, &seen);
				len += snprintf(line + len, sizeof(line) - len,
						"%d ", (*z)->node);
			}
		printk(m, "%s", line);
	}
	for (unsigned int z = 0; z < nr_zone_slots(m); z++)
		total += m->zones[z].present_pages;
	printk(m, "Built %u zonelists, mobility grouping %s.  Total pages: %lu",
	       m->nr_node_ids,
	       m->page_group_by_mobility_disabled ? "off" : "on", total);
	printk(m, "Policy zone: %s", zone_type_name(m->policy_zone));
}

static int machine_boot(struct machine *m)
{
	int err;

	err = ram_init(m);
	if (!err)
		err = mem_map_alloc(m);
	if (!err)
		err = memblock_setup(m);
	if (!err)
		err = numa_init(m);
	if (!err)
		err = zones_init(m);
	if (!err)
		err = sparse_init(m);
	if (err)
		return err;
	memmap_init(m);
	zones_count_present(m);
	build_all_zonelists(m);
	memblock_free_all(m);
	deferred_fill_lists(m);
	/* CMA's pageblocks join the buddy lists (core_initcall) before the
	 * watermarks are set (postcore), so that they count in them. */
	err = cma_init_reserved_areas(m);
	if (err)
		return err;
	page_alloc_init(m);
	zonelists_log(m);
	/* The pid table first, as start_kernel's pid_idr_init: any may look. */
	err = pid_namespace_init(m);
	for (unsigned int i = 0; !err && i < nr_machine_subsystems; i++)
		err = machine_subsystems[i].init(m);
	return err;
}

/*
 * pageblock_order: the huge page order (a PMD on x86_64, 2 MiB; a 4 MiB
 * PDE on i386 without PAE), capped by max_order, as Linux's
 * pageblock_order is HUGETLB_PAGE_ORDER capped by MAX_PAGE_ORDER.
 */
static void set_pageblock_order(struct machine *m)
{
	unsigned int hpage_shift = m->layout.arch == ARCH_I386 ? 22 : 21;
	unsigned int order = hpage_shift - m->page_shift;

	m->pageblock_order = order < m->max_order ? order : m->max_order;
}

struct machine *machine_create(const struct layout *l)
{
	struct layout_errors errs = {0};
	struct machine *m;
	int err;

	if (layout_validate(l, &errs) < 0)
		return ERR_PTR(-EINVAL);
	m = calloc(1, sizeof(*m));
	if (!m)
		return ERR_PTR(-ENOMEM);
	m->layout = *l;
	m->vm = (struct vm_sysctl){
		l->vm.dirty_background_ratio,
		l->vm.dirty_ratio,
		l->vm.dirty_expire_centisecs,
		l->vm.dirty_writeback_centisecs,
		l->vm.swappiness,
		.fault_around_bytes = 65536,
		.extfrag_threshold = l->vm.extfrag_threshold,
		.compaction_proactiveness = l->vm.compaction_proactiveness,
		.watermark_boost_factor = l->vm.watermark_boost_factor,
		.zone_reclaim_mode = l->vm.zone_reclaim_mode,
		.min_unmapped_ratio = MIN_UNMAPPED_RATIO,
		.min_slab_ratio = MIN_SLAB_RATIO};
	m->ram_fd = -1;
	m->ctx = &m->init_ctx;
	m->arch = &arches[l->arch];
	m->page_size = l->page_size;
	m->page_shift = (unsigned int)__builtin_ctz(l->page_size);
	m->max_order = l->max_order;
	set_pageblock_order(m);
	m->max_pfn = l->memory >> m->page_shift;
	m->lowmem_end_pfn = layout_lowmem_end(l) >> m->page_shift;
	m->nr_cpus = l->nr_cpus;

	err = machine_boot(m);
	if (err) {
		machine_destroy(m);
		return ERR_PTR(err);
	}
	return m;
}

void machine_destroy(struct machine *m)
{
	if (!m || IS_ERR(m))
		return;
	for (unsigned int i = nr_machine_subsystems; i-- > 0;)
		machine_subsystems[i].exit(m);
	pid_namespace_exit(m);
	cma_exit(m);
	for (unsigned int z = 0; z < MAX_NUMNODES * MAX_NR_ZONES; z++) {
		free(m->zones[z].pcp);
		free(m->zones[z].pageblock_flags);
	}
	sparse_exit(m);
	free(m->node_data);
	if (m->mem_map)
		munmap(m->mem_map, m->mem_map_bytes);
	if (m->ram)
		munmap(m->ram, m->layout.memory);
	if (m->ram_fd >= 0)
		close(m->ram_fd);
	free(m->log_buf);
	free(m);
}
