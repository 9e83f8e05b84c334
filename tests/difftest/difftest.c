/* SPDX-License-Identifier: MIT */
/*
 * difftest.c - address spaces tested against the host kernel: random
 * sequences of mmap, munmap, mprotect, mremap, brk, reads and writes run
 * once by a real process on the host (host_child.c) and once by a
 * process of the machine, driven through core in this process; after
 * every step the two must agree on the result and errno, the signal of
 * an access, the minor and major faults the step took, the VMAs in the
 * window (bounds, perms, shared or private, [heap], and smaps' Rss,
 * Anonymous, Swap and Locked of each) and which pages are present or
 * swapped. The calls include mlock, mlock2(MLOCK_ONFAULT), munlock,
 * madvise's advice, MREMAP_DONTUNMAP, mlockall and munlockall, and
 * fork: then each step is made by the parent or the child, and both
 * processes' views are compared (exit of either). The host child drops
 * CAP_IPC_LOCK so that both count against RLIMIT_MEMLOCK.
 *
 *   difftest [-t SECONDS] [-n SEQUENCES] [-c CHECK_EVERY] [-j WORKERS]
 *            [-v]                                SEED=n replays a run
 *
 * Workers run in processes of their own, worker w on seed + w. The
 * invariant checker runs after every CHECK_EVERY-th sequence (64) and at
 * the end.
 *
 * The window is WINDOW_PAGES pages from each side's first break, so brk
 * and MAP_FIXED mappings meet there as they would. A divergence stops
 * the run: the sequence is shrunk to the fewest steps that still
 * diverge and printed with both sides' view. Exits 0 when nothing
 * diverged. Must never: place a mapping where the host chooses (every
 * mapping is MAP_FIXED or MAP_FIXED_NOREPLACE in the window), or judge
 * by time.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "core/check.h"
#include "core/err.h"
#include "core/fs/fs.h"
#include "core/layout.h"
#include "core/machine.h"
#include "core/mm.h"
#include "core/pgtable.h"
#include "core/seq_buf.h"
#include "core/shmem.h"
#include "core/task.h"
#include "core/task_mmu.h"
#include "core/uapi.h"
#include "tests/difftest/difftest.h"

#define PAGE	     4096ULL
#define WINDOW_PAGES 256
#define MAX_STEPS    48
#define MAX_VMAS     WINDOW_PAGES
/* fault_around_bytes (64 KiB) in pages, on both sides by default. */
#define FAULT_AROUND_PAGES 16

/* One VMA in the window, clipped to it, in pages from its base. */
struct dt_vma {
	unsigned int start, end;
	char perms[5];
	bool heap;
	unsigned long long pgoff; /* maps' offset (a file's, or shmem's) */
	/* smaps, kB; the VMA's whole figures (-1: no smaps line seen) */
	long rss, anon, swap, locked;
	long shared, private_; /* Shared_Clean + _Dirty, Private_ likewise */
};

/* What one side looks like after a step. */
struct dt_view {
	struct dt_result res;
	unsigned int nr_vmas;
	struct dt_vma vmas[MAX_VMAS];
	uint8_t page[WINDOW_PAGES]; /* 0 none, 1 present, 2 swapped */
};

/* The host's processes: [0] the first, [1] the one it forked. */
struct host {
	pid_t pid[2];
	int fd[2];	  /* the socket to each; -1 once it has gone */
	pid_t last_child; /* the last forked, to reap if it was reparented */
	uint64_t base;
};

/*
 * The machine's: pid[i] 0 once gone. Both are forked from a session
 * leader that makes no call, since a leader's exit takes the processes
 * forked in its session with it (a session is a client) where Linux's
 * parent leaves its child running.
 */
struct sim {
	struct machine *m;
	int leader, pid[2];
	uint64_t base;
	int fd;		    /* the file's descriptor in both, or -1 */
	uint64_t file_size; /* its size, for what ftruncate adds */
	bool stranded;	    /* MREMAP_DONTUNMAP unlocked a VMA (step_runs) */
};

#define SIM_FILE "/difftest"

static char child_path[PATH_MAX];
static bool verbose;

/* ------------------------------------------------------------------ */
/* Random sequences                                                    */

static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static unsigned int rnd(uint64_t *s, unsigned int n)
{
	return (unsigned int)(rng_next(s) % n);
}

static int random_prot(uint64_t *s)
{
	static const int prots[] = {
		PROT_NONE,
		PROT_READ,
		PROT_READ | PROT_WRITE,
		PROT_READ | PROT_WRITE,
		PROT_READ | PROT_WRITE,
		PROT_READ | PROT_EXEC,
		PROT_READ | PROT_WRITE | PROT_EXEC,
		PROT_WRITE, /* readable too, on x86 */
		PROT_EXEC,
	};

	return prots[rnd(s, sizeof(prots) / sizeof(prots[0]))];
}

/* Mostly near the bottom, where brk works, so calls meet each other. */
static uint64_t random_page(uint64_t *s)
{
	return rnd(s, 4) ? rnd(s, 48) : rnd(s, WINDOW_PAGES - 16);
}

static uint64_t random_len(uint64_t *s)
{
	uint64_t len = (1 + rnd(s, 12)) * PAGE;

	return rnd(s, 10) ? len : len - 1 - rnd(s, PAGE - 1);
}

static int random_mmap_flags(uint64_t *s)
{
	int flags = MAP_ANONYMOUS | (rnd(s, 8) ? MAP_PRIVATE : MAP_SHARED);

	flags |= rnd(s, 8) ? MAP_FIXED : MAP_FIXED_NOREPLACE;
	if (!rnd(s, 10))
		flags |= MAP_NORESERVE;
	if (!rnd(s, 10))
		flags |= MAP_POPULATE;
	if (!rnd(s, 25))
		flags |= MAP_GROWSDOWN;
	if (!rnd(s, 12))
		flags |= MAP_LOCKED;
	return flags;
}

/* Whether the host swaps: MADV_PAGEOUT is only compared when not. */
static bool host_has_swap;

static int random_advice(uint64_t *s)
{
	static const int advice[] = {
		MADV_DONTNEED,
		MADV_DONTNEED,
		MADV_FREE,
		MADV_FREE,
		MADV_COLD,
		MADV_PAGEOUT,
		MADV_WILLNEED,
		MADV_NORMAL,
		MADV_RANDOM,
		MADV_SEQUENTIAL,
		MADV_DONTFORK,
		MADV_DOFORK,
		MADV_WIPEONFORK,
		MADV_KEEPONFORK,
		MADV_DONTDUMP,
		MADV_POPULATE_READ,
		MADV_POPULATE_WRITE,
		MADV_REMOVE,
		24 /* MADV_DONTNEED_LOCKED */,
		102 /* MADV_GUARD_INSTALL */,
		102 /* MADV_GUARD_INSTALL */,
		103 /* MADV_GUARD_REMOVE */,
	};
	int a;

	do
		a = advice[rnd(s, sizeof(advice) / sizeof(advice[0]))];
	while (a == MADV_PAGEOUT && host_has_swap);
	return a;
}

