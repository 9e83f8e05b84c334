/* SPDX-License-Identifier: MIT */
/*
 * mempolicy_syscalls.c - the memory-policy system calls of
 * mm/mempolicy.c and mm/migrate.c: set_mempolicy, get_mempolicy, mbind,
 * migrate_pages and move_pages, with Linux's errno for every bad input.
 *
 * Owns: reading a user nodemask (get_nodes) and writing one back, a
 * task's policy, a range's VMA policy (split and merged by vma.c), and
 * moving a task's pages between nodes with migrate.c. Must never: move
 * a page it may not (pinned, shared without MPOL_MF_MOVE_ALL), or leave
 * a range half changed when its checks fail.
 */
#include "core/mempolicy_syscalls.h"

#include <errno.h>
#include <stdlib.h>

#include "core/err.h"
#include "core/huge_mm.h"
#include "core/memory.h"
#include "core/migrate.h"
#include "core/mm.h"
#include "core/page_alloc.h"
#include "core/task.h"
#include "core/vma_internal.h"

#define BITS_PER_LONG 64

int get_nodes(const struct machine *m, const uint64_t *nmask, size_t nwords,
	      uint64_t maxnode, nodemask_t *nodes)
{
	uint64_t bits;

	nodes->bits = 0;
	if (maxnode-- == 0 || maxnode == 0 || !nwords)
		return 0;
	if (maxnode > (uint64_t)m->page_size * 8)
		return -EINVAL;
	if (nwords < (maxnode + BITS_PER_LONG - 1) / BITS_PER_LONG)
		return -EFAULT; /* the mask is shorter than maxnode says */
	/* Any node above MAX_NUMNODES set is refused, word by word. */
	for (uint64_t w = 0; w * BITS_PER_LONG < maxnode; w++) {
		uint64_t word = nmask[w];
		uint64_t left = maxnode - w * BITS_PER_LONG;

		if (left < BITS_PER_LONG)
			word &= (1ULL << left) - 1;
		if (w == 0) {
			bits = word & ((1ULL << MAX_NUMNODES) - 1);
			word &= ~((1ULL << MAX_NUMNODES) - 1);
		}
		if (word)
			return -EINVAL;
	}
	nodes->bits = (unsigned long)bits;
	return 0;
}

int copy_nodes_to_user(const struct machine *m, uint64_t maxnode,
		       nodemask_t nodes, uint64_t *out, size_t *nwords)
{
	uint64_t copy = ((maxnode - 1 + 63) & ~63ULL) / 8;

	if (copy > 8 && copy > m->page_size)
		return -EINVAL;
	*nwords = (size_t)(copy / 8);
	for (size_t w = 0; w < *nwords; w++)
		out[w] = w ? 0 : nodes.bits;
	return 0;
}

int kernel_set_mempolicy(struct machine *m, struct task_struct *t, int mode,
			 const uint64_t *nmask, size_t nwords, uint64_t maxnode)
{
	unsigned short flags;
	struct mempolicy pol;
	nodemask_t nodes;
	int err = sanitize_mpol_flags(&mode, &flags);

	if (!err)
		err = get_nodes(m, nmask, nwords, maxnode, &nodes);
	if (!err)
		err = mpol_new(m, mode, flags, nodes, &pol);
	if (err)
		return mm_refuse(m, BAD_NONE, err,
				 "set_mempolicy: mode %d with nodes %#lx is "
				 "not a policy",
				 mode, nodes.bits);
	/* Interleave starts its turn at the first node, as Linux's. */
	t->mempolicy = pol;
	return 0;
}

/* The node of the page at addr, read in first, as lookup_node. */
static int lookup_node(struct machine *m, struct mm_struct *mm, uint64_t addr)
{
	struct user_fault fault;
	unsigned long pfn;
	uint64_t pte;

	if (pgtable_lookup(m, mm->pgd, addr, &pte, &pfn) || !pte_present(pte)) {
		int err = handle_mm_fault(m, mm, addr, USER_READ, &fault);

		if (err)
			return -EFAULT;
		if (pgtable_lookup(m, mm->pgd, addr, &pte, &pfn))
			return -EFAULT;
	}
	return page_to_nid(pfn_to_page(m, pfn));
}

