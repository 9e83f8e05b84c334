/* SPDX-License-Identifier: MIT */
/*
 * mmctl_map.c - map: a picture of physical memory, zone by zone, a cell
 * per block of frames, coloured by what the frames are.
 *
 * Owns: reading the daemon's frames report as data (mm.proto's Frames:
 * each zone's cells, a state and a free cell's order in each) and
 * drawing it three ways: in the terminal with ANSI colours (the text's
 * rows of 64 characters), as a PNG or an SVG with cairo, and as JSON
 * (the data itself). On a machine of several nodes the zones come under
 * their node's heading, as Linux orders them (node, then zone), each
 * heading with the node's span and node-meminfo's MemTotal, MemFree and
 * MemUsed (map_node_lines, which --by-type shares). The picture's
 * geometry is fixed, so its size follows from the machine alone
 * (docs/mmctl.1 gives the formula): width = 2 * MARGIN + 64 * CELL,
 * height = 2 * MARGIN + TITLE_H + headings * NODE_H + sum over zones of
 * (ZONE_H + rows * CELL + ZONE_GAP) + LEGEND_ROWS * LEGEND_H, where
 * headings is 0 on a machine of one node. Must never: classify a frame
 * itself (the daemon's report says what each cell is), or draw a cell
 * the report did not send.
 */
#include "client/mmctl.h"

#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <cairo-svg.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>

#include "proto/mm.pb-c.h"

#define CELLS_PER_ROW 64
#define CELL	      8
#define MARGIN	      12
#define TITLE_H	      24
#define ZONE_H	      18
#define ZONE_GAP      8
#define LEGEND_COLS   3
#define LEGEND_H      18
#define NODE_H	      MAP_NODE_H
/* 8 nodes of 5 zones: core's MAX_NUMNODES and MAX_NR_ZONES. */
#define MAX_ZONES	40
#define MAX_ORDER_CHARS 16

/* The cell states as the report's characters name them. */
enum cell_kind {
	CELL_HOLE,
	CELL_RESERVED,
	CELL_MMZ,
	CELL_FREE,
	CELL_PCP,
	CELL_SLAB,
	CELL_PAGETABLE,
	CELL_USER,
	CELL_KERNEL,
	NR_CELL_KINDS,
};

struct rgb {
	double r, g, b;
};

static const struct {
	char ch;
	const char *name;
	struct rgb colour;
} cell_kinds[NR_CELL_KINDS] = {
	[CELL_HOLE] = {' ', "hole", {0.93, 0.93, 0.93}},
	[CELL_RESERVED] = {'#', "reserved", {0.45, 0.45, 0.45}},
	[CELL_MMZ] = {'M', "mmz", {0.60, 0.35, 0.80}},
	[CELL_FREE] = {'0', "free", {0.10, 0.50, 0.20}},
	[CELL_PCP] = {'p', "per-cpu", {0.30, 0.75, 0.85}},
	[CELL_SLAB] = {'s', "slab", {0.95, 0.60, 0.15}},
	[CELL_PAGETABLE] = {'t', "page tables", {0.20, 0.35, 0.90}},
	[CELL_USER] = {'u', "user", {0.85, 0.15, 0.20}},
	[CELL_KERNEL] = {'k', "kernel", {0.75, 0.50, 0.35}},
};

#define LEGEND_ROWS ((NR_CELL_KINDS + LEGEND_COLS - 1) / LEGEND_COLS)

struct map_zone {
	const char *name;
	unsigned int node;
	unsigned long start_pfn, pages;
	unsigned int first_row, nr_rows; /* into map.rows */
};

struct frame_map {
	Mm__ReportData *rd; /* the report; zone names point into it */
	char *text;	    /* the rows, each NUL-terminated */
	unsigned long per_cell;
	unsigned int page_size, max_order;
	const char *machine;
	unsigned int nr_zones, nr_rows;
	struct map_zone zones[MAX_ZONES];
	const char **rows;
	bool numa; /* headings: more than one node */
	char nodes[MAP_MAX_NODES][MAP_NODE_LINE]; /* each node's heading */
};