static int random_mlockall_flags(uint64_t *s)
{
	static const int flags[] = {
		MCL_CURRENT,
		MCL_CURRENT,
		MCL_FUTURE,
		MCL_CURRENT | MCL_FUTURE,
		MCL_CURRENT | MCL_ONFAULT,
		MCL_FUTURE | MCL_ONFAULT,
		MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT,
		MCL_ONFAULT, /* -EINVAL */
	};

	return flags[rnd(s, sizeof(flags) / sizeof(flags[0]))];
}

/*
 * fork, exit and mlockall/munlockall; false when the step is to be one
 * of the others. alive: which processes the sequence has so far.
 */
static bool random_process_call(uint64_t *s, bool alive[2], struct dt_call *c)
{
	unsigned int pick = rnd(s, 100);

	if (pick < 3 && alive[0] && !alive[1]) {
		c->kind = DT_FORK;
		alive[1] = true;
	} else if (pick < 5 && alive[0] && alive[1]) {
		c->kind = DT_EXIT;
		c->proc = (int)rnd(s, 2);
		alive[c->proc] = false;
	} else if (pick < 7) {
		c->kind = DT_MLOCKALL;
		c->flags = random_mlockall_flags(s);
	} else if (pick < 8) {
		c->kind = DT_MUNLOCKALL;
	} else {
		return false;
	}
	return true;
}

static int random_msync_flags(uint64_t *s)
{
	static const int flags[] = {
		MS_ASYNC,
		MS_SYNC,
		MS_INVALIDATE,
		MS_ASYNC | MS_INVALIDATE,
		MS_SYNC | MS_INVALIDATE,
		MS_SYNC | MS_ASYNC /* -EINVAL */,
		0,
	};

	return flags[rnd(s, sizeof(flags) / sizeof(flags[0]))];
}

/* ftruncate and msync, in a sequence with the file; false otherwise. */
static bool random_file_call(uint64_t *s, struct dt_call *c)
{
	unsigned int pick = rnd(s, 100);

	if (pick < 4) {
		c->kind = DT_FTRUNCATE;
		c->len = rnd(s, DT_FILE_PAGES + 8) * PAGE;
		if (!rnd(s, 4))
			c->len += 1 + rnd(s, PAGE - 1);
	} else if (pick < 7) {
		c->kind = DT_MSYNC;
		c->off = random_page(s) * PAGE;
		c->len = random_len(s);
		c->flags = random_msync_flags(s);
	} else {
		return false;
	}
	return true;
}

/* A mapping of the file, shared or private, from a page of it. */
static void random_file_mmap(uint64_t *s, struct dt_call *c)
{
	c->flags = (rnd(s, 2) ? MAP_SHARED : MAP_PRIVATE) |
		   (rnd(s, 8) ? MAP_FIXED : MAP_FIXED_NOREPLACE);
	if (!rnd(s, 10))
		c->flags |= MAP_POPULATE;
	if (!rnd(s, 12))
		c->flags |= MAP_LOCKED;
	c->new_off = rnd(s, DT_FILE_PAGES + 4) * PAGE;
	if (!rnd(s, 30))
		c->new_off += 1; /* -EINVAL */
}

static void random_call(uint64_t *s, bool alive[2], bool files,
			struct dt_call *c)
{
	unsigned int pick;

	memset(c, 0, sizeof(*c));
	c->proc = alive[0] && alive[1] ? (int)rnd(s, 2) : !alive[0];
	if (random_process_call(s, alive, c))
		return;
	if (files && random_file_call(s, c))
		return;
	pick = rnd(s, 100);
	c->off = random_page(s) * PAGE;
	c->len = random_len(s);
	if (pick < 25) {
		c->kind = DT_MMAP;
		c->prot = random_prot(s);
		c->flags = random_mmap_flags(s);
		if (files && rnd(s, 2))
			random_file_mmap(s, c);
	} else if (pick < 37) {
		c->kind = DT_MUNMAP;
	} else if (pick < 55) {
		c->kind = DT_MPROTECT;
		c->prot = random_prot(s);
		if (!rnd(s, 20)) /* a grows-down VMA's, or -EINVAL */
			c->prot |= PROT_GROWSDOWN;
	} else if (pick < 62) {
		c->kind = DT_MREMAP;
		c->len = (1 + rnd(s, 8)) * PAGE;
		c->new_len = (1 + rnd(s, 8)) * PAGE;
		if (rnd(s, 2)) {
			c->flags = MREMAP_MAYMOVE | MREMAP_FIXED;
			c->new_off = random_page(s) * PAGE;
		}
		if (!rnd(s, 4)) { /* a move that leaves the old range */
			c->flags = MREMAP_MAYMOVE | MREMAP_FIXED |
				   MREMAP_DONTUNMAP;
			c->new_off = random_page(s) * PAGE;
			c->new_len = c->len;
		}
	} else if (pick < 68) {
		c->kind = DT_BRK;
		c->off = rnd(s, 40) * PAGE + (rnd(s, 2) ? rnd(s, PAGE) : 0);
	} else if (pick < 72) {
		c->kind = DT_MLOCK;
		c->flags = rnd(s, 3) ? 0 : MLOCK_ONFAULT;
	} else if (pick < 75) {
		c->kind = DT_MUNLOCK;
	} else if (pick < 82) {
		c->kind = DT_MADVISE;
		do
			c->prot = random_advice(s);
		while (files &&
		       (c->prot == MADV_PAGEOUT || c->prot == MADV_REMOVE));
	} else {
		c->kind = pick < 91 ? DT_READ : DT_WRITE;
		c->len = 1;
	}
}

static const char *prot_name(int prot)
{
	static char buf[4][8];
	static unsigned int n;
	char *b = buf[n++ % 4];

	snprintf(b, 8, "%c%c%c%s", prot & PROT_READ ? 'r' : '-',
		 prot & PROT_WRITE ? 'w' : '-', prot & PROT_EXEC ? 'x' : '-',
		 prot & PROT_GROWSDOWN ? "+gd" : "");
	return b;
}

