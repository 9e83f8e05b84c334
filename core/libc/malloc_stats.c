/* SPDX-License-Identifier: MIT */
/*
 * malloc_stats.c - what a process's malloc tells about itself:
 * mallinfo2(3) and malloc_stats(3).
 *
 * Owns: the snapshot and the report's format, glibc's own. Must never:
 * change the heap (mallinfo2 reads malloc's state for the top chunk; the
 * report reads only the host-side counters).
 */
#include <string.h>

#include "core/libc/malloc_internal.h"

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
int report_malloc_stats(const struct machine *m, const struct mm_struct *mm,
			struct seq_buf *s)
{
	const struct malloc_stats *ms = &mm->malloc;
	uint64_t in_use = ms->heap_start ? ms->in_use_bytes + STATE_SIZE : 0;

	(void)m;
	seq_printf(s, "Arena 0:\n");
	seq_printf(s, "system bytes     = %10u\n",
		   (unsigned int)ms->heap_bytes);
	seq_printf(s, "in use bytes     = %10u\n", (unsigned int)in_use);
	seq_printf(s, "Total (incl. mmap):\n");
	seq_printf(s, "system bytes     = %10u\n",
		   (unsigned int)(ms->heap_bytes + ms->mmapped_bytes));
	seq_printf(s, "in use bytes     = %10u\n",
		   (unsigned int)(in_use + ms->mmapped_bytes));
	seq_printf(s, "max mmap regions = %10u\n",
		   (unsigned int)ms->max_mmapped_chunks);
	seq_printf(s, "max mmap bytes   = %10lu\n",
		   (unsigned long)ms->max_mmapped_bytes);
	return s->err;
}
