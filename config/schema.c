/* SPDX-License-Identifier: MIT */
/*
 * schema.c - the keys of a layout file and how their values read and
 * print.
 *
 * Owns: the section and key table (in the order docs/layout.md and
 * --print-config use), the parsers for sizes, addresses, counts and modes,
 * and their printed forms. Must never: accept a value it cannot print
 * back exactly, or let a string overflow its buffer in struct layout.
 */
#include "config/schema.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "config/config.h"
#include "core/layout.h"

#define FIELD(k, kind, type, member)                                           \
	{                                                                      \
		k, kind, offsetof(type, member), sizeof(((type *)0)->member),  \
			false                                                  \
	}
#define FIELD_OPT(k, kind, type, member)                                       \
	{                                                                      \
		k, kind, offsetof(type, member), sizeof(((type *)0)->member),  \
			true                                                   \
	}
#define L(k, kind, member) FIELD(k, kind, struct layout, member)
#define NR(a)		   (sizeof(a) / sizeof((a)[0]))

static const struct cfg_field machine_fields[] = {
	L("name", CK_STR, name),
	L("arch", CK_ARCH, arch),
	L("page_size", CK_SIZE, page_size),
	L("cpus", CK_COUNT, nr_cpus),
	L("memory", CK_SIZE, memory),
	L("seed", CK_COUNT, seed),
};

static const struct cfg_field zone_fields[] = {
	FIELD("name", CK_ZONE, struct layout_zone, type),
	FIELD("start", CK_ADDR, struct layout_zone, start),
	FIELD("end", CK_SIZE, struct layout_zone, end),
};

static const struct cfg_field node_fields[] = {
	FIELD("start", CK_ADDR, struct layout_node, start),
	FIELD("end", CK_SIZE, struct layout_node, end),
	FIELD("cpus", CK_CPULIST, struct layout_node, cpus),
	FIELD("distance", CK_DISTANCE, struct layout_node, distance),
};

static const struct cfg_field hole_fields[] = {
	FIELD("start", CK_ADDR, struct layout_hole, start),
	FIELD("size", CK_SIZE, struct layout_hole, size),
};

static const struct cfg_field buddy_fields[] = {
	L("max_order", CK_COUNT, max_order),
};

static const struct cfg_field watermark_fields[] = {
	L("min_free_kbytes", CK_MINFREE, min_free_kbytes),
	L("watermark_scale_factor", CK_COUNT, watermark_scale_factor),
};

static const struct cfg_field swap_fields[] = {
	L("size", CK_SIZE, swap_size),
};

static const struct cfg_field vm_fields[] = {
	L("dirty_background_ratio", CK_COUNT, vm.dirty_background_ratio),
	L("dirty_ratio", CK_COUNT, vm.dirty_ratio),
	L("dirty_expire_centisecs", CK_COUNT, vm.dirty_expire_centisecs),
	L("dirty_writeback_centisecs", CK_COUNT, vm.dirty_writeback_centisecs),
	L("swappiness", CK_COUNT, vm.swappiness),
	L("zone_reclaim_mode", CK_COUNT, vm.zone_reclaim_mode),
	L("extfrag_threshold", CK_COUNT, vm.extfrag_threshold),
	L("compaction_proactiveness", CK_COUNT, vm.compaction_proactiveness),
	L("watermark_boost_factor", CK_COUNT, vm.watermark_boost_factor),
};

/* A CMA area: base, node and order_per_bit may be left out. */
static const struct cfg_field cma_fields[] = {
	FIELD("name", CK_STR, struct layout_cma, name),
	FIELD("size", CK_SIZE, struct layout_cma, size),
	FIELD_OPT("base", CK_ADDR, struct layout_cma, base),
	FIELD_OPT("node", CK_NODE, struct layout_cma, node),
	FIELD_OPT("order_per_bit", CK_COUNT, struct layout_cma, order_per_bit),
};

/* Anywhere, on any node, one bit a page, as cma= without @base. */
static void cma_item_init(void *item)
{
	struct layout_cma *a = item;

	a->base = 0;
	a->node = LAYOUT_CMA_ANY_NODE;
	a->order_per_bit = 0;
}

