/* SPDX-License-Identifier: MIT */
/*
 * mmc_test_attack.c - what a hostile local user would do to mmd, each
 * attack checking that mmd answers as it must: the exact errno and
 * words, in time, and serving on.
 *
 * Owns: mmc_test's "attack" command (tests/integration/mmd_attack.sh
 * runs them, several under a second uid):
 *   sizes                   sizes past every bound: exact errnos, at once
 *   no-hello MS             silent and ping-only connections, timed out
 *                           by daemon.hello_timeout_ms MS
 *   trickle MS              a frame sent a byte at a time, timed out by
 *                           daemon.frame_timeout_ms MS
 *   hold N SECS             N connections held SECS seconds; says how
 *                           many were let in and why the first was not
 *   refused ERRNO TEXT      a connection refused with ERRNO, saying TEXT
 *   names                   cache and MMZ names that would forge lines
 *   cache NAME ERRNO [SECS] kmem_cache_create(NAME) gives ERRNO; held
 *   fork LIMIT              forks until limits.processes (LIMIT) says no
 *   kmem PAGES              slab, per-CPU and fork memory past limits.pages
 *   kmap SLOTS KMAP ATOMIC  pkmap and kmap_atomic slots hogged, i386
 *   ioremap PHYS SIZE SPACE ioremaps until limits.vmap_space (SPACE)
 *   reuse UID               what root frees, UID is given zeroed (root)
 *   admin WANT              whether this process is an admin (0 or 1)
 *   flood N SECS            N connections at once, outcomes counted
 * Must never: be installed; it exists for the tests.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <grp.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/mmc_test/mmc_test.h"
#include "tests/mmc_test/mmc_test_attack.h"

/* Leave without the admin check finish() makes: users are no admins. */
static void leave(struct mmc *c, const char *what)
{
	EXPECT_ERR(c, 0, mmc_ping(c));
	printf("%s: done\n", what);
	mmc_close(c);
}

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* ---- sizes: every bound over the wire, answered at once */

/*
 * The sizes of finding 1, and their neighbours: kmalloc of 2^63 + 1
 * spun mmd forever. Each is refused with Linux's errno; none waits,
 * not even with __GFP_NOFAIL and a timeout.
 */
