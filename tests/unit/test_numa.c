/* SPDX-License-Identifier: MIT */
/*
 * test_numa.c - NUMA nodes, zonelists, NUMA events and memory policies
 * in core: where each policy puts every page, interleave's turns, the
 * counters of zone_statistics, VMA split and merge by policy, fork,
 * migration by mbind, migrate_pages and move_pages, a bind-constrained
 * OOM kill (called directly, and through faults that exhaust node 1),
 * and every bad input's errno.
 */
#include <stdio.h>
#include <stdlib.h>

#include "tests/unit/machines.h"

#include "core/mempolicy_syscalls.h"
#include "core/huge_mm.h"
#include "core/mmzone.h"
#include "core/node.h"
#include "core/oom_kill.h"
#include "core/task.h"
#include "core/task_mmu.h"
#include "core/uapi.h"

#define ADDR 0x10000000ULL

/* Two nodes of 256 MiB (machines.h's two_node_layout). */
static void numa_layout(struct layout *l)
{
	two_node_layout(l, 256 * MiB);
	layout_resolve(l);
}

struct numa_fixture {
	struct machine *m;
	int pid;
};

static int setup(void **state)
{
	struct numa_fixture *f = calloc(1, sizeof(*f));
	struct layout l;

	numa_layout(&l);
	f->m = boot(&l);
	assert_int_equal(task_create(f->m, "numa", 0, 0, &f->pid), 0);
	assert_int_equal(task_switch(f->m, f->pid), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct numa_fixture *f = *state;

	assert_consistent(f->m);
	machine_destroy(f->m);
	free(f);
	return 0;
}

static unsigned long numa_event(const struct machine *m, int nid, int item)
{
	unsigned long sum = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		sum += m->zones[nid * MAX_NR_ZONES + z].vm_numa_event[item];
	return sum;
}

static uint64_t map_pages(struct machine *m, unsigned int n)
{
	uint64_t out = 0;

	assert_int_equal(uapi_mmap(m, 0, ADDR, n * PAGE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
				   &out),
			 0);
	return out;
}

static void touch(struct machine *m, uint64_t addr)
{
	struct user_fault fault;
	char c = 'x';

	assert_int_equal(uapi_access_vm(m, 0, addr, &c, 1, USER_WRITE, &fault),
			 0);
}

/* The node of the frame behind addr in the current task. */
static int node_of(struct numa_fixture *f, uint64_t addr)
{
	const struct mm_struct *mm = find_task_by_pid(f->m, f->pid)->mm;
	unsigned long pfn;
	uint64_t pte;

	assert_int_equal(pgtable_lookup(f->m, mm->pgd, addr, &pte, &pfn), 0);
	return page_to_nid(pfn_to_page(f->m, pfn));
}

static int set_policy(struct machine *m, int mode, unsigned long mask)
{
	uint64_t w = mask;

	return uapi_set_mempolicy(m, 0, mode, &w, 1, 64);
}

static int do_mbind(struct machine *m, uint64_t addr, uint64_t len, int mode,
		    unsigned long mask, uint32_t flags)
{
	uint64_t w = mask;

	return uapi_mbind(m, 0, addr, len, mode, &w, 1, 64, flags, false);
}

static void test_nodes_and_zonelists(void **state)
{
	struct numa_fixture *f = *state;
	struct machine *m = f->m;
	struct zonelist *zl = &NODE_DATA(m, 1)->node_zonelists[0];
	struct zonelist *own = &NODE_DATA(m, 1)->node_zonelists[1];

	assert_int_equal(m->nr_node_ids, 2);
	assert_int_equal(cpu_to_node(m, 1), 0);
	assert_int_equal(cpu_to_node(m, 2), 1);
	assert_int_equal(NODE_DATA(m, 1)->node_start_pfn, 65536);
	assert_int_equal(NODE_DATA(m, 1)->node_present_pages, 65536);
	/* Node 1: its Normal, then node 0's zones from the highest. */
	assert_ptr_equal(zl->_zonerefs[0], &m->zones[MAX_NR_ZONES + 2]);
	assert_ptr_equal(zl->_zonerefs[1], &m->zones[ZONE_NORMAL]);
	assert_ptr_equal(zl->_zonerefs[2], &m->zones[ZONE_DMA32]);
	assert_ptr_equal(zl->_zonerefs[3], &m->zones[ZONE_DMA]);
	assert_null(zl->_zonerefs[4]);
	assert_ptr_equal(own->_zonerefs[0], &m->zones[MAX_NR_ZONES + 2]);
	assert_null(own->_zonerefs[1]);
	/* DMA and DMA32 live on node 0 alone. */
	assert_false(populated_zone(&m->zones[MAX_NR_ZONES + ZONE_DMA32]));
}

static void test_local_alloc_and_events(void **state)
{
	struct numa_fixture *f = *state;
	struct machine *m = f->m;
	unsigned long pfn, hit1, local1, other0, miss0, foreign1;

	find_task_by_pid(m, f->pid)->cpu = 2;
	assert_int_equal(task_switch(m, f->pid), 0);
	assert_int_equal(numa_node_id(m), 1);
	hit1 = numa_event(m, 1, NUMA_HIT);
	local1 = numa_event(m, 1, NUMA_LOCAL);
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 0, &pfn), 0);
	assert_int_equal(page_to_nid(pfn_to_page(m, pfn)), 1);
	assert_int_equal(numa_event(m, 1, NUMA_HIT), hit1 + 1);
	assert_int_equal(numa_event(m, 1, NUMA_LOCAL), local1 + 1);
	/* From node 0 by name, asked on node 1: a hit there, not local. */
	other0 = numa_event(m, 0, NUMA_OTHER);
	assert_int_equal(uapi_alloc_pages_node(m, 0, GFP_KERNEL, 2, &pfn), 0);
	assert_int_equal(page_to_nid(pfn_to_page(m, pfn)), 0);
	assert_int_equal(numa_event(m, 0, NUMA_OTHER), other0 + 4);
	/*
	 * DMA32 asked on node 1: node 0's DMA32 is the first zone its
	 * zonelist allows, so the preferred zone: a hit, no miss.
	 */
	miss0 = numa_event(m, 0, NUMA_MISS);
	foreign1 = numa_event(m, 1, NUMA_FOREIGN);
	assert_int_equal(uapi_alloc_pages(m, GFP_DMA32, 0, &pfn), 0);
	assert_int_equal(page_to_nid(pfn_to_page(m, pfn)), 0);
	assert_int_equal(numa_event(m, 0, NUMA_MISS), miss0);
	assert_int_equal(numa_event(m, 1, NUMA_FOREIGN), foreign1);
	/* Node 1 full, the fallback to node 0 is a miss and a foreign. */
	while (m->zones[MAX_NR_ZONES + ZONE_NORMAL].vm_stat[NR_FREE_PAGES] >
	       (long)m->zones[MAX_NR_ZONES + ZONE_NORMAL]
			       ._watermark[WMARK_HIGH] +
		       1100)
		assert_int_equal(
			uapi_alloc_pages_node(m, 1, GFP_KERNEL | __GFP_THISNODE,
					      10, &pfn),
			0);
	while (uapi_alloc_pages_node(m, 1, GFP_NOWAIT | __GFP_THISNODE, 0,
				     &pfn) == 0)
		;
	assert_int_equal(uapi_alloc_pages(m, GFP_NOWAIT, 0, &pfn), 0);
	assert_int_equal(page_to_nid(pfn_to_page(m, pfn)), 0);
	assert_int_equal(numa_event(m, 0, NUMA_MISS), miss0 + 1);
	assert_int_equal(numa_event(m, 1, NUMA_FOREIGN), foreign1 + 1);
	/* __GFP_THISNODE on node 1 has no DMA32 zone to give. */
	assert_int_equal(uapi_alloc_pages_node(m, 1, GFP_DMA32 | __GFP_THISNODE,
					       0, &pfn),
			 -ENOMEM);
	assert_int_equal(uapi_alloc_pages_node(m, 2, GFP_KERNEL, 0, &pfn),
			 -EINVAL);
}

