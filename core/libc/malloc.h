/* SPDX-License-Identifier: MIT */
/*
 * malloc.h - the user-space malloc of a simulated process.
 *
 * Owns: malloc, free, calloc, realloc, posix_memalign,
 * malloc_usable_size, mallopt, malloc_trim and a mallinfo2 snapshot for
 * one mm, run as the process's own C library would run them: every
 * chunk header, footer, free-list link and the allocator's own state
 * live in the process's memory (at the start of its heap) and are read
 * and written through its page tables, so they fault, count in RSS,
 * swap and are copied by fork. Host-side there are only counters
 * (mm->malloc). Must never: trust a byte it reads from the process
 * (every link and size is checked, every walk bounded) or crash on one.
 *
 * Errors are negative errno values with m->errmsg in glibc's words:
 * -EINVAL for a pointer malloc did not give, a double free or a bad
 * alignment; -ENOMEM when brk or mmap fail; -EUCLEAN when the heap is
 * found corrupted; -EFAULT (and the fault's words) when the process
 * unmapped its own heap.
 *
 * core/libc/ is the C library of the machine's processes: user-space
 * code, not the kernel's. It reaches a process's memory only as a C
 * library would, through the address-space calls (brk, mmap, munmap,
 * mremap, and loads and stores through access_user); the kernel side
 * knows it only by mm->malloc's counters and the client calls of
 * uapi_malloc.c. It sits inside core/ because it runs inside the
 * machine and is built and tested with it, and core uses nothing
 * outside core/.
 */
#ifndef MM_MALLOC_H
#define MM_MALLOC_H

#include <stddef.h>
#include <stdint.h>

#include "core/mm.h"
#include "core/seq_buf.h"
#include "core/snapshot.h"

/* mallopt's parameters, with glibc's values. */
#define M_TRIM_THRESHOLD -1
#define M_TOP_PAD	 -2
#define M_MMAP_THRESHOLD -3

/* glibc's defaults, and the cap on M_MMAP_THRESHOLD (64-bit). */
#define DEFAULT_MMAP_THRESHOLD	   (128ULL << 10)
#define DEFAULT_TRIM_THRESHOLD	   (128ULL << 10)
#define DEFAULT_TOP_PAD		   (128ULL << 10)
#define DEFAULT_MMAP_THRESHOLD_MAX (32ULL << 20)

/* The payload alignment: 16 bytes, on both architectures. */
#define MALLOC_ALIGNMENT 16

/* mallinfo2(3): the fields glibc fills, in bytes and chunks. */
struct user_mallinfo {
	uint64_t arena;	   /* bytes of the heap: brk - its start */
	uint64_t ordblks;  /* free chunks, the top one included */
	uint64_t hblks;	   /* chunks with a mapping of their own */
	uint64_t hblkhd;   /* bytes of those mappings */
	uint64_t usmblks;  /* the peak of arena + hblkhd */
	uint64_t uordblks; /* bytes of chunks in use in the heap */
	uint64_t fordblks; /* bytes of free chunks in the heap */
	uint64_t keepcost; /* bytes of the top chunk, trimmable */
};

int user_malloc(struct machine *m, struct mm_struct *mm, uint64_t size,
		uint64_t *addr);
/* free(0) does nothing, as free(NULL). */
int user_free(struct machine *m, struct mm_struct *mm, uint64_t addr);
int user_calloc(struct machine *m, struct mm_struct *mm, uint64_t nmemb,
		uint64_t size, uint64_t *addr);
/* realloc(0, n) is malloc(n); realloc(p, 0) frees p and gives 0. */
int user_realloc(struct machine *m, struct mm_struct *mm, uint64_t addr,
		 uint64_t size, uint64_t *new_addr);
int user_posix_memalign(struct machine *m, struct mm_struct *mm,
			uint64_t alignment, uint64_t size, uint64_t *addr);
int user_malloc_usable_size(struct machine *m, struct mm_struct *mm,
			    uint64_t addr, uint64_t *size);
/*
 * M_MMAP_THRESHOLD, M_TRIM_THRESHOLD, M_TOP_PAD as glibc takes them;
 * 0 (where glibc returns 1), or -EINVAL for others or bad values.
 */
int user_mallopt(struct machine *m, struct mm_struct *mm, int param, int value);
/* Give back all of the top chunk above pad; *released says how much. */
int user_malloc_trim(struct machine *m, struct mm_struct *mm, uint64_t pad,
		     uint64_t *released);
int user_mallinfo(struct machine *m, struct mm_struct *mm,
		  struct user_mallinfo *mi);

/*
 * Walk the whole heap and every free list and mmapped chunk, checking
 * each header, footer and link against the others and against mm's
 * counters: 0, or -EUCLEAN with the first inconsistency in why. It
 * reads the process's memory (faulting pages in), so the machine's
 * checker leaves it to tests; malloc_check_counters is its side-effect
 * free part, which the checker runs.
 */
int user_malloc_check(struct machine *m, struct mm_struct *mm, char *why,
		      size_t len);
int malloc_check_counters(const struct machine *m, const struct mm_struct *mm,
			  char *why, size_t len);

/* malloc_stats(3), in glibc's format, from mm's counters. */
/*
 * malloc_stats(3)'s snapshot (snapshot.h; mm.proto's MallocStats), in
 * bytes: the heap (arena_0), the total with mmapped chunks, and the
 * most mmapped chunks and bytes there have been; -ESRCH for no process.
 */
struct malloc_arena_snapshot {
	uint64_t system_bytes, in_use_bytes;
};
struct malloc_stats_snapshot {
	struct malloc_arena_snapshot arena_0, total;
	uint64_t max_mmap_regions, max_mmap_bytes;
};
extern const struct report_type malloc_stats_report;
int malloc_stats_fill(const struct machine *m, int pid, void *snap);
int malloc_stats_show(const void *snap, struct seq_buf *s);
int report_malloc_stats(const struct machine *m, const struct mm_struct *mm,
			struct seq_buf *s);

#endif /* MM_MALLOC_H */
