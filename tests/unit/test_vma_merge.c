/* SPDX-License-Identifier: MIT */
/*
 * test_vma_merge.c - the hidden rules of VMA merging that Linux's mm/vma.c,
 * mm/rmap.c, mm/mremap.c and mm/mmap.c keep: anon_vma reuse on the first
 * write fault, three-way merges, fork children, mremap's copy_vma and
 * brk. Each test names the Linux function it follows and asserts the
 * exact VMA list the host kernel gives for the same calls. Must never:
 * assert a list it did not see on Linux.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/mm.h"
#include "core/task.h"
#include "core/uapi.h"
#include "core/vma_internal.h"

#define PAGE 4096ULL
/* The window the calls work in: page n is W + n * PAGE. */
#define W    0x10000000ULL
#define P(n) (W + (uint64_t)(n)*PAGE)

static const int rw = PROT_READ | PROT_WRITE;
static const int fixed = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;

struct fix {
	struct machine *m;
	int pid;
};

static int setup(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct layout l;

	small_layout(&l, 64 * MiB);
	f->m = boot(&l);
	assert_int_equal(task_create(f->m, "merge", 0, 0, &f->pid), 0);
	assert_int_equal(task_switch(f->m, f->pid), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fix *f = *state;

	assert_consistent(f->m);
	machine_destroy(f->m);
	free(f);
	return 0;
}

static struct mm_struct *mm_of(const struct fix *f, int pid)
{
	return find_task_by_pid(f->m, pid ? pid : f->pid)->mm;
}

static void map_at(struct fix *f, int pid, unsigned int first,
		   unsigned int pages, int prot)
{
	uint64_t got;

	assert_int_equal(
		uapi_mmap(f->m, pid, P(first), pages * PAGE, prot, fixed, &got),
		0);
	assert_int_equal(got, P(first));
}

static void touch(struct fix *f, int pid, unsigned int page)
{
	struct user_fault fault;
	char byte = 1;

	assert_int_equal(uapi_access_vm(f->m, pid, P(page), &byte, 1,
					USER_WRITE, &fault),
			 0);
}

/*
 * The VMAs from base, in pages from base, as "[0,6) [7,9)", compared
 * with what Linux's /proc/PID/maps shows for the same calls.
 */
static void expect_vmas_from(const struct fix *f, int pid, uint64_t base,
			     const char *want)
{
	const struct mm_struct *mm = mm_of(f, pid);
	char got[256] = "";
	size_t n = 0;

	for (unsigned int i = 0; i < mm->map_count; i++) {
		const struct vm_area_struct *v = mm->vmas[i];

		if (v->vm_start < base || v->vm_start >= base + 256 * PAGE)
			continue;
		n += (size_t)snprintf(
			got + n, sizeof(got) - n, "%s[%llu,%llu)", n ? " " : "",
			(unsigned long long)((v->vm_start - base) / PAGE),
			(unsigned long long)((v->vm_end - base) / PAGE));
	}
	assert_string_equal(got, want);
	assert_consistent(f->m);
}

static void expect_vmas(const struct fix *f, int pid, const char *want)
{
	expect_vmas_from(f, pid, W, want);
}

/*
 * find_mergeable_anon_vma and reusable_anon_vma: the first write to p3
 * finds its neighbour p0..p3 lined up and differing only in exec, and
 * takes its anon_vma; so when mprotect makes the flags equal, the two
 * merge. Linux: one VMA [p0,p6).
 */
static void test_anon_vma_reused_on_first_fault(void **state)
{
	struct fix *f = *state;

	map_at(f, 0, 0, 6, rw);
	assert_int_equal(uapi_mprotect(f->m, 0, P(3), 3 * PAGE, rw | PROT_EXEC),
			 0);
	touch(f, 0, 0);
	touch(f, 0, 3);
	assert_ptr_equal(find_vma(mm_of(f, 0), P(0))->anon_vma,
			 find_vma(mm_of(f, 0), P(3))->anon_vma);
	assert_int_equal(uapi_mprotect(f->m, 0, P(3), 3 * PAGE, rw), 0);
	expect_vmas(f, 0, "[0,6)");
}

/*
 * A neighbour whose flags differ in more than access (here VM_ACCOUNT:
 * a read-only mapping is not charged) lends no anon_vma: two VMAs stay,
 * as on Linux, after mprotect makes the prot equal.
 */
static void test_anon_vma_not_reused_across_flags(void **state)
{
	struct fix *f = *state;

	map_at(f, 0, 0, 3, rw);
	map_at(f, 0, 3, 3, PROT_READ);
	touch(f, 0, 0);
	assert_int_equal(uapi_mprotect(f->m, 0, P(3), 3 * PAGE, rw), 0);
	/* prot equal, VM_ACCOUNT now both, no anon_vma on p3: merged. */
	expect_vmas(f, 0, "[0,6)");
	assert_int_equal(uapi_mprotect(f->m, 0, P(3), 3 * PAGE, PROT_READ), 0);
	touch(f, 0, 0);
	expect_vmas(f, 0, "[0,3) [3,6)");
}

/*
 * vma_merge_new_range: the new p3..p7 could merge with prev and with
 * next, but prev's and next's anon_vmas differ (are_anon_vmas_compatible
 * fails), so it merges with prev alone. Linux: [p0,p7) [p7,p9).
 */
static void test_three_way_new_range(void **state)
{
	struct fix *f = *state;

	map_at(f, 0, 0, 3, rw);
	map_at(f, 0, 7, 2, rw);
	touch(f, 0, 0);
	touch(f, 0, 7);
	map_at(f, 0, 3, 4, rw);
	expect_vmas(f, 0, "[0,7) [7,9)");
	/* With one side unfaulted, all three are one. */
	map_at(f, 0, 20, 3, rw);
	map_at(f, 0, 27, 2, rw);
	touch(f, 0, 20);
	map_at(f, 0, 23, 4, rw);
	expect_vmas(f, 0, "[0,7) [7,9) [20,29)");
}

/*
 * vma_merge_existing_range: mprotect makes the middle like both
 * neighbours, whose anon_vmas differ: it joins prev only. Linux:
 * [p0,p6) [p6,p9).
 */
static void test_three_way_existing_range(void **state)
{
	struct fix *f = *state;

	map_at(f, 0, 0, 3, rw);
	map_at(f, 0, 3, 3, PROT_READ);
	map_at(f, 0, 6, 3, rw);
	touch(f, 0, 0);
	touch(f, 0, 6);
	expect_vmas(f, 0, "[0,3) [3,6) [6,9)");
	assert_int_equal(uapi_mprotect(f->m, 0, P(3), 3 * PAGE, rw), 0);
	expect_vmas(f, 0, "[0,6) [6,9)");
}

/*
 * anon_vma_fork and is_mergeable_anon_vma's vma_had_uncowed_parents: in
 * the child, the two halves of a split VMA each get an anon_vma of their
 * own, so making their flags equal again merges nothing; a child VMA
 * with an anon_vma neither lends it to an unfaulted neighbour nor takes
 * one in. The parent, unchanged, merges. Linux: the child keeps
 * [p0,p3) [p3,p6) and [p10,p13) [p13,p16); the parent has [p0,p6).
 */
static void test_fork_child_does_not_merge(void **state)
{
	struct fix *f = *state;
	int child;

	map_at(f, 0, 0, 6, rw);
	touch(f, 0, 0);
	assert_int_equal(uapi_mprotect(f->m, 0, P(3), 3 * PAGE, PROT_READ), 0);
	map_at(f, 0, 10, 3, rw);
	touch(f, 0, 10);
	map_at(f, 0, 13, 3, PROT_READ);
	assert_int_equal(uapi_fork(f->m, 0, &child), 0);
	assert_int_equal(mm_of(f, child)->vmas[0]->anon_vma_chain, 2);
	assert_int_equal(uapi_mprotect(f->m, child, P(3), 3 * PAGE, rw), 0);
	assert_int_equal(uapi_mprotect(f->m, child, P(13), 3 * PAGE, rw), 0);
	expect_vmas(f, child, "[0,3) [3,6) [10,13) [13,16)");
	assert_int_equal(uapi_mprotect(f->m, 0, P(3), 3 * PAGE, rw), 0);
	assert_int_equal(uapi_mprotect(f->m, 0, P(13), 3 * PAGE, rw), 0);
	expect_vmas(f, 0, "[0,6) [10,16)");
	/* The child's copy-on-write pages hang on its own anon_vma. */
	touch(f, child, 1);
	assert_consistent(f->m);
	assert_int_equal(uapi_exit_process(f->m, child), 0);
}

/*
 * copy_vma: an unfaulted VMA moved by mremap takes the page offset of
 * its new place, so it merges with a neighbour there. Linux: [p0,p6).
 * A faulted one keeps its offset and stays apart: [p10,p13) [p13,p16).
 */
static void test_mremap_unfaulted_resets_pgoff(void **state)
{
	struct fix *f = *state;
	uint64_t got;

	map_at(f, 0, 0, 3, rw);
	map_at(f, 0, 20, 3, rw);
	assert_int_equal(uapi_mremap(f->m, 0, P(20), 3 * PAGE, 3 * PAGE,
				     MREMAP_MAYMOVE | MREMAP_FIXED, P(3), &got),
			 0);
	assert_int_equal(got, P(3));
	expect_vmas(f, 0, "[0,6)");
	map_at(f, 0, 10, 3, rw);
	map_at(f, 0, 30, 3, rw);
	touch(f, 0, 30);
	assert_int_equal(uapi_mremap(f->m, 0, P(30), 3 * PAGE, 3 * PAGE,
				     MREMAP_MAYMOVE | MREMAP_FIXED, P(13),
				     &got),
			 0);
	expect_vmas(f, 0, "[0,6) [10,13) [13,16)");
}

/*
 * The brk syscall: the break may not come within a page of the next
 * mapping (newbrk + PAGE_SIZE > vm_start_gap(next) fails), and on
 * failure the break stays where it was and is what the call returns.
 * The heap only ever grows as a VMA of its own (do_brk_flags), never
 * into the mapping above. Linux: [heap 0,3) and the mapping [4,6).
 */
static void test_brk_keeps_a_page_from_next(void **state)
{
	struct fix *f = *state;
	struct mm_struct *mm = mm_of(f, 0);
	uint64_t sb = mm->start_brk, cur;
	uint64_t got;

	assert_int_equal(
		uapi_mmap(f->m, 0, sb + 4 * PAGE, 2 * PAGE, rw, fixed, &got),
		0);
	assert_int_equal(uapi_brk(f->m, 0, sb + 4 * PAGE, &cur), -ENOMEM);
	assert_int_equal(cur, sb);
	assert_int_equal(uapi_brk(f->m, 0, sb + 3 * PAGE + 1, &cur), -ENOMEM);
	assert_int_equal(cur, sb);
	assert_int_equal(uapi_brk(f->m, 0, sb + 3 * PAGE, &cur), 0);
	assert_int_equal(cur, sb + 3 * PAGE);
	expect_vmas_from(f, 0, sb, "[0,3) [4,6)");
	/* Shrinking with no heap below the break: refused, break kept. */
	assert_int_equal(uapi_munmap(f->m, 0, sb, 3 * PAGE), 0);
	assert_int_equal(uapi_brk(f->m, 0, sb + PAGE, &cur), -ENOMEM);
	assert_int_equal(cur, sb + 3 * PAGE);
	expect_vmas_from(f, 0, sb, "[4,6)");
}

/*
 * do_brk_flags never merges the new heap with a mapping above it, even
 * one with the heap's flags one page beyond: Linux keeps [0,2) [3,5)
 * and grows neither into the other.
 */
static void test_brk_does_not_merge_up(void **state)
{
	struct fix *f = *state;
	struct mm_struct *mm = mm_of(f, 0);
	uint64_t sb = mm->start_brk, cur, got;

	assert_int_equal(
		uapi_mmap(f->m, 0, sb + 3 * PAGE, 2 * PAGE, rw, fixed, &got),
		0);
	assert_int_equal(uapi_brk(f->m, 0, sb + 2 * PAGE, &cur), 0);
	expect_vmas_from(f, 0, sb, "[0,2) [3,5)");
	assert_int_equal(uapi_brk(f->m, 0, sb + PAGE, &cur), 0);
	assert_int_equal(uapi_brk(f->m, 0, sb + 2 * PAGE, &cur), 0);
	expect_vmas_from(f, 0, sb, "[0,2) [3,5)");
}

/*
 * Found by the differential tester. is_mergeable_vma: the pieces of one
 * shared mapping (one vm_file) merge back once their flags agree; two
 * shared mappings never do. Linux: [p0,p6) then [p0,p6) [p6,p9).
 * do_mmap: a shared anonymous mapping may not grow down (-EINVAL).
 */
static void test_shared_pieces_merge(void **state)
{
	struct fix *f = *state;
	int shared = MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED;
	uint64_t got;

	assert_int_equal(uapi_mmap(f->m, 0, P(0), 6 * PAGE, rw, shared, &got),
			 0);
	assert_int_equal(uapi_mprotect(f->m, 0, P(2), 2 * PAGE, PROT_READ), 0);
	expect_vmas(f, 0, "[0,2) [2,4) [4,6)");
	assert_int_equal(uapi_mprotect(f->m, 0, P(2), 2 * PAGE, rw), 0);
	expect_vmas(f, 0, "[0,6)");
	assert_int_equal(uapi_mmap(f->m, 0, P(6), 3 * PAGE, rw, shared, &got),
			 0);
	expect_vmas(f, 0, "[0,6) [6,9)");
	assert_int_equal(uapi_mmap(f->m, 0, P(20), PAGE, rw,
				   shared | MAP_GROWSDOWN, &got),
			 -EINVAL);
}

/*
 * remap_move (Linux 6.17 on): MREMAP_FIXED that keeps the size moves
 * every VMA in the range, holes kept; the range must start mapped.
 * Linux: [p4,p5) moved from [p18,p19), the rest of [p9,p18) stays; and
 * the MREMAP_FIXED new range over the old one is -EINVAL before the
 * missing mapping is -EFAULT (check_mremap_params).
 */
static void test_mremap_moves_a_range(void **state)
{
	struct fix *f = *state;
	uint64_t got;

	map_at(f, 0, 9, 10, rw | PROT_EXEC);
	assert_int_equal(uapi_mremap(f->m, 0, P(18), 4 * PAGE, 4 * PAGE,
				     MREMAP_MAYMOVE | MREMAP_FIXED, P(4), &got),
			 0);
	assert_int_equal(got, P(4));
	expect_vmas(f, 0, "[4,5) [9,18)");
	assert_int_equal(uapi_mremap(f->m, 0, P(30), 8 * PAGE, 2 * PAGE,
				     MREMAP_MAYMOVE | MREMAP_FIXED, P(36),
				     &got),
			 -EINVAL);
	assert_int_equal(uapi_mremap(f->m, 0, P(8), 4 * PAGE, 4 * PAGE,
				     MREMAP_MAYMOVE | MREMAP_FIXED, P(40),
				     &got),
			 -EFAULT);
}

/*
 * expand_downwards gives a grows-down VMA its anon_vma before it grows,
 * even when the access that grew it is refused: so a page mremap moves
 * out of it keeps its offset and merges with nothing. Linux:
 * [p19,p20) [p20,p227) [p228,p236).
 */
static void test_stack_growth_prepares_anon_vma(void **state)
{
	struct fix *f = *state;
	struct user_fault fault;
	uint64_t got;
	char byte;

	assert_int_equal(uapi_mmap(f->m, 0, P(230), 6 * PAGE, PROT_NONE,
				   fixed | MAP_GROWSDOWN, &got),
			 0);
	assert_int_equal(
		uapi_access_vm(f->m, 0, P(20), &byte, 1, USER_READ, &fault),
		-EFAULT);
	assert_int_equal(fault.si_code, SEGV_ACCERR);
	assert_non_null(find_vma(mm_of(f, 0), P(20))->anon_vma);
	assert_int_equal(uapi_mremap(f->m, 0, P(227), PAGE, PAGE,
				     MREMAP_MAYMOVE | MREMAP_FIXED, P(19),
				     &got),
			 0);
	expect_vmas(f, 0, "[19,20) [20,227) [228,236)");
}

/*
 * madvise_guard_install: a guarded VMA is marked VM_MAYBE_GUARD (which
 * merging ignores), and only an anonymous one (vma_is_anonymous) takes
 * an anon_vma. So in a fork child, where a forked anon_vma stops
 * merging (is_mergeable_anon_vma), a private file mapping's guarded
 * piece merges back with its neighbours and an anonymous one's does
 * not. Linux: the child has [p0,p12) for the file, [p20,p22) [p22,p25)
 * [p25,p32) for the anonymous mapping.
 */
static void test_guard_install_anon_vma_only_anonymous(void **state)
{
	struct fix *f = *state;
	const int rwx = PROT_READ | PROT_WRITE | PROT_EXEC;
	uint64_t got;
	int fd, child;

	assert_int_equal(uapi_open(f->m, 0, "/g", O_CREAT | O_RDWR, 0600, &fd),
			 0);
	assert_int_equal(uapi_ftruncate(f->m, 0, fd, 64 * (int64_t)PAGE), 0);
	assert_int_equal(uapi_sys_mmap(f->m, 0, P(0), 12 * PAGE, rw,
				       MAP_PRIVATE | MAP_FIXED, fd, 0, &got),
			 0);
	map_at(f, 0, 20, 12, rw);
	for (unsigned int base = 0; base <= 20; base += 20) {
		assert_int_equal(
			uapi_mprotect(f->m, 0, P(base + 2), 3 * PAGE, rwx), 0);
		assert_int_equal(uapi_madvise(f->m, 0, P(base + 4), PAGE,
					      102 /* MADV_GUARD_INSTALL */),
				 0);
	}
	assert_null(find_vma(mm_of(f, 0), P(4))->anon_vma);
	assert_true(find_vma(mm_of(f, 0), P(4))->maybe_guard);
	assert_non_null(find_vma(mm_of(f, 0), P(24))->anon_vma);
	assert_int_equal(uapi_fork(f->m, 0, &child), 0);
	assert_int_equal(uapi_mprotect(f->m, child, P(1), 9 * PAGE, rw), 0);
	assert_int_equal(uapi_mprotect(f->m, child, P(21), 9 * PAGE, rw), 0);
	expect_vmas(f, child, "[0,12) [20,22) [22,25) [25,32)");
	assert_int_equal(uapi_exit_process(f->m, child), 0);
	assert_int_equal(uapi_mprotect(f->m, 0, P(1), 9 * PAGE, rw), 0);
	assert_int_equal(uapi_mprotect(f->m, 0, P(21), 9 * PAGE, rw), 0);
	expect_vmas(f, 0, "[0,12) [20,32)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
			test_anon_vma_reused_on_first_fault, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_guard_install_anon_vma_only_anonymous, setup,
			teardown),
		cmocka_unit_test_setup_teardown(
			test_anon_vma_not_reused_across_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(test_three_way_new_range, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_three_way_existing_range,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_fork_child_does_not_merge,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_mremap_unfaulted_resets_pgoff, setup, teardown),
		cmocka_unit_test_setup_teardown(test_brk_keeps_a_page_from_next,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_brk_does_not_merge_up,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_pieces_merge, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_mremap_moves_a_range,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_stack_growth_prepares_anon_vma, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
