/* SPDX-License-Identifier: MIT */
/*
 * session.c - one client connection: a process of the machine.
 *
 * Owns: admitting connections (or turning them away: past max_clients,
 * into the slots kept for admins, past a user's share), cutting input
 * into frames, decoding them, handing them to dispatch in order, writing
 * replies in few writes, flow control (a session whose replies go unread
 * is not read from), parking requests that must wait and retrying them,
 * the timeouts of a connection that never says Hello or never finishes
 * a frame, and exit. The bytes come and go through d->conn (conn.c: the
 * socket), so all of this runs without one under the fuzzing harness. Must
 * never: block the loop, buffer without bound for a client, answer out of
 * order, touch the socket itself, or let a session's end leave anything
 * it owned behind.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/api.h"
#include "daemon/server.h"

/* Unprocessed request bytes past which a blocked session is not read. */
#define SESSION_IN_HIGH (256u * 1024)

static void session_process(struct session *s);

static bool session_blocked(const struct session *s)
{
	return s->write_bytes + frame_buf_used(&s->out) >= SESSION_OUT_HIGH ||
	       s->in_flight >= s->d->m->layout.limits.requests;
}

/*
 * Enough input waits to be served: stop reading. Only whole frames
 * count, since a frame longer than the mark can only be served once all
 * of it is in; stopping halfway would wait for it forever.
 */
static bool session_input_full(const struct session *s)
{
	const uint8_t *body;
	uint32_t len;

	return frame_buf_used(&s->in) >= SESSION_IN_HIGH &&
	       frame_next(&s->in, s->d->max_frame, &body, &len) != 0;
}

static void session_update_reading(struct session *s)
{
	bool want = !s->closing && !s->close_after_flush &&
		    !session_blocked(s) && !session_input_full(s);

	if (want == s->reading)
		return;
	s->reading = want;
	s->d->conn->read(s, want);
}

void session_free(struct session *s)
{
	struct mmd *d = s->d;

	frame_buf_free(&s->in);
	frame_buf_free(&s->out);
	report_data_drop(s);
	free(s);
	d->nr_handles--;
	mmd_session_gone(d);
}

static void unpark(struct session *s)
{
	mmd_list_del_init(&s->park_node);
	mm__request__free_unpacked(s->parked, &s->d->heap);
	s->parked = NULL;
	s->in_flight--;
}

/* The session's task exits and gives back all it still owns. */
static void session_exit_task(struct session *s, const char *why)
{
	struct mmd *d = s->d;
	struct task_leaks leaks = {0, 0};

	task_exit(d->m, s->pid, &leaks);
	d->nr_tasks--;
	d->nr_exits++;
	d->leaked_blocks += leaks.pages;
	d->leaked_objects += leaks.objects;
	d->retry_wanted = true;
	if (leaks.pages || leaks.objects || why)
		mmd_log_ratelimited(&d->exit_rs, uv_now(d->loop),
				    "pid %d (host pid %d, uid %u) exited%s%s: "
				    "freed %lu page blocks and %lu objects it "
				    "still held",
				    s->pid, (int)s->host_pid,
				    (unsigned int)s->uid, why ? ": " : "",
				    why ? why : "", leaks.pages, leaks.objects);
	s->pid = 0;
}

/* Exit, for whatever reason: the task gives back all it still owns. */
void session_close(struct session *s, const char *why)
{
	struct mmd *d = s->d;

	if (s->closing)
		return;
	s->closing = true;
	if (s->serial)
		record_event(d, REC_CLOSE, s, NULL, 0);
	if (s->parked)
		unpark(s);
	if (s->pid)
		session_exit_task(s, why);
	if (!s->refused) {
		mmd_list_del_init(&s->node);
		d->nr_sessions--;
	}
	d->conn->close(s);
}

static void maybe_finish(struct session *s)
{
	if (s->close_after_flush && !s->closing && !s->write_bytes &&
	    !frame_buf_used(&s->out))
		session_close(s, NULL);
}

