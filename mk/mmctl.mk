# SPDX-License-Identifier: MIT
# mk/mmctl.mk - mmctl, the systemd units, the man pages, bash completion
# and the example client: how they build, install and get tested.
#
# Included at the end of the Makefile, so every variable and pattern rule
# there is known here. Hooks in only by adding prerequisites: `all` builds
# mmctl, `install` installs what this file owns, `test` builds the
# sanitized mmctl the integration scripts (tests/integration/mmctl*.sh,
# install.sh) run, `demo` builds the optimized one mk/demo.sh runs.
# Must never: change a rule the Makefile owns.

MMCTL_SRC = $(wildcard client/mmctl*.c)
MMCTL_OBJ = $(MMCTL_SRC:%.c=$(B)/%.o)
MMCTL_TOBJ = $(MMCTL_SRC:%.c=$(T)/%.o)
# json-c writes --json; cairo draws `map --output` (fontconfig: its
# fonts, whose caches mmctl frees at exit); tinfo (ncurses' terminfo)
# says how the terminal draws top and watch. Their headers are
# system headers: -Werror must not judge them. Expanded when used, so
# `make deps` may install them first.
MMCTL_PKGS = json-c cairo fontconfig tinfo
MMCTL_CFLAGS = $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(MMCTL_PKGS) 2>/dev/null))
MMCTL_LIBS = $(shell pkg-config --libs $(MMCTL_PKGS) libprotobuf-c 2>/dev/null) -lm

MANDIR ?= $(PREFIX)/share/man
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions
EXAMPLEDIR ?= $(PREFIX)/share/doc/mm/examples

# private: a prerequisite such as build/.flags must not inherit them, or
# it records mmctl's flags and every other object rebuilds next time.
$(B)/client/mmctl.o $(T)/client/mmctl.o: private BASE_CFLAGS += $(MMCTL_CFLAGS)
$(B)/client/mmctl%.o $(T)/client/mmctl%.o: private BASE_CFLAGS += $(MMCTL_CFLAGS)

$(B)/mmctl: $(MMCTL_OBJ) $(B)/libmmclient.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(MMCTL_LIBS)

$(T)/mmctl: $(MMCTL_TOBJ) $(T)/libmmclient.a
	$(CC) $(TEST_CFLAGS) -o $@ $^ $(MMCTL_LIBS)

build: $(B)/mmctl
test: $(T)/mmctl
demo: $(B)/mmctl
install: install-mmctl

# The units name the installed mmd and layout: the paths follow PREFIX
# and SYSCONFDIR.
UNIT_SED = -e 's|/usr/local/sbin/mmd|$(SBINDIR)/mmd|' \
	-e 's|/etc/mmd/|$(SYSCONFDIR)/mmd/|'

.PHONY: install-mmctl
install-mmctl: $(B)/mmctl
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(COMPLETIONDIR) \
		$(DESTDIR)$(EXAMPLEDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man3 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man8
	install -m 755 $(B)/mmctl $(DESTDIR)$(BINDIR)/mmctl
	sed $(UNIT_SED) systemd/mmd.service > $(DESTDIR)$(UNITDIR)/mmd.service
	sed $(UNIT_SED) systemd/mmd@.service > $(DESTDIR)$(UNITDIR)/mmd@.service
	install -m 644 systemd/mmd.socket systemd/mmd@.socket \
		$(DESTDIR)$(UNITDIR)/
	chmod 644 $(DESTDIR)$(UNITDIR)/mmd.service \
		$(DESTDIR)$(UNITDIR)/mmd@.service
	install -m 644 systemd/mmd.sysusers $(DESTDIR)$(SYSUSERSDIR)/mmd.conf
	install -m 644 completion/mmctl.bash $(DESTDIR)$(COMPLETIONDIR)/mmctl
	install -m 644 examples/Makefile examples/mmc-example.c \
		$(DESTDIR)$(EXAMPLEDIR)/
	install -m 644 docs/mmctl.1 docs/mmc.1 docs/mmtrace.1 \
		$(DESTDIR)$(MANDIR)/man1/
	install -m 644 docs/libmmclient.3 $(DESTDIR)$(MANDIR)/man3/libmmclient.3
	install -m 644 docs/mmd.yaml.5 $(DESTDIR)$(MANDIR)/man5/mmd.yaml.5
	install -m 644 docs/mmd.8 $(DESTDIR)$(MANDIR)/man8/mmd.8

.PHONY: uninstall-mmctl
uninstall-mmctl:
	rm -f $(DESTDIR)$(BINDIR)/mmctl \
		$(addprefix $(DESTDIR)$(UNITDIR)/,mmd.service mmd@.service \
			mmd.socket mmd@.socket) \
		$(DESTDIR)$(SYSUSERSDIR)/mmd.conf \
		$(DESTDIR)$(COMPLETIONDIR)/mmctl \
		$(DESTDIR)$(EXAMPLEDIR)/Makefile \
		$(DESTDIR)$(EXAMPLEDIR)/mmc-example.c \
		$(DESTDIR)$(MANDIR)/man1/mmctl.1 $(DESTDIR)$(MANDIR)/man1/mmc.1 \
		$(DESTDIR)$(MANDIR)/man1/mmtrace.1 \
		$(DESTDIR)$(MANDIR)/man3/libmmclient.3 \
		$(DESTDIR)$(MANDIR)/man5/mmd.yaml.5 \
		$(DESTDIR)$(MANDIR)/man8/mmd.8
	-rmdir $(DESTDIR)$(EXAMPLEDIR) 2>/dev/null

# The example client, built in the tree for the tests and the demo (the
# installed copy builds with examples/Makefile and pkg-config).
$(B)/mmc-example: examples/mmc-example.c $(B)/libmmclient.a $(B)/.flags
	$(CC) $(BASE_CFLAGS) -Iclient $(CFLAGS) $(LDFLAGS) -o $@ $< $(B)/libmmclient.a \
		$(shell pkg-config --libs libprotobuf-c)

$(T)/mmc-example: examples/mmc-example.c $(T)/libmmclient.a $(T)/.flags
	$(CC) $(BASE_CFLAGS) -Iclient $(TEST_CFLAGS) -o $@ $< \
		$(T)/libmmclient.a $(shell pkg-config --libs libprotobuf-c)

build: $(B)/mmc-example
test: $(T)/mmc-example
demo: $(B)/mmc-example

# mmclient.pc holds PREFIX, LIBDIR and INCLUDEDIR: a stamp that changes
# with them rebuilds it, so `make && make install PREFIX=/usr` installs a
# file naming /usr.
$(B)/.prefix: FORCE
	@mkdir -p $(B)
	@echo '$(PREFIX) $(LIBDIR) $(INCLUDEDIR)' | cmp -s - $@ || \
		echo '$(PREFIX) $(LIBDIR) $(INCLUDEDIR)' > $@

$(B)/mmclient.pc: $(B)/.prefix

# The parsers' unit test links mmctl_json.o and json-c.
$(T)/tests/unit/test_mmctl_json.o: private BASE_CFLAGS += $(MMCTL_CFLAGS)
$(T)/test_mmctl_json: $(T)/client/mmctl_json.o
$(T)/test_mmctl_json: PKG_LIBS += $(MMCTL_LIBS)
