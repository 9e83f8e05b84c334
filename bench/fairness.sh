#!/bin/sh
# SPDX-License-Identifier: MIT
# fairness.sh - a thousand client processes share one mmd: round-trip
# p50/p99/max and the slowest client's share of the mean rate, beside
# the targets (p99 <= 1 ms; no client below half the mean).
#   usage: sh bench/fairness.sh BUILD_DIR   (make bench runs it)
#   FAIR_CLIENTS=1000  client processes
#   FAIR_SECONDS=10    seconds of calls, after all have connected
#   FAIR_RATE=5        mixes a second each client paces itself to in the
#                      paced run (a mix is 2 to 6 calls); a closed loop,
#                      every client calling without pause, runs first
# mmd runs on a private socket with a layout that admits that many
# clients of one user (daemon.max_clients, max_clients_per_uid; one slot
# kept for admins); the descriptor limit is raised to fit.
# Prints figures; never passes or fails on them.
set -u
b=${1:-build}
clients=${FAIR_CLIENTS:-1000}
secs=${FAIR_SECONDS:-10}
tmp=$(mktemp -d)
mmd=""
cleanup() {
	[ -n "$mmd" ] && kill "$mmd" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

ulimit -n $((clients * 2 + 256)) 2>/dev/null || ulimit -n 4096 2>/dev/null
ulimit -u unlimited 2>/dev/null || true
cat >"$tmp/fair.yaml" <<YAML
machine: {name: fairness, arch: x86_64, cpus: 4, memory: 4G}
zones:
  - {name: DMA, start: 0, end: 16M}
  - {name: DMA32, start: 16M, end: 4G}
daemon: {max_clients: $((clients + 16)), admin_clients: 1,
         max_clients_per_uid: $((clients + 16))}
YAML
"$b/mmd" --foreground --socket "$tmp/mmd.sock" --config "$tmp/fair.yaml" \
	2>"$tmp/mmd.log" &
mmd=$!
for _ in $(seq 100); do
	[ -S "$tmp/mmd.sock" ] && break
	sleep 0.1
done
if [ ! -S "$tmp/mmd.sock" ]; then
	echo "fairness: mmd did not start:"
	cat "$tmp/mmd.log"
	exit 1
fi
rate=${FAIR_RATE:-5}
echo "fairness: $clients client processes, $secs s of mixed calls" \
	"(kmalloc/kfree, alloc_pages/free_pages, mmap+touch+munmap, 4 KiB read)"
echo "-- closed loop: every client calls again as soon as it is answered"
"$b/bench/fairness" "$tmp/mmd.sock" "$clients" "$secs"
echo "-- paced: each client starts $rate mixes a second"
"$b/bench/fairness" "$tmp/mmd.sock" "$clients" "$secs" "$rate"
