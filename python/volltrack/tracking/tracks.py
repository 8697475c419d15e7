"""The result of tracking: spots, edges and tracks as DataFrames with TrackMate column names.

:class:`Tracks` is :class:`volltrack.trackmate.TrackMateData`, the one track-tables type (see
:mod:`volltrack.trackmate.tables`): a tracking run fills ``spots``, ``edges`` (oriented from the earlier to the
later frame), ``tracks``, ``filtered_track_ids``, ``spot_track_ids`` (-1 when a spot is in no track),
``settings["tracker"]`` (the tracker settings used), the units and ``xml_path`` (the XML written, if any).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from volltrack.trackmate.tables import TrackMateData

#: The result of a tracking run: the same type as a TrackMate XML file read by ``read_xml``.
Tracks = TrackMateData


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
                  settings={"tracker": settings}, space_units=space_units, time_units=time_units)
