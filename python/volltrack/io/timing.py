"""Wall and CPU seconds of the parts of a run (model loading, networks, post-processing, tracking, report ...).

A :class:`Timings` collects named parts; :func:`timed` adds a part to the collection made current by
:func:`collecting` (and does nothing when none is, so library code can be instrumented at no cost). CPU seconds are
the whole process's (``time.process_time``: every thread, the networks' and the JVM's included); parts that run
concurrently in threads are measured on the thread that runs them (:func:`thread_cpu`), and the overlap is
visible as a CPU total larger than the sum of the stages' wall seconds times one core.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from typing import Iterator


@dataclass
class Part:
    """One named part: its wall and CPU seconds summed over ``count`` occurrences."""

    wall: float = 0.0
    cpu: float = 0.0
    count: int = 0


@dataclass
class Timings:
    """Named parts in the order first seen (``"segment/networks"`` nests under ``"segment"`` by its name only)."""

    parts: dict[str, Part] = field(default_factory=dict)
    #: CPU seconds of the parts run in child processes (not in this process's ``time.process_time``).
    child_cpu: float = 0.0

    def add(self, name: str, wall: float, cpu: float, *, child: bool = False) -> None:
        """Add one occurrence of ``name`` taking ``wall`` and ``cpu`` seconds (``child``: in a child process)."""
        if child:
            self.child_cpu += cpu
        part = self.parts.setdefault(name, Part())
        part.wall += wall
        part.cpu += cpu
        part.count += 1

    def reserve(self, name: str) -> None:
        """List ``name`` here, before the parts added while it runs (its sub-parts ``name/...``)."""
        self.parts.setdefault(name, Part())

    def rest(self, name: str, parent: str) -> None:
        """Give ``name`` the CPU seconds of ``parent`` not spent in its other sub-parts (``parent/...``): for a part
        whose own CPU cannot be told apart, such as networks running in a thread beside the post-processing."""
        if name not in self.parts or parent not in self.parts:
            return
        others = sum(p.cpu for n, p in self.parts.items() if n.startswith(parent + "/") and n != name)
        self.parts[name].cpu = max(0.0, self.parts[parent].cpu - others)

    def lines(self) -> list[str]:
        """One line per part: name, wall seconds, CPU seconds (and how many times it ran when more than once)."""
        rows = []
        for name, part in self.parts.items():
            depth = name.count("/")
            label = ("  " * depth + name.rsplit("/", 1)[-1])[:28]
            times = f" x{part.count}" if part.count > 1 else ""
            rows.append(f"{label:<28} {part.wall:8.1f} s wall {part.cpu:8.1f} s CPU{times}")
        return rows

    def as_dict(self) -> dict[str, dict[str, float]]:
        """``{name: {"wall": s, "cpu": s, "count": n}}`` (JSON-ready)."""
        return {name: {"wall": round(p.wall, 3), "cpu": round(p.cpu, 3), "count": p.count}
                for name, p in self.parts.items()}


_CURRENT: list[Timings] = []


def current() -> Timings | None:
    """The collection :func:`collecting` made current, or None."""
    return _CURRENT[-1] if _CURRENT else None


@contextlib.contextmanager
def collecting(timings: Timings | None = None) -> Iterator[Timings]:
    """Make ``timings`` (default a new one) the collection :func:`timed` adds to, inside the ``with`` block."""
    timings = timings if timings is not None else Timings()
    _CURRENT.append(timings)
    try:
        yield timings
    finally:
        _CURRENT.pop()


def thread_cpu() -> float:
    """CPU seconds of the calling thread (its own work, not the process's other threads)."""
    return time.thread_time()


@contextlib.contextmanager
def timed(name: str, *, cpu: str = "process") -> Iterator[None]:
    """Add the ``with`` block to the current collection as ``name``: its wall seconds and CPU seconds of the
    process (``cpu="process"``), of the calling thread only (``"thread"``, for a part that runs while other threads
    work), or none (``"none"``: the caller attributes them, e.g. as the rest of an enclosing part)."""
    timings = current()
    if timings is None:
        yield
        return
    timings.reserve(name)   # listed in the order the parts start, an enclosing part before its sub-parts
    clock = {"process": time.process_time, "thread": thread_cpu, "none": _zero}[cpu]
    wall, start = time.perf_counter(), clock()
    try:
        yield
    finally:
        timings.add(name, time.perf_counter() - wall, clock() - start)


def _zero() -> float:
    return 0.0
