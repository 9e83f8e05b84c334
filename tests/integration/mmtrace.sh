#!/bin/sh
# SPDX-License-Identifier: MIT
# mmtrace.sh - allocation traces replayed through a real mmd: each trace
# in a process of the machine, its malloc called over the wire, checked
# for alignment, overlap and bytes; the same utilization as core's malloc
# in process (--direct); bad traces refused with their line; the machine
# clean and every page back afterwards.
#   usage: MMD=build/test/mmd sh tests/integration/mmtrace.sh
# Needs build/test/mmtrace and mmc_test next to mmd. Must never: leave a
# daemon running.
set -u
MMD=${MMD:-build/test/mmd}
bin=$(dirname "$MMD")
MMTRACE=$bin/mmtrace
HELPER=$bin/mmc_test
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/daemon.sh"

# A trace with a realloc, a block past the mmap threshold and frees in
# an order that makes the allocator split and coalesce.
cat >"$tmp/mixed.rep" <<'EOF'
6
12
a 0 100
a 1 200000
a 2 3000
r 0 5000
f 1
a 3 16
a 4 70000
f 2
r 3 40000
f 0
f 4
f 3
EOF
printf '2\n3\na 0 10\nf 1\nf 0\n' >"$tmp/unknown.rep"
printf '2\n3\na 0 10\nf 0\nf 0\n' >"$tmp/twice.rep"
printf '2\n2\na 0 10\nx 0\n' >"$tmp/bad.rep"

start_mmd trace || exit 1
s=$tmp/trace.sock
base=$("$HELPER" "$s" baseline)

"$MMTRACE" -s "$s" "$tmp/mixed.rep" >"$tmp/wire" 2>&1
same "a trace over the wire: exit 0" "$?" 0
"$MMTRACE" --direct "$tmp/mixed.rep" >"$tmp/direct" 2>&1
same "in process (--direct): exit 0" "$?" 0
same "the same utilization over the wire as in process" \
	"$(awk '$1 == "mixed.rep" { print $2, $3 }' "$tmp/wire")" \
	"$(awk '$1 == "mixed.rep" { print $2, $3 }' "$tmp/direct")"
status "a free of an id never allocated: exit 1, its line" 1 \
	'unknown.rep:4: .*never allocated' "$MMTRACE" -s "$s" "$tmp/unknown.rep"
status "a double free in the trace: exit 1, its line" 1 \
	'twice.rep:5: ' "$MMTRACE" -s "$s" "$tmp/twice.rep"
status "a malformed line: exit 1, its line" 1 'bad.rep:4: ' \
	"$MMTRACE" -s "$s" "$tmp/bad.rep"
status "no daemon: exit 1, why" 1 'cannot reach mmd' \
	"$MMTRACE" -s "$tmp/nosuch.sock" "$tmp/mixed.rep"
status "no trace: usage, exit 2" 2 '^usage: mmtrace' "$MMTRACE" -s "$s"

check "trace: admin invariant check" "$HELPER" "$s" check
after=$("$HELPER" "$s" baseline)
same "trace: free pages back at the baseline" "$after" "$base"
stop_mmd trace "$mmd_pid"
exit $failed
