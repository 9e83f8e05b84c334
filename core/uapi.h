/* SPDX-License-Identifier: MIT */
/*
 * uapi.h - the calls a client process may make into the machine.
 *
 * Owns: the entry points a session reaches, each run as the current task
 * (m->current_pid) and checked against what that task owns and may hold.
 * The daemon translates the wire into these and nothing else. Must never:
 * let a task free, read or write what another task owns.
 *
 * Errors: -EINVAL for a bad argument, -EPERM for another task's object,
 * -EDQUOT past the layout's per-session limits (limits.pages counts
 * every page the task holds through its calls and its faults, its
 * kernel objects by their bytes, as a memcg: memcontrol.h; limits.kmap,
 * kmap_atomic and vmap_space its share of shared pools), -ENOMEM when
 * memory is short or a size could never be met (and for a user access,
 * or a fork, past limits.pages), -EAGAIN when the caller must wait and
 * retry (and a fork past limits.processes), -ESRCH with no current
 * task, -EBUSY for the last free (or put) of a block the task still has
 * vmapped. m->errmsg says why.
 */
#ifndef MM_UAPI_H
#define MM_UAPI_H

#include <stdint.h>

#include "core/gfp.h"
#include "core/machine.h"
#include "core/fs/fs.h"
#include "core/libc/malloc.h"
#include "core/mm.h"

#include <stddef.h>

/* Page allocator: blocks named by their first pfn. */
int uapi_alloc_pages(struct machine *m, gfp_t gfp, unsigned int order,
		     unsigned long *pfn);
int uapi_free_pages(struct machine *m, unsigned long pfn, unsigned int order);
/* From node nid first, falling back by distance (-1: the caller's). */
int uapi_alloc_pages_node(struct machine *m, int nid, gfp_t gfp,
			  unsigned int order, unsigned long *pfn);

/*
 * NUMA memory policies, as the system calls (uapi_numa.c): nodemasks
 * come as maxnode - 1 bits in nwords words, as a user's unsigned long
 * array; pid 0 is the caller, else a process it forked. admin: the
 * session may move shared pages (MPOL_MF_MOVE_ALL, CAP_SYS_NICE).
 */
int uapi_set_mempolicy(struct machine *m, int pid, int mode,
		       const uint64_t *nmask, size_t nwords, uint64_t maxnode);
/* nmask_out: room for 512 words (a page of bits); *nwords what it got. */
int uapi_get_mempolicy(struct machine *m, int pid, uint64_t maxnode,
		       uint64_t addr, uint32_t flags, bool want_mask,
		       int32_t *policy, uint64_t *nmask_out, size_t *nwords);
int uapi_mbind(struct machine *m, int pid, uint64_t addr, uint64_t len,
	       int mode, const uint64_t *nmask, size_t nwords, uint64_t maxnode,
	       uint32_t flags, bool admin);
int uapi_migrate_pages(struct machine *m, int pid, uint64_t maxnode,
		       const uint64_t *old_nodes, size_t nold,
		       const uint64_t *new_nodes, size_t nnew, uint64_t *left);
/* 0, -errno or the count move_pages(2) returns (kernel_move_pages). */
int uapi_move_pages(struct machine *m, int pid, size_t nr,
		    const uint64_t *pages, const int32_t *nodes,
		    int32_t *status, int flags, bool admin);
/* /sys/kernel/mm/mempolicy/weighted_interleave/nodeN (admin). */
int uapi_admin_weighted_interleave(struct machine *m, int nid, uint32_t weight);
/*
 * CMA (uapi_cma.c): count pages of the area name aligned to 2^align
 * pages (*pfn the first), and their release; an admin's session may
 * release any process's. alloc_contig_range and free_contig_range take
 * and give back the frames [start_pfn, end_pfn) (the daemon lets only
 * admins call them). cma.h says each error.
 */
int uapi_cma_alloc(struct machine *m, const char *name, uint64_t count,
		   uint32_t align, unsigned long *pfn);
