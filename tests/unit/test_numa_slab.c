/* SPDX-License-Identifier: MIT */
/*
 * test_numa_slab.c - kernel allocations on a NUMA machine: each slab on
 * its own node's lists, kmem_cache_alloc_node and kmalloc_node placing
 * objects on the node asked for, local allocations refilled from the
 * local node's partial slabs (and another node's only past
 * min_partial), frees going back to the slab's node, vmalloc_node's
 * pages, the per-node counts of SLUB's sysfs and vmallocinfo, the
 * checker, every bad node's errno, and numastat -p's table of where a
 * process's pages lie.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "tests/unit/machines.h"

#include "core/mman.h"
#include "core/mmzone.h"
#include "core/numastat.h"
#include "core/slab_internal.h"
#include "core/slub_sysfs.h"
#include "core/task.h"
#include "core/uapi.h"
#include "core/vmalloc.h"

/* Two nodes of 256 MiB (machines.h's two_node_layout). */
static void numa_layout(struct layout *l)
{
	two_node_layout(l, 256 * MiB);
	layout_resolve(l);
}

struct fixture {
	struct machine *m;
	int pid;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct layout l;

	numa_layout(&l);
	f->m = boot(&l);
	assert_int_equal(task_create(f->m, "nslab", 0, 0, &f->pid), 0);
	assert_int_equal(task_switch(f->m, f->pid), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	assert_consistent(f->m);
	machine_destroy(f->m);
	free(f);
	return 0;
}

/* Run the task's next calls on cpu (CPUs 0-1: node 0, 2-3: node 1). */
static void on_cpu(struct fixture *f, unsigned int cpu)
{
	find_task_by_pid(f->m, f->pid)->cpu = cpu;
	assert_int_equal(task_switch(f->m, f->pid), 0);
	assert_int_equal(f->m->cpu, cpu);
}

static int nid_of(struct machine *m, uint64_t addr)
{
	return page_to_nid(virt_to_page(m, addr));
}

static struct kmem_cache *cache64(struct machine *m, const char *name)
{
	struct kmem_cache *s = kmem_cache_create(m, name, 64, 0, 0, NULL);

