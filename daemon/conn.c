/*
 * conn.c - a session's connection: the libuv pipe a client connected on.
 *
 * Owns: accepting a connection from the listener, who is at the other
 * end (SO_PEERCRED, and whether that is an admin), and moving bytes:
 * reading into the session's input buffer, writing its replies, closing.
 * session.c decides everything else and reaches the socket only through
 * conn_uv_ops. Must never: look inside the bytes, or free a session
 * before libuv is done with its pipe.
 */
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <sys/socket.h>

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

/* Admin: uid 0, or a member of the layout's admin group. */
static bool peer_is_admin(const struct mmd *d, uid_t uid, gid_t gid)
{
	struct passwd *pw;
	gid_t groups[256];
	int n = 256;

	if (uid == 0)
		return true;
	if (!d->have_admin_gid)
		return false;
	if (gid == d->admin_gid)
		return true;
	pw = getpwuid(uid);
	if (!pw || getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) < 0)
		return false;
	for (int i = 0; i < n; i++)
		if (groups[i] == d->admin_gid)
			return true;
	return false;
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
	}
	s->admin = peer_is_admin(s->d, s->uid, s->gid);
}

static void turn_away(struct mmd *d);

/* A connection that came meanwhile may find memory now. */
static void on_spare_closed(uv_handle_t *h)
{
	struct mmd *d = h->data;

	d->spare_busy = false;
	if (d->accept_stalled) {
		d->accept_stalled = false;
		session_accept(d);
	}
}

/*
 * No memory for a session: take the connection and close it (the client
 * reads the end of the stream). Left waiting, it would stop the listener
 * for good, since libuv takes no connection while one waits to be
 * accepted.
 */
static void turn_away(struct mmd *d)
{
	if (d->spare_busy) {
		d->accept_stalled = true;
		return;
	}
	uv_pipe_init(d->loop, &d->spare, 0);
	d->spare.data = d;
	d->spare_busy = true;
	uv_accept((uv_stream_t *)&d->listener, (uv_stream_t *)&d->spare);
	uv_close((uv_handle_t *)&d->spare, on_spare_closed);
}

void session_accept(struct mmd *d)
{
	struct session *s = session_new(d);

	if (!s) {
		mmd_log("out of host memory for a session; hung up on it");
		turn_away(d);
		return;
	}
	uv_pipe_init(d->loop, &s->pipe, 0);
	s->pipe.data = s;
	if (uv_accept((uv_stream_t *)&d->listener, (uv_stream_t *)&s->pipe)) {
		s->refused = true;
		s->closing = true;
		conn_close(s);
		return;
	}
	read_peer(s);
	session_start(s);
}
