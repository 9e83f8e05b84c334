/* SPDX-License-Identifier: MIT */
/*
 * sections.c - the kernel image's sections, from the layout alone.
 *
 * Owns: kernel_sections(), the arithmetic sections.h describes. Must
 * never: read anything but the layout, so that any file, however low,
 * may ask where a section lies.
 */
#include "core/sections.h"

/* A fraction of the image, cut on a page. */
static uint64_t image_part(const struct layout *l, unsigned int eighths)
{
	uint64_t part = l->kernel.image_size / 8 * eighths;

	return part & ~((uint64_t)l->page_size - 1);
}

void kernel_sections(const struct layout *l, struct kernel_sections *ks)
{
	uint64_t base = l->arch == ARCH_X86_64 ? __START_KERNEL_map
					       : l->kernel.page_offset;
	uint64_t text = base + l->kernel.image_start;

	ks->text = text;
	ks->etext = text + image_part(l, 4);
	ks->sdata = ks->etext;
	ks->edata = text + image_part(l, 6);
	ks->init_begin = ks->edata;
	ks->init_end = text + image_part(l, 7);
	ks->bss_start = ks->init_end;
	ks->end = text + l->kernel.image_size;
	ks->per_cpu_start = l->arch == ARCH_X86_64 ? 0 : ks->init_begin;
}
