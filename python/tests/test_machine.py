# SPDX-License-Identifier: MIT
"""test_machine.py - mmclient against a real mmd.

Owns: the Python package's tests. Each class boots its own mmd ($MMD,
the sanitized build's by default) on a socket in a temporary directory,
so the tests need nothing running; tests/integration/python.sh runs
them. Must never: leave an mmd running, or pass without asserting what
the daemon answered (exact values, exact errno, bytes read back).
"""
import ctypes
import errno
import os
import shutil
import subprocess
import sys
import socket
import struct
import tempfile
import threading
import time
import unittest

import mmclient
from mmclient import machine, reports
from mmclient._ops import OPS
Request = mmclient.proto.Request

MMD = os.environ.get("MMD", "build/test/mmd")
PROT_RW = 0x3
MAP_PRIVATE_ANON = 0x22
GFP_KERNEL = 0xCC0


class Daemon:
    """An mmd of its own on a temporary socket."""

    def __init__(self, *args):
        self.dir = tempfile.mkdtemp(prefix="mmclient-test.")
        self.sock = os.path.join(self.dir, "mmd.sock")
        self.log = open(os.path.join(self.dir, "mmd.log"), "w")
        self.proc = subprocess.Popen(
            [MMD, "--foreground", "--socket", self.sock, *args],
            stderr=self.log)
        # The socket's path exists from bind(); mmd serves once it
        # listens: wait until a connection is taken (a loaded machine
        # may be between the two for a while).
        for _ in range(600):
            if os.path.exists(self.sock) and self._listening():
                return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError("mmd did not start")

    def _listening(self):
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(self.sock)
            return True
        except OSError:
            return False
        finally:
            probe.close()

    def stop(self, exiting=False):
        """mmd's exit code; SIGTERM first unless it is exiting itself."""
        if not exiting and self.proc.poll() is None:
            self.proc.terminate()
        code = self.proc.wait(timeout=30)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)
        return code


class DaemonTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.mmd = Daemon()

    @classmethod
    def tearDownClass(cls):
        assert cls.mmd.stop() == 0, "mmd did not exit 0"

    def setUp(self):
        self.m = mmclient.Machine(self.mmd.sock, comm="pytest", timeout=30)

    def tearDown(self):
        self.m.close()

    def assertErrno(self, err, fn, *args, **kw):
        with self.assertRaises(mmclient.MMError) as cm:
            fn(*args, **kw)
        self.assertEqual(cm.exception.errno, err, cm.exception)
        self.assertIsInstance(cm.exception, OSError)
        return cm.exception


class TestTable(unittest.TestCase):
    def test_every_request_has_a_method(self):
        fields = {f.name for f in Request.DESCRIPTOR.oneofs_by_name["op"]
                  .fields}
        rows = {row[1] for row in OPS}
        self.assertEqual(fields, rows)
        for field in rows - {"hello"}:
            self.assertTrue(callable(getattr(mmclient.Machine, field)),
                            field)

    def test_no_daemon_is_the_hosts_error(self):
        with self.assertRaises(FileNotFoundError) as cm:
            mmclient.Machine("/nonexistent/mmd.sock")
        self.assertEqual(cm.exception.errno, errno.ENOENT)


class TestSession(DaemonTest):
    def test_hello(self):
        info = self.m.info
        self.assertEqual(info.arch, "x86_64")
        self.assertEqual(info.page_size, 4096)
        self.assertEqual(info.max_order, 10)
        self.assertEqual(info.page_offset, 0xFFFF888000000000)
        self.assertGreater(self.m.pid, 0)
        self.assertEqual(self.m.status()["Name"], "pytest")
        self.assertEqual(self.m.status().pid, self.m.pid)

    def test_bad_cpu_at_hello(self):
        e = self.assertErrno(errno.EINVAL, mmclient.Machine, self.mmd.sock,
                             cpu=999)
        self.assertIn("cpu", e.strerror)

    def test_bad_arguments_are_type_errors(self):
        with self.assertRaises(TypeError):
            self.m.kmalloc(64, nosuch=1)
        with self.assertRaises(TypeError):
            self.m.kfree(1, 2)
        with self.assertRaises(TypeError):
            self.m.kmalloc(64, size=64)

    def test_ping(self):
        self.assertIsNone(self.m.ping())


