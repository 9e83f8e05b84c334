/* SPDX-License-Identifier: MIT */
/*
 * test_sparse.c - deferred struct page init (core/sparse.c): a machine
 * whose memmap is written on first use reports exactly what the same
 * machine written whole at boot reports, allocates in every zone, and
 * boots 1 TiB (config/x86_64-1t.yaml) without touching what it does
 * not use; the checker covers the section map.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/debug.h"
#include "core/frame_state.h"
#include "core/meminfo.h"
#include "core/printk.h"
#include "core/proc_page.h"
#include "core/sparse.h"
#include "core/vmstat.h"

#define SECTION_PAGES 32768UL /* 128 MiB of 4 KiB frames */

static struct machine *boot_file(const char *path, int deferred)
{
	struct config_errors errs;
	struct layout l;

	assert_int_equal(config_load_file(path, &l, &errs), 0);
	if (deferred >= 0)
		l.kernel.deferred_struct_page_init = (uint32_t)deferred;
	return boot(&l);
}

typedef int (*report_fn)(const struct machine *, struct seq_buf *);

static void assert_same_report(const struct machine *a, const struct machine *b,
			       report_fn fn, const char *what)
{
	struct seq_buf sa, sb;

	seq_buf_init(&sa);
	seq_buf_init(&sb);
	assert_int_equal(fn(a, &sa), 0);
	assert_int_equal(fn(b, &sb), 0);
	if (sa.len != sb.len || memcmp(sa.buf, sb.buf, sa.len))
		fail_msg("%s differs:\n%.*s\n---\n%.*s", what, (int)sa.len,
			 sa.buf, (int)sb.len, sb.buf);
	seq_buf_free(&sa);
	seq_buf_free(&sb);
}

static void assert_same_reports(const struct machine *a,
				const struct machine *b)
{
	assert_same_report(a, b, report_buddyinfo, "buddyinfo");
	assert_same_report(a, b, report_zoneinfo, "zoneinfo");
	assert_same_report(a, b, report_meminfo, "meminfo");
	assert_same_report(a, b, report_pagetypeinfo, "pagetypeinfo");
	assert_same_report(a, b, report_vmstat, "vmstat");
	assert_same_report(a, b, report_frames, "frames");
}

/* config/x86_64.yaml both ways: Normal 4G-17G is 104 sections. */
static void test_deferred_reports_as_written_whole(void **state)
{
	struct machine *eager = boot_file("config/x86_64.yaml", 0);
	struct machine *lazy = boot_file("config/x86_64.yaml", 1);
	const struct zone *normal = &lazy->zones[ZONE_NORMAL];

	(void)state;
	assert_null(eager->sections.state);
	/* The first Normal section is written; the memmap's top 2 stay. */
	assert_int_equal(normal->nr_deferred_sections, 104 - 1 - 2);
	assert_int_equal(lazy->sections.nr_deferred, 104 - 1);
	assert_int_equal(pfn_section_state(lazy, lazy->max_pfn - 1),
			 SECTION_DEFERRED_RESERVED);
	assert_int_equal(pfn_section_state(lazy, (5ULL << 30) / PAGE),
			 SECTION_DEFERRED_FREE);
	assert_int_equal(pfn_section_state(lazy, (4ULL << 30) / PAGE),
			 SECTION_WRITTEN);
	assert_int_equal(normal->managed_pages,
			 eager->zones[ZONE_NORMAL].managed_pages);
	assert_int_equal(normal->present_pages,
			 eager->zones[ZONE_NORMAL].present_pages);
	assert_int_equal(lazy->reserved_pages[MB_MEMMAP],
			 eager->reserved_pages[MB_MEMMAP]);
	assert_same_reports(eager, lazy);
	assert_consistent(lazy);
	machine_destroy(eager);
	machine_destroy(lazy);
}

/* The pageblocks' map reads no unwritten struct page, writes no
 * section, and counts what the eager machine's does: a cell a pageblock
 * over all of RAM. */
