/* SPDX-License-Identifier: MIT */
/*
 * mmclient.h - libmmclient: a C client of mmd, the simulated memory
 * machine.
 *
 * Owns: the public C API of a session with mmd. A connection is a
 * process of the simulated machine: everything it allocates is its own
 * and is freed when it closes. Every call returns 0 or a negative errno
 * (the same values mmd's core and wire use); results come back through
 * out-parameters, and mmc_errmsg() gives the daemon's words for the last
 * failure. Must never: need any header but the C library's, or a thread.
 *
 * THREADS: one struct mmc serves one thread at a time. Use one connection
 * per thread, or a lock around every call on a shared one.
 *
 * PIPELINING: between mmc_pipeline_begin() and mmc_pipeline_end(), calls
 * queue their requests and return 0 at once; their out-parameters are
 * filled when mmc_pipeline_end() collects the replies, so those pointers
 * must stay valid until then. mmc_pipeline_end() gives each request's
 * status in order. A call that cannot even be queued (a request over the
 * frame limit) returns its error at once and takes no place in that
 * order.
 *
 * EVENTS: the daemon may tell a session, unasked, that its process (or
 * one it forked) was OOM-killed or that the daemon is shutting down.
 * Events are delivered to the handler set with mmc_set_event_handler()
 * from inside whatever call reads them; an idle program can poll
 * mmc_fd() for reading and call mmc_process_events(). After a shutdown,
 * or the OOM kill of the session's own process, the connection is
 * closed and later calls fail (-ESHUTDOWN, -ECONNABORTED); the kill of
 * a forked process leaves the session open.
 *
 * Build with: pkg-config --cflags --libs mmclient
 */
#ifndef MMCLIENT_H
#define MMCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * mm's release, which this header, libmmclient, mmd, mmctl and the
 * packages share; MMC_VERSION_NUMBER compares (0x010203 is 1.2.3).
 */
#define MMC_VERSION_MAJOR 0
#define MMC_VERSION_MINOR 1
#define MMC_VERSION_PATCH 0
#define MMC_VERSION	  "0.1.0"
#define MMC_VERSION_NUMBER                                                     \
	((MMC_VERSION_MAJOR << 16) | (MMC_VERSION_MINOR << 8) |                \
	 MMC_VERSION_PATCH)

#define MMC_PROTOCOL_VERSION 1
/* Used when neither the argument nor $MMD_SOCKET names a socket. */
#define MMC_DEFAULT_SOCKET "/run/mmd/mmd.sock"

/*
 * Allocation flags, with the Linux kernel's values (they cross the wire
 * unchanged). Skipped when the machine's own core/gfp.h came first.
 */
#ifndef MM_GFP_H
typedef uint32_t gfp_t;
#define __GFP_DMA	     0x01u
#define __GFP_HIGHMEM	     0x02u
#define __GFP_DMA32	     0x04u
#define __GFP_MOVABLE	     0x08u
#define __GFP_RECLAIMABLE    0x10u
#define __GFP_HIGH	     0x20u
#define __GFP_IO	     0x40u
#define __GFP_FS	     0x80u
#define __GFP_ZERO	     0x100u
#define __GFP_DIRECT_RECLAIM 0x400u
#define __GFP_KSWAPD_RECLAIM 0x800u
#define __GFP_WRITE	     0x1000u
#define __GFP_NOWARN	     0x2000u
#define __GFP_RETRY_MAYFAIL  0x4000u
#define __GFP_NOFAIL	     0x8000u
#define __GFP_NORETRY	     0x10000u
#define __GFP_MEMALLOC	     0x20000u
#define __GFP_COMP	     0x40000u
#define __GFP_NOMEMALLOC     0x80000u
#define __GFP_HARDWALL	     0x100000u
#define __GFP_THISNODE	     0x200000u
#define __GFP_ACCOUNT	     0x400000u
#define __GFP_RECLAIM	     (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)
#define GFP_ATOMIC	     (__GFP_HIGH | __GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL	     (__GFP_RECLAIM | __GFP_IO | __GFP_FS)
#define GFP_KERNEL_ACCOUNT   (GFP_KERNEL | __GFP_ACCOUNT)
#define GFP_NOWAIT	     (__GFP_KSWAPD_RECLAIM | __GFP_NOWARN)
#define GFP_NOIO	     (__GFP_RECLAIM)
#define GFP_NOFS	     (__GFP_RECLAIM | __GFP_IO)
#define GFP_USER	     (__GFP_RECLAIM | __GFP_IO | __GFP_FS | __GFP_HARDWALL)
#define GFP_DMA		     (__GFP_DMA)
#define GFP_DMA32	     (__GFP_DMA32)
#define GFP_HIGHUSER	     (GFP_USER | __GFP_HIGHMEM)
#define GFP_HIGHUSER_MOVABLE (GFP_HIGHUSER | __GFP_MOVABLE)
#endif

/*
 * kmem_cache_create flags, with the values the machine takes: Linux's
 * long-standing ones. Skipped when the machine's own core/slab.h came
 * first; spelled as it spells them, so either order compiles.
 */
#ifndef MM_SLAB_H
#define SLAB_CONSISTENCY_CHECKS 0x00000100u
#define SLAB_RED_ZONE		0x00000400u
#define SLAB_POISON		0x00000800u
#define SLAB_HWCACHE_ALIGN	0x00002000u
#define SLAB_CACHE_DMA		0x00004000u
#define SLAB_STORE_USER		0x00010000u
#define SLAB_RECLAIM_ACCOUNT	0x00020000u
#define SLAB_PANIC		0x00040000u
#endif

struct mmc;

/* How the session presents itself; NULL gives the defaults (all 0). */
struct mmc_options {
	const char *comm;  /* process name, NULL or "": "client" */
	unsigned int cpu;  /* simulated CPU to run on */
	int oom_score_adj; /* -1000 .. 1000 */
};

/* What the daemon said about itself and the session at connect. */
struct mmc_info {
	int pid; /* the session's pid in the machine */
	char server[32];
	char machine[32];
	char arch[16];
	unsigned int page_size;
	unsigned int nr_cpus;
	unsigned int max_order;
	uint64_t page_offset; /* start of the direct map */
	uint32_t max_frame_bytes;
	uint32_t max_requests; /* requests in flight per session */
	bool admin;	       /* admin requests allowed */
};

/*
 * Connect to mmd at path (NULL: $MMD_SOCKET, else MMC_DEFAULT_SOCKET) and
 * become a process of its machine. On failure *c is NULL and
 * mmc_errmsg(NULL) says why (in this thread). Refusals come back as the
 * daemon's errno: -EUSERS (too many clients, only admins' slots left,
 * or too many connections of this uid), -EMFILE (the daemon is out of
 * descriptors), -EPROTONOSUPPORT (protocol version), -ESHUTDOWN
 * (stopping), -EINVAL (a bad cpu or oom_score_adj).
 */
int mmc_connect(const char *path, const struct mmc_options *opts,
		struct mmc **c);
/* Close the session: its process exits and all it owned is freed. */
void mmc_close(struct mmc *c);

