/* SPDX-License-Identifier: MIT */
/*
 * bdev.c - the machine's block device: a sparse memfd of the layout's
 * storage size, read and written in whole sectors.
 *
 * Owns: the memfd and its mapping, request checks, the statistics and
 * the simulated cost of every request. Must never: let a request reach
 * past the device, or hold the bytes anywhere but in the memfd.
 */
#include "core/block/blkdev.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int bdev_init(struct machine *m)
{
	struct block_device *bd = calloc(1, sizeof(*bd));

	if (!bd)
		return -ENOMEM;
	m->bdev = bd;
	bd->fd = -1;
	bd->size = m->layout.storage.size;
	bd->sector_size = m->layout.storage.sector_size;
	bd->cost_ns[STAT_READ] = m->layout.storage.read_cost_ns;
	bd->cost_ns[STAT_WRITE] = m->layout.storage.write_cost_ns;
	if (!bd->size)
		return 0;
	bd->fd = memfd_create("mm-storage", MFD_CLOEXEC);
	if (bd->fd < 0 || ftruncate(bd->fd, (off_t)bd->size) < 0)
		return -ENOMEM;
	bd->data = mmap(NULL, bd->size, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_NORESERVE, bd->fd, 0);
	if (bd->data == MAP_FAILED) {
		bd->data = NULL;
		return -ENOMEM;
	}
	return 0;
}

void bdev_exit(struct machine *m)
{
	struct block_device *bd = m->bdev;

	if (!bd)
		return;
	if (bd->data)
		munmap(bd->data, bd->size);
	if (bd->fd >= 0)
		close(bd->fd);
	free(bd);
	m->bdev = NULL;
}

static int bdev_request(struct machine *m, int rw, uint64_t pos, size_t len)
{
	struct block_device *bd = m->bdev;
	uint64_t sectors = len / bd->sector_size;

	if (pos % bd->sector_size || len % bd->sector_size || pos > bd->size ||
	    len > bd->size - pos)
		return -EIO;
	bd->stats.ios[rw]++;
	bd->stats.sectors[rw] += len >> 9; /* diskstats counts 512 bytes */
	bd->stats.nsecs[rw] += sectors * bd->cost_ns[rw];
	return 0;
}

int bdev_read(struct machine *m, uint64_t pos, void *buf, size_t len)
{
	int err = bdev_request(m, STAT_READ, pos, len);

	if (!err)
		memcpy(buf, m->bdev->data + pos, len);
	return err;
}

int bdev_write(struct machine *m, uint64_t pos, const void *buf, size_t len)
{
	int err = bdev_request(m, STAT_WRITE, pos, len);

	if (!err)
		memcpy(m->bdev->data + pos, buf, len);
	return err;
}

void bdev_discard(struct machine *m, uint64_t pos, uint64_t len)
{
	struct block_device *bd = m->bdev;

	if (!bd->data || pos >= bd->size)
		return;
	if (len > bd->size - pos)
		len = bd->size - pos;
	/* Punching a hole keeps the memfd sparse, as TRIM keeps a disk. */
	if (fallocate(bd->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)pos, (off_t)len) < 0)
		memset(bd->data + pos, 0, len);
}

/* Linux's 4.18+ line: 14 fields after the name, times in ms. */
int report_diskstats(const struct machine *m, struct seq_buf *s)
{
	const struct disk_stats *st = &m->bdev->stats;

	seq_printf(s,
		   "%4d %7d %s %" PRIu64 " 0 %" PRIu64 " %" PRIu64 " %" PRIu64
		   " 0 %" PRIu64 " %" PRIu64 " 0 %" PRIu64 " %" PRIu64
		   " 0 0 0 0\n",
		   259, 0, "mmblk0", st->ios[STAT_READ], st->sectors[STAT_READ],
		   st->nsecs[STAT_READ] / 1000000, st->ios[STAT_WRITE],
		   st->sectors[STAT_WRITE], st->nsecs[STAT_WRITE] / 1000000,
		   (st->nsecs[STAT_READ] + st->nsecs[STAT_WRITE]) / 1000000,
		   (st->nsecs[STAT_READ] + st->nsecs[STAT_WRITE]) / 1000000);
	return 0;
}
