/* SPDX-License-Identifier: MIT */
/*
 * test_node_reclaim.c - reclaim per node on a two-socket machine: each
 * node's lruvec holds its own pages, reclaim of one node leaves the
 * other's lists alone, a refault is judged by the clock of the node the
 * page left, the node counters sum to the machine's and show in
 * nodeN/vmstat and nodeN/meminfo, each node's kswapd wakes and balances
 * alone, and zone_reclaim_mode reclaims the local node before falling
 * back to the remote one, with Linux's scan_control for each mode
 * (anonymous pages scanned; put in the swap cache and unmapped when it
 * may unmap, written out only when it may write) and the node's
 * shrinkers run. The small machine is config/x86_64-numa.yaml
 * scaled down (DMA and DMA32 on node 0, 21 apart); the shipped file
 * itself boots and shows the same per-node structures.
 */
#include "tests/unit/machines.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include "config/config.h"
#include "core/fs/fs.h"
#include "core/huge_mm.h"
#include "core/memory.h"
#include "core/page_alloc.h"
#include "core/pgtable.h"
#include "core/swap.h"
#include "core/swap_state.h"
#include "core/mmzone.h"
#include "core/node.h"
#include "core/sysctl.h"
#include "core/task.h"
#include "core/uapi.h"
#include "core/vmscan.h"
#include "core/vmstat.h"

#define FILE_PAGES  (192 * MiB / PAGE) /* more than node 0 holds */
#define SMALL_PAGES (40 * MiB / PAGE)  /* what the other tests read */
#define NODE1_CPU   2

struct rig {
	struct machine *m;
	int pid, fd;
};

/* Two nodes of 128 MiB (machines.h's two_node_layout), and a file. */
static void numa_layout(struct layout *l, unsigned long file_pages)
{
	two_node_layout(l, 128 * MiB);
	l->nr_files = 1;
	strcpy(l->files[0].name, "cache");
	l->files[0].size = file_pages * PAGE;
	layout_resolve(l);
}

static int setup_file(void **state, unsigned long file_pages)
{
	struct rig *r = calloc(1, sizeof(*r));
	struct layout l;

	numa_layout(&l, file_pages);
	r->m = boot(&l);
	assert_int_equal(task_create(r->m, "reader", 0, 0, &r->pid), 0);
	assert_int_equal(task_switch(r->m, r->pid), 0);
	assert_int_equal(uapi_open(r->m, 0, "/cache", O_RDONLY, 0, &r->fd), 0);
	/* No readahead: each read caches exactly the pages it asks for. */
	assert_int_equal(
		uapi_fadvise64(r->m, 0, r->fd, 0, 0, POSIX_FADV_RANDOM), 0);
	*state = r;
	return 0;
}

static int setup(void **state)
{
	return setup_file(state, SMALL_PAGES);
}

/* A file larger than node 0, for the tests that fill it. */
static int setup_large(void **state)
{
	return setup_file(state, FILE_PAGES);
}

static int teardown(void **state)
{
	struct rig *r = *state;

	assert_consistent(r->m);
	machine_destroy(r->m);
	free(r);
	return 0;
}

static long node_stat(const struct machine *m, int nid,
		      enum node_stat_item item)
{
	return node_page_state(&m->node_data[nid], item);
}

static unsigned long lru_pages(struct machine *m, int nid, enum lru_list lru)
{
	return node_lruvec(m, nid)->nr_pages[lru];
}

static unsigned long numa_event(const struct machine *m, int nid, int item)
{
	unsigned long sum = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		sum += m->zones[nid * MAX_NR_ZONES + z].vm_numa_event[item];
	return sum;
}

/* Read n pages of the file from page index from, on the current CPU. */
static void read_pages(struct rig *r, unsigned long from, unsigned long n)
{
	static uint8_t buf[256 * 1024];

	while (n) {
		unsigned long k =
			n < sizeof(buf) / PAGE ? n : sizeof(buf) / PAGE;
		size_t done;

		assert_int_equal(uapi_pread64(r->m, 0, r->fd, buf, k * PAGE,
					      (int64_t)(from * PAGE), &done),
				 0);
		assert_int_equal(done, k * PAGE);
		from += k;
		n -= k;
	}
}

/*
 * Fill node 0 with the file's clean pages from CPU 0 until a page lands
 * on node 1: node 0 is below its low watermark. Returns the next index.
 * Watermark boosting is off (machines.h's boot_unboosted says why): no
 * kswapd runs here to take a boost off.
 */
static unsigned long fill_node0_with_cache(struct rig *r)
{
	unsigned long index = 0;

	assert_int_equal(
		uapi_admin_sysctl(r->m, "vm.watermark_boost_factor", 0), 0);
	read_pages(r, 0, 64 * MiB / PAGE);
	index = 64 * MiB / PAGE;
	while (!node_stat(r->m, 1, NR_FILE_PAGES)) {
		assert_true(index < FILE_PAGES);
		read_pages(r, index++, 1);
	}
	return index;
}