/* A cell character's kind and, for free cells, its order. */
static int cell_kind(char ch, unsigned int *order)
{
	*order = 0;
	if (ch >= '0' && ch <= '9') {
		*order = (unsigned int)(ch - '0');
		return CELL_FREE;
	}
	if (ch >= 'a' && ch <= 'f') {
		*order = (unsigned int)(ch - 'a' + 10);
		return CELL_FREE;
	}
	for (int k = 0; k < NR_CELL_KINDS; k++)
		if (k != CELL_FREE && cell_kinds[k].ch == ch)
			return k;
	return -EINVAL;
}

/* Free cells shade from pale (order 0: fragments) to deep green. */
static struct rgb cell_colour(int kind, unsigned int order,
			      unsigned int max_order)
{
	const struct rgb pale = {0.82, 0.94, 0.55};
	const struct rgb deep = cell_kinds[CELL_FREE].colour;
	double t;

	if (kind != CELL_FREE)
		return cell_kinds[kind].colour;
	t = max_order ? (double)order / max_order : 1.0;
	if (t > 1)
		t = 1;
	return (struct rgb){pale.r + (deep.r - pale.r) * t,
			    pale.g + (deep.g - pale.g) * t,
			    pale.b + (deep.b - pale.b) * t};
}

static void map_free(struct frame_map *map)
{
	free(map->text);
	free(map->rows);
	if (map->rd)
		mm__report_data__free_unpacked(map->rd, NULL);
}

/* A cell of the data as the text's character (core's cell_char). */
static int cell_char(uint32_t cell, char *ch)
{
	unsigned int state = cell & 15, order = cell >> 4;

	if (state >= NR_CELL_KINDS || order >= MAX_ORDER_CHARS)
		return -EBADMSG;
	*ch = state == CELL_FREE ? "0123456789abcdef"[order]
				 : cell_kinds[state].ch;
	return 0;
}

/* One zone's rows of 64 cells, written at *at in map->text. */
static int zone_rows(struct frame_map *map, const Mm__FramesZone *fz,
		     size_t *at, unsigned int *nr, char *why, size_t len)
{
	for (size_t i = 0; i < fz->n_cells; i++) {
		if (i % CELLS_PER_ROW == 0) {
			if (i)
				map->text[(*at)++] = '\0';
			map->rows[(*nr)++] = map->text + *at;
		}
		if (cell_char(fz->cells[i], &map->text[(*at)++])) {
			snprintf(why, len, "unknown cell %u", fz->cells[i]);
			return -EBADMSG;
		}
	}
	map->text[(*at)++] = '\0';
	return 0;
}

/* The zones and rows of the data; -EBADMSG names nothing more. */
static int map_from_data(struct frame_map *map, char *why, size_t len)
{
	const Mm__Frames *f = map->rd->frames;
	size_t cells = 0, at = 0;
	unsigned int nr = 0;

	map->per_cell = (unsigned long)f->pages_per_cell;
	if (!map->per_cell || f->n_zones > MAX_ZONES) {
		snprintf(why, len, "%zu zones of %lu pages per cell",
			 f->n_zones, map->per_cell);
		return -EBADMSG;
	}
	for (size_t z = 0; z < f->n_zones; z++)
		cells += f->zones[z]->n_cells;
	map->text = malloc(cells * 2 + f->n_zones + 1);
	map->rows = calloc(cells / CELLS_PER_ROW + f->n_zones + 1,
			   sizeof(*map->rows));
	if (!map->text || !map->rows) {
		snprintf(why, len, "out of memory");
		return -ENOMEM;
	}
	for (size_t z = 0; z < f->n_zones; z++) {
		struct map_zone *mz = &map->zones[map->nr_zones++];

		mz->name = f->zones[z]->zone;
		mz->node = f->zones[z]->node;
		if (mz->node >= MAP_MAX_NODES || mz->node >= f->nr_nodes) {
			snprintf(why, len, "zone %s on node %u of %u", mz->name,
				 mz->node, f->nr_nodes);
			return -EBADMSG;
		}
		mz->start_pfn = (unsigned long)f->zones[z]->start_pfn;
		mz->pages = (unsigned long)f->zones[z]->pages;
		mz->first_row = nr;
		if (zone_rows(map, f->zones[z], &at, &nr, why, len))
			return -EBADMSG;
		mz->nr_rows = nr - mz->first_row;
	}
	map->nr_rows = nr;
	map->numa = f->nr_nodes > 1;
	return 0;
}

