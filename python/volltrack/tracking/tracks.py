"""The result of tracking: spots, edges and tracks as DataFrames with TrackMate column names.

The columns follow :func:`volltrack.trackmate.read_xml`: ``spots`` has one row per spot (``ID``,
``name``, every spot feature incl. ``FRAME``, ``POSITION_X/Y/Z/T``, ``RADIUS``, ``QUALITY``,
``VISIBILITY``), ``edges`` one row per link (``TRACK_ID``, ``SPOT_SOURCE_ID``, ``SPOT_TARGET_ID``,
``LINK_COST`` and the edge features; oriented from the earlier to the later frame), ``tracks`` one row
per track (``name``, ``TRACK_ID`` and the track features). ``spot_track_ids`` maps spot IDs to
track IDs (-1 when a spot is in no track).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


@dataclass
class Tracks:
    """Spots, edges and tracks of one tracking run.

    Attributes
    ----------
    spots, edges, tracks : DataFrame
        See the module docstring.
    filtered_track_ids : list of int
        IDs of the visible tracks (TrackMate's ``FilteredTracks``).
    spot_track_ids : Series
        Track ID of every spot, indexed by spot ID (-1 = in no track).
    settings : dict
        The tracker settings used (TrackMate keys).
    space_units, time_units : str
        Physical units of positions and times.
    xml_path : Path or None
        The TrackMate XML file written, if any.
    """

    spots: pd.DataFrame
    edges: pd.DataFrame
    tracks: pd.DataFrame
    filtered_track_ids: list[int]
    spot_track_ids: pd.Series
    settings: dict[str, Any] = field(default_factory=dict)
    space_units: str = "micron"
    time_units: str = "sec"
    xml_path: Path | None = None

    def edge_set(self) -> set[tuple[int, int]]:
        """Return the links as a set of (source spot ID, target spot ID) pairs."""
        return set(zip(self.edges["SPOT_SOURCE_ID"].astype(int), self.edges["SPOT_TARGET_ID"].astype(int)))

    def __repr__(self) -> str:
        return (f"Tracks({len(self.spots)} spots, {len(self.edges)} edges, {len(self.tracks)} tracks, "
                f"units {self.space_units}/{self.time_units})")


def _strings(java_array) -> list[str]:
    return [str(value) for value in java_array] if java_array is not None else []


def _feature_table(names, values) -> dict[str, np.ndarray]:
    """Convert a Java String[] + double[][] ([feature][item]) pair into a column dict."""
    names = _strings(names)
    return {name: np.asarray(values[i], dtype=float) for i, name in enumerate(names)}


def _as_ints(column: np.ndarray) -> np.ndarray:
    """Return ``column`` as int64 when it holds only whole finite numbers, else unchanged."""
    if column.dtype.kind == "f" and np.isfinite(column).all() and (column == np.round(column)).all():
        return column.astype(np.int64)
    return column


_INT_COLUMNS = ("ID", "FRAME", "VISIBILITY", "TRACK_ID", "SPOT_SOURCE_ID", "SPOT_TARGET_ID", "LABEL",
                "TRACK_INDEX", "NUMBER_SPOTS", "NUMBER_GAPS", "NUMBER_SPLITS", "NUMBER_MERGES",
                "NUMBER_COMPLEX", "LONGEST_GAP", "INSIDE_TISSUE")


def _frame(columns: dict[str, Any]) -> pd.DataFrame:
    table = pd.DataFrame(columns)
    for name in _INT_COLUMNS:
        if name in table.columns:
            table[name] = _as_ints(table[name].to_numpy())
    return table


def tracks_from_result(result, *, settings: dict[str, Any], space_units: str, time_units: str) -> Tracks:
    """Convert an ``org.volltrack.btrackmate.bridge.TrackingResult`` into :class:`Tracks`."""
    spot_ids = np.asarray(result.spotIds(), dtype=np.int64)
    spot_columns: dict[str, Any] = {"ID": spot_ids, "name": [f"ID{i}" for i in spot_ids]}
    spot_columns.update(_feature_table(result.spotFeatureNames(), result.spotFeatureValues()))
    spot_columns["VISIBILITY"] = np.asarray(result.spotVisibility(), dtype=np.int64)
    spot_track = np.asarray(result.spotTrackIds(), dtype=np.int64)

    sources = np.asarray(result.edgeSources(), dtype=np.int64)
    track_of_spot = pd.Series(spot_track, index=spot_ids)
    edge_columns: dict[str, Any] = {
        "TRACK_ID": track_of_spot.reindex(sources).to_numpy(dtype=np.int64) if len(sources) else sources,
        "SPOT_SOURCE_ID": sources,
        "SPOT_TARGET_ID": np.asarray(result.edgeTargets(), dtype=np.int64),
        "LINK_COST": np.asarray(result.edgeCosts(), dtype=float),
    }
    for name, values in _feature_table(result.edgeFeatureNames(), result.edgeFeatureValues()).items():
        edge_columns.setdefault(name, values)

    track_ids = np.asarray(result.trackIds(), dtype=np.int64)
    track_columns: dict[str, Any] = {"name": _strings(result.trackNames()), "TRACK_ID": track_ids}
    for name, values in _feature_table(result.trackFeatureNames(), result.trackFeatureValues()).items():
        track_columns.setdefault(name, values)
    visible = np.asarray(result.trackVisible(), dtype=bool)
    return Tracks(spots=_frame(spot_columns), edges=_frame(edge_columns), tracks=_frame(track_columns),
                  filtered_track_ids=track_ids[visible].tolist(),
                  spot_track_ids=pd.Series(spot_track, index=pd.Index(spot_ids, name="ID"), name="TRACK_ID"),
                  settings=settings, space_units=space_units, time_units=time_units)
