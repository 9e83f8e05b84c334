#!/bin/sh
# SPDX-License-Identifier: MIT
# Runs every unit test binary and integration script, then prints one
# closing line "N passed, N failed"; exits non-zero on any failure.
#   usage: tests/run.sh [--unit] BUILD_DIR
# Unit tests are cmocka programs; integration scripts print one line per
# check, "PASS: name" or "FAIL: name". --unit runs the unit tests alone
# (make unit), with the same closing line.
set -u
unit_only=0
if [ "${1:-}" = --unit ]; then
	unit_only=1
	shift
fi
dir=${1:-build/test}
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

count() { # $1: pattern; sums the number after it on matching lines
	sed -n "s/^\[  $1  \] \([0-9]*\) test.*/\1/p" "$log" | awk '{s+=$1} END {print s+0}'
}

for t in "$dir"/test_*; do
	# A test whose source is gone (removed, renamed) is not run from an
	# old build.
	[ -x "$t" ] || continue
	[ -f "tests/unit/$(basename "$t").c" ] || continue
	"$t" >"$log" 2>&1
	rc=$?
	p=$(count PASSED)
	f=$(count FAILED)
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # crashed or aborted before cmocka could count
	fi
	[ "$f" -gt 0 ] && cat "$log"
	echo "$(basename "$t"): $p passed, $f failed"
	passed=$((passed + p))
	failed=$((failed + f))
done

if [ "$unit_only" -eq 1 ]; then
	set --
else
	set -- tests/integration/*.sh
fi
for s; do
	[ -f "$s" ] || continue
	MMD="$dir/mmd" sh "$s" >"$log" 2>&1
	rc=$?
	p=$(grep -c '^PASS: ' "$log")
	f=$(grep -c '^FAIL: ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	[ "$f" -gt 0 ] && cat "$log"
	echo "$(basename "$s"): $p passed, $f failed"
	passed=$((passed + p))
	failed=$((failed + f))
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
