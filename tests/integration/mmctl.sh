#!/bin/sh
# SPDX-License-Identifier: MIT
# mmctl.sh - mmctl on real daemons: every report checked against the
# kernel's format (header lines, column order, field names, units), its
# --json parsed back with jq and compared with the text value by value,
# the map as text, JSON, PNG and SVG of the expected size, top and watch
# (batch and in a pseudo-terminal), the admin commands, the exit codes
# (0, 1 daemon error, 2 usage), --help and bash completion.
#   usage: MMD=build/test/mmd sh tests/integration/mmctl.sh
# Needs build/test/mmctl and build/test/mmc-example next to mmd, and jq.
# Prints "PASS: name" or "FAIL: name" per check; exits 1 on any failure.
# Must never: leave a daemon or a client running.
set -u
MMD=${MMD:-build/test/mmd}
bin=$(dirname "$MMD")
MMCTL=$bin/mmctl
EXAMPLE=$bin/mmc-example
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/daemon.sh"

# hold NAME SOCK ARGS...: an example client holding memory; its pid in
# the machine in $held, its host pid in $holder.
hold() {
	name=$1 sock=$2
	shift 2
	"$EXAMPLE" -s "$sock" -w 120 "$@" >"$tmp/$name.held" 2>&1 &
	holder=$!
	pids="$pids $holder"
	wait_for "$tmp/$name.held" '^holding'
	held=$(sed -n 's/^pid \([0-9]*\) .*/\1/p' "$tmp/$name.held")
	[ -n "$held" ] || fail "$name: the example client did not start"
}

# smaps_rows FILE: each mapping of a smaps text as "start end Rss Pss
# Private_Dirty", the addresses in decimal.
smaps_rows() {
	while IFS= read -r line; do
		case $line in
		[0-9a-f]*-*)
			r=${line%% *}
			printf '%d %d' "0x${r%-*}" "0x${r#*-}"
			;;
		Rss:* | Pss:* | Private_Dirty:*)
			set -- $line
			printf ' %s' "$2"
			;;
		VmFlags*) echo ;;
		esac
	done <"$1"
}

# layout_values FILE: mmctl layout's text as layout_text.py prints its
# JSON: the boot lines, each row's start|end|description, the key lines.
layout_values() {
	sed -n '2,8{/ : 0x/p}' "$1"
	sed -n 's/^ *\([ 0-9a-f]*[0-9a-f]\) |[^|]*| *\([0-9a-f]*\) |[^|]*| \(.*\)$/\1|\2|\3/p' "$1" |
		sed 's/^\([0-9a-f]\{8\}\)|/  \1|/; s/|\([0-9a-f]\{8\}\)|/|  \1|/'
	grep -E '^(__per_cpu|pcpu_|THREAD_SIZE|KernelStack)' "$1"
}

stop_holder() {
	kill "$holder" 2>/dev/null
	wait "$holder" 2>/dev/null
}

if ! command -v jq >/dev/null; then
	fail "jq is missing (make deps installs it)"
	exit 1
fi

# ==== the default x86_64 machine, with a client holding 6 page blocks
# (orders 0 1 2 3 0 1: 18 pages), 40 objects of its own cache, 40
# kmalloc objects and a 4-page vmalloc area (82 objects with the cache).
start_mmd x86 || exit 1
x86=$mmd_pid
s=$tmp/x86.sock
M="$MMCTL -s $s"
hold x86 "$s" -p 6 -o 40

# ---- meminfo: "Key:  N kB" in the kernel's order; JSON value and unit
$M meminfo >"$tmp/meminfo"
$M --json meminfo >"$tmp/meminfo.json"
matches "meminfo: every line is 'Key: N kB' or 'HugePages_*: N'" \
	"$tmp/meminfo" '^([A-Za-z0-9_()]+: +[0-9]+ kB|HugePages_[A-Za-z]+: +[0-9]+)$'
order="MemTotal MemFree MemAvailable Buffers Cached SwapCached Active \
Inactive SwapTotal SwapFree Dirty Writeback AnonPages Mapped Shmem \
KReclaimable Slab SReclaimable SUnreclaim KernelStack PageTables \
CommitLimit Committed_AS VmallocTotal VmallocUsed VmallocChunk Percpu \
HugePages_Total HugePages_Free Hugepagesize DirectMap4k"
keys=$(cut -d: -f1 "$tmp/meminfo" | tr '\n' ' ')
seen=""
for k in $keys; do
	case " $order " in *" $k "*) seen="$seen $k" ;; esac
done
same "meminfo: the kernel's fields in the kernel's order" \
	"$(echo $seen)" "$(echo $order)"
# The structured report: each key in snake_case (mm.proto's Meminfo).
sed -E 's/^([^:]+): +([0-9]+)( kB)?$/\1 \2/; s/\(([a-z]+)\)/_\1/
	s/([a-z])([A-Z])/\1_\2/g; s/([A-Z])([A-Z][a-z])/\1_\2/g' \
	"$tmp/meminfo" | tr 'A-Z' 'a-z' >"$tmp/meminfo.snake"
same "meminfo --json: every line's value under its snake_case key" \
	"$(cat "$tmp/meminfo.snake")" \
	"$(cut -d' ' -f1 "$tmp/meminfo.snake" | while read -r k; do
		jq -r --arg k "$k" '"\($k) \(.[$k])"' "$tmp/meminfo.json"; done)"
same "meminfo --json: numbers, and the flags that say which lines print" \
	"$(jq -r '[(.mem_total | type), .x86_64, .highmem] | join(" ")' \
		"$tmp/meminfo.json")" "number true false"
same "meminfo --json: a field per line and the two flags" \
	"$(jq length "$tmp/meminfo.json")" \
	"$(($(wc -l <"$tmp/meminfo") + 2 + 4 + 1))"

# ---- buddyinfo: "Node 0, zone NAME" and max_order + 1 counts
$M buddyinfo >"$tmp/buddyinfo"
$M --json buddyinfo >"$tmp/buddyinfo.json"
matches "buddyinfo: 'Node 0, zone %8s' then 11 counts (orders 0-10)" \
	"$tmp/buddyinfo" '^Node 0, zone +[A-Za-z0-9]+( +[0-9]+){11} *$'
same "buddyinfo: zones DMA, DMA32, Normal" \
	"$(awk '{print $4}' "$tmp/buddyinfo" | tr '\n' ' ')" "DMA DMA32 Normal "
same "buddyinfo --json: node, zone and every count equal the text" \
	"$(tr -s ' ' <"$tmp/buddyinfo" | sed 's/ $//')" \
	"$(jq -r '.[] | "Node \(.node), zone \(.zone) " +
		(.free | map(tostring) | join(" "))' "$tmp/buddyinfo.json")"

# ---- pagetypeinfo: the kernel's three parts; the free counts of each
# zone's types add up to buddyinfo's
$M pagetypeinfo >"$tmp/pagetypeinfo"
$M --json pagetypeinfo >"$tmp/pagetypeinfo.json"
same "pagetypeinfo: pageblock order 9, 512 pages per block" \
	"$(head -2 "$tmp/pagetypeinfo" | tr -s ' ')" \
	"$(printf 'Page block order: 9\nPages per block: 512')"
matches "pagetypeinfo: 'Node %4d, zone %8s, type %12s' then 11 counts" \
	"$tmp/pagetypeinfo" \
	'^(Page|Free|Number|$|Node +0, zone +[A-Za-z0-9]+,? +(type +[A-Za-z]+ +)?([0-9]+ +)+$)'
same "pagetypeinfo --json: 6 types in each of 3 zones, 3 block counts" \
	"$(jq -r '[(.free | length), (.blocks | length)] | join(" ")' \
		"$tmp/pagetypeinfo.json")" "18 3"
same "pagetypeinfo --json: every free count and block count equals the text" \
	"$(grep '^Node' "$tmp/pagetypeinfo" | tr -d ',' | tr -s ' ' | sed 's/ $//')" \
	"$(jq -r '(.free[] | "Node \(.node) zone \(.zone) type \(.type) " +
		(.free | map(tostring) | join(" "))),
		(.blocks[] | "Node \(.node) zone \(.zone) " +
		([.types[]] | map(tostring) | join(" ")))' \
		"$tmp/pagetypeinfo.json")"