const struct mmc_info *mmc_info(const struct mmc *c);
int mmc_pid(const struct mmc *c);
/* The daemon's message for the last failed call ("" if none). */
const char *mmc_errmsg(const struct mmc *c);
/* Words for a negative errno, as strerror gives for its opposite. */
const char *mmc_strerror(int err);
/*
 * How long allocations that may wait (mm.proto, WAITING) wait at most,
 * in ms: alloc_pages, kmem_cache_alloc and kmalloc with a gfp that may
 * reclaim, vmalloc, vzalloc, alloc_percpu, mmz_alloc and kmap. 0, the
 * default, means __GFP_NOFAIL and kmap wait for as long as it takes and
 * the others do not wait.
 */
void mmc_set_timeout(struct mmc *c, unsigned int timeout_ms);
/* A round trip that does nothing. */
int mmc_ping(struct mmc *c);
/*
 * Whether the operation named (as mm.proto's Request field: "admin_check",
 * "kmalloc" ...) needs admin rights: uid 0 or the daemon's admin group.
 */
bool mmc_op_is_admin(const char *name);

/* Page allocator: blocks of 2^order pages named by their first pfn. */
int mmc_alloc_pages(struct mmc *c, gfp_t gfp, unsigned int order,
		    unsigned long *pfn);
int mmc_free_pages(struct mmc *c, unsigned long pfn, unsigned int order);
int mmc_get_page(struct mmc *c, unsigned long pfn);
int mmc_put_page(struct mmc *c, unsigned long pfn);

/*
 * The page API of the kernel, by address. A struct page is named by its
 * pfn, as everywhere here: alloc_pages gives it, page_to_pfn is that
 * pfn, and mmc_free_pages frees by it as __free_pages does (mmc___free_
 * pages is the same call). __get_free_pages gives the block's direct-map
 * address; __GFP_HIGHMEM is dropped as Linux 6.x drops it (a high page
 * has no address to give), and the kernel log says so. free_pages(addr,
 * order) is mmc_free_pages_addr, free_page(addr) mmc_free_page; an addr
 * of 0 is a no-op, one outside the direct map or not page-aligned
 * -EINVAL. page_address gives 0 (NULL) for a high page no kmap maps and
 * the pkmap address once kmapped, -EPERM for a page of another's;
 * virt_to_page the pfn of a direct-map address (-EINVAL past low memory).
 */
int mmc___get_free_pages(struct mmc *c, gfp_t gfp, unsigned int order,
			 uint64_t *addr);
int mmc___get_free_page(struct mmc *c, gfp_t gfp, uint64_t *addr);
int mmc_get_zeroed_page(struct mmc *c, gfp_t gfp, uint64_t *addr);
int mmc_free_pages_addr(struct mmc *c, uint64_t addr, unsigned int order);
int mmc_free_page(struct mmc *c, uint64_t addr);
int mmc___free_pages(struct mmc *c, unsigned long page, unsigned int order);
int mmc_page_address(struct mmc *c, unsigned long page, uint64_t *addr);
int mmc_virt_to_page(struct mmc *c, uint64_t addr, unsigned long *page);
static inline unsigned long mmc_page_to_pfn(unsigned long page)
{
	return page;
}

/* Slab caches, named by a handle; objects by kernel virtual address. */
int mmc_kmem_cache_create(struct mmc *c, const char *name, unsigned int size,
			  unsigned int align, unsigned int flags,
			  uint64_t *cache);
int mmc_kmem_cache_destroy(struct mmc *c, uint64_t cache);
int mmc_kmem_cache_shrink(struct mmc *c, uint64_t cache);
int mmc_kmem_cache_alloc(struct mmc *c, uint64_t cache, gfp_t gfp,
			 uint64_t *addr);
int mmc_kmem_cache_free(struct mmc *c, uint64_t cache, uint64_t addr);

/* kmalloc and friends; kmalloc(0) gives ZERO_SIZE_PTR (16). */
int mmc_kmalloc(struct mmc *c, size_t size, gfp_t gfp, uint64_t *addr);
/* kmalloc with __GFP_ZERO: the object's bytes read 0. */
int mmc_kzalloc(struct mmc *c, size_t size, gfp_t gfp, uint64_t *addr);
int mmc_kcalloc(struct mmc *c, size_t n, size_t size, gfp_t gfp,
		uint64_t *addr);
int mmc_krealloc(struct mmc *c, uint64_t addr, size_t size, gfp_t gfp,
		 uint64_t *new_addr);
int mmc_kfree(struct mmc *c, uint64_t addr);
int mmc_ksize(struct mmc *c, uint64_t addr, size_t *size);

/*
 * The vmalloc area. A vmap holds the blocks it maps: mmc_free_pages (or
 * mmc_put_page) of a block's last reference is -EBUSY until mmc_vunmap.
 * vmalloc and vzalloc may wait for memory (mmc_set_timeout).
 */
int mmc_vmalloc(struct mmc *c, unsigned long size, uint64_t *addr);
int mmc_vzalloc(struct mmc *c, unsigned long size, uint64_t *addr);
int mmc_vfree(struct mmc *c, uint64_t addr);
int mmc_vmap(struct mmc *c, const unsigned long *pfns, unsigned int count,
	     uint64_t *addr);
int mmc_vunmap(struct mmc *c, uint64_t addr);
int mmc_ioremap(struct mmc *c, uint64_t phys, unsigned long size,
		uint64_t *addr);
int mmc_iounmap(struct mmc *c, uint64_t addr);
/*
 * vmalloc_to_pfn(): the frame mapped at addr, a byte of a vmalloc, vmap
 * or ioremap area this session made; -EFAULT for any other address.
 */
int mmc_vmalloc_to_pfn(struct mmc *c, uint64_t addr, unsigned long *pfn);

/* High memory: kmap waits for a free slot (see mmc_set_timeout). */
int mmc_kmap(struct mmc *c, unsigned long pfn, uint64_t *addr);
int mmc_kunmap(struct mmc *c, unsigned long pfn);
int mmc_kmap_atomic(struct mmc *c, unsigned long pfn, uint64_t *addr);
int mmc_kunmap_atomic(struct mmc *c, uint64_t addr);

/* Per-CPU areas; alloc_percpu may wait (mmc_set_timeout). */
int mmc_alloc_percpu(struct mmc *c, unsigned long size, unsigned long align,
		     uint64_t *ptr);
int mmc_free_percpu(struct mmc *c, uint64_t ptr);
int mmc_per_cpu_ptr(struct mmc *c, uint64_t ptr, unsigned int cpu,
		    uint64_t *addr);

/*
 * Execution context: the session's process enters and leaves atomic
 * sections as kernel code around its calls would; calls that may sleep
 * made inside one are logged as Linux logs them ("BUG: sleeping function
 * called from invalid context") and never wait. Leaving a section never
 * entered is -EINVAL. flags: what local_irq_save gave (0x200 or 0).
 */
