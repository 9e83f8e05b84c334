#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/deb/install.sh - the Debian packages as an administrator meets
# them, in a clean Debian 12 root made by mmdebstrap: apt-get install
# ./*.deb pulls in what they depend on; the files, the conffile, the user
# from sysusers and the enabled socket are there; an edited
# /etc/mmd/mmd.yaml survives an upgrade to a newer build (a conffile);
# the installed mmd boots the installed layout and mmctl reads it, the
# installed Python package imports and talks to it, the installed mmweb
# serves its page and the machine's numbers from it; a purge leaves no
# file of the packages behind.
#   usage: sh tests/deb/install.sh DEB_DIR   (make deb-check)
# Needs root and mmdebstrap; the root reaches the same package archive
# as the host. Prints "PASS: name", "FAIL: name" or "SKIP: name (why)";
# exits 1 on any failure. Must never: touch the host's packages, or leave
# its root or a process behind.
set -u
debs=$(cd "${1:?usage: install.sh DEB_DIR}" && pwd)
failed=0
pass() { echo "PASS: $1"; }
fail() {
	echo "FAIL: $1"
	failed=1
}
same() {
	if [ "$2" = "$3" ]; then pass "$1"; else
		fail "$1"
		printf '    got:  %s\n    want: %s\n' "$2" "$3"
	fi
}

if [ "$(id -u)" -ne 0 ] || ! command -v mmdebstrap >/dev/null; then
	echo "SKIP: deb install test (needs root and mmdebstrap)"
	exit 0
