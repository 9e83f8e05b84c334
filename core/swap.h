/* SPDX-License-Identifier: MIT */
/*
 * swap.h - the swap device: a memfd of the layout's swap size, in slots
 * of a page, as mm/swapfile.c keeps a swap area.
 *
 * Owns: slot allocation (slot 0 is the header, as on Linux, and never
 * handed out), each slot's count of references (swap entries in page
 * tables, shmem objects), and moving a page's bytes to a slot and back.
 * Must never: hand out a slot with references, or free one twice.
 */
#ifndef MM_SWAP_H
#define MM_SWAP_H

#include <stdbool.h>
#include <stddef.h>

#include "core/machine.h"

/* Pages reclaim takes in one batch, as the kernel's <linux/swap.h>. */
#define SWAP_CLUSTER_MAX 32UL

int swap_init(struct machine *m);
void swap_exit(struct machine *m);
int swap_check(const struct machine *m, char *why, size_t len);

/* Slots in all (header excluded) and free ones; 0 and 0 without swap. */
unsigned long total_swap_pages(const struct machine *m);
unsigned long nr_free_swap_pages(const struct machine *m);

/* A free slot with one reference; -ENOSPC when swap is full or absent. */
int get_swap_page(struct machine *m, unsigned long *slot);
void swap_duplicate(struct machine *m, unsigned long slot);
/* Drop a reference; the last frees the slot. */
void swap_free(struct machine *m, unsigned long slot);
unsigned int swap_count(const struct machine *m, unsigned long slot);

/* Copy a frame's bytes to a slot, or a slot's back into a frame. */
int swap_writepage(struct machine *m, unsigned long slot, unsigned long pfn);
void swap_readpage(struct machine *m, unsigned long slot, unsigned long pfn);

/*
 * The swap cache's index (swap_state.c keeps the pages): the frame
 * holding slot's page, false when none does; set or clear it.
 */
bool swap_cache_pfn(const struct machine *m, unsigned long slot,
		    unsigned long *pfn);
void swap_cache_set(struct machine *m, unsigned long slot, unsigned long pfn,
		    bool present);

/* Make the next n writes fail (-EIO), as a failing swap file would. */
void swap_fail_writes(struct machine *m, unsigned long n);

#endif /* MM_SWAP_H */
