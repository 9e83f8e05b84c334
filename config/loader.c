/* SPDX-License-Identifier: MIT */
/*
 * loader.c - a YAML layout file into struct layout, with every problem at
 * its file:line:column.
 *
 * Owns: reading the document (libyaml's document API, so every node keeps
 * its mark), applying it over the architecture's defaults, collecting
 * parse errors, and placing layout_validate's key paths back in the file.
 * Must never: print, exit, or leak a libyaml document or parser, whatever
 * the input.
 */
#include "config/config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "config/schema.h"
#include "core/array.h"

#define MAX_MARKS      512	 /* every key a full layout can hold, twice */
#define MAX_FILE_BYTES (1 << 20) /* far above any real layout */

/* Where a key path ("zones[1].end") was written. */
struct mark {
	char path[64];
	unsigned int line, column;
};

struct loader {
	const char *name;
	const char *text;
	size_t len;
	yaml_document_t *doc;
	struct layout *l;
	struct config_errors *errs;
	unsigned int nr_marks;
	struct mark marks[MAX_MARKS];
};

static void add_error(struct loader *ld, unsigned int line, unsigned int column,
		      const char *key, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void add_error(struct loader *ld, unsigned int line, unsigned int column,
		      const char *key, const char *fmt, ...)
{
	struct config_error *e;
	va_list ap;

	if (ld->errs->nr >= CONFIG_MAX_ERRORS)
		return;
	e = &ld->errs->err[ld->errs->nr++];
	snprintf(e->file, sizeof(e->file), "%s", ld->name);
	e->line = line;
	e->column = column;
	snprintf(e->key, sizeof(e->key), "%s", key);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

/* libyaml counts from 0, people from 1. */
#define AT(node)                                                               \
	(unsigned int)(node)->start_mark.line + 1,                             \
		(unsigned int)(node)->start_mark.column + 1

static void record(struct loader *ld, const char *path, const yaml_node_t *n)
{
	struct mark *m;

	if (ld->nr_marks >= MAX_MARKS)
		return;
	m = &ld->marks[ld->nr_marks++];
	snprintf(m->path, sizeof(m->path), "%s", path);
	m->line = (unsigned int)n->start_mark.line + 1;
	m->column = (unsigned int)n->start_mark.column + 1;
}

static const struct mark *find_mark(const struct loader *ld, const char *path)
{
	for (unsigned int i = 0; i < ld->nr_marks; i++)
		if (strcmp(ld->marks[i].path, path) == 0)
			return &ld->marks[i];
	return NULL;
}

static yaml_node_t *node(const struct loader *ld, int index)
{
	return yaml_document_get_node(ld->doc, index);
}

static const char *text_of(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

/* A plain empty scalar, ~ or null: the key is there, its value is not. */
static bool is_null(const yaml_node_t *n)
{
	static const char *const nulls[] = {"", "~", "null", "Null", "NULL"};

	if (n->type != YAML_SCALAR_NODE ||
	    n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	for (unsigned int i = 0; i < sizeof(nulls) / sizeof(nulls[0]); i++)
		if (strcmp(text_of(n), nulls[i]) == 0)
			return true;
	return false;
}

static const char *kind_of(const yaml_node_t *n)
{
	if (is_null(n))
		return "nothing";
	if (n->type == YAML_MAPPING_NODE)
		return "a mapping";
	if (n->type == YAML_SEQUENCE_NODE)
		return "a list";
	return "a scalar";
}

/*
 * A key as a string, or NULL after reporting why it cannot be one: keys
 * are plain words, each given once per mapping.
 */
static const char *key_of(struct loader *ld, const yaml_node_t *map,
			  const yaml_node_pair_t *pair, const char *where)
{
	const yaml_node_t *k = node(ld, pair->key);

	if (k->type != YAML_SCALAR_NODE) {
		add_error(ld, AT(k), where, "a key must be a word, not %s",
			  kind_of(k));
		return NULL;
	}
	for (yaml_node_pair_t *q = map->data.mapping.pairs.start;
	     q < map->data.mapping.pairs.top; q++) {
		const yaml_node_t *other = node(ld, q->key);

		if (q == pair)
			break;
		if (other->type == YAML_SCALAR_NODE &&
		    strcmp(text_of(other), text_of(k)) == 0) {
			char key[64];

			snprintf(key, sizeof(key), "%s%s%s", where,
				 where[0] ? "." : "", text_of(k));
			add_error(ld, AT(k), key,
				  "duplicate key; it was first given at line "
				  "%zu",
				  other->start_mark.line + 1);
			return NULL;
		}
	}
	return text_of(k);
}

static void load_value(struct loader *ld, const struct cfg_field *f,
		       const yaml_node_t *v, void *base, const char *path)
{
	char why[192];

	record(ld, path, v);
	if (v->type != YAML_SCALAR_NODE || is_null(v)) {
		add_error(ld, AT(v), path, "expected %s, got %s",
			  cfg_kind_what(f->kind), kind_of(v));
		return;
	}
	if (strlen(text_of(v)) != v->data.scalar.length) {
		add_error(ld, AT(v), path, "the value holds a NUL character");
		return;
	}
	if (cfg_parse_value(f, text_of(v), base, why, sizeof(why)))
		add_error(ld, AT(v), path, "%s", why);
}

/*
 * The keys of one mapping: a section, or one item of a list. Returns a
 * bit for every field that was given.
 */
static unsigned int load_fields(struct loader *ld, const struct cfg_section *s,
				const yaml_node_t *map, void *base,
				const char *where)
{
	unsigned int seen = 0;

	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		const char *key = key_of(ld, map, p, where);
		const struct cfg_field *f;
		char path[64], keys[160];

		if (!key)
			continue;
		snprintf(path, sizeof(path), "%s.%s", where, key);
		f = cfg_find_field(s, key);
		if (!f) {
			cfg_list_keys(s, keys, sizeof(keys));
			add_error(ld, AT(node(ld, p->key)), path,
				  "unknown key (%s takes %s)", s->key, keys);
			continue;
		}
		seen |= 1u << (f - s->fields);
		load_value(ld, f, node(ld, p->value), base, path);
	}
	return seen;
}

static void load_section(struct loader *ld, const struct cfg_section *s,
			 const yaml_node_t *v)
{
	if (is_null(v))
		return; /* "machine:" alone keeps every default */
	if (v->type != YAML_MAPPING_NODE) {
		add_error(ld, AT(v), s->key,
			  "expected a mapping of keys, got %s", kind_of(v));
		return;
	}
	load_fields(ld, s, v, ld->l, s->key);
}

static void load_item(struct loader *ld, const struct cfg_section *s,
		      const yaml_node_t *item, unsigned int i)
{
	void *base = (char *)ld->l + s->array_off + i * s->item_size;
	char where[64];
	unsigned int seen;

	snprintf(where, sizeof(where), "%s[%u]", s->key, i);
	record(ld, where, item);
	if (item->type != YAML_MAPPING_NODE) {
		add_error(ld, AT(item), where,
			  "expected a %s (a mapping), got %s", s->item,
			  kind_of(item));
		return;
	}
	if (s->item_init)
		s->item_init(base);
	seen = load_fields(ld, s, item, base, where);
	for (unsigned int f = 0; f < s->nr_fields; f++) {
		char path[96], keys[64];

		if ((seen & (1u << f)) || s->fields[f].optional)
			continue;
		snprintf(path, sizeof(path), "%s.%s", where, s->fields[f].key);
		cfg_list_keys(s, keys, sizeof(keys));
		add_error(ld, AT(item), path, "missing; every %s needs %s",
			  s->item, keys);
	}
}

/* A list replaces the default list entirely. */
static void load_list(struct loader *ld, const struct cfg_section *s,
		      const yaml_node_t *v)
{
	yaml_node_item_t *start, *top;
	uint32_t n;

	if (is_null(v))
		return;
	if (v->type != YAML_SEQUENCE_NODE) {
		add_error(ld, AT(v), s->key, "expected a list of %ss, got %s",
			  s->item, kind_of(v));
		return;
	}
	start = v->data.sequence.items.start;
	top = v->data.sequence.items.top;
	n = (uint32_t)(top - start);
	if (n == 0 && strcmp(s->key, "zones") == 0) {
		add_error(ld, AT(v), s->key,
			  "no zones; give at least one, or leave zones out "
			  "for the default ones");
		return;
	}
	if (n > s->max) {
		char where[64];

		snprintf(where, sizeof(where), "%s[%u]", s->key, s->max);
		add_error(ld, AT(node(ld, start[s->max])), where,
			  "more than %u %ss", s->max, s->item);
		n = s->max;
	}
	for (uint32_t i = 0; i < n; i++)
		load_item(ld, s, node(ld, start[i]), i);
	memcpy((char *)ld->l + s->count_off, &n, sizeof(n));
}

static void load_root(struct loader *ld, const yaml_node_t *root)
{
	if (root->type != YAML_MAPPING_NODE) {
		add_error(ld, AT(root), "",
			  "a layout is a mapping of sections (machine, zones, "
			  "...), not %s",
			  kind_of(root));
		return;
	}
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		const char *key = key_of(ld, root, p, "");
		const yaml_node_t *k = node(ld, p->key);
		const struct cfg_section *s;

		if (!key)
			continue;
		s = cfg_find_section(key);
		if (!s) {
			char names[160];

			/* From the schema, so a new section is never left out.
			 */
			cfg_list_sections(names, sizeof(names));
			add_error(ld, AT(k), key,
				  "unknown section (expected %s)", names);
			continue;
		}
		record(ld, key, k);
		if (s->is_list)
			load_list(ld, s, node(ld, p->value));
		else
			load_section(ld, s, node(ld, p->value));
	}
}

/* The value of machine.arch when it names one: defaults depend on it. */
static enum mm_arch find_arch(const struct loader *ld, const yaml_node_t *root)
{
	enum mm_arch arch = ARCH_X86_64;

	if (!root || root->type != YAML_MAPPING_NODE)
		return arch;
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	     p < root->data.mapping.pairs.top; p++) {
		const yaml_node_t *k = node(ld, p->key);
		const yaml_node_t *v = node(ld, p->value);

		if (k->type != YAML_SCALAR_NODE ||
		    strcmp(text_of(k), "machine") != 0 ||
		    v->type != YAML_MAPPING_NODE)
			continue;
		for (yaml_node_pair_t *q = v->data.mapping.pairs.start;
		     q < v->data.mapping.pairs.top; q++) {
			const yaml_node_t *mk = node(ld, q->key);
			const yaml_node_t *mv = node(ld, q->value);

			if (mk->type == YAML_SCALAR_NODE &&
			    mv->type == YAML_SCALAR_NODE &&
			    strcmp(text_of(mk), "arch") == 0 &&
			    arch_from_name(text_of(mv), &arch) == 0)
				return arch;
		}
	}
	return arch;
}

/* Line and column of a byte offset, for errors libyaml gives no mark. */
static void offset_to_mark(const struct loader *ld, size_t offset,
			   unsigned int *line, unsigned int *column)
{
	*line = 1;
	*column = 1;
	for (size_t i = 0; i < offset && i < ld->len; i++) {
		if (ld->text[i] == '\n') {
			(*line)++;
			*column = 1;
		} else {
			(*column)++;
		}
	}
}

static int syntax_error(struct loader *ld, const yaml_parser_t *p)
{
	unsigned int line = (unsigned int)p->problem_mark.line + 1;
	unsigned int column = (unsigned int)p->problem_mark.column + 1;

	if (p->error == YAML_MEMORY_ERROR) {
		add_error(ld, 0, 0, "", "out of memory while reading YAML");
		return -ENOMEM;
	}
	if (p->error == YAML_READER_ERROR)
		offset_to_mark(ld, p->problem_offset, &line, &column);
	if (p->context && (p->context_mark.line != p->problem_mark.line ||
			   p->context_mark.column != p->problem_mark.column))
		add_error(ld, line, column, "",
			  "syntax error: %s (%s that started at line %zu, "
			  "column %zu)",
			  p->problem ? p->problem : "", p->context,
			  p->context_mark.line + 1, p->context_mark.column + 1);
	else if (p->context)
		add_error(ld, line, column, "", "syntax error: %s (%s)",
			  p->problem ? p->problem : "", p->context);
	else
		add_error(ld, line, column, "", "syntax error: %s",
			  p->problem ? p->problem : "unreadable YAML");
	return -EINVAL;
}

/* A layout is one document; a second one is surely a mistake. */
static int check_single_document(struct loader *ld, yaml_parser_t *parser)
{
	yaml_document_t next;
	yaml_node_t *root;
	int err = 0;

	if (!yaml_parser_load(parser, &next))
		return syntax_error(ld, parser);
	root = yaml_document_get_root_node(&next);
	if (root) {
		add_error(ld, AT(root), "",
			  "a second YAML document; a layout file holds one");
		err = -EINVAL;
	}
	yaml_document_delete(&next);
	return err;
}

/* Parse and apply the YAML; the layout is then defaults plus the file. */
static int parse(struct loader *ld)
{
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	int err;

	if (!yaml_parser_initialize(&parser)) {
		add_error(ld, 0, 0, "", "out of memory while reading YAML");
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)ld->text,
				     ld->len);
	if (!yaml_parser_load(&parser, &doc)) {
		err = syntax_error(ld, &parser);
		yaml_parser_delete(&parser);
		layout_set_defaults(ld->l, ARCH_X86_64);
		return err;
	}
	ld->doc = &doc;
	root = yaml_document_get_root_node(&doc);
	layout_set_defaults(ld->l, find_arch(ld, root));
	if (root && !is_null(root))
		load_root(ld, root);
	err = check_single_document(ld, &parser);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	ld->doc = NULL;
	return ld->errs->nr ? -EINVAL : err;
}