/* Pages go on their own node's lruvec; the counters follow per node. */
static void test_lru_per_node(void **state)
{
	struct rig *r = *state;
	struct machine *m = r->m;
	unsigned long file0 = lru_pages(m, 0, LRU_INACTIVE_FILE);
	long cached0 = node_stat(m, 0, NR_FILE_PAGES);
	uint64_t addr = 0;
	char c = 'x';
	struct user_fault fault;

	/* Boot cached the filesystem's metadata blocks: node 0's. */
	assert_int_equal(lru_pages(m, 1, LRU_INACTIVE_FILE), 0);
	read_pages(r, 0, 64);
	assert_int_equal(lru_pages(m, 0, LRU_INACTIVE_FILE), file0 + 64);
	assert_int_equal(lru_pages(m, 1, LRU_INACTIVE_FILE), 0);
	assert_int_equal(node_stat(m, 0, NR_FILE_PAGES), cached0 + 64);
	/* Anonymous pages faulted on a CPU of node 1 are node 1's. */
	assert_int_equal(machine_set_cpu(m, NODE1_CPU), 0);
	assert_int_equal(uapi_mmap(m, 0, 0, 32 * PAGE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, &addr),
			 0);
	for (int i = 0; i < 32; i++)
		assert_int_equal(uapi_access_vm(m, 0, addr + i * PAGE, &c, 1,
						USER_WRITE, &fault),
				 0);
	assert_int_equal(lru_pages(m, 1, LRU_INACTIVE_ANON), 32);
	assert_int_equal(lru_pages(m, 0, LRU_INACTIVE_ANON), 0);
	assert_int_equal(node_stat(m, 1, NR_ANON_MAPPED), 32);
	assert_int_equal(node_stat(m, 0, NR_ANON_MAPPED), 0);
	assert_int_equal(m->node_stat[NR_ANON_MAPPED], 32);
	assert_int_equal(m->node_stat[NR_FILE_PAGES],
			 node_stat(m, 0, NR_FILE_PAGES) +
				 node_stat(m, 1, NR_FILE_PAGES));
	assert_consistent(m);
}

/* Reclaiming node 1's lruvec leaves node 0's lists and clock alone. */
static void test_reclaim_leaves_other_node(void **state)
{
	struct rig *r = *state;
	struct machine *m = r->m;
	unsigned long age0, lists0[NR_LRU_LISTS], freed;

	read_pages(r, 0, 64);
	assert_int_equal(machine_set_cpu(r->m, NODE1_CPU), 0);
	read_pages(r, 1024, 96);
	assert_int_equal(lru_pages(m, 1, LRU_INACTIVE_FILE), 96);
	for (int lru = 0; lru < NR_LRU_LISTS; lru++)
		lists0[lru] = lru_pages(m, 0, (enum lru_list)lru);
	age0 = node_lruvec(m, 0)->nonresident_age;
	freed = shrink_lruvec(m, node_lruvec(m, 1), 1UL << 20);
	assert_int_equal(freed, 96);
	assert_int_equal(lru_pages(m, 1, LRU_INACTIVE_FILE), 0);
	assert_int_equal(node_stat(m, 1, NR_FILE_PAGES), 0);
	for (int lru = 0; lru < NR_LRU_LISTS; lru++)
		assert_int_equal(lru_pages(m, 0, (enum lru_list)lru),
				 lists0[lru]);
	assert_int_equal(node_lruvec(m, 0)->nonresident_age, age0);
	assert_int_equal(node_lruvec(m, 1)->nonresident_age, 96);
	/* The shadows are node 1's: they record the node they left. */
	assert_int_equal(node_lruvec(m, 1)->nr_shadows, 96);
	assert_int_equal(node_lruvec(m, 0)->nr_shadows, 0);
	assert_int_equal(node_stat(m, 1, WORKINGSET_NODES), 96);
	assert_consistent(m);
}

/*
 * A page evicted from node 1 comes back active though node 0 evicted
 * hundreds meanwhile: its distance is node 1's clock, not the machine's.
 */
static void test_refault_uses_its_node_clock(void **state)
{
	struct rig *r = *state;
	struct machine *m = r->m;

	assert_int_equal(machine_set_cpu(m, NODE1_CPU), 0);
	read_pages(r, 2048, 64);
	read_pages(r, 2048, 64); /* referenced twice: active */
	assert_int_equal(lru_pages(m, 1, LRU_ACTIVE_FILE), 64);
	read_pages(r, 4096, 8);
	assert_int_equal(shrink_lruvec(m, node_lruvec(m, 1), 8), 8);
	assert_int_equal(node_lruvec(m, 1)->nr_shadows, 8);
	/* Node 0 evicts 512 pages: its clock runs, node 1's does not. */
	assert_int_equal(machine_set_cpu(m, 0), 0);
	read_pages(r, 0, 512);
	assert_true(shrink_lruvec(m, node_lruvec(m, 0), 512) >= 512);
	assert_true(node_lruvec(m, 0)->nonresident_age >= 512);
	assert_true(node_lruvec(m, 1)->nonresident_age <= 8 + 64);
	/* The refault, from node 1's CPU: within node 1's working set. */
	assert_int_equal(machine_set_cpu(m, NODE1_CPU), 0);
	read_pages(r, 4096, 1);
	assert_true(node_stat(m, 1, WORKINGSET_REFAULT_FILE) >= 1);
	assert_int_equal(node_stat(m, 1, WORKINGSET_ACTIVATE_FILE),
			 node_stat(m, 1, WORKINGSET_REFAULT_FILE));
	assert_int_equal(node_stat(m, 0, WORKINGSET_REFAULT_FILE), 0);
	assert_consistent(m);
}

/*
 * nodeN/vmstat and nodeN/meminfo show the node's own counters; the
 * nodes' lines sum to /proc/vmstat's.
 */
