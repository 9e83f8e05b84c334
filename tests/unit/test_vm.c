/* SPDX-License-Identifier: MIT */
/*
 * test_vm.c - address spaces: mmap, munmap, mprotect and brk with VMA
 * merge and split, faults of every kind, fork and copy-on-write, and the
 * bad calls, each with its exact error; the checker after each.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/mmzone.h"
#include "core/meminfo.h"
#include "core/mm.h"
#include "core/mman.h"
#include "core/oom_kill.h"
#include "core/pgtable.h"
#include "core/swap.h"
#include "core/task.h"
#include "core/task_mmu.h"
#include "core/uapi.h"
#include "core/vma_internal.h"
#include "core/vmscan.h"
#include "tests/unit/seed.h"

struct vm_fixture {
	struct machine *m;
	int pid;
};

static int setup(void **state)
{
	struct vm_fixture *f = calloc(1, sizeof(*f));
	struct layout l;

	small_layout(&l, 256 * MiB);
	l.swap_size = 64 * MiB;
	f->m = boot(&l);
	assert_int_equal(task_create(f->m, "vm", 0, 0, &f->pid), 0);
	assert_int_equal(task_switch(f->m, f->pid), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct vm_fixture *f = *state;

	assert_consistent(f->m);
	machine_destroy(f->m);
	free(f);
	return 0;
}

static uint64_t map(struct machine *m, uint64_t addr, uint64_t len, int prot,
		    int flags)
{
	uint64_t mapped = 0;

	assert_int_equal(uapi_mmap(m, 0, addr, len, prot, flags, &mapped), 0);
	return mapped;
}

static struct mm_struct *self_mm(const struct vm_fixture *f)
{
	return find_task_by_pid(f->m, f->pid)->mm;
}

static void write_bytes(struct machine *m, int pid, uint64_t addr,
			const char *s)
{
	struct user_fault fault;

	assert_int_equal(uapi_access_vm(m, pid, addr, (void *)s, strlen(s),
					USER_WRITE, &fault),
			 0);
}

static void expect_bytes(struct machine *m, int pid, uint64_t addr,
			 const char *s)
{
	struct user_fault fault;
	char buf[256] = {0};

	assert_int_equal(
		uapi_access_vm(m, pid, addr, buf, strlen(s), USER_READ, &fault),
		0);
	assert_string_equal(buf, s);
}

static unsigned int nr_vmas(const struct vm_fixture *f)
{
	return self_mm(f)->map_count;
}

static struct user_fault fault_of(struct machine *m, int pid, uint64_t addr,
				  enum user_access access, int expect)
{
	struct user_fault fault;
	char byte = 'x';

	assert_int_equal(uapi_access_vm(m, pid, addr, &byte, 1, access, &fault),
			 expect);
	return fault;
}

static uint64_t pte_of(const struct machine *m, int pid, uint64_t addr)
{
	struct pgtable_walk w;

	assert_int_equal(pid_pagewalk(m, pid, addr, &w), 0);
	return w.levels ? w.level[w.levels - 1].entry : 0;
}

static unsigned long pfn_of(const struct machine *m, int pid, uint64_t addr)
{
	struct pgtable_walk w;

	assert_int_equal(pid_pagewalk(m, pid, addr, &w), 0);
	assert_true(w.present);
	return w.pfn;
}

static void report(const struct machine *m, int pid,
		   int (*fn)(const struct machine *, int, struct seq_buf *),
		   struct seq_buf *s)
{
	seq_buf_init(s);
	assert_int_equal(fn(m, pid, s), 0);
}

/* Somewhere free, well below mmap_base, for MAP_FIXED tests. */
#define FIXED 0x10000000ULL

static void test_placement_and_maps(void **state)
{
	struct vm_fixture *f = *state;
	struct machine *m = f->m;
	struct mm_struct *mm = self_mm(f);
	uint64_t a =
		map(m, 0, 3 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS);
	uint64_t b =
		map(m, 0, 2 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS);
	struct seq_buf s;
	char line[160];

	/* Top down from mmap_base; the second lands right below, merged. */
	assert_int_equal(a, mm->mmap_base - 3 * PAGE);
	assert_int_equal(b, a - 2 * PAGE);
	assert_int_equal(nr_vmas(f), 2); /* the stack and the merged one */
	assert_int_equal(mm->total_vm, 32 + 5);
	report(m, f->pid, report_pid_maps, &s);
	snprintf(line, sizeof(line), "%08lx-%08lx r--p 00000000 00:00 0 \n",
		 (unsigned long)b, (unsigned long)(a + 3 * PAGE));
	assert_non_null(strstr(s.buf, line));
	snprintf(line, sizeof(line), "%08lx-%08lx rw-p 00000000 00:00 0",
		 (unsigned long)(mm->task_size - 32 * PAGE),
		 (unsigned long)mm->task_size);
	assert_non_null(strstr(s.buf, line));
	/* [stack] padded to column 73, as on a 64-bit kernel */
	assert_non_null(strstr(s.buf, "0                          [stack]\n"));
	seq_buf_free(&s);
	/* A hint that is free is taken as it is. */
	assert_int_equal(
		map(m, FIXED, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS),
		FIXED);
}

static void test_merge_split_matrix(void **state)
{
	struct vm_fixture *f = *state;
	struct machine *m = f->m;
	int rw = PROT_READ | PROT_WRITE,
	    fl = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
	unsigned int base = nr_vmas(f);

	/* Adjacent, same flags: one VMA. */
	map(m, FIXED, 3 * PAGE, rw, fl);
	map(m, FIXED + 3 * PAGE, 3 * PAGE, rw, fl);
	assert_int_equal(nr_vmas(f), base + 1);
	/* Adjacent, other flags: two. */
	map(m, FIXED + 6 * PAGE, 2 * PAGE, PROT_READ, fl);
	assert_int_equal(nr_vmas(f), base + 2);
	/* munmap in the middle splits; at the edges it trims. */
	assert_int_equal(uapi_munmap(m, 0, FIXED + 2 * PAGE, PAGE), 0);
	assert_int_equal(nr_vmas(f), base + 3);
	assert_int_equal(uapi_munmap(m, 0, FIXED, PAGE), 0);
	assert_int_equal(nr_vmas(f), base + 3);
	assert_int_equal(find_vma(self_mm(f), FIXED)->vm_start, FIXED + PAGE);
	/* Filling the hole with the same flags merges all three. */
	map(m, FIXED + 2 * PAGE, PAGE, rw, fl);
	assert_int_equal(nr_vmas(f), base + 2);
	assert_int_equal(find_vma(self_mm(f), FIXED)->vm_end, FIXED + 6 * PAGE);
	/* mprotect in the middle: three; back: one again. */
	assert_int_equal(uapi_mprotect(m, 0, FIXED + 3 * PAGE, PAGE, PROT_READ),
			 0);
	assert_int_equal(nr_vmas(f), base + 4);
	assert_int_equal(uapi_mprotect(m, 0, FIXED + 3 * PAGE, PAGE, rw), 0);
	assert_int_equal(nr_vmas(f), base + 2);
	/* At the edges: two, then one. */
	assert_int_equal(uapi_mprotect(m, 0, FIXED + PAGE, PAGE, PROT_NONE), 0);
	assert_int_equal(nr_vmas(f), base + 3);
	assert_int_equal(uapi_mprotect(m, 0, FIXED + 5 * PAGE, PAGE, PROT_READ),
			 0);
	/* ...the last page now merges with the read-only VMA above it. */
	assert_int_equal(nr_vmas(f), base + 3);
	assert_int_equal(find_vma(self_mm(f), FIXED + 5 * PAGE)->vm_end,
			 FIXED + 8 * PAGE);
	/* mprotect across all of them: one VMA. */
	assert_int_equal(uapi_mprotect(m, 0, FIXED + PAGE, 7 * PAGE, rw), 0);
	assert_int_equal(nr_vmas(f), base + 1);
	/* MAP_FIXED over part of it replaces that part. */
	map(m, FIXED + 2 * PAGE, 2 * PAGE, PROT_READ, fl);
	assert_int_equal(nr_vmas(f), base + 3);
	/* munmap across everything. */
	assert_int_equal(uapi_munmap(m, 0, FIXED, 16 * PAGE), 0);
	assert_int_equal(nr_vmas(f), base);
	assert_consistent(m);
}

static void test_fault_matrix(void **state)
{
	struct vm_fixture *f = *state;
	struct machine *m = f->m;
	struct mm_struct *mm = self_mm(f);
	uint64_t rw = map(m, 0, 4 * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS);
	uint64_t ro = map(m, 0, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS);
	uint64_t rx = map(m, 0, PAGE, PROT_READ | PROT_EXEC,
			  MAP_PRIVATE | MAP_ANONYMOUS);
	uint64_t none = map(m, 0, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS);
	unsigned long faults = m->vm_events[PGFAULT], minflt = mm->min_flt;
	struct user_fault fault;
	char buf[8] = "zzzzzzz";

	/* Demand zero: a read maps the zero page, read-only and accessed. */
	assert_int_equal(uapi_access_vm(m, 0, rw, buf, 8, USER_READ, &fault),
			 0);
	assert_memory_equal(buf, "\0\0\0\0\0\0\0\0", 8);
	assert_int_equal(pfn_of(m, f->pid, rw), m->zero_pfn);
	assert_int_equal(pte_of(m, f->pid, rw) & (_PAGE_RW | _PAGE_ACCESSED),
			 _PAGE_ACCESSED);
	assert_int_equal(m->vm_events[PGFAULT], faults + 1);
	assert_int_equal(mm->min_flt, minflt + 1);
	assert_int_equal(mm->rss_stat[MM_ANONPAGES], 0);
	/* The first write gets a page of its own, dirty. */
	write_bytes(m, 0, rw, "abc");
	assert_int_not_equal(pfn_of(m, f->pid, rw), m->zero_pfn);
	assert_int_equal(pte_of(m, f->pid, rw) & (_PAGE_RW | _PAGE_DIRTY),
			 _PAGE_RW | _PAGE_DIRTY);
	assert_int_equal(mm->rss_stat[MM_ANONPAGES], 1);
	expect_bytes(m, 0, rw, "abc");
	/* A write to a page never read: one fault, straight to a page. */
	faults = m->vm_events[PGFAULT];
	write_bytes(m, 0, rw + 2 * PAGE, "x");
	assert_int_equal(m->vm_events[PGFAULT], faults + 1);
	/* A write across a page boundary touches both. */
	write_bytes(m, 0, rw + 2 * PAGE - 2, "span");
	expect_bytes(m, 0, rw + 2 * PAGE - 2, "span");
	/* No VMA: SEGV_MAPERR at the address. */
	fault = fault_of(m, 0, FIXED + 123, USER_READ, -EFAULT);
	assert_int_equal(fault.signo, SIGSEGV);
	assert_int_equal(fault.si_code, SEGV_MAPERR);
	assert_int_equal(fault.addr, FIXED + 123);
	/* Permission: SEGV_ACCERR. */
	fault = fault_of(m, 0, ro, USER_WRITE, -EFAULT);
	assert_int_equal(fault.si_code, SEGV_ACCERR);
	fault = fault_of(m, 0, rw, USER_EXEC, -EFAULT);
	assert_int_equal(fault.si_code, SEGV_ACCERR);
	fault = fault_of(m, 0, none, USER_READ, -EFAULT);
	assert_int_equal(fault.si_code, SEGV_ACCERR);
	fault_of(m, 0, rx, USER_EXEC, 0);
	assert_int_equal(pte_of(m, f->pid, rx) & _PAGE_NX, 0);
	assert_int_equal(pte_of(m, f->pid, rw) & _PAGE_NX, _PAGE_NX);
	/* A kernel address from user mode: SEGV_MAPERR. */
	fault = fault_of(m, 0, m->layout.kernel.page_offset, USER_READ,
			 -EFAULT);
	assert_int_equal(fault.si_code, SEGV_MAPERR);
	/* A read-only page written after mprotect: now allowed. */
	assert_int_equal(uapi_mprotect(m, 0, ro, PAGE, PROT_READ | PROT_WRITE),
			 0);
	write_bytes(m, 0, ro, "ok");
	/* PROT_NONE keeps the page: its bytes come back with access. */
	assert_int_equal(uapi_mprotect(m, 0, rw, PAGE, PROT_NONE), 0);
	assert_true(pte_protnone(pte_of(m, f->pid, rw)));
	fault = fault_of(m, 0, rw, USER_READ, -EFAULT);
	assert_int_equal(fault.si_code, SEGV_ACCERR);
	assert_int_equal(uapi_mprotect(m, 0, rw, PAGE, PROT_READ), 0);
	expect_bytes(m, 0, rw, "abc");
	assert_int_equal(m->bad[BAD_USER_ACCESS], 6);
	assert_consistent(m);
}

