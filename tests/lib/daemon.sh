# SPDX-License-Identifier: MIT
# daemon.sh - what the integration scripts share, those that run a real
# mmd and the others: every script in tests/integration/ sources it
# rather than keep a copy of its own.
# Sourced, never run: it sets up $tmp (removed at exit, with every process
# in $pids killed), pass/fail/skip lines for tests/run.sh, and helpers to
# start and stop a daemon, to wait for one, to run a checked command and
# to compare. Must never: start anything at the time it is sourced.
#   needs: MMD (the daemon binary, for start_mmd); sets: tmp, pids, failed

tmp=$(mktemp -d)
pids=""
cleanup() {
	for p in $pids; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
failed=0

pass() { echo "PASS: $1"; }
fail() {
	echo "FAIL: $1"
	failed=1
}
# skip NAME (WHY): a check that could not run here; not a pass.
skip() { echo "SKIP: $1"; }

# forget PID: it has been waited for; its number may be another's now,
# so cleanup must not kill it.
forget() {
	pids=$(echo " $pids " | sed "s/ $1 / /")
}

# wait_sock PATH [SECONDS]: until PATH is a socket, for 10 s (or
# SECONDS); 1 if it never was.
wait_sock() {
	for _ in $(seq $((${2:-10} * 10))); do
		[ -S "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# wait_for FILE PATTERN [PID]: until a line of FILE matches PATTERN (grep),
# for 10 s, or while PID lives if one is given; 1 if it never did.
wait_for() {
	for _ in $(seq 200); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		[ -n "${3:-}" ] && ! kill -0 "$3" 2>/dev/null && return 1
		sleep 0.05
	done
	return 1
}

# start_mmd NAME ARGS...: mmd on $tmp/NAME.sock; its pid in $mmd_pid.
start_mmd() {
	name=$1
	shift
	"$MMD" --foreground --socket "$tmp/$name.sock" "$@" \
		2>"$tmp/$name.log" &
	mmd_pid=$!
	pids="$pids $mmd_pid"
	wait_sock "$tmp/$name.sock" && return 0
	fail "$name: mmd did not start"
	sed 's/^/    /' "$tmp/$name.log"
	return 1
}

# stop_mmd NAME PID: SIGTERM, then it must exit 0 (ASan-clean) and
# remove its socket.
stop_mmd() {
	kill -TERM "$2"
	wait "$2"
	status=$?
	forget "$2"
	if [ "$status" -eq 0 ] && [ ! -e "$tmp/$1.sock" ]; then
		pass "$1: stops on SIGTERM, exit 0, socket removed"
	else
		fail "$1: exit $status after SIGTERM"
		sed 's/^/    /' "$tmp/$1.log" | tail -30
	fi
}

# check NAME CMD...: CMD must exit 0.
check() {
	name=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then
		pass "$name"
	else
		fail "$name"
		sed 's/^/    /' "$tmp/out" | tail -20
	fi
}

# same NAME A B: the two strings must be equal.
same() {
	if [ "$2" = "$3" ]; then
		pass "$1"
	else
		fail "$1"
		printf '%s\n' "$2" >"$tmp/a"
		printf '%s\n' "$3" >"$tmp/b"
		diff "$tmp/a" "$tmp/b" | head -20 | sed 's/^/    /'
	fi
}

# matches NAME FILE ERE: every line of FILE matches ERE (and there is one).
matches() {
	if [ -s "$2" ] && ! grep -Evq "$3" "$2"; then
		pass "$1"
	else
		fail "$1"
		grep -Ev "$3" "$2" | head -5 | sed 's/^/    /'
	fi
}

# status NAME CODE PATTERN CMD...: CMD exits CODE and its stderr (or, for
# CODE 0, its stdout) matches PATTERN.
status() {
	name=$1 code=$2 pattern=$3
	shift 3
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$tmp/err
	[ "$code" -eq 0 ] && out=$tmp/out
	if [ "$rc" -eq "$code" ] &&
		{ [ -z "$pattern" ] || grep -Eq -- "$pattern" "$out"; }; then
		pass "$name"
	else
		fail "$name (exit $rc, want $code)"
		sed 's/^/    /' "$tmp/err" "$tmp/out" | head -10
	fi
}

# settle NAME BASE: the checker is clean, free pages are back at BASE
# (needs HELPER, mmc_test, and the daemon's socket in $s).
settle() {
	check "$1: admin invariant check" "$HELPER" "$s" check
	after=$("$HELPER" "$s" baseline)
	if [ -n "$2" ] && [ "$after" = "$2" ]; then
		pass "$1: free pages back at the baseline ($after)"
	else
		fail "$1: free pages $after, baseline $2"
	fi
}
