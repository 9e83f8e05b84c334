/* SPDX-License-Identifier: MIT */
/*
 * test_filemap.c - the page cache (mm/filemap.c, mm/readahead.c,
 * mm/fadvise.c): readahead windows as Linux sizes them for sequential
 * and random reads, fsync writing exactly the dirty pages, drop_caches
 * and POSIX_FADV_DONTNEED dropping clean pages only, WILLNEED's bound,
 * O_DIRECT seeing and leaving the cache coherent, truncation and
 * unlink emptying it, and a file larger than memory read through it,
 * reclaim taking the cache instead of killing anyone.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "core/mmzone.h"
#include "core/block/blkdev.h"
#include "core/filemap.h"
#include "core/fs/fs.h"
#include "core/meminfo.h"
#include "core/mm.h"
#include "core/task.h"
#include "core/sysctl.h"
#include "core/uapi.h"
#include "core/vmscan.h"
#include "core/writeback.h"

struct rig {
	struct machine *m;
	int pid;
	int fd;
};

/* A machine of mem bytes with /big preloaded (size bytes, % 251). */
static void setup(struct rig *r, uint64_t mem, uint64_t size, int flags)
{
	struct layout l;

	small_layout(&l, mem);
	l.nr_files = 1;
	strcpy(l.files[0].name, "big");
	l.files[0].size = size;
	r->m = boot(&l);
	assert_int_equal(task_create(r->m, "fc", 0, 0, &r->pid), 0);
	assert_int_equal(task_switch(r->m, r->pid), 0);
	assert_int_equal(uapi_open(r->m, 0, "/big", flags, 0, &r->fd), 0);
}

static void teardown(struct rig *r)
{
	assert_consistent(r->m);
	machine_destroy(r->m);
}

static struct inode *big(const struct rig *r)
{
	return d_lookup(r->m, "big", 3);
}

/* The file's cached pages: nr_file_pages less shmem and Buffers. */
static unsigned long cached(const struct rig *r)
{
	return (unsigned long)(r->m->node_stat[NR_FILE_PAGES] -
			       r->m->node_stat[NR_SHMEM]) -
	       nr_blockdev_pages(r->m);
}

static void pread_page(struct rig *r, uint64_t index)
{
	uint8_t buf[4096];
	size_t done;

	assert_int_equal(uapi_pread64(r->m, 0, r->fd, buf, 4096,
				      (int64_t)(index * 4096), &done),
			 0);
	assert_int_equal(done, 4096);
	for (int i = 0; i < 4096; i += 997)
		assert_int_equal(buf[i], (index * 4096 + (uint64_t)i) % 251);
}

/* 128 KiB windows of 4 KiB pages: 4, then 8, 16, 32 as the reads go. */
static void test_readahead_sequential(void **state)
{
	struct rig r;

	(void)state;
	setup(&r, 64 * MiB, 1 * MiB, O_RDONLY);
	assert_int_equal(cached(&r), 0);
	pread_page(&r, 0);
	assert_int_equal(cached(&r), 4); /* get_init_ra_size(1, 32) */
	assert_true(PageFlag(find_get_page(r.m, big(&r), 1), PG_readahead));
	/* The mount's superblock and the open's inode block: 8 KiB. */
	assert_int_equal(r.m->vm_events[PGPGIN], 8 + 16);
	pread_page(&r, 1); /* the marker: the next window, 8 pages */
	assert_int_equal(cached(&r), 12);
	assert_false(PageFlag(find_get_page(r.m, big(&r), 1), PG_readahead));
	assert_true(PageFlag(find_get_page(r.m, big(&r), 4), PG_readahead));
	for (uint64_t i = 2; i <= 4; i++)
		pread_page(&r, i);
	assert_int_equal(cached(&r), 28);
	for (uint64_t i = 5; i <= 12; i++)
		pread_page(&r, i);
	assert_int_equal(cached(&r), 60);
	for (uint64_t i = 13; i <= 28; i++)
		pread_page(&r, i);
	assert_int_equal(cached(&r), 92); /* the window stays at 32 */
	/* Each page was read from the device once, after the 2 blocks of
	 * metadata. */
	assert_int_equal(r.m->bdev->stats.ios[STAT_READ], 2 + 92);
	teardown(&r);
}