class TestKernel(DaemonTest):
    def test_kmalloc_bytes_and_ksize(self):
        with self.m.kmalloc(100) as addr:
            self.assertEqual(addr >> 44, 0xFFFF888000000000 >> 44)
            self.assertEqual(self.m.ksize(addr), 128)
            self.m.write(addr, b"hello, mm")
            self.assertEqual(self.m.read(addr, 9), b"hello, mm")
        self.assertTrue(addr.freed)
        e = self.assertErrno(errno.EINVAL, self.m.ksize, addr)
        self.assertIn("not an allocated kmalloc address", e.strerror)

    def test_kmalloc_bad_input(self):
        e = self.assertErrno(errno.ENOMEM, self.m.kmalloc, 1 << 40)
        self.assertIn("beyond the largest (4194304)", e.strerror)
        self.assertEqual(e.op, "kmalloc")
        self.assertErrno(errno.EINVAL, self.m.kfree, 0x1234)
        # The machine is intact: the checker passes.
        self.assertEqual(self.m.admin_check().nr_tasks, 1)

    def test_alloc_pages_frees_with_its_order(self):
        # Order 4: above PAGE_ALLOC_COSTLY_ORDER, straight from the buddy
        # lists (per-CPU lists keep orders 0-3).
        before = self.m.buddyinfo()
        with self.m.alloc_pages(GFP_KERNEL, 4) as pfn:
            self.assertEqual(pfn % 16, 0)
            during = self.m.buddyinfo()
            self.assertEqual(sum(z.free_pages() for z in before) -
                             sum(z.free_pages() for z in during), 16)
        self.assertEqual(self.m.buddyinfo(), before)
        e = self.assertErrno(errno.EINVAL, self.m.alloc_pages, 0, 11)
        self.assertEqual(e.strerror, "order 11 is above max_order 10")

    def test_double_free_of_a_handle(self):
        addr = self.m.vmalloc(3 * 4096)
        self.assertEqual([a.size for a in self.m.vmallocinfo()
                          if a.start == addr], [4 * 4096])
        addr.free()
        self.assertEqual([a for a in self.m.vmallocinfo()
                          if a.start == addr], [])
        self.assertErrno(errno.EINVAL, addr.free)

    def test_slab_cache(self):
        with self.m.kmem_cache_create("py_cache", 200) as cache:
            with self.m.kmem_cache_alloc(cache) as obj:
                self.m.write(obj, b"\x01" * 200)
                self.assertEqual(self.m.read(obj, 200), b"\x01" * 200)
                info = {c.name: c for c in self.m.slabinfo()}
                self.assertEqual(info["py_cache"].objsize, 200)
                # SLUB counts the CPU's slab as wholly active.
                self.assertEqual(info["py_cache"].num_slabs, 1)
                self.assertEqual(info["py_cache"].active_objs,
                                 info["py_cache"].objperslab)
            self.assertIn("objs_per_slab", self.m.slab_sysfs("py_cache"))
        self.assertNotIn("py_cache", [c.name for c in self.m.slabinfo()])
        e = self.assertErrno(errno.ENOENT, self.m.slab_sysfs, "py_cache")
        self.assertIsInstance(e, FileNotFoundError)

    def test_atomic_section(self):
        with self.m.atomic_enter(mmclient.proto.SECTION_IRQSAVE) as flags:
            self.assertEqual(flags, 0x200)
        self.assertErrno(errno.EINVAL, self.m.atomic_exit,
                         mmclient.proto.SECTION_PREEMPT)

    def test_per_cpu_variable(self):
        self.m.define_per_cpu("py_counter", 8)
        self.m.per_cpu_write("py_counter", 1, value=41)
        self.assertEqual(self.m.per_cpu_read("py_counter", 1), 41)
        self.assertEqual(self.m.this_cpu_op("py_counter",
                                            op=mmclient.proto.THIS_CPU_ADD,
                                            value=5), 5)
        e = self.assertErrno(errno.EEXIST, self.m.define_per_cpu,
                             "cpu_number", 4)
        self.assertIsInstance(e, FileExistsError)

    def test_mutex_two_sessions(self):
        self.m.mutex_init("py_lock")
        self.m.mutex_lock("py_lock")
        other = mmclient.Machine(self.mmd.sock, comm="pytest-2", timeout=30)
        try:
            self.assertEqual(other.mutex_trylock("py_lock"), 0)
            self.assertErrno(errno.EPERM, other.mutex_unlock, "py_lock")
            self.assertErrno(errno.ETIMEDOUT, other.mutex_lock, "py_lock",
                             timeout_ms=100)
            self.m.mutex_unlock("py_lock")
            self.assertEqual(other.mutex_trylock("py_lock"), 1)
            self.assertErrno(errno.EBUSY, self.m.mutex_destroy, "py_lock")
            other.mutex_unlock("py_lock")
        finally:
            other.close()
        self.assertIn("py_lock", self.m.report(mmclient.proto.REPORT_MUTEXES))
        rows = reports.from_message(self.m.report_data("mutexes")).mutexes
        self.assertEqual([(r.name, r.owner, r.holder, r.waiters)
                          for r in rows if r.name == "py_lock"],
                         [("py_lock", self.m.pid, 0, [])])
        self.m.mutex_destroy("py_lock")
        self.assertErrno(errno.ENOENT, self.m.mutex_lock, "py_lock")


