/* SPDX-License-Identifier: MIT */
/*
 * mmctl_numastat.c - numastat -m and -n as numactl's numastat prints
 * them: the system's memory per node (the keys of each nodeN/meminfo as
 * rows) and each node's NUMA events, a column per node and a Total, in
 * MB with two decimals.
 *
 * Owns: reading each node's node-meminfo and the numastat report as
 * data, numastat's table of rows (its labels and order), its layout
 * (16-wide columns, the dashes, folding at the screen's width) and the
 * JSON of both tables. Must never: parse mmd's text, or compute a value
 * the data does not hold (every cell is a node's value or their sum).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "client/mmctl.h"
#include "proto/mm.pb-c.h"

#define COL_WIDTH  16
#define MAX_NODES  64
#define MEGABYTE   (1024.0 * 1024.0)
#define WIDE_LINES 10000000

/*
 * numastat's system rows in its order, and the NodeMeminfo field each
 * comes from (the key's snake_case). A key numastat has that nodeN/
 * meminfo here lacks (HighTotal...) has no data and so no row, as
 * numastat skips a row no node's file gave.
 */
static const struct {
	const char *label, *field;
} meminfo_rows[] = {
	{"MemTotal", "mem_total"},
	{"MemFree", "mem_free"},
	{"MemUsed", "mem_used"},
	{"HighTotal", NULL},
	{"HighFree", NULL},
	{"LowTotal", NULL},
	{"LowFree", NULL},
	{"Active", "active"},
	{"Inactive", "inactive"},
	{"Active(anon)", "active_anon"},
	{"Inactive(anon)", "inactive_anon"},
	{"Active(file)", "active_file"},
	{"Inactive(file)", "inactive_file"},
	{"Unevictable", "unevictable"},
	{"Mlocked", "mlocked"},
	{"Dirty", "dirty"},
	{"Writeback", "writeback"},
	{"FilePages", "file_pages"},
	{"Mapped", "mapped"},
	{"AnonPages", "anon_pages"},
	{"Shmem", "shmem"},
	{"KernelStack", "kernel_stack"},
	{"PageTables", "page_tables"},
	{"NFS_Unstable", NULL},
	{"Bounce", NULL},
	{"WritebackTmp", NULL},
	{"Slab", "slab"},
	{"SReclaimable", "s_reclaimable"},
	{"SUnreclaim", "s_unreclaim"},
	{"AnonHugePages", "anon_huge_pages"},
	{"ShmemHugePages", NULL},
	{"ShmemPmdMapped", NULL},
	{"HugePages_Total", NULL},
	{"HugePages_Free", NULL},
	{"HugePages_Surp", NULL},
	{"KReclaimable", "k_reclaimable"},
};
#define NR_MEMINFO_ROWS (sizeof(meminfo_rows) / sizeof(meminfo_rows[0]))

/*
 * nodeN/meminfo's keys numastat's table lacks, with their fields, in the
 * file's order: numastat says "Token K not in hash table." for each,
 * once per node, as it reads the node's file.
 */
static const struct {
	const char *key, *field;
} unknown_keys[] = {
	{"SwapCached", "swap_cached"},
};

/* numastat's event rows, in its order, as NumastatNode's fields. */
static const struct {
	const char *label, *field;
} event_rows[] = {
	{"Numa_Hit", "numa_hit"},	  {"Numa_Miss", "numa_miss"},
	{"Numa_Foreign", "numa_foreign"}, {"Interleave_Hit", "interleave_hit"},
	{"Local_Node", "local_node"},	  {"Other_Node", "other_node"},
};
#define NR_EVENT_ROWS (sizeof(event_rows) / sizeof(event_rows[0]))

/* One table: a row per label, a column per node, each cell in bytes. */
struct ns_table {
	const char *title;
	size_t nr_rows, nr_nodes;
	unsigned int nodes[MAX_NODES];
	const char *label[NR_MEMINFO_ROWS];
	bool seen[NR_MEMINFO_ROWS];
	uint64_t bytes[NR_MEMINFO_ROWS][MAX_NODES];
};

/* A uint64 field of msg by name; false when the message has none. */
static bool field_u64(const ProtobufCMessage *msg, const char *name,
		      uint64_t *v)
{
	const ProtobufCFieldDescriptor *f;

	if (!name)
		return false;
	f = protobuf_c_message_descriptor_get_field_by_name(msg->descriptor,
							    name);
	if (!f || f->type != PROTOBUF_C_TYPE_UINT64 ||
	    f->label == PROTOBUF_C_LABEL_REPEATED)
		return false;
	*v = *(const uint64_t *)((const char *)msg + f->offset);
	return true;
}

