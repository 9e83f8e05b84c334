/* SPDX-License-Identifier: MIT */
/*
 * mmzone.c - the order in which an allocation tries the nodes' zones.
 *
 * Owns: each node's zonelists, built at boot as Linux's build_zonelists
 * does by default (node order: the local node, then the others by
 * distance, then each node's zones from the highest down), and the
 * first zone a walk would try. Must never: allocate or free pages, or
 * change after boot (zonelists are read on every allocation).
 */
#include "core/mmzone.h"

#include <limits.h>
#include <stdio.h>

#include "core/err.h"

/* Nodes with CPUs are a little further, as PENALTY_FOR_NODE_WITH_CPUS. */
#define PENALTY_FOR_NODE_WITH_CPUS 1

static bool node_has_cpus(const struct machine *m, int nid)
{
	for (unsigned int w = 0; w < LAYOUT_CPU_WORDS; w++)
		if (m->node_data[nid].cpumask[w])
			return true;
	return false;
}

/*
 * The nearest node not used yet, as find_next_best_node: the local node
 * first; then by distance, nodes below the local one a step further,
 * nodes with CPUs a step further, and of equals the less loaded.
 */
static int find_next_best_node(const struct machine *m, int node,
			       nodemask_t *used, const int *node_load)
{
	int best = NUMA_NO_NODE, min_val = INT_MAX;

	if (!node_isset(node, *used)) {
		node_set(node, used);
		return node;
	}
	for (int n = 0; n < (int)m->nr_node_ids; n++) {
		int val;

		if (node_isset(n, *used))
			continue;
		val = node_distance(m, node, n) + (n < node);
		if (node_has_cpus(m, n))
			val += PENALTY_FOR_NODE_WITH_CPUS;
		val = val * MAX_NUMNODES + node_load[n];
		if (val < min_val) {
			min_val = val;
			best = n;
		}
	}
	if (best >= 0)
		node_set(best, used);
	return best;
}

/* A node's populated zones, highest first, as build_zonerefs_node. */
static unsigned int add_node_zones(struct machine *m, struct zonelist *zl,
				   unsigned int nr, int nid)
{
	for (int z = MAX_NR_ZONES - 1; z >= 0; z--) {
		struct zone *zone = &m->node_data[nid].node_zones[z];

		if (populated_zone(zone))
			zl->_zonerefs[nr++] = zone;
	}
	return nr;
}

/*
 * One node's zonelists. The first node of each distance group gets a
 * load, so that nodes at equal distance take turns being first across
 * the machine's zonelists, as build_zonelists does.
 */
static void build_zonelists(struct machine *m, int local, int *node_load)
{
	struct pglist_data *pgdat = &m->node_data[local];
	struct zonelist *zl = &pgdat->node_zonelists[ZONELIST_FALLBACK];
	nodemask_t used = {0};
	unsigned int nr = 0;
	int node, prev = local;

	while ((node = find_next_best_node(m, local, &used, node_load)) >= 0) {
		if (node_distance(m, local, node) !=
		    node_distance(m, local, prev))
			node_load[node]++;
		nr = add_node_zones(m, zl, nr, node);
		prev = node;
	}
	zl->_zonerefs[nr] = NULL;
	zl = &pgdat->node_zonelists[ZONELIST_NOFALLBACK];
	zl->_zonerefs[add_node_zones(m, zl, 0, local)] = NULL;
}

void build_all_zonelists(struct machine *m)
{
	int node_load[MAX_NUMNODES] = {0};

	for (unsigned int n = 0; n < m->nr_node_ids; n++)
		build_zonelists(m, (int)n, node_load);
}

struct zone *first_zones_zonelist(struct zonelist *zl,
				  enum zone_type highest_zoneidx,
				  const nodemask_t *nodemask)
{
	struct zone **z, *zone;

	for_each_zone_zonelist_nodemask(zone, z, zl, highest_zoneidx,
					nodemask) return zone;
	return NULL;
}

int cpu_to_node(const struct machine *m, unsigned int cpu)
{
	return cpu < m->nr_cpus ? m->cpu_to_node[cpu] : NUMA_NO_NODE;
}

