/* SPDX-License-Identifier: MIT */
/*
 * op_report.c - the handlers of the session and report rows of the
 * operation table: Hello, Ping, the /proc-style reports and the admin
 * requests.
 *
 * Owns: what a session learns of the machine and of itself, and what
 * an admin may do to the whole daemon. Must never: let a report reach
 * another session's process for a session that is not admin (the row's
 * flags say so; dispatch.c checks), or touch the machine but through
 * core's reports, its checker and its calls for admins.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/api.h"
#include "daemon/server.h"

int op_hello(struct session *s, const Mm__Hello *h, struct reply *r)
{
	struct mmd *d = s->d;
	struct machine *m = d->m;
	char comm[TASK_COMM_LEN];
	size_t i;
	int err, pid;

	if (s->pid)
		return reply_error(r, -EISCONN,
				   "this connection already is pid %d", s->pid);
	if (h->version != MMD_PROTOCOL_VERSION) {
		s->close_after_flush = true;
		return reply_error(r, -EPROTONOSUPPORT,
				   "protocol version %u is not supported: "
				   "mmd " MMD_VERSION " speaks version %u",
				   h->version, MMD_PROTOCOL_VERSION);
	}
	/* Keep the name printable: it ends up in reports and logs. */
	snprintf(comm, sizeof(comm), "%s",
		 h->comm && h->comm[0] ? h->comm : "client");
	for (i = 0; comm[i]; i++)
		if (comm[i] < 0x20 || comm[i] > 0x7e)
			comm[i] = '?';
	err = task_create(m, comm, h->cpu, h->oom_score_adj, &pid);
	/* The process runs as its client's uid: its limits are that user's. */
	if (!err && task_set_uid(m, pid, (uint32_t)s->uid)) {
		task_exit(m, pid, NULL);
		err = reply_error(r, -ENOMEM, "no host memory for the task");
	}
	if (err)
		return err;
	s->pid = pid;
	d->nr_tasks++;
	mm__hello_result__init(&r->hello);
	r->hello.version = MMD_PROTOCOL_VERSION;
	r->hello.pid = pid;
	r->hello.server = "mmd " MMD_VERSION;
	r->hello.machine = m->layout.name;
	r->hello.arch = (char *)arch_name(m->layout.arch);
	r->hello.page_size = (uint32_t)m->page_size;
	r->hello.nr_cpus = m->nr_cpus;
	r->hello.max_order = m->max_order;
	r->hello.page_offset = m->layout.kernel.page_offset;
	r->hello.max_frame_bytes = d->max_frame;
	r->hello.max_requests = m->layout.limits.requests;
	r->hello.admin = s->admin;
	r->rep.result_case = MM__REPLY__RESULT_HELLO;
	r->rep.hello = &r->hello;
	return 0;
}

int op_ping(struct session *s, const Mm__Ping *a, struct reply *r)
{
	(void)s;
	(void)a;
	(void)r;
	return 0;
}

/* The register a name names ("ds"), or NR_SREGS. */
static unsigned int sreg_by_name(const char *name)
{
	unsigned int i;

	for (i = 0; i < NR_SREGS; i++)
		if (!strcmp(sreg_name(i), name))
			break;
	return i;
}

int report_translation_args(const Mm__Report *rp, struct report_args *a,
			    struct reply *r)
{
	const Mm__Translation *tr = rp->translation;

	if (rp->addr > UINT32_MAX || rp->selector > 0xffff)
		return reply_error(r, -EINVAL,
				   "a far pointer is a 16-bit selector "
				   "and a 32-bit offset");
	a->addr = rp->addr;
	a->selector = rp->selector;
	a->cpl = tr ? tr->cpl : 3;
	a->sreg = -1;
	if (!tr || !tr->sreg || !tr->sreg[0])
		return 0;
	a->sreg = (int)sreg_by_name(tr->sreg);
	if (a->sreg == NR_SREGS)
		return reply_error(r, -EINVAL,
				   "%.16s is no segment register (es, cs, ss, "
				   "ds, fs, gs)",
				   tr->sreg);
	return 0;
}

