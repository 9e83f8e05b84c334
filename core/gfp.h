/* SPDX-License-Identifier: MIT */
/*
 * gfp.h - the allocation flags, with the kernel's bit values and names.
 *
 * Owns: the __GFP_* bits, their combinations and gfp_zone(). These values
 * cross the wire unchanged, so they never change once published.
 */
#ifndef MM_GFP_H
#define MM_GFP_H

#include <errno.h>
#include <stdint.h>

#include "core/layout.h"

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
#define __GFP_BITS_MASK	     0x7fffffu

#define GFP_ZONEMASK  (__GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE)
#define __GFP_RECLAIM (__GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM)

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
/* Transparent huge pages: movable, never from the reserves, no warning. */
#define GFP_TRANSHUGE_LIGHT                                                    \
	((GFP_HIGHUSER_MOVABLE | __GFP_COMP | __GFP_NOMEMALLOC |               \
	  __GFP_NOWARN) &                                                      \
	 ~__GFP_RECLAIM)
#define GFP_TRANSHUGE (GFP_TRANSHUGE_LIGHT | __GFP_DIRECT_RECLAIM)

/*
 * The highest zone a mask may use, as the kernel's GFP_ZONE_TABLE gives
 * it for this arch (DMA32 folds into Normal on i386, HighMem into Normal
 * on x86_64); -EINVAL for the combinations the kernel calls bad.
 */
static inline int gfp_zone(gfp_t gfp, enum mm_arch arch)
{
	int dma = !!(gfp & __GFP_DMA);
	int dma32 = !!(gfp & __GFP_DMA32);
	int high = !!(gfp & __GFP_HIGHMEM);

	if (dma + dma32 + high > 1)
		return -EINVAL;
	if (dma)
		return ZONE_DMA;
	if (dma32)
		return arch == ARCH_I386 ? ZONE_NORMAL : ZONE_DMA32;
	if (high && (gfp & __GFP_MOVABLE))
		return ZONE_MOVABLE;
	if (high)
		return arch == ARCH_I386 ? ZONE_HIGHMEM : ZONE_NORMAL;
	return ZONE_NORMAL;
}

#endif /* MM_GFP_H */
