"""The track tables: spots, edges and tracks of a TrackMate model, as DataFrames with TrackMate's column names.

One type, :class:`TrackMateData`, for a TrackMate XML file read by :func:`volltrack.trackmate.read_xml` and for
the result of a tracking run (:func:`volltrack.tracking.track`, also exported as ``volltrack.tracking.Tracks``).
``spots`` has one row per spot (``ID``, ``name``, every spot feature incl. ``FRAME``, ``POSITION_X/Y/Z/T``,
``RADIUS``, ``QUALITY``, ``VISIBILITY``), ``edges`` one row per link (``TRACK_ID``, ``SPOT_SOURCE_ID``,
``SPOT_TARGET_ID``, ``LINK_COST`` and the edge features), ``tracks`` one row per track (``name``, ``TRACK_ID``
and the track features).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["TrackMateData", "spot_track_ids"]


@dataclass
class TrackMateData:
    """Spots, edges and tracks of a TrackMate model, with its settings and units.

    Attributes
    ----------
    spots : pandas.DataFrame
        One row per ``Spot``; every attribute a column (``ID``, ``name``, ``FRAME``, positions, ...); a ``ROI``
        column (text of the 2D contour) only when some spot has one.
    edges : pandas.DataFrame
        One row per ``Edge``: ``TRACK_ID`` (of the enclosing ``Track``), ``SPOT_SOURCE_ID``, ``SPOT_TARGET_ID``,
        ``LINK_COST`` and any other attribute.
    tracks : pandas.DataFrame
        One row per ``Track``: ``name``, ``TRACK_ID`` and its features.
    filtered_track_ids : list of int
        IDs listed in ``FilteredTracks`` (the visible tracks).
    spot_track_ids : pandas.Series
        Track ID of every spot, indexed by spot ID (-1 = in no track); computed from the edges when not given.
    settings : dict
        ``image_data``, ``basic``, ``detector``, ``initial_spot_filter``, ``spot_filters``, ``tracker_name``,
        ``tracker`` (flat TrackerKeys dict), ``track_filters``, ``analyzers`` -- those known. A tracking run
        sets ``tracker`` (the settings it used).
    log, version, space_units, time_units : str
    frames : list of int
        ``frame`` of every ``SpotsInFrame``, empty frames included (empty when not read from a file).
    feature_declarations : dict
        ``{"spot"|"edge"|"track": {feature: {"name", "shortname", "dimension", "isint"}}}``.
    xml_path : Path or None
        The TrackMate XML file read or written, if any.
    """

    spots: pd.DataFrame
    edges: pd.DataFrame
    tracks: pd.DataFrame
    filtered_track_ids: list[int]
    spot_track_ids: pd.Series = None  # None: computed from the edges in __post_init__
    settings: dict[str, Any] = field(default_factory=dict)
    log: str = ""
    version: str | None = None
    space_units: str | None = None
    time_units: str | None = None
    frames: list[int] = field(default_factory=list)
    feature_declarations: dict[str, Any] = field(default_factory=dict)
    xml_path: Path | None = None

    def __post_init__(self) -> None:
        if self.spot_track_ids is None:
            self.spot_track_ids = spot_track_ids(self.spots, self.edges)

    @property
    def tracker_settings(self) -> dict[str, Any]:
        """The tracker settings (TrackerKeys keys) of the file or of the run; empty when unknown."""
        tracker: dict[str, Any] = self.settings.get("tracker") or {}
        return tracker

    def edge_set(self) -> set[tuple[int, int]]:
        """Return the links as a set of (source spot ID, target spot ID) pairs."""
        return set(zip(self.edges["SPOT_SOURCE_ID"].astype(int), self.edges["SPOT_TARGET_ID"].astype(int)))

    def __repr__(self) -> str:
        return (f"{type(self).__name__}({len(self.spots)} spots, {len(self.edges)} edges, {len(self.tracks)} "
                f"tracks, units {self.space_units}/{self.time_units})")


def spot_track_ids(spots: pd.DataFrame, edges: pd.DataFrame) -> pd.Series:
    """Track ID of every spot (the ``TRACK_ID`` of its edges; -1 when it has none), indexed by spot ID."""
    ids = spots["ID"].to_numpy(dtype=np.int64) if "ID" in spots.columns else np.empty(0, np.int64)
    track = np.full(len(ids), -1, dtype=np.int64)
    if len(edges) and len(ids) and "TRACK_ID" in edges.columns:
        order = np.argsort(ids, kind="stable")
        sorted_ids = ids[order]
        edge_tracks = edges["TRACK_ID"].to_numpy(dtype=np.float64)
        in_track = np.isfinite(edge_tracks)  # an edge outside every track has no TRACK_ID (NaN): its spots keep -1
        for column in ("SPOT_SOURCE_ID", "SPOT_TARGET_ID"):
            ends = edges[column].to_numpy(dtype=np.int64)
            where = np.minimum(np.searchsorted(sorted_ids, ends), len(ids) - 1)
            known = (sorted_ids[where] == ends) & in_track
            track[order[where[known]]] = edge_tracks[known].astype(np.int64)
    return pd.Series(track, index=pd.Index(ids, name="ID"), name="TRACK_ID")
