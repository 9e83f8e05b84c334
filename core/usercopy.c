/* SPDX-License-Identifier: MIT */
/*
 * usercopy.c - copying bytes between a client and what it owns in the
 * machine, checked as the kernel's hardened usercopy (mm/usercopy.c)
 * checks a copy_to_user or copy_from_user of a kernel object.
 *
 * Owns: turning a kernel virtual address (direct map, vmalloc area, kmap
 * slots) into RAM bytes, the checks check_heap_object makes (a copy stays
 * inside one slab object, one page block, one vmalloc area or one kmap
 * page), the rule that a task reaches only what it owns, and the same
 * for an MMZ block's physical addresses (what /dev/mem would give, held
 * to the block the task allocated). Must never: let a read or write run
 * past the end of an object, into a neighbour, or into memory the task
 * does not own. A process's own address space is reached by access_user
 * (memory.c), through its page tables, not here.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/err.h"
#include "core/fault.h"
#include "core/mm.h"
#include "core/mmz.h"
#include "core/highmem.h"
#include "core/page_alloc.h"
#include "core/percpu.h"
#include "core/slab.h"
#include "core/task.h"
#include "core/uapi.h"
#include "core/vmalloc.h"

static int efault(struct machine *m, uint64_t addr, size_t len, const char *why)
{
	return mm_refuse(m, BAD_NONE, -EFAULT, "%zu bytes at %#lx: %s", len,
			 (unsigned long)addr, why);
}

/* [addr, addr + len) inside one slab object the task owns. */
static int slab_span(struct machine *m, int pid, uint64_t addr, size_t len)
{
	struct slab_object obj;

	if (slab_object_of(m, addr, &obj))
		return efault(m, addr, len, "slab metadata, not an object");
	if (!obj.allocated || obj.owner != pid)
		return efault(m, addr, len, "not an object of this process");
	if (addr + len > obj.start + obj.size)
		return efault(m, addr, len, "runs past the end of the object");
	return 0;
}

/* [addr, addr + len) inside one page block (or large kmalloc) it owns. */
static int block_span(struct machine *m, int pid, uint64_t addr, size_t len)
{
	unsigned long pfn =
		(unsigned long)((addr - m->layout.kernel.page_offset) >>
				m->page_shift);
	unsigned long head = pfn_to_block_head(m, pfn);
	const struct page *page;
	uint64_t end;

	if (head == ULONG_MAX)
		return efault(m, addr, len, "no allocated memory there");
	page = pfn_to_page(m, head);
	if (page->owner != pid)
		return efault(m, addr, len, "memory of another owner");
	end = page_address(m, page) + (m->page_size << page->private);
	if (addr + len > end)
		return efault(m, addr, len, "runs past the end of the block");
	return 0;
}

/* The RAM behind a direct-map range the current task may touch. */
static int direct_map_bytes(struct machine *m, int pid, uint64_t addr,
			    size_t len, uint8_t **bytes)
{
	struct page *page = virt_to_page(m, addr);
	int err;

	if (!page || !virt_to_page(m, addr + len - 1))
		return efault(m, addr, len, "not a kernel address in RAM");
	if (PageFlag(page, PG_slab)) {
		err = slab_span(m, pid, addr, len);
	} else {
		int owner = 0;

		uint64_t phys = addr - m->layout.kernel.page_offset;

		/* Per-CPU chunks are the kernel's pages holding pids' data. */
		if (pcpu_owner_of(m, addr, len, &owner) == 0)
			err = owner == pid ? 0
					   : efault(m, addr, len,
						    "per-CPU memory of "
						    "another owner");
		/* A low-memory MMZ block, at media-mem's kvirt. */
		else if (PageFlag(page, PG_mmz))
			err = mmz_owner_of(m, phys, len, &owner) || owner != pid
				      ? efault(m, addr, len,
					       "not inside an MMZ block of "
					       "this process")
				      : 0;
		else
			err = block_span(m, pid, addr, len);
	}
	if (err)
		return err;
	*bytes = m->ram + (addr - m->layout.kernel.page_offset);
	return 0;
}

/*
 * Whether pfn lies in a block pid holds. vmap's references keep such a
 * block pid's while it is mapped; this makes sure of it on every copy.
 */
static bool frame_of(const struct machine *m, int pid, unsigned long pfn)
{
	unsigned long head = pfn_to_block_head(m, pfn);

	return head != ULONG_MAX && pfn_to_page(m, head)->owner == pid;
}

/*
 * Copy between buf and a vmalloc area the task owns, page by page: the
 * area's frames need not be contiguous. Kernel code reaches the area
 * through the current process's page table, so a kernel PGD entry made
 * after that table was copied takes the vmalloc fault first. Device memory
 * behind ioremap has no RAM: it reads as all ones and ignores writes, as a bus
 * with nothing answering does.
 */
