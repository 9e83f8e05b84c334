/* SPDX-License-Identifier: MIT */
/*
 * mmctl.c - the command-line view of a running mmd: its machine as /proc
 * shows a real one, the admin requests, and the way in to top, watch and
 * map.
 *
 *   mmctl [--socket PATH] [--json] COMMAND [ARGS...]
 *
 * Owns: parsing the command line, the command table and its help, the
 * plain report and admin commands, and the exit codes: 0 done, 1 the
 * daemon refused or could not be reached (its words on stderr), 2 bad
 * usage. Must never: reach the daemon except through libmmclient, print
 * a report other than as the daemon wrote it (--json aside), or invent
 * output for what the machine cannot do yet.
 */
#include "client/mmctl.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct command {
	const char *name;
	int (*run)(struct mmctl *ctl, int argc, char **argv);
	const char *args; /* after the name, for the usage line */
	const char *help;
	/* The request it makes, as mm.proto names it: whether it needs
	 * admin rights comes from the operation table. */
	const char *op;
};

static const struct command *find_command(const char *name);

const struct report_kind report_kinds[] = {
	{"meminfo", MMC_REPORT_MEMINFO, meminfo_to_json,
	 "/proc/meminfo: the machine's memory in kB"},
	{"buddyinfo", MMC_REPORT_BUDDYINFO, buddyinfo_to_json,
	 "/proc/buddyinfo: free blocks of each order, zone by zone"},
	{"pagetypeinfo", MMC_REPORT_PAGETYPEINFO, pagetypeinfo_to_json,
	 "/proc/pagetypeinfo: free blocks per migrate type and order, and "
	 "pageblocks per type"},
	{"extfrag", MMC_REPORT_EXTFRAG_INDEX, extfrag_to_json,
	 "/sys/kernel/debug/extfrag/extfrag_index: per zone and order, why "
	 "an allocation would fail (0: no memory, 1: fragmentation, -1: it "
	 "would not)"},
	{"unusable", MMC_REPORT_UNUSABLE_INDEX, extfrag_to_json,
	 "/sys/kernel/debug/extfrag/unusable_index: per zone and order, the "
	 "share of free memory in blocks too small for the order"},
	{"zoneinfo", MMC_REPORT_ZONEINFO, zoneinfo_to_json,
	 "/proc/zoneinfo: watermarks, counters and per-CPU lists per zone"},
	{"vmstat", MMC_REPORT_VMSTAT, vmstat_to_json,
	 "/proc/vmstat: every counter, and the mm_bad_* refusals; with "
	 "DELAY, a line of rates every DELAY seconds (COUNT lines) as "
	 "procps' vmstat prints them"},
	{"slabinfo", MMC_REPORT_SLABINFO, slabinfo_to_json,
	 "/proc/slabinfo (version 2.1): every slab cache"},
	{"vmallocinfo", MMC_REPORT_VMALLOCINFO, vmallocinfo_to_json,
	 "/proc/vmallocinfo: every area of the vmalloc space"},
	{"media-mem", MMC_REPORT_MEDIA_MEM, media_mem_to_json,
	 "media-mem: MMZ regions and their blocks"},
	{"dmesg", MMC_REPORT_DMESG, NULL, "the kernel log"},
	{"ps", MMC_REPORT_PS, NULL,
	 "every process: pid, CPU, VSZ, RSS, swap, faults, kernel memory"},
	{"preempt", MMC_REPORT_PREEMPT, NULL,
	 "each CPU's preempt_count and context, and the processes in an "
	 "atomic section or interrupt batch on it"},
	{"percpu", MMC_REPORT_PERCPU, NULL,
	 "each CPU's static per-CPU variables: address, size, owner, value"},
	{"gfp-context", MMC_REPORT_GFP_CONTEXT, NULL,
	 "the GFP flags each execution context may use"},
	{"files", MMC_REPORT_FILES, NULL,
	 "every file: inode, size, blocks, pages cached and dirty"},
	{"layout", MMC_REPORT_VM_LAYOUT, NULL,
	 "the kernel's virtual memory map: direct map, vmalloc, vmemmap or "
	 "mem_map, pkmap, fixmap, per-CPU offsets, THREAD_SIZE (mm.rst's "
	 "table; on i386 the boot lines first)"},
	{"mutexes", MMC_REPORT_MUTEXES, NULL,
	 "every mutex: its owner, holder and waiters in order"},
	{"numastat", MMC_REPORT_NUMASTAT, NULL,
	 "numastat: each node's numa_hit, numa_miss, numa_foreign, "
	 "interleave_hit, local_node and other_node, as numactl's numastat"},
	{"thp", MMC_REPORT_TRANSPARENT_HUGEPAGE, NULL,
	 "/sys/kernel/mm/transparent_hugepage/: enabled and defrag (the "
	 "setting in force in brackets), use_zero_page, hpage_pmd_size"},
	{"cma", MMC_REPORT_CMA, cma_to_json,
	 "/sys/kernel/mm/cma/<name>/ and debugfs cma/<name>/: each CMA "
	 "area's alloc_pages_success, alloc_pages_fail, "
	 "release_pages_success, base_pfn, count, order_per_bit, used and "
	 "maxchunk, in pages"},
};
const unsigned int nr_report_kinds =
	sizeof(report_kinds) / sizeof(report_kinds[0]);

