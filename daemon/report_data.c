/* SPDX-License-Identifier: MIT */
/*
 * report_data.c - a report's snapshot (core/snapshot.h) as mm.proto's
 * message of the same name: the structured reports of Reply.report_data.
 *
 * Owns: the table of the kinds that are structured (a row each: the
 * ReportKind and core's report_type) and the walk that copies a
 * snapshot into its message by the names in core's table, so that a
 * report made structured needs no code here but its row. The message
 * of a kind is ReportData's field of the kind's number. Must never:
 * compute a value (core's fill did; this only copies), or let a table
 * and a message disagree silently: report_data_check says where they do
 * (a unit test runs it over every row).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/api.h"
#include "daemon/server.h"

/* What only the daemon knows of a process: its session's gid and pid. */
static void status_session(const struct session *s, void *snap)
{
	struct status_snapshot *st = snap;
	const struct task_struct *t = find_task_by_pid(s->d->m, (int)st->pid);
	const struct session *owner =
		t ? session_by_pid(s->d, t->leader) : NULL;

	if (!owner)
		return;
	st->uid = owner->uid;
	st->gid = owner->gid;
	st->host_pid = owner->host_pid;
}

/* A structured kind: core's report, and what the daemon adds to it. */
static const struct {
	const struct report_type *t;
	void (*add)(const struct session *s, void *snap);
} structured[] = {
	[MM__REPORT_KIND__REPORT_MEMINFO] = {&meminfo_report, NULL},
	[MM__REPORT_KIND__REPORT_BUDDYINFO] = {&buddyinfo_report, NULL},
	[MM__REPORT_KIND__REPORT_ZONEINFO] = {&zoneinfo_report, NULL},
	[MM__REPORT_KIND__REPORT_VMSTAT] = {&vmstat_report, NULL},
	[MM__REPORT_KIND__REPORT_SLABINFO] = {&slabinfo_report, NULL},
	[MM__REPORT_KIND__REPORT_VMALLOCINFO] = {&vmallocinfo_report, NULL},
	[MM__REPORT_KIND__REPORT_MEDIA_MEM] = {&media_mem_report, NULL},
	[MM__REPORT_KIND__REPORT_CMA] = {&cma_report, NULL},
	[MM__REPORT_KIND__REPORT_DMESG] = {&dmesg_report, NULL},
	[MM__REPORT_KIND__REPORT_STATUS] = {&pid_status_report, status_session},
	[MM__REPORT_KIND__REPORT_PS] = {&ps_report, NULL},
	[MM__REPORT_KIND__REPORT_MAPS] = {&pid_maps_report, NULL},
	[MM__REPORT_KIND__REPORT_MALLOC_STATS] = {&malloc_stats_report, NULL},
	[MM__REPORT_KIND__REPORT_PAGETYPEINFO] = {&pagetypeinfo_report, NULL},
	[MM__REPORT_KIND__REPORT_PREEMPT] = {&preempt_report, NULL},
	[MM__REPORT_KIND__REPORT_PERCPU] = {&percpu_report, NULL},
	[MM__REPORT_KIND__REPORT_GFP_CONTEXT] = {&gfp_context_report, NULL},
	[MM__REPORT_KIND__REPORT_MUTEXES] = {&mutexes_report, NULL},
	[MM__REPORT_KIND__REPORT_FILES] = {&files_report, NULL},
	[MM__REPORT_KIND__REPORT_SYSCTL] = {&sysctl_vm_report, NULL},
	[MM__REPORT_KIND__REPORT_TRANSPARENT_HUGEPAGE] = {&thp_report, NULL},
	[MM__REPORT_KIND__REPORT_NUMA_MAPS] = {&pid_numa_maps_report, NULL},
	[MM__REPORT_KIND__REPORT_NUMASTAT_PROCESS] = {&numastat_process_report,
						      NULL},
	[MM__REPORT_KIND__REPORT_NUMASTAT] = {&numastat_report, NULL},
	[MM__REPORT_KIND__REPORT_NODE_MEMINFO] = {&node_meminfo_report, NULL},
	[MM__REPORT_KIND__REPORT_SMAPS] = {&pid_smaps_report, NULL},
	[MM__REPORT_KIND__REPORT_SMAPS_ROLLUP] = {&pid_smaps_rollup_report,
						  NULL},
	[MM__REPORT_KIND__REPORT_PAGEWALK] = {&pagewalk_report.t, NULL},
	[MM__REPORT_KIND__REPORT_TRANSLATE] = {&translation_report.t, NULL},
	[MM__REPORT_KIND__REPORT_LDT] = {&ldt_report, NULL},
	[MM__REPORT_KIND__REPORT_VM_LAYOUT] = {&vm_layout_report, NULL},
	[MM__REPORT_KIND__REPORT_SEGREGS] = {&segregs_report, NULL},
	[MM__REPORT_KIND__REPORT_EXTFRAG_INDEX] = {&extfrag_index_report, NULL},
	[MM__REPORT_KIND__REPORT_UNUSABLE_INDEX] = {&unusable_index_report,
						    NULL},
	[MM__REPORT_KIND__REPORT_PAGEBLOCKS] = {&pageblocks_report, NULL},
	[MM__REPORT_KIND__REPORT_NODE_VMSTAT] = {&node_vmstat_report, NULL},
	[MM__REPORT_KIND__REPORT_DUMP_PAGE] = {&dump_page_report.t, NULL},
	[MM__REPORT_KIND__REPORT_PAGE_OWNER] = {&page_owner_report, NULL},
	[MM__REPORT_KIND__REPORT_PAGE_OWNERS] = {&page_owners_report.t, NULL},
	[MM__REPORT_KIND__REPORT_FRAMES] = {&frames_report, NULL},
};
#define NR_STRUCTURED (sizeof(structured) / sizeof(structured[0]))

