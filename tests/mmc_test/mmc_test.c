/* SPDX-License-Identifier: MIT */
/*
 * mmc_test.c - the integration tests' client: drives a real mmd through
 * libmmclient, or through raw frames to play a hostile client.
 *
 * Owns: the client side of the integration scripts that drive a real
 * daemon (tests/integration/mmd_*.sh, mmtrace.sh). Each command checks
 * what it sees and exits 0 only when everything was exactly as expected
 * (values, errnos, bytes read back), saying what differed on stderr
 * otherwise. Must never: be installed or used as a tool; it exists for
 * the tests.
 *
 * The table below is laid out by hand: clang-format must not fill it.
 */
/* clang-format off */
/*
 *   mmc_test SOCK workload NCLIENTS OPS SEED  random mixed ops, N forks
 *   mmc_test SOCK baseline                    sync, drop caches; free pages
 *   mmc_test SOCK check                       admin invariant check
 *   mmc_test SOCK ping N                      N round trips must work
 *   mmc_test SOCK hostile CASE [MAX_FRAME]    one hostile client (below)
 *   mmc_test SOCK hold SECONDS                hold pages, wait for events
 *   mmc_test SOCK shutdown                    admin shutdown request
 *   mmc_test SOCK report KIND                 print a report
 *   mmc_test SOCK attack NAME [ARGS]          one attack of issue 15 (see
 *                                             mmc_test_attack.c)
 *   mmc_test SOCK ops FAMILY [ARGS]           one family of operations:
 *     slab | kmalloc | vmalloc | vmap | percpu | reports | null-frees
 *     vm | oom | kswapd | malloc | alloc-park | oom-rules
 *     ioremap PHYS SIZE          PHYS..+SIZE is one device region
 *     mmz ZONE START SIZE        ZONE is a region at START..+SIZE
 *     kmap HIGH                  HighMem starts at physical HIGH
 *     page-api HIGH              the page API by address (HighMem at HIGH)
 *     kmap-atomic HIGH SLOTS     SLOTS kmap_atomic slots per CPU
 *     kmap-park HIGH SLOTS       a layout with SLOTS pkmap slots
 *     exit-all HIGH DEVPHYS      killed holding one of every kind
 *     limits PAGES swap|noswap   a layout with limits.pages PAGES
 *     numa-hold SECONDS          memory on both nodes, held until stdin
 *                                closes (a two-node layout)
 *   mmc_test NOTIFY_PATH notify-listen SECS   print sd_notify datagrams
 *   mmc_test PATH stale-socket                leave a dead socket file
 */
/* clang-format on */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdint.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "client/mmclient.h"
#include "proto/frame.h"
#include "proto/mm.pb-c.h"
#include "tests/mmc_test/mmc_test.h"
#include "tests/mmc_test/mmc_test_attack.h"
#include "tests/mmc_test/mmc_test_limits.h"
#include "tests/mmc_test/mmc_test_vm.h"

const char *sock;
int failures;
static uint32_t mmc_test_max_frame = 1u << 20; /* the daemon's, for tests */

/* The slabinfo columns <active_objs> <num_objs> of a cache, or false. */
static bool slabinfo_objs(struct mmc *c, const char *name,
			  unsigned long *active, unsigned long *num)
{
	char *text = report_text(c, MMC_REPORT_SLABINFO), prefix[40];
	const char *line;
	bool found;

	if (!text)
		return false;
	snprintf(prefix, sizeof(prefix), "%s ", name);
	line = find_line(text, prefix);
	found = line &&
		sscanf(line + strlen(prefix), "%lu %lu", active, num) == 2;
	free(text);
	return found;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Objects at addrs, each size bytes long, overlap nowhere. */
static void expect_disjoint(const uint64_t *addrs, unsigned int n,
			    uint64_t size, const char *what)
{
	uint64_t sorted[64];

	if (n > 64)
		n = 64;
	memcpy(sorted, addrs, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_u64);
	for (unsigned int i = 1; i < n; i++)
		EXPECT(sorted[i] - sorted[i - 1] >= size,
		       "%s: objects at %#llx and %#llx overlap", what,
		       (unsigned long long)sorted[i - 1],
		       (unsigned long long)sorted[i]);
}

/* ---- a well-behaved client doing random mixed operations */

struct block {
	unsigned long pfn;
	unsigned int order;
};

struct held {
	struct block blocks[256];
	unsigned int nr_blocks;
	uint64_t objs[256];
	unsigned int nr_objs;
	uint64_t vms[32];
	unsigned int nr_vms;
	uint64_t cache; /* 0 until op_cache makes one */
	uint64_t cobjs[64];
	unsigned int nr_cobjs;
	uint64_t pcpu[16];
	unsigned int nr_pcpu;
};

static void op_alloc(struct mmc *c, struct held *h)
{
	static const gfp_t gfps[] = {GFP_KERNEL, GFP_ATOMIC, GFP_DMA32,
				     GFP_KERNEL | __GFP_ZERO};
	unsigned int order = (unsigned int)rand() % 4;
	unsigned long pfn;
	int err;

	if (h->nr_blocks == 256)
		return;
	err = mmc_alloc_pages(c, gfps[rand() % 4], order, &pfn);
	EXPECT(err == 0, "alloc_pages order %u: %s (%s)", order,
	       mmc_strerror(err), mmc_errmsg(c));
	if (!err)
		h->blocks[h->nr_blocks++] = (struct block){pfn, order};
}

static void op_free(struct mmc *c, struct held *h)
{
	unsigned int i;
	int err;

	if (!h->nr_blocks)
		return;
	i = (unsigned int)rand() % h->nr_blocks;
	err = mmc_free_pages(c, h->blocks[i].pfn, h->blocks[i].order);
	EXPECT(err == 0, "free_pages: %s (%s)", mmc_strerror(err),
	       mmc_errmsg(c));
	h->blocks[i] = h->blocks[--h->nr_blocks];
}

static void op_get_put(struct mmc *c, struct held *h)
{
	unsigned long pfn;
	int err;

	if (!h->nr_blocks)
		return;
	pfn = h->blocks[(unsigned int)rand() % h->nr_blocks].pfn;
	err = mmc_get_page(c, pfn);
	EXPECT(err == 0, "get_page: %s", mmc_strerror(err));
	err = mmc_put_page(c, pfn);
	EXPECT(err == 0, "put_page: %s", mmc_strerror(err));
}

static void op_kmalloc(struct mmc *c, struct held *h)
{
	uint64_t addr;
	int err;

	if (h->nr_objs && rand() % 2) {
		unsigned int i = (unsigned int)rand() % h->nr_objs;

		err = mmc_kfree(c, h->objs[i]);
		EXPECT(err == 0, "kfree: %s (%s)", mmc_strerror(err),
		       mmc_errmsg(c));
		h->objs[i] = h->objs[--h->nr_objs];
		return;
	}
	if (h->nr_objs == 256)
		return;
	err = mmc_kmalloc(c, 1 + (size_t)rand() % 5000, GFP_KERNEL, &addr);
	EXPECT(err == 0, "kmalloc: %s (%s)", mmc_strerror(err), mmc_errmsg(c));
	if (!err)
		h->objs[h->nr_objs++] = addr;
}

static void op_vmalloc(struct mmc *c, struct held *h)
{
	uint64_t addr;
	int err;

	if (h->nr_vms && rand() % 2) {
		err = mmc_vfree(c, h->vms[--h->nr_vms]);
		EXPECT(err == 0, "vfree: %s", mmc_strerror(err));
		return;
	}
	if (h->nr_vms == 32)
		return;
	err = mmc_vmalloc(c, 4096UL * (1 + (unsigned long)rand() % 4), &addr);
	EXPECT(err == 0, "vmalloc: %s (%s)", mmc_strerror(err), mmc_errmsg(c));
	if (!err)
		h->vms[h->nr_vms++] = addr;
}

/*
 * Objects of the session's own cache, each holding its own address:
 * other sessions' traffic must never change it.
 */
static void op_cache(struct mmc *c, struct held *h)
{
	uint64_t addr, got = 0;
	char name[32];
	int err;

	if (!h->cache) {
		snprintf(name, sizeof(name), "work_%d", mmc_pid(c));
		err = mmc_kmem_cache_create(c, name, 24, 8, 0, &h->cache);
		EXPECT(err == 0, "cache create: %s (%s)", mmc_strerror(err),
		       mmc_errmsg(c));
		return;
	}
	if (h->nr_cobjs && (h->nr_cobjs == 64 || rand() % 2)) {
		unsigned int i = (unsigned int)rand() % h->nr_cobjs;

		addr = h->cobjs[i];
		err = mmc_read(c, addr, &got, sizeof(got));
		EXPECT(err == 0 && got == addr,
		       "cache object %#llx holds %#llx",
		       (unsigned long long)addr, (unsigned long long)got);
		err = mmc_kmem_cache_free(c, h->cache, addr);
		EXPECT(err == 0, "cache free: %s (%s)", mmc_strerror(err),
		       mmc_errmsg(c));
		h->cobjs[i] = h->cobjs[--h->nr_cobjs];
		return;
	}
	err = mmc_kmem_cache_alloc(c, h->cache, GFP_KERNEL, &addr);
	EXPECT(err == 0, "cache alloc: %s (%s)", mmc_strerror(err),
	       mmc_errmsg(c));
	if (err)
		return;
	err = mmc_write(c, addr, &addr, sizeof(addr));
	EXPECT(err == 0, "write to a cache object: %s", mmc_strerror(err));
	h->cobjs[h->nr_cobjs++] = addr;
}

/* Per-CPU areas: CPU 1's copy holds the pointer, CPU 0's stays zero. */
static void op_percpu(struct mmc *c, struct held *h)
{
	uint64_t ptr, cpu1 = 0, got[2] = {1, 1};
	int err;

	if (h->nr_pcpu && (h->nr_pcpu == 16 || rand() % 2)) {
		ptr = h->pcpu[--h->nr_pcpu];
		err = mmc_per_cpu_ptr(c, ptr, 1, &cpu1);
		EXPECT(err == 0, "per_cpu_ptr: %s", mmc_strerror(err));
		err = mmc_read(c, ptr, &got[0], sizeof(got[0]));
		err = err ? err : mmc_read(c, cpu1, &got[1], sizeof(got[1]));
		EXPECT(err == 0 && got[0] == 0 && got[1] == ptr,
		       "per-CPU %#llx holds %#llx and %#llx: %s",
		       (unsigned long long)ptr, (unsigned long long)got[0],
		       (unsigned long long)got[1], mmc_strerror(err));
		err = mmc_free_percpu(c, ptr);
		EXPECT(err == 0, "free_percpu: %s", mmc_strerror(err));
		return;
	}
	err = mmc_alloc_percpu(c, 8 + (unsigned long)rand() % 120, 8, &ptr);
	EXPECT(err == 0, "alloc_percpu: %s (%s)", mmc_strerror(err),
	       mmc_errmsg(c));
	if (err)
		return;
	err = mmc_per_cpu_ptr(c, ptr, 1, &cpu1);
	err = err ? err : mmc_write(c, cpu1, &ptr, sizeof(ptr));
	EXPECT(err == 0, "per-CPU write: %s (%s)", mmc_strerror(err),
	       mmc_errmsg(c));
	h->pcpu[h->nr_pcpu++] = ptr;
}

/* Bytes written to an owned low page read back the same. */
static void op_bytes(struct mmc *c, struct held *h)
{
	const struct mmc_info *info = mmc_info(c);
	unsigned char out[256], in[256];
	uint64_t addr;
	int err;

	if (!h->nr_blocks)
		return;
	addr = info->page_offset +
	       h->blocks[(unsigned int)rand() % h->nr_blocks].pfn *
		       info->page_size;
	for (unsigned int i = 0; i < sizeof(out); i++)
		out[i] = (unsigned char)rand();
	err = mmc_write(c, addr, out, sizeof(out));
	EXPECT(err == 0, "write: %s (%s)", mmc_strerror(err), mmc_errmsg(c));
	if (err)
		return;
	err = mmc_read(c, addr, in, sizeof(in));
	EXPECT(err == 0, "read: %s (%s)", mmc_strerror(err), mmc_errmsg(c));
	EXPECT(memcmp(in, out, sizeof(in)) == 0, "read back other bytes");
}

static void op_report(struct mmc *c)
{
	static const enum mmc_report kinds[] = {
		MMC_REPORT_MEMINFO, MMC_REPORT_BUDDYINFO, MMC_REPORT_VMSTAT,
		MMC_REPORT_STATUS};
	enum mmc_report kind = kinds[rand() % 4];
	char *text = NULL;
	int err = mmc_report(c, kind, &text);

	EXPECT(err == 0 && text, "report %d: %s", kind, mmc_strerror(err));
	if (text && kind == MMC_REPORT_MEMINFO)
		EXPECT(strstr(text, "MemFree:"), "meminfo without MemFree");
	if (text && kind == MMC_REPORT_STATUS)
		EXPECT(strstr(text, "Pid:\t"), "status without Pid");
	free(text);
}

/* Eight allocations and their frees, each batch in one pipeline. */
static void op_pipeline(struct mmc *c)
{
	unsigned long pfns[8];
	int st[8], n;

	mmc_pipeline_begin(c);
	for (int i = 0; i < 8; i++)
		mmc_alloc_pages(c, GFP_KERNEL, 0, &pfns[i]);
	n = mmc_pipeline_end(c, st, 8);
	EXPECT(n == 8, "pipeline of 8 gave %d", n);
	mmc_pipeline_begin(c);
	for (int i = 0; i < 8; i++)
		if (st[i] == 0)
			mmc_free_pages(c, pfns[i], 0);
	n = mmc_pipeline_end(c, st, 8);
	for (int i = 0; i < n; i++)
		EXPECT(st[i] == 0, "pipelined free %d: %s", i,
		       mmc_strerror(st[i]));
}

static int workload_child(int idx, int ops, unsigned int seed)
{
	char comm[16];
	struct held h = {0};
	struct mmc *c;

	snprintf(comm, sizeof(comm), "work%d", idx);
	srand(seed * 7919u + (unsigned int)idx);
	c = connect_as(comm, (unsigned int)idx % 2);
	for (int i = 0; i < ops && !failures; i++) {
		switch (rand() % 12) {
		case 0:
		case 1:
		case 2:
			op_alloc(c, &h);
			break;
		case 3:
		case 4:
			op_free(c, &h);
			break;
		case 5:
			op_get_put(c, &h);
			break;
		case 6:
			op_kmalloc(c, &h);
			break;
		case 7:
			op_vmalloc(c, &h);
			break;
		case 8:
			op_bytes(c, &h);
			break;
		case 10:
			op_cache(c, &h);
			break;
		case 11:
			op_percpu(c, &h);
			break;
		default:
			if (rand() % 2)
				op_report(c);
			else
				op_pipeline(c);
		}
	}
	/* Free half; the rest is the daemon's to free at exit. */
	while (h.nr_blocks > 128 / 2 && !failures)
		op_free(c, &h);
	mmc_close(c);
	return failures ? 1 : 0;
}

static int cmd_workload(int n, int ops, unsigned int seed)
{
	int bad = 0, status;

	for (int i = 0; i < n; i++) {
		pid_t pid = fork();

		if (pid == 0)
			_exit(workload_child(i, ops, seed));
		if (pid < 0)
			return 1;
	}
	while (wait(&status) > 0)
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad++;
	if (bad)
		fprintf(stderr, "%d of %d clients failed\n", bad, n);
	return bad ? 1 : 0;
}

/* ---- admin */

static int cmd_baseline(void)
{
	struct mmc *c = connect_as("baseline", 0);
	unsigned long free_pages = 0;
	/* sync; echo 3 > drop_caches: dirty metadata blocks stay else */
	int err = mmc_sync(c, 0);

	if (!err)
		err = mmc_admin_drop_caches(c, &free_pages);

	mmc_close(c);
	if (err) {
		fprintf(stderr, "drop caches: %s\n", mmc_strerror(err));
		return 1;
	}
	printf("%lu\n", free_pages);
	return 0;
}

static int cmd_check(void)
{
	struct mmc *c = connect_as("check", 0);
	struct mmc_check chk;
	int err = mmc_admin_check(c, &chk);

	if (err) {
		fprintf(stderr, "check: %s: %s\n", mmc_strerror(err),
			mmc_errmsg(c));
		mmc_close(c);
		return 1;
	}
	printf("tasks=%u exits=%lu leaked_blocks=%lu\n", chk.nr_tasks,
	       chk.exits, chk.leaked_blocks);
	mmc_close(c);
	return 0;
}

static int cmd_ping(int n)
{
	struct mmc *c = connect_as("pinger", 0);
	unsigned long pfn;

	for (int i = 0; i < n; i++) {
		EXPECT(mmc_ping(c) == 0, "ping %d failed", i);
		EXPECT(mmc_alloc_pages(c, GFP_KERNEL, 0, &pfn) == 0 &&
			       mmc_free_pages(c, pfn, 0) == 0,
		       "page round trip %d failed", i);
	}
	mmc_close(c);
	return failures ? 1 : 0;
}

static int cmd_report(const char *kind)
{
	static const char *const names[] = {
		"",	    "meminfo",	   "buddyinfo", "zoneinfo", "vmstat",
		"slabinfo", "vmallocinfo", "media-mem", "dmesg",    "status"};
	struct mmc *c = connect_as("report", 0);
	char *text = NULL;
	int err = -EINVAL;

	for (int i = 1; i < 10; i++)
		if (strcmp(kind, names[i]) == 0)
			err = mmc_report(c, (enum mmc_report)i, &text);
	if (err)
		fprintf(stderr, "report %s: %s\n", kind, mmc_strerror(err));
	else
		fputs(text, stdout);
	free(text);
	mmc_close(c);
	return err ? 1 : 0;
}

static int cmd_shutdown(void)
{
	struct mmc *c = connect_as("shutdown", 0);
	int err = mmc_admin_shutdown(c);

	mmc_close(c);
	return err ? 1 : 0;
}

/* ---- events: hold memory until the daemon says something */

static void on_event(struct mmc *c, const struct mmc_event *ev, void *data)
{
	(void)c;
	(void)data;
	printf("event %s: %s\n",
	       ev->kind == MMC_EVENT_OOM_KILLED ? "oom-killed"
						: "shutting-down",
	       ev->message);
	fflush(stdout);
}

static int cmd_hold(int seconds)
{
	struct mmc *c = connect_as("holder", 0);
	unsigned long pfn;
	struct pollfd pfd;
	int err;

	mmc_set_event_handler(c, on_event, NULL);
	for (int i = 0; i < 16; i++)
		mmc_alloc_pages(c, GFP_KERNEL, 2, &pfn);
	printf("holding\n");
	fflush(stdout);
	pfd.fd = mmc_fd(c);
	pfd.events = POLLIN;
	if (poll(&pfd, 1, seconds * 1000) <= 0) {
		printf("no event\n");
		mmc_close(c);
		return 1;
	}
	err = mmc_process_events(c);
	printf("process_events: %d\n", err);
	err = mmc_ping(c);
	printf("after the event: %s\n", mmc_strerror(err));
	mmc_close(c);
	return 0;
}

/* ---- raw frames, for hostile clients */

int raw_connect(void)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		perror("raw connect");
		exit(1);
	}
	return fd;
}