const struct report_kind *find_report(const char *name)
{
	for (unsigned int i = 0; i < nr_report_kinds; i++)
		if (!strcmp(report_kinds[i].name, name))
			return &report_kinds[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Shared helpers                                                      */

struct mmc *mmctl_connect(struct mmctl *ctl)
{
	struct mmc_options opts = {"mmctl", 0, 0};

	if (ctl->c)
		return ctl->c;
	if (mmc_connect(ctl->socket, &opts, &ctl->c)) {
		fprintf(stderr, "mmctl: %s\n", mmc_errmsg(NULL));
		exit(EXIT_DAEMON);
	}
	return ctl->c;
}

int mmctl_daemon_error(struct mmctl *ctl, const char *what, int err)
{
	const char *msg = ctl->c ? mmc_errmsg(ctl->c) : "";

	fprintf(stderr, "mmctl: %s: %s%s%s\n", what, mmc_strerror(err),
		*msg ? ": " : "", msg);
	return EXIT_DAEMON;
}

static void print_usage_line(FILE *out, const struct command *cmd)
{
	fprintf(out, "usage: mmctl [OPTIONS] %s%s%s\n", cmd->name,
		*cmd->args ? " " : "", cmd->args);
}

int mmctl_usage_error(const char *command, const char *fmt, ...)
{
	const struct command *cmd = command ? find_command(command) : NULL;
	va_list ap;

	fprintf(stderr, "mmctl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	if (cmd)
		print_usage_line(stderr, cmd);
	else
		fprintf(stderr, "Try 'mmctl --help'.\n");
	return EXIT_USAGE;
}

void mmctl_print_json(FILE *out, json_object *doc, bool pretty)
{
	int flags = JSON_C_TO_STRING_NOSLASHESCAPE |
		    (pretty ? JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED
			    : JSON_C_TO_STRING_PLAIN);

	fprintf(out, "%s\n", json_object_to_json_string_ext(doc, flags));
}

int mmctl_parse_u64(const char *s, unsigned long long *v)
{
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	return 0;
}

int mmctl_parse_seconds(const char *s, unsigned int *ms)
{
	char *end;
	double secs;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	secs = strtod(s, &end);
	if (errno || *end || !(secs >= 0.001) || secs > 86400)
		return -EINVAL;
	*ms = (unsigned int)(secs * 1000 + 0.5);
	return 0;
}

/* A pid as a command argument: 1 .. INT_MAX, decimal. */
static int parse_pid(const char *s, int *pid)
{
	unsigned long long v;

	if (mmctl_parse_u64(s, &v) || v == 0 || v > INT_MAX ||
	    (s[0] == '0' && s[1]))
		return -EINVAL;
	*pid = (int)v;
	return 0;
}

/* A whole file (or stdin for "-") into *text, to be freed. */
static int read_input(const char *path, char **text)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	size_t len = 0, cap = 0, n;
	char *buf = NULL;

	if (!f)
		return -errno;
	do {
		if (cap - len < 4096) {
			char *more = realloc(buf, cap + 65536);

			if (!more) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = more;
			cap += 65536;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
	} while (n > 0);
	if (buf && (ferror(f) || memchr(buf, '\0', len))) {
		free(buf);
		buf = NULL;
	}
	if (f != stdin)
		fclose(f);
	if (!buf)
		return -EIO;
	buf[len] = '\0';
	*text = buf;
	return 0;
}

/* A translation's CPL and register, for show_report_tr. */
struct translation_args {
	const char *sreg;
	unsigned int cpl;
};

/* A report's JSON from its structured form: mmctl's exit code. */
static int show_report_data(struct mmctl *ctl, const struct report_kind *r,
			    int pid, unsigned int selector, uint64_t addr,
			    const struct translation_args *tr)
{
	void *buf = NULL;
	size_t len = 0;
	char why[160];
	json_object *doc;
	int err = tr ? mmc_translate_data(mmctl_connect(ctl), pid, tr->sreg,
					  selector, (uint32_t)addr, tr->cpl,
					  &buf, &len)
		     : mmc_report_data_at(mmctl_connect(ctl), r->kind, pid,
					  addr, &buf, &len);

	if (err)
		return mmctl_daemon_error(ctl, r->name, err);
	doc = report_data_to_json(buf, len, why, sizeof(why));
	free(buf);
	if (!doc) {
		fprintf(stderr, "mmctl: %s: %s\n", r->name, why);
		return EXIT_DAEMON;
	}
	mmctl_print_json(stdout, doc, true);
	json_object_put(doc);
	return 0;
}

/*
 * Print a report's text, or its JSON. pid, selector and addr name what a
 * per-process report is about (0: nothing, or the session's own); tr,
 * when not NULL, how TRANSLATE reads.
 */
static int show_report_tr(struct mmctl *ctl, const struct report_kind *r,
			  int pid, unsigned int selector, uint64_t addr,
			  const struct translation_args *tr)
{
	char *text = NULL;
	int err, ret = 0;

	/* mmd's reports come as data; only --input's files are parsed. */
	if (ctl->json && !ctl->input)
		return show_report_data(ctl, r, pid, selector, addr, tr);
	if (ctl->input) {
		err = read_input(ctl->input, &text);
		if (err) {
			fprintf(stderr, "mmctl: %s: %s\n", ctl->input,
				strerror(-err));
			return EXIT_DAEMON;
		}
	} else {
		err = tr ? mmc_translate(mmctl_connect(ctl), pid, tr->sreg,
					 selector, (uint32_t)addr, tr->cpl,
					 &text)
			 : mmc_report_at(mmctl_connect(ctl), r->kind, pid,
					 selector, addr, &text);
		if (err)
			return mmctl_daemon_error(ctl, r->name, err);
	}
	if (ctl->json) {
		char why[160];
		json_object *doc = NULL;

		/* --input: a real kernel's file, where the kernel has one. */
		if (r->to_json)
			doc = r->to_json(text, why, sizeof(why));
		else
			snprintf(why, sizeof(why),
				 "the kernel has no such file: mmd's report "
				 "comes as data, without --input");

		if (doc) {
			mmctl_print_json(stdout, doc, true);
			json_object_put(doc);
		} else {
			fprintf(stderr, "mmctl: %s: cannot parse: %s\n",
				r->name, why);
			ret = EXIT_DAEMON;
		}
	} else {
		fputs(text, stdout);
	}
	free(text);
	return ret;
}

static int show_report_at(struct mmctl *ctl, const struct report_kind *r,
			  int pid, unsigned int selector, uint64_t addr)
{
	return show_report_tr(ctl, r, pid, selector, addr, NULL);
}

static int show_report(struct mmctl *ctl, const struct report_kind *r, int pid)
{
	return show_report_at(ctl, r, pid, 0, 0);
}

int mmctl_show_report(struct mmctl *ctl, const struct report_kind *r)
{
	return show_report(ctl, r, 0);
}

/* ------------------------------------------------------------------ */
/* Reports                                                             */

static int cmd_report(struct mmctl *ctl, int argc, char **argv)
{
	if (argc != 1)
		return mmctl_usage_error(argv[0], "%s takes no arguments",
					 argv[0]);
	return show_report(ctl, find_report(argv[0]), 0);
}

/* The files report's entry named name ("/data"), or NULL. */
static json_object *find_file(json_object *files, const char *name)
{
	size_t n = json_object_array_length(files);

	for (size_t i = 0; i < n; i++) {
		json_object *f = json_object_array_get_idx(files, i), *v;

		if (json_object_object_get_ex(f, "name", &v) &&
		    !strcmp(json_object_get_string(v) + 1, name + 1))
			return f;
	}
	return NULL;
}

static unsigned long long file_u64(json_object *f, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(f, key, &v)
		       ? (unsigned long long)json_object_get_uint64(v)
		       : 0;
}

/*
 * util-linux's fincore --bytes: RES PAGES SIZE FILE for each name, from
 * the files report's data (--json: an array of {res, pages, size,
 * file}).
 */
static int cmd_fincore(struct mmctl *ctl, int argc, char **argv)
{
	const enum mmc_report kinds[1] = {MMC_REPORT_FILES};
	json_object *doc = NULL, **docs[1] = {&doc}, *files, *out;
	unsigned long page = 4096;
	int ret;

	if (argc < 2)
		return mmctl_usage_error(argv[0], "fincore needs a FILE");
	mmctl_connect(ctl);
	ret = mmctl_report_data_json(ctl, "fincore", kinds, docs, 1);
	if (ret)
		return ret;
	/* Files has one field: its JSON is the array of files itself. */
	files = json_object_is_type(doc, json_type_array) ? doc : NULL;
	if (mmc_info(ctl->c)->page_size)
		page = mmc_info(ctl->c)->page_size;
	out = json_object_new_array();
	if (!ctl->json)
		printf("%12s %8s %12s %s\n", "RES", "PAGES", "SIZE", "FILE");
	for (int i = 1; i < argc; i++) {
		char name[400];
		json_object *f, *o;

		snprintf(name, sizeof(name), "%s%s",
			 argv[i][0] == '/' ? "" : "/", argv[i]);
		f = files ? find_file(files, name) : NULL;
		if (!f) {
			fprintf(stderr, "mmctl: fincore: %s: no such file\n",
				argv[i]);
			ret = EXIT_FAILURE;
			continue;
		}
		o = json_object_new_object();
		json_object_object_add(
			o, "res",
			json_object_new_uint64(file_u64(f, "cached") * page));
		json_object_object_add(
			o, "pages",
			json_object_new_uint64(file_u64(f, "cached")));
		json_object_object_add(
			o, "size", json_object_new_uint64(file_u64(f, "size")));
		json_object_object_add(o, "file",
				       json_object_new_string(argv[i]));
		json_object_array_add(out, o);
		if (!ctl->json)
			printf("%12llu %8llu %12llu %s\n",
			       file_u64(f, "cached") * page,
			       file_u64(f, "cached"), file_u64(f, "size"),
			       argv[i]);
	}
	if (ctl->json)
		mmctl_print_json(stdout, out, true);
	json_object_put(out);
	json_object_put(doc);
	return ret;
}

static const struct report_kind sysctl_report = {"sysctl", MMC_REPORT_SYSCTL,
						 NULL, "the vm.* sysctls"};

/* sysctl: list the vm.* knobs; NAME=VALUE sets one (admin). */
static int cmd_sysctl(struct mmctl *ctl, int argc, char **argv)
{
	char name[64], *end;
	const char *eq;
	long long v;
	int err;

	if (argc == 1)
		return show_report(ctl, &sysctl_report, 0);
	eq = argc == 2 ? strchr(argv[1], '=') : NULL;
	if (!eq || (size_t)(eq - argv[1]) >= sizeof(name))
		return mmctl_usage_error(argv[0], "sysctl takes NAME=VALUE");
	snprintf(name, sizeof(name), "%.*s", (int)(eq - argv[1]), argv[1]);
	v = strtoll(eq + 1, &end, 10);
	if (*end || end == eq + 1)
		return mmctl_usage_error(argv[0], "'%s' is not a number",
					 eq + 1);
	err = mmc_admin_sysctl(mmctl_connect(ctl), name, v);
	if (err)
		return mmctl_daemon_error(ctl, "sysctl", err);
	printf("%s = %lld\n", name, v);
	return 0;
}

static const struct report_kind status_report = {
	"status", MMC_REPORT_STATUS, status_to_json, "one process's status"};

static int cmd_status(struct mmctl *ctl, int argc, char **argv)
{
	int pid;

	if (argc != 2)
		return mmctl_usage_error(argv[0], "status needs one PID");
	if (parse_pid(argv[1], &pid))
		return mmctl_usage_error(argv[0], "'%s' is not a pid", argv[1]);
	return show_report(ctl, &status_report, pid);
}

static const struct report_kind maps_report = {
	"maps", MMC_REPORT_MAPS, maps_to_json, "a process's mappings"};
static const struct report_kind pagewalk_report = {
	"pagewalk", MMC_REPORT_PAGEWALK, NULL, "a page walk"};
static const struct report_kind translate_report = {
	"translate", MMC_REPORT_TRANSLATE, NULL, "a segmented translation"};

static const struct report_kind malloc_stats_report = {
	"malloc-stats", MMC_REPORT_MALLOC_STATS, NULL, "a process's malloc"};

static int cmd_malloc_stats(struct mmctl *ctl, int argc, char **argv)
{
	int pid;

	if (argc != 2)
		return mmctl_usage_error(argv[0], "malloc-stats needs one PID");
	if (parse_pid(argv[1], &pid))
		return mmctl_usage_error(argv[0], "'%s' is not a pid", argv[1]);
	return show_report(ctl, &malloc_stats_report, pid);
}

static const struct report_kind smaps_report = {
	"smaps", MMC_REPORT_SMAPS, smaps_to_json,
	"a process's mappings, with their pages"};
static const struct report_kind smaps_rollup_report = {
	"smaps_rollup", MMC_REPORT_SMAPS_ROLLUP, smaps_rollup_to_json,
	"a process's pages, summed"};

/* smaps PID and smaps_rollup PID. */
static int cmd_smaps(struct mmctl *ctl, int argc, char **argv)
{
	bool rollup = !strcmp(argv[0], "smaps_rollup");
	int pid;

	if (argc != 2)
		return mmctl_usage_error(argv[0], "%s needs one PID", argv[0]);
	if (parse_pid(argv[1], &pid))
		return mmctl_usage_error(argv[0], "'%s' is not a pid", argv[1]);
	return show_report(ctl, rollup ? &smaps_rollup_report : &smaps_report,
			   pid);
}

static int cmd_maps(struct mmctl *ctl, int argc, char **argv)
{
	int pid;

	if (argc != 2)
		return mmctl_usage_error(argv[0], "maps needs one PID");
	if (parse_pid(argv[1], &pid))
		return mmctl_usage_error(argv[0], "'%s' is not a pid", argv[1]);
	return show_report(ctl, &maps_report, pid);
}

static const struct report_kind numa_maps_report = {
	"numa-maps", MMC_REPORT_NUMA_MAPS, numa_maps_to_json,
	"a process's numa_maps"};
static const struct report_kind node_meminfo_report = {
	"node-meminfo", MMC_REPORT_NODE_MEMINFO, node_meminfo_to_json,
	"a node's meminfo"};

static int cmd_numa_maps(struct mmctl *ctl, int argc, char **argv)
{
	int pid;

	if (argc != 2)
		return mmctl_usage_error(argv[0], "numa-maps needs one PID");
	if (parse_pid(argv[1], &pid))
		return mmctl_usage_error(argv[0], "'%s' is not a pid", argv[1]);
	return show_report(ctl, &numa_maps_report, pid);
}

static const struct report_kind numastat_process_report = {
	"numastat", MMC_REPORT_NUMASTAT_PROCESS, NULL,
	"a process's memory on each node, as numastat -p PID"};

/*
 * numastat -m and -n (and -p PID with either) as JSON: one section
 * alone is its document; several make one object, keyed by section.
 */
static int numastat_json(struct mmctl *ctl, int pid, bool meminfo, bool events)
{
	json_object *doc = json_object_new_object(), *part = NULL;
	void *buf = NULL;
	size_t len = 0;
	char why[160];
	int ret = 0, sections = (pid > 0) + meminfo + events;

	if (pid > 0) {
		ret = mmc_report_data(mmctl_connect(ctl),
				      MMC_REPORT_NUMASTAT_PROCESS, pid, &buf,
				      &len);
		if (ret)
			ret = mmctl_daemon_error(ctl, "numastat", ret);
		else if (!(part = report_data_to_json(buf, len, why,
						      sizeof(why)))) {
			fprintf(stderr, "mmctl: numastat: %s\n", why);
			ret = EXIT_DAEMON;
		}
		free(buf);
		if (part)
			json_object_object_add(doc, "process", part);
	}
	if (!ret && meminfo && !(ret = numastat_system(ctl, true, &part)))
		json_object_object_add(doc, "meminfo", part);
	if (!ret && events && !(ret = numastat_system(ctl, false, &part)))
		json_object_object_add(doc, "numastat", part);
	if (!ret && sections == 1) {
		json_object_object_foreach(doc, key, val)
		{
			(void)key;
			mmctl_print_json(stdout, val, true);
		}
	} else if (!ret) {
		mmctl_print_json(stdout, doc, true);
	}
	json_object_put(doc);
	return ret;
}

/*
 * numastat -m and -n, as numactl's: the process's table first (-p),
 * then the system's memory per node (-m), then the NUMA events in MB
 * (-n, or alone when neither a PID nor -m is given).
 */
static int numastat_tables(struct mmctl *ctl, int pid, bool meminfo,
			   bool events)
{
	int ret = 0;

	if (!pid && !meminfo)
		events = true;
	if (ctl->json)
		return numastat_json(ctl, pid, meminfo, events);
	if (pid > 0)
		ret = show_report(ctl, &numastat_process_report, pid);
	if (!ret && meminfo)
		ret = numastat_system(ctl, true, NULL);
	if (!ret && events)
		ret = numastat_system(ctl, false, NULL);
	return ret;
}

/*
 * numastat: each node's NUMA events (numactl's compatible table);
 * numastat PID or numastat -p PID: the process's memory on each node
 * (numactl's per-process table); -m the system's memory per node and -n
 * the events per node in MB, as numactl's numastat -m and -n.
 */
static int cmd_numastat(struct mmctl *ctl, int argc, char **argv)
{
	const char *arg = NULL;
	bool meminfo = false, events = false;
	int c, pid = 0;

	optind = 0;
	while ((c = mmctl_getopt(ctl, argc, argv, "mnp:", NULL)) != -1) {
		if (c == 'm')
			meminfo = true;
		else if (c == 'n')
			events = true;
		else if (c == 'p')
			arg = optarg;
		else
			return EXIT_USAGE;
	}
	if (!arg && optind < argc)
		arg = argv[optind++];
	if (optind < argc)
		return mmctl_usage_error(argv[0],
					 "numastat takes [-m] [-n] [[-p] PID]");
	if (arg && parse_pid(arg, &pid))
		return mmctl_usage_error(argv[0], "'%s' is not a pid", arg);
	if ((meminfo || events) && ctl->input)
		return mmctl_usage_error(argv[0], "-m and -n read mmd, not "
						  "--input");
	if (meminfo || events)
		return numastat_tables(ctl, pid, meminfo, events);
	if (!arg)
		return show_report(ctl, find_report("numastat"), 0);
	return show_report(ctl, &numastat_process_report, pid);
}

static const struct report_kind node_vmstat_report = {
	"node-vmstat", MMC_REPORT_NODE_VMSTAT, vmstat_to_json,
	"a node's vmstat"};

/* node-meminfo NODE and node-vmstat NODE. */
static int cmd_node_meminfo(struct mmctl *ctl, int argc, char **argv)
{
	bool vmstat = !strcmp(argv[0], "node-vmstat");
	unsigned long long node;

	if (argc != 2)
		return mmctl_usage_error(argv[0], "%s needs a NODE", argv[0]);
	if (mmctl_parse_u64(argv[1], &node))
		return mmctl_usage_error(argv[0], "'%s' is not a node",
					 argv[1]);
	return show_report_at(
		ctl, vmstat ? &node_vmstat_report : &node_meminfo_report, 0, 0,
		node);
}

static int cmd_pagewalk(struct mmctl *ctl, int argc, char **argv)
{
	unsigned long long addr;
	int pid;

	if (argc != 3)
		return mmctl_usage_error(argv[0], "pagewalk needs a PID and "
						  "an ADDR");
	if (parse_pid(argv[1], &pid))
		return mmctl_usage_error(argv[0], "'%s' is not a pid", argv[1]);
	if (mmctl_parse_u64(argv[2], &addr))
		return mmctl_usage_error(argv[0], "'%s' is not an address",
					 argv[2]);
	return show_report_at(ctl, &pagewalk_report, pid, 0, addr);
}

static const char *const sreg_names[] = {"es", "cs", "ss", "ds", "fs", "gs"};

/*
 * SELECTOR:OFFSET, both hex or decimal; a selector is 16 bits. Or
 * SREG:OFFSET with a segment register's name, which *sreg then holds.
 */
static int parse_far_pointer(const char *s, unsigned int *sel,
			     unsigned long long *off, const char **sreg)
{
	const char *colon = strchr(s, ':');
	char selector[32];
	unsigned long long v;

	if (!colon || (size_t)(colon - s) >= sizeof(selector))
		return -EINVAL;
	memcpy(selector, s, (size_t)(colon - s));
	selector[colon - s] = '\0';
	*sreg = NULL;
	*sel = 0;
	for (size_t i = 0; i < sizeof(sreg_names) / sizeof(sreg_names[0]); i++)
		if (!strcmp(selector, sreg_names[i]))
			*sreg = sreg_names[i];
	if (*sreg)
		return mmctl_parse_u64(colon + 1, off) || *off > 0xffffffffULL
			       ? -EINVAL
			       : 0;
	if (mmctl_parse_u64(selector, &v) || v > 0xffff)
		return -EINVAL;
	*sel = (unsigned int)v;
	if (mmctl_parse_u64(colon + 1, off) || *off > 0xffffffffULL)
		return -EINVAL;
	return 0;
}

static int cmd_translate(struct mmctl *ctl, int argc, char **argv)
{
	struct translation_args tr = {NULL, 3};
	unsigned long long off, cpl = 3;
	unsigned int sel;
	int pid;

	if (argc != 3 && argc != 4)
		return mmctl_usage_error(argv[0], "translate needs a PID, "
						  "SELECTOR:OFFSET and "
						  "optionally a CPL");
	if (parse_pid(argv[1], &pid))
		return mmctl_usage_error(argv[0], "'%s' is not a pid", argv[1]);
	if (parse_far_pointer(argv[2], &sel, &off, &tr.sreg))
		return mmctl_usage_error(argv[0],
					 "'%s' is not SELECTOR:OFFSET (16-bit "
					 "selector, 32-bit offset)",
					 argv[2]);
	if (argc == 4 && (mmctl_parse_u64(argv[3], &cpl) || cpl > 3))
		return mmctl_usage_error(argv[0],
					 "CPL '%s' does not exist: rings are "
					 "0 to 3",
					 argv[3]);
	tr.cpl = (unsigned int)cpl;
	if (strcmp(mmc_info(mmctl_connect(ctl))->arch, "i386")) {
		fprintf(stderr,
			"mmctl: translate: segments exist on i386 layouts "
			"only; this machine is %s\n",
			mmc_info(ctl->c)->arch);
		return EXIT_DAEMON;
	}
	return show_report_tr(ctl, &translate_report, pid, sel, off, &tr);
}

static const struct report_kind ldt_report = {"ldt", MMC_REPORT_LDT, NULL,
					      "a process's LDT"};
static const struct report_kind segregs_report = {
	"segregs", MMC_REPORT_SEGREGS, NULL, "a process's segment registers"};

/* mmctl ldt PID, mmctl segregs PID. */
static int cmd_segments(struct mmctl *ctl, int argc, char **argv)
{
	int pid;

	if (argc != 2)
		return mmctl_usage_error(argv[0], "%s needs one PID", argv[0]);
	if (parse_pid(argv[1], &pid))
		return mmctl_usage_error(argv[0], "'%s' is not a pid", argv[1]);
	return show_report(
		ctl, strcmp(argv[0], "ldt") ? &segregs_report : &ldt_report,
		pid);
}

/* ------------------------------------------------------------------ */
/* Admin                                                               */

static int no_args(int argc, char **argv)
{
	if (argc != 1)
		return mmctl_usage_error(argv[0], "%s takes no arguments",
					 argv[0]);
	return 0;
}

static int cmd_check(struct mmctl *ctl, int argc, char **argv)
{
	struct mmc_check chk;
	int err = no_args(argc, argv);

	if (err)
		return err;
	err = mmc_admin_check(mmctl_connect(ctl), &chk);
	if (err)
		return mmctl_daemon_error(ctl, "check", err);
	if (ctl->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "consistent",
				       json_object_new_boolean(1));
		json_object_object_add(o, "free_pages",
				       json_object_new_uint64(chk.free_pages));
		json_object_object_add(o, "nr_tasks",
				       json_object_new_int64(chk.nr_tasks));
		json_object_object_add(o, "exits",
				       json_object_new_uint64(chk.exits));
		json_object_object_add(
			o, "leaked_blocks",
			json_object_new_uint64(chk.leaked_blocks));
		json_object_object_add(
			o, "leaked_objects",
			json_object_new_uint64(chk.leaked_objects));
		mmctl_print_json(stdout, o, true);
		json_object_put(o);
		return 0;
	}
	printf("consistent: %lu free pages, %u tasks, %lu exits "
	       "(%lu page blocks and %lu objects freed at exit)\n",
	       chk.free_pages, chk.nr_tasks, chk.exits, chk.leaked_blocks,
	       chk.leaked_objects);
	return 0;
}

static int print_free_pages(struct mmctl *ctl, unsigned long free_pages)
{
	if (ctl->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "free_pages",
				       json_object_new_uint64(free_pages));
		mmctl_print_json(stdout, o, true);
		json_object_put(o);
	} else {
		printf("free pages: %lu\n", free_pages);
	}
	return 0;
}

static int cmd_drop_caches(struct mmctl *ctl, int argc, char **argv)
{
	unsigned long free_pages;
	unsigned int mode = 3;
	char *end = NULL;
	int err;

	if (argc > 2)
		return mmctl_usage_error(argv[0], "%s takes one mode at most",
					 argv[0]);
	if (argc == 2) {
		mode = (unsigned int)strtoul(argv[1], &end, 10);
		if (!*argv[1] || *end)
			return mmctl_usage_error(argv[0], "%s: %s is no mode",
						 argv[0], argv[1]);
	}
	err = mmc_admin_drop_caches_mode(mmctl_connect(ctl), mode, &free_pages);
	if (err)
		return mmctl_daemon_error(ctl, "drop-caches", err);
	return print_free_pages(ctl, free_pages);
}

/* Compact, then show buddyinfo: the blocks free memory came to. */
static int cmd_compact(struct mmctl *ctl, int argc, char **argv)
{
	int err = no_args(argc, argv);

	if (err)
		return err;
	err = mmc_admin_compact_memory(mmctl_connect(ctl));
	if (err)
		return mmctl_daemon_error(ctl, "compact", err);
	return show_report(ctl, find_report("buddyinfo"), 0);
}

/* thp-set enabled=MODE defrag=MODE, then the files as they now read. */
static int cmd_thp_set(struct mmctl *ctl, int argc, char **argv)
{
	const char *enabled = NULL, *defrag = NULL;
	int err;

	if (argc < 2)
		return mmctl_usage_error(argv[0], "thp-set needs enabled=MODE "
						  "or defrag=MODE");
	for (int i = 1; i < argc; i++) {
		if (!strncmp(argv[i], "enabled=", 8))
			enabled = argv[i] + 8;
		else if (!strncmp(argv[i], "defrag=", 7))
			defrag = argv[i] + 7;
		else
			return mmctl_usage_error(argv[0],
						 "'%s' is not enabled=MODE or "
						 "defrag=MODE",
						 argv[i]);
	}
	err = mmc_admin_transparent_hugepage(mmctl_connect(ctl), enabled,
					     defrag);
	if (err)
		return mmctl_daemon_error(ctl, "thp-set", err);
	return show_report(ctl, find_report("thp"), 0);
}

/* "NAME=N" into *v: 1 if arg is NAME=, -1 if its number is bad. */
static int key_number(const char *arg, const char *name, unsigned long *v)
{
	size_t n = strlen(name);
	char *end;

	if (strncmp(arg, name, n) || arg[n] != '=')
		return 0;
	*v = strtoul(arg + n + 1, &end, 10);
	return arg[n + 1] && !*end && *v <= 0x7fffffffUL ? 1 : -1;
}

/* khugepaged [scan] [pages_to_scan=N] [max_ptes_none=N] */
static int cmd_khugepaged(struct mmctl *ctl, int argc, char **argv)
{
	unsigned long pages = 0, none = 0, made = 0;
	int set_none = 0, err;
	bool scan = false;

	for (int i = 1; i < argc; i++) {
		int p = key_number(argv[i], "pages_to_scan", &pages);
		int n = p ? 0 : key_number(argv[i], "max_ptes_none", &none);

		if (n > 0)
			set_none = 1;
		if (!strcmp(argv[i], "scan"))
			scan = true;
		else if (p < 0 || n < 0 || (!p && !n))
			return mmctl_usage_error(argv[0],
						 "'%s' is not scan, "
						 "pages_to_scan=N or "
						 "max_ptes_none=N",
						 argv[i]);
	}
	err = mmc_admin_khugepaged(mmctl_connect(ctl), (unsigned int)pages,
				   set_none ? (int)none : -1, scan, &made);
	if (err)
		return mmctl_daemon_error(ctl, "khugepaged", err);
	if (scan && !ctl->json)
		printf("collapsed:%lu\n", made);
	return show_report(ctl, find_report("thp"), 0);
}

/* meminfo's Slab, in kB, from the data. */
static int slab_kb(struct mmctl *ctl, unsigned long long *kb)
{
	const enum mmc_report kinds[1] = {MMC_REPORT_MEMINFO};
	json_object *doc = NULL, **docs[1] = {&doc}, *slab;
	int ret = mmctl_report_data_json(ctl, "shrink", kinds, docs, 1);

	if (ret)
		return ret;
	if (json_object_object_get_ex(doc, "slab", &slab))
		*kb = (unsigned long long)json_object_get_uint64(slab);
	else
		ret = mmctl_daemon_error(ctl, "shrink", -EBADMSG);
	json_object_put(doc);
	return ret;
}

/*
 * mmd has one request that shrinks every slab cache, and it drains the
 * per-CPU page lists too (AdminDropCaches). shrink makes that request
 * and reports its slab side: meminfo's Slab before and after.
 */
static int cmd_shrink(struct mmctl *ctl, int argc, char **argv)
{
	unsigned long long before, after;
	unsigned long free_pages;
	int err = no_args(argc, argv);

	if (err)
		return err;
	mmctl_connect(ctl);
	err = slab_kb(ctl, &before);
	if (err)
		return err;
	err = mmc_admin_drop_caches(ctl->c, &free_pages);
	if (err)
		return mmctl_daemon_error(ctl, "shrink", err);
	err = slab_kb(ctl, &after);
	if (err)
		return err;
	if (ctl->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "slab_kb_before",
				       json_object_new_uint64(before));
		json_object_object_add(o, "slab_kb_after",
				       json_object_new_uint64(after));
		json_object_object_add(o, "free_pages",
				       json_object_new_uint64(free_pages));
		mmctl_print_json(stdout, o, true);
		json_object_put(o);
		return 0;
	}
	printf("slab: %llu kB -> %llu kB; free pages: %lu\n", before, after,
	       free_pages);
	return 0;
}