static void attack_sizes(void)
{
	struct mmc *c = connect_as("sizes", 0);
	const uint64_t huge = (1ULL << 63) + 1;
	uint64_t a = 0, obj = 0, map = 0, cache = 0;
	unsigned long pfn = 0;
	long t0 = now_ms();

	mmc_set_timeout(c, 60000);
	EXPECT_ERR(c, -ENOMEM, mmc_kmalloc(c, huge, GFP_KERNEL, &a));
	EXPECT_ERR(c, -ENOMEM,
		   mmc_kmalloc(c, UINT64_MAX, GFP_KERNEL | __GFP_NOFAIL, &a));
	EXPECT_ERR(c, -ENOMEM, mmc_kzalloc(c, huge, GFP_ATOMIC, &a));
	EXPECT_ERR(c, -ENOMEM, mmc_kcalloc(c, 1ULL << 62, 8, GFP_KERNEL, &a));
	EXPECT_ERR(c, -ENOMEM,
		   mmc_kcalloc(c, 3, huge, GFP_KERNEL | __GFP_NOFAIL, &a));
	EXPECT_ERR(c, 0, mmc_kmalloc(c, 64, GFP_KERNEL, &obj));
	put_pattern(c, obj, 64, 15, false);
	EXPECT_ERR(c, -ENOMEM, mmc_krealloc(c, obj, huge, GFP_KERNEL, &a));
	EXPECT_PATTERN(c, obj, 64, 15, "krealloc refused: the object stays");
	EXPECT_ERR(c, -ENOMEM, mmc_vmalloc(c, ULONG_MAX, &a));
	EXPECT_ERR(c, -ENOMEM, mmc_vzalloc(c, 1UL << 63, &a));
	EXPECT_ERR(c, -EINVAL, mmc_alloc_percpu(c, 1UL << 63, 8, &a));
	EXPECT_ERR(c, -EINVAL, mmc_alloc_percpu(c, 8, 1UL << 63, &a));
	EXPECT_ERR(c, -EINVAL,
		   mmc_alloc_pages(c, GFP_KERNEL | __GFP_NOFAIL, UINT32_MAX,
				   &pfn));
	EXPECT_ERR(c, -EINVAL,
		   mmc_kmem_cache_create(c, "huge_objects", UINT32_MAX, 0, 0,
					 &cache));
	EXPECT_ERR(c, -EINVAL,
		   mmc_kmem_cache_create(c, "huge_align", 64, 1u << 31, 0,
					 &cache));
	EXPECT_ERR(c, -ENOMEM,
		   mmc_mmap(c, 0, 0, UINT64_MAX - 4094, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, &map));
	EXPECT_ERR(c, 0,
		   mmc_mmap(c, 0, 0, 4096, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, &map));
	EXPECT_ERR(
		c, -ENOMEM,
		mmc_mremap(c, 0, map, 4096, 1ULL << 63, MREMAP_MAYMOVE, 0, &a));
	EXPECT_ERR(
		c, -EINVAL,
		mmc_mremap(c, 0, map, 4096, UINT64_MAX, MREMAP_MAYMOVE, 0, &a));
	EXPECT_ERR(c, -EINVAL,
		   mmc_mremap(c, 0, map, 4096, 8192,
			      MREMAP_MAYMOVE | MREMAP_FIXED, UINT64_MAX - 4095,
			      &a));
	EXPECT_ERR(c, -EINVAL, mmc_munmap(c, 0, map, UINT64_MAX));
	EXPECT_ERR(c, -ENOMEM, mmc_malloc(c, 0, UINT64_MAX, &a));
	EXPECT_ERR(c, -ENOMEM, mmc_calloc(c, 0, 1ULL << 62, 8, &a));
	EXPECT_ERR(c, -ENOMEM, mmc_realloc(c, 0, 0, huge, &a));
	EXPECT_ERR(c, -ENOMEM, mmc_posix_memalign(c, 0, &a, 1ULL << 63, 64));
	EXPECT_ERR(c, 0, mmc_ping(c));
	EXPECT(now_ms() - t0 < 5000, "the refusals took %ld ms", now_ms() - t0);
	EXPECT_ERR(c, 0, mmc_kfree(c, obj));
	finish(c, "sizes");
}

/* ---- connections that never say Hello, or never finish a frame */

/* The reply that ends a connection: id 0, -ETIMEDOUT, saying text. */
static void expect_timed_out(int fd, long t0, long after_ms, long within_ms,
			     const char *text, const char *what)
{
	Mm__Reply *r = recv_reply(fd, (int)(after_ms + within_ms + 2000));
	long t = now_ms() - t0;

	EXPECT(r && r->id == 0 && r->status == -ETIMEDOUT &&
		       strstr(r->message, text),
	       "%s: %s%d (%s), expected -ETIMEDOUT saying \"%s\"", what,
	       r ? "" : "no reply, ", r ? r->status : 0,
	       r && r->message ? r->message : "", text);
	EXPECT(t >= after_ms && t <= after_ms + within_ms,
	       "%s: closed after %ld ms, expected %ld..%ld", what, t, after_ms,
	       after_ms + within_ms);
	if (r) {
		printf("%s: %s\n", what, r->message);
		mm__reply__free_unpacked(r, NULL);
	}
	r = recv_reply(fd, 2000);
	EXPECT(!r, "%s: the connection stayed open", what);
	if (r)
		mm__reply__free_unpacked(r, NULL);
}

