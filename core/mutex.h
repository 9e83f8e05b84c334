/* SPDX-License-Identifier: MIT */
/*
 * mutex.h - sleeping locks a client can define and take, as
 * kernel/locking/mutex.c's mutex_lock, mutex_trylock and mutex_unlock
 * with CONFIG_DEBUG_MUTEXES' checks.
 *
 * Owns: every DEFINE_MUTEX a process made (by name, unique in the
 * machine), who holds each and who waits for it, in FIFO order. Must
 * never: sleep itself (a contended lock says -EAGAIN and queues the
 * caller; the daemon parks it and retries), hand a mutex to a task that
 * no longer waits, or outlive the process that defined it.
 */
#ifndef MM_MUTEX_H
#define MM_MUTEX_H

#include <stdbool.h>
#include <stddef.h>

#include "core/machine.h"
#include <stdint.h>

#include "core/seq_buf.h"
#include "core/snapshot.h"

#define MUTEX_NAME_MAX 32 /* with the NUL, as PERCPU_NAME_MAX */

int mutex_init_state(struct machine *m);
void mutex_exit_state(struct machine *m);
int mutex_check(const struct machine *m, char *why, size_t len);

/*
 * DEFINE_MUTEX(name), owned by the current task: -EINVAL for a name
 * that is no C identifier below MUTEX_NAME_MAX, -EEXIST when taken.
 */
int mutex_define(struct machine *m, const char *name);
/* mutex_destroy: the owner's only (-EPERM), -EBUSY held or waited on. */
int mutex_destroy(struct machine *m, const char *name);
/*
 * mutex_lock: might_sleep first. 0 when the current task holds it now
 * (free, or handed over by the unlock it waited for); -EAGAIN when
 * another holds it: the task is queued (once) and the caller waits and
 * asks again, except in atomic context, where it is not queued and the
 * call fails. -EDEADLK when the task holds it already, -ENOENT for no
 * such mutex.
 */
int mutex_lock(struct machine *m, const char *name);
/* mutex_trylock: *locked 1 when taken, 0 when held or waited for. */
int mutex_trylock(struct machine *m, const char *name, bool *locked);
/*
 * mutex_unlock: hands the mutex to its first waiter, as Linux's
 * MUTEX_FLAG_HANDOFF does for a starving one, or frees it. A task that
 * does not hold it gets DEBUG_MUTEXES' warning and -EPERM (another
 * holds it) or -EINVAL (nobody does).
 */
int mutex_unlock(struct machine *m, const char *name);
/* The task gave up waiting (a timed-out wait): off every queue. */
void mutex_wait_cancel(struct machine *m, int pid);
/*
 * Exit: what pid holds is released with lockdep's warning (handed to
 * the next waiter), its waits end, and the mutexes it defined go.
 * Returns how many it defined (objects leaked at exit).
 */
unsigned long mutex_release(struct machine *m, int pid);
/* Every mutex: name, owner, holder and waiters, as a table. */
/*
 * The mutexes report's snapshot (snapshot.h; mm.proto's Mutexes): each
 * mutex, the process that defined it, its holder (0: unlocked) and the
 * pids waiting, first to be served first.
 */
struct mutex_snapshot {
	char name[MUTEX_NAME_MAX];
	int64_t owner, holder;
	uint64_t *waiters;
	size_t nr_waiters;
};
struct mutexes_snapshot {
	struct mutex_snapshot *mutexes;
	size_t nr_mutexes;
};
extern const struct report_type mutexes_report;
int mutexes_fill(const struct machine *m, int pid, void *snap);
int mutexes_show(const void *snap, struct seq_buf *s);
int report_mutexes(const struct machine *m, struct seq_buf *s);

#endif /* MM_MUTEX_H */
