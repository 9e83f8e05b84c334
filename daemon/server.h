/* SPDX-License-Identifier: MIT */
/*
 * server.h - mmd's serving state: the loop, the listener and sessions.
 *
 * Owns: the structures run.c, listen.c, session.c and dispatch.c share.
 * Everything runs on one libuv loop, so nothing here is locked. Must
 * never: be touched from another thread, or call core from anywhere but
 * the loop.
 */
#ifndef MMD_SERVER_H
#define MMD_SERVER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include <uv.h>

#include "core/api.h"
#include "daemon/mmd.h"
#include "proto/codec.h"
#include "proto/frame.h"
#include "proto/recording.h"
#include "proto/mm.pb-c.h"

/* The protocol version this daemon speaks (mm.proto). */
#define MMD_PROTOCOL_VERSION MM__PROTOCOL_VERSION__PROTOCOL_VERSION_CURRENT

/*
 * Unsent reply bytes past which a session is not read from: a client
 * that never reads its replies cannot make the daemon buffer more.
 */
#define SESSION_OUT_HIGH (256u * 1024)

/* How often parked requests are retried and their deadlines checked. */
#define PARK_TICK_MS 10

struct session;
struct write_req;

/*
 * printk_ratelimit's defaults (DEFAULT_RATELIMIT_INTERVAL 5 * HZ,
 * DEFAULT_RATELIMIT_BURST 10): the lines a client can provoke.
 */
#define RATELIMIT_INTERVAL_MS 5000
#define RATELIMIT_BURST	      10

struct ratelimit {
	const char *name; /* what the "suppressed" line names */
	uint64_t interval_ms;
	unsigned int burst;
	uint64_t begin; /* loop time the interval began; 0: none yet */
	unsigned int printed;
	unsigned long missed;
};

/*
 * A session's connection: how its bytes come and go. conn.c gives the
 * libuv pipe a client connected on; the fuzzing harness gives one that
 * needs no socket. Bytes that arrive are appended to s->in and passed
 * on with session_received(); the end of input with session_eof().
 */
struct conn_ops {
	/* Start or stop taking input. */
	void (*read)(struct session *s, bool on);
	/* Write what it can now: bytes taken (0..len), or a UV_ error. */
	int (*try_write)(struct session *s, const uint8_t *data, size_t len);
	/* Write all of w later, then session_written(w, status); 0 or a
	 * UV_ error (w not taken). */
	int (*write)(struct session *s, struct write_req *w);
	/* Close; once no callback can come, session_free(s). */
	void (*close)(struct session *s);
};

struct mmd {
	uv_loop_t *loop;
	const struct conn_ops *conn;
	struct machine *m;
	const struct layout *l;
	uint32_t max_frame;
	FILE *record; /* --record: the recording, or NULL */
	const char *record_path;
	uint32_t record_sessions; /* sessions numbered so far */

	/* The listening socket, polled: mmd accepts its connections. */
	int listen_fd; /* -1 when there is none */
	uv_poll_t listener;
	bool listening; /* the poll handle is open */
	bool activated; /* the socket came from systemd */
	char socket_path[LAYOUT_SOCKET_MAX];
	dev_t socket_dev; /* to unlink only our own socket at exit */
	ino_t socket_ino;
	gid_t admin_gid;
	bool have_admin_gid;
	/* Kept free to turn connections away when descriptors run out. */
	int reserve_fd;

	/*
	 * The layout's client limits as served: max_clients may be lowered
	 * to what RLIMIT_NOFILE allows, and the others with it.
	 */
	unsigned int max_clients;
	unsigned int admin_clients;
	unsigned int max_clients_per_uid;
	struct ratelimit refused_rs; /* connections turned away or timed out */
	struct ratelimit accept_rs;  /* accept failing */
	struct ratelimit exit_rs;    /* exits that left objects behind */
	uv_timer_t cron_timer;	     /* timeouts, suppressed-line counts */
	uv_timer_t kcompactd_timer;  /* kcompactd's proactive wake-ups */

	struct list_head sessions;
	unsigned int nr_sessions; /* accepted and not refused */
	unsigned int nr_handles;  /* session pipes not yet closed */
	unsigned int nr_tasks;	  /* tasks our sessions own */

	struct list_head parked; /* sessions whose head request waits */
	bool retry_wanted;	 /* memory came free since the last retry */
	uv_check_t retry_check;
	uv_timer_t park_timer;

	bool notify; /* a service manager listens on NOTIFY_SOCKET */
	char status[128];
	uv_timer_t status_timer;
	uv_timer_t watchdog_timer;
	uv_signal_t sigterm, sigint, sighup;
	uv_timer_t stop_timer;
	bool stopping;
	bool stop_begun; /* sessions have been told; handles close at 0 */
	char stop_why[128];
	int ready_fd; /* daemonizing: tell the parent we are up, -1 if not */

