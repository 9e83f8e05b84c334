/* SPDX-License-Identifier: MIT */
/*
 * meminfo.c - /proc/meminfo, as the kernel's fs/proc/meminfo.c prints it.
 *
 * Owns: the report's lines and their order, Linux 6.x's, with the
 * machine's own (MmzTotal, MmzFree) where the kernel shows its CMA
 * carve-out. Anything that parses the real file must parse this one.
 * The values are taken once into a struct meminfo_snapshot, and both
 * the text and the structured report (mm.proto's Meminfo) come from it.
 * Must never: change the machine (the report takes it const) or write
 * anywhere but the seq_buf or the snapshot it is given.
 */
#include "core/meminfo.h"
#include "core/cma.h"

#include <stdio.h>

#include "core/fs/fs.h"
#include "core/mman.h"
#include "core/mmz.h"
#include "core/page_alloc.h"
#include "core/percpu.h"
#include "core/pgtable.h"
#include "core/swap.h"
#include "core/vmalloc.h"

static uint64_t pages_to_kb(const struct machine *m, unsigned long pages)
{
	return (uint64_t)pages << (m->page_shift - 10);
}

static unsigned long node_pages(const struct machine *m,
				enum node_stat_item item)
{
	long v = m->node_stat[item];

	return v < 0 ? 0 : (unsigned long)v;
}

/* global_zone_page_state: a zone counter summed over the zones. */
static unsigned long zone_sum(const struct machine *m, enum zone_stat_item item)
{
	long v = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		v += m->zones[z].vm_stat[item];
	return v < 0 ? 0 : (unsigned long)v;
}

/* Bytes of the direct map by the size of the leaf that maps them. */
static int count_directmap(void *ctx, uint64_t vaddr, uint64_t entry,
			   uint64_t page_size)
{
	uint64_t *in = ctx; /* 4k, 2M, 1G or 4M */

	(void)vaddr;
	if (!(entry & _PAGE_PRESENT))
		return 0;
	if (page_size == 4096)
		in[0] += page_size;
	else if (page_size == 2ULL << 20)
		in[1] += page_size;
	else
		in[2] += page_size;
	return 0;
}

/* DirectMap: what the kernel page table maps the direct map with. */
static void fill_directmap(const struct machine *m, struct meminfo_snapshot *mi)
{
	const struct kernel_pgtable *kpt = kernel_pgtable(m);
	uint64_t base = m->layout.kernel.page_offset;
	uint64_t lowmem = pfn_to_phys(m, m->lowmem_end_pfn);
	uint64_t in[3] = {0, 0, 0};

	if (kpt && kpt->pgd != ULONG_MAX && lowmem)
		pgtable_for_each_leaf(m, kpt->pgd, base, base + lowmem,
				      count_directmap, in);
	mi->direct_map4k = in[0] >> 10;
	if (mi->x86_64) {
		mi->direct_map2m = in[1] >> 10;
		mi->direct_map1g = in[2] >> 10;
	} else {
		mi->direct_map4m = in[2] >> 10;
	}
}

static void fill_lru(const struct machine *m, struct meminfo_snapshot *mi)
{
	unsigned long aa = node_pages(m, NR_ACTIVE_ANON);
	unsigned long ia = node_pages(m, NR_INACTIVE_ANON);
	unsigned long af = node_pages(m, NR_ACTIVE_FILE);
	unsigned long inf = node_pages(m, NR_INACTIVE_FILE);

	mi->active = pages_to_kb(m, aa + af);
	mi->inactive = pages_to_kb(m, ia + inf);
	mi->active_anon = pages_to_kb(m, aa);
	mi->inactive_anon = pages_to_kb(m, ia);
	mi->active_file = pages_to_kb(m, af);
	mi->inactive_file = pages_to_kb(m, inf);
	mi->unevictable = pages_to_kb(m, node_pages(m, NR_UNEVICTABLE));
	mi->mlocked = pages_to_kb(m, zone_sum(m, NR_MLOCK));
}

