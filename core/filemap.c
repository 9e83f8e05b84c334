/* SPDX-License-Identifier: MIT */
/*
 * filemap.c - the page cache, as mm/filemap.c: each inode's pages in a
 * treap by index (the XArray's place), filled from the block device on
 * a read (readahead.c decides how many), dirtied by a write, written
 * back by fsync, fadvise, O_DIRECT and reclaim, dropped by truncation,
 * invalidation and reclaim.
 *
 * Owns: a cached page's life: its slot in the inode's index, its
 * mapping and index, PG_uptodate, PG_dirty, PG_writeback and
 * PG_readahead, and the node's nr_file_pages, nr_dirty and
 * nr_writeback, pgpgin and pgpgout. Must never: free a page someone
 * holds, free a dirty page before it is written, or read past EOF.
 */
#include "core/filemap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/mmzone.h"
#include "core/block/blkdev.h"
#include "core/check.h"
#include "core/err.h"
#include "core/page_alloc.h"
#include "core/rmap.h"
#include "core/vmscan.h"
#include "core/workingset.h"

struct pagecache_slot {
	struct treap_node node; /* key: the page's index in the file */
	unsigned long pfn;
};

static struct pagecache_slot *slot_at(const struct inode *inode, uint64_t index)
{
	struct treap_node *n = treap_floor(inode->i_pages, index);

	return n && n->key == index
		       ? treap_entry(n, struct pagecache_slot, node)
		       : NULL;
}

struct page *find_get_page(const struct machine *m, const struct inode *inode,
			   uint64_t index)
{
	const struct pagecache_slot *slot = slot_at(inode, index);

	return slot ? pfn_to_page(m, slot->pfn) : NULL;
}

static struct inode *page_inode(const struct page *page)
{
	return (struct inode *)(uintptr_t)page->mapping;
}

static unsigned long page_kb(const struct machine *m)
{
	return m->page_size >> 10;
}

/* A new page at index, on the inactive file list; ERR_PTR on failure. */
static struct page *add_to_page_cache(struct machine *m, struct inode *inode,
				      uint64_t index, gfp_t gfp)
{
	struct pagecache_slot *slot = calloc(1, sizeof(*slot));
	struct page *page;
	bool workingset;

	if (!slot)
		return ERR_PTR(-ENOMEM);
	page = alloc_page(m, gfp);
	if (IS_ERR(page)) {
		free(slot);
		return page;
	}
	slot->pfn = page_to_pfn(m, page);
	slot->node.key = index;
	slot->node.prio = fs_next_prio(m->fs);
	treap_insert(&inode->i_pages, &slot->node, NULL);
	inode->i_nrpages++;
	page->mapping = (uint64_t)(uintptr_t)inode;
	page->index = index;
	page->_mapcount = -1;
	mod_lruvec_page_state(m, page, NR_FILE_PAGES, 1);
	if (workingset_refault(m, inode, index, &workingset)) {
		lru_add_active(m, page);
		if (workingset)
			SetPageFlag(page, PG_referenced);
	} else {
		lru_add(m, page);
	}
	return page;
}

static void account_dirty(struct machine *m, struct page *page, long n)
{
	struct inode *inode = page_inode(page);

	if (n > 0 && !inode->i_nrdirty)
		inode->dirtied_when = fs_clock(m);
	inode->i_nrdirty += (unsigned long)n;
	mod_lruvec_page_state(m, page, NR_FILE_DIRTY, n);
	page_zone(m, page)->vm_stat[NR_ZONE_WRITE_PENDING] += n;
}

void set_page_dirty(struct machine *m, struct page *page)
{
	if (PageFlag(page, PG_dirty))
		return;
	SetPageFlag(page, PG_dirty);
	account_dirty(m, page, 1);
	mod_lruvec_page_state(m, page, NR_DIRTIED, 1);
}

