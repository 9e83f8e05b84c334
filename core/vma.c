/* SPDX-License-Identifier: MIT */
/*
 * vma.c - address spaces: mm_struct and its VMAs; mmap, munmap, mprotect
 * and brk, with VMAs merged and split by the rules of Linux's mm/vma.c.
 *
 * Owns: each mm's VMAs, kept sorted in an array searched by bisection,
 * the placement of new mappings (top down from mmap_base), the heap and
 * the initial stack, and the mm_struct, vm_area_struct caches.
 * Must never: leave two VMAs overlapping, two neighbours that could be
 * one, or a page mapped outside every VMA; every check comes before the
 * first change, so a refused call leaves the mm as it was (but for
 * mprotect over a hole, which changes what lies before the hole and
 * then fails, as Linux's does).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/err.h"
#include "core/filemap.h"
#include "core/fs/fs.h"
#include "core/huge_mm.h"
#include "core/memory.h"
#include "core/mlock.h"
#include "core/mman.h"
#include "core/mmz_userdev.h"
#include "core/page_alloc.h"
#include "core/pgtable.h"
#include "core/rmap.h"
#include "core/shmem.h"
#include "core/slab.h"
#include "core/vma_internal.h"

/* sizeof(struct mm_struct) and sizeof(struct vm_area_struct), per arch. */
#define MM_STRUCT_SIZE_X86_64 1280
#define MM_STRUCT_SIZE_I386   640
#define VMA_SIZE_X86_64	      176
#define VMA_SIZE_I386	      96
#define ANON_VMA_SIZE_X86_64  104
#define ANON_VMA_SIZE_I386    56
/* The initial stack, as setup_arg_pages leaves it, and the mmap gap. */
#define INITIAL_STACK_BYTES (128ULL << 10)
#define MIN_GAP		    (128ULL << 20)

static uint64_t page_align(const struct machine *m, uint64_t len)
{
	return (len + m->page_size - 1) & ~((uint64_t)m->page_size - 1);
}

static unsigned long vma_pages(const struct machine *m,
			       const struct vm_area_struct *vma)
{
	return (unsigned long)((vma->vm_end - vma->vm_start) >> m->page_shift);
}

/* empty_zero_page: what a read of an untouched anonymous page sees. */
static int alloc_zero_page(struct machine *m)
{
	struct page *page = alloc_page(m, GFP_KERNEL | __GFP_ZERO);

	if (IS_ERR(page))
		return (int)PTR_ERR(page);
	m->zero_pfn = page_to_pfn(m, page);
	return 0;
}

int vma_init(struct machine *m)
{
	bool x86_64 = m->layout.arch == ARCH_X86_64;
	struct vma_state *vs = calloc(1, sizeof(*vs));

	if (!vs)
		return -ENOMEM;
	m->vma = vs;
	vs->max_map_count = DEFAULT_MAX_MAP_COUNT;
	vs->mm_cachep = kmem_cache_create(m, "mm_struct",
					  x86_64 ? MM_STRUCT_SIZE_X86_64
						 : MM_STRUCT_SIZE_I386,
					  0, SLAB_HWCACHE_ALIGN, NULL);
	if (IS_ERR(vs->mm_cachep))
		return (int)PTR_ERR(vs->mm_cachep);
	vs->vma_cachep = kmem_cache_create(
		m, "vm_area_struct", x86_64 ? VMA_SIZE_X86_64 : VMA_SIZE_I386,
		0, SLAB_HWCACHE_ALIGN, NULL);
	if (IS_ERR(vs->vma_cachep))
		return (int)PTR_ERR(vs->vma_cachep);
	vs->anon_vma_cachep = kmem_cache_create(m, "anon_vma",
						x86_64 ? ANON_VMA_SIZE_X86_64
						       : ANON_VMA_SIZE_I386,
						0, SLAB_HWCACHE_ALIGN, NULL);
	if (IS_ERR(vs->anon_vma_cachep))
		return (int)PTR_ERR(vs->anon_vma_cachep);
	thp_init(m);
	return alloc_zero_page(m);
}

void vma_exit(struct machine *m)
{
	struct vma_state *vs = m->vma;

	if (!vs)
		return;
	thp_exit(m);
	if (m->zero_pfn)
		__free_pages(m, pfn_to_page(m, m->zero_pfn), 0);
	m->zero_pfn = 0;
	if (!IS_ERR_OR_NULL(vs->anon_vma_cachep))
		kmem_cache_destroy(m, vs->anon_vma_cachep);
	if (!IS_ERR_OR_NULL(vs->vma_cachep))
		kmem_cache_destroy(m, vs->vma_cachep);
	if (!IS_ERR_OR_NULL(vs->mm_cachep))
		kmem_cache_destroy(m, vs->mm_cachep);
	free(vs);
	m->vma = NULL;
}

void vm_set_max_map_count(struct machine *m, unsigned int count)
{
	m->vma->max_map_count = count;
}

/* ------------------------------------------------------------------ */
/* The sorted array                                                    */

