/* SPDX-License-Identifier: MIT */
/*
 * percpu_defs.c - static per-CPU variables: DEFINE_PER_CPU in the first
 * chunk's static and reserved areas, get_cpu_var/put_cpu_var, per_cpu
 * and this_cpu_*, as include/linux/percpu-defs.h and
 * setup_per_cpu_areas (mm/percpu.c, arch/x86/kernel/setup_percpu.c).
 *
 * Owns: the variables' table and their bytes in every unit of the first
 * chunk's first (static + reserved) bytes, which percpu.c keeps as the
 * kernel's allocation. Must never: place a variable
 * outside its area, let two overlap, write the kernel's variables for a
 * task, or let a task reach another task's variables.
 *
 * Values are read and written in the simulated RAM, little-endian as
 * both architectures keep them; the table holds only where each is.
 */
#include "core/percpu_defs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/err.h"
#include "core/percpu.h"
#include "core/preempt.h"

/* The kernel's variables, as setup_per_cpu_areas sets them on x86. */
enum { KVAR_CPU_NUMBER, KVAR_THIS_CPU_OFF, NR_KERNEL_VARS };

static const struct percpu_var kernel_vars[NR_KERNEL_VARS] = {
	[KVAR_CPU_NUMBER] = {"cpu_number", 0, 4, 0},
	[KVAR_THIS_CPU_OFF] = {"this_cpu_off", 8, 8, 0},
};

#define PERCPU_STATIC_SIZE 16UL

static uint8_t *var_ram(const struct machine *m, const struct percpu_var *v,
			unsigned int cpu)
{
	const struct percpu_defs *d = m->pcpu_defs;
	uint64_t addr =
		d->base + (uint64_t)cpu * m->pcpu_defs->unit_size + v->offset;

	return m->ram + (addr - m->layout.kernel.page_offset);
}

static uint64_t var_load(const struct machine *m, const struct percpu_var *v,
			 unsigned int cpu)
{
	uint64_t value = 0;

	memcpy(&value, var_ram(m, v, cpu), v->size);
	return value;
}

static void var_store(struct machine *m, const struct percpu_var *v,
		      unsigned int cpu, uint64_t value)
{
	memcpy(var_ram(m, v, cpu), &value, v->size);
}

static bool whole_size(unsigned int size)
{
	return size == 1 || size == 2 || size == 4 || size == 8;
}

/* ------------------------------------------------------------------ */
/* Looking a variable up, with the caller's rights                      */

static struct percpu_var *find_var(const struct machine *m, const char *name)
{
	const struct percpu_defs *d = m->pcpu_defs;

	for (size_t i = 0; i < d->nr_vars; i++)
		if (!strcmp(d->vars[i].name, name))
			return &d->vars[i];
	return NULL;
}

/* The variable name, if the current task may read (or write) it. */
static int lookup(struct machine *m, const char *name, bool write,
		  struct percpu_var **var)
{
	struct percpu_var *v = find_var(m, name);

	if (!v)
		return mm_refuse(m, BAD_PERCPU_VAR, -ENOENT,
				 "no per-CPU variable '%.*s'", PERCPU_NAME_MAX,
				 name);
	if (v->owner && v->owner != m->current_pid)
		return mm_refuse(m, BAD_NONE, -EPERM,
				 "per-CPU variable %s belongs to another task",
				 v->name);
	if (write && !v->owner && m->current_pid)
		return mm_refuse(m, BAD_NONE, -EPERM,
				 "per-CPU variable %s is the kernel's: read "
				 "only",
				 v->name);
	*var = v;
	return 0;
}

static int lookup_whole(struct machine *m, const char *name, bool write,
			const char *op, struct percpu_var **var)
{
	int err = lookup(m, name, write, var);

	if (!err && !whole_size((*var)->size))
		return mm_refuse(m, BAD_PERCPU_VAR, -EINVAL,
				 "%s(%s): a %u-byte variable; only 1, 2, 4 "
				 "and 8 bytes are read whole",
				 op, (*var)->name, (*var)->size);
	return err;
}

/* ------------------------------------------------------------------ */
/* DEFINE_PER_CPU                                                      */

static bool valid_name(const char *name)
{
	static const char ident[] = "_abcdefghijklmnopqrstuvwxyz"
				    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	size_t n = strnlen(name, PERCPU_NAME_MAX);

	return n && n < PERCPU_NAME_MAX &&
	       !(name[0] >= '0' && name[0] <= '9') && strspn(name, ident) == n;
}

static unsigned long var_align(unsigned int size)
{
	unsigned long align = 1;

	while (align < size && align < 8)
		align <<= 1;
	return align;
}

