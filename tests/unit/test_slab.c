/* SPDX-License-Identifier: MIT */
/*
 * test_slab.c - slab caches and kmalloc: SLUB's geometry, freelists in
 * RAM, list moves, per-CPU slabs, colouring, debugging, bad calls, and a
 * randomized run with the checker.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/printk.h"
#include "core/slab_internal.h"
#include "tests/unit/seed.h"

static struct machine *boot_small(void)
{
	struct layout l;

	small_layout(&l, 64 * MiB);
	return boot(&l);
}

static uint8_t *ram_at(struct machine *m, uint64_t addr)
{
	return pfn_to_ram(m, 0) + (addr - m->layout.kernel.page_offset);
}

static struct kmem_cache *new_cache(struct machine *m, const char *name,
				    unsigned int size, slab_flags_t flags)
{
	struct kmem_cache *s = kmem_cache_create(m, name, size, 0, flags, NULL);

	assert_false(IS_ERR(s));
	return s;
}

static uint64_t alloc_obj(struct machine *m, struct kmem_cache *s)
{
	uint64_t addr = 0;

	assert_int_equal(kmem_cache_alloc(m, s, GFP_KERNEL, &addr), 0);
	return addr;
}

/* 2 CPUs: SLUB wants 4 * (fls(2) + 1) = 12 objects per slab when it can. */
static void test_kmalloc_geometry(void **state)
{
	static const struct {
		unsigned int idx, objects, order;
	} want[] = {
		{0, 512, 0}, {4, 42, 0},  {6, 21, 0}, {7, 16, 0}, {8, 16, 1},
		{9, 16, 2},  {10, 16, 3}, {11, 8, 3}, {12, 4, 3},
	};
	struct machine *m = boot_small();

	(void)state;
	for (unsigned int i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct kmem_cache *s = m->slab->kmalloc[0][want[i].idx];

		assert_int_equal(s->objects, want[i].objects);
		assert_int_equal(s->order, want[i].order);
	}
	assert_string_equal(m->slab->kmalloc[1][9]->name, "dma-kmalloc-1k");
	machine_destroy(m);
}

