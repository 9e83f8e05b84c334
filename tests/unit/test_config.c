/* SPDX-License-Identifier: MIT */
/*
 * test_config.c - YAML layouts: sizes, the loader's defaults and forms,
 * every kind of bad file pointed at its exact line, column and key, and
 * print-config output that loads back to the same bytes and prints the
 * same text.
 *
 * Shipped layouts are read from config/ relative to the working
 * directory; tests/run.sh runs every test from the top of the tree.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config/config.h"
#include "core/layout.h"

static const char *const shipped[] = {
	"config/x86_64.yaml",	    "config/i386-highmem.yaml",
	"config/embedded-mmz.yaml", "config/x86_64-1t.yaml",
	"config/x86_64-cma.yaml",
};

/* Load from a C string; every caller gets a zeroed struct to fill. */
static int load(const char *yaml, struct layout *l, struct config_errors *e)
{
	memset(l, 0, sizeof(*l));
	memset(e, 0, sizeof(*e));
	return config_load_string("t.yaml", yaml, strlen(yaml), l, e);
}

static void assert_loads(const char *yaml, struct layout *l)
{
	struct config_errors errs;
	char line[640];

	if (load(yaml, l, &errs) != 0) {
		config_error_format(&errs.err[0], line, sizeof(line));
		fail_msg("%s", line);
	}
}

/* The text config_emit prints; the caller frees it. */
static char *emit(const struct layout *l)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(config_emit(l, f), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* ---- sizes ---------------------------------------------------------- */

struct size_case {
	const char *text;
	int err;
	uint64_t val;
};

static void test_parse_size(void **state)
{
	static const struct size_case cases[] = {
		{"0", 0, 0},
		{"4096", 0, 4096},
		{"0x1000", 0, 4096},
		{"0XfF", 0, 255},
		{"0xffff888000000000", 0, 0xffff888000000000ULL},
		{"16K", 0, 16 * KiB},
		{"16KiB", 0, 16 * KiB},
		{"16M", 0, 16 * MiB},
		{"16MiB", 0, 16 * MiB},
		{"1G", 0, GiB},
		{"1GiB", 0, GiB},
		{"17G", 0, 17 * GiB},
		{"1T", 0, TiB},
		{"1TiB", 0, TiB},
		{"0016M", 0, 16 * MiB},
		{"16777215T", 0, 16777215 * TiB},
		{"18446744073709551615", 0, UINT64_MAX},
		{"0xffffffffffffffff", 0, UINT64_MAX},
		{"", -EINVAL, 0},
		{"-1", -EINVAL, 0},
		{"-4K", -EINVAL, 0},
		{"+1", -EINVAL, 0},
		{"1.5G", -EINVAL, 0},
		{"16MB", -EINVAL, 0},
		{"16m", -EINVAL, 0},
		{"16 M", -EINVAL, 0},
		{" 16", -EINVAL, 0},
		{"16Mi", -EINVAL, 0},
		{"K", -EINVAL, 0},
		{"0x", -EINVAL, 0},
		{"0x1M", -EINVAL, 0},
		{"0xg", -EINVAL, 0},
		{"12abc", -EINVAL, 0},
		{"1e6", -EINVAL, 0},
		{"18446744073709551616", -ERANGE, 0},
		{"16777216T", -ERANGE, 0},
		{"0x10000000000000000", -ERANGE, 0},
		{"99999999999999999999999K", -ERANGE, 0},
	};

	(void)state;
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 12345;
		int err = config_parse_size(cases[i].text, &v);

		if (err != cases[i].err)
			fail_msg("'%s': got %d, expected %d", cases[i].text,
				 err, cases[i].err);
		if (!err && v != cases[i].val)
			fail_msg("'%s': got %llu", cases[i].text,
				 (unsigned long long)v);
		if (err)
			assert_int_equal(v, 12345); /* untouched */
	}
}

static void test_format_size(void **state)
{
	static const struct {
		uint64_t val;
		const char *text;
	} cases[] = {
		{0, "0"},
		{1, "1"},
		{1023, "1023"},
		{1024, "1K"},
		{1536, "1536"},
		{0x60000, "384K"},
		{16 * MiB, "16M"},
		{GiB, "1G"},
		{17 * GiB, "17G"},
		{5119 * MiB, "5119M"},
		{TiB, "1T"},
		{1024 * TiB, "1024T"},
		{UINT64_MAX, "18446744073709551615"},
	};
	char buf[32];

	(void)state;
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t back;

		layout_format_size(cases[i].val, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].text);
		assert_int_equal(config_parse_size(buf, &back), 0);
		assert_int_equal(back, cases[i].val);
	}
}

/* ---- loading -------------------------------------------------------- */

static void test_empty_file_is_the_defaults(void **state)
{
	struct layout l, want;

	(void)state;
	layout_set_defaults(&want, ARCH_X86_64);
	layout_resolve(&want);
	assert_loads("", &l);
	assert_memory_equal(&l, &want, sizeof(l));
	assert_loads("# nothing but a comment\n", &l);
	assert_memory_equal(&l, &want, sizeof(l));
	assert_loads("machine:\nzones:\nkernel: ~\n", &l);
	assert_memory_equal(&l, &want, sizeof(l));
}

