/* SPDX-License-Identifier: MIT */
/*
 * percpu_defs.h - static per-CPU variables: DEFINE_PER_CPU, the static
 * and reserved areas of the first per-CPU chunk, get_cpu_var and
 * put_cpu_var, per_cpu and the this_cpu operations, as
 * include/linux/percpu-defs.h and setup_per_cpu_areas.
 *
 * Owns: the table of variables (name, offset in the unit, size, owner)
 * and the static and reserved areas at the start of every unit of
 * alloc_percpu's first chunk, set up at boot as setup_per_cpu_areas
 * lays the first chunk out: static, reserved, then alloc_percpu's
 * first dynamic area (percpu.c's, which keeps the head as the kernel's
 * allocation). The
 * kernel's own variables (cpu_number, this_cpu_off) sit in the static
 * area, set at boot; a client's DEFINE_PER_CPU lands in the reserved
 * area, as a module's does, and goes when its process exits. Must never:
 * let a task write the kernel's variables or touch another task's, or
 * hand out bytes of the dynamic area alloc_percpu owns.
 *
 * A variable's address is its copy in CPU 0's unit; CPU n's copy lies n
 * unit sizes above it, as with alloc_percpu's pointers.
 */
#ifndef MM_PERCPU_DEFS_H
#define MM_PERCPU_DEFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/machine.h"
#include "core/seq_buf.h"
#include "core/snapshot.h"

#define PERCPU_NAME_MAX 32
/* What Linux keeps in the first chunk for modules' static variables. */
#define PERCPU_MODULE_RESERVE (8UL << 10)

struct percpu_var {
	char name[PERCPU_NAME_MAX];
	unsigned long offset; /* from the start of a unit */
	unsigned int size;
	int owner; /* 0: the kernel's, in the static area */
};

struct percpu_defs {
	uint64_t base;		     /* the first chunk's unit 0 */
	unsigned long unit_size;     /* between one CPU's copy and the next */
	unsigned long static_size;   /* the kernel's variables */
	unsigned long reserved_size; /* clients' (modules') variables */
	struct percpu_var *vars;     /* sorted by offset */
	size_t nr_vars;
	size_t cap;
};

enum this_cpu_op {
	THIS_CPU_READ,
	THIS_CPU_WRITE,
	THIS_CPU_ADD,
	THIS_CPU_INC,
	NR_THIS_CPU_OPS
};

int percpu_defs_init(struct machine *m);
void percpu_defs_exit(struct machine *m);
int percpu_defs_check(const struct machine *m, char *why, size_t len);
/* A process's exit unloads its variables; returns how many. */
unsigned long percpu_defs_release(struct machine *m, int pid);

/*
 * DEFINE_PER_CPU(size bytes, name) for the current task, zeroed on
 * every CPU. *addr is CPU 0's copy. -EINVAL for a name that is no C
 * identifier of fewer than PERCPU_NAME_MAX bytes or a size of 0 or past
 * the reserved area, -EEXIST for a name taken, -ENOMEM when the reserved
 * area has no room (as a module's load fails).
 */
int define_per_cpu(struct machine *m, const char *name, unsigned int size,
		   uint64_t *addr);
/* preempt_disable, and the address of this CPU's copy. */
int get_cpu_var(struct machine *m, const char *name, uint64_t *addr);
/* preempt_enable; -EINVAL without a get_cpu_var to end. */
int put_cpu_var(struct machine *m, const char *name);
/* per_cpu(name, cpu) read whole (1, 2, 4 or 8 bytes) or written. */
int per_cpu_read(struct machine *m, const char *name, unsigned int cpu,
		 uint64_t *value);
int per_cpu_write(struct machine *m, const char *name, unsigned int cpu,
		  uint64_t value);
/* this_cpu_read/write/add/inc on this CPU's copy; *value is the result. */
int this_cpu_op(struct machine *m, const char *name, enum this_cpu_op op,
		uint64_t arg, uint64_t *value);

/* Each CPU's static area: every variable's copy and its value. */
/*
 * The percpu report's snapshot (snapshot.h; mm.proto's Percpu): every
 * variable's copy on every CPU, its address, size (bytes), area
 * ("static" the kernel's, "reserved" a process's), owner, and value
 * when whole (a variable of 1, 2, 4 or 8 bytes: the text's "-" else).
 */
struct percpu_var_snapshot {
	uint64_t cpu, addr;
	char name[PERCPU_NAME_MAX];
	uint64_t size;
	char area[12];
	int64_t owner;
	bool whole;
	uint64_t value;
};
struct percpu_snapshot {
	struct percpu_var_snapshot *vars;
	size_t nr_vars;
};
extern const struct report_type percpu_report;
int percpu_fill(const struct machine *m, int pid, void *snap);
int percpu_show(const void *snap, struct seq_buf *s);
int report_percpu(const struct machine *m, struct seq_buf *s);

#endif /* MM_PERCPU_DEFS_H */