static void delete_from_page_cache(struct machine *m, struct inode *inode,
				   struct page *page)
{
	struct pagecache_slot *slot = slot_at(inode, page->index);

	treap_erase(&inode->i_pages, &slot->node, NULL);
	free(slot);
	inode->i_nrpages--;
	mod_lruvec_page_state(m, page, NR_FILE_PAGES, -1);
	if (PageFlag(page, PG_dirty))
		account_dirty(m, page, -1);
	if (PageFlag(page, PG_lru))
		lru_del(m, page);
	page->flags &= ~((1u << PG_uptodate) | (1u << PG_dirty) |
			 (1u << PG_referenced) | (1u << PG_readahead) |
			 (1u << PG_writeback));
	page->mapping = 0;
	page->index = 0;
	__free_pages(m, page, 0);
}

/* The page's bytes from its block, zeros for a hole. */
static int read_page(struct machine *m, struct inode *inode, struct page *page)
{
	uint64_t pblk = bmap(inode, page->index);
	uint8_t *ram = pfn_to_ram(m, page_to_pfn(m, page));
	int err = 0;

	if (!pblk && !inode_is_bdev(inode)) {
		memset(ram, 0, m->page_size);
	} else {
		err = bdev_read(m, pblk << m->page_shift, ram, m->page_size);
		m->vm_events[PGPGIN] += page_kb(m);
	}
	if (!err)
		SetPageFlag(page, PG_uptodate);
	return err;
}

/* writepage: the dirty page to its block, synchronously. */
static int writepage(struct machine *m, struct inode *inode, struct page *page)
{
	uint64_t pblk = bmap(inode, page->index);
	int err = 0;

	if (!pblk && !inode_is_bdev(inode))
		err = inode_alloc_block(m, inode, page->index, &pblk);
	if (err)
		return err;
	/* folio_clear_dirty_for_io: a write through a mapping faults again. */
	page_mkclean(m, page);
	SetPageFlag(page, PG_writeback);
	mod_lruvec_page_state(m, page, NR_WRITEBACK, 1);
	err = bdev_write(m, pblk << m->page_shift,
			 pfn_to_ram(m, page_to_pfn(m, page)), m->page_size);
	mod_lruvec_page_state(m, page, NR_WRITEBACK, -1);
	ClearPageFlag(page, PG_writeback);
	if (err)
		return err;
	m->vm_events[PGPGOUT] += page_kb(m);
	mod_lruvec_page_state(m, page, NR_WRITTEN, 1);
	ClearPageFlag(page, PG_dirty);
	account_dirty(m, page, -1);
	return 0;
}

void mark_page_accessed(struct machine *m, struct page *page)
{
	if (!PageFlag(page, PG_referenced)) {
		SetPageFlag(page, PG_referenced);
	} else if (PageFlag(page, PG_unevictable)) {
		/* folio_mark_accessed: the unevictable list never rotates */
	} else if (!PageFlag(page, PG_active) && PageFlag(page, PG_lru)) {
		lru_activate(m, page);
		ClearPageFlag(page, PG_referenced);
		/* workingset_activation */
		workingset_age_nonresident(m, page_to_nid(page), 1);
	}
}

unsigned long page_cache_ra_unbounded(struct machine *m, struct inode *inode,
				      uint64_t start, unsigned long nr,
				      unsigned long lookahead)
{
	uint64_t end = inode->i_size ? (inode->i_size - 1) >> m->page_shift : 0;
	unsigned long read = 0;

	if (!inode->i_size || start > end)
		return 0;
	if (nr > end - start + 1)
		nr = (unsigned long)(end - start + 1);
	if (lookahead > nr)
		lookahead = 0;
	for (unsigned long i = 0; i < nr && start + i <= end; i++) {
		struct page *page;

		if (find_get_page(m, inode, start + i))
			continue;
		page = add_to_page_cache(m, inode, start + i,
					 GFP_HIGHUSER_MOVABLE);
		if (IS_ERR(page))
			break; /* no memory: read what fits */
		if (read_page(m, inode, page)) {
			delete_from_page_cache(m, inode, page);
			break;
		}
		if (lookahead && i == nr - lookahead)
			SetPageFlag(page, PG_readahead);
		read++;
	}
	return read;
}