/* TRANSLATE: a selector at CPL 3, or rp->translation's CPL and register. */
static int report_translate(struct session *s, int pid, const Mm__Report *rp,
			    struct seq_buf *seq, struct reply *r)
{
	struct report_args a = {.pid = pid};

	if (report_translation_args(rp, &a, r))
		return r->rep.status;
	return report_data_text_at(s, rp->kind, &a, seq);
}

/*
 * The reports on one process: the session's own processes (itself and
 * what it forked) for anyone, another session's for admins only (the
 * row's OP_CROSS_SESSION: dispatch.c checked it).
 */
static int report_process(struct session *s, const Mm__Report *rp,
			  struct seq_buf *seq, struct reply *r)
{
	struct machine *m = s->d->m;
	int pid = rp->pid ? rp->pid : s->pid;
	const struct task_struct *t = find_task_by_pid(m, pid);
	struct report_args a = {.pid = pid, .cpl = 3, .sreg = -1};

	if (!t) /* dispatch.c checked a pid given; the session's own is gone */
		return reply_error(r, -ESRCH, "no process with pid %d", pid);
	switch (rp->kind) {
	case MM__REPORT_KIND__REPORT_STATUS:
		return report_data_text(s, rp->kind, pid, seq);
	case MM__REPORT_KIND__REPORT_MAPS:
		return report_pid_maps(m, pid, seq);
	case MM__REPORT_KIND__REPORT_NUMA_MAPS:
		return report_pid_numa_maps(m, pid, seq);
	case MM__REPORT_KIND__REPORT_NUMASTAT_PROCESS:
		return report_numastat_process(m, pid, seq);
	case MM__REPORT_KIND__REPORT_NODE_MEMINFO:
		if (rp->addr >= m->nr_node_ids)
			return reply_error(
				r, -EINVAL,
				"node %llu does not exist (%u nodes)",
				(unsigned long long)rp->addr, m->nr_node_ids);
		return report_node_meminfo(m, (unsigned int)rp->addr, seq);
	case MM__REPORT_KIND__REPORT_NODE_VMSTAT:
		if (rp->addr >= m->nr_node_ids)
			return reply_error(
				r, -EINVAL,
				"node %llu does not exist (%u nodes)",
				(unsigned long long)rp->addr, m->nr_node_ids);
		return report_node_vmstat(m, (unsigned int)rp->addr, seq);
	case MM__REPORT_KIND__REPORT_SMAPS:
	case MM__REPORT_KIND__REPORT_SMAPS_ROLLUP:
		return report_data_text(s, rp->kind, pid, seq);
	case MM__REPORT_KIND__REPORT_MALLOC_STATS:
		return report_malloc_stats(m, t->mm, seq);
	case MM__REPORT_KIND__REPORT_TRANSLATE:
		return report_translate(s, pid, rp, seq, r);
	case MM__REPORT_KIND__REPORT_DUMP_PAGE:
		return report_dump_page(m, rp->addr, seq);
	case MM__REPORT_KIND__REPORT_PAGE_OWNERS:
		return report_page_owners(m, rp->addr, seq);
	case MM__REPORT_KIND__REPORT_LDT:
	case MM__REPORT_KIND__REPORT_SEGREGS:
		return report_data_text(s, rp->kind, pid, seq);
	default: /* MM__REPORT_KIND__REPORT_PAGEWALK */
		a.addr = rp->addr;
		return report_data_text_at(s, rp->kind, &a, seq);
	}
}

