"""TrackMate XML in Python: a streaming, hardened reader and a writer that TrackMate 7.x/8.x loads.

* :func:`read_xml` -> :class:`TrackMateData` (``.spots``, ``.edges``, ``.tracks`` DataFrames, ``.settings``, ...),
  the one track-tables type (:mod:`volltrack.trackmate.tables`), also what a tracking run returns;
* :func:`write_xml` -- spots/edges/tracks DataFrames to TrackMate XML 7.14.0 (trackmate.md §6).
"""

from volltrack.trackmate.reader import TrackMateXMLError, read_xml
from volltrack.trackmate.tables import TrackMateData
from volltrack.trackmate.writer import TRACKMATE_VERSION, write_xml

__all__ = ["read_xml", "write_xml", "TrackMateData", "TrackMateXMLError", "TRACKMATE_VERSION"]
