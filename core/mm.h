/* SPDX-License-Identifier: MIT */
/*
 * mm.h - address spaces: mm_struct, vm_area_struct, and what acts on them.
 *
 * Owns the types shared by vma.c (mmap, munmap, mprotect, brk, merge and
 * split), memory.c (faults, user access, fork, teardown), rmap.c (which
 * page tables map a page), swap.c and vmscan.c (LRU, reclaim, OOM).
 * Constants are Linux's own values so that a client can pass what its
 * own headers define. Must never: hold user bytes anywhere but RAM and
 * swap, or let one mm's tables map another mm's private pages except
 * through fork's copy-on-write sharing.
 */
#ifndef MM_MM_H
#define MM_MM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <sys/mman.h>

#include "core/list.h"
#include "core/machine.h"
#include "core/mempolicy.h"
#include "core/pgtable.h"
#include "core/seq_buf.h"

/*
 * mmap's prot and flags and the signals of a failed access are the host's
 * <sys/mman.h> and <signal.h>: the host is Linux, and these are the
 * values the machine's Linux uses (checked below, so that a client may
 * pass what its own headers define).
 */
_Static_assert(PROT_READ == 0x1 && PROT_WRITE == 0x2 && PROT_EXEC == 0x4,
	       "PROT_* are Linux's");
_Static_assert(MAP_SHARED == 0x01 && MAP_PRIVATE == 0x02 && MAP_FIXED == 0x10 &&
		       MAP_ANONYMOUS == 0x20 && MAP_GROWSDOWN == 0x100 &&
		       MAP_NORESERVE == 0x4000 && MAP_POPULATE == 0x8000 &&
		       MAP_HUGETLB == 0x40000 &&
		       MAP_FIXED_NOREPLACE == 0x100000,
	       "MAP_* are Linux's");
#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
_Static_assert(MREMAP_MAYMOVE == 1 && MREMAP_FIXED == 2 &&
		       MREMAP_DONTUNMAP == 4,
	       "MREMAP_* are Linux's");
_Static_assert(SIGSEGV == 11 && SIGBUS == 7 && SEGV_MAPERR == 1 &&
		       SEGV_ACCERR == 2 && BUS_ADRERR == 2,
	       "signals are Linux's");

/* vm_flags, as include/linux/mm.h. */
#define VM_NONE		0x00000000UL
#define VM_READ		0x00000001UL
#define VM_WRITE	0x00000002UL
#define VM_EXEC		0x00000004UL
#define VM_SHARED	0x00000008UL
#define VM_MAYREAD	0x00000010UL
#define VM_MAYWRITE	0x00000020UL
#define VM_MAYEXEC	0x00000040UL
#define VM_MAYSHARE	0x00000080UL
#define VM_GROWSDOWN	0x00000100UL
#define VM_PFNMAP	0x00000400UL /* raw frames, no struct page use */
#define VM_LOCKED	0x00002000UL
#define VM_IO		0x00004000UL /* device memory */
#define VM_DONTEXPAND	0x00040000UL
#define VM_SEQ_READ	0x00008000UL /* MADV_SEQUENTIAL */
#define VM_RAND_READ	0x00010000UL /* MADV_RANDOM */
#define VM_DONTCOPY	0x00020000UL /* MADV_DONTFORK */
#define VM_LOCKONFAULT	0x00080000UL /* mlock2(MLOCK_ONFAULT) */
#define VM_ACCOUNT	0x00100000UL
#define VM_NORESERVE	0x00200000UL
#define VM_HUGETLB	0x00400000UL
#define VM_WIPEONFORK	0x02000000UL /* MADV_WIPEONFORK */
#define VM_DONTDUMP	0x04000000UL /* MADV_DONTDUMP */
#define VM_HUGEPAGE	0x20000000UL /* MADV_HUGEPAGE */
#define VM_NOHUGEPAGE	0x40000000UL /* MADV_NOHUGEPAGE */
#define VM_ACCESS_FLAGS (VM_READ | VM_WRITE | VM_EXEC)
/* Mappings of raw frames: never merged, grown or copied page by page. */
#define VM_SPECIAL     (VM_IO | VM_DONTEXPAND | VM_PFNMAP)
#define VM_LOCKED_MASK (VM_LOCKED | VM_LOCKONFAULT)

