/* SPDX-License-Identifier: MIT */
/*
 * test_fault.c - the machine when the host fails it: no memory for the
 * host-side structures at exit, swap writes that fail, no swap slots.
 *
 * Linked with tests/fault/inject.o behind -Wl,--wrap (mk/fault.mk), so
 * that the Nth host allocation, swap write or swap slot can be made to
 * fail. The swap device is a memfd mapped into the host and written with
 * memcpy, which cannot fail; swap_writepage's -EIO and get_swap_page's
 * -ENOSPC are where a failing swap file shows, so the faults go there.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "core/mm.h"
#include "core/slab.h"
#include "core/swap.h"
#include "core/task.h"
#include "core/uapi.h"
#include "core/vmalloc.h"
#include "core/vmscan.h"
#include "tests/fault/fault.h"
#include "tests/unit/machines.h"

/* Free pages and kernel tables, after the caches give back their slabs. */
static unsigned long settled(struct machine *m)
{
	return drop_caches(m) + (unsigned long)m->node_stat[NR_PAGETABLE];
}

/*
 * Exit frees everything a task held even when no host memory is left:
 * more vmalloc areas and slab objects than one release pass takes. (It
 * once gathered them in a malloc'ed array, and left them all owned by a
 * pid that no longer existed when that failed.)
 */
static void test_exit_needs_no_host_memory(void **state)
{
	struct layout l;
	struct machine *m;
	unsigned long base;
	uint64_t addr, cache;
	int pid;

	(void)state;
	small_layout(&l, 128 * MiB);
	m = boot(&l);
	base = settled(m);
	assert_int_equal(task_create(m, "holder", 0, 0, &pid), 0);
	assert_int_equal(task_switch(m, pid), 0);
	for (int i = 0; i < 600; i++)
		assert_int_equal(uapi_vmalloc(m, PAGE, &addr), 0);
	for (int i = 0; i < 1200; i++)
		assert_int_equal(uapi_kmalloc(m, 64, GFP_KERNEL, &addr), 0);
	assert_int_equal(uapi_kmem_cache_create(m, "held", 100, 8, 0, &cache),
			 0);
	for (int i = 0; i < 700; i++)
		assert_int_equal(
			uapi_kmem_cache_alloc(m, cache, GFP_KERNEL, &addr), 0);
	fault_arm(FAULT_ALLOC, 1, ULONG_MAX);
	assert_int_equal(task_exit(m, pid, NULL), 0);
	fault_arm(FAULT_ALLOC, 0, 0);
	assert_consistent(m);
	assert_int_equal(settled(m), base);
	machine_destroy(m);
}

/* A process that writes more than the RAM, then reads it all back. */
struct hog {
	struct machine *m;
	int pid;
	uint64_t addr;
	unsigned long pages;
	bool *written; /* pages whose write went through */
};

static void hog_boot(struct hog *h)
{
	struct layout l;

	small_layout(&l, 32 * MiB);
	l.swap_size = 64 * MiB;
	h->m = boot(&l);
	h->pages = (48 * MiB) / PAGE;
	h->written = calloc(h->pages, sizeof(*h->written));
	assert_non_null(h->written);
	assert_int_equal(task_create(h->m, "hog", 0, 0, &h->pid), 0);
	assert_int_equal(task_switch(h->m, h->pid), 0);
	assert_int_equal(uapi_mmap(h->m, 0, 0, h->pages * PAGE,
				   PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, &h->addr),
			 0);
}

/*
 * Touch every page (writing its number) or check it. An access may fail
 * for want of memory when swap does (-ENOMEM: the page keeps what it
 * had); what is read is what was last written, never anything else.
 * Returns false once the OOM killer has taken the process.
 */
static bool hog_pass(struct hog *h, bool check)
{
	struct user_fault fault;

	for (unsigned long i = 0; i < h->pages; i++) {
		uint64_t word = i, got = 0;
		int err = uapi_access_vm(
			h->m, h->pid, h->addr + i * PAGE,
			check ? (void *)&got : (void *)&word, sizeof(word),
			check ? USER_READ : USER_WRITE, &fault);

		if (err == -ESRCH) /* OOM-killed, for the caller to reap */
			return false;
		if (err == -ENOMEM)
			continue;
		assert_int_equal(err, 0);
		if (!check)
			h->written[i] = true;
		else
			assert_true(got == (h->written[i] ? word : 0));
	}
	return true;
}

/*
 * One run with site's call n failing (times in a row): the data comes
 * back intact or the process is killed, and the machine stays
 * consistent either way. Returns the calls of site an unfaulted run makes
 * when n is 0.
 */
static unsigned long hog_run(enum fault_site site, unsigned long n,
			     unsigned long times)
{
	struct hog h;
	unsigned long calls;

	hog_boot(&h);
	fault_arm(site, n, times);
	if (hog_pass(&h, false))
		hog_pass(&h, true);
	calls = fault_calls(site);
	assert_true(!n || n > calls || fault_fired(site) > 0);
	fault_arm(site, 0, 0);
	assert_consistent(h.m);
	if (find_task_by_pid(h.m, h.pid))
		assert_int_equal(task_exit(h.m, h.pid, NULL), 0);
	assert_int_equal(nr_free_swap_pages(h.m), total_swap_pages(h.m));
	assert_consistent(h.m);
	machine_destroy(h.m);
	free(h.written);
	return calls;
}

/* Sweep site's calls: single failures spread over them, then all. */
static void sweep(enum fault_site site)
{
	unsigned long calls = hog_run(site, 0, 0), step;

	assert_true(calls > 0);
	step = calls / 8 + 1;
	for (unsigned long n = 1; n <= calls; n += step)
		hog_run(site, n, 1);
	hog_run(site, calls / 2, 64);	     /* a bad stretch */
	hog_run(site, calls / 4, ULONG_MAX); /* gone for good */
}

static void test_swap_writes_fail(void **state)
{
	(void)state;
	sweep(FAULT_SWAP_WRITE);
}

static void test_swap_slots_run_out(void **state)
{
	(void)state;
	sweep(FAULT_SWAP_SLOT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_needs_no_host_memory),
		cmocka_unit_test(test_swap_writes_fail),
		cmocka_unit_test(test_swap_slots_run_out),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