static void test_node_vmstat_and_meminfo(void **state)
{
	struct rig *r = *state;
	struct machine *m = r->m;
	struct node_meminfo_snapshot nm;
	struct seq_buf s;
	char line[64];

	long cached0 = node_stat(m, 0, NR_FILE_PAGES);

	read_pages(r, 0, 100);
	assert_int_equal(machine_set_cpu(m, NODE1_CPU), 0);
	read_pages(r, 1000, 28);
	seq_buf_init(&s);
	assert_int_equal(report_node_vmstat(m, 1, &s), 0);
	assert_non_null(strstr(s.buf, "nr_free_pages "));
	assert_non_null(strstr(s.buf, "\nnuma_hit "));
	snprintf(line, sizeof(line), "\nnr_file_pages %ld\n",
		 node_stat(m, 1, NR_FILE_PAGES));
	assert_non_null(strstr(s.buf, line));
	assert_int_equal(node_stat(m, 1, NR_FILE_PAGES), 28);
	/* The node's zone counters come first, its own last, as Linux's. */
	assert_true(strstr(s.buf, "nr_zone_inactive_file") <
		    strstr(s.buf, "numa_hit"));
	assert_true(strstr(s.buf, "numa_other") <
		    strstr(s.buf, "nr_inactive_anon"));
	seq_buf_free(&s);
	seq_buf_init(&s);
	assert_int_equal(report_node_vmstat(m, 2, &s), -EINVAL);
	seq_buf_free(&s);
	memset(&nm, 0, sizeof(nm));
	assert_int_equal(node_meminfo_fill(m, 0, &nm), 0);
	assert_int_equal(nm.file_pages, (cached0 + 100) * 4);
	assert_int_equal(nm.inactive_file,
			 lru_pages(m, 0, LRU_INACTIVE_FILE) * 4);
	assert_int_equal(nm.mapped, 0);
	assert_true(nm.kernel_stack > 0); /* the task's stack is node 0's */
	memset(&nm, 0, sizeof(nm));
	assert_int_equal(node_meminfo_fill(m, 1, &nm), 0);
	assert_int_equal(nm.file_pages, 28 * 4);
	assert_int_equal(nm.kernel_stack, 0);
	/* zoneinfo's per-node stats: once per node, each its own. */
	seq_buf_init(&s);
	assert_int_equal(report_zoneinfo(m, &s), 0);
	snprintf(line, sizeof(line), "nr_file_pages %ld",
		 node_stat(m, 1, NR_FILE_PAGES));
	assert_non_null(strstr(strstr(s.buf, "Node 1, zone   Normal"), line));
	seq_buf_free(&s);
}

/* Wake node 1's kswapd alone: node 1's free drops under its low mark. */
static unsigned long drain_node1(struct machine *m, struct page **held,
				 unsigned long max)
{
	const struct zone *zone = &m->zones[MAX_NR_ZONES + ZONE_NORMAL];
	unsigned long n = 0;

	while (n < max &&
	       zone->vm_stat[NR_FREE_PAGES] >= (long)low_wmark_pages(zone)) {
		struct page *page =
			alloc_pages_node(m, 1, GFP_NOWAIT | __GFP_THISNODE, 0);

		assert_false(IS_ERR(page));
		held[n++] = page;
	}
	/* One more that fails the low mark wakes kswapd. */
	held[n] = alloc_pages_node(m, 1, GFP_NOWAIT | __GFP_THISNODE, 0);
	if (!IS_ERR(held[n]))
		n++;
	return n;
}

static void test_kswapd_per_node(void **state)
{
	struct rig *r = *state;
	struct machine *m = r->m;
	const struct zone *zone = &m->zones[MAX_NR_ZONES + ZONE_NORMAL];
	unsigned long n, lists0[NR_LRU_LISTS], file1, max = 64 * 1024;
	struct page **held = calloc(max + 1, sizeof(*held));

	read_pages(r, 0, 64);
	assert_int_equal(machine_set_cpu(m, NODE1_CPU), 0);
	read_pages(r, 1024, 32 * MiB / PAGE);
	file1 = lru_pages(m, 1, LRU_INACTIVE_FILE);
	n = drain_node1(m, held, max);
	assert_true(kswapd_wanted(m));
	assert_true(NODE_DATA(m, 1)->kswapd.wanted);
	assert_false(NODE_DATA(m, 0)->kswapd.wanted);
	assert_int_equal(NODE_DATA(m, 1)->kswapd.wakeups, 1);
	assert_int_equal(NODE_DATA(m, 0)->kswapd.wakeups, 0);
	for (int lru = 0; lru < NR_LRU_LISTS; lru++)
		lists0[lru] = lru_pages(m, 0, (enum lru_list)lru);
	assert_true(kswapd_run(m) > 0);
	assert_false(kswapd_wanted(m));
	/* Node 1 balanced from its own cache; node 0 untouched. */
	assert_true(zone->vm_stat[NR_FREE_PAGES] >=
		    (long)high_wmark_pages(zone));
	assert_true(lru_pages(m, 1, LRU_INACTIVE_FILE) < file1);
	for (int lru = 0; lru < NR_LRU_LISTS; lru++)
		assert_int_equal(lru_pages(m, 0, (enum lru_list)lru),
				 lists0[lru]);
	assert_int_equal(m->vm_events[PAGEOUTRUN], 1);
	assert_true(m->vm_events[PGSTEAL_KSWAPD] > 0);
	assert_consistent(m);
	while (n)
		__free_pages(m, held[--n], 0);
	free(held);
}

/* zone_reclaim_mode 0: node 0 full of cache, new pages come from node 1. */
static void test_zone_reclaim_off_falls_back(void **state)
{
	struct rig *r = *state;
	struct machine *m = r->m;
	unsigned long index = fill_node0_with_cache(r), miss, file0;

	miss = numa_event(m, 1, NUMA_MISS);
	file0 = (unsigned long)node_stat(m, 0, NR_FILE_PAGES);
	assert_true(miss > 0);
	read_pages(r, index, 64);
	assert_int_equal(numa_event(m, 1, NUMA_MISS), miss + 64);
	assert_int_equal(numa_event(m, 0, NUMA_FOREIGN), miss + 64);
	assert_int_equal(node_stat(m, 0, NR_FILE_PAGES), (long)file0);
	assert_int_equal(m->vm_events[PGSCAN_ZONE_RECLAIM_SUCCESS], 0);
	assert_int_equal(m->vm_events[PGSCAN_ZONE_RECLAIM_FAILED], 0);
	assert_consistent(m);
}

