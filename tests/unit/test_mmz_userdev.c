/* SPDX-License-Identifier: MIT */
/*
 * test_mmz_userdev.c - /dev/mmz_userdev: the device node devtmpfs
 * makes on a machine with media memory, its ioctls (allocate and free
 * MMZ blocks), and mmap of a block as remap_pfn_range maps it: the
 * bytes written through the mapping are the block's in RAM, no page is
 * counted, fork shares the frames, a mapped block cannot be freed, and
 * every bad input gets its errno.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "core/fs/fs.h"
#include "core/mm.h"
#include "core/mmz.h"
#include "core/mmz_userdev.h"
#include "core/task.h"
#include "core/task_mmu.h"
#include "core/uapi.h"

#define REGION 0x4000000ULL /* 64 MiB: the MMZ region's start */

struct rig {
	struct machine *m;
	int pid, fd;
};

static void setup_with(struct rig *r, unsigned int nr_mmz)
{
	struct layout l;

	small_layout(&l, 128 * MiB);
	l.nr_mmz = nr_mmz;
	memset(&l.mmz[0], 0, sizeof(l.mmz[0]));
	strcpy(l.mmz[0].name, "anonymous");
	l.mmz[0].start = REGION;
	l.mmz[0].size = 16 * MiB;
	r->m = boot(&l);
	assert_int_equal(task_create(r->m, "media", 0, 0, &r->pid), 0);
	assert_int_equal(task_switch(r->m, r->pid), 0);
	r->fd = -1;
	if (nr_mmz)
		assert_int_equal(uapi_open(r->m, 0, "/dev/mmz_userdev", O_RDWR,
					   0, &r->fd),
				 0);
}

static void teardown(struct rig *r)
{
	assert_consistent(r->m);
	machine_destroy(r->m);
}

static uint64_t mmb_alloc(struct rig *r, uint64_t size, const char *name)
{
	struct mmb_ioc_alloc a;

	memset(&a, 0, sizeof(a));
	a.size = size;
	strcpy(a.mmb_name, name);
	assert_int_equal(
		uapi_ioctl(r->m, 0, r->fd, IOC_MMB_ALLOC, &a, sizeof(a)), 0);
	return a.phys;
}

static int mmb_free(struct rig *r, uint64_t phys)
{
	return uapi_ioctl(r->m, 0, r->fd, IOC_MMB_FREE, &phys, sizeof(phys));
}

static int map_block(struct rig *r, uint64_t phys, uint64_t len, int flags,
		     uint64_t *addr)
{
	return uapi_sys_mmap(r->m, 0, 0, len, PROT_READ | PROT_WRITE, flags,
			     r->fd, (int64_t)phys, addr);
}

static void test_device_node(void **state)
{
	struct rig r;
	struct kstat st;
	uint8_t b[4];
	size_t done;
	int other;

	(void)state;
	setup_with(&r, 1);
	assert_int_equal(uapi_stat(r.m, 0, "/dev/mmz_userdev", &st), 0);
	assert_int_equal(st.mode, S_IFCHR_ | 0666);
	assert_int_equal(uapi_stat(r.m, 0, "/dev", &st), 0);
	assert_int_equal(st.mode, S_IFDIR_ | 0755);
	assert_int_equal(uapi_stat(r.m, 0, "/dev/../dev/./mmz_userdev", &st),
			 0);
	assert_int_equal(uapi_stat(r.m, 0, "/mmz_userdev", &st), -ENOENT);
	assert_int_equal(uapi_stat(r.m, 0, "/dev/mmz_userdev/x", &st),
			 -ENOTDIR);
	/* No read, write or truncate: the device has none. */
	assert_int_equal(uapi_sys_read(r.m, 0, r.fd, b, 4, &done), -EINVAL);
	assert_int_equal(uapi_sys_write(r.m, 0, r.fd, b, 4, &done), -EINVAL);
	assert_int_equal(uapi_ftruncate(r.m, 0, r.fd, 0), -EINVAL);
	assert_int_equal(uapi_open(r.m, 0, "/dev/mmz_userdev", O_RDWR | O_TRUNC,
				   0, &other),
			 0);
	assert_int_equal(uapi_close(r.m, 0, other), 0);
	assert_int_equal(uapi_unlink(r.m, 0, "/dev"), -EISDIR);
	teardown(&r);
	setup_with(&r, 0); /* no media memory, no device */
	assert_int_equal(uapi_stat(r.m, 0, "/dev/mmz_userdev", &st), -ENOENT);
	teardown(&r);
}

