# SPDX-License-Identifier: MIT
"""machine.py - a session with mmd: Machine, its calls and pipelines.

Owns: the socket and its framing (a 4-byte big-endian length, then one
protobuf message), Hello, request ids and the queue of replies awaited
in order, a method for every row of proto/ops.def (made from the table,
with the kernel's names), reports asked for part by part, handles that
free what they allocated, pipelines and events. Must never: parse a
report's text (reports.py does), send more requests than the daemon
lets one session have in flight without reading replies, or raise
anything but OSError subclasses for what mmd refused.
"""
import collections
import errno
import os
import select
import socket
import struct

from . import events as _events
from . import mm_pb2 as pb
from . import reports as _reports
from ._ops import OPS
from .errors import ConnectionLost, error_for

__all__ = ["Machine", "Handle", "Pending", "Pipeline", "DEFAULT_SOCKET",
           "GFP_KERNEL"]

DEFAULT_SOCKET = "/run/mmd/mmd.sock"
GFP_KERNEL = pb.GFP_KERNEL  # mm.proto names the kernel's masks
_DEFAULT_MAX_FRAME = 1 << 20
_HEADER = struct.Struct(">I")
# The statuses of a connection-level refusal (mm.proto, UNSOLICITED
# FRAMES).
_REFUSALS = (errno.EUSERS, errno.ESHUTDOWN, errno.EMFILE,
             errno.EPROTONOSUPPORT, errno.EMSGSIZE, errno.ETIMEDOUT)

# What frees what an operation gave: (the freeing op, its arguments from
# the result v and the request q). Handle.free() and `with` use it.
_FREES = {
    "alloc_pages": ("free_pages", lambda v, q: dict(pfn=v, order=q.order)),
    "kmem_cache_create": ("kmem_cache_destroy", lambda v, q: dict(cache=v)),
    "kmem_cache_alloc": ("kmem_cache_free",
                         lambda v, q: dict(cache=q.cache, addr=v)),
    "kmalloc": ("kfree", lambda v, q: dict(addr=v)),
    "kcalloc": ("kfree", lambda v, q: dict(addr=v)),
    "krealloc": ("kfree", lambda v, q: dict(addr=v)),
    "vmalloc": ("vfree", lambda v, q: dict(addr=v)),
    "vzalloc": ("vfree", lambda v, q: dict(addr=v)),
    "vmap": ("vunmap", lambda v, q: dict(addr=v)),
    "ioremap": ("iounmap", lambda v, q: dict(addr=v)),
    "kmap": ("kunmap", lambda v, q: dict(pfn=q.pfn)),
    "kmap_atomic": ("kunmap_atomic", lambda v, q: dict(addr=v)),
    "alloc_percpu": ("free_percpu", lambda v, q: dict(addr=v)),
    "mmz_alloc": ("mmz_free", lambda v, q: dict(addr=v)),
    "cma_alloc": ("cma_release",
                  lambda v, q: dict(name=q.name, pfn=v, count=q.count)),
    "mmap": ("munmap", lambda v, q: dict(pid=q.pid, addr=v, len=q.len)),
    "malloc": ("free", lambda v, q: dict(pid=q.pid, addr=v)),
    "calloc": ("free", lambda v, q: dict(pid=q.pid, addr=v)),
    "realloc": ("free", lambda v, q: dict(pid=q.pid, addr=v)),
    "posix_memalign": ("free", lambda v, q: dict(pid=q.pid, addr=v)),
    "fork": ("exit_process", lambda v, q: dict(pid=v)),
    "get_cpu_var": ("put_cpu_var", lambda v, q: dict(name=q.name)),
    "atomic_enter": ("atomic_exit",
                     lambda v, q: dict(kind=q.kind, flags=v)),
}