/* Defaults follow machine.arch wherever it is written in the section. */
static void test_arch_read_first(void **state)
{
	struct layout l;

	(void)state;
	assert_loads("swap: {size: 256M}\n"
		     "machine:\n"
		     "  memory: 2G\n"
		     "  arch: i386\n",
		     &l);
	assert_int_equal(l.arch, ARCH_I386);
	assert_int_equal(l.swap_size, 256 * MiB);
	assert_int_equal(l.kernel.page_offset, 0xC0000000);
	assert_int_equal(l.kernel.image_size, 8 * MiB);
	assert_int_equal(l.kernel.pkmap_slots, 1024);
	assert_int_equal(l.nr_zones, 3);
	assert_int_equal(l.zones[1].type, ZONE_NORMAL);
	assert_int_equal(l.zones[1].end, 896 * MiB);
	assert_int_equal(l.zones[2].type, ZONE_HIGHMEM);
	assert_int_equal(l.zones[2].end, 2 * GiB);
	assert_int_equal(l.limits.pages, 2 * GiB / 4096);
}

static void test_zones_replace_defaults(void **state)
{
	struct layout l;

	(void)state;
	assert_loads("machine: {memory: 64M}\n"
		     "zones:\n"
		     "  - {name: dma32, start: 0, end: 64M}\n",
		     &l);
	assert_int_equal(l.nr_zones, 1);
	assert_int_equal(l.zones[0].type, ZONE_DMA32);
	assert_int_equal(l.zones[0].start, 0);
	assert_int_equal(l.zones[0].end, 64 * MiB);
}

/*
 * An asymmetric distance table loads, as Linux's slit_valid takes one:
 * node 2 is 21 from node 0, node 0 31 from node 2.
 */
static void test_asymmetric_distances_load(void **state)
{
	struct layout l;

	(void)state;
	assert_loads(
		"machine: {memory: 1536M, cpus: 3}\n"
		"nodes:\n"
		"  - {start: 0, end: 512M, cpus: \"0\", distance: \"10 21 "
		"31\"}\n"
		"  - {start: 512M, end: 1G, cpus: \"1\", distance: \"21 10 "
		"21\"}\n"
		"  - {start: 1G, end: 1536M, cpus: \"2\", distance: \"21 31 "
		"10\"}\n",
		&l);
	assert_int_equal(l.nr_nodes, 3);
	assert_int_equal(l.nodes[0].distance.to[2], 31);
	assert_int_equal(l.nodes[2].distance.to[0], 21);
}

static void test_value_forms(void **state)
{
	static const struct {
		const char *yaml;
		uint32_t mode;
	} modes[] = {
		{"daemon: {socket_mode: 0660}\n", 0660},
		{"daemon: {socket_mode: \"0660\"}\n", 0660},
		{"daemon: {socket_mode: '0600'}\n", 0600},
		{"daemon: {socket_mode: 0o750}\n", 0750},
		{"daemon: {socket_mode: 432}\n", 0660},
		{"daemon: {socket_mode: 0}\n", 0},
	};
	struct layout l;

	(void)state;
	for (unsigned int i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		assert_loads(modes[i].yaml, &l);
		assert_int_equal(l.daemon.socket_mode, modes[i].mode);
	}
	assert_loads("watermarks: {min_free_kbytes: auto}\n", &l);
	assert_int_equal(l.min_free_kbytes, -1);
	assert_loads("watermarks: {min_free_kbytes: 1024}\n", &l);
	assert_int_equal(l.min_free_kbytes, 1024);
	assert_loads("machine: {name: \"my box\", seed: 0xdeadbeef}\n"
		     "daemon: {socket_group: \"\", admin_group: wheel}\n",
		     &l);
	assert_string_equal(l.name, "my box");
	assert_int_equal(l.seed, 0xdeadbeef);
	assert_string_equal(l.daemon.socket_group, "");
	assert_string_equal(l.daemon.admin_group, "wheel");
	assert_loads("mmz: []\nholes: []\ndevices: []\n", &l);
	assert_int_equal(l.nr_mmz + l.nr_holes + l.nr_devices, 0);
	/* An anchor and an alias are just the same value twice. */
	assert_loads("machine: {memory: &m 2G}\nswap: {size: *m}\n", &l);
	assert_int_equal(l.swap_size, 2 * GiB);
}

/* ---- bad files: exact place, key and message ------------------------ */

struct bad_yaml {
	const char *name;
	const char *yaml;
	unsigned int line, column;
	const char *key;
	const char *msg;
};

#define SIZE_FORMS                                                             \
	"is not a size (a whole number of bytes, 0x hex, or with K, M, G, "    \
	"T, KiB, MiB, GiB, TiB)"

/* Every section of the schema, as the unknown-section error lists them. */
#define SECTIONS                                                               \
	"machine, zones, holes, nodes, buddy, watermarks, swap, slab, "        \
	"kernel, mmz, "                                                        \
	"devices, cma, vm, storage, files, daemon or limits"

