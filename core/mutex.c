/* SPDX-License-Identifier: MIT */
/*
 * mutex.c - DEFINE_MUTEX, mutex_lock, mutex_trylock and mutex_unlock,
 * the sleeping lock of kernel/locking/mutex.c, with the checks
 * CONFIG_DEBUG_MUTEXES and lockdep make.
 *
 * Owns: the machine's mutexes (mutex.h). Must never: sleep (the daemon
 * parks a caller this says -EAGAIN to), let two tasks hold one mutex,
 * or keep a waiter or holder that is gone.
 *
 * Waiting is FIFO: a contended lock queues the task at the tail, and an
 * unlock with waiters hands the mutex straight to the first (Linux
 * hands off only to a waiter that has starved, and otherwise lets a
 * spinning newcomer steal it; strict handoff keeps the order visible).
 * The handed task finds itself the holder when it asks again.
 */
#include "core/mutex.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/check.h"
#include "core/err.h"
#include "core/pid.h"
#include "core/preempt.h"
#include "core/printk.h"
#include "core/task.h"

struct mutex {
	char name[MUTEX_NAME_MAX];
	int owner;    /* the process that defined it */
	int holder;   /* 0: unlocked */
	bool handed;  /* given to holder by an unlock; not yet seen */
	int *waiters; /* pids, first come first */
	size_t nr_waiters, cap_waiters;
};

struct mutex_state {
	struct mutex **mutexes;
	size_t nr, cap;
};

int mutex_init_state(struct machine *m)
{
	m->mutexes = calloc(1, sizeof(*m->mutexes));
	return m->mutexes ? 0 : -ENOMEM;
}

static void mutex_free(struct mutex *lock)
{
	free(lock->waiters);
	free(lock);
}

void mutex_exit_state(struct machine *m)
{
	struct mutex_state *st = m->mutexes;

	if (!st)
		return;
	for (size_t i = 0; i < st->nr; i++)
		mutex_free(st->mutexes[i]);
	free(st->mutexes);
	free(st);
	m->mutexes = NULL;
}

static bool valid_name(const char *name)
{
	static const char ident[] = "_abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t n = strnlen(name, MUTEX_NAME_MAX);

	return n && n < MUTEX_NAME_MAX && !(name[0] >= '0' && name[0] <= '9') &&
	       strspn(name, ident) == n;
}

static struct mutex *find_mutex(const struct machine *m, const char *name,
				size_t *at)
{
	const struct mutex_state *st = m->mutexes;

	for (size_t i = 0; i < st->nr; i++)
		if (!strncmp(st->mutexes[i]->name, name, MUTEX_NAME_MAX)) {
			if (at)
				*at = i;
			return st->mutexes[i];
		}
	return NULL;
}

static int lookup(struct machine *m, const char *name, struct mutex **lock)
{
	*lock = find_mutex(m, name, NULL);
	if (!*lock)
		return mm_refuse(m, BAD_NONE, -ENOENT, "no mutex '%.*s'",
				 MUTEX_NAME_MAX - 1, name);
	return 0;
}

static const char *comm_of(const struct machine *m, int pid)
{
	const struct task_struct *t = find_task_by_pid(m, pid);

	return t ? t->comm : "?";
}

