/* SPDX-License-Identifier: MIT */
/*
 * boot.c - how long a 64 GiB x86_64 machine takes to boot and tear down,
 * and what it costs the host per simulated frame.
 */
#include <stdlib.h>

#include "bench/bench.h"
#include "core/err.h"
#include "core/machine.h"
#include "core/page_alloc.h"

#define RUNS 3

/* 64 GiB of RAM: 65 GiB of address space with the 3G-4G PCI hole. */
static void layout_64g(struct layout *l)
{
	layout_default(l);
	strcpy(l->name, "bench-64g");
	l->memory = 65ULL << 30;
	l->zones[2].end = l->memory;
	l->limits.pages = l->memory >> 12;
}

int main(void)
{
	double boot_ms[RUNS], down_ms[RUNS];
	uint64_t rss_delta = 0, frames = 0;
	struct layout l;

	layout_64g(&l);
	for (int i = 0; i < RUNS; i++) {
		uint64_t rss0 = host_rss_bytes(), t0 = now_ns(), t1, t2;
		struct machine *m = machine_create(&l);

		t1 = now_ns();
		if (IS_ERR(m)) {
			fprintf(stderr, "boot failed: %ld\n", PTR_ERR(m));
			return 1;
		}
		rss_delta = host_rss_bytes() - rss0;
		frames = m->max_pfn;
		machine_destroy(m);
		t2 = now_ns();
		boot_ms[i] = (double)(t1 - t0) / 1e6;
		down_ms[i] = (double)(t2 - t1) / 1e6;
	}
	qsort(boot_ms, RUNS, sizeof(double), cmp_double);
	qsort(down_ms, RUNS, sizeof(double), cmp_double);
	printf("boot of a 64 GiB x86_64 machine (%llu frames), median of %d\n",
	       (unsigned long long)frames, RUNS);
	printf("  boot time          %8.1f ms   (target < 1000 ms: %.2f of "
	       "it)\n",
	       boot_ms[RUNS / 2], boot_ms[RUNS / 2] / 1000.0);
	printf("  teardown time      %8.1f ms\n", down_ms[RUNS / 2]);
	printf("  host RSS of boot   %8.1f MiB\n", (double)rss_delta / 1048576);
	printf("  host bytes/frame   %8.1f      (target <= 64: %.2f of it; "
	       "struct page is %zu)\n",
	       (double)rss_delta / (double)frames,
	       (double)rss_delta / (double)frames / 64.0, sizeof(struct page));
	return 0;
}
