/* SPDX-License-Identifier: MIT */
/*
 * ldt.c - each process's local descriptor table and modify_ldt(2), as
 * arch/x86/kernel/ldt.c.
 *
 * Owns: building, swapping in, copying and freeing a process's LDT, the
 * descriptors user space may ask for (fill_ldt), and the syscall's
 * three reads and two writes with Linux's errors. Must never: write an
 * installed table (a write copies the table, changes the copy and swaps
 * it in, as write_ldt does), or leave a table behind its address space.
 *
 * A table is made only by a write, holds entry_number + 1 entries or
 * the old count if larger, and never shrinks: clearing an entry writes
 * a zero descriptor. Each descriptor write_ldt makes is a code or data
 * segment of DPL 3 with the accessed bit already set (so that the CPU
 * never needs to write to a table it maps read-only), its L bit clear.
 *
 * Both architectures have the syscall (x86_64 Linux keeps it for 16-
 * and 32-bit code); only i386 layouts translate through the table.
 */
#include "core/ldt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/err.h"
#include "core/gfp.h"
#include "core/mm.h"
#include "core/page_alloc.h"
#include "core/snapshot.h"
#include "core/segment.h"
#include "core/task.h"
#include "core/vmalloc.h"

/* ------------------------------------------------------------------ */
/* struct user_desc                                                    */

static uint32_t get_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

struct user_desc user_desc_unpack(const uint8_t raw[USER_DESC_SIZE])
{
	uint32_t flags = get_le32(raw + 12);

	return (struct user_desc){
		.entry_number = get_le32(raw),
		.base_addr = get_le32(raw + 4),
		.limit = get_le32(raw + 8),
		.seg_32bit = flags & 1,
		.contents = (flags >> 1) & 3,
		.read_exec_only = (flags >> 3) & 1,
		.limit_in_pages = (flags >> 4) & 1,
		.seg_not_present = (flags >> 5) & 1,
		.useable = (flags >> 6) & 1,
		.lm = (flags >> 7) & 1,
	};
}

void user_desc_pack(const struct user_desc *info, uint8_t raw[USER_DESC_SIZE])
{
	put_le32(raw, info->entry_number);
	put_le32(raw + 4, info->base_addr);
	put_le32(raw + 8, info->limit);
	put_le32(raw + 12, (info->seg_32bit & 1) | (info->contents & 3) << 1 |
				   (info->read_exec_only & 1) << 3 |
				   (info->limit_in_pages & 1) << 4 |
				   (info->seg_not_present & 1) << 5 |
				   (info->useable & 1) << 6 |
				   (info->lm & 1) << 7);
}

/* LDT_empty: the one user_desc that asks for an entry to be cleared. */
static bool ldt_empty(const struct machine *m, const struct user_desc *info)
{
	return !info->base_addr && !info->limit && !info->contents &&
	       info->read_exec_only && !info->seg_32bit &&
	       !info->limit_in_pages && info->seg_not_present &&
	       !info->useable && (m->layout.arch != ARCH_X86_64 || !info->lm);
}

/* fill_ldt: a DPL 3 code or data segment, accessed, never long mode. */
static uint64_t fill_ldt(const struct user_desc *info)
{
	struct desc_struct d = {
		.limit0 = (uint16_t)info->limit,
		.base0 = (uint16_t)info->base_addr,
		.base1 = (uint8_t)(info->base_addr >> 16),
		.type = (uint8_t)((info->read_exec_only ^ 1) << 1 |
				  info->contents << 2 | _DESC_ACCESSED),
		.s = 1,
		.dpl = 3,
		.p = info->seg_not_present ^ 1,
		.limit1 = (info->limit >> 16) & 0xf,
		.avl = (uint8_t)info->useable,
		.d = (uint8_t)info->seg_32bit,
		.g = (uint8_t)info->limit_in_pages,
		.base2 = (uint8_t)(info->base_addr >> 24),
	};

	return desc_pack(&d);
}

/* ------------------------------------------------------------------ */
/* Tables in RAM                                                       */