/* One report as data, unpacked: 0 or mmctl's exit code, said why. */
static int get_data(struct mmctl *ctl, enum mmc_report kind, uint64_t addr,
		    Mm__ReportData **rd)
{
	void *buf = NULL;
	size_t len = 0;
	int err = mmc_report_data_at(mmctl_connect(ctl), kind, 0, addr, &buf,
				     &len);

	if (err)
		return mmctl_daemon_error(ctl, "numastat", err);
	*rd = mm__report_data__unpack(NULL, len, buf);
	free(buf);
	if (!*rd) {
		fprintf(stderr,
			"mmctl: numastat: the report does not unpack\n");
		return EXIT_DAEMON;
	}
	return 0;
}

/* The numastat report: each node's events, and so the list of nodes. */
static int get_events(struct mmctl *ctl, Mm__ReportData **rd)
{
	int ret = get_data(ctl, MMC_REPORT_NUMASTAT, 0, rd);

	if (ret)
		return ret;
	if ((*rd)->report_case != MM__REPORT_DATA__REPORT_NUMASTAT ||
	    !(*rd)->numastat || (*rd)->numastat->n_nodes > MAX_NODES) {
		fprintf(stderr, "mmctl: numastat: no nodes in the reply\n");
		mm__report_data__free_unpacked(*rd, NULL);
		return EXIT_DAEMON;
	}
	return 0;
}

/* A node's meminfo values into column col, kB to bytes. */
static int add_node_meminfo(struct mmctl *ctl, struct ns_table *t, size_t col,
			    bool text)
{
	Mm__ReportData *rd;
	const ProtobufCMessage *msg;
	uint64_t v;
	int ret = get_data(ctl, MMC_REPORT_NODE_MEMINFO, t->nodes[col], &rd);

	if (ret)
		return ret;
	if (rd->report_case != MM__REPORT_DATA__REPORT_NODE_MEMINFO) {
		mm__report_data__free_unpacked(rd, NULL);
		return EXIT_DAEMON;
	}
	msg = &rd->node_meminfo->base;
	for (size_t k = 0;
	     text && k < sizeof(unknown_keys) / sizeof(unknown_keys[0]); k++)
		if (field_u64(msg, unknown_keys[k].field, &v))
			printf("Token %s not in hash table.\n",
			       unknown_keys[k].key);
	for (size_t r = 0; r < NR_MEMINFO_ROWS; r++) {
		if (!field_u64(msg, meminfo_rows[r].field, &v))
			continue;
		t->seen[r] = true;
		t->bytes[r][col] = v * 1024;
	}
	mm__report_data__free_unpacked(rd, NULL);
	return 0;
}

/* Each node's events into its column, pages to bytes. */
static void fill_events(struct ns_table *t, const Mm__Numastat *ns,
			unsigned int page_size)
{
	uint64_t v;

	t->nr_rows = NR_EVENT_ROWS;
	for (size_t r = 0; r < NR_EVENT_ROWS; r++) {
		t->label[r] = event_rows[r].label;
		for (size_t c = 0; c < t->nr_nodes; c++)
			if (field_u64(&ns->nodes[c]->base, event_rows[r].field,
				      &v)) {
				t->seen[r] = true;
				t->bytes[r][c] = v * page_size;
			}
	}
}

static uint64_t row_total(const struct ns_table *t, size_t r)
{
	uint64_t sum = 0;

	for (size_t c = 0; c < t->nr_nodes; c++)
		sum += t->bytes[r][c];
	return sum;
}

/* numastat's screen width: NUMASTAT_WIDTH, a terminal's, else unbounded. */
static int screen_width(void)
{
	const char *env = getenv("NUMASTAT_WIDTH");
	struct winsize ws;
	int width = 80;

	if (env) {
		width = atoi(env);
		if (width < 1 || width > WIDE_LINES)
			width = 80;
	} else if (isatty(STDOUT_FILENO)) {
		if (!ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_col)
			width = ws.ws_col;
	} else {
		width = WIDE_LINES;
	}
	return width < 32 ? 32 : width;
}

/* One cell, right-justified in 16 and cut at 16, as numastat's. */
static void print_cell(const char *s)
{
	printf("%*.*s", COL_WIDTH, COL_WIDTH, s);
}

