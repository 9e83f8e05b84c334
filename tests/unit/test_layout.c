/* SPDX-License-Identifier: MIT */
/*
 * test_layout.c - layouts built in C: names, defaults, derived zones, and
 * every validation rule, each broken on its own and asserted by the exact
 * key and message it must produce.
 *
 * The bases are the built-in default (x86_64, 5G, PCI hole), a 2G i386
 * machine with HighMem, and a 512M i386 board with MMZ; each bad case
 * changes one thing in a base, which validates clean on its own.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/layout.h"

static void zone(struct layout *l, unsigned int i, enum zone_type type,
		 uint64_t start, uint64_t end)
{
	l->zones[i].type = type;
	l->zones[i].start = start;
	l->zones[i].end = end;
}

static void region(struct layout_region *r, const char *name, uint64_t start,
		   uint64_t size)
{
	snprintf(r->name, sizeof(r->name), "%s", name);
	r->start = start;
	r->size = size;
}

static void base_x86_64(struct layout *l)
{
	layout_default(l);
}

static void base_i386(struct layout *l)
{
	layout_set_defaults(l, ARCH_I386);
	l->memory = 2 * GiB;
	l->nr_zones = 3;
	zone(l, 0, ZONE_DMA, 0, 16 * MiB);
	zone(l, 1, ZONE_NORMAL, 16 * MiB, 896 * MiB);
	zone(l, 2, ZONE_HIGHMEM, 896 * MiB, 2 * GiB);
	l->nr_holes = 1;
	l->holes[0].start = 0xA0000;
	l->holes[0].size = 0x60000;
	layout_resolve(l);
}

static void base_mmz(struct layout *l)
{
	layout_set_defaults(l, ARCH_I386);
	l->memory = 512 * MiB;
	l->kernel.image_size = 4 * MiB;
	l->nr_mmz = 2;
	region(&l->mmz[0], "anonymous", 256 * MiB, 192 * MiB);
	region(&l->mmz[1], "jpeg", 448 * MiB, 64 * MiB);
	l->nr_devices = 2;
	region(&l->devices[0], "uart0", 0x20000000, 64 * KiB);
	region(&l->devices[1], "vedu", 0x20100000, 1 * MiB);
	layout_resolve(l);
}

static void assert_valid(const struct layout *l)
{
	struct layout_errors errs;

	if (layout_validate(l, &errs) != 0)
		fail_msg("%s: %s (and %u more)", errs.err[0].key,
			 errs.err[0].msg, errs.nr - 1);
}

static void test_bases_validate(void **state)
{
	void (*bases[])(struct layout *) = {base_x86_64, base_i386, base_mmz};
	struct layout l;

	(void)state;
	for (unsigned int i = 0; i < 3; i++) {
		bases[i](&l);
		assert_valid(&l);
	}
}

static void test_names(void **state)
{
	enum mm_arch arch;
	enum zone_type type;

	(void)state;
	assert_string_equal(arch_name(ARCH_X86_64), "x86_64");
	assert_string_equal(arch_name(ARCH_I386), "i386");
	assert_string_equal(arch_name(NR_ARCHES), "unknown");
	assert_int_equal(arch_from_name("i386", &arch), 0);
	assert_int_equal(arch, ARCH_I386);
	assert_int_equal(arch_from_name("x86_64", &arch), 0);
	assert_int_equal(arch, ARCH_X86_64);
	assert_int_equal(arch_from_name("arm64", &arch), -EINVAL);
	assert_int_equal(arch_from_name("", &arch), -EINVAL);

	const char *zones[] = {"DMA", "DMA32", "Normal", "HighMem", "Movable"};

	for (int z = 0; z < MAX_NR_ZONES; z++) {
		assert_string_equal(zone_type_name((enum zone_type)z),
				    zones[z]);
		assert_int_equal(zone_type_from_name(zones[z], &type), 0);
		assert_int_equal(type, z);
	}
	assert_int_equal(zone_type_from_name("highmem", &type), 0);
	assert_int_equal(type, ZONE_HIGHMEM);
	assert_int_equal(zone_type_from_name("Device", &type), -EINVAL);
	assert_string_equal(zone_type_name(MAX_NR_ZONES), "unknown");
}

static void test_defaults_x86_64(void **state)
{
	struct layout l;

	(void)state;
	layout_set_defaults(&l, ARCH_X86_64);
	assert_string_equal(l.name, "default");
	assert_int_equal(l.arch, ARCH_X86_64);
	assert_int_equal(l.page_size, 4096);
	assert_int_equal(l.nr_cpus, 2);
	assert_int_equal(l.memory, 5 * GiB);
	assert_int_equal(l.seed, 1);
	assert_int_equal(l.nr_zones, 0); /* derived by layout_resolve */
	assert_int_equal(l.nr_holes, 0);
	assert_int_equal(l.max_order, 10);
	assert_int_equal(l.min_free_kbytes, -1);
	assert_int_equal(l.watermark_scale_factor, 10);
	assert_int_equal(l.swap_size, 1 * GiB);
	assert_int_equal(l.kernel.image_start, 16 * MiB);
	assert_int_equal(l.kernel.image_size, 16 * MiB);
	assert_int_equal(l.kernel.page_offset, 0xffff888000000000ULL);
	assert_int_equal(l.kernel.vmalloc_start, 0xffffc90000000000ULL);
	assert_int_equal(l.kernel.vmalloc_size, 32 * TiB);
	assert_int_equal(l.kernel.pkmap_slots, 0);
	assert_int_equal(l.kernel.kmap_atomic_slots, 16);
	assert_int_equal(l.kernel.task_size, 0x7ffffffff000ULL);
	assert_int_equal(l.kernel.init_on_alloc, 1);
	assert_int_equal(l.nr_mmz, 0);
	assert_int_equal(l.nr_devices, 0);
	assert_string_equal(l.daemon.socket, "/run/mmd/mmd.sock");
	assert_int_equal(l.daemon.socket_mode, 0660);
	assert_string_equal(l.daemon.socket_group, "");
	assert_string_equal(l.daemon.admin_group, "");
	assert_int_equal(l.daemon.max_clients, 128);
	assert_int_equal(l.daemon.max_frame_bytes, 1 * MiB);
	assert_int_equal(l.daemon.hello_timeout_ms, 10000);
	assert_int_equal(l.daemon.frame_timeout_ms, 10000);
	assert_int_equal(l.daemon.idle_timeout_ms, 0);
	assert_int_equal(l.limits.pages, 0); /* derived by layout_resolve */
	assert_int_equal(l.limits.objects, 1048576);
	assert_int_equal(l.limits.requests, 256);
	/* These too are derived, from memory, slots and max_clients. */
	assert_int_equal(l.limits.processes, 0);
	assert_int_equal(l.limits.kmap, 0);
	assert_int_equal(l.daemon.admin_clients, 0);
	assert_int_equal(l.daemon.max_clients_per_uid, 0);
}

