/* SPDX-License-Identifier: MIT */
/*
 * mmctl.h - what the parts of mmctl share: the invocation, the exit codes,
 * the report table and each part's entry points.
 *
 * Owns: mmctl's internal interfaces (mmctl.c parses and dispatches,
 * mmctl_json.c turns report text into JSON, mmctl_term.c draws top and
 * watch, mmctl_vmstat.c prints vmstat's rates, mmctl_map.c draws the
 * map). Must never: be installed or used by
 * anything but mmctl; mmctl talks to mmd only through libmmclient.
 */
#ifndef MMCTL_H
#define MMCTL_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include <json-c/json.h>

#include "client/mmclient.h"

/* Exit codes: success, an error from the daemon (or reaching it), usage. */
#define EXIT_DAEMON 1
#define EXIT_USAGE  2

/* One run of mmctl: the global options and, once made, the connection. */
struct mmctl {
	const char *socket; /* NULL: $MMD_SOCKET or the default */
	bool json;
	const char *input;  /* a kernel's file to read instead ("-": stdin) */
	bool help, version; /* -h, -V seen */
	struct mmc *c;
};

/*
 * A real kernel file's text (--input) turned into JSON, or NULL with why
 * (naming the line) in err when the text is not in the format the
 * parser knows. A report_kind's to_json is NULL where the kernel has no
 * such file: mmd's reports reach --json as data, never as parsed text.
 */
typedef json_object *(*report_to_json_fn)(const char *text, char *err,
					  size_t len);

struct report_kind {
	const char *name;
	enum mmc_report kind;
	report_to_json_fn to_json;
	const char *help;
};

/* Every report mmctl shows, by name; NULL if none has that name. */
const struct report_kind *find_report(const char *name);
extern const struct report_kind report_kinds[];
extern const unsigned int nr_report_kinds;

/*
 * getopt_long over a command's arguments (argv[0] its name): mmctl's
 * global options (-s, -j, -i, -h, -V, in any order, bundled, before or
 * after the operands, until "--") are taken into ctl, -h printing the
 * command's help and exiting 0; the command's own (shortopts, "" for
 * none, and longopts, NULL for none) are returned as getopt_long returns
 * them, with optarg. -1 at the end, optind then indexing the first
 * operand; '?' after printing the error for an unknown option or a
 * missing argument. Call with optind = 0 first.
 */
int mmctl_getopt(struct mmctl *ctl, int argc, char **argv,
		 const char *shortopts, const struct option *longopts);

