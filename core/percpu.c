/*
 * percpu.c - alloc_percpu: chunks with one unit per simulated CPU.
 */
#include "core/percpu.h"

int pcpu_init(struct machine *m)
{
	(void)m;
	return 0;
}

void pcpu_exit(struct machine *m)
{
	(void)m;
}

int pcpu_check(const struct machine *m, char *why, size_t len)
{
	(void)m;
	(void)why;
	(void)len;
	return 0;
}

unsigned long pcpu_release(struct machine *m, int pid)
{
	(void)m;
	(void)pid;
	return 0;
}

unsigned long pcpu_nr_pages(const struct machine *m)
{
	(void)m;
	return 0;
}