/* The bytes of entry i: through the direct map, or the vmalloc pages. */
static uint8_t *ldt_entry_ram(const struct machine *m,
			      const struct ldt_struct *ldt, unsigned int i)
{
	uint64_t addr = ldt->entries + (uint64_t)i * LDT_ENTRY_SIZE;
	unsigned long pfn;

	if (ldt->vmalloced) {
		if (vmalloc_to_pfn(m, addr, &pfn))
			return NULL;
	} else {
		const struct page *page = virt_to_page(m, addr);

		if (!page)
			return NULL;
		pfn = page_to_pfn(m, page);
	}
	return pfn_to_ram(m, pfn) + (addr & (m->page_size - 1));
}

static uint64_t ldt_get(const struct machine *m, const struct ldt_struct *ldt,
			unsigned int i)
{
	const uint8_t *p = ldt_entry_ram(m, ldt, i);

	return p ? desc_load(p) : 0;
}

static void ldt_put(const struct machine *m, const struct ldt_struct *ldt,
		    unsigned int i, uint64_t raw)
{
	uint8_t *p = ldt_entry_ram(m, ldt, i);

	if (p)
		desc_store(p, raw);
}

static void free_ldt_struct(struct machine *m, struct ldt_struct *ldt)
{
	int saved = m->current_pid;

	if (!ldt)
		return;
	m->current_pid = 0;
	if (ldt->vmalloced)
		vfree(m, ldt->entries);
	else
		free_pages(m, ldt->entries, 0);
	m->current_pid = saved;
	free(ldt);
}

/* alloc_ldt_struct: a zeroed page, or vzalloc past a page; the kernel's. */
static struct ldt_struct *alloc_ldt_struct(struct machine *m,
					   unsigned int nr_entries)
{
	struct ldt_struct *ldt = calloc(1, sizeof(*ldt));
	unsigned long size = (unsigned long)nr_entries * LDT_ENTRY_SIZE;
	int saved = m->current_pid, err;

	if (!ldt)
		return NULL;
	ldt->nr_entries = nr_entries;
	ldt->vmalloced = size > m->page_size;
	m->current_pid = 0;
	err = ldt->vmalloced ? vzalloc(m, size, &ldt->entries)
			     : get_zeroed_page(m, GFP_KERNEL, &ldt->entries);
	m->current_pid = saved;
	if (err) {
		free(ldt);
		return NULL;
	}
	return ldt;
}

/* A new table of nr entries holding old's, or NULL for no memory. */
static struct ldt_struct *
ldt_copy(struct machine *m, const struct ldt_struct *old, unsigned int nr)
{
	struct ldt_struct *ldt = alloc_ldt_struct(m, nr);

	for (unsigned int i = 0; ldt && old && i < old->nr_entries; i++)
		ldt_put(m, ldt, i, ldt_get(m, old, i));
	return ldt;
}

int ldt_dup_context(struct machine *m, const struct mm_struct *oldmm,
		    struct mm_struct *mm)
{
	if (!oldmm->ldt)
		return 0;
	mm->ldt = ldt_copy(m, oldmm->ldt, oldmm->ldt->nr_entries);
	return mm->ldt ? 0 : -ENOMEM;
}

void destroy_context_ldt(struct machine *m, struct mm_struct *mm)
{
	free_ldt_struct(m, mm->ldt);
	mm->ldt = NULL;
}

int ldt_read(const struct machine *m, const struct mm_struct *mm,
	     unsigned int index, uint64_t *raw)
{
	if (!mm->ldt || index >= mm->ldt->nr_entries)
		return -EINVAL;
	*raw = ldt_get(m, mm->ldt, index);
	return 0;
}

void ldt_set_accessed(struct machine *m, const struct mm_struct *mm,
		      unsigned int index)
{
	uint64_t raw;

	if (!ldt_read(m, mm, index, &raw))
		ldt_put(m, mm->ldt, index,
			raw | (uint64_t)_DESC_ACCESSED << 40);
}

/* ------------------------------------------------------------------ */
/* The syscall                                                         */

/* clear_user: bytecount zero bytes at ptr, in bounded pieces. */
static int clear_user(struct machine *m, struct mm_struct *mm, uint64_t ptr,
		      uint64_t len)
{
	static const uint8_t zeros[512];
	struct user_fault fault;

	while (len) {
		size_t n = len < sizeof(zeros) ? (size_t)len : sizeof(zeros);
		int err = access_user(m, mm, ptr, (void *)zeros, n, USER_WRITE,
				      &fault);

		if (err)
			return err;
		ptr += n;
		len -= n;
	}
	return 0;
}