class Handle(int):
    """What an allocation gave (a pfn, an address, a cache, a pid...):
    an int, equal to the value, that also knows how to give it back.
    handle.free() gives it back; `with m.kmalloc(64) as addr:` gives it
    back when the block ends, unless it was freed already."""

    def __new__(cls, value, machine=None, free_op=None, free_args=None):
        h = super().__new__(cls, value)
        h._machine, h._free_op, h._free_args = machine, free_op, free_args
        h.freed = False
        return h

    def free(self):
        """Give it back (once); the freeing call's result."""
        if self.freed:
            raise error_for(-errno.EINVAL, "already freed", self._free_op)
        self.freed = True
        return self._machine.call(self._free_op, **self._free_args)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if not self.freed and not self._machine.closed:
            self.free()
        return False


class Pending:
    """A request's reply to come: .done once it came; .result() its
    value, or raises its error. In a pipeline, the calls give these and
    the pipeline's end fills them."""

    def __init__(self, op):
        self.op = op
        self.done = False
        self.status = 0
        self._value = None
        self._error = None

    def _set(self, value=None, error=None):
        self.done = True
        self._value, self._error = value, error
        if error is not None:
            self.status = -error.errno

    def result(self):
        if not self.done:
            raise error_for(-errno.EINPROGRESS,
                            "the pipeline has not ended yet", self.op)
        if self._error is not None:
            raise self._error
        return self._value


def _fields(msg_name):
    """The message's fields in order, with pid last (it is keyword-only
    in Python, 0 meaning the session's own process)."""
    names = [f.name for f in pb.DESCRIPTOR.message_types_by_name[
        msg_name].fields]
    return [n for n in names if n != "pid"], "pid" in names


def _build(op, msg_name, args, kw):
    """The request's message from positional and keyword arguments."""
    order, has_pid = _fields(msg_name)
    if len(args) > len(order):
        raise TypeError("%s() takes at most %d positional arguments (%s)"
                        % (op, len(order), ", ".join(order)))
    values = dict(zip(order, args))
    for k, v in kw.items():
        if k in values:
            raise TypeError("%s() got %s twice" % (op, k))
        if k not in order and not (has_pid and k == "pid"):
            raise TypeError("%s() has no argument %s" % (op, k))
        values[k] = v
    # As kmalloc(size, GFP_KERNEL) is written: the usual flags unless
    # the caller names others.
    if "gfp" in order and "gfp" not in values:
        values["gfp"] = GFP_KERNEL
    msg = getattr(pb, msg_name)()
    for k, v in values.items():
        if isinstance(getattr(msg, k), (bytes, str, int)):
            setattr(msg, k, v)
        elif k == "translation":
            msg.translation.CopyFrom(v)
        else:
            getattr(msg, k).extend(v)
    return msg


def _result(reply, result):
    """A successful Reply's value, as the row's RESULT names it."""
    if result == "NONE":
        return None
    field = result.lower()
    if reply.WhichOneof("result") != field:
        raise error_for(-errno.EBADMSG, "the reply lacks its result")
    value = getattr(reply, field)
    if result == "SESSIONS":
        return list(value.sessions)
    if result == "REGION":
        return (value.phys, value.size)
    return value