struct page *read_cache_page(struct machine *m, struct inode *inode,
			     uint64_t index, gfp_t gfp)
{
	struct page *page = find_get_page(m, inode, index);
	int err;

	if (page)
		return page;
	page = add_to_page_cache(m, inode, index, gfp);
	if (IS_ERR(page))
		return page;
	err = read_page(m, inode, page);
	if (err) {
		delete_from_page_cache(m, inode, page);
		return ERR_PTR(err);
	}
	return page;
}

/* Past this many misses a mapping reads no more around its faults. */
#define MMAP_LOTSAMISS 100

/*
 * do_sync_mmap_readahead: a fault missed the cache. Read around it,
 * half the window before and half after, its last quarter behind a
 * PG_readahead marker, unless readahead is off or the mapping missed
 * too often (mmap_miss); then the page alone.
 */
static void do_sync_mmap_readahead(struct machine *m, struct file *f,
				   uint64_t index)
{
	struct file_ra_state *ra = &f->f_ra;
	unsigned int half = ra->ra_pages / 2;

	if (ra->mmap_miss < MMAP_LOTSAMISS * 10)
		ra->mmap_miss++;
	if (!ra->ra_pages || ra->mmap_miss > MMAP_LOTSAMISS) {
		page_cache_ra_unbounded(m, f->f_inode, index, 1, 0);
		return;
	}
	ra->start = index > half ? index - half : 0;
	ra->size = ra->ra_pages;
	ra->async_size = ra->ra_pages / 4;
	page_cache_ra_unbounded(m, f->f_inode, ra->start, ra->size,
				ra->async_size);
}

/* do_async_mmap_readahead: a hit; the marker starts the next window. */
static void do_async_mmap_readahead(struct machine *m, struct file *f,
				    struct page *page)
{
	if (f->f_ra.mmap_miss)
		f->f_ra.mmap_miss--;
	if (!PageFlag(page, PG_readahead))
		return;
	ClearPageFlag(page, PG_readahead);
	page_cache_async_ra(m, f, page->index, f->f_ra.ra_pages);
}

struct page *filemap_fault(struct machine *m, struct file *f, uint64_t index,
			   bool *major)
{
	struct inode *inode = f->f_inode;
	uint64_t max_idx = (inode->i_size + m->page_size - 1) >> m->page_shift;
	struct page *page;

	if (index >= max_idx)
		return ERR_PTR(-EFAULT); /* VM_FAULT_SIGBUS */
	page = find_get_page(m, inode, index);
	if (page) {
		do_async_mmap_readahead(m, f, page);
		return page;
	}
	*major = true; /* VM_FAULT_MAJOR: the page was not in the cache */
	do_sync_mmap_readahead(m, f, index);
	page = find_get_page(m, inode, index);
	return page ? page : ERR_PTR(-ENOMEM);
}

bool filemap_page_mappable(const struct machine *m, const struct page *page)
{
	const struct inode *inode =
		(const struct inode *)(uintptr_t)page->mapping;
	uint64_t max_idx = (inode->i_size + m->page_size - 1) >> m->page_shift;

	return PageFlag(page, PG_uptodate) && !PageFlag(page, PG_readahead) &&
	       page->index < max_idx;
}