void send_bytes(int fd, const void *p, size_t len)
{
	if (send(fd, p, len, MSG_NOSIGNAL) != (ssize_t)len) {
		perror("send");
		exit(1);
	}
}

void send_msg(int fd, const ProtobufCMessage *msg)
{
	struct frame_buf b;

	frame_buf_init(&b);
	frame_append(&b, msg, UINT32_MAX);
	send_bytes(fd, b.data, b.len);
	frame_buf_free(&b);
}

/* The next reply, or NULL at EOF or after timeout_ms. */
Mm__Reply *recv_reply(int fd, int timeout_ms)
{
	static struct frame_buf in;
	const uint8_t *body;
	uint32_t len;
	Mm__Reply *r;

	for (;;) {
		struct pollfd pfd = {fd, POLLIN, 0};
		ssize_t n;

		if (frame_next(&in, UINT32_MAX, &body, &len) == 1) {
			r = mm__reply__unpack(NULL, len, body);
			frame_consume(&in, len);
			return r;
		}
		if (poll(&pfd, 1, timeout_ms) <= 0)
			return NULL;
		frame_buf_reserve(&in, 65536);
		n = recv(fd, in.data + in.len, in.cap - in.len, 0);
		if (n <= 0)
			return NULL;
		in.len += (size_t)n;
	}
}

void send_hello(int fd, uint32_t version, uint32_t cpu, int adj)
{
	Mm__Hello h = MM__HELLO__INIT;
	Mm__Request rq = MM__REQUEST__INIT;

	h.version = version;
	h.comm = "hostile";
	h.cpu = cpu;
	h.oom_score_adj = adj;
	rq.id = 1;
	rq.op_case = MM__REQUEST__OP_HELLO;
	rq.hello = &h;
	send_msg(fd, &rq.base);
}

/* Expect a reply with this id and status; print its message. */
static void expect_reply(int fd, uint64_t id, int status, const char *what)
{
	Mm__Reply *r = recv_reply(fd, 5000);

	if (!r) {
		EXPECT(0, "%s: no reply", what);
		return;
	}
	EXPECT(r->id == id && r->status == status,
	       "%s: reply id %llu status %d (%s), expected id %llu status %d",
	       what, (unsigned long long)r->id, r->status, r->message,
	       (unsigned long long)id, status);
	printf("%s: %d %s\n", what, r->status, r->message);
	mm__reply__free_unpacked(r, NULL);
}

static void expect_eof(int fd, const char *what)
{
	Mm__Reply *r = recv_reply(fd, 5000);

	EXPECT(!r, "%s: the connection stayed open", what);
	if (r)
		mm__reply__free_unpacked(r, NULL);
}

void send_ping(int fd, uint64_t id)
{
	Mm__Ping p = MM__PING__INIT;
	Mm__Request rq = MM__REQUEST__INIT;

	rq.id = id;
	rq.op_case = MM__REQUEST__OP_PING;
	rq.ping = &p;
	send_msg(fd, &rq.base);
}

static int hello_fd(void)
{
	int fd = raw_connect();

	send_hello(fd, MMC_PROTOCOL_VERSION, 0, 0);
	expect_reply(fd, 1, 0, "hello");
	return fd;
}

void send_len(int fd, uint32_t len)
{
	uint8_t hdr[4];

	frame_put_len(hdr, len);
	send_bytes(fd, hdr, 4);
}

static void hostile_lengths(const char *name)
{
	int fd = hello_fd();

	if (strcmp(name, "zero-length") == 0) {
		send_len(fd, 0); /* an empty Request: id 0, no op */
		expect_reply(fd, 0, -EINVAL, name);
		send_ping(fd, 9);
		expect_reply(fd, 9, 0, "ping after it");
	} else {
		uint32_t len = strcmp(name, "max-length") == 0
				       ? UINT32_MAX
				       : mmc_test_max_frame + 1;

		send_len(fd, len);
		expect_reply(fd, 0, -EMSGSIZE, name);
		expect_eof(fd, name);
	}
	close(fd);
}

static void hostile_garbage(void)
{
	int fd = hello_fd();
	static const uint8_t junk[] = {0,    0,	   0,	 6,    0xff,
				       0xff, 0xff, 0xff, 0xff, 0xff};

	send_bytes(fd, junk, sizeof(junk));
	expect_reply(fd, 0, -EBADMSG, "not protobuf");
	send_ping(fd, 9);
	expect_reply(fd, 9, 0, "ping after it");
	close(fd);
}

static void hostile_ops(void)
{
	int fd = hello_fd();
	/* Request{id=5, field 1999 (varint) = 1}: an op from the future. */
	static const uint8_t unknown[] = {0,	0,    0,    5,	 0x08,
					  0x05, 0xf8, 0x7c, 0x01};
	Mm__Request rq = MM__REQUEST__INIT;
	Mm__AllocPages ap = MM__ALLOC_PAGES__INIT;
	Mm__Read rd = MM__READ__INIT;
	Mm__Report rp = MM__REPORT__INIT;
	Mm__FreePages fp = MM__FREE_PAGES__INIT;

	rq.id = 4;
	send_msg(fd, &rq.base);
	expect_reply(fd, 4, -EINVAL, "no op");
	send_bytes(fd, unknown, sizeof(unknown));
	expect_reply(fd, 5, -EOPNOTSUPP, "unknown op");

	rq.id = 6;
	rq.op_case = MM__REQUEST__OP_ALLOC_PAGES;
	rq.alloc_pages = &ap;
	ap.order = 99;
	send_msg(fd, &rq.base);
	expect_reply(fd, 6, -EINVAL, "order 99");
	ap.order = 0;
	ap.gfp = __GFP_DMA | __GFP_HIGHMEM;
	rq.id = 7;
	send_msg(fd, &rq.base);
	expect_reply(fd, 7, -EINVAL, "gfp DMA|HIGHMEM");

	rq.id = 8;
	rq.op_case = MM__REQUEST__OP_READ;
	rq.read = &rd;
	rd.len = UINT32_MAX;
	send_msg(fd, &rq.base);
	expect_reply(fd, 8, -EINVAL, "read of 4 GiB");

	rq.id = 9;
	rq.op_case = MM__REQUEST__OP_REPORT;
	rq.report = &rp;
	rp.kind = 77;
	send_msg(fd, &rq.base);
	expect_reply(fd, 9, -EINVAL, "report kind 77");

	rq.id = 10;
	rq.op_case = MM__REQUEST__OP_FREE_PAGES;
	rq.free_pages = &fp;
	fp.pfn = UINT64_MAX;
	send_msg(fd, &rq.base);
	expect_reply(fd, 10, -EINVAL, "free of pfn 2^64-1");

	send_hello(fd, MMC_PROTOCOL_VERSION, 0, 0);
	expect_reply(fd, 1, -EISCONN, "second hello");
	close(fd);
}

static void hostile_hello(void)
{
	int fd = raw_connect();

	send_ping(fd, 3);
	expect_reply(fd, 3, 0, "ping before hello");
	{
		Mm__Request rq = MM__REQUEST__INIT;
		Mm__Pfn p = MM__PFN__INIT;

		rq.id = 4;
		rq.op_case = MM__REQUEST__OP_GET_PAGE;
		rq.get_page = &p;
		send_msg(fd, &rq.base);
		expect_reply(fd, 4, -EPROTO, "op before hello");
	}
	send_hello(fd, MMC_PROTOCOL_VERSION, 9999, 0);
	expect_reply(fd, 1, -EINVAL, "hello on cpu 9999");
	send_hello(fd, MMC_PROTOCOL_VERSION, 0, 5000);
	expect_reply(fd, 1, -EINVAL, "hello with oom_score_adj 5000");
	send_hello(fd, 99, 0, 0);
	expect_reply(fd, 1, -EPROTONOSUPPORT, "protocol version 99");
	expect_eof(fd, "protocol version 99");
	close(fd);
}

/* A frame cut short, then silence (or a hang-up) while others work. */
static void hostile_truncated(bool stall)
{
	int fd = hello_fd();
	static const uint8_t part[] = {0, 0, 0, 100, 0x08, 0x01};

	send_bytes(fd, part, sizeof(part));
	if (!stall)
		close(fd);
	EXPECT(cmd_ping(20) == 0, "others were not served");
	if (stall) {
		/* Still waiting for the rest, and still alive. */
		close(fd);
	}
}

/*
 * Someone else's handles name nothing we may free, take, read or write:
 * frees of another's objects are -EPERM, accesses -EFAULT, another's
 * cache handle -ENOENT (core/uapi.c). The owner's bytes stay intact.
 */
static void hostile_handles(void)
{
	struct mmc *a = connect_as("owner", 0), *b = connect_as("thief", 1);
	unsigned long ps = mmc_info(a)->page_size, pfn = 0;
	uint64_t obj = 0, large = 0, cache = 0, cobj = 0, va = 0, pc = 0;
	uint64_t other = 0, page;
	size_t size = 0;
	char name[32], *text = NULL;
	int err;

	snprintf(name, sizeof(name), "hostile_%d", mmc_pid(a));
	EXPECT_ERR(a, 0, mmc_alloc_pages(a, GFP_KERNEL, 1, &pfn));
	EXPECT_ERR(a, 0, mmc_kmalloc(a, 64, GFP_KERNEL, &obj));
	EXPECT_ERR(a, 0, mmc_kmalloc(a, 10000, GFP_KERNEL, &large));
	EXPECT_ERR(a, 0, mmc_kmem_cache_create(a, name, 48, 0, 0, &cache));
	EXPECT_ERR(a, 0, mmc_kmem_cache_alloc(a, cache, GFP_KERNEL, &cobj));
	EXPECT_ERR(a, 0, mmc_vmalloc(a, 2 * ps, &va));
	EXPECT_ERR(a, 0, mmc_alloc_percpu(a, 32, 8, &pc));
	page = direct_map(a, pfn);
	put_pattern(a, page, 2 * ps, 1, false);
	put_pattern(a, obj, 64, 2, false);
	put_pattern(a, large, 10000, 3, false);
	put_pattern(a, cobj, 48, 4, false);
	put_pattern(a, va, 2 * ps, 5, false);
	put_pattern(a, pc, 32, 6, false);

	/* Pages. */
	err = mmc_free_pages(b, pfn, 1);
	EXPECT(err == -EPERM, "free of another's block: %s", mmc_strerror(err));
	printf("free another's: %s\n", mmc_errmsg(b));
	EXPECT_ERR(b, -EPERM, mmc_get_page(b, pfn));
	EXPECT_ERR(b, -EPERM, mmc_put_page(b, pfn));
	expect_no_access(b, page, 16, -EFAULT, "another's page");
	expect_no_access(b, page + ps, 16, -EFAULT, "another's second page");
	EXPECT_ERR(b, -EINVAL, mmc_kfree(b, page)); /* a page, not kmalloc's */
	EXPECT_ERR(b, -EPERM, mmc_vmap(b, &pfn, 1, &other));
	EXPECT_ERR(b, -EPERM, mmc_kmap(b, pfn, &other));
	EXPECT_ERR(b, -EPERM, mmc_kmap_atomic(b, pfn, &other));

	/* kmalloc objects, small and large. */
	EXPECT_ERR(b, -EPERM, mmc_kfree(b, obj));
	EXPECT_ERR(b, -EPERM, mmc_ksize(b, obj, &size));
	EXPECT_ERR(b, -EPERM, mmc_krealloc(b, obj, 128, GFP_KERNEL, &other));
	expect_no_access(b, obj, 8, -EFAULT, "another's kmalloc object");
	EXPECT_ERR(b, -EPERM, mmc_kfree(b, large));
	EXPECT_ERR(b, -EPERM, mmc_ksize(b, large, &size));
	expect_no_access(b, large, 8, -EFAULT, "another's large kmalloc");

	/* Another's cache is no cache of ours; neither is any guess. */
	EXPECT_ERR(b, -ENOENT,
		   mmc_kmem_cache_alloc(b, cache, GFP_KERNEL, &other));
	EXPECT_ERR(b, -ENOENT, mmc_kmem_cache_free(b, cache, cobj));
	EXPECT_ERR(b, -ENOENT, mmc_kmem_cache_shrink(b, cache));
	EXPECT_ERR(b, -ENOENT, mmc_kmem_cache_destroy(b, cache));
	EXPECT_ERR(b, -EPERM, mmc_kfree(b, cobj));
	expect_no_access(b, cobj, 8, -EFAULT, "another's cache object");
	for (uint64_t id = 0; id < 64; id++)
		EXPECT_ERR(b, -ENOENT,
			   mmc_kmem_cache_alloc(b, id, GFP_KERNEL, &other));

	/* vmalloc and per-CPU areas. */
	EXPECT_ERR(b, -EPERM, mmc_vfree(b, va));
	EXPECT_ERR(b, -EFAULT, mmc_vmalloc_to_pfn(b, va, &pfn));
	expect_no_access(b, va, 8, -EFAULT, "another's vmalloc area");
	EXPECT_ERR(b, -EPERM, mmc_free_percpu(b, pc));
	EXPECT_ERR(b, -EINVAL, mmc_per_cpu_ptr(b, pc, 0, &other));
	expect_no_access(b, pc, 8, -EFAULT, "another's per-CPU area");
	expect_counts(b, 0, 0, "the thief got nothing");

	/* Root is admin here; others would get -EPERM. */
	err = mmc_report_pid(b, MMC_REPORT_STATUS, mmc_pid(a), &text);
	EXPECT(err == (mmc_info(b)->admin ? 0 : -EPERM),
	       "status of another: %s", mmc_strerror(err));
	free(text);

	/* The owner's bytes and handles are as they were. */
	EXPECT_PATTERN(a, page, 2 * ps, 1, "the owner's page");
	EXPECT_PATTERN(a, obj, 64, 2, "the owner's kmalloc object");
	EXPECT_PATTERN(a, large, 10000, 3, "the owner's large kmalloc");
	EXPECT_PATTERN(a, cobj, 48, 4, "the owner's cache object");
	EXPECT_PATTERN(a, va, 2 * ps, 5, "the owner's vmalloc area");
	EXPECT_PATTERN(a, pc, 32, 6, "the owner's per-CPU area");
	EXPECT_ERR(a, 0, mmc_free_pages(a, pfn, 1));
	EXPECT_ERR(a, 0, mmc_kfree(a, obj));
	EXPECT_ERR(a, 0, mmc_kfree(a, large));
	EXPECT_ERR(a, 0, mmc_kmem_cache_free(a, cache, cobj));
	EXPECT_ERR(a, 0, mmc_kmem_cache_destroy(a, cache));
	EXPECT_ERR(a, 0, mmc_vfree(a, va));
	EXPECT_ERR(a, 0, mmc_free_percpu(a, pc));
	expect_counts(a, 0, 0, "the owner freed everything");
	mmc_close(a);
	mmc_close(b);
}

/*
 * Requests without reading replies: the daemon must stop reading from
 * us (our sends block) long before it has buffered without bound; then
 * every reply must still come, in order.
 */
static void hostile_flood(void)
{
	int fd = hello_fd();
	struct frame_buf b;
	size_t sent = 0, total = 0, fs;
	uint64_t id = 200, answered = 0;
	Mm__Ping p = MM__PING__INIT;
	Mm__Request rq = MM__REQUEST__INIT;
	time_t until = time(NULL) + 2;

	frame_buf_init(&b);
	rq.op_case = MM__REQUEST__OP_PING;
	rq.ping = &p;
	for (int i = 0; i < 4096; i++) {
		rq.id = id + (uint64_t)i;
		frame_append(&b, &rq.base, UINT32_MAX);
	}
	fs = b.len / 4096; /* ids 200..4295 all take two bytes */
	/* Send batches until the socket stays full for a while. */
	while (time(NULL) < until) {
		ssize_t n = send(fd, b.data + (sent % b.len),
				 b.len - (sent % b.len),
				 MSG_DONTWAIT | MSG_NOSIGNAL);

		if (n > 0) {
			sent += (size_t)n;
			until = time(NULL) + 2;
		} else {
			usleep(10000);
		}
		EXPECT(sent < (64u << 20), "mmd took 64 MiB without replying");
		if (sent >= (64u << 20))
			break;
	}
	printf("flood: the daemon stopped reading after %zu bytes\n", sent);
	EXPECT(cmd_ping(10) == 0, "others were not served during a flood");
	/* Finish the last frame so that every request is whole. */
	if (sent % fs) {
		size_t rest = fs - sent % fs, off = sent % b.len;

		while (rest) {
			struct pollfd pfd = {fd, POLLIN | POLLOUT, 0};
			ssize_t n = send(fd, b.data + off, rest,
					 MSG_DONTWAIT | MSG_NOSIGNAL);
			Mm__Reply *r;

			if (n > 0) {
				rest -= (size_t)n;
				off += (size_t)n;
				sent += (size_t)n;
				continue;
			}
			poll(&pfd, 1, 100);
			while ((r = recv_reply(fd, 0))) {
				answered++;
				mm__reply__free_unpacked(r, NULL);
			}
		}
	}
	total = sent / fs;
	while (answered < total) {
		Mm__Reply *r = recv_reply(fd, 5000);

		if (!r)
			break;
		EXPECT(r->id == id + answered % 4096 && r->status == 0,
		       "flood reply %llu out of order",
		       (unsigned long long)answered);
		answered++;
		mm__reply__free_unpacked(r, NULL);
		if (failures)
			break;
	}
	EXPECT(answered == total, "flood: %llu of %zu replies came",
	       (unsigned long long)answered, total);
	frame_buf_free(&b);
	close(fd);
}

/* Killed in the middle of a pipeline, holding memory. */
static void hostile_sigkill(void)
{
	int p[2], status;
	pid_t pid;
	char ch;

	if (pipe(p))
		exit(1);
	pid = fork();
	if (pid == 0) {
		struct mmc *c = connect_as("victim", 0);
		unsigned long pfns[64];

		for (int i = 0; i < 32; i++)
			mmc_alloc_pages(c, GFP_KERNEL, 3, &pfns[i]);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		for (;;) {
			mmc_pipeline_begin(c);
			for (int i = 0; i < 64; i++)
				mmc_alloc_pages(c, GFP_KERNEL, 0, &pfns[i]);
			mmc_pipeline_end(c, NULL, 0);
			mmc_pipeline_begin(c);
			for (int i = 0; i < 64; i++)
				mmc_free_pages(c, pfns[i], 0);
			mmc_pipeline_end(c, NULL, 0);
		}
	}
	close(p[1]);
	if (read(p[0], &ch, 1) != 1)
		EXPECT(0, "the victim did not start");
	usleep(50000);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	EXPECT(WIFSIGNALED(status), "the victim was not killed");
	EXPECT(cmd_ping(10) == 0, "others were not served after a SIGKILL");
}

