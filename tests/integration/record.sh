#!/bin/sh
# SPDX-License-Identifier: MIT
# record.sh - mmd --record and mmtrace --replay: a run of several client
# processes under memory pressure (faults, fork, swap, kswapd and direct
# reclaim, malloc over the wire), recorded, then replayed on a fresh
# machine, which must end with the same buddyinfo and slabinfo; broken
# recordings refused with a reason.
#   usage: MMD=build/test/mmd sh tests/integration/record.sh
# Needs build/test/mmtrace, mmc-example and mmctl next to mmd. Must
# never: leave a daemon running.
set -u
MMD=${MMD:-build/test/mmd}
bin=$(dirname "$MMD")
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/daemon.sh"

cat >"$tmp/small.yaml" <<'EOF'
machine:
  name: small
  arch: x86_64
  memory: 128M
swap:
  size: 128M
EOF
start_mmd rec --config "$tmp/small.yaml" --record "$tmp/run.mmrec" || exit 1
s=$tmp/rec.sock
clients=""
for i in 1 2 3; do
	"$bin/mmc-example" -s "$s" -c "c$i" -p 8 -o 20 -a 48 -f -w 1 \
		>"$tmp/c$i" 2>&1 &
	clients="$clients $!"
done
pids="$pids $clients"
cat >"$tmp/t.rep" <<'EOF'
3
6
a 0 100
a 1 300000
r 0 9000
f 1
a 2 40
f 0
EOF
check "a trace through the recorded daemon" "$bin/mmtrace" -s "$s" "$tmp/t.rep"
# shellcheck disable=SC2086
wait $clients
"$bin/mmctl" -s "$s" vmstat >"$tmp/vmstat"
same "the run swapped" \
	"$(awk '$1 == "pswpout" { print ($2 > 0) }' "$tmp/vmstat")" 1
"$bin/mmctl" -s "$s" shutdown >/dev/null
wait "$mmd_pid"
same "mmd exits 0 after recording" "$?" 0

status "--replay: the same buddyinfo and slabinfo on a fresh machine" 0 \
	'^slabinfo +identical to the recording$' \
	"$bin/mmtrace" --replay "$tmp/run.mmrec"
grep -q '^buddyinfo  identical to the recording$' "$tmp/out" &&
	pass "--replay: buddyinfo identical" || fail "--replay: buddyinfo"

# Broken recordings: refused with a reason, exit 1.
head -c 3000 "$tmp/run.mmrec" >"$tmp/cut.mmrec"
status "a recording cut short: exit 1, why" 1 'cut short|ends before' \
	"$bin/mmtrace" --replay "$tmp/cut.mmrec"
printf 'MMREC 2\n' >"$tmp/v2.mmrec"
status "not a recording: exit 1, why" 1 "no 'MMREC 1' line" \
	"$bin/mmtrace" --replay "$tmp/v2.mmrec"
printf 'MMREC 1\nlayout 10\nmachine: [' >"$tmp/layout.mmrec"
status "a recording whose layout is broken: exit 1, why" 1 \
	'recorded layout' "$bin/mmtrace" --replay "$tmp/layout.mmrec"
status "a recording that does not exist: exit 1" 1 'nosuch.mmrec' \
	"$bin/mmtrace" --replay "$tmp/nosuch.mmrec"
status "--record to a directory that does not exist: exit 1" 1 \
	'cannot record to' "$MMD" --foreground --socket "$tmp/x.sock" \
	--record "$tmp/no/such/dir/run.mmrec"
exit $failed