/* The index of the first VMA ending above addr (map_count if none). */
static unsigned int vma_index(const struct mm_struct *mm, uint64_t addr)
{
	unsigned int lo = 0, hi = mm->map_count;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (mm->vmas[mid]->vm_end > addr)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

struct vm_area_struct *find_vma(const struct mm_struct *mm, uint64_t addr)
{
	unsigned int i = vma_index(mm, addr);

	return i < mm->map_count ? mm->vmas[i] : NULL;
}

struct vm_area_struct *vma_lookup(const struct mm_struct *mm, uint64_t addr)
{
	struct vm_area_struct *vma = find_vma(mm, addr);

	return vma && vma->vm_start <= addr ? vma : NULL;
}

static int vmas_reserve(struct mm_struct *mm, unsigned int extra)
{
	struct vm_area_struct **vmas =
		array_reserve(mm->vmas, &mm->vmas_cap,
			      (size_t)mm->map_count + extra, sizeof(*vmas), 8);

	if (!vmas)
		return -ENOMEM;
	mm->vmas = vmas;
	return 0;
}

/* Insert at its place; the caller reserved room. */
static void vma_insert(struct mm_struct *mm, struct vm_area_struct *vma)
{
	unsigned int i = vma_index(mm, vma->vm_start);

	memmove(&mm->vmas[i + 1], &mm->vmas[i],
		(mm->map_count - i) * sizeof(mm->vmas[0]));
	mm->vmas[i] = vma;
	mm->map_count++;
}

static void vma_remove_at(struct mm_struct *mm, unsigned int i)
{
	memmove(&mm->vmas[i], &mm->vmas[i + 1],
		(mm->map_count - i - 1) * sizeof(mm->vmas[0]));
	mm->map_count--;
}

/* ------------------------------------------------------------------ */
/* VMA objects                                                         */

struct vm_area_struct *vm_area_alloc(struct machine *m, struct mm_struct *mm)
{
	struct vm_area_struct *vma = calloc(1, sizeof(*vma));

	if (!vma)
		return NULL;
	if (kmem_cache_alloc(m, m->vma->vma_cachep, GFP_KERNEL,
			     &vma->vma_obj)) {
		free(vma);
		return NULL;
	}
	vma->vm_mm = mm;
	INIT_LIST_HEAD(&vma->rmap_node);
	INIT_LIST_HEAD(&vma->i_mmap_node);
	return vma;
}

/* remove_vma: off the rmap, the shmem object's reference dropped, freed. */
void vm_area_free(struct machine *m, struct vm_area_struct *vma)
{
	vma_unlink_rmap(m, vma);
	if (vma->shmem)
		shmem_put(m, vma->shmem); /* as remove_vma's fput(vm_file) */
	vma->shmem = NULL;
	if (vma->vm_flags & VM_PFNMAP) /* vm_ops->close: the block's count */
		mmz_userdev_vma_close(m, vma);
	if (vma->vm_file) { /* off the inode's i_mmap; fput(vm_file) */
		list_del_init(&vma->i_mmap_node);
		fput(m, vma->vm_file);
	}
	vma->vm_file = NULL;
	kmem_cache_free(m, m->vma->vma_cachep, vma->vma_obj);
	free(vma);
}

/* vma maps file: a reference on it, and a place on its i_mmap list. */
static void vma_link_file(struct vm_area_struct *vma, struct file *file)
{
	vma->vm_file = get_file(file);
	list_add_tail(&vma->i_mmap_node, &file->f_inode->i_mmap.vmas);
}

/* A copy of src (same rmap), for a split or fork. */
struct vm_area_struct *vm_area_dup(struct machine *m, struct mm_struct *mm,
				   const struct vm_area_struct *src)
{
	struct vm_area_struct *vma = vm_area_alloc(m, mm);

	if (!vma)
		return NULL;
	vma->vm_start = src->vm_start;
	vma->vm_end = src->vm_end;
	vma->vm_flags = src->vm_flags;
	vma->vm_pgoff = src->vm_pgoff;
	vma->vm_policy = src->vm_policy; /* vma_dup_policy: split and fork */
	vma->maybe_guard = src->maybe_guard;
	vma_link_rmap(vma, src);
	if (src->vm_file)
		vma_link_file(vma, src->vm_file);
	if (src->vm_flags & VM_PFNMAP) /* vm_ops->open */
		mmz_userdev_vma_open(m, vma);
	return vma;
}

/* total_vm and the kinds /proc/PID/status shows, as vm_stat_account. */
static void vm_stat_account(struct mm_struct *mm, unsigned long flags,
			    long npages)
{
	mm->total_vm += (unsigned long)npages;
	if ((flags & (VM_EXEC | VM_WRITE)) == VM_EXEC)
		mm->exec_vm += (unsigned long)npages;
	else if (flags & VM_GROWSDOWN)
		mm->stack_vm += (unsigned long)npages;
	else if ((flags & (VM_WRITE | VM_SHARED)) == VM_WRITE)
		mm->data_vm += (unsigned long)npages;
	if (flags & VM_LOCKED)
		mm->locked_vm += (unsigned long)npages;
	if (mm->total_vm > mm->hiwater_vm)
		mm->hiwater_vm = mm->total_vm;
}

/* ------------------------------------------------------------------ */
/* Merging, as mm/vma.c's is_mergeable_vma and vma_merge_*_range      */

/*
 * vma_had_uncowed_parents: a fork child's VMA (a chain of more than its
 * own anon_vma) lends and borrows no anon_vma, for the scalability of
 * Linux's anon_vma lock; the machine keeps the rule so VMAs split and
 * merge as Linux's do.
 */
static bool vma_had_uncowed_parents(const struct vm_area_struct *vma)
{
	return vma->anon_vma && vma->anon_vma_chain > 1;
}

/*
 * is_mergeable_anon_vma: when one of the two has no anon_vma it takes the
 * other's, unless that one is a fork child's; when both have one, it
 * must be the same. copy is a VMA mremap has just made (copy_vma's
 * copied_from case), whose old anon_vmas go with the move: its chain
 * does not count.
 */
static bool anon_vmas_mergeable(const struct vm_area_struct *a,
				const struct vm_area_struct *b,
				const struct vm_area_struct *copy)
{
	if (!a->anon_vma || !b->anon_vma)
		return (a == copy || !vma_had_uncowed_parents(a)) &&
		       (b == copy || !vma_had_uncowed_parents(b));
	return a->anon_vma == b->anon_vma;
}

/* are_anon_vmas_compatible: prev and next of a three-way merge. */
static bool anon_vmas_compatible(const struct vm_area_struct *a,
				 const struct vm_area_struct *b)
{
	return !a->anon_vma || !b->anon_vma || a->anon_vma == b->anon_vma;
}

/* a is right below b, and the two could be one VMA. */
static bool vmas_mergeable(const struct machine *m,
			   const struct vm_area_struct *a,
			   const struct vm_area_struct *b,
			   const struct vm_area_struct *copy)
{
	if (a->vm_end != b->vm_start || a->vm_flags != b->vm_flags)
		return false;
	/* Pieces of one shared object merge back, as one vm_file's do. */
	if (a->shmem != b->shmem || a->vm_file != b->vm_file ||
	    (a->vm_flags & (VM_HUGETLB | VM_SPECIAL)))
		return false;
	/* The policy is part of the rules, as is_mergeable_vma's. */
	if (!mpol_equal(&a->vm_policy, &b->vm_policy))
		return false;
	if (!anon_vmas_mergeable(a, b, copy))
		return false;
	return a->vm_pgoff + vma_pages(m, a) == b->vm_pgoff;
}

/* Fold vmas[i + 1] into vmas[i]. */
static void merge_with_next(struct machine *m, struct mm_struct *mm,
			    unsigned int i)
{
	struct vm_area_struct *vma = mm->vmas[i], *next = mm->vmas[i + 1];

	if (!vma->anon_vma && next->anon_vma)
		vma_link_rmap(vma, next); /* dup_anon_vma */
	vma->maybe_guard |= next->maybe_guard;
	vma->vm_end = next->vm_end;
	vma_remove_at(mm, i + 1);
	vm_area_free(m, next);
}

/*
 * Merge vmas[i] with its neighbours, as vma_merge_new_range and
 * vma_merge_existing_range decide: prev first; next too only when prev's
 * and next's anon_vmas are compatible with each other, else prev alone.
 * copy: vmas[i] is mremap's new VMA (see anon_vmas_mergeable).
 */
static void vma_merge_copy(struct machine *m, struct mm_struct *mm,
			   unsigned int i, bool copy)
{
	struct vm_area_struct *vma = mm->vmas[i];
	struct vm_area_struct *prev = i ? mm->vmas[i - 1] : NULL;
	struct vm_area_struct *next =
		i + 1 < mm->map_count ? mm->vmas[i + 1] : NULL;
	const struct vm_area_struct *c = copy ? vma : NULL;
	bool left = prev && vmas_mergeable(m, prev, vma, c);
	bool right = next && vmas_mergeable(m, vma, next, c) &&
		     (!left || anon_vmas_compatible(prev, next));

	if (right)
		merge_with_next(m, mm, i);
	if (left)
		merge_with_next(m, mm, i - 1);
}

static void vma_try_merge(struct machine *m, struct mm_struct *mm,
			  unsigned int i)
{
	vma_merge_copy(m, mm, i, false);
}

/*
 * reusable_anon_vma: old's anon_vma, if a and b (one of them the VMA
 * asking) line up as one mapping would and differ only in access flags,
 * and old is no fork child's (its chain is its own anon_vma alone).
 */
static struct anon_vma *reusable_anon_vma(const struct machine *m,
					  const struct vm_area_struct *old,
					  const struct vm_area_struct *a,
					  const struct vm_area_struct *b)
{
	if (a->vm_end != b->vm_start || a->shmem || b->shmem ||
	    a->vm_file != b->vm_file ||
	    ((a->vm_flags ^ b->vm_flags) & ~VM_ACCESS_FLAGS) ||
	    b->vm_pgoff != a->vm_pgoff + vma_pages(m, a))
		return NULL;
	return old->anon_vma_chain == 1 ? old->anon_vma : NULL;
}

struct anon_vma *find_mergeable_anon_vma(const struct machine *m,
					 const struct vm_area_struct *vma)
{
	const struct mm_struct *mm = vma->vm_mm;
	unsigned int i = vma_index(mm, vma->vm_start);
	struct anon_vma *av = NULL;

	if (i + 1 < mm->map_count)
		av = reusable_anon_vma(m, mm->vmas[i + 1], vma,
				       mm->vmas[i + 1]);
	if (!av && i > 0)
		av = reusable_anon_vma(m, mm->vmas[i - 1], mm->vmas[i - 1],
				       vma);
	return av;
}

/*
 * Split vma at addr: it keeps [vm_start, addr), a new VMA takes the
 * rest. The caller has room in the array and checked map_count.
 */
static int split_vma(struct machine *m, struct mm_struct *mm,
		     struct vm_area_struct *vma, uint64_t addr)
{
	struct vm_area_struct *new = vm_area_dup(m, mm, vma);

	if (!new)
		return -ENOMEM;
	new->vm_start = addr;
	new->vm_pgoff =
		vma->vm_pgoff + ((addr - vma->vm_start) >> m->page_shift);
	vma->vm_end = addr;
	vma_insert(mm, new);
	return 0;
}

static uint64_t vma_split_align(const struct machine *m,
				const struct vm_area_struct *vma)
{
	return vma->vm_flags & VM_HUGETLB ? huge_page_size(m) : m->page_size;
}

/*
 * Make [start, end) begin and end on VMA boundaries, splitting the VMAs
 * cut by either end: -EINVAL if a cut falls inside a huge page, -ENOMEM
 * past max_map_count or without memory, nothing changed either way.
 */
static int split_range(struct machine *m, struct mm_struct *mm, uint64_t start,
		       uint64_t end)
{
	struct vm_area_struct *first = find_vma(mm, start);
	struct vm_area_struct *last = find_vma(mm, end - 1);
	bool cut_first =
		first && first->vm_start < start && first->vm_end > start;
	bool cut_last = last && last->vm_start < end && last->vm_end > end;
	unsigned int need = (unsigned int)cut_first + (unsigned int)cut_last;
	int err;

	if ((cut_first && (start & (vma_split_align(m, first) - 1))) ||
	    (cut_last && (end & (vma_split_align(m, last) - 1))))
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "cannot split a huge page mapping inside a "
				 "huge page");
	if (need && mm->map_count + need > m->vma->max_map_count)
		return mm_refuse(m, BAD_NONE, -ENOMEM,
				 "splitting would pass vm.max_map_count (%u)",
				 m->vma->max_map_count);
	/* vma_adjust_trans_huge: a cut inside a THP splits it first. */
	err = cut_first ? vma_adjust_trans_huge(m, first, start, start) : 0;
	if (!err && cut_last)
		err = vma_adjust_trans_huge(m, last, end, end);
	if (!err)
		err = vmas_reserve(mm, need);
	if (!err && cut_first)
		err = split_vma(m, mm, first, start);
	if (!err && cut_last)
		err = split_vma(m, mm, find_vma(mm, end - 1), end);
	return err;
}