static void test_vma_policies_place_pages(void **state)
{
	struct numa_fixture *f = *state;
	struct machine *m = f->m;
	unsigned int base = find_task_by_pid(m, f->pid)->mm->map_count;
	uint64_t a = map_pages(m, 8);

	/* Interleave by page offset: anon pgoff is the address's page. */
	assert_int_equal(do_mbind(m, a, 4 * PAGE, MPOL_INTERLEAVE, 0x3, 0), 0);
	assert_int_equal(do_mbind(m, a + 4 * PAGE, 2 * PAGE, MPOL_BIND, 0x2, 0),
			 0);
	assert_int_equal(
		do_mbind(m, a + 6 * PAGE, PAGE, MPOL_PREFERRED, 0x2, 0), 0);
	assert_int_equal(find_task_by_pid(m, f->pid)->mm->map_count, base + 4);
	for (unsigned int i = 0; i < 8; i++)
		touch(m, a + i * PAGE);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(node_of(f, a + i * PAGE),
				 (int)(((a >> 12) + i) % 2));
	assert_int_equal(node_of(f, a + 4 * PAGE), 1);
	assert_int_equal(node_of(f, a + 5 * PAGE), 1);
	assert_int_equal(node_of(f, a + 6 * PAGE), 1);
	assert_int_equal(node_of(f, a + 7 * PAGE), 0); /* default: local */
	assert_true(numa_event(m, 0, NUMA_INTERLEAVE_HIT) +
			    numa_event(m, 1, NUMA_INTERLEAVE_HIT) >=
		    4);
	/* Back to the default everywhere: the VMAs merge into one. */
	assert_int_equal(do_mbind(m, a, 8 * PAGE, MPOL_DEFAULT, 0, 0), 0);
	assert_int_equal(find_task_by_pid(m, f->pid)->mm->map_count, base + 1);
}

static void test_task_interleave_and_weights(void **state)
{
	struct numa_fixture *f = *state;
	struct machine *m = f->m;
	int want[] = {0, 1, 0, 1, 0};
	int weighted[] = {0, 0, 0, 1, 0, 0, 0, 1};
	unsigned long pfn;

	assert_int_equal(set_policy(m, MPOL_INTERLEAVE, 0x3), 0);
	for (unsigned int i = 0; i < 5; i++) {
		assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 0, &pfn), 0);
		assert_int_equal(page_to_nid(pfn_to_page(m, pfn)), want[i]);
	}
	assert_int_equal(uapi_admin_weighted_interleave(m, 0, 3), 0);
	assert_int_equal(set_policy(m, MPOL_WEIGHTED_INTERLEAVE, 0x3), 0);
	for (unsigned int i = 0; i < 8; i++) {
		assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 0, &pfn), 0);
		assert_int_equal(page_to_nid(pfn_to_page(m, pfn)), weighted[i]);
	}
	assert_int_equal(uapi_admin_weighted_interleave(m, 2, 1), -EINVAL);
	assert_int_equal(uapi_admin_weighted_interleave(m, 0, 0), -EINVAL);
	/* Bind to node 1: every page there, even asked on node 0. */
	assert_int_equal(set_policy(m, MPOL_BIND, 0x2), 0);
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 0, &pfn), 0);
	assert_int_equal(page_to_nid(pfn_to_page(m, pfn)), 1);
	/* Below policy_zone the bind does not hold, as Linux's. */
	assert_int_equal(uapi_alloc_pages(m, GFP_DMA32, 0, &pfn), 0);
	assert_int_equal(page_to_nid(pfn_to_page(m, pfn)), 0);
}

