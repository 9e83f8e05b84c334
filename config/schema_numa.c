/* SPDX-License-Identifier: MIT */
/*
 * schema_numa.c - how a node's CPUs and distances read and print.
 *
 * Owns: the cpulist form ("0-1,4", as /sys/devices/system/node/nodeN/
 * cpulist prints it) and the distance row ("10 20", as nodeN/distance).
 * Must never: accept a value it cannot print back exactly, or judge the
 * table (layout_numa.c does).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "config/schema.h"
#include "core/layout.h"

/* A decimal number at *sp, at most max; advances *sp. */
static int read_uint(const char **sp, unsigned long max, unsigned long *v)
{
	const char *s = *sp;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	*v = 0;
	while (*s >= '0' && *s <= '9') {
		*v = *v * 10 + (unsigned long)(*s++ - '0');
		if (*v > max)
			return -ERANGE;
	}
	*sp = s;
	return 0;
}

int cfg_parse_cpulist(const char *text, uint64_t *cpus, char *why, size_t len)
{
	const char *s = text;

	memset(cpus, 0, LAYOUT_CPU_WORDS * sizeof(*cpus));
	while (*s) {
		unsigned long a, b;
		int err = read_uint(&s, LAYOUT_MAX_CPUS - 1, &a);

		b = a;
		if (!err && *s == '-') {
			s++;
			err = read_uint(&s, LAYOUT_MAX_CPUS - 1, &b);
		}
		if (!err &&
		    (b < a || (*s && *s != ',') || (*s == ',' && !s[1])))
			err = -EINVAL;
		if (err) {
			snprintf(why, len,
				 "'%.40s' is not a CPU list (CPUs 0-%u as "
				 "\"0-3,8\")",
				 text, LAYOUT_MAX_CPUS - 1);
			return -EINVAL;
		}
		for (unsigned long c = a; c <= b; c++)
			cpus[c / 64] |= 1ULL << (c % 64);
		if (*s == ',')
			s++;
	}
	return 0;
}

void cfg_format_cpulist(const uint64_t *cpus, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (unsigned int c = 0; c < LAYOUT_MAX_CPUS && used < len; c++) {
		unsigned int end = c;

		if (!layout_cpu_isset(cpus, c))
			continue;
		while (layout_cpu_isset(cpus, end + 1))
			end++;
		if (end == c)
			used += (size_t)snprintf(buf + used, len - used, "%s%u",
						 used ? "," : "", c);
		else
			used += (size_t)snprintf(buf + used, len - used,
						 "%s%u-%u", used ? "," : "", c,
						 end);
		c = end;
	}
}

int cfg_parse_distance(const char *text, void *dst, char *why, size_t len)
{
	struct layout_distance d = {0};
	const char *s = text;

	while (*s == ' ')
		s++;
	while (*s) {
		unsigned long v;

		if (d.nr == MAX_NUMNODES) {
			snprintf(why, len, "more than %u distances",
				 MAX_NUMNODES);
			return -EINVAL;
		}
		if (read_uint(&s, 255, &v) || (*s && *s != ' ')) {
			snprintf(why, len,
				 "'%.40s' is not a row of distances (numbers "
				 "up to 255 apart by spaces, as \"10 20\")",
				 text);
			return -EINVAL;
		}
		d.to[d.nr++] = (uint8_t)v;
		while (*s == ' ')
			s++;
	}
	memcpy(dst, &d, sizeof(d));
	return 0;
}

void cfg_format_distance(const void *src, char *buf, size_t len)
{
	struct layout_distance d;
	size_t used = 0;

	memcpy(&d, src, sizeof(d));
	buf[0] = '\0';
	for (unsigned int i = 0; i < d.nr && i < MAX_NUMNODES && used < len;
	     i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%u",
					 i ? " " : "", d.to[i]);
}
