/* SPDX-License-Identifier: MIT */
/*
 * harness.h - what harness.c lends the session harnesses and their seed
 * writer: an input's set-up, clients' requests answered through the
 * daemon, and the checks afterwards.
 *
 * Owns: the boundary between harness.c, the harnesses (fuzz_session.c,
 * fuzz_requests.c) and seed_session.c. Must never: be used outside
 * tests/fuzz/.
 */
#ifndef MM_FUZZ_SESSION_H
#define MM_FUZZ_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "daemon/server.h"

/* What input byte 0 says, and the machine an input runs on. */
#define FUZZ_LAYOUT(opts) ((opts)&1u)
#define FUZZ_NR_LAYOUTS	  2
/* Sessions an input may speak through (a bystander is always there). */
#define FUZZ_NR_SESSIONS 3

/*
 * Everything an input does before its bytes arrive, on the layout and
 * write mode opts names: boot, the bystander, the fuzzed session's
 * Hello. Returns the fuzzed session.
 */
struct session *fuzz_begin(uint8_t opts);
/* Bytes from the fuzzed session's client, served. */
void fuzz_send(struct session *s, const uint8_t *p, size_t len);
/* The replies the fuzzed session got since the last call; the last one
 * (NULL if none), to be freed with mm__reply__free_unpacked. */
Mm__Reply *fuzz_replies(void);
/* Everything an input does after its bytes: the checks, then cleanup. */
void fuzz_end(void);

/*
 * An input on a machine kept from the last one when it has the layout
 * opts names (booted, with the bystander, otherwise). Its sessions open
 * as they are first named; fuzz_end_reused ends them and checks what
 * they left: the bystander's bytes, free pages back at the baseline,
 * and with full_check the invariant checker.
 */
void fuzz_begin_reused(uint8_t opts);
/* The input's session in slot (0 .. FUZZ_NR_SESSIONS - 1), opened now if
 * it is not yet: a Hello, as root. */
struct session *fuzz_open(unsigned int slot);
void fuzz_end_reused(bool full_check);
const struct machine *fuzz_machine(void);

/* With MM_FUZZ_SEEDS=DIR: write the seed corpus to DIR (seed_session.c). */
int fuzz_write_seeds(const char *dir);

#endif /* MM_FUZZ_SESSION_H */