static void test_deferred_pageblock_cells(void **state)
{
	struct machine *eager = boot_file("config/x86_64.yaml", 0);
	struct machine *lazy = boot_file("config/x86_64.yaml", 1);
	static uint8_t a[16384], b[16384];
	unsigned long pb = 1UL << eager->pageblock_order;
	unsigned long deferred = lazy->sections.nr_deferred;
	long n = (long)(eager->max_pfn / pb), count[16] = {0};

	(void)state;
	assert_true(n <= 16384);
	assert_int_equal(
		pageblock_cells_sampled(eager, 0, eager->max_pfn, pb, a), n);
	assert_int_equal(pageblock_cells_sampled(lazy, 0, lazy->max_pfn, pb, b),
			 n);
	/* Boot's own Unmovable blocks may lie elsewhere; the counts do not
	 * differ (pagetypeinfo is the same, test above). */
	for (long i = 0; i < n; i++) {
		count[a[i] & 15]++;
		count[b[i] & 15]--;
	}
	for (int t = 0; t < 16; t++)
		assert_int_equal(count[t], 0);
	assert_int_equal(lazy->sections.nr_deferred, deferred);
	machine_destroy(eager);
	machine_destroy(lazy);
}

/*
 * The same allocations on both: 100 max-order blocks (three sections'
 * worth past the written one) and a page of every zone. The deferred
 * machine writes sections as its movable list runs out; the counts
 * and buddyinfo stay the eager machine's.
 */
static void test_deferred_grows_on_demand(void **state)
{
	struct machine *eager = boot_file("config/x86_64.yaml", 0);
	struct machine *lazy = boot_file("config/x86_64.yaml", 1);
	static const gfp_t zone_gfp[] = {GFP_DMA, GFP_DMA32, GFP_KERNEL,
					 GFP_HIGHUSER_MOVABLE};
	struct page *e[104], *l[104];
	unsigned long deferred = lazy->sections.nr_deferred;

	(void)state;
	for (int i = 0; i < 100; i++) {
		e[i] = alloc_pages(eager, GFP_HIGHUSER_MOVABLE, 10);
		l[i] = alloc_pages(lazy, GFP_HIGHUSER_MOVABLE, 10);
		assert_false(IS_ERR_OR_NULL(e[i]));
		assert_false(IS_ERR_OR_NULL(l[i]));
		assert_int_equal(page_zonenum(l[i]), ZONE_NORMAL);
	}
	for (int i = 0; i < 4; i++) {
		e[100 + i] = alloc_pages(eager, zone_gfp[i], 0);
		l[100 + i] = alloc_pages(lazy, zone_gfp[i], 0);
		assert_false(IS_ERR_OR_NULL(l[100 + i]));
		assert_int_equal(page_zonenum(l[100 + i]),
				 page_zonenum(e[100 + i]));
	}
	/* 100 blocks of 4 MiB: the written section and three more. */
	assert_int_equal(lazy->sections.nr_deferred, deferred - 3);
	assert_consistent(lazy);
	assert_same_report(eager, lazy, report_buddyinfo, "buddyinfo");
	assert_same_report(eager, lazy, report_meminfo, "meminfo");
	for (int i = 0; i < 104; i++) {
		unsigned int order = i < 100 ? 10 : 0;

		assert_int_equal(__free_pages(eager, e[i], order), 0);
		assert_int_equal(__free_pages(lazy, l[i], order), 0);
	}
	drain_all_pages(eager);
	drain_all_pages(lazy);
	assert_consistent(lazy);
	assert_same_report(eager, lazy, report_buddyinfo, "buddyinfo");
	machine_destroy(eager);
	machine_destroy(lazy);
}

