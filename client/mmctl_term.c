/* SPDX-License-Identifier: MIT */
/*
 * mmctl_term.c - the live views: top (a full-screen summary refreshed
 * every second) and watch (one report, again and again).
 *
 * Owns: the terminal while a live view runs: the alternate screen, raw
 * keyboard input (q quits), the size of the window, and putting all of
 * it back on every way out (q, ^C, SIGTERM, an error). The terminal's
 * own sequences come from terminfo (ncurses' libtinfo); with -b, when
 * stdout is not a terminal, or when the terminal cannot address its
 * cursor (TERM=dumb), frames are printed one after another as plain
 * text. Must never: leave the terminal raw, write a terminal sequence
 * terminfo did not give, or read the machine other than through its
 * reports.
 */
#include "client/mmctl.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <curses.h>
#include <term.h>

/*
 * A frame marks its emphasis with these bytes, never with a terminal's
 * own sequences: the screen turns them into what terminfo says the
 * terminal uses, or drops them when there is no terminal to draw on.
 */
#define MARK_BOLD     '\001'
#define MARK_REVERSE  '\002'
#define MARK_STANDOUT '\003' /* a field that changed (watch -d) */
#define MARK_NORMAL   '\004'

struct screen {
	bool live; /* full-screen: the terminal can address its cursor */
	bool keys; /* stdin is a terminal we read q from */
	struct termios saved;
	unsigned int rows, cols;
	/* terminfo's strings, NULL where the terminal lacks one */
	const char *home, *clear_eol, *clear_eos, *enter_ca, *exit_ca, *hide,
		*show, *bold, *rev, *so, *normal;
};

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t resized;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void on_resize(int sig)
{
	(void)sig;
	resized = 1;
}

static int put_char(int c)
{
	return putchar(c);
}

static void put_cap(const char *cap)
{
	if (cap)
		tputs(cap, 1, put_char);
}

/* A capability the terminal has, or NULL. */
static const char *cap(const char *name)
{
	const char *v = tigetstr(name);

	return v && v != (char *)-1 ? v : NULL;
}

static void screen_size(struct screen *s)
{
	struct winsize ws;

	s->rows = 24;
	s->cols = 80;
	if (s->live && !ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) && ws.ws_row &&
	    ws.ws_col) {
		s->rows = ws.ws_row;
		s->cols = ws.ws_col;
	}
}

/*
 * Live when stdout is a terminal that terminfo knows can move its cursor
 * home and clear a line: TERM=dumb, an unknown TERM, a pipe or batch
 * mode get the frames as plain text, one after another.
 */
static bool screen_terminal(struct screen *s, bool batch)
{
	int err;

	if (batch || !isatty(STDOUT_FILENO) ||
	    setupterm(NULL, STDOUT_FILENO, &err) != OK)
		return false;
	s->home = cap("home");
	s->clear_eol = cap("el");
	s->clear_eos = cap("ed");
	if (!s->home || !s->clear_eol || !s->clear_eos) {
		del_curterm(cur_term);
		return false;
	}
	s->enter_ca = cap("smcup");
	s->exit_ca = cap("rmcup");
	s->hide = cap("civis");
	s->show = cap("cnorm");
	s->bold = cap("bold");
	s->rev = cap("rev");
	s->so = cap("smso");
	s->normal = cap("sgr0");
	return true;
}

static void screen_open(struct screen *s, bool batch)
{
	struct sigaction sa;

	memset(s, 0, sizeof(*s));
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop; /* no SA_RESTART: poll wakes up */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_resize;
	sigaction(SIGWINCH, &sa, NULL);
	s->live = screen_terminal(s, batch);
	s->keys = s->live && isatty(STDIN_FILENO) &&
		  !tcgetattr(STDIN_FILENO, &s->saved);
	if (s->keys) {
		struct termios raw = s->saved;

		raw.c_lflag &= ~(tcflag_t)(ICANON | ECHO);
		raw.c_cc[VMIN] = 0;
		raw.c_cc[VTIME] = 0;
		tcsetattr(STDIN_FILENO, TCSANOW, &raw);
	}
	if (s->live) {
		put_cap(s->enter_ca);
		put_cap(s->hide);
	}
	screen_size(s);
}

static void screen_close(struct screen *s)
{
	if (s->live) {
		put_cap(s->normal);
		put_cap(s->show);
		put_cap(s->exit_ca);
		del_curterm(cur_term);
	}
	fflush(stdout);
	if (s->keys)
		tcsetattr(STDIN_FILENO, TCSANOW, &s->saved);
}

