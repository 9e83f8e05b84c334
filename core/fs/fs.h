/* SPDX-License-Identifier: MIT */
/*
 * fs.h - the machine's filesystem: inodes with their blocks on the
 * block device, one directory (the root), open files and each process's
 * descriptor table, as include/linux/fs.h and fdtable.h describe them.
 *
 * Owns: struct inode, struct file, struct files_struct and the calls
 * between the files of core/fs/. Must never: be reached by the daemon
 * but through uapi.h, or let a descriptor of one process name a file of
 * another (tables are per task; fork copies one).
 */
#ifndef MM_FS_H
#define MM_FS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/block/blkdev.h"
#include "core/list.h"
#include "core/machine.h"
#include "core/rmap.h"
#include "core/seq_buf.h"
#include "core/snapshot.h"
#include "core/treap.h"

/* Linux's numbers, as the wire carries them. */
#define O_ACCMODE_   00000003
#define O_RDONLY_    00000000
#define O_WRONLY_    00000001
#define O_RDWR_	     00000002
#define O_CREAT_     00000100
#define O_EXCL_	     00000200
#define O_TRUNC_     00001000
#define O_APPEND_    00002000
#define O_DIRECT_    00040000
#define O_DIRECTORY_ 00200000
#define __O_TMPFILE_ 020000000

#define FMODE_READ  0x1u
#define FMODE_WRITE 0x2u

#define S_IFMT_	       0170000
#define S_IFREG_       0100000
#define S_IFDIR_       0040000
#define S_IFCHR_       0020000
#define S_IFBLK_       0060000
#define MKDEV_(ma, mi) ((uint32_t)(ma) << 20 | (uint32_t)(mi))

#define NAME_MAX_     255
#define PATH_MAX_     4096
#define FS_UMASK      0022 /* every process's umask */
#define FS_INODE_SIZE 128  /* an inode's record in the table, as ext2's */

/* One run of a file's blocks on the device: blocks [key, +len) of the
 * file are device blocks [pblk, +len). */
struct fs_extent {
	struct treap_node node; /* key: the file's first block of the run */
	uint64_t len;
	uint64_t pblk;
};

struct inode {
	unsigned long i_ino;
	uint32_t i_mode;
	uint32_t i_nlink;
	uint32_t i_uid;
	uint64_t i_size;
	uint64_t i_blocks;		   /* fs blocks allocated */
	int64_t i_atime, i_mtime, i_ctime; /* simulated ns */
	unsigned int i_count;		   /* open files holding it */
	struct treap_node *i_extents;
	struct treap_node *i_pages; /* its page cache, by index (filemap.c) */
	unsigned long i_nrpages;
	unsigned long i_nrdirty;      /* of those, dirty */
	struct treap_node *i_shadows; /* evicted pages\' shadows */
	struct rmap_root i_mmap;      /* the VMAs mapping it (i_mmap_node) */
	int64_t dirtied_when;	      /* fs clock when the first went dirty */
	struct inode *i_hash_next;    /* the next in its directory bucket */
	struct inode *i_parent;	      /* the directory its name is in */
	uint32_t i_rdev;	      /* a device node's number (MKDEV_) */
	char i_name[NAME_MAX_ + 1];   /* its one link in the root, if linked */
};

/*
 * A file's readahead window, as struct file_ra_state: pages [start,
 * +size) were read last, the marker sits async_size before their end;
 * ra_pages is the most one window holds (0: none).
 */
struct file_ra_state {
	uint64_t start;
	unsigned int size;
	unsigned int async_size;
	unsigned int ra_pages;
	int64_t prev_pos;	/* the last byte read, -1 before any */
	unsigned int mmap_miss; /* faults that missed the cache, less hits */
};

#define VM_READAHEAD_KB 128 /* Linux's default read_ahead_kb */
#define FMODE_RANDOM	0x1000u

struct file {
	struct inode *f_inode;
	struct file_ra_state f_ra;
	unsigned int f_flags; /* the open flags kept: O_APPEND, O_DIRECT */
	unsigned int f_mode;  /* FMODE_READ, FMODE_WRITE */
	int64_t f_pos;
	unsigned int f_count; /* descriptors naming it, in every table */
};

/* A process's descriptors; fork copies the table, sharing the files. */
struct files_struct {
	struct file **fd;
	unsigned int max_fds; /* slots allocated */
	unsigned int nr_open; /* descriptors in use */
};

