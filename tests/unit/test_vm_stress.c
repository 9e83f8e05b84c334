/* SPDX-License-Identifier: MIT */
/*
 * test_vm_stress.c - address spaces under pressure: processes that write
 * a pattern of their own over every byte of more memory than the machine
 * has, with fork and shared memory in the mix, read back byte for byte
 * through swap; and seeded random operations held to a model of what
 * each process must see, with the checker every few steps. Both end with
 * every page and swap slot given back.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/mmzone.h"
#include "core/mm.h"
#include "core/slab.h"
#include "core/swap.h"
#include "core/task.h"
#include "core/task_mmu.h"
#include "core/uapi.h"
#include "core/vmscan.h"
#include "tests/unit/seed.h"

#define CHUNK (64 * 1024)

/* The 8 bytes at addr in the pattern named tag: splitmix64 of both. */
static uint64_t pattern_word(uint64_t tag, uint64_t addr)
{
	uint64_t z = tag * 0x9e3779b97f4a7c15ULL + addr;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void pattern(uint64_t tag, uint64_t addr, uint64_t *buf, size_t len)
{
	for (size_t i = 0; i < len / 8; i++)
		buf[i] = pattern_word(tag, addr + i * 8);
}

/* Write the pattern over every byte of [addr, addr + len) in pid. */
static void fill(struct machine *m, int pid, uint64_t tag, uint64_t addr,
		 uint64_t len)
{
	static uint64_t buf[CHUNK / 8];
	struct user_fault fault;

	for (uint64_t off = 0; off < len; off += CHUNK) {
		pattern(tag, addr + off, buf, CHUNK);
		assert_int_equal(uapi_access_vm(m, pid, addr + off, buf, CHUNK,
						USER_WRITE, &fault),
				 0);
	}
}

/* Read every byte of [addr, addr + len) in pid: the pattern, intact. */
static void check(struct machine *m, int pid, uint64_t tag, uint64_t addr,
		  uint64_t len)
{
	static uint64_t buf[CHUNK / 8], want[CHUNK / 8];
	struct user_fault fault;

	for (uint64_t off = 0; off < len; off += CHUNK) {
		assert_int_equal(uapi_access_vm(m, pid, addr + off, buf, CHUNK,
						USER_READ, &fault),
				 0);
		pattern(tag, addr + off, want, CHUNK);
		if (memcmp(buf, want, CHUNK) == 0)
			continue;
		for (size_t i = 0; i < CHUNK / 8; i++)
			if (buf[i] != want[i])
				fail_msg("pid %d: %#llx holds %#llx, not "
					 "%#llx",
					 pid,
					 (unsigned long long)(addr + off +
							      i * 8),
					 (unsigned long long)buf[i],
					 (unsigned long long)want[i]);
	}
}

static uint64_t map(struct machine *m, int pid, uint64_t len, int flags)
{
	uint64_t addr = 0;

	assert_int_equal(uapi_mmap(m, pid, 0, len, PROT_READ | PROT_WRITE,
				   flags | MAP_ANONYMOUS, &addr),
			 0);
	return addr;
}

/* Pages handed out, per-CPU lists aside, once the slab caches shrank. */
static unsigned long used_pages(struct machine *m)
{
	unsigned long used = 0;

	kmem_cache_shrink_all(m);
	for (int z = 0; z < MAX_NR_ZONES; z++)
		used += zone_used_pages(&m->zones[z], m->nr_cpus);
	return used;
}

/* An address both map with the same swap entry: a shared page out. */
static bool share_a_swap_entry(struct machine *m, int a, int b, uint64_t addr,
			       uint64_t len)
{
	for (uint64_t off = 0; off < len; off += PAGE) {
		struct pgtable_walk wa, wb;
		uint64_t ea, eb;

		assert_int_equal(pid_pagewalk(m, a, addr + off, &wa), 0);
		assert_int_equal(pid_pagewalk(m, b, addr + off, &wb), 0);
		ea = wa.levels ? wa.level[wa.levels - 1].entry : 0;
		eb = wb.levels ? wb.level[wb.levels - 1].entry : 0;
		if (pte_is_swap(ea) && ea == eb &&
		    swap_count(m, swp_offset(ea)) == 2)
			return true;
	}
	return false;
}

/*
 * 32 MiB of RAM and 96 MiB written and kept: a parent's 24 MiB, which a
 * child shares copy-on-write until each rewrites a part, 4 MiB shared
 * between them, and two more processes of 28 MiB each. Tags: 1 the
 * parent's first pattern, 2 its second, 3 the child's, 4 and 5 the two
 * halves of the shared memory, 6 and 7 the others'.
 */
static void test_every_byte_through_swap(void **state)
{
	const uint64_t q = 6 * MiB, big = 28 * MiB, shared_len = 4 * MiB;
	struct layout l;
	struct machine *m;
	unsigned long used_before;
	uint64_t priv, shared, hog[2];
	int parent, child, hogs[2];

	(void)state;
	small_layout(&l, 32 * MiB);
	l.swap_size = 128 * MiB;
	m = boot(&l);
	used_before = used_pages(m);
	assert_int_equal(task_create(m, "parent", 0, 0, &parent), 0);
	assert_int_equal(task_switch(m, parent), 0);
	priv = map(m, parent, 4 * q, MAP_PRIVATE);
	shared = map(m, parent, shared_len, MAP_SHARED);
	fill(m, parent, 1, priv, 4 * q);
	fill(m, parent, 4, shared, shared_len);
	assert_int_equal(uapi_fork(m, parent, &child), 0);
	/* The child's half of the shared memory, before the pressure. */
	fill(m, child, 5, shared + shared_len / 2, shared_len / 2);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(task_create(m, "hog", 0, 0, &hogs[i]), 0);
		assert_int_equal(task_switch(m, hogs[i]), 0);
		hog[i] = map(m, hogs[i], big, MAP_PRIVATE);
		fill(m, hogs[i], 6 + (uint64_t)i, hog[i], big);
	}
	/* Pages the two still share went out once, for both. */
	assert_true(share_a_swap_entry(m, parent, child, priv, 4 * q));
	assert_consistent(m);
	/* Each side rewrites its part: copies, from swap where need be. */
	assert_int_equal(task_switch(m, parent), 0);
	fill(m, parent, 2, priv, q);
	fill(m, child, 3, priv + 2 * q, 2 * q);
	assert_consistent(m);
	/* Every byte back, twice, in orders that keep swap busy. */
	for (int round = 0; round < 2; round++) {
		for (int i = 1; i >= 0; i--) {
			assert_int_equal(task_switch(m, hogs[i]), 0);
			check(m, hogs[i], 6 + (uint64_t)i, hog[i], big);
		}
		assert_int_equal(task_switch(m, parent), 0);
		check(m, child, 3, priv + 2 * q, 2 * q);
		check(m, child, 1, priv, 2 * q);
		check(m, parent, 1, priv + q, 3 * q);
		check(m, parent, 2, priv, q);
		check(m, child, 4, shared, shared_len / 2);
		check(m, parent, 5, shared + shared_len / 2, shared_len / 2);
		check(m, parent, 4, shared, shared_len / 2);
		check(m, child, 5, shared + shared_len / 2, shared_len / 2);
		assert_consistent(m);
	}
	/* Far more than RAM went out and came back. */
	assert_true(m->vm_events[PSWPOUT] > 3 * 32 * MiB / PAGE);
	assert_true(m->vm_events[PSWPIN] > 2 * 32 * MiB / PAGE);
	assert_true(m->vm_events[PGMAJFAULT] > 0);
	assert_int_equal(m->vm_events[OOM_KILL], 0);
	/* Exit gives every frame and slot back. */
	assert_int_equal(task_exit(m, hogs[0], NULL), 0);
	assert_int_equal(task_exit(m, hogs[1], NULL), 0);
	assert_int_equal(task_exit(m, parent, NULL), 0);
	assert_null(find_task_by_pid(m, child));
	assert_consistent(m);
	assert_int_equal(nr_free_swap_pages(m), total_swap_pages(m));
	assert_int_equal(m->node_stat[NR_ANON_MAPPED], 0);
	assert_int_equal(m->node_stat[NR_SHMEM], 0);
	assert_int_equal(node_lruvec(m, 0)->nr_pages[LRU_INACTIVE_ANON] +
				 node_lruvec(m, 0)->nr_pages[LRU_ACTIVE_ANON],
			 0);
	assert_int_equal(used_pages(m), used_before);
	machine_destroy(m);
}

