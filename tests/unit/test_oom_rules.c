/* SPDX-License-Identifier: MIT */
/*
 * test_oom_rules.c - when the OOM killer may run and what a failed
 * allocation says, as Linux's __alloc_pages_may_oom, out_of_memory and
 * warn_alloc decide: no kill for __GFP_NORETRY, __GFP_RETRY_MAYFAIL,
 * __GFP_THISNODE, costly orders, requests limited to DMA or DMA32, or
 * IO-less reclaim; the "page allocation failure" line with the mask by
 * name and the show_mem summary, silent for __GFP_NOWARN and for the
 * driver's retries; kmalloc's fix-up of __GFP_HIGHMEM and __GFP_DMA32.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/debug.h"
#include "core/oom_kill.h"
#include "core/printk.h"
#include "core/slab_internal.h"
#include "core/task.h"
#include "core/uapi.h"
#include "core/vmstat.h"

/* How often text is in the kernel log. */
static int log_count(const struct machine *m, const char *text)
{
	size_t len = strlen(text);
	int n = 0;

	for (const char *p = m->log_buf;
	     p && p + len <= m->log_buf + m->log_len; p++) {
		p = memmem(p, (size_t)(m->log_buf + m->log_len - p), text, len);
		if (!p)
			break;
		n++;
	}
	return n;
}

/*
 * A 64 MiB x86_64 machine without swap: a process with 1 MiB of
 * anonymous memory (the OOM killer's pick), then every zone taken down
 * to its min mark by the kernel (pid 0), reclaim finding nothing.
 */
static struct machine *boot_exhausted(int *victim)
{
	struct user_fault fault;
	struct layout l;
	struct machine *m;
	uint64_t addr, word = 1;

	small_layout(&l, 64 * MiB);
	l.swap_size = 0;
	m = boot_unboosted(&l);
	assert_int_equal(task_create(m, "victim", 0, 0, victim), 0);
	assert_int_equal(task_switch(m, *victim), 0);
	assert_int_equal(uapi_mmap(m, 0, 0, 1 * MiB, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, &addr),
			 0);
	for (uint64_t off = 0; off < 1 * MiB; off += PAGE)
		assert_int_equal(uapi_access_vm(m, 0, addr + off, &word,
						sizeof(word), USER_WRITE,
						&fault),
				 0);
	assert_int_equal(task_switch(m, 0), 0);
	drain_all_pages(m);
	while (!IS_ERR(alloc_page(m, GFP_NOWAIT)))
		;
	while (!IS_ERR(alloc_page(m, GFP_NOWAIT | __GFP_DMA)))
		;
	return m;
}

/* gfp fails and kills nobody. */
static void expect_no_kill(struct machine *m, gfp_t gfp, unsigned int order)
{
	struct page *page = alloc_pages(m, gfp, order);

	assert_int_equal(PTR_ERR(page), -ENOMEM);
	assert_int_equal(m->vm_events[OOM_KILL], 0);
	assert_false(oom_victim_exiting(m));
}

static void test_oom_only_where_linux_runs_it(void **state)
{
	struct oom_kill kill;
	struct page *page;
	int victim;
	struct machine *m = boot_exhausted(&victim);

	(void)state;
	expect_no_kill(m, GFP_KERNEL | __GFP_NORETRY, 0);
	expect_no_kill(m, GFP_KERNEL | __GFP_RETRY_MAYFAIL, 0);
	expect_no_kill(m, GFP_KERNEL | __GFP_THISNODE, 0);
	expect_no_kill(m, GFP_KERNEL, 4); /* costly: above order 3 */
	expect_no_kill(m, GFP_KERNEL | __GFP_DMA, 0);
	expect_no_kill(m, GFP_KERNEL | __GFP_DMA32, 0); /* below Normal */
	expect_no_kill(m, GFP_NOFS, 0);
	expect_no_kill(m, GFP_NOIO, 0);
	expect_no_kill(m, __GFP_KSWAPD_RECLAIM, 0); /* no direct reclaim */
	assert_false(oom_next_kill(m, &kill));

	/* GFP_KERNEL: the killer runs, and its victim's memory
	 * (torn down at once) lets the allocation through. */
	page = alloc_pages(m, GFP_KERNEL, 0);
	assert_false(IS_ERR(page));
	assert_int_equal(m->vm_events[OOM_KILL], 1);
	assert_true(oom_victim_exiting(m));
	assert_int_equal(log_count(m, "kernel invoked oom-killer: "
				      "gfp_mask=0xcc0(GFP_KERNEL), order=0, "
				      "oom_score_adj=0"),
			 1);
	assert_true(oom_next_kill(m, &kill));
	assert_int_equal(kill.pid, victim);
	/* Once the driver has exited it, nobody is left to wait for. */
	assert_int_equal(task_exit(m, victim, NULL), 0);
	assert_false(oom_victim_exiting(m));
	assert_consistent(m);
	machine_destroy(m);
}