/* What policy MPOL_F_NODE reports without an address. */
static int policy_node(struct mempolicy *pol, bool task)
{
	if (task && pol->mode == MPOL_INTERLEAVE)
		return next_node_in(pol->il_prev, pol->nodes);
	if (task && pol->mode == MPOL_WEIGHTED_INTERLEAVE)
		return pol->il_weight ? pol->il_prev
				      : next_node_in(pol->il_prev, pol->nodes);
	return -EINVAL;
}

int kernel_get_mempolicy(struct machine *m, struct task_struct *t, int *policy,
			 nodemask_t *nodes, uint64_t addr, unsigned long flags)
{
	struct mempolicy *pol = &t->mempolicy;
	struct vm_area_struct *vma = NULL;

	if (flags &
	    ~(unsigned long)(MPOL_F_NODE | MPOL_F_ADDR | MPOL_F_MEMS_ALLOWED))
		return -EINVAL;
	*policy = 0;
	*nodes = (nodemask_t){0};
	if (flags & MPOL_F_MEMS_ALLOWED) {
		if (flags & (MPOL_F_NODE | MPOL_F_ADDR))
			return -EINVAL;
		*nodes = m->node_online_map;
		return 0;
	}
	if (flags & MPOL_F_ADDR) {
		vma = find_vma(t->mm, addr);
		if (!vma || addr < vma->vm_start)
			return -EFAULT;
		pol = &vma->vm_policy; /* MPOL_DEFAULT when it has none */
	} else if (addr) {
		return -EINVAL;
	}
	if (flags & MPOL_F_NODE) {
		*policy = vma ? lookup_node(m, t->mm, addr)
			      : policy_node(pol, true);
		if (*policy < 0)
			return *policy;
	} else {
		*policy = pol->mode | (pol->flags & MPOL_MODE_FLAGS);
	}
	*nodes = (pol->flags & (MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES))
			 ? pol->user_nodemask
			 : get_policy_nodemask(pol);
	return 0;
}

/*
 * Move one page to node nid (a fresh page there, __GFP_THISNODE), as
 * migrate_pages does for a page it isolated; 0 or -errno.
 */
static int migrate_to_nid(struct machine *m, struct page *src, int nid,
			  int reason)
{
	struct page *dst;

	if (page_to_nid(src) == nid)
		return 0;
	if (!page_migratable(m, src))
		return -EBUSY;
	dst = __alloc_pages(m,
			    GFP_HIGHUSER_MOVABLE | __GFP_THISNODE |
				    __GFP_NOWARN | __GFP_NORETRY,
			    0, nid, NULL);
	if (IS_ERR(dst)) {
		m->vm_events[PGMIGRATE_FAIL]++; /* nr_failed_pages */
		return -ENOMEM;
	}
	if (migrate_page(m, src, dst, reason)) {
		__free_pages(m, dst, 0);
		m->vm_events[PGMIGRATE_FAIL]++;
		return -EBUSY;
	}
	m->vm_events[PGMIGRATE_SUCCESS]++;
	return 0;
}

/*
 * Where a misplaced THP goes: mbind's under the range's policy by the
 * huge page's interleave index (alloc_migration_target_by_mpol, which
 * may fall back to other nodes as a fault would), migrate_pages' and
 * move_pages' on the node alone (alloc_migration_target: the THP's own
 * order, GFP_TRANSHUGE).
 */
static struct page *alloc_thp_target(struct machine *m,
				     const struct mempolicy *pol,
				     unsigned long ilx, int nid)
{
	unsigned int order = huge_page_order(m);
	struct mempolicy p;

	if (!pol)
		return __alloc_pages(m, GFP_TRANSHUGE | __GFP_THISNODE, order,
				     nid, NULL);
	p = *pol;
	if (p.mode != MPOL_INTERLEAVE && p.mode != MPOL_WEIGHTED_INTERLEAVE)
		ilx = 0;
	return alloc_pages_mpol(m, GFP_TRANSHUGE, order, &p, ilx,
				numa_node_id(m));
}

/*
 * No THP to be had: split it and move its pages one by one (to where
 * nid_of says each goes), as migrate_pages_batch's -ENOMEM fallback;
 * the THP counts as one failure (thp_migration_fail) whatever its pages
 * do, and as thp_migration_split; a THP that cannot be split fails
 * whole (pgmigrate_fail counts its pages).
 */
struct thp_target {
	const struct mempolicy *pol; /* mbind's policy, or NULL */
	struct vm_area_struct *vma;
	uint64_t haddr; /* where vma maps the THP */
	int nid;	/* without pol: the node */
	int reason;
};

