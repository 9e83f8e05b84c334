/* SPDX-License-Identifier: MIT */
/*
 * fuzz_layout.c - libFuzzer harness: any bytes as a YAML layout file.
 *
 * Owns: what must hold for every input to config/'s loader. A refused
 * layout comes with at least one error, each formatting to one line with
 * a place inside the file. An accepted one validates, prints as YAML that
 * loads back to the very same struct, and, when it is small enough to
 * boot here (256 MiB of RAM and of swap at most), boots into a machine the
 * invariant checker finds consistent. Anything else aborts, which
 * libFuzzer reports as a crash. Must never: write a file.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/check.h"
#include "core/err.h"
#include "core/machine.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BOOT_MAX (256ull << 20)
#define NAME	 "fuzz.yaml"

#define DIE(...)                                                               \
	do {                                                                   \
		fprintf(stderr, "fuzz_layout: " __VA_ARGS__);                  \
		fputc('\n', stderr);                                           \
		abort();                                                       \
	} while (0)

static struct config_errors errs;
static struct layout layout, again;

/* Each error names this file, and a line within it when it has one. */
static void check_errors(size_t size)
{
	char line[640];

	if (errs.nr == 0 || errs.nr > CONFIG_MAX_ERRORS)
		DIE("a refusal with %u errors", errs.nr);
	for (unsigned int i = 0; i < errs.nr; i++) {
		const struct config_error *e = &errs.err[i];

		if (strcmp(e->file, NAME) || !e->msg[0])
			DIE("error %u names '%s' and says '%s'", i, e->file,
			    e->msg);
		if (e->line > size + 2)
			DIE("error %u at line %u of a %zu-byte file", i,
			    e->line, size);
		config_error_format(e, line, sizeof(line));
		if (strchr(line, '\n'))
			DIE("an error of more than one line: %s", line);
	}
}

/* print-config's promise: what it prints loads to the same layout. */
static void check_round_trip(void)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	if (!f)
		DIE("out of memory");
	if (config_emit(&layout, f))
		DIE("config_emit failed");
	fclose(f);
	if (config_load_string(NAME, text, len, &again, &errs)) {
		config_error_format(&errs.err[0], (char[640]){0}, 640);
		DIE("the printed layout does not load back:\n%s", text);
	}
	if (memcmp(&layout, &again, sizeof(layout)))
		DIE("the printed layout loads to another struct:\n%s", text);
	free(text);
}

static void check_boot(void)
{
	struct layout_errors lerrs;
	struct machine *m;
	char why[256];

	if (layout_validate(&layout, &lerrs))
		DIE("loaded, but does not validate: %s: %s", lerrs.err[0].key,
		    lerrs.err[0].msg);
	if (layout.memory > BOOT_MAX || layout.swap_size > BOOT_MAX)
		return;
	m = machine_create(&layout);
	if (IS_ERR(m))
		return; /* refusing is allowed; crashing is not */
	if (machine_check(m, why, sizeof(why)))
		DIE("a fresh machine fails the check: %s", why);
	machine_destroy(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (config_load_string(NAME, (const char *)data, size, &layout,
			       &errs)) {
		check_errors(size);
		return 0;
	}
	check_round_trip();
	check_boot();
	return 0;
}
