/*
 * readahead.c - the readahead(2) call, as mm/readahead.c's
 * ksys_readahead: a file open for reading, a regular file, then the
 * WILLNEED advice over the range.
 *
 * Owns: readahead's checks (a negative offset is no error, as on
 * Linux). Must never: read past the end of a file.
 */
#include <errno.h>

#include "core/fs/fs.h"
#include "core/mm.h"

int ksys_readahead(struct machine *m, struct file *f, int64_t offset,
		   uint64_t count)
{
	if (!(f->f_mode & FMODE_READ))
		return -EBADF;
	if ((f->f_inode->i_mode & S_IFMT_) != S_IFREG_)
		return -EINVAL;
	return vfs_fadvise(m, f, offset,
			   (int64_t)(count > INT64_MAX ? INT64_MAX : count),
			   POSIX_FADV_WILLNEED);
}
