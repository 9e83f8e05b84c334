/* SPDX-License-Identifier: MIT */
/*
 * fault.h - fault injection for test builds: the Nth host allocation, the
 * Nth write to a client, the Nth swap write or swap slot fails.
 *
 * Owns: the sites, their counters and how they are armed, for
 * tests/fault/inject.c. A program links inject.o with the -Wl,--wrap
 * flags mk/fault.mk names (FAULT_WRAP): its malloc, calloc and realloc,
 * libuv's allocator (uv_replace_allocator), protobuf-c's (mmd's own
 * ProtobufCAllocator calls malloc), uv_try_write and uv_write, and core's
 * swap_writepage and get_swap_page then pass through here. mmd-fault arms
 * them from the environment at start:
 *
 *   MMD_FAULT_ALLOC=N[,K]       allocations N..N+K-1 fail (K: 1)
 *   MMD_FAULT_WRITE=N[,K]       writes to clients N.. fail ...
 *   MMD_FAULT_WRITE_ERR=E       ... with EPIPE (default; the socket is
 *                               shut, so the write really fails) or
 *                               EAGAIN (uv_try_write only: nothing taken)
 *   MMD_FAULT_SWAP_WRITE=N[,K]  swap writes fail with -EIO
 *   MMD_FAULT_SWAP_SLOT=N[,K]   swap slot allocations fail with -ENOSPC
 *   MMD_FAULT_REPORT=1          at exit, each site's calls and failures
 *   MMD_FAULT_ON_SIGNAL=1       count only from SIGUSR1 to SIGUSR2
 *   MMD_FAULT_BACKTRACE=1       print where each failure lands
 *
 * Calls count from 1, from the start of the process (or SIGUSR1), so a
 * test arms the fault around just its workload. Must never: be
 * linked into anything installed.
 */
#ifndef MM_TESTS_FAULT_H
#define MM_TESTS_FAULT_H

#include <stdbool.h>

enum fault_site {
	FAULT_ALLOC,
	FAULT_WRITE,
	FAULT_SWAP_WRITE,
	FAULT_SWAP_SLOT,
	NR_FAULT_SITES,
};

/* Calls at..at+times-1 of site fail (at 0: none); counts start again. */
void fault_arm(enum fault_site site, unsigned long at, unsigned long times);
unsigned long fault_calls(enum fault_site site);
unsigned long fault_fired(enum fault_site site);

#endif /* MM_TESTS_FAULT_H */
