/* SPDX-License-Identifier: MIT */
/*
 * op_numa.c - the NUMA rows of the operation table that are not
 * mechanical: set_mempolicy, get_mempolicy, mbind, migrate_pages and
 * move_pages carry nodemasks and page lists, and mbind and move_pages
 * need to know whether the session is an admin's (MPOL_MF_MOVE_ALL).
 *
 * Owns: nothing but the translation and the bound on move_pages' count.
 * Must never: touch the machine except through uapi, or do I/O.
 */
#include <stdint.h>
#include <stdlib.h>

#include "core/api.h"
#include "daemon/server.h"

/* The largest nodemask a reply carries: a page of bits, as Linux. */
#define NMASK_WORDS_MAX 512
/* A status move_pages left as it was (mm.proto's MovePagesResult). */
#define MOVE_PAGES_UNTOUCHED INT32_MIN

/* The most pages one move_pages request may name. */
#define MOVE_PAGES_MAX 1024

int op_set_mempolicy(struct session *s, const Mm__SetMempolicy *a,
		     struct reply *r)
{
	(void)r;
	return uapi_set_mempolicy(s->d->m, a->pid, a->mode, a->nmask,
				  a->n_nmask, a->maxnode);
}

int op_get_mempolicy(struct session *s, const Mm__GetMempolicy *a,
		     struct reply *r)
{
	uint64_t *out = calloc(NMASK_WORDS_MAX, sizeof(*out));
	int32_t mode = 0;
	size_t n = 0;
	int err;

	if (!out)
		return reply_error(r, -ENOMEM, "no memory for the nodemask");
	r->heap[0] = out;
	err = uapi_get_mempolicy(s->d->m, a->pid, a->maxnode, a->addr, a->flags,
				 a->want_nmask, &mode, out, &n);
	if (err)
		return err;
	mm__mempolicy__init(&r->mempolicy);
	r->mempolicy.mode = mode;
	r->mempolicy.n_nmask = n;
	r->mempolicy.nmask = out;
	r->rep.result_case = MM__REPLY__RESULT_MEMPOLICY;
	r->rep.mempolicy = &r->mempolicy;
	return 0;
}

int op_mbind(struct session *s, const Mm__Mbind *a, struct reply *r)
{
	(void)r;
	return uapi_mbind(s->d->m, a->pid, a->addr, a->len, a->mode, a->nmask,
			  a->n_nmask, a->maxnode, a->flags, s->admin);
}

int op_migrate_pages(struct session *s, const Mm__MigratePages *a,
		     struct reply *r)
{
	return uapi_migrate_pages(s->d->m, a->pid, a->maxnode, a->old_nodes,
				  a->n_old_nodes, a->new_nodes, a->n_new_nodes,
				  &r->value);
}

int op_move_pages(struct session *s, const Mm__MovePages *a, struct reply *r)
{
	int32_t *status;
	int err;

	if (a->n_pages > MOVE_PAGES_MAX)
		return reply_error(r, -EINVAL,
				   "move_pages: %zu pages; at most %d a "
				   "request",
				   a->n_pages, MOVE_PAGES_MAX);
	if (a->n_nodes && a->n_nodes != a->n_pages)
		return reply_error(r, -EINVAL,
				   "move_pages: %zu nodes for %zu pages",
				   a->n_nodes, a->n_pages);
	status = calloc(a->n_pages ? a->n_pages : 1, sizeof(*status));
	if (!status)
		return reply_error(r, -ENOMEM, "no memory for the status");
	r->heap[0] = status;
	for (size_t i = 0; i < a->n_pages; i++)
		status[i] = MOVE_PAGES_UNTOUCHED;
	err = uapi_move_pages(s->d->m, a->pid, a->n_pages, a->pages,
			      a->n_nodes ? a->nodes : NULL, status, a->flags,
			      s->admin);
	if (err < 0)
		return err;
	mm__move_pages_result__init(&r->move_pages);
	r->move_pages.not_migrated = (uint32_t)err;
	r->move_pages.n_status = a->n_pages;
	r->move_pages.status = status;
	r->rep.result_case = MM__REPLY__RESULT_MOVE_PAGES;
	r->rep.move_pages = &r->move_pages;
	return 0;
}
