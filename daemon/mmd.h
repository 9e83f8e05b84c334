/*
 * mmd.h - what mmd's command line hands on once a layout is loaded.
 *
 * Owns: the boundary between option handling (mmd.c) and serving the
 * machine (run.c). Must never: grow option parsing or YAML knowledge.
 */
#ifndef MMD_MMD_H
#define MMD_MMD_H

#include "core/layout.h"

/*
 * Boot the machine a valid layout describes and serve it until told to
 * stop. Returns the process exit status.
 */
int mmd_run(const struct layout *l);

#endif /* MMD_MMD_H */
