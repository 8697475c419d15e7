"""Tracking with the BTrackmate engine: settings, JVM start and the Python-to-Java bridge.

Public API (loaded lazily, so importing this package starts no JVM and imports no JPype):

* :func:`track` -- track a spot table (:mod:`volltrack.tracking.bridge`);
* :class:`TrackerSettings` -- the tracker settings, mirrored from the Java ``TrackerKeys``;
* :class:`Tracks` -- spots, edges and tracks DataFrames of a tracking run.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "track": "volltrack.tracking.bridge",
    "TrackerSettings": "volltrack.tracking.settings",
    "Tracks": "volltrack.tracking.tracks",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    """Import the public names on first use (PEP 562)."""
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'volltrack.tracking' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(list(globals()) + __all__)