/*
 * What layout_resolve derives: RLIMIT_NPROC's default (half of
 * max_threads, which an eighth of memory in kernel stacks would make,
 * below the pid space), half of each shared kmap pool, an eighth of the
 * vmalloc area, a sixteenth of the client slots kept for admins and a
 * quarter for one user.
 */
static void test_resolved_limits(void **state)
{
	struct layout l;

	(void)state;
	layout_default(&l); /* 5G of x86_64: 40960 threads, capped */
	assert_int_equal(l.limits.processes, 16383);
	assert_int_equal(l.limits.kmap, 1); /* no pkmap on x86_64 */
	assert_int_equal(l.limits.kmap_atomic, 8);
	assert_int_equal(l.limits.vmap_space, 4 * TiB);
	assert_int_equal(l.daemon.admin_clients, 8);
	assert_int_equal(l.daemon.max_clients_per_uid, 32);
	layout_set_defaults(&l, ARCH_I386);
	l.memory = 64 * MiB;
	l.daemon.max_clients = 4;
	layout_resolve(&l);
	assert_int_equal(l.limits.processes, 512); /* 64M / (8 * 8K) / 2 */
	assert_int_equal(l.limits.kmap, 512);
	assert_int_equal(l.limits.vmap_space, 14 * MiB);
	assert_int_equal(l.daemon.admin_clients, 1);
	assert_int_equal(l.daemon.max_clients_per_uid, 1);
	assert_int_equal(layout_validate(&l, NULL), 0);
	/* A value given is kept; one that leaves no room is refused. */
	l.daemon.admin_clients = 4;
	assert_int_equal(layout_validate(&l, NULL), -EINVAL);
	l.daemon.admin_clients = 3;
	l.daemon.max_clients_per_uid = 5;
	assert_int_equal(layout_validate(&l, NULL), -EINVAL);
	l.daemon.max_clients_per_uid = 4;
	l.limits.vmap_space = 4096;
	assert_int_equal(layout_validate(&l, NULL), -EINVAL);
	l.limits.vmap_space = 8192;
	assert_int_equal(layout_validate(&l, NULL), 0);
	l.kernel.init_on_alloc = 2;
	assert_int_equal(layout_validate(&l, NULL), -EINVAL);
	l.kernel.init_on_alloc = 0;
	assert_int_equal(layout_validate(&l, NULL), 0);
	layout_set_defaults(&l, ARCH_X86_64);
	l.memory = 1 * MiB;
	layout_resolve(&l);
	assert_int_equal(l.limits.processes, 10); /* at least 20 threads */
}

