/* SPDX-License-Identifier: MIT */
/*
 * treap.h - intrusive treaps ordered by a 64-bit key, used the way the
 * kernel's <linux/rbtree.h> is: the caller embeds a struct treap_node
 * in its own struct and finds that struct again with container_of.
 *
 * A treap is a binary search tree by key and a heap by priority (a
 * parent's is at least its children's); with random priorities it is
 * balanced in expectation. Keys in one treap are distinct and below
 * UINT64_MAX. The caller sets key and prio before inserting; priorities
 * from a seeded generator make the same calls give the same trees. An
 * augmented treap caches a value over each subtree (vmalloc's largest
 * free size): it passes an update callback, which every call runs on
 * each node whose children changed, children before parents, as
 * rb_augment_callbacks does; a plain treap passes NULL.
 *
 * Owns: the tree's shape: split, merge, insert, erase and the ordered
 * lookups. Must never allocate, free, or look at anything of a node but
 * its key, priority and links.
 */
#ifndef MM_TREAP_H
#define MM_TREAP_H

#include <stddef.h>
#include <stdint.h>

#include "core/compiler.h"

struct treap_node {
	uint64_t key;
	uint32_t prio;
	struct treap_node *left, *right;
};

typedef void treap_update_fn(struct treap_node *n);

#define treap_entry(ptr, type, member) container_of(ptr, type, member)

/* *lt gets the nodes of t with keys below key, *ge the others. */
void treap_split(struct treap_node *t, uint64_t key, struct treap_node **lt,
		 struct treap_node **ge, treap_update_fn *update);
/* One treap of l and r; every key of l is below every key of r. */
struct treap_node *treap_merge(struct treap_node *l, struct treap_node *r,
			       treap_update_fn *update);

/* n, its key and prio set, into the treap at *root. */
void treap_insert(struct treap_node **root, struct treap_node *n,
		  treap_update_fn *update);
/* The node with n's key out of the treap at *root. */
void treap_erase(struct treap_node **root, const struct treap_node *n,
		 treap_update_fn *update);

/* The node with the smallest or largest key; NULL for an empty treap. */
struct treap_node *treap_first(struct treap_node *t);
struct treap_node *treap_last(struct treap_node *t);
/* The node with the largest key at or below key, or NULL. */
struct treap_node *treap_floor(struct treap_node *t, uint64_t key);
/* The node with the smallest key above key, or NULL. */
struct treap_node *treap_higher(struct treap_node *t, uint64_t key);

#endif /* MM_TREAP_H */
