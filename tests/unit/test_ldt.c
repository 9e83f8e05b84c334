/* SPDX-License-Identifier: MIT */
/*
 * test_ldt.c - the LDT and the segment registers: modify_ldt(2) run on
 * the host and on the machine step by step (values, errors and the bytes
 * read back), TI=1 selectors through a process's LDT, translation at
 * CPL 0 and 3, fork's copy, exit's free, MOV sreg's checks and the
 * descriptor cache, and the checker.
 */
#include "tests/unit/machines.h"

#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "core/ldt.h"
#include "core/mm.h"
#include "core/segment.h"
#include "core/task.h"
#include "core/uapi.h"
#include "core/vmalloc.h"

#define BUF_LEN (LDT_ENTRIES * LDT_ENTRY_SIZE + 4096)

/* A process with a read/write buffer of BUF_LEN bytes at *buf. */
static int make_process(struct machine *m, uint64_t *buf)
{
	int pid;

	assert_int_equal(task_create(m, "ldt", 0, 0, &pid), 0);
	assert_int_equal(task_switch(m, pid), 0);
	assert_int_equal(uapi_mmap(m, pid, 0, BUF_LEN, PROT_READ | PROT_WRITE,
				   MAP_PRIVATE | MAP_ANONYMOUS, buf),
			 0);
	return pid;
}

static void put_user_desc(struct machine *m, int pid, uint64_t addr,
			  const struct user_desc *info)
{
	uint8_t raw[USER_DESC_SIZE];
	struct user_fault fault;

	user_desc_pack(info, raw);
	assert_int_equal(uapi_access_vm(m, pid, addr, raw, sizeof(raw),
					USER_WRITE, &fault),
			 0);
}

/* One step on both: the host's result (int, or -errno) and the machine's. */
struct step {
	int func;
	unsigned long bytecount;
	bool bad_ptr;
	struct user_ldt_desc {
		unsigned int entry, base, limit, seg_32bit, contents, reo;
		unsigned int lip, snp, useable;
	} d;
};

static long host_modify_ldt(const struct step *st, uint8_t *buf)
{
	struct user_desc_host {
		unsigned int entry_number, base_addr, limit;
		unsigned int seg_32bit : 1, contents : 2, read_exec_only : 1,
			limit_in_pages : 1, seg_not_present : 1, useable : 1,
			lm : 1;
	} h = {st->d.entry,    st->d.base, st->d.limit, st->d.seg_32bit,
	       st->d.contents, st->d.reo,  st->d.lip,	st->d.snp,
	       st->d.useable,  0};
	void *ptr = st->bad_ptr ? (void *)8 : (st->func & 1) ? (void *)&h : buf;
	long r;

	errno = 0;
	r = syscall(SYS_modify_ldt, st->func, ptr, st->bytecount);
	/* The syscall's value is an int in rax: -errno comes back cast. */
	return (long)(int)r;
}

static long mm_modify_ldt(struct machine *m, int pid, uint64_t buf,
			  const struct step *st)
{
	struct user_desc d = {.entry_number = st->d.entry,
			      .base_addr = st->d.base,
			      .limit = st->d.limit,
			      .seg_32bit = st->d.seg_32bit,
			      .contents = st->d.contents,
			      .read_exec_only = st->d.reo,
			      .limit_in_pages = st->d.lip,
			      .seg_not_present = st->d.snp,
			      .useable = st->d.useable};
	uint64_t ptr = st->bad_ptr	? 8
		       : (st->func & 1) ? buf + BUF_LEN - 16
					: buf;
	uint64_t ret = 0;
	int err;

	if ((st->func & 1) && !st->bad_ptr)
		put_user_desc(m, pid, ptr, &d);
	err = uapi_modify_ldt(m, pid, st->func, ptr, st->bytecount, &ret);
	return err ? err : (long)ret;
}

/* entry, base, limit, 32-bit, contents, read_exec_only, limit_in_pages,
 * seg_not_present, useable */