enum mmc_section {
	MMC_SECTION_PREEMPT = 1,
	MMC_SECTION_IRQ = 2,
	MMC_SECTION_IRQSAVE = 3,
	MMC_SECTION_BH = 4,
	MMC_SECTION_SPIN_LOCK = 5,
	MMC_SECTION_SPIN_LOCK_IRQ = 6,
	MMC_SECTION_SPIN_LOCK_IRQSAVE = 7,
	MMC_SECTION_SPIN_LOCK_BH = 8,
};
int mmc_atomic_enter(struct mmc *c, enum mmc_section kind, uint64_t *flags);
int mmc_atomic_exit(struct mmc *c, enum mmc_section kind, uint64_t flags);
int mmc_preempt_disable(struct mmc *c);
int mmc_preempt_enable(struct mmc *c);
int mmc_local_irq_disable(struct mmc *c);
int mmc_local_irq_enable(struct mmc *c);
int mmc_local_irq_save(struct mmc *c, uint64_t *flags);
int mmc_local_irq_restore(struct mmc *c, uint64_t flags);
int mmc_local_bh_disable(struct mmc *c);
int mmc_local_bh_enable(struct mmc *c);
int mmc_spin_lock(struct mmc *c);
int mmc_spin_unlock(struct mmc *c);
int mmc_spin_lock_irq(struct mmc *c);
int mmc_spin_unlock_irq(struct mmc *c);
int mmc_spin_lock_irqsave(struct mmc *c, uint64_t *flags);
int mmc_spin_unlock_irqrestore(struct mmc *c, uint64_t flags);
int mmc_spin_lock_bh(struct mmc *c);
int mmc_spin_unlock_bh(struct mmc *c);

/*
 * Interrupt batches: the calls between enter and exit run as a hardirq
 * handler, a softirq or an NMI on cpu. The exit ends the batch even if
 * it left something unbalanced (a get_cpu_var without put_cpu_var, a
 * lock): that is logged and undone, and *leaked (may be NULL) is the
 * preempt_count left over, 0 when balanced.
 */
enum mmc_interrupt {
	MMC_HARDIRQ = 1,
	MMC_SOFTIRQ = 2,
	MMC_NMI = 3,
};
int mmc_interrupt_enter(struct mmc *c, enum mmc_interrupt kind,
			unsigned int cpu);
int mmc_interrupt_exit(struct mmc *c, enum mmc_interrupt kind,
		       uint64_t *leaked);
int mmc_irq_enter(struct mmc *c, unsigned int cpu);
int mmc_irq_exit(struct mmc *c, uint64_t *leaked);
int mmc_softirq_enter(struct mmc *c, unsigned int cpu);
int mmc_softirq_exit(struct mmc *c, uint64_t *leaked);
int mmc_nmi_enter(struct mmc *c, unsigned int cpu);
int mmc_nmi_exit(struct mmc *c, uint64_t *leaked);

/*
 * Static per-CPU variables: DEFINE_PER_CPU (size bytes, zeroed; the
 * process's until it exits), get_cpu_var (preemption off; this CPU's
 * copy) and put_cpu_var, per_cpu(name, cpu) and this_cpu_* on variables
 * of 1, 2, 4 or 8 bytes. The kernel's cpu_number and this_cpu_off are
 * there to read.
 */
int mmc_define_per_cpu(struct mmc *c, const char *name, unsigned int size,
		       uint64_t *addr);
int mmc_get_cpu_var(struct mmc *c, const char *name, uint64_t *addr);
int mmc_put_cpu_var(struct mmc *c, const char *name);
int mmc_per_cpu_read(struct mmc *c, const char *name, unsigned int cpu,
		     uint64_t *value);
int mmc_per_cpu_write(struct mmc *c, const char *name, unsigned int cpu,
		      uint64_t value);
int mmc_this_cpu_read(struct mmc *c, const char *name, uint64_t *value);
int mmc_this_cpu_write(struct mmc *c, const char *name, uint64_t value);
int mmc_this_cpu_add(struct mmc *c, const char *name, uint64_t value);
int mmc_this_cpu_inc(struct mmc *c, const char *name);

/*
 * Mutexes: mutex_init defines one by name (a C identifier of at most 31
 * bytes, unique in the machine; the process's until it exits), which
 * any session may then take. mutex_lock may sleep: while another
 * process holds it the call waits, first come first served, until an
 * unlock hands it over (see mmc_set_timeout); in atomic context it logs
 * the sleeping-in-atomic BUG and, contended, fails with -EAGAIN.
 * mutex_trylock never waits: *locked is 1 when it took the mutex, else 0.
 * Unlocking a mutex the caller does not hold is -EPERM (another holds
 * it) or -EINVAL (nobody does), with DEBUG_MUTEXES' warning in dmesg.
 */
int mmc_mutex_init(struct mmc *c, const char *name);
int mmc_mutex_destroy(struct mmc *c, const char *name);
int mmc_mutex_lock(struct mmc *c, const char *name);
int mmc_mutex_trylock(struct mmc *c, const char *name, uint64_t *locked);
int mmc_mutex_unlock(struct mmc *c, const char *name);

/*
 * Media memory zones; zone NULL or "" means any region. mmz_alloc may
 * wait for room (mmc_set_timeout).
 */
int mmc_mmz_alloc(struct mmc *c, const char *zone, const char *name,
		  uint64_t size, uint64_t align, uint64_t *phys);
int mmc_mmz_free(struct mmc *c, uint64_t phys);
int mmc_mmz_find(struct mmc *c, const char *name, uint64_t *phys,
		 uint64_t *size);

/*
 * Bytes at kernel virtual addresses the session owns (direct map,
 * vmalloc area, kmap slots), or at physical addresses of its MMZ blocks.
 * len is at most mmc_info()->max_frame_bytes - 64.
 */
int mmc_read(struct mmc *c, uint64_t addr, void *buf, size_t len);
int mmc_write(struct mmc *c, uint64_t addr, const void *buf, size_t len);
int mmc_read_phys(struct mmc *c, uint64_t phys, void *buf, size_t len);
int mmc_write_phys(struct mmc *c, uint64_t phys, const void *buf, size_t len);

/*
 * Processes and address spaces. pid 0 is the session's own process;
 * another pid must be one the session forked. prot, flags and signals
 * are Linux's (<sys/mman.h>, <signal.h>). A user access that the kernel
 * would answer with a signal returns -EFAULT and, when fault is not
 * NULL, fills it; it is zeroed otherwise.
 */
struct mmc_fault {
	int signo;     /* SIGSEGV or SIGBUS; 0 when none */
	int code;      /* SEGV_MAPERR, SEGV_ACCERR or BUS_ADRERR */
	uint64_t addr; /* the first address that faulted */
};

int mmc_mmap(struct mmc *c, int pid, uint64_t addr, uint64_t len, int prot,
	     int flags, uint64_t *mapped);
int mmc_munmap(struct mmc *c, int pid, uint64_t addr, uint64_t len);
int mmc_mprotect(struct mmc *c, int pid, uint64_t addr, uint64_t len, int prot);
int mmc_mremap(struct mmc *c, int pid, uint64_t old_addr, uint64_t old_len,
	       uint64_t new_len, int flags, uint64_t new_addr,
	       uint64_t *result);