static void test_stack_growth(void **state)
{
	struct vm_fixture *f = *state;
	struct machine *m = f->m;
	struct mm_struct *mm = self_mm(f);
	struct vm_area_struct *stack = find_vma(mm, mm->start_stack);
	uint64_t bottom = stack->vm_start;
	struct user_fault fault;

	/* Just below the stack: it grows to take the page. */
	write_bytes(m, 0, bottom - 100, "deep");
	assert_int_equal(stack->vm_start, bottom - PAGE);
	assert_int_equal(mm->stack_vm, 33);
	expect_bytes(m, 0, bottom - 100, "deep");
	/* Past the 8 MiB limit: SEGV_MAPERR, the stack unchanged. */
	fault = fault_of(m, 0, mm->task_size - STACK_RLIMIT - PAGE, USER_WRITE,
			 -EFAULT);
	assert_int_equal(fault.si_code, SEGV_MAPERR);
	assert_int_equal(stack->vm_start, bottom - PAGE);
	/* A mapping too close below keeps the guard gap: no growth into it. */
	map(m, bottom - PAGE - 300 * PAGE, PAGE, PROT_READ,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
	fault = fault_of(m, 0, bottom - 200 * PAGE, USER_WRITE, -EFAULT);
	assert_int_equal(fault.si_code, SEGV_MAPERR);
	assert_consistent(m);
}

static void test_fork_cow(void **state)
{
	struct vm_fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a = map(m, 0, 8 * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS);
	unsigned long before, after;
	char word[32];
	int child;

	for (int i = 0; i < 8; i++) {
		snprintf(word, sizeof(word), "page %d", i);
		write_bytes(m, 0, a + (uint64_t)i * PAGE, word);
	}
	assert_int_equal(uapi_fork(m, 0, &child), 0);
	assert_int_not_equal(child, f->pid);
	before = pfn_of(m, f->pid, a);
	/* Shared read-only between the two, mapped twice. */
	assert_int_equal(pfn_of(m, child, a), before);
	assert_int_equal(pfn_to_page(m, before)->_mapcount, 1);
	assert_int_equal(pte_of(m, f->pid, a) & _PAGE_RW, 0);
	/* The child writes: it gets a copy, bytes and all. */
	write_bytes(m, child, a + 10, "CHILD");
	after = pfn_of(m, child, a);
	assert_int_not_equal(after, before);
	expect_bytes(m, child, a, "page 0\0\0\0\0CHILD");
	expect_bytes(m, 0, a, "page 0");
	/* The parent is the only mapper left: its write reuses the page. */
	assert_int_equal(pfn_to_page(m, before)->_mapcount, 0);
	write_bytes(m, 0, a + 10, "PARENT");
	assert_int_equal(pfn_of(m, f->pid, a), before);
	expect_bytes(m, 0, a + 10, "PARENT");
	expect_bytes(m, child, a + 10, "CHILD");
	/* Both write everywhere and read back their own. */
	for (int i = 0; i < 8; i++) {
		snprintf(word, sizeof(word), "child %d", i);
		write_bytes(m, child, a + (uint64_t)i * PAGE + 100, word);
		snprintf(word, sizeof(word), "parent %d", i);
		write_bytes(m, 0, a + (uint64_t)i * PAGE + 100, word);
	}
	for (int i = 0; i < 8; i++) {
		snprintf(word, sizeof(word), "child %d", i);
		expect_bytes(m, child, a + (uint64_t)i * PAGE + 100, word);
		snprintf(word, sizeof(word), "parent %d", i);
		expect_bytes(m, 0, a + (uint64_t)i * PAGE + 100, word);
	}
	assert_consistent(m);
	assert_int_equal(uapi_exit_process(m, child), 0);
	assert_int_equal(uapi_exit_process(m, 0), -EPERM);
	assert_int_equal(uapi_exit_process(m, child), -ESRCH);
	assert_consistent(m);
}

/*
 * What access_user's TLB holds follows the tables: a write cached as
 * allowed faults once mprotect or fork take the right away, and a page
 * unmapped or swapped out is not read from where it was.
 */
static void test_tlb_follows_tables(void **state)
{
	struct vm_fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a = map(m, 0, 2 * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS);
	unsigned long majflt;
	int child;

	write_bytes(m, 0, a, "one");
	assert_int_equal(uapi_mprotect(m, 0, a, PAGE, PROT_READ), 0);
	assert_int_equal(fault_of(m, 0, a, USER_WRITE, -EFAULT).si_code,
			 SEGV_ACCERR);
	expect_bytes(m, 0, a, "one");
	assert_int_equal(uapi_mprotect(m, 0, a, PAGE, PROT_READ | PROT_WRITE),
			 0);
	write_bytes(m, 0, a, "two");
	/* fork write-protects: the parent's next write gets a copy. */
	assert_int_equal(uapi_fork(m, 0, &child), 0);
	write_bytes(m, 0, a, "par");
	expect_bytes(m, child, a, "two");
	expect_bytes(m, 0, a, "par");
	assert_int_not_equal(pfn_of(m, f->pid, a), pfn_of(m, child, a));
	assert_int_equal(uapi_exit_process(m, child), 0);
	/* Out to swap, and back by a major fault. */
	for (int i = 0; i < 4 && !pte_is_swap(pte_of(m, f->pid, a)); i++)
		shrink_lruvec(m, node_lruvec(m, 0), 1UL << 20);
	assert_true(pte_is_swap(pte_of(m, f->pid, a)));
	majflt = self_mm(f)->maj_flt;
	expect_bytes(m, 0, a, "par");
	assert_int_equal(self_mm(f)->maj_flt, majflt + 1);
	assert_int_equal(uapi_munmap(m, 0, a, 2 * PAGE), 0);
	assert_int_equal(fault_of(m, 0, a, USER_READ, -EFAULT).si_code,
			 SEGV_MAPERR);
	assert_consistent(m);
}

static void test_shared_anon(void **state)
{
	struct vm_fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a = map(m, 0, 2 * PAGE, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS);
	struct seq_buf s;
	int child;

	write_bytes(m, 0, a, "before fork");
	assert_int_equal(uapi_fork(m, 0, &child), 0);
	write_bytes(m, child, a, "from child");
	expect_bytes(m, 0, a, "from child");
	write_bytes(m, 0, a + PAGE, "from parent");
	expect_bytes(m, child, a + PAGE, "from parent");
	assert_int_equal(pfn_of(m, child, a), pfn_of(m, f->pid, a));
	assert_int_equal(m->node_stat[NR_SHMEM], 2);
	report(m, f->pid, report_pid_maps, &s);
	assert_non_null(strstr(s.buf, "rw-s 00000000 00:01 "));
	assert_non_null(strstr(s.buf, "/dev/zero (deleted)\n"));
	seq_buf_free(&s);
	assert_consistent(m);
	assert_int_equal(uapi_munmap(m, 0, a, 2 * PAGE), 0);
	expect_bytes(m, child, a, "from child");
	assert_int_equal(uapi_exit_process(m, child), 0);
	assert_int_equal(m->node_stat[NR_SHMEM], 0);
}

static void test_brk(void **state)
{
	struct vm_fixture *f = *state;
	struct machine *m = f->m;
	uint64_t start, cur;
	struct seq_buf s;

	assert_int_equal(uapi_brk(m, 0, 0, &start), 0);
	assert_int_equal(start, self_mm(f)->start_brk);
	assert_int_equal(uapi_brk(m, 0, start + 3 * PAGE + 5, &cur), 0);
	assert_int_equal(cur, start + 3 * PAGE + 5);
	write_bytes(m, 0, start + 3 * PAGE, "heap");
	report(m, f->pid, report_pid_maps, &s);
	assert_non_null(strstr(s.buf, "[heap]\n"));
	seq_buf_free(&s);
	/* Growing again extends the same VMA. */
	assert_int_equal(uapi_brk(m, 0, start + 8 * PAGE, &cur), 0);
	assert_int_equal(find_vma(self_mm(f), start)->vm_end, start + 8 * PAGE);
	/* Shrinking unmaps: the bytes past the break are gone. */
	assert_int_equal(uapi_brk(m, 0, start + PAGE, &cur), 0);
	assert_int_equal(
		fault_of(m, 0, start + 3 * PAGE, USER_READ, -EFAULT).si_code,
		SEGV_MAPERR);
	/* Below the heap's start: refused, the break unchanged. */
	assert_int_equal(uapi_brk(m, 0, start - PAGE, &cur), -ENOMEM);
	assert_int_equal(cur, start + PAGE);
	assert_consistent(m);
}

static void test_mremap(void **state)
{
	struct vm_fixture *f = *state;
	struct machine *m = f->m;
	int rw = PROT_READ | PROT_WRITE, fl = MAP_PRIVATE | MAP_ANONYMOUS;
	uint64_t a = map(m, FIXED, 4 * PAGE, rw, fl | MAP_FIXED), r = 0;
	uint64_t pfn;

	write_bytes(m, 0, a + 3 * PAGE, "tail");
	/* Shrink: the end goes. */
	assert_int_equal(uapi_mremap(m, 0, a, 4 * PAGE, 2 * PAGE, 0, 0, &r), 0);
	assert_int_equal(r, a);
	assert_int_equal(find_vma(self_mm(f), a)->vm_end, a + 2 * PAGE);
	/* Grow in place into the free space after it. */
	write_bytes(m, 0, a + PAGE, "kept");
	assert_int_equal(uapi_mremap(m, 0, a, 2 * PAGE, 6 * PAGE, 0, 0, &r), 0);
	assert_int_equal(r, a);
	assert_int_equal(find_vma(self_mm(f), a)->vm_end, a + 6 * PAGE);
	expect_bytes(m, 0, a + PAGE, "kept");
	/* Something in the way: without MREMAP_MAYMOVE, -ENOMEM. */
	map(m, a + 6 * PAGE, PAGE, PROT_READ, fl | MAP_FIXED);
	assert_int_equal(uapi_mremap(m, 0, a, 6 * PAGE, 8 * PAGE, 0, 0, &r),
			 -ENOMEM);
	/* With it, the mapping moves, its pages and bytes with it. */
	pfn = pfn_of(m, f->pid, a + PAGE);
	assert_int_equal(
		uapi_mremap(m, 0, a, 6 * PAGE, 8 * PAGE, MREMAP_MAYMOVE, 0, &r),
		0);
	assert_int_not_equal(r, a);
	assert_int_equal(pfn_of(m, f->pid, r + PAGE), pfn);
	expect_bytes(m, 0, r + PAGE, "kept");
	assert_int_equal(fault_of(m, 0, a + PAGE, USER_READ, -EFAULT).si_code,
			 SEGV_MAPERR);
	assert_consistent(m);
	/* MREMAP_FIXED to a chosen place. */
	assert_int_equal(uapi_mremap(m, 0, r, 8 * PAGE, 8 * PAGE,
				     MREMAP_MAYMOVE | MREMAP_FIXED,
				     FIXED + 64 * PAGE, &r),
			 0);
	assert_int_equal(r, FIXED + 64 * PAGE);
	expect_bytes(m, 0, r + PAGE, "kept");
	/* The bad ones. */
	assert_int_equal(
		uapi_mremap(m, 0, r, PAGE, 2 * PAGE, MREMAP_FIXED, 0, &r),
		-EINVAL);
	assert_int_equal(uapi_mremap(m, 0, r + 1, PAGE, 2 * PAGE, 0, 0, &r),
			 -EINVAL);
	assert_int_equal(uapi_mremap(m, 0, r, PAGE, 0, 0, 0, &r), -EINVAL);
	assert_int_equal(
		uapi_mremap(m, 0, FIXED + 200 * PAGE, PAGE, PAGE, 0, 0, &r),
		-EFAULT);
	assert_int_equal(uapi_mremap(m, 0, r, 8 * PAGE, 9 * PAGE,
				     MREMAP_MAYMOVE | MREMAP_FIXED, r + PAGE,
				     &r),
			 -EINVAL);
	assert_consistent(m);
}

static void test_mremap_shared(void **state)
{
	struct vm_fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a = map(m, FIXED, 2 * PAGE, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED),
		 r;
	int child;

	assert_int_equal(uapi_fork(m, 0, &child), 0);
	map(m, a + 2 * PAGE, PAGE, PROT_READ,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
	assert_int_equal(
		uapi_mremap(m, 0, a, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE, 0, &r),
		0);
	/* Moved and grown, still the object the child maps. */
	write_bytes(m, 0, r + PAGE, "both");
	expect_bytes(m, child, a + PAGE, "both");
	/*
	 * The object keeps its two pages, as a shmem file its i_size: past
	 * them shmem_fault answers VM_FAULT_SIGBUS (the host does the same;
	 * the differential tester's seed 1796525332 found it).
	 */
	{
		struct user_fault fault = {0};
		char c = 1;

		assert_int_equal(uapi_access_vm(m, 0, r + 3 * PAGE, &c, 1,
						USER_WRITE, &fault),
				 -EFAULT);
		assert_int_equal(fault.signo, SIGBUS);
		assert_int_equal(fault.si_code, BUS_ADRERR);
	}
	assert_consistent(m);
}

/*
 * do_read_fault: fault-around (filemap_map_pages, up to i_size) runs
 * before shmem_fault, so a read past the end of a shared object still
 * maps the object's pages around it before the SIGBUS. The host, the
 * same calls (a five-page shared mapping whose last two pages mremap
 * grows to four in place, every page written, a fork, the child reads
 * the first page past the object): SIGBUS, and the child maps pages
 * 0-4 (the differential tester's seed 20261207 found the machine's
 * child mapping none). A write past the end maps nothing.
 */
static void test_shared_sigbus_fault_around(void **state)
{
	struct vm_fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a = map(m, FIXED, 5 * PAGE, PROT_READ | PROT_WRITE,
			 MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED),
		 r;
	struct user_fault fault = {0};
	unsigned long rss;
	int child;
	char c = 1;

	assert_int_equal(
		uapi_mremap(m, 0, a + 3 * PAGE, 2 * PAGE, 4 * PAGE, 0, 0, &r),
		0);
	assert_int_equal(r, a + 3 * PAGE);
	for (unsigned int i = 0; i < 5; i++)
		assert_int_equal(uapi_access_vm(m, 0, a + i * PAGE, &c, 1,
						USER_WRITE, &fault),
				 0);
	assert_int_equal(uapi_fork(m, 0, &child), 0);
	rss = get_mm_rss(find_task_by_pid(m, child)->mm);
	assert_int_equal(uapi_access_vm(m, child, a + 5 * PAGE, &c, 1,
					USER_WRITE, &fault),
			 -EFAULT);
	assert_int_equal(fault.signo, SIGBUS);
	assert_int_equal(get_mm_rss(find_task_by_pid(m, child)->mm), rss);
	assert_int_equal(uapi_access_vm(m, child, a + 5 * PAGE, &c, 1,
					USER_READ, &fault),
			 -EFAULT);
	assert_int_equal(fault.signo, SIGBUS);
	assert_int_equal(get_mm_rss(find_task_by_pid(m, child)->mm), rss + 5);
	assert_consistent(m);
}

/* ------------------------------------------------------------------ */
/* Bad calls, each with its exact error                                */

enum vm_call { CALL_MMAP, CALL_MUNMAP, CALL_MPROTECT, CALL_ACCESS };

/* Whose address space: the session's own (pid 0), another session's
 * process, or a pid no process has. */
enum vm_who { WHO_SELF, WHO_OTHER, WHO_NOBODY };

/* An address or a length: counted from 0, or from the task size. */
struct vm_at {
	bool from_top;
	int64_t off;
};

#define AT(x)                                                                  \
	{                                                                      \
		false, (int64_t)(x)                                            \
	}
#define TOP(x)                                                                 \
	{                                                                      \
		true, (int64_t)(x)                                             \
	}

struct bad_call {
	const char *name;
	enum vm_call call;
	enum vm_who who;
	struct vm_at addr, len;
	int prot;	   /* mmap, mprotect; CALL_ACCESS: the access kind */
	int flags;	   /* mmap */
	bool at_map_limit; /* vm.max_map_count at the VMAs there are */
	int err;	   /* what the call returns: -errno, or 0 */
};

#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)

/*
 * Run in order, with one page mapped at FIXED and another session's
 * process alive; the few calls here that succeed do so on Linux too.
 */
static const struct bad_call bad_calls[] = {
	{"mmap of zero bytes", CALL_MMAP, WHO_SELF, AT(0), AT(0), PROT_READ,
	 ANON, false, -EINVAL},
	{"mmap MAP_FIXED at an unaligned address", CALL_MMAP, WHO_SELF,
	 AT(FIXED + 1), AT(PAGE), PROT_READ, ANON | MAP_FIXED, false, -EINVAL},
	{"mmap neither private nor shared", CALL_MMAP, WHO_SELF, AT(0),
	 AT(PAGE), PROT_READ, MAP_ANONYMOUS, false, -EINVAL},
	{"mmap of a file with no file", CALL_MMAP, WHO_SELF, AT(0), AT(PAGE),
	 PROT_READ, MAP_PRIVATE, false, -EBADF},
	{"mmap MAP_SHARED_VALIDATE with an unknown flag", CALL_MMAP, WHO_SELF,
	 AT(0), AT(PAGE), PROT_READ,
	 MAP_SHARED_VALIDATE | MAP_ANONYMOUS | 0x800000, false, -EOPNOTSUPP},
	{"mmap MAP_HUGETLB | MAP_GROWSDOWN", CALL_MMAP, WHO_SELF, AT(0),
	 AT(PAGE), PROT_READ, ANON | MAP_HUGETLB | MAP_GROWSDOWN, false,
	 -EINVAL},
	{"mmap MAP_FIXED across the task size", CALL_MMAP, WHO_SELF,
	 TOP(-(int64_t)PAGE), AT(2 * PAGE), PROT_READ, ANON | MAP_FIXED, false,
	 -ENOMEM},
	{"mmap MAP_FIXED below mmap_min_addr", CALL_MMAP, WHO_SELF, AT(PAGE),
	 AT(PAGE), PROT_READ, ANON | MAP_FIXED, false, -EPERM},
	{"mmap longer than the task size", CALL_MMAP, WHO_SELF, AT(0),
	 TOP(PAGE), PROT_READ, ANON, false, -ENOMEM},
	{"mmap MAP_FIXED_NOREPLACE over a mapping", CALL_MMAP, WHO_SELF,
	 AT(FIXED), AT(PAGE), PROT_READ, ANON | MAP_FIXED_NOREPLACE, false,
	 -EEXIST},
	{"munmap at an unaligned address", CALL_MUNMAP, WHO_SELF, AT(FIXED + 1),
	 AT(PAGE), 0, 0, false, -EINVAL},
	{"munmap of zero bytes", CALL_MUNMAP, WHO_SELF, AT(FIXED), AT(0), 0, 0,
	 false, -EINVAL},
	{"munmap at the task size", CALL_MUNMAP, WHO_SELF, TOP(0), AT(PAGE), 0,
	 0, false, -EINVAL},
	{"mprotect at an unaligned address", CALL_MPROTECT, WHO_SELF,
	 AT(FIXED + 1), AT(PAGE), PROT_READ, 0, false, -EINVAL},
	{"mprotect with an unknown prot bit", CALL_MPROTECT, WHO_SELF,
	 AT(FIXED), AT(PAGE), 0x40, 0, false, -EINVAL},
	{"mprotect past the mapping", CALL_MPROTECT, WHO_SELF, AT(FIXED),
	 AT(2 * PAGE), PROT_READ, 0, false, -ENOMEM},
	/* Zero-length mprotect succeeds, as Linux's does. */
	{"mprotect of zero bytes", CALL_MPROTECT, WHO_SELF, AT(FIXED), AT(0),
	 PROT_READ, 0, false, 0},
	/* munmap of a hole is no error, as Linux's. */
	{"munmap of a hole", CALL_MUNMAP, WHO_SELF, AT(FIXED + 64 * PAGE),
	 AT(PAGE), 0, 0, false, 0},
	/* vm.max_map_count: a split that would pass it is refused. */
	{"mmap past vm.max_map_count", CALL_MMAP, WHO_SELF,
	 AT(FIXED + 8 * PAGE), AT(PAGE), PROT_WRITE, ANON | MAP_FIXED, true,
	 -ENOMEM},
	{"mmap in another session's process", CALL_MMAP, WHO_OTHER, AT(0),
	 AT(PAGE), PROT_READ, ANON, false, -EPERM},
	{"munmap in a process that does not exist", CALL_MUNMAP, WHO_NOBODY,
	 AT(FIXED), AT(PAGE), 0, 0, false, -ESRCH},
	{"an access of an unknown kind", CALL_ACCESS, WHO_SELF, AT(FIXED),
	 AT(1), 7, 0, false, -EINVAL},
};

static uint64_t at(struct vm_at a, uint64_t top)
{
	return (a.from_top ? top : 0) + (uint64_t)a.off;
}

static int bad_call_run(struct vm_fixture *f, const struct bad_call *c,
			int other)
{
	struct machine *m = f->m;
	uint64_t top = self_mm(f)->task_size, out = 0;
	uint64_t addr = at(c->addr, top), len = at(c->len, top);
	int pid = c->who == WHO_OTHER ? other : c->who == WHO_NOBODY ? 4242 : 0;
	int err;

	if (c->at_map_limit)
		vm_set_max_map_count(m, nr_vmas(f));
	switch (c->call) {
	case CALL_MMAP:
		err = uapi_mmap(m, pid, addr, len, c->prot, c->flags, &out);
		break;
	case CALL_MUNMAP:
		err = uapi_munmap(m, pid, addr, len);
		break;
	case CALL_MPROTECT:
		err = uapi_mprotect(m, pid, addr, len, c->prot);
		break;
	default:
		err = uapi_access_vm(m, pid, addr, &out, len,
				     (enum user_access)c->prot,
				     &(struct user_fault){0});
		break;
	}
	if (c->at_map_limit)
		vm_set_max_map_count(m, DEFAULT_MAX_MAP_COUNT);
	return err;
}

static void test_bad_input(void **state)
{
	struct vm_fixture *f = *state;
	struct machine *m = f->m;
	unsigned int n = sizeof(bad_calls) / sizeof(bad_calls[0]);
	unsigned long free_before = global_free_pages(m);
	unsigned int vmas = nr_vmas(f);
	uint64_t out = 0;
	int other;

	/* mmap ignores prot bits it does not know, as calc_vm_prot_bits. */
	assert_int_equal(uapi_mmap(m, 0, FIXED + 32 * PAGE, PAGE, 0x10,
				   ANON | MAP_FIXED, &out),
			 0);
	assert_int_equal(find_vma(self_mm(f), out)->vm_flags & VM_ACCESS_FLAGS,
			 0);
	assert_int_equal(uapi_munmap(m, 0, out, PAGE), 0);

	map(m, FIXED, PAGE, PROT_READ, ANON | MAP_FIXED);
	assert_int_equal(task_create(m, "other", 0, 0, &other), 0);
	for (unsigned int i = 0; i < n; i++) {
		const struct bad_call *c = &bad_calls[i];
		int err = bad_call_run(f, c, other);

		if (err != c->err)
			fail_msg("%s: got %d (%s), expected %d (%s)", c->name,
				 err, strerror(-err), c->err,
				 strerror(-c->err));
	}
	print_message("%u bad calls, each answered as expected\n", n);
	assert_int_equal(task_exit(m, other, NULL), 0);
	assert_int_equal(uapi_munmap(m, 0, FIXED, PAGE), 0);
	assert_int_equal(nr_vmas(f), vmas);
	assert_int_equal(global_free_pages(m), free_before);
	assert_consistent(m);
}

static bool present(const struct machine *m, int pid, uint64_t addr)
{
	struct pgtable_walk w;

	assert_int_equal(pid_pagewalk(m, pid, addr, &w), 0);
	return w.present;
}

#define PTE_UAD (_PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY)

/* MAP_POPULATE faults every page in at mmap, as minor faults. */
static void test_populate(void **state)
{
	struct vm_fixture *f = *state;
	struct machine *m = f->m;
	struct mm_struct *mm = self_mm(f);
	int rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS;
	unsigned long faults = m->vm_events[PGFAULT], minflt = mm->min_flt;
	uint64_t a = map(m, 0, 16 * PAGE, rw, anon | MAP_POPULATE), b;
	struct seq_buf s;

	/* Private and writable: a dirty page of its own behind each entry. */
	assert_int_equal(mm->rss_stat[MM_ANONPAGES], 16);
	assert_int_equal(m->vm_events[PGFAULT], faults + 16);
	assert_int_equal(mm->min_flt, minflt + 16);
	assert_int_equal(mm->maj_flt, 0);
	for (int i = 0; i < 16; i++) {
		assert_int_equal(pte_of(m, f->pid, a + i * PAGE) &
					 (PTE_UAD | _PAGE_RW),
				 PTE_UAD | _PAGE_RW);
		assert_int_not_equal(pfn_of(m, f->pid, a + i * PAGE),
				     m->zero_pfn);
	}
	/* Touching them afterwards takes no fault. */
	write_bytes(m, 0, a + 15 * PAGE, "no fault");
	assert_int_equal(m->vm_events[PGFAULT], faults + 16);
	report(m, f->pid, report_pid_status, &s);
	assert_non_null(strstr(s.buf, "RssAnon:\t      64 kB\n"));
	seq_buf_free(&s);
	/* Read-only: the zero page everywhere, read-only, and no RSS. */
	b = map(m, 0, 8 * PAGE, PROT_READ, anon | MAP_POPULATE);
	for (int i = 0; i < 8; i++) {
		assert_int_equal(pfn_of(m, f->pid, b + i * PAGE), m->zero_pfn);
		assert_int_equal(pte_of(m, f->pid, b + i * PAGE) & _PAGE_RW, 0);
	}
	assert_int_equal(mm->rss_stat[MM_ANONPAGES], 16);
	assert_int_equal(mm->min_flt, minflt + 24);
	/* Shared: the object's own pages, counted as RssShmem. */
	b = map(m, 0, 4 * PAGE, rw, MAP_SHARED | MAP_ANONYMOUS | MAP_POPULATE);
	assert_int_equal(mm->rss_stat[MM_SHMEMPAGES], 4);
	assert_int_equal(m->node_stat[NR_SHMEM], 4);
	assert_int_equal(mm->min_flt, minflt + 28);
	/* PROT_NONE, and MAP_NONBLOCK: nothing faulted in. */
	b = map(m, 0, 4 * PAGE, PROT_NONE, anon | MAP_POPULATE);
	assert_false(present(m, f->pid, b));
	b = map(m, 0, 4 * PAGE, rw, anon | MAP_POPULATE | MAP_NONBLOCK);
	assert_false(present(m, f->pid, b));
	assert_int_equal(mm->min_flt, minflt + 28);
	/* Huge pages: one fault for each. */
	b = map(m, 0, 4 * MiB, rw, anon | MAP_HUGETLB | MAP_POPULATE);
	assert_int_equal(mm->hugetlb_pages, 1024);
	assert_true(present(m, f->pid, b + 4 * MiB - PAGE));
	assert_int_equal(m->vm_events[PGFAULT], faults + 30);
	assert_int_equal(mm->min_flt, minflt + 30);
	assert_consistent(m);
}

/* A fault that fails counts in pgfault, not in the process's counts. */
static void test_failed_fault_counts(void **state)
{
	struct vm_fixture *f = *state;
	struct machine *m = f->m;
	struct mm_struct *mm = self_mm(f);
	uint64_t huge = 2 * MiB, len = 512 * MiB;
	uint64_t a = map(m, 0, len, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB);
	unsigned long faults = m->vm_events[PGFAULT], minflt = mm->min_flt;
	unsigned long got = 0;
	struct user_fault fault;
	int err = 0;

	/* Huge pages until none is left: SIGBUS, as hugetlbfs gives. */
	for (uint64_t off = 0; off < len && !err; off += huge) {
		char byte = 1;

		err = uapi_access_vm(m, 0, a + off, &byte, 1, USER_WRITE,
				     &fault);
		got += !err;
	}
	assert_int_equal(err, -EFAULT);
	assert_int_equal(fault.signo, SIGBUS);
	assert_int_equal(fault.si_code, BUS_ADRERR);
	assert_true(got > 0);
	assert_int_equal(mm->hugetlb_pages, got * 512);
	assert_int_equal(m->vm_events[PGFAULT], faults + got + 1);
	assert_int_equal(mm->min_flt, minflt + got);
	assert_int_equal(mm->maj_flt, 0);
	assert_consistent(m);
}

/* OVERCOMMIT_GUESS: refuse one commitment bigger than RAM and swap. */
static uint64_t commit_limit_bytes(const struct machine *m)
{
	return (uint64_t)(totalram_pages(m) + total_swap_pages(m)) * PAGE;
}

static void test_overcommit(void **state)
{
	struct vm_fixture *f = *state;
	struct machine *m = f->m;
	int rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS;
	uint64_t limit = commit_limit_bytes(m), out = 0, a, start, cur;
	unsigned long pages = (unsigned long)(limit / PAGE);

	/* A new process has committed its stack: 128 KiB. */
	assert_int_equal(vm_memory_committed(m), 32);
	/* More than RAM and swap in one go: only with MAP_NORESERVE. */
	assert_int_equal(uapi_mmap(m, 0, 0, limit + PAGE, rw, anon, &out),
			 -ENOMEM);
	assert_non_null(strstr(m->errmsg, "overcommit"));
	assert_int_equal(uapi_mmap(m, 0, 0, limit + PAGE, PROT_READ,
				   MAP_SHARED | MAP_ANONYMOUS, &out),
			 -ENOMEM);
	a = map(m, 0, limit + PAGE, rw, anon | MAP_NORESERVE);
	assert_int_equal(find_vma(self_mm(f), a)->vm_flags &
				 (VM_NORESERVE | VM_ACCOUNT),
			 VM_NORESERVE);
	assert_int_equal(uapi_munmap(m, 0, a, limit + PAGE), 0);
	a = map(m, 0, limit + PAGE, rw,
		MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE);
	assert_int_equal(vm_memory_committed(m), 32);
	assert_int_equal(uapi_munmap(m, 0, a, limit + PAGE), 0);
	/* Exactly RAM and swap is still a guess worth making. */
	a = map(m, 0, limit, rw, anon);
	assert_int_equal(vm_memory_committed(m), 32 + pages);
	assert_int_equal(uapi_munmap(m, 0, a, limit), 0);
	assert_int_equal(vm_memory_committed(m), 32);
	/* Read-only and PROT_NONE commit nothing... */
	assert_int_equal(
		uapi_mmap(m, 0, 0, limit + PAGE, PROT_NONE, anon, &out), 0);
	assert_int_equal(uapi_munmap(m, 0, out, limit + PAGE), 0);
	a = map(m, 0, limit + PAGE, PROT_READ, anon);
	assert_int_equal(vm_memory_committed(m), 32);
	/* ...until made writable: all of it is refused, unchanged. */
	assert_int_equal(uapi_mprotect(m, 0, a, limit + PAGE, rw), -ENOMEM);
	assert_int_equal(find_vma(self_mm(f), a)->vm_flags & VM_WRITE, 0);
	assert_int_equal(find_vma(self_mm(f), a)->vm_end, a + limit + PAGE);
	assert_int_equal(uapi_mprotect(m, 0, a, PAGE, rw), 0);
	assert_int_equal(vm_memory_committed(m), 33);
	/* Read-only again before any write: the charge is given back... */
	assert_int_equal(uapi_mprotect(m, 0, a, PAGE, PROT_READ), 0);
	assert_int_equal(vm_memory_committed(m), 32);
	assert_int_equal(find_vma(self_mm(f), a)->vm_end, a + limit + PAGE);
	/* ...but not after one: the page may hold data now. */
	assert_int_equal(uapi_mprotect(m, 0, a, PAGE, rw), 0);
	write_bytes(m, 0, a, "data");
	assert_int_equal(uapi_mprotect(m, 0, a, PAGE, PROT_READ), 0);
	assert_int_equal(vm_memory_committed(m), 33);
	assert_int_equal(uapi_munmap(m, 0, a, limit + PAGE), 0);
	/* brk is charged as it grows. */
	assert_int_equal(uapi_brk(m, 0, 0, &start), 0);
	assert_int_equal(uapi_brk(m, 0, start + limit + PAGE, &cur), -ENOMEM);
	assert_int_equal(cur, start);
	assert_int_equal(uapi_brk(m, 0, start + 4 * PAGE, &cur), 0);
	assert_int_equal(vm_memory_committed(m), 36);
	/* So is mremap, by what it adds: at most RAM and swap at once. */
	a = map(m, 0, PAGE, rw, anon);
	assert_int_equal(uapi_mremap(m, 0, a, PAGE, limit + 2 * PAGE,
				     MREMAP_MAYMOVE, 0, &out),
			 -ENOMEM);
	assert_int_equal(uapi_mremap(m, 0, a, PAGE, limit + PAGE,
				     MREMAP_MAYMOVE, 0, &out),
			 0);
	assert_int_equal(vm_memory_committed(m), 36 + pages + 1);
	assert_non_null(find_vma(self_mm(f), out));
	assert_int_equal(find_vma(self_mm(f), out)->vm_end - out, limit + PAGE);
	/* fork charges the child for every charged mapping, each alone. */
	{
		int child, tasks = (int)nr_tasks(m);

		assert_int_equal(uapi_fork(m, 0, &child), -ENOMEM);
		assert_int_equal(nr_tasks(m), tasks);
		assert_consistent(m);
		assert_int_equal(uapi_munmap(m, 0, out + limit, PAGE), 0);
		assert_int_equal(uapi_fork(m, 0, &child), 0);
		assert_int_equal(vm_memory_committed(m), 2 * (36 + pages));
		assert_int_equal(uapi_exit_process(m, child), 0);
	}
	/* meminfo shows the same figure. */
	{
		struct seq_buf s;
		char line[64];

		snprintf(line, sizeof(line), "Committed_AS:   %8lu kB\n",
			 (36 + pages) * 4);
		assert_non_null(
			strstr(report_text(m, &s, report_meminfo), line));
		seq_buf_free(&s);
	}
}

/*
 * A grows-down mapping of a program's own grows as the stack does: any
 * distance below it, within the stack limit and the guard gap kept
 * from accessible mappings that do not grow down.
 */
static void test_growsdown_mapping(void **state)
{
	struct vm_fixture *f = *state;
	struct machine *m = f->m;
	struct mm_struct *mm = self_mm(f);
	int rw = PROT_READ | PROT_WRITE,
	    fl = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
	uint64_t g = FIXED + 64 * MiB, lo = g - 11 * PAGE - 300 * PAGE, d;
	unsigned long stack_vm = mm->stack_vm;

	map(m, g, 2 * PAGE, rw, fl | MAP_GROWSDOWN);
	assert_int_equal(mm->stack_vm, stack_vm + 2);
	write_bytes(m, 0, g - 1, "!");
	assert_int_equal(find_vma(mm, g)->vm_start, g - PAGE);
	write_bytes(m, 0, g - 10 * PAGE - 5, "deep");
	assert_int_equal(find_vma(mm, g)->vm_start, g - 11 * PAGE);
	assert_int_equal(mm->stack_vm, stack_vm + 13);
	expect_bytes(m, 0, g - 10 * PAGE - 5, "deep");
	expect_bytes(m, 0, g - 5 * PAGE, "");
	/* A readable mapping below: growth stops 256 pages above it. */
	map(m, lo, PAGE, PROT_READ, fl);
	write_bytes(m, 0, g - 11 * PAGE - 1, "x");
	assert_int_equal(find_vma(mm, g)->vm_start, g - 12 * PAGE);
	assert_int_equal(
		fault_of(m, 0, lo + PAGE + 200 * PAGE, USER_WRITE, -EFAULT)
			.si_code,
		SEGV_MAPERR);
	assert_int_equal(find_vma(mm, g)->vm_start, g - 12 * PAGE);
	/* PROT_NONE below keeps no gap: the mapping grows right to it. */
	assert_int_equal(uapi_mprotect(m, 0, lo, PAGE, PROT_NONE), 0);
	write_bytes(m, 0, lo + PAGE + 1, "x");
	assert_int_equal(find_vma(mm, g)->vm_start, lo + PAGE);
	assert_int_equal(fault_of(m, 0, lo + 5, USER_READ, -EFAULT).si_code,
			 SEGV_ACCERR);
	/* Read-only: it grows, then the write is refused. */
	d = map(m, FIXED + 128 * MiB, PAGE, PROT_READ, fl | MAP_GROWSDOWN);
	assert_int_equal(fault_of(m, 0, d - 1, USER_WRITE, -EFAULT).si_code,
			 SEGV_ACCERR);
	assert_int_equal(find_vma(mm, d)->vm_start, d - PAGE);
	/* The stack limit holds for it: 8 MiB from its end. */
	d = map(m, FIXED + 192 * MiB, PAGE, rw, fl | MAP_GROWSDOWN);
	assert_int_equal(
		fault_of(m, 0, d + PAGE - STACK_RLIMIT - 1, USER_WRITE, -EFAULT)
			.si_code,
		SEGV_MAPERR);
	write_bytes(m, 0, d + PAGE - STACK_RLIMIT, "8 MiB");
	assert_int_equal(find_vma(mm, d)->vm_start, d + PAGE - STACK_RLIMIT);
	/* No gap is kept from another grows-down mapping below. */
	d = map(m, FIXED + 256 * MiB, PAGE, rw, fl | MAP_GROWSDOWN);
	map(m, d - 20 * PAGE, PAGE, rw, fl | MAP_GROWSDOWN);
	write_bytes(m, 0, d - 10 * PAGE, "x");
	assert_int_equal(find_vma(mm, d)->vm_start, d - 10 * PAGE);
	/* A hint inside the gap below one is not taken; MAP_FIXED is. */
	assert_int_not_equal(map(m, d - 120 * PAGE, PAGE, PROT_READ,
				 MAP_PRIVATE | MAP_ANONYMOUS),
			     d - 120 * PAGE);
	/* Never below vm.mmap_min_addr. */
	d = map(m, MMAP_MIN_ADDR + PAGE, PAGE, rw, fl | MAP_GROWSDOWN);
	assert_int_equal(
		fault_of(m, 0, MMAP_MIN_ADDR - 1, USER_WRITE, -EFAULT).si_code,
		SEGV_MAPERR);
	write_bytes(m, 0, MMAP_MIN_ADDR, "low");
	assert_int_equal(find_vma(mm, d)->vm_start, MMAP_MIN_ADDR);
	assert_consistent(m);
}

/* mprotect's errors are Linux's, and so is what it leaves changed. */
static void test_mprotect_edges(void **state)
{
	struct vm_fixture *f = *state;
	struct machine *m = f->m;
	struct mm_struct *mm = self_mm(f);
	int rw = PROT_READ | PROT_WRITE,
	    fl = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
	uint64_t top = mm->task_size,
		 a = map(m, FIXED, 4 * PAGE, PROT_READ, fl);
	uint64_t g = FIXED + 64 * PAGE;

	/* Outside user space there is nothing mapped: -ENOMEM. */
	assert_int_equal(uapi_mprotect(m, 0, top, PAGE, PROT_READ), -ENOMEM);
	assert_int_equal(uapi_mprotect(m, 0, m->layout.kernel.page_offset, PAGE,
				       PROT_READ),
			 -ENOMEM);
	assert_int_equal(uapi_mprotect(m, 0, ~0xfffULL, 2 * PAGE, PROT_READ),
			 -ENOMEM);
	/* Length 0 is done before prot is looked at. */
	assert_int_equal(uapi_mprotect(m, 0, a, 0, 0x40), 0);
	/* PROT_SEM means nothing; other bits are refused. */
	assert_int_equal(uapi_mprotect(m, 0, a, PAGE, PROT_READ | 0x8), 0);
	assert_int_equal(uapi_mprotect(m, 0, a, PAGE, 0x10), -EINVAL);
	assert_int_equal(uapi_mprotect(m, 0, a + 2 * PAGE, PAGE,
				       PROT_READ | PROT_GROWSDOWN),
			 -EINVAL);
	assert_int_equal(uapi_mprotect(m, 0, a + 2 * PAGE, PAGE,
				       PROT_READ | PROT_GROWSUP),
			 -EINVAL);
	assert_int_equal(
		uapi_mprotect(m, 0, a + 2 * PAGE, PAGE,
			      PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP),
		-EINVAL);
	/* A hole: what lies before it changes, then -ENOMEM. */
	assert_int_equal(uapi_munmap(m, 0, a + 2 * PAGE, PAGE), 0);
	assert_int_equal(uapi_mprotect(m, 0, a, 4 * PAGE, rw), -ENOMEM);
	assert_int_equal(find_vma(mm, a)->vm_end, a + 2 * PAGE);
	assert_int_equal(find_vma(mm, a)->vm_flags & VM_WRITE, VM_WRITE);
	assert_int_equal(find_vma(mm, a + 3 * PAGE)->vm_flags & VM_WRITE, 0);
	/* Starting in the hole, nothing changes. */
	assert_int_equal(uapi_mprotect(m, 0, a + 2 * PAGE, 2 * PAGE, rw),
			 -ENOMEM);
	assert_int_equal(find_vma(mm, a + 3 * PAGE)->vm_flags & VM_WRITE, 0);
	/* Across the top of user space: the stack's last page changes. */
	assert_int_equal(uapi_mprotect(m, 0, top - PAGE, 2 * PAGE, PROT_READ),
			 -ENOMEM);
	assert_int_equal(find_vma(mm, top - PAGE)->vm_start, top - PAGE);
	assert_int_equal(find_vma(mm, top - PAGE)->vm_flags & VM_WRITE, 0);
	/* PROT_GROWSDOWN reaches down to the start of a grows-down VMA... */
	map(m, g, 4 * PAGE, rw, fl | MAP_GROWSDOWN);
	assert_int_equal(uapi_mprotect(m, 0, g + 2 * PAGE, PAGE,
				       PROT_READ | PROT_GROWSDOWN),
			 0);
	assert_int_equal(find_vma(mm, g)->vm_start, g);
	assert_int_equal(find_vma(mm, g)->vm_end, g + 3 * PAGE);
	assert_int_equal(find_vma(mm, g)->vm_flags & VM_WRITE, 0);
	/* ...even from the hole below it. */
	assert_int_equal(uapi_mprotect(m, 0, g - 2 * PAGE, 3 * PAGE,
				       rw | PROT_GROWSDOWN),
			 0);
	assert_int_equal(find_vma(mm, g)->vm_end, g + PAGE);
	assert_int_equal(find_vma(mm, g)->vm_flags & VM_WRITE, VM_WRITE);
	assert_consistent(m);
}

static void test_munmap_edges(void **state)
{
	struct vm_fixture *f = *state;
	struct machine *m = f->m;
	struct mm_struct *mm = self_mm(f);
	int rw = PROT_READ | PROT_WRITE,
	    fl = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
	uint64_t a = map(m, FIXED, 8 * PAGE, rw, fl), b, c;
	unsigned int vmas = nr_vmas(f);
	char word[32];
	int child;

	for (int i = 0; i < 8; i++)
		write_bytes(m, 0, a + (uint64_t)i * PAGE, "used");
	/* The length is rounded up to a page. */
	assert_int_equal(uapi_munmap(m, 0, a, 1), 0);
	assert_int_equal(fault_of(m, 0, a, USER_READ, -EFAULT).si_code,
			 SEGV_MAPERR);
	assert_int_equal(mm->rss_stat[MM_ANONPAGES], 7);
	/* A range that wraps or passes the top of user space. */
	assert_int_equal(uapi_munmap(m, 0, a, -PAGE), -EINVAL);
	assert_int_equal(uapi_munmap(m, 0, mm->task_size - PAGE, 2 * PAGE),
			 -EINVAL);
	/* Across VMAs and holes at once. */
	map(m, a + 10 * PAGE, 2 * PAGE, PROT_READ, fl);
	assert_int_equal(nr_vmas(f), vmas + 1);
	assert_int_equal(uapi_munmap(m, 0, a + 2 * PAGE, 16 * PAGE), 0);
	assert_int_equal(nr_vmas(f), vmas);
	assert_int_equal(find_vma(mm, a)->vm_end, a + 2 * PAGE);
	assert_int_equal(mm->rss_stat[MM_ANONPAGES], 1);
	/* Memory shared with a child copy-on-write: the child keeps it. */
	b = map(m, FIXED + 64 * PAGE, 4 * PAGE, rw, fl);
	for (int i = 0; i < 4; i++) {
		snprintf(word, sizeof(word), "page %d", i);
		write_bytes(m, 0, b + (uint64_t)i * PAGE, word);
	}
	assert_int_equal(uapi_fork(m, 0, &child), 0);
	assert_int_equal(pfn_to_page(m, pfn_of(m, child, b + PAGE))->_mapcount,
			 1);
	assert_int_equal(uapi_munmap(m, 0, b + PAGE, 2 * PAGE), 0);
	assert_int_equal(pfn_to_page(m, pfn_of(m, child, b + PAGE))->_mapcount,
			 0);
	for (int i = 0; i < 4; i++) {
		snprintf(word, sizeof(word), "page %d", i);
		expect_bytes(m, child, b + (uint64_t)i * PAGE, word);
	}
	assert_int_equal(uapi_exit_process(m, child), 0);
	/* The middle of a shared mapping: its object keeps every page. */
	c = map(m, 0, 3 * PAGE, rw, MAP_SHARED | MAP_ANONYMOUS);
	write_bytes(m, 0, c, "first");
	write_bytes(m, 0, c + PAGE, "middle");
	write_bytes(m, 0, c + 2 * PAGE, "last");
	assert_int_equal(uapi_munmap(m, 0, c + PAGE, PAGE), 0);
	assert_int_equal(m->node_stat[NR_SHMEM], 3);
	assert_int_equal(mm->rss_stat[MM_SHMEMPAGES], 2);
	assert_int_equal(find_vma(mm, c + 2 * PAGE)->vm_pgoff, 2);
	expect_bytes(m, 0, c + 2 * PAGE, "last");
	assert_int_equal(uapi_munmap(m, 0, c, 3 * PAGE), 0);
	assert_int_equal(m->node_stat[NR_SHMEM], 0);
	assert_consistent(m);
}

static void test_mremap_edges(void **state)
{
	struct vm_fixture *f = *state;
	struct machine *m = f->m;
	struct mm_struct *mm = self_mm(f);
	int rw = PROT_READ | PROT_WRITE,
	    fl = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
	uint64_t a = map(m, FIXED, 4 * PAGE, rw, fl), r = 0, b;
	unsigned int vmas;
	char word[32];
	int child;

	map(m, a + 4 * PAGE, 4 * PAGE, PROT_READ, fl);
	vmas = nr_vmas(f);
	/* The same size: the address back, nothing changed. */
	assert_int_equal(uapi_mremap(m, 0, a, 4 * PAGE, 4 * PAGE, 0, 0, &r), 0);
	assert_int_equal(r, a);
	assert_int_equal(nr_vmas(f), vmas);
	/* Linux duplicates only shared mappings with an old length of 0. */
	assert_int_equal(uapi_mremap(m, 0, a, 0, PAGE, MREMAP_MAYMOVE, 0, &r),
			 -EINVAL);
	/* MREMAP_DONTUNMAP (4) is not taken; nor are unknown flags. */
	assert_int_equal(uapi_mremap(m, 0, a, 2 * PAGE, 3 * PAGE, 4, 0, &r),
			 -EINVAL);
	/* Growing a range that spans two VMAs. */
	assert_int_equal(
		uapi_mremap(m, 0, a, 8 * PAGE, 9 * PAGE, MREMAP_MAYMOVE, 0, &r),
		-EFAULT);
	/* Shrinking one: the tail goes, whatever it covers. */
	assert_int_equal(uapi_mremap(m, 0, a, 8 * PAGE, 2 * PAGE, 0, 0, &r), 0);
	assert_int_equal(r, a);
	assert_int_equal(nr_vmas(f), vmas - 1);
	assert_int_equal(find_vma(mm, a)->vm_end, a + 2 * PAGE);
	assert_true(find_vma(mm, a + 2 * PAGE)->vm_start >= a + 8 * PAGE);
	/* A new length inside the last page is that page. */
	assert_int_equal(uapi_mremap(m, 0, a, 2 * PAGE, PAGE + 1, 0, 0, &r), 0);
	assert_int_equal(find_vma(mm, a)->vm_end, a + 2 * PAGE);
	/* MREMAP_FIXED past the top of user space. */
	assert_int_equal(uapi_mremap(m, 0, a, 2 * PAGE, 3 * PAGE,
				     MREMAP_MAYMOVE | MREMAP_FIXED,
				     mm->task_size - PAGE, &r),
			 -EINVAL);
	/* A move takes swap entries and pages shared with a child along. */
	b = map(m, 0, 8 * PAGE, rw, MAP_PRIVATE | MAP_ANONYMOUS);
	for (int i = 0; i < 8; i++) {
		snprintf(word, sizeof(word), "page %d", i);
		write_bytes(m, 0, b + (uint64_t)i * PAGE, word);
	}
	assert_int_equal(uapi_fork(m, 0, &child), 0);
	for (int i = 0; i < 8 && !pte_is_swap(pte_of(m, f->pid, b + PAGE)); i++)
		shrink_lruvec(m, node_lruvec(m, 0), 1UL << 20);
	assert_true(pte_is_swap(pte_of(m, f->pid, b + PAGE)));
	assert_int_equal(uapi_mremap(m, 0, b, 8 * PAGE, 16 * PAGE,
				     MREMAP_MAYMOVE | MREMAP_FIXED,
				     FIXED + 256 * PAGE, &r),
			 0);
	assert_int_equal(r, FIXED + 256 * PAGE);
	assert_consistent(m);
	for (int i = 0; i < 8; i++) {
		snprintf(word, sizeof(word), "page %d", i);
		expect_bytes(m, 0, r + (uint64_t)i * PAGE, word);
		expect_bytes(m, child, b + (uint64_t)i * PAGE, word);
	}
	assert_true(mm->maj_flt > 0);
	expect_bytes(m, 0, r + 15 * PAGE, "");
	assert_int_equal(uapi_exit_process(m, child), 0);
	assert_consistent(m);
}

static void test_huge_pages(void **state)
{
	struct vm_fixture *f = *state;
	struct machine *m = f->m;
	uint64_t huge = 2 * MiB;
	uint64_t a = map(m, 0, 3 * MiB, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB);
	struct pgtable_walk w;
	int child;

	assert_int_equal(a & (huge - 1), 0);
	assert_int_equal(find_vma(self_mm(f), a)->vm_end, a + 2 * huge);
	write_bytes(m, 0, a + huge + 12345, "huge");
	assert_int_equal(pid_pagewalk(m, f->pid, a + huge + 12345, &w), 0);
	assert_true(w.present);
	assert_int_equal(w.levels, 3);
	assert_int_equal(w.page_size, huge);
	assert_string_equal(w.level[2].name, "PMD");
	assert_int_equal(self_mm(f)->hugetlb_pages, 512);
	assert_int_equal(uapi_munmap(m, 0, a + PAGE, PAGE), -EINVAL);
	assert_int_equal(uapi_fork(m, 0, &child), 0);
	expect_bytes(m, child, a + huge + 12345, "huge");
	write_bytes(m, child, a + huge + 12345, "HUGE");
	expect_bytes(m, 0, a + huge + 12345, "huge");
	assert_consistent(m);
	assert_int_equal(uapi_exit_process(m, child), 0);
	assert_int_equal(uapi_munmap(m, 0, a, 2 * huge), 0);
	assert_int_equal(self_mm(f)->hugetlb_pages, 0);
}

/* Each process writes its own pattern over its pages, then checks all. */
static void fill(struct machine *m, int pid, uint64_t a, unsigned long pages,
		 bool check)
{
	for (unsigned long i = 0; i < pages; i++) {
		uint64_t word[4] = {(uint64_t)pid, i, ~i, 0x5eed};
		uint64_t got[4];
		struct user_fault fault;

		if (!check) {
			assert_int_equal(uapi_access_vm(m, pid,
							a + i * PAGE + 64, word,
							sizeof(word),
							USER_WRITE, &fault),
					 0);
			continue;
		}
		assert_int_equal(uapi_access_vm(m, pid, a + i * PAGE + 64, got,
						sizeof(got), USER_READ, &fault),
				 0);
		assert_memory_equal(got, word, sizeof(word));
	}
}

static void test_swap_pressure(void **state)
{
	struct layout l;
	struct machine *m;
	int pids[3];
	uint64_t addr[3];
	unsigned long pages = (64 * MiB) / PAGE;
	struct seq_buf s;

	(void)state;
	small_layout(&l, 64 * MiB);
	l.swap_size = 256 * MiB;
	m = boot(&l);
	/* Three processes write 64 MiB each: three times the RAM. */
	for (int p = 0; p < 3; p++) {
		assert_int_equal(task_create(m, "hog", 0, 0, &pids[p]), 0);
		assert_int_equal(task_switch(m, pids[p]), 0);
		assert_int_equal(
			uapi_mmap(m, 0, 0, pages * PAGE, PROT_READ | PROT_WRITE,
				  MAP_PRIVATE | MAP_ANONYMOUS, &addr[p]),
			0);
		fill(m, pids[p], addr[p], pages, false);
	}
	assert_true(m->vm_events[PSWPOUT] > 0);
	assert_consistent(m);
	for (int p = 0; p < 3; p++) {
		assert_int_equal(task_switch(m, pids[p]), 0);
		fill(m, pids[p], addr[p], pages, true);
	}
	assert_true(m->vm_events[PSWPIN] > 0);
	assert_true(m->vm_events[PGMAJFAULT] > 0);
	seq_buf_init(&s);
	assert_int_equal(report_meminfo(m, &s), 0);
	assert_null(strstr(s.buf, "SwapFree:         262140 kB"));
	assert_non_null(strstr(s.buf, "SwapTotal:        262140 kB"));
	seq_buf_free(&s);
	assert_consistent(m);
	for (int p = 0; p < 3; p++)
		assert_int_equal(task_exit(m, pids[p], NULL), 0);
	assert_int_equal(total_swap_pages(m), nr_free_swap_pages(m));
	assert_consistent(m);
	machine_destroy(m);
}

/* Shared and forked pages go out to swap and come back right. */
static void test_swap_shared_and_forked(void **state)
{
	struct layout l;
	struct machine *m;
	unsigned long pages = 4 * MiB / PAGE;
	uint64_t shared, priv, hogmem;
	int parent, child, hog;

	(void)state;
	small_layout(&l, 32 * MiB);
	l.swap_size = 128 * MiB;
	m = boot(&l);
	assert_int_equal(task_create(m, "parent", 0, 0, &parent), 0);
	assert_int_equal(task_switch(m, parent), 0);
	shared = map(m, 0, pages * PAGE, PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS);
	priv = map(m, 0, pages * PAGE, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS);
	fill(m, parent, shared, pages, false);
	fill(m, parent, priv, pages, false);
	assert_int_equal(uapi_fork(m, 0, &child), 0);
	/* A hog pushes everyone out to swap. */
	assert_int_equal(task_create(m, "hog", 0, 0, &hog), 0);
	assert_int_equal(task_switch(m, hog), 0);
	hogmem = map(m, 0, 48 * MiB, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS);
	fill(m, hog, hogmem, 48 * MiB / PAGE, false);
	assert_true(find_task_by_pid(m, child)->mm->rss_stat[MM_SWAPENTS] > 0);
	assert_consistent(m);
	/* Both see the parent's bytes, in both mappings. */
	assert_int_equal(task_switch(m, parent), 0);
	fill(m, parent, shared, pages, true);
	fill(m, parent, priv, pages, true);
	/* The child's copy comes back too, with the parent's pid in it. */
	for (unsigned long i = 0; i < pages; i += 97) {
		uint64_t got[2];
		struct user_fault fault;

		assert_int_equal(uapi_access_vm(m, child, priv + i * PAGE + 64,
						got, sizeof(got), USER_READ,
						&fault),
				 0);
		assert_int_equal(got[0], (uint64_t)parent);
		assert_int_equal(got[1], i);
	}
	/* A child's write to shared memory is the parent's to read. */
	write_bytes(m, child, shared + 5 * PAGE, "shared!");
	expect_bytes(m, parent, shared + 5 * PAGE, "shared!");
	write_bytes(m, child, priv + 5 * PAGE, "mine");
	expect_bytes(m, child, priv + 5 * PAGE, "mine");
	{
		struct user_fault fault;
		char four[4] = "????";

		assert_int_equal(uapi_access_vm(m, parent, priv + 5 * PAGE,
						four, 4, USER_READ, &fault),
				 0);
		assert_memory_equal(four, "\0\0\0\0", 4);
	}
	assert_consistent(m);
	assert_int_equal(task_exit(m, hog, NULL), 0);
	assert_int_equal(task_exit(m, parent, NULL), 0);
	assert_int_equal(nr_free_swap_pages(m), total_swap_pages(m));
	assert_int_equal(m->node_stat[NR_ANON_MAPPED], 0);
	assert_int_equal(node_lruvec(m, 0)->nr_pages[LRU_INACTIVE_ANON] +
				 node_lruvec(m, 0)->nr_pages[LRU_ACTIVE_ANON],
			 0);
	assert_consistent(m);
	machine_destroy(m);
}

/* kswapd, woken under the low watermark, reclaims up to high. */
static void test_kswapd_balances(void **state)
{
	struct layout l;
	struct machine *m;
	struct zone *z;
	uint64_t a;
	unsigned long i = 0;
	int pid;

	(void)state;
	small_layout(&l, 64 * MiB);
	l.swap_size = 64 * MiB;
	m = boot(&l);
	z = &m->zones[ZONE_DMA32];
	assert_int_equal(task_create(m, "fill", 0, 0, &pid), 0);
	assert_int_equal(task_switch(m, pid), 0);
	a = map(m, 0, 64 * MiB, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS);
	while (!kswapd_wanted(m)) {
		struct user_fault fault;

		assert_int_equal(uapi_access_vm(m, 0, a + i * PAGE, &i,
						sizeof(i), USER_WRITE, &fault),
				 0);
		i++;
	}
	assert_true(kswapd_run(m) > 0);
	assert_false(kswapd_wanted(m));
	assert_true((unsigned long)z->vm_stat[NR_FREE_PAGES] >=
		    high_wmark_pages(z));
	assert_true(m->vm_events[PGSTEAL_KSWAPD] > 0);
	assert_int_equal(m->vm_events[PGSTEAL_DIRECT], 0);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_oom_kills_biggest(void **state)
{
	struct layout l;
	struct machine *m;
	struct oom_kill kill;
	struct user_fault fault;
	int small, big, err = 0;
	uint64_t a, b;
	unsigned long i;

	(void)state;
	small_layout(&l, 64 * MiB);
	l.swap_size = 8 * MiB;
	m = boot(&l);
	assert_int_equal(task_create(m, "small", 0, 0, &small), 0);
	assert_int_equal(task_create(m, "big", 0, 0, &big), 0);
	assert_int_equal(task_switch(m, small), 0);
	assert_int_equal(uapi_mmap(m, 0, 0, 4 * MiB, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, &a),
			 0);
	fill(m, small, a, 4 * MiB / PAGE, false);
	assert_int_equal(task_switch(m, big), 0);
	/* More than RAM and swap: only MAP_NORESERVE gets it mapped. */
	assert_int_equal(uapi_mmap(m, 0, 0, 256 * MiB, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, &b),
			 -ENOMEM);
	assert_int_equal(uapi_mmap(m, 0, 0, 256 * MiB, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
				   &b),
			 0);
	for (i = 0; i < 256 * MiB / PAGE && !err; i++)
		err = uapi_access_vm(m, 0, b + i * PAGE, &i, sizeof(i),
				     USER_WRITE, &fault);
	assert_int_equal(err, -ENOMEM);
	assert_true(oom_next_kill(m, &kill));
	assert_int_equal(kill.pid, big);
	assert_string_equal(kill.comm, "big");
	assert_false(oom_next_kill(m, &kill));
	assert_int_equal(m->vm_events[OOM_KILL], 1);
	assert_int_equal(uapi_mmap(m, 0, 0, PAGE, PROT_READ,
				   MAP_PRIVATE | MAP_ANONYMOUS, &b),
			 -ESRCH);
	/* The small one lives on, every byte intact. */
	assert_int_equal(task_switch(m, small), 0);
	fill(m, small, a, 4 * MiB / PAGE, true);
	assert_consistent(m);
	assert_int_equal(task_exit(m, big, NULL), 0);
	assert_int_equal(task_exit(m, small, NULL), 0);
	assert_consistent(m);
	machine_destroy(m);
}

/* The checker finds the corruption and names it, word for word. */
static void expect_why(const struct machine *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void expect_why(const struct machine *m, const char *fmt, ...)
{
	char why[256], want[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	assert_int_equal(machine_check(m, why, sizeof(why)), -EUCLEAN);
	assert_string_equal(why, want);
}

static struct pte_slot slot_of(struct machine *m, const struct mm_struct *mm,
			       uint64_t addr, unsigned int level)
{
	struct pte_slot slot;

	assert_int_equal(pte_slot_get(m, mm->pgd, addr, level, false, &slot),
			 0);
	return slot;
}

/* Every counter the checker ties to the tables, one at a time. */
static void test_checker_catches(void **state)
{
	struct vm_fixture *f = *state;
	struct machine *m = f->m;
	int rw = PROT_READ | PROT_WRITE;
	uint64_t a = map(m, 0, PAGE, rw, MAP_PRIVATE | MAP_ANONYMOUS);
	uint64_t sh = map(m, 0, PAGE, rw, MAP_SHARED | MAP_ANONYMOUS);
	uint64_t huge = map(m, 0, 2 * MiB, rw,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB);
	struct mm_struct *mm = self_mm(f);
	unsigned long pfn, hpfn;
	int pid = f->pid;

	write_bytes(m, 0, a, "x");
	write_bytes(m, 0, sh, "x");
	write_bytes(m, 0, huge, "x");
	pfn = pfn_of(m, pid, a);
	hpfn = pfn_of(m, pid, huge);
	assert_consistent(m);
	mm->rss_stat[MM_ANONPAGES]++;
	expect_why(m,
		   "pid %d: rss counter MM_ANONPAGES is 2, its tables "
		   "hold 1",
		   pid);
	mm->rss_stat[MM_ANONPAGES]--;
	mm->rss_stat[MM_SHMEMPAGES]--;
	expect_why(m,
		   "pid %d: rss counter MM_SHMEMPAGES is 0, its tables "
		   "hold 1",
		   pid);
	mm->rss_stat[MM_SHMEMPAGES]++;
	mm->rss_stat[MM_SWAPENTS]++;
	expect_why(m,
		   "pid %d: rss counter MM_SWAPENTS is 1, its tables "
		   "hold 0",
		   pid);
	mm->rss_stat[MM_SWAPENTS]--;
	mm->hugetlb_pages++;
	expect_why(m, "pid %d: hugetlb_pages is 513, its tables map 512", pid);
	mm->hugetlb_pages--;
	pfn_to_page(m, pfn)->_mapcount++;
	expect_why(m, "pfn %#lx: _mapcount 1, _refcount 1, 1 entries map it",
		   pfn);
	pfn_to_page(m, pfn)->_mapcount--;
	pfn_to_page(m, hpfn)->_mapcount++;
	expect_why(m, "pfn %#lx: huge page _mapcount 1, 1 entries map it",
		   hpfn);
	pfn_to_page(m, hpfn)->_mapcount--;
	/* PG_anon_exclusive: anonymous pages only, mapped once. */
	assert_true(PageFlag(pfn_to_page(m, pfn), PG_anon_exclusive));
	SetPageFlag(pfn_to_page(m, pfn_of(m, pid, sh)), PG_anon_exclusive);
	expect_why(m,
		   "pfn %#lx: PG_anon_exclusive on a page that is not "
		   "anonymous",
		   pfn_of(m, pid, sh));
	ClearPageFlag(pfn_to_page(m, pfn_of(m, pid, sh)), PG_anon_exclusive);
	{
		int child;

		assert_int_equal(uapi_fork(m, 0, &child), 0);
		assert_false(PageFlag(pfn_to_page(m, pfn), PG_anon_exclusive));
		SetPageFlag(pfn_to_page(m, pfn), PG_anon_exclusive);
		expect_why(m, "pfn %#lx: PG_anon_exclusive but mapped 2 times",
			   pfn);
		ClearPageFlag(pfn_to_page(m, pfn), PG_anon_exclusive);
		assert_int_equal(uapi_exit_process(m, child), 0);
	}
	find_vma(mm, a)->vm_end += PAGE * 1000000;
	assert_int_equal(machine_check(m, NULL, 0), -EUCLEAN);
	find_vma(mm, a)->vm_end -= PAGE * 1000000;
	assert_consistent(m);
}

/* Entries that point where they must not, and swap entries. */
static void test_checker_catches_entries(void **state)
{
	struct vm_fixture *f = *state;
	struct machine *m = f->m;
	struct mm_struct *mm = self_mm(f);
	unsigned int pte = pgtable_levels(m) - 1;
	uint64_t a = map(m, FIXED, 2 * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
	struct pte_slot slot, next;
	uint64_t entry;
	unsigned long pfn, free_pfn;
	struct page *page;
	int pid = f->pid;

	write_bytes(m, 0, a, "x");
	slot = slot_of(m, mm, a, pte);
	next = slot_of(m, mm, a + PAGE, pte);
	entry = pte_slot_read(m, &slot);
	pfn = pte_pfn(m, entry);
	/* A frame that is free again. */
	page = alloc_page(m, GFP_KERNEL);
	free_pfn = page_to_pfn(m, page);
	__free_pages(m, page, 0);
	pte_slot_set(m, &slot, pfn_pte(m, free_pfn, pte_flags(m, entry)));
	expect_why(m,
		   "pid %d: %#llx maps pfn %#lx, not a user page of its VMA "
		   "at index %#llx",
		   pid, (unsigned long long)a, free_pfn,
		   (unsigned long long)(a / PAGE));
	/* The page at a second index of its VMA. */
	pte_slot_set(m, &slot, entry);
	pte_slot_set(m, &next, entry);
	expect_why(m,
		   "pid %d: %#llx maps pfn %#lx, not a user page of its VMA "
		   "at index %#llx",
		   pid, (unsigned long long)(a + PAGE), pfn,
		   (unsigned long long)(a / PAGE + 1));
	pte_slot_set(m, &next, 0);
	/* A swap entry for a slot nobody holds. */
	pte_slot_set(m, &slot, swp_entry_pte(0, 100));
	expect_why(m, "pid %d: %#llx holds a swap entry for free slot 0x64",
		   pid, (unsigned long long)a);
	pte_slot_set(m, &slot, entry);
	/* An entry past the end of its VMA. */
	assert_int_equal(uapi_munmap(m, 0, a + PAGE, PAGE), 0);
	pte_slot_set(m, &next, entry);
	expect_why(m, "pid %d: an entry maps %#llx, outside every VMA", pid,
		   (unsigned long long)(a + PAGE));
	pte_slot_set(m, &next, 0);
	assert_consistent(m);
}

/* After a swap-out, the counts of swap entries must hold too. */
static void test_checker_catches_swap(void **state)
{
	struct vm_fixture *f = *state;
	struct machine *m = f->m;
	struct mm_struct *mm = self_mm(f);
	uint64_t a = map(m, FIXED, PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED);
	struct pte_slot slot;
	uint64_t entry;
	int pid = f->pid;

	write_bytes(m, 0, a, "x");
	for (int i = 0; i < 4 && !pte_is_swap(pte_of(m, pid, a)); i++)
		shrink_lruvec(m, node_lruvec(m, 0), 1UL << 20);
	entry = pte_of(m, pid, a);
	assert_true(pte_is_swap(entry));
	assert_int_equal(mm->rss_stat[MM_SWAPENTS], 1);
	assert_int_equal(mm->rss_stat[MM_ANONPAGES], 0);
	mm->rss_stat[MM_SWAPENTS]--;
	expect_why(m,
		   "pid %d: rss counter MM_SWAPENTS is 0, its tables "
		   "hold 1",
		   pid);
	mm->rss_stat[MM_SWAPENTS]++;
	/* A second entry for the slot, which counts one reference. */
	slot = slot_of(m, mm, a, pgtable_levels(m) - 1);
	assert_int_equal(uapi_mmap(m, 0, a + PAGE, PAGE, PROT_READ,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
				   &(uint64_t){0}),
			 0);
	assert_int_equal(find_vma(mm, a)->vm_end, a + PAGE);
	{
		struct pte_slot next =
			slot_of(m, mm, a + PAGE, pgtable_levels(m) - 1);

		pte_slot_set(m, &next, entry);
		mm->rss_stat[MM_SWAPENTS]++;
		expect_why(m, "swap slot %#lx: count 1, 2 references",
			   swp_offset(entry));
		mm->rss_stat[MM_SWAPENTS]--;
		pte_slot_set(m, &next, 0);
	}
	assert_int_equal(pte_slot_read(m, &slot), entry);
	expect_bytes(m, 0, a, "x");
	assert_consistent(m);
}

/*
 * The page walk's snapshot is its text: each level's entry, the frame
 * and its page's counts; a present PTE's bits, decoded.
 */
static void pagewalk_snapshot_is_the_text(struct machine *m, int pid,
					  uint64_t a, const char *text)
{
	struct report_args args = {.pid = pid, .addr = a, .sreg = -1};
	struct pagewalk_snapshot *p;
	const struct pagewalk_level_snapshot *pte;
	char line[160];
	int err;

	p = snapshot_take_at(&pagewalk_report.t, m, &args, &err);
	assert_non_null(p);
	assert_int_equal(p->address, a);
	assert_int_equal(p->nr_levels, 4);
	assert_string_equal(p->levels[0].name, "PGD");
	assert_int_equal(p->levels[0].index, 255);
	pte = &p->levels[3];
	snprintf(line, sizeof(line),
		 "PTE:\tindex %3llu  entry %#018llx  table pfn %#llx\n",
		 (unsigned long long)pte->index, (unsigned long long)pte->entry,
		 (unsigned long long)pte->table_pfn);
	assert_non_null(strstr(text, line));
	/* Written by a user: present, writable, user, accessed, dirty, NX. */
	assert_int_equal(pte->nr_bits, 6);
	assert_string_equal(pte->bits[0], "present");
	assert_string_equal(pte->bits[4], "dirty");
	assert_string_equal(pte->bits[5], "nx");
	assert_string_equal(p->stop, "frame");
	assert_int_equal(p->pfn, pte_pfn(m, pte->entry));
	snprintf(line, sizeof(line),
		 "Frame:\tpfn %#llx, phys %#llx, 4 kB page\n",
		 (unsigned long long)p->pfn, (unsigned long long)p->phys);
	assert_non_null(strstr(text, line));
	assert_int_equal(p->refcount, 1);
	assert_int_equal(p->mapcount, 0);
	assert_int_equal(p->nr_page_flag_names, 3);
	assert_string_equal(p->page_flag_names[2], "swapbacked");
	assert_false(p->huge);
	snapshot_free(pagewalk_report.t.desc, p);
	/* The next page, never written: a PTE that is none. */
	args.addr = a + 2 * PAGE;
	p = snapshot_take_at(&pagewalk_report.t, m, &args, &err);
	assert_non_null(p);
	assert_string_equal(p->stop, "none");
	assert_int_equal(p->levels[p->nr_levels - 1].nr_bits, 0);
	snapshot_free(pagewalk_report.t.desc, p);
	args.pid = 4242;
	assert_null(snapshot_take_at(&pagewalk_report.t, m, &args, &err));
	assert_int_equal(err, -ESRCH);
}

static void test_reports(void **state)
{
	struct vm_fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a = map(m, 0, 4 * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS);
	struct seq_buf s;

	write_bytes(m, 0, a, "x");
	write_bytes(m, 0, a + PAGE, "x");
	report(m, f->pid, report_pid_status, &s);
	assert_non_null(strstr(s.buf, "VmSize:\t     144 kB\n"));
	assert_non_null(strstr(s.buf, "VmRSS:\t       8 kB\n"));
	assert_non_null(strstr(s.buf, "RssAnon:\t       8 kB\n"));
	assert_non_null(strstr(s.buf, "VmData:\t      16 kB\n"));
	assert_non_null(strstr(s.buf, "VmStk:\t     128 kB\n"));
	assert_non_null(strstr(s.buf, "VmPTE:\t      12 kB\n"));
	seq_buf_free(&s);
	seq_buf_init(&s);
	assert_int_equal(report_pagewalk(m, f->pid, a, &s), 0);
	assert_non_null(strstr(s.buf, "PGD:\tindex 255"));
	assert_non_null(strstr(s.buf, "PTE:\tindex "));
	assert_non_null(strstr(s.buf, " anon lru swapbacked, _refcount 1, "
				      "_mapcount 0"));
	pagewalk_snapshot_is_the_text(m, f->pid, a, s.buf);
	seq_buf_free(&s);
	assert_int_equal(report_pid_maps(m, 4242, &s), -ESRCH);
}

static void test_i386(void **state)
{
	struct layout l;
	struct machine *m;
	struct pgtable_walk w;
	uint64_t a;
	int pid, child;

	(void)state;
	i386_layout(&l, 1 * GiB);
	l.swap_size = 16 * MiB;
	m = boot(&l);
	assert_int_equal(task_create(m, "i386", 0, 0, &pid), 0);
	assert_int_equal(task_switch(m, pid), 0);
	a = map(m, 0, 8 * PAGE, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS);
	assert_true(a < 0xc0000000ULL);
	write_bytes(m, 0, a, "thirty-two");
	assert_int_equal(pid_pagewalk(m, pid, a, &w), 0);
	assert_int_equal(w.levels, 2);
	/* User pages come from high memory first. */
	assert_int_equal(page_zonenum(pfn_to_page(m, w.pfn)), ZONE_HIGHMEM);
	assert_int_equal(uapi_fork(m, 0, &child), 0);
	write_bytes(m, child, a, "sixty-four");
	expect_bytes(m, 0, a, "thirty-two");
	a = map(m, 0, 4 * MiB, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_HUGETLB);
	write_bytes(m, 0, a + 5, "pse");
	assert_int_equal(pid_pagewalk(m, pid, a, &w), 0);
	assert_int_equal(w.page_size, 4 * MiB);
	assert_consistent(m);
	assert_int_equal(task_exit(m, pid, NULL), 0);
	assert_null(find_task_by_pid(m, child));
	assert_consistent(m);
	machine_destroy(m);
}

/* Random mmap, munmap, mprotect, writes, reads, forks and exits. */
static void test_random_ops(void **state)
{
	struct vm_fixture *f = *state;
	struct machine *m = f->m;
	int procs[4] = {0, 0, 0, 0};
	unsigned int seed = (unsigned int)test_seed("vm random ops", 12345);

	for (int op = 0; op < 5000; op++) {
		int who = rand_r(&seed) % 4, pid = procs[who];
		uint64_t addr = FIXED + (uint64_t)(rand_r(&seed) % 64) * PAGE;
		uint64_t len = (uint64_t)(rand_r(&seed) % 8 + 1) * PAGE, out;
		int prot = rand_r(&seed) % 8, child;
		struct user_fault fault;
		char byte = (char)op;

		if (pid && !find_task_by_pid(m, pid))
			procs[who] = pid = 0;
		switch (rand_r(&seed) % 9) {
		case 0:
			uapi_mmap(m, pid, addr, len, prot,
				  MAP_FIXED | MAP_ANONYMOUS |
					  (rand_r(&seed) % 4 ? MAP_PRIVATE
							     : MAP_SHARED),
				  &out);
			break;
		case 1:
			uapi_munmap(m, pid, addr, len);
			break;
		case 2:
			uapi_mprotect(m, pid, addr, len, prot);
			break;
		case 3:
		case 4:
			uapi_access_vm(m, pid, addr + 7, &byte, 1, USER_WRITE,
				       &fault);
			break;
		case 5:
			uapi_access_vm(m, pid, addr, &byte, 1, USER_READ,
				       &fault);
			break;
		case 6:
			if (!procs[(who + 1) % 4] &&
			    uapi_fork(m, pid, &child) == 0)
				procs[(who + 1) % 4] = child;
			break;
		case 7:
			uapi_mremap(m, pid, addr, len,
				    (uint64_t)(rand_r(&seed) % 8 + 1) * PAGE,
				    rand_r(&seed) % 2 ? MREMAP_MAYMOVE : 0, 0,
				    &out);
			break;
		default:
			if (pid)
				assert_int_equal(uapi_exit_process(m, pid), 0);
			break;
		}
		if (op % 250 == 0)
			assert_consistent(m);
	}
	assert_consistent(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_placement_and_maps, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_merge_split_matrix, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fault_matrix, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stack_growth, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_fork_cow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tlb_follows_tables, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_shared_anon, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_brk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mremap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mremap_shared, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_shared_sigbus_fault_around,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_input, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_populate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_fault_counts, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_overcommit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_growsdown_mapping, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mprotect_edges, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_munmap_edges, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mremap_edges, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_huge_pages, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_checker_catches, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_checker_catches_entries,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_checker_catches_swap,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_reports, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_ops, setup,
						teardown),
		cmocka_unit_test(test_swap_pressure),
		cmocka_unit_test(test_swap_shared_and_forked),
		cmocka_unit_test(test_kswapd_balances),
		cmocka_unit_test(test_oom_kills_biggest),
		cmocka_unit_test(test_i386),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