#define D(e, b, l, s32, c, reo, lip, snp, u)                                   \
	{                                                                      \
		e, b, l, s32, c, reo, lip, snp, u                              \
	}
#define NONE D(0, 0, 0, 0, 0, 0, 0, 0, 0)

static const struct step steps[] = {
	{0, 64, false, NONE},  /* no LDT yet: 0 */
	{2, 256, false, NONE}, /* 128 zeros */
	{7, 16, false, NONE},  /* -ENOSYS */
	{0x11, 16, false, D(8192, 0, 0xfff, 1, 0, 0, 0, 0, 0)},	 /* -EINVAL */
	{0x11, 15, false, D(1, 0, 0xfff, 1, 0, 0, 0, 0, 0)},	 /* -EINVAL */
	{0x11, 16, true, NONE},					 /* -EFAULT */
	{0x11, 16, false, D(2, 0x1000, 0xff, 1, 3, 0, 0, 0, 0)}, /* present */
	{1, 16, false, D(2, 0x1000, 0xff, 1, 3, 0, 0, 1, 0)},	 /* old: no 3 */
	{0x11, 16, false, D(2, 0x12345678, 0xfff, 0, 0, 0, 0, 0, 0)}, /* 16 */
	{1, 16, false, D(5, 0x12345678, 0xfff, 1, 0, 0, 0, 0, 1)},  /* AVL 0 */
	{0x11, 16, false, D(3, 0x1000, 0xfffff, 1, 2, 1, 1, 0, 1)}, /* code */
	{0x11, 16, false, D(4, 0, 0, 0, 0, 1, 0, 1, 0)}, /* LDT_empty */
	{1, 16, false, D(3, 0, 0, 0, 0, 0, 0, 0, 0)},	 /* old: clear */
	{0, 64, false, NONE},				 /* read back */
	{0, 40, false, NONE},				 /* a part */
	{0, 70000, false, NONE}, /* clamped to 8192 entries */
	{0, 64, true, NONE},	 /* -EFAULT */
	{0x11, 16, false,
	 D(600, 0x4000, 0xfff, 1, 0, 0, 0, 0, 0)}, /* vmalloc */
	{0, 8 * 601, false, NONE},
	{0, 0, false, NONE},
};

/* Each step on the host and on an x86_64 machine: same value, same bytes. */
static void test_modify_ldt_matches_host(void **state)
{
	static uint8_t host_buf[BUF_LEN], mm_buf[BUF_LEN];
	struct layout l;
	struct machine *m;
	struct user_fault fault;
	uint64_t buf;
	int pid;

	(void)state;
	if (host_modify_ldt(&(struct step){2, 8, false, {0}}, host_buf) ==
	    -ENOSYS)
		skip(); /* CONFIG_MODIFY_LDT_SYSCALL=n */
	small_layout(&l, 64 * MiB);
	m = boot(&l);
	pid = make_process(m, &buf);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		long want, got;

		memset(host_buf, 0xaa, sizeof(host_buf));
		memset(mm_buf, 0xaa, sizeof(mm_buf));
		assert_int_equal(uapi_access_vm(m, pid, buf, mm_buf, BUF_LEN,
						USER_WRITE, &fault),
				 0);
		want = host_modify_ldt(&steps[i], host_buf);
		got = mm_modify_ldt(m, pid, buf, &steps[i]);
		if (want != got)
			fail_msg("step %zu: host %ld, machine %ld", i, want,
				 got);
		assert_int_equal(uapi_access_vm(m, pid, buf, mm_buf,
						BUF_LEN - 16, USER_READ,
						&fault),
				 0);
		if (memcmp(host_buf, mm_buf, BUF_LEN - 16))
			fail_msg("step %zu: the bytes read differ", i);
		assert_consistent(m);
	}
	machine_destroy(m);
}

static struct machine *boot_i386(void)
{
	struct layout l;

	i386_layout(&l, 1 * GiB);
	return boot(&l);
}

