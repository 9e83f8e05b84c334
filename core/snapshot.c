/* SPDX-License-Identifier: MIT */
/*
 * snapshot.c - taking and releasing a report's snapshot (snapshot.h).
 *
 * Owns: the generic walk of a snapshot's table that frees what its fill
 * allocated. Must never: read the machine (the fill does) or print (the
 * show does).
 */
#include "core/snapshot.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *snap_alloc(size_t n, size_t size)
{
	return calloc(n ? n : 1, size);
}

char *snap_strdup(const char *s)
{
	return strdup(s ? s : "");
}

int snap_split(const char *joined, char sep, char ***out, size_t *n)
{
	size_t parts = 1;
	const char *p, *end;

	*out = NULL;
	*n = 0;
	if (!joined || !*joined)
		return 0;
	for (p = joined; *p; p++)
		parts += *p == sep;
	*out = snap_alloc(parts, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (p = joined;; p = end + 1) {
		end = strchr(p, sep);
		if (!end)
			end = p + strlen(p);
		(*out)[*n] = strndup(p, (size_t)(end - p));
		if (!(*out)[*n])
			return -ENOMEM;
		++*n;
		if (!*end)
			return 0;
	}
}

int snap_join(const char *const *strs, size_t n, char sep, struct seq_buf *s)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			seq_printf(s, "%c", sep);
		seq_printf(s, "%s", strs[i]);
	}
	return s->err;
}

/* A list of names into *list (count *n): each copied. */
int snap_names(const char *const *names, size_t nr, char ***list, size_t *n)
{
	*list = snap_alloc(nr, sizeof(**list));
	if (!*list)
		return -ENOMEM;
	for (size_t i = 0; i < nr; i++) {
		(*list)[i] = snap_strdup(names[i]);
		if (!(*list)[i])
			return -ENOMEM;
		*n = i + 1;
	}
	return 0;
}

static const struct snap_field counter_fields[] = {
	SNAP_FIELD(struct snap_counter, name, SNAP_CHARS),
	SNAP_FIELD(struct snap_counter, value, SNAP_S64),
};
const struct snap_desc snap_counter_desc =
	SNAP_DESC("Counter", struct snap_counter, counter_fields);

void snap_counter_set(struct snap_counter *c, const char *name, int64_t value)
{
	snprintf(c->name, sizeof(c->name), "%s", name);
	c->value = value;
}

/* Each counter by fmt, which takes the name and the value (%lld). */
int snap_counters_show(const struct snap_counter *c, size_t n, const char *fmt,
		       struct seq_buf *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		seq_printf(s, fmt, c[i].name, (long long)c[i].value);
	return s->err;
}

static void snapshot_release(const struct snap_desc *d, void *snap);

/* The items of an array field, then the array. */
static void release_strings(const struct snap_field *f, char *base)
{
	char **strs = *(char ***)(base + f->off);
	size_t n = *(size_t *)(base + f->count_off), i;

	for (i = 0; strs && i < n; i++)
		free(strs[i]);
	free(strs);
}

static void release_items(const struct snap_field *f, char *base)
{
	char *items = *(char **)(base + f->off);
	size_t n = *(size_t *)(base + f->count_off), i;

	for (i = 0; items && i < n; i++)
		snapshot_release(f->item, items + i * f->item->size);
	free(items);
}

/* What the fill allocated inside snap, not snap itself. */
static void snapshot_release(const struct snap_desc *d, void *snap)
{
	char *base = snap;
	size_t i;

	for (i = 0; i < d->nr_fields; i++) {
		const struct snap_field *f = &d->fields[i];

		switch (f->kind) {
		case SNAP_STR:
		case SNAP_U64S:
			free(*(void **)(base + f->off));
			break;
		case SNAP_ITEMS:
			release_items(f, base);
			break;
		case SNAP_STRS:
			release_strings(f, base);
			break;
		case SNAP_ITEM:
			snapshot_release(f->item, base + f->off);
			break;
		default:
			break;
		}
	}
}

void snapshot_free(const struct snap_desc *d, void *snap)
{
	if (!snap)
		return;
	snapshot_release(d, snap);
	free(snap);
}

void *snapshot_take_at(const struct report_type *t, const struct machine *m,
		       const struct report_args *a, int *err)
{
	void *snap = calloc(1, t->desc->size);

	*err = -ENOMEM;
	if (!snap)
		return NULL;
	if (t->fill)
		*err = t->fill(m, a->pid, snap);
	else /* a report_at_type's */
		*err = ((const struct report_at_type *)(const void *)t)
			       ->fill_at(m, a, snap);
	if (*err) {
		snapshot_free(t->desc, snap);
		return NULL;
	}
	return snap;
}

void *snapshot_take(const struct report_type *t, const struct machine *m,
		    int pid, int *err)
{
	struct report_args a = {.pid = pid, .sreg = -1, .cpl = 3};

	return snapshot_take_at(t, m, &a, err);
}

int report_show_at(const struct report_type *t, const struct machine *m,
		   const struct report_args *a, struct seq_buf *s)
{
	int err;
	void *snap = snapshot_take_at(t, m, a, &err);

	if (!snap)
		return err;
	err = t->show(snap, s);
	snapshot_free(t->desc, snap);
	return err ? err : s->err;
}

int report_show(const struct report_type *t, const struct machine *m, int pid,
		struct seq_buf *s)
{
	struct report_args a = {.pid = pid, .sreg = -1, .cpl = 3};

	return report_show_at(t, m, &a, s);
}
