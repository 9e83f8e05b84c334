/* SPDX-License-Identifier: MIT */
/*
 * test_page_owner.c - struct page made visible: /proc/kpageflags and
 * kpagecount, dump_page, page_owner and SLUB's sysfs attributes, each
 * against what Linux 6.x reads for the same page state.
 *
 * Owns: the exact bits, counts and lines for pages in every state the
 * machine has (free, allocated, slab, page table, anonymous, shared by
 * fork, hole), the refusals, and the checker's hold on page_owner's
 * records. Must never: depend on another test's machine.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/debug.h"
#include "core/mm.h"
#include "core/mman.h"
#include "core/page_owner.h"
#include "core/proc_page.h"
#include "core/slab.h"
#include "core/slub_sysfs.h"
#include "core/task.h"
#include "core/uapi.h"

#define KPFB(b) (1ULL << (b))

static struct machine *boot_owner(bool page_owner)
{
	struct layout l;

	small_layout(&l, 64 * MiB);
	l.kernel.page_owner = page_owner;
	l.kernel.init_on_alloc = 0; /* the masks as the calls give them */
	return boot(&l);
}

static int new_task(struct machine *m, const char *comm)
{
	int pid;

	assert_int_equal(task_create(m, comm, 0, 0, &pid), 0);
	assert_int_equal(task_switch(m, pid), 0);
	return pid;
}

static uint64_t read_le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static unsigned long count_kpf(const struct machine *m, int bit)
{
	unsigned long n = 0;

	for (unsigned long pfn = 0; pfn < m->max_pfn; pfn++)
		n += (stable_page_flags(m, pfn) >> bit) & 1;
	return n;
}

static unsigned long free_blocks(const struct machine *m)
{
	unsigned long n = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++)
		for (unsigned int o = 0; o <= m->max_order; o++)
			n += m->zones[z].free_area[o].nr_free;
	return n;
}

/* An allocated page has no flags; a free block's head only BUDDY. */
static void test_kpageflags_states(void **state)
{
	struct machine *m = boot_owner(false);
	unsigned long pfn;
	uint8_t buf[16];

	(void)state;
	new_task(m, "t");
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 1, &pfn), 0);
	assert_int_equal(stable_page_flags(m, pfn), 0);
	assert_int_equal(kpagecount(m, pfn), 0);
	assert_int_equal(uapi_free_pages(m, pfn, 1), 0);
	drain_all_pages(m);
	/* Merged back: only the head of each free block reads BUDDY. */
	assert_int_equal(count_kpf(m, KPF_BUDDY), free_blocks(m));
	/* The zero page; pfn 0 is the BIOS's: reserved, a hacking bit. */
	assert_int_equal(stable_page_flags(m, m->zero_pfn) &
				 KPFB(KPF_ZERO_PAGE),
			 KPFB(KPF_ZERO_PAGE));
	assert_int_equal(stable_page_flags(m, 0), KPFB(KPF_RESERVED));
	/* The file's bytes: little-endian u64s, as the kernel's. */
	kpageflags_read(m, 0, 2, buf);
	assert_int_equal(read_le64(buf), KPFB(KPF_RESERVED));
	assert_int_equal(buf[4], 1);
	machine_destroy(m);
}

/* An anonymous page a write faulted in, then shared by fork. */
static void test_kpageflags_anon(void **state)
{
	struct machine *m = boot_owner(false);
	struct user_fault fault;
	unsigned long anon = ULONG_MAX, n = 0;
	uint64_t addr;
	int pid, child;
	char byte = 7;

	(void)state;
	pid = new_task(m, "t");
	assert_int_equal(uapi_mmap(m, pid, 0, PAGE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, &addr),
			 0);
	assert_int_equal(
		uapi_access_vm(m, pid, addr, &byte, 1, USER_WRITE, &fault), 0);
	for (unsigned long pfn = 0; pfn < m->max_pfn; pfn++)
		if (stable_page_flags(m, pfn) & KPFB(KPF_ANON)) {
			anon = pfn;
			n++;
		}
	assert_int_equal(n, 1);
	assert_int_equal(stable_page_flags(m, anon),
			 KPFB(KPF_UPTODATE) | KPFB(KPF_LRU) | KPFB(KPF_MMAP) |
				 KPFB(KPF_ANON) | KPFB(KPF_SWAPBACKED) |
				 (stable_page_flags(m, anon) &
				  (KPFB(KPF_REFERENCED) | KPFB(KPF_ACTIVE))));
	assert_int_equal(kpagecount(m, anon), 1);
	assert_int_equal(uapi_fork(m, pid, &child), 0);
	assert_int_equal(kpagecount(m, anon), 2);
	assert_int_equal(machine_check(m, NULL, 0), 0);
	machine_destroy(m);
}

