/* SPDX-License-Identifier: MIT */
/*
 * replay_glibc.c - the replay backend that calls the host's own malloc,
 * the baseline every figure is compared with.
 *
 * Owns: the heap size of the host's malloc as a replay counts it: the
 * main arena's growth (sbrk) and the free bytes it held when the replay
 * began, plus the chunks glibc gave a mapping of their own (read from
 * glibc's chunk header: size | IS_MMAPPED just below the payload). That
 * is the trace's heap only in a process that has done little else:
 * replay_glibc_fresh runs one. Must never:
 * be run under a sanitizer that replaces malloc (the header is not
 * glibc's there); the tests use the direct backend.
 */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/replay.h"

#define GLIBC_IS_MMAPPED 0x2
#define GLIBC_SIZE_BITS	 0x7

struct glibc {
	uintptr_t base;	  /* the break, less the arena's free bytes */
	uint64_t mmapped; /* bytes of live mmapped chunks */
	char errmsg[64];
};

/* The chunk's size if glibc mapped it on its own, else 0. */
static uint64_t mmapped_size(uintptr_t addr)
{
	size_t hdr;

	memcpy(&hdr, (const void *)(addr - sizeof(hdr)), sizeof(hdr));
	return hdr & GLIBC_IS_MMAPPED ? hdr & ~(size_t)GLIBC_SIZE_BITS : 0;
}

static int glibc_nomem(struct glibc *g, uint64_t size)
{
	snprintf(g->errmsg, sizeof(g->errmsg), "no memory for %lu bytes",
		 (unsigned long)size);
	return -ENOMEM;
}

static int glibc_malloc(void *ctx, uint64_t size, uint64_t *addr)
{
	struct glibc *g = ctx;
	void *p = malloc(size);

	if (!p)
		return glibc_nomem(g, size);
	g->mmapped += mmapped_size((uintptr_t)p);
	*addr = (uintptr_t)p;
	return 0;
}

static int glibc_free(void *ctx, uint64_t addr)
{
	struct glibc *g = ctx;
	void *p = (void *)(uintptr_t)addr;

	if (p)
		g->mmapped -= mmapped_size(addr);
	free(p);
	return 0;
}

static int glibc_realloc(void *ctx, uint64_t addr, uint64_t size,
			 uint64_t *new_addr)
{
	struct glibc *g = ctx;
	void *p = (void *)(uintptr_t)addr;
	uint64_t was = p ? mmapped_size(addr) : 0;
	void *q = realloc(p, size);

	if (!q && size)
		return glibc_nomem(g, size);
	g->mmapped -= was;
	if (q)
		g->mmapped += mmapped_size((uintptr_t)q);
	*new_addr = (uintptr_t)q;
	return 0;
}

static int glibc_write(void *ctx, uint64_t addr, const void *buf, size_t len)
{
	(void)ctx;
	memcpy((void *)(uintptr_t)addr, buf, len);
	return 0;
}

static int glibc_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	(void)ctx;
	memcpy(buf, (const void *)(uintptr_t)addr, len);
	return 0;
}

static uint64_t glibc_heap_size(void *ctx)
{
	const struct glibc *g = ctx;

	return (uintptr_t)sbrk(0) - g->base + g->mmapped;
}

/*
 * The arena's free bytes count as heap the trace may use, as they are:
 * so the figure is true in a fresh process (replay_fresh.c makes one).
 */
static int glibc_reset(void *ctx)
{
	struct glibc *g = ctx;
	struct mallinfo2 mi = mallinfo2();

	g->base = (uintptr_t)sbrk(0) - mi.fordblks;
	g->mmapped = 0;
	return 0;
}

static const char *glibc_error(void *ctx)
{
	const struct glibc *g = ctx;

	return g->errmsg;
}

static void glibc_close(void *ctx)
{
	free(ctx);
}

static const struct replay_ops glibc_ops = {
	.name = "glibc",
	.malloc = glibc_malloc,
	.free = glibc_free,
	.realloc = glibc_realloc,
	.write = glibc_write,
	.read = glibc_read,
	.heap_size = glibc_heap_size,
	.reset = glibc_reset,
	.error = glibc_error,
	.close = glibc_close,
};

int replay_glibc_open(struct replay_backend *b, char *err, size_t errlen)
{
	struct glibc *g = calloc(1, sizeof(*g));

	if (!g) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	b->ops = &glibc_ops;
	b->ctx = g;
	return 0;
}
