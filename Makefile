# mm: build, test, bench, demo and install.
#
#   make            optimized build (with debug info) into build/
#   make test       unit and integration tests under ASan+UBSan
#   make bench      benchmarks; they print figures, never pass or fail
#   make demo       boots a machine and shows it
#   make install    PREFIX=/usr/local DESTDIR=
#   make clean

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR = $(PREFIX)/bin
SBINDIR = $(PREFIX)/sbin
SYSCONFDIR ?= /etc
DATADIR = $(PREFIX)/share/mm

CC ?= cc
PKGS = libuv libprotobuf-c yaml-0.1 libsystemd
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)

WARN = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
BASE_CFLAGS = -std=c11 -D_GNU_SOURCE -I. $(WARN) $(PKG_CFLAGS)
# Link-time optimization lets callers inline the allocator's fast paths.
CFLAGS ?= -O2 -g -flto=auto
LTO_AR ?= gcc-ar
SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
TEST_CFLAGS = -O1 -g $(SAN)

B = build
T = build/test

CORE_SRC = $(wildcard core/*.c)
CONFIG_SRC = $(wildcard config/*.c)
DAEMON_SRC = $(wildcard daemon/*.c)
UNIT_SRC = $(wildcard tests/unit/test_*.c)
BENCH_SRC = $(wildcard bench/*.c)
LIB_SRC = $(CORE_SRC) $(CONFIG_SRC)

LIB_OBJ = $(LIB_SRC:%.c=$(B)/%.o)
LIB_TOBJ = $(LIB_SRC:%.c=$(T)/%.o)
DAEMON_OBJ = $(DAEMON_SRC:%.c=$(B)/%.o)
DAEMON_TOBJ = $(DAEMON_SRC:%.c=$(T)/%.o)
UNIT_BIN = $(UNIT_SRC:tests/unit/%.c=$(T)/%)
BENCH_BIN = $(BENCH_SRC:bench/%.c=$(B)/bench/%)

.PHONY: all deps test bench demo install clean format FORCE
all: $(B)/mmd $(BENCH_BIN)

deps:
	@sh mk/deps.sh

# Objects follow the flags they were built with: a change rebuilds them.
$(B)/.flags: FORCE
	@mkdir -p $(B)
	@echo '$(CC) $(BASE_CFLAGS) $(CFLAGS)' | cmp -s - $@ || \
		echo '$(CC) $(BASE_CFLAGS) $(CFLAGS)' > $@

$(T)/.flags: FORCE
	@mkdir -p $(T)
	@echo '$(CC) $(BASE_CFLAGS) $(TEST_CFLAGS)' | cmp -s - $@ || \
		echo '$(CC) $(BASE_CFLAGS) $(TEST_CFLAGS)' > $@

FORCE:

$(B)/%.o: %.c $(B)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(CFLAGS) -MMD -MP -c $< -o $@

$(T)/%.o: %.c $(T)/.flags
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

$(B)/libmm.a: $(LIB_OBJ)
	$(LTO_AR) rcs $@ $^

$(T)/libmm.a: $(LIB_TOBJ)
	$(AR) rcs $@ $^

$(B)/mmd: $(DAEMON_OBJ) $(B)/libmm.a
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS)

$(T)/mmd: $(DAEMON_TOBJ) $(T)/libmm.a
	$(CC) $(TEST_CFLAGS) -o $@ $^ $(PKG_LIBS)

$(T)/test_%: $(T)/tests/unit/test_%.o $(T)/libmm.a
	$(CC) $(TEST_CFLAGS) -o $@ $^ $(PKG_LIBS) $(CMOCKA_LIBS) -lm

$(B)/bench/%: $(B)/bench/%.o $(B)/libmm.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) -lm

test: deps
	@$(MAKE) --no-print-directory $(UNIT_BIN) $(T)/mmd
	@sh tests/run.sh $(T)

bench: deps
	@$(MAKE) --no-print-directory $(BENCH_BIN)
	@for b in $(BENCH_BIN); do echo "== $$b"; $$b || exit 1; done

demo: deps
	@$(MAKE) --no-print-directory $(B)/mmd
	@sh mk/demo.sh $(B)

install: $(B)/mmd
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(DATADIR)/layouts $(DESTDIR)$(SYSCONFDIR)/mmd
	install -m 755 $(B)/mmd $(DESTDIR)$(SBINDIR)/mmd
	install -m 644 config/*.yaml $(DESTDIR)$(DATADIR)/layouts/
	install -m 644 config/x86_64.yaml $(DESTDIR)$(SYSCONFDIR)/mmd/mmd.yaml

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