/* ------------------------------------------------------------------ */
/* Placing a mapping                                                   */

/* The gap below vmas[i] (or below limit, past the end) may hold len. */
static uint64_t gap_below(const struct mm_struct *mm, unsigned int i,
			  uint64_t limit, const struct machine *m)
{
	uint64_t top = i < mm->map_count ? mm->vmas[i]->vm_start : limit;

	if (i < mm->map_count && (mm->vmas[i]->vm_flags & VM_GROWSDOWN))
		top = top > stack_guard_gap(m) ? top - stack_guard_gap(m) : 0;
	return top < limit ? top : limit;
}

/* [addr, addr + len) is free of VMAs, guard gaps included. */
static bool range_free(const struct machine *m, const struct mm_struct *mm,
		       uint64_t addr, uint64_t len)
{
	unsigned int i = vma_index(mm, addr);

	if (addr < MMAP_MIN_ADDR || addr + len > mm->task_size ||
	    addr + len < addr)
		return false;
	return gap_below(mm, i, mm->task_size, m) >= addr + len;
}

/*
 * Top down from mmap_base, as arch_get_unmapped_area_topdown: the hint
 * first, then the highest gap that fits; align for huge pages.
 */
static int get_unmapped_area(struct machine *m, const struct mm_struct *mm,
			     uint64_t hint, uint64_t len, uint64_t align,
			     uint64_t *addr)
{
	uint64_t limit = mm->mmap_base;
	unsigned int i;

	hint = (hint + align - 1) & ~(align - 1);
	if (hint && range_free(m, mm, hint, len)) {
		*addr = hint;
		return 0;
	}
	for (i = vma_index(mm, limit - 1);; i--) {
		uint64_t top = gap_below(mm, i, limit, m);
		uint64_t bottom = i ? mm->vmas[i - 1]->vm_end : MMAP_MIN_ADDR;
		uint64_t start = top >= len ? (top - len) & ~(align - 1) : 0;

		if (top >= len && start >= bottom && start >= MMAP_MIN_ADDR) {
			*addr = start;
			return 0;
		}
		if (!i)
			break;
	}
	return mm_refuse(m, BAD_NONE, -ENOMEM,
			 "no gap of %#lx bytes left in the address space",
			 (unsigned long)len);
}

/* ------------------------------------------------------------------ */
/* mmap                                                                */

static unsigned long calc_vm_flags(int prot, int flags)
{
	unsigned long vm_flags = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;

	if (prot & PROT_READ)
		vm_flags |= VM_READ;
	if (prot & PROT_WRITE)
		vm_flags |= VM_WRITE;
	if (prot & PROT_EXEC)
		vm_flags |= VM_EXEC;
	if ((flags & MAP_TYPE) != MAP_PRIVATE)
		vm_flags |= VM_SHARED | VM_MAYSHARE;
	if (flags & MAP_GROWSDOWN)
		vm_flags |= VM_GROWSDOWN;
	if (flags & MAP_NORESERVE)
		vm_flags |= VM_NORESERVE;
	if (flags & MAP_HUGETLB)
		vm_flags |= VM_HUGETLB;
	if (flags & MAP_LOCKED)
		vm_flags |= VM_LOCKED;
	return vm_flags;
}

#define MAP_KNOWN                                                              \
	(MAP_TYPE | MAP_FIXED | MAP_ANONYMOUS | MAP_GROWSDOWN |                \
	 MAP_DENYWRITE | MAP_EXECUTABLE | MAP_LOCKED | MAP_NORESERVE |         \
	 MAP_POPULATE | MAP_NONBLOCK | MAP_STACK | MAP_HUGETLB |               \
	 MAP_FIXED_NOREPLACE)

/*
 * The checks do_mmap makes before it changes anything. Unknown prot
 * bits are ignored, as calc_vm_prot_bits ignores them: only mprotect
 * refuses them.
 */
static int mmap_check(struct machine *m, const struct mm_struct *mm,
		      uint64_t addr, uint64_t len, int flags, bool file)
{
	int type = flags & MAP_TYPE;

	if (!len)
		return mm_refuse(m, BAD_VMA, -EINVAL, "mmap of 0 bytes");
	if (type != MAP_SHARED && type != MAP_PRIVATE &&
	    type != MAP_SHARED_VALIDATE)
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "mmap needs MAP_SHARED or MAP_PRIVATE");
	if (type == MAP_SHARED_VALIDATE && (flags & ~MAP_KNOWN))
		return mm_refuse(m, BAD_VMA, -EOPNOTSUPP,
				 "MAP_SHARED_VALIDATE with unknown flags %#x",
				 flags & ~MAP_KNOWN);
	if (!file && !(flags & MAP_ANONYMOUS))
		return mm_refuse(m, BAD_VMA, -EBADF,
				 "mmap without MAP_ANONYMOUS needs a file "
				 "descriptor (sys_mmap)");
	if ((flags & MAP_HUGETLB) && (flags & MAP_GROWSDOWN))
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "a huge page mapping cannot grow down");
	if (len > mm->task_size)
		return mm_refuse(m, BAD_VMA, -ENOMEM,
				 "%#lx bytes is more than the address space",
				 (unsigned long)len);
	if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) &&
	    (addr & (m->page_size - 1)))
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "MAP_FIXED address %#lx is not page aligned",
				 (unsigned long)addr);
	return 0;
}

/* MAP_FIXED and MAP_FIXED_NOREPLACE: the range asked for, or why not. */
static int mmap_fixed_range(struct machine *m, struct mm_struct *mm,
			    uint64_t addr, uint64_t len, int flags)
{
	struct vm_area_struct *vma;

	if (addr + len > mm->task_size || addr + len < addr)
		return mm_refuse(m, BAD_VMA, -ENOMEM,
				 "[%#lx, +%#lx) passes the top of user space",
				 (unsigned long)addr, (unsigned long)len);
	if (addr < MMAP_MIN_ADDR)
		return mm_refuse(m, BAD_VMA, -EPERM,
				 "%#lx is below vm.mmap_min_addr (%#llx)",
				 (unsigned long)addr, MMAP_MIN_ADDR);
	if ((flags & MAP_HUGETLB) && (addr & (huge_page_size(m) - 1)))
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "%#lx is not aligned to a huge page",
				 (unsigned long)addr);
	vma = find_vma(mm, addr);
	if ((flags & MAP_FIXED_NOREPLACE) && vma && vma->vm_start < addr + len)
		return mm_refuse(m, BAD_VMA, -EEXIST,
				 "MAP_FIXED_NOREPLACE: [%#lx, %#lx) is mapped",
				 (unsigned long)vma->vm_start,
				 (unsigned long)vma->vm_end);
	return 0;
}

/*
 * The commit charge of a new mapping, as mmap_region and shmem_zero_setup
 * make it: private writable memory (marked VM_ACCOUNT) and shared memory
 * are charged unless MAP_NORESERVE; huge pages never are.
 */
static int mmap_account(struct machine *m, unsigned long *vm_flags,
			uint64_t len, bool file)
{
	unsigned long f = *vm_flags;

	if (f & (VM_NORESERVE | VM_HUGETLB))
		return 0;
	if (!(f & VM_SHARED) && !(f & VM_WRITE))
		return 0;
	if ((f & VM_SHARED) && file) /* the file holds the pages */
		return 0;
	if (vm_enough_memory(m, (long)(len >> m->page_shift)))
		return -ENOMEM;
	if (!(f & VM_SHARED))
		*vm_flags |= VM_ACCOUNT;
	return 0;
}