# ---- extfrag and unusable: debugfs's extfrag_index and unusable_index,
# 11 indices per populated zone; at order 0 a machine with free pages has
# a free block (-1.000) and no unusable memory (0.000)
$M extfrag >"$tmp/extfrag"
$M unusable >"$tmp/unusable"
matches "extfrag: 'Node 0, zone %8s ' then 11 '%2d.%03d '" "$tmp/extfrag" \
	'^Node 0, zone +[A-Za-z0-9]+ ( ?-?[0-9]\.[0-9]{3} ){11}$'
matches "unusable: 'Node 0, zone %8s ' then 11 '%d.%03d '" "$tmp/unusable" \
	'^Node 0, zone +[A-Za-z0-9]+ ([01]\.[0-9]{3} ){11}$'
same "extfrag and unusable at order 0: -1.000 and 0.000 in DMA, DMA32, Normal" \
	"$(awk '{printf "%s %s %s ", $4, $5, $0 ~ /./}' "$tmp/extfrag"; \
		awk '{printf "%s ", $5}' "$tmp/unusable")" \
	"DMA -1.000 1 DMA32 -1.000 1 Normal -1.000 1 0.000 0.000 0.000 "
same "extfrag --json: the text's indices (in thousandths), zone by zone" \
	"$(awk '{ line = $4; for (i = 5; i <= NF; i++) { split($i, p, ".");
		v = (p[1] ~ /^-/) ? p[1] * 1000 - p[2] : p[1] * 1000 + p[2];
		line = line " " v }; print line }' "$tmp/extfrag")" \
	"$($M --json extfrag |
		jq -r '.[] | .zone + " " + (.index | map(tostring) | join(" "))')"
same "extfrag --input --json: a saved text parses to the data's JSON" \
	"$($M --json extfrag | jq -c .)" \
	"$($M --json --input "$tmp/extfrag" extfrag | jq -c .)"
same "unusable --input --json: a saved text parses to the data's JSON" \
	"$($M --json unusable | jq -c .)" \
	"$($M --json --input "$tmp/unusable" unusable | jq -c .)"

# ---- zoneinfo: each zone's fields in the kernel's order
$M zoneinfo >"$tmp/zoneinfo"
$M --json zoneinfo >"$tmp/zoneinfo.json"
seq=$(awk '
	/^Node/ { if (z) print z ":" s; z = $4; s = "" }
	$1 == "pages" && $2 == "free" { s = s " pages_free" }
	$1 ~ /^(min|low|high|spanned|present|managed)$/ { s = s " " $1 }
	$1 == "protection:" { s = s " protection" }
	$1 == "nr_free_pages" { s = s " nr_free_pages" }
	$1 == "pagesets" { s = s " pagesets" }
	$1 == "node_unreclaimable:" || $1 == "start_pfn:" {
		s = s " " substr($1, 1, length($1) - 1) }
	END { print z ":" s }' "$tmp/zoneinfo")
want=" pages_free min low high spanned present managed protection"
want="$want nr_free_pages pagesets node_unreclaimable start_pfn"
# An unpopulated zone (Movable here) stops after protection, as Linux's.
empty=" pages_free min low high spanned present managed protection"
same "zoneinfo: each zone's fields in the kernel's order" "$seq" \
	"DMA:$want
DMA32:$want
Normal:$want
Movable:$empty"
same "zoneinfo: one 'per-node stats' block" \
	"$(grep -c '^  per-node stats$' "$tmp/zoneinfo")" 1
same "zoneinfo --json: free, min, low, high, managed, protection, stats, pagesets, start_pfn equal the text" \
	"$(awk '
	/^Node/ { if (z) print z, f, mi, lo, hi, ma, pr, nf, ps, sp
		  z = $4; ps = 0; nf = ""; sp = "" }
	$1 == "pages" && $2 == "free" { f = $3 }
	$1 == "min" { mi = $2 } $1 == "low" { lo = $2 }
	$1 == "high" { hi = $2 } $1 == "managed" { ma = $2 }
	$1 == "protection:" { pr = substr($0, index($0, "(") + 1)
		sub(/\)$/, "", pr); gsub(/ /, "", pr) }
	$1 == "nr_free_pages" { nf = $2 }
	$1 == "cpu:" { ps++ }
	$1 == "start_pfn:" { sp = $2 }
	END { print z, f, mi, lo, hi, ma, pr, nf, ps, sp }' "$tmp/zoneinfo")" \
	"$(jq -r '.[] | "\(.zone) \(.pages.free) \(.pages.min) \(.pages.low) \(.pages.high) \(.pages.managed) \(.pages.protection | map(tostring) | join(",")) \(.stats.nr_free_pages // "") \(.pagesets | length) \(if .populated then .start_pfn else "" end)"' \
		"$tmp/zoneinfo.json")"
same "zoneinfo --json: per-node stats equal the text" \
	"$(sed -n '/^  per-node stats/,/^  pages free/p' "$tmp/zoneinfo" |
		awk '$1 ~ /^(nr_|workingset_)/ { print $1, $2 }')" \
	"$(jq -r '.[0].per_node_stats | to_entries[] | "\(.key) \(.value)"' \
		"$tmp/zoneinfo.json")"

# ---- slabinfo 2.1: the two header lines, 16 fields per cache
$M slabinfo >"$tmp/slabinfo"
$M --json slabinfo >"$tmp/slabinfo.json"
same "slabinfo: 'slabinfo - version: 2.1'" "$(sed -n 1p "$tmp/slabinfo")" \
	"slabinfo - version: 2.1"
same "slabinfo: the kernel's column header" "$(sed -n 2p "$tmp/slabinfo")" \
	"# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> <batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>"
tail -n +3 "$tmp/slabinfo" >"$tmp/slabrows"
matches "slabinfo: every cache 'name 5 numbers : tunables 3 : slabdata 3'" \
	"$tmp/slabrows" '^[a-z0-9_-]+ +([0-9]+ +){5}: tunables +([0-9]+ +){3}: slabdata +[0-9]+ +[0-9]+ +[0-9]+$'
same "slabinfo: example_cache holds 42 objects of 192 bytes, 21 a slab" \
	"$(awk '$1 == "example_cache" { print $3, $4, $5, $6 }' "$tmp/slabinfo")" \
	"42 192 21 1"
same "slabinfo --json: version and the header's column names" \
	"$(jq -r '.version + " " + (.caches[0] | keys_unsorted | join(" "))' \
		"$tmp/slabinfo.json")" \
	"2.1 name active_objs num_objs objsize objperslab pagesperslab limit batchcount sharedfactor active_slabs num_slabs sharedavail"
same "slabinfo --json: every cache's values equal the text" \
	"$(tr -s ' ' <"$tmp/slabrows")" \
	"$(jq -r '.caches[] | "\(.name) \(.active_objs) \(.num_objs) \(.objsize) \(.objperslab) \(.pagesperslab) : tunables \(.limit) \(.batchcount) \(.sharedfactor) : slabdata \(.active_slabs) \(.num_slabs) \(.sharedavail)"' \
		"$tmp/slabinfo.json")"

# ---- vmstat: "name value", the kernel's counters
$M vmstat >"$tmp/vmstat"
$M --json vmstat >"$tmp/vmstat.json"
matches "vmstat: every line 'name value'" "$tmp/vmstat" '^[a-z0-9_]+ -?[0-9]+$'
same "vmstat: starts with nr_free_pages, has pgalloc_normal and pgfree" \
	"$(sed -n '1s/ .*//p' "$tmp/vmstat") $(grep -c '^pgalloc_normal \|^pgfree ' "$tmp/vmstat")" \
	"nr_free_pages 2"
# Each mmctl is a process: its own kernel stack moves the event counters
# between two runs. The daemon's JSON has the text's counters in its
# order; the text run through --input gives every value exactly.
same "vmstat --json: the text's counters, in order" \
	"$(cut -d' ' -f1 "$tmp/vmstat")" "$(jq -r 'keys_unsorted[]' "$tmp/vmstat.json")"
same "vmstat --json --input: every counter equals the text" "$(cat "$tmp/vmstat")" \
	"$($MMCTL --json --input "$tmp/vmstat" vmstat | jq -r 'to_entries[] | "\(.key) \(.value)"')"

# ---- vmallocinfo: the client's area, as the kernel prints one
$M vmallocinfo >"$tmp/vmallocinfo"
$M --json vmallocinfo >"$tmp/vmallocinfo.json"
matches "vmallocinfo: every line '0xSTART-0xEND SIZE CALLER ...'" \
	"$tmp/vmallocinfo" '^0x[0-9a-f]{16}-0x[0-9a-f]{16} +[0-9]+ [^ ]+ '
