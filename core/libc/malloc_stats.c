/* SPDX-License-Identifier: MIT */
/*
 * malloc_stats.c - what a process's malloc tells about itself:
 * mallinfo2(3) and malloc_stats(3).
 *
 * Owns: the snapshot and the report's format, glibc's own. Must never:
 * change the heap (mallinfo2 reads malloc's state for the top chunk; the
 * report reads only the host-side counters).
 */
#include <errno.h>
#include <string.h>

#include "core/libc/malloc_internal.h"
#include "core/pid.h"
#include "core/task.h"

int user_mallinfo(struct machine *m, struct mm_struct *mm,
		  struct user_mallinfo *mi)
{
	const struct malloc_stats *ms = &mm->malloc;
	struct mctx c;
	int err = malloc_begin(&c, m, mm, "mallinfo2", false);

	memset(mi, 0, sizeof(*mi));
	if (err)
		return err == 1 ? 0 : malloc_end(&c, err);
	mi->arena = ms->heap_bytes;
	mi->keepcost = c.st.end - c.st.top;
	mi->ordblks = ms->free_chunks + (mi->keepcost ? 1 : 0);
	mi->hblks = ms->mmapped_chunks;
	mi->hblkhd = ms->mmapped_bytes;
	mi->usmblks = ms->max_total_bytes;
	mi->uordblks = ms->in_use_bytes + STATE_SIZE;
	mi->fordblks = ms->heap_bytes - mi->uordblks;
	return malloc_end(&c, 0);
}

/*
 * As glibc's malloc_stats: the one arena, then the totals with the
 * mmapped chunks. In use counts malloc's own state with the chunks, so
 * that system bytes less in-use bytes is what lies free.
 */
static void malloc_stats_of(const struct mm_struct *mm,
			    struct malloc_stats_snapshot *st)
{
	const struct malloc_stats *ms = &mm->malloc;
	uint64_t in_use = ms->heap_start ? ms->in_use_bytes + STATE_SIZE : 0;

	st->arena_0.system_bytes = ms->heap_bytes;
	st->arena_0.in_use_bytes = in_use;
	st->total.system_bytes = ms->heap_bytes + ms->mmapped_bytes;
	st->total.in_use_bytes = in_use + ms->mmapped_bytes;
	st->max_mmap_regions = ms->max_mmapped_chunks;
	st->max_mmap_bytes = ms->max_mmapped_bytes;
}

int malloc_stats_fill(const struct machine *m, int pid, void *snap)
{
	const struct task_struct *t = find_task_by_pid(m, pid);

	if (!t || !t->mm)
		return -ESRCH;
	malloc_stats_of(t->mm, snap);
	return 0;
}

/* glibc's words and widths (%10u: its counters are ints). */
int malloc_stats_show(const void *snap, struct seq_buf *s)
{
	const struct malloc_stats_snapshot *st = snap;

	seq_printf(s, "Arena 0:\n");
	seq_printf(s, "system bytes     = %10u\n",
		   (unsigned int)st->arena_0.system_bytes);
	seq_printf(s, "in use bytes     = %10u\n",
		   (unsigned int)st->arena_0.in_use_bytes);
	seq_printf(s, "Total (incl. mmap):\n");
	seq_printf(s, "system bytes     = %10u\n",
		   (unsigned int)st->total.system_bytes);
	seq_printf(s, "in use bytes     = %10u\n",
		   (unsigned int)st->total.in_use_bytes);
	seq_printf(s, "max mmap regions = %10u\n",
		   (unsigned int)st->max_mmap_regions);
	seq_printf(s, "max mmap bytes   = %10lu\n",
		   (unsigned long)st->max_mmap_bytes);
	return s->err;
}

#define MA(member) SNAP_FIELD(struct malloc_arena_snapshot, member, SNAP_U64)
static const struct snap_field malloc_arena_fields[] = {
	MA(system_bytes),
	MA(in_use_bytes),
};
static const struct snap_desc malloc_arena_desc = SNAP_DESC(
	"MallocArena", struct malloc_arena_snapshot, malloc_arena_fields);
static const struct snap_field malloc_stats_fields[] = {
	SNAP_ONE(struct malloc_stats_snapshot, arena_0, &malloc_arena_desc),
	SNAP_ONE(struct malloc_stats_snapshot, total, &malloc_arena_desc),
	SNAP_FIELD(struct malloc_stats_snapshot, max_mmap_regions, SNAP_U64),
	SNAP_FIELD(struct malloc_stats_snapshot, max_mmap_bytes, SNAP_U64),
};
static const struct snap_desc malloc_stats_desc = SNAP_DESC(
	"MallocStats", struct malloc_stats_snapshot, malloc_stats_fields);
const struct report_type malloc_stats_report = {
	&malloc_stats_desc, malloc_stats_fill, malloc_stats_show};

int report_malloc_stats(const struct machine *m, const struct mm_struct *mm,
			struct seq_buf *s)
{
	struct malloc_stats_snapshot st = {{0, 0}, {0, 0}, 0, 0};

	(void)m;
	malloc_stats_of(mm, &st);
	return malloc_stats_show(&st, s);
}
