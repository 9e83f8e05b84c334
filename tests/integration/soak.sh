#!/bin/sh
# SPDX-License-Identifier: MIT
# soak.sh - churn and soak: a real mmd serves hundreds of client processes
# for SOAK_SECONDS (default 12). Clients connect, work and disconnect, at
# most 24 at a time; half of the workers are killed with SIGKILL at a
# random moment of their work, and one client in 25 sends garbage frames
# (build/test/soak churn). Before, after a warm-up, and at the end, with
# no client left: free pages (and kernel page tables) and every slab
# cache's active objects must be back where they were, the invariant
# checker clean, and the daemon's own memory (RssAnon: its heap, not the
# simulated RAM, which is a shared memfd) grown by at most 1%.
#   usage: MMD=build/test/mmd sh tests/integration/soak.sh
# SOAK_MMD names the daemon to soak (default: build/mmd next to
# build/test, the optimized one users run: ASan's quarantine would make
# its RSS meaningless). `make soak SOAK_SECONDS=600` runs it for longer.
# Prints "PASS: name" or "FAIL: name" per check, and the figures. Must
# never: leave a daemon or a client running.
set -u
MMD=${MMD:-build/test/mmd}
bin=$(dirname "$MMD")
SOAK=$bin/soak
SOAK_MMD=${SOAK_MMD:-$bin/../mmd}
secs=${SOAK_SECONDS:-12}
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/daemon.sh"

rss() { sed -n 's/^RssAnon:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$1/status"; }

MMD=$SOAK_MMD start_mmd soak || exit 1
d=$mmd_pid
s=$tmp/soak.sock

# A warm-up, so that the baseline has the daemon's buffers at their
# working size; then the baseline.
"$SOAK" "$s" churn 2 24 1 >"$tmp/warm.out" 2>&1
"$SOAK" "$s" state >"$tmp/before" || fail "state before"
rss0=$(rss "$d")

if "$SOAK" "$s" churn "$secs" 24 2 >"$tmp/churn.out" 2>&1; then
	pass "$(grep '^churn:' "$tmp/churn.out")"
else
	fail "churn"
	sed 's/^/    /' "$tmp/churn.out" | tail -20
fi
kill -0 "$d" 2>/dev/null && pass "mmd alive after the churn" ||
	fail "mmd alive after the churn"
check "invariant check after the churn" "$SOAK" "$s" check
"$SOAK" "$s" state >"$tmp/after" || fail "state after"
rss1=$(rss "$d")

grep -v '^info' "$tmp/before" >"$tmp/b"
grep -v '^info' "$tmp/after" >"$tmp/a"
if cmp -s "$tmp/b" "$tmp/a"; then
	pages=$(sed -n 's/^free_or_tables //p' "$tmp/a")
	objs=$(sed -n 's/^slab_objects //p' "$tmp/a")
	pass "free pages and slab objects back at the baseline ($pages pages free or in kernel tables, $objs slab objects)"
else
	fail "free pages or slab objects moved"
	diff "$tmp/b" "$tmp/a" | sed 's/^/    /'
fi
# 1% of the baseline, at least a page.
limit=$((rss0 / 100 > 4 ? rss0 / 100 : 4))
growth=$((rss1 - rss0))
if [ "$growth" -le "$limit" ]; then
	pass "mmd's RssAnon $rss0 kB before, $rss1 kB after ($growth kB; at most $limit kB)"
else
	fail "mmd's RssAnon grew from $rss0 kB to $rss1 kB (limit $limit kB)"
fi
stop_mmd soak "$d"
exit "$failed"