fi
tmp=$(mktemp -d)
trap 'umount "$tmp/root/proc" 2>/dev/null; rm -rf "$tmp"' EXIT
R=$tmp/root
in_root() { chroot "$R" env DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"; }

# A minimal root (apt and its essentials) from the host's archive.
if ! mmdebstrap --quiet --variant=apt --mode=root --skip=cleanup/apt/lists bookworm "$R" \
	>"$tmp/strap.log" 2>&1; then
	fail "mmdebstrap: a clean Debian 12 root"
	tail -20 "$tmp/strap.log" | sed 's/^/    /'
	exit 1
fi
pass "mmdebstrap: a clean Debian 12 root"
mount -t proc proc "$R/proc"
in_root find / -xdev \( -path /proc -o -path /tmp -o -path /var/cache \
	-o -path /var/lib/apt/lists -o -path /var/log \) -prune -o -print |
	sort >"$tmp/before"

# apt inside the root reaches the archive by the host's resolver.
cp -L /etc/resolv.conf "$R/etc/resolv.conf" 2>/dev/null
mkdir -p "$R/debs"
pkgs="mmd mmd-tools libmmclient1 libmmclient-dev python3-mmclient mmweb"
for p in $pkgs; do cp "$debs/${p}_"*.deb "$R/debs/"; done
if in_root sh -c 'apt-get install -y -q ./debs/*.deb' >"$tmp/apt.log" 2>&1; then
	pass "apt-get install ./*.deb: the six packages and their dependencies"
else
	fail "apt-get install ./*.deb"
	tail -20 "$tmp/apt.log" | sed 's/^/    /'
	exit 1
fi
same "installed: $pkgs" \
	"$(in_root dpkg-query -W -f '${Package} ${db:Status-Status}\n' $pkgs | tr '\n' ' ')" \
	"libmmclient-dev installed libmmclient1 installed mmd installed mmd-tools installed mmweb installed python3-mmclient installed "
same "conffile: /etc/mmd/mmd.yaml" \
	"$(in_root dpkg-query -W -f '${Conffiles}' mmd | awk '{ print $1 }' | tr -d '\n')" \
	"/etc/mmd/mmd.yaml"
same "sysusers: the system user mmd exists" \
	"$(in_root getent passwd mmd | cut -d: -f1,7)" "mmd:/usr/sbin/nologin"
same "mmd.socket is enabled (sockets.target wants it)" \
	"$(readlink "$R/etc/systemd/system/sockets.target.wants/mmd.socket")" \
	"/lib/systemd/system/mmd.socket"
same "mmd.service is not enabled: the socket starts it" \
	"$(ls "$R/etc/systemd/system/multi-user.target.wants/" 2>/dev/null | grep -c '^mmd')" 0
same "mmweb.service is enabled (multi-user.target wants it)" \
	"$(readlink "$R/etc/systemd/system/multi-user.target.wants/mmweb.service")" \
	"/lib/systemd/system/mmweb.service"
same "mmweb(1) is installed" "$(ls "$R/usr/share/man/man1/mmweb.1.gz")" \
	"$R/usr/share/man/man1/mmweb.1.gz"
same "python3-mmclient: the example is in /usr/share/doc" \
	"$(ls "$R/usr/share/doc/python3-mmclient/examples/")" "memory_over_time.py"
same "libmmclient.so.1 is known to the dynamic linker" \
	"$(in_root ldconfig -p | grep -c 'libmmclient.so.1 ')" 1
same "pkg-config finds mmclient with mm's version" \
	"$(in_root sh -c 'apt-get install -y -q pkgconf >/dev/null 2>&1; pkg-config --modversion mmclient')" \
	"$(sed -n 's/^.define MMC_VERSION[[:space:]]*"\(.*\)"$/\1/p' "$R/usr/include/mmclient.h")"

# The installed mmd on the installed layout, read by the installed mmctl.
in_root sh -c 'mmd --foreground --config /etc/mmd/mmd.yaml --socket /tmp/m.sock \
	>/tmp/mmd.log 2>&1 & echo $! >/tmp/mmd.pid; for i in $(seq 50); do
	[ -S /tmp/m.sock ] && break; sleep 0.1; done'
same "installed mmd boots /etc/mmd/mmd.yaml: mmctl meminfo says 1 GiB" \
	"$(in_root mmctl -s /tmp/m.sock --json meminfo | sed -n 's/.*"mem_total": *\([0-9]*\).*/\1/p')" \
	1015360

# The installed Python package, on Debian's python3 and python3-protobuf.
same "python3 -c 'import mmclient': the package's MemTotal from the installed mmd" \
	"$(in_root python3 -c 'import mmclient
m = mmclient.Machine("/tmp/m.sock")
print(m.meminfo()["MemTotal"])' 2>&1)" 1015360

# The installed mmweb on the installed mmd: its page, and the machine's
# MemTotal in the first event of its stream.
in_root sh -c 'mmweb --socket /tmp/m.sock --listen 127.0.0.1:18080 \
	>/tmp/mmweb.log 2>&1 & echo $! >/tmp/mmweb.pid'
get() {
	in_root python3 -c 'import sys, time, urllib.request
for i in range(50):
    try:
        r = urllib.request.urlopen("http://127.0.0.1:18080" + sys.argv[1], timeout=5)
        break
    except OSError:
        time.sleep(0.1)
print(r.status, r.headers.get_content_type())
if sys.argv[1] != "/events":
    print(r.read().decode(errors="replace"))
for line in r if sys.argv[1] == "/events" else []:
    if b"MemTotal" in line:
        print(line.decode(errors="replace").replace("\\n", "\n"))
        break' "$1" 2>&1
}
same "mmweb serves its page from /usr/share/mm/www" \
	"$(get / | sed -n '1p;/<title>/p' | tr -s ' ' | tr '\n' '|')" \
	"200 text/html|$(grep '<title>' "$R/usr/share/mm/www/index.html" | tr -s ' ')|"
same "mmweb's stream carries the installed mmd's MemTotal" \
	"$(get /events | grep -o 'MemTotal: *[0-9]*' | head -1 | tr -s ' ')" \
	"MemTotal: 1015360"
in_root sh -c 'kill $(cat /tmp/mmweb.pid); mmctl -s /tmp/m.sock shutdown; sleep 0.5'

# ---- upgrade: the administrator's edit of the conffile is kept
printf '# edited by the administrator\n' >>"$R/etc/mmd/mmd.yaml"
sum=$(md5sum <"$R/etc/mmd/mmd.yaml")
v=$(dpkg-deb -f "$debs"/mmd_*.deb Version)
mkdir -p "$tmp/up"
for d in "$R"/debs/*.deb; do
	p=$(dpkg-deb -f "$d" Package)
	dpkg-deb -R "$d" "$tmp/up/$p"
	sed -i "s/^Version: .*/Version: $v+up1/; s/(= $v)/(= $v+up1)/" \
		"$tmp/up/$p/DEBIAN/control"
	# The new version ships a changed default: dpkg must keep the
	# administrator's file and put the new one beside it.
	[ "$p" = mmd ] && printf '# the next release\n' >>"$tmp/up/$p/etc/mmd/mmd.yaml" &&
		(cd "$tmp/up/$p" && find . -path ./DEBIAN -prune -o -type f -print |
			sed 's|^\./||' | xargs md5sum >DEBIAN/md5sums)
	dpkg-deb -b "$tmp/up/$p" "$R/debs/up-$p.deb" >/dev/null
done
if in_root sh -c 'apt-get install -y -q -o Dpkg::Options::=--force-confold ./debs/up-*.deb' \
	>"$tmp/up.log" 2>&1; then
	pass "upgrade to $v+up1 with apt-get"
else
	fail "upgrade to $v+up1 with apt-get"
	tail -20 "$tmp/up.log" | sed 's/^/    /'
fi
same "upgrade: mmd is at $v+up1" \
	"$(in_root dpkg-query -W -f '${Version}' mmd)" "$v+up1"
same "upgrade: the edited /etc/mmd/mmd.yaml is kept, byte for byte" \
	"$(md5sum <"$R/etc/mmd/mmd.yaml")" "$sum"
same "upgrade: the new default is beside it (mmd.yaml.dpkg-dist)" \
	"$(tail -1 "$R/etc/mmd/mmd.yaml.dpkg-dist" 2>/dev/null)" "# the next release"

# ---- purge: nothing of the packages is left
in_root sh -c "apt-get purge -y -q $pkgs" \
	>"$tmp/purge.log" 2>&1 || fail "apt-get purge"
same "purge: no package left" \
	"$(in_root dpkg-query -W -f '${db:Status-Status}\n' $pkgs 2>/dev/null | grep -vc not-installed)" 0
rm -rf "$R/debs" "$R/tmp/"*
in_root find / -xdev \( -path /proc -o -path /tmp -o -path /var/cache \
	-o -path /var/lib/apt/lists -o -path /var/log \) -prune -o -print |
	sort >"$tmp/after"
# What purge may leave: the packages pulled in as dependencies (apt does
# not remove them), systemd's state, and the mmd user (Debian keeps
# system users: their uid may own files).
left=$(comm -13 "$tmp/before" "$tmp/after" | grep -i 'mm\(d\|client\|ctl\|web\)\|/mm/\|/mm$' |
	grep -v '^/var/lib/systemd/deb-systemd-helper' )
same "purge: no file of mm is left" "$left" ""
exit $failed
