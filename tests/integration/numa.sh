#!/bin/sh
# SPDX-License-Identifier: MIT
# numa.sh - a two-node machine over the wire: the shipped
# config/x86_64-numa.yaml checks clean; a small two-node layout boots,
# mmc_test's "numa" family places pages by each policy and reads their
# nodes back, moves them, compares bad policies' errno with the host's;
# mmctl's numastat (and numastat -p PID), numa-maps and node-meminfo
# (and --json) show the nodes; zoneinfo and buddyinfo name node 1;
# mmctl map (text, PNG, SVG, --by-type) of the shipped two-socket layout
# draws each node under its heading with node-meminfo's numbers.
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
# top: each zone line names its node (a NODE column), as zoneinfo does.
same "top: the zones' table has a NODE column" "NODE ZONE" \
	"$(awk '$1 == "NODE" { print $1, $2 }' "$tmp/top" | tr -d '\001\004')"
same "top: each zone line's node and zone" "0 DMA|0 DMA32|0 Normal|1 Normal" \
	"$(tr -d '\001\004' <"$tmp/top" | awk '$1 == "NODE" { on = 1; next } on && NF == 0 { exit } on { printf "%s%s %s", (n++ ? "|" : ""), $1, $2 }')"
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

# ---- map of config/x86_64-numa.yaml: the shipped layout, its memmap
# written on first use (its deferred_struct_page_init, as
# x86_64-1t.yaml's): 64 GiB at the host's cost of what is touched.
cp "$root/config/x86_64-numa.yaml" "$tmp/two.yaml"
start_mmd two --config "$tmp/two.yaml" || exit 1
pid=$mmd_pid
M="$MMCTL -s $tmp/two.sock"
# node N's heading, from node-meminfo N (nothing allocates meanwhile)
heading() { # NODE START PAGES
	$M node-meminfo "$1" | awk -v n="$1" -v s="$2" -v p="$3" '
		$3 == "MemTotal:" { t = $4 } $3 == "MemFree:" { f = $4 }
		$3 == "MemUsed:" { u = $4 }
		END { printf "Node %s start_pfn %s pages %s: MemTotal %s kB, MemFree %s kB, MemUsed %s kB\n", n, s, p, t, f, u }'
}
$M map --color never >"$tmp/map" 2>&1
h0=$(heading 0 0 8650752)
h1=$(heading 1 8650752 8388608)
same "map: each node's heading (node-meminfo's), its zones under it" 	"$h0|zone DMA start_pfn 0 pages 4096|zone DMA32 start_pfn 4096 pages 1044480|zone Normal start_pfn 1048576 pages 7602176|$h1|zone Normal start_pfn 8650752 pages 8388608" 	"$(grep -E '^(Node|zone) ' "$tmp/map" | paste -sd'|')"
# Each zone's rows: its pages / 8192 a cell, 64 cells a row.
same "map: 8192 pages a cell; each zone's rows of 64 cells" 	"8192 DMA 1 DMA32 2 Normal 15 Normal 16" 	"$(awk 'NR == 1 { printf "%s", $5; next } /^zone / { if (z) printf " %s %d", z, r; z = $2; r = 0; next }
		/^(Node|legend)/ { next } z { r++ } END { printf " %s %d\n", z, r }' "$tmp/map")"
same "map: the DMA32 zone's cells, 1044480 pages / 8192" "128" 	"$(awk '/^zone DMA32/ { on = 1; next } /^(zone|Node)/ { on = 0 } on { n += length($0) } END { print n }' "$tmp/map")"
same "map --json: nr_nodes 2, the zones' nodes in order" "2 0 0 0 1" 	"$($M --json map | jq -r '[.nr_nodes] + [.zones[].node] | map(tostring) | join(" ")')"
# The picture: 536 wide; 24 + 24 + 2 headings of 38 + 4 zones of 26 +
# 34 rows of 8 + the legend's 54 high.
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{ print $3 * 256 + $4 "x" $7 * 256 + $8 }'; }
check "map --output PNG" $M map --output "$tmp/map.png"
same "map --output PNG: 536x554, the two headings' bands in it" "536x554" \
	"$(png_size "$tmp/map.png")"
check "map --output SVG" $M map --output "$tmp/map.svg"
same "map --output SVG: its <desc> holds the headings" "<desc>$h0|$h1|</desc>" \
	"$(sed -n '/<desc>/,/<\/desc>/p' "$tmp/map.svg" | paste -sd'|')"
same "map --output SVG: 536x554 points" "536x554" \
	"$(sed -n 's/.*<svg[^>]* width="\([0-9]*\)pt" height="\([0-9]*\)pt".*/\1x\2/p' "$tmp/map.svg")"
