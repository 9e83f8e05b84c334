#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/deb/systemd.sh - the packages under a running systemd: a clean
# Debian 12 root (mmdebstrap) with systemd, the packages installed with
# apt-get, two users (alice in mmd's admin group, bob only in group
# mmd), booted with systemd-nspawn --boot. Inside, as the boot's last
# unit, tests/deb/inside.sh proves: socket activation (mmd not running
# until the first client), user mmd from sysusers, STATUS= in systemctl
# status, the admin model through the shipped unit (alice may, bob may
# not), reload refused cleanly, the watchdog killing a SIGSTOPped mmd
# while the socket keeps accepting, /run/mmd after the restart, the
# journal's priorities, a clean stop, two mmd@ machines side by side, and
# mmweb.service after mmd.socket serving its page.
#   usage: sh tests/deb/systemd.sh DEB_DIR   (make systemd-check)
# Needs root, mmdebstrap and systemd-nspawn, and a host where nspawn can
# boot a container; says SKIP, and why, where it cannot. Prints "PASS:
# name", "FAIL: name" or "SKIP: name (why)"; exits 1 on any failure.
# Must never: touch the host's systemd, or leave its root behind.
set -u
debs=$(cd "${1:?usage: systemd.sh DEB_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" -ne 0 ] || ! command -v mmdebstrap >/dev/null ||
	! command -v systemd-nspawn >/dev/null; then
	echo "SKIP: systemd-check (needs root, mmdebstrap and systemd-nspawn)"
	exit 0
fi
tmp=$(mktemp -d)
# KEEP_ROOT=1 keeps the booted root (its journal) for a look afterwards.
trap '[ -n "${KEEP_ROOT:-}" ] || rm -rf "$tmp"' EXIT
R=$tmp/root
in_root() { chroot "$R" env DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@"; }
started=$(date +%s)

if ! mmdebstrap --quiet --variant=apt --mode=root --skip=cleanup/apt/lists \
	--include=systemd,systemd-sysv,dbus,procps bookworm "$R" \
	>"$tmp/strap.log" 2>&1; then
	echo "FAIL: mmdebstrap: a Debian 12 root with systemd"
	tail -20 "$tmp/strap.log" | sed 's/^/    /'
	exit 1
fi
# apt inside the root reaches the archive by the host's resolver.
cp -L /etc/resolv.conf "$R/etc/resolv.conf" 2>/dev/null
mkdir -p "$R/debs"
cp "$debs"/mmd_*.deb "$debs"/mmd-tools_*.deb "$debs"/libmmclient1_*.deb \
	"$debs"/mmweb_*.deb "$R/debs/"
if ! in_root sh -c 'apt-get install -y -q ./debs/*.deb python3' >"$tmp/apt.log" 2>&1; then
	echo "FAIL: apt-get install ./*.deb in the root"
	tail -20 "$tmp/apt.log" | sed 's/^/    /'
	exit 1
fi
# mmweb.service is enabled by its package and would be mmd's first
# client at boot; the socket activation check needs mmd idle until its
# own first client, so mmweb waits for its own section (inside.sh).
in_root systemctl disable mmweb.service >/dev/null 2>&1

# The admin model: group mmadmin is mmd's admin_group; alice is in it,
# bob is not; both are in group mmd, which may use the socket.
in_root groupadd --system mmadmin
in_root useradd -m -G mmd,mmadmin alice
in_root useradd -m -G mmd bob
printf '\ndaemon:\n  admin_group: mmadmin\n' >>"$R/etc/mmd/mmd.yaml"
# Two lab machines for mmd@.
for m in lab1 lab2; do
	sed "s/^  name: laptop/  name: $m/" "$R/usr/share/mm/layouts/mmd.yaml" \
		>"$R/etc/mmd/$m.yaml"
done
# The check runs as the boot's last unit and powers the machine off.
install -m 755 "$here/inside.sh" "$R/usr/local/sbin/mm-systemd-check"
cat >"$R/etc/systemd/system/mm-systemd-check.service" <<'UNIT'
[Unit]
Description=mm's systemd check
After=multi-user.target
[Service]
Type=oneshot
ExecStart=/usr/local/sbin/mm-systemd-check
ExecStopPost=/bin/systemctl poweroff --no-block
StandardOutput=journal+console
[Install]
WantedBy=multi-user.target
UNIT
in_root systemctl enable mm-systemd-check.service >/dev/null 2>&1
in_root systemctl mask console-getty.service >/dev/null 2>&1

timeout 300 systemd-nspawn --quiet --directory="$R" --boot \
	--console=pipe --register=no --keep-unit --machine="mmcheck$$" >"$tmp/boot.log" 2>&1
rc=$?
if ! [ -s "$R/var/log/mm-systemd-check.log" ]; then
	echo "SKIP: systemd-check (systemd-nspawn --boot did not run the check here: exit $rc)"
	tail -15 "$tmp/boot.log" | sed 's/^/    /'
	exit 0
fi
cat "$R/var/log/mm-systemd-check.log"
echo "systemd-check: $(($(date +%s) - started)) s, the root's build included"
grep -q '^FAIL: ' "$R/var/log/mm-systemd-check.log" && exit 1
grep -q '^DONE$' "$R/var/log/mm-systemd-check.log" || {
	echo "FAIL: the check did not finish"
	exit 1
}
exit 0
