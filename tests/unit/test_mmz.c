/* SPDX-License-Identifier: MIT */
/*
 * test_mmz.c - media memory zones: first fit by address in a named or any
 * region, lookups by name and address, ownership, the media-mem listing,
 * MmzFree, every bad call, the checker, and a randomized run against a
 * model. The regions are embedded-mmz.yaml's: anonymous 256M+192M and
 * jpeg 448M+64M of a 512M i386 board.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "config/config.h"
#include "core/meminfo.h"
#include "core/mmz.h"
#include "core/uapi.h"
#include "core/task.h"
#include "tests/unit/seed.h"

#define ANON_START 0x10000000ULL /* 256M */
#define JPEG_START 0x1C000000ULL /* 448M */

static void region(struct layout_region *r, const char *name, uint64_t start,
		   uint64_t size)
{
	memset(r, 0, sizeof(*r));
	strcpy(r->name, name);
	r->start = start;
	r->size = size;
}

/* config/embedded-mmz.yaml, built in C. */
static void embedded_layout(struct layout *l)
{
	memset(l, 0, sizeof(*l));
	layout_set_defaults(l, ARCH_I386);
	strcpy(l->name, "embedded-mmz");
	l->nr_cpus = 2;
	l->memory = 512 * MiB;
	l->nr_zones = 2;
	l->zones[0] = (struct layout_zone){ZONE_DMA, 0, 16 * MiB};
	l->zones[1] = (struct layout_zone){ZONE_NORMAL, 16 * MiB, 512 * MiB};
	l->kernel.image_size = 4 * MiB;
	l->min_free_kbytes = 1024;
	l->swap_size = 64 * MiB;
	l->nr_mmz = 2;
	region(&l->mmz[0], "anonymous", 256 * MiB, 192 * MiB);
	region(&l->mmz[1], "jpeg", 448 * MiB, 64 * MiB);
	l->nr_devices = 2;
	region(&l->devices[0], "uart0", 0x20000000, 64 * KiB);
	region(&l->devices[1], "vedu", 0x20100000, 1 * MiB);
	layout_resolve(l);
}

static struct machine *boot_embedded(void)
{
	struct layout l;

	embedded_layout(&l);
	return boot(&l);
}

static uint64_t mmz_alloc_ok(struct machine *m, const char *zone,
			     const char *name, uint64_t size, uint64_t align)
{
	uint64_t phys = 0;

	assert_int_equal(mmz_alloc(m, zone, name, size, align, &phys), 0);
	return phys;
}

static void assert_listing(const struct machine *m, const char *want)
{
	struct seq_buf s;

	assert_string_equal(report_text(m, &s, report_media_mem), want);
	seq_buf_free(&s);
}

static void test_layout_matches_the_shipped_file(void **state)
{
	struct config_errors errs;
	struct layout file, built;

	(void)state;
	assert_int_equal(
		config_load_file("config/embedded-mmz.yaml", &file, &errs), 0);
	embedded_layout(&built);
	assert_int_equal(file.nr_mmz, built.nr_mmz);
	assert_memory_equal(file.mmz, built.mmz,
			    built.nr_mmz * sizeof(built.mmz[0]));
	assert_int_equal(file.memory, built.memory);
	assert_int_equal(file.arch, built.arch);
}