	assert_false(IS_ERR(s));
	assert_int_equal(s->nr_nodes, 2);
	return s;
}

static uint64_t alloc_node(struct machine *m, struct kmem_cache *s, int nid)
{
	uint64_t addr = 0;

	assert_int_equal(kmem_cache_alloc_node(m, s, GFP_KERNEL, nid, &addr),
			 0);
	return addr;
}

/* Objects land on the node asked for, whatever the caller's node. */
static void test_alloc_node_places_objects(void **state)
{
	struct fixture *f = *state;
	struct machine *m = f->m;
	struct kmem_cache *s = cache64(m, "placed");
	uint64_t a, b, c;

	on_cpu(f, 0);
	a = alloc_node(m, s, 1);
	assert_int_equal(nid_of(m, a), 1);
	assert_int_equal(virt_to_slab(m, a)->node, 1);
	b = alloc_node(m, s, 0);
	assert_int_equal(nid_of(m, b), 0);
	/* NUMA_NO_NODE: the CPU's slab, now node 0's. */
	c = alloc_node(m, s, NUMA_NO_NODE);
	assert_int_equal(nid_of(m, c), 0);
	assert_int_equal(get_node(s, 0)->nr_slabs, 1);
	assert_int_equal(get_node(s, 1)->nr_slabs, 1);
	assert_int_equal(get_node(s, 1)->total_objects, s->objects);
	/* Node 1's slab, no longer the CPU's, went to node 1's partial. */
	assert_int_equal(get_node(s, 1)->nr_partial, 1);
	assert_int_equal(get_node(s, 0)->nr_partial, 0);
	on_cpu(f, 3);
	c = alloc_node(m, s, NUMA_NO_NODE);
	assert_int_equal(nid_of(m, c), 1);
	assert_consistent(m);
}

/*
 * A free goes to the slab's own node's list; a CPU of a node refills
 * from that node's partial slab first, taking the object freed there.
 */
static void test_local_partial_first(void **state)
{
	struct fixture *f = *state;
	struct machine *m = f->m;
	struct kmem_cache *s = cache64(m, "local");
	unsigned int n = s->objects;
	uint64_t *obj = calloc(2 * n, sizeof(*obj)), got;

	on_cpu(f, 0);
	for (unsigned int i = 0; i < 2 * n; i++)
		obj[i] = alloc_node(m, s, 1);
	/* The first slab is full and off the CPU, on node 1's full list. */
	assert_int_equal(get_node(s, 1)->nr_full, 1);
	assert_int_equal(get_node(s, 0)->nr_full, 0);
	assert_int_equal(kmem_cache_free(m, s, obj[5]), 0);
	assert_int_equal(get_node(s, 1)->nr_partial, 1);
	assert_int_equal(get_node(s, 1)->nr_full, 0);
	assert_int_equal(get_node(s, 0)->nr_partial, 0);
	assert_consistent(m);
	/* A CPU of node 1 with no slab of its own takes that one. */
	on_cpu(f, 2);
	assert_int_equal(kmem_cache_alloc(m, s, GFP_KERNEL, &got), 0);
	assert_int_equal(got, obj[5]);
	assert_int_equal(get_node(s, 1)->nr_partial, 0);
	/* The same on node 0: a slab of node 0 made partial, then taken. */
	for (unsigned int i = 0; i < 2 * n; i++)
		obj[i] = alloc_node(m, s, 0);
	assert_int_equal(kmem_cache_free(m, s, obj[7]), 0);
	assert_int_equal(get_node(s, 0)->nr_partial, 1);
	on_cpu(f, 1);
	assert_int_equal(kmem_cache_alloc(m, s, GFP_KERNEL, &got), 0);
	assert_int_equal(got, obj[7]);
	assert_int_equal(get_node(s, 0)->nr_partial, 0);
	free(obj);
}

/*
 * With no partial slab of its own, a node takes another's only while
 * that node keeps more than min_partial of them (get_any_partial);
 * then it makes a slab of its own pages.
 */
static void test_remote_partial_past_min_partial(void **state)
{
	struct fixture *f = *state;
	struct machine *m = f->m;
	struct kmem_cache *s = cache64(m, "remote");
	unsigned int n = s->objects, slabs = (unsigned int)s->min_partial + 2;
	uint64_t *obj = calloc((slabs + 1) * n, sizeof(*obj)), got;

	assert_int_equal(s->min_partial, 5);
	on_cpu(f, 3);
	for (unsigned int i = 0; i < (slabs + 1) * n; i++)
		obj[i] = alloc_node(m, s, NUMA_NO_NODE);
	for (unsigned int i = 0; i < slabs; i++)
		assert_int_equal(kmem_cache_free(m, s, obj[i * n]), 0);
	assert_int_equal(get_node(s, 1)->nr_partial, slabs);
	on_cpu(f, 0);
	for (unsigned int i = 0; i < 2; i++) {
		assert_int_equal(kmem_cache_alloc(m, s, GFP_KERNEL, &got), 0);
		assert_int_equal(nid_of(m, got), 1);
		assert_int_equal(get_node(s, 1)->nr_partial, slabs - 1 - i);
	}
	/* Node 1 is down to min_partial: node 0 makes its own slab. */
	assert_int_equal(kmem_cache_alloc(m, s, GFP_KERNEL, &got), 0);
	assert_int_equal(nid_of(m, got), 0);
	assert_int_equal(get_node(s, 1)->nr_partial, s->min_partial);
	assert_int_equal(get_node(s, 0)->nr_slabs, 1);
	/* A node asked for by name never takes another's partial slab. */
	on_cpu(f, 1);
	got = alloc_node(m, s, 0);
	assert_int_equal(nid_of(m, got), 0);
	assert_consistent(m);
	free(obj);
}

/* kmalloc_node: slab sizes and page sizes; DMA only node 0 has. */
static void test_kmalloc_node(void **state)
{
	struct fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a, b, c, d;

	on_cpu(f, 0);
	assert_int_equal(kmalloc_node(m, 100, GFP_KERNEL, 1, &a), 0);
	assert_int_equal(nid_of(m, a), 1);
	assert_int_equal(kmalloc_node(m, 5 * PAGE, GFP_KERNEL, 1, &b), 0);
	assert_int_equal(nid_of(m, b), 1);
	assert_int_equal(
		kmalloc_node(m, 5 * PAGE, GFP_KERNEL, NUMA_NO_NODE, &c), 0);
	assert_int_equal(nid_of(m, c), 0);
	assert_int_equal(kmalloc_node(m, 0, GFP_KERNEL, 1, &d), 0);
	assert_int_equal(d, ZERO_SIZE_PTR);
	/* Node 1 has no DMA zone: the slab falls back to node 0's... */
	assert_int_equal(kmalloc_node(m, 64, GFP_KERNEL | GFP_DMA, 1, &d), 0);
	assert_int_equal(nid_of(m, d), 0);
	assert_int_equal(virt_to_slab(m, d)->node, 0);
	assert_int_equal(kfree(m, d), 0);
	/* ... unless __GFP_THISNODE holds it there. */
	assert_int_equal(kmalloc_node(m, 64,
				      GFP_KERNEL | GFP_DMA | __GFP_THISNODE |
					      __GFP_NOWARN,
				      1, &d),
			 -ENOMEM);
	assert_int_equal(kmalloc_node(m, 5 * PAGE,
				      GFP_KERNEL | GFP_DMA | __GFP_THISNODE |
					      __GFP_NOWARN,
				      1, &d),
			 -ENOMEM);
	assert_int_equal(kfree(m, a), 0);
	assert_int_equal(kfree(m, b), 0);
	assert_int_equal(kfree(m, c), 0);
	assert_consistent(m);
}

/* Over uapi: the client's objects, on their nodes; bad nodes refused. */
static void test_uapi_nodes_and_bad_nodes(void **state)
{
	struct fixture *f = *state;
	struct machine *m = f->m;
	static const int bad[] = {2, -2, 63, 64, INT_MAX, INT_MIN};
	struct alloc_snapshot before;
	uint64_t cache, a, b, v;
	unsigned long pfn;

	on_cpu(f, 2);
	assert_int_equal(uapi_kmem_cache_create(m, "ucache", 40, 0, 0, &cache),
			 0);
	assert_int_equal(
		uapi_kmem_cache_alloc_node(m, cache, GFP_KERNEL, 0, &a), 0);
	assert_int_equal(nid_of(m, a), 0);
	assert_int_equal(uapi_kmalloc_node(m, 300, GFP_KERNEL, -1, &b), 0);
	assert_int_equal(nid_of(m, b), 1);
	assert_int_equal(uapi_vmalloc_node(m, 3 * PAGE, 0, &v), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(uapi_vmalloc_to_pfn(m, v + i * PAGE, &pfn), 0);
		assert_int_equal(page_to_nid(pfn_to_page(m, pfn)), 0);
	}
	snapshot(m, &before);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t x = 0;

		assert_int_equal(uapi_kmem_cache_alloc_node(
					 m, cache, GFP_KERNEL, bad[i], &x),
				 -EINVAL);
		assert_int_equal(
			uapi_kmalloc_node(m, 64, GFP_KERNEL, bad[i], &x),
			-EINVAL);
		assert_int_equal(uapi_vmalloc_node(m, PAGE, bad[i], &x),
				 -EINVAL);
		assert_int_equal(uapi_vzalloc_node(m, PAGE, bad[i], &x),
				 -EINVAL);
		assert_int_equal(x, 0);
	}
	/* A good node does not make a bad cache or size good. */
	assert_int_equal(
		uapi_kmem_cache_alloc_node(m, cache + 999, GFP_KERNEL, 1, &a),
		-ENOENT);
	assert_int_equal(uapi_vmalloc_node(m, 0, 1, &a), -EINVAL);
	assert_unchanged(m, &before);
	assert_int_equal(uapi_kfree(m, b), 0);
	assert_int_equal(uapi_vfree(m, v), 0);
}

