#!/bin/sh
# SPDX-License-Identifier: MIT
# mmctl_options.sh - mmctl used as procps is: getopt_long's forms (-sPATH,
# --socket=PATH, bundles, options after the command, --), vmstat's rates
# in procps' layout, watch -d's marks and terminfo's sequences in a
# pseudo-terminal (none for TERM=dumb or a pipe), top's sort keys, and
# the fixes: --json for help and --version and an error for top, --input
# of the host's /proc/self/status, the man page's JSON quotes, map into a
# missing directory, mmd as a normal user, completion of --input.
#   usage: MMD=build/test/mmd sh tests/integration/mmctl_options.sh
# Prints "PASS: name" or "FAIL: name" per check; exits 1 on any failure.
# Must never: leave a daemon or a client running.
set -u
MMD=${MMD:-build/test/mmd}
bin=$(dirname "$MMD")
MMCTL=$bin/mmctl
EXAMPLE=$bin/mmc-example
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/daemon.sh"

start_mmd opt --config "$root/config/mmd.yaml" || exit 1
opt=$mmd_pid
s=$tmp/opt.sock
$MMCTL -s "$s" meminfo >"$tmp/want"

# ---- getopt_long: every way of giving the socket reads the same report
for form in "-s $s meminfo" "-s$s meminfo" "--socket=$s meminfo" \
	"--socket $s meminfo" "meminfo -s $s" "meminfo --socket=$s" \
	"-- meminfo" "meminfo --"; do
	# shellcheck disable=SC2086
	MMD_SOCKET=$s $MMCTL $form >"$tmp/got" 2>&1
	same "options: mmctl $(echo "$form" | sed "s|$s|SOCK|g")" \
		"$(cmp -s "$tmp/got" "$tmp/want" && echo same)" same
done
same "options: --json after the command (meminfo --json)" \
	"$($MMCTL meminfo --json -s "$s" | jq -r '.mem_total | type')" number
same "options: bundled -js PATH" \
	"$($MMCTL -js "$s" meminfo | jq -r '.mem_total | type')" number
same "options: bundled after the command (-js PATH)" \
	"$($MMCTL meminfo -js "$s" | jq -r '.mem_total | type')" number
status "options: an unknown option after the command: exit 2" 2 \
	"unknown option '-x'" $MMCTL -s "$s" meminfo -x
status "options: -s without its PATH: exit 2" 2 '-s needs an argument' \
	$MMCTL -s
status "options: a command's own option bundled (top -bn1)" 0 \
	'^mmctl top - laptop' $MMCTL -s "$s" top -bn1
status "options: after -- an option is an operand" 2 \
	"takes no arguments" $MMCTL -s "$s" meminfo -- --json

# ---- --json where there is no report: JSON, or an error
same "--json --version: a JSON document" \
	"$($MMCTL --json --version | jq -r '"\(.mmctl) \(.protocol)"')" \
	"$($MMCTL --version | sed 's/^mmctl \([^ ]*\) (protocol \(.*\))$/\1 \2/')"
same "--json help: every command, as JSON" \
	"$($MMCTL --json help | jq -r '.[] | select(.name == "check") | "\(.args)|\(.admin)"')" \
	"|true"
same "--json help COMMAND: one object" \
	"$($MMCTL --json help vmstat | jq -r .args)" "[DELAY [COUNT]]"
status "--json top: exit 2, no text" 2 'top draws a screen, not JSON' \
	$MMCTL -s "$s" --json top -n 1
same "--json top: nothing on stdout" "$(cat "$tmp/out")" ""

# ---- vmstat DELAY COUNT: procps' header and one line per interval
"$EXAMPLE" -s "$s" -w 30 -p 8 >"$tmp/held" 2>&1 &
holder=$!
pids="$pids $holder"
wait_for "$tmp/held" '^holding'
$MMCTL -s "$s" vmstat 0.2 3 >"$tmp/vmstat"
same "vmstat 0.2 3: procps' two header lines" \
	"$(head -2 "$tmp/vmstat" | awk '{ print $1 }' | tr '\n' ' ')$(sed -n 2p "$tmp/vmstat" | awk '{ print $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 }')" \
	"procs r r b swpd free buff cache si so bi bo"
