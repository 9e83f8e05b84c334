/* SPDX-License-Identifier: MIT */
/*
 * both.h - the unit tests that run one sequence on the host kernel and
 * in the machine and compare: a window of pages in this process and
 * the same window in a machine's task, and the steps every such test
 * takes on both (map, write, read back, touch).
 *
 * Owns: booting the machine with its one task, the two windows (the
 * host's between guard pages), and tearing both down (the host's locks
 * too, so the next test starts clean). Must never: assert more of a step than
 * that it succeeded on both and, for a read, that both read the same byte (each
 * test says what it expects of a call), or leave the host with memory locked.
 */
#ifndef MM_TEST_BOTH_H
#define MM_TEST_BOTH_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/mm.h"
#include "core/task.h"
#include "core/uapi.h"
#include "tests/unit/machines.h"

/* Where the machine's window starts, in its task. */
#define BOTH_W 0x10000000ULL

struct both {
	struct machine *m;
	int pid;
	uint8_t *host; /* the host's window */
	uint64_t at;   /* the machine's: BOTH_W */
	unsigned int pages;
};

/*
 * Boot l with one task, comm, and a window of pages on both, transparent
 * huge pages off on the host (one touch, one page). flags 0: the window
 * is left unmapped for map_both; else mapped read-write with flags on
 * both. On the host a PROT_NONE page stays either side of the window,
 * so that its VMAs never merge with a neighbour of this process (the
 * sanitizers' or the machine's memory) and end where the machine's do.
 */
static inline void both_boot(struct both *b, const struct layout *l,
			     const char *comm, unsigned int pages, int flags)
{
	uint64_t got = 0;
	uint8_t *guarded;

	prctl(PR_SET_THP_DISABLE, 1, 0, 0, 0);
	b->m = boot(l);
	assert_int_equal(task_create(b->m, comm, 0, 0, &b->pid), 0);
	assert_int_equal(task_switch(b->m, b->pid), 0);
	b->at = BOTH_W;
	b->pages = pages;
	guarded = mmap(NULL, (pages + 2) * PAGE, PROT_NONE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(guarded != MAP_FAILED);
	b->host = guarded + PAGE;
	if (!flags) {
		assert_int_equal(munmap(b->host, pages * PAGE), 0);
		return;
	}
	assert_true(mmap(b->host, pages * PAGE, PROT_READ | PROT_WRITE,
			 flags | MAP_FIXED, -1, 0) == b->host);
	assert_int_equal(uapi_mmap(b->m, 0, b->at, pages * PAGE,
				   PROT_READ | PROT_WRITE, flags | MAP_FIXED,
				   &got),
			 0);
}

/* The host's locks dropped (raw: the sanitizers' are stand-ins), the
 * windows gone, the machine checked and destroyed. */
static inline void teardown_both(struct both *b)
{
	syscall(SYS_munlockall);
	munmap(b->host - PAGE, (b->pages + 2) * PAGE);
	assert_consistent(b->m);
	machine_destroy(b->m);
}

static inline struct mm_struct *mm_of(struct both *b)
{
	return find_task_by_pid(b->m, b->pid)->mm;
}

/* mmap of [page, +pages) of the window, MAP_FIXED, on both. */
static inline void map_both(struct both *b, unsigned int page,
			    unsigned int pages, int prot, int flags)
{
	uint64_t got = 0;

	assert_true(mmap(b->host + page * PAGE, pages * PAGE, prot,
			 flags | MAP_FIXED, -1, 0) != MAP_FAILED);
	assert_int_equal(uapi_mmap(b->m, 0, b->at + page * PAGE, pages * PAGE,
				   prot, flags | MAP_FIXED, &got),
			 0);
}

/* v into the page's first byte, on both. */
static inline void write_both(struct both *b, unsigned int page, uint8_t v)
{
	struct user_fault f;

	b->host[page * PAGE] = v;
	assert_int_equal(uapi_access_vm(b->m, 0, b->at + page * PAGE, &v, 1,
					USER_WRITE, &f),
			 0);
}

/* A read of the page's first byte: the same on both. */
static inline void read_both(struct both *b, unsigned int page)
{
	struct user_fault f;
	uint8_t mine = 0xee, host = *(volatile uint8_t *)&b->host[page * PAGE];

	assert_int_equal(uapi_access_vm(b->m, 0, b->at + page * PAGE, &mine, 1,
					USER_READ, &f),
			 0);
	assert_int_equal(mine, host);
}

/* A write of 1, or a read whose byte is not compared, on both. */
static inline void touch_both(struct both *b, unsigned int page, bool write)
{
	struct user_fault f;
	uint8_t v = 1;

	if (!write)
		v = *(volatile uint8_t *)&b->host[page * PAGE];
	else
		b->host[page * PAGE] = v;
	assert_int_equal(uapi_access_vm(b->m, 0, b->at + page * PAGE, &v, 1,
					write ? USER_WRITE : USER_READ, &f),
			 0);
}

#endif /* MM_TEST_BOTH_H */