static void attack_no_hello(long timeout_ms)
{
	int silent = raw_connect(), chatty = raw_connect();
	long t0 = now_ms(), id = 1;

	/* Pings are answered before Hello, but do not keep a slot. */
	while (now_ms() - t0 < timeout_ms / 2) {
		send_ping(chatty, (uint64_t)id);
		Mm__Reply *r = recv_reply(chatty, 1000);

		EXPECT(r && r->id == (uint64_t)id && r->status == 0,
		       "ping %ld before Hello was not answered", id);
		if (r)
			mm__reply__free_unpacked(r, NULL);
		id++;
		usleep(50000);
	}
	expect_timed_out(silent, t0, timeout_ms, 1500, "no Hello within",
			 "silent connection");
	expect_timed_out(chatty, t0, timeout_ms, 1500, "no Hello within",
			 "connection that only pings");
	close(silent);
	close(chatty);
}

static void attack_trickle(long timeout_ms)
{
	int fd = raw_connect();
	Mm__Ping p = MM__PING__INIT;
	Mm__Request rq = MM__REQUEST__INIT;
	uint8_t body[16];
	size_t len;
	long t0;

	send_hello(fd, MMC_PROTOCOL_VERSION, 0, 0);
	Mm__Reply *r = recv_reply(fd, 5000);

	EXPECT(r && r->status == 0, "hello");
	if (r)
		mm__reply__free_unpacked(r, NULL);
	rq.id = 7;
	rq.op_case = MM__REQUEST__OP_PING;
	rq.ping = &p;
	len = mm__request__pack(&rq, body);
	/* Slow, but finished within the limit: served. */
	send_len(fd, (uint32_t)len);
	usleep((useconds_t)timeout_ms * 400);
	send_bytes(fd, body, len);
	r = recv_reply(fd, 5000);
	EXPECT(r && r->id == 7 && r->status == 0,
	       "a slow frame finished in time was not served");
	if (r)
		mm__reply__free_unpacked(r, NULL);
	/* A byte now and then, forever: timed out. */
	t0 = now_ms();
	send_len(fd, 64);
	for (int i = 0; i < 64 && now_ms() - t0 < timeout_ms + 3000; i++) {
		uint8_t b = 0;
		struct timespec nap = {0, 100 * 1000 * 1000};

		if (send(fd, &b, 1, MSG_NOSIGNAL) != 1)
			break;
		nanosleep(&nap, NULL);
		if (now_ms() - t0 > timeout_ms + 500)
			break;
	}
	expect_timed_out(fd, t0, timeout_ms, 1500, "still unfinished",
			 "a frame that trickles in");
	close(fd);
}

/* ---- slots */

/*
 * Connect n times and hold what was let in for secs: "held K" and the
 * first refusal's errno and words. The shell script checks the counts.
 */
static void attack_hold(int n, int secs)
{
	struct mmc **held = calloc((size_t)n, sizeof(*held));
	int k = 0, err = 0;

	for (int i = 0; i < n && held; i++) {
		err = mmc_connect(sock, NULL, &held[k]);
		if (err) {
			printf("refused %d: %s\n", err, mmc_errmsg(NULL));
			break;
		}
		k++;
	}
	printf("held %d\n", k);
	fflush(stdout);
	sleep((unsigned int)secs);
	for (int i = 0; i < k; i++)
		mmc_close(held[i]);
	free(held);
}

static void attack_refused(int want, const char *text)
{
	struct mmc *c;
	int err = mmc_connect(sock, NULL, &c);

	EXPECT(err == want && strstr(mmc_errmsg(NULL), text),
	       "connect: %d (%s), expected %d saying \"%s\"", err,
	       err ? mmc_errmsg(NULL) : "let in", want, text);
	if (!err)
		mmc_close(c);
	else
		printf("refused: %s\n", mmc_errmsg(NULL));
}

/*
 * Connections at once, by raw Hello: counts of those let in, refused
 * (by errno) and hung up on; held secs.
 */
