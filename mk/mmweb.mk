# SPDX-License-Identifier: MIT
# mk/mmweb.mk - mmweb, the machine live in a browser: how it builds,
# installs and gets tested.
#
# Included at the end of the Makefile. Hooks in only by adding
# prerequisites: `build` (what `make` builds once the packages are
# there) builds mmweb, `install` installs it with its page,
# its programs for the scenario panel and mmweb.service, `test` builds
# the sanitized mmweb (and mmc) tests/integration/mmweb.sh runs; that
# script installs Debian's chromium and chromium-driver itself
# (mk/browser.sh). libmicrohttpd serves the page: its events go one way
# (mmd to the browser), which Server-Sent Events carry over plain HTTP,
# so no WebSocket library is needed. Must never: change a rule the
# Makefile owns.

MMWEB_SRC = $(wildcard mmweb/*.c)
MMWEB_OBJ = $(MMWEB_SRC:%.c=$(B)/%.o)
MMWEB_TOBJ = $(MMWEB_SRC:%.c=$(T)/%.o)
MMWEB_LIBS = $(shell pkg-config --libs libmicrohttpd libprotobuf-c 2>/dev/null) -lpthread
MMWEB_WWWDIR = $(DATADIR)/www
MMWEB_BINDIR = $(PREFIX)/lib/mm

# build/mmweb/ holds the objects: the programs are mmweb-bin (installed
# as mmweb). The optimized one finds its page and programs where `make install`
# puts them; the test's finds them in the tree.
$(B)/mmweb/%.o: private BASE_CFLAGS += -pthread \
	-DMMWEB_WWW='"$(MMWEB_WWWDIR)"' -DMMWEB_BINDIR='"$(MMWEB_BINDIR)"'
$(T)/mmweb/%.o: private BASE_CFLAGS += -pthread

# The paths are compiled in: an install to another PREFIX rebuilds them.
$(B)/mmweb.paths: FORCE
	@mkdir -p $(B)
	@echo '$(MMWEB_WWWDIR) $(MMWEB_BINDIR)' | cmp -s - $@ || \
		echo '$(MMWEB_WWWDIR) $(MMWEB_BINDIR)' > $@
$(MMWEB_OBJ): $(B)/mmweb.paths
# The reports come as mm.proto's messages: the generated header first.
$(MMWEB_OBJ) $(MMWEB_TOBJ): $(PROTO_GEN_H)

$(B)/mmweb-bin: $(MMWEB_OBJ) $(B)/libmmclient.a
	$(CC) $(CFLAGS) $(LDFLAGS) -pthread -o $@ $^ $(MMWEB_LIBS)

$(T)/mmweb-bin: $(MMWEB_TOBJ) $(T)/libmmclient.a
	$(CC) $(TEST_CFLAGS) -pthread -o $@ $^ $(MMWEB_LIBS)

$(T)/mmc: $(T)/client/mmc.o $(T)/client/mmc_frag.o $(T)/libmmclient.a
	$(CC) $(TEST_CFLAGS) -o $@ $^ $(PKG_LIBS)

build: $(B)/mmweb-bin
test: $(T)/mmweb-bin $(T)/mmc
install: install-mmweb
uninstall: uninstall-mmweb

.PHONY: install-mmweb
install-mmweb: $(B)/mmweb-bin $(B)/mmc $(B)/mmc-example
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MMWEB_WWWDIR) \
		$(DESTDIR)$(MMWEB_BINDIR) $(DESTDIR)$(UNITDIR) \
		$(DESTDIR)$(MANDIR)/man1
	install -m 755 $(B)/mmweb-bin $(DESTDIR)$(BINDIR)/mmweb
	install -m 644 mmweb/www/index.html mmweb/www/mmweb.css \
		mmweb/www/mmweb.js $(DESTDIR)$(MMWEB_WWWDIR)/
	install -m 755 $(B)/mmc $(B)/mmc-example $(DESTDIR)$(MMWEB_BINDIR)/
	sed -e 's|/usr/local/bin/mmweb|$(BINDIR)/mmweb|' \
		systemd/mmweb.service > $(DESTDIR)$(UNITDIR)/mmweb.service
	chmod 644 $(DESTDIR)$(UNITDIR)/mmweb.service
	install -m 644 docs/mmweb.1 $(DESTDIR)$(MANDIR)/man1/mmweb.1

.PHONY: uninstall-mmweb
uninstall-mmweb:
	rm -f $(DESTDIR)$(BINDIR)/mmweb $(DESTDIR)$(UNITDIR)/mmweb.service \
		$(DESTDIR)$(MANDIR)/man1/mmweb.1 \
		$(addprefix $(DESTDIR)$(MMWEB_WWWDIR)/,index.html mmweb.css mmweb.js) \
		$(addprefix $(DESTDIR)$(MMWEB_BINDIR)/,mmc mmc-example)
	-rmdir $(DESTDIR)$(MMWEB_WWWDIR) $(DESTDIR)$(MMWEB_BINDIR) 2>/dev/null