/* A read away from the last reads itself alone; FADV_RANDOM, always. */
static void test_readahead_random(void **state)
{
	struct rig r;

	(void)state;
	setup(&r, 64 * MiB, 1 * MiB, O_RDONLY);
	pread_page(&r, 100);
	assert_int_equal(cached(&r), 1);
	pread_page(&r, 50);
	assert_int_equal(cached(&r), 2);
	pread_page(&r, 51); /* next to the last: a window again */
	assert_int_equal(cached(&r), 2 + 4);
	assert_int_equal(uapi_fadvise64(r.m, 0, r.fd, 0, 0, POSIX_FADV_RANDOM),
			 0);
	pread_page(&r, 0);
	pread_page(&r, 1);
	assert_int_equal(cached(&r), 8);
	/* SEQUENTIAL doubles the window: a big read starts at 64 pages. */
	assert_int_equal(
		uapi_fadvise64(r.m, 0, r.fd, 0, 0, POSIX_FADV_SEQUENTIAL), 0);
	assert_int_equal(big(&r) != NULL, 1);
	assert_int_equal(get_init_ra_size(64, 64), 64);
	assert_int_equal(get_init_ra_size(2, 32), 4);
	assert_int_equal(get_init_ra_size(3, 32), 8);
	assert_int_equal(get_init_ra_size(8, 32), 16);
	assert_int_equal(get_init_ra_size(9, 32), 32);
	teardown(&r);
}

/* Dirty file pages: nr_dirty less the dirty metadata blocks. */
static unsigned long dirty(const struct rig *r)
{
	return (unsigned long)r->m->node_stat[NR_FILE_DIRTY] -
	       r->m->fs->bd_inode->i_nrdirty;
}

/* fsync writes the dirty pages, each once, and nothing else. */
static void test_fsync_writes_dirty(void **state)
{
	struct rig r;
	uint8_t buf[40960] = {0};
	size_t done;
	uint64_t w0;

	(void)state;
	setup(&r, 64 * MiB, 1 * MiB, O_RDWR);
	pread_page(&r, 0);
	assert_int_equal(
		uapi_pwrite64(r.m, 0, r.fd, buf, sizeof(buf), 65536, &done), 0);
	assert_int_equal(dirty(&r), 10);
	/* and the inode's table block (its mtime): a Buffers page */
	assert_int_equal(r.m->fs->bd_inode->i_nrdirty, 1);
	assert_int_equal(meminfo_kb(r.m, "Dirty:"), 44);
	assert_int_equal(r.m->bdev->stats.ios[STAT_WRITE], 0);
	assert_int_equal(uapi_fsync(r.m, 0, r.fd), 0);
	assert_int_equal(dirty(&r), 0);
	assert_int_equal(r.m->fs->bd_inode->i_nrdirty, 0);
	assert_int_equal(r.m->bdev->stats.ios[STAT_WRITE], 10 + 1);
	w0 = r.m->bdev->stats.ios[STAT_WRITE];
	for (int i = 0; i < 3; i++)
		assert_int_equal(uapi_pwrite64(r.m, 0, r.fd, "x", 1,
					       i * 200000 + 7, &done),
				 0);
	assert_int_equal(dirty(&r), 3);
	assert_int_equal(uapi_fdatasync(r.m, 0, r.fd), 0);
	assert_int_equal(r.m->bdev->stats.ios[STAT_WRITE] - w0, 3);
	assert_int_equal(r.m->fs->bd_inode->i_nrdirty, 1); /* the inode */
	assert_int_equal(uapi_fsync(r.m, 0, r.fd), 0);
	assert_int_equal(r.m->bdev->stats.ios[STAT_WRITE] - w0, 3 + 1);
	assert_int_equal(meminfo_kb(r.m, "Dirty:"), 0);
	teardown(&r);
}

