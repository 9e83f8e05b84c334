/* SPDX-License-Identifier: MIT */
/*
 * replay.c - a daemon without a socket whose sessions a recording drives
 * (daemon/replay.h): what mmtrace --replay runs a recording through.
 *
 * Owns: the replay's connection, which takes every reply and keeps none,
 * and the order of things: sessions opened, frames taken, kswapd and
 * retries run, writes finished and sessions closed, each where the
 * recording says. Must never: run the event loop (nothing may happen that
 * the recording does not say), or trust the recording: it is input like
 * any other.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/api.h"
#include "daemon/replay.h"
#include "daemon/server.h"
#include "proto/recording.h"

#define MAX_WRITES 64

struct mmd_replay {
	struct mmd d;
	uv_loop_t loop;
	/* A copy: the daemon keeps a pointer to its layout. */
	struct layout layout;
	struct session **by_serial; /* [serial - 1] */
	uint32_t nr_sessions;
	size_t by_serial_cap;
	struct session **closed;
	uint32_t nr_closed;
	size_t closed_cap;
	struct write_req *writes[MAX_WRITES];
	unsigned int nr_writes;
};

/* The replay a session's connection belongs to. */
static struct mmd_replay *replay_of(const struct session *s)
{
	return container_of(s->d, struct mmd_replay, d);
}

static void conn_read(struct session *s, bool on)
{
	(void)s;
	(void)on;
}

static int conn_try_write(struct session *s, const uint8_t *data, size_t len)
{
	(void)s;
	(void)data;
	return (int)len;
}

static int conn_write(struct session *s, struct write_req *w)
{
	struct mmd_replay *rp = replay_of(s);

	if (rp->nr_writes == MAX_WRITES)
		return UV_ENOBUFS;
	rp->writes[rp->nr_writes++] = w;
	return 0;
}

static void conn_close(struct session *s)
{
	struct mmd_replay *rp = replay_of(s);
	struct session **more =
		array_reserve(rp->closed, &rp->closed_cap, rp->nr_closed + 1,
			      sizeof(*more), 8);

	if (!more) /* freed at the end with the rest, if not now */
		return;
	rp->closed = more;
	rp->closed[rp->nr_closed++] = s;
}

static const struct conn_ops replay_conn = {
	.read = conn_read,
	.try_write = conn_try_write,
	.write = conn_write,
	.close = conn_close,
};

/* Writes in flight end, each may start more; then closed sessions go. */
static void settle(struct mmd_replay *rp)
{
	/* In the order they were made; each may start more. */
	for (unsigned int i = 0; i < rp->nr_writes; i++)
		session_written(rp->writes[i], 0);
	rp->nr_writes = 0;
	for (uint32_t i = 0; i < rp->nr_closed; i++) {
		for (uint32_t j = 0; j < rp->nr_sessions; j++)
			if (rp->by_serial[j] == rp->closed[i])
				rp->by_serial[j] = NULL;
		session_free(rp->closed[i]);
	}
	rp->nr_closed = 0;
}

static int open_session(struct mmd_replay *rp, const struct recording_record *r,
			char *err, size_t errlen)
{
	struct session **more;
	struct session *s;

	/* An admin byte, then the uid (recordings before it: the byte). */
	if (r->session != rp->nr_sessions + 1 || (r->len != 1 && r->len != 5)) {
		snprintf(err, errlen, "session %u opens out of order",
			 r->session);
		return -EINVAL;
	}
	more = array_reserve(rp->by_serial, &rp->by_serial_cap, r->session,
			     sizeof(*more), 8);
	s = more ? session_new(&rp->d) : NULL;
	if (more)
		rp->by_serial = more;
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rp->by_serial[rp->nr_sessions++] = s;
	s->admin = r->bytes[0] != 0;
	if (r->len == 5)
		s->uid = (uid_t)((uint32_t)r->bytes[1] << 24 |
				 (uint32_t)r->bytes[2] << 16 |
				 (uint32_t)r->bytes[3] << 8 | r->bytes[4]);
	session_start(s);
	return 0;
}

/* The session a record names, or NULL (never opened, or gone). */
static struct session *session_of_record(const struct mmd_replay *rp,
					 const struct recording_record *r)
{
	if (!r->session || r->session > rp->nr_sessions)
		return NULL;
	return rp->by_serial[r->session - 1];
}

/* A frame, with its length in front, into the session's input. */
static int take_frame(struct session *s, const struct recording_record *r)
{
	uint8_t head[4] = {(uint8_t)(r->len >> 24), (uint8_t)(r->len >> 16),
			   (uint8_t)(r->len >> 8), (uint8_t)r->len};

	if (s->closing)
		return 0;
	if (frame_buf_reserve(&s->in, sizeof(head) + r->len))
		return -ENOMEM;
	memcpy(s->in.data + s->in.len, head, sizeof(head));
	memcpy(s->in.data + s->in.len + sizeof(head), r->bytes, r->len);
	s->in.len += sizeof(head) + r->len;
	session_received(s);
	return 0;
}

static int replay_record(struct mmd_replay *rp,
			 const struct recording_record *r, char *err,
			 size_t errlen)
{
	struct session *s = session_of_record(rp, r);

	switch (r->kind) {
	case REC_OPEN:
		return open_session(rp, r, err, errlen);
	case REC_FRAME:
		return s ? take_frame(s, r) : 0;
	case REC_CLOSE:
		if (s && !s->closing)
			session_close(s, NULL);
		return 0;
	case REC_KSWAPD:
		mmd_between_requests(&rp->d);
		return 0;
	case REC_TICK:
		session_retry_parked(&rp->d, true);
		return 0;
	case REC_KCOMPACTD:
		mmd_kcompactd_timeout(&rp->d);
		return 0;
	default: /* the reports: the caller compares them */
		return 0;
	}
}

int mmd_replay_step(struct mmd_replay *rp, const struct recording_record *r,
		    char *err, size_t errlen)
{
	int rc = replay_record(rp, r, err, errlen);

	settle(rp);
	return rc;
}

int mmd_replay_new(struct mmd_replay **out, const struct layout *l, char *err,
		   size_t errlen)
{
	struct mmd_replay *rp = calloc(1, sizeof(*rp));
	int rc;

	*out = NULL;
	if (!rp || uv_loop_init(&rp->loop)) {
		snprintf(err, errlen, "out of memory");
		free(rp);
		return -ENOMEM;
	}
	rp->layout = *l;
	rc = mmd_init(&rp->d, &rp->layout, &rp->loop);
	if (rc) {
		snprintf(err, errlen, "cannot boot the recorded layout: %s",
			 strerror(-rc));
		uv_loop_close(&rp->loop);
		free(rp);
		return rc;
	}
	rp->d.conn = &replay_conn;
	*out = rp;
	return 0;
}

const struct machine *mmd_replay_machine(const struct mmd_replay *rp)
{
	return rp->d.m;
}

static void close_handle(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

void mmd_replay_free(struct mmd_replay *rp)
{
	if (!rp)
		return;
	for (uint32_t i = 0; i < rp->nr_sessions; i++)
		if (rp->by_serial[i] && !rp->by_serial[i]->closing)
			session_close(rp->by_serial[i], NULL);
	settle(rp);
	mmd_fini(&rp->d);
	uv_walk(&rp->loop, close_handle, NULL);
	uv_run(&rp->loop, UV_RUN_DEFAULT);
	uv_loop_close(&rp->loop);
	free(rp->by_serial);
	free(rp->closed);
	free(rp);
}
