/* SPDX-License-Identifier: MIT */
/*
 * mmctl_json.c - a real kernel's file, read with --input, turned into a
 * JSON document with json-c: /proc/meminfo, buddyinfo, pagetypeinfo,
 * zoneinfo, vmstat, slabinfo, vmallocinfo, /proc/PID/status, maps,
 * smaps, smaps_rollup and numa_maps, debugfs' extfrag_index and
 * unusable_index, sysfs' nodeN/meminfo and nodeN/vmstat, and HiSilicon's
 * /proc/media-mem.
 *
 * Owns: one parser per such file, giving the shape of mmd's data for the
 * same report where the file has its values (meminfo's keys in
 * snake_case ...). Must never: parse mmd's own reports, which come as
 * data (mmctl_data.c); or guess at a line it does not know: the parser
 * fails, naming the line, and mmctl exits 1.
 */
#include "client/mmctl.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 1024

/* Walks a report line by line, copying each into a buffer. */
struct lines {
	const char *next;
	unsigned int nr; /* the current line's number, from 1 */
	bool too_long;	 /* stopped at a line longer than buf */
	char buf[LINE_MAX_LEN];
};

static void lines_init(struct lines *l, const char *text)
{
	l->next = text;
	l->nr = 0;
	l->too_long = false;
}

/* The next line without its newline, or NULL at the end (or too long). */
static char *next_line(struct lines *l)
{
	size_t n;

	if (!l->next || !*l->next)
		return NULL;
	n = strcspn(l->next, "\n");
	l->nr++;
	if (n >= sizeof(l->buf)) {
		l->next = NULL;
		l->too_long = true;
		return NULL;
	}
	memcpy(l->buf, l->next, n);
	l->buf[n] = '\0';
	l->next += n + (l->next[n] == '\n');
	return l->buf;
}

/* Fail: NULL, with "line N: why" in err; the document is released. */
static json_object *parse_error(json_object *doc, const struct lines *l,
				char *err, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static json_object *parse_error(json_object *doc, const struct lines *l,
				char *err, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, len, "line %u: ", l->nr);

	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < len)
		vsnprintf(err + n, len - (size_t)n, fmt, ap);
	va_end(ap);
	json_object_put(doc);
	return NULL;
}

/* A whole decimal number (maybe negative) as JSON, else NULL. */
static json_object *json_number(const char *s)
{
	char *end;

	if (!*s || isspace((unsigned char)*s))
		return NULL;
	errno = 0;
	if (*s == '-') {
		long long v = strtoll(s, &end, 10);

		return errno || *end ? NULL : json_object_new_int64(v);
	}
	if (!isdigit((unsigned char)*s))
		return NULL;
	{
		unsigned long long v = strtoull(s, &end, 10);

		if (errno || *end)
			return NULL;
		return v <= INT64_MAX ? json_object_new_int64((int64_t)v)
				      : json_object_new_uint64(v);
	}
}

static char *skip_spaces(char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return s;
}

static void trim_right(char *s)
{
	size_t n = strlen(s);

	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
}

/* Split s at whitespace into at most max tokens; returns how many. */
static int split(char *s, char **tok, int max)
{
	int n = 0;
	char *save = NULL;

	for (char *t = strtok_r(s, " \t", &save); t;
	     t = strtok_r(NULL, " \t", &save)) {
		if (n == max)
			return max + 1;
		tok[n++] = t;
	}
	return n;
}

/* ------------------------------------------------------------------ */

/*
 * A kernel key as mm.proto names its field: MemTotal mem_total,
 * Active(anon) active_anon, SReclaimable s_reclaimable, NFS_Unstable
 * nfs_unstable (an underscore before an upper-case letter that follows
 * a lower-case one, or that ends a run of capitals).
 */
static void snake_case(const char *key, char *out, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; key[i] && n + 2 < len; i++) {
		unsigned char c = (unsigned char)key[i];
		bool up = isupper(c);

		if (c == ')')
			continue;
		if (c == '(') {
			out[n++] = '_';
			continue;
		}
		if (up && i &&
		    (islower((unsigned char)key[i - 1]) ||
		     (isupper((unsigned char)key[i - 1]) &&
		      islower((unsigned char)key[i + 1]))))
			out[n++] = '_';
		out[n++] = (char)tolower(c);
	}
	out[n] = '\0';
}

/* "MemTotal:        4111936 kB" -> {"mem_total": N}, as mmd's Meminfo */
json_object *meminfo_to_json(const char *text, char *err, size_t len)
{
	json_object *doc = json_object_new_object();
	struct lines l;
	char *line;

	lines_init(&l, text);
	while ((line = next_line(&l))) {
		char *colon = strchr(line, ':'), *tok[3], key[64];
		json_object *v;
		int n;

		if (!colon || colon == line)
			return parse_error(doc, &l, err, len, "no 'Key:'");
		*colon = '\0';
		n = split(colon + 1, tok, 2);
		if (n < 1 || n > 2 || (n == 2 && strcmp(tok[1], "kB")))
			return parse_error(doc, &l, err, len,
					   "not 'Key: N [kB]'");
		v = tok[0][0] == '-' ? NULL : json_number(tok[0]);
		if (!v)
			return parse_error(doc, &l, err, len,
					   "'%s' is not a number", tok[0]);
		snake_case(line, key, sizeof(key));
		json_object_object_add(doc, key, v);
	}
	if (l.too_long)
		return parse_error(doc, &l, err, len, "line too long");
	return doc;
}