/* drop_caches and DONTNEED drop clean pages; dirty ones stay. */
static void test_drop(void **state)
{
	struct rig r;
	size_t done;

	(void)state;
	setup(&r, 64 * MiB, 1 * MiB, O_RDWR);
	pread_page(&r, 0);
	pread_page(&r, 1);
	assert_int_equal(cached(&r), 12);
	assert_int_equal(meminfo_kb(r.m, "Cached:"), 48);
	{ /* shmem pages are in Cached too, as Linux's NR_FILE_PAGES has them */
		struct user_fault f;
		uint64_t a = 0;

		assert_int_equal(uapi_mmap(r.m, 0, 0, 4 * 4096,
					   PROT_READ | PROT_WRITE,
					   MAP_SHARED | MAP_ANONYMOUS, &a),
				 0);
		for (int i = 0; i < 4; i++)
			assert_int_equal(uapi_access_vm(r.m, 0, a + i * 4096u,
							"s", 1, USER_WRITE, &f),
					 0);
		assert_int_equal(meminfo_kb(r.m, "Shmem:"), 16);
		assert_int_equal(meminfo_kb(r.m, "Cached:"), 64);
		/* nr_file_pages: the file's 12, 2 of Buffers, 4 of shmem */
		assert_int_equal(r.m->node_stat[NR_FILE_PAGES], 12 + 2 + 4);
		assert_int_equal(r.m->node_stat[NR_SHMEM], 4);
		assert_int_equal(uapi_munmap(r.m, 0, a, 4 * 4096), 0);
		assert_int_equal(meminfo_kb(r.m, "Cached:"), 48);
		assert_int_equal(r.m->node_stat[NR_FILE_PAGES], 12 + 2);
	}
	assert_int_equal(uapi_pwrite64(r.m, 0, r.fd, "d", 1, 4096 * 3, &done),
			 0);
	drop_caches(r.m);
	assert_int_equal(task_switch(r.m, r.pid), 0);
	assert_int_equal(cached(&r), 1); /* the dirty one */
	assert_int_equal(uapi_fsync(r.m, 0, r.fd), 0);
	drop_caches(r.m);
	assert_int_equal(task_switch(r.m, r.pid), 0);
	assert_int_equal(cached(&r), 0);
	/* WILLNEED reads at most the device's io_pages (1280 KiB). */
	assert_int_equal(
		uapi_fadvise64(r.m, 0, r.fd, 0, 0, POSIX_FADV_WILLNEED), 0);
	assert_int_equal(cached(&r), 256); /* the whole 1 MiB file */
	/* DONTNEED keeps the partial pages at either end. */
	assert_int_equal(uapi_fadvise64(r.m, 0, r.fd, 100, 4096 * 10,
					POSIX_FADV_DONTNEED),
			 0);
	assert_int_equal(cached(&r), 256 - 9);
	assert_non_null(find_get_page(r.m, big(&r), 0));
	assert_null(find_get_page(r.m, big(&r), 1));
	assert_non_null(find_get_page(r.m, big(&r), 10));
	assert_int_equal(uapi_readahead(r.m, 0, r.fd, 0, 1 * MiB), 0);
	assert_int_equal(cached(&r), 256);
	teardown(&r);
}

/* O_DIRECT reads what a buffered write left dirty, and the reverse. */
static void test_direct_coherent(void **state)
{
	struct rig r;
	uint8_t buf[4096];
	size_t done;
	int dfd;

	(void)state;
	setup(&r, 64 * MiB, 1 * MiB, O_RDWR);
	assert_int_equal(uapi_open(r.m, 0, "/big", O_RDWR | O_DIRECT, 0, &dfd),
			 0);
	assert_int_equal(
		uapi_pwrite64(r.m, 0, r.fd, "buffered", 8, 8192, &done), 0);
	assert_int_equal(uapi_pread64(r.m, 0, dfd, buf, 4096, 8192, &done), 0);
	assert_memory_equal(buf, "buffered", 8);
	assert_int_equal(dirty(&r), 0); /* written before the direct read */
	memcpy(buf, "direct!!", 8);
	assert_int_equal(uapi_pwrite64(r.m, 0, dfd, buf, 4096, 8192, &done), 0);
	assert_int_equal(uapi_pread64(r.m, 0, r.fd, buf, 8, 8192, &done), 0);
	assert_memory_equal(buf, "direct!!", 8);
	teardown(&r);
}