/*
 * zone_reclaim_mode 1 (RECLAIM_ZONE): the local node's clean cache is
 * reclaimed first and the new pages stay on node 0.
 */
static void test_zone_reclaim_reclaims_local(void **state)
{
	struct rig *r = *state;
	struct machine *m = r->m;
	unsigned long index = fill_node0_with_cache(r), miss;
	long file1;

	miss = numa_event(m, 1, NUMA_MISS);
	file1 = node_stat(m, 1, NR_FILE_PAGES);
	assert_int_equal(uapi_admin_sysctl(m, "vm.zone_reclaim_mode", 1), 0);
	read_pages(r, index, 64);
	assert_int_equal(numa_event(m, 1, NUMA_MISS), miss);
	assert_int_equal(node_stat(m, 1, NR_FILE_PAGES), file1);
	assert_true(m->vm_events[PGSCAN_ZONE_RECLAIM_SUCCESS] > 0);
	assert_int_equal(m->vm_events[PGSCAN_ZONE_RECLAIM_FAILED], 0);
	assert_true(node_lruvec(m, 0)->nr_shadows >= 64);
	assert_int_equal(node_lruvec(m, 1)->nr_shadows, 0);
	/* node 1's CPU does not reclaim node 0 (it has CPUs of its own). */
	assert_int_equal(node_reclaim(m, NODE_DATA(m, 0), GFP_KERNEL, 0),
			 NODE_RECLAIM_SUCCESS);
	/* A caller that may not block does not scan. */
	assert_int_equal(node_reclaim(m, NODE_DATA(m, 0), GFP_NOWAIT, 0),
			 NODE_RECLAIM_NOSCAN);
	assert_int_equal(machine_set_cpu(m, NODE1_CPU), 0);
	assert_int_equal(node_reclaim(m, NODE_DATA(m, 0), GFP_KERNEL, 0),
			 NODE_RECLAIM_NOSCAN);
	assert_consistent(m);
}

/* Below min_unmapped_ratio of cache a node is FULL; bad values refused. */
static void test_zone_reclaim_thresholds_and_errors(void **state)
{
	struct rig *r = *state;
	struct machine *m = r->m;
	const struct pglist_data *pgdat = NODE_DATA(m, 1);
	unsigned long managed = 0;
	struct seq_buf s;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		managed += pgdat->node_zones[z].managed_pages / 100;
	assert_int_equal(pgdat->min_unmapped_pages, managed);
	assert_int_equal(m->vm.zone_reclaim_mode, 0);
	assert_int_equal(uapi_admin_sysctl(m, "vm.zone_reclaim_mode", 1), 0);
	/* Node 1 holds no cache: nothing worth reclaiming. */
	assert_int_equal(machine_set_cpu(m, NODE1_CPU), 0);
	assert_int_equal(node_reclaim(m, NODE_DATA(m, 1), GFP_KERNEL, 0),
			 NODE_RECLAIM_FULL);
	assert_int_equal(uapi_admin_sysctl(m, "vm.zone_reclaim_mode", -1),
			 -EINVAL);
	assert_int_equal(uapi_admin_sysctl(m, "vm.min_unmapped_ratio", 101),
			 -EINVAL);
	assert_int_equal(uapi_admin_sysctl(m, "vm.min_slab_ratio", 101),
			 -EINVAL);
	assert_int_equal(m->vm.zone_reclaim_mode, 1);
	assert_int_equal(uapi_admin_sysctl(m, "vm.min_unmapped_ratio", 10), 0);
	assert_int_equal(pgdat->min_unmapped_pages / 10, managed);
	assert_int_equal(uapi_admin_sysctl(m, "vm.zone_reclaim_mode", 7), 0);
	seq_buf_init(&s);
	assert_int_equal(report_sysctl_vm(m, &s), 0);
	assert_non_null(strstr(s.buf, "vm.min_slab_ratio = 5\n"
				      "vm.min_unmapped_ratio = 10\n"));
	assert_non_null(strstr(s.buf, "vm.zone_reclaim_mode = 7\n"));
	seq_buf_free(&s);
}

/* The checker sees a page on the wrong node, a bad sum, a bad kswapd. */
static void test_checker_sees_nodes(void **state)
{
	struct rig *r = *state;
	struct machine *m = r->m;
	struct lruvec *lv0 = node_lruvec(m, 0), *lv1 = node_lruvec(m, 1);
	struct page *page;

	assert_int_equal(machine_set_cpu(m, NODE1_CPU), 0);
	read_pages(r, 0, 4);
	NODE_DATA(m, 1)->vm_stat[NR_DIRTIED]++;
	assert_check_fails(m, "nr_dirtied: the nodes' sum");
	NODE_DATA(m, 1)->vm_stat[NR_DIRTIED]--;
	/* A node 1 page moved to node 0's list, counts and all. */
	page = list_first_entry(&lv1->lists[LRU_INACTIVE_FILE], struct page,
				lru);
	list_move(&page->lru, &lv0->lists[LRU_INACTIVE_FILE]);
	lv0->nr_pages[LRU_INACTIVE_FILE]++;
	lv1->nr_pages[LRU_INACTIVE_FILE]--;
	assert_check_fails(m, "on node 0's list 2");
	list_move(&page->lru, &lv1->lists[LRU_INACTIVE_FILE]);
	lv0->nr_pages[LRU_INACTIVE_FILE]--;
	lv1->nr_pages[LRU_INACTIVE_FILE]++;
	NODE_DATA(m, 1)->vm_stat[NR_INACTIVE_FILE]--;
	m->node_stat[NR_INACTIVE_FILE]--;
	assert_check_fails(
		m, "node 1's list 2 holds 4 pages; nr_inactive_file says 3");
	NODE_DATA(m, 1)->vm_stat[NR_INACTIVE_FILE]++;
	m->node_stat[NR_INACTIVE_FILE]++;
	NODE_DATA(m, 0)->kswapd.order = m->max_order + 1;
	assert_check_fails(m, "kswapd0");
	NODE_DATA(m, 0)->kswapd.order = 0;
	assert_consistent(m);
}

