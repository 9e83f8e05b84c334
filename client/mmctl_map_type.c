/* SPDX-License-Identifier: MIT */
/*
 * mmctl_map_type.c - map --by-type: a cell per pageblock, coloured by
 * its migrate type, showing how much of it is free, movable (on an LRU
 * list: compaction may move it) and unmovable.
 *
 * Owns: reading the daemon's pageblocks report as data (mm.proto's
 * Pageblocks: each pageblock's type, free, movable, unmovable and
 * absent pages; --json prints that data) and drawing
 * it in the terminal (the cell's background is the type, or none for a
 * block without RAM at its start, its character
 * the content: '.' all free, 'm' movable pages and no unmovable, 'u'
 * unmovable pages, '#' no RAM), as a PNG or an SVG (each cell a frame
 * of the type's colour around a bar of unmovable, movable and free
 * pages, bottom up), and as JSON. On a machine of several nodes the
 * zones come under their node's heading, as map's do (map_node_lines).
 * Must never: classify a page itself.
 */
#include "client/mmctl.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>

#include "proto/mm.pb-c.h"

#define BLOCKS_PER_ROW 32
#define BLOCK	       16
#define MARGIN	       12
#define TITLE_H	       24
#define ZONE_H	       18
#define ZONE_GAP       8
#define LEGEND_H       18
/* 8 nodes of 5 zones: core's MAX_NUMNODES and MAX_NR_ZONES. */
#define MAX_ZONES 40
#define NR_TYPES  6 /* and one more: no RAM, no type */

struct rgb {
	double r, g, b;
};

static const struct {
	char ch;
	const char *name;
	struct rgb colour;
} types[NR_TYPES + 1] = {
	{'U', "Unmovable", {0.80, 0.25, 0.20}},
	{'M', "Movable", {0.25, 0.55, 0.85}},
	{'R', "Reclaimable", {0.95, 0.65, 0.15}},
	{'H', "HighAtomic", {0.60, 0.35, 0.80}},
	{'C', "CMA", {0.20, 0.65, 0.35}},
	{'I', "Isolate", {0.45, 0.45, 0.45}},
	{'-', "no RAM", {0.93, 0.93, 0.93}},
};

/* The content's colours inside a cell. */
static const struct rgb c_free = {0.97, 0.97, 0.97};
static const struct rgb c_movable = {0.55, 0.80, 0.95};
static const struct rgb c_unmovable = {0.55, 0.10, 0.10};
static const struct rgb c_absent = {0.75, 0.75, 0.75};

struct block {
	int type;
	unsigned long free, movable, unmovable, absent;
};

struct block_zone {
	const char *name;
	unsigned int node;
	unsigned long start_pfn, pages;
	unsigned int first, nr; /* into map.blocks */
};

struct block_map {
	char *text;
	unsigned long per_block;
	const char *machine;
	unsigned int nr_zones, nr_blocks;
	struct block_zone zones[MAX_ZONES];
	struct block *blocks;
	bool numa; /* zones on more than one node: headings */
	char nodes[MAP_MAX_NODES][MAP_NODE_LINE];
};

/* A type by its name (mm.proto's Pageblock.type; "" no RAM), or -1. */
static int type_named(const char *name)
{
	if (!name[0])
		return NR_TYPES;
	for (int t = 0; t < NR_TYPES; t++)
		if (!strcmp(types[t].name, name))
			return t;
	return -1;
}

/* The map from the structured report; its strings stay in pb's. */
static int blocks_from_data(struct block_map *map, const Mm__Pageblocks *pb,
			    char *why, size_t len)
{
	size_t total = 0;

	for (size_t z = 0; z < pb->n_zones; z++)
		total += pb->zones[z]->n_blocks;
	if (pb->n_zones > MAX_ZONES || !pb->pages_per_block) {
		snprintf(why, len, "%zu zones of %llu pages", pb->n_zones,
			 (unsigned long long)pb->pages_per_block);
		return -EBADMSG;
	}
	map->blocks = calloc(total ? total : 1, sizeof(*map->blocks));
	if (!map->blocks)
		return -ENOMEM;
	map->per_block = pb->pages_per_block;
	for (size_t zi = 0; zi < pb->n_zones; zi++) {
		const Mm__PageblockZone *pz = pb->zones[zi];
		struct block_zone *z = &map->zones[map->nr_zones++];

		*z = (struct block_zone){pz->zone,	 pz->node,
					 pz->start_pfn,	 pz->pages,
					 map->nr_blocks, 0};
		if (z->node >= MAP_MAX_NODES) {
			snprintf(why, len, "zone %.20s on node %u", pz->zone,
				 z->node);
			return -EBADMSG;
		}
		map->numa |= z->node != map->zones[0].node;
		for (size_t i = 0; i < pz->n_blocks; i++, z->nr++) {
			const Mm__Pageblock *b = pz->blocks[i];
			struct block *c = &map->blocks[map->nr_blocks++];

			*c = (struct block){type_named(b->type), b->free,
					    b->movable, b->unmovable,
					    b->absent};
			if (c->type < 0) {
				snprintf(why, len, "pageblock type '%.20s'",
					 b->type);
				return -EBADMSG;
			}
		}
	}
	return 0;
}

