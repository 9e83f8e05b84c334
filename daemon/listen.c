/* SPDX-License-Identifier: MIT */
/*
 * listen.c - mmd's listening socket: from systemd, or made at a path.
 *
 * Owns: taking a socket passed by socket activation (sd_listen_fds),
 * creating the Unix socket with the layout's mode and group, replacing a
 * stale socket file left by a dead daemon, accepting its connections
 * (mmd's own accept, so that none is dropped unseen: libuv's drops those
 * it has no descriptor for without a word), and removing our own at
 * exit.
 * Must never: take over the socket of a daemon that still answers, or
 * remove a socket file that is not the one it made.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <systemd/sd-daemon.h>

#include "daemon/server.h"

/* Accepted per wakeup at most, so that clients already in are served. */
#define ACCEPT_BATCH 64

/*
 * The listener is readable: accept what waits, a batch at a time (the
 * poll is level-triggered: the rest come next turn). Each connection
 * becomes a session; a failure that leaves it in the backlog (no
 * descriptor) is answered by conn.c, which takes it out.
 */
static void on_listener(uv_poll_t *h, int status, int events)
{
	struct mmd *d = h->data;

	(void)events;
	if (status < 0) {
		session_accept_failed(d, status);
		return;
	}
	for (int i = 0; i < ACCEPT_BATCH; i++) {
		int fd = accept4(d->listen_fd, NULL, NULL,
				 SOCK_CLOEXEC | SOCK_NONBLOCK);

		if (fd >= 0) {
			session_accept(d, fd);
			continue;
		}
		if (errno == EINTR || errno == ECONNABORTED)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			session_accept_failed(d, uv_translate_sys_error(errno));
		return;
	}
}

static int lookup_group(const char *name, const char *key, gid_t *gid)
{
	struct group *gr = getgrnam(name);

	if (!gr) {
		mmd_log(MMD_ERR "%s: no group named '%s'", key, name);
		return -ENOENT;
	}
	*gid = gr->gr_gid;
	return 0;
}

/*
 * The path is free, or holds a socket nobody answers on (its daemon
 * died): remove that. A live daemon's socket is left alone.
 */
static int claim_path(const char *path, const struct sockaddr_un *sun)
{
	struct stat st;
	int fd, err;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISSOCK(st.st_mode)) {
		mmd_log(MMD_ERR
			"%s exists and is not a socket; not touching it",
			path);
		return -EEXIST;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	err = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) ? errno
								      : 0;
	close(fd);
	if (err == 0) {
		mmd_log(MMD_ERR
			"another mmd is serving %s; not taking its socket",
			path);
		return -EADDRINUSE;
	}
	if (err != ECONNREFUSED) {
		mmd_log(MMD_ERR "cannot tell whether %s is in use: %s", path,
			strerror(err));
		return -err;
	}
	mmd_log(MMD_NOTICE "replacing the stale socket %s", path);
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}

/*
 * Why a socket could not be made where it was asked for, and what to do:
 * a normal user running mmd meets /run/mmd, which only root (or
 * systemd's mmd.socket) may make.
 */
static void socket_hint(const char *path, int err)
{
	if (err != -EACCES && err != -EPERM && err != -EROFS)
		return;
	mmd_log(MMD_NOTICE
		"%s is not yours to create: as a normal user, give mmd a "
		"path of your own with --socket PATH (e.g. --socket "
		"$XDG_RUNTIME_DIR/mmd.sock), or let systemd's mmd.socket make "
		"/run/mmd/mmd.sock",
		path);
}