/* "0.998" or "-1.000": an index the kernel prints in thousandths, as
 * the number of thousandths (998, -1000), as mm.proto's FragIndexZone. */
static json_object *json_index(const char *s)
{
	const char *p = s + (*s == '-');
	size_t whole = strspn(p, "0123456789");
	long v;

	if (!whole || p[whole] != '.' ||
	    strspn(p + whole + 1, "0123456789") != 3 || p[whole + 4])
		return NULL;
	v = strtol(p, NULL, 10) * 1000 + strtol(p + whole + 1, NULL, 10);
	return json_object_new_int64(*s == '-' ? -v : v);
}

/*
 * Lines of "Node 0, zone      DMA  v0 v1 ..." -> [{node, zone, key:
 * [...]}], each value made by r->value:
 * buddyinfo's free counts, and debugfs's extfrag and unusable indices.
 */
struct node_zone_rows {
	const char *key;		     /* the values' JSON name */
	json_object *(*value)(const char *); /* NULL: not one */
	const char *none, *bad;		     /* the two complaints */
};

static json_object *node_zone_rows_to_json(const char *text,
					   const struct node_zone_rows *r,
					   char *err, size_t len)
{
	json_object *doc = json_object_new_array();
	struct lines l;
	char *line;

	lines_init(&l, text);
	while ((line = next_line(&l))) {
		char zone[32], *tok[64];
		json_object *entry, *values;
		int node, used = 0, n;

		if (sscanf(line, "Node %d, zone %31s %n", &node, zone, &used) !=
			    2 ||
		    !used)
			return parse_error(doc, &l, err, len,
					   "not 'Node N, zone NAME ...'");
		n = split(line + used, tok, 63);
		if (n < 1 || n > 63)
			return parse_error(doc, &l, err, len, "%s", r->none);
		values = json_object_new_array();
		entry = json_object_new_object();
		json_object_object_add(entry, "node",
				       json_object_new_int(node));
		json_object_object_add(entry, "zone",
				       json_object_new_string(zone));
		json_object_object_add(entry, r->key, values);
		json_object_array_add(doc, entry);
		for (int i = 0; i < n; i++) {
			json_object *v = r->value(tok[i]);

			if (!v)
				return parse_error(doc, &l, err, len,
						   "'%s' is not %s", tok[i],
						   r->bad);
			json_object_array_add(values, v);
		}
	}
	if (l.too_long)
		return parse_error(doc, &l, err, len, "line too long");
	return doc;
}

/* "Node 0, zone      DMA      0 ..." -> [{node, zone, free: [...]}] */
json_object *buddyinfo_to_json(const char *text, char *err, size_t len)
{
	static const struct node_zone_rows rows = {"free", json_number,
						   "no free counts", "a count"};

	return node_zone_rows_to_json(text, &rows, err, len);
}

/*
 * A real debugfs extfrag/extfrag_index or extfrag/unusable_index
 * (--input) -> [{node, zone, index: [one per order, in thousandths]}],
 * the shape of mm.proto's ExtfragIndex (mmd's come as that data).
 */
json_object *extfrag_to_json(const char *text, char *err, size_t len)
{
	static const struct node_zone_rows rows = {"index", json_index,
						   "no indices", "an index"};

	return node_zone_rows_to_json(text, &rows, err, len);
}

/* "Page block order: 9" or "Pages per block:  512" into doc. */
static bool pagetypeinfo_header(json_object *doc, const char *line)
{
	unsigned long v;

	if (sscanf(line, "Page block order: %lu", &v) == 1)
		json_object_object_add(doc, "pageblock_order",
				       json_object_new_int64((int64_t)v));
	else if (sscanf(line, "Pages per block: %lu", &v) == 1)
		json_object_object_add(doc, "pages_per_block",
				       json_object_new_int64((int64_t)v));
	else
		return false;
	return true;
}

/* Counts after a line's prefix into a new array, or NULL. */
static json_object *count_array(char *rest, char **bad)
{
	json_object *a = json_object_new_array();
	char *tok[64];
	int n = split(rest, tok, 63);

	*bad = NULL;
	if (n < 1 || n > 63) {
		json_object_put(a);
		return NULL;
	}
	for (int i = 0; i < n; i++) {
		/* '>' marks a list the kernel stopped counting. */
		json_object *v = json_number(tok[i] + (tok[i][0] == '>'));

		if (!v) {
			*bad = tok[i];
			json_object_put(a);
			return NULL;
		}
		json_object_array_add(a, v);
	}
	return a;
}

/*
 * /proc/pagetypeinfo -> {pageblock_order, pages_per_block, free: [{node,
 * zone, type, free: [...]}], blocks: [{node, zone, TYPE: n, ...}]}
 */
