/* SPDX-License-Identifier: MIT */
/*
 * test_uapi.c - the calls clients make: tasks, ownership between tasks,
 * per-session limits, bytes read and written, and exit giving everything
 * back.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdio.h>

#include "config/config.h"
#include "core/highmem.h"
#include "core/mmz.h"
#include "core/vmalloc.h"
#include "core/slab.h"
#include "core/task.h"
#include "core/uapi.h"

static struct machine *boot_small(void)
{
	struct layout l;

	small_layout(&l, 64 * MiB);
	return boot(&l);
}

static int spawn(struct machine *m, const char *comm, unsigned int cpu)
{
	int pid = 0;

	assert_int_equal(task_create(m, comm, cpu, 0, &pid), 0);
	return pid;
}

static void test_tasks(void **state)
{
	struct machine *m = boot_small();
	long stack0 = m->node_stat[NR_KERNEL_STACK_KB];
	int a = spawn(m, "alpha", 1), b = spawn(m, "beta", 0), pid;

	(void)state;
	assert_int_equal(b, a + 1);
	assert_int_equal(nr_tasks(m), 2);
	assert_int_equal(m->node_stat[NR_KERNEL_STACK_KB], stack0 + 32);
	assert_string_equal(find_task_by_pid(m, a)->comm, "alpha");
	assert_int_equal(task_switch(m, a), 0);
	assert_int_equal(m->current_pid, a);
	assert_int_equal(m->cpu, 1);
	assert_int_equal(task_switch(m, 999), -ESRCH);
	assert_int_equal(task_create(m, "x", 2, 0, &pid), -EINVAL);
	assert_int_equal(task_create(m, "x", 0, 1001, &pid), -EINVAL);
	{
		struct seq_buf ps;
		unsigned long pfn;
		char line[128];

		assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 1, &pfn), 0);
		report_text(m, &ps, report_ps);
		assert_true(strncmp(ps.buf, "    PID PSR      VSZ      RSS",
				    29) == 0);
		snprintf(
			line, sizeof(line),
			"\n%7d   1      128        0        0        0        0"
			"        2        0 alpha\n",
			a);
		assert_non_null(strstr(ps.buf, line));
		seq_buf_free(&ps);
	}
	assert_int_equal(task_exit(m, b, NULL), 0);
	assert_int_equal(task_exit(m, b, NULL), -ESRCH);
	assert_int_equal(m->node_stat[NR_KERNEL_STACK_KB], stack0 + 16);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_no_task_no_calls(void **state)
{
	struct machine *m = boot_small();
	unsigned long pfn;
	uint64_t addr;

	(void)state;
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 0, &pfn), -ESRCH);
	assert_int_equal(uapi_kmalloc(m, 8, GFP_KERNEL, &addr), -ESRCH);
	assert_int_equal(uapi_read(m, 0, &addr, 1), -ESRCH);
	machine_destroy(m);
}

static void test_pages_belong_to_their_task(void **state)
{
	struct machine *m = boot_small();
	int a = spawn(m, "a", 0), b = spawn(m, "b", 1);
	unsigned long pfn;
	uint64_t addr;
	char buf[16];

	(void)state;
	task_switch(m, a);
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 1, &pfn), 0);
	assert_int_equal(find_task_by_pid(m, a)->nr_pages, 2);
	addr = m->layout.kernel.page_offset + pfn_to_phys(m, pfn);
	assert_int_equal(uapi_write(m, addr + 8190, "hi", 2), 0);
	assert_int_equal(uapi_write(m, addr + 8191, "hi", 2), -EFAULT);
	assert_non_null(strstr(m->errmsg, "past the end"));

	task_switch(m, b);
	assert_int_equal(uapi_free_pages(m, pfn, 1), -EPERM);
	assert_int_equal(uapi_get_page(m, pfn), -EPERM);
	assert_int_equal(uapi_read(m, addr, buf, 2), -EFAULT);

	task_switch(m, a);
	assert_int_equal(uapi_read(m, addr + 8190, buf, 2), 0);
	assert_memory_equal(buf, "hi", 2);
	assert_int_equal(uapi_get_page(m, pfn), 0);
	assert_int_equal(uapi_free_pages(m, pfn, 1), 0);
	assert_int_equal(find_task_by_pid(m, a)->nr_pages, 2); /* one ref */
	assert_int_equal(uapi_put_page(m, pfn), 0);
	assert_int_equal(find_task_by_pid(m, a)->nr_pages, 0);
	assert_int_equal(uapi_free_pages(m, pfn, 1), -EINVAL);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_objects_belong_to_their_task(void **state)
{
	struct machine *m = boot_small();
	int a = spawn(m, "a", 0), b = spawn(m, "b", 0);
	uint64_t obj, cache, cobj, big;
	char buf[80];
	size_t size;

	(void)state;
	task_switch(m, a);
	assert_int_equal(uapi_kmalloc(m, 50, GFP_KERNEL, &obj), 0);
	assert_int_equal(uapi_ksize(m, obj, &size), 0);
	assert_int_equal(size, 64);
	memset(buf, 'q', sizeof(buf));
	assert_int_equal(uapi_write(m, obj, buf, 64), 0);
	assert_int_equal(uapi_write(m, obj, buf, 65), -EFAULT);
	assert_int_equal(uapi_write(m, obj - 8, buf, 8), -EFAULT);
	assert_int_equal(uapi_kmem_cache_create(m, "a-cache", 40, 8, 0, &cache),
			 0);
	assert_int_equal(uapi_kmem_cache_alloc(m, cache, GFP_KERNEL, &cobj), 0);
	assert_int_equal(uapi_kmalloc(m, 30000, GFP_KERNEL, &big), 0);
	assert_int_equal(uapi_write(m, big + 29999, "z", 1), 0);
	/* kmalloc, the cache, its object, the large kmalloc. */
	assert_int_equal(find_task_by_pid(m, a)->nr_objects, 4);

	task_switch(m, b);
	assert_int_equal(uapi_kfree(m, obj), -EPERM);
	assert_int_equal(uapi_kfree(m, big), -EPERM);
	assert_int_equal(uapi_read(m, obj, buf, 1), -EFAULT);
	assert_int_equal(uapi_kmem_cache_alloc(m, cache, GFP_KERNEL, &cobj),
			 -ENOENT);
	assert_int_equal(uapi_kmem_cache_destroy(m, cache), -ENOENT);
	/* The machine's own objects are nobody's to read. */
	assert_int_equal(uapi_read(m, find_task_by_pid(m, b)->task_obj, buf, 1),
			 -EFAULT);

	task_switch(m, a);
	assert_int_equal(uapi_read(m, obj + 60, buf, 4), 0);
	assert_memory_equal(buf, "qqqq", 4);
	assert_int_equal(uapi_krealloc(m, obj, 100, GFP_KERNEL, &obj), 0);
	assert_int_equal(uapi_read(m, obj, buf, 64), 0);
	assert_int_equal(buf[63], 'q');
	assert_int_equal(uapi_kfree(m, obj), 0);
	assert_int_equal(uapi_kfree(m, obj), -EINVAL);
	assert_int_equal(uapi_kmem_cache_destroy(m, cache), -EBUSY);
	assert_int_equal(uapi_kmem_cache_free(m, cache, cobj), 0);
	assert_int_equal(uapi_kmem_cache_destroy(m, cache), 0);
	assert_int_equal(uapi_kfree(m, big), 0);
	assert_int_equal(find_task_by_pid(m, a)->nr_objects, 0);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_limits(void **state)
{
	struct layout l;
	struct machine *m;
	unsigned long pfn, more;
	uint64_t addr;
	int pid = 0;

	(void)state;
	small_layout(&l, 64 * MiB);
	l.limits.pages = 4;
	l.limits.objects = 2;
	m = boot(&l);
	assert_int_equal(task_create(m, "small", 0, 0, &pid), 0);
	task_switch(m, pid);
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 2, &pfn), 0);
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 0, &more), -EDQUOT);
	/* A slab object is charged too: no room for one now. */
	assert_int_equal(uapi_kmalloc(m, 8, GFP_KERNEL, &addr), -EDQUOT);
	assert_int_equal(uapi_free_pages(m, pfn, 2), 0);
	assert_int_equal(uapi_kmalloc(m, 8, GFP_KERNEL, &addr), 0);
	assert_int_equal(uapi_kmalloc(m, 8, GFP_KERNEL, &addr), 0);
	assert_int_equal(uapi_kmalloc(m, 8, GFP_KERNEL, &addr), -EDQUOT);
	assert_non_null(strstr(m->errmsg, "2 objects"));
	assert_int_equal(uapi_kfree(m, addr), 0);
	assert_int_equal(uapi_kmalloc(m, 8, GFP_KERNEL, &addr), 0);
	machine_destroy(m);
}