static int split_target_nid(struct machine *m, const struct thp_target *t,
			    unsigned long i);

static int migrate_thp_split(struct machine *m, struct page *head,
			     const struct thp_target *t)
{
	unsigned long nr = 1UL << huge_page_order(m);

	m->vm_events[THP_MIGRATION_FAIL]++;
	if (split_folio(m, head)) {
		m->vm_events[PGMIGRATE_FAIL] += nr;
		return -EBUSY;
	}
	m->vm_events[THP_MIGRATION_SPLIT]++;
	for (unsigned long i = 0; i < nr; i++)
		migrate_to_nid(m, head + i, split_target_nid(m, t, i),
			       t->reason);
	return 1;
}

/*
 * A misplaced THP (its head): moved whole to a fresh THP (pgmigrate_success
 * counts its pages, thp_migration_success the THP): 0; else split and
 * its pages moved: 1 (migrate_pages counts it as a failed folio all the
 * same), as is one only partly mapped, split before any try;
 * -EBUSY when it stayed where it was.
 */
static int migrate_thp_to(struct machine *m, struct page *head,
			  const struct thp_target *t)
{
	unsigned long nr = 1UL << huge_page_order(m), ilx;
	unsigned int order = huge_page_order(m);
	struct page *dst;

	/* Partly mapped: split first, as migrate_pages_batch does. */
	if (!list_empty(thp_deferred_list(head)))
		return migrate_thp_split(m, head, t);
	if (!folio_migratable(m, head))
		goto fail;
	ilx = (unsigned long)(t->vma->vm_pgoff >> order) +
	      (unsigned long)((t->haddr - t->vma->vm_start) >>
			      (m->page_shift + order));
	dst = alloc_thp_target(m, t->pol, ilx, t->nid);
	if (IS_ERR(dst))
		return migrate_thp_split(m, head, t);
	if (migrate_thp(m, head, dst, t->reason)) {
		__free_pages(m, dst, order);
		goto fail;
	}
	m->vm_events[PGMIGRATE_SUCCESS] += nr;
	m->vm_events[THP_MIGRATION_SUCCESS]++;
	return 0;
fail:
	m->vm_events[THP_MIGRATION_FAIL]++;
	m->vm_events[PGMIGRATE_FAIL] += nr;
	return -EBUSY;
}

/* Where a misplaced page of vma at addr goes under pol. */
static int mbind_target(struct machine *m, const struct mempolicy *pol,
			struct vm_area_struct *vma, uint64_t addr)
{
	unsigned long ilx =
		(unsigned long)vma->vm_pgoff +
		(unsigned long)((addr - vma->vm_start) >> m->page_shift);

	switch (pol->mode) {
	case MPOL_INTERLEAVE:
	case MPOL_WEIGHTED_INTERLEAVE:
		return mpol_interleave_nid(m, pol, ilx);
	case MPOL_PREFERRED:
	case MPOL_BIND:
	case MPOL_PREFERRED_MANY:
		/* The allowed node nearest the caller, as the zonelist. */
		if (node_isset(numa_node_id(m), pol->nodes))
			return numa_node_id(m);
		return first_node(pol->nodes);
	}
	return numa_node_id(m);
}

static int split_target_nid(struct machine *m, const struct thp_target *t,
			    unsigned long i)
{
	if (!t->pol)
		return t->nid;
	return mbind_target(m, t->pol, t->vma,
			    t->haddr + ((uint64_t)i << m->page_shift));
}

/* What the leaf walk of mbind and migrate_pages carries along. */
struct queue_walk {
	struct machine *m;
	struct mm_struct *mm;
	const struct mempolicy *pol; /* mbind: where pages go */
	nodemask_t nodes;	     /* pages on these stay */
	int to;			     /* migrate_pages: the node they go to */
	unsigned long flags;
	unsigned long failed;
	int reason;	   /* MR_MEMPOLICY_MBIND or MR_SYSCALL */
	struct page *prev; /* the last THP taken from a PTE */
};

/*
 * Is the THP mapped by more than one mm (folio_maybe_mapped_shared)? A
 * page of it mapped twice, by a PMD and a PTE or by two of either, is.
 */
