/* SPDX-License-Identifier: MIT */
/*
 * trace.h - allocation traces in the malloc-lab format.
 *
 * Owns: reading a trace into memory and the promise that what it read
 * can be replayed: every operation well formed, every id in range, no
 * allocation of a live id, no free or realloc of an id that is not
 * live. Must never: accept a trace it would have to guess about; an
 * error names the line.
 *
 * The format: a header of 2 lines (number of ids, number of operations)
 * or 4 (a suggested heap size, the two, a weight), then one operation a
 * line: "a ID SIZE", "r ID SIZE" or "f ID". Blank lines are skipped.
 * "r ID 0" frees the block, as realloc(p, 0) does.
 */
#ifndef MM_TOOLS_TRACE_H
#define MM_TOOLS_TRACE_H

#include <stddef.h>
#include <stdint.h>

enum trace_op_kind {
	TRACE_ALLOC = 'a',
	TRACE_REALLOC = 'r',
	TRACE_FREE = 'f',
};

struct trace_op {
	char kind; /* enum trace_op_kind */
	unsigned int id;
	uint64_t size;	   /* 0 for a free */
	unsigned int line; /* where it was read, for messages */
};

struct trace {
	char name[64];	     /* the file's base name */
	unsigned int nr_ids; /* ids are 0 ... nr_ids - 1 */
	unsigned int nr_ops;
	uint64_t heap_hint; /* from the 4-line header; 0 otherwise */
	unsigned int weight;
	struct trace_op *ops;
	uint64_t max_size; /* the largest size asked for */
};

/*
 * Parse len bytes of text; name is only for messages. 0, or -EINVAL with
 * "NAME:LINE: why" in err.
 */
int trace_parse(const char *text, size_t len, const char *name, struct trace *t,
		char *err, size_t errlen);
/* Read and parse a file: -errno and why in err on failure (t is then
 * empty: trace_free may still be called). */
int trace_load(const char *path, struct trace *t, char *err, size_t errlen);
void trace_free(struct trace *t);

#endif /* MM_TOOLS_TRACE_H */
