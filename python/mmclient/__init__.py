# SPDX-License-Identifier: MIT
"""mmclient - Python's client of mmd, the simulated memory machine.

Owns: what the package exports. Must never: hold state (a Machine does).
The calls are proto/ops.def's, with the kernel's names; errors are
OSError subclasses carrying Linux's errno and mmd's message.
"""
from . import events, reports
from . import mm_pb2 as proto
from .errors import ConnectionLost, Fault, MMError
from .events import OomKilled, ShuttingDown
from .machine import DEFAULT_SOCKET, GFP_KERNEL, Handle, Machine, Pending

__all__ = ["Machine", "Handle", "Pending", "MMError", "Fault",
           "ConnectionLost", "OomKilled", "ShuttingDown", "events",
           "reports", "proto", "DEFAULT_SOCKET", "GFP_KERNEL"]
__version__ = "0.1.0"