static json_object *session_to_json(const struct mmc_session *s)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "pid", json_object_new_int(s->pid));
	json_object_object_add(o, "comm", json_object_new_string(s->comm));
	json_object_object_add(o, "cpu", json_object_new_int64(s->cpu));
	json_object_object_add(o, "uid", json_object_new_int64(s->uid));
	json_object_object_add(o, "gid", json_object_new_int64(s->gid));
	json_object_object_add(o, "host_pid", json_object_new_int(s->host_pid));
	json_object_object_add(o, "pages", json_object_new_uint64(s->nr_pages));
	json_object_object_add(o, "objects",
			       json_object_new_uint64(s->nr_objects));
	json_object_object_add(o, "requests",
			       json_object_new_uint64(s->requests));
	return o;
}

static int cmd_sessions(struct mmctl *ctl, int argc, char **argv)
{
	struct mmc_session *list = NULL;
	size_t n = 0;
	int err = no_args(argc, argv);

	if (err)
		return err;
	err = mmc_admin_sessions(mmctl_connect(ctl), &list, &n);
	if (err)
		return mmctl_daemon_error(ctl, "sessions", err);
	if (ctl->json) {
		json_object *a = json_object_new_array();

		for (size_t i = 0; i < n; i++)
			json_object_array_add(a, session_to_json(&list[i]));
		mmctl_print_json(stdout, a, true);
		json_object_put(a);
	} else {
		printf("%7s %-15s %3s %6s %6s %8s %8s %8s %10s\n", "PID",
		       "COMMAND", "CPU", "UID", "GID", "HOSTPID", "PAGES",
		       "OBJECTS", "REQUESTS");
		for (size_t i = 0; i < n; i++)
			printf("%7d %-15s %3u %6u %6u %8d %8lu %8lu %10lu\n",
			       list[i].pid, list[i].comm, list[i].cpu,
			       list[i].uid, list[i].gid, list[i].host_pid,
			       list[i].nr_pages, list[i].nr_objects,
			       list[i].requests);
	}
	free(list);
	return 0;
}

