#!/bin/sh
# wire.sh - mmd over its Unix socket against Redis over its own, in the
# same run: requests/s and p50/p99 latency at 1, 16 and 64 clients and
# pipeline depths 1 and 32. Installs redis-server from Debian if it is
# missing (as root); without it, prints mmd's figures alone.
#   usage: sh bench/wire.sh BUILD_DIR   (make bench runs it)
# Prints figures; never passes or fails on them.
set -u
b=${1:-build}
secs=${WIRE_SECONDS:-2}
tmp=$(mktemp -d)
mmd=""
redis=""
cleanup() {
	[ -n "$mmd" ] && kill "$mmd" 2>/dev/null
	[ -n "$redis" ] && kill "$redis" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

if ! command -v redis-benchmark >/dev/null 2>&1 ||
	! command -v redis-server >/dev/null 2>&1; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "wire: installing redis-server from Debian's packages"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends redis-server redis-tools \
			>/dev/null 2>&1 || true
	fi
fi

"$b/mmd" --foreground --socket "$tmp/mmd.sock" 2>"$tmp/mmd.log" &
mmd=$!
for _ in $(seq 100); do
	[ -S "$tmp/mmd.sock" ] && break
	sleep 0.1
done

: >"$tmp/mm.txt"
for c in 1 16 64; do
	for d in 1 32; do
		for op in kmalloc pages read; do
			"$b/bench/wire" "$tmp/mmd.sock" $op $c $d "$secs" \
				>>"$tmp/mm.txt"
		done
	done
done
kill "$mmd"
wait "$mmd" 2>/dev/null
mmd=""

: >"$tmp/redis.txt"
if command -v redis-server >/dev/null 2>&1 &&
	command -v redis-benchmark >/dev/null 2>&1; then
	redis-server --port 0 --unixsocket "$tmp/redis.sock" --save '' \
		--appendonly no --daemonize no >/dev/null 2>&1 &
	redis=$!
	for _ in $(seq 100); do
		[ -S "$tmp/redis.sock" ] && break
		sleep 0.1
	done
	for c in 1 16 64; do
		for d in 1 32; do
			n=$((c * d * 4000))
			[ "$n" -gt 2000000 ] && n=2000000
			[ "$n" -lt 100000 ] && n=100000
			redis-benchmark -s "$tmp/redis.sock" -c $c -P $d -n $n \
				-t ping_mbulk,set --csv 2>/dev/null |
				awk -F'","' -v c=$c -v d=$d 'NR > 1 {
					gsub(/"/, "");
					split($0, f, ",");
					name = f[1] ~ /PING/ ? "PING_MBULK" : "SET";
					printf "%s %d %d %.0f %.1f %.1f\n", name, c, d,
						f[2], f[5] * 1000, f[7] * 1000
				}' >>"$tmp/redis.txt"
		done
	done
	kill "$redis"
	wait "$redis" 2>/dev/null
	redis=""
else
	echo "wire: no redis-server/redis-benchmark: mmd's figures only"
fi

# The table: one row per point; ratio = mmd req/s over Redis's best.
awk '
FNR == NR { redis[$2 " " $3] = redis[$2 " " $3] sprintf("%s %s %s ", $4, $5, $6);
	best[$2 " " $3] = ($4 > best[$2 " " $3]) ? $4 : best[$2 " " $3];
	worst[$2 " " $3] = (worst[$2 " " $3] == "" || $4 < worst[$2 " " $3]) ? $4 : worst[$2 " " $3];
	next }
{ rows[++n] = $0 }
END {
	printf "%-8s %4s %5s %12s %9s %9s   %12s %12s %9s\n", "op", "clnt",
		"depth", "mmd req/s", "p50 us", "p99 us", "redis PING", "redis SET",
		"mmd/SET";
	for (i = 1; i <= n; i++) {
		split(rows[i], f, " ");
		key = f[2] " " f[3];
		split(redis[key], r, " ");
		if (f[4] == "n/a") {
			printf "%-8s %4s %5s %12s %9s %9s   %12s %12s %9s\n",
				f[1], f[2], f[3], "n/a (" f[5] ")", "", "",
				r[1] == "" ? "-" : r[1], r[4] == "" ? "-" : r[4], "";
			continue;
		}
		ratio = (r[4] > 0) ? sprintf("%.2f", f[4] / r[4]) : "-";
		printf "%-8s %4s %5s %12s %9s %9s   %12s %12s %9s\n", f[1], f[2],
			f[3], f[4], f[5], f[6], r[1] == "" ? "-" : r[1],
			r[4] == "" ? "-" : r[4], ratio;
	}
}' "$tmp/redis.txt" "$tmp/mm.txt"
echo "(requests/s; a latency is one round trip of a whole pipeline;"
echo " mmd/SET = mmd req/s over"
echo " Redis SET req/s at the same clients and depth)"
