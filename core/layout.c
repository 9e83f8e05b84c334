/* SPDX-License-Identifier: MIT */
/*
 * layout.c - names, defaults and validation of the layout a machine boots
 * from.
 *
 * Owns: the per-architecture defaults, the zones derived from memory when a
 * layout names none, and every rule a layout must obey before a machine
 * may boot from it. Must never: read files, print, or keep state; every
 * problem goes back to the caller as a layout_error naming its key, in the
 * order the keys appear in a layout file, so the first error is the first
 * one a reader meets.
 */
#include "core/layout.h"

#include <errno.h>
#include <limits.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define DMA_LIMIT	  (16 * MiB)  /* ISA DMA reaches 24 address bits */
#define DMA32_LIMIT	  (4 * GiB)   /* 32-bit DMA */
#define I386_LOWMEM_LIMIT (896 * MiB) /* what i386 direct-maps */
#define I386_SPACE	  (4 * GiB)   /* i386 without PAE */
#define X86_64_MAX_MEMORY TiB	      /* what the simulator will map */
/* With the memmap written on first use, the host pays for what is used. */
#define X86_64_MAX_DEFERRED (4 * TiB)
#define X86_64_PHYS_LIMIT   (1ULL << 46)      /* 46 physical address bits */
#define X86_64_TASK_MAX	    0x7ffffffff000ULL /* 2^47 minus one guard page */
#define KMAP_ATOMIC_MAX	    64
#define FRAME_MIN	    64
#define FRAME_MAX	    (64 * MiB)
#define PID_SPACE	    32768 /* PID_MAX: pids are 1 .. 32767 */

static const char *const arch_names[NR_ARCHES] = {
	[ARCH_X86_64] = "x86_64",
	[ARCH_I386] = "i386",
};

static const char *const zone_names[MAX_NR_ZONES] = {
	[ZONE_DMA] = "DMA",	    [ZONE_DMA32] = "DMA32",
	[ZONE_NORMAL] = "Normal",   [ZONE_HIGHMEM] = "HighMem",
	[ZONE_MOVABLE] = "Movable",
};

/* What Linux uses on each architecture (arch/x86 page_64/32_types.h). */
struct arch_defaults {
	uint64_t memory;
	uint64_t swap;
	uint64_t image_size;
	uint64_t page_offset;
	uint64_t vmalloc_start;
	uint64_t vmalloc_size;
	uint32_t pkmap_slots;
	uint64_t task_size;
	uint64_t thread_size; /* THREAD_SIZE: PAGE_SIZE << THREAD_SIZE_ORDER */
};

static const struct arch_defaults arch_defaults[NR_ARCHES] = {
	[ARCH_X86_64] = {5 * GiB, 1 * GiB, 16 * MiB, 0xffff888000000000ULL,
			 0xffffc90000000000ULL, 32 * TiB, 0, X86_64_TASK_MAX,
			 16 * KiB},
	[ARCH_I386] = {1 * GiB, 512 * MiB, 8 * MiB, 0xC0000000ULL,
		       0xF8800000ULL, 112 * MiB, 1024, 0xC0000000ULL, 8 * KiB},
};

const char *arch_name(enum mm_arch arch)
{
	if ((unsigned int)arch >= NR_ARCHES)
		return "unknown";
	return arch_names[arch];
}

int arch_from_name(const char *name, enum mm_arch *arch)
{
	for (unsigned int a = 0; a < NR_ARCHES; a++) {
		if (strcmp(name, arch_names[a]) == 0) {
			*arch = (enum mm_arch)a;
			return 0;
		}
	}
	return -EINVAL;
}

const char *zone_type_name(enum zone_type type)
{
	if ((unsigned int)type >= MAX_NR_ZONES)
		return "unknown";
	return zone_names[type];
}

/* Case does not matter: "normal" is as clear as the kernel's "Normal". */
int zone_type_from_name(const char *name, enum zone_type *type)
{
	for (unsigned int z = 0; z < MAX_NR_ZONES; z++) {
		if (strcasecmp(name, zone_names[z]) == 0) {
			*type = (enum zone_type)z;
			return 0;
		}
	}
	return -EINVAL;
}

