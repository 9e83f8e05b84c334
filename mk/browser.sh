#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs Debian's chromium and chromium-driver for mmweb's browser test
# (tests/integration/mmweb.sh), and nothing else. Does nothing when both
# are present; as root it installs them, otherwise it says what to run
# and fails (the test then skips, saying why).
set -eu
missing=""
for p in chromium chromium-driver; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "the browser test needs:$missing (apt-get install$missing)" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