static void write_entry(struct machine *m, int pid, uint64_t buf,
			struct user_desc d)
{
	uint64_t ret = 1;

	put_user_desc(m, pid, buf, &d);
	assert_int_equal(uapi_modify_ldt(m, pid, 0x11, buf, 16, &ret), 0);
	assert_int_equal(ret, 0);
}

static void expect_fault(struct machine *m, int pid, unsigned int sel,
			 uint32_t off, unsigned int cpl, const char *reason)
{
	struct seg_translation t;

	assert_int_equal(pid_segment_translate(m, pid, sel, off, cpl, &t),
			 -EFAULT);
	if (!strstr(m->errmsg, reason))
		fail_msg("'%s' has no '%s'", m->errmsg, reason);
}

/* TI=1 through the process's LDT; CPL 0 and 3; limits; RPL. */
static void test_translate_through_ldt(void **state)
{
	struct machine *m = boot_i386();
	struct seg_translation t;
	struct user_fault fault;
	uint64_t buf;
	int pid = make_process(m, &buf);

	(void)state;
	expect_fault(m, pid, 0x0f, 0, 3, "#GP: TI=1 selects the LDT, and none");
	assert_int_equal(uapi_access_vm(m, pid, buf + 0x110, "ldt", 3,
					USER_WRITE, &fault),
			 0);
	/* Entry 1: data at buf + 0x100, 0x200 bytes. */
	write_entry(m, pid, buf + 0x3000,
		    (struct user_desc){.entry_number = 1,
				       .base_addr = (uint32_t)buf + 0x100,
				       .limit = 0x1ff,
				       .seg_32bit = 1});
	assert_int_equal(pid_segment_translate(m, pid, 0x0f, 0x10, 3, &t), 0);
	assert_int_equal(t.linear, (uint32_t)buf + 0x110);
	assert_memory_equal(m->ram + t.phys, "ldt", 3);
	assert_int_equal(t.gdtr.address,
			 (uint32_t)find_task_by_pid(m, pid)->mm->ldt->entries);
	assert_int_equal(t.gdtr.size, 2 * 8 - 1);
	expect_fault(m, pid, 0x0f, 0x200, 3,
		     "#GP: offset 0x200 is outside the segment's offsets "
		     "[0, 0x1ff]");
	expect_fault(m, pid, 0x17, 0, 3, "#GP: index 2 is past the LDT's");
	/* The kernel at CPL 0: its own data segment, and one an RPL weakens. */
	assert_int_equal(pid_segment_translate(m, pid, __KERNEL_DS,
					       (uint32_t)buf + 0x110, 0, &t),
			 0);
	assert_memory_equal(m->ram + t.phys, "ldt", 3);
	expect_fault(m, pid, __KERNEL_DS | 3, 0, 0,
		     "DPL 0 < max(CPL 0, RPL 3) = 3");
	expect_fault(m, pid, __KERNEL_DS, 0, 3,
		     "DPL 0 < max(CPL 3, RPL 0) = 3");
	assert_int_equal(pid_segment_translate(m, pid, 0x0f, 0x10, 4, &t),
			 -EINVAL);
	assert_non_null(strstr(m->errmsg, "CPL 4 does not exist"));
	assert_consistent(m);
	machine_destroy(m);
}