	struct seq_buf seq;	 /* report text, reused */
	struct pb_arena arena;	 /* the request being answered, decoded */
	ProtobufCAllocator heap; /* a parked request's copy: malloc */
	struct frame_buf out;	 /* replies, lent to the session served */
	bool out_lent;
	unsigned long nr_requests;
	unsigned long nr_exits;	      /* sessions whose task exited */
	unsigned long leaked_blocks;  /* page blocks freed at those exits */
	unsigned long leaked_objects; /* other objects freed at exits */
};

struct session {
	struct list_head node;
	struct list_head park_node;
	struct mmd *d;
	uv_pipe_t pipe;

	int pid; /* the task in the machine; 0 before Hello */
	uid_t uid;
	gid_t gid;
	pid_t host_pid;
	bool admin;
	uint32_t serial; /* the recording's number for it; 0: not started */
	bool refused;	 /* turned away at accept: only says why, then closes */

	struct frame_buf in;
	struct frame_buf out;
	unsigned int out_replies; /* replies in out */
	size_t write_bytes;	  /* bytes in uv_write requests in flight */
	unsigned int in_flight;	  /* replies not yet written, and parked */
	bool reading;
	bool closing;
	bool close_after_flush;

	uint64_t since;		  /* loop time it was accepted */
	uint64_t last_input;	  /* loop time bytes last came */
	uint64_t frame_since;	  /* loop time a frame was seen unfinished */
	unsigned long frame_mark; /* requests then: the same frame still? */

	Mm__Request *parked;	/* the head request, waiting for memory */
	uint64_t park_deadline; /* loop time in ms; 0: no limit */
	uint64_t park_since;
	unsigned long requests;

	/* A structured report being read in parts (ReportDataPart): its
	 * packed bytes, from the part at offset 0 to its last part. */
	struct {
		uint8_t *buf;
		size_t len;
		uint64_t digest;
		int kind, pid;
		uint64_t addr;
	} kept;
};

/* Replies handed to conn->write; the buffer goes with them. */
struct write_req {
	uv_write_t req;
	struct session *s;
	uint8_t *data; /* the out buffer handed over, freed on completion */
	unsigned int nreplies;
	size_t len;
};

/* What dispatch fills; reply_release frees what it allocated. */
struct reply {
	Mm__Reply rep;
	char msg[256];
	Mm__HelloResult hello;
	Mm__Region region;
	Mm__CheckResult check;
	Mm__Sessions sessions;
	Mm__Fault fault;
	Mm__Mallinfo mallinfo;
	Mm__Mempolicy mempolicy;
	Mm__MovePagesResult move_pages;
	Mm__Stat stat;
	Mm__Event event;
	Mm__OomKilled oom;
	Mm__ShuttingDown shutdown;
	void *heap[2];
	Mm__ReportData *report_data; /* a structured report's, freed here */
	Mm__ReportDataPart report_data_part;
	uint32_t park_timeout_ms; /* with DISPATCH_PARK; 0: no limit */
	/* A number result (pfn, addr, size ...): dispatch.c puts it in the
	 * reply as the operation's row says. */
	uint64_t value;
	/*
	 * A read's bytes, put straight into the session's out buffer where
	 * the reply frame will hold them (codec_data_reply_room): queue the
	 * reply with codec_data_reply_commit, before anything else is
	 * appended there.
	 */
	bool data_in_place;
};

/* core/list.h keeps to what core needs; these are the daemon's. */
static inline void mmd_list_del_init(struct list_head *entry)
{
	list_del(entry);
	INIT_LIST_HEAD(entry);
}

#define session_of(pos) list_entry(pos, struct session, node)

/* dispatch's answer besides a status in the reply: wait and retry. */
#define DISPATCH_PARK 1

/* run.c */
/*
 * Boot the machine and set up what serving it needs on loop: no socket,
 * no signals. 0, or -errno with the machine not booted.
 */
int mmd_init(struct mmd *d, const struct layout *l, uv_loop_t *loop);
/* Undo mmd_init once the loop's handles are closed. */
void mmd_fini(struct mmd *d);
void mmd_stop(struct mmd *d, const char *why);
void mmd_update_status(struct mmd *d);
/* What the loop does after each turn: kswapd, then waiting requests. */
void mmd_between_requests(struct mmd *d);
/*
 * kcompactd's sleep timing out (proactive compaction), as the timer
 * runs it and a replay repeats it: pages may have come together, so
 * parked callers are retried after.
 */
void mmd_kcompactd_timeout(struct mmd *d);
void mmd_session_gone(struct mmd *d);

/* listen.c */
int mmd_listen(struct mmd *d, const char *path);
void mmd_unlisten(struct mmd *d);

/* log.c */
/*
 * A line of mmd's log. It may begin with one of these, sd-daemon(3)'s
 * priority prefixes (syslog's levels): the journal files the line at
 * that priority; a line without one is LOG_INFO. On a terminal or a
 * file the prefix is left out.
 */
#define MMD_ERR	    "<3>"
#define MMD_WARNING "<4>"
#define MMD_NOTICE  "<5>"
void mmd_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* prio when stderr is the journal, else "": for lines not "mmd: ...". */
const char *mmd_log_priority(const char *prio);

