/* SPDX-License-Identifier: MIT */
/*
 * log.c - mmd's log: one line per event on stderr, "mmd: ..." (the
 * journal takes stderr under systemd, and with it each line's priority:
 * "<3>" for an error, as sd-daemon(3) says).
 *
 * Owns: the one place the daemon's messages go out, in a file of its own
 * so that a test program linking the daemon may put its own mmd_log in
 * its place (the fuzzing harness keeps quiet). Must never: be called for
 * every request; only for what an operator should read.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon/server.h"

/*
 * stderr is the journal's stream (JOURNAL_STREAM names its device and
 * inode, systemd.exec(5)): only then does a priority prefix mean
 * anything to the reader.
 */
static bool stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	return js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 &&
	       !fstat(STDERR_FILENO, &st) && st.st_dev == dev &&
	       st.st_ino == ino;
}

const char *mmd_log_priority(const char *prio)
{
	return stderr_is_journal() ? prio : "";
}

void mmd_log(const char *fmt, ...)
{
	char line[1024];
	const char *text = line;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (line[0] == '<' && line[1] >= '0' && line[1] <= '7' &&
	    line[2] == '>') {
		text = line + 3;
		if (stderr_is_journal())
			fprintf(stderr, "%.3s", line);
	}
	fprintf(stderr, "mmd: %s\n", text);
}
