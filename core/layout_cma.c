/* SPDX-License-Identifier: MIT */
/*
 * layout_cma.c - the rules a layout's cma: areas must keep.
 *
 * Owns: the validation of CMA areas as cma_declare_contiguous and
 * cma_init_reserved_mem check them: a size of whole pageblocks (and of
 * whole bitmap bits), a base on that alignment inside RAM and inside
 * one zone (and its node), no overlap with the kernel image, an MMZ
 * region or another area. Must never: boot anything or print; every
 * problem is a layout_error naming its key ("cma[0].base"), for the
 * loader's file:line:col.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "core/layout.h"

#define SZ(v) layout_format_size((v), (char[24]){0}, 24)

static const char *cma_key(char *key, size_t len, unsigned int i,
			   const char *field)
{
	snprintf(key, len, "cma[%u].%s", i, field);
	return key;
}

static bool overlaps(uint64_t a, uint64_t asz, uint64_t b, uint64_t bsz)
{
	return a < b + bsz && b < a + asz;
}

uint64_t layout_pageblock_bytes(const struct layout *l)
{
	unsigned int order = l->arch == ARCH_I386 ? 10 : 9;

	if (l->max_order < order)
		order = l->max_order;
	return (uint64_t)l->page_size << order;
}

/* An area's alignment: a pageblock, or one bitmap bit when larger. */
static uint64_t cma_align(const struct layout *l, const struct layout_cma *a)
{
	uint64_t pb = layout_pageblock_bytes(l);
	uint64_t bit = (uint64_t)l->page_size << a->order_per_bit;

	return bit > pb ? bit : pb;
}

static void check_cma_name(const struct layout *l, struct layout_errors *e,
			   unsigned int i)
{
	const char *name = l->cma[i].name;
	char key[64];

	cma_key(key, sizeof(key), i, "name");
	if (strnlen(name, LAYOUT_NAME_MAX) == LAYOUT_NAME_MAX) {
		layout_error_add(e, key,
				 "over-long name; at most %d characters",
				 LAYOUT_NAME_MAX - 1);
		return;
	}
	if (!name[0] || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, "..")) {
		layout_error_add(e, key,
				 "'%s' cannot name a directory of "
				 "/sys/kernel/mm/cma",
				 name);
		return;
	}
	for (unsigned int j = 0; j < i; j++)
		if (!strncmp(name, l->cma[j].name, LAYOUT_NAME_MAX)) {
			layout_error_add(e, key, "a second area named '%.31s'",
					 name);
			return;
		}
}

/* Is [start, end) inside one zone (and node)? -1 if not, else the zone. */
static int zone_holding(const struct layout *l, uint64_t start, uint64_t end)
{
	for (unsigned int z = 0; z < l->nr_zones && z < MAX_NR_ZONES; z++)
		if (l->zones[z].start <= start && end <= l->zones[z].end)
			return (int)z;
	return -1;
}

static bool in_one_node(const struct layout *l, uint64_t start, uint64_t size)
{
	for (unsigned int i = 0; i < l->nr_nodes && i < MAX_NUMNODES; i++)
		if (l->nodes[i].start <= start &&
		    start + size <= l->nodes[i].end)
			return true;
	return false;
}

static bool in_hole(const struct layout *l, uint64_t start, uint64_t size)
{
	for (unsigned int h = 0; h < l->nr_holes && h < LAYOUT_MAX_HOLES; h++)
		if (overlaps(start, size, l->holes[h].start, l->holes[h].size))
			return true;
	return false;
}

/* What a fixed base overlaps: the image, an MMZ region, an area. */
static void check_cma_overlap(const struct layout *l, struct layout_errors *e,
			      unsigned int i, const char *key)
{
	const struct layout_cma *a = &l->cma[i];

	if (overlaps(a->base, a->size, l->kernel.image_start,
		     l->kernel.image_size)) {
		layout_error_add(e, key, "the area overlaps the kernel image");
		return;
	}
	for (unsigned int j = 0; j < l->nr_mmz && j < LAYOUT_MAX_REGIONS; j++)
		if (overlaps(a->base, a->size, l->mmz[j].start,
			     l->mmz[j].size)) {
			layout_error_add(e, key,
					 "the area overlaps mmz[%u] '%.31s'", j,
					 l->mmz[j].name);
			return;
		}
	for (unsigned int j = 0; j < i; j++)
		if (l->cma[j].base && overlaps(a->base, a->size, l->cma[j].base,
					       l->cma[j].size)) {
			layout_error_add(e, key,
					 "the area overlaps cma[%u] '%.31s'", j,
					 l->cma[j].name);
			return;
		}
}

