/* SPDX-License-Identifier: MIT */
/*
 * test_memcontrol.c - limits.pages as each process's memory cgroup: what
 * is charged (page blocks, vmalloc frames, large kmallocs, MMZ blocks,
 * user pages and page tables), reclaim inside the process before a
 * refusal, the exact errors, fork and exit, the status lines, and the
 * checker's view of the charges.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "config/config.h"
#include "core/memcontrol.h"
#include "core/mm.h"
#include "core/mmz.h"
#include "core/oom_kill.h"
#include "core/printk.h"
#include "core/slab.h"
#include "core/task.h"
#include "core/task_mmu.h"
#include "core/uapi.h"
#include "core/vmalloc.h"

#define ANON_PRIVATE (MAP_PRIVATE | MAP_ANONYMOUS)
#define ANON_SHARED  (MAP_SHARED | MAP_ANONYMOUS)
#define RW	     (PROT_READ | PROT_WRITE)

/* A 256 MiB x86_64 machine with limits.pages and swap as given. */
static struct machine *boot_limited(unsigned long pages, uint64_t swap,
				    int *pid)
{
	struct layout l;
	struct machine *m;

	small_layout(&l, 256 * MiB);
	l.limits.pages = pages;
	l.swap_size = swap;
	m = boot(&l);
	assert_int_equal(task_create(m, "limited", 0, 0, pid), 0);
	assert_int_equal(task_switch(m, *pid), 0);
	return m;
}

static const struct page_counter *memory_of(const struct machine *m, int pid)
{
	return &find_task_by_pid(m, pid)->memory;
}

static unsigned long charged(const struct machine *m, int pid)
{
	return memory_of(m, pid)->usage;
}

static void expect_refusal(const struct machine *m, int pid,
			   unsigned long limit)
{
	char want[128];

	snprintf(want, sizeof(want),
		 "pid %d would hold more than its %lu pages", pid, limit);
	assert_string_equal(m->errmsg, want);
}

static uint64_t map(struct machine *m, int pid, uint64_t len, int flags)
{
	uint64_t addr = 0;

	assert_int_equal(uapi_mmap(m, pid, 0, len, RW, flags, &addr), 0);
	return addr;
}

/* Write a word that names the page to each of n pages from a. */
static void touch(struct machine *m, int pid, uint64_t a, unsigned long n)
{
	struct user_fault fault;

	for (unsigned long i = 0; i < n; i++) {
		uint64_t word = a + i * PAGE;

		assert_int_equal(uapi_access_vm(m, pid, a + i * PAGE, &word,
						sizeof(word), USER_WRITE,
						&fault),
				 0);
	}
}

static void expect_touched(struct machine *m, int pid, uint64_t a,
			   unsigned long n)
{
	struct user_fault fault;

	for (unsigned long i = 0; i < n; i++) {
		uint64_t word = 0;

		assert_int_equal(uapi_access_vm(m, pid, a + i * PAGE, &word,
						sizeof(word), USER_READ,
						&fault),
				 0);
		assert_int_equal(word, a + i * PAGE);
	}
}

static unsigned long rss_and_tables(const struct machine *m, int pid)
{
	const struct mm_struct *mm = find_task_by_pid(m, pid)->mm;

	return get_mm_rss(mm) + mm_pgtables(m, mm) + mm->hugetlb_pages;
}

