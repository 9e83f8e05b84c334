/* SPDX-License-Identifier: MIT */
/*
 * swap_state.h - the swap cache, as mm/swap_state.c: an anonymous page
 * given a swap slot while it is still in RAM (page->swap), which a fault
 * on the slot's swap entry finds again without reading the device.
 *
 * Owns: adding a page to the cache and taking it out, finding it by its
 * slot, and letting it go when nothing names its slot or maps it. Must
 * never: free a page something maps, or a slot a swap entry still names.
 */
#ifndef MM_SWAP_STATE_H
#define MM_SWAP_STATE_H

#include <stdbool.h>

#include "core/machine.h"

/*
 * add_to_swap: a slot for the page (small, anonymous, not yet cached),
 * the cache holding a reference on both; false when swap is full or
 * absent (nothing changed). NR_SWAPCACHE counts it.
 */
bool add_to_swap(struct machine *m, struct page *page);
/* The page leaves the cache: its slot's and its own reference go. */
void delete_from_swap_cache(struct machine *m, struct page *page);
/* The page the cache holds for slot, or NULL. */
struct page *lookup_swap_cache(struct machine *m, unsigned long slot);
/*
 * free_swap_and_cache: a swap entry naming slot is gone; a cached page
 * no entry names any more and nothing maps goes with it.
 */
void free_swap_and_cache(struct machine *m, unsigned long slot);
/*
 * free_swap_cache: page's last mapping is going (its reference about to
 * be put, one besides the cache's): when no swap entry names its slot,
 * the cache lets it go. True when it did (the caller's reference gone).
 */
bool free_swap_cache(struct machine *m, struct page *page);

#endif /* MM_SWAP_STATE_H */