static void fill_highmem(const struct machine *m, struct meminfo_snapshot *mi)
{
	const struct zone *high = &m->zones[ZONE_HIGHMEM];
	unsigned long total = totalram_pages(m);
	unsigned long free = global_free_pages(m);
	unsigned long hfree = (unsigned long)high->vm_stat[NR_FREE_PAGES];

	mi->highmem = (m->arch->zone_mask & (1u << ZONE_HIGHMEM)) != 0;
	if (!mi->highmem)
		return;
	mi->high_total = pages_to_kb(m, high->managed_pages);
	mi->high_free = pages_to_kb(m, hfree);
	mi->low_total = pages_to_kb(m, total - high->managed_pages);
	mi->low_free = pages_to_kb(m, free - hfree);
}

static void fill_kernel(const struct machine *m, struct meminfo_snapshot *mi)
{
	unsigned long sreclaim =
		node_pages(m, NR_SLAB_RECLAIMABLE_B) >> m->page_shift;
	unsigned long sunreclaim =
		node_pages(m, NR_SLAB_UNRECLAIMABLE_B) >> m->page_shift;

	mi->k_reclaimable = pages_to_kb(
		m, sreclaim + node_pages(m, NR_KERNEL_MISC_RECLAIMABLE));
	mi->slab = pages_to_kb(m, sreclaim + sunreclaim);
	mi->s_reclaimable = pages_to_kb(m, sreclaim);
	mi->s_unreclaim = pages_to_kb(m, sunreclaim);
	mi->kernel_stack = node_pages(m, NR_KERNEL_STACK_KB);
	mi->page_tables = pages_to_kb(m, node_pages(m, NR_PAGETABLE));
}

int meminfo_fill(const struct machine *m, int pid, void *snap)
{
	struct meminfo_snapshot *mi = snap;
	unsigned long total = totalram_pages(m);
	unsigned long swap = total_swap_pages(m);
	unsigned long mmz = m->reserved_pages[MB_MMZ];

	(void)pid;
	mi->x86_64 = m->layout.arch == ARCH_X86_64;
	mi->mem_total = pages_to_kb(m, total);
	mi->mem_free = pages_to_kb(m, global_free_pages(m));
	mi->mem_available = pages_to_kb(m, si_mem_available(m));
	mi->buffers = pages_to_kb(m, nr_blockdev_pages(m));
	/* nr_file_pages less the swap cache and the block device's pages
	 * (Buffers), as meminfo_proc_show: shmem pages are in it. */
	mi->cached = pages_to_kb(m, node_pages(m, NR_FILE_PAGES) -
					    node_pages(m, NR_SWAPCACHE) -
					    nr_blockdev_pages(m));
	mi->swap_cached = pages_to_kb(m, node_pages(m, NR_SWAPCACHE));
	fill_lru(m, mi);
	fill_highmem(m, mi);
	mi->swap_total = pages_to_kb(m, swap);
	mi->swap_free = pages_to_kb(m, nr_free_swap_pages(m));
	mi->dirty = pages_to_kb(m, node_pages(m, NR_FILE_DIRTY));
	mi->writeback = pages_to_kb(m, node_pages(m, NR_WRITEBACK));
	mi->anon_pages = pages_to_kb(m, node_pages(m, NR_ANON_MAPPED));
	mi->mapped = pages_to_kb(m, node_pages(m, NR_FILE_MAPPED));
	mi->shmem = pages_to_kb(m, node_pages(m, NR_SHMEM));
	fill_kernel(m, mi);
	mi->commit_limit = pages_to_kb(m, total / 2 + swap);
	mi->committed_as = pages_to_kb(m, vm_memory_committed(m));
	mi->vmalloc_total = m->layout.kernel.vmalloc_size >> 10;
	mi->vmalloc_used = pages_to_kb(m, vmalloc_used_pages(m));
	mi->percpu = pages_to_kb(m, pcpu_nr_pages(m));
	mi->anon_huge_pages = pages_to_kb(m, node_pages(m, NR_ANON_THPS));
	/* The CMA areas (cma.c), as totalcma_pages and NR_FREE_CMA_PAGES. */
	mi->cma_total = pages_to_kb(m, m->cma ? m->cma->totalcma_pages : 0);
	mi->cma_free = pages_to_kb(m, global_free_cma_pages(m));
	/* Media memory, shown as the kernel shows its CMA carve-out. */
	mi->mmz_total = pages_to_kb(m, mmz);
	mi->mmz_free = pages_to_kb(m, mmz_free_pages(m));
	mi->hugepagesize = mi->x86_64 ? 2048 : 4096;
	fill_directmap(m, mi);
	return 0;
}

