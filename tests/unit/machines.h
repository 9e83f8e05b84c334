/* SPDX-License-Identifier: MIT */
/*
 * machines.h - small layouts built in C for the unit tests, and helpers
 * that boot them and snapshot allocator state.
 */
#ifndef MM_TEST_MACHINES_H
#define MM_TEST_MACHINES_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/check.h"
#include "core/err.h"
#include "core/layout.h"
#include "core/machine.h"
#include "core/meminfo.h"
#include "core/page_alloc.h"
#include "core/pgtable.h"
#include "core/seq_buf.h"
#include "core/uapi.h"

/* The page size of the layouts below (x86_64's and i386's). */
#define PAGE	     4096ULL
#define PROT_USER_RW (_PAGE_PRESENT | _PAGE_RW | _PAGE_USER)

/* An x86_64 machine of mem bytes: DMA [0,16M) and DMA32 above, no holes. */
static inline void small_layout(struct layout *l, uint64_t mem)
{
	layout_default(l);
	l->memory = mem;
	l->nr_zones = 2;
	l->zones[0] = (struct layout_zone){ZONE_DMA, 0, 16 * MiB};
	l->zones[1] = (struct layout_zone){ZONE_DMA32, 16 * MiB, mem};
	l->nr_holes = 0;
	l->nr_devices = 0;
	l->limits.pages = mem >> 12;
}

/*
 * The shape of config/x86_64-numa.yaml, small: two nodes of node bytes,
 * 21 apart; node 0 holds DMA, DMA32 (to 64M) and the start of Normal
 * with CPUs 0-1, node 1 the rest of Normal with CPUs 2-3. Not resolved:
 * the caller adds what it needs and calls layout_resolve.
 */
static inline void two_node_layout(struct layout *l, uint64_t node)
{
	layout_default(l);
	l->memory = 2 * node;
	l->nr_cpus = 4;
	l->nr_zones = 3;
	l->zones[0] = (struct layout_zone){ZONE_DMA, 0, 16 * MiB};
	l->zones[1] = (struct layout_zone){ZONE_DMA32, 16 * MiB, 64 * MiB};
	l->zones[2] = (struct layout_zone){ZONE_NORMAL, 64 * MiB, 2 * node};
	l->nr_holes = 0;
	l->nr_devices = 0;
	l->nr_nodes = 2;
	l->nodes[0] =
		(struct layout_node){0, node, {0x3}, {2, {LOCAL_DISTANCE, 21}}};
	l->nodes[1] = (struct layout_node){
		node, 2 * node, {0xc}, {2, {21, LOCAL_DISTANCE}}};
	l->limits.pages = (2 * node) >> 12;
}

/* An i386 machine of mem bytes: DMA, Normal to 896M, HighMem above. */
static inline void i386_layout(struct layout *l, uint64_t mem)
{
	memset(l, 0, sizeof(*l));
	layout_set_defaults(l, ARCH_I386);
	l->memory = mem;
	l->nr_zones = 3;
	l->zones[0] = (struct layout_zone){ZONE_DMA, 0, 16 * MiB};
	l->zones[1] = (struct layout_zone){ZONE_NORMAL, 16 * MiB, 896 * MiB};
	l->zones[2] = (struct layout_zone){ZONE_HIGHMEM, 896 * MiB, mem};
	layout_resolve(l);
}

static inline struct machine *boot(const struct layout *l)
{
	struct machine *m = machine_create(l);

	assert_false(IS_ERR(m));
	return m;
}

/*
 * Tests that count pages down to a watermark exactly turn watermark
 * boosting off (vm.watermark_boost_factor 0): a fallback that splits
 * another type's pageblock would raise the marks mid-count, as it does
 * on Linux (test_compaction's test_watermark_boost shows it).
 */
static inline struct machine *boot_unboosted(const struct layout *l)
{
	struct machine *m = boot(l);

	m->vm.watermark_boost_factor = 0;
	return m;
}

static inline void assert_consistent(const struct machine *m)
{
	char why[256];
	int err = machine_check(m, why, sizeof(why));

	if (err)
		fail_msg("machine_check: %s", why);
}