/* A read is cut at the end of RAM; one from past it, or of 0, refused. */
static void test_kpage_range(void **state)
{
	struct machine *m = boot_owner(false);
	uint64_t count = 10;

	(void)state;
	assert_int_equal(kpage_range(m, m->max_pfn - 3, &count), 0);
	assert_int_equal(count, 3);
	count = 1;
	assert_int_equal(kpage_range(m, m->max_pfn, &count), -EINVAL);
	assert_non_null(strstr(m->errmsg, "past RAM"));
	count = 0;
	assert_int_equal(kpage_range(m, 0, &count), -EINVAL);
	count = 1;
	assert_int_equal(kpage_range(m, UINT64_MAX, &count), -EINVAL);
	machine_destroy(m);
}

static char *dump(struct machine *m, uint64_t pfn, struct seq_buf *s)
{
	seq_buf_init(s);
	assert_int_equal(report_dump_page(m, pfn, s), 0);
	return s->buf;
}

/* dump_page's lines, as mm/debug.c prints them. */
static void test_dump_page(void **state)
{
	struct machine *m = boot_owner(true);
	struct seq_buf s;
	unsigned long pfn;
	char want[256];
	char *text;

	(void)state;
	new_task(m, "dumper");
	m->call = "alloc_pages";
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 0, &pfn), 0);
	text = dump(m, pfn, &s);
	snprintf(want, sizeof(want),
		 " refcount:1 mapcount:0 mapping:0000000000000000 index:0x0 "
		 "pfn:%#lx\nflags: 0x2000000000000000(node=0|zone=1)\n"
		 "page_owner tracks the page as allocated\n"
		 "page last allocated via order 0, migratetype Unmovable, "
		 "gfp_mask 0xcc0(GFP_KERNEL), pid ",
		 pfn);
	assert_memory_equal(text, "page:", 5);
	assert_non_null(strstr(text, want));
	assert_non_null(strstr(text, "(dumper), ts "));
	assert_non_null(strstr(text, "\n alloc_pages\n"
				     "page_owner free stack trace missing\n"));
	seq_buf_free(&s);
	m->call = "free_pages";
	assert_int_equal(uapi_free_pages(m, pfn, 0), 0);
	text = dump(m, pfn, &s);
	assert_non_null(strstr(text, "page_owner tracks the page as freed\n"));
	assert_non_null(strstr(text, "stack trace:\n free_pages\n"));
	seq_buf_free(&s);
	seq_buf_init(&s);
	assert_int_equal(report_dump_page(m, m->max_pfn, &s), -EINVAL);
	assert_int_equal(s.len, 0);
	seq_buf_free(&s);
	machine_destroy(m);
}