/*
 * A block allocated by ioctl and mapped: the bytes written through the
 * mapping are the block's in RAM (read back by physical address and at
 * media-mem's kvirt), no page is counted, maps names the device.
 */
static void test_alloc_map_bytes(void **state)
{
	static char maps[8192];
	struct rig r;
	struct user_fault f;
	struct mm_struct *mm;
	struct seq_buf s;
	char buf[8] = {0}, want[128];
	uint64_t phys, a = 0;
	int child;

	(void)state;
	setup_with(&r, 1);
	mm = find_task_by_pid(r.m, r.pid)->mm;
	phys = mmb_alloc(&r, 3 * PAGE, "frame");
	assert_int_equal(phys, REGION);
	assert_int_equal(map_block(&r, phys, 3 * PAGE, MAP_SHARED, &a), 0);
	assert_int_equal(uapi_access_vm(r.m, 0, a + PAGE + 1, "hello", 6,
					USER_WRITE, &f),
			 0);
	assert_int_equal(uapi_read_phys(r.m, phys + PAGE + 1, buf, 6), 0);
	assert_string_equal(buf, "hello");
	assert_int_equal(
		uapi_read(r.m, r.m->layout.kernel.page_offset + phys + PAGE + 1,
			  buf, 6),
		0);
	assert_string_equal(buf, "hello");
	assert_int_equal(uapi_write_phys(r.m, phys, "dev", 4), 0);
	assert_int_equal(uapi_access_vm(r.m, 0, a, buf, 4, USER_READ, &f), 0);
	assert_string_equal(buf, "dev");
	assert_int_equal(
		mm->rss_stat[MM_FILEPAGES] + mm->rss_stat[MM_ANONPAGES], 0);
	assert_int_equal(mm->min_flt + mm->maj_flt, 0); /* mapped at once */
	seq_buf_init(&s);
	assert_int_equal(report_pid_maps(r.m, r.pid, &s), 0);
	snprintf(maps, sizeof(maps), "%s", s.buf);
	seq_buf_free(&s);
	snprintf(want, sizeof(want), "%08lx-%08lx rw-s %08llx 00:05 ",
		 (unsigned long)a, (unsigned long)(a + 3 * PAGE),
		 (unsigned long long)phys);
	assert_non_null(strstr(maps, want));
	assert_non_null(strstr(maps, "/dev/mmz_userdev\n"));
	/* Mapped, it cannot go; fork shares the frames themselves. */
	assert_int_equal(mmb_free(&r, phys), -EBUSY);
	assert_int_equal(uapi_fork(r.m, 0, &child), 0);
	assert_int_equal(uapi_access_vm(r.m, child, a + 2 * PAGE, "kid", 4,
					USER_WRITE, &f),
			 0);
	assert_int_equal(uapi_read_phys(r.m, phys + 2 * PAGE, buf, 4), 0);
	assert_string_equal(buf, "kid");
	assert_consistent(r.m);
	assert_int_equal(uapi_munmap(r.m, 0, a, 3 * PAGE), 0);
	assert_int_equal(mmb_free(&r, phys), -EBUSY); /* the child's */
	assert_int_equal(uapi_exit_process(r.m, child), 0);
	assert_int_equal(mmb_free(&r, phys), 0);
	teardown(&r);
}

