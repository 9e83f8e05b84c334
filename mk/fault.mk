# SPDX-License-Identifier: MIT
# mk/fault.mk - mmd-fault, the daemon built for fault injection, and the
# tests that sweep it (docs/reliability.md).
#
# Included at the end of the Makefile. build/test/mmd-fault is the test
# daemon (ASan, UBSan) linked with tests/fault/inject.o behind -Wl,--wrap:
# the MMD_FAULT_* variables (tests/fault/fault.h) make its Nth host
# allocation, write to a client, swap write or swap slot fail.
#
#   make fault                  the full sweep: every allocation of the
#                               workload, and every write (slow)
#   make fault FAULT_STRIDE=10  every tenth
#
# Must never: change a rule the Makefile owns, or put inject.o in
# anything but a test program.

FAULT_WRAP = -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc \
	-Wl,--wrap=uv_try_write,--wrap=uv_write \
	-Wl,--wrap=swap_writepage,--wrap=get_swap_page
FAULT_STRIDE ?= 1

$(T)/mmd-fault: $(DAEMON_TOBJ) $(PROTO_TOBJ) $(T)/tests/fault/inject.o \
		$(MM_TLIBS)
	$(CC) $(TEST_CFLAGS) $(FAULT_WRAP) -o $@ $^ $(PKG_LIBS)

.PHONY: fault
fault: deps
	@$(MAKE) --no-print-directory $(T)/mmd-fault $(T)/mmc_test $(T)/soak
	@FAULT_STRIDE=$(FAULT_STRIDE) FAULT_FULL=1 MMD=$(T)/mmd \
		sh tests/integration/fault.sh

test: $(T)/mmd-fault

# The unit test of the machine under host faults (exit without memory,
# failing swap) links the same shim.
$(T)/test_fault: $(T)/tests/fault/inject.o
$(T)/test_fault: private PKG_LIBS += $(FAULT_WRAP)
