/* SPDX-License-Identifier: MIT */
/*
 * run.c - mmd's serving loop: boot the machine, listen, serve, stop.
 *
 * Owns: the libuv loop and its long-lived handles (signals, timers, the
 * retry check, the timeouts' tick), readiness and status for the service
 * manager (sd_notify READY, STATUS, WATCHDOG, STOPPING), detaching
 * without --foreground, the descriptors serving max_clients takes
 * (RLIMIT_NOFILE), SIGHUP (logged and otherwise ignored), and an
 * orderly stop that tells every client first. Must never: parse
 * options or read layout files (mmd.c has done both), or call core from
 * anywhere but the loop.
 */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "core/api.h"
#include "daemon/mmd.h"
#include "daemon/server.h"

/* How long stopping waits for clients to take their last replies. */
#define STOP_GRACE_MS	2000
#define STATUS_EVERY_MS 1000
/*
 * Descriptors mmd needs besides one per client: stdio, the listener,
 * RAM and swap, libuv's own, the reserve, refused connections closing
 * (Redis keeps 32 likewise: CONFIG_MIN_RESERVED_FDS).
 */
#define RESERVED_FDS 32

void mmd_update_status(struct mmd *d)
{
	char status[sizeof(d->status)];
	unsigned long free_mib =
		(global_free_pages(d->m) * d->m->page_size) >> 20;

	if (!d->notify)
		return;
	snprintf(status, sizeof(status),
		 "%u clients, %lu MiB free, %lu requests", d->nr_sessions,
		 free_mib, d->nr_requests);
	if (strcmp(status, d->status) == 0)
		return;
	strcpy(d->status, status);
	sd_notifyf(0, "STATUS=%s", status);
}

static void on_status_timer(uv_timer_t *t)
{
	mmd_update_status(t->data);
}

static void on_watchdog_timer(uv_timer_t *t)
{
	(void)t;
	sd_notify(0, "WATCHDOG=1");
}

