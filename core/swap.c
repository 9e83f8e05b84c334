/* SPDX-License-Identifier: MIT */
/*
 * swap.c - the swap device: a memfd of the layout's swap size, in slots
 * of a page, as mm/swapfile.c keeps a swap area.
 *
 * Owns: the swap memfd and its mapping, swap_map (a reference count per
 * slot), the swap cache's index (the frame holding each slot's page, for
 * swap_state.c), next-fit slot allocation from cluster_next, and the
 * header page with Linux's "SWAPSPACE2" signature. Must never: give out slot 0
 * or a slot in use, or write past the device.
 */
#include "core/swap.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/check.h"

struct swap_info_struct {
	int fd;
	uint8_t *data;
	unsigned long max;	   /* slots, the header included */
	unsigned long inuse_pages; /* slots with references */
	unsigned long cluster_next;
	unsigned long fail_writes; /* writes left to fail */
	uint16_t *swap_map;
	unsigned long *cache; /* pfn + 1 of the slot's page in RAM, or 0 */
};

#define SWAP_MAP_MAX 0xfffe

static void write_header(struct machine *m, struct swap_info_struct *si)
{
	static const char magic[] = "SWAPSPACE2";
	uint32_t last_page = (uint32_t)(si->max - 1), version = 1;

	/* union swap_header: version at 1024, last_page at 1028. */
	memcpy(si->data + 1024, &version, sizeof(version));
	memcpy(si->data + 1028, &last_page, sizeof(last_page));
	memcpy(si->data + m->page_size - 10, magic, 10);
}

int swap_init(struct machine *m)
{
	struct swap_info_struct *si = calloc(1, sizeof(*si));
	uint64_t bytes = m->layout.swap_size & ~((uint64_t)m->page_size - 1);

	if (!si)
		return -ENOMEM;
	m->swap = si;
	si->fd = -1;
	if (bytes < 2 * (uint64_t)m->page_size)
		return 0; /* no swap: every slot request is -ENOSPC */
	si->max = (unsigned long)(bytes >> m->page_shift);
	si->swap_map = calloc(si->max, sizeof(si->swap_map[0]));
	/* Host memory only where the cache is used: calloc's pages. */
	si->cache = calloc(si->max, sizeof(si->cache[0]));
	si->fd = memfd_create("mm-swap", MFD_CLOEXEC);
	if (!si->swap_map || !si->cache || si->fd < 0 ||
	    ftruncate(si->fd, (off_t)bytes) < 0)
		return -ENOMEM;
	si->data = mmap(NULL, bytes, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_NORESERVE, si->fd, 0);
	if (si->data == MAP_FAILED) {
		si->data = NULL;
		return -ENOMEM;
	}
	si->swap_map[0] = SWAP_MAP_MAX; /* the header */
	si->cluster_next = 1;
	write_header(m, si);
	return 0;
}

void swap_exit(struct machine *m)
{
	struct swap_info_struct *si = m->swap;

	if (!si)
		return;
	if (si->data)
		munmap(si->data, si->max << m->page_shift);
	if (si->fd >= 0)
		close(si->fd);
	free(si->swap_map);
	free(si->cache);
	free(si);
	m->swap = NULL;
}

unsigned long total_swap_pages(const struct machine *m)
{
	return m->swap->max ? m->swap->max - 1 : 0;
}

unsigned long nr_free_swap_pages(const struct machine *m)
{
	return total_swap_pages(m) - m->swap->inuse_pages;
}

int get_swap_page(struct machine *m, unsigned long *slot)
{
	struct swap_info_struct *si = m->swap;
	unsigned long n = si->cluster_next;

	if (!nr_free_swap_pages(m))
		return -ENOSPC;
	while (si->swap_map[n])
		n = n + 1 < si->max ? n + 1 : 1;
	si->swap_map[n] = 1;
	si->inuse_pages++;
	si->cluster_next = n + 1 < si->max ? n + 1 : 1;
	*slot = n;
	return 0;
}

void swap_duplicate(struct machine *m, unsigned long slot)
{
	m->swap->swap_map[slot]++;
}

void swap_free(struct machine *m, unsigned long slot)
{
	struct swap_info_struct *si = m->swap;

	if (--si->swap_map[slot] == 0)
		si->inuse_pages--;
}

unsigned int swap_count(const struct machine *m, unsigned long slot)
{
	return slot && slot < m->swap->max ? m->swap->swap_map[slot] : 0;
}

int swap_writepage(struct machine *m, unsigned long slot, unsigned long pfn)
{
	struct swap_info_struct *si = m->swap;

	if (si->fail_writes) {
		si->fail_writes--;
		return -EIO;
	}
	memcpy(si->data + (slot << m->page_shift), pfn_to_ram(m, pfn),
	       m->page_size);
	return 0;
}

void swap_readpage(struct machine *m, unsigned long slot, unsigned long pfn)
{
	memcpy(pfn_to_ram(m, pfn), m->swap->data + (slot << m->page_shift),
	       m->page_size);
}

bool swap_cache_pfn(const struct machine *m, unsigned long slot,
		    unsigned long *pfn)
{
	const struct swap_info_struct *si = m->swap;

	if (!slot || slot >= si->max || !si->cache[slot])
		return false;
	*pfn = si->cache[slot] - 1;
	return true;
}

void swap_cache_set(struct machine *m, unsigned long slot, unsigned long pfn,
		    bool present)
{
	m->swap->cache[slot] = present ? pfn + 1 : 0;
}

void swap_fail_writes(struct machine *m, unsigned long n)
{
	m->swap->fail_writes = n;
}

/* inuse_pages agrees with swap_map; the header is intact. */
int swap_check(const struct machine *m, char *why, size_t len)
{
	const struct swap_info_struct *si = m->swap;
	unsigned long used = 0;

	if (!si->max)
		return 0;
	for (unsigned long i = 1; i < si->max; i++)
		used += si->swap_map[i] != 0;
	if (used != si->inuse_pages)
		return check_failed(why, len,
				    "swap: %lu slots in use, "
				    "inuse_pages says %lu",
				    used, si->inuse_pages);
	if (memcmp(si->data + m->page_size - 10, "SWAPSPACE2", 10))
		return check_failed(why, len,
				    "swap: the header's signature "
				    "is gone");
	return 0;
}
