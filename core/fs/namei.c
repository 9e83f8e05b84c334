/* SPDX-License-Identifier: MIT */
/*
 * namei.c - names: the root directory, the only one, its entries in a
 * hash by name, and the walk from a path to an inode with Linux's
 * errors (ENOENT, ENOTDIR, EISDIR, ENAMETOOLONG, EEXIST), unlink, and
 * the files a layout preloads.
 *
 * Owns: linking and unlinking names. Must never: free an inode that a
 * file still holds open (unlink drops the name; the last close frees).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/block/blkdev.h"
#include "core/err.h"
#include "core/fs/fs.h"

static unsigned int name_hash(const char *name, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	return h % 1024;
}

struct inode *d_lookup_at(struct machine *m, const struct inode *dir,
			  const char *name, size_t len)
{
	struct inode *i = m->fs->dir_hash[name_hash(name, len)];

	for (; i; i = i->i_hash_next)
		if (i->i_parent == dir && strlen(i->i_name) == len &&
		    !memcmp(i->i_name, name, len))
			return i;
	return NULL;
}

struct inode *d_lookup(struct machine *m, const char *name, size_t len)
{
	return d_lookup_at(m, m->fs->inodes[ROOT_INO], name, len);
}

static void d_add(struct machine *m, struct inode *dir, struct inode *inode,
		  const char *name, size_t len)
{
	inode->i_parent = dir;
	struct inode **b = &m->fs->dir_hash[name_hash(name, len)];

	memcpy(inode->i_name, name, len);
	inode->i_name[len] = '\0';
	inode->i_hash_next = *b;
	*b = inode;
}

static void d_delete(struct machine *m, struct inode *inode)
{
	struct inode **p = &m->fs->dir_hash[name_hash(inode->i_name,
						      strlen(inode->i_name))];

	while (*p != inode)
		p = &(*p)->i_hash_next;
	*p = inode->i_hash_next;
	/* The name stays, as a deleted dentry's: maps prints it. */
}

/*
 * Walk path from the root (a relative path starts there too: every
 * process's cwd is /). Components "." and ".." stay in the root; a
 * component under a regular file is ENOTDIR, under a missing one ENOENT.
 */
int path_lookup(struct machine *m, const char *path, struct nameidata *nd)
{
	struct inode *cur = m->fs->inodes[ROOT_INO];
	const char *p = path;

	memset(nd, 0, sizeof(*nd));
	if (!*p)
		return -ENOENT;
	if (strnlen(path, PATH_MAX_) >= PATH_MAX_)
		return -ENAMETOOLONG;
	while (*p) {
		size_t len;

		while (*p == '/')
			p++;
		if (!*p) {
			nd->must_be_dir = true;
			break;
		}
		if (!cur)
			return -ENOENT;
		if ((cur->i_mode & S_IFMT_) != S_IFDIR_)
			return -ENOTDIR;
		len = strcspn(p, "/");
		if (len > NAME_MAX_)
			return -ENAMETOOLONG;
		nd->last = p;
		nd->last_len = len;
		nd->dir = cur;
		if (len == 1 && p[0] == '.')
			nd->last = NULL; /* names the directory itself */
		else if (len == 2 && p[0] == '.' && p[1] == '.') {
			nd->last = NULL; /* the parent; the root's is itself */
			cur = cur->i_parent ? cur->i_parent : cur;
		} else {
			cur = d_lookup_at(m, cur, p, len);
			if (cur)
				inode_bread(m, cur); /* iget reads it */
		}
		p += len;
	}
	if (cur && nd->must_be_dir && (cur->i_mode & S_IFMT_) != S_IFDIR_)
		return -ENOTDIR;
	nd->inode = cur;
	return 0;
}

int vfs_create(struct machine *m, struct nameidata *nd, uint32_t mode,
	       struct inode **inodep)
{
	struct inode *inode;

	if (nd->must_be_dir)
		return -EISDIR;
	inode = new_inode(m, S_IFREG_ | (mode & 07777 & ~FS_UMASK));
	if (!inode)
		return -ENOSPC;
	if (!nd->dir)
		nd->dir = m->fs->inodes[ROOT_INO];
	d_add(m, nd->dir, inode, nd->last, nd->last_len);
	nd->dir->i_mtime = inode->i_ctime;
	mark_inode_dirty(m, nd->dir);
	*inodep = inode;
	return 0;
}

int do_unlinkat(struct machine *m, const char *path)
{
	struct nameidata nd;
	int err = path_lookup(m, path, &nd);

	if (err)
		return err;
	if (!nd.inode)
		return -ENOENT;
	if ((nd.inode->i_mode & S_IFMT_) == S_IFDIR_)
		return -EISDIR;
	d_delete(m, nd.inode);
	nd.inode->i_nlink = 0;
	nd.inode->i_ctime = fs_now(m);
	mark_inode_dirty(m, nd.inode); /* an orphan's record while open */
	iput_final(m, nd.inode);
	return 0;
}

struct inode *vfs_mknod(struct machine *m, struct inode *dir, const char *name,
			uint32_t mode, uint32_t rdev)
{
	struct inode *inode = new_inode(m, mode);

	if (!inode)
		return NULL;
	inode->i_rdev = rdev;
	if ((mode & S_IFMT_) == S_IFDIR_)
		inode->i_nlink = 2;
	mark_inode_dirty(m, inode);
	d_add(m, dir, inode, name, strlen(name));
	return inode;
}

void inode_path(const struct inode *inode, char *buf, size_t len)
{
	const struct inode *dir = inode->i_parent;

	if (dir && dir->i_parent)
		snprintf(buf, len, "/%s/%s", dir->i_name, inode->i_name);
	else
		snprintf(buf, len, "/%s", inode->i_name);
}

/* The byte at offset of a preloaded file (layout.h says which). */
static uint8_t pattern_byte(const struct layout_file *lf, uint64_t off)
{
	size_t n = strlen(lf->pattern);

	return n ? (uint8_t)lf->pattern[off % n] : (uint8_t)(off % 251);
}

static int preload_one(struct machine *m, const struct layout_file *lf,
		       uint8_t *buf)
{
	struct nameidata nd = {.last = lf->name, .last_len = strlen(lf->name)};
	struct inode *inode;
	int err = vfs_create(m, &nd, 0644, &inode);

	for (uint64_t b = 0; !err && b << m->page_shift < lf->size; b++) {
		uint64_t pblk, off = b << m->page_shift;

		for (uint64_t i = 0; i < m->page_size; i++)
			buf[i] = off + i < lf->size ? pattern_byte(lf, off + i)
						    : 0;
		err = inode_alloc_block(m, inode, b, &pblk);
		if (!err)
			err = bdev_write(m, pblk << m->page_shift, buf,
					 m->page_size);
	}
	if (!err)
		inode->i_size = lf->size;
	return err;
}

int fs_preload(struct machine *m)
{
	uint8_t *buf = malloc(m->page_size);
	int err = buf ? 0 : -ENOMEM;

	for (unsigned int i = 0; !err && i < m->layout.nr_files; i++)
		err = preload_one(m, &m->layout.files[i], buf);
	free(buf);
	/* The device statistics start at boot, as a freshly mounted disk's. */
	return err;
}
