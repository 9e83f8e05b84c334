/*
 * run.c - mmd's serving loop: boot the machine and serve it.
 *
 * Owns: everything mmd does after its layout is loaded and valid. Must
 * never: parse options or read layout files; mmd.c has done both.
 * (A placeholder until the loop exists.)
 */
#include "daemon/mmd.h"

int mmd_run(const struct layout *l)
{
	(void)l;
	return 0;
}