/* The kinds whose fill takes the node Report.addr names, not a pid. */
static const bool by_node[] = {
	[MM__REPORT_KIND__REPORT_NODE_MEMINFO] = true,
	[MM__REPORT_KIND__REPORT_NODE_VMSTAT] = true,
};

const struct report_type *report_data_type(unsigned int kind)
{
	return kind < NR_STRUCTURED ? structured[kind].t : NULL;
}

bool report_data_by_node(unsigned int kind)
{
	return kind < sizeof(by_node) / sizeof(by_node[0]) && by_node[kind];
}

/* The kind's snapshot of what a names, with the session's part (s may
 * be NULL: a test's machine has no sessions). */
static void *report_snapshot(const struct session *s, const struct machine *m,
			     unsigned int kind, const struct report_args *a,
			     int *err)
{
	const struct report_type *t = report_data_type(kind);
	void *snap;

	*err = -EOPNOTSUPP;
	if (!t)
		return NULL;
	snap = snapshot_take_at(t, m, a, err);
	if (snap && s && structured[kind].add)
		structured[kind].add(s, snap);
	return snap;
}

int report_data_text_at(const struct session *s, unsigned int kind,
			const struct report_args *a, struct seq_buf *seq)
{
	int err;
	void *snap = report_snapshot(s, s->d->m, kind, a, &err);

	if (!snap)
		return err;
	err = report_data_type(kind)->show(snap, seq);
	snapshot_free(report_data_type(kind)->desc, snap);
	return err;
}

int report_data_text(const struct session *s, unsigned int kind, int pid,
		     struct seq_buf *seq)
{
	struct report_args a = {.pid = pid, .cpl = 3, .sreg = -1};

	return report_data_text_at(s, kind, &a, seq);
}

unsigned int report_data_nr_kinds(void)
{
	return NR_STRUCTURED;
}

static bool is_int(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
	case PROTOBUF_C_TYPE_ENUM:
		return true;
	default:
		return false;
	}
}

static bool is_32(ProtobufCType t)
{
	return t == PROTOBUF_C_TYPE_INT32 || t == PROTOBUF_C_TYPE_SINT32 ||
	       t == PROTOBUF_C_TYPE_SFIXED32 || t == PROTOBUF_C_TYPE_UINT32 ||
	       t == PROTOBUF_C_TYPE_FIXED32 || t == PROTOBUF_C_TYPE_ENUM;
}

/* Whether a snapshot's field can fill the message's field. */
static bool kinds_agree(const struct snap_field *f,
			const ProtobufCFieldDescriptor *pf)
{
	bool repeated = pf->label == PROTOBUF_C_LABEL_REPEATED;

	switch (f->kind) {
	case SNAP_U64:
	case SNAP_S64:
		return !repeated && is_int(pf->type);
	case SNAP_BOOL:
		return !repeated && pf->type == PROTOBUF_C_TYPE_BOOL;
	case SNAP_CHARS:
	case SNAP_STR:
		return !repeated && pf->type == PROTOBUF_C_TYPE_STRING;
	case SNAP_U64S:
		return repeated && is_int(pf->type);
	case SNAP_ITEMS:
		return repeated && pf->type == PROTOBUF_C_TYPE_MESSAGE;
	case SNAP_ITEM:
		return !repeated && pf->type == PROTOBUF_C_TYPE_MESSAGE;
	case SNAP_STRS:
		return repeated && pf->type == PROTOBUF_C_TYPE_STRING;
	}
	return false;
}