static int cmd_shutdown(struct mmctl *ctl, int argc, char **argv)
{
	int err = no_args(argc, argv);

	if (err)
		return err;
	err = mmc_admin_shutdown(mmctl_connect(ctl));
	/* The daemon may close before its reply is read: it is stopping. */
	if (err && err != -ESHUTDOWN)
		return mmctl_daemon_error(ctl, "shutdown", err);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The command table and help                                          */

static int cmd_help(struct mmctl *ctl, int argc, char **argv);

static const struct command commands[] = {
	{"meminfo", cmd_report, "", NULL, NULL},
	{"buddyinfo", cmd_report, "", NULL, NULL},
	{"pagetypeinfo", cmd_report, "", NULL, NULL},
	{"extfrag", cmd_report, "", NULL, NULL},
	{"unusable", cmd_report, "", NULL, NULL},
	{"zoneinfo", cmd_report, "", NULL, NULL},
	{"slabinfo", cmd_report, "", NULL, NULL},
	{"vmstat", cmd_vmstat, "[DELAY [COUNT]]", NULL, NULL},
	{"vmallocinfo", cmd_report, "", NULL, NULL},
	{"media-mem", cmd_report, "", NULL, NULL},
	{"dmesg", cmd_report, "", NULL, NULL},
	{"ps", cmd_report, "", NULL, NULL},
	{"preempt", cmd_report, "", NULL, NULL},
	{"percpu", cmd_report, "", NULL, NULL},
	{"gfp-context", cmd_report, "", NULL, NULL},
	{"files", cmd_report, "", NULL, NULL},
	{"fincore", cmd_fincore, "FILE...",
	 "the pages of each file in the page cache, as fincore --bytes "
	 "prints them (RES PAGES SIZE FILE)",
	 NULL},
	{"layout", cmd_report, "", NULL, NULL},
	{"mutexes", cmd_report, "", NULL, NULL},
	{"thp", cmd_report, "", NULL, NULL},
	{"numastat", cmd_numastat, "[-m] [-n] [[-p] PID]",
	 "with no PID each node's numa_hit, numa_miss, numa_foreign, "
	 "interleave_hit, local_node and other_node; with one, the "
	 "process's Huge, Heap, Stack and Private memory on each node in "
	 "MB, as numactl's numastat -p PID; -m each node's meminfo and -n "
	 "its NUMA events, in MB per node with a Total, as numastat -m "
	 "and -n",
	 NULL},
	{"cma", cmd_report, "", NULL, NULL},
	{"thp-set", cmd_thp_set, "[enabled=MODE] [defrag=MODE]",
	 "set /sys/kernel/mm/transparent_hugepage/enabled (always, madvise, "
	 "never) and defrag (always, defer, defer+madvise, madvise, never); "
	 "prints the thp report afterwards",
	 "admin_transparent_hugepage"},
	{"khugepaged", cmd_khugepaged,
	 "[scan] [pages_to_scan=N] [max_ptes_none=N]",
	 "set khugepaged's pages_to_scan and max_ptes_none; with scan, run "
	 "one pass now, collapsing ranges of small pages into huge pages, "
	 "and print how many; then the thp report",
	 "admin_khugepaged"},
	{"status", cmd_status, "PID",
	 "/proc/PID/status-like lines for one process (another session's "
	 "needs admin rights)",
	 NULL},
	{"maps", cmd_maps, "PID", "/proc/PID/maps of a process", NULL},
	{"numa-maps", cmd_numa_maps, "PID",
	 "/proc/PID/numa_maps of a process: each mapping's policy and the "
	 "node of its pages",
	 NULL},
	{"node-meminfo", cmd_node_meminfo, "NODE",
	 "/sys/devices/system/node/nodeNODE/meminfo", NULL},
	{"node-vmstat", cmd_node_meminfo, "NODE",
	 "/sys/devices/system/node/nodeNODE/vmstat: the node's zones' "
	 "counters, NUMA events and its own counters",
	 NULL},
	{"smaps", cmd_smaps, "PID",
	 "/proc/PID/smaps of a process: each mapping with its Rss, Pss, "
	 "Swap, Locked... and VmFlags",
	 NULL},
	{"smaps_rollup", cmd_smaps, "PID",
	 "/proc/PID/smaps_rollup: every mapping's pages summed", NULL},
	{"pagemap", cmd_pagemap, "PID ADDR [PAGES]",
	 "/proc/PID/pagemap of PAGES pages (1 if none) from ADDR: each "
	 "address, its entry, present or swapped, the pfn (or swap type "
	 "and offset), exclusive, file/shared",
	 NULL},
	{"malloc-stats", cmd_malloc_stats, "PID",
	 "malloc_stats(3) of a process's own malloc", NULL},
	{"pagewalk", cmd_pagewalk, "PID ADDR",
	 "walk PID's page table for ADDR: each level's index and entry, "
	 "the frame and its struct page",
	 NULL},
	{"translate", cmd_translate, "PID SELECTOR:OFFSET [CPL]",
	 "translate a far pointer through PID's segments (the GDT, or its "
	 "LDT for TI=1) at CPL (default 3), i386 layouts only; SREG:OFFSET "
	 "(ds:0x1000) reads through what a segment register cached",
	 NULL},
	{"ldt", cmd_segments, "PID",
	 "PID's LDT, as modify_ldt made it: each entry decoded", NULL},
	{"segregs", cmd_segments, "PID",
	 "PID's segment registers: selectors and cached descriptors, i386 "
	 "layouts only",
	 NULL},
	{"kpageflags", cmd_kpageflags, "PFN [N]",
	 "/proc/kpageflags of N frames from PFN (1 if no N): each pfn, "
	 "its KPF_* word and the flags' names",
	 "kpageflags"},
	{"kpagecount", cmd_kpagecount, "PFN [N]",
	 "/proc/kpagecount of N frames from PFN: the times each is mapped",
	 "kpagecount"},
	{"page-types", cmd_page_types, "[-r] [-F FILE]",
	 "page-types' summary of every frame: each set of flags and its "
	 "pages; -r keeps the kernel-hacking bits; -F reads a kpageflags "
	 "file instead (the host's /proc/kpageflags too)",
	 "kpageflags"},
	{"dump-page", cmd_dump_page, "PFN",
	 "dump_page() of one frame, as the kernel log shows it", "report"},
	{"page-owners", cmd_page_owners, "PFN",
	 "who holds one frame now: the processes mapping it (rmap), its "
	 "slab cache, vmalloc area, page table, file or media block",
	 "report"},
	{"page-owner", cmd_page_owner, "",
	 "/sys/kernel/debug/page_owner: who allocated every block "
	 "(kernel.page_owner: 1 in the layout)",
	 "report"},
	{"slab", cmd_slab, "CACHE",
	 "/sys/kernel/slab/CACHE/: SLUB's attributes of one cache "
	 "(partial, cpu_slabs, objects_partial, order, slabs ...)",
	 "slab_sysfs"},
	{"top", cmd_top, "[-b] [-n COUNT] [-d SECONDS] [-o KEY]",
	 "a live full-screen view, refreshed every second: memory, zones "
	 "and their free orders, busiest caches, biggest processes. q "
	 "quits. -b prints plain frames (batch), -n stops after COUNT, -d "
	 "sets the delay, -o (--sort) orders the caches by slabtop's keys "
	 "a b c l n o p s",
	 NULL},
	{"watch", cmd_watch, "[-d] [-n COUNT] REPORT [SECONDS]",
	 "show REPORT every SECONDS (default 1) until q or ^C; -d marks "
	 "what changed; with --json, one JSON document per line",
	 NULL},
	{"map", cmd_map,
	 "[--by-type] [--output FILE.png|FILE.svg] [--color WHEN]",
	 "a picture of physical memory, zone by zone, one cell per block of "
	 "frames coloured by state: in the terminal, or as a PNG or SVG "
	 "file; --by-type: a cell per pageblock, coloured by migrate type, "
	 "with its free, movable and unmovable pages. WHEN is auto "
	 "(default), always or never",
	 NULL},
	{"check", cmd_check, "",
	 "run the machine's invariant checker; exits 1 with the first "
	 "inconsistency",
	 "admin_check"},
	{"drop-caches", cmd_drop_caches, "[1|2|3]",
	 "as echo N > /proc/sys/vm/drop_caches (3 by default): 1 drops the "
	 "clean page cache, 2 shrinks every slab cache, 3 both; then drains "
	 "the per-CPU page lists and prints the free pages",
	 "admin_drop_caches"},
	{"sysctl", cmd_sysctl, "[NAME=VALUE]",
	 "the vm.* sysctls (dirty_ratio, dirty_background_ratio, "
	 "dirty_expire_centisecs, dirty_writeback_centisecs, swappiness, "
	 "zone_reclaim_mode, min_unmapped_ratio, min_slab_ratio ...) as "
	 "sysctl vm prints them; NAME=VALUE sets one, as sysctl -w (admin)",
	 "admin_sysctl"},
	{"compact", cmd_compact, "",
	 "compact every zone, as writing /proc/sys/vm/compact_memory: "
	 "movable pages move so that free memory comes together; prints "
	 "buddyinfo afterwards",
	 "admin_compact_memory"},
	{"shrink", cmd_shrink, "",
	 "shrink every slab cache: the same request as drop-caches, "
	 "reported as meminfo's Slab before and after",
	 "admin_drop_caches"},
	{"sessions", cmd_sessions, "", "every session of the daemon",
	 "admin_sessions"},
	{"shutdown", cmd_shutdown, "", "stop the daemon cleanly",
	 "admin_shutdown"},
	{"help", cmd_help, "[COMMAND]", "this list, or one command's help",
	 NULL},
};
#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

static const char *command_help(const struct command *cmd)
{
	const struct report_kind *r = find_report(cmd->name);

	return r ? r->help : cmd->help;
}

/* Its request needs admin rights, as the operation table says. */
static bool command_is_admin(const struct command *cmd)
{
	return cmd->op && mmc_op_is_admin(cmd->op);
}

static json_object *command_to_json(const struct command *cmd)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(cmd->name));
	json_object_object_add(o, "args", json_object_new_string(cmd->args));
	json_object_object_add(o, "help",
			       json_object_new_string(command_help(cmd)));
	json_object_object_add(o, "admin",
			       json_object_new_boolean(command_is_admin(cmd)));
	return o;
}