/* The reports on the whole machine, by kind. */
static int (*const machine_reports[])(const struct machine *m,
				      struct seq_buf *seq) = {
	[MM__REPORT_KIND__REPORT_MEMINFO] = report_meminfo,
	[MM__REPORT_KIND__REPORT_BUDDYINFO] = report_buddyinfo,
	[MM__REPORT_KIND__REPORT_ZONEINFO] = report_zoneinfo,
	[MM__REPORT_KIND__REPORT_VMSTAT] = report_vmstat,
	[MM__REPORT_KIND__REPORT_SLABINFO] = report_slabinfo,
	[MM__REPORT_KIND__REPORT_VMALLOCINFO] = report_vmallocinfo,
	[MM__REPORT_KIND__REPORT_MEDIA_MEM] = report_media_mem,
	[MM__REPORT_KIND__REPORT_DMESG] = report_dmesg,
	[MM__REPORT_KIND__REPORT_PS] = report_ps,
	[MM__REPORT_KIND__REPORT_FRAMES] = report_frames,
	[MM__REPORT_KIND__REPORT_PAGETYPEINFO] = report_pagetypeinfo,
	[MM__REPORT_KIND__REPORT_EXTFRAG_INDEX] = report_extfrag_index,
	[MM__REPORT_KIND__REPORT_UNUSABLE_INDEX] = report_unusable_index,
	[MM__REPORT_KIND__REPORT_PAGEBLOCKS] = report_pageblocks,
	[MM__REPORT_KIND__REPORT_PAGE_OWNER] = report_page_owner,
	[MM__REPORT_KIND__REPORT_PREEMPT] = report_preempt,
	[MM__REPORT_KIND__REPORT_PERCPU] = report_percpu,
	[MM__REPORT_KIND__REPORT_GFP_CONTEXT] = report_gfp_context,
	[MM__REPORT_KIND__REPORT_FILES] = report_files,
	[MM__REPORT_KIND__REPORT_SYSCTL] = report_sysctl_vm,
	[MM__REPORT_KIND__REPORT_VM_LAYOUT] = report_vm_layout,
	[MM__REPORT_KIND__REPORT_MUTEXES] = report_mutexes,
	[MM__REPORT_KIND__REPORT_TRANSPARENT_HUGEPAGE] =
		report_transparent_hugepage,
	[MM__REPORT_KIND__REPORT_NUMASTAT] = report_numastat,
	[MM__REPORT_KIND__REPORT_CMA] = report_cma,
};
#define NR_MACHINE_REPORTS                                                     \
	(sizeof(machine_reports) / sizeof(machine_reports[0]))

static bool process_report(Mm__ReportKind kind)
{
	switch (kind) {
	case MM__REPORT_KIND__REPORT_STATUS:
	case MM__REPORT_KIND__REPORT_MAPS:
	case MM__REPORT_KIND__REPORT_SMAPS:
	case MM__REPORT_KIND__REPORT_SMAPS_ROLLUP:
	case MM__REPORT_KIND__REPORT_PAGEWALK:
	case MM__REPORT_KIND__REPORT_TRANSLATE:
	case MM__REPORT_KIND__REPORT_MALLOC_STATS:
	case MM__REPORT_KIND__REPORT_DUMP_PAGE: /* its pfn is checked there */
	case MM__REPORT_KIND__REPORT_PAGE_OWNERS:
	case MM__REPORT_KIND__REPORT_LDT:
	case MM__REPORT_KIND__REPORT_SEGREGS:
	case MM__REPORT_KIND__REPORT_NUMA_MAPS:
	case MM__REPORT_KIND__REPORT_NUMASTAT_PROCESS:
	case MM__REPORT_KIND__REPORT_NODE_MEMINFO: /* its node is checked */
	case MM__REPORT_KIND__REPORT_NODE_VMSTAT:
		return true;
	default:
		return false;
	}
}

/*
 * The part of the report made in d->seq that starts at rp->offset and
 * fits a reply; Reply.more says what is left.
 */
static int report_part(struct session *s, const Mm__Report *rp, struct reply *r)
{
	struct seq_buf *seq = &s->d->seq;
	size_t room = s->d->max_frame - REPLY_OVERHEAD, len;

	if (rp->offset > seq->len)
		return reply_error(r, -EINVAL,
				   "offset %llu is past the report's %zu bytes",
				   (unsigned long long)rp->offset, seq->len);
	len = seq->len - (size_t)rp->offset;
	if (len > room) {
		len = room;
		/* The report is made anew for each part: cut it in place. */
		seq->buf[rp->offset + len] = '\0';
	}
	r->rep.result_case = MM__REPLY__RESULT_TEXT;
	r->rep.text = seq->buf ? seq->buf + rp->offset : "";
	r->rep.more = seq->len - (size_t)rp->offset - len;
	return 0;
}