/* Fork copies the table; each changes its own; exit frees it. */
static void test_ldt_fork_and_exit(void **state)
{
	struct machine *m = boot_i386();
	unsigned long free_before;
	struct task_leaks leaks;
	uint64_t buf, raw, ret;
	struct seg_translation t;
	int pid, child;

	(void)state;
	pid = make_process(m, &buf);
	free_before = vmalloc_used_pages(m);
	write_entry(m, pid, buf,
		    (struct user_desc){.entry_number = 600,
				       .base_addr = 0x10000,
				       .limit = 0xfff,
				       .seg_32bit = 1}); /* vmalloc */
	assert_true(find_task_by_pid(m, pid)->mm->ldt->vmalloced);
	assert_int_equal(uapi_fork(m, pid, &child), 0);
	assert_int_not_equal(find_task_by_pid(m, child)->mm->ldt->entries,
			     find_task_by_pid(m, pid)->mm->ldt->entries);
	assert_int_equal(ldt_read(m, find_task_by_pid(m, child)->mm, 600, &raw),
			 0);
	assert_int_equal(raw, 0x0040f30100000fffULL);
	write_entry(m, child, buf,
		    (struct user_desc){.entry_number = 600,
				       .base_addr = 0x20000,
				       .limit = 0xfff,
				       .seg_32bit = 1});
	assert_int_equal(pid_segment_translate(m, pid, 600 << 3 | 7, 0, 3, &t),
			 -EFAULT); /* nothing mapped at 0x10000 */
	assert_non_null(strstr(m->errmsg, "#PF: linear 0x10000 is not"));
	assert_int_equal(t.base, 0x10000);
	pid_segment_translate(m, child, 600 << 3 | 7, 0, 3, &t);
	assert_int_equal(t.base, 0x20000);
	assert_consistent(m);
	assert_int_equal(uapi_exit_process(m, child), 0);
	assert_int_equal(uapi_modify_ldt(m, pid, 0, buf, 8, &ret), 0);
	assert_int_equal(ret, 8);
	task_exit(m, pid, &leaks);
	/* The kernel's LDT goes with the mm: nothing left, nothing leaked. */
	assert_int_equal(vmalloc_used_pages(m), free_before);
	assert_int_equal(leaks.pages + leaks.objects, 0);
	assert_consistent(m);
	machine_destroy(m);
}

static void expect_load_fault(struct machine *m, int pid, unsigned int sreg,
			      unsigned int sel, const char *reason)
{
	struct segment_register before =
		find_task_by_pid(m, pid)->segs.reg[sreg];

	assert_int_equal(uapi_load_segment(m, pid, sreg, sel), -EFAULT);
	if (!strstr(m->errmsg, reason))
		fail_msg("'%s' has no '%s'", m->errmsg, reason);
	assert_memory_equal(&before, &find_task_by_pid(m, pid)->segs.reg[sreg],
			    sizeof(before));
}

