/* SPDX-License-Identifier: MIT */
/*
 * mmc_test.h - what the integration tests' client commands share: the
 * socket, the failure count, exact checks and the helpers around them.
 *
 * Owns: nothing but declarations (mmc_test_lib.c holds the code). Must
 * never: be installed; it exists for the tests.
 */
#ifndef MMC_TEST_H
#define MMC_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "client/mmclient.h"
#include "proto/mm.pb-c.h"

extern const char *sock; /* the daemon's socket */
extern int failures;	 /* checks that failed so far */

#define EXPECT(cond, ...)                                                      \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);        \
			fprintf(stderr, __VA_ARGS__);                          \
			fputc('\n', stderr);                                   \
			failures++;                                            \
		}                                                              \
	} while (0)

#define EXPECT_ERR(c, want, call)                                              \
	expect_err((c), (call), (want), #call, __FILE__, __LINE__)

#define EXPECT_PATTERN(c, addr, len, seed, what)                               \
	expect_bytes((c), (addr), (len), (int)(seed), 0, 0, false, (what))

#define EXPECT_SLICE(c, addr, len, seed, off, what)                            \
	expect_bytes((c), (addr), (len), (int)(seed), (off), 0, false, (what))

#define EXPECT_FILL(c, addr, len, byte, what)                                  \
	expect_bytes((c), (addr), (len), -1, 0, (byte), false, (what))

/* A test session; it exits (status 1) if it cannot connect. */
struct mmc *connect_adj(const char *comm, unsigned int cpu, int oom_score_adj);
struct mmc *connect_as(const char *comm, unsigned int cpu);
bool expect_err(struct mmc *c, int got, int want, const char *call,
		const char *file, int line);
void pattern_at(uint8_t *buf, size_t len, unsigned int seed, size_t off);
void pattern(uint8_t *buf, size_t len, unsigned int seed);
void put_pattern(struct mmc *c, uint64_t addr, size_t len, unsigned int seed,
		 bool phys);
void expect_bytes(struct mmc *c, uint64_t addr, size_t len, int seed,
		  size_t off, int fill, bool phys, const char *what);
/* len bytes of seed's pattern at a user address of process pid. */
void put_user_pattern(struct mmc *c, int pid, uint64_t addr, size_t len,
		      unsigned int seed);
/* The bytes at a user address of pid are seed's pattern (or all fill). */
void expect_user_bytes(struct mmc *c, int pid, uint64_t addr, size_t len,
		       int seed, int fill, const char *what);
void expect_no_access(struct mmc *c, uint64_t addr, size_t len, int want,
		      const char *what);
uint64_t direct_map(struct mmc *c, unsigned long pfn);
bool is_i386(struct mmc *c);
char *report_text(struct mmc *c, enum mmc_report kind);
const char *find_line(const char *text, const char *prefix);
bool has_line(const char *text, const char *line);
void expect_counts(struct mmc *c, unsigned long pages, unsigned long objects,
		   const char *what);
void expect_machine_clean(struct mmc *c, const char *what);
void finish(struct mmc *c, const char *what);

/* Raw frames, for clients that break the rules (mmc_test.c). */
int raw_connect(void);
void send_bytes(int fd, const void *p, size_t len);
void send_msg(int fd, const ProtobufCMessage *msg);
/* The next reply, or NULL at EOF or after timeout_ms. */
Mm__Reply *recv_reply(int fd, int timeout_ms);
void send_hello(int fd, uint32_t version, uint32_t cpu, int adj);
void send_ping(int fd, uint64_t id);
void send_len(int fd, uint32_t len);

#endif /* MMC_TEST_H */
