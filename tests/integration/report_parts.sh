#!/bin/sh
# SPDX-License-Identifier: MIT
# report_parts.sh - reports longer than a reply frame come in parts and
# are whole again in the client: two fresh daemons booted from the same
# layout, one with 1 KiB frames and one with the default 1 MiB, must
# show the same bytes for every report mmctl reads (a machine booted
# the same way and asked the same thing is in the same state), the
# same JSON for every structured report (its data cut into parts of
# the packed ReportData, joined by libmmclient), and top, which asks
# for its reports in one pipeline, works on the small one.
#   usage: MMD=build/test/mmd sh tests/integration/report_parts.sh
# Needs build/test/mmctl and mmc-example next to mmd, and jq. Prints "PASS: name" or
# "FAIL: name" per check. Must never: leave a daemon running.
set -u
MMD=${MMD:-build/test/mmd}
MMCTL=$(dirname "$MMD")/mmctl
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/daemon.sh"

layout() { # FRAME: a small machine whose replies hold FRAME bytes
	cat <<YAML
machine: {name: parts, arch: x86_64, cpus: 2, memory: 64M}
zones:
  - {name: DMA, start: 0, end: 16M}
  - {name: DMA32, start: 16M, end: 64M}
kernel: {page_owner: 1}
daemon: {max_frame_bytes: $1}
YAML
}
layout 1K >"$tmp/small.yaml"
layout 1M >"$tmp/big.yaml"
start_mmd small --config "$tmp/small.yaml" || exit 1
small=$mmd_pid
start_mmd big --config "$tmp/big.yaml" || exit 1
big=$mmd_pid

for r in zoneinfo slabinfo vmstat meminfo buddyinfo; do
	"$MMCTL" -s "$tmp/small.sock" "$r" >"$tmp/small.$r" 2>&1
	"$MMCTL" -s "$tmp/big.sock" "$r" >"$tmp/big.$r" 2>&1
	bytes=$(wc -c <"$tmp/big.$r")
	if cmp -s "$tmp/small.$r" "$tmp/big.$r" && [ "$bytes" -gt 0 ]; then
		pass "$r: $bytes bytes through 1 KiB frames, as through 1 MiB"
	else
		fail "$r: the parts differ from the whole"
		diff "$tmp/small.$r" "$tmp/big.$r" | head -10 | sed 's/^/    /'
	fi
done
# A 1 KiB frame holds under 1 KiB of text: slabinfo took several.
n=$(wc -c <"$tmp/big.slabinfo")
if [ "$n" -gt 3072 ]; then
	pass "slabinfo ($n bytes) came in at least four parts"
else
	fail "slabinfo is only $n bytes: it tests no parts"
fi

# Every structured report as data: the same JSON through both, asked
# in lockstep (both machines see the same requests). A client holds
# pages, objects and a vmalloc area on each, for the per-process ones.
"$(dirname "$MMD")/mmc-example" -s "$tmp/small.sock" -w 120 -p 1 -o 1 \
	>"$tmp/small.held" 2>&1 &
pids="$pids $!"
"$(dirname "$MMD")/mmc-example" -s "$tmp/big.sock" -w 120 -p 1 -o 1 \
	>"$tmp/big.held" 2>&1 &
pids="$pids $!"
wait_for "$tmp/small.held" '^holding' && wait_for "$tmp/big.held" '^holding'
held=$(sed -n 's/^pid \([0-9]*\) .*/\1/p' "$tmp/big.held")
[ -n "$held" ] || fail "the holding client did not start"
# A block the client holds, for dump-page and page-owners (asked of both:
# they stay in lockstep).
"$MMCTL" -s "$tmp/small.sock" --json page-owner >/dev/null 2>&1
hpfn=$("$MMCTL" -s "$tmp/big.sock" --json page-owner |
	jq --argjson p "$held" 'first(.[] | select(.record.pid == $p) | .pfn)')
[ -n "$hpfn" ] || fail "page-owner: no block of the client"
parts=0
for r in meminfo buddyinfo zoneinfo vmstat slabinfo vmallocinfo media-mem \
	dmesg ps pagetypeinfo preempt percpu gfp-context mutexes files thp \
	numastat "node-meminfo 0" sysctl extfrag unusable "map --by-type" map \
	"status $held" "maps $held" "numa-maps $held" "malloc-stats $held" \
	page-owner "dump-page $hpfn" "page-owners $hpfn"; do
	# shellcheck disable=SC2086 # the command's words
	"$MMCTL" -s "$tmp/small.sock" --json $r 2>&1 |
		jq -S 'del(.. | .host_pid?)' >"$tmp/small.json"
	# shellcheck disable=SC2086
	"$MMCTL" -s "$tmp/big.sock" --json $r 2>&1 |
		jq -S 'del(.. | .host_pid?)' >"$tmp/big.json"
	bytes=$(wc -c <"$tmp/big.json")
	if cmp -s "$tmp/small.json" "$tmp/big.json" && [ "$bytes" -gt 2 ]; then
		[ "$bytes" -gt 2048 ] && parts=$((parts + 1))
	else
		fail "$r --json: the parts differ from the whole"
		diff "$tmp/small.json" "$tmp/big.json" | head -10 |
			sed 's/^/    /'
	fi
done
if [ "$parts" -ge 4 ]; then
	pass "every structured report's JSON is the same through 1 KiB frames as through 1 MiB ($parts of them over 2 KiB of JSON)"
else
	fail "only $parts structured reports are over 2 KiB of JSON: too few cut into parts"
fi

# top pipelines its reports; each must come back whole.
"$MMCTL" -s "$tmp/small.sock" top -b -n 1 >"$tmp/top" 2>&1
status=$?
if [ "$status" -eq 0 ] && grep -q 'kmalloc-' "$tmp/top" &&
	grep -q 'MemTotal\|Mem' "$tmp/top"; then
	pass "top through 1 KiB frames: its pipelined reports whole"
else
	fail "top through 1 KiB frames: exit $status"
	sed 's/^/    /' "$tmp/top" | head -20
fi
stop_mmd small "$small"
stop_mmd big "$big"
exit "$failed"
