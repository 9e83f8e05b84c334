#!/bin/sh
# make demo: boot the default machine and each shipped layout, and show
# them as /proc would.
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