/* ------------------------------------------------------------------ */
/* Random operations against a model                                  */

/*
 * A model of what each process should see: for every page of a window
 * of fixed mappings and of the heap, whether it is mapped, its prot,
 * and the byte at its probe offset (its own, or its shared object's).
 * Random mmap, munmap, mprotect, mremap, brk, reads, writes, forks,
 * exits and reclaim run against both; each result, error and signal is
 * held to the model's, and the checker runs every few steps.
 */
#define NPROC	   4
#define WIN	   0x10000000ULL
#define WIN_PAGES  64
#define HEAP_PAGES 32
#define NPAGES	   (WIN_PAGES + HEAP_PAGES)
#define OBJ_PAGES  1024
#define MAX_OBJS   2048

enum { M_NONE, M_PRIVATE, M_SHARED };

struct mpage {
	uint8_t kind, prot, val; /* val: a private page's probe byte */
	uint16_t obj, pgoff;	 /* a shared page's object and offset */
};

struct mproc {
	int pid; /* 0: the slot is free */
	uint64_t brk;
	struct mpage page[NPAGES];
};

struct model {
	struct machine *m;
	unsigned int seed;
	uint64_t start_brk;
	struct mproc proc[NPROC]; /* proc[0]: the session's own */
	uint8_t (*obj)[OBJ_PAGES];
	unsigned int objsize[MAX_OBJS]; /* pages: past them is SIGBUS */
	unsigned int nobj;
};