class TestProcess(DaemonTest):
    def test_mmap_write_read(self):
        with self.m.mmap(0, 8192, PROT_RW, MAP_PRIVATE_ANON) as addr:
            self.m.write_vm(addr + 4096, b"abc")
            self.assertEqual(self.m.mincore(addr, 8192), b"\0\1")
            self.assertEqual(self.m.read_vm(addr + 4095, 5),
                             b"\0abc\0")
            areas = [a for a in self.m.maps() if a.start <= addr < a.end]
            self.assertEqual(len(areas), 1)
            self.assertEqual(areas[0].perms, "rw-p")
            # A read fault maps the zero page: resident, as on Linux.
            self.assertEqual(self.m.mincore(addr, 8192), b"\1\1")
        self.assertEqual([a for a in self.m.maps()
                          if a.start <= addr < a.end], [])

    def test_fault_carries_the_signal(self):
        e = self.assertErrno(errno.EFAULT, self.m.read_vm, 0x1000, 8)
        self.assertIsInstance(e, mmclient.Fault)
        self.assertEqual((e.signo, e.code, e.addr), (11, 1, 0x1000))

    def test_mmap_errno_as_the_host(self):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.mmap.restype = ctypes.c_void_p
        libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t,
                              ctypes.c_int, ctypes.c_int, ctypes.c_int,
                              ctypes.c_long]
        for length, flags in ((0, MAP_PRIVATE_ANON), (4096, 0x20)):
            r = libc.mmap(None, length, PROT_RW, flags, -1, 0)
            self.assertEqual(r, ctypes.c_void_p(-1).value)
            host = ctypes.get_errno()
            self.assertErrno(host, self.m.mmap, 0, length, PROT_RW, flags)

    def test_fork_copy_on_write(self):
        addr = self.m.mmap(0, 4096, PROT_RW, MAP_PRIVATE_ANON)
        self.m.write_vm(addr, b"parent")
        with self.m.fork() as child:
            self.assertNotEqual(child, self.m.pid)
            self.m.write_vm(addr, b"child!", pid=child)
            self.assertEqual(self.m.read_vm(addr, 6), b"parent")
            self.assertEqual(self.m.read_vm(addr, 6, pid=child), b"child!")
        e = self.assertErrno(errno.ESRCH, self.m.read_vm, addr, 6,
                             pid=child)
        self.assertIsInstance(e, ProcessLookupError)

    def test_malloc(self):
        with self.m.malloc(100) as p:
            self.assertEqual(self.m.malloc_usable_size(p), 104)
            self.m.write_vm(p, b"x" * 100)
            self.assertEqual(self.m.mallinfo().uordblks >= 112, True)
        e = self.assertErrno(errno.EINVAL, self.m.free, p)
        self.assertEqual(e.strerror, "free(): double free detected")


