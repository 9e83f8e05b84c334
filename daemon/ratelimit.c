/* SPDX-License-Identifier: MIT */
/*
 * ratelimit.c - log lines a client can provoke, rate-limited as the
 * kernel's printk_ratelimit limits its own: at most a burst of lines in
 * each interval, then silence, and when the next interval begins one
 * line saying how many were suppressed.
 *
 * Owns: struct ratelimit's state and the decision to print. Must never:
 * drop a line without counting it, or let a client make mmd write more
 * than a burst of lines per interval through one limiter.
 */
#include <stdarg.h>
#include <stdio.h>

#include "daemon/server.h"

void ratelimit_init(struct ratelimit *rs, const char *name)
{
	rs->name = name;
	rs->interval_ms = RATELIMIT_INTERVAL_MS;
	rs->burst = RATELIMIT_BURST;
	rs->begin = 0;
	rs->printed = 0;
	rs->missed = 0;
}

/* An interval is over: say what it suppressed, and begin the next. */
static void ratelimit_roll(struct ratelimit *rs, uint64_t now)
{
	if (rs->missed)
		mmd_log(MMD_WARNING "%s: %lu callbacks suppressed", rs->name,
			rs->missed);
	rs->begin = now;
	rs->printed = 0;
	rs->missed = 0;
}

void ratelimit_flush(struct ratelimit *rs, uint64_t now)
{
	if (rs->missed && now - rs->begin >= rs->interval_ms)
		ratelimit_roll(rs, now);
}

/* ___ratelimit: whether one more line may go out now. */
static bool ratelimit_ok(struct ratelimit *rs, uint64_t now)
{
	if (!rs->begin || now - rs->begin >= rs->interval_ms)
		ratelimit_roll(rs, now);
	if (rs->printed < rs->burst) {
		rs->printed++;
		return true;
	}
	rs->missed++;
	return false;
}

void mmd_log_ratelimited(struct ratelimit *rs, uint64_t now, const char *fmt,
			 ...)
{
	char line[512];
	va_list ap;

	if (!ratelimit_ok(rs, now))
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	mmd_log("%s", line);
}
