#!/bin/sh
# SPDX-License-Identifier: MIT
# layers.sh - the borders between the parts of mm (docs: README.md, "A
# short tour"), checked on the sources and on the test build's objects:
#
#   core/    includes core/ and the C library alone, and calls nothing
#            else: all of core links into a program with libc and libm
#            and nothing more.
#   client/  (libmmclient, mmctl, mmc) includes client/ and proto/ alone,
#            and calls no function of core/ or daemon/: it reaches the
#            machine over the wire only.
#   proto/   includes proto/ alone, so that what includes it (client/)
#            reaches nothing more through it.
#   daemon/  includes core through core/api.h alone: the calls it may
#            make into the machine are those that header names.
#   tools/   includes no daemon header but daemon/replay.h, the daemon's
#            one door for a replay.
#
#   usage: mk/layers.sh includes
#          mk/layers.sh core 'CC FLAGS' CORE_ARCHIVE
#          mk/layers.sh client CLIENT_OBJ... -- FORBIDDEN_OBJ...
# (FORBIDDEN_OBJ: core's and the daemon's objects; CLIENT_OBJ: client's
# and proto's, whose symbols client may use.) Prints one line per breach,
# "layers: FILE:LINE: what, and the rule", and exits 1 on any; silent and
# 0 otherwise. Must never: write anywhere but its temporary directory, or
# judge a file outside the folders above.
set -u
cd "$(dirname "$0")/.." || exit 2
export LC_ALL=C # sort and join must agree on the order

# The C library's headers (C11, POSIX and glibc's own): all that core may
# include with <...>. Anything else (uv.h, yaml.h, systemd/..., protobuf-c/
# ...) is a library core must not need.
LIBC_HEADERS=' assert.h complex.h ctype.h errno.h fenv.h float.h inttypes.h
iso646.h limits.h locale.h math.h setjmp.h signal.h stdalign.h stdarg.h
stdatomic.h stdbool.h stddef.h stdint.h stdio.h stdlib.h stdnoreturn.h
string.h tgmath.h threads.h time.h uchar.h wchar.h wctype.h aio.h
arpa/inet.h cpio.h dirent.h dlfcn.h fcntl.h fnmatch.h ftw.h glob.h grp.h
iconv.h langinfo.h libgen.h monetary.h netdb.h net/if.h netinet/in.h
netinet/tcp.h nl_types.h poll.h pthread.h pwd.h regex.h sched.h search.h
semaphore.h spawn.h strings.h syslog.h tar.h termios.h unistd.h utime.h
utmpx.h wordexp.h alloca.h byteswap.h endian.h err.h error.h execinfo.h
features.h getopt.h malloc.h memory.h paths.h sysexits.h '
# One line, a space either side: " name " finds a name.
LIBC_HEADERS=" $(printf '%s' "$LIBC_HEADERS" | tr '\n' ' ') "

# Each check prints its breaches, one line each; the lines are the
# verdict (the checks run in pipelines, whose variables are lost).
breach() { # FILE:LINE MESSAGE
	echo "layers: $1: $2"
}

# The source an object of the build was compiled from.
source_of() { # OBJ
	for d in core daemon client proto config tools; do
		case $1 in
		*/$d/*)
			s=${1##*/"$d"/}
			echo "$d/${s%.o}.c"
			return
			;;
		esac
	done
	echo "$1"
}

# Every #include of the folder's C files: "FILE:LINE:<h>" or 'FILE:LINE:"h"'.
includes_of() {
	find "$1" -name '*.[ch]' -type f | sort |
		xargs -r grep -HnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' |
		sed -E 's/^([^:]*:[0-9]*):[[:space:]]*#[[:space:]]*include[[:space:]]*([<"][^>"]*[>"]).*/\1:\2/'
}

