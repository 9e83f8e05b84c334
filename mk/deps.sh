#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian packages mm builds against, and nothing else.
# Does nothing when all are present; as root it installs what is missing,
# otherwise it prints the exact command and fails.
#   usage: mk/deps.sh [build|deb|systemd]
# No argument: everything the tests need. build: what `make` and `make
# install` need. deb: build's and the packaging tools (make deb).
# systemd: deb's and what boots a Debian root (make systemd-check).
set -eu

# What compiles mm: the compiler, protoc-c and the libraries.
build="make gcc pkg-config libuv1-dev libprotobuf-c-dev protobuf-c-compiler \
libyaml-dev libsystemd-dev libjson-c-dev libcairo2-dev libncurses-dev \
libmicrohttpd-dev python3 python3-protobuf protobuf-compiler"
# (python3-protobuf and protobuf-compiler build the Python package,
# mk/python.mk.) clang and libclang-rt-dev build the libFuzzer harnesses;
# valgrind runs the memcheck test (docs/reliability.md);
# python3-matplotlib draws the Python example.
tests="libcmocka-dev systemd jq clang libclang-rt-dev valgrind python3-matplotlib"
deb="debhelper dh-python dpkg-dev fakeroot lintian"
case "${1:-}" in
build) packages=$build ;;
deb) packages="$build $deb" ;;
systemd) packages="$build $deb mmdebstrap systemd-container" ;;
"") packages="$build $tests" ;;
*)
	echo "usage: mk/deps.sh [build|deb|systemd]" >&2
	exit 2
	;;
esac

missing=""
for p in $packages; do
	status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$status" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done

[ -z "$missing" ] && exit 0

cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "mm needs these Debian packages:$missing" >&2
	echo "install them as root with:" >&2
	echo "  apt-get update && $cmd" >&2
	exit 1
fi

echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
