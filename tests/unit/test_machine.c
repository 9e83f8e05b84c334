/* SPDX-License-Identifier: MIT */
/*
 * test_machine.c - booting machines: zone spans and page counts, the
 * watermarks Linux's formulas give, the boot-time reports, teardown.
 *
 * Every expected number here was worked out by hand from the layout and
 * the kernel's formulas; the working is in the comments.
 */
#include "tests/unit/machines.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "core/meminfo.h"
#include "core/pgtable.h"
#include "core/seq_buf.h"
#include "core/task.h"
#include "core/uapi.h"
#include "core/vmalloc.h"
#include "core/vmstat.h"

static void i386_highmem_layout(struct layout *l)
{
	i386_layout(l, 2 * GiB);
	strcpy(l->name, "i386-highmem");
	l->nr_holes = 1;
	l->holes[0] = (struct layout_hole){0xA0000, 0x60000};
}

static void test_struct_page_fits_64_bytes(void **state)
{
	(void)state;
	assert_true(sizeof(struct page) <= 64);
}

/*
 * Default: 5 GiB of address space, holes at 640K-1M (96 pages) and
 * 3G-4G (262144 pages), BIOS keeps 64K (16 pages), kernel image 16M at
 * 16M (4096 pages), sparse memmap: 32 present 128M sections * 32768
 * pages * 64 bytes = 64 MiB (16384 pages) at the top of Normal.
 */
