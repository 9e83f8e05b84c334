#!/bin/sh
# SPDX-License-Identifier: MIT
# mmd_serve.sh - a real mmd on a private socket, driven by many client
# processes at once while hostile clients do their worst; afterwards the
# invariant checker is clean and free memory is back at its baseline.
#   usage: MMD=build/test/mmd sh tests/integration/mmd_serve.sh
# Needs build/test/mmc_test (tests/mmc_test/) next to mmd. Prints
# "PASS: name" or "FAIL: name" per check; exits 1 on any failure.
set -u
MMD=${MMD:-build/test/mmd}
HELPER=$(dirname "$MMD")/mmc_test
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/daemon.sh"




alive() { # NAME PID: the daemon is still up and serving
	if kill -0 "$2" 2>/dev/null &&
		"$HELPER" "$tmp/$1.sock" ping 5 >/dev/null 2>&1; then
		return 0
	fi
	return 1
}

# ---- the default machine: a mixed workload with hostile clients
start_mmd main || exit 1
main=$mmd_pid
s=$tmp/main.sock
base=$("$HELPER" "$s" baseline)
[ -n "$base" ] && pass "baseline free pages ($base)" || fail "baseline"

"$HELPER" "$s" workload 8 1500 1 >"$tmp/work.out" 2>&1 &
work=$!
for c in zero-length max-length over-max garbage ops hello \
	truncated-stall truncated-close handles flood sigkill; do
	check "hostile $c" "$HELPER" "$s" hostile "$c"
	alive main "$main" && pass "alive after hostile $c" ||
		fail "alive after hostile $c"
done
if wait "$work"; then
	pass "8 clients x 1500 random mixed ops alongside the hostile ones"
else
	fail "8 clients x 1500 random mixed ops"
	sed 's/^/    /' "$tmp/work.out" | tail -20
fi
check "workload of 16 clients" "$HELPER" "$s" workload 16 500 2
check "reports" "$HELPER" "$s" report meminfo
grep -q '^MemFree:' "$tmp/out" && pass "meminfo over the wire" ||
	fail "meminfo over the wire"
check "admin invariant check" "$HELPER" "$s" check
after=$("$HELPER" "$s" baseline)
if [ "$after" = "$base" ]; then
	pass "free pages back at the baseline ($after)"
else
	fail "free pages $after, baseline $base"
fi
grep -q 'freed .* page blocks' "$tmp/main.log" &&
	pass "exits counted what they freed in the log" ||
	fail "exits counted what they freed in the log"
stop_mmd main "$main"

# ---- a small machine: waiting for memory, client limits, events
cat >"$tmp/small.yaml" <<'EOF'
machine:
  memory: 64M
zones:
  - {name: DMA, start: 0, end: 16M}
  - {name: DMA32, start: 16M, end: 64M}
daemon:
  max_clients: 4
  socket_mode: "0640"
EOF
start_mmd small --config "$tmp/small.yaml" || exit 1
small=$mmd_pid
s=$tmp/small.sock
[ "$(stat -c %a "$s")" = 640 ] && pass "socket mode from the layout" ||
	fail "socket mode $(stat -c %a "$s"), layout says 0640"
base=$("$HELPER" "$s" baseline)
check "parked allocations: timeout, no-wait, NOFAIL" \
	"$HELPER" "$s" hostile park
check "connections past max_clients refused with a reason" \
	"$HELPER" "$s" hostile max-clients=4
grep -q 'at most 4 clients' "$tmp/out" && pass "refusal says why" ||
	fail "refusal says why"
alive small "$small" && pass "small: alive" || fail "small: alive"
check "small: invariant check" "$HELPER" "$s" check
after=$("$HELPER" "$s" baseline)
[ "$after" = "$base" ] && pass "small: free pages back at baseline" ||
	fail "small: free pages $after, baseline $base"

# A client holding memory hears of the shutdown, then mmd exits clean.
"$HELPER" "$s" hold 10 >"$tmp/hold.out" 2>&1 &
hold=$!
wait_for "$tmp/hold.out" holding
stop_mmd small "$small"
wait "$hold"
grep -q '^event shutting-down: SIGTERM' "$tmp/hold.out" &&
	pass "clients hear of the shutdown first" ||
	{
		fail "clients hear of the shutdown first"
		sed 's/^/    /' "$tmp/hold.out"
	}
grep -q 'after the event: Cannot send after transport endpoint shutdown' \
	"$tmp/hold.out" && pass "calls after the shutdown fail with ESHUTDOWN" ||
	fail "calls after the shutdown fail with ESHUTDOWN"

exit "$failed"
