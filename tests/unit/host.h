/* SPDX-License-Identifier: MIT */
/*
 * host.h - what the unit tests read of the host kernel they compare the
 * machine with: a call's result as the machine gives it, and lines of
 * /proc/self/status, /proc/self/smaps, /proc/meminfo and /proc/vmstat.
 *
 * Must never: change the host (tests make their own calls), or pass
 * where the host's file is missing: readers give -1 and tests say so.
 */
#ifndef MM_TEST_HOST_H
#define MM_TEST_HOST_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* A host call's 0 or -1 as the machine's calls answer: 0 or -errno. */
static inline int host_result(long rc)
{
	return rc < 0 ? -errno : 0;
}

/* /proc/self/status's "key: N kB", in kB; -1 if missing. */
static inline long host_status_kb(const char *key)
{
	FILE *f = fopen("/proc/self/status", "r");
	size_t len = strlen(key);
	char line[256];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':' &&
		    sscanf(line + len + 1, "%ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* smaps' "key: N kB" of the host mapping that holds p; -1 if none. */
static inline long host_smaps_kb(const void *p, const char *key)
{
	FILE *f = fopen("/proc/self/smaps", "r");
	size_t len = strlen(key);
	char line[256];
	bool in = false;
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;

		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 &&
		    strchr(line, '-') < strchr(line, ' '))
			in = lo <= (uintptr_t)p && (uintptr_t)p < hi;
		else if (in && !strncmp(line, key, len) && line[len] == ':' &&
			 sscanf(line + len + 1, "%ld", &kb) == 1)
			break;
	}
	fclose(f);
	return kb;
}

/* /proc/meminfo's "key: N kB" (the whole host's), in kB; -1 if missing. */
static inline long host_meminfo_kb(const char *key)
{
	FILE *f = fopen("/proc/meminfo", "r");
	size_t len = strlen(key);
	char line[256];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, len) && line[len] == ':' &&
		    sscanf(line + len + 1, "%ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* /proc/vmstat's counter name; -1 if missing. */
static inline long host_vmstat(const char *name)
{
	FILE *f = fopen("/proc/vmstat", "r");
	char key[64];
	long v, found = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", key, &v) == 2)
		if (!strcmp(key, name))
			found = v;
	fclose(f);
	return found;
}

#endif /* MM_TEST_HOST_H */
