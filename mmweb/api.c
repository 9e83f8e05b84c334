/* SPDX-License-Identifier: MIT */
/*
 * api.c - the browser's questions that are asked on demand: a map of
 * the range the browser has zoomed to, one frame's details and owners,
 * one process's status and maps, a page-table walk.
 *
 * Owns: checking each question's arguments (a bad one is HTTP 400 with
 * why, before mmd is asked) and putting mmd's answers, its reports'
 * data as JSON (data.c), into one reply. Must
 * never: ask mmd more than a fixed number of calls per question (a
 * frame's owners are one), or hold the link while it waits for the
 * browser.
 */
#include "mmweb/mmweb.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void api_error(struct api_reply *r, unsigned int status, const char *msg)
{
	buf_free(&r->body);
	r->status = status;
	r->type = "application/json";
	buf_str(&r->body, "{\"error\":");
	buf_json_str(&r->body, msg);
	buf_str(&r->body, "}");
}

/* mmd's errno as HTTP: bad input 400, no such thing 404, no right 403. */
void api_errno(struct mmd_link *l, struct api_reply *r, int err)
{
	unsigned int status =
		err == -EINVAL					    ? 400
		: err == -ESRCH || err == -ENOENT || err == -EFAULT ? 404
		: err == -EPERM					    ? 403
								    : 502;
	char msg[300];

	snprintf(msg, sizeof(msg), "%s: %s", mmc_strerror(err),
		 l->c ? mmc_errmsg(l->c) : "");
	api_error(r, status, msg);
	link_check(l, err);
}

/* A whole number, decimal or 0x hex, and nothing after it. */
static bool parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (!s || !*s || *s == '-')
		return false;
	errno = 0;
	*v = strtoull(s, &end, 0);
	return !errno && !*end;
}

static bool args_ok(struct api_reply *r, int n, const char *const *s,
		    uint64_t *v)
{
	for (int i = 0; i < n; i++)
		if (!parse_u64(s[i], &v[i])) {
			api_error(r, 400, "a number is missing or malformed");
			return false;
		}
	return true;
}

static struct mmc *link_or_503(struct mmd_link *l, struct api_reply *r)
{
	struct mmc *c = link_get(l);

	if (!c)
		api_error(r, 503, "mmd is not connected");
	return c;
}

void api_frames(struct mmd_link *l, const char *start, const char *nr,
		const char *cells, const char *pageblocks, struct api_reply *r)
{
	bool by_block = pageblocks && !strcmp(pageblocks, "1");
	const char *s[3] = {start, nr, cells};
	uint64_t v[3];
	static __thread uint8_t map[MMC_FRAME_CELLS_MAX];
	size_t got = 0;
	struct mmc *c;
	int err;

	if (!args_ok(r, 3, s, v))
		return;
	if (v[2] < 1 || v[2] > MMC_FRAME_CELLS_MAX)
		return api_error(r, 400, "cells: 1 to 16384");
	if (!(c = link_or_503(l, r)))
		return;
	err = by_block
		      ? mmc_pageblock_cells(c, v[0], v[1], (size_t)v[2], map,
					    &got)
		      : mmc_frame_cells(c, v[0], v[1], (size_t)v[2], map, &got);
	if (err) {
		api_errno(l, r, err);
	} else {
		r->status = 200;
		r->type = "application/octet-stream";
		r->per_cell = (unsigned long)((v[1] + v[2] - 1) / v[2]);
		buf_add(&r->body, (const char *)map, got);
	}
	link_put(l);
}

/*
 * One frame: dump_page's data, its kpageflags and kpagecount, and its
 * owners (one mmd call: core's reverse lookup, rmap for user pages, the
 * slab cache, vmalloc area, page table, file, MMZ block; a free frame's
 * state and order), each as mmd's data.
 */
void api_page(struct mmd_link *l, const char *pfn, struct api_reply *r)
{
	uint64_t v, flags = 0, count = 0;
	const char *s[1] = {pfn};
	struct buf dump = {0}, owners = {0};
	size_t got;
	struct mmc *c;
	int err;

	if (!args_ok(r, 1, s, &v) || !(c = link_or_503(l, r)))
		return;
	err = report_json(c, MMC_REPORT_DUMP_PAGE, 0, v, &dump);
	if (!err)
		err = report_json(c, MMC_REPORT_PAGE_OWNERS, 0, v, &owners);
	if (!err && (dump.oom || owners.oom))
		err = -ENOMEM;
	if (!err)
		err = mmc_kpageflags(c, v, 1, &flags, &got);
	if (!err)
		err = mmc_kpagecount(c, v, 1, &count, &got);
	if (err) {
		api_errno(l, r, err);
	} else {
		r->status = 200;
		r->type = "application/json";
		buf_printf(&r->body,
			   "{\"pfn\":%" PRIu64 ",\"kpageflags\":\"0x%" PRIx64
			   "\",\"kpagecount\":%" PRIu64 ",\"dump\":",
			   v, flags, count);
		buf_add(&r->body, dump.s, dump.len);
		buf_str(&r->body, ",\"owners\":");
		buf_add(&r->body, owners.s, owners.len);
		buf_str(&r->body, "}");
	}
	buf_free(&dump);
	buf_free(&owners);
	link_put(l);
}

/* One process: its status and its maps, as mmd's data. */
void api_proc(struct mmd_link *l, const char *pid, struct api_reply *r)
{
	uint64_t v;
	const char *s[1] = {pid};
	struct buf status = {0}, maps = {0};
	struct mmc *c;
	int err;

	if (!args_ok(r, 1, s, &v) || !(c = link_or_503(l, r)))
		return;
	if (v > INT32_MAX) {
		link_put(l);
		return api_error(r, 400, "pid: too large");
	}
	err = report_json(c, MMC_REPORT_STATUS, (int)v, 0, &status);
	if (!err)
		err = report_json(c, MMC_REPORT_MAPS, (int)v, 0, &maps);
	if (!err && (status.oom || maps.oom))
		err = -ENOMEM;
	if (err) {
		api_errno(l, r, err);
	} else {
		r->status = 200;
		r->type = "application/json";
		buf_printf(&r->body, "{\"pid\":%d,\"status\":", (int)v);
		buf_add(&r->body, status.s, status.len);
		buf_str(&r->body, ",\"maps\":");
		buf_add(&r->body, maps.s, maps.len);
		buf_str(&r->body, "}");
	}
	buf_free(&status);
	buf_free(&maps);
	link_put(l);
}

/* A page-table walk, as mmd's data (each level's entry decoded). */
void api_walk(struct mmd_link *l, const char *pid, const char *addr,
	      struct api_reply *r)
{
	uint64_t v[2];
	const char *s[2] = {pid, addr};
	struct buf walk = {0};
	struct mmc *c;
	int err;

	if (!args_ok(r, 2, s, v) || !(c = link_or_503(l, r)))
		return;
	if (v[0] > INT32_MAX) {
		link_put(l);
		return api_error(r, 400, "pid: too large");
	}
	err = report_json(c, MMC_REPORT_PAGEWALK, (int)v[0], v[1], &walk);
	if (!err && walk.oom)
		err = -ENOMEM;
	if (err) {
		api_errno(l, r, err);
	} else {
		r->status = 200;
		r->type = "application/json";
		buf_printf(&r->body,
			   "{\"pid\":%d,\"addr\":\"0x%" PRIx64 "\",\"walk\":",
			   (int)v[0], v[1]);
		buf_add(&r->body, walk.s, walk.len);
		buf_str(&r->body, "}");
	}
	buf_free(&walk);
	link_put(l);
}