static unsigned int rnd(struct model *md, unsigned int n)
{
	return (unsigned int)rand_r(&md->seed) % n;
}

static uint64_t page_addr(const struct model *md, unsigned int i)
{
	return i < WIN_PAGES ? WIN + i * PAGE
			     : md->start_brk + (i - WIN_PAGES) * PAGE;
}

/* The same offset in every page: a page that moves keeps its byte. */
static uint64_t probe_addr(const struct model *md, unsigned int i)
{
	return page_addr(md, i) + 1234;
}

static uint8_t *model_byte(struct model *md, struct mpage *pg)
{
	return pg->kind == M_SHARED ? &md->obj[pg->obj][pg->pgoff] : &pg->val;
}

/* What a one-byte access should give: 0, or the signal's si_code. */
/* The signal an access raises: 0, or its si_code (SIGBUS: + 100). */
static int model_access(const struct model *md, const struct mpage *pg,
			bool write)
{
	if (pg->kind == M_NONE)
		return SEGV_MAPERR;
	if (!(pg->prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) ||
	    (write && !(pg->prot & PROT_WRITE)))
		return SEGV_ACCERR;
	/* A shared object keeps its size through mremap: shmem_fault's
	 * VM_FAULT_SIGBUS past it. */
	if (pg->kind == M_SHARED && pg->pgoff >= md->objsize[pg->obj])
		return 100 + BUS_ADRERR;
	return 0;
}

static void op_access(struct model *md, struct mproc *p, unsigned int i,
		      bool write)
{
	struct mpage *pg = &p->page[i];
	int want = model_access(md, pg, write);
	uint8_t byte = (uint8_t)rnd(md, 256);
	struct user_fault fault;
	int err = uapi_access_vm(md->m, p->pid, probe_addr(md, i), &byte, 1,
				 write ? USER_WRITE : USER_READ, &fault);

	if (want) {
		assert_int_equal(err, -EFAULT);
		assert_int_equal(fault.signo, want > 100 ? SIGBUS : SIGSEGV);
		assert_int_equal(fault.si_code, want % 100);
		return;
	}
	assert_int_equal(err, 0);
	if (write)
		*model_byte(md, pg) = byte;
	else
		assert_int_equal(byte, *model_byte(md, pg));
}

static unsigned int new_object(struct model *md, unsigned int pages)
{
	assert_true(md->nobj < MAX_OBJS);
	memset(md->obj[md->nobj], 0, OBJ_PAGES);
	md->objsize[md->nobj] = pages;
	return md->nobj++;
}

static void op_mmap(struct model *md, struct mproc *p, unsigned int s,
		    unsigned int n)
{
	int prot = (int)rnd(md, 8), shared = rnd(md, 4) == 0;
	int noreplace = rnd(md, 5) == 0, err, want = 0;
	int flags = MAP_ANONYMOUS | (shared ? MAP_SHARED : MAP_PRIVATE) |
		    (noreplace ? MAP_FIXED_NOREPLACE : MAP_FIXED) |
		    (rnd(md, 4) ? 0 : MAP_POPULATE) |
		    (rnd(md, 4) ? 0 : MAP_NORESERVE);
	unsigned int obj = 0;
	uint64_t out = 0;

	for (unsigned int i = s; noreplace && i < s + n; i++)
		if (p->page[i].kind != M_NONE)
			want = -EEXIST;
	if (!want && shared)
		obj = new_object(md, n);
	err = uapi_mmap(md->m, p->pid, page_addr(md, s), n * PAGE, prot, flags,
			&out);
	assert_int_equal(err, want);
	for (unsigned int i = s; !err && i < s + n; i++)
		p->page[i] = (struct mpage){shared ? M_SHARED : M_PRIVATE,
					    (uint8_t)prot, 0, (uint16_t)obj,
					    (uint16_t)(i - s)};
}