/*
 * Wait ms, or until q (true: quit), ^C or SIGTERM (true) or a resize
 * (false, early: redraw now).
 */
static bool screen_wait(struct screen *s, unsigned int ms)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		struct pollfd pfd = {STDIN_FILENO, POLLIN, 0};
		long waited;
		char key;

		if (stop_requested)
			return true;
		if (resized) {
			resized = 0;
			screen_size(s);
			return false;
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		waited = (now.tv_sec - start.tv_sec) * 1000 +
			 (now.tv_nsec - start.tv_nsec) / 1000000;
		if (waited >= (long)ms)
			return false;
		if (poll(&pfd, s->keys ? 1 : 0, (int)(ms - waited)) > 0 &&
		    read(STDIN_FILENO, &key, 1) == 1 &&
		    (key == 'q' || key == 'Q'))
			return true;
	}
}

static bool is_mark(char c)
{
	return c >= MARK_BOLD && c <= MARK_NORMAL;
}

/* A mark as the terminal's sequence (on a live screen). */
static void put_mark(const struct screen *s, char mark)
{
	switch (mark) {
	case MARK_BOLD:
		put_cap(s->bold);
		break;
	case MARK_REVERSE:
		put_cap(s->rev);
		break;
	case MARK_STANDOUT:
		put_cap(s->so ? s->so : s->rev);
		break;
	default:
		put_cap(s->normal);
	}
}

/* A frame without its marks: plain text. */
static void strip_marks(const char *frame)
{
	for (; *frame; frame++)
		if (!is_mark(*frame))
			putchar(*frame);
}

/*
 * Put a frame on the screen: live, from the top left, each line cut to
 * the width and cleared to its end, the rest of the screen cleared;
 * else the frame as plain text, then a blank line.
 */
static void screen_show(const struct screen *s, const char *frame)
{
	unsigned int row = 0;

	if (!s->live) {
		strip_marks(frame);
		fputs("\n", stdout);
		fflush(stdout);
		return;
	}
	put_cap(s->home);
	while (*frame && row < s->rows) {
		size_t n = strcspn(frame, "\n"), shown = 0;

		for (size_t i = 0; i < n; i++) {
			if (is_mark(frame[i])) { /* marks take no room */
				put_mark(s, frame[i]);
			} else if (shown < s->cols) {
				putchar(frame[i]);
				shown++;
			}
		}
		row++;
		put_cap(s->normal);
		put_cap(s->clear_eol);
		if (row < s->rows)
			putchar('\n');
		frame += n + (frame[n] == '\n');
	}
	put_cap(s->clear_eos);
	fflush(stdout);
}

static int parse_count(const char *command, const char *arg,
		       unsigned long *count)
{
	unsigned long long v;

	if (!arg || mmctl_parse_u64(arg, &v) || v == 0 || v > 1000000000)
		return mmctl_usage_error(command, "-n needs a COUNT above 0");
	*count = (unsigned long)v;
	return 0;
}

/* ------------------------------------------------------------------ */
/* top                                                                 */

#define TOP_MAX_NODES 16 /* node lines top shows at most */

struct top_data {
	json_object *mem, *buddy, *slab, *procs, *vm, *numastat;
	json_object *nodes[TOP_MAX_NODES]; /* each node's vmstat */
	unsigned int nr_nodes;
};

static void top_data_free(struct top_data *d)
{
	json_object_put(d->mem);
	json_object_put(d->buddy);
	json_object_put(d->slab);
	json_object_put(d->procs);
	json_object_put(d->vm);
	json_object_put(d->numastat);
	for (unsigned int n = 0; n < d->nr_nodes; n++)
		json_object_put(d->nodes[n]);
	memset(d, 0, sizeof(*d));
}