/* The shipped two-socket layout: each node's reclaim state, idle. */
static void test_shipped_numa_layout(void **state)
{
	struct config_errors errs;
	struct layout l;
	struct machine *m;
	struct seq_buf s;
	int pid;

	(void)state;
	assert_int_equal(config_load_file("config/x86_64-numa.yaml", &l, &errs),
			 0);
	/* Its memmap written as used: the boot costs little host memory. */
	l.kernel.deferred_struct_page_init = 1;
	m = boot(&l);
	assert_int_equal(m->nr_node_ids, 2);
	for (int nid = 0; nid < 2; nid++) {
		const struct pglist_data *pgdat = NODE_DATA(m, nid);
		unsigned long managed = 0;

		for (int z = 0; z < MAX_NR_ZONES; z++)
			managed += pgdat->node_zones[z].managed_pages;
		/* 1% and 5% of 32 GiB, zone by zone. */
		assert_true(pgdat->min_unmapped_pages > managed / 100 - 4 &&
			    pgdat->min_unmapped_pages <= managed / 100);
		assert_true(pgdat->min_slab_pages > managed / 20 - 4 &&
			    pgdat->min_slab_pages <= managed / 20);
		assert_false(pgdat->kswapd.wanted);
		assert_false(pgdat->kcompactd.wanted);
		assert_int_equal(pgdat->kswapd.wakeups, 0);
	}
	/* Nothing user's yet: node 1's lists are empty. */
	for (int lru = 0; lru < NR_LRU_LISTS; lru++)
		assert_true(list_empty(&NODE_DATA(m, 1)->__lruvec.lists[lru]));
	/* A task made on node 1's CPU has its stack on node 1. */
	assert_int_equal(machine_set_cpu(m, NODE1_CPU), 0);
	assert_int_equal(task_create(m, "far", 0, 0, &pid), 0);
	assert_true(node_page_state(NODE_DATA(m, 1), NR_KERNEL_STACK_KB) > 0);
	assert_int_equal(
		node_page_state(NODE_DATA(m, 0), NR_KERNEL_STACK_KB) +
			node_page_state(NODE_DATA(m, 1), NR_KERNEL_STACK_KB),
		m->node_stat[NR_KERNEL_STACK_KB]);
	seq_buf_init(&s);
	assert_int_equal(report_node_vmstat(m, 1, &s), 0);
	assert_non_null(strstr(s.buf, "nr_free_pages "));
	seq_buf_free(&s);
	assert_consistent(m);
	machine_destroy(m);
}

/* The layout's vm: key sets zone_reclaim_mode at boot; -1 is refused. */
static void test_layout_zone_reclaim_mode(void **state)
{
	const char *good = "machine: {memory: 64M}\n"
			   "vm: {zone_reclaim_mode: 3}\n";
	const char *bad = "machine: {memory: 64M}\n"
			  "vm: {zone_reclaim_mode: -1}\n";
	struct config_errors errs;
	struct layout l;
	struct machine *m;

	(void)state;
	memset(&errs, 0, sizeof(errs));
	assert_int_equal(
		config_load_string("t.yaml", good, strlen(good), &l, &errs), 0);
	assert_int_equal(l.vm.zone_reclaim_mode, RECLAIM_ZONE | RECLAIM_WRITE);
	m = boot(&l);
	assert_int_equal(m->vm.zone_reclaim_mode, 3);
	assert_true(node_reclaim_enabled(m));
	machine_destroy(m);
	memset(&errs, 0, sizeof(errs));
	assert_int_not_equal(
		config_load_string("t.yaml", bad, strlen(bad), &l, &errs), 0);
	assert_string_equal(errs.err[0].key, "vm.zone_reclaim_mode");
}

/* n anonymous pages at ADDR_ANON, written, on the current CPU's node. */
#define ADDR_ANON 0x40000000ULL
static void touch_anon(struct machine *m, unsigned long n)
{
	struct user_fault fault;
	uint64_t a = 0;
	char c = 'a';

	assert_int_equal(uapi_mmap(m, 0, ADDR_ANON, n * PAGE,
				   PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, &a),
			 0);
	for (unsigned long i = 0; i < n; i++)
		assert_int_equal(uapi_access_vm(m, 0, a + i * PAGE, &c, 1,
						USER_WRITE, &fault),
				 0);
}

/*
 * node_reclaim's scan_control, as Linux's: may_swap always, so the
 * anonymous lists are scanned in every mode; may_unmap only with
 * RECLAIM_UNMAP (mode 1: mapped pages scanned and rotated, kept);
 * may_writepage only with RECLAIM_WRITE (mode 5: nothing swapped out).
 * One clean cache page makes the node worth reclaiming
 * (min_unmapped_ratio 0); the rest of the pass goes to the anon list.
 */
