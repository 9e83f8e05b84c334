/* SPDX-License-Identifier: MIT */
/*
 * soak.c - clients for the reliability tests: a worker that tolerates a
 * daemon short of memory, a garbage sender, the churn of hundreds of them,
 * and the machine's state to compare before and after.
 *
 * Owns: the client side of tests/integration/fault.sh, soak.sh and
 * memcheck.sh. A worker may see its calls fail for want of memory, or
 * its connection dropped, and that is all it may see: any other error,
 * a reply out of order, or bytes read back other than those written is a
 * violation (exit 1). Must never: be installed; it exists for the tests.
 *
 *   soak SOCK work SEED OPS        one worker; exit 0 done, 2 dropped,
 *                                  1 on a violation
 *   soak SOCK bystander            hold an object and a page with known
 *                                  bytes until stdin ends, then check
 *                                  them; exit as a worker does
 *   soak SOCK garbage SEED         one client sending garbage frames
 *   soak SOCK churn SECS MAX SEED  workers, killers and garbage for SECS,
 *                                  at most MAX clients at once
 *   soak SOCK state                free pages and slab objects, after
 *                                  dropping caches
 *   soak SOCK check                the admin invariant check
 */
#include <errno.h>
#include <fcntl.h>
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

#define MAX_HELD 64

static const char *sock;

/* What a worker holds, so that it can free, read back and verify. */
struct held {
	unsigned long pfn[MAX_HELD];
	unsigned int order[MAX_HELD], nr_pages;
	uint64_t obj[MAX_HELD];
	uint8_t seed[MAX_HELD];
	size_t size[MAX_HELD];
	unsigned int nr_objs;
	uint64_t vm[MAX_HELD];
	unsigned int nr_vm;
	uint64_t cache, cache_obj[MAX_HELD];
	unsigned int nr_cache_objs;
};

struct tally {
	unsigned long ops, ok, short_of_memory;
	int violation; /* why the worker must fail, 0 if it need not */
	int dropped;   /* the connection's end, 0 while it lasts */
};

static unsigned int rnd(unsigned int *state)
{
	*state = *state * 1103515245u + 12345u;
	return (*state >> 16) & 0x7fff;
}

/*
 * Sort a status: fine, short of memory (or quota: the same to a client),
 * the connection gone, or a violation. Returns whether to go on.
 */
static bool judge(struct mmc *c, struct tally *t, int err, const char *what)
{
	t->ops++;
	switch (err) {
	case 0:
		t->ok++;
		return true;
	case -ENOMEM:
	case -EDQUOT:
	case -ENOSPC:
	case -EAGAIN:
		t->short_of_memory++;
		return true;
	case -ECONNRESET:
	case -EPIPE:
	case -ECONNABORTED:
	case -ESHUTDOWN:
		t->dropped = err;
		return false;
	default:
		fprintf(stderr, "soak: %s: %s (%s)\n", what, mmc_strerror(err),
			mmc_errmsg(c));
		t->violation = err;
		return false;
	}
}

static void fill(uint8_t *buf, size_t len, uint8_t seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(seed + i * 13);
}

/* Bytes at addr are what fill(seed) wrote, or the read failed fairly. */
static bool read_back(struct mmc *c, struct tally *t, uint64_t addr, size_t len,
		      uint8_t seed)
{
	uint8_t want[256], got[256];
	int err;

	len = len < sizeof(want) ? len : sizeof(want);
	fill(want, len, seed);
	err = mmc_read(c, addr, got, len);
	if (!judge(c, t, err, "read"))
		return false;
	if (!err && memcmp(want, got, len)) {
		fprintf(stderr, "soak: bytes at %#llx changed\n",
			(unsigned long long)addr);
		t->violation = -EUCLEAN;
		return false;
	}
	return true;
}