/* Truncation and the last close of an unlinked file empty the cache. */
static void test_truncate_unlink(void **state)
{
	struct rig r;
	uint8_t buf[16];
	size_t done;

	(void)state;
	setup(&r, 64 * MiB, 1 * MiB, O_RDWR);
	assert_int_equal(
		uapi_fadvise64(r.m, 0, r.fd, 0, 0, POSIX_FADV_WILLNEED), 0);
	assert_int_equal(uapi_pwrite64(r.m, 0, r.fd, "zz", 2, 5000, &done), 0);
	assert_int_equal(uapi_ftruncate(r.m, 0, r.fd, 5001), 0);
	assert_int_equal(cached(&r), 2);
	assert_int_equal(dirty(&r), 1);
	assert_int_equal(uapi_ftruncate(r.m, 0, r.fd, 8192), 0);
	assert_int_equal(uapi_pread64(r.m, 0, r.fd, buf, 16, 4998, &done), 0);
	assert_int_equal(done, 16);
	assert_int_equal(buf[2], 'z');
	assert_int_equal(buf[3], 0); /* past the cut: zeros */
	assert_consistent(r.m);
	assert_int_equal(uapi_unlink(r.m, 0, "/big"), 0);
	assert_int_equal(cached(&r), 2); /* still open */
	assert_int_equal(uapi_close(r.m, 0, r.fd), 0);
	assert_int_equal(cached(&r), 0);
	assert_int_equal(dirty(&r), 0);
	teardown(&r);
}

/* A file larger than memory reads whole; reclaim takes the cache. */
static void test_larger_than_memory(void **state)
{
	struct rig r;
	uint64_t size = 96 * MiB, chunk = 256 * KiB;
	uint8_t *buf = malloc(chunk);
	size_t done;

	(void)state;
	setup(&r, 64 * MiB, size, O_RDONLY);
	for (uint64_t off = 0; off < size; off += chunk) {
		assert_int_equal(uapi_sys_read(r.m, 0, r.fd, buf, chunk, &done),
				 0);
		assert_int_equal(done, chunk);
		assert_int_equal(buf[chunk - 1], (off + chunk - 1) % 251);
	}
	assert_true(r.m->vm_events[PGSTEAL_FILE] > 0);
	assert_true(cached(&r) < (64 * MiB >> 12));
	assert_int_equal(r.m->vm_events[OOM_KILL], 0);
	/* the file and the 2 metadata blocks (superblock, inode) */
	assert_int_equal(r.m->vm_events[PGPGIN], (size >> 10) + 8);
	free(buf);
	teardown(&r);
}

/* Past dirty_ratio a writer writes back itself; the flusher goes on. */
static void test_dirty_throttle(void **state)
{
	static uint8_t buf[64 * 1024];
	unsigned long background, thresh;
	struct rig r;
	size_t done;
	int fd;

	(void)state;
	setup(&r, 64 * MiB, 4096, O_RDONLY);
	r.m->vm.dirty_ratio = 2;
	r.m->vm.dirty_background_ratio = 1;
	assert_int_equal(uapi_open(r.m, 0, "/w", O_CREAT | O_WRONLY, 0644, &fd),
			 0);
	for (int i = 0; i < 128; i++) {
		assert_int_equal(
			uapi_sys_write(r.m, 0, fd, buf, sizeof(buf), &done), 0);
		global_dirty_limits(r.m, &background, &thresh);
		assert_true(dirty(&r) <= thresh);
	}
	assert_true(thresh > 100 && thresh < 400); /* 2% of ~15000 pages */
	assert_true(r.m->fs->dirty_throttled > 0);
	assert_true(r.m->bdev->stats.ios[STAT_WRITE] > 0); /* before fsync */
	/* The file's 2048 pages and its metadata (inode, bitmap blocks),
	 * each dirtying written once or dirty still. */
	assert_true(r.m->node_stat[NR_DIRTIED] >= 2048 + 2);
	assert_int_equal(r.m->node_stat[NR_WRITTEN],
			 r.m->node_stat[NR_DIRTIED] -
				 r.m->node_stat[NR_FILE_DIRTY]);
	assert_true(wb_wanted(r.m)); /* above the background threshold */
	wb_workfn(r.m);
	global_dirty_limits(r.m, &background, &thresh);
	assert_true(dirty(&r) <= background);
	teardown(&r);
}

