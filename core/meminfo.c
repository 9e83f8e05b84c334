/* SPDX-License-Identifier: MIT */
/*
 * meminfo.c - /proc/meminfo, as the kernel's fs/proc/meminfo.c prints it.
 *
 * Owns: the report's lines and their order, Linux 6.x's, with the
 * machine's own (MmzTotal, MmzFree) where the kernel shows its CMA
 * carve-out. Anything that parses the real file must parse this one.
 * Must never: change the machine (the report takes it const) or write
 * anywhere but the seq_buf it is given.
 */
#include "core/meminfo.h"

#include <stdio.h>

#include "core/mman.h"
#include "core/mmz.h"
#include "core/page_alloc.h"
#include "core/percpu.h"
#include "core/pgtable.h"
#include "core/swap.h"
#include "core/vmalloc.h"

static unsigned long pages_to_kb(const struct machine *m, unsigned long pages)
{
	return pages << (m->page_shift - 10);
}

static void meminfo_kb(struct seq_buf *s, const char *name, unsigned long kb)
{
	char label[24];

	snprintf(label, sizeof(label), "%s:", name);
	seq_printf(s, "%-16s%8lu kB\n", label, kb);
}

static void meminfo_pages(const struct machine *m, struct seq_buf *s,
			  const char *name, unsigned long pages)
{
	meminfo_kb(s, name, pages_to_kb(m, pages));
}

