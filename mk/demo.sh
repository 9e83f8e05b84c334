#!/bin/sh
# make demo: boot the default machine on a private socket, let a few
# client processes allocate pages and kernel objects, show the machine as
# /proc would (buddyinfo, slabinfo, meminfo, ps) and its memory map, then
# stop cleanly. Faulting, forking and swapping come with address spaces,
# which the machine does not have yet: the demo says so and goes on.
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

title "mmd boots the built-in default machine and serves it on $sock"
"$b/mmd" --foreground --socket "$sock" 2>"$tmp/mmd.log" &
mmd=$!
for _ in $(seq 100); do
	[ -S "$sock" ] && break
	sleep 0.1
done
[ -S "$sock" ] || { cat "$tmp/mmd.log"; exit 1; }
cat "$tmp/mmd.log"

title "three client processes allocate pages and objects, and hold them"
i=0
for spec in "editor -p 8 -o 64" "compiler -p 32 -o 200" "player -p 16 -o 16"; do
	# shellcheck disable=SC2086
	set -- $spec
	"$b/mmc-example" -s "$sock" -c "$@" -w 60 >"$tmp/client$i" 2>&1 &
	clients="$clients $!"
	for _ in $(seq 100); do
		grep -q '^holding' "$tmp/client$i" && break
		sleep 0.1
	done
	sed -n 1p "$tmp/client$i"
	i=$((i + 1))
done
echo "(faulting, forking and swapping need address spaces: not built yet)"

title "mmctl buddyinfo"
mmctl buddyinfo
title "mmctl slabinfo (the caches in use)"
mmctl slabinfo | awk 'NR <= 2 || $2 > 0'
title "mmctl meminfo (the first lines)"
mmctl meminfo | sed -n '1,3p;/^Slab/p;/^KernelStack/p;/^PageTables/p;/^Vmalloc/p;/^Percpu/p'
title "mmctl ps"
mmctl ps
title "mmctl map"
mmctl map
mmctl map --output "$b/demo-map.png"
mmctl map --output "$b/demo-map.svg"
echo "(also drawn in $b/demo-map.png and $b/demo-map.svg)"

title "mmctl check, then mmctl shutdown"
mmctl check
mmctl shutdown
wait "$mmd"
echo "mmd exited $?"
mmd=""
for p in $clients; do wait "$p" || true; done
clients=""
grep -h '^event' "$tmp"/client* | sort | uniq -c