/* Exit gives back every page, object and cache; the machine is as before. */
static void test_exit_gives_everything_back(void **state)
{
	struct machine *m = boot_small();
	struct task_leaks leaks;
	unsigned long pfn, free0, slab0;
	uint64_t addr, cache;
	int pid;

	(void)state;
	kmem_cache_shrink_all(m);
	drain_all_pages(m);
	free0 = global_free_pages(m);
	slab0 = (unsigned long)m->node_stat[NR_SLAB_UNRECLAIMABLE_B];
	pid = spawn(m, "leaky", 1);
	task_switch(m, pid);
	for (int i = 0; i < 10; i++)
		assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, i % 4, &pfn),
				 0);
	for (int i = 0; i < 100; i++)
		assert_int_equal(
			uapi_kmalloc(m, 16 + i * 90, GFP_KERNEL, &addr), 0);
	assert_int_equal(
		uapi_kmem_cache_create(m, "leaky-cache", 300, 0, 0, &cache), 0);
	for (int i = 0; i < 20; i++)
		assert_int_equal(
			uapi_kmem_cache_alloc(m, cache, GFP_KERNEL, &addr), 0);
	assert_consistent(m);
	assert_int_equal(task_exit(m, pid, &leaks), 0);
	assert_int_equal(leaks.pages, 10);
	assert_int_equal(leaks.objects, 100 + 20 + 1); /* and the cache */
	assert_null(kmem_cache_by_id(m, cache));
	kmem_cache_shrink_all(m);
	drain_all_pages(m);
	assert_int_equal(global_free_pages(m), free0);
	assert_int_equal(m->node_stat[NR_SLAB_UNRECLAIMABLE_B], (long)slab0);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_percpu_and_mmz_belong_to_their_task(void **state)
{
	struct config_errors errs;
	struct layout l;
	struct machine *m;
	uint64_t ptr, cpu1, phys, size, found;
	char buf[8];
	int a, b;

	(void)state;
	assert_int_equal(
		config_load_file("config/embedded-mmz.yaml", &l, &errs), 0);
	m = boot(&l);
	a = spawn(m, "a", 0);
	b = spawn(m, "b", 1);
	task_switch(m, a);
	assert_int_equal(uapi_alloc_percpu(m, 24, 8, &ptr), 0);
	assert_int_equal(uapi_per_cpu_ptr(m, ptr, 1, &cpu1), 0);
	assert_int_not_equal(cpu1, ptr);
	assert_int_equal(uapi_write(m, cpu1 + 16, "percpu!", 8), 0);
	assert_int_equal(uapi_write(m, cpu1 + 17, "percpu!", 8), -EFAULT);
	assert_int_equal(uapi_read(m, ptr + 16, buf, 8), 0);
	assert_int_equal(buf[0], 0); /* CPU 0's copy is its own */
	assert_int_equal(uapi_mmz_alloc(m, "jpeg", "frame", 10000, 0, &phys),
			 0);
	assert_int_equal(uapi_mmz_find(m, "frame", &found, &size), 0);
	assert_int_equal(found, phys);
	assert_int_equal(size, 12288);
	assert_int_equal(uapi_write_phys(m, phys + 12280, "mmz-blk", 8), 0);
	assert_int_equal(uapi_write_phys(m, phys + 12281, "mmz-blk", 8),
			 -EFAULT);
	assert_int_equal(find_task_by_pid(m, a)->nr_objects, 2);

	task_switch(m, b);
	assert_int_equal(uapi_read(m, cpu1 + 16, buf, 8), -EFAULT);
	assert_int_equal(uapi_per_cpu_ptr(m, ptr, 0, &cpu1), -EINVAL);
	assert_int_equal(uapi_free_percpu(m, ptr), -EPERM);
	assert_int_equal(uapi_read_phys(m, phys, buf, 8), -EFAULT);
	assert_int_equal(uapi_mmz_free(m, phys), -EPERM);

	task_switch(m, a);
	assert_int_equal(uapi_read_phys(m, phys + 12280, buf, 8), 0);
	assert_memory_equal(buf, "mmz-blk", 8);
	assert_int_equal(uapi_mmz_free(m, phys), 0);
	assert_int_equal(uapi_read_phys(m, phys, buf, 8), -EFAULT);
	assert_consistent(m);
	/* The per-CPU area is left for exit to give back. */
	assert_int_equal(task_exit(m, a, NULL), 0);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_vmalloc_kmap_ioremap(void **state)
{
	struct layout l;
	struct machine *m;
	unsigned long high, low, pfns[2];
	uint64_t va, kva, vm, io;
	char big[10000], back[10000], buf[4];
	int a, b;

	(void)state;
	i386_layout(&l, 1 * GiB);
	l.nr_devices = 1;
	strcpy(l.devices[0].name, "dev0");
	l.devices[0].start = 0x80000000;
	l.devices[0].size = 64 * 1024;
	m = boot(&l);
	a = spawn(m, "a", 0);
	b = spawn(m, "b", 1);
	task_switch(m, a);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7);
	assert_int_equal(uapi_vmalloc(m, 10000, &va), 0);
	assert_int_equal(uapi_write(m, va, big, sizeof(big)), 0);
	assert_int_equal(uapi_read(m, va, back, sizeof(back)), 0);
	assert_memory_equal(big, back, sizeof(big));
	/* Three pages mapped; the guard page after them is not. */
	assert_int_equal(uapi_write(m, va + 12280, "over", 4), 0);
	assert_int_equal(uapi_write(m, va + 12286, "over", 4), -EFAULT);

	assert_int_equal(uapi_alloc_pages(m, GFP_HIGHUSER, 0, &high), 0);
	assert_true(high >= (896 * MiB >> 12));
	assert_int_equal(uapi_kmap(m, high, &kva), 0);
	assert_int_equal(uapi_write(m, kva + 4092, "kmap", 4), 0);
	assert_int_equal(uapi_write(m, kva + 4093, "kmap", 4), -EFAULT);
	assert_memory_equal(pfn_to_ram(m, high) + 4092, "kmap", 4);

	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 0, &pfns[0]), 0);
	pfns[1] = high;
	assert_int_equal(uapi_vmap(m, pfns, 2, &vm), 0);
	assert_int_equal(uapi_read(m, vm + 8188, buf, 4), 0);
	assert_memory_equal(buf, "kmap", 4);

	assert_int_equal(uapi_ioremap(m, 0x80000000, 4096, &io), 0);
	assert_int_equal(uapi_write(m, io, "dev!", 4), 0);
	assert_int_equal(uapi_read(m, io, buf, 4), 0);
	assert_memory_equal(buf, "\xff\xff\xff\xff", 4);

	task_switch(m, b);
	assert_int_equal(uapi_read(m, va, buf, 4), -EFAULT);
	assert_int_equal(uapi_read(m, kva, buf, 4), -EFAULT);
	assert_int_equal(uapi_vfree(m, va), -EPERM);
	assert_int_equal(uapi_kmap(m, high, &kva), -EPERM);
	assert_int_equal(uapi_kunmap(m, high), -EPERM);
	assert_int_equal(uapi_vmap(m, pfns, 2, &vm), -EPERM);
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 0, &low), 0);
	assert_int_equal(uapi_kmap_atomic(m, low, &kva), 0);
	assert_int_equal(uapi_kunmap_atomic(m, kva), 0);
	assert_consistent(m);

	/* Exit gives back a's areas and mappings. */
	assert_int_equal(task_exit(m, a, NULL), 0);
	assert_int_equal(vmalloc_used_pages(m), 0);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * limits.processes is RLIMIT_NPROC: the processes of one uid, session
 * processes and forks alike, and a fork past it is -EAGAIN; uid 0 is
 * exempt, each uid counts apart, and an exit makes room again.
 */
