#!/bin/sh
# SPDX-License-Identifier: MIT
# mmd_limits.sh - limits.pages over the wire on real daemons: a session's
# process is charged for every page it holds (blocks, vmalloc frames,
# large kmallocs, user pages and page tables), swaps its own pages out
# before it is refused, and is refused with the exact errors; and
# vmalloc, vzalloc, alloc_percpu and mmz_alloc wait for memory as kmalloc
# does, and allocations follow Linux's OOM rules, waking as soon as an
# OOM victim's memory is back (tests/mmc_test/mmc_test_limits.c). Each machine checks clean
# afterwards and its free pages are back at the baseline.
#   usage: MMD=build/test/mmd sh tests/integration/mmd_limits.sh
# Needs build/test/mmc_test next to mmd. Prints "PASS: name" or
# "FAIL: name" per check; exits 1 on any failure. Must never: leave a
# daemon running.
set -u
MMD=${MMD:-build/test/mmd}
HELPER=$(dirname "$MMD")/mmc_test
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/daemon.sh"

# layout NAME SWAP PAGES [MMZ]: a 64 MiB machine in $tmp/NAME.yaml.
layout() {
	cat >"$tmp/$1.yaml" <<EOF
machine:
  name: $1
  memory: 64M
zones:
  - {name: DMA, start: 0, end: 16M}
  - {name: DMA32, start: 16M, end: 64M}
swap:
  size: $2
limits:
  pages: $3
EOF
	[ $# -gt 3 ] && printf 'mmz:\n  - %s\n' "$4" >>"$tmp/$1.yaml"
	"$MMD" --check-config "$tmp/$1.yaml" >"$tmp/out" 2>&1 &&
		pass "$1: the layout checks clean" ||
		fail "$1: the layout checks clean"
}

# limits NAME SWAP: the limits family on a machine with 64-page limits.
limits() {
	layout "$1" "$2" 64
	start_mmd "$1" --config "$tmp/$1.yaml" || return 1
	pid=$mmd_pid
	s=$tmp/$1.sock
	mode=$([ "$2" = 0 ] && echo noswap || echo swap)
	base=$("$HELPER" "$s" baseline)
	check "$1: limits of 64 pages, $mode" "$HELPER" "$s" ops limits 64 \
		"$mode"
	settle "$1" "$base"
	stop_mmd "$1" "$pid"
}

limits limits-swap 16M
limits limits-noswap 0

# ---- allocations that wait: no swap, so a full machine stays full
layout park 0 1000000 "{name: media, start: 48M, size: 4M}"
start_mmd park --config "$tmp/park.yaml" || exit 1
park=$mmd_pid
s=$tmp/park.sock
base=$("$HELPER" "$s" baseline)
check "park: vmalloc, vzalloc, alloc_percpu, mmz_alloc wait or time out" \
	"$HELPER" "$s" ops alloc-park
grep -q '^hog holds [0-9]* pages' "$tmp/out" &&
	pass "park: the hog filled the machine" ||
	fail "park: the hog filled the machine"
check "park: Linux's OOM rules; a parked call wakes at the victim's exit" \
	"$HELPER" "$s" ops oom-rules
settle park "$base"
stop_mmd park "$park"

exit "$failed"
