/* SPDX-License-Identifier: MIT */
/*
 * mmc_test_lib.c - the exact checks every command of the integration
 * tests' client uses: errnos, bytes read back, counts, report lines.
 *
 * Owns: connecting as a test session and comparing what the daemon says
 * with what it must say, counting each difference in failures. Must
 * never: be installed; it exists for the tests.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "tests/mmc_test/mmc_test.h"

struct mmc *connect_adj(const char *comm, unsigned int cpu, int oom_score_adj)
{
	struct mmc_options o = {comm, cpu, oom_score_adj};
	struct mmc *c;
	int err = mmc_connect(sock, &o, &c);

	if (err) {
		fprintf(stderr, "connect: %s: %s\n", mmc_strerror(err),
			mmc_errmsg(NULL));
		exit(1);
	}
	return c;
}

struct mmc *connect_as(const char *comm, unsigned int cpu)
{
	return connect_adj(comm, cpu, 0);
}

/* ---- exact checks: errnos, bytes read back, counts, report lines */

/* got must be want exactly; says which call, and the daemon's words. */
bool expect_err(struct mmc *c, int got, int want, const char *call,
		const char *file, int line)
{
	if (got == want)
		return true;
	fprintf(stderr, "%s:%d: %s gave %d (%s: %s), expected %d (%s)\n", file,
		line, call, got, mmc_strerror(got), mmc_errmsg(c), want,
		mmc_strerror(want));
	failures++;
	return false;
}

/*
 * Bytes that differ from one seed to the next and along the buffer:
 * bytes [off, off + len) of seed's pattern.
 */
void pattern_at(uint8_t *buf, size_t len, unsigned int seed, size_t off)
{
	for (size_t i = off; i < off + len; i++)
		buf[i - off] = (uint8_t)(seed * 131u + i * 7u + (i >> 8) + 1u);
}

void pattern(uint8_t *buf, size_t len, unsigned int seed)
{
	pattern_at(buf, len, seed, 0);
}

/* Write seed's pattern at a kernel (or, with phys, physical) address. */
void put_pattern(struct mmc *c, uint64_t addr, size_t len, unsigned int seed,
		 bool phys)
{
	uint8_t *buf = malloc(len);
	int err;

	if (!buf)
		exit(1);
	pattern(buf, len, seed);
	err = phys ? mmc_write_phys(c, addr, buf, len)
		   : mmc_write(c, addr, buf, len);
	EXPECT(err == 0, "write of %zu bytes at %#llx: %s (%s)", len,
	       (unsigned long long)addr, mmc_strerror(err), mmc_errmsg(c));
	free(buf);
}

/*
 * The bytes at addr are [off, off + len) of seed's pattern, or all
 * `fill` when seed < 0.
 */
void expect_bytes(struct mmc *c, uint64_t addr, size_t len, int seed,
		  size_t off, int fill, bool phys, const char *what)
{
	uint8_t *want = malloc(len), *got = malloc(len);
	int err;

	if (!want || !got)
		exit(1);
	if (seed >= 0)
		pattern_at(want, len, (unsigned int)seed, off);
	else
		memset(want, fill, len);
	memset(got, 0x3c, len);
	err = phys ? mmc_read_phys(c, addr, got, len)
		   : mmc_read(c, addr, got, len);
	EXPECT(err == 0, "%s: read of %zu bytes at %#llx: %s (%s)", what, len,
	       (unsigned long long)addr, mmc_strerror(err), mmc_errmsg(c));
	if (!err)
		for (size_t i = 0; i < len; i++)
			if (got[i] != want[i]) {
				EXPECT(0,
				       "%s: byte %zu of %#llx is %#x, not %#x",
				       what, i, (unsigned long long)addr,
				       got[i], want[i]);
				break;
			}
	free(want);
	free(got);
}

/* Reading and writing len bytes at addr must both fail with want. */
void expect_no_access(struct mmc *c, uint64_t addr, size_t len, int want,
		      const char *what)
{
	uint8_t *buf = calloc(1, len);
	int r, w;

	if (!buf)
		exit(1);
	r = mmc_read(c, addr, buf, len);
	EXPECT(r == want, "%s: read of %#llx gave %s (%s), expected %s", what,
	       (unsigned long long)addr, mmc_strerror(r), mmc_errmsg(c),
	       mmc_strerror(want));
	w = mmc_write(c, addr, buf, len);
	EXPECT(w == want, "%s: write of %#llx gave %s (%s), expected %s", what,
	       (unsigned long long)addr, mmc_strerror(w), mmc_errmsg(c),
	       mmc_strerror(want));
	free(buf);
}