/* First fit in the reserved area; the table is sorted by offset. */
static bool find_room(const struct percpu_defs *d, unsigned int size,
		      unsigned long *off, size_t *idx)
{
	unsigned long align = var_align(size);
	unsigned long end = d->static_size + d->reserved_size;
	unsigned long pos = d->static_size;
	size_t i = 0;

	for (;; i++) {
		unsigned long start = (pos + align - 1) & ~(align - 1);
		unsigned long limit = i < d->nr_vars ? d->vars[i].offset : end;

		if (i < d->nr_vars && d->vars[i].offset < d->static_size)
			continue; /* the kernel's, below the reserved area */
		if (start + size <= limit) {
			*off = start;
			*idx = i;
			return true;
		}
		if (i >= d->nr_vars)
			return false;
		pos = d->vars[i].offset + d->vars[i].size;
	}
}

static int insert_var(struct machine *m, const struct percpu_var *v, size_t idx)
{
	struct percpu_defs *d = m->pcpu_defs;
	struct percpu_var *grown = array_reserve(
		d->vars, &d->cap, d->nr_vars + 1, sizeof(*grown), 8);

	if (!grown)
		return mm_refuse(m, BAD_NONE, -ENOMEM,
				 "no host memory for a per-CPU variable");
	d->vars = grown;
	memmove(&d->vars[idx + 1], &d->vars[idx],
		(d->nr_vars - idx) * sizeof(*d->vars));
	d->vars[idx] = *v;
	d->nr_vars++;
	return 0;
}

int define_per_cpu(struct machine *m, const char *name, unsigned int size,
		   uint64_t *addr)
{
	struct percpu_defs *d = m->pcpu_defs;
	struct percpu_var v = {{0}, 0, size, m->current_pid};
	size_t idx;
	int err;

	if (!valid_name(name))
		return mm_refuse(m, BAD_PERCPU_VAR, -EINVAL,
				 "DEFINE_PER_CPU: '%.*s' is not a C name of 1 "
				 "to %d bytes",
				 PERCPU_NAME_MAX, name, PERCPU_NAME_MAX - 1);
	if (!size || size > d->reserved_size)
		return mm_refuse(m, BAD_PERCPU_VAR, -EINVAL,
				 "DEFINE_PER_CPU(%s): size %u is not in [1, "
				 "%lu]",
				 name, size, d->reserved_size);
	if (find_var(m, name))
		return mm_refuse(m, BAD_PERCPU_VAR, -EEXIST,
				 "DEFINE_PER_CPU(%s): the name is taken", name);
	if (!find_room(d, size, &v.offset, &idx))
		return mm_refuse(m, BAD_NONE, -ENOMEM,
				 "DEFINE_PER_CPU(%s): no room for %u bytes in "
				 "the %lu-byte reserved area",
				 name, size, d->reserved_size);
	memcpy(v.name, name, strlen(name) + 1);
	err = insert_var(m, &v, idx);
	if (err)
		return err;
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++)
		memset(var_ram(m, &v, cpu), 0, size);
	*addr = d->base + v.offset;
	return 0;
}

unsigned long percpu_defs_release(struct machine *m, int pid)
{
	struct percpu_defs *d = m->pcpu_defs;
	size_t kept = 0, i;

	if (!d)
		return 0;
	for (i = 0; i < d->nr_vars; i++)
		if (d->vars[i].owner != pid)
			d->vars[kept++] = d->vars[i];
	i = d->nr_vars - kept;
	d->nr_vars = kept;
	return i;
}

/* ------------------------------------------------------------------ */
/* Access                                                              */

int get_cpu_var(struct machine *m, const char *name, uint64_t *addr)
{
	struct percpu_var *v;
	int err = lookup(m, name, false, &v);

	if (!err)
		err = preempt_get_cpu_var(m);
	if (err)
		return err;
	*addr = m->pcpu_defs->base +
		(uint64_t)m->cpu * m->pcpu_defs->unit_size + v->offset;
	return 0;
}

int put_cpu_var(struct machine *m, const char *name)
{
	struct percpu_var *v;
	int err = lookup(m, name, false, &v);

	return err ? err : preempt_put_cpu_var(m, v->name);
}

int per_cpu_read(struct machine *m, const char *name, unsigned int cpu,
		 uint64_t *value)
{
	struct percpu_var *v;
	int err = lookup_whole(m, name, false, "per_cpu", &v);

	if (err)
		return err;
	if (cpu >= m->nr_cpus)
		return mm_refuse(m, BAD_CPU, -EINVAL,
				 "per_cpu(%s, %u): the machine has %u CPUs",
				 name, cpu, m->nr_cpus);
	*value = var_load(m, v, cpu);
	return 0;
}