static void test_defaults_i386(void **state)
{
	struct layout l;

	(void)state;
	layout_set_defaults(&l, ARCH_I386);
	assert_int_equal(l.arch, ARCH_I386);
	assert_int_equal(l.memory, 1 * GiB);
	assert_int_equal(l.swap_size, 512 * MiB);
	assert_int_equal(l.kernel.image_size, 8 * MiB);
	assert_int_equal(l.kernel.page_offset, 0xC0000000);
	assert_int_equal(l.kernel.vmalloc_start, 0xF8800000);
	assert_int_equal(l.kernel.vmalloc_size, 112 * MiB);
	assert_int_equal(l.kernel.pkmap_slots, 1024);
	assert_int_equal(l.kernel.task_size, 0xC0000000);
	layout_resolve(&l);
	assert_valid(&l);
}

/* Two layouts with the same values are the same bytes. */
static void test_set_defaults_zeroes_everything(void **state)
{
	struct layout a, b;

	(void)state;
	memset(&a, 0xA5, sizeof(a));
	memset(&b, 0x5A, sizeof(b));
	layout_set_defaults(&a, ARCH_I386);
	layout_set_defaults(&b, ARCH_I386);
	assert_memory_equal(&a, &b, sizeof(a));
	layout_default(&a);
	layout_default(&b);
	assert_memory_equal(&a, &b, sizeof(a));
}

static void test_default_layout(void **state)
{
	struct layout l;

	(void)state;
	layout_default(&l);
	assert_valid(&l);
	assert_string_equal(l.name, "default");
	assert_int_equal(l.memory, 5 * GiB);
	assert_int_equal(l.nr_zones, 3);
	assert_int_equal(l.zones[0].type, ZONE_DMA);
	assert_int_equal(l.zones[0].end, 16 * MiB);
	assert_int_equal(l.zones[1].type, ZONE_DMA32);
	assert_int_equal(l.zones[1].start, 16 * MiB);
	assert_int_equal(l.zones[1].end, 4 * GiB);
	assert_int_equal(l.zones[2].type, ZONE_NORMAL);
	assert_int_equal(l.zones[2].start, 4 * GiB);
	assert_int_equal(l.zones[2].end, 5 * GiB);
	assert_int_equal(l.nr_holes, 2);
	assert_int_equal(l.holes[0].start, 0xA0000);
	assert_int_equal(l.holes[0].size, 0x60000);
	assert_int_equal(l.holes[1].start, 3 * GiB);
	assert_int_equal(l.holes[1].size, 1 * GiB);
	assert_int_equal(l.nr_devices, 2);
	assert_string_equal(l.devices[0].name, "vga");
	assert_int_equal(l.devices[0].start, 0xA0000);
	assert_int_equal(l.devices[0].size, 128 * KiB);
	assert_string_equal(l.devices[1].name, "pci-bar0");
	assert_int_equal(l.devices[1].start, 0xE0000000);
	assert_int_equal(l.devices[1].size, 16 * MiB);
	assert_int_equal(l.limits.pages, 1310720);
}

struct derived {
	enum mm_arch arch;
	uint64_t memory;
	unsigned int nr;
	struct layout_zone zones[3];
};

/* The zones layout_resolve gives when a layout names none. */
static void test_resolve_derives_zones(void **state)
{
	static const struct derived cases[] = {
		{ARCH_X86_64, 8 * MiB, 1, {{ZONE_DMA, 0, 8 * MiB}}},
		{ARCH_X86_64,
		 2 * GiB,
		 2,
		 {{ZONE_DMA, 0, 16 * MiB}, {ZONE_DMA32, 16 * MiB, 2 * GiB}}},
		{ARCH_X86_64,
		 17 * GiB,
		 3,
		 {{ZONE_DMA, 0, 16 * MiB},
		  {ZONE_DMA32, 16 * MiB, 4 * GiB},
		  {ZONE_NORMAL, 4 * GiB, 17 * GiB}}},
		/* Rounded down to a whole 4M block; the rest is in no zone. */
		{ARCH_X86_64,
		 5 * GiB + 2 * MiB,
		 3,
		 {{ZONE_DMA, 0, 16 * MiB},
		  {ZONE_DMA32, 16 * MiB, 4 * GiB},
		  {ZONE_NORMAL, 4 * GiB, 5 * GiB}}},
		{ARCH_I386,
		 512 * MiB,
		 2,
		 {{ZONE_DMA, 0, 16 * MiB}, {ZONE_NORMAL, 16 * MiB, 512 * MiB}}},
		{ARCH_I386,
		 896 * MiB,
		 2,
		 {{ZONE_DMA, 0, 16 * MiB}, {ZONE_NORMAL, 16 * MiB, 896 * MiB}}},
		{ARCH_I386,
		 3 * GiB,
		 3,
		 {{ZONE_DMA, 0, 16 * MiB},
		  {ZONE_NORMAL, 16 * MiB, 896 * MiB},
		  {ZONE_HIGHMEM, 896 * MiB, 3 * GiB}}},
	};

	(void)state;
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct derived *c = &cases[i];
		struct layout l;

		layout_set_defaults(&l, c->arch);
		l.memory = c->memory;
		layout_resolve(&l);
		assert_int_equal(l.nr_zones, c->nr);
		for (unsigned int z = 0; z < c->nr; z++) {
			assert_int_equal(l.zones[z].type, c->zones[z].type);
			assert_int_equal(l.zones[z].start, c->zones[z].start);
			assert_int_equal(l.zones[z].end, c->zones[z].end);
		}
		assert_int_equal(l.limits.pages, c->memory / 4096);
	}
}