static void print_command_help(const struct mmctl *ctl,
			       const struct command *cmd)
{
	if (ctl->json) {
		json_object *o = command_to_json(cmd);

		mmctl_print_json(stdout, o, true);
		json_object_put(o);
		return;
	}
	print_usage_line(stdout, cmd);
	printf("\n%s.\n", command_help(cmd));
	if (command_is_admin(cmd))
		printf("Needs admin rights: uid 0 or mmd's admin group.\n");
	if (cmd->run == cmd_report || cmd->run == cmd_status ||
	    cmd->run == cmd_vmstat)
		printf("With --json, the same data as a JSON document.\n");
}

/* A command's help up to its first ": ", " (" or "; ", for the list. */
static int summary_len(const struct command *cmd)
{
	const char *help = command_help(cmd);
	static const char *const stops[] = {": ", " (", "; "};
	const char *end = help + strlen(help);

	if (find_report(cmd->name))
		return (int)(end - help);
	for (size_t i = 0; i < sizeof(stops) / sizeof(stops[0]); i++) {
		const char *stop = strstr(help, stops[i]);

		if (stop && stop < end)
			end = stop;
	}
	return (int)(end - help);
}

/* --json help: every command, as data. */
static void print_help_json(void)
{
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < NR_COMMANDS; i++)
		json_object_array_add(a, command_to_json(&commands[i]));
	mmctl_print_json(stdout, a, true);
	json_object_put(a);
}