static void test_nproc_limit(void **state)
{
	struct layout l;
	struct machine *m;
	int a, b, root, kids[3], child;

	(void)state;
	small_layout(&l, 64 * MiB);
	l.limits.processes = 3;
	m = boot(&l);
	a = spawn(m, "a", 0);
	b = spawn(m, "b", 0);
	root = spawn(m, "root", 0);
	assert_int_equal(task_set_uid(m, a, 1000), 0);
	assert_int_equal(task_set_uid(m, b, 1000), 0);
	assert_int_equal(task_set_uid(m, 999999, 1000), -ESRCH);
	assert_int_equal(task_user_processes(m, 1000), 2);
	task_switch(m, a);
	assert_int_equal(uapi_fork(m, 0, &kids[0]), 0);
	assert_int_equal(find_task_by_pid(m, kids[0])->uid, 1000);
	assert_int_equal(task_user_processes(m, 1000), 3);
	/* A child forks as its user too, and is counted likewise. */
	assert_int_equal(uapi_fork(m, kids[0], &child), -EAGAIN);
	assert_non_null(strstr(m->errmsg, "limits.processes 3"));
	assert_int_equal(uapi_fork(m, 0, &child), -EAGAIN);
	task_switch(m, b);
	assert_int_equal(uapi_fork(m, 0, &child), -EAGAIN);
	/* Another uid is not this one's; uid 0 has no limit. */
	assert_int_equal(task_set_uid(m, b, 1001), 0);
	assert_int_equal(uapi_fork(m, 0, &kids[1]), 0);
	assert_int_equal(task_user_processes(m, 1001), 2);
	task_switch(m, root);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(uapi_fork(m, 0, &child), 0);
		assert_int_equal(find_task_by_pid(m, child)->uid, 0);
	}
	assert_consistent(m);
	/* An exit makes room. */
	task_switch(m, a);
	assert_int_equal(uapi_exit_process(m, kids[0]), 0);
	assert_int_equal(task_user_processes(m, 1000), 1);
	assert_int_equal(uapi_fork(m, 0, &kids[2]), 0);
	assert_int_equal(task_exit(m, a, NULL), 0);
	assert_int_equal(task_user_processes(m, 1000), 0);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * pkmap and kmap_atomic slots are shared: one process holds at most
 * limits.kmap and limits.kmap_atomic of them (-EDQUOT, saying so), a
 * page kmapped again takes no second slot, and the process left out
 * when every slot is taken hears who holds them.
 */
