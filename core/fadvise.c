/*
 * fadvise.c - posix_fadvise(2), as mm/fadvise.c: POSIX_FADV_NORMAL,
 * RANDOM, SEQUENTIAL, WILLNEED, DONTNEED and NOREUSE, checked as Linux
 * checks them (a negative length or unknown advice is -EINVAL).
 *
 * Owns: the advice's rules. Must never: fail on a range past the end of
 * the file (advice about bytes that are not there does nothing).
 */
#include <errno.h>

#include "core/fs/fs.h"
#include "core/mm.h"

int vfs_fadvise(struct machine *m, struct file *f, int64_t offset, int64_t len,
		int advice)
{
	(void)m;
	(void)f;
	(void)offset;
	if (len < 0)
		return -EINVAL;
	switch (advice) {
	case POSIX_FADV_NORMAL:
	case POSIX_FADV_RANDOM:
	case POSIX_FADV_SEQUENTIAL:
	case POSIX_FADV_WILLNEED:
	case POSIX_FADV_DONTNEED:
	case POSIX_FADV_NOREUSE:
		/* Reads and writes go to the device as they are made: no
		 * cached page to read ahead or drop. */
		return 0;
	default:
		return -EINVAL;
	}
}