same "vmallocinfo: the client's 4 pages (and guard) with pid, pages, N0" \
	"$(grep -c "^0x[0-9a-f]*-0x[0-9a-f]* *20480 vmalloc pid=$held pages=4 vmalloc N0=4\$" \
		"$tmp/vmallocinfo")" 1
same "vmallocinfo --json: the client's area equals the text" \
	"$(grep " pid=$held " "$tmp/vmallocinfo" | tr -s ' ')" \
	"$(python3 -c 'import json, sys
# Kernel addresses pass 2**53: read them as exact integers (jq 1.6 cannot).
for a in json.load(open(sys.argv[1]))["areas"]:
    if a["pid"] == int(sys.argv[2]):
        print("0x%016x-0x%016x %d %s pid=%d pages=%d %s N0=%d" % (a["start"],
              a["end"], a["size"], a["caller"], a["pid"], a["pages"],
              a["kind"], a["pages"]))' "$tmp/vmallocinfo.json" "$held")"

# ---- execution context: preempt, percpu, gfp-context, mutexes
$M preempt >"$tmp/preempt"
same "preempt: the header, then one process-context line per CPU" \
	"$(sed -n 1p "$tmp/preempt" | tr -s ' ') $(grep -c ' on process  -$' "$tmp/preempt")" \
	"CPU PID COUNT PREEMPT SOFTIRQ HARDIRQ NMI IRQS CONTEXT COMMAND 2"
same "preempt --json: CPU 1's context" \
	"$($M --json preempt | jq -r '.[1].context')" process
same "percpu: the kernel's cpu_number on CPU 1 is 1" \
	"$($M --json percpu | jq -r '.[] | select(.name == "cpu_number" and .cpu == 1) | .value')" 1
same "gfp-context: GFP_KERNEL is not allowed in a hardirq" \
	"$($M gfp-context | awk '$1 == "hardirq" {print $2}')" no
same "mutexes: the header, and no mutex" \
	"$($M mutexes | tr -s ' ')" "NAME OWNER HOLDER WAITERS"
same "mutexes --json: an empty array" "$($M --json mutexes | jq -c .)" "[]"

# ---- ps: the header's columns in order; the client's kernel memory
$M ps >"$tmp/ps"
$M --json ps >"$tmp/ps.json"
same "ps: header PID PSR VSZ RSS SWAP MINFLT MAJFLT KPAGES KOBJS COMMAND" \
	"$(sed -n 1p "$tmp/ps")" \
	"    PID PSR      VSZ      RSS     SWAP   MINFLT   MAJFLT   KPAGES    KOBJS COMMAND"
same "ps: the client holds 18 pages and 82 objects" \
	"$(awk -v p="$held" '$1 == p { print $2, $8, $9, $10 }' "$tmp/ps")" \
	"0 18 82 example"
same "ps --json: every process but mmctl itself equals the text" \
	"$(tail -n +2 "$tmp/ps" | tr -s ' ' | sed 's/^ //' | grep -v ' mmctl$')" \
	"$(jq -r '.[] | select(.command != "mmctl") | "\(.pid) \(.psr) \(.vsz) \(.rss) \(.swap) \(.minflt) \(.majflt) \(.kpages) \(.kobjs) \(.command)"' \
		"$tmp/ps.json")"

# ---- files and fincore, on a machine with a preloaded file
printf 'files:\n  - name: data\n    size: 1M\n    pattern: "ab"\n' \
	>"$tmp/files.yaml"
if start_mmd files --config "$tmp/files.yaml"; then
	files_pid=$mmd_pid
	F="$MMCTL -s $tmp/files.sock"
	same "files: the header, then /data: inode 2, 1M, 256 blocks, none cached" \
		"$($F files | tr -s ' ' | sed 's/^ //')" \
		"$(printf 'INO SIZE BLOCKS CACHED DIRTY NAME\n2 1048576 256 0 0 /data')"
	same "files --json: the row's numbers and name" \
		"$($F --json files | jq -c '.[0] | [.ino, .size, .blocks, .cached, .dirty, .name]')" \
		'[2,1048576,256,0,0,"/data"]'
	same "fincore: RES PAGES SIZE FILE, nothing resident yet" \
		"$($F fincore /data | tr -s ' ' | sed 's/^ //')" \
		"$(printf 'RES PAGES SIZE FILE\n0 0 1048576 /data')"
	status "fincore of a missing file: exit 1" 1 'no such file' \
		$F fincore /nope
	stop_mmd files "$files_pid"
fi

# ---- status PID
$M status "$held" >"$tmp/status"
$M --json status "$held" >"$tmp/status.json"
same "status: Name, Pid, Pages and Objects of the client" \
	"$(grep -E '^(Name|Pid|Pages|Objects):' "$tmp/status" | tr '\t' ' ')" \
	"Name: example
Pid: $held
Pages: 18
Objects: 82"
same "status: the client's two written pages are its RSS" \
	"$(grep -E '^(VmRSS|RssAnon):' "$tmp/status" | tr -s '\t ' ' ')" \
	"VmRSS: 8 kB
RssAnon: 8 kB"
same "status --json: every field equals the text (snake_case keys, kB as numbers)" \
	"$(tr -s '\t ' ' ' <"$tmp/status" | sed -E 's/ kB$//
		s/^([^:]*)([a-z])([A-Z])/\1\2_\3/; s/^([^:]*)([a-z])([A-Z])/\1\2_\3/
		s/^([^:]*)([A-Z])([A-Z][a-z])/\1\2_\3/' |
		awk -F: '{ printf "%s:%s\n", tolower($1), $2 }')" \
	"$(jq -r 'to_entries[] | "\(.key): \(.value)"' "$tmp/status.json")"

# ---- maps and pagewalk PID
$M maps "$held" >"$tmp/maps"
$M --json maps "$held" >"$tmp/maps.json"
matches "maps: every line as /proc/PID/maps prints it" "$tmp/maps" \
	'^[0-9a-f]{8,}-[0-9a-f]{8,} [r-][w-][x-][ps] [0-9a-f]{8} 00:00 [0-9]+ ( *\[[a-z]+\])?$'
same "maps: the client's 16 pages and its stack" \
	"$(awk '{ print $2, $6 }' "$tmp/maps")" \
	"rw-p 
rw-p [stack]"
same "maps --json: every mapping equals the text" \
	"$(tr -s ' ' <"$tmp/maps" | while read -r range perms _ _ _ name; do
		echo "$((0x${range%-*})) $((0x${range#*-})) $perms $name" | sed 's/ $//'
	done)" \
	"$(jq -r '.vmas[] | "\(.start) \(.end) \(.perms) \(.name)"' "$tmp/maps.json" | sed 's/ $//')"
same "maps --json: a pointer is 8 bytes on x86_64" \
	"$(jq .pointer_size "$tmp/maps.json")" 8
$M malloc-stats "$held" >"$tmp/mstats"
same "malloc-stats: glibc's malloc_stats lines, an unused malloc" \
	"$(tr -s ' ' <"$tmp/mstats")" \
	"Arena 0:
system bytes = 0
in use bytes = 0
Total (incl. mmap):
system bytes = 0
in use bytes = 0
max mmap regions = 0
max mmap bytes = 0"
same "malloc-stats --json: the same numbers" \
	"$($M --json malloc-stats "$held" | jq -c .)" \
	'{"arena_0":{"system_bytes":0,"in_use_bytes":0},"total":{"system_bytes":0,"in_use_bytes":0},"max_mmap_regions":0,"max_mmap_bytes":0}'
anon=$(head -1 "$tmp/maps" | cut -d- -f1)
$M pagewalk "$held" "0x$anon" >"$tmp/walk"
same "pagewalk: the levels to a written page, then its frame" \
	"$(cut -f1 "$tmp/walk" | tr '\n' ' ')" \
	"Address: PGD: PUD: PMD: PTE: Frame: Page: "
status "pagewalk: the page is anon, mapped once" 0 \
	'_refcount 1, _mapcount 0' $M pagewalk "$held" "0x$anon"
status "pagewalk: an unwritten page of the mapping is not present" 0 \
	'^Frame:	none' $M pagewalk "$held" "0x$(printf %x $((0x$anon + 4096)))"
# Entries pass 2**53 (NX is bit 63): read them as exact integers.
$M --json pagewalk "$held" "0x$anon" >"$tmp/walk.json"
same "pagewalk --json: each level's name, index, entry and table, as the text" \
	"$(sed -n 's/^\([A-Z]*\):	index *\([0-9]*\)  entry \(0x[0-9a-f]*\)  table pfn \(0x[0-9a-f]*\)$/\1 \2 \3 \4/p' "$tmp/walk")" \
	"$(python3 -c 'import json, sys