static const struct bad_yaml bad_yaml[] = {
	{"tab indentation", "machine:\n\tname: x\n", 2, 1, "",
	 "syntax error: found character that cannot start any token (while "
	 "scanning for the next token)"},
	{"unclosed bracket", "zones: [1, 2\nmachine: {}\n", 2, 8, "",
	 "syntax error: did not find expected ',' or ']' (while parsing a "
	 "flow sequence that started at line 1, column 8)"},
	{"unclosed quote", "machine:\n  name: \"box\n", 3, 1, "",
	 "syntax error: found unexpected end of stream (while scanning a "
	 "quoted scalar that started at line 2, column 9)"},
	{"bad indentation", "machine:\n  name: a\n cpus: 2\n", 3, 2, "",
	 "syntax error: did not find expected key (while parsing a block "
	 "mapping that started at line 1, column 1)"},
	{"undefined alias", "swap: {size: *nothing}\n", 1, 14, "",
	 "syntax error: found undefined alias"},
	{"root is a list", "- machine\n- zones\n", 1, 1, "",
	 "a layout is a mapping of sections (machine, zones, ...), not a "
	 "list"},
	{"two documents", "machine: {}\n---\nswap: {}\n", 3, 1, "",
	 "a second YAML document; a layout file holds one"},
	{"unknown section", "machine: {}\ncolour: red\n", 2, 1, "colour",
	 "unknown section (expected " SECTIONS ")"},
	{"unknown key", "machine:\n  name: box\n  colour: red\n", 3, 3,
	 "machine.colour",
	 "unknown key (machine takes name, arch, page_size, cpus, memory, "
	 "seed)"},
	{"unknown key in a zone",
	 "zones:\n  - {name: DMA, start: 0, end: 16M, size: 1}\n", 2, 37,
	 "zones[0].size", "unknown key (zones takes name, start, end)"},
	{"key that is a list", "machine:\n  [a]: 1\n", 2, 3, "machine",
	 "a key must be a word, not a list"},
	{"duplicate key", "machine:\n  cpus: 2\n  cpus: 4\n", 3, 3,
	 "machine.cpus", "duplicate key; it was first given at line 2"},
	{"duplicate section", "swap: {size: 1G}\nswap: {size: 2G}\n", 2, 1,
	 "swap", "duplicate key; it was first given at line 1"},
	{"section is a scalar", "machine: big\n", 1, 10, "machine",
	 "expected a mapping of keys, got a scalar"},
	{"list is a scalar", "zones: DMA\n", 1, 8, "zones",
	 "expected a list of zones, got a scalar"},
	{"list is a mapping", "holes: {start: 0, size: 4K}\n", 1, 8, "holes",
	 "expected a list of holes, got a mapping"},
	{"empty zone list", "zones: []\n", 1, 8, "zones",
	 "no zones; give at least one, or leave zones out for the default "
	 "ones"},
	{"item is a scalar", "holes:\n  - 0xA0000\n", 2, 5, "holes[0]",
	 "expected a hole (a mapping), got a scalar"},
	{"missing key in an item", "zones:\n  - name: DMA\n    start: 0\n", 2,
	 5, "zones[0].end", "missing; every zone needs name, start, end"},
	{"too many holes",
	 "holes: [{start: 0, size: 4K}, {start: 0, size: 4K}, "
	 "{start: 0, size: 4K}, {start: 0, size: 4K}, {start: 0, size: 4K}, "
	 "{start: 0, size: 4K}, {start: 0, size: 4K}, {start: 0, size: 4K}, "
	 "{start: 0, size: 4K}, {start: 0, size: 4K}, {start: 0, size: 4K}, "
	 "{start: 0, size: 4K}, {start: 0, size: 4K}, {start: 0, size: 4K}, "
	 "{start: 0, size: 4K}, {start: 0, size: 4K},\n"
	 "  {start: 0, size: 4K}]\n",
	 2, 3, "holes[16]", "more than 16 holes"},
	{"scalar wanted, mapping given", "machine:\n  memory: {a: 1}\n", 2, 11,
	 "machine.memory", "expected a size, got a mapping"},
	{"scalar wanted, list given", "machine:\n  name: [a, b]\n", 2, 9,
	 "machine.name", "expected a string, got a list"},
	{"value missing", "machine:\n  cpus: 2\n  memory:\nswap: {}\n", 3, 10,
	 "machine.memory", "expected a size, got nothing"},
	{"cpus not a number", "machine:\n  cpus: four\n", 2, 9, "machine.cpus",
	 "'four' is not a whole number"},
	{"cpus with a suffix", "machine:\n  cpus: 4K\n", 2, 9, "machine.cpus",
	 "'4K' is not a whole number"},
	{"cpus past 32 bits", "machine:\n  cpus: 4294967296\n", 2, 9,
	 "machine.cpus", "'4294967296' is too large"},
	{"negative size", "swap:\n  size: -1G\n", 2, 9, "swap.size",
	 "'-1G' is negative"},
	{"fractional size", "machine:\n  memory: 1.5G\n", 2, 11,
	 "machine.memory", "'1.5G' is not a whole number"},
	{"size overflows", "machine:\n  memory: 99999999999T\n", 2, 11,
	 "machine.memory", "'99999999999T' is too large"},
	{"size with junk", "machine:\n  memory: 16MB\n", 2, 11,
	 "machine.memory", "'16MB' " SIZE_FORMS},
	{"address with junk",
	 "zones:\n  - {name: DMA, start: zero, end: 16M}\n", 2, 24,
	 "zones[0].start", "'zero' " SIZE_FORMS},
	{"page size past 32 bits", "machine: {page_size: 4G}\n", 1, 22,
	 "machine.page_size", "'4G' is too large"},
	{"unknown arch", "machine:\n  arch: arm64\n", 2, 9, "machine.arch",
	 "unknown architecture 'arm64' (expected x86_64 or i386)"},
	{"unknown zone", "zones:\n  - {name: Device, start: 0, end: 16M}\n", 2,
	 12, "zones[0].name",
	 "unknown zone 'Device' (expected DMA, DMA32, Normal, HighMem or "
	 "Movable)"},
	{"over-long name",
	 "machine:\n  name: a-name-much-longer-than-31-chars\n", 2, 9,
	 "machine.name", "over-long name; at most 31 characters"},
	{"over-long socket",
	 "daemon:\n  socket: /run/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
	 2, 11, "daemon.socket", "over-long path; at most 107 characters"},
	{"NUL in a name", "machine:\n  name: \"a\\0b\"\n", 2, 9, "machine.name",
	 "the value holds a NUL character"},
	{"socket mode not octal", "daemon:\n  socket_mode: 0999\n", 2, 16,
	 "daemon.socket_mode", "'0999' is not a mode such as \"0660\""},
	{"min_free_kbytes not auto", "watermarks:\n  min_free_kbytes: lots\n",
	 2, 20, "watermarks.min_free_kbytes",
	 "'lots' is not \"auto\" or a whole number"},
	{"min_free_kbytes negative", "watermarks:\n  min_free_kbytes: -1\n", 2,
	 20, "watermarks.min_free_kbytes", "'-1' is negative"},
	/* Semantic errors, placed at the value the file wrote. */
	{"memory not page-sized", "machine:\n  memory: 4097\n", 2, 11,
	 "machine.memory",
	 "memory 4097 is not a multiple of the page size (4K)"},
	{"zero cpus", "machine:\n  name: x\n  cpus: 0\n", 3, 9, "machine.cpus",
	 "zero CPUs; a machine needs one"},
	{"page size for i386", "machine: {arch: i386, page_size: 8K}\n", 1, 34,
	 "machine.page_size", "page size 8192 is not supported by i386 (4096)"},
	{"zone outside memory",
	 "machine: {memory: 1G}\n"
	 "zones:\n"
	 "  - {name: DMA, start: 0, end: 16M}\n"
	 "  - {name: DMA32, start: 16M, end: 2G}\n",
	 4, 36, "zones[1].end", "end 2G is outside memory (1G)"},
	{"zones out of order",
	 "machine: {memory: 1G}\n"
	 "zones:\n"
	 "  - name: DMA32\n"
	 "    start: 16M\n"
	 "    end: 1G\n"
	 "  - name: DMA\n"
	 "    start: 0\n"
	 "    end: 16M\n",
	 6, 11, "zones[1].name",
	 "the DMA zone is out of order; it must come before DMA32"},
	{"hole overlaps a hole",
	 "holes:\n"
	 "  - {start: 0xA0000, size: 384K}\n"
	 "  - {start: 0xC0000, size: 1M}\n",
	 3, 13, "holes[1].start", "the hole overlaps holes[0]"},
	{"mmz on the kernel image",
	 "mmz:\n  - {name: cma, start: 8M, size: 16M}\n", 2, 24, "mmz[0].start",
	 "the region overlaps the kernel image"},
	{"cma size not whole pageblocks", "cma:\n  - {name: dma, size: 3M}\n",
	 2, 23, "cma[0].size",
	 "size 3M is not a multiple of 2M (a pageblock, or a bitmap bit)"},
	{"cma on the kernel image",
	 "cma:\n  - {name: a, size: 4M, base: 16M}\n", 2, 31, "cma[0].base",
	 "the area overlaps the kernel image"},
	{"cma node not a number", "cma:\n  - {name: a, size: 4M, node: x}\n", 2,
	 31, "cma[0].node", "'x' is not \"any\" or a node number"},
	{"cma without a size", "cma:\n  - {name: a, base: 64M}\n", 2, 5,
	 "cma[0].size",
	 "missing; every area needs name, size, base, node, order_per_bit"},
	{"cma names twice",
	 "cma:\n  - {name: a, size: 2M}\n  - {name: a, size: 2M}\n", 3, 12,
	 "cma[1].name", "a second area named 'a'"},
	{"extfrag_threshold above 1000", "vm:\n  extfrag_threshold: 1001\n", 2,
	 22, "vm.extfrag_threshold", "extfrag_threshold 1001 is above 1000"},
	{"compaction_proactiveness above 100",
	 "vm:\n  compaction_proactiveness: 101\n", 2, 29,
	 "vm.compaction_proactiveness",
	 "compaction_proactiveness 101 is above 100"},
	{"device in RAM",
	 "devices:\n  - name: uart\n    start: 0x10000000\n    size: 4K\n", 3,
	 12, "devices[0].start",
	 "the region overlaps RAM; a device must sit in a hole or above "
	 "memory"},
	{"vmalloc over the direct map",
	 "kernel:\n  vmalloc_start: 0xffff888000000000\n", 2, 18,
	 "kernel.vmalloc_start",
	 "the vmalloc area at 0xffff888000000000 overlaps the direct map "
	 "[0xffff888000000000, 0xffff888140000000)"},
	/* Not written in the file: its section, else the top of the file. */
	{"error placed at its section",
	 "machine: {arch: i386, memory: 2G}\n"
	 "zones:\n"
	 "  - {name: DMA, start: 0, end: 16M}\n"
	 "  - {name: Normal, start: 16M, end: 2G}\n"
	 "kernel:\n"
	 "  pkmap_slots: 1024\n",
	 5, 1, "kernel.page_offset",
	 "the direct map of 2G of low memory at 0xc0000000 runs past the end "
	 "of the address space; put memory above 896M in a HighMem zone"},
	{"error placed at the top",
	 "machine:\n  memory: 1G\nbuddy:\n"
	 "  max_order: 13\n",
	 1, 1, "zones[0].end",
	 "end 16M is not aligned to the largest buddy block (32M)"},
};