/* MOV sreg: the load checks, the accessed bit, and the cache. */
static void test_segment_registers(void **state)
{
	struct machine *m = boot_i386();
	struct seg_translation t;
	const struct task_struct *task;
	uint64_t buf, raw;
	int pid = make_process(m, &buf);

	(void)state;
	task = find_task_by_pid(m, pid);
	assert_int_equal(task->segs.reg[SREG_CS].selector, __USER_CS);
	assert_int_equal(task->segs.reg[SREG_DS].selector, __USER_DS);
	assert_false(task->segs.reg[SREG_FS].usable);
	write_entry(m, pid, buf,
		    (struct user_desc){.entry_number = 1,
				       .base_addr = 0x100000,
				       .limit = 0xfff,
				       .seg_32bit = 1});
	write_entry(m, pid, buf,
		    (struct user_desc){.entry_number = 2,
				       .base_addr = 0,
				       .limit = 0xfff,
				       .seg_32bit = 1,
				       .contents = 0,
				       .read_exec_only = 1}); /* read-only */
	write_entry(m, pid, buf,
		    (struct user_desc){.entry_number = 3,
				       .base_addr = 0,
				       .limit = 0xfff,
				       .seg_32bit = 1,
				       .contents = 0,
				       .read_exec_only = 0,
				       .limit_in_pages = 0,
				       .seg_not_present = 1}); /* P=0 */
	assert_int_equal(uapi_load_segment(m, pid, SREG_DS, 0x0f), 0);
	assert_int_equal(task->segs.reg[SREG_DS].base, 0x100000);
	/* The table changes; the cache does not, until the next load. */
	write_entry(m, pid, buf,
		    (struct user_desc){.entry_number = 1,
				       .base_addr = 0x200000,
				       .limit = 0xfff,
				       .seg_32bit = 1});
	assert_int_equal(sreg_translate(m, pid, SREG_DS, 0x10, 3, &t), -EFAULT);
	assert_int_equal(t.linear, 0x100010);
	assert_int_equal(uapi_load_segment(m, pid, SREG_DS, 0x0f), 0);
	sreg_translate(m, pid, SREG_DS, 0x10, 3, &t);
	assert_int_equal(t.linear, 0x200010);
	assert_int_equal(sreg_translate(m, pid, SREG_DS, 0x1000, 3, &t),
			 -EFAULT);
	assert_non_null(strstr(m->errmsg, "#GP: offset 0x1000 is outside"));

	expect_load_fault(m, pid, SREG_DS, __KERNEL_DS,
			  "#GP: RPL or CPL above the segment's DPL");
	expect_load_fault(m, pid, SREG_DS, 0x1f, "#NP: the segment is not");
	expect_load_fault(m, pid, SREG_SS, 0x17, "#GP: SS needs a writable");
	expect_load_fault(m, pid, SREG_SS, 0, "#GP: SS cannot be null");
	expect_load_fault(m, pid, SREG_SS, 0x0c, "#GP: SS needs RPL = CPL");
	expect_load_fault(m, pid, SREG_ES, 0x27, "#GP: index 4 is past");
	expect_load_fault(m, pid, SREG_GS, GDT_ENTRY_TSS * 8 + 3,
			  "#GP: only data or readable code");
	assert_int_equal(uapi_load_segment(m, pid, SREG_CS, __USER_CS),
			 -EINVAL);
	assert_int_equal(uapi_load_segment(m, pid, 6, __USER_DS), -EINVAL);
	assert_int_equal(uapi_load_segment(m, pid, SREG_DS, 0x10000), -EINVAL);

	/* A null selector loads into FS; a use of it faults. */
	assert_int_equal(uapi_load_segment(m, pid, SREG_FS, 0), 0);
	assert_int_equal(sreg_translate(m, pid, SREG_FS, 0, 3, &t), -EFAULT);
	assert_non_null(strstr(m->errmsg, "#GP: the register holds a null"));
	/* A GDT load sets the descriptor's accessed bit; the checker allows. */
	assert_int_equal(uapi_load_segment(m, pid, SREG_GS, __USER_DS), 0);
	gdt_read(m, task->cpu, GDT_ENTRY_DEFAULT_USER_DS, &raw);
	assert_true(raw & 1ULL << 40);
	assert_int_equal(uapi_load_segment(m, pid, SREG_SS, __USER_DS), 0);
	assert_consistent(m);
	machine_destroy(m);
}

/*
 * The LDT's and the registers' snapshots are their texts: an entry's
 * selector, descriptor and decoded fields; DS loaded from it, FS null.
 */
