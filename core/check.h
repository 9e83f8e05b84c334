/* SPDX-License-Identifier: MIT */
/*
 * check.h - the machine's invariant checker.
 *
 * machine_check walks every structure and returns 0, or -EUCLEAN with the
 * first inconsistency described in why. It never changes the machine.
 */
#ifndef MM_CHECK_H
#define MM_CHECK_H

#include <stddef.h>

#include "core/err.h" /* check_failed, which every checker calls */
#include "core/machine.h"

int machine_check(const struct machine *m, char *why, size_t len);

#endif /* MM_CHECK_H */