static const struct cfg_field storage_fields[] = {
	L("size", CK_SIZE, storage.size),
	L("sector_size", CK_SIZE, storage.sector_size),
	L("read_cost_ns", CK_COUNT, storage.read_cost_ns),
	L("write_cost_ns", CK_COUNT, storage.write_cost_ns),
};

static const struct cfg_field file_fields[] = {
	FIELD("name", CK_STR, struct layout_file, name),
	FIELD("size", CK_SIZE, struct layout_file, size),
	FIELD("pattern", CK_STR, struct layout_file, pattern),
};

static const struct cfg_field slab_fields[] = {
	L("debug", CK_STR, slub_debug),
};

static const struct cfg_field kernel_fields[] = {
	L("image_start", CK_ADDR, kernel.image_start),
	L("image_size", CK_SIZE, kernel.image_size),
	L("page_offset", CK_ADDR, kernel.page_offset),
	L("vmalloc_start", CK_ADDR, kernel.vmalloc_start),
	L("vmalloc_size", CK_SIZE, kernel.vmalloc_size),
	L("pkmap_slots", CK_COUNT, kernel.pkmap_slots),
	L("kmap_atomic_slots", CK_COUNT, kernel.kmap_atomic_slots),
	L("task_size", CK_ADDR, kernel.task_size),
	L("init_on_alloc", CK_COUNT, kernel.init_on_alloc),
	L("page_owner", CK_COUNT, kernel.page_owner),
	L("debug_atomic_sleep", CK_COUNT, kernel.debug_atomic_sleep),
	L("deferred_struct_page_init", CK_COUNT,
	  kernel.deferred_struct_page_init),
	L("thread_size", CK_SIZE, kernel.thread_size),
};

static const struct cfg_field region_fields[] = {
	FIELD("name", CK_STR, struct layout_region, name),
	FIELD("start", CK_ADDR, struct layout_region, start),
	FIELD("size", CK_SIZE, struct layout_region, size),
};

static const struct cfg_field daemon_fields[] = {
	L("socket", CK_STR, daemon.socket),
	L("socket_mode", CK_MODE, daemon.socket_mode),
	L("socket_group", CK_STR, daemon.socket_group),
	L("admin_group", CK_STR, daemon.admin_group),
	L("max_clients", CK_COUNT, daemon.max_clients),
	L("max_frame_bytes", CK_SIZE, daemon.max_frame_bytes),
	L("admin_clients", CK_COUNT, daemon.admin_clients),
	L("max_clients_per_uid", CK_COUNT, daemon.max_clients_per_uid),
	L("hello_timeout_ms", CK_COUNT, daemon.hello_timeout_ms),
	L("frame_timeout_ms", CK_COUNT, daemon.frame_timeout_ms),
	L("idle_timeout_ms", CK_COUNT, daemon.idle_timeout_ms),
};

static const struct cfg_field limit_fields[] = {
	L("pages", CK_COUNT, limits.pages),
	L("objects", CK_COUNT, limits.objects),
	L("requests", CK_COUNT, limits.requests),
	L("processes", CK_COUNT, limits.processes),
	L("kmap", CK_COUNT, limits.kmap),
	L("kmap_atomic", CK_COUNT, limits.kmap_atomic),
	L("vmap_space", CK_SIZE, limits.vmap_space),
	L("nofile", CK_COUNT, limits.nofile),
	L("memlock", CK_SIZE, limits.memlock),
};

#define SECTION(k, f)                                                          \
	{                                                                      \
		.key = k, .fields = f, .nr_fields = NR(f)                      \
	}
#define LIST(k, f, count, array, what)                                         \
	{                                                                      \
		.key = k, .fields = f, .nr_fields = NR(f), .is_list = true,    \
		.count_off = offsetof(struct layout, count),                   \
		.array_off = offsetof(struct layout, array),                   \
		.item_size = sizeof(((struct layout *)0)->array[0]),           \
		.max = NR(((struct layout *)0)->array), .item = what           \
	}