/* vm.max_map_count's default, and the stack's rlimit (8 MiB). */
#define DEFAULT_MAX_MAP_COUNT 65530
#define STACK_RLIMIT	      (8ULL << 20)
/* Linux's stack_guard_gap: 256 pages kept free below a grows-down VMA. */
#define STACK_GUARD_GAP_PAGES 256

enum mm_counter {
	MM_FILEPAGES,
	MM_ANONPAGES,
	MM_SWAPENTS,
	MM_SHMEMPAGES,
	NR_MM_COUNTERS,
};

struct anon_vma;
struct file;
struct shmem_object;
struct mm_struct;

/*
 * A VMA: [vm_start, vm_end) of one mm with one set of flags. Private
 * anonymous VMAs hang on an anon_vma, shared ones on a shmem object; the
 * page at address a of either sits at index vm_pgoff + (a - vm_start) /
 * PAGE_SIZE of that object, which is how rmap finds every mapper.
 */
struct vm_area_struct {
	uint64_t vm_start;
	uint64_t vm_end;
	unsigned long vm_flags;
	uint64_t vm_pgoff;
	struct mm_struct *vm_mm;
	struct anon_vma *anon_vma;
	struct shmem_object *shmem;
	/*
	 * The file it maps (a reference held, as vm_file), its pages the
	 * file's page cache at vm_pgoff on; on the inode's i_mmap list by
	 * i_mmap_node. A private file VMA has an anon_vma too once a
	 * write copied a page.
	 */
	struct file *vm_file;
	struct list_head i_mmap_node;
	/*
	 * How many anon_vmas it is linked to, as the length of Linux's
	 * anon_vma_chain: 1 for its own, one more for each fork it comes
	 * down through; 0 without an anon_vma.
	 */
	unsigned int anon_vma_chain;
	struct list_head rmap_node; /* on its family's or shmem's VMA list */
	uint64_t vma_obj;	    /* its vm_area_struct in the slab */
	struct mempolicy vm_policy; /* mbind's; MPOL_DEFAULT: the task's */
	/*
	 * A VMA MADV_GUARD_INSTALL was used on (an anonymous one takes an
	 * anon_vma too): fork copies its tables whole, as Linux's
	 * vma_needs_copy does. Sticky, as Linux's VM_MAYBE_GUARD: kept by
	 * split, fork and merge, never cleared.
	 */
	bool maybe_guard;
};

/*
 * The path to the last PTE table a walk of this mm reached, so that the
 * next access in the same table reads one entry rather than walking
 * every level of RAM again: a software TLB for the page-table walk.
 * Valid while gen equals the machine's pgtable_gen (no table freed).
 */
struct pte_cache {
	uint64_t tag; /* the address >> what one PTE table maps, + 1 */
	unsigned long gen;
	struct pte_slot slot;
};

/*
 * A software TLB: the RAM behind recently used pages of one mm, as the
 * MMU found it. An entry holds while its gen equals the machine's
 * tlb_gen, which every change of an entry that takes a bit or its frame
 * away bumps (a flush of every TLB, as a shootdown would be), so what
 * it caches always agrees with the tables: the accessed bit set, and
 * for a write, RW and dirty. 512 entries, as a second-level TLB.
 */
#define USER_TLB_ENTRIES 512

struct user_tlb_entry {
	uint64_t tag; /* the virtual page number + 1; 0: empty */
	unsigned long gen;
	uint8_t *ram;  /* the page's bytes */
	bool writable; /* filled by a write: RW and dirty are set */
};

/*
 * What the process's malloc (malloc.c) has done, counted host-side: its
 * own state lives in the process's memory, these are only figures for
 * reports and checks. A fork copies them with the heap they describe.
 */
