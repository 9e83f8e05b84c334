/* SPDX-License-Identifier: MIT */
/*
 * test_mutex.c - mutexes in core: FIFO handoff from holder to waiters,
 * the refusals (recursion, bad unlocks, destroy of a held or another's
 * mutex, bad names, the objects limit), the atomic-context rule, a
 * cancelled wait, release at exit, and the checker.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdio.h>

#include "core/mutex.h"
#include "core/preempt.h"
#include "core/printk.h"
#include "core/task.h"
#include "core/uapi.h"

struct three {
	struct machine *m;
	int a, b, c;
};

static void boot_three(struct three *t, unsigned long objects)
{
	struct layout l;

	small_layout(&l, 64 * MiB);
	l.limits.objects = objects;
	t->m = boot(&l);
	assert_int_equal(task_create(t->m, "a", 0, 0, &t->a), 0);
	assert_int_equal(task_create(t->m, "b", 0, 0, &t->b), 0);
	assert_int_equal(task_create(t->m, "c", 1, 0, &t->c), 0);
}

static int as(struct machine *m, int pid)
{
	assert_int_equal(task_switch(m, pid), 0);
	return pid;
}

/* A holds; B then C wait; each unlock hands it to the next in order. */
static void test_fifo_handoff(void **state)
{
	struct three t;
	uint64_t got = 9;

	(void)state;
	boot_three(&t, 16);
	as(t.m, t.a);
	assert_int_equal(uapi_mutex_init(t.m, "m"), 0);
	assert_int_equal(uapi_mutex_lock(t.m, "m"), 0);
	as(t.m, t.b);
	assert_int_equal(uapi_mutex_lock(t.m, "m"), -EAGAIN);
	as(t.m, t.c);
	assert_int_equal(uapi_mutex_lock(t.m, "m"), -EAGAIN);
	assert_int_equal(uapi_mutex_lock(t.m, "m"), -EAGAIN); /* queued once */
	assert_consistent(t.m);
	as(t.m, t.a);
	assert_int_equal(uapi_mutex_unlock(t.m, "m"), 0);
	/* Handed to B: C's retry and A's trylock find it held. */
	as(t.m, t.c);
	assert_int_equal(uapi_mutex_lock(t.m, "m"), -EAGAIN);
	as(t.m, t.a);
	assert_int_equal(uapi_mutex_trylock(t.m, "m", &got), 0);
	assert_int_equal(got, 0);
	as(t.m, t.b);
	assert_int_equal(uapi_mutex_lock(t.m, "m"), 0);
	assert_int_equal(uapi_mutex_unlock(t.m, "m"), 0);
	as(t.m, t.c);
	assert_int_equal(uapi_mutex_lock(t.m, "m"), 0);
	assert_int_equal(uapi_mutex_unlock(t.m, "m"), 0);
	assert_int_equal(uapi_mutex_trylock(t.m, "m", &got), 0);
	assert_int_equal(got, 1);
	assert_int_equal(uapi_mutex_unlock(t.m, "m"), 0);
	assert_consistent(t.m);
	machine_destroy(t.m);
}

static void test_refusals(void **state)
{
	struct three t;

	(void)state;
	boot_three(&t, 2);
	as(t.m, t.a);
	assert_int_equal(uapi_mutex_init(t.m, "1x"), -EINVAL);
	assert_int_equal(uapi_mutex_init(t.m, "a-b"), -EINVAL);
	assert_int_equal(
		uapi_mutex_init(t.m, "a_name_of_thirty_two_bytes_long_"),
		-EINVAL);
	assert_int_equal(uapi_mutex_init(t.m, "m"), 0);
	assert_int_equal(uapi_mutex_init(t.m, "m"), -EEXIST);
	assert_int_equal(uapi_mutex_init(t.m, "n"), 0);
	assert_int_equal(uapi_mutex_init(t.m, "o"), -EDQUOT);
	assert_int_equal(uapi_mutex_unlock(t.m, "m"), -EINVAL);
	assert_int_equal(uapi_mutex_lock(t.m, "nope"), -ENOENT);
	assert_int_equal(uapi_mutex_lock(t.m, "m"), 0);
	assert_int_equal(uapi_mutex_lock(t.m, "m"), -EDEADLK);
	assert_int_equal(uapi_mutex_destroy(t.m, "m"), -EBUSY);
	as(t.m, t.b);
	assert_int_equal(uapi_mutex_unlock(t.m, "m"), -EPERM);
	assert_int_equal(uapi_mutex_destroy(t.m, "n"), -EPERM);
	as(t.m, t.a);
	assert_int_equal(uapi_mutex_unlock(t.m, "m"), 0);
	assert_int_equal(uapi_mutex_destroy(t.m, "m"), 0);
	assert_int_equal(uapi_mutex_init(t.m, "o"), 0); /* its object back */
	assert_consistent(t.m);
	machine_destroy(t.m);
}