/*
 * Node nid's heading: its span (start_pfn and pages, as the zones on it
 * give them) and node-meminfo's MemTotal, MemFree and MemUsed, in kB.
 */
static int map_node_line(struct mmctl *ctl, unsigned int nid,
			 unsigned long start, unsigned long pages, char *line,
			 size_t len)
{
	void *buf = NULL;
	size_t n = 0;
	Mm__ReportData *rd;
	int err = mmc_report_data_at(ctl->c, MMC_REPORT_NODE_MEMINFO, 0, nid,
				     &buf, &n);

	if (err)
		return mmctl_daemon_error(ctl, "map", err);
	rd = mm__report_data__unpack(NULL, n, buf);
	free(buf);
	if (!rd || rd->report_case != MM__REPORT_DATA__REPORT_NODE_MEMINFO) {
		fprintf(stderr, "mmctl: map: node %u: not a node-meminfo\n",
			nid);
		if (rd)
			mm__report_data__free_unpacked(rd, NULL);
		return EXIT_DAEMON;
	}
	snprintf(line, len,
		 "Node %u start_pfn %lu pages %lu: MemTotal %llu kB, MemFree "
		 "%llu kB, MemUsed %llu kB",
		 nid, start, pages,
		 (unsigned long long)rd->node_meminfo->mem_total,
		 (unsigned long long)rd->node_meminfo->mem_free,
		 (unsigned long long)rd->node_meminfo->mem_used);
	mm__report_data__free_unpacked(rd, NULL);
	return 0;
}

int map_node_lines(struct mmctl *ctl, const struct map_span *zones,
		   unsigned int nr_zones, bool numa,
		   char (*nodes)[MAP_NODE_LINE])
{
	for (unsigned int zi = 0; numa && zi < nr_zones;) {
		const struct map_span *z = &zones[zi];
		unsigned long end = z->start_pfn + z->pages;
		unsigned int n = zi;
		int err;

		for (; n < nr_zones && zones[n].node == z->node; n++)
			if (zones[n].start_pfn + zones[n].pages > end)
				end = zones[n].start_pfn + zones[n].pages;
		err = map_node_line(ctl, z->node, z->start_pfn,
				    end - z->start_pfn, nodes[z->node],
				    MAP_NODE_LINE);
		if (err)
			return err;
		zi = n;
	}
	return 0;
}

/* Each node's heading, its span from its zones (in node order). */
static int map_nodes(struct mmctl *ctl, struct frame_map *map)
{
	struct map_span spans[MAX_ZONES];

	for (unsigned int zi = 0; zi < map->nr_zones; zi++)
		spans[zi] = (struct map_span){map->zones[zi].node,
					      map->zones[zi].start_pfn,
					      map->zones[zi].pages};
	return map_node_lines(ctl, spans, map->nr_zones, map->numa, map->nodes);
}

/* Zone zi begins a node's section: the heading goes before it. */
static bool node_starts(const struct frame_map *map, unsigned int zi)
{
	return map->numa &&
	       (!zi || map->zones[zi].node != map->zones[zi - 1].node);
}

/* Fetch the frames report's data and cut it into rows; with json the
 * data itself is printed instead (*printed). */
