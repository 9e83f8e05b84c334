# SPDX-License-Identifier: MIT
# mm: build, test, bench, demo and install.
#
#   make            optimized build (with debug info) into build/: mmd,
#                   mmctl, mmc, mmtrace, libmmclient, the benchmarks
#   make test       layers, unit and integration tests under ASan+UBSan
#   make unit       the unit tests alone, under ASan+UBSan (and core's
#                   borders): the quick loop while editing
#   make layers     mk/layers.sh: who may include and call whom
#   make bench      benchmarks; they print figures, never pass or fail
#   make demo       boots a machine and shows it
#   make fuzz       the libFuzzer harnesses, FUZZ_SECONDS each (mk/fuzz.mk)
#   make fault      the fault-injection sweep, in full (mk/fault.mk)
#   make soak       churn and soak for SOAK_SECONDS (mk/soak.mk)
#   make difftest   address spaces against the host kernel for
#                   DIFFTEST_SECONDS in DIFFTEST_JOBS workers
#                   (tests/difftest/; SEED= replays)
#   make memcheck   mmd under valgrind through an integration run
#   make install    PREFIX=/usr/local DESTDIR= (make uninstall: the same
#                   variables remove it)
#   make deb        the Debian packages, into build/deb/ (mk/deb.mk)
#   make systemd-check  the packages in a booted Debian root (mk/deb.mk)
#   make clean
#
# proto/mm.proto is compiled by protoc-c into build/gen/proto/; mmd and
# libmmclient (shared with a soname, static, and a pkg-config file) both
# use it.

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
SBINDIR = $(PREFIX)/sbin
SYSCONFDIR ?= /etc
DATADIR = $(PREFIX)/share/mm
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include

CC ?= cc
PKGS = libuv libprotobuf-c yaml-0.1 libsystemd
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)

WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
BASE_CFLAGS = -std=c11 -D_GNU_SOURCE -I. -I$(GEN) $(WARN) $(PKG_CFLAGS)
# Link-time optimization lets callers inline the allocator's fast paths.
CFLAGS ?= -O2 -g -flto=auto
LTO_AR ?= gcc-ar
SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
TEST_CFLAGS = -O1 -g $(SAN)

B = build
T = build/test
GEN = build/gen

# mm's one version: mmclient.h's MMC_VERSION (mmd.h, mmctl, the man pages,
# mmclient.pc and debian/changelog agree with it; tests/integration/
# install.sh checks).
VERSION := $(shell sed -n 's/^.define MMC_VERSION[[:space:]]*"\(.*\)"$$/\1/p' client/mmclient.h)

# libmmclient's ABI: bump SOMAJOR when a change breaks old programs.
SOMAJOR = 1
SOVERSION = $(SOMAJOR).0.0
SONAME = libmmclient.so.$(SOMAJOR)
# The shared library is built without LTO and with -fPIC; its objects
# also make up the static archive, so that it links with any compiler.
PIC_CFLAGS = -O2 -g -fPIC

