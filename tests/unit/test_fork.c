/* SPDX-License-Identifier: MIT */
/*
 * test_fork.c - what fork copies into the child's page tables
 * (kernel/fork.c's dup_mmap, mm/memory.c's copy_page_range and its
 * vma_needs_copy): only a VMA with an anon_vma (private pages) or raw
 * frames; a shared anonymous mapping, and a private one that has only
 * read the zero page, are faulted again in the child. The differential
 * tester found both (the child's smaps Rss and pagemap, and the
 * parent's Locked, which is a PSS).
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <signal.h>
#include <sys/mman.h>

#include "core/mm.h"
#include "core/task.h"
#include "core/task_mmu.h"
#include "core/uapi.h"

#define W 0x10000000ULL

static struct machine *setup(int *pid)
{
	struct layout l;
	struct machine *m;

	small_layout(&l, 64 * MiB);
	l.swap_size = 0;
	m = boot(&l);
	assert_int_equal(task_create(m, "fork", 0, 0, pid), 0);
	assert_int_equal(task_switch(m, *pid), 0);
	return m;
}

/* Whether pagemap shows the page at addr present. */
static bool present(struct machine *m, int pid, uint64_t addr)
{
	uint8_t e[8];
	uint64_t nr = 0;

	assert_int_equal(pagemap_read(m, pid, addr, 1, e, &nr), 0);
	assert_int_equal(nr, 1);
	return e[7] & 0x80;
}

static void map_and_touch(struct machine *m, int flags, enum user_access how)
{
	struct user_fault f;
	uint64_t got = 0;
	uint8_t v = 1;

	assert_int_equal(uapi_mmap(m, 0, W, 4 * PAGE, PROT_READ | PROT_WRITE,
				   flags | MAP_ANONYMOUS | MAP_FIXED, &got),
			 0);
	for (unsigned int i = 0; i < 4; i++)
		assert_int_equal(
			uapi_access_vm(m, 0, W + i * PAGE, &v, 1, how, &f), 0);
}

/* vma_needs_copy: shared memory is not copied, the child faults it. */
static void test_fork_shared_not_copied(void **state)
{
	struct user_fault f;
	uint8_t v = 0;
	int pid, child;
	struct machine *m = setup(&pid);
	struct mm_struct *cmm;
	unsigned long flt;

	(void)state;
	map_and_touch(m, MAP_SHARED, USER_WRITE);
	assert_int_equal(uapi_fork(m, pid, &child), 0);
	cmm = find_task_by_pid(m, child)->mm;
	for (unsigned int i = 0; i < 4; i++) {
		assert_true(present(m, pid, W + i * PAGE));
		assert_false(present(m, child, W + i * PAGE));
	}
	assert_int_equal(get_mm_rss(cmm), 0);
	/* A read in the child: a minor fault finds the shared page. */
	flt = cmm->min_flt;
	assert_int_equal(uapi_access_vm(m, child, W, &v, 1, USER_READ, &f), 0);
	assert_int_equal(v, 1);
	assert_int_equal(cmm->min_flt - flt, 1);
	assert_true(present(m, child, W));
	assert_consistent(m);
	machine_destroy(m);
}

