/* SPDX-License-Identifier: MIT */
/*
 * page_writeback.c - dirty limits, throttling and the flusher, as
 * mm/page-writeback.c and fs/fs-writeback.c: thresholds are the
 * dirty_background_ratio and dirty_ratio shares of dirtyable memory
 * (free pages and file pages, less the reserves), a writer past the
 * dirty threshold writes dirty pages itself until the count is back at
 * the midpoint of the two thresholds (Linux pauses it while the
 * flusher does; here the flusher's work is done in its time), and the
 * flusher writes the oldest dirty inodes until the count is under the
 * background threshold, and every inode dirty for longer than
 * dirty_expire_centisecs, each dirty_writeback_centisecs of simulated
 * time (the filesystem's clock).
 *
 * Owns: when dirty pages are written without an fsync. Must never:
 * write more than MAX_WRITEBACK_PAGES in one pass.
 */
#include "core/writeback.h"

#include "core/filemap.h"
#include "core/fs/fs.h"
#include "core/page_alloc.h"

/* Free and file pages, as global_dirtyable_memory, less the reserves. */
static unsigned long dirtyable_memory(const struct machine *m)
{
	unsigned long free = global_free_pages(m);
	unsigned long x;

	x = free > m->totalreserve_pages ? free - m->totalreserve_pages : 0;
	x += (unsigned long)(m->node_stat[NR_INACTIVE_FILE] +
			     m->node_stat[NR_ACTIVE_FILE]);
	return x;
}

void global_dirty_limits(const struct machine *m, unsigned long *background,
			 unsigned long *dirty)
{
	unsigned long avail = dirtyable_memory(m);

	*dirty = avail * m->vm.dirty_ratio / 100;
	*background = avail * m->vm.dirty_background_ratio / 100;
	if (*background >= *dirty)
		*background = *dirty / 2;
}

static unsigned long nr_dirty(const struct machine *m)
{
	return (unsigned long)(m->node_stat[NR_FILE_DIRTY] +
			       m->node_stat[NR_WRITEBACK]);
}

/* The dirty inode dirtied first, or NULL. */
static struct inode *oldest_dirty(const struct machine *m)
{
	const struct fs_state *fs = m->fs;
	struct inode *best = fs->bd_inode && fs->bd_inode->i_nrdirty
				     ? fs->bd_inode
				     : NULL; /* the metadata blocks */

	for (unsigned long i = ROOT_INO + 1; i <= fs->max_inodes; i++) {
		struct inode *inode = fs->inodes[i];

		if (inode && inode->i_nrdirty &&
		    (!best || inode->dirtied_when < best->dirtied_when))
			best = inode;
	}
	return best;
}

/* Write the oldest inodes' pages until under target or budget spent. */
static unsigned long writeback_until(struct machine *m, unsigned long target,
				     unsigned long budget)
{
	unsigned long written = 0;
	struct inode *inode;

	while (nr_dirty(m) > target && written < budget &&
	       (inode = oldest_dirty(m))) {
		unsigned long before = written;

		filemap_write_pages(m, inode, budget - written, &written);
		if (written == before)
			break; /* the device refuses: stop, try later */
	}
	return written;
}

void balance_dirty_pages(struct machine *m)
{
	unsigned long background, thresh;

	global_dirty_limits(m, &background, &thresh);
	if (nr_dirty(m) <= thresh)
		return;
	m->fs->dirty_throttled++;
	writeback_until(m, (background + thresh) / 2, ~0UL);
}

static int64_t centisecs_ns(unsigned int cs)
{
	return (int64_t)cs * 10000000;
}

bool wb_wanted(const struct machine *m)
{
	unsigned long background, thresh;

	if (!m->node_stat[NR_FILE_DIRTY])
		return false;
	global_dirty_limits(m, &background, &thresh);
	if (nr_dirty(m) > background)
		return true;
	return m->vm.dirty_writeback_centisecs &&
	       fs_clock(m) >= m->fs->next_wb_ns;
}

/* Every inode dirty since before the expiry, up to the budget. */
static unsigned long writeback_expired(struct machine *m, unsigned long budget)
{
	int64_t oldest =
		fs_clock(m) - centisecs_ns(m->vm.dirty_expire_centisecs);
	unsigned long written = 0;
	struct inode *inode;

	while (written < budget && (inode = oldest_dirty(m)) &&
	       inode->dirtied_when <= oldest) {
		unsigned long before = written;

		filemap_write_pages(m, inode, budget - written, &written);
		if (written == before)
			break;
	}
	return written;
}

unsigned long wb_workfn(struct machine *m)
{
	unsigned long background, thresh, written;

	global_dirty_limits(m, &background, &thresh);
	written = writeback_until(m, background, MAX_WRITEBACK_PAGES);
	if (m->vm.dirty_writeback_centisecs &&
	    fs_clock(m) >= m->fs->next_wb_ns) {
		written += writeback_expired(m, MAX_WRITEBACK_PAGES - written);
		m->fs->next_wb_ns =
			fs_clock(m) +
			centisecs_ns(m->vm.dirty_writeback_centisecs);
	}
	return written;
}