/* Reports read an unwritten section without writing it. */
static void test_reports_leave_sections_unwritten(void **state)
{
	struct machine *m = boot_file("config/x86_64.yaml", 1);
	unsigned long pfn = (8ULL << 30) / PAGE, nr = pfn / SECTION_PAGES;
	unsigned int order;
	struct seq_buf s;

	(void)state;
	assert_int_equal(m->sections.state[nr], SECTION_DEFERRED_FREE);
	assert_int_equal(stable_page_flags(m, pfn), 1ULL << KPF_BUDDY);
	assert_int_equal(stable_page_flags(m, pfn + 1), 0);
	assert_int_equal(kpagecount(m, pfn), 0);
	assert_int_equal(stable_page_flags(m, m->max_pfn - 1),
			 1ULL << KPF_RESERVED);
	assert_int_equal(frame_state(m, pfn + 5, &order), FRAME_FREE);
	assert_int_equal(order, 10);
	assert_int_equal(frame_state(m, m->max_pfn - 1, &order),
			 FRAME_RESERVED);
	seq_buf_init(&s);
	assert_int_equal(report_dump_page(m, pfn, &s), 0);
	assert_non_null(strstr(s.buf, "refcount:0 mapcount:0"));
	assert_non_null(strstr(s.buf, "page_type: 0xffffff7f(buddy)"));
	seq_buf_free(&s);
	assert_int_equal(m->sections.state[nr], SECTION_DEFERRED_FREE);
	machine_destroy(m);
}

/* The checker notices a section map that lies, and names it. */
static void test_checker_covers_sections(void **state)
{
	struct machine *m = boot_file("config/x86_64.yaml", 1);
	struct zone *normal = &m->zones[ZONE_NORMAL];
	unsigned long first = (4ULL << 30) / PAGE / SECTION_PAGES;
	unsigned long pfn = (8ULL << 30) / PAGE;

	(void)state;
	normal->nr_deferred_sections++;
	assert_check_fails(m, "unwritten free sections, counts");
	normal->nr_deferred_sections--;
	m->sections.nr_deferred++;
	assert_check_fails(m, "nr_deferred");
	m->sections.nr_deferred--;
	/* The first section holds the VGA hole; the last, the memmap. */
	m->sections.state[0] = SECTION_DEFERRED_FREE;
	m->sections.nr_deferred++;
	assert_check_fails(m, "unwritten section 0 holds a hole");
	m->sections.state[0] = SECTION_WRITTEN;
	m->sections.nr_deferred--;
	m->sections.state[m->sections.nr - 1] = SECTION_DEFERRED_FREE;
	assert_check_fails(m, "overlaps a reserved region");
	m->sections.state[m->sections.nr - 1] = SECTION_DEFERRED_RESERVED;
	m->sections.state[first] = SECTION_DEFERRED_RESERVED;
	m->sections.nr_deferred++;
	assert_check_fails(m, "memblock has none");
	m->sections.state[first] = SECTION_WRITTEN;
	m->sections.nr_deferred--;
	set_zone_pfnblock_flags_mask(m, normal, pfn, MIGRATE_UNMOVABLE,
				     MIGRATETYPE_MASK);
	assert_check_fails(m, "of an unwritten section is not movable");
	set_zone_pfnblock_flags_mask(m, normal, pfn, MIGRATE_MOVABLE,
				     MIGRATETYPE_MASK);
	assert_consistent(m);
	machine_destroy(m);
}

/* A Normal zone counter summed over the nodes. */
static unsigned long normal_sum(const struct machine *m, size_t off)
{
	unsigned long sum = 0;

	for (unsigned int n = 0; n < m->nr_node_ids; n++)
		sum += *(const unsigned long
				 *)((const char *)&m->zones[n * MAX_NR_ZONES +
							    ZONE_NORMAL] +
				    off);
	return sum;
}

/*
 * config/x86_64-1t.yaml: 1 TiB of RAM in four nodes of 256 GiB (8192
 * sections with memory, so a 16 GiB memmap, 4 GiB at the top of each
 * node),
 * booted with every Normal section but each node's first and the
 * memmap's 128 unwritten, allocating in every zone of every node.
 */
