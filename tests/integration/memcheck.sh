#!/bin/sh
# SPDX-License-Identifier: MIT
# memcheck.sh - the optimized mmd (build/mmd, no sanitizer) under valgrind
# memcheck, through a short integration run: workers doing every kind of
# operation, a churn of clients killed with SIGKILL, garbage frames, the
# admin requests; then SIGTERM. Valgrind must report no error and nothing
# definitely lost, and mmd must exit 0.
#   usage: MMD=build/test/mmd sh tests/integration/memcheck.sh
# MEMCHECK_MMD names the daemon (default build/mmd next to build/test);
# MEMCHECK_SECONDS (default 5) is how long the churn lasts. Needs
# valgrind (mk/deps.sh installs it). Prints "PASS: name" or "FAIL: name"
# per check. Must never: leave a daemon running.
set -u
MMD=${MMD:-build/test/mmd}
bin=$(dirname "$MMD")
SOAK=$bin/soak
VG_MMD=${MEMCHECK_MMD:-$bin/../mmd}
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/daemon.sh"

if ! command -v valgrind >/dev/null; then
	fail "valgrind is not installed (make deps installs it)"
	exit 1
fi
cat >"$tmp/vg.yaml" <<'EOF'
machine: {name: memcheck, memory: 128M}
zones:
  - {name: DMA, start: 0, end: 16M}
  - {name: DMA32, start: 16M, end: 128M}
swap: {size: 8M}
EOF
s=$tmp/vg.sock
valgrind --tool=memcheck --leak-check=full --errors-for-leak-kinds=definite \
	--show-leak-kinds=definite --error-exitcode=99 --log-file="$tmp/vg.log" \
	"$VG_MMD" --foreground --socket "$s" --config "$tmp/vg.yaml" \
	2>"$tmp/mmd.log" &
vg=$!
pids="$pids $vg"
keep_log() { cp "$tmp/vg.log" "${MEMCHECK_LOG:-/dev/null}" 2>/dev/null; }
# Under valgrind mmd takes longer to start: 30 s, not 10.
wait_sock "$s" 30 || {
	fail "mmd did not start under valgrind"
	cat "$tmp/vg.log" "$tmp/mmd.log"
	exit 1
}

for seed in 1 2 3; do
	check "worker $seed under memcheck" "$SOAK" "$s" work "$seed" 300
done
check "garbage frames under memcheck" "$SOAK" "$s" garbage 4
check "churn under memcheck" "$SOAK" "$s" churn "${MEMCHECK_SECONDS:-5}" 8 5
sed -n 's/^churn: /    /p' "$tmp/out"
check "invariant check under memcheck" "$SOAK" "$s" check
check "state under memcheck" "$SOAK" "$s" state

kill -TERM "$vg"
wait "$vg"
status=$?
forget "$vg"
errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$tmp/vg.log")
lost=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$tmp/vg.log")
if [ "$status" -eq 0 ] && [ "$errors" = 0 ] && [ "${lost:-0}" = 0 ]; then
	usage=$(sed -n 's/.*total heap usage: \(.*\)/\1/p' "$tmp/vg.log")
	pass "valgrind memcheck: $errors errors, ${lost:-0} bytes definitely lost, exit 0 ($usage)"
else
	fail "valgrind memcheck: exit $status, ${errors:-?} errors, ${lost:-?} bytes definitely lost"
	sed 's/^/    /' "$tmp/vg.log" | tail -60
fi
keep_log
exit "$failed"
