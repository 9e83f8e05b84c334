/* SPDX-License-Identifier: MIT */
/*
 * config.h - layouts from YAML and back.
 *
 * Owns: turning a YAML layout file into core's struct layout (defaults,
 * resolution and validation included) with every problem pointed at
 * file:line:column, and printing a layout back as YAML that loads to the
 * very same struct. Must never: boot a machine, or exit or print on its
 * own; errors are returned, the caller decides where they go.
 */
#ifndef MM_CONFIG_H
#define MM_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/layout.h"

/* One problem in a layout file; line and column count from 1. */
struct config_error {
	char file[256];
	unsigned int line, column; /* 0 when the problem has no place */
	char key[64];		   /* "zones[1].end"; empty for syntax */
	char msg[192];		   /* a sentence without the key */
};

#define CONFIG_MAX_ERRORS 16

struct config_errors {
	unsigned int nr;
	struct config_error err[CONFIG_MAX_ERRORS];
};

/*
 * Load, resolve and validate a layout. Returns 0, -EINVAL when the layout
 * is wrong, -ENOENT (and the like) when the file cannot be read, -ENOMEM;
 * on any failure errs holds at least one error. Parse errors (syntax,
 * unknown keys, wrong types) come several per file; when there are any,
 * semantic validation is skipped.
 */
int config_load_file(const char *path, struct layout *l,
		     struct config_errors *errs);

/* The same from memory; name stands in for the file name in errors. */
int config_load_string(const char *name, const char *yaml, size_t len,
		       struct layout *l, struct config_errors *errs);

/* Print every key of a layout as YAML; 0 or -EIO. */
int config_emit(const struct layout *l, FILE *out);

/* "file:line:col: key: message", leaving out the parts that are unset. */
void config_error_format(const struct config_error *e, char *buf, size_t len);

/*
 * A size or address as layouts write them: 4096, 0x1000, 16K, 16KiB, 16M,
 * 16MiB, 1G, 1GiB, 1T, 1TiB (K = 1024). Returns 0, -EINVAL for anything
 * else (signs, fractions, junk) or -ERANGE when it does not fit 64 bits.
 */
int config_parse_size(const char *s, uint64_t *val);

#endif /* MM_CONFIG_H */