static void test_boot_1t(void **state)
{
	struct machine *m = boot_file("config/x86_64-1t.yaml", -1);
	static const gfp_t zone_gfp[] = {GFP_DMA, GFP_DMA32, GFP_KERNEL};
	static const enum zone_type zone_of[] = {ZONE_DMA, ZONE_DMA32,
						 ZONE_NORMAL};
	struct page *pages[4 * 3 * 16];
	unsigned int n = 0;

	(void)state;
	assert_int_equal(m->nr_node_ids, 4);
	assert_int_equal(normal_sum(m, offsetof(struct zone, spanned_pages)),
			 (1021ULL << 30) / PAGE);
	assert_int_equal(normal_sum(m, offsetof(struct zone, present_pages)),
			 (1021ULL << 30) / PAGE);
	assert_int_equal(m->reserved_pages[MB_MEMMAP], (16ULL << 30) / PAGE);
	assert_int_equal(normal_sum(m, offsetof(struct zone, managed_pages)),
			 (1005ULL << 30) / PAGE);
	assert_int_equal(
		normal_sum(m, offsetof(struct zone, nr_deferred_sections)),
		8168 - 4 - 128);
	for (unsigned int nid = 0; nid < 4; nid++) {
		const struct zone *normal =
			&m->zones[nid * MAX_NR_ZONES + ZONE_NORMAL];

		assert_int_equal(normal->free_area[10].nr_free,
				 normal->vm_stat[NR_FREE_PAGES] >> 10);
	}
	assert_consistent(m);
	/* Each node's zones: DMA and DMA32 are node 0's, so they fall back. */
	for (int nid = 0; nid < 4; nid++)
		for (int z = 0; z < 3; z++)
			for (int i = 0; i < 16; i++) {
				struct page *p = alloc_pages_node(
					m, nid, zone_gfp[z], i % 5);

				assert_false(IS_ERR_OR_NULL(p));
				assert_int_equal(page_zonenum(p), zone_of[z]);
				assert_int_equal(page_to_nid(p),
						 z == 2 ? nid : 0);
				pages[n++] = p;
			}
	assert_consistent(m);
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal(__free_pages(m, pages[i], (i % 16) % 5), 0);
	drain_all_pages(m);
	assert_consistent(m);
	machine_destroy(m);
}

/* zoneinfo's present and managed of one node's zone, as the text says. */
static void zoneinfo_pages(const struct machine *m, int nid, const char *zone,
			   unsigned long long *present,
			   unsigned long long *managed)
{
	char head[64];
	struct seq_buf s;
	const char *at;

	seq_buf_init(&s);
	assert_int_equal(report_zoneinfo(m, &s), 0);
	snprintf(head, sizeof(head), "Node %d, zone %8s\n", nid, zone);
	at = strstr(s.buf, head);
	assert_non_null(at);
	at = strstr(at, "\n        present  ");
	assert_non_null(at);
	assert_int_equal(
		sscanf(at, " present %llu managed %llu", present, managed), 2);
	seq_buf_free(&s);
}

static void assert_zone_pages(const struct machine *m, int nid,
			      const char *zone, unsigned long long present,
			      unsigned long long managed)
{
	unsigned long long p, mg;

	zoneinfo_pages(m, nid, zone, &p, &mg);
	assert_int_equal(p, present);
	assert_int_equal(mg, managed);
}

/*
 * Each node's memmap comes from that node, as sparse_init_nid's: on
 * config/x86_64-numa.yaml each node has 256 sections with memory, so
 * each Normal zone loses 512 MiB (131072 frames) of struct pages; on the
 * 1 TiB layout each node has 2048, so 4 GiB (1048576 frames) each. Node
 * 0's low zones keep what they had. The reserves lie at each node's top.
 */