int per_cpu_write(struct machine *m, const char *name, unsigned int cpu,
		  uint64_t value)
{
	struct percpu_var *v;
	int err = lookup_whole(m, name, true, "per_cpu", &v);

	if (err)
		return err;
	if (cpu >= m->nr_cpus)
		return mm_refuse(m, BAD_CPU, -EINVAL,
				 "per_cpu(%s, %u): the machine has %u CPUs",
				 name, cpu, m->nr_cpus);
	var_store(m, v, cpu, value);
	return 0;
}

/* The bits a variable holds: a wider value is cut, as C's store is. */
static uint64_t fit(const struct percpu_var *v, uint64_t value)
{
	return v->size == 8 ? value : value & ((1ULL << (v->size * 8)) - 1);
}

int this_cpu_op(struct machine *m, const char *name, enum this_cpu_op op,
		uint64_t arg, uint64_t *value)
{
	static const char *const names[NR_THIS_CPU_OPS] = {
		"this_cpu_read", "this_cpu_write", "this_cpu_add",
		"this_cpu_inc"};
	struct percpu_var *v;
	int err;

	if ((unsigned int)op >= NR_THIS_CPU_OPS)
		return mm_refuse(m, BAD_PERCPU_VAR, -EINVAL,
				 "no this_cpu operation %d", (int)op);
	err = lookup_whole(m, name, op != THIS_CPU_READ, names[op], &v);
	if (err)
		return err;
	*value = var_load(m, v, m->cpu);
	if (op == THIS_CPU_WRITE)
		*value = fit(v, arg);
	else if (op == THIS_CPU_ADD || op == THIS_CPU_INC)
		*value = fit(v, *value + (op == THIS_CPU_INC ? 1 : arg));
	if (op != THIS_CPU_READ)
		var_store(m, v, m->cpu, *value);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Boot, teardown, the report and the checker                          */

/*
 * setup_per_cpu_areas: the static area, then the reserved one, at the
 * start of the first chunk's units, before alloc_percpu's dynamic area.
 * Units of a machine with many CPUs and a small max_order may be too
 * small for 8 KiB; the reserved area then takes what leaves half of a
 * unit to alloc_percpu (Linux would make its units bigger instead).
 */
static int setup_per_cpu_areas(struct machine *m, struct percpu_defs *d)
{
	unsigned long unit = m->pcpu->unit_size;

	d->unit_size = unit;
	d->static_size = PERCPU_STATIC_SIZE;
	d->reserved_size = PERCPU_MODULE_RESERVE;
	if (d->static_size + d->reserved_size > unit / 2)
		d->reserved_size = unit / 2 - d->static_size;
	return pcpu_setup_first_chunk(m, d->static_size + d->reserved_size,
				      &d->base);
}

int percpu_defs_init(struct machine *m)
{
	struct percpu_defs *d = calloc(1, sizeof(*d));
	int err;

	if (!d)
		return -ENOMEM;
	m->pcpu_defs = d;
	err = setup_per_cpu_areas(m, d);
	for (size_t i = 0; !err && i < NR_KERNEL_VARS; i++)
		err = insert_var(m, &kernel_vars[i], i);
	if (err)
		return err;
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++) {
		var_store(m, &d->vars[KVAR_CPU_NUMBER], cpu, cpu);
		var_store(m, &d->vars[KVAR_THIS_CPU_OFF], cpu,
			  (uint64_t)cpu * d->unit_size);
	}
	return 0;
}

void percpu_defs_exit(struct machine *m)
{
	if (!m->pcpu_defs)
		return;
	free(m->pcpu_defs->vars);
	free(m->pcpu_defs);
	m->pcpu_defs = NULL;
}

int percpu_fill(const struct machine *m, int pid, void *snap)
{
	const struct percpu_defs *d = m->pcpu_defs;
	struct percpu_snapshot *ps = snap;

	(void)pid;
	ps->vars = snap_alloc(m->nr_cpus * d->nr_vars, sizeof(*ps->vars));
	if (!ps->vars)
		return -ENOMEM;
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++)
		for (size_t i = 0; i < d->nr_vars; i++) {
			const struct percpu_var *v = &d->vars[i];
			struct percpu_var_snapshot *p =
				&ps->vars[ps->nr_vars++];

			p->cpu = cpu;
			p->addr = d->base + (uint64_t)cpu * d->unit_size +
				  v->offset;
			snprintf(p->name, sizeof(p->name), "%s", v->name);
			p->size = v->size;
			snprintf(p->area, sizeof(p->area), "%s",
				 v->owner ? "reserved" : "static");
			p->owner = v->owner;
			p->whole = whole_size(v->size);
			p->value = p->whole ? var_load(m, v, cpu) : 0;
		}
	return 0;
}

