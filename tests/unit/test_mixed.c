/* SPDX-License-Identifier: MIT */
/*
 * test_mixed.c - every kernel allocator at once, through the client
 * calls, from several tasks that come and go: bytes stay put, owners are
 * respected, the checker stays clean, and when every task has exited the
 * machine is back where it started.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/slab.h"
#include "core/task.h"
#include "core/uapi.h"
#include "tests/unit/seed.h"

#define NR_SLOTS 3
#define MAX_LIVE 512

enum kind {
	K_PAGES,
	K_KMALLOC,
	K_CACHE,
	K_PERCPU,
	K_MMZ,
	K_VMALLOC,
	K_KMAP, /* a high page, kmapped: addr is the kmap address */
	NR_KINDS
};

struct live {
	enum kind kind;
	uint64_t addr;	   /* kernel address, or pfn, or MMZ physical address */
	unsigned long pfn; /* K_KMAP: the page behind addr */
	unsigned int order;
	uint32_t tag;
};

struct slot {
	int pid;
	uint64_t cache;
	struct live live[MAX_LIVE];
	unsigned int nr;
};

struct run {
	struct machine *m;
	struct slot slot[NR_SLOTS];
	unsigned long seed;
	uint32_t next_tag;
	unsigned long allocs[NR_KINDS], frees, exits, checks;
};

/* i386 with HighMem and an MMZ region in Normal. */
static struct machine *boot_mixed(void)
{
	struct layout l;

	i386_layout(&l, 1 * GiB);
	l.nr_mmz = 1;
	strcpy(l.mmz[0].name, "media");
	l.mmz[0].start = 512 * MiB;
	l.mmz[0].size = 64 * MiB;
	return boot(&l);
}

static void run_fail(const struct run *r, const char *what)
{
	fail_msg("mixed run (seed %lu): %s: %s", r->seed, what, r->m->errmsg);
}

static uint64_t data_addr(const struct run *r, const struct live *o)
{
	if (o->kind == K_PAGES)
		return r->m->layout.kernel.page_offset +
		       pfn_to_phys(r->m, (unsigned long)o->addr);
	return o->addr;
}

static int put_tag(struct run *r, struct live *o)
{
	if (o->kind == K_MMZ)
		return uapi_write_phys(r->m, o->addr, &o->tag, 4);
	return uapi_write(r->m, data_addr(r, o), &o->tag, 4);
}

static int get_tag(struct run *r, const struct live *o, uint32_t *tag)
{
	if (o->kind == K_MMZ)
		return uapi_read_phys(r->m, o->addr, tag, 4);
	return uapi_read(r->m, data_addr(r, o), tag, 4);
}

static int do_alloc(struct run *r, struct slot *s, struct live *o)
{
	struct machine *m = r->m;
	unsigned long pfn;

	switch (o->kind) {
	case K_PAGES:
		o->order = (unsigned int)rand() % 4;
		if (uapi_alloc_pages(m, GFP_KERNEL, o->order, &pfn))
			return -1;
		o->addr = pfn;
		return 0;
	case K_KMALLOC:
		return uapi_kmalloc(m, 4 + (size_t)rand() % 12000, GFP_KERNEL,
				    &o->addr);
	case K_CACHE:
		return uapi_kmem_cache_alloc(m, s->cache, GFP_KERNEL, &o->addr);
	case K_PERCPU:
		return uapi_alloc_percpu(m, 4 + (unsigned long)rand() % 200, 4,
					 &o->addr);
	case K_MMZ:
		return uapi_mmz_alloc(m, "media", "blk",
				      4096 * (1 + (uint64_t)(rand() % 8)), 0,
				      &o->addr);
	case K_VMALLOC:
		return uapi_vmalloc(m, 1 + (unsigned long)rand() % 20000,
				    &o->addr);
	default:
		if (uapi_alloc_pages(m, GFP_HIGHUSER, 0, &o->pfn))
			return -1;
		if (uapi_kmap(m, o->pfn, &o->addr) == 0)
			return 0;
		uapi_free_pages(m, o->pfn, 0); /* no slot free: fine */
		return -1;
	}
}

static int do_free(struct run *r, struct slot *s, const struct live *o)
{
	switch (o->kind) {
	case K_PAGES:
		return uapi_free_pages(r->m, (unsigned long)o->addr, o->order);
	case K_KMALLOC:
		return uapi_kfree(r->m, o->addr);
	case K_CACHE:
		return uapi_kmem_cache_free(r->m, s->cache, o->addr);
	case K_PERCPU:
		return uapi_free_percpu(r->m, o->addr);
	case K_MMZ:
		return uapi_mmz_free(r->m, o->addr);
	case K_VMALLOC:
		return uapi_vfree(r->m, o->addr);
	default:
		if (uapi_kunmap(r->m, o->pfn))
			return -1;
		return uapi_free_pages(r->m, o->pfn, 0);
	}
}

