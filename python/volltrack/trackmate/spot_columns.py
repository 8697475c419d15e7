"""Check a spot table before writing it as TrackMate XML, and fill the attributes TrackMate needs."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np
import pandas as pd

from volltrack.schema import fill_spot_defaults

__all__ = ["prepare_spots"]

logger = logging.getLogger(__name__)


def _bad_rows(mask: np.ndarray[Any, Any]) -> str:
    rows = np.flatnonzero(mask)
    return ", ".join(map(str, rows[:5])) + (" ..." if rows.size > 5 else "")


def prepare_spots(spots: pd.DataFrame, *, frame_interval: float) -> pd.DataFrame:
    """Validated copy of ``spots`` sorted by FRAME (stable), with every attribute TrackMate requires.

    Required: ``FRAME`` (integers >= 0), ``POSITION_X``, ``POSITION_Y`` (finite). Filled when missing: ``ID``
    (0..n-1), ``name`` (``ID<ID>``), ``POSITION_Z`` (0), ``POSITION_T`` (FRAME * ``frame_interval``),
    ``RADIUS`` (from ``VOLUME``, else 1), ``QUALITY`` (1), ``VISIBILITY`` (1).

    Raises
    ------
    ValueError
        Naming the column and the first offending rows.
    """
    missing = [c for c in ("FRAME", "POSITION_X", "POSITION_Y") if c not in spots.columns]
    if missing:
        raise ValueError(f"spots: missing column(s) {', '.join(missing)}; found {', '.join(map(str, spots.columns))}")
    spots = spots.reset_index(drop=True).copy()
    frames = pd.to_numeric(spots["FRAME"], errors="coerce").to_numpy(dtype=np.float64)
    bad = ~np.isfinite(frames) | (frames < 0) | (frames != np.round(frames))
    if bad.any():
        raise ValueError(f"spots: FRAME must be integers >= 0; rows {_bad_rows(bad)} are not")
    spots["FRAME"] = frames.astype(np.int64)
    if "ID" not in spots.columns:
        spots.insert(0, "ID", np.arange(len(spots), dtype=np.int64))
    ids = pd.to_numeric(spots["ID"], errors="coerce").to_numpy(dtype=np.float64)
    if (~np.isfinite(ids) | (ids != np.round(ids))).any():
        raise ValueError("spots: ID must be integers")
    spots["ID"] = ids.astype(np.int64)
    if spots["ID"].duplicated().any():
        raise ValueError(f"spots: duplicate ID(s) {spots['ID'][spots['ID'].duplicated()].unique()[:5].tolist()}; "
                         "TrackMate needs unique spot IDs")
    _fill_defaults(spots, frame_interval)
    for column in ("POSITION_X", "POSITION_Y", "POSITION_Z"):
        bad = ~np.isfinite(spots[column].to_numpy(dtype=np.float64))
        if bad.any():
            raise ValueError(f"spots: {column} is NaN or infinite in rows {_bad_rows(bad)}")
    visibility = spots["VISIBILITY"].to_numpy()
    if not np.isin(visibility, (0, 1)).all():
        raise ValueError("spots: VISIBILITY must be 0 or 1")
    return spots.iloc[np.argsort(spots["FRAME"].to_numpy(), kind="stable")].reset_index(drop=True)


def _fill_defaults(spots: pd.DataFrame, frame_interval: float) -> None:
    if "name" not in spots.columns:
        spots.insert(1, "name", "ID" + spots["ID"].astype(str))
    else:
        missing = spots["name"].isna() | (spots["name"].astype(str) == "")
        spots.loc[missing, "name"] = "ID" + spots.loc[missing, "ID"].astype(str)
    if "POSITION_Z" not in spots.columns:
        spots["POSITION_Z"] = 0.0
    fill_spot_defaults(spots, frame_interval, logger=logger,
                       no_radius_message="spots have no RADIUS or VOLUME: writing RADIUS = 1")
    if "VISIBILITY" not in spots.columns:
        spots["VISIBILITY"] = 1
    spots["VISIBILITY"] = pd.to_numeric(spots["VISIBILITY"]).astype(np.int64)
