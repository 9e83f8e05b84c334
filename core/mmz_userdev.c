/* SPDX-License-Identifier: MIT */
/*
 * mmz_userdev.c - /dev/mmz_userdev, as HiSilicon's media memory driver
 * gives it to processes: IOC_MMB_ALLOC and IOC_MMB_FREE carve blocks
 * out of the MMZ regions, and mmap maps one into the process the way a
 * driver's remap_pfn_range maps device memory: VM_IO | VM_PFNMAP, every
 * entry made at once, no struct page touched (no reference, no map
 * count, no RSS), so the bytes a process writes are the block's bytes
 * in RAM.
 *
 * Owns: the ioctls and the VMAs mapping blocks (each counts on its
 * block, which cannot be freed while mapped). Must never: map a frame
 * outside a block the caller owns.
 */
#include "core/mmz_userdev.h"

#include <errno.h>
#include <string.h>

#include "core/err.h"
#include "core/fs/fs.h"
#include "core/memory.h"
#include "core/mmz.h"

bool vma_is_mmz_userdev(const struct vm_area_struct *vma)
{
	const struct inode *inode = vma->vm_file ? vma->vm_file->f_inode : NULL;

	return inode && (inode->i_mode & S_IFMT_) == S_IFCHR_ &&
	       inode->i_rdev == MKDEV_(MMZ_USERDEV_MAJOR, MMZ_USERDEV_MINOR);
}

/* The argument is bytes as they came (any alignment): copied in, out. */
static int mmb_alloc(struct machine *m, void *arg)
{
	struct mmb_ioc_alloc a;
	int err;

	memcpy(&a, arg, sizeof(a));
	if (!memchr(a.mmz_name, 0, sizeof(a.mmz_name)) ||
	    !memchr(a.mmb_name, 0, sizeof(a.mmb_name)))
		return mm_refuse(m, BAD_NONE, -ENAMETOOLONG,
				 "IOC_MMB_ALLOC: a name of 32 bytes or more");
	err = mmz_alloc(m, a.mmz_name, a.mmb_name, a.size, a.align, &a.phys);
	if (!err)
		memcpy(arg, &a, sizeof(a));
	return err;
}

int mmz_userdev_ioctl(struct machine *m, unsigned int cmd, void *arg,
		      size_t len)
{
	uint64_t phys;

	if (cmd != IOC_MMB_ALLOC && cmd != IOC_MMB_FREE)
		return mm_refuse(m, BAD_NONE, -ENOTTY,
				 "/dev/mmz_userdev has no ioctl %#x", cmd);
	if (len != ((cmd >> 16) & 0x3fff))
		return mm_refuse(m, BAD_NONE, -EFAULT,
				 "ioctl %#x takes %u bytes, not %zu", cmd,
				 (cmd >> 16) & 0x3fff, len);
	if (cmd == IOC_MMB_ALLOC)
		return mmb_alloc(m, arg);
	memcpy(&phys, arg, sizeof(phys));
	return mmz_free(m, phys);
}

int mmz_userdev_mmap(struct machine *m, struct vm_area_struct *vma)
{
	uint64_t phys = vma->vm_pgoff << m->page_shift;
	uint64_t len = vma->vm_end - vma->vm_start;
	int owner = 0;
	int err;

	if (!(vma->vm_flags & VM_MAYSHARE))
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "/dev/mmz_userdev maps MAP_SHARED only");
	if (mmz_owner_of(m, phys, len, &owner))
		return mm_refuse(m, BAD_VMA, -EINVAL,
				 "[%#llx, +%#llx) is not inside one MMZ block",
				 (unsigned long long)phys,
				 (unsigned long long)len);
	if (owner != m->current_pid)
		return mm_refuse(m, BAD_VMA, -EPERM,
				 "the MMZ block at %#llx is another's",
				 (unsigned long long)phys);
	vma->vm_flags |= VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP;
	err = remap_pfn_range(m, vma, vma->vm_start,
			      (unsigned long)vma->vm_pgoff, len);
	if (err) { /* nothing is mapped: the VMA goes as any other */
		vma->vm_flags &=
			~(VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
		return err;
	}
	mmz_userdev_vma_open(m, vma);
	return 0;
}

void mmz_userdev_vma_open(struct machine *m, struct vm_area_struct *vma)
{
	mmz_block_map(m, vma->vm_pgoff << m->page_shift, 1);
}

void mmz_userdev_vma_close(struct machine *m, struct vm_area_struct *vma)
{
	mmz_block_map(m, vma->vm_pgoff << m->page_shift, -1);
}
