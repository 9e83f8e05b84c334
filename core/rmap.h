/*
 * rmap.h - reverse mapping: from a page to every entry that maps it.
 *
 * Owns: anon_vma (the family of private anonymous VMAs, across forks,
 * whose pages one another may share) and the rmap walk over it and over
 * a shmem object's VMAs. A page's mapping names its anon_vma or shmem
 * object and its index the page offset in it; the address in a VMA is
 * vm_start + (index - vm_pgoff) pages. Must never: walk a VMA that has
 * left its mm, or let an anon_vma go while a VMA or a page points at it.
 */
#ifndef MM_RMAP_H
#define MM_RMAP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/list.h"
#include "core/mm.h"

/* The VMAs whose pages can be found through it, and who holds it. */
struct rmap_root {
	struct list_head vmas;
	unsigned long refcount; /* VMAs and pages pointing at it */
};

struct anon_vma {
	struct rmap_root root;
	uint64_t obj; /* its anon_vma in the slab */
};

/* Give vma an anon_vma (of its merge neighbour if it may), as prepare. */
int anon_vma_prepare(struct machine *m, struct vm_area_struct *vma);
/* vma takes the anon_vma (or shmem object) of src, as on fork or split. */
void vma_link_rmap(struct vm_area_struct *vma,
		   const struct vm_area_struct *src);
/*
 * vma leaves its anon_vma (dropping its reference) or its shmem object's
 * list; the reference on a shmem object is the mapping's, dropped by
 * whoever frees the VMA, as remove_vma drops vm_file.
 */
void vma_unlink_rmap(struct machine *m, struct vm_area_struct *vma);
void anon_vma_get(struct anon_vma *av);
void anon_vma_put(struct machine *m, struct anon_vma *av);

/* The rmap root a user page hangs on, NULL for any other page. */
struct rmap_root *page_rmap_root(const struct page *page);

/* Called for each VMA mapping the page, with the address it is at. */
typedef int (*rmap_one_fn)(struct machine *m, struct page *page,
			   struct vm_area_struct *vma, uint64_t addr,
			   void *arg);
/* Stops at the first non-zero return and returns it. */
int rmap_walk(struct machine *m, struct page *page, rmap_one_fn fn, void *arg);

/* The address of index in vma, or false when vma does not cover it. */
bool vma_address(const struct vm_area_struct *vma, uint64_t index,
		 uint64_t *addr, unsigned int page_shift);

#endif /* MM_RMAP_H */