static void attack_flood(int n, int secs)
{
	int *fds = calloc((size_t)n, sizeof(*fds));
	int ok = 0, eusers = 0, emfile = 0, other = 0, hung = 0;

	Mm__Hello h = MM__HELLO__INIT;
	Mm__Request rq = MM__REQUEST__INIT;
	uint8_t frame[64];
	size_t len;

	/* A refused connection may be closed before its Hello arrives. */
	h.version = MMC_PROTOCOL_VERSION;
	h.comm = "flood";
	rq.id = 1;
	rq.op_case = MM__REQUEST__OP_HELLO;
	rq.hello = &h;
	len = mm__request__pack(&rq, frame + 4);
	frame[0] = frame[1] = frame[2] = 0;
	frame[3] = (uint8_t)len;
	for (int i = 0; i < n && fds; i++) {
		fds[i] = raw_connect();
		if (send(fds[i], frame, len + 4, MSG_NOSIGNAL) < 0) {
			/* refused already: its reply waits to be read */
		}
	}
	for (int i = 0; i < n && fds; i++) {
		Mm__Reply *r = recv_reply(fds[i], 10000);

		if (!r)
			hung++;
		else if (r->status == 0)
			ok++;
		else if (r->status == -EUSERS)
			eusers++;
		else if (r->status == -EMFILE)
			emfile++;
		else
			other++;
		if (r && r->status == -EMFILE && emfile == 1)
			printf("refused: %s\n", r->message);
		if (r)
			mm__reply__free_unpacked(r, NULL);
	}
	printf("flood ok=%d eusers=%d emfile=%d other=%d hung=%d\n", ok, eusers,
	       emfile, other, hung);
	fflush(stdout);
	sleep((unsigned int)secs);
	for (int i = 0; i < n && fds; i++)
		close(fds[i]);
	free(fds);
}

/* ---- names */

/*
 * Names that would add a line to slabinfo or media-mem, or colour a
 * terminal: refused, and no report shows them.
 */
static void attack_names(void)
{
	static const char *const bad[] = {
		"x\nkmalloc-8 999 999 8 512 1",
		"\x1b[31mred\x1b[0m",
		"bell\a",
		"del\x7f",
	};
	struct mmc *c = connect_as("names", 0);
	uint64_t cache = 0, phys = 0;
	char *text;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_ERR(c, -EINVAL,
			   mmc_kmem_cache_create(c, bad[i], 64, 0, 0, &cache));
		EXPECT_ERR(c, -EINVAL,
			   mmc_mmz_alloc(c, NULL, bad[i], 4096, 0, &phys));
	}
	EXPECT_ERR(c, -EINVAL,
		   mmc_kmem_cache_create(c, "two words", 64, 0, 0, &cache));
	EXPECT(strstr(mmc_errmsg(c), "one word of printable ASCII"),
	       "the refusal says why: %s", mmc_errmsg(c));
	printf("refused: %s\n", mmc_errmsg(c));
	text = report_text(c, MMC_REPORT_SLABINFO);
	EXPECT(text && !strstr(text, "x\n") && !strchr(text, '\x1b') &&
		       !strstr(text, "kmalloc-8 999"),
	       "slabinfo shows a refused name");
	free(text);
	expect_counts(c, 0, 0, "refused names hold nothing");
	finish(c, "names");
}

static void attack_cache(const char *name, int want, int secs)
{
	struct mmc *c = connect_as("cache", 0);
	uint64_t cache = 0;

	EXPECT_ERR(c, want, mmc_kmem_cache_create(c, name, 64, 0, 0, &cache));
	if (want)
		printf("refused: %s\n", mmc_errmsg(c));
	if (!want && secs) {
		printf("made %s\n", name);
		fflush(stdout);
		sleep((unsigned int)secs);
	}
	if (!want)
		EXPECT_ERR(c, 0, mmc_kmem_cache_destroy(c, cache));
	leave(c, "cache");
}

/* ---- processes */

/*
 * A fork bomb: the session's process and its forks are this uid's, and
 * the fork that would make limit + 1 is -EAGAIN, as fork(2) says; an
 * exit makes room for one more.
 */