/* Each node's heading, its span from its zones (in node order). */
static int blocks_nodes(struct mmctl *ctl, struct block_map *map)
{
	struct map_span spans[MAX_ZONES];

	for (unsigned int zi = 0; zi < map->nr_zones; zi++)
		spans[zi] = (struct map_span){map->zones[zi].node,
					      map->zones[zi].start_pfn,
					      map->zones[zi].pages};
	return map_node_lines(ctl, spans, map->nr_zones, map->numa, map->nodes);
}

/* Zone zi begins a node's section: the heading goes before it. */
static bool node_starts(const struct block_map *map, unsigned int zi)
{
	return map->numa &&
	       (!zi || map->zones[zi].node != map->zones[zi - 1].node);
}

/* The content's character: what a reader of the terminal cares for. */
static char block_char(const struct block *b)
{
	if (b->unmovable)
		return 'u';
	if (b->movable)
		return 'm';
	if (b->free)
		return '.';
	return '#';
}

/* ------------------------------------------------------------------ */
/* Terminal                                                            */

static unsigned int ansi256(struct rgb c)
{
	return 16 + 36 * (unsigned int)lround(c.r * 5) +
	       6 * (unsigned int)lround(c.g * 5) +
	       (unsigned int)lround(c.b * 5);
}

static void print_terminal(FILE *f, const struct block_map *map, bool colour)
{
	fprintf(f, "pageblocks of '%s' by migrate type: %lu pages per cell\n",
		map->machine, map->per_block);
	for (unsigned int zi = 0; zi < map->nr_zones; zi++) {
		const struct block_zone *z = &map->zones[zi];

		if (node_starts(map, zi))
			fprintf(f, "%s\n", map->nodes[z->node]);
		fprintf(f, "zone %s start_pfn %lu pages %lu\n", z->name,
			z->start_pfn, z->pages);
		for (unsigned int i = 0; i < z->nr; i++) {
			const struct block *b = &map->blocks[z->first + i];

			if (colour)
				fprintf(f, "\033[48;5;%u;38;5;231m",
					ansi256(types[b->type].colour));
			/* Without colour, the type's letter, the content's
			 * character and a space. */
			fputc(colour ? block_char(b) : types[b->type].ch, f);
			if (!colour)
				fprintf(f, "%c ", block_char(b));
			if (i % BLOCKS_PER_ROW == BLOCKS_PER_ROW - 1 ||
			    i + 1 == z->nr)
				fputs(colour ? "\033[0m\n" : "\n", f);
		}
	}
	fprintf(f, "legend: the %s is the type (",
		colour ? "colour" : "letter");
	for (int t = 0; t < NR_TYPES; t++) {
		if (colour)
			fprintf(f, "\033[48;5;%um \033[0m",
				ansi256(types[t].colour));
		fprintf(f, "%s%c %s", t ? ", " : "", types[t].ch,
			types[t].name);
	}
	fprintf(f, "); then 'u' unmovable pages in it, 'm' movable pages "
		   "and no unmovable, '.' all free, '#' no RAM\n");
}

/* ------------------------------------------------------------------ */
/* PNG and SVG                                                         */

static void set_colour(cairo_t *cr, struct rgb c)
{
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

static void draw_text(cairo_t *cr, double x, double y, const char *text)
{
	cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
	cairo_set_font_size(cr, 11);
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, text);
}

/* Part of a cell's bar, from the bottom up to where it ends. */
static double draw_bar(cairo_t *cr, double x, double bottom, double height,
		       unsigned long pages, unsigned long total, struct rgb c)
{
	double h = total ? height * (double)pages / (double)total : 0;

	set_colour(cr, c);
	cairo_rectangle(cr, x, bottom - h, BLOCK - 6, h);
	cairo_fill(cr);
	return bottom - h;
}

static void draw_block(cairo_t *cr, double x, double y, const struct block *b)
{
	unsigned long total = b->free + b->movable + b->unmovable + b->absent;
	double bottom = y + BLOCK - 3, height = BLOCK - 6;

	set_colour(cr, types[b->type].colour);
	cairo_rectangle(cr, x + 1, y + 1, BLOCK - 2, BLOCK - 2);
	cairo_fill(cr);
	bottom =
		draw_bar(cr, x + 3, bottom, height, b->absent, total, c_absent);
	bottom = draw_bar(cr, x + 3, bottom, height, b->unmovable, total,
			  c_unmovable);
	bottom = draw_bar(cr, x + 3, bottom, height, b->movable, total,
			  c_movable);
	draw_bar(cr, x + 3, bottom, height, b->free, total, c_free);
}