/* A new VMA for [addr, addr + len), merged with its neighbours. */
static int mmap_region(struct machine *m, struct mm_struct *mm, uint64_t addr,
		       uint64_t len, unsigned long vm_flags, struct file *file,
		       uint64_t pgoff)
{
	unsigned long npages = (unsigned long)(len >> m->page_shift);
	struct vm_area_struct *vma;
	int err = vmas_reserve(mm, 1);

	if (err)
		return err;
	vma = vm_area_alloc(m, mm);
	if (!vma)
		return -ENOMEM;
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = vm_flags;
	if (file) {
		vma->vm_pgoff = pgoff;
		vma_link_file(vma, file);
		/* call_mmap: the device maps its frames (mmz_userdev). */
		if ((file->f_inode->i_mode & S_IFMT_) == S_IFCHR_) {
			err = mmz_userdev_mmap(m, vma);
			if (err) {
				vm_area_free(m, vma);
				return err;
			}
		}
	} else if (vm_flags & VM_SHARED) {
		vma->shmem = shmem_create(m, npages);
		if (!vma->shmem) {
			vm_area_free(m, vma);
			return -ENOMEM;
		}
		list_add_tail(&vma->rmap_node, &vma->shmem->root.vmas);
	} else {
		vma->vm_pgoff = addr >> m->page_shift;
	}
	vma_insert(mm, vma);
	vm_stat_account(mm, vm_flags, (long)npages);
	vma_try_merge(m, mm, vma_index(mm, addr));
	return 0;
}

/*
 * do_mmap's mlock checks: MAP_LOCKED needs a nonzero RLIMIT_MEMLOCK
 * (-EPERM), and a locked mapping (MAP_LOCKED or mlockall's
 * MCL_FUTURE) must fit under it (-EAGAIN).
 */
static int mmap_lock_check(struct machine *m, const struct mm_struct *mm,
			   int flags, unsigned long vm_flags, uint64_t len)
{
	if ((flags & MAP_LOCKED) && !can_do_mlock(m))
		return mm_refuse(m, BAD_NONE, -EPERM,
				 "MAP_LOCKED with limits.memlock 0");
	if (!mlock_future_ok(m, mm, vm_flags, len))
		return mm_refuse(m, BAD_NONE, -EAGAIN,
				 "a locked mapping of %#lx bytes would pass "
				 "limits.memlock",
				 (unsigned long)len);
	return 0;
}

int do_mmap(struct machine *m, struct mm_struct *mm, uint64_t addr,
	    uint64_t len, int prot, int flags, uint64_t *mapped)
{
	uint64_t align = flags & MAP_HUGETLB ? huge_page_size(m) : m->page_size;
	unsigned long vm_flags = calc_vm_flags(prot, flags) | mm->def_flags;
	int err = mmap_check(m, mm, addr, len, flags, false);

	if (err)
		return err;
	len = (len + align - 1) & ~(align - 1);
	if (mm->map_count >= m->vma->max_map_count)
		return mm_refuse(m, BAD_NONE, -ENOMEM,
				 "%u mappings: vm.max_map_count reached",
				 mm->map_count);
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE))
		err = mmap_fixed_range(m, mm, addr, len, flags);
	else
		err = get_unmapped_area(m, mm, addr, len, align, &addr);
	/* do_mmap: shared anonymous memory cannot grow down. */
	if (!err && (vm_flags & VM_SHARED) && (vm_flags & VM_GROWSDOWN))
		err = mm_refuse(m, BAD_VMA, -EINVAL,
				"a shared mapping cannot grow down");
	if (!err)
		err = mmap_lock_check(m, mm, flags, vm_flags, len);
	/* mmap_region: a huge page mapping is never locked nor counted. */
	if (vm_flags & VM_HUGETLB)
		vm_flags &= ~VM_LOCKED_MASK;
	if (!err)
		err = mmap_account(m, &vm_flags, len, false);
	/* MAP_FIXED replaces what it lands on, once nothing can fail. */
	if (!err && (flags & MAP_FIXED))
		err = do_munmap(m, mm, addr, len);
	if (!err)
		err = mmap_region(m, mm, addr, len, vm_flags, NULL, 0);
	if (err)
		return err;
	*mapped = addr;
	if ((flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE ||
	    (vm_flags & VM_LOCKED_MASK) == VM_LOCKED)
		populate_vma_range(m, mm, addr, addr + len);
	return 0;
}

/*
 * do_mmap's file branch: what the descriptor's mode allows, as Linux
 * decides it. A MAP_SHARED mapping of a file not open for writing is
 * shared in name only (VM_MAYSHARE): it can never be written.
 */
static int mmap_file_flags(struct machine *m, const struct file *file, int prot,
			   int flags, unsigned long *vm_flags)
{
	if ((flags & MAP_TYPE) != MAP_PRIVATE) {
		if ((prot & PROT_WRITE) && !(file->f_mode & FMODE_WRITE))
			return mm_refuse(m, BAD_VMA, -EACCES,
					 "MAP_SHARED with PROT_WRITE of a "
					 "descriptor not open for writing");
		if (!(file->f_mode & FMODE_WRITE))
			*vm_flags &= ~(VM_MAYWRITE | VM_SHARED);
	}
	if (!(file->f_mode & FMODE_READ))
		return mm_refuse(m, BAD_VMA, -EACCES,
				 "mmap of a descriptor not open for reading");
	if ((file->f_inode->i_mode & S_IFMT_) != S_IFREG_ &&
	    (file->f_inode->i_mode & S_IFMT_) != S_IFCHR_)
		return mm_refuse(m, BAD_VMA, -ENODEV,
				 "mmap of a directory: it has no mmap");
	if (*vm_flags & VM_GROWSDOWN)
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "a file mapping cannot grow down");
	return 0;
}

/* file_mmap_ok: the last page offset stays within MAX_LFS_FILESIZE. */
static bool file_mmap_ok(const struct machine *m, uint64_t pgoff, uint64_t len)
{
	uint64_t maxsize = (uint64_t)FS_MAXBYTES;

	return len <= maxsize && pgoff <= (maxsize - len) >> m->page_shift;
}

int do_mmap_file(struct machine *m, struct mm_struct *mm, struct file *file,
		 uint64_t addr, uint64_t len, int prot, int flags,
		 uint64_t pgoff, uint64_t *mapped)
{
	/* do_mmap: mlockall(MCL_FUTURE)'s def_flags lock files too. */
	unsigned long vm_flags = calc_vm_flags(prot, flags) | mm->def_flags;
	int err = mmap_check(m, mm, addr, len, flags, true);

	if (err)
		return err;
	if (flags & MAP_HUGETLB) /* ksys_mmap_pgoff: not a hugetlbfs file */
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "MAP_HUGETLB of a file not on hugetlbfs");
	len = page_align(m, len);
	if (pgoff + (len >> m->page_shift) < pgoff)
		return mm_refuse(m, BAD_VMA, -EOVERFLOW,
				 "mmap: the page offset wraps around");
	if (mm->map_count >= m->vma->max_map_count)
		return mm_refuse(m, BAD_NONE, -ENOMEM,
				 "%u mappings: vm.max_map_count reached",
				 mm->map_count);
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE))
		err = mmap_fixed_range(m, mm, addr, len, flags);
	else
		err = get_unmapped_area(m, mm, addr, len, m->page_size, &addr);
	if (!err && !file_mmap_ok(m, pgoff, len))
		err = mm_refuse(m, BAD_VMA, -EOVERFLOW,
				"mmap: offset %#llx pages is past the largest "
				"file",
				(unsigned long long)pgoff);
	if (!err)
		err = mmap_file_flags(m, file, prot, flags, &vm_flags);
	if (!err)
		err = mmap_lock_check(m, mm, flags, vm_flags, len);
	if (!err)
		err = mmap_account(m, &vm_flags, len, true);
	if (!err && (flags & MAP_FIXED))
		err = do_munmap(m, mm, addr, len);
	if (!err)
		err = mmap_region(m, mm, addr, len, vm_flags, file, pgoff);
	if (err)
		return err;
	*mapped = addr;
	if ((flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE ||
	    (vm_flags & VM_LOCKED))
		populate_vma_range(m, mm, addr, addr + len);
	return 0;
}

/* ------------------------------------------------------------------ */
/* msync                                                               */

#define MS_ASYNC_      1
#define MS_INVALIDATE_ 2
#define MS_SYNC_       4

static int msync_check(struct machine *m, uint64_t start, uint64_t len,
		       int flags, uint64_t *end)
{
	if (flags & ~(MS_ASYNC_ | MS_INVALIDATE_ | MS_SYNC_))
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "msync: unknown flags %#x", flags);
	if ((start & (m->page_size - 1)) ||
	    ((flags & MS_ASYNC_) && (flags & MS_SYNC_)))
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "msync: %#lx is not page aligned, or both "
				 "MS_ASYNC and MS_SYNC",
				 (unsigned long)start);
	*end = start + page_align(m, len);
	if (*end < start)
		return mm_refuse(m, BAD_VMA, -ENOMEM,
				 "msync: [%#lx, +%#lx) wraps around",
				 (unsigned long)start, (unsigned long)len);
	return 0;
}

