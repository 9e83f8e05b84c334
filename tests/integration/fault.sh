#!/bin/sh
# SPDX-License-Identifier: MIT
# fault.sh - mmd-fault (mk/fault.mk) under a client workload, with its Nth
# host allocation made to fail, or its Nth write to a client, for N swept
# over the whole workload. Each run: a bystander client connects and
# writes known bytes; the fault is armed (SIGUSR1: calls count from
# there); one worker (build/test/soak work) runs 300 mixed operations; the
# fault is disarmed (SIGUSR2). Then the daemon must be alive, the worker
# must have seen nothing but failures for want of memory or its
# connection dropped, the bystander must be served with its bytes intact,
# the invariant checker clean, free pages and slab objects back where they
# were, and mmd must stop on SIGTERM with exit 0 and no sanitizer report.
#   usage: MMD=build/test/mmd sh tests/integration/fault.sh
# FAULT_FULL=1 sweeps every N (FAULT_STRIDE apart, default 1), as
# `make fault` does; without it, a dozen N spread over the workload. Swap
# faults are core's alone until address spaces reach the wire: the unit
# test test_swap_fault sweeps them. Prints "PASS: name" or "FAIL: name"
# per run. Free pages and slab objects are compared with no other client
# connected: a client alive across the workload pins slabs wherever its
# objects happen to be. Must never: leave a daemon running.
set -u
MMD=${MMD:-build/test/mmd}
bin=$(dirname "$MMD")
FAULT=$bin/mmd-fault
SOAK=$bin/soak
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/daemon.sh"

cat >"$tmp/fault.yaml" <<'EOF'
machine: {name: fault, memory: 128M}
zones:
  - {name: DMA, start: 0, end: 16M}
  - {name: DMA32, start: 16M, end: 128M}
swap: {size: 8M}
EOF
sock=$tmp/fault.sock
log=$tmp/fault.log

# run ENV...: one daemon, the fault set by ENV; sets $why (empty: passed)
# and $report (the shim's count of calls and failures).
run() {
	why=""
	rm -f "$sock" "$tmp/by.in" "$log"
	env MMD_FAULT_ON_SIGNAL=1 MMD_FAULT_REPORT=1 "$@" \
		"$FAULT" --foreground --socket "$sock" \
		--config "$tmp/fault.yaml" 2>"$log" &
	pid=$!
	pids="$pids $pid"
	if ! wait_for "$log" "serving" "$pid"; then
		why="did not start"
		kill -9 "$pid" 2>/dev/null
		wait "$pid"
		forget "$pid"
		return
	fi
	# With no client but the one asking, as it will be at the end.
	before=$(timeout 20 "$SOAK" "$sock" state | grep -v '^info')
	mkfifo "$tmp/by.in"
	timeout 90 "$SOAK" "$sock" bystander <"$tmp/by.in" >"$tmp/by.out" 2>&1 &
	by=$!
	exec 3>"$tmp/by.in"
	wait_for "$tmp/by.out" ready "$by" || why="bystander did not start"
	kill -USR1 "$pid"
	wait_for "$log" "fault: counting" "$pid" || why="${why:-not armed}"
	timeout 60 "$SOAK" "$sock" work 7 300 >"$tmp/work.out" 2>&1
	work=$?
	kill -USR2 "$pid" 2>/dev/null
	wait_for "$log" "fault: stopped" "$pid" || why="${why:-died}"
	[ "$work" -le 2 ] || why="${why:-the worker hung or crashed ($work)}"
	[ "$work" -ne 1 ] || why="${why:-the worker saw a violation}"
	exec 3>&-
	wait "$by" || why="${why:-the bystander was not served}"
	timeout 20 "$SOAK" "$sock" check >"$tmp/check.out" 2>&1 ||
		why="${why:-the checker failed}"
	after=$(timeout 20 "$SOAK" "$sock" state | grep -v '^info')
	[ "$before" = "$after" ] || why="${why:-free pages or slab objects moved}"
	kill -TERM "$pid" 2>/dev/null
	wait "$pid"
	status=$?
	forget "$pid"
	[ "$status" -eq 0 ] || why="${why:-exit $status}"
	! grep -q 'AddressSanitizer\|runtime error\|LeakSanitizer' "$log" ||
		why="${why:-a sanitizer report}"
	report=$(sed -n 's/^fault: alloc/alloc/p' "$log" | tail -1)
}

# verdict NAME: a PASS or FAIL line for the last run.
verdict() {
	if [ -z "$why" ]; then
		pass "$1 ($report; $(tail -1 "$tmp/work.out"))"
		return
	fi
	fail "$1: $why"
	for f in "$tmp/work.out" "$tmp/by.out" "$tmp/check.out"; do
		[ -f "$f" ] && sed 's/^/    /' "$f" | tail -5
	done
	diff_state
	sed 's/^/    mmd: /' "$log" | tail -25
}

diff_state() {
	[ "$before" = "$after" ] && return
	echo "$before" >"$tmp/before"
	echo "$after" >"$tmp/after"
	diff "$tmp/before" "$tmp/after" | sed 's/^/    /'
}

# How many calls the workload makes of each site, unfaulted.
run
verdict "no fault"
allocs=$(echo "$report" | sed -n 's/^alloc 0\/\([0-9]*\).*/\1/p')
writes=$(echo "$report" | sed -n 's/.* write 0\/\([0-9]*\).*/\1/p')
[ -n "$allocs" ] && [ -n "$writes" ] || {
	fail "the fault shim reported no counts"
	exit 1
}

if [ "${FAULT_FULL:-0}" = 1 ]; then
	astep=${FAULT_STRIDE:-1}
	wstep=${FAULT_STRIDE:-1}
else
	astep=$((allocs / 12 + 1))
	wstep=$((writes / 4 + 1))
fi

ran=0
good=0
n=1
while [ "$n" -le "$allocs" ]; do
	run MMD_FAULT_ALLOC="$n"
	verdict "allocation $n of $allocs fails"
	ran=$((ran + 1))
	[ -z "$why" ] && good=$((good + 1))
	if [ "$n" -lt "$allocs" ] && [ $((n + astep)) -gt "$allocs" ]; then
		n=$allocs # the last one too: the workload's exit
	else
		n=$((n + astep))
	fi
done
# From the middle of the workload on, every allocation fails.
run MMD_FAULT_ALLOC="$((allocs / 2)),1000000"
verdict "allocations from $((allocs / 2)) of $allocs on all fail"

n=1
while [ "$n" -le "$writes" ]; do
	run MMD_FAULT_WRITE="$n"
	verdict "write $n of $writes fails with EPIPE"
	ran=$((ran + 1))
	[ -z "$why" ] && good=$((good + 1))
	run MMD_FAULT_WRITE="$n,3" MMD_FAULT_WRITE_ERR=EAGAIN
	verdict "writes $n..$((n + 2)) of $writes take nothing (EAGAIN)"
	ran=$((ran + 1))
	[ -z "$why" ] && good=$((good + 1))
	n=$((n + wstep))
done
echo "fault sweep: $allocs allocations and $writes writes in the workload;" \
	"$good of $ran faulted runs passed"
exit "$failed"