/*
 * brk 0 asks for the current break; *cur is the break afterwards, on
 * failure too (the old break, as Linux's raw syscall returns it).
 */
int mmc_brk(struct mmc *c, int pid, uint64_t brk, uint64_t *cur);
int mmc_read_vm(struct mmc *c, int pid, uint64_t addr, void *buf, size_t len,
		struct mmc_fault *fault);
int mmc_write_vm(struct mmc *c, int pid, uint64_t addr, const void *buf,
		 size_t len, struct mmc_fault *fault);
/* An instruction fetch of len bytes: faults as execution would. */
int mmc_exec_vm(struct mmc *c, int pid, uint64_t addr, size_t len,
		struct mmc_fault *fault);
/* A child with a copy-on-write copy of pid's address space. */
int mmc_fork(struct mmc *c, int pid, int *child);
/* Exit a process the session forked (the session's own exits at close). */
int mmc_exit_process(struct mmc *c, int pid);
/*
 * madvise(2) in process pid, Linux's values as <sys/mman.h> has them:
 * DONTNEED, DONTNEED_LOCKED, FREE (lazily freed, dropped by reclaim
 * while clean), COLD, PAGEOUT (shared memory's clean pages dropped, its
 * dirty ones kept when there is no swap), REMOVE (shared memory),
 * POPULATE_READ and POPULATE_WRITE, the VMA flags (NORMAL, RANDOM,
 * SEQUENTIAL, DONTFORK, DOFORK, WIPEONFORK, KEEPONFORK, DONTDUMP,
 * DODUMP, HUGEPAGE, NOHUGEPAGE), and GUARD_INSTALL (102: the range's pages
 * dropped, any access to it SIGSEGV, the VMA not split) and GUARD_REMOVE (103);
 * WILLNEED, MERGEABLE, UNMERGEABLE change nothing. Errors as Linux's:
 * -EINVAL for unknown advice or one the range refuses (a locked range
 * for FREE, COLD, PAGEOUT, GUARD_INSTALL), -ENOMEM for a hole.
 */
int mmc_madvise(struct mmc *c, int pid, uint64_t addr, uint64_t len,
		int advice);
/*
 * mincore(2) in process pid: vec gets a byte per page of [addr, +len),
 * len rounded up to pages, 1 when the page is resident (mapped, a THP's
 * pages too; not out on swap). -ENOMEM when a page lies in no mapping
 * (vec filled up to the piece that has it), -EINVAL when addr is not
 * page aligned. A vector of any length: one longer than a frame holds
 * is asked for in frame-sized pieces.
 */
int mmc_mincore(struct mmc *c, int pid, uint64_t addr, uint64_t len,
		unsigned char *vec);
/*
 * mlock(2), mlock2(2) (flags 0 or MLOCK_ONFAULT), munlock(2),
 * mlockall(2) (MCL_CURRENT, MCL_FUTURE, MCL_ONFAULT) and munlockall(2)
 * in process pid, Linux's values and errors: the locked pages leave
 * reclaim for the unevictable list (meminfo's Unevictable and Mlocked,
 * status's VmLck). The layout's limits.memlock is RLIMIT_MEMLOCK: past
 * it mlock is -ENOMEM (MAP_LOCKED and MCL_FUTURE mappings -EAGAIN), and
 * with it 0 every lock is -EPERM. A hole in the range is -ENOMEM.
 */
/*
 * /proc/PID/pagemap of process pid: count entries from addr's page into
 * entries, each a u64 as pagemap.rst lays it out (little-endian on the
 * wire, host order here), *nr how many came (fewer at the end of user
 * space). -EINVAL for count 0 or more than a reply holds
 * ((max_frame_bytes - 64) / 8).
 */
#define MMC_PM_PFRAME_MASK    ((1ULL << 55) - 1) /* the PFN, if present */
#define MMC_PM_SOFT_DIRTY     (1ULL << 55)
#define MMC_PM_MMAP_EXCLUSIVE (1ULL << 56)
#define MMC_PM_GUARD_REGION   (1ULL << 58) /* MADV_GUARD_INSTALL's, with SWAP */
#define MMC_PM_FILE	      (1ULL << 61) /* file page or shared memory */
#define MMC_PM_SWAP	      (1ULL << 62) /* type bits 0-4, offset 5-54 */
#define MMC_PM_PRESENT	      (1ULL << 63)
int mmc_pagemap(struct mmc *c, int pid, uint64_t addr, size_t count,
		uint64_t *entries, size_t *nr);
int mmc_mlock(struct mmc *c, int pid, uint64_t addr, uint64_t len);
int mmc_mlock2(struct mmc *c, int pid, uint64_t addr, uint64_t len, int flags);
int mmc_munlock(struct mmc *c, int pid, uint64_t addr, uint64_t len);
int mmc_mlockall(struct mmc *c, int pid, int flags);
int mmc_munlockall(struct mmc *c, int pid);

/*
 * The process's own malloc, run inside the machine over its brk and
 * mmap (pid as above). Pointers are user addresses of that process; the
 * bytes are read and written with mmc_read_vm and mmc_write_vm. A
 * pointer malloc did not give, a double free or a realloc of a freed
 * block fails with -EINVAL and glibc's words in mmc_errmsg().
 */
#define MMC_M_TRIM_THRESHOLD (-1) /* mallopt parameters, glibc's values */
#define MMC_M_MMAP_THRESHOLD (-3)

int mmc_malloc(struct mmc *c, int pid, size_t size, uint64_t *addr);
int mmc_free(struct mmc *c, int pid, uint64_t addr);
int mmc_calloc(struct mmc *c, int pid, size_t n, size_t size, uint64_t *addr);
/* realloc(0, size) is malloc; realloc(p, 0) frees p and gives 0. */
int mmc_realloc(struct mmc *c, int pid, uint64_t addr, size_t size,
		uint64_t *new_addr);
int mmc_posix_memalign(struct mmc *c, int pid, uint64_t *addr, size_t align,
		       size_t size);
int mmc_mallopt(struct mmc *c, int pid, int param, int value);
/* Give the heap's free top back through brk, keeping pad bytes. */
int mmc_malloc_trim(struct mmc *c, int pid, size_t pad, size_t *released);
int mmc_malloc_usable_size(struct mmc *c, int pid, uint64_t addr, size_t *size);

/* mallinfo2(3): the state of pid's malloc, in bytes and chunks. */
struct mmc_mallinfo {
	uint64_t arena;	   /* the heap: brk less its start */
	uint64_t ordblks;  /* free chunks, the top one included */
	uint64_t hblks;	   /* chunks with a mapping of their own */
	uint64_t hblkhd;   /* bytes of those mappings */
	uint64_t usmblks;  /* the peak of arena + hblkhd */
	uint64_t uordblks; /* bytes in use in the heap */
	uint64_t fordblks; /* bytes free in the heap */
	uint64_t keepcost; /* the top chunk, which trimming gives back */
};

int mmc_mallinfo(struct mmc *c, int pid, struct mmc_mallinfo *mi);

