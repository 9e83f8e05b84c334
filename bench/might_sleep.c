/* SPDX-License-Identifier: MIT */
/*
 * might_sleep.c - what the might_sleep check costs a GFP_KERNEL kmalloc:
 * kmalloc+kfree pairs of 64 and 512 bytes in process context with
 * kernel.debug_atomic_sleep 1 (the check, mm's default, as Linux's
 * CONFIG_DEBUG_ATOMIC_SLEEP) against 0 (no check), on two machines
 * booted alike in the same run.
 */
#include <stdlib.h>

#include "bench/bench.h"
#include "bench/bench_machine.h"
#include "core/err.h"
#include "core/machine.h"
#include "core/slab.h"
#include "core/task.h"

#define ROUNDS 7
#define PAIRS  200000

struct pairs_arg {
	struct machine *m;
	size_t size;
};

static long pairs(void *arg, long n, uint64_t *untimed)
{
	struct pairs_arg *p = arg;

	(void)untimed;
	for (long i = 0; i < n; i++) {
		uint64_t addr = 0;

		if (!kmalloc(p->m, p->size, GFP_KERNEL, &addr))
			kfree(p->m, addr);
	}
	return n;
}

/* ns per pair, the median of ROUNDS, the two machines taking turns. */
static void measure(struct machine *on, struct machine *off, size_t size,
		    double *ns_on, double *ns_off)
{
	struct pairs_arg a = {on, size}, b = {off, size};

	bench_turns(ROUNDS, PAIRS, pairs, &a, pairs, &b, ns_on, ns_off);
}

static struct machine *boot(int debug_atomic_sleep)
{
	struct layout l;

	layout_default(&l);
	l.kernel.debug_atomic_sleep = debug_atomic_sleep;
	return bench_boot_task(&l, "might_sleep");
}

int main(void)
{
	static const size_t sizes[] = {64, 512};
	struct machine *on = boot(1), *off = boot(0);

	printf("might_sleep: GFP_KERNEL kmalloc+kfree pairs in process "
	       "context, median of %d runs\n",
	       ROUNDS);
	printf("  %-14s %12s %12s %7s\n", "", "checked ns", "unchecked ns",
	       "ratio");
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		double a, b;

		measure(on, off, sizes[i], &a, &b);
		printf("  kmalloc %-6zu %12.1f %12.1f %7.3f\n", sizes[i], a, b,
		       a / b);
	}
	printf("(checked: kernel.debug_atomic_sleep 1, the default; "
	       "unchecked: 0)\n");
	machine_destroy(on);
	machine_destroy(off);
	return 0;
}
