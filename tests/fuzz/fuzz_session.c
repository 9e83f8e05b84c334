/* SPDX-License-Identifier: MIT */
/*
 * fuzz_session.c - libFuzzer harness: the raw bytes one client sends,
 * through mmd's own frame reader, decoder and dispatch, into a machine
 * booted for this input alone.
 *
 * Owns: the input's meaning. Byte 0 picks the layout and how the
 * connection takes replies (harness.h); the rest is what a client sends
 * after its Hello, garbage included. Each input boots a fresh machine,
 * so a crash reproduces from its input alone; harness.c checks the
 * machine afterwards. Must never: keep anything from one input to the
 * next.
 */
#include <stdlib.h>

#include "tests/fuzz/harness.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *dir = getenv("MM_FUZZ_SEEDS");

	(void)argc;
	(void)argv;
	if (dir)
		exit(fuzz_write_seeds(dir) ? 1 : 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct session *s;

	if (size < 1)
		return 0;
	s = fuzz_begin(data[0]);
	fuzz_send(s, data + 1, size - 1);
	fuzz_end();
	return 0;
}
