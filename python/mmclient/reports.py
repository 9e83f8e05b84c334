# SPDX-License-Identifier: MIT
"""reports.py - mmd's /proc-style reports, read into dataclasses.

Owns: parsing the text of the reports mmclient exposes (meminfo,
buddyinfo, vmstat, slabinfo, ps, status, maps, vmallocinfo) into
dataclasses. The one place that knows the texts' layout: when mmd sends
reports as structured messages, this module alone is replaced. Must
never: talk to mmd (machine.py asks for the text), or guess at a line
it cannot read (it raises ValueError naming it).
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional

__all__ = ["Meminfo", "BuddyZone", "Vmstat", "SlabInfo", "Process",
           "Status", "VmArea", "VmallocArea", "parse_meminfo",
           "parse_buddyinfo", "parse_vmstat", "parse_slabinfo", "parse_ps",
           "parse_status", "parse_maps", "parse_vmallocinfo"]


def _bad(report, line):
    return ValueError("%s: cannot read line %r" % (report, line))


@dataclass
class Meminfo:
    """/proc/meminfo: each line's value, in kB as the file gives them
    (the HugePages_* counts are counts). m["MemFree"] or m.values."""

    values: Dict[str, int] = field(default_factory=dict)

    def __getitem__(self, key):
        return self.values[key]

    @property
    def mem_total(self):
        return self.values["MemTotal"]

    @property
    def mem_free(self):
        return self.values["MemFree"]

    @property
    def mem_available(self):
        return self.values["MemAvailable"]


def parse_meminfo(text):
    m = Meminfo()
    for line in text.splitlines():
        if not line.strip():
            continue
        key, sep, rest = line.partition(":")
        words = rest.split()
        if not sep or not words or not words[0].isdigit():
            raise _bad("meminfo", line)
        m.values[key] = int(words[0])
    return m


@dataclass
class BuddyZone:
    """A line of /proc/buddyinfo: free blocks of each order in a zone."""

    node: int
    zone: str
    free: List[int]

    def free_pages(self):
        """The pages those blocks hold."""
        return sum(n << order for order, n in enumerate(self.free))


def parse_buddyinfo(text):
    zones = []
    for line in text.splitlines():
        if not line.strip():
            continue
        words = line.replace(",", " ").split()
        if len(words) < 5 or words[0] != "Node" or words[2] != "zone":
            raise _bad("buddyinfo", line)
        zones.append(BuddyZone(int(words[1]), words[3],
                               [int(w) for w in words[4:]]))
    return zones


@dataclass
class Vmstat:
    """/proc/vmstat: every counter by name. v["pgfault"] or v.values."""

    values: Dict[str, int] = field(default_factory=dict)

    def __getitem__(self, key):
        return self.values[key]


def parse_vmstat(text):
    v = Vmstat()
    for line in text.splitlines():
        if not line.strip():
            continue
        words = line.split()
        if len(words) != 2:
            raise _bad("vmstat", line)
        v.values[words[0]] = int(words[1])
    return v


@dataclass
class SlabInfo:
    """A cache's line of /proc/slabinfo 2.1."""

    name: str
    active_objs: int
    num_objs: int
    objsize: int
    objperslab: int
    pagesperslab: int
    active_slabs: int
    num_slabs: int


def parse_slabinfo(text):
    caches = []
    for line in text.splitlines():
        if not line.strip() or line.startswith(("slabinfo -", "#")):
            continue
        words = line.split()
        if len(words) != 16 or words[6] != ":" or words[11] != ":":
            raise _bad("slabinfo", line)
        n = [int(w) for w in words[1:6]]
        caches.append(SlabInfo(words[0], *n, int(words[13]),
                               int(words[14])))
    return caches


@dataclass
class Process:
    """A line of the ps report (sizes in kB, as ps shows them)."""

    pid: int
    psr: int
    vsz: int
    rss: int
    swap: int
    minflt: int
    majflt: int
    kpages: int
    kobjs: int
    command: str


def parse_ps(text):
    procs = []
    lines = text.splitlines()
    if not lines or lines[0].split()[:1] != ["PID"]:
        raise _bad("ps", lines[0] if lines else "")
    for line in lines[1:]:
        words = line.split(None, 9)
        if len(words) != 10:
            raise _bad("ps", line)
        procs.append(Process(*[int(w) for w in words[:9]], words[9]))
    return procs


@dataclass
class Status:
    """/proc/PID/status-like lines: the values as text by name, and the
    kB ones as numbers (s.kb["VmRSS"]); s["Name"], s.pid."""

    values: Dict[str, str] = field(default_factory=dict)
    kb: Dict[str, int] = field(default_factory=dict)

    def __getitem__(self, key):
        return self.values[key]

    @property
    def pid(self):
        return int(self.values["Pid"])


def parse_status(text):
    s = Status()
    for line in text.splitlines():
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise _bad("status", line)
        value = value.strip()
        s.values[key] = value
        if value.endswith(" kB"):
            s.kb[key] = int(value[:-3])
    return s


@dataclass
class VmArea:
    """A line of /proc/PID/maps."""

    start: int
    end: int
    perms: str
    offset: int
    dev: str
    inode: int
    path: Optional[str]

    @property
    def size(self):
        return self.end - self.start


def parse_maps(text):
    areas = []
    for line in text.splitlines():
        if not line.strip():
            continue
        words = line.split(None, 5)
        if len(words) < 5 or "-" not in words[0]:
            raise _bad("maps", line)
        start, end = (int(x, 16) for x in words[0].split("-"))
        path = words[5].strip() if len(words) == 6 else None
        areas.append(VmArea(start, end, words[1], int(words[2], 16),
                            words[3], int(words[4]), path or None))
    return areas


@dataclass
class VmallocArea:
    """A line of /proc/vmallocinfo: the range, its size, the caller and
    the rest (pid=, pages=, vmalloc, N0=...) as words."""

    start: int
    end: int
    size: int
    caller: str
    flags: List[str]

    def pages(self):
        for w in self.flags:
            if w.startswith("pages="):
                return int(w[6:])
        return 0


def parse_vmallocinfo(text):
    areas = []
    for line in text.splitlines():
        if not line.strip():
            continue
        words = line.split()
        if len(words) < 3 or "-" not in words[0]:
            raise _bad("vmallocinfo", line)
        start, end = (int(x, 16) for x in words[0].split("-"))
        areas.append(VmallocArea(start, end, int(words[1]), words[2],
                                 words[3:]))
    return areas