static void kb_line(struct seq_buf *s, const char *name, uint64_t kb)
{
	char label[24];

	snprintf(label, sizeof(label), "%s:", name);
	seq_printf(s, "%-16s%8llu kB\n", label, (unsigned long long)kb);
}

static void show_lru(const struct meminfo_snapshot *mi, struct seq_buf *s)
{
	kb_line(s, "Active", mi->active);
	kb_line(s, "Inactive", mi->inactive);
	kb_line(s, "Active(anon)", mi->active_anon);
	kb_line(s, "Inactive(anon)", mi->inactive_anon);
	kb_line(s, "Active(file)", mi->active_file);
	kb_line(s, "Inactive(file)", mi->inactive_file);
	kb_line(s, "Unevictable", mi->unevictable);
	kb_line(s, "Mlocked", mi->mlocked);
	if (!mi->highmem)
		return;
	kb_line(s, "HighTotal", mi->high_total);
	kb_line(s, "HighFree", mi->high_free);
	kb_line(s, "LowTotal", mi->low_total);
	kb_line(s, "LowFree", mi->low_free);
}

static void show_kernel(const struct meminfo_snapshot *mi, struct seq_buf *s)
{
	kb_line(s, "KReclaimable", mi->k_reclaimable);
	kb_line(s, "Slab", mi->slab);
	kb_line(s, "SReclaimable", mi->s_reclaimable);
	kb_line(s, "SUnreclaim", mi->s_unreclaim);
	kb_line(s, "KernelStack", mi->kernel_stack);
	kb_line(s, "PageTables", mi->page_tables);
	kb_line(s, "SecPageTables", mi->sec_page_tables);
	kb_line(s, "NFS_Unstable", mi->nfs_unstable);
	kb_line(s, "Bounce", mi->bounce);
	kb_line(s, "WritebackTmp", mi->writeback_tmp);
	kb_line(s, "CommitLimit", mi->commit_limit);
	kb_line(s, "Committed_AS", mi->committed_as);
	kb_line(s, "VmallocTotal", mi->vmalloc_total);
	kb_line(s, "VmallocUsed", mi->vmalloc_used);
	kb_line(s, "VmallocChunk", mi->vmalloc_chunk);
	kb_line(s, "Percpu", mi->percpu);
	seq_printf(s, "HardwareCorrupted: %5llu kB\n",
		   (unsigned long long)mi->hardware_corrupted);
}

static void show_huge(const struct meminfo_snapshot *mi, struct seq_buf *s)
{
	kb_line(s, "AnonHugePages", mi->anon_huge_pages);
	kb_line(s, "ShmemHugePages", mi->shmem_huge_pages);
	kb_line(s, "ShmemPmdMapped", mi->shmem_pmd_mapped);
	kb_line(s, "FileHugePages", mi->file_huge_pages);
	kb_line(s, "FilePmdMapped", mi->file_pmd_mapped);
	kb_line(s, "CmaTotal", mi->cma_total);
	kb_line(s, "CmaFree", mi->cma_free);
	kb_line(s, "MmzTotal", mi->mmz_total);
	kb_line(s, "MmzFree", mi->mmz_free);
	seq_printf(s, "HugePages_Total:   %5llu\n",
		   (unsigned long long)mi->huge_pages_total);
	seq_printf(s, "HugePages_Free:    %5llu\n",
		   (unsigned long long)mi->huge_pages_free);
	seq_printf(s, "HugePages_Rsvd:    %5llu\n",
		   (unsigned long long)mi->huge_pages_rsvd);
	seq_printf(s, "HugePages_Surp:    %5llu\n",
		   (unsigned long long)mi->huge_pages_surp);
	kb_line(s, "Hugepagesize", mi->hugepagesize);
	kb_line(s, "Hugetlb", mi->hugetlb);
}