const struct cfg_section cfg_sections[] = {
	SECTION("machine", machine_fields),
	LIST("zones", zone_fields, nr_zones, zones, "zone"),
	LIST("holes", hole_fields, nr_holes, holes, "hole"),
	LIST("nodes", node_fields, nr_nodes, nodes, "node"),
	SECTION("buddy", buddy_fields),
	SECTION("watermarks", watermark_fields),
	SECTION("swap", swap_fields),
	SECTION("slab", slab_fields),
	SECTION("kernel", kernel_fields),
	LIST("mmz", region_fields, nr_mmz, mmz, "region"),
	LIST("devices", region_fields, nr_devices, devices, "device"),
	{.key = "cma",
	 .fields = cma_fields,
	 .nr_fields = NR(cma_fields),
	 .is_list = true,
	 .count_off = offsetof(struct layout, nr_cma),
	 .array_off = offsetof(struct layout, cma),
	 .item_size = sizeof(struct layout_cma),
	 .max = LAYOUT_MAX_CMA,
	 .item = "area",
	 .item_init = cma_item_init},
	SECTION("vm", vm_fields),
	SECTION("storage", storage_fields),
	LIST("files", file_fields, nr_files, files, "file"),
	SECTION("daemon", daemon_fields),
	SECTION("limits", limit_fields),
};

const unsigned int cfg_nr_sections = NR(cfg_sections);

const struct cfg_section *cfg_find_section(const char *key)
{
	for (unsigned int i = 0; i < cfg_nr_sections; i++)
		if (strcmp(cfg_sections[i].key, key) == 0)
			return &cfg_sections[i];
	return NULL;
}

const struct cfg_field *cfg_find_field(const struct cfg_section *s,
				       const char *key)
{
	for (unsigned int i = 0; i < s->nr_fields; i++)
		if (strcmp(s->fields[i].key, key) == 0)
			return &s->fields[i];
	return NULL;
}

void cfg_list_keys(const struct cfg_section *s, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < s->nr_fields && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 i ? ", " : "", s->fields[i].key);
}

void cfg_list_sections(char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < cfg_nr_sections && used < len; i++) {
		const char *sep = i == 0		     ? ""
				  : i + 1 == cfg_nr_sections ? " or "
							     : ", ";

		used += (size_t)snprintf(buf + used, len - used, "%s%s", sep,
					 cfg_sections[i].key);
	}
}

const char *cfg_kind_what(enum cfg_kind kind)
{
	switch (kind) {
	case CK_STR:
		return "a string";
	case CK_ARCH:
		return "an architecture";
	case CK_ZONE:
		return "a zone name";
	case CK_SIZE:
		return "a size";
	case CK_ADDR:
		return "an address";
	case CK_COUNT:
		return "a whole number";
	case CK_MINFREE:
		return "\"auto\" or a whole number";
	case CK_MODE:
		return "a mode such as \"0660\"";
	case CK_CPULIST:
		return "a CPU list such as \"0-1\"";
	case CK_DISTANCE:
		return "distances such as \"10 20\"";
	case CK_NODE:
		return "\"any\" or a node number";
	}
	return "a value";
}

/* Digits in base 10 or 16 up to the end or to the first non-digit. */
static int parse_digits(const char **sp, unsigned int base, uint64_t *val)
{
	const char *s = *sp;
	uint64_t v = 0;
	int err = 0;

	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned int d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned int)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned int)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned int)(*s - 'A' + 10);
		else
			break;
		if (d >= base)
			break;
		if (v > (UINT64_MAX - d) / base)
			err = -ERANGE; /* keep going: junk still wins */
		else
			v = v * base + d;
	}
	if (s == *sp)
		return -EINVAL;
	*sp = s;
	*val = v;
	return err;
}

/* A whole number: decimal or 0x hex, nothing after it. */
static int parse_count(const char *s, uint64_t *val)
{
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	uint64_t v;
	int err;

	if (hex)
		s += 2;
	err = parse_digits(&s, hex ? 16 : 10, &v);
	if (err == -EINVAL || *s)
		return -EINVAL;
	if (!err)
		*val = v;
	return err;
}