/* Given zones and limits are the layout's own: resolve leaves them. */
static void test_resolve_keeps_given_values(void **state)
{
	struct layout l;

	(void)state;
	layout_set_defaults(&l, ARCH_X86_64);
	l.nr_zones = 1;
	zone(&l, 0, ZONE_DMA32, 0, 64 * MiB);
	l.limits.pages = 7;
	layout_resolve(&l);
	assert_int_equal(l.nr_zones, 1);
	assert_int_equal(l.zones[0].end, 64 * MiB);
	assert_int_equal(l.limits.pages, 7);
}

static void test_error_add_caps_at_max(void **state)
{
	struct layout_errors errs = {0};

	(void)state;
	for (int i = 0; i < LAYOUT_MAX_ERRORS + 5; i++)
		layout_error_add(&errs, "machine.cpus", "error %d", i);
	assert_int_equal(errs.nr, LAYOUT_MAX_ERRORS);
	assert_string_equal(errs.err[0].key, "machine.cpus");
	assert_string_equal(errs.err[0].msg, "error 0");
	assert_string_equal(errs.err[15].msg, "error 15");
}

/* ---- one broken rule per case ---------------------------------------- */

#define M(fn, body)                                                            \
	static void fn(struct layout *l)                                       \
	{                                                                      \
		body;                                                          \
	}

M(name_empty, l->name[0] = '\0')
M(name_long, memset(l->name, 'a', sizeof(l->name)))
M(page_size_odd, l->page_size = 3000)
M(page_size_8k, l->page_size = 8192)
M(cpus_zero, l->nr_cpus = 0)
M(cpus_many, l->nr_cpus = 1000)
M(memory_zero, l->memory = 0)
M(memory_unaligned, l->memory = 5 * GiB + 100)
M(memory_i386_8g, l->memory = 8 * GiB; l->zones[2].end = 4 * GiB)
M(memory_x86_2t, l->memory = 2 * TiB; l->zones[2].end = 2 * TiB)
M(zones_none, l->nr_zones = 0)
M(zone_empty, l->zones[1].end = l->zones[1].start)
M(zone_end_unaligned, l->zones[2].end = 5 * GiB - 1 * MiB)
M(zone_start_unaligned, l->zones[1].start = 17 * MiB)
M(zone_type_order, l->zones[1].type = ZONE_HIGHMEM;
  l->zones[2].type = ZONE_NORMAL)
M(zone_twice, l->zones[2].type = ZONE_NORMAL)
M(zone_address_order, zone(l, 1, ZONE_NORMAL, 896 * MiB, 2 * GiB);
  zone(l, 2, ZONE_HIGHMEM, 16 * MiB, 896 * MiB))
M(zone_overlap, l->zones[1].start = 8 * MiB)
M(zone_outside_memory, l->zones[2].end = 6 * GiB)
M(zone_highmem_x86, l->zones[2].type = ZONE_HIGHMEM)
M(zone_dma32_i386, l->zones[1].type = ZONE_DMA32)
M(zone_dma_high, l->zones[0].end = 32 * MiB; l->zones[1].start = 32 * MiB)
M(zone_dma32_high, l->zones[1].end = 4 * GiB + 4 * MiB;
  l->zones[2].start = 4 * GiB + 4 * MiB)
M(zone_block_order, l->max_order = 13) /* 32M blocks: DMA ends at 16M */
M(hole_empty, l->holes[0].size = 0)
M(hole_unaligned, l->holes[0].start = 0xA0001)
M(hole_size_unaligned, l->holes[0].size = 0x60001)
M(hole_outside, l->holes[1].start = 6 * GiB)
M(hole_past_end, l->holes[1].start = 4 * GiB + 512 * MiB;
  l->holes[1].size = 1 * GiB)