static void attack_fork(int limit)
{
	struct mmc *c = connect_as("forker", 0);
	int child = 0, last = 0, forks = 0, err;

	while ((err = mmc_fork(c, 0, &child)) == 0 && forks < 4 * limit) {
		last = child;
		forks++;
	}
	EXPECT(forks == limit - 1, "%d forks before a refusal, expected %d",
	       forks, limit - 1);
	EXPECT(err == -EAGAIN && strstr(mmc_errmsg(c), "limits.processes"),
	       "fork past the limit: %s (%s)", mmc_strerror(err),
	       mmc_errmsg(c));
	printf("refused: %s\n", mmc_errmsg(c));
	EXPECT_ERR(c, -EAGAIN, mmc_fork(c, last, &child));
	EXPECT_ERR(c, 0, mmc_exit_process(c, last));
	EXPECT_ERR(c, 0, mmc_fork(c, 0, &child));
	EXPECT_ERR(c, -EAGAIN, mmc_fork(c, 0, &child));
	leave(c, "fork");
}

/* ---- kernel memory past limits.pages */

/*
 * The way past limits.pages: kernel memory no charged frame stood for.
 * Slab objects, per-CPU areas and forked processes' task_structs and
 * stacks are charged by their bytes now: each stops at the limit
 * (-EDQUOT, fork -ENOMEM), exactly where its bytes fill it.
 */
static void attack_kmem(unsigned long limit)
{
	struct mmc *c = connect_as("kmem", 0);
	unsigned long ps = mmc_info(c)->page_size, cpus = mmc_info(c)->nr_cpus;
	unsigned long n = 0, most = limit * ps / 8192;
	uint64_t *objs = calloc(4 * limit * ps / 1024, sizeof(*objs));
	int child, err = 0, kids[256], nkids = 0;

	while (objs && n <= most &&
	       (err = mmc_kmalloc(c, 8192, GFP_KERNEL, &objs[n])) == 0)
		n++;
	EXPECT(n == most, "%lu kmalloc(8192) fit %lu pages, expected %lu", n,
	       limit, most);
	EXPECT(err == -EDQUOT && strstr(mmc_errmsg(c), "would hold more"),
	       "the one past: %s (%s)", mmc_strerror(err), mmc_errmsg(c));
	printf("refused: %s\n", mmc_errmsg(c));
	while (n)
		EXPECT_ERR(c, 0, mmc_kfree(c, objs[--n]));
	most = limit * ps / (1024 * cpus);
	while (objs && n <= most &&
	       (err = mmc_alloc_percpu(c, 1024, 8, &objs[n])) == 0)
		n++;
	EXPECT(n == most && err == -EDQUOT,
	       "%lu per-CPU areas of 1K fit %lu pages (%s), expected %lu", n,
	       limit, mmc_strerror(err), most);
	while (n)
		EXPECT_ERR(c, 0, mmc_free_percpu(c, objs[--n]));
	/* Forks: 26176 bytes each on x86_64, limits.processes or not. */
	while (nkids < 256 && (err = mmc_fork(c, 0, &child)) == 0)
		kids[nkids++] = child;
	EXPECT(err == -ENOMEM || err == -EAGAIN, "fork: %s (%s)",
	       mmc_strerror(err), mmc_errmsg(c));
	if (err == -ENOMEM)
		EXPECT(nkids == (int)(limit * ps / 26176),
		       "%d forks fit %lu pages, expected %lu", nkids, limit,
		       limit * ps / 26176);
	printf("fork refused after %d: %s\n", nkids, mmc_errmsg(c));
	while (nkids)
		EXPECT_ERR(c, 0, mmc_exit_process(c, kids[--nkids]));
	free(objs);
	expect_counts(c, 0, 0, "all given back");
	finish(c, "kmem");
}

/* ---- shared kernel slots */