/*
 * As Linux's msync: MS_SYNC writes the dirty pages of each shared file
 * mapping in the range (vfs_fsync_range); MS_ASYNC and MS_INVALIDATE
 * do nothing more (the cache is the file), but MS_INVALIDATE refuses an
 * mlocked mapping (-EBUSY). Holes in the range are -ENOMEM at the end,
 * or at once for a plain MS_ASYNC.
 */
int do_msync(struct machine *m, struct mm_struct *mm, uint64_t start,
	     uint64_t len, int flags)
{
	uint64_t end = 0;
	int err = msync_check(m, start, len, flags, &end), unmapped = 0;
	struct vm_area_struct *vma;

	if (err || end == start)
		return err;
	for (vma = find_vma(mm, start);; vma = find_vma(mm, start)) {
		uint64_t fstart, fend;

		if (!vma)
			return mm_refuse(m, BAD_NONE, -ENOMEM,
					 "msync: %#lx is not mapped",
					 (unsigned long)start);
		if (start < vma->vm_start) {
			if (flags == MS_ASYNC_ || vma->vm_start >= end)
				return mm_refuse(m, BAD_NONE, -ENOMEM,
						 "msync: %#lx is not mapped",
						 (unsigned long)start);
			start = vma->vm_start;
			unmapped = -ENOMEM;
		}
		if ((flags & MS_INVALIDATE_) && (vma->vm_flags & VM_LOCKED))
			return mm_refuse(m, BAD_VMA, -EBUSY,
					 "msync: MS_INVALIDATE of a locked "
					 "mapping");
		fstart = vma->vm_pgoff +
			 ((start - vma->vm_start) >> m->page_shift);
		fend = fstart +
		       (((end < vma->vm_end ? end : vma->vm_end) - start) >>
			m->page_shift) -
		       1;
		start = vma->vm_end;
		if ((flags & MS_SYNC_) && vma->vm_file &&
		    (vma->vm_flags & VM_SHARED))
			err = filemap_write_range(m, vma->vm_file->f_inode,
						  fstart, fend, NULL);
		if (err || start >= end)
			return err ? err : unmapped;
	}
}

/* ------------------------------------------------------------------ */
/* munmap                                                              */

static int check_user_range(struct machine *m, const struct mm_struct *mm,
			    const char *what, uint64_t addr, uint64_t len)
{
	if (addr & (m->page_size - 1))
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "%s: %#lx is not page aligned", what,
				 (unsigned long)addr);
	if (addr > mm->task_size || len > mm->task_size - addr)
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "%s: [%#lx, +%#lx) is outside user space",
				 what, (unsigned long)addr, (unsigned long)len);
	return 0;
}

int do_munmap(struct machine *m, struct mm_struct *mm, uint64_t addr,
	      uint64_t len)
{
	uint64_t end;
	unsigned int i;
	int err = check_user_range(m, mm, "munmap", addr, len);

	if (err)
		return err;
	if (!len)
		return mm_refuse(m, BAD_VMA, -EINVAL, "munmap of 0 bytes");
	end = addr + page_align(m, len);
	err = split_range(m, mm, addr, end);
	if (err)
		return err;
	i = vma_index(mm, addr);
	while (i < mm->map_count && mm->vmas[i]->vm_start < end) {
		struct vm_area_struct *vma = mm->vmas[i];

		unmap_vma_range(m, vma, vma->vm_start, vma->vm_end);
		vm_stat_account(mm, vma->vm_flags, -(long)vma_pages(m, vma));
		vma_remove_at(mm, i);
		vm_area_free(m, vma);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* mprotect                                                            */

/* PROT_SEM is accepted and means nothing on x86, as arch_validate_prot. */
#define PROT_SEM 0x8
_Static_assert(PROT_GROWSDOWN == 0x01000000 && PROT_GROWSUP == 0x02000000,
	       "PROT_GROWS* are Linux's");

/* The end of the run of VMAs from start without a hole, capped at end. */
static uint64_t mapped_reach(const struct mm_struct *mm, uint64_t start,
			     uint64_t end)
{
	uint64_t addr = start;

	for (unsigned int i = vma_index(mm, start);
	     addr < end && i < mm->map_count && mm->vmas[i]->vm_start <= addr;
	     i++)
		addr = mm->vmas[i]->vm_end;
	return addr < end ? addr : end;
}

/*
 * The checks do_mprotect_pkey makes, in its order; *start moves down to
 * the VMA's start for PROT_GROWSDOWN. 1 for a length of 0 (nothing to
 * do), 0 to go on, or the error.
 */
static int mprotect_check(struct machine *m, const struct mm_struct *mm,
			  uint64_t *start, uint64_t len, uint64_t *end,
			  int prot)
{
	int grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
	const struct vm_area_struct *vma;

	if (grows == (PROT_GROWSDOWN | PROT_GROWSUP) ||
	    (*start & (m->page_size - 1)))
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "mprotect: %#lx is not page aligned, or "
				 "both PROT_GROWSDOWN and PROT_GROWSUP",
				 (unsigned long)*start);
	if (!len)
		return 1;
	*end = *start + page_align(m, len);
	if (*end <= *start)
		return mm_refuse(m, BAD_VMA, -ENOMEM,
				 "mprotect: [%#lx, +%#lx) wraps around",
				 (unsigned long)*start, (unsigned long)len);
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM | grows))
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "mprotect: unknown prot bits %#x", prot);
	vma = find_vma(mm, *start);
	if (!vma || vma->vm_start >= *end ||
	    (!(grows & PROT_GROWSDOWN) && vma->vm_start > *start))
		return mm_refuse(m, BAD_NONE, -ENOMEM,
				 "mprotect: %#lx is not mapped",
				 (unsigned long)*start);
	if ((grows & PROT_GROWSDOWN) && !(vma->vm_flags & VM_GROWSDOWN))
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "mprotect: PROT_GROWSDOWN on a mapping that "
				 "does not grow down");
	if (grows & PROT_GROWSUP) /* x86 has no VM_GROWSUP */
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "mprotect: PROT_GROWSUP on a mapping that "
				 "does not grow up");
	if (grows & PROT_GROWSDOWN)
		*start = vma->vm_start;
	return 0;
}

/*
 * The charge as mprotect_fixup makes it: a private mapping that becomes
 * writable is charged (VM_ACCOUNT) unless it was already; an anonymous
 * one (vma_is_anonymous: no file, no shared memory) that stops being
 * writable before any page was written (no anon_vma) is not; a private
 * file mapping keeps its charge.
 */
static int mprotect_account(struct machine *m, const struct vm_area_struct *vma,
			    unsigned long *newflags)
{
	unsigned long old = vma->vm_flags;

	if (!(*newflags & VM_WRITE)) {
		if ((old & VM_ACCOUNT) && !vma->shmem && !vma->vm_file &&
		    !vma->anon_vma)
			*newflags &= ~VM_ACCOUNT;
		return 0;
	}
	if (old &
	    (VM_ACCOUNT | VM_WRITE | VM_HUGETLB | VM_SHARED | VM_NORESERVE))
		return 0;
	if (vm_enough_memory(m, (long)vma_pages(m, vma)))
		return -ENOMEM;
	*newflags |= VM_ACCOUNT;
	return 0;
}

/*
 * mprotect_fixup over [start, end), one VMA at a time from the lowest: a
 * VMA whose flags stay as they are is left alone (not split, not
 * merged); one that changes is cut to the range, charged, changed and
 * merged with its neighbours. Stops at a refused split or charge.
 */
