/* SPDX-License-Identifier: MIT */
/*
 * mmd.h - what mmd's command line hands on once a layout is loaded.
 *
 * Owns: the boundary between option handling (mmd.c) and serving the
 * machine (run.c). Must never: grow option parsing or YAML knowledge.
 */
#ifndef MMD_MMD_H
#define MMD_MMD_H

#include <stdbool.h>

#include "core/api.h"

#define MMD_VERSION "0.1.0"

/* How to serve, from the command line. */
struct mmd_options {
	const char *socket; /* NULL: the layout's daemon.socket */
	bool foreground;    /* false: detach once serving */
	const char *record; /* --record FILE, or NULL */
};

/*
 * Boot the machine a valid layout describes and serve it until told to
 * stop. Returns the process exit status.
 */
int mmd_run(const struct layout *l, const struct mmd_options *o);

#endif /* MMD_MMD_H */
