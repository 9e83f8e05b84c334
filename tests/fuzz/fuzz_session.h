/*
 * fuzz_session.h - what the session harness lends its seed writer: one
 * input's set-up, and a client's requests answered through the daemon.
 *
 * Owns: the boundary between fuzz_session.c (the harness) and
 * seed_session.c (the seed corpus it can write). Must never: be used
 * outside tests/fuzz/.
 */
#ifndef MM_FUZZ_SESSION_H
#define MM_FUZZ_SESSION_H

#include <stddef.h>
#include <stdint.h>

#include "daemon/server.h"

/* What input byte 0 says, and the machine an input runs on. */
#define FUZZ_LAYOUT(opts) ((opts)&1u)
#define FUZZ_NR_LAYOUTS	  2

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
const struct machine *fuzz_machine(void);

/* With MM_FUZZ_SEEDS=DIR: write the seed corpus to DIR (seed_session.c). */
int fuzz_write_seeds(const char *dir);

#endif /* MM_FUZZ_SESSION_H */