/* The victim is the caller itself: nobody else to wait for. */
static void test_victim_is_the_caller(void **state)
{
	int victim;
	struct machine *m = boot_exhausted(&victim);
	struct page *page;

	(void)state;
	assert_int_equal(task_switch(m, victim), 0);
	page = alloc_pages(m, GFP_KERNEL, 0);
	assert_int_equal(m->vm_events[OOM_KILL], 1);
	assert_false(oom_victim_exiting(m));
	if (!IS_ERR(page))
		__free_pages(m, page, 0);
	assert_int_equal(task_switch(m, 0), 0);
	assert_true(oom_victim_exiting(m));
	machine_destroy(m);
}

/* A machine with n processes named "p", none holding memory yet. */
static struct machine *boot_tasks(int n, int *pids)
{
	struct layout l;
	struct machine *m;

	small_layout(&l, 64 * MiB);
	m = boot(&l);
	for (int i = 0; i < n; i++)
		assert_int_equal(task_create(m, "p", 0, 0, &pids[i]), 0);
	return m;
}

/*
 * Nobody collects the kills while 70 victims exit on their own: the
 * queue fills with the kills of the gone, and the one victim still
 * alive, which it could not hold, is the kill the driver is handed, the
 * only one.
 */
static void test_kill_queue_keeps_live_victim(void **state)
{
	struct oom_kill kill;
	int pids[71];
	struct machine *m = boot_tasks(71, pids);

	(void)state;
	for (int i = 0; i < 71; i++) {
		assert_true(out_of_memory(m, GFP_KERNEL, 0, NULL));
		assert_true(find_task_by_pid(m, pids[i])->oom_killed);
		if (i < 70)
			assert_int_equal(task_exit(m, pids[i], NULL), 0);
	}
	assert_int_equal(m->vm_events[OOM_KILL], 71);
	assert_true(oom_victim_exiting(m));
	assert_true(oom_next_kill(m, &kill));
	assert_int_equal(kill.pid, pids[70]);
	assert_int_equal(task_exit(m, pids[70], NULL), 0);
	assert_false(oom_next_kill(m, &kill));
	assert_false(oom_victim_exiting(m));
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * More live victims than the queue holds (the one-victim rule lifted by
 * hand to provoke it): every one still reaches the driver, so no call
 * waits for an exit that nobody will bring.
 */
static void test_kill_queue_overflow_loses_nobody(void **state)
{
	struct oom_kill kill;
	int pids[70], seen = 0;
	struct machine *m = boot_tasks(70, pids);

	(void)state;
	for (int i = 0; i < 70; i++) {
		for (int j = 0; j < i; j++) {
			find_task_by_pid(m, pids[j])->oom_killed = false;
			find_task_by_pid(m, pids[j])->oom_score_adj = -1000;
		}
		assert_true(out_of_memory(m, GFP_KERNEL, 0, NULL));
		for (int j = 0; j < i; j++)
			find_task_by_pid(m, pids[j])->oom_killed = true;
	}
	for (int i = 0; i < 70; i++)
		assert_true(find_task_by_pid(m, pids[i])->oom_killed);
	while (oom_next_kill(m, &kill)) {
		assert_int_equal(task_exit(m, kill.pid, NULL), 0);
		seen++;
	}
	assert_int_equal(seen, 70);
	assert_false(oom_victim_exiting(m));
	machine_destroy(m);
}

static void test_warn_alloc(void **state)
{
	int victim;
	struct machine *m = boot_exhausted(&victim);
	size_t len;

	(void)state;
	expect_no_kill(m, GFP_KERNEL | __GFP_RETRY_MAYFAIL, 2);
	assert_int_equal(
		log_count(m, "swapper/0: page allocation failure: order:2, "
			     "mode:0x4cc0(GFP_KERNEL|__GFP_RETRY_MAYFAIL), "
			     "nodemask=(null),cpuset=/,mems_allowed=0\n"),
		1);
	assert_int_equal(log_count(m, "] Mem-Info:\n"), 1);
	assert_int_equal(log_count(m, "] Node 0 DMA free:"), 1);
	assert_int_equal(log_count(m, "] Node 0 DMA32 free:"), 1);
	assert_int_equal(log_count(m, "] Node 0 DMA32: "), 1);
	assert_int_equal(log_count(m, "] Total swap = 0kB\n"), 1);
	assert_int_equal(log_count(m, "] 16384 pages RAM\n"), 1);
	/* __GFP_NOWARN, and the driver's retries: not a line. */
	len = m->log_len;
	expect_no_kill(m, GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN, 0);
	expect_no_kill(m, GFP_NOWAIT, 0);
	alloc_retrying(m, true);
	expect_no_kill(m, GFP_KERNEL | __GFP_RETRY_MAYFAIL, 0);
	alloc_retrying(m, false);
	assert_int_equal(m->log_len, len);
	/* A task's failure names it. */
	assert_int_equal(task_switch(m, victim), 0);
	expect_no_kill(m, __GFP_KSWAPD_RECLAIM, 1);
	assert_int_equal(
		log_count(m,
			  "victim: page allocation failure: order:1, "
			  "mode:0x800(__GFP_KSWAPD_RECLAIM), nodemask=(null)"),
		1);
	assert_int_equal(task_switch(m, 0), 0);
	machine_destroy(m);
}

static void test_gfp_names(void **state)
{
	char buf[256];

	(void)state;
	assert_string_equal(format_gfp(buf, sizeof(buf), GFP_KERNEL),
			    "GFP_KERNEL");
	assert_string_equal(format_gfp(buf, sizeof(buf), GFP_HIGHUSER_MOVABLE),
			    "GFP_HIGHUSER_MOVABLE");
	assert_string_equal(format_gfp(buf, sizeof(buf),
				       GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN),
			    "GFP_KERNEL|__GFP_NOWARN|__GFP_ZERO");
	assert_string_equal(format_gfp(buf, sizeof(buf), GFP_ATOMIC),
			    "GFP_ATOMIC");
	assert_string_equal(format_gfp(buf, sizeof(buf), GFP_NOWAIT),
			    "GFP_NOWAIT");
	assert_string_equal(format_gfp(buf, sizeof(buf), GFP_DMA | GFP_KERNEL),
			    "GFP_KERNEL|GFP_DMA");
	assert_string_equal(
		format_gfp(buf, sizeof(buf), __GFP_DIRECT_RECLAIM | 0x800000u),
		"__GFP_DIRECT_RECLAIM|0x800000");
	assert_string_equal(format_gfp(buf, sizeof(buf), 0), "");
	/* Never past the buffer. */
	assert_string_equal(format_gfp(buf, 8, GFP_KERNEL), "GFP_KER");
}

/*
 * kmalloc and a cache's new slab take __GFP_HIGHMEM and __GFP_DMA32
 * away, with Linux's warning, and hand out direct-mapped memory.
 */
static void test_kmalloc_fixes_highmem(void **state)
{
	struct layout l;
	struct machine *m;
	struct kmem_cache *s;
	uint64_t a, b;

	(void)state;
	i386_layout(&l, 1 * GiB);
	m = boot(&l);
	assert_int_equal(kmalloc(m, 20000, GFP_KERNEL | __GFP_HIGHMEM, &a), 0);
	assert_true(page_to_pfn(m, virt_to_page(m, a)) < m->lowmem_end_pfn);
	assert_int_equal(
		log_count(m, "Unexpected gfp: 0x2 (__GFP_HIGHMEM). Fixing up "
			     "to gfp: 0xcc0 (GFP_KERNEL). Fix your code!"),
		1);
	s = kmem_cache_create(m, "thigh", 100, 0, 0, NULL);
	assert_false(IS_ERR(s));
	assert_int_equal(kmem_cache_alloc(m, s, GFP_HIGHUSER, &b), 0);
	assert_int_equal(
		log_count(m, "Unexpected gfp: 0x2 (__GFP_HIGHMEM). Fixing up "
			     "to gfp: 0x100cc0 (GFP_USER). Fix your code!"),
		1);
	assert_int_equal(kmem_cache_free(m, s, b), 0);
	assert_int_equal(kfree(m, a), 0);
	assert_int_equal(m->bad[BAD_GFP], 0);
	assert_int_equal(kmem_cache_destroy(m, s), 0);
	assert_consistent(m);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oom_only_where_linux_runs_it),
		cmocka_unit_test(test_victim_is_the_caller),
		cmocka_unit_test(test_kill_queue_keeps_live_victim),
		cmocka_unit_test(test_kill_queue_overflow_loses_nobody),
		cmocka_unit_test(test_warn_alloc),
		cmocka_unit_test(test_gfp_names),
		cmocka_unit_test(test_kmalloc_fixes_highmem),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
