/* SPDX-License-Identifier: MIT */
/*
 * poll.c - mmweb's link to mmd and the poller that watches it.
 *
 * Owns: connecting to mmd (again and again while it is away, so that a
 * restarted mmd is picked up), and each round's reads: the reports as
 * data (their JSON: data.c), a map of all of RAM sized to a screen
 * (mmc_frame_cells; on a NUMA machine a map of each node, MAP_CELLS
 * cells in all, so that no cell straddles two nodes) and the scenario
 * panel, published as parts (state.c), the pageblocks' migrate types
 * (mmc_pageblock_cells) and each node's meminfo. Must never: hold the
 * link while it sleeps, or read more per round than a fixed bound (a few
 * reports, a node-meminfo a node, one map of MAP_CELLS cells (and a cell
 * a node more) and one of at most PAGEBLOCK_CELLS, whatever the
 * machine's size).
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
/* The kernel log's tail the events panel gets: its last records, this
 * many bytes of messages at most. */
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

/* The zones, from the frames report's data; each node's span from its
 * zones. */
static void zones_json(struct mmd_link *l, const Mm__Frames *f, struct buf *b)
{
	l->nr_nodes =
		f->nr_nodes < MMWEB_MAX_NODES ? f->nr_nodes : MMWEB_MAX_NODES;
	memset(l->nodes, 0, sizeof(l->nodes));
	buf_str(b, "[");
	for (size_t i = 0; i < f->n_zones; i++) {
		const Mm__FramesZone *z = f->zones[i];
		uint64_t end = z->start_pfn + z->pages;

		buf_str(b, i ? "," : "");
		buf_str(b, "{\"name\":");
		buf_json_str(b, z->zone);
		buf_printf(b,
			   ",\"node\":%" PRIu32 ",\"start\":%" PRIu64
			   ",\"pages\":%" PRIu64 "}",
			   z->node, z->start_pfn, z->pages);
		if (end > l->max_pfn)
			l->max_pfn = end;
		if (z->node >= l->nr_nodes)
			continue;
		if (!l->nodes[z->node].end ||
		    z->start_pfn < l->nodes[z->node].start)
			l->nodes[z->node].start = z->start_pfn;
		if (end > l->nodes[z->node].end)
			l->nodes[z->node].end = end;
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
			   "\"nr_nodes\":%u,\"zones\":%s}",
			   i->machine, i->arch, i->page_size, i->max_order,
			   i->nr_cpus, i->admin ? "true" : "false", i->pid,
			   l->max_pfn, l->pageblock, l->nr_nodes, zones);
	}
	if (!b.oom)
		state_set(PART_STATUS, b.s);
	buf_free(&b);
}

/* The pageblock's size, from pagetypeinfo's data. */
static unsigned long pageblock_pages(struct mmc *c)
{
	int err;
	Mm__ReportData *rd =
		report_data_get(c, MMC_REPORT_PAGETYPEINFO, 0, 0, &err);
	unsigned long pages =
		rd ? (unsigned long)rd->pagetypeinfo->pages_per_block : 0;

	if (rd)
		mm__report_data__free_unpacked(rd, NULL);
	return pages;
}

/* Connect, and learn the machine's zones, size and pageblock size. */
static void link_connect(struct mmd_link *l, struct buf *zones)
{
	struct mmc_options o = {"mmweb", 0, 0};
	Mm__ReportData *rd;
	int err;

	if (mmc_connect(l->socket, &o, &l->c))
		return;
	l->max_pfn = 0;
	rd = report_data_get(l->c, MMC_REPORT_FRAMES, 0, 0, &err);
	if (rd) {
		zones_json(l, rd->frames, zones);
		mm__report_data__free_unpacked(rd, NULL);
	}
	l->pageblock = pageblock_pages(l->c);
	if (!l->max_pfn || !l->pageblock) {
		mmc_close(l->c);
		l->c = NULL;
	}
}

/* A report's data as its part's JSON. */
static int publish_report(struct mmd_link *l, enum mmc_report kind, enum part p)
{
	struct buf b = {0};
	int err = report_json(l->c, kind, 0, 0, &b);

	if (!err && !b.oom)
		state_set(p, b.s);
	buf_free(&b);
	return err;
}

/* The kernel log's last records, no more than DMESG_BYTES of messages. */
static int publish_dmesg(struct mmd_link *l)
{
	struct buf b = {0};
	int err;
	Mm__ReportData *rd =
		report_data_get(l->c, MMC_REPORT_DMESG, 0, 0, &err);
	size_t n, from, bytes = 0;

	if (!rd)
		return err;
	n = rd->dmesg->n_records;
	for (from = n; from > 0; from--) {
		bytes += strlen(rd->dmesg->records[from - 1]->message) + 1;
		if (bytes > DMESG_BYTES)
			break;
	}
	buf_str(&b, "[");
	for (size_t i = from; i < n; i++) {
		buf_str(&b, i > from ? "," : "");
		report_message_json(&b, &rd->dmesg->records[i]->base);
	}
	buf_str(&b, "]");
	if (!b.oom)
		state_set(PART_DMESG, b.s);
	buf_free(&b);
	mm__report_data__free_unpacked(rd, NULL);
	return 0;
}