static void test_kmap_caps(void **state)
{
	struct layout l;
	struct machine *m;
	unsigned long pages[6], other;
	uint64_t addr, atomic[3];
	int a, b, c;

	(void)state;
	i386_layout(&l, 1 * GiB);
	l.kernel.pkmap_slots = 4;
	l.limits.kmap = 2;
	l.limits.kmap_atomic = 2;
	m = boot(&l);
	a = spawn(m, "a", 0);
	b = spawn(m, "b", 0);
	task_switch(m, a);
	for (int i = 0; i < 6; i++)
		assert_int_equal(
			uapi_alloc_pages(m, GFP_HIGHUSER, 0, &pages[i]), 0);
	assert_int_equal(uapi_kmap(m, pages[0], &addr), 0);
	assert_int_equal(uapi_kmap(m, pages[1], &addr), 0);
	assert_int_equal(uapi_kmap(m, pages[1], &addr), 0); /* no new slot */
	assert_int_equal(kmap_slots_held(m, a), 2);
	assert_int_equal(uapi_kmap(m, pages[2], &addr), -EDQUOT);
	assert_non_null(strstr(m->errmsg, "holds 2 pkmap slots"));
	assert_int_equal(uapi_kmap_atomic(m, pages[3], &atomic[0]), 0);
	assert_int_equal(uapi_kmap_atomic(m, pages[4], &atomic[1]), 0);
	assert_int_equal(uapi_kmap_atomic(m, pages[5], &atomic[2]), -EDQUOT);
	assert_non_null(strstr(m->errmsg, "limits.kmap_atomic"));
	assert_int_equal(kmap_atomic_slots_held(m, 0, a), 2);
	/* The other two slots are b's to take; then none is left. */
	task_switch(m, b);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(uapi_alloc_pages(m, GFP_HIGHUSER, 0, &other),
				 0);
		assert_int_equal(uapi_kmap(m, other, &addr), 0);
	}
	assert_int_equal(uapi_alloc_pages(m, GFP_HIGHUSER, 0, &other), 0);
	assert_int_equal(uapi_kmap(m, other, &addr), -EDQUOT);
	/* A third process finds none free, and hears who holds them. */
	c = spawn(m, "c", 0);
	task_switch(m, c);
	assert_int_equal(uapi_alloc_pages(m, GFP_HIGHUSER, 0, &other), 0);
	assert_int_equal(uapi_kmap(m, other, &addr), -EAGAIN);
	assert_non_null(strstr(m->errmsg, "all 4 pkmap slots are in use"));
	assert_non_null(strstr(m->errmsg, "holds 2 of them"));
	task_switch(m, a);
	assert_int_equal(uapi_kunmap(m, pages[0]), 0);
	assert_int_equal(uapi_kunmap(m, pages[1]), 0);
	assert_int_equal(uapi_kunmap(m, pages[1]), 0);
	task_switch(m, b);
	assert_int_equal(kmap_slots_held(m, b), 2);
	assert_consistent(m);
	task_switch(m, a);
	assert_int_equal(uapi_kunmap_atomic(m, atomic[1]), 0);
	assert_int_equal(uapi_kunmap_atomic(m, atomic[0]), 0);
	assert_int_equal(task_exit(m, a, NULL), 0);
	assert_int_equal(task_exit(m, b, NULL), 0);
	assert_int_equal(task_exit(m, c, NULL), 0);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * ioremap and vmap take vmalloc-area address space and no charged page:
 * limits.vmap_space caps the bytes (guard pages included) a process's
 * areas span; the area past it is undone and the call is -EDQUOT.
 */
