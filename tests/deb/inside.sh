#!/bin/sh
# SPDX-License-Identifier: MIT
# tests/deb/inside.sh - run by systemd inside the root tests/deb/systemd.sh
# boots (as mm-systemd-check.service): mmd's units under a real systemd,
# with the installed packages. Writes "PASS: name" or "FAIL: name" lines,
# then DONE, to /var/log/mm-systemd-check.log. Must never: run outside
# that container (it stops and starts mmd's units).
set -u
exec >/var/log/mm-systemd-check.log 2>&1
# Scratch files where a failure can be read after the boot (/tmp is the
# container's tmpfs).
w=/var/tmp/mm-check
mkdir -p "$w"
chmod 755 "$w"
pass() { echo "PASS: $1"; }
fail() { echo "FAIL: $1"; }
same() {
	if [ "$2" = "$3" ]; then pass "$1"; else
		fail "$1"
		printf '    got:  %s\n    want: %s\n' "$2" "$3"
	fi
}
main_pid() { systemctl show -p MainPID --value mmd.service; }

# ---- socket activation: nothing runs until the first client
systemctl enable --now mmd.socket >/dev/null 2>&1
same "mmd.socket: active after enable --now" \
	"$(systemctl is-active mmd.socket)" active
same "mmd.service: not running before the first client" \
	"$(systemctl is-active mmd.service)" inactive
mmctl meminfo >$w/meminfo 2>&1
same "the first mmctl meminfo is answered" \
	"$(head -1 $w/meminfo | cut -d: -f1)" MemTotal
same "mmd.service: started by that connection" \
	"$(systemctl is-active mmd.service)" active
pid=$(main_pid)
same "mmd runs as user mmd (from sysusers.d)" \
	"$(ps -o user= -p "$pid") $(getent passwd mmd | cut -d: -f1)" "mmd mmd"
systemctl status mmd.service --no-pager >$w/status 2>&1
same "systemctl status mmd: the STATUS= line (clients, free memory, requests)" \
	"$(grep -cE 'Status: "[0-9]+ clients, [0-9]+ MiB free, [0-9]+ requests"' $w/status)" 1

# ---- the admin model through the shipped unit
runuser -u alice -- mmctl check >$w/alice 2>&1
same "alice (admin_group mmadmin): mmctl check is allowed" \
	"$?:$(cut -d: -f1 $w/alice)" "0:consistent"
runuser -u bob -- mmctl check >$w/bob 2>&1
same "bob (group mmd only): mmctl check is refused" \
	"$?:$(grep -c 'Operation not permitted' $w/bob)" "1:1"
runuser -u bob -- mmctl meminfo >/dev/null 2>&1
same "bob may still read reports" "$?" 0
same "sessions show alice's and bob's real uids, not 65534" \
	"$(mmctl sessions | awk 'NR > 1 { print $4 }' | grep -c 65534)" 0

# ---- reload: refused cleanly, the daemon untouched
systemctl reload mmd.service >$w/reload 2>&1
rc=$?
same "systemctl reload mmd: refused (no ExecReload), with why" \
	"$([ "$rc" -ne 0 ] && echo failed):$(grep -c 'not applicable' $w/reload)" "failed:1"
same "reload: the same mmd still serves" "$(main_pid)" "$pid"

# ---- the watchdog: a stopped mmd is killed and restarted
kill -STOP "$pid"
# A client connecting while mmd is stopped waits in the socket's backlog.
(mmctl meminfo >$w/waiting 2>&1; echo "exit $?" >>$w/waiting) &
waiter=$!
for _ in $(seq 60); do
	new=$(main_pid)
	[ "$new" != "$pid" ] && [ "$new" != 0 ] &&
		[ "$(systemctl is-active mmd.service)" = active ] && break
	sleep 1
done
same "watchdog: mmd restarted with a new pid" \
	"$([ "$new" != "$pid" ] && [ "$new" != 0 ] && echo yes)" yes
same "watchdog: the journal says why" \
	"$(journalctl -b -u mmd.service --no-pager | grep -c 'Watchdog timeout')" 1
wait "$waiter"
same "the socket kept accepting: the waiting client was answered" \
	"$(tail -1 $w/waiting)" "exit 0"
# RuntimeDirectory= gives the directory, and what is in it, to User=mmd
# at each start: the socket keeps its mode and group.
same "/run/mmd after the restart: 755 mmd mmd, socket 660 group mmd" \
	"$(stat -c '%a %U %G' /run/mmd) $(stat -c '%a %G' /run/mmd/mmd.sock)" \
	"755 mmd mmd 660 mmd"