static double draw_legend(cairo_t *cr, double y)
{
	const struct {
		const char *name;
		struct rgb c;
	} inside[] = {{"free", c_free},
		      {"movable", c_movable},
		      {"unmovable", c_unmovable},
		      {"no RAM", c_absent}};
	double col = (double)BLOCKS_PER_ROW * BLOCK / 4;

	for (int t = 0; t < NR_TYPES; t++) {
		double x = MARGIN + (t % 4) * col, ly = y + (t / 4) * LEGEND_H;

		set_colour(cr, types[t].colour);
		cairo_rectangle(cr, x, ly + 3, 10, 10);
		cairo_fill(cr);
		draw_text(cr, x + 16, ly + 12, types[t].name);
	}
	y += 2 * LEGEND_H;
	for (int i = 0; i < 4; i++) {
		double x = MARGIN + i * col;

		set_colour(cr, (struct rgb){0.3, 0.3, 0.3});
		cairo_rectangle(cr, x, y + 3, 10, 10);
		cairo_fill(cr);
		set_colour(cr, inside[i].c);
		cairo_rectangle(cr, x + 2, y + 5, 6, 6);
		cairo_fill(cr);
		draw_text(cr, x + 16, y + 12, inside[i].name);
	}
	return y + LEGEND_H;
}

static unsigned int zone_rows(const struct block_zone *z)
{
	return (z->nr + BLOCKS_PER_ROW - 1) / BLOCKS_PER_ROW;
}

static void picture_size(const struct block_map *map, int *w, int *h)
{
	*w = 2 * MARGIN + BLOCKS_PER_ROW * BLOCK;
	*h = 2 * MARGIN + TITLE_H + 3 * LEGEND_H;
	for (unsigned int zi = 0; zi < map->nr_zones; zi++)
		*h += ZONE_H + (int)zone_rows(&map->zones[zi]) * BLOCK +
		      ZONE_GAP + (node_starts(map, zi) ? MAP_NODE_H : 0);
}

static void draw_map(cairo_t *cr, const struct block_map *map)
{
	char title[160];
	double y = MARGIN;

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
			       CAIRO_FONT_WEIGHT_NORMAL);
	snprintf(title, sizeof(title),
		 "pageblocks of '%s' by migrate type: %lu pages each",
		 map->machine, map->per_block);
	draw_text(cr, MARGIN, y + 15, title);
	y += TITLE_H;
	for (unsigned int zi = 0; zi < map->nr_zones; zi++) {
		const struct block_zone *z = &map->zones[zi];

		if (node_starts(map, zi))
			y = map_draw_node(cr, map->nodes[z->node], y,
					  BLOCKS_PER_ROW * BLOCK);
		snprintf(title, sizeof(title), "%s: pfn %lu, %lu pages",
			 z->name, z->start_pfn, z->pages);
		draw_text(cr, MARGIN, y + 13, title);
		y += ZONE_H;
		for (unsigned int i = 0; i < z->nr; i++)
			draw_block(cr, MARGIN + (i % BLOCKS_PER_ROW) * BLOCK,
				   y + (i / BLOCKS_PER_ROW) * BLOCK,
				   &map->blocks[z->first + i]);
		y += zone_rows(z) * BLOCK + ZONE_GAP;
	}
	draw_legend(cr, y);
}

static void draw_block_map(cairo_t *cr, const void *arg)
{
	draw_map(cr, arg);
}

static int write_picture(const struct block_map *map, const char *path)
{
	int w, h;

	char *desc = map_nodes_desc(map->nodes, map->numa);
	int err;

	picture_size(map, &w, &h);
	err = map_write_picture(path, w, h, draw_block_map, map, desc);
	free(desc);
	return err;
}

/* The map from its data; with --json the data itself, printed. */
static int map_by_type_data(struct mmctl *ctl, const void *buf, size_t len,
			    const char *output, bool colour)
{
	struct block_map map = {0};
	char why[160];
	Mm__ReportData *rd = mm__report_data__unpack(NULL, len, buf);
	int err = 0;

	if (!rd || rd->report_case != MM__REPORT_DATA__REPORT_PAGEBLOCKS) {
		fprintf(stderr, "mmctl: map: not a pageblocks report\n");
		err = EXIT_DAEMON;
	} else if (blocks_from_data(&map, rd->pageblocks, why, sizeof(why))) {
		fprintf(stderr, "mmctl: map: the pageblocks report: %s\n", why);
		err = EXIT_DAEMON;
	} else if ((err = blocks_nodes(ctl, &map))) {
		/* said */
	} else if (output) {
		map.machine = mmc_info(ctl->c)->machine;
		err = write_picture(&map, output);
	} else {
		map.machine = mmc_info(ctl->c)->machine;
		print_terminal(stdout, &map, colour);
	}
	free(map.blocks);
	if (rd)
		mm__report_data__free_unpacked(rd, NULL);
	return err;
}

int map_by_type(struct mmctl *ctl, const char *output, bool colour)
{
	void *buf = NULL;
	size_t len = 0;
	int err = mmc_report_data(mmctl_connect(ctl), MMC_REPORT_PAGEBLOCKS, 0,
				  &buf, &len);

	if (err)
		return mmctl_daemon_error(ctl, "map", err);
	if (ctl->json && !output)
		err = mmctl_print_report_data(ctl, "map", buf, len);
	else
		err = map_by_type_data(ctl, buf, len, output, colour);
	free(buf);
	return err;
}