static int size_shift(const char *suffix)
{
	static const struct {
		const char *name;
		int shift;
	} units[] = {
		{"", 0},   {"K", 10},	{"KiB", 10}, {"M", 20},	  {"MiB", 20},
		{"G", 30}, {"GiB", 30}, {"T", 40},   {"TiB", 40},
	};

	for (unsigned int i = 0; i < NR(units); i++)
		if (strcmp(suffix, units[i].name) == 0)
			return units[i].shift;
	return -1;
}

int config_parse_size(const char *s, uint64_t *val)
{
	uint64_t v;
	int shift, err;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return parse_count(s, val); /* hex takes no suffix */
	err = parse_digits(&s, 10, &v);
	if (err == -EINVAL)
		return err;
	shift = size_shift(s);
	if (shift < 0)
		return -EINVAL;
	if (err || (shift && v > (UINT64_MAX >> shift)))
		return -ERANGE;
	*val = v << shift;
	return 0;
}

/* "0660", "0o660" read as octal, as YAML 1.1 and 1.2 would; else decimal. */
static int parse_mode(const char *s, uint64_t *val)
{
	uint64_t v = 0;

	if (s[0] != '0' || s[1] == 'x' || s[1] == 'X' || !s[1])
		return parse_count(s, val);
	s += s[1] == 'o' ? 2 : 1;
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '7')
			return -EINVAL;
		if (v > UINT32_MAX)
			return -ERANGE;
		v = v * 8 + (uint64_t)(*s - '0');
	}
	*val = v;
	return 0;
}

static void store_uint(void *p, size_t width, uint64_t v)
{
	if (width == sizeof(uint32_t)) {
		uint32_t v32 = (uint32_t)v;

		memcpy(p, &v32, sizeof(v32));
	} else {
		memcpy(p, &v, sizeof(v));
	}
}

static uint64_t load_uint(const void *p, size_t width)
{
	uint32_t v32;
	uint64_t v;

	if (width == sizeof(uint32_t)) {
		memcpy(&v32, p, sizeof(v32));
		return v32;
	}
	memcpy(&v, p, sizeof(v));
	return v;
}

static int parse_str(const struct cfg_field *f, const char *text, char *dst,
		     char *why, size_t len)
{
	if (strlen(text) >= f->width) {
		snprintf(why, len, "over-long %s; at most %zu characters",
			 f->width == LAYOUT_SOCKET_MAX ? "path" : "name",
			 f->width - 1);
		return -EINVAL;
	}
	strcpy(dst, text);
	return 0;
}

static int parse_name(const struct cfg_field *f, const char *text, void *dst,
		      char *why, size_t len)
{
	enum mm_arch arch;
	enum zone_type type;

	if (f->kind == CK_ARCH && arch_from_name(text, &arch) == 0) {
		memcpy(dst, &arch, sizeof(arch));
		return 0;
	}
	if (f->kind == CK_ZONE && zone_type_from_name(text, &type) == 0) {
		memcpy(dst, &type, sizeof(type));
		return 0;
	}
	if (f->kind == CK_ARCH)
		snprintf(why, len,
			 "unknown architecture '%.40s' (expected x86_64 or "
			 "i386)",
			 text);
	else
		snprintf(why, len,
			 "unknown zone '%.40s' (expected DMA, DMA32, Normal, "
			 "HighMem or Movable)",
			 text);
	return -EINVAL;
}

/* Why a number did not parse, in words a person can act on. */
static void number_why(const struct cfg_field *f, const char *text, int err,
		       char *why, size_t len)
{
	if (err == -ERANGE)
		snprintf(why, len, "'%.40s' is too large", text);
	else if (text[0] == '-')
		snprintf(why, len, "'%.40s' is negative", text);
	else if (strchr(text, '.'))
		snprintf(why, len, "'%.40s' is not a whole number", text);
	else if (f->kind == CK_SIZE || f->kind == CK_ADDR)
		snprintf(why, len,
			 "'%.40s' is not a size (a whole number of bytes, "
			 "0x hex, or with K, M, G, T, KiB, MiB, GiB, TiB)",
			 text);
	else
		snprintf(why, len, "'%.40s' is not %s", text,
			 cfg_kind_what(f->kind));
}

