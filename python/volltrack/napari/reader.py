"""napari reader: a TrackMate XML file -> a Tracks layer with its division graph and features."""

from __future__ import annotations

import logging
from pathlib import Path

logger = logging.getLogger(__name__)


def _is_trackmate_xml(path) -> bool:
    path = Path(path)
    if path.suffix.lower() != ".xml" or not path.is_file():
        return False
    with open(path, "rb") as handle:
        return b"<TrackMate" in handle.read(4096)


def get_reader(path):
    """Return :func:`read_trackmate_xml` when ``path`` is one TrackMate XML file, else None (npe2 contract)."""
    if isinstance(path, (list, tuple)):
        if len(path) != 1:
            return None
        path = path[0]
    return read_trackmate_xml if _is_trackmate_xml(path) else None


def tracks_layer_tuple(analysis, *, name: str, track_ids=None) -> tuple:
    """Return the ``(data, kwargs, "tracks")`` layer tuple of an analysis (see ``napari_tracks``)."""
    from volltrack.analysis.tracks_layer import napari_tracks

    data, graph, kwargs = napari_tracks(analysis, track_ids)
    kwargs.update(name=name, graph=graph, tail_length=1000, color_by="TRACK_ID")
    return data, kwargs, "tracks"


def read_trackmate_xml(path) -> list[tuple]:
    """Read a TrackMate XML file into one napari Tracks layer tuple.

    The layer's metadata holds the :class:`~volltrack.analysis.TrackAnalysis` under ``"volltrack_analysis"``,
    which the ``Track analysis`` widget uses.
    """
    from volltrack.analysis.xml_input import analyze_xml

    if isinstance(path, (list, tuple)):
        path = path[0]
    analysis = analyze_xml(path)
    logger.info("read %s: %d tracks, %d tracklets", path, len(analysis.tracks), len(analysis.tracklets))
    return [tracks_layer_tuple(analysis, name=Path(path).stem)]
