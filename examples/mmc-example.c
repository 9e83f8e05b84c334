/* SPDX-License-Identifier: MIT */
/*
 * mmc-example.c - a small, commented client of mmd: one simulated
 * process that allocates pages and kernel objects, writes and reads
 * bytes in the machine's RAM, maps anonymous memory and faults two of
 * its pages in, holds what it has for a while, then gives it all back.
 *
 * Owns: nothing but itself; it is the example libmmclient(3) and
 * `make install` ship, and the load mmctl's tests and `make demo` put on
 * a machine. Must never: use anything but <mmclient.h>.
 *
 *   mmc-example [-s SOCKET] [-c NAME] [-p BLOCKS] [-o OBJECTS]
 *               [-m KB] [-a MB [-f]] [-w SECONDS]
 *
 *   -s SOCKET   mmd's socket (default: $MMD_SOCKET, else /run/mmd/mmd.sock)
 *   -c NAME     the process name mmd shows in ps (default "example")
 *   -p BLOCKS   page blocks to allocate, of orders 0, 1, 2, 3, 0, ...
 *   -o OBJECTS  objects to take from a slab cache of its own (named
 *               NAME_cache), and as many from kmalloc
 *   -m KB       also take an MMZ block of KB KiB (media layouts only)
 *   -a MB       map MB MiB of anonymous memory and write every page of
 *               it, so that each faults a frame in (and, on a machine
 *               with less free memory, pushes older pages out to swap)
 *   -f          then fork: the child writes the first half again, and
 *               each page it writes is copied (copy-on-write)
 *   -w SECONDS  hold everything that long before freeing it (default 0);
 *               "holding" is printed once all is allocated
 *
 * Build it against an installed libmmclient:
 *   cc mmc-example.c $(pkg-config --cflags --libs mmclient)
 */
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <mmclient.h>

#define MAX_BLOCKS  64
#define MAX_OBJECTS 256

struct holdings {
	unsigned long pfn[MAX_BLOCKS];
	unsigned int order[MAX_BLOCKS], nr_blocks;
	uint64_t cache, cache_obj[MAX_OBJECTS], kmalloc_obj[MAX_OBJECTS];
	unsigned int nr_objects;
	uint64_t vmalloc_area, mmz_phys;
	uint64_t anon;	       /* 16 pages of the process's own address space */
	uint64_t big, big_len; /* -a: memory written page by page */
	int child;	       /* -f: the forked process, 0 if none */
};

/* The largest batch of writes sent before their replies are read. */
#define WRITE_BATCH 256

/* Every call returns 0 or a negative errno; mmc_errmsg says why. */
static int fail(struct mmc *c, const char *what, int err)
{
	fprintf(stderr, "mmc-example: %s: %s: %s\n", what, mmc_strerror(err),
		mmc_errmsg(c));
	return 1;
}

/* The daemon may tell us, unasked, that it stops or killed us. */
static void on_event(struct mmc *c, const struct mmc_event *ev, void *data)
{
	(void)c;
	(void)data;
	printf("event: %s: %s\n",
	       ev->kind == MMC_EVENT_SHUTTING_DOWN ? "shutting down"
						   : "OOM-killed",
	       ev->message ? ev->message : "");
	fflush(stdout);
}