/*
 * Files (docs/files.md): the machine's filesystem, one directory (the
 * root), and each process's descriptor table. Linux's syscalls with
 * Linux's flag values (<fcntl.h>: O_RDONLY, O_WRONLY, O_RDWR, O_CREAT,
 * O_EXCL, O_TRUNC, O_APPEND, O_DIRECT, O_DIRECTORY; SEEK_*;
 * POSIX_FADV_*) and Linux's errno for each bad input: -EBADF for a
 * descriptor pid has not open (another process's numbers mean nothing
 * to it), -EBADF for a read of a write-only descriptor and the reverse,
 * -EINVAL for a negative offset, -ENOENT, -EEXIST, -EISDIR, -ENOTDIR,
 * -ENAMETOOLONG for names, -EMFILE past the layout's limits.nofile,
 * -ENOSPC when the device is full. A read gives at most what a reply
 * holds (max_frame_bytes - 64): *done says how many bytes came.
 */
int mmc_open(struct mmc *c, int pid, const char *path, int flags,
	     unsigned int mode, int *fd);
/* creat(2): open with O_CREAT | O_WRONLY | O_TRUNC. */
int mmc_creat(struct mmc *c, int pid, const char *path, unsigned int mode,
	      int *fd);
int mmc_sys_close(struct mmc *c, int pid, int fd);
int mmc_sys_read(struct mmc *c, int pid, int fd, void *buf, size_t count,
		 size_t *done);
int mmc_pread64(struct mmc *c, int pid, int fd, void *buf, size_t count,
		int64_t offset, size_t *done);
int mmc_sys_write(struct mmc *c, int pid, int fd, const void *buf, size_t count,
		  size_t *done);
int mmc_pwrite64(struct mmc *c, int pid, int fd, const void *buf, size_t count,
		 int64_t offset, size_t *done);
int mmc_lseek(struct mmc *c, int pid, int fd, int64_t offset, int whence,
	      uint64_t *pos);
int mmc_ftruncate(struct mmc *c, int pid, int fd, int64_t length);
int mmc_fsync(struct mmc *c, int pid, int fd);
int mmc_fdatasync(struct mmc *c, int pid, int fd);
/* sync(2), made by process pid (0: the session's own): every file's
 * dirty pages, then the filesystem's metadata blocks (Buffers). */
int mmc_sync(struct mmc *c, int pid);
int mmc_unlink(struct mmc *c, int pid, const char *path);

/* stat(2)'s fields; times in the machine's simulated nanoseconds. */
struct mmc_stat {
	uint64_t dev;
	uint64_t ino;
	uint32_t mode;
	uint32_t nlink;
	uint32_t uid;
	uint32_t gid;
	uint64_t size;
	uint32_t blksize;
	uint64_t blocks; /* 512-byte units */
	int64_t atime_ns, mtime_ns, ctime_ns;
};

int mmc_stat(struct mmc *c, int pid, const char *path, struct mmc_stat *st);
int mmc_fstat(struct mmc *c, int pid, int fd, struct mmc_stat *st);
/* posix_fadvise(2) as the fadvise64 syscall: -errno, not errno. */
int mmc_fadvise64(struct mmc *c, int pid, int fd, int64_t offset, int64_t len,
		  int advice);
int mmc_readahead(struct mmc *c, int pid, int fd, int64_t offset, size_t count);
/*
 * mmap(2) of a descriptor, as x86's sys_mmap: fd and the byte offset
 * (page aligned, else -EINVAL) of the file; MAP_ANONYMOUS ignores both.
 * MAP_SHARED writes reach the file's page cache (and the device at
 * writeback or msync); MAP_PRIVATE copies a page on its first write.
 * -EBADF, -EACCES (mode), -ENODEV (a directory), -EOVERFLOW; an access
 * past the file's end is SIGBUS (-EFAULT with the fault's signal).
 */
int mmc_sys_mmap(struct mmc *c, int pid, uint64_t addr, uint64_t len, int prot,
		 int flags, int fd, int64_t offset, uint64_t *mapped);
/*
 * ioctl(2): arg's len bytes go in and come back as the call left them
 * (at most 4096). -ENOTTY for a file without ioctls. /dev/mmz_userdev
 * (on machines with media memory) has two, allocating and freeing MMZ
 * blocks; mmap of it at a block's physical address (MAP_SHARED) maps
 * the block's frames.
 */
int mmc_ioctl(struct mmc *c, int pid, int fd, unsigned int cmd, void *arg,
	      size_t len);

/* /dev/mmz_userdev's ioctls: _IOWR('m', 10, 96 bytes), _IOW('m', 12, 8). */
#define MMC_IOC_MMB_ALLOC 0xC0606D0Au
#define MMC_IOC_MMB_FREE  0x40086D0Cu

/*
 * MMC_IOC_MMB_ALLOC's argument: size and align in bytes (align 0: a
 * page), the region's name ("": the first with room), the block's name;
 * gfp is the vendor driver's and unused. phys comes back.
 */
struct mmc_mmb_alloc {
	uint64_t size;
	uint64_t align;
	uint64_t phys;
	uint32_t gfp;
	uint32_t reserved;
	char mmz_name[32];
	char mmb_name[32];
};
_Static_assert(sizeof(struct mmc_mmb_alloc) == 96,
	       "MMC_IOC_MMB_ALLOC's argument is 96 bytes");

/* msync(2): MS_ASYNC 1, MS_INVALIDATE 2, MS_SYNC 4 (writes the range). */
int mmc_msync(struct mmc *c, int pid, uint64_t addr, uint64_t len, int flags);
/*
 * sysctl -w: vm.dirty_background_ratio, vm.dirty_ratio,
 * vm.dirty_expire_centisecs, vm.dirty_writeback_centisecs,
 * vm.swappiness, vm.extfrag_threshold, vm.compaction_proactiveness,
 * vm.watermark_boost_factor, and debugfs's debug.fault_around_bytes
 * (admin; -ENOENT for another name, -EINVAL out of bounds).
 * MMC_REPORT_SYSCTL lists the vm ones.
 */
int mmc_admin_sysctl(struct mmc *c, const char *name, int64_t value);

/*
 * NUMA memory policies' modes (MPOL_*), mode flags (MPOL_F_STATIC_NODES,
 * MPOL_F_RELATIVE_NODES, MPOL_F_NUMA_BALANCING), get_mempolicy's flags
 * (MPOL_F_NODE, MPOL_F_ADDR, MPOL_F_MEMS_ALLOWED) and mbind's
 * (MPOL_MF_*), with Linux's uapi values (they cross the wire
 * unchanged). Each is skipped when defined already, so <numaif.h> may
 * come first (after this header it would redefine them); the machine's
 * own core/mempolicy.h spells them alike, so either order compiles.
 * <linux/mempolicy.h> declares the modes as an enum: include it before
 * this header, or not with it.
 */