/* Page blocks: charged at allocation, uncharged by the last reference. */
static void test_page_blocks(void **state)
{
	struct alloc_snapshot before;
	unsigned long a, b, c;
	int pid;
	struct machine *m = boot_limited(8, 0, &pid);

	(void)state;
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 2, &a), 0);
	assert_int_equal(charged(m, pid), 4);
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 1, &b), 0);
	assert_int_equal(charged(m, pid), 6);
	assert_consistent(m);
	snapshot(m, &before);
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 2, &c), -EDQUOT);
	expect_refusal(m, pid, 8);
	assert_unchanged(m, &before);
	assert_int_equal(memory_of(m, pid)->failcnt, 1);
	assert_int_equal(memory_of(m, pid)->refused, 1);
	/* A bad order is still the allocator's -EINVAL, not a charge. */
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 11, &c), -EINVAL);
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 1, &c), 0);
	assert_int_equal(charged(m, pid), 8);
	/* __GFP_NOFAIL does not pass the limit: memcg would force it. */
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL | __GFP_NOFAIL, 0, &c),
			 -EDQUOT);
	assert_int_equal(uapi_free_pages(m, a, 2), 0);
	assert_int_equal(charged(m, pid), 4);
	/* A second reference keeps the block, and the charge, alive. */
	assert_int_equal(uapi_get_page(m, b), 0);
	assert_int_equal(uapi_free_pages(m, b, 1), 0);
	assert_int_equal(charged(m, pid), 4);
	assert_int_equal(uapi_put_page(m, b), 0);
	assert_int_equal(charged(m, pid), 2);
	assert_int_equal(memory_of(m, pid)->watermark, 8);
	assert_consistent(m);
	machine_destroy(m);
}

/* vmalloc's frames are charged; sizes vmalloc refuses keep their error. */
static void test_vmalloc(void **state)
{
	uint64_t a, b, v;
	unsigned long pfn;
	int pid;
	struct machine *m = boot_limited(16, 0, &pid);

	(void)state;
	assert_int_equal(uapi_vmalloc(m, 15 * PAGE + 1, &a), 0);
	assert_int_equal(charged(m, pid), 16);
	assert_consistent(m);
	assert_int_equal(uapi_vzalloc(m, 1, &b), -EDQUOT);
	expect_refusal(m, pid, 16);
	assert_int_equal(uapi_vmalloc(m, 0, &b), -EINVAL);
	assert_int_equal(uapi_vmalloc(m, 1UL << 40, &b), -ENOMEM);
	/* What the daemon may let wait, and what never could be met. */
	assert_false(vmalloc_may_fit(m, 0));
	assert_false(vmalloc_may_fit(m, 1UL << 40));
	assert_true(vmalloc_may_fit(m, 17 * PAGE));
	assert_int_equal(uapi_vfree(m, a), 0);
	assert_int_equal(charged(m, pid), 0);
	/* More than the whole limit: refused at once. */
	assert_int_equal(uapi_vmalloc(m, 17 * PAGE, &b), -EDQUOT);
	assert_int_equal(uapi_vzalloc(m, 2 * PAGE, &b), 0);
	assert_int_equal(charged(m, pid), 2);
	/* vmap maps pages already charged: nothing more. */
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 0, &pfn), 0);
	assert_int_equal(uapi_vmap(m, &pfn, 1, &v), 0);
	assert_int_equal(charged(m, pid), 3);
	assert_consistent(m);
	assert_int_equal(uapi_vunmap(m, v), 0);
	assert_int_equal(uapi_free_pages(m, pfn, 0), 0);
	assert_int_equal(uapi_vfree(m, b), 0);
	assert_int_equal(charged(m, pid), 0);
	machine_destroy(m);
}

/*
 * kmalloc past kmalloc-8k takes pages: charged as frames; slab objects
 * are charged by their bytes (kmem), in whole pages.
 */