static void print_call(FILE *f, unsigned int i, const struct dt_call *c)
{
	static const char *names[] = {
		"mmap",	     "munmap",	"mprotect", "mremap",
		"brk",	     "read",	"write",    "mlock",
		"munlock",   "madvise", "mlockall", "munlockall",
		"ftruncate", "msync",	"exit",	    "fork"};

	if (c->kind == DT_FTRUNCATE) {
		fprintf(f, "  %2u [%d] ftruncate %#" PRIx64 "\n", i, c->proc,
			c->len);
		return;
	}
	if (c->kind >= DT_MLOCKALL && c->kind != DT_MSYNC) {
		fprintf(f, "  %2u [%d] %s", i, c->proc, names[c->kind]);
		if (c->kind == DT_MLOCKALL)
			fprintf(f, " %s%s%s%s",
				c->flags & MCL_CURRENT ? " MCL_CURRENT" : "",
				c->flags & MCL_FUTURE ? " MCL_FUTURE" : "",
				c->flags & MCL_ONFAULT ? " MCL_ONFAULT" : "",
				c->flags ? "" : " 0");
		fprintf(f, "\n");
		return;
	}
	fprintf(f, "  %2u [%d] %-8s p%-3" PRIu64, i, c->proc, names[c->kind],
		(uint64_t)(c->off / PAGE));
	if (c->off % PAGE)
		fprintf(f, "+%#" PRIx64, (uint64_t)(c->off % PAGE));
	if (c->kind <= DT_MREMAP || c->kind >= DT_MLOCK)
		fprintf(f, " len %#" PRIx64, c->len);
	if (c->kind == DT_MLOCK && c->flags)
		fprintf(f, " MLOCK_ONFAULT");
	if (c->kind == DT_MADVISE)
		fprintf(f, " advice %d", c->prot);
	if (c->kind == DT_MMAP || c->kind == DT_MPROTECT)
		fprintf(f, " %s", prot_name(c->prot));
	if (c->kind == DT_MSYNC)
		fprintf(f, " flags %d", c->flags);
	if (c->kind == DT_MMAP && !(c->flags & MAP_ANONYMOUS))
		fprintf(f, " file@%#" PRIx64, c->new_off);
	if (c->kind == DT_MMAP)
		fprintf(f, " %s%s%s%s%s%s",
			c->flags & MAP_SHARED ? "SHARED" : "PRIVATE",
			c->flags & MAP_FIXED ? "|FIXED" : "|FIXED_NOREPLACE",
			c->flags & MAP_NORESERVE ? "|NORESERVE" : "",
			c->flags & MAP_POPULATE ? "|POPULATE" : "",
			c->flags & MAP_GROWSDOWN ? "|GROWSDOWN" : "",
			c->flags & MAP_LOCKED ? "|LOCKED" : "");
	if (c->kind == DT_MREMAP)
		fprintf(f, " new_len %#" PRIx64 "%s%s%s p%" PRIu64, c->new_len,
			c->flags & MREMAP_MAYMOVE ? " MAYMOVE" : "",
			c->flags & MREMAP_FIXED ? "|FIXED" : "",
			c->flags & MREMAP_DONTUNMAP ? "|DONTUNMAP" : "",
			(uint64_t)(c->new_off / PAGE));
	fprintf(f, "\n");
}

/* ------------------------------------------------------------------ */
/* Views                                                               */

/*
 * /proc/PID/smaps, from the host or the machine's report, in one pass:
 * each maps line that meets the window makes a VMA (clipped to it), and
 * the Rss, Anonymous, Swap and Locked lines after it fill its figures.
 */
static void parse_smaps(const char *text, uint64_t base, struct dt_view *v)
{
	uint64_t top = base + WINDOW_PAGES * PAGE;
	struct dt_vma *d = NULL;

	v->nr_vmas = 0;
	for (const char *l = text; *l;) {
		const char *eol = strchr(l, '\n'), *next;
		unsigned long long a, b;
		char *end;
		long kb;

		if (!eol)
			eol = l + strlen(l);
		next = *eol ? eol + 1 : eol;
		a = strtoull(l, &end, 16);
		if (*end == '-' && end > l) {
			b = strtoull(end + 1, &end, 16);
			d = NULL;
			if (b > base && a < top && v->nr_vmas < MAX_VMAS) {
				d = &v->vmas[v->nr_vmas++];
				d->start =
					(unsigned int)(((a < base ? base : a) -
							base) /
						       PAGE);
				d->end = (unsigned int)(((b > top ? top : b) -
							 base) /
							PAGE);
				memcpy(d->perms, end + 1, 4);
				d->perms[4] = 0;
				d->pgoff = strtoull(end + 6, NULL, 16);
				d->heap = memmem(l, (size_t)(eol - l), "[heap]",
						 6) != NULL;
				d->rss = d->anon = d->swap = d->locked = -1;
				d->shared = d->private_ = 0;
			}
			l = next;
			continue;
		}
		if (d) {
			const char *colon = memchr(l, ':', (size_t)(eol - l));

			kb = colon ? strtol(colon + 1, NULL, 10) : 0;
			if (!colon)
				;
			else if (colon - l == 3 && !memcmp(l, "Rss", 3))
				d->rss = kb;
			else if (colon - l == 9 && !memcmp(l, "Anonymous", 9))
				d->anon = kb;
			else if (colon - l == 4 && !memcmp(l, "Swap", 4))
				d->swap = kb;
			else if (colon - l == 6 && !memcmp(l, "Locked", 6))
				d->locked = kb;
			else if (colon - l == 12 && !memcmp(l, "Shared_", 7))
				d->shared += kb;
			else if (colon - l == 13 && !memcmp(l, "Private_", 8))
				d->private_ += kb;
		}
		l = next;
	}
}

/*
 * A pagemap entry as the views keep it: 0 none, 1 present, 2 swapped,
 * 3 a guard region's (PM_GUARD_REGION, bit 58).
 */
static uint8_t page_state(uint64_t e)
{
	return e >> 63 ? 1 : (e >> 58) & 1 ? 3 : (e >> 62) & 1 ? 2 : 0;
}

/*
 * A host process's smaps and pagemap, open from its first view to its
 * last: a step reads them again from offset 0 (seq_file starts over),
 * not opening them each time.
 */
struct proc_files {
	pid_t pid;
	int smaps, pagemap;
};

static struct proc_files proc_kept[2];

static void proc_files_close(struct proc_files *f)
{
	if (f->pid) {
		close(f->smaps);
		close(f->pagemap);
	}
	f->pid = 0;
}

static int proc_open(pid_t pid, const char *name)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "difftest: cannot read %s\n", path);
		exit(2);
	}
	return fd;
}

/* A process that has gone: its files with it. */
static void proc_files_forget(pid_t pid)
{
	for (unsigned int i = 0; i < 2; i++)
		if (proc_kept[i].pid == pid)
			proc_files_close(&proc_kept[i]);
}

/* The files of pid, from the two kept (the older one closed for it). */
static struct proc_files *proc_files(pid_t pid)
{
	static unsigned int next;
	struct proc_files *f;

	for (unsigned int i = 0; i < 2; i++)
		if (proc_kept[i].pid == pid)
			return &proc_kept[i];
	f = &proc_kept[next++ % 2];
	proc_files_close(f);
	f->pid = pid;
	f->smaps = proc_open(pid, "smaps");
	f->pagemap = proc_open(pid, "pagemap");
	return f;
}

/* The whole of an open /proc file, from offset 0, into *buf (grown). */
static bool read_proc(int fd, char **buf, size_t *cap)
{
	size_t len = 0;
	ssize_t n;

	do {
		if (*cap - len < 4096) {
			*cap = *cap ? *cap * 2 : 65536;
			*buf = realloc(*buf, *cap);
			if (!*buf)
				return false;
		}
		n = pread(fd, *buf + len, *cap - len - 1, (off_t)len);
		if (n < 0)
			return false;
		len += (size_t)n;
	} while (n > 0);
	(*buf)[len] = 0;
	return len > 0;
}

