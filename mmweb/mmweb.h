/* SPDX-License-Identifier: MIT */
/*
 * mmweb.h - mmweb, the machine live in a browser: what its parts share.
 *
 * mmweb is a client of mmd (through libmmclient) and a small web server
 * (libmicrohttpd). One thread polls mmd a few times a second and
 * publishes what changed (state.c); each browser's event stream is sent
 * by its own thread from what was published, so a slow browser only
 * falls behind and never holds mmd or the others. Must never: reach into
 * mmd or core; everything it knows comes over the wire.
 */
#ifndef MMWEB_H
#define MMWEB_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "client/mmclient.h"
#include "proto/mm.pb-c.h"

/* A growing text buffer (json.c). */
struct buf {
	char *s;
	size_t len, cap;
	bool oom;
};

void buf_add(struct buf *b, const char *s, size_t n);
void buf_str(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* s as a JSON string, quotes included. */
void buf_json_str(struct buf *b, const char *s);
void buf_free(struct buf *b);

/*
 * mmd's structured reports (data.c): a kind's ReportData (about pid or
 * addr, as mmc_report_data_at), NULL with *err; a message as JSON
 * in mmctl --json's shape (numbers past 2^53 as decimal strings); and
 * the two at once. A ReportData's message: client/report_walk.h.
 */
Mm__ReportData *report_data_get(struct mmc *c, enum mmc_report kind, int pid,
				uint64_t addr, int *err);
void report_message_json(struct buf *b, const ProtobufCMessage *msg);
int report_json(struct mmc *c, enum mmc_report kind, int pid, uint64_t addr,
		struct buf *b);

/* Nodes: at most core's MAX_NUMNODES. */
#define MMWEB_MAX_NODES 8

/* The connection to mmd, shared by the poller and the browsers' queries. */
struct mmd_link {
	pthread_mutex_t lock;
	struct mmc *c; /* NULL while mmd is away */
	const char *socket;
	uint64_t max_pfn;	 /* end of RAM, from the frames report */
	unsigned long pageblock; /* pagetypeinfo's pages_per_block */
	/* The NUMA nodes (the frames report's nr_nodes) and each one's
	 * span, from its zones: the map draws them apart when there are
	 * more than one. */
	unsigned int nr_nodes;
	struct {
		uint64_t start, end;
	} nodes[MMWEB_MAX_NODES];
};

/* Lock the link; NULL (unlocked) when mmd is not connected. */
struct mmc *link_get(struct mmd_link *l);
void link_put(struct mmd_link *l);
/* A call failed: if the connection is gone, drop it (the poller
 * reconnects). Called with the link locked. */
void link_check(struct mmd_link *l, int err);

/* What is published to the browsers (state.c). */
enum part {
	PART_STATUS,
	PART_MEMINFO,
	PART_BUDDYINFO,
	PART_ZONEINFO,
	PART_VMSTAT,
	PART_SLABINFO,
	PART_PS,
	PART_DMESG,
	PART_FRAMES,
	PART_PAGEBLOCKS,
	PART_NODES,
	PART_SCENARIO,
	NR_PARTS,
};

extern const char *const part_names[NR_PARTS];

/*
 * Publish a part: json is its JSON value; it is sent only to streams
 * that have not seen this value. Takes a copy.
 */
void state_set(enum part p, const char *json);
/* Every part changed in this round is out: wake the streams. */
void state_commit(void);
/* Stop every stream (at exit). */
void state_stop(void);
/*
 * The next event of a stream that has seen up to *seq: waits up to
 * wait_ms for news; returns a malloc'd "event: ...\n\n" text (a comment
 * line after a quiet wait), or NULL when stopping.
 */
char *state_next(uint64_t *seq, unsigned int wait_ms, size_t *len);
/* Counters for /api/stats. */
void state_stats(struct buf *b);
void state_stream_open(int delta);

/* The poller (poll.c): runs until *stop. */
void poll_run(struct mmd_link *l, unsigned int interval_ms,
	      volatile bool *stop);

/* The browsers' queries (api.c): JSON (or bytes) for one request. */
struct api_reply {
	unsigned int status; /* HTTP */
	const char *type;
	struct buf body;
	unsigned long per_cell; /* /api/frames */
};

/* pageblocks non-NULL and "1": the cells by migrate type. */
void api_frames(struct mmd_link *l, const char *start, const char *nr,
		const char *cells, const char *pageblocks, struct api_reply *r);
void api_page(struct mmd_link *l, const char *pfn, struct api_reply *r);
void api_proc(struct mmd_link *l, const char *pid, struct api_reply *r);
void api_walk(struct mmd_link *l, const char *pid, const char *addr,
	      struct api_reply *r);
void api_error(struct api_reply *r, unsigned int status, const char *msg);
void api_errno(struct mmd_link *l, struct api_reply *r, int err);

/* The scenario panel (scenario.c): the demo's workloads. */
void scenario_init(const char *bindir, const char *socket);
int scenario_start(const char *name, struct buf *why);
void scenario_stop(void);
/* Reap what has ended; the panel's JSON. */
void scenario_poll(struct buf *json);

#endif /* MMWEB_H */
