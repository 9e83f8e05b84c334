#!/bin/sh
# make demo: boot the default machine and each shipped layout, and show
# them as /proc would; then serve the default machine to a few client
# processes on a private socket, and stop.
#   usage: mk/demo.sh BUILD_DIR
set -eu
b=${1:-build}
echo "== mmd --dump (the built-in default layout)"
"$b/mmd" --dump
for f in config/i386-highmem.yaml config/embedded-mmz.yaml; do
	echo
	echo "== mmd --dump $f (buddyinfo)"
	"$b/mmd" --dump "$f" | sed -n '/^Node 0, zone .* [0-9] /p'
done

# mmd serving clients: a private socket, a few client processes through
# libmmclient, the reports while they hold memory, then a clean stop.
echo
echo "== mmd serving 3 client processes on a private socket"
tmp=$(mktemp -d)
"$b/mmd" --foreground --socket "$tmp/mmd.sock" 2>"$tmp/mmd.log" &
mmd=$!
trap 'kill "$mmd" 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 100); do
	[ -S "$tmp/mmd.sock" ] && break
	sleep 0.1
done
"$b/mmc" -s "$tmp/mmd.sock" workload 3
kill -TERM "$mmd"
wait "$mmd"
echo
echo "== mmd's log"
cat "$tmp/mmd.log"
