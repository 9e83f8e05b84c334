/* SPDX-License-Identifier: MIT */
/*
 * op_fs.c - the handlers of the file rows of the operation table that
 * are not mechanical: open (a descriptor result), read and pread64
 * (bytes straight into the reply frame), write and pwrite64 (the bytes
 * of the request), stat and fstat (a message result), ioctl (its
 * argument in and back out). close, lseek,
 * ftruncate, fsync, unlink, fadvise64 and readahead are plain uapi
 * calls (proto/ops.def).
 *
 * Owns: the wire's bounds on these requests: a read brings back at most
 * what a reply holds (a short read, as read(2) may give). Must never:
 * touch the machine except through uapi, or do I/O.
 */
#include <errno.h>
#include <string.h>

#include "core/api.h"
#include "daemon/server.h"

int op_open(struct session *s, const Mm__Open *a, struct reply *r)
{
	int fd = -1;
	int err = uapi_open(s->d->m, a->pid, a->path, a->flags, a->mode, &fd);

	if (!err)
		r->value = (uint64_t)fd;
	return err;
}

/* read or pread64: count clamped to what a reply holds. */
static int file_read(struct session *s, const Mm__FileRead *a, bool positioned,
		     struct reply *r)
{
	uint32_t max = s->d->max_frame - REPLY_OVERHEAD;
	uint32_t count = a->count > max ? max : (uint32_t)a->count;
	uint8_t *room = reply_data_room(s, r, count), *at;
	size_t done = 0;
	int err;

	if (!room)
		return r->rep.status;
	err = positioned ? uapi_pread64(s->d->m, a->pid, a->fd, room, count,
					a->offset, &done)
			 : uapi_sys_read(s->d->m, a->pid, a->fd, room, count,
					 &done);
	if (err)
		return err;
	/* A short read's length may take fewer bytes to say: the data then
	 * starts earlier in the frame (room for count is room for done). */
	at = reply_data_room(s, r, (uint32_t)done);
	if (at != room)
		memmove(at, room, done);
	reply_data_set(r, at, (uint32_t)done);
	return 0;
}

int op_sys_read(struct session *s, const Mm__FileRead *a, struct reply *r)
{
	return file_read(s, a, false, r);
}

int op_pread64(struct session *s, const Mm__FileRead *a, struct reply *r)
{
	return file_read(s, a, true, r);
}

/* ioctl: the argument's bytes go in and come back in the reply. */
int op_ioctl(struct session *s, const Mm__Ioctl *a, struct reply *r)
{
	uint32_t len = a->arg.len > IOCTL_ARG_MAX ? IOCTL_ARG_MAX + 1
						  : (uint32_t)a->arg.len;
	uint8_t *room = reply_data_room(s, r, len);
	int err;

	if (!room)
		return r->rep.status;
	if (a->arg.len)
		memcpy(room, a->arg.data, len);
	err = uapi_ioctl(s->d->m, a->pid, a->fd, a->cmd, room, a->arg.len);
	if (!err)
		reply_data_set(r, room, len);
	return err;
}

int op_sys_write(struct session *s, const Mm__FileWrite *a, struct reply *r)
{
	size_t done = 0;
	int err = uapi_sys_write(s->d->m, a->pid, a->fd, a->data.data,
				 a->data.len, &done);

	if (!err)
		r->value = done;
	return err;
}

int op_pwrite64(struct session *s, const Mm__FileWrite *a, struct reply *r)
{
	size_t done = 0;
	int err = uapi_pwrite64(s->d->m, a->pid, a->fd, a->data.data,
				a->data.len, a->offset, &done);

	if (!err)
		r->value = done;
	return err;
}

static int stat_result(struct reply *r, int err, const struct kstat *st)
{
	if (err)
		return err;
	mm__stat__init(&r->stat);
	r->stat.dev = st->dev;
	r->stat.ino = st->ino;
	r->stat.mode = st->mode;
	r->stat.nlink = st->nlink;
	r->stat.uid = st->uid;
	r->stat.gid = st->gid;
	r->stat.size = st->size;
	r->stat.blksize = st->blksize;
	r->stat.blocks = st->blocks;
	r->stat.atime_ns = st->atime;
	r->stat.mtime_ns = st->mtime;
	r->stat.ctime_ns = st->ctime;
	r->rep.result_case = MM__REPLY__RESULT_STAT;
	r->rep.stat = &r->stat;
	return 0;
}

int op_stat(struct session *s, const Mm__PathName *a, struct reply *r)
{
	struct kstat st;

	return stat_result(r, uapi_stat(s->d->m, a->pid, a->path, &st), &st);
}

int op_fstat(struct session *s, const Mm__FileDescriptor *a, struct reply *r)
{
	struct kstat st;

	return stat_result(r, uapi_fstat(s->d->m, a->pid, a->fd, &st), &st);
}