int filemap_read(struct machine *m, struct file *f, uint64_t pos, void *buf,
		 size_t count, size_t *done)
{
	struct inode *inode = f->f_inode;
	uint64_t last = (pos + count - 1) >> m->page_shift;

	*done = 0;
	while (*done < count) {
		uint64_t at = pos + *done, index = at >> m->page_shift;
		size_t off = at & (m->page_size - 1), n = m->page_size - off;
		struct page *page = find_get_page(m, inode, index);

		if (!page) {
			page_cache_sync_ra(m, f, index, last - index + 1);
			page = find_get_page(m, inode, index);
			if (!page)
				return *done ? 0 : -ENOMEM;
		}
		if (PageFlag(page, PG_readahead)) {
			ClearPageFlag(page, PG_readahead);
			page_cache_async_ra(m, f, index, last - index + 1);
		}
		if (n > count - *done)
			n = count - *done;
		memcpy((uint8_t *)buf + *done,
		       pfn_to_ram(m, page_to_pfn(m, page)) + off, n);
		mark_page_accessed(m, page);
		*done += n;
	}
	f->f_ra.prev_pos = (int64_t)(pos + count - 1);
	return 0;
}

/* The page a write of [off, +n) of index lands in, its bytes current. */
static struct page *write_begin(struct machine *m, struct inode *inode,
				uint64_t index, size_t off, size_t n)
{
	struct page *page = find_get_page(m, inode, index);
	uint64_t pblk = bmap(inode, index);
	int err = 0;

	if (page)
		return page;
	if (!pblk)
		err = inode_alloc_block(m, inode, index, &pblk);
	if (err)
		return ERR_PTR(err);
	page = add_to_page_cache(m, inode, index, GFP_HIGHUSER_MOVABLE);
	if (IS_ERR(page))
		return page;
	if (off || n < m->page_size)
		err = read_page(m, inode, page);
	else
		SetPageFlag(page, PG_uptodate); /* every byte is written */
	if (err) {
		delete_from_page_cache(m, inode, page);
		return ERR_PTR(err);
	}
	return page;
}

int filemap_write(struct machine *m, struct inode *inode, uint64_t pos,
		  const void *buf, size_t count, size_t *done)
{
	*done = 0;
	while (*done < count) {
		uint64_t at = pos + *done, index = at >> m->page_shift;
		size_t off = at & (m->page_size - 1), n = m->page_size - off;
		struct page *page;

		if (n > count - *done)
			n = count - *done;
		page = write_begin(m, inode, index, off, n);
		if (IS_ERR(page))
			return *done ? 0 : (int)PTR_ERR(page);
		memcpy(pfn_to_ram(m, page_to_pfn(m, page)) + off,
		       (const uint8_t *)buf + *done, n);
		set_page_dirty(m, page);
		mark_page_accessed(m, page);
		*done += n;
	}
	return 0;
}

int filemap_write_range(struct machine *m, struct inode *inode, uint64_t start,
			uint64_t end, unsigned long *written)
{
	struct treap_node *n = start ? treap_higher(inode->i_pages, start - 1)
				     : treap_first(inode->i_pages);

	for (; n && n->key <= end; n = treap_higher(inode->i_pages, n->key)) {
		struct page *page = pfn_to_page(
			m, treap_entry(n, struct pagecache_slot, node)->pfn);
		int err;

		if (!PageFlag(page, PG_dirty))
			continue;
		err = writepage(m, inode, page);
		if (err)
			return err;
		if (written)
			(*written)++;
	}
	return 0;
}

/* Unheld, unmapped and clean: the page may leave the cache. */
static bool page_droppable(const struct page *page)
{
	return page->_refcount == 1 && page->_mapcount < 0 &&
	       !PageFlag(page, PG_dirty) && !PageFlag(page, PG_writeback);
}

unsigned long invalidate_mapping_pages(struct machine *m, struct inode *inode,
				       uint64_t start, uint64_t end)
{
	struct treap_node *n = treap_first(inode->i_pages);
	unsigned long dropped = 0;

	if (start)
		n = treap_higher(inode->i_pages, start - 1);
	while (n && n->key <= end) {
		struct page *page = pfn_to_page(
			m, treap_entry(n, struct pagecache_slot, node)->pfn);
		uint64_t key = n->key;

		n = treap_higher(inode->i_pages, key);
		if (!page_droppable(page))
			continue;
		delete_from_page_cache(m, inode, page);
		dropped++;
	}
	return dropped;
}