$M map --by-type --color never >"$tmp/bytype" 2>&1
same "map --by-type: the headings, the zones under them" \
	"$h0|zone DMA start_pfn 0 pages 4096|zone DMA32 start_pfn 4096 pages 1044480|zone Normal start_pfn 1048576 pages 7602176|$h1|zone Normal start_pfn 8650752 pages 8388608" \
	"$(grep -E '^(Node|zone) ' "$tmp/bytype" | paste -sd'|')"
same "map --by-type: node 1's Normal zone, a pageblock a cell" "16384" \
	"$(awk '/^zone / { z++ } z == 4 && !/^(zone|legend)/ { n += NF } END { print n }' "$tmp/bytype")"
check "map --by-type --output SVG" $M map --by-type --output "$tmp/bytype.svg"
same "map --by-type --output SVG: its <desc> holds the headings" "<desc>$h0|$h1|</desc>" \
	"$(sed -n '/<desc>/,/<\/desc>/p' "$tmp/bytype.svg" | paste -sd'|')"
check "map --by-type --output PNG" $M map --by-type --output "$tmp/bytype.png"
stop_mmd two "$pid"

# numastat -m and -n on the shipped two-socket layout, while a process
# on node 1 holds memory on both nodes: each value is its node's
# node-meminfo (kB) or node-vmstat (pages) value, the Total their sum,
# the text the data in MB with two decimals.
start_mmd big --config "$root/config/x86_64-numa.yaml" || exit 1
pid=$mmd_pid
s=$tmp/big.sock
mkfifo "$tmp/hold.in"
"$HELPER" "$s" ops numa-hold 60 <"$tmp/hold.in" >"$tmp/hold.out" 2>&1 &
holder=$!
pids="$pids $holder"
exec 9>"$tmp/hold.in"
wait_for "$tmp/hold.out" '^holding' "$holder"
# The first session after the holder's start leaves the machine as the
# next ones find it (a kernel page table): read once before comparing.
"$MMCTL" -s "$s" node-meminfo 0 >/dev/null
"$MMCTL" -s "$s" --json node-meminfo 0 >"$tmp/nm0.json"
"$MMCTL" -s "$s" --json node-meminfo 1 >"$tmp/nm1.json"
"$MMCTL" -s "$s" --json numastat -m >"$tmp/m.json"
"$MMCTL" -s "$s" numastat -m >"$tmp/m.txt"
"$MMCTL" -s "$s" --json node-vmstat 0 >"$tmp/nv0.before"
"$MMCTL" -s "$s" --json node-vmstat 1 >"$tmp/nv1.before"
"$MMCTL" -s "$s" --json numastat -n >"$tmp/n.json"
"$MMCTL" -s "$s" --json node-vmstat 0 >"$tmp/nv0.after"
"$MMCTL" -s "$s" --json node-vmstat 1 >"$tmp/nv1.after"
"$MMCTL" -s "$s" numastat -n >"$tmp/n.txt"
# numastat's row name -> node-meminfo's key; every row, both nodes.
same "numastat -m: every row is each node's node-meminfo, in bytes" "" \
	"$(jq -r --slurpfile n0 "$tmp/nm0.json" --slurpfile n1 "$tmp/nm1.json" '
	  def key: {"MemTotal": "mem_total", "MemFree": "mem_free",
	    "MemUsed": "mem_used", "Active": "active", "Inactive": "inactive",
	    "Active(anon)": "active_anon", "Inactive(anon)": "inactive_anon",
	    "Active(file)": "active_file", "Inactive(file)": "inactive_file",
	    "Unevictable": "unevictable", "Mlocked": "mlocked",
	    "Dirty": "dirty", "Writeback": "writeback",
	    "FilePages": "file_pages", "Mapped": "mapped",
	    "AnonPages": "anon_pages", "Shmem": "shmem",
	    "KernelStack": "kernel_stack", "PageTables": "page_tables",
	    "Slab": "slab", "SReclaimable": "s_reclaimable",
	    "SUnreclaim": "s_unreclaim", "AnonHugePages": "anon_huge_pages",
	    "KReclaimable": "k_reclaimable"}[.];
	  .rows[] | (.name | key) as $k
	  | select(.bytes[0] != $n0[0][$k] * 1024
	      or .bytes[1] != $n1[0][$k] * 1024
	      or .total_bytes != .bytes[0] + .bytes[1])
	  | "\(.name) \(.bytes) \($n0[0][$k]) \($n1[0][$k])"' "$tmp/m.json")"
same "numastat -m: numactl's rows, in its order" \
	"MemTotal MemFree MemUsed Active Inactive Active(anon) Inactive(anon) Active(file) Inactive(file) Unevictable Mlocked Dirty Writeback FilePages Mapped AnonPages Shmem KernelStack PageTables Slab SReclaimable SUnreclaim AnonHugePages KReclaimable" \
	"$(jq -r '[.rows[].name] | join(" ")' "$tmp/m.json")"