static void test_get_mempolicy(void **state)
{
	struct numa_fixture *f = *state;
	struct machine *m = f->m;
	uint64_t out[512], a = map_pages(m, 2);
	size_t n;
	int32_t pol;

	assert_int_equal(
		set_policy(m, MPOL_INTERLEAVE | MPOL_F_STATIC_NODES, 0x3), 0);
	assert_int_equal(
		uapi_get_mempolicy(m, 0, 64, 0, 0, true, &pol, out, &n), 0);
	assert_int_equal(pol, MPOL_INTERLEAVE | MPOL_F_STATIC_NODES);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], 0x3);
	/* MPOL_F_NODE: the next interleave node; first, node 0. */
	assert_int_equal(uapi_get_mempolicy(m, 0, 64, 0, MPOL_F_NODE, false,
					    &pol, out, &n),
			 0);
	assert_int_equal(pol, 0);
	assert_int_equal(uapi_get_mempolicy(m, 0, 64, 0, MPOL_F_MEMS_ALLOWED,
					    true, &pol, out, &n),
			 0);
	assert_int_equal(out[0], 0x3);
	assert_int_equal(do_mbind(m, a, PAGE, MPOL_BIND, 0x2, 0), 0);
	assert_int_equal(uapi_get_mempolicy(m, 0, 64, a, MPOL_F_ADDR, true,
					    &pol, out, &n),
			 0);
	assert_int_equal(pol, MPOL_BIND);
	assert_int_equal(out[0], 0x2);
	/* Untouched, the read finds the zero page, as Linux's GUP does. */
	assert_int_equal(uapi_get_mempolicy(m, 0, 64, a,
					    MPOL_F_ADDR | MPOL_F_NODE, false,
					    &pol, out, &n),
			 0);
	assert_int_equal(pol, 0);
	touch(m, a);
	assert_int_equal(uapi_get_mempolicy(m, 0, 64, a,
					    MPOL_F_ADDR | MPOL_F_NODE, false,
					    &pol, out, &n),
			 0);
	assert_int_equal(pol, 1); /* the page written lies on node 1 */
}