int uapi_cma_release(struct machine *m, const char *name, uint64_t pfn,
		     uint64_t count, bool admin);
int uapi_alloc_contig_range(struct machine *m, uint64_t start_pfn,
			    uint64_t end_pfn);
int uapi_free_contig_range(struct machine *m, uint64_t start_pfn,
			   uint64_t end_pfn);
int uapi_get_page(struct machine *m, unsigned long pfn);
int uapi_put_page(struct machine *m, unsigned long pfn);
/*
 * The page API by address, as Linux's: __get_free_pages gives the block's
 * direct-map address (__GFP_HIGHMEM dropped, as Linux 6.x drops it, and
 * logged); free_pages takes it back (0 is a no-op, as in Linux);
 * page_address of a page of the task's is 0 for a high page no kmap maps;
 * virt_to_page turns a direct-map address into its pfn.
 */
int uapi_get_free_pages(struct machine *m, gfp_t gfp, unsigned int order,
			uint64_t *addr);
int uapi_free_pages_addr(struct machine *m, uint64_t addr, unsigned int order);
int uapi_page_address(struct machine *m, unsigned long pfn, uint64_t *addr);
int uapi_virt_to_page(struct machine *m, uint64_t addr, unsigned long *pfn);

/* Slab caches, named by a handle; objects by kernel virtual address. */
int uapi_kmem_cache_create(struct machine *m, const char *name,
			   unsigned int size, unsigned int align,
			   unsigned int flags, uint64_t *cache);
int uapi_kmem_cache_destroy(struct machine *m, uint64_t cache);
int uapi_kmem_cache_shrink(struct machine *m, uint64_t cache);
int uapi_kmem_cache_alloc(struct machine *m, uint64_t cache, gfp_t gfp,
			  uint64_t *addr);
/*
 * From node nid's slabs first (NUMA_NO_NODE: the caller's node), as
 * kmem_cache_alloc_node and kmalloc_node; a node not online is -EINVAL.
 */
int uapi_kmem_cache_alloc_node(struct machine *m, uint64_t cache, gfp_t gfp,
			       int nid, uint64_t *addr);
int uapi_kmem_cache_free(struct machine *m, uint64_t cache, uint64_t addr);

/* kmalloc and friends; kmalloc(0) gives ZERO_SIZE_PTR (16) as Linux does. */
int uapi_kmalloc(struct machine *m, size_t size, gfp_t gfp, uint64_t *addr);
int uapi_kmalloc_node(struct machine *m, size_t size, gfp_t gfp, int nid,
		      uint64_t *addr);
int uapi_kcalloc(struct machine *m, size_t n, size_t size, gfp_t gfp,
		 uint64_t *addr);
int uapi_krealloc(struct machine *m, uint64_t addr, size_t size, gfp_t gfp,
		  uint64_t *new_addr);
int uapi_kfree(struct machine *m, uint64_t addr);
int uapi_ksize(struct machine *m, uint64_t addr, size_t *size);

/* vmalloc area: vmalloc, vmap of owned blocks, ioremap of devices. */
int uapi_vmalloc(struct machine *m, unsigned long size, uint64_t *addr);
/* Pages from node nid first (NUMA_NO_NODE: as vmalloc); not online: -EINVAL. */
int uapi_vmalloc_node(struct machine *m, unsigned long size, int nid,
		      uint64_t *addr);
int uapi_vzalloc_node(struct machine *m, unsigned long size, int nid,
		      uint64_t *addr);
int uapi_vzalloc(struct machine *m, unsigned long size, uint64_t *addr);
int uapi_vfree(struct machine *m, uint64_t addr);
/*
 * vmalloc_to_pfn: the frame mapped at addr, inside a vmalloc, vmap or
 * ioremap area the task made (an ioremap's frame lies outside RAM).
 * -EFAULT for an address in no area of the task's.
 */
