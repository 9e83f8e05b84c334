#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""gen_ops.py - writes mmclient/_ops.py from proto/ops.def at build time.

Owns: turning each row of the operation table into a Python tuple
(name, field, message, result, flags), so that Machine's methods follow
the table as mmd's dispatch and libmmclient's senders do. Must never:
invent an operation the table lacks or guess a row it cannot read (it
fails instead).

usage: gen_ops.py proto/ops.def OUT
"""
import re
import sys

ROW = re.compile(r"^(?:UAPI_)?OP\(\s*(\w+),\s*(\w+),\s*(\w+),\s*(\w+),"
                 r"\s*([^,)]+)")


def rows(text):
    continued = False
    for line in text.splitlines():
        line = line.strip()
        # The macro's own definition goes on past a backslash: not a row.
        after_backslash, continued = continued, line.endswith("\\")
        if after_backslash or not (line.startswith("OP(")
                                   or line.startswith("UAPI_OP(")):
            continue
        m = ROW.match(line)
        if not m:
            sys.exit("gen_ops.py: cannot read row: " + line)
        name, field, msg, result, flags = m.groups()
        flags = tuple(f.strip() for f in flags.split("|")
                      if f.strip() != "0")
        yield (name, field, msg, result, flags)


def main():
    src, out = sys.argv[1], sys.argv[2]
    with open(src, encoding="utf-8") as f:
        table = list(rows(f.read()))
    if not table:
        sys.exit("gen_ops.py: no rows in " + src)
    with open(out, "w", encoding="utf-8") as f:
        f.write('"""The operation table, generated from proto/ops.def by '
                'gen_ops.py: do not edit."""\n\nOPS = (\n')
        for row in table:
            f.write("    %r,\n" % (row,))
        f.write(")\n")


if __name__ == "__main__":
    main()