static void test_bad_policies(void **state)
{
	struct numa_fixture *f = *state;
	struct machine *m = f->m;
	uint64_t out[512], a = map_pages(m, 4), big[3] = {1, 0, 1};
	size_t n;
	int32_t pol;

	assert_int_equal(set_policy(m, MPOL_BIND, 0), -EINVAL);
	assert_int_equal(set_policy(m, MPOL_BIND, 0x4), -EINVAL);
	assert_int_equal(set_policy(m, MPOL_MAX, 0x1), -EINVAL);
	assert_int_equal(set_policy(m, MPOL_DEFAULT, 0x1), -EINVAL);
	assert_int_equal(set_policy(m, MPOL_LOCAL, 0x1), -EINVAL);
	assert_int_equal(set_policy(m, MPOL_PREFERRED | MPOL_F_STATIC_NODES, 0),
			 -EINVAL);
	assert_int_equal(set_policy(m,
				    MPOL_BIND | MPOL_F_STATIC_NODES |
					    MPOL_F_RELATIVE_NODES,
				    0x1),
			 -EINVAL);
	assert_int_equal(
		set_policy(m, MPOL_INTERLEAVE | MPOL_F_NUMA_BALANCING, 0x1),
		-EINVAL);
	assert_int_equal(set_policy(m, MPOL_BIND | MPOL_F_NUMA_BALANCING, 0x1),
			 0);
	/* An empty preferred mask is local; relative nodes fold onto 0-1. */
	assert_int_equal(set_policy(m, MPOL_PREFERRED, 0), 0);
	assert_int_equal(find_task_by_pid(m, f->pid)->mempolicy.mode,
			 MPOL_LOCAL);
	assert_int_equal(set_policy(m, MPOL_BIND | MPOL_F_RELATIVE_NODES, 0x4),
			 0);
	assert_int_equal(find_task_by_pid(m, f->pid)->mempolicy.nodes.bits, 1);
	/* A node above MAX_NUMNODES, a mask too short, maxnode too big. */
	assert_int_equal(uapi_set_mempolicy(m, 0, MPOL_BIND, big, 3, 192),
			 -EINVAL);
	assert_int_equal(uapi_set_mempolicy(m, 0, MPOL_BIND, big, 1, 192),
			 -EFAULT);
	assert_int_equal(
		uapi_set_mempolicy(m, 0, MPOL_BIND, big, 1, 4096 * 8 + 2),
		-EINVAL);
	/* maxnode 1 holds no node: an empty mask. */
	assert_int_equal(uapi_set_mempolicy(m, 0, MPOL_BIND, big, 1, 1),
			 -EINVAL);
	/* mbind: unaligned, bad flags, MOVE_ALL, a hole, wrapping. */
	assert_int_equal(do_mbind(m, a + 1, PAGE, MPOL_BIND, 1, 0), -EINVAL);
	assert_int_equal(do_mbind(m, a, PAGE, MPOL_BIND, 1, 8), -EINVAL);
	assert_int_equal(do_mbind(m, a, PAGE, MPOL_BIND, 1, MPOL_MF_MOVE_ALL),
			 -EPERM);
	assert_int_equal(do_mbind(m, a, 8 * PAGE, MPOL_BIND, 1, 0), -EFAULT);
	assert_int_equal(do_mbind(m, a + 64 * PAGE, PAGE, MPOL_DEFAULT, 0, 0),
			 -EFAULT);
	assert_int_equal(do_mbind(m, a, 0, MPOL_BIND, 1, 0), 0);
	/* A default policy over 64 TiB with holes: as quick as what maps. */
	assert_int_equal(
		do_mbind(m, a, 1ULL << 46, MPOL_DEFAULT, 0, MPOL_MF_MOVE), 0);
	assert_int_equal(do_mbind(m, a, -2 * PAGE, MPOL_BIND, 1, 0), -EINVAL);
	assert_int_equal(do_mbind(m, a, PAGE, MPOL_BIND, 0, 0), -EINVAL);
	/* get_mempolicy: bad flags and combinations, a short mask. */
	assert_int_equal(
		uapi_get_mempolicy(m, 0, 64, 0, 8, false, &pol, out, &n),
		-EINVAL);
	assert_int_equal(uapi_get_mempolicy(m, 0, 64, 0,
					    MPOL_F_MEMS_ALLOWED | MPOL_F_NODE,
					    false, &pol, out, &n),
			 -EINVAL);
	assert_int_equal(uapi_get_mempolicy(m, 0, 1, 0, 0, true, &pol, out, &n),
			 -EINVAL);
	assert_int_equal(
		uapi_get_mempolicy(m, 0, 64, a, 0, false, &pol, out, &n),
		-EINVAL);
	assert_int_equal(uapi_get_mempolicy(m, 0, 64, a + 64 * PAGE,
					    MPOL_F_ADDR, false, &pol, out, &n),
			 -EFAULT);
	/* Default policy, node 0 or 1 task policy: no MPOL_F_NODE. */
	assert_int_equal(set_policy(m, MPOL_BIND, 0x1), 0);
	assert_int_equal(uapi_get_mempolicy(m, 0, 64, 0, MPOL_F_NODE, false,
					    &pol, out, &n),
			 -EINVAL);
}

static void test_mbind_move_and_strict(void **state)
{
	struct numa_fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a = map_pages(m, 4);
	char buf[8] = {0};
	struct user_fault fault;

	for (unsigned int i = 0; i < 4; i++)
		touch(m, a + i * PAGE);
	assert_int_equal(node_of(f, a), 0);
	/* STRICT alone: misplaced pages stay, -EIO, the policy is set. */
	assert_int_equal(
		do_mbind(m, a, 4 * PAGE, MPOL_BIND, 0x2, MPOL_MF_STRICT), -EIO);
	assert_int_equal(node_of(f, a), 0);
	assert_int_equal(do_mbind(m, a, 4 * PAGE, MPOL_BIND, 0x2,
				  MPOL_MF_MOVE | MPOL_MF_STRICT),
			 0);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(node_of(f, a + i * PAGE), 1);
	assert_int_equal(uapi_access_vm(m, 0, a, buf, 1, USER_READ, &fault), 0);
	assert_int_equal(buf[0], 'x');
	assert_consistent(m);
}

static void test_migrate_and_move_pages(void **state)
{
	struct numa_fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a = map_pages(m, 3), from = 0x1, to = 0x2, left = 9;
	uint64_t pages[4];
	int32_t nodes[4] = {0, 0, 0, 0}, status[4];

	for (unsigned int i = 0; i < 2; i++)
		touch(m, a + i * PAGE);
	assert_int_equal(uapi_migrate_pages(m, 0, 64, &from, 1, &to, 1, &left),
			 0);
	assert_int_equal(left, 0);
	assert_int_equal(node_of(f, a), 1);
	assert_int_equal(node_of(f, a + PAGE), 1);
	for (unsigned int i = 0; i < 4; i++)
		pages[i] = a + i * PAGE;
	pages[3] = a + 64 * PAGE;
	assert_int_equal(
		uapi_move_pages(m, 0, 4, pages, nodes, status, 0, false), 0);
	assert_int_equal(status[0], 0);
	assert_int_equal(status[1], 0);
	assert_int_equal(status[2], -ENOENT);
	assert_int_equal(status[3], -EFAULT);
	assert_int_equal(node_of(f, a), 0);
	assert_int_equal(
		uapi_move_pages(m, 0, 1, pages, NULL, status, 0, false), 0);
	assert_int_equal(status[0], 0);
	nodes[0] = 5;
	assert_int_equal(
		uapi_move_pages(m, 0, 1, pages, nodes, status, 0, false),
		-ENODEV);
	assert_int_equal(
		uapi_move_pages(m, 0, 1, pages, nodes, status, 8, false),
		-EINVAL);
	to = 0x4;
	assert_int_equal(uapi_migrate_pages(m, 0, 64, &from, 1, &to, 1, &left),
			 -EINVAL);
	/* No new node at all: -EINVAL, nothing moved (page 0 stays on 0). */
	to = 0;
	left = 9;
	assert_int_equal(uapi_migrate_pages(m, 0, 64, &from, 1, &to, 1, &left),
			 -EINVAL);
	assert_int_equal(left, 0);
	assert_int_equal(node_of(f, a), 0);
	assert_consistent(m);
}