static void test_bad_yaml(void **state)
{
	unsigned int n = sizeof(bad_yaml) / sizeof(bad_yaml[0]), bad = 0;

	(void)state;
	for (unsigned int i = 0; i < n; i++) {
		const struct bad_yaml *c = &bad_yaml[i];
		const struct config_error *e;
		struct config_errors errs;
		struct layout l;
		int err = load(c->yaml, &l, &errs);

		if (err != -EINVAL || errs.nr == 0) {
			print_error("%s: loaded (%d)\n", c->name, err);
			bad++;
			continue;
		}
		e = &errs.err[0];
		if (e->line != c->line || e->column != c->column ||
		    strcmp(e->key, c->key) || strcmp(e->msg, c->msg) ||
		    strcmp(e->file, "t.yaml")) {
			print_error("%s:\n got  %u:%u: %s: %s\n want %u:%u: "
				    "%s: %s\n",
				    c->name, e->line, e->column, e->key, e->msg,
				    c->line, c->column, c->key, c->msg);
			bad++;
		}
	}
	if (bad)
		fail_msg("%u of %u bad files gave other errors", bad, n);
	print_message("%u bad layout files, each refused as expected\n", n);
}

/*
 * Layout rules broken in a file: every error the file gets, each at the
 * value it names, and nothing else (no error that merely follows from
 * the first).
 */
