#!/bin/sh
# SPDX-License-Identifier: MIT
# mmd_attack.sh - a hostile local user against a real mmd: each attack of
# issue 15 is sent, and mmd must answer as it promises: sizes past every
# bound refused at once with Linux's errno; connections that never say
# Hello or never finish a frame timed out; one user held to its share of
# the client slots, with slots kept for admins; fork bombs stopped at
# limits.processes with -EAGAIN; names that would forge report lines
# refused; cache names scoped per user; pkmap, kmap_atomic and vmalloc
# space capped per process; admin rights from the peer's own groups;
# SIGHUP survived; refusals logged at a limited rate; running out of
# descriptors answered without a busy loop
# (tests/mmc_test/mmc_test_attack.c).
# The attacks that need a second user run as uids 64101-64103 through
# setpriv when the test runs as root (no account is made: a uid needs
# none to connect), and are skipped, saying so, otherwise.
#   usage: MMD=build/test/mmd sh tests/integration/mmd_attack.sh
# Needs build/test/mmc_test next to mmd. Prints "PASS: name" or
# "FAIL: name" per check; exits 1 on any failure. Must never: leave a
# daemon running.
set -u
MMD=${MMD:-build/test/mmd}
HELPER=$(dirname "$MMD")/mmc_test
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/daemon.sh"

# Other users must reach the sockets in $tmp.
chmod 755 "$tmp"
U1=64101
U2=64102
U3=64103
users=no
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	users=yes
else
	echo "SKIP: the attacks of a second user need root and setpriv"
fi

# as UID CMD...: run CMD as UID (its gid the same), in no other group.
as() {
	uid=$1
	shift
	setpriv --reuid="$uid" --regid="$uid" --clear-groups "$@"
}

# as_in UID GID CMD...: the same, in supplementary group GID.
as_in() {
	uid=$1
	gid=$2
	shift 2
	setpriv --reuid="$uid" --regid="$uid" --groups="$gid" "$@"
}