static bool op_pages(struct mmc *c, struct held *h, struct tally *t,
		     unsigned int *r)
{
	unsigned int order = rnd(r) % 4;
	gfp_t gfp = rnd(r) % 8 ? GFP_KERNEL : GFP_DMA;
	unsigned long pfn;
	int err;

	if (h->nr_pages == MAX_HELD || (h->nr_pages && rnd(r) % 2)) {
		unsigned int i = rnd(r) % h->nr_pages;

		err = mmc_free_pages(c, h->pfn[i], h->order[i]);
		h->pfn[i] = h->pfn[--h->nr_pages];
		h->order[i] = h->order[h->nr_pages];
		return judge(c, t, err, "free_pages");
	}
	err = mmc_alloc_pages(c, gfp, order, &pfn);
	if (!err) {
		h->pfn[h->nr_pages] = pfn;
		h->order[h->nr_pages++] = order;
	}
	return judge(c, t, err, "alloc_pages");
}

static bool op_kmalloc(struct mmc *c, struct held *h, struct tally *t,
		       unsigned int *r)
{
	uint8_t buf[256];
	uint64_t addr;
	size_t size = 8 + rnd(r) % 2000;
	int err;

	if (h->nr_objs == MAX_HELD || (h->nr_objs && rnd(r) % 2)) {
		unsigned int i = rnd(r) % h->nr_objs;

		if (!read_back(c, t, h->obj[i], h->size[i], h->seed[i]))
			return false;
		err = mmc_kfree(c, h->obj[i]);
		h->nr_objs--;
		h->obj[i] = h->obj[h->nr_objs];
		h->size[i] = h->size[h->nr_objs];
		h->seed[i] = h->seed[h->nr_objs];
		return judge(c, t, err, "kfree");
	}
	err = mmc_kmalloc(c, size, GFP_KERNEL, &addr);
	if (!judge(c, t, err, "kmalloc") || err)
		return !t->violation && !t->dropped;
	h->obj[h->nr_objs] = addr;
	h->size[h->nr_objs] = size;
	h->seed[h->nr_objs] = (uint8_t)rnd(r);
	fill(buf, size < sizeof(buf) ? size : sizeof(buf), h->seed[h->nr_objs]);
	err = mmc_write(c, addr, buf, size < sizeof(buf) ? size : sizeof(buf));
	if (err) /* not written: nothing to read back */
		h->size[h->nr_objs] = 0;
	h->nr_objs++;
	return judge(c, t, err, "write");
}

static bool op_cache(struct mmc *c, struct held *h, struct tally *t,
		     unsigned int *r)
{
	uint64_t addr;
	int err;

	if (!h->cache) {
		char name[32];

		snprintf(name, sizeof(name), "soak_%d_%u", (int)getpid(),
			 rnd(r));
		err = mmc_kmem_cache_create(c, name, 24 + rnd(r) % 300, 8, 0,
					    &h->cache);
		return judge(c, t, err, "kmem_cache_create");
	}
	if (h->nr_cache_objs == MAX_HELD || rnd(r) % 3 == 0) {
		while (h->nr_cache_objs) {
			err = mmc_kmem_cache_free(
				c, h->cache, h->cache_obj[--h->nr_cache_objs]);
			if (!judge(c, t, err, "kmem_cache_free"))
				return false;
		}
		err = mmc_kmem_cache_destroy(c, h->cache);
		h->cache = 0;
		return judge(c, t, err, "kmem_cache_destroy");
	}
	err = mmc_kmem_cache_alloc(c, h->cache, GFP_KERNEL, &addr);
	if (!err)
		h->cache_obj[h->nr_cache_objs++] = addr;
	return judge(c, t, err, "kmem_cache_alloc");
}

static bool op_vmalloc(struct mmc *c, struct held *h, struct tally *t,
		       unsigned int *r)
{
	uint64_t addr;
	int err;

	if (h->nr_vm == MAX_HELD || (h->nr_vm && rnd(r) % 2)) {
		err = mmc_vfree(c, h->vm[--h->nr_vm]);
		return judge(c, t, err, "vfree");
	}
	err = rnd(r) % 2 ? mmc_vmalloc(c, 4096 + rnd(r) % 40000, &addr)
			 : mmc_vzalloc(c, 4096 + rnd(r) % 40000, &addr);
	if (!err)
		h->vm[h->nr_vm++] = addr;
	return judge(c, t, err, "vmalloc");
}