static int allocate(struct mmc *c, struct holdings *h, const char *comm,
		    unsigned int blocks, unsigned int objects,
		    unsigned long mmz_kb)
{
	const char msg[] = "hello, simulated RAM";
	const unsigned long node0 = 1; /* a nodemask: node 0 alone */
	char back[sizeof(msg)], name[32];
	int err;

	/* Page blocks: 2^order pages each, named by their first pfn. */
	for (h->nr_blocks = 0; h->nr_blocks < blocks; h->nr_blocks++) {
		unsigned int i = h->nr_blocks;

		h->order[i] = i % 4;
		err = mmc_alloc_pages(c, GFP_KERNEL, h->order[i], &h->pfn[i]);
		if (err)
			return fail(c, "alloc_pages", err);
	}
	/* A slab cache of our own (cache names are unique in the machine:
	 * NAME_cache), and objects from it and from kmalloc: objects are
	 * named by their kernel virtual address. */
	snprintf(name, sizeof(name), "%s_cache", comm);
	err = mmc_kmem_cache_create(c, name, 192, 0, 0, &h->cache);
	if (err)
		return fail(c, "kmem_cache_create", err);
	for (h->nr_objects = 0; h->nr_objects < objects; h->nr_objects++) {
		unsigned int i = h->nr_objects;

		err = mmc_kmem_cache_alloc(c, h->cache, GFP_KERNEL,
					   &h->cache_obj[i]);
		if (!err)
			err = mmc_kmalloc(c, 64 + 32 * (i % 4), GFP_KERNEL,
					  &h->kmalloc_obj[i]);
		if (err)
			return fail(c, "object", err);
	}
	/* Four pages of the vmalloc area: bytes written there land in the
	 * frames behind it, and read back the same. */
	err = mmc_vmalloc(c, 4 * (unsigned long)mmc_info(c)->page_size,
			  &h->vmalloc_area);
	if (!err)
		err = mmc_write(c, h->vmalloc_area, msg, sizeof(msg));
	if (!err)
		err = mmc_read(c, h->vmalloc_area, back, sizeof(back));
	if (err)
		return fail(c, "vmalloc", err);
	if (memcmp(msg, back, sizeof(msg))) {
		fprintf(stderr, "mmc-example: read back other bytes\n");
		return 1;
	}
	/* As a program would: 16 pages of anonymous memory (pid 0 is our
	 * own process). Mapping costs nothing; the first write to a page
	 * faults a frame in, so two writes make an RSS of two pages. */
	err = mmc_mmap(c, 0, 0, 16 * (uint64_t)mmc_info(c)->page_size,
		       PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       &h->anon);
	/* Prefer node 0 for its pages, as mbind(2) would (<numaif.h>'s
	 * MPOL_ constants: mmclient.h has them too). */
	if (!err)
		err = mmc_mbind(c, 0, h->anon,
				16 * (uint64_t)mmc_info(c)->page_size,
				MPOL_PREFERRED, &node0, 2, 0);
	for (unsigned int i = 0; i < 2 && !err; i++)
		err = mmc_write_vm(c, 0,
				   h->anon + i * 8 * mmc_info(c)->page_size,
				   msg, sizeof(msg), NULL);
	if (err)
		return fail(c, "mmap", err);
	if (mmz_kb) {
		err = mmc_mmz_alloc(c, NULL, "example", mmz_kb * 1024, 0,
				    &h->mmz_phys);
		if (err)
			return fail(c, "mmz_alloc", err);
	}
	return 0;
}

/*
 * Write one word into each page of [addr, addr + len) of process pid:
 * each first write faults. The writes go out in pipelined batches, so a
 * round trip is paid per batch rather than per page.
 */
static int touch_pages(struct mmc *c, int pid, uint64_t addr, uint64_t len)
{
	static int statuses[WRITE_BATCH];
	uint64_t page = mmc_info(c)->page_size;

	for (uint64_t off = 0; off < len; off += WRITE_BATCH * page) {
		int n;

		mmc_pipeline_begin(c);
		for (uint64_t p = off; p < len && p < off + WRITE_BATCH * page;
		     p += page)
			mmc_write_vm(c, pid, addr + p, &p, sizeof(p), NULL);
		n = mmc_pipeline_end(c, statuses, WRITE_BATCH);
		if (n < 0)
			return n;
		for (int i = 0; i < n && i < WRITE_BATCH; i++)
			if (statuses[i])
				return statuses[i];
	}
	return 0;
}

/* -a and -f: a program's working set, and a fork that shares it. */
static int use_memory(struct mmc *c, struct holdings *h, unsigned long mb,
		      bool do_fork)
{
	int err;

	h->big_len = (uint64_t)mb << 20;
	err = mmc_mmap(c, 0, 0, h->big_len, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, &h->big);
	if (!err)
		err = touch_pages(c, 0, h->big, h->big_len);
	if (err)
		return fail(c, "writing anonymous memory", err);
	if (!do_fork)
		return 0;
	err = mmc_fork(c, 0, &h->child);
	if (!err)
		err = touch_pages(c, h->child, h->big, h->big_len / 2);
	return err ? fail(c, "fork", err) : 0;
}

static void keep_first(int *err, int e)
{
	if (!*err)
		*err = e;
}