/* The text printed again from the data's values, line by line. */
static void dump_is_data(const struct dump_page_snapshot *d, const char *text)
{
	const struct page_owner_record_snapshot *r = &d->record;
	char want[1024], flags[256] = "", gfp[256] = "";
	size_t i;

	for (i = 0; i < d->flags.nr_names; i++)
		snprintf(flags + strlen(flags), sizeof(flags) - strlen(flags),
			 "%s|", d->flags.names[i]);
	for (i = 0; i < r->nr_gfp_flags; i++)
		snprintf(gfp + strlen(gfp), sizeof(gfp) - strlen(gfp), "%s%s",
			 i ? "|" : "", r->gfp_flags[i]);
	snprintf(want, sizeof(want),
		 "page:%016llx refcount:%lld mapcount:%lld mapping:%016llx "
		 "index:0x%llx pfn:0x%llx\nflags: "
		 "0x%llx(%snode=%llu|zone=%llu)\n"
		 "page_owner tracks the page as %s\n"
		 "page last allocated via order %llu, migratetype %s, gfp_mask "
		 "0x%llx(%s), pid %lld, tgid %lld (%s), ts %llu, free_ts %llu\n"
		 " %s\n",
		 (unsigned long long)d->page, (long long)d->refcount,
		 (long long)d->mapcount, (unsigned long long)d->mapping,
		 (unsigned long long)d->index, (unsigned long long)d->pfn,
		 (unsigned long long)d->flags.value, flags,
		 (unsigned long long)d->flags.node,
		 (unsigned long long)d->flags.zone, d->page_owner,
		 (unsigned long long)r->order, r->migratetype,
		 (unsigned long long)r->gfp_mask, gfp, (long long)r->pid,
		 (long long)r->tgid, r->comm, (unsigned long long)r->ts_nsec,
		 (unsigned long long)r->free_ts_nsec, r->call);
	assert_memory_equal(text, want, strlen(want));
}

/*
 * dump_page's data is its text's: an order-2 block's head (a compound
 * page of order 2, its owner's record with the mask's names), then the
 * same block freed (a buddy page of no compound, its record freed).
 */
static void test_dump_page_data(void **state)
{
	struct machine *m = boot_owner(true);
	struct report_args a = {.cpl = 3, .sreg = -1};
	struct dump_page_snapshot *d;
	struct seq_buf s;
	unsigned long pfn;
	int err, pid;

	(void)state;
	pid = new_task(m, "dumper");
	m->call = "alloc_pages";
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL | __GFP_ZERO, 2, &pfn),
			 0);
	a.addr = pfn;
	d = snapshot_take_at(&dump_page_report.t, m, &a, &err);
	assert_non_null(d);
	seq_buf_init(&s);
	assert_int_equal(dump_page_report.t.show(d, &s), 0);
	{
		struct seq_buf t;

		assert_string_equal(dump(m, pfn, &t), s.buf);
		seq_buf_free(&t);
	}
	dump_is_data(d, s.buf);
	assert_int_equal(d->pfn, pfn);
	assert_int_equal(d->refcount, 1);
	assert_true(d->compound);
	assert_int_equal(d->head_pfn, pfn);
	assert_int_equal(d->order, 2);
	assert_int_equal(d->owner_pid, pid);
	assert_string_equal(d->page_owner, "allocated");
	assert_int_equal(d->record.order, 2);
	assert_int_equal(d->record.nr_gfp_flags, 2);
	assert_string_equal(d->record.gfp_flags[0], "GFP_KERNEL");
	assert_string_equal(d->record.gfp_flags[1], "__GFP_ZERO");
	assert_string_equal(d->record.migratetype, "Unmovable");
	assert_string_equal(d->record.call, "alloc_pages");
	assert_string_equal(d->record.free_call, "");
	assert_non_null(
		strstr(s.buf, "\npage_owner free stack trace missing\n"));
	snapshot_free(dump_page_report.t.desc, d);
	seq_buf_free(&s);
	m->call = "free_pages";
	assert_int_equal(uapi_free_pages(m, pfn, 2), 0);
	d = snapshot_take_at(&dump_page_report.t, m, &a, &err);
	assert_non_null(d);
	seq_buf_init(&s);
	assert_int_equal(dump_page_report.t.show(d, &s), 0);
	dump_is_data(d, s.buf);
	assert_false(d->compound);
	/* On a per-CPU list, or merged into the buddy's. */
	if (PageFlag(pfn_to_page(m, pfn), PG_buddy)) {
		assert_string_equal(d->page_type, "buddy");
		assert_int_equal(d->page_type_value, 0xffffff7f);
	} else {
		assert_string_equal(d->page_type, "");
	}
	assert_string_equal(d->page_owner, "freed");
	assert_string_equal(d->record.free_call, "free_pages");
	snapshot_free(dump_page_report.t.desc, d);
	seq_buf_free(&s);
	a.addr = m->max_pfn;
	assert_null(snapshot_take_at(&dump_page_report.t, m, &a, &err));
	assert_int_equal(err, -EINVAL);
	machine_destroy(m);
}