void layout_error_add(struct layout_errors *errs, const char *key,
		      const char *fmt, ...)
{
	struct layout_error *e;
	va_list ap;

	if (errs->nr >= LAYOUT_MAX_ERRORS)
		return; /* the first sixteen are plenty to fix first */
	e = &errs->err[errs->nr++];
	snprintf(e->key, sizeof(e->key), "%s", key);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

/*
 * The whole struct is zeroed first so that two layouts holding the same
 * values compare equal byte for byte, padding included.
 */
void layout_set_defaults(struct layout *l, enum mm_arch arch)
{
	const struct arch_defaults *d;

	if ((unsigned int)arch >= NR_ARCHES)
		arch = ARCH_X86_64;
	d = &arch_defaults[arch];
	memset(l, 0, sizeof(*l));
	strcpy(l->name, "default");
	l->arch = arch;
	l->page_size = 4096;
	l->nr_cpus = 2;
	l->memory = d->memory;
	l->seed = 1;
	l->max_order = 10;
	l->min_free_kbytes = -1;
	l->watermark_scale_factor = 10;
	l->swap_size = d->swap;
	l->kernel.image_start = 16 * MiB;
	l->kernel.image_size = d->image_size;
	l->kernel.page_offset = d->page_offset;
	l->kernel.vmalloc_start = d->vmalloc_start;
	l->kernel.vmalloc_size = d->vmalloc_size;
	l->kernel.pkmap_slots = d->pkmap_slots;
	l->kernel.kmap_atomic_slots = 16;
	l->kernel.task_size = d->task_size;
	l->kernel.thread_size = d->thread_size;
	/* Sessions are users apart: nothing crosses unless told to. */
	l->kernel.init_on_alloc = 1;
	l->kernel.debug_atomic_sleep = 1;
	strcpy(l->daemon.socket, "/run/mmd/mmd.sock");
	l->daemon.socket_mode = 0660;
	l->daemon.max_clients = 128;
	l->daemon.max_frame_bytes = 1 * MiB;
	/*
	 * A client has 10 s to say Hello and to finish a frame it began
	 * (Redis gives a whole client 0: no limit; here a slot taken before
	 * Hello is one every user is short of). Sessions may idle.
	 */
	l->daemon.hello_timeout_ms = 10000;
	l->daemon.frame_timeout_ms = 10000;
	l->limits.objects = 1048576;
	l->limits.requests = 256;
	l->limits.nofile = 1024;     /* Linux's soft RLIMIT_NOFILE */
	l->limits.memlock = 8 * MiB; /* Linux's MLOCK_LIMIT (since 5.16) */
	/* Sparse, as RAM: a large device costs nothing until written. */
	l->storage.size = 1 * GiB;
	l->storage.sector_size = 512;
	/* Linux's defaults for the vm.* sysctls. */
	l->vm.dirty_background_ratio = 10;
	l->vm.dirty_ratio = 20;
	l->vm.dirty_expire_centisecs = 3000;
	l->vm.dirty_writeback_centisecs = 500;
	l->vm.swappiness = 60;
	l->vm.extfrag_threshold = 500;
	l->vm.compaction_proactiveness = 20;
	l->vm.watermark_boost_factor = 15000;
}

static bool is_power_of_2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* A page size the arithmetic below can trust even when it is invalid. */
static uint64_t safe_page_size(const struct layout *l)
{
	return is_power_of_2(l->page_size) ? l->page_size : 4096;
}

/*
 * The largest buddy block: zones must start and end on one. An invalid
 * max_order is reported once, on its own key, not on every zone.
 */
static uint64_t max_block(const struct layout *l)
{
	uint32_t order = l->max_order;

	if (order > LAYOUT_MAX_ORDER_LIMIT)
		order = 0;
	return safe_page_size(l) << order;
}

static void add_zone(struct layout *l, enum zone_type type, uint64_t start,
		     uint64_t end)
{
	struct layout_zone *z;

	if (start >= end)
		return;
	z = &l->zones[l->nr_zones++];
	z->type = type;
	z->start = start;
	z->end = end;
}

/*
 * The zones Linux would set up for this much memory. The top is rounded
 * down to a whole buddy block; RAM past it is left out of every zone.
 */
static void derive_zones(struct layout *l)
{
	uint64_t top = l->memory & ~(max_block(l) - 1);
	uint64_t dma = top < DMA_LIMIT ? top : DMA_LIMIT;

	add_zone(l, ZONE_DMA, 0, dma);
	if (l->arch == ARCH_I386) {
		uint64_t low =
			top < I386_LOWMEM_LIMIT ? top : I386_LOWMEM_LIMIT;

		add_zone(l, ZONE_NORMAL, DMA_LIMIT, low);
		add_zone(l, ZONE_HIGHMEM, I386_LOWMEM_LIMIT, top);
	} else {
		add_zone(l, ZONE_DMA32, DMA_LIMIT,
			 top < DMA32_LIMIT ? top : DMA32_LIMIT);
		add_zone(l, ZONE_NORMAL, DMA32_LIMIT, top);
	}
}

/*
 * Linux's default RLIMIT_NPROC: half of max_threads, the tasks whose
 * kernel stacks (kernel.thread_size, THREAD_SIZE) would take an eighth
 * of memory (set_max_threads), at least 20 and below the pid space.
 */
static uint32_t default_nproc(const struct layout *l)
{
	uint64_t thread_size =
		l->kernel.thread_size ? l->kernel.thread_size : 16 * KiB;
	uint64_t max_threads = l->memory / (8 * thread_size);

	if (max_threads < 20)
		max_threads = 20;
	if (max_threads > PID_SPACE - 1)
		max_threads = PID_SPACE - 1;
	return (uint32_t)(max_threads / 2);
}

static uint32_t half_at_least_one(uint32_t n)
{
	return n / 2 ? n / 2 : 1;
}

void layout_resolve(struct layout *l)
{
	struct layout_daemon *d = &l->daemon;
	struct layout_limits *lim = &l->limits;

	if (l->nr_zones == 0)
		derive_zones(l);
	if (lim->pages == 0)
		lim->pages = l->memory / safe_page_size(l);
	if (lim->processes == 0)
		lim->processes = default_nproc(l);
	/* No one process may take more than half of a shared pool. */
	if (lim->kmap == 0)
		lim->kmap = half_at_least_one(l->kernel.pkmap_slots);
	if (lim->kmap_atomic == 0)
		lim->kmap_atomic =
			half_at_least_one(l->kernel.kmap_atomic_slots);
	if (lim->vmap_space == 0)
		lim->vmap_space = l->kernel.vmalloc_size / 8;
	/*
	 * Redis serves its admins on a path of their own; here they keep
	 * the last sixteenth of the slots, and one user may hold a quarter.
	 */
	if (d->admin_clients == 0 && d->max_clients > 1)
		d->admin_clients =
			d->max_clients / 16 ? d->max_clients / 16 : 1;
	if (d->max_clients_per_uid == 0)
		d->max_clients_per_uid =
			d->max_clients / 4 ? d->max_clients / 4 : 1;
}

void layout_default(struct layout *l)
{
	static const struct layout_region devices[] = {
		{"vga", 0xA0000, 128 * KiB},
		{"pci-bar0", 0xE0000000, 16 * MiB},
	};

	layout_set_defaults(l, ARCH_X86_64);
	/* The legacy VGA/BIOS hole and the 32-bit PCI hole of a PC. */
	l->nr_holes = 2;
	l->holes[0].start = 0xA0000;
	l->holes[0].size = 0x60000;
	l->holes[1].start = 3 * GiB;
	l->holes[1].size = 1 * GiB;
	for (unsigned int i = 0; i < 2; i++) {
		struct layout_region *r = &l->devices[l->nr_devices++];

		strcpy(r->name, devices[i].name);
		r->start = devices[i].start;
		r->size = devices[i].size;
	}
	layout_resolve(l);
}

/* ---- validation ---------------------------------------------------- */

/* One validation pass: the layout, where errors go, and key scratch. */
struct check {
	const struct layout *l;
	struct layout_errors *errs;
	uint64_t ps; /* page size, trusted for arithmetic */
	char key[64];
};

#define report(c, key, ...) layout_error_add((c)->errs, key, __VA_ARGS__)

/* Build "section[i].field" in c->key; field may be NULL. */
static const char *item_key(struct check *c, const char *section,
			    unsigned int i, const char *field)
{
	snprintf(c->key, sizeof(c->key), "%s[%u]%s%s", section, i,
		 field ? "." : "", field ? field : "");
	return c->key;
}

const char *layout_format_size(uint64_t v, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	int u = -1;

	while (u < 3 && v && !(v & 1023)) {
		v >>= 10;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%" PRIu64, v);
	else
		snprintf(buf, len, "%" PRIu64 "%c", v, units[u]);
	return buf;
}

/* Sizes read as a person writes them: 16M, 1G, else plain bytes. */
#define SZ(v) layout_format_size((v), (char[24]){0}, 24)

static bool aligned(uint64_t v, uint64_t a)
{
	return (v & (a - 1)) == 0;
}

static bool overlaps(uint64_t a, uint64_t asz, uint64_t b, uint64_t bsz)
{
	return a < b + bsz && b < a + asz;
}

static bool wraps(uint64_t start, uint64_t size)
{
	return size > UINT64_MAX - start;
}

static bool zone_present(const struct layout *l, enum zone_type type)
{
	for (unsigned int i = 0; i < l->nr_zones && i < MAX_NR_ZONES; i++)
		if (l->zones[i].type == type)
			return true;
	return false;
}

uint64_t layout_lowmem_end(const struct layout *l)
{
	uint64_t end = 0;

	for (unsigned int i = 0; i < l->nr_zones && i < MAX_NR_ZONES; i++) {
		if (l->zones[i].type == ZONE_HIGHMEM)
			return l->zones[i].start;
		end = l->zones[i].end;
	}
	return end;
}

/* Is [start, end) covered by zones, adjacent ones included? */
static bool in_zones(const struct layout *l, uint64_t start, uint64_t end)
{
	uint64_t pos = start;

	for (unsigned int pass = 0; pass <= MAX_NR_ZONES && pos < end; pass++)
		for (unsigned int i = 0; i < l->nr_zones && i < MAX_NR_ZONES;
		     i++)
			if (l->zones[i].start <= pos && pos < l->zones[i].end)
				pos = l->zones[i].end;
	return pos >= end;
}

/* The first hole [start, start + size) meets, or -1. */
static int hole_overlapping(const struct layout *l, uint64_t start,
			    uint64_t size)
{
	for (unsigned int h = 0; h < l->nr_holes && h < LAYOUT_MAX_HOLES; h++)
		if (overlaps(start, size, l->holes[h].start, l->holes[h].size))
			return (int)h;
	return -1;
}

/* Does [start, end) avoid RAM: each byte in a hole or above memory? */
static bool outside_ram(const struct layout *l, uint64_t start, uint64_t end)
{
	uint64_t pos = start;

	for (unsigned int pass = 0; pass <= LAYOUT_MAX_HOLES; pass++) {
		if (pos >= end || pos >= l->memory)
			return true;
		for (unsigned int h = 0;
		     h < l->nr_holes && h < LAYOUT_MAX_HOLES; h++) {
			const struct layout_hole *hole = &l->holes[h];

			if (hole->start <= pos &&
			    pos - hole->start < hole->size)
				pos = hole->start + hole->size;
		}
	}
	return pos >= end || pos >= l->memory;
}

static void check_name(struct check *c, const char *key, const char *name,
		       size_t max)
{
	if (strnlen(name, max) == max)
		report(c, key, "over-long name; at most %zu characters",
		       max - 1);
	else if (!name[0])
		report(c, key, "name is empty");
}

static void check_page_size(struct check *c)
{
	const struct layout *l = c->l;

	if (!is_power_of_2(l->page_size))
		report(c, "machine.page_size",
		       "page size %u is not a power of two", l->page_size);
	else if (l->page_size != 4096)
		report(c, "machine.page_size",
		       "page size %u is not supported by %s (4096)",
		       l->page_size, arch_name(l->arch));
}

static void check_memory(struct check *c)
{
	const struct layout *l = c->l;
	bool i386 = l->arch == ARCH_I386;
	bool deferred = l->kernel.deferred_struct_page_init == 1;
	uint64_t max = i386	  ? I386_SPACE
		       : deferred ? X86_64_MAX_DEFERRED
				  : X86_64_MAX_MEMORY;

	if (l->memory == 0)
		report(c, "machine.memory", "memory is zero");
	else if (!aligned(l->memory, c->ps))
		report(c, "machine.memory",
		       "memory %s is not a multiple of the page size (%s)",
		       SZ(l->memory), SZ(c->ps));
	else if (l->memory > max)
		report(c, "machine.memory", "memory %s is more than %s%s",
		       SZ(l->memory), SZ(max),
		       i386	  ? ", all i386 can address without PAE"
		       : deferred ? ", the most an x86_64 layout with "
				    "deferred_struct_page_init may have"
				  : ", the most an x86_64 layout may have");
}

static void check_machine(struct check *c)
{
	const struct layout *l = c->l;

	if ((unsigned int)l->arch >= NR_ARCHES)
		report(c, "machine.arch", "unknown architecture %u",
		       (unsigned int)l->arch);
	check_name(c, "machine.name", l->name, LAYOUT_NAME_MAX);
	check_page_size(c);
	if (l->nr_cpus == 0)
		report(c, "machine.cpus", "zero CPUs; a machine needs one");
	else if (l->nr_cpus > LAYOUT_MAX_CPUS)
		report(c, "machine.cpus", "absurdly many CPUs (%u); at most %u",
		       l->nr_cpus, LAYOUT_MAX_CPUS);
	check_memory(c);
}

/* Type rules for one zone: which the arch has, and their DMA limits. */
static void check_zone_type(struct check *c, unsigned int i)
{
	const struct layout_zone *z = &c->l->zones[i];
	const char *name = zone_type_name(z->type);

	if ((unsigned int)z->type >= MAX_NR_ZONES)
		report(c, item_key(c, "zones", i, "name"),
		       "unknown zone type %u", (unsigned int)z->type);
	else if (z->type == ZONE_HIGHMEM && c->l->arch == ARCH_X86_64)
		report(c, item_key(c, "zones", i, "name"),
		       "x86_64 has no HighMem zone; it maps all memory");
	else if (z->type == ZONE_DMA32 && c->l->arch == ARCH_I386)
		report(c, item_key(c, "zones", i, "name"),
		       "i386 has no DMA32 zone");
	else if (z->type == ZONE_DMA && z->end > DMA_LIMIT)
		report(c, item_key(c, "zones", i, "end"),
		       "the %s zone ends at %s, above 16M", name, SZ(z->end));
	else if (z->type == ZONE_DMA32 && z->end > DMA32_LIMIT)
		report(c, item_key(c, "zones", i, "end"),
		       "the %s zone ends at %s, above 4G", name, SZ(z->end));
}

/* Span rules for one zone: non-empty, block-aligned, inside memory. */
static void check_zone_span(struct check *c, unsigned int i)
{
	const struct layout_zone *z = &c->l->zones[i];
	uint64_t block = max_block(c->l);

	if (z->start >= z->end)
		report(c, item_key(c, "zones", i, "end"),
		       "end %s is not above start 0x%" PRIx64, SZ(z->end),
		       z->start);
	else if (!aligned(z->start, block))
		report(c, item_key(c, "zones", i, "start"),
		       "start 0x%" PRIx64
		       " is not aligned to the largest buddy block (%s)",
		       z->start, SZ(block));
	else if (!aligned(z->end, block))
		report(c, item_key(c, "zones", i, "end"),
		       "end %s is not aligned to the largest buddy block (%s)",
		       SZ(z->end), SZ(block));
	else if (z->end > c->l->memory)
		report(c, item_key(c, "zones", i, "end"),
		       "end %s is outside memory (%s)", SZ(z->end),
		       SZ(c->l->memory));
}

/* Order against the previous zone: by type, then by address. */
static void check_zone_order(struct check *c, unsigned int i)
{
	const struct layout_zone *z = &c->l->zones[i];
	const struct layout_zone *prev = &c->l->zones[i - 1];

	if (z->type == prev->type)
		report(c, item_key(c, "zones", i, "name"),
		       "a second %s zone; each zone type may appear once",
		       zone_type_name(z->type));
	else if (z->type < prev->type)
		report(c, item_key(c, "zones", i, "name"),
		       "the %s zone is out of order; it must come before %s",
		       zone_type_name(z->type), zone_type_name(prev->type));
	else if (z->start < prev->start)
		report(c, item_key(c, "zones", i, "start"),
		       "the %s zone is out of order; it starts below %s",
		       zone_type_name(z->type), zone_type_name(prev->type));
	else if (z->start < prev->end)
		report(c, item_key(c, "zones", i, "start"),
		       "start 0x%" PRIx64 " overlaps the %s zone, which ends "
		       "at %s",
		       z->start, zone_type_name(prev->type), SZ(prev->end));
}

static void check_zones(struct check *c)
{
	const struct layout *l = c->l;

	if (l->nr_zones == 0) {
		report(c, "zones", "no zones; a machine needs at least one");
		return;
	}
	if (l->nr_zones > MAX_NR_ZONES) {
		report(c, "zones", "%u zones; at most %u", l->nr_zones,
		       MAX_NR_ZONES);
		return;
	}
	for (unsigned int i = 0; i < l->nr_zones; i++) {
		check_zone_type(c, i);
		check_zone_span(c, i);
		if (i > 0)
			check_zone_order(c, i);
	}
}

static void check_hole(struct check *c, unsigned int i)
{
	const struct layout_hole *h = &c->l->holes[i];

	if (h->size == 0)
		report(c, item_key(c, "holes", i, "size"), "size is zero");
	else if (!aligned(h->start, c->ps))
		report(c, item_key(c, "holes", i, "start"),
		       "start 0x%" PRIx64 " is not page-aligned", h->start);
	else if (!aligned(h->size, c->ps))
		report(c, item_key(c, "holes", i, "size"),
		       "size %s is not a multiple of the page size",
		       SZ(h->size));
	else if (h->start >= c->l->memory)
		report(c, item_key(c, "holes", i, "start"),
		       "start 0x%" PRIx64 " is outside memory (%s)", h->start,
		       SZ(c->l->memory));
	else if (h->size > c->l->memory - h->start)
		report(c, item_key(c, "holes", i, "size"),
		       "the hole runs past the end of memory (%s)",
		       SZ(c->l->memory));
	else
		for (unsigned int j = 0; j < i; j++)
			if (overlaps(h->start, h->size, c->l->holes[j].start,
				     c->l->holes[j].size)) {
				report(c, item_key(c, "holes", i, "start"),
				       "the hole overlaps holes[%u]", j);
				break;
			}
}

static void check_holes(struct check *c)
{
	if (c->l->nr_holes > LAYOUT_MAX_HOLES) {
		report(c, "holes", "%u holes; at most %u", c->l->nr_holes,
		       LAYOUT_MAX_HOLES);
		return;
	}
	for (unsigned int i = 0; i < c->l->nr_holes; i++)
		check_hole(c, i);
}

static void check_buddy_and_watermarks(struct check *c)
{
	const struct layout *l = c->l;

	if (l->max_order > LAYOUT_MAX_ORDER_LIMIT)
		report(c, "buddy.max_order", "max_order %u is above %u",
		       l->max_order, LAYOUT_MAX_ORDER_LIMIT);
	if (l->min_free_kbytes < -1)
		report(c, "watermarks.min_free_kbytes",
		       "min_free_kbytes %" PRId64 " is negative",
		       l->min_free_kbytes);
	if (l->watermark_scale_factor < 1 || l->watermark_scale_factor > 3000)
		report(c, "watermarks.watermark_scale_factor",
		       "watermark_scale_factor %u is outside 1..3000",
		       l->watermark_scale_factor);
	if (!aligned(l->swap_size, c->ps))
		report(c, "swap.size",
		       "swap size %s is not a multiple of the page size",
		       SZ(l->swap_size));
	if (strspn(l->slub_debug, "FZPU") != strlen(l->slub_debug))
		report(c, "slab.debug",
		       "slab debug '%s' has letters other than F, Z, P, U",
		       l->slub_debug);
}

/*
 * RAM rules shared by the kernel image and MMZ: in zones, not in holes.
 * A start inside memory with a size that runs past its end is the size's
 * fault, so that error names the size key.
 */
static bool check_in_ram(struct check *c, const char *start_key,
			 const char *size_key, const char *what, uint64_t start,
			 uint64_t size)
{
	int h;

	if (start >= c->l->memory) {
		report(c, start_key, "%s is outside memory (%s)", what,
		       SZ(c->l->memory));
		return false;
	}
	if (size > c->l->memory - start) {
		report(c, size_key, "%s runs past the end of memory (%s)", what,
		       SZ(c->l->memory));
		return false;
	}
	h = hole_overlapping(c->l, start, size);
	if (h >= 0) {
		report(c, start_key,
		       "%s overlaps holes[%d], where there is no RAM", what, h);
		return false;
	}
	if (!in_zones(c->l, start, start + size)) {
		report(c, start_key, "%s is not inside a zone", what);
		return false;
	}
	return true;
}

static void check_image(struct check *c)
{
	const struct layout_kernel *k = &c->l->kernel;

	if (!aligned(k->image_start, c->ps))
		report(c, "kernel.image_start",
		       "image_start 0x%" PRIx64 " is not page-aligned",
		       k->image_start);
	else if (k->image_size == 0)
		report(c, "kernel.image_size", "image_size is zero");
	else if (!aligned(k->image_size, c->ps))
		report(c, "kernel.image_size",
		       "image_size %s is not a multiple of the page size",
		       SZ(k->image_size));
	else
		check_in_ram(c, "kernel.image_start", "kernel.image_size",
			     "the kernel image", k->image_start, k->image_size);
}

/* The direct map of low memory must fit in the address space. */
static bool check_direct_map(struct check *c, uint64_t low)
{
	const struct layout_kernel *k = &c->l->kernel;
	bool i386 = c->l->arch == ARCH_I386;

	if (!aligned(k->page_offset, c->ps)) {
		report(c, "kernel.page_offset",
		       "page_offset 0x%" PRIx64 " is not page-aligned",
		       k->page_offset);
		return false;
	}
	if (i386 ? k->page_offset >= I386_SPACE ||
			    low > I386_SPACE - k->page_offset
		 : wraps(k->page_offset, low)) {
		report(c, "kernel.page_offset",
		       "the direct map of %s of low memory at 0x%" PRIx64
		       " runs past the end of the address space%s",
		       SZ(low), k->page_offset,
		       i386 ? "; put memory above 896M in a HighMem zone" : "");
		return false;
	}
	return true;
}

static void check_vmalloc(struct check *c, uint64_t low, bool map_ok)
{
	const struct layout_kernel *k = &c->l->kernel;
	bool i386 = c->l->arch == ARCH_I386;

	if (!aligned(k->vmalloc_start, c->ps))
		report(c, "kernel.vmalloc_start",
		       "vmalloc_start 0x%" PRIx64 " is not page-aligned",
		       k->vmalloc_start);
	else if (k->vmalloc_size == 0 || !aligned(k->vmalloc_size, c->ps))
		report(c, "kernel.vmalloc_size",
		       "vmalloc_size %s is not a positive multiple of the "
		       "page size",
		       SZ(k->vmalloc_size));
	else if (i386 ? k->vmalloc_start >= I386_SPACE ||
				 k->vmalloc_size > I386_SPACE - k->vmalloc_start
		      : wraps(k->vmalloc_start, k->vmalloc_size))
		report(c, "kernel.vmalloc_size",
		       "the vmalloc area runs past the end of the address "
		       "space");
	else if (map_ok && overlaps(k->vmalloc_start, k->vmalloc_size,
				    k->page_offset, low))
		report(c, "kernel.vmalloc_start",
		       "the vmalloc area at 0x%" PRIx64
		       " overlaps the direct map [0x%" PRIx64 ", 0x%" PRIx64
		       ")",
		       k->vmalloc_start, k->page_offset, k->page_offset + low);
}

/* i386 maps HighMem through pkmap slots past vmalloc and a guard page. */
static void check_kmap(struct check *c)
{
	const struct layout_kernel *k = &c->l->kernel;

	if (c->l->arch == ARCH_I386 && k->vmalloc_start < I386_SPACE &&
	    k->vmalloc_size <= I386_SPACE - k->vmalloc_start) {
		uint64_t end = k->vmalloc_start + k->vmalloc_size + c->ps +
			       (uint64_t)k->pkmap_slots * c->ps;

		if (end > I386_SPACE)
			report(c, "kernel.pkmap_slots",
			       "%u pkmap slots after the vmalloc area do not "
			       "fit below 4G",
			       k->pkmap_slots);
	}
	/* HighMem on x86_64 is reported on the zone; no pkmap follows. */
	if (c->l->arch == ARCH_I386 && zone_present(c->l, ZONE_HIGHMEM) &&
	    k->pkmap_slots == 0)
		report(c, "kernel.pkmap_slots",
		       "a HighMem zone needs at least one pkmap slot");
	if (k->kmap_atomic_slots < 1 || k->kmap_atomic_slots > KMAP_ATOMIC_MAX)
		report(c, "kernel.kmap_atomic_slots",
		       "kmap_atomic_slots %u is outside 1..%u",
		       k->kmap_atomic_slots, KMAP_ATOMIC_MAX);
}

static void check_task_size(struct check *c)
{
	const struct layout_kernel *k = &c->l->kernel;

	if (k->task_size == 0 || !aligned(k->task_size, c->ps))
		report(c, "kernel.task_size",
		       "task_size 0x%" PRIx64
		       " is not a positive multiple of the page size",
		       k->task_size);
	else if (k->task_size > k->page_offset)
		report(c, "kernel.task_size",
		       "task_size 0x%" PRIx64
		       " is above page_offset 0x%" PRIx64,
		       k->task_size, k->page_offset);
	else if (c->l->arch == ARCH_X86_64 && k->task_size > X86_64_TASK_MAX)
		report(c, "kernel.task_size",
		       "task_size 0x%" PRIx64 " is above 0x%llx, the top of "
		       "x86_64 user space",
		       k->task_size, X86_64_TASK_MAX);
}

/* THREAD_SIZE is PAGE_SIZE << THREAD_SIZE_ORDER: one buddy block. */
static void check_thread_size(struct check *c)
{
	uint64_t t = c->l->kernel.thread_size;

	if (t < LAYOUT_THREAD_SIZE_MIN || t > LAYOUT_THREAD_SIZE_MAX)
		report(c, "kernel.thread_size",
		       "thread_size %s is outside 4K..64K", SZ(t));
	else if (t & (t - 1))
		report(c, "kernel.thread_size",
		       "thread_size %s is not a power of two", SZ(t));
	else if (!aligned(t, c->ps))
		report(c, "kernel.thread_size",
		       "thread_size %s is not a multiple of the page size",
		       SZ(t));
	else if (c->l->max_order < 64 &&
		 t > ((uint64_t)c->ps << c->l->max_order))
		report(c, "kernel.thread_size",
		       "thread_size %s is more than one block of max_order "
		       "%u",
		       SZ(t), c->l->max_order);
}

static void check_kernel(struct check *c)
{
	uint64_t low = layout_lowmem_end(c->l);
	bool map_ok;

	check_image(c);
	map_ok = check_direct_map(c, low);
	check_vmalloc(c, low, map_ok);
	check_kmap(c);
	check_task_size(c);
	check_thread_size(c);
	if (c->l->kernel.page_owner > 1)
		report(c, "kernel.page_owner",
		       "page_owner is 1 (record who allocated each block) or "
		       "0");
	if (c->l->kernel.init_on_alloc > 1)
		report(c, "kernel.init_on_alloc",
		       "init_on_alloc is 1 (zero) or 0 (as Linux without it)");
	if (c->l->kernel.deferred_struct_page_init > 1)
		report(c, "kernel.deferred_struct_page_init",
		       "deferred_struct_page_init is 1 (write struct pages on "
		       "first use) or 0 (all at boot)");
	if (c->l->kernel.debug_atomic_sleep > 1)
		report(c, "kernel.debug_atomic_sleep",
		       "debug_atomic_sleep is 1 (check) or 0 (no check)");
}

/* Names of MMZ or device regions: set, short, unique in their list. */
static void check_region_names(struct check *c, const char *section,
			       const struct layout_region *r, unsigned int nr)
{
	for (unsigned int i = 0; i < nr; i++) {
		const char *key = item_key(c, section, i, "name");

		check_name(c, key, r[i].name, LAYOUT_NAME_MAX);
		for (unsigned int j = 0; j < i; j++)
			if (strncmp(r[i].name, r[j].name, LAYOUT_NAME_MAX) ==
			    0) {
				report(c, key, "a second region named '%.31s'",
				       r[i].name);
				break;
			}
	}
}

/* Geometry every region shares; false when nothing further makes sense. */
static bool check_region_span(struct check *c, const char *section,
			      unsigned int i, const struct layout_region *r)
{
	if (r->size == 0)
		report(c, item_key(c, section, i, "size"), "size is zero");
	else if (!aligned(r->start, c->ps))
		report(c, item_key(c, section, i, "start"),
		       "start 0x%" PRIx64 " is not page-aligned", r->start);
	else if (!aligned(r->size, c->ps))
		report(c, item_key(c, section, i, "size"),
		       "size %s is not a multiple of the page size",
		       SZ(r->size));
	else if (wraps(r->start, r->size))
		report(c, item_key(c, section, i, "size"),
		       "the region runs past the end of the address space");
	else
		return true;
	return false;
}

/* The first earlier region of the list that r[i] overlaps, or -1. */
static int region_overlapping(const struct layout_region *r, unsigned int i)
{
	for (unsigned int j = 0; j < i; j++)
		if (overlaps(r[i].start, r[i].size, r[j].start, r[j].size))
			return (int)j;
	return -1;
}

static void check_mmz(struct check *c)
{
	const struct layout *l = c->l;

	if (l->nr_mmz > LAYOUT_MAX_REGIONS) {
		report(c, "mmz", "%u regions; at most %u", l->nr_mmz,
		       LAYOUT_MAX_REGIONS);
		return;
	}
	check_region_names(c, "mmz", l->mmz, l->nr_mmz);
	for (unsigned int i = 0; i < l->nr_mmz; i++) {
		const struct layout_region *r = &l->mmz[i];
		char size_key[64];
		int j;

		if (!check_region_span(c, "mmz", i, r))
			continue;
		snprintf(size_key, sizeof(size_key), "%s",
			 item_key(c, "mmz", i, "size"));
		if (!check_in_ram(c, item_key(c, "mmz", i, "start"), size_key,
				  "the region", r->start, r->size))
			continue;
		j = region_overlapping(l->mmz, i);
		if (j >= 0)
			report(c, item_key(c, "mmz", i, "start"),
			       "the region overlaps mmz[%d] '%.31s'", j,
			       l->mmz[j].name);
		else if (overlaps(r->start, r->size, l->kernel.image_start,
				  l->kernel.image_size))
			report(c, item_key(c, "mmz", i, "start"),
			       "the region overlaps the kernel image");
	}
}

static void check_devices(struct check *c)
{
	const struct layout *l = c->l;
	bool i386 = l->arch == ARCH_I386;
	uint64_t limit = i386 ? I386_SPACE : X86_64_PHYS_LIMIT;

	if (l->nr_devices > LAYOUT_MAX_REGIONS) {
		report(c, "devices", "%u regions; at most %u", l->nr_devices,
		       LAYOUT_MAX_REGIONS);
		return;
	}
	check_region_names(c, "devices", l->devices, l->nr_devices);
	for (unsigned int i = 0; i < l->nr_devices; i++) {
		const struct layout_region *r = &l->devices[i];
		int j;

		if (!check_region_span(c, "devices", i, r))
			continue;
		if (r->start >= limit || r->size > limit - r->start)
			report(c, item_key(c, "devices", i, "start"),
			       "the region is above %s, the top of %s's "
			       "physical address space",
			       SZ(limit), arch_name(l->arch));
		else if (!outside_ram(l, r->start, r->start + r->size))
			report(c, item_key(c, "devices", i, "start"),
			       "the region overlaps RAM; a device must sit in "
			       "a hole or above memory");
		else if ((j = region_overlapping(l->devices, i)) >= 0)
			report(c, item_key(c, "devices", i, "start"),
			       "the region overlaps devices[%d] '%.31s'", j,
			       l->devices[j].name);
	}
}

static void check_daemon(struct check *c)
{
	const struct layout_daemon *d = &c->l->daemon;

	if (strnlen(d->socket, LAYOUT_SOCKET_MAX) == LAYOUT_SOCKET_MAX)
		report(c, "daemon.socket", "socket path is %u bytes or longer",
		       LAYOUT_SOCKET_MAX);
	else if (!d->socket[0])
		report(c, "daemon.socket", "socket path is empty");
	if (d->socket_mode > 0777)
		report(c, "daemon.socket_mode",
		       "socket_mode 0%o has bits outside 0777", d->socket_mode);
	if (strnlen(d->socket_group, LAYOUT_NAME_MAX) == LAYOUT_NAME_MAX)
		report(c, "daemon.socket_group",
		       "over-long name; at most %u characters",
		       LAYOUT_NAME_MAX - 1);
	if (strnlen(d->admin_group, LAYOUT_NAME_MAX) == LAYOUT_NAME_MAX)
		report(c, "daemon.admin_group",
		       "over-long name; at most %u characters",
		       LAYOUT_NAME_MAX - 1);
	if (d->max_clients < 1)
		report(c, "daemon.max_clients", "max_clients is zero");
	else if (d->admin_clients >= d->max_clients)
		report(c, "daemon.admin_clients",
		       "admin_clients %u leaves no slot of max_clients %u to "
		       "other users",
		       d->admin_clients, d->max_clients);
	if (d->max_clients_per_uid < 1)
		report(c, "daemon.max_clients_per_uid",
		       "max_clients_per_uid is zero");
	else if (d->max_clients >= 1 && d->max_clients_per_uid > d->max_clients)
		report(c, "daemon.max_clients_per_uid",
		       "max_clients_per_uid %u is above max_clients %u",
		       d->max_clients_per_uid, d->max_clients);
	if (d->max_frame_bytes < FRAME_MIN || d->max_frame_bytes > FRAME_MAX)
		report(c, "daemon.max_frame_bytes",
		       "max_frame_bytes %s is outside 64..64M",
		       SZ(d->max_frame_bytes));
}

static void check_vm(struct check *c)
{
	const struct layout_vm *vm = &c->l->vm;

	if (vm->dirty_background_ratio > 100)
		report(c, "vm.dirty_background_ratio",
		       "dirty_background_ratio %u is above 100",
		       vm->dirty_background_ratio);
	if (vm->dirty_ratio > 100)
		report(c, "vm.dirty_ratio", "dirty_ratio %u is above 100",
		       vm->dirty_ratio);
	if (vm->swappiness > 200)
		report(c, "vm.swappiness", "swappiness %u is above 200",
		       vm->swappiness);
	if (vm->zone_reclaim_mode > INT_MAX)
		report(c, "vm.zone_reclaim_mode",
		       "zone_reclaim_mode %u is above INT_MAX",
		       vm->zone_reclaim_mode);
	if (vm->extfrag_threshold > 1000)
		report(c, "vm.extfrag_threshold",
		       "extfrag_threshold %u is above 1000",
		       vm->extfrag_threshold);
	if (vm->compaction_proactiveness > 100)
		report(c, "vm.compaction_proactiveness",
		       "compaction_proactiveness %u is above 100",
		       vm->compaction_proactiveness);
	if (vm->watermark_boost_factor > INT32_MAX)
		report(c, "vm.watermark_boost_factor",
		       "watermark_boost_factor %u is above %d",
		       vm->watermark_boost_factor, INT32_MAX);
}

uint64_t layout_storage_inodes(uint64_t size)
{
	return (size >> 14) + 64;
}

uint64_t layout_storage_meta_blocks(uint64_t size, uint64_t page_size)
{
	uint64_t blocks = size / page_size, bits = page_size * 8;

	return 1 + (blocks + bits - 1) / bits +
	       (layout_storage_inodes(size) * 128 + page_size - 1) / page_size;
}

static void check_storage(struct check *c)
{
	const struct layout_storage *st = &c->l->storage;

	if (!aligned(st->size, c->ps))
		report(c, "storage.size",
		       "storage size %s is not a multiple of the page size",
		       SZ(st->size));
	else if (st->size && layout_storage_meta_blocks(st->size, c->ps) >=
				     st->size / c->ps)
		report(c, "storage.size",
		       "storage size %s leaves no block past the filesystem's "
		       "metadata",
		       SZ(st->size));
	if (!is_power_of_2(st->sector_size) || st->sector_size < 512 ||
	    st->sector_size > c->ps)
		report(c, "storage.sector_size",
		       "sector size %u is not a power of two from 512 to the "
		       "page size",
		       st->sector_size);
}

/* Preloaded files: good names, each once, and room for all of them. */
static void check_files(struct check *c)
{
	const struct layout *l = c->l;
	uint64_t blocks = 0, meta;
	char key[32];

	if (l->nr_files > LAYOUT_MAX_FILES) {
		report(c, "files", "%u files; at most %u", l->nr_files,
		       LAYOUT_MAX_FILES);
		return;
	}
	for (unsigned int i = 0; i < l->nr_files; i++) {
		const struct layout_file *f = &l->files[i];

		snprintf(key, sizeof(key), "files[%u]", i);
		if (!f->name[0] || strchr(f->name, '/') ||
		    !strcmp(f->name, ".") || !strcmp(f->name, ".."))
			report(c, key, "a file needs a name without '/'");
		for (unsigned int j = 0; j < i; j++)
			if (!strcmp(f->name, l->files[j].name))
				report(c, key,
				       "the name '%.31s' is taken by "
				       "files[%u]",
				       f->name, j);
		if (f->size > TiB)
			report(c, key, "size %s is above 1T", SZ(f->size));
		else
			blocks += (f->size + c->ps - 1) / c->ps;
	}
	/* The first blocks are the filesystem's metadata. */
	meta = layout_storage_meta_blocks(l->storage.size, c->ps);
	if (blocks && blocks + meta > l->storage.size / c->ps)
		report(c, "files",
		       "the files need %" PRIu64 " blocks; storage "
		       "holds %" PRIu64,
		       blocks,
		       l->storage.size / c->ps > meta
			       ? l->storage.size / c->ps - meta
			       : 0);
}

static void check_limits(struct check *c)
{
	const struct layout_limits *lim = &c->l->limits;

	if (lim->pages < 1)
		report(c, "limits.pages", "pages is zero");
	if (lim->objects < 1)
		report(c, "limits.objects", "objects is zero");
	if (lim->requests < 1)
		report(c, "limits.requests", "requests is zero");
	if (lim->processes < 1)
		report(c, "limits.processes", "processes is zero");
	if (lim->kmap < 1)
		report(c, "limits.kmap", "kmap is zero");
	if (lim->kmap_atomic < 1)
		report(c, "limits.kmap_atomic", "kmap_atomic is zero");
	if (lim->nofile < 1 || lim->nofile > 1048576)
		report(c, "limits.nofile", "nofile %u is outside 1..1048576",
		       lim->nofile);
	if (lim->vmap_space < 2 * c->ps)
		report(c, "limits.vmap_space",
		       "vmap_space is below two pages (one mapped, one guard)");
}

int layout_validate(const struct layout *l, struct layout_errors *errs)
{
	struct layout_errors scratch;
	struct check c;

	if (!errs)
		errs = &scratch;
	errs->nr = 0;
	c.l = l;
	c.errs = errs;
	c.ps = safe_page_size(l);
	check_machine(&c);
	check_zones(&c);
	check_holes(&c);
	layout_validate_nodes(l, errs);
	check_buddy_and_watermarks(&c);
	check_kernel(&c);
	check_mmz(&c);
	check_devices(&c);
	layout_validate_cma(l, errs);
	check_vm(&c);
	check_storage(&c);
	check_files(&c);
	check_daemon(&c);
	check_limits(&c);
	return errs->nr ? -EINVAL : 0;
}