/* Connections past max_clients are turned away, saying why. */
static void hostile_max_clients(int max)
{
	struct mmc *held[64], *extra;
	int err;

	for (int i = 0; i < max && i < 64; i++)
		held[i] = connect_as("crowd", 0);
	err = mmc_connect(sock, NULL, &extra);
	EXPECT(err == -EUSERS, "connection %d: %s (%s)", max + 1,
	       mmc_strerror(err), mmc_errmsg(NULL));
	printf("refused: %s\n", mmc_errmsg(NULL));
	mmc_close(held[0]);
	usleep(100000);
	err = mmc_connect(sock, NULL, &extra);
	EXPECT(err == 0, "after one left: %s", mmc_strerror(err));
	if (!err)
		mmc_close(extra);
	for (int i = 1; i < max && i < 64; i++)
		mmc_close(held[i]);
}

/*
 * Memory is short: a NOFAIL allocation waits until someone frees. Both
 * sessions are out of the OOM killer's reach, or it would end the wait
 * by killing the hog.
 */
static void hostile_park(void)
{
	struct mmc *hog = connect_adj("hog", 0, -1000),
		   *waiter = connect_adj("waiter", 1, -1000);
	static unsigned long pfns[1 << 16];
	unsigned long n = 0, pfn = 0;
	struct timespec t0, t1;
	int err;

	while (n < (1 << 16) &&
	       mmc_alloc_pages(hog, GFP_KERNEL, 0, &pfns[n]) == 0)
		n++;
	printf("hog holds %lu pages\n", n);
	/* With a timeout and reclaim allowed: waits, then -ETIMEDOUT. */
	mmc_set_timeout(waiter, 200);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = mmc_alloc_pages(waiter, GFP_KERNEL, 0, &pfn);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	EXPECT(err == -ETIMEDOUT, "timed wait: %s (%s)", mmc_strerror(err),
	       mmc_errmsg(waiter));
	EXPECT(t1.tv_sec - t0.tv_sec < 3, "the timed wait took too long");
	printf("timed wait: %s\n", mmc_errmsg(waiter));
	/* Without reclaim: fails at once. */
	err = mmc_alloc_pages(waiter, GFP_ATOMIC & ~__GFP_HIGH, 0, &pfn);
	EXPECT(err == -ENOMEM, "no-wait alloc: %s", mmc_strerror(err));
	/* NOFAIL waits for as long as it takes: free in a moment. */
	if (fork() == 0) {
		usleep(300000);
		mmc_free_pages(hog, pfns[--n], 0);
		_exit(0);
	}
	mmc_set_timeout(waiter, 0);
	err = mmc_alloc_pages(waiter, GFP_KERNEL | __GFP_NOFAIL, 0, &pfn);
	EXPECT(err == 0, "nofail: %s (%s)", mmc_strerror(err),
	       mmc_errmsg(waiter));
	wait(NULL);
	mmc_close(waiter);
	mmc_close(hog);
}

static int cmd_hostile(const char *name)
{
	if (!strcmp(name, "zero-length") || !strcmp(name, "max-length") ||
	    !strcmp(name, "over-max"))
		hostile_lengths(name);
	else if (!strcmp(name, "garbage"))
		hostile_garbage();
	else if (!strcmp(name, "ops"))
		hostile_ops();
	else if (!strcmp(name, "hello"))
		hostile_hello();
	else if (!strcmp(name, "truncated-stall"))
		hostile_truncated(true);
	else if (!strcmp(name, "truncated-close"))
		hostile_truncated(false);
	else if (!strcmp(name, "handles"))
		hostile_handles();
	else if (!strcmp(name, "flood"))
		hostile_flood();
	else if (!strcmp(name, "sigkill"))
		hostile_sigkill();
	else if (!strncmp(name, "max-clients=", 12))
		hostile_max_clients(atoi(name + 12));
	else if (!strcmp(name, "park"))
		hostile_park();
	else
		EXPECT(0, "no hostile case '%s'", name);
	return failures ? 1 : 0;
}

/* ---- one family of operations at a time, every value and error exact */

/*
 * A cache with SLAB_POISON | SLAB_RED_ZONE: the slot grows by a red zone
 * on each side and the freelist pointer, a fresh object reads as poison
 * (POISON_FREE, then POISON_END), a client reaches neither red zone, and
 * a free poisons the object again.
 */
static void slab_debug_cache(struct mmc *c)
{
	const char *name = "mmc_test_debug";
	unsigned long want = is_i386(c) ? 112 : 120, active, num, objsize = 0;
	uint64_t cache = 0, obj = 0, again = 0;
	char *text, prefix[40];
	const char *line;

	EXPECT_ERR(c, 0,
		   mmc_kmem_cache_create(c, name, 100, 0,
					 SLAB_POISON | SLAB_RED_ZONE, &cache));
	text = report_text(c, MMC_REPORT_SLABINFO);
	snprintf(prefix, sizeof(prefix), "%s ", name);
	line = text ? find_line(text, prefix) : NULL;
	EXPECT(line &&
		       sscanf(line + strlen(prefix), "%lu %lu %lu", &active,
			      &num, &objsize) == 3 &&
		       objsize == want,
	       "slabinfo objsize of %s is %lu, expected %lu", name, objsize,
	       want);
	free(text);
	EXPECT_ERR(c, 0, mmc_kmem_cache_alloc(c, cache, GFP_KERNEL, &obj));
	EXPECT_FILL(c, obj, 99, 0x6b, "a fresh object: POISON_FREE");
	EXPECT_FILL(c, obj + 99, 1, 0xa5, "its last byte: POISON_END");
	put_pattern(c, obj, 100, 77, false);
	EXPECT_PATTERN(c, obj, 100, 77, "a debug object keeps its bytes");
	expect_no_access(c, obj + 1, 100, -EFAULT, "the right red zone");
	expect_no_access(c, obj - 1, 1, -EFAULT, "the left red zone");
	EXPECT_ERR(c, 0, mmc_kmem_cache_free(c, cache, obj));
	EXPECT_ERR(c, -EINVAL, mmc_kmem_cache_free(c, cache, obj));
	EXPECT_ERR(c, 0, mmc_kmem_cache_alloc(c, cache, GFP_KERNEL, &again));
	EXPECT(again == obj, "the freed object came back: %#llx, not %#llx",
	       (unsigned long long)again, (unsigned long long)obj);
	EXPECT_FILL(c, again, 99, 0x6b, "the free poisoned it again");
	text = report_text(c, MMC_REPORT_DMESG);
	EXPECT(text && !strstr(text, "BUG mmc_test_debug (Not tainted)"),
	       "a clean debug cache reported damage: %s", text ? text : "");
	free(text);
	EXPECT_ERR(c, 0, mmc_kmem_cache_free(c, cache, again));
	EXPECT_ERR(c, 0, mmc_kmem_cache_destroy(c, cache));
}

/*
 * kmem_cache_*: create, alloc, bytes, free, shrink, destroy, with every
 * refusal the slab allocator gives a client.
 */
