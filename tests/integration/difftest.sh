#!/bin/sh
# SPDX-License-Identifier: MIT
# difftest.sh - a short run of the differential tester: random address
# space calls on the host kernel and on the machine, compared step by
# step (tests/difftest/). Bounded to a few seconds; `make difftest` runs
# it at length. A divergence prints the shrunk sequence.
#   usage: MMD=build/test/mmd sh tests/integration/difftest.sh
# Prints "PASS: name" or "FAIL: name" per check; exits 1 on any failure.
set -u
MMD=${MMD:-build/test/mmd}
DIFFTEST=${DIFFTEST:-$(dirname "$MMD")/difftest}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
failed=0

# check NAME ARGS...: one run of the tester, its output kept.
check() {
	name=$1
	shift
	if "$DIFFTEST" "$@" >"$tmp/out" 2>&1; then
		echo "PASS: $name ($(tail -n 1 "$tmp/out" | sed 's/^difftest: //'))"
	else
		echo "FAIL: $name"
		sed 's/^/    /' "$tmp/out"
		failed=1
	fi
}

# Fixed seeds, so that make test gives the same answer every run; fresh
# seeds are make difftest's, whose finds become fixes (and tests).
SEED=1 check "seed 1, 200 sequences" -n 200
SEED=1796524975 check "seed 1796524975, 100 sequences" -n 100
# mremap grew a shared mapping past its object: SIGBUS there, as shmem's
SEED=1796525332 check "seed 1796525332, 400 sequences" -n 400
exit $failed