/* read_ldt: the entries, then zeros up to bytecount; 0 if none. */
static int read_ldt(struct machine *m, struct mm_struct *mm, uint64_t ptr,
		    uint64_t bytecount, uint64_t *ret)
{
	struct user_fault fault;
	uint64_t size;
	int err = 0;

	*ret = 0;
	if (!mm->ldt)
		return 0;
	if (bytecount > LDT_ENTRY_SIZE * LDT_ENTRIES)
		bytecount = LDT_ENTRY_SIZE * LDT_ENTRIES;
	size = (uint64_t)mm->ldt->nr_entries * LDT_ENTRY_SIZE;
	if (size > bytecount)
		size = bytecount;
	for (uint64_t off = 0; !err && off < size; off += LDT_ENTRY_SIZE) {
		uint8_t raw[LDT_ENTRY_SIZE];
		size_t n = size - off < LDT_ENTRY_SIZE ? (size_t)(size - off)
						       : LDT_ENTRY_SIZE;

		desc_store(raw, ldt_get(m, mm->ldt,
					(unsigned int)(off / LDT_ENTRY_SIZE)));
		err = access_user(m, mm, ptr + off, raw, n, USER_WRITE, &fault);
	}
	if (!err)
		err = clear_user(m, mm, ptr + size, bytecount - size);
	if (err)
		return err == -ENOMEM ? err : -EFAULT;
	*ret = bytecount;
	return 0;
}

/* read_default_ldt: zeros, 5 descriptors' worth on i386, 128 bytes else. */
static int read_default_ldt(struct machine *m, struct mm_struct *mm,
			    uint64_t ptr, uint64_t bytecount, uint64_t *ret)
{
	uint64_t size = m->layout.arch == ARCH_I386 ? 5 * LDT_ENTRY_SIZE : 128;
	int err;

	if (bytecount > size)
		bytecount = size;
	err = clear_user(m, mm, ptr, bytecount);
	if (err)
		return err == -ENOMEM ? err : -EFAULT;
	*ret = bytecount;
	return 0;
}

/* The descriptor a write asks for, or -EINVAL, as write_ldt checks it. */
static int ldt_info_desc(struct machine *m, const struct user_desc *info,
			 bool oldmode, uint64_t *raw)
{
	if (info->entry_number >= LDT_ENTRIES)
		return mm_refuse(m, BAD_NONE, -EINVAL,
				 "modify_ldt: entry %u is past the LDT's %u "
				 "entries",
				 info->entry_number, LDT_ENTRIES);
	if (info->contents == 3 && (oldmode || !info->seg_not_present))
		return mm_refuse(m, BAD_NONE, -EINVAL,
				 "modify_ldt: contents 3 (conforming code) "
				 "only new-mode and not present");
	if ((oldmode && !info->base_addr && !info->limit) ||
	    ldt_empty(m, info)) {
		*raw = 0; /* the caller clears the entry */
		return 0;
	}
	*raw = fill_ldt(info);
	if (oldmode)
		*raw &= ~(1ULL << 52); /* the old ABI has no AVL */
	return 0;
}