json_object *pagetypeinfo_to_json(const char *text, char *err, size_t len)
{
	json_object *doc = json_object_new_object();
	json_object *free_list = json_object_new_array();
	json_object *blocks = json_object_new_array();
	char types[8][16];
	int nr_types = 0;
	struct lines l;
	char *line;

	json_object_object_add(doc, "free", free_list);
	json_object_object_add(doc, "blocks", blocks);
	lines_init(&l, text);
	while ((line = next_line(&l))) {
		char zone[32], type[32], *bad;
		int node, used = 0;
		json_object *entry, *a;

		if (!*line || pagetypeinfo_header(doc, line) ||
		    !strncmp(line, "Free pages count", 16))
			continue;
		if (!strncmp(line, "Number of blocks type", 21)) {
			char *tok[8];

			nr_types = split(line + 21, tok, 8);
			for (int i = 0; i < nr_types; i++)
				snprintf(types[i], sizeof(types[i]), "%s",
					 tok[i]);
			continue;
		}
		if (sscanf(line, "Node %d, zone %31[^,], type %31s %n", &node,
			   zone, type, &used) == 3 &&
		    used) {
			a = count_array(line + used, &bad);
			if (!a && bad)
				return parse_error(doc, &l, err, len,
						   "'%s' is not a count", bad);
			if (!a)
				return parse_error(doc, &l, err, len,
						   "no free counts");
			entry = json_object_new_object();
			json_object_object_add(entry, "node",
					       json_object_new_int(node));
			json_object_object_add(entry, "zone",
					       json_object_new_string(zone));
			json_object_object_add(entry, "type",
					       json_object_new_string(type));
			json_object_object_add(entry, "free", a);
			json_object_array_add(free_list, entry);
			continue;
		}
		used = 0;
		if (sscanf(line, "Node %d, zone %31s %n", &node, zone, &used) !=
			    2 ||
		    !used || !nr_types)
			return parse_error(doc, &l, err, len,
					   "not a pagetypeinfo line");
		a = count_array(line + used, &bad);
		if (!a || json_object_array_length(a) != (size_t)nr_types) {
			json_object_put(a);
			return parse_error(doc, &l, err, len,
					   "not one count per type");
		}
		entry = json_object_new_object();
		json_object_object_add(entry, "node",
				       json_object_new_int(node));
		json_object_object_add(entry, "zone",
				       json_object_new_string(zone));
		for (int i = 0; i < nr_types; i++)
			json_object_object_add(
				entry, types[i],
				json_object_get(
					json_object_array_get_idx(a, i)));
		json_object_put(a);
		json_object_array_add(blocks, entry);
	}
	if (l.too_long)
		return parse_error(doc, &l, err, len, "line too long");
	return doc;
}

/* ---- zoneinfo */

enum zi_section { ZI_ZONE, ZI_NODE_STATS, ZI_PAGES, ZI_PAGESETS };

struct zi_state {
	json_object *zone, *node_stats, *pages, *stats, *pagesets, *pageset;
	enum zi_section section;
};

/* "protection: (0, 3040, 4000, 4000)" -> an array of numbers */
static json_object *zi_protection(char *list)
{
	json_object *a = json_object_new_array();
	char *save = NULL;

	if (*list != '(' || list[strlen(list) - 1] != ')') {
		json_object_put(a);
		return NULL;
	}
	list[strlen(list) - 1] = '\0';
	for (char *t = strtok_r(list + 1, ", ", &save); t;
	     t = strtok_r(NULL, ", ", &save)) {
		json_object *v = json_number(t);

		if (!v) {
			json_object_put(a);
			return NULL;
		}
		json_object_array_add(a, v);
	}
	return a;
}

/* One "key value" or "key: value" line of a zone; 0 or -EINVAL. */
static int zi_field(struct zi_state *z, unsigned int indent, char *line)
{
	char *key = line, *val;
	json_object *v, *into;
	size_t klen = strcspn(line, ": \t");

	if (!klen)
		return -EINVAL;
	val = line + klen;
	if (*val == ':')
		*val++ = '\0';
	else if (*val)
		*val++ = '\0';
	val = skip_spaces(val);
	if (z->section == ZI_PAGES && indent == 8 &&
	    !strcmp(key, "protection")) {
		v = zi_protection(val);
		if (!v)
			return -EINVAL;
		json_object_object_add(z->pages, key, v);
		return 0;
	}
	v = json_number(val);
	if (!v)
		return -EINVAL;
	if (z->section == ZI_NODE_STATS && indent == 6)
		into = z->node_stats;
	else if (z->section == ZI_PAGES && indent == 8)
		into = z->pages;
	else if (z->section == ZI_PAGES && indent == 6)
		into = z->stats;
	else if (z->section == ZI_PAGESETS && indent == 14 && z->pageset)
		into = z->pageset;
	else if (z->section == ZI_PAGESETS && indent == 2 && z->pageset &&
		 !strcmp(key, "vm")) /* "vm stats threshold: N" */
		into = NULL;
	else if (indent == 2)
		into = z->zone;
	else
		into = NULL;
	if (!into) {
		json_object_put(v);
		return -EINVAL;
	}
	json_object_object_add(into, key, v);
	return 0;
}

static void zi_new_object(json_object *parent, const char *key,
			  json_object **slot)
{
	*slot = json_object_new_object();
	json_object_object_add(parent, key, *slot);
}

/*
 * [{node, zone, per_node_stats (first zone only), pages: {free, boost,
 * min, low, high, ..., protection: [...]}, stats: {nr_free_pages ...},
 * pagesets: [{cpu, count, high, batch, vm_stats_threshold}],
 * node_unreclaimable, start_pfn}]
 */