static int mprotect_vmas(struct machine *m, struct mm_struct *mm,
			 uint64_t start, uint64_t end, unsigned long set)
{
	unsigned long keep = ~(VM_READ | VM_WRITE | VM_EXEC);
	uint64_t addr = start;

	while (addr < end) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		uint64_t lo = addr, hi = vma->vm_end < end ? vma->vm_end : end;
		unsigned long newflags = (vma->vm_flags & keep) | set, oldflags;
		long npages;
		int err;

		/* VM_MAY* shifted onto VM_*: what the mapping may ever be. */
		if ((newflags & ~(newflags >> 4)) & VM_ACCESS_FLAGS)
			return mm_refuse(
				m, BAD_VMA, -EACCES,
				"mprotect: the mapping at %#lx may not "
				"take that access",
				(unsigned long)vma->vm_start);
		addr = hi;
		if (newflags == vma->vm_flags)
			continue;
		err = split_range(m, mm, lo, hi);
		if (err)
			return err;
		vma = find_vma(mm, lo);
		if (mprotect_account(m, vma, &newflags))
			return -ENOMEM;
		npages = (long)vma_pages(m, vma);
		oldflags = vma->vm_flags;
		vm_stat_account(mm, vma->vm_flags, -npages);
		vma->vm_flags = newflags;
		vm_stat_account(mm, vma->vm_flags, npages);
		change_protection(m, vma, vma->vm_start, vma->vm_end);
		vma_try_merge(m, mm, vma_index(mm, lo));
		/*
		 * mprotect_fixup: a private locked VMA made writable is
		 * copied on write now, not at a later (major) fault.
		 */
		if ((oldflags & (VM_WRITE | VM_SHARED | VM_LOCKED)) ==
			    VM_LOCKED &&
		    (newflags & VM_WRITE) && !(newflags & VM_LOCKONFAULT))
			populate_vma_range(m, mm, lo, hi);
	}
	return 0;
}

int madvise_update_vma(struct machine *m, struct mm_struct *mm, uint64_t start,
		       uint64_t end, unsigned long newflags)
{
	struct vm_area_struct *vma = find_vma(mm, start);
	int err;

	if (newflags == vma->vm_flags)
		return 0;
	err = split_range(m, mm, start, end);
	if (err)
		return err;
	vma = find_vma(mm, start);
	vma->vm_flags = newflags;
	vma_try_merge(m, mm, vma_index(mm, start));
	return 0;
}

/* mbind_range: [start, end) of one VMA takes pol, split and merged. */
int mbind_update_vma(struct machine *m, struct mm_struct *mm, uint64_t start,
		     uint64_t end, const struct mempolicy *pol)
{
	struct vm_area_struct *vma = find_vma(mm, start);
	int err;

	if (mpol_equal(&vma->vm_policy, pol))
		return 0;
	err = split_range(m, mm, start, end);
	if (err)
		return err;
	vma = find_vma(mm, start);
	vma->vm_policy = *pol;
	vma_try_merge(m, mm, vma_index(mm, start));
	return 0;
}

/*
 * As Linux's: the VMAs from start up to the first hole change, and a
 * hole before end is -ENOMEM afterwards; a range that starts unmapped
 * changes nothing.
 */
int do_mprotect(struct machine *m, struct mm_struct *mm, uint64_t start,
		uint64_t len, int prot)
{
	unsigned long set = calc_vm_flags(prot, MAP_PRIVATE) &
			    (VM_READ | VM_WRITE | VM_EXEC);
	uint64_t end = 0, reach;
	int err = mprotect_check(m, mm, &start, len, &end, prot);

	if (err)
		return err > 0 ? 0 : err;
	reach = mapped_reach(mm, start, end);
	err = mprotect_vmas(m, mm, start, reach, set);
	if (!err && reach < end)
		err = mm_refuse(m, BAD_NONE, -ENOMEM,
				"mprotect: %#lx is not mapped",
				(unsigned long)reach);
	return err;
}

/* ------------------------------------------------------------------ */
/* mremap                                                              */

static int mremap_efault(struct machine *m, uint64_t addr, uint64_t len)
{
	return mm_refuse(m, BAD_NONE, -EFAULT,
			 "mremap: [%#lx, +%#lx) is not inside one mapping",
			 (unsigned long)addr, (unsigned long)len);
}

/*
 * vma_expandable: nothing mapped in the delta above vma and still user
 * space; a grows-down VMA's guard gap does not count, as on Linux.
 */
static bool vma_expandable(const struct mm_struct *mm,
			   const struct vm_area_struct *vma, uint64_t delta)
{
	uint64_t end = vma->vm_end + delta;
	const struct vm_area_struct *next = find_vma(mm, vma->vm_end);

	return end > vma->vm_end && end <= mm->task_size &&
	       (!next || next->vm_start >= end);
}

/* vrm_move_only: MREMAP_FIXED keeping the size moves every VMA in range. */
static bool mremap_move_only(const struct machine *m, int flags,
			     uint64_t old_len, uint64_t new_len)
{
	return (flags & MREMAP_FIXED) &&
	       page_align(m, old_len) == page_align(m, new_len);
}

static int mremap_check(struct machine *m, const struct mm_struct *mm,
			uint64_t old_addr, uint64_t old_len, uint64_t new_len,
			int flags, uint64_t new_addr)
{
	const struct vm_area_struct *vma;
	uint64_t fit;

	if ((flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) ||
	    ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE)))
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "mremap: flags %#x make no sense", flags);
	/* MREMAP_DONTUNMAP is always a move, and never a resize. */
	if ((flags & MREMAP_DONTUNMAP) &&
	    (!(flags & MREMAP_MAYMOVE) ||
	     page_align(m, old_len) != page_align(m, new_len)))
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "mremap: MREMAP_DONTUNMAP needs "
				 "MREMAP_MAYMOVE and the same length");
	/*
	 * Lengths as Linux's: rounded up to pages, a new length that wraps
	 * to 0 is -EINVAL, and so is an old one past user space (a shrink
	 * would unmap beyond it, which munmap refuses). A new length past
	 * it is -EINVAL where it must fit at new_addr, else -ENOMEM: no
	 * room for it anywhere, as get_unmapped_area finds.
	 */
	if ((old_addr & (m->page_size - 1)) || !old_len ||
	    old_len > mm->task_size || !page_align(m, new_len))
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "mremap: bad address or length");
	if (new_len > mm->task_size) {
		if (flags & MREMAP_FIXED)
			return mm_refuse(m, BAD_VMA, -EINVAL,
					 "mremap: the new range is outside "
					 "user space");
		return mm_refuse(m, BAD_NONE, -ENOMEM,
				 "mremap: %#lx bytes is more than the address "
				 "space",
				 (unsigned long)new_len);
	}
	/* check_mremap_params: the new range before any mapping;
	 * new_len <= task_size, so the difference below cannot wrap. */
	if ((flags & MREMAP_FIXED) &&
	    ((new_addr & (m->page_size - 1)) ||
	     new_addr > mm->task_size - new_len ||
	     (new_addr < old_addr + old_len && old_addr < new_addr + new_len)))
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "mremap: the new range is unaligned, outside "
				 "user space or over the old one");
	/* As mmap's MAP_FIXED: vm.mmap_min_addr holds for a move too. */
	if ((flags & MREMAP_FIXED) && new_addr < MMAP_MIN_ADDR)
		return mm_refuse(
			m, BAD_VMA, -EPERM,
			"mremap: %#lx is below vm.mmap_min_addr (%#llx)",
			(unsigned long)new_addr, MMAP_MIN_ADDR);
	vma = vma_lookup(mm, old_addr);
	if (!vma)
		return mremap_efault(m, old_addr, old_len);
	if (vma->vm_flags & VM_HUGETLB)
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "mremap of huge page mappings is not done");
	/*
	 * What must lie inside the VMA: the old range when it grows, what
	 * moves for MREMAP_FIXED, and nothing for a shrink in place, which
	 * unmaps the tail wherever that reaches, as Linux's does. A move
	 * that keeps the size may span VMAs and holes (mremap_move_range).
	 */
	if (mremap_move_only(m, flags, old_len, new_len))
		fit = 0;
	else if (flags & MREMAP_DONTUNMAP)
		fit = old_len;
	else if (flags & MREMAP_FIXED)
		fit = new_len < old_len ? new_len : old_len;
	else
		fit = new_len > old_len ? old_len : 0;
	if (old_addr + fit > vma->vm_end)
		return mremap_efault(m, old_addr, old_len);
	return 0;
}

/* Grow vma at its end, where nothing is mapped. */
static int mremap_expand(struct machine *m, struct mm_struct *mm,
			 struct vm_area_struct *vma, uint64_t delta)
{
	unsigned int i;

	/*
	 * A shared object keeps its size, as a shmem file its i_size: the
	 * pages past its end are SIGBUS (do_shared_fault's side).
	 */
	vma->vm_end += delta;
	vm_stat_account(mm, vma->vm_flags, (long)(delta >> m->page_shift));
	/* vma_merge_extend: the grown VMA may meet and take in its next. */
	i = vma_index(mm, vma->vm_start);
	if (i + 1 < mm->map_count &&
	    vmas_mergeable(m, vma, mm->vmas[i + 1], vma))
		merge_with_next(m, mm, i);
	return 0;
}