/* A NUMA machine's nodes: each one's vmstat, one round trip. */
static int top_fetch_nodes(struct mmctl *ctl, struct top_data *d)
{
	size_t nr = json_object_array_length(d->numastat);
	void *buf[TOP_MAX_NODES] = {NULL};
	size_t len[TOP_MAX_NODES] = {0};
	int status[TOP_MAX_NODES], got, ret = 0;
	char why[160];

	if (nr < 2) /* one node: the lines above say it all */
		return 0;
	d->nr_nodes = nr < TOP_MAX_NODES ? (unsigned int)nr : TOP_MAX_NODES;
	mmc_pipeline_begin(ctl->c);
	for (unsigned int n = 0; n < d->nr_nodes; n++)
		mmc_report_data_at(ctl->c, MMC_REPORT_NODE_VMSTAT, 0, n,
				   &buf[n], &len[n]);
	got = mmc_pipeline_end(ctl->c, status, d->nr_nodes);
	for (unsigned int n = 0; n < d->nr_nodes; n++) {
		if (!ret && (got < 0 || status[n]))
			ret = mmctl_daemon_error(ctl, "top",
						 got < 0 ? got : status[n]);
		if (!ret) {
			d->nodes[n] = report_data_to_json(buf[n], len[n], why,
							  sizeof(why));
			if (!d->nodes[n]) {
				fprintf(stderr, "mmctl: top: %s\n", why);
				ret = EXIT_DAEMON;
			}
		}
		free(buf[n]);
	}
	return ret;
}

/* The six reports as data, in one pipelined round trip; then nodes'. */
static int top_fetch(struct mmctl *ctl, struct top_data *d)
{
	static const enum mmc_report kinds[6] = {
		MMC_REPORT_MEMINFO, MMC_REPORT_BUDDYINFO, MMC_REPORT_SLABINFO,
		MMC_REPORT_PS,	    MMC_REPORT_VMSTAT,	  MMC_REPORT_NUMASTAT};
	json_object **docs[6] = {&d->mem,   &d->buddy, &d->slab,
				 &d->procs, &d->vm,    &d->numastat};
	int ret = mmctl_report_data_json(ctl, "top", kinds, docs, 6);

	return ret ? ret : top_fetch_nodes(ctl, d);
}

static long long get_num(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	if (json_object_is_type(v, json_type_object))
		json_object_object_get_ex(v, "value", &v);
	return json_object_get_int64(v);
}

static void top_memory(FILE *f, json_object *mem)
{
	fprintf(f,
		"Memory  total %.1f MiB  free %.1f MiB  "
		"available %.1f MiB\n",
		get_num(mem, "mem_total") / 1024.0,
		get_num(mem, "mem_free") / 1024.0,
		get_num(mem, "mem_available") / 1024.0);
	fprintf(f,
		"        slab %lld kB  stacks %lld kB  page tables %lld kB  "
		"vmalloc %lld kB  percpu %lld kB\n",
		get_num(mem, "slab"), get_num(mem, "kernel_stack"),
		get_num(mem, "page_tables"), get_num(mem, "vmalloc_used"),
		get_num(mem, "percpu"));
	fprintf(f,
		"        mmz %lld of %lld kB free  swap %lld of %lld kB free\n",
		get_num(mem, "mmz_free"), get_num(mem, "mmz_total"),
		get_num(mem, "swap_free"), get_num(mem, "swap_total"));
}

/* Compaction and transparent huge pages: vmstat's counts so far. */
static void top_activity(FILE *f, json_object *vm, json_object *mem)
{
	fprintf(f,
		"Compact stall %lld  success %lld  fail %lld  "
		"migrated %lld  kcompactd %lld\n",
		get_num(vm, "compact_stall"), get_num(vm, "compact_success"),
		get_num(vm, "compact_fail"), get_num(vm, "pgmigrate_success"),
		get_num(vm, "compact_daemon_wake"));
	fprintf(f,
		"THP     %lld kB  fault %lld  fallback %lld  "
		"split %lld  collapse %lld\n",
		get_num(mem, "anon_huge_pages"), get_num(vm, "thp_fault_alloc"),
		get_num(vm, "thp_fault_fallback"), get_num(vm, "thp_split_pmd"),
		get_num(vm, "thp_collapse_alloc"));
}

/* Each node of a NUMA machine: its free, file and anon pages, kswapd. */
static void top_nodes(FILE *f, const struct top_data *d, unsigned int page_kb)
{
	for (unsigned int n = 0; n < d->nr_nodes; n++) {
		json_object *v = d->nodes[n];

		fprintf(f,
			"Node %-2u free %.1f MiB  file %.1f MiB  anon %.1f MiB"
			"  kswapd wakeups %lld\n",
			n, get_num(v, "nr_free_pages") * page_kb / 1024.0,
			get_num(v, "nr_file_pages") * page_kb / 1024.0,
			(get_num(v, "nr_active_anon") +
			 get_num(v, "nr_inactive_anon")) *
				page_kb / 1024.0,
			get_num(v, "kswapd_wakeups"));
	}
}

/*
 * Each zone's free pages and blocks; on a NUMA machine a NODE column
 * first, as zoneinfo names "Node N, zone Normal" (four Normal zones
 * are otherwise four alike lines). One node prints as before.
 */
