/* SPDX-License-Identifier: MIT */
/*
 * mmz.c - media memory zones: blocks carved from the layout's MMZ regions.
 *
 * Owns: the blocks (MMBs) of every region, kept per region in an array
 * sorted by address, so that a block is found from any address inside
 * it in O(log n) and allocation is HiSilicon's first fit by address.
 * Boot reserved the regions (PG_reserved|PG_mmz) and counted them in
 * reserved_pages[MB_MMZ]; this file never changes a page or a zone.
 * Must never: change a block or a counter on a call it refuses.
 */
#include "core/mmz.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/check.h"
#include "core/preempt.h"

static bool is_power_of_2(uint64_t n)
{
	return n && !(n & (n - 1));
}

static uint64_t align_up(uint64_t x, uint64_t align)
{
	return (x + align - 1) & ~(align - 1);
}

/* The region named name, or NULL. */
static struct mmz_region *mmz_region_by_name(const struct machine *m,
					     const char *name)
{
	for (unsigned int i = 0; i < m->mmz->nr_regions; i++)
		if (!strcmp(m->mmz->regions[i].name, name))
			return &m->mmz->regions[i];
	return NULL;
}

/* The region that holds phys, or NULL; there are at most 16. */
static struct mmz_region *mmz_region_of(const struct machine *m, uint64_t phys)
{
	for (unsigned int i = 0; i < m->mmz->nr_regions; i++) {
		struct mmz_region *r = &m->mmz->regions[i];

		if (phys >= r->start && phys - r->start < r->size)
			return r;
	}
	return NULL;
}

