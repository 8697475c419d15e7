"""Tracking with the BTrackmate engine: settings, JVM start and the Python-to-Java bridge.

Public API (loaded lazily, so importing this package starts no JVM and imports no JPype):

* :func:`track` -- track a spot table (:mod:`volltrack.tracking.bridge`);
* :class:`TrackerSettings` -- the tracker settings, mirrored from the Java ``TrackerKeys``;
* :class:`Tracks` -- spots, edges and tracks DataFrames of a tracking run (the same type as
  :class:`volltrack.trackmate.TrackMateData`).
"""

from __future__ import annotations

from volltrack.lazy import lazy_exports

_EXPORTS = {
    "track": "volltrack.tracking.bridge",
    "TrackerSettings": "volltrack.tracking.settings",
    "Tracks": "volltrack.tracking.tracks",
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _EXPORTS)
