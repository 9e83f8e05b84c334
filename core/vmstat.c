/*
 * vmstat.c - the names /proc/vmstat and /proc/zoneinfo print.
 *
 * Owns: the name tables for the counters in vmstat.h. Must never hold
 * counter values (they live in the machine).
 */
#include "core/vmstat.h"

#define VMSTAT_NAME(id, name) [id] = name,
const char *const zone_stat_names[] = {ZONE_STAT_ITEMS(VMSTAT_NAME)};
const char *const node_stat_names[] = {NODE_STAT_ITEMS(VMSTAT_NAME)};
const char *const zone_event_names[] = {ZONE_EVENT_ITEMS(VMSTAT_NAME)};
const char *const vm_event_names[] = {EVENT_ITEMS(VMSTAT_NAME)};
const char *const bad_item_names[] = {BAD_ITEMS(VMSTAT_NAME)};
#undef VMSTAT_NAME