static bool op_other(struct mmc *c, struct tally *t, unsigned int *r)
{
	char *text = NULL;
	uint64_t ptr;
	int err, st[4];

	switch (rnd(r) % 3) {
	case 0:
		err = mmc_report(c, (enum mmc_report)(1 + rnd(r) % 9), &text);
		free(text);
		return judge(c, t, err, "report");
	case 1:
		err = mmc_alloc_percpu(c, 8 + rnd(r) % 200, 8, &ptr);
		if (!err)
			err = mmc_free_percpu(c, ptr);
		return judge(c, t, err, "percpu");
	default:
		mmc_pipeline_begin(c);
		for (int i = 0; i < 4; i++)
			mmc_ping(c);
		err = mmc_pipeline_end(c, st, 4);
		return judge(c, t, err < 0 ? err : 0, "pipeline");
	}
}

static int cmd_work(unsigned int seed, int ops)
{
	struct mmc_options o = {"soak-worker", seed % 2, 0};
	struct tally t = {0};
	struct held h;
	struct mmc *c;
	unsigned int r = seed;
	bool go = true;
	int err;

	memset(&h, 0, sizeof(h));
	err = mmc_connect(sock, &o, &c);
	if (err) {
		/* Refused or dropped at the door: fair when short. */
		fprintf(stderr, "work: connect: %s\n", mmc_strerror(err));
		return err == -ENOMEM || err == -ECONNRESET || err == -EPIPE ||
				       err == -EUSERS
			       ? 2
			       : 1;
	}
	for (int i = 0; i < ops && go; i++) {
		switch (rnd(&r) % 8) {
		case 0:
		case 1:
			go = op_pages(c, &h, &t, &r);
			break;
		case 2:
		case 3:
			go = op_kmalloc(c, &h, &t, &r);
			break;
		case 4:
			go = op_cache(c, &h, &t, &r);
			break;
		case 5:
			go = op_vmalloc(c, &h, &t, &r);
			break;
		default:
			go = op_other(c, &t, &r);
		}
	}
	mmc_close(c); /* what it still holds is the daemon's to free */
	printf("work: %lu ops, %lu ok, %lu short of memory%s%s\n", t.ops, t.ok,
	       t.short_of_memory, t.dropped ? ", dropped: " : "",
	       t.dropped ? mmc_strerror(t.dropped) : "");
	if (t.violation)
		return 1;
	return t.dropped ? 2 : 0;
}

/*
 * A client that was there all along and asked for nothing meanwhile: it
 * must still be served, its bytes intact, whatever happened to others.
 */
static int cmd_bystander(void)
{
	struct mmc_options o = {"bystander", 0, 0};
	struct tally t = {0};
	uint64_t obj = 0, page;
	unsigned long pfn = 0;
	uint8_t bytes[64], line[64];
	struct mmc *c;
	int err = mmc_connect(sock, &o, &c);

	if (err) {
		fprintf(stderr, "bystander: connect: %s\n", mmc_strerror(err));
		return 1;
	}
	fill(bytes, sizeof(bytes), 0x5a);
	err = mmc_kmalloc(c, sizeof(bytes), GFP_KERNEL, &obj);
	err = err ? err : mmc_alloc_pages(c, GFP_KERNEL, 0, &pfn);
	page = mmc_info(c)->page_offset + pfn * mmc_info(c)->page_size;
	err = err ? err : mmc_write(c, obj, bytes, sizeof(bytes));
	err = err ? err : mmc_write(c, page, bytes, sizeof(bytes));
	if (err) {
		fprintf(stderr, "bystander: %s\n", mmc_strerror(err));
		return 1;
	}
	printf("ready\n");
	while (read(0, line, sizeof(line)) > 0)
		;
	if (read_back(c, &t, obj, sizeof(bytes), 0x5a) &&
	    read_back(c, &t, page, sizeof(bytes), 0x5a))
		judge(c, &t, mmc_ping(c), "ping");
	mmc_close(c);
	if (t.violation || t.dropped || t.short_of_memory) {
		fprintf(stderr, "bystander: %s\n",
			t.dropped ? "dropped" : "not served");
		return 1;
	}
	printf("bystander: served, its bytes intact\n");
	return 0;
}

