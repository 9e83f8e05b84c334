/* SPDX-License-Identifier: MIT */
/*
 * treap.c - intrusive treaps ordered by a 64-bit key (treap.h).
 *
 * Owns: splitting and merging, and through them insertion and erasure,
 * with the augmented value brought up to date on every node whose
 * children change. Must never allocate or free a node: nodes belong to
 * the structs that embed them.
 */
#include "core/treap.h"

void treap_split(struct treap_node *t, uint64_t key, struct treap_node **lt,
		 struct treap_node **ge, treap_update_fn *update)
{
	if (!t) {
		*lt = *ge = NULL;
		return;
	}
	if (t->key < key) {
		treap_split(t->right, key, &t->right, ge, update);
		*lt = t;
	} else {
		treap_split(t->left, key, lt, &t->left, update);
		*ge = t;
	}
	if (update)
		update(t);
}

struct treap_node *treap_merge(struct treap_node *l, struct treap_node *r,
			       treap_update_fn *update)
{
	struct treap_node *top;

	if (!l || !r)
		return l ? l : r;
	if (l->prio >= r->prio) {
		l->right = treap_merge(l->right, r, update);
		top = l;
	} else {
		r->left = treap_merge(l, r->left, update);
		top = r;
	}
	if (update)
		update(top);
	return top;
}

void treap_insert(struct treap_node **root, struct treap_node *n,
		  treap_update_fn *update)
{
	struct treap_node *l, *r;

	n->left = n->right = NULL;
	if (update)
		update(n);
	treap_split(*root, n->key, &l, &r, update);
	*root = treap_merge(treap_merge(l, n, update), r, update);
}

void treap_erase(struct treap_node **root, const struct treap_node *n,
		 treap_update_fn *update)
{
	struct treap_node *l, *mid, *r;

	treap_split(*root, n->key, &l, &r, update);
	treap_split(r, n->key + 1, &mid, &r, update);
	*root = treap_merge(l, r, update);
}

struct treap_node *treap_first(struct treap_node *t)
{
	while (t && t->left)
		t = t->left;
	return t;
}

struct treap_node *treap_last(struct treap_node *t)
{
	while (t && t->right)
		t = t->right;
	return t;
}

struct treap_node *treap_floor(struct treap_node *t, uint64_t key)
{
	struct treap_node *found = NULL;

	while (t) {
		if (t->key <= key) {
			found = t;
			t = t->right;
		} else {
			t = t->left;
		}
	}
	return found;
}

struct treap_node *treap_higher(struct treap_node *t, uint64_t key)
{
	struct treap_node *found = NULL;

	while (t) {
		if (t->key > key) {
			found = t;
			t = t->left;
		} else {
			t = t->right;
		}
	}
	return found;
}