static int vmalloc_copy(struct machine *m, struct task_struct *t, uint64_t addr,
			uint8_t *buf, size_t len, bool write)
{
	struct mm_struct *mm = t->mm;
	int pid = t->pid;
	struct vmalloc_area_info info;

	if (vmalloc_area_of(m, addr, len, &info))
		return efault(m, addr, len, "not inside one vmalloc area");
	if (info.owner != pid)
		return efault(m, addr, len, "a vmalloc area of another owner");
	if (info.kind == VM_IOREMAP) {
		if (!write)
			memset(buf, 0xff, len);
		return 0;
	}
	while (len) {
		uint64_t off = addr & (m->page_size - 1);
		size_t chunk =
			m->page_size - off < len ? m->page_size - off : len;
		unsigned long pfn;
		uint8_t *ram;

		/* Through the task's own pgd: the i386 vmalloc fault. */
		if (kernel_access_pfn(m, mm, addr, &pfn))
			return efault(m, addr, len, "unmapped vmalloc page");
		if (info.kind == VM_MAP && !frame_of(m, pid, pfn))
			return efault(m, addr, len,
				      "vmap of a frame the process does not "
				      "own");
		ram = pfn_to_ram(m, pfn) + off;
		memcpy(write ? ram : buf, write ? buf : ram, chunk);
		addr += chunk;
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

/* A kmap or kmap_atomic slot the task holds, within its one page. */
static int kmap_bytes(struct machine *m, int pid, uint64_t addr, size_t len,
		      uint8_t **bytes)
{
	uint64_t off = addr & (m->page_size - 1);
	unsigned long pfn, head;

	if (kmap_to_pfn(m, addr, &pfn))
		return efault(m, addr, len, "not a kernel address in RAM");
	head = pfn_to_block_head(m, pfn);
	if (head == ULONG_MAX || pfn_to_page(m, head)->owner != pid)
		return efault(m, addr, len, "a page of another owner");
	if (off + len > m->page_size)
		return efault(m, addr, len, "runs past the mapped page");
	*bytes = pfn_to_ram(m, pfn) + off;
	return 0;
}

static int copy_bytes(struct machine *m, uint64_t addr, uint8_t *buf,
		      size_t len, bool write)
{
	struct task_struct *t = find_task_by_pid(m, m->current_pid);
	uint8_t *bytes = NULL; /* set on success: gcc -O2 cannot tell */
	int err;

	if (!t)
		return mm_refuse(m, BAD_NONE, -ESRCH,
				 "no current task: connect as a process first");
	if (len == 0 || addr + len < addr)
		return efault(m, addr, len, "empty or wrapping range");
	if (is_vmalloc_addr(m, addr))
		return vmalloc_copy(m, t, addr, buf, len, write);
	if (virt_to_page(m, addr))
		err = direct_map_bytes(m, t->pid, addr, len, &bytes);
	else
		err = kmap_bytes(m, t->pid, addr, len, &bytes);
	if (err)
		return err;
	memcpy(write ? bytes : buf, write ? buf : bytes, len);
	return 0;
}

int uapi_read(struct machine *m, uint64_t addr, void *buf, size_t len)
{
	return copy_bytes(m, addr, buf, len, false);
}

int uapi_write(struct machine *m, uint64_t addr, const void *buf, size_t len)
{
	/* copy_bytes only reads buf when it writes RAM. */
	return copy_bytes(m, addr, (uint8_t *)(uintptr_t)buf, len, true);
}

/* The RAM behind [phys, phys + len) inside an MMZ block the task owns. */
static int mmz_bytes(struct machine *m, uint64_t phys, size_t len,
		     uint8_t **bytes)
{
	struct task_struct *t = find_task_by_pid(m, m->current_pid);
	int owner = 0;

	if (!t)
		return -ESRCH;
	if (len == 0 || phys + len < phys || mmz_owner_of(m, phys, len, &owner))
		return efault(m, phys, len, "not inside one MMZ block");
	if (owner != t->pid)
		return efault(m, phys, len, "an MMZ block of another owner");
	*bytes = m->ram + phys;
	return 0;
}

int uapi_read_phys(struct machine *m, uint64_t phys, void *buf, size_t len)
{
	uint8_t *bytes;
	int err = mmz_bytes(m, phys, len, &bytes);

	if (!err)
		memcpy(buf, bytes, len);
	return err;
}

int uapi_write_phys(struct machine *m, uint64_t phys, const void *buf,
		    size_t len)
{
	uint8_t *bytes;
	int err = mmz_bytes(m, phys, len, &bytes);

	if (!err)
		memcpy(bytes, buf, len);
	return err;
}
