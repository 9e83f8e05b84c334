/* SPDX-License-Identifier: MIT */
/*
 * workingset.c - refault detection, as mm/workingset.c does it for
 * the classic LRU: a file page reclaim evicts leaves a shadow entry in
 * its inode (the node's nonresident age at eviction); when the page is
 * read again, the refault distance (evictions and activations since)
 * is set against the working set that could have held it (the active
 * file list, and the anonymous lists when there is swap), and a page
 * that would have stayed had the lists been balanced comes back
 * active: workingset_refault_file, workingset_activate_file and
 * workingset_restore_file count it.
 *
 * Owns: shadow entries (a treap per inode, by index) and the node's
 * nonresident age. Must never: keep more shadows than the machine has
 * frames (older ones are not kept), or leave a shadow where a page is.
 */
#include "core/workingset.h"

#include <stdlib.h>

#include "core/err.h"
#include "core/filemap.h"
#include "core/fs/fs.h"
#include "core/mmzone.h"
#include "core/swap.h"

struct shadow_entry {
	struct treap_node node; /* key: the evicted page's index */
	unsigned long eviction; /* its node's nonresident age when it left */
	int nid;		/* the node it left, as pack_shadow keeps it */
	bool workingset;	/* it was active (PG_workingset) */
};

void workingset_age_nonresident(struct machine *m, int nid, unsigned long nr)
{
	node_lruvec(m, nid)->nonresident_age += nr;
}

/* The shadows of every node: what the inodes hold in all. */
static unsigned long nr_shadows(const struct machine *m)
{
	unsigned long n = 0;

	for (unsigned int nid = 0; nid < m->nr_node_ids; nid++)
		n += node_lruvec_const(m, (int)nid)->nr_shadows;
	return n;
}

static struct shadow_entry *shadow_at(const struct inode *inode, uint64_t index)
{
	struct treap_node *n = treap_floor(inode->i_shadows, index);

	return n && n->key == index ? treap_entry(n, struct shadow_entry, node)
				    : NULL;
}

void workingset_eviction(struct machine *m, struct inode *inode,
			 struct page *page)
{
	struct lruvec *lv = folio_lruvec(m, page);
	struct shadow_entry *s;

	/* The age before this eviction is the shadow's, as Linux's. */
	if (nr_shadows(m) < m->max_pfn && !shadow_at(inode, page->index) &&
	    (s = calloc(1, sizeof(*s)))) {
		s->node.key = page->index;
		s->node.prio = fs_next_prio(m->fs);
		s->eviction = lv->nonresident_age;
		s->nid = page_to_nid(page);
		s->workingset = PageFlag(page, PG_active);
		treap_insert(&inode->i_shadows, &s->node, NULL);
		lv->nr_shadows++;
		mod_lruvec_page_state(m, page, WORKINGSET_NODES, 1);
	}
	workingset_age_nonresident(m, page_to_nid(page), 1);
}

static void drop_shadow(struct machine *m, struct inode *inode,
			struct shadow_entry *s)
{
	treap_erase(&inode->i_shadows, &s->node, NULL);
	node_lruvec(m, s->nid)->nr_shadows--;
	mod_node_page_state(m, s->nid, WORKINGSET_NODES, -1);
	free(s);
}

bool workingset_refault(struct machine *m, struct inode *inode, uint64_t index,
			bool *workingset)
{
	struct shadow_entry *s = shadow_at(inode, index);
	const struct lruvec *lv;
	unsigned long distance, size;
	int nid;

	if (!s)
		return false;
	/* Judged against the clock of the node it left (unpack_shadow). */
	nid = s->nid;
	lv = node_lruvec(m, nid);
	distance = lv->nonresident_age - s->eviction;
	*workingset = s->workingset;
	drop_shadow(m, inode, s);
	mod_node_page_state(m, nid, WORKINGSET_REFAULT_FILE, 1);
	size = lv->nr_pages[LRU_ACTIVE_FILE];
	if (nr_free_swap_pages(m))
		size += lv->nr_pages[LRU_INACTIVE_ANON] +
			lv->nr_pages[LRU_ACTIVE_ANON];
	if (distance > size)
		return false;
	mod_node_page_state(m, nid, WORKINGSET_ACTIVATE_FILE, 1);
	workingset_age_nonresident(m, nid, 1);
	if (*workingset)
		mod_node_page_state(m, nid, WORKINGSET_RESTORE_FILE, 1);
	return true;
}

void workingset_forget(struct machine *m, struct inode *inode, uint64_t from)
{
	struct treap_node *n;

	while ((n = treap_last(inode->i_shadows)) && n->key >= from)
		drop_shadow(m, inode,
			    treap_entry(n, struct shadow_entry, node));
}

int workingset_check(const struct machine *m, const struct inode *inode,
		     unsigned long *nr, char *why, size_t len)
{
	for (struct treap_node *n = treap_first(inode->i_shadows); n;
	     n = treap_higher(inode->i_shadows, n->key)) {
		if (find_get_page(m, inode, n->key))
			return check_failed(why, len,
					    "workingset: inode %lu has a "
					    "shadow and a page at %llu",
					    inode->i_ino,
					    (unsigned long long)n->key);
		nr[treap_entry(n, struct shadow_entry, node)->nid]++;
	}
	return 0;
}
