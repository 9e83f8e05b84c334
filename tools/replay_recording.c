/* SPDX-License-Identifier: MIT */
/*
 * replay_recording.c - mmtrace --replay: a recording mmd made with
 * --record run again on a fresh machine, through mmd's own session code
 * (daemon/replay.h), and the machine's end compared with the recorded one.
 *
 * Owns: reading the recording, booting its layout, handing each record of
 * the sessions to the daemon's replay and comparing each recorded report
 * with the replayed machine's. Must never: reach into the daemon past
 * daemon/replay.h (mk/layers.sh checks it), or trust the recording: it is
 * input like any other.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/seq_buf.h"
#include "core/slab.h"
#include "core/vmstat.h"
#include "daemon/replay.h"
#include "proto/recording.h"
#include "tools/replay.h"

struct replayer {
	struct mmd_replay *daemon;
	struct layout layout;
	struct seq_buf seq; /* report text, reused */
	bool same;	    /* every compared report matched so far */
};

/* The replay's report against the recorded one; says how they differ. */
static void compare(struct replayer *rp, const char *name,
		    int (*report)(const struct machine *, struct seq_buf *),
		    const struct recording_record *r, FILE *out)
{
	struct seq_buf *seq = &rp->seq;
	const char *mine, *theirs = (const char *)r->bytes;
	unsigned int line = 1;

	seq_buf_clear(seq);
	report(mmd_replay_machine(rp->daemon), seq);
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
	switch (r->kind) {
	case REC_BUDDYINFO:
		compare(rp, "buddyinfo", report_buddyinfo, r, out);
		return 0;
	case REC_SLABINFO:
		compare(rp, "slabinfo", report_slabinfo, r, out);
		return 0;
	default: /* the sessions and the loop: the daemon's */
		return mmd_replay_step(rp->daemon, r, err, errlen);
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
	return mmd_replay_new(&rp->daemon, &rp->layout, err, errlen);
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
	seq_buf_init(&rp->seq);
	rc = boot(rp, f, err, errlen);
	while (!rc && (rc = recording_read(f, &r, err, errlen)) == 1) {
		compared += r.kind == REC_BUDDYINFO || r.kind == REC_SLABINFO;
		rc = replay_record(rp, &r, out, err, errlen);
	}
	recording_record_free(&r);
	fclose(f);
	mmd_replay_free(rp->daemon);
	seq_buf_free(&rp->seq);
	if (!rc && !compared)
		snprintf(err, errlen,
			 "%s ends before mmd stopped: no "
			 "buddyinfo or slabinfo to compare",
			 path);
	rc = rc ? rc : !compared ? -EINVAL : rp->same ? 0 : 1;
	free(rp);
	return rc;
}