static void top_zones(FILE *f, json_object *buddy, bool numa)
{
	size_t nr = json_object_array_length(buddy);

	fprintf(f, "\n\001%s%-8s %10s  free blocks of order 0, 1, 2 ...\004\n",
		numa ? "NODE " : "", "ZONE", "FREE PAGES");
	for (size_t i = 0; i < nr; i++) {
		json_object *z = json_object_array_get_idx(buddy, i),
			    *free_list, *name;
		unsigned long long pages = 0;
		size_t orders;

		if (numa)
			fprintf(f, "%-4lld ", get_num(z, "node"));
		json_object_object_get_ex(z, "zone", &name);
		json_object_object_get_ex(z, "free", &free_list);
		orders = json_object_array_length(free_list);
		for (size_t o = 0; o < orders; o++)
			pages +=
				(unsigned long long)json_object_get_int64(
					json_object_array_get_idx(free_list, o))
				<< o;
		fprintf(f, "%-8s %10llu ", json_object_get_string(name), pages);
		for (size_t o = 0; o < orders; o++)
			fprintf(f, " %lld",
				(long long)json_object_get_int64(
					json_object_array_get_idx(free_list,
								  o)));
		fprintf(f, "\n");
	}
}

static long long cache_pages(json_object *cache)
{
	return get_num(cache, "num_slabs") * get_num(cache, "pagesperslab");
}

/*
 * The caches' order (-o, --sort), with slabtop's keys for its -s (mmctl's
 * -s is the socket): a active objects, b objects per
 * slab, c cache size (pages; the default), l slabs, n name, o objects,
 * p pages per slab, s object size. Largest first; by name within a tie.
 */
static const char cache_sort_keys[] = "abclnops";
static char cache_sort = 'c';

static long long cache_key(json_object *cache)
{
	switch (cache_sort) {
	case 'a':
		return get_num(cache, "active_objs");
	case 'b':
		return get_num(cache, "objperslab");
	case 'l':
		return get_num(cache, "num_slabs");
	case 'o':
		return get_num(cache, "num_objs");
	case 'p':
		return get_num(cache, "pagesperslab");
	case 's':
		return get_num(cache, "objsize");
	case 'n':
		return 0;
	}
	return cache_pages(cache);
}

static int by_cache_key(const void *a, const void *b)
{
	json_object *ca = *(json_object *const *)a;
	json_object *cb = *(json_object *const *)b;
	long long ka = cache_key(ca), kb = cache_key(cb);

	if (ka != kb)
		return ka < kb ? 1 : -1;
	return strcmp(
		json_object_get_string(json_object_object_get(ca, "name")),
		json_object_get_string(json_object_object_get(cb, "name")));
}

static int by_kernel_pages(const void *a, const void *b)
{
	json_object *pa = *(json_object *const *)a;
	json_object *pb = *(json_object *const *)b;
	long long ka = get_num(pa, "kpages") + get_num(pa, "rss");
	long long kb = get_num(pb, "kpages") + get_num(pb, "rss");

	if (ka != kb)
		return ka < kb ? 1 : -1;
	return get_num(pa, "pid") < get_num(pb, "pid") ? -1 : 1;
}

/* An array's elements sorted by cmp (the elements are borrowed). */
static json_object **sorted(json_object *array,
			    int (*cmp)(const void *, const void *), size_t *n)
{
	json_object **v;

	*n = json_object_array_length(array);
	v = calloc(*n ? *n : 1, sizeof(*v));
	if (!v) {
		*n = 0;
		return NULL;
	}
	for (size_t i = 0; i < *n; i++)
		v[i] = json_object_array_get_idx(array, i);
	qsort(v, *n, sizeof(*v), cmp);
	return v;
}

static void top_caches(FILE *f, json_object *slab, unsigned int rows)
{
	json_object *caches = json_object_object_get(slab, "caches");
	size_t n;
	json_object **v = sorted(caches, by_cache_key, &n);

	fprintf(f, "\n\001%-20s %8s %8s %8s %8s\004\n", "CACHE", "ACTIVE",
		"OBJS", "OBJSIZE", "PAGES");
	for (size_t i = 0; i < n && i < rows; i++)
		fprintf(f, "%-20s %8lld %8lld %8lld %8lld\n",
			json_object_get_string(
				json_object_object_get(v[i], "name")),
			get_num(v[i], "active_objs"), get_num(v[i], "num_objs"),
			get_num(v[i], "objsize"), cache_pages(v[i]));
	free(v);
}

