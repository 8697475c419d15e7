"""Validation of the spot and edge tables handed to :mod:`volltrack.analysis` (done once, at the boundary)."""

from __future__ import annotations

import numpy as np
import pandas as pd

SPOT_COLUMNS = ("ID", "FRAME", "POSITION_X", "POSITION_Y", "POSITION_Z")
EDGE_COLUMNS = ("SPOT_SOURCE_ID", "SPOT_TARGET_ID")


def _require_columns(table, columns, name: str) -> None:
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"{name} must be a pandas DataFrame, got {type(table).__name__}")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"{name} table lacks column(s) {missing}; it has {list(table.columns)[:12]}")


def _first_ids(ids, limit: int = 5) -> str:
    ids = list(ids)
    return ", ".join(str(int(i)) for i in ids[:limit]) + (" ..." if len(ids) > limit else "")


def validate_spots(spots: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``spots`` indexed by integer ``ID``, or raise ValueError naming what is wrong.

    Checks: required columns (:data:`SPOT_COLUMNS`), unique IDs, integer frames >= 0, finite positions.
    """
    _require_columns(spots, SPOT_COLUMNS, "spots")
    spots = spots.copy()
    for column in ("ID", "FRAME"):
        values = pd.to_numeric(spots[column], errors="coerce")
        if values.isna().any() or (values != np.round(values)).any():
            raise ValueError(f"spots column {column} must hold integers; found {values[values.isna()].size} "
                             f"missing or non-integer value(s)")
        spots[column] = values.astype(np.int64)
    if spots["ID"].duplicated().any():
        raise ValueError(f"spots have duplicate ID(s): {_first_ids(spots['ID'][spots['ID'].duplicated()])}")
    if (spots["FRAME"] < 0).any():
        raise ValueError(f"spots have negative FRAME: IDs {_first_ids(spots['ID'][spots['FRAME'] < 0])}")
    positions = spots[["POSITION_X", "POSITION_Y", "POSITION_Z"]].apply(pd.to_numeric, errors="coerce")
    bad = ~np.isfinite(positions.to_numpy(dtype=float)).all(axis=1)
    if bad.any():
        raise ValueError(f"spots have NaN or infinite positions: IDs {_first_ids(spots['ID'][bad])}")
    spots[["POSITION_X", "POSITION_Y", "POSITION_Z"]] = positions.astype(float)
    return spots.set_index("ID", drop=False).rename_axis(index=None)


def validate_edges(edges: pd.DataFrame, spots: pd.DataFrame) -> pd.DataFrame:
    """Return a copy of ``edges`` with integer spot IDs, or raise ValueError naming what is wrong.

    Checks: required columns (:data:`EDGE_COLUMNS`), known spot IDs, no self-loops, no duplicate edges.
    """
    _require_columns(edges, EDGE_COLUMNS, "edges")
    edges = edges.copy()
    for column in EDGE_COLUMNS + (("TRACK_ID",) if "TRACK_ID" in edges.columns else ()):
        values = pd.to_numeric(edges[column], errors="coerce")
        if values.isna().any():
            raise ValueError(f"edges column {column} has {int(values.isna().sum())} missing value(s)")
        edges[column] = values.astype(np.int64)
    unknown = ~edges["SPOT_SOURCE_ID"].isin(spots.index) | ~edges["SPOT_TARGET_ID"].isin(spots.index)
    if unknown.any():
        pairs = edges.loc[unknown, list(EDGE_COLUMNS)].head(3).to_numpy().tolist()
        raise ValueError(f"{int(unknown.sum())} edge(s) refer to spot IDs that are not in the spot table, "
                         f"e.g. {pairs}")
    loops = edges["SPOT_SOURCE_ID"] == edges["SPOT_TARGET_ID"]
    if loops.any():
        raise ValueError(f"edges contain self-loops on spot(s) {_first_ids(edges['SPOT_SOURCE_ID'][loops])}")
    same_frame = (spots.loc[edges["SPOT_SOURCE_ID"], "FRAME"].to_numpy()
                  == spots.loc[edges["SPOT_TARGET_ID"], "FRAME"].to_numpy())
    if same_frame.any():
        pairs = edges.loc[same_frame, list(EDGE_COLUMNS)].head(3).to_numpy().tolist()
        raise ValueError(f"{int(same_frame.sum())} edge(s) link two spots of the same frame, e.g. {pairs}")
    pair = np.sort(edges[list(EDGE_COLUMNS)].to_numpy(), axis=1)
    if len(pair) and pd.DataFrame(pair).duplicated().any():
        raise ValueError("edges contain the same pair of spots twice")
    return edges.reset_index(drop=True)