static void op_munmap(struct model *md, struct mproc *p, unsigned int s,
		      unsigned int n)
{
	assert_int_equal(uapi_munmap(md->m, p->pid, page_addr(md, s), n * PAGE),
			 0);
	for (unsigned int i = s; i < s + n; i++)
		p->page[i].kind = M_NONE;
}

/* Linux's mprotect: up to the first hole, then -ENOMEM. */
static void op_mprotect(struct model *md, struct mproc *p, unsigned int s,
			unsigned int n)
{
	int prot = (int)rnd(md, 8), want = 0;
	int err =
		uapi_mprotect(md->m, p->pid, page_addr(md, s), n * PAGE, prot);

	for (unsigned int i = s; !want && i < s + n; i++)
		if (p->page[i].kind == M_NONE)
			want = -ENOMEM;
		else
			p->page[i].prot = (uint8_t)prot;
	assert_int_equal(err, want);
}

/* The pages [s, s + n) of the window become [d, d + len) after mremap. */
static void model_move(struct mproc *p, unsigned int s, unsigned int n,
		       uint64_t r, unsigned int len, bool holes_stay)
{
	struct mpage old[WIN_PAGES], last = p->page[s + n - 1];

	memcpy(old, p->page, sizeof(old));
	for (unsigned int i = s; i < s + n; i++)
		p->page[i].kind = M_NONE;
	for (unsigned int i = 0; i < len; i++) {
		uint64_t d = (r - WIN) / PAGE + i;
		struct mpage pg = i < n ? old[s + i] : last;

		if (r < WIN || d >= WIN_PAGES) /* moved out of sight */
			continue;
		if (holes_stay && i < n && pg.kind == M_NONE)
			continue;
		if (i >= n && pg.kind == M_SHARED)
			pg.pgoff = (uint16_t)(old[s].pgoff + i);
		else if (i >= n)
			pg.val = 0;
		p->page[d] = pg;
	}
}

/*
 * Whether a call succeeds depends on VMA boundaries the model does not
 * keep; what it does when it does is the model's to say, and a refused
 * call must change nothing (the reads that follow would tell).
 */
static void op_mremap(struct model *md, struct mproc *p, unsigned int s,
		      unsigned int n)
{
	unsigned int len = rnd(md, 8) + 1, d = rnd(md, WIN_PAGES - 8);
	int flags = (int)rnd(md, 3); /* 0, MAYMOVE, or MAYMOVE | FIXED */
	uint64_t r = 0;
	int err;

	flags = flags == 2 ? MREMAP_MAYMOVE | MREMAP_FIXED : flags;
	if (p->page[s].kind == M_SHARED && p->page[s].pgoff + len > OBJ_PAGES)
		return;
	err = uapi_mremap(md->m, p->pid, page_addr(md, s), n * PAGE, len * PAGE,
			  flags, page_addr(md, d), &r);
	if (err)
		return;
	if (!(flags & MREMAP_FIXED) && len <= n) {
		assert_int_equal(r, page_addr(md, s));
		for (unsigned int i = s + len; i < s + n; i++)
			p->page[i].kind = M_NONE;
		return;
	}
	if (flags & MREMAP_FIXED) {
		assert_int_equal(r, page_addr(md, d));
		/* Keeping the size, each VMA moves alone (remap_move): */
		/* what lies under a hole's destination stays. */
		for (unsigned int i = d; i < d + len && i < WIN_PAGES; i++)
			if (len != n || p->page[s + i - d].kind != M_NONE)
				p->page[i].kind = M_NONE;
	}
	model_move(p, s, n, r, len, (flags & MREMAP_FIXED) && len == n);
}

static unsigned int heap_pages(const struct model *md, uint64_t brk)
{
	return (unsigned int)((brk - md->start_brk + PAGE - 1) / PAGE);
}

static void op_brk(struct model *md, struct mproc *p)
{
	uint64_t want = md->start_brk + rnd(md, HEAP_PAGES * 4096 + 1), cur;
	unsigned int from = heap_pages(md, p->brk), to = heap_pages(md, want);

	assert_int_equal(uapi_brk(md->m, p->pid, want, &cur), 0);
	assert_int_equal(cur, want);
	for (unsigned int i = to; i < from; i++)
		p->page[WIN_PAGES + i].kind = M_NONE;
	for (unsigned int i = from; i < to; i++)
		p->page[WIN_PAGES + i] = (struct mpage){
			M_PRIVATE, PROT_READ | PROT_WRITE, 0, 0, 0};
	p->brk = want;
}