/* Point a key path at the nearest thing the file wrote: key, parent... */
static const struct mark *place(const struct loader *ld, const char *key)
{
	char path[64];
	const struct mark *m;

	snprintf(path, sizeof(path), "%s", key);
	for (;;) {
		char *dot = strrchr(path, '.'), *bracket = strrchr(path, '[');
		char *cut = dot > bracket ? dot : bracket;

		m = find_mark(ld, path);
		if (m || !cut)
			return m;
		*cut = '\0';
	}
}

static int validate(struct loader *ld)
{
	struct layout_errors lerrs;

	layout_resolve(ld->l);
	if (layout_validate(ld->l, &lerrs) == 0)
		return 0;
	for (unsigned int i = 0; i < lerrs.nr; i++) {
		const struct mark *m = place(ld, lerrs.err[i].key);

		add_error(ld, m ? m->line : 1, m ? m->column : 1,
			  lerrs.err[i].key, "%s", lerrs.err[i].msg);
	}
	return -EINVAL;
}

int config_load_string(const char *name, const char *yaml, size_t len,
		       struct layout *l, struct config_errors *errs)
{
	struct loader *ld = calloc(1, sizeof(*ld));
	int err;

	errs->nr = 0;
	if (!ld) {
		snprintf(errs->err[0].file, sizeof(errs->err[0].file), "%s",
			 name);
		snprintf(errs->err[0].msg, sizeof(errs->err[0].msg),
			 "out of memory");
		errs->err[0].line = errs->err[0].column = 0;
		errs->err[0].key[0] = '\0';
		errs->nr = 1;
		return -ENOMEM;
	}
	ld->name = name;
	ld->text = yaml ? yaml : ""; /* libyaml asserts on a NULL input */
	ld->len = yaml ? len : 0;
	ld->l = l;
	ld->errs = errs;
	err = parse(ld);
	if (!err)
		err = validate(ld);
	free(ld);
	return err;
}