int percpu_show(const void *snap, struct seq_buf *s)
{
	const struct percpu_snapshot *ps = snap;

	seq_printf(s, "%3s %-18s %-24s %6s %-8s %7s %s\n", "CPU", "ADDR",
		   "NAME", "SIZE", "AREA", "OWNER", "VALUE");
	for (size_t i = 0; i < ps->nr_vars; i++) {
		const struct percpu_var_snapshot *p = &ps->vars[i];

		seq_printf(s, "%3llu %#-18llx %-24s %6llu %-8s %7lld ",
			   (unsigned long long)p->cpu,
			   (unsigned long long)p->addr, p->name,
			   (unsigned long long)p->size, p->area,
			   (long long)p->owner);
		if (p->whole)
			seq_printf(s, "%llu\n", (unsigned long long)p->value);
		else
			seq_printf(s, "-\n");
	}
	return s->err;
}

#define PV(member, k) SNAP_FIELD(struct percpu_var_snapshot, member, k)
static const struct snap_field percpu_var_fields[] = {
	PV(cpu, SNAP_U64),    PV(addr, SNAP_U64),   PV(name, SNAP_CHARS),
	PV(size, SNAP_U64),   PV(area, SNAP_CHARS), PV(owner, SNAP_S64),
	PV(whole, SNAP_BOOL), PV(value, SNAP_U64),
};
static const struct snap_desc percpu_var_desc =
	SNAP_DESC("PercpuVar", struct percpu_var_snapshot, percpu_var_fields);
static const struct snap_field percpu_fields[] = {
	SNAP_ARRAY(struct percpu_snapshot, vars, nr_vars, SNAP_ITEMS,
		   &percpu_var_desc),
};
static const struct snap_desc percpu_desc =
	SNAP_DESC("Percpu", struct percpu_snapshot, percpu_fields);
const struct report_type percpu_report = {&percpu_desc, percpu_fill,
					  percpu_show};

int report_percpu(const struct machine *m, struct seq_buf *s)
{
	return report_show(&percpu_report, m, 0, s);
}

static int check_var(const struct machine *m, size_t i, char *why, size_t len)
{
	const struct percpu_defs *d = m->pcpu_defs;
	const struct percpu_var *v = &d->vars[i];
	bool kernel = v->owner == 0;
	unsigned long lo = kernel ? 0 : d->static_size;
	unsigned long hi =
		kernel ? d->static_size : d->static_size + d->reserved_size;

	if (!valid_name(v->name) || !v->size || v->offset < lo ||
	    v->offset + v->size > hi || v->offset % var_align(v->size))
		return check_failed(why, len,
				    "per-CPU variable %.*s: %u bytes at %lu, "
				    "outside its area [%lu, %lu) or misaligned",
				    PERCPU_NAME_MAX, v->name, v->size,
				    v->offset, lo, hi);
	if (i && d->vars[i - 1].offset + d->vars[i - 1].size > v->offset)
		return check_failed(
			why, len,
			"per-CPU variables %s and %s overlap or are "
			"out of order",
			d->vars[i - 1].name, v->name);
	for (size_t j = 0; j < i; j++)
		if (!strcmp(d->vars[j].name, v->name))
			return check_failed(why, len,
					    "per-CPU variable %s is defined "
					    "twice",
					    v->name);
	return 0;
}

int percpu_defs_check(const struct machine *m, char *why, size_t len)
{
	const struct percpu_defs *d = m->pcpu_defs;
	int err = 0;

	if (!d)
		return 0;
	if (d->base != m->pcpu->first_chunk->base ||
	    d->unit_size != m->pcpu->unit_size ||
	    m->pcpu->head_bytes != d->static_size + d->reserved_size)
		return check_failed(why, len,
				    "per-CPU static areas at %#lx are not the "
				    "first chunk's head",
				    (unsigned long)d->base);
	for (size_t i = 0; !err && i < d->nr_vars; i++)
		err = check_var(m, i, why, len);
	for (unsigned int cpu = 0; !err && cpu < m->nr_cpus; cpu++)
		if (var_load(m, &d->vars[KVAR_CPU_NUMBER], cpu) != cpu)
			return check_failed(
				why, len, "per_cpu(cpu_number, %u) is %lu", cpu,
				(unsigned long)var_load(
					m, &d->vars[KVAR_CPU_NUMBER], cpu));
	return err;
}
