/* SPDX-License-Identifier: MIT */
/*
 * filemap.h - the page cache: each inode's pages by index, between the
 * file calls and the block device, as mm/filemap.c keeps it.
 *
 * Owns: the calls that fill, dirty, write back, drop and check a
 * file's cached pages. Must never: let a page sit in two mappings, or
 * free a dirty page before its bytes reach the device.
 */
#ifndef MM_FILEMAP_H
#define MM_FILEMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/fs/fs.h"
#include "core/machine.h"

/* The cached page at index, or NULL. */
struct page *find_get_page(const struct machine *m, const struct inode *inode,
			   uint64_t index);

/*
 * Buffered read and write of [pos, +count) through the cache (the
 * caller has checked the range and clamped a read to i_size). A read
 * fills missing pages from the device (readahead.c sizes how many); a
 * write allocates the blocks it covers (-ENOSPC when none is left),
 * copies into the cached pages and dirties them. *done gets the bytes
 * moved; an error after some bytes is no error.
 */
/*
 * The page at index, read from the device when it is not cached, its
 * frame allocated with gfp (read_cache_page_gfp); ERR_PTR on failure.
 */
struct page *read_cache_page(struct machine *m, struct inode *inode,
			     uint64_t index, gfp_t gfp);

int filemap_read(struct machine *m, struct file *f, uint64_t pos, void *buf,
		 size_t count, size_t *done);
int filemap_write(struct machine *m, struct inode *inode, uint64_t pos,
		  const void *buf, size_t count, size_t *done);

/* Write the dirty pages of [start, end] (page indexes) to the device. */
int filemap_write_range(struct machine *m, struct inode *inode, uint64_t start,
			uint64_t end, unsigned long *written);
/*
 * Drop the clean, unheld pages of [start, end] (fadvise DONTNEED,
 * drop_caches, O_DIRECT); returns how many went.
 */
unsigned long invalidate_mapping_pages(struct machine *m, struct inode *inode,
				       uint64_t start, uint64_t end);
/* Every page at or past byte lstart goes, dirty or not (truncation). */
void truncate_inode_pages(struct machine *m, struct inode *inode,
			  uint64_t lstart);
/* Read [start, +nr) pages into the cache (readahead), as far as EOF. */
unsigned long page_cache_ra_unbounded(struct machine *m, struct inode *inode,
				      uint64_t start, unsigned long nr,
				      unsigned long lookahead);

/*
 * Reclaim of one inactive file page (vmscan.c): a dirty page is written
 * first; false when it cannot go (held by someone).
 */
bool filemap_reclaim_page(struct machine *m, struct page *page);
/* mark_page_accessed: the second touch of an inactive page activates it. */
void mark_page_accessed(struct machine *m, struct page *page);

/*
 * filemap_fault: the page at index for a fault on a mapping of f. A hit
 * may start the next readahead window (PG_readahead); a miss is a major
 * fault (*major) that reads around index. ERR_PTR(-EFAULT) past EOF
 * (SIGBUS), ERR_PTR(-ENOMEM) when no page could be had.
 */
struct page *filemap_fault(struct machine *m, struct file *f, uint64_t index,
			   bool *major);
/*
 * What filemap_map_pages maps around a fault: up to date, no readahead
 * marker (that one must fault, to start the next window), within EOF.
 */
bool filemap_page_mappable(const struct machine *m, const struct page *page);
/* folio_mark_dirty: PG_dirty, counted (a write through a mapping). */
void set_page_dirty(struct machine *m, struct page *page);

/* How many of the inode's cached pages are dirty. */
unsigned long filemap_nr_dirty(const struct machine *m,
			       const struct inode *inode);

/* Write up to budget of inode's dirty pages, in index order. */
void filemap_write_pages(struct machine *m, struct inode *inode,
			 unsigned long budget, unsigned long *written);

/* One inode's cache: indexes, flags, counts agree. */
int filemap_check(const struct machine *m, const struct inode *inode,
		  unsigned long *dirty, char *why, size_t len);

#endif /* MM_FILEMAP_H */