static int make_socket(struct mmd *d, const char *path)
{
	const struct layout_daemon *ld = &d->l->daemon;
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	char dir[LAYOUT_SOCKET_MAX];
	gid_t gid = (gid_t)-1;
	mode_t old_umask;
	struct stat st;
	int fd, err;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		mmd_log(MMD_ERR "socket path %s is too long", path);
		return -ENAMETOOLONG;
	}
	strcpy(sun.sun_path, path);
	if (ld->socket_group[0] &&
	    lookup_group(ld->socket_group, "daemon.socket_group", &gid))
		return -ENOENT;
	snprintf(dir, sizeof(dir), "%s", path);
	if (mkdir(dirname(dir), 0755) && errno != EEXIST) {
		err = -errno;
		mmd_log(MMD_ERR
			"cannot make %s, the directory of the socket %s: %s",
			dir, path, strerror(-err));
		socket_hint(dir, err);
		return err;
	}
	err = claim_path(path, &sun);
	if (err)
		return err;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* Nobody may connect before the mode and group are right. */
	old_umask = umask(0177);
	err = bind(fd, (struct sockaddr *)&sun, sizeof(sun)) ? -errno : 0;
	umask(old_umask);
	if (!err && chmod(path, ld->socket_mode))
		err = -errno;
	if (!err && gid != (gid_t)-1 && chown(path, (uid_t)-1, gid))
		err = -errno;
	if (!err && listen(fd, SOMAXCONN))
		err = -errno;
	if (!err && stat(path, &st))
		err = -errno;
	if (err) {
		mmd_log(MMD_ERR "cannot listen on %s: %s", path,
			strerror(-err));
		socket_hint(path, err);
		close(fd);
		return err;
	}
	snprintf(d->socket_path, sizeof(d->socket_path), "%s", path);
	d->socket_dev = st.st_dev;
	d->socket_ino = st.st_ino;
	return fd;
}

static int activated_socket(void)
{
	int n = sd_listen_fds(1);

	if (n <= 0)
		return n;
	if (n > 1) {
		mmd_log(MMD_ERR
			"the service manager passed %d sockets; mmd takes one",
			n);
		return -EINVAL;
	}
	if (sd_is_socket_unix(SD_LISTEN_FDS_START, SOCK_STREAM, 1, NULL, 0) <=
	    0) {
		mmd_log(MMD_ERR
			"the socket passed is not a listening Unix stream "
			"socket");
		return -EINVAL;
	}
	return SD_LISTEN_FDS_START;
}

int mmd_listen(struct mmd *d, const char *path)
{
	const char *admin = d->l->daemon.admin_group;
	int fd = activated_socket(), err;

	if (fd < 0)
		return fd;
	if (admin[0]) {
		if (lookup_group(admin, "daemon.admin_group", &d->admin_gid))
			return -ENOENT;
		d->have_admin_gid = true;
	}
	if (fd > 0) {
		d->activated = true;
		snprintf(d->socket_path, sizeof(d->socket_path),
			 "(socket activation)");
	} else {
		fd = make_socket(d, path);
		if (fd < 0)
			return fd;
	}
	d->listen_fd = fd;
	err = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) ? -errno : 0;
	if (!err)
		err = uv_poll_init(d->loop, &d->listener, fd);
	if (!err) {
		d->listener.data = d;
		d->listening = true;
		err = uv_poll_start(&d->listener, UV_READABLE, on_listener);
	}
	if (err) {
		mmd_log(MMD_ERR "cannot serve the socket: %s",
			uv_strerror(err));
		mmd_unlisten(d);
		return -EIO;
	}
	/* One descriptor in reserve, to refuse connections when out of them. */
	d->reserve_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return 0;
}

void mmd_unlisten(struct mmd *d)
{
	struct stat st;

	if (d->listening) {
		uv_close((uv_handle_t *)&d->listener, NULL);
		d->listening = false;
	}
	if (d->listen_fd >= 0) {
		close(d->listen_fd);
		d->listen_fd = -1;
	}
	if (d->reserve_fd >= 0) {
		close(d->reserve_fd);
		d->reserve_fd = -1;
	}
	if (d->activated || !d->socket_ino)
		return;
	/* Only our own: a newer daemon may have replaced the file. */
	if (stat(d->socket_path, &st) == 0 && st.st_dev == d->socket_dev &&
	    st.st_ino == d->socket_ino)
		unlink(d->socket_path);
	d->socket_ino = 0;
}
