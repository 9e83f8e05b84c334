# SPDX-License-Identifier: MIT
# mk/python.mk - mmclient, the Python package: how it builds, installs
# and gets tested.
#
# Included at the end of the Makefile. Hooks in only by adding
# prerequisites: `all` and `test` build the package into build/python/
# (the message classes made from proto/mm.proto by Debian's protoc, the
# operation table from proto/ops.def by python/gen_ops.py), `install`
# puts it where Debian's python3 finds it. tests/integration/python.sh
# runs its tests against a real mmd and draws the example's PNG into
# build/. Debian's python3 runs it all (/usr/bin/python3: another on the
# PATH would not see python3-protobuf). Must never: change a rule the
# Makefile owns.

PYTHON ?= /usr/bin/python3
PY_SRC = $(wildcard python/mmclient/*.py)
PY_PKG = $(B)/python/mmclient
PY_OUT = $(PY_SRC:python/mmclient/%=$(PY_PKG)/%) $(PY_PKG)/mm_pb2.py \
	$(PY_PKG)/_ops.py
# Debian's python3 reads /usr/lib/python3/dist-packages, and under
# /usr/local, /usr/local/lib/python3.X/dist-packages.
PY_VER = $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)
PYTHONDIR ?= $(if $(filter /usr,$(PREFIX)),$(PREFIX)/lib/python3/dist-packages,$(PREFIX)/lib/python$(PY_VER)/dist-packages)

$(PY_PKG)/%.py: python/mmclient/%.py
	@mkdir -p $(dir $@)
	cp $< $@

$(PY_PKG)/mm_pb2.py: proto/mm.proto
	@mkdir -p $(dir $@)
	protoc --proto_path=proto --python_out=$(PY_PKG) mm.proto

$(PY_PKG)/_ops.py: proto/ops.def python/gen_ops.py
	@mkdir -p $(dir $@)
	$(PYTHON) python/gen_ops.py proto/ops.def $@

.PHONY: python install-python
python: $(PY_OUT)

build: python
test: python
install: install-python
uninstall: uninstall-python

.PHONY: uninstall-python
uninstall-python:
	rm -f $(addprefix $(DESTDIR)$(PYTHONDIR)/mmclient/,$(notdir $(PY_OUT))) \
		$(DESTDIR)$(EXAMPLEDIR)/memory_over_time.py
	-rmdir $(DESTDIR)$(PYTHONDIR)/mmclient 2>/dev/null

install-python: python
	install -d $(DESTDIR)$(PYTHONDIR)/mmclient $(DESTDIR)$(EXAMPLEDIR)
	install -m 644 $(PY_OUT) $(DESTDIR)$(PYTHONDIR)/mmclient/
	install -m 644 examples/memory_over_time.py $(DESTDIR)$(EXAMPLEDIR)/