/* %pGp and %pGg, name by name. */
static void test_flag_names(void **state)
{
	struct page page = {0};
	struct seq_buf s;

	(void)state;
	seq_buf_init(&s);
	seq_gfp(&s, GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN);
	seq_printf(&s, " ");
	seq_gfp(&s, GFP_HIGHUSER_MOVABLE | 0x800000);
	seq_printf(&s, " ");
	page.flags = (1u << PG_lru) | (1u << PG_dirty) | (2u << ZONES_SHIFT);
	seq_page_flags(&s, &page);
	assert_string_equal(s.buf,
			    "0x2dc0(GFP_KERNEL|__GFP_NOWARN|__GFP_ZERO) "
			    "0x900cca(GFP_HIGHUSER_MOVABLE|0x800000) "
			    "0x4000000000000030(dirty|lru|node=0|zone=2)");
	seq_buf_free(&s);
}

/* /sys/kernel/debug/page_owner: a client's block, then its free. */
/*
 * %pGp's node= is the page's node (page_to_nid), as Linux prints it:
 * a page alloc_pages_node took on node 1 says node=1 in dump_page and
 * page_owner, text and data; a page on node 0 says node=0.
 */
static void test_page_node(void **state)
{
	struct report_args a = {.cpl = 3, .sreg = -1};
	struct dump_page_snapshot *d;
	struct page_owner_snapshot *ps;
	struct machine *m;
	struct layout l;
	struct seq_buf s;
	unsigned long pfn[2];
	char want[64];
	int err;

	(void)state;
	two_node_layout(&l, 128 * MiB);
	l.kernel.page_owner = true;
	m = boot(&l);
	new_task(m, "noder");
	m->call = "alloc_pages_node";
	for (int nid = 0; nid < 2; nid++) {
		assert_int_equal(uapi_alloc_pages_node(
					 m, nid, GFP_KERNEL | __GFP_THISNODE, 0,
					 &pfn[nid]),
				 0);
		snprintf(want, sizeof(want), "(node=%d|zone=2)\n", nid);
		assert_non_null(strstr(dump(m, pfn[nid], &s), want));
		seq_buf_free(&s);
		a.addr = pfn[nid];
		d = snapshot_take_at(&dump_page_report.t, m, &a, &err);
		assert_non_null(d);
		assert_int_equal(d->flags.node, nid);
		assert_int_equal(d->flags.zone, ZONE_NORMAL);
		snapshot_free(dump_page_report.t.desc, d);
	}
	ps = snapshot_take(&page_owner_report, m, 0, &err);
	assert_non_null(ps);
	for (size_t i = 0; i < ps->nr_blocks; i++)
		if (ps->blocks[i].pfn == pfn[0] || ps->blocks[i].pfn == pfn[1])
			assert_int_equal(ps->blocks[i].flags.node,
					 ps->blocks[i].pfn == pfn[1]);
	snapshot_free(page_owner_report.desc, ps);
	report_text(m, &s, report_page_owner);
	snprintf(want, sizeof(want), "PFN 0x%lx type ", pfn[1]);
	assert_non_null(strstr(s.buf, want));
	assert_non_null(strstr(strstr(s.buf, want), "(node=1|zone=2)\n"));
	seq_buf_free(&s);
	machine_destroy(m);
}