static bool thp_maybe_mapped_shared(const struct machine *m,
				    const struct page *head)
{
	unsigned long nr = 1UL << huge_page_order(m);
	int entire = thp_entire_mapcount(head);

	if (entire > 1)
		return true;
	for (unsigned long i = 0; i < nr; i++)
		if (entire + page_mapcount(head + i) > 1)
			return true;
	return false;
}

/* A misplaced THP taken once: moved whole (or split), or a failure. */
static void queue_folio(struct queue_walk *q, struct page *head,
			const struct thp_target *t)
{
	if ((q->flags & MPOL_MF_MOVE) && !(q->flags & MPOL_MF_MOVE_ALL) &&
	    thp_maybe_mapped_shared(q->m, head))
		return;
	if (!(q->flags & MPOL_MF_MOVE_FLAGS))
		q->failed++;
	else
		q->failed += migrate_thp_to(q->m, head, t) != 0;
}

/*
 * A PMD leaf: a THP misplaced is moved whole (or split and its pages
 * moved), with the rules of queue_folios_pmd: the huge zero page and
 * hugetlb pages stay, a THP more than one mm maps is skipped without
 * MPOL_MF_MOVE_ALL, and without a move flag it counts as failed.
 */
static int queue_thp(struct queue_walk *q, uint64_t haddr, unsigned long pfn)
{
	struct machine *m = q->m;
	struct vm_area_struct *vma = find_vma(q->mm, haddr);
	struct page *head = pfn_to_page(m, pfn);
	struct thp_target t = {q->pol, vma, haddr, q->to, q->reason};

	if (is_huge_zero_pfn(m, pfn) || !vma || (vma->vm_flags & VM_HUGETLB) ||
	    !PageThp(head) || node_isset(page_to_nid(head), q->nodes))
		return 0;
	queue_folio(q, head, &t);
	return 0;
}

/*
 * A page of a THP that PTEs map (a PMD split by mprotect or a partial
 * munmap): the THP is taken once, whole, from the first of its pages
 * the walk meets, as queue_folios_pte_range takes a large folio (the
 * next PTEs of the same folio are passed over, not failures).
 */
static int queue_pte_thp(struct queue_walk *q, uint64_t addr, struct page *page,
			 struct page *head)
{
	struct machine *m = q->m;
	uint64_t haddr = addr - ((uint64_t)(page - head) << m->page_shift);
	struct thp_target t = {q->pol, find_vma(q->mm, addr), haddr, q->to,
			       q->reason};

	if (node_isset(page_to_nid(head), q->nodes) || head == q->prev)
		return 0;
	q->prev = head;
	queue_folio(q, head, &t);
	return 0;
}

/*
 * One present page: left where it is when on the nodes (or not a user
 * page on an LRU list), else moved where pol puts it (MPOL_MF_MOVE:
 * only pages this mm alone maps, shared ones skipped and not counted;
 * MPOL_MF_MOVE_ALL: shared ones too), or counted as failed, as
 * queue_folios_pte_range and migrate_folio_add.
 */
static int queue_one(void *ctx, uint64_t addr, uint64_t entry,
		     uint64_t page_size)
{
	struct queue_walk *q = ctx;
	struct machine *m = q->m;
	unsigned long pfn = pte_pfn(m, entry);
	struct vm_area_struct *vma;
	struct page *page;
	int nid;

	if (!pte_present(entry) || pfn == m->zero_pfn || !pfn_valid(m, pfn))
		return 0;
	if (page_size == huge_page_size(m))
		return queue_thp(q, addr, pfn);
	if (page_size != m->page_size)
		return 0;
	page = pfn_to_page(m, pfn);
	if (thp_head(m, page))
		return queue_pte_thp(q, addr, page, thp_head(m, page));
	if (node_isset(page_to_nid(page), q->nodes) || !PageFlag(page, PG_lru))
		return 0;
	/* A shared page without MPOL_MF_MOVE_ALL is skipped, no failure. */
	if ((q->flags & MPOL_MF_MOVE) && !(q->flags & MPOL_MF_MOVE_ALL) &&
	    page_mapcount(page) > 1)
		return 0;
	vma = find_vma(q->mm, addr);
	nid = q->pol ? mbind_target(m, q->pol, vma, addr) : q->to;
	if (!(q->flags & MPOL_MF_MOVE_FLAGS) ||
	    migrate_to_nid(m, page, nid, q->reason))
		q->failed++;
	return 0;
}

/*
 * Walks only the entries that exist, so a huge range costs what it
 * maps, not what it spans. Returns the pages that stayed misplaced.
 */