static void test_memmap_per_node(void **state)
{
	struct machine *m = boot_file("config/x86_64-numa.yaml", -1);
	unsigned int memmaps = 0;

	(void)state;
	/*
	 * The shipped layout writes its memmap on first use: each Normal
	 * zone's sections (232 on node 0, 4G-33G; 256 on node 1) wait but
	 * the first and the memmap's 4.
	 */
	assert_int_equal(m->layout.kernel.deferred_struct_page_init, 1);
	assert_int_equal(
		normal_sum(m, offsetof(struct zone, nr_deferred_sections)),
		(232 - 1 - 4) + (256 - 1 - 4));
	assert_zone_pages(m, 0, "DMA", 4000, 3984);
	assert_zone_pages(m, 0, "DMA32", 782336, 778240);
	assert_zone_pages(m, 0, "Normal", 7602176, 7471104);
	assert_zone_pages(m, 1, "Normal", 8388608, 8257536);
	for (unsigned int i = 0; i < m->memblock.reserved.cnt; i++) {
		const struct memblock_region *r =
			&m->memblock.reserved.regions[i];

		if (r->owner != MB_MEMMAP)
			continue;
		assert_int_equal(r->size, 512ULL << 20);
		assert_int_equal(r->base + r->size,
				 memmaps ? 65ULL << 30 : 33ULL << 30);
		memmaps++;
	}
	assert_int_equal(memmaps, 2);
	assert_consistent(m);
	machine_destroy(m);

	m = boot_file("config/x86_64-1t.yaml", -1);
	assert_zone_pages(m, 0, "Normal", 66322432, 65273856);
	for (int nid = 1; nid < 4; nid++)
		assert_zone_pages(m, nid, "Normal", 67108864, 66060288);
	assert_consistent(m);
	machine_destroy(m);
}

/* The kernel log's lines, from the first that starts with from. */
static void assert_log_lines(const struct machine *m, const char *from,
			     const char *want)
{
	struct seq_buf s;
	const char *at;

	seq_buf_init(&s);
	assert_int_equal(report_dmesg(m, &s), 0);
	at = strstr(s.buf, from);
	assert_non_null(at);
	at = strchr(at - 9, '[');
	if (strncmp(at, want, strlen(want)))
		fail_msg("dmesg:\n%s\nwant:\n%s", at, want);
	seq_buf_free(&s);
}

/*
 * build_all_zonelists' boot lines, as Linux 6.x logs them: each node's
 * fallback order by distance, the zonelists built and the present pages
 * of every zone (the RAM less the 384 KiB hole below 1 MiB), the policy
 * zone; on the two-socket layout and on the four-socket 1 TiB one (node
 * 0's neighbours 1 and 3 are both 21 away: the lower first; node 1's
 * are 0 and 2: a node below the local one a step further, so 2 first).
 */
static void test_zonelist_boot_lines(void **state)
{
	struct machine *m = boot_file("config/x86_64-numa.yaml", -1);

	(void)state;
	assert_log_lines(m, "Fallback order for Node 0",
			 "[     1] Fallback order for Node 0: 0 1 \n"
			 "[     2] Fallback order for Node 1: 1 0 \n"
			 "[     3] Built 2 zonelists, mobility grouping on.  "
			 "Total pages: 16777120\n"
			 "[     4] Policy zone: Normal\n");
	machine_destroy(m);
	m = boot_file("config/x86_64-1t.yaml", -1);
	assert_log_lines(m, "Fallback order for Node 0",
			 "[     1] Fallback order for Node 0: 0 1 3 2 \n"
			 "[     2] Fallback order for Node 1: 1 2 0 3 \n"
			 "[     3] Fallback order for Node 2: 2 3 1 0 \n"
			 "[     4] Fallback order for Node 3: 3 0 2 1 \n"
			 "[     5] Built 4 zonelists, mobility grouping on.  "
			 "Total pages: 268435360\n"
			 "[     6] Policy zone: Normal\n");
	machine_destroy(m);
}

/*
 * map --by-type's report on 1 TiB (over PAGEBLOCKS_MAX pageblocks):
 * 256 pageblocks a line, at most PAGEBLOCK_LINES
 * lines, every node's zones, each line's counts adding up to its pages;
 * and unwritten sections stay unwritten. 64 GiB still gets a line a
 * pageblock.
 */
