/* SPDX-License-Identifier: MIT */
/*
 * replay_direct.c - the replay backend that runs core's malloc in this
 * process: a machine booted from a built-in layout, one simulated
 * process, and user_malloc and friends called directly.
 *
 * Owns: that machine and process. Must never: reach the machine by any
 * way a client could not (its calls are malloc.h's and access_user).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/err.h"
#include "core/layout.h"
#include "core/machine.h"
#include "core/libc/malloc.h"
#include "core/mm.h"
#include "core/task.h"
#include "tools/replay.h"

/* Room for the biggest trace many times over. */
#define DIRECT_MEMORY (1ULL << 30)

struct direct {
	struct machine *m;
	struct mm_struct *mm;
	int pid;
};

static int direct_malloc(void *ctx, uint64_t size, uint64_t *addr)
{
	struct direct *d = ctx;

	return user_malloc(d->m, d->mm, size, addr);
}

static int direct_free(void *ctx, uint64_t addr)
{
	struct direct *d = ctx;

	return user_free(d->m, d->mm, addr);
}

static int direct_realloc(void *ctx, uint64_t addr, uint64_t size,
			  uint64_t *new_addr)
{
	struct direct *d = ctx;

	return user_realloc(d->m, d->mm, addr, size, new_addr);
}

static int direct_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	struct direct *d = ctx;
	struct user_fault fault;

	return access_user(d->m, d->mm, addr, (void *)buf, len, USER_WRITE,
			   &fault);
}

static int direct_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct direct *d = ctx;
	struct user_fault fault;

	return access_user(d->m, d->mm, addr, buf, len, USER_READ, &fault);
}

/* The brk span malloc made, and its mappings. */
static uint64_t direct_heap_size(void *ctx)
{
	const struct direct *d = ctx;

	return d->mm->malloc.heap_bytes + d->mm->malloc.mmapped_bytes;
}

/* A fresh process: the old one exits with all it had. */
static int direct_reset(void *ctx)
{
	struct direct *d = ctx;
	int err;

	if (d->pid)
		task_exit(d->m, d->pid, NULL);
	d->pid = 0;
	err = task_create(d->m, "mmtrace", 0, 0, &d->pid);
	if (!err)
		err = task_switch(d->m, d->pid);
	if (err)
		return err;
	d->mm = find_task_by_pid(d->m, d->pid)->mm;
	return 0;
}

static const char *direct_error(void *ctx)
{
	const struct direct *d = ctx;

	return d->m->errmsg;
}

static void direct_close(void *ctx)
{
	struct direct *d = ctx;

	machine_destroy(d->m);
	free(d);
}

static const struct replay_ops direct_ops = {
	.name = "direct",
	.malloc = direct_malloc,
	.free = direct_free,
	.realloc = direct_realloc,
	.write = direct_write,
	.read = direct_read,
	.heap_size = direct_heap_size,
	.reset = direct_reset,
	.error = direct_error,
	.close = direct_close,
};

/* An x86_64 machine with DMA and DMA32 only, as the unit tests boot. */
static void direct_layout(struct layout *l)
{
	layout_default(l);
	l->memory = DIRECT_MEMORY;
	l->nr_zones = 2;
	l->zones[0] = (struct layout_zone){ZONE_DMA, 0, 16ULL << 20};
	l->zones[1] =
		(struct layout_zone){ZONE_DMA32, 16ULL << 20, DIRECT_MEMORY};
	l->nr_holes = 0;
	l->nr_devices = 0;
	l->limits.pages = DIRECT_MEMORY >> 12;
}

int replay_direct_open(struct replay_backend *b, char *err, size_t errlen)
{
	struct direct *d = calloc(1, sizeof(*d));
	struct layout l;

	if (!d) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	direct_layout(&l);
	d->m = machine_create(&l);
	if (IS_ERR(d->m)) {
		snprintf(err, errlen, "cannot boot a machine: %d",
			 (int)PTR_ERR(d->m));
		free(d);
		return -ENOMEM;
	}
	b->ops = &direct_ops;
	b->ctx = d;
	return 0;
}