# Wildcards, not lists: a file added, moved or renamed inside a folder
# keeps its place in the build.
CORE_SRC = $(wildcard core/*.c core/*/*.c)
CONFIG_SRC = $(wildcard config/*.c)
DAEMON_SRC = $(wildcard daemon/*.c)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
BENCH_SRC = $(wildcard bench/*.c)
# The trace reader and replay engine; mmtrace and bench/malloc use them.
TOOLS_SRC = $(filter-out tools/mmtrace.c,$(wildcard tools/*.c))
TOOLS_OBJ = $(TOOLS_SRC:%.c=$(B)/%.o)
TOOLS_TOBJ = $(TOOLS_SRC:%.c=$(T)/%.o)
LIB_SRC = $(CORE_SRC) $(CONFIG_SRC)
CORE_OBJ = $(CORE_SRC:%.c=$(B)/%.o)
CORE_TOBJ = $(CORE_SRC:%.c=$(T)/%.o)
CONFIG_OBJ = $(CONFIG_SRC:%.c=$(B)/%.o)
CONFIG_TOBJ = $(CONFIG_SRC:%.c=$(T)/%.o)
# core/ is an archive of its own, and config/ (libyaml) another: what
# links the core archive alone can call nothing but core and libc.
MM_LIBS = $(B)/libmmconfig.a $(B)/libmmcore.a
MM_TLIBS = $(T)/libmmconfig.a $(T)/libmmcore.a
PROTO_GEN_C = $(GEN)/proto/mm.pb-c.c
PROTO_GEN_H = $(GEN)/proto/mm.pb-c.h
# What daemon and client share: the framing and the generated messages.
PROTO_OBJ = $(B)/proto/frame.o $(B)/proto/codec.o $(B)/proto/recording.o \
	$(B)/gen/proto/mm.pb-c.o
PROTO_TOBJ = $(T)/proto/frame.o $(T)/proto/codec.o $(T)/proto/recording.o \
	$(T)/gen/proto/mm.pb-c.o
# report_walk.o: a report's message walked for mmctl --json and mmweb
# (no mmc_ name: the shared library does not export it).
CLIENT_PIC_OBJ = $(B)/pic/client/mmclient.o $(B)/pic/client/report_walk.o \
	$(B)/pic/proto/frame.o $(B)/pic/proto/codec.o \
	$(B)/pic/gen/proto/mm.pb-c.o
CLIENT_TOBJ = $(T)/client/mmclient.o $(T)/client/report_walk.o $(PROTO_TOBJ)
CLIENT_LIBS = $(B)/libmmclient.so.$(SOVERSION) $(B)/$(SONAME) \
	$(B)/libmmclient.so $(B)/libmmclient.a $(B)/mmclient.pc

DAEMON_OBJ = $(DAEMON_SRC:%.c=$(B)/%.o)
DAEMON_TOBJ = $(DAEMON_SRC:%.c=$(T)/%.o)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(T)/%)
# A core unit test is one whose own includes name core/ and tests/unit/
# alone: it links the core archive, cmocka and libc, nothing else. The
# others (of config, proto, client, tools, or with the fault shim) link
# every archive of ours and every library.
CORE_UNIT_SRC = $(shell for f in $(UNIT_SRC); do \
	grep -E '^[[:space:]]*\#[[:space:]]*include[[:space:]]*"' $$f | \
	grep -qvE '"(core|tests/unit)/' || echo $$f; done)
CORE_UNIT_BIN = $(CORE_UNIT_SRC:tests/unit/%.c=$(T)/%)
BENCH_BIN = $(BENCH_SRC:bench/%.c=$(B)/bench/%)
# The wire benchmark needs a daemon and Redis: bench/wire.sh runs it;
# the fairness benchmark, a daemon and many clients: bench/fairness.sh.
CORE_BENCH_BIN = $(filter-out $(B)/bench/wire $(B)/bench/fairness,$(BENCH_BIN))

.PHONY: all build deps deps-build test unit layers bench demo install \
	uninstall clean format difftest FORCE
# The packages first: a fresh machine gets them (or, without root, the
# exact apt-get line) before any compiler or protoc-c runs.
all: deps-build
	@$(MAKE) --no-print-directory build

build: $(B)/mmd $(B)/mmtrace $(B)/mmc $(CLIENT_LIBS) $(BENCH_BIN)

# deps: everything any target needs (the tests' tools too); deps-build:
# what building and installing need.
deps:
	@sh mk/deps.sh

deps-build:
	@sh mk/deps.sh build

# Objects follow the flags they were built with: a change rebuilds them.
$(B)/.flags: FORCE
	@mkdir -p $(B)
	@echo '$(CC) $(BASE_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS)' | cmp -s - $@ || \
		echo '$(CC) $(BASE_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS)' > $@

$(T)/.flags: FORCE
	@mkdir -p $(T)
	@echo '$(CC) $(BASE_CFLAGS) $(TEST_CFLAGS)' | cmp -s - $@ || \
		echo '$(CC) $(BASE_CFLAGS) $(TEST_CFLAGS)' > $@

FORCE:

# protoc-c names its output after the .proto's path: build/gen/proto/.
$(GEN)/%.pb-c.c $(GEN)/%.pb-c.h: %.proto
	@mkdir -p $(GEN)
	protoc-c --proto_path=. --c_out=$(GEN) $<

# Keep every file a chain of pattern rules makes (the generated protobuf
# files, the unit tests' and benchmarks' objects): make would delete them
# as intermediates when it exits, after the tests' summary, and rebuild
# them, and every object including the header, next time.
.SECONDARY:

# Every object may include the generated header: make it first.
$(B)/%.o: %.c $(B)/.flags | $(PROTO_GEN_H)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(T)/%.o: %.c $(T)/.flags | $(PROTO_GEN_H)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

$(B)/pic/%.o: %.c $(B)/.flags | $(PROTO_GEN_H)
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CPPFLAGS) $(PIC_CFLAGS) -MMD -MP -c $< -o $@

$(B)/gen/%.o: $(GEN)/%.c $(B)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(T)/gen/%.o: $(GEN)/%.c $(T)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(TEST_CFLAGS) -c $< -o $@

$(B)/pic/gen/%.o: $(GEN)/%.c $(B)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CPPFLAGS) $(PIC_CFLAGS) -c $< -o $@

# Each archive's list of sources, rewritten only when it changes; the
# archive is made afresh when it does. `ar r` keeps members it is not
# given: a source removed or renamed would leave its old object in the
# archive, defining its symbols still.
$(B)/libmmcore.list $(T)/libmmcore.list: FORCE
	@mkdir -p $(dir $@)
	@echo '$(CORE_SRC)' | cmp -s - $@ || echo '$(CORE_SRC)' > $@

$(B)/libmmconfig.list $(T)/libmmconfig.list: FORCE
	@mkdir -p $(dir $@)
	@echo '$(CONFIG_SRC)' | cmp -s - $@ || echo '$(CONFIG_SRC)' > $@

$(B)/libmmcore.a: $(CORE_OBJ) $(B)/libmmcore.list
	rm -f $@
	$(LTO_AR) rcs $@ $(CORE_OBJ)

$(B)/libmmconfig.a: $(CONFIG_OBJ) $(B)/libmmconfig.list
	rm -f $@
	$(LTO_AR) rcs $@ $(CONFIG_OBJ)

$(T)/libmmcore.a: $(CORE_TOBJ) $(T)/libmmcore.list
	rm -f $@
	$(AR) rcs $@ $(CORE_TOBJ)

$(T)/libmmconfig.a: $(CONFIG_TOBJ) $(T)/libmmconfig.list
	rm -f $@
	$(AR) rcs $@ $(CONFIG_TOBJ)

$(B)/libmmtools.a: $(TOOLS_OBJ)
	rm -f $@
	$(LTO_AR) rcs $@ $^

$(T)/libmmtools.a: $(TOOLS_TOBJ)
	rm -f $@
	$(AR) rcs $@ $^

# mmtrace: replays allocation traces (tools/) through a running mmd,
# core's malloc in process, or glibc's.
# mmtrace --replay runs mmd's own session code: the daemon but its main.
DAEMON_LIB_OBJ = $(filter-out $(B)/daemon/mmd.o,$(DAEMON_OBJ))
DAEMON_LIB_TOBJ = $(filter-out $(T)/daemon/mmd.o,$(DAEMON_TOBJ))
$(B)/mmtrace: $(B)/tools/mmtrace.o $(B)/libmmtools.a $(DAEMON_LIB_OBJ) \
		$(PROTO_OBJ) $(MM_LIBS) $(B)/libmmclient.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(B)/mmd: $(DAEMON_OBJ) $(PROTO_OBJ) $(MM_LIBS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(T)/mmtrace: $(T)/tools/mmtrace.o $(T)/libmmtools.a $(DAEMON_LIB_TOBJ) \
		$(PROTO_TOBJ) $(MM_TLIBS) $(T)/libmmclient.a
	$(CC) $(TEST_CFLAGS) -o $@ $^ $(PKG_LIBS)

$(T)/mmd: $(DAEMON_TOBJ) $(PROTO_TOBJ) $(MM_TLIBS)
	$(CC) $(TEST_CFLAGS) -o $@ $^ $(PKG_LIBS)

# libmmclient: only the mmc_* names are exported (client/libmmclient.map).
$(B)/libmmclient.so.$(SOVERSION): $(CLIENT_PIC_OBJ) client/libmmclient.map
	$(CC) $(LDFLAGS) -shared -Wl,-soname,$(SONAME) \
		-Wl,--version-script=client/libmmclient.map \
		-o $@ $(CLIENT_PIC_OBJ) $(shell pkg-config --libs libprotobuf-c) -lc

$(B)/$(SONAME): $(B)/libmmclient.so.$(SOVERSION)
	ln -sf libmmclient.so.$(SOVERSION) $@

$(B)/libmmclient.so: $(B)/$(SONAME)
	ln -sf $(SONAME) $@

$(B)/libmmclient.a: $(CLIENT_PIC_OBJ)
	rm -f $@
	$(AR) rcs $@ $^

$(B)/mmclient.pc: client/mmclient.pc.in Makefile
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
		-e 's|@VERSION@|$(VERSION)|' $< > $@

$(T)/libmmclient.a: $(CLIENT_TOBJ)
	rm -f $@
	$(AR) rcs $@ $^

# The integration tests' client (tests/mmc_test/): a driver of
# libmmclient that checks what the daemon answers.
MMC_TEST_OBJ = $(patsubst %.c,$(T)/%.o,$(wildcard tests/mmc_test/*.c))
$(T)/mmc_test: $(MMC_TEST_OBJ) $(T)/libmmclient.a
	$(CC) $(TEST_CFLAGS) -o $@ $^ $(PKG_LIBS)

# No PKG_LIBS here: a call from core to libuv, libyaml, libsystemd or
# protobuf-c (or to anything of ours above core) fails this link.
$(CORE_UNIT_BIN): $(T)/test_%: $(T)/tests/unit/test_%.o $(T)/libmmcore.a
	$(CC) $(TEST_CFLAGS) -o $@ $^ $(CMOCKA_LIBS) -lm

# The structured reports' tables against mm.proto: the daemon's side.
$(T)/test_report_data: $(T)/tests/unit/test_report_data.o \
		$(DAEMON_LIB_TOBJ) $(PROTO_TOBJ) $(T)/libmmtools.a $(MM_TLIBS) \
		$(T)/libmmclient.a
	$(CC) $(TEST_CFLAGS) -o $@ $^ $(PKG_LIBS) $(CMOCKA_LIBS) -lm

$(T)/test_%: $(T)/tests/unit/test_%.o $(T)/libmmtools.a $(MM_TLIBS) \
		$(T)/libmmclient.a
	$(CC) $(TEST_CFLAGS) -o $@ $^ $(PKG_LIBS) $(CMOCKA_LIBS) -lm

$(B)/bench/wire: $(B)/bench/wire.o $(B)/libmmclient.a
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(B)/bench/fairness: $(B)/bench/fairness.o $(B)/libmmclient.a
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) -lm

# bench/malloc replays the traces in ../shared/traces (skipped if absent).
$(B)/bench/malloc: $(B)/bench/malloc.o $(B)/libmmtools.a $(MM_LIBS) \
		$(B)/libmmclient.a
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) -lm

$(B)/bench/%: $(B)/bench/%.o $(B)/libmmcore.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) -lm

# The differential tester against the host kernel: core in-process, and
# a child on the host that must never be instrumented (a sanitizer's
# runtime would map and allocate in its address space).
$(T)/difftest: $(T)/tests/difftest/difftest.o $(T)/libmmcore.a \
		$(T)/difftest_child
	$(CC) $(TEST_CFLAGS) -o $@ $(filter %.o %.a,$^) -lm

$(B)/difftest: $(B)/tests/difftest/difftest.o $(B)/libmmcore.a \
		$(B)/difftest_child
	$(CC) $(CFLAGS) -o $@ $(filter %.o %.a,$^) -lm

# On x86_64 the child links no C library (tests/difftest/host_sys.h): a
# static program of two segments, whose smaps the tester reads quickly.
ifneq ($(filter x86_64%,$(shell $(CC) -dumpmachine)),)
DIFFTEST_CHILD_FLAGS = -ffreestanding -fno-stack-protector -fno-pie \
	-fno-asynchronous-unwind-tables -static -nostdlib -no-pie \
	-Wl,-z,noseparate-code -Wl,--build-id=none
DIFFTEST_CHILD_LIBS = -lgcc
else
DIFFTEST_CHILD_FLAGS = -Wl,-z,now
endif
$(T)/difftest_child $(B)/difftest_child: tests/difftest/host_child.c \
		tests/difftest/difftest.h tests/difftest/host_sys.h
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -O2 $(DIFFTEST_CHILD_FLAGS) -o $@ $< \
		$(DIFFTEST_CHILD_LIBS)

DIFFTEST_SECONDS ?= 60
DIFFTEST_JOBS ?= 1
difftest: deps
	@$(MAKE) --no-print-directory $(B)/difftest
	$(B)/difftest -t $(DIFFTEST_SECONDS) -j $(DIFFTEST_JOBS)

# The borders between the parts (mk/layers.sh says which): includes on
# the sources, calls on the test build's objects. Client's objects are
# every client/*.c's, whatever program they go into.
LAYERS_CLIENT_TOBJ = $(patsubst %.c,$(T)/%.o,$(wildcard client/*.c))
# Each check runs even when one before it failed, so that one run names
# every breach; `ok` says whether any did.
LAYERS_CORE = sh mk/layers.sh includes || ok=1; \
	sh mk/layers.sh core '$(CC) $(TEST_CFLAGS)' $(T)/libmmcore.a || ok=1
LAYERS_CLIENT = sh mk/layers.sh client $(LAYERS_CLIENT_TOBJ) $(PROTO_TOBJ) \
	-- $(CORE_TOBJ) $(DAEMON_TOBJ) || ok=1

# What the layers check reads; `@:` so that nothing is said when all of
# it is up to date.
.PHONY: layers-objects
layers-objects: $(T)/libmmcore.a $(LAYERS_CLIENT_TOBJ) $(PROTO_TOBJ) \
		$(DAEMON_TOBJ)
	@:

layers: deps
	@$(MAKE) --no-print-directory layers-objects
	@ok=0; $(LAYERS_CORE); $(LAYERS_CLIENT); \
	cg=$$(bash mk/callgraph.sh -l core/README) || \
		{ echo "$$cg" | grep -v '^circle of'; ok=1; }; exit $$ok

# The unit tests alone, for the edit-compile-test loop; core's borders
# first, since they need nothing but core's objects.
unit: deps
	@$(MAKE) --no-print-directory $(T)/libmmcore.a $(UNIT_BIN)
	@ok=0; $(LAYERS_CORE); exit $$ok
	@sh tests/run.sh --unit $(T)

# Borders first: a breach stops the tests before they run.
test: deps
	@$(MAKE) --no-print-directory layers
	@$(MAKE) --no-print-directory $(UNIT_BIN) $(T)/mmd $(T)/mmc_test \
		$(T)/mmtrace $(T)/difftest
	@sh tests/run.sh $(T)

bench: deps
	@$(MAKE) --no-print-directory $(BENCH_BIN) $(B)/mmd
	@for b in $(CORE_BENCH_BIN); do echo "== $$b"; $$b || exit 1; done
	@echo "== bench/wire.sh (mmd over its socket, against Redis)"
	@sh bench/wire.sh $(B)
	@echo "== bench/fairness.sh (a thousand clients at once)"
	@sh bench/fairness.sh $(B)

demo: deps
	@$(MAKE) --no-print-directory $(B)/mmd $(B)/mmc
	@sh mk/demo.sh $(B)

# A tiny client for the demo and for trying mmd by hand.
$(B)/mmc: $(B)/client/mmc.o $(B)/client/mmc_frag.o $(B)/libmmclient.a
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# ldconfig runs when installing into the running system (no DESTDIR) as
# root, so that the new libmmclient.so.1 is found at once.
DOCDIR ?= $(PREFIX)/share/doc/mm
DOCS = README.md LICENSE $(wildcard docs/*.md)
install: deps-build $(B)/mmd $(B)/mmtrace $(B)/mmc $(CLIENT_LIBS)
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/layouts $(DESTDIR)$(SYSCONFDIR)/mmd
	install -m 755 $(B)/mmd $(DESTDIR)$(SBINDIR)/mmd
	install -m 755 $(B)/mmtrace $(DESTDIR)$(BINDIR)/mmtrace
	install -m 755 $(B)/mmc $(DESTDIR)$(BINDIR)/mmc
	install -m 644 config/*.yaml $(DESTDIR)$(DATADIR)/layouts/
	install -m 644 config/mmd.yaml $(DESTDIR)$(SYSCONFDIR)/mmd/mmd.yaml
	install -m 644 proto/mm.proto $(DESTDIR)$(DATADIR)/mm.proto
	install -d $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)
	install -m 755 $(B)/libmmclient.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/
	ln -sf libmmclient.so.$(SOVERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libmmclient.so
	install -m 644 $(B)/libmmclient.a $(DESTDIR)$(LIBDIR)/
	install -m 644 client/mmclient.h $(DESTDIR)$(INCLUDEDIR)/
	install -m 644 $(B)/mmclient.pc $(DESTDIR)$(LIBDIR)/pkgconfig/
	install -d $(DESTDIR)$(DOCDIR)
	install -m 644 $(DOCS) $(DESTDIR)$(DOCDIR)/
	if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then ldconfig; fi

# Removes what install laid out, with the same PREFIX, SYSCONFDIR and
# DESTDIR; an /etc/mmd/mmd.yaml the administrator changed is kept.
uninstall: uninstall-mmctl
	rm -f $(DESTDIR)$(SBINDIR)/mmd $(DESTDIR)$(BINDIR)/mmtrace \
		$(DESTDIR)$(BINDIR)/mmc $(DESTDIR)$(DATADIR)/mm.proto \
		$(addprefix $(DESTDIR)$(DATADIR)/layouts/,$(notdir $(wildcard config/*.yaml))) \
		$(DESTDIR)$(LIBDIR)/libmmclient.so.$(SOVERSION) \
		$(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/libmmclient.so \
		$(DESTDIR)$(LIBDIR)/libmmclient.a $(DESTDIR)$(INCLUDEDIR)/mmclient.h \
		$(DESTDIR)$(LIBDIR)/pkgconfig/mmclient.pc \
		$(addprefix $(DESTDIR)$(DOCDIR)/,$(notdir $(DOCS)))
	if cmp -s config/mmd.yaml $(DESTDIR)$(SYSCONFDIR)/mmd/mmd.yaml; then \
		rm -f $(DESTDIR)$(SYSCONFDIR)/mmd/mmd.yaml; fi
	-rmdir $(DESTDIR)$(DATADIR)/layouts $(DESTDIR)$(DATADIR) \
		$(DESTDIR)$(SYSCONFDIR)/mmd $(DESTDIR)$(DOCDIR) 2>/dev/null
	if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then ldconfig; fi

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(B)

include mk/mmctl.mk
include mk/fuzz.mk
include mk/fault.mk
include mk/soak.mk
include mk/memcheck.mk
include mk/mmweb.mk
include mk/python.mk
include mk/deb.mk

-include $(shell find $(B) -path $(B)/deb -prune -o -name '*.d' -type f -print 2>/dev/null)