static void test_large_kmalloc(void **state)
{
	uint64_t small, big, p, q;
	int pid;
	struct machine *m = boot_limited(16, 0, &pid);

	(void)state;
	assert_int_equal(uapi_kmalloc(m, 100, GFP_KERNEL, &small), 0);
	assert_int_equal(charged(m, pid), 1); /* 128 bytes: a page */
	assert_int_equal(uapi_kmalloc(m, 8192, GFP_KERNEL, &p), 0);
	assert_int_equal(charged(m, pid), 3); /* 8320 bytes */
	assert_int_equal(memory_of(m, pid)->kmem, 3);
	assert_int_equal(memory_of(m, pid)->kmem_bytes, 8320);
	assert_int_equal(uapi_kfree(m, p), 0);
	assert_int_equal(charged(m, pid), 1);
	assert_int_equal(uapi_kfree(m, small), 0);
	assert_int_equal(charged(m, pid), 0);
	assert_int_equal(uapi_kmalloc(m, 64 << 10, GFP_KERNEL, &big), 0);
	assert_int_equal(charged(m, pid), 16);
	assert_int_equal(uapi_kmalloc(m, 9000, GFP_KERNEL, &p), -EDQUOT);
	expect_refusal(m, pid, 16);
	assert_int_equal(uapi_kcalloc(m, 3, 4096, GFP_KERNEL, &p), -EDQUOT);
	assert_int_equal(uapi_kcalloc(m, SIZE_MAX, 2, GFP_KERNEL, &p), -ENOMEM);
	assert_int_equal(uapi_kmalloc(m, 5 << 20, GFP_KERNEL, &p), -ENOMEM);
	/* Shrinking stays in place and takes nothing more. */
	assert_int_equal(uapi_krealloc(m, big, 32 << 10, GFP_KERNEL, &q), 0);
	assert_int_equal(q, big);
	assert_int_equal(charged(m, pid), 16);
	assert_int_equal(uapi_kfree(m, big), 0);
	assert_int_equal(charged(m, pid), 0);
	/* Growing: the new block is charged, then the old one goes. */
	assert_int_equal(uapi_kcalloc(m, 3, 3000, GFP_KERNEL, &p), 0);
	assert_int_equal(charged(m, pid), 4);
	assert_int_equal(uapi_krealloc(m, p, 20000, GFP_KERNEL, &q), 0);
	assert_int_equal(charged(m, pid), 8);
	assert_int_equal(uapi_krealloc(m, q, 64 << 10, GFP_KERNEL, &p),
			 -EDQUOT);
	assert_int_equal(uapi_krealloc(m, q, 100, GFP_KERNEL, &p), 0);
	assert_int_equal(p, q); /* it fits where it is, as Linux keeps it */
	assert_int_equal(charged(m, pid), 8);
	assert_consistent(m);
	assert_int_equal(uapi_kfree(m, p), 0);
	assert_int_equal(charged(m, pid), 0);
	machine_destroy(m);
}

/* MMZ blocks count in pages; a block past the limit is not kept. */
static void test_mmz(void **state)
{
	struct config_errors errs;
	struct layout l;
	struct machine *m;
	uint64_t a, b, size;
	int pid;

	(void)state;
	assert_int_equal(
		config_load_file("config/embedded-mmz.yaml", &l, &errs), 0);
	l.limits.pages = 8;
	m = boot(&l);
	assert_int_equal(task_create(m, "media", 0, 0, &pid), 0);
	task_switch(m, pid);
	assert_int_equal(uapi_mmz_alloc(m, "jpeg", "frame", 10000, 0, &a), 0);
	assert_int_equal(charged(m, pid), 3);
	assert_int_equal(uapi_mmz_alloc(m, "jpeg", "big", 6 * PAGE, 0, &b),
			 -EDQUOT);
	expect_refusal(m, pid, 8);
	assert_int_equal(uapi_mmz_find(m, "big", &b, &size), -ENOENT);
	assert_int_equal(find_task_by_pid(m, pid)->nr_objects, 1);
	assert_int_equal(uapi_mmz_alloc(m, "", "huge", 1ULL << 40, 0, &b),
			 -EINVAL);
	assert_int_equal(uapi_mmz_alloc(m, "jpeg", "big", 5 * PAGE, 0, &b), 0);
	assert_int_equal(charged(m, pid), 8);
	assert_consistent(m);
	assert_int_equal(uapi_mmz_free(m, a), 0);
	assert_int_equal(charged(m, pid), 5);
	assert_int_equal(uapi_mmz_free(m, a), -EINVAL);
	assert_int_equal(charged(m, pid), 5);
	/* Exit gives the block back; no frame stays marked. */
	assert_int_equal(task_exit(m, pid, NULL), 0);
	assert_consistent(m);
	machine_destroy(m);
}

