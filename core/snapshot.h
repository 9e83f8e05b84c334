/* SPDX-License-Identifier: MIT */
/*
 * snapshot.h - a report's values, taken once, as a plain C struct that
 * says what it holds: the one source both of a report's /proc text and
 * of its structured form.
 *
 * A report that is structured has a snapshot struct (struct
 * meminfo_snapshot ...), a table of its fields (struct snap_desc: each
 * member's name, kind and place), a fill from the machine and a show
 * that prints the text from the struct alone. Whoever wants the values
 * another way (the daemon, as mm.proto's message of the same name) walks
 * the table: the names in the table are the message's field names, and
 * a test holds the two to each other.
 *
 * Owns: the table's format and the release of what a fill allocated.
 * Must never: know the wire (no protobuf here), or hold a pointer into
 * the machine past the fill (strings are copied: a snapshot outlives
 * any change to the machine).
 */
#ifndef MM_SNAPSHOT_H
#define MM_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/seq_buf.h"

struct machine;

enum snap_kind {
	SNAP_U64,   /* uint64_t */
	SNAP_S64,   /* int64_t */
	SNAP_BOOL,  /* bool */
	SNAP_CHARS, /* char[N], NUL-terminated, in the struct */
	SNAP_STR,   /* char *, malloc'ed by the fill (NULL: "") */
	SNAP_U64S,  /* uint64_t *, count at count_off (a size_t) */
	SNAP_ITEMS, /* an array of item structs, count at count_off */
	SNAP_ITEM,  /* one item struct, in the struct */
	SNAP_STRS,  /* char **, each malloc'ed, count at count_off */
};

struct snap_desc;

struct snap_field {
	const char *name; /* mm.proto's field name */
	enum snap_kind kind;
	size_t off;
	size_t count_off;	      /* SNAP_U64S, SNAP_ITEMS */
	const struct snap_desc *item; /* SNAP_ITEMS, SNAP_ITEM */
};

struct snap_desc {
	const char *name; /* mm.proto's message name */
	size_t size;	  /* sizeof the struct */
	const struct snap_field *fields;
	size_t nr_fields;
};

#define SNAP_FIELD(T, member, k)                                               \
	{                                                                      \
#member, k, offsetof(T, member), 0, NULL                       \
	}
#define SNAP_ARRAY(T, member, count, k, it)                                    \
	{                                                                      \
#member, k, offsetof(T, member), offsetof(T, count), it        \
	}
#define SNAP_ONE(T, member, it)                                                \
	{                                                                      \
#member, SNAP_ITEM, offsetof(T, member), 0, it                 \
	}
#define SNAP_DESC(name, T, fields)                                             \
	{                                                                      \
		name, sizeof(T), fields, sizeof(fields) / sizeof(fields[0])    \
	}

/*
 * A structured report: its snapshot's table, the fill (pid: the
 * process, for the reports on one; 0 or -errno, with m->errmsg saying
 * why) and the text of the snapshot.
 */
struct report_type {
	const struct snap_desc *desc;
	/* NULL: the report is a report_at_type's, filled by its fill_at. */
	int (*fill)(const struct machine *m, int pid, void *snap);
	int (*show)(const void *snap, struct seq_buf *s);
};

/*
 * What a report is about: the process, and for pagewalk the address,
 * for translate the far pointer (selector:addr), the CPL and the
 * segment register it is read through (-1: the selector's own
 * descriptor, from its table).
 */
struct report_args {
	int pid;
	uint64_t addr;
	unsigned int selector;
	unsigned int cpl;
	int sreg;
};

/* A report about more than a process: its report_type's fill is NULL. */
struct report_at_type {
	struct report_type t;
	int (*fill_at)(const struct machine *m, const struct report_args *a,
		       void *snap);
};

/*
 * A snapshot in one call: allocated zeroed, filled; NULL with *err set
 * (-ENOMEM, or the fill's). snapshot_free releases it and everything
 * its fill allocated, by its table.
 */
void *snapshot_take(const struct report_type *t, const struct machine *m,
		    int pid, int *err);
void snapshot_free(const struct snap_desc *d, void *snap);
/* The text of a structured report: take, show, free. */
int report_show(const struct report_type *t, const struct machine *m, int pid,
		struct seq_buf *s);
/* The same with every argument (fill_at's, or fill's pid). */
void *snapshot_take_at(const struct report_type *t, const struct machine *m,
		       const struct report_args *a, int *err);
int report_show_at(const struct report_type *t, const struct machine *m,
		   const struct report_args *a, struct seq_buf *s);

/*
 * A named counter (mm.proto's Counter), as /proc/vmstat's lines: the
 * item of the reports that are lists of counters.
 */
struct snap_counter {
	char name[48];
	int64_t value;
};
extern const struct snap_desc snap_counter_desc;
void snap_counter_set(struct snap_counter *c, const char *name, int64_t value);
int snap_counters_show(const struct snap_counter *c, size_t n, const char *fmt,
		       struct seq_buf *s);

/* A fill's helpers: an array of n items (zeroed), a copied string. */
void *snap_alloc(size_t n, size_t size);
char *snap_strdup(const char *s);
/*
 * joined cut at each sep into *out's *n copied strings (a SNAP_STRS;
 * "" gives none), and the same printed back: the flag names that the
 * kernel prints joined by '|', kept as a list.
 */
int snap_split(const char *joined, char sep, char ***out, size_t *n);
int snap_join(const char *const *strs, size_t n, char sep, struct seq_buf *s);
/* A list of names into *list (count *n), each copied: 0 or -ENOMEM. */
int snap_names(const char *const *names, size_t nr, char ***list, size_t *n);

#endif /* MM_SNAPSHOT_H */
