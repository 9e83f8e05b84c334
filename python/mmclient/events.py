# SPDX-License-Identifier: MIT
"""events.py - what mmd sends unasked (Reply id 0 with an Event).

Owns: the dataclasses an event becomes. Must never: read the socket
(machine.py does) or act on an event (the caller's handler does).
"""
from dataclasses import dataclass

__all__ = ["OomKilled", "ShuttingDown", "from_message"]


@dataclass(frozen=True)
class OomKilled:
    """The OOM killer chose a process of this session (pid; 0 or the
    session's own pid means the session itself, whose connection then
    closes)."""

    pid: int
    message: str


@dataclass(frozen=True)
class ShuttingDown:
    """mmd is stopping; the connection closes next."""

    reason: str


def from_message(ev):
    """The dataclass for an mm.Event message (None for an unknown kind:
    a newer daemon's event an older client ignores)."""
    kind = ev.WhichOneof("kind")
    if kind == "oom_killed":
        return OomKilled(ev.oom_killed.pid, ev.oom_killed.message)
    if kind == "shutting_down":
        return ShuttingDown(ev.shutting_down.reason)
    return None