static void test_default_zone_counts(void **state)
{
	struct layout l;
	struct machine *m;

	(void)state;
	layout_default(&l);
	m = boot(&l);
	assert_int_equal(m->max_pfn, 1310720);

	assert_int_equal(m->zones[ZONE_DMA].zone_start_pfn, 0);
	assert_int_equal(m->zones[ZONE_DMA].spanned_pages, 4096);
	assert_int_equal(m->zones[ZONE_DMA].present_pages, 4000);
	assert_int_equal(m->zones[ZONE_DMA].managed_pages, 3984);

	assert_int_equal(m->zones[ZONE_DMA32].zone_start_pfn, 4096);
	assert_int_equal(m->zones[ZONE_DMA32].spanned_pages, 1044480);
	assert_int_equal(m->zones[ZONE_DMA32].present_pages, 782336);
	assert_int_equal(m->zones[ZONE_DMA32].managed_pages, 778240);

	assert_int_equal(m->zones[ZONE_NORMAL].zone_start_pfn, 1048576);
	assert_int_equal(m->zones[ZONE_NORMAL].spanned_pages, 262144);
	assert_int_equal(m->zones[ZONE_NORMAL].present_pages, 262144);
	assert_int_equal(m->zones[ZONE_NORMAL].managed_pages, 245760);

	assert_int_equal(m->zones[ZONE_HIGHMEM].spanned_pages, 0);
	assert_int_equal(m->reserved_pages[MB_FIRMWARE], 16);
	assert_int_equal(m->reserved_pages[MB_KERNEL], 4096);
	assert_int_equal(m->reserved_pages[MB_MEMMAP], 16384);
	assert_int_equal(totalram_pages(m), 1027984);
	/* Boot's own allocations (slab caches ...) come from Normal. */
	assert_int_equal(global_free_pages(m),
			 1027984 - m->zones[ZONE_NORMAL].managed_pages +
				 (unsigned long)m->zones[ZONE_NORMAL]
					 .vm_stat[NR_FREE_PAGES]);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * min_free_kbytes = int_sqrt(1027984 pages * 4 kB * 16) = 8111, so
 * pages_min = 2027, shared by managed pages:
 *   DMA   2027*3984/1027984 = 7,    step max(1, 3)     = 3
 *   DMA32 2027*778240/1027984 = 1534, step max(383, 778) = 778
 *   Normal 2027*245760/1027984 = 484, step max(121, 245) = 245
 * lowmem_reserve: DMA 778240/256 = 3040 and 1024000/256 = 4000;
 * DMA32 245760/256 = 960. totalreserve = min(3984, 4000 + 13) +
 * (960 + 3090) + 974 = 9008.
 */
static void test_default_watermarks(void **state)
{
	struct layout l;
	struct machine *m;
	const struct zone *dma, *dma32, *normal;

	(void)state;
	layout_default(&l);
	m = boot(&l);
	dma = &m->zones[ZONE_DMA];
	dma32 = &m->zones[ZONE_DMA32];
	normal = &m->zones[ZONE_NORMAL];

	assert_int_equal(m->min_free_kbytes, 8111);
	assert_int_equal(min_wmark_pages(dma), 7);
	assert_int_equal(low_wmark_pages(dma), 10);
	assert_int_equal(high_wmark_pages(dma), 13);
	assert_int_equal(min_wmark_pages(dma32), 1534);
	assert_int_equal(low_wmark_pages(dma32), 2312);
	assert_int_equal(high_wmark_pages(dma32), 3090);
	assert_int_equal(min_wmark_pages(normal), 484);
	assert_int_equal(low_wmark_pages(normal), 729);
	assert_int_equal(high_wmark_pages(normal), 974);

	assert_int_equal(dma->lowmem_reserve[ZONE_DMA32], 3040);
	assert_int_equal(dma->lowmem_reserve[ZONE_NORMAL], 4000);
	assert_int_equal(dma32->lowmem_reserve[ZONE_NORMAL], 960);
	assert_int_equal(normal->lowmem_reserve[ZONE_MOVABLE], 0);
	assert_int_equal(m->totalreserve_pages, 9008);

	/* batch: DMA 3/4 -> 1; DMA32 and Normal 256/4 = 64 -> 96 -> 63. */
	assert_int_equal(dma->pcp[0].batch, 1);
	assert_int_equal(dma->pcp[1].high, 5);
	assert_int_equal(dma32->pcp[0].batch, 63);
	assert_int_equal(dma32->pcp[0].high, 1156);
	assert_int_equal(normal->pcp[1].batch, 63);
	assert_int_equal(normal->pcp[1].high, 364);
	machine_destroy(m);
}

/*
 * i386, 2 GiB: flat memmap 524288 * 32 bytes = 16 MiB (4096 pages) at
 * the top of lowmem; image 8M (2048 pages). Normal managed =
 * 225280 - 6144 = 219136. min_free_kbytes = int_sqrt(223120*4*16) = 3778,
 * pages_min 944: DMA 16 (+4), Normal 927 (+231); HighMem min
 * clamp(288, 32, 128) = 128 with step max(1247/4, 294) = 311.
 */
static void test_i386_highmem_boot(void **state)
{
	struct layout l;
	struct machine *m;
	const struct zone *normal, *high;

	(void)state;
	i386_highmem_layout(&l);
	m = boot(&l);
	normal = &m->zones[ZONE_NORMAL];
	high = &m->zones[ZONE_HIGHMEM];

	assert_int_equal(m->zones[ZONE_DMA].managed_pages, 3984);
	assert_int_equal(normal->spanned_pages, 225280);
	assert_int_equal(normal->managed_pages, 219136);
	assert_int_equal(high->zone_start_pfn, 229376);
	assert_int_equal(high->managed_pages, 294912);
	assert_int_equal(m->lowmem_end_pfn, 229376);
	assert_int_equal(m->reserved_pages[MB_MEMMAP], 4096);

	assert_int_equal(m->min_free_kbytes, 3778);
	assert_int_equal(min_wmark_pages(&m->zones[ZONE_DMA]), 16);
	assert_int_equal(low_wmark_pages(&m->zones[ZONE_DMA]), 20);
	assert_int_equal(min_wmark_pages(normal), 927);
	assert_int_equal(low_wmark_pages(normal), 1158);
	assert_int_equal(high_wmark_pages(normal), 1389);
	assert_int_equal(min_wmark_pages(high), 128);
	assert_int_equal(low_wmark_pages(high), 439);
	assert_int_equal(high_wmark_pages(high), 750);
	assert_int_equal(m->zones[ZONE_DMA].lowmem_reserve[ZONE_NORMAL], 856);
	assert_int_equal(m->zones[ZONE_DMA].lowmem_reserve[ZONE_HIGHMEM], 2008);
	assert_int_equal(normal->lowmem_reserve[ZONE_HIGHMEM], 9216);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * Free ranges in DMA: pfn 16-160 (BIOS below, hole above) and 256-4096,
 * giving blocks of order 4 (16), 5 (32, 128), 6 (64), 8 (256), 9 (512)
 * and 10 (1024, 2048, 3072). DMA32: 32M..3G in 760 order-10 blocks.
 * Normal: 4G..5G-64M in 240, less what boot's own allocations split off.
 */
static void test_default_buddyinfo(void **state)
{
	const char *expect =
		"Node 0, zone      DMA      0      0      0      0      1 "
		"     2      1      0      1      1      3 \n"
		"Node 0, zone    DMA32      0      0      0      0      0 "
		"     0      0      0      0      0    760 \n"
		"Node 0, zone   Normal ";
	struct machine *m = boot_default();
	struct seq_buf s;

	(void)state;
	const struct zone *normal;
	unsigned long normal_free = 0;

	report_text(m, &s, report_buddyinfo);
	assert_true(strncmp(s.buf, expect, strlen(expect)) == 0);
	normal = &m->zones[ZONE_NORMAL];
	for (unsigned int o = 0; o <= 10; o++)
		normal_free += normal->free_area[o].nr_free << o;
	assert_int_equal(normal_free, normal->vm_stat[NR_FREE_PAGES]);
	assert_true(normal->free_area[10].nr_free >= 238);
	seq_buf_free(&s);
	machine_destroy(m);
}

/* MemTotal 1027984 pages; MemAvailable = free - totalreserve 9008. */
static unsigned long meminfo_kb_of(const char *text, const char *name)
{
	const char *at = strstr(text, name);

	assert_non_null(at);
	return strtoul(at + strlen(name), NULL, 10);
}

static void test_default_meminfo(void **state)
{
	struct machine *m = boot_default();
	struct seq_buf s;

	(void)state;
	report_text(m, &s, report_meminfo);
	assert_true(strncmp(s.buf, "MemTotal:        4111936 kB\nMemFree:  ",
			    38) == 0);
	assert_int_equal(meminfo_kb_of(s.buf, "MemFree:"),
			 global_free_pages(m) * 4);
	/* The superblock's page is file LRU cache: MemAvailable counts it,
	 * and Buffers holds it (the mount reads it, as Linux's). */
	assert_int_equal(meminfo_kb_of(s.buf, "MemAvailable:"),
			 (global_free_pages(m) - 9008 + 1) * 4);
	assert_non_null(strstr(s.buf, "\nBuffers:               4 kB\n"));
	/* The header page is not swap space, as on Linux. */
	assert_non_null(strstr(s.buf, "\nSwapTotal:       1048572 kB\n"));
	assert_non_null(strstr(s.buf, "\nSwapFree:        1048572 kB\n"));
	assert_non_null(strstr(s.buf, "\nVmallocTotal:   34359738368 kB\n"));
	assert_null(strstr(s.buf, "HighTotal"));
	seq_buf_free(&s);
	machine_destroy(m);
}

static void test_zoneinfo_format(void **state)
{
	struct machine *m = boot_default();
	struct seq_buf s;

	(void)state;
	report_text(m, &s, report_zoneinfo);
	assert_true(strncmp(s.buf, "Node 0, zone      DMA\n  per-node stats\n",
			    38) == 0);
	assert_non_null(strstr(s.buf, "Node 0, zone    DMA32\n"
				      "  pages free     778240\n"
				      "        boost    0\n"
				      "        min      1534\n"
				      "        low      2312\n"
				      "        high     3090\n"
				      "        promo    3868\n"
				      "        spanned  1044480\n"
				      "        present  782336\n"
				      "        managed  778240\n"
				      "        cma      0\n"
				      "        protection: (0, 0, 960, 960)\n"
				      "      nr_free_pages 778240\n"));
	assert_non_null(strstr(s.buf, "\n    cpu: 1\n"
				      "              count: 0\n"
				      "              high:  1156\n"
				      "              batch: 63\n"));
	assert_non_null(strstr(s.buf, "Node 0, zone  Movable\n"
				      "  pages free     0\n"));
	assert_non_null(strstr(s.buf, "  start_pfn:           4096\n"));
	seq_buf_free(&s);
	machine_destroy(m);
}

static struct machine *boot_file(const char *path)
{
	struct config_errors errs;
	struct layout l;

	assert_int_equal(config_load_file(path, &l, &errs), 0);
	return boot(&l);
}

/*
 * embedded-mmz.yaml: i386, 512M, MMZ over 256M-512M (65536 pages). The
 * flat memmap (131072 * 32 bytes = 1024 pages) goes top-down below lowmem
 * but cannot sit in MMZ, so it lands at 252M-256M. Normal managed =
 * 126976 - 1024 (image) - 65536 - 1024 = 59392. min_free_kbytes 1024 by
 * hand: pages_min 256, DMA 256*4080/63472 = 16 (+4), Normal 239 (+59).
 */
static void test_embedded_mmz_boot(void **state)
{
	struct machine *m = boot_file("config/embedded-mmz.yaml");
	const struct zone *normal = &m->zones[ZONE_NORMAL];
	const char *dma = "Node 0, zone      DMA      0      0      0      0 "
			  "     1      1      1      1      1      1      3 \n"
			  "Node 0, zone   Normal ";
	struct seq_buf s;

	(void)state;
	assert_int_equal(m->zones[ZONE_DMA].managed_pages, 4080);
	assert_int_equal(normal->spanned_pages, 126976);
	assert_int_equal(normal->present_pages, 126976);
	assert_int_equal(normal->managed_pages, 59392);
	assert_int_equal(m->reserved_pages[MB_MMZ], 65536);
	for (unsigned int i = 0; i < m->memblock.reserved.cnt; i++)
		if (m->memblock.reserved.regions[i].owner == MB_MEMMAP)
			assert_int_equal(m->memblock.reserved.regions[i].base,
					 252 * MiB);
	assert_int_equal(m->min_free_kbytes, 1024);
	assert_int_equal(min_wmark_pages(&m->zones[ZONE_DMA]), 16);
	assert_int_equal(low_wmark_pages(&m->zones[ZONE_DMA]), 20);
	assert_int_equal(min_wmark_pages(normal), 239);
	assert_int_equal(low_wmark_pages(normal), 298);
	assert_int_equal(high_wmark_pages(normal), 357);
	/* Normal: 58 order-10 blocks, less what boot split off. */
	report_text(m, &s, report_buddyinfo);
	assert_true(strncmp(s.buf, dma, strlen(dma)) == 0);
	assert_true(normal->free_area[10].nr_free >= 56);
	seq_buf_clear(&s);
	report_meminfo(m, &s);
	assert_non_null(strstr(s.buf, "\nMmzTotal:         262144 kB\n"));
	assert_non_null(strstr(s.buf, "\nHighTotal:             0 kB\n"));
	seq_buf_free(&s);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * x86_64.yaml: 17G with the 640K and 3G-4G holes; 128 present sections
 * give a 256 MiB memmap (65536 pages) at the top of Normal.
 * managed = 3984 + 778240 + 3342336 = 4124560; min_free_kbytes =
 * int_sqrt(4124560*4*16) = 16247, pages_min 4061: DMA32 766 (+778),
 * Normal 3290 (+3342).
 */
static void test_x86_64_workstation_boot(void **state)
{
	struct machine *m = boot_file("config/x86_64.yaml");
	const struct zone *dma32 = &m->zones[ZONE_DMA32];
	const struct zone *normal = &m->zones[ZONE_NORMAL];

	(void)state;
	assert_int_equal(m->nr_cpus, 4);
	assert_int_equal(m->max_pfn, 4456448);
	assert_int_equal(m->zones[ZONE_DMA].managed_pages, 3984);
	assert_int_equal(dma32->present_pages, 782336);
	assert_int_equal(dma32->managed_pages, 778240);
	assert_int_equal(normal->spanned_pages, 3407872);
	assert_int_equal(normal->managed_pages, 3342336);
	assert_int_equal(m->min_free_kbytes, 16247);
	assert_int_equal(min_wmark_pages(&m->zones[ZONE_DMA]), 3);
	assert_int_equal(min_wmark_pages(dma32), 766);
	assert_int_equal(low_wmark_pages(dma32), 1544);
	assert_int_equal(high_wmark_pages(dma32), 2322);
	assert_int_equal(min_wmark_pages(normal), 3290);
	assert_int_equal(low_wmark_pages(normal), 6632);
	assert_int_equal(high_wmark_pages(normal), 9974);
	assert_consistent(m);
	machine_destroy(m);
}

/* The shipped i386 file boots to the same machine as the C layout. */
static void test_i386_file_matches(void **state)
{
	struct machine *m = boot_file("config/i386-highmem.yaml");

	(void)state;
	assert_int_equal(m->zones[ZONE_NORMAL].managed_pages, 219136);
	assert_int_equal(m->zones[ZONE_HIGHMEM].managed_pages, 294912);
	assert_int_equal(low_wmark_pages(&m->zones[ZONE_HIGHMEM]), 439);
	machine_destroy(m);
}

static int count_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	assert_non_null(d);
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static void test_boot_teardown_leaks_nothing(void **state)
{
	int fds = count_open_fds();
	struct layout l;

	(void)state;
	small_layout(&l, 64 * MiB);
	for (int i = 0; i < 20; i++)
		machine_destroy(boot(&l));
	assert_int_equal(count_open_fds(), fds);
}

/* Host pages the RAM memfd holds: st_blocks counts 512-byte units. */
static unsigned long memfd_pages(const struct machine *m)
{
	struct stat st;

	assert_int_equal(fstat(m->ram_fd, &st), 0);
	return (unsigned long)st.st_blocks * 512 / m->page_size;
}

/* Rss of the mapping that starts at addr, from /proc/self/smaps, in pages. */
static unsigned long mapping_rss_pages(const void *addr, unsigned long psize)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	char line[512];
	bool in = false;
	long kb = -1;

	assert_non_null(f);
	while (kb < 0 && fgets(line, sizeof(line), f)) {
		unsigned long start, end;

		if (sscanf(line, "%lx-%lx ", &start, &end) == 2)
			in = start == (uintptr_t)addr;
		else if (in && strncmp(line, "Rss:", 4) == 0)
			kb = strtol(line + 4, NULL, 10);
	}
	fclose(f);
	assert_true(kb >= 0);
	return (unsigned long)kb * 1024 / psize;
}

/* Pages the allocator has handed out and not had back. */
static unsigned long pages_in_use(const struct machine *m)
{
	unsigned long used = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		used += zone_used_pages(&m->zones[z], m->nr_cpus);
	return used;
}

/* shmem's transparent huge pages would fill RAM 2M at a time. */
static bool shmem_thp_forced(void)
{
	FILE *f =
		fopen("/sys/kernel/mm/transparent_hugepage/shmem_enabled", "r");
	char text[128] = "";

	if (!f)
		return false;
	if (!fgets(text, sizeof(text), f))
		text[0] = '\0';
	fclose(f);
	return strstr(text, "[always]") || strstr(text, "[within_size]") ||
	       strstr(text, "[force]");
}

static struct machine *boot_64g(void)
{
	struct layout l;

	layout_set_defaults(&l, ARCH_X86_64);
	l.memory = 64 * GiB;
	layout_resolve(&l);
	return boot(&l);
}

/*
 * A booted 64 GiB machine holds only what boot wrote. x86_64 makes its
 * kernel tables from the image's last pages: one PGD, one PUD and one
 * PMD for the direct map (2M pages below 1G, 1G pages above it), and the
 * 64 PUD tables of the 32T vmalloc area (512G each), made at boot as
 * preallocate_vmalloc_pages does: 67 pages. Everything else boot writes
 * lies in pages it allocated and still holds. So the memfd holds
 * between 67 pages and 67 plus the pages in use: well under a megabyte
 * of the 64 GiB, which the mapping's Rss agrees with page for page.
 */
static void test_ram_is_sparse(void **state)
{
	struct machine *m;
	struct kernel_pgtable *kpt;
	unsigned long boot_tables, resident;

	(void)state;
	if (shmem_thp_forced())
		skip();
	m = boot_64g();
	kpt = kernel_pgtable(m);
	boot_tables = kpt->boot_end - kpt->boot_next;
	assert_int_equal(boot_tables, 3 + 64);
	resident = memfd_pages(m);
	assert_true(resident >= boot_tables);
	assert_true(resident <= boot_tables + pages_in_use(m));
	assert_true(resident * m->page_size < 1 * MiB);
	assert_int_equal(mapping_rss_pages(m->ram, m->page_size), resident);
	machine_destroy(m);
}

/*
 * What the machine writes through its own accessors (uapi_write at a
 * direct-map or vmalloc address) is in the memfd at the frame's physical
 * offset, seen by pread and by a second mapping of the file; what the
 * second mapping writes, the machine reads. Reading a frame nobody
 * wrote gives zeros and costs the host nothing.
 */
static void test_ram_is_the_memfd(void **state)
{
	struct machine *m;
	unsigned long pfn, vpfn, before, used_before;
	uint64_t kaddr, vaddr, phys;
	char pattern[3 * 4096], got[3 * 4096];
	uint8_t *second;
	int pid;

	(void)state;
	if (shmem_thp_forced())
		skip();
	m = boot_64g();
	assert_int_equal(task_create(m, "ram", 0, 0, &pid), 0);
	assert_int_equal(task_switch(m, pid), 0);
	before = memfd_pages(m);
	used_before = pages_in_use(m);

	/* A page of the direct map, high in the 64G. */
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 0, &pfn), 0);
	assert_true(pfn > 4 * GiB / m->page_size);
	phys = pfn_to_phys(m, pfn);
	kaddr = m->layout.kernel.page_offset + phys;
	assert_int_equal(uapi_write(m, kaddr + 100, "through the machine", 19),
			 0);
	assert_int_equal(pread(m->ram_fd, got, 19, (off_t)phys + 100), 19);
	assert_memory_equal(got, "through the machine", 19);
	second = mmap(NULL, m->page_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      m->ram_fd, (off_t)phys);
	assert_true(second != MAP_FAILED);
	assert_memory_equal(second + 100, "through the machine", 19);
	memcpy(second + 200, "through the file", 16);
	assert_int_equal(uapi_read(m, kaddr + 200, got, 16), 0);
	assert_memory_equal(got, "through the file", 16);
	assert_int_equal(munmap(second, m->page_size), 0);

	/* Three vmalloc pages: each at its own frame's offset. */
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (char)(i * 7 + 1);
	assert_int_equal(uapi_vmalloc(m, sizeof(pattern), &vaddr), 0);
	assert_int_equal(uapi_write(m, vaddr, pattern, sizeof(pattern)), 0);
	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(
			vmalloc_to_pfn(m, vaddr + i * m->page_size, &vpfn), 0);
		assert_int_equal(pread(m->ram_fd, got, m->page_size,
				       (off_t)pfn_to_phys(m, vpfn)),
				 (ssize_t)m->page_size);
		assert_memory_equal(got, pattern + i * m->page_size,
				    m->page_size);
	}

	/*
	 * Four frames written, nothing else but what the calls allocated
	 * (a slab, the area's page tables): the file grew by that at most.
	 */
	assert_true(memfd_pages(m) >= before + 4);
	assert_true(memfd_pages(m) <= before + pages_in_use(m) - used_before);
	/* The last frame was never written: zeros, and still no page. */
	before = memfd_pages(m);
	assert_int_equal(pread(m->ram_fd, got, m->page_size,
			       (off_t)(m->layout.memory - m->page_size)),
			 (ssize_t)m->page_size);
	for (unsigned long i = 0; i < m->page_size; i++)
		assert_int_equal(got[i], 0);
	assert_int_equal(memfd_pages(m), before);
	machine_destroy(m);
}