struct placed_error {
	unsigned int line, column;
	const char *key;
	const char *msg;
};

struct placed_case {
	const char *name;
	const char *yaml;
	unsigned int nr;
	struct placed_error err[2];
};

static const struct placed_case placed[] = {
	{"node distances off Linux's rules",
	 "machine: {memory: 1G, cpus: 2}\n"
	 "nodes:\n"
	 "  - {start: 0, end: 512M, cpus: \"0\", distance: \"10 9\"}\n"
	 "  - {start: 512M, end: 1G, cpus: \"1\", distance: \"9 10\"}\n",
	 2,
	 {{3, 48, "nodes[0].distance",
	   "the distance from node 0 to node 1 is 9; another node's must "
	   "be above 10"},
	  {4, 49, "nodes[1].distance",
	   "the distance from node 1 to node 0 is 9; another node's must "
	   "be above 10"}}},
	{"a node without memory",
	 "machine: {memory: 1G, cpus: 2}\n"
	 "nodes:\n"
	 "  - {start: 0, end: 1G, cpus: \"0\", distance: \"10 21\"}\n"
	 "  - {start: 1G, end: 1G, cpus: \"1\", distance: \"21 10\"}\n",
	 1,
	 {{4, 22, "nodes[1].end",
	   "node 1 has no memory (end 1G is its start): nodes without "
	   "memory (CPU-only nodes) are not supported; give its CPUs to a "
	   "node with memory"}}},
	{"nodes leaving memory out, a CPU twice",
	 "machine: {memory: 1G, cpus: 2}\n"
	 "nodes:\n"
	 "  - {start: 0, end: 512M, cpus: \"0-1\", distance: \"10 20\"}\n"
	 "  - {start: 640M, end: 1G, cpus: \"1\", distance: \"20 10\"}\n",
	 2,
	 {{4, 13, "nodes[1].start",
	   "node 1 starts at 0x28000000; it must start where the node "
	   "before it ends (0x20000000)"},
	  {4, 34, "nodes[1].cpus", "CPU 1 is on node 0 already"}}},
	{"zones overlapping",
	 "machine: {memory: 1G}\n"
	 "zones:\n"
	 "  - {name: DMA, start: 0, end: 16M}\n"
	 "  - {name: DMA32, start: 8M, end: 1G}\n",
	 1,
	 {{4, 26, "zones[1].start",
	   "start 0x800000 overlaps the DMA zone, which ends at 16M"}}},
	{"zones overlapping, block style",
	 "machine:\n"
	 "  memory: 1G\n"
	 "zones:\n"
	 "  - name: DMA\n"
	 "    start: 0\n"
	 "    end: 16M\n"
	 "  - name: DMA32\n"
	 "    start: 12M\n"
	 "    end: 1G\n",
	 1,
	 {{8, 12, "zones[1].start",
	   "start 0xc00000 overlaps the DMA zone, which ends at 16M"}}},
	{"zone end off the largest buddy block",
	 "machine: {memory: 1G}\n"
	 "zones:\n"
	 "  - {name: DMA, start: 0, end: 16M}\n"
	 "  - {name: DMA32, start: 16M, end: 1022M}\n",
	 1,
	 {{4, 36, "zones[1].end",
	   "end 1022M is not aligned to the largest buddy block (4M)"}}},
	{"zone edges off a 32M buddy block",
	 "machine: {memory: 1G}\n"
	 "buddy: {max_order: 13}\n"
	 "zones:\n"
	 "  - {name: DMA, start: 0, end: 16M}\n"
	 "  - {name: DMA32, start: 16M, end: 1G}\n",
	 2,
	 {{4, 32, "zones[0].end",
	   "end 16M is not aligned to the largest buddy block (32M)"},
	  {5, 26, "zones[1].start",
	   "start 0x1000000 is not aligned to the largest buddy block "
	   "(32M)"}}},
	{"page size not a power of two",
	 "machine:\n  page_size: 5000\n",
	 1,
	 {{2, 14, "machine.page_size",
	   "page size 5000 is not a power of two"}}},
	{"absurdly many CPUs",
	 "machine:\n  cpus: 257\n",
	 1,
	 {{2, 9, "machine.cpus", "absurdly many CPUs (257); at most 256"}}},
	{"HighMem on x86_64",
	 "machine: {memory: 2G}\n"
	 "zones:\n"
	 "  - {name: DMA, start: 0, end: 16M}\n"
	 "  - {name: Normal, start: 16M, end: 896M}\n"
	 "  - {name: HighMem, start: 896M, end: 2G}\n",
	 1,
	 {{5, 12, "zones[2].name",
	   "x86_64 has no HighMem zone; it maps all memory"}}},
	{"DMA32 on i386",
	 "machine: {arch: i386, memory: 512M}\n"
	 "zones:\n"
	 "  - {name: DMA, start: 0, end: 16M}\n"
	 "  - {name: DMA32, start: 16M, end: 512M}\n",
	 1,
	 {{4, 12, "zones[1].name", "i386 has no DMA32 zone"}}},
	{"MMZ above memory",
	 "machine: {memory: 1G}\n"
	 "mmz:\n"
	 "  - {name: cma, start: 2G, size: 16M}\n",
	 1,
	 {{3, 24, "mmz[0].start", "the region is outside memory (1G)"}}},
	{"MMZ running past memory",
	 "machine: {memory: 1G}\n"
	 "mmz:\n"
	 "  - {name: cma, start: 1016M, size: 16M}\n",
	 1,
	 {{3, 37, "mmz[0].size",
	   "the region runs past the end of memory (1G)"}}},
	{"MMZ in a hole",
	 "machine: {memory: 1G}\n"
	 "holes:\n"
	 "  - {start: 512M, size: 64M}\n"
	 "mmz:\n"
	 "  - {name: cma, start: 520M, size: 4M}\n",
	 1,
	 {{5, 24, "mmz[0].start",
	   "the region overlaps holes[0], where there is no RAM"}}},
	{"MMZ regions overlapping",
	 "machine: {memory: 1G}\n"
	 "mmz:\n"
	 "  - {name: a, start: 64M, size: 16M}\n"
	 "  - {name: b, start: 72M, size: 16M}\n",
	 1,
	 {{4, 22, "mmz[1].start", "the region overlaps mmz[0] 'a'"}}},
	{"devices overlapping",
	 "machine: {memory: 1G}\n"
	 "devices:\n"
	 "  - {name: uart, start: 0x80000000, size: 4K}\n"
	 "  - {name: gpio, start: 0x80000000, size: 8K}\n",
	 1,
	 {{4, 25, "devices[1].start",
	   "the region overlaps devices[0] 'uart'"}}},
};