class TestPipeline(DaemonTest):
    def test_many_in_flight(self):
        with self.m.pipeline() as p:
            addrs = [p.kmalloc(64) for _ in range(300)]
            bad = p.kfree(0x1234)
            ping = p.ping()
        self.assertEqual(p.statuses, [0] * 300 + [-errno.EINVAL, 0])
        got = [a.result() for a in addrs]
        self.assertEqual(len(set(got)), 300)
        self.assertEqual(bad.status, -errno.EINVAL)
        with self.assertRaises(mmclient.MMError):
            bad.result()
        self.assertIsNone(ping.result())
        with self.m.pipeline() as p:
            for a in got:
                p.kfree(a)
        self.assertEqual(p.statuses, [0] * 300)

    def test_report_in_a_pipeline(self):
        with self.m.pipeline() as p:
            text = p.report("meminfo")
            self.assertFalse(text.done)
            self.assertErrno(errno.EINPROGRESS, text.result)
        self.assertTrue(text.result().startswith("MemTotal:"))


class TestReports(DaemonTest):
    def test_meminfo(self):
        mi = self.m.meminfo()
        self.assertEqual(mi.mem_total, mi["MemTotal"])
        self.assertEqual(mi["MemTotal"], 4111936)
        self.assertLessEqual(mi.mem_free, mi.mem_total)
        vm = self.m.vmstat()
        self.assertEqual(vm["nr_free_pages"] * 4, mi.mem_free)

    def test_meminfo_is_the_texts_values(self):
        # The data and the text are printed from the same values.
        text = self.m.report("meminfo")
        mi = self.m.meminfo()
        for line in text.splitlines():
            key, _, rest = line.partition(":")
            self.assertEqual(mi[key], int(rest.split()[0]), key)
        self.assertIs(mi.values["x86_64"], True)
        data = self.m.report_data("meminfo")
        self.assertEqual(data.mem_total, 4111936)

    def test_extfrag_and_pageblocks_are_the_texts(self):
        ef = reports.from_message(self.m.report_data("extfrag_index"))
        text = self.m.report("extfrag_index").splitlines()
        self.assertEqual(len(ef.zones), len(text))
        for z, line in zip(ef.zones, text):
            words = line.split()
            self.assertEqual(words[3], z.zone)
            self.assertEqual([round(float(w) * 1000) for w in words[4:]],
                             z.index)
        pb = reports.from_message(self.m.report_data("pageblocks"))
        lines = [ln for ln in self.m.report("pageblocks").splitlines()
                 if ln[:2] in [c + " " for c in "UMRHCI-"]]
        blocks = [b for z in pb.zones for b in z.blocks]
        self.assertEqual(len(blocks), len(lines))
        for b, line in zip(blocks, lines):
            self.assertEqual(line, "%s %d %d %d %d" % (
                b.type[:1] or "-", b.free, b.movable, b.unmovable,
                b.absent))
        self.assertEqual(pb.pages_per_block, 512)

    def test_any_structured_report_as_dataclasses(self):
        z = reports.from_message(self.m.report_data("zoneinfo"))
        dma = z.zones[0]
        self.assertEqual((dma.zone, dma.populated), ("DMA", True))
        self.assertEqual(dma.pages.managed, 3984)
        self.assertEqual(dma.stats["nr_free_pages"], dma.pages.free)
        self.assertEqual(len(dma.pagesets), 2)
        thp = reports.from_message(
            self.m.report_data("transparent_hugepage"))
        self.assertIn(thp.enabled, thp.enabled_choices)
        self.assertEqual(thp.khugepaged.max_ptes_none, 511)
        ms = reports.from_message(self.m.report_data("malloc_stats"))
        self.assertEqual(ms.total.in_use_bytes, 0)
        sc = reports.from_message(self.m.report_data("sysctl"))
        self.assertEqual(sc.sysctls["vm.swappiness"], 60)
        # One node: numastat's column and node 0's meminfo, node 1 none.
        ns = reports.from_message(self.m.report_data("numastat"))
        self.assertEqual([n.node for n in ns.nodes], [0])
        nm = self.m.report_data("node_meminfo", addr=0)
        self.assertEqual((nm.node, nm.mem_total > 0), (0, True))
        self.assertErrno(errno.EINVAL, self.m.report_data, "node_meminfo",
                         0, 1)

    def test_smaps_and_rollup_are_the_texts(self):
        with self.m.mmap(0, 16384, PROT_RW, MAP_PRIVATE_ANON) as addr:
            self.m.write_vm(addr, b"x")
            self.m.write_vm(addr + 4096, b"y")
            vma = [v for v in self.m.smaps() if v.start == addr][0]
            self.assertEqual((vma.size, vma.rss, vma.private_dirty,
                              vma.anonymous, vma.thp_eligible),
                             (16, 8, 8, 8, False))
            self.assertEqual(vma.vm_flags, ["rd", "wr", "mr", "mw", "me",
                                            "ac"])
            text = self.m.report("smaps")
            block = text[text.index("%08x-" % addr):]
            self.assertIn("Rss:                   8 kB\n", block)
            w = self.m.pagewalk(addr)
            self.assertEqual([l.name for l in w.levels],
                             ["PGD", "PUD", "PMD", "PTE"])
            self.assertEqual((w.stop, w.refcount, w.mapcount),
                             ("frame", 1, 0))
            self.assertIn("Frame:\tpfn %#x, phys %#x, 4 kB page\n"
                          % (w.pfn, w.phys),
                          self.m.report("pagewalk", addr=addr))
            self.assertIn("dirty", w.levels[-1].bits)
            self.assertEqual(self.m.pagewalk(addr + 8192).stop, "none")
            r = self.m.smaps_rollup()
            line = [x for x in self.m.report("smaps_rollup").splitlines()
                    if x.startswith("Rss:")][0]
            self.assertEqual(r.rss, int(line.split()[1]))
            self.assertEqual(r["Pss_Anon"], r.pss_anon)
            self.assertGreaterEqual(r.rss, 8)

    def test_frames_are_the_text(self):
        f = self.m.frames()
        text = self.m.report("frames").splitlines()
        self.assertEqual(text[0], "frames: %d pages per cell"
                         % f.pages_per_cell)
        chars = {"hole": " ", "reserved": "#", "mmz": "M", "per-cpu": "p",
                 "slab": "s", "pagetable": "t", "user": "u", "kernel": "k"}
        rows = []
        for z in f.zones:
            rows.append("zone %s start_pfn %d pages %d" % (
                z.zone, z.start_pfn, z.pages))
            line = "".join("0123456789abcdef"[c >> 4]
                           if f.states[c & 15] == "free"
                           else chars[f.states[c & 15]] for c in z.cells)
            rows += [line[i:i + 64] for i in range(0, len(line), 64)]
        self.assertEqual(rows, text[2:])

    def test_dump_page_and_page_owners_are_the_texts(self):
        with self.m.alloc_pages(GFP_KERNEL, 2) as pfn:
            d = self.m.dump_page(pfn)
            first = self.m.report("dump_page", addr=pfn).splitlines()[0]
            self.assertEqual(first, "page:%016x refcount:%d mapcount:%d "
                             "mapping:%016x index:%#x pfn:%#x" % (
                                 d.page, d.refcount, d.mapcount, d.mapping,
                                 d.index, pfn))
            self.assertEqual((d.compound, d.head_pfn, d.order, d.page_owner),
                             (True, pfn, 2, ""))
            self.assertEqual(d.flags.names, [])
            o = self.m.page_owners(pfn)
            self.assertEqual((o.state, [h.kind for h in o.owners]),
                             ("kernel", ["kernel"]))
            self.assertEqual(self.m.report("page_owners", addr=pfn),
                             "kernel pid %d\n" % o.owners[0].pid)
        with self.m.mmap(0, 8192, PROT_RW, MAP_PRIVATE_ANON) as addr:
            self.m.write_vm(addr + 4096, b"z")
            pfn = self.m.pagewalk(addr + 4096).pfn
            o = self.m.page_owners(pfn)
            self.assertEqual(o.state, "user")
            h = o.owners[0]
            self.assertEqual((h.kind, h.addr, h.vm_start, h.vm_end),
                             ("anon", addr + 4096, addr, addr + 8192))
            self.assertEqual(self.m.report("page_owners", addr=pfn),
                             "anon pid %d addr %#x\n" % (h.pid, h.addr))
            self.assertTrue(self.m.dump_page(pfn).anon)
        self.assertErrno(errno.EOPNOTSUPP, self.m.page_owner)
        self.assertErrno(errno.EINVAL, self.m.dump_page, 1 << 40)

    def test_ldt_and_segregs(self):
        ldt = self.m.ldt()
        self.assertEqual((ldt.present, ldt.entries), (False, []))
        # Segment registers are i386's: long mode has none.
        self.assertErrno(errno.EOPNOTSUPP, self.m.segregs)
        self.assertErrno(errno.EOPNOTSUPP, self.m.translate, (0x7B, 0))

    def test_vm_layout_is_the_text(self):
        v = self.m.vm_layout()
        text = self.m.report("vm_layout")
        self.assertEqual((v.arch, v.boot_lines, v.thread_size),
                         ("x86_64", [], 16384))
        for r in v.rows:
            self.assertEqual(r.end - r.start + 1, r.size)
            self.assertIn(" %016x |" % r.start, text)
            self.assertIn("| %s%s\n" % ("... " if r.inside else "",
                                         r.description), text)
        for cpu, off in enumerate(v.per_cpu_offset):
            self.assertIn("__per_cpu_offset[%d]: %#x\n" % (cpu, off), text)

    def test_report_data_of_a_text_only_kind(self):
        # A kind with no structured form: none (every ReportKind may
        # come as data).
        self.assertErrno(errno.EOPNOTSUPP, self.m.report_data,
                         mmclient.proto.REPORT_UNSPECIFIED)

    def test_report_data_part_at_an_offset(self):
        # An offset asks for a part: of a new packing when none is kept,
        # its bytes from the offset, its size and digest the whole's.
        q = mmclient.proto.Report(kind=mmclient.proto.REPORT_MEMINFO,
                                  structured=True, offset=1)
        p = machine.Pending("report")
        self.m._send("report", q, p, lambda reply: p._set(reply))
        reply = self.m._wait(p)
        part = reply.report_data_part
        whole = mmclient.proto.ReportData(
            meminfo=self.m.report_data("meminfo")).SerializeToString()
        self.assertEqual((reply.more, part.size), (0, len(whole)))
        self.assertEqual(len(part.data), len(whole) - 1)
        self.assertErrno(errno.ESRCH, self.m.report_data, "status", 9999)

    def test_ps_status_maps_slabinfo_are_the_texts(self):
        procs = self.m.ps()
        me = [p for p in procs if p.pid == self.m.pid]
        self.assertEqual([p.command for p in me], ["pytest"])
        st = self.m.status()
        self.assertEqual((st["VmRSS"], st["PPid"]), (0, 0))
        self.assertEqual(st.values["uid"], os.getuid())
        with self.m.mmap(0, 8192, PROT_RW, MAP_PRIVATE_ANON) as addr:
            self.assertEqual([(a.start, a.size, a.perms, a.path)
                              for a in self.m.maps() if a.start == addr],
                             [(addr, 8192, "rw-p", None)])
        caches = {c.name: c for c in self.m.slabinfo()}
        self.assertEqual(caches["kmalloc-64"].objsize, 64)

    def test_buddyinfo(self):
        zones = self.m.buddyinfo()
        self.assertEqual([z.zone for z in zones], ["DMA", "DMA32", "Normal"])
        self.assertTrue(all(len(z.free) == 11 for z in zones))
        self.assertEqual(sum(z.free_pages() for z in zones),
                         self.m.vmstat()["nr_free_pages"] -
                         self.m.vmstat().values.get("nr_free_pcp", 0))

    def test_parsers_read_the_hosts_files(self):
        # The kernel's own files have the layout mm's reports have.
        with open("/proc/meminfo") as f:
            self.assertGreater(reports.parse_meminfo(f.read()).mem_total, 0)
        with open("/proc/buddyinfo") as f:
            self.assertGreater(len(reports.parse_buddyinfo(f.read())), 0)
        with open("/proc/vmstat") as f:
            self.assertIn("pgfault", reports.parse_vmstat(f.read()).values)
        with open("/proc/self/maps") as f:
            self.assertGreater(len(reports.parse_maps(f.read())), 0)

    def test_bad_lines_are_named(self):
        with self.assertRaises(ValueError):
            reports.parse_buddyinfo("Node zero\n")
        with self.assertRaises(ValueError):
            self.m.report("nosuch")

    def test_status_of_another_session_needs_admin(self):
        other = mmclient.Machine(self.mmd.sock, comm="other", timeout=30)
        try:
            st = self.m.status(other.pid)  # root: admin
            self.assertEqual(st["Name"], "other")
        finally:
            other.close()