#ifndef MPOL_DEFAULT
#define MPOL_DEFAULT 0
#endif
#ifndef MPOL_PREFERRED
#define MPOL_PREFERRED 1
#endif
#ifndef MPOL_BIND
#define MPOL_BIND 2
#endif
#ifndef MPOL_INTERLEAVE
#define MPOL_INTERLEAVE 3
#endif
#ifndef MPOL_LOCAL
#define MPOL_LOCAL 4
#endif
#ifndef MPOL_PREFERRED_MANY
#define MPOL_PREFERRED_MANY 5
#endif
#ifndef MPOL_WEIGHTED_INTERLEAVE
#define MPOL_WEIGHTED_INTERLEAVE 6
#endif
#ifndef MPOL_F_STATIC_NODES
#define MPOL_F_STATIC_NODES (1 << 15)
#endif
#ifndef MPOL_F_RELATIVE_NODES
#define MPOL_F_RELATIVE_NODES (1 << 14)
#endif
#ifndef MPOL_F_NUMA_BALANCING
#define MPOL_F_NUMA_BALANCING (1 << 13)
#endif
#ifndef MPOL_F_NODE
#define MPOL_F_NODE (1 << 0)
#endif
#ifndef MPOL_F_ADDR
#define MPOL_F_ADDR (1 << 1)
#endif
#ifndef MPOL_F_MEMS_ALLOWED
#define MPOL_F_MEMS_ALLOWED (1 << 2)
#endif
#ifndef MPOL_MF_STRICT
#define MPOL_MF_STRICT (1 << 0)
#endif
#ifndef MPOL_MF_MOVE
#define MPOL_MF_MOVE (1 << 1)
#endif
#ifndef MPOL_MF_MOVE_ALL
#define MPOL_MF_MOVE_ALL (1 << 2)
#endif

/*
 * NUMA memory policies, as the system calls of <numaif.h> with their
 * errno (mm's docs/vm.md lists them): a mode or'ed with mode flags. A
 * nodemask holds maxnode - 1 bits, as the kernel reads it. pid 0 is
 * this session's process, else one it forked. MPOL_MF_MOVE_ALL is for
 * admins only (-EPERM).
 * mmc_migrate_pages gives the pages it could not move in *left;
 * mmc_move_pages each page's node (or -errno) in status, moving the
 * pages first unless nodes is NULL; at most 1024 pages a call; as
 * move_pages(2), it returns the folios not moved plus the pages after
 * them when some did not move (a THP split to move counts), leaving
 * those pages' status as it was.
 */
int mmc_set_mempolicy(struct mmc *c, int pid, int mode,
		      const unsigned long *nodemask, unsigned long maxnode);
int mmc_get_mempolicy(struct mmc *c, int pid, int *mode,
		      unsigned long *nodemask, unsigned long maxnode,
		      uint64_t addr, unsigned long flags);
int mmc_mbind(struct mmc *c, int pid, uint64_t addr, uint64_t len, int mode,
	      const unsigned long *nodemask, unsigned long maxnode,
	      unsigned int flags);
int mmc_migrate_pages(struct mmc *c, int pid, unsigned long maxnode,
		      const unsigned long *old_nodes,
		      const unsigned long *new_nodes, unsigned long *left);
int mmc_move_pages(struct mmc *c, int pid, unsigned long count,
		   const uint64_t *pages, const int *nodes, int *status,
		   int flags);
/* alloc_pages_node: node nid first (-1: the caller's), then by distance. */
int mmc_alloc_pages_node(struct mmc *c, int nid, gfp_t gfp, unsigned int order,
			 unsigned long *pfn);
/*
 * kmem_cache_alloc_node, kmalloc_node, vmalloc_node, vzalloc_node: from
 * node nid's slabs or pages first (-1, NUMA_NO_NODE: the caller's
 * node), then other nodes by distance unless gfp has __GFP_THISNODE; a
 * node not online is -EINVAL. They may wait as kmem_cache_alloc,
 * kmalloc and vmalloc do; objects and areas are freed as theirs are.
 */
int mmc_kmem_cache_alloc_node(struct mmc *c, uint64_t cache, gfp_t gfp, int nid,
			      uint64_t *addr);
int mmc_kmalloc_node(struct mmc *c, size_t size, gfp_t gfp, int nid,
		     uint64_t *addr);
int mmc_vmalloc_node(struct mmc *c, unsigned long size, int nid,
		     uint64_t *addr);
int mmc_vzalloc_node(struct mmc *c, unsigned long size, int nid,
		     uint64_t *addr);
/* Admin: /sys/kernel/mm/mempolicy/weighted_interleave/nodeN (1-255). */
int mmc_admin_weighted_interleave(struct mmc *c, unsigned int node,
				  unsigned int weight);

/*
 * CMA: count pages of the layout's area name, aligned to 2^align pages,
 * as cma_alloc (*pfn the first; charged to the caller, given back at
 * its exit); cma_release gives exactly one such allocation back (an
 * admin may release any process's). alloc_contig_range (admin) takes
 * the frames [start_pfn, end_pfn) of one zone, migrating what is
 * there; free_contig_range gives such a range back. -ENOENT no such
 * area, -EINVAL a bad count, align, range or release, -ENOMEM no room,
 * -EBUSY a page would not move.
 */
int mmc_cma_alloc(struct mmc *c, const char *name, unsigned long count,
		  unsigned int align, unsigned long *pfn);
int mmc_cma_release(struct mmc *c, const char *name, unsigned long pfn,
		    unsigned long count);
int mmc_alloc_contig_range(struct mmc *c, unsigned long start_pfn,
			   unsigned long end_pfn);
int mmc_free_contig_range(struct mmc *c, unsigned long start_pfn,
			  unsigned long end_pfn);