static unsigned long mbind_queue_pages(struct machine *m, struct mm_struct *mm,
				       uint64_t start, uint64_t end,
				       nodemask_t nodes,
				       const struct mempolicy *pol,
				       unsigned long flags)
{
	struct queue_walk q = {
		m, mm, pol, nodes, 0, flags, 0, MR_MEMPOLICY_MBIND, NULL};

	pgtable_for_each_leaf(m, mm->pgd, start, end, queue_one, &q);
	return q.failed;
}

/*
 * The range must be mapped: a hole anywhere is -EFAULT, unless the
 * policy is the default (MPOL_MF_DISCONTIG_OK), and a range that is all
 * hole is -EFAULT always, as queue_pages_test_walk.
 */
static int mbind_check_range(struct mm_struct *mm, uint64_t start, uint64_t end,
			     bool discontig_ok)
{
	uint64_t addr = start;
	bool any = false;

	while (addr < end) {
		struct vm_area_struct *vma = find_vma(mm, addr);

		if (!vma || vma->vm_start >= end)
			break;
		if (vma->vm_start > addr && !discontig_ok)
			return -EFAULT;
		any = true;
		addr = vma->vm_end;
	}
	if (!any || (addr < end && !discontig_ok))
		return -EFAULT;
	return 0;
}

static int mbind_apply(struct machine *m, struct mm_struct *mm, uint64_t start,
		       uint64_t end, const struct mempolicy *pol)
{
	uint64_t addr = start;

	while (addr < end) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		uint64_t s, e;
		int err;

		if (!vma || vma->vm_start >= end)
			break;
		s = vma->vm_start > addr ? vma->vm_start : addr;
		e = vma->vm_end < end ? vma->vm_end : end;
		err = mbind_update_vma(m, mm, s, e, pol);
		if (err)
			return err;
		addr = e;
	}
	return 0;
}

long kernel_mbind(struct machine *m, struct task_struct *t, uint64_t start,
		  uint64_t len, int mode, const uint64_t *nmask, size_t nwords,
		  uint64_t maxnode, unsigned long flags, bool admin)
{
	uint64_t mask = m->page_size - 1, end;
	unsigned short mflags;
	struct mempolicy pol;
	nodemask_t nodes;
	unsigned long failed;
	int err = sanitize_mpol_flags(&mode, &mflags);

	if (!err)
		err = get_nodes(m, nmask, nwords, maxnode, &nodes);
	if (err)
		return err;
	if (flags & ~(unsigned long)MPOL_MF_VALID)
		return -EINVAL;
	if ((flags & MPOL_MF_MOVE_ALL) && !admin)
		return -EPERM; /* CAP_SYS_NICE */
	if (start & mask)
		return -EINVAL;
	if (mode == MPOL_DEFAULT)
		flags &= ~(unsigned long)MPOL_MF_STRICT;
	len = (len + mask) & ~mask;
	end = start + len;
	if (end < start || (len == 0 && end != start))
		return -EINVAL;
	if (end == start)
		return 0;
	err = mpol_new(m, mode, mflags, nodes, &pol);
	if (!err)
		err = mbind_check_range(t->mm, start, end,
					pol.mode == MPOL_DEFAULT);
	if (err)
		return err;
	failed = mbind_queue_pages(m, t->mm, start, end,
				   pol.mode == MPOL_DEFAULT ? m->node_online_map
							    : nodes,
				   &pol, flags);
	err = mbind_apply(m, t->mm, start, end, &pol);
	if (!err && failed && (flags & MPOL_MF_STRICT))
		err = -EIO;
	return err;
}

/* Every page of mm on node from moves to node to; the ones left. */
static unsigned long migrate_node(struct machine *m, struct mm_struct *mm,
				  int from, int to)
{
	nodemask_t others = {m->node_online_map.bits & ~(1UL << from)};
	struct queue_walk q = {m, mm,	      NULL, others, to, MPOL_MF_MOVE,
			       0, MR_SYSCALL, NULL};

	pgtable_for_each_leaf(m, mm->pgd, 0, mm->task_size, queue_one, &q);
	return q.failed;
}