static void ops_slab(void)
{
	struct mmc *c = connect_as("ops-slab", 0);
	const char *name = "mmc_test_obj";
	uint64_t cache = 0, other = 0, objs[20], kobj = 0, zeroed = 0;
	unsigned long active = 0, num = 0;
	char *text, longname[33];

	EXPECT_ERR(c, 0, mmc_kmem_cache_create(c, name, 100, 8, 0, &cache));
	EXPECT_ERR(c, -EEXIST,
		   mmc_kmem_cache_create(c, name, 64, 0, 0, &other));
	EXPECT_ERR(c, -EEXIST,
		   mmc_kmem_cache_create(c, "kmalloc-64", 64, 0, 0, &other));
	EXPECT_ERR(c, -EINVAL, mmc_kmem_cache_create(c, "", 64, 0, 0, &other));
	/* KMEM_CACHE_NAME_MAX is 32 with its NUL: 31 characters fit. */
	memset(longname, 'n', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	EXPECT_ERR(c, -ENAMETOOLONG,
		   mmc_kmem_cache_create(c, longname, 64, 0, 0, &other));
	longname[31] = '\0';
	EXPECT_ERR(c, 0, mmc_kmem_cache_create(c, longname, 64, 0, 0, &other));
	EXPECT_ERR(c, 0, mmc_kmem_cache_destroy(c, other));
	EXPECT_ERR(c, -EINVAL, mmc_kmem_cache_create(c, "z", 0, 0, 0, &other));
	EXPECT_ERR(c, -EINVAL, mmc_kmem_cache_create(c, "z", 64, 3, 0, &other));
	EXPECT_ERR(c, -EINVAL, mmc_kmem_cache_create(c, "z", 64, 0, 1, &other));

	for (unsigned int i = 0; i < 20; i++) {
		EXPECT_ERR(
			c, 0,
			mmc_kmem_cache_alloc(c, cache, GFP_KERNEL, &objs[i]));
		put_pattern(c, objs[i], 100, i, false);
	}
	expect_disjoint(objs, 20, 100, "cache objects");
	for (unsigned int i = 0; i < 20; i++)
		EXPECT_PATTERN(c, objs[i], 100, i,
			       "each object kept its bytes");
	/* The cache itself counts against the limit, as one object. */
	expect_counts(c, 0, 21, "20 cache objects and their cache");
	/* Bounds: 100 bytes, not one more. */
	expect_no_access(c, objs[3] + 1, 100, -EFAULT, "past an object's end");
	/* Frees must name an object of this cache, at its start. */
	EXPECT_ERR(c, -EINVAL, mmc_kmem_cache_free(c, cache, objs[3] + 4));
	EXPECT_ERR(c, 0, mmc_kmalloc(c, 100, GFP_KERNEL, &kobj));
	EXPECT_ERR(c, -EINVAL, mmc_kmem_cache_free(c, cache, kobj));
	EXPECT_ERR(c, 0, mmc_kfree(c, kobj));
	EXPECT_PATTERN(c, objs[3], 100, 3, "bad frees left the object alone");

	/* After a shrink slabinfo counts exactly the live objects. */
	EXPECT_ERR(c, 0, mmc_kmem_cache_shrink(c, cache));
	EXPECT(slabinfo_objs(c, name, &active, &num) && active == 20 &&
		       num >= 20,
	       "slabinfo %s: %lu active of %lu, expected 20 active", name,
	       active, num);
	EXPECT_ERR(c, -EBUSY, mmc_kmem_cache_destroy(c, cache));
	text = report_text(c, MMC_REPORT_DMESG);
	EXPECT(text && strstr(text, "kmem_cache_destroy mmc_test_obj: Slab "
				    "cache still has objects (20)"),
	       "dmesg does not tell of the busy cache: %s", text ? text : "");
	free(text);
	EXPECT_PATTERN(c, objs[0], 100, 0, "a refused destroy kept objects");

	/* Double free; then __GFP_ZERO gives zeroes, whatever was there. */
	EXPECT_ERR(c, 0, mmc_kmem_cache_free(c, cache, objs[0]));
	EXPECT_ERR(c, -EINVAL, mmc_kmem_cache_free(c, cache, objs[0]));
	EXPECT_ERR(c, 0,
		   mmc_kmem_cache_alloc(c, cache, GFP_KERNEL | __GFP_ZERO,
					&zeroed));
	EXPECT_FILL(c, zeroed, 100, 0, "__GFP_ZERO object");
	objs[0] = zeroed;
	for (unsigned int i = 0; i < 20; i++)
		EXPECT_ERR(c, 0, mmc_kmem_cache_free(c, cache, objs[i]));
	expect_no_access(c, objs[5], 8, -EFAULT, "a freed object");
	EXPECT_ERR(c, 0, mmc_kmem_cache_shrink(c, cache));
	EXPECT(slabinfo_objs(c, name, &active, &num) && active == 0 && num == 0,
	       "slabinfo %s after free and shrink: %lu of %lu", name, active,
	       num);
	EXPECT_ERR(c, 0, mmc_kmem_cache_destroy(c, cache));
	EXPECT(!slabinfo_objs(c, name, &active, &num),
	       "slabinfo still lists %s after destroy", name);
	/* The handle names nothing now; the name is free again. */
	EXPECT_ERR(c, -ENOENT, mmc_kmem_cache_destroy(c, cache));
	EXPECT_ERR(c, -ENOENT, mmc_kmem_cache_shrink(c, cache));
	EXPECT_ERR(c, -ENOENT,
		   mmc_kmem_cache_alloc(c, cache, GFP_KERNEL, &other));
	EXPECT_ERR(c, -ENOENT, mmc_kmem_cache_free(c, cache, objs[1]));
	EXPECT_ERR(c, 0, mmc_kmem_cache_create(c, name, 100, 8, 0, &other));
	EXPECT_ERR(c, 0, mmc_kmem_cache_destroy(c, other));
	slab_debug_cache(c);
	finish(c, "slab");
}

/* kmalloc's size classes as Linux's kmalloc_index picks them; past 8k
 * whole pages, 2^order of them. */
static const struct {
	size_t size, ksize;
} kmalloc_classes[] = {
	{1, 8},	      {8, 8},	     {9, 16},	     {16, 16},	   {17, 32},
	{32, 32},     {33, 64},	     {64, 64},	     {65, 96},	   {96, 96},
	{97, 128},    {128, 128},    {129, 192},     {192, 192},   {193, 256},
	{256, 256},   {257, 512},    {512, 512},     {513, 1024},  {1024, 1024},
	{1025, 2048}, {2048, 2048},  {2049, 4096},   {4096, 4096}, {4097, 8192},
	{8192, 8192}, {8193, 16384}, {16385, 32768},
};
#define NR_KMALLOC_CLASSES                                                     \
	(sizeof(kmalloc_classes) / sizeof(kmalloc_classes[0]))

/* Every size class: ksize, bytes up to ksize and not one past it. */
static void kmalloc_sizes(struct mmc *c)
{
	uint64_t addrs[NR_KMALLOC_CLASSES];
	size_t size;

	for (unsigned int i = 0; i < NR_KMALLOC_CLASSES; i++) {
		addrs[i] = 0;
		size = 0;
		EXPECT_ERR(c, 0,
			   mmc_kmalloc(c, kmalloc_classes[i].size, GFP_KERNEL,
				       &addrs[i]));
		EXPECT_ERR(c, 0, mmc_ksize(c, addrs[i], &size));
		EXPECT(size == kmalloc_classes[i].ksize,
		       "ksize of kmalloc(%zu) is %zu, expected %zu",
		       kmalloc_classes[i].size, size, kmalloc_classes[i].ksize);
		put_pattern(c, addrs[i], kmalloc_classes[i].ksize, 100 + i,
			    false);
		expect_no_access(c, addrs[i] + 1, kmalloc_classes[i].ksize,
				 -EFAULT, "one byte past ksize");
	}
	expect_counts(c, 0, NR_KMALLOC_CLASSES, "one object per class");
	for (unsigned int i = 0; i < NR_KMALLOC_CLASSES; i++) {
		EXPECT_PATTERN(c, addrs[i], kmalloc_classes[i].ksize, 100 + i,
			       "neighbours left each object alone");
		EXPECT_ERR(c, 0, mmc_kfree(c, addrs[i]));
	}
	EXPECT_ERR(c, -EINVAL, mmc_kfree(c, addrs[3]));
	expect_no_access(c, addrs[3], 8, -EFAULT, "a freed object");
}

/* kmalloc(0), kcalloc and its overflow, GFP rules, bad frees. */
/*
 * kmalloc(size, gfp) with __GFP_HIGHMEM or __GFP_DMA32: memory of the
 * direct map (on i386, below 896M, where HighMem begins), bytes that
 * read back, and a kfree that takes it.
 */
static void expect_fixed_up(struct mmc *c, size_t size, gfp_t gfp)
{
	uint64_t a = 0;

	EXPECT_ERR(c, 0, mmc_kmalloc(c, size, gfp, &a));
	EXPECT(!is_i386(c) || a - mmc_info(c)->page_offset < (896u << 20),
	       "kmalloc(%zu, %#x) at %#llx is not low memory", size, gfp,
	       (unsigned long long)a);
	put_pattern(c, a, size, 77, false);
	EXPECT_PATTERN(c, a, size, 77, "a fixed-up kmalloc's bytes");
	EXPECT_ERR(c, 0, mmc_kfree(c, a));
}

static void kmalloc_edges(struct mmc *c)
{
	uint64_t zero = 0, a = 0, b = 0;
	unsigned long pfn = 0;
	size_t size = 99;
	char *text;

	EXPECT_ERR(c, 0, mmc_kmalloc(c, 0, GFP_KERNEL, &zero));
	EXPECT(zero == 16, "kmalloc(0) gave %#llx, not ZERO_SIZE_PTR (16)",
	       (unsigned long long)zero);
	expect_counts(c, 0, 0, "ZERO_SIZE_PTR is no object");
	EXPECT_ERR(c, 0, mmc_ksize(c, zero, &size));
	EXPECT(size == 0, "ksize(ZERO_SIZE_PTR) is %zu", size);
	expect_no_access(c, zero, 1, -EFAULT, "ZERO_SIZE_PTR");
	EXPECT_ERR(c, 0, mmc_kfree(c, zero));
	EXPECT_ERR(c, 0, mmc_kfree(c, 0));

	/* kcalloc zeroes what a kmalloc of the same class left behind. */
	EXPECT_ERR(c, 0, mmc_kmalloc(c, 300, GFP_KERNEL, &a));
	put_pattern(c, a, 300, 7, false);
	EXPECT_ERR(c, 0, mmc_kfree(c, a));
	EXPECT_ERR(c, 0, mmc_kcalloc(c, 10, 30, GFP_KERNEL, &b));
	EXPECT_ERR(c, 0, mmc_ksize(c, b, &size));
	EXPECT(size == 512, "ksize of kcalloc(10, 30) is %zu, not 512", size);
	EXPECT_FILL(c, b, 300, 0, "kcalloc");
	/* An overflowing product is NULL from kmalloc_array: -ENOMEM. */
	EXPECT_ERR(c, -ENOMEM,
		   mmc_kcalloc(c, (size_t)1 << 62, 8, GFP_KERNEL, &a));
	EXPECT_ERR(c, -ENOMEM,
		   mmc_kcalloc(c, SIZE_MAX / 2 + 1, 2, GFP_KERNEL, &a));
	EXPECT_ERR(c, 0, mmc_kcalloc(c, 0, 8, GFP_KERNEL, &a));
	EXPECT(a == 16, "kcalloc(0, 8) gave %#llx", (unsigned long long)a);
	EXPECT_ERR(c, 0, mmc_kfree(c, b));

	/*
	 * kmalloc never gives HighMem or DMA32: as Linux's
	 * kmalloc_fix_flags, it warns and takes the bits away. GFP_DMA
	 * gives ZONE_DMA.
	 */
	expect_fixed_up(c, 64, GFP_HIGHUSER);
	expect_fixed_up(c, 64, GFP_KERNEL | GFP_DMA32);
	expect_fixed_up(c, 20000, GFP_HIGHUSER);
	text = report_text(c, MMC_REPORT_DMESG);
	EXPECT(text && strstr(text, "Unexpected gfp: 0x2 (__GFP_HIGHMEM). "
				    "Fixing up to gfp: 0x"),
	       "dmesg lacks kmalloc_fix_flags' warning");
	free(text);
	EXPECT_ERR(c, 0, mmc_kmalloc(c, 64, GFP_KERNEL | GFP_DMA, &a));
	EXPECT(a - mmc_info(c)->page_offset < (16u << 20),
	       "GFP_DMA kmalloc at %#llx is above 16M", (unsigned long long)a);
	EXPECT_ERR(c, 0, mmc_ksize(c, a, &size));
	EXPECT(size == 64, "ksize of a dma-kmalloc-64 object is %zu", size);

	/* Frees of what kmalloc did not give. */
	EXPECT_ERR(c, -EINVAL, mmc_kfree(c, a + 8));
	EXPECT_ERR(c, -EINVAL, mmc_ksize(c, a + 8, &size));
	EXPECT_ERR(c, 0, mmc_alloc_pages(c, GFP_KERNEL, 0, &pfn));
	EXPECT_ERR(c, -EINVAL, mmc_kfree(c, direct_map(c, pfn)));
	EXPECT_ERR(c, -EINVAL,
		   mmc_krealloc(c, direct_map(c, pfn), 64, GFP_KERNEL, &b));
	EXPECT_ERR(c, 0, mmc_free_pages(c, pfn, 0));
	EXPECT_ERR(c, 0, mmc_kfree(c, a));
	EXPECT_ERR(c, -EINVAL, mmc_kfree(c, a));
}

/* krealloc keeps the bytes, moving only when the object must grow. */
static void kmalloc_krealloc(struct mmc *c)
{
	uint64_t a = 0, b = 0, same = 0, large = 0, zero = 0;
	size_t size = 0;

	EXPECT_ERR(c, 0, mmc_kmalloc(c, 100, GFP_KERNEL, &a));
	put_pattern(c, a, 100, 9, false);
	EXPECT_ERR(c, 0, mmc_krealloc(c, a, 120, GFP_KERNEL, &same));
	EXPECT(same == a, "krealloc within ksize moved %#llx to %#llx",
	       (unsigned long long)a, (unsigned long long)same);
	EXPECT_ERR(c, 0, mmc_krealloc(c, a, 200, GFP_KERNEL, &b));
	EXPECT(b != a, "krealloc past ksize did not move");
	EXPECT_ERR(c, 0, mmc_ksize(c, b, &size));
	EXPECT(size == 256, "ksize after krealloc to 200 is %zu", size);
	EXPECT_PATTERN(c, b, 100, 9, "krealloc kept the bytes");
	expect_no_access(c, a, 8, -EFAULT, "the old object after krealloc");
	EXPECT_ERR(c, -EINVAL, mmc_kfree(c, a));
	expect_counts(c, 0, 1, "krealloc moved one object");

	EXPECT_ERR(c, 0, mmc_krealloc(c, b, 50, GFP_KERNEL, &same));
	EXPECT(same == b, "a shrinking krealloc moved");
	EXPECT_PATTERN(c, b, 100, 9, "a shrinking krealloc kept the bytes");
	EXPECT_ERR(c, 0, mmc_krealloc(c, b, 10000, GFP_KERNEL, &large));
	EXPECT_ERR(c, 0, mmc_ksize(c, large, &size));
	EXPECT(size == 16384, "ksize after krealloc to 10000 is %zu", size);
	EXPECT_PATTERN(c, large, 100, 9, "krealloc to pages kept the bytes");
	EXPECT_ERR(c, 0, mmc_krealloc(c, large, 0, GFP_KERNEL, &zero));
	EXPECT(zero == 16, "krealloc to 0 gave %#llx, not ZERO_SIZE_PTR",
	       (unsigned long long)zero);
	expect_no_access(c, large, 8, -EFAULT, "freed by krealloc to 0");
	expect_counts(c, 0, 0, "krealloc to 0 freed the object");
	EXPECT_ERR(c, 0, mmc_krealloc(c, 0, 64, GFP_KERNEL, &a));
	EXPECT_ERR(c, 0, mmc_ksize(c, a, &size));
	EXPECT(size == 64, "krealloc(NULL, 64) has ksize %zu", size);
	EXPECT_ERR(c, 0, mmc_kfree(c, a));
}

/* kzalloc: zeroes where a freed object of the same class left bytes. */
static void kmalloc_kzalloc(struct mmc *c)
{
	uint64_t a = 0, z = 0;

	EXPECT_ERR(c, 0, mmc_kmalloc(c, 64, GFP_KERNEL, &a));
	put_pattern(c, a, 64, 90, false);
	EXPECT_ERR(c, 0, mmc_kfree(c, a));
	EXPECT_ERR(c, 0, mmc_kzalloc(c, 64, GFP_KERNEL, &z));
	EXPECT_FILL(c, z, 64, 0, "kzalloc(64)");
	EXPECT_ERR(c, 0, mmc_kfree(c, z));
	EXPECT_ERR(c, 0, mmc_kzalloc(c, 0, GFP_KERNEL, &z));
	EXPECT(z == 16, "kzalloc(0) gave %#llx, not ZERO_SIZE_PTR (16)",
	       (unsigned long long)z);
	EXPECT_ERR(c, 0, mmc_kzalloc(c, 64, GFP_HIGHUSER, &z));
	EXPECT_FILL(c, z, 64, 0, "kzalloc(64, GFP_HIGHUSER)");
	EXPECT_ERR(c, 0, mmc_kfree(c, z));
}

static void ops_kmalloc(void)
{
	struct mmc *c = connect_as("ops-kmalloc", 0);

	kmalloc_sizes(c);
	kmalloc_edges(c);
	kmalloc_kzalloc(c);
	kmalloc_krealloc(c);
	finish(c, "kmalloc");
}

/*
 * The line /proc/vmallocinfo shows for an area at start of nr pages (its
 * guard page included), as vmalloc.h documents it.
 */
static void area_line(struct mmc *c, char *buf, size_t len, uint64_t start,
		      unsigned long nr, const char *rest)
{
	uint64_t size = (uint64_t)nr * mmc_info(c)->page_size;

	snprintf(buf, len,
		 is_i386(c) ? "0x%08llx-0x%08llx %7llu %s"
			    : "0x%016llx-0x%016llx %7llu %s",
		 (unsigned long long)start, (unsigned long long)(start + size),
		 (unsigned long long)size, rest);
}

static void expect_vmallocinfo(struct mmc *c, const char *line, bool present)
{
	char *text = report_text(c, MMC_REPORT_VMALLOCINFO);

	EXPECT(text && has_line(text, line) == present,
	       "vmallocinfo %s the line '%s':\n%s",
	       present ? "lacks" : "still has", line, text ? text : "");
	free(text);
}

static void ops_vmalloc(void)
{
	struct mmc *c = connect_as("ops-vmalloc", 0);
	unsigned long ps = mmc_info(c)->page_size;
	uint64_t va = 0, vz = 0, other = 0;
	char rest[64], line_va[160], line_vz[160];

	EXPECT_ERR(c, 0, mmc_vmalloc(c, 3 * ps, &va));
	EXPECT(va % ps == 0, "vmalloc gave %#llx", (unsigned long long)va);
	expect_counts(c, 0, 1, "one vmalloc area (its pages are the kernel's)");
	put_pattern(c, va, 3 * ps, 11, false);
	EXPECT_PATTERN(c, va, 3 * ps, 11, "3 pages of vmalloc");
	EXPECT_SLICE(c, va + ps - 100, 200, 11, ps - 100, "across a page");
	put_pattern(c, va + 2 * ps - 50, 100, 12, false);
	EXPECT_SLICE(c, va + ps, ps - 50, 11, ps, "before a crossing write");
	EXPECT_PATTERN(c, va + 2 * ps - 50, 100, 12, "a crossing write");
	EXPECT_SLICE(c, va + 2 * ps + 50, ps - 50, 11, 2 * ps + 50,
		     "after a crossing write");
	expect_no_access(c, va + 3 * ps, 1, -EFAULT, "the guard page");
	expect_no_access(c, va + 3 * ps - 10, 20, -EFAULT, "across the end");

	EXPECT_ERR(c, 0, mmc_vzalloc(c, 2 * ps + 1, &vz));
	EXPECT_FILL(c, vz, 3 * ps, 0, "vzalloc of 2 pages and a byte");
	expect_no_access(c, vz + 3 * ps, 1, -EFAULT, "vzalloc's guard page");
	snprintf(rest, sizeof(rest), "vmalloc pid=%d pages=3 vmalloc N0=3",
		 mmc_pid(c));
	area_line(c, line_va, sizeof(line_va), va, 4, rest);
	snprintf(rest, sizeof(rest), "vzalloc pid=%d pages=3 vmalloc N0=3",
		 mmc_pid(c));
	area_line(c, line_vz, sizeof(line_vz), vz, 4, rest);
	expect_vmallocinfo(c, line_va, true);
	expect_vmallocinfo(c, line_vz, true);

	EXPECT_ERR(c, -EINVAL, mmc_vmalloc(c, 0, &other));
	EXPECT_ERR(c, -ENOMEM, mmc_vmalloc(c, 1UL << 46, &other));
	EXPECT_ERR(c, -EINVAL, mmc_vfree(c, va + ps));
	EXPECT_ERR(c, -EINVAL, mmc_vunmap(c, va));
	EXPECT_ERR(c, -EINVAL, mmc_iounmap(c, va));
	EXPECT_PATTERN(c, va, ps, 11, "refused frees left the area alone");
	EXPECT_ERR(c, 0, mmc_vfree(c, va));
	EXPECT_ERR(c, -EINVAL, mmc_vfree(c, va));
	expect_no_access(c, va, 1, -EFAULT, "a freed vmalloc area");
	EXPECT_ERR(c, 0, mmc_vfree(c, vz));
	expect_vmallocinfo(c, line_va, false);
	expect_vmallocinfo(c, line_vz, false);
	finish(c, "vmalloc");
}

/* vmap of the session's own frames, in any order, bytes both ways. */
static void ops_vmap(void)
{
	struct mmc *c = connect_as("ops-vmap", 0);
	unsigned long ps = mmc_info(c)->page_size, p[3] = {0}, q = 0;
	unsigned long pfns[3], bad;
	uint64_t va = 0, other = 0;
	char rest[64], line[160];

	for (unsigned int i = 0; i < 3; i++) {
		EXPECT_ERR(c, 0, mmc_alloc_pages(c, GFP_KERNEL, 0, &p[i]));
		put_pattern(c, direct_map(c, p[i]), ps, 20 + i, false);
	}
	EXPECT_ERR(c, 0, mmc_alloc_pages(c, GFP_KERNEL, 1, &q));
	put_pattern(c, direct_map(c, q), 2 * ps, 23, false);
	pfns[0] = p[2];
	pfns[1] = p[0];
	pfns[2] = q + 1; /* any frame of an owned block will do */
	EXPECT_ERR(c, 0, mmc_vmap(c, pfns, 3, &va));
	expect_counts(c, 5, 1, "five pages and one vmap");
	/* A mapped block's last free waits for vunmap. */
	EXPECT_ERR(c, -EBUSY, mmc_free_pages(c, p[2], 0));
	EXPECT_ERR(c, -EBUSY, mmc_free_pages(c, q, 1));
	expect_counts(c, 5, 1, "refused frees kept the pages");
	EXPECT_PATTERN(c, va, ps, 22, "vmap page 0 is p[2]");
	EXPECT_PATTERN(c, va + ps, ps, 20, "vmap page 1 is p[0]");
	EXPECT_SLICE(c, va + 2 * ps, ps, 23, ps, "vmap page 2 is q + 1");
	put_pattern(c, va + ps - 50, 100, 30, false);
	EXPECT_PATTERN(c, direct_map(c, p[2]) + ps - 50, 50, 30,
		       "a write through vmap, seen in p[2]");
	EXPECT_SLICE(c, direct_map(c, p[0]), 50, 30, 50,
		     "a write through vmap, seen in p[0]");
	expect_no_access(c, va + 3 * ps, 1, -EFAULT, "vmap's guard page");
	/* vmalloc_to_pfn walks the kernel page table back to each frame. */
	for (unsigned int i = 0; i < 3; i++) {
		unsigned long back = 0;

		EXPECT_ERR(c, 0, mmc_vmalloc_to_pfn(c, va + i * ps + 7, &back));
		EXPECT(back == pfns[i],
		       "vmalloc_to_pfn of page %u: %#lx, not %#lx", i, back,
		       pfns[i]);
	}
	EXPECT_ERR(c, -EFAULT, mmc_vmalloc_to_pfn(c, va + 3 * ps, &bad));
	snprintf(rest, sizeof(rest), "vmap pid=%d vmap", mmc_pid(c));
	area_line(c, line, sizeof(line), va, 4, rest);
	expect_vmallocinfo(c, line, true);

	/* Only the session's own frames; no frames at all is no vmap. */
	bad = 0;
	EXPECT_ERR(c, -EPERM, mmc_vmap(c, &bad, 1, &other));
	bad = ~0UL >> 12;
	EXPECT_ERR(c, -EINVAL, mmc_vmap(c, &bad, 1, &other));
	EXPECT_ERR(c, -EINVAL, mmc_vmap(c, pfns, 0, &other));
	EXPECT_ERR(c, -EINVAL, mmc_vfree(c, va));
	EXPECT_ERR(c, -EINVAL, mmc_vunmap(c, va + ps));

	EXPECT_ERR(c, 0, mmc_vunmap(c, va));
	EXPECT_ERR(c, -EINVAL, mmc_vunmap(c, va));
	expect_no_access(c, va, 1, -EFAULT, "after vunmap");
	EXPECT_ERR(c, -EFAULT, mmc_vmalloc_to_pfn(c, va, &bad));
	expect_vmallocinfo(c, line, false);
	/* vunmap leaves the frames and their bytes. */
	EXPECT_SLICE(c, direct_map(c, p[0]) + 50, ps - 50, 20, 50,
		     "p[0] after vunmap");
	EXPECT_PATTERN(c, direct_map(c, p[1]), ps, 21, "p[1], never mapped");
	for (unsigned int i = 0; i < 3; i++)
		EXPECT_ERR(c, 0, mmc_free_pages(c, p[i], 0));
	EXPECT_ERR(c, 0, mmc_free_pages(c, q, 1));
	finish(c, "vmap");
}

/* ioremap of [phys, phys + size), one device region: all ones. */
static void ops_ioremap(uint64_t phys, uint64_t size)
{
	struct mmc *c = connect_as("ops-ioremap", 0);
	unsigned long ps = mmc_info(c)->page_size;
	uint64_t io = 0, whole = 0, other = 0;
	char rest[96], line[192];

	EXPECT_ERR(c, 0, mmc_ioremap(c, phys + 0x10, 100, &io));
	EXPECT(io % ps == 0x10, "ioremap lost the offset: %#llx",
	       (unsigned long long)io);
	EXPECT_FILL(c, io, 100, 0xff, "ioremapped device");
	EXPECT_FILL(c, io - 0x10, ps, 0xff, "the whole mapped page");
	put_pattern(c, io, 16, 40, false);
	EXPECT_FILL(c, io, 100, 0xff, "a write to nothing is dropped");
	expect_no_access(c, io - 0x10 + ps, 1, -EFAULT, "past the mapping");
	snprintf(rest, sizeof(rest),
		 is_i386(c) ? "ioremap pid=%d phys=0x%08llx ioremap"
			    : "ioremap pid=%d phys=0x%016llx ioremap",
		 mmc_pid(c), (unsigned long long)phys);
	area_line(c, line, sizeof(line), io - 0x10, 2, rest);
	expect_vmallocinfo(c, line, true);

	EXPECT_ERR(c, 0, mmc_ioremap(c, phys, size, &whole));
	EXPECT_FILL(c, whole + size - 64, 64, 0xff, "the region's last bytes");
	EXPECT_ERR(c, -EINVAL, mmc_ioremap(c, phys, 0, &other));
	EXPECT_ERR(c, -EINVAL,
		   mmc_ioremap(c, phys + size - ps, 2 * ps, &other));
	EXPECT_ERR(c, -EINVAL, mmc_ioremap(c, 16u << 20, ps, &other));
	EXPECT_ERR(c, -EINVAL, mmc_vfree(c, whole));
	EXPECT_ERR(c, -EINVAL, mmc_vunmap(c, whole));
	EXPECT_ERR(c, 0, mmc_iounmap(c, io));
	EXPECT_ERR(c, -EINVAL, mmc_iounmap(c, io));
	expect_no_access(c, io, 1, -EFAULT, "after iounmap");
	expect_vmallocinfo(c, line, false);
	EXPECT_ERR(c, 0, mmc_iounmap(c, whole));
	finish(c, "ioremap");
}

/* alloc_percpu: one zeroed copy per CPU, a unit apart. */
static void ops_percpu(void)
{
	struct mmc *c = connect_as("ops-percpu", 0);
	unsigned int ncpus = mmc_info(c)->nr_cpus;
	unsigned long ps = mmc_info(c)->page_size;
	uint64_t p = 0, q = 0, addr = 0, unit = 0, other = 0;

	EXPECT(ncpus >= 2, "per-CPU checks need two CPUs, the layout has %u",
	       ncpus);
	EXPECT_ERR(c, 0, mmc_alloc_percpu(c, 64, 8, &p));
	EXPECT_ERR(c, 0, mmc_per_cpu_ptr(c, p, 0, &addr));
	EXPECT(addr == p, "per_cpu_ptr(p, 0) is %#llx, p is %#llx",
	       (unsigned long long)addr, (unsigned long long)p);
	EXPECT_ERR(c, 0, mmc_per_cpu_ptr(c, p, 1, &addr));
	unit = addr - p;
	EXPECT(addr > p && unit >= 64 && unit % ps == 0,
	       "CPU 1's copy at %#llx, CPU 0's at %#llx",
	       (unsigned long long)addr, (unsigned long long)p);
	for (unsigned int cpu = 0; cpu < ncpus; cpu++) {
		EXPECT_ERR(c, 0, mmc_per_cpu_ptr(c, p, cpu, &addr));
		EXPECT(addr == p + cpu * unit, "CPU %u's copy at %#llx", cpu,
		       (unsigned long long)addr);
		EXPECT_FILL(c, addr, 64, 0, "a fresh per-CPU copy");
		put_pattern(c, addr, 64, 50 + cpu, false);
	}
	for (unsigned int cpu = 0; cpu < ncpus; cpu++)
		EXPECT_PATTERN(c, p + cpu * unit, 64, 50 + cpu,
			       "each CPU's copy kept its own bytes");
	EXPECT_ERR(c, 0, mmc_per_cpu_ptr(c, p + 8, 1, &addr));
	EXPECT(addr == p + unit + 8, "per_cpu_ptr(p + 8, 1) is %#llx",
	       (unsigned long long)addr);
	EXPECT_ERR(c, -EINVAL, mmc_per_cpu_ptr(c, p, ncpus, &addr));
	expect_no_access(c, p + 60, 8, -EFAULT, "past a per-CPU allocation");

	EXPECT_ERR(c, 0, mmc_alloc_percpu(c, 24, 64, &q));
	EXPECT(q % 64 == 0 && (q >= p + 64 || q + 24 <= p),
	       "alloc_percpu(24, 64) at %#llx, p at %#llx",
	       (unsigned long long)q, (unsigned long long)p);
	EXPECT_ERR(c, -EINVAL, mmc_alloc_percpu(c, 0, 8, &other));
	EXPECT_ERR(c, -EINVAL, mmc_alloc_percpu(c, 64, 3, &other));
	EXPECT_ERR(c, -EINVAL, mmc_alloc_percpu(c, 64, 2 * ps, &other));
	EXPECT_ERR(c, -EINVAL, mmc_alloc_percpu(c, 1UL << 30, 8, &other));
	expect_counts(c, 0, 2, "two per-CPU allocations");

	EXPECT_ERR(c, -EINVAL, mmc_free_percpu(c, q + 4));
	EXPECT_ERR(c, 0, mmc_free_percpu(c, p));
	EXPECT_ERR(c, -EINVAL, mmc_free_percpu(c, p));
	EXPECT_ERR(c, -EINVAL, mmc_per_cpu_ptr(c, p, 0, &addr));
	expect_no_access(c, p, 8, -EFAULT, "a freed per-CPU allocation");
	EXPECT_ERR(c, 0, mmc_free_percpu(c, q));
	finish(c, "percpu");
}

/* The kernel log has a line holding needle (or not). */
static void expect_dmesg(struct mmc *c, const char *needle, bool present)
{
	char *text = report_text(c, MMC_REPORT_DMESG);

	EXPECT(text && (strstr(text, needle) != NULL) == present,
	       "dmesg %s '%s':\n%s", present ? "lacks" : "has", needle,
	       text ? text : "");
	free(text);
}

/*
 * Execution context over the wire: atomic sections, a sleeping call in
 * one, an interrupt batch that leaks a get_cpu_var, static per-CPU
 * variables, and a process that goes while atomic.
 */
static void ops_context(void)
{
	struct mmc *c = connect_as("ops-context", 0), *d;
	uint64_t addr = 0, v = 0, flags = 1, inner = 1, leaked = 9;
	char *text;
	char line[64];

	EXPECT_ERR(c, 0, mmc_preempt_disable(c));
	EXPECT_ERR(c, 0, mmc_kmalloc(c, 64, GFP_KERNEL, &addr));
	snprintf(line, sizeof(line), "pid: %d, name: ops-context", mmc_pid(c));
	expect_dmesg(c, line, true);
	expect_dmesg(c,
		     "BUG: sleeping function called from invalid context "
		     "at core/slub.c:",
		     true);
	text = report_text(c, MMC_REPORT_PREEMPT);
	snprintf(line, sizeof(line), "%7d 0x00000001       1", mmc_pid(c));
	EXPECT(text && strstr(text, line) && strstr(text, "atomic"),
	       "preempt lacks '%s':\n%s", line, text ? text : "");
	free(text);
	EXPECT_ERR(c, 0, mmc_preempt_enable(c));
	EXPECT_ERR(c, -EINVAL, mmc_preempt_enable(c));
	EXPECT_ERR(c, 0, mmc_kfree(c, addr));

	EXPECT_ERR(c, 0, mmc_local_irq_save(c, &flags));
	EXPECT(flags == 0x200, "local_irq_save gave %#llx",
	       (unsigned long long)flags);
	EXPECT_ERR(c, 0, mmc_local_irq_save(c, &inner));
	EXPECT(inner == 0, "a nested local_irq_save gave %#llx",
	       (unsigned long long)inner);
	EXPECT_ERR(c, -EINVAL, mmc_local_irq_restore(c, 5));
	EXPECT_ERR(c, -EINVAL, mmc_irq_enter(c, 0));
	EXPECT_ERR(c, 0, mmc_local_irq_restore(c, inner));
	EXPECT_ERR(c, 0, mmc_local_irq_restore(c, flags));
	EXPECT_ERR(c, -EINVAL, mmc_local_irq_restore(c, flags));
	EXPECT_ERR(c, -EINVAL, mmc_spin_unlock(c));
	EXPECT_ERR(c, -EINVAL, mmc_local_bh_enable(c));
	EXPECT_ERR(c, 0, mmc_spin_lock_bh(c));
	EXPECT_ERR(c, -EINVAL, mmc_preempt_enable(c));
	EXPECT_ERR(c, 0, mmc_spin_unlock_bh(c));

	/* Per-CPU variables: the kernel's and one of our own. */
	EXPECT_ERR(c, 0, mmc_per_cpu_read(c, "cpu_number", 1, &v));
	EXPECT(v == 1, "per_cpu(cpu_number, 1) is %llu", (unsigned long long)v);
	EXPECT_ERR(c, -EPERM, mmc_per_cpu_write(c, "cpu_number", 1, 7));
	EXPECT_ERR(c, -ENOENT, mmc_this_cpu_read(c, "no_such_var", &v));
	EXPECT_ERR(c, -EINVAL, mmc_define_per_cpu(c, "9bad", 4, &addr));
	EXPECT_ERR(c, -EINVAL, mmc_define_per_cpu(c, "zero", 0, &addr));
	EXPECT_ERR(c, 0, mmc_define_per_cpu(c, "ops_hits", 4, &addr));
	EXPECT_ERR(c, -EEXIST, mmc_define_per_cpu(c, "ops_hits", 4, &addr));
	expect_counts(c, 0, 1, "ops_hits is one of its objects");
	EXPECT_ERR(c, 0, mmc_this_cpu_inc(c, "ops_hits"));
	EXPECT_ERR(c, 0, mmc_this_cpu_add(c, "ops_hits", 41));
	EXPECT_ERR(c, 0, mmc_this_cpu_read(c, "ops_hits", &v));
	EXPECT(v == 42, "this_cpu_read(ops_hits) is %llu",
	       (unsigned long long)v);
	EXPECT_ERR(c, 0, mmc_per_cpu_write(c, "ops_hits", 1, 0x1ffffffffULL));
	EXPECT_ERR(c, 0, mmc_per_cpu_read(c, "ops_hits", 1, &v));
	EXPECT(v == 0xffffffffULL, "a 4-byte per_cpu kept %#llx",
	       (unsigned long long)v);
	EXPECT_ERR(c, -EINVAL, mmc_put_cpu_var(c, "ops_hits"));
	text = report_text(c, MMC_REPORT_PERCPU);
	snprintf(line, sizeof(line),
		 "ops_hits                      4 reserved");
	EXPECT(text && strstr(text, line) && strstr(text, "cpu_number"),
	       "percpu lacks ops_hits:\n%s", text ? text : "");
	free(text);

	/* A hardirq batch on CPU 1 that leaves a get_cpu_var behind. */
	EXPECT_ERR(c, 0, mmc_irq_enter(c, 1));
	EXPECT_ERR(c, -EINVAL, mmc_softirq_enter(c, 1));
	EXPECT_ERR(c, 0, mmc_this_cpu_read(c, "cpu_number", &v));
	EXPECT(v == 1, "cpu_number in a batch on CPU 1 is %llu",
	       (unsigned long long)v);
	EXPECT_ERR(c, 0, mmc_get_cpu_var(c, "ops_hits", &addr));
	EXPECT_ERR(c, -EINVAL, mmc_softirq_exit(c, &leaked));
	EXPECT_ERR(c, 0, mmc_irq_exit(c, &leaked));
	EXPECT(leaked == 1, "the batch leaked %llu",
	       (unsigned long long)leaked);
	expect_dmesg(c,
		     "1 get_cpu_var() without put_cpu_var() at the end of "
		     "the hardirq on cpu 1",
		     true);
	EXPECT_ERR(c, -EINVAL, mmc_irq_exit(c, &leaked));
	EXPECT_ERR(c, 0, mmc_this_cpu_read(c, "cpu_number", &v));
	EXPECT(v == 0, "after the batch cpu_number is %llu",
	       (unsigned long long)v);

	/* A process that goes inside a section is reported. */
	d = connect_as("ops-atomic", 0);
	EXPECT_ERR(d, 0, mmc_spin_lock(d));
	snprintf(line, sizeof(line),
		 "BUG: scheduling while atomic: ops-atomic/%d/0x00000001",
		 mmc_pid(d));
	mmc_close(d);
	expect_dmesg(c, line, true);
	text = report_text(c, MMC_REPORT_GFP_CONTEXT);
	EXPECT(text && strstr(text, "hardirq              no        yes"),
	       "gfp-context:\n%s", text ? text : "");
	free(text);
	/* ops_hits stays until the process exits: one object still. */
	expect_counts(c, 0, 1, "context");
	expect_machine_clean(c, "context");
	mmc_close(c);
}

/* The walk to addr in the session's own process. */
static char *own_walk(struct mmc *c, uint64_t addr)
{
	char *text = NULL;

	EXPECT_ERR(c, 0,
		   mmc_report_at(c, MMC_REPORT_PAGEWALK, 0, 0, addr, &text));
	return text;
}

static unsigned long vmalloc_faults(struct mmc *c);

/*
 * i386's vmalloc fault over the wire, on a machine whose vmalloc area
 * has no PTE table yet: a process made before the first vmalloc has
 * an empty PDE there (pagewalk: not present); its first access to its
 * area copies swapper_pg_dir's entry (one mm_vmalloc_fault, a log
 * line), a second access does not fault again, and another session's
 * refused access to the area syncs nothing.
 */
static void ops_vmalloc_fault(void)
{
	struct mmc *c = connect_as("ops-vfault", 0);
	struct mmc *d = connect_as("ops-vfault-other", 0);
	unsigned long before = vmalloc_faults(c);
	uint64_t a = 0;
	uint8_t buf[6] = {0};
	char *walk;
	char line[96];

	EXPECT_ERR(c, 0, mmc_vmalloc(c, 4096, &a));
	walk = own_walk(c, a);
	EXPECT(walk &&
		       strstr(walk,
			      "PGD:\tindex 994  entry 000000000000000000") &&
		       strstr(walk, "Frame:\tnone (not present)"),
	       "before the access:\n%s", walk ? walk : "");
	free(walk);
	EXPECT_ERR(d, -EFAULT, mmc_read(d, a, buf, 1));
	EXPECT(vmalloc_faults(c) == before, "a refused access faulted: %lu",
	       vmalloc_faults(c) - before);
	EXPECT_ERR(c, 0, mmc_write(c, a + 8, "hello", 6));
	EXPECT(vmalloc_faults(c) == before + 1, "the first access: %lu faults",
	       vmalloc_faults(c) - before);
	walk = own_walk(c, a);
	EXPECT(walk && strstr(walk, "Frame:\tpfn "), "after the access:\n%s",
	       walk ? walk : "");
	free(walk);
	EXPECT_ERR(c, 0, mmc_read(c, a + 8, buf, 6));
	EXPECT(!memcmp(buf, "hello", 6), "read back '%.6s'", (char *)buf);
	EXPECT(vmalloc_faults(c) == before + 1, "a second access: %lu faults",
	       vmalloc_faults(c) - before);
	snprintf(line, sizeof(line),
		 "vmalloc_fault: pid %d at %#llx: PGD entry 994 copied",
		 mmc_pid(c), (unsigned long long)(a + 8));
	expect_dmesg(c, line, true);
	walk = own_walk(d, a);
	EXPECT(walk && strstr(walk, "not present"),
	       "the other process's walk:\n%s", walk ? walk : "");
	free(walk);
	EXPECT_ERR(c, 0, mmc_vfree(c, a));
	mmc_close(d);
	finish(c, "vmalloc-fault");
}

/*
 * The media-mem text has (or no longer has) the MMB line of this block:
 * its kvirt depends on where lowmem ends, the rest is exact.
 */
static void expect_mmb(struct mmc *c, uint64_t phys, uint64_t size,
		       const char *name, bool present)
{
	char *text = report_text(c, MMC_REPORT_MEDIA_MEM), head[96], tail[96],
	     line[256] = "";
	const char *p;

	snprintf(head, sizeof(head),
		 "   |-MMB: phys(0x%08llX, 0x%08llX), kvirt=0x",
		 (unsigned long long)phys,
		 (unsigned long long)(phys + size - 1));
	snprintf(tail, sizeof(tail),
		 ", flags=0x00000000, length=%lluKB,    name=\"%s\" owner=%d",
		 (unsigned long long)(size >> 10), name, mmc_pid(c));
	p = text ? find_line(text, head) : NULL;
	if (p)
		sscanf(p, "%255[^\n]", line);
	EXPECT((p && strlen(line) == strlen(head) + 8 + strlen(tail) &&
		strcmp(line + strlen(head) + 8, tail) == 0) == present,
	       "media-mem %s the block %s at %#llx:\n%s",
	       present ? "lacks" : "still has", name, (unsigned long long)phys,
	       text ? text : "");
	free(text);
}

/* Media memory zones: zone is a region of the layout at [start, +size). */
/*
 * /dev/mmz_userdev over the wire: a block allocated by ioctl, mapped,
 * written through the mapping and read back by its physical address;
 * another session's descriptor numbers name nothing.
 */
static void ops_mmz_userdev(struct mmc *c, struct mmc *b, const char *zone)
{
	struct mmc_mmb_alloc a;
	struct mmc_fault f;
	uint64_t addr = 0;
	char back[8] = {0};
	int fd = -1;

	memset(&a, 0, sizeof(a));
	a.size = 8192;
	snprintf(a.mmz_name, sizeof(a.mmz_name), "%s", zone);
	strcpy(a.mmb_name, "userdev");
	EXPECT_ERR(c, 0, mmc_open(c, 0, "/dev/mmz_userdev", O_RDWR, 0, &fd));
	EXPECT_ERR(c, 0, mmc_ioctl(c, 0, fd, MMC_IOC_MMB_ALLOC, &a, sizeof(a)));
	EXPECT(a.phys != 0, "IOC_MMB_ALLOC gave no address");
	EXPECT_ERR(c, -ENOTTY, mmc_ioctl(c, 0, fd, 0x6d00, &a, sizeof(a)));
	EXPECT_ERR(b, -EBADF,
		   mmc_ioctl(b, 0, fd, MMC_IOC_MMB_ALLOC, &a, sizeof(a)));
	EXPECT_ERR(c, 0,
		   mmc_sys_mmap(c, 0, 0, 8192, PROT_READ | PROT_WRITE,
				MAP_SHARED, fd, (int64_t)a.phys, &addr));
	EXPECT_ERR(c, 0, mmc_write_vm(c, 0, addr + 4096, "mmzdev", 7, &f));
	EXPECT_ERR(c, 0, mmc_read_phys(c, a.phys + 4096, back, 7));
	EXPECT(!strcmp(back, "mmzdev"), "the block holds '%s'", back);
	EXPECT_ERR(
		c, -EBUSY,
		mmc_ioctl(c, 0, fd, MMC_IOC_MMB_FREE, &a.phys, sizeof(a.phys)));
	EXPECT_ERR(c, 0, mmc_munmap(c, 0, addr, 8192));
	EXPECT_ERR(
		c, 0,
		mmc_ioctl(c, 0, fd, MMC_IOC_MMB_FREE, &a.phys, sizeof(a.phys)));
	EXPECT_ERR(c, 0, mmc_sys_close(c, 0, fd));
}

static void ops_mmz(const char *zone, uint64_t start, uint64_t size)
{
	struct mmc *c = connect_as("ops-mmz", 0),
		   *b = connect_as("ops-mmz-b", 1);
	unsigned long ps = mmc_info(c)->page_size;
	uint64_t pa = 0, pb = 0, fill = 0, found = 0, fsize = 0, other = 0,
		 used;
	char name[41], zline[160], *text;

	EXPECT_ERR(c, 0, mmc_mmz_alloc(c, zone, "mmc-test-a", 10000, 0, &pa));
	EXPECT(pa >= start && pa + 3 * ps <= start + size && pa % ps == 0,
	       "block of zone %s at %#llx", zone, (unsigned long long)pa);
	EXPECT_ERR(c, 0, mmc_mmz_find(c, "mmc-test-a", &found, &fsize));
	EXPECT(found == pa && fsize == 3 * ps,
	       "mmz_find: %#llx, %llu bytes; expected %#llx, %lu",
	       (unsigned long long)found, (unsigned long long)fsize,
	       (unsigned long long)pa, 3 * ps);
	put_pattern(c, pa, 3 * ps, 60, true);
	expect_bytes(c, pa, 3 * ps, 60, 0, 0, true, "an MMZ block");
	EXPECT_ERR(c, -EFAULT, mmc_read_phys(c, pa + 3 * ps - 8, name, 16));
	EXPECT_ERR(c, -EFAULT, mmc_write_phys(c, pa + 3 * ps, name, 1));
	EXPECT_ERR(c, -EFAULT, mmc_read(c, pa, name, 8)); /* not virtual */

	EXPECT_ERR(c, 0,
		   mmc_mmz_alloc(c, "", "mmc-test-b", 8192, 1 << 20, &pb));
	EXPECT(pb % (1 << 20) == 0, "a 1M-aligned block at %#llx",
	       (unsigned long long)pb);
	expect_counts(c, 0, 2, "two MMZ blocks");
	/* The zone holds a's three pages, and b's two if b landed in it. */
	used = 3 * ps + (pb >= start && pb < start + size ? 2 * ps : 0);
	snprintf(zline, sizeof(zline),
		 "+---ZONE: PHYS(0x%08llX, 0x%08llX), GFP=0, nBYTES=%lluKB,    "
		 "NAME=\"%s\" USED=%lluKB",
		 (unsigned long long)start,
		 (unsigned long long)(start + size - 1),
		 (unsigned long long)(size >> 10), zone,
		 (unsigned long long)(used >> 10));
	text = report_text(c, MMC_REPORT_MEDIA_MEM);
	EXPECT(text && has_line(text, zline) &&
		       strstr(text, "block_number=2\n"),
	       "media-mem lacks '%s' or block_number=2:\n%s", zline,
	       text ? text : "");
	free(text);
	expect_mmb(c, pa, 3 * ps, "mmc-test-a", true);
	expect_mmb(c, pb, 2 * ps, "mmc-test-b", true);

	/* Refusals, each exact. */
	EXPECT_ERR(c, -EINVAL,
		   mmc_mmz_alloc(c, zone, "big", size + ps, 0, &other));
	EXPECT_ERR(c, -EINVAL,
		   mmc_mmz_alloc(c, "", "huge", 1ULL << 40, 0, &other));
	memset(name, 'm', 40);
	name[40] = '\0';
	EXPECT_ERR(c, -ENAMETOOLONG,
		   mmc_mmz_alloc(c, zone, name, ps, 0, &other));
	EXPECT_ERR(c, -ENAMETOOLONG, mmc_mmz_find(c, name, &found, &fsize));
	name[31] = '\0';
	EXPECT_ERR(c, 0, mmc_mmz_alloc(c, zone, name, ps, 0, &other));
	EXPECT_ERR(c, 0, mmc_mmz_free(c, other));
	EXPECT_ERR(c, -ENOENT, mmc_mmz_alloc(c, "nosuch", "x", ps, 0, &other));
	EXPECT_ERR(c, -EINVAL, mmc_mmz_alloc(c, zone, "x", 0, 0, &other));
	EXPECT_ERR(c, -EINVAL, mmc_mmz_alloc(c, zone, "x", ps, 3 * ps, &other));
	EXPECT_ERR(c, -ENOENT,
		   mmc_mmz_find(c, "no-such-block", &found, &fsize));
	EXPECT_ERR(c, -EINVAL, mmc_mmz_free(c, pa + ps));

	/* Another session may find the block by name, and nothing more. */
	EXPECT_ERR(b, 0, mmc_mmz_find(b, "mmc-test-a", &found, &fsize));
	EXPECT(found == pa, "another session found %#llx",
	       (unsigned long long)found);
	EXPECT_ERR(b, -EFAULT, mmc_read_phys(b, pa, name, 8));
	EXPECT_ERR(b, -EFAULT, mmc_write_phys(b, pa, name, 8));
	EXPECT_ERR(b, -EPERM, mmc_mmz_free(b, pa));
	expect_bytes(c, pa, 3 * ps, 60, 0, 0, true, "after another's tries");

	/* The rest of the zone fits exactly; then it is full. */
	EXPECT_ERR(c, 0,
		   mmc_mmz_alloc(c, zone, "fill", size - 3 * ps, 0, &fill));
	EXPECT_ERR(c, -ENOMEM, mmc_mmz_alloc(c, zone, "more", ps, 0, &other));
	EXPECT_ERR(c, 0, mmc_mmz_free(c, fill));

	EXPECT_ERR(c, 0, mmc_mmz_free(c, pa));
	EXPECT_ERR(c, -EINVAL, mmc_mmz_free(c, pa));
	EXPECT_ERR(c, -ENOENT, mmc_mmz_find(c, "mmc-test-a", &found, &fsize));
	EXPECT_ERR(c, -EFAULT, mmc_read_phys(c, pa, name, 8));
	expect_mmb(c, pa, 3 * ps, "mmc-test-a", false);
	EXPECT_ERR(c, 0, mmc_mmz_free(c, pb));
	text = report_text(c, MMC_REPORT_MEDIA_MEM);
	EXPECT(text && strstr(text, ",block_number=0\n"),
	       "media-mem after every free:\n%s", text ? text : "");
	free(text);
	ops_mmz_userdev(c, b, zone);
	finish(b, "mmz, the other session");
	finish(c, "mmz");
}

/* Every report kind answers in its kernel format. */
/*
 * A report read piece by piece: the parts, joined, are the whole (the
 * machine holds still meanwhile: nothing else runs in this session);
 * an offset at the end gives nothing more, one past it -EINVAL.
 */
static void expect_report_parts(struct mmc *c)
{
	char *whole = NULL, *part = NULL;
	uint64_t more = 0, at = 0;
	size_t len;

	EXPECT_ERR(c, 0, mmc_report(c, MMC_REPORT_BUDDYINFO, &whole));
	len = whole ? strlen(whole) : 0;
	EXPECT_ERR(
		c, 0,
		mmc_report_part(c, MMC_REPORT_BUDDYINFO, 0, 0, &part, &more));
	EXPECT(part && more == 0 && strcmp(part, whole ? whole : "") == 0,
	       "buddyinfo in one part: %llu more", (unsigned long long)more);
	free(part);
	at = len > 10 ? len - 10 : 0;
	EXPECT_ERR(
		c, 0,
		mmc_report_part(c, MMC_REPORT_BUDDYINFO, 0, at, &part, &more));
	EXPECT(part && whole && strcmp(part, whole + at) == 0 && more == 0,
	       "buddyinfo from byte %llu: '%s'", (unsigned long long)at,
	       part ? part : "");
	free(part);
	EXPECT_ERR(
		c, 0,
		mmc_report_part(c, MMC_REPORT_BUDDYINFO, 0, len, &part, &more));
	EXPECT(part && part[0] == '\0' && more == 0,
	       "buddyinfo from its end: '%s'", part ? part : "");
	free(part);
	EXPECT_ERR(c, -EINVAL,
		   mmc_report_part(c, MMC_REPORT_BUDDYINFO, 0, len + 1, &part,
				   &more));
	EXPECT_ERR(c, -EINVAL,
		   mmc_report_part(c, MMC_REPORT_BUDDYINFO, 0, UINT64_MAX,
				   &part, &more));
	free(whole);
}

static void ops_reports(void)
{
	struct mmc *c = connect_as("ops-reports", 0),
		   *other = connect_as("ops-other", 1);
	unsigned int max_order = mmc_info(c)->max_order;
	unsigned long ps_kb = mmc_info(c)->page_size >> 10;
	char *text, *vmstat, want[64];
	const char *line;
	unsigned long memfree = 0, nr_free = 0;
	uint64_t va = 0;
	int lines = 0;

	text = report_text(c, MMC_REPORT_MEMINFO);
	vmstat = report_text(c, MMC_REPORT_VMSTAT);
	EXPECT(text && strncmp(text, "MemTotal:", 9) == 0,
	       "meminfo starts: %.40s", text ? text : "");
	line = text ? find_line(text, "MemFree:") : NULL;
	EXPECT(line && sscanf(line, "MemFree: %lu kB", &memfree) == 1,
	       "meminfo has no MemFree");
	EXPECT(vmstat && sscanf(vmstat, "nr_free_pages %lu", &nr_free) == 1,
	       "vmstat starts: %.40s", vmstat ? vmstat : "");
	EXPECT(memfree == nr_free * ps_kb,
	       "MemFree %lu kB, but nr_free_pages %lu", memfree, nr_free);
	free(text);
	free(vmstat);

	text = report_text(c, MMC_REPORT_BUDDYINFO);
	for (const char *p = text; p && *p; lines++) {
		unsigned long n;
		int used = 0, counts = 0;
		char zname[16];

		EXPECT(sscanf(p, "Node 0, zone %15s%n", zname, &used) == 1,
		       "buddyinfo line: %.60s", p);
		for (p += used; sscanf(p, " %lu%n", &n, &used) == 1; p += used)
			counts++;
		EXPECT(counts == (int)max_order + 1,
		       "buddyinfo zone %s: %d counts, not %u", zname, counts,
		       max_order + 1);
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
		if (failures)
			break;
	}
	EXPECT(lines >= 1, "buddyinfo is empty");
	free(text);

	text = report_text(c, MMC_REPORT_ZONEINFO);
	EXPECT(text && strncmp(text, "Node 0, zone      DMA\n", 22) == 0,
	       "zoneinfo starts: %.40s", text ? text : "");
	free(text);
	text = report_text(c, MMC_REPORT_SLABINFO);
	EXPECT(text && strncmp(text, "slabinfo - version: 2.1\n# name ", 31) ==
			       0,
	       "slabinfo starts: %.60s", text ? text : "");
	EXPECT(text && find_line(text, "kmalloc-64 "), "no kmalloc-64 line");
	free(text);
	EXPECT_ERR(c, 0, mmc_vmalloc(c, 1, &va));
	text = report_text(c, MMC_REPORT_VMALLOCINFO);
	EXPECT(text && strstr(text, " vmalloc"), "vmallocinfo: %s",
	       text ? text : "");
	free(text);
	EXPECT_ERR(c, 0, mmc_vfree(c, va));
	text = report_text(c, MMC_REPORT_MEDIA_MEM);
	EXPECT(text && find_line(text, "---MMZ_USE_INFO:"), "media-mem: %s",
	       text ? text : "");
	free(text);
	text = report_text(c, MMC_REPORT_DMESG);
	free(text);

	snprintf(want, sizeof(want), "Name:\tops-reports\nPid:\t%d\n",
		 mmc_pid(c));
	text = report_text(c, MMC_REPORT_STATUS);
	EXPECT(text && strncmp(text, want, strlen(want)) == 0,
	       "status starts: %.60s", text ? text : "");
	free(text);
	/* Another pid's status is for admins (the tests run as root). */
	snprintf(want, sizeof(want), "Name:\tops-other\nPid:\t%d\n",
		 mmc_pid(other));
	text = NULL;
	EXPECT_ERR(c, 0,
		   mmc_report_pid(c, MMC_REPORT_STATUS, mmc_pid(other), &text));
	EXPECT(text && strncmp(text, want, strlen(want)) == 0,
	       "another's status starts: %.60s", text ? text : "");
	free(text);
	EXPECT_ERR(c, -ESRCH,
		   mmc_report_pid(c, MMC_REPORT_STATUS, 99999, &text));
	EXPECT_ERR(c, -ESRCH, mmc_report_pid(c, MMC_REPORT_STATUS, -5, &text));
	EXPECT_ERR(c, -EINVAL, mmc_report(c, (enum mmc_report)77, &text));
	EXPECT_ERR(c, -EINVAL, mmc_report(c, (enum mmc_report)0, &text));
	expect_report_parts(c);
	finish(other, "reports, the other session");
	finish(c, "reports");
}

/* A page of HighMem the session owns; its pfn lies at or above high. */
static unsigned long high_page(struct mmc *c, uint64_t high)
{
	unsigned long pfn = 0;

	EXPECT_ERR(c, 0, mmc_alloc_pages(c, GFP_HIGHUSER, 0, &pfn));
	EXPECT((uint64_t)pfn * mmc_info(c)->page_size >= high,
	       "GFP_HIGHUSER gave pfn %#lx, below HighMem at %#llx", pfn,
	       (unsigned long long)high);
	return pfn;
}

/* kmap and kunmap of high and low pages; HighMem starts at high. */
static void ops_kmap(uint64_t high)
{
	struct mmc *a = connect_as("ops-kmap", 0),
		   *b = connect_as("ops-kmap-b", 1);
	unsigned long ps = mmc_info(a)->page_size, hp, lp = 0;
	uint64_t k1 = 0, again = 0, k2 = 0, v = 0, low = 0, other = 0;

	hp = high_page(a, high);
	EXPECT_ERR(a, 0, mmc_alloc_pages(a, GFP_KERNEL, 0, &lp));
	EXPECT_ERR(a, 0, mmc_kmap(a, hp, &k1));
	EXPECT(k1 % ps == 0 && k1 >= mmc_info(a)->page_offset + high &&
		       k1 < (1ULL << 32),
	       "kmap of a high page at %#llx", (unsigned long long)k1);
	EXPECT_ERR(a, 0, mmc_kmap(a, hp, &again));
	EXPECT(again == k1, "a second kmap moved the page: %#llx, %#llx",
	       (unsigned long long)k1, (unsigned long long)again);
	put_pattern(a, k1, ps, 70, false);
	EXPECT_PATTERN(a, k1, ps, 70, "through kmap");
	expect_no_access(a, k1 + ps - 8, 16, -EFAULT, "past the kmapped page");
	expect_no_access(a, direct_map(a, hp), 8, -EFAULT,
			 "a high page's would-be direct map");

	/* Another session: not its page, not its mapping. */
	EXPECT_ERR(b, -EPERM, mmc_kmap(b, hp, &other));
	EXPECT_ERR(b, -EPERM, mmc_kmap_atomic(b, hp, &other));
	EXPECT_ERR(b, -EPERM, mmc_kunmap(b, hp));
	expect_no_access(b, k1, 8, -EFAULT, "another's kmap");

	EXPECT_ERR(a, 0, mmc_kunmap(a, hp));
	EXPECT_PATTERN(a, k1, 64, 70, "still mapped once");
	EXPECT_ERR(a, 0, mmc_kunmap(a, hp));
	expect_no_access(a, k1, 8, -EFAULT, "after the last kunmap");
	EXPECT_ERR(a, -EINVAL, mmc_kunmap(a, hp));
	EXPECT_ERR(b, -EINVAL, mmc_kunmap(b, hp));

	/* The bytes live in the page, whatever maps it. */
	EXPECT_ERR(a, 0, mmc_kmap(a, hp, &k2));
	EXPECT_PATTERN(a, k2, ps, 70, "kmapped again");
	EXPECT_ERR(a, 0, mmc_vmap(a, &hp, 1, &v));
	EXPECT_PATTERN(a, v, ps, 70, "the high page through vmap");
	put_pattern(a, v + 100, 100, 71, false);
	EXPECT_PATTERN(a, k2 + 100, 100, 71, "a vmap write, seen by kmap");
	EXPECT_ERR(a, 0, mmc_vunmap(a, v));
	EXPECT_ERR(a, 0, mmc_kunmap(a, hp));

	/* A low page is in the direct map: kmap gives that address. */
	EXPECT_ERR(a, 0, mmc_kmap(a, lp, &low));
	EXPECT(low == direct_map(a, lp), "kmap of a low page gave %#llx",
	       (unsigned long long)low);
	EXPECT_ERR(a, 0, mmc_kunmap(a, lp));
	EXPECT_ERR(a, -EINVAL, mmc_kmap(a, ~0UL >> 12, &other));
	EXPECT_ERR(a, -EINVAL, mmc_kunmap(a, ~0UL >> 12));
	EXPECT_ERR(a, 0, mmc_free_pages(a, hp, 0));
	EXPECT_ERR(a, 0, mmc_free_pages(a, lp, 0));
	finish(b, "kmap, the other session");
	finish(a, "kmap");
}

/*
 * The page API by address: __get_free_pages and free_pages, page_address
 * of low and high pages (0 until kmap maps one), virt_to_page; the bad
 * inputs; __GFP_HIGHMEM dropped as Linux 6.x drops it, and logged.
 */
static void ops_page_api(uint64_t high)
{
	struct mmc *a = connect_as("ops-page-api", 0),
		   *b = connect_as("ops-page-api-b", 1);
	unsigned long ps = mmc_info(a)->page_size, pfn = 0, hp;
	uint64_t addr = 0, z = 0, k = 0, pa = 1, lowmem, bytes[4];
	char *text;

	EXPECT_ERR(a, 0, mmc___get_free_pages(a, GFP_KERNEL, 2, &addr));
	EXPECT_ERR(a, 0, mmc_virt_to_page(a, addr, &pfn));
	EXPECT(addr == direct_map(a, pfn) && addr % (4 * ps) == 0,
	       "__get_free_pages(order 2) at %#llx, pfn %#lx",
	       (unsigned long long)addr, pfn);
	EXPECT(mmc_page_to_pfn(pfn) == pfn, "page_to_pfn");
	EXPECT_ERR(a, 0, mmc_page_address(a, pfn + 3, &pa));
	EXPECT(pa == addr + 3 * ps, "page_address of the 4th page: %#llx",
	       (unsigned long long)pa);
	put_pattern(a, addr, 4 * ps, 81, false);
	EXPECT_PATTERN(a, addr, 4 * ps, 81, "__get_free_pages' bytes");
	/* Not the block's order, not its head, not an address: refused. */
	EXPECT_ERR(a, -EINVAL, mmc_free_pages_addr(a, addr, 1));
	EXPECT_ERR(a, -EINVAL, mmc_free_pages_addr(a, addr + 8, 2));
	EXPECT_ERR(a, -EINVAL, mmc_free_pages_addr(a, 0x1000, 0));
	EXPECT_ERR(a, -EINVAL, mmc_virt_to_page(a, 0x1000, &pfn));
	EXPECT_ERR(a, -EINVAL, mmc_virt_to_page(a, ~0ULL, &pfn));
	EXPECT_ERR(a, 0, mmc_free_pages_addr(a, 0, 3)); /* free_pages(0) */
	/* Another session: not its block to free or to look at. */
	EXPECT_ERR(b, -EPERM, mmc_free_pages_addr(b, addr, 2));
	EXPECT_ERR(b, -EPERM, mmc_page_address(b, pfn, &pa));
	EXPECT_ERR(a, 0, mmc_free_pages_addr(a, addr, 2));
	EXPECT_ERR(a, -EINVAL, mmc_free_page(a, addr));

	/* get_zeroed_page: zeroes, whatever init_on_alloc says. */
	EXPECT_ERR(a, 0, mmc_get_zeroed_page(a, GFP_KERNEL, &z));
	EXPECT_ERR(a, 0,
		   mmc_read(a, z + ps - sizeof(bytes), bytes, sizeof(bytes)));
	EXPECT(!bytes[0] && !bytes[1] && !bytes[2] && !bytes[3],
	       "get_zeroed_page not zero");
	EXPECT_ERR(a, 0, mmc_free_page(a, z));

	/* __GFP_HIGHMEM: dropped, a low page, and the log says why. */
	EXPECT_ERR(a, 0, mmc___get_free_page(a, GFP_HIGHUSER, &addr));
	lowmem = mmc_info(a)->page_offset + high;
	EXPECT(addr >= mmc_info(a)->page_offset && addr < lowmem,
	       "__get_free_page(GFP_HIGHUSER) at %#llx, not low memory",
	       (unsigned long long)addr);
	text = report_text(a, MMC_REPORT_DMESG);
	EXPECT(text && strstr(text, "__get_free_pages: __GFP_HIGHMEM "
				    "dropped from gfp_mask=0x100cc2"),
	       "dmesg does not say why __GFP_HIGHMEM was dropped");
	free(text);
	EXPECT_ERR(a, 0, mmc_free_page(a, addr));

	/* alloc_pages + kmap: a high page's address is kmap's, or NULL. */
	/*
	 * A high page never kmapped has no address; one an earlier kmap
	 * left in the pkmap (kunmap is lazy, as Linux's) keeps that entry,
	 * and kmap gives the same address again.
	 */
	hp = high_page(a, high);
	EXPECT_ERR(a, 0, mmc_page_address(a, hp, &pa));
	EXPECT_ERR(a, 0, mmc_kmap(a, hp, &k));
	EXPECT(pa == 0 || pa == k,
	       "page_address of an unmapped high page: %#llx, kmap %#llx",
	       (unsigned long long)pa, (unsigned long long)k);
	EXPECT_ERR(a, 0, mmc_page_address(a, hp, &pa));
	EXPECT(pa == k, "page_address %#llx, kmap %#llx",
	       (unsigned long long)pa, (unsigned long long)k);
	EXPECT_ERR(a, -EINVAL, mmc_virt_to_page(a, k, &pfn));
	/*
	 * As Linux's kunmap, the last one leaves the pkmap entry until a
	 * flush_all_zero_pkmaps wants the slot: page_address still says it.
	 */
	EXPECT_ERR(a, 0, mmc_kunmap(a, hp));
	EXPECT_ERR(a, 0, mmc_page_address(a, hp, &pa));
	EXPECT(pa == k, "page_address after kunmap: %#llx, kmap gave %#llx",
	       (unsigned long long)pa, (unsigned long long)k);
	EXPECT_ERR(a, -EINVAL, mmc_page_address(a, ~0UL >> 12, &pa));
	EXPECT_ERR(a, 0, mmc___free_pages(a, hp, 0));
	finish(b, "page API, the other session");
	finish(a, "page API");
}

/* kmap_atomic: a stack of slots per CPU, unmapped in reverse order. */
static void ops_kmap_atomic(uint64_t high, unsigned int slots)
{
	struct mmc *a = connect_as("ops-katomic", 0),
		   *same = connect_as("ops-katomic-0", 0),
		   *cpu1 = connect_as("ops-katomic-1", 1);
	unsigned long ps = mmc_info(a)->page_size, h1, h2, lp = 0;
	uint64_t A = 0, B = 0, low = 0, k = 0, nest[64];

	h1 = high_page(a, high);
	h2 = high_page(a, high);
	EXPECT_ERR(a, 0, mmc_alloc_pages(a, GFP_KERNEL, 0, &lp));
	EXPECT_ERR(a, 0, mmc_kmap_atomic(a, h1, &A));
	EXPECT_ERR(a, 0, mmc_kmap_atomic(a, h2, &B));
	EXPECT(B == A - ps, "the second slot at %#llx, the first at %#llx",
	       (unsigned long long)B, (unsigned long long)A);
	put_pattern(a, A, ps, 80, false);
	put_pattern(a, B, ps, 81, false);
	EXPECT_PATTERN(a, A, ps, 80, "kmap_atomic slot 0");
	EXPECT_PATTERN(a, B, ps, 81, "kmap_atomic slot 1");
	expect_no_access(a, A + ps - 4, 8, -EFAULT, "past an atomic slot");

	/* Others: on this CPU not theirs, on another not this CPU's. */
	expect_no_access(same, A, 8, -EFAULT, "another's atomic slot");
	EXPECT_ERR(same, -EPERM, mmc_kunmap_atomic(same, A));
	EXPECT_ERR(cpu1, -EINVAL, mmc_kunmap_atomic(cpu1, B));

	EXPECT_ERR(a, -EINVAL, mmc_kunmap_atomic(a, A)); /* out of order */
	EXPECT_PATTERN(a, A, 64, 80, "a refused kunmap_atomic");
	EXPECT_ERR(a, 0, mmc_kunmap_atomic(a, B));
	EXPECT_ERR(a, -EINVAL, mmc_kunmap_atomic(a, B));
	expect_no_access(a, B, 8, -EFAULT, "after kunmap_atomic");
	EXPECT_ERR(a, 0, mmc_kunmap_atomic(a, A));
	EXPECT_ERR(a, -EINVAL, mmc_kunmap_atomic(a, 0x1234));

	EXPECT_ERR(a, 0, mmc_kmap_atomic(a, lp, &low));
	EXPECT(low == direct_map(a, lp), "kmap_atomic of a low page: %#llx",
	       (unsigned long long)low);
	EXPECT_ERR(a, 0, mmc_kunmap_atomic(a, low));

	/* Nest every slot of the CPU; one more is a bug, not a wait. */
	if (slots > 64)
		slots = 64;
	for (unsigned int i = 0; i < slots; i++) {
		EXPECT_ERR(a, 0, mmc_kmap_atomic(a, h1, &nest[i]));
		EXPECT(nest[i] == A - i * ps, "slot %u at %#llx", i,
		       (unsigned long long)nest[i]);
	}
	EXPECT_ERR(a, -EBUSY, mmc_kmap_atomic(a, h2, &k));
	EXPECT_PATTERN(a, nest[slots - 1], ps, 80, "the deepest slot");
	for (unsigned int i = slots; i-- > 0;)
		EXPECT_ERR(a, 0, mmc_kunmap_atomic(a, nest[i]));

	EXPECT_ERR(a, 0, mmc_kmap(a, h2, &k));
	EXPECT_PATTERN(a, k, ps, 81, "kmap after kmap_atomic");
	EXPECT_ERR(a, 0, mmc_kunmap(a, h2));
	EXPECT_ERR(a, 0, mmc_free_pages(a, h1, 0));
	EXPECT_ERR(a, 0, mmc_free_pages(a, h2, 0));
	EXPECT_ERR(a, 0, mmc_free_pages(a, lp, 0));
	finish(same, "kmap_atomic, same CPU");
	finish(cpu1, "kmap_atomic, CPU 1");
	finish(a, "kmap_atomic");
}

/* In a forked child: drop the parent's connections, keep only keep_fd. */
static void close_inherited(int keep_fd)
{
	for (int fd = 3; fd < 1024; fd++)
		if (fd != keep_fd)
			close(fd);
}

/* The child's exit status within 5 s; -1 (and killed) if it hangs. */
static int reap(pid_t pid)
{
	int status;

	for (int i = 0; i < 500; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/* Still running after ms: its request waits in the daemon. */
static bool still_waiting(pid_t pid, int ms)
{
	int status;

	usleep((useconds_t)ms * 1000);
	return waitpid(pid, &status, WNOHANG) == 0;
}

/*
 * Fork a session that kmaps a high page of its own with no time limit,
 * once it has told us it is about to. Exits 0 if the kmap gave a slot
 * (at want, unless want is 0) that reads back what is written there.
 */
static pid_t kmap_waiter(const char *comm, uint64_t high, uint64_t want)
{
	int p[2];
	pid_t pid;
	char ch;

	if (pipe(p))
		exit(1);
	pid = fork();
	if (pid == 0) {
		struct mmc *c;
		unsigned long hp;
		uint64_t addr = 0;

		close_inherited(p[1]);
		c = connect_as(comm, 1);
		hp = high_page(c, high);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		EXPECT_ERR(c, 0, mmc_kmap(c, hp, &addr));
		EXPECT(!want || addr == want, "%s: kmap at %#llx, not %#llx",
		       comm, (unsigned long long)addr,
		       (unsigned long long)want);
		put_pattern(c, addr, mmc_info(c)->page_size, 90, false);
		EXPECT_PATTERN(c, addr, mmc_info(c)->page_size, 90,
			       "the slot a parked kmap got");
		EXPECT_ERR(c, 0, mmc_kunmap(c, hp));
		EXPECT_ERR(c, 0, mmc_free_pages(c, hp, 0));
		mmc_close(c);
		_exit(failures ? 1 : 0);
	}
	close(p[1]);
	if (read(p[0], &ch, 1) != 1)
		EXPECT(0, "%s did not start", comm);
	close(p[0]);
	return pid;
}

/*
 * kmap with every pkmap slot taken (the layout has `slots` of them):
 * it waits until a kunmap or an exit frees one, or its time runs out.
 */
static void ops_kmap_park(uint64_t high, unsigned int slots)
{
	struct mmc *a = connect_as("park-holder", 0), *d;
	unsigned long ps = mmc_info(a)->page_size, hp[64], dp;
	uint64_t k[64], lowest = UINT64_MAX, addr = 0;
	struct timespec t0, t1;
	long ms;
	pid_t pid;
	int err;

	if (slots > 64)
		slots = 64;
	for (unsigned int i = 0; i < slots; i++) {
		hp[i] = high_page(a, high);
		EXPECT_ERR(a, 0, mmc_kmap(a, hp[i], &k[i]));
		lowest = k[i] < lowest ? k[i] : lowest;
	}
	expect_disjoint(k, slots, ps, "pkmap slots");
	for (unsigned int i = 0; i < slots; i++)
		EXPECT(k[i] - lowest < slots * ps,
		       "slot at %#llx is outside "
		       "the %u-slot pkmap area",
		       (unsigned long long)k[i], slots);

	/* Parked until the holder's kunmap frees exactly that slot. */
	pid = kmap_waiter("park-waiter", high, k[0]);
	EXPECT(still_waiting(pid, 300),
	       "a kmap with no free slot did not wait");
	EXPECT_ERR(a, 0, mmc_kunmap(a, hp[0]));
	EXPECT(reap(pid) == 0, "the parked kmap did not get the freed slot");

	/* With a time limit and no kunmap: -ETIMEDOUT, and the session lives.
	 */
	EXPECT_ERR(a, 0, mmc_kmap(a, hp[0], &k[0]));
	d = connect_as("park-timeout", 1);
	dp = high_page(d, high);
	mmc_set_timeout(d, 200);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	err = mmc_kmap(d, dp, &addr);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 +
	     (t1.tv_nsec - t0.tv_nsec) / 1000000;
	EXPECT_ERR(d, -ETIMEDOUT, err);
	EXPECT(ms >= 190 && ms < 3000, "the timed kmap took %ld ms", ms);
	printf("timed kmap: %s\n", mmc_errmsg(d));
	EXPECT_ERR(d, 0, mmc_ping(d));
	EXPECT_ERR(d, 0, mmc_free_pages(d, dp, 0));
	finish(d, "the timed-out session");

	/* Killed while parked: the daemon drops the request, stays whole. */
	pid = kmap_waiter("park-killed", high, 0);
	EXPECT(still_waiting(pid, 300), "the kmap to be killed did not wait");
	kill(pid, SIGKILL);
	EXPECT(reap(pid) == 128, "the parked session was not killed");
	EXPECT_ERR(a, 0, mmc_ping(a));
	expect_machine_clean(a, "after a parked session was killed");

	/* The holder's exit frees every slot it held: the waiter goes on. */
	pid = kmap_waiter("park-exit", high, 0);
	EXPECT(still_waiting(pid, 300), "the kmap before an exit did not wait");
	mmc_close(a);
	EXPECT(reap(pid) == 0, "an exit did not wake the parked kmap");
	a = connect_as("park-check", 0);
	finish(a, "kmap parking");
}

/* In a child: take one of everything, say our pid, then wait to die. */
static int hold_everything(int ready_fd, uint64_t high, uint64_t dev)
{
	struct mmc *c = connect_as("exit-victim", 1);
	unsigned long ps = mmc_info(c)->page_size, pg0 = 0, pg3 = 0, hk, ha,
		      vp[2] = {0};
	uint64_t km = 0, kl = 0, kc = 0, cache = 0, co[3], vm = 0, vz = 0,
		 vmp = 0, io = 0, kmaddr = 0, kaaddr = 0, pc[2], mz = 0;
	int pid = mmc_pid(c);

	/* Page blocks: 6 of them, 13 pages. */
	EXPECT_ERR(c, 0, mmc_alloc_pages(c, GFP_KERNEL, 0, &pg0));
	EXPECT_ERR(c, 0, mmc_alloc_pages(c, GFP_KERNEL, 3, &pg3));
	hk = high_page(c, high);
	ha = high_page(c, high);
	EXPECT_ERR(c, 0, mmc_alloc_pages(c, GFP_KERNEL, 0, &vp[0]));
	EXPECT_ERR(c, 0, mmc_alloc_pages(c, GFP_KERNEL, 0, &vp[1]));
	put_pattern(c, direct_map(c, pg0), ps, 1, false);
	put_pattern(c, direct_map(c, pg3), 8 * ps, 2, false);
	/* Objects: 3 kmalloc, a cache and 3 of its objects, 4 vmap areas,
	 * a kmap and a kmap_atomic, 2 per-CPU areas, an MMZ block: 16. */
	EXPECT_ERR(c, 0, mmc_kmalloc(c, 100, GFP_KERNEL, &km));
	EXPECT_ERR(c, 0, mmc_kmalloc(c, 20000, GFP_KERNEL, &kl));
	EXPECT_ERR(c, 0, mmc_kcalloc(c, 4, 50, GFP_KERNEL, &kc));
	put_pattern(c, km, 100, 3, false);
	put_pattern(c, kl, 20000, 4, false);
	EXPECT_ERR(c, 0,
		   mmc_kmem_cache_create(c, "exit_cache", 64, 0, 0, &cache));
	for (unsigned int i = 0; i < 3; i++) {
		EXPECT_ERR(c, 0,
			   mmc_kmem_cache_alloc(c, cache, GFP_KERNEL, &co[i]));
		put_pattern(c, co[i], 64, 5 + i, false);
	}
	EXPECT_ERR(c, 0, mmc_vmalloc(c, 2 * ps, &vm));
	EXPECT_ERR(c, 0, mmc_vzalloc(c, ps, &vz));
	EXPECT_ERR(c, 0, mmc_vmap(c, vp, 2, &vmp));
	EXPECT_ERR(c, 0, mmc_ioremap(c, dev, ps, &io));
	put_pattern(c, vm, 2 * ps, 8, false);
	put_pattern(c, vmp, 2 * ps, 9, false);
	EXPECT_ERR(c, 0, mmc_kmap(c, hk, &kmaddr));
	EXPECT_ERR(c, 0, mmc_kmap_atomic(c, ha, &kaaddr));
	put_pattern(c, kmaddr, ps, 10, false);
	put_pattern(c, kaaddr, ps, 11, false);
	for (unsigned int i = 0; i < 2; i++) {
		EXPECT_ERR(c, 0, mmc_alloc_percpu(c, 32, 8, &pc[i]));
		put_pattern(c, pc[i], 32, 12 + i, false);
	}
	EXPECT_ERR(c, 0, mmc_mmz_alloc(c, "", "exit-block", 3 * ps, 0, &mz));
	put_pattern(c, mz, 3 * ps, 14, true);
	/* The cache counts as an object; kmaps are not charged. */
	expect_counts(c, 13, 14, "holding one of every kind");
	if (failures)
		return 1;
	if (write(ready_fd, &pid, sizeof(pid)) != sizeof(pid))
		return 1;
	for (;;)
		pause();
}

/*
 * A session holding one of every kind is SIGKILLed: its exit frees and
 * counts each (6 page blocks, 16 objects), and the machine checks clean.
 * HighMem starts at high; dev is a device region's physical address.
 */
static void ops_exit_all(uint64_t high, uint64_t dev)
{
	struct mmc *w = connect_as("exit-watch", 0);
	struct mmc_check before = {0}, after = {0};
	int p[2], victim = 0, status, err = 0;
	char tag[32], *text = NULL;
	pid_t pid;

	EXPECT_ERR(w, 0, mmc_admin_check(w, &before));
	if (pipe(p))
		exit(1);
	pid = fork();
	if (pid == 0) {
		close_inherited(p[1]);
		_exit(hold_everything(p[1], high, dev));
	}
	close(p[1]);
	if (read(p[0], &victim, sizeof(victim)) != sizeof(victim)) {
		EXPECT(0, "the victim did not get ready");
		kill(pid, SIGKILL);
	}
	close(p[0]);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	EXPECT(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL,
	       "the victim was not killed, status %#x", status);
	for (int i = 0; i < 500; i++) {
		err = mmc_admin_check(w, &after);
		if (err || after.exits > before.exits)
			break;
		usleep(10000);
	}
	EXPECT_ERR(w, 0, err);
	EXPECT(after.exits == before.exits + 1 &&
		       after.nr_tasks == before.nr_tasks,
	       "exits %lu -> %lu, tasks %u -> %u", before.exits, after.exits,
	       before.nr_tasks, after.nr_tasks);
	EXPECT(after.leaked_blocks - before.leaked_blocks == 6,
	       "the exit freed %lu page blocks, not 6",
	       after.leaked_blocks - before.leaked_blocks);
	EXPECT(after.leaked_objects - before.leaked_objects == 16,
	       "the exit freed %lu objects, not 16",
	       after.leaked_objects - before.leaked_objects);
	EXPECT_ERR(w, -ESRCH,
		   mmc_report_pid(w, MMC_REPORT_STATUS, victim, &text));
	snprintf(tag, sizeof(tag), " pid=%d ", victim);
	text = report_text(w, MMC_REPORT_VMALLOCINFO);
	EXPECT(text && !strstr(text, tag), "vmallocinfo after the exit:\n%s",
	       text ? text : "");
	free(text);
	text = report_text(w, MMC_REPORT_SLABINFO);
	EXPECT(text && !find_line(text, "exit_cache "),
	       "slabinfo still lists exit_cache");
	free(text);
	text = report_text(w, MMC_REPORT_MEDIA_MEM);
	EXPECT(text && strstr(text, ",block_number=0\n"),
	       "media-mem after the exit:\n%s", text ? text : "");
	free(text);
	mmc_close(w);
}

/*
 * vfree(NULL), vunmap(NULL) and iounmap(NULL) do nothing and return 0,
 * as Linux's do; they must not change what the session is charged.
 * KNOWN BUG, run as an expected failure by mmd_ops.sh: core/uapi.c
 * counts each of them as one object freed, so the count wraps below 0
 * and every later allocation is refused with -EDQUOT (and a session
 * holding objects can slip past limits.objects the same way).
 */
static void ops_null_frees(void)
{
	struct mmc *c = connect_as("ops-null-frees", 0);
	uint64_t addr = 0;

	EXPECT_ERR(c, 0, mmc_vfree(c, 0));
	expect_counts(c, 0, 0, "after vfree(NULL)");
	EXPECT_ERR(c, 0, mmc_vunmap(c, 0));
	expect_counts(c, 0, 0, "after vunmap(NULL)");
	EXPECT_ERR(c, 0, mmc_iounmap(c, 0));
	expect_counts(c, 0, 0, "after iounmap(NULL)");
	EXPECT_ERR(c, 0, mmc_kmalloc(c, 64, GFP_KERNEL, &addr));
	EXPECT_ERR(c, 0, mmc_kfree(c, addr));
	finish(c, "null frees");
}

/* The number after "NAME " on its own line of a report, or 0. */
static unsigned long report_number(const char *text, const char *name)
{
	char key[64];
	const char *at;

	snprintf(key, sizeof(key), "\n%s ", name);
	at = text ? strstr(text, key) : NULL;
	return at ? strtoul(at + strlen(key), NULL, 10) : 0;
}

/* vmstat's mm_vmalloc_fault. */
static unsigned long vmalloc_faults(struct mmc *c)
{
	char *text = report_text(c, MMC_REPORT_VMSTAT);
	unsigned long n = report_number(text, "mm_vmalloc_fault");

	free(text);
	return n;
}

/*
 * Fill the machine with order-10 blocks until it says -ENOMEM: on the
 * way the allocator enters direct reclaim and wakes kswapd, which the
 * daemon runs between requests; vmstat shows both.
 */
static void ops_kswapd(void)
{
	struct mmc *c = connect_as("ops-kswapd", 0);
	static unsigned long pfn[4096];
	unsigned int n = 0;
	char *text;
	int err;

	while (n < 4096 &&
	       (err = mmc_alloc_pages(c, GFP_KERNEL, 10, &pfn[n])) == 0)
		n++;
	EXPECT_ERR(c, -ENOMEM, err);
	text = report_text(c, MMC_REPORT_VMSTAT);
	EXPECT(report_number(text, "pageoutrun") >= 1,
	       "kswapd never ran: pageoutrun %lu",
	       report_number(text, "pageoutrun"));
	EXPECT(report_number(text, "allocstall_normal") >= 1,
	       "no direct reclaim: allocstall_normal %lu",
	       report_number(text, "allocstall_normal"));
	free(text);
	while (n)
		EXPECT_ERR(c, 0, mmc_free_pages(c, pfn[--n], 10));
	finish(c, "kswapd");
}

/*
 * The map of a range, over the wire: an allocated block shows as kernel
 * memory frame by frame, the whole machine comes sized to the cells
 * asked for, and every bad range is -EINVAL.
 */
static void ops_frame_cells(void)
{
	struct mmc *c = connect_as("ops-frame-cells", 0);
	static uint8_t map[MMC_FRAME_CELLS_MAX];
	unsigned long pfn = 0;
	size_t nr = 0;

	EXPECT_ERR(c, 0, mmc_alloc_pages(c, GFP_KERNEL, 2, &pfn));
	EXPECT_ERR(c, 0, mmc_frame_cells(c, pfn, 4, 4, map, &nr));
	EXPECT(nr == 4, "4 frames in 4 cells gave %zu", nr);
	for (size_t i = 0; i < nr; i++)
		EXPECT(map[i] == MMC_FRAME_KERNEL,
		       "frame %lu of the block: %#x", pfn + i, map[i]);
	EXPECT_ERR(c, 0, mmc_free_pages(c, pfn, 2));
	EXPECT_ERR(c, 0, mmc_frame_cells(c, pfn, 4, 1, map, &nr));
	/* Freed onto this CPU's list (order 2 is cached), or merged. */
	EXPECT(nr == 1 &&
		       ((map[0] & 15) == MMC_FRAME_PCP ||
			((map[0] & 15) == MMC_FRAME_FREE && map[0] >> 4 >= 2)),
	       "the freed block: %zu cells, %#x", nr, map[0]);
	/* The first GiB in 1000 cells of 263 frames: 997 of them. */
	EXPECT_ERR(c, 0, mmc_frame_cells(c, 0, 262144, 1000, map, &nr));
	EXPECT(nr == 997, "%zu cells of 263 frames", nr);
	EXPECT_ERR(c, -EINVAL, mmc_frame_cells(c, 0, 0, 10, map, &nr));
	EXPECT(nr == 0, "a refusal gave %zu cells", nr);
	EXPECT_ERR(c, -EINVAL, mmc_frame_cells(c, 0, 1, 0, map, &nr));
	EXPECT_ERR(c, -EINVAL,
		   mmc_frame_cells(c, 0, 1, MMC_FRAME_CELLS_MAX + 1, map, &nr));
	EXPECT_ERR(c, -EINVAL, mmc_frame_cells(c, UINT64_MAX, 1, 1, map, &nr));
	EXPECT_ERR(c, -EINVAL, mmc_frame_cells(c, 1, UINT64_MAX, 16, map, &nr));
	finish(c, "frame-cells");
}

/* pagetypeinfo's "Number of blocks type" rows, summed over the zones. */
static unsigned long pagetype_blocks(const char *text, unsigned long *count)
{
	const char *at = strstr(text, "Number of blocks type");
	unsigned long total = 0;

	while (at && (at = strstr(at, "\nNode 0, zone"))) {
		unsigned long n[6] = {0};

		at++;
		if (sscanf(at, "Node 0, zone %*s %lu %lu %lu %lu %lu %lu",
			   &n[0], &n[1], &n[2], &n[3], &n[4], &n[5]) != 6)
			break;
		for (int mt = 0; mt < 6; mt++) {
			count[mt] += n[mt];
			total += n[mt];
		}
	}
	return total;
}

/* The end of RAM: the frames report's last "zone N start_pfn S pages P". */
static unsigned long frames_end(const char *text)
{
	unsigned long end = 0, start, pages;
	const char *at = text;

	while ((at = strstr(at, "\nzone "))) {
		at++;
		if (sscanf(at, "zone %*s start_pfn %lu pages %lu", &start,
			   &pages) == 2 &&
		    start + pages > end)
			end = start + pages;
	}
	return end;
}

/*
 * The pageblocks' map, over the wire: a cell per pageblock over all of
 * RAM counts, type by type, what /proc/pagetypeinfo counts (holes,
 * such as the PCI hole below 4G, in neither).
 */
static void ops_pageblock_cells(void)
{
	struct mmc *c = connect_as("ops-pageblocks", 0);
	static uint8_t map[MMC_FRAME_CELLS_MAX];
	unsigned long want[6] = {0}, got[6] = {0}, blocks, pb = 0, max_pfn;
	char *text = NULL;
	const char *at;
	size_t nr = 0;

	EXPECT_ERR(c, 0, mmc_report(c, MMC_REPORT_PAGETYPEINFO, &text));
	at = strstr(text, "Pages per block:");
	if (at)
		pb = strtoul(at + 16, NULL, 10);
	blocks = pagetype_blocks(text, want);
	free(text);
	EXPECT_ERR(c, 0, mmc_report(c, MMC_REPORT_FRAMES, &text));
	max_pfn = frames_end(text);
	free(text);
	EXPECT(pb && blocks && max_pfn % pb == 0 &&
		       max_pfn / pb <= MMC_FRAME_CELLS_MAX,
	       "%lu pageblocks of %lu pages, RAM ends at %lu", blocks, pb,
	       max_pfn);
	EXPECT_ERR(c, 0,
		   mmc_pageblock_cells(c, 0, max_pfn, max_pfn / pb, map, &nr));
	EXPECT(nr == max_pfn / pb, "%lu pageblocks gave %zu cells",
	       max_pfn / pb, nr);
	for (size_t i = 0; i < nr; i++) {
		EXPECT(map[i] & MMC_PAGEBLOCK_START, "cell %zu: %#x", i,
		       map[i]);
		if ((map[i] & 15) < 6)
			got[map[i] & 15]++;
	}
	for (int mt = 0; mt < 6; mt++)
		EXPECT(got[mt] == want[mt], "type %d: %lu cells, %lu blocks",
		       mt, got[mt], want[mt]);
	EXPECT_ERR(c, -EINVAL, mmc_pageblock_cells(c, 0, 0, 1, map, &nr));
	EXPECT_ERR(c, -EINVAL,
		   mmc_pageblock_cells(c, UINT64_MAX, 1, 1, map, &nr));
	EXPECT_ERR(c, -EINVAL,
		   mmc_pageblock_cells(c, 0, pb, MMC_FRAME_CELLS_MAX + 1, map,
				       &nr));
	finish(c, "pageblock-cells");
}

/*
 * Fork a session that takes the mutex name (waiting as long as it
 * must), writes tag to out, and unlocks: the order of the tags is the
 * order the waiters got it.
 */
static pid_t mutex_waiter(const char *comm, const char *name, char tag, int out)
{
	pid_t pid = fork();

	if (pid == 0) {
		struct mmc *c;

		close_inherited(out);
		c = connect_as(comm, 1);
		EXPECT_ERR(c, 0, mmc_mutex_lock(c, name));
		if (write(out, &tag, 1) != 1)
			_exit(1);
		EXPECT_ERR(c, 0, mmc_mutex_unlock(c, name));
		mmc_close(c);
		_exit(failures ? 1 : 0);
	}
	return pid;
}

/* The mutexes report's line for name, or "" (to be freed). */
static char *mutex_line(struct mmc *c, const char *name)
{
	char *text = report_text(c, MMC_REPORT_MUTEXES), *line = NULL;
	const char *at = text ? find_line(text, name) : NULL;

	if (at)
		line = strndup(at, strcspn(at, "\n"));
	free(text);
	return line ? line : strdup("");
}

/*
 * Mutexes over the wire: two sessions and two waiters served in the
 * order they came, the might_sleep BUG and the refusal in atomic
 * context, the bad unlocks, recursion, a waiter that times out, a
 * holder that exits holding it, and the per-process limit.
 */
static void ops_mutex(void)
{
	struct mmc *a = connect_as("mutex-a", 0), *b = connect_as("mutex-b", 1);
	uint64_t locked = 9;
	char order[3] = {0}, want[128], *line;
	pid_t w1, w2;
	int p[2];

	EXPECT_ERR(a, -EINVAL, mmc_mutex_init(a, "9bad"));
	EXPECT_ERR(a, -EINVAL, mmc_mutex_init(a, ""));
	EXPECT_ERR(a, 0, mmc_mutex_init(a, "ops_m"));
	EXPECT_ERR(b, -EEXIST, mmc_mutex_init(b, "ops_m"));
	expect_counts(a, 0, 1, "a mutex is one of its objects");
	EXPECT_ERR(b, -ENOENT, mmc_mutex_lock(b, "no_such_mutex"));
	EXPECT_ERR(b, -EINVAL, mmc_mutex_unlock(b, "ops_m"));
	expect_dmesg(a, "DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current)",
		     true);

	EXPECT_ERR(a, 0, mmc_mutex_lock(a, "ops_m"));
	EXPECT_ERR(a, -EDEADLK, mmc_mutex_lock(a, "ops_m"));
	EXPECT_ERR(b, 0, mmc_mutex_trylock(b, "ops_m", &locked));
	EXPECT(locked == 0, "trylock of a held mutex gave %llu",
	       (unsigned long long)locked);
	EXPECT_ERR(b, -EPERM, mmc_mutex_unlock(b, "ops_m"));
	EXPECT_ERR(b, -EPERM, mmc_mutex_destroy(b, "ops_m"));
	EXPECT_ERR(a, -EBUSY, mmc_mutex_destroy(a, "ops_m"));

	/* Contended in atomic context: the BUG, and no wait. */
	EXPECT_ERR(b, 0, mmc_spin_lock(b));
	EXPECT_ERR(b, -EAGAIN, mmc_mutex_lock(b, "ops_m"));
	EXPECT_ERR(b, 0, mmc_spin_unlock(b));
	snprintf(want, sizeof(want), "pid: %d, name: mutex-b", mmc_pid(b));
	expect_dmesg(a, want, true);
	expect_dmesg(a,
		     "BUG: sleeping function called from invalid context at "
		     "core/mutex.c:",
		     true);

	/* A timed wait gives up and leaves the queue. */
	mmc_set_timeout(b, 150);
	EXPECT_ERR(b, -ETIMEDOUT, mmc_mutex_lock(b, "ops_m"));
	mmc_set_timeout(b, 0);
	line = mutex_line(a, "ops_m");
	snprintf(want, sizeof(want), "ops_m%*s %7d %7d -", 26, "", mmc_pid(a),
		 mmc_pid(a));
	EXPECT(!strcmp(line, want), "after the timeout: '%s', not '%s'", line,
	       want);
	free(line);

	/* Two waiters, served first come first. */
	if (pipe(p))
		exit(1);
	w1 = mutex_waiter("mutex-w1", "ops_m", '1', p[1]);
	EXPECT(still_waiting(w1, 300), "a contended mutex_lock did not wait");
	w2 = mutex_waiter("mutex-w2", "ops_m", '2', p[1]);
	EXPECT(still_waiting(w2, 300), "the second waiter did not wait");
	line = mutex_line(a, "ops_m");
	EXPECT(strchr(line, ','), "two waiters: '%s'", line);
	free(line);
	EXPECT_ERR(a, 0, mmc_mutex_unlock(a, "ops_m"));
	EXPECT(reap(w1) == 0 && reap(w2) == 0, "a waiter failed");
	close(p[1]);
	EXPECT(read(p[0], order, 2) == 2 && !strcmp(order, "12"),
	       "the waiters got it in the order '%s'", order);
	close(p[0]);
	EXPECT_ERR(b, 0, mmc_mutex_trylock(b, "ops_m", &locked));
	EXPECT(locked == 1, "trylock of a free mutex gave %llu",
	       (unsigned long long)locked);

	/* The holder exits holding it: a waiter gets it, with a warning. */
	if (pipe(p))
		exit(1);
	w1 = mutex_waiter("mutex-w3", "ops_m", '3', p[1]);
	EXPECT(still_waiting(w1, 300), "the waiter before an exit did not "
				       "wait");
	snprintf(want, sizeof(want),
		 "WARNING: mutex-b/%d still has locks held!", mmc_pid(b));
	mmc_close(b);
	EXPECT(reap(w1) == 0, "the waiter did not get the exited holder's "
			      "mutex");
	close(p[1]);
	close(p[0]);
	expect_dmesg(a, want, true);
	EXPECT_ERR(a, 0, mmc_mutex_destroy(a, "ops_m"));
	EXPECT_ERR(a, -ENOENT, mmc_mutex_lock(a, "ops_m"));
	expect_counts(a, 0, 0, "the mutex destroyed");
	expect_machine_clean(a, "mutexes");
	finish(a, "mutex");
}

static int cmd_ops(int argc, char **argv)
{
	const char *family = argv[3];
	uint64_t arg1 = argc > 4 ? strtoull(argv[4], NULL, 0) : 0;
	uint64_t arg2 = argc > 5 ? strtoull(argv[5], NULL, 0) : 0;

	if (!strcmp(family, "slab"))
		ops_slab();
	else if (!strcmp(family, "kmalloc"))
		ops_kmalloc();
	else if (!strcmp(family, "vmalloc"))
		ops_vmalloc();
	else if (!strcmp(family, "vmap"))
		ops_vmap();
	else if (!strcmp(family, "ioremap") && argc == 6)
		ops_ioremap(arg1, arg2);
	else if (!strcmp(family, "percpu"))
		ops_percpu();
	else if (!strcmp(family, "context"))
		ops_context();
	else if (!strcmp(family, "mutex"))
		ops_mutex();
	else if (!strcmp(family, "vmalloc-fault"))
		ops_vmalloc_fault();
	else if (!strcmp(family, "mmz") && argc == 7)
		ops_mmz(argv[4], strtoull(argv[5], NULL, 0),
			strtoull(argv[6], NULL, 0));
	else if (!strcmp(family, "kswapd"))
		ops_kswapd();
	else if (!strcmp(family, "null-frees"))
		ops_null_frees();
	else if (!strcmp(family, "frame-cells"))
		ops_frame_cells();
	else if (!strcmp(family, "pageblock-cells"))
		ops_pageblock_cells();
	else if (!strcmp(family, "reports"))
		ops_reports();
	else if (!strcmp(family, "kmap") && argc == 5)
		ops_kmap(arg1);
	else if (!strcmp(family, "page-api") && argc == 5)
		ops_page_api(arg1);
	else if (!strcmp(family, "kmap-atomic") && argc == 6)
		ops_kmap_atomic(arg1, (unsigned int)arg2);
	else if (!strcmp(family, "kmap-park") && argc == 6)
		ops_kmap_park(arg1, (unsigned int)arg2);
	else if (!strcmp(family, "vm"))
		ops_vm();
	else if (!strcmp(family, "oom"))
		ops_oom();
	else if (!strcmp(family, "frag"))
		ops_frag();
	else if (!strcmp(family, "malloc"))
		ops_malloc();
	else if (!strcmp(family, "files"))
		ops_files();
	else if (!strcmp(family, "numa"))
		ops_numa();
	else if (!strcmp(family, "numa-hold") && argc == 5)
		ops_numa_hold((int)arg1);
	else if (!strcmp(family, "cma"))
		ops_cma();
	else if (!strcmp(family, "exit-all") && argc == 6)
		ops_exit_all(arg1, arg2);
	else if (!strcmp(family, "limits") && argc == 6)
		ops_limits(arg1, !strcmp(argv[5], "swap"));
	else if (!strcmp(family, "alloc-park"))
		ops_alloc_park();
	else if (!strcmp(family, "oom-rules"))
		ops_oom_rules();
	else
		EXPECT(0, "no ops family '%s' with %d arguments", family,
		       argc - 4);
	return failures ? 1 : 0;
}

/* ---- service-manager helpers */

static int cmd_notify_listen(int seconds)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
	time_t end = time(NULL) + seconds;
	char buf[1024];

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock);
	unlink(sock);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		perror("notify socket");
		return 1;
	}
	printf("listening\n");
	fflush(stdout);
	while (time(NULL) < end) {
		struct pollfd pfd = {fd, POLLIN, 0};
		ssize_t n;

		if (poll(&pfd, 1, 200) <= 0)
			continue;
		n = recv(fd, buf, sizeof(buf) - 1, 0);
		if (n <= 0)
			continue;
		buf[n] = '\0';
		printf("%s\n", buf);
		fflush(stdout);
		if (strstr(buf, "STOPPING=1"))
			break;
	}
	close(fd);
	unlink(sock);
	return 0;
}