static void host_view(const struct host *h, int proc, struct dt_view *v)
{
	static char *text;
	static size_t cap;
	uint64_t pm[WINDOW_PAGES];
	struct proc_files *f = proc_files(h->pid[proc]);

	if (!read_proc(f->smaps, &text, &cap) ||
	    pread(f->pagemap, pm, sizeof(pm), (off_t)(h->base / PAGE * 8)) !=
		    (ssize_t)sizeof(pm)) {
		fprintf(stderr,
			"difftest: cannot read pid %d's smaps or "
			"pagemap\n",
			(int)h->pid[proc]);
		exit(2);
	}
	parse_smaps(text, h->base, v);
	for (unsigned int i = 0; i < WINDOW_PAGES; i++)
		v->page[i] = page_state(pm[i]);
}

static void sim_view(const struct sim *s, int proc, struct dt_view *v)
{
	int pid = s->pid[proc];
	uint8_t pm[WINDOW_PAGES * 8];
	struct seq_buf sb;
	uint64_t nr = 0;

	seq_buf_init(&sb);
	if (report_pid_smaps(s->m, pid, &sb)) {
		fprintf(stderr, "difftest: no smaps for pid %d\n", pid);
		exit(2);
	}
	parse_smaps(sb.buf, s->base, v);
	seq_buf_free(&sb);
	if (pagemap_read(s->m, pid, s->base, WINDOW_PAGES, pm, &nr) ||
	    nr != WINDOW_PAGES) {
		fprintf(stderr, "difftest: no pagemap for pid %d\n", pid);
		exit(2);
	}
	for (unsigned int i = 0; i < WINDOW_PAGES; i++) {
		uint64_t e = 0;

		for (unsigned int b = 0; b < 8; b++)
			e |= (uint64_t)pm[i * 8 + b] << (8 * b);
		v->page[i] = page_state(e);
	}
}

/* ------------------------------------------------------------------ */
/* The two sides                                                       */

static void die(const char *what)
{
	fprintf(stderr, "difftest: %s\n", what);
	exit(2);
}

/* One call to a host process, with a socket to pass along (or -1). */
static void host_send(int fd, const struct dt_call *c, int pass)
{
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} u;
	struct iovec iov = {(void *)c, sizeof(*c)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};

	if (pass >= 0) {
		struct cmsghdr *cm;

		msg.msg_control = u.buf;
		msg.msg_controllen = sizeof(u.buf);
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &pass, sizeof(int));
	}
	if (sendmsg(fd, &msg, MSG_NOSIGNAL) != (ssize_t)sizeof(*c))
		die("a host process died");
}

/* Its answer; false at the end of the stream (the process left). */
static bool host_recv(int fd, struct dt_result *r)
{
	ssize_t n = recv(fd, r, sizeof(*r), 0);

	if (n == 0)
		return false;
	if (n != (ssize_t)sizeof(*r))
		die("a host process died");
	return true;
}

/* DT_FILE_PAGES of the file's bytes from byte 0, or from old to len. */
static void fill_file(int (*put)(void *ctx, const char *buf, size_t n,
				 uint64_t at),
		      void *ctx, uint64_t old, uint64_t len)
{
	char page[PAGE];

	for (uint64_t at = old; at < len;) {
		size_t n = (size_t)(PAGE - at % PAGE);

		if (n > len - at)
			n = (size_t)(len - at);
		memset(page, dt_file_byte(at), n);
		if (put(ctx, page, n, at))
			die("cannot write the file");
		at += n;
	}
}

static int host_put(void *ctx, const char *buf, size_t n, uint64_t at)
{
	return pwrite(*(int *)ctx, buf, n, (off_t)at) == (ssize_t)n ? 0 : -1;
}

/*
 * The host's file: a tmpfs file, unlinked once the child has it as
 * DT_FILE_FD; -1 for a sequence without files.
 */
static int host_file(void)
{
	static unsigned long n;
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/dev/shm/mm-difftest.%d.%lu",
		 (int)getpid(), n++);
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		die("cannot create a file in /dev/shm");
	unlink(path);
	fill_file(host_put, &fd, 0, DT_FILE_PAGES * PAGE);
	return fd;
}

/* posix_spawn: a vfork, so that nothing of this process is copied. */
static void host_start(struct host *h, bool files)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = {child_path, NULL};
	struct dt_result r;
	int sv[2], file = files ? host_file() : -1;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		die("no socketpair");
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sv[1], 0);
	if (file >= 0)
		posix_spawn_file_actions_adddup2(&fa, file, DT_FILE_FD);
	if (posix_spawn(&h->pid[0], child_path, &fa, NULL, argv, environ))
		die("cannot spawn the host child");
	posix_spawn_file_actions_destroy(&fa);
	close(sv[1]);
	if (file >= 0)
		close(file);
	h->fd[0] = sv[0];
	h->fd[1] = -1;
	h->pid[1] = h->last_child = 0;
	if (!host_recv(h->fd[0], &r))
		die("the host child did not start");
	h->base = (uint64_t)r.value;
}

/*
 * The process leaves: its socket's end comes once its files are closed,
 * which exit does after its address space is gone.
 */
static void host_exit(struct host *h, int proc)
{
	struct dt_call c = {.kind = DT_EXIT};
	struct dt_result r;

	proc_files_forget(h->pid[proc]);
	host_send(h->fd[proc], &c, -1);
	if (host_recv(h->fd[proc], &r))
		die("a host process did not exit");
	close(h->fd[proc]);
	h->fd[proc] = -1;
}

static void host_fork(struct host *h, const struct dt_call *c,
		      struct dt_result *r)
{
	struct dt_result ready;
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		die("no socketpair");
	host_send(h->fd[0], c, sv[1]);
	close(sv[1]);
	if (!host_recv(h->fd[0], r))
		die("a host process died in fork");
	if (r->err || !host_recv(sv[0], &ready)) {
		close(sv[0]);
		return;
	}
	h->fd[1] = sv[0];
	h->pid[1] = h->last_child = r->pid;
}

static void host_stop(struct host *h)
{
	for (int proc = 1; proc >= 0; proc--)
		if (h->fd[proc] >= 0)
			host_exit(h, proc);
	waitpid(h->pid[0], NULL, 0);
	if (h->last_child) /* reparented to this subreaper, or reaped */
		waitpid(h->last_child, NULL, 0);
}

static void host_call(struct host *h, const struct dt_call *c,
		      struct dt_result *r)
{
	memset(r, 0, sizeof(*r));
	if (c->kind == DT_FORK)
		host_fork(h, c, r);
	else if (c->kind == DT_EXIT)
		host_exit(h, c->proc);
	else {
		host_send(h->fd[c->proc], c, -1);
		if (!host_recv(h->fd[c->proc], r))
			die("a host process died");
	}
}

/*
 * Every mapping outside the window populated, as the host child's are
 * (populate_outside): what mlockall(MCL_CURRENT) populates later is then
 * the window alone on both sides.
 */
static void sim_populate_outside(struct sim *s, int pid)
{
	const struct mm_struct *mm = find_task_by_pid(s->m, pid)->mm;
	uint64_t top = s->base + WINDOW_PAGES * PAGE;
	const struct vm_area_struct *vma;

	task_switch(s->m, pid); /* a process may advise only itself */
	for (uint64_t a = 0; (vma = find_vma(mm, a)) != NULL; a = vma->vm_end) {
		unsigned long f = vma->vm_flags;

		if ((vma->vm_end > s->base && vma->vm_start < top) ||
		    !(f & VM_READ))
			continue;
		uapi_madvise(s->m, pid, vma->vm_start,
			     vma->vm_end - vma->vm_start,
			     (f & (VM_WRITE | VM_SHARED)) == VM_WRITE
				     ? MADV_POPULATE_WRITE
				     : MADV_POPULATE_READ);
	}
}

