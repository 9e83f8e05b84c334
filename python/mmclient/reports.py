# SPDX-License-Identifier: MIT
"""reports.py - mmd's reports as dataclasses.

Owns: the dataclasses a report is read into, filled from the structured
report mmd sends (mm.proto's message of the report's kind, the values
its /proc text is printed from: from_message), and the parsers of the
kernel's own text files (parse_*), for /proc files of a real machine,
which give the same dataclasses. Must never: talk to mmd (machine.py
asks for the messages), parse mmd's text where its data exists, or guess
at a line it cannot read (it raises ValueError naming it).

Names: a message's fields keep their mm.proto (snake_case) names; a
report read by a kernel key accepts the kernel's name too (m["MemTotal"]
is m.mem_total: snake() says how a key becomes a field's name).
"""
import dataclasses
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional

__all__ = ["Meminfo", "BuddyZone", "Vmstat", "SlabInfo", "Process",
           "Status", "VmArea", "VmallocArea", "from_message", "snake",
           "parse_meminfo", "parse_buddyinfo", "parse_vmstat",
           "parse_slabinfo", "parse_ps", "parse_status", "parse_maps",
           "parse_vmallocinfo"]


def _bad(report, line):
    return ValueError("%s: cannot read line %r" % (report, line))


def snake(key):
    """A kernel key as mm.proto names its field: MemTotal mem_total,
    Active(anon) active_anon, SReclaimable s_reclaimable."""
    key = re.sub(r"\((\w+)\)", r"_\1", key)
    key = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", key)
    key = re.sub(r"(?<=[A-Z])(?=[A-Z][a-z])", "_", key)
    return key.lower()


# The classes of the messages that have one here (with its methods);
# any other message gets a dataclass made from its descriptor.
_CLASSES = {}
_MADE = {}


def _message_class(name):
    def register(cls):
        _CLASSES[name] = cls
        return cls
    return register


def _value(f, v):
    if f.label == f.LABEL_REPEATED:
        if f.message_type is not None and f.message_type.name == "Counter":
            return {c.name: c.value for c in v}
        return [_value_one(f, x) for x in v]
    return _value_one(f, v)


def _value_one(f, v):
    if f.message_type is not None:
        return from_message(v)
    if f.enum_type is not None:
        ev = f.enum_type.values_by_number.get(v)
        return ev.name if ev is not None else v
    return v


def _made_class(d):
    cls = _MADE.get(d.full_name)
    if cls is None:
        cls = dataclasses.make_dataclass(
            d.name, [(f.name, object) for f in d.fields],
            bases=(_Record,))
        _MADE[d.full_name] = cls
    return cls


class _Record:
    """A message's fields as attributes; r["Key"] is r.snake("Key")."""

    def __getitem__(self, key):
        try:
            return getattr(self, snake(key))
        except AttributeError:
            raise KeyError(key) from None


def from_message(msg):
    """A structured report's message (or any message of one) as its
    dataclass: its fields by name, nested messages as dataclasses,
    repeated ones as lists, a repeated Counter as a dict."""
    values = {f.name: _value(f, getattr(msg, f.name))
              for f in msg.DESCRIPTOR.fields}
    cls = _CLASSES.get(msg.DESCRIPTOR.name)
    if cls is not None:
        return cls.from_values(values)
    return _made_class(msg.DESCRIPTOR)(**values)


@_message_class("Meminfo")
@dataclass
class Meminfo:
    """/proc/meminfo: each line's value by its field's name, in kB as the
    file gives them (the huge_pages_* are counts). m.mem_free,
    m["MemFree"] or m.values["mem_free"]; the machine's report also has
    mm.proto's two flags (highmem, x86_64) in values."""

    values: Dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_values(cls, values):
        return cls(dict(values))

    def __getitem__(self, key):
        return self.values[snake(key)]

    def __getattr__(self, name):
        values = self.__dict__.get("values", {})
        if name in values:
            return values[name]
        raise AttributeError(name)


def parse_meminfo(text):
    m = Meminfo()
    for line in text.splitlines():
        if not line.strip():
            continue
        key, sep, rest = line.partition(":")
        words = rest.split()
        if not sep or not words or not words[0].isdigit():
            raise _bad("meminfo", line)
        m.values[snake(key)] = int(words[0])
    return m


@_message_class("BuddyZone")
@dataclass
class BuddyZone:
    """A line of /proc/buddyinfo: free blocks of each order in a zone."""

    node: int
    zone: str
    free: List[int]

    @classmethod
    def from_values(cls, values):
        return cls(**values)

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


@_message_class("Vmstat")
@dataclass
class Vmstat:
    """/proc/vmstat: every counter by name. v["pgfault"] or v.values."""

    values: Dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_values(cls, values):
        return cls(dict(values["counters"]))

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


@_message_class("SlabCache")
@dataclass
class SlabInfo:
    """A cache's line of /proc/slabinfo 2.1 (mm.proto's SlabCache)."""

    name: str
    active_objs: int
    num_objs: int
    objsize: int
    objperslab: int
    pagesperslab: int
    active_slabs: int
    num_slabs: int
    limit: int = 0
    batchcount: int = 0
    sharedfactor: int = 0
    sharedavail: int = 0

    @classmethod
    def from_values(cls, values):
        return cls(**values)


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


@_message_class("PsProcess")
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

    @classmethod
    def from_values(cls, values):
        return cls(**values)


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


@_message_class("Status")
@dataclass
class Status:
    """/proc/PID/status-like lines by their snake_case names: s["VmRSS"]
    is s.values["vm_rss"]; s.pid. From mmd, the values are mm.proto's
    Status (numbers, kB where the text says kB); read from a kernel's
    file (parse_status), they are its text, and kb holds the kB ones as
    numbers."""

    values: Dict[str, object] = field(default_factory=dict)
    kb: Dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_values(cls, values):
        return cls(dict(values))

    def __getitem__(self, key):
        return self.values[snake(key)]

    @property
    def pid(self):
        return int(self.values["pid"])


def parse_status(text):
    s = Status()
    for line in text.splitlines():
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise _bad("status", line)
        value = value.strip()
        s.values[snake(key)] = value
        if value.endswith(" kB"):
            s.kb[snake(key)] = int(value[:-3])
    return s


@_message_class("Vma")
@dataclass
class VmArea:
    """A line of /proc/PID/maps (mm.proto's Vma; path None for an
    anonymous mapping)."""

    start: int
    end: int
    perms: str
    offset: int
    dev: str
    inode: int
    path: Optional[str]

    @classmethod
    def from_values(cls, values):
        v = dict(values)
        path = v.pop("name")
        return cls(path=path or None, **v)

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


@_message_class("VmallocArea")
@dataclass
class VmallocArea:
    """A line of /proc/vmallocinfo: the range, its size, the caller, and
    from mmd (mm.proto's VmallocArea) the owner's pid, the pages of a
    vmalloc, the phys of an ioremap and the kind ("vmalloc", "vmap",
    "ioremap"); read from a kernel's file, the rest of the line as words
    in flags."""

    start: int
    end: int
    size: int
    caller: str
    flags: List[str] = field(default_factory=list)
    pid: Optional[int] = None
    nr_pages: int = 0
    phys: int = 0
    kind: str = ""

    @classmethod
    def from_values(cls, values):
        v = dict(values)
        return cls(v["start"], v["end"], v["size"], v["caller"],
                   [v["kind"]], v["pid"], v["pages"], v["phys"], v["kind"])

    def pages(self):
        if self.nr_pages:
            return self.nr_pages
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