static void test_page_owner_report(void **state)
{
	struct machine *m = boot_owner(true);
	struct seq_buf s;
	unsigned long pfn;
	char want[256];
	int pid;

	(void)state;
	pid = new_task(m, "owner");
	m->call = "alloc_pages";
	assert_int_equal(
		uapi_alloc_pages(m, GFP_KERNEL | __GFP_MOVABLE, 2, &pfn), 0);
	report_text(m, &s, report_page_owner);
	snprintf(want, sizeof(want),
		 "Page allocated via order 2, mask "
		 "0xcc8(GFP_KERNEL|__GFP_MOVABLE), pid %d, tgid %d (owner), "
		 "ts ",
		 pid, pid);
	assert_non_null(strstr(s.buf, want));
	snprintf(want, sizeof(want),
		 " ns\nPFN %#lx type Movable Block %lu type Movable Flags "
		 "0x2000000000000000(node=0|zone=1)\n alloc_pages\n",
		 pfn, pfn >> m->pageblock_order);
	assert_non_null(strstr(s.buf, want));
	seq_buf_free(&s);
	assert_int_equal(machine_check(m, NULL, 0), 0);
	assert_int_equal(uapi_free_pages(m, pfn, 2), 0);
	report_text(m, &s, report_page_owner);
	snprintf(want, sizeof(want), "PFN %#lx ", pfn);
	assert_null(strstr(s.buf, want));
	seq_buf_free(&s);
	machine_destroy(m);
}

/* page_owner's data is its text's: the block's lines printed again
 * from its values are in the text, which is the snapshot's. */
static void test_page_owner_data(void **state)
{
	struct machine *m = boot_owner(true);
	struct page_owner_snapshot *ps;
	const struct page_owner_block_snapshot *b = NULL;
	struct seq_buf s, t;
	unsigned long pfn;
	char want[512];
	int err, pid;

	(void)state;
	pid = new_task(m, "owner");
	m->call = "alloc_pages";
	assert_int_equal(
		uapi_alloc_pages(m, GFP_KERNEL | __GFP_MOVABLE, 2, &pfn), 0);
	ps = snapshot_take(&page_owner_report, m, 0, &err);
	assert_non_null(ps);
	seq_buf_init(&s);
	assert_int_equal(page_owner_report.show(ps, &s), 0);
	report_text(m, &t, report_page_owner);
	assert_string_equal(s.buf, t.buf);
	seq_buf_free(&t);
	for (size_t i = 0; i < ps->nr_blocks; i++) {
		if (i)
			assert_true(ps->blocks[i].pfn > ps->blocks[i - 1].pfn);
		if (ps->blocks[i].pfn == pfn)
			b = &ps->blocks[i];
	}
	assert_non_null(b);
	assert_int_equal(b->record.order, 2);
	assert_int_equal(b->record.gfp_mask, GFP_KERNEL | __GFP_MOVABLE);
	assert_int_equal(b->record.nr_gfp_flags, 2);
	assert_string_equal(b->record.gfp_flags[1], "__GFP_MOVABLE");
	assert_int_equal(b->record.pid, pid);
	assert_string_equal(b->record.comm, "owner");
	assert_true(b->record.allocated);
	assert_int_equal(b->pageblock, pfn >> m->pageblock_order);
	assert_string_equal(b->pageblock_migratetype, "Movable");
	assert_int_equal(b->flags.nr_names, 0);
	snprintf(want, sizeof(want),
		 "Page allocated via order %llu, mask 0x%llx(%s|%s), pid %lld, "
		 "tgid %lld (%s), ts %llu ns\nPFN 0x%llx type %s Block %llu "
		 "type %s Flags 0x%llx(node=0|zone=%llu)\n %s\nCharged to "
		 "memcg %lld\n\n",
		 (unsigned long long)b->record.order,
		 (unsigned long long)b->record.gfp_mask, b->record.gfp_flags[0],
		 b->record.gfp_flags[1], (long long)b->record.pid,
		 (long long)b->record.tgid, b->record.comm,
		 (unsigned long long)b->record.ts_nsec,
		 (unsigned long long)b->pfn, b->record.migratetype,
		 (unsigned long long)b->pageblock, b->pageblock_migratetype,
		 (unsigned long long)b->flags.value,
		 (unsigned long long)b->flags.zone, b->record.call,
		 (long long)b->memcg);
	assert_int_equal(b->memcg, pid); /* the task's, as memcontrol.c */
	assert_false(b->slab);
	if (!strstr(s.buf, want))
		fail_msg("not in the text: %s", want);
	snapshot_free(page_owner_report.desc, ps);
	seq_buf_free(&s);
	machine_destroy(m);
	m = boot_owner(false);
	assert_null(snapshot_take(&page_owner_report, m, 0, &err));
	assert_int_equal(err, -EOPNOTSUPP);
	assert_non_null(strstr(m->errmsg, "page_owner is off"));
	machine_destroy(m);
}