static void test_ldt_and_segregs_snapshots(void **state)
{
	struct machine *m = boot_i386();
	uint64_t buf;
	int pid = make_process(m, &buf), err;
	struct ldt_snapshot *ls;
	struct segregs_snapshot *rs;
	const struct desc_snapshot *d;
	struct seq_buf s;
	char line[256];

	(void)state;
	ls = snapshot_take(&ldt_report, m, pid, &err);
	assert_non_null(ls);
	assert_false(ls->present);
	assert_int_equal(ls->nr_ldt_entries, 0);
	snapshot_free(ldt_report.desc, ls);
	write_entry(m, pid, buf,
		    (struct user_desc){.entry_number = 2,
				       .base_addr = 0x100000,
				       .limit = 0xfff,
				       .seg_32bit = 1});
	assert_int_equal(uapi_load_segment(m, pid, SREG_DS, 0x17), 0);
	seq_buf_init(&s);
	assert_int_equal(report_ldt(m, pid, &s), 0);
	ls = snapshot_take(&ldt_report, m, pid, &err);
	assert_non_null(ls);
	assert_true(ls->present);
	assert_int_equal(ls->nr_entries, 3);
	assert_int_equal(ls->nr_ldt_entries, 1);
	assert_int_equal(ls->entries[0].entry, 2);
	assert_int_equal(ls->entries[0].selector, 0x17);
	d = &ls->entries[0].descriptor;
	assert_int_equal(d->base_address, 0x100000);
	assert_int_equal(d->limit, 0xfff);
	assert_int_equal(d->limit_bytes, 0xfff);
	assert_int_equal(d->d_b, 1);
	assert_int_equal(d->dpl, 3);
	assert_true(d->accessed);
	snprintf(line, sizeof(line),
		 "Entry 2:\tselector 0x0017, descriptor 0x%016llx, base "
		 "0x00100000, limit 0x00fff, G=0, D/B=1, P=1, DPL 3, AVL=0, "
		 "%s\n",
		 (unsigned long long)d->raw, d->type_name);
	assert_non_null(strstr(s.buf, line));
	snapshot_free(ldt_report.desc, ls);
	seq_buf_clear(&s);
	assert_int_equal(report_segregs(m, pid, &s), 0);
	rs = snapshot_take(&segregs_report, m, pid, &err);
	assert_non_null(rs);
	assert_int_equal(rs->nr_registers, NR_SREGS);
	assert_string_equal(rs->registers[SREG_DS].name, "ds");
	assert_int_equal(rs->registers[SREG_DS].selector, 0x17);
	assert_int_equal(rs->registers[SREG_DS].base_address, 0x100000);
	assert_int_equal(rs->registers[SREG_DS].last, 0xfff);
	snprintf(line, sizeof(line),
		 "ds:\tselector 0x0017, cached descriptor 0x%016llx, base "
		 "0x00100000, offsets [0x00000000, 0x00000fff]\n",
		 (unsigned long long)rs->registers[SREG_DS].descriptor.raw);
	assert_non_null(strstr(s.buf, line));
	assert_false(rs->registers[SREG_FS].usable);
	assert_non_null(strstr(s.buf, "fs:\tselector 0x0000, null"));
	snapshot_free(segregs_report.desc, rs);
	seq_buf_free(&s);
	assert_null(snapshot_take(&ldt_report, m, 4242, &err));
	assert_int_equal(err, -ESRCH);
	machine_destroy(m);
}

/* The checker: an entry modify_ldt never writes, a register's cache. */
static void test_ldt_checker(void **state)
{
	struct machine *m = boot_i386();
	struct task_struct *task;
	uint64_t buf, raw;
	uint8_t *p;
	int pid = make_process(m, &buf);

	(void)state;
	write_entry(m, pid, buf,
		    (struct user_desc){.entry_number = 1,
				       .base_addr = 0x1000,
				       .limit = 0xfff,
				       .seg_32bit = 1});
	task = find_task_by_pid(m, pid);
	assert_int_equal(ldt_read(m, task->mm, 1, &raw), 0);
	p = pfn_to_ram(m, page_to_pfn(
				  m, virt_to_page(m, task->mm->ldt->entries))) +
	    (task->mm->ldt->entries & (PAGE - 1)) + 8;
	p[5] &= (uint8_t)~0x60; /* DPL 3 -> 0 */
	assert_check_fails(m, "LDT entry 1 holds");
	p[5] |= 0x60;
	assert_consistent(m);
	task->segs.reg[SREG_DS].base = 0x1234;
	assert_check_fails(m, "ds=0x007b: its cache disagrees");
	task->segs.reg[SREG_DS].base = 0;
	assert_consistent(m);
	machine_destroy(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_modify_ldt_matches_host),
		cmocka_unit_test(test_translate_through_ldt),
		cmocka_unit_test(test_ldt_fork_and_exit),
		cmocka_unit_test(test_segment_registers),
		cmocka_unit_test(test_ldt_and_segregs_snapshots),
		cmocka_unit_test(test_ldt_checker),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
