/*
 * test_vm_stress.c - address spaces under pressure: processes that write
 * a pattern of their own over every byte of more memory than the machine
 * has, with fork and shared memory in the mix, read back byte for byte
 * through swap; then every page and swap slot given back at exit.
 */
#include "tests/unit/machines.h"

#include <stdio.h>
#include <stdlib.h>

#include "core/mm.h"
#include "core/slab.h"
#include "core/swap.h"
#include "core/task.h"
#include "core/task_mmu.h"
#include "core/uapi.h"
#include "core/vmscan.h"

#define PAGE  4096ULL
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
	assert_int_equal(m->lruvec.nr_pages[LRU_INACTIVE_ANON] +
				 m->lruvec.nr_pages[LRU_ACTIVE_ANON],
			 0);
	assert_int_equal(used_pages(m), used_before);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_byte_through_swap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