void truncate_inode_pages(struct machine *m, struct inode *inode,
			  uint64_t lstart)
{
	uint64_t first = (lstart + m->page_size - 1) >> m->page_shift;
	size_t tail = lstart & (m->page_size - 1);
	struct treap_node *n;
	struct page *page;

	workingset_forget(m, inode, first);
	while ((n = treap_last(inode->i_pages)) && n->key >= first) {
		page = pfn_to_page(
			m, treap_entry(n, struct pagecache_slot, node)->pfn);
		delete_from_page_cache(m, inode, page);
	}
	/* The page that holds the new end keeps no bytes past it. */
	page = tail ? find_get_page(m, inode, lstart >> m->page_shift) : NULL;
	if (page)
		memset(pfn_to_ram(m, page_to_pfn(m, page)) + tail, 0,
		       m->page_size - tail);
}

bool filemap_reclaim_page(struct machine *m, struct page *page)
{
	struct inode *inode = page_inode(page);

	if (page->_refcount != 1 || page->_mapcount >= 0)
		return false;
	if (PageFlag(page, PG_dirty)) {
		if (writepage(m, inode, page))
			return false;
		mod_lruvec_page_state(m, page, NR_VMSCAN_WRITE, 1);
	}
	workingset_eviction(m, inode, page);
	delete_from_page_cache(m, inode, page);
	return true;
}

unsigned long filemap_nr_dirty(const struct machine *m,
			       const struct inode *inode)
{
	(void)m;
	return inode->i_nrdirty;
}

void filemap_write_pages(struct machine *m, struct inode *inode,
			 unsigned long budget, unsigned long *written)
{
	unsigned long done = 0;

	for (struct treap_node *n = treap_first(inode->i_pages);
	     n && done < budget && inode->i_nrdirty;
	     n = treap_higher(inode->i_pages, n->key)) {
		struct page *page = pfn_to_page(
			m, treap_entry(n, struct pagecache_slot, node)->pfn);

		if (PageFlag(page, PG_dirty) && !writepage(m, inode, page))
			done++;
	}
	*written += done;
}

int filemap_check(const struct machine *m, const struct inode *inode,
		  unsigned long *dirty, char *why, size_t len)
{
	unsigned long n = 0, nrdirty = 0;
	uint64_t end = (inode->i_size + m->page_size - 1) >> m->page_shift;

	for (struct treap_node *t = treap_first(inode->i_pages); t;
	     t = treap_higher(inode->i_pages, t->key)) {
		unsigned long pfn =
			treap_entry(t, struct pagecache_slot, node)->pfn;
		const struct page *page = pfn_to_page(m, pfn);

		if (!pfn_valid(m, pfn) || page_inode(page) != inode ||
		    page->index != t->key || !PageFlag(page, PG_lru) ||
		    PageFlag(page, PG_swapbacked) ||
		    !PageFlag(page, PG_uptodate) || page->_refcount < 1 ||
		    t->key >= end)
			return check_failed(why, len,
					    "page cache: pfn %#lx at index "
					    "%llu of inode %lu is not that "
					    "page",
					    pfn, (unsigned long long)t->key,
					    inode->i_ino);
		nrdirty += PageFlag(page, PG_dirty);
		n++;
	}
	if (n != inode->i_nrpages)
		return check_failed(why, len,
				    "page cache: inode %lu holds %lu pages, "
				    "counts %lu",
				    inode->i_ino, n, inode->i_nrpages);
	*dirty += nrdirty;
	if (nrdirty != inode->i_nrdirty)
		return check_failed(why, len,
				    "page cache: inode %lu has %lu dirty "
				    "pages, counts %lu",
				    inode->i_ino, nrdirty, inode->i_nrdirty);
	return 0;
}
