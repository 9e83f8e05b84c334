#!/bin/sh
# SPDX-License-Identifier: MIT
# mmd_ops.sh - every operation a client can call, over the wire on a real
# mmd, one check per family of operations: exact values, exact errors,
# bytes written and read back (tests/mmc_test/mmc_test.c, command
# "ops"). Each family runs on a layout that has what it needs: the
# default x86_64 machine, i386 with HighMem, the embedded MMZ board, and
# an i386 layout with 4 pkmap slots for kmaps that must wait. Afterwards
# each machine checks clean and its free pages are back at the baseline.
#   usage: MMD=build/test/mmd sh tests/integration/mmd_ops.sh
# Needs build/test/mmc_test next to mmd. Prints "PASS: name" or
# "FAIL: name" per check;
# exits 1 on any failure. Must never: leave a daemon running.
set -u
MMD=${MMD:-build/test/mmd}
HELPER=$(dirname "$MMD")/mmc_test
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/daemon.sh"

# ops MACHINE FAMILY ARGS...: one family of operations on $s.
ops() {
	machine=$1
	shift
	check "$machine: $*" "$HELPER" "$s" ops "$@"
}

# HighMem starts at 896M on both i386 layouts.
high=0x38000000

# ---- x86_64, the default machine: no HighMem, no MMZ
start_mmd x86 || exit 1
x86=$mmd_pid
s=$tmp/x86.sock
base=$("$HELPER" "$s" baseline)
for f in slab kmalloc vmalloc vmap percpu context mutex reports vm malloc frame-cells pageblock-cells files; do
	ops x86 "$f"
done
ops x86 ioremap 0xe0000000 0x1000000 # the pci-bar0 device region
ops x86 null-frees
settle x86 "$base"
stop_mmd x86 "$x86"

# ---- i386 with HighMem. A kernel PGD entry's page table stays once made
# (as on Linux: process pgds copy the entry), so the baseline is taken
# after the first vmalloc has made the vmalloc area's first one.
# One process nests every kmap_atomic slot of a CPU here (to -EBUSY):
# its limit is the whole pool (half by default).
cp "$root/config/i386-highmem.yaml" "$tmp/i386.yaml"
printf '\nlimits:\n  kmap_atomic: 16\n' >>"$tmp/i386.yaml"
start_mmd i386 --config "$tmp/i386.yaml" || exit 1
i386=$mmd_pid
s=$tmp/i386.sock
ops i386 vmalloc-fault # first: the vmalloc area has no PTE table yet
ops i386 vmalloc
base=$("$HELPER" "$s" baseline)
for f in slab kmalloc vmap percpu vm malloc; do
	ops i386 "$f"
done
ops i386 kmap "$high"
ops i386 page-api "$high"
ops i386 kmap-atomic "$high" 16 # kernel.kmap_atomic_slots
settle i386 "$base"
stop_mmd i386 "$i386"

# ---- the embedded board: two MMZ regions and device registers
start_mmd mmz --config "$root/config/embedded-mmz.yaml" || exit 1
mmz=$mmd_pid
s=$tmp/mmz.sock
ops mmz vmalloc
ops mmz kswapd
base=$("$HELPER" "$s" baseline)
ops mmz mmz jpeg 0x1c000000 0x4000000 # the region at 448M, 64M long
ops mmz ioremap 0x20100000 0x100000   # vedu, the video encoder
ops mmz oom
settle mmz "$base"
stop_mmd mmz "$mmz"

# ---- a 64 MiB machine without swap: fragmentation, the extfrag index
# and proactive compaction (tests/mmc_test/mmc_test_frag.c)
printf 'machine:\n  name: frag\n  arch: x86_64\n  memory: 64M\nswap:\n  size: 0\n' \
	>"$tmp/frag.yaml"
start_mmd frag --config "$tmp/frag.yaml" || exit 1
frag=$mmd_pid
s=$tmp/frag.sock
base=$("$HELPER" "$s" baseline)
ops frag frag
settle frag "$base"
stop_mmd frag "$frag"

# ---- a 128 MiB machine without swap and a 32 MiB CMA area: user pages
# in it, cma_alloc of the whole area, alloc_contig_range
# (tests/mmc_test/mmc_test_cma.c)
cat >"$tmp/cma.yaml" <<'EOF'
machine: {name: cma, arch: x86_64, memory: 128M}
swap: {size: 0}
cma:
  - {name: test, size: 32M}
EOF
start_mmd cma --config "$tmp/cma.yaml" || exit 1
cma=$mmd_pid
s=$tmp/cma.sock
base=$("$HELPER" "$s" baseline)
ops cma cma
# mmctl cma: the sysfs and debugfs files; --json the same values.
MMCTL=$(dirname "$MMD")/mmctl
"$MMCTL" -s "$s" cma >"$tmp/cma.txt" 2>&1
same "mmctl cma: the area's files" \
	"alloc_pages_success:8208 alloc_pages_fail:8194 release_pages_success:8208 base_pfn:24576 count:8192 order_per_bit:0 used:0 maxchunk:8192 " \
	"$(sed 's|.*/||' "$tmp/cma.txt" | tr '\n' ' ')"
same "mmctl --json cma: the text's values" \
	"test 24576 8192 0 8208 8194" \
	"$("$MMCTL" -s "$s" --json cma | jq -r '.[0] | "\(.name) \(.base_pfn) \(.count) \(.used) \(.alloc_pages_success) \(.alloc_pages_fail)"')"
same "mmctl --json --input cma: the text in the data's shape" \
	"$("$MMCTL" -s "$s" --json cma | jq -S -c .)" \
	"$("$MMCTL" --json --input "$tmp/cma.txt" cma | jq -S -c .)"
settle cma "$base"
stop_mmd cma "$cma"

# ---- i386 with 4 pkmap slots, an MMZ region and a device: kmaps that
# wait for a slot, and an exit that must free one of every kind.
# (mmd_attack.sh shows the default: no process takes more than half.)
sed -e 's/^  name: i386-highmem/  name: i386-pkmap4/' \
	-e 's/^  pkmap_slots: .*/  pkmap_slots: 4/' \
	"$root/config/i386-highmem.yaml" >"$tmp/pkmap4.yaml"
cat >>"$tmp/pkmap4.yaml" <<'EOF'

mmz:
  - {name: media, start: 512M, size: 32M}

devices:
  - {name: dev0, start: 0x90000000, size: 64K}

# One process takes every pkmap slot here (half by default).
limits:
  kmap: 4
EOF
grep -q '^  pkmap_slots: 4$' "$tmp/pkmap4.yaml" &&
	pass "a layout with 4 pkmap slots" ||
	fail "a layout with 4 pkmap slots"
start_mmd pkmap4 --config "$tmp/pkmap4.yaml" || exit 1
pkmap4=$mmd_pid
s=$tmp/pkmap4.sock
ops pkmap4 vmalloc
base=$("$HELPER" "$s" baseline)
ops pkmap4 kmap-park "$high" 4
grep -q '^timed kmap: gave up after waiting' "$tmp/out" &&
	pass "pkmap4: the timed-out kmap says why" ||
	fail "pkmap4: the timed-out kmap says why"
ops pkmap4 exit-all "$high" 0x90000000
grep -q 'exited: freed 6 page blocks and 16 objects it still held' \
	"$tmp/pkmap4.log" && pass "pkmap4: the exit logged what it freed" ||
	fail "pkmap4: the exit logged what it freed"
settle pkmap4 "$base"
stop_mmd pkmap4 "$pkmap4"

exit "$failed"
