#!/bin/sh
# SPDX-License-Identifier: MIT
# The set-up promise of mk/deps.sh: nothing to do when every package is
# installed; as non-root, the exact apt-get command and a failure when
# one is missing. `id` and `dpkg-query` are replaced by shims on PATH, so
# nothing is installed. Prints "PASS: name" or "FAIL: name" per check.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/daemon.sh"

# shims MISSING UID: dpkg-query says MISSING is not installed.
shims() {
	mkdir -p "$tmp/bin"
	cat >"$tmp/bin/dpkg-query" <<SHIM
#!/bin/sh
for last; do :; done
[ "\$last" = "$1" ] && exit 1
printf 'install ok installed'
SHIM
	cat >"$tmp/bin/id" <<SHIM
#!/bin/sh
echo $2
SHIM
	chmod +x "$tmp/bin/dpkg-query" "$tmp/bin/id"
}

shims none 1000
if PATH="$tmp/bin:$PATH" sh "$root/mk/deps.sh" >"$tmp/out" 2>&1 &&
	[ ! -s "$tmp/out" ]; then
	pass "deps: silent and successful when everything is installed"
else
	fail "deps: silent and successful when everything is installed"
fi

shims libcmocka-dev 1000
if PATH="$tmp/bin:$PATH" sh "$root/mk/deps.sh" >"$tmp/out" 2>&1; then
	fail "deps: a missing package fails for non-root"
else
	pass "deps: a missing package fails for non-root"
fi
if grep -qx '  apt-get update && apt-get install -y --no-install-recommends libcmocka-dev' "$tmp/out"; then
	pass "deps: prints the exact command"
else
	fail "deps: prints the exact command"
	cat "$tmp/out"
fi
# ---- a plain `make` on a machine without protoc-c: the apt-get line
# first, and nothing compiled (it used to stop at "protoc-c: No such file
# or directory").
shims protobuf-c-compiler 1000
PATH="$tmp/bin:$PATH" env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	make -C "$root" B="$tmp/build" >"$tmp/make.out" 2>&1
same "make without protoc-c: fails" "$?" 2
if grep -qx '  apt-get update && apt-get install -y --no-install-recommends protobuf-c-compiler' "$tmp/make.out"; then
	pass "make without protoc-c: prints the exact apt-get line"
else
	fail "make without protoc-c: prints the exact apt-get line"
	head -5 "$tmp/make.out" | sed 's/^/    /'
fi
same "make without protoc-c: nothing was compiled" \
	"$(find "$tmp/build" -name '*.o' 2>/dev/null | wc -l) $(grep -c 'protoc-c --proto_path' "$tmp/make.out")" "0 0"
for t in install deb; do
	PATH="$tmp/bin:$PATH" env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make -C "$root" B="$tmp/build" $t >"$tmp/make.out" 2>&1
	same "make $t without protoc-c: the apt-get line, nothing built" \
		"$(grep -c 'apt-get install -y --no-install-recommends.*protobuf-c-compiler' "$tmp/make.out") $(find "$tmp/build" -name '*.o' 2>/dev/null | wc -l)" "1 0"
done

exit "$failed"
