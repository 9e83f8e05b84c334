#!/bin/sh
# SPDX-License-Identifier: MIT
# json_data.sh - every report's --json comes from mmd's data, never
# from its text: each ReportKind of mm.proto has an mmctl command here,
# run with --json against a recording mmd (an x86_64 machine with
# page_owner on, and the i386 media board); each must exit 0 and print
# JSON, and the recordings must hold a structured Report of every kind
# and no Report asking for text (a plain mmctl meminfo, run last, shows
# the reader sees one when it is asked). The kinds mmd has no data for
# yet are named in TEXT_ONLY, each held to mmd's refusal of its data.
#   usage: MMD=build/test/mmd sh tests/integration/json_data.sh
# Needs build/test/mmctl and mmc-example next to mmd, build/python (the
# generated mm_pb2), jq. Must never: leave a daemon or a client running.
set -u
MMD=${MMD:-build/test/mmd}
bin=$(dirname "$MMD")
MMCTL=$bin/mmctl
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/daemon.sh"
PYTHON=${PYTHON:-/usr/bin/python3}

if [ ! -f "$root/build/python/mmclient/mm_pb2.py" ]; then
	fail "json_data: the Python package is not built (make python)"
	exit 1
fi

# hold NAME: an example client holding memory on $tmp/NAME.sock; its
# pid in the machine in $held, the first byte of its first VMA in $anon
# (hex), both from --json: the only text asked for is the one below.
hold() {
	"$bin/mmc-example" -s "$tmp/$1.sock" -w 120 -p 2 -o 4 \
		>"$tmp/$1.held" 2>&1 &
	pids="$pids $!"
	wait_for "$tmp/$1.held" '^holding'
	held=$(sed -n 's/^pid \([0-9]*\) .*/\1/p' "$tmp/$1.held")
	anon=$(printf '%x' "$("$MMCTL" -s "$tmp/$1.sock" --json maps "$held" |
		jq '.vmas[0].start')")
	[ -n "$held" ] && [ -n "$anon" ] || fail "$1: the client did not start"
}

# json NAME ARGS...: mmctl --json ARGS on machine NAME exits 0 with JSON.
json() {
	name=$1
	shift
	if "$MMCTL" -s "$tmp/$name.sock" --json "$@" >"$tmp/out" 2>"$tmp/err" &&
		jq -e . "$tmp/out" >/dev/null 2>&1; then
		pass "$name: mmctl --json $*"
	else
		fail "$name: mmctl --json $* (exit $?)"
		sed 's/^/    /' "$tmp/err" "$tmp/out" | head -5
	fi
}

"$MMD" --print-config | sed "s/page_owner: 0/page_owner: 1/" |
	awk '/^files: \[\]$/ { print "files:\n  - name: data\n    size: 64K\n    pattern: \"ab\""; next } { print }' \
		>"$tmp/x86.yaml"
start_mmd x86 --config "$tmp/x86.yaml" --record "$tmp/x86.mmrec" || exit 1
x86=$mmd_pid
hold x86
pfn=$("$MMCTL" -s "$tmp/x86.sock" --json pagewalk "$held" "0x$anon" | jq .pfn)
# The kinds mmd has no data for yet: their --json is still made from
# the text, by the command's own code. Each must be refused as data
# (EOPNOTSUPP): once one is structured, this test fails until it leaves
# the list and its command reads the data.
TEXT_ONLY="" # every kind has its data now
for kind in $TEXT_ONLY; do
	same "$kind: no data yet (EOPNOTSUPP), so its --json is left out here" \
		"$(PYTHONPATH="$root/build/python" "$PYTHON" -c 'import errno, sys, mmclient
m = mmclient.Machine(sys.argv[1])
try:
    m.report_data(sys.argv[2])
    print("data")
except OSError as e:
    print(e.errno == errno.EOPNOTSUPP)' "$tmp/x86.sock" "$kind")" True
	echo "$kind" >>"$tmp/kinds"