/* A cell of column c (c == nr_nodes: Total) in row r (-2, -1: headers). */
static void print_col(const struct ns_table *t, long r, size_t c)
{
	char buf[64];

	if (r == -2) {
		if (c == t->nr_nodes)
			snprintf(buf, sizeof(buf), "Total");
		else
			snprintf(buf, sizeof(buf), "Node %u", t->nodes[c]);
	} else if (r == -1) {
		snprintf(buf, sizeof(buf), "%.*s", COL_WIDTH - 1,
			 "----------------");
	} else {
		uint64_t b = c == t->nr_nodes ? row_total(t, (size_t)r)
					      : t->bytes[r][c];
		snprintf(buf, sizeof(buf), "%.2f", (double)b / MEGABYTE);
	}
	print_cell(buf);
}

/*
 * The table: the header rows and every row some node gave, as many
 * columns a line as the width holds, the rest in further sections
 * after a blank line (numastat's display_table).
 */
static void print_table(const struct ns_table *t)
{
	size_t cols = t->nr_nodes + 1, first = 0, per;
	int width = screen_width();

	per = width > COL_WIDTH ? (size_t)(width - COL_WIDTH) / COL_WIDTH : 1;
	if (!per)
		per = 1;
	while (first < cols) {
		size_t end = first + per < cols ? first + per : cols;

		if (first)
			printf("\n");
		for (long r = -2; r < (long)t->nr_rows; r++) {
			if (r >= 0 && !t->seen[r])
				continue;
			printf("%-*.*s", COL_WIDTH, COL_WIDTH,
			       r < 0 ? "" : t->label[r]);
			for (size_t c = first; c < end; c++)
				print_col(t, r, c);
			printf("\n");
		}
		first = end;
	}
}

/* A table as JSON: the nodes, then each row's bytes per node and total. */
static json_object *table_json(const struct ns_table *t)
{
	json_object *doc = json_object_new_object();
	json_object *nodes = json_object_new_array();
	json_object *rows = json_object_new_array();

	for (size_t c = 0; c < t->nr_nodes; c++)
		json_object_array_add(nodes,
				      json_object_new_int64(t->nodes[c]));
	for (size_t r = 0; r < t->nr_rows; r++) {
		json_object *row, *bytes;

		if (!t->seen[r])
			continue;
		row = json_object_new_object();
		bytes = json_object_new_array();
		for (size_t c = 0; c < t->nr_nodes; c++)
			json_object_array_add(
				bytes, json_object_new_uint64(t->bytes[r][c]));
		json_object_object_add(row, "name",
				       json_object_new_string(t->label[r]));
		json_object_object_add(row, "bytes", bytes);
		json_object_object_add(row, "total_bytes",
				       json_object_new_uint64(row_total(t, r)));
		json_object_array_add(rows, row);
	}
	json_object_object_add(doc, "nodes", nodes);
	json_object_object_add(doc, "rows", rows);
	return doc;
}

/* -m's table: each node's meminfo read as numastat reads the files. */
static int meminfo_table(struct mmctl *ctl, struct ns_table *t, bool text)
{
	int ret = 0;

	t->nr_rows = NR_MEMINFO_ROWS;
	for (size_t r = 0; r < NR_MEMINFO_ROWS; r++)
		t->label[r] = meminfo_rows[r].label;
	for (size_t c = 0; c < t->nr_nodes && !ret; c++)
		ret = add_node_meminfo(ctl, t, c, text);
	return ret;
}

/* The nodes (from the numastat report) and, for -n, their events. */
static int node_table(struct mmctl *ctl, struct ns_table *t, bool events)
{
	Mm__ReportData *rd;
	int ret = get_events(ctl, &rd);

	if (ret)
		return ret;
	t->nr_nodes = rd->numastat->n_nodes;
	for (size_t c = 0; c < t->nr_nodes; c++)
		t->nodes[c] = rd->numastat->nodes[c]->node;
	if (events)
		fill_events(t, rd->numastat,
			    mmc_info(mmctl_connect(ctl))->page_size);
	mm__report_data__free_unpacked(rd, NULL);
	return 0;
}

/*
 * One of -m (meminfo true) or -n: its table printed (the title line
 * first, as numastat prints it before reading the files), or its JSON
 * in *doc when doc is not NULL.
 */
int numastat_system(struct mmctl *ctl, bool meminfo, json_object **doc)
{
	struct ns_table *t = calloc(1, sizeof(*t));
	int ret;

	if (!t)
		return EXIT_DAEMON;
	ret = node_table(ctl, t, !meminfo);
	if (!ret && !doc)
		printf(meminfo ? "\nPer-node system memory usage (in MBs):\n"
			       : "\nPer-node numastat info (in MBs):\n");
	if (!ret && meminfo)
		ret = meminfo_table(ctl, t, !doc);
	if (!ret && doc)
		*doc = table_json(t);
	else if (!ret)
		print_table(t);
	free(t);
	return ret;
}
