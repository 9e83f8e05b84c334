/* SPDX-License-Identifier: MIT */
/*
 * poll.c - mmweb's link to mmd and the poller that watches it.
 *
 * Owns: connecting to mmd (again and again while it is away, so that a
 * restarted mmd is picked up), and each round's reads: the /proc-style
 * reports, a map of all of RAM sized to a screen (mmc_frame_cells) and
 * the scenario panel, published as parts (state.c), and the
 * pageblocks' migrate types (mmc_pageblock_cells). Must never: hold
 * the link while it sleeps, or read more per round than a fixed bound
 * (a few reports, one map of MAP_CELLS cells and one of at most
 * PAGEBLOCK_CELLS, whatever the machine's size).
 */
#include "mmweb/mmweb.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The overview map: cells enough for a wide screen, 8 KiB of hex. */
#define MAP_CELLS 4096
/* The pageblocks' map: at most this many cells (a pageblock each while
 * RAM has no more pageblocks than that: 8 GiB of 2 MiB ones). */
#define PAGEBLOCK_CELLS 4096
/* The kernel log's tail the events panel gets. */
#define DMESG_BYTES 8192

struct mmc *link_get(struct mmd_link *l)
{
	pthread_mutex_lock(&l->lock);
	if (!l->c) {
		pthread_mutex_unlock(&l->lock);
		return NULL;
	}
	return l->c;
}

void link_put(struct mmd_link *l)
{
	pthread_mutex_unlock(&l->lock);
}

void link_check(struct mmd_link *l, int err)
{
	if (!err || !l->c || mmc_ping(l->c) == 0)
		return;
	mmc_close(l->c);
	l->c = NULL;
}

/* The zones, from the frames report's "zone NAME start_pfn S pages N". */
static void zones_json(struct mmd_link *l, const char *frames, struct buf *b)
{
	const char *p = frames;
	char name[32];
	unsigned long long start, pages;
	bool first = true;

	buf_str(b, "[");
	while ((p = strstr(p, "\nzone "))) {
		p++;
		if (sscanf(p, "zone %31s start_pfn %llu pages %llu", name,
			   &start, &pages) != 3)
			continue;
		buf_printf(b,
			   "%s{\"name\":\"%s\",\"start\":%llu,\"pages\":%llu}",
			   first ? "" : ",", name, start, pages);
		first = false;
		if (start + pages > l->max_pfn)
			l->max_pfn = start + pages;
	}
	buf_str(b, "]");
}

static void publish_status(struct mmd_link *l, const char *zones)
{
	struct buf b = {0};

	if (!l->c) {
		buf_printf(&b, "{\"connected\":false,\"socket\":");
		buf_json_str(&b, l->socket ? l->socket : "");
		buf_str(&b, "}");
	} else {
		const struct mmc_info *i = mmc_info(l->c);

		buf_printf(&b,
			   "{\"connected\":true,\"machine\":\"%s\",\"arch\":"
			   "\"%s\",\"page_size\":%u,\"max_order\":%u,"
			   "\"nr_cpus\":%u,\"admin\":%s,\"pid\":%d,"
			   "\"max_pfn\":%" PRIu64 ",\"pageblock\":%lu,"
			   "\"zones\":%s}",
			   i->machine, i->arch, i->page_size, i->max_order,
			   i->nr_cpus, i->admin ? "true" : "false", i->pid,
			   l->max_pfn, l->pageblock, zones);
	}
	if (!b.oom)
		state_set(PART_STATUS, b.s);
	buf_free(&b);
}

/* The pageblock's size, from /proc/pagetypeinfo's "Pages per block". */
static unsigned long pageblock_pages(struct mmc *c)
{
	char *text = NULL, *at;
	unsigned long pages = 0;

	if (mmc_report(c, MMC_REPORT_PAGETYPEINFO, &text) == 0 &&
	    (at = strstr(text, "Pages per block:")))
		pages = strtoul(at + strlen("Pages per block:"), NULL, 10);
	free(text);
	return pages;
}

/* Connect, and learn the machine's zones, size and pageblock size. */
static void link_connect(struct mmd_link *l, struct buf *zones)
{
	struct mmc_options o = {"mmweb", 0, 0};
	char *frames = NULL;

	if (mmc_connect(l->socket, &o, &l->c))
		return;
	l->max_pfn = 0;
	if (mmc_report(l->c, MMC_REPORT_FRAMES, &frames) == 0)
		zones_json(l, frames, zones);
	free(frames);
	l->pageblock = pageblock_pages(l->c);
	if (!l->max_pfn || !l->pageblock) {
		mmc_close(l->c);
		l->c = NULL;
	}
}

