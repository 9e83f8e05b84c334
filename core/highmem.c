/*
 * highmem.c - kmap and kmap_atomic of high memory.
 */
#include "core/highmem.h"

int highmem_init(struct machine *m)
{
	(void)m;
	return 0;
}

void highmem_exit(struct machine *m)
{
	(void)m;
}

int highmem_check(const struct machine *m, char *why, size_t len)
{
	(void)m;
	(void)why;
	(void)len;
	return 0;
}

unsigned long highmem_release(struct machine *m, int pid)
{
	(void)m;
	(void)pid;
	return 0;
}

