/* SPDX-License-Identifier: MIT */
/*
 * test_mremap.c - MREMAP_DONTUNMAP (mm/mremap.c's move_vma and
 * dontunmap_complete) against the host kernel: the same calls on a
 * window of this process and of the machine's, then the same results,
 * the same VMAs in the window (from /proc/self/maps on the host), the
 * same bytes read back and the same VmLck.
 */
#include "tests/unit/both.h"
#include "tests/unit/host.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/mm.h"
#include "core/task.h"
#include "core/uapi.h"

#define WPAGES 64
#define W      BOTH_W

static void setup(struct both *b)
{
	struct layout l;

	small_layout(&l, 64 * MiB);
	both_boot(b, &l, "mremap", WPAGES, 0);
}

/* mremap on both; a move's result as a page of the window, or -errno. */
static long mremap_both(struct both *b, unsigned int page, unsigned int pages,
			unsigned int new_pages, int flags, unsigned int to)
{
	void *h = mremap(b->host + page * PAGE, pages * PAGE, new_pages * PAGE,
			 flags, b->host + to * PAGE);
	uint64_t r = 0;
	int mine = uapi_mremap(b->m, 0, W + page * PAGE, pages * PAGE,
			       new_pages * PAGE, flags, W + to * PAGE, &r);
	long host = h == MAP_FAILED ? -errno
				    : ((uint8_t *)h - b->host) / (long)PAGE;

	if (mine)
		assert_int_equal(mine, host);
	else if ((flags & MREMAP_FIXED) || r - W < WPAGES * PAGE)
		assert_int_equal((long)((r - W) / PAGE), host);
	return host;
}

/* The VMAs of the window, "[s,e) rw-p ...", as the host's maps has them. */
static void host_vmas(const struct both *b, char *out, size_t len)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	size_t n = 0;

	assert_non_null(f);
	out[0] = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long s, e;
		char perm[8];
		uintptr_t lo = (uintptr_t)b->host;

		if (sscanf(line, "%lx-%lx %7s", &s, &e, perm) != 3 || s < lo ||
		    e > lo + WPAGES * PAGE)
			continue;
		n += (size_t)snprintf(out + n, len - n, "[%lu,%lu) %s ",
				      (unsigned long)((s - lo) / PAGE),
				      (unsigned long)((e - lo) / PAGE), perm);
	}
	fclose(f);
}

static void mine_vmas(struct both *b, char *out, size_t len)
{
	struct mm_struct *mm = find_task_by_pid(b->m, b->pid)->mm;
	size_t n = 0;

	out[0] = 0;
	for (unsigned int i = 0; i < mm->map_count; i++) {
		const struct vm_area_struct *v = mm->vmas[i];

		if (v->vm_start < W || v->vm_end > W + WPAGES * PAGE)
			continue;
		n += (size_t)snprintf(out + n, len - n, "[%lu,%lu) %c%c%c%c ",
				      (unsigned long)((v->vm_start - W) / PAGE),
				      (unsigned long)((v->vm_end - W) / PAGE),
				      v->vm_flags & VM_READ ? 'r' : '-',
				      v->vm_flags & VM_WRITE ? 'w' : '-',
				      v->vm_flags & VM_EXEC ? 'x' : '-',
				      v->vm_flags & VM_SHARED ? 's' : 'p');
	}
}

static void same_vmas(struct both *b)
{
	char host[1024], mine[1024];

	host_vmas(b, host, sizeof(host));
	mine_vmas(b, mine, sizeof(mine));
	assert_string_equal(mine, host);
	assert_consistent(b->m);
}

/*
 * Private memory: the pages move, the old range stays mapped and reads
 * zeros, the VMA uncut; a locked one is unlocked but still counted in
 * VmLck, as Linux's; errors for a resize or no MREMAP_MAYMOVE.
 */
static void test_dontunmap_private(void **state)
{
	struct both b;

	(void)state;
	setup(&b);
	map_both(&b, 0, 8, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	for (unsigned int i = 0; i < 8; i++)
		write_both(&b, i, (uint8_t)(i + 1));
	assert_int_equal(
		mremap_both(&b, 2, 2, 2,
			    MREMAP_DONTUNMAP | MREMAP_MAYMOVE | MREMAP_FIXED,
			    20),
		20);
	same_vmas(&b);
	for (unsigned int i = 0; i < 8; i++)
		read_both(&b, i);
	read_both(&b, 20);
	read_both(&b, 21);
	assert_int_equal(
		mremap_both(&b, 5, 2, 3, MREMAP_DONTUNMAP | MREMAP_MAYMOVE, 0),
		-EINVAL);
	assert_int_equal(mremap_both(&b, 5, 2, 2, MREMAP_DONTUNMAP, 0),
			 -EINVAL);
	assert_int_equal(
		mremap_both(&b, 5, 2, 2,
			    MREMAP_DONTUNMAP | MREMAP_MAYMOVE | MREMAP_FIXED,
			    21),
		21);
	same_vmas(&b);
	/* Locked: the old VMA loses VM_LOCKED, VmLck keeps counting it. */
	assert_int_equal(syscall(SYS_mlock, b.host, 8 * PAGE), 0);
	assert_int_equal(uapi_mlock(b.m, 0, W, 8 * PAGE, 0), 0);
	assert_int_equal(
		mremap_both(&b, 5, 2, 2,
			    MREMAP_DONTUNMAP | MREMAP_MAYMOVE | MREMAP_FIXED,
			    30),
		30);
	same_vmas(&b);
	assert_int_equal(find_task_by_pid(b.m, b.pid)->mm->locked_vm,
			 (unsigned long)host_status_kb("VmLck") / 4);
	assert_int_equal(
		find_vma(find_task_by_pid(b.m, b.pid)->mm, W)->vm_flags &
			VM_LOCKED,
		0);
	read_both(&b, 30);
	read_both(&b, 5);
	teardown_both(&b);
}

/* Shared memory: the old range still maps the object, bytes and all. */
static void test_dontunmap_shared(void **state)
{
	struct both b;

	(void)state;
	setup(&b);
	map_both(&b, 40, 4, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS);
	write_both(&b, 40, 7);
	write_both(&b, 41, 8);
	assert_int_equal(
		mremap_both(&b, 40, 2, 2,
			    MREMAP_DONTUNMAP | MREMAP_MAYMOVE | MREMAP_FIXED,
			    50),
		50);
	same_vmas(&b);
	read_both(&b, 40);
	read_both(&b, 41);
	read_both(&b, 50);
	read_both(&b, 51);
	write_both(&b, 50, 9);
	read_both(&b, 40);
	teardown_both(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dontunmap_private),
		cmocka_unit_test(test_dontunmap_shared),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