json_object *zoneinfo_to_json(const char *text, char *err, size_t len)
{
	json_object *doc = json_object_new_array();
	struct zi_state z = {0};
	struct lines l;
	char *line;

	lines_init(&l, text);
	while ((line = next_line(&l))) {
		unsigned int indent = (unsigned int)strspn(line, " ");
		char *body = line + indent, zone[32];
		unsigned long long v;
		int node;

		trim_right(body);
		if (sscanf(line, "Node %d, zone %31s", &node, zone) == 2) {
			z = (struct zi_state){0};
			z.zone = json_object_new_object();
			json_object_array_add(doc, z.zone);
			json_object_object_add(z.zone, "node",
					       json_object_new_int(node));
			json_object_object_add(z.zone, "zone",
					       json_object_new_string(zone));
			continue;
		}
		if (!z.zone)
			return parse_error(doc, &l, err, len,
					   "before any 'Node N, zone'");
		if (!strcmp(body, "per-node stats")) {
			zi_new_object(z.zone, "per_node_stats", &z.node_stats);
			z.section = ZI_NODE_STATS;
		} else if (sscanf(body, "pages free %llu", &v) == 1) {
			zi_new_object(z.zone, "pages", &z.pages);
			zi_new_object(z.zone, "stats", &z.stats);
			json_object_object_add(z.pages, "free",
					       json_object_new_uint64(v));
			z.section = ZI_PAGES;
		} else if (!strcmp(body, "pagesets")) {
			z.pagesets = json_object_new_array();
			json_object_object_add(z.zone, "pagesets", z.pagesets);
			z.section = ZI_PAGESETS;
		} else if (z.section == ZI_PAGESETS &&
			   sscanf(body, "cpu: %llu", &v) == 1) {
			z.pageset = json_object_new_object();
			json_object_array_add(z.pagesets, z.pageset);
			json_object_object_add(z.pageset, "cpu",
					       json_object_new_uint64(v));
		} else if (z.section == ZI_PAGESETS && z.pageset &&
			   sscanf(body, "vm stats threshold: %llu", &v) == 1) {
			json_object_object_add(z.pageset, "vm_stats_threshold",
					       json_object_new_uint64(v));
		} else if (zi_field(&z, indent, body)) {
			return parse_error(doc, &l, err, len,
					   "unknown zoneinfo line");
		}
	}
	if (l.too_long)
		return parse_error(doc, &l, err, len, "line too long");
	return doc;
}

/* "nr_free_pages 63411" -> {"nr_free_pages": 63411} */
json_object *vmstat_to_json(const char *text, char *err, size_t len)
{
	json_object *doc = json_object_new_object();
	struct lines l;
	char *line;

	lines_init(&l, text);
	while ((line = next_line(&l))) {
		char *tok[3];
		json_object *v;

		if (split(line, tok, 2) != 2)
			return parse_error(doc, &l, err, len,
					   "not 'name value'");
		v = json_number(tok[1]);
		if (!v)
			return parse_error(doc, &l, err, len,
					   "'%s' is not a number", tok[1]);
		json_object_object_add(doc, tok[0], v);
	}
	if (l.too_long)
		return parse_error(doc, &l, err, len, "line too long");
	return doc;
}

/* ---- slabinfo */

#define SLAB_MAX_COLS 24

/* A header or row token that only separates groups of columns. */
static bool slab_separator(const char *tok)
{
	return !strcmp(tok, ":") || !strcmp(tok, "tunables") ||
	       !strcmp(tok, "slabdata");
}

/* "# name <active_objs> ... : tunables <limit> ..." -> column names */
static int slab_columns(char *header, char names[][32])
{
	char *tok[SLAB_MAX_COLS * 2];
	int n = split(header, tok, SLAB_MAX_COLS * 2 - 1), cols = 0;

	if (n < 2 || n >= SLAB_MAX_COLS * 2 || strcmp(tok[0], "#"))
		return -EINVAL;
	for (int i = 1; i < n; i++) {
		size_t tl = strlen(tok[i]);

		if (slab_separator(tok[i]))
			continue;
		if (cols == SLAB_MAX_COLS || tl >= 32)
			return -EINVAL;
		if (tok[i][0] == '<' && tok[i][tl - 1] == '>') {
			memcpy(names[cols], tok[i] + 1, tl - 2);
			names[cols][tl - 2] = '\0';
		} else {
			memcpy(names[cols], tok[i], tl + 1);
		}
		cols++;
	}
	return cols;
}

/*
 * {"version": "2.1", "caches": [{"name": ..., "active_objs": N, ...}]},
 * the columns named as the header names them, in its order.
 */
json_object *slabinfo_to_json(const char *text, char *err, size_t len)
{
	json_object *doc = json_object_new_object(), *caches;
	char names[SLAB_MAX_COLS][32], version[16];
	struct lines l;
	char *line;
	int cols;

	lines_init(&l, text);
	line = next_line(&l);
	if (!line || sscanf(line, "slabinfo - version: %15s", version) != 1)
		return parse_error(doc, &l, err, len,
				   "not 'slabinfo - version: V'");
	json_object_object_add(doc, "version", json_object_new_string(version));
	line = next_line(&l);
	cols = line ? slab_columns(line, names) : -EINVAL;
	if (cols < 2 || strcmp(names[0], "name"))
		return parse_error(doc, &l, err, len,
				   "not the '# name <active_objs> ...' "
				   "header");
	caches = json_object_new_array();
	json_object_object_add(doc, "caches", caches);
	while ((line = next_line(&l))) {
		char *tok[SLAB_MAX_COLS * 2];
		int n = split(line, tok, SLAB_MAX_COLS * 2 - 1), col = 0;
		json_object *row = json_object_new_object();

		json_object_array_add(caches, row);
		for (int i = 0; i < n && n < SLAB_MAX_COLS * 2; i++) {
			json_object *v;

			if (slab_separator(tok[i]))
				continue;
			if (col == cols)
				break;
			v = col ? json_number(tok[i])
				: json_object_new_string(tok[i]);
			if (!v)
				return parse_error(doc, &l, err, len,
						   "'%s' is not a number",
						   tok[i]);
			json_object_object_add(row, names[col++], v);
		}
		if (col != cols || n >= SLAB_MAX_COLS * 2)
			return parse_error(doc, &l, err, len,
					   "%d columns, the header has %d", col,
					   cols);
	}
	if (l.too_long)
		return parse_error(doc, &l, err, len, "line too long");
	return doc;
}