/* Split, protect, move: the block counts each VMA; raw frames stay. */
static void test_vma_changes(void **state)
{
	struct rig r;
	struct user_fault f;
	uint64_t phys, a = 0, b = 0;
	char c = 'x';

	(void)state;
	setup_with(&r, 1);
	phys = mmb_alloc(&r, 4 * PAGE, "split");
	assert_int_equal(map_block(&r, phys, 4 * PAGE, MAP_SHARED, &a), 0);
	assert_int_equal(uapi_munmap(r.m, 0, a + PAGE, PAGE), 0);
	assert_int_equal(mmz_find_block(r.m, phys)->map_count, 2);
	assert_consistent(r.m);
	assert_int_equal(uapi_mprotect(r.m, 0, a, PAGE, PROT_READ), 0);
	assert_int_equal(uapi_access_vm(r.m, 0, a, &c, 1, USER_WRITE, &f),
			 -EFAULT);
	assert_int_equal(f.signo, SIGSEGV);
	assert_int_equal(uapi_mprotect(r.m, 0, a, PAGE, PROT_READ | PROT_WRITE),
			 0);
	assert_int_equal(uapi_access_vm(r.m, 0, a, &c, 1, USER_WRITE, &f), 0);
	/* Raw frames neither grow nor take MADV_DONTNEED; they move. */
	assert_int_equal(uapi_mremap(r.m, 0, a + 2 * PAGE, 2 * PAGE, 3 * PAGE,
				     MREMAP_MAYMOVE, 0, &b),
			 -EFAULT);
	assert_int_equal(uapi_madvise(r.m, 0, a, PAGE, MADV_DONTNEED), -EINVAL);
	assert_int_equal(uapi_mremap(r.m, 0, a + 2 * PAGE, 2 * PAGE, 2 * PAGE,
				     MREMAP_MAYMOVE | MREMAP_FIXED,
				     a + 64 * PAGE, &b),
			 0);
	assert_int_equal(
		uapi_access_vm(r.m, 0, b + PAGE, &c, 1, USER_WRITE, &f), 0);
	assert_int_equal(uapi_read_phys(r.m, phys + 3 * PAGE, &c, 1), 0);
	assert_int_equal(c, 'x');
	assert_int_equal(mmz_find_block(r.m, phys)->map_count, 2);
	assert_consistent(r.m);
	teardown(&r);
}

static void test_errors(void **state)
{
	struct rig r;
	struct mmb_ioc_alloc a;
	uint64_t phys, other, addr = 0;
	int rfd, b;

	(void)state;
	setup_with(&r, 1);
	phys = mmb_alloc(&r, 2 * PAGE, "mine");
	memset(&a, 0, sizeof(a));
	assert_int_equal(uapi_ioctl(r.m, 0, r.fd, 0x1234, &a, sizeof(a)),
			 -ENOTTY);
	assert_int_equal(uapi_ioctl(r.m, 0, r.fd, IOC_MMB_ALLOC, &a, 8),
			 -EFAULT);
	assert_int_equal(uapi_ioctl(r.m, 0, 77, IOC_MMB_ALLOC, &a, sizeof(a)),
			 -EBADF);
	a.size = PAGE;
	memset(a.mmb_name, 'n', sizeof(a.mmb_name));
	assert_int_equal(uapi_ioctl(r.m, 0, r.fd, IOC_MMB_ALLOC, &a, sizeof(a)),
			 -ENAMETOOLONG);
	memset(&a, 0, sizeof(a));
	a.size = PAGE;
	strcpy(a.mmz_name, "nowhere");
	assert_int_equal(uapi_ioctl(r.m, 0, r.fd, IOC_MMB_ALLOC, &a, sizeof(a)),
			 -ENOENT);
	a.mmz_name[0] = '\0';
	a.size = 0;
	assert_int_equal(uapi_ioctl(r.m, 0, r.fd, IOC_MMB_ALLOC, &a, sizeof(a)),
			 -EINVAL);
	assert_int_equal(mmb_free(&r, phys + PAGE), -EINVAL);
	assert_int_equal(map_block(&r, phys, 2 * PAGE, MAP_PRIVATE, &addr),
			 -EINVAL);
	assert_int_equal(map_block(&r, phys, 3 * PAGE, MAP_SHARED, &addr),
			 -EINVAL);
	assert_int_equal(
		map_block(&r, phys + 8 * PAGE, PAGE, MAP_SHARED, &addr),
		-EINVAL);
	assert_int_equal(map_block(&r, phys + PAGE, PAGE, MAP_SHARED, &addr),
			 0);
	/* Another process's block: its own to map and free. */
	assert_int_equal(task_create(r.m, "other", 0, 0, &b), 0);
	assert_int_equal(task_switch(r.m, b), 0);
	assert_int_equal(mmz_alloc(r.m, "", "theirs", PAGE, 0, &other), 0);
	assert_int_equal(task_switch(r.m, r.pid), 0);
	assert_int_equal(map_block(&r, other, PAGE, MAP_SHARED, &addr), -EPERM);
	assert_int_equal(mmb_free(&r, other), -EPERM);
	/* A regular file has no ioctls. */
	assert_int_equal(uapi_open(r.m, 0, "/f", O_CREAT | O_RDWR, 0644, &rfd),
			 0);
	assert_int_equal(uapi_ioctl(r.m, 0, rfd, IOC_MMB_FREE, &phys, 8),
			 -ENOTTY);
	teardown(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_device_node),
		cmocka_unit_test(test_alloc_map_bytes),
		cmocka_unit_test(test_vma_changes),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
