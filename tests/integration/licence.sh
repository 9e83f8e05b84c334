#!/bin/sh
# SPDX-License-Identifier: MIT
# licence.sh - mm is MIT (LICENSE): the licence file is there, and every
# source, script, build file, layout and unit says so in an SPDX line
# within its first three lines; debian/copyright names the same licence.
#   usage: sh tests/integration/licence.sh
# Prints "PASS: name" or "FAIL: name" per check; exits 1 on any failure.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
failed=0
pass() { echo "PASS: $1"; }
fail() {
	echo "FAIL: $1"
	failed=1
}
cd "$root" || exit 1

if grep -q '^MIT License$' LICENSE 2>/dev/null; then
	pass "LICENSE: the MIT licence"
else
	fail "LICENSE: the MIT licence"
fi
if grep -q '^License: MIT$' debian/copyright; then
	pass "debian/copyright: MIT"
else
	fail "debian/copyright: MIT"
fi

missing=$(find core config daemon client proto tools tests bench examples \
	completion systemd mk config debian mmweb python Makefile -path tests/fuzz/corpus -prune -o \
	-type f \( -name '*.c' -o -name '*.h' -o -name '*.sh' -o -name '*.mk' \
	-o -name '*.proto' -o -name '*.def' -o -name '*.yaml' -o -name '*.bash' \
	-o -name '*.service' -o -name '*.socket' -o -name '*.sysusers' \
	-o -name Makefile -o -name rules -o -name '*.js' -o -name '*.css' \
	-o -name '*.html' -o -name '*.py' \) -print | sort -u |
	while read -r f; do
		head -3 "$f" | grep -q 'SPDX-License-Identifier: MIT' || echo "$f"
	done)
if [ -z "$missing" ]; then
	pass "every source file has an SPDX-License-Identifier: MIT line"
else
	fail "files without an SPDX-License-Identifier: MIT line:"
	echo "$missing" | sed 's/^/    /'
fi
exit "$failed"