/* ---- vmallocinfo */

/* A "key=value" token of a vmallocinfo line into the area's object. */
static int vmalloc_key_value(json_object *area, json_object *nodes, char *tok)
{
	char *eq = strchr(tok, '=');
	json_object *v;

	*eq = '\0';
	if (!strncmp(eq + 1, "0x", 2)) {
		v = json_object_new_string(eq + 1);
	} else {
		v = json_number(eq + 1);
		if (!v) {
			*eq = '='; /* the caller names the whole token */
			return -EINVAL;
		}
	}
	/* N0=4: pages on node 0, as the kernel prints them. */
	if (tok[0] == 'N' && isdigit((unsigned char)tok[1]))
		json_object_object_add(nodes, tok, v);
	else
		json_object_object_add(area, tok, v);
	return 0;
}

/*
 * "0xSTART-0xEND SIZE CALLER pid=P pages=N vmalloc N0=N" ->
 * [{start, end, size, caller, pid, pages, phys, flags: [...], nodes}]
 */
json_object *vmallocinfo_to_json(const char *text, char *err, size_t len)
{
	json_object *doc = json_object_new_array();
	struct lines l;
	char *line;

	lines_init(&l, text);
	while ((line = next_line(&l))) {
		char *tok[32], *dash;
		json_object *area, *flags, *nodes, *size;
		int n = split(line, tok, 31);

		if (n < 3 || n > 31)
			return parse_error(doc, &l, err, len,
					   "not 'START-END SIZE CALLER ...'");
		dash = strchr(tok[0], '-');
		size = json_number(tok[1]);
		if (!dash || strncmp(tok[0], "0x", 2) ||
		    strncmp(dash + 1, "0x", 2) || !size) {
			json_object_put(size);
			return parse_error(doc, &l, err, len,
					   "not 'START-END SIZE CALLER ...'");
		}
		*dash = '\0';
		area = json_object_new_object();
		flags = json_object_new_array();
		nodes = json_object_new_object();
		json_object_array_add(doc, area);
		json_object_object_add(area, "start",
				       json_object_new_string(tok[0]));
		json_object_object_add(area, "end",
				       json_object_new_string(dash + 1));
		json_object_object_add(area, "size", size);
		json_object_object_add(area, "caller",
				       json_object_new_string(tok[2]));
		for (int i = 3; i < n; i++) {
			if (!strchr(tok[i], '=')) {
				json_object_array_add(
					flags, json_object_new_string(tok[i]));
			} else if (vmalloc_key_value(area, nodes, tok[i])) {
				json_object_put(flags);
				json_object_put(nodes);
				return parse_error(doc, &l, err, len,
						   "bad value in '%s'", tok[i]);
			}
		}
		json_object_object_add(area, "flags", flags);
		json_object_object_add(area, "nodes", nodes);
	}
	if (l.too_long)
		return parse_error(doc, &l, err, len, "line too long");
	return doc;
}

/* ---- media-mem */

/* The text between after and the first of stop in line, into out. */
static int copy_field(const char *line, const char *after, const char *stop,
		      char *out, size_t len)
{
	const char *p = strstr(line, after);
	size_t n;

	if (!p)
		return -EINVAL;
	p += strlen(after);
	n = strcspn(p, stop);
	if (!p[n] || n >= len)
		return -EINVAL;
	memcpy(out, p, n);
	out[n] = '\0';
	return 0;
}

/* A number field: KEY followed by digits (and a unit the caller names). */
static int number_field(const char *line, const char *key,
			unsigned long long *v)
{
	const char *p = strstr(line, key);
	char *end;

	if (!p || !isdigit((unsigned char)p[strlen(key)]))
		return -EINVAL;
	*v = strtoull(p + strlen(key), &end, 10);
	return 0;
}

static void add_str(json_object *o, const char *key, const char *v)
{
	json_object_object_add(o, key, json_object_new_string(v));
}