static void top_procs(FILE *f, json_object *procs, unsigned int rows)
{
	size_t n;
	json_object **v = sorted(procs, by_kernel_pages, &n);

	fprintf(f, "\n\001%7s %-15s %3s %8s %8s %8s %8s %8s\004\n", "PID",
		"COMMAND", "PSR", "VSZ", "RSS", "SWAP", "KPAGES", "KOBJS");
	for (size_t i = 0; i < n && i < rows; i++)
		fprintf(f, "%7lld %-15s %3lld %8lld %8lld %8lld %8lld %8lld\n",
			get_num(v[i], "pid"),
			json_object_get_string(
				json_object_object_get(v[i], "command")),
			get_num(v[i], "psr"), get_num(v[i], "vsz"),
			get_num(v[i], "rss"), get_num(v[i], "swap"),
			get_num(v[i], "kpages"), get_num(v[i], "kobjs"));
	free(v);
}

/* One screenful; rows split between caches and processes. */
static char *top_frame(struct mmctl *ctl, const struct top_data *d,
		       const struct screen *s)
{
	const struct mmc_info *info = mmc_info(ctl->c);
	size_t zones = json_object_array_length(d->buddy), size = 0;
	unsigned int fixed = 4 + 2 + (unsigned int)zones + 4 + d->nr_nodes,
		     left, procs;
	char *frame = NULL, clock[16];
	time_t now = time(NULL);
	FILE *f = open_memstream(&frame, &size);

	if (!f)
		return NULL;
	strftime(clock, sizeof(clock), "%H:%M:%S", localtime(&now));
	fprintf(f,
		"\002mmctl top - %s (%s, %u CPUs, %u-byte pages)  %s  "
		"q quits\004\n",
		info->machine, info->arch, info->nr_cpus, info->page_size,
		clock);
	top_memory(f, d->mem);
	top_activity(f, d->vm, d->mem);
	top_nodes(f, d, info->page_size / 1024);
	top_zones(f, d->buddy, d->nr_nodes > 0);
	left = s->rows > fixed + 4 ? s->rows - fixed : 4;
	/* The two activity lines come out of the processes' share. */
	procs = left - left / 2 > 3 ? left - left / 2 - 2 : 1;
	top_caches(f, d->slab, left / 2);
	top_procs(f, d->procs, procs);
	fclose(f);
	return frame;
}

static const struct option top_options[] = {
	{"batch", no_argument, NULL, 'b'},
	{"iterations", required_argument, NULL, 'n'},
	{"delay", required_argument, NULL, 'd'},
	{"sort", required_argument, NULL, 'o'},
	{NULL, 0, NULL, 0},
};