/* ratelimit.c */
void ratelimit_init(struct ratelimit *rs, const char *name);
/* A line through rs: printed, or counted as suppressed. */
void mmd_log_ratelimited(struct ratelimit *rs, uint64_t now, const char *fmt,
			 ...) __attribute__((format(printf, 3, 4)));
/* Say what rs suppressed once its interval is over, with no new line. */
void ratelimit_flush(struct ratelimit *rs, uint64_t now);

/* conn.c */
extern const struct conn_ops conn_uv_ops;
/* A connection accepted on fd: a session, or hung up on if no memory. */
void session_accept(struct mmd *d, int fd);
/* accept failed with status: out of descriptors is turned away here. */
void session_accept_failed(struct mmd *d, int status);

/* session.c */
/* A session not yet serving: its connection's credentials come next. */
struct session *session_new(struct mmd *d);
/* Serve it, or turn it away (stopping, too many clients) and close. */
void session_start(struct session *s);
void session_received(struct session *s);
/* The session whose own process is pid, or NULL. */
struct session *session_by_pid(struct mmd *d, int pid);
void session_eof(struct session *s);
void session_written(struct write_req *w, int status);
void session_free(struct session *s);
void session_close(struct session *s, const char *why);
void session_send_event(struct session *s, struct reply *r);
void session_retry_parked(struct mmd *d, bool expire);
/* Close sessions past the layout's Hello, frame and idle timeouts. */
void sessions_check_timeouts(struct mmd *d);
void sessions_shutdown(struct mmd *d, const char *why);

/*
 * report_data.c: a structured report (Report.structured) of process pid
 * into r; the core report_type of a kind that has one, else NULL; and
 * whether a snapshot's table and its message agree (0, or -EINVAL with
 * where they differ in why).
 */
int report_data(struct session *s, const Mm__Report *rp, int pid,
		struct reply *r);
const struct report_type *report_data_type(unsigned int kind);
/* Whether the kind's fill takes a node (Report.addr: nodeN/meminfo)
 * where the others take a pid; report_data_make's pid is then the node. */
bool report_data_by_node(unsigned int kind);
/* The kind's ReportData of the machine now, in *out (free it, even on
 * an error: it may hold part): 0 or -errno. */
int report_data_make(const struct session *s, const struct machine *m,
		     unsigned int kind, int pid, Mm__ReportData **out);
int report_data_make_at(const struct session *s, const struct machine *m,
			unsigned int kind, const struct report_args *a,
			Mm__ReportData **out);
/* The text of a structured kind, from the same snapshot. */
int report_data_text(const struct session *s, unsigned int kind, int pid,
		     struct seq_buf *seq);
int report_data_text_at(const struct session *s, unsigned int kind,
			const struct report_args *a, struct seq_buf *seq);
/*
 * op_report.c: TRANSLATE's far pointer, CPL and register (by name) from
 * rp into a: 0, or the error replied in r (a selector past 16 bits, an
 * offset past 32, a register that is none).
 */
int report_translation_args(const Mm__Report *rp, struct report_args *a,
			    struct reply *r);
unsigned int report_data_nr_kinds(void);
/* The session's kept report (being read in parts) dropped. */
void report_data_drop(struct session *s);
int report_data_check(const struct snap_desc *d,
		      const ProtobufCMessageDescriptor *md, char *why,
		      size_t len);

/* dispatch.c */
void reply_init(struct reply *r, uint64_t id);
void reply_release(struct reply *r);
int reply_error(struct reply *r, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int dispatch(struct session *s, const Mm__Request *rq, struct reply *r);
bool request_may_free(const Mm__Request *rq);
/*
 * A Data result: whether len bytes fit a reply (-EINVAL naming what
 * otherwise), room for them in the session's reply frame itself (NULL
 * with r's error set), and the bytes there made the result.
 */
int reply_data_fits(struct session *s, struct reply *r, uint32_t len,
		    const char *what);
uint8_t *reply_data_room(struct session *s, struct reply *r, uint32_t len);
void reply_data_set(struct reply *r, uint8_t *room, uint32_t len);
/* Room a reply needs around its data, so read results fit a frame. */
#define REPLY_OVERHEAD 64u

/* record.c: mmd --record (docs/recording.md). */
int record_start(struct mmd *d, const char *path);
void record_event(struct mmd *d, enum recording_kind kind,
		  const struct session *s, const void *bytes, uint32_t len);
/* A session was admitted: its admin flag and uid. */
void record_open(struct mmd *d, const struct session *s);
/* buddyinfo and slabinfo, then close; before the machine goes. */
void record_stop(struct mmd *d);

/*
 * op_*.c: the handlers of the operation table's rows that are not
 * mechanical (proto/ops.def), each taking its request's own message.
 * 0 or -errno with r's result set (a number result in r->value), or
 * DISPATCH_PARK for a row that may wait.
 */
#define OP(NAME, field, Type, RESULT, FLAGS)                                   \
	int op_##field(struct session *s, const Mm__##Type *a, struct reply *r);
#define UAPI_OP(NAME, field, Type, RESULT, FLAGS, ARGS)
#include "proto/ops.def"

#endif /* MMD_SERVER_H */
