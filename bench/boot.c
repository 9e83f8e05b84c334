/* SPDX-License-Identifier: MIT */
/*
 * boot.c - what a big machine costs the host: for 64 GiB, 256 GiB and
 * 1 TiB x86_64 machines, the boot time, the host RSS after boot and
 * after a workload touches 1 GiB, the host bytes per simulated frame in
 * use, the invariant checker's time and the teardown. Each size boots
 * with deferred struct page init (sparse.c); the 64 GiB machine also
 * boots without it, the baseline that writes every struct page (the
 * larger baselines would need 4 and 16 GiB of host memory).
 */
#include <stdlib.h>

#include "bench/bench.h"
#include "core/check.h"
#include "core/err.h"
#include "core/machine.h"
#include "core/page_alloc.h"

#define RUNS	    3
#define TOUCH_BYTES (1ULL << 30)

struct figures {
	double boot_ms, check_ms, touch_ms, down_ms;
	uint64_t rss_boot, rss_touch, in_use, frames;
	uint64_t meta_touch; /* host anonymous bytes the workload added */
};

/* Host anonymous memory: the metadata (RAM itself is the memfd's). */
static uint64_t host_anon_bytes(void)
{
	char line[128];
	unsigned long kb = 0;
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "RssAnon: %lu kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return (uint64_t)kb << 10;
}

/* gib of RAM above the 3G-4G PCI hole, as config/x86_64-1t.yaml. */
static void layout_big(struct layout *l, unsigned int gib, bool deferred)
{
	layout_default(l);
	snprintf(l->name, sizeof(l->name), "bench-%ug", gib);
	l->memory = (uint64_t)(gib + 1) << 30;
	l->zones[2].end = l->memory;
	l->limits.pages = l->memory >> 12;
	l->kernel.deferred_struct_page_init = deferred;
}

/* Allocate and write 1 GiB in single pages, as a workload would. */
static unsigned long touch(struct machine *m, struct page **pages)
{
	unsigned long n = 0;

	for (; n < TOUCH_BYTES >> m->page_shift; n++) {
		pages[n] = alloc_pages(m, GFP_HIGHUSER_MOVABLE, 0);
		if (IS_ERR_OR_NULL(pages[n]))
			break;
		memset(pfn_to_ram(m, page_to_pfn(m, pages[n])), 0x5a,
		       m->page_size);
	}
	return n;
}

static int run_once(unsigned int gib, bool deferred, struct figures *f)
{
	struct page **pages = calloc(TOUCH_BYTES >> 12, sizeof(*pages));
	uint64_t rss0 = host_rss_bytes(), anon0;
	uint64_t t0 = now_ns(), t1, t2, t3, t4;
	struct machine *m;
	struct layout l;
	char why[256];
	unsigned long n;

	layout_big(&l, gib, deferred);
	m = machine_create(&l);
	t1 = now_ns();
	if (IS_ERR(m) || !pages) {
		fprintf(stderr, "boot of %u GiB failed\n", gib);
		free(pages);
		return 1;
	}
	f->rss_boot = host_rss_bytes() - rss0;
	memset(pages, 0, (TOUCH_BYTES >> 12) * sizeof(*pages)); /* ours */
	if (machine_check(m, why, sizeof(why)))
		fprintf(stderr, "check: %s\n", why);
	t2 = now_ns();
	/* From here: what the workload's frames cost, not the checker's. */
	anon0 = host_anon_bytes();
	n = touch(m, pages);
	t3 = now_ns();
	f->rss_touch = host_rss_bytes() - rss0;
	f->meta_touch = host_anon_bytes() - anon0;
	f->in_use = n;
	f->frames = m->max_pfn;
	for (unsigned long i = 0; i < n; i++)
		__free_pages(m, pages[i], 0);
	machine_destroy(m);
	t4 = now_ns();
	free(pages);
	f->boot_ms = (double)(t1 - t0) / 1e6;
	f->check_ms = (double)(t2 - t1) / 1e6;
	f->touch_ms = (double)(t3 - t2) / 1e6;
	f->down_ms = (double)(t4 - t3) / 1e6;
	return 0;
}

static int cmp_boot(const void *a, const void *b)
{
	double x = ((const struct figures *)a)->boot_ms;
	double y = ((const struct figures *)b)->boot_ms;

	return (x > y) - (x < y);
}

/* The median run by boot time. */
static int measure(unsigned int gib, bool deferred, struct figures *out)
{
	struct figures f[RUNS];

	for (int i = 0; i < RUNS; i++)
		if (run_once(gib, deferred, &f[i]))
			return 1;
	qsort(f, RUNS, sizeof(f[0]), cmp_boot);
	*out = f[RUNS / 2];
	return 0;
}

static void print(const char *what, const struct figures *f)
{
	printf("  %-22s boot %8.1f ms  RSS %7.1f MiB  after 1 GiB %7.1f MiB  "
	       "meta/frame in use %6.1f B  check %7.1f ms  teardown %6.1f "
	       "ms\n",
	       what, f->boot_ms, (double)f->rss_boot / 1048576,
	       (double)f->rss_touch / 1048576,
	       f->in_use ? (double)f->meta_touch / (double)f->in_use : 0.0,
	       f->check_ms, f->down_ms);
}

int main(void)
{
	static const unsigned int sizes[] = {64, 256, 1024};
	struct figures base, f[3];

	printf("boot of big x86_64 machines, median of %d (struct page is "
	       "%zu bytes)\n",
	       RUNS, sizeof(struct page));
	if (measure(64, false, &base))
		return 1;
	print("64 GiB, every page", &base);
	for (int i = 0; i < 3; i++) {
		char what[32];

		if (measure(sizes[i], true, &f[i]))
			return 1;
		snprintf(what, sizeof(what), "%u GiB, deferred", sizes[i]);
		print(what, &f[i]);
	}
	printf("  64 GiB deferred against every page: boot %.3f of the time, "
	       "RSS %.3f of it, check %.3f of the time\n",
	       f[0].boot_ms / base.boot_ms,
	       (double)f[0].rss_boot / (double)base.rss_boot,
	       f[0].check_ms / base.check_ms);
	printf("  1 TiB deferred: boot %.2f of the 1000 ms aim, RSS %.2f of "
	       "the 512 MiB aim, check %.2f of the 2000 ms aim\n",
	       f[2].boot_ms / 1000.0, (double)f[2].rss_boot / (512.0 * 1048576),
	       f[2].check_ms / 2000.0);
	return 0;
}
