/* SPDX-License-Identifier: MIT */
/*
 * mmz_userdev.h - /dev/mmz_userdev, the media memory device file: ioctls
 * that allocate and free MMZ blocks, and mmap of a block as a driver's
 * remap_pfn_range maps device memory (VM_IO | VM_PFNMAP).
 *
 * Owns: the ioctl numbers and argument layout (the same bytes on the
 * wire: mmclient.h repeats them), and the VMAs mapping a block. Must
 * never: map a frame outside a block the caller owns, or let a mapped
 * block be freed.
 */
#ifndef MM_MMZ_USERDEV_H
#define MM_MMZ_USERDEV_H

#include <stddef.h>
#include <stdint.h>

#include "core/machine.h"
#include "core/mm.h"

/* The device node: a misc device, major 10, as the vendor's. */
#define MMZ_USERDEV_MAJOR 10
#define MMZ_USERDEV_MINOR 60

/*
 * The ioctls, numbered as Linux's _IOC macros number them: type 'm',
 * IOC_MMB_ALLOC _IOWR('m', 10, struct mmb_ioc_alloc) (0xC0606D0A) and
 * IOC_MMB_FREE _IOW('m', 12, uint64_t) (0x40086D0C).
 */
#define MMZ_IOC(dir, nr, size)                                                 \
	((uint32_t)(dir) << 30 | (uint32_t)(size) << 16 | 'm' << 8 | (nr))
#define IOC_MMB_ALLOC MMZ_IOC(3u, 10u, 96u)
#define IOC_MMB_FREE  MMZ_IOC(1u, 12u, 8u)

/*
 * IOC_MMB_ALLOC's argument, little-endian as x86 lays it out: size and
 * align in bytes (align 0: a page), the region's name ("" or none: the
 * first with room) and the block's; gfp is the vendor's and, as its
 * driver does, unused. phys comes back.
 */
struct mmb_ioc_alloc {
	uint64_t size;
	uint64_t align;
	uint64_t phys;
	uint32_t gfp;
	uint32_t reserved;
	char mmz_name[32];
	char mmb_name[32];
};

_Static_assert(sizeof(struct mmb_ioc_alloc) == 96,
	       "IOC_MMB_ALLOC's argument is 96 bytes");

/* vma maps /dev/mmz_userdev. */
bool vma_is_mmz_userdev(const struct vm_area_struct *vma);
/*
 * The device's ioctl: arg holds len bytes in and out. -ENOTTY for
 * another command, -EFAULT for an argument of another size, else the
 * MMZ allocator's errors; -EBUSY to free a mapped block.
 */
int mmz_userdev_ioctl(struct machine *m, unsigned int cmd, void *arg,
		      size_t len);
/*
 * The device's mmap: vma (MAP_SHARED, vm_pgoff the physical page) must
 * lie inside one block the caller owns (-EINVAL; -EPERM for another's);
 * every page is mapped at once, raw frames (remap_pfn_range).
 */
int mmz_userdev_mmap(struct machine *m, struct vm_area_struct *vma);
/* A VMA of the device comes (split, fork) or goes: the block's count. */
void mmz_userdev_vma_open(struct machine *m, struct vm_area_struct *vma);
void mmz_userdev_vma_close(struct machine *m, struct vm_area_struct *vma);

#endif /* MM_MMZ_USERDEV_H */
