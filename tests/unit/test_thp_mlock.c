/* SPDX-License-Identifier: MIT */
/*
 * test_thp_mlock.c - mlock of transparent huge pages, as Linux 6.x
 * counts it (mm/mlock.c's mlock_pte_range and mlock_folio,
 * fs/proc/task_mmu.c's smaps_account): a THP a locked VMA maps by its
 * PMD, or faults in, is mlocked whole (meminfo's Mlocked grows by 2 MiB);
 * one only partly inside the locked range is not, though smaps' Locked
 * shows the locked VMA's share of it; munlock, munmap, a partial munmap,
 * copy-on-write and exit uncount it; khugepaged's THP in a locked VMA is
 * mlocked. Each sequence also runs on the host (an aligned 2 MiB of a
 * MADV_HUGEPAGE mapping), whose meminfo Mlocked delta and smaps Locked
 * and AnonHugePages must be the machine's after every step; a host that
 * gives no THP is skipped with a message. The host's Mlocked is the
 * range's own mlocked frames, read from /proc/kpageflags through
 * /proc/self/pagemap (as root; otherwise meminfo's delta, which other
 * processes disturb).
 */
#include "tests/unit/host.h"
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/huge_mm.h"
#include "core/meminfo.h"
#include "core/task.h"
#include "core/task_mmu.h"
#include "core/uapi.h"
#include "core/vmscan.h"

#define HPAGE (2 * MiB)
#define HALF  (HPAGE / 2)
#define W     0x40000000ULL /* 1 GiB: aligned to a PMD */

/* One step of a sequence, the same on the host and on the machine. */
enum step_kind {
	S_TOUCH,
	S_POKE,
	S_MLOCK,
	S_ONFAULT,
	S_MUNLOCK,
	S_MUNMAP,
	S_RDONLY
};

struct step {
	enum step_kind kind;
	uint64_t off, len;
};

/* What is seen after a step: kB. */
struct seen {
	long mlocked;	/* meminfo's Mlocked, from the start */
	long locked_lo; /* smaps Locked of the VMA at the THP's start */
	long locked_hi; /* and of the VMA at its last page */
	long anon_huge; /* smaps AnonHugePages of the VMA at its start */
};

#define MAX_STEPS 8

struct sequence {
	const char *name;
	struct step steps[MAX_STEPS];
	unsigned int nr;
	struct seen want[MAX_STEPS]; /* the machine's, by Linux's rules */
};

/* ------------------------------------------------------------------ */
/* The machine                                                         */

struct thp {
	struct machine *m;
	int pid;
};

static void setup(struct thp *t)
{
	struct layout l;

	small_layout(&l, 64 * MiB);
	l.swap_size = 16 * MiB;
	t->m = boot(&l);
	assert_int_equal(task_create(t->m, "thp-mlock", 0, 0, &t->pid), 0);
	assert_int_equal(task_switch(t->m, t->pid), 0);
}

static void teardown(struct thp *t)
{
	assert_consistent(t->m);
	machine_destroy(t->m);
}

static void map_thp_range(struct thp *t, uint64_t at)
{
	uint64_t got = 0;

	assert_int_equal(uapi_mmap(t->m, 0, at, HPAGE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
				   &got),
			 0);
	assert_int_equal(uapi_madvise(t->m, 0, at, HPAGE, MADV_HUGEPAGE), 0);
}

static void poke(struct thp *t, uint64_t addr, uint8_t v)
{
	struct user_fault f;

	assert_int_equal(uapi_access_vm(t->m, 0, addr, &v, 1, USER_WRITE, &f),
			 0);
}

static uint8_t peek(struct thp *t, uint64_t addr)
{
	struct user_fault f;
	uint8_t v = 0xee;

	assert_int_equal(uapi_access_vm(t->m, 0, addr, &v, 1, USER_READ, &f),
			 0);
	return v;
}

/* A distinct byte in each 4K page of the huge page at at. */
static void fill(struct thp *t, uint64_t at)
{
	for (uint64_t off = 0; off < HPAGE; off += PAGE)
		poke(t, at + off, (uint8_t)(off >> 12) | 1);
}