uint64_t direct_map(struct mmc *c, unsigned long pfn)
{
	return mmc_info(c)->page_offset +
	       (uint64_t)pfn * mmc_info(c)->page_size;
}

bool is_i386(struct mmc *c)
{
	return strcmp(mmc_info(c)->arch, "i386") == 0;
}

/* A report's text (to be freed), or NULL after saying why. */
char *report_text(struct mmc *c, enum mmc_report kind)
{
	char *text = NULL;
	int err = mmc_report(c, kind, &text);

	EXPECT(err == 0 && text, "report %d: %s (%s)", (int)kind,
	       mmc_strerror(err), mmc_errmsg(c));
	return err ? NULL : text;
}

/* The first line of text that starts with prefix, or NULL. */
const char *find_line(const char *text, const char *prefix)
{
	size_t n = strlen(prefix);

	for (const char *p = text; p && *p; p = strchr(p, '\n')) {
		if (*p == '\n')
			p++;
		if (strncmp(p, prefix, n) == 0)
			return p;
	}
	return NULL;
}

/* Whether text holds exactly this line (without its newline). */
bool has_line(const char *text, const char *line)
{
	const char *p = find_line(text, line);
	size_t n = strlen(line);

	while (p) {
		if (p[n] == '\n' || p[n] == '\0')
			return true;
		p = strchr(p, '\n');
		p = p ? find_line(p, line) : NULL;
	}
	return false;
}

/* The session's own Pages: and Objects: from its status report. */
void expect_counts(struct mmc *c, unsigned long pages, unsigned long objects,
		   const char *what)
{
	char *text = report_text(c, MMC_REPORT_STATUS);
	const char *p, *o;
	unsigned long got_pages = ULONG_MAX, got_objects = ULONG_MAX;

	if (!text)
		return;
	p = strstr(text, "\nPages:\t");
	o = strstr(text, "\nObjects:\t");
	if (p)
		got_pages = strtoul(p + 8, NULL, 10);
	if (o)
		got_objects = strtoul(o + 10, NULL, 10);
	EXPECT(got_pages == pages && got_objects == objects,
	       "%s: status says Pages: %lu Objects: %lu, expected %lu and %lu",
	       what, got_pages, got_objects, pages, objects);
	free(text);
}

void expect_machine_clean(struct mmc *c, const char *what)
{
	struct mmc_check chk;
	int err = mmc_admin_check(c, &chk);

	EXPECT(err == 0, "%s: admin check: %s (%s)", what, mmc_strerror(err),
	       mmc_errmsg(c));
}

/* What was allocated was freed by hand: nothing held, machine intact. */
void finish(struct mmc *c, const char *what)
{
	expect_counts(c, 0, 0, what);
	expect_machine_clean(c, what);
	mmc_close(c);
}

/* len bytes of seed's pattern written at a user address of pid. */
void put_user_pattern(struct mmc *c, int pid, uint64_t addr, size_t len,
		      unsigned int seed)
{
	uint8_t *buf = malloc(len);

	if (!buf)
		exit(1);
	pattern(buf, len, seed);
	EXPECT_ERR(c, 0, mmc_write_vm(c, pid, addr, buf, len, NULL));
	free(buf);
}

/* The bytes at a user address of pid are seed's pattern (or all fill). */
void expect_user_bytes(struct mmc *c, int pid, uint64_t addr, size_t len,
		       int seed, int fill, const char *what)
{
	uint8_t *want = malloc(len), *got = malloc(len);

	if (!want || !got)
		exit(1);
	if (seed >= 0)
		pattern(want, len, (unsigned int)seed);
	else
		memset(want, fill, len);
	if (EXPECT_ERR(c, 0, mmc_read_vm(c, pid, addr, got, len, NULL)))
		EXPECT(memcmp(want, got, len) == 0,
		       "%s: the bytes at %#llx differ", what,
		       (unsigned long long)addr);
	free(want);
	free(got);
}