int op_report(struct session *s, const Mm__Report *rp, struct reply *r)
{
	struct mmd *d = s->d;
	const struct machine *m = d->m;
	struct seq_buf *seq = &d->seq;
	size_t kind = (size_t)rp->kind;
	int err;

	if (rp->structured)
		return report_data(s, rp, rp->pid ? rp->pid : s->pid, r);
	seq_buf_clear(seq);
	if (process_report(rp->kind)) {
		err = report_process(s, rp, seq, r);
		if (r->rep.status)
			return r->rep.status;
	} else if (kind < NR_MACHINE_REPORTS && machine_reports[kind]) {
		err = machine_reports[kind](m, seq);
	} else {
		return reply_error(r, -EINVAL, "unknown report kind %d",
				   (int)rp->kind);
	}
	if (!err)
		err = seq->err;
	if (err)
		return reply_error(r, err, "%s",
				   m->errmsg[0] ? m->errmsg
						: "the report failed");
	return report_part(s, rp, r);
}

/* A read of /proc/kpageflags or kpagecount, straight into the reply. */
static int kpage_read(struct session *s, const Mm__KPageRange *a,
		      struct reply *r,
		      void (*read)(const struct machine *m, unsigned long pfn,
				   unsigned long count, uint8_t *buf))
{
	struct machine *m = s->d->m;
	uint64_t count = a->count;
	uint8_t *buf;
	int err;

	err = kpage_range(m, a->pfn, &count);
	if (err)
		return err;
	err = reply_data_fits(
		s, r, count > UINT32_MAX / 8 ? UINT32_MAX : (uint32_t)count * 8,
		"the read");
	if (err)
		return err;
	buf = reply_data_room(s, r, (uint32_t)count * 8);
	if (!buf)
		return r->rep.status;
	read(m, (unsigned long)a->pfn, (unsigned long)count, buf);
	reply_data_set(r, buf, (uint32_t)count * 8);
	return 0;
}

int op_kpageflags(struct session *s, const Mm__KPageRange *a, struct reply *r)
{
	return kpage_read(s, a, r, kpageflags_read);
}

int op_kpagecount(struct session *s, const Mm__KPageRange *a, struct reply *r)
{
	return kpage_read(s, a, r, kpagecount_read);
}

/* A map of a range of frames (or of their pageblocks), a byte per cell,
 * straight into the reply. */
int op_frame_cells(struct session *s, const Mm__FrameCells *a, struct reply *r)
{
	struct machine *m = s->d->m;
	unsigned long per_cell;
	uint32_t n;
	uint8_t *buf;
	int err;

	err = frame_cells_range(m, a->start_pfn, a->nr_pages, a->cells,
				&per_cell);
	if (err)
		return err;
	n = (uint32_t)((a->nr_pages + per_cell - 1) / per_cell);
	err = reply_data_fits(s, r, n, "the map");
	if (err)
		return err;
	buf = reply_data_room(s, r, n);
	if (!buf)
		return r->rep.status;
	if (a->pageblocks)
		pageblock_cells_sampled(m, (unsigned long)a->start_pfn,
					(unsigned long)a->nr_pages, per_cell,
					buf);
	else
		frame_cells_sampled(m, (unsigned long)a->start_pfn,
				    (unsigned long)a->nr_pages, per_cell, buf);
	reply_data_set(r, buf, n);
	return 0;
}

/* One cache's sysfs attributes: short, one reply. */
int op_slab_sysfs(struct session *s, const Mm__SlabSysfs *a, struct reply *r)
{
	struct seq_buf *seq = &s->d->seq;
	int err;

	seq_buf_clear(seq);
	err = slab_sysfs_show(s->d->m, a->cache ? a->cache : "", seq);
	if (!err)
		err = seq->err;
	if (err)
		return err;
	r->rep.result_case = MM__REPLY__RESULT_TEXT;
	r->rep.text = seq->buf ? seq->buf : "";
	return 0;
}

