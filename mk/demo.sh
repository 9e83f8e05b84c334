#!/bin/sh
# SPDX-License-Identifier: MIT
# make demo: boot a small machine (256 MiB of RAM, 256 MiB of swap) on a
# private socket, let a few client processes allocate pages and kernel
# objects and write more anonymous memory than the machine has (faults,
# a fork's copy-on-write, swap), show the machine as /proc would
# (buddyinfo, slabinfo, meminfo, vmstat, ps, maps) and its memory map;
# then a process reads a file larger than memory, writes another and maps it,
# and free (procps, reading the machine's meminfo), meminfo's file
# lines and mmctl fincore show the page cache; then stop cleanly. Last,
# a second machine (64 MiB, no swap) is fragmented by mmc frag: an
# order-9 request fails, mmctl extfrag says why, mmctl map --by-type
# draws build/frag-before.png (and .svg), mmctl compact runs, the map
# is drawn again (build/frag-after.png) and the request succeeds.
#   usage: mk/demo.sh BUILD_DIR
# Needs BUILD_DIR/mmd, mmctl and mmc-example. Must never: leave a daemon
# or a client running.
set -eu
b=${1:-build}
tmp=$(mktemp -d)
sock=$tmp/mmd.sock
mmd=""
clients=""
cleanup() {
	for p in $clients $mmd; do kill -9 "$p" 2>/dev/null || true; done
	rm -rf "$tmp"
}
trap cleanup EXIT
# A reader that stops early (| head) must not leave the daemon behind.
trap 'exit 1' HUP INT PIPE TERM
mmctl() { "$b/mmctl" --socket "$sock" "$@"; }
title() { printf '\n== %s\n' "$*"; }

cat >"$tmp/demo.yaml" <<'EOF'
# The demo's machine: small, so that three programs fill it and swap;
# its disk holds a file larger than its memory.
machine:
  name: demo
  arch: x86_64
  memory: 256M
swap:
  size: 256M
files:
  - name: movie
    size: 384M
    pattern: ""
EOF
title "mmd boots a 256 MiB machine and serves it on $sock"
"$b/mmd" --foreground --config "$tmp/demo.yaml" --socket "$sock" \
	2>"$tmp/mmd.log" &
mmd=$!
for _ in $(seq 100); do
	[ -S "$sock" ] && break
	sleep 0.1
done
[ -S "$sock" ] || { cat "$tmp/mmd.log"; exit 1; }
cat "$tmp/mmd.log"

title "three processes take pages and objects, write memory and hold it all"
i=0
for spec in "editor -p 8 -o 64 -a 32" "compiler -p 32 -o 200 -a 96 -f" \
	"player -p 16 -o 16 -a 160"; do
	# shellcheck disable=SC2086
	set -- $spec
	"$b/mmc-example" -s "$sock" -c "$@" -w 60 >"$tmp/client$i" 2>&1 &
	clients="$clients $!"
	for _ in $(seq 100); do
		grep -qs '^holding' "$tmp/client$i" && break
		sleep 0.1
	done
	grep '^pid' "$tmp/client$i"
	i=$((i + 1))
done

title "mmctl buddyinfo"
mmctl buddyinfo
title "mmctl slabinfo (the caches in use)"
mmctl slabinfo | awk 'NR <= 2 || $2 > 0'
title "mmctl meminfo (the first lines)"
mmctl meminfo | sed -n '1,3p;/^Anon/p;/^Swap/p;/^Slab/p;/^KernelStack/p;/^PageTables/p;/^Vmalloc/p;/^Percpu/p'
title "mmctl vmstat (faults, swap, reclaim)"
mmctl vmstat | grep -E '^(pgfault|pgmajfault|pswpin|pswpout|pgsteal_(kswapd|direct)|oom_kill) '
title "mmctl ps"
mmctl ps
player=$(mmctl ps | awk '$NF == "player" { print $1 }')
title "mmctl maps $player (the player)"
mmctl maps "$player"
title "mmctl map"
mmctl map
mmctl map --output "$b/demo-map.png"
mmctl map --output "$b/demo-map.svg"
echo "(also drawn in $b/demo-map.png and $b/demo-map.svg)"