long kernel_migrate_pages(struct machine *m, struct task_struct *t,
			  uint64_t maxnode, const uint64_t *old_nodes,
			  size_t nold, const uint64_t *new_nodes, size_t nnew)
{
	nodemask_t from, to;
	unsigned long failed = 0;
	int err = get_nodes(m, old_nodes, nold, maxnode, &from);
	int s;

	if (!err)
		err = get_nodes(m, new_nodes, nnew, maxnode, &to);
	if (err)
		return err;
	/*
	 * Nodes not online: -EINVAL, as its check against N_MEMORY; no
	 * node left once intersected with the nodes allowed: -EINVAL too.
	 */
	if (!nodes_equal(nodes_and(to, m->node_online_map), to) ||
	    nodes_empty(to))
		return -EINVAL;
	/* Each source node to its counterpart, as do_migrate_pages. */
	for_each_node_mask(s, from)
	{
		int d = nth_node(to, s % nodes_weight(to));

		if (nodes_weight(from) != nodes_weight(to) && node_isset(s, to))
			continue;
		if (s != d)
			failed += migrate_node(m, t->mm, s, d);
	}
	return (long)failed;
}

/* ---- move_pages, as do_pages_move ------------------------------ */

/* do_pages_move's state: the folios queued for the current node. */
struct pages_move {
	struct machine *m;
	struct mm_struct *mm;
	const uint64_t *pages;
	int32_t *status;
	unsigned long nr;
	bool migrate_all;
	int node;	      /* current_node: NUMA_NO_NODE for none */
	unsigned long start;  /* the first page queued for it */
	struct page **queued; /* heads of THPs, or small pages */
	uint64_t *addrs;      /* where each was asked for */
	unsigned long nr_queued;
};

static bool move_queued(const struct pages_move *pm, const struct page *folio)
{
	for (unsigned long q = 0; q < pm->nr_queued; q++)
		if (pm->queued[q] == folio)
			return true;
	return false;
}

/*
 * add_folio_for_migration: -EFAULT outside a VMA (or one that cannot
 * migrate) and for the zero page, -ENOENT where nothing is present, 0
 * when the folio is on node already, -EACCES when another process maps
 * it too (unless MPOL_MF_MOVE_ALL), -EBUSY when it cannot be isolated
 * (not on an LRU list, or queued already by an earlier address of the
 * same call), else 1: queued.
 */
static int add_folio_for_migration(struct pages_move *pm, uint64_t addr,
				   int node)
{
	struct machine *m = pm->m;
	struct vm_area_struct *vma = find_vma(pm->mm, addr);
	struct page *page, *head;
	unsigned long pfn;
	uint64_t pte;

	if (!vma || addr < vma->vm_start || (vma->vm_flags & VM_SPECIAL))
		return -EFAULT;
	if (pgtable_lookup(m, pm->mm->pgd, addr, &pte, &pfn) ||
	    !pte_present(pte) || !pfn_valid(m, pfn))
		return -ENOENT;
	if (pfn == m->zero_pfn || is_huge_zero_pfn(m, pfn))
		return -EFAULT;
	page = pfn_to_page(m, pfn);
	head = thp_head(m, page);
	if (page_to_nid(head ? head : page) == node)
		return 0;
	if (!pm->migrate_all &&
	    (head ? thp_maybe_mapped_shared(m, head) : page_mapcount(page) > 1))
		return -EACCES;
	if (move_queued(pm, head ? head : page) ||
	    (!head && !PageFlag(page, PG_lru)))
		return -EBUSY;
	pm->queued[pm->nr_queued] = head ? head : page;
	pm->addrs[pm->nr_queued++] = addr;
	return 1;
}

/*
 * do_move_pages_to_node: every queued folio to node, a THP whole (or
 * split, its pages after it); the folios not migrated, a split THP
 * among them, as migrate_pages counts.
 */
static unsigned long move_queued_to_node(struct pages_move *pm, int node)
{
	struct machine *m = pm->m;
	unsigned long failed = 0;

	for (unsigned long q = 0; q < pm->nr_queued; q++) {
		struct page *folio = pm->queued[q];
		uint64_t addr = pm->addrs[q];
		struct page *page;
		unsigned long pfn;
		uint64_t pte;

		if (!PageThp(folio)) {
			failed +=
				migrate_to_nid(m, folio, node, MR_SYSCALL) != 0;
			continue;
		}
		pgtable_lookup(m, pm->mm->pgd, addr, &pte, &pfn);
		page = pfn_to_page(m, pfn);
		{
			struct thp_target t = {NULL, find_vma(pm->mm, addr),
					       addr - ((uint64_t)(page - folio)
						       << m->page_shift),
					       node, MR_SYSCALL};

			failed += migrate_thp_to(m, folio, &t) != 0;
		}
	}
	pm->nr_queued = 0;
	return failed;
}

