# SPDX-License-Identifier: MIT
# mk/fuzz.mk - the libFuzzer harnesses (tests/fuzz/fuzz_*.c): how they
# build with clang, and `make fuzz`.
#
# Included at the end of the Makefile. Every harness links the machine,
# the layout loader, the framing and the daemon (all but its main), built
# with clang under ASan, UBSan and libFuzzer's coverage into build/fuzz/.
# A new harness is one file, tests/fuzz/fuzz_NAME.c, with its seed corpus
# in tests/fuzz/corpus/NAME/; one that needs sources beyond these names
# them as prerequisites here, as fuzz_trace does tools/trace.c.
#
#   make fuzz FUZZ_SECONDS=60        each harness for 60 s (default 60)
#   make fuzz FUZZ_SECONDS=60 FUZZ=session   one harness
#
# Must never: change a rule the Makefile owns, or write to the checked-in
# corpora (what a run finds goes to build/fuzz/corpus/).

FUZZ_CC ?= clang
FZ = $(B)/fuzz
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer
FUZZ_CFLAGS = -O1 -g -fsanitize=fuzzer-no-link $(FUZZ_SAN) \
	-fsanitize-coverage-ignorelist=tests/fuzz/coverage-ignore.txt
FUZZ_LDFLAGS = -fsanitize=fuzzer $(FUZZ_SAN)
FUZZ_SECONDS ?= 60
FUZZ ?=

FUZZ_LIB_SRC = $(LIB_SRC) $(filter-out daemon/mmd.c,$(DAEMON_SRC)) \
	proto/frame.c proto/codec.c proto/recording.c
FUZZ_LIB_OBJ = $(FUZZ_LIB_SRC:%.c=$(FZ)/%.o) $(FZ)/gen/proto/mm.pb-c.o
FUZZ_HARNESS_SRC = $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN = $(FUZZ_HARNESS_SRC:tests/fuzz/%.c=$(FZ)/%)

.PHONY: fuzz fuzzers
fuzzers: $(FUZZ_BIN)

# The harnesses' objects are kept by the Makefile's bare .SECONDARY (a
# .SECONDARY with prerequisites here would undo it for every other file).

$(FZ)/.flags: FORCE
	@mkdir -p $(FZ)
	@echo '$(FUZZ_CC) $(BASE_CFLAGS) $(FUZZ_CFLAGS)' | cmp -s - $@ || \
		echo '$(FUZZ_CC) $(BASE_CFLAGS) $(FUZZ_CFLAGS)' > $@

# What coverage leaves out is part of how an object is built.
$(FZ)/%.o: %.c $(FZ)/.flags tests/fuzz/coverage-ignore.txt | $(PROTO_GEN_H)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(BASE_CFLAGS) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(FZ)/gen/%.o: $(GEN)/%.c $(FZ)/.flags
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(BASE_CFLAGS) $(FUZZ_CFLAGS) -c $< -o $@

# Made afresh, and whenever its list of sources changes: `ar r` keeps
# the members it is not given, and a core or daemon file renamed would
# leave its old object defining the same symbols as the new one.
$(FZ)/libmm.list: FORCE
	@mkdir -p $(dir $@)
	@echo '$(FUZZ_LIB_SRC)' | cmp -s - $@ || echo '$(FUZZ_LIB_SRC)' > $@

$(FZ)/libmm.a: $(FUZZ_LIB_OBJ) $(FZ)/libmm.list
	rm -f $@
	$(AR) rcs $@ $(FUZZ_LIB_OBJ)

# Objects first, then the library, whatever order the prerequisites
# came in: a harness's own extra sources may call into the library.
$(FZ)/fuzz_%: $(FZ)/tests/fuzz/fuzz_%.o $(FZ)/libmm.a
	$(FUZZ_CC) $(FUZZ_LDFLAGS) -o $@ $(filter %.o,$^) $(FZ)/libmm.a \
		$(PKG_LIBS)

# The session harness writes its own seeds and the requests harness's
# (tests/fuzz/seed_session.c): `make fuzz-seeds` after a change to the
# scripts or the protocol.
$(FZ)/fuzz_session: $(FZ)/tests/fuzz/seed_session.o
$(FZ)/fuzz_session $(FZ)/fuzz_requests: $(FZ)/tests/fuzz/harness.o

.PHONY: fuzz-seeds
fuzz-seeds: $(FZ)/fuzz_session
	rm -f tests/fuzz/corpus/session/seed-* tests/fuzz/corpus/requests/seed-*
	@mkdir -p tests/fuzz/corpus/session tests/fuzz/corpus/requests
	MM_FUZZ_SEEDS=tests/fuzz/corpus $(FZ)/fuzz_session

# The trace reader's harness replays what it accepts through core's
# malloc, in a machine of its own.
$(FZ)/fuzz_trace: $(FZ)/tools/trace.o $(FZ)/tools/replay.o \
	$(FZ)/tools/replay_direct.o

fuzz: deps
	@$(MAKE) --no-print-directory fuzzers
	@sh tests/fuzz/run.sh $(FZ) $(FUZZ_SECONDS) $(FUZZ)

test: fuzzers