/* write_ldt: a new table with the entry, swapped in for the old one. */
static int write_ldt(struct machine *m, struct mm_struct *mm, uint64_t ptr,
		     uint64_t bytecount, bool oldmode)
{
	uint8_t buf[USER_DESC_SIZE];
	struct user_fault fault;
	struct user_desc info;
	struct ldt_struct *ldt;
	unsigned int nr;
	uint64_t raw;
	int err;

	if (bytecount != USER_DESC_SIZE)
		return mm_refuse(m, BAD_NONE, -EINVAL,
				 "modify_ldt: a write takes a 16-byte "
				 "user_desc, not %llu bytes",
				 (unsigned long long)bytecount);
	err = access_user(m, mm, ptr, buf, sizeof(buf), USER_READ, &fault);
	if (err)
		return mm_refuse(m, BAD_NONE, err == -ENOMEM ? err : -EFAULT,
				 "modify_ldt: the user_desc at %#llx cannot "
				 "be read",
				 (unsigned long long)ptr);
	info = user_desc_unpack(buf);
	err = ldt_info_desc(m, &info, oldmode, &raw);
	if (err)
		return err;
	nr = mm->ldt ? mm->ldt->nr_entries : 0;
	if (info.entry_number + 1 > nr)
		nr = info.entry_number + 1;
	ldt = ldt_copy(m, mm->ldt, nr);
	if (!ldt)
		return mm_refuse(m, BAD_NONE, -ENOMEM,
				 "modify_ldt: no memory for a %u-entry LDT",
				 nr);
	ldt_put(m, ldt, info.entry_number, raw);
	free_ldt_struct(m, mm->ldt); /* install_ldt, then free the old */
	mm->ldt = ldt;
	return 0;
}

int do_modify_ldt(struct machine *m, struct mm_struct *mm, int func,
		  uint64_t ptr, uint64_t bytecount, uint64_t *ret)
{
	*ret = 0;
	switch (func) {
	case 0:
		return read_ldt(m, mm, ptr, bytecount, ret);
	case 1:
		return write_ldt(m, mm, ptr, bytecount, true);
	case 2:
		return read_default_ldt(m, mm, ptr, bytecount, ret);
	case 0x11:
		return write_ldt(m, mm, ptr, bytecount, false);
	}
	return mm_refuse(m, BAD_NONE, -ENOSYS,
			 "modify_ldt: func %d is none of 0, 1, 2, 0x11", func);
}

/* ------------------------------------------------------------------ */
/* The checker and the report                                          */

/* What write_ldt can have made, the CPU's accessed bit aside. */
static bool ldt_entry_valid(uint64_t raw)
{
	struct desc_struct d = desc_unpack(raw);

	if (!raw)
		return true;
	return d.s && d.dpl == 3 && !d.l && (d.type & _DESC_ACCESSED) &&
	       !((d.type >> 2) == 3 && d.p);
}

static int ldt_memory_check(const struct machine *m,
			    const struct ldt_struct *ldt, char *why, size_t len)
{
	struct vmalloc_area_info info;
	const struct page *page;

	if (ldt->vmalloced) {
		if (vmalloc_area_of(m, ldt->entries,
				    (uint64_t)ldt->nr_entries * LDT_ENTRY_SIZE,
				    &info) ||
		    info.owner != 0)
			return check_failed(
				why, len,
				"LDT at %#llx: not a kernel vmalloc "
				"area of %u entries",
				(unsigned long long)ldt->entries,
				ldt->nr_entries);
		return 0;
	}
	page = virt_to_page(m, ldt->entries);
	if (!page || pfn_to_block_head(m, page_to_pfn(m, page)) == ULONG_MAX ||
	    page->owner != 0 || ldt->nr_entries * LDT_ENTRY_SIZE > m->page_size)
		return check_failed(why, len,
				    "LDT at %#llx: not an allocated kernel "
				    "page for %u entries",
				    (unsigned long long)ldt->entries,
				    ldt->nr_entries);
	return 0;
}

int ldt_check_mm(const struct machine *m, const struct mm_struct *mm, char *why,
		 size_t len)
{
	const struct ldt_struct *ldt = mm->ldt;
	int err;

	if (!ldt)
		return 0;
	if (!ldt->nr_entries || ldt->nr_entries > LDT_ENTRIES)
		return check_failed(why, len, "pid %d: LDT of %u entries",
				    mm->pid, ldt->nr_entries);
	err = ldt_memory_check(m, ldt, why, len);
	for (unsigned int i = 0; !err && i < ldt->nr_entries; i++) {
		uint64_t raw = ldt_get(m, ldt, i);

		if (!ldt_entry_valid(raw))
			return check_failed(why, len,
					    "pid %d: LDT entry %u holds "
					    "%#018llx, which modify_ldt never "
					    "writes",
					    mm->pid, i,
					    (unsigned long long)raw);
	}
	return err;
}

