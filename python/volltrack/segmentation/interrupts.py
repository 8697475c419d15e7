"""Ctrl-C around StarDist's compiled 3D code: never keep a result computed while the user interrupted.

StarDist's compiled 3D non-maximum suppression and polyhedron rendering replace the process's SIGINT handler
while they run. On Ctrl-C their handler only sets a flag (and writes ``"AA "`` to C's ``stdout``); the loop
stops early and returns what it had: unsuppressed candidates, or too few cells. Python never sees the
interrupt, so a caller would keep that frame as if it were complete.

:func:`guard_stardist_compiled` wraps those compiled functions for the duration of a ``with`` block. Around each
call :func:`sigint_guard`

* installs a recording SIGINT handler of ours (StarDist saves it and puts it back when it returns), so an
  interrupt that arrives just before or just after the compiled loop is remembered too;
* sends file descriptor 1 to an anonymous temporary file, so the mark StarDist's handler writes can be seen
  (everything else written there is passed on to the real standard output);
* afterwards restores standard output and the previous SIGINT handler, and raises :class:`KeyboardInterrupt`
  when an interrupt arrived during the call, so the result of the interrupted call is never used.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import sys
import tempfile
import threading
from functools import wraps
from typing import Callable, Iterator

#: What StarDist's SIGINT handler (``stardist/lib/stardist3d_impl.cpp``) writes to C's stdout when it fires.
STARDIST_INTERRUPT_MARK = b"AA "

#: (module, attribute) of the compiled StarDist 3D functions that install their own SIGINT handler.
_COMPILED = (("stardist.lib.stardist3d", "c_non_max_suppression_inds"),
             ("stardist.geometry.geom3d", "c_polyhedron_to_label"))


class CompiledInterrupt(KeyboardInterrupt):
    """Ctrl-C arrived while compiled code that swallows it was running; its result was discarded."""


def _flush_c_stdout() -> None:
    """Flush C's stdio buffers (where StarDist's handler writes) so they reach the current file descriptor 1."""
    name = ctypes.util.find_library("c")
    if name is None:
        return
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(name).fflush(None)


def _can_guard() -> bool:
    """Signals can only be handled from the main thread of the main interpreter, on POSIX."""
    return os.name == "posix" and threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def sigint_guard(what: str = "compiled code", *, record: bool = True) -> Iterator[None]:
    """Run a block of compiled code that may swallow SIGINT; raise :class:`KeyboardInterrupt` if one arrived.

    Parameters
    ----------
    what : str, optional
        Named in the exception message.
    record : bool, optional
        Install a recording SIGINT handler for the block (True, default: for one compiled call, so that the
        interrupt is raised only once standard output is restored). False keeps the current handler (Python's
        raises at once) and only looks for StarDist's mark: for a long block of mostly Python code.

    Raises
    ------
    CompiledInterrupt
        When SIGINT arrived while the block ran (whether StarDist's handler or ours received it).
    """
    if not _can_guard():
        yield
        return
    received = []
    previous = signal.getsignal(signal.SIGINT)
    with contextlib.suppress(AttributeError, ValueError):
        sys.stdout.flush()
    _flush_c_stdout()
    capture = tempfile.TemporaryFile()       # anonymous: removed by the system whatever happens
    saved_fd = os.dup(1)
    if record:
        signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    os.dup2(capture.fileno(), 1)
    try:
        yield
    finally:
        _flush_c_stdout()
        os.dup2(saved_fd, 1)
        os.close(saved_fd)
        capture.seek(0)
        written = capture.read()
        capture.close()
        interrupted = bool(received) or STARDIST_INTERRUPT_MARK in written
        if previous is not None:
            signal.signal(signal.SIGINT, previous)   # also undoes anything the compiled code left installed
        rest = written.replace(STARDIST_INTERRUPT_MARK, b"")
        if rest:
            with contextlib.suppress(OSError):
                os.write(1, rest)
        if interrupted:
            raise CompiledInterrupt(f"interrupted during {what}; its result was discarded")


def guarded(function: Callable, what: str) -> Callable:
    """Return ``function`` wrapped so that each call runs under :func:`sigint_guard`."""
    @wraps(function)
    def call(*args, **kwargs):
        with sigint_guard(what):
            return function(*args, **kwargs)

    call.__volltrack_guarded__ = True
    return call


@contextlib.contextmanager
def guard_stardist_compiled() -> Iterator[None]:
    """While the block runs, every call of StarDist's compiled 3D NMS and rendering is interrupt-checked.

    Use it around ``StarDist3D.predict_instances``: an interrupted NMS raises :class:`KeyboardInterrupt` right
    after it returns, before its candidates are rendered into labels. Functions that are absent (another
    StarDist version) are left alone; the block still runs under one :func:`sigint_guard` so an interrupt
    swallowed anywhere in it is detected when it ends.
    """
    import importlib

    replaced = []
    for module_name, attribute in _COMPILED:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        original = getattr(module, attribute, None)
        if original is None or getattr(original, "__volltrack_guarded__", False):
            continue
        setattr(module, attribute, guarded(original, f"StarDist's compiled {attribute}"))
        replaced.append((module, attribute, original))
    try:
        with sigint_guard("StarDist prediction", record=False):
            yield
    finally:
        for module, attribute, original in replaced:
            setattr(module, attribute, original)
