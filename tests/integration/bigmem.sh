#!/bin/sh
# SPDX-License-Identifier: MIT
# bigmem.sh - a 1 TiB machine on a real daemon: config/x86_64-1t.yaml
# boots (its memmap written on first use, core/sparse.c), serves a
# client that takes pages, kernel objects and 256 MiB of user memory,
# and checks clean under mmctl check before, during and after; its
# reports count the unwritten sections as free, and it stays within
# what it touched on the host; map --by-type draws it.
#   usage: MMD=build/test/mmd sh tests/integration/bigmem.sh
# Needs build/test/mmctl and build/test/mmc-example next to mmd. Prints
# "PASS: name" or "FAIL: name" per check; exits 1 on any failure. Must
# never: leave a daemon or a client running.
set -u
MMD=${MMD:-build/test/mmd}
bin=$(dirname "$MMD")
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/daemon.sh"
M="$bin/mmctl -s $tmp/big.sock"

check "x86_64-1t.yaml: the layout checks clean" \
	"$MMD" --check-config "$root/config/x86_64-1t.yaml"
start_mmd big --config "$root/config/x86_64-1t.yaml" || exit 1
pid=$mmd_pid

status "check: consistent after boot" 0 '^consistent: [0-9]+ free pages' \
	$M check
free=$($M meminfo | sed -n 's/^MemFree: *\([0-9]*\) kB/\1/p')
# Pages on per-CPU lists are not in MemFree, as on Linux; a 1 TiB zone's
# lists hold thousands (pcp->high follows the zone's size).
pcp() { $M zoneinfo | awk '$1 == "count:" { s += $2 } END { print s }'; }
pcp0=$(pcp)
# 1 TiB less the 16 GiB memmap, the kernel image and the firmware pages.
total=$($M meminfo | sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p')
same "meminfo: MemTotal is 1 TiB less the 16 GiB memmap and the image" \
	"$(( (1024 - 16) * 1024 * 1024 - total < 64 * 1024 ))" 1
# Four nodes of 256 GiB, each with its Normal zone (a 4 MiB block is
# 1024 frames: 61440 or more of them per node).
same "buddyinfo: each node's Normal zone's unwritten sections are free 4 MiB blocks" \
	"$($M buddyinfo | awk '$4 == "Normal" { printf "%s%s", $2, ($15 >= 61440) }')" \
	"0,11,12,13,1"
# The daemon's own anonymous memory: ASan's shadow only where it wrote.
rss=$(sed -n 's/^RssAnon: *\([0-9]*\) kB/\1/p' "/proc/$pid/status")
same "host: the idle 1 TiB daemon holds under 1 GiB of anonymous memory" \
	"$(( rss < 1024 * 1024 ))" 1

"$bin/mmc-example" -s "$tmp/big.sock" -w 120 -p 64 -o 256 -a 256 \
	>"$tmp/held" 2>&1 &
holder=$!
pids="$pids $holder"
wait_for "$tmp/held" '^holding' || fail "the example client did not start"
status "check: consistent with 256 MiB in use" 0 '^consistent: ' $M check
used=$($M meminfo | sed -n 's/^MemFree: *\([0-9]*\) kB/\1/p')
same "meminfo: the client's 256 MiB is in use" \
	"$(( free - used >= 256 * 1024 ))" 1
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
forget "$holder"
status "check: consistent after the client exits" 0 '^consistent: ' $M check
back=$($M meminfo | sed -n 's/^MemFree: *\([0-9]*\) kB/\1/p')
# What the mmctl sessions themselves hold: a few pages.
gone=$(( (free - back) / 4 - ($(pcp) - pcp0) ))
same "meminfo: MemFree and the per-CPU lists are back once the client has gone" \
	"$(( gone >= 0 && gone < 64 ))" 1
# map --by-type past 65536 pageblocks: a cell per 256 pageblocks (at
# most 4096), every node's zones, drawn in the terminal and as a PNG.
$M map --by-type --color never >"$tmp/bytype" 2>&1
same "map --by-type: 131072 pages a cell, the six zones of four nodes" \
	"131072 6" \
	"$(sed -n '1s/.*: \([0-9]*\) pages per cell/\1/p' "$tmp/bytype") $(grep -c '^zone ' "$tmp/bytype")"
check "map --by-type --output: a PNG of 1 TiB" \
	$M map --by-type --output "$tmp/bytype.png"
same "map --by-type --json: every node's zone, 256 pageblocks an entry" \
	"0 1 2 3 256" \
	"$($M --json map --by-type | jq -r '[.zones[] | select(.zone == "Normal") | .node] + [.pageblocks_per_entry] | map(tostring) | join(" ")')"
# map: each node's heading over its zones; bounded (a frame map is at
# most 4096 cells whatever the size, and a heading one request a node).
timeout 60 $M map --color never >"$tmp/map" 2>&1
same "map: 1 TiB in 4096 cells, four node headings over six zones" \
	"131072|Node 0 start_pfn 0|zone DMA|zone DMA32|zone Normal|Node 1 start_pfn 67371008|zone Normal|Node 2 start_pfn 134479872|zone Normal|Node 3 start_pfn 201588736|zone Normal" \
	"$(sed -n '1s/.*: \([0-9]*\) pages (.*/\1/p' "$tmp/map")|$(awk '/^Node / { print $1, $2, $3, $4 } /^zone / { print $1, $2 }' "$tmp/map" | paste -sd'|')"
timeout 60 $M map --by-type --color never >"$tmp/bytype" 2>&1
same "map --by-type: four node headings" "4" "$(grep -c '^Node [0-3] start_pfn' "$tmp/bytype")"
stop_mmd big "$pid"
exit $failed
