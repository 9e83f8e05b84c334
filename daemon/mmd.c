/* SPDX-License-Identifier: MIT */
/*
 * mmd.c - mmd's command line: pick the layout, then check it, print it,
 * dump the machine it boots, or hand it to the serving loop.
 *
 * Owns: options, exit statuses (0 fine, 1 a bad layout or failed run, 2
 * bad usage) and how layout errors are shown: one "file:line:col: key:
 * message" line each on stderr. Must never: boot or serve a machine
 * itself (run.c and dump.c do), or print anything on stdout but what a
 * mode asks for.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "core/api.h"
#include "daemon/dump.h"
#include "daemon/mmd.h"
#include "daemon/server.h"

#define BUILTIN_NAME "<built-in>"

enum mode { MODE_RUN, MODE_CHECK, MODE_PRINT, MODE_DUMP };

struct options {
	enum mode mode;
	const char *file; /* NULL: the built-in default layout */
	struct mmd_options run;
};

static void usage(FILE *out)
{
	fputs("usage: mmd [--config FILE] [--socket PATH] [--foreground]\n"
	      "           [--record FILE] [--check-config [FILE]]\n"
	      "           [--print-config [FILE]]\n"
	      "           [--dump [FILE]] [--version] [--help]\n"
	      "\n"
	      "Boots a simulated machine's memory from a YAML layout and "
	      "serves it.\n"
	      "Without FILE, mmd uses its built-in default layout.\n"
	      "\n"
	      "  -c, --config FILE       the layout to boot\n"
	      "  -s, --socket PATH       listen on PATH instead of the "
	      "layout's\n"
	      "                          daemon.socket (systemd socket "
	      "activation\n"
	      "                          overrides both)\n"
	      "  -f, --foreground        stay attached to the terminal; "
	      "without it\n"
	      "                          mmd detaches once it serves "
	      "(under a\n"
	      "                          service manager it never does)\n"
	      "  -r, --record FILE       write down every session's "
	      "requests, for\n"
	      "                          mmtrace --replay "
	      "(docs/recording.md)\n"
	      "      --check-config [FILE]\n"
	      "                          validate the layout: print each "
	      "error as\n"
	      "                          file:line:col: key: message, "
	      "exit 1 if any\n"
	      "      --print-config [FILE]\n"
	      "                          print the resolved layout as YAML\n"
	      "      --dump [FILE]       boot once and print /proc-style "
	      "reports\n"
	      "  -V, --version           print the version\n"
	      "  -h, --help              print this help\n"
	      "\n"
	      "Exit status: 0 success, 1 bad layout or failure, 2 bad "
	      "usage.\n",
	      out);
}

static int usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

static int usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%smmd: ", mmd_log_priority(MMD_ERR));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'mmd --help'.\n", stderr);
	return 2;
}

/* Both "--check-config=FILE" and "--check-config FILE" name the file. */
static const char *optional_arg(int argc, char **argv)
{
	if (optarg)
		return optarg;
	if (optind < argc && argv[optind][0] != '-')
		return argv[optind++];
	return NULL;
}

static int set_file(struct options *o, const char *file)
{
	if (o->file && file && strcmp(o->file, file) != 0)
		return usage_error("two layout files given ('%s' and another)",
				   file);
	if (file)
		o->file = file;
	return 0;
}

static int set_mode(struct options *o, enum mode mode, const char *name,
		    const char *file)
{
	if (o->mode != MODE_RUN)
		return usage_error("--%s cannot be combined with another mode",
				   name);
	o->mode = mode;
	return set_file(o, file);
}

/* Returns -1 to go on, or the exit status to stop with. */
static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"socket", required_argument, NULL, 's'},
		{"foreground", no_argument, NULL, 'f'},
		{"record", required_argument, NULL, 'r'},
		{"check-config", optional_argument, NULL, 'C'},
		{"print-config", optional_argument, NULL, 'P'},
		{"dump", optional_argument, NULL, 'D'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c, err = 0;

	/* "+": stop at the first non-option, so stray words are errors. */
	while (!err && (c = getopt_long(argc, argv, "+c:s:fr:Vh", longopts,
					NULL)) != -1) {
		switch (c) {
		case 'c':
			err = set_file(o, optarg);
			break;
		case 's':
			o->run.socket = optarg;
			break;
		case 'f':
			o->run.foreground = true;
			break;
		case 'r':
			o->run.record = optarg;
			break;
		case 'C':
			err = set_mode(o, MODE_CHECK, "check-config",
				       optional_arg(argc, argv));
			break;
		case 'P':
			err = set_mode(o, MODE_PRINT, "print-config",
				       optional_arg(argc, argv));
			break;
		case 'D':
			err = set_mode(o, MODE_DUMP, "dump",
				       optional_arg(argc, argv));
			break;
		case 'V':
			printf("mmd " MMD_VERSION "\n");
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fputs("Try 'mmd --help'.\n", stderr);
			return 2;
		}
	}
	if (err)
		return err;
	if (optind < argc)
		return usage_error("unexpected argument '%s'", argv[optind]);
	return -1;
}

static void print_errors(const struct config_errors *errs)
{
	char line[640];

	for (unsigned int i = 0; i < errs->nr; i++) {
		config_error_format(&errs->err[i], line, sizeof(line));
		fprintf(stderr, "%s%s\n", mmd_log_priority(MMD_ERR), line);
	}
}

/* The built-in layout is checked like a file, so a bad build shows. */
static int load_builtin(struct layout *l, struct config_errors *errs)
{
	struct layout_errors lerrs;

	layout_default(l);
	errs->nr = 0;
	if (layout_validate(l, &lerrs) == 0)
		return 0;
	for (unsigned int i = 0; i < lerrs.nr && i < CONFIG_MAX_ERRORS; i++) {
		struct config_error *e = &errs->err[errs->nr++];

		memset(e, 0, sizeof(*e));
		snprintf(e->file, sizeof(e->file), "%s", BUILTIN_NAME);
		snprintf(e->key, sizeof(e->key), "%s", lerrs.err[i].key);
		snprintf(e->msg, sizeof(e->msg), "%s", lerrs.err[i].msg);
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct options o = {MODE_RUN, NULL, {NULL, false, NULL}};
	struct config_errors *errs = calloc(1, sizeof(*errs));
	struct layout l;
	int status, err;

	if (!errs) {
		fputs("mmd: out of memory\n", stderr);
		return 1;
	}
	status = parse_options(argc, argv, &o);
	if (status >= 0)
		goto out;
	err = o.file ? config_load_file(o.file, &l, errs)
		     : load_builtin(&l, errs);
	if (err) {
		print_errors(errs);
		status = 1;
		goto out;
	}
	switch (o.mode) {
	case MODE_CHECK:
		status = 0;
		break;
	case MODE_PRINT:
		status = config_emit(&l, stdout) ? 1 : 0;
		break;
	case MODE_DUMP:
		status = mmd_dump(&l, stdout);
		break;
	case MODE_RUN:
		status = mmd_run(&l, &o.run);
		break;
	}
out:
	free(errs);
	return status;
}