void session_written(struct write_req *w, int status)
{
	struct session *s = w->s;

	s->write_bytes -= w->len;
	s->in_flight -= w->nreplies;
	free(w->data);
	free(w);
	if (s->closing)
		return;
	if (status < 0) {
		session_close(s, uv_strerror(status));
		return;
	}
	session_process(s);
}

/* Write what is queued: straight away if the socket takes it, else once. */
static void session_flush(struct session *s)
{
	size_t used = frame_buf_used(&s->out);
	const struct conn_ops *conn = s->d->conn;
	struct write_req *w;
	int n;

	if (!used || s->closing)
		return;
	if (!s->write_bytes) {
		n = conn->try_write(s, s->out.data + s->out.start, used);
		if (n == (int)used) {
			s->in_flight -= s->out_replies;
			s->out_replies = 0;
			s->out.start = s->out.len = 0;
			return;
		}
		if (n < 0 && n != UV_EAGAIN) {
			session_close(s, uv_strerror(n));
			return;
		}
		if (n > 0) {
			s->out.start += (size_t)n;
			used -= (size_t)n;
		}
	}
	w = malloc(sizeof(*w));
	if (!w) {
		session_close(s, "out of host memory");
		return;
	}
	/* The buffer itself goes with the write: no copy. */
	frame_buf_compact(&s->out);
	w->s = s;
	w->data = s->out.data;
	w->len = used;
	w->nreplies = s->out_replies;
	frame_buf_init(&s->out);
	s->out_replies = 0;
	s->write_bytes += used;
	n = conn->write(s, w);
	if (n < 0) {
		s->write_bytes -= used;
		s->in_flight -= w->nreplies;
		free(w->data);
		free(w);
		session_close(s, uv_strerror(n));
	}
}

/* A read's reply: its bytes are in the out buffer already (do_read). */
static void commit_data_reply(struct session *s, const struct reply *r)
{
	Mm__Reply head = r->rep;

	head.result_case = MM__REPLY__RESULT__NOT_SET;
	codec_data_reply_commit(&s->out, &head, (uint32_t)r->rep.data.len);
}

/* Queue a reply; counted as in flight until the socket has it. */
static void queue_reply(struct session *s, struct reply *r, bool counted)
{
	int err = 0;

	if (r->data_in_place)
		commit_data_reply(s, r);
	else
		err = codec_append(&s->out, &r->rep.base, s->d->max_frame);
	if (err == -EMSGSIZE) {
		uint64_t id = r->rep.id;

		reply_release(r);
		reply_init(r, id);
		reply_error(r, -EMSGSIZE,
			    "the reply would exceed the %u-byte frame limit",
			    s->d->max_frame);
		err = codec_append(&s->out, &r->rep.base, s->d->max_frame);
	}
	if (err) {
		session_close(s, "out of host memory for a reply");
		return;
	}
	if (counted) {
		s->out_replies++;
		s->in_flight++;
	}
}

void session_send_event(struct session *s, struct reply *r)
{
	if (s->closing)
		return;
	queue_reply(s, r, false);
	session_flush(s);
}

struct session *session_by_pid(struct mmd *d, int pid)
{
	struct list_head *pos;

	list_for_each(pos, &d->sessions)
	{
		if (session_of(pos)->pid == pid)
			return session_of(pos);
	}
	return NULL;
}

/* Tell s that the OOM killer killed pid: itself or a process it forked. */
static void send_oom_event(struct session *s, int pid)
{
	struct reply r;

	reply_init(&r, 0);
	mm__event__init(&r.event);
	mm__oom_killed__init(&r.oom);
	r.oom.pid = pid;
	snprintf(r.msg, sizeof(r.msg),
		 "out of memory: pid %d was killed to free memory", pid);
	r.oom.message = r.msg;
	r.event.kind_case = MM__EVENT__KIND_OOM_KILLED;
	r.event.oom_killed = &r.oom;
	r.rep.result_case = MM__REPLY__RESULT_EVENT;
	r.rep.event = &r.event;
	session_send_event(s, &r);
}

/*
 * The OOM killer chose victims: each exits now, giving back what it
 * held. A session's own process takes its connection with it; a process
 * it forked goes alone, and the session hears of both.
 */