M(hole_overlap, l->holes[1].start = 0xC0000; l->holes[1].size = 1 * MiB)
M(max_order_big, l->max_order = 16)
M(min_free_negative, l->min_free_kbytes = -2)
M(wsf_zero, l->watermark_scale_factor = 0)
M(wsf_big, l->watermark_scale_factor = 3001)
M(swap_unaligned, l->swap_size = 1 * GiB + 512)
M(image_unaligned, l->kernel.image_start = 16 * MiB + 1)
M(image_empty, l->kernel.image_size = 0)
M(image_size_unaligned, l->kernel.image_size = 16 * MiB + 1)
M(image_in_hole, l->kernel.image_start = 3 * GiB)
M(image_outside, l->kernel.image_start = 5 * GiB)
M(image_past_end, l->kernel.image_start = 5 * GiB - 8 * MiB)
M(image_in_gap, zone(l, 1, ZONE_NORMAL, 64 * MiB, 896 * MiB))
M(direct_map_too_big, l->nr_zones = 2; l->zones[1].end = 2 * GiB)
M(page_offset_unaligned, l->kernel.page_offset += 1)
M(vmalloc_overlaps_map, l->kernel.vmalloc_start = 0xffff888100000000ULL)
M(vmalloc_unaligned, l->kernel.vmalloc_start += 1)
M(vmalloc_empty, l->kernel.vmalloc_size = 0)
M(vmalloc_wraps, l->kernel.vmalloc_start = 0xffffff0000000000ULL)
M(vmalloc_past_4g, l->kernel.vmalloc_size = 256 * MiB)
M(pkmap_past_4g, l->kernel.vmalloc_size = 119 * MiB)
M(pkmap_none, l->kernel.pkmap_slots = 0)
M(kmap_atomic_zero, l->kernel.kmap_atomic_slots = 0)
M(kmap_atomic_many, l->kernel.kmap_atomic_slots = 65)
M(task_zero, l->kernel.task_size = 0)
M(task_unaligned, l->kernel.task_size = 0x7fffffffe001ULL)
M(task_above_offset, l->kernel.task_size = 0xD0000000)
M(task_above_x86_max, l->kernel.task_size = 0x800000000000ULL)
M(mmz_name_empty, l->mmz[0].name[0] = '\0')
M(mmz_name_long, memset(l->mmz[0].name, 'm', sizeof(l->mmz[0].name)))
M(mmz_name_twice, strcpy(l->mmz[1].name, "anonymous"))
M(mmz_empty, l->mmz[1].size = 0)
M(mmz_unaligned, l->mmz[1].start += 2048)
M(mmz_size_unaligned, l->mmz[1].size -= 2048)
M(mmz_outside, l->mmz[1].size = 128 * MiB)
M(mmz_above_memory, l->mmz[1].start = 512 * MiB)
M(mmz_overlap, l->mmz[1].start = 400 * MiB)
M(mmz_on_kernel, l->mmz[0].start = 12 * MiB)
M(mmz_in_hole, l->nr_holes = 1; l->holes[0].start = 300 * MiB;
  l->holes[0].size = 4 * MiB)
M(mmz_in_gap, l->zones[1].end = 448 * MiB)
M(device_in_ram, l->devices[0].start = 0x1000000)
M(device_half_in_ram, l->devices[0].start = 511 * MiB;
  l->devices[0].size = 2 * MiB)
M(device_above_4g, l->devices[1].start = 4 * GiB)
M(device_above_46_bits, l->devices[1].start = 1ULL << 46)
M(device_overlap, l->devices[1].start = 0x20000000)
M(device_name_twice, strcpy(l->devices[1].name, "uart0"))
M(device_empty, l->devices[0].size = 0)
M(device_wraps, l->devices[1].start = 0xfffffffffff00000ULL)
M(socket_empty, l->daemon.socket[0] = '\0')
M(socket_long, memset(l->daemon.socket, 's', sizeof(l->daemon.socket)))
M(socket_mode_big, l->daemon.socket_mode = 01777)
M(socket_group_long,
  memset(l->daemon.socket_group, 'g', sizeof(l->daemon.socket_group)))
M(admin_group_long,
  memset(l->daemon.admin_group, 'g', sizeof(l->daemon.admin_group)))
M(max_clients_zero, l->daemon.max_clients = 0)
M(frame_small, l->daemon.max_frame_bytes = 63)
M(frame_big, l->daemon.max_frame_bytes = 64 * MiB + 1)
M(pages_zero, l->limits.pages = 0)
M(objects_zero, l->limits.objects = 0)
M(requests_zero, l->limits.requests = 0)

struct bad_case {
	const char *name;
	void (*base)(struct layout *);
	void (*change)(struct layout *);
	const char *key;
	const char *msg;
};

#define X base_x86_64
#define I base_i386
#define E base_mmz
#define BAD(base, fn, key, msg)                                                \
	{                                                                      \
#fn, base, fn, key, msg                                        \
	}