static unsigned long node_pages(const struct machine *m,
				enum node_stat_item item)
{
	long v = m->node_stat[item];

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

/* DirectMap lines: what the kernel page table maps the direct map with. */
static void meminfo_directmap(const struct machine *m, struct seq_buf *s)
{
	const struct kernel_pgtable *kpt = kernel_pgtable(m);
	bool x86_64 = m->layout.arch == ARCH_X86_64;
	uint64_t base = m->layout.kernel.page_offset;
	uint64_t lowmem = pfn_to_phys(m, m->lowmem_end_pfn);
	uint64_t in[3] = {0, 0, 0};

	if (kpt && kpt->pgd != ULONG_MAX && lowmem)
		pgtable_for_each_leaf(m, kpt->pgd, base, base + lowmem,
				      count_directmap, in);
	meminfo_kb(s, "DirectMap4k", (unsigned long)(in[0] >> 10));
	if (x86_64) {
		meminfo_kb(s, "DirectMap2M", (unsigned long)(in[1] >> 10));
		meminfo_kb(s, "DirectMap1G", (unsigned long)(in[2] >> 10));
	} else {
		meminfo_kb(s, "DirectMap4M", (unsigned long)(in[2] >> 10));
	}
}

static void meminfo_lru(const struct machine *m, struct seq_buf *s)
{
	unsigned long aa = node_pages(m, NR_ACTIVE_ANON);
	unsigned long ia = node_pages(m, NR_INACTIVE_ANON);
	unsigned long af = node_pages(m, NR_ACTIVE_FILE);
	unsigned long inf = node_pages(m, NR_INACTIVE_FILE);

	meminfo_pages(m, s, "Active", aa + af);
	meminfo_pages(m, s, "Inactive", ia + inf);
	meminfo_pages(m, s, "Active(anon)", aa);
	meminfo_pages(m, s, "Inactive(anon)", ia);
	meminfo_pages(m, s, "Active(file)", af);
	meminfo_pages(m, s, "Inactive(file)", inf);
	meminfo_pages(m, s, "Unevictable", node_pages(m, NR_UNEVICTABLE));
	meminfo_pages(m, s, "Mlocked", 0);
}

static void meminfo_highmem(const struct machine *m, struct seq_buf *s)
{
	const struct zone *high = &m->zones[ZONE_HIGHMEM];
	unsigned long total = totalram_pages(m);
	unsigned long free = global_free_pages(m);
	unsigned long hfree = (unsigned long)high->vm_stat[NR_FREE_PAGES];

	meminfo_pages(m, s, "HighTotal", high->managed_pages);
	meminfo_pages(m, s, "HighFree", hfree);
	meminfo_pages(m, s, "LowTotal", total - high->managed_pages);
	meminfo_pages(m, s, "LowFree", free - hfree);
}

static void meminfo_kernel(const struct machine *m, struct seq_buf *s)
{
	unsigned long sreclaim =
		node_pages(m, NR_SLAB_RECLAIMABLE_B) >> m->page_shift;
	unsigned long sunreclaim =
		node_pages(m, NR_SLAB_UNRECLAIMABLE_B) >> m->page_shift;

	meminfo_pages(m, s, "KReclaimable",
		      sreclaim + node_pages(m, NR_KERNEL_MISC_RECLAIMABLE));
	meminfo_pages(m, s, "Slab", sreclaim + sunreclaim);
	meminfo_pages(m, s, "SReclaimable", sreclaim);
	meminfo_pages(m, s, "SUnreclaim", sunreclaim);
	meminfo_kb(s, "KernelStack", node_pages(m, NR_KERNEL_STACK_KB));
	meminfo_pages(m, s, "PageTables", node_pages(m, NR_PAGETABLE));
	meminfo_pages(m, s, "SecPageTables", 0);
	meminfo_pages(m, s, "NFS_Unstable", 0);
	meminfo_pages(m, s, "Bounce", 0);
	meminfo_pages(m, s, "WritebackTmp", 0);
}

static void meminfo_huge(const struct machine *m, struct seq_buf *s)
{
	unsigned long hpage_kb = m->layout.arch == ARCH_X86_64 ? 2048 : 4096;

	seq_printf(s, "HugePages_Total:   %5lu\n", 0UL);
	seq_printf(s, "HugePages_Free:    %5lu\n", 0UL);
	seq_printf(s, "HugePages_Rsvd:    %5lu\n", 0UL);
	seq_printf(s, "HugePages_Surp:    %5lu\n", 0UL);
	meminfo_kb(s, "Hugepagesize", hpage_kb);
	meminfo_kb(s, "Hugetlb", 0);
}

int report_meminfo(const struct machine *m, struct seq_buf *s)
{
	unsigned long total = totalram_pages(m);
	unsigned long swap = total_swap_pages(m);
	unsigned long mmz = m->reserved_pages[MB_MMZ];

	meminfo_pages(m, s, "MemTotal", total);
	meminfo_pages(m, s, "MemFree", global_free_pages(m));
	meminfo_pages(m, s, "MemAvailable", si_mem_available(m));
	meminfo_pages(m, s, "Buffers", 0);
	/* Linux's Cached holds shmem pages (they are in its NR_FILE_PAGES). */
	meminfo_pages(m, s, "Cached",
		      node_pages(m, NR_FILE_PAGES) + node_pages(m, NR_SHMEM));
	meminfo_pages(m, s, "SwapCached", node_pages(m, NR_SWAPCACHE));
	meminfo_lru(m, s);
	if (m->arch->zone_mask & (1u << ZONE_HIGHMEM))
		meminfo_highmem(m, s);
	meminfo_pages(m, s, "SwapTotal", swap);
	meminfo_pages(m, s, "SwapFree", nr_free_swap_pages(m));
	meminfo_pages(m, s, "Dirty", node_pages(m, NR_FILE_DIRTY));
	meminfo_pages(m, s, "Writeback", node_pages(m, NR_WRITEBACK));
	meminfo_pages(m, s, "AnonPages", node_pages(m, NR_ANON_MAPPED));
	meminfo_pages(m, s, "Mapped", node_pages(m, NR_FILE_MAPPED));
	meminfo_pages(m, s, "Shmem", node_pages(m, NR_SHMEM));
	meminfo_kernel(m, s);
	meminfo_pages(m, s, "CommitLimit", total / 2 + swap);
	meminfo_pages(m, s, "Committed_AS", vm_memory_committed(m));
	meminfo_kb(s, "VmallocTotal",
		   (unsigned long)(m->layout.kernel.vmalloc_size >> 10));
	meminfo_pages(m, s, "VmallocUsed", vmalloc_used_pages(m));
	meminfo_kb(s, "VmallocChunk", 0);
	meminfo_pages(m, s, "Percpu", pcpu_nr_pages(m));
	seq_printf(s, "HardwareCorrupted: %5lu kB\n", 0UL);
	meminfo_pages(m, s, "AnonHugePages", node_pages(m, NR_ANON_THPS));
	meminfo_pages(m, s, "ShmemHugePages", 0);
	meminfo_pages(m, s, "ShmemPmdMapped", 0);
	meminfo_pages(m, s, "FileHugePages", 0);
	meminfo_pages(m, s, "FilePmdMapped", 0);
	/* Media memory, shown as the kernel shows its CMA carve-out. */
	meminfo_pages(m, s, "MmzTotal", mmz);
	meminfo_pages(m, s, "MmzFree", mmz_free_pages(m));
	meminfo_huge(m, s);
	meminfo_directmap(m, s);
	return s->err;
}