static void close_handle(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

/*
 * A session is gone. When it was the last: stopping, close every handle
 * so that uv_run returns; else give the heap's free pages back to the
 * host, so that an idle mmd holds what it uses and no more after a
 * burst of clients (glibc keeps them otherwise, touched, in its RSS).
 */
void mmd_session_gone(struct mmd *d)
{
	if (d->nr_handles)
		return;
	if (d->stop_begun)
		uv_walk(d->loop, close_handle, NULL);
	else
		malloc_trim(0);
}

static void on_stop_grace_over(uv_timer_t *t)
{
	struct mmd *d = t->data;

	while (!list_empty(&d->sessions))
		session_close(session_of(d->sessions.next),
			      "did not leave while mmd stopped");
}

static void on_stop_begin(uv_timer_t *t)
{
	struct mmd *d = t->data;

	mmd_unlisten(d);
	d->stop_begun = true;
	sessions_shutdown(d, d->stop_why);
	uv_timer_start(&d->stop_timer, on_stop_grace_over, STOP_GRACE_MS, 0);
	mmd_session_gone(d);
}

/* Begin stopping; the work runs from the loop, after the current call. */
void mmd_stop(struct mmd *d, const char *why)
{
	if (d->stopping)
		return;
	d->stopping = true;
	snprintf(d->stop_why, sizeof(d->stop_why), "%s", why);
	mmd_log("stopping: %s", why);
	if (d->notify)
		sd_notifyf(0, "STOPPING=1\nSTATUS=stopping: %s", why);
	uv_timer_start(&d->stop_timer, on_stop_begin, 0, 0);
}

static void on_signal(uv_signal_t *sig, int signum)
{
	mmd_stop(sig->data, signum == SIGTERM ? "SIGTERM" : "SIGINT");
}

/*
 * SIGHUP asks a daemon to reload. mmd's machine is booted from its
 * layout and cannot change under its clients, and the daemon and limits
 * sections are read where the machine keeps them; so SIGHUP changes
 * nothing, says so, and mmd serves on (a terminal that hangs up on a
 * foreground mmd no longer takes it down either).
 */
static void on_sighup(uv_signal_t *sig, int signum)
{
	(void)sig;
	(void)signum;
	mmd_log(MMD_WARNING
		"SIGHUP: ignored; mmd does not reload its layout: restart "
		"it to serve a changed one");
}

/* The timeouts' tick: a quarter of the shortest, within [10 ms, 1 s]. */
static uint64_t cron_interval(const struct layout_daemon *ld)
{
	uint32_t t[3] = {ld->hello_timeout_ms, ld->frame_timeout_ms,
			 ld->idle_timeout_ms};
	uint64_t tick = 1000;

	for (int i = 0; i < 3; i++)
		if (t[i] && t[i] / 4 < tick)
			tick = t[i] / 4;
	return tick < 10 ? 10 : tick;
}

static void on_cron(uv_timer_t *t)
{
	sessions_check_timeouts(t->data);
}

void mmd_kcompactd_timeout(struct mmd *d)
{
	kcompactd_timeout(d->m);
	d->retry_wanted = true;
}

/*
 * kcompactd sleeps HPAGE_FRAG_CHECK_INTERVAL_MSEC between proactive
 * checks; a timeout that would change nothing is not recorded.
 */
static void on_kcompactd_timer(uv_timer_t *t)
{
	struct mmd *d = t->data;

	if (!kcompactd_timeout_wanted(d->m))
		return;
	record_event(d, REC_KCOMPACTD, NULL, NULL, 0);
	mmd_kcompactd_timeout(d);
}

/*
 * After each turn of the loop: kswapd runs if an allocation woke it (as
 * the kernel's kswapd thread would, between requests), and whoever waits
 * for memory is retried when memory came free.
 */
static void on_check(uv_check_t *c)
{
	mmd_between_requests(c->data);
}

void mmd_between_requests(struct mmd *d)
{
	if (!kswapd_wanted(d->m) && !d->retry_wanted && !wb_wanted(d->m))
		return;
	record_event(d, REC_KSWAPD, NULL, NULL, 0);
	/* The flusher, as kswapd: its own work between requests. */
	if (wb_wanted(d->m))
		wb_workfn(d->m);
	if (kswapd_wanted(d->m) && kswapd_run(d->m))
		d->retry_wanted = true;
	if (!d->retry_wanted)
		return;
	d->retry_wanted = false;
	session_retry_parked(d, false);
}

/* The loop's own handles that serving needs: kswapd, retries, stops. */
static void init_loop_handles(struct mmd *d)
{
	uv_check_init(d->loop, &d->retry_check);
	d->retry_check.data = d;
	uv_check_start(&d->retry_check, on_check);
	uv_timer_init(d->loop, &d->park_timer);
	d->park_timer.data = d;
	uv_timer_init(d->loop, &d->stop_timer);
	d->stop_timer.data = d;
}

/* Signals and the service manager's timers: a daemon's, not a test's. */
static void init_handles(struct mmd *d)
{
	uint64_t usec = 0;

	uv_timer_init(d->loop, &d->status_timer);
	d->status_timer.data = d;
	uv_timer_init(d->loop, &d->watchdog_timer);
	uv_signal_init(d->loop, &d->sigterm);
	d->sigterm.data = d;
	uv_signal_start(&d->sigterm, on_signal, SIGTERM);
	uv_signal_init(d->loop, &d->sigint);
	d->sigint.data = d;
	uv_signal_start(&d->sigint, on_signal, SIGINT);
	uv_signal_init(d->loop, &d->sighup);
	d->sighup.data = d;
	uv_signal_start(&d->sighup, on_sighup, SIGHUP);
	uv_timer_init(d->loop, &d->cron_timer);
	d->cron_timer.data = d;
	uv_timer_start(&d->cron_timer, on_cron,
		       cron_interval(&d->m->layout.daemon),
		       cron_interval(&d->m->layout.daemon));
	uv_timer_init(d->loop, &d->kcompactd_timer);
	d->kcompactd_timer.data = d;
	uv_timer_start(&d->kcompactd_timer, on_kcompactd_timer,
		       HPAGE_FRAG_CHECK_INTERVAL_MSEC,
		       HPAGE_FRAG_CHECK_INTERVAL_MSEC);
	if (!d->notify)
		return;
	uv_timer_start(&d->status_timer, on_status_timer, STATUS_EVERY_MS,
		       STATUS_EVERY_MS);
	/* Pet the watchdog twice per period, as sd_watchdog_enabled asks. */
	if (sd_watchdog_enabled(0, &usec) > 0 && usec >= 2000)
		uv_timer_start(&d->watchdog_timer, on_watchdog_timer, 0,
			       usec / 2000);
}

/*
 * Without --foreground and outside a service manager: fork, and let the
 * parent exit 0 once the child serves (1 if it fails before that).
 */
static int detach(int *ready_fd)
{
	int p[2], devnull;
	char ok = 1;
	pid_t pid;

	if (pipe(p))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid > 0) {
		close(p[1]);
		if (read(p[0], &ok, 1) != 1)
			ok = 1;
		_exit(ok == 0 ? 0 : 1);
	}
	close(p[0]);
	setsid();
	if (chdir("/")) {
		/* "/" always exists; nothing to do if it does not. */
	}
	devnull = open("/dev/null", O_RDWR);
	if (devnull >= 0) {
		dup2(devnull, STDIN_FILENO);
		dup2(devnull, STDOUT_FILENO);
		if (devnull > STDERR_FILENO)
			close(devnull);
	}
	*ready_fd = p[1];
	return 0;
}