struct sim_put {
	struct sim *s;
	int pid;
};

static int sim_put(void *ctx, const char *buf, size_t n, uint64_t at)
{
	struct sim_put *p = ctx;
	size_t done = 0;

	return uapi_pwrite64(p->s->m, p->pid, p->s->fd, buf, n, (int64_t)at,
			     &done) ||
			       done != n
		       ? -1
		       : 0;
}

/* ftruncate in the machine, what it adds written as the host's is. */
static int sim_truncate(struct sim *s, int pid, uint64_t len)
{
	struct sim_put p = {s, pid};
	int err = uapi_ftruncate(s->m, pid, s->fd, (int64_t)len);

	if (err)
		return err;
	fill_file(sim_put, &p, s->file_size, len);
	s->file_size = len;
	return 0;
}

static void sim_file(struct sim *s)
{
	s->fd = -1;
	s->file_size = 0;
	if (uapi_open(s->m, s->pid[0], SIM_FILE, O_RDWR_ | O_CREAT_, 0600,
		      &s->fd) ||
	    sim_truncate(s, s->pid[0], DT_FILE_PAGES * PAGE))
		die("cannot create the machine's file");
}

/*
 * The break moved up (less than 64 KiB) to the page the host's has
 * within 64 KiB, as if brk were randomized (Linux's arch_randomize_brk
 * picks any page): fault-around maps a 64 KiB window aligned in the
 * address space (do_fault_around), so a read of a file or of shared
 * memory maps the same pages only with the same phase.
 */
static void sim_match_phase(struct sim *s, uint64_t host_base)
{
	struct mm_struct *mm = find_task_by_pid(s->m, s->pid[0])->mm;
	uint64_t span = FAULT_AROUND_PAGES * PAGE;

	mm->start_brk +=
		(host_base % span - mm->start_brk % span + span) % span;
	mm->brk = mm->start_brk;
}

static void sim_start(struct sim *s, bool files, uint64_t host_base)
{
	if (task_create(s->m, "difftest", 0, 0, &s->leader) ||
	    task_switch(s->m, s->leader) ||
	    uapi_fork(s->m, s->leader, &s->pid[0]) ||
	    task_switch(s->m, s->pid[0]))
		die("no process in the machine");
	s->pid[1] = 0;
	sim_match_phase(s, host_base);
	s->base = find_task_by_pid(s->m, s->pid[0])->mm->start_brk;
	s->fd = -1;
	if (files)
		sim_file(s);
	sim_populate_outside(s, s->pid[0]);
}

/* The invariant checker's word on the machine; false when it failed. */
static bool sim_check(struct sim *s, FILE *out)
{
	char why[256];

	if (!machine_check(s->m, why, sizeof(why)))
		return true;
	if (out)
		fprintf(out, "    machine_check: %s\n", why);
	return false;
}

static void sim_exit(struct sim *s, int proc)
{
	struct task_leaks leaks;

	task_exit(s->m, s->pid[proc], &leaks);
	s->pid[proc] = 0;
}

/*
 * The file closed and unlinked first, then the processes, the leader
 * last: a leader that still has forked processes looks through every
 * pid for them, and a process that goes while pages charged to it stay
 * (a file's, held by the leader's descriptor) looks through every frame
 * for them (task_exit, mem_cgroup_exit_task).
 */
static void sim_stop(struct sim *s)
{
	struct task_leaks leaks;

	if (s->fd >= 0) {
		uapi_close(s->m, s->leader, s->fd);
		uapi_unlink(s->m, s->leader, SIM_FILE);
	}
	for (int proc = 1; proc >= 0; proc--)
		if (s->pid[proc])
			sim_exit(s, proc);
	task_exit(s->m, s->leader, &leaks);
}

static int64_t sim_addr(const struct sim *s, int err, uint64_t addr)
{
	return err ? 0 : (int64_t)(addr - s->base);
}

/*
 * Whether a write at a will take a write-notify fault in the machine that
 * tmpfs does not take: a shared, writable file VMA whose page is mapped
 * read-only. The machine's filesystem tracks dirty pages, so a shared
 * file page is mapped read-only until written (do_shared_fault,
 * wp_page_shared, as ext4's page_mkwrite makes Linux do); tmpfs has no
 * dirty accounting (no vma_wants_writenotify) and maps it writable at
 * the read fault, and mprotect makes it writable at once.
 */
static bool writenotify_fault(const struct sim *s, int pid, uint64_t a)
{
	const struct mm_struct *mm = find_task_by_pid(s->m, pid)->mm;
	const struct vm_area_struct *vma = find_vma(mm, a);
	struct pgtable_walk w;
	uint64_t e;

	if (!vma || vma->vm_start > a || !vma->vm_file ||
	    (vma->vm_flags & (VM_SHARED | VM_WRITE)) !=
		    (VM_SHARED | VM_WRITE) ||
	    pid_pagewalk(s->m, pid, a, &w) || !w.levels)
		return false;
	e = w.level[w.levels - 1].entry;
	return pte_maps_page(e) && !(e & _PAGE_RW);
}

/* Whether the page at p is past the end of its file or shared object. */
static bool past_end(const struct vm_area_struct *vma, uint64_t p)
{
	uint64_t pgoff = vma->vm_pgoff + (p - vma->vm_start) / PAGE;

	if (vma->vm_file)
		return pgoff * PAGE >= vma->vm_file->f_inode->i_size;
	return vma->shmem && pgoff >= vma->shmem->nr_pages;
}

/*
 * The write-notify faults MADV_POPULATE_WRITE of [a, +len) will take, up
 * to where it stops: the first hole (-ENOMEM), VMA it may not write
 * (-EINVAL), guard marker or page past the end of its file (-EFAULT).
 */
static unsigned long writenotify_faults(const struct sim *s, int pid,
					uint64_t a, uint64_t len)
{
	const struct mm_struct *mm = find_task_by_pid(s->m, pid)->mm;
	unsigned long n = 0;

	for (uint64_t p = a; p < a + len; p += PAGE) {
		const struct vm_area_struct *vma = find_vma(mm, p);

		struct pgtable_walk w;

		if (!vma || vma->vm_start > p || !(vma->vm_flags & VM_WRITE) ||
		    past_end(vma, p))
			break;
		if (!pid_pagewalk(s->m, pid, p, &w) && w.levels &&
		    pte_is_guard(w.level[w.levels - 1].entry))
			break;
		n += writenotify_fault(s, pid, p);
	}
	return n;
}

static void sim_call(struct sim *s, const struct dt_call *c,
		     struct dt_result *r)
{
	int pid = s->pid[c->proc];
	uint64_t a = s->base + c->off, out = 0;
	struct user_fault fault = {0};
	const struct mm_struct *mm = find_task_by_pid(s->m, pid)->mm;
	unsigned long min_flt = mm->min_flt, maj_flt = mm->maj_flt;
	char byte = 1;