/* User pages and page tables: charge is RSS plus VmPTE. */
static void test_user_pages_and_tables(void **state)
{
	struct seq_buf s;
	int pid;
	struct machine *m = boot_limited(1024, 0, &pid);
	uint64_t a = map(m, 0, 16 * PAGE, ANON_PRIVATE);
	struct user_fault fault;
	char byte;

	(void)state;
	assert_int_equal(charged(m, pid), 0);
	/* A read maps the shared zero page: a table or three, no page. */
	assert_int_equal(uapi_access_vm(m, 0, a, &byte, 1, USER_READ, &fault),
			 0);
	assert_int_equal(charged(m, pid), 3);
	touch(m, 0, a, 2);
	assert_int_equal(charged(m, pid), 5);
	assert_int_equal(charged(m, pid), rss_and_tables(m, pid));
	seq_buf_init(&s);
	assert_int_equal(report_pid_status(m, pid, &s), 0);
	assert_non_null(strstr(s.buf, "VmPTE:\t      12 kB\n"
				      "VmSwap:\t       0 kB\n"
				      "HugetlbPages:\t       0 kB\n"
				      "Charged:\t      20 kB\n"
				      "ChargedPeak:\t      20 kB\n"
				      "ChargeLimit:\t    4096 kB\n"
				      "ChargeFailcnt:\t0\n"
				      "ChargeRefused:\t0\n"));
	seq_buf_free(&s);
	/* munmap frees the pages and the tables it leaves empty. */
	assert_int_equal(uapi_munmap(m, 0, a, 16 * PAGE), 0);
	assert_int_equal(charged(m, pid), 0);
	assert_consistent(m);
	machine_destroy(m);
}

/* Without swap, the fault past the limit fails with -ENOMEM, logged. */
static void test_fault_refused(void **state)
{
	struct user_fault fault;
	struct seq_buf s;
	char want[128];
	int pid;
	struct machine *m = boot_limited(32, 0, &pid);
	uint64_t a = map(m, 0, 64 * PAGE, ANON_PRIVATE), word = 1;

	(void)state;
	touch(m, 0, a, 29); /* 29 pages and 3 tables */
	assert_int_equal(charged(m, pid), 32);
	assert_int_equal(uapi_access_vm(m, 0, a + 29 * PAGE, &word,
					sizeof(word), USER_WRITE, &fault),
			 -ENOMEM);
	assert_int_equal(fault.signo, 0);
	snprintf(want, sizeof(want),
		 "pid %d is at its limit of 32 pages: fault at %#llx", pid,
		 (unsigned long long)(a + 29 * PAGE));
	assert_string_equal(m->errmsg, want);
	assert_int_equal(memory_of(m, pid)->failcnt, 1);
	assert_int_equal(memory_of(m, pid)->refused, 1);
	seq_buf_init(&s);
	assert_int_equal(report_dmesg(m, &s), 0);
	snprintf(want, sizeof(want),
		 "Memory limit reached: pid %d (limited), fault at %#llx fails",
		 pid, (unsigned long long)(a + 29 * PAGE));
	assert_non_null(strstr(s.buf, want));
	assert_non_null(
		strstr(s.buf, "memory: usage 128kB, limit 128kB, failcnt 1"));
	seq_buf_free(&s);
	/* A read of an untouched page needs no page: the zero page. */
	assert_int_equal(uapi_access_vm(m, 0, a + 40 * PAGE, &word,
					sizeof(word), USER_READ, &fault),
			 0);
	expect_touched(m, 0, a, 29);
	assert_consistent(m);
	/* A fresh table past the limit fails the same way. */
	assert_int_equal(uapi_mmap(m, 0, 0x40000000, PAGE, RW,
				   ANON_PRIVATE | MAP_FIXED, &word),
			 0);
	assert_int_equal(uapi_access_vm(m, 0, 0x40000000, &word, sizeof(word),
					USER_READ, &fault),
			 -ENOMEM);
	assert_int_equal(charged(m, pid), 32);
	assert_consistent(m);
	machine_destroy(m);
}