static void tell_ready(struct mmd *d)
{
	char ok = 0;

	if (d->notify)
		sd_notifyf(0, "READY=1\nSTATUS=serving '%s' on %s",
			   d->m->layout.name, d->socket_path);
	if (d->ready_fd >= 0) {
		if (write(d->ready_fd, &ok, 1) != 1)
			mmd_log(MMD_ERR "cannot tell the parent we are ready");
		close(d->ready_fd);
		d->ready_fd = -1;
	}
}

/*
 * Each client takes a descriptor: raise RLIMIT_NOFILE's soft limit as
 * far as max_clients needs, and if the hard limit stops short, serve as
 * many clients as fit and say so, as Redis lowers maxclients.
 */
static void fit_open_files(struct mmd *d)
{
	rlim_t want = (rlim_t)d->max_clients + RESERVED_FDS;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (rl.rlim_cur < want) {
		struct rlimit raised = {rl.rlim_max == RLIM_INFINITY ||
							rl.rlim_max >= want
						? want
						: rl.rlim_max,
					rl.rlim_max};

		if (raised.rlim_cur > rl.rlim_cur &&
		    setrlimit(RLIMIT_NOFILE, &raised) == 0)
			rl.rlim_cur = raised.rlim_cur;
	}
	if (rl.rlim_cur >= want)
		return;
	d->max_clients = rl.rlim_cur > RESERVED_FDS + 1
				 ? (unsigned int)(rl.rlim_cur - RESERVED_FDS)
				 : 1;
	if (d->admin_clients >= d->max_clients)
		d->admin_clients = d->max_clients - 1;
	if (d->max_clients_per_uid > d->max_clients)
		d->max_clients_per_uid = d->max_clients;
	mmd_log(MMD_WARNING
		"RLIMIT_NOFILE is %llu, and daemon.max_clients %u needs %llu "
		"descriptors: serving at most %u clients",
		(unsigned long long)rl.rlim_cur,
		d->m->layout.daemon.max_clients, (unsigned long long)want,
		d->max_clients);
}