	memset(r, 0, sizeof(*r));
	task_switch(s->m, pid);
	switch (c->kind) {
	case DT_MLOCK:
		r->err = uapi_mlock(s->m, pid, a, c->len, c->flags);
		break;
	case DT_MUNLOCK:
		r->err = uapi_munlock(s->m, pid, a, c->len);
		break;
	case DT_MLOCKALL:
		r->err = uapi_mlockall(s->m, pid, c->flags);
		break;
	case DT_MUNLOCKALL:
		r->err = uapi_munlockall(s->m, pid);
		break;
	case DT_MADVISE:
		if (c->prot == MADV_POPULATE_WRITE && !(a % PAGE))
			min_flt += writenotify_faults(s, pid, a, c->len);
		r->err = uapi_madvise(s->m, pid, a, c->len, c->prot);
		break;
	case DT_MMAP:
		if (c->flags & MAP_ANONYMOUS)
			r->err = uapi_mmap(s->m, pid, a, c->len, c->prot,
					   c->flags, &out);
		else
			r->err = uapi_sys_mmap(s->m, pid, a, c->len, c->prot,
					       c->flags, s->fd,
					       (int64_t)c->new_off, &out);
		r->value = sim_addr(s, r->err, out);
		break;
	case DT_FTRUNCATE:
		r->err = sim_truncate(s, pid, c->len);
		break;
	case DT_MSYNC:
		r->err = uapi_msync(s->m, pid, a, c->len, c->flags);
		break;
	case DT_MUNMAP:
		r->err = uapi_munmap(s->m, pid, a, c->len);
		break;
	case DT_MPROTECT:
		r->err = uapi_mprotect(s->m, pid, a, c->len, c->prot);
		break;
	case DT_MREMAP:
		r->err = uapi_mremap(s->m, pid, a, c->len, c->new_len, c->flags,
				     s->base + c->new_off, &out);
		r->value = sim_addr(s, r->err, out);
		if (mm->locked_vm_dontunmap)
			s->stranded = true;
		break;
	case DT_BRK: /* as the raw call: the break, whatever happened */
		uapi_brk(s->m, pid, a, &out);
		r->value = (int64_t)(out - s->base);
		break;
	case DT_READ:
	case DT_WRITE:
		if (c->kind == DT_WRITE && writenotify_fault(s, pid, a))
			min_flt++; /* not counted: tmpfs has none */
		r->err = uapi_access_vm(
			s->m, pid, a, &byte, 1,
			c->kind == DT_WRITE ? USER_WRITE : USER_READ, &fault);
		r->signo = fault.signo;
		r->si_code = fault.si_code;
		break;
	case DT_FORK:
		r->err = uapi_fork(s->m, pid, &s->pid[1]);
		if (!r->err) { /* as the host child's do_fork */
			sim_populate_outside(s, pid);
			sim_populate_outside(s, s->pid[1]);
		}
		return;
	case DT_EXIT:
		sim_exit(s, c->proc);
		return;
	}
	r->min_flt = mm->min_flt - min_flt;
	r->maj_flt = mm->maj_flt - maj_flt;
}

/* ------------------------------------------------------------------ */
/* Comparing                                                           */

static void print_view(FILE *f, const char *who, const struct dt_view *v)
{
	fprintf(f,
		"    %s: value %" PRId64 " err %d signal %d/%d faults %" PRIu64
		" minor %" PRIu64 " major\n      ",
		who, v->res.value, v->res.err, v->res.signo, v->res.si_code,
		v->res.min_flt, v->res.maj_flt);
	for (unsigned int i = 0; i < v->nr_vmas; i++)
		fprintf(f,
			"[%u,%u) %s %llx%s rss %ld anon %ld swap %ld lck %ld "
			"shr %ld prv %ld ",
			v->vmas[i].start, v->vmas[i].end, v->vmas[i].perms,
			v->vmas[i].pgoff, v->vmas[i].heap ? " [heap]" : "",
			v->vmas[i].rss, v->vmas[i].anon, v->vmas[i].swap,
			v->vmas[i].locked, v->vmas[i].shared,
			v->vmas[i].private_);
	fprintf(f, "\n      pages:");
	for (unsigned int i = 0; i < WINDOW_PAGES; i++)
		if (v->page[i])
			fprintf(f, " %u%s", i,
				v->page[i] == 2	  ? "s"
				: v->page[i] == 3 ? "g"
						  : "");
	fprintf(f, "\n");
}

/*
 * With files, the faults are compared as one count: tmpfs has no major
 * faults, where the machine's filesystem could read from its device.
 */
static bool faults_equal(const struct dt_result *a, const struct dt_result *b,
			 bool files)
{
	if (files)
		return a->min_flt + a->maj_flt == b->min_flt + b->maj_flt;
	return a->min_flt == b->min_flt && a->maj_flt == b->maj_flt;
}

static bool views_equal(const struct dt_view *a, const struct dt_view *b,
			bool files)
{
	if (a->res.value != b->res.value || a->res.err != b->res.err ||
	    a->res.signo != b->res.signo || a->res.si_code != b->res.si_code ||
	    !faults_equal(&a->res, &b->res, files) ||
	    a->nr_vmas != b->nr_vmas ||
	    memcmp(a->page, b->page, sizeof(a->page)))
		return false;
	for (unsigned int i = 0; i < a->nr_vmas; i++)
		if (a->vmas[i].start != b->vmas[i].start ||
		    a->vmas[i].end != b->vmas[i].end ||
		    strcmp(a->vmas[i].perms, b->vmas[i].perms) ||
		    a->vmas[i].heap != b->vmas[i].heap ||
		    a->vmas[i].rss != b->vmas[i].rss ||
		    a->vmas[i].anon != b->vmas[i].anon ||
		    a->vmas[i].swap != b->vmas[i].swap ||
		    a->vmas[i].locked != b->vmas[i].locked ||
		    a->vmas[i].pgoff != b->vmas[i].pgoff ||
		    a->vmas[i].shared != b->vmas[i].shared ||
		    a->vmas[i].private_ != b->vmas[i].private_)
			return false;
	return true;
}

/* Whether the call needs the file (then the sequence has one). */
static bool is_file_call(const struct dt_call *c)
{
	return (c->kind == DT_MMAP && !(c->flags & MAP_ANONYMOUS)) ||
	       c->kind == DT_FTRUNCATE || c->kind == DT_MSYNC;
}

/*
 * Whether a step can run where the sequence has got to: a process that
 * has gone makes no call, only the first forks and only while it has
 * no child, and one process stays (so that a shrunk sequence, with
 * steps taken out, still makes sense).
 */
static bool step_runs(const struct sim *s, const struct dt_call *c)
{
	if (!s->pid[c->proc])
		return false;
	/*
	 * Not mended: MREMAP_DONTUNMAP clears VM_LOCKED on the old VMA but
	 * leaves its pages mlocked on Linux (move_vma), so MADV_PAGEOUT
	 * passes them there; the machine munlocks them (its checker wants
	 * a locked VMA over every mlocked page), so PAGEOUT after one is
	 * not run.
	 */
	if (s->stranded && c->kind == DT_MADVISE && c->prot == MADV_PAGEOUT)
		return false;
	if (c->kind == DT_FORK)
		return c->proc == 0 && !s->pid[1];
	if (c->kind == DT_EXIT)
		return s->pid[!c->proc] != 0;
	return true;
}