static void test_vmap_space(void **state)
{
	struct layout l;
	struct machine *m;
	unsigned long pfn;
	uint64_t io[3], vm;
	int a;

	(void)state;
	i386_layout(&l, 1 * GiB);
	l.nr_devices = 1;
	strcpy(l.devices[0].name, "dev0");
	l.devices[0].start = 0x80000000;
	l.devices[0].size = 1 * MiB;
	l.limits.vmap_space = 6 * 4096;
	m = boot(&l);
	a = spawn(m, "a", 0);
	task_switch(m, a);
	/* Two pages and a guard: 12K each. */
	assert_int_equal(uapi_ioremap(m, 0x80000000, 8192, &io[0]), 0);
	assert_int_equal(uapi_ioremap(m, 0x80002000, 8192, &io[1]), 0);
	assert_int_equal(find_task_by_pid(m, a)->vmap_space, 6 * 4096);
	assert_int_equal(uapi_ioremap(m, 0x80004000, 4096, &io[2]), -EDQUOT);
	assert_non_null(strstr(m->errmsg, "limits.vmap_space"));
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 0, &pfn), 0);
	assert_int_equal(uapi_vmap(m, &pfn, 1, &vm), -EDQUOT);
	assert_int_equal(vmap_pins(m, pfn), 0);
	assert_int_equal(find_task_by_pid(m, a)->nr_objects, 2);
	assert_int_equal(uapi_iounmap(m, io[0]), 0);
	assert_int_equal(uapi_vmap(m, &pfn, 1, &vm), 0);
	assert_int_equal(find_task_by_pid(m, a)->vmap_space, 5 * 4096);
	assert_int_equal(uapi_vunmap(m, vm), 0);
	assert_int_equal(uapi_iounmap(m, io[1]), 0);
	assert_int_equal(find_task_by_pid(m, a)->vmap_space, 0);
	assert_int_equal(find_task_by_pid(m, a)->nr_objects, 0);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * Names end up in slabinfo and media-mem, one line each: a name that
 * could forge a line or reach a terminal as an escape is -EINVAL.
 */