static int map_fetch(struct mmctl *ctl, struct frame_map *map, bool json,
		     bool *printed)
{
	const struct mmc_info *info;
	void *buf = NULL;
	size_t len = 0;
	char why[160];
	int err;

	memset(map, 0, sizeof(*map));
	*printed = false;
	err = mmc_report_data(mmctl_connect(ctl), MMC_REPORT_FRAMES, 0, &buf,
			      &len);
	if (err)
		return mmctl_daemon_error(ctl, "map", err);
	if (json) {
		*printed = true;
		err = mmctl_print_report_data(ctl, "map", buf, len);
		free(buf);
		return err;
	}
	map->rd = mm__report_data__unpack(NULL, len, buf);
	free(buf);
	info = mmc_info(ctl->c);
	map->page_size = info->page_size;
	map->max_order = info->max_order;
	map->machine = info->machine;
	if (!map->rd || map->rd->report_case != MM__REPORT_DATA__REPORT_FRAMES)
		snprintf(why, sizeof(why), "not a frames report");
	if (!map->rd ||
	    map->rd->report_case != MM__REPORT_DATA__REPORT_FRAMES ||
	    map_from_data(map, why, sizeof(why))) {
		fprintf(stderr, "mmctl: map: the frames report: %s\n", why);
		return EXIT_DAEMON;
	}
	return map_nodes(ctl, map);
}

/* ------------------------------------------------------------------ */
/* Terminal                                                            */

/* The nearest colour of the xterm 256-colour cube. */
static unsigned int ansi256(struct rgb c)
{
	return 16 + 36 * (unsigned int)lround(c.r * 5) +
	       6 * (unsigned int)lround(c.g * 5) +
	       (unsigned int)lround(c.b * 5);
}

static bool dark(struct rgb c)
{
	return 0.299 * c.r + 0.587 * c.g + 0.114 * c.b < 0.55;
}

static void put_cell(FILE *f, char ch, struct rgb c)
{
	if (ch == ' ') { /* a hole: the terminal's own background */
		fputs("\033[0m ", f);
		return;
	}
	fprintf(f, "\033[48;5;%u;38;5;%um%c", ansi256(c), dark(c) ? 231 : 16,
		ch);
}

static void print_legend_terminal(FILE *f, const struct frame_map *map)
{
	fprintf(f, "legend:");
	for (int k = 0; k < NR_CELL_KINDS; k++) {
		fputc(' ', f);
		if (k == CELL_FREE) {
			for (unsigned int o = 0;
			     o <= map->max_order && o < MAX_ORDER_CHARS; o++)
				put_cell(f, "0123456789abcdef"[o],
					 cell_colour(CELL_FREE, o,
						     map->max_order));
		} else {
			put_cell(f, cell_kinds[k].ch,
				 cell_colour(k, 0, map->max_order));
		}
		fprintf(f, "\033[0m %s%s", cell_kinds[k].name,
			k == CELL_FREE ? " (largest order)" : "");
	}
	fprintf(f, "\n");
}

static void print_map_terminal(FILE *f, const struct frame_map *map,
			       bool colour)
{
	fprintf(f, "physical memory of '%s': %lu pages (%lu KiB) per cell\n",
		map->machine, map->per_cell,
		map->per_cell * map->page_size / 1024);
	for (unsigned int zi = 0; zi < map->nr_zones; zi++) {
		const struct map_zone *z = &map->zones[zi];

		if (node_starts(map, zi))
			fprintf(f, "%s\n", map->nodes[z->node]);
		fprintf(f, "zone %s start_pfn %lu pages %lu\n", z->name,
			z->start_pfn, z->pages);
		for (unsigned int r = 0; r < z->nr_rows; r++) {
			const char *row = map->rows[z->first_row + r];

			if (!colour) {
				fprintf(f, "%s\n", row);
				continue;
			}
			for (const char *c = row; *c; c++) {
				unsigned int order;
				int kind = cell_kind(*c, &order);

				put_cell(f, *c,
					 cell_colour(kind, order,
						     map->max_order));
			}
			fprintf(f, "\033[0m\n");
		}
	}
	if (colour)
		print_legend_terminal(f, map);
	else
		fprintf(f, "legend: ' ' hole, '#' reserved, 'M' mmz, '0'-'f' "
			   "free (largest order), 'p' per-cpu, 's' slab, 't' "
			   "page tables, 'u' user, 'k' kernel\n");
}