int uapi_vmalloc_to_pfn(struct machine *m, uint64_t addr, unsigned long *pfn);
int uapi_vmap(struct machine *m, const unsigned long *pfns, unsigned int count,
	      uint64_t *addr);
int uapi_vunmap(struct machine *m, uint64_t addr);
int uapi_ioremap(struct machine *m, uint64_t phys, unsigned long size,
		 uint64_t *addr);
int uapi_iounmap(struct machine *m, uint64_t addr);

/* High memory; -EAGAIN from kmap means no slot is free: wait and retry. */
int uapi_kmap(struct machine *m, unsigned long pfn, uint64_t *addr);
int uapi_kunmap(struct machine *m, unsigned long pfn);
int uapi_kmap_atomic(struct machine *m, unsigned long pfn, uint64_t *addr);
int uapi_kunmap_atomic(struct machine *m, uint64_t addr);

/* Per-CPU areas. */
int uapi_alloc_percpu(struct machine *m, unsigned long size,
		      unsigned long align, uint64_t *ptr);
int uapi_free_percpu(struct machine *m, uint64_t ptr);
int uapi_per_cpu_ptr(struct machine *m, uint64_t ptr, unsigned int cpu,
		     uint64_t *addr);

/*
 * Execution context (uapi_context.c): kind is preempt.h's enum
 * atomic_section or enum irq_kind by number; -EINVAL for none.
 */
int uapi_atomic_enter(struct machine *m, int kind, uint64_t *flags);
int uapi_atomic_exit(struct machine *m, int kind, uint64_t flags);
int uapi_irq_enter(struct machine *m, int kind, unsigned int cpu);
int uapi_irq_exit(struct machine *m, int kind, uint64_t *leaked);
/* Whether the current task may sleep: a call may wait only then. */
bool uapi_preemptible(const struct machine *m);
/*
 * Mutexes (mutex.h), for the current task. A mutex is one of its
 * objects (limits.objects: -EDQUOT). uapi_mutex_lock's -EAGAIN asks the
 * caller to wait and call again (the task is queued, FIFO);
 * uapi_wait_cancel takes a task that stopped waiting off every queue.
 */
int uapi_mutex_init(struct machine *m, const char *name);
int uapi_mutex_destroy(struct machine *m, const char *name);
int uapi_mutex_lock(struct machine *m, const char *name);
int uapi_mutex_trylock(struct machine *m, const char *name, uint64_t *locked);
int uapi_mutex_unlock(struct machine *m, const char *name);
void uapi_wait_cancel(struct machine *m, int pid);

/* Static per-CPU variables (percpu_defs.h); op: enum this_cpu_op. */
int uapi_define_per_cpu(struct machine *m, const char *name, unsigned int size,
			uint64_t *addr);
int uapi_get_cpu_var(struct machine *m, const char *name, uint64_t *addr);
int uapi_put_cpu_var(struct machine *m, const char *name);
int uapi_per_cpu_read(struct machine *m, const char *name, unsigned int cpu,
		      uint64_t *value);
int uapi_per_cpu_write(struct machine *m, const char *name, unsigned int cpu,
		       uint64_t value);
int uapi_this_cpu_op(struct machine *m, const char *name, int op, uint64_t arg,
		     uint64_t *value);

/* Media memory zones; zone NULL or "" means any region. */
int uapi_mmz_alloc(struct machine *m, const char *zone, const char *name,
		   uint64_t size, uint64_t align, uint64_t *phys);
int uapi_mmz_free(struct machine *m, uint64_t phys);
int uapi_mmz_find(struct machine *m, const char *name, uint64_t *phys,
		  uint64_t *size);

/*
 * Bytes at kernel virtual addresses (direct map, vmalloc area, kmap
 * slots) and at physical addresses of MMZ blocks. Only inside what the
 * current task owns; anything else is -EFAULT.
 */