int meminfo_show(const void *snap, struct seq_buf *s)
{
	const struct meminfo_snapshot *mi = snap;

	kb_line(s, "MemTotal", mi->mem_total);
	kb_line(s, "MemFree", mi->mem_free);
	kb_line(s, "MemAvailable", mi->mem_available);
	kb_line(s, "Buffers", mi->buffers);
	kb_line(s, "Cached", mi->cached);
	kb_line(s, "SwapCached", mi->swap_cached);
	show_lru(mi, s);
	kb_line(s, "SwapTotal", mi->swap_total);
	kb_line(s, "SwapFree", mi->swap_free);
	kb_line(s, "Dirty", mi->dirty);
	kb_line(s, "Writeback", mi->writeback);
	kb_line(s, "AnonPages", mi->anon_pages);
	kb_line(s, "Mapped", mi->mapped);
	kb_line(s, "Shmem", mi->shmem);
	show_kernel(mi, s);
	show_huge(mi, s);
	kb_line(s, "DirectMap4k", mi->direct_map4k);
	if (mi->x86_64) {
		kb_line(s, "DirectMap2M", mi->direct_map2m);
		kb_line(s, "DirectMap1G", mi->direct_map1g);
	} else {
		kb_line(s, "DirectMap4M", mi->direct_map4m);
	}
	return s->err;
}

#define F(member, k) SNAP_FIELD(struct meminfo_snapshot, member, k)
static const struct snap_field meminfo_fields[] = {
	F(mem_total, SNAP_U64),
	F(mem_free, SNAP_U64),
	F(mem_available, SNAP_U64),
	F(buffers, SNAP_U64),
	F(cached, SNAP_U64),
	F(swap_cached, SNAP_U64),
	F(active, SNAP_U64),
	F(inactive, SNAP_U64),
	F(active_anon, SNAP_U64),
	F(inactive_anon, SNAP_U64),
	F(active_file, SNAP_U64),
	F(inactive_file, SNAP_U64),
	F(unevictable, SNAP_U64),
	F(mlocked, SNAP_U64),
	F(highmem, SNAP_BOOL),
	F(high_total, SNAP_U64),
	F(high_free, SNAP_U64),
	F(low_total, SNAP_U64),
	F(low_free, SNAP_U64),
	F(swap_total, SNAP_U64),
	F(swap_free, SNAP_U64),
	F(dirty, SNAP_U64),
	F(writeback, SNAP_U64),
	F(anon_pages, SNAP_U64),
	F(mapped, SNAP_U64),
	F(shmem, SNAP_U64),
	F(k_reclaimable, SNAP_U64),
	F(slab, SNAP_U64),
	F(s_reclaimable, SNAP_U64),
	F(s_unreclaim, SNAP_U64),
	F(kernel_stack, SNAP_U64),
	F(page_tables, SNAP_U64),
	F(sec_page_tables, SNAP_U64),
	F(nfs_unstable, SNAP_U64),
	F(bounce, SNAP_U64),
	F(writeback_tmp, SNAP_U64),
	F(commit_limit, SNAP_U64),
	F(committed_as, SNAP_U64),
	F(vmalloc_total, SNAP_U64),
	F(vmalloc_used, SNAP_U64),
	F(vmalloc_chunk, SNAP_U64),
	F(percpu, SNAP_U64),
	F(hardware_corrupted, SNAP_U64),
	F(anon_huge_pages, SNAP_U64),
	F(shmem_huge_pages, SNAP_U64),
	F(shmem_pmd_mapped, SNAP_U64),
	F(file_huge_pages, SNAP_U64),
	F(file_pmd_mapped, SNAP_U64),
	F(cma_total, SNAP_U64),
	F(cma_free, SNAP_U64),
	F(mmz_total, SNAP_U64),
	F(mmz_free, SNAP_U64),
	F(huge_pages_total, SNAP_U64),
	F(huge_pages_free, SNAP_U64),
	F(huge_pages_rsvd, SNAP_U64),
	F(huge_pages_surp, SNAP_U64),
	F(hugepagesize, SNAP_U64),
	F(hugetlb, SNAP_U64),
	F(x86_64, SNAP_BOOL),
	F(direct_map4k, SNAP_U64),
	F(direct_map2m, SNAP_U64),
	F(direct_map1g, SNAP_U64),
	F(direct_map4m, SNAP_U64),
};
#undef F

static const struct snap_desc meminfo_desc =
	SNAP_DESC("Meminfo", struct meminfo_snapshot, meminfo_fields);

const struct report_type meminfo_report = {&meminfo_desc, meminfo_fill,
					   meminfo_show};

int report_meminfo(const struct machine *m, struct seq_buf *s)
{
	return report_show(&meminfo_report, m, 0, s);
}