struct malloc_stats {
	uint64_t heap_start;	      /* malloc's state; 0 before first use */
	uint64_t heap_bytes;	      /* brk - heap_start, as malloc set it */
	uint64_t in_use_bytes;	      /* heap chunks in use, headers and all */
	unsigned long in_use_chunks;  /* heap chunks in use */
	unsigned long free_chunks;    /* free chunks on the bins */
	unsigned long mmapped_chunks; /* chunks with a mapping of their own */
	uint64_t mmapped_bytes;
	unsigned long max_mmapped_chunks;
	uint64_t max_mmapped_bytes;
	uint64_t max_total_bytes; /* peak of heap_bytes + mmapped_bytes */
	unsigned long nr_malloc;  /* chunks given out, by any call */
	unsigned long nr_free;	  /* chunks taken back, by any call */
	unsigned long nr_errors;  /* calls refused */
};

struct mm_struct {
	unsigned long pgd;	      /* pfn of the pgd */
	struct vm_area_struct **vmas; /* sorted by vm_start */
	unsigned int map_count;
	size_t vmas_cap;
	uint64_t mmap_base; /* top-down allocation starts below this */
	uint64_t task_size;
	uint64_t start_brk, brk;
	unsigned long
		def_flags; /* VM_LOCKED(_MASK) after mlockall(MCL_FUTURE) */
	uint64_t start_stack;
	unsigned long total_vm, locked_vm, data_vm, exec_vm, stack_vm;
	/* Of locked_vm, the pages MREMAP_DONTUNMAP unlocked and left counted.
	 */
	unsigned long locked_vm_dontunmap;
	unsigned long hiwater_rss, hiwater_vm;
	long rss_stat[NR_MM_COUNTERS];
	unsigned long min_flt, maj_flt;
	unsigned long hugetlb_pages;  /* pages in its huge pages */
	unsigned long pgtables_bytes; /* its page tables, the pgd not counted */
	struct pte_cache pte_cache;
	struct user_tlb_entry tlb[USER_TLB_ENTRIES];
	struct malloc_stats malloc; /* its user-space malloc's figures */
	uint64_t mm_obj;	    /* its mm_struct in the slab */
	int pid;		    /* the task that owns it */
	struct ldt_struct *ldt;	    /* mm->context.ldt: modify_ldt's (ldt.h) */
};

/*
 * Bytes of page tables under mm's pgd, the pgd itself not counted, kept
 * by pgtable.c as each table comes and goes, as Linux's
 * mm_pgtables_bytes; and the same in pages, for VmPTE and OOM badness.
 */
static inline unsigned long mm_pgtables_bytes(const struct mm_struct *mm)
{
	return mm->pgtables_bytes;
}

static inline unsigned long mm_pgtables(const struct machine *m,
					const struct mm_struct *mm)
{
	return mm_pgtables_bytes(mm) >> m->page_shift;
}

/* Why a user access failed, as the signal the kernel would send. */
struct user_fault {
	int signo;     /* SIGSEGV or SIGBUS; 0 when none */
	int si_code;   /* SEGV_MAPERR, SEGV_ACCERR, BUS_ADRERR */
	uint64_t addr; /* the first address that faulted */
};

/* How a user access touches memory. */
enum user_access {
	USER_READ,
	USER_WRITE,
	USER_EXEC,
};

/* vma.c */
int vma_init(struct machine *m);
void vma_exit(struct machine *m);
struct mm_struct *mm_alloc(struct machine *m, int pid);
struct vm_area_struct *find_vma(const struct mm_struct *mm, uint64_t addr);
int do_mmap(struct machine *m, struct mm_struct *mm, uint64_t addr,
	    uint64_t len, int prot, int flags, uint64_t *mapped);
/*
 * mmap of a file (flags without MAP_ANONYMOUS), from the page offset
 * pgoff, as do_mmap's file branch: Linux's checks and errno.
 */