struct fs_state {
	unsigned int block_shift; /* fs block = one page */
	uint64_t nr_blocks;	  /* device blocks, the superblock's too */
	uint64_t free_blocks;
	uint64_t next_block; /* where the next allocation looks first */
	unsigned long *block_bitmap;
	struct inode **inodes; /* by i_ino; [1] is the root */
	unsigned long max_inodes;
	unsigned long nr_inodes;
	unsigned long next_ino;
	unsigned long nr_files;	       /* open struct files */
	struct inode *dir_hash[1024];  /* the root's entries, by name */
	int64_t now_ns;		       /* the filesystem's clock */
	int64_t next_wb_ns;	       /* the flusher's next periodic pass */
	unsigned long dirty_throttled; /* writers balance_dirty_pages held */
	uint32_t prio_seed;	       /* the extent treaps' priorities */
	/* The metadata on the device (buffer.c): block 0 the superblock,
	 * then the block bitmap, then the inode table. */
	uint64_t bitmap_start, itable_start, meta_blocks;
	struct inode *bd_inode; /* the device's own page cache: Buffers */
	bool mounted;		/* metadata goes through bd_inode's cache */
	bool sb_held;		/* the superblock's page, held (s_sbh) */
};

#define ROOT_INO 1
/* mmblk0's device number, as the host's NVMe disks have it: 259:0. */
#define MMBLK_MAJOR 259

/* What stat(2) tells, as struct kstat; times in simulated ns. */
struct kstat {
	uint64_t dev;
	uint64_t ino;
	uint32_t mode;
	uint32_t nlink;
	uint32_t uid;
	uint32_t gid;
	uint64_t size;
	uint32_t blksize;
	uint64_t blocks; /* 512-byte units, as st_blocks */
	int64_t atime, mtime, ctime;
};

/* The device's own inode (its page cache holds metadata blocks). */
static inline bool inode_is_bdev(const struct inode *inode)
{
	return (inode->i_mode & S_IFMT_) == S_IFBLK_;
}

/* The references the filesystem itself holds on a cached page: the
 * superblock's, held for the mount (s_sbh). */
static inline int fs_page_refs(const struct machine *m, const struct page *page)
{
	const struct fs_state *fs = m->fs;

	return fs && fs->sb_held && !page->index &&
	       page->mapping == (uint64_t)(uintptr_t)fs->bd_inode;
}

/* buffer.c: metadata blocks through the device's page cache, as
 * fs/buffer.c's sb_bread and mark_buffer_dirty. */
int bdev_cache_init(struct machine *m);
void bdev_cache_exit(struct machine *m);
/* The mount: from here on metadata goes through the cache. */
void bdev_cache_mount(struct machine *m);
/* iget: the inode's table block read into the cache, if not there. */
void inode_bread(struct machine *m, const struct inode *inode);
/* write_inode: the inode's record into its table block, dirtied. */
void mark_inode_dirty(struct machine *m, const struct inode *inode);
/* The inode's table block written, if dirty (write_inode_now). */
int write_inode_now(struct machine *m, const struct inode *inode);
/* The in-core bitmap's bits [first, last] into the on-disk bitmap. */
void bitmap_mark_dirty(struct machine *m, uint64_t first, uint64_t last);
/* Write every dirty metadata block (sync_blockdev). */
int sync_blockdev(struct machine *m);
/* The bdev cache: every page a metadata block, counts agree. */
int bdev_cache_check(const struct machine *m, unsigned long *dirty,
		     unsigned long *shadows, char *why, size_t len);
/* Pages in the device's cache: meminfo's Buffers (nr_blockdev_pages). */
unsigned long nr_blockdev_pages(const struct machine *m);

/* super.c: the mount at boot, the unmount at teardown. */
int fs_init(struct machine *m);
void fs_exit(struct machine *m);

/* inode.c: inodes. */
int inode_table_init(struct machine *m);
void evict_inodes(struct machine *m);
int fs_check(const struct machine *m, char *why, size_t len);
int64_t fs_now(struct machine *m);
/* The simulated clock: calls made and device time spent, in ns. */
static inline int64_t fs_clock(const struct machine *m)
{
	return m->fs->now_ns +
	       (int64_t)(m->bdev->stats.nsecs[0] + m->bdev->stats.nsecs[1]);
}
struct inode *new_inode(struct machine *m, uint32_t mode);
/* Drop the inode when nothing names or holds it any more. */
void iput_final(struct machine *m, struct inode *inode);
/* drop_caches 1: every inode's clean, unheld cached pages; how many. */
unsigned long drop_pagecache_sb(struct machine *m);

/* extents.c: the block bitmap and each inode's runs of blocks. */
int balloc_init(struct machine *m);
uint32_t fs_next_prio(struct fs_state *fs);
/* inode's runs agree with the bitmap; seen marks the blocks met. */
int inode_extents_check(const struct machine *m, const struct inode *inode,
			unsigned long *seen, char *why, size_t len);
unsigned long *fs_block_map_alloc(const struct machine *m);
/* The device block behind a file block, 0 for a hole. */
uint64_t bmap(const struct inode *inode, uint64_t block);
/* Map file block to a new, zeroed device block; -ENOSPC when full. */
int inode_alloc_block(struct machine *m, struct inode *inode, uint64_t block,
		      uint64_t *pblk);
/* Free every block at or past file block from. */
void inode_truncate_blocks(struct machine *m, struct inode *inode,
			   uint64_t from);
/* The largest file: what one treap of 4 KiB blocks may index, Linux's
 * MAX_LFS_FILESIZE for 64-bit. */
