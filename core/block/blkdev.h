/* SPDX-License-Identifier: MIT */
/*
 * blkdev.h - the machine's one block device: a sparse memfd of the
 * layout's storage size, addressed in sectors, as a disk behind
 * block/bdev.c.
 *
 * Owns: the device's bytes, its geometry and its I/O statistics (the
 * fields of /proc/diskstats), and the simulated time its reads and
 * writes cost. Must never: read or write past the device, or know what
 * the bytes mean (the filesystem above it does).
 */
#ifndef MM_BLKDEV_H
#define MM_BLKDEV_H

#include <stddef.h>
#include <stdint.h>

#include "core/machine.h"
#include "core/seq_buf.h"

/* What /proc/diskstats counts for a disk, times in simulated ns. */
struct disk_stats {
	uint64_t ios[2];     /* completed reads, writes */
	uint64_t sectors[2]; /* sectors read, written */
	uint64_t nsecs[2];   /* time spent reading, writing */
};

enum { STAT_READ, STAT_WRITE };

struct block_device {
	int fd;
	uint8_t *data;
	uint64_t size; /* bytes */
	uint32_t sector_size;
	uint32_t cost_ns[2]; /* per sector: read, write */
	struct disk_stats stats;
};

int bdev_init(struct machine *m);
void bdev_exit(struct machine *m);

/*
 * One request of len bytes at byte pos, both multiples of the sector
 * size and inside the device: -EIO otherwise (a bug above, never a
 * client's input). Counts it in the statistics and its cost.
 */
int bdev_read(struct machine *m, uint64_t pos, void *buf, size_t len);
int bdev_write(struct machine *m, uint64_t pos, const void *buf, size_t len);
/* Give the bytes of [pos, +len) back to the host: they read as zeros. */
void bdev_discard(struct machine *m, uint64_t pos, uint64_t len);

/* /proc/diskstats' line for the device, named "mmblk0". */
int report_diskstats(const struct machine *m, struct seq_buf *s);

#endif /* MM_BLKDEV_H */
