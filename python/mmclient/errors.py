# SPDX-License-Identifier: MIT
"""errors.py - the exceptions mmclient raises.

Owns: turning a Reply's negative status and message into an OSError
subclass whose errno is Linux's and whose strerror is the daemon's own
words. Must never: lose the errno, or raise anything but OSError
subclasses for what the daemon refused.
"""
import errno as _errno
import os

__all__ = ["MMError", "Fault", "ConnectionLost", "error_for"]


class MMError(OSError):
    """A request mmd refused: .errno (Linux's), .strerror (mmd's
    message, or the C library's words when mmd gave none), .op (the
    request's name in proto/ops.def)."""

    op = None


class Fault(MMError):
    """A user access the kernel answers with a signal (-EFAULT with
    Reply.fault): .signo, .code and .addr say which."""

    signo = 0
    code = 0
    addr = 0


class ConnectionLost(MMError, ConnectionError):
    """The connection is gone (refused at connect, closed by mmd, or the
    socket failed); every later call raises it again."""


# Python's own OSError subclasses, so that `except PermissionError` or
# `except TimeoutError` catch mm's errors as they catch the host's.
_BUILTIN = {
    _errno.EPERM: PermissionError,
    _errno.EACCES: PermissionError,
    _errno.ENOENT: FileNotFoundError,
    _errno.EEXIST: FileExistsError,
    _errno.ESRCH: ProcessLookupError,
    _errno.EAGAIN: BlockingIOError,
    _errno.ETIMEDOUT: TimeoutError,
    _errno.EINTR: InterruptedError,
}
_classes = {}


def _class(err):
    """MMError, or MMError mixed with Python's class for err (made once)."""
    base = _BUILTIN.get(err)
    if base is None:
        return MMError
    cls = _classes.get(err)
    if cls is None:
        cls = type("MM" + base.__name__, (MMError, base), {})
        _classes[err] = cls
    return cls


def error_for(status, message="", op=None, fault=None):
    """The exception for a Reply's status (negative) and message."""
    err = -status if status < 0 else status
    words = message or os.strerror(err)
    if fault is not None:
        e = Fault(err, words)
        e.signo, e.code, e.addr = fault.signo, fault.code, fault.addr
    else:
        e = _class(err)(err, words)
    e.op = op
    return e