/* vzalloc_node's pages are zero and on the node; vmallocinfo counts. */
static void test_vmalloc_node_and_vmallocinfo(void **state)
{
	struct fixture *f = *state;
	struct machine *m = f->m;
	uint64_t v, z, w;
	unsigned long pfn;
	struct seq_buf s;
	char line[160];

	on_cpu(f, 0);
	assert_int_equal(vmalloc_node(m, 4 * PAGE, 1, &v), 0);
	assert_int_equal(vzalloc_node(m, 2 * PAGE + 1, 1, &z), 0);
	assert_int_equal(vmalloc(m, PAGE, &w), 0);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(vmalloc_to_pfn(m, z + i * PAGE, &pfn), 0);
		assert_int_equal(page_to_nid(pfn_to_page(m, pfn)), 1);
		for (unsigned int j = 0; j < PAGE; j++)
			assert_int_equal(pfn_to_ram(m, pfn)[j], 0);
	}
	seq_buf_init(&s);
	assert_int_equal(report_vmallocinfo(m, &s), 0);
	snprintf(line, sizeof(line),
		 "vmalloc_node pid=%d pages=4 vmalloc N1=4\n", f->pid);
	assert_non_null(strstr(s.buf, line));
	snprintf(line, sizeof(line),
		 "vzalloc_node pid=%d pages=3 vmalloc N1=3\n", f->pid);
	assert_non_null(strstr(s.buf, line));
	snprintf(line, sizeof(line), "vmalloc pid=%d pages=1 vmalloc N0=1\n",
		 f->pid);
	assert_non_null(strstr(s.buf, line));
	seq_buf_free(&s);
	assert_int_equal(vfree(m, v), 0);
	assert_int_equal(vfree(m, z), 0);
	assert_int_equal(vfree(m, w), 0);
}