/* fork's and exit's faults are not the window's (host_child.c). */
static void normalize(const struct dt_call *c, struct dt_result *r)
{
	if (c->kind == DT_FORK || c->kind == DT_EXIT)
		r->min_flt = r->maj_flt = 0, r->pid = 0;
}

/*
 * Run calls[0..n) on a fresh host child and a fresh process of the
 * machine; the index of the first step that diverges, or -1. With out,
 * the two views at that step are printed to it. The invariant checker
 * is the caller's to run (it costs more than the steps).
 */
static int run_sequence(struct machine *m, const struct dt_call *calls,
			unsigned int n, FILE *out)
{
	static struct dt_view hv[2], sv[2];
	struct host h;
	struct sim s = {.m = m};
	int diverged = -1;
	bool files = false;

	for (unsigned int i = 0; i < n; i++)
		files |= is_file_call(&calls[i]);
	host_start(&h, files);
	sim_start(&s, files, h.base);
	for (unsigned int i = 0; i < n && diverged < 0; i++) {
		const struct dt_call *c = &calls[i];

		if (!step_runs(&s, c))
			continue;
		memset(&hv[!c->proc].res, 0, sizeof(hv[0].res));
		memset(&sv[!c->proc].res, 0, sizeof(sv[0].res));
		host_call(&h, c, &hv[c->proc].res);
		sim_call(&s, c, &sv[c->proc].res);
		normalize(c, &hv[c->proc].res);
		normalize(c, &sv[c->proc].res);
		for (int p = 0; p < 2 && diverged < 0; p++) {
			bool alive = s.pid[p] != 0;

			if (alive != (h.fd[p] >= 0)) {
				diverged = (int)i;
				if (out)
					fprintf(out, "    process %d: %s\n", p,
						alive ? "gone on the host"
						      : "gone in mm");
				break;
			}
			if (!alive)
				continue;
			host_view(&h, p, &hv[p]);
			sim_view(&s, p, &sv[p]);
			if (views_equal(&hv[p], &sv[p], files))
				continue;
			diverged = (int)i;
			if (out) {
				fprintf(out, "    process %d:\n", p);
				print_view(out, "host", &hv[p]);
				print_view(out, "mm  ", &sv[p]);
			}
		}
	}
	host_stop(&h);
	sim_stop(&s);
	return diverged;
}

/* The calls as -r takes them: kind,prot,flags,proc,off,len,new_len,new_off; */
static void print_replay(FILE *f, const struct dt_call *calls, unsigned int n)
{
	fprintf(f, "  replay: difftest -r '");
	for (unsigned int i = 0; i < n; i++)
		fprintf(f,
			"%d,%d,%d,%d,%#" PRIx64 ",%#" PRIx64 ",%#" PRIx64
			",%#" PRIx64 ";",
			calls[i].kind, calls[i].prot, calls[i].flags,
			calls[i].proc, calls[i].off, calls[i].len,
			calls[i].new_len, calls[i].new_off);
	fprintf(f, "'\n");
}

/* -r's calls; how many, or -1 for text that is not calls. */
static int parse_replay(const char *text, struct dt_call *calls)
{
	int n = 0;

	while (*text && n < MAX_STEPS) {
		struct dt_call *c = &calls[n];
		unsigned long long off, len, new_len, new_off;
		int used = 0;

		memset(c, 0, sizeof(*c));
		if (sscanf(text, "%d,%d,%d,%d,%lli,%lli,%lli,%lli;%n", &c->kind,
			   &c->prot, &c->flags, &c->proc, &off, &len, &new_len,
			   &new_off, &used) != 8 ||
		    !used || c->kind < 0 || c->kind >= DT_NR_KINDS ||
		    c->proc < 0 || c->proc > 1)
			return -1;
		c->off = off;
		c->len = len;
		c->new_len = new_len;
		c->new_off = new_off;
		text += used;
		n++;
	}
	return n;
}

/*
 * Whether each of RERUNS more runs diverges at step at too. The
 * machine's divergence repeats every time; the host's own (a fault more
 * or less, now and then, around a page cache page) is seen in about
 * one run in three at worst, so ten in a row are a chance in 60,000.
 */
#define RERUNS 10
static bool diverges_again(struct machine *m, const struct dt_call *calls,
			   unsigned int n, int at)
{
	for (int i = 0; i < RERUNS; i++)
		if (run_sequence(m, calls, n, NULL) != at)
			return false;
	return true;
}

/*
 * The step at which calls[0..n) diverges twice running, or -1: the
 * machine is deterministic, the host not quite (host_child.c), so a
 * step that diverges once may be the host's.
 */
static int run_twice(struct machine *m, const struct dt_call *calls,
		     unsigned int n)
{
	int at = run_sequence(m, calls, n, NULL);

	return at >= 0 && run_sequence(m, calls, n, NULL) == at ? at : -1;
}

/* Drop steps one at a time while what is left still diverges. */
static unsigned int shrink(struct machine *m, struct dt_call *calls,
			   unsigned int n)
{
	bool progress = true;

	while (progress) {
		progress = false;
		for (unsigned int i = 0; i < n; i++) {
			struct dt_call keep = calls[i];
			int at;

			memmove(&calls[i], &calls[i + 1],
				(n - i - 1) * sizeof(*calls));
			at = run_twice(m, calls, n - 1);
			if (at >= 0) {
				n = (unsigned int)at + 1;
				progress = true;
				break;
			}
			memmove(&calls[i + 1], &calls[i],
				(n - i - 1) * sizeof(*calls));
			calls[i] = keep;
		}
	}
	return n;
}

static struct machine *boot(void)
{
	struct layout l;
	struct machine *m;

	layout_default(&l);
	l.swap_size = 0; /* as the host's, when it has none */
	/*
	 * 256 MiB, one DMA and one DMA32 zone: the processes use a few
	 * MiB, and the invariant checker, like an exit that leaves pages
	 * charged to the process (mem_cgroup_exit_task), walks every frame.
	 */
	l.memory = 256 * MiB;
	l.nr_zones = 2;
	l.zones[0] = (struct layout_zone){ZONE_DMA, 0, 16 * MiB};
	l.zones[1] = (struct layout_zone){ZONE_DMA32, 16 * MiB, 256 * MiB};
	l.nr_holes = 0;
	l.nr_devices = 0;
	l.limits.pages = l.memory >> 12;
	m = machine_create(&l);
	if (IS_ERR(m)) {
		fprintf(stderr, "difftest: machine_create: %ld\n", PTR_ERR(m));
		exit(2);
	}
	return m;
}

static void find_child(const char *argv0)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		snprintf(self, sizeof(self), "%s", argv0);
	else
		self[n] = 0;
	snprintf(child_path, sizeof(child_path), "%s/difftest_child",
		 dirname(self));
}

/* What one worker was asked to do, and what it did. */
struct dt_run {
	uint64_t seed;
	unsigned long seconds, limit, check_every;
	unsigned long sequences, steps, flakes;
};