int report_data_check(const struct snap_desc *d,
		      const ProtobufCMessageDescriptor *md, char *why,
		      size_t len)
{
	size_t i;

	if (strcmp(d->name, md->short_name))
		return snprintf(why, len, "%s is filled from %s's table",
				md->short_name, d->name),
		       -EINVAL;
	if (d->nr_fields != md->n_fields)
		return snprintf(why, len, "%s has %u fields, its table %zu",
				md->short_name, md->n_fields, d->nr_fields),
		       -EINVAL;
	for (i = 0; i < d->nr_fields; i++) {
		const struct snap_field *f = &d->fields[i];
		const ProtobufCFieldDescriptor *pf =
			protobuf_c_message_descriptor_get_field_by_name(
				md, f->name);
		int err;

		if (!pf || !kinds_agree(f, pf))
			return snprintf(why, len, "%s.%s: %s", md->short_name,
					f->name,
					pf ? "not of the table's kind"
					   : "no such field"),
			       -EINVAL;
		if (f->item) {
			err = report_data_check(f->item, pf->descriptor, why,
						len);
			if (err)
				return err;
		}
	}
	return 0;
}

static void put_int(const ProtobufCFieldDescriptor *pf, void *to, uint64_t v)
{
	if (is_32(pf->type))
		*(uint32_t *)to = (uint32_t)v;
	else
		*(uint64_t *)to = v;
}

static ProtobufCMessage *message_new(const ProtobufCMessageDescriptor *md)
{
	ProtobufCMessage *msg = malloc(md->sizeof_message);

	if (msg)
		md->message_init(msg);
	return msg;
}

static int fill_message(const struct snap_desc *d, const char *snap,
			ProtobufCMessage *msg);

/* A repeated number: an array of the message's width. */
static int put_numbers(const struct snap_field *f, const char *snap,
		       const ProtobufCFieldDescriptor *pf, char *msg)
{
	const uint64_t *v = *(uint64_t *const *)(snap + f->off);
	size_t n = *(const size_t *)(snap + f->count_off), i;
	size_t width = is_32(pf->type) ? 4 : 8;
	char *arr = calloc(n ? n : 1, width);

	if (!arr)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		put_int(pf, arr + i * width, v[i]);
	*(size_t *)(msg + pf->quantifier_offset) = n;
	*(char **)(msg + pf->offset) = arr;
	return 0;
}

/* A repeated string: each copied (counted as it is, for a failure). */
static int put_strings(const struct snap_field *f, const char *snap,
		       const ProtobufCFieldDescriptor *pf, char *msg)
{
	char *const *v = *(char *const *const *)(snap + f->off);
	size_t n = *(const size_t *)(snap + f->count_off), i;
	char **arr = calloc(n ? n : 1, sizeof(*arr));

	if (!arr)
		return -ENOMEM;
	*(char ***)(msg + pf->offset) = arr;
	for (i = 0; i < n; i++) {
		arr[i] = strdup(v[i] ? v[i] : "");
		if (!arr[i])
			return -ENOMEM;
		*(size_t *)(msg + pf->quantifier_offset) = i + 1;
	}
	return 0;
}

/* A repeated message: one per item, each filled by the item's table. */
static int put_items(const struct snap_field *f, const char *snap,
		     const ProtobufCFieldDescriptor *pf, char *msg)
{
	const char *items = *(char *const *)(snap + f->off);
	size_t n = *(const size_t *)(snap + f->count_off), i;
	ProtobufCMessage **arr = calloc(n ? n : 1, sizeof(*arr));
	int err = 0;

	if (!arr)
		return -ENOMEM;
	/* Counted as it fills: a failure frees what is there. */
	*(ProtobufCMessage ***)(msg + pf->offset) = arr;
	for (i = 0; i < n && !err; i++) {
		arr[i] = message_new(pf->descriptor);
		if (!arr[i])
			return -ENOMEM;
		*(size_t *)(msg + pf->quantifier_offset) = i + 1;
		err = fill_message(f->item, items + i * f->item->size, arr[i]);
	}
	return err;
}

