/* SPDX-License-Identifier: MIT */
/*
 * vmalloc.h - vmalloc, vmap and ioremap over the layout's vmalloc area.
 *
 * Owns: the vmap areas of [layout.kernel.vmalloc_start, + vmalloc_size),
 * each followed by one unmapped guard page (counted in the area's size,
 * as Linux's vm_struct counts it), their entries in the kernel page
 * table (init_mm's pgd, pgtable.h), and vmap's references on the blocks
 * it maps.
 * Each area records its owner, m->current_pid.
 * Must never: map a page outside an area, hand out a guard page, or
 * change anything on a call it refuses.
 *
 * Errors: size 0, a size that could never fit, a bad pfn, an address no
 * call returned (random, inside an area, already freed) or an area of the
 * wrong kind: -EINVAL (size larger than the whole vmalloc area or than
 * RAM: -ENOMEM, as Linux's vmalloc fails then). Another pid's area:
 * -EPERM. No free range or no memory: -ENOMEM. vfree(0) and vunmap(0)
 * do nothing and return 0, as Linux's do.
 *
 * ioremap maps device pages (layout.devices[], no RAM and no struct page
 * behind them): the PTEs hold the device's physical address with PCD.
 * The byte-access layer must make reads of ioremapped memory return 0xff
 * (no device answers: a master abort reads all ones) and drop writes.
 */
#ifndef MM_VMALLOC_H
#define MM_VMALLOC_H

#include <stddef.h>

#include "core/machine.h"
#include "core/seq_buf.h"
#include "core/snapshot.h"

/* Kinds of area, with Linux's vm_struct flag values. */
enum vm_kind {
	VM_IOREMAP = 0x1,
	VM_ALLOC = 0x2,
	VM_MAP = 0x4,
};

int vmalloc_init(struct machine *m);
/* Tears down what init built; must cope with init having failed midway. */
void vmalloc_exit(struct machine *m);
int vmalloc_check(const struct machine *m, char *why, size_t len);
/* Free everything pid still owns; returns how many objects that was. */
unsigned long vmalloc_release(struct machine *m, int pid);

/* Virtually contiguous pages (GFP_KERNEL | __GFP_HIGHMEM, order 0). */
int vmalloc(struct machine *m, unsigned long size, uint64_t *addr);
int vzalloc(struct machine *m, unsigned long size, uint64_t *addr);
/*
 * vmalloc with its pages from node first (NUMA_NO_NODE: by the task's
 * policy, as vmalloc); the area is the vmalloc area's, as any.
 * __vmalloc_node takes the pages' gfp and the caller vmallocinfo names.
 * The caller has checked that node is online.
 */
int __vmalloc_node(struct machine *m, unsigned long size, gfp_t gfp, int node,
		   const char *caller, uint64_t *addr);
int vmalloc_node(struct machine *m, unsigned long size, int node,
		 uint64_t *addr);
int vzalloc_node(struct machine *m, unsigned long size, int node,
		 uint64_t *addr);
int vfree(struct machine *m, uint64_t addr);
/*
 * Whether a vmalloc of size could ever succeed on this machine (not 0,
 * not larger than RAM or the vmalloc area): one that could may wait for
 * memory; one that could not fails at once.
 */
bool vmalloc_may_fit(const struct machine *m, unsigned long size);

/*
 * Map count given frames of RAM contiguously. Each frame must lie in an
 * allocated block or be reserved boot memory; vmap takes a reference on
 * each frame's block (get_page on its head) and vunmap drops it, so a
 * block freed by its owner while mapped stays allocated until vunmap.
 */
int vmap(struct machine *m, const unsigned long *pfns, unsigned int count,
	 uint64_t *addr);
int vunmap(struct machine *m, uint64_t addr);
/* The references vmap holds on the block headed by pfn head. */
unsigned int vmap_pins(const struct machine *m, unsigned long head);

/*
 * Map [phys, phys + size) of one device region; *addr keeps phys's offset
 * in its page. iounmap takes that address or its page's start.
 */
int ioremap(struct machine *m, uint64_t phys, unsigned long size,
	    uint64_t *addr);
int iounmap(struct machine *m, uint64_t addr);

/*
 * The frame a kernel address is mapped to, by walking the kernel page
 * table (any kernel address: vmalloc, pkmap, fixmap, direct map). For an
 * ioremap address the frame lies outside RAM (!pfn_valid). -ENOENT when
 * nothing maps addr.
 */
int vmalloc_to_pfn(const struct machine *m, uint64_t addr, unsigned long *pfn);

/* What the byte-access layer needs to know about a vmalloc address. */
struct vmalloc_area_info {
	uint64_t start;	   /* first mapped byte of the area */
	uint64_t size;	   /* mapped bytes, without the guard page */
	int owner;	   /* pid that made it; 0: the kernel */
	enum vm_kind kind; /* VM_ALLOC, VM_MAP or VM_IOREMAP */
	uint64_t phys;	   /* VM_IOREMAP: the physical address of addr */
};

/*
 * The area [addr, addr + len) lies in: 0 with *info filled; -EFAULT when
 * addr is in an area but the range reaches its guard page (or len is 0
 * or wraps); -ENOENT when addr is in no area.
 */
int vmalloc_area_of(const struct machine *m, uint64_t addr, uint64_t len,
		    struct vmalloc_area_info *info);

/* The vmalloc or vmap area a frame is mapped in, for the page's owners. */
struct vmalloc_page_owner {
	uint64_t start; /* the area's first byte */
	unsigned int nr_pages;
	unsigned int index; /* the frame's page in the area */
	enum vm_kind kind;
	int owner;
	const char *caller;
};
/*
 * Linux keeps no way back from a page to its area (a vmalloc page has no
 * mapping): look through every area's frames, as a reader of
 * /proc/vmallocinfo with pages would. -ENOENT when no area maps pfn.
 */
int vmalloc_area_of_pfn(const struct machine *m, unsigned long pfn,
			struct vmalloc_page_owner *o);

/* Whether addr lies in the vmalloc area (is_vmalloc_addr). */
bool is_vmalloc_addr(const struct machine *m, uint64_t addr);

/* Pages of vmalloc areas (not vmap or ioremap), for meminfo VmallocUsed. */
unsigned long vmalloc_used_pages(const struct machine *m);
/*
 * /proc/vmallocinfo, sorted by address: "0x%016lx-0x%016lx %7lu" (8 hex
 * digits on i386), the caller and pid, " pages=N", " phys=0x...", the
 * kind, and a vmalloc area's pages on each node that has any: " N0=N".
 */
/*
 * /proc/vmallocinfo's snapshot (snapshot.h; mm.proto's Vmallocinfo):
 * each busy area in address order; pages for a vmalloc, phys for an
 * ioremap, kind "vmalloc", "vmap" or "ioremap"; pointer_size (bytes)
 * sets the text's address width.
 */
struct vmalloc_area_snapshot {
	uint64_t start, end, size;
	char *caller;
	int64_t pid;
	uint64_t pages, phys;
	char kind[8];
	uint64_t *node_pages; /* a vmalloc's pages on node 0 up; else none */
	size_t nr_node_pages;
};
struct vmallocinfo_snapshot {
	struct vmalloc_area_snapshot *areas;
	size_t nr_areas;
	uint64_t pointer_size;
};
extern const struct report_type vmallocinfo_report;
int vmallocinfo_fill(const struct machine *m, int pid, void *snap);
int vmallocinfo_show(const void *snap, struct seq_buf *s);
int report_vmallocinfo(const struct machine *m, struct seq_buf *s);

#endif /* MM_VMALLOC_H */