static int cmd_stale_socket(void)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) ||
	    listen(fd, 1))
		return 1;
	return 0; /* exits without unlinking: a dead daemon's socket */
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 3) {
		fputs("usage: mmc_test SOCKET COMMAND [ARGS]\n", stderr);
		return 2;
	}
	sock = argv[1];
	cmd = argv[2];
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(cmd, "workload") && argc == 6)
		return cmd_workload(atoi(argv[3]), atoi(argv[4]),
				    (unsigned int)atoi(argv[5]));
	if (!strcmp(cmd, "baseline"))
		return cmd_baseline();
	if (!strcmp(cmd, "check"))
		return cmd_check();
	if (!strcmp(cmd, "ping") && argc == 4)
		return cmd_ping(atoi(argv[3]));
	if (!strcmp(cmd, "report") && argc == 4)
		return cmd_report(argv[3]);
	if (!strcmp(cmd, "shutdown"))
		return cmd_shutdown();
	if (!strcmp(cmd, "hold") && argc == 4)
		return cmd_hold(atoi(argv[3]));
	if (!strcmp(cmd, "hostile") && argc >= 4) {
		if (argc == 5)
			mmc_test_max_frame = (uint32_t)atoi(argv[4]);
		return cmd_hostile(argv[3]);
	}
	if (!strcmp(cmd, "ops") && argc >= 4)
		return cmd_ops(argc, argv);
	if (!strcmp(cmd, "attack") && argc >= 4)
		return cmd_attack(argc - 3, argv + 3);
	if (!strcmp(cmd, "notify-listen") && argc == 4)
		return cmd_notify_listen(atoi(argv[3]));
	if (!strcmp(cmd, "stale-socket"))
		return cmd_stale_socket();
	fprintf(stderr, "mmc_test: unknown command '%s'\n", cmd);
	return 2;
}
