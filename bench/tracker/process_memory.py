"""Resident memory of a process tree, read from ``/proc`` (Linux), for the tracker benchmark.

``ru_maxrss`` of a waited-for child is the peak of its largest single process, not of the tree: a command that
runs a second process (the engine's ``java -jar`` starts its work in a child JVM) would be under-counted. The
benchmark therefore also samples the sum of the resident sets of the child and all its descendants while it
runs, and reports the larger of the two peaks.
"""

from __future__ import annotations

import os


def _children_by_parent() -> dict[int, list[int]]:
    """Map parent PID -> child PIDs of all processes visible in /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    return children


def _rss_kib(pid: int) -> int:
    """VmRSS of one process in KiB (0 when it has gone or the field is missing)."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_mib(pid: int) -> float:
    """Sum of the resident set sizes of ``pid`` and all its descendants, in MiB (0.0 without /proc).

    Parameters
    ----------
    pid : int
        Root process ID.

    Returns
    -------
    float
        Resident memory of the tree in MiB.
    """
    if not os.path.isdir("/proc"):
        return 0.0
    children = _children_by_parent()
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += _rss_kib(current)
        stack.extend(children.get(current, []))
    return total / 1024.0