/* Connect once (exits 1 with the reason on failure). */
struct mmc *mmctl_connect(struct mmctl *ctl);
/* Print "mmctl: what: the daemon's message" and return EXIT_DAEMON. */
int mmctl_daemon_error(struct mmctl *ctl, const char *what, int err);
/* Print "mmctl: msg" and the command's usage; return EXIT_USAGE. */
int mmctl_usage_error(const char *command, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Write one JSON document to out, pretty, with a newline. */
void mmctl_print_json(FILE *out, json_object *doc, bool pretty);
/* Parse "N" or "N.N" seconds (> 0, at most a day) into milliseconds. */
int mmctl_parse_seconds(const char *s, unsigned int *ms);
/* Parse a whole decimal or 0x-hex unsigned number. */
int mmctl_parse_u64(const char *s, unsigned long long *v);

/* mmctl_json.c: one parser per report. */
json_object *meminfo_to_json(const char *text, char *err, size_t len);
json_object *buddyinfo_to_json(const char *text, char *err, size_t len);
json_object *extfrag_to_json(const char *text, char *err, size_t len);
json_object *pagetypeinfo_to_json(const char *text, char *err, size_t len);
json_object *zoneinfo_to_json(const char *text, char *err, size_t len);
json_object *vmstat_to_json(const char *text, char *err, size_t len);
json_object *slabinfo_to_json(const char *text, char *err, size_t len);
json_object *vmallocinfo_to_json(const char *text, char *err, size_t len);
json_object *media_mem_to_json(const char *text, char *err, size_t len);
json_object *status_to_json(const char *text, char *err, size_t len);
json_object *cma_to_json(const char *text, char *err, size_t len);
json_object *maps_to_json(const char *text, char *err, size_t len);
json_object *numa_maps_to_json(const char *text, char *err, size_t len);
json_object *node_meminfo_to_json(const char *text, char *err, size_t len);
json_object *smaps_to_json(const char *text, char *err, size_t len);
json_object *smaps_rollup_to_json(const char *text, char *err, size_t len);

/* mmctl_page.c: struct page, and one slab cache's attributes. */
int cmd_kpageflags(struct mmctl *ctl, int argc, char **argv);
int cmd_pagemap(struct mmctl *ctl, int argc, char **argv);
int cmd_kpagecount(struct mmctl *ctl, int argc, char **argv);
int cmd_page_types(struct mmctl *ctl, int argc, char **argv);
int cmd_dump_page(struct mmctl *ctl, int argc, char **argv);
int cmd_page_owners(struct mmctl *ctl, int argc, char **argv);
int cmd_page_owner(struct mmctl *ctl, int argc, char **argv);
int cmd_slab(struct mmctl *ctl, int argc, char **argv);

/* mmctl_term.c */
int cmd_top(struct mmctl *ctl, int argc, char **argv);
int cmd_watch(struct mmctl *ctl, int argc, char **argv);

/* Print a report (its text, or --json's document): 0 or an exit code. */
int mmctl_show_report(struct mmctl *ctl, const struct report_kind *r);

/* mmctl_data.c: a packed ReportData (mmc_report_data) as JSON, or NULL
 * with why in err. */
json_object *report_data_to_json(const void *buf, size_t len, char *err,
				 size_t errlen);
/* A structured report's JSON printed, naming what on a bad one: 0 or
 * mmctl's exit code. */
int mmctl_print_report_data(struct mmctl *ctl, const char *what,
			    const void *buf, size_t len);
/* n (at most 8) reports as data, pipelined, each as JSON in *docs[i]:
 * 0 or mmctl's exit code, having said why (what names the command). */
int mmctl_report_data_json(struct mmctl *ctl, const char *what,
			   const enum mmc_report *kinds, json_object ***docs,
			   int n);

/* mmctl_numastat.c: numastat -m (meminfo) or -n, printed, or its JSON
 * in *doc when doc is not NULL: 0 or mmctl's exit code. */
int numastat_system(struct mmctl *ctl, bool meminfo, json_object **doc);

/* mmctl_vmstat.c */
int cmd_vmstat(struct mmctl *ctl, int argc, char **argv);

/* mmctl_map.c */
int cmd_map(struct mmctl *ctl, int argc, char **argv);
/* A PNG (by its name) or SVG picture of w x h that draw paints; an
 * SVG gets desc (if not NULL) as its <desc>. */
typedef struct _cairo cairo_t;
int map_write_picture(const char *path, int w, int h,
		      void (*draw)(cairo_t *cr, const void *arg),
		      const void *arg, const char *desc);
/*
 * A node's heading in map's text and pictures: its span and node-meminfo's
 * MemTotal, MemFree and MemUsed; drawn in a picture at y, w wide (the
 * y below it returned). Nodes: at most core's MAX_NUMNODES.
 */
#define MAP_MAX_NODES 8
#define MAP_NODE_LINE 160
#define MAP_NODE_H    38
/* A zone's place, as both maps hold it: its node and pfn span. */
struct map_span {
	unsigned int node;
	unsigned long start_pfn, pages;
};
/* Each node's heading into nodes[nid], from the zones' spans (in node
 * order); nothing asked on a one-node machine (numa false). */
int map_node_lines(struct mmctl *ctl, const struct map_span *zones,
		   unsigned int nr_zones, bool numa,
		   char (*nodes)[MAP_NODE_LINE]);
double map_draw_node(cairo_t *cr, const char *line, double y, double w);
/* The headings as an SVG's <desc> (malloc'd), NULL for one node. */
char *map_nodes_desc(const char (*nodes)[MAP_NODE_LINE], bool numa);
/* map --by-type (mmctl_map_type.c): output NULL for the terminal. */
int map_by_type(struct mmctl *ctl, const char *output, bool colour);

#endif /* MMCTL_H */