static void test_node_reclaim_anon_rules(void **state)
{
	struct rig *r = *state;
	struct machine *m = r->m;
	struct mm_struct *mm = find_task_by_pid(m, r->pid)->mm;
	unsigned long scan, out = m->vm_events[PSWPOUT];

	touch_anon(m, 256);
	assert_int_equal(uapi_admin_sysctl(m, "vm.min_unmapped_ratio", 0), 0);
	assert_int_equal(uapi_admin_sysctl(m, "vm.zone_reclaim_mode", 1), 0);
	read_pages(r, 0, 1);
	scan = m->vm_events[PGSCAN_ANON];
	assert_int_equal(node_reclaim(m, NODE_DATA(m, 0), GFP_KERNEL, 0),
			 NODE_RECLAIM_SUCCESS);
	assert_true(m->vm_events[PGSCAN_ANON] > scan);
	assert_int_equal(m->vm_events[PSWPOUT], out);
	assert_int_equal(mm->rss_stat[MM_ANONPAGES], 256);
	/* RECLAIM_UNMAP without RECLAIM_WRITE: nothing written, but the
	 * pages reclaim took are in the swap cache and unmapped. */
	assert_int_equal(uapi_admin_sysctl(m, "vm.zone_reclaim_mode", 5), 0);
	for (int i = 0; i < 4; i++) {
		read_pages(r, 1 + (unsigned long)i, 1);
		scan = m->vm_events[PGSCAN_ANON];
		node_reclaim(m, NODE_DATA(m, 0), GFP_KERNEL, 0);
		assert_true(m->vm_events[PGSCAN_ANON] > scan);
	}
	assert_int_equal(m->vm_events[PSWPOUT], out);
	assert_int_equal(mm->rss_stat[MM_ANONPAGES],
			 256 - global_node_page_state(m, NR_SWAPCACHE));
	assert_int_equal(mm->rss_stat[MM_SWAPENTS],
			 global_node_page_state(m, NR_SWAPCACHE));
	assert_consistent(m);
}

/* The first page of ADDR_ANON's n that a swap entry maps, or 0. */
static uint64_t swapped_anon(struct machine *m, struct mm_struct *mm,
			     unsigned long n, uint64_t *pte)
{
	for (unsigned long i = 0; i < n; i++) {
		uint64_t a = ADDR_ANON + i * PAGE;
		struct pgtable_walk w;

		if (pgtable_walk(m, mm->pgd, a, &w))
			continue;
		*pte = w.level[w.levels - 1].entry;
		if (pte_is_swap(*pte))
			return a;
	}
	return 0;
}

/*
 * node_reclaim in mode 5 (RECLAIM_ZONE | RECLAIM_UNMAP), as
 * shrink_folio_list: add_to_swap, try_to_unmap, then keep, pageout not
 * allowed. The page stays in RAM in the swap cache (SwapCached in
 * meminfo and nodeN/meminfo, a swap slot taken, kpageflags' SWAPCACHE),
 * its entry a swap entry (pagemap: not present); a read finds it again,
 * a minor fault with no read from swap, and leaves it cached; a write
 * takes it out of the cache; a reclaim that may write writes it out
 * (pswpout) and frees it, and the next fault reads it back (major);
 * munmap frees the rest, slots and pages.
 */
static void test_node_reclaim_unmap_keeps_swap_cache(void **state)
{
	struct rig *r = *state;
	struct machine *m = r->m;
	struct mm_struct *mm = find_task_by_pid(m, r->pid)->mm;
	unsigned long maj = m->vm_events[PGMAJFAULT], in = m->vm_events[PSWPIN];
	unsigned long free_swap = nr_free_swap_pages(m), pfn, cached;
	struct user_fault fault;
	struct page *page;
	uint64_t a, pte;
	char c = 0;

	touch_anon(m, 64);
	assert_int_equal(uapi_admin_sysctl(m, "vm.min_unmapped_ratio", 0), 0);
	assert_int_equal(uapi_admin_sysctl(m, "vm.zone_reclaim_mode", 5), 0);
	for (int i = 0; i < 8; i++) {
		read_pages(r, (unsigned long)i, 1);
		node_reclaim(m, NODE_DATA(m, 0), GFP_KERNEL, 0);
	}
	cached = (unsigned long)global_node_page_state(m, NR_SWAPCACHE);
	assert_true(cached > 0);
	assert_int_equal(node_page_state(NODE_DATA(m, 0), NR_SWAPCACHE),
			 cached);
	assert_int_equal(nr_free_swap_pages(m), free_swap - cached);
	assert_int_equal(m->vm_events[PSWPOUT], 0);
	a = swapped_anon(m, mm, 64, &pte);
	assert_true(a != 0);
	page = lookup_swap_cache(m, swp_offset(pte));
	assert_non_null(page);
	assert_int_equal(page->swap, swp_offset(pte));
	assert_int_equal(page_mapcount(page), 0);
	pfn = page_to_pfn(m, page);
	assert_consistent(m);
	/* A read: minor, the same frame, still cached. */
	assert_int_equal(uapi_access_vm(m, 0, a, &c, 1, USER_READ, &fault), 0);
	assert_int_equal(c, 'a');
	assert_int_equal(m->vm_events[PGMAJFAULT], maj);
	assert_int_equal(m->vm_events[PSWPIN], in);
	assert_int_equal(pgtable_lookup(m, mm->pgd, a, &pte, &pfn), 0);
	assert_int_equal(pfn, page_to_pfn(m, page));
	assert_int_equal(global_node_page_state(m, NR_SWAPCACHE), cached);
	assert_consistent(m);
	/* Mapped writable (the slot was this entry's and the cache's
	 * alone): a write does not fault, the page stays cached. */
	c = 'b';
	assert_int_equal(uapi_access_vm(m, 0, a, &c, 1, USER_WRITE, &fault), 0);
	assert_int_equal(global_node_page_state(m, NR_SWAPCACHE), cached);
	/* A write fault on another: the slot's copy would be stale, the
	 * cache lets the page go (should_try_to_free_swap). */
	a = swapped_anon(m, mm, 64, &pte);
	page = lookup_swap_cache(m, swp_offset(pte));
	assert_int_equal(uapi_access_vm(m, 0, a, &c, 1, USER_WRITE, &fault), 0);
	assert_int_equal(global_node_page_state(m, NR_SWAPCACHE), cached - 1);
	assert_int_equal(page->swap, 0);
	assert_int_equal(m->vm_events[PGMAJFAULT], maj);
	assert_consistent(m);
	/* A reclaim that may write: the next cached page goes out. */
	a = swapped_anon(m, mm, 64, &pte);
	assert_true(a != 0);
	page = lookup_swap_cache(m, swp_offset(pte));
	assert_true(reclaim_page(m, page));
	assert_int_equal(m->vm_events[PSWPOUT], 1);
	assert_null(lookup_swap_cache(m, swp_offset(pte)));
	assert_int_equal(global_node_page_state(m, NR_SWAPCACHE), cached - 2);
	assert_consistent(m);
	assert_int_equal(uapi_access_vm(m, 0, a, &c, 1, USER_READ, &fault), 0);
	assert_int_equal(c, 'a');
	assert_int_equal(m->vm_events[PGMAJFAULT], maj + 1);
	assert_int_equal(m->vm_events[PSWPIN], in + 1);
	/* munmap: every slot and cached page freed. */
	assert_int_equal(uapi_munmap(m, 0, ADDR_ANON, 64 * PAGE), 0);
	assert_int_equal(global_node_page_state(m, NR_SWAPCACHE), 0);
	assert_int_equal(nr_free_swap_pages(m), free_swap);
	assert_consistent(m);
}