# ---- the journal's priorities: mmd's errors are errors
systemctl start mmd@broken.socket
mmctl -s /run/mmd/broken.sock meminfo >/dev/null 2>&1
sleep 1
same "journal: a missing layout's error is at priority err (3)" \
	"$(journalctl -b -u mmd@broken.service -p err --no-pager -o cat | grep -c '^/etc/mmd/broken.yaml: cannot read the layout' | awk '{ print ($1 > 0) }')" 1
same "journal: 'serving' is info, not err" \
	"$(journalctl -b -u mmd.service -p err --no-pager -o cat | grep -c serving) $(journalctl -b -u mmd.service -p info --no-pager -o cat | grep -c "serving 'laptop'")" \
	"0 2"
systemctl stop mmd@broken.socket mmd@broken.service
systemctl reset-failed mmd@broken.service 2>/dev/null

# ---- two machines side by side: mmd@lab1, mmd@lab2
systemctl start mmd@lab1.socket mmd@lab2.socket
same "mmd@lab1 and mmd@lab2: each serves its own layout" \
	"$(mmctl -s /run/mmd/lab1.sock top -b -n 1 | head -1 | cut -d' ' -f4) $(mmctl -s /run/mmd/lab2.sock top -b -n 1 | head -1 | cut -d' ' -f4)" \
	"lab1 lab2"
same "mmd@lab1 and mmd@lab2: two daemons" \
	"$(systemctl is-active mmd@lab1.service mmd@lab2.service | tr '\n' ' ')" \
	"active active "

# ---- a clean stop
systemctl stop mmd.socket mmd.service mmd@lab1.socket mmd@lab2.socket \
	mmd@lab1.service mmd@lab2.service
same "systemctl stop: result success, exit status 0" \
	"$(systemctl show -p Result --value mmd.service) $(systemctl show -p ExecMainStatus --value mmd.service)" \
	"success 0"
same "systemctl stop: mmd's last line in the journal" \
	"$(journalctl -b -u mmd.service --no-pager -o cat | grep '^mmd: ' | tail -1)" \
	"mmd: stopped"

# ---- mmweb.service: pulls in mmd.socket, starts after it, serves the page
systemctl start mmweb.service
web_get() {
	python3 -c 'import sys, time, urllib.request
for i in range(50):
    try:
        r = urllib.request.urlopen("http://127.0.0.1:8080" + sys.argv[1], timeout=5)
        break
    except OSError:
        time.sleep(0.1)
print(r.status, r.headers.get_content_type())
for line in r:
    if sys.argv[2].encode() in line:
        print(line.decode(errors="replace").rstrip().replace("\\n", "\n"))
        break' "$1" "$2" 2>&1
}
same "mmweb.service: active, and mmd.socket with it (Wants=)" \
	"$(systemctl is-active mmweb.service mmd.socket | tr '\n' ' ')" "active active "
same "mmweb.service: ordered after mmd.socket" \
	"$(systemctl show -p After --value mmweb.service | tr ' ' '\n' | grep -c '^mmd.socket$')" 1
sock_up=$(systemctl show -p ActiveEnterTimestampMonotonic --value mmd.socket)
web_up=$(systemctl show -p ExecMainStartTimestampMonotonic --value mmweb.service)
same "mmweb.service: started after mmd.socket was listening" \
	"$([ "$sock_up" -gt 0 ] && [ "$web_up" -ge "$sock_up" ] && echo yes)" yes
same "mmweb.service: serves its page on 127.0.0.1:8080" \
	"$(web_get / '<title>' | tr -s ' ' | tr '\n' '|')" \
	"200 text/html|$(grep '<title>' /usr/share/mm/www/index.html | tr -s ' ')|"
same "mmweb.service: its stream has the MemTotal mmctl reads (mmd socket-activated by it)" \
	"$(web_get /events MemTotal | grep -o 'MemTotal: *[0-9]*' | head -1 | tr -s ' ')" \
	"$(mmctl meminfo | grep -o 'MemTotal: *[0-9]*' | tr -s ' ')"
web_pid=$(systemctl show -p MainPID --value mmweb.service)
same "mmweb.service: a dynamic user (not root), in group mmd" \
	"$(ps -o user= -p "$web_pid" | grep -vc '^root') $(ps -o supgrp= -p "$web_pid" | tr ',' '\n' | grep -c '^mmd$')" \
	"1 1"
systemctl stop mmweb.service mmd.socket mmd.service
same "mmweb.service: a clean stop" \
	"$(systemctl show -p Result --value mmweb.service) $(systemctl show -p ExecMainStatus --value mmweb.service)" \
	"success 0"
echo DONE