static bool placed_matches(const struct config_error *got,
			   const struct placed_error *want)
{
	return got->line == want->line && got->column == want->column &&
	       strcmp(got->key, want->key) == 0 &&
	       strcmp(got->msg, want->msg) == 0 &&
	       strcmp(got->file, "t.yaml") == 0;
}

static void test_layout_errors_placed(void **state)
{
	unsigned int n = sizeof(placed) / sizeof(placed[0]), bad = 0;

	(void)state;
	for (unsigned int i = 0; i < n; i++) {
		const struct placed_case *c = &placed[i];
		struct config_errors errs;
		struct layout l;
		int err = load(c->yaml, &l, &errs);

		if (err != -EINVAL || errs.nr != c->nr) {
			print_error("%s: %d with %u errors, want %u\n", c->name,
				    err, errs.nr, c->nr);
			bad++;
			continue;
		}
		for (unsigned int j = 0; j < c->nr; j++) {
			const struct config_error *e = &errs.err[j];
			const struct placed_error *w = &c->err[j];

			if (placed_matches(e, w))
				continue;
			print_error("%s:\n got  %u:%u: %s: %s\n want %u:%u: "
				    "%s: %s\n",
				    c->name, e->line, e->column, e->key, e->msg,
				    w->line, w->column, w->key, w->msg);
			bad++;
		}
	}
	if (bad)
		fail_msg("%u errors of %u layouts were not as expected", bad,
			 n);
}