/* Move [old_addr, +old_len) of vma to new_addr as a VMA of new_len. */
/*
 * dontunmap_complete: after MREMAP_DONTUNMAP the old range stays mapped,
 * its pages gone to the new one (private memory reads zeros there now,
 * shared memory its object). The old VMA loses VM_LOCKED (its pages are
 * munlocked) but locked_vm keeps counting it, as Linux's does ("we won't
 * unmap, so we don't touch locked_vm"): locked_vm_dontunmap says how
 * much, for the checker. A VMA moved whole leaves its anon_vma.
 */
static void dontunmap_complete(struct machine *m, struct mm_struct *mm,
			       uint64_t old_addr, uint64_t old_len)
{
	struct vm_area_struct *vma = vma_lookup(mm, old_addr);

	if (!vma)
		return;
	if (vma->vm_flags & VM_LOCKED) {
		vma->vm_flags &= ~VM_LOCKED_MASK;
		mm->locked_vm_dontunmap += vma_pages(m, vma);
		munlock_vma_range(m, vma, vma->vm_start, vma->vm_end);
	}
	if (vma->vm_start == old_addr && vma->vm_end == old_addr + old_len &&
	    vma->anon_vma)
		vma_unlink_rmap(m, vma);
}

static int mremap_move(struct machine *m, struct mm_struct *mm,
		       struct vm_area_struct *vma, uint64_t old_addr,
		       uint64_t old_len, uint64_t new_addr, uint64_t new_len,
		       bool dontunmap)
{
	uint64_t pgoff =
		vma->vm_pgoff + ((old_addr - vma->vm_start) >> m->page_shift);
	uint64_t moved = old_len < new_len ? old_len : new_len;

	/* copy_vma: an unfaulted private VMA lines up with its new place. */
	if (!vma->anon_vma && !vma->shmem && !vma->vm_file)
		pgoff = new_addr >> m->page_shift;
	struct vm_area_struct *new;
	int err;

	if (mm->map_count + 2 > m->vma->max_map_count)
		return mm_refuse(m, BAD_NONE, -ENOMEM,
				 "mremap would pass vm.max_map_count");
	err = vmas_reserve(mm, 2);
	if (err)
		return err;
	new = vm_area_dup(m, mm, vma);
	if (!new)
		return -ENOMEM;
	new->vm_start = new_addr;
	new->vm_end = new_addr + new_len;
	new->vm_pgoff = pgoff;
	vma_insert(mm, new);
	vm_stat_account(mm, new->vm_flags, (long)(new_len >> m->page_shift));
	err = move_page_tables(m, vma, old_addr, new, new_addr, moved);
	if (err) { /* nothing moved: the new VMA goes again */
		vm_stat_account(mm, new->vm_flags,
				-(long)(new_len >> m->page_shift));
		vma_remove_at(mm, vma_index(mm, new_addr));
		vm_area_free(m, new);
		return err;
	}
	/* Merged where it lands, as copy_vma's vma_merge_new_range. */
	vma_merge_copy(m, mm, vma_index(mm, new_addr), true);
	if (dontunmap) {
		dontunmap_complete(m, mm, old_addr, old_len);
		return 0;
	}
	return do_munmap(m, mm, old_addr, old_len);
}

/*
 * remap_move: each VMA (or part) of [old_addr, +len) moves to the same
 * offset from new_addr, holes kept as holes; each piece's destination is
 * unmapped first, as mremap_to does. The range starts mapped (checked).
 */
static int mremap_move_range(struct machine *m, struct mm_struct *mm,
			     uint64_t old_addr, uint64_t len, uint64_t new_addr,
			     bool dontunmap)
{
	uint64_t addr = old_addr, end = old_addr + len;

	while (addr < end) {
		struct vm_area_struct *vma = find_vma(mm, addr);
		uint64_t lo, hi;
		int err;

		if (!vma || vma->vm_start >= end)
			break;
		if (vma->vm_flags & VM_HUGETLB)
			return mm_refuse(m, BAD_VMA, -EINVAL,
					 "mremap of huge page mappings is "
					 "not done");
		lo = vma->vm_start > addr ? vma->vm_start : addr;
		hi = vma->vm_end < end ? vma->vm_end : end;
		err = do_munmap(m, mm, new_addr + (lo - old_addr), hi - lo);
		if (!err)
			err = mremap_move(m, mm, vma_lookup(mm, lo), lo,
					  hi - lo, new_addr + (lo - old_addr),
					  hi - lo, dontunmap);
		if (err)
			return err;
		addr = hi;
	}
	return 0;
}

/* A locked VMA's growth is faulted in, as mremap's mm_populate. */
static void mremap_populate(struct machine *m, struct mm_struct *mm,
			    uint64_t addr, uint64_t old_len, uint64_t new_len)
{
	const struct vm_area_struct *vma = vma_lookup(mm, addr);

	if (new_len > old_len && vma && (vma->vm_flags & VM_LOCKED) &&
	    !(vma->vm_flags & VM_LOCKONFAULT))
		populate_vma_range(m, mm, addr + old_len, addr + new_len);
}

int do_mremap(struct machine *m, struct mm_struct *mm, uint64_t old_addr,
	      uint64_t old_len, uint64_t new_len, int flags, uint64_t new_addr,
	      uint64_t *result)
{
	struct vm_area_struct *vma;
	bool dontunmap = flags & MREMAP_DONTUNMAP;
	int err = mremap_check(m, mm, old_addr, old_len, new_len, flags,
			       new_addr);

	if (err)
		return err;
	old_len = page_align(m, old_len);
	new_len = page_align(m, new_len);
	vma = vma_lookup(mm, old_addr);
	/* vma_to_resize: raw frames and VM_DONTEXPAND mappings never grow. */
	if (new_len > old_len && (vma->vm_flags & (VM_DONTEXPAND | VM_PFNMAP)))
		return mm_refuse(m, BAD_VMA, -EFAULT,
				 "mremap: a mapping of raw frames cannot grow");
	/* vma_to_resize: a locked VMA's growth must fit RLIMIT_MEMLOCK. */
	if (new_len > old_len &&
	    !mlock_future_ok(m, mm, vma->vm_flags, new_len - old_len))
		return mm_refuse(m, BAD_NONE, -EAGAIN,
				 "mremap: a locked mapping would pass "
				 "limits.memlock");
	/* Growth of a charged mapping is charged too (vma_to_resize); with
	 * MREMAP_DONTUNMAP the whole new mapping is, the old one staying. */
	if (new_len > old_len && (vma->vm_flags & VM_ACCOUNT) &&
	    vm_enough_memory(m, (long)((new_len - old_len) >> m->page_shift)))
		return -ENOMEM;
	if (dontunmap && (vma->vm_flags & VM_ACCOUNT) &&
	    vm_enough_memory(m, (long)(new_len >> m->page_shift)))
		return -ENOMEM;
	if (mremap_move_only(m, flags, old_len, new_len)) {
		err = mremap_move_range(m, mm, old_addr, old_len, new_addr,
					dontunmap);
		if (!err)
			*result = new_addr;
		return err;
	} else if (flags & MREMAP_FIXED) {
		err = do_munmap(m, mm, new_addr, new_len);
		vma = vma_lookup(mm, old_addr);
	} else if (dontunmap) {
		err = get_unmapped_area(m, mm, 0, new_len, m->page_size,
					&new_addr);
	} else if (new_len <= old_len) {
		*result = old_addr;
		return new_len < old_len ? do_munmap(m, mm, old_addr + new_len,
						     old_len - new_len)
					 : 0;
	} else if (old_addr + old_len == vma->vm_end &&
		   vma_expandable(mm, vma, new_len - old_len)) {
		*result = old_addr;
		err = mremap_expand(m, mm, vma, new_len - old_len);
		if (!err)
			mremap_populate(m, mm, old_addr, old_len, new_len);
		return err;
	} else if (!(flags & MREMAP_MAYMOVE)) {
		return mm_refuse(m, BAD_NONE, -ENOMEM,
				 "mremap: no room to grow in place, and no "
				 "MREMAP_MAYMOVE");
	} else {
		err = get_unmapped_area(m, mm, 0, new_len, m->page_size,
					&new_addr);
	}
	if (!err)
		err = mremap_move(m, mm, vma, old_addr, old_len, new_addr,
				  new_len, dontunmap);
	if (!err) {
		*result = new_addr;
		mremap_populate(m, mm, new_addr, old_len, new_len);
	}
	return err;
}

/* ------------------------------------------------------------------ */
/* brk                                                                 */

#define VM_DATA_DEFAULT                                                        \
	(VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)

/* vm_start_gap: a grows-down VMA keeps the guard gap below it free. */
static uint64_t vm_start_gap(const struct machine *m,
			     const struct vm_area_struct *vma)
{
	uint64_t gap = vma->vm_flags & VM_GROWSDOWN ? stack_guard_gap(m) : 0;

	return vma->vm_start > gap ? vma->vm_start - gap : 0;
}