/* ------------------------------------------------------------------ */
/* PNG and SVG                                                         */

static void picture_size(const struct frame_map *map, int *w, int *h)
{
	*w = 2 * MARGIN + CELLS_PER_ROW * CELL;
	*h = 2 * MARGIN + TITLE_H + LEGEND_ROWS * LEGEND_H;
	for (unsigned int zi = 0; zi < map->nr_zones; zi++)
		*h += ZONE_H + (int)map->zones[zi].nr_rows * CELL + ZONE_GAP +
		      (node_starts(map, zi) ? NODE_H : 0);
}

static void set_colour(cairo_t *cr, struct rgb c)
{
	cairo_set_source_rgb(cr, c.r, c.g, c.b);
}

static void draw_text(cairo_t *cr, double x, double y, double size,
		      const char *text)
{
	cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
	cairo_set_font_size(cr, size);
	cairo_move_to(cr, x, y);
	cairo_show_text(cr, text);
}

static void draw_swatch(cairo_t *cr, double x, double y, double w, struct rgb c)
{
	set_colour(cr, c);
	cairo_rectangle(cr, x, y, w, 10);
	cairo_fill(cr);
}

static void draw_legend(cairo_t *cr, const struct frame_map *map, double y)
{
	double col_w = (double)CELLS_PER_ROW * CELL / LEGEND_COLS;

	for (int k = 0; k < NR_CELL_KINDS; k++) {
		double x = MARGIN + (k % LEGEND_COLS) * col_w;
		double ly = y + (k / LEGEND_COLS) * LEGEND_H;
		char label[48];

		if (k == CELL_FREE) {
			unsigned int n = map->max_order + 1;

			for (unsigned int o = 0; o < n; o++)
				draw_swatch(cr, x + o * 60.0 / n, ly + 3,
					    60.0 / n,
					    cell_colour(CELL_FREE, o,
							map->max_order));
			snprintf(label, sizeof(label), "free, order 0-%u",
				 map->max_order);
			draw_text(cr, x + 66, ly + 12, 11, label);
		} else {
			draw_swatch(cr, x, ly + 3, 10,
				    cell_colour(k, 0, map->max_order));
			draw_text(cr, x + 16, ly + 12, 11, cell_kinds[k].name);
		}
	}
}

/*
 * A node's heading in a picture, width w at y: a rule above, the node
 * and its span in bold, its memory (after the line's ": ") below;
 * returns the y below it.
 */
double map_draw_node(cairo_t *cr, const char *line, double y, double w)
{
	const char *mem = strstr(line, ": ");
	char head[MAP_NODE_LINE];

	snprintf(head, sizeof(head), "%.*s",
		 mem ? (int)(mem - line) : (int)strlen(line), line);
	cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
	cairo_rectangle(cr, MARGIN, y + 2, w, 1.5);
	cairo_fill(cr);
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
			       CAIRO_FONT_WEIGHT_BOLD);
	draw_text(cr, MARGIN, y + 16, 12, head);
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
			       CAIRO_FONT_WEIGHT_NORMAL);
	if (mem)
		draw_text(cr, MARGIN, y + 31, 11, mem + 2);
	return y + NODE_H;
}