static void print_help(const struct mmctl *ctl)
{
	if (ctl->json) {
		print_help_json();
		return;
	}
	printf("usage: mmctl [OPTIONS] COMMAND [ARGS...]\n"
	       "\n"
	       "Shows a running mmd's machine as /proc shows a real one.\n"
	       "\n"
	       "Options (before or after the command; -- ends them):\n"
	       "  -s, --socket=PATH  mmd's socket (default: $MMD_SOCKET, "
	       "else %s)\n"
	       "  -j, --json         reports as JSON\n"
	       "  -i, --input=FILE   read the report from FILE (- for stdin)\n"
	       "                     instead of the daemon: with --json, a\n"
	       "                     real kernel's /proc, sysfs or debugfs "
	       "file\n"
	       "  -h, --help         this help; COMMAND --help for a "
	       "command's\n"
	       "  -V, --version      mmctl's version\n"
	       "\nCommands:\n",
	       MMC_DEFAULT_SOCKET);
	for (size_t i = 0; i < NR_COMMANDS; i++) {
		char head[64];

		snprintf(head, sizeof(head), "%s%s%s", commands[i].name,
			 *commands[i].args ? " " : "", commands[i].args);
		if (strlen(head) > 22)
			printf("  %s\n  %22s ", head, "");
		else
			printf("  %-22s ", head);
		printf("%.*s%s\n", summary_len(&commands[i]),
		       command_help(&commands[i]),
		       command_is_admin(&commands[i]) ? " (admin)" : "");
	}
	printf("\nExit status: 0 done, 1 an error from the daemon, 2 bad "
	       "usage.\n");
}

