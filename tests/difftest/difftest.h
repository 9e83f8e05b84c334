/* SPDX-License-Identifier: MIT */
/*
 * difftest.h - what the differential tester and its host child say to
 * each other over two pipes: one call, then its result.
 *
 * The channel is a SOCK_SEQPACKET socket, one per process, so that a
 * fork's call can carry the new process's socket with it.
 *
 * Owns: the call kinds and the two fixed-size messages. Addresses travel
 * as byte offsets from the window's base (the child's first break), so
 * the host and the machine use the same offsets at their own bases.
 * Must never: carry a pointer.
 */
#ifndef MM_DIFFTEST_H
#define MM_DIFFTEST_H

#include <stdint.h>

/* The window: 256 pages of 4 KiB from the first break. */
#define DT_WINDOW_BYTES (256ULL << 12)

/*
 * The file both sides map (MMAP without MAP_ANONYMOUS: the file, from
 * byte new_off): on the host a tmpfs file (/dev/shm), fd 3 of the host
 * child; in the machine a file of its filesystem. It starts
 * DT_FILE_PAGES long, every byte written, and whatever ftruncate adds
 * is written too, so that each side's page cache holds every page of
 * it (a hole would be read from the device in the machine, with
 * readahead, and allocated by tmpfs).
 */
#define DT_FILE_PAGES 16
#define DT_FILE_FD    3

/* The byte at offset off of the file. */
static inline char dt_file_byte(uint64_t off)
{
	return (char)(0x40 + (off >> 12) % 64);
}

enum dt_kind {
	DT_MMAP,
	DT_MUNMAP,
	DT_MPROTECT,
	DT_MREMAP,
	DT_BRK,
	DT_READ,
	DT_WRITE,
	DT_MLOCK, /* mlock2: flags 0 or MLOCK_ONFAULT */
	DT_MUNLOCK,
	DT_MADVISE,  /* advice in prot */
	DT_MLOCKALL, /* flags: MCL_* */
	DT_MUNLOCKALL,
	DT_FTRUNCATE, /* the file to len bytes; growth written as it holds */
	DT_MSYNC,     /* flags: MS_* */
	DT_EXIT,      /* the process leaves */
	DT_FORK,      /* the new process's socket comes with it (SCM_RIGHTS) */
	DT_NR_KINDS,
};

/*
 * One call; off/len/new_off in bytes from the window's base (new_off of a
 * file MMAP: the offset in the file); proc: which
 * process makes it (0 the first, 1 the one it forked).
 */
struct dt_call {
	int32_t kind;
	int32_t prot;
	int32_t flags;
	int32_t proc;
	uint64_t off;
	uint64_t len;
	uint64_t new_len;
	uint64_t new_off;
};

/* Its result: a value (an offset for an address), or an error. */
struct dt_result {
	int64_t value; /* mmap, mremap, brk: offset from base; else 0 */
	int32_t err;   /* -errno, 0 on success */
	int32_t signo; /* READ, WRITE: the signal the access raised, or 0 */
	int32_t si_code;
	int32_t pid;		   /* FORK: the new process's pid */
	uint64_t min_flt, maj_flt; /* faults the call took (getrusage) */
};

#endif /* MM_DIFFTEST_H */
