/* SPDX-License-Identifier: MIT */
/*
 * conn.c - a session's connection: the libuv pipe a client connected on.
 *
 * Owns: making a session of a connection accepted (listen.c accepts),
 * who is at the other end (SO_PEERCRED, and whether that is an admin by
 * SO_PEERGROUPS),
 * turning connections away when descriptors run out, and moving bytes:
 * reading into the session's input buffer, writing its replies, closing.
 * session.c decides everything else and reaches the socket only through
 * conn_uv_ops. Must never: look inside the bytes, or free a session
 * before libuv is done with its pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proto/frame.h"

#include "daemon/server.h"

/* Bytes read in one go; a frame larger than this is read in pieces. */
#define READ_CHUNK (64u * 1024)

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct session *s = h->data;

	(void)suggested;
	if (frame_buf_reserve(&s->in, READ_CHUNK)) {
		*buf = uv_buf_init(NULL, 0); /* the read fails: UV_ENOBUFS */
		return;
	}
	*buf = uv_buf_init((char *)s->in.data + s->in.len,
			   s->in.cap - s->in.len);
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf)
{
	struct session *s = stream->data;

	(void)buf;
	if (nread > 0) {
		s->in.len += (size_t)nread;
		session_received(s);
	} else if (nread == UV_EOF) {
		session_eof(s);
	} else if (nread < 0) {
		session_close(s, uv_strerror((int)nread));
	}
}

static void conn_read(struct session *s, bool on)
{
	if (on)
		uv_read_start((uv_stream_t *)&s->pipe, on_alloc, on_read);
	else
		uv_read_stop((uv_stream_t *)&s->pipe);
}

static int conn_try_write(struct session *s, const uint8_t *data, size_t len)
{
	uv_buf_t buf = uv_buf_init((char *)data, (unsigned int)len);

	return uv_try_write((uv_stream_t *)&s->pipe, &buf, 1);
}

static void on_write(uv_write_t *req, int status)
{
	session_written(container_of(req, struct write_req, req), status);
}

static int conn_write(struct session *s, struct write_req *w)
{
	uv_buf_t buf = uv_buf_init((char *)w->data, (unsigned int)w->len);

	return uv_write(&w->req, (uv_stream_t *)&s->pipe, &buf, 1, on_write);
}

static void on_closed(uv_handle_t *h)
{
	session_free(h->data);
}

static void conn_close(struct session *s)
{
	uv_close((uv_handle_t *)&s->pipe, on_closed);
}

const struct conn_ops conn_uv_ops = {
	.read = conn_read,
	.try_write = conn_try_write,
	.write = conn_write,
	.close = conn_close,
};

/*
 * Admin: uid 0, or a process in the layout's admin group: its primary
 * group, or one of the supplementary groups it had when it connected
 * (SO_PEERGROUPS, as the kernel saw them), never what /etc/group says
 * of its user now: a process that dropped the group is no admin, and
 * one given it is, whatever the user database lists.
 */
static bool peer_is_admin(const struct mmd *d, int fd, uid_t uid, gid_t gid)
{
	gid_t few[64], *groups = few;
	socklen_t len = sizeof(few);
	size_t n = 0;
	bool admin = false;

	if (uid == 0)
		return true;
	if (!d->have_admin_gid)
		return false;
	if (gid == d->admin_gid)
		return true;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &len) == 0) {
		n = len / sizeof(gid_t);
	} else if (errno == ERANGE) { /* len now says how much it needs */
		groups = malloc(len);
		if (groups && getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups,
					 &len) == 0)
			n = len / sizeof(gid_t);
	}
	for (size_t i = 0; i < n; i++)
		if (groups[i] == d->admin_gid)
			admin = true;
	if (groups != few)
		free(groups);
	return admin;
}

static void read_peer(struct session *s)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);
	uv_os_fd_t fd;

	s->uid = (uid_t)-1;
	s->gid = (gid_t)-1;
	s->host_pid = 0;
	if (uv_fileno((uv_handle_t *)&s->pipe, &fd) == 0 &&
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0) {
		s->uid = cred.uid;
		s->gid = cred.gid;
		s->host_pid = cred.pid;
		s->admin = peer_is_admin(s->d, fd, s->uid, s->gid);
	}
}

void session_accept(struct mmd *d, int fd)
{
	struct session *s = session_new(d);

	if (!s) {
		mmd_log_ratelimited(&d->accept_rs, uv_now(d->loop),
				    MMD_ERR
				    "out of host memory for a session; hung "
				    "up on it");
		close(fd); /* the client reads the end of the stream */
		return;
	}
	uv_pipe_init(d->loop, &s->pipe, 0);
	s->pipe.data = s;
	if (uv_pipe_open(&s->pipe, fd)) {
		close(fd);
		s->refused = true;
		s->closing = true;
		conn_close(s);
		return;
	}
	read_peer(s);
	session_start(s);
}

/* The refusal a connection gets when mmd has no descriptor for it. */
static void say_no_descriptors(int fd, const char *why)
{
	Mm__Reply r = MM__REPLY__INIT;
	struct frame_buf b;

	r.status = -EMFILE;
	r.message = (char *)why;
	frame_buf_init(&b);
	if (frame_append(&b, &r.base, UINT32_MAX) == 0 &&
	    send(fd, b.data, b.len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		/* It hung up first: nothing to tell. */
	}
	frame_buf_free(&b);
}

/*
 * accept failed. Out of descriptors (EMFILE, ENFILE), the connection
 * stays in the backlog and the listener is ready again at once: a loop
 * that only logged would spin. So the descriptor kept in reserve is
 * spent to take each waiting connection, tell it why and hang up, and
 * is taken back (the emfile trick of libuv and nginx, with a reason).
 * The log says so at most a burst of times per interval.
 */
void session_accept_failed(struct mmd *d, int status)
{
	static const char why[] = "mmd has no file descriptor left for a "
				  "connection (RLIMIT_NOFILE); try again later";
	unsigned int turned = 0;
	int fd;

	if ((status != UV_EMFILE && status != UV_ENFILE) || d->reserve_fd < 0 ||
	    d->listen_fd < 0) {
		mmd_log_ratelimited(&d->accept_rs, uv_now(d->loop),
				    MMD_ERR "accept: %s", uv_strerror(status));
		return;
	}
	close(d->reserve_fd);
	/* What waits now, not a flood for ever: the rest come next turn. */
	while (turned < 256 &&
	       (fd = accept4(d->listen_fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		say_no_descriptors(fd, why);
		close(fd);
		turned++;
	}
	d->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	mmd_log_ratelimited(
		&d->accept_rs, uv_now(d->loop),
		MMD_WARNING "accept: %s: turned %u connection%s away",
		uv_strerror(status), turned, turned == 1 ? "" : "s");
}
