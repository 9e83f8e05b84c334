/* SPDX-License-Identifier: MIT */
/*
 * err.c - the words that go with an error: one place writes them.
 *
 * Owns: m->errmsg and the bad-input counters (m->bad) as mm_refuse fills
 * them, and the checker's description of what it found. Linux keeps the
 * like in fs/fs_context.c (logfc behind errorf and invalf: a message for
 * the caller beside the errno); here it sits under every subsystem so that the
 * lowest file may say why without calling up. Must never: call another
 * file of core, or change anything but the message and the counter.
 */
#include "core/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "core/machine.h"

int mm_refuse(struct machine *m, enum bad_item bad, int err, const char *fmt,
	      ...)
{
	va_list ap;

	if (bad < NR_BAD_ITEMS)
		m->bad[bad]++;
	va_start(ap, fmt);
	vsnprintf(m->errmsg, sizeof(m->errmsg), fmt, ap);
	va_end(ap);
	return err;
}

int check_failed(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -EUCLEAN;
}