for l in json.load(open(sys.argv[1]))["levels"]:
    print(l["name"], l["index"], "%#018x" % l["entry"], "%#x" % l["table_pfn"])' "$tmp/walk.json")"
same "pagewalk --json: the frame, its page and the PTE's bits" \
	"$(python3 -c 'import json, sys
w = json.load(open(sys.argv[1]))
print("Frame:\tpfn %#x, phys %#x, %d kB page" % (w["pfn"], w["phys"], w["page_size"] >> 10))
print(w["stop"], w["refcount"], w["mapcount"], " ".join(w["page_flag_names"]), " ".join(w["levels"][-1]["bits"]))' "$tmp/walk.json")" \
	"$(grep '^Frame:' "$tmp/walk")
frame 1 0 anon lru swapbacked present rw user accessed dirty nx"
same "pagewalk --json: an unwritten page stops at none" \
	"$($M --json pagewalk "$held" "0x$(printf %x $((0x$anon + 4096)))" | jq -r .stop)" none

# ---- smaps, smaps_rollup and pagemap PID
$M smaps "$held" >"$tmp/smaps"
same "smaps: the client's mapping holds its two written pages" \
	"$(sed -n '/^'"$anon"'-/,/^VmFlags/p' "$tmp/smaps" | grep -E '^(Rss|Anonymous|Private_Dirty|Locked):' | tr -s ' ')" \
	"Rss: 8 kB
Private_Dirty: 8 kB
Anonymous: 8 kB
Locked: 0 kB"
same "smaps: the maps lines are maps' own" \
	"$(grep -E '^[0-9a-f]{8,}-' "$tmp/smaps")" "$(cat "$tmp/maps")"
$M --json smaps "$held" >"$tmp/smaps.json"
same "smaps --json: each mapping's range, Rss, Pss and Private_Dirty equal the text" \
	"$(smaps_rows "$tmp/smaps")" \
	"$(jq -r '.vmas[] | "\(.start) \(.end) \(.rss) \(.pss) \(.private_dirty)"' "$tmp/smaps.json")"
same "smaps --json: the client's mapping from the data" \
	"$(jq -c '.vmas[] | select(.start == '"$((0x$anon))"') | {size, rss, anonymous, private_dirty, locked, thp_eligible}' "$tmp/smaps.json")" \
	'{"size":64,"rss":8,"anonymous":8,"private_dirty":8,"locked":0,"thp_eligible":false}'
same "smaps --json: VmFlags as an array" \
	"$(jq -r '.vmas[0].vm_flags | join(" ")' "$tmp/smaps.json")" \
	"rd wr mr mw me ac"
same "smaps --json: a pointer is 8 bytes on x86_64" \
	"$(jq .pointer_size "$tmp/smaps.json")" 8
same "smaps --json --input: the text parsed gives the data" \
	"$($M --json --input "$tmp/smaps" smaps "$held" | jq -c '.vmas[] | [.start, .end, .name, .size, .rss, .pss, .swap, .locked, .thp_eligible, .vm_flags]')" \
	"$(jq -c '.vmas[] | [.start, .end, .name, .size, .rss, .pss, .swap, .locked, .thp_eligible, .vm_flags]' "$tmp/smaps.json")"
$M smaps_rollup "$held" >"$tmp/rollup"
matches "smaps_rollup: the [rollup] line, then the sums" "$tmp/rollup" \
	'^([0-9a-f]{8,}-[0-9a-f]{8,} ---p 00000000 00:00 0 +\[rollup\]|[A-Za-z_]+: +[0-9]+ kB)$'
$M --json smaps_rollup "$held" >"$tmp/rollup.json"
same "smaps_rollup --json: every sum equals the text's line" \
	"$(sed -n 's/^\([A-Za-z_]*\): *\([0-9]*\) kB$/\2/p' "$tmp/rollup" | tr '\n' ' ')" \
	"$(jq -r '[.rss, .pss, .pss_dirty, .pss_anon, .pss_file, .pss_shmem, .shared_clean, .shared_dirty, .private_clean, .private_dirty, .referenced, .anonymous, .ksm, .lazy_free, .anon_huge_pages, .shmem_pmd_mapped, .file_pmd_mapped, .shared_hugetlb, .private_hugetlb, .swap, .swap_pss, .locked] | join(" ")' "$tmp/rollup.json") "
same "smaps_rollup --json: the range is the first mapping's start to the last's end" \
	"$(jq -r '"\(.start) \(.end)"' "$tmp/rollup.json")" \
	"$(jq -r '"\(.vmas[0].start) \(.vmas[-1].end)"' "$tmp/smaps.json")"
same "smaps_rollup --json --input: the text parsed gives the same sums" \
	"$($M --json --input "$tmp/rollup" smaps_rollup "$held" | jq -c '{start, rss, anonymous, swap}')" \
	"$(jq -c '{start, rss, anonymous, swap}' "$tmp/rollup.json")"
$M pagemap "$held" "0x$anon" 2 >"$tmp/pagemap"
same "pagemap: a written page is present and exclusive, the next none" \
	"$(cut -f3- "$tmp/pagemap" | sed 's/pfn 0x[0-9a-f]*/pfn P/')" \
	"present pfn P exclusive
none"
same "pagemap: the pfn is the one the page walk finds" \
	"$(sed -n 's/.*present pfn \(0x[0-9a-f]*\).*/\1/p' "$tmp/pagemap")" \
	"$($M pagewalk "$held" "0x$anon" | sed -n 's/^Frame:\tpfn \(0x[0-9a-f]*\),.*/\1/p')"
same "pagemap --json: present, exclusive, not swapped" \
	"$($M --json pagemap "$held" "0x$anon" | jq -c '.[0] | {present, swapped, exclusive, file}')" \
	'{"present":true,"swapped":false,"exclusive":true,"file":false}'
status "pagemap: a count of 0 is refused" 2 'count' \
	$M pagemap "$held" "0x$anon" 0

# ---- layout: mm.rst's table, the per-CPU offsets, THREAD_SIZE
$M layout >"$tmp/layout"
$M --json layout >"$tmp/layout.json"
same "layout: the direct map at page_offset_base, as mm.rst's row" \
	"$(grep 'page_offset_base' "$tmp/layout")" \
	" ffff888000000000 | -119.5  TB | ffff88813fffffff |    5 GB | direct mapping of all physical memory (page_offset_base)"
same "layout: vmalloc and vmemmap at Linux's bases" \
	"$(grep -c -e '^ ffffc90000000000 |  -55    TB | ffffe8ffffffffff |   32 TB | vmalloc' \
		-e '^ ffffea0000000000 |  -22    TB | ' "$tmp/layout")" 2
same "layout: THREAD_SIZE is x86_64's 16K" \
	"$(sed -n 's/^THREAD_SIZE: //p' "$tmp/layout")" 16384
same "layout: KernelStack is meminfo's" \
	"$(sed -n 's/^KernelStack: \([0-9]*\) kB$/\1/p' "$tmp/layout")" \
	"$($M meminfo | sed -n 's/^KernelStack: *\([0-9]*\) kB$/\1/p')"
same "layout --json: every row, boot line and key line as the text" \
	"$(python3 "$root/tests/integration/layout_text.py" "$tmp/layout.json")" \
	"$(layout_values "$tmp/layout")"
same "layout --json: x86_64 has no boot lines; THREAD_SIZE 16K" \
	"$(jq -c '[.arch, .boot_lines, .thread_size]' "$tmp/layout.json")" \
	'["x86_64",[],16384]'
same "layout --json: zero-based per-CPU, CPU 0's offset is its unit" \
	"$(python3 -c 'import json, sys; v = json.load(open(sys.argv[1])); print(v["per_cpu_offset"][0] == v["pcpu_base_addr"] - v["per_cpu_start"], v["per_cpu_start"])' "$tmp/layout.json")" \
	"True 0"
status "layout with an argument: exit 2" 2 'takes no arguments' $M layout x

# ---- dmesg
$M dmesg >"$tmp/dmesg"
$M --json dmesg >"$tmp/dmesg.json"
if [ -s "$tmp/dmesg" ]; then
	matches "dmesg: every line '[SEQ] message'" "$tmp/dmesg" '^\[ *[0-9]+\] '
