/*
 * check.h - the machine's invariant checker.
 *
 * machine_check walks every structure and returns 0, or -EUCLEAN with the
 * first inconsistency described in why. It never changes the machine.
 */
#ifndef MM_CHECK_H
#define MM_CHECK_H

#include <stddef.h>

#include "core/machine.h"

int machine_check(const struct machine *m, char *why, size_t len);

/* Describe an inconsistency in why and return -EUCLEAN: every checker's
 * way of saying what it found. */
int check_failed(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* MM_CHECK_H */