/* Index of the first block above phys (binary search by address). */
static unsigned long mmz_upper_bound(const struct mmz_region *r, uint64_t phys)
{
	unsigned long lo = 0, hi = r->nr_blocks;

	while (lo < hi) {
		unsigned long mid = lo + (hi - lo) / 2;

		if (r->blocks[mid].phys <= phys)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The block that holds phys, or NULL. */
static struct mmz_block *mmz_block_of(const struct machine *m, uint64_t phys)
{
	struct mmz_region *r = mmz_region_of(m, phys);
	struct mmz_block *b;
	unsigned long idx;

	if (!r)
		return NULL;
	idx = mmz_upper_bound(r, phys);
	if (idx == 0)
		return NULL;
	b = &r->blocks[idx - 1];
	return phys - b->phys < b->size ? b : NULL;
}

/* ------------------------------------------------------------------ */
/* Allocation                                                          */

/* Where a block goes: its address and its index in the region's array. */
struct mmz_fit {
	uint64_t phys;
	unsigned long idx;
};

/* Would size bytes at align fit in r if r were empty? */
static bool mmz_could_fit(const struct mmz_region *r, uint64_t size,
			  uint64_t align)
{
	uint64_t skip = align_up(r->start, align) - r->start;

	return skip <= r->size && size <= r->size - skip;
}

static bool mmz_gap_fits(uint64_t from, uint64_t to, uint64_t size,
			 uint64_t align, uint64_t *phys)
{
	uint64_t at = align_up(from, align);

	if (at < from || at > to || size > to - at)
		return false;
	*phys = at;
	return true;
}

/* First fit by address: the lowest aligned gap between blocks that fits. */
static bool mmz_find_gap(const struct mmz_region *r, uint64_t size,
			 uint64_t align, struct mmz_fit *fit)
{
	uint64_t from = r->start;

	for (unsigned long i = 0; i < r->nr_blocks; i++) {
		if (mmz_gap_fits(from, r->blocks[i].phys, size, align,
				 &fit->phys)) {
			fit->idx = i;
			return true;
		}
		from = r->blocks[i].phys + r->blocks[i].size;
	}
	fit->idx = r->nr_blocks;
	return mmz_gap_fits(from, r->start + r->size, size, align, &fit->phys);
}

static int mmz_reserve_block_slot(struct machine *m, struct mmz_region *r)
{
	struct mmz_block *grown = array_reserve(
		r->blocks, &r->cap, r->nr_blocks + 1, sizeof(*grown), 8);

	if (!grown)
		return mm_refuse(m, BAD_NONE, -ENOMEM,
				 "no host memory for another MMZ block");
	r->blocks = grown;
	return 0;
}

static int mmz_insert_block(struct machine *m, struct mmz_region *r,
			    const struct mmz_fit *fit, uint64_t size,
			    const char *name)
{
	struct mmz_block *b;
	int err = mmz_reserve_block_slot(m, r);

	if (err)
		return err;
	b = &r->blocks[fit->idx];
	memmove(b + 1, b, (r->nr_blocks - fit->idx) * sizeof(*b));
	memset(b, 0, sizeof(*b));
	b->phys = fit->phys;
	b->size = size;
	b->owner = m->current_pid;
	strcpy(b->name, name);
	r->nr_blocks++;
	r->used += size;
	return 0;
}

/*
 * The first byte of a block name that media-mem could not print as it
 * is, or -1: a control character or DEL would start a line of its own
 * or reach a terminal as an escape, a byte above 0x7f is no ASCII, and
 * a quote would end name="..." early. Whatever is printed, a reader of
 * the listing must be able to trust that one line is one block.
 */
static int mmz_bad_name_byte(const char *name)
{
	for (int i = 0; name[i]; i++) {
		unsigned char c = (unsigned char)name[i];

		if (c < 0x20 || c > 0x7e || c == '"' || c == '\\')
			return i;
	}
	return -1;
}

/* Check the names and the alignment; *align comes back as used. */
static int mmz_check_request(struct machine *m, const char *zone_name,
			     const char *block_name, uint64_t size,
			     uint64_t *align)
{
	const char *name = block_name;
	int bad;

	if (!size)
		return mm_refuse(m, BAD_MMZ_REQUEST, -EINVAL,
				 "an MMZ block of 0 bytes");
	if (*align && !is_power_of_2(*align))
		return mm_refuse(m, BAD_MMZ_REQUEST, -EINVAL,
				 "MMZ align %#" PRIx64 " is not a power of two",
				 *align);
	if (strnlen(block_name, MMZ_NAME_LEN) >= MMZ_NAME_LEN ||
	    strnlen(zone_name, MMZ_NAME_LEN) >= MMZ_NAME_LEN)
		return mm_refuse(m, BAD_MMZ_REQUEST, -ENAMETOOLONG,
				 "an MMZ name is longer than %d characters",
				 MMZ_NAME_LEN - 1);
	bad = mmz_bad_name_byte(block_name);
	if (bad < 0) {
		bad = mmz_bad_name_byte(zone_name);
		name = zone_name;
	}
	if (bad >= 0)
		return mm_refuse(m, BAD_MMZ_REQUEST, -EINVAL,
				 "MMZ name byte %d is %#x: names are printable "
				 "ASCII without '\"' or '\\'",
				 bad, (unsigned char)name[bad]);
	if (*align < m->page_size)
		*align = m->page_size;
	return 0;
}

/* The first region in layout order with room; -EINVAL if none ever has. */
static int mmz_pick_any(struct machine *m, uint64_t size, uint64_t align,
			struct mmz_region **region, struct mmz_fit *fit)
{
	bool could_fit = false;

	for (unsigned int i = 0; i < m->mmz->nr_regions; i++) {
		struct mmz_region *r = &m->mmz->regions[i];

		if (!mmz_could_fit(r, size, align))
			continue;
		could_fit = true;
		if (mmz_find_gap(r, size, align, fit)) {
			*region = r;
			return 0;
		}
	}
	if (!could_fit)
		return mm_refuse(m, BAD_MMZ_REQUEST, -EINVAL,
				 "an MMZ block of %#" PRIx64
				 " bytes fits no region",
				 size);
	return mm_refuse(m, BAD_NONE, -ENOMEM,
			 "no MMZ region has %#" PRIx64
			 " bytes free at align %#" PRIx64,
			 size, align);
}

static int mmz_pick_named(struct machine *m, const char *zone_name,
			  uint64_t size, uint64_t align,
			  struct mmz_region **region, struct mmz_fit *fit)
{
	struct mmz_region *r = mmz_region_by_name(m, zone_name);

	if (!r)
		return mm_refuse(m, BAD_MMZ_REQUEST, -ENOENT,
				 "no MMZ region is named \"%s\"", zone_name);
	if (!mmz_could_fit(r, size, align))
		return mm_refuse(m, BAD_MMZ_REQUEST, -EINVAL,
				 "an MMZ block of %#" PRIx64
				 " bytes does not fit region \"%s\"",
				 size, zone_name);
	if (!mmz_find_gap(r, size, align, fit))
		return mm_refuse(m, BAD_NONE, -ENOMEM,
				 "MMZ region \"%s\" has no %#" PRIx64
				 " bytes free at align %#" PRIx64,
				 zone_name, size, align);
	*region = r;
	return 0;
}

int mmz_alloc(struct machine *m, const char *zone_name, const char *block_name,
	      uint64_t size, uint64_t align, uint64_t *phys)
{
	struct mmz_region *r = NULL;
	struct mmz_fit fit;
	int err;

	might_sleep(m); /* the block is found and cleared as a sleeper does */
	if (!zone_name)
		zone_name = "";
	if (!block_name)
		block_name = "";
	err = mmz_check_request(m, zone_name, block_name, size, &align);
	if (err)
		return err;
	if (size > UINT64_MAX - (m->page_size - 1))
		return mm_refuse(m, BAD_MMZ_REQUEST, -EINVAL,
				 "an MMZ block of %#" PRIx64
				 " bytes fits no region",
				 size);
	size = align_up(size, m->page_size);
	if (*zone_name)
		err = mmz_pick_named(m, zone_name, size, align, &r, &fit);
	else
		err = mmz_pick_any(m, size, align, &r, &fit);
	if (!err)
		err = mmz_insert_block(m, r, &fit, size, block_name);
	if (!err)
		*phys = fit.phys;
	return err;
}

/* ------------------------------------------------------------------ */
/* Freeing and lookups                                                 */

static void mmz_remove_block(struct mmz_region *r, struct mmz_block *b)
{
	unsigned long idx = (unsigned long)(b - r->blocks);

	r->used -= b->size;
	memmove(b, b + 1, (r->nr_blocks - idx - 1) * sizeof(*b));
	r->nr_blocks--;
}

int mmz_free(struct machine *m, uint64_t phys)
{
	struct mmz_block *b = mmz_block_of(m, phys);

	if (!b)
		return mm_refuse(m, BAD_MMZ_ADDRESS, -EINVAL,
				 "%#" PRIx64 " is not in an MMZ block", phys);
	if (b->phys != phys)
		return mm_refuse(m, BAD_MMZ_ADDRESS, -EINVAL,
				 "%#" PRIx64
				 " is inside the MMZ block at %#" PRIx64
				 ", not its start",
				 phys, b->phys);
	if (b->owner != m->current_pid)
		return mm_refuse(m, BAD_NONE, -EPERM,
				 "MMZ block %#" PRIx64
				 " belongs to %s, not to pid %d",
				 phys, b->owner ? "another task" : "the kernel",
				 m->current_pid);
	if (b->map_count)
		return mm_refuse(
			m, BAD_NONE, -EBUSY,
			"MMZ block %#" PRIx64
			" is mapped by %u mappings of /dev/mmz_userdev",
			phys, b->map_count);
	mmz_remove_block(mmz_region_of(m, phys), b);
	return 0;
}

void mmz_block_map(struct machine *m, uint64_t phys, int delta)
{
	struct mmz_block *b = mmz_block_of(m, phys);

	if (b)
		b->map_count += (unsigned int)delta;
}

int mmz_find(const struct machine *m, const char *block_name, uint64_t *phys,
	     uint64_t *size)
{
	if (!block_name)
		return -EINVAL;
	if (strnlen(block_name, MMZ_NAME_LEN) >= MMZ_NAME_LEN)
		return -ENAMETOOLONG;
	for (unsigned int i = 0; i < m->mmz->nr_regions; i++) {
		const struct mmz_region *r = &m->mmz->regions[i];

		for (unsigned long j = 0; j < r->nr_blocks; j++) {
			if (strcmp(r->blocks[j].name, block_name))
				continue;
			*phys = r->blocks[j].phys;
			*size = r->blocks[j].size;
			return 0;
		}
	}
	return -ENOENT;
}

int mmz_owner_of(const struct machine *m, uint64_t phys, uint64_t len,
		 int *owner)
{
	const struct mmz_block *b;

	if (!m->mmz || !(b = mmz_block_of(m, phys)))
		return -EFAULT;
	if (len > b->size - (phys - b->phys))
		return -EFAULT;
	*owner = b->owner;
	return 0;
}

const struct mmz_block *mmz_find_block(const struct machine *m, uint64_t phys)
{
	return m->mmz ? mmz_block_of(m, phys) : NULL;
}

int mmz_block_size(const struct machine *m, uint64_t phys, uint64_t *size)
{
	const struct mmz_block *b = m->mmz ? mmz_block_of(m, phys) : NULL;

	if (!b || b->phys != phys)
		return -EINVAL;
	*size = b->size;
	return 0;
}

unsigned long mmz_release(struct machine *m, int pid)
{
	unsigned long freed = 0;

	if (!m->mmz)
		return 0;
	for (unsigned int i = 0; i < m->mmz->nr_regions; i++) {
		struct mmz_region *r = &m->mmz->regions[i];
		unsigned long kept = 0;

		/* One pass: slide the blocks that stay over those that go. */
		for (unsigned long j = 0; j < r->nr_blocks; j++) {
			if (r->blocks[j].owner == pid) {
				r->used -= r->blocks[j].size;
				freed++;
				continue;
			}
			r->blocks[kept++] = r->blocks[j];
		}
		r->nr_blocks = kept;
	}
	return freed;
}

unsigned long mmz_free_pages(const struct machine *m)
{
	uint64_t free_bytes = 0;

	if (!m->mmz)
		return m->reserved_pages[MB_MMZ];
	for (unsigned int i = 0; i < m->mmz->nr_regions; i++)
		free_bytes += m->mmz->regions[i].size - m->mmz->regions[i].used;
	return (unsigned long)(free_bytes >> m->page_shift);
}

/* ------------------------------------------------------------------ */
/* Boot and teardown                                                   */

int mmz_init(struct machine *m)
{
	const struct layout *l = &m->layout;
	struct mmz_state *s = calloc(1, sizeof(*s));

	if (!s)
		return -ENOMEM;
	m->mmz = s;
	if (!l->nr_mmz)
		return 0;
	s->regions = calloc(l->nr_mmz, sizeof(*s->regions));
	if (!s->regions)
		return -ENOMEM;
	s->nr_regions = l->nr_mmz;
	for (unsigned int i = 0; i < l->nr_mmz; i++) {
		struct mmz_region *r = &s->regions[i];

		memcpy(r->name, l->mmz[i].name, sizeof(r->name));
		r->name[sizeof(r->name) - 1] = '\0';
		r->start = l->mmz[i].start;
		r->size = l->mmz[i].size;
	}
	return 0;
}

void mmz_exit(struct machine *m)
{
	struct mmz_state *s = m->mmz;

	if (!s)
		return;
	for (unsigned int i = 0; i < s->nr_regions; i++)
		free(s->regions[i].blocks);
	free(s->regions);
	free(s);
	m->mmz = NULL;
}

/* ------------------------------------------------------------------ */
/* /proc/media-mem                                                     */

/* The direct-map address of a block in a low-memory region, else 0. */
static uint64_t mmz_kvirt(const struct machine *m, const struct mmz_region *r,
			  const struct mmz_block *b)
{
	if (r->start + r->size > pfn_to_phys(m, m->lowmem_end_pfn))
		return 0;
	return m->layout.kernel.page_offset + b->phys;
}

static int fill_region(const struct machine *m, const struct mmz_region *r,
		       struct mmz_zone_snapshot *z)
{
	z->start = r->start;
	z->size = r->size;
	z->used = r->used;
	z->name = snap_strdup(r->name);
	z->blocks = snap_alloc(r->nr_blocks, sizeof(*z->blocks));
	if (!z->name || !z->blocks)
		return -ENOMEM;
	for (unsigned long j = 0; j < r->nr_blocks; j++) {
		const struct mmz_block *b = &r->blocks[j];
		struct mmz_block_snapshot *bs = &z->blocks[z->nr_blocks++];

		bs->phys = b->phys;
		bs->size = b->size;
		bs->kvirt = mmz_kvirt(m, r, b);
		bs->owner = b->owner;
		bs->name = snap_strdup(b->name);
		if (!bs->name)
			return -ENOMEM;
	}
	return 0;
}

int media_mem_fill(const struct machine *m, int pid, void *snap)
{
	struct media_mem_snapshot *mm = snap;
	unsigned int n = m->mmz ? m->mmz->nr_regions : 0;
	int err = 0;

	(void)pid;
	mm->zones = snap_alloc(n, sizeof(*mm->zones));
	if (!mm->zones)
		return -ENOMEM;
	for (unsigned int i = 0; i < n && !err; i++) {
		err = fill_region(m, &m->mmz->regions[i],
				  &mm->zones[mm->nr_zones++]);
		mm->total_kb += m->mmz->regions[i].size >> 10;
		mm->used_kb += m->mmz->regions[i].used >> 10;
		mm->block_number += m->mmz->regions[i].nr_blocks;
	}
	mm->zone_number = n;
	return err;
}

/*
 * HiSilicon's ZONE line, then what it lacks: the zone's own use, after
 * the name (as " owner=" follows each MMB's), so that a reader of the
 * vendor's line still reads ours.
 */
static void media_mem_zone(const struct mmz_zone_snapshot *z, struct seq_buf *s)
{
	seq_printf(s,
		   "+---ZONE: PHYS(0x%08" PRIX64 ", 0x%08" PRIX64
		   "), GFP=0, nBYTES=%" PRIu64
		   "KB,    NAME=\"%s\" USED=%" PRIu64 "KB\n",
		   z->start, z->start + z->size - 1, z->size >> 10, z->name,
		   z->used >> 10);
	for (size_t j = 0; j < z->nr_blocks; j++) {
		const struct mmz_block_snapshot *b = &z->blocks[j];

		seq_printf(s,
			   "   |-MMB: phys(0x%08" PRIX64 ", 0x%08" PRIX64
			   "), kvirt=0x%08" PRIX64
			   ", flags=0x00000000, length=%" PRIu64
			   "KB,    name=\"%s\" owner=%" PRId64 "\n",
			   b->phys, b->phys + b->size - 1, b->kvirt,
			   b->size >> 10, b->name, b->owner);
	}
}

int media_mem_show(const void *snap, struct seq_buf *s)
{
	const struct media_mem_snapshot *mm = snap;
	uint64_t total = mm->total_kb, used = mm->used_kb;
	uint64_t remain = total - used;

	for (size_t i = 0; i < mm->nr_zones; i++)
		media_mem_zone(&mm->zones[i], s);
	seq_printf(s,
		   "---MMZ_USE_INFO:\n total size=%" PRIu64 "KB(%" PRIu64
		   "MB),used=%" PRIu64 "KB(%" PRIu64 "MB + %" PRIu64
		   "KB),remain=%" PRIu64 "KB(%" PRIu64 "MB + %" PRIu64
		   "KB),zone_number=%" PRIu64 ",block_number=%" PRIu64 "\n",
		   total, total >> 10, used, used >> 10, used & 1023, remain,
		   remain >> 10, remain & 1023, mm->zone_number,
		   mm->block_number);
	return s->err;
}

#define MB_(member, k) SNAP_FIELD(struct mmz_block_snapshot, member, k)
static const struct snap_field mmz_block_fields[] = {
	MB_(phys, SNAP_U64),  MB_(size, SNAP_U64), MB_(kvirt, SNAP_U64),
	MB_(owner, SNAP_S64), MB_(name, SNAP_STR),
};
static const struct snap_desc mmz_block_desc =
	SNAP_DESC("MmzBlock", struct mmz_block_snapshot, mmz_block_fields);
#define MZ(member, k) SNAP_FIELD(struct mmz_zone_snapshot, member, k)
static const struct snap_field mmz_zone_fields[] = {
	MZ(name, SNAP_STR),
	MZ(start, SNAP_U64),
	MZ(size, SNAP_U64),
	MZ(used, SNAP_U64),
	SNAP_ARRAY(struct mmz_zone_snapshot, blocks, nr_blocks, SNAP_ITEMS,
		   &mmz_block_desc),
};
static const struct snap_desc mmz_zone_desc =
	SNAP_DESC("MmzZone", struct mmz_zone_snapshot, mmz_zone_fields);
#define MM_(member, k) SNAP_FIELD(struct media_mem_snapshot, member, k)
static const struct snap_field media_mem_fields[] = {
	SNAP_ARRAY(struct media_mem_snapshot, zones, nr_zones, SNAP_ITEMS,
		   &mmz_zone_desc),
	MM_(total_kb, SNAP_U64),
	MM_(used_kb, SNAP_U64),
	MM_(zone_number, SNAP_U64),
	MM_(block_number, SNAP_U64),
};
static const struct snap_desc media_mem_desc =
	SNAP_DESC("MediaMem", struct media_mem_snapshot, media_mem_fields);
const struct report_type media_mem_report = {&media_mem_desc, media_mem_fill,
					     media_mem_show};

int report_media_mem(const struct machine *m, struct seq_buf *s)
{
	return report_show(&media_mem_report, m, 0, s);
}

/* ------------------------------------------------------------------ */
/* The checker                                                         */

static int check_block(const struct machine *m, const struct mmz_region *r,
		       unsigned long j, char *why, size_t len)
{
	const struct mmz_block *b = &r->blocks[j];
	uint64_t mask = m->page_size - 1;

	if (!b->size || (b->phys & mask) || (b->size & mask) ||
	    b->phys < r->start || b->size > r->size ||
	    b->phys - r->start > r->size - b->size)
		return check_failed(why, len,
				    "MMZ block %#" PRIx64 "+%#" PRIx64
				    " is not whole pages inside region \"%s\"",
				    b->phys, b->size, r->name);
	if (j && r->blocks[j - 1].phys + r->blocks[j - 1].size > b->phys)
		return check_failed(why, len,
				    "MMZ blocks at %#" PRIx64 " and %#" PRIx64
				    " overlap or are out of order",
				    r->blocks[j - 1].phys, b->phys);
	if (b->owner < 0 || !memchr(b->name, '\0', sizeof(b->name)))
		return check_failed(why, len,
				    "MMZ block %#" PRIx64
				    " has a bad owner %d or "
				    "name",
				    b->phys, b->owner);
	return 0;
}

/* The region's pages are still boot's: reserved, media memory, no more. */
static int check_region_pages(const struct machine *m,
			      const struct mmz_region *r, char *why, size_t len)
{
	unsigned long pfn = (unsigned long)(r->start >> m->page_shift);
	unsigned long end =
		(unsigned long)((r->start + r->size) >> m->page_shift);
	uint32_t want = (1u << PG_reserved) | (1u << PG_mmz);

	for (; pfn < end; pfn++) {
		const struct page *page = pfn_to_page(m, pfn);

		if ((page->flags & (PG_STATE_MASK | (1u << PG_mmz))) != want)
			return check_failed(why, len,
					    "MMZ region \"%s\": pfn %#lx has "
					    "flags %#x",
					    r->name, pfn, page->flags);
	}
	return 0;
}

static int check_region(const struct machine *m, unsigned int i, char *why,
			size_t len)
{
	const struct mmz_region *r = &m->mmz->regions[i];
	const struct layout_region *lr = &m->layout.mmz[i];
	uint64_t used = 0;
	int err;

	if (r->start != lr->start || r->size != lr->size ||
	    strcmp(r->name, lr->name) || r->nr_blocks > r->cap)
		return check_failed(why, len,
				    "MMZ region %u \"%s\" is not the layout's",
				    i, r->name);
	for (unsigned long j = 0; j < r->nr_blocks; j++) {
		err = check_block(m, r, j, why, len);
		if (err)
			return err;
		used += r->blocks[j].size;
	}
	if (used != r->used)
		return check_failed(why, len,
				    "MMZ region \"%s\": blocks hold %#" PRIx64
				    " bytes, counted %#" PRIx64,
				    r->name, used, r->used);
	return check_region_pages(m, r, why, len);
}

int mmz_check(const struct machine *m, char *why, size_t len)
{
	unsigned long pages = 0;

	if (!m->mmz)
		return 0;
	if (m->mmz->nr_regions != m->layout.nr_mmz)
		return check_failed(why, len, "MMZ has %u regions, layout %u",
				    m->mmz->nr_regions, m->layout.nr_mmz);
	for (unsigned int i = 0; i < m->mmz->nr_regions; i++) {
		int err = check_region(m, i, why, len);

		if (err)
			return err;
		pages += (unsigned long)(m->mmz->regions[i].size >>
					 m->page_shift);
	}
	if (pages != m->reserved_pages[MB_MMZ])
		return check_failed(
			why, len,
			"MMZ regions hold %lu pages, boot reserved %lu", pages,
			m->reserved_pages[MB_MMZ]);
	return 0;
}