static void test_boot_listing_and_meminfo(void **state)
{
	struct machine *m = boot_embedded();
	struct seq_buf s;

	(void)state;
	assert_int_equal(mmz_free_pages(m), 65536);
	assert_listing(m, "+---ZONE: PHYS(0x10000000, 0x1BFFFFFF), GFP=0, "
			  "nBYTES=196608KB,    NAME=\"anonymous\" USED=0KB\n"
			  "+---ZONE: PHYS(0x1C000000, 0x1FFFFFFF), GFP=0, "
			  "nBYTES=65536KB,    NAME=\"jpeg\" USED=0KB\n"
			  "---MMZ_USE_INFO:\n"
			  " total size=262144KB(256MB),used=0KB(0MB + 0KB),"
			  "remain=262144KB(256MB + 0KB),zone_number=2,"
			  "block_number=0\n");
	assert_non_null(strstr(report_text(m, &s, report_meminfo),
			       "\nMmzFree:          262144 kB\n"));
	seq_buf_free(&s);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * vb_pool: 1M anywhere, at the start of anonymous. jpeg_buf: 100K + 1
 * rounds up to 26 pages (104K) in jpeg. osd: 4K at 2M alignment, first
 * fit after vb_pool (ends 0x10100000) is 0x10200000.
 */
static void test_listing_of_a_small_scenario(void **state)
{
	struct machine *m = boot_embedded();
	struct seq_buf s;

	(void)state;
	m->current_pid = 12;
	assert_int_equal(mmz_alloc_ok(m, NULL, "vb_pool", 1 * MiB, 0),
			 ANON_START);
	m->current_pid = 0;
	assert_int_equal(
		mmz_alloc_ok(m, "jpeg", "jpeg_buf", 100 * KiB + 1, 4096),
		JPEG_START);
	m->current_pid = 12;
	assert_int_equal(mmz_alloc_ok(m, "", "osd", 4096, 2 * MiB), 0x10200000);
	assert_listing(
		m, "+---ZONE: PHYS(0x10000000, 0x1BFFFFFF), GFP=0, "
		   "nBYTES=196608KB,    NAME=\"anonymous\" USED=1028KB\n"
		   "   |-MMB: phys(0x10000000, 0x100FFFFF), kvirt=0xD0000000, "
		   "flags=0x00000000, length=1024KB,    name=\"vb_pool\" "
		   "owner=12\n"
		   "   |-MMB: phys(0x10200000, 0x10200FFF), kvirt=0xD0200000, "
		   "flags=0x00000000, length=4KB,    name=\"osd\" owner=12\n"
		   "+---ZONE: PHYS(0x1C000000, 0x1FFFFFFF), GFP=0, "
		   "nBYTES=65536KB,    NAME=\"jpeg\" USED=104KB\n"
		   "   |-MMB: phys(0x1C000000, 0x1C019FFF), kvirt=0xDC000000, "
		   "flags=0x00000000, length=104KB,    name=\"jpeg_buf\" "
		   "owner=0\n"
		   "---MMZ_USE_INFO:\n"
		   " total size=262144KB(256MB),used=1132KB(1MB + 108KB),"
		   "remain=261012KB(254MB + 916KB),zone_number=2,"
		   "block_number=3\n");
	assert_int_equal(mmz_free_pages(m), 65536 - 256 - 26 - 1);
	assert_non_null(strstr(report_text(m, &s, report_meminfo),
			       "\nMmzFree:          261012 kB\n"));
	seq_buf_free(&s);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * media-mem's kvirt reads back the block: the direct map of a
 * low-memory block, for the task that owns it, within the block only.
 */
static void test_kvirt_reads_the_block(void **state)
{
	struct machine *m = boot_embedded();
	uint64_t phys = 0, kvirt;
	char buf[8] = {0};
	int a, b;

	(void)state;
	assert_int_equal(task_create(m, "a", 0, 0, &a), 0);
	assert_int_equal(task_create(m, "b", 0, 0, &b), 0);
	assert_int_equal(task_switch(m, a), 0);
	assert_int_equal(uapi_mmz_alloc(m, "", "buf", 8192, 0, &phys), 0);
	kvirt = m->layout.kernel.page_offset + phys;
	assert_int_equal(uapi_write_phys(m, phys + 4096, "media", 6), 0);
	assert_int_equal(uapi_read(m, kvirt + 4096, buf, 6), 0);
	assert_string_equal(buf, "media");
	assert_int_equal(uapi_write(m, kvirt, "kv", 3), 0);
	assert_int_equal(uapi_read_phys(m, phys, buf, 3), 0);
	assert_string_equal(buf, "kv");
	assert_int_equal(uapi_read(m, kvirt + 8190, buf, 4), -EFAULT);
	assert_int_equal(task_switch(m, b), 0);
	assert_int_equal(uapi_read(m, kvirt, buf, 1), -EFAULT);
	assert_int_equal(task_switch(m, a), 0);
	assert_int_equal(uapi_mmz_free(m, phys), 0);
	assert_int_equal(uapi_read(m, kvirt, buf, 1), -EFAULT);
	assert_consistent(m);
	machine_destroy(m);
}

/* A region above lowmem has no direct-map address: kvirt is 0. */
static void test_highmem_region_has_no_kvirt(void **state)
{
	struct layout l;
	struct machine *m;

	(void)state;
	i386_layout(&l, 2 * GiB);
	l.nr_mmz = 1;
	region(&l.mmz[0], "high", 1 * GiB, 16 * MiB);
	m = boot(&l);
	assert_int_equal(mmz_alloc_ok(m, "high", "hb", 8192, 0), 1 * GiB);
	assert_listing(m, "+---ZONE: PHYS(0x40000000, 0x40FFFFFF), GFP=0, "
			  "nBYTES=16384KB,    NAME=\"high\" USED=8KB\n"
			  "   |-MMB: phys(0x40000000, 0x40001FFF), "
			  "kvirt=0x00000000, flags=0x00000000, length=8KB,"
			  "    name=\"hb\" owner=0\n"
			  "---MMZ_USE_INFO:\n"
			  " total size=16384KB(16MB),used=8KB(0MB + 8KB),"
			  "remain=16376KB(15MB + 1016KB),zone_number=1,"
			  "block_number=1\n");
	assert_consistent(m);
	machine_destroy(m);
}

static void test_first_fit_by_address(void **state)
{
	struct machine *m = boot_embedded();
	uint64_t a, b, c;

	(void)state;
	a = mmz_alloc_ok(m, "anonymous", "a", 1 * MiB, 0);
	b = mmz_alloc_ok(m, "anonymous", "b", 2 * MiB, 0);
	c = mmz_alloc_ok(m, "anonymous", "c", 1 * MiB, 0);
	assert_int_equal(b, a + 1 * MiB);
	assert_int_equal(c, b + 2 * MiB);
	assert_int_equal(mmz_free(m, b), 0);
	/* The hole b left takes what fits it, lowest address first. */
	assert_int_equal(mmz_alloc_ok(m, "anonymous", "d", 1 * MiB, 0), b);
	assert_int_equal(mmz_alloc_ok(m, "anonymous", "e", 2 * MiB, 0),
			 c + 1 * MiB);
	assert_int_equal(mmz_alloc_ok(m, "anonymous", "f", 4096, 0),
			 b + 1 * MiB);
	/* Alignment: 512 is a page; 1M skips to the next 1M boundary. */
	assert_int_equal(mmz_alloc_ok(m, "anonymous", "g", 4096, 512),
			 b + 1 * MiB + 4096);
	assert_int_equal(mmz_alloc_ok(m, "anonymous", "h", 4096, 1 * MiB),
			 c + 3 * MiB);
	assert_consistent(m);
	machine_destroy(m);
}

/* With no region named, the first in layout order that has room. */
static void test_any_region_spills_in_layout_order(void **state)
{
	struct machine *m = boot_embedded();
	uint64_t phys = 0xdead;

	(void)state;
	assert_int_equal(mmz_alloc_ok(m, NULL, "big", 190 * MiB, 0),
			 ANON_START);
	assert_int_equal(mmz_alloc_ok(m, NULL, "b1", 2 * MiB, 0),
			 ANON_START + 190 * MiB);
	/* anonymous is full now: the next goes to jpeg. */
	assert_int_equal(mmz_alloc_ok(m, NULL, "b2", 4096, 0), JPEG_START);
	/* 100M is smaller than anonymous: it fits no region now. */
	assert_int_equal(mmz_alloc(m, NULL, "b3", 100 * MiB, 0, &phys),
			 -ENOMEM);
	assert_int_equal(phys, 0xdead);
	assert_int_equal(mmz_free_pages(m), 16384 - 1);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_find_by_name(void **state)
{
	struct machine *m = boot_embedded();
	uint64_t phys = 0, size = 0, first;

	(void)state;
	mmz_alloc_ok(m, "anonymous", "other", 4096, 0);
	first = mmz_alloc_ok(m, "anonymous", "frame", 8192, 0);
	mmz_alloc_ok(m, "jpeg", "frame", 4096, 0);
	mmz_alloc_ok(m, "anonymous", "frame", 4096, 0);
	assert_int_equal(mmz_find(m, "frame", &phys, &size), 0);
	assert_int_equal(phys, first);
	assert_int_equal(size, 8192);
	assert_int_equal(mmz_free(m, first), 0);
	/* The next one by layout order, then by address. */
	assert_int_equal(mmz_find(m, "frame", &phys, &size), 0);
	assert_int_equal(phys, first + 8192);
	assert_int_equal(size, 4096);
	assert_int_equal(mmz_find(m, "nothing", &phys, &size), -ENOENT);
	assert_int_equal(mmz_find(m, NULL, &phys, &size), -EINVAL);
	assert_int_equal(
		mmz_find(m, "0123456789abcdef0123456789abcdef", &phys, &size),
		-ENAMETOOLONG);
	machine_destroy(m);
}

static void test_owner_of(void **state)
{
	struct machine *m = boot_embedded();
	uint64_t a, b;
	int owner = -1;

	(void)state;
	m->current_pid = 21;
	a = mmz_alloc_ok(m, "anonymous", "a", 8192, 0);
	m->current_pid = 0;
	b = mmz_alloc_ok(m, "anonymous", "b", 4096, 0);
	assert_int_equal(mmz_owner_of(m, a, 8192, &owner), 0);
	assert_int_equal(owner, 21);
	assert_int_equal(mmz_owner_of(m, a + 8191, 1, &owner), 0);
	assert_int_equal(mmz_owner_of(m, b + 100, 200, &owner), 0);
	assert_int_equal(owner, 0);
	/* Across two blocks, past the last, below every region. */
	assert_int_equal(mmz_owner_of(m, a + 8000, 200, &owner), -EFAULT);
	assert_int_equal(mmz_owner_of(m, b + 4096, 1, &owner), -EFAULT);
	assert_int_equal(mmz_owner_of(m, b, 4097, &owner), -EFAULT);
	assert_int_equal(mmz_owner_of(m, a - 1, 1, &owner), -EFAULT);
	assert_int_equal(mmz_owner_of(m, 0x1000, 1, &owner), -EFAULT);
	assert_int_equal(mmz_owner_of(m, b, UINT64_MAX, &owner), -EFAULT);
	machine_destroy(m);
}

static void test_release_frees_only_that_pid(void **state)
{
	struct machine *m = boot_embedded();
	uint64_t theirs[20];
	int owner = -1;

	(void)state;
	for (int i = 0; i < 20; i++) {
		m->current_pid = 30;
		mmz_alloc_ok(m, NULL, "mine", 64 * KiB, 0);
		m->current_pid = 31;
		theirs[i] = mmz_alloc_ok(m, "jpeg", "theirs", 4096, 0);
	}
	m->current_pid = 0;
	assert_int_equal(mmz_release(m, 30), 20);
	assert_int_equal(mmz_release(m, 30), 0);
	assert_int_equal(mmz_free_pages(m), 65536 - 20);
	for (int i = 0; i < 20; i++) {
		assert_int_equal(mmz_owner_of(m, theirs[i], 4096, &owner), 0);
		assert_int_equal(owner, 31);
	}
	assert_consistent(m);
	assert_int_equal(mmz_release(m, 31), 20);
	assert_int_equal(mmz_free_pages(m), 65536);
	assert_consistent(m);
	machine_destroy(m);
}

/* A refused call leaves the blocks, the listing and the pages alone. */
struct mmz_snapshot {
	struct alloc_snapshot pages;
	unsigned long free_pages;
	struct seq_buf listing;
};

static void mmz_snapshot(const struct machine *m, struct mmz_snapshot *snap)
{
	snapshot(m, &snap->pages);
	snap->free_pages = mmz_free_pages(m);
	report_text(m, &snap->listing, report_media_mem);
}

static void mmz_assert_unchanged(const struct machine *m,
				 struct mmz_snapshot *snap)
{
	assert_int_equal(mmz_free_pages(m), snap->free_pages);
	assert_listing(m, snap->listing.buf);
	assert_unchanged(m, &snap->pages);
	seq_buf_free(&snap->listing);
}

static void test_bad_alloc(void **state)
{
	struct machine *m = boot_embedded();
	struct mmz_snapshot snap;
	uint64_t phys = 0xdead;
	char name[40];

	(void)state;
	mmz_alloc_ok(m, "jpeg", "half", 32 * MiB, 0);
	mmz_snapshot(m, &snap);
	assert_int_equal(mmz_alloc(m, NULL, "z", 0, 0, &phys), -EINVAL);
	assert_int_equal(
		mmz_alloc(m, "anonymous", "z", 192 * MiB + 1, 0, &phys),
		-EINVAL);
	assert_int_equal(mmz_alloc(m, "jpeg", "z", 64 * MiB + 4096, 0, &phys),
			 -EINVAL);
	assert_int_equal(mmz_alloc(m, NULL, "z", 193 * MiB, 0, &phys), -EINVAL);
	assert_int_equal(mmz_alloc(m, NULL, "z", UINT64_MAX, 0, &phys),
			 -EINVAL);
	/* 64M at 128M alignment fits jpeg only if it were aligned: never. */
	assert_int_equal(mmz_alloc(m, "jpeg", "z", 64 * MiB, 128 * MiB, &phys),
			 -EINVAL);
	assert_int_equal(mmz_alloc(m, NULL, "z", 4096, 3 * 4096, &phys),
			 -EINVAL);
	assert_int_equal(mmz_alloc(m, NULL, "z", 4096, 100, &phys), -EINVAL);
	assert_int_equal(m->bad[BAD_MMZ_REQUEST], 8);
	/* jpeg has 32M left: 33M is no room now, not a bad size. */
	assert_int_equal(mmz_alloc(m, "jpeg", "z", 33 * MiB, 0, &phys),
			 -ENOMEM);
	assert_non_null(strstr(m->errmsg, "jpeg"));
	assert_int_equal(mmz_alloc(m, "video", "z", 4096, 0, &phys), -ENOENT);
	memset(name, 'n', 32);
	name[32] = '\0';
	assert_int_equal(mmz_alloc(m, NULL, name, 4096, 0, &phys),
			 -ENAMETOOLONG);
	assert_int_equal(mmz_alloc(m, name, "z", 4096, 0, &phys),
			 -ENAMETOOLONG);
	assert_int_equal(phys, 0xdead);
	mmz_assert_unchanged(m, &snap);
	/* 31 characters is the longest name that fits. */
	name[31] = '\0';
	phys = mmz_alloc_ok(m, NULL, name, 4096, 0);
	assert_int_equal(mmz_find(m, name, &phys, &(uint64_t){0}), 0);
	assert_int_equal(phys, ANON_START);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_bad_free(void **state)
{
	struct machine *m = boot_embedded();
	struct mmz_snapshot snap;
	uint64_t a, b;

	(void)state;
	m->current_pid = 40;
	a = mmz_alloc_ok(m, NULL, "a", 8192, 0);
	b = mmz_alloc_ok(m, NULL, "b", 8192, 0);
	assert_int_equal(mmz_free(m, b), 0);
	mmz_snapshot(m, &snap);
	assert_int_equal(mmz_free(m, a + 4096), -EINVAL);
	assert_non_null(strstr(m->errmsg, "not its start"));
	assert_int_equal(mmz_free(m, b), -EINVAL); /* freed already */
	assert_int_equal(mmz_free(m, 0x1000), -EINVAL);
	assert_int_equal(mmz_free(m, UINT64_MAX), -EINVAL);
	assert_int_equal(m->bad[BAD_MMZ_ADDRESS], 4);
	m->current_pid = 41;
	assert_int_equal(mmz_free(m, a), -EPERM);
	m->current_pid = 0;
	assert_int_equal(mmz_free(m, a), -EPERM);
	mmz_assert_unchanged(m, &snap);
	m->current_pid = 40;
	assert_int_equal(mmz_free(m, a), 0);
	assert_int_equal(mmz_free_pages(m), 65536);
	assert_consistent(m);
	machine_destroy(m);
}

/* x86_64's default layout has no MMZ: nothing fits, the listing is bare. */
static void test_no_regions(void **state)
{
	struct machine *m = boot_default();
	uint64_t phys, size;

	(void)state;
	assert_int_equal(mmz_alloc(m, NULL, "x", 4096, 0, &phys), -EINVAL);
	assert_int_equal(mmz_alloc(m, "anonymous", "x", 4096, 0, &phys),
			 -ENOENT);
	assert_int_equal(mmz_find(m, "x", &phys, &size), -ENOENT);
	assert_int_equal(mmz_free_pages(m), 0);
	assert_listing(m, "---MMZ_USE_INFO:\n"
			  " total size=0KB(0MB),used=0KB(0MB + 0KB),"
			  "remain=0KB(0MB + 0KB),zone_number=0,"
			  "block_number=0\n");
	assert_consistent(m);
	machine_destroy(m);
}

static void test_checker_catches_corruption(void **state)
{
	struct machine *m = boot_embedded();
	struct mmz_region *anon = &m->mmz->regions[0];
	struct page *page;

	(void)state;
	mmz_alloc_ok(m, "anonymous", "a", 8192, 0);
	mmz_alloc_ok(m, "anonymous", "b", 8192, 0);
	assert_consistent(m);

	anon->blocks[1].phys -= 4096; /* b now overlaps a */
	assert_check_fails(m, "overlap");
	anon->blocks[1].phys += 4096;

	anon->blocks[0].size += 1; /* not whole pages */
	assert_check_fails(m, "not whole pages");
	anon->blocks[0].size -= 1;

	anon->blocks[0].phys = ANON_START - 4096; /* outside its region */
	assert_check_fails(m, "inside region");
	anon->blocks[0].phys = ANON_START;

	anon->used -= 4096;
	assert_check_fails(m, "counted");
	anon->used += 4096;

	page = pfn_to_page(m, (unsigned long)(JPEG_START >> 12) + 5);
	ClearPageFlag(page, PG_mmz);
	assert_check_fails(m, "pfn 0x1c005");
	SetPageFlag(page, PG_mmz);
	assert_consistent(m);
	machine_destroy(m);
}

/* ------------------------------------------------------------------ */
/* A randomized run against a model                                    */

struct model_block {
	uint64_t phys, size;
	int pid;
	char name[8];
};

static uint64_t rng_state; /* test_randomized seeds it */

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

#define MODEL_MAX 400

static const char *const zones[] = {NULL, "", "anonymous", "jpeg"};

static void model_alloc(struct machine *m, struct model_block *model,
			unsigned int *nr)
{
	struct model_block *b = &model[*nr];
	const char *zone = zones[rnd() % 4];
	uint64_t pages = rnd() % 4 ? 1 + rnd() % 64 : 1 + rnd() % 8192;
	uint64_t phys = 0, size = 0;
	int err, owner = -1;

	b->size = pages * 4096 - rnd() % 4096;
	b->pid = (int)(rnd() % 3);
	snprintf(b->name, sizeof(b->name), "b%u", (unsigned int)(rnd() % 50));
	m->current_pid = b->pid;
	err = mmz_alloc(m, zone, b->name, b->size, 4096UL << (rnd() % 6),
			&phys);
	if (err) {
		assert_int_equal(err, -ENOMEM);
		return;
	}
	b->phys = phys;
	b->size = pages * 4096;
	assert_int_equal(mmz_owner_of(m, phys, b->size, &owner), 0);
	assert_int_equal(owner, b->pid);
	assert_int_equal(mmz_find(m, b->name, &phys, &size), 0);
	++*nr;
}

static void model_free(struct machine *m, struct model_block *model,
		       unsigned int *nr, unsigned int i)
{
	m->current_pid = model[i].pid + 1;
	assert_int_equal(mmz_free(m, model[i].phys), -EPERM);
	m->current_pid = model[i].pid;
	assert_int_equal(mmz_free(m, model[i].phys), 0);
	model[i] = model[--*nr];
}

static unsigned long model_free_pages(const struct model_block *model,
				      unsigned int nr)
{
	unsigned long used = 0;

	for (unsigned int i = 0; i < nr; i++)
		used += (unsigned long)(model[i].size >> 12);
	return 65536 - used;
}

static void test_randomized(void **state)
{
	struct machine *m = boot_embedded();
	static struct model_block model[MODEL_MAX];
	unsigned int nr = 0;

	(void)state;
	rng_state = test_seed("mmz randomized", 0x2545f4914f6cdd1dULL);
	if (!rng_state) /* xorshift stays at 0 */
		rng_state = 1;
	for (int op = 0; op < 10000; op++) {
		unsigned int dice = (unsigned int)(rnd() % 1000);

		if (dice < 550 && nr < MODEL_MAX) {
			model_alloc(m, model, &nr);
		} else if (dice < 997 && nr) {
			model_free(m, model, &nr, (unsigned int)(rnd() % nr));
		} else {
			int pid = (int)(rnd() % 3);
			unsigned long expected = 0;

			for (unsigned int i = 0; i < nr;)
				if (model[i].pid == pid) {
					model[i] = model[--nr];
					expected++;
				} else {
					i++;
				}
			assert_int_equal(mmz_release(m, pid), expected);
		}
		if (op % 200 == 0) {
			assert_consistent(m);
			assert_int_equal(mmz_free_pages(m),
					 model_free_pages(model, nr));
		}
	}
	while (nr)
		model_free(m, model, &nr, nr - 1);
	assert_int_equal(mmz_free_pages(m), 65536);
	assert_consistent(m);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout_matches_the_shipped_file),
		cmocka_unit_test(test_boot_listing_and_meminfo),
		cmocka_unit_test(test_listing_of_a_small_scenario),
		cmocka_unit_test(test_highmem_region_has_no_kvirt),
		cmocka_unit_test(test_kvirt_reads_the_block),
		cmocka_unit_test(test_first_fit_by_address),
		cmocka_unit_test(test_any_region_spills_in_layout_order),
		cmocka_unit_test(test_find_by_name),
		cmocka_unit_test(test_owner_of),
		cmocka_unit_test(test_release_frees_only_that_pid),
		cmocka_unit_test(test_bad_alloc),
		cmocka_unit_test(test_bad_free),
		cmocka_unit_test(test_no_regions),
		cmocka_unit_test(test_checker_catches_corruption),
		cmocka_unit_test(test_randomized),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
