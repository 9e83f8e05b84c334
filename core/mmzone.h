/* SPDX-License-Identifier: MIT */
/*
 * mmzone.h - NUMA nodes: pglist_data, zonelists and their walks.
 *
 * Owns: struct pglist_data (a node: its zones, its span, its CPUs and
 * its two zonelists) and the zonelist walk the page allocator makes,
 * as include/linux/mmzone.h. mmzone.c builds the zonelists at boot.
 * Must never: allocate or free pages; it only says in what order the
 * zones are tried.
 */
#ifndef MM_MMZONE_H
#define MM_MMZONE_H

#include "core/machine.h"

/* A node's zonelist: every populated zone in fallback order, NULL-ended. */
#define MAX_ZONES_PER_ZONELIST (MAX_NUMNODES * MAX_NR_ZONES)

struct zonelist {
	struct zone *_zonerefs[MAX_ZONES_PER_ZONELIST + 1];
};

/*
 * ZONELIST_FALLBACK: this node's zones, then the other nodes' by
 * distance (Linux's default node order); ZONELIST_NOFALLBACK: this
 * node's alone, for __GFP_THISNODE.
 */
enum {
	ZONELIST_FALLBACK,
	ZONELIST_NOFALLBACK,
	MAX_ZONELISTS,
};

struct pglist_data {
	struct zone *node_zones; /* this node's MAX_NR_ZONES zones */
	struct zonelist node_zonelists[MAX_ZONELISTS];
	int node_id;
	unsigned long node_start_pfn;
	unsigned long node_spanned_pages;
	unsigned long node_present_pages;
	uint64_t cpumask[LAYOUT_CPU_WORDS];
	/* The node's LRU lists and refault clock (vmscan.c, workingset.c). */
	struct lruvec __lruvec;
	struct kswapd_state kswapd;	  /* vmscan.c: this node's reclaimer */
	struct kcompactd_state kcompactd; /* compaction.c: its compactor */
	/* The node's vmstat items; the machine's node_stat is their sum. */
	long vm_stat[NR_VM_NODE_STAT_ITEMS];
	/* node_reclaim (vmscan.c): what must be reclaimable before it
	 * scans (min_unmapped_ratio's and min_slab_ratio's shares of the
	 * node's managed pages), and its lock against reentry. */
	unsigned long min_unmapped_pages;
	unsigned long min_slab_pages;
	bool reclaim_locked; /* PGDAT_RECLAIM_LOCKED */
};

static inline struct pglist_data *NODE_DATA(struct machine *m, int nid)
{
	return &m->node_data[nid];
}

/*
 * A node counter moves, and with it the machine's total, as
 * mod_node_page_state keeps pgdat->vm_stat and vm_node_stat.
 */
static inline void mod_node_page_state(struct machine *m, int nid,
				       enum node_stat_item item, long delta)
{
	m->node_data[nid].vm_stat[item] += delta;
	m->node_stat[item] += delta;
}

/* The counter of the page's node, as mod_lruvec_page_state. */
static inline void mod_lruvec_page_state(struct machine *m,
					 const struct page *page,
					 enum node_stat_item item, long delta)
{
	mod_node_page_state(m, page_to_nid(page), item, delta);
}

static inline long node_page_state(const struct pglist_data *pgdat,
				   enum node_stat_item item)
{
	return pgdat->vm_stat[item];
}

/* The machine's total of a node counter: every node's, summed. */
static inline long global_node_page_state(const struct machine *m,
					  enum node_stat_item item)
{
	return m->node_stat[item];
}

/* The node's lruvec, as mem_cgroup_lruvec without a memcg. */
static inline struct lruvec *node_lruvec(struct machine *m, int nid)
{
	return &m->node_data[nid].__lruvec;
}

static inline const struct lruvec *node_lruvec_const(const struct machine *m,
						     int nid)
{
	return &m->node_data[nid].__lruvec;
}

/* The lruvec a page belongs on: its own node's, as folio_lruvec. */
static inline struct lruvec *folio_lruvec(struct machine *m,
					  const struct page *page)
{
	return node_lruvec(m, page_to_nid(page));
}

/* The node whose kswapd is running now; NULL in a direct reclaimer. */
static inline struct pglist_data *current_kswapd(const struct machine *m)
{
	for (unsigned int nid = 0; nid < m->nr_node_ids; nid++)
		if (m->node_data[nid].kswapd.running)
			return &m->node_data[nid];
	return NULL;
}

static inline bool current_is_kswapd(const struct machine *m)
{
	return current_kswapd(m) != NULL;
}

/* Every online node's id, lowest first. */
#define for_each_online_node(m, nid)                                           \
	for ((nid) = 0; (nid) < (int)(m)->nr_node_ids; (nid)++)

static inline int zone_to_nid(const struct zone *zone)
{
	return zone->node;
}

static inline int numa_node_id(const struct machine *m)
{
	return m->cpu_to_node[m->cpu];
}

static inline int node_distance(const struct machine *m, int a, int b)
{
	return m->node_distance[a][b];
}

static inline bool node_online(const struct machine *m, int nid)
{
	return node_isset(nid, m->node_online_map);
}

/* The zonelist an allocation preferring nid walks, as node_zonelist. */
static inline struct zonelist *node_zonelist(struct machine *m, int nid,
					     gfp_t gfp)
{
	return &m->node_data[nid].node_zonelists[(gfp & __GFP_THISNODE)
							 ? ZONELIST_NOFALLBACK
							 : ZONELIST_FALLBACK];
}

/* A zone the walk may use: not above highest_zoneidx, in nodemask. */
static inline bool zonelist_zone_allowed(const struct zone *zone,
					 enum zone_type highest_zoneidx,
					 const nodemask_t *nodemask)
{
	return zone->type <= highest_zoneidx &&
	       (!nodemask || node_isset(zone->node, *nodemask));
}

#define for_each_zone_zonelist_nodemask(zone, z, zlist, highidx, nodemask)     \
	for ((z) = (zlist)->_zonerefs; ((zone) = *(z)) != NULL; (z)++)         \
		if (zonelist_zone_allowed((zone), (highidx), (nodemask)))

/* The first zone the walk would try, NULL when none, as
 * first_zones_zonelist. */
struct zone *first_zones_zonelist(struct zonelist *zl,
				  enum zone_type highest_zoneidx,
				  const nodemask_t *nodemask);

/* Every zone of every node, populated or not. */
#define for_each_zone(m, zone)                                                 \
	for ((zone) = (m)->zones; (zone) < (m)->zones + nr_zone_slots(m);      \
	     (zone)++)

/* Build every node's span and zonelists after the zones are sized. */
void build_all_zonelists(struct machine *m);

/* The node of a CPU, and the CPUs of a node as a cpulist ("0-1"). */
int cpu_to_node(const struct machine *m, unsigned int cpu);

/* The nodes, their zones and zonelists are consistent (machine_check). */
int numa_check(const struct machine *m, char *why, size_t len);

/* "0-1,3" for a nodemask, as %*pbl prints it; "" for none. */
const char *nodelist_format(nodemask_t mask, char *buf, size_t len);

#endif /* MM_MMZONE_H */