int cmd_top(struct mmctl *ctl, int argc, char **argv)
{
	unsigned long count = 0, shown = 0;
	unsigned int delay_ms = 1000;
	struct screen s;
	bool batch = false;
	int c, ret = 0;

	optind = 0;
	while ((c = mmctl_getopt(ctl, argc, argv, "bn:d:o:", top_options)) !=
	       -1) {
		if (c == 'b') {
			batch = true;
		} else if (c == 'n') {
			if (parse_count(argv[0], optarg, &count))
				return EXIT_USAGE;
		} else if (c == 'd') {
			if (mmctl_parse_seconds(optarg, &delay_ms))
				return mmctl_usage_error(argv[0],
							 "-d needs SECONDS");
		} else if (c == 'o') {
			if (strlen(optarg) != 1 ||
			    !strchr(cache_sort_keys, optarg[0]))
				return mmctl_usage_error(
					argv[0], "--sort takes one of %s",
					cache_sort_keys);
			cache_sort = optarg[0];
		} else {
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return mmctl_usage_error(argv[0], "unknown argument '%s'",
					 argv[optind]);
	if (ctl->json)
		return mmctl_usage_error(argv[0],
					 "top draws a screen, not JSON; "
					 "'watch --json REPORT' gives JSON");
	mmctl_connect(ctl);
	screen_open(&s, batch);
	for (;;) {
		struct top_data d = {0};
		char *frame;

		ret = top_fetch(ctl, &d);
		if (ret) {
			top_data_free(&d);
			break;
		}
		frame = top_frame(ctl, &d, &s);
		top_data_free(&d);
		if (!frame) {
			ret = EXIT_DAEMON;
			break;
		}
		screen_show(&s, frame);
		free(frame);
		if (count && ++shown == count)
			break;
		if (screen_wait(&s, delay_ms))
			break;
	}
	screen_close(&s);
	return ret;
}

/* ------------------------------------------------------------------ */
/* watch                                                               */

/*
 * text with each run of characters that differs from last's (the same
 * line, the same column) marked standout, as watch -d marks them; a line
 * last lacked is all new.
 */
static char *mark_changes(const char *text, const char *last)
{
	char *out = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&out, &size);
	const char *l = last; /* last's character at the same place */
	bool on = false;

	if (!f)
		return NULL;
	for (; *text; text++) {
		bool eol = !l || !*l || *l == '\n';
		bool changed = *text != '\n' && (eol || *l != *text);

		if (changed != on) {
			fputc(changed ? MARK_STANDOUT : MARK_NORMAL, f);
			on = changed;
		}
		fputc(*text, f);
		if (*text == '\n' && l) { /* on to last's next line */
			l += strcspn(l, "\n");
			l = *l ? l + 1 : NULL;
		} else if (!eol) {
			l++;
		}
	}
	if (on)
		fputc(MARK_NORMAL, f);
	fclose(f);
	return out;
}

/* watch --json: one compact document per line, from the data. */
static int watch_json(struct mmctl *ctl, const struct report_kind *r)
{
	const enum mmc_report kinds[1] = {r->kind};
	json_object *doc = NULL, **docs[1] = {&doc};
	int ret = mmctl_report_data_json(ctl, r->name, kinds, docs, 1);

	if (ret)
		return ret;
	mmctl_print_json(stdout, doc, false);
	fflush(stdout);
	json_object_put(doc);
	return 0;
}

static int watch_once(struct mmctl *ctl, const struct report_kind *r,
		      const struct screen *s, unsigned int ms, char **last)
{
	char *text = NULL, *frame = NULL, clock[16];
	size_t size = 0;
	time_t now = time(NULL);
	int err;
	FILE *f;

	if (ctl->json)
		return watch_json(ctl, r);
	err = mmc_report(ctl->c, r->kind, &text);
	if (err)
		return mmctl_daemon_error(ctl, r->name, err);
	f = open_memstream(&frame, &size);
	if (!f) {
		free(text);
		return EXIT_DAEMON;
	}
	strftime(clock, sizeof(clock), "%H:%M:%S", localtime(&now));
	if (last && *last) {
		char *marked = mark_changes(text, *last);

		free(*last);
		*last = text;
		text = marked;
	} else if (last) {
		*last = text;
		text = NULL;
	}
	fprintf(f, "Every %.1fs: mmctl %s    %s\n\n%s", ms / 1000.0, r->name,
		clock, text ? text : *last);
	fclose(f);
	free(text);
	screen_show(s, frame);
	free(frame);
	return 0;
}

static const struct option watch_options[] = {
	{"count", required_argument, NULL, 'n'},
	{"differences", no_argument, NULL, 'd'},
	{NULL, 0, NULL, 0},
};

int cmd_watch(struct mmctl *ctl, int argc, char **argv)
{
	const struct report_kind *r = NULL;
	unsigned long count = 0, shown = 0;
	unsigned int ms = 1000;
	struct screen s;
	char *last = NULL;
	bool diff = false;
	int c, ret = 0;

	optind = 0;
	while ((c = mmctl_getopt(ctl, argc, argv, "n:d", watch_options)) !=
	       -1) {
		if (c == 'n') {
			if (parse_count(argv[0], optarg, &count))
				return EXIT_USAGE;
		} else if (c == 'd') {
			diff = true;
		} else {
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		r = find_report(argv[optind]);
		if (!r)
			return mmctl_usage_error(argv[0], "no report '%s'",
						 argv[optind]);
	}
	if (optind + 1 < argc && mmctl_parse_seconds(argv[optind + 1], &ms))
		return mmctl_usage_error(argv[0],
					 "'%s' is not a number of seconds",
					 argv[optind + 1]);
	if (optind + 2 < argc)
		return mmctl_usage_error(argv[0], "too many arguments");
	if (!r)
		return mmctl_usage_error(argv[0], "watch needs a REPORT");
	mmctl_connect(ctl);
	screen_open(&s, ctl->json);
	for (;;) {
		ret = watch_once(ctl, r, &s, ms, diff ? &last : NULL);
		if (ret || (count && ++shown == count) || screen_wait(&s, ms))
			break;
	}
	screen_close(&s);
	free(last);
	return ret;
}