static void start_task(struct run *r, struct slot *s)
{
	char comm[16];

	snprintf(comm, sizeof(comm), "mix%u", (unsigned int)(s - r->slot));
	if (task_create(r->m, comm, (unsigned int)rand() % 2, 0, &s->pid))
		run_fail(r, "task_create");
	task_switch(r->m, s->pid);
	if (uapi_kmem_cache_create(r->m, comm, 40 + (unsigned)rand() % 400, 8,
				   0, &s->cache))
		run_fail(r, "cache create");
	s->nr = 0;
}

static void one_op(struct run *r)
{
	struct slot *s = &r->slot[rand() % NR_SLOTS];
	int dice = rand() % 100;

	task_switch(r->m, s->pid);
	if (dice < 1) {
		/* Exit with whatever it holds; a new task takes the slot. */
		task_exit(r->m, s->pid, NULL);
		r->exits++;
		start_task(r, s);
	} else if (s->nr && (dice < 50 || s->nr == MAX_LIVE)) {
		unsigned int i = (unsigned int)rand() % s->nr;
		uint32_t tag = 0;

		if (get_tag(r, &s->live[i], &tag) || tag != s->live[i].tag)
			run_fail(r, "an object lost its bytes");
		if (do_free(r, s, &s->live[i]))
			run_fail(r, "free of a live object");
		s->live[i] = s->live[--s->nr];
		r->frees++;
	} else {
		struct live o = {.kind = (enum kind)(rand() % NR_KINDS)};

		if (do_alloc(r, s, &o))
			return; /* out of memory or out of room: fine */
		o.tag = ++r->next_tag;
		if (put_tag(r, &o))
			run_fail(r, "write into an own object");
		s->live[s->nr++] = o;
		r->allocs[o.kind]++;
	}
}

/* Another task may neither read nor free what this one holds. */
static void poke_neighbour(struct run *r)
{
	struct slot *s = &r->slot[0], *other = &r->slot[1];
	uint32_t tag;

	if (!other->nr)
		return;
	task_switch(r->m, s->pid);
	if (get_tag(r, &other->live[0], &tag) != -EFAULT)
		run_fail(r, "read another task's object");
	if (do_free(r, other, &other->live[0]) == 0)
		run_fail(r, "freed another task's object");
}

static void test_mixed_tasks(void **state)
{
	struct run r = {0};
	unsigned long free0;
	long tables0;
	char why[256];

	(void)state;
	r.seed = (unsigned long)test_seed("mixed tasks", 1);
	srand((unsigned int)r.seed);
	r.m = boot_mixed();
	kmem_cache_shrink_all(r.m);
	drain_all_pages(r.m);
	free0 = global_free_pages(r.m);
	tables0 = r.m->node_stat[NR_PAGETABLE];
	for (int i = 0; i < NR_SLOTS; i++)
		start_task(&r, &r.slot[i]);
	for (int op = 1; op <= 60000; op++) {
		one_op(&r);
		if (op % 97 == 0)
			poke_neighbour(&r);
		if (op % 500 == 0 && machine_check(r.m, why, sizeof(why)))
			fail_msg("seed %lu op %d: %s", r.seed, op, why);
		r.checks += op % 500 == 0;
	}
	print_message("seed %lu: allocations pages %lu kmalloc %lu cache %lu "
		      "percpu %lu mmz %lu vmalloc %lu kmap %lu, frees %lu, "
		      "exits %lu, checks %lu\n",
		      r.seed, r.allocs[K_PAGES], r.allocs[K_KMALLOC],
		      r.allocs[K_CACHE], r.allocs[K_PERCPU], r.allocs[K_MMZ],
		      r.allocs[K_VMALLOC], r.allocs[K_KMAP], r.frees, r.exits,
		      r.checks);
	for (int k = 0; k < NR_KINDS; k++)
		assert_true(r.allocs[k] > 3000);
	assert_true(r.frees > 10000 && r.exits > 100);
	for (int i = 0; i < NR_SLOTS; i++)
		assert_int_equal(task_exit(r.m, r.slot[i].pid, NULL), 0);
	task_switch(r.m, 0);
	kmem_cache_shrink_all(r.m);
	drain_all_pages(r.m);
	/*
	 * Everything came back but the kernel page tables the vmalloc area
	 * grew (the kernel keeps those), and per-CPU chunks beyond the
	 * first are given back when empty.
	 */
	assert_true(r.m->node_stat[NR_PAGETABLE] - tables0 <= 2);
	assert_int_equal(
		global_free_pages(r.m) +
			(unsigned long)(r.m->node_stat[NR_PAGETABLE] - tables0),
		free0);
	assert_consistent(r.m);
	machine_destroy(r.m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mixed_tasks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