static int put_field(const struct snap_field *f, const char *snap,
		     const ProtobufCFieldDescriptor *pf, char *msg)
{
	const char *s;
	ProtobufCMessage *sub;

	switch (f->kind) {
	case SNAP_U64:
	case SNAP_S64: /* the same bits: the message's type says the sign */
		put_int(pf, msg + pf->offset,
			*(const uint64_t *)(snap + f->off));
		return 0;
	case SNAP_BOOL:
		*(protobuf_c_boolean *)(msg + pf->offset) =
			*(const bool *)(snap + f->off);
		return 0;
	case SNAP_CHARS:
	case SNAP_STR:
		s = f->kind == SNAP_CHARS ? snap + f->off
					  : *(char *const *)(snap + f->off);
		s = strdup(s ? s : "");
		*(const char **)(msg + pf->offset) = s;
		return s ? 0 : -ENOMEM;
	case SNAP_U64S:
		return put_numbers(f, snap, pf, msg);
	case SNAP_ITEMS:
		return put_items(f, snap, pf, msg);
	case SNAP_STRS:
		return put_strings(f, snap, pf, msg);
	case SNAP_ITEM:
		sub = message_new(pf->descriptor);
		*(ProtobufCMessage **)(msg + pf->offset) = sub;
		return sub ? fill_message(f->item, snap + f->off, sub)
			   : -ENOMEM;
	}
	return -EINVAL;
}

/*
 * Every string is given one (strdup'ed), so that the message is freed
 * whole by protobuf_c_message_free_unpacked, however far it got.
 */
static void strings_empty(ProtobufCMessage *msg)
{
	const ProtobufCMessageDescriptor *md = msg->descriptor;
	unsigned int i;

	for (i = 0; i < md->n_fields; i++)
		if (md->fields[i].type == PROTOBUF_C_TYPE_STRING &&
		    md->fields[i].label != PROTOBUF_C_LABEL_REPEATED)
			*(char **)((char *)msg + md->fields[i].offset) = NULL;
}

static int fill_message(const struct snap_desc *d, const char *snap,
			ProtobufCMessage *msg)
{
	size_t i;
	int err;

	strings_empty(msg);
	for (i = 0; i < d->nr_fields; i++) {
		const ProtobufCFieldDescriptor *pf =
			protobuf_c_message_descriptor_get_field_by_name(
				msg->descriptor, d->fields[i].name);

		if (!pf)
			return -EINVAL; /* report_data_check says which */
		err = put_field(&d->fields[i], snap, pf, (char *)msg);
		if (err)
			return err;
	}
	return 0;
}

/* The kind's message in a new ReportData, *out, for the caller to free. */
static int report_data_message(const struct report_type *t, unsigned int kind,
			       const void *snap, Mm__ReportData **out)
{
	const ProtobufCFieldDescriptor *pf =
		protobuf_c_message_descriptor_get_field(
			&mm__report_data__descriptor, kind);
	Mm__ReportData *rd = malloc(sizeof(*rd));
	ProtobufCMessage *msg;

	*out = rd;
	if (!rd)
		return -ENOMEM;
	mm__report_data__init(rd);
	if (!pf)
		return -EINVAL;
	msg = message_new(pf->descriptor);
	if (!msg)
		return -ENOMEM;
	*(ProtobufCMessage **)((char *)rd + pf->offset) = msg;
	*(uint32_t *)((char *)rd + pf->quantifier_offset) = kind;
	return fill_message(t->desc, snap, msg);
}

int report_data_make_at(const struct session *s, const struct machine *m,
			unsigned int kind, const struct report_args *a,
			Mm__ReportData **out)
{
	const struct report_type *t = report_data_type(kind);
	void *snap;
	int err;

	*out = NULL;
	snap = report_snapshot(s, m, kind, a, &err);
	if (!snap)
		return err;
	err = report_data_message(t, kind, snap, out);
	snapshot_free(t->desc, snap);
	return err;
}

int report_data_make(const struct session *s, const struct machine *m,
		     unsigned int kind, int pid, Mm__ReportData **out)
{
	struct report_args a = {.pid = pid, .cpl = 3, .sreg = -1};

	return report_data_make_at(s, m, kind, &a, out);
}

void report_data_drop(struct session *s)
{
	free(s->kept.buf);
	s->kept.buf = NULL;
	s->kept.len = 0;
}

/* FNV-1a, 64 bits: a part's digest of the whole packing it is cut from. */
static uint64_t digest(const uint8_t *p, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	while (n--)
		h = (h ^ *p++) * 0x100000001b3ull;
	return h;
}

static bool kept_is(const struct session *s, const Mm__Report *rp, int pid)
{
	return s->kept.buf && s->kept.kind == (int)rp->kind &&
	       s->kept.pid == pid && s->kept.addr == rp->addr;
}