/* Off, the file does not exist; the records cost nothing. */
static void test_page_owner_off(void **state)
{
	struct machine *m = boot_owner(false);
	struct seq_buf s;

	(void)state;
	seq_buf_init(&s);
	assert_int_equal(report_page_owner(m, &s), -EOPNOTSUPP);
	assert_null(m->page_owner);
	seq_buf_free(&s);
	machine_destroy(m);
}

/* The checker holds every allocated block to its record. */
static void test_page_owner_check(void **state)
{
	struct machine *m = boot_owner(true);
	struct page_owner *po;
	unsigned long pfn;
	char why[256];

	(void)state;
	new_task(m, "t");
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 1, &pfn), 0);
	assert_int_equal(machine_check(m, why, sizeof(why)), 0);
	po = (struct page_owner *)get_page_owner(m, pfn);
	assert_non_null(po);
	po->order = 0;
	assert_check_fails(m, "recorded with order 0, allocated with order 1");
	po->order = 1;
	po->allocated = false;
	assert_check_fails(m, "has no allocation record");
	po->allocated = true;
	assert_int_equal(uapi_free_pages(m, pfn, 1), 0);
	assert_int_equal(machine_check(m, why, sizeof(why)), 0);
	machine_destroy(m);
}

/* SLUB's attributes after objects filled one slab and began another. */
static void test_slab_sysfs(void **state)
{
	struct machine *m = boot_owner(false);
	struct seq_buf s;
	uint64_t cache, addr[70];

	(void)state;
	new_task(m, "t");
	assert_int_equal(uapi_kmem_cache_create(m, "sixty4", 64, 0, 0, &cache),
			 0);
	for (int i = 0; i < 70; i++)
		assert_int_equal(
			uapi_kmem_cache_alloc(m, cache, GFP_KERNEL, &addr[i]),
			0);
	seq_buf_init(&s);
	assert_int_equal(slab_sysfs_show(m, "sixty4", &s), 0);
	assert_non_null(strstr(s.buf, "\nobjs_per_slab: 64\norder: 0\n"));
	assert_non_null(strstr(s.buf, "\nslabs: 2 N0=2\n"));
	assert_non_null(strstr(s.buf, "\ntotal_objects: 128 N0=128\n"));
	assert_non_null(strstr(s.buf, "\nobject_size: 64\n"));
	assert_non_null(strstr(s.buf, "\ncpu_slabs: 1 N0=1\n"));
	assert_non_null(strstr(s.buf, "\npartial: 0\n"));
	seq_buf_clear(&s);
	assert_int_equal(slab_sysfs_show(m, "no-such-cache", &s), -ENOENT);
	seq_buf_free(&s);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kpageflags_states),
		cmocka_unit_test(test_kpageflags_anon),
		cmocka_unit_test(test_kpage_range),
		cmocka_unit_test(test_dump_page),
		cmocka_unit_test(test_dump_page_data),
		cmocka_unit_test(test_flag_names),
		cmocka_unit_test(test_page_node),
		cmocka_unit_test(test_page_owner_report),
		cmocka_unit_test(test_page_owner_data),
		cmocka_unit_test(test_page_owner_off),
		cmocka_unit_test(test_page_owner_check),
		cmocka_unit_test(test_slab_sysfs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