static void test_names_are_printable(void **state)
{
	static const char *const bad[] = {
		"a\nkmalloc-8 1 1 8", "red\x1b[31m", "tab\there", "del\x7f",
		"caf\xc3\xa9",
	};
	struct layout l;
	struct machine *m;
	uint64_t cache, phys;
	int a;

	(void)state;
	small_layout(&l, 64 * MiB);
	l.nr_mmz = 1;
	strcpy(l.mmz[0].name, "media");
	l.mmz[0].start = 32 * MiB;
	l.mmz[0].size = 4 * MiB;
	m = boot(&l);
	a = spawn(m, "a", 0);
	task_switch(m, a);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(
			uapi_kmem_cache_create(m, bad[i], 64, 0, 0, &cache),
			-EINVAL);
		assert_int_equal(
			uapi_mmz_alloc(m, NULL, bad[i], 4096, 0, &phys),
			-EINVAL);
		assert_int_equal(uapi_mmz_alloc(m, bad[i], "x", 4096, 0, &phys),
				 -EINVAL);
	}
	/* A space splits a slabinfo column; a quote ends name="...". */
	assert_int_equal(
		uapi_kmem_cache_create(m, "two words", 64, 0, 0, &cache),
		-EINVAL);
	assert_non_null(strstr(m->errmsg, "byte 3 is 0x20"));
	assert_int_equal(uapi_mmz_alloc(m, NULL, "say \"hi\"", 4096, 0, &phys),
			 -EINVAL);
	assert_int_equal(uapi_mmz_alloc(m, NULL, "two words", 4096, 0, &phys),
			 0);
	assert_int_equal(uapi_mmz_free(m, phys), 0);
	assert_int_equal(
		uapi_kmem_cache_create(m, "ok_name-1:2", 64, 0, 0, &cache), 0);
	assert_int_equal(uapi_kmem_cache_destroy(m, cache), 0);
	assert_int_equal(find_task_by_pid(m, a)->nr_objects, 0);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * Cache names are scoped per user: another uid's cache of a name does
 * not stop this one making its own, the same uid's does (-EEXIST), and
 * the kernel's names are no one's to take.
 */
