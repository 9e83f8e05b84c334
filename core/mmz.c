/*
 * mmz.c - media memory zones: blocks carved from the layout'\''s MMZ regions.
 */
#include "core/mmz.h"

int mmz_init(struct machine *m)
{
	(void)m;
	return 0;
}

void mmz_exit(struct machine *m)
{
	(void)m;
}

int mmz_check(const struct machine *m, char *why, size_t len)
{
	(void)m;
	(void)why;
	(void)len;
	return 0;
}

unsigned long mmz_release(struct machine *m, int pid)
{
	(void)m;
	(void)pid;
	return 0;
}

unsigned long mmz_free_pages(const struct machine *m)
{
	return m->reserved_pages[MB_MMZ];
}

int report_media_mem(const struct machine *m, struct seq_buf *s)
{
	(void)m;
	return s->err;
}