/* The checker finds the damage a test made, and names it with what. */
static inline void assert_check_fails(const struct machine *m, const char *what)
{
	char why[256];

	assert_int_equal(machine_check(m, why, sizeof(why)), -EUCLEAN);
	if (!strstr(why, what))
		fail_msg("checker said \"%s\", expected \"%s\"", why, what);
}

/* Everything a refused call must leave exactly as it was. */
struct alloc_snapshot {
	unsigned long nr_free[MAX_NR_ZONES][LAYOUT_MAX_ORDER_LIMIT + 1];
	long free_pages[MAX_NR_ZONES];
	int pcp_count[MAX_NR_ZONES][LAYOUT_MAX_CPUS];
};

static inline void snapshot(const struct machine *m, struct alloc_snapshot *s)
{
	memset(s, 0, sizeof(*s));
	for (int z = 0; z < MAX_NR_ZONES; z++) {
		const struct zone *zone = &m->zones[z];

		for (int o = 0; o <= LAYOUT_MAX_ORDER_LIMIT; o++)
			s->nr_free[z][o] = zone->free_area[o].nr_free;
		s->free_pages[z] = zone->vm_stat[NR_FREE_PAGES];
		for (unsigned int c = 0; zone->pcp && c < m->nr_cpus; c++)
			s->pcp_count[z][c] = zone->pcp[c].count;
	}
}

static inline void assert_unchanged(const struct machine *m,
				    const struct alloc_snapshot *before)
{
	struct alloc_snapshot now;

	snapshot(m, &now);
	assert_memory_equal(before, &now, sizeof(now));
	assert_consistent(m);
}

/* Pages a zone has handed out: managed less free and per-CPU pages. */
static inline unsigned long zone_used_pages(const struct zone *zone,
					    unsigned int nr_cpus)
{
	long used = (long)zone->managed_pages - zone->vm_stat[NR_FREE_PAGES];

	for (unsigned int c = 0; zone->pcp && c < nr_cpus; c++)
		used -= zone->pcp[c].count;
	return (unsigned long)used;
}

/* Boot the built-in default layout. */
static inline struct machine *boot_default(void)
{
	struct layout l;

	layout_default(&l);
	return boot(&l);
}

/* Print one report into s, which the caller frees. */
static inline const char *
report_text(const struct machine *m, struct seq_buf *s,
	    int (*report)(const struct machine *, struct seq_buf *))
{
	seq_buf_init(s);
	assert_int_equal(report(m, s), 0);
	return s->buf;
}

/* meminfo's value for key ("Cached" or "Cached:"), read at a line's
 * start as free(1) reads it; ~0UL when the line is missing. */
static inline unsigned long meminfo_kb(const struct machine *m, const char *key)
{
	size_t len = strcspn(key, ":");
	unsigned long v = ~0UL;
	struct seq_buf s;
	const char *line = report_text(m, &s, report_meminfo);

	while (line && v == ~0UL) {
		if (!strncmp(line, key, len) && line[len] == ':')
			v = strtoul(line + len + 1, NULL, 10);
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	seq_buf_free(&s);
	return v;
}

/* Writes page i of a test's pattern at pid's addr: word w is i*K + w. */
static inline void fill_page(struct machine *m, int pid, uint64_t addr,
			     unsigned long i)
{
	struct user_fault fault;
	uint64_t buf[PAGE / 8];

	for (size_t w = 0; w < PAGE / 8; w++)
		buf[w] = (uint64_t)i * 0x9e3779b97f4a7c15ULL + w;
	assert_int_equal(uapi_access_vm(m, pid, addr, buf, sizeof(buf),
					USER_WRITE, &fault),
			 0);
}

/* Reads page i back through pid's page table, every word as written. */
static inline void expect_page(struct machine *m, int pid, uint64_t addr,
			       unsigned long i)
{
	struct user_fault fault;
	uint64_t buf[PAGE / 8];

	assert_int_equal(uapi_access_vm(m, pid, addr, buf, sizeof(buf),
					USER_READ, &fault),
			 0);
	for (size_t w = 0; w < PAGE / 8; w++)
		if (buf[w] != (uint64_t)i * 0x9e3779b97f4a7c15ULL + w)
			fail_msg("pid %d page %lu word %zu changed", pid, i, w);
}

#endif /* MM_TEST_MACHINES_H */