/* The flusher writes an inode once it has been dirty past the expiry. */
static void test_flusher_expire(void **state)
{
	struct rig r;
	size_t done;

	(void)state;
	setup(&r, 64 * MiB, 1 * MiB, O_RDWR);
	assert_int_equal(uapi_pwrite64(r.m, 0, r.fd, "e", 1, 0, &done), 0);
	assert_true(wb_wanted(r.m)); /* the first periodic pass is due */
	assert_int_equal(wb_workfn(r.m), 0); /* dirty for 1 us: young */
	assert_false(wb_wanted(r.m));
	r.m->fs->now_ns += 10LL * 1000000000; /* 10 s later: due, young */
	assert_true(wb_wanted(r.m));
	assert_int_equal(wb_workfn(r.m), 0);
	r.m->fs->now_ns += 25LL * 1000000000; /* dirty 35 s: past 30 */
	assert_true(wb_wanted(r.m));
	assert_int_equal(wb_workfn(r.m), 2); /* the page, the inode block */
	assert_int_equal(dirty(&r), 0);
	assert_int_equal(r.m->node_stat[NR_FILE_DIRTY], 0);
	teardown(&r);
}

/* The device's own cache: the mount, stat, allocation, sync, drop. */
static void test_buffers(void **state)
{
	struct rig r;
	struct kstat st;
	unsigned long free_pages;
	char name[16];
	size_t done;
	uint64_t rd, pos;
	int fd;

	(void)state;
	setup(&r, 64 * MiB, 1 * MiB, O_RDWR);
	/* The superblock (held) and big's inode block (its open). */
	assert_int_equal(meminfo_kb(r.m, "Buffers:"), 8);
	for (int i = 0; i < 40; i++) { /* inodes 3 to 42 */
		snprintf(name, sizeof(name), "/f%d", i);
		assert_int_equal(
			uapi_open(r.m, 0, name, O_CREAT | O_WRONLY, 0644, &fd),
			0);
		assert_int_equal(uapi_close(r.m, 0, fd), 0);
	}
	/* 32 records a block: inodes 1-31 in the first, 32-42 the next. */
	assert_int_equal(meminfo_kb(r.m, "Buffers:"), 12);
	assert_int_equal(r.m->fs->bd_inode->i_nrdirty, 2);
	/* Dirty metadata stays through drop_caches 1, as Linux's. */
	assert_int_equal(drop_caches_mode(r.m, 1, &free_pages), 0);
	assert_int_equal(meminfo_kb(r.m, "Buffers:"), 12);
	assert_int_equal(sync_blockdev(r.m), 0);
	assert_int_equal(r.m->fs->bd_inode->i_nrdirty, 0);
	assert_int_equal(drop_caches_mode(r.m, 1, &free_pages), 0);
	assert_int_equal(meminfo_kb(r.m, "Buffers:"), 4); /* s_sbh */
	assert_int_equal(task_switch(r.m, r.pid), 0); /* from the kernel's */
	/* stat of every file reads their two inode-table blocks again. */
	rd = r.m->bdev->stats.ios[STAT_READ];
	for (int i = 0; i < 40; i++) {
		snprintf(name, sizeof(name), "/f%d", i);
		assert_int_equal(uapi_stat(r.m, 0, name, &st), 0);
	}
	assert_int_equal(r.m->bdev->stats.ios[STAT_READ] - rd, 2);
	assert_int_equal(meminfo_kb(r.m, "Buffers:"), 12);
	/* Cached leaves them out; nr_file_pages holds them. */
	assert_int_equal(meminfo_kb(r.m, "Cached:"), cached(&r) * 4);
	/* A write that allocates reads the bitmap block and dirties it. */
	assert_int_equal(uapi_open(r.m, 0, "/f39", O_WRONLY, 0, &fd), 0);
	assert_int_equal(uapi_sys_write(r.m, 0, fd, "abc", 3, &done), 0);
	assert_int_equal(meminfo_kb(r.m, "Buffers:"), 16);
	assert_true(PageFlag(
		find_get_page(r.m, r.m->fs->bd_inode, r.m->fs->bitmap_start),
		PG_dirty));
	assert_int_equal(uapi_fsync(r.m, 0, fd), 0);
	assert_int_equal(sync_blockdev(r.m), 0);
	/* On the device: the record's size, and the block's bit. */
	st.ino = d_lookup(r.m, "f39", 3)->i_ino;
	pos = (r.m->fs->itable_start << 12) + (st.ino - 1) * FS_INODE_SIZE;
	assert_int_equal(*(uint64_t *)(r.m->bdev->data + pos + 16), 3);
	pos = bmap(d_lookup(r.m, "f39", 3), 0);
	assert_int_equal(
		r.m->bdev->data[(r.m->fs->bitmap_start << 12) + pos / 8] >>
				(pos % 8) &
			1,
		1);
	/* Unlink frees the record and the bit, through the cache. */
	assert_int_equal(uapi_close(r.m, 0, fd), 0);
	assert_int_equal(uapi_unlink(r.m, 0, "/f39"), 0);
	assert_int_equal(sync_blockdev(r.m), 0);
	assert_int_equal(
		r.m->bdev->data[(r.m->fs->bitmap_start << 12) + pos / 8] >>
				(pos % 8) &
			1,
		0);
	pos = (r.m->fs->itable_start << 12) + (st.ino - 1) * FS_INODE_SIZE;
	for (int i = 0; i < FS_INODE_SIZE; i++)
		assert_int_equal(r.m->bdev->data[pos + i], 0);
	teardown(&r);
}