static const struct bad_case bad_cases[] = {
	BAD(X, name_empty, "machine.name", "name is empty"),
	BAD(X, name_long, "machine.name",
	    "over-long name; at most 31 characters"),
	BAD(X, page_size_odd, "machine.page_size",
	    "page size 3000 is not a power of two"),
	BAD(I, page_size_8k, "machine.page_size",
	    "page size 8192 is not supported by i386 (4096)"),
	BAD(X, cpus_zero, "machine.cpus", "zero CPUs; a machine needs one"),
	BAD(X, cpus_many, "machine.cpus",
	    "absurdly many CPUs (1000); at most 256"),
	BAD(X, memory_zero, "machine.memory", "memory is zero"),
	BAD(X, memory_unaligned, "machine.memory",
	    "memory 5368709220 is not a multiple of the page size (4K)"),
	BAD(I, memory_i386_8g, "machine.memory",
	    "memory 8G is more than 4G, all i386 can address without PAE"),
	BAD(X, memory_x86_2t, "machine.memory",
	    "memory 2T is more than 1T, the most an x86_64 layout may have"),
	BAD(X, zones_none, "zones", "no zones; a machine needs at least one"),
	BAD(X, zone_empty, "zones[1].end",
	    "end 16M is not above start 0x1000000"),
	BAD(X, zone_end_unaligned, "zones[2].end",
	    "end 5119M is not aligned to the largest buddy block (4M)"),
	BAD(X, zone_start_unaligned, "zones[1].start",
	    "start 0x1100000 is not aligned to the largest buddy block (4M)"),
	BAD(I, zone_type_order, "zones[2].name",
	    "the Normal zone is out of order; it must come before HighMem"),
	BAD(I, zone_twice, "zones[2].name",
	    "a second Normal zone; each zone type may appear once"),
	BAD(I, zone_address_order, "zones[2].start",
	    "the HighMem zone is out of order; it starts below Normal"),
	BAD(X, zone_overlap, "zones[1].start",
	    "start 0x800000 overlaps the DMA zone, which ends at 16M"),
	BAD(X, zone_outside_memory, "zones[2].end",
	    "end 6G is outside memory (5G)"),
	BAD(X, zone_highmem_x86, "zones[2].name",
	    "x86_64 has no HighMem zone; it maps all memory"),
	BAD(I, zone_dma32_i386, "zones[1].name", "i386 has no DMA32 zone"),
	BAD(X, zone_dma_high, "zones[0].end",
	    "the DMA zone ends at 32M, above 16M"),
	BAD(X, zone_dma32_high, "zones[1].end",
	    "the DMA32 zone ends at 4100M, above 4G"),
	BAD(X, zone_block_order, "zones[0].end",
	    "end 16M is not aligned to the largest buddy block (32M)"),
	BAD(X, hole_empty, "holes[0].size", "size is zero"),
	BAD(X, hole_unaligned, "holes[0].start",
	    "start 0xa0001 is not page-aligned"),
	BAD(X, hole_size_unaligned, "holes[0].size",
	    "size 393217 is not a multiple of the page size"),
	BAD(X, hole_outside, "holes[1].start",
	    "start 0x180000000 is outside memory (5G)"),
	BAD(X, hole_past_end, "holes[1].size",
	    "the hole runs past the end of memory (5G)"),
	BAD(X, hole_overlap, "holes[1].start", "the hole overlaps holes[0]"),
	BAD(X, max_order_big, "buddy.max_order", "max_order 16 is above 15"),
	BAD(X, min_free_negative, "watermarks.min_free_kbytes",
	    "min_free_kbytes -2 is negative"),
	BAD(X, wsf_zero, "watermarks.watermark_scale_factor",
	    "watermark_scale_factor 0 is outside 1..3000"),
	BAD(X, wsf_big, "watermarks.watermark_scale_factor",
	    "watermark_scale_factor 3001 is outside 1..3000"),
	BAD(X, swap_unaligned, "swap.size",
	    "swap size 1073742336 is not a multiple of the page size"),
	BAD(X, image_unaligned, "kernel.image_start",
	    "image_start 0x1000001 is not page-aligned"),
	BAD(X, image_empty, "kernel.image_size", "image_size is zero"),
	BAD(X, image_size_unaligned, "kernel.image_size",
	    "image_size 16777217 is not a multiple of the page size"),
	BAD(X, image_in_hole, "kernel.image_start",
	    "the kernel image overlaps holes[1], where there is no RAM"),
	BAD(X, image_outside, "kernel.image_start",
	    "the kernel image is outside memory (5G)"),
	BAD(X, image_past_end, "kernel.image_size",
	    "the kernel image runs past the end of memory (5G)"),
	BAD(I, image_in_gap, "kernel.image_start",
	    "the kernel image is not inside a zone"),
	BAD(I, direct_map_too_big, "kernel.page_offset",
	    "the direct map of 2G of low memory at 0xc0000000 runs past the "
	    "end of the address space; put memory above 896M in a HighMem "
	    "zone"),
	BAD(X, page_offset_unaligned, "kernel.page_offset",
	    "page_offset 0xffff888000000001 is not page-aligned"),
	BAD(X, vmalloc_overlaps_map, "kernel.vmalloc_start",
	    "the vmalloc area at 0xffff888100000000 overlaps the direct map "
	    "[0xffff888000000000, 0xffff888140000000)"),
	BAD(X, vmalloc_unaligned, "kernel.vmalloc_start",
	    "vmalloc_start 0xffffc90000000001 is not page-aligned"),
	BAD(X, vmalloc_empty, "kernel.vmalloc_size",
	    "vmalloc_size 0 is not a positive multiple of the page size"),
	BAD(X, vmalloc_wraps, "kernel.vmalloc_size",
	    "the vmalloc area runs past the end of the address space"),
	BAD(I, vmalloc_past_4g, "kernel.vmalloc_size",
	    "the vmalloc area runs past the end of the address space"),
	BAD(I, pkmap_past_4g, "kernel.pkmap_slots",
	    "1024 pkmap slots after the vmalloc area do not fit below 4G"),
	BAD(I, pkmap_none, "kernel.pkmap_slots",
	    "a HighMem zone needs at least one pkmap slot"),
	BAD(X, kmap_atomic_zero, "kernel.kmap_atomic_slots",
	    "kmap_atomic_slots 0 is outside 1..64"),
	BAD(X, kmap_atomic_many, "kernel.kmap_atomic_slots",
	    "kmap_atomic_slots 65 is outside 1..64"),
	BAD(X, task_zero, "kernel.task_size",
	    "task_size 0x0 is not a positive multiple of the page size"),
	BAD(X, task_unaligned, "kernel.task_size",
	    "task_size 0x7fffffffe001 is not a positive multiple of the page "
	    "size"),
	BAD(I, task_above_offset, "kernel.task_size",
	    "task_size 0xd0000000 is above page_offset 0xc0000000"),
	BAD(X, task_above_x86_max, "kernel.task_size",
	    "task_size 0x800000000000 is above 0x7ffffffff000, the top of "
	    "x86_64 user space"),
	BAD(E, mmz_name_empty, "mmz[0].name", "name is empty"),
	BAD(E, mmz_name_long, "mmz[0].name",
	    "over-long name; at most 31 characters"),
	BAD(E, mmz_name_twice, "mmz[1].name",
	    "a second region named 'anonymous'"),
	BAD(E, mmz_empty, "mmz[1].size", "size is zero"),
	BAD(E, mmz_unaligned, "mmz[1].start",
	    "start 0x1c000800 is not page-aligned"),
	BAD(E, mmz_size_unaligned, "mmz[1].size",
	    "size 65534K is not a multiple of the page size"),
	BAD(E, mmz_outside, "mmz[1].size",
	    "the region runs past the end of memory (512M)"),
	BAD(E, mmz_above_memory, "mmz[1].start",
	    "the region is outside memory (512M)"),
	BAD(E, mmz_overlap, "mmz[1].start",
	    "the region overlaps mmz[0] 'anonymous'"),
	BAD(E, mmz_on_kernel, "mmz[0].start",
	    "the region overlaps the kernel image"),
	BAD(E, mmz_in_hole, "mmz[0].start",
	    "the region overlaps holes[0], where there is no RAM"),
	BAD(E, mmz_in_gap, "mmz[1].start", "the region is not inside a zone"),
	BAD(E, device_in_ram, "devices[0].start",
	    "the region overlaps RAM; a device must sit in a hole or above "
	    "memory"),
	BAD(E, device_half_in_ram, "devices[0].start",
	    "the region overlaps RAM; a device must sit in a hole or above "
	    "memory"),
	BAD(E, device_above_4g, "devices[1].start",
	    "the region is above 4G, the top of i386's physical address "
	    "space"),
	BAD(X, device_above_46_bits, "devices[1].start",
	    "the region is above 64T, the top of x86_64's physical address "
	    "space"),
	BAD(E, device_overlap, "devices[1].start",
	    "the region overlaps devices[0] 'uart0'"),
	BAD(E, device_name_twice, "devices[1].name",
	    "a second region named 'uart0'"),
	BAD(E, device_empty, "devices[0].size", "size is zero"),
	BAD(X, device_wraps, "devices[1].size",
	    "the region runs past the end of the address space"),
	BAD(X, socket_empty, "daemon.socket", "socket path is empty"),
	BAD(X, socket_long, "daemon.socket",
	    "socket path is 108 bytes or longer"),
	BAD(X, socket_mode_big, "daemon.socket_mode",
	    "socket_mode 01777 has bits outside 0777"),
	BAD(X, socket_group_long, "daemon.socket_group",
	    "over-long name; at most 31 characters"),
	BAD(X, admin_group_long, "daemon.admin_group",
	    "over-long name; at most 31 characters"),
	BAD(X, max_clients_zero, "daemon.max_clients", "max_clients is zero"),
	BAD(X, frame_small, "daemon.max_frame_bytes",
	    "max_frame_bytes 63 is outside 64..64M"),
	BAD(X, frame_big, "daemon.max_frame_bytes",
	    "max_frame_bytes 67108865 is outside 64..64M"),
	BAD(X, pages_zero, "limits.pages", "pages is zero"),
	BAD(X, objects_zero, "limits.objects", "objects is zero"),
	BAD(X, requests_zero, "limits.requests", "requests is zero"),
};

