#!/bin/sh
# SPDX-License-Identifier: MIT
# numa.sh - a two-node machine over the wire: the shipped
# config/x86_64-numa.yaml checks clean; a small two-node layout boots,
# mmc_test's "numa" family places pages by each policy and reads their
# nodes back, moves them, compares bad policies' errno with the host's;
# mmctl's numastat (and numastat -p PID), numa-maps and node-meminfo
# (and --json) show the nodes; zoneinfo and buddyinfo name node 1.
#   usage: MMD=build/test/mmd sh tests/integration/numa.sh
# Prints "PASS: name" or "FAIL: name" per check; exits 1 on any failure.
# Must never: leave a daemon running.
set -u
MMD=${MMD:-build/test/mmd}
HELPER=$(dirname "$MMD")/mmc_test
MMCTL=$(dirname "$MMD")/mmctl
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/daemon.sh"

check "x86_64-numa.yaml checks clean" \
	"$MMD" --check-config "$root/config/x86_64-numa.yaml"

# Two nodes of 1 GiB; DMA and DMA32 on node 0 only.
cat >"$tmp/numa.yaml" <<YAML
machine: {name: numa-test, memory: 2G, cpus: 4}
zones:
  - {name: DMA, start: 0, end: 16M}
  - {name: DMA32, start: 16M, end: 512M}
  - {name: Normal, start: 512M, end: 2G}
holes: []
devices: []
nodes:
  - {start: 0, end: 1G, cpus: "0-1", distance: "10 21"}
  - {start: 1G, end: 2G, cpus: "2-3", distance: "21 10"}
YAML
start_mmd numa --config "$tmp/numa.yaml" || exit 1
pid=$mmd_pid
s=$tmp/numa.sock
check "numa: policies place, move and refuse as Linux" \
	"$HELPER" "$s" ops numa

# numastat: a column per node, Linux's row names.
"$MMCTL" -s "$s" numastat >"$tmp/numastat" 2>&1
same "numastat's rows" \
	"node0 node1|numa_hit|numa_miss|numa_foreign|interleave_hit|local_node|other_node" \
	"$(awk 'NR == 1 { printf "%s %s", $1, $2; next } { printf "|%s", $1 }' "$tmp/numastat")"
"$MMCTL" -s "$s" --json numastat >"$tmp/numastat.json" 2>&1
same "numastat --json: a node each, its events" "true" \
	"$(jq 'length == 2 and .[1].node == 1 and .[1].numa_hit >= 0 and .[0].numa_hit > 0' "$tmp/numastat.json")"
# Nothing allocates between the two: the data and the text agree.
"$MMCTL" -s "$s" numastat >"$tmp/numastat" 2>&1
same "numastat --json: interleave_hit and other_node equal the text" \
	"$(awk '$1 == "interleave_hit" || $1 == "other_node" { print $1, $2, $3 }' "$tmp/numastat")" \
	"$(jq -r '"interleave_hit \(.[0].interleave_hit) \(.[1].interleave_hit)", "other_node \(.[0].other_node) \(.[1].other_node)"' "$tmp/numastat.json")"
# numastat's table is numactl's, no kernel file: --json --input refuses.
"$MMCTL" --json --input "$tmp/numastat" numastat >/dev/null 2>"$tmp/err"
same "numastat --json --input: exit 1, the kernel has no such file" \
	"$? $(grep -c 'the kernel has no such file' "$tmp/err")" "1 1"
"$MMCTL" -s "$s" --json node-meminfo 1 >"$tmp/node.json" 2>&1
"$MMCTL" -s "$s" node-meminfo 1 >"$tmp/node" 2>&1
same "node-meminfo 1 --json: node 1's MemTotal, as the text" \
	"1 $(awk '$3 == "MemTotal:" { print $4 }' "$tmp/node")" \
	"$(jq -r '"\(.node) \(.mem_total)"' "$tmp/node.json")"
