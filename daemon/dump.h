/* SPDX-License-Identifier: MIT */
/*
 * dump.h - mmd --dump: boot a machine once and print its /proc views.
 */
#ifndef MMD_DUMP_H
#define MMD_DUMP_H

#include <stdio.h>

#include "core/api.h"

/* Returns the process exit status: 0, or 1 when the machine cannot boot. */
int mmd_dump(const struct layout *l, FILE *out);

#endif /* MMD_DUMP_H */
