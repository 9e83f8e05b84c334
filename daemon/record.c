/* SPDX-License-Identifier: MIT */
/*
 * record.c - mmd --record: everything the machine is asked, written down
 * so that mmtrace --replay can run it again on a fresh machine and check
 * that it ends the same (docs/recording.md).
 *
 * Owns: the recording file and what goes into it: the layout, each
 * session's connect and close, each frame as dispatch takes it, the
 * loop's kswapd steps and retries, and at the end buddyinfo and
 * slabinfo. Must never: change what the daemon does. A failed write
 * stops the recording, says so in the log, and nothing else.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/api.h"
#include "daemon/server.h"
#include "proto/recording.h"

static void record_failed(struct mmd *d)
{
	mmd_log(MMD_ERR "recording stopped: cannot write %s: %s",
		d->record_path, strerror(errno));
	fclose(d->record);
	d->record = NULL;
}

int record_start(struct mmd *d, const char *path)
{
	char *yaml = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&yaml, &len);
	int err = mem ? config_emit(d->l, mem) : -ENOMEM;

	if (mem && fclose(mem) && !err)
		err = -ENOMEM;
	if (!err) {
		d->record = fopen(path, "we");
		err = d->record ? recording_write_header(d->record, yaml, len)
				: -errno;
	}
	free(yaml);
	if (err) {
		fprintf(stderr, "mmd: cannot record to %s: %s\n", path,
			strerror(-err));
		if (d->record)
			fclose(d->record);
		d->record = NULL;
		return err;
	}
	d->record_path = path;
	return 0;
}

void record_event(struct mmd *d, enum recording_kind kind,
		  const struct session *s, const void *bytes, uint32_t len)
{
	if (!d->record)
		return;
	if (recording_write(d->record, kind, s ? s->serial : 0, bytes, len))
		record_failed(d);
}

/*
 * A session begins: whether it may make admin requests, and its uid (4
 * bytes, big-endian), which is all a replay needs of who it was: the
 * uid scopes its cache names, counts its processes and its connections.
 */
void record_open(struct mmd *d, const struct session *s)
{
	uint32_t uid = (uint32_t)s->uid;
	uint8_t bytes[5] = {s->admin, (uint8_t)(uid >> 24),
			    (uint8_t)(uid >> 16), (uint8_t)(uid >> 8),
			    (uint8_t)uid};

	record_event(d, REC_OPEN, s, bytes, sizeof(bytes));
}

/* A report's text as the recording's last word on the machine. */
static void record_report(struct mmd *d, enum recording_kind kind,
			  int (*report)(const struct machine *,
					struct seq_buf *))
{
	seq_buf_clear(&d->seq);
	if (report(d->m, &d->seq) || d->seq.err || !d->seq.buf)
		return;
	record_event(d, kind, NULL, d->seq.buf, (uint32_t)d->seq.len);
}

void record_stop(struct mmd *d)
{
	if (!d->record)
		return;
	record_report(d, REC_BUDDYINFO, report_buddyinfo);
	record_report(d, REC_SLABINFO, report_slabinfo);
	if (d->record && fclose(d->record))
		mmd_log(MMD_ERR "recording: cannot finish %s: %s",
			d->record_path, strerror(errno));
	d->record = NULL;
}