check_includes() {
	includes_of core | while IFS= read -r l; do
		where=${l%:*} h=${l##*:}
		case $h in
		'"core/'*) ;;
		'"'*) breach "$where" "#include $h: core/ includes only core/ headers and the C library's; what it needs from above is passed in (a layout struct, callbacks), never included" ;;
		'<'*)
			name=${h#<}
			name=${name%>}
			case $LIBC_HEADERS in
			*" $name "*) ;;
			*) case $name in
				sys/*) ;;
				*) breach "$where" "#include $h: core/ uses the C library alone, no other library" ;;
				esac ;;
			esac
			;;
		esac
	done
	includes_of client | while IFS= read -r l; do
		where=${l%:*} h=${l##*:}
		case $h in
		'"client/'* | '"proto/'* | '<'*) ;;
		*) breach "$where" "#include $h: client/ includes only client/ and proto/: it reaches the machine over the wire, never into core/ or daemon/" ;;
		esac
	done
	includes_of proto | while IFS= read -r l; do
		where=${l%:*} h=${l##*:}
		case $h in
		'"proto/'* | '<'*) ;;
		*) breach "$where" "#include $h: proto/ includes only proto/: client/ includes it, and must reach nothing more through it" ;;
		esac
	done
	includes_of daemon | while IFS= read -r l; do
		where=${l%:*} h=${l##*:}
		case $h in
		'"core/api.h"') ;;
		'"core/'*) breach "$where" "#include $h: daemon/ reaches core through core/api.h alone, which names every call it may make" ;;
		esac
	done
	includes_of tools | while IFS= read -r l; do
		where=${l%:*} h=${l##*:}
		case $h in
		'"daemon/replay.h"') ;;
		'"daemon/'*) breach "$where" "#include $h: tools/ reaches the daemon through daemon/replay.h only, not its internals" ;;
		esac
	done
}

# Every object of core in one program, with libc and libm alone: a call
# to anything else is an undefined reference, which ld names with the
# source line (the objects carry debug information).
check_core() {
	cc=$1 archive=$2
	tmp=$(mktemp -d)
	printf 'int main(void) { return 0; }\n' >"$tmp/main.c"
	# shellcheck disable=SC2086
	if ! $cc -o "$tmp/core-alone" "$tmp/main.c" -Wl,--whole-archive \
		"$archive" -Wl,--no-whole-archive -lm >"$tmp/ld.out" 2>&1; then
		sed -n "s/^\(.*[ /]\)*\(core\/[^ :]*\.[ch]:[0-9]*\):.*undefined reference to \`\(.*\)'$/\2 \3/p" \
			"$tmp/ld.out" | sort -u >"$tmp/undefined"
		while read -r where sym; do
			breach "$where" "calls $sym, which is neither core's nor the C library's: core/ calls nothing above it and no other library"
		done <"$tmp/undefined"
		if [ ! -s "$tmp/undefined" ]; then
			echo "layers: core does not link alone with the C library:"
			sed 's/^/    /' "$tmp/ld.out"
		fi
	fi
	rm -rf "$tmp"
}

# The functions and data client's objects use but do not define, against
# what core's and the daemon's objects define.
check_client() {
	tmp=$(mktemp -d)
	: >"$tmp/own.objs"
	: >"$tmp/forbidden.objs"
	list=$tmp/own.objs
	for o; do
		if [ "$o" = -- ]; then
			list=$tmp/forbidden.objs
			continue
		fi
		echo "$o" >>"$list"
	done
	defined() { # OBJ...: "SYMBOL OBJ" for each global definition
		for o; do
			nm -P --defined-only --extern-only "$o" |
				awk -v o="$o" '{ print $1, o }'
		done
	}
	# shellcheck disable=SC2046
	defined $(cat "$tmp/own.objs") | awk '{ print $1 }' | sort -u >"$tmp/own"
	# shellcheck disable=SC2046
	defined $(cat "$tmp/forbidden.objs") | sort -u -k1,1 >"$tmp/forbidden"
	while read -r o; do
		case $o in
		*/client/*) ;;
		*) continue ;; # proto's: client may use them, they are not client
		esac
		src=$(source_of "$o")
		nm -P --undefined-only "$o" | awk '{ print $1 }' | sort -u |
			join -v1 - "$tmp/own" | join - "$tmp/forbidden" |
			while read -r sym def; do
				at=$(grep -nw -m1 -- "$sym" "$src" | cut -d: -f1)
				breach "$src:${at:-?}" "calls $sym, which $(source_of "$def") defines: client/ reaches core/ and daemon/ over the wire only"
			done
	done <"$tmp/own.objs"
	rm -rf "$tmp"
}

case ${1:-} in
includes)
	out=$(check_includes)
	;;
core)
	shift
	out=$(check_core "$@")
	;;
client)
	shift
	out=$(check_client "$@")
	;;
*)
	echo "usage: mk/layers.sh includes | core 'CC FLAGS' ARCHIVE | client OBJ... -- OBJ..." >&2
	exit 2
	;;
esac
[ -z "$out" ] && exit 0
echo "$out"
exit 1