same "vmstat 0.2 3: three lines of 14 numbers" \
	"$(tail -n +3 "$tmp/vmstat" | awk 'NF == 14 && $0 ~ /^[ 0-9]+$/' | wc -l)" 3
same "vmstat: free is meminfo's MemFree, r the processes" \
	"$(sed -n 3p "$tmp/vmstat" | awk '{ print $1, $4 }')" \
	"2 $($MMCTL -s "$s" --json meminfo | jq .mem_free)"
status "vmstat 0: exit 2" 2 'is not a number of seconds' \
	$MMCTL -s "$s" vmstat 0
status "vmstat 1 0: exit 2" 2 'is not a COUNT' $MMCTL -s "$s" vmstat 1 0
status "vmstat --json 1: exit 2, rates are text" 2 'rates are text' \
	$MMCTL -s "$s" --json vmstat 1
status "vmstat alone: the report, as before" 0 '^nr_free_pages [0-9]+$' \
	$MMCTL -s "$s" vmstat

# ---- the terminal: terminfo's sequences on a terminal, none elsewhere
if command -v script >/dev/null; then
	# A client comes, holds memory for 3 s and goes while watch takes a
	# frame every 2 s for 6 s: MemFree moves between two of them however
	# late the client starts (its arrival or its exit is seen).
	( sleep 0.3; "$EXAMPLE" -c watched -s "$s" -w 3 -p 4 >/dev/null 2>&1 ) &
	TERM=xterm script -qec "$MMCTL -s $s watch -d -n 4 meminfo 2" \
		/dev/null >"$tmp/pty" 2>&1
	wait $!
	same "watch -d: changed fields in standout (xterm's smso)" \
		"$(grep -c "$(printf '\033\\[7m')" "$tmp/pty" | awk '{ print ($1 > 0) }')" 1
	TERM=dumb script -qec "$MMCTL -s $s top -n 1" /dev/null >"$tmp/pty" 2>&1
	same "top with TERM=dumb: plain text, no escape" \
		"$(grep -c "$(printf '\033')" "$tmp/pty") $(grep -c '^mmctl top - laptop' "$tmp/pty")" \
		"0 1"
	TERM=xterm script -qec "$MMCTL -s $s top -n 1" /dev/null >"$tmp/pty" 2>&1
	same "top on xterm: bold and reverse from terminfo" \
		"$(grep -c "$(printf '\033\\[1m')" "$tmp/pty" | awk '{ print ($1 > 0) }') $(grep -c "$(printf '\033\\[7mmmctl top')" "$tmp/pty")" \
		"1 1"
else
	fail "terminal: script(1) is missing"
fi
TERM=xterm $MMCTL -s "$s" top -n 1 >"$tmp/pipe"
same "top into a pipe: no escape" "$(grep -c "$(printf '\033')" "$tmp/pipe")" 0

# ---- top --sort: slabtop's keys
$MMCTL -s "$s" top -b -n 1 --sort=s | sed -n '/^CACHE/,/^$/p' | sed '1d;/^$/d' >"$tmp/bysize"
same "top --sort=s: caches by object size, largest first" \
	"$(awk '{ print $4 }' "$tmp/bysize" | sort -c -rn 2>&1 && echo sorted)" sorted
$MMCTL -s "$s" top -b -n 1 -o n | sed -n '/^CACHE/,/^$/p' | sed '1d;/^$/d' >"$tmp/byname"
same "top -o n: caches by name" \
	"$(awk '{ print $1 }' "$tmp/byname" | LC_ALL=C sort -c 2>&1 && echo sorted)" sorted
status "top --sort=x: exit 2, the keys" 2 'one of abclnops' \
	$MMCTL -s "$s" top --sort=x

# ---- --input of the host's own /proc/self/status: every key, in
# snake_case as mmd's Status; masks stay strings
cat /proc/self/status >"$tmp/self.status"
$MMCTL --json --input "$tmp/self.status" status 1 >"$tmp/self.json"
same "--input /proc/self/status: every key of the real file, in snake_case" \
	"$(python3 -c 'import json, re, sys