/* smaps' key (Locked, AnonHugePages) of the VMA holding addr; 0 if none. */
static long smaps_kb(struct thp *t, uint64_t addr, bool huge)
{
	int err;
	struct smaps_snapshot *ss =
		snapshot_take(&pid_smaps_report, t->m, t->pid, &err);
	long kb = 0;

	assert_non_null(ss);
	for (size_t i = 0; i < ss->nr_vmas; i++) {
		const struct smaps_vma_snapshot *v = &ss->vmas[i];

		if (v->vma.start <= addr && addr < v->vma.end)
			kb = (long)(huge ? v->c.anon_huge_pages : v->c.locked);
	}
	snapshot_free(pid_smaps_report.desc, ss);
	return kb;
}

static int machine_step(struct thp *t, const struct step *s)
{
	switch (s->kind) {
	case S_TOUCH:
		fill(t, W);
		return 0;
	case S_POKE:
		poke(t, W + s->off, 5);
		return 0;
	case S_MLOCK:
		return uapi_mlock(t->m, 0, W + s->off, s->len, 0);
	case S_ONFAULT:
		return uapi_mlock(t->m, 0, W + s->off, s->len, MLOCK_ONFAULT);
	case S_MUNLOCK:
		return uapi_munlock(t->m, 0, W + s->off, s->len);
	case S_MUNMAP:
		return uapi_munmap(t->m, 0, W + s->off, s->len);
	case S_RDONLY:
		return uapi_mprotect(t->m, 0, W + s->off, s->len, PROT_READ);
	}
	return -EINVAL;
}

static struct seen machine_seen(struct thp *t)
{
	struct seen s = {
		.mlocked = (long)meminfo_kb(t->m, "Mlocked"),
		.locked_lo = smaps_kb(t, W, false),
		.locked_hi = smaps_kb(t, W + HPAGE - PAGE, false),
		.anon_huge = smaps_kb(t, W, true),
	};

	return s;
}

static void machine_run(const struct sequence *q, struct seen *got)
{
	struct thp t;

	setup(&t);
	map_thp_range(&t, W);
	for (unsigned int i = 0; i < q->nr; i++) {
		assert_int_equal(machine_step(&t, &q->steps[i]), 0);
		got[i] = machine_seen(&t);
		assert_consistent(t.m);
	}
	teardown(&t);
}

/* ------------------------------------------------------------------ */
/* The host                                                            */

struct host {
	uint8_t *raw, *p;
	long base;
};

