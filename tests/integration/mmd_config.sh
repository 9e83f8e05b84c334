#!/bin/sh
# SPDX-License-Identifier: MIT
# mmd_config.sh - mmd's command line on layout files: --check-config,
# --print-config, --version, --help, and bad usage. Asserts exit statuses
# (0 fine, 1 bad layout, 2 bad usage), the exact error lines, and that
# print-config output checks clean and prints again byte for byte.
#   usage: MMD=build/test/mmd sh tests/integration/mmd_config.sh
# Prints "PASS: name" or "FAIL: name" per check; exits 1 on any failure.
set -u
MMD=${MMD:-build/test/mmd}
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/daemon.sh"

# run NAME WANT_STATUS ARGS...: runs mmd, keeps stdout and stderr.
run() {
	run_name=$1 run_want=$2
	shift 2
	"$MMD" "$@" >"$tmp/out" 2>"$tmp/err"
	status=$?
	if [ "$status" -ne "$run_want" ]; then
		fail "$run_name (exit $status, expected $run_want)"
		sed 's/^/    stderr: /' "$tmp/err"
		return 1
	fi
	return 0
}

# expect NAME FILE TEXT: FILE must hold exactly TEXT.
expect() {
	printf '%s\n' "$3" >"$tmp/want"
	[ -z "$3" ] && : >"$tmp/want"
	if cmp -s "$tmp/want" "$2"; then
		pass "$1"
	else
		fail "$1"
		diff "$tmp/want" "$2" | sed 's/^/    /'
	fi
}

# ---- the simple options
run "version" 0 --version && expect "version" "$tmp/out" "mmd 0.1.0"
run "help" 0 --help && grep -q '^usage: mmd ' "$tmp/out" && pass "help"
run "short help" 0 -h && grep -q -- '--check-config' "$tmp/out" &&
	pass "short help"

# ---- bad usage exits 2 and says why on stderr
run "unknown option" 2 --bogus && grep -q "Try 'mmd --help'" "$tmp/err" &&
	pass "unknown option"
run "stray argument" 2 stray &&
	expect "stray argument" "$tmp/err" "mmd: unexpected argument 'stray'
Try 'mmd --help'."
run "two modes" 2 --check-config --print-config &&
	pass "two modes"
run "two files" 2 --config a.yaml --check-config b.yaml &&
	pass "two files"
run "config needs a file" 2 --config && pass "config needs a file"

# ---- the built-in default and the shipped layouts check clean
run "check default" 0 --check-config &&
	expect "check default is silent" "$tmp/err" ""
for f in x86_64 i386-highmem embedded-mmz; do
	run "check $f" 0 --check-config "$root/config/$f.yaml" &&
		expect "check $f is silent" "$tmp/err" ""
done
run "check-config=FILE" 0 --check-config="$root/config/x86_64.yaml" &&
	pass "check-config=FILE"
run "config FILE check-config" 0 --config "$root/config/x86_64.yaml" \
	--check-config && pass "config FILE check-config"

# ---- print-config: checks clean, and prints the same text again
round_trip() { # NAME ARGS...
	name=$1
	shift
	run "print $name" 0 --print-config "$@" || return
	cp "$tmp/out" "$tmp/printed.yaml"
	head -n 1 "$tmp/printed.yaml" | grep -q '^# A resolved mmd layout' ||
		fail "print $name: no header comment"
	run "print $name checks clean" 0 --check-config "$tmp/printed.yaml" &&
		pass "print $name checks clean"
	run "print $name again" 0 --print-config "$tmp/printed.yaml" || return
	if cmp -s "$tmp/printed.yaml" "$tmp/out"; then
		pass "print $name round trip"
	else
		fail "print $name round trip"
		diff "$tmp/printed.yaml" "$tmp/out" | sed 's/^/    /'
	fi
}
round_trip default
for f in x86_64 i386-highmem embedded-mmz; do
	round_trip "$f" "$root/config/$f.yaml"
done

# ---- bad layouts: exit 1, one "file:line:col: key: message" line each
cat >"$tmp/parse.yaml" <<'EOF'
machine:
  name: box
  colour: red
  cpus: four
zones:
  - {name: DMA, start: 0, end: 16MB}
EOF
run "parse errors" 1 --check-config "$tmp/parse.yaml" &&
	expect "parse errors" "$tmp/err" \
		"$tmp/parse.yaml:3:3: machine.colour: unknown key (machine takes name, arch, page_size, cpus, memory, seed)
$tmp/parse.yaml:4:9: machine.cpus: 'four' is not a whole number
$tmp/parse.yaml:6:32: zones[0].end: '16MB' is not a size (a whole number of bytes, 0x hex, or with K, M, G, T, KiB, MiB, GiB, TiB)"

cat >"$tmp/rules.yaml" <<'EOF'
machine:
  arch: i386
  memory: 512M
  cpus: 0
mmz:
  - {name: video, start: 256M, size: 128M}
  - {name: video, start: 300M, size: 16M}
devices:
  - {name: uart0, start: 0x10000000, size: 4K}
EOF
run "rule errors" 1 --check-config "$tmp/rules.yaml" &&
	expect "rule errors" "$tmp/err" \
		"$tmp/rules.yaml:4:9: machine.cpus: zero CPUs; a machine needs one
$tmp/rules.yaml:7:12: mmz[1].name: a second region named 'video'
$tmp/rules.yaml:7:26: mmz[1].start: the region overlaps mmz[0] 'video'
$tmp/rules.yaml:9:26: devices[0].start: the region overlaps RAM; a device must sit in a hole or above memory"

printf 'machine:\n  arch: x86_64\nkernel:\n  thread_size: 12K\n' >"$tmp/stack.yaml"
run "thread_size not a power of two" 1 --check-config "$tmp/stack.yaml" &&
	expect "thread_size not a power of two" "$tmp/err" \
		"$tmp/stack.yaml:4:16: kernel.thread_size: thread_size 12K is not a power of two"
sed -i 's/12K/128K/' "$tmp/stack.yaml"
run "thread_size past 64K" 1 --check-config "$tmp/stack.yaml" &&
	expect "thread_size past 64K" "$tmp/err" \
		"$tmp/stack.yaml:4:16: kernel.thread_size: thread_size 128K is outside 4K..64K"
sed -i 's/128K/32K/' "$tmp/stack.yaml"
run "thread_size 32K, KASAN's x86_64 stack" 0 --check-config "$tmp/stack.yaml" &&
	pass "thread_size 32K, KASAN's x86_64 stack"

printf 'machine:\n\tname: box\n' >"$tmp/tab.yaml"
run "syntax error" 1 --check-config "$tmp/tab.yaml" &&
	expect "syntax error" "$tmp/err" \
		"$tmp/tab.yaml:2:1: syntax error: found character that cannot start any token (while scanning for the next token)"

run "missing file" 1 --check-config "$tmp/none.yaml" &&
	expect "missing file" "$tmp/err" \
		"$tmp/none.yaml: cannot read the layout: No such file or directory"

run "print bad layout" 1 --print-config "$tmp/rules.yaml" &&
	expect "print bad layout prints no YAML" "$tmp/out" ""
run "run bad layout" 1 --config "$tmp/rules.yaml" &&
	grep -q 'machine.cpus' "$tmp/err" && pass "run bad layout"

exit "$failed"