static int read_all(FILE *f, char **text, size_t *len)
{
	size_t cap = 0, n = 0;
	char *buf = NULL;

	for (;;) {
		size_t got;

		if (n == cap) {
			char *bigger = cap >= MAX_FILE_BYTES
					       ? NULL
					       : array_reserve(buf, &cap, n + 1,
							       1, 4096);

			if (!bigger) {
				free(buf);
				return cap >= MAX_FILE_BYTES ? -EFBIG : -ENOMEM;
			}
			buf = bigger;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		int err = errno ? -errno : -EIO;

		free(buf);
		return err;
	}
	*text = buf;
	*len = n;
	return 0;
}

int config_load_file(const char *path, struct layout *l,
		     struct config_errors *errs)
{
	FILE *f = fopen(path, "r");
	char *text = NULL;
	size_t len = 0;
	int err;

	err = f ? read_all(f, &text, &len) : -errno;
	if (f)
		fclose(f);
	if (err) {
		struct config_error *e = &errs->err[0];

		memset(e, 0, sizeof(*e));
		snprintf(e->file, sizeof(e->file), "%s", path);
		snprintf(e->msg, sizeof(e->msg), "cannot read the layout: %s",
			 err == -EFBIG ? "the file is larger than 1M"
				       : strerror(-err));
		errs->nr = 1;
		layout_set_defaults(l, ARCH_X86_64);
		return err;
	}
	err = config_load_string(path, text, len, l, errs);
	free(text);
	return err;
}