done
# Each kind's command: "KIND: ARGS" (KIND as ReportKind's name).
while IFS=: read -r kind args; do
	case " $TEXT_ONLY " in *" $kind "*) continue ;; esac
	# shellcheck disable=SC2086
	json x86 $args
	echo "$kind" >>"$tmp/kinds"
done <<EOF2
meminfo: meminfo
buddyinfo: buddyinfo
zoneinfo: zoneinfo
vmstat: vmstat
slabinfo: slabinfo
vmallocinfo: vmallocinfo
dmesg: dmesg
status: status $held
ps: ps
frames: map
maps: maps $held
pagewalk: pagewalk $held 0x$anon
malloc_stats: malloc-stats $held
pagetypeinfo: pagetypeinfo
extfrag_index: extfrag
unusable_index: unusable
pageblocks: map --by-type
dump_page: dump-page $pfn
page_owner: page-owner
ldt: ldt $held
preempt: preempt
percpu: percpu
gfp_context: gfp-context
files: files
sysctl: sysctl
vm_layout: layout
page_owners: page-owners $pfn
mutexes: mutexes
transparent_hugepage: thp
numa_maps: numa-maps $held
numastat: numastat
numastat_process: numastat -p $held
node_meminfo: node-meminfo 0
node_vmstat: node-vmstat 0
smaps: smaps $held
smaps_rollup: smaps_rollup $held
cma: cma
EOF2
# The commands that read reports to make their own JSON.
json x86 fincore /data
json x86 watch -n 1 meminfo
json x86 shrink
same "fincore --json: the file's size, from the files report's data" \
	"$("$MMCTL" -s "$tmp/x86.sock" --json fincore /data | jq -c '.[0] | [.file, .size]')" \
	'["/data",65536]'
"$MMCTL" -s "$tmp/x86.sock" shutdown >/dev/null
wait "$x86"
same "x86: mmd exits 0 after recording" "$?" 0
forget "$x86"

start_mmd mmz --config "$root/config/embedded-mmz.yaml" \
	--record "$tmp/mmz.mmrec" || exit 1
mmz=$mmd_pid
hold mmz
json mmz media-mem
json mmz translate "$held" "0x7b:0x$anon"
json mmz translate "$held" "0x7f:0x$anon"
json mmz segregs "$held"
json mmz layout
printf '%s\n' media_mem translate segregs >>"$tmp/kinds"
# The one text request: the reader must see it.
"$MMCTL" -s "$tmp/mmz.sock" meminfo >/dev/null
"$MMCTL" -s "$tmp/mmz.sock" shutdown >/dev/null
wait "$mmz"
same "mmz: mmd exits 0 after recording" "$?" 0
forget "$mmz"

PYTHONPATH="$root/build/python" "$PYTHON" \
	"$root/tests/integration/report_requests.py" "$tmp/x86.mmrec" \
	>"$tmp/x86.asked" || fail "the x86 recording reads"
PYTHONPATH="$root/build/python" "$PYTHON" \
	"$root/tests/integration/report_requests.py" "$tmp/mmz.mmrec" \
	>"$tmp/mmz.asked" || fail "the mmz recording reads"
sed -n 's/^\tREPORT_\([A-Z_]*\) = [1-9][0-9]*;.*/\1/p' "$root/proto/mm.proto" |
	tr 'A-Z' 'a-z' | sort >"$tmp/enum"
same "every ReportKind of mm.proto has a command here" \
	"$(sort -u "$tmp/kinds")" "$(cat "$tmp/enum")"
same "every ReportKind was asked for as data" \
	"$(cat "$tmp/x86.asked" "$tmp/mmz.asked" | awk '$3 == "data" { print $2 }' | sort -u)" \
	"$(cat "$tmp/enum")"
same "no --json asked mmd for a report's text" \
	"$(awk '$3 != "data"' "$tmp/x86.asked")" ""
same "the reader sees a text request: mmctl meminfo's, the only one" \
	"$(awk '$3 != "data" { print $2, $3 }' "$tmp/mmz.asked")" "meminfo text"
exit $failed