/* /proc-style reports; the values are mm.proto's ReportKind. */
enum mmc_report {
	MMC_REPORT_MEMINFO = 1,
	MMC_REPORT_BUDDYINFO = 2,
	MMC_REPORT_ZONEINFO = 3,
	MMC_REPORT_VMSTAT = 4,
	MMC_REPORT_SLABINFO = 5,
	MMC_REPORT_VMALLOCINFO = 6,
	MMC_REPORT_MEDIA_MEM = 7,
	MMC_REPORT_DMESG = 8,
	MMC_REPORT_STATUS = 9,	      /* one task's status lines */
	MMC_REPORT_PS = 10,	      /* one line per process */
	MMC_REPORT_FRAMES = 11,	      /* the map of physical memory */
	MMC_REPORT_MAPS = 12,	      /* /proc/PID/maps */
	MMC_REPORT_PAGEWALK = 13,     /* the walk to an address */
	MMC_REPORT_TRANSLATE = 14,    /* selector:offset, i386 */
	MMC_REPORT_MALLOC_STATS = 15, /* glibc's malloc_stats() */
	MMC_REPORT_PAGETYPEINFO = 16, /* /proc/pagetypeinfo */
	/* /sys/kernel/debug/extfrag/extfrag_index and unusable_index */
	MMC_REPORT_EXTFRAG_INDEX = 24,
	MMC_REPORT_UNUSABLE_INDEX = 30,
	/* each pageblock: migrate type; free, movable, unmovable pages */
	MMC_REPORT_PAGEBLOCKS = 31,
	MMC_REPORT_LDT = 25,	     /* a process's LDT, entry by entry */
	MMC_REPORT_SEGREGS = 26,     /* a process's segment registers */
	MMC_REPORT_VM_LAYOUT = 27,   /* the kernel's virtual memory map */
	MMC_REPORT_DUMP_PAGE = 28,   /* dump_page() of a pfn (mmc_report_at) */
	MMC_REPORT_PAGE_OWNER = 29,  /* /sys/kernel/debug/page_owner */
	MMC_REPORT_PREEMPT = 20,     /* each CPU's preempt_count */
	MMC_REPORT_PERCPU = 21,	     /* each CPU's per-CPU variables */
	MMC_REPORT_GFP_CONTEXT = 22, /* GFP flags each context may use */
	MMC_REPORT_FILES = 33,	     /* every file and its cached pages */
	MMC_REPORT_SYSCTL = 34,	     /* the vm.* sysctls */
	MMC_REPORT_PAGE_OWNERS = 42, /* who holds a frame (mmc_page_owners) */
	MMC_REPORT_MUTEXES = 23,     /* every mutex, holder and waiters */
	/* /sys/kernel/mm/transparent_hugepage/: enabled, defrag, ... */
	MMC_REPORT_TRANSPARENT_HUGEPAGE = 47,
	MMC_REPORT_NUMA_MAPS = 48, /* /proc/PID/numa_maps */
	MMC_REPORT_NUMASTAT = 49,  /* numastat: each node's NUMA events */
	/* /sys/devices/system/node/nodeN/meminfo (mmc_report_at, addr N) */
	MMC_REPORT_NODE_MEMINFO = 50,
	MMC_REPORT_NODE_VMSTAT = 53, /* nodeN/vmstat; addr: N */
	/* numastat -p PID: a process's MB per node (mmc_report_pid) */
	MMC_REPORT_NUMASTAT_PROCESS = 55,
	MMC_REPORT_CMA = 51,	      /* /sys/kernel/mm/cma/: each CMA area */
	MMC_REPORT_SMAPS = 39,	      /* /proc/PID/smaps (mmc_report_pid) */
	MMC_REPORT_SMAPS_ROLLUP = 40, /* /proc/PID/smaps_rollup */
};

/*
 * The report's text in *text, to be freed with free(). A report longer
 * than a reply frame comes in parts, each asked for in turn (in a
 * pipeline: when it ends); the text is all of them.
 */
int mmc_report(struct mmc *c, enum mmc_report kind, char **text);
/* MMC_REPORT_STATUS of pid (0: this session; another's is admin only). */
int mmc_report_pid(struct mmc *c, enum mmc_report kind, int pid, char **text);
/* PAGEWALK of addr, or TRANSLATE of selector:addr, in process pid. */
int mmc_report_at(struct mmc *c, enum mmc_report kind, int pid,
		  unsigned int selector, uint64_t addr, char **text);
/*
 * Who holds the frame pfn now, one line per owner (the reverse map of
 * a user page: "anon pid P addr 0xA" for each mapping; "slab cache NAME
 * objects F-L of N ...", "vmalloc 0xSTART pages=N page I CALLER pid P",
 * "pagetable pid P pgd", "file ino I index X", "mmz NAME ...", "kernel pid
 * P", "reserved"). -EINVAL past RAM or in a hole, -ENOENT for a free
 * frame. *text is to be freed with free().
 */
int mmc_page_owners(struct mmc *c, unsigned long pfn, char **text);

/*
 * struct page, visible. mmc_kpageflags reads /proc/kpageflags: count
 * entries from pfn, each the KPF_* bits of include/uapi/linux/
 * kernel-page-flags.h as a little-endian u64, as the file holds them;
 * mmc_kpagecount reads /proc/kpagecount (the times each page is
 * mapped). *nr gets how many came: fewer when the range passes the end
 * of RAM, as the kernel cuts a read there. -EINVAL for a pfn at or past
 * the end of RAM, count 0, or more than a reply holds
 * ((max_frame_bytes - 64) / 8 entries). flags and counts hold count
 * entries.
 */
int mmc_kpageflags(struct mmc *c, uint64_t pfn, size_t count, uint64_t *flags,
		   size_t *nr);
int mmc_kpagecount(struct mmc *c, uint64_t pfn, size_t count, uint64_t *counts,
		   size_t *nr);
/*
 * The map of physical memory, for a picture sized to a screen: nr_pages
 * frames from start_pfn in at most cells cells (1 .. MMC_FRAME_CELLS_MAX)
 * of ceil(nr_pages / cells) frames each; map gets a byte per cell and
 * *nr how many came. A byte's low four bits are the state most of the
 * cell's frames are in (enum mmc_frame_state); for free memory its high
 * four are the largest free order in the cell. A cell of more than 64
 * frames is judged by 64 of them, evenly spaced. -EINVAL: a range
 * outside RAM, nr_pages 0, cells 0 or too many.
 */
enum mmc_frame_state {
	MMC_FRAME_HOLE,
	MMC_FRAME_RESERVED,
	MMC_FRAME_MMZ,
	MMC_FRAME_FREE,
	MMC_FRAME_PCP,
	MMC_FRAME_SLAB,
	MMC_FRAME_PAGETABLE,
	MMC_FRAME_USER,
	MMC_FRAME_KERNEL,
};
#define MMC_FRAME_CELLS_MAX 16384
int mmc_frame_cells(struct mmc *c, uint64_t start_pfn, uint64_t nr_pages,
		    size_t cells, uint8_t *map, size_t *nr);
/*
 * The same map by pageblock, for colouring memory by migrate type
 * (get_pageblock_migratetype): a byte's low four bits are the
 * enum mmc_migratetype most of the cell's pageblocks have
 * (MMC_PAGEBLOCK_HOLE when it covers only holes), and
 * MMC_PAGEBLOCK_START is set when a pageblock begins inside the cell.
 * A cell of more than 64 pageblocks is judged by 64 of them. The
 * pageblock size is /proc/pagetypeinfo's "Pages per block". Errors as
 * mmc_frame_cells.
 */
enum mmc_migratetype {
	MMC_MIGRATE_UNMOVABLE,
	MMC_MIGRATE_MOVABLE,
	MMC_MIGRATE_RECLAIMABLE,
	MMC_MIGRATE_HIGHATOMIC,
	MMC_MIGRATE_CMA,
	MMC_MIGRATE_ISOLATE,
};
#define MMC_PAGEBLOCK_HOLE  0x0f
#define MMC_PAGEBLOCK_START 0x10
int mmc_pageblock_cells(struct mmc *c, uint64_t start_pfn, uint64_t nr_pages,
			size_t cells, uint8_t *map, size_t *nr);
/*
 * SLUB's attributes of the slab cache called cache (/sys/kernel/slab/
 * <cache>/): "name: value" lines, each value as the sysfs file reads
 * (partial, cpu_slabs, objects_partial, order, objs_per_slab, slabs,
 * ...). A kernel cache, or one of a process of this uid; -ENOENT else.
 * *text is to be freed with free().
 */
int mmc_slab_sysfs(struct mmc *c, const char *cache, char **text);
/*
 * TRANSLATE at cpl (0-3; more is -EINVAL): of selector:offset, or, when
 * sreg names a segment register ("ds", "es", "fs", "gs", "ss", "cs"),
 * of sreg:offset through what that register cached at its last load.
 */