fi
same "dmesg --json: every line equals the text" \
	"$(sed 's/^\[ */[/' "$tmp/dmesg")" \
	"$(jq -r '.[] | "[\(.seq)] \(.message)"' "$tmp/dmesg.json")"

# ---- map: zones and rows as zoneinfo says; JSON; PNG and SVG size
$M map >"$tmp/map"
$M --json map >"$tmp/map.json"
per=$(sed -n "1s/^physical memory of 'default': \([0-9]*\) pages .*/\1/p" \
	"$tmp/map")
same "map: 'physical memory of ...: N pages per cell' (N=512 for 4 GiB)" \
	"$per" 512
rows=$(awk -v per="$per" '
	/^zone / { z = $2; want[z] = int(($6 / per + 63) / 64); order = order " " z; next }
	/^legend/ { next }
	z { got[z]++ }
	END { n = split(order, zs, " ")
	      for (i = 1; i <= n; i++) printf "%s %d %d\n", zs[i], want[zs[i]], got[zs[i]] }' \
	"$tmp/map")
same "map: each zone has ceil(pages / per_cell / 64) rows" \
	"$(echo "$rows" | awk '{ print $1, $2 }')" \
	"$(echo "$rows" | awk '{ print $1, $3 }')"
same "map: the zones that span pages, at zoneinfo's start_pfn" \
	"$(sed -n 's/^zone \([^ ]*\) start_pfn \([0-9]*\) .*/\1 \2/p' "$tmp/map")" \
	"$(jq -r '.[] | select(.pages.spanned > 0) | "\(.zone) \(.start_pfn)"' "$tmp/zoneinfo.json")"
# --json: mm.proto's Frames, each cell a state (low four bits, named
# by .states) and a free cell's order (high four): the text's rows.
same "map --json: every row printed from the cells equals the text" \
	"$(grep -v '^legend\|^physical' "$tmp/map")" \
	"$(jq -r '.states as $s | .zones[] |
		"zone \(.zone) start_pfn \(.start_pfn) pages \(.pages)",
		([.cells[] | ($s[. % 16]) as $st | if $st == "free" then
			"0123456789abcdef"[(. / 16 | floor):(. / 16 | floor) + 1]
		else {"hole": " ", "reserved": "#", "mmz": "M", "per-cpu": "p",
			"slab": "s", "pagetable": "t", "user": "u", "kernel": "k"}[$st]
		end] | [range(0; length; 64) as $i | .[$i:$i + 64] | join("")][])' \
		"$tmp/map.json")"
same "map --json: the pages per cell and the states by number" \
	"$(jq -r '"\(.pages_per_cell) \(.states | join(","))"' "$tmp/map.json")" \
	"$per hole,reserved,mmz,free,per-cpu,slab,pagetable,user,kernel"
status "map --color always: ANSI 256-colour cells" 0 '\[48;5;[0-9]+;38;5;[0-9]+m' \
	$M map --color always
nrows=$(grep -cv '^zone\|^legend\|^physical' "$tmp/map")
nzones=$(grep -c '^zone' "$tmp/map")
# width 2*12 + 64*8; height 2*12 + 24 + zones*(18+8) + rows*8 + 3*18
w=536
h=$((24 + 24 + nzones * 26 + nrows * 8 + 54))
if $M map --output "$tmp/map.png" &&
	[ "$(od -An -tx1 -N8 "$tmp/map.png" | tr -d ' \n')" = 89504e470d0a1a0a ] &&
	[ "$(od -An -c -j12 -N4 "$tmp/map.png" | tr -d ' \n')" = IHDR ]; then
	pass "map --output PNG: the PNG signature and IHDR"
else
	fail "map --output PNG: the PNG signature and IHDR"
fi
same "map --output PNG: ${w}x$h (cells per zone, legend)" \
	"$(od -An -tu1 -j16 -N8 "$tmp/map.png" |
		awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 "x" \
			$5 * 16777216 + $6 * 65536 + $7 * 256 + $8 }')" "${w}x$h"
$M map --output "$tmp/map.svg"
same "map --output SVG: ${w}pt x ${h}pt" \
	"$(sed -n 's/.*<svg[^>]* width="\([0-9]*\)pt" height="\([0-9]*\)pt".*/\1x\2/p' \
		"$tmp/map.svg")" "${w}x$h"
if command -v python3 >/dev/null &&
	python3 -c 'import sys, xml.etree.ElementTree as t; t.parse(sys.argv[1])' \
		"$tmp/map.svg" 2>/dev/null; then
	pass "map --output SVG: well-formed XML"
elif ! command -v python3 >/dev/null && tail -1 "$tmp/map.svg" | grep -q '</svg>'; then
	pass "map --output SVG: ends with </svg>"
else
	fail "map --output SVG: well-formed XML"
fi

# ---- map --by-type: a cell per pageblock (as pagetypeinfo counts them),
# its type's letter and content; JSON; PNG and SVG size
$M map --by-type >"$tmp/bytype"
$M --json map --by-type >"$tmp/bytype.json"
grep -v '^zone\|^legend\|^pageblocks' "$tmp/bytype" >"$tmp/bytype.cells"
matches "map --by-type: each cell a type letter (- no RAM) and u, m, . or #" \
	"$tmp/bytype.cells" '^([UMRHCI-][um.#] )+$'
same "map --by-type: as many Movable and Unmovable blocks as pagetypeinfo" \
	"$(grep -v '^zone\|^legend\|^pageblocks' "$tmp/bytype" | tr ' ' '\n' |
		cut -c1 | sort | uniq -c | awk '$2 == "M" || $2 == "U" { print $2, $1 }' |
		tr '\n' ' ')" \
	"$(jq -r '[.blocks[] | .types.Movable] | add | "M \(.) "' "$tmp/pagetypeinfo.json")$(
		jq -r '[.blocks[] | .types.Unmovable] | add | "U \(.) "' "$tmp/pagetypeinfo.json")"
same "map --by-type --json: each cell's letter is its block's type in the data" \
	"$(grep -v '^zone\|^legend\|^pageblocks' "$tmp/bytype" | tr ' ' '\n' |
		cut -c1 | grep . | tr -d '\n')" \
	"$(jq -r '[.zones[].blocks[] | if .type == "" then "-" else .type[0:1] end] |
		join("")' "$tmp/bytype.json")"
same "map --by-type --json: each block's pages add up to pages_per_block" \
	"$(jq -r '[.zones[].blocks[] | .free + .movable + .unmovable + .absent] |
		unique | map(tostring) | join(" ")' "$tmp/bytype.json")" \
	"$(jq -r '.pages_per_block' "$tmp/bytype.json")"
nblocks=$(jq '[.zones[] | (.blocks | length + 31) / 32 | floor] | add' "$tmp/bytype.json")
nzones=$(jq '.zones | length' "$tmp/bytype.json")
# width 2*12 + 32*16; height 2*12 + 24 + zones*(18+8) + rows*16 + 3*18
w=536
h=$((24 + 24 + nzones * 26 + nblocks * 16 + 54))
$M map --by-type --output "$tmp/bytype.png"
same "map --by-type --output PNG: ${w}x$h" \
	"$(od -An -tu1 -j16 -N8 "$tmp/bytype.png" |
		awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 "x" \
			$5 * 16777216 + $6 * 65536 + $7 * 256 + $8 }')" "${w}x$h"
$M map --by-type --output "$tmp/bytype.svg"
same "map --by-type --output SVG: ${w}pt x ${h}pt" \
	"$(sed -n 's/.*<svg[^>]* width="\([0-9]*\)pt" height="\([0-9]*\)pt".*/\1x\2/p' \
		"$tmp/bytype.svg")" "${w}x$h"
status "map --by-type --color always: ANSI 256-colour cells" 0 \
	'\[48;5;[0-9]+;38;5;231m[um.#]' $M map --by-type --color always

# ---- the host's own /proc files parse as ours do
for f in meminfo buddyinfo vmstat zoneinfo slabinfo vmallocinfo; do
	if ! [ -r "/proc/$f" ] || ! head -c1 "/proc/$f" >/dev/null 2>&1; then
		echo "SKIP: --input /proc/$f (not readable here)"
		continue
	fi
	cat "/proc/$f" >"$tmp/host.$f"
	if $MMCTL --json --input "$tmp/host.$f" "$f" >"$tmp/host.json" &&
		jq -e 'length > 0' "$tmp/host.json" >/dev/null; then
		pass "--json --input /proc/$f: the host kernel's own file parses"
	else
		fail "--json --input /proc/$f: the host kernel's own file parses"
		head -5 "$tmp/host.json" | sed 's/^/    /'
	fi
