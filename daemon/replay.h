/* SPDX-License-Identifier: MIT */
/*
 * replay.h - mmd's session code driven by a recording instead of a
 * socket: the one door tools/ (mmtrace --replay) has into the daemon.
 *
 * Owns: the calls a replay makes, and nothing of the daemon's state:
 * struct mmd_replay is opaque, so a tool cannot come to depend on
 * sessions, connections or the loop. Must never: include server.h or
 * uv.h, or declare what a replay does not call.
 */
#ifndef MMD_REPLAY_H
#define MMD_REPLAY_H

#include <stddef.h>

struct layout;
struct machine;
struct recording_record;
struct mmd_replay;

/*
 * A daemon booted on a copy of l, with no socket, no signals and its loop
 * never run: only the records given to mmd_replay_step make anything
 * happen. 0 with *out set, or -errno with err saying why.
 */
int mmd_replay_new(struct mmd_replay **out, const struct layout *l, char *err,
		   size_t errlen);

/*
 * One record of the sessions and the loop (REC_OPEN, REC_FRAME, REC_CLOSE,
 * REC_KSWAPD, REC_TICK, REC_KCOMPACTD) done as mmd did it, then the writes it
 * started finished in order and the sessions it closed freed. Any other kind is
 * left to the caller (the reports to compare) and does nothing here.
 * 0, or -errno with err saying why; the recording is untrusted input.
 */
int mmd_replay_step(struct mmd_replay *rp, const struct recording_record *r,
		    char *err, size_t errlen);

/* The replayed machine, to print the reports the recording compares. */
const struct machine *mmd_replay_machine(const struct mmd_replay *rp);

/* Close every session still open, stop the daemon and free it all. */
void mmd_replay_free(struct mmd_replay *rp);

#endif /* MMD_REPLAY_H */