/* n high pages of c's own, one block each. */
static void high_pages(struct mmc *c, unsigned long *pfns, int n)
{
	for (int i = 0; i < n; i++)
		EXPECT_ERR(c, 0, mmc_alloc_pages(c, GFP_HIGHUSER, 0, &pfns[i]));
}

/*
 * One process may hold kmap_limit pkmap slots and atomic_limit
 * kmap_atomic slots of a CPU; past them -EDQUOT, saying which limit.
 * Two hogs at their limits take every pkmap slot: a third process
 * waits, and its timeout says who holds them.
 */
static void attack_kmap(int slots, int kmap_limit, int atomic_limit)
{
	struct mmc *hog = connect_as("hog", 0), *other = connect_as("other", 0),
		   *victim = connect_as("victim", 0);
	unsigned long pfns[64], more[64], one;
	uint64_t addr = 0, atomic[64];
	char want[64];

	high_pages(hog, pfns, kmap_limit + atomic_limit + 1);
	for (int i = 0; i < kmap_limit; i++)
		EXPECT_ERR(hog, 0, mmc_kmap(hog, pfns[i], &addr));
	EXPECT_ERR(hog, 0, mmc_kmap(hog, pfns[0], &addr)); /* no new slot */
	EXPECT_ERR(hog, -EDQUOT, mmc_kmap(hog, pfns[kmap_limit], &addr));
	EXPECT(strstr(mmc_errmsg(hog), "limits.kmap"), "kmap refusal: %s",
	       mmc_errmsg(hog));
	printf("refused: %s\n", mmc_errmsg(hog));
	for (int i = 0; i < atomic_limit; i++)
		EXPECT_ERR(
			hog, 0,
			mmc_kmap_atomic(hog, pfns[kmap_limit + i], &atomic[i]));
	EXPECT_ERR(
		hog, -EDQUOT,
		mmc_kmap_atomic(hog, pfns[kmap_limit + atomic_limit], &addr));
	EXPECT(strstr(mmc_errmsg(hog), "limits.kmap_atomic"),
	       "kmap_atomic refusal: %s", mmc_errmsg(hog));
	printf("refused: %s\n", mmc_errmsg(hog));
	/* The rest of the pkmap slots are there for others. */
	high_pages(other, more, slots - kmap_limit);
	for (int i = 0; i < slots - kmap_limit && i < kmap_limit; i++)
		EXPECT_ERR(other, 0, mmc_kmap(other, more[i], &addr));
	high_pages(victim, &one, 1);
	EXPECT_ERR(victim, 0, mmc_kmap_atomic(victim, one, &addr));
	EXPECT_ERR(victim, 0, mmc_kunmap_atomic(victim, addr));
	if (slots == 2 * kmap_limit) {
		mmc_set_timeout(victim, 300);
		EXPECT_ERR(victim, -ETIMEDOUT, mmc_kmap(victim, one, &addr));
		snprintf(want, sizeof(want), "holds %d of them", kmap_limit);
		EXPECT(strstr(mmc_errmsg(victim), "pkmap slots are in use") &&
			       strstr(mmc_errmsg(victim), want),
		       "the waiting kmap does not say who holds the slots: "
		       "%s",
		       mmc_errmsg(victim));
		printf("victim: %s\n", mmc_errmsg(victim));
	}
	mmc_close(hog);
	mmc_set_timeout(victim, 2000);
	EXPECT_ERR(victim, 0, mmc_kmap(victim, one, &addr));
	EXPECT_ERR(victim, 0, mmc_kunmap(victim, one));
	leave(other, "other");
	leave(victim, "victim");
}

/*
 * ioremaps charge the vmalloc-area space they take (their pages and a
 * guard page each) to limits.vmap_space: the one past it is -EDQUOT,
 * and the hog's ioremaps leave a vmalloc of others room.
 */
