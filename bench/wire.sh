#!/bin/sh
# SPDX-License-Identifier: MIT
# wire.sh - mmd over its Unix socket against Redis over its own, in the
# same run: requests/s and p50/p99 latency at 1, 16 and 64 clients and
# pipeline depths 1 and 32. Installs redis-server from Debian if it is
# missing (as root); without it, prints mmd's figures alone.
#   usage: sh bench/wire.sh BUILD_DIR   (make bench runs it)
#   WIRE_SECONDS=2  seconds per mmd point
#   WIRE_RUNS=1     runs per point, each side; the median is shown
# Both sides are driven the same way: one client process holds all the
# connections in one event loop and keeps DEPTH requests in flight on
# each (bench/wire's "loop"; redis-benchmark -c N -P DEPTH). The procs
# column is mmd driven by N processes through libmmclient instead.
# Prints figures; never passes or fails on them.
set -u
b=${1:-build}
secs=${WIRE_SECONDS:-2}
runs=${WIRE_RUNS:-1}
tmp=$(mktemp -d)
mmd=""
redis=""
cleanup() {
	[ -n "$mmd" ] && kill "$mmd" 2>/dev/null
	[ -n "$redis" ] && kill "$redis" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# The median line of stdin by its 4th field (requests/s).
median() {
	sort -k4,4n | awk '{ l[NR] = $0 } END { if (NR) print l[int((NR + 1) / 2)] }'
}

if ! command -v redis-benchmark >/dev/null 2>&1 ||
	! command -v redis-server >/dev/null 2>&1; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "wire: installing redis-server from Debian's packages"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends redis-server redis-tools \
			>/dev/null 2>&1 || true
	fi
fi

# One redis-benchmark run as "TEST CLIENTS DEPTH REQ/S P50_US P99_US".
redis_point() { # clients depth value-bytes tests
	n=$(($1 * $2 * 4000))
	[ "$n" -gt 2000000 ] && n=2000000
	[ "$n" -lt 100000 ] && n=100000
	redis-benchmark -s "$tmp/redis.sock" -c "$1" -P "$2" -n $n -d "$3" \
		-t "$4" --csv 2>/dev/null |
		awk -F'","' -v c="$1" -v d="$2" 'NR > 1 {
			gsub(/"/, "");
			split($0, f, ",");
			name = f[1] ~ /PING/ ? "PING_MBULK" : f[1];
			printf "%s %d %d %.0f %.1f %.1f\n", name, c, d,
				f[2], f[5] * 1000, f[7] * 1000
		}'
}

wait_socket() {
	for _ in $(seq 100); do
		[ -S "$1" ] && return 0
		sleep 0.1
	done
}

"$b/mmd" --foreground --socket "$tmp/mmd.sock" 2>"$tmp/mmd.log" &
mmd=$!
wait_socket "$tmp/mmd.sock"
if command -v redis-server >/dev/null 2>&1 &&
	command -v redis-benchmark >/dev/null 2>&1; then
	redis-server --port 0 --unixsocket "$tmp/redis.sock" --save '' \
		--appendonly no --daemonize no >/dev/null 2>&1 &
	redis=$!
	wait_socket "$tmp/redis.sock"
else
	echo "wire: no redis-server/redis-benchmark: mmd's figures only"
fi

# Each point runs both sides back to back (an idle server costs nothing),
# so that a machine shared with others changes under both alike.
: >"$tmp/loop.raw"
: >"$tmp/procs.raw"
: >"$tmp/redis.raw"
for c in 1 16 64; do
	for d in 1 32; do
		for _ in $(seq "$runs"); do
			for op in kmalloc pages read; do
				for mode in loop procs; do
					"$b/bench/wire" "$tmp/mmd.sock" $op $c \
						$d "$secs" $mode >>"$tmp/$mode.raw"
				done
			done
			[ -n "$redis" ] || continue
			redis_point $c $d 3 ping_mbulk,set >>"$tmp/redis.raw"
			# GET of a 4 KiB value: the bytes of mmd's read.
			redis_point $c $d 4096 set,get | grep '^GET' \
				>>"$tmp/redis.raw"
		done
	done
done
kill "$mmd"
wait "$mmd" 2>/dev/null
mmd=""
if [ -n "$redis" ]; then
	kill "$redis"
	wait "$redis" 2>/dev/null
	redis=""
fi

# The median of each point's runs.
for f in loop procs redis; do
	: >"$tmp/$f.txt"
	for c in 1 16 64; do
		for d in 1 32; do
			for name in kmalloc pages read PING_MBULK SET GET; do
				grep "^$name $c $d " "$tmp/$f.raw" | median
			done
		done
	done >"$tmp/$f.txt"
done

# The table: one row per point; ratio = mmd req/s over Redis SET's.
awk '
FILENAME == ARGV[1] { redis[$1 " " $2 " " $3] = $4; next }
FILENAME == ARGV[2] { procs[$1 " " $2 " " $3] = $4; next }
{ rows[++n] = $0 }
function or_dash(v) { return v == "" ? "-" : v }
END {
	printf "%-8s %4s %5s %10s %8s %8s %11s   %10s %10s %10s %8s\n",
		"op", "clnt", "depth", "mmd req/s", "p50 us", "p99 us",
		"procs req/s", "redis PING", "redis SET", "GET 4KiB",
		"mmd/SET";
	for (i = 1; i <= n; i++) {
		split(rows[i], f, " ");
		key = f[2] " " f[3];
		ping = redis["PING_MBULK " key];
		set = redis["SET " key];
		get = redis["GET " key];
		pr = procs[f[1] " " key];
		if (f[4] == "n/a") {
			printf "%-8s %4s %5s %10s\n", f[1], f[2], f[3],
				"n/a (" f[5] ")";
			continue;
		}
		ratio = set > 0 ? sprintf("%.2f", f[4] / set) : "-";
		if (f[1] == "read" && get > 0)
			ratio = ratio sprintf(" (%.2f of GET)", f[4] / get);
		printf "%-8s %4s %5s %10s %8s %8s %11s   %10s %10s %10s %8s\n",
			f[1], f[2], f[3], f[4], f[5], f[6], or_dash(pr),
			or_dash(ping), or_dash(set),
			f[1] == "read" ? or_dash(get) : "", ratio;
	}
}' "$tmp/redis.txt" "$tmp/procs.txt" "$tmp/loop.txt"
echo "(requests/s, median of $runs run(s) per point; a latency is one round"
echo " trip of a whole pipeline. mmd and Redis are each driven by one"
echo " process holding every connection, DEPTH requests in flight on each;"
echo " procs: mmd driven by CLIENTS processes through libmmclient instead."
echo " GET 4KiB: Redis answering with 4 KiB, as mmd's read does. mmd/SET ="
echo " mmd req/s over Redis SET req/s at the same clients and depth)"
