/* SPDX-License-Identifier: MIT */
/*
 * test_page_owners.c - a frame followed to its owners: the exact line
 * for an anonymous page (and both processes once fork shares it), a
 * slab page's cache and objects, a vmalloc area, a process's page
 * table, a block alloc_pages gave, a reserved frame; the refusals for a
 * free frame and a pfn past RAM.
 *
 * Owns: report_page_owners' lines. Must never: depend on another
 * test's machine.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/mm.h"
#include "core/mman.h"
#include "core/page_owners.h"
#include "core/pgtable.h"
#include "core/slab.h"
#include "core/task.h"
#include "core/uapi.h"

static struct machine *boot_small(void)
{
	struct layout l;

	small_layout(&l, 64 * MiB);
	return boot(&l);
}

static int new_task(struct machine *m, const char *comm)
{
	int pid;

	assert_int_equal(task_create(m, comm, 0, 0, &pid), 0);
	assert_int_equal(task_switch(m, pid), 0);
	return pid;
}

/* The report on pfn, which must succeed, compared whole with want. */
static void owners_are(struct machine *m, unsigned long pfn, const char *want)
{
	struct seq_buf s;

	seq_buf_init(&s);
	assert_int_equal(report_page_owners(m, pfn, &s), 0);
	assert_string_equal(s.buf, want);
	seq_buf_free(&s);
}

static void owners_fail(struct machine *m, uint64_t pfn, int err,
			const char *why)
{
	struct seq_buf s;

	seq_buf_init(&s);
	assert_int_equal(report_page_owners(m, pfn, &s), err);
	assert_non_null(strstr(m->errmsg, why));
	seq_buf_free(&s);
}

static unsigned long pfn_at(struct machine *m, int pid, uint64_t addr)
{
	const struct task_struct *t = find_task_by_pid(m, pid);
	struct pte_slot slot;

	assert_int_equal(pte_slot_get(m, t->mm->pgd, addr,
				      pgtable_levels(m) - 1, false, &slot),
			 0);
	return pte_pfn(m, pte_slot_read(m, &slot));
}

/* rmap: the writer maps it; after fork, both processes do. */
static void test_owners_anon(void **state)
{
	struct machine *m = boot_small();
	struct user_fault fault;
	uint64_t addr;
	unsigned long pfn;
	int pid, child;
	char byte = 7, want[200];

	(void)state;
	pid = new_task(m, "t");
	assert_int_equal(uapi_mmap(m, pid, 0, PAGE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, &addr),
			 0);
	assert_int_equal(
		uapi_access_vm(m, pid, addr, &byte, 1, USER_WRITE, &fault), 0);
	pfn = pfn_at(m, pid, addr);
	snprintf(want, sizeof(want), "anon pid %d addr 0x%" PRIx64 "\n", pid,
		 addr);
	owners_are(m, pfn, want);
	assert_int_equal(uapi_fork(m, pid, &child), 0);
	snprintf(want, sizeof(want),
		 "anon pid %d addr 0x%" PRIx64 "\nanon pid %d addr 0x%" PRIx64
		 "\n",
		 pid, addr, child, addr);
	owners_are(m, pfn, want);
	/* The child's write gives it a copy: the page is the parent's again. */
	assert_int_equal(
		uapi_access_vm(m, child, addr, &byte, 1, USER_WRITE, &fault),
		0);
	snprintf(want, sizeof(want), "anon pid %d addr 0x%" PRIx64 "\n", pid,
		 addr);
	owners_are(m, pfn, want);
	snprintf(want, sizeof(want), "anon pid %d addr 0x%" PRIx64 "\n", child,
		 addr);
	owners_are(m, pfn_at(m, child, addr), want);
	/* The process's pgd is its page table. */
	snprintf(want, sizeof(want), "pagetable pid %d pgd\n", pid);
	owners_are(m, find_task_by_pid(m, pid)->mm->pgd, want);
	machine_destroy(m);
}

static struct page_owners_snapshot *owners_data(struct machine *m, uint64_t pfn)
{
	struct report_args a = {.addr = pfn, .cpl = 3, .sreg = -1};
	struct page_owners_snapshot *po;
	int err;

	po = snapshot_take_at(&page_owners_report.t, m, &a, &err);
	assert_non_null(po);
	return po;
}

/*
 * The data is the text's: after fork both mappings, each with its
 * process, address and VMA, and the text printed from them; a free
 * frame is data with its order (its text is refused).
 */