/* With swap, a process at its limit swaps its own pages out and goes on. */
static void test_reclaim_own_pages(void **state)
{
	int pid, other;
	struct machine *m = boot_limited(64, 64 * MiB, &pid);
	uint64_t a = map(m, 0, 256 * PAGE, ANON_PRIVATE), b;
	unsigned long pswpout, pfn;

	(void)state;
	/* Another process's pages are never taken for this one's charge. */
	assert_int_equal(task_create(m, "other", 1, 0, &other), 0);
	task_switch(m, other);
	b = map(m, 0, 16 * PAGE, ANON_PRIVATE);
	touch(m, 0, b, 16);
	task_switch(m, pid);
	touch(m, 0, a, 256);
	assert_true(charged(m, pid) <= 64);
	assert_true(m->vm_events[PSWPOUT] >= 256 - 64);
	assert_int_equal(memory_of(m, pid)->refused, 0);
	assert_true(memory_of(m, pid)->failcnt > 0);
	assert_int_equal(charged(m, pid), rss_and_tables(m, pid));
	expect_touched(m, 0, a, 256); /* swapped back in, turn by turn */
	assert_int_equal(get_mm_rss(find_task_by_pid(m, other)->mm), 16);
	assert_consistent(m);
	/* At the limit, a kernel call that may reclaim makes room too. */
	for (unsigned long i = 0; charged(m, pid) < 64 && i < 1024; i++)
		touch(m, 0, a + (i % 256) * PAGE, 1);
	assert_int_equal(charged(m, pid), 64);
	pswpout = m->vm_events[PSWPOUT];
	assert_int_equal(uapi_alloc_pages(m, GFP_ATOMIC, 0, &pfn), -EDQUOT);
	assert_int_equal(m->vm_events[PSWPOUT], pswpout);
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 0, &pfn), 0);
	assert_true(m->vm_events[PSWPOUT] >= pswpout + 32);
	assert_int_equal(uapi_free_pages(m, pfn, 0), 0);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * Fork: the child pays for what it copies; the session's process for
 * the child's task_struct and kernel stack (kmem); the child's
 * leftovers go to the parent.
 */
static void test_fork_and_exit(void **state)
{
	int pid, child;
	struct machine *m = boot_limited(64, 0, &pid);
	uint64_t priv = map(m, 0, 4 * PAGE, ANON_PRIVATE);
	uint64_t shared = map(m, 0, 4 * PAGE, ANON_SHARED);
	unsigned long parent0, child0, kernel;

	(void)state;
	touch(m, 0, priv, 2);
	parent0 = charged(m, pid);
	/* 9792 bytes of task_struct and a 16K stack on x86_64: 7 pages. */
	kernel = (unsigned long)((task_kernel_bytes(m) + PAGE - 1) / PAGE);
	assert_int_equal(kernel, 7);
	assert_int_equal(uapi_fork(m, 0, &child), 0);
	/* The child's tables are its own; the shared pages stay the parent's.
	 */
	child0 = charged(m, child);
	assert_int_equal(child0, 3);
	assert_int_equal(charged(m, pid), parent0 + kernel);
	touch(m, child, priv, 1); /* copy-on-write: a page of its own */
	assert_int_equal(charged(m, child), child0 + 1);
	touch(m, child, shared, 1); /* the first toucher pays */
	assert_int_equal(charged(m, child), child0 + 2);
	assert_consistent(m);
	/* The shmem page outlives the child: its charge passes up. */
	assert_int_equal(uapi_exit_process(m, child), 0);
	assert_int_equal(charged(m, pid), parent0 + 1);
	assert_int_equal(memory_of(m, pid)->watermark, parent0 + kernel);
	assert_consistent(m);
	expect_touched(m, 0, shared, 1);
	assert_int_equal(task_exit(m, pid, NULL), 0);
	assert_consistent(m);
	machine_destroy(m);
}

