# SPDX-License-Identifier: MIT
"""translate_text.py - mmctl translate's text printed again from its
--json (mm.proto's SegTranslation), line for line as mmd prints it: a
check that the data holds every value the text shows.
   usage: python3 translate_text.py FILE.json
Must never: read anything but the JSON it is given."""
import json
import sys


def cx(v):
    """C's %#x: 0 has no prefix."""
    return "%#x" % v if v else "0"


def selector_lines(t):
    if t["sreg"]:
        return ["Far pointer:\t%s:0x%08x (%s=0x%04x) on cpu %d at CPL %d"
                % (t["sreg"], t["offset"], t["sreg"], t["selector"],
                   t["cpu"], t["cpl"]),
                "Cache:\tthe descriptor loaded with the register; "
                "no table is read"]
    name = " (%s)" % t["gdt_entry"] if t["gdt_entry"] else ""
    return ["Far pointer:\t0x%04x:0x%08x on cpu %d at CPL %d"
            % (t["selector"], t["offset"], t["cpu"], t["cpl"]),
            "Selector:\tindex %d%s, TI %d (%s), RPL %d"
            % (t["index"], name, t["ti"], "LDT" if t["ti"] else "GDT",
               t["rpl"])]


def descriptor_lines(t):
    d = t["descriptor"]
    if t["sreg"]:
        out = ["Descriptor:\t0x%016x (cached)" % d["raw"]]
    else:
        out = ["%sR:\tbase 0x%08x, limit 0x%04x"
               % (t["table"], t["table_base"], t["table_limit"]),
               "Descriptor:\t0x%016x at 0x%08x (phys 0x%08x)"
               % (d["raw"], t["descriptor_address"], t["descriptor_phys"])]
    out.append("Segment:\tbase 0x%08x, limit 0x%05x, G=%d (last byte "
               "0x%08x), D/B=%d, P=%d, DPL %d, S=%d, type 0x%x (%s%s)"
               % (t["base_address"], d["limit"], d["g"], d["limit_bytes"],
                  d["d_b"], d["p"], d["dpl"], d["s"], d["type"],
                  d["type_name"], ", accessed" if d["accessed"] else ""))
    return out


def check_lines(t, n):
    out = []
    if t["sreg"]:
        out.append("Privilege:\tchecked when %s was loaded" % t["sreg"])
    elif n >= 3 and t["conforming"]:
        out.append("Privilege:\tconforming code: any CPL may read it")
    elif n >= 3:
        out.append("Privilege:\tDPL %d >= max(CPL %d, RPL %d) = %d"
                   % (t["descriptor"]["dpl"], t["cpl"], t["rpl"],
                      t["max_pl"]))
    if n >= 4 and not t["sreg"]:
        out.append("Present:\tP=1")
    if n >= 5:
        out.append("Limit:\toffset 0x%08x in [0x%08x, 0x%08x]"
                   % (t["offset"], t["first"], t["last"]))
    return out


def paging_lines(t, n):
    if n < 6:
        return []
    out = ["Linear:\t0x%08x + 0x%08x = 0x%08x"
           % (t["base_address"], t["offset"], t["linear"])]
    for lv in t["levels"]:
        out.append("%s:\tindex %4d  entry 0x%08x  table pfn %s"
                   % (lv["name"], lv["index"], lv["entry"],
                      cx(lv["table_pfn"])))
    if n >= 7:
        out.append("Physical:\t0x%08x (pfn %s, %d kB page)"
                   % (t["phys"], cx(t["pfn"]), t["page_size"] >> 10))
    return out


def fault_lines(t):
    f = t["fault"]
    if not t["faulted"]:
        return []
    if f["vector"] == 14:
        return ["Fault:\t%s(%s), CR2 0x%08x: %s"
                % (f["name"], cx(f["error_code"]), f["cr2"], f["reason"])]
    return ["Fault:\t%s(%s): %s" % (f["name"], cx(f["error_code"]),
                                    f["reason"])]


def main():
    with open(sys.argv[1]) as f:
        t = json.load(f)
    n = len(t["steps"])
    out = selector_lines(t)
    if n >= 2:
        out += descriptor_lines(t)
    out += check_lines(t, n) + paging_lines(t, n) + fault_lines(t)
    print("\n".join(out))


main()