/* ---- garbage */

static int raw_connect(void)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		perror("soak: connect");
		exit(1);
	}
	return fd;
}

/* A Hello frame (version 1, comm "garbage"), built by hand. */
static const uint8_t hello[] = {0,    0,    0,	  13,	0x12, 11,
				0x08, 0x01, 0x12, 0x07, 'g',  'a',
				'r',  'b',  'a',  'g',	'e'};

static void send_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n <= 0)
			return; /* the daemon hung up: fair */
		p += n;
		len -= (size_t)n;
	}
}

/* Frames of random length and bytes; some well framed, some not. */
static int cmd_garbage(unsigned int seed)
{
	unsigned int r = seed;
	uint8_t buf[600];
	int fd = raw_connect();

	if (rnd(&r) % 2)
		send_all(fd, hello, sizeof(hello));
	for (int i = 0; i < 40; i++) {
		uint32_t len = rnd(&r) % 500;

		for (size_t j = 0; j < sizeof(buf); j++)
			buf[j] = (uint8_t)rnd(&r);
		if (rnd(&r) % 4) { /* a believable header */
			buf[0] = buf[1] = 0;
			buf[2] = (uint8_t)(len >> 8);
			buf[3] = (uint8_t)len;
		}
		send_all(fd, buf, 4 + len);
		if (rnd(&r) % 8 == 0) /* read what came back, if anything */
			recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
	}
	close(fd);
	return 0;
}

/* ---- churn */

struct churn {
	unsigned long started, doomed, killed, garbage, finished, dropped,
		failed;
};

static pid_t spawn(int argc, char **argv)
{
	pid_t pid = fork();

	(void)argc;
	if (pid == 0) {
		int devnull = open("/dev/null", 1);

		if (devnull >= 0)
			dup2(devnull, 1);
		execv("/proc/self/exe", argv);
		_exit(127);
	}
	return pid;
}

