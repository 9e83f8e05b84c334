/* SPDX-License-Identifier: MIT */
/*
 * mmc_test_numa.c - NUMA over the wire, on a two-node machine: where
 * each memory policy puts every page (read back with move_pages: bind,
 * interleave, preferred, preferred many, local, weighted interleave), page
 * moves by mbind and move_pages, alloc_pages_node, the kernel's
 * allocations by node (kmem_cache_alloc_node, kmalloc_node,
 * vmalloc_node), numa_maps, numastat and a node's meminfo, a THP moved
 * whole by mbind; bad policies get the
 * errno the host kernel gives the same call (the host may have one node: a node
 * it lacks is -EINVAL on both).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "proto/mm.pb-c.h"
#include "tests/mmc_test/mmc_test.h"
#include "tests/mmc_test/mmc_test_vm.h"

#define NPAGES 8
#define PG     4096UL
/* Static and relative at once: -EINVAL. */
#define BOTH_NODE_FLAGS (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES)

/* The host's answer to the same call: 0 or -errno. */
static int host(long ret)
{
	return ret < 0 ? -errno : 0;
}

/* A report as data, unpacked (NULL, with a failure said, if none). */
static Mm__ReportData *report_data_at(struct mmc *c, enum mmc_report kind,
				      uint64_t addr)
{
	void *buf = NULL;
	size_t len = 0;
	Mm__ReportData *rd = NULL;

	EXPECT_ERR(c, 0, mmc_report_data_at(c, kind, 0, addr, &buf, &len));
	if (buf)
		rd = mm__report_data__unpack(NULL, len, buf);
	free(buf);
	EXPECT(rd && rd->report_case == (Mm__ReportData__ReportCase)kind,
	       "report %d came as no data", (int)kind);
	return rd && rd->report_case == (Mm__ReportData__ReportCase)kind ? rd
									 : NULL;
}

/*
 * dump_page of a page alloc_pages_node took on node 1: %pGp's node=1
 * (GFP_KERNEL: zone Normal, 2), in the text and the data.
 */
static void page_says_node_1(struct mmc *c, unsigned long pfn)
{
	Mm__ReportData *rd = report_data_at(c, MMC_REPORT_DUMP_PAGE, pfn);
	char *text = NULL;

	EXPECT_ERR(c, 0,
		   mmc_report_at(c, MMC_REPORT_DUMP_PAGE, 0, 0, pfn, &text));
	EXPECT(text && strstr(text, "flags: 0x4000000000000000(node=1|zone=2)"),
	       "dump_page of node 1's page: %s", text ? text : "(none)");
	free(text);
	EXPECT(rd && rd->dump_page->flags->node == 1 &&
		       rd->dump_page->flags->zone == 2,
	       "dump_page's data: node %u zone %u",
	       rd ? rd->dump_page->flags->node : 99,
	       rd ? rd->dump_page->flags->zone : 99);
	if (rd)
		mm__report_data__free_unpacked(rd, NULL);
}

/* numa_maps and node 1's meminfo as data: the interleaved VMA at a has
 * its 8 pages 4 and 4 on the nodes; no node 2. */
