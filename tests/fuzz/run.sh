#!/bin/sh
# SPDX-License-Identifier: MIT
# run.sh - run every libFuzzer harness for a while, side by side, and say
# how each did: "PASS: fuzz NAME: ..." or "FAIL: fuzz NAME: ...".
#   usage: tests/fuzz/run.sh FUZZ_DIR SECONDS [NAME...]
# FUZZ_DIR holds the harnesses (fuzz_NAME, from mk/fuzz.mk). Each starts
# from its checked-in corpus, tests/fuzz/corpus/NAME/ (every file of it
# is run first: crashes found before stay fixed), and keeps what it finds
# in $FUZZ_WORK/NAME/ (default FUZZ_DIR/corpus: make fuzz goes on where
# the last run stopped; make test passes a fresh directory). A crash's
# input is saved as FUZZ_DIR/crashes/NAME-crash-..., with the end of the
# harness's output. At most as many harnesses run at once as there are
# CPUs. Must never: write into tests/fuzz/corpus/.
set -u
dir=${1:?usage: run.sh FUZZ_DIR SECONDS [NAME...]}
secs=${2:?usage: run.sh FUZZ_DIR SECONDS [NAME...]}
shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${FUZZ_WORK:-$dir/corpus}
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
mkdir -p "$dir/crashes"

names=$*
if [ -z "$names" ]; then
	for h in "$dir"/fuzz_*; do
		[ -x "$h" ] && names="$names ${h##*/fuzz_}"
	done
fi

fuzz_one() { # NAME: runs it, leaves its output in $logs/NAME
	mkdir -p "$work/$1"
	"$dir/fuzz_$1" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$dir/crashes/$1-" \
		"$work/$1" "$root/tests/fuzz/corpus/$1" >"$logs/$1" 2>&1
	echo $? >"$logs/$1.rc"
}

report() { # NAME
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$1")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$logs/$1")
	found=$(sed -n 's/^stat::new_units_added: *//p' "$logs/$1")
	if [ "$(cat "$logs/$1.rc")" = 0 ]; then
		echo "PASS: fuzz $1: ${runs:-?} runs in ${secs} s" \
			"(${rate:-?}/s, ${found:-?} new inputs), no crash"
		return
	fi
	echo "FAIL: fuzz $1: exit $(cat "$logs/$1.rc"); see $dir/crashes/"
	grep -v '^#[0-9]' "$logs/$1" | tail -40 | sed 's/^/    /'
	cp "$logs/$1" "$dir/crashes/$1.log"
}

cpus=$(nproc 2>/dev/null || echo 1)
running=0
for n in $names; do
	if [ ! -x "$dir/fuzz_$n" ] || [ ! -d "$root/tests/fuzz/corpus/$n" ]; then
		echo "FAIL: fuzz $n: no harness $dir/fuzz_$n or corpus"
		continue
	fi
	fuzz_one "$n" &
	running=$((running + 1))
	if [ "$running" -ge "$cpus" ]; then
		wait
		running=0
	fi
done
wait
status=0
for n in $names; do
	[ -f "$logs/$n.rc" ] || continue
	report "$n"
	[ "$(cat "$logs/$n.rc")" = 0 ] || status=1
done
exit "$status"
