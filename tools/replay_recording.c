/*
 * replay_recording.c - mmtrace --replay: a recording mmd made with
 * --record run again on a fresh machine, through mmd's own session code,
 * and the machine's end compared with the recorded one.
 *
 * Owns: a daemon without a socket (mmd_init) whose sessions talk through
 * a connection that takes every reply and keeps none, and the order of
 * things: sessions opened, frames taken, kswapd and retries run, sessions
 * closed, each where the recording says. Must never: run the event loop
 * (nothing may happen that the recording does not say), or trust the
 * recording: it is input like any other.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/slab.h"
#include "core/stats.h"
#include "daemon/server.h"
#include "proto/recording.h"
#include "tools/replay.h"

#define MAX_WRITES 64

struct replayer {
	struct mmd d;
	uv_loop_t loop;
	struct layout layout;
	struct session **by_serial; /* [serial - 1] */
	uint32_t nr_sessions;
	struct session **closed;
	uint32_t nr_closed;
	struct write_req *writes[MAX_WRITES];
	unsigned int nr_writes;
	bool same; /* every compared report matched so far */
};

/* The replay a session's connection belongs to. */
static struct replayer *replayer_of(const struct session *s)
{
	return container_of(s->d, struct replayer, d);
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
	struct replayer *rp = replayer_of(s);

	if (rp->nr_writes == MAX_WRITES)
		return UV_ENOBUFS;
	rp->writes[rp->nr_writes++] = w;
	return 0;
}

static void conn_close(struct session *s)
{
	struct replayer *rp = replayer_of(s);
	struct session **more =
		realloc(rp->closed, (rp->nr_closed + 1) * sizeof(*more));

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
static void settle(struct replayer *rp)
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

static int open_session(struct replayer *rp, const struct recording_record *r,
			char *err, size_t errlen)
{
	struct session **more;
	struct session *s;

	if (r->session != rp->nr_sessions + 1 || r->len != 1) {
		snprintf(err, errlen, "session %u opens out of order",
			 r->session);
		return -EINVAL;
	}
	more = realloc(rp->by_serial, r->session * sizeof(*more));
	s = more ? session_new(&rp->d) : NULL;
	if (more)
		rp->by_serial = more;
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rp->by_serial[rp->nr_sessions++] = s;
	s->admin = r->bytes[0] != 0;
	session_start(s);
	return 0;
}

/* The session a record names, or NULL (never opened, or gone). */
static struct session *session_of_record(const struct replayer *rp,
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

/* The replay's report against the recorded one; says how they differ. */
static void compare(struct replayer *rp, const char *name,
		    int (*report)(const struct machine *, struct seq_buf *),
		    const struct recording_record *r, FILE *out)
{
	struct seq_buf *seq = &rp->d.seq;
	const char *mine, *theirs = (const char *)r->bytes;
	unsigned int line = 1;

	seq_buf_clear(seq);
	report(rp->d.m, seq);
	mine = seq->buf ? seq->buf : "";
	if (seq->len == r->len && !memcmp(mine, theirs, r->len)) {
		fprintf(out, "%-10s identical to the recording\n", name);
		return;
	}
	rp->same = false;
	while (*mine && *mine == *theirs) {
		line += *mine == '\n';
		mine++;
		theirs++;
	}
	fprintf(out, "%-10s differs from the recording at line %u\n", name,
		line);
}

static int replay_record(struct replayer *rp, const struct recording_record *r,
			 FILE *out, char *err, size_t errlen)
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
	case REC_BUDDYINFO:
		compare(rp, "buddyinfo", report_buddyinfo, r, out);
		return 0;
	default: /* REC_SLABINFO */
		compare(rp, "slabinfo", report_slabinfo, r, out);
		return 0;
	}
}

static int boot(struct replayer *rp, FILE *f, char *err, size_t errlen)
{
	struct config_errors errs;
	char *yaml = NULL;
	size_t len = 0;
	int rc = recording_read_header(f, &yaml, &len, err, errlen);

	if (rc)
		return rc;
	rc = config_load_string("recorded layout", yaml, len, &rp->layout,
				&errs);
	free(yaml);
	if (rc) {
		if (errs.nr)
			config_error_format(&errs.err[0], err, errlen);
		else
			snprintf(err, errlen, "the recorded layout: %s",
				 strerror(-rc));
		return rc;
	}
	if (uv_loop_init(&rp->loop))
		return -ENOMEM;
	rc = mmd_init(&rp->d, &rp->layout, &rp->loop);
	if (rc) {
		snprintf(err, errlen, "cannot boot the recorded layout: %s",
			 strerror(-rc));
		uv_loop_close(&rp->loop);
		return rc;
	}
	rp->d.conn = &replay_conn;
	return 0;
}

static void close_handle(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

static void shut_down(struct replayer *rp)
{
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
}

int replay_recording(const char *path, FILE *out, char *err, size_t errlen)
{
	struct recording_record r = {0};
	struct replayer *rp = calloc(1, sizeof(*rp));
	FILE *f = fopen(path, "re");
	int rc, compared = 0;

	if (!f || !rp) {
		snprintf(err, errlen, "%s: %s", path,
			 f ? "out of memory" : strerror(errno));
		free(rp);
		if (f)
			fclose(f);
		return -EIO;
	}
	rp->same = true;
	rc = boot(rp, f, err, errlen);
	while (!rc && (rc = recording_read(f, &r, err, errlen)) == 1) {
		compared += r.kind == REC_BUDDYINFO || r.kind == REC_SLABINFO;
		rc = replay_record(rp, &r, out, err, errlen);
		settle(rp);
	}
	recording_record_free(&r);
	fclose(f);
	if (rp->d.m)
		shut_down(rp);
	if (!rc && !compared)
		snprintf(err, errlen,
			 "%s ends before mmd stopped: no "
			 "buddyinfo or slabinfo to compare",
			 path);
	rc = rc ? rc : !compared ? -EINVAL : rp->same ? 0 : 1;
	free(rp);
	return rc;
}