/* The report's packing kept in the session, for its parts. */
static int keep_packed(struct session *s, const Mm__Report *rp, int pid,
		       const Mm__ReportData *rd, size_t size)
{
	report_data_drop(s);
	s->kept.buf = malloc(size ? size : 1);
	if (!s->kept.buf)
		return -ENOMEM;
	s->kept.len = mm__report_data__pack(rd, s->kept.buf);
	s->kept.digest = digest(s->kept.buf, s->kept.len);
	s->kept.kind = (int)rp->kind;
	s->kept.pid = pid;
	s->kept.addr = rp->addr;
	return 0;
}

/*
 * The part of the kept packing at rp->offset that fits a reply; after
 * the last part the packing goes with the reply (freed once it is
 * written into the frame).
 */
static int report_data_part(struct session *s, const Mm__Report *rp,
			    struct reply *r)
{
	/* A part's own fields (size, digest, the bytes' tag and length)
	 * take at most 32 bytes beside the reply's. */
	size_t room = s->d->max_frame - REPLY_OVERHEAD - 32, len;
	Mm__ReportDataPart *p = &r->report_data_part;

	if (s->d->max_frame <= REPLY_OVERHEAD + 32)
		return reply_error(
			r, -EMSGSIZE,
			"frames of %u bytes hold no part of a report",
			s->d->max_frame);
	if (rp->offset > s->kept.len)
		return reply_error(r, -EINVAL,
				   "offset %llu is past the report's %zu bytes",
				   (unsigned long long)rp->offset, s->kept.len);
	len = s->kept.len - (size_t)rp->offset;
	if (len > room)
		len = room;
	mm__report_data_part__init(p);
	p->data.data = s->kept.buf + rp->offset;
	p->data.len = len;
	p->size = s->kept.len;
	p->digest = s->kept.digest;
	r->rep.more = s->kept.len - (size_t)rp->offset - len;
	r->rep.result_case = MM__REPLY__RESULT_REPORT_DATA_PART;
	r->rep.report_data_part = p;
	if (!r->rep.more) {
		r->heap[1] = s->kept.buf;
		s->kept.buf = NULL;
		s->kept.len = 0;
	}
	return 0;
}

/* Whole, or the first part of a new packing. */
static int report_data_new(struct session *s, const Mm__Report *rp,
			   const struct report_args *a, struct reply *r)
{
	struct machine *m = s->d->m;
	size_t size;
	int err;

	m->errmsg[0] = '\0';
	err = report_data_make_at(s, m, (unsigned int)rp->kind, a,
				  &r->report_data);
	if (err == -ESRCH)
		return reply_error(r, err, "no process with pid %d", a->pid);
	if (err)
		return reply_error(r, err, "%s",
				   m->errmsg[0] ? m->errmsg
						: "the report failed");
	size = mm__report_data__get_packed_size(r->report_data);
	if (!rp->offset && size <= s->d->max_frame - REPLY_OVERHEAD) {
		report_data_drop(s);
		r->rep.result_case = MM__REPLY__RESULT_REPORT_DATA;
		r->rep.report_data = r->report_data;
		return 0;
	}
	err = keep_packed(s, rp, a->pid, r->report_data, size);
	if (err)
		return reply_error(r, err, "no host memory for the report");
	return report_data_part(s, rp, r);
}

int report_data(struct session *s, const Mm__Report *rp, int pid,
		struct reply *r)
{
	const struct report_type *t = report_data_type((unsigned int)rp->kind);
	struct machine *m = s->d->m;
	struct report_args a = {.cpl = 3, .sreg = -1};

	if (!t)
		return reply_error(r, -EOPNOTSUPP,
				   "report kind %d has no structured form yet: "
				   "ask for its text",
				   (int)rp->kind);
	if (report_data_by_node((unsigned int)rp->kind)) {
		if (rp->addr >= m->nr_node_ids)
			return reply_error(
				r, -EINVAL,
				"node %llu does not exist (%u nodes)",
				(unsigned long long)rp->addr, m->nr_node_ids);
		pid = (int)rp->addr;
	}
	if (rp->offset && kept_is(s, rp, pid))
		return report_data_part(s, rp, r);
	a.pid = pid;
	a.addr = rp->addr;
	if (rp->kind == MM__REPORT_KIND__REPORT_TRANSLATE &&
	    report_translation_args(rp, &a, r))
		return r->rep.status;
	return report_data_new(s, rp, &a, r);
}