/* Give back [newend, oldend) of the heap, as brk's shrink does. */
static int brk_shrink(struct machine *m, struct mm_struct *mm, uint64_t newend,
		      uint64_t oldend)
{
	struct vm_area_struct *vma = find_vma(mm, newend);

	if (!vma || vma->vm_start >= oldend)
		return mm_refuse(m, BAD_NONE, -ENOMEM,
				 "brk: nothing is mapped in [%#lx, %#lx)",
				 (unsigned long)newend, (unsigned long)oldend);
	return do_munmap(m, mm, newend, oldend - newend);
}

/*
 * do_brk_flags: the VMA ending at oldend grows if it is the heap's and
 * could take the range in (vma_merge_new_range, expanding only);
 * otherwise a new VMA, merged with nothing.
 */
static int brk_expand(struct machine *m, struct mm_struct *mm, uint64_t oldend,
		      uint64_t newend)
{
	unsigned long flags = VM_DATA_DEFAULT | VM_ACCOUNT | mm->def_flags;
	unsigned long npages =
		(unsigned long)((newend - oldend) >> m->page_shift);
	unsigned int i = vma_index(mm, oldend);
	struct vm_area_struct *prev = i ? mm->vmas[i - 1] : NULL;
	struct vm_area_struct *vma;
	int err;

	if (mm->map_count > m->vma->max_map_count)
		return mm_refuse(m, BAD_NONE, -ENOMEM,
				 "vm.max_map_count reached");
	/* check_brk_limits' -EAGAIN: brk fails with the break kept, which
	 * the C library reports as ENOMEM, as every refused brk here. */
	if (!mlock_future_ok(m, mm, flags, newend - oldend))
		return mm_refuse(m, BAD_NONE, -ENOMEM,
				 "brk: the locked heap would pass "
				 "limits.memlock");
	if (vm_enough_memory(m, (long)npages))
		return -ENOMEM;
	if (prev && prev->vm_end == oldend && prev->vm_end > mm->start_brk &&
	    prev->vm_flags == flags && !vma_had_uncowed_parents(prev) &&
	    prev->vm_policy.mode == MPOL_DEFAULT &&
	    prev->vm_pgoff + vma_pages(m, prev) == oldend >> m->page_shift) {
		prev->vm_end = newend;
		vm_stat_account(mm, flags, (long)npages);
		return 0;
	}
	err = vmas_reserve(mm, 1);
	vma = err ? NULL : vm_area_alloc(m, mm);
	if (!vma)
		return -ENOMEM;
	vma->vm_start = oldend;
	vma->vm_end = newend;
	vma->vm_flags = flags;
	vma->vm_pgoff = oldend >> m->page_shift;
	vma_insert(mm, vma);
	vm_stat_account(mm, flags, (long)npages);
	return 0;
}

/*
 * The brk call as Linux's: below the heap's start, into a page of the
 * next mapping (its guard gap included) or past user space it fails and
 * the break stays; shrinking needs the heap to be there. *brk is the
 * break afterwards whatever happens, as the raw syscall returns it.
 */
int do_brk(struct machine *m, struct mm_struct *mm, uint64_t newbrk,
	   uint64_t *brk)
{
	uint64_t oldend = page_align(m, mm->brk), newend;
	struct vm_area_struct *next;
	int err;

	*brk = mm->brk;
	if (!newbrk)
		return 0;
	if (newbrk < mm->start_brk || newbrk > mm->task_size)
		return mm_refuse(m, BAD_VMA, -ENOMEM,
				 "brk %#lx is outside [start_brk %#lx, %#lx)",
				 (unsigned long)newbrk,
				 (unsigned long)mm->start_brk,
				 (unsigned long)mm->task_size);
	newend = page_align(m, newbrk);
	if (newend == oldend)
		err = 0;
	else if (newbrk <= mm->brk)
		err = brk_shrink(m, mm, newend, oldend);
	else if ((next = find_vma(mm, oldend)) &&
		 newend + m->page_size > vm_start_gap(m, next))
		err = mm_refuse(m, BAD_NONE, -ENOMEM,
				"brk %#lx comes within a page of the mapping "
				"at %#lx",
				(unsigned long)newbrk,
				(unsigned long)next->vm_start);
	else
		err = brk_expand(m, mm, oldend, newend);
	if (err)
		return err;
	/* brk: with mlockall(MCL_FUTURE) the new heap is faulted in. */
	if (newend > oldend && (mm->def_flags & VM_LOCKED))
		populate_vma_range(m, mm, oldend, newend);
	mm->brk = newbrk;
	*brk = newbrk;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The mm itself                                                       */

uint64_t stack_guard_gap(const struct machine *m)
{
	return (uint64_t)STACK_GUARD_GAP_PAGES << m->page_shift;
}

uint64_t huge_page_size(const struct machine *m)
{
	return pgtable_level_size(m, pgtable_huge_level(m));
}

/* Where the heap starts: ELF_ET_DYN_BASE, as a PIE program's would. */
static uint64_t initial_brk(const struct machine *m)
{
	return page_align(m, m->layout.kernel.task_size / 3 * 2);
}

/* The stack VMA a new process starts with: 128 KiB that grows down. */
static int setup_stack(struct machine *m, struct mm_struct *mm)
{
	uint64_t top = mm->task_size;
	int err = mmap_region(
		m, mm, top - INITIAL_STACK_BYTES, INITIAL_STACK_BYTES,
		VM_DATA_DEFAULT | VM_GROWSDOWN | VM_ACCOUNT, NULL, 0);

	mm->start_stack = top - m->page_size;
	return err;
}

static struct mm_struct *mm_alloc_empty(struct machine *m, int pid)
{
	struct mm_struct *mm = calloc(1, sizeof(*mm));

	if (!mm)
		return NULL;
	mm->pid = pid;
	mm->task_size = m->layout.kernel.task_size;
	if (kmem_cache_alloc(m, m->vma->mm_cachep, GFP_KERNEL, &mm->mm_obj)) {
		free(mm);
		return NULL;
	}
	if (pgd_alloc(m, &mm->pgd)) {
		kmem_cache_free(m, m->vma->mm_cachep, mm->mm_obj);
		free(mm);
		return NULL;
	}
	pgd_set_mm(m, mm->pgd, mm);
	mm->mmap_base = mm->task_size - MIN_GAP;
	mm->start_brk = mm->brk = initial_brk(m);
	return mm;
}

struct mm_struct *mm_alloc(struct machine *m, int pid)
{
	struct mm_struct *mm = mm_alloc_empty(m, pid);

	if (mm && setup_stack(m, mm)) {
		mmput(m, mm);
		return NULL;
	}
	return mm;
}

/* The mm a fork fills: the parent's layout, no VMAs yet. */
struct mm_struct *mm_alloc_for_fork(struct machine *m,
				    const struct mm_struct *oldmm, int pid)
{
	struct mm_struct *mm = mm_alloc_empty(m, pid);

	if (!mm)
		return NULL;
	mm->start_brk = oldmm->start_brk;
	mm->brk = oldmm->brk;
	mm->start_stack = oldmm->start_stack;
	mm->mmap_base = oldmm->mmap_base;
	if (vmas_reserve(mm, oldmm->map_count)) {
		mmput(m, mm);
		return NULL;
	}
	return mm;
}

/* Append a VMA copied from the parent (fork adds them in order). */
void mm_append_vma(struct machine *m, struct mm_struct *mm,
		   struct vm_area_struct *vma)
{
	mm->vmas[mm->map_count++] = vma;
	vm_stat_account(mm, vma->vm_flags, (long)vma_pages(m, vma));
}

void mm_free(struct machine *m, struct mm_struct *mm)
{
	pgd_free(m, mm->pgd);
	kmem_cache_free(m, m->vma->mm_cachep, mm->mm_obj);
	free(mm->vmas);
	free(mm);
}

/* exit_mmap: every VMA unmapped and freed, tables and all. */
void exit_mmap(struct machine *m, struct mm_struct *mm)
{
	while (mm->map_count) {
		struct vm_area_struct *vma = mm->vmas[mm->map_count - 1];

		unmap_vma_range(m, vma, vma->vm_start, vma->vm_end);
		vm_stat_account(mm, vma->vm_flags, -(long)vma_pages(m, vma));
		mm->map_count--;
		vm_area_free(m, vma);
	}
}

void mmput(struct machine *m, struct mm_struct *mm)
{
	if (!mm)
		return;
	exit_mmap(m, mm);
	mm_free(m, mm);
}