static void numa_reports_as_data(struct mmc *c, uint64_t a)
{
	Mm__ReportData *rd = report_data_at(c, MMC_REPORT_NUMA_MAPS, 0);
	const Mm__NumaMapsVma *v = NULL;
	void *buf = NULL;
	size_t len = 0;

	for (size_t i = 0; rd && i < rd->numa_maps->n_vmas; i++)
		if (rd->numa_maps->vmas[i]->start == a)
			v = rd->numa_maps->vmas[i];
	EXPECT(v && !strcmp(v->policy, "interleave:0-1") && v->pages == 8 &&
		       v->anon == 8 && v->n_nodes == 2 && v->nodes[0] == 4 &&
		       v->nodes[1] == 4 && v->kernelpagesize_kb == 4,
	       "numa_maps' data of %#llx is not interleave 4 + 4",
	       (unsigned long long)a);
	mm__report_data__free_unpacked(rd, NULL);
	rd = report_data_at(c, MMC_REPORT_NODE_MEMINFO, 1);
	EXPECT(rd && rd->node_meminfo->node == 1 &&
		       rd->node_meminfo->mem_total > 0 &&
		       rd->node_meminfo->mem_used ==
			       rd->node_meminfo->mem_total -
				       rd->node_meminfo->mem_free,
	       "node 1's meminfo as data");
	mm__report_data__free_unpacked(rd, NULL);
	EXPECT_ERR(c, -EINVAL,
		   mmc_report_data_at(c, MMC_REPORT_NODE_MEMINFO, 0, 2, &buf,
				      &len));
	EXPECT(!buf && !len, "a refused report gave %zu bytes", len);
}

static void expect_nodes_n(struct mmc *c, uint64_t a, unsigned int n,
			   const int *want, const char *what)
{
	uint64_t pages[NPAGES] = {0};
	int status[NPAGES] = {0};

	for (unsigned int i = 0; i < n; i++)
		pages[i] = a + i * PG;
	EXPECT_ERR(c, 0, mmc_move_pages(c, 0, n, pages, NULL, status, 0));
	for (unsigned int i = 0; i < n; i++)
		EXPECT(status[i] == want[i], "%s: page %u on node %d, not %d",
		       what, i, status[i], want[i]);
}

static void expect_nodes(struct mmc *c, uint64_t a, const int *want,
			 const char *what)
{
	expect_nodes_n(c, a, NPAGES, want, what);
}

/*
 * move_pages' statuses as the host's for the same pages: a page read
 * (the zero page: -EFAULT), one written (its node), one untouched
 * (-ENOENT) and an address in no VMA (-EFAULT), asked with and without
 * nodes; a node that is not online after a good one: -ENODEV.
 */