static void test_freelist_pointer_in_ram(void **state)
{
	struct machine *m = boot_small();
	struct kmem_cache *s = new_cache(m, "t64", 64, 0);
	uint64_t a = alloc_obj(m, s), b = alloc_obj(m, s), next;

	(void)state;
	/* A fresh slab hands out objects in address order. */
	assert_int_equal(b, a + 64);
	assert_int_equal(s->offset, 32);
	assert_int_equal(kmem_cache_free(m, s, a), 0);
	memcpy(&next, ram_at(m, a + 32), 8);
	assert_int_equal(next, b + 64);
	assert_int_equal(alloc_obj(m, s), a);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_freelist_pointer_is_32_bit_on_i386(void **state)
{
	struct layout l;
	struct machine *m;
	struct kmem_cache *s;
	uint64_t a, b;
	uint32_t next;

	(void)state;
	i386_layout(&l, 1 * GiB);
	m = boot(&l);
	s = new_cache(m, "t32", 32, 0);
	a = alloc_obj(m, s);
	b = alloc_obj(m, s);
	assert_true(a >= 0xC0000000ULL && a < 0x100000000ULL);
	assert_int_equal(s->size, 32);
	assert_int_equal(kmem_cache_free(m, s, a), 0);
	memcpy(&next, ram_at(m, a + s->offset), 4);
	assert_int_equal(next, b + 32);
	assert_consistent(m);
	machine_destroy(m);
}

/* A 1k cache: 16 objects in an order-2 slab. */
static void test_full_partial_empty_lists(void **state)
{
	struct machine *m = boot_small();
	struct kmem_cache *s = new_cache(m, "t1k", 1024, 0);
	uint64_t first[16], extra;
	long bytes0 = m->node_stat[NR_SLAB_UNRECLAIMABLE_B];

	(void)state;
	for (int i = 0; i < 16; i++)
		first[i] = alloc_obj(m, s);
	assert_int_equal(s->node[0].nr_slabs, 1);
	assert_int_equal(s->node[0].nr_full + s->node[0].nr_partial +
				 s->node[0].nr_empty,
			 0);
	extra = alloc_obj(m, s); /* the CPU slab is full: a new one */
	assert_int_equal(s->node[0].nr_slabs, 2);
	assert_int_equal(s->node[0].nr_full, 1);
	assert_int_equal(m->node_stat[NR_SLAB_UNRECLAIMABLE_B],
			 bytes0 + 2 * 16384);

	assert_int_equal(kmem_cache_free(m, s, first[3]), 0);
	assert_int_equal(s->node[0].nr_full, 0);
	assert_int_equal(s->node[0].nr_partial, 1);
	for (int i = 0; i < 16; i++)
		if (i != 3)
			assert_int_equal(kmem_cache_free(m, s, first[i]), 0);
	assert_int_equal(s->node[0].nr_partial, 0);
	assert_int_equal(s->node[0].nr_empty, 1);
	assert_consistent(m);

	assert_int_equal(kmem_cache_free(m, s, extra), 0);
	assert_int_equal(kmem_cache_shrink(m, s), 8);
	assert_int_equal(s->node[0].nr_slabs, 0);
	assert_int_equal(m->node_stat[NR_SLAB_UNRECLAIMABLE_B], bytes0);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_per_cpu_slabs_and_remote_free(void **state)
{
	struct machine *m = boot_small();
	struct kmem_cache *s = new_cache(m, "tcpu", 128, 0);
	struct slab *slab0;
	uint64_t a, b;

	(void)state;
	a = alloc_obj(m, s);
	slab0 = s->cpu[0].slab;
	assert_int_equal(machine_set_cpu(m, 1), 0);
	b = alloc_obj(m, s);
	assert_ptr_not_equal(s->cpu[1].slab, slab0);
	assert_ptr_equal(virt_to_slab(m, b), s->cpu[1].slab);
	/* CPU 1 frees CPU 0's object: it goes to the slab's own freelist. */
	assert_int_equal(kmem_cache_free(m, s, a), 0);
	assert_int_equal(slab0->freelist, a);
	assert_consistent(m);
	flush_cpu_slabs(m, s);
	assert_null(s->cpu[0].slab);
	assert_null(s->cpu[1].slab);
	assert_int_equal(s->node[0].nr_partial, 1); /* b's slab */
	assert_consistent(m);
	machine_destroy(m);
}

/* 21 objects of 192 leave 64 bytes: two colours, 0 and 64. */
static void test_colouring(void **state)
{
	struct machine *m = boot_small();
	struct kmem_cache *s = new_cache(m, "tcol", 192, 0);
	uint64_t first[3];

	(void)state;
	for (int slab = 0; slab < 3; slab++) {
		first[slab] = alloc_obj(m, s);
		for (int i = 1; i < 21; i++)
			alloc_obj(m, s);
	}
	assert_int_equal(first[0] & 4095, 0);
	assert_int_equal(first[1] & 4095, 64);
	assert_int_equal(first[2] & 4095, 0);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_redzone_and_poison(void **state)
{
	struct machine *m = boot_small();
	struct kmem_cache *s =
		new_cache(m, "tdebug", 30, SLAB_RED_ZONE | SLAB_POISON);
	uint64_t a = alloc_obj(m, s);
	struct seq_buf log;

	(void)state;
	/* Poisoned when free: the freelist pointer sits outside the object. */
	assert_true(s->offset >= 32);
	ram_at(m, a)[30] = 'X'; /* one byte past the object */
	assert_int_equal(kmem_cache_free(m, s, a), 0);
	assert_int_equal(m->bad[BAD_SLAB_REDZONE], 1);
	assert_non_null(strstr(m->errmsg, "tdebug"));
	assert_non_null(strstr(m->errmsg, "offset 30"));
	assert_int_equal(ram_at(m, a)[0], POISON_FREE);
	assert_int_equal(ram_at(m, a)[29], POISON_END);
	assert_consistent(m);

	ram_at(m, a)[7] = 0; /* written after free */
	assert_int_equal(alloc_obj(m, s), a);
	assert_int_equal(m->bad[BAD_SLAB_POISON], 1);
	assert_non_null(strstr(m->errmsg, "offset 7"));
	ram_at(m, a)[-1] = 0; /* left red zone */
	assert_int_equal(kmem_cache_free(m, s, a), 0);
	assert_int_equal(m->bad[BAD_SLAB_REDZONE], 2);
	assert_int_equal(s->errors, 3);
	report_text(m, &log, report_dmesg);
	assert_non_null(strstr(log.buf, "BUG tdebug (Not tainted): Right "
					"Redzone overwritten"));
	assert_non_null(strstr(log.buf, "Poison overwritten"));
	seq_buf_free(&log);
	assert_consistent(m);
	machine_destroy(m);
}

/* slub_debug in the layout turns debugging on for kmalloc too. */
static void test_layout_slub_debug(void **state)
{
	struct layout l;
	struct machine *m;
	uint64_t a;

	(void)state;
	small_layout(&l, 64 * MiB);
	strcpy(l.slub_debug, "ZP");
	m = boot(&l);
	assert_int_equal(kmalloc(m, 64, GFP_KERNEL, &a), 0);
	ram_at(m, a)[64] = 1; /* one past a kmalloc-64 object */
	assert_int_equal(kfree(m, a), 0);
	assert_int_equal(m->bad[BAD_SLAB_REDZONE], 1);
	assert_non_null(strstr(m->errmsg, "kmalloc-64"));
	assert_consistent(m);
	machine_destroy(m);
	strcpy(l.slub_debug, "ZX");
	assert_int_equal(PTR_ERR(machine_create(&l)), -EINVAL);
}

/* errmsg, word for word, with the addresses filled in. */
static void assert_errmsg(const struct machine *m, const char *fmt, ...)
{
	char want[sizeof(m->errmsg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(want, sizeof(want), fmt, ap);
	va_end(ap);
	assert_string_equal(m->errmsg, want);
}

/* Each bad free says which cache and where in its slab (and object). */
static void test_bad_frees(void **state)
{
	struct machine *m = boot_small();
	struct kmem_cache *s = new_cache(m, "tbad", 64, 0);
	struct kmem_cache *other = new_cache(m, "tother", 64, 0);
	struct kmem_cache *rz = new_cache(m, "tbadrz", 30, SLAB_RED_ZONE);
	uint64_t a = alloc_obj(m, s), a2 = alloc_obj(m, s);
	uint64_t b = alloc_obj(m, other), r = alloc_obj(m, rz), page_addr;
	unsigned long rz_off = (unsigned long)(r & 4095);
	struct alloc_snapshot before;
	struct seq_buf log;
	char line[96];

	(void)state;
	assert_int_equal(a & 4095, 0); /* a fresh slab, colour 0 */
	assert_int_equal(__get_free_page(m, GFP_KERNEL, &page_addr), 0);
	assert_int_equal(kmem_cache_free(m, s, a), 0);
	assert_int_equal(kmem_cache_free(m, s, a2), 0);
	snapshot(m, &before);
	assert_int_equal(kmem_cache_free(m, s, a2), -EINVAL);
	assert_int_equal(m->bad[BAD_SLAB_DOUBLE_FREE], 1);
	assert_errmsg(m,
		      "tbad: object %#lx (offset 64 in its slab) is already "
		      "free (double free)",
		      (unsigned long)a2);
	assert_int_equal(kmem_cache_free(m, s, b), -EINVAL);
	assert_int_equal(m->bad[BAD_SLAB_CACHE], 1);
	assert_errmsg(m,
		      "tbad: object %#lx belongs to cache tother (offset 0 in "
		      "its slab)",
		      (unsigned long)b);
	assert_int_equal(kmem_cache_free(m, other, b + 8), -EINVAL);
	assert_errmsg(m,
		      "tother: %#lx is not an object of this cache (offset 8 "
		      "in its slab, 8 into object %#lx)",
		      (unsigned long)(b + 8), (unsigned long)b);
	assert_int_equal(kmem_cache_free(m, rz, r - 1), -EINVAL);
	assert_errmsg(m,
		      "tbadrz: %#lx is not an object of this cache (offset %lu "
		      "in its slab, in the left red zone of object %#lx)",
		      (unsigned long)(r - 1), rz_off - 1, (unsigned long)r);
	assert_int_equal(kmem_cache_free(m, s, page_addr), -EINVAL);
	assert_errmsg(m,
		      "tbad: %#lx is not an object of this cache (not in any "
		      "slab)",
		      (unsigned long)page_addr);
	assert_int_equal(kmem_cache_free(m, s, 0x1000), -EINVAL);
	assert_int_equal(m->bad[BAD_SLAB_POINTER], 4);
	assert_int_equal(kfree(m, a), -EINVAL);
	assert_int_equal(m->bad[BAD_SLAB_DOUBLE_FREE], 2);
	assert_errmsg(m,
		      "tbad: object %#lx (offset 0 in its slab) is already "
		      "free (double free)",
		      (unsigned long)a);
	assert_unchanged(m, &before);
	report_text(m, &log, report_dmesg);
	snprintf(line, sizeof(line), "INFO: Object 0x%lx @offset=64",
		 (unsigned long)a2);
	assert_non_null(strstr(log.buf, line));
	seq_buf_free(&log);
	machine_destroy(m);
}

/* What the test constructor leaves in each object, and how often. */
struct constructed {
	uint32_t magic;
	uint32_t calls;
	uint64_t self;
};

#define CTOR_MAGIC 0xc0ffee42u

static unsigned int ctor_calls;

static void test_ctor(struct machine *m, uint64_t addr, void *obj)
{
	struct constructed c = {CTOR_MAGIC, ++ctor_calls, addr};

	(void)m;
	memcpy(obj, &c, sizeof(c));
}

static struct constructed read_constructed(struct machine *m, uint64_t addr)
{
	struct constructed c;

	memcpy(&c, ram_at(m, addr), sizeof(c));
	return c;
}

/*
 * A constructor runs on every object of a new slab, as SLUB's does, and
 * not again when an object is reused: what a user leaves in a freed
 * object comes back, as the kernel's ctor contract says. Poisoning
 * leaves constructed objects alone.
 */
static void test_constructor(void **state)
{
	struct machine *m = boot_small();
	struct kmem_cache *s =
		kmem_cache_create(m, "tctor", 48, 0, 0, test_ctor);
	struct kmem_cache *p = kmem_cache_create(
		m, "tctorp", 48, 0, SLAB_POISON | SLAB_RED_ZONE, test_ctor);
	uint64_t a, b, objs[200];
	struct constructed c;
	unsigned int n;

	(void)state;
	ctor_calls = 0;
	assert_false(IS_ERR(s));
	assert_false(IS_ERR(p));
	assert_true(s->offset >= 48); /* the pointer spares the object */
	a = alloc_obj(m, s);
	assert_int_equal(ctor_calls, s->objects);
	c = read_constructed(m, a);
	assert_int_equal(c.magic, CTOR_MAGIC);
	assert_int_equal(c.self, a);
	b = alloc_obj(m, s);
	c = read_constructed(m, b);
	assert_int_equal(c.magic, CTOR_MAGIC);
	assert_int_equal(c.self, b);
	assert_int_equal(c.calls, read_constructed(m, a).calls + 1);

	/* Reuse: no second construction, the user's bytes stay. */
	ram_at(m, a)[40] = 'u';
	assert_int_equal(kmem_cache_free(m, s, a), 0);
	assert_int_equal(alloc_obj(m, s), a);
	assert_int_equal(ram_at(m, a)[40], 'u');
	assert_int_equal(read_constructed(m, a).magic, CTOR_MAGIC);
	assert_int_equal(ctor_calls, s->objects);

	/* Into a second slab: each of its objects constructed too. */
	n = s->objects + 1;
	assert_true(n <= 200);
	for (unsigned int i = 0; i < n; i++) {
		objs[i] = alloc_obj(m, s);
		c = read_constructed(m, objs[i]);
		assert_int_equal(c.magic, CTOR_MAGIC);
		assert_int_equal(c.self, objs[i]);
	}
	assert_int_equal(ctor_calls, 2 * s->objects); /* two slabs made */

	/* Poison would undo the constructor: a ctor cache is not poisoned. */
	ctor_calls = 0;
	a = alloc_obj(m, p);
	assert_int_equal(ctor_calls, p->objects);
	assert_int_equal(read_constructed(m, a).self, a);
	assert_int_equal(kmem_cache_free(m, p, a), 0);
	assert_int_equal(read_constructed(m, a).magic, CTOR_MAGIC);
	assert_int_equal(alloc_obj(m, p), a);
	assert_int_equal(read_constructed(m, a).self, a);
	assert_int_equal(p->errors, 0);
	assert_int_equal(m->bad[BAD_SLAB_POISON], 0);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_create_and_destroy_errors(void **state)
{
	struct machine *m = boot_small();
	struct kmem_cache *s = new_cache(m, "tlife", 100, 0);
	uint64_t a = alloc_obj(m, s);
	struct seq_buf sb;

	(void)state;
	assert_int_equal(PTR_ERR(kmem_cache_create(m, "tlife", 8, 0, 0, NULL)),
			 -EEXIST);
	assert_int_equal(
		PTR_ERR(kmem_cache_create(m, "a-name-of-thirty-two-characters!",
					  8, 0, 0, NULL)),
		-ENAMETOOLONG);
	assert_int_equal(PTR_ERR(kmem_cache_create(m, "", 8, 0, 0, NULL)),
			 -EINVAL);
	assert_int_equal(PTR_ERR(kmem_cache_create(m, "t0", 0, 0, 0, NULL)),
			 -EINVAL);
	assert_int_equal(PTR_ERR(kmem_cache_create(
				 m, "thuge", 4 * 1024 * 1024 + 1, 0, 0, NULL)),
			 -EINVAL);
	assert_int_equal(
		PTR_ERR(kmem_cache_create(m, "talign", 8, 24, 0, NULL)),
		-EINVAL);
	assert_int_equal(kmem_cache_destroy(m, s), -EBUSY);
	assert_non_null(strstr(m->errmsg, "1 objects"));
	assert_int_equal(kmem_cache_free(m, s, a), 0);
	assert_int_equal(kmem_cache_destroy(m, s), 0);
	report_text(m, &sb, report_slabinfo);
	assert_null(strstr(sb.buf, "tlife"));
	seq_buf_free(&sb);
	assert_consistent(m);
	machine_destroy(m);
}

static void test_slabinfo_line(void **state)
{
	struct machine *m = boot_small();
	struct kmem_cache *s = new_cache(m, "tinfo", 256, 0);
	struct seq_buf sb;

	(void)state;
	for (int i = 0; i < 20; i++)
		alloc_obj(m, s);
	report_text(m, &sb, report_slabinfo);
	assert_true(strncmp(sb.buf, "slabinfo - version: 2.1\n# name     ",
			    35) == 0);
	/* 16 per order-0 slab: 2 slabs, all 32 objects active (CPU slab). */
	assert_non_null(strstr(sb.buf,
			       "\ntinfo                 32     32    256   16"
			       "    1 : tunables    0    0    0 : slabdata"
			       "      2      2      0\n"));
	seq_buf_free(&sb);
	machine_destroy(m);
}

static void test_kmalloc_classes(void **state)
{
	static const struct {
		size_t ask, got;
	} sizes[] = {{1, 8},	      {8, 8},	    {9, 16},	  {65, 96},
		     {97, 128},	      {129, 192},   {193, 256},	  {257, 512},
		     {1000, 1024},    {4097, 8192}, {8192, 8192}, {8193, 16384},
		     {100000, 131072}};
	struct machine *m = boot_small();

	(void)state;
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t a;
		size_t got;

		assert_int_equal(kmalloc(m, sizes[i].ask, GFP_KERNEL, &a), 0);
		assert_int_equal(ksize(m, a, &got), 0);
		assert_int_equal(got, sizes[i].got);
		assert_int_equal(kfree(m, a), 0);
	}
	assert_consistent(m);
	machine_destroy(m);
}

static void test_kmalloc_special_cases(void **state)
{
	struct machine *m = boot_small();
	uint64_t a, b, big;
	size_t got;
	struct alloc_snapshot before;

	(void)state;
	assert_int_equal(kmalloc(m, 0, GFP_KERNEL, &a), 0);
	assert_int_equal(a, ZERO_SIZE_PTR);
	assert_int_equal(kfree(m, a), 0);
	assert_int_equal(kfree(m, 0), 0);

	assert_int_equal(kmalloc(m, 100, GFP_KERNEL | GFP_DMA, &a), 0);
	assert_int_equal(page_zonenum(virt_to_page(m, a)), ZONE_DMA);
	assert_string_equal(virt_to_slab(m, a)->cache->name, "dma-kmalloc-128");
	assert_int_equal(kfree(m, a), 0);

	assert_int_equal(kmalloc(m, 64, GFP_KERNEL, &a), 0);
	memset(ram_at(m, a), 0x77, 64);
	assert_int_equal(kfree(m, a), 0);
	assert_int_equal(kzalloc(m, 64, GFP_KERNEL, &b), 0);
	assert_int_equal(b, a);
	for (int i = 0; i < 64; i++)
		assert_int_equal(ram_at(m, b)[i], 0);

	/* krealloc: grows by copying, shrinks in place. */
	memcpy(ram_at(m, b), "abcdefgh", 8);
	assert_int_equal(krealloc(m, b, 300, GFP_KERNEL, &a), 0);
	assert_int_not_equal(a, b);
	assert_memory_equal(ram_at(m, a), "abcdefgh", 8);
	assert_int_equal(ksize(m, a, &got), 0);
	assert_int_equal(got, 512);
	assert_int_equal(krealloc(m, a, 10, GFP_KERNEL, &b), 0);
	assert_int_equal(b, a);
	assert_int_equal(kfree(m, b), 0);

	assert_int_equal(kmalloc(m, 20000, GFP_KERNEL, &big), 0);
	assert_true(PageFlag(virt_to_page(m, big), PG_large_kmalloc));
	assert_int_equal(kfree(m, big), 0);

	snapshot(m, &before);
	assert_int_equal(kfree(m, big), -EINVAL);
	/* __GFP_HIGHMEM and __GFP_DMA32 are fixed up, not refused:
	 * test_oom_rules.c. */
	/* Past the largest block: NULL in the kernel, so -ENOMEM. */
	assert_int_equal(kmalloc(m, (4 << 20) + 1, GFP_KERNEL, &a), -ENOMEM);
	assert_int_equal(m->bad[BAD_KMALLOC_SIZE], 1);
	assert_int_equal(kcalloc(m, SIZE_MAX / 2, 4, GFP_KERNEL, &a), -ENOMEM);
	assert_int_equal(m->bad[BAD_KMALLOC_SIZE], 2);
	assert_int_equal(ksize(m, 0x1234, &got), -EINVAL);
	assert_unchanged(m, &before);
	machine_destroy(m);
}

static void test_checker_catches_slab_damage(void **state)
{
	struct machine *m = boot_small();
	struct kmem_cache *s = new_cache(m, "tdamage", 64, 0);
	uint64_t a = alloc_obj(m, s), b = alloc_obj(m, s), saved;

	(void)state;
	assert_int_equal(kmem_cache_free(m, s, a), 0);
	assert_consistent(m);
	memcpy(&saved, ram_at(m, a + 32), 8);
	memcpy(ram_at(m, a + 32), &b, 8); /* points at an allocated object */
	assert_check_fails(m, "tdamage");
	memcpy(ram_at(m, a + 32), &saved, 8);
	assert_consistent(m);
	s->node[0].nr_slabs++;
	assert_check_fails(m, "slab counts");
	s->node[0].nr_slabs--;
	machine_destroy(m);
}

/*
 * Caches are found by handle and by name through hash tables: thousands
 * of them are each found, one that drops out of its bucket is reported,
 * and destroyed ones leave no trace in either table.
 */
static void test_cache_tables(void **state)
{
	struct machine *m = boot_small();
	struct kmem_cache *s[3000];
	char name[32], why[256];

	(void)state;
	for (unsigned int i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "thash%u", i);
		s[i] = new_cache(m, name, 32 + i % 64, 0);
	}
	assert_consistent(m);
	for (unsigned int i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "thash%u", i);
		assert_ptr_equal(kmem_cache_by_id(m, s[i]->id), s[i]);
		assert_ptr_equal(kmem_cache_name_clash(m, name), s[i]);
	}
	assert_null(kmem_cache_name_clash(m, "thash3000"));
	assert_null(kmem_cache_by_id(m, s[2999]->id + 1));
	hlist_del(&s[7]->by_name);
	assert_check_fails(m, "thash7");
	/* In another bucket than its name's: found by nobody. */
	hlist_add_head(&s[7]->by_name, &m->slab->by_name[0]);
	assert_int_equal(machine_check(m, why, sizeof(why)), -EUCLEAN);
	for (unsigned int i = 0; i < 3000; i++)
		kmem_cache_destroy(m, s[i]);
	assert_consistent(m);
	assert_null(kmem_cache_name_clash(m, "thash0"));
	machine_destroy(m);
}

/*
 * Every free object on exactly one freelist: damage in RAM that puts one
 * object on both the CPU's freelist and its slab's (and, to keep the
 * counts even, leaves another on none) is reported, as is one on none.
 */
static void test_checker_freelist_membership(void **state)
{
	struct machine *m = boot_small();
	struct kmem_cache *s = new_cache(m, "tlists", 64, 0);
	uint64_t a = alloc_obj(m, s), first = a, last, tail, saved, zero = 0;
	char why[256], at[32];

	(void)state;
	alloc_obj(m, s);
	assert_int_equal(s->objects, 64);
	last = first + 63 * 64;
	tail = first + 62 * 64;
	/* CPU 1 frees CPU 0's object: a alone on the slab's own freelist. */
	assert_int_equal(machine_set_cpu(m, 1), 0);
	assert_int_equal(kmem_cache_free(m, s, a), 0);
	assert_int_equal(virt_to_slab(m, a)->freelist, a);
	assert_consistent(m);

	/* The CPU list ends at tail, not last; a's list goes on to tail. */
	memcpy(&saved, ram_at(m, tail + 32), 8);
	assert_int_equal(saved, last);
	memcpy(ram_at(m, tail + 32), &zero, 8);
	memcpy(ram_at(m, a + 32), &tail, 8);
	assert_int_equal(machine_check(m, why, sizeof(why)), -EUCLEAN);
	assert_non_null(strstr(why, "tlists: free object on both the CPU "
				    "and the slab freelist"));
	snprintf(at, sizeof(at), "(%#lx)", (unsigned long)tail);
	assert_non_null(strstr(why, at));

	/* Only the end cut off: last is free and on no list. */
	memcpy(ram_at(m, a + 32), &zero, 8);
	assert_int_equal(machine_check(m, why, sizeof(why)), -EUCLEAN);
	assert_non_null(strstr(why, "tlists: free object on no freelist"));
	snprintf(at, sizeof(at), "(%#lx)", (unsigned long)last);
	assert_non_null(strstr(why, at));
	memcpy(ram_at(m, tail + 32), &saved, 8);
	assert_consistent(m);

	/* A list that comes back on itself loops. */
	memcpy(ram_at(m, a + 32), &a, 8);
	assert_check_fails(m, "freelist loops");
	memcpy(ram_at(m, a + 32), &zero, 8);
	assert_consistent(m);
	machine_destroy(m);
}

/* ------------------------------------------------------------------ */

struct live_obj {
	uint64_t addr;
	struct kmem_cache *cache; /* NULL: kmalloc */
	uint32_t tag;
};

static void stamp(struct machine *m, struct live_obj *o)
{
	memcpy(ram_at(m, o->addr), &o->tag, 4);
}

static void test_randomized_slab_workload(void **state)
{
	unsigned long seed =
		(unsigned long)test_seed("slab randomized workload", 1);
	struct machine *m = boot_small();
	struct kmem_cache *caches[3];
	struct live_obj *live = calloc(4096, sizeof(*live));
	unsigned int nr = 0;
	char why[256];

	(void)state;
	srand((unsigned int)seed);
	caches[0] = new_cache(m, "r24", 24, 0);
	caches[1] = new_cache(m, "r200", 200, SLAB_HWCACHE_ALIGN);
	caches[2] = new_cache(m, "r100d", 100, SLAB_RED_ZONE | SLAB_POISON);
	for (uint32_t op = 1; op <= 200000; op++) {
		int r = rand() % 100;

		if (r < 3) {
			machine_set_cpu(m, (unsigned int)rand() % 2);
		} else if (r < 4) {
			kmem_cache_shrink(m, caches[rand() % 3]);
		} else if (nr && (r < 50 || nr == 4096)) {
			unsigned int i = (unsigned int)rand() % nr;
			uint32_t tag;

			memcpy(&tag, ram_at(m, live[i].addr), 4);
			if (tag != live[i].tag)
				fail_msg("seed %lu: object %#lx lost its bytes",
					 seed, (unsigned long)live[i].addr);
			if ((live[i].cache ? kmem_cache_free(m, live[i].cache,
							     live[i].addr)
					   : kfree(m, live[i].addr)) != 0)
				fail_msg("seed %lu: free failed: %s", seed,
					 m->errmsg);
			live[i] = live[--nr];
		} else {
			struct live_obj o = {0, NULL, op};
			int err;

			if (r % 2) {
				o.cache = caches[rand() % 3];
				err = kmem_cache_alloc(m, o.cache, GFP_KERNEL,
						       &o.addr);
			} else {
				err = kmalloc(m, 4 + (size_t)rand() % 9000,
					      GFP_KERNEL, &o.addr);
			}
			if (err == -ENOMEM)
				continue;
			if (err)
				fail_msg("seed %lu: alloc: %d", seed, err);
			stamp(m, &o);
			live[nr++] = o;
		}
		if (op % 1000 == 0 && machine_check(m, why, sizeof(why)))
			fail_msg("seed %lu op %u: %s", seed, op, why);
	}
	while (nr) {
		nr--;
		assert_int_equal(live[nr].cache
					 ? kmem_cache_free(m, live[nr].cache,
							   live[nr].addr)
					 : kfree(m, live[nr].addr),
				 0);
	}
	for (int i = 0; i < 3; i++)
		assert_int_equal(kmem_cache_destroy(m, caches[i]), 0);
	assert_int_equal(m->bad[BAD_SLAB_REDZONE] + m->bad[BAD_SLAB_POISON], 0);
	assert_consistent(m);
	free(live);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kmalloc_geometry),
		cmocka_unit_test(test_freelist_pointer_in_ram),
		cmocka_unit_test(test_freelist_pointer_is_32_bit_on_i386),
		cmocka_unit_test(test_full_partial_empty_lists),
		cmocka_unit_test(test_per_cpu_slabs_and_remote_free),
		cmocka_unit_test(test_colouring),
		cmocka_unit_test(test_redzone_and_poison),
		cmocka_unit_test(test_layout_slub_debug),
		cmocka_unit_test(test_bad_frees),
		cmocka_unit_test(test_constructor),
		cmocka_unit_test(test_create_and_destroy_errors),
		cmocka_unit_test(test_slabinfo_line),
		cmocka_unit_test(test_kmalloc_classes),
		cmocka_unit_test(test_kmalloc_special_cases),
		cmocka_unit_test(test_checker_catches_slab_damage),
		cmocka_unit_test(test_checker_freelist_membership),
		cmocka_unit_test(test_cache_tables),
		cmocka_unit_test(test_randomized_slab_workload),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