static void test_invalid_layout_refused(void **state)
{
	struct layout l;
	struct machine *m;

	(void)state;
	small_layout(&l, 64 * MiB);
	l.nr_cpus = 0;
	m = machine_create(&l);
	assert_true(IS_ERR(m));
	assert_int_equal(PTR_ERR(m), -EINVAL);
}

static void test_set_cpu(void **state)
{
	struct layout l;
	struct machine *m;

	(void)state;
	small_layout(&l, 64 * MiB);
	m = boot(&l);
	assert_int_equal(machine_set_cpu(m, 1), 0);
	assert_int_equal(m->cpu, 1);
	assert_int_equal(machine_set_cpu(m, 2), -EINVAL);
	assert_int_equal(m->cpu, 1);
	assert_int_equal(m->bad[BAD_CPU], 1);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_struct_page_fits_64_bytes),
		cmocka_unit_test(test_default_zone_counts),
		cmocka_unit_test(test_default_watermarks),
		cmocka_unit_test(test_i386_highmem_boot),
		cmocka_unit_test(test_default_buddyinfo),
		cmocka_unit_test(test_default_meminfo),
		cmocka_unit_test(test_zoneinfo_format),
		cmocka_unit_test(test_embedded_mmz_boot),
		cmocka_unit_test(test_x86_64_workstation_boot),
		cmocka_unit_test(test_i386_file_matches),
		cmocka_unit_test(test_boot_teardown_leaks_nothing),
		cmocka_unit_test(test_ram_is_sparse),
		cmocka_unit_test(test_ram_is_the_memfd),
		cmocka_unit_test(test_invalid_layout_refused),
		cmocka_unit_test(test_set_cpu),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