/* vma_needs_copy: no anon_vma (only zero-page reads), nothing copied. */
static void test_fork_zero_page_not_copied(void **state)
{
	int pid, child;
	struct machine *m = setup(&pid);

	(void)state;
	map_and_touch(m, MAP_PRIVATE, USER_READ);
	assert_true(present(m, pid, W));
	assert_null(find_vma(find_task_by_pid(m, pid)->mm, W)->anon_vma);
	assert_int_equal(uapi_fork(m, pid, &child), 0);
	for (unsigned int i = 0; i < 4; i++)
		assert_false(present(m, child, W + i * PAGE));
	/* One written page gives the VMA an anon_vma: all of it is copied. */
	machine_destroy(m);
	m = setup(&pid);
	map_and_touch(m, MAP_PRIVATE, USER_READ);
	{
		struct user_fault f;
		uint8_t v = 1;

		assert_int_equal(uapi_access_vm(m, 0, W, &v, 1, USER_WRITE, &f),
				 0);
	}
	assert_int_equal(uapi_fork(m, pid, &child), 0);
	for (unsigned int i = 0; i < 4; i++)
		assert_true(present(m, child, W + i * PAGE));
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * can_change_pte_writable: mprotect makes a private page writable at
 * once only while it is this mm's alone (PageAnonExclusive); after a
 * fork it is not, even once the child has gone, until a write fault
 * reuses it (the differential tester found the machine going by the
 * map count).
 */
static void test_mprotect_after_fork(void **state)
{
	struct user_fault f;
	uint8_t v = 2;
	int pid, child;
	struct machine *m = setup(&pid);
	struct mm_struct *mm = find_task_by_pid(m, pid)->mm;
	unsigned long flt;

	(void)state;
	map_and_touch(m, MAP_PRIVATE, USER_WRITE);
	/* No fork: read-only, then writable again without a fault. */
	assert_int_equal(uapi_mprotect(m, 0, W, 4 * PAGE, PROT_READ), 0);
	assert_int_equal(
		uapi_mprotect(m, 0, W, 4 * PAGE, PROT_READ | PROT_WRITE), 0);
	flt = mm->min_flt;
	assert_int_equal(uapi_access_vm(m, 0, W, &v, 1, USER_WRITE, &f), 0);
	assert_int_equal(mm->min_flt, flt);
	/* A fork, its exit: the pages are no longer exclusive. */
	assert_int_equal(uapi_fork(m, pid, &child), 0);
	assert_int_equal(uapi_exit_process(m, child), 0);
	assert_int_equal(uapi_mprotect(m, 0, W, 4 * PAGE, PROT_READ), 0);
	assert_int_equal(
		uapi_mprotect(m, 0, W, 4 * PAGE, PROT_READ | PROT_WRITE), 0);
	flt = mm->min_flt;
	assert_int_equal(uapi_access_vm(m, 0, W, &v, 1, USER_WRITE, &f), 0);
	assert_int_equal(mm->min_flt, flt + 1); /* wp_page_reuse */
	/* Reused: exclusive again, so the next mprotect needs no fault. */
	assert_int_equal(uapi_mprotect(m, 0, W, PAGE, PROT_READ), 0);
	assert_int_equal(uapi_mprotect(m, 0, W, PAGE, PROT_READ | PROT_WRITE),
			 0);
	assert_int_equal(uapi_access_vm(m, 0, W, &v, 1, USER_WRITE, &f), 0);
	assert_int_equal(mm->min_flt, flt + 1);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * vma_needs_copy with guard regions: a shared VMA MADV_GUARD_INSTALL was
 * used on is copied whole at fork, the pieces a split left too (sticky,
 * as VM_MAYBE_GUARD); the child finds the marker and the present pages.
 */
static void test_fork_guarded_shared(void **state)
{
	struct user_fault f = {0};
	uint8_t v;
	int pid, child;
	struct machine *m = setup(&pid);

	(void)state;
	map_and_touch(m, MAP_SHARED, USER_WRITE);
	assert_int_equal(uapi_madvise(m, 0, W, PAGE, 102), 0);
	assert_int_equal(uapi_munmap(m, 0, W + PAGE, PAGE), 0);
	assert_int_equal(uapi_fork(m, pid, &child), 0);
	assert_true(present(m, child, W + 2 * PAGE));
	assert_true(present(m, child, W + 3 * PAGE));
	assert_int_equal(uapi_access_vm(m, child, W, &v, 1, USER_READ, &f),
			 -EFAULT);
	assert_int_equal(f.signo, SIGSEGV);
	assert_consistent(m);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fork_shared_not_copied),
		cmocka_unit_test(test_fork_zero_page_not_copied),
		cmocka_unit_test(test_mprotect_after_fork),
		cmocka_unit_test(test_fork_guarded_shared),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
