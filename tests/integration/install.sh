#!/bin/sh
# SPDX-License-Identifier: MIT
# install.sh - `make install` into a temporary DESTDIR: the tree it lays
# out (programs, the library with its version links, header, pkg-config
# file, units, layouts, man pages, completion, example), the systemd
# units verified by systemd-analyze, the man pages rendered without a
# warning, and the example client built against the installed header and
# mmclient.pc alone (shared and static), then run against the installed
# mmd and seen by the installed mmctl.
#   usage: MMD=build/test/mmd sh tests/integration/install.sh
# (MMD is unused: everything here is the installed copy.) Prints
# "PASS: name", "FAIL: name" or "SKIP: name (why)"; a skip is not a pass.
# Exits 1 on any failure. Must never: install outside its temporary
# directory or leave a daemon running.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/tests/lib/daemon.sh"

# A make of its own, not a part of the make that runs the tests, building
# into a directory of its own: nobody else's build can change what it
# installs. Both installs share it: the second one's PREFIX must still
# reach mmclient.pc.
install_to() { # DESTDIR PREFIX
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
		make -s -j4 -C "$root" B="$tmp/build" install DESTDIR="$1" \
		PREFIX="$2"
}

D=$tmp/root
if ! install_to "$D" /usr >"$tmp/install.log" 2>&1; then
	fail "make install DESTDIR=... PREFIX=/usr"
	tail -30 "$tmp/install.log" | sed 's/^/    /'
	exit 1
fi
pass "make install DESTDIR=... PREFIX=/usr"

# ---- the tree
missing=""
for f in usr/sbin/mmd usr/bin/mmctl usr/bin/mmtrace usr/bin/mmc \
	usr/share/mm/mm.proto usr/share/doc/mm/LICENSE \
	usr/share/doc/mm/README.md usr/share/doc/mm/protocol.md \
	usr/lib/systemd/system/mmd@.service usr/lib/systemd/system/mmd@.socket \
	usr/lib/libmmclient.so.1.0.0 \
	usr/lib/libmmclient.a usr/include/mmclient.h \
	usr/lib/pkgconfig/mmclient.pc usr/lib/systemd/system/mmd.service \
	usr/lib/systemd/system/mmd.socket usr/lib/sysusers.d/mmd.conf \
	etc/mmd/mmd.yaml usr/share/mm/layouts/x86_64.yaml \
	usr/share/mm/layouts/i386-highmem.yaml \
	usr/share/mm/layouts/embedded-mmz.yaml \
	usr/share/mm/layouts/x86_64-1t.yaml \
	usr/share/man/man1/mmctl.1 usr/share/man/man3/libmmclient.3 \
	usr/share/man/man5/mmd.yaml.5 usr/share/man/man8/mmd.8 \
	usr/share/bash-completion/completions/mmctl \
	usr/share/doc/mm/examples/mmc-example.c \
	usr/share/doc/mm/examples/Makefile \
	usr/share/doc/mm/examples/memory_over_time.py \
	usr/lib/python3/dist-packages/mmclient/__init__.py \
	usr/lib/python3/dist-packages/mmclient/machine.py \
	usr/lib/python3/dist-packages/mmclient/reports.py \
	usr/lib/python3/dist-packages/mmclient/mm_pb2.py \
	usr/lib/python3/dist-packages/mmclient/_ops.py; do
	[ -f "$D/$f" ] || missing="$missing $f"
done
same "install tree: every file in place" "$missing" ""
same "install tree: mmd, mmctl and the library executable, the rest not" \
	"$(cd "$D" && stat -c '%a %n' usr/sbin/mmd usr/bin/mmctl \
		usr/lib/libmmclient.so.1.0.0 usr/lib/libmmclient.a \
		usr/include/mmclient.h usr/lib/systemd/system/mmd.service \
		etc/mmd/mmd.yaml | tr '\n' ' ')" \
	"755 usr/sbin/mmd 755 usr/bin/mmctl 755 usr/lib/libmmclient.so.1.0.0 644 usr/lib/libmmclient.a 644 usr/include/mmclient.h 644 usr/lib/systemd/system/mmd.service 644 etc/mmd/mmd.yaml "
same "install tree: libmmclient.so -> .so.1 -> .so.1.0.0" \
	"$(readlink "$D/usr/lib/libmmclient.so") $(readlink "$D/usr/lib/libmmclient.so.1")" \
	"libmmclient.so.1 libmmclient.so.1.0.0"
same "install tree: the library's soname is libmmclient.so.1" \
	"$(readelf -d "$D/usr/lib/libmmclient.so.1.0.0" |
		sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')" libmmclient.so.1