static long node_free(const struct machine *m, int nid)
{
	long sum = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		sum += m->zones[nid * MAX_NR_ZONES + z].vm_stat[NR_FREE_PAGES];
	return sum;
}

/*
 * __node_reclaim runs the node's shrinkers, as shrink_node's
 * shrink_slab: a THP of node 0 half unmapped waits on the deferred split
 * queue; node 1's reclaim leaves it, node 0's splits it and frees the
 * unmapped half.
 */
static void test_node_reclaim_runs_node_shrinkers(void **state)
{
	struct rig *r = *state;
	struct machine *m = r->m;
	unsigned long split = m->vm_events[THP_SPLIT_PAGE];
	long free0;

	assert_int_equal(thp_set(m, "always", NULL), 0);
	touch_anon(m, 512);
	assert_int_equal(uapi_munmap(m, 0, ADDR_ANON + 256 * PAGE, 256 * PAGE),
			 0);
	assert_int_equal(m->thp.split_queue_len, 1);
	assert_int_equal(uapi_admin_sysctl(m, "vm.min_unmapped_ratio", 0), 0);
	assert_int_equal(uapi_admin_sysctl(m, "vm.zone_reclaim_mode", 1), 0);
	assert_int_equal(machine_set_cpu(m, NODE1_CPU), 0);
	read_pages(r, 0, 1); /* a cache page on node 1 */
	assert_int_equal(node_reclaim(m, NODE_DATA(m, 1), GFP_KERNEL, 0),
			 NODE_RECLAIM_SUCCESS);
	assert_int_equal(m->thp.split_queue_len, 1);
	assert_int_equal(machine_set_cpu(m, 0), 0);
	read_pages(r, 1, 1);
	drain_all_pages(m);
	free0 = node_free(m, 0);
	assert_int_equal(node_reclaim(m, NODE_DATA(m, 0), GFP_KERNEL, 0),
			 NODE_RECLAIM_SUCCESS);
	assert_int_equal(m->thp.split_queue_len, 0);
	assert_int_equal(m->vm_events[THP_SPLIT_PAGE], split + 1);
	drain_all_pages(m);
	assert_true(node_free(m, 0) >= free0 + 256);
	assert_consistent(m);
}

/*
 * wakeup_kswapd leaves a balanced node's kswapd asleep, as Linux's
 * returns before wake_up_interruptible: the slow path wakes only the
 * nodes short of memory; a boost wakes a balanced one all the same.
 */
static void test_balanced_node_not_woken(void **state)
{
	struct rig *r = *state;
	struct machine *m = r->m;
	struct zone *normal1 = &m->zones[MAX_NR_ZONES + ZONE_NORMAL];
	struct kswapd_state *k = &NODE_DATA(m, 1)->kswapd;

	wakeup_kswapd(m, normal1, GFP_KERNEL, 0, ZONE_NORMAL);
	assert_false(k->wanted);
	assert_int_equal(k->wakeups, 0);
	assert_false(kswapd_wanted(m));
	assert_int_equal(kswapd_run(m), 0);
	assert_int_equal(m->vm_events[PAGEOUTRUN], 0);
	/* A watermark boost is work for kswapd on a balanced node. */
	normal1->watermark_boost = 32;
	wakeup_kswapd(m, normal1, GFP_KERNEL, 0, ZONE_NORMAL);
	assert_true(k->wanted);
	assert_int_equal(k->wakeups, 1);
	kswapd_run(m);
	assert_int_equal(m->vm_events[PAGEOUTRUN], 1);
	assert_int_equal(normal1->watermark_boost, 0);
	assert_false(k->wanted);
	assert_consistent(m);
}

/*
 * Node 1's memory all taken by the kernel (pages no reclaim can take),
 * as many as GFP_NOWAIT gets; their pfns for the caller to free.
 */