static void test_pageblocks_report_sampled(void **state)
{
	struct machine *m = boot_file("config/x86_64-1t.yaml", -1);
	unsigned long deferred = m->sections.nr_deferred, lines = 0, pages = 0;
	unsigned long zone_pages = 0, per_line = 0;
	struct seq_buf s;
	char *save = NULL, *line;
	struct layout l;

	(void)state;
	report_text(m, &s, report_pageblocks);
	assert_int_equal(m->sections.nr_deferred, deferred);
	line = strtok_r(s.buf, "\n", &save);
	assert_int_equal(sscanf(line, "pageblocks: %lu pages each", &per_line),
			 1);
	/* Just over 1 TiB of zones: 524800 pageblocks, 256 a line. */
	assert_int_equal(per_line, 256 * 512);
	line = strtok_r(NULL, "\n", &save);
	assert_non_null(strstr(line, "; a line is 256 pageblocks"));
	while ((line = strtok_r(NULL, "\n", &save))) {
		unsigned long f, mv, u, a, zs, zp;
		char t;

		if (sscanf(line, "zone %*s start_pfn %lu pages %lu", &zs,
			   &zp) == 2) {
			assert_non_null(strstr(line, " node "));
			zone_pages += zp;
			continue;
		}
		assert_int_equal(
			sscanf(line, "%c %lu %lu %lu %lu", &t, &f, &mv, &u, &a),
			5);
		assert_non_null(strchr("UMRHCI-", t));
		assert_true(f + mv + u + a <= per_line);
		pages += f + mv + u + a;
		lines++;
	}
	assert_int_equal(pages, zone_pages);
	assert_true(lines <= PAGEBLOCK_LINES);
	assert_true(lines >= PAGEBLOCK_LINES / 2);
	seq_buf_free(&s);
	machine_destroy(m);

	layout_default(&l);
	l.memory = 64ULL << 30;
	l.zones[2].end = l.memory;
	l.limits.pages = l.memory / PAGE;
	l.kernel.deferred_struct_page_init = 1;
	m = boot(&l);
	report_text(m, &s, report_pageblocks);
	assert_non_null(strstr(s.buf, "pageblocks: 512 pages each\n"));
	seq_buf_free(&s);
	machine_destroy(m);
}

/* A deferred layout may be larger; one without it keeps the old bound. */
static void test_layout_bounds(void **state)
{
	struct layout l;
	struct layout_errors errs = {0};

	(void)state;
	layout_default(&l);
	l.memory = 2048ULL << 30;
	l.zones[2].end = l.memory;
	l.limits.pages = l.memory / PAGE;
	assert_int_equal(layout_validate(&l, &errs), -EINVAL);
	assert_string_equal(errs.err[0].msg,
			    "memory 2T is more than 1T, the most an x86_64 "
			    "layout may have");
	l.kernel.deferred_struct_page_init = 1;
	memset(&errs, 0, sizeof(errs));
	assert_int_equal(layout_validate(&l, &errs), 0);
	l.memory = 8192ULL << 30;
	l.zones[2].end = l.memory;
	l.limits.pages = l.memory / PAGE;
	assert_int_equal(layout_validate(&l, &errs), -EINVAL);
	assert_string_equal(errs.err[0].msg,
			    "memory 8T is more than 4T, the most an x86_64 "
			    "layout with deferred_struct_page_init may have");
	l.memory = 1024ULL << 30;
	l.zones[2].end = l.memory;
	l.limits.pages = l.memory / PAGE;
	l.kernel.deferred_struct_page_init = 2;
	memset(&errs, 0, sizeof(errs));
	assert_int_equal(layout_validate(&l, &errs), -EINVAL);
	assert_string_equal(errs.err[0].key,
			    "kernel.deferred_struct_page_init");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deferred_reports_as_written_whole),
		cmocka_unit_test(test_deferred_pageblock_cells),
		cmocka_unit_test(test_deferred_grows_on_demand),
		cmocka_unit_test(test_reports_leave_sections_unwritten),
		cmocka_unit_test(test_checker_covers_sections),
		cmocka_unit_test(test_boot_1t),
		cmocka_unit_test(test_memmap_per_node),
		cmocka_unit_test(test_zonelist_boot_lines),
		cmocka_unit_test(test_pageblocks_report_sampled),
		cmocka_unit_test(test_layout_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