title "a process reads /movie (384 MiB, more than the machine's memory), writes 24 MiB to /notes and maps it"
"$b/mmc" -s "$sock" files /movie /notes 24
title "free (procps), reading the machine's meminfo"
mmctl meminfo >"$tmp/meminfo"
if unshare -rm sh -c 'mount --bind "$1" /proc/meminfo && free -m' - \
	"$tmp/meminfo" 2>/dev/null; then
	:
else
	echo "(no mount namespace here: meminfo's own lines below)"
fi
title "mmctl meminfo: the page cache's lines"
mmctl meminfo | grep -E '^(MemFree|MemAvailable|Buffers|Cached|Active\(file\)|Inactive\(file\)|Dirty|Writeback|Mapped):'
title "mmctl vmstat: reading, writing back and reclaiming file pages"
mmctl vmstat | grep -E '^(nr_file_pages|nr_dirty|nr_written|pgpgin|pgpgout|pgscan_file|pgsteal_file) '
title "mmctl fincore /movie /notes"
mmctl fincore /movie /notes
title "mmctl files"
mmctl files

title "mmctl check, then mmctl shutdown"
mmctl check
mmctl shutdown
wait "$mmd"
echo "mmd exited $?"
mmd=""
for p in $clients; do wait "$p" || true; done
clients=""
grep -h '^event' "$tmp"/client* | sort | uniq -c

# ---- Fragmentation and its cure, on a machine of its own (64 MiB, no
# swap, the demo's user its admin): mmc frag fragments it and holds on.
cat >"$tmp/frag.yaml" <<EOF
machine:
  name: frag
  arch: x86_64
  memory: 64M
swap:
  size: 0
daemon:
  admin_group: $(id -gn)
EOF
title "a second machine, 64 MiB without swap, for fragmentation"
"$b/mmd" --foreground --config "$tmp/frag.yaml" --socket "$sock" \
	2>"$tmp/mmd.log" &
mmd=$!
for _ in $(seq 100); do
	[ -S "$sock" ] && break
	sleep 0.1
done
mkfifo "$tmp/go"
"$b/mmc" -s "$sock" frag <"$tmp/go" >"$tmp/frag" 2>&1 &
clients=$!
exec 3>"$tmp/go"
frag_wait() {
	for _ in $(seq 300); do
		grep -qs "^frag: $1" "$tmp/frag" && return 0
		sleep 0.1
	done
	cat "$tmp/frag"
	return 1
}
title "mmc frag: user pages and kernel pages fill memory, then every other one goes"
frag_wait ready
grep -v '^frag: ready' "$tmp/frag"
title "mmctl buddyinfo: plenty free, nothing of order 9 (2 MiB)"
mmctl buddyinfo
title "mmctl extfrag: near 1.000 from order 4 up, the failure is fragmentation"
mmctl extfrag
mmctl map --by-type --output "$b/frag-before.png"
mmctl map --by-type --output "$b/frag-before.svg"
title "mmctl map --by-type: each pageblock's migrate type, and its movable and unmovable pages"
mmctl map --by-type | head -12
title "mmctl compact (compact_memory): movable pages move, free pages come together"
mmctl compact
mmctl vmstat | grep -E '^(compact_(migrate_scanned|free_scanned|isolated)|pgmigrate_success) '
mmctl map --by-type --output "$b/frag-after.png"
mmctl map --by-type --output "$b/frag-after.svg"
echo "(before and after, by migrate type: $b/frag-before.png, $b/frag-after.png and .svg)"
echo >&3
frag_wait done
sed -n '/after compaction/p' "$tmp/frag"
title "mmctl buddyinfo and extfrag afterwards"
mmctl buddyinfo
mmctl extfrag
echo >&3
exec 3>&-
wait "$clients" || true
clients=""
mmctl shutdown
wait "$mmd"
mmd=""