/* Huge pages: charged whole; past the limit, SIGBUS as hugetlb's. */
static void test_huge_pages(void **state)
{
	struct user_fault fault;
	char want[128];
	int pid;
	struct machine *m = boot_limited(256, 0, &pid);
	uint64_t a = map(m, 0, 2 * MiB, ANON_PRIVATE | MAP_HUGETLB), word = 1;

	(void)state;
	assert_int_equal(uapi_access_vm(m, 0, a + 100, &word, sizeof(word),
					USER_WRITE, &fault),
			 -EFAULT);
	assert_int_equal(fault.signo, SIGBUS);
	assert_int_equal(fault.si_code, BUS_ADRERR);
	assert_int_equal(fault.addr, a + 100);
	snprintf(want, sizeof(want),
		 "pid %d is at its limit of 256 pages: fault at %#llx", pid,
		 (unsigned long long)(a + 100));
	assert_string_equal(m->errmsg, want);
	assert_int_equal(charged(m, pid), 2); /* the PUD and PMD tables */
	assert_consistent(m);
	machine_destroy(m);

	m = boot_limited(1024, 0, &pid);
	a = map(m, 0, 2 * MiB, ANON_PRIVATE | MAP_HUGETLB);
	touch(m, 0, a, 1);
	assert_int_equal(charged(m, pid), 512 + 2);
	assert_int_equal(charged(m, pid), rss_and_tables(m, pid));
	assert_consistent(m);
	assert_int_equal(uapi_munmap(m, 0, a, 2 * MiB), 0);
	assert_int_equal(charged(m, pid), 0);
	machine_destroy(m);
}

/* Exit gives every charge back, whatever was held. */
static void test_exit_uncharges(void **state)
{
	int pid, next;
	struct machine *m = boot_limited(4096, 64 * MiB, &pid);
	uint64_t a = map(m, 0, 64 * PAGE, ANON_PRIVATE), v, k;
	unsigned long pfn;

	(void)state;
	touch(m, 0, a, 64);
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 3, &pfn), 0);
	assert_int_equal(uapi_vmalloc(m, 5 * PAGE, &v), 0);
	assert_int_equal(uapi_kmalloc(m, 100 << 10, GFP_KERNEL, &k), 0);
	assert_int_equal(charged(m, pid), rss_and_tables(m, pid) + 8 + 5 + 32);
	assert_consistent(m);
	assert_int_equal(task_exit(m, pid, NULL), 0);
	assert_consistent(m);
	/* A new task, perhaps with a pid used before, starts at zero. */
	assert_int_equal(task_create(m, "next", 0, 0, &next), 0);
	assert_int_equal(charged(m, next), 0);
	assert_consistent(m);
	machine_destroy(m);
}

/* The checker holds every charge to the frames marked with its pid. */
/*
 * The way past limits.pages the attack found: kernel memory that no
 * charged frame stands for. Slab objects (kmalloc-8k, a cache of large
 * objects), per-CPU areas and the kernel memory of forked processes
 * are charged by their bytes (kmem), in whole pages, and count in the
 * OOM killer's badness; past the limit -EDQUOT (fork: -ENOMEM).
 */