static int cmd_help(struct mmctl *ctl, int argc, char **argv)
{
	const struct command *cmd;

	if (argc == 1) {
		print_help(ctl);
		return 0;
	}
	cmd = argc == 2 ? find_command(argv[1]) : NULL;
	if (!cmd)
		return mmctl_usage_error("help", "no command '%s'", argv[1]);
	print_command_help(ctl, cmd);
	return 0;
}

static void print_version(const struct mmctl *ctl)
{
	if (ctl->json) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "mmctl",
				       json_object_new_string(MMC_VERSION));
		json_object_object_add(
			o, "protocol",
			json_object_new_int(MMC_PROTOCOL_VERSION));
		mmctl_print_json(stdout, o, true);
		json_object_put(o);
		return;
	}
	printf("mmctl %s (protocol %d)\n", MMC_VERSION, MMC_PROTOCOL_VERSION);
}

/* ------------------------------------------------------------------ */
/* Options                                                             */

#define GLOBAL_SHORTOPTS "s:ji:hV"
static const struct option global_longopts[] = {
	{"socket", required_argument, NULL, 's'},
	{"json", no_argument, NULL, 'j'},
	{"input", required_argument, NULL, 'i'},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
};
#define NR_GLOBAL_OPTS (sizeof(global_longopts) / sizeof(global_longopts[0]))