same "install tree: the library exports mmc_* only" \
	"$(nm -D --defined-only "$D/usr/lib/libmmclient.so.1.0.0" |
		awk '$3 !~ /^mmc_/ && $2 != "A" { print $3 }')" ""
same "install tree: debian/libmmclient1.symbols lists every exported call" \
	"$(nm -D --defined-only "$D/usr/lib/libmmclient.so.1.0.0" |
		awk '$3 ~ /^mmc_/ { sub(/@.*/, "", $3); print $3 }' | sort -u | tr '\n' ' ')" \
	"$(sed -n 's/^ \(mmc_[a-z0-9_]*\)@.*/\1/p' "$root/debian/libmmclient1.symbols" |
		sort -u | tr '\n' ' ')"
same "install tree: mmclient.pc names /usr" \
	"$(grep -E '^(prefix|libdir|includedir)=' "$D/usr/lib/pkgconfig/mmclient.pc" | tr '\n' ' ')" \
	"prefix=/usr libdir=/usr/lib includedir=/usr/include "
same "install tree: /etc/mmd/mmd.yaml is the shipped default, config/mmd.yaml" \
	"$(cmp "$D/etc/mmd/mmd.yaml" "$root/config/mmd.yaml" && echo same)" same
same "install tree: the default machine has 1 GiB, not 16" \
	"$("$D/usr/sbin/mmd" --print-config "$D/etc/mmd/mmd.yaml" |
		sed -n 's/^ *memory: *\([^ ]*\).*/\1/p' | head -1)" 1G

# ---- one version everywhere: mmclient.h, mmd, mmctl, the .pc, the man
# pages and the Debian changelog.
v=$(sed -n 's/^#define MMC_VERSION[[:space:]]*"\(.*\)"$/\1/p' "$D/usr/include/mmclient.h")
same "one version: mmd --version, mmctl --version, mmclient.pc" \
	"$("$D/usr/sbin/mmd" --version) $("$D/usr/bin/mmctl" --version | cut -d' ' -f1-2) $(sed -n 's/^Version: //p' "$D/usr/lib/pkgconfig/mmclient.pc")" \
	"mmd $v mmctl $v $v"
