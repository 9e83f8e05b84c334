/* SPDX-License-Identifier: MIT */
/*
 * vma_internal.h - what vma.c shares with the rest of core's address-space
 * code (memory.c's fork and teardown, task_mmu.c's reports, the checker).
 * Clients never see these; they go through uapi.h.
 */
#ifndef MM_VMA_INTERNAL_H
#define MM_VMA_INTERNAL_H

#include "core/mm.h"

struct kmem_cache;

struct vma_state {
	struct kmem_cache *mm_cachep;
	struct kmem_cache *vma_cachep;
	struct kmem_cache *anon_vma_cachep;
	unsigned int max_map_count; /* vm.max_map_count */
};

/* The VMA containing addr, or NULL. */
struct vm_area_struct *vma_lookup(const struct mm_struct *mm, uint64_t addr);
struct vm_area_struct *vm_area_alloc(struct machine *m, struct mm_struct *mm);
struct vm_area_struct *vm_area_dup(struct machine *m, struct mm_struct *mm,
				   const struct vm_area_struct *src);
void vm_area_free(struct machine *m, struct vm_area_struct *vma);

/*
 * The anon_vma of a touching neighbour that vma may share from its first
 * fault, as mm/vma.c's find_mergeable_anon_vma: next first, then prev;
 * NULL if neither may lend one.
 */
struct anon_vma *find_mergeable_anon_vma(const struct machine *m,
					 const struct vm_area_struct *vma);

/* fork: an mm with the parent's layout and room for its VMAs. */
struct mm_struct *mm_alloc_for_fork(struct machine *m,
				    const struct mm_struct *oldmm, int pid);
void mm_append_vma(struct machine *m, struct mm_struct *mm,
		   struct vm_area_struct *vma);
/* Unmap and free every VMA; then free the mm itself. */
void exit_mmap(struct machine *m, struct mm_struct *mm);
void mm_free(struct machine *m, struct mm_struct *mm);

/*
 * madvise_update_vma: [start, end), inside one VMA, gets newflags; the
 * VMA is cut to the range and merged again as mprotect's are. 0, or the
 * split's error (-ENOMEM past vm.max_map_count) with nothing changed.
 */
int mbind_update_vma(struct machine *m, struct mm_struct *mm, uint64_t start,
		     uint64_t end, const struct mempolicy *pol);
int madvise_update_vma(struct machine *m, struct mm_struct *mm, uint64_t start,
		       uint64_t end, unsigned long newflags);

/* vm.mmap_min_addr: nothing is mapped, and no stack grows, below it. */
#define MMAP_MIN_ADDR (64ULL << 10)

/* vm.max_map_count, as the sysctl sets it. */
void vm_set_max_map_count(struct machine *m, unsigned int count);
uint64_t stack_guard_gap(const struct machine *m);
uint64_t huge_page_size(const struct machine *m);

/* The address-space part of the invariant checker (mm_check.c). */
int mm_check(const struct machine *m, char *why, size_t len);

#endif /* MM_VMA_INTERNAL_H */
