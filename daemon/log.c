/* SPDX-License-Identifier: MIT */
/*
 * log.c - mmd's log: one line per event on stderr, "mmd: ..." (the
 * journal takes stderr under systemd).
 *
 * Owns: the one place the daemon's messages go out, in a file of its own
 * so that a test program linking the daemon may put its own mmd_log in
 * its place (the fuzzing harness keeps quiet). Must never: be called for
 * every request; only for what an operator should read.
 */
#include <stdarg.h>
#include <stdio.h>

#include "daemon/server.h"

void mmd_log(const char *fmt, ...)
{
	va_list ap;

	fputs("mmd: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
