/* SPDX-License-Identifier: MIT */
/*
 * slub_sysfs.c - /sys/kernel/slab/<cache>/: SLUB's per-cache attributes
 * (the sysfs part of Linux's mm/slub.c), so the partial and full lists
 * and the CPUs' slabs can be seen.
 *
 * Owns: each attribute's value, counted as show_slab_objects counts it.
 * Must never: change the cache it reads, or walk more than its slabs.
 */
#include <errno.h>

#include "core/err.h"
#include "core/slab_internal.h"
#include "core/slub_sysfs.h"

/*
 * What show_slab_objects counts, by SO_* as the kernel names them, each
 * by node: a CPU slab and a listed slab count on their pages' node.
 */
struct slab_counts {
	unsigned long cpu_slabs[MAX_NUMNODES];
	unsigned long partial[MAX_NUMNODES], partial_inuse[MAX_NUMNODES];
	unsigned long objects[MAX_NUMNODES]; /* SO_OBJECTS: less free */
	unsigned long slabs[MAX_NUMNODES], total_objects[MAX_NUMNODES];
};

static void count_list(const struct list_head *head, int nid,
		       struct slab_counts *c)
{
	const struct list_head *pos;

	list_for_each(pos, head)
	{
		const struct slab *slab = list_entry(pos, struct slab, list);

		c->partial[nid]++;
		c->partial_inuse[nid] += slab->inuse;
		c->objects[nid] -= slab->objects - slab->inuse;
	}
}

/*
 * SLUB keeps empty slabs on the partial list (up to min_partial); the
 * machine keeps them on a list of their own, so both count as partial.
 */
static void count_slabs(const struct machine *m, const struct kmem_cache *s,
			struct slab_counts *c)
{
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++)
		if (s->cpu[cpu].slab)
			c->cpu_slabs[s->cpu[cpu].slab->node]++;
	for (unsigned int nid = 0; nid < s->nr_nodes; nid++) {
		const struct kmem_cache_node *n = get_node(s, (int)nid);

		c->slabs[nid] = n->nr_slabs;
		c->total_objects[nid] = n->total_objects;
		c->objects[nid] = n->total_objects;
		count_list(&n->partial, (int)nid, c);
		count_list(&n->empty, (int)nid, c);
	}
}

/*
 * A count and each node's share, as the kernel prints it on NUMA:
 * "objects: 12 N0=8 N1=4", a node with none left out.
 */
static void show_nodes(struct seq_buf *sb, const char *name,
		       const unsigned long *x, unsigned int nr_nodes)
{
	unsigned long total = 0;

	for (unsigned int nid = 0; nid < nr_nodes; nid++)
		total += x[nid];
	seq_printf(sb, "%s: %lu", name, total);
	for (unsigned int nid = 0; nid < nr_nodes; nid++)
		if (x[nid])
			seq_printf(sb, " N%u=%lu", nid, x[nid]);
	seq_printf(sb, "\n");
}

static void show_flag(struct seq_buf *sb, const char *name,
		      const struct kmem_cache *s, slab_flags_t flag)
{
	seq_printf(sb, "%s: %d\n", name, !!(s->flags & flag));
}

int slab_sysfs_show(struct machine *m, const char *name, struct seq_buf *sb)
{
	const struct kmem_cache *s = kmem_cache_name_clash(m, name);
	struct slab_counts c = {0};

	if (!s)
		return mm_refuse(m, BAD_NONE, -ENOENT,
				 "no slab cache called '%s'", name);
	count_slabs(m, s, &c);
	seq_printf(sb, "aliases: 0\nalign: %u\n", s->align);
	show_flag(sb, "cache_dma", s, SLAB_CACHE_DMA);
	seq_printf(sb, "cpu_partial: 0\n");
	show_nodes(sb, "cpu_slabs", c.cpu_slabs, s->nr_nodes);
	seq_printf(sb, "ctor: %s\n", s->ctor ? "ctor" : "");
	seq_printf(sb, "destroy_by_rcu: 0\n");
	show_flag(sb, "hwcache_align", s, SLAB_HWCACHE_ALIGN);
	seq_printf(sb, "min_partial: %lu\nobject_size: %u\n", s->min_partial,
		   s->object_size);
	/* As SO_ALL|SO_OBJECTS: CPU slabs' free objects count as in use. */
	show_nodes(sb, "objects", c.objects, s->nr_nodes);
	show_nodes(sb, "objects_partial", c.partial_inuse, s->nr_nodes);
	seq_printf(sb, "objs_per_slab: %u\norder: %u\n", s->objects, s->order);
	show_nodes(sb, "partial", c.partial, s->nr_nodes);
	show_flag(sb, "poison", s, SLAB_POISON);
	show_flag(sb, "reclaim_account", s, SLAB_RECLAIM_ACCOUNT);
	show_flag(sb, "red_zone", s, SLAB_RED_ZONE);
	/* Shown as a percentage: the kernel stores ten times it. */
	seq_printf(sb, "remote_node_defrag_ratio: %u\n",
		   s->remote_node_defrag_ratio / 10);
	show_flag(sb, "sanity_checks", s, SLAB_CONSISTENCY_CHECKS);
	seq_printf(sb, "slab_size: %u\n", s->size);
	show_nodes(sb, "slabs", c.slabs, s->nr_nodes);
	seq_printf(sb, "slabs_cpu_partial: 0(0)\n");
	show_flag(sb, "store_user", s, SLAB_STORE_USER);
	show_nodes(sb, "total_objects", c.total_objects, s->nr_nodes);
	seq_printf(sb, "trace: 0\nusersize: %u\n", s->object_size);
	return sb->err;
}