static int publish_report(struct mmd_link *l, enum mmc_report kind, enum part p,
			  size_t tail)
{
	char *text = NULL;
	struct buf b = {0};
	int err = mmc_report(l->c, kind, &text);
	const char *from = text;

	if (err)
		return err;
	if (tail && strlen(text) > tail) {
		from = text + strlen(text) - tail;
		from = strchr(from, '\n') ? strchr(from, '\n') + 1 : from;
	}
	buf_json_str(&b, from);
	if (!b.oom)
		state_set(p, b.s);
	buf_free(&b);
	free(text);
	return 0;
}

static int publish_frames(struct mmd_link *l)
{
	static uint8_t cells[MAP_CELLS];
	size_t nr = 0;
	unsigned long per_cell = (l->max_pfn + MAP_CELLS - 1) / MAP_CELLS;
	struct buf b = {0};
	int err = mmc_frame_cells(l->c, 0, l->max_pfn, MAP_CELLS, cells, &nr);

	if (err)
		return err;
	buf_printf(&b,
		   "{\"start\":0,\"nr\":%" PRIu64 ",\"per_cell\":%lu,"
		   "\"cells\":\"",
		   l->max_pfn, per_cell);
	for (size_t i = 0; i < nr; i++)
		buf_printf(&b, "%02x", cells[i]);
	buf_str(&b, "\"}");
	if (!b.oom)
		state_set(PART_FRAMES, b.s);
	buf_free(&b);
	return 0;
}

/*
 * All of RAM by pageblock: cells of a whole number of pageblocks each
 * (one while there are at most PAGEBLOCK_CELLS), and a last, shorter
 * cell for a tail of RAM that is not a whole cell.
 */
static int publish_pageblocks(struct mmd_link *l)
{
	static uint8_t cells[PAGEBLOCK_CELLS + 1];
	uint64_t blocks = (l->max_pfn + l->pageblock - 1) / l->pageblock;
	uint64_t per_cell = l->pageblock *
			    ((blocks + PAGEBLOCK_CELLS - 1) / PAGEBLOCK_CELLS);
	uint64_t whole = l->max_pfn / per_cell * per_cell;
	size_t nr = 0, tail = 0;
	struct buf b = {0};
	int err = 0;

	if (whole)
		err = mmc_pageblock_cells(l->c, 0, whole, whole / per_cell,
					  cells, &nr);
	if (!err && whole < l->max_pfn)
		err = mmc_pageblock_cells(l->c, whole, l->max_pfn - whole, 1,
					  cells + nr, &tail);
	if (err)
		return err;
	buf_printf(&b,
		   "{\"start\":0,\"nr\":%" PRIu64 ",\"per_cell\":%" PRIu64
		   ",\"pageblock\":%lu,\"cells\":\"",
		   l->max_pfn, per_cell, l->pageblock);
	for (size_t i = 0; i < nr + tail; i++)
		buf_printf(&b, "%02x", cells[i]);
	buf_str(&b, "\"}");
	if (!b.oom)
		state_set(PART_PAGEBLOCKS, b.s);
	buf_free(&b);
	return 0;
}

static int poll_round(struct mmd_link *l)
{
	static const struct {
		enum mmc_report kind;
		enum part part;
		size_t tail;
	} reports[] = {
		{MMC_REPORT_MEMINFO, PART_MEMINFO, 0},
		{MMC_REPORT_BUDDYINFO, PART_BUDDYINFO, 0},
		{MMC_REPORT_ZONEINFO, PART_ZONEINFO, 0},
		{MMC_REPORT_VMSTAT, PART_VMSTAT, 0},
		{MMC_REPORT_SLABINFO, PART_SLABINFO, 0},
		{MMC_REPORT_PS, PART_PS, 0},
		{MMC_REPORT_DMESG, PART_DMESG, DMESG_BYTES},
	};
	int err = 0;

	for (size_t i = 0; !err && i < sizeof(reports) / sizeof(*reports); i++)
		err = publish_report(l, reports[i].kind, reports[i].part,
				     reports[i].tail);
	if (!err)
		err = publish_frames(l);
	if (!err)
		err = publish_pageblocks(l);
	return err;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

void poll_run(struct mmd_link *l, unsigned int interval_ms, volatile bool *stop)
{
	struct buf zones = {0};

	while (!*stop) {
		struct buf scen = {0};

		pthread_mutex_lock(&l->lock);
		if (!l->c) {
			buf_free(&zones);
			link_connect(l, &zones);
		}
		if (l->c)
			link_check(l, poll_round(l));
		publish_status(l, zones.s ? zones.s : "[]");
		pthread_mutex_unlock(&l->lock);
		scenario_poll(&scen);
		if (!scen.oom && scen.s)
			state_set(PART_SCENARIO, scen.s);
		buf_free(&scen);
		state_commit();
		sleep_ms(interval_ms);
	}
	buf_free(&zones);
}