/* Contended under a spinlock: the BUG, no queueing; free: taken. */
static void test_atomic_context(void **state)
{
	struct three t;
	struct seq_buf s;
	uint64_t flags = 0;

	(void)state;
	boot_three(&t, 16);
	as(t.m, t.a);
	assert_int_equal(uapi_mutex_init(t.m, "m"), 0);
	assert_int_equal(uapi_mutex_lock(t.m, "m"), 0);
	as(t.m, t.b);
	assert_int_equal(uapi_atomic_enter(t.m, SECTION_SPIN_LOCK, &flags), 0);
	assert_int_equal(uapi_mutex_lock(t.m, "m"), -EAGAIN);
	assert_int_equal(uapi_atomic_exit(t.m, SECTION_SPIN_LOCK, 0), 0);
	assert_int_equal(t.m->bad[BAD_SLEEP_IN_ATOMIC], 1);
	report_text(t.m, &s, report_mutexes);
	assert_non_null(strstr(s.buf, " -\n")); /* b is not waiting */
	seq_buf_free(&s);
	report_text(t.m, &s, report_dmesg);
	assert_non_null(strstr(s.buf, "BUG: sleeping function called from "
				      "invalid context at core/mutex.c:"));
	seq_buf_free(&s);
	assert_consistent(t.m);
	machine_destroy(t.m);
}

/* A cancelled wait and an exit: the queue forgets, the holder passes. */
static void test_cancel_and_exit(void **state)
{
	struct three t;
	struct seq_buf s;
	char line[80];

	(void)state;
	boot_three(&t, 16);
	as(t.m, t.c);
	assert_int_equal(uapi_mutex_init(t.m, "m"), 0);
	as(t.m, t.a);
	assert_int_equal(uapi_mutex_lock(t.m, "m"), 0);
	as(t.m, t.b);
	assert_int_equal(uapi_mutex_lock(t.m, "m"), -EAGAIN);
	uapi_wait_cancel(t.m, t.b);
	as(t.m, t.c);
	assert_int_equal(uapi_mutex_lock(t.m, "m"), -EAGAIN);
	assert_int_equal(task_exit(t.m, t.a, NULL), 0);
	snprintf(line, sizeof(line), "WARNING: a/%d still has locks held!",
		 t.a);
	report_text(t.m, &s, report_dmesg);
	assert_non_null(strstr(s.buf, line));
	seq_buf_free(&s);
	assert_consistent(t.m);
	as(t.m, t.c);
	assert_int_equal(uapi_mutex_lock(t.m, "m"), 0); /* handed at exit */
	as(t.m, t.b);
	assert_int_equal(uapi_mutex_lock(t.m, "m"), -EAGAIN);
	/* Its owner goes: the mutex with it, and b's wait. */
	assert_int_equal(task_exit(t.m, t.c, NULL), 0);
	assert_consistent(t.m);
	as(t.m, t.b);
	assert_int_equal(uapi_mutex_lock(t.m, "m"), -ENOENT);
	machine_destroy(t.m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo_handoff),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_atomic_context),
		cmocka_unit_test(test_cancel_and_exit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