static void reap(struct churn *ch, int status, bool was_killed)
{
	if (was_killed && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
		ch->killed++;
		return;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		ch->finished++;
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
		ch->dropped++;
	else if (!was_killed)
		ch->failed++;
}

struct child {
	pid_t pid;
	double kill_at; /* 0: left to finish */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void start_one(struct churn *ch, struct child *c, unsigned int *r)
{
	char seed[16], ops[16];
	char *argv[] = {"soak", (char *)sock, "work", seed, ops, NULL};

	snprintf(seed, sizeof(seed), "%u", rnd(r));
	snprintf(ops, sizeof(ops), "%u", 20 + rnd(r) % 400);
	c->kill_at = 0;
	if (rnd(r) % 25 == 0) {
		argv[2] = "garbage";
		argv[4] = NULL;
		ch->garbage++;
	} else if (rnd(r) % 2) {
		/* Half are killed, at a moment anywhere in their work. */
		c->kill_at = now() + (double)(rnd(r) % 300) / 1000.0;
		ch->doomed++;
	}
	c->pid = spawn(5, argv);
	ch->started++;
}

static int cmd_churn(int secs, int max, unsigned int seed)
{
	struct child *kids = calloc((size_t)max, sizeof(*kids));
	double end = now() + secs;
	struct churn ch = {0};
	unsigned int r = seed;
	int status;

	if (!kids)
		return 1;
	for (;;) {
		bool running = false;

		for (int i = 0; i < max; i++) {
			struct child *c = &kids[i];

			if (c->pid && c->kill_at && now() >= c->kill_at)
				kill(c->pid, SIGKILL);
			if (c->pid && waitpid(c->pid, &status, WNOHANG) > 0) {
				reap(&ch, status, c->kill_at != 0);
				c->pid = 0;
			}
			if (!c->pid && now() < end)
				start_one(&ch, c, &r);
			running |= c->pid != 0;
		}
		if (!running)
			break;
		usleep(2000);
	}
	printf("churn: %lu clients, %lu killed with SIGKILL (of %lu meant to "
	       "be; the rest were done first), %lu sending garbage, %lu "
	       "finished, %lu dropped, %lu failed\n",
	       ch.started, ch.killed, ch.doomed, ch.garbage, ch.finished,
	       ch.dropped, ch.failed);
	free(kids);
	return ch.failed ? 1 : 0;
}

/* ---- the machine's state */

static struct mmc *connect_admin(const char *comm)
{
	struct mmc_options o = {comm, 0, 0};
	struct mmc *c;
	int err = mmc_connect(sock, &o, &c);

	if (err) {
		fprintf(stderr, "soak: connect: %s\n", mmc_strerror(err));
		exit(1);
	}
	return c;
}

/* A number from vmstat ("nr_page_table_pages 12"); 0 if it is not there. */
static unsigned long vmstat_item(struct mmc *c, const char *item)
{
	char *text = NULL, *p;
	unsigned long v = 0;
	size_t n = strlen(item);

	if (mmc_report(c, MMC_REPORT_VMSTAT, &text))
		return 0;
	for (p = text; p && *p;
	     p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, item, n) && p[n] == ' ')
			v = strtoul(p + n + 1, NULL, 10);
	free(text);
	return v;
}

/*
 * After dropping caches: free pages plus page-table pages (a table the
 * kernel makes for its vmalloc area stays, as on Linux, so a page may
 * move from free to there; the info lines show both), then active
 * objects per slab cache (slabinfo 2.1), one "slab NAME ACTIVE" line
 * each, and their sum. Lines that must match between two states do not
 * start with "info".
 */
static int cmd_state(void)
{
	struct mmc *c = connect_admin("soak-state");
	unsigned long free_pages = 0, tables, total = 0, active;
	char *text = NULL, *line, *save, name[64];
	int err = mmc_admin_drop_caches(c, &free_pages);

	if (!err)
		err = mmc_report(c, MMC_REPORT_SLABINFO, &text);
	if (err) {
		fprintf(stderr, "soak: state: %s\n", mmc_strerror(err));
		return 1;
	}
	tables = vmstat_item(c, "nr_page_table_pages");
	printf("info free_pages %lu\ninfo page_tables %lu\n", free_pages,
	       tables);
	printf("free_or_tables %lu\n", free_pages + tables);
	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#' ||
		    sscanf(line, "%63s %lu", name, &active) != 2)
			continue;
		printf("slab %s %lu\n", name, active);
		total += active;
	}
	printf("slab_objects %lu\n", total);
	free(text);
	mmc_close(c);
	return 0;
}

static int cmd_check(void)
{
	struct mmc *c = connect_admin("soak-check");
	struct mmc_check chk;
	int err = mmc_admin_check(c, &chk);

	if (err)
		fprintf(stderr, "check: %s: %s\n", mmc_strerror(err),
			mmc_errmsg(c));
	else
		printf("check: clean; %u tasks, %lu exits, %lu leaked blocks, "
		       "%lu leaked objects\n",
		       chk.nr_tasks, chk.exits, chk.leaked_blocks,
		       chk.leaked_objects);
	mmc_close(c);
	return err ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 3) {
		fputs("usage: soak SOCKET COMMAND [ARGS]\n", stderr);
		return 2;
	}
	sock = argv[1];
	cmd = argv[2];
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (!strcmp(cmd, "work") && argc == 5)
		return cmd_work((unsigned int)atoi(argv[3]), atoi(argv[4]));
	if (!strcmp(cmd, "bystander"))
		return cmd_bystander();
	if (!strcmp(cmd, "garbage") && argc == 4)
		return cmd_garbage((unsigned int)atoi(argv[3]));
	if (!strcmp(cmd, "churn") && argc == 6)
		return cmd_churn(atoi(argv[3]), atoi(argv[4]),
				 (unsigned int)atoi(argv[5]));
	if (!strcmp(cmd, "state"))
		return cmd_state();
	if (!strcmp(cmd, "check"))
		return cmd_check();
	fprintf(stderr, "soak: unknown command '%s'\n", cmd);
	return 2;
}