static void draw_map(cairo_t *cr, const struct frame_map *map, int w, int h)
{
	char title[160];
	double y = MARGIN;

	cairo_set_source_rgb(cr, 1, 1, 1);
	cairo_paint(cr);
	cairo_select_font_face(cr, "sans-serif", CAIRO_FONT_SLANT_NORMAL,
			       CAIRO_FONT_WEIGHT_NORMAL);
	snprintf(title, sizeof(title),
		 "physical memory of '%s': %lu pages (%lu KiB) per cell",
		 map->machine, map->per_cell,
		 map->per_cell * map->page_size / 1024);
	draw_text(cr, MARGIN, y + 15, 13, title);
	y += TITLE_H;
	for (unsigned int zi = 0; zi < map->nr_zones; zi++) {
		const struct map_zone *z = &map->zones[zi];

		if (node_starts(map, zi))
			y = map_draw_node(cr, map->nodes[z->node], y,
					  CELLS_PER_ROW * CELL);
		snprintf(title, sizeof(title), "%s: pfn %lu, %lu pages",
			 z->name, z->start_pfn, z->pages);
		draw_text(cr, MARGIN, y + 13, 11, title);
		y += ZONE_H;
		for (unsigned int r = 0; r < z->nr_rows; r++) {
			const char *row = map->rows[z->first_row + r];

			/* A run of like cells is one rectangle: the SVG
			 * stays small. */
			for (int c = 0, run; row[c]; c += run) {
				unsigned int order;
				int kind = cell_kind(row[c], &order);

				for (run = 1; row[c + run] == row[c]; run++)
					;
				set_colour(cr, cell_colour(kind, order,
							   map->max_order));
				cairo_rectangle(cr, MARGIN + c * CELL,
						y + r * CELL, run * CELL, CELL);
				cairo_fill(cr);
			}
		}
		y += z->nr_rows * CELL + ZONE_GAP;
	}
	draw_legend(cr, map, y);
	(void)w;
	(void)h;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && !strcasecmp(s + n - m, suffix);
}

/*
 * An SVG's text is glyphs, which no reader (nor grep) can read: desc,
 * when there is one, goes in as the picture's <desc> (SVG's accessible
 * description), right after the <svg> tag. 0, or EXIT_DAEMON.
 */
static int svg_add_desc(const char *path, const char *desc)
{
	FILE *f = fopen(path, "r+");
	char *svg = NULL, *tag;
	size_t len = 0;
	int err = EXIT_DAEMON;

	if (f && !fseek(f, 0, SEEK_END) && (len = (size_t)ftell(f)) > 0 &&
	    !fseek(f, 0, SEEK_SET) && (svg = malloc(len + 1)) &&
	    fread(svg, 1, len, f) == len) {
		svg[len] = '\0';
		tag = strstr(svg, "<svg");
		tag = tag ? strchr(tag, '>') : NULL;
		if (tag && !fseek(f, tag + 1 - svg, SEEK_SET)) {
			fputs("\n<desc>", f);
			for (const char *c = desc; *c; c++)
				fputs(*c == '&'	  ? "&amp;"
				      : *c == '<' ? "&lt;"
				      : *c == '>' ? "&gt;"
						  : (char[]){*c, 0},
				      f);
			fputs("</desc>", f);
			fputs(tag + 1, f);
			err = 0;
		}
	}
	free(svg);
	if (f && fclose(f))
		err = EXIT_DAEMON;
	if (err)
		fprintf(stderr, "mmctl: map: cannot write %s: %s\n", path,
			strerror(errno));
	return err;
}

/*
 * A picture of w x h drawn by draw(cr, arg) into path: PNG when the name
 * ends in .png, SVG otherwise (with desc, if not NULL, as its <desc>).
 * EXIT_DAEMON with cairo's reason if not.
 */
int map_write_picture(const char *path, int w, int h,
		      void (*draw)(cairo_t *cr, const void *arg),
		      const void *arg, const char *desc)
{
	cairo_surface_t *surface;
	cairo_status_t st;
	cairo_t *cr;
	bool png = ends_with(path, ".png");

	surface = png ? cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h)
		      : cairo_svg_surface_create(path, w, h);
	cr = cairo_create(surface);
	draw(cr, arg);
	st = cairo_status(cr);
	cairo_destroy(cr);
	if (st == CAIRO_STATUS_SUCCESS && png)
		st = cairo_surface_write_to_png(surface, path);
	cairo_surface_finish(surface);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(surface);
	cairo_surface_destroy(surface);
	/* Give back cairo's and fontconfig's caches: mmctl leaks nothing. */
	cairo_debug_reset_static_data();
	FcFini();
	if (st != CAIRO_STATUS_SUCCESS) {
		fprintf(stderr, "mmctl: map: cannot write %s: %s\n", path,
			cairo_status_to_string(st));
		return EXIT_DAEMON;
	}
	return !png && desc ? svg_add_desc(path, desc) : 0;
}