/* SLUB's sysfs counts by node: "slabs: 2 N0=1 N1=1". */
static void test_sysfs_counts_by_node(void **state)
{
	struct fixture *f = *state;
	struct machine *m = f->m;
	struct kmem_cache *s = cache64(m, "bynode");
	unsigned int n = s->objects;
	struct seq_buf sb;
	char want[96];

	on_cpu(f, 0);
	for (unsigned int i = 0; i < n + 1; i++)
		alloc_node(m, s, 1);
	alloc_node(m, s, 0);
	seq_buf_init(&sb);
	assert_int_equal(slab_sysfs_show(m, "bynode", &sb), 0);
	assert_non_null(strstr(sb.buf, "\nslabs: 3 N0=1 N1=2\n"));
	snprintf(want, sizeof(want), "\ntotal_objects: %u N0=%u N1=%u\n", 3 * n,
		 n, 2 * n);
	assert_non_null(strstr(sb.buf, want));
	/* Node 1's second slab is partial (1 in use); node 0's the CPU's. */
	assert_non_null(strstr(sb.buf, "\npartial: 1 N1=1\n"));
	assert_non_null(strstr(sb.buf, "\ncpu_slabs: 1 N0=1\n"));
	snprintf(want, sizeof(want), "\nobjects: %u N0=%u N1=%u\n", 2 * n + 1,
		 n, n + 1);
	assert_non_null(strstr(sb.buf, want));
	assert_non_null(strstr(sb.buf, "\nremote_node_defrag_ratio: 100\n"));
	seq_buf_free(&sb);
}