static int ldt_fill(const struct machine *m, int pid, void *snap)
{
	struct ldt_snapshot *ls = snap;
	const struct task_struct *t = find_task_by_pid(m, pid);
	const struct ldt_struct *ldt;

	if (!t || !t->mm)
		return -ESRCH;
	ldt = t->mm->ldt;
	if (!ldt)
		return 0;
	ls->present = true;
	ls->nr_entries = ldt->nr_entries;
	ls->address = ldt->entries;
	ls->vmalloced = ldt->vmalloced;
	ls->entries = snap_alloc(ldt->nr_entries, sizeof(*ls->entries));
	if (!ls->entries)
		return -ENOMEM;
	for (unsigned int i = 0; i < ldt->nr_entries; i++) {
		uint64_t raw = ldt_get(m, ldt, i);
		struct ldt_entry_snapshot *e;

		if (!raw)
			continue;
		e = &ls->entries[ls->nr_ldt_entries++];
		e->entry = i;
		e->selector = i << 3 | SEGMENT_LDT | USER_RPL;
		desc_snapshot_fill(raw, &e->descriptor);
	}
	return 0;
}

/* "Entry 1:\tselector 0x000f, descriptor ..., base ..., (type)". */
static void show_ldt_entry(const struct ldt_entry_snapshot *e,
			   struct seq_buf *s)
{
	const struct desc_snapshot *d = &e->descriptor;

	seq_printf(s,
		   "Entry %llu:\tselector 0x%04llx, descriptor 0x%016llx, base "
		   "0x%08llx, limit 0x%05llx, G=%llu, D/B=%llu, P=%llu, DPL "
		   "%llu, AVL=%llu, %s\n",
		   (unsigned long long)e->entry,
		   (unsigned long long)e->selector, (unsigned long long)d->raw,
		   (unsigned long long)d->base_address,
		   (unsigned long long)d->limit, (unsigned long long)d->g,
		   (unsigned long long)d->d_b, (unsigned long long)d->p,
		   (unsigned long long)d->dpl, (unsigned long long)d->avl,
		   d->type_name);
}

static int ldt_show(const void *snap, struct seq_buf *s)
{
	const struct ldt_snapshot *ls = snap;

	if (!ls->present) {
		seq_printf(s, "LDT:\tnone (modify_ldt was never called)\n");
		return s->err;
	}
	seq_printf(s, "LDT:\t%llu entries at 0x%llx (%s)\n",
		   (unsigned long long)ls->nr_entries,
		   (unsigned long long)ls->address,
		   ls->vmalloced ? "vmalloc" : "one page");
	for (size_t i = 0; i < ls->nr_ldt_entries; i++)
		show_ldt_entry(&ls->entries[i], s);
	return s->err;
}

int report_ldt(struct machine *m, int pid, struct seq_buf *s)
{
	const struct task_struct *t = find_task_by_pid(m, pid);

	if (!t || !t->mm)
		return mm_refuse(m, BAD_NONE, -ESRCH, "no process %d", pid);
	return report_show(&ldt_report, m, pid, s);
}

#define LE(member) SNAP_FIELD(struct ldt_entry_snapshot, member, SNAP_U64)
static const struct snap_field ldt_entry_fields[] = {
	LE(entry),
	LE(selector),
	SNAP_ONE(struct ldt_entry_snapshot, descriptor, &desc_snapshot_desc),
};
static const struct snap_desc ldt_entry_desc =
	SNAP_DESC("LdtEntry", struct ldt_entry_snapshot, ldt_entry_fields);
static const struct snap_field ldt_fields[] = {
	SNAP_FIELD(struct ldt_snapshot, present, SNAP_BOOL),
	SNAP_FIELD(struct ldt_snapshot, nr_entries, SNAP_U64),
	SNAP_FIELD(struct ldt_snapshot, address, SNAP_U64),
	SNAP_FIELD(struct ldt_snapshot, vmalloced, SNAP_BOOL),
	SNAP_ARRAY(struct ldt_snapshot, entries, nr_ldt_entries, SNAP_ITEMS,
		   &ldt_entry_desc),
};
static const struct snap_desc ldt_desc =
	SNAP_DESC("Ldt", struct ldt_snapshot, ldt_fields);
const struct report_type ldt_report = {&ldt_desc, ldt_fill, ldt_show};
