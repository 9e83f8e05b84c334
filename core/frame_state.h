/* SPDX-License-Identifier: MIT */
/*
 * frame_state.h - what each physical frame is, for pictures of memory.
 *
 * A cell byte holds a frame_state in its low four bits and, for free
 * memory, the largest free block order in the cell in its high four.
 */
#ifndef MM_FRAME_STATE_H
#define MM_FRAME_STATE_H

#include <stdint.h>

#include "core/machine.h"
#include "core/seq_buf.h"

enum frame_state {
	FRAME_HOLE,	 /* no RAM behind it */
	FRAME_RESERVED,	 /* firmware, kernel image, memmap */
	FRAME_MMZ,	 /* media memory, in a block or not */
	FRAME_FREE,	 /* free in a buddy list; the order in the high bits */
	FRAME_PCP,	 /* free on a per-CPU list */
	FRAME_SLAB,	 /* slab caches */
	FRAME_PAGETABLE, /* page-table pages */
	FRAME_USER,	 /* a block a client process allocated */
	FRAME_KERNEL,	 /* every other kernel allocation */
	NR_FRAME_STATES,
};

extern const char *const frame_state_names[NR_FRAME_STATES];

/* The state of one frame (the free order through *order). */
enum frame_state frame_state(const struct machine *m, unsigned long pfn,
			     unsigned int *order);

/*
 * Summarise nr frames from start in cells of per_cell frames: each cell
 * takes the state most of its frames have. Returns the number of cells
 * written, or -EINVAL for a range outside RAM or a zero cell.
 */
long frame_cells(const struct machine *m, unsigned long start, unsigned long nr,
		 unsigned long per_cell, uint8_t *cells);

/*
 * A map of any range for a picture sized to a screen: nr frames from
 * start in at most cells cells (1 .. FRAME_CELLS_MAX). Sets *per_cell
 * (nr / cells, rounded up), or refuses with -EINVAL and a message: a
 * range outside RAM, no frames, no cells or too many.
 */
#define FRAME_CELLS_MAX 16384
int frame_cells_range(struct machine *m, uint64_t start, uint64_t nr,
		      uint64_t cells, unsigned long *per_cell);
/*
 * frame_cells over a checked range, looking at no more than
 * FRAME_SAMPLES frames of a cell, evenly spaced: a map of 64 GiB costs
 * no more than one of 256 MiB. A free block is seen whole through any
 * of its frames, so the largest order stays right at any scale.
 * Returns the number of cells written.
 */
#define FRAME_SAMPLES 64
long frame_cells_sampled(const struct machine *m, unsigned long start,
			 unsigned long nr, unsigned long per_cell,
			 uint8_t *cells);

/*
 * The same cells seen as pageblocks, for a map coloured by migrate
 * type: a cell's low four bits are the migrate type most of its
 * pageblocks have (PAGEBLOCK_CELL_HOLE when it covers only holes); bit
 * PAGEBLOCK_CELL_START says a pageblock begins inside the cell, so a
 * picture can outline each one. A pageblock is judged by its first
 * looked-at frame; at most FRAME_SAMPLES pageblocks of a cell are
 * looked at, evenly spaced. Returns the number of cells written.
 */
#define PAGEBLOCK_CELL_HOLE  0x0f
#define PAGEBLOCK_CELL_START 0x10
long pageblock_cells_sampled(const struct machine *m, unsigned long start,
			     unsigned long nr, unsigned long per_cell,
			     uint8_t *cells);

/*
 * The map of physical memory as text, zone by zone, one character per
 * cell of frames (about 4096 cells in all): ' ' hole, '#' reserved, 'M'
 * MMZ, '0'..'9' 'a'..'f' free (the largest order in the cell), 'p' on a
 * per-CPU list, 's' slab, 't' page tables, 'u' a process's, 'k' other
 * kernel memory.
 */
int report_frames(const struct machine *m, struct seq_buf *s);
/*
 * Its snapshot (mm.proto's Frames): the pages per cell, the states'
 * names by number (frame_state_names), and each zone that spans frames
 * with its cells, each a cell byte (the state in the low four bits, a
 * free cell's largest order in the high four), as many as the text's
 * characters.
 */
struct frames_zone_snapshot {
	uint64_t node;
	char zone[16];
	uint64_t start_pfn, pages; /* pages: spanned */
	uint64_t *cells;
	size_t nr_cells;
};
struct frames_snapshot {
	uint64_t pages_per_cell;
	char **states;
	size_t nr_states;
	uint64_t nr_nodes; /* the text names a zone's node when > 1 */
	struct frames_zone_snapshot *zones;
	size_t nr_zones;
};
extern const struct report_type frames_report;

/*
 * Every pageblock, zone by zone: its migrate type (as show_mem's
 * letters: U M R H C I; '-' when its first frame has no RAM, a block
 * pagetypeinfo does not count) and how many of its frames are free (buddy or
 * per-CPU), movable (on an LRU list: compaction may move them), other
 * allocated memory (unmovable for compaction), and no RAM or reserved,
 * every node's zones. A machine of more than PAGEBLOCKS_MAX pageblocks
 * (128 GiB on x86_64) is drawn as the frame map is: an entry stands for
 * pageblocks_per_entry of them (a power of two, so that at most
 * PAGEBLOCK_LINES entries remain), its type the one most of at most
 * FRAME_SAMPLES evenly spaced ones have, its counts theirs scaled to
 * the entry's pages (pages_per_block is then the entry's).
 */
#define PAGEBLOCKS_MAX	65536
#define PAGEBLOCK_LINES 4096
struct pageblock_snapshot {
	uint64_t pfn;
	char type[16]; /* migratetype_names[]'s, "" for the text's '-' */
	uint64_t free, movable, unmovable, absent; /* pages */
};
struct pageblock_zone_snapshot {
	uint64_t node;
	char zone[16];
	uint64_t start_pfn, pages; /* pages: spanned */
	struct pageblock_snapshot *blocks;
	size_t nr_blocks;
};
struct pageblocks_snapshot {
	uint64_t pages_per_block;      /* an entry's pages */
	uint64_t pageblocks_per_entry; /* 1, or a power of two past the max */
	struct pageblock_zone_snapshot *zones; /* the zones that span */
	size_t nr_zones;
};
extern const struct report_type pageblocks_report;
int report_pageblocks(const struct machine *m, struct seq_buf *s);

#endif /* MM_FRAME_STATE_H */