/* Each case: its base is clean; the change gives this error first. */
static void test_bad_layouts(void **state)
{
	unsigned int n = sizeof(bad_cases) / sizeof(bad_cases[0]);

	(void)state;
	for (unsigned int i = 0; i < n; i++) {
		const struct bad_case *c = &bad_cases[i];
		struct layout_errors errs;
		struct layout l;

		c->base(&l);
		c->change(&l);
		if (layout_validate(&l, &errs) != -EINVAL)
			fail_msg("%s: validated clean", c->name);
		if (strcmp(errs.err[0].key, c->key) != 0 ||
		    strcmp(errs.err[0].msg, c->msg) != 0)
			fail_msg("%s: got \"%s: %s\", expected \"%s: %s\"",
				 c->name, errs.err[0].key, errs.err[0].msg,
				 c->key, c->msg);
	}
	print_message("%u bad layouts, each refused as expected\n", n);
}

/* Validation reports every problem, in the order of a layout file. */
static void test_reports_all_errors(void **state)
{
	struct layout_errors errs;
	struct layout l;

	(void)state;
	layout_default(&l);
	l.nr_cpus = 0;
	l.swap_size = 1;
	l.daemon.max_clients = 0;
	assert_int_equal(layout_validate(&l, &errs), -EINVAL);
	assert_int_equal(errs.nr, 3);
	assert_string_equal(errs.err[0].key, "machine.cpus");
	assert_string_equal(errs.err[1].key, "swap.size");
	assert_string_equal(errs.err[2].key, "daemon.max_clients");
}

