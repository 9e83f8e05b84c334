# SPDX-License-Identifier: MIT
# mk/soak.mk - the churn-and-soak test and its client, build/test/soak
# (tests/soak/soak.c); docs/reliability.md says what they check.
#
# Included at the end of the Makefile.
#
#   make soak SOAK_SECONDS=600   the optimized mmd under hundreds of
#                                clients for 10 minutes (default 60 s)
#   make soak-hostile SOAK_SECONDS=600
#                                the same clients beside the hostile ones
#                                of tests/integration/mmd_attack.sh
#
# make test runs a short one on the sanitized daemon
# (tests/integration/soak.sh). Must never: change a rule the Makefile
# owns.

SOAK_SECONDS ?= 60

$(T)/soak: $(T)/tests/soak/soak.o $(T)/libmmclient.a
	$(CC) $(TEST_CFLAGS) -o $@ $^ $(PKG_LIBS)

.PHONY: soak
soak: deps
	@$(MAKE) --no-print-directory $(B)/mmd $(T)/soak
	@SOAK_SECONDS=$(SOAK_SECONDS) SOAK_MMD=$(B)/mmd MMD=$(T)/mmd \
		sh tests/integration/soak.sh

.PHONY: soak-hostile
soak-hostile: deps
	@$(MAKE) --no-print-directory $(B)/mmd $(T)/soak $(T)/mmc_test
	@SOAK_SECONDS=$(SOAK_SECONDS) SOAK_MMD=$(B)/mmd MMD=$(T)/mmd \
		sh tests/integration/soak_hostile.sh

# The soak runs the optimized daemon, as users do (and memcheck too).
test: $(T)/soak $(B)/mmd
