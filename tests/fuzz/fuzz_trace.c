/* SPDX-License-Identifier: MIT */
/*
 * fuzz_trace.c - libFuzzer harness: any bytes as an allocation trace.
 *
 * Owns: what must hold for every input to the trace reader. A refused
 * trace says why on one line that starts with the trace's name and the
 * line it stopped at, within the input. An accepted one keeps its
 * promise (tools/trace.h): every operation well formed, ids in range,
 * never an allocation of a live id nor a free or realloc of one that is
 * not live, line numbers rising; replayed through a process's malloc in
 * a machine (sizes capped so that a run stays short), it passes the
 * replay's checks: blocks aligned, apart, keeping their bytes. Anything
 * else aborts. Must never: write a file.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/replay.h"
#include "tools/trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NAME "fuzz.rep"
/* Operations and bytes replayed at most, so that every input is quick. */
#define REPLAY_MAX_OPS	2000
#define REPLAY_MAX_SIZE (1u << 20)

#define DIE(...)                                                               \
	do {                                                                   \
		fprintf(stderr, "fuzz_trace: " __VA_ARGS__);                   \
		fputc('\n', stderr);                                           \
		abort();                                                       \
	} while (0)

static struct replay_backend direct;

/* "fuzz.rep:LINE: why", LINE within the input, on one line. */
static void check_refusal(const char *err, size_t size)
{
	unsigned long line = 0;

	if (strncmp(err, NAME ":", strlen(NAME) + 1) ||
	    sscanf(err + strlen(NAME) + 1, "%lu:", &line) != 1)
		DIE("a refusal that does not name its line: '%s'", err);
	if (line == 0 || line > size + 1)
		DIE("a refusal at line %lu of a %zu-byte input", line, size);
	if (strchr(err, '\n'))
		DIE("a refusal of more than one line: '%s'", err);
}

/* The reader's promise, checked against a model of live ids. */
static void check_accepted(const struct trace *t)
{
	bool *live = calloc(t->nr_ids ? t->nr_ids : 1, sizeof(*live));
	unsigned int last_line = 0;

	if (!live)
		DIE("out of memory");
	for (unsigned int i = 0; i < t->nr_ops; i++) {
		const struct trace_op *op = &t->ops[i];

		if (op->id >= t->nr_ids || op->line <= last_line)
			DIE("op %u: id %u of %u, line %u after %u", i, op->id,
			    t->nr_ids, op->line, last_line);
		last_line = op->line;
		if (op->kind == TRACE_ALLOC && live[op->id])
			DIE("op %u allocates live id %u", i, op->id);
		if (op->kind != TRACE_ALLOC && !live[op->id])
			DIE("op %u frees or reallocs dead id %u", i, op->id);
		if (op->size > t->max_size)
			DIE("op %u asks for more than max_size", i);
		/* realloc to 0 bytes frees, as realloc(p, 0) does */
		live[op->id] = op->kind == TRACE_ALLOC ||
			       (op->kind == TRACE_REALLOC && op->size);
	}
	free(live);
}

static void replay(const struct trace *t)
{
	struct replay_opts o = {.check = true, .measure = true};
	struct replay_result r;
	char err[256];

	if (t->nr_ops > REPLAY_MAX_OPS || t->max_size > REPLAY_MAX_SIZE)
		return;
	if (replay_run(t, &direct, &o, &r, err, sizeof(err)))
		DIE("a valid trace failed its replay: %s", err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct trace t;
	char err[256];

	if (!direct.ops && replay_direct_open(&direct, err, sizeof(err)))
		DIE("cannot boot a machine: %s", err);
	memset(&t, 0, sizeof(t));
	if (trace_parse((const char *)data, size, NAME, &t, err, sizeof(err))) {
		check_refusal(err, size);
	} else {
		check_accepted(&t);
		replay(&t);
	}
	trace_free(&t);
	return 0;
}