int op_admin_check(struct session *s, const Mm__AdminCheck *a, struct reply *r)
{
	struct mmd *d = s->d;
	struct machine *m = d->m;
	char why[256];
	int err;

	(void)a;
	why[0] = '\0';
	err = machine_check(m, why, sizeof(why));
	if (err)
		return reply_error(r, err, "%s", why);
	mm__check_result__init(&r->check);
	r->check.free_pages = global_free_pages(m);
	r->check.nr_tasks = nr_tasks(m);
	r->check.exits = d->nr_exits;
	r->check.leaked_blocks = d->leaked_blocks;
	r->check.leaked_objects = d->leaked_objects;
	r->rep.result_case = MM__REPLY__RESULT_CHECK;
	r->rep.check = &r->check;
	return 0;
}

int op_admin_drop_caches(struct session *s, const Mm__AdminDropCaches *a,
			 struct reply *r)
{
	struct machine *m = s->d->m;

	unsigned long free_pages = 0;
	int err = drop_caches_mode(m, a->mode, &free_pages);

	if (!err)
		r->value = free_pages;
	return err;
}

/* The compact_memory sysctl: every zone, sync, until the scanners meet. */
int op_admin_compact_memory(struct session *s, const Mm__AdminCompactMemory *a,
			    struct reply *r)
{
	(void)a;
	(void)r;
	compact_nodes(s->d->m);
	return 0;
}

/* The transparent_hugepage files: "" leaves one as it is. */
int op_admin_transparent_hugepage(struct session *s,
				  const Mm__AdminTransparentHugepage *a,
				  struct reply *r)
{
	(void)r;
	return thp_set(s->d->m, *a->enabled ? a->enabled : NULL,
		       *a->defrag ? a->defrag : NULL);
}

/* khugepaged's files, and a pass of it now: the huge pages it made. */
int op_admin_khugepaged(struct session *s, const Mm__AdminKhugepaged *a,
			struct reply *r)
{
	int err = khugepaged_set(s->d->m, a->pages_to_scan,
				 a->set_max_ptes_none, a->max_ptes_none);

	if (!err && a->scan)
		r->value = khugepaged_scan(s->d->m);
	return err;
}

int op_admin_sessions(struct session *s, const Mm__AdminSessions *a,
		      struct reply *r)
{
	struct mmd *d = s->d;
	unsigned int n = 0, i = 0;

	(void)a;
	Mm__Session *arr, **ptrs;
	struct list_head *pos;

	list_for_each(pos, &d->sessions) n++;
	arr = calloc(n ? n : 1, sizeof(*arr));
	ptrs = calloc(n ? n : 1, sizeof(*ptrs));
	r->heap[0] = arr;
	r->heap[1] = ptrs;
	if (!arr || !ptrs)
		return reply_error(r, -ENOMEM, "no host memory for the list");
	list_for_each(pos, &d->sessions)
	{
		const struct session *it = session_of(pos);
		const struct task_struct *t = find_task_by_pid(d->m, it->pid);
		Mm__Session *e = &arr[i];

		mm__session__init(e);
		e->pid = it->pid;
		e->uid = it->uid;
		e->gid = it->gid;
		e->host_pid = it->host_pid;
		e->requests = it->requests;
		e->comm = "";
		if (t) {
			e->comm = (char *)t->comm;
			e->cpu = t->cpu;
			e->nr_pages = t->nr_pages;
			e->nr_objects = t->nr_objects;
		}
		ptrs[i++] = e;
	}
	mm__sessions__init(&r->sessions);
	r->sessions.n_sessions = i;
	r->sessions.sessions = ptrs;
	r->rep.result_case = MM__REPLY__RESULT_SESSIONS;
	r->rep.sessions = &r->sessions;
	return 0;
}

int op_admin_shutdown(struct session *s, const Mm__AdminShutdown *a,
		      struct reply *r)
{
	(void)a;
	(void)r;
	mmd_log("shutdown requested by pid %d (uid %u)", s->pid,
		(unsigned int)s->uid);
	mmd_stop(s->d, "an admin asked mmd to shut down");
	return 0;
}