/* The checker finds a slab on another node's list, and a bad count. */
static void test_checker_sees_slab_nodes(void **state)
{
	struct fixture *f = *state;
	struct machine *m = f->m;
	struct kmem_cache *s = cache64(m, "checked");
	struct slab *slab;

	on_cpu(f, 0);
	for (unsigned int i = 0; i < s->objects + 1; i++)
		alloc_node(m, s, 1);
	assert_int_equal(get_node(s, 1)->nr_full, 1);
	slab = list_first_entry(&get_node(s, 1)->full, struct slab, list);
	list_del(&slab->list);
	list_add(&slab->list, &get_node(s, 0)->full);
	get_node(s, 1)->nr_full--;
	get_node(s, 0)->nr_full++;
	assert_check_fails(m, "another node's list");
	list_del(&slab->list);
	list_add(&slab->list, &get_node(s, 1)->full);
	get_node(s, 1)->nr_full++;
	get_node(s, 0)->nr_full--;
	assert_consistent(m);
	get_node(s, 1)->total_objects--;
	assert_check_fails(m, "node's slab counts");
	get_node(s, 1)->total_objects++;
	slab->node = 0;
	assert_check_fails(m, "not its pages' node");
	slab->node = 1;
}

/* Write every page of [addr, addr + len) in the current task. */
static void touch_range(struct machine *m, uint64_t addr, uint64_t len)
{
	struct user_fault fault;
	char c = 'x';

	for (uint64_t a = addr; a < addr + len; a += PAGE)
		assert_int_equal(
			uapi_access_vm(m, 0, a, &c, 1, USER_WRITE, &fault), 0);
}

/*
 * numastat -p: 1 MiB mapped on node 0 and 2 MiB bound to node 1 are
 * Private, 256 KiB of heap on node 1 is Heap; the text is numastat's.
 */
static void test_numastat_process(void **state)
{
	struct fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a, b, brk0, one = 0x2, cur;
	struct numastat_process_snapshot *p;
	struct seq_buf s;
	int err;

	on_cpu(f, 0);
	assert_int_equal(uapi_mmap(m, 0, 0, 1 << 20, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, &a),
			 0);
	assert_int_equal(uapi_mmap(m, 0, 0, 2 << 20, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, &b),
			 0);
	assert_int_equal(
		uapi_mbind(m, 0, b, 2 << 20, MPOL_BIND, &one, 1, 64, 0, false),
		0);
	touch_range(m, a, 1 << 20);
	touch_range(m, b, 2 << 20);
	on_cpu(f, 2);
	assert_int_equal(uapi_brk(m, 0, 0, &brk0), 0);
	assert_int_equal(uapi_brk(m, 0, brk0 + (256 << 10), &cur), 0);
	touch_range(m, brk0, 256 << 10);
	p = snapshot_take(&numastat_process_report, m, f->pid, &err);
	assert_non_null(p);
	assert_int_equal(p->nr_total_bytes, 2);
	assert_int_equal(p->private_bytes[0], 1 << 20);
	assert_int_equal(p->private_bytes[1], 2 << 20);
	assert_int_equal(p->heap_bytes[0], 0);
	assert_int_equal(p->heap_bytes[1], 256 << 10);
	assert_int_equal(p->total_bytes[1], (2 << 20) + (256 << 10));
	assert_int_equal(p->huge_bytes[0] + p->huge_bytes[1], 0);
	snapshot_free(numastat_process_report.desc, p);
	seq_buf_init(&s);
	assert_int_equal(report_numastat_process(m, f->pid, &s), 0);
	assert_string_equal(
		s.buf,
		"\nPer-node process memory usage (in MBs) for PID 1 (nslab)\n"
		"                           Node 0          Node 1           "
		"Total\n"
		"                  --------------- --------------- "
		"---------------\n"
		"Huge                         0.00            0.00            "
		"0.00\n"
		"Heap                         0.00            0.25            "
		"0.25\n"
		"Stack                        0.00            0.00            "
		"0.00\n"
		"Private                      1.00            2.00            "
		"3.00\n"
		"----------------  --------------- --------------- "
		"---------------\n"
		"Total                        1.00            2.25            "
		"3.25\n");
	seq_buf_free(&s);
	assert_int_equal(report_numastat_process(m, 999, &s), -ESRCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_alloc_node_places_objects,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_local_partial_first, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_remote_partial_past_min_partial, setup, teardown),
		cmocka_unit_test_setup_teardown(test_kmalloc_node, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_uapi_nodes_and_bad_nodes,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_vmalloc_node_and_vmallocinfo, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sysfs_counts_by_node,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_checker_sees_slab_nodes,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_numastat_process, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
