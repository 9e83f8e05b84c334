/* SPDX-License-Identifier: MIT */
/*
 * inject.c - fault injection for test builds (fault.h says how to arm it).
 *
 * Owns: the wrappers -Wl,--wrap puts between a test program and malloc,
 * calloc, realloc, uv_try_write, uv_write, swap_writepage and
 * get_swap_page; libuv's allocator; each site's count of calls and of
 * failures; reading MMD_FAULT_* at start and reporting at exit. A failed
 * allocation returns NULL, as malloc does when the host runs out. A failed
 * write to a client shuts the socket's sending side first, so the write
 * fails in the kernel with EPIPE, synchronously or in uv_write's
 * callback, as it does when the client has gone. Must never: fail a call
 * it was not asked to, or be linked into anything installed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sanitizer/common_interface_defs.h>
#include <uv.h>

#include "core/swap.h"
#include "tests/fault/fault.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
int __real_uv_try_write(uv_stream_t *h, const uv_buf_t bufs[],
			unsigned int nbufs);
int __real_uv_write(uv_write_t *req, uv_stream_t *h, const uv_buf_t bufs[],
		    unsigned int nbufs, uv_write_cb cb);
int __real_swap_writepage(struct machine *m, unsigned long slot,
			  unsigned long pfn);
int __real_get_swap_page(struct machine *m, unsigned long *slot);

void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
int __wrap_uv_try_write(uv_stream_t *h, const uv_buf_t bufs[],
			unsigned int nbufs);
int __wrap_uv_write(uv_write_t *req, uv_stream_t *h, const uv_buf_t bufs[],
		    unsigned int nbufs, uv_write_cb cb);
int __wrap_swap_writepage(struct machine *m, unsigned long slot,
			  unsigned long pfn);
int __wrap_get_swap_page(struct machine *m, unsigned long *slot);

struct site {
	const char *name, *env;
	unsigned long at, times, calls, fired;
};

/* A test program's own state: there is one of each site per process. */
static struct site sites[NR_FAULT_SITES] = {
	[FAULT_ALLOC] = {"alloc", "MMD_FAULT_ALLOC", 0, 0, 0, 0},
	[FAULT_WRITE] = {"write", "MMD_FAULT_WRITE", 0, 0, 0, 0},
	[FAULT_SWAP_WRITE] = {"swap-write", "MMD_FAULT_SWAP_WRITE", 0, 0, 0, 0},
	[FAULT_SWAP_SLOT] = {"swap-slot", "MMD_FAULT_SWAP_SLOT", 0, 0, 0, 0},
};
static bool write_eagain, backtraces;
/* With MMD_FAULT_ON_SIGNAL, only calls between SIGUSR1 and SIGUSR2. */
static volatile sig_atomic_t counting = 1;

void fault_arm(enum fault_site site, unsigned long at, unsigned long times)
{
	sites[site].at = at;
	sites[site].times = times ? times : 1;
	sites[site].calls = 0;
	sites[site].fired = 0;
}

unsigned long fault_calls(enum fault_site site)
{
	return sites[site].calls;
}

unsigned long fault_fired(enum fault_site site)
{
	return sites[site].fired;
}

/* Count a call of site; whether this one is to fail. */
static bool hit(enum fault_site site)
{
	struct site *s = &sites[site];
	unsigned long n;

	if (!counting)
		return false;
	n = ++s->calls;
	if (!s->at || n < s->at || n - s->at >= s->times)
		return false;
	s->fired++;
	if (backtraces) { /* where the failure lands, to find it in code */
		fprintf(stderr, "fault: %s call %lu fails here:\n", s->name, n);
		__sanitizer_print_stack_trace();
	}
	return true;
}

void *__wrap_malloc(size_t size)
{
	return hit(FAULT_ALLOC) ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
	return hit(FAULT_ALLOC) ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
	return hit(FAULT_ALLOC) ? NULL : __real_realloc(p, size);
}

/* The client's end as good as gone: what is written next fails. */
static void shut_sending(uv_stream_t *h)
{
	uv_os_fd_t fd;

	if (uv_fileno((uv_handle_t *)h, &fd) == 0)
		shutdown(fd, SHUT_WR);
}

int __wrap_uv_try_write(uv_stream_t *h, const uv_buf_t bufs[],
			unsigned int nbufs)
{
	if (hit(FAULT_WRITE)) {
		if (write_eagain)
			return UV_EAGAIN;
		shut_sending(h);
	}
	return __real_uv_try_write(h, bufs, nbufs);
}

int __wrap_uv_write(uv_write_t *req, uv_stream_t *h, const uv_buf_t bufs[],
		    unsigned int nbufs, uv_write_cb cb)
{
	/* EAGAIN is uv_try_write's: uv_write itself waits until it can. */
	if (!write_eagain && hit(FAULT_WRITE))
		shut_sending(h);
	return __real_uv_write(req, h, bufs, nbufs, cb);
}

int __wrap_swap_writepage(struct machine *m, unsigned long slot,
			  unsigned long pfn)
{
	return hit(FAULT_SWAP_WRITE) ? -EIO
				     : __real_swap_writepage(m, slot, pfn);
}

int __wrap_get_swap_page(struct machine *m, unsigned long *slot)
{
	return hit(FAULT_SWAP_SLOT) ? -ENOSPC : __real_get_swap_page(m, slot);
}

/* "N" or "N,K" */
static void arm_from_env(enum fault_site site)
{
	const char *v = getenv(sites[site].env);
	unsigned long at, times = 1;
	char *end;

	if (!v || !*v)
		return;
	at = strtoul(v, &end, 10);
	if (*end == ',')
		times = strtoul(end + 1, &end, 10);
	if (*end) {
		fprintf(stderr, "fault: %s=%s: expected N or N,K\n",
			sites[site].env, v);
		exit(2);
	}
	fault_arm(site, at, times);
}

static void report(void)
{
	fputs("fault:", stderr);
	for (int i = 0; i < NR_FAULT_SITES; i++)
		fprintf(stderr, " %s %lu/%lu", sites[i].name, sites[i].fired,
			sites[i].calls);
	fputs(" (failed/calls)\n", stderr);
}

/* SIGUSR1 starts counting (from 0), SIGUSR2 stops it; both say so. */
static void on_signal(int sig)
{
	static const char on[] = "fault: counting\n",
			  off[] = "fault: stopped\n";

	if (sig == SIGUSR1) {
		for (int i = 0; i < NR_FAULT_SITES; i++)
			sites[i].calls = sites[i].fired = 0;
		counting = 1;
		if (write(STDERR_FILENO, on, sizeof(on) - 1) < 0)
			return;
	} else {
		counting = 0;
		if (write(STDERR_FILENO, off, sizeof(off) - 1) < 0)
			return;
	}
}

static void count_on_signal(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	counting = 0;
}

/*
 * Before main, and before libuv allocates anything: libuv's allocations
 * come here too, and the sites are armed.
 */
__attribute__((constructor)) static void fault_init(void)
{
	const char *err = getenv("MMD_FAULT_WRITE_ERR");

	uv_replace_allocator(__wrap_malloc, __wrap_realloc, __wrap_calloc,
			     free);
	for (int i = 0; i < NR_FAULT_SITES; i++)
		arm_from_env((enum fault_site)i);
	write_eagain = err && strcmp(err, "EAGAIN") == 0;
	backtraces = getenv("MMD_FAULT_BACKTRACE") != NULL;
	if (getenv("MMD_FAULT_ON_SIGNAL"))
		count_on_signal();
	if (getenv("MMD_FAULT_REPORT"))
		atexit(report);
}