keys = [l.split(":")[0] for l in open(sys.argv[1]) if l.strip()]
snake = [re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", k).lower() for k in keys]
print(len(keys), len(set(snake)), sorted(snake) == sorted(json.load(open(sys.argv[2]))))' "$tmp/self.status" "$tmp/self.json")" \
	"$(grep -c . "$tmp/self.status") $(grep -c . "$tmp/self.status") True"
same "--input /proc/self/status: Umask as written (0022 stays 0022)" \
	"$(jq -r '.umask | type' "$tmp/self.json") $(jq -r .umask "$tmp/self.json")" \
	"string $(sed -n 's/^Umask:[[:space:]]*//p' "$tmp/self.status")"
same "--input /proc/self/status: SigBlk keeps its 16 hex digits" \
	"$(jq -r '.sig_blk | length' "$tmp/self.json")" 16
same "--input /proc/self/status: Cpus_allowed is a hex mask, a string as written" \
	"$(jq -r '.cpus_allowed | type' "$tmp/self.json") $(jq -r .cpus_allowed "$tmp/self.json")" \
	"string $(sed -n 's/^Cpus_allowed:[[:space:]]*//p' "$tmp/self.status")"
same "--input /proc/self/status: a count is still a number, kB as numbers" \
	"$(jq -c '[(.threads | type), (.vm_rss | type), .p_pid == '"$(sed -n 's/^PPid:[[:space:]]*//p' "$tmp/self.status")"']' "$tmp/self.json")" \
	'["number","number",true]'

# ---- map into a missing directory: the system's words, the directory
status "map --output into a missing directory: names it" 1 \
	"cannot write $tmp/no/dir/m.png: $tmp/no/dir: No such file or directory" \
	$MMCTL -s "$s" map --output "$tmp/no/dir/m.png"

# ---- mmctl(1): the JSON examples keep their quotes
if command -v man >/dev/null; then
	same "mmctl(1): slabinfo's JSON example has its quotes" \
		"$(MANWIDTH=200 man -l "$root/docs/mmctl.1" 2>/dev/null | grep -c '{"version": "2.1", "caches": \[ ... \]}')" 1
else
	fail "mmctl(1): man is missing"
fi

# ---- bash completion knows --input
same "completion: --input" \
	"$(bash -c '. "$1"; COMP_WORDS=(mmctl --in); COMP_CWORD=1; _mmctl; echo "${COMPREPLY[*]}"' - "$root/completion/mmctl.bash")" \
	"--input"
same "completion: a file after --input" \
	"$(cd "$root" && bash -c '. "$1"; COMP_WORDS=(mmctl --input LICEN); COMP_CWORD=2; _mmctl; echo "${COMPREPLY[*]}"' - "$root/completion/mmctl.bash")" \
	"LICENSE"

# ---- mmd as a normal user, with the default socket: what to do
if [ "$(id -u)" -eq 0 ] && id nobody >/dev/null 2>&1; then
	chmod 755 "$tmp"
	cp "$MMD" "$tmp/mmd-user"
	chmod 755 "$tmp/mmd-user"
	sed 's|^machine:|daemon:\n  socket: /run/mmd-test-user/mmd.sock\nmachine:|' \
		"$root/config/mmd.yaml" >"$tmp/user.yaml"
	chmod 644 "$tmp/user.yaml"
	su nobody -s /bin/sh -c "ASAN_OPTIONS=detect_leaks=0 $tmp/mmd-user --foreground --config $tmp/user.yaml" \
		>"$tmp/user.log" 2>&1
	same "mmd as a normal user: exit 1" "$?" 1
	same "mmd as a normal user: names the directory and suggests --socket" \
		"$(grep -c 'cannot make /run/mmd-test-user, the directory of the socket /run/mmd-test-user/mmd.sock: Permission denied' "$tmp/user.log") $(grep -c 'with --socket PATH' "$tmp/user.log")" \
		"1 1"
else
	echo "SKIP: mmd as a normal user (needs root to become nobody)"
fi

kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
forget "$holder"
stop_mmd opt "$opt"
exit $failed