done
same "--json --input /proc/meminfo: a key per line" \
	"$($MMCTL --json --input "$tmp/host.meminfo" meminfo | jq length)" \
	"$(grep -c . "$tmp/host.meminfo")"
if [ -r /proc/self/smaps ]; then
	cat /proc/self/smaps >"$tmp/host.smaps"
	same "--json --input /proc/self/smaps: a mapping per maps line, Rss each" \
		"$($MMCTL --json --input "$tmp/host.smaps" smaps 1 | jq '[.vmas | length, (map(select(.rss != null)) | length)]' | tr -d ' \n')" \
		"[$(grep -c '^Rss:' "$tmp/host.smaps"),$(grep -c '^Rss:' "$tmp/host.smaps")]"
fi
status "--input with a command that is not a report: exit 2" 2 \
	'--input goes with a report only' $M --input "$tmp/vmstat" top
$M ps >"$tmp/ps.txt"
status "--json --input of a report the kernel has no file for: exit 1" 1 \
	"ps: cannot parse: the kernel has no such file" \
	$M --json --input "$tmp/ps.txt" ps
status "--json --input of a file in another format: exit 1" 1 \
	'meminfo: cannot parse: line 1' $M --json --input "$tmp/vmstat" meminfo

# ---- top and watch
status "top -b -n 2: two frames, memory, zones, caches, processes" 0 \
	'example' sh -c "$M top -b -n 2 -d 0.1"
same "top -b: two frames with every section" \
	"$(grep -c '^mmctl top - default\|^Memory \|^Compact \|^THP \|^ZONE \|^CACHE \|^ *PID COMMAND\|^example_cache ' "$tmp/out")" 16
status "watch -n 2 meminfo 0.1: two frames" 0 'MemTotal' \
	$M watch -n 2 meminfo 0.1
same "watch: a header per frame" "$(grep -c '^Every 0.1s: mmctl meminfo' "$tmp/out")" 2
$M --json watch -n 3 vmstat 0.05 >"$tmp/watch.json"
same "watch --json: one JSON document per line" \
	"$(jq -c 'has("nr_free_pages")' "$tmp/watch.json" | tr '\n' ' ')" \
	"true true true "
if command -v script >/dev/null; then
	TERM=xterm script -qec "$M top -n 1" /dev/null >"$tmp/pty" 2>&1
	if grep -q "$(printf '\033\\[?1049h')" "$tmp/pty" &&
		grep -q "$(printf '\033\\[?1049l')" "$tmp/pty"; then
		pass "top in a terminal: the alternate screen, then back"
	else
		fail "top in a terminal: the alternate screen, then back"
	fi
	(sleep 1; printf q) | TERM=xterm timeout 20 script -qec "$M top" /dev/null \
		>"$tmp/pty" 2>&1
	same "top in a terminal: q quits, exit 0" "$?" 0
else
	fail "top in a terminal: script(1) is missing"
fi

# ---- admin
status "check: consistent" 0 '^consistent: [0-9]+ free pages, [0-9]+ tasks' \
	$M check
same "check --json: consistent, with the counts" \
	"$($M --json check | jq -r '"\(.consistent) \(.free_pages > 0) \(.nr_tasks)"')" \
	"true true 2"
status "drop-caches: the free pages afterwards" 0 '^free pages: [0-9]+$' \
	$M drop-caches
status "drop-caches 1: the page cache alone" 0 '^free pages: [0-9]+$' \
	$M drop-caches 1
status "drop-caches 5: out of range, exit 1" 1 '' $M drop-caches 5
status "drop-caches x: no mode, exit 2" 2 'no mode' $M drop-caches x
same "drop-caches: vmstat counts each kind" \
	"$($M vmstat | awk '$1 == "drop_pagecache" || $1 == "drop_slab"' |
		tr '\n' ' ')" "drop_pagecache 2 drop_slab 1 "
status "shrink: meminfo's Slab before and after" 0 \
	'^slab: [0-9]+ kB -> [0-9]+ kB; free pages: [0-9]+$' $M shrink
same "drop-caches --json: free_pages" \
	"$($M --json drop-caches | jq -r '.free_pages | type')" number
same "sysctl: the vm knobs, Linux's defaults" \
	"$($M sysctl | tr '\n' ' ')" \
	"vm.compaction_proactiveness = 20 vm.dirty_background_ratio = 10 vm.dirty_expire_centisecs = 3000 vm.dirty_ratio = 20 vm.dirty_writeback_centisecs = 500 vm.extfrag_threshold = 500 vm.min_slab_ratio = 5 vm.min_unmapped_ratio = 1 vm.swappiness = 60 vm.watermark_boost_factor = 15000 vm.zone_reclaim_mode = 0 "
status "sysctl NAME=VALUE: set" 0 '^vm.dirty_ratio = 30$' \
	$M sysctl vm.dirty_ratio=30
same "sysctl --json: the new value" \
	"$($M --json sysctl | jq -r '."vm.dirty_ratio"')" 30
status "sysctl out of bounds: exit 1" 1 'takes 0 to 100' \
	$M sysctl vm.dirty_ratio=101
status "sysctl of no such knob: exit 1" 1 'no sysctl' \
	$M sysctl vm.nope=1
status "thp: the transparent_hugepage files" 0 \
	'^enabled:always \[madvise\] never$' $M thp
same "thp --json: the setting in force and its choices" \
	"$($M --json thp | jq -r '.defrag + " " + (.enabled_choices | join(","))')" \
	"madvise always,madvise,never"
status "thp-set: enabled=always, the report afterwards" 0 \
	'^enabled:\[always\] madvise never$' $M thp-set enabled=always
status "thp-set: a mode the file refuses" 1 \
	'mmctl: thp-set: Invalid argument: transparent_hugepage/enabled' \
	$M thp-set enabled=sometimes
status "thp-set: not FILE=MODE" 2 "'defrag' is not enabled=MODE" \
	$M thp-set defrag
status "thp-set: back to madvise" 0 '^enabled:always \[madvise\] never$' \
	$M thp-set enabled=madvise defrag=madvise
status "khugepaged: a pass, what it made, the settings" 0 \
	'^khugepaged/max_ptes_none:100$' $M khugepaged scan max_ptes_none=100
status "khugepaged: the count of collapsed huge pages first" 0 \
	'^collapsed:[0-9]+$' $M khugepaged scan
status "khugepaged: max_ptes_none past 511" 1 'Invalid argument' \
	$M khugepaged max_ptes_none=512
status "khugepaged: not a setting" 2 "'now' is not scan" $M khugepaged now
status "khugepaged: back to 511" 0 '^khugepaged/max_ptes_none:511$' \
	$M khugepaged max_ptes_none=511
status "compact: buddyinfo afterwards" 0 '^Node 0, zone +DMA ' $M compact
same "compact: the machine stays consistent" \
	"$($M check | cut -d: -f1)" consistent
same "compact --json: buddyinfo's zones" \
	"$($M --json compact | jq -r '[.[].zone] | join(" ")')" "DMA DMA32 Normal"
status "sessions: the client, its pages and objects" 0 \
	"^ +$held example +0 .* 18 +82 " $M sessions

# ---- exit codes and messages
status "no command: exit 2" 2 'no command given' $MMCTL
status "unknown command: exit 2" 2 "no command 'frobnicate'" $MMCTL frobnicate
status "unknown option: exit 2" 2 "unknown option '--frob'" $MMCTL --frob ps
status "meminfo with an argument: exit 2" 2 'takes no arguments' $M meminfo 1
status "status without a PID: exit 2" 2 'usage: mmctl .* status PID' $M status
status "status of a non-number: exit 2" 2 "'12x' is not a pid" $M status 12x
status "status of a pid nobody has: exit 1, the daemon's words" 1 \
	'status: No such process: no process with pid 4242' $M status 4242
status "maps of a pid nobody has: exit 1, the daemon's words" 1 \
	'maps: No such process: no process with pid 4242' $M maps 4242
status "maps of a non-number: exit 2" 2 "'x' is not a pid" $M maps x
status "pagewalk above user space: exit 0, nothing mapped" 0 \
	'^Frame:	none' $M pagewalk "$held" 0x7fffffffffff
status "pagewalk with a bad address: exit 2" 2 "'zz' is not an address" \
	$M pagewalk "$held" zz
status "translate on x86_64: exit 1, i386 only" 1 'i386 layouts only' \
	$M translate "$held" 0x23:0x1000