static void move_pages_as_host(struct mmc *c)
{
	char *h = mmap(NULL, 3 * PG, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	void *hp[4] = {h, h + PG, h + 2 * PG, (void *)0x1000};
	uint64_t a = 0, mp[4];
	int hs[4], ms[4], nodes[4] = {0, 0, 0, 0}, bad[2] = {0, 64};
	volatile char sink;
	char one = 1;
	long hr, mr;

	EXPECT_ERR(c, 0,
		   mmc_mmap(c, 0, 0, 3 * PG, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, &a));
	sink = h[0];
	(void)sink;
	h[PG] = 1;
	EXPECT_ERR(c, 0, mmc_read_vm(c, 0, a, &one, 1, NULL));
	EXPECT_ERR(c, 0, mmc_write_vm(c, 0, a + PG, &one, 1, NULL));
	for (int i = 0; i < 3; i++)
		mp[i] = a + (uint64_t)i * PG;
	mp[3] = 0x1000;
	for (int pass = 0; pass < 2; pass++) {
		int *n = pass ? nodes : NULL;

		hr = syscall(SYS_move_pages, 0, 4, hp, n, hs, 0);
		mr = mmc_move_pages(c, 0, 4, mp, n, ms, 0);
		EXPECT(hr == 0 && mr == 0, "move_pages: host %ld, mm %ld", hr,
		       mr);
		for (int i = 0; i < 4; i++)
			EXPECT(hs[i] == ms[i],
			       "move_pages%s page %d: host %d, mm %d",
			       pass ? "" : " (stat)", i, hs[i], ms[i]);
	}
	hr = host(syscall(SYS_move_pages, 0, 2, hp + 1, bad, hs, 0));
	mr = mmc_move_pages(c, 0, 2, mp + 1, bad, ms, 0);
	EXPECT(hr == -ENODEV && mr == hr,
	       "move_pages to node 64: host %ld, "
	       "mm %ld",
	       hr, mr);
	EXPECT_ERR(c, 0, mmc_munmap(c, 0, a, 3 * PG));
	munmap(h, 3 * PG);
}

/* Bad inputs: mm's errno is the host's for the same call. */
static void numa_errno_as_host(struct mmc *c, uint64_t a)
{
	unsigned long bad = 1UL << 7, none = 0, one = 1, left = 0;
	unsigned long mask[2] = {0, 0};
	void *h = mmap(NULL, PG * 2, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct {
		const char *what;
		int host, mm;
	} cases[] = {
		{"set_mempolicy bind to a node not online",
		 host(syscall(SYS_set_mempolicy, MPOL_BIND, &bad, 9)),
		 mmc_set_mempolicy(c, 0, MPOL_BIND, &bad, 9)},
		{"set_mempolicy bind to no node",
		 host(syscall(SYS_set_mempolicy, MPOL_BIND, &none, 9)),
		 mmc_set_mempolicy(c, 0, MPOL_BIND, &none, 9)},
		{"set_mempolicy mode 99",
		 host(syscall(SYS_set_mempolicy, 99, &none, 9)),
		 mmc_set_mempolicy(c, 0, 99, &none, 9)},
		{"set_mempolicy static and relative",
		 host(syscall(SYS_set_mempolicy, MPOL_BIND | BOTH_NODE_FLAGS,
			      &bad, 9)),
		 mmc_set_mempolicy(c, 0, MPOL_BIND | BOTH_NODE_FLAGS, &bad, 9)},
		{"mbind unaligned",
		 host(syscall(SYS_mbind, (char *)h + 1, PG, 0, NULL, 0, 0)),
		 mmc_mbind(c, 0, a + 1, PG, 0, NULL, 0, 0)},
		{"mbind bad flags",
		 host(syscall(SYS_mbind, h, PG, 0, NULL, 0, 8)),
		 mmc_mbind(c, 0, a, PG, 0, NULL, 0, 8)},
		{"get_mempolicy bad flags",
		 host(syscall(SYS_get_mempolicy, NULL, NULL, 0, NULL, 8)),
		 mmc_get_mempolicy(c, 0, NULL, NULL, 0, 0, 8)},
		{"get_mempolicy mems_allowed with node",
		 host(syscall(SYS_get_mempolicy, NULL, NULL, 0, NULL,
			      MPOL_F_MEMS_ALLOWED | MPOL_F_NODE)),
		 mmc_get_mempolicy(c, 0, NULL, NULL, 0, 0,
				   MPOL_F_MEMS_ALLOWED | MPOL_F_NODE)},
		{"get_mempolicy an address without MPOL_F_ADDR",
		 host(syscall(SYS_get_mempolicy, NULL, NULL, 0, h, 0)),
		 mmc_get_mempolicy(c, 0, NULL, NULL, 0, a, 0)},
		{"migrate_pages to no node",
		 host(syscall(SYS_migrate_pages, 0, 9, &one, &none)),
		 mmc_migrate_pages(c, 0, 9, &one, &none, &left)},
		{"migrate_pages from and to no node",
		 host(syscall(SYS_migrate_pages, 0, 9, &none, &none)),
		 mmc_migrate_pages(c, 0, 9, &none, &none, &left)},
		{"get_mempolicy a mask of no bits",
		 host(syscall(SYS_get_mempolicy, NULL, mask, 0, NULL, 0)),
		 mmc_get_mempolicy(c, 0, NULL, mask, 0, 0, 0)},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		EXPECT(cases[i].host == cases[i].mm && cases[i].mm < 0,
		       "%s: host %d, mm %d", cases[i].what, cases[i].host,
		       cases[i].mm);
	munmap(h, PG * 2);
}

/* The node of a direct-map or vmalloc address (node 1 from 1G up). */
static int node_of_kaddr(struct mmc *c, uint64_t addr, bool vmalloc)
{
	unsigned long pfn = 0;

	EXPECT_ERR(c, 0,
		   vmalloc ? mmc_vmalloc_to_pfn(c, addr, &pfn)
			   : mmc_virt_to_page(c, addr, &pfn));
	return pfn >= 0x40000;
}

/*
 * kmem_cache_alloc_node, kmalloc_node, vmalloc_node and vzalloc_node:
 * on the node asked for; SLUB's sysfs and vmallocinfo count by node; a
 * node not online is -EINVAL and changes nothing.
 */
static void numa_kernel_allocs(struct mmc *c)
{
	static const int bad[] = {2, -2, 64};
	uint64_t cache = 0, o0 = 0, o1 = 0, k1 = 0, big = 0, v1 = 0, z0 = 0, x;
	char *text = NULL;

	EXPECT_ERR(c, 0,
		   mmc_kmem_cache_create(c, "numa-objs", 128, 0, 0, &cache));
	EXPECT_ERR(c, 0, mmc_kmem_cache_alloc_node(c, cache, 0xcc0, 1, &o1));
	EXPECT_ERR(c, 0, mmc_kmem_cache_alloc_node(c, cache, 0xcc0, 0, &o0));
	EXPECT(node_of_kaddr(c, o1, false) == 1, "object %#llx not on node 1",
	       (unsigned long long)o1);
	EXPECT(node_of_kaddr(c, o0, false) == 0, "object %#llx not on node 0",
	       (unsigned long long)o0);
	EXPECT_ERR(c, 0, mmc_kmalloc_node(c, 200, 0xcc0, 1, &k1));
	EXPECT(node_of_kaddr(c, k1, false) == 1, "kmalloc_node not on node 1");
	EXPECT_ERR(c, 0, mmc_kmalloc_node(c, 5 * PG, 0xcc0, 1, &big));
	EXPECT(node_of_kaddr(c, big, false) == 1, "large kmalloc not on 1");
	EXPECT_ERR(c, 0, mmc_vmalloc_node(c, 2 * PG, 1, &v1));
	EXPECT_ERR(c, 0, mmc_vzalloc_node(c, PG, 0, &z0));
	EXPECT(node_of_kaddr(c, v1, true) == 1 &&
		       node_of_kaddr(c, v1 + PG, true) == 1,
	       "vmalloc_node's pages not on node 1");
	EXPECT(node_of_kaddr(c, z0, true) == 0, "vzalloc_node not on node 0");
	EXPECT_ERR(c, 0, mmc_slab_sysfs(c, "numa-objs", &text));
	EXPECT(text && strstr(text, "\nslabs: 2 N0=1 N1=1\n"), "slab sysfs: %s",
	       text ? text : "(none)");
	free(text);
	text = NULL;
	EXPECT_ERR(c, 0, mmc_report(c, MMC_REPORT_VMALLOCINFO, &text));
	EXPECT(text && strstr(text, " vmalloc_node pid=") &&
		       strstr(text, " pages=2 vmalloc N1=2\n") &&
		       strstr(text, " vzalloc_node pid="),
	       "vmallocinfo: %s", text ? text : "(none)");
	free(text);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_ERR(
			c, -EINVAL,
			mmc_kmem_cache_alloc_node(c, cache, 0xcc0, bad[i], &x));
		EXPECT_ERR(c, -EINVAL,
			   mmc_kmalloc_node(c, 64, 0xcc0, bad[i], &x));
		EXPECT_ERR(c, -EINVAL, mmc_vmalloc_node(c, PG, bad[i], &x));
		EXPECT_ERR(c, -EINVAL, mmc_vzalloc_node(c, PG, bad[i], &x));
	}
	EXPECT_ERR(c, 0, mmc_kmem_cache_free(c, cache, o0));
	EXPECT_ERR(c, 0, mmc_kmem_cache_free(c, cache, o1));
	EXPECT_ERR(c, 0, mmc_kmem_cache_destroy(c, cache));
	EXPECT_ERR(c, 0, mmc_kfree(c, k1));
	EXPECT_ERR(c, 0, mmc_kfree(c, big));
	EXPECT_ERR(c, 0, mmc_vfree(c, v1));
	EXPECT_ERR(c, 0, mmc_vfree(c, z0));
}

/*
 * numastat -p PID: the interleaved 8 pages, 4 on each node, are
 * Private (16 KiB a node: 0.02 MB printed, 0.03 in all); the data's
 * bytes are exact and agree with numa_maps.
 */
static void numastat_process(struct mmc *c)
{
	Mm__ReportData *rd = report_data_at(c, MMC_REPORT_NUMASTAT_PROCESS, 0);
	char *text = NULL;

	EXPECT_ERR(c, 0,
		   mmc_report_pid(c, MMC_REPORT_NUMASTAT_PROCESS, 0, &text));
	EXPECT(text &&
		       strstr(text, "\nPer-node process memory usage (in "
				    "MBs) for PID ") &&
		       strstr(text, "                           Node 0         "
				    " Node 1           Total\n") &&
		       strstr(text, "\n----------------  --------------- "
				    "--------------- ---------------\n") &&
		       strstr(text, "\nPrivate                      0.02  "
				    "          0.02            0.03\n") &&
		       strstr(text, "\nHeap                         0.00  "
				    "          0.00            0.00\n"),
	       "numastat -p: %s", text ? text : "(none)");
	free(text);
	if (!rd)
		return;
	EXPECT(rd->numastat_process->n_private_bytes == 2 &&
		       rd->numastat_process->private_bytes[0] == 4 * PG &&
		       rd->numastat_process->private_bytes[1] == 4 * PG &&
		       rd->numastat_process->n_total_bytes == 2 &&
		       rd->numastat_process->total_bytes[1] == 4 * PG &&
		       rd->numastat_process->heap_bytes[0] == 0,
	       "numastat -p data: %zu nodes",
	       rd->numastat_process->n_private_bytes);
	mm__report_data__free_unpacked(rd, NULL);
}

/*
 * A THP on node 0 moved by mbind(MPOL_BIND {1}, MPOL_MF_MOVE): whole
 * (numa_maps counts its 512 pages on N1 in one VMA), every page on node
 * 1 as move_pages reads it, its bytes kept, thp_migration_success
 * counted. Setting THP needs an admin.
 */
static void numa_thp_moves(struct mmc *c)
{
	const uint64_t huge = 512 * PG;
	unsigned long zero = 0x1, one = 0x2;
	uint64_t a = 0, h, pages[2];
	int status[2] = {-1, -1};
	char *text = NULL, want[64];

	if (!mmc_info(c)->admin)
		return;
	EXPECT_ERR(c, 0, mmc_admin_transparent_hugepage(c, "always", NULL));
	EXPECT_ERR(c, 0,
		   mmc_mmap(c, 0, 0, 2 * huge, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, &a));
	h = (a + huge - 1) & ~(huge - 1);
	EXPECT_ERR(c, 0, mmc_mbind(c, 0, h, huge, MPOL_BIND, &zero, 3, 0));
	for (unsigned int i = 0; i < 512; i += 64)
		put_user_pattern(c, 0, h + i * PG, PG, (int)i);
	EXPECT_ERR(c, 0,
		   mmc_mbind(c, 0, h, huge, MPOL_BIND, &one, 3,
			     MPOL_MF_MOVE | MPOL_MF_STRICT));
	pages[0] = h;
	pages[1] = h + huge - PG;
	EXPECT_ERR(c, 0, mmc_move_pages(c, 0, 2, pages, NULL, status, 0));
	EXPECT(status[0] == 1 && status[1] == 1,
	       "the moved THP's pages are on %d and %d", status[0], status[1]);
	/* Two pages of one THP back to node 0: the second finds the folio
	 * queued already (-EBUSY); the first moved it. */
	{
		int to0[2] = {0, 0};

		EXPECT_ERR(c, 0,
			   mmc_move_pages(c, 0, 2, pages, to0, status, 0));
		EXPECT(status[0] == 0 && status[1] == -EBUSY,
		       "one THP twice: %d and %d", status[0], status[1]);
		EXPECT_ERR(c, 0,
			   mmc_mbind(c, 0, h, huge, MPOL_BIND, &one, 3,
				     MPOL_MF_MOVE | MPOL_MF_STRICT));
	}
	for (unsigned int i = 0; i < 512; i += 64)
		expect_user_bytes(c, 0, h + i * PG, PG, (int)i, 0,
				  "a moved THP's page");
	EXPECT_ERR(c, 0, mmc_report_pid(c, MMC_REPORT_NUMA_MAPS, 0, &text));
	snprintf(want, sizeof(want), "%llx bind:1 anon=512 dirty=512",
		 (unsigned long long)h);
	EXPECT(text && strstr(text, want) && strstr(text, " N1=512 "),
	       "numa_maps of a moved THP: %s", text ? text : "(none)");
	free(text);
	text = report_text(c, MMC_REPORT_VMSTAT);
	EXPECT(text && strstr(text, "\nthp_migration_success ") &&
		       !strstr(text, "\nthp_migration_success 0\n"),
	       "vmstat counts no THP migration");
	free(text);
	EXPECT_ERR(c, 0, mmc_munmap(c, 0, a, 2 * huge));
	EXPECT_ERR(c, 0, mmc_admin_transparent_hugepage(c, "madvise", NULL));
}

/*
 * The policies the first test leaves out, each on two pages of its own
 * VMA with the task bound to node 1 (so a page on node 0 shows the
 * VMA's policy won): PREFERRED {1}, PREFERRED_MANY {1} (node 1 has
 * room), LOCAL (this session's CPU 0: node 0) and WEIGHTED_INTERLEAVE
 * {0,1}; an admin sets the weights 1 and 3, so of each 4 pages by
 * offset the first goes to node 0 (weighted_interleave_nid), else they
 * weigh 1 each and pages alternate as interleave's.
 */
static void numa_more_policies(struct mmc *c)
{
	const unsigned long zero = 0x1, one = 0x2, both = 0x3;
	bool admin = mmc_info(c)->admin;
	int want[NPAGES];
	uint64_t a = 0, w = 0;

	EXPECT_ERR(c, 0, mmc_set_mempolicy(c, 0, MPOL_BIND, &one, 3));
	EXPECT_ERR(c, 0,
		   mmc_mmap(c, 0, 0, 6 * PG, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, &a));
	EXPECT_ERR(c, 0,
		   mmc_mbind(c, 0, a, 2 * PG, MPOL_PREFERRED, &one, 3, 0));
	EXPECT_ERR(c, 0,
		   mmc_mbind(c, 0, a + 2 * PG, 2 * PG, MPOL_PREFERRED_MANY,
			     &one, 3, 0));
	EXPECT_ERR(c, 0,
		   mmc_mbind(c, 0, a + 4 * PG, 2 * PG, MPOL_LOCAL, NULL, 0, 0));
	for (unsigned int i = 0; i < 6; i++) {
		put_user_pattern(c, 0, a + i * PG, PG, (int)i);
		want[i] = i < 4 ? 1 : 0;
	}
	expect_nodes_n(c, a, 6, want, "preferred, preferred many, local");
	EXPECT_ERR(c, 0, mmc_set_mempolicy(c, 0, MPOL_PREFERRED, &zero, 3));
	if (admin)
		EXPECT_ERR(c, 0, mmc_admin_weighted_interleave(c, 1, 3));
	EXPECT_ERR(c, 0,
		   mmc_mmap(c, 0, 0, NPAGES * PG, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, &w));
	EXPECT_ERR(c, 0,
		   mmc_mbind(c, 0, w, NPAGES * PG, MPOL_WEIGHTED_INTERLEAVE,
			     &both, 3, 0));
	for (unsigned int i = 0; i < NPAGES; i++) {
		uint64_t ilx = w / PG + i;

		put_user_pattern(c, 0, w + i * PG, PG, (int)i);
		want[i] = admin ? ilx % 4 != 0 : (int)(ilx % 2);
	}
	expect_nodes_n(c, w, NPAGES, want, "weighted interleave 0-1");
	if (admin)
		EXPECT_ERR(c, 0, mmc_admin_weighted_interleave(c, 1, 1));
	EXPECT_ERR(c, 0, mmc_set_mempolicy(c, 0, MPOL_DEFAULT, NULL, 0));
	EXPECT_ERR(c, 0, mmc_munmap(c, 0, a, 6 * PG));
	EXPECT_ERR(c, 0, mmc_munmap(c, 0, w, NPAGES * PG));
}

void ops_numa(void)
{
	struct mmc *c = connect_as("numa", 0);
	unsigned long both = 0x3, one = 0x2, pfn, left = 1;
	int inter[NPAGES], on1[NPAGES], mode = -1, nodes[NPAGES];
	uint64_t a = 0, pages[NPAGES];
	char *text;
	unsigned long got[1];

	EXPECT_ERR(c, 0,
		   mmc_mmap(c, 0, 0, NPAGES * PG, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, &a));
	EXPECT_ERR(
		c, 0,
		mmc_mbind(c, 0, a, NPAGES * PG, MPOL_INTERLEAVE, &both, 3, 0));
	for (unsigned int i = 0; i < NPAGES; i++) {
		put_user_pattern(c, 0, a + i * PG, PG, i);
		inter[i] = (int)(((a / PG) + i) % 2);
		on1[i] = 1;
		nodes[i] = 1;
		pages[i] = a + i * PG;
	}
	expect_nodes(c, a, inter, "interleave 0-1");
	EXPECT_ERR(c, 0,
		   mmc_get_mempolicy(c, 0, &mode, got, 65, a, MPOL_F_ADDR));
	EXPECT(mode == MPOL_INTERLEAVE && got[0] == 0x3,
	       "get_mempolicy gave %d %#lx", mode, got[0]);
	text = NULL;
	EXPECT_ERR(c, 0, mmc_report_pid(c, MMC_REPORT_NUMA_MAPS, 0, &text));
	EXPECT(text && strstr(text, " interleave:0-1 anon=8 dirty=8") &&
		       strstr(text, " N0=4 N1=4 kernelpagesize_kB=4"),
	       "numa_maps: %s", text ? text : "(none)");
	free(text);
	numa_reports_as_data(c, a);
	numastat_process(c);
	/* mbind with MPOL_MF_MOVE: every page to node 1, bytes kept. */
	EXPECT_ERR(c, 0,
		   mmc_mbind(c, 0, a, NPAGES * PG, MPOL_BIND, &one, 3,
			     MPOL_MF_MOVE | MPOL_MF_STRICT));
	expect_nodes(c, a, on1, "bind 1, moved");
	for (unsigned int i = 0; i < NPAGES; i++)
		expect_user_bytes(c, 0, a + i * PG, PG, (int)i, 0,
				  "a moved page");
	/* move_pages back to node 0, then migrate_pages to node 1. */
	for (unsigned int i = 0; i < NPAGES; i++)
		nodes[i] = 0;
	EXPECT_ERR(c, 0, mmc_move_pages(c, 0, NPAGES, pages, nodes, inter, 0));
	for (unsigned int i = 0; i < NPAGES; i++)
		EXPECT(inter[i] == 0, "move_pages left page %u on %d", i,
		       inter[i]);
	{
		unsigned long from = 0x1, to = 0x2;

		EXPECT_ERR(c, 0, mmc_migrate_pages(c, 0, 3, &from, &to, &left));
		EXPECT(left == 0, "migrate_pages left %lu", left);
	}
	expect_nodes(c, a, on1, "migrate_pages 0 -> 1");
	/* alloc_pages_node: node 1's frames lie above its start. */
	EXPECT_ERR(c, 0, mmc_alloc_pages_node(c, 1, 0xcc0, 0, &pfn));
	EXPECT(pfn >= 0x40000, "node 1's page is pfn %#lx", pfn);
	page_says_node_1(c, pfn);
	EXPECT_ERR(c, 0, mmc_free_pages(c, pfn, 0));
	EXPECT_ERR(c, -EINVAL, mmc_alloc_pages_node(c, 2, 0xcc0, 0, &pfn));
	text = report_text(c, MMC_REPORT_NUMASTAT);
	EXPECT(text && strstr(text, "node1") && strstr(text, "numa_hit"),
	       "numastat: %s", text ? text : "(none)");
	free(text);
	text = NULL;
	EXPECT_ERR(c, 0,
		   mmc_report_at(c, MMC_REPORT_NODE_MEMINFO, 0, 0, 1, &text));
	EXPECT(text && strstr(text, "Node 1 MemTotal:"), "node meminfo: %s",
	       text ? text : "(none)");
	free(text);
	/* The weights: admin only; a node that is not, or weight 0, -EINVAL. */
	if (mmc_info(c)->admin) {
		EXPECT_ERR(c, 0, mmc_admin_weighted_interleave(c, 1, 3));
		EXPECT_ERR(c, -EINVAL, mmc_admin_weighted_interleave(c, 2, 1));
		EXPECT_ERR(c, -EINVAL, mmc_admin_weighted_interleave(c, 0, 0));
		EXPECT_ERR(c, 0, mmc_admin_weighted_interleave(c, 1, 1));
	} else {
		EXPECT_ERR(c, -EPERM, mmc_admin_weighted_interleave(c, 1, 3));
		EXPECT_ERR(c, -EPERM,
			   mmc_mbind(c, 0, a, PG, MPOL_BIND, &one, 3,
				     MPOL_MF_MOVE_ALL));
	}
	numa_errno_as_host(c, a);
	move_pages_as_host(c);
	numa_more_policies(c);
	numa_kernel_allocs(c);
	numa_thp_moves(c);
	EXPECT_ERR(c, 0, mmc_munmap(c, 0, a, NPAGES * PG));
	expect_machine_clean(c, "numa");
	finish(c, "numa");
}

/*
 * numa-hold SECONDS: a process on CPU 2 (node 1) that leaves memory on
 * both nodes and every NUMA event counted, then holds it until stdin
 * closes or SECONDS pass, for a script to read the nodes' reports
 * meanwhile: anonymous pages (and their page tables) on node 1, slab
 * objects, a page of node 0 (a hit there, other_node by the CPU) and
 * interleaved pages (interleave_hit).
 */
void ops_numa_hold(int seconds)
{
	struct mmc *c = connect_as("numa-hold", 2);
	unsigned long both = 0x3, pfn;
	uint64_t a = 0, obj;
	struct pollfd pfd = {.fd = 0, .events = POLLIN};

	EXPECT_ERR(c, 0,
		   mmc_mmap(c, 0, 0, 64 * PG, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, &a));
	for (unsigned int i = 0; i < 64; i++)
		put_user_pattern(c, 0, a + i * PG, PG, (int)i);
	for (int i = 0; i < 32; i++)
		EXPECT_ERR(c, 0, mmc_kmalloc(c, 512, 0xcc0, &obj));
	for (int i = 0; i < 4; i++)
		EXPECT_ERR(c, 0, mmc_alloc_pages_node(c, 0, 0xcc0, 0, &pfn));
	EXPECT_ERR(c, 0, mmc_set_mempolicy(c, 0, MPOL_INTERLEAVE, &both, 3));
	for (int i = 0; i < 8; i++)
		EXPECT_ERR(c, 0, mmc_alloc_pages(c, 0xcc0, 0, &pfn));
	printf("holding\n");
	fflush(stdout);
	poll(&pfd, 1, seconds * 1000);
	mmc_close(c);
}