# nodeN/vmstat: Linux's lines in order; the nodes' counters sum to
# the machine's.
"$MMCTL" -s "$s" node-vmstat 1 >"$tmp/nvm1" 2>&1
"$MMCTL" -s "$s" node-vmstat 0 >"$tmp/nvm0" 2>&1
"$MMCTL" -s "$s" vmstat >"$tmp/vmstat" 2>&1
same "node-vmstat: zone counters, NUMA events, then the node's" \
	"nr_free_pages|numa_hit|nr_inactive_anon|nr_swapcached" \
	"$(awk '$1 == "nr_free_pages" || $1 == "numa_hit" || $1 == "nr_inactive_anon" || $1 == "nr_swapcached" { printf "%s%s", (n++ ? "|" : ""), $1 }' "$tmp/nvm1")"
same "node-vmstat: nr_file_pages of the nodes sum to vmstat's" \
	"$(awk '$1 == "nr_file_pages" { print $2 }' "$tmp/vmstat")" \
	"$(cat "$tmp/nvm0" "$tmp/nvm1" | awk '$1 == "nr_file_pages" { n += $2 } END { print n }')"
same "node-vmstat --json: node 1's nr_free_pages, as the text" \
	"$(awk '$1 == "nr_free_pages" { print $2 }' "$tmp/nvm1")" \
	"$("$MMCTL" -s "$s" --json node-vmstat 1 | jq -r '.nr_free_pages')"
same "node-vmstat: its kswapd's wake-ups last" "kswapd_wakeups" \
	"$(tail -n 1 "$tmp/nvm1" | awk '{ print $1 }')"
# top: a line per node, with that node's kswapd wake-ups.
"$MMCTL" -s "$s" top -b -n 1 >"$tmp/top" 2>&1
same "top: a line per node" "Node 0|Node 1" \
	"$(awk '$1 == "Node" && $3 == "free" { printf "%s%s %s", (n++ ? "|" : ""), $1, $2 }' "$tmp/top")"
same "top: node 1's kswapd wake-ups, as its vmstat" \
	"$(awk '$1 == "kswapd_wakeups" { print $2 }' "$tmp/nvm1")" \
	"$(awk '$1 == "Node" && $2 == "1" { print $NF }' "$tmp/top")"
status "node-vmstat 2 is -EINVAL" 1 "Invalid argument|node 2" \
	"$MMCTL" -s "$s" node-vmstat 2
status "node-vmstat 2 --json is -EINVAL" 1 "Invalid argument|node 2" \
	"$MMCTL" -s "$s" --json node-vmstat 2
status "node-meminfo 2 --json is -EINVAL" 1 "Invalid argument|node 2" \
	"$MMCTL" -s "$s" --json node-meminfo 2
status "node-meminfo of no node is -EINVAL" 1 "Invalid argument|node 2" \
	"$MMCTL" -s "$s" node-meminfo 2
"$MMCTL" -s "$s" zoneinfo >"$tmp/zoneinfo" 2>&1
same "zoneinfo names node 1's Normal zone" "1" \
	"$(grep -c '^Node 1, zone   Normal' "$tmp/zoneinfo")"
"$MMCTL" -s "$s" buddyinfo >"$tmp/buddyinfo" 2>&1
same "buddyinfo: DMA, DMA32 on node 0 alone" \
	"Node 0, zone DMA|Node 0, zone DMA32|Node 0, zone Normal|Node 1, zone Normal" \
	"$(awk '{ printf "%s%s %s %s %s", (NR > 1 ? "|" : ""), $1, $2, $3, $4 }' "$tmp/buddyinfo")"
status "numastat -p of pid 9999 is -ESRCH" 1 "No such process|9999" \
	"$MMCTL" -s "$s" numastat -p 9999
status "numastat --json of pid 9999 is -ESRCH" 1 "No such process|9999" \
	"$MMCTL" -s "$s" --json numastat 9999
status "numastat -p with no PID is a usage error" 2 "needs an argument" \
	"$MMCTL" -s "$s" numastat -p
status "numa-maps of pid 9999 is -ESRCH" 1 "No such process|9999" \
	"$MMCTL" -s "$s" numa-maps 9999
status "numa-maps --json of pid 9999 is -ESRCH" 1 "No such process|9999" \
	"$MMCTL" -s "$s" --json numa-maps 9999
stop_mmd numa "$pid"
exit $failed