static void reap_oom_kills(struct mmd *d)
{
	struct oom_kill kill;

	while (oom_next_kill(d->m, &kill)) {
		const struct task_struct *t = find_task_by_pid(d->m, kill.pid);
		struct session *s = t ? session_by_pid(d, t->leader) : NULL;

		if (!t)
			continue;
		mmd_log(MMD_WARNING "pid %d (%s) was OOM-killed", kill.pid,
			kill.comm);
		if (!s || s->pid != kill.pid) {
			task_exit(d->m, kill.pid, NULL);
			d->retry_wanted = true;
			if (s)
				send_oom_event(s, kill.pid);
			continue;
		}
		if (s->parked)
			unpark(s);
		session_exit_task(s, "killed by the OOM killer");
		send_oom_event(s, kill.pid);
		s->close_after_flush = true;
		maybe_finish(s);
	}
}

static void on_park_tick(uv_timer_t *timer)
{
	struct mmd *d = timer->data;

	record_event(d, REC_TICK, NULL, NULL, 0);
	session_retry_parked(d, true);
}

static void park(struct session *s, Mm__Request *rq, uint32_t timeout_ms)
{
	struct mmd *d = s->d;
	uint64_t now = uv_now(d->loop);

	s->parked = rq;
	s->park_since = now;
	s->park_deadline = timeout_ms ? now + timeout_ms : 0;
	s->in_flight++;
	if (list_empty(&d->parked))
		uv_timer_start(&d->park_timer, on_park_tick, PARK_TICK_MS,
			       PARK_TICK_MS);
	list_add_tail(&s->park_node, &d->parked);
}

/* Answer rq with r, then see whether the machine lost tasks. */
static void finish_request(struct session *s, Mm__Request *rq, struct reply *r)
{
	struct mmd *d = s->d;

	queue_reply(s, r, true);
	reply_release(r);
	if (rq && request_may_free(rq))
		d->retry_wanted = true;
	reap_oom_kills(d);
}

static void handle_frame(struct session *s, const uint8_t *body, uint32_t len)
{
	struct mmd *d = s->d;
	Mm__Request *rq;
	Mm__Request *kept;
	struct reply r;

	record_event(d, REC_FRAME, s, body, len);
	rq = codec_unpack_request(&d->arena, len, body);

	s->requests++;
	d->nr_requests++;
	if (!rq) {
		reply_init(&r, 0);
		reply_error(&r, -EBADMSG,
			    "a frame of %u bytes that is not a Request message",
			    len);
		finish_request(s, NULL, &r);
		pb_arena_reset(&d->arena);
		return;
	}
	reply_init(&r, rq->id);
	if (dispatch(s, rq, &r) != DISPATCH_PARK) {
		finish_request(s, rq, &r);
		pb_arena_reset(&d->arena);
		return;
	}
	/* It waits beyond this frame's bytes and the arena: its own copy. */
	reply_release(&r);
	pb_arena_reset(&d->arena);
	kept = mm__request__unpack(&d->heap, len, body);
	if (kept) {
		park(s, kept, r.park_timeout_ms);
		/* Its attempt may have killed: the victim's exit frees. */
		reap_oom_kills(d);
		return;
	}
	uapi_wait_cancel(d->m, s->pid);
	reply_init(&r, r.rep.id);
	reply_error(&r, -ENOMEM, "no host memory to wait with");
	finish_request(s, NULL, &r);
}

/* A frame too long to take: say so, and close; the stream is lost. */
static void refuse_frame(struct session *s, uint32_t len)
{
	struct reply r;

	reply_init(&r, 0);
	reply_error(&r, -EMSGSIZE,
		    "a frame of %u bytes exceeds the maximum of %u", len,
		    s->d->max_frame);
	queue_reply(s, &r, false);
	s->close_after_flush = true;
	mmd_log_ratelimited(&s->d->refused_rs, uv_now(s->d->loop),
			    MMD_WARNING "pid %d (host pid %d): %s; closing",
			    s->pid, (int)s->host_pid, r.msg);
}