static unsigned long fill_node1(struct machine *m, unsigned long **held)
{
	unsigned long n = 0, cap = 64 * 1024;
	unsigned long *pfns = malloc(cap * sizeof(*pfns));
	struct page *page;

	assert_non_null(pfns);
	while (n < cap &&
	       !IS_ERR(page = __alloc_pages(m, GFP_NOWAIT | __GFP_THISNODE, 0,
					    1, NULL)))
		pfns[n++] = page_to_pfn(m, page);
	*held = pfns;
	return n;
}

static bool node1_unreclaimable(struct machine *m)
{
	struct seq_buf s;
	bool yes;

	seq_buf_init(&s);
	assert_int_equal(report_zoneinfo(m, &s), 0);
	yes = strstr(strstr(s.buf, "Node 1, zone"), "node_unreclaimable:  1");
	seq_buf_free(&s);
	return yes;
}

/*
 * kswapd_failures: each kswapd run on node 1 that ends short of
 * balance with nothing reclaimed is a failure; after MAX_RECLAIM_RETRIES
 * (16) the node is hopeless (zoneinfo's node_unreclaimable 1) and
 * wakeup_kswapd leaves it asleep (node-vmstat's kswapd_wakeups and
 * pageoutrun stay), waking kcompactd instead for a caller that cannot
 * reclaim, and keeping the order for the next wake all the same. Pages
 * freed do not revive it; a reclaim that frees a page of the node
 * does, as shrink_node resets kswapd_failures.
 */
static void test_hopeless_node(void **state)
{
	struct rig *r = *state;
	struct machine *m = r->m;
	struct zone *normal1 = &m->zones[MAX_NR_ZONES + ZONE_NORMAL];
	struct pglist_data *pgdat = NODE_DATA(m, 1);
	struct kswapd_state *k = &pgdat->kswapd;
	unsigned long *held, nheld = fill_node1(m, &held), runs, wakeups;

	for (unsigned int i = 0; i < MAX_RECLAIM_RETRIES; i++) {
		assert_false(node1_unreclaimable(m));
		if (!k->wanted)
			wakeup_kswapd(m, normal1, GFP_KERNEL, 0, ZONE_NORMAL);
		assert_true(k->wanted);
		kswapd_run(m);
		assert_int_equal(k->failures, i + 1);
	}
	assert_true(pgdat_hopeless(pgdat));
	assert_true(node1_unreclaimable(m));
	/* Hopeless: not woken; a caller that may reclaim wakes nothing. */
	runs = m->vm_events[PAGEOUTRUN];
	wakeups = k->wakeups;
	pgdat->kcompactd.wanted = false;
	wakeup_kswapd(m, normal1, GFP_KERNEL, 3, ZONE_NORMAL);
	assert_false(k->wanted);
	assert_int_equal(k->order, 3); /* kept for the next wake */
	assert_false(pgdat->kcompactd.wanted);
	/* Every other page freed: fragmented, still hopeless. One that
	 * cannot reclaim wakes kcompactd for its order instead. */
	for (unsigned long i = 0; i < nheld; i += 2)
		__free_pages(m, pfn_to_page(m, held[i]), 0);
	drain_all_pages(m);
	assert_true(pgdat_hopeless(pgdat));
	wakeup_kswapd(m, normal1, GFP_NOWAIT, 9, ZONE_NORMAL);
	assert_false(k->wanted);
	assert_true(pgdat->kcompactd.wanted);
	assert_int_equal(pgdat->kcompactd.max_order, 9);
	assert_int_equal(k->wakeups, wakeups);
	assert_int_equal(kswapd_run(m), 0);
	assert_int_equal(m->vm_events[PAGEOUTRUN], runs);
	/* A cache page of node 1 reclaimed: the node revives. */
	assert_int_equal(uapi_admin_sysctl(m, "vm.min_unmapped_ratio", 0), 0);
	assert_int_equal(uapi_admin_sysctl(m, "vm.zone_reclaim_mode", 1), 0);
	assert_int_equal(machine_set_cpu(m, NODE1_CPU), 0);
	read_pages(r, 0, 1);
	assert_int_equal(node_stat(m, 1, NR_FILE_PAGES), 1);
	node_reclaim(m, pgdat, GFP_KERNEL, 0);
	assert_int_equal(node_stat(m, 1, NR_FILE_PAGES), 0);
	assert_int_equal(k->failures, 0);
	assert_false(node1_unreclaimable(m));
	wakeup_kswapd(m, normal1, GFP_KERNEL, 9, ZONE_NORMAL);
	assert_true(k->wanted);
	assert_int_equal(k->wakeups, wakeups + 1);
	assert_int_equal(machine_set_cpu(m, 0), 0);
	for (unsigned long i = 1; i < nheld; i += 2)
		__free_pages(m, pfn_to_page(m, held[i]), 0);
	free(held);
	kswapd_run(m);
	assert_consistent(m);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		T(test_lru_per_node),
		T(test_reclaim_leaves_other_node),
		T(test_refault_uses_its_node_clock),
		T(test_node_vmstat_and_meminfo),
		T(test_kswapd_per_node),
		cmocka_unit_test_setup_teardown(
			test_zone_reclaim_off_falls_back, setup_large,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_zone_reclaim_reclaims_local, setup_large,
			teardown),
		T(test_zone_reclaim_thresholds_and_errors),
		T(test_checker_sees_nodes),
		T(test_node_reclaim_anon_rules),
		T(test_node_reclaim_unmap_keeps_swap_cache),
		T(test_node_reclaim_runs_node_shrinkers),
		T(test_balanced_node_not_woken),
		T(test_hopeless_node),
		cmocka_unit_test(test_shipped_numa_layout),
		cmocka_unit_test(test_layout_zone_reclaim_mode),
	};

	if (argc > 1) /* one test by name, for a quick look */
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
