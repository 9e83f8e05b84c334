/*
 * run.c - mmd's serving loop: boot the machine and serve it.
 *
 * Owns: everything mmd does after its layout is loaded and valid. Must
 * never: parse options or read layout files; mmd.c has done both.
 */
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/machine.h"
#include "daemon/mmd.h"

int mmd_run(const struct layout *l)
{
	struct machine *m = machine_create(l);

	if (IS_ERR(m)) {
		fprintf(stderr, "mmd: cannot boot '%s': %s\n", l->name,
			strerror((int)-PTR_ERR(m)));
		return 1;
	}
	machine_destroy(m);
	/* The machine boots; serving it over a socket is not built yet. */
	fprintf(stderr,
		"mmd: '%s' boots, but this mmd cannot serve it yet: "
		"use --dump to see it\n",
		l->name);
	return 1;
}