int mutex_define(struct machine *m, const char *name)
{
	struct mutex_state *st = m->mutexes;
	struct mutex *lock;

	if (!valid_name(name))
		return mm_refuse(m, BAD_NONE, -EINVAL,
				 "DEFINE_MUTEX: '%.*s' is no C identifier of "
				 "at most %d bytes",
				 MUTEX_NAME_MAX, name, MUTEX_NAME_MAX - 1);
	if (find_mutex(m, name, NULL))
		return mm_refuse(m, BAD_NONE, -EEXIST,
				 "DEFINE_MUTEX(%s): the name is taken", name);
	if (st->nr == st->cap) {
		size_t cap = st->cap ? st->cap * 2 : 8;
		struct mutex **grown =
			realloc(st->mutexes, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		st->mutexes = grown;
		st->cap = cap;
	}
	lock = calloc(1, sizeof(*lock));
	if (!lock)
		return -ENOMEM;
	strcpy(lock->name, name);
	lock->owner = m->current_pid;
	st->mutexes[st->nr++] = lock;
	return 0;
}

static void remove_at(struct machine *m, size_t at)
{
	struct mutex_state *st = m->mutexes;

	mutex_free(st->mutexes[at]);
	st->mutexes[at] = st->mutexes[--st->nr];
}

int mutex_destroy(struct machine *m, const char *name)
{
	struct mutex *lock;
	size_t at = 0;
	int err = lookup(m, name, &lock);

	if (err)
		return err;
	find_mutex(m, name, &at);
	if (lock->owner != m->current_pid)
		return mm_refuse(m, BAD_NONE, -EPERM,
				 "mutex %s is pid %d's, not pid %d's", name,
				 lock->owner, m->current_pid);
	/* DEBUG_MUTEXES' mutex_destroy: DEBUG_LOCKS_WARN_ON(locked). */
	if (lock->holder)
		return mm_refuse(m, BAD_NONE, -EBUSY,
				 "mutex_destroy(%s): held by pid %d", name,
				 lock->holder);
	remove_at(m, at);
	return 0;
}

static bool is_waiting(const struct mutex *lock, int pid)
{
	for (size_t i = 0; i < lock->nr_waiters; i++)
		if (lock->waiters[i] == pid)
			return true;
	return false;
}

static int add_waiter(struct mutex *lock, int pid)
{
	if (is_waiting(lock, pid))
		return 0;
	if (lock->nr_waiters == lock->cap_waiters) {
		size_t cap = lock->cap_waiters ? lock->cap_waiters * 2 : 4;
		int *grown = realloc(lock->waiters, cap * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		lock->waiters = grown;
		lock->cap_waiters = cap;
	}
	lock->waiters[lock->nr_waiters++] = pid;
	return 0;
}

static void del_waiter(struct mutex *lock, int pid)
{
	size_t kept = 0;

	for (size_t i = 0; i < lock->nr_waiters; i++)
		if (lock->waiters[i] != pid)
			lock->waiters[kept++] = lock->waiters[i];
	lock->nr_waiters = kept;
}

int mutex_lock(struct machine *m, const char *name)
{
	int pid = m->current_pid;
	struct mutex *lock;
	int err;

	might_sleep(m);
	err = lookup(m, name, &lock);
	if (err)
		return err;
	if (lock->holder == pid && lock->handed) {
		lock->handed = false; /* the wait this call made is over */
		return 0;
	}
	if (lock->holder == pid) {
		printk(m, "WARNING: possible recursive locking detected");
		printk(m, "%s/%d is trying to acquire lock %s, already held",
		       comm_of(m, pid), pid, name);
		return mm_refuse(m, BAD_NONE, -EDEADLK,
				 "mutex_lock(%s): pid %d holds it already: it "
				 "would wait for itself",
				 name, pid);
	}
	if (!lock->holder) {
		lock->holder = pid;
		return 0;
	}
	if (!preemptible(m))
		return mm_refuse(m, BAD_NONE, -EAGAIN,
				 "mutex_lock(%s): held by pid %d, and the "
				 "caller is in atomic context: it cannot sleep",
				 name, lock->holder);
	err = add_waiter(lock, pid);
	return err ? err
		   : mm_refuse(m, BAD_NONE, -EAGAIN,
			       "mutex %s is held by pid %d (%zu waiting)", name,
			       lock->holder, lock->nr_waiters);
}

int mutex_trylock(struct machine *m, const char *name, bool *locked)
{
	struct mutex *lock;
	int err = lookup(m, name, &lock);

	if (err)
		return err;
	*locked = !lock->holder;
	if (*locked)
		lock->holder = m->current_pid;
	return 0;
}

/* The first waiter holds it now; it learns so when it asks again. */
static void unlock_handoff(struct mutex *lock)
{
	if (!lock->nr_waiters) {
		lock->holder = 0;
		lock->handed = false;
		return;
	}
	lock->holder = lock->waiters[0];
	lock->handed = true;
	del_waiter(lock, lock->holder);
}

int mutex_unlock(struct machine *m, const char *name)
{
	int pid = m->current_pid;
	struct mutex *lock;
	int err = lookup(m, name, &lock);

	if (err)
		return err;
	if (lock->holder != pid) {
		/* DEBUG_MUTEXES: __mutex_unlock_slowpath's owner check. */
		printk(m,
		       "WARNING: CPU: %u PID: %d at kernel/locking/mutex.c "
		       "__mutex_unlock_slowpath",
		       m->cpu, pid);
		printk(m,
		       "DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current)");
		return mm_refuse(m, BAD_NONE, lock->holder ? -EPERM : -EINVAL,
				 "mutex_unlock(%s): %s", name,
				 lock->holder ? "held by another task"
					      : "not locked");
	}
	unlock_handoff(lock);
	return 0;
}

void mutex_wait_cancel(struct machine *m, int pid)
{
	const struct mutex_state *st = m->mutexes;

	if (!st) /* a boot that failed before mutexes */
		return;
	for (size_t i = 0; i < st->nr; i++)
		del_waiter(st->mutexes[i], pid);
}

unsigned long mutex_release(struct machine *m, int pid)
{
	struct mutex_state *st = m->mutexes;
	unsigned long defined = 0;

	if (!st)
		return 0;
	mutex_wait_cancel(m, pid);
	for (size_t i = 0; i < st->nr; i++) {
		struct mutex *lock = st->mutexes[i];

		if (lock->holder != pid)
			continue;
		/* do_exit's debug_check_no_locks_held. */
		printk(m, "WARNING: %s/%d still has locks held!",
		       comm_of(m, pid), pid);
		printk(m, " #0: %s, released at exit", lock->name);
		unlock_handoff(lock);
	}
	for (size_t i = 0; i < st->nr;)
		if (st->mutexes[i]->owner == pid) {
			remove_at(m, i);
			defined++;
		} else {
			i++;
		}
	return defined;
}

static int check_one(const struct machine *m, const struct mutex *lock,
		     char *why, size_t len)
{
	if (!valid_name(lock->name) || !find_task_by_pid(m, lock->owner))
		return check_failed(why, len, "mutex '%s': owner pid %d gone",
				    lock->name, lock->owner);
	if (lock->holder && !find_task_by_pid(m, lock->holder))
		return check_failed(why, len, "mutex %s: holder pid %d gone",
				    lock->name, lock->holder);
	if ((lock->handed || lock->nr_waiters) && !lock->holder)
		return check_failed(why, len,
				    "mutex %s: unlocked with %zu waiting",
				    lock->name, lock->nr_waiters);
	for (size_t i = 0; i < lock->nr_waiters; i++) {
		int w = lock->waiters[i];

		if (!find_task_by_pid(m, w) || w == lock->holder)
			return check_failed(why, len,
					    "mutex %s: waiter pid %d is gone "
					    "or holds it",
					    lock->name, w);
		for (size_t j = 0; j < i; j++)
			if (lock->waiters[j] == w)
				return check_failed(why, len,
						    "mutex %s: pid %d waits "
						    "twice",
						    lock->name, w);
	}
	return 0;
}

int mutex_check(const struct machine *m, char *why, size_t len)
{
	const struct mutex_state *st = m->mutexes;

	for (size_t i = 0; st && i < st->nr; i++) {
		int err = check_one(m, st->mutexes[i], why, len);

		if (err)
			return err;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(st->mutexes[j]->name, st->mutexes[i]->name))
				return check_failed(why, len,
						    "two mutexes named %s",
						    st->mutexes[i]->name);
	}
	return 0;
}

static int fill_mutex(const struct mutex *lock, struct mutex_snapshot *ms)
{
	snprintf(ms->name, sizeof(ms->name), "%s", lock->name);
	ms->owner = lock->owner;
	ms->holder = lock->holder;
	ms->waiters = snap_alloc(lock->nr_waiters, sizeof(*ms->waiters));
	if (!ms->waiters)
		return -ENOMEM;
	for (size_t j = 0; j < lock->nr_waiters; j++)
		ms->waiters[ms->nr_waiters++] = (uint64_t)lock->waiters[j];
	return 0;
}

int mutexes_fill(const struct machine *m, int pid, void *snap)
{
	const struct mutex_state *st = m->mutexes;
	struct mutexes_snapshot *ms = snap;
	size_t n = st ? st->nr : 0;
	int err = 0;

	(void)pid;
	ms->mutexes = snap_alloc(n, sizeof(*ms->mutexes));
	if (!ms->mutexes)
		return -ENOMEM;
	for (size_t i = 0; i < n && !err; i++)
		err = fill_mutex(st->mutexes[i],
				 &ms->mutexes[ms->nr_mutexes++]);
	return err;
}

int mutexes_show(const void *snap, struct seq_buf *s)
{
	const struct mutexes_snapshot *ms = snap;

	seq_printf(s, "%-31s %7s %7s %s\n", "NAME", "OWNER", "HOLDER",
		   "WAITERS");
	for (size_t i = 0; i < ms->nr_mutexes; i++) {
		const struct mutex_snapshot *x = &ms->mutexes[i];

		seq_printf(s, "%-31s %7lld %7lld", x->name, (long long)x->owner,
			   (long long)x->holder);
		if (!x->nr_waiters)
			seq_printf(s, " -");
		for (size_t j = 0; j < x->nr_waiters; j++)
			seq_printf(s, "%s%llu", j ? "," : " ",
				   (unsigned long long)x->waiters[j]);
		seq_printf(s, "\n");
	}
	return s->err;
}

#define MX(member, k) SNAP_FIELD(struct mutex_snapshot, member, k)
static const struct snap_field mutex_fields[] = {
	MX(name, SNAP_CHARS),
	MX(owner, SNAP_S64),
	MX(holder, SNAP_S64),
	SNAP_ARRAY(struct mutex_snapshot, waiters, nr_waiters, SNAP_U64S, NULL),
};
static const struct snap_desc mutex_desc =
	SNAP_DESC("MutexRow", struct mutex_snapshot, mutex_fields);
static const struct snap_field mutexes_fields[] = {
	SNAP_ARRAY(struct mutexes_snapshot, mutexes, nr_mutexes, SNAP_ITEMS,
		   &mutex_desc),
};
static const struct snap_desc mutexes_desc =
	SNAP_DESC("Mutexes", struct mutexes_snapshot, mutexes_fields);
const struct report_type mutexes_report = {&mutexes_desc, mutexes_fill,
					   mutexes_show};

int report_mutexes(const struct machine *m, struct seq_buf *s)
{
	return report_show(&mutexes_report, m, 0, s);
}
