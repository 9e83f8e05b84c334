/* SPDX-License-Identifier: MIT */
/*
 * schema.h - every key a layout file may hold, for config/ only.
 *
 * Owns: the one table of sections and keys, where each value lives in
 * struct layout, and how each kind of value is read and written. The
 * loader and the emitter both walk it, so a key added here is loaded,
 * printed and round-tripped at once. Must never: know about YAML nodes or
 * events, or hold state.
 */
#ifndef MM_CONFIG_SCHEMA_H
#define MM_CONFIG_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum cfg_kind {
	CK_STR,	     /* char[width] */
	CK_ARCH,     /* enum mm_arch by name */
	CK_ZONE,     /* enum zone_type by name */
	CK_SIZE,     /* bytes; printed as 16M when exact */
	CK_ADDR,     /* an address; read like a size, printed in hex */
	CK_COUNT,    /* a whole number, decimal or 0x hex */
	CK_MINFREE,  /* int64: "auto" (-1) or a whole number */
	CK_MODE,     /* file mode bits; "0660" reads as octal */
	CK_CPULIST,  /* a CPU bitmap, written as a cpulist: "0-1,4" */
	CK_DISTANCE, /* struct layout_distance: "10 20", as nodeN/distance */
	CK_NODE,     /* uint32: "any" (LAYOUT_CMA_ANY_NODE) or a node number */
};

struct cfg_field {
	const char *key;
	enum cfg_kind kind;
	size_t off;    /* in struct layout, or in one item of a list */
	size_t width;  /* bytes of storage: 4 or 8, or the string's buffer */
	bool optional; /* a list item may leave it out (item_init's value) */
};

struct cfg_section {
	const char *key;
	const struct cfg_field *fields;
	unsigned int nr_fields;
	/* Lists only: the count, the array, one item, and the limit. */
	bool is_list;
	size_t count_off, array_off, item_size;
	unsigned int max;
	const char *item; /* "zone": what one item is called */
	/* Lists with optional fields: an item's values before loading. */
	void (*item_init)(void *item);
};

extern const struct cfg_section cfg_sections[];
extern const unsigned int cfg_nr_sections;

const struct cfg_section *cfg_find_section(const char *key);
const struct cfg_field *cfg_find_field(const struct cfg_section *s,
				       const char *key);

/* "name, arch, page_size ..." for messages about unknown keys. */
void cfg_list_keys(const struct cfg_section *s, char *buf, size_t len);

/* "machine, zones, ... or limits": every section, in the table's order. */
void cfg_list_sections(char *buf, size_t len);

/* What a field expects, for "expected a size, got a list". */
const char *cfg_kind_what(enum cfg_kind kind);

/*
 * Read text into the field at base + f->off. Returns 0, or -EINVAL with a
 * sentence saying what is wrong in why.
 */
int cfg_parse_value(const struct cfg_field *f, const char *text, void *base,
		    char *why, size_t len);

/*
 * Write the field at base + f->off as text; *quote says whether it must
 * be quoted to read back as the same string.
 */
void cfg_format_value(const struct cfg_field *f, const void *base, char *buf,
		      size_t len, bool *quote);

/* The nodes: section's two kinds (schema_numa.c). */
int cfg_parse_cpulist(const char *text, uint64_t *cpus, char *why, size_t len);
void cfg_format_cpulist(const uint64_t *cpus, char *buf, size_t len);
int cfg_parse_distance(const char *text, void *dst, char *why, size_t len);
void cfg_format_distance(const void *src, char *buf, size_t len);

#endif /* MM_CONFIG_SCHEMA_H */