/*
 * move_pages_and_store_status: the queue moved to the current node;
 * when all moved, pages start..i-1 get the node as their status; else
 * their status stays as it was and the answer is the folios that did
 * not move plus the pages not yet looked at (nr - i), what the call
 * then returns.
 */
static long move_pages_and_store_status(struct pages_move *pm, unsigned long i)
{
	unsigned long failed;

	if (!pm->nr_queued)
		return 0;
	failed = move_queued_to_node(pm, pm->node);
	if (failed)
		return (long)(failed + pm->nr - i);
	for (unsigned long j = pm->start; j < i; j++)
		pm->status[j] = pm->node;
	return 0;
}

/*
 * do_pages_move: pages run in order, queued while their node is the
 * same; a change of node, or a page not queued (its status stored at
 * once), moves the queue first. A node that is not online ends the call
 * with -ENODEV after moving the queue (the pages before it moved).
 */
static long do_pages_move(struct pages_move *pm, const int32_t *nodes)
{
	unsigned long i;
	long err = 0, err1;

	for (i = 0; i < pm->nr; i++) {
		int node = nodes[i];

		if (node < 0 || node >= MAX_NUMNODES ||
		    !node_online(pm->m, node)) {
			err = -ENODEV;
			goto out_flush;
		}
		if (pm->node == NUMA_NO_NODE) {
			pm->node = node;
			pm->start = i;
		} else if (node != pm->node) {
			err = move_pages_and_store_status(pm, i);
			if (err)
				return err;
			pm->start = i;
			pm->node = node;
		}
		err = add_folio_for_migration(pm, pm->pages[i], pm->node);
		if (err > 0)
			continue;
		pm->status[i] = err ? (int32_t)err : pm->node;
		err = move_pages_and_store_status(pm, i);
		if (err)
			return err > 0 ? err - 1 : err; /* page i is stored */
		pm->node = NUMA_NO_NODE;
	}
out_flush:
	err1 = move_pages_and_store_status(pm, i);
	return err >= 0 ? err1 : err;
}

/*
 * do_pages_stat: each page's node, -EFAULT outside a VMA and for the
 * zero page, -ENOENT where nothing is present.
 */
static void do_pages_stat(struct machine *m, struct mm_struct *mm,
			  unsigned long nr, const uint64_t *pages,
			  int32_t *status)
{
	for (unsigned long i = 0; i < nr; i++) {
		struct vm_area_struct *vma = find_vma(mm, pages[i]);
		unsigned long pfn;
		uint64_t pte;

		if (!vma || pages[i] < vma->vm_start)
			status[i] = -EFAULT;
		else if (pgtable_lookup(m, mm->pgd, pages[i], &pte, &pfn) ||
			 !pte_present(pte) || !pfn_valid(m, pfn))
			status[i] = -ENOENT;
		else if (pfn == m->zero_pfn || is_huge_zero_pfn(m, pfn))
			status[i] = -EFAULT;
		else
			status[i] = page_to_nid(pfn_to_page(m, pfn));
	}
}

long kernel_move_pages(struct machine *m, struct task_struct *t,
		       unsigned long nr, const uint64_t *pages,
		       const int32_t *nodes, int32_t *status, int flags,
		       bool admin)
{
	struct pages_move pm = {.m = m,
				.mm = t->mm,
				.pages = pages,
				.status = status,
				.nr = nr,
				.migrate_all = (flags & MPOL_MF_MOVE_ALL) != 0,
				.node = NUMA_NO_NODE};
	long err;

	if (flags & ~MPOL_MF_MOVE_FLAGS)
		return -EINVAL;
	if ((flags & MPOL_MF_MOVE_ALL) && !admin)
		return -EPERM;
	if (!nodes) {
		do_pages_stat(m, t->mm, nr, pages, status);
		return 0;
	}
	pm.queued = calloc(nr ? nr : 1, sizeof(*pm.queued));
	pm.addrs = calloc(nr ? nr : 1, sizeof(*pm.addrs));
	err = pm.queued && pm.addrs ? do_pages_move(&pm, nodes) : -ENOMEM;
	free(pm.queued);
	free(pm.addrs);
	return err;
}
