/* SPDX-License-Identifier: MIT */
/*
 * mmctl_vmstat.c - `mmctl vmstat DELAY [COUNT]`: the machine's counters
 * as rates, one line per interval, in the layout of procps' `vmstat 1`.
 *
 * Owns: the columns and their sources: r the machine's processes, b 0
 * (none sleeps), swpd free buff cache from meminfo (kB), si so from
 * pswpin and pswpout and bi bo from pgpgin and pgpgout (kB per second,
 * as procps computes them), then mm's own group where procps has
 * system and cpu (the machine keeps no time): flt mjf page faults and
 * major faults, alc fre pages allocated and freed, per second. The
 * first line's rates are zero, as there is no interval before it.
 * Must never: make up a figure the machine does not count, or read the
 * machine other than through its reports.
 */
#include "client/mmctl.h"

#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* One sample: the counters a line is made of. */
struct vm_sample {
	unsigned long long procs, swpd, free, buff, cache;
	unsigned long long pswpin, pswpout, pgpgin, pgpgout;
	unsigned long long pgfault, pgmajfault, pgalloc, pgfree;
	struct timespec at;
};

static unsigned long long num(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return 0;
	if (json_object_is_type(v, json_type_object))
		json_object_object_get_ex(v, "value", &v);
	return (unsigned long long)json_object_get_int64(v);
}

/* pgalloc_dma + pgalloc_dma32 + ...: every pgalloc_ counter. */
static unsigned long long sum_prefix(json_object *o, const char *prefix)
{
	unsigned long long sum = 0;

	json_object_object_foreach(o, key, v)
	{
		if (!strncmp(key, prefix, strlen(prefix)))
			sum += (unsigned long long)json_object_get_int64(v);
	}
	return sum;
}

static int fill_sample(struct vm_sample *s, json_object *mem, json_object *vm,
		       json_object *ps)
{
	s->procs = json_object_array_length(ps);
	s->swpd = num(mem, "swap_total") - num(mem, "swap_free");
	s->free = num(mem, "mem_free");
	s->buff = num(mem, "buffers");
	s->cache = num(mem, "cached");
	s->pswpin = num(vm, "pswpin");
	s->pswpout = num(vm, "pswpout");
	s->pgpgin = num(vm, "pgpgin");
	s->pgpgout = num(vm, "pgpgout");
	s->pgfault = num(vm, "pgfault");
	s->pgmajfault = num(vm, "pgmajfault");
	s->pgalloc = sum_prefix(vm, "pgalloc_");
	s->pgfree = num(vm, "pgfree");
	clock_gettime(CLOCK_MONOTONIC, &s->at);
	return 0;
}

/* meminfo, vmstat and ps as data, in one pipelined round trip. */
static int take_sample(struct mmctl *ctl, struct vm_sample *s)
{
	static const enum mmc_report kinds[3] = {
		MMC_REPORT_MEMINFO, MMC_REPORT_VMSTAT, MMC_REPORT_PS};
	json_object *doc[3] = {NULL, NULL, NULL};
	json_object **docs[3] = {&doc[0], &doc[1], &doc[2]};
	int ret = mmctl_report_data_json(ctl, "vmstat", kinds, docs, 3);

	if (!ret)
		fill_sample(s, doc[0], doc[1], doc[2]);
	for (int i = 0; i < 3; i++)
		json_object_put(doc[i]);
	return ret;
}

static void print_header(void)
{
	printf("procs -----------memory---------- ---swap-- -----io---- "
	       "---faults--- ---pages---\n"
	       " r  b   swpd   free   buff  cache   si   so    bi    bo "
	       "  flt   mjf   alc   fre\n");
}

/* (now - then) per second over secs; 0 when the counter went back. */
static unsigned long long rate(unsigned long long now, unsigned long long then,
			       double secs)
{
	return now > then && secs > 0
		       ? (unsigned long long)((now - then) / secs + 0.5)
		       : 0;
}

static void print_line(const struct vm_sample *s, const struct vm_sample *p,
		       unsigned int page_kb)
{
	double secs = (double)(s->at.tv_sec - p->at.tv_sec) +
		      (double)(s->at.tv_nsec - p->at.tv_nsec) / 1e9;

	printf("%2llu %2u %6llu %6llu %6llu %6llu %4llu %4llu %5llu %5llu "
	       "%5llu %5llu %5llu %5llu\n",
	       s->procs, 0u, s->swpd, s->free, s->buff, s->cache,
	       rate(s->pswpin, p->pswpin, secs) * page_kb,
	       rate(s->pswpout, p->pswpout, secs) * page_kb,
	       rate(s->pgpgin, p->pgpgin, secs),
	       rate(s->pgpgout, p->pgpgout, secs),
	       rate(s->pgfault, p->pgfault, secs),
	       rate(s->pgmajfault, p->pgmajfault, secs),
	       rate(s->pgalloc, p->pgalloc, secs),
	       rate(s->pgfree, p->pgfree, secs));
	fflush(stdout);
}

static volatile sig_atomic_t vmstat_stop;

static void on_stop(int sig)
{
	(void)sig;
	vmstat_stop = 1;
}

/* A whole count of lines, as procps' COUNT: 1 .. 10^9. */
static int parse_lines(const char *s, unsigned long *count)
{
	unsigned long long v;

	if (mmctl_parse_u64(s, &v) || v == 0 || v > 1000000000)
		return -1;
	*count = (unsigned long)v;
	return 0;
}

static int vmstat_rates(struct mmctl *ctl, unsigned int ms, unsigned long count)
{
	struct vm_sample prev, cur;
	struct sigaction sa;
	unsigned int page_kb = mmc_info(mmctl_connect(ctl))->page_size / 1024;
	int ret = take_sample(ctl, &prev);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop; /* no SA_RESTART: poll wakes up */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	if (ret)
		return ret;
	print_header();
	print_line(&prev, &prev, page_kb);
	for (unsigned long n = 1; !count || n < count; n++) {
		poll(NULL, 0, (int)ms);
		if (vmstat_stop)
			break;
		ret = take_sample(ctl, &cur);
		if (ret)
			return ret;
		print_line(&cur, &prev, page_kb);
		prev = cur;
	}
	return 0;
}

int cmd_vmstat(struct mmctl *ctl, int argc, char **argv)
{
	unsigned long count = 0;
	unsigned int ms;

	if (argc == 1)
		return mmctl_show_report(ctl, find_report(argv[0]));
	if (argc > 3)
		return mmctl_usage_error(argv[0], "too many arguments");
	if (ctl->json || ctl->input)
		return mmctl_usage_error(argv[0],
					 "rates are text; 'watch --json "
					 "vmstat SECONDS' gives JSON");
	if (mmctl_parse_seconds(argv[1], &ms))
		return mmctl_usage_error(
			argv[0], "'%s' is not a number of seconds", argv[1]);
	if (argc == 3 && parse_lines(argv[2], &count))
		return mmctl_usage_error(argv[0], "'%s' is not a COUNT above 0",
					 argv[2]);
	return vmstat_rates(ctl, ms, count);
}