#define FS_MAXBYTES ((int64_t)0x7fffffffffffffffLL)

/* namei.c: the root directory. */
struct nameidata {
	struct inode *inode; /* what the path names; NULL: nothing yet */
	struct inode *dir;   /* the directory the last name is looked in */
	const char *last;    /* its name in the root, for a create */
	size_t last_len;
	bool must_be_dir; /* written with a trailing '/' */
};
int path_lookup(struct machine *m, const char *path, struct nameidata *nd);
struct inode *d_lookup(struct machine *m, const char *name, size_t len);
struct inode *d_lookup_at(struct machine *m, const struct inode *dir,
			  const char *name, size_t len);
/* mknod: a directory or device node name in dir (devtmpfs's /dev). */
struct inode *vfs_mknod(struct machine *m, struct inode *dir, const char *name,
			uint32_t mode, uint32_t rdev);
/* The path of a linked inode from the root, as d_path writes it. */
void inode_path(const struct inode *inode, char *buf, size_t len);
int vfs_create(struct machine *m, struct nameidata *nd, uint32_t mode,
	       struct inode **inode);
int do_unlinkat(struct machine *m, const char *path);
int fs_preload(struct machine *m);

/* file.c: descriptor tables. */
int files_init_task(struct files_struct *files);
int dup_fd(const struct files_struct *old, struct files_struct *new);
void exit_files(struct machine *m, struct files_struct *files);
int alloc_fd(struct machine *m, struct files_struct *files, struct file *f);
struct file *fget(const struct files_struct *files, int fd);
int close_fd(struct machine *m, struct files_struct *files, int fd);
void fput(struct machine *m, struct file *f);
/* Another reference on an open file (a mapping's, as get_file). */
static inline struct file *get_file(struct file *f)
{
	f->f_count++;
	return f;
}

/* read_write.c: bytes of a file, and its position. */
long vfs_read(struct machine *m, struct file *f, void *buf, size_t count,
	      int64_t *pos);
long vfs_write(struct machine *m, struct file *f, const void *buf, size_t count,
	       int64_t *pos);
int64_t vfs_llseek(struct machine *m, struct file *f, int64_t offset,
		   int whence);
int do_truncate(struct machine *m, struct inode *inode, int64_t length);

/* open.c: the calls on names and descriptors. */
int do_sys_open(struct machine *m, struct files_struct *files, const char *path,
		int flags, uint32_t mode);
int do_sys_ftruncate(struct machine *m, struct file *f, int64_t length);

/* fincore.c: every file, its size, blocks and cached pages. */
/* The files report's snapshot (snapshot.h; mm.proto's Files): each
 * inode, its size in bytes, blocks on the device, pages cached and
 * dirty, and "/name" (or "(deleted)"). */
struct file_snapshot {
	uint64_t ino, size, blocks, cached, dirty;
	char *name;
};
struct files_snapshot {
	struct file_snapshot *files;
	size_t nr_files;
};
extern const struct report_type files_report;
int files_fill(const struct machine *m, int pid, void *snap);
int files_show(const void *snap, struct seq_buf *s);
int report_files(const struct machine *m, struct seq_buf *s);

/* stat.c */
void generic_fillattr(const struct machine *m, const struct inode *inode,
		      struct kstat *st);

/* sync.c */
int vfs_fsync(struct machine *m, struct file *f, bool datasync);
/* sync(2): every inode's dirty pages, then the device's (metadata). */
int ksys_sync(struct machine *m);

/* fadvise.c and readahead.c (mm/): advice on a file's cached pages. */
/* Linux's values (<fcntl.h> of the host has the same on x86). */
#ifndef POSIX_FADV_NORMAL
#define POSIX_FADV_NORMAL     0
#define POSIX_FADV_RANDOM     1
#define POSIX_FADV_SEQUENTIAL 2
#define POSIX_FADV_WILLNEED   3
#define POSIX_FADV_DONTNEED   4
#define POSIX_FADV_NOREUSE    5
#endif
int vfs_fadvise(struct machine *m, struct file *f, int64_t offset, int64_t len,
		int advice);
int ksys_readahead(struct machine *m, struct file *f, int64_t offset,
		   uint64_t count);
unsigned long vm_readahead_pages(const struct machine *m);
void file_ra_state_init(const struct machine *m, struct file_ra_state *ra);
unsigned long get_init_ra_size(unsigned long size, unsigned long max);
unsigned long get_next_ra_size(const struct file_ra_state *ra,
			       unsigned long max);
/* A read of req_count pages at index missed the cache: read a window. */
void page_cache_sync_ra(struct machine *m, struct file *f, uint64_t index,
			unsigned long req_count);
/* A read reached the PG_readahead page at index: the next window. */
void page_cache_async_ra(struct machine *m, struct file *f, uint64_t index,
			 unsigned long req_count);
int force_page_cache_readahead(struct machine *m, struct file *f,
			       uint64_t index, unsigned long nr);

#endif /* MM_FS_H */