static void op_fork(struct model *md, struct mproc *p)
{
	for (int t = 1; t < NPROC; t++) {
		if (md->proc[t].pid)
			continue;
		md->proc[t] = *p;
		assert_int_equal(uapi_fork(md->m, p->pid, &md->proc[t].pid), 0);
		return;
	}
}

/* Every page of every process against the model. */
static void verify_all(struct model *md)
{
	for (int t = 0; t < NPROC; t++)
		for (unsigned int i = 0; md->proc[t].pid && i < NPAGES; i++)
			op_access(md, &md->proc[t], i, false);
}

/* A range of the window, or of the heap for mprotect. */
static void pick_range(struct model *md, bool heap, unsigned int *s,
		       unsigned int *n)
{
	unsigned int base = heap ? WIN_PAGES : 0,
		     size = heap ? HEAP_PAGES : WIN_PAGES;

	*s = base + rnd(md, size);
	*n = rnd(md, 8) + 1;
	if (*s + *n > base + size)
		*n = base + size - *s;
}

static void random_step(struct model *md)
{
	int t = (int)rnd(md, NPROC);
	struct mproc *p = md->proc[t].pid ? &md->proc[t] : &md->proc[0];
	unsigned int op = rnd(md, 100), s, n;

	pick_range(md, op >= 56 && op < 66 && rnd(md, 4) == 0, &s, &n);
	if (op < 20)
		op_access(md, p, rnd(md, NPAGES), true);
	else if (op < 40)
		op_access(md, p, rnd(md, NPAGES), false);
	else if (op < 48)
		op_mmap(md, p, s, n);
	else if (op < 56)
		op_munmap(md, p, s, n);
	else if (op < 66)
		op_mprotect(md, p, s, n);
	else if (op < 76)
		op_mremap(md, p, s, n);
	else if (op < 82)
		op_brk(md, p);
	else if (op < 88)
		op_fork(md, p);
	else if (op < 92 && p != &md->proc[0]) {
		assert_int_equal(uapi_exit_process(md->m, p->pid), 0);
		p->pid = 0;
	} else if (op >= 92)
		shrink_lruvec(md->m, node_lruvec(md->m, 0), rnd(md, 64) + 1);
}

static void run_random(unsigned int seed, int steps, bool i386)
{
	struct model *md = calloc(1, sizeof(*md));
	struct layout l;
	unsigned long used_before;

	if (i386)
		i386_layout(&l, 1 * GiB);
	else
		small_layout(&l, 32 * MiB);
	l.swap_size = 32 * MiB;
	md->m = boot(&l);
	md->seed = seed;
	md->obj = calloc(MAX_OBJS, OBJ_PAGES);
	used_before = used_pages(md->m);
	assert_int_equal(task_create(md->m, "random", 0, 0, &md->proc[0].pid),
			 0);
	assert_int_equal(task_switch(md->m, md->proc[0].pid), 0);
	assert_int_equal(uapi_brk(md->m, 0, 0, &md->start_brk), 0);
	md->proc[0].brk = md->start_brk;
	for (int step = 1; step <= steps; step++) {
		random_step(md);
		if (step % 50 == 0)
			assert_consistent(md->m);
		if (step % 500 == 0)
			verify_all(md);
	}
	verify_all(md);
	assert_true(md->m->vm_events[PSWPOUT] > 0);
	assert_true(md->m->vm_events[PGMAJFAULT] > 0);
	assert_int_equal(task_exit(md->m, md->proc[0].pid, NULL), 0);
	assert_consistent(md->m);
	assert_int_equal(nr_free_swap_pages(md->m), total_swap_pages(md->m));
	assert_int_equal(used_pages(md->m), used_before);
	machine_destroy(md->m);
	free(md->obj);
	free(md);
}

/* Five runs, seeds N to N+4 (N is 1 unless SEED says otherwise). */
static void test_random_against_model(void **state)
{
	unsigned int base =
		(unsigned int)test_seed("vm stress runs seed..seed+4", 1);

	(void)state;
	for (unsigned int i = 0; i < 4; i++)
		run_random(base + i, 3000, false);
	run_random(base + 4, 1500, true); /* i386: 2-level, high memory */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_byte_through_swap),
		cmocka_unit_test(test_random_against_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