int mmc_translate(struct mmc *c, int pid, const char *sreg,
		  unsigned int selector, uint32_t offset, unsigned int cpl,
		  char **text);

/*
 * Segmentation. modify_ldt(2) in process pid, Linux's funcs (0 read, 1
 * write old mode, 2 read default, 0x11 write), with ptr an address in
 * the process and *ret what the syscall returns (bytes read, 0 for a
 * write); -ENOSYS, -EINVAL and -EFAULT as Linux's.
 */
int mmc_modify_ldt(struct mmc *c, int pid, int func, uint64_t ptr,
		   uint64_t bytecount, size_t *ret);
/* The segment registers, as MOV's sreg field numbers them. */
enum mmc_sreg {
	MMC_SREG_ES,
	MMC_SREG_CS,
	MMC_SREG_SS,
	MMC_SREG_DS,
	MMC_SREG_FS,
	MMC_SREG_GS,
};
/*
 * MOV sreg, selector at CPL 3 in pid (i386): 0, or -EFAULT with the
 * CPU's exception in mmc_errmsg() (#GP, #NP, #SS and the error code)
 * and the register as it was; -EINVAL for CS or a selector past 16 bits.
 */
int mmc_load_segment(struct mmc *c, int pid, unsigned int sreg,
		     unsigned int selector);

/*
 * A report as data: the values its text is printed from, as mm.proto's
 * ReportData message, packed, in *buf (*len bytes; free() it). Unpack
 * it with the code protoc (or protoc-c: mm__report_data__unpack) makes
 * from the mm.proto libmmclient-dev installs; ReportData's field of the
 * kind's number holds the report (meminfo = 1 ...). pid: as
 * mmc_report_pid. A kind that has no structured form yet is
 * -EOPNOTSUPP (so is every kind, from an mmd older than this call); a report
 * larger than a reply frame -EMSGSIZE (read its text, which comes in parts).
 * Works in a pipeline (*buf is set when it ends).
 */
int mmc_report_data(struct mmc *c, enum mmc_report kind, int pid, void **buf,
		    size_t *len);
/*
 * mmc_report_data of a kind that is about something other than a
 * process: MMC_REPORT_NODE_MEMINFO's node is addr (-EINVAL past the
 * last node), MMC_REPORT_PAGEWALK's address is addr; the others ignore
 * addr.
 */
int mmc_report_data_at(struct mmc *c, enum mmc_report kind, int pid,
		       uint64_t addr, void **buf, size_t *len);
/*
 * mmc_translate's data: ReportData's translate (mm.proto's
 * SegTranslation, field 14): each step done with its values, and the
 * fault that ended it (a fault is data, not an error); errors as
 * mmc_translate's.
 */
int mmc_translate_data(struct mmc *c, int pid, const char *sreg,
		       unsigned int selector, uint32_t offset, unsigned int cpl,
		       void **buf, size_t *len);

/*
 * One part of a report, for a client that reads it piece by piece: the
 * text from byte offset on, as much as a reply holds, and in *more the
 * bytes after it. An offset past the report's end is -EINVAL; so is a
 * call inside a pipeline.
 */
int mmc_report_part(struct mmc *c, enum mmc_report kind, int pid,
		    uint64_t offset, char **text, uint64_t *more);

/* Admin requests: uid 0 or the layout's admin group, else -EPERM. */
struct mmc_check {
	unsigned long free_pages; /* in the buddy lists */
	unsigned int nr_tasks;
	unsigned long exits;	      /* sessions that have exited */
	unsigned long leaked_blocks;  /* page blocks freed at exit */
	unsigned long leaked_objects; /* other objects freed at exit */
};

struct mmc_session {
	int pid;
	char comm[16];
	unsigned int cpu;
	unsigned int uid, gid;
	int host_pid;
	unsigned long nr_pages, nr_objects, requests;
};

/* 0, or -EUCLEAN with the first inconsistency in mmc_errmsg(). */
int mmc_admin_check(struct mmc *c, struct mmc_check *check);
/* Drain per-CPU lists and shrink slab caches; free pages afterwards. */
int mmc_admin_drop_caches(struct mmc *c, unsigned long *free_pages);
/*
 * echo MODE > drop_caches: 1 the clean page cache, 2 the slab caches,
 * 3 both (what mmc_admin_drop_caches does), 4 nothing; -EINVAL above 4.
 */
int mmc_admin_drop_caches_mode(struct mmc *c, unsigned int mode,
			       unsigned long *free_pages);
/* Every session; *list is to be freed with free(). */
int mmc_admin_sessions(struct mmc *c, struct mmc_session **list, size_t *n);
int mmc_admin_shutdown(struct mmc *c);
/*
 * Compact every zone, as a write to /proc/sys/vm/compact_memory: movable
 * pages migrate so that free memory comes together in large blocks.
 */
int mmc_admin_compact_memory(struct mmc *c);
/*
 * Set /sys/kernel/mm/transparent_hugepage/enabled ("always", "madvise",
 * "never") and defrag ("always", "defer", "defer+madvise", "madvise",
 * "never"); NULL leaves one as it is. -EINVAL for another name.
 */
int mmc_admin_transparent_hugepage(struct mmc *c, const char *enabled,
				   const char *defrag);
/*
 * khugepaged: set pages_to_scan (0 leaves it) and max_ptes_none (-1
 * leaves it; 0 to HPAGE_PMD_NR - 1, else -EINVAL); with scan, run one
 * pass now and get the huge pages it collapsed in *collapsed.
 */
int mmc_admin_khugepaged(struct mmc *c, unsigned int pages_to_scan,
			 int max_ptes_none, bool scan,
			 unsigned long *collapsed);

/* Pipelining (see the top of this file). */
int mmc_pipeline_begin(struct mmc *c);
/*
 * Send what is queued and collect every reply. Returns the number of
 * requests in the pipeline, or a negative errno if the connection
 * failed; statuses[i] (for i < n) receives the i-th request's status.
 */
int mmc_pipeline_end(struct mmc *c, int *statuses, size_t n);

/* Events (see the top of this file). */
enum mmc_event_kind {
	MMC_EVENT_OOM_KILLED = 1,
	MMC_EVENT_SHUTTING_DOWN = 2,
};

struct mmc_event {
	enum mmc_event_kind kind;
	int pid;	     /* OOM: the killed pid */
	const char *message; /* valid during the handler only */
};

typedef void (*mmc_event_fn)(struct mmc *c, const struct mmc_event *ev,
			     void *data);

void mmc_set_event_handler(struct mmc *c, mmc_event_fn fn, void *data);
/* The socket, to poll for reading while idle. */
int mmc_fd(const struct mmc *c);
/*
 * Read what has arrived without blocking and deliver its events. Returns
 * the number of events delivered, or the connection's error once the
 * daemon has closed it.
 */
int mmc_process_events(struct mmc *c);

#ifdef __cplusplus
}
#endif

#endif /* MMCLIENT_H */