/* A node's cells' frames: mmc_frame_cells' ceil(pages / cells). */
static uint64_t node_per_cell(uint64_t pages, uint64_t per_cell)
{
	uint64_t cells = (pages + per_cell - 1) / per_cell;

	return cells ? (pages + cells - 1) / cells : 1;
}

/*
 * The map of all of RAM: MAP_CELLS cells of per_cell frames from pfn 0;
 * on a machine of several nodes, each node's span in cells of its own
 * (per_cell frames or fewer: a node's last cell stops at its end), their
 * cells one after the other, and "nodes" says where each node's begin.
 */
static int publish_frames(struct mmd_link *l)
{
	static uint8_t cells[MAP_CELLS + MMWEB_MAX_NODES];
	unsigned long per_cell = (l->max_pfn + MAP_CELLS - 1) / MAP_CELLS;
	size_t nr = 0, got[MMWEB_MAX_NODES] = {0};
	struct buf b = {0};
	int err = 0;

	if (l->nr_nodes <= 1)
		err = mmc_frame_cells(l->c, 0, l->max_pfn, MAP_CELLS, cells,
				      &nr);
	for (unsigned int n = 0; !err && l->nr_nodes > 1 && n < l->nr_nodes;
	     n++) {
		uint64_t pages = l->nodes[n].end - l->nodes[n].start;

		if (pages)
			err = mmc_frame_cells(l->c, l->nodes[n].start, pages,
					      (pages + per_cell - 1) / per_cell,
					      cells + nr, &got[n]);
		nr += got[n];
	}
	if (err)
		return err;
	buf_printf(&b,
		   "{\"start\":0,\"nr\":%" PRIu64 ",\"per_cell\":%lu,"
		   "\"cells\":\"",
		   l->max_pfn, per_cell);
	for (size_t i = 0; i < nr; i++)
		buf_printf(&b, "%02x", cells[i]);
	buf_str(&b, "\",\"nodes\":[");
	for (unsigned int n = 0; l->nr_nodes > 1 && n < l->nr_nodes; n++) {
		uint64_t pages = l->nodes[n].end - l->nodes[n].start;

		buf_printf(&b,
			   "%s{\"node\":%u,\"start\":%" PRIu64
			   ",\"nr\":%" PRIu64 ",\"per_cell\":%" PRIu64
			   ",\"cells\":%zu}",
			   n ? "," : "", n, l->nodes[n].start, pages,
			   node_per_cell(pages, per_cell), got[n]);
	}
	buf_str(&b, "]}");
	if (!b.oom)
		state_set(PART_FRAMES, b.s);
	buf_free(&b);
	return 0;
}

/* Each node's /sys/devices/system/node/nodeN/meminfo (NodeMeminfo's
 * data), on a machine of several nodes: one report a node. */
static int publish_nodes(struct mmd_link *l)
{
	struct buf b = {0};
	int err = 0;

	if (l->nr_nodes <= 1)
		return 0;
	buf_str(&b, "[");
	for (unsigned int n = 0; !err && n < l->nr_nodes; n++) {
		buf_str(&b, n ? "," : "");
		err = report_json(l->c, MMC_REPORT_NODE_MEMINFO, 0, n, &b);
	}
	buf_str(&b, "]");
	if (!err && !b.oom)
		state_set(PART_NODES, b.s);
	buf_free(&b);
	return err;
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
	} reports[] = {
		{MMC_REPORT_MEMINFO, PART_MEMINFO},
		{MMC_REPORT_BUDDYINFO, PART_BUDDYINFO},
		{MMC_REPORT_ZONEINFO, PART_ZONEINFO},
		{MMC_REPORT_VMSTAT, PART_VMSTAT},
		{MMC_REPORT_SLABINFO, PART_SLABINFO},
		{MMC_REPORT_PS, PART_PS},
	};
	int err = 0;

	for (size_t i = 0; !err && i < sizeof(reports) / sizeof(*reports); i++)
		err = publish_report(l, reports[i].kind, reports[i].part);
	if (!err)
		err = publish_dmesg(l);
	if (!err)
		err = publish_frames(l);
	if (!err)
		err = publish_nodes(l);
	if (!err)
		err = publish_pageblocks(l);
	return err;
}

static void sleep_ms(unsigned int ms)
{
	struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

	nanosleep(&ts, NULL);
}

/*
 * Connect if the link is down. A link just made is published (and the
 * streams woken) at once: the first round on a big machine takes
 * seconds (its maps), and a browser should not see mmd as gone that
 * long after mmd accepts again.
 */
static void link_up(struct mmd_link *l, struct buf *zones)
{
	if (l->c)
		return;
	buf_free(zones);
	link_connect(l, zones);
	if (!l->c)
		return;
	publish_status(l, zones->s ? zones->s : "[]");
	state_commit();
}

void poll_run(struct mmd_link *l, unsigned int interval_ms, volatile bool *stop)
{
	struct buf zones = {0};

	while (!*stop) {
		struct buf scen = {0};

		pthread_mutex_lock(&l->lock);
		link_up(l, &zones);
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
