#!/bin/sh
# SPDX-License-Identifier: MIT
# pageview.sh - struct page made visible, on a real daemon with
# kernel.page_owner on: mmctl kpageflags, kpagecount, page-types,
# dump-page, page-owner and slab, each in the format the host kernel
# gives (the host's /proc/kpageflags and /sys/kernel/slab/*/ where this
# host lets us read them), and every bad input refused with its errno.
#   usage: MMD=build/test/mmd sh tests/integration/pageview.sh
# Prints "PASS: name" or "FAIL: name" per check; exits 1 on any failure.
# Must never: leave a daemon or a client running.
set -u
MMD=${MMD:-build/test/mmd}
bin=$(dirname "$MMD")
MMCTL=$bin/mmctl
EXAMPLE=$bin/mmc-example
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/daemon.sh"

"$MMD" --print-config | sed "s/page_owner: 0/page_owner: 1/" \
	>"$tmp/owner.yaml"
grep -q 'page_owner: 1' "$tmp/owner.yaml" || fail "layout with page_owner"
start_mmd pv --config "$tmp/owner.yaml" || exit 1
pv=$mmd_pid
s=$tmp/pv.sock
M="$MMCTL -s $s"
"$EXAMPLE" -s "$s" -w 120 -p 6 -o 40 >"$tmp/held" 2>&1 &
holder=$!
pids="$pids $holder"
wait_for "$tmp/held" '^holding'
held=$(sed -n 's/^pid \([0-9]*\) .*/\1/p' "$tmp/held")

# ---- kpageflags / kpagecount: a line per pfn, cut at the end of RAM
$M kpageflags 0 4 >"$tmp/kpf"
matches "kpageflags: 'pfn<TAB>0x<16 hex><TAB>names'" "$tmp/kpf" \
	'^0x[0-9a-f]+	0x[0-9a-f]{16}	[a-z_0-9,]*$'
same "kpageflags 0 4: four pfns" "$(wc -l <"$tmp/kpf")" 4
last=$($M page-types | awk '$1 == "total" { print $2 }')
same "kpageflags: a range past the end of RAM is cut there" \
	"$($M kpageflags $((last - 2)) 10 | wc -l)" 2
status "kpageflags of a pfn past RAM: EINVAL" 1 'Invalid argument: pfn .* is past RAM' \
	$M kpageflags "$last"
status "kpageflags with a count of 0: usage" 2 'not a count' $M kpageflags 0 0
status "kpagecount of a pfn past RAM: EINVAL" 1 'past RAM' \
	$M kpagecount 0xffffffffffffffff
matches "kpagecount: 'pfn<TAB>count'" "$tmp/kpf" '^0x[0-9a-f]+	'
$M kpagecount 0 64 >"$tmp/kpc"
matches "kpagecount: 'pfn<TAB>count'" "$tmp/kpc" '^0x[0-9a-f]+	[0-9]+$'

# ---- page-types: tools/mm/page-types.c's summary
$M page-types >"$tmp/types"
same "page-types: the header" "$(head -1 "$tmp/types")" \
	"$(printf '             flags\tpage-count       MB  symbolic-flags\t\t\tlong-symbolic-flags')"
sed '1d;$d' "$tmp/types" >"$tmp/types.rows"
matches "page-types: 'flags count MB symbols names' rows" "$tmp/types.rows" \
	'^0x[0-9a-f]{16}	 *[0-9]+ +[0-9]+  [A-Za-z0-9_]{43}	[a-z_0-9,]*$'
same "page-types: the pages of the rows add up to the total" \
	"$(awk -F'\t' '{ split($2, f, " "); n += f[1] } END { print n }' "$tmp/types.rows")" \
	"$last"
grep -q '	buddy$' "$tmp/types" && grep -q '	slab$' "$tmp/types" &&
	grep -q '	nopage$' "$tmp/types"
same "page-types: buddy, slab and the PCI hole's nopage frames" "$?" 0
if [ -r /proc/kpageflags ] && head -c 8 /proc/kpageflags >/dev/null 2>&1; then
	head -c 8388608 /proc/kpageflags >"$tmp/host.kpf"
	$M page-types -F "$tmp/host.kpf" >"$tmp/host.types"
	same "page-types -F the host's /proc/kpageflags: the same header" \
		"$(head -1 "$tmp/host.types")" "$(head -1 "$tmp/types")"
	sed '1d;$d' "$tmp/host.types" >"$tmp/host.rows"
	matches "page-types -F the host's file: rows of the same layout" \
		"$tmp/host.rows" \
		'^0x[0-9a-f]{16}	 *[0-9]+ +[0-9]+  [A-Za-z0-9_]{43}	[a-z_0-9,]*$'
	same "the host's file and mm's: 8 bytes per pfn" \
		"$(( $(wc -c <"$tmp/host.kpf") % 8 ))" 0
