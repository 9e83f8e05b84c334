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
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A host call's 0 or -1 as the machine's calls answer: 0 or -errno. */
static inline int host_result(long rc)
{
	return rc < 0 ? -errno : 0;
}

/* A /proc file's "key: N kB" line, in kB; -1 if missing. */
static inline long host_file_kb(const char *path, const char *key)
{
	FILE *f = fopen(path, "r");
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

/* /proc/self/status's "key: N kB", in kB; -1 if missing. */
static inline long host_status_kb(const char *key)
{
	return host_file_kb("/proc/self/status", key);
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
	return host_file_kb("/proc/meminfo", key);
}

/*
 * The kB of [p, p + len) whose frames have bit of /proc/kpageflags set
 * (KPF_LRU 5, KPF_ACTIVE 6, KPF_UNEVICTABLE 18, KPF_MLOCKED 33), found
 * through /proc/self/pagemap: this process's own share of meminfo's
 * counters, which no other process disturbs. -1 when the files cannot
 * be read (they need CAP_SYS_ADMIN for the frame numbers).
 */
static inline long host_kpageflag_kb(const void *p, size_t len, int bit)
{
	int pm = open("/proc/self/pagemap", O_RDONLY);
	int kf = open("/proc/kpageflags", O_RDONLY);
	const uint64_t pfn_mask = (1ULL << 55) - 1;
	long kb = -1;

	if (pm >= 0 && kf >= 0) {
		kb = 0;
		for (size_t off = 0; off < len && kb >= 0; off += 4096) {
			uint64_t e = 0, f = 0;
			off_t at = (off_t)(((uintptr_t)p + off) / 4096 * 8);

			if (pread(pm, &e, 8, at) != 8)
				kb = -1;
			else if (!(e >> 63)) /* not present */
				continue;
			else if (!(e & pfn_mask)) /* no pfn shown */
				kb = -1;
			else if (pread(kf, &f, 8,
				       (off_t)((e & pfn_mask) * 8)) != 8)
				kb = -1;
			else if (f >> bit & 1)
				kb += 4;
		}
	}
	if (pm >= 0)
		close(pm);
	if (kf >= 0)
		close(kf);
	return kb;
}

/* The kB of [p, p + len) mlocked (KPF_MLOCKED): its share of Mlocked. */
static inline long host_mlocked_kb(const void *p, size_t len)
{
	return host_kpageflag_kb(p, len, 33);
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