static void test_cache_names_per_user(void **state)
{
	struct machine *m = boot_small();
	int a = spawn(m, "a", 0), b = spawn(m, "b", 0), c = spawn(m, "c", 0);
	uint64_t ca, cb, cc;

	(void)state;
	assert_int_equal(task_set_uid(m, a, 1000), 0);
	assert_int_equal(task_set_uid(m, b, 1001), 0);
	assert_int_equal(task_set_uid(m, c, 1000), 0);
	task_switch(m, a);
	assert_int_equal(uapi_kmem_cache_create(m, "app_cache", 64, 0, 0, &ca),
			 0);
	task_switch(m, b);
	assert_int_equal(uapi_kmem_cache_create(m, "app_cache", 128, 0, 0, &cb),
			 0);
	assert_true(ca != cb);
	task_switch(m, c);
	assert_int_equal(uapi_kmem_cache_create(m, "app_cache", 64, 0, 0, &cc),
			 -EEXIST);
	assert_int_equal(uapi_kmem_cache_create(m, "kmalloc-64", 64, 0, 0, &cc),
			 -EEXIST);
	assert_int_equal(
		uapi_kmem_cache_create(m, "task_struct", 64, 0, 0, &cc),
		-EEXIST);
	/* Each handle names its own user's cache. */
	task_switch(m, b);
	assert_int_equal(uapi_kmem_cache_destroy(m, ca), -ENOENT);
	assert_int_equal(uapi_kmem_cache_destroy(m, cb), 0);
	task_switch(m, a);
	assert_int_equal(uapi_kmem_cache_destroy(m, ca), 0);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * What one process wrote and freed, the next owner reads as zeroes
 * (kernel.init_on_alloc, on by default): a kmalloc object, a page block,
 * a vmalloc area and an MMZ block, each handed to another uid at the
 * same address. With init_on_alloc 0 the bytes cross, as on Linux.
 */
static size_t bytes_alike(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t same = 0;

	for (size_t i = 0; i < n; i++)
		same += a[i] == b[i];
	return same;
}

static bool bytes_cross(uint32_t init_on_alloc)
{
	struct layout l;
	struct machine *m;
	uint64_t obj, again, va, va2, phys, phys2;
	unsigned long pfn, pfn2;
	uint8_t pat[256], got[256], zero[256] = {0};
	int root, user, crossed = 0;

	small_layout(&l, 64 * MiB);
	l.nr_mmz = 1;
	strcpy(l.mmz[0].name, "media");
	l.mmz[0].start = 32 * MiB;
	l.mmz[0].size = 4 * MiB;
	l.kernel.init_on_alloc = init_on_alloc;
	m = boot(&l);
	for (int i = 0; i < 256; i++)
		pat[i] = (uint8_t)(i * 13 + 1);
	root = spawn(m, "root", 0);
	user = spawn(m, "user", 0);
	assert_int_equal(task_set_uid(m, user, 1000), 0);
	task_switch(m, root);
	assert_int_equal(uapi_kmalloc(m, 200, GFP_KERNEL, &obj), 0);
	assert_int_equal(uapi_write(m, obj, pat, 200), 0);
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 0, &pfn), 0);
	memcpy(pfn_to_ram(m, pfn) + 1000, pat, 256);
	assert_int_equal(uapi_vmalloc(m, 8192, &va), 0);
	assert_int_equal(uapi_write(m, va, pat, 256), 0);
	assert_int_equal(uapi_write(m, va + 4096, pat, 256), 0);
	assert_int_equal(uapi_mmz_alloc(m, NULL, "secret", 4096, 0, &phys), 0);
	assert_int_equal(uapi_write_phys(m, phys, pat, 256), 0);
	/* Freed so that each comes back first to the same kind of call. */
	assert_int_equal(uapi_vfree(m, va), 0);
	assert_int_equal(uapi_free_pages(m, pfn, 0), 0);
	assert_int_equal(uapi_kfree(m, obj), 0);
	assert_int_equal(uapi_mmz_free(m, phys), 0);

	task_switch(m, user);
	assert_int_equal(uapi_kmalloc(m, 200, GFP_KERNEL, &again), 0);
	assert_int_equal(again, obj);
	assert_int_equal(uapi_read(m, again, got, 200), 0);
	/* A free object held the freelist pointer in 8 of its bytes. */
	crossed += bytes_alike(got, pat, 200) >= 192;
	assert_true(bytes_alike(got, pat, 200) >= 192 ||
		    !memcmp(got, zero, 200));
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 0, &pfn2), 0);
	assert_int_equal(pfn2, pfn);
	crossed += !memcmp(pfn_to_ram(m, pfn2) + 1000, pat, 256);
	assert_int_equal(uapi_vmalloc(m, 8192, &va2), 0);
	assert_int_equal(uapi_read(m, va2 + 4096, got, 256), 0);
	crossed += !memcmp(got, pat, 256);
	assert_int_equal(uapi_read(m, va2, got, 256), 0);
	assert_true(!memcmp(got, pat, 256) == (crossed == 3));
	assert_int_equal(uapi_mmz_alloc(m, NULL, "mine", 4096, 0, &phys2), 0);
	assert_int_equal(phys2, phys);
	assert_int_equal(uapi_read_phys(m, phys2, got, 256), 0);
	crossed += !memcmp(got, pat, 256);
	assert_consistent(m);
	machine_destroy(m);
	/* All four cross, or none does. */
	assert_true(crossed == 0 || crossed == 4);
	return crossed == 4;
}

static void test_no_bytes_cross_owners(void **state)
{
	(void)state;
	assert_false(bytes_cross(1));
	assert_true(bytes_cross(0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tasks),
		cmocka_unit_test(test_no_task_no_calls),
		cmocka_unit_test(test_pages_belong_to_their_task),
		cmocka_unit_test(test_objects_belong_to_their_task),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_exit_gives_everything_back),
		cmocka_unit_test(test_percpu_and_mmz_belong_to_their_task),
		cmocka_unit_test(test_vmalloc_kmap_ioremap),
		cmocka_unit_test(test_nproc_limit),
		cmocka_unit_test(test_kmap_caps),
		cmocka_unit_test(test_vmap_space),
		cmocka_unit_test(test_names_are_printable),
		cmocka_unit_test(test_cache_names_per_user),
		cmocka_unit_test(test_no_bytes_cross_owners),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