static void test_fork_inherits_policy(void **state)
{
	struct numa_fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a = map_pages(m, 2);
	int child;

	assert_int_equal(set_policy(m, MPOL_BIND, 0x2), 0);
	assert_int_equal(do_mbind(m, a, PAGE, MPOL_INTERLEAVE, 0x3, 0), 0);
	assert_int_equal(uapi_fork(m, 0, &child), 0);
	assert_int_equal(find_task_by_pid(m, child)->mempolicy.mode, MPOL_BIND);
	assert_int_equal(
		find_vma(find_task_by_pid(m, child)->mm, a)->vm_policy.mode,
		MPOL_INTERLEAVE);
}

/* A bind to node 1 that runs out kills only a task that uses node 1. */
/* Each page's node as move_pages reads it (nodes NULL). */
static void expect_status(struct machine *m, uint64_t a, unsigned int n,
			  const int32_t *want)
{
	uint64_t pages[8] = {0};
	int32_t status[8] = {0};

	for (unsigned int i = 0; i < n; i++)
		pages[i] = a + i * PAGE;
	assert_int_equal(
		uapi_move_pages(m, 0, n, pages, NULL, status, 0, false), 0);
	for (unsigned int i = 0; i < n; i++)
		assert_int_equal(status[i], want[i]);
}

/* Node nid below its min watermark with kernel pages nobody reclaims. */
static void fill_node(struct machine *m, int nid)
{
	unsigned long pfn;

	for (unsigned int order = 10; order + 1 > 0; order--)
		while (uapi_alloc_pages_node(m, nid,
					     GFP_NOWAIT | __GFP_THISNODE, order,
					     &pfn) == 0)
			;
}

/*
 * MPOL_LOCAL: the node of the CPU the task runs on, whatever the
 * task's policy; MPOL_PREFERRED_MANY: its nodes first, then (node 1
 * full) the local zonelist, as alloc_pages_preferred_many.
 */
static void test_local_and_preferred_many_place(void **state)
{
	struct numa_fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a = map_pages(m, 8);
	const int32_t local[] = {0, 0, 1, 1}, many[] = {1, 1, 0, 0};

	assert_int_equal(set_policy(m, MPOL_BIND, 0x2), 0);
	assert_int_equal(do_mbind(m, a, 4 * PAGE, MPOL_LOCAL, 0, 0), 0);
	touch(m, a);
	touch(m, a + PAGE);
	find_task_by_pid(m, f->pid)->cpu = 2;
	assert_int_equal(task_switch(m, f->pid), 0);
	touch(m, a + 2 * PAGE);
	touch(m, a + 3 * PAGE);
	expect_status(m, a, 4, local);
	find_task_by_pid(m, f->pid)->cpu = 0;
	assert_int_equal(task_switch(m, f->pid), 0);
	assert_int_equal(do_mbind(m, a + 4 * PAGE, 4 * PAGE,
				  MPOL_PREFERRED_MANY, 0x2, 0),
			 0);
	touch(m, a + 4 * PAGE);
	touch(m, a + 5 * PAGE);
	fill_node(m, 1);
	touch(m, a + 6 * PAGE);
	touch(m, a + 7 * PAGE);
	expect_status(m, a + 4 * PAGE, 4, many);
}

/*
 * Four nodes in a ring (21 to a neighbour, 31 across, as
 * config/x86_64-1t.yaml): each node's zonelist by find_next_best_node's
 * rules (the nearest, then the lower penalty, then the less loaded) and
 * a fallback that follows it.
 */
/* The order of the nodes in node n's fallback zonelist. */
static void expect_node_order(struct machine *m, int n, const int *want, int nr)
{
	struct zone **z =
		NODE_DATA(m, n)->node_zonelists[ZONELIST_FALLBACK]._zonerefs;
	int seen = 0, last = -1;

	for (; *z; z++)
		if (zone_to_nid(*z) != last) {
			assert_true(seen < nr);
			assert_int_equal(last = zone_to_nid(*z), want[seen++]);
		}
	assert_int_equal(seen, nr);
}

/* n nodes of 128 MiB, node i with CPUs 2i and 2i + 1, rows as given. */
static struct machine *boot_nodes(unsigned int n, const unsigned int *rows)
{
	struct layout l;

	two_node_layout(&l, 128 * MiB);
	l.memory = n * 128 * MiB;
	l.nr_cpus = 2 * n;
	l.zones[2].end = l.memory;
	l.limits.pages = l.memory >> 12;
	l.nr_nodes = n;
	for (unsigned int i = 0; i < n; i++) {
		l.nodes[i] = (struct layout_node){i * 128 * MiB,
						  (i + 1) * 128 * MiB,
						  {3UL << (2 * i)},
						  {n, {0}}};
		for (unsigned int j = 0; j < n; j++)
			l.nodes[i].distance.to[j] = rows[i * n + j];
	}
	layout_resolve(&l);
	return boot(&l);
}