/*
 * The node headings, a line each, for an SVG's <desc> (NULL on a machine
 * of one node, whose SVG stays as it was).
 */
char *map_nodes_desc(const char (*nodes)[MAP_NODE_LINE], bool numa)
{
	size_t len = 1;
	char *desc;

	if (!numa)
		return NULL;
	for (unsigned int n = 0; n < MAP_MAX_NODES; n++)
		len += strlen(nodes[n]) + 1;
	desc = calloc(1, len);
	for (unsigned int n = 0; desc && n < MAP_MAX_NODES; n++)
		if (nodes[n][0])
			strcat(strcat(desc, nodes[n]), "\n");
	return desc;
}

static void draw_frame_map(cairo_t *cr, const void *arg)
{
	const struct frame_map *map = arg;
	int w, h;

	picture_size(map, &w, &h);
	draw_map(cr, map, w, h);
}

static int write_picture(const struct frame_map *map, const char *path)
{
	int w, h;

	char *desc = map_nodes_desc(map->nodes, map->numa);
	int err;

	picture_size(map, &w, &h);
	err = map_write_picture(path, w, h, draw_frame_map, map, desc);
	free(desc);
	return err;
}

/*
 * The directory the picture goes into exists and may be written: said in
 * the system's words before cairo, whose error names no cause, tries.
 */
static int check_output_dir(const char *path)
{
	char *copy = strdup(path);
	const char *dir;
	int err = 0;

	if (!copy)
		return -ENOMEM;
	dir = dirname(copy);
	if (access(dir, W_OK | X_OK)) {
		err = -errno;
		fprintf(stderr, "mmctl: map: cannot write %s: %s: %s\n", path,
			dir, strerror(errno));
	}
	free(copy);
	return err;
}

static const struct option map_options[] = {
	{"output", required_argument, NULL, 'o'},
	{"color", required_argument, NULL, 'C'},
	{"by-type", no_argument, NULL, 'T'},
	{NULL, 0, NULL, 0},
};

int cmd_map(struct mmctl *ctl, int argc, char **argv)
{
	const char *output = NULL, *when = "auto";
	struct frame_map map;
	bool colour, by_type = false, printed;
	int c, ret;

	optind = 0;
	while ((c = mmctl_getopt(ctl, argc, argv, "o:", map_options)) != -1) {
		if (c == 'o')
			output = optarg;
		else if (c == 'C')
			when = optarg;
		else if (c == 'T')
			by_type = true;
		else
			return EXIT_USAGE;
	}
	if (optind < argc)
		return mmctl_usage_error(argv[0], "bad argument '%s'",
					 argv[optind]);
	if (output && !ends_with(output, ".png") && !ends_with(output, ".svg"))
		return mmctl_usage_error(argv[0],
					 "--output must name a .png or .svg "
					 "file");
	if (strcmp(when, "auto") && strcmp(when, "always") &&
	    strcmp(when, "never"))
		return mmctl_usage_error(argv[0],
					 "--color is auto, always or never");
	colour = !strcmp(when, "always") ||
		 (!strcmp(when, "auto") && isatty(STDOUT_FILENO) &&
		  !getenv("NO_COLOR"));
	if (output && check_output_dir(output))
		return EXIT_DAEMON;
	if (by_type)
		return map_by_type(ctl, output, colour);
	ret = map_fetch(ctl, &map, ctl->json && !output, &printed);
	if (!ret && printed) {
		/* --json: the data, printed by map_fetch */
	} else if (!ret && output) {
		ret = write_picture(&map, output);
	} else if (!ret) {
		print_map_terminal(stdout, &map, colour);
	}
	map_free(&map);
	return ret;
}
