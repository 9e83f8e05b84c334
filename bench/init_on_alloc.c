/* SPDX-License-Identifier: MIT */
/*
 * init_on_alloc.c - what zeroing costs a client: its calls' allocate and
 * free pairs (kmalloc of 64 bytes and 4 KiB, alloc_pages of order 0 and
 * 3, vmalloc of 64 KiB) with kernel.init_on_alloc 1, mm's default, against
 * the same with 0, Linux's behaviour without init_on_alloc, on two
 * machines booted alike in the same run.
 */
#include <stdlib.h>

#include "bench/bench.h"
#include "bench/bench_machine.h"
#include "core/err.h"
#include "core/machine.h"
#include "core/task.h"
#include "core/uapi.h"

#define ROUNDS 5
#define PAIRS  20000

enum call { KMALLOC_64, KMALLOC_4K, PAGES_0, PAGES_3, VMALLOC_64K, NR_CALLS };

static const char *const names[NR_CALLS] = {
	"kmalloc 64", "kmalloc 4096", "alloc_pages order 0",
	"alloc_pages order 3", "vmalloc 64 KiB"};

static void pair(struct machine *m, enum call c)
{
	uint64_t addr = 0;
	unsigned long pfn = 0;

	switch (c) {
	case KMALLOC_64:
	case KMALLOC_4K:
		if (!uapi_kmalloc(m, c == KMALLOC_64 ? 64 : 4096, GFP_KERNEL,
				  &addr))
			uapi_kfree(m, addr);
		break;
	case PAGES_0:
	case PAGES_3:
		if (!uapi_alloc_pages(m, GFP_KERNEL, c == PAGES_0 ? 0 : 3,
				      &pfn))
			uapi_free_pages(m, pfn, c == PAGES_0 ? 0 : 3);
		break;
	default:
		if (!uapi_vmalloc(m, 64 * 1024, &addr))
			uapi_vfree(m, addr);
		break;
	}
}

struct pair_arg {
	struct machine *m;
	enum call c;
};

static long pairs(void *arg, long n, uint64_t *untimed)
{
	struct pair_arg *p = arg;

	(void)untimed;
	for (long i = 0; i < n; i++)
		pair(p->m, p->c);
	return n;
}

/* ns per pair on each machine, the median of ROUNDS, taking turns. */
static void ns_per_pair(struct machine *zeroing, struct machine *as_left,
			enum call c, double *z, double *a)
{
	struct pair_arg pz = {zeroing, c}, pa = {as_left, c};

	bench_turns(ROUNDS, c == VMALLOC_64K ? PAIRS / 10 : PAIRS, pairs, &pz,
		    pairs, &pa, z, a);
}

static struct machine *boot(int init_on_alloc)
{
	struct layout l;

	layout_default(&l);
	l.kernel.init_on_alloc = init_on_alloc;
	return bench_boot_task(&l, "init_on_alloc");
}

int main(void)
{
	struct machine *zeroing = boot(1), *as_left = boot(0);

	printf("init_on_alloc: a client's allocate+free pairs, median of %d "
	       "runs\n",
	       ROUNDS);
	printf("  %-22s %12s %12s %7s\n", "", "zeroed ns", "as left ns",
	       "ratio");
	for (int c = 0; c < NR_CALLS; c++) {
		double z, a;

		ns_per_pair(zeroing, as_left, (enum call)c, &z, &a);

		printf("  %-22s %12.1f %12.1f %7.2f\n", names[c], z, a, z / a);
	}
	printf("(zeroed: kernel.init_on_alloc 1, the default; as left: 0, as "
	       "Linux without init_on_alloc)\n");
	machine_destroy(zeroing);
	machine_destroy(as_left);
	return 0;
}