static void swap_bufs(struct frame_buf *a, struct frame_buf *b)
{
	struct frame_buf t = *a;

	*a = *b;
	*b = t;
}

/*
 * Replies are built in one buffer the daemon lends to whichever session
 * it serves, rather than in each session's own: that one stays in the
 * CPU's cache (a pipeline of 4 KiB reads is 128 KiB a session). Only a
 * session with nothing unsent borrows it, and gives it back once all it
 * holds is written; else the session keeps it and the daemon its own.
 */
static bool lend_out_buf(struct session *s)
{
	struct mmd *d = s->d;

	if (d->out_lent || s->closing || s->write_bytes ||
	    frame_buf_used(&s->out))
		return false;
	swap_bufs(&s->out, &d->out);
	d->out_lent = true;
	return true;
}

static void return_out_buf(struct session *s)
{
	struct mmd *d = s->d;

	d->out_lent = false;
	if (!frame_buf_used(&s->out))
		swap_bufs(&s->out, &d->out);
}

static void serve_frames(struct session *s);

/* Run the frames that have arrived, in order, until one must wait. */
static void session_process(struct session *s)
{
	bool lent = lend_out_buf(s);

	serve_frames(s);
	if (lent)
		return_out_buf(s);
}

static void serve_frames(struct session *s)
{
	const uint8_t *body;
	uint32_t len;
	int rc;

	for (;;) {
		while (!s->closing && !s->close_after_flush && !s->parked &&
		       !session_blocked(s)) {
			rc = frame_next(&s->in, s->d->max_frame, &body, &len);
			if (rc == 0)
				break;
			if (rc < 0) {
				refuse_frame(s, len);
				break;
			}
			handle_frame(s, body, len);
			frame_consume(&s->in, len);
		}
		if (s->closing)
			return;
		session_flush(s);
		if (s->closing)
			return;
		/* The socket took it all at once: go on with what is read. */
		if (s->close_after_flush || s->parked || session_blocked(s) ||
		    frame_next(&s->in, s->d->max_frame, &body, &len) == 0)
			break;
	}
	maybe_finish(s);
	if (!s->closing)
		session_update_reading(s);
}

void session_received(struct session *s)
{
	s->last_input = uv_now(s->d->loop);
	session_process(s);
}

void session_eof(struct session *s)
{
	/* Half-closed: answer what came, then go. */
	s->close_after_flush = true;
	if (s->parked)
		session_close(s, frame_buf_used(&s->in)
					 ? "disconnected mid-frame"
					 : NULL);
	else if (frame_buf_used(&s->in))
		session_close(s, "disconnected mid-frame");
	else
		session_process(s);
}

/* Turned away at the door: a reply with id 0 says why, then it closes. */
static void refuse_session(struct session *s, int err, const char *why)
{
	struct reply r;

	s->refused = true;
	reply_init(&r, 0);
	reply_error(&r, err, "%s", why);
	queue_reply(s, &r, false);
	s->close_after_flush = true;
	session_flush(s);
	maybe_finish(s);
}

struct session *session_new(struct mmd *d)
{
	struct session *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->d = d;
	INIT_LIST_HEAD(&s->node);
	INIT_LIST_HEAD(&s->park_node);
	frame_buf_init(&s->in);
	frame_buf_init(&s->out);
	d->nr_handles++;
	return s;
}

/* The sessions of uid now being served. */
static unsigned int sessions_of_uid(const struct mmd *d, uid_t uid)
{
	const struct list_head *pos;
	unsigned int n = 0;

	list_for_each(pos, &d->sessions)
	{
		if (session_of(pos)->uid == uid)
			n++;
	}
	return n;
}

/*
 * Whether s may be served: 0, or the errno and why. As Redis keeps
 * maxclients and gives its admins a way in of their own, the last
 * admin_clients slots are for admins (uid 0 or the admin group), and
 * one user may hold max_clients_per_uid connections (uid 0 any number),
 * so that one user's connections lock out neither root nor the others.
 */
