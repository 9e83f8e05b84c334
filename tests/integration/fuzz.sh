#!/bin/sh
# SPDX-License-Identifier: MIT
# fuzz.sh - every libFuzzer harness (tests/fuzz/) for a short while, from
# its checked-in corpus: the crashes fixed before stay fixed, and a few
# seconds of new inputs keep the harnesses honest. `make fuzz` runs them
# for longer.
#   usage: MMD=build/test/mmd sh tests/integration/fuzz.sh
# Needs the harnesses in build/fuzz/ (make test builds them). FUZZ_TEST_SECONDS
# (default 15) bounds each. Prints "PASS: name" or "FAIL: name" per
# harness. Must never: write into tests/fuzz/corpus/.
set -u
MMD=${MMD:-build/test/mmd}
root=$(cd "$(dirname "$0")/../.." && pwd)
fz=$(cd "$(dirname "$MMD")/.." && pwd)/fuzz
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
FUZZ_WORK=$work sh "$root/tests/fuzz/run.sh" "$fz" "${FUZZ_TEST_SECONDS:-15}"