/* The command whose options are being parsed: for -h. */
static const struct command *parsing;

/* What getopt_long said was wrong, in mmctl's words. */
static int option_error(int argc, char **argv, int c)
{
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	const char *command = parsing ? parsing->name : NULL;

	if (c == ':')
		return mmctl_usage_error(command, "%s needs an argument", arg);
	if (optopt && !strchr(arg, '='))
		return mmctl_usage_error(command, "unknown option '-%c'",
					 optopt);
	return mmctl_usage_error(command, "unknown option '%s'", arg);
}

/* A global option for ctl: true if c was one. */
static bool global_option(struct mmctl *ctl, int c)
{
	switch (c) {
	case 's':
		ctl->socket = optarg;
		return true;
	case 'j':
		ctl->json = true;
		return true;
	case 'i':
		ctl->input = optarg;
		return true;
	case 'h':
		ctl->help = true;
		return true;
	case 'V':
		ctl->version = true;
		return true;
	}
	return false;
}

int mmctl_getopt(struct mmctl *ctl, int argc, char **argv,
		 const char *shortopts, const struct option *longopts)
{
	static struct option all[NR_GLOBAL_OPTS + 16];
	char opts[64];
	size_t n = 0;
	int c;

	snprintf(opts, sizeof(opts), ":" GLOBAL_SHORTOPTS "%s", shortopts);
	for (; longopts && longopts[n].name && n < 16; n++)
		all[n] = longopts[n];
	memcpy(all + n, global_longopts, sizeof(global_longopts));
	memset(all + n + NR_GLOBAL_OPTS, 0, sizeof(all[0]));
	opterr = 0;
	for (;;) {
		c = getopt_long(argc, argv, opts, all, NULL);
		if (c == '?' || c == ':') {
			option_error(argc, argv, c);
			return '?';
		}
		if (!global_option(ctl, c))
			return c;
		if (ctl->help || ctl->version) {
			if (ctl->version)
				print_version(ctl);
			else if (parsing)
				print_command_help(ctl, parsing);
			exit(0);
		}
	}
}

/*
 * A command with no options of its own: the global ones taken out,
 * *argv becomes {name, operands...}. 0, or EXIT_USAGE.
 */
static int take_options(struct mmctl *ctl, int *argc, char ***argv)
{
	int c;

	optind = 0;
	c = mmctl_getopt(ctl, *argc, *argv, "", NULL);
	if (c != -1)
		return c == '?' ? EXIT_USAGE
				: mmctl_usage_error(parsing->name,
						    "unknown option");
	(*argv)[optind - 1] = (*argv)[0];
	*argv += optind - 1;
	*argc -= optind - 1;
	return 0;
}

/*
 * The commands with options of their own: they parse all of their
 * arguments with mmctl_getopt. Every other command gets its operands
 * alone, the global options taken out (and any other option refused).
 */
static bool parses_own_options(const struct command *cmd)
{
	return cmd->run == cmd_top || cmd->run == cmd_watch ||
	       cmd->run == cmd_map || cmd->run == cmd_page_types ||
	       cmd->run == cmd_numastat;
}

int main(int argc, char **argv)
{
	struct mmctl ctl = {0};
	const struct command *cmd;
	char **args;
	int c, nargs, ret;

	/* The options before the command ("+": stop at it). */
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:" GLOBAL_SHORTOPTS,
				global_longopts, NULL)) != -1)
		if (!global_option(&ctl, c))
			return option_error(argc, argv, c);
	if (ctl.version) {
		print_version(&ctl);
		return 0;
	}
	if (ctl.help || optind == argc) {
		if (ctl.help) {
			print_help(&ctl);
			return 0;
		}
		return mmctl_usage_error(NULL, "no command given");
	}
	cmd = find_command(argv[optind]);
	if (!cmd)
		return mmctl_usage_error(NULL, "no command '%s'", argv[optind]);
	parsing = cmd;
	args = argv + optind;
	nargs = argc - optind;
	if (!parses_own_options(cmd)) {
		ret = take_options(&ctl, &nargs, &args);
		if (ret)
			return ret;
	}
	if (ctl.input && cmd->run != cmd_report && cmd->run != cmd_status &&
	    cmd->run != cmd_vmstat && cmd->run != cmd_smaps &&
	    cmd->run != cmd_numastat)
		return mmctl_usage_error(NULL, "--input goes with a report "
					       "only");
	ret = cmd->run(&ctl, nargs, args);
	if (ctl.c)
		mmc_close(ctl.c);
	return ret;
}
