/* SPDX-License-Identifier: MIT */
/*
 * replay_mmc.c - the replay backend that runs a trace through mmd: one
 * session, whose process's own malloc serves every call over the wire.
 *
 * Owns: the session and the process a replay runs in (a fresh process,
 * forked from the session's own, for every reset, so that each run
 * starts on an empty heap), and the heap size as mallinfo2 gives it.
 * Must never: reach the machine but through libmmclient.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/mmclient.h"
#include "tools/replay.h"

struct mmc_replay {
	struct mmc *c;
	int pid; /* the process the replay runs in; 0 before the first */
	char errmsg[256];
};

static int mmc_fail(struct mmc_replay *r, int err)
{
	snprintf(r->errmsg, sizeof(r->errmsg), "%s: %s", mmc_strerror(err),
		 mmc_errmsg(r->c));
	return err;
}

static int mmc_rp_malloc(void *ctx, uint64_t size, uint64_t *addr)
{
	struct mmc_replay *r = ctx;
	int err = mmc_malloc(r->c, r->pid, size, addr);

	return err ? mmc_fail(r, err) : 0;
}

static int mmc_rp_free(void *ctx, uint64_t addr)
{
	struct mmc_replay *r = ctx;
	int err = mmc_free(r->c, r->pid, addr);

	return err ? mmc_fail(r, err) : 0;
}

static int mmc_rp_realloc(void *ctx, uint64_t addr, uint64_t size,
			  uint64_t *new_addr)
{
	struct mmc_replay *r = ctx;
	int err = mmc_realloc(r->c, r->pid, addr, size, new_addr);

	return err ? mmc_fail(r, err) : 0;
}

/* Bytes go in pieces that fit a frame, as a program's writes would. */
static int mmc_rp_access(struct mmc_replay *r, uint64_t addr, void *buf,
			 size_t len, bool write)
{
	size_t max = mmc_info(r->c)->max_frame_bytes - 128;

	while (len) {
		size_t n = len < max ? len : max;
		int err = write ? mmc_write_vm(r->c, r->pid, addr, buf, n, NULL)
				: mmc_read_vm(r->c, r->pid, addr, buf, n, NULL);

		if (err)
			return mmc_fail(r, err);
		addr += n;
		buf = (uint8_t *)buf + n;
		len -= n;
	}
	return 0;
}

static int mmc_rp_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	return mmc_rp_access(ctx, addr, (void *)buf, len, true);
}

static int mmc_rp_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	return mmc_rp_access(ctx, addr, buf, len, false);
}

static uint64_t mmc_rp_heap_size(void *ctx)
{
	struct mmc_replay *r = ctx;
	struct mmc_mallinfo mi;

	if (mmc_mallinfo(r->c, r->pid, &mi))
		return 0;
	return mi.arena + mi.hblkhd;
}

/* A fresh process: forked before the session's own ever mallocs. */
static int mmc_rp_reset(void *ctx)
{
	struct mmc_replay *r = ctx;
	int err;

	if (r->pid && (err = mmc_exit_process(r->c, r->pid)))
		return mmc_fail(r, err);
	r->pid = 0;
	err = mmc_fork(r->c, 0, &r->pid);
	return err ? mmc_fail(r, err) : 0;
}

static const char *mmc_rp_error(void *ctx)
{
	const struct mmc_replay *r = ctx;

	return r->errmsg;
}

static void mmc_rp_close(void *ctx)
{
	struct mmc_replay *r = ctx;

	mmc_close(r->c);
	free(r);
}

static const struct replay_ops mmc_replay_ops = {
	.name = "mmd",
	.malloc = mmc_rp_malloc,
	.free = mmc_rp_free,
	.realloc = mmc_rp_realloc,
	.write = mmc_rp_write,
	.read = mmc_rp_read,
	.heap_size = mmc_rp_heap_size,
	.reset = mmc_rp_reset,
	.error = mmc_rp_error,
	.close = mmc_rp_close,
};

int replay_mmc_open(struct replay_backend *b, const char *socket, char *err,
		    size_t errlen)
{
	struct mmc_options o = {"mmtrace", 0, 0};
	struct mmc_replay *r = calloc(1, sizeof(*r));
	int e;

	if (!r) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	e = mmc_connect(socket, &o, &r->c);
	if (e) {
		snprintf(err, errlen, "cannot reach mmd: %s", mmc_errmsg(NULL));
		free(r);
		return e;
	}
	b->ops = &mmc_replay_ops;
	b->ctx = r;
	return 0;
}