/* sysctl -w of the vm knobs: bounds and names as Linux's. */
static void test_sysctl(void **state)
{
	struct rig r;
	struct seq_buf s;

	(void)state;
	setup(&r, 32 * MiB, 4096, O_RDONLY);
	assert_int_equal(uapi_admin_sysctl(r.m, "vm.dirty_ratio", 101),
			 -EINVAL);
	assert_int_equal(uapi_admin_sysctl(r.m, "vm.dirty_ratio", -1), -EINVAL);
	assert_int_equal(uapi_admin_sysctl(r.m, "vm.swappiness", 201), -EINVAL);
	assert_int_equal(uapi_admin_sysctl(r.m, "vm.extfrag_threshold", 1001),
			 -EINVAL);
	assert_int_equal(
		uapi_admin_sysctl(r.m, "vm.compaction_proactiveness", 101),
		-EINVAL);
	assert_int_equal(uapi_admin_sysctl(r.m, "vm.watermark_boost_factor",
					   (int64_t)INT_MAX + 1),
			 -EINVAL);
	assert_int_equal(uapi_admin_sysctl(r.m, "vm.nope", 1), -ENOENT);
	assert_int_equal(uapi_admin_sysctl(r.m, "dirty_ratio", 1), -ENOENT);
	assert_int_equal(r.m->vm.dirty_ratio, 20);
	assert_int_equal(uapi_admin_sysctl(r.m, "vm.swappiness", 200), 0);
	assert_int_equal(uapi_admin_sysctl(r.m, "vm.dirty_ratio", 0), 0);
	assert_int_equal(r.m->vm.swappiness, 200);
	seq_buf_init(&s);
	assert_int_equal(report_sysctl_vm(r.m, &s), 0);
	assert_string_equal(s.buf, "vm.compaction_proactiveness = 20\n"
				   "vm.dirty_background_ratio = 10\n"
				   "vm.dirty_expire_centisecs = 3000\n"
				   "vm.dirty_ratio = 0\n"
				   "vm.dirty_writeback_centisecs = 500\n"
				   "vm.extfrag_threshold = 500\n"
				   "vm.min_slab_ratio = 5\n"
				   "vm.min_unmapped_ratio = 1\n"
				   "vm.swappiness = 200\n"
				   "vm.watermark_boost_factor = 15000\n"
				   "vm.zone_reclaim_mode = 0\n");
	seq_buf_free(&s);
	teardown(&r);
}

/* 16 MiB of anonymous memory touched, a 16 MiB file cached. */
static void fill_both(struct rig *r, uint64_t *anon)
{
	static uint8_t buf[1 << 20];
	struct user_fault f;
	size_t done;

	if (!*anon)
		assert_int_equal(uapi_mmap(r->m, 0, 0, 16 * MiB,
					   PROT_READ | PROT_WRITE,
					   MAP_PRIVATE | MAP_ANONYMOUS, anon),
				 0);
	for (uint64_t off = 0; off < 16 * MiB; off += 4096)
		assert_int_equal(uapi_access_vm(r->m, 0, *anon + off, "x", 1,
						USER_WRITE, &f),
				 0);
	for (uint64_t off = 0; off < 16 * MiB; off += sizeof(buf))
		assert_int_equal(uapi_pread64(r->m, 0, r->fd, buf, sizeof(buf),
					      (int64_t)off, &done),
				 0);
}