static void test_errors_stop_at_max(void **state)
{
	struct layout_errors errs;
	struct layout l;

	(void)state;
	base_mmz(&l);
	l.name[0] = '\0';
	l.nr_cpus = 0;
	l.watermark_scale_factor = 0;
	l.swap_size = 1;
	l.kernel.kmap_atomic_slots = 0;
	for (unsigned int i = 0; i < 2; i++) {
		l.mmz[i].name[0] = '\0';
		l.mmz[i].size = 0;
		l.devices[i].name[0] = '\0';
		l.devices[i].size = 0;
	}
	l.daemon.socket[0] = '\0';
	l.daemon.max_clients = 0;
	l.daemon.max_frame_bytes = 0;
	l.limits.objects = 0;
	l.limits.requests = 0;
	assert_int_equal(layout_validate(&l, &errs), -EINVAL);
	assert_int_equal(errs.nr, LAYOUT_MAX_ERRORS);
	assert_string_equal(errs.err[0].key, "machine.name");
}

/* A layout with no holes may still put a device above memory. */
static void test_device_above_memory_is_fine(void **state)
{
	struct layout l;

	(void)state;
	layout_default(&l);
	l.nr_devices = 1;
	region(&l.devices[0], "far", 8 * GiB, 1 * MiB);
	assert_valid(&l);
	/* Straddling a hole and the end of memory counts as outside RAM. */
	l.nr_holes = 1;
	l.holes[0].start = 5 * GiB - 4 * MiB;
	l.holes[0].size = 4 * MiB;
	l.zones[2].end = 5 * GiB - 4 * MiB;
	region(&l.devices[0], "straddle", 5 * GiB - 4 * MiB, 8 * MiB);
	assert_valid(&l);
}

/* Gaps between zones are allowed; their frames are simply not present. */
static void test_zone_gaps_allowed(void **state)
{
	struct layout l;

	(void)state;
	layout_default(&l);
	l.zones[1].end = 3 * GiB;
	assert_valid(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bases_validate),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_defaults_x86_64),
		cmocka_unit_test(test_defaults_i386),
		cmocka_unit_test(test_resolved_limits),
		cmocka_unit_test(test_set_defaults_zeroes_everything),
		cmocka_unit_test(test_default_layout),
		cmocka_unit_test(test_resolve_derives_zones),
		cmocka_unit_test(test_resolve_keeps_given_values),
		cmocka_unit_test(test_error_add_caps_at_max),
		cmocka_unit_test(test_bad_layouts),
		cmocka_unit_test(test_reports_all_errors),
		cmocka_unit_test(test_errors_stop_at_max),
		cmocka_unit_test(test_device_above_memory_is_fine),
		cmocka_unit_test(test_zone_gaps_allowed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