static int parse_number(const struct cfg_field *f, const char *text,
			uint64_t *v)
{
	switch (f->kind) {
	case CK_SIZE:
	case CK_ADDR:
		return config_parse_size(text, v);
	case CK_MODE:
		return parse_mode(text, v);
	default:
		return parse_count(text, v);
	}
}

int cfg_parse_value(const struct cfg_field *f, const char *text, void *base,
		    char *why, size_t len)
{
	char *dst = (char *)base + f->off;
	uint64_t v = 0;
	int err;

	if (f->kind == CK_STR)
		return parse_str(f, text, dst, why, len);
	if (f->kind == CK_CPULIST)
		return cfg_parse_cpulist(text, (uint64_t *)dst, why, len);
	if (f->kind == CK_DISTANCE)
		return cfg_parse_distance(text, dst, why, len);
	if (f->kind == CK_ARCH || f->kind == CK_ZONE)
		return parse_name(f, text, dst, why, len);
	if (f->kind == CK_NODE && strcmp(text, "any") == 0) {
		store_uint(dst, f->width, LAYOUT_CMA_ANY_NODE);
		return 0;
	}
	if (f->kind == CK_MINFREE && strcmp(text, "auto") == 0) {
		store_uint(dst, f->width, (uint64_t)-1); /* Linux's formula */
		return 0;
	}
	err = parse_number(f, text, &v);
	if (!err && ((f->width == 4 && v > UINT32_MAX) ||
		     (f->kind == CK_MINFREE && v > INT64_MAX)))
		err = -ERANGE;
	if (err) {
		number_why(f, text, err, why, len);
		return -EINVAL;
	}
	store_uint(dst, f->width, v);
	return 0;
}

/* Could this string be misread by a YAML reader if left unquoted? */
static bool needs_quotes(const char *s)
{
	static const char *const words[] = {"y",    "n",   "yes",  "no",
					    "on",   "off", "true", "false",
					    "null", "auto"};

	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
	      *s == '_' || *s == '/'))
		return true;
	for (const char *p = s; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./-",
			    *p))
			return true;
	for (unsigned int i = 0; i < NR(words); i++)
		if (strcasecmp(s, words[i]) == 0)
			return true;
	return false;
}

void cfg_format_value(const struct cfg_field *f, const void *base, char *buf,
		      size_t len, bool *quote)
{
	const char *src = (const char *)base + f->off;
	uint64_t v;

	*quote = false;
	if (f->kind == CK_STR) {
		snprintf(buf, len, "%.*s", (int)strnlen(src, f->width), src);
		*quote = needs_quotes(buf);
		return;
	}
	if (f->kind == CK_CPULIST || f->kind == CK_DISTANCE) {
		if (f->kind == CK_CPULIST)
			cfg_format_cpulist((const uint64_t *)src, buf, len);
		else
			cfg_format_distance(src, buf, len);
		*quote = true;
		return;
	}
	if (f->kind == CK_ARCH || f->kind == CK_ZONE) {
		int e;

		memcpy(&e, src, sizeof(e));
		snprintf(buf, len, "%s",
			 f->kind == CK_ARCH
				 ? arch_name((enum mm_arch)e)
				 : zone_type_name((enum zone_type)e));
		return;
	}
	v = load_uint(src, f->width);
	*quote = f->kind == CK_MODE; /* plain 0660 is decimal to YAML 1.2 */
	if (f->kind == CK_SIZE)
		layout_format_size(v, buf, len);
	else if (f->kind == CK_ADDR)
		snprintf(buf, len, "0x%" PRIx64, v);
	else if (f->kind == CK_MINFREE && (int64_t)v == -1)
		snprintf(buf, len, "auto");
	else if (f->kind == CK_NODE && v == LAYOUT_CMA_ANY_NODE)
		snprintf(buf, len, "any");
	else if (f->kind == CK_MINFREE)
		snprintf(buf, len, "%" PRId64, (int64_t)v);
	else if (f->kind == CK_MODE)
		snprintf(buf, len, "0%03" PRIo64, v);
	else
		snprintf(buf, len, "%" PRIu64, v);
}