static bool host_map(struct host *h)
{
	h->raw = mmap(NULL, 3 * HPAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (h->raw == MAP_FAILED)
		return false;
	h->p = (uint8_t *)(((uintptr_t)h->raw + HPAGE - 1) &
			   ~(uintptr_t)(HPAGE - 1));
	h->base = host_meminfo_kb("Mlocked");
	return madvise(h->p, HPAGE, MADV_HUGEPAGE) == 0 && h->base >= 0;
}

static int host_step(struct host *h, const struct step *s)
{
	uint8_t *a = h->p + s->off;

	switch (s->kind) {
	case S_TOUCH:
		for (uint64_t off = 0; off < HPAGE; off += PAGE)
			h->p[off] = (uint8_t)(off >> 12) | 1;
		return 0;
	case S_POKE:
		*(volatile uint8_t *)a = 5;
		return 0;
	case S_MLOCK:
		return host_result(syscall(SYS_mlock, a, s->len));
	case S_ONFAULT:
		return host_result(
			syscall(SYS_mlock2, a, s->len, MLOCK_ONFAULT));
	case S_MUNLOCK:
		return host_result(syscall(SYS_munlock, a, s->len));
	case S_MUNMAP:
		return host_result(munmap(a, s->len));
	case S_RDONLY:
		return host_result(mprotect(a, s->len, PROT_READ));
	}
	return -EINVAL;
}

static long host_smaps_or_0(const void *p, const char *key)
{
	long kb = host_smaps_kb(p, key);

	return kb < 0 ? 0 : kb; /* unmapped: nothing there */
}

/*
 * Mlocked: the range's own mlocked pages where the host shows frames'
 * flags (as root), else meminfo's delta, which another process may
 * disturb.
 */
static struct seen host_seen(const struct host *h)
{
	long own = host_mlocked_kb(h->p, HPAGE);
	struct seen s = {
		.mlocked =
			own >= 0 ? own : host_meminfo_kb("Mlocked") - h->base,
		.locked_lo = host_smaps_or_0(h->p, "Locked"),
		.locked_hi = host_smaps_or_0(h->p + HPAGE - PAGE, "Locked"),
		.anon_huge = host_smaps_or_0(h->p, "AnonHugePages"),
	};

	return s;
}

/*
 * The sequence on the host: false when it gave no THP (nothing to
 * compare), else what it showed after each step.
 */
static bool host_run(const struct sequence *q, struct seen *got)
{
	struct host h;
	bool thp = true;

	if (!host_map(&h))
		return false;
	for (unsigned int i = 0; i < q->nr; i++) {
		assert_int_equal(host_step(&h, &q->steps[i]), 0);
		got[i] = host_seen(&h);
		/* The first touch, or the fault, must have made a THP. */
		if ((q->steps[i].kind == S_TOUCH ||
		     q->steps[i].kind == S_POKE) &&
		    got[i].anon_huge != HPAGE / 1024)
			thp = false;
	}
	/* The syscalls: the sanitizer's mlock and munlock do nothing. */
	syscall(SYS_munlock, h.raw, 3 * HPAGE);
	munmap(h.raw, 3 * HPAGE);
	return thp;
}

static bool same(const struct seen *a, const struct seen *b, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (a[i].mlocked != b[i].mlocked ||
		    a[i].locked_lo != b[i].locked_lo ||
		    a[i].locked_hi != b[i].locked_hi ||
		    a[i].anon_huge != b[i].anon_huge)
			return false;
	return true;
}

static void print_seen(const char *who, const struct seen *s, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		print_message("  %s step %u: Mlocked %+ld Locked %ld/%ld "
			      "AnonHugePages %ld\n",
			      who, i, s[i].mlocked, s[i].locked_lo,
			      s[i].locked_hi, s[i].anon_huge);
}

/* The same but for Mlocked. */
static bool same_but_mlocked(const struct seen *a, const struct seen *b,
			     unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (a[i].locked_lo != b[i].locked_lo ||
		    a[i].locked_hi != b[i].locked_hi ||
		    a[i].anon_huge != b[i].anon_huge)
			return false;
	return true;
}

/*
 * The machine must show want after each step; the host, where it gives
 * THPs, the same. As root the host's Mlocked is the range's own mlocked
 * frames (kpageflags), exact; otherwise it is the whole host's meminfo
 * delta, which another process's mlock between two reads disturbs, so a
 * run that differs is tried again, three times in all, and a delta
 * still disturbed then is reported rather than compared.
 */
static void run_sequence(const struct sequence *q)
{
	struct seen mine[MAX_STEPS], host[MAX_STEPS];
	bool thp = false, exact = host_mlocked_kb(&mine, 1) >= 0;

	machine_run(q, mine);
	if (!same(mine, q->want, q->nr)) {
		print_seen("machine", mine, q->nr);
		fail_msg("%s: the machine differs from Linux's rules", q->name);
	}
	for (int tries = 0; tries < (exact ? 1 : 3); tries++) {
		thp = host_run(q, host);
		if (!thp || same(mine, host, q->nr))
			break;
	}
	if (!thp) {
		print_message("%s: the host gave no THP; not compared\n",
			      q->name);
		return;
	}
	if (!exact && !same(mine, host, q->nr) &&
	    same_but_mlocked(mine, host, q->nr)) {
		print_seen("host", host, q->nr);
		print_message("%s: the host's Mlocked moved under another "
			      "process; not compared\n",
			      q->name);
		return;
	}
	if (!same(mine, host, q->nr)) {
		print_seen("machine", mine, q->nr);
		print_seen("host", host, q->nr);
		fail_msg("%s: the host differs", q->name);
	}
}

/* ------------------------------------------------------------------ */
/* The sequences                                                       */

/*
 * mlock of a PMD-mapped THP counts its 512 pages (mlock_pte_range's
 * PMD case, mlock_folio); munlock of half splits the PMD and the VMA,
 * and munlock_folio lets the whole THP go (Linux's allow_mlock_munlock
 * lets any folio be munlocked), though smaps still shows the locked
 * half's 1 MiB in Locked.
 */
static void test_mlock_whole_munlock_half(void **state)
{
	static const struct sequence q = {
		"mlock whole, munlock half",
		{{S_TOUCH, 0, 0},
		 {S_MLOCK, 0, HPAGE},
		 {S_MUNLOCK, HALF, HALF},
		 {S_MUNLOCK, 0, HPAGE}},
		4,
		{{0, 0, 0, 2048},
		 {2048, 2048, 2048, 2048},
		 {0, 1024, 0, 0},
		 {0, 0, 0, 0}},
	};

	(void)state;
	run_sequence(&q);
}

/*
 * mlock of half a THP: the VMA's cut splits the PMD, and a PTE-mapped
 * THP only partly in the range is not mlocked (allow_mlock_munlock:
 * folio_within_range); locking the other half merges the VMAs, but its
 * walk covers only that half, so the THP stays unlocked.
 */
static void test_mlock_half(void **state)
{
	static const struct sequence q = {
		"mlock half, then the other",
		{{S_TOUCH, 0, 0},
		 {S_MLOCK, 0, HALF},
		 {S_MLOCK, HALF, HALF},
		 {S_MUNLOCK, 0, HPAGE}},
		4,
		{{0, 0, 0, 2048},
		 {0, 1024, 0, 0},
		 {0, 2048, 2048, 0},
		 {0, 0, 0, 0}},
	};

	(void)state;
	run_sequence(&q);
}

/*
 * A partial munmap of a locked THP: the zap's munlock_vma_folio lets it
 * go, and the page left at the start shows its 4 kB in Locked.
 */
static void test_mlock_munmap_page(void **state)
{
	static const struct sequence q = {
		"mlock whole, munmap one page",
		{{S_TOUCH, 0, 0},
		 {S_MLOCK, 0, HPAGE},
		 {S_MUNMAP, PAGE, PAGE},
		 {S_MUNMAP, 0, HPAGE}},
		4,
		{{0, 0, 0, 2048},
		 {2048, 2048, 2048, 2048},
		 {0, 4, 2040, 0},
		 {0, 0, 0, 0}},
	};

	(void)state;
	run_sequence(&q);
}

/*
 * mlock2(MLOCK_ONFAULT) of an empty range, then one write: the PMD
 * fault's THP is mlocked as it is mapped (folio_add_lru_vma's
 * mlock_new_folio); munmap uncounts it.
 */
static void test_mlock_onfault(void **state)
{
	static const struct sequence q = {
		"MLOCK_ONFAULT, a fault",
		{{S_ONFAULT, 0, HPAGE}, {S_POKE, 5, 0}, {S_MUNMAP, 0, HPAGE}},
		3,
		{{0, 0, 0, 0}, {2048, 2048, 2048, 2048}, {0, 0, 0, 0}},
	};

	(void)state;
	run_sequence(&q);
}

/*
 * mprotect of half a locked THP cuts the VMA and splits the PMD, but
 * nothing munlocks the THP: it stays counted until munlock.
 */
static void test_mlock_mprotect_half(void **state)
{
	static const struct sequence q = {
		"mlock whole, mprotect half",
		{{S_TOUCH, 0, 0},
		 {S_MLOCK, 0, HPAGE},
		 {S_RDONLY, 0, HALF},
		 {S_MUNLOCK, 0, HPAGE}},
		4,
		{{0, 0, 0, 2048},
		 {2048, 2048, 2048, 2048},
		 {2048, 1024, 1024, 0},
		 {0, 0, 0, 0}},
	};

	(void)state;
	run_sequence(&q);
}

/* ------------------------------------------------------------------ */
/* The machine alone                                                   */

static unsigned long ev(struct thp *t, enum vm_event_item i)
{
	return t->m->vm_events[i];
}

/*
 * The events count pages, as Linux's: 512 mlocked, 512 munlocked; a
 * locked THP freed at exit is cleared (unevictable_pgs_cleared).
 */
static void test_events_and_exit(void **state)
{
	struct thp t;
	int other;

	(void)state;
	setup(&t);
	map_thp_range(&t, W);
	fill(&t, W);
	assert_int_equal(uapi_mlock(t.m, 0, W, HPAGE, 0), 0);
	assert_int_equal(ev(&t, UNEVICTABLE_PGMLOCKED), 512);
	/* Locking it again counts nothing more. */
	assert_int_equal(uapi_mlock(t.m, 0, W, HPAGE, 0), 0);
	assert_int_equal(ev(&t, UNEVICTABLE_PGMLOCKED), 512);
	assert_int_equal(uapi_munlock(t.m, 0, W, HPAGE), 0);
	assert_int_equal(ev(&t, UNEVICTABLE_PGMUNLOCKED), 512);
	assert_int_equal(meminfo_kb(t.m, "Mlocked"), 0);
	assert_int_equal(uapi_mlock(t.m, 0, W, HPAGE, 0), 0);
	assert_int_equal(meminfo_kb(t.m, "Mlocked"), 2048);
	assert_consistent(t.m);
	/* Exit: the locked VMA's zap munlocks it, then it is freed. */
	assert_int_equal(task_create(t.m, "other", 0, 0, &other), 0);
	assert_int_equal(task_switch(t.m, other), 0);
	assert_int_equal(task_exit(t.m, t.pid, NULL), 0);
	t.pid = other;
	assert_int_equal(meminfo_kb(t.m, "Mlocked"), 0);
	assert_int_equal(ev(&t, UNEVICTABLE_PGMUNLOCKED), 1024);
	teardown(&t);
}

/*
 * Two locked mappings of one THP (fork, and both lock it): it stays
 * mlocked while either maps it whole, as Linux's mlock_count keeps it;
 * the parent's write splits its PMD and copies one page, and its
 * munlock_vma_folio leaves the THP to the child's lock. MLOCK_ONFAULT,
 * since mlock's populate writes (FOLL_WRITE) and would copy each page.
 */
static void test_fork_both_locked(void **state)
{
	struct thp t;
	int child;

	(void)state;
	setup(&t);
	map_thp_range(&t, W);
	fill(&t, W);
	assert_int_equal(uapi_mlock(t.m, 0, W, HPAGE, 0), 0);
	assert_int_equal(uapi_fork(t.m, 0, &child), 0);
	/* The child does not inherit VM_LOCKED: still 2 MiB. */
	assert_int_equal(meminfo_kb(t.m, "Mlocked"), 2048);
	assert_int_equal(task_switch(t.m, child), 0);
	assert_int_equal(uapi_mlock(t.m, 0, W, HPAGE, MLOCK_ONFAULT), 0);
	assert_int_equal(meminfo_kb(t.m, "Mlocked"), 2048);
	assert_int_equal(task_switch(t.m, t.pid), 0);
	assert_int_equal(uapi_munlock(t.m, 0, W, HPAGE), 0);
	assert_int_equal(meminfo_kb(t.m, "Mlocked"), 2048);
	assert_consistent(t.m);
	/* Locked again, the parent's write copies one page (4 kB more). */
	assert_int_equal(uapi_mlock(t.m, 0, W, HPAGE, MLOCK_ONFAULT), 0);
	poke(&t, W + 3 * PAGE, 0x77);
	assert_int_equal(meminfo_kb(t.m, "Mlocked"), 2048 + 4);
	assert_int_equal(peek(&t, W + 3 * PAGE), 0x77);
	assert_int_equal(peek(&t, W + 4 * PAGE), 5);
	assert_consistent(t.m);
	/* The child unlocks: nothing maps the THP whole in a locked VMA. */
	assert_int_equal(task_switch(t.m, child), 0);
	assert_int_equal(uapi_munlock(t.m, 0, W, HPAGE), 0);
	assert_int_equal(meminfo_kb(t.m, "Mlocked"), 4);
	assert_int_equal(peek(&t, W + 3 * PAGE), 3 | 1);
	assert_int_equal(task_switch(t.m, t.pid), 0);
	teardown(&t);
}

/*
 * A plain mlock in the child of a shared THP: its populate writes
 * (FOLL_WRITE on a private writable VMA), which splits the child's PMD
 * and copies every page, each mlocked; the parent's THP stays mlocked.
 */
static void test_fork_child_mlock_copies(void **state)
{
	struct thp t;
	int child;

	(void)state;
	setup(&t);
	map_thp_range(&t, W);
	fill(&t, W);
	assert_int_equal(uapi_mlock(t.m, 0, W, HPAGE, 0), 0);
	assert_int_equal(uapi_fork(t.m, 0, &child), 0);
	assert_int_equal(task_switch(t.m, child), 0);
	assert_int_equal(uapi_mlock(t.m, 0, W, HPAGE, 0), 0);
	assert_int_equal(meminfo_kb(t.m, "Mlocked"), 4096);
	assert_int_equal(peek(&t, W + 9 * PAGE), 9);
	assert_int_equal(task_switch(t.m, t.pid), 0);
	assert_consistent(t.m);
	teardown(&t);
}

/*
 * khugepaged in a locked VMA: the small pages it collapses were
 * mlocked; the THP it maps is (folio_add_lru_vma), and the small ones'
 * count goes with them.
 */
static void test_khugepaged_locked(void **state)
{
	struct thp t;
	uint64_t got = 0;

	(void)state;
	setup(&t);
	assert_int_equal(thp_set(t.m, "never", NULL), 0);
	assert_int_equal(uapi_mmap(t.m, 0, W, HPAGE, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
				   &got),
			 0);
	for (unsigned int i = 0; i < 8; i++)
		poke(&t, W + i * PAGE, (uint8_t)(i + 1));
	assert_int_equal(uapi_mlock(t.m, 0, W, HPAGE, MLOCK_ONFAULT), 0);
	assert_int_equal(meminfo_kb(t.m, "Mlocked"), 32);
	assert_int_equal(thp_set(t.m, "always", NULL), 0);
	assert_int_equal(khugepaged_scan(t.m), 1);
	assert_int_equal(meminfo_kb(t.m, "Mlocked"), 2048);
	assert_int_equal(meminfo_kb(t.m, "AnonHugePages"), 2048);
	for (unsigned int i = 0; i < 8; i++)
		assert_int_equal(peek(&t, W + i * PAGE), i + 1);
	teardown(&t);
}

/* machine_check's message, or "" when the machine is consistent. */
static const char *check_says(struct thp *t, char *why, size_t len)
{
	why[0] = 0;
	if (!machine_check(t->m, why, len))
		why[0] = 0;
	return why;
}

/*
 * The checker sees a THP on the unevictable list that is not mlocked,
 * a PMD-mapped THP of a locked VMA that is not mlocked, an mlocked
 * tail, and NR_MLOCK that misses a THP's pages.
 */
static void test_checker_catches(void **state)
{
	struct thp t;
	struct page *head;
	char why[256];

	(void)state;
	setup(&t);
	map_thp_range(&t, W);
	fill(&t, W);
	assert_int_equal(uapi_mlock(t.m, 0, W, HPAGE, 0), 0);
	head = NULL;
	for (unsigned long pfn = 0; pfn < t.m->max_pfn && !head; pfn++) {
		struct page *p = pfn_to_page(t.m, pfn);

		if (PageThp(p) && PageFlag(p, PG_mlocked))
			head = p;
	}
	assert_non_null(head);
	/* Not mlocked, on the unevictable list: the lists' check. */
	ClearPageFlag(head, PG_mlocked);
	assert_non_null(strstr(check_says(&t, why, sizeof(why)),
			       "is not a live user page of it"));
	/* Munlocked behind the VMA's back, rescued, counted: mlock's. */
	page_zone(t.m, head)->vm_stat[NR_MLOCK] -= 512;
	lru_move_evictable(t.m, head);
	assert_non_null(
		strstr(check_says(&t, why, sizeof(why)),
		       "PMD-mapped by a VM_LOCKED VMA, is not mlocked"));
	SetPageFlag(head, PG_mlocked);
	page_zone(t.m, head)->vm_stat[NR_MLOCK] += 512;
	lru_move_unevictable(t.m, head);
	assert_string_equal(check_says(&t, why, sizeof(why)), "");
	SetPageFlag(head + 7, PG_mlocked);
	assert_non_null(
		strstr(check_says(&t, why, sizeof(why)), "not mlocked alone"));
	ClearPageFlag(head + 7, PG_mlocked);
	page_zone(t.m, head)->vm_stat[NR_MLOCK] -= 512;
	assert_non_null(strstr(check_says(&t, why, sizeof(why)),
			       "pages mlocked, NR_MLOCK says"));
	page_zone(t.m, head)->vm_stat[NR_MLOCK] += 512;
	teardown(&t);
}

/*
 * Random mlock, munlock, mlock2, mprotect, munmap, writes, forks and
 * exits over four THPs: the checker (NR_MLOCK against the mlocked THPs
 * and the unevictable list, every PMD-mapped THP in a locked VMA
 * mlocked) holds after every step, and every byte written reads back.
 */
static void test_random_sequences(void **state)
{
	enum { SPAN = 4 * HPAGE, PAGES = SPAN / PAGE };
	static uint8_t shadow[PAGES];
	struct thp t;
	unsigned int seed = 20261206;
	bool saw_locked_thp = false;

	(void)state;
	for (unsigned int round = 0; round < 6; round++) {
		int child = 0;

		setup(&t);
		map_thp_range(&t, W);
		map_thp_range(&t, W + HPAGE);
		map_thp_range(&t, W + 2 * HPAGE);
		map_thp_range(&t, W + 3 * HPAGE);
		memset(shadow, 0, sizeof(shadow));
		for (unsigned int step = 0; step < 120; step++) {
			unsigned int r = (unsigned int)rand_r(&seed);
			uint64_t page = (uint64_t)(rand_r(&seed) % PAGES);
			uint64_t len =
				(uint64_t)(1 + rand_r(&seed) % 700) * PAGE;
			uint64_t at = W + page * PAGE;

			if (at + len > W + SPAN)
				len = W + SPAN - at;
			switch (r % 9) {
			case 0:
			case 1: {
				uint8_t v = (uint8_t)(step | 1);
				struct user_fault f;

				/* Unmapped or read-only: refused, unwritten. */
				if (!uapi_access_vm(t.m, 0, at, &v, 1,
						    USER_WRITE, &f))
					shadow[page] = v;
				break;
			}
			case 2:
				uapi_mlock(t.m, 0, at & ~(HPAGE - 1), HPAGE, 0);
				break;
			case 3:
				uapi_mlock(t.m, 0, at, len,
					   r & 16 ? MLOCK_ONFAULT : 0);
				break;
			case 4:
				uapi_munlock(t.m, 0, at, len);
				break;
			case 5:
				uapi_mprotect(t.m, 0, at, len,
					      r & 16 ? PROT_READ
						     : PROT_READ | PROT_WRITE);
				break;
			case 6:
				if (r % 5 == 0) {
					uapi_munmap(t.m, 0, at, len);
					memset(&shadow[page], 0xff, len / PAGE);
				}
				break;
			case 7:
				if (!child)
					assert_int_equal(
						uapi_fork(t.m, 0, &child), 0);
				break;
			case 8:
				if (child && r % 3 == 0) {
					assert_int_equal(
						task_exit(t.m, child, NULL), 0);
					child = 0;
				}
				break;
			}
			assert_consistent(t.m);
			saw_locked_thp |= meminfo_kb(t.m, "Mlocked") >= 2048 &&
					  meminfo_kb(t.m, "AnonHugePages") > 0;
		}
		for (unsigned int i = 0; i < PAGES; i++) {
			uint8_t v = 0;
			struct user_fault f;

			if (shadow[i] == 0xff || !shadow[i])
				continue;
			if (uapi_access_vm(t.m, 0, W + (uint64_t)i * PAGE, &v,
					   1, USER_READ, &f))
				continue; /* unmapped since */
			if (v != shadow[i])
				fail_msg("round %u: page %u reads %#x, wrote "
					 "%#x",
					 round, i, v, shadow[i]);
		}
		teardown(&t);
	}
	assert_true(saw_locked_thp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mlock_whole_munlock_half),
		cmocka_unit_test(test_mlock_half),
		cmocka_unit_test(test_mlock_munmap_page),
		cmocka_unit_test(test_mlock_onfault),
		cmocka_unit_test(test_mlock_mprotect_half),
		cmocka_unit_test(test_events_and_exit),
		cmocka_unit_test(test_fork_both_locked),
		cmocka_unit_test(test_fork_child_mlock_copies),
		cmocka_unit_test(test_khugepaged_locked),
		cmocka_unit_test(test_checker_catches),
		cmocka_unit_test(test_random_sequences),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
