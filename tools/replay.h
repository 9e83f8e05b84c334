/* SPDX-License-Identifier: MIT */
/*
 * replay.h - replaying an allocation trace through an allocator.
 *
 * Owns: the allocator interface a replay drives (a small table of
 * operations, one file per allocator: replay_direct.c, replay_glibc.c,
 * replay_mmc.c)
 * and the replay itself: the calls in the trace's order, the checks
 * that blocks are aligned, never overlap and keep their bytes, and the
 * figures (utilization, operations per second). Must never: time
 * anything but the replay's own loop, or go on past the first error.
 */
#ifndef MM_TOOLS_REPLAY_H
#define MM_TOOLS_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tools/trace.h"

/* Payloads must be aligned to this (x86_64's malloc alignment). */
#define REPLAY_ALIGN 16

/*
 * An allocator, as a replay sees it. Each call returns 0 or a negative
 * errno, with error() saying why. Addresses are the allocator's own (a
 * simulated process's, or the host's).
 */
struct replay_ops {
	const char *name;
	int (*malloc)(void *ctx, uint64_t size, uint64_t *addr);
	int (*free)(void *ctx, uint64_t addr);
	int (*realloc)(void *ctx, uint64_t addr, uint64_t size,
		       uint64_t *new_addr);
	int (*write)(void *ctx, uint64_t addr, const void *buf, size_t len);
	int (*read)(void *ctx, uint64_t addr, void *buf, size_t len);
	/* The heap's size now: its brk span plus live mmapped chunks. */
	uint64_t (*heap_size)(void *ctx);
	/* Start again with an empty heap (a fresh process). */
	int (*reset)(void *ctx);
	const char *(*error)(void *ctx);
	void (*close)(void *ctx);
};

struct replay_backend {
	const struct replay_ops *ops;
	void *ctx;
};

/* The backends; each fills b, or says why not in err. */
int replay_direct_open(struct replay_backend *b, char *err, size_t errlen);
int replay_glibc_open(struct replay_backend *b, char *err, size_t errlen);
/* A session with mmd at socket (NULL: $MMD_SOCKET or the default). */
int replay_mmc_open(struct replay_backend *b, const char *socket, char *err,
		    size_t errlen);
void replay_close(struct replay_backend *b);

struct replay_opts {
	bool check;   /* alignment, overlap and bytes of every block */
	bool measure; /* live bytes and heap size after every operation */
	bool warm;    /* go on in the heap the last run left, not afresh */
};

struct replay_result {
	unsigned int ops;
	uint64_t peak_live; /* bytes the trace held at most */
	uint64_t peak_heap; /* bytes the heap took at most */
	double utilization; /* peak_live / peak_heap (measure only) */
	double seconds;
	double ops_per_sec;
};

/*
 * Replay t once on b, from a reset heap unless o->warm (timing runs
 * after the first reuse what it left, as a long-lived process would).
 * 0, or -errno with "NAME:LINE: why" in err (the allocator's refusal,
 * or a check that failed).
 */
int replay_run(const struct trace *t, const struct replay_backend *b,
	       const struct replay_opts *o, struct replay_result *r, char *err,
	       size_t errlen);

/*
 * Replay the trace at path with glibc's malloc in a fresh process, so
 * that what this one allocated before does not count as the trace's
 * heap: this program runs again (/proc/self/exe) with MM_REPLAY_GLIBC
 * set and sends its result back. A main that calls it must call
 * replay_fresh_child() first: in the child, it replays and exits.
 */
int replay_glibc_fresh(const char *path, const struct replay_opts *o,
		       struct replay_result *r, char *err, size_t errlen);
void replay_fresh_child(void);

/*
 * mmtrace --replay: run a recording of mmd (mmd --record) on a fresh
 * machine and compare its end with the recorded one, saying so on out.
 * 0 when buddyinfo and slabinfo are identical, 1 when they differ, or
 * -errno with why in err (docs/recording.md).
 */
int replay_recording(const char *path, FILE *out, char *err, size_t errlen);

#endif /* MM_TOOLS_REPLAY_H */