int uapi_read(struct machine *m, uint64_t addr, void *buf, size_t len);
int uapi_write(struct machine *m, uint64_t addr, const void *buf, size_t len);
int uapi_read_phys(struct machine *m, uint64_t phys, void *buf, size_t len);
int uapi_write_phys(struct machine *m, uint64_t phys, const void *buf,
		    size_t len);

/*
 * Processes and address spaces. pid 0 is the calling task; another pid
 * must be a process the caller forked, or one of theirs (-EPERM for any
 * other, -ESRCH for none). Addresses and lengths are bytes; prot and
 * flags take Linux's PROT_* and MAP_* values. A user access that the
 * kernel would answer with a signal is -EFAULT, with *fault saying which
 * signal, which si_code and at which address.
 */
int uapi_mmap(struct machine *m, int pid, uint64_t addr, uint64_t len, int prot,
	      int flags, uint64_t *mapped);
/*
 * mmap of descriptor fd from byte offset (page aligned, else -EINVAL),
 * as x86's sys_mmap: MAP_ANONYMOUS ignores fd and offset; -EBADF for a
 * descriptor not open in the process; -EACCES for a mode the mapping
 * may not have; -ENODEV for a directory; -EOVERFLOW past the largest
 * file.
 */
int uapi_sys_mmap(struct machine *m, int pid, uint64_t addr, uint64_t len,
		  int prot, int flags, int fd, int64_t offset,
		  uint64_t *mapped);
/*
 * ioctl of descriptor fd: arg holds len bytes (at most IOCTL_ARG_MAX)
 * in and out. -ENOTTY for a file without ioctls (a regular file, a
 * directory); /dev/mmz_userdev's are mmz_userdev.h's.
 */
#define IOCTL_ARG_MAX 4096
int uapi_ioctl(struct machine *m, int pid, int fd, unsigned int cmd, void *arg,
	       size_t len);
/* msync: MS_ASYNC 1, MS_INVALIDATE 2, MS_SYNC 4, as Linux's. */
int uapi_msync(struct machine *m, int pid, uint64_t addr, uint64_t len,
	       int flags);
int uapi_munmap(struct machine *m, int pid, uint64_t addr, uint64_t len);
int uapi_mprotect(struct machine *m, int pid, uint64_t addr, uint64_t len,
		  int prot);
/* mremap: MREMAP_MAYMOVE and MREMAP_FIXED as Linux's; the result back. */
int uapi_mremap(struct machine *m, int pid, uint64_t old_addr, uint64_t old_len,
		uint64_t new_len, int flags, uint64_t new_addr,
		uint64_t *result);
/* brk 0 asks for the current break, as brk(0) does. */
int uapi_brk(struct machine *m, int pid, uint64_t brk, uint64_t *cur);
int uapi_access_vm(struct machine *m, int pid, uint64_t addr, void *buf,
		   size_t len, enum user_access access,
		   struct user_fault *fault);
/* fork: a child with a copy of pid's address space; its pid back. */
int uapi_fork(struct machine *m, int pid, int *child);
/* Exit a process the caller forked (the caller itself exits by leaving). */
int uapi_exit_process(struct machine *m, int pid);
/* madvise(2): Linux 6.x advice (core/madvise.c says which), its errors. */
int uapi_madvise(struct machine *m, int pid, uint64_t addr, uint64_t len,
		 int advice);
/*
 * mlock2(2) (flags 0 is mlock, MLOCK_ONFAULT), munlock(2), mlockall(2)
 * (MCL_CURRENT, MCL_FUTURE, MCL_ONFAULT) and munlockall(2), with
 * RLIMIT_MEMLOCK from the layout's limits.memlock; errors as Linux's.
 */
int uapi_mlock(struct machine *m, int pid, uint64_t addr, uint64_t len,
	       int flags);