same "one version: the man pages and debian/changelog" \
	"$(sed -n 's/^\.TH .*"mm \([^"]*\)".*/\1/p' "$D"/usr/share/man/man*/* | sort -u) $(sed -n '1s/.*(\(.*\)-[0-9]*).*/\1/p' "$root/debian/changelog")" \
	"$v $v"
for f in "$D"/etc/mmd/mmd.yaml "$D"/usr/share/mm/layouts/*.yaml; do
	check "installed mmd accepts ${f#"$D"}" "$D/usr/sbin/mmd" --check-config "$f"
done

# ---- the units
unit=$D/usr/lib/systemd/system
same "mmd.service: ExecStart runs the installed mmd on the installed layout" \
	"$(sed -n 's/^ExecStart=//p' "$unit/mmd.service")" \
	"/usr/sbin/mmd --foreground --config /etc/mmd/mmd.yaml"
lacks=""
for d in Type=notify WatchdogSec= Restart=on-failure User=mmd \
	RuntimeDirectory=mmd NoNewPrivileges=yes ProtectSystem=strict \
	ProtectHome=yes PrivateTmp=yes PrivateDevices=yes \
	MemoryDenyWriteExecute=yes RestrictAddressFamilies=AF_UNIX \
	SystemCallFilter=@system-service Requires=mmd.socket; do
	grep -q "^$d" "$unit/mmd.service" || lacks="$lacks $d"
done
same "mmd.service: notify, watchdog, restart, its user, the hardening" \
	"$lacks" ""
lacks=""
for d in ListenStream=/run/mmd/mmd.sock SocketMode=0660 SocketGroup=mmd; do
	grep -q "^$d\$" "$unit/mmd.socket" || lacks="$lacks $d"
done
same "mmd.socket: /run/mmd/mmd.sock, mode 0660, group mmd" "$lacks" ""
same "mmd@.service: NAME's layout, NAME's socket, no PrivateUsers=" \
	"$(sed -n 's/^ExecStart=//p' "$unit/mmd@.service") $(sed -n 's/^ListenStream=//p' "$unit/mmd@.socket") $(grep -c '^PrivateUsers=' "$unit/mmd.service" "$unit/mmd@.service" | cut -d: -f2 | tr '\n' ' ')" \
	"/usr/sbin/mmd --foreground --config /etc/mmd/%i.yaml /run/mmd/%i.sock 0 0 "
if command -v systemd-analyze >/dev/null; then
	# verify runs ExecStart's binary check on the host: point it at the
	# installed mmd; Documentation= man pages resolve in the installed
	# tree only.
	mkdir -p "$tmp/units"
	sed "s|^ExecStart=/usr/sbin/mmd|ExecStart=$D/usr/sbin/mmd|" \
		"$unit/mmd.service" >"$tmp/units/mmd.service"
	cp "$unit/mmd.socket" "$tmp/units/mmd.socket"
	# The templates, as an instance: mmd@lab1 boots /etc/mmd/lab1.yaml.
	sed "s|^ExecStart=/usr/sbin/mmd|ExecStart=$D/usr/sbin/mmd|" \
		"$unit/mmd@.service" >"$tmp/units/mmd@lab1.service"
	cp "$unit/mmd@.socket" "$tmp/units/mmd@lab1.socket"
	MANPATH=$D/usr/share/man systemd-analyze verify \
		"$tmp/units/mmd.service" "$tmp/units/mmd.socket" \
		"$tmp/units/mmd@lab1.service" "$tmp/units/mmd@lab1.socket" \
		>"$tmp/verify" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ] && ! [ -s "$tmp/verify" ]; then
		pass "systemd-analyze verify mmd.service mmd.socket mmd@lab1: clean"
	else
		fail "systemd-analyze verify mmd.service mmd.socket (exit $rc)"
		sed 's/^/    /' "$tmp/verify"
	fi
	# A unit with a mistake must not verify clean: the check can fail.
	sed 's/^Type=notify/Type=notifyy/' "$tmp/units/mmd.service" \
		>"$tmp/units/bad.service"
	MANPATH=$D/usr/share/man systemd-analyze verify \
		"$tmp/units/bad.service" >"$tmp/verify" 2>&1
	if [ -s "$tmp/verify" ]; then
		pass "systemd-analyze verify: a broken unit is reported"
	else
		fail "systemd-analyze verify: a broken unit is reported"
	fi
	if systemd-analyze security --offline=yes --threshold=20 \
		"$tmp/units/mmd.service" >"$tmp/security" 2>&1; then
		pass "systemd-analyze security: exposure $(sed -n 's/.*exposure level for mmd.service: \([0-9.]*\).*/\1/p' "$tmp/security") (at most 2.0)"
	else
		fail "systemd-analyze security: exposure above 2.0"
		tail -3 "$tmp/security" | sed 's/^/    /'
	fi
else
	skip "systemd-analyze verify (systemd-analyze is not installed)"
fi

# ---- man pages: they render without a warning, and man finds them
for page in man1/mmctl.1 man3/libmmclient.3 man5/mmd.yaml.5 man8/mmd.8; do
	if LC_ALL=C.UTF-8 groff -man -ww -z "$D/usr/share/man/$page" \
		>"$tmp/groff" 2>&1 && ! [ -s "$tmp/groff" ]; then
		pass "man page $page: no warning"
	else
		fail "man page $page: warnings"
		sed 's/^/    /' "$tmp/groff" | head -5
	fi
done
same "man finds mmctl(1) in the installed tree" \
	"$(MANPATH=$D/usr/share/man man -w mmctl 2>&1)" \
	"$D/usr/share/man/man1/mmctl.1"

same "mmd(8) names where the units are: /lib/systemd/system (Debian) and PREFIX/lib/systemd/system" \
	"$(MANWIDTH=200 man -l "$D/usr/share/man/man8/mmd.8" 2>/dev/null | grep -c '/lib/systemd/system/mmd.service, mmd.socket') $(MANWIDTH=200 man -l "$D/usr/share/man/man8/mmd.8" 2>/dev/null | grep -c 'PREFIX/lib/systemd/system')" \
	"1 1"
[ -f "$D/usr/lib/systemd/system/mmd.service" ] ||
	fail "the units are where mmd(8) says: PREFIX/lib/systemd/system"

# ---- bash completion
same "completion: the installed file completes mmctl" \
	"$(bash -c '. "$1"; complete -p mmctl' - \
		"$D/usr/share/bash-completion/completions/mmctl")" \
	"complete -F _mmctl mmctl"

# ---- the example, built from the installed tree alone
export PKG_CONFIG_PATH="$D/usr/lib/pkgconfig"
export PKG_CONFIG_SYSROOT_DIR="$D"
same "pkg-config --cflags --libs mmclient: the installed paths" \
	"$(pkg-config --cflags --libs mmclient | sed "s/ *$//")" \
	"-I$D/usr/include -L$D/usr/lib -lmmclient"
cp -r "$D/usr/share/doc/mm/examples" "$tmp/ex"
check "examples/Makefile: mmc-example against the installed header and .pc" \
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$tmp/ex"
check "examples/Makefile static: against libmmclient.a" \
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$tmp/ex" static
same "mmc-example needs libmmclient.so.1, the static one does not" \
	"$(readelf -d "$tmp/ex/mmc-example" | grep -c 'NEEDED.*libmmclient.so.1') $(readelf -d "$tmp/ex/mmc-example-static" | grep -c libmmclient)" \
	"1 0"
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR

# ---- run it against the installed mmd, seen by the installed mmctl
MMD=$D/usr/sbin/mmd start_mmd mmd \
	--config "$D/usr/share/mm/layouts/embedded-mmz.yaml"
mmd=$mmd_pid
s=$tmp/mmd.sock
LD_LIBRARY_PATH=$D/usr/lib "$tmp/ex/mmc-example" -s "$s" -p 4 -o 8 -m 64 \
	>"$tmp/ex.out" 2>&1
same "mmc-example (shared, from DESTDIR) runs against the installed mmd" \
	"$?:$(sed -n 's/^pid [0-9]* on \([^:]*\): .*/\1/p' "$tmp/ex.out")" \
	"0:embedded-mmz (i386)"
LD_LIBRARY_PATH=$D/usr/lib "$tmp/ex/mmc-example" -c shared-ex -s "$s" -w 30 \
	>"$tmp/ex2.out" 2>&1 &
ex=$!
pids="$pids $ex"
wait_for "$tmp/ex2.out" '^holding'
same "installed mmctl: ps shows the example holding 15 pages" \
	"$("$D/usr/bin/mmctl" -s "$s" ps | awk '$10 == "shared-ex" { print $8 }')" 15
"$tmp/ex/mmc-example-static" -s "$s" -o 4 >"$tmp/ex3.out" 2>&1
same "mmc-example (static) runs against the installed mmd" \
	"$?:$(sed -n 's/^pid [0-9]* on \([^:]*\): .*/\1/p' "$tmp/ex3.out")" \
	"0:embedded-mmz (i386)"
same "installed mmclient (Python): a session on the installed mmd" \
	"$(PYTHONPATH=$D/usr/lib/python3/dist-packages /usr/bin/python3 -c \
		'import sys, mmclient
with mmclient.Machine(sys.argv[1]) as m:
    print(m.info.machine, m.info.arch, m.meminfo().mem_total > 0)' "$s" 2>&1)" \
	"embedded-mmz i386 True"
check "installed mmctl: check is consistent" "$D/usr/bin/mmctl" -s "$s" check
check "installed mmctl: shutdown" "$D/usr/bin/mmctl" -s "$s" shutdown
wait "$mmd"
same "installed mmd: exits 0 after the shutdown" "$?" 0
wait "$ex" 2>/dev/null
same "the holding example heard of the shutdown" \
	"$(grep -c '^event: shutting down' "$tmp/ex2.out")" 1

# ---- make uninstall takes back every file install laid out
env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$root" B="$tmp/build" \
	uninstall DESTDIR="$D" PREFIX=/usr >"$tmp/uninstall.log" 2>&1 ||
	fail "make uninstall"
same "make uninstall: no file is left" "$(find "$D" ! -type d)" ""

# ---- another PREFIX: the paths follow it
install_to "$tmp/opt" /opt/mm >"$tmp/install.log" 2>&1 ||
	fail "make install PREFIX=/opt/mm"
same "PREFIX=/opt/mm: mmclient.pc, the unit and the files follow" \
	"$(sed -n 's/^prefix=//p' "$tmp/opt/opt/mm/lib/pkgconfig/mmclient.pc") $(sed -n 's/^ExecStart=\([^ ]*\) .*/\1/p' "$tmp/opt/opt/mm/lib/systemd/system/mmd.service") $(ls "$tmp/opt/opt/mm/bin")" \
	"/opt/mm /opt/mm/sbin/mmd mmc
mmctl
mmtrace
mmweb"
same "PREFIX=/opt/mm: mmweb, its unit, page and scenario programs follow" \
	"$(sed -n 's/^ExecStart=\([^ ]*\) .*/\1/p' "$tmp/opt/opt/mm/lib/systemd/system/mmweb.service") $(ls "$tmp/opt/opt/mm/share/mm/www" "$tmp/opt/opt/mm/lib/mm" | xargs)" \
	"/opt/mm/bin/mmweb $tmp/opt/opt/mm/lib/mm: mmc mmc-example $tmp/opt/opt/mm/share/mm/www: index.html mmweb.css mmweb.js"
strings "$tmp/opt/opt/mm/bin/mmweb" | grep -qx /opt/mm/share/mm/www &&
	pass "PREFIX=/opt/mm: mmweb looks for its page there" ||
	fail "PREFIX=/opt/mm: mmweb's page path"

exit $failed