class Machine:
    """A session with mmd: a process of the simulated machine.

        with Machine("/run/mmd/mmd.sock", comm="teach") as m:
            with m.kmalloc(100) as addr:
                m.write(addr, b"hello")

    Every row of proto/ops.def is a method named as the kernel names it
    (m.alloc_pages(0), m.kmem_cache_create("c", 64), m.mmap(0, 4096, 3,
    0x22), m.malloc(32, pid=child)...): positional arguments in the
    message's field order, any by keyword, unset ones 0 (gfp: GFP_KERNEL),
    pid keyword-only. A refusal raises MMError (an OSError) with Linux's
    errno and mmd's message.
    """

    def __init__(self, path=None, comm="python", cpu=0, oom_score_adj=0,
                 timeout=None):
        self.path = path or os.environ.get("MMD_SOCKET", DEFAULT_SOCKET)
        self.closed = False
        self.events = collections.deque()  # delivered, not yet taken
        self.on_event = None  # called with each event as it arrives
        self._next_id = 1
        self._queue = collections.deque()  # (id, pending, finish)
        self._max_frame = _DEFAULT_MAX_FRAME
        self._lost = None
        self._rbuf = b""
        self._window = 1  # until Hello says how many may be in flight
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.settimeout(timeout)
        try:
            self._sock.connect(self.path)
        except OSError:
            self._sock.close()
            self.closed = True
            raise
        try:
            self.info = self.call("hello", version=pb.PROTOCOL_VERSION_CURRENT,
                                  comm=comm, cpu=cpu,
                                  oom_score_adj=oom_score_adj)
        except BaseException:
            self.close()
            raise
        self._max_frame = self.info.max_frame_bytes or _DEFAULT_MAX_FRAME
        self.pid = self.info.pid
        # Requests in flight before a reply is read: below what the
        # daemon allows, so it never stops reading while we write.
        self._window = max(1, min(self.info.max_requests or 16, 64) // 2)

    # -- the session ---------------------------------------------------

    def close(self):
        """Exit: mmd frees what the session still holds."""
        if not self.closed:
            self.closed = True
            self._sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def fileno(self):
        """The socket, for select/poll: readable when events wait."""
        return self._sock.fileno()

    def call(self, op, /, *args, **kw):
        """The operation named op (a proto/ops.def field) with args."""
        return self._wait(self._send_op(op, args, kw))

    def pipeline(self):
        """A pipeline: its calls are sent without waiting and give
        Pending objects, filled when the `with` block ends."""
        return Pipeline(self)

    def process_events(self):
        """Read what has arrived, without blocking; the events it held
        (also in self.events and given to on_event)."""
        got = []
        self._poll(got)
        return got

    # -- reports -------------------------------------------------------

    def report(self, kind, pid=0, addr=0, selector=0, translation=None):
        """A report's text, all its parts (kind: a REPORT_* value or its
        name, "meminfo", "buddyinfo" ...)."""
        return self._wait(self._send_report(
            _report_kind(kind), pid, addr, selector, translation))

    def report_data(self, kind, pid=0, addr=0):
        """A report as data: the mm.proto message of its kind (Meminfo
        ...), the values its text is printed from; addr is the node of
        node_meminfo. A kind mmd does not structure yet raises OSError
        with errno EOPNOTSUPP."""
        return self._wait(
            self._send_report_data(_report_kind(kind), pid, addr))

    def meminfo(self):
        """/proc/meminfo, as reports.Meminfo (from the structured report)."""
        return _reports.from_message(self.report_data(pb.REPORT_MEMINFO))

    def buddyinfo(self):
        """/proc/buddyinfo, as a list of reports.BuddyZone."""
        return _reports.from_message(
            self.report_data(pb.REPORT_BUDDYINFO)).zones

    def vmstat(self):
        """/proc/vmstat, as reports.Vmstat."""
        return _reports.from_message(self.report_data(pb.REPORT_VMSTAT))

    def slabinfo(self):
        """/proc/slabinfo, as a list of reports.SlabInfo."""
        return _reports.from_message(
            self.report_data(pb.REPORT_SLABINFO)).caches

    def ps(self):
        """Every process, as a list of reports.Process."""
        return _reports.from_message(self.report_data(pb.REPORT_PS)).processes

    def status(self, pid=0):
        """/proc/PID/status-like lines, as reports.Status."""
        return _reports.from_message(
            self.report_data(pb.REPORT_STATUS, pid))

    def maps(self, pid=0):
        """/proc/PID/maps, as a list of reports.VmArea."""
        return _reports.from_message(
            self.report_data(pb.REPORT_MAPS, pid)).vmas

    def smaps(self, pid=0):
        """/proc/PID/smaps: a dataclass per VMA (mm.proto's SmapsVma:
        the maps fields, every count in kB, thp_eligible, vm_flags)."""
        return _reports.from_message(
            self.report_data(pb.REPORT_SMAPS, pid)).vmas

    def smaps_rollup(self, pid=0):
        """/proc/PID/smaps_rollup: every VMA's counts summed, in kB
        (mm.proto's SmapsRollup), with the range of its line."""
        return _reports.from_message(
            self.report_data(pb.REPORT_SMAPS_ROLLUP, pid))

    def pagewalk(self, addr, pid=0):
        """The walk of pid's page tables to addr (mm.proto's Pagewalk):
        .levels (name, index, entry, table_pfn, bits), .stop ("frame",
        "swap", "prot_none", "none") and the frame's page."""
        return _reports.from_message(
            self.report_data(pb.REPORT_PAGEWALK, pid, addr))

    def frames(self):
        """The map of physical memory (mm.proto's Frames, mmctl map):
        .pages_per_cell, .states (the states' names by number) and
        .zones, each with its .cells: a state in the low four bits, a
        free cell's largest order in the high four."""
        return _reports.from_message(self.report_data(pb.REPORT_FRAMES))

    def dump_page(self, pfn):
        """dump_page() of frame pfn (mm.proto's DumpPage): refcount,
        mapcount, mapping, index, page_type, .flags (value, names,
        zone), a compound page's head_pfn and order, owner_pid, memcg,
        and page_owner ("", "missing", "allocated", "freed") with its
        .record."""
        return _reports.from_message(
            self.report_data(pb.REPORT_DUMP_PAGE, 0, pfn))

    def page_owners(self, pfn):
        """Who holds frame pfn now (mm.proto's PageOwners): .state, a
        free frame's .order, and .owners, each with its .kind ("anon",
        "shmem", "slab", "vmalloc", "pagetable", "file", "mmz",
        "mmz_free", "kernel", "reserved") and its values."""
        return _reports.from_message(
            self.report_data(pb.REPORT_PAGE_OWNERS, 0, pfn))

    def page_owner(self):
        """/sys/kernel/debug/page_owner as a list of blocks (mm.proto's
        PageOwnerBlock: pfn, .record, pageblock, flags, slab, memcg);
        OSError EOPNOTSUPP when the layout's kernel.page_owner is 0."""
        return _reports.from_message(
            self.report_data(pb.REPORT_PAGE_OWNER)).blocks

    def ldt(self, pid=0):
        """The process's LDT (mm.proto's Ldt): .present, .entries, each
        with its selector and decoded .descriptor."""
        return _reports.from_message(self.report_data(pb.REPORT_LDT, pid))

    def segregs(self, pid=0):
        """The process's segment registers (i386), a list of
        SegmentRegister dataclasses, ES CS SS DS FS GS."""
        return _reports.from_message(
            self.report_data(pb.REPORT_SEGREGS, pid)).registers

    def vm_layout(self):
        """The kernel's virtual memory map (mmctl layout), mm.proto's
        VmLayout: .rows (start, end, size, offset, inside,
        description), .boot_lines on i386, .per_cpu_offset by CPU,
        .thread_size."""
        return _reports.from_message(self.report_data(pb.REPORT_VM_LAYOUT))

    def translate(self, far, pid=0, cpl=3):
        """A far pointer through the segments and the page tables (i386;
        OSError EOPNOTSUPP on x86_64), as mm.proto's SegTranslation:
        .steps done, each step's values (.descriptor decoded, .linear,
        .levels, .phys) and .faulted with .fault (name, vector,
        error_code, cr2, reason). far: (selector, offset), or (sreg,
        offset) with sreg "ds", "es"... to read through that register's
        cache."""
        sel, off = far
        tr = pb.Translation(cpl=cpl)
        if isinstance(sel, str):
            tr.sreg, sel = sel, 0
        return _reports.from_message(self._wait(self._send_report_data(
            pb.REPORT_TRANSLATE, pid, off, sel, tr)))

    def vmallocinfo(self):
        """/proc/vmallocinfo, as a list of reports.VmallocArea."""
        return _reports.from_message(
            self.report_data(pb.REPORT_VMALLOCINFO)).areas

    # -- sending -------------------------------------------------------

    def _send_op(self, op, args, kw):
        row = _ROWS.get(op)
        if row is None:
            raise AttributeError("mmd has no operation %r" % op)
        if op == "report":
            raise TypeError("use Machine.report()")
        msg = _build(op, row[2], args, kw)
        result, p = row[3], Pending(op)
        free = _FREES.get(op)

        def finish(reply):
            value = _result(reply, result)
            if free is not None:
                value = Handle(value, self, free[0], free[1](value, msg))
            p._set(value)

        self._send(op, msg, p, finish)
        return p

    def _send_report_data(self, kind, pid, addr=0, selector=0,
                          translation=None):
        q = pb.Report(kind=kind, pid=pid, addr=addr, selector=selector,
                      structured=True)
        if translation is not None:
            q.translation.CopyFrom(translation)
        p, got = Pending("report"), {"bytes": b"", "digest": None,
                                     "restarts": 0}

        def done(data):
            p._set(getattr(data, data.WhichOneof("report")))

        # One too big for a reply comes in parts of its packed bytes
        # (ReportDataPart); a part of another packing (the daemon made
        # it anew) starts it again from offset 0, a few times.
        def finish(reply):
            if reply.WhichOneof("result") != "report_data_part":
                done(_result(reply, "REPORT_DATA"))
                return
            part = reply.report_data_part
            if got["digest"] is None:
                got["digest"] = (part.size, part.digest)
            elif got["digest"] != (part.size, part.digest):
                got["restarts"] += 1
                if got["restarts"] > 4:
                    raise error_for(-errno.EAGAIN, "the report changed "
                                    "while read in parts")
                got["bytes"], got["digest"] = b"", None
                q.offset = 0
                self._send("report", q, p, finish)
                return
            got["bytes"] += part.data
            if not reply.more:
                done(pb.ReportData.FromString(got["bytes"]))
                return
            q.offset = len(got["bytes"])
            self._send("report", q, p, finish)

        self._send("report", q, p, finish)
        return p

    def _send_report(self, kind, pid, addr, selector, translation):
        q = pb.Report(kind=kind, pid=pid, addr=addr, selector=selector)
        if translation is not None:
            q.translation.CopyFrom(translation)
        p, parts = Pending("report"), []

        # A long report comes in parts: each reply says how many bytes
        # follow, and the next part is asked for past what came.
        def finish(reply):
            parts.append(_result(reply, "TEXT"))
            if not reply.more:
                p._set("".join(parts))
                return
            q.offset += len(parts[-1].encode())
            self._send("report", q, p, finish)

        self._send("report", q, p, finish)
        return p

    def _send(self, op, msg, pending, finish):
        if self._lost is not None:
            raise self._lost
        while len(self._queue) >= self._window:
            self._read_one()
        req = pb.Request(id=self._next_id)
        getattr(req, op).CopyFrom(msg)
        self._next_id += 1
        body = req.SerializeToString()
        if len(body) > self._max_frame:
            raise error_for(-errno.EMSGSIZE, "the request is longer than "
                            "mmd's max_frame_bytes", op)
        try:
            self._sock.sendall(_HEADER.pack(len(body)) + body)
        except OSError as e:
            self._lose(-(e.errno or errno.EPIPE), str(e))
        self._queue.append((req.id, pending, finish))

    # -- receiving -----------------------------------------------------

    def _wait(self, pending):
        while not pending.done:
            self._read_one()
        return pending.result()

    def _lose(self, status, message):
        """The connection is gone: every request awaited fails with it."""
        err = -status if status < 0 else status
        self._lost = ConnectionLost(err, message or os.strerror(err))
        self.close()
        while self._queue:
            _, p, _ = self._queue.popleft()
            p._set(error=self._lost)
        raise self._lost

    def _recv_exact(self, n):
        while len(self._rbuf) < n:
            try:
                chunk = self._sock.recv(65536)
            except socket.timeout:
                # The replies still owed would answer later calls.
                self._lose(-errno.ETIMEDOUT, "no reply within the timeout")
            except OSError as e:
                self._lose(-(e.errno or errno.ECONNRESET), str(e))
            if not chunk:
                self._lose(-errno.ECONNRESET, "mmd closed the connection")
            self._rbuf += chunk
        data, self._rbuf = self._rbuf[:n], self._rbuf[n:]
        return data

    def _read_one(self, got=None):
        if self._lost is not None:
            raise self._lost
        (n,) = _HEADER.unpack(self._recv_exact(4))
        if n > self._max_frame + 64:
            self._lose(-errno.EMSGSIZE, "mmd sent a frame of %d bytes" % n)
        reply = pb.Reply()
        try:
            reply.ParseFromString(self._recv_exact(n))
        except Exception:  # protobuf's DecodeError
            self._lose(-errno.EBADMSG, "mmd sent a frame that is not a Reply")
        self._handle(reply, got)

    def _handle(self, reply, got):
        if reply.id == 0 and reply.WhichOneof("result") == "event":
            ev = _events.from_message(reply.event)
            if ev is not None:
                self.events.append(ev)
                if got is not None:
                    got.append(ev)
                if self.on_event is not None:
                    self.on_event(ev)
            return
        # Id 0, no event: mmd refuses the connection and closes it
        # (mm.proto, UNSOLICITED FRAMES), unless it answers a frame it
        # could not decode, in that frame's place.
        if not self._queue or (reply.id == 0 and
                               -reply.status in _REFUSALS):
            self._lose(reply.status or -errno.EBADMSG, reply.message)
        rid, p, finish = self._queue[0]
        if reply.id not in (0, rid):
            self._lose(-errno.EBADMSG, "a reply out of order")
        self._queue.popleft()
        if reply.status < 0:
            fault = reply.fault if reply.WhichOneof("result") == "fault" \
                else None
            p._set(error=error_for(reply.status, reply.message, p.op,
                                   fault))
        else:
            try:
                finish(reply)
            except OSError as e:
                p._set(error=e)

    def _poll(self, got):
        while not self.closed:
            r, _, _ = select.select([self._sock], [], [], 0)
            if not r:
                return
            try:
                chunk = self._sock.recv(65536)
            except OSError as e:
                self._lose(-(e.errno or errno.ECONNRESET), str(e))
            if not chunk:
                self._lose(-errno.ECONNRESET, "mmd closed the connection")
            self._rbuf += chunk
            while len(self._rbuf) >= 4:
                (n,) = _HEADER.unpack(self._rbuf[:4])
                if len(self._rbuf) < 4 + n:
                    break
                self._read_one(got)


class Pipeline:
    """Calls sent without waiting (`with m.pipeline() as p:`): each of
    p's methods is the Machine's, giving a Pending; the block's end
    reads every reply, and p.statuses holds each status in order."""

    def __init__(self, machine):
        self._m = machine
        self.pending = []

    def __getattr__(self, op):
        if op not in _ROWS:
            raise AttributeError(op)

        def send(*args, **kw):
            p = self._m._send_op(op, args, kw)
            self.pending.append(p)
            return p

        send.__name__ = op
        return send

    def report_data(self, kind, pid=0, addr=0):
        p = self._m._send_report_data(_report_kind(kind), pid, addr)
        self.pending.append(p)
        return p

    def report(self, kind, pid=0, addr=0, selector=0, translation=None):
        p = self._m._send_report(_report_kind(kind), pid, addr, selector,
                                 translation)
        self.pending.append(p)
        return p

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        # Every reply is read, even when the block raised: the next call
        # must find the queue empty.
        for p in self.pending:
            while not p.done:
                self._m._read_one()
        return False

    @property
    def statuses(self):
        return [p.status for p in self.pending]


_ROWS = {row[1]: row for row in OPS}


def _report_kind(kind):
    if isinstance(kind, str):
        name = "REPORT_" + kind.upper().replace("-", "_")
        if name not in pb.ReportKind.keys():
            raise ValueError("no report %r" % kind)
        return pb.ReportKind.Value(name)
    return int(kind)


def _method(row):
    _, field, msg_name, result, flags = row
    order, has_pid = _fields(msg_name)

    def op(self, *args, **kw):
        return self.call(field, *args, **kw)

    op.__name__ = field
    op.__doc__ = "%s(%s%s) -> %s (proto: Request.%s, %s)%s" % (
        field, ", ".join(order), ", *, pid=0" if has_pid else "",
        result.lower(), field, msg_name,
        " [admin]" if "OP_ADMIN" in flags else "")
    return op


for _row in OPS:
    if _row[1] not in ("hello", "report") and not hasattr(Machine, _row[1]):
        setattr(Machine, _row[1], _method(_row))
