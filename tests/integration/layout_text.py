# SPDX-License-Identifier: MIT
"""layout_text.py - mmctl layout's values printed again from its --json
(mm.proto's VmLayout) in the text's own formats: the i386 boot lines
whole, each table row's start, end and description as the row prints
them (| between), and the key: value lines whole.
   usage: python3 layout_text.py FILE.json
Must never: read anything but the JSON it is given."""
import json
import sys


def cx(v):
    """C's %#x: 0 has no prefix."""
    return "%#x" % v if v else "0"


def main():
    with open(sys.argv[1]) as f:
        v = json.load(f)
    i386 = v["arch"] == "i386"
    for b in v["boot_lines"]:
        name = b["name"] if b["name"].startswith(".") else "%-7s" % b["name"]
        print("%11s : 0x%08x - 0x%08x   (%4d %s)"
              % (name, b["start"], b["end"], b["size"], b["unit"]))
    hexw = "  %08x" if i386 else "%016x"
    for r in v["rows"]:
        assert r["end"] - r["start"] + 1 == r["size"], r
        top = 1 << (32 if i386 else 64)
        want = r["start"] if r["start"] < v["task_size"] else r["start"] - top
        assert r["offset"] == want, r
        print("%s|%s|%s%s" % (hexw % r["start"], hexw % r["end"],
                              "... " if r["inside"] else "",
                              r["description"]))
    print("__per_cpu_start: %s" % cx(v["per_cpu_start"]))
    print("pcpu_base_addr: %s" % cx(v["pcpu_base_addr"]))
    print("pcpu_unit_size: %d" % v["pcpu_unit_size"])
    for cpu, off in enumerate(v["per_cpu_offset"]):
        print("__per_cpu_offset[%d]: %s" % (cpu, cx(off)))
    print("THREAD_SIZE: %d" % v["thread_size"])
    print("KernelStack: %d kB" % v["kernel_stack_kb"])


main()