const char *nodelist_format(nodemask_t mask, char *buf, size_t len)
{
	size_t used = 0;
	int nid;

	buf[0] = '\0';
	for_each_node_mask(nid, mask)
	{
		int end = nid;

		while (node_isset(end + 1, mask))
			end++;
		if (used < len)
			used += (size_t)snprintf(buf + used, len - used,
						 end == nid ? "%s%d"
							    : "%s%d-%d",
						 used ? "," : "", nid, end);
		nid = end;
	}
	return buf;
}

/* A node's zones: its own, inside its span, adding up to its pages. */
static int check_node_zones(const struct machine *m, int nid, char *why,
			    size_t len)
{
	const struct pglist_data *pgdat = &m->node_data[nid];
	unsigned long present = 0;

	for (int z = 0; z < MAX_NR_ZONES; z++) {
		const struct zone *zone = &pgdat->node_zones[z];

		if (zone->node != nid || zone->type != (enum zone_type)z)
			return check_failed(why, len,
					    "node %d's zone slot %d names "
					    "node %d, type %d",
					    nid, z, zone->node, zone->type);
		if (zone->spanned_pages &&
		    (zone->zone_start_pfn < pgdat->node_start_pfn ||
		     zone_end_pfn(zone) >
			     pgdat->node_start_pfn + pgdat->node_spanned_pages))
			return check_failed(why, len,
					    "node %d's %s zone lies outside "
					    "the node",
					    nid, zone->name);
		present += zone->present_pages;
	}
	if (present != pgdat->node_present_pages)
		return check_failed(why, len,
				    "node %d: its zones hold %lu pages, the "
				    "node %lu",
				    nid, present, pgdat->node_present_pages);
	return 0;
}

/* Each populated zone of the machine once in a fallback zonelist. */
static int check_zonelists(const struct machine *m, int nid, char *why,
			   size_t len)
{
	const struct pglist_data *pgdat = &m->node_data[nid];
	unsigned int seen[MAX_ZONES_PER_ZONELIST] = {0}, n = 0, want = 0;
	struct zone *const *z;

	for (z = pgdat->node_zonelists[ZONELIST_FALLBACK]._zonerefs; *z;
	     z++, n++) {
		unsigned int slot = (unsigned int)(*z - m->zones);

		if (slot >= nr_zone_slots(m) || seen[slot]++ ||
		    !populated_zone(*z))
			return check_failed(why, len,
					    "node %d's zonelist holds zone "
					    "slot %u wrongly",
					    nid, slot);
	}
	for (unsigned int s = 0; s < nr_zone_slots(m); s++)
		want += populated_zone(&m->zones[s]) ? 1 : 0;
	if (n != want ||
	    (n &&
	     pgdat->node_zonelists[ZONELIST_FALLBACK]._zonerefs[0]->node !=
		     nid &&
	     pgdat->node_present_pages))
		return check_failed(why, len,
				    "node %d's zonelist has %u zones of %u, "
				    "or starts off the node",
				    nid, n, want);
	return 0;
}

/* Each node counter's total is every node's, summed (vm_node_stat). */
static int check_node_stat_sums(const struct machine *m, char *why, size_t len)
{
	for (int item = 0; item < NR_VM_NODE_STAT_ITEMS; item++) {
		long sum = 0;

		for (unsigned int nid = 0; nid < m->nr_node_ids; nid++)
			sum += node_page_state(&m->node_data[nid],
					       (enum node_stat_item)item);
		if (sum != global_node_page_state(m, (enum node_stat_item)item))
			return check_failed(
				why, len,
				"%s: the nodes' sum %ld, the "
				"machine's %ld",
				node_stat_names[item], sum,
				global_node_page_state(
					m, (enum node_stat_item)item));
	}
	return 0;
}

int numa_check(const struct machine *m, char *why, size_t len)
{
	int err = check_node_stat_sums(m, why, len);

	if (err)
		return err;
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++)
		if (m->cpu_to_node[cpu] >= m->nr_node_ids)
			return check_failed(why, len, "cpu %u is on node %u",
					    cpu, m->cpu_to_node[cpu]);
	for (int nid = 0; nid < (int)m->nr_node_ids; nid++) {
		err = check_node_zones(m, nid, why, len);
		if (!err)
			err = check_zonelists(m, nid, why, len);
		if (err)
			return err;
	}
	return 0;
}