static void test_owners_data(void **state)
{
	struct machine *m = boot_small();
	struct page_owners_snapshot *po;
	struct user_fault fault;
	struct seq_buf s;
	uint64_t addr;
	unsigned long pfn;
	int pid, child;
	char byte = 7, want[200];

	(void)state;
	pid = new_task(m, "t");
	assert_int_equal(uapi_mmap(m, pid, 0, 2 * PAGE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, &addr),
			 0);
	assert_int_equal(uapi_access_vm(m, pid, addr + PAGE, &byte, 1,
					USER_WRITE, &fault),
			 0);
	assert_int_equal(uapi_fork(m, pid, &child), 0);
	pfn = pfn_at(m, pid, addr + PAGE);
	po = owners_data(m, pfn);
	assert_int_equal(po->pfn, pfn);
	assert_string_equal(po->state, "user");
	assert_int_equal(po->nr_owners, 2);
	for (size_t i = 0; i < 2; i++) {
		const struct page_holder_snapshot *h = &po->owners[i];

		assert_string_equal(h->kind, "anon");
		assert_int_equal(h->pid, i ? child : pid);
		assert_int_equal(h->addr, addr + PAGE);
		assert_int_equal(h->vm_start, addr);
		assert_int_equal(h->vm_end, addr + 2 * PAGE);
	}
	seq_buf_init(&s);
	assert_int_equal(page_owners_report.t.show(po, &s), 0);
	snprintf(want, sizeof(want),
		 "anon pid %lld addr 0x%" PRIx64
		 "\nanon pid %lld addr 0x%" PRIx64 "\n",
		 (long long)po->owners[0].pid, po->owners[0].addr,
		 (long long)po->owners[1].pid, po->owners[1].addr);
	assert_string_equal(s.buf, want);
	owners_are(m, pfn, want);
	seq_buf_free(&s);
	snapshot_free(page_owners_report.t.desc, po);
	/* A pgd: its process. */
	po = owners_data(m, find_task_by_pid(m, child)->mm->pgd);
	assert_string_equal(po->state, "pagetable");
	assert_int_equal(po->nr_owners, 1);
	assert_true(po->owners[0].pgd);
	assert_int_equal(po->owners[0].pid, child);
	snapshot_free(page_owners_report.t.desc, po);
	/* A free frame: its block's order, no owner. */
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 3, &pfn), 0);
	assert_int_equal(uapi_free_pages(m, pfn, 3), 0);
	po = owners_data(m, pfn);
	assert_true(!strcmp(po->state, "free") ||
		    !strcmp(po->state, "per-cpu"));
	assert_true(po->order >= 3 || !strcmp(po->state, "per-cpu"));
	assert_int_equal(po->nr_owners, 0);
	snapshot_free(page_owners_report.t.desc, po);
	owners_fail(m, pfn, -ENOENT, "no owner");
	machine_destroy(m);
}

/* A kmalloc-64 object: its slab page, the objects that start in it. */
static void test_owners_slab(void **state)
{
	struct machine *m = boot_small();
	struct slab_page_info i;
	unsigned long pfn;
	uint64_t addr;
	char want[200];

	(void)state;
	new_task(m, "k");
	assert_int_equal(uapi_kmalloc(m, 64, GFP_KERNEL, &addr), 0);
	assert_int_equal(uapi_virt_to_page(m, addr, &pfn), 0);
	assert_int_equal(slab_page_info(m, pfn, &i), 0);
	assert_string_equal(kmem_cache_name(i.cache), "kmalloc-64");
	/* A 4 KiB slab of 64-byte objects: 64 of them, all in this page. */
	assert_int_equal(i.objects, 64);
	snprintf(want, sizeof(want),
		 "slab cache kmalloc-64 objects 0-63 of 64 inuse %u slab pfn "
		 "0x%lx\n",
		 i.inuse, pfn);
	owners_are(m, pfn, want);
	assert_true(i.inuse >= 1);
	machine_destroy(m);
}

/* vmalloc's pages, a block alloc_pages gave, a reserved frame. */
static void test_owners_kernel(void **state)
{
	struct machine *m = boot_small();
	unsigned long pfn, pfn1;
	uint64_t addr;
	char want[200];
	int pid;

	(void)state;
	pid = new_task(m, "v");
	assert_int_equal(uapi_vmalloc(m, 3 * PAGE, &addr), 0);
	assert_int_equal(uapi_vmalloc_to_pfn(m, addr + PAGE, &pfn), 0);
	snprintf(want, sizeof(want),
		 "vmalloc 0x%016" PRIx64 " pages=3 page 1 vmalloc pid %d\n",
		 addr, pid);
	owners_are(m, pfn, want);
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 1, &pfn1), 0);
	snprintf(want, sizeof(want), "kernel pid %d\n", pid);
	owners_are(m, pfn1, want);
	owners_are(m, 0, "reserved\n"); /* the first page: the BIOS's */
	machine_destroy(m);
}

/* A free frame has no owner; past RAM there is no frame. */
static void test_owners_refused(void **state)
{
	struct machine *m = boot_small();
	unsigned long pfn;

	(void)state;
	new_task(m, "f");
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 0, &pfn), 0);
	assert_int_equal(uapi_free_pages(m, pfn, 0), 0);
	assert_int_equal(uapi_alloc_pages(m, GFP_KERNEL, 3, &pfn), 0);
	assert_int_equal(uapi_free_pages(m, pfn, 3), 0);
	owners_fail(m, pfn, -ENOENT, "is free");
	owners_fail(m, m->max_pfn, -EINVAL, "past RAM");
	owners_fail(m, UINT64_MAX, -EINVAL, "past RAM");
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_owners_anon),
		cmocka_unit_test(test_owners_data),
		cmocka_unit_test(test_owners_slab),
		cmocka_unit_test(test_owners_kernel),
		cmocka_unit_test(test_owners_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