/* Each section the unknown-section error names loads, slab among them. */
static void test_unknown_section_lists_sections(void **state)
{
	char names[] = SECTIONS, *save = NULL;
	unsigned int nr = 0;
	struct layout l;

	(void)state;
	for (char *w = strtok_r(names, ", ", &save); w;
	     w = strtok_r(NULL, ", ", &save)) {
		char yaml[64];

		if (strcmp(w, "or") == 0)
			continue;
		snprintf(yaml, sizeof(yaml), "%s:\n", w);
		assert_loads(yaml, &l);
		nr++;
	}
	assert_int_equal(nr, 17);
	assert_loads("slab: {debug: FZ}\n", &l);
	assert_string_equal(l.slub_debug, "FZ");
}

/* Parse errors come several per file, and stop validation. */
static void test_parse_errors_collected(void **state)
{
	struct config_errors errs;
	struct layout l;

	(void)state;
	assert_int_equal(load("machine:\n"
			      "  colour: red\n"
			      "  cpus: many\n"
			      "  memory: 0\n"
			      "zones:\n"
			      "  - {name: Nowhere, start: 0, end: 16M}\n"
			      "swap: [1]\n",
			      &l, &errs),
			 -EINVAL);
	assert_int_equal(errs.nr, 4); /* memory 0 is not checked */
	assert_string_equal(errs.err[0].key, "machine.colour");
	assert_string_equal(errs.err[1].key, "machine.cpus");
	assert_string_equal(errs.err[2].key, "zones[0].name");
	assert_string_equal(errs.err[3].key, "swap");
	assert_int_equal(errs.err[3].line, 7);
	assert_int_equal(errs.err[3].column, 7);
}

/* Semantic errors all come back too, each at its own place. */
static void test_semantic_errors_collected(void **state)
{
	struct config_errors errs;
	struct layout l;

	(void)state;
	assert_int_equal(load("machine:\n"
			      "  cpus: 0\n"
			      "swap:\n"
			      "  size: 1000\n"
			      "daemon:\n"
			      "  max_clients: 0\n",
			      &l, &errs),
			 -EINVAL);
	assert_int_equal(errs.nr, 3);
	assert_int_equal(errs.err[0].line, 2);
	assert_int_equal(errs.err[1].line, 4);
	assert_int_equal(errs.err[2].line, 6);
	assert_string_equal(errs.err[2].key, "daemon.max_clients");
	assert_int_equal(errs.err[2].column, 16);
}

static void test_error_format(void **state)
{
	struct config_error e = {"x.yaml", 3, 7, "zones[1].end",
				 "end 6G is outside memory (5G)"};
	char buf[640];

	(void)state;
	config_error_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "x.yaml:3:7: zones[1].end: end 6G is outside "
				 "memory (5G)");
	e.key[0] = '\0';
	config_error_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "x.yaml:3:7: end 6G is outside memory (5G)");
	e.line = 0;
	config_error_format(&e, buf, sizeof(buf));
	assert_string_equal(buf, "x.yaml: end 6G is outside memory (5G)");
}

/*
 * A value quoted in a message may hold a newline or escape codes: the
 * error still comes out as one printable line (found by fuzz_layout).
 */
static void test_error_is_one_line(void **state)
{
	static const char yaml[] = "daemon: {socket_mode: \"55 and\n\n"
				   "more\\e[31m\"}\n";
	struct config_errors errs;
	struct layout l;
	char line[640];

	(void)state;
	assert_int_equal(load(yaml, &l, &errs), -EINVAL);
	config_error_format(&errs.err[0], line, sizeof(line));
	assert_string_equal(line, "t.yaml:1:23: daemon.socket_mode: '55 and\\n"
				  "more\\x1b[31m' is not a mode such as "
				  "\"0660\"");
	/* Cut short, still a string. */
	config_error_format(&errs.err[0], line, 12);
	assert_string_equal(line, "t.yaml:1:23");
}

static void test_missing_file(void **state)
{
	struct config_errors errs;
	struct layout l;
	char buf[640];

	(void)state;
	assert_int_equal(config_load_file("/nonexistent/mm.yaml", &l, &errs),
			 -ENOENT);
	assert_int_equal(errs.nr, 1);
	config_error_format(&errs.err[0], buf, sizeof(buf));
	assert_string_equal(buf, "/nonexistent/mm.yaml: cannot read the "
				 "layout: No such file or directory");
	assert_int_equal(config_load_file("config", &l, &errs), -EISDIR);
}

/* ---- shipped layouts and print-config ------------------------------- */

static void load_shipped(const char *path, struct layout *l)
{
	struct config_errors errs;
	char line[640];

	memset(l, 0, sizeof(*l));
	if (config_load_file(path, l, &errs) != 0) {
		config_error_format(&errs.err[0], line, sizeof(line));
		fail_msg("%s", line);
	}
}

