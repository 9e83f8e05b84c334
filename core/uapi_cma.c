/* SPDX-License-Identifier: MIT */
/*
 * uapi_cma.c - the CMA calls a client process may make: cma_alloc and
 * cma_release on the layout's areas, and (admins) alloc_contig_range
 * and free_contig_range on any frames.
 *
 * Owns: requiring a current task, whose allocations these are (charged
 * to it, given back at its exit). Must never: let a process release
 * another's allocation unless the session is an admin's.
 */
#include <errno.h>

#include "core/cma.h"
#include "core/err.h"
#include "core/task.h"
#include "core/uapi.h"

static bool has_current_task(struct machine *m)
{
	if (find_task_by_pid(m, m->current_pid))
		return true;
	mm_refuse(m, BAD_NONE, -ESRCH,
		  "no current task: connect as a process first");
	return false;
}

int uapi_cma_alloc(struct machine *m, const char *name, uint64_t count,
		   uint32_t align, unsigned long *pfn)
{
	if (!has_current_task(m))
		return -ESRCH;
	return cma_alloc(m, name, count, align, pfn);
}

int uapi_cma_release(struct machine *m, const char *name, uint64_t pfn,
		     uint64_t count, bool admin)
{
	if (!has_current_task(m))
		return -ESRCH;
	return cma_release(m, name, pfn, count, admin);
}

int uapi_alloc_contig_range(struct machine *m, uint64_t start_pfn,
			    uint64_t end_pfn)
{
	if (!has_current_task(m))
		return -ESRCH;
	return cma_alloc_contig(m, start_pfn, end_pfn);
}

int uapi_free_contig_range(struct machine *m, uint64_t start_pfn,
			   uint64_t end_pfn)
{
	if (!has_current_task(m))
		return -ESRCH;
	return cma_free_contig(m, start_pfn, end_pfn);
}
