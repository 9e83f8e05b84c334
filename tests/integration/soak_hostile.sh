#!/bin/sh
# SPDX-License-Identifier: MIT
# soak_hostile.sh - the hostile clients of mmd_attack.sh and the soak's
# verifying workers on one mmd at once, for SOAK_SECONDS (default 8):
# sizes past every bound, names that would forge report lines, kernel
# memory past limits.pages (these as root: they end with an admin's
# check), silent and trickling connections, fork bombs and garbage
# frames (from a second and third user when the test runs as root,
# through setpriv), round after round, while workers write,
# read back and free (build/test/soak churn, half of them killed) and
# root asks for the invariant check twice a second. The good clients
# must see no wrong answer and no error but their own shortage of
# memory; every attack must be answered as it promises; every one of
# root's checks must answer; and at the end, with no client left, free
# pages and slab objects are back at the baseline.
#   usage: MMD=build/test/mmd sh tests/integration/soak_hostile.sh
# SOAK_MMD names the daemon (default: the optimized build/mmd, as
# soak.sh). `make soak-hostile SOAK_SECONDS=600` runs it for longer.
# Prints "PASS: name" or "FAIL: name" per check. Must never: leave a
# daemon or a client running.
set -u
MMD=${MMD:-build/test/mmd}
bin=$(dirname "$MMD")
SOAK=$bin/soak
HELPER=$bin/mmc_test
SOAK_MMD=${SOAK_MMD:-$bin/../mmd}
secs=${SOAK_SECONDS:-8}
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/daemon.sh"

chmod 755 "$tmp"
U1=64111
U2=64112
as() { # UID CMD...: CMD as UID, in no other group; as ourselves if not root
	uid=$1
	shift
	if [ "$users" = yes ]; then
		setpriv --reuid="$uid" --regid="$uid" --clear-groups "$@"
	else
		"$@"
	fi
}
users=no
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	users=yes
else
	echo "SKIP: other users' attacks need root and setpriv: they run as this user"
fi

cat >"$tmp/hostile.yaml" <<'YAML'
machine:
  memory: 128M
zones:
  - {name: DMA, start: 0, end: 16M}
  - {name: DMA32, start: 16M, end: 128M}
swap: {size: 32M}
daemon:
  socket_mode: "0666"
  max_clients: 64
  admin_clients: 8
  max_clients_per_uid: 12
  hello_timeout_ms: 1000
  frame_timeout_ms: 1000
limits:
  processes: 6
  pages: 512
YAML
MMD=$SOAK_MMD start_mmd hostile --config "$tmp/hostile.yaml" || exit 1
d=$mmd_pid
s=$tmp/hostile.sock

"$SOAK" "$s" churn 2 12 1 >"$tmp/warm.out" 2>&1
"$SOAK" "$s" state >"$tmp/before" || fail "state before"
end=$(($(date +%s) + secs))

# The attacker: every attack of mmd_attack.sh that holds under load, in
# rounds until the time is up; one line per attack that broke its promise.
attacker() {
	round=0
	while [ "$(date +%s)" -lt "$end" ]; do
		round=$((round + 1))
		# These end with an admin's check of the machine: root's.
		for a in sizes names "kmem 512"; do
			# shellcheck disable=SC2086 # the attack's arguments
			"$HELPER" "$s" attack $a >"$tmp/a.out" 2>&1 ||
				{ echo "broken: $a"; tail -3 "$tmp/a.out"; }
		done
		for a in "trickle 1000" "no-hello 1000"; do
			# shellcheck disable=SC2086
			as "$U1" "$HELPER" "$s" attack $a >"$tmp/a.out" 2>&1 ||
				{ echo "broken: $a"; tail -3 "$tmp/a.out"; }
		done
		as "$U2" "$HELPER" "$s" attack fork 6 >"$tmp/f.out" 2>&1 ||
			{ echo "broken: fork 6"; tail -3 "$tmp/f.out"; }
		as "$U1" "$SOAK" "$s" garbage "$round" >/dev/null 2>&1
	done
	echo "rounds $round"
}

# Root's view: the invariant check, twice a second, must always answer.
watcher() {
	ok=0 bad=0
	while [ "$(date +%s)" -lt "$end" ]; do
		if "$HELPER" "$s" check >/dev/null 2>&1; then
			ok=$((ok + 1))
		else
			bad=$((bad + 1))
		fi
		sleep 0.5
	done
	echo "checks $ok $bad"
}

attacker >"$tmp/attacker.out" 2>&1 &
a=$!
watcher >"$tmp/watcher.out" 2>&1 &
w=$!
pids="$pids $a $w"
if "$SOAK" "$s" churn "$secs" 12 3 >"$tmp/churn.out" 2>&1; then
	pass "good clients beside the attacks: $(grep '^churn:' "$tmp/churn.out")"
else
	fail "good clients saw what they must not"
	sed 's/^/    /' "$tmp/churn.out" | tail -20
fi
wait "$a" "$w"
forget "$a"
forget "$w"
if grep -q '^broken' "$tmp/attacker.out"; then
	fail "an attack was answered otherwise than it promises"
	sed 's/^/    /' "$tmp/attacker.out" | head -20
else
	pass "every attack answered as it promises ($(grep '^rounds' "$tmp/attacker.out") of them)"
fi
read -r _ ok bad <"$tmp/watcher.out"
if [ "${bad:-1}" = 0 ] && [ "${ok:-0}" -gt 0 ]; then
	pass "root's invariant check answered all $ok times"
else
	fail "root's invariant check: $ok answered, $bad did not"
fi
kill -0 "$d" 2>/dev/null && pass "mmd alive after the attacks" ||
	fail "mmd alive after the attacks"
check "invariant check after the attacks" "$SOAK" "$s" check
"$SOAK" "$s" state >"$tmp/after" || fail "state after"
grep -v '^info' "$tmp/before" >"$tmp/b"
grep -v '^info' "$tmp/after" >"$tmp/a"
if cmp -s "$tmp/b" "$tmp/a"; then
	pass "free pages and slab objects back at the baseline"
else
	fail "free pages or slab objects moved"
	diff "$tmp/b" "$tmp/a" | sed 's/^/    /'
fi
stop_mmd hostile "$d"
exit "$failed"
