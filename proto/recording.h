/* SPDX-License-Identifier: MIT */
/*
 * recording.h - the file mmd writes with --record and mmtrace --replay
 * reads: a run of the daemon, session by session and frame by frame.
 *
 * Owns: the format (docs/recording.md). A recording starts with the
 * line "MMREC 1", then "layout N" and N bytes of the resolved layout in
 * YAML, then records, each a kind byte, a 4-byte big-endian session
 * number, a 4-byte big-endian length and that many bytes:
 *
 *   'O' a session connected (one byte: 1 if it may make admin requests)
 *   'F' a frame it sent: the message's bytes, as on the wire
 *   'C' it closed (no bytes)
 *   'K' between requests, kswapd ran or waiting requests were retried
 *       (session 0, no bytes)
 *   'T' the wait timer ticked: waiting requests retried, the overdue
 *       timed out (session 0, no bytes)
 *   'P' kcompactd's proactive timeout did something: it compacted, or
 *       counted off a deferral (session 0, no bytes)
 *   'B' the machine's buddyinfo when the recording ended (session 0)
 *   'S' its slabinfo when the recording ended (session 0)
 *
 * Sessions are numbered from 1 in the order they connected. Must never:
 * trust a length it reads; a recording is input like any other.
 */
#ifndef MM_PROTO_RECORDING_H
#define MM_PROTO_RECORDING_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define RECORDING_MAGIC "MMREC 1\n"
/* The largest record a reader takes (a frame is at most 1 GiB). */
#define RECORDING_MAX_LEN (1u << 30)

enum recording_kind {
	REC_OPEN = 'O',
	REC_FRAME = 'F',
	REC_CLOSE = 'C',
	REC_KSWAPD = 'K',
	REC_TICK = 'T',
	REC_KCOMPACTD = 'P', /* kcompactd's proactive timeout */
	REC_BUDDYINFO = 'B',
	REC_SLABINFO = 'S',
};

/* The header: magic and the layout's YAML. 0 or -EIO. */
int recording_write_header(FILE *f, const char *yaml, size_t len);
/* One record. 0 or -EIO. */
int recording_write(FILE *f, enum recording_kind kind, uint32_t session,
		    const void *bytes, uint32_t len);

struct recording_record {
	enum recording_kind kind;
	uint32_t session;
	uint32_t len;
	uint8_t *bytes; /* malloc'ed, len bytes (+ a NUL); freed by the next
			   read or recording_record_free */
};

/*
 * The layout's YAML (malloc'ed, NUL-terminated) from the header. 0,
 * -EINVAL with why in err for anything that is not a recording.
 */
int recording_read_header(FILE *f, char **yaml, size_t *len, char *err,
			  size_t errlen);
/* The next record: 1, 0 at the end, -EINVAL with why in err. */
int recording_read(FILE *f, struct recording_record *r, char *err,
		   size_t errlen);
void recording_record_free(struct recording_record *r);

#endif /* MM_PROTO_RECORDING_H */
