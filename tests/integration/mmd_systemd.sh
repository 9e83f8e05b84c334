#!/bin/sh
# SPDX-License-Identifier: MIT
# mmd_systemd.sh - mmd under a service manager and beside other daemons:
# sd_notify readiness (READY, STATUS, WATCHDOG, STOPPING) seen by a real
# NOTIFY_SOCKET listener, socket activation through
# systemd-socket-activate, stale and live sockets, and detaching.
#   usage: MMD=build/test/mmd sh tests/integration/mmd_systemd.sh
# Prints "PASS: name", "FAIL: name" or "SKIP: name (why)" per check; a
# skipped check is not a pass. Exits 1 on any failure.
set -u
MMD=${MMD:-build/test/mmd}
HELPER=$(dirname "$MMD")/mmc_test
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/daemon.sh"

# ---- readiness: a real NOTIFY_SOCKET listener
"$HELPER" "$tmp/notify" notify-listen 20 >"$tmp/notes" 2>&1 &
listener=$!
pids="$pids $listener"
wait_for "$tmp/notes" listening || fail "notify listener did not start"
NOTIFY_SOCKET=$tmp/notify WATCHDOG_USEC=400000 \
	"$MMD" --socket "$tmp/n.sock" 2>"$tmp/n.log" &
mmd=$!
pids="$pids $mmd"
if wait_for "$tmp/notes" 'READY=1'; then
	pass "READY=1 sent"
	# Ready means serving: a client gets in at once.
	if "$HELPER" "$tmp/n.sock" ping 3 >/dev/null 2>&1; then
		pass "serving when READY=1 arrives"
	else
		fail "serving when READY=1 arrives"
	fi
else
	fail "READY=1 sent"
	sed 's/^/    /' "$tmp/n.log"
fi
grep -q "^STATUS=serving 'default' on $tmp/n.sock" "$tmp/notes" &&
	pass "STATUS= says what it serves" || fail "STATUS= says what it serves"
wait_for "$tmp/notes" '^STATUS=[0-9]* clients, [0-9]* MiB free' &&
	pass "STATUS= kept current (clients, free memory)" ||
	fail "STATUS= kept current"
wait_for "$tmp/notes" '^WATCHDOG=1' && pass "WATCHDOG=1 when asked" ||
	fail "WATCHDOG=1 when asked"
kill -0 "$mmd" 2>/dev/null && pass "under NOTIFY_SOCKET mmd stays in front" ||
	fail "under NOTIFY_SOCKET mmd stays in front"
kill -TERM "$mmd"
wait "$mmd"
status=$?
wait_for "$tmp/notes" '^STOPPING=1' && pass "STOPPING=1 on SIGTERM" ||
	fail "STOPPING=1 on SIGTERM"
[ "$status" -eq 0 ] && pass "exit 0 after SIGTERM" ||
	fail "exit $status after SIGTERM"
kill "$listener" 2>/dev/null

# ---- a stale socket is replaced; a live one is never taken
"$HELPER" "$tmp/s.sock" stale-socket
[ -S "$tmp/s.sock" ] || fail "could not leave a stale socket"
"$MMD" --foreground --socket "$tmp/s.sock" 2>"$tmp/s.log" &
live=$!
pids="$pids $live"
sleep 0.3
if wait_for "$tmp/s.log" 'serving' &&
	"$HELPER" "$tmp/s.sock" ping 3 >/dev/null 2>&1; then
	pass "a stale socket is replaced"
else
	fail "a stale socket is replaced"
	sed 's/^/    /' "$tmp/s.log"
fi
"$MMD" --foreground --socket "$tmp/s.sock" 2>"$tmp/s2.log"
status=$?
if [ "$status" -eq 1 ] && grep -q 'another mmd is serving' "$tmp/s2.log"; then
	pass "a live daemon's socket is not taken"
else
	fail "a live daemon's socket is not taken (exit $status)"
	sed 's/^/    /' "$tmp/s2.log"
fi
"$HELPER" "$tmp/s.sock" ping 3 >/dev/null 2>&1 &&
	pass "the live daemon still serves" || fail "the live daemon still serves"
kill -TERM "$live"
wait "$live"

# ---- without --foreground: detach once serving, stop on request
if "$MMD" --socket "$tmp/d.sock" 2>"$tmp/d.log"; then
	if "$HELPER" "$tmp/d.sock" ping 3 >/dev/null 2>&1; then
		pass "detaches and serves"
	else
		fail "detaches and serves"
	fi
	"$HELPER" "$tmp/d.sock" shutdown >/dev/null 2>&1
	for _ in $(seq 50); do
		[ -e "$tmp/d.sock" ] || break
		sleep 0.1
	done
	[ -e "$tmp/d.sock" ] && fail "admin shutdown stops it" ||
		pass "admin shutdown stops it"
else
	fail "detaches and serves (exit $?)"
	sed 's/^/    /' "$tmp/d.log"
fi

# ---- socket activation
if ! command -v systemd-socket-activate >/dev/null 2>&1 &&
	[ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends systemd >/dev/null 2>&1
fi
if command -v systemd-socket-activate >/dev/null 2>&1; then
	systemd-socket-activate -l "$tmp/a.sock" \
		"$(cd "$(dirname "$MMD")" && pwd)/$(basename "$MMD")" \
		--foreground 2>"$tmp/a.log" &
	act=$!
	pids="$pids $act"
	wait_sock "$tmp/a.sock"
	if "$HELPER" "$tmp/a.sock" ping 3 >/dev/null 2>&1 &&
		grep -q 'serving .* on (socket activation)' "$tmp/a.log"; then
		pass "socket activation: serves the socket it is given"
	else
		fail "socket activation"
		sed 's/^/    /' "$tmp/a.log"
	fi
	kill -TERM "$act"
	wait "$act"
	status=$?
	[ "$status" -eq 0 ] && [ -e "$tmp/a.sock" ] &&
		pass "socket activation: leaves the manager's socket alone" ||
		fail "socket activation: exit $status"
else
	skip "socket activation (systemd-socket-activate is not installed)"
fi

# ---- priorities: on the journal's stream (JOURNAL_STREAM names stderr)
# an error carries sd-daemon's <3>; on anything else no prefix at all.
: >"$tmp/notsock"
: >"$tmp/journal"
JOURNAL_STREAM=$(stat -c '%d:%i' "$tmp/journal") timeout 10 \
	"$MMD" --foreground --socket "$tmp/notsock" 2>>"$tmp/journal"
same "journal: an error line is <3> (LOG_ERR)" "$(cat "$tmp/journal")" \
	"<3>mmd: $tmp/notsock exists and is not a socket; not touching it"
same "a terminal or file: the same line without the prefix" \
	"$(timeout 10 "$MMD" --foreground --socket "$tmp/notsock" 2>&1 >/dev/null)" \
	"mmd: $tmp/notsock exists and is not a socket; not touching it"

exit "$failed"