else
	skip "the host's /proc/kpageflags is not readable here"
fi
status "page-types with an unknown option: usage" 2 'unknown option' \
	$M page-types -z

# ---- dump-page: mm/debug.c's lines, page_owner's after them
pfn=$(sed -n 's/^PFN \(0x[0-9a-f]*\) .*/\1/p' "$tmp/kpf" | head -1)
$M page-owner >"$tmp/owner"
pfn=$(awk -v p="$held" '/^Page allocated via/ && $0 ~ ", pid " p "," { getline; print $2; exit }' "$tmp/owner")
[ -n "$pfn" ] || fail "page-owner: a block of the client (pid $held)"
$M dump-page "$pfn" >"$tmp/dump"
matches "dump-page: page: refcount: mapcount: mapping: index: pfn: then flags" \
	"$tmp/dump" \
	'^(page:[0-9a-f]{16} refcount:-?[0-9]+ mapcount:[0-9]+ mapping:[0-9a-f]{16} index:0x[0-9a-f]+ pfn:0x[0-9a-f]+|(page_type: 0x[0-9a-f]+\([a-z]+\))|(anon )?flags: 0x[0-9a-f]+\([a-z_0-9|=]*\)|page_owner tracks the page as (allocated|freed)|page last allocated via .*|page last free pid .*|page_owner free stack trace missing| [a-z_0-9]+)$'
same "dump-page: the pfn asked for" \
	"$(sed -n 's/.* pfn:\(0x[0-9a-f]*\)$/\1/p' "$tmp/dump")" "$pfn"
status "dump-page: the client's call, its pid" 0 \
	"pid $held, tgid $held \\(example\\)" $M dump-page "$pfn"
# --json: mm.proto's DumpPage, the values the text was printed from.
$M --json dump-page "$pfn" >"$tmp/dump.json"
# shellcheck disable=SC2046 # the first line's words, by its colons
set -- $(head -1 "$tmp/dump" | tr ':' ' ')
same "dump-page --json: the text's first line, printed from the data" \
	"$(jq -r '"page:\(.page) refcount:\(.refcount) mapcount:\(.mapcount) mapping:\(.mapping) index:\(.index) pfn:\(.pfn)"' "$tmp/dump.json")" \
	"$(printf 'page:%d refcount:%s mapcount:%s mapping:%d index:%d pfn:%d' \
		"0x$2" "$4" "$6" "0x$8" "${10}" "${12}")"
same "dump-page --json: page_owner's state, call, pid and mask's names" \
	"$(jq -r '[.page_owner, .record.call, .record.pid, (.record.gfp_flags | join("|"))] | map(tostring) | join(" ")' "$tmp/dump.json")" \
	"$(sed -n 's/^page_owner tracks the page as //p' "$tmp/dump") $(sed -n 's/^ \([a-z_0-9]*\)$/\1/p' "$tmp/dump" | head -1) $held $(sed -n 's/.*gfp_mask 0x[0-9a-f]*(\([^)]*\)).*/\1/p' "$tmp/dump")"
same "dump-page --json: the flags' names and zone" \
	"$(jq -r '(.flags.names + ["node=\(.flags.node)", "zone=\(.flags.zone)"]) | join("|")' "$tmp/dump.json")" \
	"$(sed -n 's/^\(anon \)\{0,1\}flags: 0x[0-9a-f]*(\(.*\))$/\2/p' "$tmp/dump")"
status "dump-page past RAM: EINVAL" 1 'past RAM' $M dump-page "$last"
status "dump-page --json past RAM: EINVAL" 1 'past RAM' $M --json dump-page "$last"
status "dump-page of no number: usage" 2 'not a pfn' $M dump-page x

# ---- page-owner: print_page_owner's records
grep -v '^$' "$tmp/owner" >"$tmp/owner.lines"
matches "page-owner: every line is one of print_page_owner's" \
	"$tmp/owner.lines" \
	'^(Page allocated via order [0-9]+, mask 0x[0-9a-f]+\([A-Z_a-z0-9|]*\), pid [0-9]+, tgid [0-9]+ \([^)]*\), ts [0-9]+ ns|PFN 0x[0-9a-f]+ type [A-Za-z]+ Block [0-9]+ type [A-Za-z]+ Flags 0x[0-9a-f]+\([a-z_0-9|=]*\)| [a-z_0-9]+|Slab cache page|Charged to memcg [0-9]+|Page has been migrated, last migrate reason: [a-z_]+)$'
same "page-owner: the client's six blocks, each by alloc_pages" \
	"$(grep -A2 ", pid $held," "$tmp/owner" | grep -c '^ alloc_pages$')" 6