static int admit(const struct session *s, char *why, size_t len)
{
	const struct mmd *d = s->d;
	unsigned int n = d->nr_sessions, mine;

	if (n >= d->max_clients) {
		snprintf(why, len,
			 "mmd serves at most %u clients at once "
			 "(daemon.max_clients); try again later",
			 d->max_clients);
		return -EUSERS;
	}
	if (!s->admin && n + d->admin_clients >= d->max_clients) {
		snprintf(why, len,
			 "mmd keeps its last %u of %u client slots for admins "
			 "(daemon.admin_clients); try again later",
			 d->admin_clients, d->max_clients);
		return -EUSERS;
	}
	mine = sessions_of_uid(d, s->uid);
	if (s->uid != 0 && mine >= d->max_clients_per_uid) {
		snprintf(why, len,
			 "uid %u has %u connections, the most one user may "
			 "have (daemon.max_clients_per_uid)",
			 (unsigned int)s->uid, mine);
		return -EUSERS;
	}
	return 0;
}

void session_start(struct session *s)
{
	struct mmd *d = s->d;
	char why[160];
	int err;

	if (d->stopping) {
		refuse_session(s, -ESHUTDOWN, "mmd is shutting down");
		return;
	}
	err = admit(s, why, sizeof(why));
	if (err) {
		/* A client can make these as fast as it connects. */
		mmd_log_ratelimited(
			&d->refused_rs, uv_now(d->loop),
			MMD_WARNING "refused host pid %d (uid %u): %s",
			(int)s->host_pid, (unsigned int)s->uid, why);
		refuse_session(s, err, why);
		return;
	}
	list_add_tail(&s->node, &d->sessions);
	d->nr_sessions++;
	s->since = s->last_input = uv_now(d->loop);
	s->serial = ++d->record_sessions;
	record_open(d, s);
	s->reading = true;
	d->conn->read(s, true);
}

/* Whether s holds the start of a frame whose end has not come. */
static bool frame_unfinished(const struct session *s)
{
	const uint8_t *body;
	uint32_t len;

	return frame_buf_used(&s->in) &&
	       frame_next(&s->in, s->d->max_frame, &body, &len) == 0;
}

/*
 * A session past a timeout: one reply with id 0 says which, then it is
 * closed at once (what the socket did not take is lost: a client that
 * does not read cannot keep its slot by that either).
 */
static void time_out(struct session *s, const char *why)
{
	struct mmd *d = s->d;
	struct reply r;

	mmd_log_ratelimited(
		&d->refused_rs, uv_now(d->loop),
		MMD_WARNING "pid %d (host pid %d, uid %u): %s; closing", s->pid,
		(int)s->host_pid, (unsigned int)s->uid, why);
	reply_init(&r, 0);
	reply_error(&r, -ETIMEDOUT, "%s", why);
	queue_reply(s, &r, false);
	session_flush(s);
	session_close(s, why);
}

/* The timeout s is past now, if any, in why. */
static bool past_timeout(struct session *s, uint64_t now, char *why, size_t len)
{
	const struct layout_daemon *ld = &s->d->m->layout.daemon;

	if (!s->pid && ld->hello_timeout_ms &&
	    now - s->since >= ld->hello_timeout_ms) {
		snprintf(why, len,
			 "no Hello within %u ms of connecting "
			 "(daemon.hello_timeout_ms)",
			 ld->hello_timeout_ms);
		return true;
	}
	/*
	 * A frame is timed from the first check that finds it unfinished,
	 * and only while mmd reads: a session not read from (its replies
	 * unread, or enough input waiting) is waiting for mmd, not mmd
	 * for it. A frame that completes moves the request count on.
	 */
	if (!s->reading || !frame_unfinished(s)) {
		s->frame_since = 0;
	} else if (!s->frame_since || s->frame_mark != s->requests) {
		s->frame_since = now;
		s->frame_mark = s->requests;
	} else if (ld->frame_timeout_ms &&
		   now - s->frame_since >= ld->frame_timeout_ms) {
		snprintf(why, len,
			 "a frame begun %llu ms ago is still unfinished "
			 "(daemon.frame_timeout_ms %u)",
			 (unsigned long long)(now - s->frame_since),
			 ld->frame_timeout_ms);
		return true;
	}
	if (s->pid && ld->idle_timeout_ms && !s->in_flight && !s->parked &&
	    now - s->last_input >= ld->idle_timeout_ms) {
		snprintf(why, len, "idle for %u ms (daemon.idle_timeout_ms)",
			 ld->idle_timeout_ms);
		return true;
	}
	return false;
}