# wait_for FILE PATTERN: PATTERN shows in FILE within 10 s.
wait_for() {
	for _ in $(seq 100); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# expect_in NAME FILE ERE: a line of FILE matches ERE.
expect_in() {
	if grep -Eq -- "$3" "$2"; then
		pass "$1"
	else
		fail "$1"
		sed 's/^/    /' "$2" | tail -10
	fi
}

# ---- the main machine: small limits, so that each is reached
cat >"$tmp/main.yaml" <<'EOF'
machine:
  memory: 64M
zones:
  - {name: DMA, start: 0, end: 16M}
  - {name: DMA32, start: 16M, end: 64M}
daemon:
  socket_mode: "0666"
  admin_group: nogroup
  max_clients: 8
  admin_clients: 2
  max_clients_per_uid: 3
  hello_timeout_ms: 1500
  frame_timeout_ms: 1500
mmz:
  - {name: media, start: 48M, size: 4M}
limits:
  processes: 6
  pages: 256
EOF
start_mmd main --config "$tmp/main.yaml" || exit 1
main=$mmd_pid
s=$tmp/main.sock
base=$("$HELPER" "$s" baseline)

# Finding 1: one request stopped mmd for everyone.
check "sizes past every bound: Linux's errno at once, none waits" \
	"$HELPER" "$s" attack sizes

# Finding 2: slots taken before Hello, and frames that never end.
check "no Hello within hello_timeout_ms: -ETIMEDOUT, closed" \
	"$HELPER" "$s" attack no-hello 1500
check "a frame trickling in past frame_timeout_ms: -ETIMEDOUT, closed" \
	"$HELPER" "$s" attack trickle 1500
expect_in "the timeouts are logged" "$tmp/main.log" \
	'no Hello within 1500 ms.*closing'

if [ "$users" = yes ]; then
	# One user holds at most max_clients_per_uid; two fill all but the
	# admins' slots, and root is still let in (mmctl check answers).
	as "$U1" "$HELPER" "$s" attack hold 10 6 >"$tmp/u1.out" 2>&1 &
	h1=$!
	wait_for "$tmp/u1.out" '^held'
	as "$U2" "$HELPER" "$s" attack hold 10 6 >"$tmp/u2.out" 2>&1 &
	h2=$!
	wait_for "$tmp/u2.out" '^held'
	expect_in "one uid holds its 3 connections" "$tmp/u1.out" '^held 3$'
	expect_in "the 4th of one uid is refused, saying why" \
		"$tmp/u1.out" \
		"^refused -87: uid $U1 has 3 connections, the most one user"
	expect_in "another uid holds its 3" "$tmp/u2.out" '^held 3$'
	check "users filled their slots: a third is refused for admins'" \
		as "$U3" "$HELPER" "$s" attack refused -87 \
		"keeps its last 2 of 8 client slots for admins"
	check "root's check answers while users hold every other slot" \
		"$HELPER" "$s" check
	"$HELPER" "$s" attack hold 3 0 >"$tmp/root.out" 2>&1
	expect_in "root takes the admins' last 2 slots" "$tmp/root.out" \
		'^held 2$'
	expect_in "past max_clients even root is refused" "$tmp/root.out" \
		'^refused -87: mmd serves at most 8 clients'
	# Refusals are logged as printk_ratelimit would: a burst, then one
	# line counting the rest.
	as "$U3" "$HELPER" "$s" attack flood 40 0 >"$tmp/flood.out" 2>&1
	expect_in "a flood of 40 from a user: all refused" "$tmp/flood.out" \
		'^flood ok=0 eusers=40 emfile=0 other=0 hung=0$'
	wait "$h1" "$h2"
	sleep 5.2
	n=$(grep -c 'refused host pid' "$tmp/main.log")
	if [ "$n" -le 10 ]; then
		pass "refusals logged at most 10 times per 5 s ($n lines)"
	else
		fail "$n refusal lines in one interval"
	fi
	expect_in "then one line counts the suppressed ones" "$tmp/main.log" \
		'refused connections: [0-9]+ callbacks suppressed'

	# Finding 10: cache names are scoped per user.
	as "$U1" "$HELPER" "$s" attack cache app_cache 0 4 >"$tmp/c1.out" \
		2>&1 &
	c1=$!
	wait_for "$tmp/c1.out" '^made'
	check "another user makes a cache of a name taken by one" \
		as "$U2" "$HELPER" "$s" attack cache app_cache 0
	check "the same user cannot: -EEXIST" \
		as "$U1" "$HELPER" "$s" attack cache app_cache -17
	check "no user takes a kernel cache's name" \
		as "$U2" "$HELPER" "$s" attack cache kmalloc-64 -17
	wait "$c1" && pass "the first user's cache lived on" ||
		fail "the first user's cache lived on"

	# Finding 3: a fork bomb stops at limits.processes.
	check "fork bomb: -EAGAIN at limits.processes (6)" \
		as "$U1" "$HELPER" "$s" attack fork 6
	check "root is served after the bomb" "$HELPER" "$s" ping 3

	# Finding 6: what one user freed, the next is given zeroed.
	check "root's freed kmalloc, pages, vmalloc, MMZ reach a uid zeroed" \
		"$HELPER" "$s" attack reuse "$U1"

	# Finding 10: admin rights come from the peer's own groups.
	check "a uid given the admin group (nogroup) is an admin" \
		as_in "$U1" 65534 "$HELPER" "$s" attack admin 1
	check "the same uid without it is not" \
		as "$U1" "$HELPER" "$s" attack admin 0
fi

# Finding 4: kernel memory counts against limits.pages.
check "slab objects, per-CPU areas, forks: -EDQUOT or -ENOMEM at 256 pages" \
	"$HELPER" "$s" attack kmem 256

# Finding 7: names that would forge report lines.
check "cache and MMZ names with a newline or an escape: -EINVAL" \
	"$HELPER" "$s" attack names

# Finding 9: SIGHUP is logged and ignored.
kill -HUP "$main"
sleep 0.3
check "SIGHUP: mmd still answers" "$HELPER" "$s" ping 3
[ -S "$s" ] && pass "SIGHUP: the socket is still there" ||
	fail "SIGHUP: the socket is still there"
expect_in "SIGHUP: a line says it is ignored" "$tmp/main.log" \
	'SIGHUP: ignored'
settle main "$base"
stop_mmd main "$main"

# ---- finding 5: shared kernel slots, on i386 with HighMem
cat >"$tmp/high.yaml" <<'EOF'
machine:
  arch: i386
  memory: 1G
kernel:
  pkmap_slots: 8
  kmap_atomic_slots: 4
devices:
  - {name: bar, start: 0xE0000000, size: 1M}
limits:
  vmap_space: 128K
EOF
start_mmd high --config "$tmp/high.yaml" || exit 1
high=$mmd_pid
s=$tmp/high.sock
check "pkmap and kmap_atomic slots: -EDQUOT at half each, victims told" \
	"$HELPER" "$s" attack kmap 8 4 2
check "ioremap space: -EDQUOT past limits.vmap_space, vmalloc still fits" \
	"$HELPER" "$s" attack ioremap 0xE0000000 0x100000 0x20000
check "high: admin invariant check" "$HELPER" "$s" check
stop_mmd high "$high"

# ---- finding 10: out of descriptors. mmd inherits 30 open ones under a
# limit of 48: it serves 16 of its 64 clients at most (RLIMIT_NOFILE less
# 32), and runs out of descriptors before that.
sed 's/max_clients: 8/max_clients: 64/' "$tmp/main.yaml" >"$tmp/fd.yaml"
if command -v bash >/dev/null 2>&1 && command -v prlimit >/dev/null 2>&1; then
	MMD=$MMD bash -c 'for i in $(seq 30); do exec {fd}</dev/null; done
		exec prlimit --nofile=48:48 "$MMD" --foreground \
			--socket "$1" --config "$2"' sh "$tmp/fd.sock" \
		"$tmp/fd.yaml" 2>"$tmp/fd.log" &
	fd=$!
	pids="$pids $fd"
	for _ in $(seq 100); do
		[ -S "$tmp/fd.sock" ] && break
		sleep 0.1
	done
	s=$tmp/fd.sock
	expect_in "RLIMIT_NOFILE lowers max_clients, saying so" "$tmp/fd.log" \
		'RLIMIT_NOFILE is 48, and daemon.max_clients 64 needs 96 descriptors: serving at most 16 clients'
	"$HELPER" "$s" attack flood 40 3 >"$tmp/fdflood.out" 2>&1 &
	flood=$!
	sleep 1
	t0=$(awk '{print $14 + $15}' "/proc/$fd/stat")
	sleep 1.5
	t1=$(awk '{print $14 + $15}' "/proc/$fd/stat")
	wait "$flood"
	if [ $((t1 - t0)) -lt 30 ]; then
		pass "out of descriptors: no busy loop ($((t1 - t0)) ticks)"
	else
		fail "out of descriptors: $((t1 - t0)) ticks in 1.5 s"
	fi
	expect_in "connections past the descriptors are told why" \
		"$tmp/fdflood.out" \
		'^refused: mmd has no file descriptor left for a connection'
	expect_in "every connection was answered, none dropped unseen" \
		"$tmp/fdflood.out" \
		'^flood ok=[0-9]+ eusers=[0-9]+ emfile=[1-9][0-9]* other=0 hung=0$'
	expect_in "running out of descriptors is logged" "$tmp/fd.log" \
		'accept: too many open files: turned [0-9]+ connections? away'
	check "fd: served again once they left" "$HELPER" "$s" ping 3
	check "fd: admin invariant check" "$HELPER" "$s" check
	stop_mmd fd "$fd"
else
	echo "SKIP: the descriptor test needs bash and prlimit"
fi

exit "$failed"
