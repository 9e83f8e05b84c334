/*
 * config.c - how a layout error reads.
 *
 * Owns: the one text form of a config_error, "file:line:col: key: message",
 * shared by mmd, the tests and anything else that shows errors. Must
 * never: print; callers choose the stream.
 */
#include "config/config.h"

#include <stdio.h>

void config_error_format(const struct config_error *e, char *buf, size_t len)
{
	char place[32] = "";

	if (e->line)
		snprintf(place, sizeof(place), ":%u:%u", e->line, e->column);
	snprintf(buf, len, "%s%s: %s%s%s", e->file, place, e->key,
		 e->key[0] ? ": " : "", e->msg);
}
