/*
 * vmalloc.c - vmalloc, vmap and ioremap over the layout's vmalloc area.
 */
#include "core/vmalloc.h"

int vmalloc_init(struct machine *m)
{
	(void)m;
	return 0;
}

void vmalloc_exit(struct machine *m)
{
	(void)m;
}

int vmalloc_check(const struct machine *m, char *why, size_t len)
{
	(void)m;
	(void)why;
	(void)len;
	return 0;
}

unsigned long vmalloc_release(struct machine *m, int pid)
{
	(void)m;
	(void)pid;
	return 0;
}

unsigned long vmalloc_used_pages(const struct machine *m)
{
	(void)m;
	return 0;
}

int report_vmallocinfo(const struct machine *m, struct seq_buf *s)
{
	(void)m;
	return s->err;
}