/* Free in reverse; closing would free it all too (and count a leak). */
static int release(struct mmc *c, struct holdings *h)
{
	int err = 0;

	if (h->mmz_phys)
		keep_first(&err, mmc_mmz_free(c, h->mmz_phys));
	keep_first(&err, mmc_munmap(c, 0, h->anon,
				    16 * (uint64_t)mmc_info(c)->page_size));
	if (h->child)
		keep_first(&err, mmc_exit_process(c, h->child));
	if (h->big_len)
		keep_first(&err, mmc_munmap(c, 0, h->big, h->big_len));
	keep_first(&err, mmc_vfree(c, h->vmalloc_area));
	for (unsigned int i = 0; i < h->nr_objects; i++) {
		keep_first(&err, mmc_kfree(c, h->kmalloc_obj[i]));
		keep_first(&err,
			   mmc_kmem_cache_free(c, h->cache, h->cache_obj[i]));
	}
	keep_first(&err, mmc_kmem_cache_destroy(c, h->cache));
	for (unsigned int i = 0; i < h->nr_blocks; i++)
		keep_first(&err, mmc_free_pages(c, h->pfn[i], h->order[i]));
	return err ? fail(c, "free", err) : 0;
}

/* Hold for seconds, delivering events meanwhile; 1 if the daemon went. */
static int hold(struct mmc *c, unsigned int seconds)
{
	for (unsigned int ms = 0; ms < seconds * 1000; ms += 100) {
		struct pollfd pfd = {mmc_fd(c), POLLIN, 0};

		if (poll(&pfd, 1, 100) > 0 && mmc_process_events(c) < 0)
			return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct mmc_options opts = {"example", 0, 0};
	unsigned int blocks = 4, objects = 16, wait_s = 0;
	unsigned long mmz_kb = 0, anon_mb = 0;
	bool do_fork = false;
	const char *sock = NULL;
	struct holdings h;
	struct mmc *c;
	int opt, ret;

	while ((opt = getopt(argc, argv, "s:c:p:o:m:a:fw:")) != -1) {
		switch (opt) {
		case 's':
			sock = optarg;
			break;
		case 'c':
			opts.comm = optarg;
			break;
		case 'p':
			blocks = (unsigned int)atoi(optarg);
			break;
		case 'o':
			objects = (unsigned int)atoi(optarg);
			break;
		case 'm':
			mmz_kb = strtoul(optarg, NULL, 0);
			break;
		case 'a':
			anon_mb = strtoul(optarg, NULL, 0);
			break;
		case 'f':
			do_fork = true;
			break;
		case 'w':
			wait_s = (unsigned int)atoi(optarg);
			break;
		default:
			fprintf(stderr,
				"usage: mmc-example [-s SOCKET] [-c NAME] "
				"[-p BLOCKS] [-o OBJECTS] [-m KB] "
				"[-a MB [-f]] [-w SECONDS]\n");
			return 2;
		}
	}
	if (blocks > MAX_BLOCKS || objects > MAX_OBJECTS) {
		fprintf(stderr,
			"mmc-example: at most %d blocks and %d "
			"objects\n",
			MAX_BLOCKS, MAX_OBJECTS);
		return 2;
	}
	/* Connecting makes this program a process of the machine. */
	if (mmc_connect(sock, &opts, &c)) {
		fprintf(stderr, "mmc-example: %s\n", mmc_errmsg(NULL));
		return 1;
	}
	mmc_set_event_handler(c, on_event, NULL);
	memset(&h, 0, sizeof(h));
	ret = allocate(c, &h, opts.comm, blocks, objects, mmz_kb);
	if (!ret && anon_mb)
		ret = use_memory(c, &h, anon_mb, do_fork);
	if (!ret) {
		printf("pid %d on %s (%s): %u page blocks, %u cache objects, "
		       "%u kmalloc objects, a vmalloc area at 0x%llx%s\n",
		       mmc_pid(c), mmc_info(c)->machine, mmc_info(c)->arch,
		       h.nr_blocks, h.nr_objects, h.nr_objects,
		       (unsigned long long)h.vmalloc_area,
		       h.mmz_phys ? ", an MMZ block" : "");
		if (h.big_len)
			printf("pid %d wrote %lu MiB of anonymous memory%s\n",
			       mmc_pid(c), anon_mb,
			       h.child ? "; its child rewrote half of it" : "");
		printf("holding\n");
		fflush(stdout);
		if (hold(c, wait_s))
			ret = 1; /* the daemon stopped: nothing to free */
		else
			ret = release(c, &h);
	}
	/* The process exits: whatever it still held is freed by mmd. */
	mmc_close(c);
	return ret;
}