int uapi_munlock(struct machine *m, int pid, uint64_t addr, uint64_t len);
int uapi_mlockall(struct machine *m, int pid, int flags);
int uapi_munlockall(struct machine *m, int pid);
/*
 * mincore(2): a byte per page of [addr, +len) into vec (len rounded up
 * to pages), 1 when the page is resident.
 */
int uapi_mincore(struct machine *m, int pid, uint64_t addr, uint64_t len,
		 uint8_t *vec);

/*
 * Files (core/fs/): calls as Linux's syscalls, pid as for the calls
 * above, descriptors in that process's own table (-EBADF for a number
 * it has not open). flags, whence and advice take Linux's values;
 * errors are Linux's errno for the same input. A read's bytes and a
 * write's count come back through done.
 */
int uapi_open(struct machine *m, int pid, const char *path, int flags,
	      uint32_t mode, int *fd);
int uapi_close(struct machine *m, int pid, int fd);
int uapi_sys_read(struct machine *m, int pid, int fd, void *buf, size_t count,
		  size_t *done);
int uapi_pread64(struct machine *m, int pid, int fd, void *buf, size_t count,
		 int64_t offset, size_t *done);
int uapi_sys_write(struct machine *m, int pid, int fd, const void *buf,
		   size_t count, size_t *done);
int uapi_pwrite64(struct machine *m, int pid, int fd, const void *buf,
		  size_t count, int64_t offset, size_t *done);
int uapi_lseek(struct machine *m, int pid, int fd, int64_t offset, int whence,
	       uint64_t *result);
int uapi_ftruncate(struct machine *m, int pid, int fd, int64_t length);
int uapi_fsync(struct machine *m, int pid, int fd);
int uapi_fdatasync(struct machine *m, int pid, int fd);
/* sync(2): every file's dirty pages, then the metadata blocks. */
int uapi_sync(struct machine *m, int pid);
int uapi_unlink(struct machine *m, int pid, const char *path);
int uapi_stat(struct machine *m, int pid, const char *path, struct kstat *st);
int uapi_fstat(struct machine *m, int pid, int fd, struct kstat *st);
int uapi_fadvise64(struct machine *m, int pid, int fd, int64_t offset,
		   int64_t len, int advice);
int uapi_readahead(struct machine *m, int pid, int fd, int64_t offset,
		   uint64_t count);
/* sysctl -w vm.NAME=VALUE (an admin's: the operation table says so). */
int uapi_admin_sysctl(struct machine *m, const char *name, int64_t value);

/*
 * The process's own malloc (core/libc/malloc.h), run in pid's address space
 * as its C library would run it; pid as for the calls above.
 */
int uapi_malloc(struct machine *m, int pid, uint64_t size, uint64_t *addr);
int uapi_free(struct machine *m, int pid, uint64_t addr);
int uapi_calloc(struct machine *m, int pid, uint64_t nmemb, uint64_t size,
		uint64_t *addr);
int uapi_realloc(struct machine *m, int pid, uint64_t addr, uint64_t size,
		 uint64_t *new_addr);
int uapi_posix_memalign(struct machine *m, int pid, uint64_t alignment,
			uint64_t size, uint64_t *addr);
int uapi_malloc_usable_size(struct machine *m, int pid, uint64_t addr,
			    uint64_t *size);
int uapi_mallopt(struct machine *m, int pid, int param, int value);
int uapi_malloc_trim(struct machine *m, int pid, uint64_t pad,
		     uint64_t *released);
int uapi_mallinfo(struct machine *m, int pid, struct user_mallinfo *mi);

/*
 * Segmentation, in process pid as above: modify_ldt(2) (ldt.h says what
 * each func does; *ret is the syscall's value), and MOV sreg, selector
 * (segment.h).
 */
int uapi_modify_ldt(struct machine *m, int pid, int func, uint64_t ptr,
		    uint64_t bytecount, uint64_t *ret);
int uapi_load_segment(struct machine *m, int pid, unsigned int sreg,
		      unsigned int selector);

#endif /* MM_UAPI_H */