/*
 * An asymmetric table (node 0 is 31 from node 2, node 2 21 from node
 * 0): each node orders the others by its own row, as node_distance(
 * local, n) in find_next_best_node; by the column node 2 would take
 * node 1 first.
 */
static void test_asymmetric_distances_order_by_row(void **state)
{
	static const unsigned int rows[] = {10, 21, 31, 21, 10, 21, 21, 31, 10};
	static const int want[3][3] = {{0, 1, 2}, {1, 2, 0}, {2, 0, 1}};
	struct machine *m = boot_nodes(3, rows);

	(void)state;
	for (int n = 0; n < 3; n++)
		expect_node_order(m, n, want[n], 3);
	assert_int_equal(node_distance(m, 2, 0), 21);
	assert_int_equal(node_distance(m, 0, 2), 31);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_four_node_fallback_order(void **state)
{
	static const int want[4][4] = {
		{0, 1, 3, 2}, {1, 2, 0, 3}, {2, 3, 1, 0}, {3, 0, 2, 1}};
	static const unsigned int ring[] = {10, 21, 31, 21, 21, 10, 21, 31,
					    31, 21, 10, 21, 21, 31, 21, 10};
	struct machine *m = boot_nodes(4, ring);
	unsigned long pfn;
	int pid;

	(void)state;
	for (int n = 0; n < 4; n++)
		expect_node_order(m, n, want[n], 4);
	assert_int_equal(task_create(m, "ring", 0, 0, &pid), 0);
	assert_int_equal(task_switch(m, pid), 0);
	fill_node(m, 0);
	assert_int_equal(uapi_alloc_pages(m, GFP_NOWAIT, 0, &pfn), 0);
	assert_int_equal(page_to_nid(pfn_to_page(m, pfn)), 1);
	fill_node(m, 1);
	assert_int_equal(uapi_alloc_pages(m, GFP_NOWAIT, 0, &pfn), 0);
	assert_int_equal(page_to_nid(pfn_to_page(m, pfn)), 3);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_bind_oom_kills_within(void **state)
{
	struct numa_fixture *f = *state;
	struct machine *m = f->m;
	nodemask_t one = nodemask_of_node(1);
	uint64_t a;
	int other;

	/* The big one: bound to node 0, most memory there. */
	assert_int_equal(set_policy(m, MPOL_BIND, 0x1), 0);
	a = map_pages(m, 2048);
	for (unsigned int i = 0; i < 2048; i++)
		touch(m, a + i * PAGE);
	assert_int_equal(task_create(m, "small", 2, 0, &other), 0);
	assert_int_equal(task_switch(m, other), 0);
	assert_int_equal(set_policy(m, MPOL_BIND, 0x2), 0);
	a = map_pages(m, 16);
	for (unsigned int i = 0; i < 16; i++)
		touch(m, a + i * PAGE);
	assert_true(out_of_memory(m, GFP_KERNEL, 0, &one));
	assert_true(find_task_by_pid(m, other)->oom_killed);
	assert_false(find_task_by_pid(m, f->pid)->oom_killed);
	assert_non_null(strstr(m->log_buf, "constraint=CONSTRAINT_MEMORY_POLICY"
					   ",nodemask=1"));
	task_switch(m, f->pid);
	assert_int_equal(task_exit(m, other, NULL), 0);
}

/* A task bound to nodes mask that faults in n pages at ADDR. */
static int bound_task(struct machine *m, const char *comm, unsigned int cpu,
		      unsigned long mask, unsigned int n)
{
	uint64_t a;
	int pid;

	assert_int_equal(task_create(m, comm, cpu, 0, &pid), 0);
	assert_int_equal(task_switch(m, pid), 0);
	assert_int_equal(set_policy(m, MPOL_BIND, mask), 0);
	if (!n)
		return pid;
	a = map_pages(m, n);
	for (unsigned int i = 0; i < n; i++)
		touch(m, a + i * PAGE);
	return pid;
}

/*
 * Through real faults: on 2 x 64 MiB (node 1 all Normal, no swap),
 * "big" bound to node 0 holds the most memory, "hog" bound to node 1
 * most of node 1; "late", bound to node 1 too, faults until node 1 is
 * exhausted. The allocation's bind makes the OOM constrained
 * (constrained_alloc: CONSTRAINT_MEMORY_POLICY, nodemask=1); big is
 * outside the domain (mempolicy_in_oom_domain), so hog, the biggest
 * within, dies, and late's fault then succeeds on node 1.
 */
static void test_bind_oom_through_faults(void **state)
{
	struct layout l;
	struct machine *m;
	struct user_fault fault;
	uint64_t a;
	unsigned int i;
	int big, hog, late;
	char c = 'y';

	(void)state;
	two_node_layout(&l, 64 * MiB);
	l.swap_size = 0;
	layout_resolve(&l);
	m = boot(&l);
	big = bound_task(m, "big", 0, 0x1, 10000);
	hog = bound_task(m, "hog", 2, 0x2, 12000);
	late = bound_task(m, "late", 3, 0x2, 0);
	a = map_pages(m, 8192);
	for (i = 0; i < 8192 && !find_task_by_pid(m, hog)->oom_killed; i++)
		assert_int_equal(uapi_access_vm(m, 0, a + i * PAGE, &c, 1,
						USER_WRITE, &fault),
				 0);
	assert_true(i < 8192);
	assert_true(find_task_by_pid(m, hog)->oom_killed);
	assert_false(find_task_by_pid(m, big)->oom_killed);
	assert_false(find_task_by_pid(m, late)->oom_killed);
	assert_non_null(strstr(m->log_buf, "constraint=CONSTRAINT_MEMORY_POLICY"
					   ",nodemask=1"));
	assert_non_null(strstr(m->log_buf, "Killed process 2 (hog) "));
	/* The page that needed the kill is on node 1, as the bind says. */
	{
		unsigned long pfn;
		uint64_t pte;

		assert_int_equal(
			pgtable_lookup(m, find_task_by_pid(m, late)->mm->pgd,
				       a + (i - 1) * PAGE, &pte, &pfn),
			0);
		assert_int_equal(page_to_nid(pfn_to_page(m, pfn)), 1);
	}
	assert_consistent(m);
	machine_destroy(m);
}

/* The checker sees a policy on no online node and a broken zonelist. */
static void test_checker_sees_numa(void **state)
{
	struct numa_fixture *f = *state;
	struct machine *m = f->m;
	struct task_struct *t = find_task_by_pid(m, f->pid);
	struct zonelist *zl = &NODE_DATA(m, 1)->node_zonelists[0];
	struct zone *saved = zl->_zonerefs[1];
	char why[256];

	t->mempolicy = (struct mempolicy){.mode = MPOL_BIND, .nodes = {0x4}};
	assert_int_not_equal(machine_check(m, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "policy"));
	t->mempolicy = (struct mempolicy){0};
	zl->_zonerefs[1] = zl->_zonerefs[0];
	assert_int_not_equal(machine_check(m, why, sizeof(why)), 0);
	assert_non_null(strstr(why, "zonelist"));
	zl->_zonerefs[1] = saved;
	assert_consistent(m);
}

/* A THP takes its VMA's policy: a write fault's huge page, and the one a
 * write to the huge zero page maps in its place, both on node 1. */
static void test_thp_follows_the_policy(void **state)
{
	struct numa_fixture *f = *state;
	struct machine *m = f->m;
	const uint64_t huge = 512 * PAGE;
	uint64_t a = 0, before = m->vm_events[THP_FAULT_ALLOC];
	char c;
	struct user_fault fault;

	assert_int_equal(thp_set(m, "always", NULL), 0);
	assert_int_equal(uapi_mmap(m, 0, ADDR, 2 * huge, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, &a),
			 0);
	assert_int_equal(do_mbind(m, a, 2 * huge, MPOL_BIND, 0x2, 0), 0);
	touch(m, a);
	assert_int_equal(m->vm_events[THP_FAULT_ALLOC], before + 1);
	assert_int_equal(node_of(f, a), 1);
	assert_int_equal(node_of(f, a + huge - PAGE), 1);
	/* A read maps the huge zero page; the write then a THP, on node 1. */
	assert_int_equal(
		uapi_access_vm(m, 0, a + huge, &c, 1, USER_READ, &fault), 0);
	touch(m, a + huge + PAGE);
	assert_int_equal(m->vm_events[THP_FAULT_ALLOC], before + 2);
	assert_int_equal(node_of(f, a + huge), 1);
	assert_int_equal(node_of(f, a + 2 * huge - PAGE), 1);
	assert_int_equal(uapi_munmap(m, 0, a, 2 * huge), 0);
}

/* A named counter of a list, or fail. */
static int64_t counter(const struct snap_counter *c, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(c[i].name, name))
			return c[i].value;
	fail_msg("no counter %s", name);
	return -1;
}

/* numastat and nodeN/meminfo as data: each node's own values, and the
 * text printed from them. */
static void test_node_reports_as_data(void **state)
{
	struct numa_fixture *f = *state;
	struct machine *m = f->m;
	struct numastat_snapshot *ns;
	struct node_meminfo_snapshot *nm;
	unsigned long total = 0;
	struct seq_buf s;
	char line[96];
	int err;

	touch(m, map_pages(m, 2));
	ns = snapshot_take(&numastat_report, m, 0, &err);
	assert_non_null(ns);
	assert_int_equal(ns->nr_nodes, 2);
	for (unsigned int n = 0; n < 2; n++) {
		assert_int_equal(ns->nodes[n].node, n);
		assert_int_equal(ns->nodes[n].numa_hit,
				 numa_event(m, (int)n, NUMA_HIT));
		assert_int_equal(ns->nodes[n].other_node,
				 numa_event(m, (int)n, NUMA_OTHER));
	}
	assert_true(ns->nodes[0].numa_hit > 0);
	seq_buf_init(&s);
	assert_int_equal(numastat_show(ns, &s), 0);
	snprintf(line, sizeof(line), "\nnuma_hit        %16llu%16llu\n",
		 (unsigned long long)ns->nodes[0].numa_hit,
		 (unsigned long long)ns->nodes[1].numa_hit);
	assert_non_null(strstr(s.buf, line));
	snapshot_free(numastat_report.desc, ns);
	seq_buf_free(&s);

	for (int z = 0; z < MAX_NR_ZONES; z++)
		total += m->zones[MAX_NR_ZONES + z].managed_pages;
	nm = snapshot_take(&node_meminfo_report, m, 1, &err);
	assert_non_null(nm);
	assert_int_equal(nm->node, 1);
	assert_int_equal(nm->mem_total, total * 4);
	assert_int_equal(nm->mem_used, nm->mem_total - nm->mem_free);
	seq_buf_init(&s);
	assert_int_equal(node_meminfo_show(nm, &s), 0);
	snprintf(line, sizeof(line), "Node 1 MemTotal:       %8llu kB\n",
		 (unsigned long long)nm->mem_total);
	assert_memory_equal(s.buf, line, strlen(line));
	snapshot_free(node_meminfo_report.desc, nm);
	seq_buf_free(&s);
	/* No node 2, and no node -1. */
	assert_null(snapshot_take(&node_meminfo_report, m, 2, &err));
	assert_int_equal(err, -EINVAL);
	assert_null(snapshot_take(&node_meminfo_report, m, -1, &err));
	assert_int_equal(err, -EINVAL);
}

/* numa_maps as data: an interleaved VMA's pages on each node, every
 * count there, and its line of text. */
static void test_numa_maps_as_data(void **state)
{
	struct numa_fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a = map_pages(m, 4);
	struct numa_maps_snapshot *ns;
	const struct numa_maps_vma_snapshot *v = NULL;
	struct seq_buf s;
	char line[96];
	int err;

	assert_int_equal(do_mbind(m, a, 4 * PAGE, MPOL_INTERLEAVE, 0x3, 0), 0);
	for (unsigned int i = 0; i < 4; i++)
		touch(m, a + i * PAGE);
	ns = snapshot_take(&pid_numa_maps_report, m, f->pid, &err);
	assert_non_null(ns);
	for (size_t i = 0; i < ns->nr_vmas; i++)
		if (ns->vmas[i].start == a)
			v = &ns->vmas[i];
	assert_non_null(v);
	assert_string_equal(v->policy, "interleave:0-1");
	assert_string_equal(v->name, "");
	assert_int_equal(v->pages, 4);
	assert_int_equal(v->anon, 4);
	assert_int_equal(v->nr_nodes, 2);
	assert_int_equal(v->nodes[0], 2);
	assert_int_equal(v->nodes[1], 2);
	assert_int_equal(v->kernelpagesize_kb, 4);
	seq_buf_init(&s);
	assert_int_equal(pid_numa_maps_show(ns, &s), 0);
	snprintf(line, sizeof(line), "%08llx interleave:0-1 anon=4 dirty=4",
		 (unsigned long long)a);
	assert_non_null(strstr(s.buf, line));
	assert_non_null(strstr(s.buf, " N0=2 N1=2 kernelpagesize_kB=4\n"));
	snapshot_free(pid_numa_maps_report.desc, ns);
	seq_buf_free(&s);
	assert_null(snapshot_take(&pid_numa_maps_report, m, 9999, &err));
	assert_int_equal(err, -ESRCH);
}

/* zoneinfo, buddyinfo and vmstat as data: each zone's node, node 1's
 * own per-node stats, and the numa_* counters summed over the nodes. */
static void test_zone_reports_name_nodes(void **state)
{
	struct numa_fixture *f = *state;
	struct machine *m = f->m;
	struct zoneinfo_snapshot *zi;
	struct buddyinfo_snapshot *bi;
	struct vmstat_snapshot *vs;
	unsigned int with_stats = 0;
	int err;

	zi = snapshot_take(&zoneinfo_report, m, 0, &err);
	assert_non_null(zi);
	assert_true(zi->nr_zones > 2);
	for (size_t z = 0; z < zi->nr_zones; z++) {
		const struct zoneinfo_zone_snapshot *zs = &zi->zones[z];

		assert_int_equal(zs->node, z * 2 < zi->nr_zones ? 0 : 1);
		with_stats += zs->nr_per_node_stats ? 1 : 0;
		for (int t = 0; zs->populated && t < MAX_NR_ZONES; t++) {
			const struct zone *zone =
				&m->zones[zs->node * MAX_NR_ZONES + t];

			if (zone->name && !strcmp(zone->name, zs->zone))
				assert_int_equal(
					counter(zs->stats, zs->nr_stats,
						"numa_hit"),
					(int64_t)zone->vm_numa_event[NUMA_HIT]);
		}
	}
	assert_int_equal(with_stats, 2); /* one zone of each node */
	snapshot_free(zoneinfo_report.desc, zi);

	bi = snapshot_take(&buddyinfo_report, m, 0, &err);
	assert_non_null(bi);
	assert_int_equal(bi->zones[bi->nr_zones - 1].node, 1);
	assert_string_equal(bi->zones[bi->nr_zones - 1].zone, "Normal");
	snapshot_free(buddyinfo_report.desc, bi);

	vs = snapshot_take(&vmstat_report, m, 0, &err);
	assert_non_null(vs);
	assert_int_equal(counter(vs->counters, vs->nr_counters, "numa_hit"),
			 (int64_t)(numa_event(m, 0, NUMA_HIT) +
				   numa_event(m, 1, NUMA_HIT)));
	snapshot_free(vmstat_report.desc, vs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nodes_and_zonelists, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_local_alloc_and_events,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_vma_policies_place_pages,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_task_interleave_and_weights, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get_mempolicy, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_bad_policies, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mbind_move_and_strict,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_migrate_and_move_pages,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_fork_inherits_policy,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_local_and_preferred_many_place, setup, teardown),
		cmocka_unit_test(test_four_node_fallback_order),
		cmocka_unit_test(test_asymmetric_distances_order_by_row),
		cmocka_unit_test(test_bind_oom_through_faults),
		cmocka_unit_test_setup_teardown(test_bind_oom_kills_within,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_thp_follows_the_policy,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_node_reports_as_data,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_numa_maps_as_data, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_zone_reports_name_nodes,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_checker_sees_numa, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