status "translate of a bad far pointer: exit 2" 2 'is not SELECTOR:OFFSET' \
	$M translate "$held" 0x123456:0
status "watch of no report: exit 2" 2 "no report 'nosuch'" $M watch nosuch
status "watch every 0 seconds: exit 2" 2 'is not a number of seconds' \
	$M watch meminfo 0
status "top -n 0: exit 2" 2 '-n needs a COUNT' $M top -n 0
status "map --output to a .bmp: exit 2" 2 'must name a .png or .svg' \
	$M map --output "$tmp/x.bmp"
status "map --color sometimes: exit 2" 2 'auto, always or never' \
	$M map --color sometimes
status "map to an unwritable file: exit 1" 1 'cannot write' \
	$M map --output "$tmp/no/such/dir/m.png"
status "a socket nobody serves: exit 1" 1 'mmctl: .*' \
	$MMCTL -s "$tmp/nobody.sock" meminfo
status "--version: exit 0" 0 '^mmctl [0-9.]+ \(protocol 1\)$' $MMCTL --version
status "--help lists every command" 0 'translate PID SELECTOR:OFFSET' \
	$MMCTL --help
helped=0
for c in meminfo buddyinfo pagetypeinfo extfrag unusable zoneinfo slabinfo vmstat vmallocinfo media-mem \
	dmesg ps layout files fincore status maps malloc-stats pagewalk translate ldt segregs top watch map \
	check drop-caches sysctl compact thp thp-set khugepaged shrink sessions shutdown help; do
	out=$($MMCTL -s "$tmp/nobody.sock" "$c" --help 2>&1) &&
		echo "$out" | grep -q "^usage: mmctl .* $c" &&
		helped=$((helped + 1))
done
same "COMMAND --help: usage for all 36 commands, exit 0, no daemon needed" \
	"$helped" 36
status "help COMMAND" 0 '^usage: mmctl .* map \[--by-type\] \[--output' $MMCTL help map

# ---- bash completion
if command -v bash >/dev/null; then
	comp() { # WORDS...: what completing the last word offers
		bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
			_mmctl; printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' \
			- "$root/completion/mmctl.bash" "$@"
	}
	same "completion: commands" "$(comp mmctl me)" "media-mem meminfo "
	same "completion: options" "$(comp mmctl --j)" "--json "
	same "completion: watch REPORT" "$(comp mmctl watch vm)" \
		"vmallocinfo vmstat "
	same "completion: map options" "$(comp mmctl map --o)" "--output "
	same "completion: --color WHEN" "$(comp mmctl map --color a)" \
		"always auto "
	same "completion: help COMMAND" "$(comp mmctl help dr)" "drop-caches "
else
	fail "completion: bash is missing"
fi

stop_holder
# ---- shutdown: the daemon stops cleanly; clients hear of it
hold x86b "$s" -p 1 -o 1
status "shutdown: exit 0" 0 '' $M shutdown
for _ in $(seq 50); do
	kill -0 "$x86" 2>/dev/null || break
	sleep 0.1
done
wait "$x86"
same "shutdown: mmd exits 0" "$?" 0
wait "$holder" 2>/dev/null
same "shutdown: the holding client was told" \
	"$(grep -c '^event: shutting down' "$tmp/x86b.held")" 1

# ==== the embedded MMZ board (i386): media-mem and translate
start_mmd mmz --config "$root/config/embedded-mmz.yaml" || exit 1
mmz=$mmd_pid
s=$tmp/mmz.sock
M="$MMCTL -s $s"
hold mmz "$s" -p 2 -o 4 -m 1024
$M media-mem >"$tmp/media"
$M --json media-mem >"$tmp/media.json"
matches "media-mem: ZONE, MMB and usage lines as HiSilicon's mmz prints them" \
	"$tmp/media" '^(\+---ZONE: PHYS\(0x[0-9A-F]{8}, 0x[0-9A-F]{8}\), GFP=[0-9]+, nBYTES=[0-9]+KB, +NAME="[^"]*" USED=[0-9]+KB|   \|-MMB: phys\(0x[0-9A-F]{8}, 0x[0-9A-F]{8}\), kvirt=0x[0-9A-F]{8}, flags=0x[0-9A-F]{8}, length=[0-9]+KB, +name="[^"]*" owner=[0-9]+|---MMZ_USE_INFO:| total size=[0-9]+KB\([0-9]+MB\),used=[0-9]+KB\([0-9]+MB \+ [0-9]+KB\),remain=[0-9]+KB\([0-9]+MB \+ [0-9]+KB\),zone_number=[0-9]+,block_number=[0-9]+)$'
same "media-mem: the client's 1024 KB block, owned by it" \
	"$(grep -c "length=1024KB, *name=\"example\" owner=$held\$" "$tmp/media")" 1
same "media-mem --json: zones as the text" \
	"$(sed -n 's/^+---ZONE: PHYS(\(0x[0-9A-F]*\), \(0x[0-9A-F]*\)), GFP=\([0-9]*\), nBYTES=\([0-9]*\)KB, *NAME="\(.*\)" USED=\([0-9]*\)KB$/\5 \1 \2 \3 \4 \6/p' "$tmp/media")" \
	"$(jq -r '.zones[] | "\(.name) \(.start) \(.start + .size - 1) 0 \(.size / 1024) \(.used / 1024)"' "$tmp/media.json" |
		while read -r n a b g k u; do
			printf '%s 0x%08X 0x%08X %s %s %s\n' "$n" "$a" "$b" "$g" "$k" "$u"
		done)"
same "media-mem: each zone's USED is the sum of its blocks' lengths" \
	"$(awk '/^\+---ZONE:/ { if (n++) print u, s; u = $0; s = 0
			sub(/.*USED=/, "", u); sub(/KB$/, "", u) }
		/^   \|-MMB:/ { l = $0; sub(/.*length=/, "", l); sub(/KB.*/, "", l)
			s += l }
		END { if (n) print u, s }' "$tmp/media" | awk '$1 != $2' | wc -l)" 0
same "media-mem --json: the block as the text" \
	"$(sed -n 's/^   |-MMB: phys(\(0x[0-9A-F]*\), \(0x[0-9A-F]*\)), kvirt=\(0x[0-9A-F]*\), flags=\(0x[0-9A-F]*\), length=\([0-9]*\)KB, *name="\(.*\)" owner=\([0-9]*\)$/\6 \1 \2 \3 \4 \5 \7/p' "$tmp/media")" \
	"$(jq -r '.zones[].blocks[] | "\(.name) \(.phys) \(.phys + .size - 1) \(.kvirt) \(.size / 1024) \(.owner)"' "$tmp/media.json" |
		while read -r n a b v k o; do
			printf '%s 0x%08X 0x%08X 0x%08X 0x00000000 %s %s\n' "$n" "$a" "$b" "$v" "$k" "$o"
		done)"
same "media-mem --json: usage as the text" \
	"$(sed -n 's/^ total size=\([0-9]*\)KB.*,used=\([0-9]*\)KB.*,remain=\([0-9]*\)KB.*,zone_number=\([0-9]*\),block_number=\([0-9]*\)$/\1 \2 \3 \4 \5/p' "$tmp/media")" \
	"$(jq -r '"\(.total_kb) \(.used_kb) \(.total_kb - .used_kb) \(.zone_number) \(.block_number)"' "$tmp/media.json")"
$M map >"$tmp/map"
same "map: MMZ cells on the media board" \
	"$(grep -v '^zone\|^legend\|^physical' "$tmp/map" | grep -c M | awk '{ print ($1 > 0) }')" 1
$M map --output "$tmp/mmz.png"
nrows=$(grep -cv '^zone\|^legend\|^physical' "$tmp/map")
nzones=$(grep -c '^zone' "$tmp/map")
same "map --output PNG on the media board: 536x$((102 + nzones * 26 + nrows * 8))" \
	"$(od -An -tu1 -j16 -N8 "$tmp/mmz.png" |
		awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 "x" \
			$5 * 16777216 + $6 * 65536 + $7 * 256 + $8 }')" \
	"536x$((102 + nzones * 26 + nrows * 8))"
anon=$($M maps "$held" | head -1 | cut -d- -f1)
$M translate "$held" "0x7b:0x$anon" >"$tmp/translate"
same "translate __USER_DS:ADDR: each step, then the frame" \
	"$(cut -f1 "$tmp/translate" | tr '\n' ' ')" \
	"Far pointer: Selector: GDTR: Descriptor: Segment: Privilege: Present: Limit: Linear: PGD: PTE: Physical: "
