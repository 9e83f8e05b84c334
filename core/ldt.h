/* SPDX-License-Identifier: MIT */
/*
 * ldt.h - each process's local descriptor table and modify_ldt(2), as
 * arch/x86/kernel/ldt.c keeps them.
 *
 * Owns: the ldt_struct an address space holds (mm->context.ldt in
 * Linux), the 8-byte entries in RAM, the syscall's reads and writes, the
 * copy a fork makes and the free at exit. Must never: let a process
 * install a descriptor user space could not have asked for (a system
 * descriptor, DPL below 3, a long-mode code segment), write a live
 * table in place (a write builds a new table and swaps it in, as Linux
 * does, so that a CPU never sees half an update), or change anything on
 * a call it refuses.
 */
#ifndef MM_LDT_H
#define MM_LDT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/machine.h"
#include "core/segment.h"
#include "core/seq_buf.h"

/* arch/x86/include/uapi/asm/ldt.h */
#define LDT_ENTRIES    8192
#define LDT_ENTRY_SIZE 8

/*
 * struct user_desc, 16 bytes in user memory: entry_number, base_addr and
 * limit as three 32-bit words, then the flags word: seg_32bit (bit 0),
 * contents (bits 1-2), read_exec_only (3), limit_in_pages (4),
 * seg_not_present (5), useable (6) and, on x86_64, lm (7).
 */
struct user_desc {
	uint32_t entry_number;
	uint32_t base_addr;
	uint32_t limit;
	unsigned int seg_32bit, contents, read_exec_only, limit_in_pages;
	unsigned int seg_not_present, useable, lm;
};

#define USER_DESC_SIZE 16

/* The flags word of a user_desc, packed and unpacked. */
struct user_desc user_desc_unpack(const uint8_t raw[USER_DESC_SIZE]);
void user_desc_pack(const struct user_desc *info, uint8_t raw[USER_DESC_SIZE]);

/*
 * One table, never changed while installed. Up to a page of entries is
 * one zeroed page (its direct-map address); more is vzalloc'ed, as
 * alloc_ldt_struct does. The kernel owns the memory.
 */
struct ldt_struct {
	uint64_t entries; /* kernel virtual address of entry 0 */
	unsigned int nr_entries;
	bool vmalloced;
};

struct mm_struct;

/*
 * modify_ldt(func, ptr, bytecount) in process pid's address space:
 * func 0 reads the LDT into ptr (zero-filled up to bytecount, at most
 * LDT_ENTRIES entries), 2 reads the default LDT (zeros: 40 bytes on
 * i386, 128 on x86_64), 1 writes one entry the old way (AVL cleared,
 * base and limit 0 clear it), 0x11 the new way (LDT_empty clears it).
 * *ret is what the syscall returns: the bytes read, or 0 for a write.
 * -ENOSYS for another func; -EINVAL for a bytecount other than 16 on a
 * write, an entry_number past 8191, or contents 3 (conforming code) in
 * old mode or present; -EFAULT when ptr is not the process's memory.
 */
int do_modify_ldt(struct machine *m, struct mm_struct *mm, int func,
		  uint64_t ptr, uint64_t bytecount, uint64_t *ret);

/* ldt_dup_context: the child's own copy of the parent's table. */
int ldt_dup_context(struct machine *m, const struct mm_struct *oldmm,
		    struct mm_struct *mm);
/* destroy_context_ldt: the table goes with its address space. */
void destroy_context_ldt(struct machine *m, struct mm_struct *mm);

/*
 * The descriptor at index of mm's LDT, read from RAM. -EINVAL when the
 * process has no LDT or the index is past it.
 */
int ldt_read(const struct machine *m, const struct mm_struct *mm,
	     unsigned int index, uint64_t *raw);
/* Set the accessed bit of an entry, as the CPU does when it loads one. */
void ldt_set_accessed(struct machine *m, const struct mm_struct *mm,
		      unsigned int index);

/*
 * mm's LDT: its memory is the kernel's and live, and each entry is one
 * that write_ldt could have made.
 */
int ldt_check_mm(const struct machine *m, const struct mm_struct *mm, char *why,
		 size_t len);

/* mmctl ldt PID: one line per non-empty entry, decoded. */
int report_ldt(struct machine *m, int pid, struct seq_buf *s);
/*
 * Its snapshot, mm.proto's Ldt: whether the process has a table (none
 * until modify_ldt writes one), its entry count, its kernel address and
 * whether it is vmalloc'ed; each entry that is not empty with its
 * number, the selector that names it (TI=1, RPL 3) and its descriptor.
 */
struct ldt_entry_snapshot {
	uint64_t entry, selector;
	struct desc_snapshot descriptor;
};
struct ldt_snapshot {
	bool present;
	uint64_t nr_entries, address;
	bool vmalloced;
	struct ldt_entry_snapshot *entries;
	size_t nr_ldt_entries;
};
extern const struct report_type ldt_report;

#endif /* MM_LDT_H */