# --json: mm.proto's PageOwner, each block's values as its text's (but
# the blocks of each mmctl's own process, made at its hello).
$M --json page-owner >"$tmp/owner.json"
same "page-owner --json: every block's values, as its text's" \
	"$(jq -r '.[] | "\(.record.order) \(.record.gfp_mask) \(.record.gfp_flags | join("|")) \(.record.pid) \(.record.comm) \(.record.ts_nsec) \(.pfn) \(.record.migratetype) \(.pageblock) \(.pageblock_migratetype) \(.record.call)"' "$tmp/owner.json" | grep -v ' hello$')" \
	"$(awk '/^Page allocated via/ { gsub(/[(),]/, " "); l = $5 " " $7 " " $8 " " $10 " " $13 " " $15
		getline; l = l " " $2 " " $4 " " $6 " " $8; getline; print l " " $1 }' "$tmp/owner" |
		while read -r o mask names p comm ts f mt b bt call; do
			printf '%s %d %s %s %s %s %d %s %s %s %s\n' "$o" "$mask" \
				"$names" "$p" "$comm" "$ts" "$f" "$mt" "$b" "$bt" "$call"
		done | grep -v ' hello$')"

# ---- page-owners --json: each holder's line printed from its data
$M page-owners "$pfn" >"$tmp/owners"
$M --json page-owners "$pfn" >"$tmp/owners.json"
same "page-owners --json: the block's holder, as its text" \
	"$(jq -r '.owners[] | if .kind == "kernel" then "kernel pid \(.pid)" else .kind end' "$tmp/owners.json")" \
	"$(cat "$tmp/owners")"
same "page-owners --json: the frame and its state" \
	"$(jq -r '"\(.pfn) \(.state)"' "$tmp/owners.json")" "$(printf '%d' "$pfn") kernel"
free=$($M --json map --by-type |
	jq -r 'first(.zones[].blocks[] | select(.free == 512) | .pfn) // empty')
if [ -n "$free" ]; then
	same "page-owners --json of a free frame: its state and order, no owners" \
		"$($M --json page-owners "$free" | jq -r '"\(.state) \(.order > 0) \(.owners | length)"')" \
		"free true 0"
	status "page-owners of a free frame: ENOENT" 1 'no owner' \
		$M page-owners "$free"
fi

# ---- slab CACHE: /sys/kernel/slab/<cache>/'s attributes
$M slab kmalloc-64 >"$tmp/slab"
attrs="aliases align cache_dma cpu_partial cpu_slabs ctor destroy_by_rcu \
hwcache_align min_partial object_size objects objects_partial \
objs_per_slab order partial poison reclaim_account red_zone \
remote_node_defrag_ratio sanity_checks \
slab_size slabs slabs_cpu_partial store_user total_objects trace usersize"
same "slab: SLUB's attribute names" "$(cut -d: -f1 "$tmp/slab" | tr '\n' ' ')" \
	"$(echo $attrs) "
host=/sys/kernel/slab/kmalloc-64
if [ -r "$host/partial" ]; then
	bad=
	for a in $attrs; do
		[ -r "$host/$a" ] || continue
		hv=$(cat "$host/$a" 2>/dev/null) || continue
		mv=$(sed -n "s/^$a: //p" "$tmp/slab")
		# The same shape: digits become N, so "12 N0=12" is "N NN=N".
		hs=$(printf '%s' "$hv" | sed 's/[0-9][0-9]*/N/g')
		ms=$(printf '%s' "$mv" | sed 's/[0-9][0-9]*/N/g')
		case $a in
		cpu_slabs | objects | objects_partial | partial | slabs | total_objects)
			# "0" alone when no node has any, as the kernel.
			[ "$ms" = N ] && hs=${hs%% *} ;;
		slabs_cpu_partial) hs=${hs%% *}; ms=${ms%% *} ;;
		ctor) hs= ms= ;;
		esac
		[ "$hs" = "$ms" ] || bad="$bad $a($hv|$mv)"
	done
	same "slab kmalloc-64: each value as the host's sysfs file reads" "$bad" ""
else
	skip "the host's /sys/kernel/slab is not readable here"
fi
same "slab kmalloc-64: 64-byte objects, 64 to a slab" \
	"$(sed -n 's/^\(object_size\|objs_per_slab\): //p' "$tmp/slab" | tr '\n' ' ')" "64 64 "
status "slab of no such cache: ENOENT" 1 "No such file or directory: no slab cache called 'nosuch'" \
	$M slab nosuch
status "slab with no cache: usage" 2 'needs one CACHE' $M slab

kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
status "check after the client left: page_owner's records agree" 0 '^consistent' \
	$M check
stop_mmd pv "$pv"
exit $failed