same "translate: __USER_DS is Linux's flat user data segment" \
	"$(sed -n 's/^Selector:\t//p' "$tmp/translate"); $(sed -n 's/^Descriptor:\t\([^ ]*\) .*/\1/p' "$tmp/translate")" \
	"index 15 (__USER_DS), TI 0 (GDT), RPL 3; 0x00cff2000000ffff"
same "translate: the physical address is pagewalk's frame" \
	"$(sed -n 's/^Physical:\t\(0x[0-9a-f]*\) (pfn \(0x[0-9a-f]*\).*/\2/p' "$tmp/translate")" \
	"$($M pagewalk "$held" "0x$anon" | sed -n 's/^Frame:\tpfn \(0x[0-9a-f]*\),.*/\1/p')"
status "translate __KERNEL_DS at CPL 3: #GP with the reason" 0 \
	'^Fault:	#GP\(0x68\): DPL 0 < max\(CPL 3, RPL 0\) = 3' \
	$M translate "$held" "0x68:0x$anon"
status "translate of a TI=1 selector: #GP, no LDT" 0 '^Fault:	#GP\(0x7c\)' \
	$M translate "$held" "0x7f:0x$anon"
# Each translation's JSON holds every value of its text: printed again
# from the data, it is mmd's text byte for byte (a frame, a cached
# register, #GP on a TI=1 selector, a DPL, an RPL, a limit, #PF, null).
for fp in "0x7b:0x$anon" "0x7f:0x$anon" "0x68:0x$anon" "0x6b:0x$anon 0" \
	"0xa0:0x10000 0" "ds:0x$anon" "0x7b:0x1000" "0:0" "0x80:0"; do
	$M translate "$held" $fp >"$tmp/tr.txt"
	$M --json translate "$held" $fp >"$tmp/tr.json"
	same "translate --json $fp: its text printed again from the data" \
		"$(python3 "$root/tests/integration/translate_text.py" "$tmp/tr.json")" \
		"$(cat "$tmp/tr.txt")"
done
same "translate --json of a TI=1 selector: #GP(0x7c) after the selector step" \
	"$($M --json translate "$held" "0x7f:0x$anon" | jq -c '[.steps, .ti, .faulted, .fault.name, .fault.vector, .fault.error_code]')" \
	'[["selector"],1,true,"#GP",13,124]'
same "translate --json of an unmapped page: #PF(U/S) with CR2, at the linear step" \
	"$($M --json translate "$held" 0x7b:0x1000 | jq -c '[.steps[-1], .linear, .fault.vector, .fault.error_code, .fault.cr2]')" \
	'["linear",4096,14,4,4096]'
same "translate --json: the frame is pagewalk's" \
	"$($M --json translate "$held" "0x7b:0x$anon" | jq '.pfn')" \
	"$($M --json pagewalk "$held" "0x$anon" | jq '.pfn')"
status "translate --json at CPL 4: exit 2" 2 "CPL '4' does not exist" \
	$M --json translate "$held" "0x7b:0x$anon" 4
status "translate __KERNEL_DS at CPL 0: the kernel reads the page" 0 \
	'^Physical:	0x' $M translate "$held" "0x68:0x$anon" 0
status "translate __KERNEL_DS|3 at CPL 0: the RPL weakens the access" 0 \
	'^Fault:	#GP\(0x68\): DPL 0 < max\(CPL 0, RPL 3\) = 3' \
	$M translate "$held" "0x6b:0x$anon" 0
status "translate PNP_DS:0x10000 at CPL 0: past its 64 KiB limit" 0 \
	'^Fault:	#GP\(0\): offset 0x10000 is outside the segment' \
	$M translate "$held" "0xa0:0x10000" 0
status "translate at CPL 4: exit 2, no such ring" 2 "CPL '4' does not exist" \
	$M translate "$held" "0x7b:0x$anon" 4
status "translate ds:ADDR: through the register's cache" 0 \
	'^Cache:	the descriptor loaded' $M translate "$held" "ds:0x$anon"
status "segregs: DS holds __USER_DS, FS is null" 0 \
	'^fs:	selector 0x0000, null' $M segregs "$held"
$M segregs "$held" >"$tmp/segregs"
$M --json segregs "$held" >"$tmp/segregs.json"
same "segregs --json: each register's selector, descriptor, base and offsets, as the text" \
	"$(sed -n 's/^\([a-z]*\):	selector \(0x[0-9a-f]*\), cached descriptor \(0x[0-9a-f]*\), base \(0x[0-9a-f]*\), offsets \[\(0x[0-9a-f]*\), \(0x[0-9a-f]*\)\]$/\1 \2 \3 \4 \5 \6/p; s/^\([a-z]*\):	selector \(0x[0-9a-f]*\), null (unusable)$/\1 \2 null/p' "$tmp/segregs")" \
	"$(python3 -c 'import json, sys
for r in json.load(open(sys.argv[1])):
    if not r["usable"]:
        print(r["name"], "0x%04x" % r["selector"], "null")
    else:
        print(r["name"], "0x%04x" % r["selector"], "0x%016x" % r["descriptor"]["raw"], "0x%08x" % r["base_address"], "0x%08x" % r["first"], "0x%08x" % r["last"])' "$tmp/segregs.json")"
same "segregs --json: CS is __USER_CS, a flat 4 GiB code segment of DPL 3" \
	"$(jq -c '.[1] | [.name, .selector, .descriptor.base_address, .descriptor.limit_bytes, .descriptor.dpl, .descriptor.type_name]' "$tmp/segregs.json")" \
	'["cs",115,0,4294967295,3,"code, execute/read"]'
status "ldt of a process that never called modify_ldt" 0 '^LDT:	none' \
	$M ldt "$held"
same "ldt --json: no table, no entries" \
	"$($M --json ldt "$held" | jq -c '[.present, .nr_entries, .entries]')" '[false,0,[]]'
# i386: the boot lines, and __KERNEL_PERCPU's base is the real offset
$M layout >"$tmp/layout32"
same "layout on i386: init_32.c's boot lines first" \
	"$(sed -n '1p;3p' "$tmp/layout32" | cut -c1-16)" \
	"virtual kernel m
    pkmap   : 0x"
start=$(sed -n 's/^__per_cpu_start: //p' "$tmp/layout32")
base=$(sed -n 's/^pcpu_base_addr: //p' "$tmp/layout32")
off0=$(sed -n 's/^__per_cpu_offset\[0\]: //p' "$tmp/layout32")
same "layout on i386: __per_cpu_offset[0] is pcpu_base_addr - __per_cpu_start" \
	"$off0" "$(printf '%#x' $(((base - start) & 0xffffffff)))"
same "layout on i386: CPU 0's per-CPU offset is not 0" \
	"$(case $off0 in 0 | 0x0 | '') echo zero ;; *) echo set ;; esac)" set
same "layout on i386: THREAD_SIZE is 8K" \
	"$(sed -n 's/^THREAD_SIZE: //p' "$tmp/layout32")" 8192
$M --json layout >"$tmp/layout32.json"
same "layout --json on i386: every row, boot line and key line as the text" \
	"$(python3 "$root/tests/integration/layout_text.py" "$tmp/layout32.json")" \
	"$(layout_values "$tmp/layout32")"
same "layout --json on i386: the seven boot lines, vmalloc's in MB" \
	"$(jq -c '[.arch, [.boot_lines[].name], .boot_lines[2].unit, .thread_size]' "$tmp/layout32.json")" \
	'["i386",["fixmap","pkmap","vmalloc","lowmem",".init",".data",".text"],"MB",8192]'
same "layout --json on i386: a per-CPU offset per CPU, the text's" \
	"$(jq -r '.per_cpu_offset | length' "$tmp/layout32.json")" \
	"$(grep -c '^__per_cpu_offset\[' "$tmp/layout32")"
cpu=$($M status "$held" | sed -n 's/^Cpus_allowed_list:\t*//p')
offc=$(sed -n "s/^__per_cpu_offset\\[$cpu\\]: //p" "$tmp/layout32")
status "translate __KERNEL_PERCPU: its base is the CPU's offset, not 0" 0 \
	"^Segment:	base $(printf '0x%08x' "$offc")," \
	$M translate "$held" "0xd8:0" 0
stop_holder
status "check on the media board after the client left" 0 '^consistent' \
	$M check
kill -TERM "$mmz"
wait "$mmz"
same "media board: mmd exits 0 on SIGTERM" "$?" 0

exit $failed