/*
 * Sequences from the seed until the time or the count is up; the full
 * invariant checker after every check_every-th sequence and at the end
 * (the machine is deterministic, so -c 1 with the same seed finds the
 * sequence that broke one). 0 when nothing diverged.
 */
static int run_worker(struct dt_run *r, FILE *out)
{
	struct machine *m = boot();
	time_t end = time(NULL) + (time_t)r->seconds;
	uint64_t s = r->seed ? r->seed : 1;
	struct sim probe = {.m = m};
	char *views_text = NULL;
	size_t views_len = 0;
	FILE *views = open_memstream(&views_text, &views_len);

	for (; r->limit ? r->sequences < r->limit : time(NULL) < end;
	     r->sequences++) {
		struct dt_call calls[MAX_STEPS];
		unsigned int n = 8 + rnd(&s, MAX_STEPS - 8);
		bool last = r->limit && r->sequences + 1 == r->limit;
		int at;

		bool alive[2] = {true, false}, files = !rnd(&s, 4);

		for (unsigned int i = 0; i < n; i++)
			random_call(&s, alive, files, &calls[i]);
		at = run_sequence(m, calls, n, views);
		fflush(views);
		if (at >= 0)
			fprintf(out, "difftest: sequence %lu first:\n%s",
				r->sequences, views_text);
		rewind(views);
		if (at >= 0 && !diverges_again(m, calls, n, at)) {
			/*
			 * The machine is deterministic: a divergence a rerun
			 * does not repeat is the host's (its fault-around
			 * passing a page cache page someone else holds
			 * locked, under the host's load).
			 */
			fprintf(out,
				"difftest: sequence %lu (SEED=%" PRIu64
				") diverged at step %d, not on every rerun: "
				"the host's\n",
				r->sequences, r->seed, at);
			r->flakes++;
			continue;
		}
		if (at < 0) {
			r->steps += n;
			if (r->sequences % 1000 ==
			    999) { /* a long run's progress */
				fprintf(out,
					"difftest: SEED=%" PRIu64 ": %lu "
					"sequences, %lu steps so far\n",
					r->seed, r->sequences + 1, r->steps);
				fflush(out);
			}
			if ((r->sequences + 1) % r->check_every && !last)
				continue;
			if (sim_check(&probe, NULL))
				continue;
			fprintf(out,
				"difftest: machine_check failed after sequence "
				"%lu (SEED=%" PRIu64 " -c 1 finds which):\n",
				r->sequences, r->seed);
			sim_check(&probe, out);
			machine_destroy(m);
			return 1;
		}
		fprintf(out,
			"difftest: sequence %lu (SEED=%" PRIu64
			") diverges at step %d; shrunk:\n",
			r->sequences, r->seed, at);
		n = shrink(m, calls, (unsigned int)at + 1);
		for (unsigned int i = 0; i < n; i++)
			print_call(out, i, &calls[i]);
		print_replay(out, calls, n);
		run_sequence(m, calls, n, out);
		machine_destroy(m);
		return 1;
	}
	if (!sim_check(&probe, out)) {
		machine_destroy(m);
		return 1;
	}
	machine_destroy(m);
	return 0;
}

/*
 * Workers in processes of their own, worker w on seed + w; their counts
 * come back over a pipe. 0 when none diverged.
 */
static int run_workers(const struct dt_run *proto, unsigned int jobs,
		       unsigned long *sequences, unsigned long *steps,
		       unsigned long *flakes)
{
	int fds[2], failed = 0;

	if (pipe(fds)) {
		perror("difftest: pipe");
		exit(2);
	}
	for (unsigned int w = 0; w < jobs; w++) {
		pid_t pid = fork();

		if (pid < 0) {
			perror("difftest: fork");
			exit(2);
		}
		if (!pid) {
			struct dt_run r = *proto;
			int rc;

			close(fds[0]);
			r.seed = proto->seed + w;
			prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
			rc = run_worker(&r, stdout);
			fflush(stdout);
			if (write(fds[1], &r, sizeof(r)) != sizeof(r))
				rc = 2;
			_exit(rc);
		}
	}
	close(fds[1]);
	for (unsigned int w = 0; w < jobs; w++) {
		struct dt_run r;
		int status;

		if (read(fds[0], &r, sizeof(r)) == sizeof(r)) {
			*sequences += r.sequences;
			*steps += r.steps;
			*flakes += r.flakes;
		}
		if (wait(&status) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status))
			failed = 1;
	}
	close(fds[0]);
	return failed;
}

/* -r: one sequence, its views printed after every step. */
static int replay(const char *text)
{
	struct dt_call calls[MAX_STEPS];
	int n = parse_replay(text, calls), at;
	struct machine *m;

	if (n <= 0) {
		fprintf(stderr, "difftest: -r takes the calls a divergence "
				"printed\n");
		return 2;
	}
	find_child("difftest");
	m = boot();
	for (int i = 0; i < n; i++)
		print_call(stdout, (unsigned int)i, &calls[i]);
	at = run_sequence(m, calls, (unsigned int)n, stdout);
	printf("difftest: %s\n", at < 0 ? "no divergence" : "diverges");
	machine_destroy(m);
	return at < 0 ? 0 : 1;
}

static bool host_swaps(void)
{
	FILE *f = fopen("/proc/swaps", "r");
	char line[256];
	int lines = 0;

	while (f && fgets(line, sizeof(line), f))
		lines++;
	if (f)
		fclose(f);
	return lines > 1;
}

int main(int argc, char **argv)
{
	const char *env = getenv("SEED");
	struct dt_run r = {.seconds = 3, .check_every = 64};
	unsigned long sequences = 0, steps = 0, flakes = 0;
	unsigned int jobs = 1;
	int opt, rc;

	r.seed = env ? strtoull(env, NULL, 0) : (uint64_t)time(NULL);
	while ((opt = getopt(argc, argv, "t:n:c:j:r:v")) != -1) {
		if (opt == 'r')
			return replay(optarg);
		if (opt == 't')
			r.seconds = strtoul(optarg, NULL, 0);
		else if (opt == 'n')
			r.limit = strtoul(optarg, NULL, 0);
		else if (opt == 'c')
			r.check_every = strtoul(optarg, NULL, 0);
		else if (opt == 'j')
			jobs = (unsigned int)strtoul(optarg, NULL, 0);
		else if (opt == 'v')
			verbose = true;
		else
			opt = 0;
		if (!opt || !r.check_every || !jobs || jobs > 64) {
			fprintf(stderr, "usage: difftest [-t SECONDS] "
					"[-n SEQUENCES] [-c CHECK_EVERY] "
					"[-j WORKERS] [-r CALLS] [-v]\n");
			return 2;
		}
	}
	find_child(argv[0]);
	host_has_swap = host_swaps();
	printf("difftest: seed %" PRIu64 " (SEED=%" PRIu64
	       " replays this run)\n",
	       r.seed, r.seed);
	fflush(stdout);
	rc = run_workers(&r, jobs, &sequences, &steps, &flakes);
	if (!rc)
		printf("difftest: %lu sequences, %lu steps, no divergence "
		       "(%lu not repeated on a rerun)\n",
		       sequences, steps, flakes);
	return rc;
}