static int serve(struct mmd *d, const char *path)
{
	int err;

	fit_open_files(d);
	err = mmd_listen(d, path);

	if (err)
		return 1;
	init_handles(d);
	mmd_log("serving '%s' on %s (%u CPUs, %lu MiB)", d->m->layout.name,
		d->socket_path, d->m->nr_cpus,
		(unsigned long)(d->m->layout.memory >> 20));
	tell_ready(d);
	mmd_update_status(d);
	uv_run(d->loop, UV_RUN_DEFAULT);
	mmd_log("stopped");
	return 0;
}

/* protobuf-c's allocator for what outlives a frame: plain malloc. */
static void *heap_alloc(void *data, size_t size)
{
	(void)data;
	return malloc(size);
}

static void heap_free(void *data, void *p)
{
	(void)data;
	free(p);
}

int mmd_init(struct mmd *d, const struct layout *l, uv_loop_t *loop)
{
	d->l = l;
	d->m = machine_create(l);
	if (IS_ERR(d->m)) {
		int err = (int)PTR_ERR(d->m);

		d->m = NULL;
		return err;
	}
	d->loop = loop;
	d->conn = &conn_uv_ops;
	d->max_frame = l->daemon.max_frame_bytes;
	d->max_clients = l->daemon.max_clients;
	d->admin_clients = l->daemon.admin_clients;
	d->max_clients_per_uid = l->daemon.max_clients_per_uid;
	d->reserve_fd = -1;
	d->listen_fd = -1;
	ratelimit_init(&d->refused_rs, "refused connections");
	ratelimit_init(&d->accept_rs, "accept");
	ratelimit_init(&d->exit_rs, "exits");
	pb_arena_init(&d->arena);
	d->heap.alloc = heap_alloc;
	d->heap.free = heap_free;
	d->heap.allocator_data = NULL;
	seq_buf_init(&d->seq);
	INIT_LIST_HEAD(&d->sessions);
	INIT_LIST_HEAD(&d->parked);
	init_loop_handles(d);
	return 0;
}

void mmd_fini(struct mmd *d)
{
	record_stop(d);
	seq_buf_free(&d->seq);
	pb_arena_reset(&d->arena);
	frame_buf_free(&d->out);
	machine_destroy(d->m);
	d->m = NULL;
}

/* Boot, serve until stopped, then close every handle and shut down. */
static int boot_and_serve(struct mmd *d, const struct layout *l,
			  const struct mmd_options *o)
{
	uv_loop_t loop;
	int status = 1, err;

	if (uv_loop_init(&loop)) {
		fputs("mmd: cannot start the event loop\n", stderr);
		return 1;
	}
	err = mmd_init(d, l, &loop);
	if (err)
		fprintf(stderr, "mmd: cannot boot '%s': %s\n", l->name,
			strerror(-err));
	else if (o->record && record_start(d, o->record))
		status = 1;
	else
		status = serve(d, o->socket ? o->socket : l->daemon.socket);
	/* A failed start may leave handles: close them, then stop. */
	uv_walk(&loop, close_handle, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	uv_loop_close(&loop);
	d->listening = false;
	mmd_unlisten(d);
	if (!err)
		mmd_fini(d);
	return status;
}

int mmd_run(const struct layout *l, const struct mmd_options *o)
{
	struct mmd *d = calloc(1, sizeof(*d));
	int status;

	if (!d) {
		fputs("mmd: out of memory\n", stderr);
		return 1;
	}
	d->ready_fd = -1;
	d->notify = getenv("NOTIFY_SOCKET") != NULL;
	if (!o->foreground && !d->notify && !getenv("LISTEN_FDS") &&
	    detach(&d->ready_fd)) {
		fprintf(stderr, "mmd: cannot detach: %s\n", strerror(errno));
		free(d);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN);
	/* Until the loop handles it (and says so), SIGHUP is ignored. */
	signal(SIGHUP, SIG_IGN);
	status = boot_and_serve(d, l, o);
	if (d->ready_fd >= 0)
		close(d->ready_fd);
	free(d);
	return status;
}
