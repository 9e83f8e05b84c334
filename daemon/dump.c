/* SPDX-License-Identifier: MIT */
/*
 * dump.c - mmd --dump: boot a layout's machine once and print what /proc
 * would show of it at boot, then tear it down.
 *
 * Owns: only the translation from a booted machine to stdout. Must never
 * change the machine: it prints reports and the checker's verdict.
 */
#include "daemon/dump.h"

#include <stdio.h>
#include <string.h>

#include "core/api.h"

static void
print_report(const char *title, const struct machine *m,
	     int (*report)(const struct machine *, struct seq_buf *), FILE *out)
{
	struct seq_buf s;

	seq_buf_init(&s);
	if (report(m, &s) == 0)
		fprintf(out, "-- %s\n%s", title, s.buf);
	seq_buf_free(&s);
}

int mmd_dump(const struct layout *l, FILE *out)
{
	struct machine *m = machine_create(l);
	char why[256];

	if (IS_ERR(m)) {
		fprintf(stderr, "mmd: cannot boot '%s': %s\n", l->name,
			strerror((int)-PTR_ERR(m)));
		return 1;
	}
	fprintf(out, "machine '%s': %s, %u CPUs, %lu frames of %lu bytes\n",
		l->name, arch_name(l->arch), m->nr_cpus, m->max_pfn,
		m->page_size);
	print_report("/proc/buddyinfo", m, report_buddyinfo, out);
	print_report("/proc/zoneinfo", m, report_zoneinfo, out);
	print_report("/proc/meminfo", m, report_meminfo, out);
	if (machine_check(m, why, sizeof(why)))
		fprintf(out, "-- check: %s\n", why);
	else
		fprintf(out, "-- check: consistent\n");
	machine_destroy(m);
	return 0;
}
