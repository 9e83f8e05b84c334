# SPDX-License-Identifier: MIT
# mk/memcheck.mk - `make memcheck`: the optimized mmd under valgrind
# memcheck through an integration run (tests/integration/memcheck.sh,
# which make test runs too, with a 5 s churn).
#
#   make memcheck MEMCHECK_SECONDS=60   a longer churn under valgrind
#
# Included at the end of the Makefile. Must never: change a rule the
# Makefile owns.

MEMCHECK_SECONDS ?= 20

.PHONY: memcheck
memcheck: deps
	@$(MAKE) --no-print-directory $(B)/mmd $(T)/soak
	@MEMCHECK_SECONDS=$(MEMCHECK_SECONDS) MMD=$(T)/mmd \
		sh tests/integration/memcheck.sh

test: $(B)/mmd $(T)/soak
