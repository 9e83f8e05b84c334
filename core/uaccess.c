/*
 * uaccess.c - reading and writing bytes of the simulated RAM for a client.
 *
 * Owns: turning a kernel virtual address (direct map, vmalloc area, kmap
 * slots) or an MMZ physical address into RAM bytes, and the rule that a
 * task reaches only what it owns: an object it allocated, within that
 * object's bounds. Must never: let a read or write run past the end of
 * an object, into a neighbour, or into memory the task does not own.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/mmz.h"
#include "core/page_alloc.h"
#include "core/percpu.h"
#include "core/slab.h"
#include "core/task.h"
#include "core/uapi.h"

static int efault(struct machine *m, uint64_t addr, size_t len, const char *why)
{
	snprintf(m->errmsg, sizeof(m->errmsg), "%zu bytes at %#lx: %s", len,
		 (unsigned long)addr, why);
	return -EFAULT;
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

		/* Per-CPU chunks are the kernel's pages holding pids' data. */
		if (pcpu_owner_of(m, addr, len, &owner) == 0)
			err = owner == pid ? 0
					   : efault(m, addr, len,
						    "per-CPU memory of "
						    "another owner");
		else
			err = block_span(m, pid, addr, len);
	}
	if (err)
		return err;
	*bytes = m->ram + (addr - m->layout.kernel.page_offset);
	return 0;
}

static int access_bytes(struct machine *m, uint64_t addr, size_t len,
			uint8_t **bytes)
{
	struct task_struct *t = find_task_by_pid(m, m->current_pid);

	if (!t) {
		snprintf(m->errmsg, sizeof(m->errmsg),
			 "no current task: connect as a process first");
		return -ESRCH;
	}
	if (len == 0 || addr + len < addr)
		return efault(m, addr, len, "empty or wrapping range");
	return direct_map_bytes(m, t->pid, addr, len, bytes);
}

int uapi_read(struct machine *m, uint64_t addr, void *buf, size_t len)
{
	uint8_t *bytes;
	int err = access_bytes(m, addr, len, &bytes);

	if (!err)
		memcpy(buf, bytes, len);
	return err;
}

int uapi_write(struct machine *m, uint64_t addr, const void *buf, size_t len)
{
	uint8_t *bytes;
	int err = access_bytes(m, addr, len, &bytes);

	if (!err)
		memcpy(bytes, buf, len);
	return err;
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