static void add_u64(json_object *o, const char *key, unsigned long long v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

/*
 * "+---ZONE: PHYS(0x.., 0x..), GFP=0, nBYTES=NKB,    NAME=\"x\" USED=NKB";
 * USED is looked for after the name, which could hold anything.
 */
static json_object *mmz_zone(const char *line)
{
	char start[24], end[24], name[64];
	unsigned long long gfp, kb, used;
	const char *after_name;
	json_object *z;

	if (copy_field(line, "PHYS(", ",", start, sizeof(start)) ||
	    copy_field(line, ", ", ")", end, sizeof(end)) ||
	    number_field(line, "GFP=", &gfp) ||
	    number_field(line, "nBYTES=", &kb) ||
	    copy_field(line, "NAME=\"", "\"", name, sizeof(name)))
		return NULL;
	after_name = strstr(line, "NAME=\"") + 6 + strlen(name);
	if (strncmp(after_name, "\" USED=", 7) ||
	    number_field(after_name, "USED=", &used))
		return NULL;
	z = json_object_new_object();
	add_str(z, "name", name);
	add_str(z, "phys_start", start);
	add_str(z, "phys_end", end);
	add_u64(z, "gfp", gfp);
	add_u64(z, "size_kb", kb);
	add_u64(z, "used_kb", used);
	json_object_object_add(z, "blocks", json_object_new_array());
	return z;
}

/* "   |-MMB: phys(0x.., 0x..), kvirt=0x.., flags=0x.., length=NKB, ..." */
static json_object *mmz_block(const char *line)
{
	char start[24], end[24], kvirt[24], flags[24], name[64];
	unsigned long long kb, owner;
	json_object *b;

	if (copy_field(line, "phys(", ",", start, sizeof(start)) ||
	    copy_field(line, ", ", ")", end, sizeof(end)) ||
	    copy_field(line, "kvirt=", ",", kvirt, sizeof(kvirt)) ||
	    copy_field(line, "flags=", ",", flags, sizeof(flags)) ||
	    number_field(line, "length=", &kb) ||
	    copy_field(line, "name=\"", "\"", name, sizeof(name)) ||
	    number_field(line, "owner=", &owner))
		return NULL;
	b = json_object_new_object();
	add_str(b, "name", name);
	add_str(b, "phys_start", start);
	add_str(b, "phys_end", end);
	add_str(b, "kvirt", kvirt);
	add_str(b, "flags", flags);
	add_u64(b, "length_kb", kb);
	add_u64(b, "owner", owner);
	return b;
}

/* " total size=NKB(NMB),used=NKB(..),remain=NKB(..),zone_number=N,..." */
static json_object *mmz_usage(const char *line)
{
	static const char *const keys[] = {"total size=", "used=", "remain=",
					   "zone_number=", "block_number="};
	static const char *const names[] = {"total_kb", "used_kb", "remain_kb",
					    "zone_number", "block_number"};
	json_object *u = json_object_new_object();

	for (int i = 0; i < 5; i++) {
		unsigned long long v;

		if (number_field(line, keys[i], &v)) {
			json_object_put(u);
			return NULL;
		}
		add_u64(u, names[i], v);
	}
	return u;
}

/* {"zones": [{name, phys_start, ..., blocks: [...]}], "usage": {...}} */
json_object *media_mem_to_json(const char *text, char *err, size_t len)
{
	json_object *doc = json_object_new_object();
	json_object *zones = json_object_new_array(), *zone = NULL;
	bool usage_next = false;
	struct lines l;
	char *line;

	json_object_object_add(doc, "zones", zones);
	lines_init(&l, text);
	while ((line = next_line(&l))) {
		json_object *o;

		if (usage_next) {
			o = mmz_usage(line);
			if (!o)
				return parse_error(doc, &l, err, len,
						   "not the usage line");
			json_object_object_add(doc, "usage", o);
			usage_next = false;
		} else if (!strncmp(line, "+---ZONE:", 9)) {
			zone = mmz_zone(line);
			if (!zone)
				return parse_error(doc, &l, err, len,
						   "not a ZONE line");
			json_object_array_add(zones, zone);
		} else if (!strncmp(line, "   |-MMB:", 9) && zone) {
			o = mmz_block(line);
			if (!o)
				return parse_error(doc, &l, err, len,
						   "not an MMB line");
			json_object_array_add(
				json_object_object_get(zone, "blocks"), o);
		} else if (!strcmp(line, "---MMZ_USE_INFO:")) {
			usage_next = true;
		} else {
			return parse_error(doc, &l, err, len,
					   "unknown media-mem line");
		}
	}
	if (l.too_long || usage_next ||
	    !json_object_object_get_ex(doc, "usage", NULL))
		return parse_error(doc, &l, err, len, "no usage line");
	return doc;
}

/*
 * /proc/PID/maps: "start-end perms offset dev inode [name]" -> [{"start":
 * N, "end": N, "perms": "rw-p", "offset": N, "dev": "00:00", "inode": N,
 * "name": "[heap]"}], the name "" for an anonymous mapping.
 */
json_object *maps_to_json(const char *text, char *err, size_t len)
{
	json_object *doc = json_object_new_array();
	struct lines l;
	char *line;

	lines_init(&l, text);
	while ((line = next_line(&l))) {
		unsigned long long start, end, off, inode;
		char perms[8], dev[16];
		json_object *o;
		int used = 0;

		if (sscanf(line, "%llx-%llx %7s %llx %15s %llu%n", &start, &end,
			   perms, &off, dev, &inode, &used) != 6)
			return parse_error(doc, &l, err, len,
					   "not a maps line");
		o = json_object_new_object();
		add_u64(o, "start", start);
		add_u64(o, "end", end);
		add_str(o, "perms", perms);
		add_u64(o, "offset", off);
		add_str(o, "dev", dev);
		add_u64(o, "inode", inode);
		add_str(o, "name", skip_spaces(line + used));
		json_object_array_add(doc, o);
	}
	if (l.too_long)
		return parse_error(doc, &l, err, len, "line too long");
	return doc;
}

/*
 * /proc/PID/smaps, for --input of a real one (mmd's comes as data): each
 * VMA's maps line, then "Key:   N kB" lines, "THPeligible:    N" and
 * "VmFlags: rd wr ..." -> {"vmas": [{"start": N, "end": N, "perms":
 * "rw-p", "offset": N, "dev": "00:00", "inode": N, "name": "", "size":
 * kB, "rss": kB, ..., "thp_eligible": bool, "vm_flags": ["rd", ...]}]},
 * the data's shape (mm.proto's Smaps): keys as the message names them.
 * smaps_rollup: the one VMA's object, its range and counts alone.
 */
static json_object *smaps_vma(char *line, int *ok)
{
	unsigned long long start, end, off, inode;
	char perms[8], dev[16];
	json_object *o;
	int used = 0;

	*ok = sscanf(line, "%llx-%llx %7s %llx %15s %llu%n", &start, &end,
		     perms, &off, dev, &inode, &used) == 6;
	if (!*ok)
		return NULL;
	o = json_object_new_object();
	add_u64(o, "start", start);
	add_u64(o, "end", end);
	add_str(o, "perms", perms);
	add_u64(o, "offset", off);
	add_str(o, "dev", dev);
	add_u64(o, "inode", inode);
	add_str(o, "name", skip_spaces(line + used));
	return o;
}

static json_object *vmflags_array(char *flags)
{
	json_object *a = json_object_new_array();
	char *save = NULL;

	for (char *f = strtok_r(flags, " ", &save); f;
	     f = strtok_r(NULL, " ", &save))
		json_object_array_add(a, json_object_new_string(f));
	return a;
}

/* A "Key: N [kB]" line into vma, by the message's name of the key. */
static void smaps_count(json_object *vma, const char *key, unsigned long long v)
{
	char name[64];

	if (!strcmp(key, "THPeligible")) {
		json_object_object_add(vma, "thp_eligible",
				       json_object_new_boolean(v != 0));
		return;
	}
	snake_case(key, name, sizeof(name));
	add_u64(vma, name, v);
}

json_object *smaps_to_json(const char *text, char *err, size_t len)
{
	json_object *doc = json_object_new_object(), *vmas, *vma = NULL;
	struct lines l;
	char *line;

	vmas = json_object_new_array();
	json_object_object_add(doc, "vmas", vmas);
	lines_init(&l, text);
	while ((line = next_line(&l))) {
		char *colon = strchr(line, ':');
		unsigned long long v;
		int ok;

		if (!strncmp(line, "VmFlags:", 8) && vma) {
			json_object_object_add(vma, "vm_flags",
					       vmflags_array(line + 8));
			continue;
		}
		if (colon && vma && colon[1] == ' ' &&
		    sscanf(colon + 1, "%llu", &v) == 1) {
			*colon = '\0';
			smaps_count(vma, line, v);
			continue;
		}
		vma = smaps_vma(line, &ok);
		if (!ok)
			return parse_error(doc, &l, err, len,
					   "not a smaps line");
		json_object_array_add(vmas, vma);
	}
	if (l.too_long)
		return parse_error(doc, &l, err, len, "line too long");
	return doc;
}

json_object *smaps_rollup_to_json(const char *text, char *err, size_t len)
{
	json_object *all = smaps_to_json(text, err, len), *vmas, *one;
	static const char *const line_only[] = {"perms", "offset", "dev",
						"inode", "name"};

	vmas = all ? json_object_object_get(all, "vmas") : NULL;
	if (!vmas || json_object_array_length(vmas) != 1) {
		if (all && !err[0])
			snprintf(err, len, "smaps_rollup: not one rollup");
		json_object_put(all);
		return NULL;
	}
	one = json_object_get(json_object_array_get_idx(vmas, 0));
	json_object_put(all);
	for (size_t i = 0; i < sizeof(line_only) / sizeof(line_only[0]); i++)
		json_object_object_del(one, line_only[i]);
	return one;
}

/*
 * A status key whose value is a hexadecimal mask (Cpus_allowed "3",
 * SigBlk, CapEff): a string as written, never read as a decimal number.
 */
static bool status_mask(const char *key)
{
	static const char *const masks[] = {
		"Cpus_allowed", "Mems_allowed", "SigPnd", "ShdPnd",
		"SigBlk",	"SigIgn",	"SigCgt", "CapInh",
		"CapPrm",	"CapEff",	"CapBnd", "CapAmb",
	};

	for (size_t i = 0; i < sizeof(masks) / sizeof(masks[0]); i++)
		if (!strcmp(key, masks[i]))
			return true;
	return false;
}

/*
 * A real /proc/PID/status (--input): "Name:\tmmc" -> {"name": "mmc",
 * "pid": 5, "vm_rss": N, ...}, every line a key in snake_case, as mmd's
 * Status names its fields; kB values as numbers of kB.
 */
json_object *status_to_json(const char *text, char *err, size_t len)
{
	json_object *doc = json_object_new_object();
	struct lines l;
	char *line;

	lines_init(&l, text);
	while ((line = next_line(&l))) {
		char *colon = strchr(line, ':'), *val, key[64];
		json_object *v;

		if (!colon || colon == line)
			return parse_error(doc, &l, err, len, "no 'Key:'");
		*colon = '\0';
		val = skip_spaces(colon + 1);
		trim_right(val);
		/* "VmRSS:\t  16 kB": the number of kB, as meminfo's. */
		if (strlen(val) > 3 && !strcmp(val + strlen(val) - 3, " kB"))
			val[strlen(val) - 3] = '\0';
		val = skip_spaces(val);
		/* "Umask: 0022", "SigBlk: 0000000000000000": octal and hex
		 * masks with their leading zeros stay strings, as written. */
		v = (val[0] == '0' && val[1]) || status_mask(line)
			    ? NULL
			    : json_number(val);
		snake_case(line, key, sizeof(key));
		json_object_object_add(doc, key,
				       v ? v : json_object_new_string(val));
	}
	if (l.too_long)
		return parse_error(doc, &l, err, len, "line too long");
	return doc;
}

#define PS_MAX_COLS 16

#define TABLE_MAX_COLS 16

/*
 * nodeN/meminfo: "Node 1 MemTotal:   1048576 kB" -> {"node": 1,
 * "mem_total": 1048576, ...}, as mmd's NodeMeminfo.
 */
json_object *node_meminfo_to_json(const char *text, char *err, size_t len)
{
	json_object *doc = json_object_new_object();
	struct lines l;
	char *line;

	lines_init(&l, text);
	while ((line = next_line(&l))) {
		char *tok[5], key[64];
		json_object *v;
		int n = split(line, tok, 5);
		size_t klen = n >= 3 ? strlen(tok[2]) : 0;

		if (n < 4 || strcmp(tok[0], "Node") || tok[2][klen - 1] != ':')
			return parse_error(doc, &l, err, len,
					   "not 'Node N Key: value kB'");
		tok[2][klen - 1] = '\0';
		v = json_number(tok[3]);
		if (!v)
			return parse_error(doc, &l, err, len,
					   "'%s' is not a number", tok[3]);
		if (!json_object_object_get_ex(doc, "node", NULL)) {
			json_object *id = json_number(tok[1]);

			if (!id) {
				json_object_put(v);
				return parse_error(doc, &l, err, len,
						   "'%s' is not a node",
						   tok[1]);
			}
			json_object_object_add(doc, "node", id);
		}
		snake_case(tok[2], key, sizeof(key));
		json_object_object_add(doc, key, v);
	}
	if (l.too_long)
		return parse_error(doc, &l, err, len, "line too long");
	return doc;
}

/*
 * numa_maps: "7f00 interleave:0-1 anon=4 N0=2 N1=2 ..." -> an array of
 * {"address": "7f00", "policy": "interleave:0-1", "anon": 4, ...}.
 */
json_object *numa_maps_to_json(const char *text, char *err, size_t len)
{
	json_object *doc = json_object_new_array();
	struct lines l;
	char *line;

	lines_init(&l, text);
	while ((line = next_line(&l))) {
		json_object *row = json_object_new_object();
		char *save = NULL, *addr = strtok_r(line, " ", &save);
		char *tok = addr ? strtok_r(NULL, " ", &save) : NULL;
		char policy[64] = "";

		if (!tok)
			return parse_error(doc, &l, err, len,
					   "not an address and a policy");
		json_object_array_add(doc, row);
		json_object_object_add(row, "address",
				       json_object_new_string(addr));
		/* "prefer (many):0-1" and "weighted interleave" hold a
		 * space: the policy runs up to the first key=value. */
		for (; tok && !strchr(tok, '=');
		     tok = strtok_r(NULL, " ", &save)) {
			if (!strcmp(tok, "heap") || !strcmp(tok, "stack")) {
				json_object_object_add(
					row, tok, json_object_new_boolean(1));
				continue;
			}
			snprintf(policy + strlen(policy),
				 sizeof(policy) - strlen(policy), "%s%s",
				 policy[0] ? " " : "", tok);
		}
		json_object_object_add(row, "policy",
				       json_object_new_string(policy));
		for (; tok; tok = strtok_r(NULL, " ", &save)) {
			char *eq = strchr(tok, '=');
			json_object *v;

			if (!eq)
				return parse_error(doc, &l, err, len,
						   "'%s' is not key=value",
						   tok);
			*eq = '\0';
			v = json_number(eq + 1);
			json_object_object_add(
				row, tok,
				v ? v : json_object_new_string(eq + 1));
		}
	}
	return doc;
}

/* ---- cma */

/*
 * The cma report's lines, "/sys/kernel/{mm,debug}/cma/NAME/FILE:VALUE",
 * as --json prints mm.proto's Cma: an array of areas, in the order
 * they come, each an object of its files.
 */
json_object *cma_to_json(const char *text, char *err, size_t len)
{
	json_object *doc = json_object_new_array(), *area = NULL;
	char last[64] = "";
	struct lines l;
	char *line;

	lines_init(&l, text);
	while ((line = next_line(&l))) {
		char name[64], file[64];
		unsigned long long v;

		if (sscanf(line, "/sys/kernel/%*[a-z]/cma/%63[^/]/%63[^:]:%llu",
			   name, file, &v) != 3)
			return parse_error(doc, &l, err, len,
					   "not a cma file:value line");
		if (!area || strcmp(name, last)) {
			area = json_object_new_object();
			json_object_object_add(area, "name",
					       json_object_new_string(name));
			json_object_array_add(doc, area);
			snprintf(last, sizeof(last), "%s", name);
		}
		json_object_object_add(area, file, json_object_new_uint64(v));
	}
	if (l.too_long)
		return parse_error(doc, &l, err, len, "line too long");
	return doc;
}
