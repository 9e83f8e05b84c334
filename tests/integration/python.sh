#!/bin/sh
# SPDX-License-Identifier: MIT
# python.sh - mmclient, the Python package, against real daemons: its
# unittest suite (python/tests/, each class boots its own mmd from $MMD)
# one PASS/FAIL line per test, then the matplotlib example drawing into
# build/memory_over_time.png. Must never: run longer than its bound
# (timeout), or pass a test unittest did not report ok.
# shellcheck source=tests/lib/daemon.sh
. "$(dirname "$0")/../lib/daemon.sh"
: "${MMD:=build/test/mmd}"
PYTHON=${PYTHON:-/usr/bin/python3}
PYPKG=build/python
# mmd is built with ASan: the package's tests drive it, not link it.
export MMD PYTHONPATH="$PYPKG"

if [ ! -f "$PYPKG/mmclient/mm_pb2.py" ]; then
	fail "python: the package is not built (make python)"
	exit 1
fi

timeout 300 "$PYTHON" -m unittest discover -s python/tests -v \
	>"$tmp/unittest" 2>&1
rc=$?
sed -n 's/^\(test_[a-z_0-9]*\) (\([^)]*\)) \.\.\. ok$/PASS: python: \2/p' \
	"$tmp/unittest"
sed -n 's/^\(test_[a-z_0-9]*\) (\([^)]*\)) \.\.\. \(FAIL\|ERROR\)$/FAIL: python: \2/p' \
	"$tmp/unittest"
if [ "$rc" -eq 0 ] && tail -1 "$tmp/unittest" | grep -q '^OK'; then
	pass "python: unittest ran every test and says OK"
else
	fail "python: unittest exit $rc"
	tail -40 "$tmp/unittest" | sed 's/^/    /'
fi

start_mmd py || exit 1
png=build/memory_over_time.png
rm -f "$png"
status "python: the example samples 181 times" 0 \
	"memory_over_time.png: 181 samples" \
	timeout 120 "$PYTHON" examples/memory_over_time.py "$tmp/py.sock" "$png"
if [ "$(head -c 8 "$png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" = \
	"89504e470d0a1a0a" ]; then
	pass "python: the example's PNG is in build/"
else
	fail "python: no PNG at $png"
fi
stop_mmd py "$mmd_pid"
exit "$failed"
