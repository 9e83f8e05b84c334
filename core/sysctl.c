/* SPDX-License-Identifier: MIT */
/*
 * sysctl.c - the vm.* sysctls of the machine, as kernel/sysctl.c's
 * vm_table holds them: dirty_background_ratio, dirty_ratio (0..100),
 * dirty_expire_centisecs, dirty_writeback_centisecs (0..INT_MAX) and
 * swappiness (0..200), set from the layout at boot; compaction's
 * extfrag_threshold (0..1000) and compaction_proactiveness (0..100) and
 * the allocator's watermark_boost_factor (0..INT_MAX), node_reclaim's
 * min_unmapped_ratio and min_slab_ratio (0..100), Linux's defaults at
 * boot; zone_reclaim_mode (0..INT_MAX, RECLAIM_ZONE|WRITE|UNMAP bits),
 * the layout's at boot; all set by an admin at run time, listed as `sysctl vm`
 * prints them; and debugfs's fault_around_bytes (debug.fault_around_bytes, not
 * listed).
 *
 * Owns: the table of names and bounds. Must never: accept a value
 * outside a knob's bounds (-EINVAL, as proc_dointvec_minmax), or a name
 * it has not (-ENOENT, as a missing /proc/sys file).
 */
#include "core/sysctl.h"

#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "core/compaction.h"
#include "core/mmzone.h"
#include "core/err.h"
#include "core/pgtable.h"
#include "core/vmscan.h"

static const struct {
	const char *name;
	size_t offset;
	int64_t max;
} vm_table[] = {
	{"vm.compaction_proactiveness",
	 offsetof(struct vm_sysctl, compaction_proactiveness), 100},
	{"vm.dirty_background_ratio",
	 offsetof(struct vm_sysctl, dirty_background_ratio), 100},
	{"vm.dirty_expire_centisecs",
	 offsetof(struct vm_sysctl, dirty_expire_centisecs), INT_MAX},
	{"vm.dirty_ratio", offsetof(struct vm_sysctl, dirty_ratio), 100},
	{"vm.dirty_writeback_centisecs",
	 offsetof(struct vm_sysctl, dirty_writeback_centisecs), INT_MAX},
	{"vm.extfrag_threshold", offsetof(struct vm_sysctl, extfrag_threshold),
	 1000},
	{"vm.min_slab_ratio", offsetof(struct vm_sysctl, min_slab_ratio), 100},
	{"vm.min_unmapped_ratio",
	 offsetof(struct vm_sysctl, min_unmapped_ratio), 100},
	{"vm.swappiness", offsetof(struct vm_sysctl, swappiness), 200},
	{"vm.watermark_boost_factor",
	 offsetof(struct vm_sysctl, watermark_boost_factor), INT_MAX},
	/* Linux bounds it below only: bits past RECLAIM_UNMAP do nothing. */
	{"vm.zone_reclaim_mode", offsetof(struct vm_sysctl, zone_reclaim_mode),
	 INT_MAX},
};
#define NR_VM_SYSCTLS (sizeof(vm_table) / sizeof(vm_table[0]))

static unsigned int *knob(struct vm_sysctl *vm, size_t i)
{
	return (unsigned int *)((char *)vm + vm_table[i].offset);
}

/*
 * /sys/kernel/debug/fault_around_bytes, as fault_around_bytes_set: at
 * most a PTE table's reach, rounded down to a power of two of pages
 * when used (at least one page).
 */
static int fault_around_bytes_set(struct machine *m, int64_t value)
{
	uint64_t ptrs =
		pgtable_level_size(m, pgtable_levels(m) - 2) >> m->page_shift;

	if (value < 0 || (uint64_t)value / m->page_size > ptrs)
		return mm_refuse(m, BAD_NONE, -EINVAL,
				 "fault_around_bytes takes 0 to %llu bytes",
				 (unsigned long long)(ptrs * m->page_size));
	m->vm.fault_around_bytes = (unsigned int)value;
	return 0;
}

int sysctl_vm_set(struct machine *m, const char *name, int64_t value)
{
	if (!strcmp(name, "debug.fault_around_bytes"))
		return fault_around_bytes_set(m, value);
	for (size_t i = 0; i < NR_VM_SYSCTLS; i++) {
		if (strcmp(vm_table[i].name, name))
			continue;
		if (value < 0 || value > vm_table[i].max)
			return mm_refuse(m, BAD_NONE, -EINVAL,
					 "%s takes 0 to %lld, not %lld", name,
					 (long long)vm_table[i].max,
					 (long long)value);
		*knob(&m->vm, i) = (unsigned int)value;
		/*
		 * A write that turns proactive compaction on wakes kcompactd
		 * at once (proactive_compact_trigger): its sleep, deferred
		 * or not, ends, and it compacts if the score asks for it.
		 */
		if (vm_table[i].offset == offsetof(struct vm_sysctl,
						   compaction_proactiveness) &&
		    value) {
			for (unsigned int n = 0; n < m->nr_node_ids; n++)
				m->node_data[n].kcompactd.proactive_defer = 0;
			kcompactd_timeout(m);
		}
		/* The nodes' thresholds follow their ratios at once. */
		setup_min_unmapped_ratio(m);
		setup_min_slab_ratio(m);
		return 0;
	}
	return mm_refuse(m, BAD_NONE, -ENOENT, "no sysctl %s", name);
}

int sysctl_vm_fill(const struct machine *m, int pid, void *snap)
{
	struct sysctl_snapshot *sc = snap;
	struct vm_sysctl vm = m->vm;

	(void)pid;
	sc->sysctls = snap_alloc(NR_VM_SYSCTLS, sizeof(*sc->sysctls));
	if (!sc->sysctls)
		return -ENOMEM;
	for (size_t i = 0; i < NR_VM_SYSCTLS; i++)
		snap_counter_set(&sc->sysctls[sc->nr_sysctls++],
				 vm_table[i].name, *knob(&vm, i));
	return 0;
}

int sysctl_vm_show(const void *snap, struct seq_buf *s)
{
	const struct sysctl_snapshot *sc = snap;

	return snap_counters_show(sc->sysctls, sc->nr_sysctls, "%s = %lld\n",
				  s);
}

static const struct snap_field sysctl_fields[] = {
	SNAP_ARRAY(struct sysctl_snapshot, sysctls, nr_sysctls, SNAP_ITEMS,
		   &snap_counter_desc),
};
static const struct snap_desc sysctl_desc =
	SNAP_DESC("Sysctl", struct sysctl_snapshot, sysctl_fields);
const struct report_type sysctl_vm_report = {&sysctl_desc, sysctl_vm_fill,
					     sysctl_vm_show};

int report_sysctl_vm(const struct machine *m, struct seq_buf *s)
{
	return report_show(&sysctl_vm_report, m, 0, s);
}