same "numastat -m: node 1 holds the process's pages" "true" \
	"$(jq '.rows[] | select(.name == "AnonPages") | .bytes[1] >= 262144' "$tmp/m.json")"
same "numastat -m's text: the title, a token line per node, the headers" \
	"|Per-node system memory usage (in MBs):|Token SwapCached not in hash table.|Token SwapCached not in hash table.|                          Node 0          Node 1           Total|                 --------------- --------------- ---------------" \
	"$(head -n 6 "$tmp/m.txt" | tr '\n' '|' | sed 's/|$//')"
same "numastat -m's text is the data in MB, two decimals, 16 wide" "" \
	"$(jq -r '.rows[] | [.name] + .bytes + [.total_bytes] | @tsv' "$tmp/m.json" |
	   awk -F '\t' '{ printf "%-16s%16.2f%16.2f%16.2f\n", $1, $2 / 1048576, $3 / 1048576, $4 / 1048576 }' |
	   diff - "$(sed -n '7,$p' "$tmp/m.txt" >"$tmp/m.rows"; echo "$tmp/m.rows")")"
# -n: node 1's events are still (mmctl's sessions run on node 0), node
# 0's move between the reads, so its values lie between them.
same "numastat -n: node 1's events, node-vmstat's pages times 4096" "" \
	"$(jq -r --slurpfile b "$tmp/nv1.before" --slurpfile a "$tmp/nv1.after" '
	  def key: {"Numa_Hit": "numa_hit", "Numa_Miss": "numa_miss",
	    "Numa_Foreign": "numa_foreign",
	    "Interleave_Hit": "numa_interleave", "Local_Node": "numa_local",
	    "Other_Node": "numa_other"}[.];
	  .rows[] | (.name | key) as $k
	  | select(.bytes[1] != $b[0][$k] * 4096 or .bytes[1] != $a[0][$k] * 4096
	      or .total_bytes != .bytes[0] + .bytes[1])
	  | "\(.name) \(.bytes)"' "$tmp/n.json")"
same "numastat -n: node 0's events between node-vmstat before and after" "" \
	"$(jq -r --slurpfile b "$tmp/nv0.before" --slurpfile a "$tmp/nv0.after" '
	  def key: {"Numa_Hit": "numa_hit", "Numa_Miss": "numa_miss",
	    "Numa_Foreign": "numa_foreign",
	    "Interleave_Hit": "numa_interleave", "Local_Node": "numa_local",
	    "Other_Node": "numa_other"}[.];
	  .rows[] | (.name | key) as $k
	  | select(.bytes[0] < $b[0][$k] * 4096 or .bytes[0] > $a[0][$k] * 4096)
	  | "\(.name) \(.bytes)"' "$tmp/n.json")"
same "numastat -n: the process's events counted" "true" \
	"$(jq '[.rows[] | {(.name): .bytes}] | add | .Interleave_Hit[0] > 0 and .Interleave_Hit[1] > 0 and .Local_Node[1] > 0 and .Other_Node[0] >= 16384' "$tmp/n.json")"
same "numastat -n's text: the title and numactl's rows" \
	"|Per-node numastat info (in MBs):|                          Node 0          Node 1           Total|Numa_Hit|Numa_Miss|Numa_Foreign|Interleave_Hit|Local_Node|Other_Node" \
	"$(awk 'NR <= 3 { printf "%s%s", (NR > 1 ? "|" : ""), $0; next } NR > 4 { printf "|%s", $1 }' "$tmp/n.txt")"
same "numastat -n: node 1's Numa_Hit in MB, as the data" \
	"$(jq -r '.rows[0].bytes[1]' "$tmp/n.json" | awk '{ printf "%.2f", $1 / 1048576 }')" \
	"$(awk '$1 == "Numa_Hit" { print $3 }' "$tmp/n.txt")"
"$MMCTL" -s "$s" --json numastat -m -n >"$tmp/mn.json"
same "numastat -m -n --json: both tables, keyed" "meminfo numastat" \
	"$(jq -r 'keys | join(" ")' "$tmp/mn.json")"
status "numastat -m with --input is a usage error" 2 "not --input" \
	"$MMCTL" --input "$tmp/m.txt" numastat -m
status "numastat -x is a usage error" 2 "unknown option '-x'" \
	"$MMCTL" -s "$s" numastat -x
exec 9>&-
wait "$holder"
same "numa-hold: its process placed everything" "0" "$?"
forget "$holder"
stop_mmd big "$pid"
exit $failed