/* swappiness 0 takes the cache alone; 100 weighs both alike; 200 anon. */
static void test_swappiness(void **state)
{
	struct rig r;
	uint64_t anon = 0, scan_anon, scan_file;

	(void)state;
	setup(&r, 128 * MiB, 16 * MiB, O_RDONLY);
	fill_both(&r, &anon);
	r.m->vm.swappiness = 0;
	assert_true(shrink_lruvec(r.m, node_lruvec(r.m, 0), 1024) >= 1024);
	assert_int_equal(r.m->vm_events[PGSCAN_ANON], 0);
	assert_int_equal(r.m->vm_events[PSWPOUT], 0);
	assert_true(r.m->vm_events[PGSTEAL_FILE] >= 1024);
	fill_both(&r, &anon);
	r.m->vm.swappiness = 100;
	scan_file = r.m->vm_events[PGSCAN_FILE];
	shrink_lruvec(r.m, node_lruvec(r.m, 0), 1024);
	scan_anon = r.m->vm_events[PGSCAN_ANON];
	scan_file = r.m->vm_events[PGSCAN_FILE] - scan_file;
	/* Both kinds looked at, in turns (each by its list's size). */
	assert_true(scan_anon > 0);
	assert_true(scan_file > 0);
	fill_both(&r, &anon);
	r.m->vm.swappiness = 200;
	scan_file = r.m->vm_events[PGSCAN_FILE];
	shrink_lruvec(r.m, node_lruvec(r.m, 0), 256);
	assert_int_equal(r.m->vm_events[PGSCAN_FILE], scan_file);
	assert_true(r.m->vm_events[PGSCAN_ANON] > scan_anon);
	teardown(&r);
}

/* Reclaim takes the page at index, as shrink_inactive_file would. */
static void evict(struct rig *r, uint64_t index)
{
	assert_true(
		filemap_reclaim_page(r->m, find_get_page(r->m, big(r), index)));
}

/* A page evicted and read again soon comes back active; long after, not. */
static void test_refault(void **state)
{
	struct rig r;

	(void)state;
	setup(&r, 64 * MiB, 1 * MiB, O_RDONLY);
	assert_int_equal(uapi_fadvise64(r.m, 0, r.fd, 0, 0, POSIX_FADV_RANDOM),
			 0);
	/* Pages 0-7 read twice: active, the working set's measure. */
	for (int twice = 0; twice < 2; twice++)
		for (uint64_t i = 0; i < 8; i++)
			pread_page(&r, i);
	assert_int_equal(node_lruvec(r.m, 0)->nr_pages[LRU_ACTIVE_FILE], 8);
	pread_page(&r, 100);
	evict(&r, 100);
	assert_null(find_get_page(r.m, big(&r), 100));
	assert_int_equal(r.m->node_stat[WORKINGSET_NODES], 1);
	assert_consistent(r.m);
	pread_page(&r, 100); /* distance 1: within the 8 active pages */
	assert_int_equal(r.m->node_stat[WORKINGSET_REFAULT_FILE], 1);
	assert_int_equal(r.m->node_stat[WORKINGSET_ACTIVATE_FILE], 1);
	assert_true(PageFlag(find_get_page(r.m, big(&r), 100), PG_active));
	assert_int_equal(r.m->node_stat[WORKINGSET_NODES], 0);
	/* 20 pages evicted after page 120: too far to be working set. */
	pread_page(&r, 120);
	evict(&r, 120);
	for (uint64_t i = 0; i < 20; i++) {
		pread_page(&r, 200 + i);
		evict(&r, 200 + i);
	}
	pread_page(&r, 120);
	assert_int_equal(r.m->node_stat[WORKINGSET_REFAULT_FILE], 2);
	assert_int_equal(r.m->node_stat[WORKINGSET_ACTIVATE_FILE], 1);
	assert_false(PageFlag(find_get_page(r.m, big(&r), 120), PG_active));
	assert_int_equal(r.m->node_stat[WORKINGSET_NODES], 20);
	teardown(&r); /* the checker holds shadows and pages apart */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readahead_sequential),
		cmocka_unit_test(test_readahead_random),
		cmocka_unit_test(test_fsync_writes_dirty),
		cmocka_unit_test(test_drop),
		cmocka_unit_test(test_direct_coherent),
		cmocka_unit_test(test_truncate_unlink),
		cmocka_unit_test(test_larger_than_memory),
		cmocka_unit_test(test_dirty_throttle),
		cmocka_unit_test(test_flusher_expire),
		cmocka_unit_test(test_buffers),
		cmocka_unit_test(test_sysctl),
		cmocka_unit_test(test_swappiness),
		cmocka_unit_test(test_refault),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