static void test_shipped_layouts_load(void **state)
{
	struct layout l;

	(void)state;
	load_shipped(shipped[0], &l);
	assert_string_equal(l.name, "workstation");
	assert_int_equal(l.memory, 17 * GiB);
	assert_int_equal(l.nr_cpus, 4);
	assert_int_equal(l.nr_zones, 3);
	assert_int_equal(l.zones[2].end, 17 * GiB);
	assert_int_equal(l.swap_size, 4 * GiB);
	assert_int_equal(l.nr_holes, 2);

	load_shipped(shipped[1], &l);
	assert_int_equal(l.arch, ARCH_I386);
	assert_int_equal(l.memory, 2 * GiB);
	assert_int_equal(l.zones[2].type, ZONE_HIGHMEM);
	assert_int_equal(l.zones[2].start, 896 * MiB);
	assert_int_equal(l.kernel.pkmap_slots, 1024);
	assert_int_equal(l.swap_size, 512 * MiB);

	load_shipped(shipped[2], &l);
	assert_int_equal(l.arch, ARCH_I386);
	assert_int_equal(l.memory, 512 * MiB);
	assert_int_equal(l.kernel.image_size, 4 * MiB);
	assert_int_equal(l.min_free_kbytes, 1024);
	assert_int_equal(l.nr_mmz, 2);
	assert_string_equal(l.mmz[1].name, "jpeg");
	assert_int_equal(l.mmz[1].start, 448 * MiB);
	assert_int_equal(l.nr_devices, 2);
	assert_int_equal(l.swap_size, 64 * MiB);

	load_shipped(shipped[4], &l);
	assert_int_equal(l.nr_cma, 2);
	assert_string_equal(l.cma[0].name, "reserved");
	assert_int_equal(l.cma[0].size, 128 * MiB);
	assert_int_equal(l.cma[0].base, 0);
	assert_int_equal(l.cma[0].node, LAYOUT_CMA_ANY_NODE);
	assert_int_equal(l.cma[1].base, 512 * MiB);
	assert_int_equal(l.cma[1].order_per_bit, 1);
	assert_int_equal(l.vm.watermark_boost_factor, 15000);
}

/* Printed, loaded back, printed again: same struct, same text. */
static void assert_round_trip(const struct layout *l)
{
	struct config_errors errs;
	struct layout back;
	char *text = emit(l), *again, line[640];

	memset(&back, 0, sizeof(back));
	if (config_load_string("printed", text, strlen(text), &back, &errs)) {
		config_error_format(&errs.err[0], line, sizeof(line));
		fail_msg("%s\n%s", line, text);
	}
	assert_memory_equal(l, &back, sizeof(back));
	again = emit(&back);
	assert_string_equal(text, again);
	free(again);
	free(text);
}

static void test_print_config_round_trips(void **state)
{
	struct layout l;

	(void)state;
	layout_default(&l);
	assert_round_trip(&l);
	for (unsigned int i = 0; i < sizeof(shipped) / sizeof(shipped[0]);
	     i++) {
		load_shipped(shipped[i], &l);
		assert_round_trip(&l);
	}
	/* Strings a YAML reader could take for something else. */
	assert_loads("machine: {name: \"yes\", seed: 18446744073709551615}\n"
		     "daemon: {socket_group: \"0660\", admin_group: \"a: b\"}\n"
		     "mmz: [{name: \"null\", start: 64M, size: 4M},\n"
		     "      {name: \"#x\", start: 68M, size: 4K}]\n",
		     &l);
	assert_round_trip(&l);
}

static void test_print_config_text(void **state)
{
	struct layout l;
	char *text;

	(void)state;
	layout_default(&l);
	text = emit(&l);
	assert_non_null(strstr(text, "\nmachine:\n  name: default\n"
				     "  arch: x86_64\n  page_size: 4K\n"));
	assert_non_null(strstr(text, "\nzones:\n"
				     "- {name: DMA, start: 0x0, end: 16M}\n"
				     "- {name: DMA32, start: 0x1000000, end: "
				     "4G}\n"));
	assert_non_null(strstr(text, "  min_free_kbytes: auto\n"));
	assert_non_null(strstr(text, "  page_offset: 0xffff888000000000\n"));
	assert_non_null(strstr(text, "\nmmz: []\n"));
	assert_non_null(strstr(text, "  socket_mode: \"0660\"\n"));
	assert_non_null(strstr(text, "  socket_group: \"\"\n"));
	assert_non_null(strstr(text, "  pages: 1310720\n"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_size),
		cmocka_unit_test(test_format_size),
		cmocka_unit_test(test_empty_file_is_the_defaults),
		cmocka_unit_test(test_arch_read_first),
		cmocka_unit_test(test_zones_replace_defaults),
		cmocka_unit_test(test_asymmetric_distances_load),
		cmocka_unit_test(test_value_forms),
		cmocka_unit_test(test_bad_yaml),
		cmocka_unit_test(test_layout_errors_placed),
		cmocka_unit_test(test_unknown_section_lists_sections),
		cmocka_unit_test(test_parse_errors_collected),
		cmocka_unit_test(test_semantic_errors_collected),
		cmocka_unit_test(test_error_format),
		cmocka_unit_test(test_error_is_one_line),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_shipped_layouts_load),
		cmocka_unit_test(test_print_config_round_trips),
		cmocka_unit_test(test_print_config_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