static void test_kmem(void **state)
{
	uint64_t objs[40], cache, pcpu[40];
	unsigned long before;
	int pid, child, n;
	struct machine *m = boot_limited(16, 0, &pid);

	(void)state;
	before = oom_badness(m, pid);
	for (n = 0; n < 40; n++)
		if (uapi_kmalloc(m, 8192, GFP_KERNEL, &objs[n]))
			break;
	assert_int_equal(n, 8); /* 8 x 8K: 16 pages */
	expect_refusal(m, pid, 16);
	assert_int_equal(memory_of(m, pid)->kmem, 16);
	assert_consistent(m);
	while (n)
		assert_int_equal(uapi_kfree(m, objs[--n]), 0);
	assert_int_equal(charged(m, pid), 0);

	assert_int_equal(
		uapi_kmem_cache_create(m, "big_objects", 4000, 0, 0, &cache),
		0);
	for (n = 0; n < 40; n++)
		if (uapi_kmem_cache_alloc(m, cache, GFP_KERNEL, &objs[n]))
			break;
	assert_int_equal(n, 16); /* 64000 bytes fit 16 pages, 68000 not */
	while (n)
		assert_int_equal(uapi_kmem_cache_free(m, cache, objs[--n]), 0);
	assert_int_equal(uapi_kmem_cache_destroy(m, cache), 0);
	assert_int_equal(charged(m, pid), 0);

	for (n = 0; n < 40; n++)
		if (uapi_alloc_percpu(m, 1024, 8, &pcpu[n]))
			break;
	assert_int_equal(n, 32); /* 1K on each of 2 CPUs: 32 in 16 pages */
	assert_consistent(m);
	while (n)
		assert_int_equal(uapi_free_percpu(m, pcpu[--n]), 0);
	assert_int_equal(charged(m, pid), 0);

	/* Each fork's task_struct and stack: 26176 bytes of the session's. */
	assert_int_equal(uapi_fork(m, 0, &child), 0);
	assert_int_equal(uapi_fork(m, 0, &n), 0);
	assert_int_equal(charged(m, pid), 13); /* 52352 bytes */
	assert_int_equal(uapi_fork(m, 0, &n), -ENOMEM);
	assert_non_null(strstr(m->errmsg, "task_struct and stack"));
	assert_int_equal(uapi_exit_process(m, child), 0);
	assert_int_equal(charged(m, pid), 7);
	assert_consistent(m);
	assert_int_equal(task_exit(m, pid, NULL), 0);
	assert_consistent(m);
	machine_destroy(m);

	/* What its kernel objects hold counts in its badness. */
	m = boot_limited(4096, 0, &pid);
	before = oom_badness(m, pid);
	for (n = 0; n < 512; n++)
		assert_int_equal(uapi_kmalloc(m, 8192, GFP_KERNEL, &cache), 0);
	assert_int_equal(memory_of(m, pid)->kmem, 1024);
	assert_int_equal(before, 0);
	assert_int_equal(oom_badness(m, pid), 1024 * 1000 / totalram_pages(m));
	machine_destroy(m);
}

static void test_checker_catches(void **state)
{
	char why[256], want[256];
	unsigned long pfn, free_pfn;
	int pid;
	struct machine *m = boot_limited(64, 0, &pid);
	struct task_struct *t = find_task_by_pid(m, pid);

	(void)state;
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 1, &pfn), 0);
	t->memory.usage++;
	assert_int_equal(machine_check(m, why, sizeof(why)), -EUCLEAN);
	snprintf(want, sizeof(want),
		 "memcg: pid %d is charged 3 pages (peak 2, kmem 0 for 0 "
		 "bytes), its frames hold 2",
		 pid);
	assert_string_equal(why, want);
	t->memory.usage--;
	/* kmem pages must be what its bytes take. */
	t->memory.kmem_bytes = 1;
	assert_int_equal(machine_check(m, why, sizeof(why)), -EUCLEAN);
	t->memory.kmem_bytes = 0;
	pfn_to_page(m, pfn + 1)->memcg = 0;
	assert_int_equal(machine_check(m, why, sizeof(why)), -EUCLEAN);
	snprintf(want, sizeof(want),
		 "memcg: pfn %#lx is charged to pid 0, its block at %#lx to %d",
		 pfn + 1, pfn, pid);
	assert_string_equal(why, want);
	pfn_to_page(m, pfn + 1)->memcg = pid;
	assert_consistent(m);
	/* A free frame with a mark, and a mark with no task behind it. */
	free_pfn = pfn + 2;
	while (!PageFlag(pfn_to_page(m, free_pfn), PG_buddy))
		free_pfn++;
	pfn_to_page(m, free_pfn)->memcg = pid;
	assert_check_fails(m, "is not in use by it");
	pfn_to_page(m, free_pfn)->memcg = 4000;
	assert_check_fails(m, "pid 4000, which is no task");
	pfn_to_page(m, free_pfn)->memcg = 0;
	assert_consistent(m);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_blocks),
		cmocka_unit_test(test_vmalloc),
		cmocka_unit_test(test_large_kmalloc),
		cmocka_unit_test(test_mmz),
		cmocka_unit_test(test_user_pages_and_tables),
		cmocka_unit_test(test_fault_refused),
		cmocka_unit_test(test_reclaim_own_pages),
		cmocka_unit_test(test_fork_and_exit),
		cmocka_unit_test(test_huge_pages),
		cmocka_unit_test(test_exit_uncharges),
		cmocka_unit_test(test_kmem),
		cmocka_unit_test(test_checker_catches),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