void sessions_check_timeouts(struct mmd *d)
{
	uint64_t now = uv_now(d->loop);
	struct list_head *pos, *next;
	char why[160];

	for (pos = d->sessions.next; pos != &d->sessions; pos = next) {
		struct session *s = session_of(pos);

		next = pos->next;
		if (!s->closing && !s->close_after_flush &&
		    past_timeout(s, now, why, sizeof(why)))
			time_out(s, why);
	}
	ratelimit_flush(&d->refused_rs, now);
	ratelimit_flush(&d->accept_rs, now);
	ratelimit_flush(&d->exit_rs, now);
}

/* A parked request again: its failure was logged when it parked. */
static int retry_parked(struct session *s, Mm__Request *rq, struct reply *r)
{
	int ret;

	alloc_retrying(s->d->m, true);
	ret = dispatch(s, rq, r);
	alloc_retrying(s->d->m, false);
	return ret;
}

/* Try the parked requests again; with expire, time out the overdue. */
void session_retry_parked(struct mmd *d, bool expire)
{
	uint64_t now = uv_now(d->loop);
	struct list_head todo;

	/* Sessions taken off todo one at a time: any may close meanwhile. */
	INIT_LIST_HEAD(&todo);
	if (list_empty(&d->parked))
		return;
	todo.next = d->parked.next;
	todo.prev = d->parked.prev;
	todo.next->prev = &todo;
	todo.prev->next = &todo;
	INIT_LIST_HEAD(&d->parked);

	while (!list_empty(&todo)) {
		struct session *s =
			list_first_entry(&todo, struct session, park_node);
		Mm__Request *rq = s->parked;
		struct reply r;

		mmd_list_del_init(&s->park_node);
		reply_init(&r, rq->id);
		if (retry_parked(s, rq, &r) == DISPATCH_PARK) {
			reply_release(&r);
			if (!expire || !s->park_deadline ||
			    now < s->park_deadline) {
				list_add_tail(&s->park_node, &d->parked);
				/* A kill while it tried: its victim frees. */
				reap_oom_kills(d);
				continue;
			}
			/* It waits no more: no unlock may hand it a lock. */
			uapi_wait_cancel(d->m, s->pid);
			reply_init(&r, rq->id);
			reply_error(&r, -ETIMEDOUT,
				    "gave up after waiting %llu ms: %s",
				    (unsigned long long)(now - s->park_since),
				    d->m->errmsg[0] ? d->m->errmsg
						    : "memory stayed short");
		}
		s->parked = NULL;
		s->in_flight--;
		finish_request(s, rq, &r);
		mm__request__free_unpacked(rq, &d->heap);
		session_process(s);
	}
	if (list_empty(&d->parked))
		uv_timer_stop(&d->park_timer);
}

/* Stopping: every session hears why, then closes once its replies go. */
void sessions_shutdown(struct mmd *d, const char *why)
{
	struct list_head *pos, *next;

	for (pos = d->sessions.next; pos != &d->sessions; pos = next) {
		struct session *s = session_of(pos);
		struct reply r;

		next = pos->next;
		reply_init(&r, 0);
		mm__event__init(&r.event);
		mm__shutting_down__init(&r.shutdown);
		r.shutdown.reason = (char *)why;
		r.event.kind_case = MM__EVENT__KIND_SHUTTING_DOWN;
		r.event.shutting_down = &r.shutdown;
		r.rep.result_case = MM__REPLY__RESULT_EVENT;
		r.rep.event = &r.event;
		if (s->parked)
			unpark(s);
		session_send_event(s, &r);
		s->close_after_flush = true;
		if (!s->closing)
			session_update_reading(s);
		maybe_finish(s);
	}
}
