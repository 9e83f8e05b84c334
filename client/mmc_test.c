/*
 * mmc_test.c - the integration tests' client: drives a real mmd through
 * libmmclient, or through raw frames to play a hostile client.
 *
 * Owns: the client side of tests/integration/mmd_serve.sh. Each command
 * checks what it sees and exits 0 only when everything was exactly as
 * expected, saying what differed on stderr otherwise. Must never: be
 * installed or used as a tool; it exists for the tests.
 *
 *   mmc_test SOCK workload NCLIENTS OPS SEED  random mixed ops, N forks
 *   mmc_test SOCK baseline                    drop caches; free pages
 *   mmc_test SOCK check                       admin invariant check
 *   mmc_test SOCK ping N                      N round trips must work
 *   mmc_test SOCK hostile CASE                one hostile client (below)
 *   mmc_test SOCK hold SECONDS                hold pages, wait for events
 *   mmc_test SOCK shutdown                    admin shutdown request
 *   mmc_test SOCK report KIND                 print a report
 *   mmc_test NOTIFY_PATH notify-listen SECS   print sd_notify datagrams
 *   mmc_test PATH stale-socket                leave a dead socket file
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "client/mmclient.h"
#include "proto/frame.h"
#include "proto/mm.pb-c.h"

static const char *sock;
static int failures;
static uint32_t mmc_test_max_frame = 1u << 20; /* the daemon's, for tests */

#define EXPECT(cond, ...)                                                      \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);        \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			failures++;                                            \
		}                                                              \
	} while (0)

static struct mmc *connect_as(const char *comm, unsigned int cpu)
{
	struct mmc_options o = {comm, cpu, 0};
	struct mmc *c;
	int err = mmc_connect(sock, &o, &c);

	if (err) {
		fprintf(stderr, "connect: %s: %s\n", mmc_strerror(err),
			mmc_errmsg(NULL));
		exit(1);
	}
	return c;
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
};

/* An op that may not be built in core yet: 0 or -ENOSYS are fine. */
static bool ok_or_nosys(int err)
{
	return err == 0 || err == -ENOSYS;
}

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
	EXPECT(ok_or_nosys(err), "kmalloc: %s (%s)", mmc_strerror(err),
	       mmc_errmsg(c));
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
	EXPECT(ok_or_nosys(err), "vmalloc: %s (%s)", mmc_strerror(err),
	       mmc_errmsg(c));
	if (!err)
		h->vms[h->nr_vms++] = addr;
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
	EXPECT(ok_or_nosys(err), "write: %s (%s)", mmc_strerror(err),
	       mmc_errmsg(c));
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
		switch (rand() % 10) {
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
	int err = mmc_admin_drop_caches(c, &free_pages);

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

static int raw_connect(void)
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

static void send_bytes(int fd, const void *p, size_t len)
{
	if (send(fd, p, len, MSG_NOSIGNAL) != (ssize_t)len) {
		perror("send");
		exit(1);
	}
}

static void send_msg(int fd, const ProtobufCMessage *msg)
{
	struct frame_buf b;

	frame_buf_init(&b);
	frame_append(&b, msg, UINT32_MAX);
	send_bytes(fd, b.data, b.len);
	frame_buf_free(&b);
}

/* The next reply, or NULL at EOF or after timeout_ms. */
static Mm__Reply *recv_reply(int fd, int timeout_ms)
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

static void send_hello(int fd, uint32_t version, uint32_t cpu, int adj)
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

static void send_ping(int fd, uint64_t id)
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

static void send_len(int fd, uint32_t len)
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
	/* Request{id=5, field 150 (varint) = 1}: an op from the future. */
	static const uint8_t unknown[] = {0,	0,    0,    5,	 0x08,
					  0x05, 0xb0, 0x09, 0x01};
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

/* Someone else's pfn is not ours to free, take or read. */
static void hostile_handles(void)
{
	struct mmc *a = connect_as("owner", 0), *b = connect_as("thief", 1);
	const struct mmc_info *info = mmc_info(a);
	unsigned long pfn;
	char buf[16];
	int err;

	EXPECT(mmc_alloc_pages(a, GFP_KERNEL, 1, &pfn) == 0, "alloc");
	err = mmc_free_pages(b, pfn, 1);
	EXPECT(err == -EPERM, "free of another's block: %s", mmc_strerror(err));
	printf("free another's: %s\n", mmc_errmsg(b));
	err = mmc_get_page(b, pfn);
	EXPECT(err == -EPERM, "get_page of another's: %s", mmc_strerror(err));
	err = mmc_put_page(b, pfn);
	EXPECT(err == -EPERM, "put_page of another's: %s", mmc_strerror(err));
	err = mmc_read(b, info->page_offset + pfn * info->page_size, buf, 16);
	EXPECT(err == -EFAULT || err == -ENOSYS, "read of another's: %s",
	       mmc_strerror(err));
	err = mmc_kfree(b, info->page_offset + pfn * info->page_size);
	EXPECT(err != 0, "kfree of another's page succeeded");
	{
		char *text = NULL;

		/* Root is admin here; others would get -EPERM. */
		err = mmc_report_pid(b, MMC_REPORT_STATUS, mmc_pid(a), &text);
		EXPECT(err == (mmc_info(b)->admin ? 0 : -EPERM),
		       "status of another: %s", mmc_strerror(err));
		free(text);
	}
	EXPECT(mmc_free_pages(a, pfn, 1) == 0, "the owner's free");
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

/* Memory is short: a NOFAIL allocation waits until someone frees. */
static void hostile_park(void)
{
	struct mmc *hog = connect_as("hog", 0),
		   *waiter = connect_as("waiter", 1);
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
	if (!strcmp(cmd, "notify-listen") && argc == 4)
		return cmd_notify_listen(atoi(argv[3]));
	if (!strcmp(cmd, "stale-socket"))
		return cmd_stale_socket();
	fprintf(stderr, "mmc_test: unknown command '%s'\n", cmd);
	return 2;
}