int do_mmap_file(struct machine *m, struct mm_struct *mm, struct file *file,
		 uint64_t addr, uint64_t len, int prot, int flags,
		 uint64_t pgoff, uint64_t *mapped);
/* msync: MS_ASYNC, MS_SYNC, MS_INVALIDATE, with Linux's errno. */
int do_msync(struct machine *m, struct mm_struct *mm, uint64_t start,
	     uint64_t len, int flags);
int do_munmap(struct machine *m, struct mm_struct *mm, uint64_t addr,
	      uint64_t len);
int do_mprotect(struct machine *m, struct mm_struct *mm, uint64_t addr,
		uint64_t len, int prot);
int do_mremap(struct machine *m, struct mm_struct *mm, uint64_t old_addr,
	      uint64_t old_len, uint64_t new_len, int flags, uint64_t new_addr,
	      uint64_t *result);
int do_brk(struct machine *m, struct mm_struct *mm, uint64_t newbrk,
	   uint64_t *brk);

/* madvise.c: every advice of Linux 6.x but MADV_COLLAPSE and the guards. */
int do_madvise(struct machine *m, struct mm_struct *mm, uint64_t start,
	       uint64_t len, int advice);
/*
 * mlock.c: mlock2 (flags 0 or MLOCK_ONFAULT; mlock is flags 0), munlock,
 * mlockall (MCL_CURRENT, MCL_FUTURE, MCL_ONFAULT), munlockall, as Linux's.
 */
int do_mlock(struct machine *m, struct mm_struct *mm, uint64_t start,
	     uint64_t len, int flags);
int do_munlock(struct machine *m, struct mm_struct *mm, uint64_t start,
	       uint64_t len);
int do_mlockall(struct machine *m, struct mm_struct *mm, int flags);
int do_munlockall(struct machine *m, struct mm_struct *mm);
/* mincore.c: a byte per page of [start, +len) into vec, 1 if resident. */
int do_mincore(struct machine *m, struct mm_struct *mm, uint64_t start,
	       uint64_t len, uint8_t *vec);
int report_maps(const struct machine *m, const struct mm_struct *mm,
		struct seq_buf *s);

/* memory.c */
int handle_mm_fault(struct machine *m, struct mm_struct *mm, uint64_t addr,
		    enum user_access access, struct user_fault *fault);
int access_user(struct machine *m, struct mm_struct *mm, uint64_t addr,
		void *buf, size_t len, enum user_access access,
		struct user_fault *fault);
/*
 * The RAM of addr's page from mm's TLB if an access of that kind may use
 * it without the MMU's walk; NULL when access_user must go the long way
 * (a miss, an execute, a write through a read-only fill).
 */
static inline uint8_t *user_tlb_lookup(const struct machine *m,
				       const struct mm_struct *mm,
				       uint64_t addr, enum user_access access)
{
	uint64_t vpn = addr >> m->page_shift;
	const struct user_tlb_entry *e = &mm->tlb[vpn % USER_TLB_ENTRIES];

	if (e->tag != vpn + 1 || e->gen != m->tlb_gen || access == USER_EXEC ||
	    (access == USER_WRITE && !e->writable))
		return NULL;
	return e->ram;
}

int dup_mm(struct machine *m, struct mm_struct *oldmm, int pid,
	   struct mm_struct **newmm);
void mmput(struct machine *m, struct mm_struct *mm);
unsigned long get_mm_rss(const struct mm_struct *mm);

/*
 * drop_caches.c: shrink every slab cache and drain every CPU's page
 * lists, as the kernel; returns the free pages after.
 */
unsigned long drop_caches(struct machine *m);
/*
 * The drop_caches sysctl's value: 1 the clean page cache, 2 the slab
 * caches, 3 both, 4 nothing (0 means 3); -EINVAL above 4. Counts
 * drop_pagecache and drop_slab in vmstat, as Linux's.
 */
int drop_caches_mode(struct machine *m, unsigned int mode,
		     unsigned long *free_pages);

#endif /* MM_MM_H */