static void check_cma_base(const struct layout *l, struct layout_errors *e,
			   unsigned int i)
{
	const struct layout_cma *a = &l->cma[i];
	bool any = a->node == LAYOUT_CMA_ANY_NODE || !l->nr_nodes;
	const struct layout_node *n = any ? NULL : &l->nodes[a->node];
	char key[64];

	cma_key(key, sizeof(key), i, "base");
	if (a->base & (cma_align(l, a) - 1)) {
		layout_error_add(e, key,
				 "base 0x%" PRIx64 " is not on a %s boundary "
				 "(a pageblock, or a bitmap bit)",
				 a->base, SZ(cma_align(l, a)));
		return;
	}
	if (a->base >= l->memory || a->size > l->memory - a->base) {
		layout_error_add(e, key, "the area runs past memory (%s)",
				 SZ(l->memory));
		return;
	}
	if (in_hole(l, a->base, a->size)) {
		layout_error_add(e, key, "the area overlaps a hole");
		return;
	}
	if (zone_holding(l, a->base, a->base + a->size) < 0) {
		layout_error_add(e, key, "the area is not inside one zone");
		return;
	}
	if (n && (a->base < n->start || a->base + a->size > n->end)) {
		layout_error_add(e, key, "the area is not inside node %u",
				 a->node);
		return;
	}
	/* A node's bounds cut its zones: one zone is one node's too. */
	if (!n && l->nr_nodes && !in_one_node(l, a->base, a->size)) {
		layout_error_add(e, key, "the area is not inside one node");
		return;
	}
	check_cma_overlap(l, e, i, key);
}

static void check_cma_area(const struct layout *l, struct layout_errors *e,
			   unsigned int i)
{
	const struct layout_cma *a = &l->cma[i];
	unsigned int nodes = l->nr_nodes ? l->nr_nodes : 1;
	char key[64];

	check_cma_name(l, e, i);
	if (a->order_per_bit > LAYOUT_CMA_MAX_ORDER_PER_BIT) {
		layout_error_add(
			e, cma_key(key, sizeof(key), i, "order_per_bit"),
			"order_per_bit %u is above %d", a->order_per_bit,
			LAYOUT_CMA_MAX_ORDER_PER_BIT);
		return;
	}
	if (a->node != LAYOUT_CMA_ANY_NODE && a->node >= nodes) {
		layout_error_add(e, cma_key(key, sizeof(key), i, "node"),
				 "node %u does not exist (%u nodes)", a->node,
				 nodes);
		return;
	}
	cma_key(key, sizeof(key), i, "size");
	if (!a->size) {
		layout_error_add(e, key, "size is zero");
		return;
	}
	if (a->size & (cma_align(l, a) - 1)) {
		layout_error_add(e, key,
				 "size %s is not a multiple of %s (a "
				 "pageblock, or a bitmap bit)",
				 SZ(a->size), SZ(cma_align(l, a)));
		return;
	}
	if (a->size > l->memory) {
		layout_error_add(e, key, "size %s is above memory (%s)",
				 SZ(a->size), SZ(l->memory));
		return;
	}
	if (a->base)
		check_cma_base(l, e, i);
}

void layout_validate_cma(const struct layout *l, struct layout_errors *e)
{
	if (l->nr_cma > LAYOUT_MAX_CMA) {
		layout_error_add(e, "cma", "%u areas; at most %d", l->nr_cma,
				 LAYOUT_MAX_CMA);
		return;
	}
	/* Alignment needs a sane page size and max_order first. */
	if (!l->page_size || (l->page_size & (l->page_size - 1)) ||
	    l->max_order > LAYOUT_MAX_ORDER_LIMIT)
		return;
	for (unsigned int i = 0; i < l->nr_cma; i++)
		check_cma_area(l, e, i);
}