static void attack_ioremap(uint64_t phys, uint64_t size, uint64_t space)
{
	struct mmc *hog = connect_as("hog", 0), *victim = connect_as("v", 0);
	uint64_t chunk = 16384, taken = 0, addr = 0, v = 0;
	uint64_t each = chunk + 4096;
	int n = 0, err = 0;

	while (taken + chunk <= size &&
	       (err = mmc_ioremap(hog, phys + taken, chunk, &addr)) == 0) {
		taken += chunk;
		n++;
	}
	EXPECT(n == (int)(space / each),
	       "%d ioremaps of %llu bytes, expected "
	       "%llu",
	       n, (unsigned long long)chunk,
	       (unsigned long long)(space / each));
	EXPECT(err == -EDQUOT && strstr(mmc_errmsg(hog), "limits.vmap_space"),
	       "the ioremap past the limit: %s (%s)", mmc_strerror(err),
	       mmc_errmsg(hog));
	printf("refused: %s\n", mmc_errmsg(hog));
	EXPECT_ERR(victim, 0, mmc_vmalloc(victim, 1 << 20, &v));
	EXPECT_ERR(victim, 0, mmc_vfree(victim, v));
	mmc_close(hog);
	finish(victim, "victim");
}

/* ---- bytes left behind */

/* What root freed, for the other uid to compare with. */
struct freed {
	uint64_t obj, phys;
	unsigned long pfn;
};

/* The other uid: connected first, then given what root freed. */
static int reuse_child(uid_t uid, int ready, int go)
{
	struct mmc *u;
	struct freed f;
	uint64_t obj = 0, va = 0, phys = 0;
	unsigned long pfn = 0;

	if (setgroups(0, NULL) || setresgid(uid, uid, uid) ||
	    setresuid(uid, uid, uid))
		return 2;
	/* Its Hello takes kernel memory (task, stack, pgd) before root frees.
	 */
	u = connect_as("user", 0);
	if (write(ready, "r", 1) != 1 || read(go, &f, sizeof(f)) != sizeof(f))
		return 2;
	EXPECT_ERR(u, 0, mmc_kmalloc(u, 200, GFP_KERNEL, &obj));
	EXPECT(obj == f.obj, "kmalloc gave %#llx, not root's %#llx",
	       (unsigned long long)obj, (unsigned long long)f.obj);
	EXPECT_FILL(u, obj, 200, 0, "root's freed kmalloc object");
	EXPECT_ERR(u, 0, mmc_alloc_pages(u, GFP_KERNEL, 0, &pfn));
	EXPECT(pfn == f.pfn, "alloc_pages gave %#lx, not root's %#lx", pfn,
	       f.pfn);
	EXPECT_FILL(u, direct_map(u, pfn), 4096, 0, "root's freed page");
	EXPECT_ERR(u, 0, mmc_vmalloc(u, 8192, &va));
	EXPECT_FILL(u, va, 8192, 0, "vmalloc of root's freed pages");
	EXPECT_ERR(u, 0, mmc_mmz_alloc(u, NULL, "mine", 4096, 0, &phys));
	EXPECT(phys == f.phys, "mmz_alloc gave %#llx, not root's %#llx",
	       (unsigned long long)phys, (unsigned long long)f.phys);
	expect_bytes(u, phys, 4096, -1, 0, 0, true, "root's freed MMZ block");
	leave(u, "user");
	return failures ? 1 : 0;
}

/*
 * What root writes and frees, another uid is given next, at the same
 * address: it must read zeroes (kernel.init_on_alloc). A kmalloc object,
 * a page block, a vmalloc area and an MMZ block, each freed so that the
 * same kind of call gets it back first.
 */
