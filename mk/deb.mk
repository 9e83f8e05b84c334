# SPDX-License-Identifier: MIT
# mk/deb.mk - the Debian packages (debian/) and the checks that run them:
#
#   make deb            dpkg-buildpackage -us -uc -b on a copy of the
#                       tree in build/deb/src; the .debs, .changes and
#                       lintian's verdict in build/deb/
#   make deb-check      tests/deb/install.sh: the packages installed
#                       with apt-get into a clean Debian root (mmdebstrap),
#                       a conffile kept across an upgrade, a purge that
#                       leaves nothing
#   make systemd-check  tests/deb/systemd.sh: that root booted with
#                       systemd-nspawn --boot, the units proven from
#                       inside; skipped, saying why, where it cannot run
#
# Included at the end of the Makefile. Must never: write outside build/,
# or install anything on the host but the Debian packages the targets
# need (mk/deps.sh).

DEB_DIR = $(B)/deb
# lintian fails the build on an error or a warning. What stays is
# informational: package-supports-alternative-init-but-no-init.d-script
# on mmd and mmweb (mmd runs under systemd's socket activation and
# watchdog only; mmweb after mmd.socket, in systemd's sandbox), and
# initial-upload-closes-no-bugs is overridden in debian/*.lintian-overrides
# (the packages are the project's, with no Debian ITP bug to close), as is
# package-contains-documentation-outside-usr-share-doc on mmweb's
# index.html (the page it serves, not documentation).
LINTIAN_ARGS = --fail-on error,warning --display-info

.PHONY: deb deb-check systemd-check
deb:
	@sh mk/deps.sh deb
	rm -rf $(DEB_DIR)
	mkdir -p $(DEB_DIR)/src
	tar -c --exclude=./build --exclude=./.git --exclude='./tests/fuzz/corpus' \
		. | tar -x -C $(DEB_DIR)/src
	cd $(DEB_DIR)/src && dpkg-buildpackage -us -uc -b >../build.log 2>&1 || \
		{ tail -40 ../build.log; exit 1; }
	lintian $(LINTIAN_ARGS) $(DEB_DIR)/*.changes >$(DEB_DIR)/lintian.log 2>&1; \
		rc=$$?; grep -v '^running with root' $(DEB_DIR)/lintian.log; exit $$rc
	@echo "deb: $$(ls $(DEB_DIR)/*.deb | wc -l) packages in $(DEB_DIR)"

deb-check:
	@sh mk/deps.sh systemd
	@test -n "$$(ls $(DEB_DIR)/*.deb 2>/dev/null)" || $(MAKE) --no-print-directory deb
	sh tests/deb/install.sh $(DEB_DIR)

systemd-check:
	@sh mk/deps.sh systemd
	@test -n "$$(ls $(DEB_DIR)/*.deb 2>/dev/null)" || $(MAKE) --no-print-directory deb
	sh tests/deb/systemd.sh $(DEB_DIR)