class TestReportParts(unittest.TestCase):
    """Structured reports larger than a reply frame, in parts."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="mmclient-parts.")
        cfg = os.path.join(cls.dir, "small.yaml")
        with open(cfg, "w") as f:
            f.write("machine: {name: parts, arch: x86_64, cpus: 2, "
                    "memory: 64M}\n"
                    "zones:\n  - {name: DMA, start: 0, end: 16M}\n"
                    "  - {name: DMA32, start: 16M, end: 64M}\n"
                    "daemon: {max_frame_bytes: 1K}\n")
        cls.mmd = Daemon("--config", cfg)

    @classmethod
    def tearDownClass(cls):
        assert cls.mmd.stop() == 0, "mmd did not exit 0"
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_parts_join_to_the_text_values(self):
        with mmclient.Machine(self.mmd.sock, timeout=30) as m:
            data = m.report_data("vmstat")
            self.assertGreater(len(data.SerializeToString()), 2048)
            text = m.report("vmstat").splitlines()
            self.assertEqual([c.name for c in data.counters],
                             [line.split()[0] for line in text])
            z = m.report_data("zoneinfo")
            self.assertGreater(len(z.SerializeToString()), 1024)
            self.assertEqual([x.zone for x in z.zones],
                             ["DMA", "DMA32", "Normal", "Movable"])

    def test_two_in_one_pipeline(self):
        # The second's first part drops the first's packing: the first's
        # next part comes from a new one, of the same machine.
        with mmclient.Machine(self.mmd.sock, timeout=30) as m:
            with m.pipeline() as p:
                a = p.report_data("pagetypeinfo")
                b = p.report_data("zoneinfo")
                c = p.report_data("pagetypeinfo")
            self.assertEqual(a.result(), c.result())
            self.assertEqual(len(b.result().zones),
                             len(m.report_data("zoneinfo").zones))

    def test_offset_past_the_end(self):
        # A part asked for past the packing's end: -EINVAL, and the
        # session goes on.
        with mmclient.Machine(self.mmd.sock, timeout=30) as m:
            q = machine.pb.Report(kind=machine.pb.REPORT_VMSTAT,
                                  structured=True, offset=1 << 30)
            p = machine.Pending("report")
            m._send("report", q, p, p._set)
            with self.assertRaises(mmclient.MMError) as cm:
                m._wait(p)
            self.assertEqual(cm.exception.errno, errno.EINVAL)
            self.assertIn("past the report", str(cm.exception))
            self.assertGreater(len(m.report_data("vmstat").counters), 100)


class FakeDaemon:
    """A socket that answers Hello with the frame given (None: never)."""

    def __init__(self, frame):
        self.dir = tempfile.mkdtemp(prefix="mmclient-fake.")
        self.sock = os.path.join(self.dir, "s")
        self.srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.srv.bind(self.sock)
        self.srv.listen(1)
        self.thread = threading.Thread(target=self._serve, args=(frame,))
        self.thread.start()

    def _serve(self, frame):
        conn, _ = self.srv.accept()
        conn.recv(4096)
        if frame is not None:
            conn.sendall(struct.pack(">I", len(frame)) + frame)
        conn.recv(4096)  # until the client closes
        conn.close()

    def close(self):
        self.thread.join(timeout=10)
        self.srv.close()
        shutil.rmtree(self.dir, ignore_errors=True)


class TestConnection(unittest.TestCase):
    def lost(self, frame, timeout=10):
        fake = FakeDaemon(frame)
        try:
            with self.assertRaises(mmclient.ConnectionLost) as cm:
                mmclient.Machine(fake.sock, timeout=timeout)
        finally:
            fake.close()
        return cm.exception

    def test_no_reply_within_the_timeout(self):
        e = self.lost(None, timeout=0.2)
        self.assertEqual(e.errno, errno.ETIMEDOUT)

    def test_refused_at_connect(self):
        refusal = mmclient.proto.Reply(id=0, status=-errno.EUSERS,
                                       message="too many clients")
        e = self.lost(refusal.SerializeToString())
        # Hello's place in the order: its reply is the refusal.
        self.assertEqual((e.errno, e.strerror),
                         (errno.EUSERS, "too many clients"))

    def test_a_frame_that_is_no_reply(self):
        e = self.lost(b"\xff\xff\xff")
        self.assertEqual(e.errno, errno.EBADMSG)


class TestEvents(unittest.TestCase):
    def test_shutting_down(self):
        mmd = Daemon()
        try:
            m = mmclient.Machine(mmd.sock, timeout=30)
            seen = []
            m.on_event = seen.append
            admin = mmclient.Machine(mmd.sock, timeout=30)
            admin.admin_shutdown()
            admin.close()
            with self.assertRaises(mmclient.ConnectionLost):
                for _ in range(200):
                    m.process_events()
                    time.sleep(0.05)
            self.assertEqual(len(seen), 1)
            self.assertIsInstance(seen[0], mmclient.ShuttingDown)
            self.assertEqual(list(m.events), seen)
            with self.assertRaises(mmclient.ConnectionLost):
                m.ping()
        finally:
            self.assertEqual(mmd.stop(exiting=True), 0)


class TestI386Translate(DaemonTest):
    """translate on an i386 machine (the embedded board's layout)."""

    @classmethod
    def setUpClass(cls):
        cls.mmd = Daemon("--config", "config/embedded-mmz.yaml")

    def test_translate_is_the_text(self):
        with self.m.mmap(0, 4096, PROT_RW, MAP_PRIVATE_ANON) as addr:
            self.m.write_vm(addr, b"x")
            t = self.m.translate((0x7B, addr))
            self.assertEqual(t.steps, ["selector", "descriptor",
                                       "privilege", "present", "limit",
                                       "linear", "physical"])
            self.assertEqual((t.index, t.ti, t.rpl, t.gdt_entry, t.table),
                             (15, 0, 3, "__USER_DS", "GDT"))
            self.assertEqual(t.descriptor.raw, 0x00CFF2000000FFFF)
            self.assertEqual(t.linear, addr)
            self.assertEqual(t.pfn, self.m.pagewalk(addr).pfn)
            self.assertFalse(t.faulted)
            text = self.m.report("translate", addr=addr, selector=0x7B)
            self.assertIn("Physical:\t0x%08x (pfn %#x, 4 kB page)\n"
                          % (t.phys, t.pfn), text)
            ds = self.m.translate(("ds", addr))
            self.assertEqual((ds.sreg, ds.selector, ds.table, ds.phys),
                             ("ds", 0x7B, "", t.phys))
            # TI=1 with no LDT: #GP(0x7c) right after the selector.
            f = self.m.translate((0x7F, addr))
            self.assertEqual((f.steps, f.faulted, f.fault.name,
                              f.fault.vector, f.fault.error_code),
                             (["selector"], True, "#GP", 13, 0x7C))
            self.assertIn("Fault:\t#GP(0x7c): " + f.fault.reason,
                          self.m.report("translate", addr=addr,
                                        selector=0x7F))
            self.assertErrno(errno.EINVAL, self.m.translate, (0x7B, addr),
                             cpl=4)

    def test_vm_layout_has_the_boot_lines(self):
        v = self.m.vm_layout()
        self.assertEqual([b.name for b in v.boot_lines],
                         ["fixmap", "pkmap", "vmalloc", "lowmem", ".init",
                          ".data", ".text"])
        vm = v.boot_lines[2]
        self.assertIn("    vmalloc : 0x%08x - 0x%08x   (%4d MB)\n"
                      % (vm.start, vm.end, vm.size),
                      self.m.report("vm_layout"))
        self.assertEqual(v.thread_size, 8192)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