static void attack_reuse(uid_t uid)
{
	struct mmc *c = connect_as("root", 0);
	struct freed f = {0, 0, 0};
	int ready[2], go[2], status = 1;
	uint64_t va = 0;
	char ch;
	pid_t child;

	if (pipe(ready) || pipe(go)) {
		EXPECT(0, "pipe");
		return;
	}
	fflush(NULL);
	child = fork();
	if (child == 0)
		_exit(reuse_child(uid, ready[1], go[0]));
	EXPECT(child > 0 && read(ready[0], &ch, 1) == 1,
	       "the other uid did not connect");
	EXPECT_ERR(c, 0, mmc_kmalloc(c, 200, GFP_KERNEL, &f.obj));
	put_pattern(c, f.obj, 200, 61, false);
	EXPECT_ERR(c, 0, mmc_alloc_pages(c, GFP_KERNEL, 0, &f.pfn));
	put_pattern(c, direct_map(c, f.pfn), 4096, 62, false);
	EXPECT_ERR(c, 0, mmc_vmalloc(c, 8192, &va));
	put_pattern(c, va, 8192, 63, false);
	EXPECT_ERR(c, 0, mmc_mmz_alloc(c, NULL, "secret", 4096, 0, &f.phys));
	put_pattern(c, f.phys, 4096, 64, true);
	EXPECT_ERR(c, 0, mmc_vfree(c, va));
	EXPECT_ERR(c, 0, mmc_free_pages(c, f.pfn, 0));
	EXPECT_ERR(c, 0, mmc_kfree(c, f.obj));
	EXPECT_ERR(c, 0, mmc_mmz_free(c, f.phys));
	if (child > 0 && write(go[1], &f, sizeof(f)) == sizeof(f))
		waitpid(child, &status, 0);
	EXPECT(child > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "the other uid's checks failed (status %d)", status);
	finish(c, "root");
}

/* ---- who is an admin */

static void attack_admin(int want)
{
	struct mmc *c = connect_as("admin", 0);
	struct mmc_check check;

	EXPECT(mmc_info(c)->admin == (want != 0), "admin is %d, expected %d",
	       mmc_info(c)->admin, want);
	EXPECT_ERR(c, want ? 0 : -EPERM, mmc_admin_check(c, &check));
	leave(c, "admin");
}

int cmd_attack(int argc, char **argv)
{
	const char *name = argv[0];
	long a1 = argc > 1 ? strtol(argv[1], NULL, 0) : 0;
	long a2 = argc > 2 ? strtol(argv[2], NULL, 0) : 0;
	long a3 = argc > 3 ? strtol(argv[3], NULL, 0) : 0;

	signal(SIGPIPE, SIG_IGN);
	if (!strcmp(name, "sizes"))
		attack_sizes();
	else if (!strcmp(name, "no-hello") && argc == 2)
		attack_no_hello(a1);
	else if (!strcmp(name, "trickle") && argc == 2)
		attack_trickle(a1);
	else if (!strcmp(name, "hold") && argc == 3)
		attack_hold((int)a1, (int)a2);
	else if (!strcmp(name, "refused") && argc == 3)
		attack_refused((int)a1, argv[2]);
	else if (!strcmp(name, "flood") && argc == 3)
		attack_flood((int)a1, (int)a2);
	else if (!strcmp(name, "names"))
		attack_names();
	else if (!strcmp(name, "cache") && argc >= 3)
		attack_cache(argv[1], (int)a2, (int)a3);
	else if (!strcmp(name, "fork") && argc == 2)
		attack_fork((int)a1);
	else if (!strcmp(name, "kmem") && argc == 2)
		attack_kmem((unsigned long)a1);
	else if (!strcmp(name, "kmap") && argc == 4)
		attack_kmap((int)a1, (int)a2, (int)a3);
	else if (!strcmp(name, "ioremap") && argc == 4)
		attack_ioremap(strtoull(argv[1], NULL, 0),
			       strtoull(argv[2], NULL, 0),
			       strtoull(argv[3], NULL, 0));
	else if (!strcmp(name, "reuse") && argc == 2)
		attack_reuse((uid_t)a1);
	else if (!strcmp(name, "admin") && argc == 2)
		attack_admin((int)a1);
	else
		EXPECT(0, "no attack '%s' with %d arguments", name, argc - 1);
	return failures ? 1 : 0;
}
