# SPDX-License-Identifier: MIT
"""report_requests.py - the reports each session of an mmd recording
asked for: one line "SESSION KIND data|text" per Report request, KIND
the ReportKind's name without REPORT_ (docs/recording.md's format).
   usage: PYTHONPATH=build/python python3 report_requests.py FILE.mmrec
Must never: write anything, or pass over a record it cannot read (a
frame that does not decode is printed "SESSION ? undecodable")."""
import struct
import sys

from mmclient import mm_pb2 as pb


def records(data):
    """Each record after the header: (kind, session, payload)."""
    head, rest = data.split(b"\n", 1)
    assert head == b"MMREC 1", head
    line, rest = rest.split(b"\n", 1)
    assert line.startswith(b"layout "), line
    at = int(line.split()[1])
    while at < len(rest):
        kind = rest[at:at + 1]
        session, length = struct.unpack(">II", rest[at + 1:at + 9])
        yield kind, session, rest[at + 9:at + 9 + length]
        at += 9 + length


def main():
    with open(sys.argv[1], "rb") as f:
        data = f.read()
    for kind, session, payload in records(data):
        if kind != b"F":
            continue
        rq = pb.Request()
        try:
            rq.ParseFromString(payload)
        except Exception:  # a frame mmd met as it came: say so
            print(session, "?", "undecodable")
            continue
        if rq.WhichOneof("op") != "report":
            continue
        name = pb.ReportKind.Name(rq.report.kind)[len("REPORT_"):]
        print(session, name.lower(),
              "data" if rq.report.structured else "text")


main()
